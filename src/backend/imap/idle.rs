//! Push: IDLE on a dedicated connection, re-issued before the server's 30-minute limit. Any
//! untagged data wakes the worker to sync that folder; the watched folder can change at any time.

use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use tokio::sync::{mpsc::UnboundedSender, watch};

use super::conn::{self, timed, Credentials, ImapError};
use crate::config::ServerSettings;

/// Re-issue IDLE well before RFC 2177's 29-minute guidance so NATs and servers keep us.
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);

/// Watch `folder` (which may change) and send its name on `wake` whenever the server reports
/// something. Reconnects by itself; ends when `wake` is closed.
pub async fn run(
    server: ServerSettings,
    creds: Credentials,
    mut folder: watch::Receiver<String>,
    wake: UnboundedSender<String>,
) {
    let mut backoff = Duration::from_secs(1);
    loop {
        if wake.is_closed() {
            return;
        }
        let started = std::time::Instant::now();
        match watch_once(&server, &creds, &mut folder, &wake).await {
            Ok(()) => return,
            Err(e) => {
                if started.elapsed() > Duration::from_secs(60) {
                    backoff = Duration::from_secs(1); // it worked for a while: a fresh drop
                }
                tracing::info!(
                    "IDLE connection to {}: {e}; reconnecting in {backoff:?}",
                    server.host
                );
                // A missed push is caught by the resync after reconnecting.
                let _ = wake.send(folder.borrow().clone());
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(60));
            }
        }
    }
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

async fn watch_once(
    server: &ServerSettings,
    creds: &Credentials,
    folder: &mut watch::Receiver<String>,
    wake: &UnboundedSender<String>,
) -> Result<(), ImapError> {
    let (mut session, caps) = conn::connect(server, creds).await?;
    if !caps.idle {
        return Err(ImapError::Refused("no IDLE capability".into()));
    }
    loop {
        let name = folder.borrow_and_update().clone();
        timed("SELECT", session.examine(&name)).await?;
        loop {
            let mut idle = session.idle();
            timed("IDLE", idle.init()).await?;
            let (wait, _stop) = idle.wait_with_timeout(IDLE_RENEW);
            let mut changed_folder = false;
            let slept = slept_while_waiting();
            tokio::select! {
                _ = slept => return Err(ImapError::Protocol("the machine slept; the IDLE connection is stale".into())),
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
            session = timed("DONE", idle.done()).await?;
            if changed_folder {
                break;
            }
        }
    }
}
