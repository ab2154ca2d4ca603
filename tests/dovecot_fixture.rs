//! Proves the Dovecot fixture of tests/support works: users, LMTP delivery, bulk load, special-use
//! folders, stop/start, plain and TLS connections trusting (or not) the test CA.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::dovecot::{dovecot, private_dovecot, Dovecot, User, MAIL_DOMAIN};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

/// A plain-text IMAP or POP3 conversation over TCP on 127.0.0.1.
struct Plain {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Plain {
    fn connect(port: u16) -> (Plain, String) {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to Dovecot");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("set read timeout");
        let writer = stream.try_clone().expect("clone socket");
        let mut p = Plain {
            reader: BufReader::new(stream),
            writer,
        };
        let greeting = p.line();
        (p, greeting)
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read from Dovecot");
        line
    }

    /// Send `TAG CMD` and return all lines up to and including the tagged reply.
    fn imap(&mut self, tag: &str, cmd: &str) -> Vec<String> {
        write!(self.writer, "{tag} {cmd}\r\n").expect("send IMAP command");
        let mut lines = Vec::new();
        loop {
            let line = self.line();
            assert!(
                !line.is_empty(),
                "connection closed during {cmd:?}: {lines:?}"
            );
            let done = line.starts_with(&format!("{tag} "));
            lines.push(line);
            if done {
                return lines;
            }
        }
    }
}

fn imap_login(d: &Dovecot, user: &User) -> Plain {
    let (mut p, greeting) = Plain::connect(d.imap_port());
    assert!(greeting.starts_with("* OK"), "{greeting}");
    let reply = p.imap("a", &format!("LOGIN {} \"{}\"", user.name, user.password));
    let last = reply.last().expect("a reply");
    assert!(
        last.starts_with("a OK"),
        "login of {} failed: {reply:?}\n{}",
        user.name,
        d.log_tail(10)
    );
    p
}

fn message(i: usize, subject: &str) -> Vec<u8> {
    format!(
        "From: Sender <sender@example.org>\r\nTo: someone@{MAIL_DOMAIN}\r\n\
         Subject: {subject}\r\nDate: Mon, 6 Jan 2025 10:{:02}:{:02} +0000\r\n\
         Message-ID: <m{i}@example.org>\r\n\r\nBody of message {i}.\r\n.leading dot line\r\n",
        (i / 60) % 60,
        i % 60
    )
    .into_bytes()
}

#[test]
fn starts_and_greets_with_starttls_on_plain_ports() {
    let t0 = Instant::now();
    let d = dovecot();
    eprintln!("dovecot() returned after {:?}", t0.elapsed());
    let (_imap, greeting) = Plain::connect(d.imap_port());
    assert!(greeting.starts_with("* OK"), "{greeting}");
    assert!(greeting.contains("STARTTLS"), "{greeting}");
    assert!(!greeting.contains("LOGINDISABLED"), "{greeting}");

    let (mut pop, greeting) = Plain::connect(d.pop3_port());
    assert!(greeting.starts_with("+OK"), "{greeting}");
    write!(pop.writer, "CAPA\r\n").expect("send CAPA");
    let mut capa = Vec::new();
    loop {
        let line = pop.line();
        if line.trim_end() == "." || line.is_empty() {
            break;
        }
        capa.push(line.trim_end().to_string());
    }
    assert!(capa.iter().any(|c| c == "STLS"), "{capa:?}");
    assert!(d.ca_file().is_file() && d.untrusted_ca_file().is_file());
    assert!(d.dir().join("dovecot.conf").is_file());
}

#[test]
fn two_users_and_lmtp_delivery_seen_by_doveadm() {
    let d = dovecot();
    let alice = d.new_user("alice");
    let bob = d.new_user("bob");
    assert_ne!(alice.name, bob.name);
    assert_eq!(alice.email, format!("{}@{MAIL_DOMAIN}", alice.name));

    d.deliver(&alice, &message(1, "Hello Alice"));
    let out = d.doveadm(&[
        "fetch",
        "-u",
        &alice.name,
        "uid hdr.subject",
        "mailbox",
        "INBOX",
        "all",
    ]);
    assert!(out.contains("hdr.subject: Hello Alice"), "{out}");
    assert_eq!(d.message_count(&alice, "INBOX"), 1);
    assert_eq!(d.message_count(&bob, "INBOX"), 0);

    // To folders: nested ASCII (LMTP detail), with a space (quoted local part), non-ASCII (LDA).
    d.deliver_to(&bob, "Work/Reports", &message(2, "Report"));
    d.deliver_to(&bob, "My Folder", &message(3, "Spaced"));
    d.deliver_to(&bob, "Ärger", &message(4, "Umlaut"));
    for folder in ["Work/Reports", "My Folder", "Ärger"] {
        assert_eq!(d.message_count(&bob, folder), 1, "{folder}");
    }
    let found = d.doveadm(&[
        "search",
        "-u",
        &bob.name,
        "mailbox",
        "Work/Reports",
        "subject",
        "Report",
    ]);
    assert_eq!(found.lines().count(), 1, "{found}");
    assert_eq!(d.message_count(&bob, "INBOX"), 0);

    // Both log in at once (plain text on the loopback plain port) and see their own mail.
    let mut a = imap_login(d, &alice);
    let reply = a.imap("b", "STATUS INBOX (MESSAGES)");
    assert!(reply[0].contains("MESSAGES 1"), "{reply:?}");
    let mut b = imap_login(d, &bob);
    let reply = b.imap("b", "STATUS INBOX (MESSAGES)");
    assert!(reply[0].contains("MESSAGES 0"), "{reply:?}");
}

#[test]
fn lmtp_delivery_wakes_idle() {
    let d = dovecot();
    let u = d.new_user("idle");
    let mut p = imap_login(d, &u);
    let reply = p.imap("s", "SELECT INBOX");
    assert!(
        reply.iter().any(|l| l.starts_with("* 0 EXISTS")),
        "{reply:?}"
    );
    write!(p.writer, "i IDLE\r\n").expect("send IDLE");
    let cont = p.line();
    assert!(cont.starts_with("+ "), "{cont}");
    let t0 = Instant::now();
    d.deliver(&u, &message(1, "Wake up"));
    loop {
        let line = p.line();
        assert!(!line.is_empty(), "connection closed while idling");
        if line.starts_with("* 1 EXISTS") {
            break;
        }
    }
    eprintln!("IDLE saw the delivery after {:?}", t0.elapsed());
    write!(p.writer, "DONE\r\n").expect("send DONE");
    loop {
        let line = p.line();
        if line.starts_with("i ") {
            assert!(line.starts_with("i OK"), "{line}");
            break;
        }
    }
}

#[test]
fn new_users_log_in_at_once_and_failures_do_not_slow_later_logins() {
    let d = dovecot();
    for i in 0..10 {
        let u = d.new_user(&format!("quick{i}"));
        drop(imap_login(d, &u));
    }
    let odd = d.new_user_with_password("odd", "p a\"s\\s");
    let (mut p, _) = Plain::connect(d.imap_port());
    let reply = p.imap("a", &format!("LOGIN {} \"p a\\\"s\\\\s\"", odd.name));
    assert!(reply.last().unwrap().starts_with("a OK"), "{reply:?}");

    let u = d.new_user("penalty");
    for _ in 0..3 {
        let (mut p, _) = Plain::connect(d.imap_port());
        let reply = p.imap("a", &format!("LOGIN {} wrong", u.name));
        assert!(reply.last().unwrap().starts_with("a NO"), "{reply:?}");
    }
    let t0 = Instant::now();
    drop(imap_login(d, &u));
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "login after failures took {:?}: auth penalty still on",
        t0.elapsed()
    );
}

#[test]
fn append_many_2000_messages_quickly_and_in_order() {
    let d = dovecot();
    let u = d.new_user("bulk");
    let messages: Vec<Vec<u8>> = (0..2000)
        .map(|i| message(i, &format!("Bulk {i}")))
        .collect();
    let t0 = Instant::now();
    d.append_many(&u, "Bulk", &messages);
    let took = t0.elapsed();
    eprintln!("append_many(2000) took {took:?}");
    assert_eq!(d.message_count(&u, "Bulk"), 2000);
    assert!(
        took < Duration::from_secs(20),
        "append_many(2000) took {took:?}"
    );
    for (uid, subject) in [("1", "Bulk 0"), ("1000", "Bulk 999"), ("2000", "Bulk 1999")] {
        let out = d.doveadm(&[
            "fetch",
            "-u",
            &u.name,
            "hdr.subject",
            "mailbox",
            "Bulk",
            "uid",
            uid,
        ]);
        assert_eq!(out.trim(), format!("hdr.subject: {subject}"), "uid {uid}");
    }
    // INBOX too, then more in the same folder keeps counting up.
    d.append_many(&u, "INBOX", &messages[..10]);
    assert_eq!(d.message_count(&u, "INBOX"), 10);
    d.append_many(&u, "Bulk", &messages[..5]);
    assert_eq!(d.message_count(&u, "Bulk"), 2005);
    // INTERNALDATE comes from the Date: header.
    let out = d.doveadm(&[
        "fetch",
        "-u",
        &u.name,
        "date.received",
        "mailbox",
        "Bulk",
        "uid",
        "2",
    ]);
    assert!(out.contains("2025-01-06 10:00:01"), "{out}");
}

/// The benchmarks' load: `cargo test --test dovecot_fixture -- --ignored --nocapture`.
#[test]
#[ignore = "takes several seconds; run for timing"]
fn append_many_50000_messages() {
    let d = dovecot();
    let u = d.new_user("bench");
    let messages: Vec<Vec<u8>> = (0..50_000)
        .map(|i| message(i, &format!("Bench {i}")))
        .collect();
    let t0 = Instant::now();
    d.append_many(&u, "INBOX", &messages);
    eprintln!("append_many(50000) took {:?}", t0.elapsed());
    assert_eq!(d.message_count(&u, "INBOX"), 50_000);
}

#[test]
fn special_use_folders_exist_with_their_attributes() {
    let d = dovecot();
    let u = d.new_user("folders");
    let list = d.doveadm(&["mailbox", "list", "-u", &u.name]);
    let subscribed = d.doveadm(&["mailbox", "list", "-s", "-u", &u.name]);
    let mut p = imap_login(d, &u);
    let reply = p.imap("b", "LIST \"\" \"*\" RETURN (SPECIAL-USE)");
    for (name, flag) in [
        ("Sent", "\\Sent"),
        ("Drafts", "\\Drafts"),
        ("Trash", "\\Trash"),
        ("Junk", "\\Junk"),
        ("Archive", "\\Archive"),
    ] {
        assert!(list.lines().any(|l| l == name), "{name} missing: {list}");
        assert!(
            subscribed.lines().any(|l| l == name),
            "{name} not subscribed: {subscribed}"
        );
        assert!(
            reply
                .iter()
                .any(|l| l.contains(flag) && l.trim_end().ends_with(&format!("\"/\" {name}"))),
            "{name} {flag} missing: {reply:?}"
        );
    }
}

#[test]
fn stop_refuses_connections_and_start_brings_the_mail_back() {
    let d = private_dovecot();
    let u = d.new_user("downtime");
    d.deliver(&u, &message(1, "Before the outage"));
    let t0 = Instant::now();
    d.stop();
    eprintln!("stop() took {:?}", t0.elapsed());
    assert!(!d.is_running());
    for port in [d.imap_port(), d.imaps_port(), d.pop3_port(), d.pop3s_port()] {
        let err = TcpStream::connect(("127.0.0.1", port)).expect_err("server is down");
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{err}");
    }
    let t0 = Instant::now();
    d.start();
    eprintln!("start() took {:?}", t0.elapsed());
    let mut p = imap_login(&d, &u);
    let reply = p.imap("b", "STATUS INBOX (MESSAGES)");
    assert!(reply[0].contains("MESSAGES 1"), "{reply:?}");
    d.start(); // no-op while running
    assert!(d.is_running());
}

fn tls_connector(ca: &std::path::Path) -> tokio_rustls::TlsConnector {
    use rustls::pki_types::pem::PemObject;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_file_iter(ca).expect("read CA file") {
        roots
            .add(cert.expect("parse CA PEM"))
            .expect("add CA to root store");
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

async fn tls_greeting(port: u16, ca: &std::path::Path, host: &str) -> std::io::Result<String> {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let name = rustls::pki_types::ServerName::try_from(host.to_string()).expect("server name");
    let tls = tls_connector(ca).connect(name, tcp).await?;
    let mut reader = tokio::io::BufReader::new(tls);
    let mut line = String::new();
    reader.read_line(&mut line).await?;
    Ok(line)
}

fn is_cert_error(e: &std::io::Error) -> bool {
    matches!(
        e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()),
        Some(rustls::Error::InvalidCertificate(_))
    )
}

#[tokio::test]
async fn implicit_tls_and_starttls_trust_the_test_ca_only() {
    let d = dovecot();
    for host in ["localhost", "127.0.0.1"] {
        let line = tls_greeting(d.imaps_port(), d.ca_file(), host)
            .await
            .unwrap_or_else(|e| panic!("IMAPS to {host} trusting the test CA: {e}"));
        assert!(line.starts_with("* OK"), "{line}");
    }
    let line = tls_greeting(d.pop3s_port(), d.ca_file(), "localhost")
        .await
        .expect("POP3S trusting the test CA");
    assert!(line.starts_with("+OK"), "{line}");

    for port in [d.imaps_port(), d.pop3s_port()] {
        let err = tls_greeting(port, d.untrusted_ca_file(), "localhost")
            .await
            .expect_err("the untrusted CA must not verify the server certificate");
        assert!(is_cert_error(&err), "not a certificate error: {err:?}");
    }

    // STARTTLS on the plain IMAP port, then log in over TLS.
    let u = d.new_user("starttls");
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", d.imap_port()))
        .await
        .expect("connect");
    let mut plain = tokio::io::BufReader::new(tcp);
    let mut line = String::new();
    plain.read_line(&mut line).await.expect("greeting");
    plain
        .get_mut()
        .write_all(b"s STARTTLS\r\n")
        .await
        .expect("send STARTTLS");
    line.clear();
    plain.read_line(&mut line).await.expect("STARTTLS reply");
    assert!(line.starts_with("s OK"), "{line}");
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let tls = tls_connector(d.ca_file())
        .connect(name, plain.into_inner())
        .await
        .expect("TLS after STARTTLS");
    let mut tls = tokio::io::BufReader::new(tls);
    tls.get_mut()
        .write_all(format!("l LOGIN {} {}\r\n", u.name, u.password).as_bytes())
        .await
        .expect("send LOGIN");
    loop {
        line.clear();
        tls.read_line(&mut line).await.expect("LOGIN reply");
        if line.starts_with("l ") {
            break;
        }
    }
    assert!(line.starts_with("l OK"), "{line}");
}
