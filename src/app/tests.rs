//! App::update tests: feed actions, assert state. No terminal involved.

use super::testing::demo_app;
use super::*;
use crate::mail::Flags;

#[test]
fn starts_in_inbox_with_newest_first() {
    let t = demo_app(120, 40);
    assert_eq!(t.app.list.folder, "INBOX");
    assert_eq!(t.app.focus, Pane::List);
    assert_eq!(t.selected_subject(), "Welcome to tmail");
    assert!(t
        .sent
        .iter()
        .any(|c| matches!(c, Command::FolderOpened { folder, .. } if folder == "INBOX")));
}

#[test]
fn vim_motions_and_counts() {
    let mut t = demo_app(120, 40);
    t.keys("j");
    assert_eq!(t.app.list.cursor, 1);
    t.keys("5j");
    assert_eq!(t.app.list.cursor, 6);
    t.keys("2k");
    assert_eq!(t.app.list.cursor, 4);
    t.keys("G");
    assert_eq!(t.app.list.cursor, t.app.list.rows.len() - 1);
    t.keys("gg");
    assert_eq!(t.app.list.cursor, 0);
    t.keys("<C-d>");
    let half = t.app.list_height() / 2;
    assert_eq!(t.app.list.cursor, half);
    t.keys("<C-f>");
    assert_eq!(t.app.list.cursor, half + t.app.list_height());
    // the cursor stays on screen
    let l = &t.app.list;
    assert!(l.cursor >= l.offset && l.cursor < l.offset + t.app.list_height());
    t.keys("<C-b><C-u>");
    assert_eq!(t.app.list.cursor, 0);
}

#[test]
fn pending_prefix_waits_and_is_shown() {
    let mut t = demo_app(120, 40);
    t.keys("g");
    assert_eq!(t.app.pending_keys.len(), 1);
    t.keys("<Esc>");
    assert!(t.app.pending_keys.is_empty());
    assert!(!t.app.quit, "Esc after a prefix only cancels it");
}

#[test]
fn enter_opens_message_and_marks_it_read() {
    let mut t = demo_app(120, 40);
    let env = t.app.list.selected().map(|e| (e.uid, e.flags)).unwrap();
    let env = crate::mail::Summary {
        uid: env.0,
        flags: env.1,
        ..Default::default()
    };
    assert!(!env.flags.seen());
    let unread_before = t.app.tree.find(None, "INBOX").unwrap().unread;
    t.keys("<Enter>");
    assert_eq!(t.app.focus, Pane::Preview);
    assert!(t.app.preview.is_showing("demo", "INBOX", env.uid));
    assert!(t
        .app
        .preview
        .rendered
        .lines
        .iter()
        .any(|l| l.text.contains("Welcome to tmail")));
    let stored = t
        .app
        .store
        .envelope("demo", "INBOX", env.uid)
        .unwrap()
        .unwrap();
    assert!(stored.flags.seen());
    assert_eq!(
        t.app.tree.find(None, "INBOX").unwrap().unread,
        unread_before - 1
    );
    assert!(t.sent.contains(&Command::ReplayJournal {
        account: "demo".into()
    }));
    assert_eq!(t.app.status.pending, 1);
    // j scrolls the preview, q goes back to the list
    t.keys("q");
    assert_eq!(t.app.focus, Pane::List);
    assert!(!t.app.quit);
    t.keys("J");
    assert_eq!(t.app.list.cursor, 1);
    assert_eq!(t.app.focus, Pane::Preview);
}

#[test]
fn panes_switch_with_h_l_and_tab() {
    let mut t = demo_app(120, 40);
    t.keys("h");
    assert_eq!(t.app.focus, Pane::Folders);
    t.keys("l");
    assert_eq!(t.app.focus, Pane::List);
    t.keys("l");
    assert_eq!(t.app.focus, Pane::List, "no preview open yet");
    t.keys("<Enter><Tab>");
    assert_eq!(t.app.focus, Pane::Folders);
    t.keys("<S-Tab>");
    assert_eq!(t.app.focus, Pane::Preview);
}

#[test]
fn folder_tree_opens_and_folds() {
    let mut t = demo_app(120, 40);
    t.keys("h");
    let target = t.app.tree.rows.iter().position(|r| matches!(r, TreeRow::Folder { index, .. } if t.app.tree.folders[*index].path == "Projects/tmail")).unwrap();
    t.keys("gg");
    t.keys(&format!("{target}j"));
    t.keys("<Enter>");
    assert_eq!(t.app.list.folder, "Projects/tmail");
    assert_eq!(t.app.focus, Pane::List);
    assert!(!t.app.list.rows.is_empty());
    // fold INBOX: its sub-folders disappear
    t.keys("hgg");
    let before = t.app.tree.rows.len();
    t.keys("<Space>");
    assert!(t.app.tree.rows.len() < before);
    t.keys("<Space>");
    assert_eq!(t.app.tree.rows.len(), before);
}

#[test]
fn search_finds_body_text_and_steps() {
    let mut t = demo_app(120, 40);
    t.keys("/zanzibar<Enter>");
    assert_eq!(t.selected_subject(), "Quarterly budget review");
    assert_eq!(t.app.search.rows.len(), 1);
    t.keys("/re<Enter>");
    let hits = t.app.search.rows.clone();
    assert!(hits.len() > 2);
    let first = t.app.list.cursor;
    t.keys("n");
    assert!(t.app.list.cursor > first);
    t.keys("N");
    assert_eq!(t.app.list.cursor, first);
    t.keys("/no-such-thing-anywhere<Enter>");
    assert!(t
        .app
        .status
        .error
        .as_deref()
        .unwrap_or("")
        .contains("no match"));
}

#[test]
fn command_line_folder_theme_and_errors() {
    let mut t = demo_app(120, 40);
    t.keys(":folder archive<Enter>");
    assert_eq!(t.app.list.folder, "Archive");
    t.keys(":theme light<Enter>");
    assert_eq!(t.app.theme.name, "light");
    t.keys(":theme nope<Enter>");
    assert!(t.app.status.error.is_some());
    assert_eq!(t.app.theme.name, "light");
    t.keys(":frobnicate<Enter>");
    assert!(t
        .app
        .status
        .error
        .as_deref()
        .unwrap()
        .contains("frobnicate"));
    t.keys(":them<Tab>");
    assert_eq!(t.app.mode, Mode::Command(LineInput::with("theme ")));
    t.keys("<Esc>:folde<Tab>");
    assert_eq!(
        t.app.mode,
        Mode::Command(LineInput::with("folder")),
        "common prefix of folder and folder-picker"
    );
    t.keys("<Esc>:help<Enter>");
    assert!(matches!(t.app.mode, Mode::Help { .. }));
    t.keys("q");
    assert_eq!(t.app.mode, Mode::Normal);
    t.keys(":q<Enter>");
    assert!(t.app.quit);
}

#[test]
fn flag_move_and_delete_apply_to_store_and_journal() {
    let mut t = demo_app(120, 40);
    let uid = t.app.list.selected().unwrap().uid;
    t.keys("f");
    assert!(t
        .app
        .store
        .envelope("demo", "INBOX", uid)
        .unwrap()
        .unwrap()
        .flags
        .flagged());
    let archive_before = t.app.store.envelopes("demo", "Archive").unwrap().len();
    t.keys(":move Archive<Enter>");
    assert!(t
        .app
        .store
        .envelope("demo", "INBOX", uid)
        .unwrap()
        .is_none());
    let archived = t.app.store.envelopes("demo", "Archive").unwrap();
    assert_eq!(archived.len(), archive_before + 1);
    assert!(archived
        .iter()
        .any(|e| e.subject == "Welcome to tmail" && e.flags.flagged()));
    let journal = t.app.store.journal(Some("demo")).unwrap();
    assert!(matches!(
        journal.last().unwrap().op,
        crate::store::JournalOp::Move { .. }
    ));

    // d moves to Trash; in Trash, d asks and y deletes for good
    let subject = t.selected_subject();
    t.keys("d");
    t.keys(":folder Trash<Enter>");
    assert!(t.app.list.items.iter_views().any(|e| e.subject == subject));
    let uid = t
        .app
        .list
        .items
        .iter_views()
        .find(|e| e.subject == subject)
        .unwrap()
        .uid;
    t.app.list.select_uid(uid);
    let n = t.app.list.rows.len();
    t.keys("d");
    assert!(matches!(t.app.mode, Mode::Confirm { .. }));
    t.keys("n");
    assert_eq!(t.app.list.rows.len(), n);
    t.keys("dy");
    assert_eq!(t.app.list.rows.len(), n - 1);
    assert!(!t.app.list.items.iter_views().any(|e| e.subject == subject));
}

#[test]
fn refused_journal_entry_is_reverted_and_reported() {
    let mut t = demo_app(120, 40);
    let uid = t.app.list.selected().unwrap().uid;
    t.keys(":move Projects<Enter>");
    let entry = t.app.store.journal(Some("demo")).unwrap().pop().unwrap();
    t.app.store.journal_remove(entry.id).unwrap();
    t.app.update(Action::Worker(Event::JournalFailed {
        entry,
        error: "folder vanished".into(),
    }));
    assert!(t
        .app
        .store
        .envelope("demo", "INBOX", uid)
        .unwrap()
        .is_some());
    assert!(t.app.list.items.iter_views().any(|e| e.uid == uid));
    assert!(t
        .app
        .status
        .error
        .as_deref()
        .unwrap()
        .contains("folder vanished"));
}

#[test]
fn toggles_threads_preview_and_read() {
    let mut t = demo_app(120, 40);
    assert!(t.app.list.threaded);
    t.keys("t");
    assert!(!t.app.list.threaded);
    let dates: Vec<i64> = (0..t.app.list.rows.len())
        .map(|r| t.app.list.row_envelope(r).unwrap().date)
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "flat view is newest first"
    );
    t.keys("p");
    assert!(!t.app.show_preview);
    let uid = t.app.list.selected().unwrap().uid;
    let seen = t.app.list.selected().unwrap().flags.seen();
    t.keys("U");
    assert_eq!(
        t.app
            .store
            .envelope("demo", "INBOX", uid)
            .unwrap()
            .unwrap()
            .flags
            .has(Flags::SEEN),
        !seen
    );
}

#[test]
fn user_keymap_remaps_a_key() {
    let mut km = crate::input::Keymap::defaults();
    km.apply("[list]\n\"x\" = \"next\"\n\"j\" = \"unbind\"\n", "test")
        .unwrap();
    let mut t = super::testing::demo_app_with(120, 40, km);
    t.keys("x");
    assert_eq!(t.app.list.cursor, 1);
    t.keys("j");
    assert_eq!(t.app.list.cursor, 1);
}

#[test]
fn resize_keeps_cursor_visible() {
    let mut t = demo_app(120, 40);
    t.keys("30j");
    t.app.update(Action::Resize {
        width: 60,
        height: 12,
    });
    let l = &t.app.list;
    assert!(l.cursor >= l.offset && l.cursor < l.offset + t.app.list_height());
}

#[test]
fn first_paint_reads_the_newest_rows_then_the_rest() {
    let mut t = super::testing::demo_app_full(120, 40, crate::input::Keymap::defaults(), Some(20));
    assert!(t.app.list_partial);
    assert_eq!(t.app.list.rows.len(), 20);
    assert_eq!(
        t.selected_subject(),
        "Welcome to tmail",
        "the newest message is on the first screen"
    );
    // The rest comes from the job worker, while keys keep working.
    assert!(t
        .sent
        .iter()
        .any(|c| matches!(c, Command::Job(crate::app::jobs::Job::LoadList { .. }))));
    t.keys("j");
    let moved_to = t.selected_subject();
    t.run_jobs();
    assert!(!t.app.list_partial);
    assert_eq!(t.app.list.rows.len(), 90);
    assert_eq!(
        t.selected_subject(),
        moved_to,
        "the cursor stays on its message"
    );
}
