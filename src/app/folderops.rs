//! Folder management from the `:` line: `:mkdir NAME`, `:rename NEW` (the open folder),
//! `:rmdir` (the open folder, after asking). Applied to the store at once and journaled like
//! message actions, so they work offline and are undone locally if the server refuses.

use super::mailops::{journal, report};
use super::{App, Command, Confirmed, Mode};
use crate::mail::{Folder, Role};
use crate::store::JournalOp;

/// The hierarchy delimiter of the account's folders (the server's, from LIST).
fn delimiter(app: &App, account: &str) -> Option<char> {
    app.tree
        .folders
        .iter()
        .filter(|f| f.account == account)
        .find_map(|f| f.delimiter)
}

/// Check a folder name typed for `:mkdir` or `:rename` (as people see it, decoded) and return
/// it as it should be created. Refused, with the reason: empty segments (a leading, trailing or
/// doubled delimiter), `.` and `..` segments (split at the server's `delimiter` and at `/`,
/// the separator of the servers' own disks), control characters, and `INBOX` in any case as
/// the whole name (RFC 3501 §5.1: the name INBOX is case-insensitive, and it exists). A child
/// of the INBOX (`inbox/Receipts`) is allowed when the account has an INBOX (`inbox`, its
/// path) and the server's delimiter is known; its first segment is then spelled as the INBOX's
/// path.
fn check_name(name: &str, delimiter: Option<char>, inbox: Option<&str>) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a folder needs a name".into());
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "a folder name cannot hold control characters ({:?})",
            c
        ));
    }
    let delim = delimiter.unwrap_or('/');
    let shown = crate::mail::sanitize::sanitize(name);
    for sep in [delim, '/'] {
        for segment in name.split(sep) {
            if segment.is_empty() {
                return Err(format!(
                    "\"{shown}\": a folder name cannot start or end with \"{sep}\" or hold \"{sep}{sep}\""
                ));
            }
            if segment == "." || segment == ".." {
                return Err(format!(
                    "\"{shown}\": \"{segment}\" cannot be part of a folder name"
                ));
            }
        }
    }
    let (top, rest) = match name.split_once(delim) {
        Some((top, rest)) => (top, Some(rest)),
        None => (name, None),
    };
    if !top.eq_ignore_ascii_case("INBOX") {
        return Ok(name.to_string());
    }
    match (rest, inbox, delimiter) {
        (None, _, _) => Err(format!(
            "\"{shown}\" is the INBOX (the name is the same in any case)"
        )),
        (Some(rest), Some(inbox), Some(d)) => Ok(format!("{inbox}{d}{rest}")),
        (Some(_), _, _) => Err(format!(
            "\"{shown}\": INBOX (in any case) can only start the name of a folder inside the INBOX"
        )),
    }
}

/// [`check_name`] for the open account: the name to create, or None with the reason on the
/// status line.
fn checked_name(app: &mut App, account: &str, name: &str) -> Option<String> {
    let inbox = app
        .tree
        .folders
        .iter()
        .find(|f| {
            f.account == account
                && (f.role == Some(Role::Inbox) || f.path.eq_ignore_ascii_case("INBOX"))
        })
        .map(|f| crate::mail::mutf7::decode(&f.path));
    match check_name(name, delimiter(app, account), inbox.as_deref()) {
        Ok(name) => Some(name),
        Err(e) => {
            app.status.error = Some(e);
            None
        }
    }
}

pub(super) fn mkdir(app: &mut App, name: &str, out: &mut Vec<Command>) {
    let account = app.list.account.clone();
    let Some(name) = checked_name(app, &account, name) else {
        return;
    };
    let name = name.as_str();
    let path = crate::mail::mutf7::encode(name);
    if app.tree.get(&account, &path).is_some() {
        app.status.error = Some(format!("{path} already exists"));
        return;
    }
    let folder = Folder {
        account: account.clone(),
        path: path.clone(),
        delimiter: delimiter(app, &account),
        role: None,
        selectable: true,
        unread: 0,
        total: 0,
    };
    if report(app, app.store.put_folder(&folder)).is_none() {
        return;
    }
    journal(
        app,
        &account,
        JournalOp::CreateFolder { path: path.clone() },
        out,
    );
    app.reload_folders(&account);
    app.status.info = Some(format!("created {}", name.trim()));
    app.remember(super::undo::UndoRecord::Barrier {
        what: format!("creating folder {}", name.trim()),
    });
}

pub(super) fn rename(app: &mut App, new: &str, out: &mut Vec<Command>) {
    let (account, from) = (app.list.account.clone(), app.list.folder.clone());
    let Some(new) = checked_name(app, &account, new) else {
        return;
    };
    let to = crate::mail::mutf7::encode(&new);
    if app
        .tree
        .get(&account, &from)
        .is_some_and(|f| f.role == Some(Role::Inbox))
    {
        app.status.error = Some("the INBOX cannot be renamed".into());
        return;
    }
    if app.tree.get(&account, &to).is_some() {
        app.status.error = Some(format!("{to} already exists"));
        return;
    }
    if report(app, app.store.rename_folder(&account, &from, &to)).is_none() {
        return;
    }
    journal(
        app,
        &account,
        JournalOp::RenameFolder {
            from: from.clone(),
            to: to.clone(),
        },
        out,
    );
    app.reload_folders(&account);
    out.extend(app.open_folder(&account, &to));
    app.status.info = Some(format!("renamed {from} to {to}"));
    app.remember(super::undo::UndoRecord::Barrier {
        what: format!("renaming {from}"),
    });
}

pub(super) fn rmdir(app: &mut App) {
    let (account, path) = (app.list.account.clone(), app.list.folder.clone());
    if app
        .tree
        .get(&account, &path)
        .is_some_and(|f| f.role.is_some())
    {
        app.status.error = Some(format!("{path} is a special folder and stays"));
        return;
    }
    let n = app.list.items.len();
    app.mode = Mode::Confirm {
        prompt: format!(
            "Delete folder {path} and its {n} message{}? (y/n)",
            if n == 1 { "" } else { "s" }
        ),
        on_yes: Confirmed::DeleteFolder { account, path },
    };
}

pub(super) fn delete_confirmed(app: &mut App, account: &str, path: &str, out: &mut Vec<Command>) {
    if report(app, app.store.remove_folder(account, path)).is_none() {
        return;
    }
    journal(
        app,
        account,
        JournalOp::DeleteFolder {
            path: path.to_string(),
        },
        out,
    );
    app.reload_folders(account);
    if let Some(inbox) = app.account_role_folder(account, Role::Inbox) {
        out.extend(app.open_folder(account, &inbox));
    }
    app.status.info = Some(format!("deleted folder {path}"));
    app.remember(super::undo::UndoRecord::Barrier {
        what: format!("deleting folder {path}"),
    });
}

/// The server refused a folder operation: put the cache back the way it was.
pub(super) fn revert(app: &mut App, account: &str, op: &JournalOp) {
    match op {
        JournalOp::CreateFolder { path } => {
            report(app, app.store.remove_folder(account, path));
        }
        JournalOp::RenameFolder { from, to } => {
            report(app, app.store.rename_folder(account, to, from));
            if app.list.account == account && app.list.folder == *to {
                let _ = app.open_folder(account, from);
            }
        }
        // The folder is still on the server: the next folder listing brings it back.
        _ => {}
    }
    app.reload_folders(account);
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn names_are_checked_against_the_servers_delimiter() {
        let ok = |n: &str, d: Option<char>| check_name(n, d, Some("INBOX"));
        assert_eq!(ok(" Receipts ", Some('/')), Ok("Receipts".into()));
        assert_eq!(ok("a/b/c", Some('/')), Ok("a/b/c".into()));
        assert_eq!(ok("Work.Q1", Some('.')), Ok("Work.Q1".into()));
        assert_eq!(ok("inbox.Sent", Some('.')), Ok("INBOX.Sent".into()));
        assert_eq!(ok("Inbox/x", Some('/')), Ok("INBOX/x".into()));
        // "/" is the separator of the server's disk even where the delimiter is "."
        assert_eq!(ok("a/b", Some('.')), Ok("a/b".into()));
        for bad in [
            "a..b", ".a", "a.", "..", "a/../b", "/a", "INBOX", "iNbOx", "",
        ] {
            assert!(ok(bad, Some('.')).is_err(), "{bad:?}");
        }
        // INBOX children need the INBOX and a known delimiter
        assert!(check_name("INBOX/x", Some('/'), None).is_err());
        assert!(ok("INBOX/x", None).is_err());
        // a name that only starts like INBOX is not the INBOX
        assert_eq!(ok("Inboxes", Some('/')), Ok("Inboxes".into()));
        assert!(ok("a\u{7f}b", Some('/')).is_err());
    }
}
