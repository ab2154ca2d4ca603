//! The engine without a network: the demo's local sender, an account without SMTP, a draft
//! that cannot be built, undo-send winning the claim, recovery of a record left `Sending`,
//! `Store::outbox_resend`, the backoff, and the worker woken by `SendOutbox`.

use std::time::Duration;

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use super::*;
use crate::app::Event;
use crate::backend::demo::ACCOUNT;
use crate::mail::compose::Draft;
use crate::mail::{Address, Envelope, Flags, Folder, Role};
use crate::store::{Answers, JournalOp, OutboxRecord, OutboxState, Store};

fn addr(email: &str) -> Address {
    Address {
        name: None,
        email: email.into(),
    }
}

fn folder(path: &str, role: Option<Role>) -> Folder {
    Folder {
        account: ACCOUNT.into(),
        path: path.into(),
        delimiter: Some('/'),
        role,
        selectable: true,
        unread: 0,
        total: 0,
    }
}

/// A store with the demo account's INBOX (one message, uid 7) and Sent.
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Store::open(dir.path()).expect("store");
    s.put_folder(&folder("INBOX", Some(Role::Inbox))).unwrap();
    s.put_folder(&folder("Sent", Some(Role::Sent))).unwrap();
    s.put_envelopes(
        ACCOUNT,
        "INBOX",
        &[Envelope {
            uid: 7,
            subject: "question".into(),
            message_id: Some("orig@demo.test".into()),
            ..Envelope::default()
        }],
    )
    .unwrap();
    (dir, s)
}

fn draft(id: &str, to: &[&str]) -> Draft {
    Draft {
        id: id.into(),
        from: addr("sam@demo.tmail.test"),
        to: to.iter().map(|t| addr(t)).collect(),
        subject: "Re: question".into(),
        body: "answer\n".into(),
        in_reply_to: Some("orig@demo.test".into()),
        ..Draft::default()
    }
}

fn queue(s: &Store, d: Draft, not_before: i64, answers: Option<Answers>) -> OutboxRecord {
    let r = OutboxRecord {
        id: 0,
        account: ACCOUNT.into(),
        draft: d,
        built: None,
        state: OutboxState::Waiting {
            not_before,
            reason: None,
        },
        answers,
        queued: unix_now(),
        attempts: 0,
    };
    let id = s.outbox_push(r).unwrap();
    s.outbox_get(id).unwrap().unwrap()
}

fn drain(rx: &mut UnboundedReceiver<Event>) -> Vec<Event> {
    let mut v = Vec::new();
    while let Ok(e) = rx.try_recv() {
        v.push(e);
    }
    v
}

#[tokio::test]
async fn the_demo_sends_locally_into_sent_and_flags_the_original() {
    let (_d, s) = store();
    s.put_draft(&crate::store::DraftRecord {
        account: ACCOUNT.into(),
        draft: draft("d1", &["bob@demo.test"]),
        answers: None,
        updated: 0,
        open: false,
        postponed: None,
    })
    .unwrap();
    let answers = Answers {
        account: ACCOUNT.into(),
        folder: "INBOX".into(),
        uid: 7,
        message_id: Some("orig@demo.test".into()),
        forwarded: false,
    };
    let r = queue(&s, draft("d1", &["bob@demo.test"]), 0, Some(answers));
    let (tx, mut rx) = unbounded_channel();
    let mut ob = Outbox::demo(s.clone(), tx);
    assert_eq!(ob.due(false), vec![r.id]);
    let Outcome::Sent { message_id } = ob.send_now(r.id).await else {
        panic!("not sent: {:?}", drain(&mut rx));
    };
    assert!(s.outbox(None).unwrap().is_empty());
    assert!(s.draft("d1").unwrap().is_none(), "the draft is forgotten");
    let sent = s.envelopes(ACCOUNT, "Sent").unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].message_id.as_deref(), Some(message_id.as_str()));
    assert!(sent[0].flags.seen());
    assert!(sent[0].uid >= crate::store::LOCAL_UID_BASE);
    assert_eq!(s.folder(ACCOUNT, "Sent").unwrap().unwrap().total, 1);
    let body = s.body(ACCOUNT, "Sent", sent[0].uid).unwrap().unwrap();
    let journal = s.journal(Some(ACCOUNT)).unwrap();
    assert!(journal.iter().any(|e| matches!(&e.op,
        JournalOp::Append { folder, message, flags, .. }
            if folder == "Sent" && *message == body && flags.seen())
        && e.message_id.as_deref() == Some(message_id.as_str())));
    let orig = s.envelope(ACCOUNT, "INBOX", 7).unwrap().unwrap();
    assert!(orig.flags.answered());
    assert!(journal.iter().any(|e| matches!(&e.op,
        JournalOp::SetFlags { folder, uid: 7, new, .. } if folder == "INBOX" && new.answered())));
    let events = drain(&mut rx);
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::Sent { id, to, .. } if *id == r.id && to == "bob@demo.test")));
    // what changed is said message by message: the copy in Sent, the flag of the original
    assert!(events.iter().any(|e| matches!(e,
        Event::MessagesChanged { folder, added, .. } if folder == "Sent" && *added == [sent[0].uid])));
    assert!(events.iter().any(|e| matches!(e,
        Event::MessagesChanged { folder, flags, .. }
            if folder == "INBOX" && flags.len() == 1 && flags[0].0 == 7 && flags[0].1.answered())));
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::FolderChanged { .. })));
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::OutboxChanged { .. })));
}

#[tokio::test]
async fn not_due_taken_back_or_unbuildable() {
    let (_d, s) = store();
    let (tx, mut rx) = unbounded_channel();
    let mut ob = Outbox::demo(s.clone(), tx);
    let later = queue(
        &s,
        draft("later", &["bob@demo.test"]),
        unix_now() + 60,
        None,
    );
    assert!(ob.due(false).is_empty(), "the send delay holds it");
    let w = ob.wait();
    assert!(
        w > Duration::from_secs(55) && w <= Duration::from_secs(60),
        "{w:?}"
    );
    // Undo-send takes it back between the look and the attempt: the worker's claim loses.
    let mut due_now = later.clone();
    due_now.state = OutboxState::Waiting {
        not_before: 0,
        reason: None,
    };
    assert!(s.outbox_transition(&later, Some(&due_now)).unwrap());
    assert_eq!(ob.due(false), vec![later.id]);
    assert!(s.outbox_transition(&due_now, None).unwrap());
    assert_eq!(ob.send_now(later.id).await, Outcome::Skipped);
    assert!(s.envelopes(ACCOUNT, "Sent").unwrap().is_empty());
    // A draft that cannot be built fails for good, with the reason.
    let bad = queue(&s, draft("bad", &[]), 0, None);
    let Outcome::Failed { reason } = ob.send_now(bad.id).await else {
        panic!("an unbuildable draft must fail")
    };
    assert!(reason.contains("no recipient"), "{reason}");
    let r = s.outbox_get(bad.id).unwrap().unwrap();
    assert!(matches!(r.state, OutboxState::Failed { .. }));
    assert!(drain(&mut rx).iter().any(|e| matches!(
        e,
        Event::SendFailed {
            permanent: true,
            ..
        }
    )));
}

#[tokio::test]
async fn an_account_without_smtp_fails_for_good_with_a_reason() {
    let (_d, s) = store();
    let settings: crate::config::AccountSettings = toml::from_str(
        "name = \"demo\"\nemail = \"sam@demo.tmail.test\"\n[imap]\nhost = \"127.0.0.1\"\nsecurity = \"tls\"\n",
    )
    .unwrap();
    let (tx, _rx) = unbounded_channel();
    let mut ob = Outbox::new(&settings, s.clone(), tx);
    let r = queue(&s, draft("x", &["bob@demo.test"]), 0, None);
    match ob.send_now(r.id).await {
        Outcome::Failed { reason } => assert!(reason.contains("[accounts.smtp]"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let kept = s.outbox_get(r.id).unwrap().unwrap();
    assert!(kept.built.is_some(), "built once, kept for a resend");
}

#[tokio::test]
async fn a_record_left_sending_is_in_doubt_unless_its_copy_is_journaled() {
    let (_d, s) = store();
    let (tx, _rx) = unbounded_channel();
    let mut ob = Outbox::demo(s.clone(), tx);
    let mut ids = Vec::new();
    for (i, journaled) in [false, true].into_iter().enumerate() {
        let r = queue(&s, draft(&format!("k{i}"), &["bob@demo.test"]), 0, None);
        let built = crate::mail::compose::build(&r.draft, std::time::SystemTime::now()).unwrap();
        let mut sending = r.clone();
        sending.built = Some(built.clone());
        sending.state = OutboxState::Sending { since: unix_now() };
        s.outbox_put(&sending).unwrap();
        if journaled {
            s.journal_append_for(
                ACCOUNT,
                JournalOp::Append {
                    folder: "Sent".into(),
                    local_uid: crate::store::LOCAL_UID_BASE,
                    flags: Flags(Flags::SEEN),
                    message: built.bytes.clone(),
                },
                Some(built.message_id.clone()),
            )
            .unwrap();
        }
        ids.push(r.id);
    }
    assert_eq!(ob.recover(), 2);
    let doubt = s.outbox_get(ids[0]).unwrap().unwrap();
    assert!(
        matches!(&doubt.state, OutboxState::InDoubt { reason } if reason.contains(":resend")),
        "{doubt:?}"
    );
    assert!(
        s.outbox_get(ids[1]).unwrap().is_none(),
        "its copy says it went out"
    );
    // Never sent again by itself.
    assert!(ob.due(true).is_empty());
    assert_eq!(ob.send_now(ids[0]).await, Outcome::Skipped);
    // `:resend` puts it back, with the same bytes.
    let back = s.outbox_resend(ids[0], unix_now()).unwrap().unwrap();
    assert_eq!(back.attempts, 0);
    assert!(
        s.outbox_resend(ids[0], unix_now()).unwrap().is_none(),
        "only failed or in-doubt records"
    );
    assert_eq!(ob.due(false), vec![ids[0]]);
    let Outcome::Sent { message_id } = ob.send_now(ids[0]).await else {
        panic!("resent")
    };
    assert_eq!(
        Some(message_id),
        doubt.built.map(|b| b.message_id),
        "the same message"
    );
}

/// An SMTP server (plain, no AUTH) that takes one message and drops the connection instead of
/// answering its end of data.
async fn server_that_never_confirms() -> u16 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let Ok((sock, _)) = listener.accept().await else {
            return;
        };
        let (r, mut w) = sock.into_split();
        let mut r = BufReader::new(r);
        let _ = w.write_all(b"220 fake ESMTP\r\n").await;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let upper = line.trim_end().to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") {
                b"250-fake\r\n250 8BITMIME\r\n"
            } else if upper == "DATA" {
                b"354 go on\r\n"
            } else {
                b"250 ok\r\n"
            };
            let _ = w.write_all(reply).await;
            if upper == "DATA" {
                loop {
                    let mut l = Vec::new();
                    if r.read_until(b'\n', &mut l).await.unwrap_or(0) == 0 || l == b".\r\n" {
                        return; // dropped: no answer to the end of data
                    }
                }
            }
        }
    });
    port
}

#[tokio::test]
async fn a_message_sent_whole_but_never_confirmed_is_in_doubt_not_retried() {
    let (_d, s) = store();
    let port = server_that_never_confirms().await;
    let settings: crate::config::AccountSettings = toml::from_str(&format!(
        "name = \"demo\"\nemail = \"sam@demo.tmail.test\"\n[imap]\nhost = \"127.0.0.1\"\nsecurity = \"tls\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain\"\n"
    ))
    .unwrap();
    let (tx, mut rx) = unbounded_channel();
    let mut ob = Outbox::new(&settings, s.clone(), tx);
    let r = queue(&s, draft("u", &["bob@demo.test"]), 0, None);
    match ob.send_now(r.id).await {
        Outcome::InDoubt { reason } => {
            assert!(
                reason.contains("did not confirm") && reason.contains(":resend"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        s.outbox_get(r.id).unwrap().unwrap().state,
        OutboxState::InDoubt { .. }
    ));
    assert!(ob.due(true).is_empty(), "never sent again by itself");
    assert!(drain(&mut rx).iter().any(|e| matches!(
        e,
        Event::SendFailed {
            permanent: true,
            ..
        }
    )));
}

#[test]
fn backoff_doubles_from_30_seconds_to_30_minutes() {
    let waits: Vec<u64> = (0..8).map(backoff).collect();
    assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1800, 1800]);
    assert_eq!(backoff(u32::MAX), MAX_RETRY_SECS);
}

/// The id of the next `Sent` event (10 s at most).
async fn sent(rx: &mut UnboundedReceiver<Event>) -> u64 {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(Event::Sent { id, .. })) => return id,
            Ok(Some(_)) => {}
            other => panic!("no Sent event: {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_worker_sends_at_start_and_on_send_outbox() {
    let (_d, s) = store();
    let first = queue(&s, draft("a", &["bob@demo.test"]), 0, None);
    let (tx, mut rx) = unbounded_channel();
    let (cmd, task) = spawn_demo(s.clone(), tx);
    assert_eq!(sent(&mut rx).await, first.id);
    let second = queue(&s, draft("b", &["bob@demo.test"]), 0, None);
    cmd.send(crate::app::Command::SendOutbox {
        account: ACCOUNT.into(),
    })
    .unwrap();
    assert_eq!(sent(&mut rx).await, second.id);
    cmd.send(crate::app::Command::Shutdown).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the worker stops")
        .expect("no panic");
    assert_eq!(s.envelopes(ACCOUNT, "Sent").unwrap().len(), 2);
}

#[tokio::test]
async fn the_status_names_the_first_recipient_and_counts_the_others() {
    let (_d, s) = store();
    let r = queue(
        &s,
        draft("d3", &["ann@demo.test", "bob@demo.test", "cy@demo.test"]),
        0,
        None,
    );
    let (tx, mut rx) = unbounded_channel();
    let mut ob = Outbox::demo(s.clone(), tx);
    let Outcome::Sent { .. } = ob.send_now(r.id).await else {
        panic!("not sent: {:?}", drain(&mut rx));
    };
    let events = drain(&mut rx);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Sent { to, .. } if to == "ann@demo.test and 2 more")),
        "{events:?}"
    );
}
