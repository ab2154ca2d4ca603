//! App::update tests of what points at rows while the rows move under it: merges after a
//! removal that orphaned replies, the visual selection's anchor, and search hits.

use super::jobs::Job;
use super::testing::{demo_app, demo_app_full, TestApp};
use super::*;
use crate::input::Keymap;
use crate::mail::parse::envelope_from_raw;
use crate::mail::Flags;

/// An app whose whole-folder work waits for the test (`take_jobs`, `run_jobs`).
fn background_app() -> TestApp {
    let mut t = demo_app_full(120, 40, Keymap::defaults(), Some(400));
    t.run_jobs();
    t
}

fn app(background: bool) -> TestApp {
    if background {
        background_app()
    } else {
        demo_app(120, 40)
    }
}

/// Write a message into `folder` as a sync would: Message-ID `<id@x>`, answering `<reply_to@x>`,
/// `day` days after the demo's mail.
fn put(t: &TestApp, folder: &str, uid: u32, id: &str, reply_to: Option<&str>, day: u32) {
    let refs = reply_to
        .map(|r| format!("In-Reply-To: <{r}@x>\r\nReferences: <{r}@x>\r\n"))
        .unwrap_or_default();
    let raw = format!(
        "From: New <new@example.test>\r\nSubject: {id}\r\nMessage-ID: <{id}@x>\r\n{refs}\r\nhi\r\n"
    );
    // no Date: dated when it arrived, newer than the demo's mail (a date that far ahead in a
    // Date field would be taken for a wrong clock)
    let date = 3_000_000_000 + i64::from(day) * 86_400;
    let env = envelope_from_raw(raw.as_bytes(), uid, Flags::default(), date);
    t.app.store.put_envelopes("demo", folder, &[env]).unwrap();
}

/// An action through `update`, the commands it sends kept (the jobs among them wait for
/// `take_jobs` / `run_jobs`).
fn send(t: &mut TestApp, action: Action) {
    let out = t.app.update(action);
    t.sent.extend(out);
}

fn changed(folder: &str, added: Vec<u32>, removed: Vec<u32>) -> Action {
    Action::Worker(Event::MessagesChanged {
        account: "demo".into(),
        folder: folder.into(),
        added,
        removed,
        flags: Vec::new(),
    })
}

/// (UID, depth) of every row.
type Shape = Vec<(u32, u16)>;

fn shape(l: &super::list::MessageList) -> Shape {
    l.rows
        .iter()
        .map(|r| (l.items[r.index].uid, r.depth))
        .collect()
}

/// The rows of the open folder threaded afresh.
fn fresh(t: &mut TestApp) -> Shape {
    let (account, folder) = (t.app.list.account.clone(), t.app.list.folder.clone());
    let mut l = super::list::MessageList {
        threaded: t.app.list.threaded,
        ..Default::default()
    };
    l.load(
        &account,
        &folder,
        t.app.read_folder(&account, &folder).unwrap(),
    );
    shape(&l)
}

/// Every message of the list has exactly one row.
fn assert_every_message_shown(t: &TestApp, what: &str) {
    let mut shown: Vec<u32> = shape(&t.app.list).iter().map(|r| r.0).collect();
    shown.sort_unstable();
    let all: Vec<u32> = t.app.list.items.iter().map(|e| e.uid).collect();
    assert_eq!(shown, all, "{what}: every message has one row");
}

/// A folder `Solo` (open, threaded) holding one conversation: R (uid 10) answered by A (11)
/// and B (12); with `other`, an older lone message X (uid 5) below it.
fn solo(t: &mut TestApp, other: bool) {
    t.keys(":mkdir Solo<Enter>:folder Solo<Enter>");
    t.run_jobs();
    assert!(t.app.list.threaded);
    put(t, "Solo", 10, "r", None, 10);
    put(t, "Solo", 11, "a", Some("r"), 11);
    put(t, "Solo", 12, "b", Some("r"), 12);
    let mut added = vec![10, 11, 12];
    if other {
        put(t, "Solo", 5, "x", None, 1);
        added.push(5);
    }
    send(t, changed("Solo", added, vec![]));
    t.run_jobs();
    let mut want = vec![(10, 0), (11, 1), (12, 1)];
    if other {
        want.push((5, 0));
    }
    assert_eq!(shape(&t.app.list), want);
}

#[test]
fn a_root_expunged_while_a_reply_to_its_reply_arrives_in_the_same_sync() {
    for background in [false, true] {
        for other in [false, true] {
            let mut t = app(background);
            solo(&mut t, other);
            // Another client expunged R; C answers A; one sync event says both.
            t.app.store.remove_message("demo", "Solo", 10).unwrap();
            put(&t, "Solo", 13, "c", Some("a"), 13);
            send(&mut t, changed("Solo", vec![13], vec![10]));
            let what = format!("background {background}, other thread {other}");
            assert_every_message_shown(&t, &what);
            t.run_jobs();
            assert_eq!(shape(&t.app.list), fresh(&mut t), "{what}: threaded again");
        }
    }
}

#[test]
fn mail_arriving_before_the_rethreading_after_d_lands() {
    for background in [false, true] {
        for other in [false, true] {
            for reply in [true, false] {
                let mut t = app(background);
                solo(&mut t, other);
                t.keys("gg");
                assert_eq!(t.selected_subject(), "r");
                t.keys("d");
                let jobs = t.take_jobs();
                if background {
                    assert!(
                        jobs.iter().any(|j| matches!(j, Job::LoadList { .. })),
                        "orphaned replies: threaded again in the background"
                    );
                }
                // new mail lands before the new order: a reply to A, or a message of its own
                let parent = reply.then_some("a");
                put(&t, "Solo", 13, "c", parent, 13);
                send(&mut t, changed("Solo", vec![13], vec![]));
                let what = format!("background {background}, other {other}, reply {reply}");
                assert_every_message_shown(&t, &what);
                for j in &jobs {
                    let r = t.run_job(j);
                    t.deliver(r);
                }
                t.run_jobs();
                assert_every_message_shown(&t, &what);
                assert_eq!(shape(&t.app.list), fresh(&mut t), "{what}: threaded again");
            }
        }
    }
}

/// The UIDs of rows `from..=to`.
fn uids_of_rows(t: &TestApp, from: usize, to: usize) -> Vec<u32> {
    (from..=to).flat_map(|r| t.app.list.row_uids(r)).collect()
}

/// A flat INBOX with `v` pressed on row 5 and the cursor on row 8: the selected messages.
fn flat_selection(t: &mut TestApp) -> Vec<u32> {
    t.keys("t");
    t.run_jobs();
    assert!(!t.app.list.threaded);
    t.keys("gg5jv3j");
    assert_eq!(t.app.visual_row(), Some(5));
    assert_eq!(t.app.list.cursor, 8);
    uids_of_rows(t, 5, 8)
}

/// `d` moved exactly `selected` out of the INBOX.
fn assert_d_takes(t: &mut TestApp, selected: &[u32]) {
    let before: Vec<u32> = t.app.list.items.iter().map(|e| e.uid).collect();
    t.keys("d");
    t.run_jobs();
    let gone: Vec<u32> = before
        .into_iter()
        .filter(|u| !t.app.list.contains(*u))
        .collect();
    let mut want = selected.to_vec();
    want.sort_unstable();
    assert_eq!(gone, want, "d takes the messages selected, no others");
}

fn next_uid(t: &TestApp) -> u32 {
    t.app.store.uids("demo", "INBOX").unwrap().last().unwrap() + 1
}

#[test]
fn the_selection_keeps_its_messages_when_mail_arrives_above() {
    for background in [false, true] {
        let mut t = app(background);
        let selected = flat_selection(&mut t);
        let first = next_uid(&t);
        for i in 0..3 {
            put(&t, "INBOX", first + i, &format!("new{i}"), None, 20 + i);
        }
        t.app
            .update(changed("INBOX", (first..first + 3).collect(), vec![]));
        t.run_jobs();
        assert_eq!(t.app.list.cursor, 11, "the cursor stays on its message");
        assert_eq!(t.app.visual_row(), Some(8), "and so does the anchor");
        assert_eq!(uids_of_rows(&t, 8, 11), selected);
        assert_d_takes(&mut t, &selected);
    }
}

#[test]
fn the_selection_keeps_its_messages_when_mail_above_leaves() {
    let mut t = demo_app(120, 40);
    let selected = flat_selection(&mut t);
    let gone = uids_of_rows(&t, 0, 1);
    t.app.store.remove_messages("demo", "INBOX", &gone).unwrap();
    send(&mut t, changed("INBOX", vec![], gone));
    assert_eq!(t.app.visual_row(), Some(3));
    assert_eq!(t.app.list.cursor, 6);
    assert_d_takes(&mut t, &selected);
}

#[test]
fn the_selection_ends_when_its_first_message_leaves() {
    let mut t = demo_app(120, 40);
    let selected = flat_selection(&mut t);
    t.app
        .store
        .remove_messages("demo", "INBOX", &selected[..1])
        .unwrap();
    t.app
        .update(changed("INBOX", vec![], selected[..1].to_vec()));
    assert_eq!(
        t.app.visual, None,
        "nothing is selected the user did not choose"
    );
    assert!(
        t.app
            .status
            .info
            .as_deref()
            .is_some_and(|s| s.contains("selection")),
        "and the status line says so: {:?}",
        t.app.status.info
    );
    assert_d_takes(&mut t, &selected[3..]);
}

#[test]
fn the_selection_keeps_its_messages_when_a_list_load_lands() {
    let mut t = background_app();
    let selected = flat_selection(&mut t);
    // The folder is read again (a STATUS said it changed); mail the sync wrote meanwhile is
    // in the new rows, three above the selection.
    send(
        &mut t,
        Action::Worker(Event::FolderChanged {
            account: "demo".into(),
            folder: "INBOX".into(),
        }),
    );
    let first = next_uid(&t);
    for i in 0..3 {
        put(&t, "INBOX", first + i, &format!("new{i}"), None, 20 + i);
    }
    t.run_jobs();
    assert_eq!(t.app.list.cursor, 11);
    assert_eq!(t.app.visual_row(), Some(8));
    assert_d_takes(&mut t, &selected);
}

#[test]
fn the_selection_keeps_its_messages_when_a_thread_above_unfolds() {
    let mut t = demo_app(120, 40);
    assert!(t.app.list.threaded);
    // the first thread of several messages, folded
    let root = (0..t.app.list.rows.len())
        .find(|&r| t.app.list.rows[r].depth == 0 && t.app.list.rows[r + 1].depth > 0)
        .expect("a thread");
    let hidden = t.app.list.row_uids(root + 1)[0];
    t.app.list.cursor = root;
    t.keys("za");
    t.keys("3jvj");
    let anchor = t.app.list.row_uids(root + 3);
    // a server search finds a message hidden in the folded thread: it unfolds
    send(
        &mut t,
        Action::Worker(Event::SearchResults {
            account: "demo".into(),
            folder: "INBOX".into(),
            query: "x".into(),
            uids: vec![hidden],
            local: false,
        }),
    );
    assert_eq!(t.app.list.folded_counts(root), None, "unfolded");
    let row = t.app.visual_row().expect("still selecting");
    assert_eq!(
        t.app.list.row_uids(row),
        anchor,
        "the anchor is on its message"
    );
}

/// `n` from the top visits exactly the hits, in the order of the rows.
fn assert_n_visits_the_hits(t: &mut TestApp, hits: &[u32]) {
    t.keys("gg");
    let mut seen = Vec::new();
    for _ in 0..hits.len() {
        t.keys("n");
        seen.extend(t.app.list.selected().map(|e| e.uid));
    }
    seen.sort_unstable();
    let mut want = hits.to_vec();
    want.sort_unstable();
    assert_eq!(seen, want, "n lands on the hits");
}

fn server_hits(t: &mut TestApp, uids: Vec<u32>) {
    send(
        t,
        Action::Worker(Event::SearchResults {
            account: "demo".into(),
            folder: "INBOX".into(),
            query: "budget".into(),
            uids,
            local: false,
        }),
    );
}

#[test]
fn server_search_hits_follow_their_rows_when_mail_arrives() {
    let mut t = demo_app(120, 40);
    let hits = uids_of_rows(&t, 5, 5)
        .into_iter()
        .chain(uids_of_rows(&t, 9, 9))
        .collect::<Vec<_>>();
    server_hits(&mut t, hits.clone());
    let first = next_uid(&t);
    for i in 0..3 {
        put(&t, "INBOX", first + i, &format!("new{i}"), None, 20 + i);
    }
    t.app
        .update(changed("INBOX", (first..first + 3).collect(), vec![]));
    assert_n_visits_the_hits(&mut t, &hits);
}

#[test]
fn server_search_hits_follow_their_rows_when_undo_unfolds_a_thread() {
    let mut t = demo_app(120, 40);
    let root = (0..t.app.list.rows.len())
        .find(|&r| t.app.list.rows[r].depth == 0 && t.app.list.rows[r + 1].depth > 0)
        .expect("a thread");
    // flag a reply, fold its thread
    t.app.list.cursor = root + 1;
    t.keys("f");
    t.app.list.cursor = root;
    t.keys("za");
    let below = root + 3;
    let hits = uids_of_rows(&t, below, below)
        .into_iter()
        .chain(uids_of_rows(&t, below + 2, below + 2))
        .collect::<Vec<_>>();
    server_hits(&mut t, hits.clone());
    // undo goes to the reply: its thread unfolds
    t.keys("u");
    assert_eq!(t.app.list.folded_counts(root), None, "unfolded");
    assert_n_visits_the_hits(&mut t, &hits);
}
