//! New mail, announced the same way by every backend: the `new_mail_command` hook and the
//! event the UI shows (status line, bell, terminal notification).

use crate::app::Event;
use crate::mail::sanitize::sanitize;
use crate::mail::Envelope;

/// Announce messages that arrived unread in `folder`: run `command` (the account's
/// `new_mail_command`, through `sh -c`, never waited for) with `TMAIL_ACCOUNT`, `TMAIL_FOLDER`,
/// `TMAIL_FROM`, `TMAIL_SUBJECT` (of the newest message, sanitized) and `TMAIL_COUNT` in its
/// environment, and return the `Event::NewMail` for the UI. `None` when nothing arrived.
///
/// Errors: a command that cannot be started is reported through `error`, as
/// `new_mail_command: <reason>`; the event comes back all the same.
pub(crate) fn new_mail(
    account: &str,
    folder: &str,
    arrived: &[&Envelope],
    command: Option<&str>,
    bell: bool,
    error: impl FnOnce(String),
) -> Option<Event> {
    let newest = arrived.iter().max_by_key(|e| e.date)?;
    let from = sanitize(newest.sender());
    let subject = sanitize(&newest.subject);
    if let Some(cmd) = command {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c")
            .arg(cmd)
            .env("TMAIL_ACCOUNT", account)
            .env("TMAIL_FOLDER", folder)
            .env("TMAIL_FROM", &from)
            .env("TMAIL_SUBJECT", &subject)
            .env("TMAIL_COUNT", arrived.len().to_string())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        if let Err(e) = c.spawn() {
            error(format!("new_mail_command: {e}"));
        }
    }
    Some(Event::NewMail {
        account: account.to_string(),
        folder: folder.to_string(),
        count: arrived.len(),
        from,
        subject,
        bell,
    })
}
