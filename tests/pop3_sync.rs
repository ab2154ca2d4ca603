//! POP3 against the suite's Dovecot: downloading into the store (headers right, bodies byte for
//! byte), only new mail the second time, leave_on_server on and off, delete_after_days with a
//! clock the test controls, byte-stuffed lines, 8-bit bodies and a 5 MB attachment.

mod pop3_common;
mod support;

use std::collections::HashSet;

use pop3_common::{account, bodies, check, reopen, server, simple, TestHooks};
use support::dovecot::dovecot;
use tmail::config::Security;
use tmail::store::{Pop3State, ServerCopy, Store};

const T0: i64 = 1_800_000_000;

#[test]
fn first_download_of_200_then_only_the_new_ones() {
    let d = dovecot();
    let u = d.new_user("pop3-200");
    let msgs = support::corpus::messages(200);
    d.append_many(&u, "INBOX", &msgs);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let srv = server(
        &u,
        &u.password,
        d.pop3s_port(),
        Security::Tls,
        d.ca_file(),
        "",
    );
    let a = account(&u, &srv);

    let mut hooks = TestHooks::at(T0);
    let r = check(&store, &a, &mut hooks).unwrap();
    assert_eq!(
        (r.new, r.downloaded, r.deleted, r.on_server),
        (200, 200, 0, 200)
    );
    assert!(!r.no_uidl);
    // the headers came first, then the bodies
    let first_body = hooks
        .lines
        .iter()
        .position(|l| l.contains("messages downloaded"))
        .unwrap();
    assert!(
        hooks.lines[..first_body]
            .iter()
            .any(|l| l == "INBOX: 200/200 headers"),
        "{:?}",
        hooks.lines
    );

    let envs = store.envelopes(&u.name, "INBOX").unwrap();
    assert_eq!(envs.len(), 200);
    for e in &envs {
        let i: usize = e
            .subject
            .trim_start_matches('#')
            .split(' ')
            .next()
            .unwrap_or("")
            .parse()
            .unwrap_or_else(|_| {
                // the encoded-word subjects decode to "#N encodé ✓"
                panic!("unexpected subject {:?}", e.subject)
            });
        let raw = &msgs[i];
        assert_eq!(
            store.body(&u.name, "INBOX", e.uid).unwrap().as_deref(),
            Some(&raw[..]),
            "body of #{i}"
        );
        assert_eq!(e.size as usize, raw.len(), "size of #{i}");
        if i % 16 != 7 {
            assert_eq!(
                e.message_id.as_deref(),
                Some(format!("msg{i}@example.test").as_str())
            );
            assert_eq!(e.from[0].email, format!("sender{}@example.test", i % 17));
            assert_eq!(e.date, 1_767_225_600 + i as i64 * 3600, "date of #{i}");
        }
        assert_eq!(e.has_attachments, i % 8 == 3, "attachment flag of #{i}");
        assert!(!e.flags.seen());
    }
    let f = store.folder(&u.name, "INBOX").unwrap().unwrap();
    assert_eq!((f.unread, f.total), (200, 200));
    // the local folders of a POP3 account
    let names: HashSet<String> = store
        .folders(Some(&u.name))
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert_eq!(
        names,
        ["INBOX", "Sent", "Drafts", "Trash"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    assert!(store.is_data_account(&u.name).unwrap());

    // nothing new: nothing downloaded
    let r = check(&store, &a, &mut TestHooks::at(T0 + 60)).unwrap();
    assert_eq!((r.new, r.downloaded), (0, 0));

    // three new ones: only those
    let more: Vec<Vec<u8>> = (200..203).map(support::corpus::message).collect();
    d.append_many(&u, "INBOX", &more);
    let r = check(&store, &a, &mut TestHooks::at(T0 + 120)).unwrap();
    assert_eq!((r.new, r.downloaded, r.on_server), (3, 3, 203));
    assert_eq!(r.arrived.len(), 3);
    let envs = store.envelopes(&u.name, "INBOX").unwrap();
    assert_eq!(envs.len(), 203);
    let ids: HashSet<u32> = envs.iter().map(|e| e.uid).collect();
    assert_eq!(ids.len(), 203);
    let records = store.pop3_records(&u.name).unwrap();
    assert_eq!(records.len(), 203);
    assert!(records
        .iter()
        .all(|r| r.locations.len() == 1 && r.server == ServerCopy::Present));
    // leave_on_server (the default): the server keeps all
    assert_eq!(d.message_count(&u, "INBOX"), 203);
}

#[test]
fn leave_on_server_off_empties_the_server_after_storing() {
    let d = dovecot();
    let u = d.new_user("pop3-off");
    let msgs: Vec<Vec<u8>> = (0..5).map(|i| simple(i, &format!("body {i}"))).collect();
    d.append_many(&u, "INBOX", &msgs);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let srv = server(
        &u,
        &u.password,
        d.pop3_port(),
        Security::Starttls,
        d.ca_file(),
        "leave_on_server = false",
    );
    let a = account(&u, &srv);
    let r = check(&store, &a, &mut TestHooks::at(T0)).unwrap();
    assert_eq!((r.new, r.downloaded, r.deleted, r.on_server), (5, 5, 5, 0));
    assert_eq!(d.message_count(&u, "INBOX"), 0);
    let mut got = bodies(&store, &u.name, "INBOX");
    got.sort();
    let mut want = msgs.clone();
    want.sort();
    assert_eq!(got, want);
    for r in store.pop3_records(&u.name).unwrap() {
        assert_eq!(r.server, ServerCopy::DeletedByTmail { at: T0 });
        assert_eq!(r.state, Pop3State::Stored { at: T0 });
    }
    // and the store survives a reopen with all of it (it was flushed before the DELEs)
    drop(store);
    let store = reopen(dir.path());
    assert_eq!(bodies(&store, &u.name, "INBOX").len(), 5);
    let r = check(&store, &a, &mut TestHooks::at(T0 + 10)).unwrap();
    assert_eq!((r.new, r.downloaded, r.deleted, r.on_server), (0, 0, 0, 0));
}

#[test]
fn delete_after_days_follows_the_clock() {
    let d = dovecot();
    let u = d.new_user("pop3-days");
    d.append_many(&u, "INBOX", &[simple(1, "one"), simple(2, "two")]);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let srv = server(
        &u,
        &u.password,
        d.pop3s_port(),
        Security::Tls,
        d.ca_file(),
        "delete_after_days = 2",
    );
    let a = account(&u, &srv);
    let day = 86_400;
    assert_eq!(
        check(&store, &a, &mut TestHooks::at(T0)).unwrap().deleted,
        0
    );
    // a third message arrives a day later
    d.append_many(&u, "INBOX", &[simple(3, "three")]);
    assert_eq!(
        check(&store, &a, &mut TestHooks::at(T0 + day))
            .unwrap()
            .deleted,
        0
    );
    assert_eq!(d.message_count(&u, "INBOX"), 3);
    // two days after the first download, less a second: not yet
    assert_eq!(
        check(&store, &a, &mut TestHooks::at(T0 + 2 * day - 1))
            .unwrap()
            .deleted,
        0
    );
    // two days: the first two go, the third stays a day longer
    let r = check(&store, &a, &mut TestHooks::at(T0 + 2 * day)).unwrap();
    assert_eq!((r.deleted, r.on_server), (2, 1));
    assert_eq!(d.message_count(&u, "INBOX"), 1);
    let r = check(&store, &a, &mut TestHooks::at(T0 + 3 * day)).unwrap();
    assert_eq!((r.deleted, r.on_server), (1, 0));
    assert_eq!(d.message_count(&u, "INBOX"), 0);
    // all three still here, each once
    assert_eq!(store.uids(&u.name, "INBOX").unwrap().len(), 3);
    assert!(bodies(&store, &u.name, "INBOX")
        .iter()
        .all(|b| !b.is_empty()));
}

#[test]
fn dots_eight_bit_and_a_five_megabyte_attachment_arrive_byte_for_byte() {
    let d = dovecot();
    let u = d.new_user("pop3-bytes");
    let dots = b"From: Dot <dot@example.test>\r\nSubject: dots\r\nMessage-ID: <dots@example.test>\r\n\r\nabove\r\n.\r\n..\r\n.hidden\r\n. space\r\nend.\r\n.\r\n".to_vec();
    let eight = b"From: =?iso-8859-1?q?J=FCrgen?= <j@example.test>\r\nSubject: 8bit\r\nMessage-ID: <8bit@example.test>\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\xfc\xdfe aus M\xfcnchen \xe9t\xe9 \xff\xfe\r\n".to_vec();
    let mut big = b"From: Big <big@example.test>\r\nSubject: big\r\nMessage-ID: <big@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--B\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
    let mut seed = 7u32;
    while big.len() < 5 * 1024 * 1024 {
        let line: String = (0..76)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                    [(seed >> 16) as usize % 64] as char
            })
            .collect();
        big.extend_from_slice(line.as_bytes());
        big.extend_from_slice(b"\r\n");
    }
    big.extend_from_slice(b"--B--\r\n");
    let msgs = vec![dots.clone(), eight.clone(), big.clone()];
    d.append_many(&u, "INBOX", &msgs);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let srv = server(
        &u,
        &u.password,
        d.pop3s_port(),
        Security::Tls,
        d.ca_file(),
        "",
    );
    let a = account(&u, &srv);
    let r = check(&store, &a, &mut TestHooks::at(T0)).unwrap();
    assert_eq!(r.downloaded, 3);
    for e in store.envelopes(&u.name, "INBOX").unwrap() {
        let body = store.body(&u.name, "INBOX", e.uid).unwrap().unwrap();
        let want = match e.subject.as_str() {
            "dots" => &dots,
            "8bit" => &eight,
            "big" => {
                assert!(e.has_attachments);
                &big
            }
            other => panic!("unexpected {other:?}"),
        };
        assert!(
            body == *want,
            "{} differs ({} vs {} bytes)",
            e.subject,
            body.len(),
            want.len()
        );
        if e.subject == "8bit" {
            assert_eq!(e.from[0].name.as_deref(), Some("Jürgen"));
        }
    }
}
