//! The outbox engine of one account: which records are due, one attempt at a record (build
//! once, connect, claim, send, then Sent copy or failure), and recovery at start.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc::UnboundedSender;

use super::{backoff, sent, unix_now};
use crate::app::Event;
use crate::backend::credentials::{CredentialError, CredentialSource};
use crate::backend::smtp::{self, SendError, Timeouts};
use crate::config::{AccountSettings, ServerSettings};
use crate::mail::compose::{self, Built};
use crate::store::{OutboxRecord, OutboxState, Store, StoreError};

/// How long the engine holds off after a local (store) error before it looks again (seconds).
const STORE_TROUBLE_SECS: i64 = 30;
/// The longest the worker sleeps without looking at the outbox (a safety net against clock
/// jumps; records are otherwise announced by `Command::SendOutbox`).
const MAX_SLEEP_SECS: i64 = 300;

/// How an account's messages leave.
pub enum Transport {
    /// Over SMTP to `[accounts.smtp]`, with credentials asked per connection.
    Smtp {
        server: ServerSettings,
        creds: Arc<CredentialSource>,
    },
    /// Nowhere: the demo "sends" locally (no network); the Sent copy is made all the same.
    Local,
    /// The account cannot send (no `[accounts.smtp]`): every record fails with this reason.
    Unconfigured(String),
}

/// Where the account's mail lives, for the Sent copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MailKind {
    /// An IMAP server: the copy is APPENDed by the IMAP worker from the journal.
    Imap,
    /// POP3: folders are local; the copy is the only one.
    Pop3,
    /// The demo mailbox (local).
    Demo,
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server took the message; its record is gone and the Sent copy is journaled.
    Sent {
        /// The Message-ID sent (without angle brackets).
        message_id: String,
    },
    /// A temporary failure: the record waits until `not_before` (Unix seconds).
    Retry { reason: String, not_before: i64 },
    /// A permanent failure: the record is `Failed` with this reason.
    Failed { reason: String },
    /// Nothing was done: the record is gone (taken back), not waiting, or sending is stopped
    /// (a refused login, a store error).
    Skipped,
}

/// Why a message did not go out.
#[derive(Debug, Clone)]
struct Failure {
    reason: String,
    permanent: bool,
    /// The server refused the login: stop sending until the user asks again.
    auth: bool,
    /// The connection is of no further use.
    drop_connection: bool,
}

impl Failure {
    fn permanent(reason: String) -> Failure {
        Failure {
            reason,
            permanent: true,
            auth: false,
            drop_connection: false,
        }
    }

    fn temporary(reason: String) -> Failure {
        Failure {
            reason,
            permanent: false,
            auth: false,
            drop_connection: true,
        }
    }
}

impl From<&SendError> for Failure {
    fn from(e: &SendError) -> Failure {
        let permanent = e.is_permanent();
        Failure {
            reason: e.to_string(),
            permanent,
            auth: permanent && matches!(e, SendError::Auth { .. }),
            drop_connection: matches!(
                e,
                SendError::Timeout { .. }
                    | SendError::Connection { .. }
                    | SendError::Net(_)
                    | SendError::Auth { .. }
            ),
        }
    }
}

/// The outbox of one account (see the module docs of `backend::outbox`).
pub struct Outbox {
    account: String,
    settings: Option<AccountSettings>,
    kind: MailKind,
    store: Store,
    events: UnboundedSender<Event>,
    transport: Transport,
    timeouts: Timeouts,
    /// The connection of the current batch (one connection carries several messages).
    conn: Option<smtp::Connection>,
    /// Why connecting failed in this batch: the rest of the batch gets the same answer
    /// without another try.
    batch_failure: Option<Failure>,
    /// A refused login: nothing is sent until [`Outbox::retry`].
    stopped: Option<String>,
    /// Nothing is tried before this (Unix seconds): after a store error.
    blocked_until: Option<i64>,
    /// "No Sent folder" was said already.
    said_no_sent: bool,
}

impl Outbox {
    /// The engine of a configured account: SMTP from `[accounts.smtp]` (or, without it, every
    /// message fails with a reason saying so), Sent as IMAP or POP3 says. `events` receives
    /// `Sent`, `SendFailed`, `OutboxChanged`, `FolderChanged` and `Error`.
    pub fn new(settings: &AccountSettings, store: Store, events: UnboundedSender<Event>) -> Outbox {
        let transport = match &settings.smtp {
            Some(server) => Transport::Smtp {
                server: server.clone(),
                creds: CredentialSource::new(server.clone(), false),
            },
            None => Transport::Unconfigured(format!(
                "account {} cannot send: it has no [accounts.smtp] section in the config",
                settings.name
            )),
        };
        Outbox {
            account: settings.name.clone(),
            kind: if settings.pop3.is_some() {
                MailKind::Pop3
            } else {
                MailKind::Imap
            },
            settings: Some(settings.clone()),
            store,
            events,
            transport,
            timeouts: Timeouts::default(),
            conn: None,
            batch_failure: None,
            stopped: None,
            blocked_until: None,
            said_no_sent: false,
        }
    }

    /// The demo account's engine: messages "go out" at once, locally, and land in its Sent.
    pub fn demo(store: Store, events: UnboundedSender<Event>) -> Outbox {
        Outbox {
            account: crate::backend::demo::ACCOUNT.to_string(),
            kind: MailKind::Demo,
            settings: None,
            store,
            events,
            transport: Transport::Local,
            timeouts: Timeouts::default(),
            conn: None,
            batch_failure: None,
            stopped: None,
            blocked_until: None,
            said_no_sent: false,
        }
    }

    /// Use these SMTP timeouts (default: [`Timeouts::default`]).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Outbox {
        self.timeouts = timeouts;
        self
    }

    /// The account's name.
    pub fn account(&self) -> &str {
        &self.account
    }

    pub(super) fn send(&self, ev: Event) {
        let _ = self.events.send(ev);
    }

    fn error(&self, text: String) {
        tracing::warn!("{}: outbox: {text}", self.account);
        self.send(Event::Error {
            account: self.account.clone(),
            text,
        });
    }

    fn changed(&self) {
        self.send(Event::OutboxChanged {
            account: self.account.clone(),
        });
    }

    /// A local error: say so and hold off for a while (so a broken store is not hammered).
    fn store_trouble(&mut self, e: &StoreError) {
        self.blocked_until = Some(unix_now() + STORE_TROUBLE_SECS);
        self.error(format!(
            "the outbox cannot be read or written: {e}; trying again in {STORE_TROUBLE_SECS} s"
        ));
    }

    /// At start: a record left `Sending` means tmail stopped while sending it. If its copy
    /// for Sent is already journaled (or in Sent), the server had taken it: only the bookkeeping
    /// is finished. Otherwise it may or may not have gone out: it becomes `InDoubt`, never sent
    /// again without the user. Returns how many records changed.
    pub fn recover(&mut self) -> usize {
        match self.try_recover() {
            Ok(n) => {
                if n > 0 {
                    self.changed();
                }
                n
            }
            Err(e) => {
                self.store_trouble(&e);
                0
            }
        }
    }

    fn try_recover(&mut self) -> Result<usize, StoreError> {
        let mut n = 0;
        for r in self.store.outbox(Some(&self.account))? {
            let OutboxState::Sending { since } = r.state else {
                continue;
            };
            n += 1;
            if sent::already_saved(&self.store, &self.account, &r)? {
                tracing::info!(
                    "{}: outbox record {} was sent before tmail stopped; finishing it",
                    self.account,
                    r.id
                );
                self.store.outbox_remove(r.id)?;
                self.store.remove_draft(&r.draft.id)?;
                continue;
            }
            let when = chrono::DateTime::from_timestamp(since, 0)
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_else(|| since.to_string());
            let mut new = r.clone();
            new.state = OutboxState::InDoubt {
                reason: format!(
                    "tmail stopped while sending this message ({when}): it may or may not have gone out; \
                     check with a recipient, then :resend to send it again"
                ),
            };
            self.store.outbox_put(&new)?;
        }
        Ok(n)
    }

    /// The user asked to send now (`Command::SendOutbox`): a stopped account (refused login)
    /// tries again, with credentials asked anew.
    pub fn retry(&mut self) {
        self.stopped = None;
        self.blocked_until = None;
        if let Transport::Smtp { creds, .. } = &self.transport {
            creds.retry();
        }
    }

    /// The ids of the records to attempt now, in the order they were sent: `Waiting` and due,
    /// and with `retry_now` also those waiting after a failure (the user asked). Nothing while
    /// the account is stopped or held off.
    pub fn due(&mut self, retry_now: bool) -> Vec<u64> {
        let now = unix_now();
        if self.stopped.is_some() || self.blocked_until.is_some_and(|t| t > now) {
            return Vec::new();
        }
        self.blocked_until = None;
        match self.store.outbox(Some(&self.account)) {
            Ok(records) => records
                .into_iter()
                .filter(|r| match &r.state {
                    OutboxState::Waiting { not_before, reason } => {
                        *not_before <= now || (retry_now && reason.is_some())
                    }
                    _ => false,
                })
                .map(|r| r.id)
                .collect(),
            Err(e) => {
                self.store_trouble(&e);
                Vec::new()
            }
        }
    }

    /// How long the worker may sleep before something is due (at most five minutes).
    pub fn wait(&self) -> Duration {
        let now = unix_now();
        let next = if let Some(t) = self.blocked_until {
            Some(t)
        } else if self.stopped.is_some() {
            None
        } else {
            self.store
                .outbox(Some(&self.account))
                .unwrap_or_default()
                .iter()
                .filter_map(|r| match r.state {
                    OutboxState::Waiting { not_before, .. } => Some(not_before),
                    _ => None,
                })
                .min()
        };
        let secs = next.map_or(MAX_SLEEP_SECS, |t| (t - now).clamp(0, MAX_SLEEP_SECS));
        Duration::from_secs(secs.unsigned_abs())
    }

    /// End the batch: QUIT the connection, forget this batch's connection failure.
    pub async fn finish(&mut self) {
        self.batch_failure = None;
        if let Some(c) = self.conn.take() {
            c.quit().await;
        }
    }

    /// Attempt the record `id` now and end the batch (`tmail send`).
    pub async fn send_now(&mut self, id: u64) -> Outcome {
        let o = self.attempt(id).await;
        self.finish().await;
        o
    }

    /// One attempt at the record `id`, if it is `Waiting`: build it (once), connect (or reuse
    /// the batch's connection), claim it (`Waiting` → `Sending`, compare-and-swap, flushed),
    /// send it, then handle the outcome (see the module docs). Events tell the app.
    pub async fn attempt(&mut self, id: u64) -> Outcome {
        match self.try_attempt(id).await {
            Ok(o) => o,
            Err(e) => {
                self.store_trouble(&e);
                Outcome::Skipped
            }
        }
    }

    async fn try_attempt(&mut self, id: u64) -> Result<Outcome, StoreError> {
        if self.stopped.is_some() {
            return Ok(Outcome::Skipped);
        }
        let Some(r) = self.store.outbox_get(id)? else {
            return Ok(Outcome::Skipped);
        };
        if !matches!(r.state, OutboxState::Waiting { .. }) {
            return Ok(Outcome::Skipped);
        }
        let built = match &r.built {
            Some(b) => b.clone(),
            None => match compose::build(&r.draft, SystemTime::now()) {
                Ok(b) => b,
                Err(e) => {
                    let f = Failure::permanent(format!("cannot build the message: {e}"));
                    return self.fail(&r, None, f, true);
                }
            },
        };
        if let Err(f) = self.connect().await {
            return self.fail(&r, Some(built), f, true);
        }
        let mut claimed = r.clone();
        claimed.built = Some(built.clone());
        claimed.state = OutboxState::Sending { since: unix_now() };
        if !self.store.outbox_transition(&r, Some(&claimed))? {
            // Taken back by undo-send (or changed) meanwhile: not ours.
            return Ok(Outcome::Skipped);
        }
        self.changed();
        let result = match (&self.transport, self.conn.as_mut()) {
            (Transport::Smtp { .. }, Some(c)) => c
                .send(&built.envelope_from, &built.recipients, &built.bytes)
                .await
                .map_err(|e| Failure::from(&e)),
            (Transport::Smtp { server, .. }, None) => Err(Failure::temporary(format!(
                "not connected to {}",
                server.host
            ))),
            (Transport::Local, _) => Ok(()),
            (Transport::Unconfigured(reason), _) => Err(Failure::permanent(reason.clone())),
        };
        match result {
            Ok(()) => {
                self.delivered(&claimed, &built);
                Ok(Outcome::Sent {
                    message_id: built.message_id,
                })
            }
            Err(f) => {
                if f.drop_connection {
                    self.conn = None;
                }
                self.fail(&claimed, Some(built), f, false)
            }
        }
    }

    /// Open the batch's connection if there is none (credentials asked now).
    async fn connect(&mut self) -> Result<(), Failure> {
        if let Some(f) = &self.batch_failure {
            return Err(f.clone());
        }
        let r = match &self.transport {
            Transport::Local => Ok(()),
            Transport::Unconfigured(reason) => Err(Failure::permanent(reason.clone())),
            Transport::Smtp { .. } if self.conn.is_some() => Ok(()),
            Transport::Smtp { server, creds } => match login(server, creds).await {
                Ok(c) => match smtp::Connection::open(server, c.as_ref(), self.timeouts).await {
                    Ok(conn) => {
                        self.conn = Some(conn);
                        Ok(())
                    }
                    Err(e) => Err(Failure::from(&e)),
                },
                Err(f) => Err(f),
            },
        };
        if let Err(f) = &r {
            self.batch_failure = Some(f.clone());
        }
        r
    }

    /// Record a failure of `r` (`Waiting`, or `Sending` when `waiting` is false: claimed by
    /// us): permanent → `Failed`; temporary → `Waiting` after a backoff, one attempt more. The
    /// built bytes are kept. A refused login stops the account's sending.
    fn fail(
        &mut self,
        r: &OutboxRecord,
        built: Option<Built>,
        f: Failure,
        waiting: bool,
    ) -> Result<Outcome, StoreError> {
        let mut new = r.clone();
        if built.is_some() {
            new.built = built;
        }
        let outcome = if f.permanent {
            new.state = OutboxState::Failed {
                reason: f.reason.clone(),
            };
            Outcome::Failed {
                reason: f.reason.clone(),
            }
        } else {
            let not_before = unix_now() + i64::try_from(backoff(r.attempts)).unwrap_or(i64::MAX);
            new.state = OutboxState::Waiting {
                not_before,
                reason: Some(f.reason.clone()),
            };
            new.attempts = r.attempts.saturating_add(1);
            Outcome::Retry {
                reason: f.reason.clone(),
                not_before,
            }
        };
        if waiting {
            if !self.store.outbox_transition(r, Some(&new))? {
                return Ok(Outcome::Skipped);
            }
        } else {
            self.store.outbox_put(&new)?;
        }
        if f.auth {
            self.stopped = Some(f.reason.clone());
            if let Transport::Smtp { creds, .. } = &self.transport {
                creds.refuse(&f.reason);
            }
        }
        tracing::info!(
            "{}: outbox record {} not sent ({}): {}",
            self.account,
            r.id,
            if f.permanent {
                "permanent"
            } else {
                "temporary"
            },
            f.reason
        );
        self.send(Event::SendFailed {
            account: self.account.clone(),
            id: r.id,
            reason: f.reason,
            permanent: f.permanent,
        });
        self.changed();
        Ok(outcome)
    }

    /// The server took the message: flag what it answers, journal its copy for Sent, forget
    /// the record and its draft, tell the app. Local errors here are reported, never turned
    /// into a resend (the message is out).
    fn delivered(&mut self, r: &OutboxRecord, built: &Built) {
        let mut touched: Vec<(String, String)> = Vec::new();
        if let Some(a) = &r.answers {
            match sent::flag_original(&self.store, a) {
                Ok(Some(folder)) => touched.push((a.account.clone(), folder)),
                Ok(None) => {}
                Err(e) => self.error(format!(
                    "sent, but the original could not be flagged as answered: {e}"
                )),
            }
        }
        if self.save_sent() {
            let folder = sent::sent_folder(
                &self.store,
                &self.account,
                self.kind,
                self.settings.as_ref(),
            );
            match folder {
                Ok(Some(folder)) => {
                    match sent::save_copy(&self.store, &self.account, self.kind, &folder, built) {
                        Ok(()) => touched.push((self.account.clone(), folder)),
                        Err(e) => self.error(format!(
                            "sent, but its copy for {folder} could not be kept: {e}"
                        )),
                    }
                }
                Ok(None) => {
                    if !self.said_no_sent {
                        self.said_no_sent = true;
                        self.error(
                            "no Sent folder is known, so sent mail is not saved: set \
                             [accounts.folders] sent = \"NAME\" (or save_sent = false)"
                                .into(),
                        );
                    }
                }
                Err(e) => self.error(format!("sent, but no copy was kept for Sent: {e}")),
            }
        }
        let removed = self
            .store
            .outbox_remove(r.id)
            .and_then(|()| self.store.remove_draft(&r.draft.id))
            .and_then(|()| self.store.flush());
        if let Err(e) = removed {
            self.error(format!(
                "sent, but the outbox could not be updated: {e} (it will show as in doubt)"
            ));
        }
        tracing::info!(
            "{}: outbox record {} sent ({} recipient(s))",
            self.account,
            r.id,
            built.recipients.len()
        );
        let to = r
            .draft
            .to
            .iter()
            .chain(&r.draft.cc)
            .chain(&r.draft.bcc)
            .next()
            .map(|a| a.email.clone())
            .or_else(|| built.recipients.first().cloned())
            .unwrap_or_default();
        self.send(Event::Sent {
            account: self.account.clone(),
            id: r.id,
            subject: r.draft.subject.clone(),
            to,
        });
        self.changed();
        for (account, folder) in touched {
            self.send(Event::FolderChanged { account, folder });
        }
    }

    fn save_sent(&self) -> bool {
        self.settings.as_ref().is_none_or(|s| s.save_sent())
    }
}

/// The credentials for a new connection: none without a username (no AUTH), else from the
/// account's source (a password command, a token command).
async fn login(
    server: &ServerSettings,
    creds: &CredentialSource,
) -> Result<Option<crate::backend::secret::Credentials>, Failure> {
    if server.username.is_none() && server.oauth2_token_command.is_none() {
        return Ok(None);
    }
    match creds.get().await {
        Ok(c) => Ok(Some(c)),
        Err(CredentialError::NeedPassword) => Err(Failure::permanent(format!(
            "no password for {} at {}: set password_command (or oauth2_token_command) in [accounts.smtp]",
            creds.user(),
            server.host
        ))),
        Err(CredentialError::Refused(m)) => Err(Failure {
            reason: m,
            permanent: true,
            auth: true,
            drop_connection: true,
        }),
        Err(CredentialError::Command(m)) => Err(Failure::temporary(m)),
    }
}
