//! The protocol against in-memory streams: a fake server on the other end of a duplex pipe
//! answers each command from a script and records what it was sent.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};

use super::*;
use crate::backend::pop3::conn::{login, Credentials};
use crate::backend::secret::Secret;

type Sent = Arc<Mutex<Vec<String>>>;

/// A client whose server sends `greeting`, then for each line it reads, the next answer of
/// `script` (raw bytes). Returns the client and the lines the server received.
fn scripted(greeting: &str, script: Vec<&'static [u8]>) -> (Client<BufReader<DuplexStream>>, Sent) {
    let (a, b) = tokio::io::duplex(1 << 20);
    let sent: Sent = Arc::default();
    let log = sent.clone();
    let greeting = greeting.to_string();
    tokio::spawn(async move {
        let mut server = BufReader::new(b);
        server.write_all(greeting.as_bytes()).await.unwrap();
        for answer in script {
            let mut line = String::new();
            if server.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            log.lock().unwrap().push(line.trim_end().to_string());
            server.write_all(answer).await.unwrap();
        }
        // then hold the line open without a word (for the timeout test)
        let mut rest = String::new();
        let _ = server.read_line(&mut rest).await;
    });
    (Client::new(BufReader::new(a)), sent)
}

#[tokio::test]
async fn byte_stuffing_is_undone_exactly() {
    // a message with a line of a single ".", lines starting with ".", an 8-bit line and a
    // line ending in a lone "." : stuffed by the server, as RFC 1939 says
    let wire: &'static [u8] = b"+OK 97 octets\r\nSubject: dots\r\n\r\n..\r\n...\r\n..leading\r\nno dot.\r\nGr\xfc\xdfe\r\n.\r\n";
    let (mut c, _) = scripted("+OK ready\r\n", vec![wire]);
    c.greeting().await.unwrap();
    let body = c.retr(1).await.unwrap();
    assert_eq!(
        body,
        b"Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nno dot.\r\nGr\xfc\xdfe\r\n".to_vec()
    );
}

#[tokio::test]
async fn err_texts_are_kept_verbatim() {
    let (mut c, sent) = scripted(
        "+OK hi\r\n",
        vec![b"-ERR [SYS/PERM] no such message, only 2 in maildrop\r\n"],
    );
    c.greeting().await.unwrap();
    match c.retr(9).await.unwrap_err() {
        Pop3Error::Refused { command, message } => {
            assert_eq!(command, "RETR");
            assert_eq!(message, "[SYS/PERM] no such message, only 2 in maildrop");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sent.lock().unwrap().as_slice(), ["RETR 9"]);
}

#[tokio::test]
async fn capa_uidl_and_list() {
    let (mut c, _) = scripted(
        "+OK\r\n",
        vec![
            b"+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN xoauth2\r\nSTLS\r\nRESP-CODES\r\n.\r\n",
            b"+OK\r\n1 000000a1\r\n2 whqtswO00WBw418f9t5JxYwZ\r\n.\r\n",
            b"+OK 2 messages\r\n1 120\r\n2 5000000\r\n.\r\n",
        ],
    );
    c.greeting().await.unwrap();
    let caps = c.capa().await.unwrap();
    assert!(caps.known && caps.top && caps.uidl && caps.user && caps.stls && !caps.pipelining);
    assert!(caps.has_sasl("PLAIN") && caps.has_sasl("XOAUTH2") && !caps.has_sasl("LOGIN"));
    assert_eq!(
        c.uidl().await.unwrap().unwrap(),
        vec![
            (1, "000000a1".to_string()),
            (2, "whqtswO00WBw418f9t5JxYwZ".to_string())
        ]
    );
    assert_eq!(c.list().await.unwrap(), vec![(1, 120), (2, 5_000_000)]);
}

#[tokio::test]
async fn no_capa_and_no_uidl_are_not_errors() {
    let (mut c, _) = scripted(
        "+OK\r\n",
        vec![b"-ERR unknown command\r\n", b"-ERR unknown command\r\n"],
    );
    c.greeting().await.unwrap();
    assert_eq!(c.capa().await.unwrap(), Capabilities::default());
    assert_eq!(c.uidl().await.unwrap(), None);
}

#[tokio::test]
async fn a_cut_mid_response_is_a_connection_error() {
    let (mut c, _) = scripted("+OK\r\n", vec![b"+OK\r\nSubject: half\r\n"]);
    c.greeting().await.unwrap();
    // the script ends and the fake server waits: use a short timeout
    let mut c = c.with_timeout(Duration::from_millis(200));
    let e = c.retr(1).await.unwrap_err();
    assert!(matches!(e, Pop3Error::Timeout(_)), "{e:?}");

    let (a, b) = tokio::io::duplex(1024);
    let mut c = Client::new(BufReader::new(a));
    let mut server = b;
    server
        .write_all(b"+OK\r\n+OK\r\nFrom: x\r\n")
        .await
        .unwrap();
    drop(server);
    c.greeting().await.unwrap();
    let e = c.retr(1).await.unwrap_err();
    assert!(matches!(e, Pop3Error::Connection(_)), "{e:?}");
}

#[test]
fn apop_digest_of_rfc_1939() {
    let ts = apop_timestamp("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>").unwrap();
    assert_eq!(ts, "<1896.697170952@dbc.mtview.ca.us>");
    assert_eq!(
        apop_digest(ts, "tanstaaf"),
        "c4c9334bac560ecc979e58001b3e22fb"
    );
    assert_eq!(apop_timestamp("+OK Dovecot ready."), None);
}

#[test]
fn base64_matches_rfc_4648() {
    for (i, o) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64(i.as_bytes()), o);
    }
}

fn password(user: &str, pw: &str) -> Credentials {
    Credentials::Password {
        user: user.into(),
        password: Secret::new(pw.into()),
    }
}

#[tokio::test]
async fn login_picks_sasl_plain_over_tls() {
    let (mut c, sent) = scripted("+OK\r\n", vec![b"+OK Logged in.\r\n"]);
    let g = c.greeting().await.unwrap();
    let caps = Capabilities::parse(b"USER\r\nSASL PLAIN\r\n");
    login(&mut c, "h", &g, &caps, &password("alice", "pw"), true)
        .await
        .unwrap();
    assert_eq!(sent.lock().unwrap().as_slice(), ["AUTH PLAIN AGFsaWNlAHB3"]);
}

#[tokio::test]
async fn login_with_user_pass_reports_the_servers_words() {
    let (mut c, sent) = scripted(
        "+OK\r\n",
        vec![b"+OK\r\n", b"-ERR [AUTH] Authentication failed.\r\n"],
    );
    let g = c.greeting().await.unwrap();
    let caps = Capabilities::parse(b"USER\r\n");
    let e = login(
        &mut c,
        "pop.example.test",
        &g,
        &caps,
        &password("bob", "hunter2"),
        true,
    )
    .await
    .unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, Pop3Error::Auth { .. }), "{e:?}");
    assert_eq!(
        text,
        "pop.example.test refused the login for bob: [AUTH] Authentication failed."
    );
    assert!(!text.contains("hunter2"));
    assert_eq!(
        sent.lock().unwrap().as_slice(),
        ["USER bob", "PASS hunter2"]
    );
}

#[tokio::test]
async fn a_locked_maildrop_is_not_a_wrong_password() {
    let (mut c, _) = scripted("+OK\r\n", vec![b"-ERR [IN-USE] Mailbox is locked\r\n"]);
    let g = c.greeting().await.unwrap();
    let caps = Capabilities::parse(b"SASL PLAIN\r\n");
    let e = login(&mut c, "h", &g, &caps, &password("a", "b"), true)
        .await
        .unwrap_err();
    assert!(
        e.is_transient() && matches!(e, Pop3Error::Refused { .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn apop_on_plaintext_when_the_greeting_offers_it() {
    let (mut c, sent) = scripted(
        "+OK ready <1896.697170952@dbc.mtview.ca.us>\r\n",
        vec![b"+OK maildrop has 1 message\r\n"],
    );
    let g = c.greeting().await.unwrap();
    let caps = Capabilities::parse(b"USER\r\n");
    login(
        &mut c,
        "h",
        &g,
        &caps,
        &password("mrose", "tanstaaf"),
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        sent.lock().unwrap().as_slice(),
        ["APOP mrose c4c9334bac560ecc979e58001b3e22fb"]
    );
}

#[tokio::test]
async fn xoauth2_error_challenge_is_cancelled_and_reported() {
    let (mut c, sent) = scripted(
        "+OK\r\n",
        vec![
            b"+ eyJzdGF0dXMiOiI0MDEifQ==\r\n",
            b"-ERR [AUTH] Invalid credentials\r\n",
        ],
    );
    let g = c.greeting().await.unwrap();
    let caps = Capabilities::parse(b"SASL XOAUTH2\r\n");
    let creds = Credentials::OAuth2 {
        user: "u@example.test".into(),
        token: Secret::new("tok".into()),
    };
    let e = login(&mut c, "h", &g, &caps, &creds, true)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Pop3Error::Auth { ref message, .. } if message == "[AUTH] Invalid credentials"),
        "{e:?}"
    );
    let sent = sent.lock().unwrap();
    assert_eq!(
        sent[0],
        format!(
            "AUTH XOAUTH2 {}",
            base64(b"user=u@example.test\x01auth=Bearer tok\x01\x01")
        )
    );
    assert_eq!(sent[1], "*");
}

#[tokio::test]
async fn a_token_without_xoauth2_is_refused_before_sending_it() {
    let (mut c, sent) = scripted("+OK\r\n", vec![]);
    let g = c.greeting().await.unwrap();
    let caps = Capabilities::parse(b"USER\r\nSASL PLAIN\r\n");
    let creds = Credentials::OAuth2 {
        user: "u".into(),
        token: Secret::new("tok".into()),
    };
    let e = login(&mut c, "h", &g, &caps, &creds, true)
        .await
        .unwrap_err();
    assert!(matches!(e, Pop3Error::NoMechanism { .. }), "{e:?}");
    assert!(sent.lock().unwrap().is_empty());
}
