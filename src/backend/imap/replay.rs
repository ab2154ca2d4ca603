//! Replaying the journal to the server in order: each entry is removed only after the server
//! confirmed it; an entry the server refuses is removed and reported so the app reverts it.

use super::conn::{timed, ImapError};
use super::envelope::flag_list;
use super::Worker;
use crate::app::Event;
use crate::mail::Flags;
use crate::store::{JournalEntry, JournalOp};

fn quoted(name: &str) -> String {
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

    async fn store_flags(&mut self, uid: u32, add: Flags, remove: Flags) -> Result<(), ImapError> {
        let Some((session, _)) = self.conn.as_mut() else {
            return Err(ImapError::Protocol("offline".into()));
        };
        for (sign, f) in [("+", add), ("-", remove)] {
            if f.0 != 0 {
                let s = timed(
                    "UID STORE",
                    session.uid_store(
                        uid.to_string(),
                        format!("{sign}FLAGS.SILENT {}", flag_list(f)),
                    ),
                )
                .await?;
                drop(s);
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
                self.select(folder).await?;
                self.ensure_exists(*uid).await?;
                self.store_flags(*uid, Flags(new.0 & !old.0), Flags(old.0 & !new.0))
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
                self.select(from).await?;
                self.ensure_exists(*uid).await?;
                let caps = self
                    .conn
                    .as_ref()
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default();
                let Some((session, _)) = self.conn.as_mut() else {
                    return Err(ImapError::Protocol("offline".into()));
                };
                if is_move && caps.move_ {
                    timed("UID MOVE", session.uid_mv(uid.to_string(), quoted(to))).await?;
                } else {
                    timed("UID COPY", session.uid_copy(uid.to_string(), quoted(to))).await?;
                    if is_move {
                        self.store_flags(*uid, Flags(Flags::DELETED), Flags(0))
                            .await?;
                        if caps.uidplus {
                            let Some((session, _)) = self.conn.as_mut() else {
                                return Err(ImapError::Protocol("offline".into()));
                            };
                            let s =
                                timed("UID EXPUNGE", session.uid_expunge(uid.to_string())).await?;
                            drop(s);
                        }
                    }
                }
                // The placeholder gives way to the server's copy at the next sync of `to`.
                self.store.remove_message(&self.name, to, *local_uid)?;
                Ok(vec![to.clone(), from.clone()])
            }
            JournalOp::Expunge { folder, uid } => {
                self.select(folder).await?;
                self.store_flags(*uid, Flags(Flags::DELETED), Flags(0))
                    .await?;
                let caps = self
                    .conn
                    .as_ref()
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default();
                if caps.uidplus {
                    let Some((session, _)) = self.conn.as_mut() else {
                        return Err(ImapError::Protocol("offline".into()));
                    };
                    let s = timed("UID EXPUNGE", session.uid_expunge(uid.to_string())).await?;
                    drop(s);
                }
                Ok(vec![folder.clone()])
            }
        }
    }

    /// A message that is gone on the server makes the entry fail for good.
    async fn ensure_exists(&mut self, uid: u32) -> Result<(), ImapError> {
        let Some((session, _)) = self.conn.as_mut() else {
            return Err(ImapError::Protocol("offline".into()));
        };
        let found = timed("UID SEARCH", session.uid_search(format!("UID {uid}"))).await?;
        if found.contains(&uid) {
            Ok(())
        } else {
            Err(ImapError::Refused(format!(
                "message {uid} no longer exists on the server"
            )))
        }
    }
}
