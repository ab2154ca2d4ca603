//! Helpers of the POP3 tests: server settings for the fixture's Dovecot, a store, and check
//! hooks with a clock the test controls.
#![allow(dead_code)]

use std::path::Path;

use tmail::backend::pop3::download::{Between, CheckReport, Hooks};
use tmail::backend::pop3::{self, Pop3Error};
use tmail::config::{AccountSettings, Security, ServerSettings};
use tmail::store::Store;

use super::support::dovecot::User;

/// `[accounts.pop3]` for `user` on 127.0.0.1:`port`, with `extra` TOML lines (e.g.
/// `leave_on_server = false`).
pub fn server(
    user: &User,
    password: &str,
    port: u16,
    security: Security,
    ca: &Path,
    extra: &str,
) -> ServerSettings {
    let sec = match security {
        Security::Tls => "tls",
        Security::Starttls => "starttls",
        Security::Plain => "plain",
    };
    toml::from_str(&format!(
        "host = \"127.0.0.1\"\nport = {port}\nsecurity = \"{sec}\"\nusername = \"{n}\"\npassword_command = \"printf %s '{password}'\"\nca_file = \"{ca}\"\n{extra}\n",
        n = user.name,
        ca = ca.display()
    ))
    .expect("pop3 settings")
}

/// A POP3 account named after the user.
pub fn account(user: &User, server: &ServerSettings) -> AccountSettings {
    let mut a: AccountSettings = toml::from_str(&format!(
        "name = \"{n}\"\nemail = \"{n}@example.test\"\n[pop3]\nhost = \"x\"\nsecurity = \"tls\"\n",
        n = user.name
    ))
    .expect("account");
    a.pop3 = Some(server.clone());
    a
}

/// Called with each progress line.
pub type OnProgress<'a> = Box<dyn FnMut(&str) + Send + 'a>;

/// Hooks with a settable clock; they record progress lines and can run a closure on them.
pub struct TestHooks<'a> {
    pub now: i64,
    pub lines: Vec<String>,
    pub on_progress: Option<OnProgress<'a>>,
}

impl<'a> TestHooks<'a> {
    pub fn at(now: i64) -> TestHooks<'a> {
        TestHooks {
            now,
            lines: Vec::new(),
            on_progress: None,
        }
    }
}

impl Hooks for TestHooks<'_> {
    fn progress(&mut self, text: &str) {
        self.lines.push(text.to_string());
        if let Some(f) = self.on_progress.as_mut() {
            f(text);
        }
    }
    fn folder_changed(&mut self, _folder: &str) {}
    fn body_stored(&mut self, _folder: &str, _uid: u32) {}
    fn between(&mut self) -> Between {
        Between::default()
    }
    fn now(&self) -> i64 {
        self.now
    }
}

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// One check as the worker makes it (folders first, then connect, download, QUIT).
pub fn check(
    store: &Store,
    account: &AccountSettings,
    hooks: &mut TestHooks<'_>,
) -> Result<CheckReport, Pop3Error> {
    pop3::ensure_folders(store, account).expect("folders");
    let server = account.pop3.clone().expect("pop3");
    rt().block_on(pop3::check_once(&server, None, store, &account.name, hooks))
}

/// Bodies of a folder, oldest local id first.
pub fn bodies(store: &Store, account: &str, folder: &str) -> Vec<Vec<u8>> {
    store
        .uids(account, folder)
        .expect("uids")
        .into_iter()
        .map(|u| {
            store
                .body(account, folder, u)
                .expect("body")
                .unwrap_or_default()
        })
        .collect()
}

/// A message with CRLF line ends and a unique subject.
pub fn simple(i: usize, body: &str) -> Vec<u8> {
    format!(
        "From: Sender {i} <s{i}@example.test>\r\nTo: me@example.test\r\nSubject: simple {i}\r\nDate: Thu, 1 Jan 2026 00:{:02}:00 +0000\r\nMessage-ID: <simple{i}@example.test>\r\n\r\n{body}\r\n",
        i % 60
    )
    .into_bytes()
}

/// Open a store that this process just closed: sled's background threads let go of the file
/// lock a moment after the last handle is dropped, so a reopen waits for it (up to 10 s).
pub fn reopen(dir: &Path) -> Store {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match Store::open(dir) {
            Ok(s) => return s,
            Err(e) if e.to_string().contains("lock") && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("reopen {}: {e}", dir.display()),
        }
    }
}
