//! Bringing one folder of the store up to date with the server: new messages newest first in
//! batches, flag changes (CONDSTORE CHANGEDSINCE, else a full FLAGS diff), expunges (QRESYNC
//! VANISHED, else UID SEARCH), and a full refetch when UIDVALIDITY changed. A first sync goes
//! down the folder in windows and resumes where a broken connection left it (`FirstSync`).
//! Flags the user changes while a sync runs stay theirs (the journal is asked before each
//! change the sync makes).
//!
//! The folder's counts move by what the sync changed (a first sync or a refetch counts the
//! cache once, at its start), and the sync says what it wrote: the UIDs of each stored batch go
//! to its `Progress`, the removed UIDs and changed flags are in the report. Between two
//! batches the caller may use the session (`Progress::between`: a body the user opened is
//! fetched then, not after the whole folder).

use std::collections::HashSet;

use async_imap::imap_proto::Response;
use async_imap::types::{Fetch, Mailbox, UnsolicitedResponse};
use futures::future::BoxFuture;
use futures::TryStreamExt;

use super::conn::{timed, Caps, ImapError, ImapSession};
use super::envelope::{
    flags_of, from_fetch, from_fetch_dated, uid_sets, ENVELOPE_QUERY, ENVELOPE_QUERY_RECEIVED,
};
use crate::mail::{Envelope, Flags};
use crate::store::{CountDelta, FirstSyncMark, FolderState, JournalOp, Store};

/// The first batch is small so the top of the list fills at once; the rest stream in large ones.
const FIRST_BATCH: usize = 200;
const BATCH: usize = 2000;
/// A first sync lists the UIDs of the rest of the folder this many at a time (newest first),
/// storing each window's envelopes before it lists the next: about 12 KB of `UID SEARCH`
/// answer each, so a connection that breaks off every 100 KB still gets through some.
const WINDOW: u32 = 2000;
/// Envelopes are written to sled in groups this size as they stream in (and what arrived of a
/// group when the connection breaks).
const WRITE_EVERY: usize = 250;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub folder: String,
    pub new: usize,
    pub changed: usize,
    pub removed: usize,
    pub total: usize,
    /// Unseen messages that arrived since the previous sync (for notifications).
    pub arrived_unseen: Vec<Envelope>,
    pub refetched: bool,
    /// UIDs the sync removed from the cache (expunged on the server, placeholders replaced).
    pub removed_uids: Vec<u32>,
    /// Messages whose flags the sync changed, with their new flags.
    pub flag_changes: Vec<(u32, Flags)>,
}

/// What a sync tells its caller as it goes, and what it lets the caller do between batches.
pub trait Progress: Send {
    /// A batch of envelopes was stored: their UIDs, and `done` of the `total` new messages.
    fn stored(&mut self, uids: &[u32], done: usize, total: usize);

    /// Between two batches the session is the caller's (to fetch a body the user opened, say).
    /// Returns true when it left another folder selected: the sync selects its own again.
    fn between<'a>(
        &'a mut self,
        _session: &'a mut ImapSession,
    ) -> BoxFuture<'a, Result<bool, ImapError>> {
        Box::pin(async { Ok(false) })
    }
}

/// Progress of a part of a sync: its counts shifted by what came before (`offset`) and, for the
/// newest messages fetched ahead of the rest, the folder's size as the total.
struct Ahead<'a> {
    inner: &'a mut dyn Progress,
    offset: usize,
    total: Option<usize>,
}

impl Progress for Ahead<'_> {
    fn stored(&mut self, uids: &[u32], done: usize, total: usize) {
        let total = self.total.unwrap_or(total + self.offset);
        self.inner.stored(uids, done + self.offset, total);
    }

    fn between<'a>(
        &'a mut self,
        session: &'a mut ImapSession,
    ) -> BoxFuture<'a, Result<bool, ImapError>> {
        self.inner.between(session)
    }
}

/// A closure `(done, total)` is a progress that only listens.
impl<F: FnMut(usize, usize) + Send> Progress for F {
    fn stored(&mut self, _uids: &[u32], done: usize, total: usize) {
        self(done, total)
    }
}

/// UIDs of a folder that pending journal entries refer to: the server's view must not overwrite them.
fn protected_uids(store: &Store, account: &str, folder: &str) -> HashSet<u32> {
    store
        .journal(Some(account))
        .unwrap_or_default()
        .iter()
        .filter_map(|e| protected_uid(&e.op, folder))
        .collect()
}

/// The UID of `folder` a journal entry refers to, if any.
fn protected_uid(op: &JournalOp, folder: &str) -> Option<u32> {
    match op {
        JournalOp::SetFlags { folder: f, uid, .. } if f == folder => Some(*uid),
        JournalOp::Move { to, local_uid, .. }
        | JournalOp::Copy { to, local_uid, .. }
        | JournalOp::Append {
            folder: to,
            local_uid,
            ..
        } if to == folder => Some(*local_uid),
        _ => None,
    }
}

async fn search_uids(session: &mut ImapSession, query: &str) -> Result<Vec<u32>, ImapError> {
    let set = timed("UID SEARCH", session.uid_search(query)).await?;
    let mut v: Vec<u32> = set.into_iter().collect();
    v.sort_unstable();
    Ok(v)
}

/// A UID FETCH whose answers go to `each` as they arrive.
async fn fetch_each(
    session: &mut ImapSession,
    set: &str,
    query: &str,
    mut each: impl FnMut(&Fetch) -> Result<(), ImapError>,
) -> Result<(), ImapError> {
    let mut stream = timed("UID FETCH", session.uid_fetch(set, query)).await?;
    while let Some(f) = timed("UID FETCH", stream.try_next()).await? {
        each(&f)?;
    }
    Ok(())
}

/// Whether a FETCH response answers [`ENVELOPE_QUERY`] (it has the size or the header asked
/// for). A UID FETCH stream also yields the unsolicited FETCHes the server sends meanwhile:
/// with QRESYNC enabled, another client's flag change comes as `* n FETCH (UID u MODSEQ (m)
/// FLAGS (…))` (RFC 7162 §3.2.4), which must not be stored as an envelope (it has no
/// subject, no sender). The change itself is picked up by the next sync (its MODSEQ is above
/// the HIGHESTMODSEQ of the SELECT this sync started with).
fn answers_envelope_query(f: &Fetch) -> bool {
    f.size.is_some() || f.header().is_some()
}

/// Fetch envelopes of `uids` (any order, none of them cached) newest first, writing each
/// batch and moving the folder's counts by it; `progress` hears of each batch and may use the
/// session between two. Returns how many were stored, and the unseen ones when `keep_unseen`
/// (for notifications).
pub async fn fetch_envelopes(
    session: &mut ImapSession,
    store: &Store,
    account: &str,
    folder: &str,
    uids: &[u32],
    progress: &mut dyn Progress,
    keep_unseen: bool,
) -> Result<(usize, Vec<Envelope>), ImapError> {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let mut count = 0;
    let mut unseen = Vec::new();
    let mut start = 0;
    while start < sorted.len() {
        if start > 0 && progress.between(session).await? {
            timed("SELECT", session.select(folder)).await?;
        }
        let size = if start == 0 { FIRST_BATCH } else { BATCH };
        let chunk = &sorted[start..(start + size).min(sorted.len())];
        start += chunk.len();
        let mut batch = Vec::with_capacity(WRITE_EVERY);
        let mut written: Vec<u32> = Vec::with_capacity(chunk.len());
        let mut keep = |batch: &mut Vec<Envelope>| -> Result<(), ImapError> {
            store.put_envelopes(account, folder, batch)?;
            let mut d = CountDelta::default();
            for e in batch.iter() {
                d += CountDelta::message(e.flags, 1);
            }
            store.add_counts(account, folder, d)?;
            count += batch.len();
            written.extend(batch.iter().map(|e| e.uid));
            if keep_unseen {
                unseen.extend(batch.iter().filter(|e| !e.flags.seen()).cloned());
            }
            batch.clear();
            Ok(())
        };
        // Dated envelopes are written as they stream in. Those whose Date header is missing,
        // broken or zoneless are held until their Received headers are asked for (below).
        let mut held: Vec<Envelope> = Vec::new();
        let mut wanted: HashSet<u32> = chunk.iter().copied().collect();
        let mut r = Ok(());
        for set in uid_sets(chunk, chunk.len()) {
            r = fetch_each(session, &set, ENVELOPE_QUERY, |f| {
                // Only the answers asked for, once each: see `answers_envelope_query`.
                if !answers_envelope_query(f) || !f.uid.is_some_and(|u| wanted.remove(&u)) {
                    return Ok(());
                }
                if let Some((env, wants_received)) = from_fetch_dated(f) {
                    if wants_received {
                        held.push(env);
                    } else {
                        batch.push(env);
                    }
                }
                if batch.len() >= WRITE_EVERY {
                    keep(&mut batch)?;
                }
                Ok(())
            })
            .await;
            if r.is_err() {
                break;
            }
        }
        if r.is_ok() {
            let undated: Vec<u32> = held.iter().map(|e| e.uid).collect();
            for set in uid_sets(&undated, BATCH) {
                r = fetch_each(session, &set, ENVELOPE_QUERY_RECEIVED, |f| {
                    let pos = held.iter().position(|h| Some(h.uid) == f.uid);
                    let Some(pos) = pos.filter(|_| answers_envelope_query(f)) else {
                        return Ok(());
                    };
                    if let Some(env) = from_fetch(f) {
                        held.swap_remove(pos);
                        batch.push(env);
                    }
                    if batch.len() >= WRITE_EVERY {
                        keep(&mut batch)?;
                    }
                    Ok(())
                })
                .await;
                if r.is_err() {
                    break;
                }
            }
        }
        if let Err(e) = r {
            // What arrived is kept, also when the chunk is smaller than WRITE_EVERY (the first
            // is): else a link that drops every 100 KB never gets through the first 200
            // envelopes, each reconnect starting them over. The held ones are fetched again by
            // the next sync. The caller hears of what was stored.
            if let Err(se) = keep(&mut batch) {
                tracing::warn!("{account}/{folder}: cannot keep what arrived: {se}");
            }
            if !written.is_empty() {
                progress.stored(&written, start - chunk.len() + written.len(), sorted.len());
            }
            return Err(e);
        }
        // Any the server did not give again keep their INTERNALDATE.
        batch.append(&mut held);
        keep(&mut batch)?;
        progress.stored(&written, start, sorted.len());
    }
    Ok((count, unseen))
}

/// Sync one folder. The session is left with the folder selected.
pub async fn sync_folder(
    session: &mut ImapSession,
    caps: &Caps,
    store: &Store,
    account: &str,
    folder: &str,
    progress: &mut dyn Progress,
) -> Result<SyncReport, ImapError> {
    let mut report = SyncReport::default();
    sync_folder_into(session, caps, store, account, folder, progress, &mut report).await?;
    Ok(report)
}

/// [`sync_folder`], filling `report` as it goes: when the connection breaks off, `report` holds
/// what was done before (messages removed, flags changed: already in the store, for the app to
/// hear of), and the folder's counts have moved by it.
pub async fn sync_folder_into(
    session: &mut ImapSession,
    caps: &Caps,
    store: &Store,
    account: &str,
    folder: &str,
    progress: &mut dyn Progress,
    report: &mut SyncReport,
) -> Result<(), ImapError> {
    *report = SyncReport {
        folder: folder.to_string(),
        ..Default::default()
    };
    let mut delta = CountDelta::default();
    let r = sync_steps(
        session, caps, store, account, folder, progress, report, &mut delta,
    )
    .await;
    // Counts move by what was written, also when the connection broke off midway (the next
    // sync finds the store already matching the server and would not move them again).
    let counted = store.add_counts(account, folder, delta);
    r?;
    report.total = match counted? {
        Some(f) => f.total as usize,
        None => store.count_cached(account, folder)?,
    };
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn sync_steps(
    session: &mut ImapSession,
    caps: &Caps,
    store: &Store,
    account: &str,
    folder: &str,
    progress: &mut dyn Progress,
    report: &mut SyncReport,
    delta: &mut CountDelta,
) -> Result<(), ImapError> {
    // Drop stale unsolicited responses from earlier commands.
    while session.unsolicited_responses.try_recv().is_ok() {}
    let mbox = select(session, caps, folder).await?;
    let uidvalidity = mbox.uid_validity.unwrap_or(0);
    let mut state = store.folder_state(account, folder)?;
    let mut mark = store.first_sync_mark(account, folder)?;
    // The cached messages belong to the UIDVALIDITY of the last finished sync, or else of the
    // first sync that was cut.
    let cached_validity = match (state.uidvalidity, mark) {
        (0, Some(m)) => m.uidvalidity,
        (v, _) => v,
    };
    if cached_validity != 0 && cached_validity != uidvalidity {
        tracing::info!(
            "{account}/{folder}: UIDVALIDITY changed ({cached_validity} -> {uidvalidity}); refetching",
        );
        store.clear_folder_messages(account, folder)?;
        store.clear_first_sync_mark(account, folder)?;
        state = FolderState::default();
        mark = None;
        report.refetched = true;
    }
    // Entries made after this one are looked for before each flag change (the user may act
    // while the sync runs); those before are in `protected`.
    let mut journal_seen = store.journal_last_id()?;
    let mut protected = protected_uids(store, account, folder);
    // Placeholders of moves and copies whose journal entries are done give way to the server's
    // messages (fetched below as new).
    let mut cached = store.uids(account, folder)?;
    let placeholders = cached.partition_point(|&uid| uid < crate::store::LOCAL_UID_BASE);
    for uid in cached.split_off(placeholders) {
        if protected.contains(&uid) {
            cached.push(uid);
        } else if let Some(f) = store.remove_message(account, folder, uid)? {
            *delta += CountDelta::message(f, -1);
            report.removed_uids.push(uid);
        }
    }
    let cached_set: HashSet<u32> = cached.iter().copied().collect();
    let local: Vec<u32> = cached
        .into_iter()
        .filter(|u| !protected.contains(u))
        .collect();
    let mut local_set: HashSet<u32> = local.iter().copied().collect();
    let server_next = mbox.uid_next.unwrap_or(0);

    // 1. New messages.
    let first = state.uidnext == 0 || local.is_empty();
    if first {
        // Resumed where the last connection stopped, unless a finished sync is there (a mark
        // left beside it is stale).
        let resume = mark.filter(|m| state.uidnext == 0 && m.uidvalidity == uidvalidity);
        let mark = match resume {
            Some(m) => m,
            None => {
                // The cache is counted once, at the start; from here on counts move by delta.
                store.recount(account, folder)?;
                *delta = CountDelta::default();
                if state != FolderState::default() {
                    // Cut before it is done, the sync must not be taken for a finished one.
                    store.set_folder_state(account, folder, &FolderState::default())?;
                }
                let top = match server_next {
                    0 => crate::store::LOCAL_UID_BASE,
                    n => n,
                };
                let m = FirstSyncMark {
                    uidvalidity,
                    // Messages cached before (of unknown age) need a full FLAGS diff.
                    modseq: if local.is_empty() {
                        mbox.highest_modseq.unwrap_or(0)
                    } else {
                        0
                    },
                    uidnext: top,
                    below: top,
                };
                store.set_first_sync_mark(account, folder, &m)?;
                m
            }
        };
        let first_sync = FirstSync {
            store,
            account,
            folder,
            caps,
            protected: &protected,
            cached: &cached_set,
        };
        let gone = first_sync
            .run(
                session,
                &mbox,
                mark,
                resume.is_some(),
                progress,
                report,
                delta,
            )
            .await?;
        for uid in gone {
            local_set.remove(&uid);
        }
        // Done: what changed meanwhile in the messages cached by earlier connections is asked
        // for below (CHANGEDSINCE the sync's start, or a full diff).
        state = FolderState {
            uidvalidity,
            uidnext: server_next,
            highestmodseq: mark.modseq,
        };
        store.set_folder_state(account, folder, &state)?;
        store.clear_first_sync_mark(account, folder)?;
        if resume.is_some() {
            // Done across several connections: count the cache once, so what a connection
            // lost of its count moves (tmail quit or crashed midway) does not stay.
            store.recount(account, folder)?;
            *delta = CountDelta::default();
        }
    } else {
        let new: Vec<u32> = if server_next > state.uidnext || server_next == 0 {
            search_uids(session, &format!("UID {}:*", state.uidnext.max(1)))
                .await?
                .into_iter()
                .filter(|u| *u >= state.uidnext && !cached_set.contains(u))
                .collect()
        } else {
            Vec::new()
        };
        if !new.is_empty() {
            let (count, unseen) =
                fetch_envelopes(session, store, account, folder, &new, progress, true).await?;
            report.new += count;
            report.arrived_unseen = unseen;
        }
    }
    let local: Vec<u32> = local
        .into_iter()
        .filter(|u| local_set.contains(u))
        .collect();

    // 2. Flag changes of messages we had, and 3. expunges.
    let known_max = local.iter().copied().max().unwrap_or(0);
    let modseq_same = caps.condstore
        && state.highestmodseq > 0
        && mbox.highest_modseq == Some(state.highestmodseq);
    let mut vanished: Vec<u32> = Vec::new();
    // Server flags not taken because the user's change waits in the journal: the HIGHESTMODSEQ
    // stays where it was, so the next sync asks for those messages again (a replayed STORE that
    // changes nothing on the server gives no new MODSEQ; another client's change of another
    // flag there would be missed).
    let mut held_back = false;
    if known_max > 0 && !modseq_same {
        let incremental = caps.condstore && state.highestmodseq > 0;
        let query = if incremental {
            format!(
                "(UID FLAGS) (CHANGEDSINCE {}{})",
                state.highestmodseq,
                if caps.qresync { " VANISHED" } else { "" }
            )
        } else {
            "(UID FLAGS)".to_string()
        };
        // async-imap keeps at most 100 unsolicited responses and drops what comes after: empty
        // it now (a long sync filled it), so the VANISHED (EARLIER) answer finds room.
        take_vanished(session, &local_set, &mut vanished);
        let mut stream = timed(
            "UID FETCH FLAGS",
            session.uid_fetch(format!("1:{known_max}"), &query),
        )
        .await?;
        // Each answer is handled as it comes: a full FLAGS diff of 100,000 messages held at
        // once (each answer keeps its read buffer) took hundreds of MB.
        while let Some(f) = timed("UID FETCH FLAGS", stream.try_next()).await? {
            let Some(uid) = f.uid else { continue };
            if !local_set.contains(&uid) {
                // the user's change waits in the journal: the server's flags are not taken
                held_back |= protected.contains(&uid);
                continue;
            }
            let flags = flags_of(f.flags());
            let Some(bytes) = store.envelope_bytes(account, folder, uid)? else {
                continue;
            };
            let old = crate::store::EnvelopeRef::read(&bytes)?.flags;
            if old == flags {
                continue;
            }
            // The user may have changed them since the sync began (the server does not know
            // yet): a journal entry made meanwhile says so, and theirs stay.
            for e in store.journal_since(journal_seen)? {
                journal_seen = journal_seen.max(Some(e.id));
                if e.account == account {
                    protected.extend(protected_uid(&e.op, folder));
                }
            }
            if protected.contains(&uid) {
                held_back = true;
                continue;
            }
            // Changed while the journal was read: left as the user made it.
            if !store.set_flags_unless_changed(account, folder, uid, &bytes, flags)? {
                held_back = true;
                continue;
            }
            *delta += CountDelta::flags(old, flags);
            report.flag_changes.push((uid, flags));
            report.changed += 1;
        }
        drop(stream);
        take_vanished(session, &local_set, &mut vanished);
    }
    let expected = local.len() + report.new;
    let qresync_done = caps.qresync && state.highestmodseq > 0;
    let mut gone: Vec<u32> = Vec::new();
    if qresync_done {
        gone = vanished;
    } else if !local.is_empty() && expected != mbox.exists as usize {
        // (nothing was cached before: nothing can be gone, and a whole-folder UID list is
        // not asked for in vain)
        let on_server: HashSet<u32> = search_uids(session, "ALL").await?.into_iter().collect();
        gone.extend(local.iter().filter(|u| !on_server.contains(u)));
    }
    for uid in gone {
        if let Some(f) = store.remove_message(account, folder, uid)? {
            *delta += CountDelta::message(f, -1);
            report.removed_uids.push(uid);
            report.removed += 1;
        }
    }

    store.set_folder_state(
        account,
        folder,
        &FolderState {
            uidvalidity,
            uidnext: server_next,
            highestmodseq: if held_back {
                state.highestmodseq
            } else {
                mbox.highest_modseq.unwrap_or(0)
            },
        },
    )?;
    Ok(())
}

/// Empty the session's unsolicited responses, keeping the UIDs of `known` that a VANISHED
/// response (RFC 7162 §3.2.10) names.
fn take_vanished(session: &mut ImapSession, known: &HashSet<u32>, vanished: &mut Vec<u32>) {
    while let Ok(u) = session.unsolicited_responses.try_recv() {
        if let UnsolicitedResponse::Other(data) = u {
            if let Response::Vanished { uids, .. } = data.parsed() {
                for r in uids {
                    vanished.extend(r.clone().filter(|u| known.contains(u)));
                }
            }
        }
    }
}

/// SELECT the folder, with CONDSTORE when the server has it (RFC 7162 §3.1.8).
async fn select(
    session: &mut ImapSession,
    caps: &Caps,
    folder: &str,
) -> Result<Mailbox, ImapError> {
    Ok(if caps.condstore {
        timed("SELECT", session.select_condstore(folder)).await?
    } else {
        timed("SELECT", session.select(folder)).await?
    })
}

/// The UID of message number `seq` (None: there is none).
async fn uid_at(session: &mut ImapSession, seq: u32) -> Result<Option<u32>, ImapError> {
    let stream = timed("FETCH", session.fetch(seq.to_string(), "(UID)")).await?;
    let fetched: Vec<Fetch> = timed("FETCH", stream.try_collect::<Vec<_>>()).await?;
    // (an unsolicited FETCH of another message may come too)
    Ok(fetched
        .iter()
        .find(|f| f.message == seq)
        .and_then(|f| f.uid))
}

/// The sequence number of the newest message whose UID is below `below` (0: none) in a folder
/// of `exists` messages. UIDs ascend with sequence numbers (RFC 3501 §2.3.1.2): the newest
/// message is looked at first, then the one `below` names (the oldest of the last window,
/// usually still there), and only when that is gone a binary search by `FETCH n (UID)` (17
/// round trips for 100,000 messages), never a list of the folder's UIDs.
async fn seq_below(session: &mut ImapSession, exists: u32, below: u32) -> Result<u32, ImapError> {
    if exists == 0 {
        return Ok(0);
    }
    if uid_at(session, exists).await?.is_some_and(|u| u < below) {
        return Ok(exists);
    }
    let stream = timed("UID FETCH", session.uid_fetch(below.to_string(), "(UID)")).await?;
    let fetched: Vec<Fetch> = timed("UID FETCH", stream.try_collect::<Vec<_>>()).await?;
    if let Some(f) = fetched.iter().find(|f| f.uid == Some(below)) {
        return Ok(f.message.saturating_sub(1).min(exists));
    }
    // Every message up to `lo` is below; none after `hi` is.
    let (mut lo, mut hi) = (0, exists);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        match uid_at(session, mid).await? {
            Some(u) if u < below => lo = mid,
            _ => hi = mid - 1,
        }
    }
    Ok(lo)
}

/// A first sync of a folder, resumable: after the newest `FIRST_BATCH` messages it goes down
/// the folder in windows of `WINDOW` by sequence number (`UID SEARCH a:b` answers with their
/// UIDs, RFC 3501 §6.4.4), each stored before the next is listed, and records after each how
/// far down it got ([`FirstSyncMark`]). A connection that breaks off leaves what it stored and
/// the mark: the next one fetches what arrived meanwhile (`UID SEARCH UID uidnext:*`), finds
/// where to go on ([`seq_below`]) and goes on, without counting the cache again or listing the
/// folder's UIDs (`UID SEARCH ALL` of 100,000 messages is 650 KB: a link that drops every
/// 100 KB never got past it).
struct FirstSync<'a> {
    store: &'a Store,
    account: &'a str,
    folder: &'a str,
    caps: &'a Caps,
    /// UIDs with pending journal entries: not removed when the server lacks them.
    protected: &'a HashSet<u32>,
    /// UIDs cached when the sync began.
    cached: &'a HashSet<u32>,
}

impl FirstSync<'_> {
    /// Fetch what is missing, newest first, removing cached messages the server no longer has
    /// in the ranges it went through; returns those removed.
    #[allow(clippy::too_many_arguments)]
    async fn run(
        &self,
        session: &mut ImapSession,
        mbox: &Mailbox,
        mut mark: FirstSyncMark,
        resumed: bool,
        progress: &mut dyn Progress,
        report: &mut SyncReport,
        delta: &mut CountDelta,
    ) -> Result<Vec<u32>, ImapError> {
        let (store, account, folder) = (self.store, self.account, self.folder);
        let server_next = mbox.uid_next.unwrap_or(0);
        let mut removed = Vec::new();
        let mut exists = mbox.exists;
        if resumed && (server_next > mark.uidnext || server_next == 0) {
            let arrived: Vec<u32> = search_uids(session, &format!("UID {}:*", mark.uidnext.max(1)))
                .await?
                .into_iter()
                .filter(|u| *u >= mark.uidnext && !self.cached.contains(u))
                .collect();
            let (count, _) =
                fetch_envelopes(session, store, account, folder, &arrived, progress, false).await?;
            report.new += count;
            if arrived.len() > FIRST_BATCH {
                // between its batches the session may have served another folder and selected
                // this one again: the EXISTS of the first SELECT may be stale
                exists = select(session, self.caps, folder).await?.exists;
            }
        }
        if resumed && server_next > mark.uidnext {
            mark.uidnext = server_next;
            store.set_first_sync_mark(account, folder, &mark)?;
        }
        let mut hi = if resumed {
            seq_below(session, exists, mark.below).await?
        } else {
            exists
        };
        let mut size = if resumed { WINDOW } else { FIRST_BATCH as u32 };
        let mut first_window = true;
        while hi > 0 {
            if !first_window && progress.between(session).await? {
                // Sequence numbers may have moved meanwhile: found again from the mark.
                exists = select(session, self.caps, folder).await?.exists;
                hi = seq_below(session, exists, mark.below).await?;
                if hi == 0 {
                    break;
                }
            }
            first_window = false;
            let lo = hi.saturating_sub(size - 1).max(1);
            size = WINDOW;
            let uids = search_uids(session, &format!("{lo}:{hi}")).await?;
            hi = lo - 1;
            let (Some(&low), Some(&high)) = (uids.first(), uids.last()) else {
                continue;
            };
            // The window's messages are the server's from `low` up to where the last window
            // began (sequence numbers only go down, by expunges: windows overlap, never leave
            // a gap): cached ones in that range it does not list are gone from the server.
            let upto = mark.below.max(high.saturating_add(1));
            let here = store.uids_between(account, folder, low, upto)?;
            let listed: HashSet<u32> = uids.iter().copied().collect();
            for &uid in &here {
                if uid < mark.below && !listed.contains(&uid) && !self.protected.contains(&uid) {
                    if let Some(f) = store.remove_message(account, folder, uid)? {
                        *delta += CountDelta::message(f, -1);
                        report.removed_uids.push(uid);
                        report.removed += 1;
                        removed.push(uid);
                    }
                }
            }
            let here: HashSet<u32> = here.into_iter().collect();
            let new: Vec<u32> = uids.iter().copied().filter(|u| !here.contains(u)).collect();
            let mut ahead = Ahead {
                inner: &mut *progress,
                offset: ((exists - lo + 1) as usize).saturating_sub(new.len()),
                total: Some(exists as usize),
            };
            let (count, _) =
                fetch_envelopes(session, store, account, folder, &new, &mut ahead, false).await?;
            report.new += count;
            mark.below = mark.below.min(low);
            store.set_first_sync_mark(account, folder, &mark)?;
        }
        Ok(removed)
    }
}

/// Download bodies not cached yet (for `offline_bodies` and `tmail sync --bodies`).
pub async fn fetch_missing_bodies(
    session: &mut ImapSession,
    store: &Store,
    account: &str,
    folder: &str,
) -> Result<usize, ImapError> {
    fetch_missing_bodies_with(session, store, account, folder, &mut |_, _| {}).await
}

/// `fetch_missing_bodies`, handing the session to `progress` between two sets of bodies.
pub async fn fetch_missing_bodies_with(
    session: &mut ImapSession,
    store: &Store,
    account: &str,
    folder: &str,
    progress: &mut dyn Progress,
) -> Result<usize, ImapError> {
    let missing: Vec<u32> = store
        .uids(account, folder)?
        .into_iter()
        .filter(|u| !store.has_body(account, folder, *u).unwrap_or(true))
        .collect();
    let mut n = 0;
    for (i, set) in uid_sets(&missing, 100).into_iter().enumerate() {
        if i > 0 && progress.between(session).await? {
            timed("SELECT", session.select(folder)).await?;
        }
        let stream = timed(
            "UID FETCH BODY",
            session.uid_fetch(&set, "(UID BODY.PEEK[])"),
        )
        .await?;
        let fetched: Vec<_> = timed("UID FETCH BODY", stream.try_collect::<Vec<_>>()).await?;
        for f in &fetched {
            if let (Some(uid), Some(body)) = (f.uid, f.body()) {
                store.put_body(account, folder, uid, body)?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Fetch one body (the folder must be selected).
pub async fn fetch_body(session: &mut ImapSession, uid: u32) -> Result<Option<Vec<u8>>, ImapError> {
    let stream = timed(
        "UID FETCH BODY",
        session.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])"),
    )
    .await?;
    let fetched: Vec<_> = timed("UID FETCH BODY", stream.try_collect::<Vec<_>>()).await?;
    // the answer with the body: an unsolicited FETCH of the same UID (flags) may come too
    Ok(fetched
        .iter()
        .filter(|f| f.uid == Some(uid))
        .find_map(|f| f.body().map(|b| b.to_vec())))
}
