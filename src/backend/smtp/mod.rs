//! Sending mail over SMTP submission (RFC 6409) with lettre's client on tokio: one message as
//! prepared bytes ([`crate::mail::compose::Built`]) and an envelope. Security comes from the
//! account's [`ServerSettings`]: `tls` is implicit TLS (RFC 8314, port 465), `starttls`
//! requires STARTTLS (RFC 3207, port 587; refused when not offered), `plain` only to this
//! machine or with `allow_plaintext` (port 25). TLS and trust are `backend::net`'s, as for IMAP.
//! Login: AUTH PLAIN or LOGIN (RFC 4954) with a password, XOAUTH2 with a token. Errors say
//! permanent or temporary and carry the server's words ([`SendError`]).
//!
//! Nothing here logs a secret: lettre is built without its `tracing` feature (so the SMTP
//! dialogue, AUTH included, is never logged) and this module logs hosts and counts only.

mod auth;
mod error;
mod stream;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{self, Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

use self::error::{connection_error, reply_of};
pub use self::error::{Reply, SendError, Severity};
use self::stream::SmtpStream;
use crate::backend::net::{self, Stream};
use crate::backend::secret::Credentials;
use crate::config::{is_loopback, Security, ServerSettings};

/// How long each step may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP connect, TLS handshake and the greeting.
    pub connect: Duration,
    /// Each command's reply (RFC 5321 §4.5.3.2 suggests minutes; a submission server answers
    /// in seconds).
    pub command: Duration,
    /// The message data gets `command` plus one second per this many bytes.
    pub data_bytes_per_sec: usize,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(20),
            command: Duration::from_secs(60),
            data_bytes_per_sec: 32 * 1024,
        }
    }
}

/// What the server said in its (last) EHLO reply that lettre does not keep.
#[derive(Debug, Clone, Default)]
struct EhloInfo {
    /// SIZE (RFC 1870), when advertised; 0 means "no fixed limit".
    size: Option<usize>,
    /// The AUTH mechanisms, as listed.
    auth: Vec<String>,
}

/// An open, authenticated SMTP connection; it can send several messages (a per-account task
/// may keep one open). Dropping it closes the socket; [`Connection::quit`] says goodbye first.
pub struct Connection {
    conn: AsyncSmtpConnection,
    host: String,
    hello: ClientId,
    timeouts: Timeouts,
    ehlo: EhloInfo,
    /// Set by the stream once a message's data end was written (see `SmtpStream::data_ended`).
    data_ended: Arc<AtomicBool>,
}

/// Send one message: connect, secure, log in (when `creds` is given), send `bytes` (exact
/// RFC 5322 bytes, CRLF line ends; dot-stuffing is done here) from `envelope_from` to every
/// address in `recipients`, and QUIT. All recipients are accepted or nothing is sent
/// ([`SendError::Recipients`] lists every refused one).
pub async fn send(
    server: &ServerSettings,
    creds: Option<&Credentials>,
    envelope_from: &str,
    recipients: &[String],
    bytes: &[u8],
) -> Result<(), SendError> {
    let mut c = Connection::open(server, creds, Timeouts::default()).await?;
    c.send(envelope_from, recipients, bytes).await?;
    c.quit().await;
    Ok(())
}

/// Await a lettre command within `timeout`, turning its errors into ours with `on_reply`.
async fn timed<T>(
    host: &str,
    what: &str,
    timeout: Duration,
    fut: impl std::future::Future<Output = Result<T, lettre::transport::smtp::Error>>,
    on_reply: impl FnOnce(Reply) -> SendError,
) -> Result<T, SendError> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(match reply_of(&e) {
            Some(reply) => on_reply(reply),
            None => connection_error(host, &e),
        }),
        Err(_) => Err(SendError::Timeout {
            what: format!("{what} with {host}"),
            secs: timeout.as_secs(),
        }),
    }
}

impl Connection {
    /// Connect to `server`, secure the connection as its `security` says, and log in with
    /// `creds` (no AUTH when `None`).
    pub async fn open(
        server: &ServerSettings,
        creds: Option<&Credentials>,
        timeouts: Timeouts,
    ) -> Result<Connection, SendError> {
        let host = server.host.clone();
        if server.security == Security::Plain && !is_loopback(&host) && !server.allow_plaintext {
            return Err(SendError::Plaintext { host });
        }
        let port = server.port_or(465, 587, 25);
        let hello = ClientId::default();
        let tls = || net::tls_config(server.ca_file.as_deref());
        let tcp = net::connect_tcp(&host, port, timeouts.connect).await?;
        let stream = match server.security {
            Security::Tls => {
                SmtpStream::new(net::start_tls(tcp, &host, tls()?, timeouts.connect).await?)
            }
            Security::Starttls => {
                stream::starttls(tcp, &host, &hello.to_string(), tls()?, timeouts).await?
            }
            Security::Plain => SmtpStream::new(Stream::Plain(tcp)),
        };
        let data_ended = stream.data_ended();
        let conn = timed(
            &host,
            "the greeting and EHLO",
            timeouts.connect,
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &hello),
            |reply| SendError::Unexpected {
                host: host.clone(),
                what: "the connection".into(),
                reply,
            },
        )
        .await?;
        let mut c = Connection {
            conn,
            host,
            hello,
            timeouts,
            ehlo: EhloInfo::default(),
            data_ended,
        };
        c.ehlo().await?;
        if let Some(creds) = creds {
            c.login(creds).await?;
        }
        tracing::debug!(
            "smtp: connected to {}:{port} ({:?})",
            c.host,
            server.security
        );
        Ok(c)
    }

    /// EHLO again to read what lettre's ServerInfo drops (SIZE, the AUTH list).
    async fn ehlo(&mut self) -> Result<(), SendError> {
        let host = self.host.clone();
        let reply = timed(
            &host,
            "EHLO",
            self.timeouts.command,
            self.conn.command(commands::Ehlo::new(self.hello.clone())),
            |reply| SendError::Unexpected {
                host: host.clone(),
                what: "EHLO".into(),
                reply,
            },
        )
        .await?;
        let mut ehlo = EhloInfo::default();
        for line in reply.message().skip(1) {
            let mut words = line.split_whitespace();
            match words.next().map(str::to_ascii_uppercase).as_deref() {
                Some("SIZE") => ehlo.size = words.next().and_then(|n| n.parse().ok()).or(Some(0)),
                Some("AUTH") => ehlo.auth = words.map(str::to_ascii_uppercase).collect(),
                _ => {}
            }
        }
        self.ehlo = ehlo;
        Ok(())
    }

    /// Send one message on this connection (see [`send`]). After a refused sender or
    /// recipient the transaction is reset (RSET), so the connection stays usable.
    pub async fn send(
        &mut self,
        envelope_from: &str,
        recipients: &[String],
        bytes: &[u8],
    ) -> Result<(), SendError> {
        let host = self.host.clone();
        let parse = |a: &str| {
            a.trim()
                .parse::<lettre::Address>()
                .map_err(|e| SendError::Address {
                    address: a.to_string(),
                    reason: e.to_string(),
                })
        };
        let from = parse(envelope_from)?;
        let to: Vec<lettre::Address> = recipients
            .iter()
            .map(|r| parse(r))
            .collect::<Result<_, _>>()?;
        if to.is_empty() {
            return Err(SendError::Address {
                address: String::new(),
                reason: "no recipient".into(),
            });
        }
        let info = self.conn.server_info();
        let mut params = Vec::new();
        if self.ehlo.size.is_some() {
            params.push(MailParameter::Size(bytes.len()));
        }
        if !bytes.is_ascii() {
            if !info.supports_feature(Extension::EightBitMime) {
                return Err(SendError::EightBit { host });
            }
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let utf8 = std::iter::once(&from)
            .chain(&to)
            .find(|a| !AsRef::<str>::as_ref(*a).is_ascii());
        if let Some(a) = utf8 {
            if !info.supports_feature(Extension::SmtpUtfEight) {
                return Err(SendError::Address {
                    address: a.to_string(),
                    reason: format!("{host} does not accept non-ASCII addresses (no SMTPUTF8)"),
                });
            }
            params.push(MailParameter::SmtpUtfEight);
        }
        let t = self.timeouts.command;
        let size = bytes.len();
        let mail = self.conn.command(Mail::new(Some(from.clone()), params));
        let sender_refused = |reply: Reply| {
            let other = SendError::Sender {
                host: host.clone(),
                address: from.to_string(),
                reply: reply.clone(),
            };
            SendError::refused_message(&host, size, reply, other)
        };
        if let Err(e) = timed(&host, "MAIL FROM", t, mail, sender_refused).await {
            return Err(self.reset_after(e).await);
        }
        let mut rejected = Vec::new();
        for r in &to {
            let rcpt = self.conn.command(Rcpt::new(r.clone(), vec![]));
            match timed(&host, "RCPT TO", t, rcpt, |reply| SendError::Recipients {
                host: host.clone(),
                rejected: vec![(r.to_string(), reply)],
            })
            .await
            {
                Ok(_) => {}
                Err(SendError::Recipients {
                    rejected: mut r, ..
                }) => rejected.append(&mut r),
                Err(e) => return Err(e),
            }
        }
        if !rejected.is_empty() {
            let e = SendError::Recipients { host, rejected };
            return Err(self.reset_after(e).await);
        }
        let refused = |reply: Reply| {
            let other = SendError::Message {
                host: host.clone(),
                reply: reply.clone(),
            };
            SendError::refused_message(&host, size, reply, other)
        };
        if let Err(e) = timed(&host, "DATA", t, self.conn.command(Data), &refused).await {
            return Err(self.reset_after(e).await);
        }
        let data_timeout =
            t + Duration::from_secs((size / self.timeouts.data_bytes_per_sec.max(1)) as u64);
        // lettre ends the data with CRLF "." CRLF, where the first CRLF ends the last line
        // (RFC 5321 §4.1.1.4): hand it the bytes without their own last line end, or every
        // message would arrive with an extra empty line.
        let body = bytes
            .strip_suffix(b"\r\n")
            .or_else(|| bytes.strip_suffix(b"\n"))
            .unwrap_or(bytes);
        self.data_ended.store(false, Ordering::SeqCst);
        let sent = self.conn.message(body);
        match timed(&host, "sending the message", data_timeout, sent, refused).await {
            Ok(_) => {}
            // The whole message went out but no reply came: the server may have taken it.
            Err(e @ (SendError::Timeout { .. } | SendError::Connection { .. }))
                if self.data_ended.load(Ordering::SeqCst) =>
            {
                return Err(SendError::Unconfirmed {
                    host,
                    cause: e.to_string(),
                });
            }
            Err(e) => return Err(e),
        }
        tracing::info!(
            "smtp: {host} accepted a message of {size} bytes for {} recipient(s)",
            to.len()
        );
        Ok(())
    }

    /// After a refused command: RSET so the next message starts clean, then return `e`.
    async fn reset_after(&mut self, e: SendError) -> SendError {
        if matches!(e, SendError::Timeout { .. } | SendError::Connection { .. }) {
            return e;
        }
        let _ = tokio::time::timeout(self.timeouts.command, self.conn.command(Rset)).await;
        e
    }

    /// Whether the server still answers (NOOP): for a task that keeps the connection open.
    pub async fn is_alive(&mut self) -> bool {
        tokio::time::timeout(self.timeouts.command, self.conn.test_connected())
            .await
            .unwrap_or(false)
    }

    /// Say QUIT and close (errors do not matter any more).
    pub async fn quit(mut self) {
        // lettre's abort sends QUIT (once) and closes the stream.
        let _ = tokio::time::timeout(self.timeouts.command, self.conn.abort()).await;
    }
}

#[cfg(test)]
mod tests;
