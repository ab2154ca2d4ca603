//! Merging messages that arrived into a list's order, as `thread::thread_keys` over the whole
//! folder would have placed them, but touching only the threads they join: the rest of the
//! rows keep their order and are copied once. Flat lists merge by date.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use super::{flat_key, thread_lines, Item, Items, Loaded, MessageList, Row, ThreadIndex};
use crate::mail::thread::{FlatKeys, Keys};

fn rank_of(i: usize) -> u8 {
    u8::try_from(i).unwrap_or(u8::MAX - 1).min(u8::MAX - 1)
}

/// The thread index of a freshly ordered list (`envelopes` and `keys` in UID order).
pub(super) fn index(envelopes: &[Item], keys: &FlatKeys) -> ThreadIndex {
    let mut ids: HashMap<u64, u32> = HashMap::with_capacity(envelopes.len());
    for (i, e) in envelopes.iter().enumerate() {
        let id = keys.id(i);
        if id != 0 {
            ids.entry(id).or_insert(e.uid);
        }
    }
    let mut t = ThreadIndex::default();
    let mut parent: Vec<Option<usize>> = vec![None; envelopes.len()];
    for (i, e) in envelopes.iter().enumerate() {
        let id = keys.id(i);
        let duplicate = id != 0 && ids.get(&id) != Some(&e.uid);
        if !duplicate {
            parent[i] = note_parents(&mut t, e.uid, id, keys.parents(i), |h| ids.get(&h).copied())
                .and_then(|p| envelopes.binary_search_by_key(&p, |x| x.uid).ok());
        }
    }
    // Messages on a reference cycle: where thread_keys cuts one depends on every message that
    // leads into it, so a merge that reaches one leaves the ordering to thread_keys.
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; envelopes.len()];
    let mut path = Vec::new();
    for start in 0..envelopes.len() {
        let mut cur = start;
        while state[cur] == NEW {
            state[cur] = ON_PATH;
            path.push(cur);
            match parent[cur] {
                Some(p) if state[p] == ON_PATH => {
                    // the cycle is the part of the path from p on
                    let from = path.iter().position(|&x| x == p).unwrap_or(0);
                    t.cyclic
                        .extend(path[from..].iter().map(|&x| envelopes[x].uid));
                    break;
                }
                Some(p) => cur = p,
                None => break,
            }
        }
        for &i in &path {
            state[i] = DONE;
        }
        path.clear();
    }
    t.ids = ids;
    t
}

/// Resolve a message's parent the way `thread_keys` does (the first of its parents that is
/// here and not itself), remembering the better parents it waits for. Returns the parent's UID.
fn note_parents(
    t: &mut ThreadIndex,
    uid: u32,
    own: u64,
    parents: &[u64],
    owner: impl Fn(u64) -> Option<u32>,
) -> Option<u32> {
    let mut wanted = Vec::new();
    let mut found = None;
    for (r, &p) in parents.iter().enumerate() {
        match owner(p) {
            Some(o) if o != uid => {
                found = Some((o, rank_of(r)));
                break;
            }
            Some(_) => {}
            None => wanted.push((p, rank_of(r))),
        }
    }
    for (p, r) in wanted {
        t.waiting.entry(p).or_default().push((uid, r, own));
    }
    match found {
        Some((o, r)) => {
            if r > 0 {
                t.rank.insert(uid, r);
            }
            Some(o)
        }
        None => {
            if !parents.is_empty() {
                t.rank.insert(uid, u8::MAX);
            }
            None
        }
    }
}

/// Put `added` (UID order, none in the list) into the list's items, keeping UID order; fix the
/// rows' indices. Returns each added message's index.
fn insert_envelopes(list: &mut MessageList, added: Items) -> Vec<usize> {
    list.unread += added.iter().filter(|e| !e.flags.seen()).count();
    let (idx, remap) = list.items.merge(added);
    if let Some(remap) = remap {
        for r in &mut list.rows {
            r.index = remap[r.index];
        }
    }
    idx
}

/// Flat order: the new rows sorted by date, merged into the rows.
pub(super) fn flat(list: &mut MessageList, added: Loaded) {
    let idx = insert_envelopes(list, added.rows);
    let env = &list.items;
    let mut new: Vec<Row> = idx
        .into_iter()
        .map(|index| Row {
            index,
            depth: 0,
            lines: 0,
        })
        .collect();
    new.sort_by(|a, b| flat_key(&env[a.index]).cmp(&flat_key(&env[b.index])));
    let old = std::mem::take(&mut list.rows);
    let mut rows = Vec::with_capacity(old.len() + new.len());
    let mut n = new.into_iter().peekable();
    for r in old {
        while n
            .peek()
            .is_some_and(|x| flat_key(&env[x.index]) < flat_key(&env[r.index]))
        {
            rows.extend(n.next());
        }
        rows.push(r);
    }
    rows.extend(n);
    list.rows = rows;
}

/// One thread's rows in the forest being rebuilt.
struct Node {
    index: usize,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// Threaded order. See `MessageList::merge`.
pub(super) fn threaded(list: &mut MessageList, added: Loaded) -> bool {
    // --- decide, changing nothing ---
    let new_uids: HashSet<u32> = added.rows.iter().map(|s| s.uid).collect();
    let mut claims: HashMap<u64, u32> = HashMap::new();
    let mut duplicate = vec![false; added.len()];
    for (i, s) in added.rows.iter().enumerate() {
        let id = added.threads.id(i);
        if id == 0 {
            continue;
        }
        let owner = claims.get(&id).copied().or_else(|| {
            list.threads
                .ids
                .get(&id)
                .copied()
                .filter(|&u| list.contains(u))
        });
        match owner {
            Some(o) if o < s.uid => duplicate[i] = true,
            // The newcomer is older than the message that owns its Message-ID: it would own
            // it instead, and take that one's replies. Rare enough to thread the folder again.
            Some(_) => return false,
            None => {
                claims.insert(id, s.uid);
            }
        }
    }
    let owner = |h: u64| {
        claims.get(&h).copied().or_else(|| {
            list.threads
                .ids
                .get(&h)
                .copied()
                .filter(|&u| list.contains(u))
        })
    };
    let mut index = ThreadIndex::default();
    let mut parent_of: HashMap<u32, Option<u32>> = HashMap::new();
    for (i, s) in added.rows.iter().enumerate() {
        let p = if duplicate[i] {
            None
        } else {
            note_parents(
                &mut index,
                s.uid,
                added.threads.id(i),
                added.threads.parents(i),
                owner,
            )
        };
        parent_of.insert(s.uid, p);
    }
    // Messages already here that would rather hang under one that arrived.
    let mut adopt: HashMap<u32, (u32, u8)> = HashMap::new();
    for (&h, &m) in &claims {
        for &(o, r, own) in list
            .threads
            .waiting
            .get(&h)
            .map_or(&[][..], |v| v.as_slice())
        {
            let now = list.threads.rank.get(&o).copied().unwrap_or(0);
            // the same message that waited, not a later one given its UID
            let same = list
                .index_of(o)
                .is_some_and(|i| list.items.get(i).is_some_and(|it| it.thread == own));
            if r < now && same && adopt.get(&o).is_none_or(|&(_, best)| r < best) {
                adopt.insert(o, (m, r));
            }
        }
    }
    // The parent of a message already here, from the depths: the nearest row above it that is
    // one level up.
    let needs_rows = !adopt.is_empty() || !list.threads.cyclic.is_empty();
    let mut row_of_old = Vec::new();
    if needs_rows {
        row_of_old = vec![usize::MAX; list.items.len()];
        for (p, r) in list.rows.iter().enumerate() {
            row_of_old[r.index] = p;
        }
    }
    let existing_parent = |u: u32| -> Option<u32> {
        let i = list.index_of(u)?;
        let p = *row_of_old.get(i)?;
        let d = list.rows.get(p)?.depth;
        if d == 0 {
            return None;
        }
        let above = list.rows.get(..p)?;
        let r = above.iter().rev().find(|r| r.depth < d)?;
        list.items.get(r.index).map(|e| e.uid)
    };
    let up = |u: u32| -> Option<u32> {
        if let Some(&(m, _)) = adopt.get(&u) {
            return Some(m);
        }
        match parent_of.get(&u) {
            Some(p) => *p,
            // Without adoptions or cycles, nothing already here leads to what arrived.
            None if needs_rows => existing_parent(u),
            None => None,
        }
    };
    // Walking up from a message that arrived or moved must end at a root, and meet no cycle.
    // A message that led into a cycle and hangs elsewhere now moves where the cycle is cut.
    for &o in adopt.keys() {
        let mut cur = Some(o);
        while let Some(c) = cur {
            if list.threads.cyclic.contains(&c) {
                return false;
            }
            cur = existing_parent(c);
        }
    }
    for &o in adopt.keys().chain(new_uids.iter()) {
        if list.threads.cyclic.contains(&o) {
            return false;
        }
        let mut cur = up(o);
        let mut steps = 0;
        while let Some(c) = cur {
            steps += 1;
            if c == o
                || list.threads.cyclic.contains(&c)
                || steps > list.items.len() + new_uids.len()
            {
                return false; // a reference cycle: let thread_keys cut it
            }
            cur = up(c);
        }
    }

    // --- commit ---
    // A thread starts at a row of depth 0 — and at the first row: replies whose parent was
    // removed (`MessageList::remove_many`) stay at their depth until the folder is threaded
    // again in the background, and may be the first rows. Such rows read as part of the block
    // above them, or as a block of their own at the top, so every row is in one block.
    let thread_start = |rows: &[Row]| -> Vec<usize> {
        rows.iter()
            .enumerate()
            .filter(|(i, r)| *i == 0 || r.depth == 0)
            .map(|(i, _)| i)
            .collect()
    };
    let idx = insert_envelopes(list, added.rows);
    for (h, u) in claims {
        list.threads.ids.insert(h, u);
    }
    for (h, v) in index.waiting {
        list.threads.waiting.entry(h).or_default().extend(v);
    }
    list.threads.rank.extend(index.rank);
    for (&o, &(_, r)) in &adopt {
        if r == 0 {
            list.threads.rank.remove(&o);
        } else {
            list.threads.rank.insert(o, r);
        }
    }
    let env = &list.items;
    let uid_index = |u: u32| env.binary_search_by_key(&u, |e| e.uid).ok();
    let starts = thread_start(&list.rows);
    let thread_of_row = |row: usize| starts.partition_point(|&s| s <= row).saturating_sub(1);
    let mut row_of = vec![usize::MAX; env.len()];
    for (p, r) in list.rows.iter().enumerate() {
        row_of[r.index] = p;
    }
    let mut affected: HashSet<usize> = HashSet::new();
    let touch = |u: u32, affected: &mut HashSet<usize>| {
        if let Some(i) = uid_index(u) {
            if row_of[i] != usize::MAX {
                affected.insert(thread_of_row(row_of[i]));
            }
        }
    };
    for p in parent_of.values().flatten() {
        touch(*p, &mut affected);
    }
    for (&o, &(m, _)) in &adopt {
        touch(o, &mut affected);
        touch(m, &mut affected);
    }
    // The forest of the affected threads and the new messages.
    let mut nodes: Vec<Node> = Vec::new();
    let mut node_of: HashMap<usize, usize> = HashMap::new();
    let mut affected_sorted: Vec<usize> = affected.iter().copied().collect();
    affected_sorted.sort_unstable();
    for &t in &affected_sorted {
        let end = starts.get(t + 1).copied().unwrap_or(list.rows.len());
        let block = starts.get(t).and_then(|&s| list.rows.get(s..end));
        // (depth, node) of the rows the next row may hang under: its parent is the nearest
        // row above it that is less deep (none for an orphan at the top: a root now).
        let mut stack: Vec<(u16, usize)> = Vec::new();
        for r in block.unwrap_or_default() {
            while stack.last().is_some_and(|&(d, _)| d >= r.depth) {
                stack.pop();
            }
            let parent = stack.last().map(|&(_, n)| n);
            node_of.insert(r.index, nodes.len());
            stack.push((r.depth, nodes.len()));
            nodes.push(Node {
                index: r.index,
                parent,
                children: Vec::new(),
            });
        }
    }
    for &i in &idx {
        node_of.insert(i, nodes.len());
        nodes.push(Node {
            index: i,
            parent: None,
            children: Vec::new(),
        });
    }
    let node_uid = |u: u32| uid_index(u).and_then(|i| node_of.get(&i).copied());
    for &i in &idx {
        let uid = env[i].uid;
        let p = parent_of.get(&uid).copied().flatten().and_then(node_uid);
        if let Some(n) = node_of.get(&i) {
            nodes[*n].parent = p;
        }
    }
    for (&o, &(m, _)) in &adopt {
        if let (Some(on), Some(mn)) = (node_uid(o), node_uid(m)) {
            nodes[on].parent = Some(mn);
        }
    }
    let mut roots = Vec::new();
    for n in 0..nodes.len() {
        match nodes[n].parent {
            Some(p) => nodes[p].children.push(n),
            None => roots.push(n),
        }
    }
    let date = |n: &Node| env[n.index].date;
    for n in 0..nodes.len() {
        let mut c = std::mem::take(&mut nodes[n].children);
        c.sort_by_key(|&x| (date(&nodes[x]), env[nodes[x].index].uid));
        nodes[n].children = c;
    }
    // Rebuilt threads: (newest, root uid, rows).
    let mut blocks: Vec<(i64, u32, Vec<Row>)> = Vec::with_capacity(roots.len());
    let mut stack: Vec<(usize, u16)> = Vec::new();
    for &root in &roots {
        let mut rows = Vec::new();
        let mut newest = i64::MIN;
        stack.push((root, 0));
        while let Some((n, depth)) = stack.pop() {
            newest = newest.max(date(&nodes[n]));
            rows.push(Row {
                index: nodes[n].index,
                depth,
                lines: 0,
            });
            let d = depth.saturating_add(1);
            stack.extend(nodes[n].children.iter().rev().map(|&c| (c, d)));
        }
        blocks.push((newest, env[nodes[root].index].uid, rows));
    }
    blocks.sort_by_key(|b| (Reverse(b.0), b.1));
    // Copy the untouched threads once, merging the rebuilt ones in by (newest, root).
    let old = std::mem::take(&mut list.rows);
    let mut rows = Vec::with_capacity(old.len() + idx.len());
    let mut b = blocks.into_iter().peekable();
    for (t, &s) in starts.iter().enumerate() {
        if affected.contains(&t) {
            continue;
        }
        let end = starts.get(t + 1).copied().unwrap_or(old.len());
        let Some(block) = old.get(s..end) else {
            continue;
        };
        let newest = block
            .iter()
            .map(|r| env[r.index].date)
            .max()
            .unwrap_or(i64::MIN);
        let key = (
            Reverse(newest),
            block.first().map_or(0, |r| env[r.index].uid),
        );
        while b.peek().is_some_and(|x| (Reverse(x.0), x.1) < key) {
            if let Some(x) = b.next() {
                rows.extend(x.2);
            }
        }
        rows.extend_from_slice(block);
    }
    for x in b {
        rows.extend(x.2);
    }
    thread_lines(&mut rows);
    list.rows = rows;
    true
}
