//! Replaying the journal to the server in order: each entry is removed only after the server
//! confirmed it; an entry the server refuses for good is removed and reported so the app
//! reverts it; any other failure (the store, a temporary refusal) keeps it for a retry.
//! Replays are idempotent, so an entry whose effect already reached the server (tmail killed
//! between the server's OK and the removal) is recognised and not done twice.

use std::time::Duration;

use futures::TryStreamExt;
use tokio::time::Instant;

use super::conn::{timed, Caps, ImapError, ImapSession};
use super::envelope::flag_list;
use super::Worker;
use crate::app::Event;
use crate::mail::Flags;
use crate::store::{JournalEntry, JournalOp};

/// An IMAP quoted string.
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Whether a failed entry was refused for good by the server (NO/BAD, or the server's answer
/// that the message or folder is gone, after the idempotency check). Only then may the entry
/// be dropped and reverted. A temporary refusal (RFC 5530 UNAVAILABLE, INUSE, SERVERBUG,
/// LIMIT) and every local error (the store, a command that cannot be sent) keep it.
pub fn refused_for_good(e: &ImapError) -> bool {
    match e {
        ImapError::Refused(m) => {
            let m = m.to_ascii_uppercase();
            !["[UNAVAILABLE", "[INUSE", "[SERVERBUG", "[LIMIT"]
                .iter()
                .any(|code| m.contains(code))
        }
        _ => false,
    }
}

/// The first wait before a kept entry is tried again; it doubles up to [`MAX_REPLAY_RETRY`].
const FIRST_REPLAY_RETRY: Duration = Duration::from_secs(5);
const MAX_REPLAY_RETRY: Duration = Duration::from_secs(300);

impl Worker {
    /// Replay the account's journal in order. An entry goes only after the server's OK (done)
    /// or its definite refusal (reverted by the app through `Event::JournalFailed`). Any other
    /// failure keeps the entry and the ones after it (they may build on it), says so, and tries
    /// again later with backoff; a lost connection waits for the reconnect.
    pub(super) async fn replay(&mut self) {
        let entries = match self.store.journal(Some(&self.name)) {
            Ok(e) => e,
            Err(e) => return self.keep_journal(None, &ImapError::from(e)),
        };
        for entry in entries {
            match self.replay_one(&entry).await {
                Ok(touched) => {
                    if let Err(e) = self.store.journal_remove(entry.id) {
                        // Done on the server but still here: the next replay sees it is done.
                        return self.keep_journal(Some(&entry), &ImapError::from(e));
                    }
                    for f in touched {
                        self.enqueue_front(&f);
                    }
                }
                Err(e) if e.is_connection() => return self.lost(&e),
                Err(e) if refused_for_good(&e) => {
                    if let Err(se) = self.store.journal_remove(entry.id) {
                        // Not removed, so not reverted either: it is tried (and refused) again.
                        return self.keep_journal(Some(&entry), &ImapError::from(se));
                    }
                    self.send(Event::JournalFailed {
                        entry: entry.clone(),
                        error: e.to_string(),
                    });
                }
                Err(e) => return self.keep_journal(Some(&entry), &e),
            }
        }
        self.replay_at = None;
        self.replay_backoff = FIRST_REPLAY_RETRY;
        self.send(Event::JournalApplied {
            account: self.name.clone(),
        });
    }

    /// A local (or temporary) failure: the entry stays, the user is told, a retry is planned.
    fn keep_journal(&mut self, entry: Option<&JournalEntry>, e: &ImapError) {
        let what = entry.map_or("the journal".to_string(), |en| en.op.describe());
        tracing::warn!(
            "{}: could not replay {what}: {e}; kept for a retry",
            self.name
        );
        self.error(format!(
            "could not replay {what}: {e}; kept, retrying in {} s",
            self.replay_backoff.as_secs()
        ));
        self.replay_at = Some(Instant::now() + self.replay_backoff);
        self.replay_backoff = (self.replay_backoff * 2).min(MAX_REPLAY_RETRY);
        self.send(Event::JournalApplied {
            account: self.name.clone(),
        });
    }

    fn session(&mut self) -> Result<&mut ImapSession, ImapError> {
        match self.conn.as_mut() {
            Some((s, _)) => Ok(s),
            None => Err(ImapError::Protocol("offline".into())),
        }
    }

    fn caps(&self) -> Caps {
        self.conn
            .as_ref()
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    async fn store_flags(&mut self, uid: u32, add: Flags, remove: Flags) -> Result<(), ImapError> {
        for (sign, f) in [("+", add), ("-", remove)] {
            if f.0 != 0 {
                let query = format!("{sign}FLAGS.SILENT {}", flag_list(f));
                let session = self.session()?;
                // Consume every response so the connection is clean for the next command.
                timed("UID STORE", async {
                    session
                        .uid_store(uid.to_string(), query)
                        .await?
                        .try_collect::<Vec<_>>()
                        .await
                })
                .await?;
            }
        }
        Ok(())
    }

    /// Apply one entry; returns the folders to resync.
    async fn replay_one(&mut self, entry: &JournalEntry) -> Result<Vec<String>, ImapError> {
        match &entry.op {
            JournalOp::SetFlags {
                folder,
                uid,
                old,
                new,
            } => {
                // A message tmail placed here itself (local UID) is found by its Message-ID.
                let message_id = match &entry.message_id {
                    Some(id) => Some(id.clone()),
                    None => self
                        .store
                        .envelope(&self.name, folder, *uid)?
                        .and_then(|e| e.message_id),
                };
                let Some(server_uid) = self.resolve(folder, *uid, message_id.as_deref()).await?
                else {
                    return Err(ImapError::Refused(format!(
                        "the message is no longer in {folder}"
                    )));
                };
                self.store_flags(server_uid, Flags(new.0 & !old.0), Flags(old.0 & !new.0))
                    .await?;
                Ok(Vec::new())
            }
            JournalOp::Move {
                from,
                uid,
                to,
                local_uid,
            }
            | JournalOp::Copy {
                from,
                uid,
                to,
                local_uid,
            } => {
                let is_move = matches!(entry.op, JournalOp::Move { .. });
                // The placeholder in `to` carries the Message-ID: it tells whether an earlier run
                // already did this on the server, so a replay never moves or copies twice.
                let message_id = match &entry.message_id {
                    Some(id) => Some(id.clone()),
                    None => self
                        .store
                        .envelope(&self.name, to, *local_uid)?
                        .and_then(|e| e.message_id),
                };
                let already = match &message_id {
                    Some(id) => self.has_message_id(to, id).await?,
                    None => false,
                };
                let source = self.resolve(from, *uid, message_id.as_deref()).await?;
                match source {
                    _ if already && (source.is_none() || !is_move) => {
                        tracing::info!("{}: {} was already done", self.name, entry.op.describe());
                    }
                    None => {
                        return Err(ImapError::Refused(format!(
                            "the message is no longer in {from}"
                        )))
                    }
                    Some(src) => {
                        let caps = self.caps();
                        if is_move && caps.move_ {
                            timed("UID MOVE", self.session()?.uid_mv(src.to_string(), to)).await?;
                        } else {
                            timed("UID COPY", self.session()?.uid_copy(src.to_string(), to))
                                .await?;
                            if is_move {
                                self.store_flags(src, Flags(Flags::DELETED), Flags(0))
                                    .await?;
                                self.expunge_one(src, &caps).await?;
                            }
                        }
                    }
                }
                // The placeholder stays until the sync of `to` brings the server's copy.
                Ok(vec![to.clone(), from.clone()])
            }
            JournalOp::Append {
                folder,
                flags,
                message,
                ..
            } => {
                // Saved once: a folder that already holds the Message-ID got it from an earlier
                // run (killed after the server's OK, before the entry's removal).
                if let Some(id) = &entry.message_id {
                    if self.has_message_id(folder, id).await? {
                        tracing::info!("{}: {} was already done", self.name, entry.op.describe());
                        return Ok(vec![folder.clone()]);
                    }
                }
                let flags = (flags.0 != 0).then(|| flag_list(*flags));
                super::folders::append(self.session()?, folder, flags.as_deref(), message).await?;
                Ok(vec![folder.clone()])
            }
            JournalOp::ExpungeId { folder, message_id } => {
                self.select(folder).await?;
                let q = format!("HEADER Message-ID {}", quoted(&format!("<{message_id}>")));
                let found = timed("UID SEARCH", self.session()?.uid_search(q)).await?;
                let caps = self.caps();
                for uid in found {
                    self.store_flags(uid, Flags(Flags::DELETED), Flags(0))
                        .await?;
                    self.expunge_one(uid, &caps).await?;
                }
                Ok(vec![folder.clone()])
            }
            JournalOp::CreateFolder { path } => {
                let r = timed("CREATE", self.session()?.create(path)).await;
                match r {
                    // Already there (an earlier run did it) is done.
                    Err(ImapError::Refused(m))
                        if m.to_ascii_uppercase().contains("ALREADYEXISTS")
                            || m.contains("exists") => {}
                    other => other?,
                }
                let _ = timed("SUBSCRIBE", self.session()?.subscribe(path)).await;
                self.listed = false;
                self.list_folders().await;
                Ok(vec![path.clone()])
            }
            JournalOp::DeleteFolder { path } => {
                if self.selected.as_deref() == Some(path.as_str()) {
                    let _ = timed("CLOSE", self.session()?.close()).await;
                    self.selected = None;
                }
                let r = timed("DELETE", self.session()?.delete(path)).await;
                match r {
                    Err(ImapError::Refused(m))
                        if m.to_ascii_uppercase().contains("NONEXISTENT") => {}
                    other => other?,
                }
                self.list_folders().await;
                Ok(Vec::new())
            }
            JournalOp::RenameFolder { from, to } => {
                if self.selected.is_some() {
                    let _ = timed("CLOSE", self.session()?.close()).await;
                    self.selected = None;
                }
                let r = timed("RENAME", self.session()?.rename(from, to)).await;
                match r {
                    // The source gone and the target there: an earlier run did it.
                    Err(ImapError::Refused(m))
                        if m.to_ascii_uppercase().contains("NONEXISTENT")
                            || m.to_ascii_uppercase().contains("ALREADYEXISTS") =>
                    {
                        let (name, roles) = (self.name.clone(), self.settings.folders.clone());
                        let names = super::folders::list(self.session()?, &name, &roles).await?;
                        if !names.iter().any(|f| f.path == *to) {
                            return Err(ImapError::Refused(m));
                        }
                    }
                    other => other?,
                }
                let _ = timed("SUBSCRIBE", self.session()?.subscribe(to)).await;
                self.list_folders().await;
                Ok(vec![to.clone()])
            }
            JournalOp::Expunge { folder, uid } => {
                self.select(folder).await?;
                // Already gone is done: expunging is idempotent.
                if self.uid_exists(*uid).await? {
                    self.store_flags(*uid, Flags(Flags::DELETED), Flags(0))
                        .await?;
                    let caps = self.caps();
                    self.expunge_one(*uid, &caps).await?;
                }
                Ok(vec![folder.clone()])
            }
        }
    }

    /// The server UID of a message in `folder`: `uid` itself if it is the server's and still
    /// there; for a local UID (a placeholder), the message with that Message-ID. Leaves `folder`
    /// selected.
    async fn resolve(
        &mut self,
        folder: &str,
        uid: u32,
        message_id: Option<&str>,
    ) -> Result<Option<u32>, ImapError> {
        self.select(folder).await?;
        if uid < crate::store::LOCAL_UID_BASE {
            return Ok(self.uid_exists(uid).await?.then_some(uid));
        }
        let Some(id) = message_id else {
            return Ok(None);
        };
        let q = format!("HEADER Message-ID {}", quoted(&format!("<{id}>")));
        let found = timed("UID SEARCH", self.session()?.uid_search(q)).await?;
        Ok(found.into_iter().max())
    }

    async fn uid_exists(&mut self, uid: u32) -> Result<bool, ImapError> {
        let found = timed(
            "UID SEARCH",
            self.session()?.uid_search(format!("UID {uid}")),
        )
        .await?;
        Ok(found.contains(&uid))
    }

    /// Whether `folder` holds a message with this Message-ID (leaves `folder` selected).
    async fn has_message_id(&mut self, folder: &str, id: &str) -> Result<bool, ImapError> {
        self.select(folder).await?;
        let q = format!("HEADER Message-ID {}", quoted(&format!("<{id}>")));
        let found = timed("UID SEARCH", self.session()?.uid_search(q)).await?;
        Ok(!found.is_empty())
    }

    /// Remove one \Deleted message: UID EXPUNGE with UIDPLUS; else a plain EXPUNGE, but only when
    /// no other message of the folder is marked \Deleted (it would remove those too).
    async fn expunge_one(&mut self, uid: u32, caps: &Caps) -> Result<(), ImapError> {
        if caps.uidplus {
            let session = self.session()?;
            timed("UID EXPUNGE", async {
                session
                    .uid_expunge(uid.to_string())
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await?;
            return Ok(());
        }
        let deleted = timed("UID SEARCH", self.session()?.uid_search("DELETED")).await?;
        if deleted.iter().all(|u| *u == uid) {
            let session = self.session()?;
            timed("EXPUNGE", async {
                session.expunge().await?.try_collect::<Vec<_>>().await
            })
            .await?;
        } else {
            tracing::info!("{}: left message {uid} marked deleted: EXPUNGE would remove other deleted messages too", self.name);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_definite_server_refusal_reverts() {
        let refused = |m: &str| ImapError::Refused(m.into());
        assert!(refused_for_good(&refused(
            "[NONEXISTENT] Mailbox doesn't exist: X"
        )));
        assert!(refused_for_good(&refused(
            "the message is no longer in INBOX"
        )));
        assert!(refused_for_good(&refused(
            "[TryCreate] Mailbox doesn't exist"
        )));
        for temporary in [
            "[UNAVAILABLE] Temporary failure",
            "[INUSE] Mailbox is locked",
            "[SERVERBUG] Internal error occurred",
            "[LIMIT] Too many",
        ] {
            assert!(!refused_for_good(&refused(temporary)), "{temporary}");
        }
        let store = crate::store::StoreError::Sled(sled::Error::Io(std::io::Error::other("disk")));
        assert!(!refused_for_good(&ImapError::Store(store)));
        assert!(!refused_for_good(&ImapError::Invalid(
            "name with a line break".into()
        )));
        assert!(!refused_for_good(&ImapError::Timeout("UID MOVE".into())));
        assert!(!refused_for_good(&ImapError::Protocol(
            "connection lost".into()
        )));
    }
}
