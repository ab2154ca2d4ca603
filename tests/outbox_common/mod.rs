//! Helpers of the outbox tests: an account on the fixtures' Dovecot (IMAP) and Postfix (SMTP
//! submission), drafts, queuing a record the way the app does, an engine, and reading what
//! arrived.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use tmail::app::Event;
use tmail::backend::outbox::Outbox;
use tmail::config::AccountSettings;
use tmail::mail::compose::Draft;
use tmail::mail::Address;
use tmail::store::{Answers, OutboxRecord, OutboxState, Store};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use super::support::dovecot::User;

/// How long a delivery may take.
pub const DELIVERY: Duration = Duration::from_secs(30);

/// The TOML of an account for `user`: IMAP on 127.0.0.1:`imap_port` (implicit TLS), SMTP on
/// 127.0.0.1:`smtp_port` (STARTTLS) logging in with `smtp_password`, both trusting `ca`.
/// `section` is `""` for an [`AccountSettings`] alone, `"accounts."` inside a config file.
pub fn account_toml(
    section: &str,
    user: &User,
    imap_port: u16,
    smtp_port: u16,
    smtp_password: &str,
    ca: &Path,
) -> String {
    format!(
        "name = \"{n}\"\nemail = \"{email}\"\ndisplay_name = \"Zoë Ångström\"\npoll_interval = 3600\nsend_delay = 0\n\
         [{section}imap]\nhost = \"127.0.0.1\"\nport = {imap_port}\nsecurity = \"tls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{pw}'\"\nca_file = \"{ca}\"\n\
         [{section}smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\nsecurity = \"starttls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{smtp_password}'\"\nca_file = \"{ca}\"\n",
        n = user.name,
        email = user.email,
        pw = user.password,
        ca = ca.display()
    )
}

/// [`account_toml`] as settings.
pub fn settings(
    user: &User,
    imap_port: u16,
    smtp_port: u16,
    smtp_password: &str,
    ca: &Path,
) -> AccountSettings {
    toml::from_str(&account_toml(
        "",
        user,
        imap_port,
        smtp_port,
        smtp_password,
        ca,
    ))
    .expect("account settings")
}

pub fn addr(name: Option<&str>, email: &str) -> Address {
    Address {
        name: name.map(str::to_string),
        email: email.to_string(),
    }
}

/// A plain message from `from` to `to`.
pub fn draft(id: &str, from: &User, to: &[&str], subject: &str) -> Draft {
    Draft {
        id: id.into(),
        from: addr(None, &from.email),
        to: to.iter().map(|t| addr(None, t)).collect(),
        subject: subject.into(),
        body: format!("{subject}\n"),
        ..Draft::default()
    }
}

/// Put a message in the outbox as the app does on send: `Waiting`, due now, not built.
pub fn queue(store: &Store, account: &str, draft: Draft, answers: Option<Answers>) -> u64 {
    let now = chrono::Utc::now().timestamp();
    store
        .outbox_push(OutboxRecord {
            id: 0,
            account: account.into(),
            draft,
            built: None,
            state: OutboxState::Waiting {
                not_before: now,
                reason: None,
            },
            answers,
            queued: now,
            attempts: 0,
        })
        .expect("outbox_push")
}

/// The account's engine on `store`, with the receiver of its events.
pub fn engine(settings: &AccountSettings, store: &Store) -> (Outbox, UnboundedReceiver<Event>) {
    let (tx, rx) = unbounded_channel();
    (Outbox::new(settings, store.clone(), tx), rx)
}

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// LF line ends (Dovecot stores messages so).
pub fn lf(b: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(b)
        .replace("\r\n", "\n")
        .into_bytes()
}

/// The header field names of a message, lowercase, in order.
pub fn header_names(raw: &[u8]) -> Vec<String> {
    let msg = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("parse delivered");
    msg.headers()
        .iter()
        .map(|h| h.name.as_str().to_ascii_lowercase())
        .collect()
}

/// `n` bytes that no encoding can shrink much.
pub fn noise(n: usize) -> Vec<u8> {
    (0..n as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// Where the record stands now.
pub fn state(store: &Store, id: u64) -> Option<OutboxState> {
    store.outbox_get(id).expect("outbox_get").map(|r| r.state)
}
