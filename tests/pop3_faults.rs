//! POP3 when things go wrong: a connection cut mid-RETR, a cut between the downloads and the
//! deletes (as a crash would leave it), a wrong password, a server without STLS, an untrusted
//! certificate: clear errors, nothing half-stored, nothing deleted, nothing downloaded twice.
//! And an IMAP account on a store that holds POP3 mail is refused, not synced.

mod pop3_common;
mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pop3_common::{account, check, reopen, server, simple, TestHooks};
use support::dovecot::dovecot;
use support::proxy::Proxy;
use tmail::backend::net::NetError;
use tmail::backend::pop3::Pop3Error;
use tmail::config::Security;
use tmail::store::{Pop3State, Store};

const T0: i64 = 1_800_000_000;

fn big(i: usize) -> Vec<u8> {
    let line = "x".repeat(70);
    let body: Vec<String> = (0..4000).map(|n| format!("{n:05} {line}")).collect();
    simple(i, &body.join("\r\n"))
}

#[test]
fn a_cut_mid_retr_stores_nothing_half_and_deletes_nothing() {
    let d = dovecot();
    let u = d.new_user("pop3-cut");
    // the newest is big: its RETR comes first and is cut in the middle
    let msgs = vec![simple(1, "one"), simple(2, "two"), big(3)];
    d.append_many(&u, "INBOX", &msgs);
    let proxy = Proxy::start(d.pop3_port());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let srv = server(
        &u,
        &u.password,
        proxy.port(),
        Security::Plain,
        d.ca_file(),
        "leave_on_server = false",
    );
    let a = account(&u, &srv);
    proxy.cut_after_random_bytes(60_000, 120_000, 9);
    let e = check(&store, &a, &mut TestHooks::at(T0)).unwrap_err();
    assert!(e.is_transient(), "{e}");
    assert!(matches!(e, Pop3Error::Connection(_)), "{e:?}");
    assert_eq!(proxy.cuts(), 1);
    // the headers are in, no body is, nothing was deleted
    assert_eq!(store.uids(&u.name, "INBOX").unwrap().len(), 3);
    for r in store.pop3_records(&u.name).unwrap() {
        assert_eq!(r.state, Pop3State::Headers, "{r:?}");
        let (f, uid) = &r.locations[0];
        assert!(!store.has_body(&u.name, f, *uid).unwrap());
    }
    assert_eq!(d.message_count(&u, "INBOX"), 3);

    // next time: each downloaded once, then deleted from the server
    proxy.disarm();
    let r = check(&store, &a, &mut TestHooks::at(T0 + 60)).unwrap();
    assert_eq!((r.new, r.downloaded, r.deleted), (0, 3, 3));
    let envs = store.envelopes(&u.name, "INBOX").unwrap();
    assert_eq!(envs.len(), 3);
    for e in envs {
        let i: usize = e.subject.trim_start_matches("simple ").parse().unwrap();
        assert!(store.body(&u.name, "INBOX", e.uid).unwrap().unwrap() == msgs[i - 1]);
    }
    assert_eq!(d.message_count(&u, "INBOX"), 0);
}

#[test]
fn a_crash_between_retr_and_dele_loses_nothing_and_doubles_nothing() {
    let d = dovecot();
    let u = d.new_user("pop3-crash");
    let msgs: Vec<Vec<u8>> = (1..=4).map(|i| simple(i, "x")).collect();
    d.append_many(&u, "INBOX", &msgs);
    let proxy = Proxy::start(d.pop3_port());
    let dir = tempfile::tempdir().unwrap();
    let srv = server(
        &u,
        &u.password,
        proxy.port(),
        Security::Plain,
        d.ca_file(),
        "leave_on_server = false",
    );
    let a = account(&u, &srv);
    {
        let store = Store::open(dir.path()).unwrap();
        let mut hooks = TestHooks::at(T0);
        // the moment every body is stored, the connection dies (as with SIGKILL: no QUIT)
        hooks.on_progress = Some(Box::new(|line: &str| {
            if line.contains("4/4 messages downloaded") {
                proxy.cut_all();
            }
        }));
        let e = check(&store, &a, &mut hooks).unwrap_err();
        assert!(e.is_transient(), "{e}");
        assert_eq!(
            d.message_count(&u, "INBOX"),
            4,
            "nothing may be deleted without QUIT"
        );
    }
    // "restart": a fresh process opens the store
    let store = reopen(dir.path());
    assert_eq!(store.uids(&u.name, "INBOX").unwrap().len(), 4);
    let r = check(&store, &a, &mut TestHooks::at(T0 + 60)).unwrap();
    assert_eq!((r.new, r.downloaded, r.deleted), (0, 0, 4));
    assert_eq!(store.uids(&u.name, "INBOX").unwrap().len(), 4);
    assert_eq!(d.message_count(&u, "INBOX"), 0);
}

#[test]
fn a_wrong_password_says_so_and_touches_nothing() {
    let d = dovecot();
    let u = d.new_user("pop3-pw");
    d.append_many(&u, "INBOX", &[simple(1, "one")]);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let srv = server(
        &u,
        "not-the-password",
        d.pop3s_port(),
        Security::Tls,
        d.ca_file(),
        "leave_on_server = false",
    );
    let a = account(&u, &srv);
    let e = check(&store, &a, &mut TestHooks::at(T0)).unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, Pop3Error::Auth { .. }) && !e.is_transient(),
        "{e:?}"
    );
    assert_eq!(
        text,
        format!(
            "127.0.0.1 refused the login for {}: [AUTH] Authentication failed.",
            u.name
        )
    );
    assert!(!text.contains("not-the-password"));
    assert!(store.uids(&u.name, "INBOX").unwrap().is_empty());
    assert!(store.pop3_records(&u.name).unwrap().is_empty());
    assert_eq!(d.message_count(&u, "INBOX"), 1);
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let d = dovecot();
    let u = d.new_user("pop3-cert");
    d.append_many(&u, "INBOX", &[simple(1, "one")]);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for (port, security) in [
        (d.pop3s_port(), Security::Tls),
        (d.pop3_port(), Security::Starttls),
    ] {
        let srv = server(
            &u,
            &u.password,
            port,
            security,
            d.untrusted_ca_file(),
            "leave_on_server = false",
        );
        let a = account(&u, &srv);
        let e = check(&store, &a, &mut TestHooks::at(T0)).unwrap_err();
        assert!(
            matches!(e, Pop3Error::Net(NetError::Certificate { .. })),
            "{e:?}"
        );
        assert!(!e.is_transient());
        assert_eq!(
            e.to_string(),
            "the certificate of 127.0.0.1 is not trusted: signed by an unknown authority (add its CA with ca_file, never disable checking)"
        );
    }
    assert!(store.uids(&u.name, "INBOX").unwrap().is_empty());
    assert_eq!(d.message_count(&u, "INBOX"), 1);
}

/// A server that greets and answers CAPA without STLS, recording every line it gets.
fn no_stls_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = got.clone();
    std::thread::spawn(move || {
        let Ok((s, _)) = l.accept() else { return };
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut w = s.try_clone().unwrap();
        let _ = w.write_all(b"+OK an old server\r\n");
        let mut r = BufReader::new(s);
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            log.lock().unwrap().push(line.trim_end().to_string());
            let answer: &[u8] = match line.trim_end() {
                "CAPA" => b"+OK\r\nUSER\r\nUIDL\r\nTOP\r\nSASL PLAIN\r\n.\r\n",
                "QUIT" => b"+OK bye\r\n",
                _ => b"+OK\r\n",
            };
            let _ = w.write_all(answer);
        }
    });
    (port, got)
}

#[test]
fn without_stls_no_password_is_sent() {
    let d = dovecot();
    let u = d.new_user("pop3-nostls");
    let (port, got) = no_stls_server();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let srv = server(&u, &u.password, port, Security::Starttls, d.ca_file(), "");
    let a = account(&u, &srv);
    let e = check(&store, &a, &mut TestHooks::at(T0)).unwrap_err();
    assert!(
        matches!(e, Pop3Error::NoStls { .. }) && !e.is_transient(),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "127.0.0.1 does not offer STLS; refusing to send the password in the clear"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while !got.lock().unwrap().iter().any(|l| l == "QUIT") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(got.lock().unwrap().as_slice(), ["CAPA", "QUIT"]);
    assert!(store.uids(&u.name, "INBOX").unwrap().is_empty());
}

#[test]
fn an_imap_worker_refuses_a_store_holding_pop3_mail() {
    let d = dovecot();
    let u = d.new_user("pop3-asimap");
    d.append_many(&u, "INBOX", &[simple(1, "only copy")]);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let srv = server(
        &u,
        &u.password,
        d.pop3s_port(),
        Security::Tls,
        d.ca_file(),
        "leave_on_server = false",
    );
    let a = account(&u, &srv);
    check(&store, &a, &mut TestHooks::at(T0)).unwrap();
    assert_eq!(d.message_count(&u, "INBOX"), 0);
    // the same account name, now configured as IMAP (whose INBOX is empty on the server)
    let imap = support::harness::account(&u, d.imaps_port(), d.ca_file());
    assert_eq!(imap.name, u.name);
    let rt = pop3_common::rt();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = {
        let _g = rt.enter();
        tmail::backend::spawn_account(imap, store.clone(), tx)
    };
    let ev = rt
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), rx.recv()).await })
        .expect("an event")
        .expect("the worker's event");
    match ev {
        tmail::app::Event::Error { text, .. } => {
            assert!(text.contains("will not be synced as IMAP"), "{text}")
        }
        other => panic!("{other:?}"),
    }
    let _ = worker.send(tmail::app::Command::SyncAll {
        account: u.name.clone(),
    });
    let _ = worker.send(tmail::app::Command::Shutdown);
    // the worker ends (its event sender goes away) having done nothing else
    let rest = rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(10), async {
            let mut rest = Vec::new();
            while let Some(ev) = rx.recv().await {
                rest.push(ev);
            }
            rest
        })
        .await
    });
    assert_eq!(rest.expect("the worker ended"), Vec::new());
    assert_eq!(store.uids(&u.name, "INBOX").unwrap().len(), 1);
    assert!(store.body(&u.name, "INBOX", 1).unwrap().is_some());
    assert_eq!(store.folders(Some(&u.name)).unwrap().len(), 4);
}
