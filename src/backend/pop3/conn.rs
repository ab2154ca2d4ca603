//! Opening a POP3 session: TCP, implicit TLS (995) or STLS (110, RFC 2595: refused to go on
//! when not offered), plaintext only to loopback or with `allow_plaintext`; the greeting, CAPA,
//! and login by SASL PLAIN (RFC 5034 / RFC 4616), XOAUTH2 (RFC 7628 style bearer token), APOP or
//! USER/PASS (RFC 1939). Same TLS trust as IMAP (`net::tls_config`: Mozilla roots + `ca_file`).

use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncWrite, BufReader};

use super::proto::{apop_digest, apop_timestamp, base64, Capabilities, Client};
use super::Pop3Error;
use crate::backend::net::{self, Stream};
use crate::backend::secret::{self, Secret};
use crate::config::{is_loopback, Security, ServerSettings};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// A logged-in session on a real connection.
pub type Session = Client<BufReader<Stream>>;

/// How to log in (secrets are fetched fresh for every connection).
#[derive(Debug, Clone)]
pub enum Credentials {
    Password { user: String, password: Secret },
    OAuth2 { user: String, token: Secret },
}

/// The credentials for one connection: `oauth2_token_command` or `password_command` run now
/// (a token may have expired since the last connection, a password may have changed);
/// without either, the password the user typed (`typed`), else the terminal is asked.
pub async fn credentials(
    server: &ServerSettings,
    typed: Option<&Secret>,
) -> Result<Credentials, Pop3Error> {
    let user = server.username.clone().unwrap_or_default();
    if let Some(cmd) = &server.oauth2_token_command {
        let token = secret::from_command(cmd, "oauth2_token_command")
            .await
            .map_err(Pop3Error::Secret)?;
        return Ok(Credentials::OAuth2 { user, token });
    }
    if let Some(cmd) = &server.password_command {
        let password = secret::from_command(cmd, "password_command")
            .await
            .map_err(Pop3Error::Secret)?;
        return Ok(Credentials::Password { user, password });
    }
    if let Some(p) = typed {
        return Ok(Credentials::Password {
            user,
            password: p.clone(),
        });
    }
    let password = secret::prompt_tty(&format!("Password for {user} at {}: ", server.host))
        .map_err(Pop3Error::Secret)?;
    Ok(Credentials::Password { user, password })
}

/// `-ERR` at login: a wrong password, or (RFC 2449/3206 codes) a busy or locked maildrop that
/// a later attempt may get.
fn login_refused(host: &str, user: &str, e: Pop3Error) -> Pop3Error {
    match e {
        Pop3Error::Refused { message, command } => {
            let transient = ["[IN-USE]", "[SYS/TEMP]", "[LOGIN-DELAY]"]
                .iter()
                .any(|c| message.starts_with(c));
            if transient {
                Pop3Error::Refused { command, message }
            } else {
                Pop3Error::Auth {
                    host: host.to_string(),
                    user: user.to_string(),
                    message,
                }
            }
        }
        other => other,
    }
}

/// Log in on a greeted session with `caps`. The mechanism: for a token, XOAUTH2 (it must be
/// offered); for a password, over TLS: SASL PLAIN, else USER/PASS, else APOP; over plaintext
/// (loopback or allowed): APOP first, as it does not send the password itself.
pub async fn login<S: AsyncBufRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    host: &str,
    greeting: &str,
    caps: &Capabilities,
    creds: &Credentials,
    tls: bool,
) -> Result<(), Pop3Error> {
    match creds {
        Credentials::OAuth2 { user, token } => {
            if !caps.has_sasl("XOAUTH2") {
                return Err(Pop3Error::NoMechanism {
                    host: host.to_string(),
                    message: format!(
                        "an OAuth2 token needs SASL XOAUTH2, and the server offers {}",
                        if caps.sasl.is_empty() {
                            "no SASL".to_string()
                        } else {
                            caps.sasl.join(" ")
                        }
                    ),
                });
            }
            let ir =
                base64(format!("user={user}\x01auth=Bearer {}\x01\x01", token.expose()).as_bytes());
            client
                .send(&format!("AUTH XOAUTH2 {ir}"), "AUTH XOAUTH2")
                .await?;
            let r = client.sasl_result("AUTH XOAUTH2").await;
            r.map_err(|e| login_refused(host, user, e))
        }
        Credentials::Password { user, password } => {
            let apop = apop_timestamp(greeting);
            if let (false, Some(ts)) = (tls, apop) {
                let digest = apop_digest(ts, password.expose());
                client
                    .send(&format!("APOP {user} {digest}"), "APOP")
                    .await?;
                return client
                    .status("APOP")
                    .await
                    .map(|_| ())
                    .map_err(|e| login_refused(host, user, e));
            }
            if caps.has_sasl("PLAIN") {
                let ir = base64(format!("\0{user}\0{}", password.expose()).as_bytes());
                client
                    .send(&format!("AUTH PLAIN {ir}"), "AUTH PLAIN")
                    .await?;
                return client
                    .sasl_result("AUTH PLAIN")
                    .await
                    .map_err(|e| login_refused(host, user, e));
            }
            if caps.user || !caps.known || apop.is_none() {
                client.send(&format!("USER {user}"), "USER").await?;
                client
                    .status("USER")
                    .await
                    .map_err(|e| login_refused(host, user, e))?;
                client
                    .send(&format!("PASS {}", password.expose()), "PASS")
                    .await?;
                return client
                    .status("PASS")
                    .await
                    .map(|_| ())
                    .map_err(|e| login_refused(host, user, e));
            }
            let ts = apop.unwrap_or_default();
            let digest = apop_digest(ts, password.expose());
            client
                .send(&format!("APOP {user} {digest}"), "APOP")
                .await?;
            client
                .status("APOP")
                .await
                .map(|_| ())
                .map_err(|e| login_refused(host, user, e))
        }
    }
}

/// Connect, secure, greet, read CAPA and log in. Returns the session and the capabilities
/// after login (RFC 2449: they may change).
pub async fn connect(
    server: &ServerSettings,
    creds: &Credentials,
) -> Result<(Session, Capabilities), Pop3Error> {
    let host = server.host.as_str();
    if server.security == Security::Plain && !is_loopback(host) && !server.allow_plaintext {
        return Err(Pop3Error::Plaintext {
            host: host.to_string(),
        });
    }
    let port = server.port_or(995, 110, 110);
    let tls = || net::tls_config(server.ca_file.as_deref());
    let tcp = net::connect_tcp(host, port, CONNECT_TIMEOUT).await?;
    let (mut client, greeting, mut caps) = match server.security {
        Security::Tls => {
            let stream = net::start_tls(tcp, host, tls()?, CONNECT_TIMEOUT).await?;
            let mut c = Client::new(BufReader::new(stream));
            let g = c.greeting().await?;
            let caps = c.capa().await?;
            (c, g, caps)
        }
        Security::Plain => {
            let mut c = Client::new(BufReader::new(Stream::Plain(tcp)));
            let g = c.greeting().await?;
            let caps = c.capa().await?;
            (c, g, caps)
        }
        Security::Starttls => {
            let mut c = Client::new(BufReader::new(Stream::Plain(tcp)));
            let g = c.greeting().await?;
            // Ask before anything else: a server without STLS must not get the password.
            let caps = c.capa().await?;
            if !caps.stls {
                let _ = c.quit().await;
                return Err(Pop3Error::NoStls {
                    host: host.to_string(),
                });
            }
            c.command("STLS").await?;
            if !c.get_ref().buffer().is_empty() {
                // Bytes sent before the handshake would be read as if they came over TLS.
                return Err(Pop3Error::Protocol(format!(
                    "{host} sent data after +OK to STLS, before TLS started"
                )));
            }
            let Stream::Plain(tcp) = c.into_inner().into_inner() else {
                return Err(Pop3Error::Protocol("unexpected stream state".into()));
            };
            let stream = net::start_tls(tcp, host, tls()?, CONNECT_TIMEOUT).await?;
            let mut c = Client::new(BufReader::new(stream));
            // RFC 2595 §4: forget what was said before TLS and ask again.
            let caps = c.capa().await?;
            (c, g, caps)
        }
    };
    if server.security == Security::Plain && !is_loopback(host) {
        tracing::warn!("POP3 to {host} without TLS (allow_plaintext)");
    }
    let is_tls = server.security != Security::Plain;
    let r = tokio::time::timeout(
        super::proto::COMMAND_TIMEOUT,
        login(&mut client, host, &greeting, &caps, creds, is_tls),
    )
    .await;
    match r {
        Ok(r) => r?,
        Err(_) => return Err(Pop3Error::Timeout(format!("login to {host}"))),
    }
    if caps.known {
        caps = client.capa().await?;
    }
    Ok((client, caps))
}
