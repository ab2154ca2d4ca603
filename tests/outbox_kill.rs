//! `tmail send` killed (SIGKILL) while the outbox is sending, with the SMTP connection hung by
//! the fault proxy: killed in the middle of the message data, the record is `InDoubt` at the
//! next start and never sent again by itself (the server never got the end of the data, so
//! nothing arrived); `:resend` sends it once, with the same Message-ID. Killed before the
//! message was claimed (during the handshake), it is still waiting and goes out once at restart.
//! Nothing is lost either way.

mod outbox_common;
mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use outbox_common::*;
use support::dovecot::User;
use support::postfix::{private_postfix, Postfix};
use support::proxy::Proxy;
use tmail::backend::outbox::Outcome;
use tmail::mail::parse::envelope_from_raw;
use tmail::mail::Flags;
use tmail::store::{OutboxState, Store};

/// Start `tmail send` for `user` through `smtp_port`, with a 400 kB attachment.
fn start_send(home: &Path, p: &Postfix, user: &User, to: &User, smtp_port: u16) -> Child {
    let config = format!(
        "[[accounts]]\n{}",
        account_toml(
            "accounts.",
            user,
            p.dovecot().imaps_port(),
            smtp_port,
            &user.password,
            p.ca_file()
        )
    );
    std::fs::write(home.join("config.toml"), config).expect("write config");
    let file = home.join("big.bin");
    std::fs::write(&file, noise(400_000)).expect("write attachment");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tmail"))
        .arg("--config")
        .arg(home.join("config.toml"))
        .arg("--data-dir")
        .arg(home.join("data"))
        .args(["send", "--to", &to.email, "--subject", "killed", "--attach"])
        .arg(&file)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run tmail send");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"this one is killed\n")
        .expect("write the body");
    child
}

/// Wait until the proxy hung a connection, then SIGKILL the child.
fn kill_when_stalled(mut child: Child, proxy: &Proxy) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while proxy.stalls() == 0 {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("tmail send ended before the connection hung: {status}");
        }
        assert!(Instant::now() < deadline, "the connection never hung");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
}

#[test]
fn killed_in_the_middle_of_the_data_it_is_in_doubt_and_goes_out_once_on_resend() {
    let p = private_postfix();
    let d = p.dovecot();
    let (alice, bob) = (d.new_user("alice"), d.new_user("bob"));
    let home = tempfile::tempdir().expect("tempdir");
    let proxy = Proxy::start(p.submission_port());
    // The handshake, STARTTLS and AUTH take a few kB; the message is over 500 kB.
    proxy.stall_after_bytes(60_000);
    let child = start_send(home.path(), &p, &alice, &bob, proxy.port());
    kill_when_stalled(child, &proxy);
    // The connection closes before the end of the data: Postfix drops what it got.
    drop(proxy);
    let deadline = Instant::now() + DELIVERY;
    while !p.log_tail(400).contains("lost connection after DATA") {
        assert!(Instant::now() < deadline, "{}", p.log_tail(40));
        std::thread::sleep(Duration::from_millis(50));
    }

    // The next start.
    let store = Store::open(&home.path().join("data/store")).expect("store");
    let s = settings(
        &alice,
        d.imaps_port(),
        p.submission_port(),
        &alice.password,
        p.ca_file(),
    );
    let (mut ob, _events) = engine(&s, &store);
    assert_eq!(ob.recover(), 1);
    let records = store.outbox(None).expect("outbox");
    assert_eq!(records.len(), 1, "nothing lost");
    let r = &records[0];
    assert!(
        matches!(&r.state, OutboxState::InDoubt { reason } if reason.contains(":resend")),
        "{:?}",
        r.state
    );
    let built = r.built.clone().expect("the bytes being sent are kept");
    assert!(ob.due(true).is_empty(), "never sent again by itself");
    let rt = rt();
    assert_eq!(rt.block_on(ob.send_now(r.id)), Outcome::Skipped);
    assert_eq!(
        d.message_count(&bob, "INBOX"),
        0,
        "the cut message never arrived"
    );
    // The user resends it: once, the same message.
    let now = chrono::Utc::now().timestamp();
    assert!(store.outbox_resend(r.id, now).expect("resend").is_some());
    let due = ob.due(false);
    assert_eq!(due, vec![r.id]);
    assert_eq!(
        rt.block_on(ob.send_now(r.id)),
        Outcome::Sent {
            message_id: built.message_id.clone()
        }
    );
    let inbox = p.wait_for_inbox(&bob, 1, DELIVERY);
    assert_eq!(inbox.len(), 1);
    let e = envelope_from_raw(&inbox[0], 0, Flags::default(), 0);
    assert_eq!(e.message_id, Some(built.message_id));
    assert!(store.outbox(None).expect("outbox").is_empty());
}

#[test]
fn killed_before_the_message_was_claimed_it_goes_out_once_at_restart() {
    let p = private_postfix();
    let d = p.dovecot();
    let (alice, bob) = (d.new_user("alice"), d.new_user("bob"));
    let home = tempfile::tempdir().expect("tempdir");
    let proxy = Proxy::start(p.submission_port());
    // Hung during the greeting and EHLO: nothing of the message was sent.
    proxy.stall_after_bytes(300);
    let child = start_send(home.path(), &p, &alice, &bob, proxy.port());
    kill_when_stalled(child, &proxy);
    drop(proxy);

    let store = Store::open(&home.path().join("data/store")).expect("store");
    let s = settings(
        &alice,
        d.imaps_port(),
        p.submission_port(),
        &alice.password,
        p.ca_file(),
    );
    let (mut ob, _events) = engine(&s, &store);
    assert_eq!(ob.recover(), 0, "it was never claimed");
    let records = store.outbox(None).expect("outbox");
    assert_eq!(records.len(), 1, "nothing lost");
    assert!(matches!(records[0].state, OutboxState::Waiting { .. }));
    let rt = rt();
    let due = ob.due(false);
    assert_eq!(due, vec![records[0].id]);
    assert!(matches!(
        rt.block_on(ob.send_now(records[0].id)),
        Outcome::Sent { .. }
    ));
    let inbox = p.wait_for_inbox(&bob, 1, DELIVERY);
    assert_eq!(inbox.len(), 1);
    assert!(ob.due(true).is_empty());
}
