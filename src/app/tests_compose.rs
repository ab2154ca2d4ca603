//! App::update tests of writing mail: the composer's layers (text in insert mode, vim keys in
//! normal mode), fields and address completion, attachments, reply and forward, sending
//! through the Outbox and taking a message back, postponing to Drafts and resuming, $EDITOR,
//! autosave and recovery, and quitting with a message being written.

use super::compose::Field;
use super::testing::{demo_app, TestApp};
use super::*;
use crate::store::OutboxState;

fn composer(t: &TestApp) -> &compose::Composer {
    t.app.composer.as_ref().expect("a composer is open")
}

fn info(t: &TestApp) -> String {
    format!(
        "{} {}",
        t.app.status.info.clone().unwrap_or_default(),
        t.app.status.error.clone().unwrap_or_default()
    )
}

#[test]
fn keys_are_text_in_insert_mode_and_commands_in_normal_mode() {
    let mut t = demo_app(160, 45);
    let cursor = t.app.list.cursor;
    t.keys("C");
    assert_eq!(composer(&t).field, Field::To);
    assert!(!composer(&t).insert);
    // In insert mode j, q, : and <C-d> are text.
    t.keys("ibob@example.test<Tab>");
    t.keys("<Tab><Tab>Plans for jq: q<Tab><Tab>");
    assert_eq!(composer(&t).field, Field::Body);
    t.keys("Hi j, q: this is :the text<C-d>");
    assert!(!t.app.quit);
    assert_eq!(t.app.list.cursor, cursor, "j did not move the list");
    assert_eq!(composer(&t).to.text, "bob@example.test");
    assert_eq!(composer(&t).subject.text, "Plans for jq: q");
    assert!(composer(&t)
        .body_text()
        .starts_with("Hi j, q: this is :the text"));
    // Esc: normal mode, where keys are vim-like commands
    t.keys("<Esc>0dd");
    assert!(
        !composer(&t).body_text().contains("Hi j"),
        "{}",
        composer(&t).body_text()
    );
    t.keys("u");
    assert!(composer(&t).body_text().contains("Hi j"));
    t.keys("ggk");
    assert_eq!(composer(&t).field, Field::Attachments);
    t.keys("kk");
    assert_eq!(composer(&t).field, Field::Bcc);
    // `:` opens the command line from the composer, and back
    t.keys(":");
    assert!(matches!(t.app.mode, Mode::Command(_)));
    t.keys("<Esc>");
    assert_eq!(t.app.mode, Mode::Normal);
    assert!(t.app.composer.is_some());
}

#[test]
fn addresses_complete_from_the_mail_there_is() {
    let mut t = demo_app(160, 45);
    t.keys("Cialic");
    let s = composer(&t).suggestions.clone();
    assert!(
        s.iter().any(|a| a.contains("alice@demo.tmail.test")),
        "{s:?}"
    );
    assert!(
        !s.iter().any(|a| a.contains("sam@")),
        "the user's own address is left out"
    );
    t.keys("<Tab>");
    assert!(composer(&t)
        .to
        .text
        .starts_with("Alice Chen <alice@demo.tmail.test>, "));
    assert_eq!(
        composer(&t).field,
        Field::To,
        "Tab completed, it did not leave the field"
    );
    t.keys("<Tab>");
    assert_eq!(composer(&t).field, Field::Cc);
}

#[test]
fn reply_quotes_threads_and_answers_as_the_right_identity() {
    let mut t = demo_app(160, 45);
    t.keys("/Release plan<Enter>");
    let uid = t.app.list.selected().unwrap().uid;
    t.keys("r");
    let c = composer(&t);
    assert!(
        c.subject.text.starts_with("Re: Release plan"),
        "{}",
        c.subject.text
    );
    assert!(c.to.text.contains("alice@demo.tmail.test"), "{}", c.to.text);
    assert!(c.from.text.contains("sam@demo.tmail.test"));
    assert!(c.in_reply_to.is_some());
    let body = c.body_text();
    assert!(body.contains(" wrote:"), "{body}");
    assert!(body.lines().any(|l| l.starts_with("> ")));
    assert!(body.contains("-- \nSam Rivera"), "the signature: {body}");
    assert_eq!(c.answers.as_ref().map(|a| a.uid), Some(uid));
    // the cursor is under the quote, where the answer goes
    let (row, _) = c.body.cursor();
    assert!(
        row > 0 && c.body.lines()[row - 1].starts_with('>'),
        "{row} {:?}",
        c.body.lines()
    );
    // the original stays visible beside it
    assert!(t.app.preview.is_showing("demo", "INBOX", uid));
    t.keys("q");
    assert!(matches!(t.app.mode, Mode::Confirm { .. }));
    t.keys("y");
    assert!(t.app.composer.is_none());
    // reply-all keeps the others and never the user
    t.keys("R");
    let c = composer(&t);
    assert!(!c.to.text.contains("sam@") && !c.cc.text.contains("sam@"));
    assert!(c.to.text.contains("bob@demo.tmail.test"), "{}", c.to.text);
    t.keys("qy");
    // forward
    t.keys("F");
    let c = composer(&t);
    assert!(c.subject.text.starts_with("Fwd: Release plan"));
    assert!(c.to.text.is_empty());
    assert_eq!(c.field, Field::To);
}

#[test]
fn attachments_are_checked_listed_and_removed() {
    let mut t = demo_app(160, 45);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.pdf");
    std::fs::write(&file, b"%PDF-1.4 test").unwrap();
    t.keys("C");
    t.keys(&format!(":attach {}<Enter>", file.display()));
    assert_eq!(composer(&t).attachments.len(), 1, "{}", info(&t));
    t.keys(":attach /no/such/file<Enter>");
    assert!(info(&t).contains("/no/such/file"), "{}", info(&t));
    assert_eq!(composer(&t).attachments.len(), 1);
    t.keys(&format!(":attach {}<Enter>", dir.path().display()));
    assert!(info(&t).contains("is a directory"));
    t.keys(&format!(":attach {}<Enter>", file.display()));
    assert_eq!(composer(&t).attachments.len(), 2);
    t.keys(":detach 2<Enter>");
    assert_eq!(composer(&t).attachments.len(), 1);
    // the attachments field: x removes the one under the cursor
    t.app.composer.as_mut().unwrap().field = Field::Attachments;
    t.keys("x");
    assert!(composer(&t).attachments.is_empty());
    // Tab completes paths on the : line
    let dir_s = dir.path().display().to_string();
    t.keys(&format!(":attach {dir_s}/pl<Tab>"));
    match &t.app.mode {
        Mode::Command(i) => assert_eq!(i.text, format!("attach {dir_s}/plan.pdf")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn send_goes_through_the_outbox_and_can_be_taken_back() {
    let mut t = demo_app(160, 45);
    t.keys("Cibob@example.test<Tab><Tab><Tab>Lunch<Tab><Tab>Tomorrow?<Esc>");
    let draft_id = composer(&t).draft_id.clone();
    t.sent.clear();
    t.keys("<C-s>");
    assert!(t.app.composer.is_none(), "{}", info(&t));
    let out = t.app.store.outbox(Some("demo")).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].draft.subject, "Lunch");
    assert!(matches!(out[0].state, OutboxState::Waiting { .. }));
    assert!(t.sent.contains(&Command::SendOutbox {
        account: "demo".into()
    }));
    // the Outbox shows in the folder tree with its count
    let outbox = t
        .app
        .tree
        .folders
        .iter()
        .find(|f| f.role == Some(crate::mail::Role::Outbox));
    assert_eq!(outbox.map(|f| f.unread), Some(1));
    // u takes it back into the composer while it waits
    t.keys("u");
    assert_eq!(composer(&t).subject.text, "Lunch", "{}", info(&t));
    assert!(t.app.store.outbox(None).unwrap().is_empty());
    assert_eq!(composer(&t).draft_id, draft_id);
    // sending needs a recipient and a From of the user's
    t.app.composer.as_mut().unwrap().to = LineInput::default();
    t.keys("<C-s>");
    assert!(info(&t).contains("no recipient"), "{}", info(&t));
    assert!(t.app.composer.is_some(), "a failed check keeps the message");
    t.app.composer.as_mut().unwrap().to = LineInput::with("not an address");
    t.keys("<C-s>");
    assert!(info(&t).contains("not an email address"), "{}", info(&t));
    t.app.composer.as_mut().unwrap().to = LineInput::with("bob@example.test");
    t.app.composer.as_mut().unwrap().from = LineInput::with("Mallory <mallory@evil.test>");
    t.keys("<C-s>");
    assert!(info(&t).contains("none of your addresses"), "{}", info(&t));
    assert!(t.app.store.outbox(None).unwrap().is_empty());
}

#[test]
fn the_outbox_lists_messages_and_opens_them_back() {
    let mut t = demo_app(160, 45);
    t.keys("Cibob@example.test<Tab><Tab><Tab>Queued<Esc><C-s>");
    let outbox = t
        .app
        .tree
        .folders
        .iter()
        .find(|f| f.role == Some(crate::mail::Role::Outbox))
        .unwrap()
        .path
        .clone();
    t.keys(&format!(":folder {outbox}<Enter>"));
    assert_eq!(t.app.list.rows.len(), 1);
    let row = t.app.list.selected().unwrap();
    assert!(row.subject.starts_with("Queued ["), "{}", row.subject);
    assert!(row.who().contains("To: bob@example.test"));
    t.keys("<Enter>");
    assert_eq!(composer(&t).subject.text, "Queued");
    assert!(t.app.store.outbox(None).unwrap().is_empty());
    // sent again, then thrown away from the Outbox with d (after asking)
    t.keys("<C-s>");
    t.keys(&format!(":folder {outbox}<Enter>"));
    t.keys("dn");
    assert_eq!(t.app.store.outbox(None).unwrap().len(), 1);
    t.keys("dy");
    assert!(t.app.store.outbox(None).unwrap().is_empty(), "{}", info(&t));
    assert!(
        t.app
            .tree
            .folders
            .iter()
            .all(|f| f.role != Some(crate::mail::Role::Outbox)),
        "an empty Outbox is not shown"
    );
}

#[test]
fn postpone_saves_to_drafts_and_a_draft_resumes() {
    let mut t = demo_app(160, 45);
    let before = t.app.store.envelopes("demo", "Drafts").unwrap().len();
    t.keys("Cicarol@example.test<Tab><Tab><Tab>Half done<Tab><Tab>first words<Esc>");
    t.keys(":postpone<Enter>");
    assert!(t.app.composer.is_none(), "{}", info(&t));
    let drafts = t.app.store.envelopes("demo", "Drafts").unwrap();
    assert_eq!(drafts.len(), before + 1);
    let copy = drafts.iter().find(|e| e.subject == "Half done").unwrap();
    assert!(copy.flags.draft() && copy.flags.seen());
    let journal = t.app.store.journal(Some("demo")).unwrap();
    assert!(journal.iter().any(
        |e| matches!(&e.op, crate::store::JournalOp::Append { folder, .. } if folder == "Drafts")
    ));
    // open it from Drafts: it resumes, and postponing again replaces the copy
    t.keys(":folder Drafts<Enter>");
    assert!(t.app.list.select_uid(copy.uid));
    t.keys("<Enter>");
    assert_eq!(composer(&t).subject.text, "Half done");
    assert!(composer(&t).body_text().contains("first words"));
    t.keys("Go<Esc>:postpone<Enter>");
    let drafts = t.app.store.envelopes("demo", "Drafts").unwrap();
    assert_eq!(
        drafts.iter().filter(|e| e.subject == "Half done").count(),
        1,
        "replaced, not added"
    );
}

#[test]
fn the_editor_round_trip_reads_the_text_back() {
    let mut t = demo_app(160, 45);
    t.keys("Cibob@example.test<Esc><C-e>");
    let req = t.app.editor.take().expect("an editor request");
    let text = std::fs::read_to_string(&req.path).unwrap();
    assert!(
        text.contains("Sam Rivera · tmail demo"),
        "the body with the signature: {text}"
    );
    std::fs::write(&req.path, "Written in vi\n\n-- \nSam\n").unwrap();
    t.app.update(Action::EditorDone {
        path: req.path.clone(),
        ok: true,
        message: None,
    });
    assert_eq!(composer(&t).body_text(), "Written in vi\n\n-- \nSam");
    // an editor that fails keeps the text as it was
    t.keys("<C-e>");
    let req = t.app.editor.take().unwrap();
    std::fs::write(&req.path, "garbage").unwrap();
    t.app.update(Action::EditorDone {
        path: req.path,
        ok: false,
        message: Some("it exited with exit status: 1".into()),
    });
    assert_eq!(composer(&t).body_text(), "Written in vi\n\n-- \nSam");
    assert!(info(&t).contains("as it was"));
    // with edit_headers, the headers come back too
    t.app.edit_headers = true;
    t.keys("<C-e>");
    let req = t.app.editor.take().unwrap();
    std::fs::write(
        &req.path,
        "From: Sam Rivera <sam@demo.tmail.test>\nTo: carol@example.test\nSubject: From vi\n\nBody\n",
    )
    .unwrap();
    t.app.update(Action::EditorDone {
        path: req.path,
        ok: true,
        message: None,
    });
    assert_eq!(composer(&t).to.text, "carol@example.test");
    assert_eq!(composer(&t).subject.text, "From vi");
    assert_eq!(composer(&t).body_text(), "Body");
}

#[test]
fn a_message_being_written_survives_a_quit_and_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = crate::store::Store::open(dir.path()).unwrap();
    crate::backend::demo::seed(&store).unwrap();
    let setup = |store: crate::store::Store| AppSetup {
        store,
        accounts: vec!["demo".into()],
        own_addresses: crate::backend::demo::own_addresses(),
        compose: crate::backend::demo::compose_settings(),
        reading: Default::default(),
        history_file: None,
        default_account: None,
        ui: crate::config::UiSettings::default(),
        keymap: crate::input::Keymap::defaults(),
        theme: crate::ui::theme::load("default", None, crate::ui::theme::ColorSupport::TrueColor)
            .unwrap(),
        theme_dir: None,
        colors: crate::ui::theme::ColorSupport::TrueColor,
        size: (160, 45),
        first_paint: None,
    };
    let (mut app, _) = App::new(setup(store.clone()));
    for k in crate::input::parse_keys(
        "Cidana@example.test<Tab><Tab>hidden@example.test<Tab>Unsent<Tab><Tab>keep me",
    )
    .unwrap()
    {
        app.update(Action::Key(k.to_event()));
    }
    // the autosave is due within a second: the event loop's timer
    let due = app.next_wakeup().expect("an autosave is due");
    assert!(due <= std::time::Instant::now() + std::time::Duration::from_secs(1));
    // Q asks first
    for k in crate::input::parse_keys("<Esc>Q").unwrap() {
        app.update(Action::Key(k.to_event()));
    }
    assert!(matches!(app.mode, Mode::Confirm { .. }));
    assert!(!app.quit);
    app.update(Action::Key(crate::input::Key::char('y').to_event()));
    assert!(app.quit);
    drop(app);
    // the next start offers it back
    let (app, _) = App::new(setup(store));
    let c = app.composer.as_ref().expect("the message came back");
    assert_eq!(c.subject.text, "Unsent");
    assert!(c.body_text().contains("keep me"));
    assert_eq!(c.to.text, "dana@example.test");
    assert_eq!(c.bcc.text, "hidden@example.test", "Bcc is kept too");
}

#[test]
fn abort_discards_only_after_asking() {
    let mut t = demo_app(160, 45);
    t.keys("Cisomething<Esc>q");
    assert!(matches!(t.app.mode, Mode::Confirm { .. }));
    t.keys("n");
    assert!(t.app.composer.is_some());
    let id = composer(&t).draft_id.clone();
    t.app.save_composer();
    assert!(t.app.store.draft(&id).unwrap().is_some());
    t.keys("qy");
    assert!(t.app.composer.is_none());
    assert!(
        t.app.store.draft(&id).unwrap().is_none(),
        "a discarded message is not kept"
    );
}

#[test]
fn undo_brings_back_fields_and_attachments_too() {
    let mut t = demo_app(160, 45);
    t.keys("Cibob@example.test<Tab><Tab><Tab>Plans<Esc>");
    assert_eq!(composer(&t).field, Field::Subject);
    t.keys("dd");
    assert_eq!(composer(&t).subject.text, "");
    t.keys("u");
    assert_eq!(composer(&t).subject.text, "Plans");
    t.keys("<C-r>");
    assert_eq!(composer(&t).subject.text, "");
    t.keys("u");
    // what was typed in a field is one step
    t.keys("A more<Esc>");
    assert_eq!(composer(&t).subject.text, "Plans more");
    t.keys("u");
    assert_eq!(composer(&t).subject.text, "Plans");
    // an attachment removed comes back
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.txt");
    std::fs::write(&f, "a").unwrap();
    t.keys(&format!(":attach {}<Enter>", f.display()));
    t.app.composer.as_mut().unwrap().field = Field::Attachments;
    t.keys("x");
    assert!(composer(&t).attachments.is_empty());
    t.keys("u");
    assert_eq!(composer(&t).attachments.len(), 1);
}

#[test]
fn esc_and_a_key_read_together_are_both_keys() {
    let mut t = demo_app(160, 45);
    t.keys("Cibob@example.test<Tab><Tab><Tab>Hi<A-j>");
    assert!(!composer(&t).insert, "Alt-j left insert mode");
    assert_eq!(composer(&t).subject.text, "Hi");
    assert_eq!(composer(&t).field, Field::Attachments, "then j moved down");
}

#[test]
fn completion_ranks_what_starts_with_the_word_and_enter_takes_it() {
    let mut t = demo_app(160, 45);
    t.keys("Cimar");
    let s = composer(&t).suggestions.clone();
    assert!(s[0].starts_with("Marta"), "{s:?}");
    t.keys("<C-n>");
    assert!(!composer(&t).suggestions[0].starts_with("Marta"));
    t.keys("<C-p><Enter>");
    assert!(
        composer(&t).to.text.starts_with("Marta Kowalska <"),
        "{}",
        composer(&t).to.text
    );
}

#[test]
fn quitting_with_mail_waiting_in_the_outbox_asks() {
    let mut t = demo_app(160, 45);
    t.keys("Cibob@example.test<Tab><Tab><Tab>Soon<Esc><C-s>");
    assert!(t.app.composer.is_none());
    t.keys("Q");
    assert!(matches!(&t.app.mode, Mode::Confirm { prompt, .. } if prompt.contains("Outbox")));
    t.keys("n");
    assert!(!t.app.quit);
    // no subject: it asks before sending
    t.keys("u<Esc>");
    t.app.composer.as_mut().unwrap().subject = LineInput::default();
    t.keys("<C-s>");
    assert!(matches!(&t.app.mode, Mode::Confirm { prompt, .. } if prompt.contains("subject")));
    t.keys("y");
    assert!(t.app.composer.is_none());
}

#[test]
fn help_opens_at_the_keys_of_the_composer() {
    let mut t = demo_app(160, 45);
    t.keys("C?");
    let Mode::Help { scroll } = t.app.mode else {
        panic!()
    };
    assert!(scroll > 0);
    let lines = crate::ui::help::help_lines(&t.app, crate::ui::help::text_width(160));
    let at: String = lines[scroll]
        .spans
        .iter()
        .map(|s| s.content.to_string())
        .collect();
    assert!(at.contains("Composer"), "{at}");
}

/// The raw Drafts copy whose subject is `subject`, and its UID.
fn drafts_copy(t: &TestApp, subject: &str) -> (u32, String) {
    let e = t
        .app
        .store
        .envelopes("demo", "Drafts")
        .unwrap()
        .into_iter()
        .find(|e| e.subject == subject)
        .expect("the postponed copy");
    let raw = t.app.store.body("demo", "Drafts", e.uid).unwrap().unwrap();
    (e.uid, String::from_utf8_lossy(&raw).into_owned())
}

/// Open the Drafts copy `subject` in the composer.
fn resume(t: &mut TestApp, subject: &str) {
    let (uid, _) = drafts_copy(t, subject);
    t.keys(":folder Drafts<Enter>");
    assert!(t.app.list.select_uid(uid));
    t.keys("<Enter>");
    assert_eq!(composer(t).subject.text, subject, "{}", info(t));
}

#[test]
fn a_resumed_draft_sent_leaves_the_drafts_list_at_once() {
    let mut t = demo_app(200, 50);
    t.keys("Ciz@x.test<Tab><Tab><Tab>Stale draft<Esc>:postpone<Enter>");
    resume(&mut t, "Stale draft");
    let rows = t.app.list.rows.len();
    let (uid, _) = drafts_copy(&t, "Stale draft");
    t.keys("<C-s>");
    assert!(t.app.composer.is_none(), "{}", info(&t));
    assert_eq!(t.app.list.folder, "Drafts");
    assert_eq!(
        t.app.list.rows.len(),
        rows - 1,
        "the sent draft's row is gone"
    );
    assert!(!t.app.list.items.iter_views().any(|e| e.uid == uid));
    let f = t.app.tree.get("demo", "Drafts").unwrap();
    assert_eq!(f.total as usize, rows - 1, "and the count with it");
}

#[test]
fn bcc_survives_postpone_and_resume_but_is_never_sent_as_a_header() {
    let mut t = demo_app(200, 50);
    t.keys("Cia@x.test<Tab><Tab>secret@x.test<Tab>bcc test<Esc>");
    t.keys(":postpone<Enter>");
    assert!(t.app.composer.is_none(), "{}", info(&t));
    let (_, raw) = drafts_copy(&t, "bcc test");
    assert!(raw.contains("\r\nBcc: secret@x.test\r\n"), "{raw}");
    resume(&mut t, "bcc test");
    assert_eq!(composer(&t).bcc.text, "secret@x.test");
    assert_eq!(composer(&t).to.text, "a@x.test");
    // sent: Bcc is a recipient, never a header of what goes out
    t.keys("<C-s>");
    assert!(t.app.composer.is_none(), "{}", info(&t));
    let out = t.app.store.outbox(Some("demo")).unwrap();
    assert_eq!(out[0].draft.bcc[0].email, "secret@x.test");
    let built = crate::mail::compose::build(&out[0].draft, std::time::SystemTime::now()).unwrap();
    assert!(built.recipients.contains(&"secret@x.test".to_string()));
    let head = String::from_utf8_lossy(&built.bytes).to_ascii_lowercase();
    assert!(!head.contains("bcc:"), "{head}");
    // the Sent copy names it
    let copy = crate::mail::compose::sent_copy(&built, &out[0].draft.bcc);
    let copy = String::from_utf8_lossy(&copy);
    assert!(copy.contains("\r\nBcc: secret@x.test\r\n\r\n"), "{copy}");
}

#[test]
fn a_reply_resumed_from_drafts_keeps_in_reply_to_and_what_it_answers() {
    let mut t = demo_app(160, 45);
    t.keys("/Release plan<Enter>");
    let uid = t.app.list.selected().unwrap().uid;
    let original = t.app.store.envelope("demo", "INBOX", uid).unwrap().unwrap();
    let id = original
        .message_id
        .clone()
        .expect("the original has a Message-ID");
    t.keys("r");
    let subject = composer(&t).subject.text.clone();
    t.keys("ithe answer<Esc>:postpone<Enter>");
    assert!(t.app.composer.is_none(), "{}", info(&t));
    let (_, raw) = drafts_copy(&t, &subject);
    assert!(raw.contains(&format!("In-Reply-To: <{id}>")), "{raw}");
    assert!(raw.contains("References: "), "{raw}");
    resume(&mut t, &subject);
    let c = composer(&t);
    assert_eq!(c.in_reply_to.as_deref(), Some(id.as_str()));
    let a = c.answers.clone().expect("it still answers the original");
    assert_eq!(
        (a.folder.as_str(), a.uid, a.forwarded),
        ("INBOX", uid, false)
    );
    // the autosave keeps that too: a restart brings it back still answering
    t.app.save_composer();
    let rec = t
        .app
        .store
        .drafts()
        .unwrap()
        .into_iter()
        .find(|r| r.open)
        .expect("the autosaved record");
    assert_eq!(rec.answers.as_ref().map(|a| a.uid), Some(uid));
    assert_eq!(rec.draft.in_reply_to.as_deref(), Some(id.as_str()));
    t.keys("<C-s>");
    assert!(t.app.composer.is_none(), "{}", info(&t));
    let out = t.app.store.outbox(Some("demo")).unwrap();
    assert_eq!(out[0].answers.as_ref().map(|a| a.uid), Some(uid));
    let built = crate::mail::compose::build(&out[0].draft, std::time::SystemTime::now()).unwrap();
    let text = String::from_utf8_lossy(&built.bytes);
    assert!(text.contains(&format!("In-Reply-To: <{id}>")), "{text}");
}

#[test]
fn a_reply_resumed_finds_the_original_moved_to_another_folder() {
    let mut t = demo_app(160, 45);
    t.keys("/Release plan<Enter>");
    let uid = t.app.list.selected().unwrap().uid;
    let original = t.app.store.envelope("demo", "INBOX", uid).unwrap().unwrap();
    let raw = t.app.store.body("demo", "INBOX", uid).unwrap().unwrap();
    t.keys("r");
    let subject = composer(&t).subject.text.clone();
    t.keys(":postpone<Enter>");
    // the original moves to Archive under another UID (the record's place is stale)
    t.app.store.remove_message("demo", "INBOX", uid).unwrap();
    let moved = crate::mail::Envelope {
        uid: 777_777,
        ..original.clone()
    };
    t.app
        .store
        .put_envelopes("demo", "Archive", std::slice::from_ref(&moved))
        .unwrap();
    t.app
        .store
        .put_body("demo", "Archive", 777_777, &raw)
        .unwrap();
    resume(&mut t, &subject);
    let a = composer(&t).answers.clone().expect("found where it is now");
    assert_eq!((a.folder.as_str(), a.uid), ("Archive", 777_777));
    t.keys("qy");
    // gone from the store altogether: it resumes and sends, only nothing is flagged
    t.app
        .store
        .remove_message("demo", "Archive", 777_777)
        .unwrap();
    resume(&mut t, &subject);
    assert!(composer(&t).answers.is_none());
    assert!(composer(&t).in_reply_to.is_some());
    t.keys("<C-s>");
    assert!(t.app.composer.is_none(), "{}", info(&t));
    assert_eq!(t.app.store.outbox(Some("demo")).unwrap().len(), 1);
}

#[test]
fn a_forward_resumed_from_drafts_still_flags_the_original_forwarded() {
    let mut t = demo_app(160, 45);
    t.keys("/Release plan<Enter>");
    let uid = t.app.list.selected().unwrap().uid;
    let id = t
        .app
        .store
        .envelope("demo", "INBOX", uid)
        .unwrap()
        .unwrap()
        .message_id
        .unwrap();
    t.keys("F");
    let subject = composer(&t).subject.text.clone();
    t.keys("ibob@example.test<Esc>:postpone<Enter>");
    assert!(t.app.composer.is_none(), "{}", info(&t));
    let (_, raw) = drafts_copy(&t, &subject);
    assert!(
        raw.contains(&format!("X-Forwarded-Message-Id: <{id}>")),
        "{raw}"
    );
    // found by that id even without the draft's record (postponed by another tmail)
    for r in t.app.store.drafts().unwrap() {
        t.app.store.remove_draft(&r.draft.id).unwrap();
    }
    resume(&mut t, &subject);
    let a = composer(&t)
        .answers
        .clone()
        .expect("it still forwards the original");
    assert_eq!(
        (a.folder.as_str(), a.uid, a.forwarded),
        ("INBOX", uid, true)
    );
    t.keys("<C-s>");
    let out = t.app.store.outbox(Some("demo")).unwrap();
    assert!(out[0].answers.as_ref().is_some_and(|a| a.forwarded));
    // what is sent never names it
    let built = crate::mail::compose::build(&out[0].draft, std::time::SystemTime::now()).unwrap();
    assert!(!String::from_utf8_lossy(&built.bytes).contains("X-Forwarded-Message-Id"));
}

#[test]
fn a_bad_address_is_quoted_as_typed() {
    let mut t = demo_app(200, 50);
    t.keys("Cia@x.test<Tab><Tab>not an address<Tab>subject<Esc><C-s>");
    assert_eq!(
        t.app.status.error.as_deref(),
        Some("send: Bcc: \"not an address\" is not an email address")
    );
    t.app.composer.as_mut().unwrap().bcc = LineInput::default();
    t.app.composer.as_mut().unwrap().cc = LineInput::with("Bob <bob@>");
    t.keys("<C-s>");
    assert_eq!(
        t.app.status.error.as_deref(),
        Some("send: Cc: \"Bob <bob@>\" is not an email address")
    );
    // a no to any question says so in lowercase, as every status message does
    t.keys("qn");
    assert_eq!(t.app.status.info.as_deref(), Some("cancelled"));
}
