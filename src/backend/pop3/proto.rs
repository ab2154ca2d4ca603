//! The POP3 wire protocol (RFC 1939) over any buffered stream: status lines (`+OK`/`-ERR`),
//! multi-line responses with byte-stuffing undone exactly, CAPA (RFC 2449), and the commands
//! tmail uses. Every read and write has a timeout. Knows nothing of TLS, the store or accounts.

use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use super::Pop3Error;

/// How long one command, or one line of a long response, may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// A status line longer than this is not POP3 (RFC 2449 allows 512 octets; servers send less).
const MAX_STATUS_LINE: usize = 64 * 1024;

/// What a server can do, from CAPA (RFC 2449 §6); all false when CAPA is not supported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// CAPA answered at all.
    pub known: bool,
    pub top: bool,
    pub uidl: bool,
    pub user: bool,
    pub stls: bool,
    pub pipelining: bool,
    /// SASL mechanisms (RFC 5034), upper-cased.
    pub sasl: Vec<String>,
}

impl Capabilities {
    /// Parse the lines of a CAPA response (without the status line and the final ".").
    pub fn parse(body: &[u8]) -> Capabilities {
        let mut c = Capabilities {
            known: true,
            ..Default::default()
        };
        for line in String::from_utf8_lossy(body).lines() {
            let mut words = line.split_whitespace();
            let Some(name) = words.next() else { continue };
            match name.to_ascii_uppercase().as_str() {
                "TOP" => c.top = true,
                "UIDL" => c.uidl = true,
                "USER" => c.user = true,
                "STLS" => c.stls = true,
                "PIPELINING" => c.pipelining = true,
                "SASL" => c.sasl = words.map(|w| w.to_ascii_uppercase()).collect(),
                _ => {}
            }
        }
        c
    }

    /// Whether SASL mechanism `mech` (upper case) is offered.
    pub fn has_sasl(&self, mech: &str) -> bool {
        self.sasl.iter().any(|m| m == mech)
    }
}

/// A POP3 client on a stream: `S` is a `tokio::io::BufReader` over TCP or TLS in tmail, or an
/// in-memory stream in the tests.
pub struct Client<S> {
    stream: S,
    timeout: Duration,
}

/// Did the read end because the peer closed the connection?
fn eof(what: &str) -> Pop3Error {
    Pop3Error::Connection(format!("the server closed the connection during {what}"))
}

impl<S: AsyncBufRead + AsyncWrite + Unpin> Client<S> {
    pub fn new(stream: S) -> Client<S> {
        Client {
            stream,
            timeout: COMMAND_TIMEOUT,
        }
    }

    /// Use another timeout per command and per line (the tests use short ones).
    pub fn with_timeout(mut self, timeout: Duration) -> Client<S> {
        self.timeout = timeout;
        self
    }

    /// The stream back (to start TLS on it after STLS).
    pub fn into_inner(self) -> S {
        self.stream
    }

    /// The stream, e.g. to check that nothing is buffered before a TLS handshake.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// One raw line, terminator included; errors at the end of the stream.
    async fn read_raw_line(&mut self, what: &str, buf: &mut Vec<u8>) -> Result<(), Pop3Error> {
        buf.clear();
        let n = tokio::time::timeout(self.timeout, self.stream.read_until(b'\n', buf))
            .await
            .map_err(|_| Pop3Error::Timeout(what.to_string()))?
            .map_err(|e| Pop3Error::Connection(format!("{what}: {e}")))?;
        if n == 0 || buf.last() != Some(&b'\n') {
            return Err(eof(what));
        }
        Ok(())
    }

    /// A status line: `+OK text` gives the text; `-ERR text` is `Pop3Error::Refused` with the
    /// server's words verbatim (RFC 1939 §3; RFC 2449 response codes such as `[AUTH]` kept).
    pub async fn status(&mut self, what: &str) -> Result<String, Pop3Error> {
        let mut buf = Vec::new();
        self.read_raw_line(what, &mut buf).await?;
        self.status_of(what, &buf)
    }

    fn status_of(&self, what: &str, buf: &[u8]) -> Result<String, Pop3Error> {
        if buf.len() > MAX_STATUS_LINE {
            return Err(Pop3Error::Protocol(format!(
                "{what}: a status line of {} octets",
                buf.len()
            )));
        }
        let line = String::from_utf8_lossy(buf);
        let line = line.trim_end_matches(['\r', '\n']);
        if let Some(rest) = line.strip_prefix("+OK") {
            Ok(rest.trim_start().to_string())
        } else if let Some(rest) = line.strip_prefix("-ERR") {
            Err(Pop3Error::Refused {
                command: what.to_string(),
                message: rest.trim_start().to_string(),
            })
        } else {
            Err(Pop3Error::Protocol(format!(
                "{what}: expected +OK or -ERR, got {:?}",
                line.chars().take(80).collect::<String>()
            )))
        }
    }

    /// The end of a SASL exchange begun with an initial response (RFC 5034 §4): `+OK`, `-ERR`,
    /// or a `+ challenge` (XOAUTH2 reports an error so), answered with `*` to cancel, after
    /// which the server ends with -ERR.
    pub async fn sasl_result(&mut self, what: &str) -> Result<(), Pop3Error> {
        let mut buf = Vec::new();
        self.read_raw_line(what, &mut buf).await?;
        if buf.starts_with(b"+ ") || buf == b"+\r\n" || buf == b"+\n" {
            self.send("*", what).await?;
            return self.status(what).await.map(|_| ());
        }
        self.status_of(what, &buf).map(|_| ())
    }

    /// The greeting (RFC 1939 §4): its text, which may hold an APOP timestamp.
    pub async fn greeting(&mut self) -> Result<String, Pop3Error> {
        self.status("the greeting").await
    }

    /// Send one command line (CRLF added). `shown` is what errors and logs call it, so a
    /// password never appears in either.
    pub async fn send(&mut self, line: &str, shown: &str) -> Result<(), Pop3Error> {
        let mut data = Vec::with_capacity(line.len() + 2);
        data.extend_from_slice(line.as_bytes());
        data.extend_from_slice(b"\r\n");
        let write = async {
            self.stream.write_all(&data).await?;
            self.stream.flush().await
        };
        tokio::time::timeout(self.timeout, write)
            .await
            .map_err(|_| Pop3Error::Timeout(shown.to_string()))?
            .map_err(|e| Pop3Error::Connection(format!("{shown}: {e}")))
    }

    /// Send a command and read its status line.
    pub async fn command(&mut self, line: &str) -> Result<String, Pop3Error> {
        let shown = line.split_whitespace().next().unwrap_or("").to_string();
        self.send(line, &shown).await?;
        self.status(&shown).await
    }

    /// The body of a multi-line response (after its +OK line): lines up to the one holding a
    /// single ".", with the "." that byte-stuffing added in front of lines starting with "."
    /// removed (RFC 1939 §3). Line ends are kept as they came (CRLF), so a message is stored
    /// octet for octet as the server holds it.
    pub async fn multiline(&mut self, what: &str) -> Result<Vec<u8>, Pop3Error> {
        let mut out = Vec::new();
        let mut line = Vec::new();
        loop {
            self.read_raw_line(what, &mut line).await?;
            if line == b".\r\n" || line == b".\n" {
                return Ok(out);
            }
            let content = match line.first() {
                Some(b'.') => &line[1..],
                _ => &line[..],
            };
            out.extend_from_slice(content);
        }
    }

    /// CAPA (RFC 2449): `Capabilities::default()` (unknown) when the server does not have it.
    pub async fn capa(&mut self) -> Result<Capabilities, Pop3Error> {
        match self.command("CAPA").await {
            Ok(_) => Ok(Capabilities::parse(&self.multiline("CAPA").await?)),
            Err(Pop3Error::Refused { .. }) => Ok(Capabilities::default()),
            Err(e) => Err(e),
        }
    }

    /// UIDL (RFC 1939 §7): (message number, unique id) of every message; `None` when the
    /// server does not support it.
    pub async fn uidl(&mut self) -> Result<Option<Vec<(u32, String)>>, Pop3Error> {
        match self.command("UIDL").await {
            Ok(_) => {}
            Err(Pop3Error::Refused { .. }) => return Ok(None),
            Err(e) => return Err(e),
        }
        let body = self.multiline("UIDL").await?;
        let mut out = Vec::new();
        for line in String::from_utf8_lossy(&body).lines() {
            let mut w = line.split_whitespace();
            match (w.next().and_then(|n| n.parse().ok()), w.next()) {
                (Some(n), Some(id)) => out.push((n, id.to_string())),
                _ if line.trim().is_empty() => {}
                _ => return Err(Pop3Error::Protocol(format!("UIDL: bad line {line:?}"))),
            }
        }
        Ok(Some(out))
    }

    /// LIST (RFC 1939 §5): (message number, size in octets) of every message.
    pub async fn list(&mut self) -> Result<Vec<(u32, u32)>, Pop3Error> {
        self.command("LIST").await?;
        let body = self.multiline("LIST").await?;
        let mut out = Vec::new();
        for line in String::from_utf8_lossy(&body).lines() {
            let mut w = line.split_whitespace();
            match (
                w.next().and_then(|n| n.parse().ok()),
                w.next().and_then(|n| n.parse().ok()),
            ) {
                (Some(n), Some(size)) => out.push((n, size)),
                _ if line.trim().is_empty() => {}
                _ => return Err(Pop3Error::Protocol(format!("LIST: bad line {line:?}"))),
            }
        }
        Ok(out)
    }

    /// TOP n 0 (RFC 1939 §7): the header of message `n` and the blank line after it.
    pub async fn top_header(&mut self, n: u32) -> Result<Vec<u8>, Pop3Error> {
        self.command(&format!("TOP {n} 0")).await?;
        self.multiline("TOP").await
    }

    /// RETR n (RFC 1939 §5): the whole message, unstuffed.
    pub async fn retr(&mut self, n: u32) -> Result<Vec<u8>, Pop3Error> {
        self.command(&format!("RETR {n}")).await?;
        self.multiline("RETR").await
    }

    /// DELE n: marks message `n` deleted; the server removes it only at a QUIT answered +OK.
    pub async fn dele(&mut self, n: u32) -> Result<(), Pop3Error> {
        self.command(&format!("DELE {n}")).await.map(|_| ())
    }

    /// QUIT: ends the session; the server commits DELEs (the UPDATE state, RFC 1939 §6).
    pub async fn quit(&mut self) -> Result<(), Pop3Error> {
        self.command("QUIT").await.map(|_| ())
    }
}

/// Base64 (RFC 4648) for SASL responses.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The APOP timestamp of a greeting (`<...@...>`, RFC 1939 §7), if it has one.
pub fn apop_timestamp(greeting: &str) -> Option<&str> {
    let start = greeting.find('<')?;
    let end = start + greeting[start..].find('>')?;
    let ts = &greeting[start..=end];
    ts.contains('@').then_some(ts)
}

/// The APOP digest: MD5 of the timestamp followed by the secret, in lower-case hex.
pub fn apop_digest(timestamp: &str, secret: &str) -> String {
    format!(
        "{:x}",
        md5::compute(format!("{timestamp}{secret}").as_bytes())
    )
}

#[cfg(test)]
mod tests;
