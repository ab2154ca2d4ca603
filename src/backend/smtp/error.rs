//! What can go wrong while sending, said so the status line can show it and the outbox can
//! decide: every [`SendError`] is [`Severity::Permanent`] (retrying the same message will fail
//! the same way: a 5xx reply, a refused setting, an untrusted certificate) or
//! [`Severity::Temporary`] (a 4xx reply, a lost connection, a timeout). Errors from the server
//! carry its reply ([`Reply`]) word for word.

use crate::backend::net::NetError;

/// A server reply (RFC 5321 §4.2): the three-digit code and the text after it, lines joined
/// by spaces (the enhanced status code of RFC 3463, when sent, starts the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The reply code, e.g. 535 (RFC 5321 §4.2.3).
    pub code: u16,
    /// The server's words, e.g. `5.7.8 Error: authentication failed: authentication failure`.
    pub text: String,
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.text)
    }
}

impl Reply {
    /// 5xx: the same command will fail again (RFC 5321 §4.2.1).
    pub fn is_permanent(&self) -> bool {
        (500..600).contains(&self.code)
    }

    /// 552, or an enhanced code 5.3.4 / 5.2.3 / 4.3.4: the message is too big for the server.
    fn says_too_big(&self) -> bool {
        let enhanced = self.text.split_whitespace().next().unwrap_or("");
        self.code == 552 || matches!(enhanced, "5.3.4" | "5.2.3" | "4.3.4" | "4.2.3")
    }
}

/// Whether sending the same message again can succeed without changing anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// It will fail the same way (or, for [`SendError::Unconfirmed`], it may have gone out):
    /// tell the user, keep the message, do not retry by itself.
    Permanent,
    /// Try again later (with backoff).
    Temporary,
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Refused before connecting: `security = "plain"` to a host that is not this machine.
    #[error("plaintext SMTP to {host} is refused (not a loopback address); use tls or starttls, or set allow_plaintext = true")]
    Plaintext { host: String },
    /// `security = "starttls"` but the server does not offer it: nothing was sent, no AUTH.
    #[error("{host} does not offer STARTTLS; refusing to send the password and the message in the clear")]
    NoStartTls { host: String },
    /// TCP, TLS or certificate trouble (see [`NetError`]).
    #[error(transparent)]
    Net(#[from] NetError),
    /// The server refused the login (wrong password, expired token, ...).
    #[error("{host} refused the login for {user}: {reply}")]
    Auth {
        host: String,
        user: String,
        reply: Reply,
    },
    /// Credentials were given but the server offers no login method tmail can use.
    #[error("{host} offers no login method tmail can use ({wanted}); offered: {offered}")]
    NoAuthMechanism {
        host: String,
        wanted: String,
        offered: String,
    },
    /// An address the server cannot be given (not an address, or non-ASCII without SMTPUTF8).
    #[error("cannot send to or from {address:?}: {reason}")]
    Address { address: String, reason: String },
    /// The message has 8-bit bytes and the server does not take them (no 8BITMIME).
    #[error("{host} does not accept 8-bit messages (no 8BITMIME)")]
    EightBit { host: String },
    /// The server refused the envelope sender (MAIL FROM).
    #[error("{host} refused the sender {address}: {reply}")]
    Sender {
        host: String,
        address: String,
        reply: Reply,
    },
    /// The server refused recipients (RCPT TO): each with its reply. Nothing was sent to anyone.
    #[error("{host} refused {}", describe_rejected(.rejected))]
    Recipients {
        host: String,
        rejected: Vec<(String, Reply)>,
    },
    /// The message is bigger than the server accepts (declared with SIZE, or found at the end).
    #[error("{host} refused the message ({size} bytes) as too big: {reply}")]
    TooBig {
        host: String,
        size: usize,
        reply: Reply,
    },
    /// The server refused the message itself (DATA or after the data).
    #[error("{host} refused the message: {reply}")]
    Message { host: String, reply: Reply },
    /// An unexpected reply at another step (greeting, EHLO, STARTTLS, ...).
    #[error("{host} answered {what} with: {reply}")]
    Unexpected {
        host: String,
        what: String,
        reply: Reply,
    },
    /// A step took longer than its timeout.
    #[error("{what} timed out after {secs} s")]
    Timeout { what: String, secs: u64 },
    /// The connection broke or the server said something that is not SMTP.
    #[error("SMTP with {host}: {message}")]
    Connection { host: String, message: String },
    /// The whole message was handed to the server (its data end written), then the connection
    /// broke or the reply timed out (`cause`): the server may or may not have accepted it.
    /// Sending it again could deliver it twice, so it is not retried by itself
    /// ([`SendError::may_have_been_sent`]).
    #[error("{host} did not confirm the message ({cause}): it may or may not have been sent")]
    Unconfirmed { host: String, cause: String },
}

fn describe_rejected(rejected: &[(String, Reply)]) -> String {
    let parts: Vec<String> = rejected
        .iter()
        .map(|(addr, reply)| format!("{addr} ({reply})"))
        .collect();
    match parts.len() {
        1 => format!("the recipient {}", parts[0]),
        _ => format!("the recipients {}", parts.join("; ")),
    }
}

impl SendError {
    /// Permanent (do not retry) or temporary (retry later).
    pub fn severity(&self) -> Severity {
        let permanent = match self {
            SendError::Plaintext { .. }
            | SendError::NoStartTls { .. }
            | SendError::NoAuthMechanism { .. }
            | SendError::Address { .. }
            | SendError::EightBit { .. } => true,
            // A failed handshake may be a dropped connection: only trust problems are final.
            SendError::Net(e) => {
                matches!(e, NetError::Certificate { .. } | NetError::CaFile { .. })
            }
            SendError::Auth { reply, .. }
            | SendError::Sender { reply, .. }
            | SendError::TooBig { reply, .. }
            | SendError::Message { reply, .. }
            | SendError::Unexpected { reply, .. } => reply.is_permanent(),
            SendError::Recipients { rejected, .. } => {
                rejected.iter().any(|(_, r)| r.is_permanent())
            }
            SendError::Timeout { .. } | SendError::Connection { .. } => false,
            // Not retried by itself: it may have gone out already.
            SendError::Unconfirmed { .. } => true,
        };
        if permanent {
            Severity::Permanent
        } else {
            Severity::Temporary
        }
    }

    /// Whether the message may have reached the server even though this error came: the
    /// connection was lost after the whole message was sent, before the server's reply
    /// ([`SendError::Unconfirmed`]). Such a message must not be sent again without the user.
    pub fn may_have_been_sent(&self) -> bool {
        matches!(self, SendError::Unconfirmed { .. })
    }

    /// Shorthand for `severity() == Severity::Permanent`.
    pub fn is_permanent(&self) -> bool {
        self.severity() == Severity::Permanent
    }

    /// The server's reply this error is about, if it came from the server.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            SendError::Auth { reply, .. }
            | SendError::Sender { reply, .. }
            | SendError::TooBig { reply, .. }
            | SendError::Message { reply, .. }
            | SendError::Unexpected { reply, .. } => Some(reply),
            SendError::Recipients { rejected, .. } => rejected.first().map(|(_, r)| r),
            _ => None,
        }
    }

    /// A refused MAIL FROM or DATA: too big when the server says so, else `other`.
    pub(super) fn refused_message(host: &str, size: usize, reply: Reply, other: SendError) -> Self {
        if reply.says_too_big() {
            SendError::TooBig {
                host: host.to_string(),
                size,
                reply,
            }
        } else {
            other
        }
    }
}

/// The reply inside a lettre error, if it is one (lettre keeps the code and the joined text).
pub(super) fn reply_of(e: &lettre::transport::smtp::Error) -> Option<Reply> {
    use std::error::Error as _;
    let code = e.status()?.to_string().parse::<u16>().ok()?;
    let text = e.source().map(|s| s.to_string()).unwrap_or_default();
    Some(Reply { code, text })
}

/// A lettre error that is not a reply: the connection is gone or spoke something else.
pub(super) fn connection_error(host: &str, e: &lettre::transport::smtp::Error) -> SendError {
    SendError::Connection {
        host: host.to_string(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(code: u16, text: &str) -> Reply {
        Reply {
            code,
            text: text.into(),
        }
    }

    #[test]
    fn permanent_or_temporary() {
        let host = "mail.example.test".to_string();
        let auth = |code| SendError::Auth {
            host: host.clone(),
            user: "a".into(),
            reply: reply(code, "5.7.8 Error: authentication failed"),
        };
        assert!(auth(535).is_permanent());
        assert!(!auth(454).is_permanent());
        let rcpts = SendError::Recipients {
            host: host.clone(),
            rejected: vec![
                ("a@x.test".into(), reply(450, "4.2.0 try later")),
                ("b@x.test".into(), reply(550, "5.1.1 unknown")),
            ],
        };
        assert!(rcpts.is_permanent());
        assert_eq!(
            rcpts.to_string(),
            "mail.example.test refused the recipients a@x.test (450 4.2.0 try later); \
             b@x.test (550 5.1.1 unknown)"
        );
        let timeout = SendError::Timeout {
            what: "DATA".into(),
            secs: 3,
        };
        assert_eq!(timeout.severity(), Severity::Temporary);
        assert!(SendError::NoStartTls { host }.is_permanent());
    }

    #[test]
    fn too_big_is_recognized() {
        assert!(reply(552, "5.3.4 Message size exceeds fixed limit").says_too_big());
        assert!(reply(554, "5.3.4 Message too big for system").says_too_big());
        assert!(!reply(554, "5.7.1 Rejected").says_too_big());
    }
}
