//! The client against small scripted servers on 127.0.0.1, for what Postfix cannot show:
//! XOAUTH2 (success and the error challenge), timeouts, a temporary recipient refusal, no usable
//! AUTH mechanism, a dropped connection, dot-stuffing and the exact data on the wire.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use super::*;
use crate::backend::secret::{self, Secret};

type Handler = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What the fake server received: command lines, and the data of each DATA.
#[derive(Default, Debug)]
struct Seen {
    lines: Vec<String>,
    data: Vec<Vec<u8>>,
}

/// A one-connection server: greets (unless `greet` is false), answers each line with
/// `handler` (`None` drops the connection), takes DATA until the lone dot, says 221 to QUIT.
async fn fake(greet: bool, handler: Handler) -> (u16, Arc<Mutex<Seen>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = seen.clone();
    tokio::spawn(async move {
        let Ok((sock, _)) = listener.accept().await else {
            return;
        };
        let (r, mut w) = sock.into_split();
        let mut r = BufReader::new(r);
        if !greet {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        let _ = w.write_all(b"220 fake ESMTP\r\n").await;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end().to_string();
            record.lock().expect("lock").lines.push(line.clone());
            let upper = line.to_ascii_uppercase();
            if upper == "QUIT" {
                let _ = w.write_all(b"221 bye\r\n").await;
                return;
            }
            if upper == "DATA" {
                let _ = w.write_all(b"354 go on\r\n").await;
                let mut data = Vec::new();
                loop {
                    let mut l = Vec::new();
                    if r.read_until(b'\n', &mut l).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if l == b".\r\n" {
                        break;
                    }
                    data.extend_from_slice(&l);
                }
                record.lock().expect("lock").data.push(data);
                let Some(reply) = handler("<END OF DATA>") else {
                    return;
                };
                let _ = w.write_all(format!("{reply}\r\n").as_bytes()).await;
                continue;
            }
            let Some(reply) = handler(&line) else {
                return;
            };
            let _ = w.write_all(format!("{reply}\r\n").as_bytes()).await;
        }
    });
    (port, seen)
}

fn settings(port: u16) -> ServerSettings {
    ServerSettings {
        host: "127.0.0.1".into(),
        port: Some(port),
        security: Security::Plain,
        username: Some("u@example.test".into()),
        password_command: None,
        oauth2_token_command: None,
        ca_file: None,
        allow_plaintext: false,
        disable_extensions: Vec::new(),
        leave_on_server: None,
        delete_after_days: None,
        check_interval: None,
    }
}

/// An EHLO reply listing `extensions`, then the usual 250 for everything else.
fn standard(extensions: &'static str) -> impl Fn(&str) -> Option<String> {
    move |line: &str| {
        let upper = line.to_ascii_uppercase();
        Some(if upper.starts_with("EHLO") {
            format!("250-fake\r\n{extensions}250 8BITMIME")
        } else {
            "250 2.0.0 ok".to_string()
        })
    }
}

const MESSAGE: &[u8] = b"Subject: x\r\n\r\nline\r\n.starts with a dot\r\nlast\r\n";

#[tokio::test]
async fn xoauth2_logs_in_with_the_token_from_the_command() {
    let expected = base64::engine::general_purpose::STANDARD
        .encode("user=u@example.test\x01auth=Bearer tok-123\x01\x01");
    let base = standard("250-AUTH LOGIN XOAUTH2\r\n250-SIZE 100000\r\n");
    let handler: Handler = Arc::new(move |line: &str| {
        if let Some(arg) = line.strip_prefix("AUTH XOAUTH2 ") {
            return Some(if arg == expected {
                "235 2.7.0 Accepted".into()
            } else {
                "535 5.7.8 bad".into()
            });
        }
        base(line)
    });
    let (port, seen) = fake(true, handler).await;
    let mut s = settings(port);
    s.oauth2_token_command = Some("printf 'tok-123\\n'".into());
    let creds = secret::credentials(&s, &mut None).await.expect("token");
    let rcpts = vec!["r@example.test".to_string()];
    send(&s, Some(&creds), "u@example.test", &rcpts, MESSAGE)
        .await
        .expect("send");
    let seen = seen.lock().expect("lock");
    let mail = seen.lines.iter().find(|l| l.starts_with("MAIL FROM"));
    assert_eq!(
        mail.map(String::as_str),
        Some(format!("MAIL FROM:<u@example.test> SIZE={}", MESSAGE.len()).as_str())
    );
    assert!(seen.lines.contains(&"RCPT TO:<r@example.test>".to_string()));
    // Dot-stuffed on the wire, and exactly the message: no extra empty line at the end.
    assert_eq!(
        seen.data,
        vec![b"Subject: x\r\n\r\nline\r\n..starts with a dot\r\nlast\r\n".to_vec()]
    );
    assert_eq!(seen.lines.last().map(String::as_str), Some("QUIT"));
}

#[tokio::test]
async fn xoauth2_error_challenge_gives_the_servers_words() {
    let challenge =
        base64::engine::general_purpose::STANDARD.encode(r#"{"status":"401","schemes":"Bearer"}"#);
    let base = standard("250-AUTH XOAUTH2\r\n");
    let handler: Handler = Arc::new(move |line: &str| {
        if line.starts_with("AUTH XOAUTH2 ") {
            return Some(format!("334 {challenge}"));
        }
        if line.is_empty() {
            return Some("535 5.7.8 Username and Password not accepted".into());
        }
        base(line)
    });
    let (port, seen) = fake(true, handler).await;
    let creds = Credentials::OAuth2 {
        user: "u@example.test".into(),
        token: Secret::new("expired".into()),
    };
    let rcpts = vec!["r@example.test".to_string()];
    let e = send(
        &settings(port),
        Some(&creds),
        "u@example.test",
        &rcpts,
        MESSAGE,
    )
    .await
    .expect_err("refused");
    match &e {
        SendError::Auth { reply, .. } => {
            assert_eq!(reply.code, 535);
            assert!(reply.text.contains("not accepted"), "{e}");
            assert!(reply.text.contains(r#""status":"401""#), "{e}");
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
    assert!(e.is_permanent());
    assert!(!seen
        .lock()
        .expect("lock")
        .lines
        .iter()
        .any(|l| l.starts_with("MAIL")));
}

#[tokio::test]
async fn no_usable_mechanism_sends_no_auth() {
    let (port, seen) = fake(true, Arc::new(standard("250-AUTH CRAM-MD5 GSSAPI\r\n"))).await;
    let creds = Credentials::Password {
        user: "u".into(),
        password: Secret::new("pw".into()),
    };
    let e = Connection::open(&settings(port), Some(&creds), Timeouts::default())
        .await
        .err()
        .expect("no mechanism");
    match &e {
        SendError::NoAuthMechanism { offered, .. } => assert_eq!(offered, "CRAM-MD5 GSSAPI"),
        other => panic!("expected NoAuthMechanism, got {other:?}"),
    }
    assert!(e.is_permanent());
    assert!(!seen
        .lock()
        .expect("lock")
        .lines
        .iter()
        .any(|l| l.starts_with("AUTH")));
}

#[tokio::test]
async fn starttls_not_offered_sends_only_ehlo_and_quit() {
    let (port, seen) = fake(true, Arc::new(standard("250-AUTH PLAIN\r\n"))).await;
    let mut s = settings(port);
    s.security = Security::Starttls;
    let creds = Credentials::Password {
        user: "u".into(),
        password: Secret::new("pw".into()),
    };
    let e = Connection::open(&s, Some(&creds), Timeouts::default())
        .await
        .err();
    assert!(matches!(e, Some(SendError::NoStartTls { .. })), "{e:?}");
    // Give the server task the QUIT line.
    for _ in 0..100 {
        if seen.lock().expect("lock").lines.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let lines = seen.lock().expect("lock").lines.clone();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("EHLO "), "{lines:?}");
    assert_eq!(lines[1], "QUIT");
}

#[tokio::test]
async fn a_silent_server_times_out_as_a_temporary_error() {
    let (port, _) = fake(false, Arc::new(standard(""))).await;
    let timeouts = Timeouts {
        connect: Duration::from_millis(300),
        ..Timeouts::default()
    };
    let t0 = std::time::Instant::now();
    let e = Connection::open(&settings(port), None, timeouts)
        .await
        .err();
    assert!(matches!(e, Some(SendError::Timeout { .. })), "{e:?}");
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert_eq!(e.map(|e| e.severity()), Some(Severity::Temporary));
}

#[tokio::test]
async fn a_4xx_recipient_refusal_is_temporary() {
    let base = standard("");
    let handler: Handler = Arc::new(move |line: &str| {
        if line.starts_with("RCPT TO:<busy@") {
            return Some("450 4.2.1 Mailbox busy, try later".into());
        }
        base(line)
    });
    let (port, seen) = fake(true, handler).await;
    let rcpts = vec![
        "ok@example.test".to_string(),
        "busy@example.test".to_string(),
    ];
    let e = send(&settings(port), None, "u@example.test", &rcpts, MESSAGE)
        .await
        .expect_err("refused");
    let SendError::Recipients { rejected, .. } = &e else {
        panic!("expected refused recipients, got {e:?}");
    };
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].0, "busy@example.test");
    assert_eq!(rejected[0].1.code, 450);
    assert_eq!(e.severity(), Severity::Temporary);
    let seen = seen.lock().expect("lock");
    assert!(seen.lines.contains(&"RSET".to_string()), "{:?}", seen.lines);
    assert!(seen.data.is_empty());
}

/// Dropped after the data end was sent, before the reply: the server may have the message.
#[tokio::test]
async fn a_connection_dropped_after_the_data_is_unconfirmed() {
    let base = standard("");
    let handler: Handler = Arc::new(move |line: &str| {
        if line == "<END OF DATA>" {
            return None;
        }
        base(line)
    });
    let (port, _) = fake(true, handler).await;
    let rcpts = vec!["r@example.test".to_string()];
    let e = send(&settings(port), None, "u@example.test", &rcpts, MESSAGE)
        .await
        .expect_err("dropped");
    assert!(matches!(e, SendError::Unconfirmed { .. }), "{e:?}");
    assert!(e.may_have_been_sent());
    assert_eq!(e.severity(), Severity::Permanent, "never retried by itself");
}

/// Dropped at RCPT, before any of the message: nothing can have been sent.
#[tokio::test]
async fn a_connection_dropped_before_the_data_is_temporary() {
    let base = standard("");
    let handler: Handler = Arc::new(move |line: &str| {
        if line.to_ascii_uppercase().starts_with("RCPT TO") {
            return None;
        }
        base(line)
    });
    let (port, _) = fake(true, handler).await;
    let rcpts = vec!["r@example.test".to_string()];
    let e = send(&settings(port), None, "u@example.test", &rcpts, MESSAGE)
        .await
        .expect_err("dropped");
    assert!(matches!(e, SendError::Connection { .. }), "{e:?}");
    assert!(!e.may_have_been_sent());
    assert_eq!(e.severity(), Severity::Temporary);
}

#[tokio::test]
async fn bad_and_non_ascii_addresses_are_refused_before_mail() {
    let (port, seen) = fake(true, Arc::new(standard(""))).await;
    let mut c = Connection::open(&settings(port), None, Timeouts::default())
        .await
        .expect("open");
    let e = c
        .send("not an address", &["r@example.test".into()], MESSAGE)
        .await;
    assert!(matches!(e, Err(SendError::Address { .. })), "{e:?}");
    let e = c
        .send("u@example.test", &["jörg@example.test".into()], MESSAGE)
        .await;
    assert!(
        matches!(&e, Err(SendError::Address { reason, .. }) if reason.contains("SMTPUTF8")),
        "{e:?}"
    );
    c.quit().await;
    assert!(!seen
        .lock()
        .expect("lock")
        .lines
        .iter()
        .any(|l| l.starts_with("MAIL")));
}

#[tokio::test]
async fn plaintext_rules() {
    // Refused before any connection attempt to a remote host...
    let mut s = settings(25);
    s.host = "192.0.2.1".into();
    let quick = Timeouts {
        connect: Duration::from_millis(300),
        ..Timeouts::default()
    };
    let e = Connection::open(&s, None, quick).await.err();
    assert!(matches!(e, Some(SendError::Plaintext { .. })), "{e:?}");
    // ...unless the account says allow_plaintext: then it tries (and here finds no server).
    s.allow_plaintext = true;
    let e = Connection::open(&s, None, quick).await.err();
    assert!(
        matches!(e, Some(SendError::Net(_)) | Some(SendError::Timeout { .. })),
        "{e:?}"
    );
    assert_eq!(e.map(|e| e.severity()), Some(Severity::Temporary));
    // Loopback names are fine without it.
    for host in ["localhost", "127.0.0.1", "::1", "[::1]"] {
        assert!(is_loopback(host), "{host}");
    }
}
