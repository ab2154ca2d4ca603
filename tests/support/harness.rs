//! The app and a real IMAP worker together, without a terminal: type keys into `App::update`,
//! route its commands to the worker, feed the worker's events back, as the event loop does.
//! [`Harness::start_with_outbox`] adds the account's SMTP worker (`backend::outbox`), and
//! commands are routed by service as `backend::Workers` does.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

use super::dovecot::User;
use tmail::app::{Action, App, AppSetup, Command, Event};
use tmail::config::AccountSettings;
use tmail::input::parse_keys;
use tmail::store::Store;

pub struct Harness {
    pub app: App,
    pub store: Store,
    pub account: String,
    worker: UnboundedSender<Command>,
    /// The SMTP worker, when started with one.
    smtp: Option<UnboundedSender<Command>>,
    events: UnboundedReceiver<Event>,
    /// For workers started later (the SMTP worker).
    events_tx: UnboundedSender<Event>,
    pub rt: tokio::runtime::Runtime,
    _dir: Option<tempfile::TempDir>,
}

/// A `config.toml` with one account "work" for `user` on 127.0.0.1:`port` (implicit TLS,
/// trusting `ca`), logging in with `password`.
pub fn config_toml(user: &User, password: &str, port: u16, ca: &std::path::Path) -> String {
    format!(
        "[[accounts]]\nname = \"work\"\nemail = \"{n}@example.test\"\n[accounts.imap]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"tls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{password}'\"\nca_file = \"{ca}\"\n",
        n = user.name,
        ca = ca.display()
    )
}

/// An account on the fixture's Dovecot (implicit TLS) for `user`.
pub fn account(user: &User, imaps_port: u16, ca: &std::path::Path) -> AccountSettings {
    toml::from_str(&format!(
        "name = \"{n}\"\nemail = \"{n}@example.test\"\npoll_interval = 3600\n[imap]\nhost = \"127.0.0.1\"\nport = {imaps_port}\nsecurity = \"tls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{pw}'\"\nca_file = \"{ca}\"\n",
        n = user.name,
        pw = user.password,
        ca = ca.display()
    ))
    .expect("account settings")
}

impl Harness {
    /// Start the worker for `settings` with a fresh store (or `dir`'s), and wait for the INBOX list.
    pub fn start(settings: AccountSettings) -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut h = Self::start_at(settings, dir.path());
        h._dir = Some(dir);
        h
    }

    /// Start an account that has no password_command: answer the prompt with `first`, and if
    /// asked again (it was wrong), with `second`.
    pub fn start_prompted_twice(settings: AccountSettings, first: &str, second: &str) -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut h = Self::launch(settings, dir.path());
        h._dir = Some(dir);
        for (i, password) in [first, second].into_iter().enumerate() {
            h.wait("the password prompt", |a| {
                matches!(a.mode, tmail::app::Mode::Password { .. })
            });
            if i == 1 {
                let tmail::app::Mode::Password { prompt, .. } = &h.app.mode else {
                    unreachable!()
                };
                assert!(prompt.starts_with("Wrong password?"), "{prompt}");
            }
            for c in password.chars() {
                h.update(Action::Key(KeyEvent::new(
                    KeyCode::Char(c),
                    KeyModifiers::empty(),
                )));
            }
            h.keys("<Enter>");
            if first == second {
                break;
            }
        }
        h.wait("the INBOX listed", |a| {
            a.list.folder == "INBOX" && !a.list.rows.is_empty()
        });
        h
    }

    /// Like [`Self::start`], with the account's SMTP worker too (`[accounts.smtp]` in
    /// `settings`).
    pub fn start_with_outbox(settings: AccountSettings) -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut h = Self::start_with_outbox_at(settings, dir.path());
        h._dir = Some(dir);
        h
    }

    /// [`Self::start_with_outbox`] on the store in `path`.
    pub fn start_with_outbox_at(settings: AccountSettings, path: &std::path::Path) -> Harness {
        let mut h = Self::launch(settings.clone(), path);
        let (tx, _task) = {
            let _guard = h.rt.enter();
            tmail::backend::outbox::spawn(settings, h.store.clone(), h.events_tx.clone())
        };
        h.smtp = Some(tx);
        h.wait("the INBOX listed", |a| {
            a.list.folder == "INBOX" && !a.list.rows.is_empty()
        });
        h
    }

    /// Start on the store in `path` (which outlives the harness: for restart tests).
    pub fn start_at(settings: AccountSettings, path: &std::path::Path) -> Harness {
        let mut h = Self::launch(settings, path);
        h.wait("the INBOX listed", |a| {
            a.list.folder == "INBOX" && !a.list.rows.is_empty()
        });
        h
    }

    fn launch(settings: AccountSettings, path: &std::path::Path) -> Harness {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let store = Store::open(path).expect("store");
        let account = settings.name.clone();
        let (tx, events) = tokio::sync::mpsc::unbounded_channel();
        let compose = tmail::app::compose::ComposeSettings::of(&settings);
        let own = compose.own_addresses();
        let worker = {
            let _guard = rt.enter();
            tmail::backend::imap::spawn(settings, store.clone(), tx.clone()).expect("imap account")
        };
        let (app, cmds) = App::new(AppSetup {
            store: store.clone(),
            accounts: vec![account.clone()],
            own_addresses: [(account.clone(), own)].into(),
            compose: [(account.clone(), compose)].into(),
            reading: Default::default(),
            history_file: None,
            default_account: None,
            ui: Default::default(),
            keymap: tmail::input::Keymap::defaults(),
            theme: tmail::ui::theme::Theme::fallback(tmail::ui::theme::ColorSupport::TrueColor),
            theme_dir: None,
            colors: tmail::ui::theme::ColorSupport::TrueColor,
            size: (140, 40),
            first_paint: None,
        });
        let h = Harness {
            app,
            store,
            account,
            worker,
            smtp: None,
            events,
            events_tx: tx,
            rt,
            _dir: None,
        };
        h.send(cmds);
        h
    }

    /// Send one command to its worker directly (routed by service, as the app's are).
    pub fn command(&self, c: Command) {
        self.send(vec![c]);
    }

    fn send(&self, cmds: Vec<Command>) {
        for c in cmds {
            match (&self.smtp, c.service()) {
                (Some(smtp), tmail::app::action::Service::Smtp) => {
                    let _ = smtp.send(c);
                }
                _ => {
                    let _ = self.worker.send(c);
                }
            }
        }
    }

    pub fn update(&mut self, action: Action) {
        let cmds = self.app.update(action);
        self.send(cmds);
    }

    /// Type keys in vim notation.
    pub fn keys(&mut self, keys: &str) {
        for k in parse_keys(keys).expect("key notation") {
            self.update(Action::Key(k.to_event()));
        }
    }

    /// Feed worker events into the app until `pred` holds (30 s at most).
    pub fn wait(&mut self, what: &str, pred: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !pred(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; status: {:?}",
                self.app.status
            );
            let ev = self.rt.block_on(async {
                tokio::time::timeout(left.min(Duration::from_millis(200)), self.events.recv()).await
            });
            if let Ok(Some(ev)) = ev {
                if std::env::var_os("HARNESS_DEBUG").is_some() {
                    eprintln!("event: {ev:?}");
                }
                self.update(Action::Worker(ev));
            }
        }
    }

    /// Feed worker events into the app for a while.
    pub fn pump_for(&mut self, d: Duration) {
        let until = Instant::now() + d;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            let ev = self
                .rt
                .block_on(async { tokio::time::timeout(left, self.events.recv()).await });
            if let Ok(Some(ev)) = ev {
                self.update(Action::Worker(ev));
            }
        }
    }

    /// Wait until the journal is empty (every action confirmed or refused).
    pub fn wait_replayed(&mut self) {
        let store = self.store.clone();
        self.wait("the journal to be replayed", move |_| {
            store.journal_len() == 0
        });
    }

    /// Put the list cursor on the message with this subject.
    pub fn select(&mut self, subject: &str) {
        let uid = self
            .app
            .list
            .items
            .iter_views()
            .find(|e| e.subject == subject)
            .unwrap_or_else(|| panic!("no {subject:?} in {}", self.app.list.folder))
            .uid;
        assert!(self.app.list.select_uid(uid));
    }

    pub fn subjects(&self, folder: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .store
            .envelopes(&self.account, folder)
            .unwrap()
            .into_iter()
            .map(|e| e.subject)
            .collect();
        v.sort();
        v
    }

    /// Ask for a full sync and wait until the worker has gone quiet.
    pub fn sync_all(&mut self) {
        let _ = self.worker.send(Command::SyncAll {
            account: self.account.clone(),
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ev = self.rt.block_on(async {
                tokio::time::timeout(Duration::from_millis(700), self.events.recv()).await
            });
            match ev {
                Ok(Some(ev)) => self.update(Action::Worker(ev)),
                _ => break,
            }
            assert!(Instant::now() < deadline, "the worker never went quiet");
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.worker.send(Command::Shutdown);
        if let Some(smtp) = &self.smtp {
            let _ = smtp.send(Command::Shutdown);
        }
    }
}
