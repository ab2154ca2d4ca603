//! End to end in tmux with the real binary on the demo: reply to a message and attach a file,
//! $EDITOR round trip with a scripted editor, postpone to Drafts and reopen, quit while
//! writing and find the message back after a restart; a reply postponed with a Bcc resumes with
//! it and, sent, marks the original answered.

mod support;

use std::time::Duration;

use support::tmux::Session;

/// A pause a person leaves after Esc (tmux would otherwise send Esc and the next key as one
/// Alt-key).
fn esc(s: &Session) {
    s.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(150));
}

#[test]
fn reply_attach_edit_postpone_and_come_back() {
    let home = tempfile::tempdir().expect("home");
    let file = home.path().join("notes.txt");
    std::fs::write(&file, "meeting notes\n").unwrap();
    let s = Session::start_env(
        home,
        &[("EDITOR", "sed -i s/xylophone/yodel/")],
        &["--demo"],
        160,
        45,
        |_| {},
    );
    s.wait_text("Welcome to tmail");
    // reply to the message under the cursor, type at the place under the quote
    s.type_text("r");
    s.wait_text("Re: Welcome to tmail");
    s.wait_text("wrote:");
    s.type_text("i");
    s.wait_text(" INSERT ");
    s.type_text("Thanks, xylophone practice tonight.");
    s.wait_text("xylophone practice");
    esc(&s);
    s.wait_text(" COMPOSE ");
    // attach a file with :attach (typed path)
    s.type_text(&format!(":attach {}", file.display()));
    s.keys(&["Enter"]);
    s.wait_text("notes.txt (text/plain");
    // $EDITOR: the scripted editor rewrites the text, tmail reads it back
    s.keys(&["C-e"]);
    s.wait_text("yodel practice");
    assert!(!s.screen().contains("xylophone"));
    // postpone: the message goes to Drafts, the composer closes
    s.type_text(":postpone");
    s.keys(&["Enter"]);
    s.wait_text("postponed to Drafts");
    s.type_text(":folder Drafts");
    s.keys(&["Enter"]);
    s.wait_text("Re: Welcome to tmail");
    // Enter on it resumes it in the composer, text and attachment there
    s.type_text("/Re: Welcome");
    s.keys(&["Enter"]);
    s.wait_text("match");
    s.keys(&["Enter"]);
    s.wait_text("yodel practice");
    s.wait_text("notes.txt");
    s.wait_text(" COMPOSE ");
    // quit while writing: it asks first
    s.type_text("Q");
    s.wait_text("Quit anyway?");
    s.type_text("n");
    s.wait_text(" COMPOSE ");
}

/// An account whose servers are unreachable: tmail runs offline from its store.
const OFFLINE: &str = "[[accounts]]\nname = \"work\"\nemail = \"me@example.test\"\n[accounts.imap]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"tls\"\nusername = \"me\"\npassword_command = \"printf %s x\"\n[accounts.smtp]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"tls\"\nusername = \"me\"\npassword_command = \"printf %s x\"\n";

#[test]
fn a_message_being_written_survives_quit_and_kill() {
    let s = Session::start(&[], 120, 40, |dir| {
        std::fs::write(dir.join("config.toml"), OFFLINE).unwrap();
    });
    s.wait_text("cannot connect");
    s.type_text("C");
    s.wait_text("New message");
    s.type_text("idana@example.test");
    s.keys(&["Tab"]);
    s.keys(&["Tab"]);
    s.keys(&["Tab"]);
    s.type_text("Plans");
    s.keys(&["Tab"]);
    s.keys(&["Tab"]);
    s.type_text("first draft of the plans");
    s.wait_text("first draft of the plans");
    esc(&s);
    // quit while writing: yes quits, and the message is kept
    s.type_text("Q");
    s.wait_text("Quit anyway?");
    s.type_text("y");
    s.wait_dead();
    let s = Session::start_in(s.into_home(), &[], 120, 40, |_| {});
    s.wait_text("first draft of the plans");
    s.wait_text("Recovered");
    // typed, then killed before any quit: the autosave (under a second) keeps it
    s.type_text("Go");
    s.type_text("added before the kill");
    s.wait_text("added before the kill");
    std::thread::sleep(Duration::from_millis(1500));
    let pid = s.pid();
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    s.wait_dead();
    let s = Session::start_in(s.into_home(), &[], 120, 40, |_| {});
    s.wait_text("added before the kill");
    s.wait_text("first draft of the plans");
}

#[test]
fn a_reply_goes_out_from_the_demo_and_lands_in_sent() {
    let s = Session::start(&["--demo"], 160, 45, |_| {});
    s.wait_text("Welcome to tmail");
    s.type_text("r");
    s.wait_text("Re: Welcome to tmail");
    s.type_text("o");
    s.wait_text(" INSERT ");
    s.type_text("A reply from the end-to-end test.");
    s.wait_text("A reply from the end-to-end test.");
    s.keys(&["C-s"]);
    // it waits in the Outbox for send_delay (5 s), then goes
    s.wait_text("Outbox");
    s.wait_text("goes in 5 s");
    s.wait_for("the message sent", |sc| {
        sc.contains("sent “Re: Welcome to tmail”")
    });
    s.wait_for("the Outbox gone", |sc| !sc.contains("Outbox"));
    s.type_text(":folder Sent");
    s.keys(&["Enter"]);
    // a list row (between the pane borders), not the status line's "sent …"
    let in_list = |sc: &str| -> Option<String> {
        sc.lines()
            .find(|l| {
                l.contains("Re: Welcome to tmail") && l.contains('│')
                    || l.contains("Re: Welcome to tmail") && l.contains('┃')
            })
            .map(str::to_string)
    };
    let screen = s.wait_for("the reply in Sent", |sc| {
        sc.contains("Sent —") && in_list(sc).is_some()
    });
    let row = in_list(&screen).unwrap_or_default();
    assert!(row.contains("To: tmail demo"), "{row}\n{screen}");
    // the message answered is marked answered in the INBOX
    s.type_text(":folder INBOX");
    s.keys(&["Enter"]);
    s.wait_for("answered", |sc| {
        sc.lines()
            .find(|l| l.contains("Welcome to tmail") && !l.contains("Re:"))
            .is_some_and(|l| l.contains(" r "))
    });
}

#[test]
fn a_reply_postponed_with_a_bcc_resumes_whole_and_marks_the_original_answered() {
    let s = Session::start(&["--demo"], 200, 50, |_| {});
    s.wait_text("Welcome to tmail");
    s.type_text("r");
    s.wait_text("Re: Welcome to tmail");
    // a Bcc on the reply: typing in the body, Shift-Tab goes back to Subject, then Bcc
    s.type_text("i");
    s.wait_text(" INSERT ");
    s.keys(&["BTab"]);
    s.keys(&["BTab"]);
    s.type_text("secret@x.test");
    s.wait_text("secret@x.test");
    esc(&s);
    s.type_text(":postpone");
    s.keys(&["Enter"]);
    s.wait_text("postponed to Drafts");
    s.type_text(":folder Drafts");
    s.keys(&["Enter"]);
    s.wait_text("Re: Welcome to tmail");
    s.type_text("/Re: Welcome");
    s.keys(&["Enter"]);
    s.wait_text("match");
    s.keys(&["Enter"]);
    s.wait_text(" COMPOSE ");
    let screen = s.wait_text("secret@x.test");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("Bcc:") && l.contains("secret@x.test")),
        "{screen}"
    );
    s.keys(&["C-s"]);
    s.wait_for("the message sent", |sc| {
        sc.contains("sent “Re: Welcome to tmail”")
    });
    // the message answered is marked answered in the INBOX
    s.type_text(":folder INBOX");
    s.keys(&["Enter"]);
    s.wait_for("answered", |sc| {
        sc.lines()
            .find(|l| l.contains("Welcome to tmail") && !l.contains("Re:"))
            .is_some_and(|l| l.contains(" r "))
    });
}
