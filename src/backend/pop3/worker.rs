//! The POP3 worker task: checks at start, every `check_interval` and on `:sync`; between
//! messages of a check, and while idle, it answers the app's commands (bodies from the store, the
//! journal applied locally, searches on the store). Reconnects with backoff; errors that retrying
//! cannot fix wait for the user.

use std::time::Duration;

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;

use super::download::{Between, Hooks};
use super::{check_once, ensure_folders, Pop3Error, INBOX};
use crate::app::{Command, Event};
use crate::backend::secret::Secret;
use crate::config::{AccountSettings, ServerSettings};
use crate::store::Store;

const FIRST_BACKOFF: Duration = Duration::from_secs(2);
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Start the worker of a POP3 account.
pub fn spawn(
    settings: AccountSettings,
    store: Store,
    events: UnboundedSender<Event>,
) -> UnboundedSender<Command> {
    let (tx, rx) = mpsc::unbounded_channel();
    let Some(server) = settings.pop3.clone() else {
        return crate::backend::spawn_refusing(
            settings.name.clone(),
            "not a POP3 account".into(),
            events,
        );
    };
    let w = Worker {
        name: settings.name.clone(),
        server,
        settings,
        store,
        events,
        typed: None,
        next_check: Some(Instant::now()),
        backoff: FIRST_BACKOFF,
        said_no_uidl: false,
        wanted: Vec::new(),
        stop: false,
    };
    tokio::spawn(w.run(rx));
    tx
}

struct Worker {
    name: String,
    settings: AccountSettings,
    server: ServerSettings,
    store: Store,
    events: UnboundedSender<Event>,
    /// The password typed at the prompt (accounts without password_command), in memory only.
    typed: Option<Secret>,
    /// When to check next; None: not until the user asks (after an error retrying cannot fix).
    next_check: Option<Instant>,
    backoff: Duration,
    said_no_uidl: bool,
    /// UIDLs of messages the user opened before their bodies arrived.
    wanted: Vec<String>,
    stop: bool,
}

/// The worker's side of a check: events to the app, and the app's commands between messages.
struct WorkerHooks<'a> {
    w: &'a mut Worker,
    rx: &'a mut UnboundedReceiver<Command>,
}

impl Hooks for WorkerHooks<'_> {
    fn progress(&mut self, text: &str) {
        self.w.send(Event::Status {
            account: self.w.name.clone(),
            text: text.to_string(),
        });
    }
    fn folder_changed(&mut self, folder: &str) {
        self.w.folder_changed(folder);
    }
    fn body_stored(&mut self, folder: &str, uid: u32) {
        self.w.send(Event::BodyReady {
            account: self.w.name.clone(),
            folder: folder.to_string(),
            uid,
        });
    }
    fn between(&mut self) -> Between {
        while let Ok(cmd) = self.rx.try_recv() {
            self.w.handle(cmd, true);
        }
        Between {
            stop: self.w.stop,
            first: std::mem::take(&mut self.w.wanted),
        }
    }
    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }
}

impl Worker {
    fn send(&self, ev: Event) {
        let _ = self.events.send(ev);
    }

    fn error(&self, text: String) {
        self.send(Event::Error {
            account: self.name.clone(),
            text,
        });
    }

    fn folder_changed(&self, folder: &str) {
        self.send(Event::FolderChanged {
            account: self.name.clone(),
            folder: folder.to_string(),
        });
    }

    fn interval(&self) -> Duration {
        self.server.check_interval()
    }

    async fn run(mut self, mut rx: UnboundedReceiver<Command>) {
        match ensure_folders(&self.store, &self.settings) {
            Ok(changed) => {
                if changed {
                    self.send(Event::FoldersChanged {
                        account: self.name.clone(),
                    });
                }
            }
            Err(e) => self.error(format!("cannot prepare the local folders: {e}")),
        }
        self.apply_journal();
        loop {
            while let Ok(cmd) = rx.try_recv() {
                self.handle(cmd, false);
            }
            if self.stop {
                return;
            }
            if self.next_check.is_some_and(|t| t <= Instant::now()) {
                self.check(&mut rx).await;
                if self.stop {
                    return;
                }
                continue;
            }
            let deadline = self
                .next_check
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(cmd) => self.handle(cmd, false),
                    None => return,
                },
                _ = tokio::time::sleep_until(deadline) => {}
            }
        }
    }

    /// The store already shows every action of the journal: bring the bookkeeping in step and
    /// confirm the entries.
    fn apply_journal(&mut self) {
        match self.store.pop3_apply_journal(&self.name) {
            Ok(0) => {}
            Ok(_) => self.send(Event::JournalApplied {
                account: self.name.clone(),
            }),
            Err(e) => self.error(format!("cannot apply local changes: {e}")),
        }
    }

    fn prompted(&self) -> bool {
        self.server.password_command.is_none() && self.server.oauth2_token_command.is_none()
    }

    async fn check(&mut self, rx: &mut UnboundedReceiver<Command>) {
        if self.prompted() && self.typed.is_none() {
            self.next_check = None;
            let user = self.server.username.clone().unwrap_or_default();
            self.send(Event::NeedPassword {
                account: self.name.clone(),
                prompt: format!("Password for {user} at {}: ", self.server.host),
            });
            return;
        }
        tracing::info!("{}: checking {}", self.name, self.server.host);
        self.send(Event::Status {
            account: self.name.clone(),
            text: "checking for new mail".into(),
        });
        let server = self.server.clone();
        let typed = self.typed.clone();
        let store = self.store.clone();
        let name = self.name.clone();
        // The first download is the mailbox as it was, not news: no notice (as IMAP's first sync).
        let first = !store.pop3_has_records(&name).unwrap_or(true);
        let result = {
            let mut hooks = WorkerHooks { w: self, rx };
            check_once(&server, typed.as_ref(), &store, &name, &mut hooks).await
        };
        match result {
            Ok(report) => {
                tracing::info!(
                    "{}: {} new, {} downloaded, {} deleted from the server, {} there",
                    self.name,
                    report.new,
                    report.downloaded,
                    report.deleted,
                    report.on_server
                );
                self.backoff = FIRST_BACKOFF;
                self.next_check = Some(Instant::now() + self.interval());
                self.send(Event::Online {
                    account: self.name.clone(),
                    online: true,
                });
                if report.no_uidl && !self.said_no_uidl {
                    self.said_no_uidl = true;
                    self.error(format!(
                        "{} has no UIDL: messages are recognised by Message-ID, size and date, and never deleted from the server",
                        self.server.host
                    ));
                }
                let summary = if report.new == 0 && report.deleted == 0 {
                    "no new mail".to_string()
                } else {
                    format!(
                        "{} new message{}{}",
                        report.new,
                        if report.new == 1 { "" } else { "s" },
                        if report.deleted > 0 {
                            format!(", {} deleted from the server", report.deleted)
                        } else {
                            String::new()
                        }
                    )
                };
                self.send(Event::Status {
                    account: self.name.clone(),
                    text: summary,
                });
                if !first {
                    self.notify(&report.arrived);
                }
            }
            Err(e) => {
                tracing::warn!("{}: check failed: {e}", self.name);
                self.send(Event::Online {
                    account: self.name.clone(),
                    online: false,
                });
                if matches!(e, Pop3Error::Auth { .. }) && self.prompted() {
                    self.typed = None;
                    self.next_check = None;
                    self.error(e.to_string());
                    let user = self.server.username.clone().unwrap_or_default();
                    self.send(Event::NeedPassword {
                        account: self.name.clone(),
                        prompt: format!(
                            "Wrong password? Password for {user} at {}: ",
                            self.server.host
                        ),
                    });
                } else if e.is_transient() {
                    let wait = self.backoff.min(self.interval())
                        + crate::backend::imap::jitter(self.backoff);
                    self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
                    self.next_check = Some(Instant::now() + wait);
                    self.error(format!("offline: {e}; retrying in {} s", wait.as_secs()));
                } else {
                    // Retrying a wrong password, a missing STLS or an untrusted certificate only
                    // repeats the error: wait for the user (`:sync`).
                    self.next_check = None;
                    self.error(e.to_string());
                }
            }
        }
        // Anything the user did meanwhile, and the folder counts of what arrived.
        self.apply_journal();
    }

    fn notify(&self, arrived: &[crate::mail::Envelope]) {
        let fresh: Vec<&crate::mail::Envelope> =
            arrived.iter().filter(|e| !e.flags.seen()).collect();
        let command = self.settings.new_mail_command.as_deref();
        let bell = self.settings.bell;
        if let Some(ev) =
            crate::backend::notify::new_mail(&self.name, INBOX, &fresh, command, bell, |e| {
                self.error(e)
            })
        {
            self.send(ev);
        }
    }

    /// One command from the app; `checking` while a check is under way (then a wanted body is
    /// fetched next within that session).
    fn handle(&mut self, cmd: Command, checking: bool) {
        match cmd {
            Command::Shutdown => self.stop = true,
            Command::ReplayJournal { .. } => self.apply_journal(),
            Command::FetchBody {
                account,
                folder,
                uid,
            } => {
                self.apply_journal();
                if self.store.has_body(&account, &folder, uid).unwrap_or(false) {
                    return self.send(Event::BodyReady {
                        account,
                        folder,
                        uid,
                    });
                }
                match self.store.pop3_uidl_at(&account, &folder, uid) {
                    Ok(Some(uidl)) => {
                        self.wanted.push(uidl);
                        if !checking && self.next_check.is_some() {
                            self.next_check = Some(Instant::now());
                        }
                        if !checking && self.next_check.is_none() {
                            self.send(Event::BodyFailed {
                                account,
                                folder,
                                uid,
                                error: "not downloaded yet, and the server cannot be reached (:sync tries again)".into(),
                            });
                        }
                    }
                    _ => self.send(Event::BodyFailed {
                        account,
                        folder,
                        uid,
                        error: "this message has no stored body".into(),
                    }),
                }
            }
            Command::SyncAll { .. } | Command::SyncFolder { .. } => {
                if !checking {
                    self.backoff = FIRST_BACKOFF;
                    self.next_check = Some(Instant::now());
                }
            }
            Command::Password { password, .. } => {
                self.typed = Some(password);
                self.backoff = FIRST_BACKOFF;
                if !checking {
                    self.next_check = Some(Instant::now());
                }
            }
            // Sending has its own worker (`Service::Smtp`).
            Command::FolderOpened { .. }
            | Command::SendOutbox { .. }
            | Command::Open { .. }
            | Command::Pipe { .. }
            | Command::Copy { .. }
            | Command::Job(_) => {}
            Command::ServerSearch {
                account,
                folder,
                query,
            } => {
                // The mail is all here: the "server" search runs on the store.
                match crate::mail::query::Query::parse(&query) {
                    Ok(q) => {
                        let uids = crate::backend::search_store(&self.store, &account, &folder, &q);
                        self.send(Event::SearchResults {
                            account,
                            folder,
                            query,
                            uids,
                            local: true,
                        });
                    }
                    Err(e) => self.error(e),
                }
            }
        }
    }
}
