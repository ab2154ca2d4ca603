//! The outbox engine against a real Postfix and Dovecot (tests/support): a reply queued the
//! way the app queues it goes out whole (headers, non-ASCII, no Bcc, attachments byte for
//! byte), its copy reaches Sent once through the IMAP worker's journal replay, and the original
//! gets \Answered on the server; a wrong password, a refused recipient, a message over the
//! size limit and a stopped MTA keep the message in the Outbox with the server's words, and it
//! goes out once when it can; with IMAP down while sending, the mail goes out and the Sent copy
//! arrives after the reconnect, once. A reply postponed to Drafts and resumed goes out with
//! In-Reply-To and answers its original. The Sent copy names the Bcc recipients.

mod outbox_common;
mod support;

use std::time::{Duration, Instant};

use mail_parser::{MessageParser, MimeHeaders};
use outbox_common::*;
use support::harness::Harness;
use support::postfix::{postfix, private_postfix, MESSAGE_SIZE_LIMIT};
use support::proxy::Proxy;
use tmail::app::{Command, Event};
use tmail::backend::outbox::Outcome;
use tmail::mail::compose::{AttachmentSource, Draft, DraftAttachment};
use tmail::mail::parse::envelope_from_raw;
use tmail::mail::Flags;
use tmail::store::{Answers, DraftRecord, JournalOp, OutboxState, LOCAL_UID_BASE};

/// Poll `f` until it holds (`DELIVERY` at most).
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + DELIVERY;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_reply_goes_out_whole_its_copy_is_in_sent_once_and_the_original_is_answered() {
    let p = postfix();
    let d = p.dovecot();
    let (alice, bob, carol, dave) = (
        d.new_user("alice"),
        d.new_user("bob"),
        d.new_user("carol"),
        d.new_user("dave"),
    );
    let plans_id = format!("plans-{}@tmail.test", alice.name);
    d.deliver(
        &alice,
        format!(
            "From: Bob <{b}>\r\nTo: {a}\r\nSubject: Plans\r\nDate: Thu, 1 Jan 2026 10:00:00 +0000\r\nMessage-ID: <{plans_id}>\r\nReferences: <root-0@tmail.test>\r\n\r\nShall we?\r\n",
            b = bob.email,
            a = alice.email
        )
        .as_bytes(),
    );
    let settings = settings(
        &alice,
        d.imaps_port(),
        p.submission_port(),
        &alice.password,
        p.ca_file(),
    );
    let mut h = Harness::start_with_outbox(settings);
    let original = h
        .app
        .list
        .items
        .iter_views()
        .find(|e| e.subject == "Plans")
        .expect("the original listed")
        .uid;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = noise(200_000);
    let file = dir.path().join("Übersicht März.bin");
    std::fs::write(&file, &data).expect("write attachment");
    let draft = Draft {
        id: "reply-1".into(),
        from: addr(Some("Zoë Ångström"), &alice.email),
        to: vec![addr(Some("Bob Müller"), &bob.email)],
        cc: vec![addr(None, &carol.email)],
        bcc: vec![addr(Some("Secret Dave"), &dave.email)],
        subject: "Re: Plans — Grüße aus 東京".into(),
        body: "Yes!\n\n> Shall we?\n".into(),
        in_reply_to: Some(plans_id.clone()),
        references: vec!["root-0@tmail.test".into(), plans_id.clone()],
        attachments: vec![DraftAttachment::file(&file)],
    };
    h.store
        .put_draft(&DraftRecord {
            account: alice.name.clone(),
            draft: draft.clone(),
            answers: None,
            updated: 0,
            open: false,
            postponed: None,
        })
        .expect("put_draft");
    let answers = Answers {
        account: alice.name.clone(),
        folder: "INBOX".into(),
        uid: original,
        message_id: Some(plans_id.clone()),
        forwarded: false,
    };
    let sent_at = chrono::Utc::now().timestamp();
    queue(&h.store, &alice.name, draft, Some(answers));
    h.command(Command::SendOutbox {
        account: alice.name.clone(),
    });
    let store = h.store.clone();
    h.wait("the outbox to empty", move |_| {
        store.outbox(None).expect("outbox").is_empty()
    });
    assert!(h.store.draft("reply-1").expect("draft").is_none());
    // The app asked the IMAP worker to replay the journal: the copy for Sent and \Answered.
    h.wait_replayed();

    let mut message_id = String::new();
    for user in [&bob, &carol, &dave] {
        let inbox = p.wait_for_inbox(user, 1, DELIVERY);
        assert_eq!(inbox.len(), 1, "{}", user.email);
        let raw = &inbox[0];
        assert!(!header_names(raw).contains(&"bcc".to_string()));
        let text = String::from_utf8_lossy(raw);
        assert!(
            !text.contains("Secret Dave"),
            "Bcc leaked to {}",
            user.email
        );
        if user.name != dave.name {
            assert!(!text.contains(&dave.email), "Bcc leaked to {}", user.email);
        }
        let e = envelope_from_raw(raw, 1, Flags::default(), 0);
        assert_eq!(e.from, vec![addr(Some("Zoë Ångström"), &alice.email)]);
        assert_eq!(e.to, vec![addr(Some("Bob Müller"), &bob.email)]);
        assert_eq!(e.cc, vec![addr(None, &carol.email)]);
        assert_eq!(e.subject, "Re: Plans — Grüße aus 東京");
        assert!(
            (e.date - sent_at).abs() < 60,
            "Date {} vs {sent_at}",
            e.date
        );
        assert_eq!(e.in_reply_to.as_deref(), Some(plans_id.as_str()));
        assert_eq!(
            e.references,
            ["root-0@tmail.test".to_string(), plans_id.clone()]
        );
        let id = e.message_id.expect("a Message-ID");
        assert!(id.ends_with("@tmail.test"), "{id}");
        if message_id.is_empty() {
            message_id = id;
        } else {
            assert_eq!(id, message_id, "one message for all");
        }
        let msg = MessageParser::default().parse(raw).expect("parse");
        let att = msg.attachment(0).expect("attachment");
        assert_eq!(att.attachment_name(), Some("Übersicht März.bin"));
        assert!(att.contents() == data.as_slice(), "attachment bytes differ");
    }

    // Sent on the server: once, the bytes that went out.
    assert_eq!(d.message_count(&alice, "Sent"), 1);
    let delivered = p.inbox(&bob).remove(0);
    let sent_copy = d.doveadm(&["fetch", "-u", &alice.name, "text", "mailbox", "Sent", "all"]);
    let body_start = lf(&delivered)
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("a body");
    let delivered_body = String::from_utf8_lossy(&lf(&delivered)[body_start..]).into_owned();
    assert!(
        sent_copy
            .replace("\r\n", "\n")
            .contains(delivered_body.trim()),
        "Sent holds what was delivered"
    );
    // ... and, unlike what was delivered, names the Bcc recipient.
    assert!(
        sent_copy
            .lines()
            .any(|l| l.starts_with("Bcc:") && l.contains(&dave.email)),
        "{sent_copy}"
    );
    // The original is answered on the server.
    let flags = d.doveadm(&[
        "fetch",
        "-u",
        &alice.name,
        "flags",
        "mailbox",
        "INBOX",
        "all",
    ]);
    assert!(flags.contains("\\Answered"), "{flags}");
    // And in the store, Sent shows it once: the placeholder gave way to the server's copy.
    let store = h.store.clone();
    let account = alice.name.clone();
    let id = message_id.clone();
    h.wait("Sent synced", move |_| {
        let sent = store.envelopes(&account, "Sent").expect("envelopes");
        let same: Vec<_> = sent
            .iter()
            .filter(|e| e.message_id.as_deref() == Some(id.as_str()))
            .collect();
        same.len() == 1 && same[0].uid < LOCAL_UID_BASE && same[0].flags.seen()
    });
    h.sync_all();
    assert_eq!(d.message_count(&alice, "Sent"), 1, "never saved twice");
}

#[test]
fn a_reply_postponed_and_resumed_goes_out_with_in_reply_to_and_the_original_is_answered() {
    let p = postfix();
    let d = p.dovecot();
    let (alice, bob) = (d.new_user("alice"), d.new_user("bob"));
    let plans_id = format!("plans-{}@tmail.test", alice.name);
    d.deliver(
        &alice,
        format!(
            "From: Bob <{b}>\r\nTo: {a}\r\nSubject: Plans\r\nDate: Thu, 1 Jan 2026 10:00:00 +0000\r\nMessage-ID: <{plans_id}>\r\n\r\nShall we?\r\n",
            b = bob.email,
            a = alice.email
        )
        .as_bytes(),
    );
    let settings = settings(
        &alice,
        d.imaps_port(),
        p.submission_port(),
        &alice.password,
        p.ca_file(),
    );
    let mut h = Harness::start_with_outbox(settings);
    h.select("Plans");
    // The body is fetched first when it is not cached; the reply opens when it arrives.
    h.keys("r");
    h.wait("the reply open", |a| a.composer.is_some());
    h.keys("iresumed later<Esc>:postpone<Enter>");
    assert!(h.app.composer.is_none(), "{:?}", h.app.status);
    h.wait_replayed();
    assert_eq!(d.message_count(&alice, "Drafts"), 1);
    h.keys(":folder Drafts<Enter>");
    h.wait("Drafts listed", |a| {
        a.list.folder == "Drafts" && a.list.items.iter_views().any(|e| e.subject == "Re: Plans")
    });
    h.select("Re: Plans");
    let uid = h.app.list.selected().expect("the draft").uid;
    h.keys("<Enter>");
    if h.app.composer.is_none() {
        // The server's copy replaced the placeholder and its body was not cached: Enter
        // fetched it; once it is there, Enter resumes it.
        let (store, account) = (h.store.clone(), alice.name.clone());
        h.wait("the draft's body", move |_| {
            store.has_body(&account, "Drafts", uid).unwrap_or(false)
        });
        h.keys("<Enter>");
    }
    let c = h.app.composer.as_ref().expect("the draft resumed");
    assert_eq!(c.in_reply_to.as_deref(), Some(plans_id.as_str()));
    assert!(
        c.answers.as_ref().is_some_and(|a| a.folder == "INBOX"),
        "{:?}",
        c.answers
    );
    h.keys("<C-s>");
    assert!(h.app.composer.is_none(), "{:?}", h.app.status);
    let store = h.store.clone();
    h.wait("the outbox to empty", move |_| {
        store.outbox(None).expect("outbox").is_empty()
    });
    h.wait_replayed();
    let inbox = p.wait_for_inbox(&bob, 1, DELIVERY);
    let e = envelope_from_raw(&inbox[0], 1, Flags::default(), 0);
    assert_eq!(e.subject, "Re: Plans");
    assert_eq!(e.in_reply_to.as_deref(), Some(plans_id.as_str()));
    assert_eq!(e.references, std::slice::from_ref(&plans_id));
    let flags = d.doveadm(&[
        "fetch",
        "-u",
        &alice.name,
        "flags",
        "mailbox",
        "INBOX",
        "all",
    ]);
    assert!(flags.contains("\\Answered"), "{flags}");
    // Sent, the draft is gone from Drafts on the server.
    let (store, account) = (h.store.clone(), alice.name.clone());
    h.wait("the draft gone", move |_| {
        store.journal_len() == 0
            && store
                .envelopes(&account, "Drafts")
                .map(|v| v.is_empty())
                .unwrap_or(false)
    });
    assert_eq!(d.message_count(&alice, "Drafts"), 0);
}

#[test]
fn a_wrong_password_fails_for_good_stops_the_account_and_a_resend_goes_out_once() {
    let p = postfix();
    let d = p.dovecot();
    let (alice, bob) = (d.new_user("alice"), d.new_user("bob"));
    let dir = tempfile::tempdir().expect("tempdir");
    let store = tmail::store::Store::open(dir.path()).expect("store");
    let rt = rt();
    let wrong = settings(
        &alice,
        d.imaps_port(),
        p.submission_port(),
        "nope",
        p.ca_file(),
    );
    let (mut ob, mut events) = engine(&wrong, &store);
    let first = queue(
        &store,
        &alice.name,
        draft("a", &alice, &[&bob.email], "first"),
        None,
    );
    let second = queue(
        &store,
        &alice.name,
        draft("b", &alice, &[&bob.email], "second"),
        None,
    );
    assert_eq!(ob.due(false), vec![first, second]);
    let o = rt.block_on(ob.attempt(first));
    let Outcome::Failed { reason } = &o else {
        panic!("{o:?}")
    };
    assert!(
        reason.contains("535") && reason.contains("refused the login"),
        "{reason}"
    );
    // The refusal stops the account: the next message is not tried with the same password.
    assert_eq!(rt.block_on(ob.attempt(second)), Outcome::Skipped);
    rt.block_on(ob.finish());
    assert!(ob.due(true).is_empty(), "stopped until the user asks");
    assert!(matches!(
        state(&store, first),
        Some(OutboxState::Failed { reason }) if reason.contains("535")
    ));
    assert!(matches!(
        state(&store, second),
        Some(OutboxState::Waiting { .. })
    ));
    let mut saw = false;
    while let Ok(e) = events.try_recv() {
        if let Event::SendFailed {
            id,
            permanent,
            reason,
            ..
        } = e
        {
            assert_eq!((id, permanent), (first, true));
            assert!(reason.contains("535"));
            saw = true;
        }
    }
    assert!(saw, "the app is told");
    // The password is fixed (a new config, so a new engine); `:resend` the failed one.
    let right = settings(
        &alice,
        d.imaps_port(),
        p.submission_port(),
        &alice.password,
        p.ca_file(),
    );
    let (mut ob, _events) = engine(&right, &store);
    let now = chrono::Utc::now().timestamp();
    let back = store.outbox_resend(first, now).expect("resend");
    assert_eq!(back.map(|r| r.account), Some(alice.name.clone()));
    assert_eq!(ob.due(false), vec![first, second]);
    for id in [first, second] {
        assert!(matches!(rt.block_on(ob.attempt(id)), Outcome::Sent { .. }));
    }
    rt.block_on(ob.finish());
    assert!(store.outbox(None).expect("outbox").is_empty());
    let inbox = p.wait_for_inbox(&bob, 2, DELIVERY);
    let subjects: Vec<String> = inbox
        .iter()
        .map(|r| envelope_from_raw(r, 0, Flags::default(), 0).subject)
        .collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(subjects.contains(&"first".into()) && subjects.contains(&"second".into()));
    assert!(ob.due(true).is_empty(), "nothing left to go twice");
}

#[test]
fn a_refused_recipient_and_a_message_too_big_stay_failed_with_the_servers_words() {
    let p = postfix();
    let d = p.dovecot();
    let (alice, bob) = (d.new_user("alice"), d.new_user("bob"));
    let dir = tempfile::tempdir().expect("tempdir");
    let store = tmail::store::Store::open(dir.path()).expect("store");
    let rt = rt();
    let s = settings(
        &alice,
        d.imaps_port(),
        p.submission_port(),
        &alice.password,
        p.ca_file(),
    );
    let (mut ob, _events) = engine(&s, &store);
    let unknown = "nobody@tmail.test";
    let refused = queue(
        &store,
        &alice.name,
        draft("r", &alice, &[&bob.email, unknown], "refused"),
        None,
    );
    let mut big = draft("b", &alice, &[&bob.email], "too big");
    big.attachments.push(DraftAttachment {
        source: AttachmentSource::Data(vec![7u8; MESSAGE_SIZE_LIMIT]),
        name: Some("big.bin".into()),
        mime: None,
    });
    let too_big = queue(&store, &alice.name, big, None);
    let fine = queue(
        &store,
        &alice.name,
        draft("f", &alice, &[&bob.email], "fine"),
        None,
    );
    let outcomes: Vec<Outcome> = [refused, too_big, fine]
        .into_iter()
        .map(|id| rt.block_on(ob.attempt(id)))
        .collect();
    rt.block_on(ob.finish());
    match &outcomes[0] {
        Outcome::Failed { reason } => {
            assert!(
                reason.contains(unknown) && reason.contains("5.1.1"),
                "{reason}"
            )
        }
        o => panic!("{o:?}"),
    }
    match &outcomes[1] {
        Outcome::Failed { reason } => {
            assert!(
                reason.contains("too big") && reason.contains("5.3.4"),
                "{reason}"
            )
        }
        o => panic!("{o:?}"),
    }
    assert!(
        matches!(outcomes[2], Outcome::Sent { .. }),
        "{:?}",
        outcomes[2]
    );
    for id in [refused, too_big] {
        let r = store
            .outbox_get(id)
            .expect("get")
            .expect("kept in the Outbox");
        assert!(
            matches!(r.state, OutboxState::Failed { .. }),
            "{:?}",
            r.state
        );
        assert!(r.built.is_some(), "built once, kept");
    }
    // All or nothing: bob got only the fine one.
    let inbox = p.wait_for_inbox(&bob, 1, DELIVERY);
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        envelope_from_raw(&inbox[0], 0, Flags::default(), 0).subject,
        "fine"
    );
    assert!(ob.due(true).is_empty(), "failed messages wait for the user");
}

#[test]
fn with_the_mta_stopped_the_message_waits_and_goes_out_once_when_it_is_back() {
    let p = private_postfix();
    let d = p.dovecot();
    let (alice, bob) = (d.new_user("alice"), d.new_user("bob"));
    let dir = tempfile::tempdir().expect("tempdir");
    let store = tmail::store::Store::open(dir.path()).expect("store");
    let rt = rt();
    let s = settings(
        &alice,
        d.imaps_port(),
        p.submission_port(),
        &alice.password,
        p.ca_file(),
    );
    // Sent as the IMAP worker lists it.
    store
        .put_folder(&tmail::mail::Folder {
            account: alice.name.clone(),
            path: "Sent".into(),
            delimiter: Some('/'),
            role: Some(tmail::mail::Role::Sent),
            selectable: true,
            unread: 0,
            total: 0,
        })
        .expect("put_folder");
    let (mut ob, _events) = engine(&s, &store);
    let one = queue(
        &store,
        &alice.name,
        draft("1", &alice, &[&bob.email], "one"),
        None,
    );
    let two = queue(
        &store,
        &alice.name,
        draft("2", &alice, &[&bob.email], "two"),
        None,
    );
    p.stop();
    let before = chrono::Utc::now().timestamp();
    for id in ob.due(false) {
        match rt.block_on(ob.attempt(id)) {
            Outcome::Retry { not_before, .. } => {
                assert!(
                    not_before >= before + 29,
                    "backoff: {not_before} vs {before}"
                )
            }
            o => panic!("{o:?}"),
        }
    }
    rt.block_on(ob.finish());
    let r = store.outbox_get(one).expect("get").expect("kept");
    let OutboxState::Waiting {
        reason: Some(reason),
        ..
    } = &r.state
    else {
        panic!("{:?}", r.state)
    };
    assert!(reason.contains("127.0.0.1"), "{reason}");
    assert_eq!(r.attempts, 1);
    let message_id = r.built.as_ref().expect("built once").message_id.clone();
    assert!(
        ob.due(false).is_empty(),
        "offline: no retry before the backoff"
    );
    p.start();
    // The user (or the app on the next send) asks: both go, once.
    let due = ob.due(true);
    assert_eq!(due, vec![one, two]);
    for id in due {
        assert!(matches!(rt.block_on(ob.attempt(id)), Outcome::Sent { .. }));
    }
    rt.block_on(ob.finish());
    let inbox = p.wait_for_inbox(&bob, 2, DELIVERY);
    assert_eq!(inbox.len(), 2);
    let ids: Vec<Option<String>> = inbox
        .iter()
        .map(|r| envelope_from_raw(r, 0, Flags::default(), 0).message_id)
        .collect();
    assert!(
        ids.contains(&Some(message_id)),
        "the Message-ID built first: {ids:?}"
    );
    assert!(ob.due(true).is_empty());
    // One copy each for Sent in the journal.
    let appends = store
        .journal(Some(&alice.name))
        .expect("journal")
        .into_iter()
        .filter(|e| matches!(e.op, JournalOp::Append { .. }))
        .count();
    assert_eq!(appends, 2);
}

#[test]
fn with_imap_down_the_mail_goes_out_and_its_sent_copy_arrives_after_the_reconnect_once() {
    let p = postfix();
    let d = p.dovecot();
    let (alice, bob) = (d.new_user("alice"), d.new_user("bob"));
    d.deliver(
        &alice,
        b"From: x@tmail.test\r\nSubject: hello\r\nMessage-ID: <h@tmail.test>\r\n\r\nhi\r\n",
    );
    let proxy = Proxy::start(d.imaps_port());
    let s = settings(
        &alice,
        proxy.port(),
        p.submission_port(),
        &alice.password,
        p.ca_file(),
    );
    let mut h = Harness::start_with_outbox(s);
    proxy.down();
    queue(
        &h.store,
        &alice.name,
        draft("x", &alice, &[&bob.email], "while IMAP is down"),
        None,
    );
    h.command(Command::SendOutbox {
        account: alice.name.clone(),
    });
    let store = h.store.clone();
    h.wait("sent", move |_| {
        store.outbox(None).expect("outbox").is_empty()
    });
    let inbox = p.wait_for_inbox(&bob, 1, DELIVERY);
    assert_eq!(inbox.len(), 1);
    // The copy waits in the journal (and shows in Sent locally).
    assert!(h.store.journal_len() > 0, "the copy waits for the server");
    assert_eq!(d.message_count(&alice, "Sent"), 0);
    let local = h.store.envelopes(&alice.name, "Sent").expect("envelopes");
    assert_eq!(local.len(), 1);
    assert!(local[0].uid >= LOCAL_UID_BASE);
    proxy.up();
    h.wait_replayed();
    eventually("the copy in Sent", || d.message_count(&alice, "Sent") == 1);
    h.sync_all();
    assert_eq!(d.message_count(&alice, "Sent"), 1, "once");
}

#[test]
fn a_pop3_account_keeps_its_sent_copy_in_its_local_sent_folder() {
    let p = postfix();
    let d = p.dovecot();
    let (alice, bob) = (d.new_user("alice"), d.new_user("bob"));
    let s: tmail::config::AccountSettings = toml::from_str(&format!(
        "name = \"home\"\nemail = \"{e}\"\n[pop3]\nhost = \"127.0.0.1\"\nport = {pop}\nsecurity = \"tls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{pw}'\"\nca_file = \"{ca}\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {smtp}\nsecurity = \"tls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{pw}'\"\nca_file = \"{ca}\"\n",
        e = alice.email,
        n = alice.name,
        pw = alice.password,
        pop = d.pop3s_port(),
        smtp = p.submissions_port(),
        ca = p.ca_file().display()
    ))
    .expect("settings");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = tmail::store::Store::open(dir.path()).expect("store");
    let (mut ob, _events) = engine(&s, &store);
    let id = queue(
        &store,
        "home",
        draft("p", &alice, &[&bob.email], "from pop3"),
        None,
    );
    let Outcome::Sent { message_id } = rt().block_on(ob.send_now(id)) else {
        panic!("not sent")
    };
    p.wait_for_inbox(&bob, 1, DELIVERY);
    let sent = store
        .folders(Some("home"))
        .expect("folders")
        .into_iter()
        .find(|f| f.role == Some(tmail::mail::Role::Sent))
        .expect("a local Sent folder");
    let envs = store.envelopes("home", &sent.path).expect("envelopes");
    assert_eq!(envs.len(), 1);
    assert_eq!(envs[0].message_id.as_deref(), Some(message_id.as_str()));
    let body = store
        .body("home", &sent.path, envs[0].uid)
        .expect("body")
        .expect("the whole message kept");
    assert!(lf(&p.inbox(&bob)[0]).ends_with(&lf(&body)));
    // The POP3 worker confirms the entry locally; the copy stays.
    assert_eq!(store.pop3_apply_journal("home").expect("apply"), 1);
    assert_eq!(
        store
            .envelopes("home", &sent.path)
            .expect("envelopes")
            .len(),
        1
    );
    assert!(store.is_data_account("home").expect("data account"));
}
