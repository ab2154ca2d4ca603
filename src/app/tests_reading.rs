//! App::update tests of reading all the way: the parts list (view, save byte for byte, never
//! overwriting without asking, save-all, open with a viewer), links (open, mailto, copy), OSC
//! 52 copying, all headers and the source, the HTML part in a browser, piping, and searching
//! inside a message.

use super::testing::{demo_app, TestApp};
use super::*;
use crate::mail::parts;

fn open_subject(t: &mut TestApp, subject: &str) {
    t.keys(&format!("/{subject}<Enter>"));
    t.keys("<Esc>");
    t.keys("<Enter>");
    assert!(t.app.preview.raw().is_some(), "{subject} opened");
}

fn info(t: &TestApp) -> String {
    format!(
        "{} | {}",
        t.app.status.info.clone().unwrap_or_default(),
        t.app.status.error.clone().unwrap_or_default()
    )
}

#[test]
fn a_part_is_saved_byte_for_byte_and_never_over_a_file_without_asking() {
    let mut t = demo_app(160, 45);
    let dir = tempfile::tempdir().unwrap();
    t.app.reading.attachment_dir = Some(dir.path().to_path_buf());
    open_subject(&mut t, "Q3 report");
    t.keys("A");
    let Mode::Menu(m) = &t.app.mode else {
        panic!("no parts list: {}", info(&t));
    };
    let reading::MenuKind::Parts(list) = &m.kind else {
        panic!("{m:?}")
    };
    let part = list[m.cursor].clone();
    assert!(part.content_type.contains("pdf"), "{part:?}");
    let raw = t.app.preview.raw().unwrap().to_vec();
    let want = parts::decoded_bytes(&raw, &part.id).unwrap();
    // s asks where, with the default filled in; Enter saves there
    t.keys("s");
    let Mode::Command(line) = &t.app.mode else {
        panic!("{:?}", t.app.mode)
    };
    assert!(line.text.starts_with("save ") && line.text.contains(&part.file_name));
    t.keys("<Enter>");
    let saved = dir.path().join(&part.file_name);
    assert_eq!(std::fs::read(&saved).unwrap(), want, "{}", info(&t));
    assert!(
        matches!(t.app.mode, Mode::Menu(_)),
        "back to the parts list after saving"
    );
    // again: the file is there, so it asks; n keeps it, y replaces it
    std::fs::write(&saved, b"mine").unwrap();
    t.keys("s<Enter>");
    assert!(matches!(t.app.mode, Mode::Confirm { .. }), "{}", info(&t));
    t.keys("n");
    assert_eq!(std::fs::read(&saved).unwrap(), b"mine");
    assert!(
        matches!(t.app.mode, Mode::Menu(_)),
        "back to the parts list after no"
    );
    t.keys("s<Enter>y");
    assert_eq!(std::fs::read(&saved).unwrap(), want);
    assert!(matches!(t.app.mode, Mode::Menu(_)), "and after yes");
    // a pipe goes back to the list too (its outcome comes to the status line)
    t.keys("|cat<Enter>");
    assert!(matches!(t.app.mode, Mode::Menu(_)), "{:?}", t.app.mode);
    assert!(t.sent.iter().any(|c| matches!(c, Command::Pipe { .. })));
    // save-all: unique names, nothing replaced
    t.keys("S");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 2, "{names:?} {}", info(&t));
    // the pdf's name was taken: the status says what it became
    let (stem, ext) = part.file_name.rsplit_once('.').unwrap();
    let status = t.app.status.info.clone().unwrap_or_default();
    assert!(
        status.contains(&format!("{} as {stem}-1.{ext}", part.file_name)),
        "{status}"
    );
    assert!(names.contains(&format!("{stem}-1.{ext}")), "{names:?}");
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        want,
        "save-all did not overwrite"
    );
}

fn line(t: &TestApp) -> String {
    match &t.app.mode {
        Mode::Command(l) => l.text.clone(),
        other => panic!("not on the : line: {other:?}"),
    }
}

#[test]
fn tab_completes_paths_on_the_save_line() {
    let mut t = demo_app(160, 45);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("paper.pdf"), b"").unwrap();
    std::fs::create_dir(dir.path().join("pack")).unwrap();
    std::fs::write(dir.path().join("other.txt"), b"").unwrap();
    t.app.reading.attachment_dir = Some(dir.path().to_path_buf());
    let d = dir.path().display().to_string();
    open_subject(&mut t, "Q3 report");
    // the prompt of `s` in the parts list: an absolute path
    t.keys("As<C-w>");
    assert_eq!(line(&t), "save ");
    t.keys(&format!("{d}/pap<Tab>"));
    assert_eq!(line(&t), format!("save {d}/paper.pdf"));
    // several candidates: the wildmenu, a directory with its `/`
    t.keys(&format!("<C-w>{d}/pa<Tab>"));
    let c = t.app.completion.clone().expect("a wildmenu");
    assert_eq!(
        c.candidates,
        vec![format!("{d}/pack/"), format!("{d}/paper.pdf")]
    );
    assert_eq!(line(&t), format!("save {d}/pack/"));
    // relative to attachment_dir, where a relative path is saved
    t.keys("<C-w>ot<Tab>");
    assert_eq!(line(&t), "save other.txt");
    t.keys("<Esc>");
    assert!(
        matches!(t.app.mode, Mode::Menu(_)),
        "back to the parts list"
    );
    t.keys("<Esc>");
    // typed on the : line too
    t.keys(&format!(":save {d}/pa<Tab>"));
    assert_eq!(line(&t), format!("save {d}/pack/"));
    assert!(t.app.completion.is_some());
}

#[test]
fn a_part_opens_with_its_viewer_from_a_private_copy() {
    let mut t = demo_app(160, 45);
    let mut table = std::collections::BTreeMap::new();
    table.insert(
        "application/pdf".to_string(),
        "zathura --fork %s".to_string(),
    );
    t.app.reading.open = crate::external::OpenRules::new(Some("xdg-open"), &table).unwrap();
    open_subject(&mut t, "Q3 report");
    t.sent.clear();
    t.keys("Ao");
    let argv = t
        .sent
        .iter()
        .find_map(|c| match c {
            Command::Open { argv, .. } => Some(argv.clone()),
            _ => None,
        })
        .expect("an open command");
    assert_eq!(argv[0], "zathura");
    assert_eq!(argv[1], "--fork");
    let path = std::path::PathBuf::from(&argv[2]);
    let raw = t.app.preview.raw().unwrap().to_vec();
    let pdf = parts::list(&raw)
        .into_iter()
        .find(|p| p.content_type.contains("pdf"))
        .unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        parts::decoded_bytes(&raw, &pdf.id).unwrap()
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a private copy");
}

#[test]
fn links_are_numbered_opened_and_copied() {
    let mut t = demo_app(160, 45);
    open_subject(&mut t, "We shipped 0.3");
    let link = t
        .app
        .preview
        .links
        .iter()
        .find(|l| l.target.contains("tmail.test/releases/0.3"))
        .cloned()
        .expect("the release notes link");
    assert!(
        t.app.preview.marks.iter().any(|m| m.number == link.number),
        "the link is marked in the text"
    );
    t.sent.clear();
    t.keys("gx");
    assert!(matches!(t.app.mode, Mode::Menu(_)));
    for _ in 1..link.number {
        t.keys("j");
    }
    t.keys("<Enter>");
    let argv = t
        .sent
        .iter()
        .find_map(|c| match c {
            Command::Open { argv, .. } => Some(argv.clone()),
            _ => None,
        })
        .expect("the link opened");
    assert_eq!(argv.last().unwrap(), link.target.as_str());
    // yank: the link goes to the clipboard with OSC 52
    t.keys("gx");
    for _ in 1..link.number {
        t.keys("j");
    }
    t.keys("y");
    let seq = t.app.terminal_out.join("");
    assert!(seq.contains("\u{1b}]52;c;"), "{seq:?}");
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(link.target.as_bytes());
    assert!(seq.contains(&b64), "{seq:?}");
}

#[test]
fn yank_copies_the_subject_and_the_message_id() {
    let mut t = demo_app(160, 45);
    open_subject(&mut t, "Q3 report");
    t.keys(":yank message-id<Enter>");
    let seq = t.app.terminal_out.join("");
    assert!(seq.contains("]52;c;"), "{} {seq:?}", info(&t));
    t.app.terminal_out.clear();
    t.keys("y");
    let Mode::Menu(m) = &t.app.mode else { panic!() };
    assert!(m.labels(&t.app)[0].starts_with("subject: Q3 report"));
    t.keys("<Enter>");
    assert!(!t.app.terminal_out.is_empty());
    // with copy_command, the local worker copies instead
    t.app.reading.copy = Some(crate::external::CommandTemplate::parse("wl-copy").unwrap());
    t.sent.clear();
    t.keys("y<Enter>");
    assert!(t
        .sent
        .iter()
        .any(|c| matches!(c, Command::Copy { text, .. } if text.starts_with("Q3 report"))));
}

#[test]
fn headers_source_and_html_views() {
    let mut t = demo_app(160, 45);
    open_subject(&mut t, "Q3 report");
    let normal = t.app.preview.rendered.lines.len();
    t.keys("H");
    assert_eq!(t.app.preview.view, preview::View::Headers);
    assert!(t
        .app
        .preview
        .rendered
        .lines
        .iter()
        .any(|l| l.text.starts_with("Message-ID:") || l.text.starts_with("Message-Id:")));
    t.keys("H");
    assert_eq!(t.app.preview.view, preview::View::Message);
    assert_eq!(t.app.preview.rendered.lines.len(), normal);
    t.keys(":source<Enter>");
    assert_eq!(t.app.preview.view, preview::View::Source);
    assert!(t
        .app
        .preview
        .rendered
        .lines
        .iter()
        .any(|l| l.text.contains("Content-Type:")));
    t.keys("q");
    assert_eq!(
        t.app.preview.view,
        preview::View::Message,
        "q goes back to the message first"
    );
    // pipe-message hands the raw bytes to a command
    t.sent.clear();
    t.keys(":pipe-message wc -c<Enter>");
    let raw = t.app.preview.raw().unwrap().to_vec();
    assert!(t.sent.iter().any(
        |c| matches!(c, Command::Pipe { command, input } if command == "wc -c" && *input == raw)
    ));
}

#[test]
fn a_view_asked_for_from_the_list_is_read_in_the_preview_and_q_goes_back() {
    // nothing opened yet, the preview showing beside the list: `:source` then `q` must not quit
    for (what, view) in [
        (":source<Enter>", preview::View::Source),
        ("H", preview::View::Headers),
    ] {
        let mut t = demo_app(200, 50);
        assert_eq!(t.app.focus, Pane::List);
        t.keys(what);
        assert_eq!(t.app.preview.view, view, "{what}");
        assert_eq!(
            t.app.focus,
            Pane::Preview,
            "{what}: the view takes the keys"
        );
        t.keys("q");
        assert!(!t.app.quit, "{what} then q quit tmail");
        assert_eq!(t.app.preview.view, preview::View::Message, "{what}");
        t.keys("q");
        assert!(!t.app.quit);
        assert_eq!(
            t.app.focus,
            Pane::List,
            "{what}: a second q goes back to the list"
        );
    }
}

#[test]
fn a_row_number_on_the_command_line_goes_to_that_message() {
    let mut t = demo_app(200, 50);
    t.keys(":5<Enter>");
    assert_eq!(t.app.list.cursor, 4);
    assert_eq!(t.app.focus, Pane::List);
    // while reading: message 3 of the list, opened
    t.keys("<Enter>");
    assert_eq!(t.app.focus, Pane::Preview);
    t.keys(":3<Enter>");
    assert_eq!(t.app.list.cursor, 2);
    let row = t.app.list.selected().map(|e| e.uid);
    assert_eq!(t.app.preview.target.clone().map(|t| t.2), row);
    assert_eq!(t.app.focus, Pane::Preview);
}

#[test]
fn a_message_that_cannot_load_shows_its_envelope_and_the_whole_reason() {
    let mut t = demo_app(80, 24);
    t.keys("<Enter>");
    let (account, folder, uid) = t.app.preview.target.clone().unwrap();
    let subject = t.app.list.selected().unwrap().subject.to_string();
    let error =
        "offline: this message is not cached yet (it is fetched when the account is back online)";
    t.app.update(Action::Worker(Event::BodyFailed {
        account,
        folder,
        uid,
        error: error.into(),
    }));
    let lines: Vec<String> = t
        .app
        .preview
        .rendered
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect();
    assert!(lines.iter().any(|l| l.starts_with("From: ")), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Subject: ") && subject.starts_with(&l[9..])),
        "{lines:?}"
    );
    let width = t.app.preview_size().0;
    assert!(
        lines
            .iter()
            .all(|l| crate::mail::sanitize::width(l) <= width),
        "{lines:?}"
    );
    let all = lines.join(" ");
    assert!(
        all.contains("account is back online"),
        "the reason is cut: {lines:?}"
    );
}

#[test]
fn the_html_part_opens_in_a_browser_with_remote_content_blocked() {
    let mut t = demo_app(160, 45);
    // a message with an HTML alternative says so, and open-html writes it out
    let mut found = false;
    for uid in t.app.store.uids("demo", "INBOX").unwrap() {
        let raw = t.app.store.body("demo", "INBOX", uid).unwrap().unwrap();
        if crate::mail::html::has_html_alternative(&raw) {
            assert!(t.app.list.select_uid(uid));
            found = true;
            break;
        }
    }
    assert!(found, "the demo has a message with an HTML alternative");
    t.keys("<Enter>");
    assert!(
        t.app
            .preview
            .rendered
            .lines
            .iter()
            .any(|l| l.text.contains("HTML")),
        "the notice"
    );
    t.sent.clear();
    t.keys(":open-html<Enter>");
    let argv = t
        .sent
        .iter()
        .find_map(|c| match c {
            Command::Open { argv, .. } => Some(argv.clone()),
            _ => None,
        })
        .expect("opened");
    let html = std::fs::read_to_string(argv.last().unwrap()).unwrap();
    assert!(html.contains("Content-Security-Policy"), "{html}");
}

#[test]
fn slash_in_the_preview_searches_the_message() {
    let mut t = demo_app(160, 30);
    open_subject(&mut t, "Welcome to tmail");
    t.keys("/panes<Enter>");
    let f = t.app.preview.find.clone().expect("a search in the message");
    assert!(!f.hits.is_empty());
    assert!(info(&t).contains("in this message"), "{}", info(&t));
    let first = f.current.unwrap();
    t.keys("n");
    let f2 = t.app.preview.find.clone().unwrap();
    assert!(f.hits.len() == 1 || f2.current != Some(first));
    t.keys("<Esc>");
    assert!(t.app.preview.find.is_none());
    assert_eq!(t.app.focus, Pane::Preview, "Esc first ends the search");
}

#[test]
fn n_in_the_preview_says_which_match_it_is() {
    let mut t = demo_app(160, 30);
    open_subject(&mut t, "Welcome to tmail");
    // a word the message holds several times
    let text: String = t
        .app
        .preview
        .rendered
        .lines
        .iter()
        .map(|l| l.text.to_lowercase() + "\n")
        .collect();
    let word = ["the", "tmail", "a"]
        .into_iter()
        .find(|w| text.matches(w).count() >= 3)
        .expect("a word found three times");
    t.keys(&format!("/{word}<Enter>"));
    let f = t.app.preview.find.clone().unwrap();
    let n = f.hits.len();
    let k = f.current.unwrap() + 1;
    assert_eq!(
        t.app.status.info.as_deref(),
        Some(format!("match {k} of {n} in this message (n/N: next/previous)").as_str())
    );
    t.keys("n");
    assert_eq!(
        t.app.status.info.as_deref(),
        Some(format!("match {} of {n}", k % n + 1).as_str())
    );
    t.keys("N");
    assert_eq!(
        t.app.status.info.as_deref(),
        Some(format!("match {k} of {n}").as_str())
    );
    // N from the first hit wraps to the last
    while t.app.preview.find.as_ref().unwrap().current != Some(0) {
        t.keys("N");
    }
    t.keys("N");
    assert_eq!(
        t.app.status.info.as_deref(),
        Some(format!("match {n} of {n}").as_str())
    );
    // nothing found: said on Enter and on every n / N
    t.keys("<Esc>/zzqqxx<Enter>");
    assert_eq!(
        t.app.status.error.as_deref(),
        Some("no match for \"zzqqxx\" in this message")
    );
    for key in ["n", "N"] {
        t.keys(key);
        assert_eq!(
            t.app.status.error.as_deref(),
            Some("no match for \"zzqqxx\" in this message"),
            "{key}"
        );
        assert_eq!(t.app.focus, Pane::Preview);
    }
}

#[test]
fn a_mailto_link_opens_the_composer() {
    let mut t = demo_app(160, 45);
    open_subject(&mut t, "We shipped 0.3");
    t.app.preview.links.push(crate::mail::links::Link {
        number: 99,
        target: "mailto:team@example.test?subject=Cake%20time".into(),
        text: None,
        kind: crate::mail::links::LinkKind::Mail,
        source: crate::mail::links::LinkSource::Text,
    });
    t.keys("gx");
    let n = t.app.preview.links.len();
    for _ in 1..n {
        t.keys("j");
    }
    t.keys("<Enter>");
    let c = t.app.composer.as_ref().expect("the composer");
    assert_eq!(c.to.text, "team@example.test");
    assert_eq!(c.subject.text, "Cake time");
}

#[test]
fn from_the_list_reading_commands_act_on_the_row_under_the_cursor() {
    let mut t = demo_app(160, 45);
    // open one message, go back, and put the cursor on another
    t.keys("<Enter>q");
    let opened = t.app.preview.target.clone().unwrap().2;
    t.keys("/Q3 report<Enter>");
    let row = t.app.list.selected().unwrap().uid;
    assert_ne!(row, opened);
    t.keys("A");
    let Mode::Menu(m) = &t.app.mode else {
        panic!("{}", info(&t))
    };
    assert!(
        m.labels(&t.app).iter().any(|l| l.contains("pdf")),
        "the row's parts, not the opened message's"
    );
    assert_eq!(t.app.preview.target.clone().unwrap().2, row);
    assert_eq!(t.app.focus, Pane::List, "the list keeps the focus");
}

#[test]
fn all_headers_come_with_the_body_and_hidden_links_are_listed() {
    let mut t = demo_app(160, 60);
    open_subject(&mut t, "Q3 report");
    t.keys("H");
    assert_eq!(
        t.app.preview.view,
        preview::View::Headers,
        "{} {:?}",
        info(&t),
        t.app.focus
    );
    let text: Vec<String> = t
        .app
        .preview
        .rendered
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect();
    assert!(text.iter().any(|l| l.starts_with("Message-I")), "{text:?}");
    assert!(
        text.iter().any(|l| l.contains("final")),
        "the body is still there: {text:?}"
    );
    // the hostile message's escape-sequence hyperlink: its target is listed where it shows
    t.keys("qq");
    open_subject(&mut t, "OVERDUE");
    let text: Vec<String> = t
        .app
        .preview
        .rendered
        .lines
        .iter()
        .map(|l| l.text.clone())
        .collect();
    assert!(
        text.iter().any(|l| l.contains("http://evil.test")),
        "{text:?}"
    );
}

#[test]
fn a_pdf_inside_a_forwarded_message_is_listed_and_saved() {
    let mut t = demo_app(160, 45);
    let dir = tempfile::tempdir().unwrap();
    t.app.reading.attachment_dir = Some(dir.path().to_path_buf());
    t.keys(":folder Archive<Enter>");
    open_subject(&mut t, "Fwd: Invoice TJ-55812");
    t.keys("A");
    let Mode::Menu(m) = &t.app.mode else {
        panic!("{}", info(&t))
    };
    let reading::MenuKind::Parts(list) = m.kind.clone() else {
        panic!()
    };
    let inner = list
        .iter()
        .position(|p| p.content_type == "application/pdf" && p.depth >= 2)
        .expect("the PDF inside the forwarded message, in the tree");
    assert!(list.iter().any(|p| p.content_type == "message/rfc822"));
    let want = parts::decoded_bytes(t.app.preview.raw().unwrap(), &list[inner].id).unwrap();
    assert!(want.starts_with(b"%PDF"));
    let name = list[inner].file_name.clone();
    while matches!(&t.app.mode, Mode::Menu(m) if m.cursor < inner) {
        t.keys("j");
    }
    while matches!(&t.app.mode, Mode::Menu(m) if m.cursor > inner) {
        t.keys("k");
    }
    t.keys("s<Enter>");
    assert_eq!(
        std::fs::read(dir.path().join(&name)).unwrap(),
        want,
        "{}",
        info(&t)
    );
    // v on the forwarded message shows it as a message
    let fwd = list
        .iter()
        .position(|p| p.content_type == "message/rfc822")
        .unwrap();
    while matches!(&t.app.mode, Mode::Menu(m) if m.cursor > fwd) {
        t.keys("k");
    }
    t.keys("v");
    assert!(matches!(t.app.preview.view, preview::View::Part(_)));
    assert!(t
        .app
        .preview
        .rendered
        .lines
        .iter()
        .any(|l| l.text.starts_with("Subject:") && l.text.contains("TJ-55812")));
}

/// Put the cursor on the first message of the thread whose subject is `subject`.
fn on_thread(t: &mut TestApp, subject: &str) {
    let row = (0..t.app.list.rows.len())
        .find(|&r| {
            t.app.list.rows[r].depth == 0
                && t.app
                    .list
                    .row_envelope(r)
                    .is_some_and(|e| e.subject == subject)
        })
        .unwrap_or_else(|| panic!("no thread {subject}"));
    t.app.list.cursor = row;
}

#[test]
fn a_long_thread_folds_into_one_row_and_is_acted_on_as_a_whole() {
    let mut t = demo_app(160, 45);
    assert!(t.app.list.threaded, "the demo opens threaded");
    let all = t.app.list.items.len();
    let rows = t.app.list.rows.len();
    on_thread(&mut t, "Release plan for 0.4");
    let root = t.app.list.cursor;
    // the cursor inside the thread folds it too
    t.keys("jj");
    t.keys("za");
    assert_eq!(t.app.list.cursor, root, "the cursor is on the thread's row");
    assert_eq!(t.app.list.rows.len(), rows - 5, "{}", info(&t));
    assert!(info(&t).contains("6 messages"), "{}", info(&t));
    assert_eq!(t.app.list.folded_counts(root).map(|c| c.0), Some(6));
    // j moves past the whole thread
    t.keys("j");
    assert_eq!(t.app.list.cursor, root + 1);
    assert!(!t.selected_subject().contains("Release plan"));
    t.keys("k");
    // a folded thread is one target: U marks all six read, d moves all six to Trash
    t.keys("U");
    assert_eq!(t.app.list.folded_counts(root), Some((6, 0)), "{}", info(&t));
    t.keys("U");
    assert_eq!(t.app.list.folded_counts(root), Some((6, 6)), "{}", info(&t));
    t.keys("d");
    assert_eq!(t.app.list.items.len(), all - 6, "{}", info(&t));
    assert!(t
        .app
        .list
        .items
        .iter_views()
        .all(|e| !e.subject.contains("Release plan")));
    // undo brings the thread back, folded as it left
    t.keys("u");
    assert_eq!(t.app.list.items.len(), all, "{}", info(&t));
    assert_eq!(t.app.list.rows.len(), rows - 5, "{}", info(&t));
    // <Space> unfolds and folds as za does; zR unfolds everything, zM folds every thread
    on_thread(&mut t, "Release plan for 0.4");
    assert_eq!(
        t.app.list.folded_counts(t.app.list.cursor).map(|c| c.0),
        Some(6)
    );
    t.keys("<Space>");
    assert_eq!(t.app.list.rows.len(), rows);
    t.keys("<Space>");
    assert_eq!(t.app.list.rows.len(), rows - 5);
    t.keys("<Space>");
    assert_eq!(t.app.list.rows.len(), rows);
    t.keys("zM");
    let folded = t.app.list.rows.len();
    assert!(folded < rows - 5, "{folded} of {rows}");
    assert!(info(&t).contains("threads folded"), "{}", info(&t));
    t.keys("zR");
    assert_eq!(t.app.list.rows.len(), rows, "{}", info(&t));
    assert!(!t.app.list.has_folds());
    // a single message has nothing to fold; the flat view has no threads
    on_thread(&mut t, "Welcome to tmail");
    t.keys("za");
    assert!(info(&t).contains("nothing to fold"), "{}", info(&t));
    t.keys("t");
    t.run_jobs();
    t.keys("za");
    assert!(info(&t).contains("threads are off"), "{}", info(&t));
}

#[test]
fn search_opens_a_folded_thread_to_show_its_hit() {
    let mut t = demo_app(160, 45);
    on_thread(&mut t, "Release plan for 0.4");
    t.keys("za");
    let rows = t.app.list.rows.len();
    // only the replies, hidden in the fold, say this
    t.keys("gg");
    t.keys("/Re: Release plan<Enter>");
    t.run_jobs();
    let e = t.app.list.selected().expect("a hit");
    assert!(e.subject.starts_with("Re: Release plan"), "{}", info(&t));
    assert!(
        t.app.list.rows.len() > rows,
        "the thread is open: {}",
        info(&t)
    );
    // a search that matches the first message too opens the thread: every hit is a row
    t.keys("<Esc>");
    on_thread(&mut t, "Release plan for 0.4");
    t.keys("za/Release plan for 0.4<Enter>");
    t.run_jobs();
    assert!(info(&t).contains("6 matches"), "{}", info(&t));
    assert!(!t.app.list.has_folds());
    for _ in 0..6 {
        t.keys("n");
        assert!(t.selected_subject().contains("Release plan for 0.4"));
    }
    // T selects the thread; on a folded thread the one row counts every message
    t.keys("<Esc>");
    on_thread(&mut t, "Release plan for 0.4");
    t.keys("zaT");
    assert!(
        info(&t).contains("6 messages in this thread"),
        "{}",
        info(&t)
    );
}

#[test]
fn acting_on_a_message_marks_it_read_only_when_it_shows() {
    let unread_row = |t: &TestApp| {
        (0..t.app.list.rows.len())
            .find(|&r| t.app.list.row_envelope(r).is_some_and(|e| !e.flags.seen()))
            .expect("an unread message")
    };
    // 80 columns: the preview has no room beside the list
    let mut t = demo_app(80, 24);
    t.app.list.cursor = unread_row(&t);
    let uid = t.app.list.selected().unwrap().uid;
    let unread = t.app.list.unread;
    for keys in ["A", "y"] {
        t.keys(keys);
        t.keys("<Esc>");
        assert!(
            !t.app.list.get(uid).unwrap().flags.seen(),
            "{keys} left it unread: {}",
            info(&t)
        );
        assert_eq!(t.app.list.unread, unread);
    }
    // H is for reading: it shows the message (with every header), which marks it read
    t.keys("H");
    assert_eq!(t.app.focus, Pane::Preview, "{}", info(&t));
    assert!(t.app.list.get(uid).unwrap().flags.seen());
    // 200 columns: the preview beside the list shows it, so it is read
    let mut t = demo_app(200, 50);
    t.app.list.cursor = unread_row(&t);
    let uid = t.app.list.selected().unwrap().uid;
    t.keys("A");
    assert!(t.app.list.get(uid).unwrap().flags.seen(), "{}", info(&t));
}
