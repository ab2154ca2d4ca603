//! End to end against a real Postfix and Dovecot, as a user: in tmux, reply to a message from
//! another user, attach a file, send; the reply reaches that user's INBOX threaded under the
//! original with the attachment byte for byte, and its copy is in the sender's Sent once.

mod support;

use std::time::Duration;

use support::dovecot::User;
use support::postfix::postfix;
use support::tmux::Session;

/// An account on the fixture's servers: IMAP over TLS, SMTP submission over TLS.
fn config(u: &User) -> String {
    let p = postfix();
    let d = p.dovecot();
    format!(
        "[[accounts]]\nname = \"work\"\nemail = \"{e}\"\ndisplay_name = \"Alice Tester\"\nsend_delay = 1\n\
         [accounts.imap]\nhost = \"127.0.0.1\"\nport = {imap}\nsecurity = \"tls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{pw}'\"\nca_file = \"{ca}\"\n\
         [accounts.smtp]\nhost = \"127.0.0.1\"\nport = {smtp}\nsecurity = \"tls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{pw}'\"\nca_file = \"{pca}\"\n",
        e = u.email,
        n = u.name,
        pw = u.password,
        imap = d.imaps_port(),
        ca = d.ca_file().display(),
        smtp = p.submissions_port(),
        pca = p.ca_file().display(),
    )
}

#[test]
fn reply_with_an_attachment_reaches_the_sender_threaded() {
    let p = postfix();
    let d = p.dovecot();
    let alice = d.new_user("alice");
    let bob = d.new_user("bob");
    let original = format!(
        "From: Bob <{b}>\r\nTo: Alice <{a}>\r\nSubject: Lunch plans\r\nMessage-ID: <lunch-1@tmail.test>\r\n\
         Date: Mon, 30 Nov 2026 10:00:00 +0000\r\n\r\nWhere shall we go?\r\n",
        b = bob.email,
        a = alice.email
    );
    d.deliver(&alice, original.as_bytes());
    let home = tempfile::tempdir().expect("home");
    let file = home.path().join("menu.bin");
    let bytes: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &bytes).unwrap();
    let cfg = config(&alice);
    let s = Session::start_in(home, &[], 150, 40, |dir| {
        std::fs::write(dir.join("config.toml"), &cfg).unwrap();
    });
    s.wait_text("Lunch plans");
    s.type_text("r");
    s.wait_text("Re: Lunch plans");
    s.type_text("o");
    s.type_text("The noodle place at noon?");
    s.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(150));
    s.type_text(&format!(":attach {}", file.display()));
    s.keys(&["Enter"]);
    s.wait_text("menu.bin");
    s.keys(&["C-s"]);
    s.wait_for("sent", |sc| sc.contains("sent “Re: Lunch plans”"));
    // Bob has it, threaded under his message, the attachment intact
    let got = p.wait_for_inbox(&bob, 1, Duration::from_secs(20));
    let raw = got.last().unwrap();
    let text = String::from_utf8_lossy(raw);
    assert!(text.contains("In-Reply-To: <lunch-1@tmail.test>"), "{text}");
    assert!(text.contains("Subject: Re: Lunch plans"), "{text}");
    assert!(!text.contains("Bcc:"));
    let parts = tmail::mail::parts::list(raw);
    let att = parts
        .iter()
        .find(|x| x.name.as_deref() == Some("menu.bin"))
        .expect("the attachment");
    assert_eq!(
        tmail::mail::parts::decoded_bytes(raw, &att.id).unwrap(),
        bytes
    );
    // the copy in Alice's Sent, once (after the journal replays), and the original answered
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while d.message_count(&alice, "Sent") < 1 {
        assert!(std::time::Instant::now() < deadline, "no copy in Sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(d.message_count(&alice, "Sent"), 1);
    let answered = d.doveadm(&["search", "-u", &alice.name, "mailbox", "INBOX", "ANSWERED"]);
    assert_eq!(answered.lines().count(), 1, "{answered}");
    s.keys(&["Q"]);
    s.wait_dead();
}
