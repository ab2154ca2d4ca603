//! The store's schema version and the migrations between versions. An upgrade migrates in place:
//! the envelope cache, and above all the journal, survive it.

use std::path::Path;

use super::{Result, StoreError};

/// The schema this build writes.
/// 1: folders, envelopes, bodies, folder_state, journal.
/// 2: journal entries carry the Message-ID of their message.
/// 3: `drafts` and `outbox` (data: the messages the user writes and sends); the journal gains
///    `Append` (the copy of a sent message for Sent, a postponed draft for Drafts).
pub const CURRENT: u32 = 3;
const KEY: &[u8] = b"schema_version";

/// Bring the database to `CURRENT`: stamp a new one, migrate an older one, refuse a newer one.
///
/// Migrations keep every record they do not understand, and never drop envelopes or bodies: those
/// of POP3 accounts (`data_accounts`, see `store::pop3`) are the only copy of that mail.
pub fn migrate(db: &sled::Db, path: &Path) -> Result<()> {
    let found = match db.get(KEY)? {
        // Never guess a version: migrating from the wrong one would rewrite good data.
        Some(v) => match <[u8; 4]>::try_from(v.as_ref()) {
            Ok(b) if u32::from_be_bytes(b) > 0 => u32::from_be_bytes(b),
            _ => {
                return Err(StoreError::Unusable {
                    path: path.display().to_string(),
                    message: format!("its schema version is unreadable ({:?})", v.as_ref()),
                })
            }
        },
        None => {
            db.insert(KEY, &CURRENT.to_be_bytes())?;
            db.flush()?;
            return Ok(());
        }
    };
    if found > CURRENT {
        return Err(StoreError::TooNew {
            path: path.display().to_string(),
            found,
            known: CURRENT,
        });
    }
    let mut v = found;
    while v < CURRENT {
        // Each step rewrites what changed between v and v+1 in place; the cache of envelopes
        // and bodies is kept, and the journal is carried over, never dropped.
        if v == 1 {
            journal_to_2(db)?;
        }
        // 2 -> 3 adds trees (opened empty) and a journal variant at the end of the enum, so
        // every stored entry keeps its encoding: nothing to rewrite.
        v += 1;
        tracing::info!("store: migrated schema to version {v}");
        db.insert(KEY, &v.to_be_bytes())?;
    }
    db.flush()?;
    Ok(())
}

/// 1 -> 2: journal entries gain `message_id` (None for the old ones).
fn journal_to_2(db: &sled::Db) -> Result<()> {
    let journal = db.open_tree("journal")?;
    let mut batch = sled::Batch::default();
    for r in journal.iter() {
        let (k, v) = r?;
        let old: super::journal::JournalEntryV1 = bincode::deserialize(&v)?;
        let new = super::JournalEntry {
            id: old.id,
            account: old.account,
            op: old.op,
            created: old.created,
            message_id: None,
        };
        batch.insert(k, bincode::serialize(&new)?);
    }
    journal.apply_batch(batch)?;
    Ok(())
}
