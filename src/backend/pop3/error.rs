//! What can go wrong talking POP3, said so a user can act on it. Server texts (`-ERR ...`) are
//! kept verbatim; secrets never appear in any of these.

use crate::backend::net::NetError;

#[derive(Debug, thiserror::Error)]
pub enum Pop3Error {
    #[error(transparent)]
    Net(#[from] NetError),
    /// Security = starttls, and the server's CAPA has no STLS (RFC 2595 §4).
    #[error("{host} does not offer STLS; refusing to send the password in the clear")]
    NoStls { host: String },
    #[error("plaintext POP3 to {host} is refused (not a loopback address); use tls or starttls, or set allow_plaintext = true")]
    Plaintext { host: String },
    /// The server refused the credentials: its words verbatim.
    #[error("{host} refused the login for {user}: {message}")]
    Auth {
        host: String,
        user: String,
        message: String,
    },
    /// Nothing both sides can log in with (e.g. a token but no XOAUTH2).
    #[error("{host} offers no way to log in that tmail can use here: {message}")]
    NoMechanism { host: String, message: String },
    /// `-ERR` to a command (other than login): the server's words verbatim.
    #[error("the server answered {command} with -ERR {message}")]
    Refused { command: String, message: String },
    #[error("POP3: {0}")]
    Protocol(String),
    /// The connection broke (reset, closed, cut).
    #[error("connection lost: {0}")]
    Connection(String),
    #[error("{0} timed out")]
    Timeout(String),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Secret(String),
}

impl Pop3Error {
    /// True when retrying later may work (the network or the server was away); false when the
    /// same attempt would fail the same way (a wrong password, no STLS, an untrusted
    /// certificate, a store that refuses).
    pub fn is_transient(&self) -> bool {
        match self {
            Pop3Error::Net(NetError::Certificate { .. } | NetError::CaFile { .. }) => false,
            Pop3Error::Net(_)
            | Pop3Error::Connection(_)
            | Pop3Error::Timeout(_)
            | Pop3Error::Protocol(_)
            | Pop3Error::Refused { .. } => true,
            _ => false,
        }
    }
}
