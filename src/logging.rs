//! Logging to `tmail.log` (never to the terminal the TUI draws on), at the level `TMAIL_LOG`
//! asks for (default `info`), with every line passed through [`redact`] on its way to the file:
//! at trace level the libraries log their protocol traffic (async-imap logs each command it
//! sends), and secrets — the LOGIN command's arguments, SASL responses (AUTHENTICATE PLAIN,
//! XOAUTH2, OAUTHBEARER, and SMTP/POP3 AUTH as they come) — must never reach the file,
//! whatever the level.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

use tracing_appender::non_blocking::{NonBlocking, WorkerGuard};
use tracing_subscriber::fmt::MakeWriter;

/// What replaces a secret in the log.
pub const REDACTED: &str = "<redacted>";

/// Start logging into `dir/tmail.log`. Keep the guard alive while logging (dropping it
/// flushes). `None` when the directory cannot be made or a logger is already installed.
pub fn init(dir: &Path) -> Option<WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
    let file = tracing_appender::rolling::never(dir, "tmail.log");
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("TMAIL_LOG").unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .with_writer(Redacting(writer))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

/// A writer that redacts each formatted event (tracing-subscriber writes one event per
/// `write_all`) before it reaches the file.
#[derive(Clone)]
struct Redacting(NonBlocking);

impl<'a> MakeWriter<'a> for Redacting {
    type Writer = RedactingWriter;
    fn make_writer(&'a self) -> RedactingWriter {
        RedactingWriter(self.0.make_writer())
    }
}

struct RedactingWriter(NonBlocking);

impl Write for RedactingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            out.push_str(&redact(line));
        }
        self.0.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Commands whose arguments are secret (RFC 3501 LOGIN, POP3 USER/PASS/APOP, SMTP/POP3/IMAP
/// AUTH with an initial response).
const SECRET_COMMANDS: &[&str] = &["LOGIN", "PASS", "APOP", "AUTH", "AUTHENTICATE"];

/// One log line with its secrets replaced by [`REDACTED`]:
/// - a client line sent without a tag (async-imap: `encode: input: None, ...`) is a SASL
///   response — base64 of the user and password or the OAuth token — except IMAP's `DONE`;
/// - a tagged `LOGIN user password` keeps only the command;
/// - `AUTHENTICATE mech initial-response` and `AUTH mech initial-response` keep the mechanism.
pub fn redact(line: &str) -> Cow<'_, str> {
    const UNTAGGED: &str = "encode: input: None, ";
    if let Some(i) = line.find(UNTAGGED) {
        let rest = &line[i + UNTAGGED.len()..];
        if rest.trim_end() != "Ok(\"DONE\")" {
            let eol = if line.ends_with('\n') { "\n" } else { "" };
            return Cow::Owned(format!("{}{UNTAGGED}{REDACTED}{eol}", &line[..i]));
        }
        return Cow::Borrowed(line);
    }
    // A command as a client sends it (upper case): `Ok("CMD args")` (async-imap) or bare.
    for cmd in SECRET_COMMANDS {
        let Some(at) = find_word(line, cmd) else {
            continue;
        };
        let mut keep = at + cmd.len();
        if matches!(*cmd, "AUTH" | "AUTHENTICATE") {
            // The mechanism is not secret; an initial response after it is.
            let after = &line[keep..];
            let ws = after.len() - after.trim_start_matches(' ').len();
            let mech = after[ws..]
                .find([' ', '"', ')', '\n'])
                .unwrap_or(after.len() - ws);
            keep += ws + mech;
        }
        let body = line.trim_end_matches('\n');
        let end = match body.ends_with("\")") {
            true => body.len() - 2,
            false => body.len(),
        };
        if end > keep && !line[keep..end].trim().is_empty() {
            return Cow::Owned(format!("{} {REDACTED}{}", &line[..keep], &line[end..]));
        }
    }
    Cow::Borrowed(line)
}

/// The byte offset of `word` in `s` as a whole word at a command position: at the start, or
/// after a space, a quote or `(`.
fn find_word(s: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = s[from..].find(word) {
        let at = from + p;
        let before = s[..at].chars().last();
        let after = s[at + word.len()..].chars().next();
        let starts = before.is_none_or(|c| matches!(c, ' ' | '"' | '('));
        let ends = after.is_none_or(|c| c == ' ');
        if starts && ends {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_traces_lose_their_secrets() {
        let cases = [
            // AUTHENTICATE PLAIN / XOAUTH2 / OAUTHBEARER: the response line has no tag.
            (
                r#"TRACE async_imap::imap_stream: encode: input: None, Ok("AGFsaWNlAGh1bnRlcjI=")"#,
                "TRACE async_imap::imap_stream: encode: input: None, <redacted>",
            ),
            (
                r#"TRACE async_imap::imap_stream: encode: input: Some("A0003"), Ok("LOGIN \"alice\" \"hunter2\"")"#,
                r#"TRACE async_imap::imap_stream: encode: input: Some("A0003"), Ok("LOGIN <redacted>")"#,
            ),
            (
                r#"encode: input: Some("A1"), Ok("AUTHENTICATE PLAIN AGFsaWNlAGh1bnRlcjI=")"#,
                r#"encode: input: Some("A1"), Ok("AUTHENTICATE PLAIN <redacted>")"#,
            ),
            (
                "C: AUTH XOAUTH2 dXNlcj1hAWF1dGg9QmVhcmVyIHQBAQ==\n",
                "C: AUTH XOAUTH2 <redacted>\n",
            ),
            ("C: PASS hunter2\n", "C: PASS <redacted>\n"),
        ];
        for (line, want) in cases {
            assert_eq!(redact(line), want);
            assert!(!redact(line).contains("hunter2"));
        }
        // What is not secret stays readable.
        for line in [
            r#"encode: input: Some("A1"), Ok("AUTHENTICATE PLAIN")"#,
            r#"encode: input: None, Ok("DONE")"#,
            r#"encode: input: Some("A2"), Ok("SELECT \"INBOX\"")"#,
            "INFO tmail: connecting to imap.example.test",
            "a blog post about LOGINS and PASSES",
            "WARN work: 127.0.0.1 refused the login for alice: [AUTHENTICATIONFAILED]",
        ] {
            assert_eq!(redact(line), line);
        }
    }
}
