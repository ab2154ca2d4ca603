//! End to end in tmux, as a user over SSH would: list a message's parts, save one and compare
//! its bytes with the original, open one with a (scripted) viewer that records its argument,
//! copy a link with OSC 52 and see the sequence reach the terminal.

mod support;

use std::time::Duration;

use support::tmux::Session;
use tmail::mail::parts;

/// The demo's "Q3 report (final)" and its PDF, decoded, as tmail's corpus makes them.
fn q3_pdf() -> (String, Vec<u8>) {
    let m = tmail::backend::demo::corpus::messages()
        .into_iter()
        .find(|m| String::from_utf8_lossy(&m.raw).contains("Subject: Q3 report (final)"))
        .expect("the demo has the Q3 report");
    let p = parts::list(&m.raw)
        .into_iter()
        .find(|p| p.content_type == "application/pdf")
        .expect("a PDF part");
    let bytes = parts::decoded_bytes(&m.raw, &p.id).expect("decodes");
    (p.file_name, bytes)
}

#[test]
fn save_open_and_copy_as_a_user() {
    let (name, pdf) = q3_pdf();
    let home = tempfile::tempdir().expect("home");
    let saved_dir = home.path().join("saved");
    let record = home.path().join("viewer.log");
    let viewer = home.path().join("viewer.sh");
    std::fs::write(
        &viewer,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" > {r}\ncat \"$1\" > {r}.bytes\n",
            r = record.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config = format!(
        "attachment_dir = \"{}\"\nopen_command = \"{} %s\"\n",
        saved_dir.display(),
        viewer.display()
    );
    let s = Session::start_env(home, &[], &["--demo"], 160, 45, |dir| {
        std::fs::write(dir.join("config.toml"), &config).unwrap();
    });
    s.wait_text("Welcome to tmail");
    s.type_text("/Q3 report");
    s.keys(&["Enter"]);
    s.wait_text("match");
    s.keys(&["Enter"]);
    s.wait_text("Subject: Q3 report (final)");
    // the parts list, the PDF under the cursor
    s.type_text("A");
    s.wait_text("Parts");
    s.wait_text("application/pdf");
    s.type_text("s");
    s.wait_text(":save ");
    s.keys(&["Enter"]);
    s.wait_text("saved ");
    let saved = std::fs::read(saved_dir.join(&name)).expect("saved file");
    assert_eq!(saved, pdf, "the saved part equals the original bytes");
    // still in the parts list: open it, the viewer gets the private copy as its one argument
    s.wait_text("Parts");
    s.type_text("o");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !record.with_extension("log.bytes").exists()
        || std::fs::read(&record).map_or(true, |r| r.is_empty())
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the viewer never ran: {}",
            s.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let arg = std::fs::read_to_string(&record).unwrap();
    assert!(arg.trim().ends_with(&name), "{arg}");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        std::fs::read(record.with_extension("log.bytes")).unwrap(),
        pdf
    );
    // the parts list stays open after opening one: q closes it, q again leaves the message
    s.wait_text("Parts");
    s.type_text("q");
    s.wait_for("parts list closed", |sc| !sc.contains("Parts —"));
    s.type_text("q");
    s.wait_text(" LIST ");
    // copy a link: the OSC 52 sequence reaches the terminal
    let out = s.home.path().join("out.bin");
    s.record_output(&out);
    s.type_text("/We shipped");
    s.keys(&["Enter"]);
    s.wait_text("match");
    s.keys(&["Enter"]);
    s.wait_text("Release notes");
    s.type_text("gx");
    s.wait_text("Links");
    s.type_text("y");
    s.wait_text("copied link");
    std::thread::sleep(Duration::from_millis(300));
    let written = String::from_utf8_lossy(&std::fs::read(&out).unwrap()).into_owned();
    assert!(written.contains("\u{1b}]52;c;"), "no OSC 52 in the output");
}

#[test]
fn the_save_prompt_takes_a_new_path_completed_and_scrolled_as_a_user() {
    let (_, pdf) = q3_pdf();
    let home = tempfile::tempdir().expect("home");
    let saved_dir = home.path().join("saved");
    std::fs::create_dir_all(saved_dir.join("papers")).unwrap();
    let config = format!("attachment_dir = \"{}\"\n", saved_dir.display());
    let s = Session::start_env(home, &[], &["--demo"], 60, 30, |dir| {
        std::fs::write(dir.join("config.toml"), &config).unwrap();
    });
    let last = |sc: &str| sc.lines().last().unwrap_or("").trim_end().to_string();
    s.wait_text("Welcome to tmail");
    s.type_text("/Q3 report");
    s.keys(&["Enter"]);
    s.wait_text("match");
    s.keys(&["Enter"]);
    s.wait_text("Q3 report (final)");
    s.type_text("A");
    s.wait_text("application/pdf");
    s.type_text("s");
    s.wait_text(":save ");
    // Ctrl-U keeps the command word; Tab completes relative to attachment_dir
    s.keys(&["C-u"]);
    s.wait_for(":save alone", |sc| last(sc) == ":save");
    s.type_text("pa");
    s.keys(&["Tab"]);
    s.wait_for("completed", |sc| last(sc) == ":save papers/");
    // a name longer than the screen: the end is shown, the cursor right after it
    let long = format!("{}-end.pdf", "q3-report-for-the-board".repeat(4));
    s.type_text(&long);
    let sc = s.wait_for("scrolled", |sc| last(sc).ends_with("-end.pdf"));
    let line = last(&sc);
    assert!(line.starts_with(":…"), "{line:?}");
    assert_eq!(s.cursor(), (line.chars().count() as u16, 29), "{line:?}");
    // Home shows the start again
    s.keys(&["Home"]);
    s.wait_for("the start", |sc| last(sc).starts_with(":save papers/q3"));
    assert_eq!(s.cursor(), (1, 29));
    s.keys(&["Enter"]);
    s.wait_text("saved ");
    let saved = std::fs::read(saved_dir.join("papers").join(&long)).expect("saved file");
    assert_eq!(saved, pdf);
}

#[test]
fn fold_a_long_thread_as_a_user() {
    let home = tempfile::tempdir().expect("home");
    let s = Session::start_env(home, &[("NO_COLOR", "1")], &["--demo"], 80, 24, |_| {});
    s.wait_text("Welcome to tmail");
    s.type_text("/Release plan for 0.4");
    s.keys(&["Enter"]);
    s.wait_text("match");
    std::thread::sleep(Duration::from_millis(150));
    s.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(150));
    // fold: one row with the thread's counts, the replies gone from the screen
    s.type_text("za");
    let sc = s.wait_text("▸ [6");
    assert!(sc.contains("thread folded: 6 messages, 1 unread"), "{sc}");
    assert!(!sc.contains("Re: Release plan"), "{sc}");
    // the folded thread is one target: d moves all six to Trash, u brings them back
    s.type_text("d");
    s.wait_for("the thread left", |sc| !sc.contains("Release plan"));
    s.type_text("u");
    s.wait_text("Release plan");
    // zM folds every thread, zR unfolds them all
    s.type_text("zM");
    s.wait_text("threads folded");
    s.type_text("zR");
    s.wait_text("threads unfolded");
    s.wait_text("Re: Release plan");
}
