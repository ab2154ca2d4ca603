//! App::update tests of "a key costs what it changes": counts by delta, one journal write per
//! action, sync events merged into the list, and whole-folder work (loads, searches) as jobs
//! whose stale results are dropped.

use super::jobs::{Job, JobResult};
use super::testing::{demo_app, demo_app_full, TestApp};
use super::*;
use crate::input::Keymap;
use crate::mail::parse::envelope_from_raw;
use crate::mail::Flags;

/// The folder's counts as the tree shows them, and as counting every message gives them.
fn counts(t: &TestApp, folder: &str) -> ((u32, u32), (u32, u32)) {
    let shown = t
        .app
        .tree
        .get("demo", folder)
        .map(|f| (f.unread, f.total))
        .unwrap_or_default();
    let stored = t.app.store.folder("demo", folder).unwrap().unwrap();
    assert_eq!(shown, (stored.unread, stored.total), "tree and store agree");
    let counted = t
        .app
        .store
        .clone()
        .recount("demo", folder)
        .unwrap()
        .map(|f| (f.unread, f.total))
        .unwrap_or_default();
    (shown, counted)
}

fn assert_counts(t: &TestApp, folder: &str) {
    let (shown, counted) = counts(t, folder);
    assert_eq!(shown, counted, "{folder}: counts kept by delta");
}

#[test]
fn actions_move_counts_by_delta() {
    let mut t = demo_app(120, 40);
    let unread = t.app.list.unread;
    t.keys("U");
    assert_ne!(t.app.list.unread, unread);
    assert_counts(&t, "INBOX");
    t.keys("jU<Enter>q");
    assert_counts(&t, "INBOX");
    t.keys("gg");
    t.keys("v4jd");
    assert_counts(&t, "INBOX");
    assert_counts(&t, "Trash");
    t.keys("u");
    assert_counts(&t, "INBOX");
    assert_counts(&t, "Trash");
    t.keys("v2j:copy Archive<Enter>");
    assert_counts(&t, "Archive");
    t.keys("u");
    assert_counts(&t, "Archive");
    // the list's own unread count, kept by delta too
    let counted = t
        .app
        .list
        .items
        .iter_views()
        .filter(|e| !e.flags.seen())
        .count();
    assert_eq!(t.app.list.unread, counted);
}

#[test]
fn a_visual_move_is_one_journal_write_and_undo_finds_the_messages() {
    let mut t = demo_app(120, 40);
    let n = t.app.list.rows.len();
    let journal = t.app.store.journal_len();
    let subjects: Vec<String> = (0..10)
        .map(|r| t.app.list.row_envelope(r).unwrap().subject.to_string())
        .collect();
    t.sent.clear();
    t.keys("v9j:move Archive<Enter>");
    assert_eq!(t.app.list.rows.len(), n - 10);
    assert_eq!(t.app.store.journal_len(), journal + 10);
    let replays = t
        .sent
        .iter()
        .filter(|c| matches!(c, Command::ReplayJournal { .. }))
        .count();
    assert_eq!(replays, 1, "one replay for the action");
    let archive = t.app.store.envelopes("demo", "Archive").unwrap();
    for s in &subjects {
        assert!(archive.iter().any(|e| &e.subject == s), "{s} in Archive");
    }
    t.keys("u");
    assert_eq!(t.app.list.rows.len(), n);
    for s in &subjects {
        assert!(
            t.app.list.items.iter_views().any(|e| e.subject == s),
            "{s} back"
        );
    }
    assert_counts(&t, "INBOX");
    assert_counts(&t, "Archive");
}

#[test]
fn undo_finds_moved_messages_a_sync_gave_server_uids() {
    let mut t = demo_app(120, 40);
    let n = t.app.list.rows.len();
    let subjects: Vec<String> = (0..3)
        .map(|r| t.app.list.row_envelope(r).unwrap().subject.to_string())
        .collect();
    t.keys("v2j:move Archive<Enter>");
    assert_eq!(t.app.list.rows.len(), n - 3);
    // the sync replaces the placeholders (local UIDs) by the server's copies (new UIDs)
    let store = &t.app.store;
    let mut next = 90_000;
    for uid in store.uids("demo", "Archive").unwrap() {
        if uid < crate::store::LOCAL_UID_BASE {
            continue;
        }
        let mut e = store.envelope("demo", "Archive", uid).unwrap().unwrap();
        store.remove_message("demo", "Archive", uid).unwrap();
        e.uid = next;
        next += 1;
        store.put_envelopes("demo", "Archive", &[e]).unwrap();
    }
    assert_eq!(next, 90_003, "three placeholders replaced");
    t.keys("u");
    assert_eq!(t.app.list.rows.len(), n, "{:?}", t.app.status);
    for s in &subjects {
        assert!(
            t.app.list.items.iter_views().any(|e| e.subject == s),
            "{s} back"
        );
    }
}

/// Write a new message into the demo INBOX as a sync would (counts included); its UID.
fn deliver(t: &TestApp, subject: &str, reply_to: Option<&str>) -> u32 {
    let uid = t.app.store.uids("demo", "INBOX").unwrap().last().unwrap() + 1;
    let refs = reply_to
        .map(|r| format!("In-Reply-To: <{r}>\r\nReferences: <{r}>\r\n"))
        .unwrap_or_default();
    let raw = format!(
        "From: New <new@example.test>\r\nSubject: {subject}\r\nMessage-ID: <new{uid}@x>\r\n{refs}Date: Thu, 1 Jan 2060 00:00:00 +0000\r\n\r\nhi\r\n"
    );
    let env = envelope_from_raw(raw.as_bytes(), uid, Flags::default(), 0);
    t.app.store.put_envelopes("demo", "INBOX", &[env]).unwrap();
    t.app
        .store
        .add_counts(
            "demo",
            "INBOX",
            crate::store::CountDelta::message(Flags::default(), 1),
        )
        .unwrap();
    uid
}

fn changed(added: Vec<u32>, removed: Vec<u32>, flags: Vec<(u32, Flags)>) -> Action {
    Action::Worker(Event::MessagesChanged {
        account: "demo".into(),
        folder: "INBOX".into(),
        added,
        removed,
        flags,
    })
}

#[test]
fn a_sync_event_is_merged_into_the_list() {
    let mut t = demo_app(120, 40);
    t.keys("3j");
    let selected = t.selected_subject();
    let n = t.app.list.rows.len();
    let uid = deliver(&t, "Fresh from the server", None);
    t.app.update(changed(vec![uid], vec![], vec![]));
    assert_eq!(t.app.list.rows.len(), n + 1);
    assert!(t.app.list.contains(uid));
    assert_eq!(
        t.selected_subject(),
        selected,
        "the cursor stays on its message"
    );
    assert_counts(&t, "INBOX");
    // flags changed on the server, then the message went
    let seen = Flags::default().with(Flags::SEEN, true);
    t.app.store.set_flags("demo", "INBOX", uid, seen).unwrap();
    t.app.update(changed(vec![], vec![], vec![(uid, seen)]));
    assert!(t.app.list.get(uid).unwrap().flags.seen());
    t.app.store.remove_message("demo", "INBOX", uid).unwrap();
    t.app.update(changed(vec![], vec![uid], vec![]));
    assert_eq!(t.app.list.rows.len(), n);
    assert!(!t.app.list.contains(uid));
    assert_eq!(t.selected_subject(), selected);
}

#[test]
fn a_reply_that_arrives_joins_its_thread() {
    let mut t = demo_app(120, 40);
    assert!(t.app.list.threaded);
    // the thread of the last row moves to the top with its new reply
    let last = t.app.list.rows.len() - 1;
    let root_uid = t.app.list.row_envelope(last).unwrap().uid;
    let id = t
        .app
        .store
        .envelope("demo", "INBOX", root_uid)
        .unwrap()
        .unwrap()
        .message_id
        .unwrap();
    let uid = deliver(&t, "Re: late reply", Some(&id));
    t.app.update(changed(vec![uid], vec![], vec![]));
    let merged: Vec<(u32, u16)> = t
        .app
        .list
        .rows
        .iter()
        .map(|r| (t.app.list.items[r.index].uid, r.depth))
        .collect();
    let mut full = MessageList {
        threaded: true,
        ..Default::default()
    };
    let (a, f) = ("demo".to_string(), "INBOX".to_string());
    full.load(&a, &f, t.app.read_folder(&a, &f).unwrap());
    let want: Vec<(u32, u16)> = full
        .rows
        .iter()
        .map(|r| (full.items[r.index].uid, r.depth))
        .collect();
    assert_eq!(merged, want, "as threading the whole folder orders it");
    let at = merged.iter().position(|(u, _)| *u == uid).unwrap();
    assert!(merged[at].1 > 0, "a reply, not a thread of its own");
}

fn background_app() -> TestApp {
    let mut t = demo_app_full(120, 40, Keymap::defaults(), Some(400));
    t.run_jobs();
    t
}

#[test]
fn clearing_a_running_search_or_leaving_the_folder_stops_its_job() {
    for how in ["<Esc>", ":folder Archive<Enter>", "/<Enter>"] {
        let mut t = background_app();
        t.keys("/zanzibar<Enter>");
        assert!(t.app.search.running);
        let started = t.take_jobs();
        let search = started
            .iter()
            .find_map(|j| match j {
                Job::Search { generation, .. } => Some(*generation),
                _ => None,
            })
            .expect("a search job");
        t.keys(how);
        assert!(t.app.search.query.is_none(), "{how}");
        let stop = t.take_jobs().into_iter().find_map(|j| match j {
            Job::Stop { generation, of } => Some((generation, of)),
            _ => None,
        });
        assert!(
            stop.is_some_and(|(g, of)| g > search && of == crate::app::jobs::Kind::Search),
            "{how}: {stop:?}"
        );
    }
    // a search that is done needs no stop
    let mut t = background_app();
    t.keys("/zanzibar<Enter>");
    t.run_jobs();
    assert!(!t.app.search.running);
    t.keys("<Esc>");
    assert!(t.take_jobs().is_empty());
}

#[test]
fn search_hits_stream_in_from_a_job() {
    let mut t = background_app();
    t.sent.clear();
    t.keys("/zanzibar<Enter>");
    // the rows did not match; the job looks at the bodies
    assert!(t.app.search.running);
    assert!(t
        .sent
        .iter()
        .any(|c| matches!(c, Command::Job(Job::Search { uids: None, .. }))));
    // keys keep working meanwhile (and the cursor, moved by the user, stays where it is)
    let before = t.app.list.cursor;
    t.keys("j");
    assert_eq!(t.app.list.cursor, before + 1);
    t.run_jobs();
    assert!(!t.app.search.running);
    assert_eq!(t.app.search.rows.len(), 1);
    assert_eq!(t.app.list.cursor, before + 1);
    assert!(t
        .app
        .status
        .info
        .as_deref()
        .unwrap_or("")
        .contains("1 match for"));
    t.keys("n");
    assert_eq!(t.selected_subject(), "Quarterly budget review");
    // untouched, the cursor goes to the first hit as it arrives
    t.keys("gg/zanzibar<Enter>");
    t.run_jobs();
    assert_eq!(t.selected_subject(), "Quarterly budget review");
}

#[test]
fn hits_of_a_replaced_search_are_dropped() {
    let mut t = background_app();
    t.sent.clear();
    t.keys("/zanzibar<Enter>");
    let old = t.sent.clone();
    t.sent.clear();
    t.keys("/welcome<Enter>");
    let gen = t.app.search.generation;
    // the first search's job answers late: its hits are not shown
    for c in old {
        if let Command::Job(job) = c {
            let mut results = Vec::new();
            jobs::run(&job, &t.app.store, &|| false, &mut |r| results.push(r));
            assert!(results.iter().all(
                |r| matches!(r, JobResult::SearchHits { generation, .. } if *generation < gen)
            ));
            for r in results {
                t.app.update(Action::Worker(Event::Job(r)));
            }
        }
    }
    assert_eq!(t.app.search.query.as_deref(), Some("welcome"));
    assert!(!t.app.search.hits.iter().any(|u| t
        .app
        .list
        .get(*u)
        .is_some_and(|s| s.subject == "Quarterly budget review")));
    t.run_jobs();
    assert!(!t.app.search.running);
    assert!(!t.app.search.rows.is_empty());
}

#[test]
fn changes_made_while_a_folder_loads_survive_the_load() {
    let mut t = demo_app_full(120, 40, Keymap::defaults(), Some(5));
    assert!(t.app.list_partial);
    let job = t
        .sent
        .iter()
        .find_map(|c| match c {
            Command::Job(j @ Job::LoadList { .. }) => Some(j.clone()),
            _ => None,
        })
        .expect("the rest of the folder is a job");
    t.sent.clear();
    // The job reads the folder now ...
    let mut results = Vec::new();
    jobs::run(&job, &t.app.store, &|| false, &mut |r| results.push(r));
    // ... while the user flags the top message and a new one arrives.
    t.keys("f");
    let flagged = t.app.list.selected().unwrap().uid;
    let uid = deliver(&t, "Arrived during the load", None);
    t.app.update(changed(vec![uid], vec![], vec![]));
    for r in results {
        t.app.update(Action::Worker(Event::Job(r)));
    }
    assert!(!t.app.list_partial);
    assert!(t.app.list.get(flagged).unwrap().flags.flagged());
    assert!(t.app.list.contains(uid), "the new message is listed");
    assert_eq!(
        t.app.list.rows.len(),
        t.app.store.uids("demo", "INBOX").unwrap().len()
    );
}

#[test]
fn toggling_threads_in_the_background_keeps_the_selection() {
    let mut t = background_app();
    t.keys("5j");
    let selected = t.selected_subject();
    t.keys("t");
    t.run_jobs();
    assert!(!t.app.list.threaded);
    assert_eq!(t.selected_subject(), selected);
}

/// (UID, depth) of every row of a list.
type Shape = Vec<(u32, u16)>;

/// The rows the list shows, and those of the folder threaded afresh.
fn rows_and_fresh(t: &mut TestApp) -> (Shape, Shape) {
    let shape = |l: &super::list::MessageList| -> Shape {
        l.rows
            .iter()
            .map(|r| (l.items[r.index].uid, r.depth))
            .collect()
    };
    let (account, folder) = (t.app.list.account.clone(), t.app.list.folder.clone());
    let mut fresh = super::list::MessageList {
        threaded: true,
        ..Default::default()
    };
    fresh.load(
        &account,
        &folder,
        t.app.read_folder(&account, &folder).unwrap(),
    );
    (shape(&t.app.list), shape(&fresh))
}

#[test]
fn deleting_a_message_with_replies_threads_them_again_and_undo_restores_the_thread() {
    let mut t = demo_app(120, 40);
    assert!(t.app.list.threaded);
    let root = (0..t.app.list.rows.len())
        .find(|&r| {
            t.app.list.rows[r].depth == 0
                && t.app
                    .list
                    .row_envelope(r)
                    .is_some_and(|e| e.subject.starts_with("Offsite dinner: vote"))
        })
        .expect("the thread");
    assert!(t.app.list.rows[root + 1].depth > 0, "it has replies");
    t.app.list.cursor = root;
    t.keys("d");
    t.run_jobs();
    let (shown, fresh) = rows_and_fresh(&mut t);
    assert_eq!(
        shown, fresh,
        "the replies are threaded again without their parent"
    );
    t.keys("u");
    t.run_jobs();
    let (shown, fresh) = rows_and_fresh(&mut t);
    assert_eq!(shown, fresh, "undo puts the thread back as it was");
    // a leaf leaves without a reload: nothing else changed place
    let leaf = (0..t.app.list.rows.len())
        .find(|&r| {
            t.app.list.rows[r].depth > 0
                && t.app
                    .list
                    .rows
                    .get(r + 1)
                    .is_none_or(|n| n.depth <= t.app.list.rows[r].depth)
        })
        .expect("a last reply");
    t.app.list.cursor = leaf;
    t.sent.clear();
    t.keys("d");
    assert!(
        !t.sent
            .iter()
            .any(|c| matches!(c, Command::Job(Job::LoadList { .. }))),
        "no reload for a leaf"
    );
    // the threads are what threading afresh makes (a thread whose newest message left keeps
    // its place until the folder is read again: the list does not jump under the cursor)
    let (shown, fresh) = rows_and_fresh(&mut t);
    let threads = |rows: &[(u32, u16)]| {
        let mut v: Vec<Vec<(u32, u16)>> = Vec::new();
        for &r in rows {
            match v.last_mut() {
                Some(th) if r.1 > 0 => th.push(r),
                _ => v.push(vec![r]),
            }
        }
        v.sort();
        v
    };
    assert_eq!(threads(&shown), threads(&fresh));
}

#[test]
fn a_thread_archived_and_brought_back_is_a_thread_again() {
    let mut t = demo_app(120, 40);
    let root = (0..t.app.list.rows.len())
        .find(|&r| {
            t.app.list.rows[r].depth == 0
                && t.app
                    .list
                    .row_envelope(r)
                    .is_some_and(|e| e.subject.starts_with("Moving the daily standup"))
        })
        .expect("the thread");
    t.app.list.cursor = root;
    t.keys("za");
    t.keys("kvja");
    t.run_jobs();
    t.keys("u");
    t.run_jobs();
    let root = thread_root(&t, "Moving the daily standup");
    assert!(
        t.app.list.folded_counts(root).is_some(),
        "it comes back folded, as it left"
    );
    t.keys("zR");
    let (shown, fresh) = rows_and_fresh(&mut t);
    assert_eq!(shown, fresh);
}

/// The row of the root of the thread whose subject starts with `subject`.
fn thread_root(t: &TestApp, subject: &str) -> usize {
    (0..t.app.list.rows.len())
        .find(|&r| {
            t.app.list.rows[r].depth == 0
                && t.app
                    .list
                    .row_envelope(r)
                    .is_some_and(|e| e.subject.starts_with(subject))
        })
        .expect("the thread")
}

#[test]
fn the_cursor_stays_at_its_row_when_the_rethreading_after_a_delete_lands() {
    // a new thread on top: X with two replies, A then B; deleting X leaves A under the cursor,
    // and A (older than B) sorts below B once threaded again
    let mut t = background_app();
    let x = deliver(&t, "Thread X", None);
    t.app.update(changed(vec![x], vec![], vec![]));
    let id = t.app.store.envelope("demo", "INBOX", x).unwrap().unwrap();
    let id = id.message_id.unwrap();
    let a = deliver(&t, "Re: Thread X (A)", Some(&id));
    let b = deliver(&t, "Re: Thread X (B)", Some(&id));
    // B is a day newer than A
    let mut e = t.app.store.envelope("demo", "INBOX", b).unwrap().unwrap();
    e.date += 86_400;
    t.app.store.put_envelopes("demo", "INBOX", &[e]).unwrap();
    t.app.update(changed(vec![a, b], vec![], vec![]));
    t.run_jobs();
    assert!(t.app.list.select_uid(x));
    let row = t.app.list.cursor;
    t.keys("d");
    assert_eq!(t.app.list.cursor, row);
    let under = t.app.list.selected().map(|e| e.uid);
    t.run_jobs();
    assert_eq!(t.app.list.cursor, row, "no jump when the new order lands");
    assert_ne!(
        t.app.list.selected().map(|e| e.uid),
        under,
        "the case: the message that was under the cursor moved"
    );
    // a place the user asked for meanwhile wins
    let mut t = background_app();
    t.app.list.cursor = thread_root(&t, "Offsite dinner: vote");
    t.keys("dG");
    t.run_jobs();
    assert_eq!(t.app.list.cursor, t.app.list.rows.len() - 1);
}

#[test]
fn undo_racing_a_background_rethreading_keeps_the_cursor_on_the_restored_message() {
    // The delete orphans replies, so the folder is threaded again by the job worker; `u` comes
    // before that lands. The job read the store before the undo or after it.
    for read_before_undo in [true, false] {
        let mut t = background_app();
        t.app.list.cursor = thread_root(&t, "Offsite dinner: vote");
        assert!(
            t.app.list.rows[t.app.list.cursor + 1].depth > 0,
            "it has replies"
        );
        t.keys("d");
        let jobs = t.take_jobs();
        assert!(
            jobs.iter().any(|j| matches!(j, Job::LoadList { .. })),
            "orphaned replies: the folder is threaded again in the background"
        );
        let mut results = Vec::new();
        if read_before_undo {
            for j in &jobs {
                results.extend(t.run_job(j));
            }
        }
        t.keys("u");
        let restored = t.app.list.selected().map(|e| e.uid).expect("a message");
        assert!(t.selected_subject().starts_with("Offsite dinner: vote"));
        if !read_before_undo {
            for j in &jobs {
                results.extend(t.run_job(j));
            }
        }
        t.deliver(results);
        assert_eq!(
            t.app.list.selected().map(|e| e.uid),
            Some(restored),
            "the cursor stays on the restored message (job read before the undo: {read_before_undo})"
        );
        t.run_jobs();
        assert_eq!(t.app.list.selected().map(|e| e.uid), Some(restored));
        let (shown, fresh) = rows_and_fresh(&mut t);
        assert_eq!(shown, fresh, "the thread is whole again");
    }
}

/// The UID under the cursor.
fn selected_uid(t: &TestApp) -> Option<u32> {
    t.app.list.selected().map(|e| e.uid)
}

#[test]
fn returning_to_a_folder_restores_the_cursor_beyond_its_first_rows() {
    // The first paint shows 20 rows; the rest comes from the job worker.
    let mut t = demo_app_full(200, 50, Keymap::defaults(), Some(20));
    t.run_jobs();
    t.keys(":50<Enter>");
    assert_eq!(t.app.list.cursor, 49);
    let uid = selected_uid(&t);
    t.keys(":folder Archive<Enter>");
    t.run_jobs();
    t.keys(":folder INBOX<Enter>");
    assert!(t.app.list_partial, "only the newest rows so far");
    // a key that does not move the cursor keeps the remembered place
    t.keys("<C-l>");
    t.run_jobs();
    assert_eq!(selected_uid(&t), uid, "back on the message it was on");
    assert_eq!(t.app.list.cursor, 49);
    // leaving again before the rest arrived does not forget it
    t.keys(":folder Archive<Enter>");
    t.run_jobs();
    t.keys(":folder INBOX<Enter>:folder Archive<Enter>");
    t.run_jobs();
    t.keys(":folder INBOX<Enter>");
    t.run_jobs();
    assert_eq!(selected_uid(&t), uid, "remembered through a second visit");
    // the user moving while the folder loads wins
    t.keys(":folder Archive<Enter>");
    t.run_jobs();
    t.keys(":folder INBOX<Enter>");
    assert!(t.app.list_partial);
    t.keys("j");
    let moved = selected_uid(&t);
    t.run_jobs();
    assert_eq!(selected_uid(&t), moved, "where the user went");
}

#[test]
fn while_a_folder_loads_counts_are_the_folders_and_g_reaches_its_last_message() {
    let mut t = demo_app_full(200, 50, Keymap::defaults(), Some(20));
    assert!(t.app.list_partial);
    let stored = t.app.store.folder("demo", "INBOX").unwrap().unwrap();
    assert!(stored.total > 20);
    assert_eq!(
        t.app.list_counts(),
        (stored.total as usize, stored.unread as usize),
        "the folder's counts, not the first rows'"
    );
    t.keys("G<C-l>");
    t.run_jobs();
    assert!(!t.app.list_partial);
    assert_eq!(t.app.list.rows.len(), stored.total as usize);
    assert_eq!(
        t.app.list.cursor,
        t.app.list.rows.len() - 1,
        "the real last"
    );
    assert_eq!(
        t.app.list_counts(),
        (t.app.list.items.len(), t.app.list.unread)
    );
    // a row beyond the first ones, asked for while loading
    t.keys("gg:folder Archive<Enter>");
    t.run_jobs();
    t.keys(":folder INBOX<Enter>:60<Enter>");
    t.run_jobs();
    assert_eq!(t.app.list.cursor, 59);
    // G, then the user moves on: the user's place wins
    t.keys("gg:folder Archive<Enter>");
    t.run_jobs();
    t.keys(":folder INBOX<Enter>Gk");
    let moved = selected_uid(&t);
    t.run_jobs();
    assert_eq!(selected_uid(&t), moved);
}
