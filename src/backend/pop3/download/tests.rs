//! The check against an in-memory server without UIDL: messages are known by Message-ID, size
//! and date, stored once even when their numbers change, and never deleted.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::*;

struct ClockHooks;

impl Hooks for ClockHooks {
    fn progress(&mut self, _: &str) {}
    fn folder_changed(&mut self, _: &str) {}
    fn body_stored(&mut self, _: &str, _: u32) {}
    fn between(&mut self) -> Between {
        Between::default()
    }
    fn now(&self) -> i64 {
        1_800_000_000
    }
}

/// A logged-in session with a server that has `msgs`, no UIDL; returns the commands it got.
fn server_without_uidl(
    msgs: Vec<Vec<u8>>,
) -> (
    Client<BufReader<tokio::io::DuplexStream>>,
    Arc<Mutex<Vec<String>>>,
) {
    let (a, b) = tokio::io::duplex(1 << 16);
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = got.clone();
    tokio::spawn(async move {
        let mut s = BufReader::new(b);
        loop {
            let mut line = String::new();
            if s.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end().to_string();
            log.lock().unwrap().push(line.clone());
            let words: Vec<&str> = line.split(' ').collect();
            let n = |i: usize| {
                words
                    .get(i)
                    .and_then(|w| w.parse::<usize>().ok())
                    .unwrap_or(0)
            };
            let mut out = Vec::new();
            match words[0] {
                "LIST" => {
                    out.extend_from_slice(b"+OK\r\n");
                    for (i, m) in msgs.iter().enumerate() {
                        out.extend_from_slice(format!("{} {}\r\n", i + 1, m.len()).as_bytes());
                    }
                    out.extend_from_slice(b".\r\n");
                }
                "TOP" | "RETR" => {
                    let m = &msgs[n(1) - 1];
                    let part = if words[0] == "TOP" {
                        let end = m
                            .windows(4)
                            .position(|w| w == b"\r\n\r\n")
                            .map_or(m.len(), |p| p + 4);
                        &m[..end]
                    } else {
                        &m[..]
                    };
                    out.extend_from_slice(b"+OK\r\n");
                    for l in part.split_inclusive(|&c| c == b'\n') {
                        if l.starts_with(b".") {
                            out.push(b'.');
                        }
                        out.extend_from_slice(l);
                    }
                    out.extend_from_slice(b".\r\n");
                }
                "UIDL" => out.extend_from_slice(b"-ERR command not supported\r\n"),
                _ => out.extend_from_slice(b"+OK\r\n"),
            }
            if s.write_all(&out).await.is_err() {
                return;
            }
        }
    });
    (Client::new(BufReader::new(a)), got)
}

fn msg(i: usize) -> Vec<u8> {
    format!("From: s{i}@example.test\r\nSubject: m{i}\r\nDate: Thu, 1 Jan 2026 00:00:0{i} +0000\r\nMessage-ID: <m{i}@x>\r\n\r\nbody {i}\r\n").into_bytes()
}

#[tokio::test]
async fn without_uidl_each_message_is_stored_once_and_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.mark_pop3_account("p").unwrap();
    let caps = Capabilities::parse(b"TOP\r\nUSER\r\n");
    let delete_at_once = Policy {
        leave_on_server: false,
        delete_after_days: None,
    };
    let (mut c, _) = server_without_uidl(vec![msg(1), msg(2)]);
    let r = check(&mut c, &caps, &store, "p", delete_at_once, &mut ClockHooks)
        .await
        .unwrap();
    assert!(r.no_uidl);
    assert_eq!((r.new, r.downloaded, r.deleted), (2, 2, 0));
    // a new message arrives first in the maildrop: the numbers of the others change
    let (mut c, got) = server_without_uidl(vec![msg(3), msg(1), msg(2)]);
    let r = check(&mut c, &caps, &store, "p", delete_at_once, &mut ClockHooks)
        .await
        .unwrap();
    assert_eq!((r.new, r.downloaded, r.deleted), (1, 1, 0));
    let got = got.lock().unwrap().clone();
    assert!(!got.iter().any(|l| l.starts_with("DELE")), "{got:?}");
    assert_eq!(
        got.iter().filter(|l| l.starts_with("RETR")).count(),
        1,
        "{got:?}"
    );
    assert_eq!(got.last().map(String::as_str), Some("QUIT"));
    let mut subjects: Vec<String> = store
        .envelopes("p", INBOX)
        .unwrap()
        .into_iter()
        .map(|e| e.subject)
        .collect();
    subjects.sort();
    assert_eq!(subjects, ["m1", "m2", "m3"]);
    for e in store.envelopes("p", INBOX).unwrap() {
        let i: usize = e.subject[1..].parse().unwrap();
        assert_eq!(store.body("p", INBOX, e.uid).unwrap().unwrap(), msg(i));
    }
}
