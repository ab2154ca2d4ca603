//! Folded threads: a thread of the threaded list shown as one row (its first message, with the
//! thread's message and unread counts), like `za` folds in vim.
//!
//! `rows` holds what is shown. The rows of a folded thread below its root are kept aside, in
//! display order, keyed by the root's UID; `folded` is the set of roots the user folded, so a
//! thread stays folded while mail arrives or leaves and while the folder is re-ordered. Changes
//! to the order (`load`, `merge`, `remove_many`) first put every row back (`expand`), change
//! the order, then fold again (`collapse`): with nothing folded both are free.

use std::collections::{HashMap, HashSet};

use super::{MessageList, Row, RowView};
use crate::mail::Flags;

/// A folded thread as its row shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoldedRow<'a> {
    /// Messages in the thread (at least 2).
    pub messages: usize,
    /// Unread messages in the thread.
    pub unread: usize,
    /// The row: the first message, with the thread's newest date and its flags combined.
    pub thread: RowView<'a>,
}

/// What a list remembers of a folder it left: its folded roots and the selected message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Remembered {
    roots: HashSet<u32>,
    left: HashSet<u64>,
    selected: Option<u32>,
}

/// What the folds of a list are: the roots the user folded, and the rows hidden under them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Folds {
    /// UIDs of the roots of folded threads.
    pub(super) roots: HashSet<u32>,
    /// Root UID -> the rows of its thread below it, in display order (non-empty).
    pub(super) hidden: HashMap<u32, Vec<Row>>,
    /// Message-ID hashes of folded roots that left the list: a root that comes back under
    /// another UID (an undo moves it back as a new message) is folded again.
    pub(super) left: HashSet<u64>,
}

/// The answer of `toggle_fold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// The thread is folded now: this many messages, this many unread.
    Folded { messages: usize, unread: usize },
    /// The thread is unfolded now.
    Unfolded,
    /// The thread has one message: nothing to fold.
    Single,
    /// The list is flat or empty.
    NotThreaded,
}

impl MessageList {
    /// Whether any thread is folded.
    pub fn has_folds(&self) -> bool {
        !self.folds.hidden.is_empty()
    }

    /// For the row at `row`: when it is a folded thread, the thread's message count and
    /// unread count (the row's own message included).
    pub fn folded_counts(&self, row: usize) -> Option<(usize, usize)> {
        self.folded_row(row).map(|f| (f.messages, f.unread))
    }

    /// The row at `row` as a folded thread shows it (`None`: not a folded thread): the first
    /// message's sender and subject, the newest date of the thread, unread while any message
    /// is, flagged / answered / with attachments when any is, deleted when all are.
    pub fn folded_row(&self, row: usize) -> Option<FoldedRow<'_>> {
        if self.folds.hidden.is_empty() {
            return None;
        }
        let root = self.rows.get(row)?;
        let mut view = self.items.view(root.index)?;
        let hidden = self.folds.hidden.get(&view.uid)?;
        let mut unread = usize::from(!view.flags.seen());
        let (mut flagged, mut answered) = (view.flags.flagged(), view.flags.answered());
        let mut deleted = view.flags.deleted();
        for e in hidden.iter().filter_map(|r| self.items.view(r.index)) {
            unread += usize::from(!e.flags.seen());
            flagged |= e.flags.flagged();
            answered |= e.flags.answered();
            deleted &= e.flags.deleted();
            view.has_attachments |= e.has_attachments;
            view.date = view.date.max(e.date);
        }
        view.flags = view
            .flags
            .with(Flags::SEEN, unread == 0)
            .with(Flags::FLAGGED, flagged)
            .with(Flags::ANSWERED, answered)
            .with(Flags::DELETED, deleted);
        Some(FoldedRow {
            messages: hidden.len() + 1,
            unread,
            thread: view,
        })
    }

    /// The UIDs a row stands for: its message, and when it is a folded thread every message
    /// of the thread, in display order.
    pub fn row_uids(&self, row: usize) -> Vec<u32> {
        let Some(r) = self.rows.get(row) else {
            return Vec::new();
        };
        let Some(uid) = self.items.get(r.index).map(|e| e.uid) else {
            return Vec::new();
        };
        let mut uids = vec![uid];
        if let Some(hidden) = self.folds.hidden.get(&uid) {
            uids.extend(
                hidden
                    .iter()
                    .filter_map(|h| self.items.get(h.index).map(|e| e.uid)),
            );
        }
        uids
    }

    /// The row of the root of the thread that holds `row` (a row at depth 0).
    fn root_row(&self, row: usize) -> usize {
        let mut r = row.min(self.rows.len().saturating_sub(1));
        while r > 0 && self.rows.get(r).is_some_and(|x| x.depth > 0) {
            r -= 1;
        }
        r
    }

    /// Fold the thread under the cursor, or unfold it when it is folded. The cursor goes to the
    /// thread's root. Costs the rows moved (a `Vec` splice), never a re-threading.
    pub fn toggle_fold(&mut self) -> Fold {
        if !self.threaded || self.rows.is_empty() {
            return Fold::NotThreaded;
        }
        let root = self.root_row(self.cursor);
        let Some(uid) = self
            .rows
            .get(root)
            .and_then(|r| self.items.get(r.index))
            .map(|e| e.uid)
        else {
            return Fold::NotThreaded;
        };
        if self.unfold_root(root, uid) {
            self.cursor = root;
            return Fold::Unfolded;
        }
        let end = self.rows[root + 1..]
            .iter()
            .position(|r| r.depth == 0)
            .map_or(self.rows.len(), |p| root + 1 + p);
        if end == root + 1 {
            return Fold::Single;
        }
        let hidden: Vec<Row> = self.rows.drain(root + 1..end).collect();
        self.folds.roots.insert(uid);
        self.folds.hidden.insert(uid, hidden);
        self.cursor = root;
        self.offset = self.offset.min(root);
        let (messages, unread) = self.folded_counts(root).unwrap_or((1, 0));
        Fold::Folded { messages, unread }
    }

    /// Put back the rows of the folded thread whose root is at `row`; false when it is not
    /// folded.
    fn unfold_root(&mut self, row: usize, uid: u32) -> bool {
        self.folds.roots.remove(&uid);
        let Some(hidden) = self.folds.hidden.remove(&uid) else {
            return false;
        };
        let n = hidden.len();
        self.rows.splice(row + 1..row + 1, hidden);
        if self.cursor > row {
            self.cursor += n;
        }
        if self.offset > row {
            self.offset += n;
        }
        true
    }

    /// Fold every thread of more than one message. Returns how many are folded.
    pub fn fold_all(&mut self) -> usize {
        if !self.threaded {
            return 0;
        }
        self.expand();
        let roots: Vec<u32> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(i, r)| r.depth == 0 && self.rows.get(i + 1).is_some_and(|n| n.depth > 0))
            .filter_map(|(_, r)| self.items.get(r.index).map(|e| e.uid))
            .collect();
        self.folds.roots = roots.into_iter().collect();
        self.collapse();
        self.folds.hidden.len()
    }

    /// Unfold every thread. Returns how many were folded.
    pub fn unfold_all(&mut self) -> usize {
        let n = self.folds.hidden.len();
        self.expand();
        self.folds.roots.clear();
        self.folds.left.clear();
        n
    }

    /// Show every row again (the folds stay remembered in `folds.roots`), keeping the cursor
    /// and the scroll offset on their rows. Free when nothing is folded.
    pub(super) fn expand(&mut self) {
        if self.folds.hidden.is_empty() {
            return;
        }
        let extra: usize = self.folds.hidden.values().map(Vec::len).sum();
        let mut rows = Vec::with_capacity(self.rows.len() + extra);
        let (mut cursor, mut offset) = (self.cursor, self.offset);
        for (i, r) in self.rows.iter().enumerate() {
            if i == self.cursor {
                cursor = rows.len();
            }
            if i == self.offset {
                offset = rows.len();
            }
            rows.push(*r);
            if let Some(h) = self
                .items
                .get(r.index)
                .and_then(|e| self.folds.hidden.remove(&e.uid))
            {
                rows.extend(h);
            }
        }
        self.folds.hidden.clear();
        self.rows = rows;
        self.cursor = cursor;
        self.offset = offset;
    }

    /// Fold again the threads whose roots are in `folds.roots` (after `expand` and a change of
    /// the order). Roots that are no longer the first message of a thread of two or more are
    /// forgotten. A cursor inside a folded thread goes to its root.
    pub(super) fn collapse(&mut self) {
        if self.folds.roots.is_empty() {
            return;
        }
        if !self.threaded {
            // remembered for when threads come back
            return;
        }
        let mut rows = Vec::with_capacity(self.rows.len());
        let mut roots = HashSet::new();
        // roots that were shown (those that left the list are kept: an undo brings them back)
        let mut seen: HashSet<u32> = HashSet::new();
        let (mut cursor, mut offset) = (self.cursor, self.offset);
        let mut folding: Option<(u32, Vec<Row>)> = None;
        for (i, r) in self.rows.iter().enumerate() {
            if r.depth == 0 {
                if let Some((uid, h)) = folding.take() {
                    if !h.is_empty() {
                        roots.insert(uid);
                        self.folds.hidden.insert(uid, h);
                    }
                }
                let item = self.items.get(r.index);
                let uid = item.map(|e| e.uid);
                let back = |folds: &mut Folds| {
                    item.is_some_and(|e| e.thread != 0 && folds.left.remove(&e.thread))
                };
                if let Some(u) =
                    uid.filter(|u| self.folds.roots.contains(u) || back(&mut self.folds))
                {
                    folding = Some((u, Vec::new()));
                }
                seen.extend(uid);
            } else if let Some((_, h)) = folding.as_mut() {
                // hidden: a cursor or offset here goes to the root's row
                if i == self.cursor {
                    cursor = rows.len().saturating_sub(1);
                }
                if i == self.offset {
                    offset = rows.len().saturating_sub(1);
                }
                h.push(*r);
                continue;
            }
            if i == self.cursor {
                cursor = rows.len();
            }
            if i == self.offset {
                offset = rows.len();
            }
            rows.push(*r);
        }
        if let Some((uid, h)) = folding.take() {
            if !h.is_empty() {
                roots.insert(uid);
                self.folds.hidden.insert(uid, h);
            }
        }
        // a root whose thread is down to itself, or no longer first, is forgotten; one that
        // left the list is kept
        for r in &self.folds.roots {
            if !roots.contains(r) && !seen.contains(r) && self.index_of(*r).is_none() {
                roots.insert(*r);
            }
        }
        self.folds.roots = roots;
        self.rows = rows;
        self.cursor = cursor.min(self.rows.len().saturating_sub(1));
        self.offset = offset.min(self.cursor);
    }

    /// Unfold every folded thread that hides a message for which `hit(uid)` holds (search
    /// hits); the cursor stays on its message. Returns how many were unfolded. Costs the
    /// hidden rows, once.
    pub fn unfold_where(&mut self, hit: impl Fn(u32) -> bool) -> usize {
        if self.folds.hidden.is_empty() {
            return 0;
        }
        let roots: HashSet<u32> = self
            .folds
            .hidden
            .iter()
            .filter(|(_, h)| {
                h.iter()
                    .any(|r| self.items.get(r.index).is_some_and(|e| hit(e.uid)))
            })
            .map(|(u, _)| *u)
            .collect();
        if roots.is_empty() {
            return 0;
        }
        let mut rows = Vec::with_capacity(self.rows.len());
        let (mut cursor, mut offset) = (self.cursor, self.offset);
        for (i, r) in self.rows.iter().enumerate() {
            if i == self.cursor {
                cursor = rows.len();
            }
            if i == self.offset {
                offset = rows.len();
            }
            rows.push(*r);
            let uid = self.items.get(r.index).map(|e| e.uid);
            if let Some(u) = uid.filter(|u| roots.contains(u)) {
                self.folds.roots.remove(&u);
                if let Some(h) = self.folds.hidden.remove(&u) {
                    rows.extend(h);
                }
            }
        }
        self.rows = rows;
        self.cursor = cursor;
        self.offset = offset;
        roots.len()
    }

    /// The row that shows the message with this UID, and the UID that row is for: its own, or
    /// the root's of the folded thread that hides it. One pass over the rows.
    pub fn shown_row(&self, uid: u32) -> Option<(usize, u32)> {
        let i = self.index_of(uid)?;
        if let Some(row) = self.row_of_index(i) {
            return Some((row, uid));
        }
        let root = self
            .folds
            .hidden
            .iter()
            .find(|(_, h)| h.iter().any(|r| r.index == i))
            .map(|(u, _)| *u)?;
        Some((self.row_of_index(self.index_of(root)?)?, root))
    }

    /// Unfold the thread that hides the message at `index` of `items`; returns its row then.
    pub(super) fn reveal(&mut self, index: usize) -> Option<usize> {
        if self.folds.hidden.is_empty() {
            return None;
        }
        let root_uid = self
            .folds
            .hidden
            .iter()
            .find(|(_, h)| h.iter().any(|r| r.index == index))
            .map(|(u, _)| *u)?;
        let root_index = self.index_of(root_uid)?;
        let root = self.rows.iter().position(|r| r.index == root_index)?;
        self.unfold_root(root, root_uid);
        self.rows.iter().position(|r| r.index == index)
    }

    /// Take over what `old` (the same folder, ordered again elsewhere) remembers: its folds
    /// and what it keeps of other folders.
    pub fn inherit(&mut self, old: &mut MessageList) {
        self.memory = std::mem::take(&mut old.memory);
        if old.account == self.account && old.folder == self.folder {
            self.expand();
            self.folds.roots = std::mem::take(&mut old.folds.roots);
            self.folds.left = std::mem::take(&mut old.folds.left);
            self.collapse();
        }
    }

    /// Leaving this folder: remember its folds and the message under the cursor (or the one
    /// to go to that has not arrived yet, if the cursor has not moved since), for when it opens
    /// again; the list shows no folds then.
    pub(super) fn leave_folder(&mut self) {
        let mut selected = self.selected().map(|e| e.uid);
        if let Some(super::Want {
            target: super::Target::Uid(uid),
            anchor,
        }) = self.want.take()
        {
            if anchor == selected {
                selected = Some(uid);
            }
        }
        self.expand();
        let Folds { roots, left, .. } = std::mem::take(&mut self.folds);
        if self.is_open() && (selected.is_some() || !roots.is_empty() || !left.is_empty()) {
            let key = (self.account.clone(), self.folder.clone());
            self.memory.insert(
                key,
                Remembered {
                    roots,
                    left,
                    selected,
                },
            );
        }
    }

    /// Opening a folder: what was remembered of it (its folds are in place for `collapse`).
    pub(super) fn enter_folder(&mut self) -> Option<u32> {
        let key = (self.account.clone(), self.folder.clone());
        let r = self.memory.remove(&key)?;
        self.folds.roots = r.roots;
        self.folds.left = r.left;
        r.selected
    }
}
