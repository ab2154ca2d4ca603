//! Replaying the journal to the server in order: each entry is removed only after the server
//! confirmed it; an entry the server refuses is removed and reported so the app reverts it.
//! Replays are idempotent, so an entry whose effect already reached the server (tmail killed
//! between the server's OK and the removal) is recognised and not done twice.

use futures::TryStreamExt;

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

impl Worker {
    pub(super) async fn replay(&mut self) {
        let entries = match self.store.journal(Some(&self.name)) {
            Ok(e) => e,
            Err(e) => return self.error(e.to_string()),
        };
        for entry in entries {
            match self.replay_one(&entry).await {
                Ok(touched) => {
                    if let Err(e) = self.store.journal_remove(entry.id) {
                        return self.error(e.to_string());
                    }
                    for f in touched {
                        self.enqueue_front(&f);
                    }
                }
                Err(e) if e.is_connection() => return self.lost(&e),
                Err(e) => {
                    let _ = self.store.journal_remove(entry.id);
                    self.send(Event::JournalFailed {
                        entry: entry.clone(),
                        error: e.to_string(),
                    });
                }
            }
        }
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
