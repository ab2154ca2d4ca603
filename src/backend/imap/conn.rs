//! Opening an IMAP session: TCP, implicit TLS or STARTTLS (refused to go on without it), the
//! greeting, login (LOGIN, AUTHENTICATE PLAIN, XOAUTH2, OAUTHBEARER) and the capabilities.

use std::time::Duration;

use async_imap::{Client, Session};

use crate::backend::net::{self, NetError, Stream};
use crate::config::{is_loopback, Security, ServerSettings};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

pub type ImapSession = Session<Stream>;

pub use crate::backend::secret::Credentials;

/// What the server can do (after login: Dovecot lists CONDSTORE/QRESYNC/MOVE only then).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caps {
    pub idle: bool,
    pub condstore: bool,
    pub qresync: bool,
    pub move_: bool,
    pub uidplus: bool,
    pub special_use: bool,
    pub enable: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error("{host} does not offer STARTTLS; refusing to send the password in the clear")]
    NoStartTls { host: String },
    #[error("{host} refused the login for {user}: {message}")]
    Auth {
        host: String,
        user: String,
        message: String,
    },
    #[error("plaintext IMAP to {host} is refused (not a loopback address); use tls or starttls, or set allow_plaintext = true")]
    Plaintext { host: String },
    #[error("IMAP: {0}")]
    Protocol(String),
    /// The server answered NO or BAD: this command will not work by retrying.
    #[error("the server refused: {0}")]
    Refused(String),
    #[error("{0} timed out")]
    Timeout(String),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    /// A command tmail cannot send as asked (an argument IMAP cannot carry): local, permanent.
    #[error("{0}")]
    Invalid(String),
}

impl From<async_imap::error::Error> for ImapError {
    fn from(e: async_imap::error::Error) -> Self {
        use async_imap::error::Error;
        match e {
            Error::No(m) | Error::Bad(m) => ImapError::Refused(server_words(&m)),
            Error::Append => {
                ImapError::Refused("the server did not take the message (APPEND)".into())
            }
            Error::Validate(v) => {
                ImapError::Invalid(format!("cannot send this to the server: {v}"))
            }
            other => ImapError::Protocol(other.to_string()),
        }
    }
}

/// The server's own words from async-imap's rendering of a NO/BAD (`code: Some(TryCreate),
/// info: Some("Mailbox doesn't exist: X")`, or `outcome: Outcome { code: None, information:
/// Some("...") }` from SELECT): `[TryCreate] Mailbox doesn't exist: X`. Text in any other
/// shape is returned as it is.
pub fn server_words(m: &str) -> String {
    let info = ["info: Some(\"", "information: Some(\""]
        .iter()
        .find_map(|key| m.find(key).map(|i| &m[i + key.len()..]))
        .and_then(|rest| {
            let end = rest.rfind("\")")?;
            let mut out = String::with_capacity(end);
            let mut it = rest[..end].chars();
            while let Some(c) = it.next() {
                match c {
                    '\\' => match it.next() {
                        Some('n') => out.push(' '),
                        Some(c) => out.push(c),
                        None => {}
                    },
                    c => out.push(c),
                }
            }
            Some(out)
        });
    let code = m
        .find("code: Some(")
        .map(|i| &m[i + "code: Some(".len()..])
        .and_then(|r| r.split_once("), info").map(|(c, _)| c));
    match (code, info) {
        (Some(c), Some(i)) => format!("[{c}] {i}"),
        (None, Some(i)) => i,
        (Some(c), None) => format!("[{c}]"),
        (None, None) => m.to_string(),
    }
}

impl ImapError {
    /// True when the connection is unusable and must be reopened.
    pub fn is_connection(&self) -> bool {
        matches!(
            self,
            ImapError::Net(_) | ImapError::Protocol(_) | ImapError::Timeout(_)
        )
    }
}

/// Await an IMAP command with the command timeout.
pub async fn timed<T, F>(what: &str, fut: F) -> Result<T, ImapError>
where
    F: std::future::Future<Output = Result<T, async_imap::error::Error>>,
{
    match tokio::time::timeout(COMMAND_TIMEOUT, fut).await {
        Ok(r) => r.map_err(ImapError::from),
        Err(_) => Err(ImapError::Timeout(what.to_string())),
    }
}

struct Plain<'a> {
    user: &'a str,
    password: &'a str,
}

impl async_imap::Authenticator for Plain<'_> {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        format!("\0{}\0{}", self.user, self.password).into_bytes()
    }
}

/// XOAUTH2 (Google/Microsoft) and OAUTHBEARER (RFC 7628) initial responses.
struct OAuth<'a> {
    user: &'a str,
    token: &'a str,
    bearer: bool,
    host: &'a str,
    port: u16,
    sent: bool,
}

impl async_imap::Authenticator for OAuth<'_> {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        if self.sent {
            // An error challenge: answer with an empty response so the server ends the exchange.
            return if self.bearer {
                b"\x01".to_vec()
            } else {
                Vec::new()
            };
        }
        self.sent = true;
        if self.bearer {
            format!(
                "n,a={},\x01host={}\x01port={}\x01auth=Bearer {}\x01\x01",
                self.user, self.host, self.port, self.token
            )
            .into_bytes()
        } else {
            format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token).into_bytes()
        }
    }
}

/// CAPABILITY before login (the Client type has no helper for it): upper-cased names.
async fn pre_login_caps(client: &mut Client<Stream>) -> Result<Vec<String>, ImapError> {
    use async_imap::imap_proto::{Capability, Response};
    let (tx, rx) = async_channel::unbounded();
    timed(
        "CAPABILITY",
        client.run_command_and_check_ok("CAPABILITY", Some(tx)),
    )
    .await?;
    let mut out = Vec::new();
    while let Ok(u) = rx.try_recv() {
        if let async_imap::types::UnsolicitedResponse::Other(r) = u {
            if let Response::Capabilities(caps) = r.parsed() {
                for c in caps {
                    out.push(match c {
                        Capability::Imap4rev1 => "IMAP4REV1".to_string(),
                        Capability::Auth(a) => format!("AUTH={}", a.to_ascii_uppercase()),
                        Capability::Atom(a) => a.to_ascii_uppercase(),
                    });
                }
            }
        }
    }
    Ok(out)
}

async fn greeting(client: &mut Client<Stream>, host: &str) -> Result<(), ImapError> {
    match tokio::time::timeout(CONNECT_TIMEOUT, client.read_response()).await {
        Ok(Ok(Some(_))) => Ok(()),
        Ok(Ok(None)) => Err(ImapError::Protocol(format!(
            "{host} closed the connection before greeting"
        ))),
        Ok(Err(e)) => Err(ImapError::Protocol(format!(
            "reading the greeting of {host}: {e}"
        ))),
        Err(_) => Err(ImapError::Timeout(format!("greeting of {host}"))),
    }
}

impl Caps {
    /// Turn off extensions the account says not to use.
    pub fn disable(&mut self, names: &[String]) {
        for n in names {
            match n.to_ascii_uppercase().as_str() {
                "IDLE" => self.idle = false,
                "CONDSTORE" => {
                    self.condstore = false;
                    self.qresync = false;
                }
                "QRESYNC" => self.qresync = false,
                "MOVE" => self.move_ = false,
                "UIDPLUS" => self.uidplus = false,
                "SPECIAL-USE" => self.special_use = false,
                _ => {}
            }
        }
    }
}

/// The server's capabilities as our flags.
pub async fn capabilities(session: &mut ImapSession) -> Result<Caps, ImapError> {
    let caps = timed("CAPABILITY", session.capabilities()).await?;
    Ok(Caps {
        idle: caps.has_str("IDLE"),
        condstore: caps.has_str("CONDSTORE") || caps.has_str("QRESYNC"),
        qresync: caps.has_str("QRESYNC"),
        move_: caps.has_str("MOVE"),
        uidplus: caps.has_str("UIDPLUS"),
        special_use: caps.has_str("SPECIAL-USE"),
        enable: caps.has_str("ENABLE"),
    })
}

/// Connect, secure, greet and log in. Returns the session and the post-login capabilities.
pub async fn connect(
    server: &ServerSettings,
    creds: &Credentials,
) -> Result<(ImapSession, Caps), ImapError> {
    let host = server.host.as_str();
    if server.security == Security::Plain && !is_loopback(host) && !server.allow_plaintext {
        return Err(ImapError::Plaintext {
            host: host.to_string(),
        });
    }
    let port = server.port_or(993, 143, 143);
    let tls = || net::tls_config(server.ca_file.as_deref());
    let tcp = net::connect_tcp(host, port, CONNECT_TIMEOUT).await?;
    let mut client = match server.security {
        Security::Tls => {
            let stream = net::start_tls(tcp, host, tls()?, CONNECT_TIMEOUT).await?;
            let mut c = Client::new(stream);
            greeting(&mut c, host).await?;
            c
        }
        Security::Plain => {
            let mut c = Client::new(Stream::Plain(tcp));
            greeting(&mut c, host).await?;
            c
        }
        Security::Starttls => {
            let mut c = Client::new(Stream::Plain(tcp));
            greeting(&mut c, host).await?;
            // Ask before trying: a server without STARTTLS must not get the password.
            let caps = pre_login_caps(&mut c).await?;
            if !caps.iter().any(|c| c == "STARTTLS") {
                return Err(ImapError::NoStartTls {
                    host: host.to_string(),
                });
            }
            timed("STARTTLS", c.run_command_and_check_ok("STARTTLS", None)).await?;
            let Stream::Plain(tcp) = c.into_inner() else {
                return Err(ImapError::Protocol("unexpected stream state".into()));
            };
            let stream = net::start_tls(tcp, host, tls()?, CONNECT_TIMEOUT).await?;
            Client::new(stream)
        }
    };
    if server.security == Security::Plain && !is_loopback(host) {
        tracing::warn!("IMAP to {host} without TLS (allow_plaintext)");
    }
    // NO/BAD is the server refusing the credentials; anything else is the connection failing.
    let auth_err = |user: &str, e: async_imap::error::Error| match e {
        async_imap::error::Error::No(m) | async_imap::error::Error::Bad(m) => ImapError::Auth {
            host: host.to_string(),
            user: user.to_string(),
            message: m,
        },
        other => ImapError::Protocol(format!("login to {host}: {other}")),
    };
    let login = async {
        match creds {
            Credentials::Password { user, password } => {
                // AUTHENTICATE PLAIN where offered handles non-ASCII passwords; LOGIN otherwise.
                let caps = pre_login_caps(&mut client).await?;
                if caps.iter().any(|c| c == "AUTH=PLAIN") {
                    client
                        .authenticate(
                            "PLAIN",
                            Plain {
                                user,
                                password: password.expose(),
                            },
                        )
                        .await
                        .map_err(|(e, _)| auth_err(user, e))
                } else {
                    client
                        .login(user, password.expose())
                        .await
                        .map_err(|(e, _)| auth_err(user, e))
                }
            }
            Credentials::OAuth2 { user, token } => {
                let caps = pre_login_caps(&mut client).await?;
                let bearer = caps.iter().any(|c| c == "AUTH=OAUTHBEARER");
                let mech = if bearer { "OAUTHBEARER" } else { "XOAUTH2" };
                let auth = OAuth {
                    user,
                    token: token.expose(),
                    bearer,
                    host,
                    port,
                    sent: false,
                };
                client
                    .authenticate(mech, auth)
                    .await
                    .map_err(|(e, _)| auth_err(user, e))
            }
        }
    };
    let mut session = match tokio::time::timeout(COMMAND_TIMEOUT, login).await {
        Ok(r) => r?,
        Err(_) => return Err(ImapError::Timeout(format!("login to {host}"))),
    };
    let mut caps = capabilities(&mut session).await?;
    caps.disable(&server.disable_extensions);
    if caps.qresync && caps.enable {
        let _ = timed(
            "ENABLE QRESYNC",
            session.run_command_and_check_ok("ENABLE QRESYNC"),
        )
        .await;
    }
    Ok((session, caps))
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_imap::Authenticator;

    #[test]
    fn sasl_initial_responses() {
        let mut plain = Plain {
            user: "alice",
            password: "pw",
        };
        assert_eq!(plain.process(b""), b"\0alice\0pw".to_vec());
        let mut x = OAuth {
            user: "alice@example.test",
            token: "tok",
            bearer: false,
            host: "h",
            port: 993,
            sent: false,
        };
        assert_eq!(
            x.process(b""),
            b"user=alice@example.test\x01auth=Bearer tok\x01\x01".to_vec()
        );
        // an error challenge is answered empty so the server can finish with NO
        assert!(x.process(b"{\"status\":\"401\"}").is_empty());
        let mut b = OAuth {
            user: "alice@example.test",
            token: "tok",
            bearer: true,
            host: "imap.example.test",
            port: 993,
            sent: false,
        };
        assert_eq!(
            b.process(b""),
            b"n,a=alice@example.test,\x01host=imap.example.test\x01port=993\x01auth=Bearer tok\x01\x01".to_vec()
        );
        assert_eq!(b.process(b"err"), b"\x01".to_vec());
    }

    #[test]
    fn the_servers_words_are_kept() {
        assert_eq!(
            server_words(
                r#"code: None, info: Some("Mailbox doesn't exist: Projects/\"Q3\" plans")"#
            ),
            r#"Mailbox doesn't exist: Projects/"Q3" plans"#
        );
        assert_eq!(
            server_words(r#"code: Some(TryCreate), info: Some("Mailbox doesn't exist")"#),
            "[TryCreate] Mailbox doesn't exist"
        );
        assert_eq!(
            server_words(
                r#"outcome: Outcome { code: None, information: Some("Mailbox doesn't exist: R&D (0.001 + 0.000 secs).") }"#
            ),
            "Mailbox doesn't exist: R&D (0.001 + 0.000 secs)."
        );
        assert_eq!(server_words("outcome: whatever"), "outcome: whatever");
    }

    #[test]
    fn extensions_can_be_turned_off() {
        let mut c = Caps {
            idle: true,
            condstore: true,
            qresync: true,
            move_: true,
            uidplus: true,
            special_use: true,
            enable: true,
        };
        c.disable(&["condstore".into(), "MOVE".into()]);
        assert!(!c.condstore && !c.qresync && !c.move_ && c.idle && c.uidplus);
    }
}
