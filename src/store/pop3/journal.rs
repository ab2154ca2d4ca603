//! Journal entries of a POP3 account, applied to its bookkeeping: the store already shows their
//! effect, so applying keeps `pop3_locations` and the records in step (where a message went, a
//! body that arrived while it moved) and removes the entry.

use super::super::{folder_prefix, message_key, JournalOp, Result, Store};
use super::{abort, account_prefix, decode_record, encode_record, record_key, tx_error, under};
use sled::Transactional;

impl Store {
    /// Point the location `old` of a message at `new` (either may be None: add or drop), in the
    /// record and the reverse index together. A location that another record held is taken
    /// from it.
    fn relocate(
        &self,
        account: &str,
        uidl: &str,
        old: Option<(&str, u32)>,
        new: Option<(&str, u32)>,
    ) -> Result<()> {
        let rkey = record_key(account, uidl);
        let t = &self.pop3;
        (&t.messages, &t.locations)
            .transaction(|(msgs, locs)| {
                let Some(v) = msgs.get(&rkey)? else {
                    return Ok(());
                };
                let mut rec = decode_record(&v).map_err(abort)?;
                if let Some((f, u)) = old {
                    rec.locations.retain(|(lf, lu)| !(lf == f && *lu == u));
                    let k = message_key(account, f, u);
                    if locs.get(&k)?.is_some_and(|v| v.as_ref() == uidl.as_bytes()) {
                        locs.remove(k.as_slice())?;
                    }
                }
                if let Some((f, u)) = new {
                    let k = message_key(account, f, u);
                    if let Some(other) = locs.get(&k)? {
                        if other.as_ref() != uidl.as_bytes() {
                            let okey = record_key(account, &String::from_utf8_lossy(&other));
                            if let Some(ov) = msgs.get(&okey)? {
                                let mut orec = decode_record(&ov).map_err(abort)?;
                                orec.locations.retain(|(lf, lu)| !(lf == f && *lu == u));
                                msgs.insert(okey.as_slice(), encode_record(&orec).map_err(abort)?)?;
                            }
                        }
                    }
                    if !rec.locations.iter().any(|(lf, lu)| lf == f && *lu == u) {
                        rec.locations.push((f.to_string(), u));
                    }
                    locs.insert(k.as_slice(), uidl.as_bytes())?;
                }
                msgs.insert(rkey.as_slice(), encode_record(&rec).map_err(abort)?)?;
                Ok(())
            })
            .map_err(tx_error)
    }

    /// A body stored at `from` after the user moved or copied the message away (the download
    /// raced the move) goes with it to `to`; a body left where no envelope is goes away.
    fn carry_body(
        &self,
        account: &str,
        from: (&str, u32),
        to: (&str, u32),
        keep: bool,
    ) -> Result<()> {
        if let Some(raw) = self.body(account, from.0, from.1)? {
            if !self.has_body(account, to.0, to.1)? {
                self.put_body(account, to.0, to.1, &raw)?;
            }
            if !keep && self.envelope(account, from.0, from.1)?.is_none() {
                self.bodies.remove(message_key(account, from.0, from.1))?;
            }
        }
        Ok(())
    }

    /// Locations of one folder in the reverse index: (uid, uidl).
    fn pop3_locations_in(&self, account: &str, folder: &str) -> Result<Vec<(u32, String)>> {
        let p = folder_prefix(account, folder);
        let mut out = Vec::new();
        for r in self.pop3.locations.scan_prefix(&p) {
            let (k, v) = r?;
            if let Ok(b) = <[u8; 4]>::try_from(k.get(p.len()..).unwrap_or(&[])) {
                out.push((
                    u32::from_be_bytes(b),
                    String::from_utf8_lossy(&v).into_owned(),
                ));
            }
        }
        Ok(out)
    }

    /// Apply one journal entry of a POP3 account to its bookkeeping. Idempotent: an entry
    /// applied again after a crash changes nothing more.
    fn pop3_apply(&self, account: &str, op: &JournalOp) -> Result<()> {
        match op {
            // A saved message (a sent copy, a postponed draft) is a local message like any other.
            JournalOp::SetFlags { .. }
            | JournalOp::CreateFolder { .. }
            | JournalOp::Append { .. } => {}
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
                let copy = matches!(op, JournalOp::Copy { .. });
                if let Some(uidl) = self.pop3_uidl_at(account, from, *uid)? {
                    let old = (!copy).then_some((from.as_str(), *uid));
                    self.relocate(account, &uidl, old, Some((to.as_str(), *local_uid)))?;
                }
                self.carry_body(account, (from, *uid), (to, *local_uid), copy)?;
            }
            JournalOp::Expunge { folder, uid } => {
                if let Some(uidl) = self.pop3_uidl_at(account, folder, *uid)? {
                    self.relocate(account, &uidl, Some((folder.as_str(), *uid)), None)?;
                }
                if self.envelope(account, folder, *uid)?.is_none() {
                    self.bodies.remove(message_key(account, folder, *uid))?;
                }
            }
            JournalOp::ExpungeId { folder, .. } => {
                // Local ids are never reused in a data account: a location whose envelope is
                // gone is the one deleted.
                for (uid, uidl) in self.pop3_locations_in(account, folder)? {
                    if self.envelope(account, folder, uid)?.is_none() {
                        self.relocate(account, &uidl, Some((folder.as_str(), uid)), None)?;
                        self.bodies.remove(message_key(account, folder, uid))?;
                    }
                }
            }
            JournalOp::DeleteFolder { path } => {
                for (uid, uidl) in self.pop3_locations_in(account, path)? {
                    self.relocate(account, &uidl, Some((path.as_str(), uid)), None)?;
                }
                if self.folder(account, path)?.is_none() {
                    let mut batch = sled::Batch::default();
                    for k in self.bodies.scan_prefix(folder_prefix(account, path)).keys() {
                        batch.remove(k?);
                    }
                    self.bodies.apply_batch(batch)?;
                }
            }
            JournalOp::RenameFolder { from, to } => {
                let delimiter = self
                    .folder(account, to)?
                    .and_then(|f| f.delimiter)
                    .or(Some('/'));
                let mut moves = Vec::new();
                for r in self.pop3.locations.scan_prefix(account_prefix(account)) {
                    let (k, v) = r?;
                    let rest = k.get(account.len() + 1..).unwrap_or(&[]);
                    let Some(nul) = rest.iter().position(|&b| b == 0) else {
                        continue;
                    };
                    let folder = String::from_utf8_lossy(&rest[..nul]).into_owned();
                    let Ok(uid) = <[u8; 4]>::try_from(&rest[nul + 1..]) else {
                        continue;
                    };
                    if let Some(tail) = under(&folder, from, delimiter) {
                        let uidl = String::from_utf8_lossy(&v).into_owned();
                        moves.push((folder, format!("{to}{tail}"), u32::from_be_bytes(uid), uidl));
                    }
                }
                for (old, new, uid, uidl) in moves {
                    self.relocate(account, &uidl, Some((&old, uid)), Some((&new, uid)))?;
                }
            }
        }
        Ok(())
    }

    /// Apply the account's pending journal entries to the POP3 bookkeeping and remove them: for
    /// a local account the store already holds the result of every action. Returns how many.
    pub fn pop3_apply_journal(&self, account: &str) -> Result<usize> {
        let entries = self.journal(Some(account))?;
        for e in &entries {
            self.pop3_apply(account, &e.op)?;
            self.journal_remove(e.id)?;
        }
        Ok(entries.len())
    }
}
