//! Logging in (RFC 4954): AUTH PLAIN or LOGIN with a password through lettre, XOAUTH2 with a
//! token (its error challenge answered with an empty line, so the server's failure reply and
//! the challenge's details reach the user). No secret is logged or put in an error.

use base64::Engine as _;
use lettre::transport::smtp::authentication::{Credentials as LettreCredentials, Mechanism};

use super::{timed, Connection, Credentials, Reply, SendError};

/// The XOAUTH2 initial response command (Google/Microsoft SASL; like the IMAP one).
struct XOAuth2(String);

impl std::fmt::Display for XOAuth2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AUTH XOAUTH2 {}\r\n", self.0)
    }
}

/// An empty line: the client's answer to an XOAUTH2 error challenge.
struct EmptyResponse;

impl std::fmt::Display for EmptyResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\r\n")
    }
}

impl Connection {
    /// Log in with `creds` using the first mechanism both sides know.
    pub(super) async fn login(&mut self, creds: &Credentials) -> Result<(), SendError> {
        let host = self.host.clone();
        let (user, wanted) = match creds {
            Credentials::Password { user, .. } => (user.clone(), "PLAIN or LOGIN"),
            Credentials::OAuth2 { user, .. } => (user.clone(), "XOAUTH2"),
        };
        let refused = |reply: Reply| SendError::Auth {
            host: host.clone(),
            user: user.clone(),
            reply,
        };
        let info = self.conn.server_info();
        let mechanism = match creds {
            Credentials::Password { .. } => {
                info.get_auth_mechanism(&[Mechanism::Plain, Mechanism::Login])
            }
            Credentials::OAuth2 { .. } => info.get_auth_mechanism(&[Mechanism::Xoauth2]),
        };
        let Some(mechanism) = mechanism else {
            let offered = if self.ehlo.auth.is_empty() {
                "none".to_string()
            } else {
                self.ehlo.auth.join(" ")
            };
            return Err(SendError::NoAuthMechanism {
                host,
                wanted: wanted.to_string(),
                offered,
            });
        };
        let timeout = self.timeouts.command;
        match creds {
            Credentials::Password { user, password } => {
                let c = LettreCredentials::new(user.clone(), password.expose().to_string());
                timed(
                    &host,
                    "AUTH",
                    timeout,
                    self.conn.auth(&[mechanism], &c),
                    refused,
                )
                .await?;
            }
            Credentials::OAuth2 { user, token } => {
                let initial = format!("user={user}\x01auth=Bearer {}\x01\x01", token.expose());
                let cmd = XOAuth2(base64::engine::general_purpose::STANDARD.encode(initial));
                let first = timed(&host, "AUTH", timeout, self.conn.command(cmd), &refused).await?;
                if first.has_code(334) {
                    // An error challenge (RFC 7628 §3.2.3 style): answer empty, the server ends
                    // the exchange with its failure reply; keep the challenge's details.
                    let detail = first
                        .first_word()
                        .and_then(|w| base64::engine::general_purpose::STANDARD.decode(w).ok())
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default();
                    let with_detail = |mut reply: Reply| {
                        if !detail.is_empty() {
                            reply.text = format!("{} ({detail})", reply.text);
                        }
                        refused(reply)
                    };
                    let end = self.conn.command(EmptyResponse);
                    timed(&host, "AUTH", timeout, end, with_detail).await?;
                    return Err(SendError::Connection {
                        host,
                        message: "the server accepted an empty XOAUTH2 answer".into(),
                    });
                }
            }
        }
        tracing::debug!("smtp: logged in to {host}");
        Ok(())
    }
}
