//! Conversation threading: orders envelopes into threads by Message-ID, In-Reply-To and
//! References (a simplified JWZ without dummy containers), as rows with a depth for the list.

use std::collections::HashMap;

use crate::mail::Envelope;

/// One row of the threaded list: `index` into the envelopes, `depth` (0 = thread root) and
/// `thread_id`, the index of the thread's root envelope (shared by all rows of a thread).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadRow {
    pub index: usize,
    pub depth: u16,
    pub thread_id: u32,
}

/// A stable 64-bit hash of a Message-ID (FNV-1a): thread keys are stored, so it must not
/// change between runs or versions.
pub fn id_hash(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h.max(1)
}

/// What threading needs of a message, small enough to keep for every message of a folder:
/// its id hash (0 = none), its possible parents in order of preference (In-Reply-To, then
/// References from last to first), and its date.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ThreadKey {
    pub id: u64,
    pub parents: Vec<u64>,
    pub date: i64,
}

impl ThreadKey {
    pub fn of(e: &Envelope) -> ThreadKey {
        let id = e
            .message_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .map_or(0, id_hash);
        let mut parents: Vec<u64> = Vec::with_capacity(e.references.len() + 1);
        for r in e.in_reply_to.iter().chain(e.references.iter().rev()) {
            let h = id_hash(r);
            if !parents.contains(&h) {
                parents.push(h);
            }
        }
        ThreadKey {
            id,
            parents,
            date: e.date,
        }
    }
}

/// Thread full envelopes (see `thread_keys`).
pub fn thread(envs: &[Envelope]) -> Vec<ThreadRow> {
    let keys: Vec<ThreadKey> = envs.iter().map(ThreadKey::of).collect();
    thread_keys(&keys)
}

/// What threading reads of the messages it orders: for message `i`, its id hash (0 = none),
/// its possible parents in order of preference and its date. Lets a caller keep its keys in
/// whatever shape is cheapest (a folder's in flat arrays, see [`FlatKeys`]).
pub trait Keys {
    fn len(&self) -> usize;
    fn id(&self, i: usize) -> u64;
    fn parents(&self, i: usize) -> &[u64];
    fn date(&self, i: usize) -> i64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Keys for [ThreadKey] {
    fn len(&self) -> usize {
        <[ThreadKey]>::len(self)
    }
    fn id(&self, i: usize) -> u64 {
        self[i].id
    }
    fn parents(&self, i: usize) -> &[u64] {
        &self[i].parents
    }
    fn date(&self, i: usize) -> i64 {
        self[i].date
    }
}

/// Thread keys of many messages in four flat arrays (no allocation per message): what a
/// folder of 100,000 messages is read into.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlatKeys {
    ids: Vec<u64>,
    dates: Vec<i64>,
    /// Every message's parents, one after the other; message `i`'s end at `ends[i]`.
    parents: Vec<u64>,
    ends: Vec<u32>,
}

impl FlatKeys {
    pub fn with_capacity(n: usize) -> FlatKeys {
        FlatKeys {
            ids: Vec::with_capacity(n),
            dates: Vec::with_capacity(n),
            parents: Vec::with_capacity(n * 2),
            ends: Vec::with_capacity(n),
        }
    }

    fn close(&mut self, id: u64, date: i64) {
        self.ids.push(id);
        self.dates.push(date);
        self.ends
            .push(u32::try_from(self.parents.len()).unwrap_or(u32::MAX));
    }

    pub fn push(&mut self, k: &ThreadKey) {
        self.parents.extend_from_slice(&k.parents);
        self.close(k.id, k.date);
    }

    /// The key of an envelope (as [`ThreadKey::of`] makes it), written straight in.
    pub fn push_envelope(&mut self, e: &Envelope) {
        let parents = e
            .in_reply_to
            .iter()
            .chain(e.references.iter().rev())
            .map(String::as_str);
        self.push_parts(e.message_id.as_deref(), parents, e.date);
    }

    /// A key from its parts: the Message-ID, the possible parents in order of preference
    /// (In-Reply-To, then References from last to first) and the date.
    pub fn push_parts<'a>(
        &mut self,
        message_id: Option<&str>,
        parents: impl Iterator<Item = &'a str>,
        date: i64,
    ) {
        let id = message_id.filter(|id| !id.is_empty()).map_or(0, id_hash);
        let start = self.parents.len();
        for r in parents {
            let h = id_hash(r);
            if !self.parents[start..].contains(&h) {
                self.parents.push(h);
            }
        }
        self.close(id, date);
    }

    /// The id hash of the key added last (0: none).
    pub fn last_id(&self) -> u64 {
        self.ids.last().copied().unwrap_or(0)
    }

    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1] as usize
        }
    }

    /// The keys of the messages in `order` (indices into these), in that order.
    pub fn select(&self, order: &[usize]) -> FlatKeys {
        let mut out = FlatKeys::with_capacity(order.len());
        for &i in order {
            out.parents.extend_from_slice(self.parents(i));
            out.close(self.ids[i], self.dates[i]);
        }
        out
    }
}

impl Keys for FlatKeys {
    fn len(&self) -> usize {
        self.ids.len()
    }
    fn id(&self, i: usize) -> u64 {
        self.ids[i]
    }
    fn parents(&self, i: usize) -> &[u64] {
        let (from, to) = (self.start(i), self.ends[i] as usize);
        self.parents.get(from..to).unwrap_or(&[])
    }
    fn date(&self, i: usize) -> i64 {
        self.dates[i]
    }
}

/// Thread messages by their keys (indices into `keys`): a message's parent is the last reference
/// present in the set (In-Reply-To counts as the last); missing intermediates are skipped;
/// messages whose parent cannot be found are roots; of duplicated Message-IDs the first wins and
/// the others are roots; reference cycles are cut. Threads come newest first (by their newest
/// message), each depth-first with siblings in ascending date order. `thread_id` is the index of
/// the thread's root. Linear apart from sorting, and iterative (no recursion on deep chains).
pub fn thread_keys(envs: &[ThreadKey]) -> Vec<ThreadRow> {
    thread_with(envs)
}

/// `thread_keys` over any [`Keys`]; flat arrays inside, so a big folder is a few allocations.
pub fn thread_with<K: Keys + ?Sized>(envs: &K) -> Vec<ThreadRow> {
    const NONE: u32 = u32::MAX;
    let n = envs.len();
    let mut ids: HashMap<u64, u32> = HashMap::with_capacity(n);
    let mut duplicate = vec![false; n];
    for (i, dup) in duplicate.iter_mut().enumerate() {
        let id = envs.id(i);
        if id != 0 {
            match ids.entry(id) {
                std::collections::hash_map::Entry::Occupied(_) => *dup = true,
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i as u32);
                }
            }
        }
    }
    let mut parent: Vec<u32> = (0..n)
        .map(|i| match duplicate[i] {
            true => NONE,
            false => envs
                .parents(i)
                .iter()
                .filter_map(|p| ids.get(p).copied())
                .find(|&p| p as usize != i)
                .unwrap_or(NONE),
        })
        .collect();
    drop(ids);
    drop(duplicate);

    // Cut cycles: walk up from every message; meeting a message of the current walk again
    // means a cycle, broken by making the message where it closes a root.
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; n];
    let mut path = Vec::new();
    for start in 0..n {
        let mut cur = start;
        while state[cur] == NEW {
            state[cur] = ON_PATH;
            path.push(cur);
            match parent[cur] {
                NONE => break,
                p if state[p as usize] == ON_PATH => {
                    parent[cur] = NONE;
                    break;
                }
                p => cur = p as usize,
            }
        }
        for &i in &path {
            state[i] = DONE;
        }
        path.clear();
    }
    drop(state);

    // Children of each message, in one array: message i's are child[first[i]..first[i + 1]].
    let mut first = vec![0u32; n + 1];
    let mut roots = Vec::new();
    for (i, &p) in parent.iter().enumerate() {
        if p == NONE {
            roots.push(i);
        } else {
            first[p as usize + 1] += 1;
        }
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut fill = first.clone();
    let mut child = vec![0u32; first[n] as usize];
    for (i, &p) in parent.iter().enumerate() {
        if p != NONE {
            child[fill[p as usize] as usize] = i as u32;
            fill[p as usize] += 1;
        }
    }
    drop(fill);
    drop(parent);
    for i in 0..n {
        let c = &mut child[first[i] as usize..first[i + 1] as usize];
        if c.len() > 1 {
            c.sort_unstable_by_key(|&x| (envs.date(x as usize), x));
        }
    }
    let children = |i: usize| &child[first[i] as usize..first[i + 1] as usize];

    // Depth-first per thread; remember each thread's slice of rows and newest date.
    let mut rows = Vec::with_capacity(n);
    let mut threads = Vec::with_capacity(roots.len());
    let mut stack: Vec<(usize, u16)> = Vec::new();
    for &root in &roots {
        let start = rows.len();
        let mut newest = i64::MIN;
        stack.push((root, 0));
        while let Some((i, depth)) = stack.pop() {
            newest = newest.max(envs.date(i));
            rows.push(ThreadRow {
                index: i,
                depth,
                thread_id: u32::try_from(root).unwrap_or(u32::MAX),
            });
            let d = depth.saturating_add(1);
            stack.extend(children(i).iter().rev().map(|&c| (c as usize, d)));
        }
        threads.push((newest, root, start, rows.len()));
    }
    threads.sort_unstable_by_key(|&(newest, root, _, _)| (std::cmp::Reverse(newest), root));
    threads
        .iter()
        .flat_map(|&(_, _, start, end)| rows[start..end].iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(id: &str, date: i64, refs: &[&str]) -> Envelope {
        Envelope {
            date,
            message_id: (!id.is_empty()).then(|| id.to_owned()),
            in_reply_to: refs.last().map(|r| r.to_string()),
            references: refs.iter().map(|r| r.to_string()).collect(),
            ..Envelope::default()
        }
    }

    /// (index, depth) pairs of the rows.
    fn shape(rows: &[ThreadRow]) -> Vec<(usize, u16)> {
        rows.iter().map(|r| (r.index, r.depth)).collect()
    }

    #[test]
    fn flat_keys_thread_as_keys_do() {
        let envs = vec![
            env("a", 100, &[]),
            env("b", 200, &["a"]),
            env("x", 150, &[]),
            env("c", 300, &["a", "b", "a"]),
            env("", 250, &["x"]),
            env("a", 50, &["c"]),
        ];
        let keys: Vec<ThreadKey> = envs.iter().map(ThreadKey::of).collect();
        let mut flat = FlatKeys::with_capacity(envs.len());
        for e in &envs {
            flat.push_envelope(e);
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(
                (flat.id(i), flat.parents(i), flat.date(i)),
                (k.id, &k.parents[..], k.date)
            );
        }
        assert_eq!(thread_with(&flat), thread_keys(&keys));
        let picked = flat.select(&[3, 0]);
        assert_eq!(picked.parents(0), &keys[3].parents[..]);
        assert_eq!(picked.id(1), keys[0].id);
    }

    #[test]
    fn empty_input() {
        assert!(thread(&[]).is_empty());
    }

    #[test]
    fn threads_order_and_depth() {
        let envs = vec![
            env("a", 100, &[]),         // 0: root of thread A
            env("b", 200, &["a"]),      // 1: reply to a
            env("x", 150, &[]),         // 2: root of thread X
            env("c", 300, &["a", "b"]), // 3: reply to b
            env("d", 250, &["a"]),      // 4: second reply to a (later than b)
            env("y", 400, &["x"]),      // 5: reply to x, newest message overall
            env("lone", 50, &[]),       // 6: old single message
        ];
        let rows = thread(&envs);
        assert_eq!(
            shape(&rows),
            vec![(2, 0), (5, 1), (0, 0), (1, 1), (3, 2), (4, 1), (6, 0)]
        );
        let tid = |i: usize| rows.iter().find(|r| r.index == i).map(|r| r.thread_id);
        assert_eq!(tid(0), tid(3));
        assert_eq!(tid(0), tid(4));
        assert_eq!(tid(2), tid(5));
        assert_ne!(tid(0), tid(2));
        assert_ne!(tid(0), tid(6));
        assert_eq!(tid(0), Some(0));
    }

    #[test]
    fn missing_intermediates_are_skipped() {
        // c references a and b, but b is not in the set: c hangs directly under a.
        let envs = vec![env("a", 1, &[]), env("c", 3, &["a", "b"])];
        assert_eq!(shape(&thread(&envs)), vec![(0, 0), (1, 1)]);
        // Only In-Reply-To, no References.
        let mut r = env("r", 5, &[]);
        r.in_reply_to = Some("a".into());
        let envs = vec![env("a", 1, &[]), r];
        assert_eq!(shape(&thread(&envs)), vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn unknown_parent_and_no_id_are_roots() {
        let envs = vec![
            env("", 10, &[]),
            env("b", 20, &["nowhere"]),
            env("", 30, &["b"]),
        ];
        // Index 2 has no id but replies to b.
        assert_eq!(shape(&thread(&envs)), vec![(1, 0), (2, 1), (0, 0)]);
    }

    #[test]
    fn duplicate_ids_first_wins() {
        let envs = vec![
            env("a", 10, &[]),
            env("a", 20, &["z"]),
            env("r", 30, &["a"]),
            env("z", 5, &[]),
        ];
        let rows = thread(&envs);
        // The reply hangs under the first "a"; the duplicate is a root of its own.
        assert_eq!(shape(&rows), vec![(0, 0), (2, 1), (1, 0), (3, 0)]);
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn cycles_do_not_hang_and_keep_every_message() {
        let envs = vec![
            env("a", 1, &["b"]),
            env("b", 2, &["c"]),
            env("c", 3, &["a"]),
        ];
        let rows = thread(&envs);
        assert_eq!(rows.len(), 3);
        let mut seen: Vec<usize> = rows.iter().map(|r| r.index).collect();
        seen.sort_unstable();
        assert_eq!(seen, vec![0, 1, 2]);
        assert_eq!(rows.iter().filter(|r| r.depth == 0).count(), 1);
        assert!(rows.iter().all(|r| r.thread_id == rows[0].thread_id));
        // Self-reference.
        let envs = vec![env("s", 1, &["s"])];
        assert_eq!(shape(&thread(&envs)), vec![(0, 0)]);
    }

    #[test]
    fn deep_chain_and_many_messages_are_fast() {
        let n = 100_000;
        let ids: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
        let envs: Vec<Envelope> = (0..n)
            .map(|i| Envelope {
                date: i as i64,
                message_id: Some(ids[i].clone()),
                in_reply_to: (i > 0).then(|| ids[i - 1].clone()),
                ..Envelope::default()
            })
            .collect();
        let t = std::time::Instant::now();
        let rows = thread(&envs);
        assert_eq!(rows.len(), n);
        assert_eq!(rows[n - 1].depth, u16::MAX);
        assert!(rows.windows(2).all(|w| w[0].index + 1 == w[1].index));

        // 100k messages in 10k threads with 10 replies each.
        let envs: Vec<Envelope> = (0..n)
            .map(|i| Envelope {
                date: i as i64,
                message_id: Some(ids[i].clone()),
                references: if i % 10 == 0 {
                    vec![]
                } else {
                    vec![ids[i - i % 10].clone()]
                },
                ..Envelope::default()
            })
            .collect();
        let rows = thread(&envs);
        assert_eq!(rows.len(), n);
        assert_eq!(
            rows[0],
            ThreadRow {
                index: n - 10,
                depth: 0,
                thread_id: (n - 10) as u32
            }
        );
        assert!(t.elapsed().as_secs() < 5, "took {:?}", t.elapsed());
    }
}
