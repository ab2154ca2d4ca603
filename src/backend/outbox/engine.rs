//! The outbox engine of one account: which records are due, how long to sleep, recovery at
//! start; one attempt at a record (build once, connect, claim, send, then Sent copy or failure)
//! is in `attempt.rs`.

mod attempt;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use self::attempt::Failure;
use super::{sent, unix_now};
use crate::app::Event;
use crate::backend::credentials::CredentialSource;
use crate::backend::smtp::{self, Timeouts};
use crate::config::{AccountSettings, ServerSettings};
use crate::store::{OutboxState, Store, StoreError};

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
    /// The whole message went out but the server's answer never came: the record is
    /// `InDoubt` (never sent again without the user).
    InDoubt { reason: String },
    /// Nothing was done: the record is gone (taken back), not waiting, or sending is stopped
    /// (a refused login, a store error).
    Skipped,
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

    /// A password the user typed for this account (`Command::Password`, if routed here): used
    /// for the next connection, and a stopped account may send again.
    pub fn set_password(&mut self, password: crate::backend::secret::Secret) {
        self.stopped = None;
        if let Transport::Smtp { creds, .. } = &self.transport {
            creds.set_password(password);
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
}
