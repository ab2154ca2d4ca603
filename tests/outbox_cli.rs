//! `tmail send`, the real binary, against the test Postfix and Dovecot: a prepared message
//! (account chosen by From:, Bcc taken out into the envelope, Date and Message-ID added) and a
//! message built from options (non-ASCII, attachments byte for byte) arrive, with their copy in
//! Sent once; failures exit non-zero with the server's words and keep the message in the
//! Outbox; a copy that could not be saved (IMAP out of reach) is saved by `tmail sync`, once.

mod outbox_common;
mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use mail_parser::{MessageParser, MimeHeaders};
use outbox_common::*;
use support::dovecot::User;
use support::postfix::{postfix, Postfix};
use tmail::mail::parse::envelope_from_raw;
use tmail::mail::Flags;
use tmail::store::{OutboxState, Store};

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// A config with `user`'s account (IMAP on `imap_port`, SMTP through the fixture's STARTTLS
/// port or `smtp_port`) and another, default account that must not be picked.
fn config(dir: &Path, p: &Postfix, user: &User, imap_port: u16, smtp_port: Option<u16>) {
    let text = format!(
        "[[accounts]]\n{}\n[[accounts]]\nname = \"other\"\nemail = \"other@example.test\"\ndefault = true\n[accounts.imap]\nhost = \"127.0.0.1\"\nport = {c}\nsecurity = \"tls\"\n[accounts.smtp]\nhost = \"127.0.0.1\"\nport = {c}\nsecurity = \"tls\"\n",
        account_toml(
            "accounts.",
            user,
            imap_port,
            smtp_port.unwrap_or(p.submission_port()),
            &user.password,
            p.ca_file()
        ),
        c = closed_port(),
    );
    std::fs::write(dir.join("config.toml"), text).expect("write config");
}

/// Run `tmail ARGS` with `stdin`, on the config and data dir in `dir`.
fn tmail(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tmail"))
        .arg("--config")
        .arg(dir.join("config.toml"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tmail");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("wait for tmail")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn outbox(dir: &Path) -> Vec<tmail::store::OutboxRecord> {
    let store = Store::open(&dir.join("data/store")).expect("store");
    store.outbox(None).expect("outbox")
}

#[test]
fn a_prepared_message_goes_out_from_the_account_of_its_from_address() {
    let p = postfix();
    let d = p.dovecot();
    let (alice, bob, carol, dave) = (
        d.new_user("alice"),
        d.new_user("bob"),
        d.new_user("carol"),
        d.new_user("dave"),
    );
    let home = tempfile::tempdir().expect("tempdir");
    config(home.path(), p, &alice, d.imaps_port(), None);
    let message = format!(
        "From: =?utf-8?q?Zo=C3=AB?= <{a}>\nTo: Bob <{b}>\nCc: {c}\nBcc: Secret Dave\n <{dd}>\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nHallo Bob,\nschöne Grüße.\n",
        a = alice.email,
        b = bob.email,
        c = carol.email,
        dd = dave.email
    );
    let out = tmail(home.path(), &["send"], message.as_bytes());
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stdout.contains(&format!("{}: sent “Grüße” to 3 recipients", alice.name)),
        "{stdout}"
    );
    assert!(
        stdout.contains("saved a copy to Sent"),
        "{stdout}\n{stderr}"
    );
    let id = stdout
        .split("Message-ID <")
        .nth(1)
        .and_then(|s| s.split('>').next())
        .expect("the Message-ID printed")
        .to_string();
    for user in [&bob, &carol, &dave] {
        let inbox = p.wait_for_inbox(user, 1, DELIVERY);
        assert_eq!(inbox.len(), 1);
        let raw = &inbox[0];
        let names = header_names(raw);
        assert!(!names.contains(&"bcc".to_string()), "{names:?}");
        assert!(names.contains(&"date".to_string()), "{names:?}");
        assert!(!text(raw).contains(&dave.email) || user.name == dave.name);
        let e = envelope_from_raw(raw, 1, Flags::default(), 0);
        assert_eq!(e.message_id.as_deref(), Some(id.as_str()));
        assert_eq!(e.subject, "Grüße");
        assert_eq!(e.from[0].name.as_deref(), Some("Zoë"));
        let msg = MessageParser::default().parse(raw).expect("parse");
        assert_eq!(
            msg.body_text(0).map(|t| t.replace("\r\n", "\n")).as_deref(),
            Some("Hallo Bob,\nschöne Grüße.\n")
        );
    }
    assert_eq!(d.message_count(&alice, "Sent"), 1);
    assert!(outbox(home.path()).is_empty());
}

#[test]
fn a_built_message_carries_its_attachments_byte_for_byte() {
    let p = postfix();
    let d = p.dovecot();
    let (alice, bob, dave) = (d.new_user("alice"), d.new_user("bob"), d.new_user("dave"));
    let home = tempfile::tempdir().expect("tempdir");
    config(home.path(), p, &alice, d.imaps_port(), None);
    let (one, two) = (
        noise(150_000),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n".to_vec(),
    );
    let (f1, f2) = (
        home.path().join("Übersicht März.bin"),
        home.path().join("report.pdf"),
    );
    std::fs::write(&f1, &one).expect("write");
    std::fs::write(&f2, &two).expect("write");
    let to = format!("Bob Müller <{}>", bob.email);
    let out = tmail(
        home.path(),
        &[
            "send",
            "--account",
            &alice.name,
            "--to",
            &to,
            "--bcc",
            &dave.email,
            "--subject",
            "Grüße aus 東京",
            "--attach",
            &f1.to_string_lossy(),
            "--attach",
            &f2.to_string_lossy(),
        ],
        "Hello Bob,\nsee attached.\n".as_bytes(),
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    for user in [&bob, &dave] {
        let inbox = p.wait_for_inbox(user, 1, DELIVERY);
        let raw = &inbox[0];
        assert!(!header_names(raw).contains(&"bcc".to_string()));
        let e = envelope_from_raw(raw, 1, Flags::default(), 0);
        assert_eq!(e.subject, "Grüße aus 東京");
        assert_eq!(e.to, vec![addr(Some("Bob Müller"), &bob.email)]);
        assert_eq!(e.from, vec![addr(Some("Zoë Ångström"), &alice.email)]);
        let msg = MessageParser::default().parse(raw).expect("parse");
        let a = msg.attachment(0).expect("first attachment");
        assert_eq!(a.attachment_name(), Some("Übersicht März.bin"));
        assert!(a.contents() == one.as_slice());
        let b = msg.attachment(1).expect("second attachment");
        assert_eq!(b.attachment_name(), Some("report.pdf"));
        assert!(b.contents() == two.as_slice());
    }
    assert_eq!(d.message_count(&alice, "Sent"), 1);
}

#[test]
fn failures_exit_non_zero_with_the_reason_and_keep_the_message() {
    let p = postfix();
    let d = p.dovecot();
    let alice = d.new_user("alice");
    let home = tempfile::tempdir().expect("tempdir");
    config(home.path(), p, &alice, d.imaps_port(), None);
    // Bad input: nothing queued, exit 2.
    let out = tmail(
        home.path(),
        &["send", "--account", "nobody", "--to", "x@tmail.test"],
        b"hi",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no account named \"nobody\""));
    let stranger = b"From: someone@elsewhere.test\nTo: x@tmail.test\n\nhi\n";
    let out = tmail(home.path(), &["send"], stranger);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no account sends as someone@elsewhere.test"));
    let out = tmail(
        home.path(),
        &[
            "send",
            "--to",
            "x@tmail.test",
            "--account",
            &alice.name,
            "--attach",
            "/nonexistent/file",
        ],
        b"hi",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("/nonexistent/file"),
        "{}",
        text(&out.stderr)
    );
    // A refused recipient: exit 1 with the server's words; kept as failed.
    let refused = format!(
        "From: {}\nTo: nobody@tmail.test\nSubject: lost?\n\nhi\n",
        alice.email
    );
    let out = tmail(home.path(), &["send"], refused.as_bytes());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("5.1.1") && stderr.contains("stays in the Outbox"),
        "{stderr}"
    );
    let kept = outbox(home.path());
    assert_eq!(kept.len(), 1);
    assert!(matches!(&kept[0].state, OutboxState::Failed { reason } if reason.contains("5.1.1")));
    // The MTA out of reach: exit 1; it waits for the next run.
    config(home.path(), p, &alice, d.imaps_port(), Some(closed_port()));
    let later = format!(
        "From: {}\nTo: {}\nSubject: later\n\nhi\n",
        alice.email, alice.email
    );
    let out = tmail(home.path(), &["send"], later.as_bytes());
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("when it next runs"), "{stderr}");
    let kept = outbox(home.path());
    assert_eq!(kept.len(), 2);
    assert!(matches!(
        &kept[1].state,
        OutboxState::Waiting {
            reason: Some(_),
            ..
        }
    ));
    assert_eq!(kept[1].attempts, 1);
}

#[test]
fn a_copy_that_could_not_be_saved_is_saved_by_tmail_sync_once() {
    let p = postfix();
    let d = p.dovecot();
    let (alice, bob) = (d.new_user("alice"), d.new_user("bob"));
    d.deliver(&alice, b"From: x@tmail.test\r\nSubject: hi\r\n\r\nhi\r\n");
    let home = tempfile::tempdir().expect("tempdir");
    config(home.path(), p, &alice, d.imaps_port(), None);
    let out = tmail(home.path(), &["sync", "--account", &alice.name], b"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // IMAP out of reach while sending: sent all the same, the copy waits in the journal.
    config(home.path(), p, &alice, closed_port(), None);
    let msg = format!(
        "From: {}\nTo: {}\nSubject: offline copy\n\nhi\n",
        alice.email, bob.email
    );
    let out = tmail(home.path(), &["send"], msg.as_bytes());
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("saved by the next `tmail sync`"),
        "{stderr}"
    );
    p.wait_for_inbox(&bob, 1, DELIVERY);
    assert_eq!(d.message_count(&alice, "Sent"), 0);
    config(home.path(), p, &alice, d.imaps_port(), None);
    let out = tmail(home.path(), &["sync", "--account", &alice.name], b"");
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("saved a sent message to Sent"), "{stderr}");
    assert_eq!(d.message_count(&alice, "Sent"), 1);
    let out = tmail(home.path(), &["sync", "--account", &alice.name], b"");
    assert!(out.status.success());
    assert_eq!(d.message_count(&alice, "Sent"), 1, "once");
    let store = Store::open(&home.path().join("data/store")).expect("store");
    let sent = store.envelopes(&alice.name, "Sent").expect("envelopes");
    assert_eq!(
        sent.len(),
        1,
        "the placeholder gave way to the server's copy"
    );
    assert!(sent[0].uid < tmail::store::LOCAL_UID_BASE);
}
