//! Settings: the `config.toml` schema (ui, accounts, servers, folder roles), loaded through the
//! `config` crate with `TMAIL_*` environment overrides, and validated with errors that name the
//! file, the line and the key.

pub mod keys;
pub(crate) mod locate;
pub mod paths;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Everything in `config.toml`. The top-level keys (`attachment_dir`, `open_command`,
/// `copy_command`) come before the first `[section]`, as TOML requires.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where saved parts go by default (`~` expanded, created when missing); unset:
    /// `~/Downloads`.
    #[serde(default)]
    pub attachment_dir: Option<PathBuf>,
    /// The command that opens a part or a link, split into words without a shell; `%s` is the
    /// file's path (one argument), added last when absent. Unset: `xdg-open` (`open` on macOS).
    #[serde(default)]
    pub open_command: Option<String>,
    /// A command that takes text on stdin and puts it on the clipboard (`wl-copy`, `pbcopy`,
    /// `xclip -selection clipboard`), used instead of the terminal's OSC 52.
    #[serde(default)]
    pub copy_command: Option<String>,
    /// Per-type open commands (`[open]` table): `"application/pdf" = "zathura %s"`,
    /// `"image/*" = "feh %s"`, `"*/*" = …`; the exact type wins over `type/*` over `*/*` over
    /// `open_command`.
    #[serde(default)]
    pub open: BTreeMap<String, String>,
    #[serde(default)]
    pub ui: UiSettings,
    #[serde(default)]
    pub accounts: Vec<AccountSettings>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    #[default]
    Columns,
    Rows,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct UiSettings {
    pub theme: String,
    pub layout: Layout,
    pub threading: bool,
    pub date_format: String,
    /// Where the composer opens: `pane` or `full`.
    pub compose: ComposeIn,
    /// `edit` ($EDITOR) opens the whole message, headers included, not only the body.
    pub edit_headers: bool,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings {
            theme: "default".into(),
            layout: Layout::Columns,
            threading: true,
            date_format: "%Y-%m-%d %H:%M".into(),
            compose: ComposeIn::Pane,
            edit_headers: false,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    Tls,
    Starttls,
    Plain,
}

/// One server (IMAP, POP3 or SMTP) of an account.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: Option<u16>,
    pub security: Security,
    pub username: Option<String>,
    pub password_command: Option<String>,
    pub oauth2_token_command: Option<String>,
    pub ca_file: Option<PathBuf>,
    #[serde(default)]
    pub allow_plaintext: bool,
    /// Server extensions not to use even when offered (a workaround for servers that get them
    /// wrong): e.g. `["MOVE", "QRESYNC", "CONDSTORE", "IDLE", "UIDPLUS"]`.
    #[serde(default)]
    pub disable_extensions: Vec<String>,
    /// POP3 only: keep a copy of each message on the server after downloading it (default true).
    pub leave_on_server: Option<bool>,
    /// POP3 only: delete a message from the server this many days after it was downloaded and
    /// stored (needs `leave_on_server`, which it qualifies; unset: never).
    pub delete_after_days: Option<u32>,
    /// POP3 only: seconds between checks for new mail (default 300, at least 5).
    pub check_interval: Option<u64>,
}

/// Overrides for folder roles; unset roles come from SPECIAL-USE.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct FolderRoles {
    pub sent: Option<String>,
    pub drafts: Option<String>,
    pub trash: Option<String>,
    pub junk: Option<String>,
    pub archive: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AccountSettings {
    pub name: String,
    pub email: String,
    pub display_name: Option<String>,
    #[serde(default)]
    pub default: bool,
    pub imap: Option<ServerSettings>,
    pub pop3: Option<ServerSettings>,
    pub smtp: Option<ServerSettings>,
    #[serde(default)]
    pub folders: FolderRoles,
    #[serde(default)]
    pub offline_bodies: bool,
    pub poll_interval: Option<u64>,
    /// Seconds between two checks of an idling IMAP connection (DONE and NOOP must be
    /// answered, else it is replaced). Default 300.
    pub idle_check: Option<u64>,
    pub new_mail_command: Option<String>,
    #[serde(default)]
    pub bell: bool,
    /// More From addresses this account sends as (`"Name <addr>"`): chosen in the composer,
    /// and left out of reply-all.
    #[serde(default)]
    pub identities: Vec<String>,
    /// Appended under `-- ` to new messages, replies and forwards.
    pub signature: Option<String>,
    /// The signature read from a file (instead of `signature`).
    pub signature_file: Option<PathBuf>,
    /// The line above a quoted reply: `%DATE`, `%NAME` and `%EMAIL` are replaced.
    pub attribution: Option<String>,
    /// How `forward` includes the original.
    pub forward_as: Option<ForwardAs>,
    /// Seconds a sent message waits in the Outbox before it goes (undo-send takes it back).
    pub send_delay: Option<u64>,
    /// Save a copy of sent mail to the Sent folder (false for servers that do it themselves).
    pub save_sent: Option<bool>,
    /// Not a key of the account: it belongs in `[accounts.pop3]`. Kept only to say so.
    #[serde(default)]
    pub leave_on_server: Option<bool>,
}

/// How a forward includes the original message.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ForwardAs {
    /// Its text under a block of its headers, its attachments kept.
    #[default]
    Inline,
    /// The whole message attached (`message/rfc822`).
    Attachment,
}

/// Where the composer opens.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ComposeIn {
    /// In place of the message list, the message being read staying beside it where it fits.
    #[default]
    Pane,
    /// On the whole screen.
    Full,
}

/// Seconds a sent message waits before it goes, when `send_delay` is not set.
pub const DEFAULT_SEND_DELAY: u64 = 5;

impl AccountSettings {
    /// The seconds a sent message waits in the Outbox (`send_delay`, default 5).
    pub fn send_delay(&self) -> u64 {
        self.send_delay.unwrap_or(DEFAULT_SEND_DELAY)
    }

    /// Whether a copy of sent mail goes to Sent (`save_sent`, default true).
    pub fn save_sent(&self) -> bool {
        self.save_sent.unwrap_or(true)
    }

    /// The signature: `signature`, else the text of `signature_file` (an unreadable file gives
    /// none; `--check-config` reports it).
    pub fn signature_text(&self) -> Option<String> {
        match (&self.signature, &self.signature_file) {
            (Some(s), _) => Some(s.clone()),
            (None, Some(f)) => {
                std::fs::read_to_string(paths::expand_tilde(&f.to_string_lossy())).ok()
            }
            (None, None) => None,
        }
    }
}

/// A config that cannot be used, said precisely enough to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("no config file at {0}")]
    Missing(PathBuf),
    #[error("{file}: cannot read: {message}")]
    Unreadable { file: String, message: String },
    /// `line` is 0 when no line is at fault (a key set only from the environment); `key` is
    /// empty when the error is not about one key.
    #[error("{file}{}: {}{message}",
        if *line == 0 { String::new() } else { format!(":{line}") },
        if key.is_empty() { String::new() } else { format!("key `{key}`: ") })]
    Invalid {
        file: String,
        line: usize,
        key: String,
        message: String,
    },
    #[error("environment override: {0}")]
    Environment(String),
}

pub const EXAMPLE: &str = r#"[ui]
theme = "default"

[[accounts]]
name = "work"
email = "alice@example.test"
default = true
[accounts.imap]
host = "mail.example.test"
port = 993
security = "tls"
username = "alice@example.test"
password_command = "pass show mail/work"
[accounts.smtp]
host = "mail.example.test"
port = 587
security = "starttls"
username = "alice@example.test"
password_command = "pass show mail/work"
"#;

/// How often a POP3 account is checked when `check_interval` is not set (seconds).
pub const DEFAULT_CHECK_INTERVAL: u64 = 300;
/// The shortest `check_interval` accepted (seconds).
pub const MIN_CHECK_INTERVAL: u64 = 5;

impl ServerSettings {
    /// POP3: whether downloaded messages stay on the server (`leave_on_server`, default true).
    pub fn leave_on_server(&self) -> bool {
        self.leave_on_server.unwrap_or(true)
    }

    /// POP3: seconds between checks (`check_interval`, default 300).
    pub fn check_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(
            self.check_interval
                .unwrap_or(DEFAULT_CHECK_INTERVAL)
                .max(MIN_CHECK_INTERVAL),
        )
    }

    /// The port, or the usual one for the protocol and security.
    pub fn port_or(&self, tls: u16, starttls: u16, plain: u16) -> u16 {
        self.port.unwrap_or(match self.security {
            Security::Tls => tls,
            Security::Starttls => starttls,
            Security::Plain => plain,
        })
    }
}

/// The `TMAIL_*` variables tmail reads or sets for other purposes, never config keys:
/// `TMAIL_CONFIG`, `TMAIL_DATA_DIR` (the options of the same name), `TMAIL_LOG` (the log
/// level), and what a `new_mail_command` is given (`TMAIL_ACCOUNT`, `TMAIL_FOLDER`,
/// `TMAIL_FROM`, `TMAIL_SUBJECT`, `TMAIL_COUNT`), which a tmail run from that command inherits.
pub const RESERVED_ENV: &[&str] = &[
    "TMAIL_CONFIG",
    "TMAIL_DATA_DIR",
    "TMAIL_LOG",
    "TMAIL_ACCOUNT",
    "TMAIL_FOLDER",
    "TMAIL_FROM",
    "TMAIL_SUBJECT",
    "TMAIL_COUNT",
];

/// The keys at the top of `config.toml` that take one value (`attachment_dir`, `open_command`,
/// `copy_command`; not the `[open]` table, whose keys are MIME types no variable name can
/// spell).
fn top_level_env_keys() -> impl Iterator<Item = &'static str> {
    keys::KEYS
        .iter()
        .filter(|k| k.tables == [""] && !k.value.starts_with('{'))
        .map(|k| k.key)
}

/// Which environment variables override config keys: `TMAIL_SECTION__KEY` for a key in a
/// table (`TMAIL_UI__THEME`; `__` between levels), and `TMAIL_KEY` for a top-level key
/// (`TMAIL_COPY_COMMAND`, any case after the prefix). Every other variable is left alone, the
/// [`RESERVED_ENV`] ones among them, so they never become keys nor "unknown key" errors.
pub fn env_overrides(
    vars: impl IntoIterator<Item = (String, String)>,
) -> config::Map<String, String> {
    vars.into_iter()
        .filter(|(k, _)| {
            let Some(rest) = k.strip_prefix("TMAIL_") else {
                return false;
            };
            if RESERVED_ENV.contains(&k.as_str()) {
                return false;
            }
            rest.contains("__") || top_level_env_keys().any(|key| rest.eq_ignore_ascii_case(key))
        })
        .collect()
}

/// The config key an override variable names, as a path: `TMAIL_UI__THEME` is `ui.theme`,
/// `TMAIL_COPY_COMMAND` is `copy_command`, `TMAIL_ACCOUNTS__0__IMAP__PORT` is
/// `accounts[0].imap.port` (accounts numbered from 0 in the order of the file, which has
/// `accounts` of them). Errors name what is wrong with the variable's name.
fn override_key(var: &str, accounts: usize) -> Result<String, String> {
    let rest = var
        .strip_prefix("TMAIL_")
        .unwrap_or(var)
        .to_ascii_lowercase();
    let mut key = String::new();
    for (i, segment) in rest.split("__").enumerate() {
        if segment.is_empty()
            || !segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(
                "not a key: levels are separated by two underscores (TMAIL_UI__THEME)".into(),
            );
        }
        match segment.parse::<usize>() {
            Ok(n) if i == 1 && key == "accounts" => {
                if n >= accounts {
                    return Err(format!(
                        "there is no account {n} in the config file (accounts are numbered from 0; it has {accounts})"
                    ));
                }
                key.push_str(&format!("[{n}]"));
            }
            _ if key == "accounts" => {
                return Err(
                    "an account's key needs the account's number: TMAIL_ACCOUNTS__0__SEND_DELAY"
                        .into(),
                );
            }
            _ => {
                if i > 0 {
                    key.push('.');
                }
                key.push_str(segment);
            }
        }
    }
    Ok(key)
}

/// True for names and addresses of this machine.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Settings {
    /// Load `path` with `TMAIL_*` environment overrides (e.g. `TMAIL_UI__THEME=light`,
    /// `TMAIL_COPY_COMMAND=wl-copy`; see [`env_overrides`]), then validate.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        Settings::load_with_env(path, std::env::vars())
    }

    /// [`Settings::load`] with the environment given: `vars` as `std::env::vars` yields them.
    pub fn load_with_env(
        path: &Path,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Settings, ConfigError> {
        let file = path.display().to_string();
        if !path.exists() {
            return Err(ConfigError::Missing(path.to_path_buf()));
        }
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
            file: file.clone(),
            message: e.to_string(),
        })?;
        // A first strict pass over the file alone gives line numbers for syntax and type errors.
        let from_file: Settings =
            toml::from_str(&text).map_err(|e| toml_error(&file, &text, &e))?;
        let overrides = env_overrides(vars);
        let settings = if !overrides.is_empty() {
            let mut builder = config::Config::builder()
                .add_source(config::File::from(path).format(config::FileFormat::Toml));
            for (var, value) in &overrides {
                let key = override_key(var, from_file.accounts.len())
                    .map_err(|e| ConfigError::Environment(format!("{var}: {e}")))?;
                // Values go in as text: the schema's types parse them (numbers, true/false,
                // names), and text keys keep what was written ("0123", "true").
                builder = builder
                    .set_override(&key, value.as_str())
                    .map_err(|e| ConfigError::Environment(format!("{var}: {e}")))?;
            }
            builder
                .build()
                .map_err(|e| ConfigError::Environment(e.to_string()))?
                .try_deserialize::<Settings>()
                .map_err(|e| ConfigError::Environment(e.to_string()))?
        } else {
            from_file
        };
        settings.validate(&file, &text)?;
        Ok(settings)
    }

    /// Checks that serde cannot express; each error names the key and, when found, its line.
    pub fn validate(&self, file: &str, text: &str) -> Result<(), ConfigError> {
        let invalid = |key: String, message: String| ConfigError::Invalid {
            file: file.to_string(),
            line: locate::line_of_key(text, &key).unwrap_or(0),
            key,
            message,
        };
        if chrono::format::StrftimeItems::new(&self.ui.date_format)
            .any(|i| matches!(i, chrono::format::Item::Error))
        {
            return Err(invalid(
                "ui.date_format".into(),
                format!("\"{}\" is not a valid strftime format", self.ui.date_format),
            ));
        }
        self.validate_reading(&invalid)?;
        let mut defaults = 0;
        for (i, a) in self.accounts.iter().enumerate() {
            let key = |k: &str| format!("accounts[{i}].{k}");
            if a.name.trim().is_empty() {
                return Err(invalid(key("name"), "must not be empty".into()));
            }
            if self.accounts[..i].iter().any(|b| b.name == a.name) {
                return Err(invalid(
                    key("name"),
                    format!("\"{}\" is used by two accounts", a.name),
                ));
            }
            if !a.email.contains('@') {
                return Err(invalid(
                    key("email"),
                    format!("\"{}\" is not an email address", a.email),
                ));
            }
            defaults += usize::from(a.default);
            if a.leave_on_server.is_some() {
                return Err(invalid(
                    key("leave_on_server"),
                    "leave_on_server belongs in the [accounts.pop3] section".into(),
                ));
            }
            match (&a.imap, &a.pop3) {
                (Some(_), Some(_)) => {
                    return Err(invalid(
                        key("pop3"),
                        "an account has [accounts.imap] or [accounts.pop3], not both".into(),
                    ))
                }
                (None, None) => {
                    return Err(invalid(
                        key("name"),
                        format!(
                            "account \"{}\" needs an [accounts.imap] or [accounts.pop3] section",
                            a.name
                        ),
                    ))
                }
                _ => {}
            }
            for (section, server) in [("imap", &a.imap), ("pop3", &a.pop3), ("smtp", &a.smtp)] {
                let Some(s) = server else { continue };
                let skey = |k: &str| key(&format!("{section}.{k}"));
                if s.host.trim().is_empty() {
                    return Err(invalid(skey("host"), "must not be empty".into()));
                }
                if s.port == Some(0) {
                    return Err(invalid(skey("port"), "must be between 1 and 65535".into()));
                }
                if s.security == Security::Plain && !is_loopback(&s.host) && !s.allow_plaintext {
                    return Err(invalid(
                        skey("security"),
                        format!("\"plain\" sends the password unencrypted to {}; use tls or starttls, or set allow_plaintext = true", s.host),
                    ));
                }
                if s.password_command.is_some() && s.oauth2_token_command.is_some() {
                    return Err(invalid(
                        skey("oauth2_token_command"),
                        "set password_command or oauth2_token_command, not both".into(),
                    ));
                }
                if section != "pop3" {
                    for (k, set) in [
                        ("leave_on_server", s.leave_on_server.is_some()),
                        ("delete_after_days", s.delete_after_days.is_some()),
                        ("check_interval", s.check_interval.is_some()),
                    ] {
                        if set {
                            return Err(invalid(
                                skey(k),
                                format!("{k} is a POP3 setting: it belongs in [accounts.pop3]"),
                            ));
                        }
                    }
                }
                if let Some(days) = s.delete_after_days {
                    if days == 0 {
                        return Err(invalid(
                            skey("delete_after_days"),
                            "must be at least 1 (to delete at once, set leave_on_server = false)"
                                .into(),
                        ));
                    }
                    if s.leave_on_server == Some(false) {
                        return Err(invalid(
                            skey("delete_after_days"),
                            "needs leave_on_server = true (with leave_on_server = false messages are deleted from the server at once)".into(),
                        ));
                    }
                }
                if let Some(secs) = s.check_interval {
                    if secs < MIN_CHECK_INTERVAL {
                        return Err(invalid(
                            skey("check_interval"),
                            format!("must be at least {MIN_CHECK_INTERVAL} seconds"),
                        ));
                    }
                }
                if let Some(ca) = &s.ca_file {
                    if !ca.exists() {
                        return Err(invalid(
                            skey("ca_file"),
                            format!("{} does not exist", ca.display()),
                        ));
                    }
                }
            }
        }
        if defaults > 1 {
            return Err(invalid(
                "accounts[1].default".into(),
                "only one account can be the default".into(),
            ));
        }
        Ok(())
    }
}

impl Settings {
    /// The keys for attachments, links and the clipboard: commands must split into words,
    /// `[open]` keys must be MIME patterns, `attachment_dir` must not name a file.
    fn validate_reading(
        &self,
        invalid: &dyn Fn(String, String) -> ConfigError,
    ) -> Result<(), ConfigError> {
        use crate::external::command::{check_pattern, CommandTemplate};
        for (key, value) in [
            ("open_command", &self.open_command),
            ("copy_command", &self.copy_command),
        ] {
            if let Some(v) = value {
                CommandTemplate::parse(v).map_err(|e| invalid(key.into(), e.to_string()))?;
            }
        }
        for (pattern, command) in &self.open {
            let key = format!("open.{pattern}");
            check_pattern(&pattern.trim().to_ascii_lowercase())
                .map_err(|e| invalid(key.clone(), e.to_string()))?;
            CommandTemplate::parse(command).map_err(|e| invalid(key, e.to_string()))?;
        }
        if let Some(dir) = &self.attachment_dir {
            let text = dir.to_string_lossy();
            if text.trim().is_empty() {
                return Err(invalid("attachment_dir".into(), "must not be empty".into()));
            }
            let path = paths::expand_tilde(&text);
            if path.exists() && !path.is_dir() {
                return Err(invalid(
                    "attachment_dir".into(),
                    format!("{} is not a directory", path.display()),
                ));
            }
        }
        Ok(())
    }
}

fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> ConfigError {
    let (line, key) = match e.span() {
        Some(span) => {
            let line = text
                .get(..span.start)
                .map_or(1, |t| t.matches('\n').count() + 1);
            (line, locate::key_at_line(text, line))
        }
        None => (0, String::new()),
    };
    ConfigError::Invalid {
        file: file.to_string(),
        line,
        key,
        message: e.message().trim().to_string(),
    }
}

#[cfg(test)]
mod tests;
