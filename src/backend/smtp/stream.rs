//! The socket under lettre's SMTP client, made by `backend::net` (the same TCP, TLS and trust
//! as IMAP): implicit TLS (RFC 8314), plain, or STARTTLS (RFC 3207). For STARTTLS the plaintext
//! part (greeting, EHLO, STARTTLS) is spoken here, so the password can never go out before TLS
//! and the TLS handshake is `net::start_tls`; lettre then takes the TLS stream and, after the
//! greeting it expects (supplied locally: after STARTTLS the server sends none), says EHLO again
//! as RFC 3207 §4.2 requires.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use lettre::transport::smtp::client::AsyncTokioStream;
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf,
};
use tokio::net::TcpStream;
use tokio_rustls::rustls::ClientConfig;

use super::error::{Reply, SendError};
use crate::backend::net::{self, Stream};

/// What lettre reads before anything from the server once STARTTLS is done.
const LOCAL_GREETING: &[u8] = b"220 TLS started (greeting supplied by tmail)\r\n";
/// Longest reply line and most reply lines accepted before TLS.
const MAX_LINE: usize = 4096;
const MAX_LINES: usize = 100;

/// The end of the message data (RFC 5321 §4.1.1.4). Dot-stuffed data never contains it.
const DATA_END: &[u8; 5] = b"\r\n.\r\n";

/// A connection for lettre: a [`Stream`], optionally preceded by a locally supplied greeting.
/// It notes when the end of a message's data has been written (see [`SmtpStream::data_ended`]).
#[derive(Debug)]
pub(super) struct SmtpStream {
    greeting: &'static [u8],
    inner: Stream,
    /// The last bytes written.
    tail: [u8; 5],
    /// Set when the bytes written end with [`DATA_END`]; cleared by the caller.
    data_ended: Arc<AtomicBool>,
}

impl SmtpStream {
    /// A stream whose first bytes come from the server.
    pub(super) fn new(inner: Stream) -> SmtpStream {
        SmtpStream::with_greeting(b"", inner)
    }

    fn with_greeting(greeting: &'static [u8], inner: Stream) -> SmtpStream {
        SmtpStream {
            greeting,
            inner,
            tail: [0; 5],
            data_ended: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A flag set once the end of a message's data (CRLF `.` CRLF) has been handed to the
    /// socket: from then on the server may have accepted the message even if its reply never
    /// comes. The caller clears it before sending a message.
    pub(super) fn data_ended(&self) -> Arc<AtomicBool> {
        self.data_ended.clone()
    }

    fn note_written(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().rev().take(5).rev() {
            self.tail.rotate_left(1);
            self.tail[4] = b;
        }
        if &self.tail == DATA_END {
            self.data_ended.store(true, Ordering::SeqCst);
        }
    }
}

impl AsyncTokioStream for SmtpStream {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        match &self.inner {
            Stream::Plain(s) => s.peer_addr(),
            Stream::Tls(s) => s.get_ref().0.peer_addr(),
        }
    }
}

impl AsyncRead for SmtpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.greeting.is_empty() {
            let n = this.greeting.len().min(buf.remaining());
            buf.put_slice(&this.greeting[..n]);
            this.greeting = &this.greeting[n..];
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for SmtpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &r {
            this.note_written(buf.get(..*n).unwrap_or(buf));
        }
        r
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Reads one reply (all its `NNN-` lines and the `NNN ` one) within `timeout`.
async fn read_reply(
    reader: &mut BufReader<TcpStream>,
    host: &str,
    what: &str,
    timeout: Duration,
) -> Result<(Reply, Vec<String>), SendError> {
    let read = async {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = (&mut *reader)
                .take(MAX_LINE as u64)
                .read_line(&mut line)
                .await
                .map_err(|e| format!("reading the reply to {what}: {e}"))?;
            if n == 0 {
                return Err(format!("the server closed the connection at {what}"));
            }
            let line = line.trim_end_matches(['\r', '\n']).to_string();
            let code = line.get(..3).and_then(|c| c.parse::<u16>().ok());
            let (Some(code), sep) = (code, line.as_bytes().get(3).copied()) else {
                return Err(format!("not an SMTP reply to {what}: {line:?}"));
            };
            let text = line.get(4..).unwrap_or("").to_string();
            lines.push(text);
            if sep != Some(b'-') {
                let reply = Reply {
                    code,
                    text: lines.join(" "),
                };
                return Ok((reply, lines));
            }
            if lines.len() > MAX_LINES {
                return Err(format!("the reply to {what} has too many lines"));
            }
        }
    };
    match tokio::time::timeout(timeout, read).await {
        Ok(Ok(r)) => Ok(r),
        Ok(Err(message)) => Err(SendError::Connection {
            host: host.to_string(),
            message,
        }),
        Err(_) => Err(SendError::Timeout {
            what: format!("{what} with {host}"),
            secs: timeout.as_secs(),
        }),
    }
}

async fn write_line(
    reader: &mut BufReader<TcpStream>,
    host: &str,
    line: &str,
    timeout: Duration,
) -> Result<(), SendError> {
    let bytes = format!("{line}\r\n");
    let write = reader.get_mut().write_all(bytes.as_bytes());
    match tokio::time::timeout(timeout, write).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(SendError::Connection {
            host: host.to_string(),
            message: format!("sending {line}: {e}"),
        }),
        Err(_) => Err(SendError::Timeout {
            what: format!("{line} to {host}"),
            secs: timeout.as_secs(),
        }),
    }
}

fn expect(host: &str, what: &str, reply: Reply, code: u16) -> Result<(), SendError> {
    if reply.code == code {
        Ok(())
    } else {
        Err(SendError::Unexpected {
            host: host.to_string(),
            what: what.to_string(),
            reply,
        })
    }
}

/// The plaintext part of STARTTLS (RFC 3207), then the TLS handshake with `net::start_tls`.
/// Refuses ([`SendError::NoStartTls`]) when EHLO does not list STARTTLS: nothing else is sent.
pub(super) async fn starttls(
    tcp: TcpStream,
    host: &str,
    hello: &str,
    tls: Arc<ClientConfig>,
    timeouts: super::Timeouts,
) -> Result<SmtpStream, SendError> {
    let mut reader = BufReader::new(tcp);
    let (greeting, _) = read_reply(&mut reader, host, "the greeting", timeouts.connect).await?;
    expect(host, "the connection (greeting)", greeting, 220)?;
    write_line(
        &mut reader,
        host,
        &format!("EHLO {hello}"),
        timeouts.command,
    )
    .await?;
    let (ehlo, lines) = read_reply(&mut reader, host, "EHLO", timeouts.command).await?;
    expect(host, "EHLO", ehlo, 250)?;
    let offered = lines.iter().skip(1).any(|l| {
        l.split_whitespace()
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case("STARTTLS"))
    });
    if !offered {
        let _ = write_line(&mut reader, host, "QUIT", timeouts.command).await;
        return Err(SendError::NoStartTls {
            host: host.to_string(),
        });
    }
    write_line(&mut reader, host, "STARTTLS", timeouts.command).await?;
    let (reply, _) = read_reply(&mut reader, host, "STARTTLS", timeouts.command).await?;
    expect(host, "STARTTLS", reply, 220)?;
    // Bytes sent after the 220 but before the handshake would be plaintext injected into the
    // TLS session (CVE-2011-0411): refuse them.
    if !reader.buffer().is_empty() {
        return Err(SendError::Connection {
            host: host.to_string(),
            message: "the server sent data before the TLS handshake".into(),
        });
    }
    let tls = net::start_tls(reader.into_inner(), host, tls, timeouts.connect).await?;
    Ok(SmtpStream::with_greeting(LOCAL_GREETING, tls))
}
