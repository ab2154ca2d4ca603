//! Changes that cost what they change: folder counts moved by a delta (never a recount of the
//! folder), journal entries of one action written with one flush, and messages moved or copied
//! between folders in a few sled batches, however many there are.

use super::{
    decode, encode, folder_prefix, message_key, JournalEntry, JournalOp, Result, Store,
    LOCAL_UID_BASE,
};
use crate::mail::{Envelope, Flags, Folder};

/// Whether a message counts as unread in its folder's count (what `Store::recount` counts).
pub fn counts_unread(flags: Flags) -> bool {
    !flags.seen() && !flags.deleted()
}

/// How a folder's counts change: messages and unread messages added (negative: removed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CountDelta {
    pub unread: i64,
    pub total: i64,
}

impl CountDelta {
    /// A message with these flags came in (or, `sign` -1, went out).
    pub fn message(flags: Flags, sign: i64) -> CountDelta {
        CountDelta {
            unread: if counts_unread(flags) { sign } else { 0 },
            total: sign,
        }
    }

    /// A message's flags changed from `old` to `new`.
    pub fn flags(old: Flags, new: Flags) -> CountDelta {
        CountDelta {
            unread: i64::from(counts_unread(new)) - i64::from(counts_unread(old)),
            total: 0,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.unread == 0 && self.total == 0
    }
}

impl std::ops::AddAssign for CountDelta {
    fn add_assign(&mut self, o: CountDelta) {
        self.unread += o.unread;
        self.total += o.total;
    }
}

/// One message moved or copied by [`Store::transfer_messages`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transferred {
    /// Its UID in the source folder.
    pub uid: u32,
    /// Its local UID in the destination.
    pub local_uid: u32,
    pub message_id: Option<String>,
    pub flags: Flags,
}

fn shift(v: u32, d: i64) -> u32 {
    (i64::from(v) + d).clamp(0, i64::from(u32::MAX)) as u32
}

impl Store {
    /// Move a folder's stored counts by `d` (clamped at zero); returns the folder as it is now.
    /// O(1): the open folder's size does not matter. Atomic (a compare-and-swap of the folder's
    /// record): the UI thread and the workers move the same folder's counts at once, and a
    /// read-then-write would lose one of two deltas.
    pub fn add_counts(&self, account: &str, path: &str, d: CountDelta) -> Result<Option<Folder>> {
        if d.is_zero() {
            return self.folder(account, path);
        }
        let mut failed = None;
        let now = self
            .folders
            .update_and_fetch(folder_prefix(account, path), |old| {
                let old = old?;
                let moved = decode::<Folder>(old).and_then(|mut f| {
                    f.total = shift(f.total, d.total);
                    f.unread = shift(f.unread, d.unread).min(f.total);
                    encode(&f)
                });
                match moved {
                    Ok(v) => Some(v),
                    Err(e) => {
                        // left as it was
                        failed = Some(e);
                        Some(old.to_vec())
                    }
                }
            })?;
        if let Some(e) = failed {
            return Err(e);
        }
        now.map(|v| decode(&v)).transpose()
    }

    /// Append the entries of one action to the journal with a single flush (a visual selection
    /// of 1,000 messages is one write to disk, not 1,000). Oldest first, as given.
    pub fn journal_append_many(
        &self,
        entries: Vec<(String, JournalOp, Option<String>)>,
    ) -> Result<Vec<JournalEntry>> {
        let now = chrono::Utc::now().timestamp();
        let mut batch = sled::Batch::default();
        let mut out = Vec::with_capacity(entries.len());
        for (account, op, message_id) in entries {
            let entry = JournalEntry {
                id: self.db.generate_id()?,
                account,
                op,
                created: now,
                message_id,
            };
            batch.insert(&entry.id.to_be_bytes(), encode(&entry)?);
            out.push(entry);
        }
        if out.is_empty() {
            return Ok(out);
        }
        self.journal.apply_batch(batch)?;
        self.journal.flush()?;
        Ok(out)
    }

    /// Local UIDs for `n` messages placed in `path` by tmail (see `allocate_uid`), ascending.
    pub fn allocate_uids(&self, account: &str, path: &str, n: usize) -> Result<Vec<u32>> {
        let mut out = Vec::with_capacity(n);
        if n == 0 {
            return Ok(out);
        }
        let first = self.allocate_uid(account, path)?;
        out.push(first);
        let data = self.is_data_account(account)?;
        for _ in 1..n {
            let prev = out.last().copied().unwrap_or(LOCAL_UID_BASE);
            let next = prev.saturating_add(1);
            out.push(if data {
                self.next_local_uid(account, next)?
            } else {
                next
            });
        }
        Ok(out)
    }

    /// Move (or copy) messages of `from` to `dest`, as one action: their journal entries first
    /// (one flush: from then on the placeholders are protected from syncs), then the envelopes,
    /// bodies and search texts under local UIDs in `dest` and, for a move, their removal from
    /// `from`, each tree in one batch. Messages not in the store are skipped. Counts are not
    /// touched: the caller moves them by the returned flags.
    pub fn transfer_messages(
        &self,
        account: &str,
        from: &str,
        uids: &[u32],
        dest: &str,
        copy: bool,
    ) -> Result<Vec<Transferred>> {
        let mut envs: Vec<Envelope> = Vec::with_capacity(uids.len());
        for &uid in uids {
            if let Some(e) = self.envelope(account, from, uid)? {
                envs.push(e);
            }
        }
        let locals = self.allocate_uids(account, dest, envs.len())?;
        let mut moved = Vec::with_capacity(envs.len());
        let mut entries = Vec::with_capacity(envs.len());
        for (e, &local_uid) in envs.iter().zip(&locals) {
            let (from, to) = (from.to_string(), dest.to_string());
            let uid = e.uid;
            let op = if copy {
                JournalOp::Copy {
                    from,
                    uid,
                    to,
                    local_uid,
                }
            } else {
                JournalOp::Move {
                    from,
                    uid,
                    to,
                    local_uid,
                }
            };
            entries.push((account.to_string(), op, e.message_id.clone()));
            moved.push(Transferred {
                uid,
                local_uid,
                message_id: e.message_id.clone(),
                flags: e.flags,
            });
        }
        self.journal_append_many(entries)?;
        let mut new_envs = sled::Batch::default();
        let mut new_bodies = sled::Batch::default();
        let mut new_texts = sled::Batch::default();
        let mut gone = sled::Batch::default();
        for (mut e, &local_uid) in envs.into_iter().zip(&locals) {
            let old_key = message_key(account, from, e.uid);
            let new_key = message_key(account, dest, local_uid);
            if let Some(raw) = self.bodies.get(&old_key)? {
                new_bodies.insert(new_key.clone(), raw);
            }
            if let Some(t) = self.body_text.get(&old_key)? {
                new_texts.insert(new_key.clone(), t);
            }
            e.uid = local_uid;
            new_envs.insert(new_key, encode(&e)?);
            if !copy {
                gone.remove(old_key);
            }
        }
        self.envelopes.apply_batch(new_envs)?;
        self.bodies.apply_batch(new_bodies)?;
        self.body_text.apply_batch(new_texts)?;
        if !copy {
            self.envelopes.apply_batch(gone.clone())?;
            self.bodies.apply_batch(gone.clone())?;
            self.body_text.apply_batch(gone)?;
        }
        Ok(moved)
    }

    /// Remove messages (envelopes, bodies, search texts) of one folder in one batch per tree;
    /// returns the flags each removed message had (in the order given; absent ones skipped).
    pub fn remove_messages(&self, account: &str, folder: &str, uids: &[u32]) -> Result<Vec<Flags>> {
        let mut flags = Vec::with_capacity(uids.len());
        let mut gone = sled::Batch::default();
        for &uid in uids {
            let k = message_key(account, folder, uid);
            if let Some(v) = self.envelopes.get(&k)? {
                let e: Envelope = super::decode(&v)?;
                flags.push(e.flags);
            }
            gone.remove(k);
        }
        self.envelopes.apply_batch(gone.clone())?;
        self.bodies.apply_batch(gone.clone())?;
        self.body_text.apply_batch(gone)?;
        Ok(flags)
    }

    /// Set the flags of a cached message unless its record changed since it was read as
    /// `seen` (by the user, say, while a sync compared it with the server's): a compare-and-swap.
    /// Returns whether the flags were set.
    pub fn set_flags_unless_changed(
        &self,
        account: &str,
        folder: &str,
        uid: u32,
        seen: &[u8],
        flags: Flags,
    ) -> Result<bool> {
        let mut e: Envelope = decode(seen)?;
        e.flags = flags;
        let swapped = self.envelopes.compare_and_swap(
            message_key(account, folder, uid),
            Some(seen),
            Some(encode(&e)?),
        )?;
        Ok(swapped.is_ok())
    }

    /// How many messages of a folder are cached, counted from the keys alone.
    pub fn count_cached(&self, account: &str, folder: &str) -> Result<usize> {
        let mut n = 0;
        for k in self
            .envelopes
            .scan_prefix(folder_prefix(account, folder))
            .keys()
        {
            k?;
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::Role;

    fn folder(path: &str) -> Folder {
        Folder {
            account: "a".into(),
            path: path.into(),
            delimiter: Some('/'),
            role: (path == "INBOX").then_some(Role::Inbox),
            selectable: true,
            unread: 0,
            total: 0,
        }
    }

    fn env(uid: u32, seen: bool) -> Envelope {
        Envelope {
            uid,
            message_id: Some(format!("m{uid}")),
            flags: Flags::default().with(Flags::SEEN, seen),
            subject: format!("s{uid}"),
            ..Default::default()
        }
    }

    #[test]
    fn counts_move_by_delta_and_never_below_zero() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        s.put_folder(&folder("INBOX")).unwrap();
        let f = s
            .add_counts(
                "a",
                "INBOX",
                CountDelta {
                    unread: 2,
                    total: 5,
                },
            )
            .unwrap()
            .unwrap();
        assert_eq!((f.unread, f.total), (2, 5));
        let f = s
            .add_counts(
                "a",
                "INBOX",
                CountDelta {
                    unread: -9,
                    total: -1,
                },
            )
            .unwrap()
            .unwrap();
        assert_eq!((f.unread, f.total), (0, 4));
        assert!(s
            .add_counts("a", "Nope", CountDelta::default())
            .unwrap()
            .is_none());
        let unseen = Flags::default();
        let seen = unseen.with(Flags::SEEN, true);
        assert_eq!(CountDelta::flags(unseen, seen).unread, -1);
        assert_eq!(
            CountDelta::message(unseen.with(Flags::DELETED, true), 1).unread,
            0
        );
    }

    #[test]
    fn a_transfer_is_a_few_batches_with_its_journal_first() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        for f in ["INBOX", "Archive"] {
            s.put_folder(&folder(f)).unwrap();
        }
        let envs: Vec<Envelope> = (1..=5).map(|u| env(u, u % 2 == 0)).collect();
        s.put_envelopes("a", "INBOX", &envs).unwrap();
        s.put_body("a", "INBOX", 2, b"Subject: two\r\n\r\nbody of two\r\n")
            .unwrap();
        let moved = s
            .transfer_messages("a", "INBOX", &[2, 3, 99], "Archive", false)
            .unwrap();
        assert_eq!(moved.len(), 2, "a message not stored is skipped");
        assert_eq!(moved[0].local_uid, LOCAL_UID_BASE);
        assert_eq!(moved[1].local_uid, LOCAL_UID_BASE + 1);
        assert!(moved[0].flags.seen() && !moved[1].flags.seen());
        assert_eq!(s.uids("a", "INBOX").unwrap(), vec![1, 4, 5]);
        assert_eq!(
            s.uids("a", "Archive").unwrap(),
            vec![LOCAL_UID_BASE, LOCAL_UID_BASE + 1]
        );
        // the body and its search text went along
        assert!(s.body("a", "Archive", LOCAL_UID_BASE).unwrap().is_some());
        assert!(s
            .body_text("a", "Archive", LOCAL_UID_BASE)
            .unwrap()
            .is_some());
        assert!(s.body("a", "INBOX", 2).unwrap().is_none());
        assert!(s.body_text("a", "INBOX", 2).unwrap().is_none());
        let j = s.journal(Some("a")).unwrap();
        assert_eq!(j.len(), 2);
        assert!(
            matches!(&j[0].op, JournalOp::Move { uid: 2, local_uid, .. } if *local_uid == LOCAL_UID_BASE)
        );
        assert_eq!(j[1].message_id.as_deref(), Some("m3"));
        // a copy leaves the source as it was
        let copied = s
            .transfer_messages("a", "INBOX", &[1], "Archive", true)
            .unwrap();
        assert_eq!(copied[0].local_uid, LOCAL_UID_BASE + 2);
        assert_eq!(s.uids("a", "INBOX").unwrap(), vec![1, 4, 5]);
        // removing many says what left
        let flags = s.remove_messages("a", "INBOX", &[4, 5, 77]).unwrap();
        assert_eq!(flags.len(), 2);
        assert!(flags[0].seen() && !flags[1].seen());
        assert_eq!(s.uids("a", "INBOX").unwrap(), vec![1]);
        assert_eq!(s.count_cached("a", "Archive").unwrap(), 3);
    }

    #[test]
    fn one_action_is_one_journal_write_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let ops = (1..=100)
            .map(|uid| {
                (
                    "a".to_string(),
                    JournalOp::Expunge {
                        folder: "INBOX".into(),
                        uid,
                    },
                    None,
                )
            })
            .collect();
        let written = s.journal_append_many(ops).unwrap();
        assert_eq!(written.len(), 100);
        let j = s.journal(Some("a")).unwrap();
        let uids: Vec<u32> = j
            .iter()
            .filter_map(|e| match e.op {
                JournalOp::Expunge { uid, .. } => Some(uid),
                _ => None,
            })
            .collect();
        assert_eq!(uids, (1..=100).collect::<Vec<u32>>());
        assert!(s.journal_append_many(Vec::new()).unwrap().is_empty());
    }
}
