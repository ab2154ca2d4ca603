//! App::update tests of the write-path actions: visual and thread selections, undo, the folder
//! picker, folder commands, server search (with the demo's local evaluation).

use super::testing::demo_app;
use super::*;

#[test]
fn visual_selection_flags_several_messages() {
    let mut t = demo_app(120, 40);
    let row5 = t.app.list.row_envelope(5).unwrap().flags;
    t.keys("jv3jf");
    assert!(t.app.visual.is_none(), "an action ends the selection");
    let flagged: Vec<bool> = (1..=4)
        .map(|r| t.app.list.row_envelope(r).unwrap().flags.flagged())
        .collect();
    assert!(flagged.iter().all(|f| *f), "{flagged:?}");
    assert_eq!(
        t.app.list.row_envelope(5).unwrap().flags,
        row5,
        "outside the selection"
    );
    // Esc leaves visual mode without doing anything
    t.keys("v2j<Esc>");
    assert!(t.app.visual.is_none());
    assert!(!t.app.quit);
}

#[test]
fn undo_takes_back_moves_deletes_and_flags() {
    let mut t = demo_app(120, 40);
    let n = t.app.list.rows.len();
    let subject = t.selected_subject();
    t.keys("d");
    assert_eq!(t.app.list.rows.len(), n - 1);
    t.keys("u");
    assert_eq!(t.app.list.rows.len(), n);
    assert!(t.app.list.items.iter_views().any(|e| e.subject == subject));
    let trash = t.app.store.envelopes("demo", "Trash").unwrap();
    assert!(!trash.iter().any(|e| e.subject == subject));
    // a visual move of 3, undone at once
    t.keys("gg");
    t.keys("v2j:move Archive<Enter>");
    assert_eq!(t.app.list.rows.len(), n - 3);
    t.keys("u");
    assert_eq!(t.app.list.rows.len(), n);
    // flags
    t.keys("gg");
    let before = t.app.list.selected().unwrap().flags;
    t.keys("f");
    t.keys("u");
    assert_eq!(t.app.list.selected().unwrap().flags, before);
    t.keys("u");
    assert!(t
        .app
        .status
        .info
        .as_deref()
        .unwrap_or("")
        .contains("nothing to undo"));
}

#[test]
fn select_thread_picks_the_whole_conversation() {
    let mut t = demo_app(120, 40);
    let start = (0..t.app.list.rows.len())
        .find(|&r| t.app.list.rows.get(r + 1).is_some_and(|x| x.depth > 0))
        .unwrap();
    t.app.list.cursor = start + 1;
    t.keys("T");
    let anchor = t.app.visual_row().expect("selection");
    assert_eq!(anchor, start);
    let end = t.app.list.cursor;
    assert!(end > start);
    assert!((start + 1..=end).all(|r| t.app.list.rows[r].depth > 0));
    assert!(t.app.list.rows.get(end + 1).is_none_or(|r| r.depth == 0));
    let size = end - start + 1;
    let n = t.app.list.rows.len();
    t.keys("a");
    assert_eq!(t.app.list.rows.len(), n - size);
}

#[test]
fn move_picker_filters_fuzzily_and_moves() {
    let mut t = demo_app(120, 40);
    let subject = t.selected_subject();
    t.keys("m");
    assert!(matches!(t.app.mode, Mode::Picker(_)));
    t.keys("ptm");
    match &t.app.mode {
        Mode::Picker(p) => assert_eq!(p.choice(), Some("Projects/tmail")),
        other => panic!("{other:?}"),
    }
    t.keys("<Enter>");
    assert_eq!(t.app.mode, Mode::Normal);
    assert!(t
        .app
        .store
        .envelopes("demo", "Projects/tmail")
        .unwrap()
        .iter()
        .any(|e| e.subject == subject));
    // Esc cancels
    t.keys("c<Esc>");
    assert_eq!(t.app.mode, Mode::Normal);
}

#[test]
fn folder_commands_create_rename_and_delete() {
    let mut t = demo_app(120, 40);
    t.keys(":mkdir Receipts<Enter>");
    assert!(t.app.tree.find(None, "Receipts").is_some());
    let journal = t.app.store.journal(Some("demo")).unwrap();
    assert!(matches!(
        journal.last().unwrap().op,
        crate::store::JournalOp::CreateFolder { .. }
    ));
    // move something there, rename it, the message follows
    t.keys(":move Receipts<Enter>:folder Receipts<Enter>");
    assert_eq!(t.app.list.rows.len(), 1);
    t.keys(":rename Bills<Enter>");
    assert_eq!(t.app.list.folder, "Bills");
    assert_eq!(t.app.list.rows.len(), 1);
    assert!(t.app.tree.find(None, "Receipts").is_none());
    t.keys(":rmdir<Enter>");
    assert!(matches!(t.app.mode, Mode::Confirm { .. }));
    t.keys("y");
    assert!(t.app.tree.find(None, "Bills").is_none());
    assert_eq!(t.app.list.folder, "INBOX");
    // special folders stay
    t.keys(":folder Trash<Enter>:rmdir<Enter>");
    assert!(t
        .app
        .status
        .error
        .as_deref()
        .unwrap_or("")
        .contains("special"));
}

#[test]
fn folder_names_that_cannot_be_are_refused() {
    let mut t = demo_app(120, 40);
    let before = t.app.store.folders(Some("demo")).unwrap();
    let journal_before = t.app.store.journal(Some("demo")).unwrap().len();
    for bad in [
        "../evil",
        "/abs",
        "a//b",
        "x/",
        "a/./b",
        "a/..",
        ".",
        "inbox",
        "INBOX",
        "Inbox",
        "bad\u{1b}[31mname",
        "tab\there",
    ] {
        t.app.status.error = None;
        t.app.status.info = None;
        if bad.chars().any(char::is_control) {
            // as a binding's argument would give it (typing drops control characters)
            let mut out = Vec::new();
            t.app
                .run(registry::Op::Mkdir, None, Some(bad.to_string()), &mut out);
            t.sent.extend(out);
        } else {
            t.keys(&format!(":mkdir {bad}<Enter>"));
        }
        let err = t.app.status.error.clone().unwrap_or_default();
        assert!(
            !err.is_empty(),
            "{bad:?} was accepted: {:?}",
            t.app.status.info
        );
        assert!(
            t.app.status.info.is_none(),
            "{bad:?}: {:?}",
            t.app.status.info
        );
        assert!(!err.contains('\x1b'), "{err:?}");
    }
    assert!(t
        .app
        .status
        .error
        .as_deref()
        .unwrap_or("")
        .contains("control"));
    t.app.status.error = None;
    t.keys(":mkdir inbox<Enter>");
    assert!(
        t.app
            .status
            .error
            .as_deref()
            .unwrap_or("")
            .contains("INBOX"),
        "{:?}",
        t.app.status.error
    );
    // nothing reached the store or the journal
    assert_eq!(t.app.store.folders(Some("demo")).unwrap(), before);
    assert_eq!(
        t.app.store.journal(Some("demo")).unwrap().len(),
        journal_before
    );
    // good nested names still work; a child of the INBOX takes the INBOX's spelling
    t.app.status.error = None;
    t.keys(":mkdir Projects/2025/Q1<Enter>");
    assert!(t.app.status.error.is_none(), "{:?}", t.app.status.error);
    assert!(t.app.tree.find(None, "Projects/2025/Q1").is_some());
    t.keys(":mkdir inbox/Receipts<Enter>");
    assert!(t.app.status.error.is_none(), "{:?}", t.app.status.error);
    assert!(t
        .app
        .store
        .folder("demo", "INBOX/Receipts")
        .unwrap()
        .is_some());
    assert!(t
        .app
        .store
        .folder("demo", "inbox/Receipts")
        .unwrap()
        .is_none());
    // :rename checks the new name the same way
    t.keys(":folder Projects/2025/Q1<Enter>");
    assert_eq!(t.app.list.folder, "Projects/2025/Q1");
    for bad in ["../Q1", "Q1/", "Inbox", "a//b"] {
        t.app.status.error = None;
        t.keys(&format!(":rename {bad}<Enter>"));
        assert!(
            t.app.status.error.is_some(),
            "rename to {bad:?} was accepted"
        );
        assert_eq!(t.app.list.folder, "Projects/2025/Q1");
    }
    t.keys(":rename Projects/2025/First<Enter>");
    assert_eq!(t.app.list.folder, "Projects/2025/First");
    assert!(t
        .app
        .store
        .folder("demo", "Projects/2025/Q1")
        .unwrap()
        .is_none());
}

#[test]
fn server_search_asks_the_worker_and_shows_hits() {
    let mut t = demo_app(120, 40);
    t.sent.clear();
    t.keys(":search --server from:bob body:zanzibar<Enter>");
    let Some(Command::ServerSearch {
        account,
        folder,
        query,
    }) = t.sent.last().cloned()
    else {
        panic!("{:?}", t.sent)
    };
    // the demo worker evaluates it on the store
    let q = crate::mail::query::Query::parse(&query).unwrap();
    let uids = crate::backend::search_store(&t.app.store, &account, &folder, &q);
    assert_eq!(uids.len(), 1);
    t.app.update(Action::Worker(Event::SearchResults {
        account,
        folder,
        query,
        uids,
        local: true,
    }));
    assert_eq!(t.selected_subject(), "Quarterly budget review");
    assert!(t.app.status.info.as_deref().unwrap().contains("1 match"));
    t.keys(":search --server colour:red<Enter>");
    assert!(t
        .app
        .status
        .error
        .as_deref()
        .unwrap()
        .contains("unknown search key"));
}

/// The demo as `tmail --demo` runs it: whole-folder work goes to the job worker (run here by
/// `run_jobs`, when the test says).
fn background_demo() -> super::testing::TestApp {
    let mut t = super::testing::demo_app_full(200, 50, crate::input::Keymap::defaults(), Some(400));
    t.run_jobs();
    t
}

#[test]
fn a_folded_thread_deleted_and_undone_comes_back_folded() {
    for background in [false, true] {
        let mut t = if background {
            background_demo()
        } else {
            demo_app(200, 50)
        };
        t.keys(":41<Enter>");
        assert!(
            t.selected_subject().contains("Offsite dinner"),
            "{}",
            t.selected_subject()
        );
        t.keys("za");
        let row = t.app.list.cursor;
        let (messages, _) = t.app.list.folded_counts(row).expect("folded");
        assert_eq!(messages, 5);
        t.keys("d");
        t.run_jobs();
        assert!(t
            .app
            .status
            .info
            .as_deref()
            .unwrap_or("")
            .contains("moved 5 messages"));
        t.keys("u");
        t.run_jobs();
        assert!(
            t.selected_subject().starts_with("Offsite dinner"),
            "{}",
            t.selected_subject()
        );
        assert_eq!(
            t.app.list.folded_counts(t.app.list.cursor).map(|c| c.0),
            Some(5),
            "the thread comes back folded (background: {background})"
        );
    }
}
