//! Sending through a real Postfix (tests/support/postfix.rs) into a real Dovecot: messages built
//! by `mail::compose` go out on the STARTTLS, implicit-TLS and plain ports and arrive intact (Bcc
//! only in the envelope); wrong passwords, refused recipients, oversized messages, a stopped
//! server, a missing STARTTLS, plaintext to a remote host and an untrusted certificate give the
//! typed errors the status line and the outbox need; no secret reaches the log.

mod support;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mail_parser::{MessageParser, MimeHeaders};
use support::dovecot::{User, MAIL_DOMAIN};
use support::postfix::{postfix, private_postfix, Postfix, MESSAGE_SIZE_LIMIT};
use tmail::backend::net::NetError;
use tmail::backend::secret::{Credentials, Secret};
use tmail::backend::smtp::{self, SendError, Severity};
use tmail::config::{Security, ServerSettings};
use tmail::mail::compose::{build, AttachmentSource, Built, Draft, DraftAttachment};
use tmail::mail::parse::envelope_from_raw;
use tmail::mail::{Address, Flags};

const DELIVERY: Duration = Duration::from_secs(30);

/// Everything logged by this test binary, at every level. Installed before any test sends
/// (every test starts with [`fixture`]), as the global subscriber: a scoped one misses events
/// when other test threads register the same callsites at the same time.
static LOG: OnceLock<Capture> = OnceLock::new();

fn log_capture() -> &'static Capture {
    LOG.get_or_init(|| {
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("set the test subscriber");
        capture
    })
}

/// The shared Postfix, with the log capture installed first.
fn fixture() -> &'static Postfix {
    log_capture();
    postfix()
}

fn server(p: &Postfix, port: u16, security: Security) -> ServerSettings {
    ServerSettings {
        host: "127.0.0.1".into(),
        port: Some(port),
        security,
        username: None,
        password_command: None,
        oauth2_token_command: None,
        ca_file: Some(p.ca_file().to_path_buf()),
        allow_plaintext: false,
        disable_extensions: Vec::new(),
        leave_on_server: None,
        delete_after_days: None,
        check_interval: None,
    }
}

fn creds(u: &User) -> Credentials {
    Credentials::Password {
        user: u.name.clone(),
        password: Secret::new(u.password.clone()),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn addr(name: Option<&str>, email: &str) -> Address {
    Address {
        name: name.map(str::to_string),
        email: email.to_string(),
    }
}

/// Now, to the second (the Date header has no fractions).
fn now() -> SystemTime {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn simple(from: &User, to: &[&str]) -> Built {
    let d = Draft {
        from: addr(None, &from.email),
        to: to.iter().map(|t| addr(None, t)).collect(),
        subject: "hello".into(),
        body: "hi\n".into(),
        ..Draft::default()
    };
    build(&d, now()).expect("build")
}

fn send(s: &ServerSettings, c: Option<&Credentials>, b: &Built) -> Result<(), SendError> {
    rt().block_on(smtp::send(s, c, &b.envelope_from, &b.recipients, &b.bytes))
}

fn lf(b: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(b)
        .replace("\r\n", "\n")
        .into_bytes()
}

fn header_names(raw: &[u8]) -> Vec<String> {
    let msg = MessageParser::default()
        .parse(raw)
        .expect("parse delivered");
    msg.headers()
        .iter()
        .map(|h| h.name.as_str().to_ascii_lowercase())
        .collect()
}

/// A full message (non-ASCII names and subject, Cc, Bcc, reply headers, a binary attachment
/// with a non-ASCII name) through `port`, read back from every recipient's INBOX.
fn round_trip(port: fn(&Postfix) -> u16, security: Security) {
    let p = fixture();
    let d = p.dovecot();
    let (alice, bob, carol, dave) = (
        d.new_user("alice"),
        d.new_user("bob"),
        d.new_user("carol"),
        d.new_user("dave"),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let data: Vec<u8> = (0..300_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let file = dir.path().join("Übersicht März.bin");
    std::fs::write(&file, &data).expect("write attachment");
    let draft = Draft {
        id: "draft-1".into(),
        from: addr(Some("Zoë Ångström"), &alice.email),
        to: vec![addr(Some("Bob Müller"), &bob.email)],
        cc: vec![addr(None, &carol.email)],
        bcc: vec![addr(Some("Secret Dave"), &dave.email)],
        subject: "Grüße — 東京 report".into(),
        body: "Hello Bob,\n\nsee attached.\n-- \nZoë\n".into(),
        in_reply_to: Some("orig-1@tmail.test".into()),
        references: vec!["root-0@tmail.test".into(), "orig-1@tmail.test".into()],
        attachments: vec![DraftAttachment::file(&file)],
    };
    let sent_at = now();
    let built = build(&draft, sent_at).expect("build");
    let s = server(p, port(p), security);
    send(&s, Some(&creds(&alice)), &built)
        .unwrap_or_else(|e| panic!("send via {security:?} failed: {e}\n{}", p.log_tail(20)));

    for user in [&bob, &carol, &dave] {
        let inbox = p.wait_for_inbox(user, 1, DELIVERY);
        assert_eq!(inbox.len(), 1, "{}", user.email);
        let raw = &inbox[0];
        // What arrived is what was built (Postfix and Dovecot only add trace headers on top).
        assert!(
            lf(raw).ends_with(&lf(&built.bytes)),
            "{} got something else:\n{}",
            user.email,
            String::from_utf8_lossy(raw)
        );
        assert!(
            !header_names(raw).contains(&"bcc".to_string()),
            "{}",
            user.email
        );
        let text = String::from_utf8_lossy(raw);
        assert!(
            !text.contains("Secret Dave"),
            "Bcc name leaked to {}",
            user.email
        );
        if user.name != dave.name {
            assert!(
                !text.contains(&dave.email),
                "Bcc address leaked to {}",
                user.email
            );
        }
        let e = envelope_from_raw(raw, 1, Flags::default(), 0);
        assert_eq!(e.from, vec![addr(Some("Zoë Ångström"), &alice.email)]);
        assert_eq!(e.to, vec![addr(Some("Bob Müller"), &bob.email)]);
        assert_eq!(e.cc, vec![addr(None, &carol.email)]);
        assert_eq!(e.subject, "Grüße — 東京 report");
        let secs = sent_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        assert_eq!(e.date as u64, secs);
        assert_eq!(e.message_id.as_deref(), Some(built.message_id.as_str()));
        assert!(built.message_id.ends_with(&format!("@{MAIL_DOMAIN}")));
        assert_eq!(e.in_reply_to.as_deref(), Some("orig-1@tmail.test"));
        assert_eq!(e.references, ["root-0@tmail.test", "orig-1@tmail.test"]);
        let msg = MessageParser::default().parse(raw).expect("parse");
        // Dovecot stores LF line ends.
        assert_eq!(
            msg.body_text(0).map(|t| t.replace("\r\n", "\n")).as_deref(),
            Some("Hello Bob,\n\nsee attached.\n-- \nZoë\n")
        );
        let att = msg.attachment(0).expect("attachment");
        assert_eq!(att.attachment_name(), Some("Übersicht März.bin"));
        assert!(att.contents() == data.as_slice(), "attachment bytes differ");
    }
    assert_eq!(d.message_count(&alice, "INBOX"), 0);
}

#[test]
fn starttls_submission_delivers_everything_intact() {
    round_trip(Postfix::submission_port, Security::Starttls);
}

#[test]
fn implicit_tls_submission_delivers_everything_intact() {
    round_trip(Postfix::submissions_port, Security::Tls);
}

#[test]
fn plain_to_loopback_is_allowed() {
    let p = fixture();
    let (alice, bob) = (p.dovecot().new_user("alice"), p.dovecot().new_user("bob"));
    let b = simple(&alice, &[&bob.email]);
    send(
        &server(p, p.plain_port(), Security::Plain),
        Some(&creds(&alice)),
        &b,
    )
    .expect("plain send to 127.0.0.1");
    let inbox = p.wait_for_inbox(&bob, 1, DELIVERY);
    assert!(lf(&inbox[0]).ends_with(&lf(&b.bytes)));
}

#[test]
fn wrong_password_is_a_permanent_auth_error_with_the_servers_words() {
    let p = fixture();
    let (alice, bob) = (p.dovecot().new_user("alice"), p.dovecot().new_user("bob"));
    let bad = Credentials::Password {
        user: alice.name.clone(),
        password: Secret::new("not-the-password".into()),
    };
    let b = simple(&alice, &[&bob.email]);
    let e = send(
        &server(p, p.submission_port(), Security::Starttls),
        Some(&bad),
        &b,
    )
    .expect_err("a wrong password must fail");
    match &e {
        SendError::Auth { user, reply, .. } => {
            assert_eq!(user, &alice.name);
            assert_eq!(reply.code, 535, "{e}");
            assert!(reply.text.contains("authentication failed"), "{e}");
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
    assert_eq!(e.severity(), Severity::Permanent);
    assert!(e.to_string().contains("535"), "{e}");
    assert_eq!(p.dovecot().message_count(&bob, "INBOX"), 0);
}

#[test]
fn refused_recipients_are_named_and_nothing_is_sent() {
    let p = fixture();
    let (alice, bob) = (p.dovecot().new_user("alice"), p.dovecot().new_user("bob"));
    let unknown = format!("nobody@{MAIL_DOMAIN}");
    let b = simple(&alice, &[&bob.email, &unknown, "someone@example.com"]);
    let s = server(p, p.submissions_port(), Security::Tls);
    let e = send(&s, Some(&creds(&alice)), &b).expect_err("must be refused");
    let SendError::Recipients { rejected, .. } = &e else {
        panic!("expected refused recipients, got {e:?}");
    };
    assert_eq!(rejected.len(), 2, "{e}");
    assert_eq!(rejected[0].0, unknown);
    assert_eq!(rejected[0].1.code, 550);
    assert!(rejected[0].1.text.contains("User unknown"), "{e}");
    assert_eq!(rejected[1].0, "someone@example.com");
    assert_eq!(rejected[1].1.code, 554);
    assert!(rejected[1].1.text.contains("Relay access denied"), "{e}");
    assert!(e.is_permanent());
    assert!(e.to_string().contains(&unknown), "{e}");
    assert_eq!(e.reply().map(|r| r.code), Some(550));
    // All or nothing: the good recipient got nothing either.
    assert_eq!(p.dovecot().message_count(&bob, "INBOX"), 0);
    // After the refusal the transaction is reset: the same connection sends the next message.
    let good = simple(&alice, &[&bob.email]);
    rt().block_on(async {
        let mut c = smtp::Connection::open(&s, Some(&creds(&alice)), smtp::Timeouts::default())
            .await
            .expect("open");
        let e = c.send(&b.envelope_from, &b.recipients, &b.bytes).await;
        assert!(matches!(e, Err(SendError::Recipients { .. })), "{e:?}");
        c.send(&good.envelope_from, &good.recipients, &good.bytes)
            .await
            .expect("send on the same connection after RSET");
        assert!(c.is_alive().await);
        c.quit().await;
    });
    let inbox = p.wait_for_inbox(&bob, 1, DELIVERY);
    assert_eq!(inbox.len(), 1);
    assert!(lf(&inbox[0]).ends_with(&lf(&good.bytes)));
}

#[test]
fn a_message_over_the_size_limit_is_permanently_refused() {
    let p = fixture();
    let (alice, bob) = (p.dovecot().new_user("alice"), p.dovecot().new_user("bob"));
    let draft = Draft {
        from: addr(None, &alice.email),
        to: vec![addr(None, &bob.email)],
        subject: "big".into(),
        attachments: vec![DraftAttachment {
            source: AttachmentSource::Data(vec![7u8; MESSAGE_SIZE_LIMIT]),
            name: Some("big.bin".into()),
            mime: None,
        }],
        ..Draft::default()
    };
    let b = build(&draft, now()).expect("build");
    assert!(b.bytes.len() > MESSAGE_SIZE_LIMIT);
    let s = server(p, p.submission_port(), Security::Starttls);
    let e = send(&s, Some(&creds(&alice)), &b).expect_err("too big");
    match &e {
        SendError::TooBig { size, reply, .. } => {
            assert_eq!(*size, b.bytes.len());
            assert_eq!(reply.code, 552, "{e}");
            assert!(reply.text.contains("5.3.4"), "{e}");
        }
        other => panic!("expected TooBig, got {other:?}"),
    }
    assert!(e.is_permanent());
}

#[test]
fn a_stopped_server_is_a_temporary_error_and_a_restarted_one_works() {
    log_capture();
    let p = private_postfix();
    let (alice, bob) = (p.dovecot().new_user("alice"), p.dovecot().new_user("bob"));
    let s = server(&p, p.submission_port(), Security::Starttls);
    let b = simple(&alice, &[&bob.email]);
    p.stop();
    assert!(!p.is_running());
    let e = send(&s, Some(&creds(&alice)), &b).expect_err("server is down");
    assert!(
        matches!(e, SendError::Net(NetError::Connect { .. })),
        "expected a connection error, got {e:?}"
    );
    assert_eq!(e.severity(), Severity::Temporary);
    p.start();
    send(&s, Some(&creds(&alice)), &b).expect("send after restart");
    assert_eq!(p.wait_for_inbox(&bob, 1, DELIVERY).len(), 1);
}

#[test]
fn starttls_required_but_not_offered_is_refused_before_auth() {
    // An instance of its own, so its log holds this one conversation.
    log_capture();
    let p = private_postfix();
    let alice = p.dovecot().new_user("alice");
    let b = simple(&alice, &[&alice.email]);
    let s = server(&p, p.plain_port(), Security::Starttls);
    let e = send(&s, Some(&creds(&alice)), &b).expect_err("no STARTTLS there");
    assert!(matches!(e, SendError::NoStartTls { .. }), "{e:?}");
    assert!(e.is_permanent());
    // Postfix counts the commands of each connection: EHLO and QUIT, no AUTH, no MAIL.
    let deadline = Instant::now() + Duration::from_secs(10);
    let line = loop {
        let log = p.log_tail(200);
        let found = log
            .lines()
            .find(|l| l.contains("postfix/plain/smtpd") && l.contains(" ehlo="))
            .map(str::to_string);
        if let Some(line) = found {
            break line;
        }
        assert!(Instant::now() < deadline, "no disconnect logged:\n{log}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(line.ends_with(" ehlo=1 quit=1 commands=2"), "{line}");
}

#[test]
fn plaintext_to_a_remote_host_is_refused_before_connecting() {
    let p = fixture();
    let alice = p.dovecot().new_user("alice");
    let b = simple(&alice, &[&alice.email]);
    let mut s = server(p, 25, Security::Plain);
    // TEST-NET-1: nothing answers there; a connection attempt would take the connect timeout.
    s.host = "192.0.2.1".into();
    let t0 = Instant::now();
    let e = send(&s, Some(&creds(&alice)), &b).expect_err("must refuse");
    assert!(
        matches!(e, SendError::Plaintext { ref host } if host == "192.0.2.1"),
        "{e:?}"
    );
    assert!(e.is_permanent());
    assert!(t0.elapsed() < Duration::from_secs(1), "it tried to connect");
    assert!(e.to_string().contains("allow_plaintext"), "{e}");
}

#[test]
fn an_untrusted_certificate_is_a_permanent_error() {
    let p = fixture();
    let alice = p.dovecot().new_user("alice");
    let b = simple(&alice, &[&alice.email]);
    let mut s = server(p, p.submissions_port(), Security::Tls);
    s.ca_file = Some(p.dovecot().untrusted_ca_file().to_path_buf());
    let e = send(&s, Some(&creds(&alice)), &b).expect_err("untrusted");
    assert!(
        matches!(e, SendError::Net(NetError::Certificate { .. })),
        "{e:?}"
    );
    assert!(e.is_permanent());
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn no_secret_reaches_the_log_at_any_level() {
    use base64::Engine as _;
    let p = fixture();
    let password = "Very-Secret-Passw0rd";
    let alice = p.dovecot().new_user_with_password("alice", password);
    let bob = p.dovecot().new_user("bob");
    let b = simple(&alice, &[&bob.email]);
    let wrong = Credentials::Password {
        user: alice.name.clone(),
        password: Secret::new(format!("{password}-wrong")),
    };
    for (port, security) in [
        (p.submission_port(), Security::Starttls),
        (p.submissions_port(), Security::Tls),
        (p.plain_port(), Security::Plain),
    ] {
        let s = server(p, port, security);
        send(&s, Some(&creds(&alice)), &b).expect("send");
        assert!(send(&s, Some(&wrong), &b).is_err());
    }
    let log = String::from_utf8_lossy(&log_capture().0.lock().unwrap_or_else(|e| e.into_inner()))
        .into_owned();
    assert!(
        log.contains(&format!("smtp: {} accepted a message", "127.0.0.1")),
        "this test's sends were not captured:\n{log}"
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    for secret in [
        password.to_string(),
        b64.encode(format!("\0{}\0{password}", alice.name)),
        b64.encode(format!("\0{}\0{password}-wrong", alice.name)),
        b64.encode(password),
    ] {
        assert!(!log.contains(&secret), "{secret:?} is in the log:\n{log}");
    }
    assert_eq!(p.wait_for_inbox(&bob, 3, DELIVERY).len(), 3);
}
