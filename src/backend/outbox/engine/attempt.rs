//! One attempt at a record: build once, connect (credentials asked per connection), claim,
//! send, then the outcome: sent (Sent copy, answered flag, record gone), a temporary failure
//! (back to `Waiting` after a backoff) or a permanent one (`Failed`).

use std::time::SystemTime;

use super::super::{backoff, sent, unix_now};
use super::{Outbox, Outcome, Transport};
use crate::app::Event;
use crate::backend::credentials::{CredentialError, CredentialSource};
use crate::backend::smtp::{self, SendError};
use crate::config::ServerSettings;
use crate::mail::compose::{self, Built};
use crate::mail::sanitize::sanitize;
use crate::store::{OutboxRecord, OutboxState, StoreError};

/// Why a message did not go out.
#[derive(Debug, Clone)]
pub(super) struct Failure {
    reason: String,
    permanent: bool,
    /// The server refused the login: stop sending until the user asks again.
    auth: bool,
    /// The connection is of no further use.
    drop_connection: bool,
    /// The message may have gone out (no answer after the whole of it): in doubt, not retried.
    in_doubt: bool,
}

impl Failure {
    fn permanent(reason: String) -> Failure {
        Failure {
            reason,
            permanent: true,
            auth: false,
            drop_connection: false,
            in_doubt: false,
        }
    }

    fn temporary(reason: String) -> Failure {
        Failure {
            reason,
            permanent: false,
            auth: false,
            drop_connection: true,
            in_doubt: false,
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
                    | SendError::Unconfirmed { .. }
            ),
            in_doubt: e.may_have_been_sent(),
        }
    }
}

impl Outbox {
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
        // The server's words go to the screen: no control characters from a stranger.
        let f = Failure {
            reason: sanitize(&f.reason),
            ..f
        };
        let mut new = r.clone();
        if built.is_some() {
            new.built = built;
        }
        let outcome = if f.in_doubt {
            let reason = format!(
                "{}; check with a recipient, then :resend to send it again",
                f.reason
            );
            new.state = OutboxState::InDoubt {
                reason: reason.clone(),
            };
            Outcome::InDoubt { reason }
        } else if f.permanent {
            new.state = OutboxState::Failed {
                reason: f.reason.clone(),
            };
            Outcome::Failed {
                reason: f.reason.clone(),
            }
        } else {
            let wait = i64::try_from(backoff(r.attempts)).unwrap_or(i64::MAX);
            let not_before = unix_now().saturating_add(wait);
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
        if f.auth {
            self.stopped = Some(f.reason.clone());
            if let Transport::Smtp { creds, .. } = &self.transport {
                creds.refuse(&f.reason);
            }
        }
        if waiting {
            if !self.store.outbox_transition(r, Some(&new))? {
                return Ok(Outcome::Skipped);
            }
        } else {
            self.store.outbox_put(&new)?;
        }
        tracing::info!(
            "{}: outbox record {} not sent ({}): {}",
            self.account,
            r.id,
            if f.in_doubt {
                "in doubt"
            } else if f.permanent {
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
        // What changed, for the app to merge into its list (never a reload of the folder).
        let mut touched: Vec<Event> = Vec::new();
        if let Some(a) = &r.answers {
            match sent::flag_original(&self.store, a) {
                Ok(Some((folder, uid, flags))) => touched.push(Event::MessagesChanged {
                    account: a.account.clone(),
                    folder,
                    added: Vec::new(),
                    removed: Vec::new(),
                    flags: vec![(uid, flags)],
                }),
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
                    // The Sent copy names the Bcc recipients (the message sent does not).
                    let copy = Built {
                        bytes: compose::sent_copy(built, &r.draft.bcc),
                        ..built.clone()
                    };
                    match sent::save_copy(&self.store, &self.account, self.kind, &folder, &copy) {
                        Ok(Some(uid)) => touched.push(Event::MessagesChanged {
                            account: self.account.clone(),
                            folder,
                            added: vec![uid],
                            removed: Vec::new(),
                            flags: Vec::new(),
                        }),
                        Ok(None) => {}
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
        // "to ann@x.test and 2 more" when there were more (Cc and Bcc count)
        let to = match built.recipients.len() {
            0 | 1 => to,
            n => format!("{to} and {} more", n - 1),
        };
        self.send(Event::Sent {
            account: self.account.clone(),
            id: r.id,
            subject: sanitize(&r.draft.subject),
            to: sanitize(&to),
        });
        self.changed();
        for ev in touched {
            self.send(ev);
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
            in_doubt: false,
        }),
        Err(CredentialError::Command(m)) => Err(Failure::temporary(m)),
    }
}
