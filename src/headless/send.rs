//! `tmail send`: send one message from a script, through the same outbox as the TUI. Either a
//! prepared RFC 5322 message on stdin (`tmail send < message.eml`: the account is the one whose
//! address or identity is the From address; Bcc taken out into the envelope; Date and
//! Message-ID added when missing), or a text body on stdin with the headers from the options
//! (`--to`, `--cc`, `--bcc`, `--subject`, `--attach`), built by `mail::compose::build`.
//!
//! The message is queued in the Outbox (due now) and sent at once by the account's
//! `backend::outbox::Outbox`; its copy for Sent goes through the journal and, for an IMAP
//! account, is APPENDed right away when the server can be reached (else by the next `tmail
//! sync` or TUI start). Exit 0 only when the SMTP server took the message; 1 when it did not
//! (the server's words on stderr; the message stays in the Outbox); 2 for a bad invocation
//! (nothing queued).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tokio::sync::mpsc::unbounded_channel;

use crate::app::Event;
use crate::backend::credentials::CredentialSource;
use crate::backend::imap::{conn, folders, save};
use crate::backend::outbox::{Outbox, Outcome};
use crate::config::{AccountSettings, Settings};
use crate::mail::address::addresses;
use crate::mail::compose::{self, prepared, Built, Draft, DraftAttachment};
use crate::mail::{Address, Role};
use crate::store::{OutboxRecord, OutboxState, Store};

/// The options of `tmail send`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendArgs {
    /// The sending account (default: by the From address, or the default account).
    pub account: Option<String>,
    /// Recipients as typed (`addr`, `Name <addr>`, comma-separated lists).
    pub to: Vec<String>,
    /// Cc recipients, as `to`.
    pub cc: Vec<String>,
    /// Bcc recipients (envelope only), as `to`.
    pub bcc: Vec<String>,
    /// The subject (any CR/LF becomes a space when built).
    pub subject: Option<String>,
    /// Files to attach, in order.
    pub attach: Vec<PathBuf>,
}

impl SendArgs {
    /// Whether the message is built from the options (else stdin is a whole message).
    pub fn builds(&self) -> bool {
        !self.to.is_empty()
            || !self.cc.is_empty()
            || !self.bcc.is_empty()
            || self.subject.is_some()
            || !self.attach.is_empty()
    }
}

/// `tmail send`: returns the exit code (see the module docs).
pub fn send(settings: &Settings, store_dir: &Path, args: &SendArgs) -> i32 {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut input) {
        eprintln!("tmail send: cannot read stdin: {e}");
        return 2;
    }
    let (account, draft, built) = match message(settings, args, &input, SystemTime::now()) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("tmail send: {e}");
            return 2;
        }
    };
    let Some((store, rt)) = super::store_and_runtime("send", store_dir) else {
        return 1;
    };
    let code = rt.block_on(queue_and_send(account, &store, draft, built));
    if let Err(e) = store.flush() {
        eprintln!("tmail send: {e}");
        return 1;
    }
    code
}

/// The account, the draft (what the Outbox shows) and the exact bytes to send.
fn message(
    settings: &Settings,
    args: &SendArgs,
    input: &[u8],
    now: SystemTime,
) -> Result<(AccountSettings, Draft, Built), String> {
    let id = format!(
        "tmail-send-{}-{}",
        std::process::id(),
        now.duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let (account, draft, built) = if args.builds() {
        let account = named_or_default(settings, args.account.as_deref())?;
        let body = String::from_utf8(input.to_vec())
            .map_err(|_| "the body on stdin is not UTF-8 text".to_string())?;
        let list = |values: &[String], field: &str| -> Result<Vec<Address>, String> {
            let mut out = Vec::new();
            for v in values {
                let found: Vec<Address> = addresses(v.as_bytes())
                    .into_iter()
                    .filter(|a| !a.email.is_empty())
                    .collect();
                if found.is_empty() {
                    return Err(format!("--{field} {v:?}: no email address in it"));
                }
                out.extend(found);
            }
            Ok(out)
        };
        let draft = Draft {
            id,
            from: Address {
                name: account.display_name.clone(),
                email: account.email.clone(),
            },
            to: list(&args.to, "to")?,
            cc: list(&args.cc, "cc")?,
            bcc: list(&args.bcc, "bcc")?,
            subject: args.subject.clone().unwrap_or_default(),
            body,
            attachments: args.attach.iter().map(DraftAttachment::file).collect(),
            ..Draft::default()
        };
        let built = compose::build(&draft, now).map_err(|e| e.to_string())?;
        (account, draft, built)
    } else {
        let p = prepared::prepare(input, now).map_err(|e| e.to_string())?;
        let account = match args.account.as_deref() {
            Some(name) => named_or_default(settings, Some(name))?,
            None => by_address(settings, &p.from.email)?,
        };
        let env = crate::mail::parse::envelope_from_raw(&p.built.bytes, 0, Default::default(), 0);
        let body = mail_parser::MessageParser::default()
            .parse(&p.built.bytes)
            .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
            .unwrap_or_default();
        let draft = Draft {
            id,
            from: p.from,
            to: p.to,
            cc: p.cc,
            bcc: p.bcc,
            subject: env.subject,
            body,
            in_reply_to: env.in_reply_to,
            references: env.references,
            attachments: Vec::new(),
        };
        (account, draft, p.built)
    };
    if account.smtp.is_none() {
        return Err(format!(
            "account {} has no [accounts.smtp] section: it cannot send",
            account.name
        ));
    }
    Ok((account, draft, built))
}

fn names(settings: &Settings) -> String {
    settings
        .accounts
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The account named `name`, else the default one (`default = true`), else the first.
fn named_or_default(settings: &Settings, name: Option<&str>) -> Result<AccountSettings, String> {
    let found = match name {
        Some(n) => settings.accounts.iter().find(|a| a.name == n),
        None => settings
            .accounts
            .iter()
            .find(|a| a.default)
            .or(settings.accounts.first()),
    };
    found.cloned().ok_or_else(|| match name {
        Some(n) => format!("no account named \"{n}\" (have: {})", names(settings)),
        None => "no account in the config".into(),
    })
}

/// The account that sends as `email`: its address or one of its identities.
fn by_address(settings: &Settings, email: &str) -> Result<AccountSettings, String> {
    let email = email.trim();
    let owns = |a: &AccountSettings| {
        a.email.trim().eq_ignore_ascii_case(email)
            || a.identities.iter().any(|i| {
                addresses(i.as_bytes())
                    .iter()
                    .any(|x| x.email.trim().eq_ignore_ascii_case(email))
            })
    };
    settings.accounts.iter().find(|a| owns(a)).cloned().ok_or_else(|| {
        format!(
            "no account sends as {email} (its address or identities); choose one with --account (have: {})",
            names(settings)
        )
    })
}

/// An IMAP session for saving the Sent copy (or learning which folder is Sent).
struct ImapLink<'a> {
    account: &'a AccountSettings,
    session: Option<conn::ImapSession>,
    /// Why there is none.
    failed: Option<String>,
}

impl ImapLink<'_> {
    async fn session(&mut self) -> Option<&mut conn::ImapSession> {
        if self.session.is_none() && self.failed.is_none() {
            match self.connect().await {
                Ok(s) => self.session = Some(s),
                Err(e) => self.failed = Some(e),
            }
        }
        self.session.as_mut()
    }

    async fn connect(&self) -> Result<conn::ImapSession, String> {
        let Some(server) = &self.account.imap else {
            return Err("the account has no [accounts.imap]".into());
        };
        let creds = CredentialSource::new(server.clone(), false)
            .get()
            .await
            .map_err(|e| e.to_string())?;
        let (session, _) = conn::connect(server, &creds)
            .await
            .map_err(|e| e.to_string())?;
        Ok(session)
    }

    async fn logout(&mut self) {
        if let Some(mut s) = self.session.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), s.logout()).await;
        }
    }
}

/// An IMAP account whose Sent folder the store does not know yet (never synced): list the
/// server's folders into the store, so the copy goes to the right place.
async fn learn_folders(link: &mut ImapLink<'_>, store: &Store) {
    let a = link.account;
    let known = a.folders.sent.is_some()
        || store
            .folders(Some(&a.name))
            .unwrap_or_default()
            .iter()
            .any(|f| f.role == Some(Role::Sent));
    if known || a.imap.is_none() || !a.save_sent() {
        return;
    }
    let Some(session) = link.session().await else {
        return;
    };
    match folders::list(session, &a.name, &a.folders).await {
        Ok(list) => {
            let old = store.folders(Some(&a.name)).unwrap_or_default();
            for mut f in list {
                if let Some(o) = old.iter().find(|o| o.path == f.path) {
                    f.unread = o.unread;
                    f.total = o.total;
                }
                let _ = store.put_folder(&f);
            }
        }
        Err(e) => link.failed = Some(e.to_string()),
    }
}

async fn queue_and_send(
    account: AccountSettings,
    store: &Store,
    draft: Draft,
    built: Built,
) -> i32 {
    let name = account.name.clone();
    let subject = crate::mail::sanitize::sanitize(&draft.subject);
    let count = built.recipients.len();
    let message_id = built.message_id.clone();
    let now = crate::backend::outbox::unix_now();
    let record = OutboxRecord {
        id: 0,
        account: name.clone(),
        draft,
        built: Some(built),
        state: OutboxState::Waiting {
            not_before: now,
            reason: None,
        },
        answers: None,
        queued: now,
        attempts: 0,
    };
    let mut link = ImapLink {
        account: &account,
        session: None,
        failed: None,
    };
    learn_folders(&mut link, store).await;
    let id = match store.outbox_push(record) {
        Ok(id) => id,
        Err(e) => {
            eprintln!("tmail send: {e}");
            return 1;
        }
    };
    let (tx, mut rx) = unbounded_channel();
    let mut engine = Outbox::new(&account, store.clone(), tx);
    engine.recover();
    let outcome = engine.send_now(id).await;
    while let Ok(ev) = rx.try_recv() {
        if let Event::Error { text, .. } = ev {
            eprintln!("tmail send: {name}: {text}");
        }
    }
    let code = match outcome {
        Outcome::Sent { .. } => {
            let s = if count == 1 { "" } else { "s" };
            println!(
                "{name}: sent “{subject}” to {count} recipient{s} (Message-ID <{message_id}>)"
            );
            save_copy(&mut link, store, &message_id).await;
            0
        }
        Outcome::Retry { reason, .. } => {
            eprintln!(
                "tmail send: {name}: not sent: {reason}\n\
                 The message stays in the Outbox of {name}; tmail sends it when it next runs."
            );
            1
        }
        Outcome::Failed { reason } => {
            eprintln!(
                "tmail send: {name}: not sent: {reason}\n\
                 The message stays in the Outbox of {name}, failed: tmail does not retry it by itself (:resend does)."
            );
            1
        }
        Outcome::InDoubt { reason } => {
            eprintln!(
                "tmail send: {name}: {reason}\n\
                 The message stays in the Outbox of {name}, in doubt: it may have been sent, so tmail does not send it again by itself (:resend does)."
            );
            1
        }
        Outcome::Skipped => {
            eprintln!(
                "tmail send: {name}: the message was not sent; it stays in the Outbox of {name}"
            );
            1
        }
    };
    link.logout().await;
    code
}

/// After sending: save the journaled copy for Sent now (IMAP: APPEND; POP3: confirmed
/// locally), or say when it will be.
async fn save_copy(link: &mut ImapLink<'_>, store: &Store, message_id: &str) {
    let a = link.account;
    if !a.save_sent() {
        return;
    }
    let journaled = store
        .journal(Some(&a.name))
        .unwrap_or_default()
        .iter()
        .any(|e| {
            matches!(e.op, crate::store::JournalOp::Append { .. })
                && e.message_id.as_deref() == Some(message_id)
        });
    if !journaled {
        return;
    }
    if a.pop3.is_some() {
        match store.pop3_apply_journal(&a.name) {
            Ok(_) => println!("{}: saved a copy to Sent", a.name),
            Err(e) => eprintln!("tmail send: {}: the copy for Sent: {e}", a.name),
        }
        return;
    }
    let later = "the copy for Sent is kept and saved by the next `tmail sync` or start of tmail";
    let Some(session) = link.session().await else {
        let why = link.failed.clone().unwrap_or_default();
        eprintln!("tmail send: {}: {later} ({why})", a.name);
        return;
    };
    match save::save_appends(session, store, &a.name, Some(message_id)).await {
        Ok(folders) => {
            for f in folders {
                println!(
                    "{}: saved a copy to {}",
                    a.name,
                    crate::mail::mutf7::decode(&f)
                );
            }
        }
        Err(e) => eprintln!("tmail send: {}: {later} ({e})", a.name),
    }
}
