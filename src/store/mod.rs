//! The local store (sled): folders, envelopes, bodies, folder sync state and the journal of
//! actions not yet on the server. It is the source of truth for what the UI shows.

mod changes;
mod journal;
pub mod outbox;
pub mod pop3;
mod schema;
pub mod text;
mod view;

pub use changes::{counts_unread, CountDelta, Transferred};
pub use journal::{JournalEntry, JournalOp};
pub use outbox::{Answers, DraftRecord, OutboxRecord, OutboxState};
pub use pop3::{Pop3Record, Pop3State, ServerCopy};
pub use view::{AddressRef, EnvelopeRef};

use std::path::Path;

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::mail::thread::ThreadKey;
use crate::mail::{Envelope, Flags, Folder, Summary};

/// Page cache: small on purpose (sled's default is 1 GiB). A bigger one keeps the pages of
/// every folder scan and search resident (16 MiB: +14 MB after a few searches of a
/// 100,000-message folder) and does not make a key faster: the operating system caches the
/// file anyway.
const CACHE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store: {0}")]
    Sled(#[from] sled::Error),
    #[error("store: damaged record: {0}")]
    Decode(#[from] bincode::Error),
    #[error("store: {0}")]
    Corrupt(String),
    #[error("store at {path} was written by a newer tmail (schema {found}, this tmail knows up to {known}); upgrade tmail")]
    TooNew {
        path: String,
        found: u32,
        known: u32,
    },
    #[error("store at {path} is in use by another tmail ({message})")]
    Locked { path: String, message: String },
    /// The store could not be opened or brought to this version; nothing in it was changed or
    /// removed (it may hold the only copy of POP3 mail).
    #[error("cannot open the store at {path}: {message}. tmail changed nothing there; keep a copy of that directory before trying anything else")]
    Unusable { path: String, message: String },
    /// A cache operation was asked of an account whose mail is data (POP3: the only copy).
    #[error("refusing to {what} of account {account}: its mail is stored only here (POP3), not a cache of a server")]
    Protected { account: String, what: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The first UID tmail gives to messages it placed locally (see `Store::allocate_uid`).
pub const LOCAL_UID_BASE: u32 = 0x8000_0000;

/// Per-folder sync state (IMAP: UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FolderState {
    pub uidvalidity: u32,
    pub uidnext: u32,
    pub highestmodseq: u64,
}

/// Where an unfinished first sync of an IMAP folder stopped, so the next connection goes on
/// from there instead of starting over (see `backend::imap::sync`). Kept beside the folder's
/// [`FolderState`], which stays incomplete (`uidnext` 0) until the first sync is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FirstSyncMark {
    /// The UIDVALIDITY the cached messages belong to (RFC 3501 §2.3.1.1).
    pub uidvalidity: u32,
    /// The HIGHESTMODSEQ when the first sync began (RFC 7162 §3.1.2; 0: none, or cached
    /// messages of unknown age were there): the folder's once the sync is done, so the next
    /// sync asks for every flag change and expunge since (`CHANGEDSINCE`).
    pub modseq: u64,
    /// The UIDNEXT of the last connection: messages at and above it came after.
    pub uidnext: u32,
    /// Every message the server had with a UID from `below` up to `uidnext` is cached.
    pub below: u32,
}

/// Faults a test can inject (see [`Store::inject_faults`]), as bits.
pub mod fault {
    /// Reading an envelope fails.
    pub const ENVELOPE_READS: u8 = 1;
    /// Removing a journal entry fails.
    pub const JOURNAL_REMOVES: u8 = 2;
}

/// A handle to the store; cheap to clone (sled trees are shared).
#[derive(Clone)]
pub struct Store {
    /// Injected faults ([`fault`] bits), shared by the clones; 0 outside tests.
    faults: std::sync::Arc<std::sync::atomic::AtomicU8>,
    db: sled::Db,
    folders: sled::Tree,
    envelopes: sled::Tree,
    bodies: sled::Tree,
    /// The search text of each cached body (see `text`).
    body_text: sled::Tree,
    state: sled::Tree,
    journal: sled::Tree,
    pop3: pop3::Trees,
    outbox_trees: outbox::Trees,
}

/// `account \0 folder \0` : the prefix of every key of one folder.
fn folder_prefix(account: &str, folder: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(account.len() + folder.len() + 2);
    k.extend_from_slice(account.as_bytes());
    k.push(0);
    k.extend_from_slice(folder.as_bytes());
    k.push(0);
    k
}

/// `account \0 folder \0 first`: the key of a folder's [`FirstSyncMark`] in the state tree
/// (beside its [`FolderState`] at `account \0 folder \0`; a folder name has no NUL).
fn first_sync_key(account: &str, folder: &str) -> Vec<u8> {
    let mut k = folder_prefix(account, folder);
    k.extend_from_slice(b"first");
    k
}

/// `account \0 folder \0 uid(big-endian)`: keys sort by folder, then uid.
fn message_key(account: &str, folder: &str, uid: u32) -> Vec<u8> {
    let mut k = folder_prefix(account, folder);
    k.extend_from_slice(&uid.to_be_bytes());
    k
}

/// Decode stored envelopes one by one into `f`; returns how many.
fn visit(
    values: impl Iterator<Item = sled::Result<sled::IVec>>,
    mut f: impl FnMut(Envelope),
) -> Result<usize> {
    let mut n = 0;
    for v in values {
        f(decode(&v?)?);
        n += 1;
    }
    Ok(n)
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    Ok(bincode::serialize(v)?)
}

fn decode<T: DeserializeOwned>(b: &[u8]) -> Result<T> {
    Ok(bincode::deserialize(b)?)
}

impl Store {
    /// Open (or create) the store in `dir`, migrating an older schema in place.
    ///
    /// Errors: `Locked` (another tmail has it), `TooNew` (a newer schema), and `Unusable` for
    /// anything else (unreadable, damaged, a migration that failed), naming the path. A store
    /// that cannot be opened or migrated is left as it is: never recreated or overwritten.
    pub fn open(dir: &Path) -> Result<Store> {
        // A store closed a moment ago (by this process, or by a tmail that just quit) is let go
        // of by sled's background threads shortly after: wait a little for its lock.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        let mut opened = Self::open_inner(dir);
        while matches!(opened, Err(StoreError::Locked { .. }))
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
            opened = Self::open_inner(dir);
        }
        opened.map_err(|e| match e {
            e @ (StoreError::Locked { .. }
            | StoreError::TooNew { .. }
            | StoreError::Unusable { .. }) => e,
            other => StoreError::Unusable {
                path: dir.display().to_string(),
                message: other.to_string(),
            },
        })
    }

    /// Open the store in `dir` only if there is one: `Ok(None)` when `dir` does not exist or is
    /// empty, and then nothing is created. For commands that only read (`tmail list`, `tmail
    /// export`). Errors as `open`.
    pub fn open_existing(dir: &Path) -> Result<Option<Store>> {
        let empty = match std::fs::read_dir(dir) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => {
                return Err(StoreError::Unusable {
                    path: dir.display().to_string(),
                    message: e.to_string(),
                })
            }
        };
        if empty {
            return Ok(None);
        }
        Self::open(dir).map(Some)
    }

    fn open_inner(dir: &Path) -> Result<Store> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(CACHE_BYTES)
            .mode(sled::Mode::LowSpace)
            .open()
            .map_err(|e| match e {
                // sled 0.34 reports its lock taken as an `Other` error naming it (the flock's
                // EWOULDBLOCK only in the text)
                sled::Error::Io(io)
                    if io.kind() == std::io::ErrorKind::WouldBlock
                        || io.raw_os_error() == Some(11)
                        || io.to_string().contains("could not acquire lock") =>
                {
                    StoreError::Locked {
                        path: dir.display().to_string(),
                        message: io.to_string(),
                    }
                }
                other => StoreError::Sled(other),
            })?;
        schema::migrate(&db, dir)?;
        Ok(Store {
            faults: Default::default(),
            folders: db.open_tree("folders")?,
            envelopes: db.open_tree("envelopes")?,
            bodies: db.open_tree("bodies")?,
            body_text: db.open_tree("body_text")?,
            state: db.open_tree("folder_state")?,
            journal: db.open_tree("journal")?,
            pop3: pop3::Trees::open(&db)?,
            outbox_trees: outbox::Trees::open(&db)?,
            db,
        })
    }

    /// Fault injection for tests: from now on the operations named by `faults` ([`fault`]
    /// bits; 0 for none) fail with an I/O error, in every clone of this store, as a failing
    /// disk would make them.
    #[doc(hidden)]
    pub fn inject_faults(&self, faults: u8) {
        self.faults
            .store(faults, std::sync::atomic::Ordering::SeqCst);
    }

    fn injected(&self, fault: u8) -> Result<()> {
        match self.faults.load(std::sync::atomic::Ordering::Relaxed) & fault {
            0 => Ok(()),
            _ => Err(StoreError::Sled(sled::Error::Io(std::io::Error::other(
                "injected fault",
            )))),
        }
    }

    /// Write everything to disk; call before reporting work as done.
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    // ---- folders ----

    pub fn put_folder(&self, f: &Folder) -> Result<()> {
        self.folders
            .insert(folder_prefix(&f.account, &f.path), encode(f)?)?;
        Ok(())
    }

    pub fn folder(&self, account: &str, path: &str) -> Result<Option<Folder>> {
        match self.folders.get(folder_prefix(account, path))? {
            Some(v) => Ok(Some(decode(&v)?)),
            None => Ok(None),
        }
    }

    /// Folders of one account, or of every account when `account` is `None`.
    pub fn folders(&self, account: Option<&str>) -> Result<Vec<Folder>> {
        let iter = match account {
            Some(a) => {
                let mut p = a.as_bytes().to_vec();
                p.push(0);
                self.folders.scan_prefix(p)
            }
            None => self.folders.iter(),
        };
        iter.map(|r| decode(&r?.1)).collect()
    }

    /// Remove a folder with its messages, bodies and state: what the user asked (`:rmdir`), or
    /// a server's confirmation. For a folder that went missing from a server's list, use
    /// `drop_cached_folder`, which never touches a data account.
    pub fn remove_folder(&self, account: &str, path: &str) -> Result<()> {
        let p = folder_prefix(account, path);
        self.folders.remove(&p)?;
        self.state.remove(&p)?;
        self.state.remove(first_sync_key(account, path))?;
        self.clear_messages(account, path)
    }

    /// Forget a cached folder the server no longer lists (IMAP folder reconciliation). Refused
    /// (`Protected`) for a data account: its folders exist only here.
    pub fn drop_cached_folder(&self, account: &str, path: &str) -> Result<()> {
        self.refuse_if_data(account, &format!("drop the cached folder {path}"))?;
        self.remove_folder(account, path)
    }

    /// Rename a folder and its sub-folders in the cache, keeping their messages.
    pub fn rename_folder(&self, account: &str, from: &str, to: &str) -> Result<()> {
        for mut f in self.folders(Some(account))? {
            let new_path = match f.path.strip_prefix(from) {
                Some("") => to.to_string(),
                Some(rest) if f.delimiter.is_some_and(|d| rest.starts_with(d)) => {
                    format!("{to}{rest}")
                }
                _ => continue,
            };
            let old_path = std::mem::replace(&mut f.path, new_path.clone());
            for tree in [&self.envelopes, &self.bodies, &self.body_text] {
                let mut batch = sled::Batch::default();
                let old_p = folder_prefix(account, &old_path);
                let new_p = folder_prefix(account, &new_path);
                for r in tree.scan_prefix(&old_p) {
                    let (k, v) = r?;
                    let mut nk = new_p.clone();
                    nk.extend_from_slice(k.get(old_p.len()..).unwrap_or(&[]));
                    batch.insert(nk, v);
                    batch.remove(k);
                }
                tree.apply_batch(batch)?;
            }
            let state = self.folder_state(account, &old_path)?;
            self.state.remove(folder_prefix(account, &old_path))?;
            self.set_folder_state(account, &new_path, &state)?;
            if let Some(mark) = self.first_sync_mark(account, &old_path)? {
                self.clear_first_sync_mark(account, &old_path)?;
                self.set_first_sync_mark(account, &new_path, &mark)?;
            }
            self.folders.remove(folder_prefix(account, &old_path))?;
            self.put_folder(&f)?;
        }
        Ok(())
    }

    /// Drop every cached message of a folder (e.g. after a UIDVALIDITY change). Refused
    /// (`Protected`) for a data account: nothing can fetch its mail again.
    pub fn clear_folder_messages(&self, account: &str, path: &str) -> Result<()> {
        self.refuse_if_data(account, &format!("drop the cached messages of {path}"))?;
        self.clear_messages(account, path)
    }

    fn clear_messages(&self, account: &str, path: &str) -> Result<()> {
        let p = folder_prefix(account, path);
        for tree in [&self.envelopes, &self.bodies, &self.body_text] {
            let mut batch = sled::Batch::default();
            for k in tree.scan_prefix(&p).keys() {
                batch.remove(k?);
            }
            tree.apply_batch(batch)?;
        }
        Ok(())
    }

    /// Recount unread/total from the cached envelopes and store them on the folder.
    pub fn recount(&self, account: &str, path: &str) -> Result<Option<Folder>> {
        let Some(mut f) = self.folder(account, path)? else {
            return Ok(None);
        };
        let (mut unread, mut total) = (0u32, 0u32);
        for r in self.envelopes.scan_prefix(folder_prefix(account, path)) {
            let e: Envelope = decode(&r?.1)?;
            total += 1;
            if counts_unread(e.flags) {
                unread += 1;
            }
        }
        f.unread = unread;
        f.total = total;
        self.put_folder(&f)?;
        Ok(Some(f))
    }

    // ---- folder state ----

    pub fn folder_state(&self, account: &str, path: &str) -> Result<FolderState> {
        match self.state.get(folder_prefix(account, path))? {
            Some(v) => Ok(decode(&v)?),
            None => Ok(FolderState::default()),
        }
    }

    pub fn set_folder_state(&self, account: &str, path: &str, s: &FolderState) -> Result<()> {
        self.state
            .insert(folder_prefix(account, path), encode(s)?)?;
        Ok(())
    }

    /// Where an unfinished first sync of the folder stopped, if one did.
    pub fn first_sync_mark(&self, account: &str, path: &str) -> Result<Option<FirstSyncMark>> {
        match self.state.get(first_sync_key(account, path))? {
            Some(v) => Ok(Some(decode(&v)?)),
            None => Ok(None),
        }
    }

    /// Record how far the first sync of the folder got.
    pub fn set_first_sync_mark(&self, account: &str, path: &str, m: &FirstSyncMark) -> Result<()> {
        self.state
            .insert(first_sync_key(account, path), encode(m)?)?;
        Ok(())
    }

    /// The first sync of the folder is done (or starts over).
    pub fn clear_first_sync_mark(&self, account: &str, path: &str) -> Result<()> {
        self.state.remove(first_sync_key(account, path))?;
        Ok(())
    }

    /// A local UID for a message tmail placed in `path` itself (a move or copy not yet confirmed).
    /// Local UIDs live at and above `LOCAL_UID_BASE`, a range servers do not reach, so they never
    /// collide with a UID the server assigns meanwhile.
    /// In a data account (POP3) the UID is never given out twice in the account, so a local
    /// UID names one message for good.
    pub fn allocate_uid(&self, account: &str, path: &str) -> Result<u32> {
        let last = self.last_uid(account, path)?;
        let next = last.saturating_add(1).max(LOCAL_UID_BASE);
        if self.is_data_account(account)? {
            return self.next_local_uid(account, next);
        }
        Ok(next)
    }

    fn last_uid(&self, account: &str, path: &str) -> Result<u32> {
        let p = folder_prefix(account, path);
        match self.envelopes.scan_prefix(&p).keys().next_back() {
            Some(k) => {
                let k = k?;
                let tail = k.get(p.len()..).unwrap_or(&[]);
                Ok(tail.try_into().map(u32::from_be_bytes).unwrap_or(0))
            }
            None => Ok(0),
        }
    }

    // ---- envelopes ----

    /// Write a batch of envelopes of one folder in one sled batch.
    pub fn put_envelopes(&self, account: &str, folder: &str, envs: &[Envelope]) -> Result<()> {
        let mut batch = sled::Batch::default();
        for e in envs {
            batch.insert(message_key(account, folder, e.uid), encode(e)?);
        }
        self.envelopes.apply_batch(batch)?;
        Ok(())
    }

    /// Visit the list rows of a folder (UID order): the summary and thread key of each message,
    /// without holding the full envelopes.
    pub fn for_each_summary(
        &self,
        account: &str,
        folder: &str,
        who: &crate::mail::Correspondent,
        mut f: impl FnMut(Summary, ThreadKey),
    ) -> Result<usize> {
        self.for_each_envelope(account, folder, |e| f(who.summary(&e), ThreadKey::of(&e)))
    }

    /// Every envelope of a folder, in UID order.
    pub fn envelopes(&self, account: &str, folder: &str) -> Result<Vec<Envelope>> {
        self.envelopes
            .scan_prefix(folder_prefix(account, folder))
            .values()
            .map(|v| decode(&v?))
            .collect()
    }

    /// The UIDs cached for a folder, ascending (reads keys only).
    pub fn uids(&self, account: &str, folder: &str) -> Result<Vec<u32>> {
        let p = folder_prefix(account, folder);
        let mut out = Vec::new();
        for k in self.envelopes.scan_prefix(&p).keys() {
            let k = k?;
            if let Ok(b) = <[u8; 4]>::try_from(k.get(p.len()..).unwrap_or(&[])) {
                out.push(u32::from_be_bytes(b));
            }
        }
        Ok(out)
    }

    /// The UIDs cached for a folder from `from` up to and without `to`, ascending (reads the
    /// keys of that range only).
    pub fn uids_between(
        &self,
        account: &str,
        folder: &str,
        from: u32,
        to: u32,
    ) -> Result<Vec<u32>> {
        let p = folder_prefix(account, folder);
        let mut out = Vec::new();
        if from >= to {
            return Ok(out);
        }
        let range = message_key(account, folder, from)..message_key(account, folder, to);
        for r in self.envelopes.range(range) {
            let (k, _) = r?;
            if let Ok(b) = <[u8; 4]>::try_from(k.get(p.len()..).unwrap_or(&[])) {
                out.push(u32::from_be_bytes(b));
            }
        }
        Ok(out)
    }

    /// Visit the `limit` newest envelopes of a folder (highest UIDs first): the first screen.
    pub fn for_each_newest_envelope(
        &self,
        account: &str,
        folder: &str,
        limit: usize,
        f: impl FnMut(Envelope),
    ) -> Result<usize> {
        let values = self
            .envelopes
            .scan_prefix(folder_prefix(account, folder))
            .values();
        visit(values.rev().take(limit), f)
    }

    /// Visit every envelope of a folder in UID order without holding them all at once.
    pub fn for_each_envelope(
        &self,
        account: &str,
        folder: &str,
        f: impl FnMut(Envelope),
    ) -> Result<usize> {
        visit(
            self.envelopes
                .scan_prefix(folder_prefix(account, folder))
                .values(),
            f,
        )
    }

    /// Visit the envelopes of a folder in UID order while `f` returns true.
    pub fn scan_envelopes(
        &self,
        account: &str,
        folder: &str,
        mut f: impl FnMut(Envelope) -> bool,
    ) -> Result<()> {
        for v in self
            .envelopes
            .scan_prefix(folder_prefix(account, folder))
            .values()
        {
            if !f(decode(&v?)?) {
                break;
            }
        }
        Ok(())
    }

    pub fn envelope(&self, account: &str, folder: &str, uid: u32) -> Result<Option<Envelope>> {
        self.injected(fault::ENVELOPE_READS)?;
        match self.envelopes.get(message_key(account, folder, uid))? {
            Some(v) => Ok(Some(decode(&v)?)),
            None => Ok(None),
        }
    }

    /// Set the flags of one cached message; returns the previous flags.
    pub fn set_flags(
        &self,
        account: &str,
        folder: &str,
        uid: u32,
        flags: Flags,
    ) -> Result<Option<Flags>> {
        let Some(mut e) = self.envelope(account, folder, uid)? else {
            return Ok(None);
        };
        let old = e.flags;
        e.flags = flags;
        self.put_envelopes(account, folder, std::slice::from_ref(&e))?;
        Ok(Some(old))
    }

    /// Remove a message (envelope, body, search text) from the cache; returns the flags it had
    /// (`None`: it was not there), so counts can move by what left.
    pub fn remove_message(&self, account: &str, folder: &str, uid: u32) -> Result<Option<Flags>> {
        let k = message_key(account, folder, uid);
        let old = self.envelopes.remove(&k)?;
        self.bodies.remove(&k)?;
        self.body_text.remove(&k)?;
        match old {
            Some(v) => Ok(Some(decode::<Envelope>(&v)?.flags)),
            None => Ok(None),
        }
    }

    // ---- bodies ----

    /// Store a body, and its search text beside it (see `text`).
    pub fn put_body(&self, account: &str, folder: &str, uid: u32, raw: &[u8]) -> Result<()> {
        let k = message_key(account, folder, uid);
        let size = u32::try_from(raw.len()).unwrap_or(u32::MAX);
        self.body_text
            .insert(k.clone(), text::encode(size, &text::make(raw)))?;
        self.bodies.insert(k, raw)?;
        Ok(())
    }

    pub fn body(&self, account: &str, folder: &str, uid: u32) -> Result<Option<Vec<u8>>> {
        Ok(self
            .bodies
            .get(message_key(account, folder, uid))?
            .map(|v| v.to_vec()))
    }

    pub fn has_body(&self, account: &str, folder: &str, uid: u32) -> Result<bool> {
        Ok(self
            .bodies
            .contains_key(message_key(account, folder, uid))?)
    }

    // ---- journal ----

    /// Append an action to the journal and flush it: it survives a crash from here on.
    pub fn journal_append(&self, account: &str, op: JournalOp) -> Result<JournalEntry> {
        self.journal_append_for(account, op, None)
    }

    /// Append an action on the message with this Message-ID.
    pub fn journal_append_for(
        &self,
        account: &str,
        op: JournalOp,
        message_id: Option<String>,
    ) -> Result<JournalEntry> {
        let id = self.db.generate_id()?;
        let entry = JournalEntry {
            id,
            account: account.to_string(),
            op,
            created: chrono::Utc::now().timestamp(),
            message_id,
        };
        self.journal.insert(id.to_be_bytes(), encode(&entry)?)?;
        self.journal.flush()?;
        Ok(entry)
    }

    /// Pending entries of one account (or all), oldest first.
    pub fn journal(&self, account: Option<&str>) -> Result<Vec<JournalEntry>> {
        let mut out = Vec::new();
        for r in self.journal.iter() {
            let e: JournalEntry = decode(&r?.1)?;
            if account.is_none_or(|a| a == e.account) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Replace an entry (e.g. with the UID the server assigned).
    pub fn journal_update(&self, entry: &JournalEntry) -> Result<()> {
        self.journal
            .insert(entry.id.to_be_bytes(), encode(entry)?)?;
        self.journal.flush()?;
        Ok(())
    }

    /// Remove an entry the server confirmed.
    pub fn journal_remove(&self, id: u64) -> Result<()> {
        self.injected(fault::JOURNAL_REMOVES)?;
        self.journal.remove(id.to_be_bytes())?;
        self.journal.flush()?;
        Ok(())
    }

    /// The id of the newest journal entry (None: the journal is empty): [`Store::journal_since`]
    /// it finds the entries made after.
    pub fn journal_last_id(&self) -> Result<Option<u64>> {
        Ok(match self.journal.last()? {
            Some((k, _)) => <[u8; 8]>::try_from(k.as_ref()).ok().map(u64::from_be_bytes),
            None => None,
        })
    }

    /// Pending entries (of every account) made after entry `id` (all of them: None), oldest
    /// first; ids grow. One seek when there are none: cheap enough to ask before each change a
    /// sync makes.
    pub fn journal_since(&self, id: Option<u64>) -> Result<Vec<JournalEntry>> {
        let from = match id {
            None => 0,
            Some(id) => match id.checked_add(1) {
                Some(next) => next,
                None => return Ok(Vec::new()),
            },
        };
        let mut out = Vec::new();
        for r in self.journal.range(from.to_be_bytes()..) {
            out.push(decode(&r?.1)?);
        }
        Ok(out)
    }

    pub fn journal_len(&self) -> usize {
        self.journal.len()
    }
}

#[cfg(test)]
mod tests;
