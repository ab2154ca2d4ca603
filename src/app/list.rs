//! The message list of the open folder: envelopes, their display order (flat or threaded), the
//! cursor and the scroll offset. Drawing reads only the rows that are visible.

use crate::mail::thread::{self, ThreadKey};
use crate::mail::{Envelope, Summary};

/// A folder read for the list: per message, what the list keeps (`rows`) and what only
/// ordering needs (`threads`), dropped once the order is known.
#[derive(Debug, Default)]
pub struct Loaded {
    pub rows: Vec<Summary>,
    pub threads: Vec<ThreadKey>,
}

impl Loaded {
    pub fn with_capacity(n: usize) -> Loaded {
        Loaded {
            rows: Vec::with_capacity(n),
            threads: Vec::with_capacity(n),
        }
    }

    pub fn push(&mut self, row: Summary, key: ThreadKey) {
        self.rows.push(row);
        self.threads.push(key);
    }

    pub fn from_envelopes(envs: Vec<Envelope>) -> Loaded {
        let mut l = Loaded::with_capacity(envs.len());
        for e in &envs {
            l.push(Summary::of(e), ThreadKey::of(e));
        }
        l
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

#[derive(Debug, Clone, Default)]
pub struct MessageList {
    pub account: String,
    pub folder: String,
    /// One compact row per message (the full envelopes stay in the store).
    pub envelopes: Vec<Summary>,
    pub rows: Vec<Row>,
    pub cursor: usize,
    pub offset: usize,
    pub threaded: bool,
}

impl MessageList {
    pub fn is_open(&self) -> bool {
        !self.folder.is_empty()
    }

    /// Show a folder's messages, keeping the cursor on the same message when reloading.
    pub fn load(&mut self, account: &str, folder: &str, loaded: Loaded) {
        let same = self.account == account && self.folder == folder;
        let keep = if same {
            self.selected().map(|e| e.uid)
        } else {
            None
        };
        let old_cursor = self.cursor;
        self.account = account.to_string();
        self.folder = folder.to_string();
        self.envelopes = loaded.rows;
        self.order(&loaded.threads);
        if !same {
            self.cursor = 0;
            self.offset = 0;
        } else if let Some(uid) = keep {
            if !self.select_uid(uid) {
                self.cursor = old_cursor.min(self.rows.len().saturating_sub(1));
            }
        }
    }

    /// Recompute row order from the thread keys: threads (newest thread first) or newest first.
    fn order(&mut self, keys: &[ThreadKey]) {
        if self.threaded {
            self.rows = thread::thread_keys(keys)
                .into_iter()
                .map(|r| Row {
                    index: r.index,
                    depth: r.depth,
                    lines: 0,
                })
                .collect();
            thread_lines(&mut self.rows);
        } else {
            let rows = &self.envelopes;
            let mut idx: Vec<usize> = (0..rows.len()).collect();
            idx.sort_by(|&a, &b| {
                let (ea, eb) = (&rows[a], &rows[b]);
                eb.date.cmp(&ea.date).then(eb.uid.cmp(&ea.uid))
            });
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
    pub fn set_threaded(&mut self, on: bool, loaded: Loaded) {
        let keep = self.selected().map(|e| e.uid);
        self.threaded = on;
        self.envelopes = loaded.rows;
        self.order(&loaded.threads);
        if let Some(uid) = keep {
            self.select_uid(uid);
        }
    }

    pub fn selected(&self) -> Option<&Summary> {
        self.rows
            .get(self.cursor)
            .and_then(|r| self.envelopes.get(r.index))
    }

    pub fn row_envelope(&self, row: usize) -> Option<&Summary> {
        self.rows.get(row).and_then(|r| self.envelopes.get(r.index))
    }

    pub fn select_uid(&mut self, uid: u32) -> bool {
        match self
            .rows
            .iter()
            .position(|r| self.envelopes.get(r.index).is_some_and(|e| e.uid == uid))
        {
            Some(p) => {
                self.cursor = p;
                true
            }
            None => false,
        }
    }

    pub fn envelope_mut(&mut self, uid: u32) -> Option<&mut Summary> {
        self.envelopes.iter_mut().find(|e| e.uid == uid)
    }

    /// Drop a message from the list; the cursor stays at the same row.
    pub fn remove(&mut self, uid: u32) {
        let Some(i) = self.envelopes.iter().position(|e| e.uid == uid) else {
            return;
        };
        let cursor = self.cursor;
        self.envelopes.remove(i);
        // Keep the order (and thread depths) as they are; only re-index.
        self.rows.retain(|r| r.index != i);
        for r in &mut self.rows {
            if r.index > i {
                r.index -= 1;
            }
        }
        self.cursor = cursor.min(self.rows.len().saturating_sub(1));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env(uid: u32, date: i64, id: &str, parent: Option<&str>) -> Envelope {
        Envelope {
            uid,
            date,
            message_id: Some(id.into()),
            in_reply_to: parent.map(String::from),
            references: parent.map(|p| vec![p.to_string()]).unwrap_or_default(),
            ..Default::default()
        }
    }

    #[test]
    fn flat_is_newest_first_and_reload_keeps_cursor() {
        let mut l = MessageList::default();
        l.load(
            "a",
            "INBOX",
            Loaded::from_envelopes(vec![
                env(1, 10, "1", None),
                env(2, 30, "2", None),
                env(3, 20, "3", None),
            ]),
        );
        let uids: Vec<u32> = (0..3).map(|r| l.row_envelope(r).unwrap().uid).collect();
        assert_eq!(uids, vec![2, 3, 1]);
        l.cursor = 1;
        l.load(
            "a",
            "INBOX",
            Loaded::from_envelopes(vec![
                env(4, 40, "4", None),
                env(1, 10, "1", None),
                env(2, 30, "2", None),
                env(3, 20, "3", None),
            ]),
        );
        assert_eq!(l.selected().unwrap().uid, 3);
        l.remove(3);
        assert_eq!(l.selected().unwrap().uid, 1);
    }

    #[test]
    fn threaded_order_and_scrolling() {
        let mut l = MessageList {
            threaded: true,
            ..Default::default()
        };
        l.load(
            "a",
            "INBOX",
            Loaded::from_envelopes(vec![
                env(1, 10, "r", None),
                env(2, 50, "x", None),
                env(3, 60, "c", Some("r")),
            ]),
        );
        let rows: Vec<(u32, u16)> = (0..3)
            .map(|r| (l.row_envelope(r).unwrap().uid, l.rows[r].depth))
            .collect();
        assert_eq!(rows, vec![(1, 0), (3, 1), (2, 0)]);
        l.cursor = 2;
        l.scroll_into_view(2);
        assert_eq!(l.offset, 1);
        l.cursor = 0;
        l.scroll_into_view(2);
        assert_eq!(l.offset, 0);
    }
}

#[cfg(test)]
mod thread_line_tests {
    use super::*;

    #[test]
    fn branches_go_on_where_a_sibling_follows() {
        // A, B(1), C(2), D(1), E(2), F(0)
        let mut rows: Vec<Row> = [0u16, 1, 2, 1, 2, 0]
            .iter()
            .enumerate()
            .map(|(index, &depth)| Row {
                index,
                depth,
                lines: 0,
            })
            .collect();
        thread_lines(&mut rows);
        // B has a later sibling D: ├ ; C is the last child of B, under a branch that goes on: │└
        assert!(rows[1].continues(1));
        assert!(rows[2].continues(1) && !rows[2].continues(2));
        // D is the last child of A: └ ; E is last under D, and nothing goes on at depth 1
        assert!(!rows[3].continues(1));
        assert!(!rows[4].continues(1) && !rows[4].continues(2));
    }
}
