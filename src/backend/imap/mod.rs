//! The IMAP account worker: one task owns the account's main connection (folders, sync, bodies,
//! journal replay) and starts IDLE connections for the INBOX and the open folder. It writes the
//! store, then tells the app what changed.

pub mod conn;
pub mod envelope;
pub mod folders;
pub mod idle;
mod replay;
pub mod save;
pub mod sync;

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::sync::watch;
use tokio::time::Instant;

use self::conn::{Caps, ImapError, ImapSession};
use crate::app::{Command, Event};
use crate::backend::credentials::{CredentialError, CredentialSource};
use crate::config::{AccountSettings, ServerSettings};
use crate::store::Store;

const DEFAULT_POLL: u64 = 60;
/// The first retry after a drop is quick (a blip); later ones back off up to a minute.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// A gap this much longer than expected in the wall clock means the machine slept.
const SLEEP_GAP: Duration = Duration::from_secs(30);

/// Up to a quarter of `d` at random, so many clients do not reconnect in lockstep.
pub fn jitter(d: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |t| t.subsec_nanos());
    let quarter = d.as_millis() as u64 / 4;
    Duration::from_millis(if quarter == 0 {
        0
    } else {
        u64::from(nanos) % quarter
    })
}

pub use crate::backend::secret::credentials;

/// Why an account whose store holds POP3 mail is not synced as IMAP.
pub fn data_account_refusal(account: &str) -> String {
    format!(
        "the store holds POP3 mail of account {account} (the only copy); it will not be synced as IMAP. \
         Use another account name, or keep [accounts.pop3] (tmail export writes the mail out)"
    )
}

struct Worker {
    name: String,
    settings: AccountSettings,
    server: ServerSettings,
    store: Store,
    events: UnboundedSender<Event>,
    /// Asked on every connect (shared with the IDLE connections).
    creds: std::sync::Arc<CredentialSource>,
    conn: Option<(ImapSession, Caps)>,
    selected: Option<String>,
    open_folder: String,
    queue: VecDeque<String>,
    retry_at: Option<Instant>,
    backoff: Duration,
    next_poll: Instant,
    idle_started: bool,
    open_watch: watch::Sender<String>,
    wake_tx: UnboundedSender<String>,
    listed: bool,
    /// When kept journal entries are tried again (after a local or temporary failure).
    replay_at: Option<Instant>,
    /// Folders whose counts the server's STATUS disputed: counted once after their next sync.
    recount_after: std::collections::HashSet<String>,
    replay_backoff: Duration,
}

/// Start the worker of an IMAP account.
pub fn spawn(
    settings: AccountSettings,
    store: Store,
    events: UnboundedSender<Event>,
) -> Option<UnboundedSender<Command>> {
    let server = settings.imap.clone()?;
    if store.is_data_account(&settings.name).unwrap_or(true) {
        // The store holds this account's POP3 mail, the only copy: an IMAP sync would treat
        // it as a cache of the server and reconcile it away.
        return Some(crate::backend::spawn_refusing(
            settings.name.clone(),
            data_account_refusal(&settings.name),
            events,
        ));
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let (wake_tx, wake_rx) = mpsc::unbounded_channel();
    let (open_watch, _) = watch::channel("INBOX".to_string());
    let w = Worker {
        name: settings.name.clone(),
        creds: CredentialSource::new(server.clone(), false),
        server,
        settings,
        store,
        events,
        conn: None,
        selected: None,
        open_folder: "INBOX".into(),
        queue: VecDeque::new(),
        retry_at: Some(Instant::now()),
        backoff: FIRST_BACKOFF,
        next_poll: Instant::now(),
        idle_started: false,
        open_watch,
        wake_tx,
        listed: false,
        replay_at: None,
        replay_backoff: Duration::from_secs(5),
        recount_after: Default::default(),
    };
    tokio::spawn(w.run(rx, wake_rx));
    Some(tx)
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

    fn poll_interval(&self) -> Duration {
        Duration::from_secs(self.settings.poll_interval.unwrap_or(DEFAULT_POLL).max(5))
    }

    fn enqueue_front(&mut self, folder: &str) {
        self.queue.retain(|f| f != folder);
        self.queue.push_front(folder.to_string());
    }

    fn enqueue_back(&mut self, folder: &str) {
        if !self.queue.iter().any(|f| f == folder) {
            self.queue.push_back(folder.to_string());
        }
    }

    async fn run(
        mut self,
        mut rx: UnboundedReceiver<Command>,
        mut wake_rx: UnboundedReceiver<String>,
    ) {
        let mut last_wall = std::time::SystemTime::now();
        let mut last_mono = Instant::now();
        loop {
            // After a laptop sleep the monotonic clock stood still while the wall clock ran on, and
            // the connection is probably dead without anyone saying so: reconnect at once.
            let wall = std::time::SystemTime::now()
                .duration_since(last_wall)
                .unwrap_or_default();
            if wall > last_mono.elapsed() + SLEEP_GAP && self.conn.is_some() {
                tracing::info!("{}: the machine slept ({wall:?}); reconnecting", self.name);
                self.conn = None;
                self.selected = None;
                self.backoff = FIRST_BACKOFF;
                self.retry_at = Some(Instant::now());
            }
            last_wall = std::time::SystemTime::now();
            last_mono = Instant::now();
            while let Ok(cmd) = rx.try_recv() {
                if !self.handle(cmd).await {
                    return self.shutdown().await;
                }
            }
            while let Ok(folder) = wake_rx.try_recv() {
                self.enqueue_front(&folder);
            }
            if self.conn.is_none() && self.retry_at.is_some_and(|t| t <= Instant::now()) {
                self.connect().await;
            }
            if self.conn.is_some() && self.replay_at.is_some_and(|t| t <= Instant::now()) {
                self.replay_at = None;
                self.replay().await;
            }
            if self.conn.is_some() {
                if Instant::now() >= self.next_poll {
                    self.next_poll = Instant::now() + self.poll_interval();
                    self.poll().await;
                }
                if let Some(folder) = self.queue.pop_front() {
                    // Commands that came during the sync and had to wait (all but bodies).
                    for cmd in self.sync(&folder, &mut rx).await {
                        if !self.handle(cmd).await {
                            return self.shutdown().await;
                        }
                    }
                    continue;
                }
            }
            let deadline = match (self.conn.is_some(), self.retry_at) {
                (true, _) => self
                    .replay_at
                    .map_or(self.next_poll, |r| r.min(self.next_poll)),
                (false, Some(t)) => t,
                (false, None) => Instant::now() + Duration::from_secs(3600),
            };
            tokio::select! {
                cmd = rx.recv() => match cmd {
                    Some(cmd) => if !self.handle(cmd).await { return self.shutdown().await },
                    None => return self.shutdown().await,
                },
                Some(folder) = wake_rx.recv() => self.enqueue_front(&folder),
                _ = tokio::time::sleep_until(deadline) => {}
            }
        }
    }

    async fn shutdown(mut self) {
        if let Some((mut s, _)) = self.conn.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), s.logout()).await;
        }
    }

    fn schedule_retry(&mut self) {
        self.retry_at = Some(Instant::now() + self.backoff + jitter(self.backoff));
        self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
    }

    /// Drop a broken connection and plan a reconnect with backoff and jitter.
    fn lost(&mut self, e: &ImapError) {
        tracing::warn!("{}: connection lost: {e}", self.name);
        self.conn = None;
        self.selected = None;
        self.schedule_retry();
        self.send(Event::Online {
            account: self.name.clone(),
            online: false,
        });
        self.error(format!("offline: {e}; retrying"));
    }

    fn ask_password(&mut self, why: &str) {
        self.retry_at = None;
        let user = self.server.username.clone().unwrap_or_default();
        self.send(Event::NeedPassword {
            account: self.name.clone(),
            prompt: format!("{why}Password for {user} at {}: ", self.server.host),
        });
    }

    async fn connect(&mut self) {
        tracing::info!("{}: connecting to {}", self.name, self.server.host);
        // Asked now, for this connection: a token is fetched anew, a password kept in memory.
        let creds = match self.creds.get().await {
            Ok(c) => c,
            Err(CredentialError::NeedPassword) => return self.ask_password(""),
            // Stopped after a refusal: the user gives a new password or asks to sync again.
            Err(CredentialError::Refused(_)) => {
                self.retry_at = None;
                return;
            }
            Err(CredentialError::Command(e)) => {
                self.retry_at = None;
                self.error(e);
                return;
            }
        };
        match conn::connect(&self.server, &creds).await {
            Ok((session, caps)) => {
                tracing::info!("{}: connected ({caps:?})", self.name);
                if self.server.security == crate::config::Security::Plain
                    && !crate::config::is_loopback(&self.server.host)
                {
                    self.error(format!("connected to {} WITHOUT TLS (allow_plaintext): the password and your mail travel in the clear", self.server.host));
                }
                self.conn = Some((session, caps.clone()));
                self.backoff = FIRST_BACKOFF;
                self.retry_at = None;
                self.send(Event::Online {
                    account: self.name.clone(),
                    online: true,
                });
                if !self.listed {
                    self.list_folders().await;
                }
                let open = self.open_folder.clone();
                self.enqueue_front(&open);
                if open != "INBOX" {
                    self.enqueue_front("INBOX");
                }
                let journal_pending = self
                    .store
                    .journal(Some(&self.name))
                    .is_ok_and(|j| !j.is_empty());
                if journal_pending {
                    self.replay().await;
                }
                if caps.idle && !self.idle_started {
                    self.idle_started = true;
                    let inbox = watch::channel("INBOX".to_string());
                    let idle = |folder| idle::Idle {
                        account: self.name.clone(),
                        server: self.server.clone(),
                        creds: self.creds.clone(),
                        folder,
                        wake: self.wake_tx.clone(),
                        events: self.events.clone(),
                        check: self
                            .settings
                            .idle_check
                            .map_or(idle::IDLE_CHECK, |s| Duration::from_secs(s.max(1))),
                    };
                    tokio::spawn(idle(inbox.1).run());
                    // keep the sender alive for the task's lifetime
                    std::mem::forget(inbox.0);
                    tokio::spawn(idle(self.open_watch.subscribe()).run());
                }
            }
            Err(e) => {
                tracing::warn!("{}: cannot connect: {e}", self.name);
                let permanent = matches!(
                    e,
                    ImapError::Auth { .. }
                        | ImapError::NoStartTls { .. }
                        | ImapError::Plaintext { .. }
                ) || matches!(
                    &e,
                    ImapError::Net(
                        crate::backend::net::NetError::Certificate { .. }
                            | crate::backend::net::NetError::CaFile { .. }
                    )
                );
                self.send(Event::Online {
                    account: self.name.clone(),
                    online: false,
                });
                let refused = matches!(e, ImapError::Auth { .. });
                // A refusal stops every connection of the account and is said once.
                if !refused || self.creds.refuse(&e.to_string()) {
                    self.error(if refused {
                        format!(
                            "{e}; not retrying until the password changes (or a sync is asked for)"
                        )
                    } else {
                        e.to_string()
                    });
                }
                if refused && self.creds.prompted() {
                    self.ask_password("Wrong password? ");
                } else if permanent {
                    // Retrying a wrong password or an untrusted certificate only repeats the error.
                    self.retry_at = None;
                } else {
                    self.schedule_retry();
                }
            }
        }
    }

    async fn list_folders(&mut self) {
        let Some((session, _)) = self.conn.as_mut() else {
            return;
        };
        match folders::list(session, &self.name, &self.settings.folders).await {
            Ok(list) => {
                let old = self.store.folders(Some(&self.name)).unwrap_or_default();
                for f in &old {
                    if !list.iter().any(|n| n.path == f.path) {
                        let _ = self.store.drop_cached_folder(&self.name, &f.path);
                    }
                }
                for mut f in list {
                    if let Some(o) = old.iter().find(|o| o.path == f.path) {
                        f.unread = o.unread;
                        f.total = o.total;
                    }
                    let _ = self.store.put_folder(&f);
                    if f.selectable {
                        self.enqueue_back(&f.path);
                    }
                }
                self.listed = true;
                self.send(Event::FoldersChanged {
                    account: self.name.clone(),
                });
            }
            Err(e) if e.is_connection() => self.lost(&e),
            Err(e) => self.error(format!("cannot list folders: {e}")),
        }
    }

    /// Refresh counts of every folder by STATUS; queue the INBOX and open folder when IDLE is missing.
    async fn poll(&mut self) {
        // Keepalive: a NOOP finds a dead connection before the user needs it.
        if let Some((session, _)) = self.conn.as_mut() {
            if let Err(e) = conn::timed("NOOP", session.noop()).await {
                return self.lost(&e);
            }
        }
        let idle = self.conn.as_ref().is_some_and(|(_, c)| c.idle);
        if !idle {
            let open = self.open_folder.clone();
            self.enqueue_back("INBOX");
            self.enqueue_back(&open);
        }
        let folders = self.store.folders(Some(&self.name)).unwrap_or_default();
        for mut f in folders.into_iter().filter(|f| f.selectable) {
            if f.path == self.open_folder || f.path.eq_ignore_ascii_case("INBOX") {
                continue;
            }
            let Some((session, _)) = self.conn.as_mut() else {
                return;
            };
            match folders::status(session, &f.path).await {
                Ok((unread, total)) => {
                    // A first sync cut midway (a mark) has counted what it stored: the server's
                    // counts written over them would be added to again as it resumes.
                    let synced = self
                        .store
                        .folder_state(&self.name, &f.path)
                        .is_ok_and(|s| s.uidnext != 0)
                        || self
                            .store
                            .first_sync_mark(&self.name, &f.path)
                            .is_ok_and(|m| m.is_some());
                    if !synced {
                        // Nothing cached yet: show the server's counts until the first sync.
                        if (unread, total) != (f.unread, f.total) {
                            f.unread = unread;
                            f.total = total;
                            let _ = self.store.put_folder(&f);
                            self.send(Event::FolderChanged {
                                account: self.name.clone(),
                                folder: f.path.clone(),
                            });
                        }
                        self.enqueue_back(&f.path);
                    } else if (unread, total) != (f.unread, f.total) {
                        // The cache's counts move by what its syncs change: a sync brings it
                        // (and them) in line; if they still disagree then, it is counted once.
                        self.recount_after.insert(f.path.clone());
                        self.enqueue_back(&f.path);
                    }
                }
                Err(e) if e.is_connection() => return self.lost(&e),
                Err(e) => tracing::info!("{}: STATUS {}: {e}", self.name, f.path),
            }
        }
    }

    /// Sync one folder, serving bodies the user opens between its batches; returns the other
    /// commands that came meanwhile, for after.
    async fn sync(&mut self, folder: &str, rx: &mut UnboundedReceiver<Command>) -> Vec<Command> {
        let mut deferred = Vec::new();
        // Queued before the user renamed or deleted it here: its journal entry takes care of
        // the server, and the sync would only fail.
        let known = self.store.folders(Some(&self.name)).unwrap_or_default();
        if !folder.eq_ignore_ascii_case("INBOX")
            && !known.is_empty()
            && !known.iter().any(|f| f.path == folder)
        {
            tracing::info!("{}: {folder} is gone here; not syncing it", self.name);
            return deferred;
        }
        let Some((session, caps)) = self.conn.as_mut() else {
            return deferred;
        };
        let caps = caps.clone();
        let shown = crate::mail::mutf7::decode(folder);
        let mut hooks = SyncHooks {
            account: &self.name,
            folder,
            shown: &shown,
            store: &self.store,
            events: &self.events,
            rx,
            deferred: &mut deferred,
            added: Vec::new(),
            last: None,
            progress: None,
        };
        let mut done = sync::SyncReport::default();
        let r = sync::sync_folder_into(
            session,
            &caps,
            &self.store,
            &self.name,
            folder,
            &mut hooks,
            &mut done,
        )
        .await;
        let progress = hooks.progress;
        let added = std::mem::take(&mut hooks.added);
        drop(hooks);
        if let Some((done, total)) = progress {
            let text = match &r {
                Ok(_) => format!("{shown}: {total}/{total} headers"),
                Err(_) => format!("{shown}: stopped at {done}/{total} headers"),
            };
            self.send(Event::Status {
                account: self.name.clone(),
                text,
            });
        }
        // A failed SELECT leaves no folder selected (RFC 3501 §6.3.1).
        self.selected = r.is_ok().then(|| folder.to_string());
        // What was written and not told yet (also when the sync broke off).
        let removed = std::mem::take(&mut done.removed_uids);
        let flags = std::mem::take(&mut done.flag_changes);
        if done.refetched {
            self.send(Event::FolderChanged {
                account: self.name.clone(),
                folder: folder.to_string(),
            });
        } else if !added.is_empty() || !removed.is_empty() || !flags.is_empty() {
            self.send(Event::MessagesChanged {
                account: self.name.clone(),
                folder: folder.to_string(),
                added,
                removed,
                flags,
            });
        }
        if self.recount_after.remove(folder) {
            // The server's counts disagreed with the cache's: count the cache once.
            let _ = self.store.recount(&self.name, folder);
            self.send(Event::FolderChanged {
                account: self.name.clone(),
                folder: folder.to_string(),
            });
        }
        match r {
            Ok(()) => {
                if self.settings.offline_bodies {
                    if let Some((session, _)) = self.conn.as_mut() {
                        let mut hooks = SyncHooks {
                            account: &self.name,
                            folder,
                            shown: &shown,
                            store: &self.store,
                            events: &self.events,
                            rx,
                            deferred: &mut deferred,
                            added: Vec::new(),
                            last: None,
                            progress: None,
                        };
                        let r = sync::fetch_missing_bodies_with(
                            session,
                            &self.store,
                            &self.name,
                            folder,
                            &mut hooks,
                        )
                        .await;
                        if let Err(e) = r {
                            if e.is_connection() {
                                self.lost(&e);
                                return deferred;
                            }
                            self.error(format!("cannot fetch the bodies of {shown}: {e}"));
                        }
                    }
                }
                if !done.arrived_unseen.is_empty() {
                    self.notify(folder, &done.arrived_unseen);
                }
            }
            Err(e) if e.is_connection() => {
                // The folder is synced again after the reconnect; the others wait in the queue.
                self.enqueue_front(folder);
                self.lost(&e)
            }
            Err(e) => {
                // One folder failing never stops the others: they stay in the queue.
                tracing::warn!("{}: cannot sync {folder}: {e}", self.name);
                self.error(format!("cannot sync {shown}: {e}"));
            }
        }
        deferred
    }

    fn notify(&self, folder: &str, arrived: &[crate::mail::Envelope]) {
        let arrived: Vec<&crate::mail::Envelope> = arrived.iter().collect();
        let command = self.settings.new_mail_command.as_deref();
        let bell = self.settings.bell;
        if let Some(ev) =
            crate::backend::notify::new_mail(&self.name, folder, &arrived, command, bell, |e| {
                self.error(e)
            })
        {
            self.send(ev);
        }
    }

    /// IMAP SEARCH in a folder; envelopes of hits not cached yet are fetched. Offline, the query is
    /// evaluated on the cache instead (and the result says so).
    async fn server_search(&mut self, account: String, folder: String, query: String) {
        let q = match crate::mail::query::Query::parse(&query) {
            Ok(q) => q,
            Err(e) => return self.error(e),
        };
        if self.conn.is_none() {
            let uids = crate::backend::search_store(&self.store, &account, &folder, &q);
            return self.send(Event::SearchResults {
                account,
                folder,
                query,
                uids,
                local: true,
            });
        }
        let r = async {
            self.select(&folder).await?;
            let session = &mut self
                .conn
                .as_mut()
                .ok_or_else(|| ImapError::Protocol("offline".into()))?
                .0;
            let found = conn::timed("UID SEARCH", session.uid_search(q.to_imap())).await?;
            let mut uids: Vec<u32> = found.into_iter().collect();
            uids.sort_unstable();
            let cached: std::collections::HashSet<u32> =
                self.store.uids(&account, &folder)?.into_iter().collect();
            let missing: Vec<u32> = uids
                .iter()
                .copied()
                .filter(|u| !cached.contains(u))
                .collect();
            if !missing.is_empty() {
                let session = &mut self
                    .conn
                    .as_mut()
                    .ok_or_else(|| ImapError::Protocol("offline".into()))?
                    .0;
                sync::fetch_envelopes(
                    session,
                    &self.store,
                    &account,
                    &folder,
                    &missing,
                    &mut |_, _| {},
                    false,
                )
                .await?;
            }
            Ok::<_, ImapError>(uids)
        }
        .await;
        match r {
            Ok(uids) => self.send(Event::SearchResults {
                account,
                folder,
                query,
                uids,
                local: false,
            }),
            Err(e) if e.is_connection() => {
                self.lost(&e);
                let uids = crate::backend::search_store(&self.store, &account, &folder, &q);
                self.send(Event::SearchResults {
                    account,
                    folder,
                    query,
                    uids,
                    local: true,
                });
            }
            Err(e) => self.error(format!("search: {e}")),
        }
    }

    async fn select(&mut self, folder: &str) -> Result<(), ImapError> {
        if self.selected.as_deref() == Some(folder) {
            return Ok(());
        }
        let Some((session, _)) = self.conn.as_mut() else {
            return Err(ImapError::Protocol("offline".into()));
        };
        conn::timed("SELECT", session.select(folder)).await?;
        self.selected = Some(folder.to_string());
        Ok(())
    }

    /// Returns false on Shutdown.
    async fn handle(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::Shutdown => return false,
            Command::FetchBody {
                account,
                folder,
                uid,
            } => {
                if self.conn.is_none() {
                    self.send(Event::BodyFailed {
                        account,
                        folder,
                        uid,
                        error: "offline: this message is not cached yet".into(),
                    });
                    return true;
                }
                let r = match self.select(&folder).await {
                    Ok(()) => match self.conn.as_mut() {
                        Some((session, _)) => {
                            let (ev, r) =
                                body_into_store(session, &self.store, account, folder, uid).await;
                            self.send(ev);
                            r
                        }
                        None => Ok(()),
                    },
                    Err(e) => {
                        self.send(Event::BodyFailed {
                            account,
                            folder,
                            uid,
                            error: e.to_string(),
                        });
                        Err(e)
                    }
                };
                if let Err(e) = r {
                    if e.is_connection() {
                        self.lost(&e);
                    }
                }
            }
            // Sending has its own worker (`Service::Smtp`), jobs and local programs theirs;
            // nothing for IMAP here.
            Command::SendOutbox { .. }
            | Command::Open { .. }
            | Command::Pipe { .. }
            | Command::Copy { .. }
            | Command::Job(_) => {}
            Command::FolderOpened { folder, .. } => {
                self.open_folder = folder.clone();
                let _ = self.open_watch.send(folder.clone());
                self.enqueue_front(&folder);
            }
            Command::SyncFolder { folder, .. } => self.enqueue_front(&folder),
            Command::Password { password, .. } => {
                self.creds.set_password(password);
                self.backoff = FIRST_BACKOFF;
                self.retry_at = Some(Instant::now());
            }
            Command::ServerSearch {
                account,
                folder,
                query,
            } => self.server_search(account, folder, query).await,
            Command::SyncAll { .. } => {
                // Asking for a sync is asking to try a refused login again.
                self.creds.retry();
                if self.conn.is_none() {
                    self.retry_at = Some(Instant::now());
                    self.backoff = FIRST_BACKOFF;
                }
                self.listed = false;
                if self.conn.is_some() {
                    self.list_folders().await;
                }
            }
            Command::ReplayJournal { .. } => {
                if self.conn.is_some() {
                    self.replay().await;
                }
            }
        }
        true
    }
}

/// Fetch one body (its folder selected) into the store: the event that says how it went, and
/// the error if the connection is in doubt.
async fn body_into_store(
    session: &mut ImapSession,
    store: &Store,
    account: String,
    folder: String,
    uid: u32,
) -> (Event, Result<(), ImapError>) {
    match sync::fetch_body(session, uid).await {
        Ok(Some(raw)) => match store.put_body(&account, &folder, uid, &raw) {
            Ok(()) => (
                Event::BodyReady {
                    account,
                    folder,
                    uid,
                },
                Ok(()),
            ),
            Err(e) => (
                Event::BodyFailed {
                    account,
                    folder,
                    uid,
                    error: e.to_string(),
                },
                Ok(()),
            ),
        },
        Ok(None) => (
            Event::BodyFailed {
                account,
                folder,
                uid,
                error: "the server no longer has this message".into(),
            },
            Ok(()),
        ),
        Err(e) => (
            Event::BodyFailed {
                account,
                folder,
                uid,
                error: e.to_string(),
            },
            Err(e),
        ),
    }
}

/// A sync's link to the worker: tells the app what each batch stored (at most every 150 ms,
/// the first batch at once), and between batches fetches the bodies the user opened; other
/// commands wait for the end of the sync.
struct SyncHooks<'a> {
    account: &'a str,
    folder: &'a str,
    shown: &'a str,
    store: &'a Store,
    events: &'a UnboundedSender<Event>,
    rx: &'a mut UnboundedReceiver<Command>,
    deferred: &'a mut Vec<Command>,
    /// Stored and not told yet.
    added: Vec<u32>,
    last: Option<Instant>,
    /// The last progress shown (done, total): it gets a final state when the sync ends, so
    /// "INBOX: 8200/10300 headers" never stays on screen after the work is over.
    progress: Option<(usize, usize)>,
}

/// How often a running sync tells the app what it stored.
const TELL_EVERY: Duration = Duration::from_millis(150);

impl sync::Progress for SyncHooks<'_> {
    fn stored(&mut self, uids: &[u32], done: usize, total: usize) {
        self.added.extend_from_slice(uids);
        if done == total || self.last.is_none_or(|t| t.elapsed() > TELL_EVERY) {
            self.last = Some(Instant::now());
            let _ = self.events.send(Event::MessagesChanged {
                account: self.account.to_string(),
                folder: self.folder.to_string(),
                added: std::mem::take(&mut self.added),
                removed: Vec::new(),
                flags: Vec::new(),
            });
            if done < total {
                self.progress = Some((done, total));
                let _ = self.events.send(Event::Status {
                    account: self.account.to_string(),
                    text: format!("{}: {done}/{total} headers", self.shown),
                });
            }
        }
    }

    fn between<'b>(
        &'b mut self,
        session: &'b mut ImapSession,
    ) -> futures::future::BoxFuture<'b, Result<bool, ImapError>> {
        Box::pin(async move {
            let mut selected = self.folder.to_string();
            while let Ok(cmd) = self.rx.try_recv() {
                let Command::FetchBody {
                    account,
                    folder,
                    uid,
                } = cmd
                else {
                    self.deferred.push(cmd);
                    continue;
                };
                if folder != selected {
                    if let Err(e) = conn::timed("SELECT", session.select(&folder)).await {
                        let _ = self.events.send(Event::BodyFailed {
                            account,
                            folder,
                            uid,
                            error: e.to_string(),
                        });
                        if e.is_connection() {
                            return Err(e);
                        }
                        // No folder is selected after a failed SELECT.
                        selected.clear();
                        continue;
                    }
                    selected = folder.clone();
                }
                let (ev, r) = body_into_store(session, self.store, account, folder, uid).await;
                let _ = self.events.send(ev);
                r?;
            }
            Ok(selected != self.folder)
        })
    }
}
