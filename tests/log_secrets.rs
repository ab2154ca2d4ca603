//! No secret in tmail.log at any level (issue 10, item 11): the real binary runs `tmail sync`
//! with `TMAIL_LOG=trace` (async-imap then logs every command it sends) against a scripted
//! IMAP server on 127.0.0.1 that offers one login path at a time — LOGIN (no AUTH=PLAIN),
//! AUTHENTICATE PLAIN, XOAUTH2 and OAUTHBEARER — and the log must hold neither the password or
//! token nor the base64 SASL response that carries it, while the protocol trace is there.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::thread;

const PASSWORD: &str = "pw-SECRET-4711";
const TOKEN: &str = "ya29.TOKEN-SECRET-0815";

/// A one-connection IMAP server that offers `caps` and accepts any login. Returns its port and
/// the client's lines as it saw them (to check what was really sent).
fn fake_imap(caps: &'static str) -> (u16, thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = thread::spawn(move || {
        let mut seen = Vec::new();
        let Ok((stream, _)) = listener.accept() else {
            return seen;
        };
        let mut out = stream.try_clone().expect("clone");
        let mut lines = BufReader::new(stream);
        let _ = out.write_all(b"* OK fake IMAP ready\r\n");
        let mut line = String::new();
        while lines.read_line(&mut line).is_ok_and(|n| n > 0) {
            let l = line.trim_end().to_string();
            line.clear();
            seen.push(l.clone());
            let (tag, rest) = l.split_once(' ').unwrap_or((l.as_str(), ""));
            let cmd = rest.split(' ').next().unwrap_or("").to_ascii_uppercase();
            let reply = match cmd.as_str() {
                "CAPABILITY" => format!("* CAPABILITY {caps}\r\n{tag} OK done\r\n"),
                "AUTHENTICATE" => {
                    let _ = out.write_all(b"+ \r\n");
                    let mut resp = String::new();
                    let _ = lines.read_line(&mut resp);
                    seen.push(resp.trim_end().to_string());
                    format!("{tag} OK logged in\r\n")
                }
                "LOGOUT" => format!("* BYE bye\r\n{tag} OK done\r\n"),
                _ => format!("{tag} OK done\r\n"),
            };
            if out.write_all(reply.as_bytes()).is_err() || cmd == "LOGOUT" {
                break;
            }
        }
        seen
    });
    (port, handle)
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            s.push(if i <= c.len() {
                A[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    s
}

fn run_sync(home: &Path, port: u16, secret_line: &str) -> std::process::Output {
    std::fs::create_dir_all(home.join("config/tmail")).expect("config dir");
    std::fs::write(
        home.join("config/tmail/config.toml"),
        format!(
            "[[accounts]]\nname = \"work\"\nemail = \"alice@example.test\"\n[accounts.imap]\n\
             host = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain\"\nusername = \"alice\"\n{secret_line}\n"
        ),
    )
    .expect("config");
    Command::new(env!("CARGO_BIN_EXE_tmail"))
        .arg("sync")
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("TMAIL_LOG", "trace")
        .output()
        .expect("run tmail")
}

#[test]
fn no_secret_reaches_the_log_at_trace_level_on_any_login_path() {
    let password = format!("password_command = \"printf %s '{PASSWORD}'\"");
    let token = format!("oauth2_token_command = \"printf %s '{TOKEN}'\"");
    let cases = [
        ("LOGIN", "IMAP4rev1", password.as_str(), PASSWORD),
        ("PLAIN", "IMAP4rev1 AUTH=PLAIN", password.as_str(), PASSWORD),
        ("XOAUTH2", "IMAP4rev1 AUTH=XOAUTH2", token.as_str(), TOKEN),
        (
            "OAUTHBEARER",
            "IMAP4rev1 AUTH=OAUTHBEARER",
            token.as_str(),
            TOKEN,
        ),
    ];
    for (path, caps, secret_line, secret) in cases {
        let home = tempfile::tempdir().expect("tempdir");
        let (port, server) = fake_imap(caps);
        let out = run_sync(home.path(), port, secret_line);
        let seen = server.join().expect("server thread");
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The login really went the way this case is about, with the secret on the wire.
        let sent = seen.join("\n");
        let on_wire: Vec<String> = match path {
            "LOGIN" => {
                assert!(sent.contains("LOGIN"), "{path}: {sent}");
                vec![secret.to_string()]
            }
            _ => {
                assert!(
                    sent.contains(&format!("AUTHENTICATE {path}")),
                    "{path}: {sent}"
                );
                let response = seen
                    .iter()
                    .skip_while(|l| !l.contains("AUTHENTICATE"))
                    .nth(1)
                    .cloned()
                    .unwrap_or_default();
                assert!(!response.is_empty(), "{path}: {sent}");
                vec![secret.to_string(), response]
            }
        };
        if path == "PLAIN" {
            assert!(on_wire[1] == b64(format!("\0alice\0{PASSWORD}").as_bytes()));
        }
        let log =
            std::fs::read_to_string(home.path().join("data/tmail/tmail.log")).expect("tmail.log");
        assert!(
            log.contains("encode: input"),
            "{path}: no protocol trace at trace level:\n{log}"
        );
        for s in &on_wire {
            assert!(
                !log.contains(s.as_str()),
                "{path}: {s:?} is in tmail.log:\n{log}"
            );
        }
        assert!(log.contains("<redacted>"), "{path}:\n{log}");
    }
}
