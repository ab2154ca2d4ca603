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
    t.app.update(changed("Solo", added, vec![]));
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
            t.app.update(changed("Solo", vec![13], vec![10]));
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
                t.app.update(changed("Solo", vec![13], vec![]));
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
