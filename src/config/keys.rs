//! Every key of `config.toml` with its table, its values and what it does. The man page's
//! CONFIGURATION section is made from this list, and a test holds it to the schema (`Settings`):
//! a key added to the schema and not here, or listed here and not in the schema, fails it.

/// One key of `config.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigKey {
    /// The tables it may be set in, as dotted paths (`accounts.imap`); `accounts` is the
    /// `[[accounts]]` array.
    pub tables: &'static [&'static str],
    pub key: &'static str,
    /// Its values, in the man page's words (`tls | starttls | plain`, `SECONDS`).
    pub value: &'static str,
    pub description: &'static str,
}

/// The tables of one server of an account.
pub const SERVER_TABLES: &[&str] = &["accounts.imap", "accounts.pop3", "accounts.smtp"];

/// Keys at the top of the file, before any table.
const TOP: &[&str] = &[""];
const UI: &[&str] = &["ui"];
const ACCOUNTS: &[&str] = &["accounts"];
const IMAP: &[&str] = &["accounts.imap"];
const POP3: &[&str] = &["accounts.pop3"];
const FOLDERS: &[&str] = &["accounts.folders"];

const fn key(
    tables: &'static [&'static str],
    key: &'static str,
    value: &'static str,
    description: &'static str,
) -> ConfigKey {
    ConfigKey {
        tables,
        key,
        value,
        description,
    }
}

/// Every key, in the order the man page shows them.
pub const KEYS: &[ConfigKey] = &[
    key(TOP, "attachment_dir", "PATH", "Where attachments are saved by default (~ expands). Default: ~/Downloads."),
    key(TOP, "open_command", "COMMAND", "Opens a saved part or a link (split like a shell line, run without a shell; %s is the path). Default: xdg-open (open on macOS)."),
    key(TOP, "copy_command", "COMMAND", "Copies text for yank (text on stdin), e.g. wl-copy; without it tmail copies with OSC 52, through SSH and tmux."),
    key(TOP, "open", "{ \"TYPE\" = COMMAND }", "The [open] table: per MIME type (exact, then type/*, then */*) the command that opens a part, in the spirit of mailcap."),
    key(UI, "theme", "NAME", "The theme: a built-in one (default, light, ansi16) or $XDG_CONFIG_HOME/tmail/themes/NAME.toml. Default: default."),
    key(UI, "layout", "columns | rows", "columns: folders, list and preview side by side; rows: the preview under the list. Default: columns."),
    key(UI, "threading", "BOOL", "Show the list as threads. Default: true."),
    key(UI, "date_format", "STRFTIME", "How dates are shown in the list. Default: %Y-%m-%d %H:%M."),
    key(UI, "compose", "pane | full", "Where the composer opens: in place of the list, the message being read staying beside it where it fits (pane), or on the whole screen (full). Default: pane."),
    key(UI, "edit_headers", "BOOL", "edit ($EDITOR, Ctrl-E) opens the whole message with its headers, not only the body. Default: false."),
    key(ACCOUNTS, "name", "NAME", "The account's name, as shown in the folder tree and used by --account. Required, unique."),
    key(ACCOUNTS, "email", "ADDRESS", "The account's address. Required."),
    key(ACCOUNTS, "display_name", "TEXT", "The name put before the address in mail you send."),
    key(ACCOUNTS, "default", "BOOL", "The account opened at start (one at most). Default: false."),
    key(ACCOUNTS, "offline_bodies", "BOOL", "Download every message body while syncing, for offline reading. Default: false."),
    key(ACCOUNTS, "idle_check", "SECONDS", "How often an idling (push) connection is checked: DONE and NOOP must be answered, else it is replaced and the folder synced, so a connection that died without a word (a NAT that forgot it) costs at most this long. Default: 300."),
    key(ACCOUNTS, "poll_interval", "SECONDS", "How often folders are checked when the server has no IDLE (and how often other folders' counts are refreshed). Default: 60."),
    key(ACCOUNTS, "new_mail_command", "COMMAND", "Run with sh -c on new mail, with TMAIL_ACCOUNT, TMAIL_FOLDER, TMAIL_FROM, TMAIL_SUBJECT and TMAIL_COUNT set."),
    key(ACCOUNTS, "bell", "BOOL", "Ring the terminal bell on new mail. Default: false."),
    key(ACCOUNTS, "identities", "[\"NAME <ADDRESS>\"]", "More From addresses this account sends as: chosen in the composer (Tab on From), and left out of reply-all."),
    key(ACCOUNTS, "signature", "TEXT", "Appended under \"-- \" to new messages, replies and forwards."),
    key(ACCOUNTS, "signature_file", "PATH", "The signature read from a file (instead of signature)."),
    key(ACCOUNTS, "attribution", "TEXT", "The line above a quoted reply; %DATE, %NAME and %EMAIL are replaced. Default: On %DATE, %NAME wrote:"),
    key(ACCOUNTS, "forward_as", "inline | attachment", "Forward the original's text under a block of its headers (its attachments kept), or attach it whole (message/rfc822). Default: inline."),
    key(ACCOUNTS, "send_delay", "SECONDS", "How long a sent message waits in the Outbox before it goes; undo-send takes it back meanwhile. Default: 5."),
    key(ACCOUNTS, "save_sent", "BOOL", "Save a copy of sent mail to the Sent folder (set false for servers that do it themselves, such as Gmail). Default: true."),
    key(SERVER_TABLES, "host", "HOST", "The server's host name or address. Required."),
    key(SERVER_TABLES, "port", "PORT", "The port. Default: IMAP 993 (tls) or 143; POP3 995 (tls) or 110; SMTP 465 (tls), 587 (starttls) or 25."),
    key(SERVER_TABLES, "security", "tls | starttls | plain", "TLS from the start, STARTTLS (refused if the server does not offer it), or none: plain only to this machine, or with allow_plaintext. Required."),
    key(SERVER_TABLES, "username", "NAME", "The login name."),
    key(SERVER_TABLES, "password_command", "COMMAND", "Run with sh -c; its first line of output is the password. Without it tmail asks, and keeps the answer in memory only."),
    key(SERVER_TABLES, "oauth2_token_command", "COMMAND", "Run with sh -c; its first line is an OAuth2 access token for XOAUTH2/OAUTHBEARER (instead of password_command)."),
    key(SERVER_TABLES, "ca_file", "PATH", "A PEM file of extra trusted certificate authorities (checking is never turned off)."),
    key(SERVER_TABLES, "allow_plaintext", "BOOL", "Permit security = \"plain\" to a host that is not this machine. Default: false."),
    key(IMAP, "disable_extensions", "[NAMES]", "Server extensions not to use even when offered, e.g. [\"QRESYNC\", \"IDLE\"] (a workaround for servers that get them wrong)."),
    key(POP3, "leave_on_server", "BOOL", "Keep a copy on the server after downloading. Default: true."),
    key(POP3, "delete_after_days", "DAYS", "With leave_on_server, delete a message from the server this many days after it was downloaded. Default: never."),
    key(POP3, "check_interval", "SECONDS", "Seconds between checks for new mail (at least 5). Default: 300."),
    key(FOLDERS, "sent", "FOLDER", "The Sent folder, overriding what the server says (SPECIAL-USE)."),
    key(FOLDERS, "drafts", "FOLDER", "The Drafts folder."),
    key(FOLDERS, "trash", "FOLDER", "The Trash folder."),
    key(FOLDERS, "junk", "FOLDER", "The Junk folder."),
    key(FOLDERS, "archive", "FOLDER", "The Archive folder (where `a` moves mail)."),
];

/// How a table is written in `config.toml`: `[ui]`, `[[accounts]]`, `[accounts.imap]`.
pub fn table_header(table: &str) -> String {
    if table.is_empty() {
        "(top of the file)".to_string()
    } else if table == "accounts" {
        "[[accounts]]".to_string()
    } else {
        format!("[{table}]")
    }
}

#[cfg(test)]
mod tests;
