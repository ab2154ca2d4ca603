//! POP3 bookkeeping, and the mark that makes an account's mail *data* rather than cache.
//!
//! A POP3 account's messages live only here: the server may delete them, and nothing can
//! rebuild them. So the account is recorded in `data_accounts`, and every operation that treats
//! mail as a rebuildable cache (`Store::clear_folder_messages`, `Store::drop_cached_folder`)
//! refuses to run on it; the IMAP worker refuses to sync it.
//!
//! Trees (keys sort the way they are read; values are versioned records, `[version] ++ bincode`):
//! - `data_accounts`: `account` → `[1] ++ kind` (`b"pop3"`).
//! - `pop3_messages`: `account \0 uidl` → [`Pop3Record`]: where the message is stored locally,
//!   whether its body is stored, and what became of the server's copy.
//! - `pop3_locations`: `account \0 folder \0 uid(BE)` → `uidl`: the reverse index, so a journal
//!   entry about a folder and UID finds its POP3 message in one lookup.
//! - `pop3_meta`: `account \0 "next_id"` → the next local id for a downloaded message (u32 BE,
//!   from 1, below `LOCAL_UID_BASE`); `account \0 "next_local"` → the next id for a message the
//!   user moved or copied (at or above `LOCAL_UID_BASE`). Neither is ever reused.
//!
//! Journal entries of a POP3 account are applied here ([`Store::pop3_apply_journal`]): the store
//! already shows their effect, so applying means keeping the bookkeeping in step (a moved
//! message's location, a body that arrived while it moved) and removing the entry.

use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;

#[cfg(test)]
use super::JournalOp;
use super::{decode, encode, message_key, Result, Store, StoreError};
use crate::mail::Envelope;

const RECORD_VERSION: u8 = 1;
const KIND_POP3: &[u8] = b"pop3";

/// The trees of this module (opened with the store).
#[derive(Clone)]
pub(super) struct Trees {
    data_accounts: sled::Tree,
    messages: sled::Tree,
    locations: sled::Tree,
    meta: sled::Tree,
}

impl Trees {
    pub(super) fn open(db: &sled::Db) -> Result<Trees> {
        Ok(Trees {
            data_accounts: db.open_tree("data_accounts")?,
            messages: db.open_tree("pop3_messages")?,
            locations: db.open_tree("pop3_locations")?,
            meta: db.open_tree("pop3_meta")?,
        })
    }
}

/// Whether a message's body is in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Pop3State {
    /// Only the header (from `TOP n 0`) is stored; the body is still to be downloaded.
    Headers,
    /// The whole message is stored and was flushed at `at` (Unix seconds).
    Stored { at: i64 },
}

/// What became of the server's copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerCopy {
    /// The server listed it at the last check.
    Present,
    /// tmail deleted it (DELE, then QUIT answered +OK) at `at` (Unix seconds).
    DeletedByTmail { at: i64 },
    /// The server stopped listing it (deleted elsewhere, or a QUIT whose answer was lost).
    Gone,
}

/// One POP3 message of an account, by its UIDL (RFC 1939 §7; for servers without UIDL, a
/// synthetic key from Message-ID, size and date that contains a space, which no UIDL can).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pop3Record {
    pub uidl: String,
    /// Where the message is stored: (folder, uid). Usually one; more after copies; none after
    /// the user deleted it for good.
    pub locations: Vec<(String, u32)>,
    pub state: Pop3State,
    /// The size the server gave in LIST (octets).
    pub size: u32,
    pub message_id: Option<String>,
    /// When tmail first saw it (Unix seconds).
    pub first_seen: i64,
    pub server: ServerCopy,
}

impl Pop3Record {
    /// When the whole message was stored, if it was.
    pub fn stored_at(&self) -> Option<i64> {
        match self.state {
            Pop3State::Stored { at } => Some(at),
            Pop3State::Headers => None,
        }
    }
}

fn encode_record(r: &Pop3Record) -> Result<Vec<u8>> {
    let mut v = vec![RECORD_VERSION];
    v.extend(encode(r)?);
    Ok(v)
}

fn decode_record(b: &[u8]) -> Result<Pop3Record> {
    match b.split_first() {
        Some((&RECORD_VERSION, rest)) => decode(rest),
        Some((v, _)) => Err(StoreError::Decode(Box::new(bincode::ErrorKind::Custom(
            format!("POP3 record of unknown version {v}"),
        )))),
        None => Err(StoreError::Decode(Box::new(bincode::ErrorKind::Custom(
            "empty POP3 record".into(),
        )))),
    }
}

fn record_key(account: &str, uidl: &str) -> Vec<u8> {
    let mut k = account.as_bytes().to_vec();
    k.push(0);
    k.extend_from_slice(uidl.as_bytes());
    k
}

fn meta_key(account: &str, name: &str) -> Vec<u8> {
    record_key(account, name)
}

fn account_prefix(account: &str) -> Vec<u8> {
    let mut k = account.as_bytes().to_vec();
    k.push(0);
    k
}

fn tx_error(e: TransactionError<StoreError>) -> StoreError {
    match e {
        TransactionError::Abort(e) => e,
        TransactionError::Storage(e) => StoreError::Sled(e),
    }
}

fn abort(e: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(e)
}

/// Does `path` lie at or under `parent` (with `/` or the folder's delimiter between levels)?
fn under(path: &str, parent: &str, delimiter: Option<char>) -> Option<String> {
    match path.strip_prefix(parent) {
        Some("") => Some(String::new()),
        Some(rest) if delimiter.is_some_and(|d| rest.starts_with(d)) => Some(rest.to_string()),
        _ => None,
    }
}

impl Store {
    // ---- data accounts ----

    /// Record that `account` is a POP3 account: its mail is data, the only copy. Idempotent.
    pub fn mark_pop3_account(&self, account: &str) -> Result<()> {
        if !self.is_data_account(account)? {
            let mut v = vec![1u8];
            v.extend_from_slice(KIND_POP3);
            self.pop3.data_accounts.insert(account.as_bytes(), v)?;
            self.pop3.data_accounts.flush()?;
        }
        Ok(())
    }

    /// True when the account's mail is data (a POP3 account), not a cache of a server.
    pub fn is_data_account(&self, account: &str) -> Result<bool> {
        Ok(self.pop3.data_accounts.contains_key(account.as_bytes())?)
    }

    pub(super) fn refuse_if_data(&self, account: &str, what: &str) -> Result<()> {
        if self.is_data_account(account)? {
            return Err(StoreError::Protected {
                account: account.to_string(),
                what: what.to_string(),
            });
        }
        Ok(())
    }

    /// For a data account: the next id for a message placed in a folder by the user (moved or
    /// copied), at or above `LOCAL_UID_BASE`, never given out twice in the account.
    pub(super) fn next_local_uid(&self, account: &str, at_least: u32) -> Result<u32> {
        let key = meta_key(account, "next_local");
        let mut got = at_least;
        self.pop3.meta.fetch_and_update(&key, |old| {
            let stored = old
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_be_bytes)
                .unwrap_or(0);
            got = stored.max(at_least);
            Some(got.saturating_add(1).to_be_bytes().to_vec())
        })?;
        Ok(got)
    }

    // ---- records ----

    /// The record of one POP3 message.
    pub fn pop3_record(&self, account: &str, uidl: &str) -> Result<Option<Pop3Record>> {
        match self.pop3.messages.get(record_key(account, uidl))? {
            Some(v) => Ok(Some(decode_record(&v)?)),
            None => Ok(None),
        }
    }

    /// Whether the account has downloaded anything yet (reads one key).
    pub fn pop3_has_records(&self, account: &str) -> Result<bool> {
        Ok(self
            .pop3
            .messages
            .scan_prefix(account_prefix(account))
            .keys()
            .next()
            .transpose()?
            .is_some())
    }

    /// Every POP3 record of an account, by UIDL.
    pub fn pop3_records(&self, account: &str) -> Result<Vec<Pop3Record>> {
        self.pop3
            .messages
            .scan_prefix(account_prefix(account))
            .values()
            .map(|v| decode_record(&v?))
            .collect()
    }

    /// Replace a record (its locations must not change here: see the journal functions).
    pub fn pop3_put_record(&self, account: &str, r: &Pop3Record) -> Result<()> {
        self.pop3
            .messages
            .insert(record_key(account, &r.uidl), encode_record(r)?)?;
        Ok(())
    }

    /// The UIDL of the POP3 message stored at `folder`/`uid`, if it is one.
    pub fn pop3_uidl_at(&self, account: &str, folder: &str, uid: u32) -> Result<Option<String>> {
        Ok(self
            .pop3
            .locations
            .get(message_key(account, folder, uid))?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// A newly seen message: its envelope (from the header) goes into `folder` under a new
    /// local id, with its record, in one transaction, so a crash leaves either both or neither.
    /// Returns the id. A UIDL already recorded is left alone and its first location returned.
    pub fn pop3_add_header(
        &self,
        account: &str,
        folder: &str,
        uidl: &str,
        env: Envelope,
        now: i64,
    ) -> Result<u32> {
        if let Some(r) = self.pop3_record(account, uidl)? {
            return Ok(r.locations.first().map_or(0, |l| l.1));
        }
        let rkey = record_key(account, uidl);
        let idkey = meta_key(account, "next_id");
        let t = &self.pop3;
        (&t.messages, &t.locations, &t.meta, &self.envelopes)
            .transaction(|(msgs, locs, meta, envs)| {
                let id = meta
                    .get(&idkey)?
                    .and_then(|b| <[u8; 4]>::try_from(b.as_ref()).ok())
                    .map(u32::from_be_bytes)
                    .unwrap_or(1)
                    .max(1);
                if id >= super::LOCAL_UID_BASE {
                    return Err(abort(StoreError::Protected {
                        account: account.to_string(),
                        what: "allocate a local id (all 2^31 are used)".into(),
                    }));
                }
                meta.insert(idkey.as_slice(), &(id + 1).to_be_bytes())?;
                let mut env = env.clone();
                env.uid = id;
                let rec = Pop3Record {
                    uidl: uidl.to_string(),
                    locations: vec![(folder.to_string(), id)],
                    state: Pop3State::Headers,
                    size: env.size,
                    message_id: env.message_id.clone(),
                    first_seen: now,
                    server: ServerCopy::Present,
                };
                let key = message_key(account, folder, id);
                msgs.insert(rkey.as_slice(), encode_record(&rec).map_err(abort)?)?;
                locs.insert(key.as_slice(), uidl.as_bytes())?;
                envs.insert(key.as_slice(), encode(&env).map_err(abort)?)?;
                Ok(id)
            })
            .map_err(tx_error)
    }

    /// The whole message arrived: store `raw` at every location of the record (a location now
    /// holding another message, by Message-ID, is skipped), refresh the envelope there from the
    /// full message keeping the user's flags, and mark the record stored at `now`. Call
    /// [`Store::flush`] before acting on it (DELE). Returns how many locations got the body.
    pub fn pop3_store_message(
        &self,
        account: &str,
        uidl: &str,
        raw: &[u8],
        full: &Envelope,
        now: i64,
    ) -> Result<usize> {
        let rkey = record_key(account, uidl);
        (&self.pop3.messages, &self.envelopes, &self.bodies)
            .transaction(|(msgs, envs, bodies)| {
                let Some(v) = msgs.get(&rkey)? else {
                    return Ok(0);
                };
                let mut rec = decode_record(&v).map_err(abort)?;
                let mut written = 0;
                for (folder, uid) in &rec.locations {
                    let key = message_key(account, folder, *uid);
                    let mut env = full.clone();
                    env.uid = *uid;
                    if let Some(old) = envs.get(&key)? {
                        let old: Envelope = decode(&old).map_err(abort)?;
                        if old.message_id.is_some()
                            && full.message_id.is_some()
                            && old.message_id != full.message_id
                        {
                            continue;
                        }
                        env.flags = old.flags;
                        envs.insert(key.as_slice(), encode(&env).map_err(abort)?)?;
                    }
                    // Without an envelope the message is on its way elsewhere (a move not yet
                    // applied to the bookkeeping): the body waits here and the move carries it.
                    bodies.insert(key.as_slice(), raw)?;
                    written += 1;
                }
                rec.state = Pop3State::Stored { at: now };
                msgs.insert(rkey.as_slice(), encode_record(&rec).map_err(abort)?)?;
                Ok(written)
            })
            .map_err(tx_error)
    }

    /// Whether every location of a stored message holds its envelope and body (checked before
    /// DELE, after applying the journal). A record that fails is set back to `Headers`, so the
    /// body is downloaded again rather than the server's copy deleted.
    pub fn pop3_verify_stored(&self, account: &str, uidl: &str) -> Result<bool> {
        let Some(mut rec) = self.pop3_record(account, uidl)? else {
            return Ok(false);
        };
        if rec.stored_at().is_none() {
            return Ok(false);
        }
        for (folder, uid) in &rec.locations {
            // A location without its envelope is one the journal has not caught up with yet.
            if !self.has_body(account, folder, *uid)?
                || self.envelope(account, folder, *uid)?.is_none()
            {
                tracing::warn!(
                    "{account}: the body of {uidl} is missing in {folder}; downloading it again"
                );
                rec.state = Pop3State::Headers;
                self.pop3_put_record(account, &rec)?;
                return Ok(false);
            }
        }
        Ok(true)
    }
}

mod journal;

#[cfg(test)]
mod tests;
