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
    }
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
