//! Folder management from the `:` line: `:mkdir NAME`, `:rename NEW` (the open folder),
//! `:rmdir` (the open folder, after asking). Applied to the store at once and journaled like
//! message actions, so they work offline and are undone locally if the server refuses.

use super::mailops::{journal, report};
use super::{App, Command, Confirmed, Mode};
use crate::mail::{Folder, Role};
use crate::store::JournalOp;

fn delimiter(app: &App, account: &str) -> Option<char> {
    app.tree
        .folders
        .iter()
        .find(|f| f.account == account)
        .and_then(|f| f.delimiter)
}

pub(super) fn mkdir(app: &mut App, name: &str, out: &mut Vec<Command>) {
    let account = app.list.account.clone();
    let path = crate::mail::mutf7::encode(name.trim());
    if path.is_empty() {
        return;
    }
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
    let to = crate::mail::mutf7::encode(new.trim());
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
