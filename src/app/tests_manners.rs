//! App::update tests of what a new user trips over: Esc never quits, undo only takes back the
//! last action, counts on actions, the preview follows the open folder.

use super::testing::demo_app;
use super::*;

fn info(t: &super::testing::TestApp) -> String {
    t.app.status.info.clone().unwrap_or_default()
}

#[test]
fn esc_cancels_and_never_quits() {
    let mut t = demo_app(120, 40);
    // from the list, with nothing to cancel
    t.keys("<Esc><Esc>");
    assert!(!t.app.quit);
    // a pending count and a pending prefix
    t.keys("5<Esc>");
    assert_eq!(t.app.count, None);
    t.keys("g<Esc>");
    assert!(t.app.pending_keys.is_empty());
    t.keys("j");
    assert_eq!(
        t.app.list.cursor, 1,
        "the count was cancelled, not kept for j"
    );
    // visual mode, then a search
    t.keys("v2j<Esc>");
    assert!(t.app.visual.is_none());
    t.keys("/budget<Enter>");
    assert!(t.app.search.query.is_some());
    t.keys("<Esc>");
    assert!(t.app.search.query.is_none());
    // the preview: Esc goes back to the list
    t.keys("<Enter>");
    assert_eq!(t.app.focus, Pane::Preview);
    t.keys("<Esc>");
    assert_eq!(t.app.focus, Pane::List);
    // prompts and popups
    t.keys(":fold<Esc>");
    assert_eq!(t.app.mode, Mode::Normal);
    t.keys("?<Esc>");
    assert_eq!(t.app.mode, Mode::Normal);
    t.keys("m<Esc>");
    assert_eq!(t.app.mode, Mode::Normal);
    // the folder pane
    t.keys("h<Esc><Esc>");
    assert!(!t.app.quit);
    // Q quits from anywhere, q quits from the list
    t.keys("Q");
    assert!(t.app.quit);
    let mut t = demo_app(120, 40);
    t.keys("<Enter>q");
    assert!(!t.app.quit, "q in the preview goes back");
    t.keys("q");
    assert!(t.app.quit);
}

#[test]
fn undo_after_a_permanent_delete_changes_nothing() {
    let mut t = demo_app(120, 40);
    // an earlier, undoable action: flag a message in INBOX
    t.keys("f");
    let flagged_uid = t.app.list.selected().unwrap().uid;
    // then delete a message for good in Trash
    t.keys(":folder Trash<Enter>");
    let n = t.app.list.rows.len();
    assert!(n > 0, "the demo's Trash has mail");
    t.keys("dy");
    assert_eq!(t.app.list.rows.len(), n - 1);
    let before_trash: Vec<u32> = t.app.list.items.iter_views().map(|e| e.uid).collect();
    t.keys("u");
    assert!(info(&t).contains("cannot be undone"), "{}", info(&t));
    assert_eq!(
        t.app.list.folder, "Trash",
        "u did not jump to another folder"
    );
    let after: Vec<u32> = t.app.list.items.iter_views().map(|e| e.uid).collect();
    assert_eq!(before_trash, after);
    let inbox = t.app.store.envelopes("demo", "INBOX").unwrap();
    assert!(
        inbox
            .iter()
            .find(|e| e.uid == flagged_uid)
            .is_some_and(|e| e.flags.flagged()),
        "the older flag change was not undone"
    );
    // pressing u again still changes nothing
    t.keys("u");
    assert_eq!(t.app.list.folder, "Trash");
}

#[test]
fn opening_a_message_is_not_what_u_undoes() {
    let mut t = demo_app(120, 40);
    t.keys("j<Enter>");
    let uid = t.app.list.selected().unwrap().uid;
    assert!(t.app.list.selected().unwrap().flags.seen());
    t.keys("qu");
    assert!(info(&t).contains("nothing to undo"), "{}", info(&t));
    assert!(t
        .app
        .list
        .items
        .iter_views()
        .find(|e| e.uid == uid)
        .unwrap()
        .flags
        .seen());
}

#[test]
fn undo_puts_the_cursor_on_the_restored_message() {
    let mut t = demo_app(120, 40);
    t.keys("5j");
    let subject = t.selected_subject();
    t.keys("d");
    assert_ne!(t.selected_subject(), subject);
    t.keys("G");
    t.keys("u");
    assert_eq!(t.selected_subject(), subject);
    assert_eq!(t.app.focus, Pane::List);
    // a move undone from another folder brings the list back to where the message is
    t.keys("a");
    t.keys(":folder Trash<Enter>");
    t.keys("u");
    assert_eq!(t.app.list.folder, "INBOX");
    assert_eq!(t.selected_subject(), subject);
}

#[test]
fn a_count_acts_on_that_many_messages() {
    let mut t = demo_app(120, 40);
    let n = t.app.list.rows.len();
    let trash = t.app.store.envelopes("demo", "Trash").unwrap().len();
    let subjects: Vec<String> = (0..3)
        .map(|r| t.app.list.row_envelope(r).unwrap().subject.to_string())
        .collect();
    t.keys("3d");
    assert_eq!(t.app.list.rows.len(), n - 3);
    assert_eq!(
        t.app.store.envelopes("demo", "Trash").unwrap().len(),
        trash + 3
    );
    for s in &subjects {
        assert!(!t.app.list.items.iter_views().any(|e| e.subject == s));
    }
    t.keys("u");
    assert_eq!(t.app.list.rows.len(), n);
    // 2f flags two; 2m moves two through the picker
    t.keys("gg2f");
    assert!(t.app.list.row_envelope(0).unwrap().flags.flagged());
    assert!(t.app.list.row_envelope(1).unwrap().flags.flagged());
    assert!(!t.app.list.row_envelope(2).unwrap().flags.flagged());
    t.keys("2marchive<Enter>");
    assert_eq!(t.app.list.rows.len(), n - 2);
}

#[test]
fn opening_another_folder_clears_the_preview() {
    let mut t = demo_app(120, 40);
    t.keys("<Enter>");
    assert!(t.app.preview.target.is_some());
    t.keys(":folder Archive<Enter>");
    assert!(
        t.app.preview.target.is_none(),
        "old folder's message still shown"
    );
    assert_eq!(t.app.focus, Pane::List);
}

#[test]
fn the_list_and_the_preview_show_the_same_time() {
    let mut t = demo_app(160, 40);
    for _ in 0..5 {
        t.keys("j<Enter>");
        let e = t.app.list.selected().unwrap();
        let shown = crate::ui::list_date(e.date, &t.app.date_format);
        let date_line = t
            .app
            .preview
            .rendered
            .lines
            .iter()
            .find(|l| l.text.starts_with("Date: "))
            .map(|l| l.text.clone())
            .unwrap();
        assert!(
            date_line.starts_with(&format!("Date: {shown} +"))
                || date_line.starts_with(&format!("Date: {shown} -")),
            "list {shown:?}, preview {date_line:?}"
        );
        t.keys("q");
    }
}

#[test]
fn sent_and_drafts_show_the_recipient() {
    let mut t = demo_app(160, 40);
    for folder in ["Sent", "Drafts"] {
        t.keys(&format!(":folder {folder}<Enter>"));
        assert!(
            !t.app.list.items.is_empty(),
            "the demo has mail in {folder}"
        );
        for s in t.app.list.items.iter_views() {
            assert!(s.outgoing, "{folder}: {s:?}");
            assert!(s.who().starts_with("To: "), "{folder}: {}", s.who());
            assert!(!s.who().contains("Sam Rivera"), "{folder}: {}", s.who());
        }
    }
    // mail From the user's own address shows whom it went to, in any folder
    let mut e = t.app.store.envelopes("demo", "INBOX").unwrap()[0].clone();
    e.from = vec![crate::mail::Address {
        name: Some("Sam Rivera".into()),
        email: "Sam@Demo.Tmail.Test".into(),
    }];
    e.to = vec![crate::mail::Address {
        name: Some("Omar Haddad".into()),
        email: "omar@demo.tmail.test".into(),
    }];
    t.app
        .store
        .put_envelopes("demo", "INBOX", &[e.clone()])
        .unwrap();
    t.keys(":folder INBOX<Enter>");
    let row = t
        .app
        .list
        .items
        .iter_views()
        .find(|s| s.uid == e.uid)
        .unwrap();
    assert_eq!(row.who(), "To: Omar Haddad");
    // and other mail shows its sender
    assert!(t
        .app
        .list
        .items
        .iter_views()
        .any(|s| !s.outgoing && !s.who().starts_with("To: ")));
}
