//! The message list of the open folder: envelopes, their display order (flat or threaded), the
//! cursor and the scroll offset. Drawing reads only the rows that are visible.
//!
//! A change costs what it changes: rows are found by UID with a binary search (the envelopes
//! are kept in UID order), the unread count is kept by delta, and messages that arrive are
//! merged into the order (`merge`) instead of re-reading and re-threading the folder.

mod fold;
mod items;
mod merge;

use std::collections::HashMap;

pub use fold::{Fold, FoldedRow, Folds, Remembered};
pub use items::{Item, Items, RowView};

use crate::mail::thread::{self, FlatKeys, ThreadKey};
use crate::mail::{Correspondent, Envelope, Flags, Summary};

/// A folder read for the list: per message, what the list keeps (`rows`) and what only
/// ordering needs (`threads`), dropped once the order is known.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Loaded {
    pub rows: Items,
    pub threads: FlatKeys,
}

impl Loaded {
    pub fn with_capacity(n: usize) -> Loaded {
        Loaded {
            rows: Items::with_capacity(n),
            threads: FlatKeys::with_capacity(n),
        }
    }

    pub fn push(&mut self, row: Summary, key: ThreadKey) {
        self.rows.push_summary(&row);
        self.rows.set_last_thread(key.id);
        self.threads.push(&key);
    }

    /// Add a message as `who` sees it, with its thread key.
    pub fn push_envelope(&mut self, who: &Correspondent, e: &Envelope) {
        self.rows.push_envelope(who, e);
        self.threads.push_envelope(e);
        self.rows.set_last_thread(self.threads.last_id());
    }

    /// `push_envelope` of an envelope read in place.
    pub fn push_ref(&mut self, who: &Correspondent, e: &crate::store::EnvelopeRef) {
        self.rows.push_ref(who, e);
        let parents = e
            .in_reply_to
            .into_iter()
            .chain(e.references.iter().rev().copied());
        self.threads.push_parts(e.message_id, parents, e.date);
        self.rows.set_last_thread(self.threads.last_id());
    }

    pub fn from_envelopes(envs: Vec<Envelope>) -> Loaded {
        let mut l = Loaded::with_capacity(envs.len());
        for e in &envs {
            l.push(Summary::of(e), ThreadKey::of(e));
        }
        l
    }

    /// Put the messages in UID order (the order the list keeps them in), the first of equal
    /// UIDs kept.
    pub fn sort_by_uid(&mut self) {
        if self.rows.windows(2).all(|w| w[0].uid < w[1].uid) {
            return;
        }
        let mut order: Vec<usize> = (0..self.rows.len()).collect();
        order.sort_by_key(|&i| self.rows[i].uid);
        order.dedup_by_key(|i| self.rows[*i].uid);
        self.rows.permute(&order);
        self.threads = self.threads.select(&order);
    }

    /// Keep the messages for which `keep(index)` is true.
    fn retain_indices(&mut self, keep: &[bool]) {
        self.rows.retain_indices(keep);
        let order: Vec<usize> = (0..keep.len()).filter(|&i| keep[i]).collect();
        self.threads = self.threads.select(&order);
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// One row of the list: which envelope, and how deep in its thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub index: usize,
    pub depth: u16,
    /// Bit `k` (1..=15): the thread goes on below at depth `k` — the row's ancestor at that
    /// depth (or the row itself, at its own depth) has a later sibling. Drawn as `│`/`├`.
    pub lines: u16,
}

impl Row {
    /// Whether a later sibling follows at `depth` (1..=15) of this row's branch.
    pub fn continues(&self, depth: u16) -> bool {
        depth < 16 && self.lines & (1 << depth) != 0
    }
}

/// Set every row's `lines` from the depths in display order: one pass from the end, keeping
/// for each depth whether a row of that depth follows before the branch closes.
fn thread_lines(rows: &mut [Row]) {
    let mut next_at = [false; 16];
    for r in rows.iter_mut().rev() {
        let d = usize::from(r.depth.min(15));
        let mut bits = 0u16;
        for (k, open) in next_at.iter().enumerate().take(d + 1).skip(1) {
            if *open {
                bits |= 1 << k;
            }
        }
        r.lines = bits;
        next_at[d] = true;
        for deeper in next_at.iter_mut().skip(d + 1) {
            *deeper = false;
        }
    }
}

/// What threading remembers between merges (threaded lists only): which message owns each
/// Message-ID, and which messages would rather hang under a message that is not here yet.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ThreadIndex {
    /// Message-ID hash -> UID of the message that owns it (the lowest UID: the first one wins).
    /// An entry whose UID left the list is stale and read as absent.
    ids: HashMap<u64, u32>,
    /// Message-ID hash -> (UID, rank, own Message-ID hash) of messages that would hang under
    /// that message were it here: `rank` is its place in the message's list of parents (0:
    /// In-Reply-To); the own hash tells the message from a later one given the same UID.
    waiting: HashMap<u64, Vec<(u32, u8, u64)>>,
    /// UID -> rank of the parent a message hangs under now, for messages not under their first
    /// choice (`u8::MAX`: a root although it has parents).
    rank: HashMap<u32, u8>,
    /// UIDs of messages on a reference cycle (rare: broken References).
    cyclic: std::collections::HashSet<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageList {
    pub account: String,
    pub folder: String,
    /// One compact row per message, in UID order (the full envelopes stay in the store).
    pub items: Items,
    pub rows: Vec<Row>,
    pub cursor: usize,
    pub offset: usize,
    pub threaded: bool,
    /// How many of `items` are not seen: kept by delta, never counted per frame.
    pub unread: usize,
    pub(super) threads: ThreadIndex,
    /// Folded threads (threaded lists only): what `rows` leaves out.
    pub folds: Folds,
    /// What is remembered of folders shown before (folds, the selected message), by
    /// (account, folder).
    pub memory: HashMap<(String, String), Remembered>,
    /// A removal orphaned replies (see `take_stale_threads`).
    pub stale_threads: bool,
    /// Where the user asked the cursor to go in rows not listed yet (the folder is loading).
    pub want: Option<Want>,
}

/// Where the cursor is to go once the folder is listed whole (`place`), as long as the user
/// is still on `anchor`, the message the cursor was on when it was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Want {
    pub target: Target,
    pub anchor: Option<u32>,
}

/// A place for the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The message with this UID.
    Uid(u32),
    /// This row (or the last, when there are fewer).
    Row(usize),
    /// The last row.
    Last,
}

impl MessageList {
    pub fn is_open(&self) -> bool {
        !self.folder.is_empty()
    }

    /// Show a folder's messages, keeping the cursor on the same message when reloading (or
    /// where the user asked to go meanwhile, see `want`). Opening a folder shown before puts
    /// the cursor on the message it was on; when that one is not among the rows read (only the
    /// newest were), it is wanted (`want`) for when the rest arrives.
    pub fn load(&mut self, account: &str, folder: &str, mut loaded: Loaded) {
        loaded.sort_by_uid();
        let same = self.account == account && self.folder == folder;
        let keep = if same {
            self.selected().map(|e| e.uid)
        } else {
            None
        };
        let want = if same { self.want.take() } else { None };
        if same {
            self.expand();
        } else {
            self.leave_folder();
        }
        self.account = account.to_string();
        self.folder = folder.to_string();
        self.items = loaded.rows;
        self.unread = self.items.iter().filter(|e| !e.flags.seen()).count();
        self.order(&loaded.threads);
        let back_to = if same { None } else { self.enter_folder() };
        self.collapse();
        if !same {
            self.cursor = 0;
            self.offset = 0;
            if let Some(uid) = back_to {
                if !self.select_uid(uid) {
                    self.want_at(Target::Uid(uid));
                }
            }
        } else {
            self.place(keep, want);
        }
    }

    /// The user asked for `target`, which the rows listed so far may not reach: the cursor goes
    /// there when the folder is listed whole (`place`), unless the user moves first.
    pub fn want_at(&mut self, target: Target) {
        self.want = Some(Want {
            target,
            anchor: self.selected().map(|e| e.uid),
        });
    }

    /// Put the cursor on the message it was on (`keep`, read before the rows changed), or where
    /// the user asked to go (`want`) when the cursor has not left that message since. When
    /// neither is in the list the cursor stays at its row (or the last).
    pub fn place(&mut self, keep: Option<u32>, want: Option<Want>) {
        let last = self.rows.len().saturating_sub(1);
        let wanted = want.filter(|w| w.anchor == keep).map(|w| w.target);
        for target in wanted.into_iter().chain(keep.map(Target::Uid)) {
            let placed = match target {
                Target::Uid(uid) => self.select_uid(uid),
                Target::Row(row) => {
                    self.cursor = row.min(last);
                    true
                }
                Target::Last => {
                    self.cursor = last;
                    true
                }
            };
            if placed {
                return;
            }
        }
        self.cursor = self.cursor.min(last);
    }

    /// Recompute row order from the thread keys: threads (newest thread first) or newest first.
    fn order(&mut self, keys: &FlatKeys) {
        self.threads = ThreadIndex::default();
        if self.threaded {
            self.rows = thread::thread_with(keys)
                .into_iter()
                .map(|r| Row {
                    index: r.index,
                    depth: r.depth,
                    lines: 0,
                })
                .collect();
            thread_lines(&mut self.rows);
            self.threads = merge::index(&self.items, keys);
        } else {
            let rows = &self.items;
            let mut idx: Vec<usize> = (0..rows.len()).collect();
            idx.sort_by(|&a, &b| flat_key(&rows[a]).cmp(&flat_key(&rows[b])));
            self.rows = idx
                .into_iter()
                .map(|index| Row {
                    index,
                    depth: 0,
                    lines: 0,
                })
                .collect();
        }
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    /// Switch threading, re-reading the folder's thread keys.
    pub fn set_threaded(&mut self, on: bool, mut loaded: Loaded) {
        loaded.sort_by_uid();
        let keep = self.selected().map(|e| e.uid);
        self.expand();
        self.threaded = on;
        self.items = loaded.rows;
        self.unread = self.items.iter().filter(|e| !e.flags.seen()).count();
        self.order(&loaded.threads);
        self.collapse();
        if let Some(uid) = keep {
            self.select_uid(uid);
        }
    }

    pub fn selected(&self) -> Option<RowView<'_>> {
        self.row_envelope(self.cursor)
    }

    pub fn row_envelope(&self, row: usize) -> Option<RowView<'_>> {
        self.rows.get(row).and_then(|r| self.items.view(r.index))
    }

    /// Where the message with this UID is in `items` (a binary search).
    pub fn index_of(&self, uid: u32) -> Option<usize> {
        self.items.binary_search_by_key(&uid, |e| e.uid).ok()
    }

    pub fn contains(&self, uid: u32) -> bool {
        self.index_of(uid).is_some()
    }

    pub fn get(&self, uid: u32) -> Option<RowView<'_>> {
        self.index_of(uid).and_then(|i| self.items.view(i))
    }

    /// The row showing envelope `index`.
    pub fn row_of_index(&self, index: usize) -> Option<usize> {
        self.rows.iter().position(|r| r.index == index)
    }

    /// Put the cursor on the message with this UID, unfolding the thread that hides it.
    pub fn select_uid(&mut self, uid: u32) -> bool {
        let Some(i) = self.index_of(uid) else {
            return false;
        };
        match self.row_of_index(i).or_else(|| self.reveal(i)) {
            Some(p) => {
                self.cursor = p;
                true
            }
            None => false,
        }
    }

    /// Set a message's flags; returns the flags it had (`None`: not in the list).
    pub fn set_flags(&mut self, uid: u32, flags: Flags) -> Option<Flags> {
        let i = self.index_of(uid)?;
        let old = self.items.set_flags(i, flags)?;
        match (old.seen(), flags.seen()) {
            (true, false) => self.unread += 1,
            (false, true) => self.unread = self.unread.saturating_sub(1),
            _ => {}
        }
        Some(old)
    }

    /// Drop a message from the list; the cursor stays at the same row.
    pub fn remove(&mut self, uid: u32) {
        self.remove_many(&[uid]);
    }

    /// Drop messages from the list in one pass, keeping the order (and thread depths) of the
    /// rest. The cursor stays on its message, or (when that one left) on the row that followed.
    /// Returns how many were in the list.
    pub fn remove_many(&mut self, uids: &[u32]) -> usize {
        let mut gone = vec![false; self.items.len()];
        let mut n = 0;
        for &uid in uids {
            if let Some(i) = self.index_of(uid) {
                if !gone[i] {
                    gone[i] = true;
                    n += 1;
                }
            }
        }
        if n == 0 {
            return 0;
        }
        self.expand();
        // Old index -> new index of the envelopes that stay.
        let mut new_index = vec![usize::MAX; self.items.len()];
        let mut next = 0;
        for (i, g) in gone.iter().enumerate() {
            if !g {
                new_index[i] = next;
                next += 1;
            } else if self.items.get(i).is_some_and(|e| !e.flags.seen()) {
                self.unread = self.unread.saturating_sub(1);
            }
        }
        // Threading forgets them: a UID may be given to another message later. A folded root
        // is known by its Message-ID when it comes back (an undo gives it a new UID).
        for (i, g) in gone.iter().enumerate() {
            if let (true, Some(it)) = (*g, self.items.get(i)) {
                if it.thread != 0 && self.folds.roots.contains(&it.uid) {
                    self.folds.left.insert(it.thread);
                }
                if it.thread != 0 && self.threads.ids.get(&it.thread) == Some(&it.uid) {
                    self.threads.ids.remove(&it.thread);
                }
                self.threads.rank.remove(&it.uid);
            }
        }
        let keep: Vec<bool> = gone.iter().map(|g| !g).collect();
        self.items.retain_indices(&keep);
        let cursor = self.cursor;
        let mut before_cursor = 0;
        let mut kept_cursor = None;
        let mut pos = 0;
        // The smallest depth of the run of removed rows just passed: a kept row deeper than
        // that lost an ancestor (a removed message's replies come right after it).
        let mut run: Option<u16> = None;
        let mut orphans = false;
        self.rows.retain_mut(|r| {
            let here = pos;
            pos += 1;
            if gone[r.index] {
                run = Some(run.map_or(r.depth, |d| d.min(r.depth)));
                return false;
            }
            if run.take().is_some_and(|d| r.depth > d) {
                orphans = true;
            }
            if here < cursor {
                before_cursor += 1;
            } else if here == cursor {
                kept_cursor = Some(before_cursor);
            }
            r.index = new_index[r.index];
            true
        });
        self.cursor = kept_cursor
            .unwrap_or(before_cursor)
            .min(self.rows.len().saturating_sub(1));
        if self.threaded {
            thread_lines(&mut self.rows);
            self.stale_threads |= orphans;
        }
        self.collapse();
        n
    }

    /// Whether a removal left replies whose parent is gone where they were (indented under
    /// a message that is not their parent): the folder needs threading again. Reading it
    /// clears it.
    pub fn take_stale_threads(&mut self) -> bool {
        std::mem::take(&mut self.stale_threads)
    }

    /// Merge messages that arrived (not yet in the list) into the order, without re-reading or
    /// re-threading the folder: O(rows) with a small constant, plus the work on what arrived.
    /// Returns false when a threaded list cannot place them exactly as threading the whole
    /// folder would (a duplicate Message-ID older than its twin, a reference cycle); the list
    /// is then unchanged and the caller reloads it.
    pub fn merge(&mut self, mut added: Loaded) -> bool {
        added.sort_by_uid();
        let keep: Vec<bool> = added.rows.iter().map(|s| !self.contains(s.uid)).collect();
        added.retain_indices(&keep);
        if added.is_empty() {
            return true;
        }
        let selected = self.selected().map(|e| e.uid);
        self.expand();
        let ok = if self.threaded {
            merge::threaded(self, added)
        } else {
            merge::flat(self, added);
            true
        };
        self.collapse();
        if ok {
            if let Some(uid) = selected {
                self.select_uid(uid);
            }
        }
        ok
    }

    /// Keep the cursor inside a window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let h = height.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + h {
            self.offset = self.cursor + 1 - h;
        }
        let max_offset = self.rows.len().saturating_sub(h);
        self.offset = self.offset.min(max_offset);
    }
}

/// The flat order: newest first, then the higher UID.
fn flat_key(s: &Item) -> (std::cmp::Reverse<i64>, std::cmp::Reverse<u32>) {
    (std::cmp::Reverse(s.date), std::cmp::Reverse(s.uid))
}

#[cfg(test)]
mod tests;
