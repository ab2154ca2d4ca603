//! Where an account's connections get their credentials, asked at connect time by every
//! connection (the main IMAP one, its IDLE connections, and SMTP/POP3 as they come): an OAuth2
//! token command runs anew for each connection (tokens expire); a password, from
//! `password_command` or typed by the user, is kept in memory and reused. One source is shared
//! by all connections of an account, so a login the server refuses stops the retries of all of
//! them, is reported once, and they resume together when the user gives a new password or asks
//! to sync again.

use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::backend::imap::conn::Credentials;
use crate::backend::secret::{self, Secret};
use crate::config::ServerSettings;

/// Why no credentials can be had now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// The account has no password_command and nobody typed a password yet.
    #[error("no password yet")]
    NeedPassword,
    /// The server refused these credentials; nothing is retried until they change.
    #[error("the login was refused: {0}")]
    Refused(String),
    /// The password or token command failed (its message, without the secret).
    #[error("{0}")]
    Command(String),
}

#[derive(Default)]
struct State {
    password: Option<Secret>,
    refused: Option<String>,
}

/// The credentials of one server of one account (see the module docs).
pub struct CredentialSource {
    server: ServerSettings,
    /// Ask on the terminal when there is no password_command (`tmail sync`), instead of
    /// answering [`CredentialError::NeedPassword`] (the TUI asks through the app).
    tty: bool,
    state: Mutex<State>,
    /// Bumped whenever the credentials change (a new password, a retry after a refusal).
    changed: watch::Sender<u64>,
}

impl CredentialSource {
    /// A source for `server`; `tty` as in [`CredentialSource::tty`].
    pub fn new(server: ServerSettings, tty: bool) -> Arc<CredentialSource> {
        Arc::new(CredentialSource {
            server,
            tty,
            state: Mutex::new(State::default()),
            changed: watch::channel(0).0,
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means a panic elsewhere; the state itself stays consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the password is typed by the user (no password or token command).
    pub fn prompted(&self) -> bool {
        self.server.password_command.is_none() && self.server.oauth2_token_command.is_none()
    }

    /// The login name.
    pub fn user(&self) -> String {
        self.server.username.clone().unwrap_or_default()
    }

    /// The server's refusal, while the retries are stopped.
    pub fn refused(&self) -> Option<String> {
        self.state().refused.clone()
    }

    /// Credentials for a connection being opened now.
    pub async fn get(&self) -> Result<Credentials, CredentialError> {
        if let Some(m) = self.refused() {
            return Err(CredentialError::Refused(m));
        }
        let user = self.user();
        if let Some(cmd) = &self.server.oauth2_token_command {
            let token = secret::from_command(cmd, "oauth2_token_command")
                .await
                .map_err(CredentialError::Command)?;
            return Ok(Credentials::OAuth2 { user, token });
        }
        if let Some(password) = self.state().password.clone() {
            return Ok(Credentials::Password { user, password });
        }
        let password = match &self.server.password_command {
            Some(cmd) => secret::from_command(cmd, "password_command")
                .await
                .map_err(CredentialError::Command)?,
            None if self.tty => {
                let prompt = format!("Password for {user} at {}: ", self.server.host);
                secret::prompt_tty(&prompt).map_err(CredentialError::Command)?
            }
            None => return Err(CredentialError::NeedPassword),
        };
        self.state().password = Some(password.clone());
        Ok(Credentials::Password { user, password })
    }

    /// The server refused a login with `message`: stop every connection's retries and forget
    /// the password (the next try runs password_command again or asks). Returns true the first
    /// time, so the refusal is reported once, not by every connection.
    pub fn refuse(&self, message: &str) -> bool {
        let mut s = self.state();
        s.password = None;
        let first = s.refused.is_none();
        if first {
            s.refused = Some(message.to_string());
        }
        first
    }

    /// The user typed a password: use it, and let the stopped connections try again.
    pub fn set_password(&self, password: Secret) {
        {
            let mut s = self.state();
            s.password = Some(password);
            s.refused = None;
        }
        self.changed.send_modify(|n| *n += 1);
    }

    /// The user asked to try again (a sync): forget the refusal and the password.
    pub fn retry(&self) {
        let was_refused = {
            let mut s = self.state();
            let r = s.refused.take().is_some();
            if r {
                s.password = None;
            }
            r
        };
        if was_refused {
            self.changed.send_modify(|n| *n += 1);
        }
    }

    /// Resolves at once unless a refusal stopped the retries; then when the credentials
    /// change ([`Self::set_password`], [`Self::retry`]).
    pub async fn wait_usable(&self) {
        let mut rx = self.changed.subscribe();
        while self.refused().is_some() {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(password: Option<&str>, token: Option<&str>) -> ServerSettings {
        ServerSettings {
            host: "imap.example.test".into(),
            port: None,
            security: crate::config::Security::Tls,
            username: Some("alice".into()),
            password_command: password.map(str::to_owned),
            oauth2_token_command: token.map(str::to_owned),
            ca_file: None,
            allow_plaintext: false,
            disable_extensions: Vec::new(),
            leave_on_server: None,
            delete_after_days: None,
            check_interval: None,
        }
    }

    #[tokio::test]
    async fn tokens_are_fetched_for_every_connection_passwords_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("n");
        let cmd = format!(
            "n=$(cat {f} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {f}; echo secret-$n",
            f = file.display()
        );
        let tokens = CredentialSource::new(server(None, Some(&cmd)), false);
        for want in ["secret-1", "secret-2"] {
            match tokens.get().await {
                Ok(Credentials::OAuth2 { token, .. }) => assert_eq!(token.expose(), want),
                other => panic!("{other:?}"),
            }
        }
        let _ = std::fs::remove_file(&file);
        let passwords = CredentialSource::new(server(Some(&cmd), None), false);
        for _ in 0..2 {
            match passwords.get().await {
                Ok(Credentials::Password { password, .. }) => {
                    assert_eq!(password.expose(), "secret-1")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn a_refusal_stops_everyone_once_until_the_credentials_change() {
        let src = CredentialSource::new(server(None, None), false);
        assert_eq!(src.get().await.err(), Some(CredentialError::NeedPassword));
        src.set_password(Secret::new("pw".into()));
        assert!(src.get().await.is_ok());
        assert!(src.refuse("NO [AUTHENTICATIONFAILED]"));
        assert!(!src.refuse("NO again"), "reported once");
        assert!(matches!(src.get().await, Err(CredentialError::Refused(_))));
        let waiter = {
            let src = src.clone();
            tokio::spawn(async move { src.wait_usable().await })
        };
        tokio::task::yield_now().await;
        src.set_password(Secret::new("pw2".into()));
        let waited = tokio::time::timeout(std::time::Duration::from_secs(2), waiter).await;
        assert!(waited.is_ok(), "the stopped connections are woken");
        assert!(src.get().await.is_ok());
    }
}
