//! Secrets from commands: `password_command` / `oauth2_token_command` run with `sh -c`; the first
//! line of their output is the secret. Secrets live in memory only and never appear in errors or logs.

use std::time::Duration;

use tokio::process::Command;

use crate::config::ServerSettings;

/// A secret that does not print itself.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: String) -> Secret {
        Secret(s)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.0 == other.0
    }
}

impl Eq for Secret {}

/// How to log in to a server (IMAP, POP3 or SMTP).
#[derive(Debug, Clone)]
pub enum Credentials {
    /// A login name and password (IMAP LOGIN / AUTHENTICATE PLAIN, SMTP AUTH PLAIN or LOGIN).
    Password { user: String, password: Secret },
    /// A login name and an OAuth 2 access token (XOAUTH2, OAUTHBEARER).
    OAuth2 { user: String, token: Secret },
}

/// Credentials for a server: the password command runs once per worker (the result is kept in
/// `cached`), tokens on every connect; without a command the password is asked on the terminal.
pub async fn credentials(
    server: &ServerSettings,
    cached: &mut Option<Credentials>,
) -> Result<Credentials, String> {
    let user = server.username.clone().unwrap_or_default();
    if let Some(cmd) = &server.oauth2_token_command {
        let token = from_command(cmd, "oauth2_token_command").await?;
        return Ok(Credentials::OAuth2 { user, token });
    }
    if let Some(c) = cached {
        return Ok(c.clone());
    }
    let Some(cmd) = &server.password_command else {
        // Only a terminal user can be asked (tmail sync); the TUI worker asks through the app.
        let password = prompt_tty(&format!("Password for {user} at {}: ", server.host))?;
        let c = Credentials::Password { user, password };
        *cached = Some(c.clone());
        return Ok(c);
    };
    let password = from_command(cmd, "password_command").await?;
    let c = Credentials::Password { user, password };
    *cached = Some(c.clone());
    Ok(c)
}

/// Ask on the terminal with echo off (for `tmail sync` without a password_command).
pub fn prompt_tty(prompt: &str) -> Result<Secret, String> {
    use std::io::{BufRead, Write};
    // SAFETY: isatty only inspects file descriptor 0.
    if unsafe { libc::isatty(0) } != 1 {
        return Err("no password_command, and no terminal to ask for the password".into());
    }
    // SAFETY: a zeroed termios is a valid buffer for tcgetattr to fill.
    let mut term: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: fd 0 is a terminal (checked above); `term` is a valid pointer.
    if unsafe { libc::tcgetattr(0, &mut term) } != 0 {
        return Err("cannot read the terminal settings to ask for the password".into());
    }
    let saved = term;
    term.c_lflag &= !libc::ECHO;
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    // SAFETY: as above; `term` was filled by tcgetattr.
    unsafe { libc::tcsetattr(0, libc::TCSANOW, &term) };
    let mut line = String::new();
    let r = std::io::stdin().lock().read_line(&mut line);
    // SAFETY: restores the settings read above.
    unsafe { libc::tcsetattr(0, libc::TCSANOW, &saved) };
    eprintln!();
    r.map_err(|e| format!("reading the password: {e}"))?;
    let pw = line.trim_end_matches(['\r', '\n']).to_string();
    if pw.is_empty() {
        return Err("no password given".into());
    }
    Ok(Secret(pw))
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Run `command` and return the first line of its output.
pub async fn from_command(command: &str, what: &str) -> Result<Secret, String> {
    let run = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = match tokio::time::timeout(Duration::from_secs(60), run).await {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => return Err(format!("cannot run {what} `{command}`: {e}")),
        Err(_) => return Err(format!("{what} `{command}` did not finish within 60 s")),
    };
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.lines().next().unwrap_or("").trim();
        return Err(format!(
            "{what} `{command}` failed ({}){}",
            out.status,
            if first.is_empty() {
                String::new()
            } else {
                format!(": {first}")
            }
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string();
    if line.is_empty() {
        return Err(format!("{what} `{command}` printed nothing"));
    }
    Ok(Secret(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn first_line_is_the_secret_and_errors_do_not_leak_it() {
        let s = from_command("printf 'hunter2\\nsecond\\n'", "password_command")
            .await
            .unwrap();
        assert_eq!(s.expose(), "hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        let e = from_command(
            "printf 'hun''ter3'; echo oops >&2; exit 3",
            "password_command",
        )
        .await
        .unwrap_err();
        assert!(e.contains("oops") && !e.contains("hunter3"), "{e}");
        assert!(from_command("true", "password_command").await.is_err());
    }
}
