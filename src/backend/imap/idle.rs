//! Push: IDLE on a dedicated connection, re-issued before the server's 30-minute limit. Any
//! untagged data wakes the worker to sync that folder; the watched folder can change at any time.

use std::sync::Arc;
use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use tokio::sync::{mpsc::UnboundedSender, watch};

use super::conn::{self, timed, ImapError};
use crate::app::Event;
use crate::backend::credentials::{CredentialError, CredentialSource};
use crate::config::ServerSettings;

/// Re-issue IDLE well before RFC 2177's 29-minute guidance so NATs and servers keep us.
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
/// How often an idling connection is checked by default (`idle_check`): DONE and a NOOP must
/// be answered, or it is dead (a NAT that forgot it, a link gone without a reset) and is
/// replaced. Waiting for the renewal alone, a silently dead IDLE missed mail for 25 minutes
/// (and Dovecot's `* OK Still here` every 2 minutes kept restarting async-imap's timeout, so
/// that renewal never came).
pub const IDLE_CHECK: Duration = Duration::from_secs(5 * 60);

/// One IDLE connection of an account.
pub struct Idle {
    pub account: String,
    pub server: ServerSettings,
    /// Asked at every (re)connect: a token is fetched anew, so an expired one is replaced.
    pub creds: Arc<CredentialSource>,
    /// The folder to watch (it may change at any time).
    pub folder: watch::Receiver<String>,
    /// Gets the folder's name whenever the server reports something there.
    pub wake: UnboundedSender<String>,
    /// For the one report of a refused login.
    pub events: UnboundedSender<Event>,
    /// How often the idling connection is checked (see [`IDLE_CHECK`]).
    pub check: Duration,
}

impl Idle {
    /// Watch the folder and wake the worker on news. Reconnects by itself with backoff; after
    /// a refused login it stops (reported once, for the whole account) until the credentials
    /// change; ends when `wake` is closed.
    pub async fn run(mut self) {
        let mut backoff = Duration::from_secs(1);
        loop {
            if self.wake.is_closed() {
                return;
            }
            self.creds.wait_usable().await;
            let started = std::time::Instant::now();
            let e = match self.connect_and_watch().await {
                Ok(()) => return,
                Err(e) => e,
            };
            if started.elapsed() > Duration::from_secs(60) {
                backoff = Duration::from_secs(1); // it worked for a while: a fresh drop
            }
            match &e {
                IdleError::Refused(message) => {
                    if self.creds.refuse(message) {
                        let _ = self.events.send(Event::Error {
                            account: self.account.clone(),
                            text: format!("{message}; not retrying until the password changes (or a sync is asked for)"),
                        });
                    }
                    continue; // waits in wait_usable
                }
                IdleError::Credentials(m) => {
                    tracing::info!("IDLE connection to {}: {m}", self.server.host);
                }
                IdleError::Imap(e) => {
                    tracing::info!(
                        "IDLE connection to {}: {e}; reconnecting in {backoff:?}",
                        self.server.host
                    );
                }
            }
            // A missed push is caught by the resync after reconnecting.
            let _ = self.wake.send(self.folder.borrow().clone());
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(60));
        }
    }

    async fn connect_and_watch(&mut self) -> Result<(), IdleError> {
        let creds = match self.creds.get().await {
            Ok(c) => c,
            Err(CredentialError::Refused(m)) => return Err(IdleError::Refused(m)),
            Err(e) => return Err(IdleError::Credentials(e.to_string())),
        };
        let (session, caps) = match conn::connect(&self.server, &creds).await {
            Ok(s) => s,
            Err(e @ ImapError::Auth { .. }) => return Err(IdleError::Refused(e.to_string())),
            Err(e) => return Err(IdleError::Imap(e)),
        };
        watch_once(session, caps, &mut self.folder, &self.wake, self.check)
            .await
            .map_err(IdleError::Imap)
    }
}

enum IdleError {
    Refused(String),
    Credentials(String),
    Imap(ImapError),
}

/// Resolves when the wall clock jumps ahead of the monotonic one (a suspend): the IDLE socket is
/// then likely dead without a reset, and waiting 25 minutes for the renewal would miss mail.
async fn slept_while_waiting() {
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    tick.tick().await;
    let mut last = std::time::SystemTime::now();
    loop {
        tick.tick().await;
        let now = std::time::SystemTime::now();
        if now.duration_since(last).unwrap_or_default() > Duration::from_secs(40) {
            return;
        }
        last = now;
    }
}

/// The answer to `fut` within `limit`, or a timeout named `what` (the connection is dead).
async fn within<T>(
    what: &str,
    limit: Duration,
    fut: impl std::future::Future<Output = Result<T, async_imap::error::Error>>,
) -> Result<T, ImapError> {
    match tokio::time::timeout(limit, fut).await {
        Ok(r) => r.map_err(ImapError::from),
        Err(_) => Err(ImapError::Timeout(what.to_string())),
    }
}

async fn watch_once(
    mut session: conn::ImapSession,
    caps: conn::Caps,
    folder: &mut watch::Receiver<String>,
    wake: &UnboundedSender<String>,
    check: Duration,
) -> Result<(), ImapError> {
    if !caps.idle {
        return Err(ImapError::Refused("no IDLE capability".into()));
    }
    // A live server answers DONE and NOOP at once; half the check interval (5–20 s) is plenty,
    // also on a loaded machine.
    let answer_within = (check / 2).clamp(Duration::from_secs(5), Duration::from_secs(20));
    loop {
        let name = folder.borrow_and_update().clone();
        timed("SELECT", session.examine(&name)).await?;
        loop {
            let mut idle = session.idle();
            timed("IDLE", idle.init()).await?;
            let (wait, _stop) = idle.wait_with_timeout(IDLE_RENEW);
            let mut changed_folder = false;
            let mut checking = false;
            let slept = slept_while_waiting();
            tokio::select! {
                _ = slept => return Err(ImapError::Protocol("the machine slept; the IDLE connection is stale".into())),
                _ = tokio::time::sleep(check) => checking = true,
                r = wait => match r? {
                    IdleResponse::NewData(_) => {
                        if wake.send(name.clone()).is_err() {
                            return Ok(());
                        }
                    }
                    IdleResponse::Timeout | IdleResponse::ManualInterrupt => {}
                },
                r = folder.changed() => {
                    if r.is_err() {
                        return Ok(());
                    }
                    changed_folder = true;
                }
            }
            session = within("DONE", answer_within, idle.done()).await?;
            if checking {
                within("NOOP", answer_within, session.noop()).await?;
            }
            // News the server gave between two IDLEs (as answers to DONE or NOOP) wakes too.
            let mut news = false;
            while let Ok(u) = session.unsolicited_responses.try_recv() {
                use async_imap::imap_proto::Response;
                use async_imap::types::UnsolicitedResponse as U;
                news |= match &u {
                    U::Exists(_) | U::Expunge(_) => true,
                    U::Other(d) => {
                        matches!(d.parsed(), Response::Fetch(..) | Response::Vanished { .. })
                    }
                    _ => false,
                };
            }
            if news && wake.send(name.clone()).is_err() {
                return Ok(());
            }
            if changed_folder {
                break;
            }
        }
    }
}
