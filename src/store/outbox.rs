//! Mail the user writes: drafts (the composer's state, saved as they type) and the outbox
//! (messages sent and waiting for, or being handled by, the account's SMTP worker).
//!
//! Both are data, not cache: no sync, UIDVALIDITY change, folder reconciliation or migration
//! touches these trees, and every write is flushed before it is reported done.
//!
//! Trees (values are versioned records, `[version] ++ bincode`):
//! - `drafts`: `draft id` → [`DraftRecord`].
//! - `outbox`: `id (u64 BE)` → [`OutboxRecord`], in the order the messages were sent.
//!
//! State changes of an outbox record that the app and the worker could race on (taking a
//! message back with undo-send while the worker starts sending it) go through
//! [`Store::outbox_transition`], a compare-and-swap: exactly one of them wins.

use serde::{Deserialize, Serialize};

use super::{Result, Store, StoreError};
use crate::mail::compose::{Built, Draft};

const RECORD_VERSION: u8 = 1;

/// The trees of this module (opened with the store).
#[derive(Clone)]
pub(super) struct Trees {
    drafts: sled::Tree,
    outbox: sled::Tree,
}

impl Trees {
    pub(super) fn open(db: &sled::Db) -> Result<Trees> {
        Ok(Trees {
            drafts: db.open_tree("drafts")?,
            outbox: db.open_tree("outbox")?,
        })
    }
}

/// The message a reply or forward answers: flagged `\Answered` or `$Forwarded` once it is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    pub account: String,
    pub folder: String,
    pub uid: u32,
    pub message_id: Option<String>,
    /// True for a forward (`$Forwarded`), false for a reply (`\Answered`).
    pub forwarded: bool,
}

/// A message being written: what the composer holds, saved as the user types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRecord {
    /// The account that sends it.
    pub account: String,
    pub draft: Draft,
    pub answers: Option<Answers>,
    /// When it was last saved (Unix seconds).
    pub updated: i64,
    /// It was open in the composer when tmail last stopped: offered back at the next start.
    pub open: bool,
    /// The Message-ID of the copy postponed to the Drafts folder, replaced by the next one.
    pub postponed: Option<String>,
}

/// Where a message in the outbox is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutboxState {
    /// Waiting until `not_before` (Unix seconds): the send delay (undo-send can still take it
    /// back), or a retry after a temporary failure (`reason` says which).
    Waiting {
        not_before: i64,
        reason: Option<String>,
    },
    /// The worker took it at `since` and is sending it.
    Sending { since: i64 },
    /// The server refused it for good (`reason`: its words). Kept until the user acts.
    Failed { reason: String },
    /// tmail stopped while sending it: it may or may not have gone out. Never sent again
    /// without the user (`:resend`), so it can never go out twice.
    InDoubt { reason: String },
}

/// A message the user sent, until the SMTP server took it (then its copy goes to Sent through
/// the journal, and the record goes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRecord {
    /// The record's key (monotonic).
    pub id: u64,
    pub account: String,
    /// What the user wrote: reopened in the composer by undo-send or after a failure.
    pub draft: Draft,
    /// The exact bytes, built once when it is first sent: a retry sends the same message (same
    /// Message-ID), and these bytes are what Sent keeps.
    pub built: Option<Built>,
    pub state: OutboxState,
    pub answers: Option<Answers>,
    /// When the user sent it (Unix seconds).
    pub queued: i64,
    /// Failed attempts so far (temporary failures).
    pub attempts: u32,
}

fn encode_record<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut out = vec![RECORD_VERSION];
    out.extend(bincode::serialize(v)?);
    Ok(out)
}

fn decode_record<T: serde::de::DeserializeOwned>(b: &[u8]) -> Result<T> {
    match b.split_first() {
        Some((&RECORD_VERSION, rest)) => Ok(bincode::deserialize(rest)?),
        Some((v, _)) => Err(StoreError::Corrupt(format!(
            "a draft or outbox record of version {v}, newer than this tmail"
        ))),
        None => Err(StoreError::Corrupt(
            "an empty draft or outbox record".into(),
        )),
    }
}

impl Store {
    // ---- drafts ----

    /// Save a draft (replacing the record of the same id), flushed.
    pub fn put_draft(&self, r: &DraftRecord) -> Result<()> {
        self.outbox_trees
            .drafts
            .insert(r.draft.id.as_bytes(), encode_record(r)?)?;
        self.outbox_trees.drafts.flush()?;
        Ok(())
    }

    pub fn draft(&self, id: &str) -> Result<Option<DraftRecord>> {
        self.outbox_trees
            .drafts
            .get(id.as_bytes())?
            .map(|v| decode_record(&v))
            .transpose()
    }

    /// Every saved draft, oldest id first.
    pub fn drafts(&self) -> Result<Vec<DraftRecord>> {
        self.outbox_trees
            .drafts
            .iter()
            .values()
            .map(|v| decode_record(&v?))
            .collect()
    }

    /// Forget a draft (sent, or discarded by the user), flushed.
    pub fn remove_draft(&self, id: &str) -> Result<()> {
        self.outbox_trees.drafts.remove(id.as_bytes())?;
        self.outbox_trees.drafts.flush()?;
        Ok(())
    }

    // ---- outbox ----

    /// Put a message in the outbox; its `id` is assigned here (and returned). Flushed.
    pub fn outbox_push(&self, mut r: OutboxRecord) -> Result<u64> {
        r.id = self.db.generate_id()?;
        self.outbox_trees
            .outbox
            .insert(r.id.to_be_bytes(), encode_record(&r)?)?;
        self.outbox_trees.outbox.flush()?;
        Ok(r.id)
    }

    pub fn outbox_get(&self, id: u64) -> Result<Option<OutboxRecord>> {
        self.outbox_trees
            .outbox
            .get(id.to_be_bytes())?
            .map(|v| decode_record(&v))
            .transpose()
    }

    /// The outbox of one account (or of all), in the order the messages were sent.
    pub fn outbox(&self, account: Option<&str>) -> Result<Vec<OutboxRecord>> {
        let mut out = Vec::new();
        for v in self.outbox_trees.outbox.iter().values() {
            let r: OutboxRecord = decode_record(&v?)?;
            if account.is_none_or(|a| a == r.account) {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Replace a record by `new` only if it is still exactly `old` (compare-and-swap), flushed;
    /// `new: None` removes it. Returns false when someone changed or removed it meanwhile.
    pub fn outbox_transition(
        &self,
        old: &OutboxRecord,
        new: Option<&OutboxRecord>,
    ) -> Result<bool> {
        let key = old.id.to_be_bytes();
        let old_bytes = encode_record(old)?;
        let new_bytes = new.map(encode_record).transpose()?;
        let swapped = self
            .outbox_trees
            .outbox
            .compare_and_swap(key, Some(old_bytes), new_bytes)?;
        self.outbox_trees.outbox.flush()?;
        Ok(swapped.is_ok())
    }

    /// Overwrite a record (the worker's own bookkeeping, when no race is possible), flushed.
    pub fn outbox_put(&self, r: &OutboxRecord) -> Result<()> {
        self.outbox_trees
            .outbox
            .insert(r.id.to_be_bytes(), encode_record(r)?)?;
        self.outbox_trees.outbox.flush()?;
        Ok(())
    }

    /// Remove a record, flushed.
    pub fn outbox_remove(&self, id: u64) -> Result<()> {
        self.outbox_trees.outbox.remove(id.to_be_bytes())?;
        self.outbox_trees.outbox.flush()?;
        Ok(())
    }

    /// `:resend`: put a `Failed` or `InDoubt` record back to `Waiting`, due at `now` (Unix
    /// seconds), its attempts reset and its built bytes kept (the same message, with the same
    /// Message-ID, goes out). A compare-and-swap, flushed. Returns the record as it is now, or
    /// `None` (nothing changed) when it is gone or in another state (waiting, being sent). The
    /// caller then sends `Command::SendOutbox { account: record.account }`, which wakes the
    /// account's SMTP worker.
    ///
    /// An `InDoubt` message may already have reached its recipients: resending it is the user's
    /// decision, which is why nothing else ever does it.
    pub fn outbox_resend(&self, id: u64, now: i64) -> Result<Option<OutboxRecord>> {
        let Some(old) = self.outbox_get(id)? else {
            return Ok(None);
        };
        if !matches!(
            old.state,
            OutboxState::Failed { .. } | OutboxState::InDoubt { .. }
        ) {
            return Ok(None);
        }
        let mut new = old.clone();
        new.state = OutboxState::Waiting {
            not_before: now,
            reason: None,
        };
        new.attempts = 0;
        Ok(self.outbox_transition(&old, Some(&new))?.then_some(new))
    }
}
