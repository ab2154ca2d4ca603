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

#[test]
fn unread_is_kept_by_delta() {
    let mut l = MessageList::default();
    let mut envs: Vec<Envelope> = (1..=5)
        .map(|u| env(u, u as i64, &u.to_string(), None))
        .collect();
    envs[0].flags = Flags::default().with(Flags::SEEN, true);
    l.load("a", "INBOX", Loaded::from_envelopes(envs));
    assert_eq!(l.unread, 4);
    assert_eq!(
        l.set_flags(2, Flags::default().with(Flags::SEEN, true)),
        Some(Flags::default())
    );
    assert_eq!(l.unread, 3);
    assert_eq!(l.set_flags(99, Flags::default()), None);
    l.remove_many(&[1, 3]);
    assert_eq!(l.unread, 2);
    assert!(l.merge(Loaded::from_envelopes(vec![env(9, 9, "9", None)])));
    assert_eq!(l.unread, 3);
    assert_eq!(l.items.iter().filter(|e| !e.flags.seen()).count(), 3);
}

#[test]
fn removing_many_keeps_the_cursor_on_its_message_or_the_next() {
    let mut l = MessageList::default();
    l.load(
        "a",
        "INBOX",
        Loaded::from_envelopes(
            (1..=6)
                .map(|u| env(u, u as i64, &u.to_string(), None))
                .collect(),
        ),
    );
    // newest first: 6 5 4 3 2 1
    l.select_uid(3);
    assert_eq!(l.remove_many(&[6, 5, 42]), 2);
    assert_eq!(l.selected().unwrap().uid, 3);
    // the cursor's message and the one after it go: the next one left takes the cursor
    assert_eq!(l.remove_many(&[3, 2]), 2);
    assert_eq!(l.selected().unwrap().uid, 1);
    let uids: Vec<u32> = l.items.iter().map(|e| e.uid).collect();
    assert_eq!(uids, vec![1, 4]);
}

#[test]
fn merged_rows_keep_the_selection_and_flat_order() {
    let mut l = MessageList::default();
    l.load(
        "a",
        "INBOX",
        Loaded::from_envelopes(vec![env(10, 100, "a", None), env(20, 300, "b", None)]),
    );
    l.select_uid(10);
    // one newer, one in between, one older with a lower UID (moved back in)
    assert!(l.merge(Loaded::from_envelopes(vec![
        env(30, 400, "c", None),
        env(5, 200, "d", None),
        env(1, 50, "e", None),
    ])));
    let uids: Vec<u32> = (0..5).map(|r| l.row_envelope(r).unwrap().uid).collect();
    assert_eq!(uids, vec![30, 20, 5, 10, 1]);
    assert_eq!(l.selected().unwrap().uid, 10);
    assert!(l.items.windows(2).all(|w| w[0].uid < w[1].uid));
}

/// (uid, depth) of every row.
fn shape(l: &MessageList) -> Vec<(u32, u16, u16)> {
    l.rows
        .iter()
        .map(|r| (l.items[r.index].uid, r.depth, r.lines))
        .collect()
}

fn full(threaded: bool, envs: &[Envelope]) -> MessageList {
    let mut l = MessageList {
        threaded,
        ..Default::default()
    };
    l.load("a", "INBOX", Loaded::from_envelopes(envs.to_vec()));
    l
}

#[test]
fn a_reply_joins_its_thread_and_brings_it_to_the_top() {
    let envs = vec![
        env(1, 10, "a", None),
        env(2, 20, "x", None),
        env(3, 30, "b", Some("a")),
        env(4, 40, "y", None),
    ];
    let mut l = full(true, &envs);
    let reply = env(5, 50, "c", Some("a"));
    assert!(l.merge(Loaded::from_envelopes(vec![reply.clone()])));
    let mut all = envs.clone();
    all.push(reply);
    assert_eq!(shape(&l), shape(&full(true, &all)));
    assert_eq!(l.row_envelope(0).unwrap().uid, 1);
    // the parent arrives after its reply (a sync fetching newest first): the reply moves under it
    let orphan = env(6, 60, "r", Some("p"));
    assert!(l.merge(Loaded::from_envelopes(vec![orphan.clone()])));
    let parent = env(7, 5, "p", None);
    assert!(l.merge(Loaded::from_envelopes(vec![parent.clone()])));
    all.push(orphan);
    all.push(parent);
    assert_eq!(shape(&l), shape(&full(true, &all)));
}

#[test]
fn a_uid_given_again_is_a_new_message_to_threading() {
    let mut l = full(true, &[env(1, 10, "a", None), env(2, 20, "x", None)]);
    l.remove(1);
    // a different message comes back under UID 1 (a local UID given again)
    assert!(l.merge(Loaded::from_envelopes(vec![env(1, 30, "c", None)])));
    // a reply to the message that left is not hung under the newcomer
    assert!(l.merge(Loaded::from_envelopes(vec![env(3, 40, "r", Some("a"))])));
    let r = l
        .rows
        .iter()
        .position(|r| l.items[r.index].uid == 3)
        .unwrap();
    assert_eq!(l.rows[r].depth, 0, "{:?}", shape(&l));
    // a message waiting for its parent leaves; its UID is given to another one
    let mut l = full(true, &[env(5, 10, "o", Some("p")), env(6, 20, "y", None)]);
    l.remove(5);
    assert!(l.merge(Loaded::from_envelopes(vec![env(5, 30, "q", None)])));
    assert!(l.merge(Loaded::from_envelopes(vec![env(7, 5, "p", None)])));
    assert!(l.rows.iter().all(|r| r.depth == 0), "{:?}", shape(&l));
}

mod merge_props {
    use super::*;
    use proptest::prelude::*;

    /// Messages `0..n`; message i may answer earlier ones (by index of creation), carry no
    /// Message-ID, or repeat an earlier one's; UIDs are a permutation (arrival order is not
    /// creation order), dates follow creation with ties.
    fn mailbox() -> impl Strategy<Value = (Vec<Envelope>, Vec<usize>, Vec<u8>)> {
        (2usize..40)
            .prop_flat_map(|n| {
                (
                    proptest::collection::vec(
                        (0u8..10, 0u8..10, 0usize..1000, 0usize..1000, 0i64..3),
                        n,
                    ),
                    Just((1..=n as u32).collect::<Vec<u32>>()).prop_shuffle(),
                    proptest::collection::vec(0u8..4, n),
                )
            })
            .prop_map(|(spec, uids, batch)| {
                let mut envs = Vec::new();
                for (i, &(kind, refs, a, b, jitter)) in spec.iter().enumerate() {
                    let id = match kind {
                        0 => None,
                        1 if i > 0 => Some(format!("m{}", a % i)),
                        _ => Some(format!("m{i}")),
                    };
                    let mut references = Vec::new();
                    if i > 0 && refs < 6 {
                        references.push(format!("m{}", a % i));
                        if refs < 3 {
                            references.push(format!("m{}", b % i));
                        }
                        if refs == 0 {
                            references.push("missing".to_string());
                        }
                    }
                    envs.push(Envelope {
                        uid: uids[i],
                        date: i as i64 / 2 + jitter,
                        message_id: id,
                        in_reply_to: references.last().cloned(),
                        references,
                        ..Default::default()
                    });
                }
                (envs, (0..spec.len()).collect(), batch)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn merging_equals_threading_everything((envs, order, batch) in mailbox(), threaded in any::<bool>()) {
            // batch 0: loaded at first; 1..=3: arrive in that order
            let take = |b: u8| -> Vec<Envelope> {
                order.iter().filter(|&&i| batch[i] == b).map(|&i| envs[i].clone()).collect()
            };
            let mut have = take(0);
            let mut l = full(threaded, &have);
            for b in 1..=3u8 {
                let more = take(b);
                if more.is_empty() {
                    continue;
                }
                let before = shape(&l);
                have.extend(more.iter().cloned());
                let expect = full(threaded, &have);
                if l.merge(Loaded::from_envelopes(more)) {
                    prop_assert_eq!(shape(&l), shape(&expect));
                    prop_assert_eq!(l.unread, expect.unread);
                } else {
                    prop_assert_eq!(shape(&l), before);
                    l = expect;
                }
            }
        }

        /// Removals (some orphaning replies, which the app threads again in the background),
        /// then arrivals before the new order lands: every message keeps exactly one row, the
        /// threads are those of threading everything when nothing was orphaned, and the order
        /// that lands is that of threading everything.
        #[test]
        fn merging_after_removals(
            (envs, order, batch) in mailbox(),
            gone in proptest::collection::vec(0usize..1000, 1..6),
        ) {
            let take = |b: u8| -> Vec<Envelope> {
                order.iter().filter(|&&i| batch[i] == b).map(|&i| envs[i].clone()).collect()
            };
            let mut have = take(0);
            prop_assume!(!have.is_empty());
            let mut l = full(true, &have);
            let gone: Vec<u32> = gone.iter().map(|g| have[g % have.len()].uid).collect();
            l.remove_many(&gone);
            have.retain(|e| !gone.contains(&e.uid));
            let orphaned = l.take_stale_threads();
            // a removed message's Message-ID owned by another (a duplicate) changes owners:
            // threading everything hangs later replies under the duplicate
            let ids_unique = {
                let mut ids: Vec<&String> = envs.iter().filter_map(|e| e.message_id.as_ref()).collect();
                let n = ids.len();
                ids.sort();
                ids.dedup();
                ids.len() == n
            };
            for b in 1..=3u8 {
                let more = take(b);
                if more.is_empty() {
                    continue;
                }
                have.extend(more.iter().cloned());
                if !l.merge(Loaded::from_envelopes(more)) {
                    l = full(true, &have);
                    continue;
                }
                let mut shown: Vec<usize> = l.rows.iter().map(|r| r.index).collect();
                shown.sort_unstable();
                prop_assert_eq!(shown, (0..l.items.len()).collect::<Vec<_>>());
                prop_assert!(l.cursor < l.rows.len().max(1));
                if !orphaned && ids_unique {
                    prop_assert_eq!(thread_blocks(&l), thread_blocks(&full(true, &have)));
                }
            }
            // the new order lands
            l.load("a", "INBOX", Loaded::from_envelopes(have.clone()));
            prop_assert_eq!(shape(&l), shape(&full(true, &have)));
        }
    }
}

/// The threads of a list, each as its rows (UID, depth), in no particular order.
fn thread_blocks(l: &MessageList) -> Vec<Vec<(u32, u16)>> {
    let mut v: Vec<Vec<(u32, u16)>> = Vec::new();
    for r in &l.rows {
        let row = (l.items[r.index].uid, r.depth);
        match v.last_mut() {
            Some(th) if r.depth > 0 => th.push(row),
            _ => v.push(vec![row]),
        }
    }
    v.sort();
    v
}

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

/// The rows a list with these folded roots shows: the full order without the rows below each
/// folded root.
fn folded_shape(
    full: &MessageList,
    roots: &std::collections::HashSet<u32>,
) -> Vec<(u32, u16, u16)> {
    let mut out = Vec::new();
    let mut hiding = false;
    for (uid, depth, lines) in shape(full) {
        if depth == 0 {
            hiding = roots.contains(&uid);
        } else if hiding {
            continue;
        }
        out.push((uid, depth, lines));
    }
    out
}

/// Two threads (1 <- 2 <- 3 and 4 <- 5) and a single message 6.
fn threads() -> Vec<Envelope> {
    let mut v = vec![
        env(1, 10, "a", None),
        env(2, 20, "b", Some("a")),
        env(3, 30, "c", Some("b")),
        env(4, 40, "d", None),
        env(5, 50, "e", Some("d")),
        env(6, 60, "f", None),
    ];
    v[2].flags = Flags::default(); // 3 unread
    for e in v.iter_mut().filter(|e| e.uid != 3) {
        e.flags = e.flags.with(Flags::SEEN, true);
    }
    v
}

#[test]
fn a_thread_folds_into_one_row_and_unfolds_again() {
    let mut l = full(true, &threads());
    // 6 / 4 5 / 1 2 3
    let uids: Vec<u32> = (0..l.rows.len())
        .map(|r| l.row_envelope(r).unwrap().uid)
        .collect();
    assert_eq!(uids, vec![6, 4, 5, 1, 2, 3]);
    l.cursor = 4; // on 2, inside the thread of 1
    assert_eq!(
        l.toggle_fold(),
        Fold::Folded {
            messages: 3,
            unread: 1
        }
    );
    assert_eq!(l.rows.len(), 4, "the thread is one row");
    assert_eq!(
        l.selected().unwrap().uid,
        1,
        "the cursor is on the thread's row"
    );
    assert_eq!(l.folded_counts(3), Some((3, 1)));
    let f = l.folded_row(3).expect("folded row");
    assert_eq!(f.thread.date, 30, "the thread's newest date");
    assert!(!f.thread.flags.seen(), "unread while one message is");
    assert_eq!(
        l.row_uids(3),
        vec![1, 2, 3],
        "the row stands for the whole thread"
    );
    assert_eq!(l.row_uids(0), vec![6]);
    assert_eq!(l.folded_counts(0), None);
    // a single message has nothing to fold
    l.cursor = 0;
    assert_eq!(l.toggle_fold(), Fold::Single);
    // unfolding puts the rows back where they were
    l.cursor = 3;
    assert_eq!(l.toggle_fold(), Fold::Unfolded);
    assert_eq!(shape(&l), shape(&full(true, &threads())));
    // a flat list has no threads to fold
    let mut flat = full(false, &threads());
    assert_eq!(flat.toggle_fold(), Fold::NotThreaded);
}

#[test]
fn fold_all_and_unfold_all() {
    let mut l = full(true, &threads());
    l.cursor = 5; // on 3
    assert_eq!(l.fold_all(), 2);
    assert_eq!(l.rows.len(), 3);
    assert_eq!(
        l.selected().unwrap().uid,
        1,
        "the cursor goes to its thread's row"
    );
    assert_eq!(l.unfold_all(), 2);
    assert_eq!(shape(&l), shape(&full(true, &threads())));
    assert_eq!(l.selected().unwrap().uid, 1);
}

#[test]
fn a_folded_thread_stays_folded_as_mail_comes_and_goes() {
    let mut l = full(true, &threads());
    l.cursor = 3;
    l.toggle_fold(); // thread of 1
                     // a reply arrives: the thread stays folded, counts it, and moves to the top
    let mut reply = env(7, 70, "g", Some("c"));
    reply.flags = Flags::default();
    assert!(l.merge(Loaded::from_envelopes(vec![reply])));
    assert_eq!(l.row_envelope(0).unwrap().uid, 1);
    assert_eq!(l.folded_counts(0), Some((4, 2)));
    assert_eq!(l.rows.len(), 4);
    // a message of it leaves (another client deleted it): the rest keep their places, as in
    // the same list unfolded
    let mut twin = full(true, &threads());
    let mut r = env(7, 70, "g", Some("c"));
    r.flags = Flags::default();
    assert!(twin.merge(Loaded::from_envelopes(vec![r])));
    twin.remove_many(&[2]);
    l.remove_many(&[2]);
    let roots: std::collections::HashSet<u32> = [1].into_iter().collect();
    assert_eq!(shape(&l), folded_shape(&twin, &roots));
    assert_eq!(l.folded_counts(0), Some((3, 2)));
    // messages outside the fold leave: the fold stays
    l.remove_many(&[6]);
    assert_eq!(l.folded_counts(0), Some((3, 2)));
    // the folder is read again (same folder): folds stay
    let again: Vec<Envelope> = threads();
    l.load("a", "INBOX", Loaded::from_envelopes(again.clone()));
    assert_eq!(shape(&l), folded_shape(&full(true, &again), &roots));
    // another folder: no folds
    l.load("a", "Archive", Loaded::from_envelopes(again.clone()));
    assert!(!l.has_folds());
    assert_eq!(shape(&l), shape(&full(true, &again)));
}

#[test]
fn selecting_a_hidden_message_unfolds_its_thread() {
    let mut l = full(true, &threads());
    l.fold_all();
    assert!(l.select_uid(3));
    assert_eq!(l.selected().unwrap().uid, 3);
    assert_eq!(
        l.folded_counts(1),
        Some((2, 0)),
        "the other thread stays folded"
    );
    assert_eq!(l.rows.len(), 5);
}

#[test]
fn folds_come_back_with_threads_and_with_the_folder() {
    let mut l = full(true, &threads());
    l.fold_all();
    l.set_threaded(false, Loaded::from_envelopes(threads()));
    assert!(!l.has_folds());
    assert_eq!(l.rows.len(), 6);
    l.set_threaded(true, Loaded::from_envelopes(threads()));
    assert_eq!(l.rows.len(), 3, "threads come back folded");
    // another folder and back: the folds and the selected message are remembered
    l.cursor = 1;
    let selected = l.selected().unwrap().uid;
    l.load(
        "a",
        "Archive",
        Loaded::from_envelopes(vec![env(1, 10, "z", None)]),
    );
    assert!(!l.has_folds());
    assert_eq!(l.cursor, 0);
    l.load("a", "INBOX", Loaded::from_envelopes(threads()));
    assert_eq!(l.rows.len(), 3);
    assert_eq!(l.selected().unwrap().uid, selected);
}

#[test]
fn a_folded_thread_that_leaves_and_comes_back_is_folded_again() {
    let mut l = full(true, &threads());
    l.cursor = 3;
    l.toggle_fold();
    l.remove_many(&[1, 2, 3]);
    assert!(!l.has_folds());
    // merged, or (when merging cannot place them exactly) the folder read again, as the app does
    let back: Vec<Envelope> = threads().into_iter().filter(|e| e.uid <= 3).collect();
    if !l.merge(Loaded::from_envelopes(back)) {
        l.load("a", "INBOX", Loaded::from_envelopes(threads()));
    }
    assert_eq!(
        l.folded_counts(3),
        Some((3, 1)),
        "undo brings it back folded"
    );
}

mod fold_props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Whatever is folded, merging, removing and re-reading give the rows of threading
        /// everything with the same threads folded.
        #[test]
        fn folds_follow_every_change(
            parents in proptest::collection::vec(0usize..100, 2..30),
            fold_at in proptest::collection::vec(0usize..100, 0..6),
            arrive in 0usize..10,
            gone in proptest::collection::vec(0usize..100, 0..4),
        ) {
            // message i answers parents[i] % i (or is a root when that is itself)
            let n = parents.len();
            let envs: Vec<Envelope> = (0..n)
                .map(|i| {
                    let p = if i == 0 { i } else { parents[i] % (i + 1) };
                    let id = format!("m{i}");
                    let parent = (p < i).then(|| format!("m{p}"));
                    env(i as u32 + 1, i as i64, &id, parent.as_deref())
                })
                .collect();
            let arrive = arrive.min(n - 1);
            let (first, later) = envs.split_at(n - arrive);
            let mut l = full(true, first);
            for &f in &fold_at {
                l.cursor = f % l.rows.len().max(1);
                l.toggle_fold();
            }
            let roots = l.folds.roots.clone();
            prop_assert_eq!(shape(&l), folded_shape(&full(true, first), &roots));
            let mut have = first.to_vec();
            if !later.is_empty() {
                have.extend_from_slice(later);
                if !l.merge(Loaded::from_envelopes(later.to_vec())) {
                    l.load("a", "INBOX", Loaded::from_envelopes(have.clone()));
                }
                let roots = l.folds.roots.clone();
                prop_assert_eq!(shape(&l), folded_shape(&full(true, &have), &roots));
            }
            // removing keeps the places of the rest (no re-threading): compare with the same
            // list unfolded
            let mut twin = full(true, &have);
            let gone: Vec<u32> = gone.iter().map(|g| (g % n) as u32 + 1).collect();
            twin.remove_many(&gone);
            l.remove_many(&gone);
            have.retain(|e| !gone.contains(&e.uid));
            let roots = l.folds.roots.clone();
            prop_assert_eq!(shape(&l), folded_shape(&twin, &roots));
            prop_assert!(l.cursor < l.rows.len().max(1));
            // every folded root is the first row of a thread of more than one message
            for r in &roots {
                // a root that left the list is remembered, for when it comes back
                let Some(i) = l.index_of(*r) else { continue };
                let row = l.row_of_index(i).expect("root shown");
                prop_assert!(l.folded_counts(row).is_some_and(|(m, _)| m >= 2));
            }
            l.unfold_all();
            prop_assert_eq!(shape(&l), shape(&twin));
        }
    }
}
