//! Mail operations from the keyboard: read/unread, flag, move, copy, archive, delete, on the
//! message under the cursor, the previewed one, or a visual selection. Each is applied to the
//! store at once and written to the journal; the worker replays the journal to the server, and a
//! refused entry is reverted here. Moves and flag changes are remembered for undo.

use super::undo::UndoRecord;
use super::{App, Command, Confirmed, Mode, Pane};
use crate::mail::{Flags, Role};
use crate::store::{JournalEntry, JournalOp};

/// The messages an operation applies to: the visual selection, else the previewed message when
/// the preview has focus, else the one under the list cursor; a count (`3d`) takes that many
/// rows from the cursor down.
pub(super) fn targets(app: &mut App) -> Vec<u32> {
    if let Some(n) = app.target_count.take() {
        if app.visual.is_none() && n > 1 {
            let start = app.list.cursor;
            return (start..start + n)
                .filter_map(|r| app.list.row_envelope(r).map(|e| e.uid))
                .collect();
        }
    }
    if let Some(anchor) = app.visual {
        let (a, b) = (anchor.min(app.list.cursor), anchor.max(app.list.cursor));
        return (a..=b)
            .filter_map(|r| app.list.row_envelope(r).map(|e| e.uid))
            .collect();
    }
    if app.focus == Pane::Preview {
        if let Some((a, f, uid)) = &app.preview.target {
            if *a == app.list.account && *f == app.list.folder {
                return vec![*uid];
            }
        }
    }
    app.list.selected().map(|e| vec![e.uid]).unwrap_or_default()
}

pub(super) fn report<T, E: std::fmt::Display>(app: &mut App, r: Result<T, E>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            app.status.error = Some(e.to_string());
            None
        }
    }
}

/// Store the new counts of a folder in the tree.
pub(super) fn refresh_counts(app: &mut App, account: &str, folder: &str) {
    if let Some(Some(f)) = report(app, app.store.recount(account, folder)) {
        if let Some(t) = app.tree.get_mut(account, folder) {
            t.unread = f.unread;
            t.total = f.total;
        }
    }
}

pub(super) fn journal(app: &mut App, account: &str, op: JournalOp, out: &mut Vec<Command>) {
    journal_for(app, account, op, None, out)
}

/// Journal an action on the message with this Message-ID (so the worker can find it on the server
/// even when tmail only knows a local UID for it).
pub(super) fn journal_for(
    app: &mut App,
    account: &str,
    op: JournalOp,
    message_id: Option<String>,
    out: &mut Vec<Command>,
) {
    if report(app, app.store.journal_append_for(account, op, message_id)).is_some() {
        app.status.pending = app.store.journal_len();
        let cmd = Command::ReplayJournal {
            account: account.to_string(),
        };
        if !out.contains(&cmd) {
            out.push(cmd);
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `on`: Some(true) sets, Some(false) clears, None toggles (by the first message).
pub(super) fn set_flag(app: &mut App, bit: u8, on: Option<bool>, out: &mut Vec<Command>) {
    let uids = targets(app);
    app.visual = None;
    if uids.is_empty() {
        app.status.info = Some("no message selected".into());
        return;
    }
    set_flags_of(app, &uids, bit, on, out, true);
}

/// Set, clear (`on`) or toggle (`None`) a flag on messages of the open folder; `undoable`
/// remembers it for `u` (opening a message marks it read without that).
pub(super) fn set_flags_of(
    app: &mut App,
    uids: &[u32],
    bit: u8,
    on: Option<bool>,
    out: &mut Vec<Command>,
    undoable: bool,
) {
    let (account, folder) = (app.list.account.clone(), app.list.folder.clone());
    let on = on.unwrap_or_else(|| {
        !uids
            .first()
            .and_then(|u| app.list.envelopes.iter().find(|e| e.uid == *u))
            .is_some_and(|e| e.flags.has(bit))
    });
    let mut changes = Vec::new();
    for &uid in uids {
        let Some(env) = app.list.envelope_mut(uid) else {
            continue;
        };
        let old = env.flags;
        let new = old.with(bit, on);
        if old == new {
            continue;
        }
        env.flags = new;
        if report(app, app.store.set_flags(&account, &folder, uid, new)).is_none() {
            return;
        }
        // Only a local UID needs the Message-ID to be found on the server.
        let message_id = if uid >= crate::store::LOCAL_UID_BASE {
            app.store
                .envelope(&account, &folder, uid)
                .ok()
                .flatten()
                .and_then(|e| e.message_id)
        } else {
            None
        };
        journal_for(
            app,
            &account,
            JournalOp::SetFlags {
                folder: folder.clone(),
                uid,
                old,
                new,
            },
            message_id,
            out,
        );
        changes.push((uid, old));
    }
    if !changes.is_empty() {
        if bit == Flags::SEEN {
            refresh_counts(app, &account, &folder);
        }
        if uids.len() > 1 {
            app.status.info = Some(format!(
                "{} message{} changed",
                changes.len(),
                plural(changes.len())
            ));
        }
        if undoable {
            app.remember(UndoRecord::Flags {
                account,
                folder,
                changes,
            });
        }
    }
}

/// Delete: to Trash, or for good (after asking) when already in Trash.
pub(super) fn delete(app: &mut App, out: &mut Vec<Command>) {
    let uids = targets(app);
    app.visual = None;
    if uids.is_empty() {
        return;
    }
    let account = app.list.account.clone();
    let in_trash = app
        .tree
        .get(&account, &app.list.folder)
        .is_some_and(|f| f.role == Some(Role::Trash));
    if in_trash {
        let n = uids.len();
        app.mode = Mode::Confirm {
            prompt: format!("Delete {n} message{} for good? (y/n)", plural(n)),
            on_yes: Confirmed::Expunge {
                account,
                folder: app.list.folder.clone(),
                uids,
            },
        };
        return;
    }
    match app.account_role_folder(&account, Role::Trash) {
        Some(trash) => {
            let from = app.list.folder.clone();
            transfer_uids(app, &account, &from, &uids, &trash, false, out, true);
        }
        None => {
            app.status.error = Some(format!(
                "{account} has no Trash folder: set [accounts.folders] trash = \"NAME\""
            ))
        }
    }
}

pub(super) fn archive(app: &mut App, out: &mut Vec<Command>) {
    let account = app.list.account.clone();
    let uids = targets(app);
    app.visual = None;
    match app.account_role_folder(&account, Role::Archive) {
        Some(a) if a == app.list.folder => app.status.info = Some("already in the archive".into()),
        Some(a) => {
            let from = app.list.folder.clone();
            transfer_uids(app, &account, &from, &uids, &a, false, out, true);
        }
        None => {
            app.status.error = Some(format!(
                "{account} has no Archive folder: set [accounts.folders] archive = \"NAME\""
            ))
        }
    }
}

/// `:move NAME` / `:copy NAME`.
pub(super) fn transfer(app: &mut App, dest: &str, copy: bool, out: &mut Vec<Command>) {
    let uids = targets(app);
    app.visual = None;
    transfer_to(app, uids, dest, copy, out);
}

/// Move or copy these messages of the open folder to the folder named `dest` (the picker's
/// choice, for the messages chosen when it opened).
pub(super) fn transfer_to(
    app: &mut App,
    uids: Vec<u32>,
    dest: &str,
    copy: bool,
    out: &mut Vec<Command>,
) {
    let account = app.list.account.clone();
    let found = app.tree.find(Some(&account), dest).cloned();
    match found {
        Some(f) if f.account != account => {
            app.status.error = Some(format!(
                "{} is in account {}; moving between accounts is not supported",
                f.path, f.account
            ))
        }
        Some(f) if !f.selectable => {
            app.status.error = Some(format!("{} cannot hold messages", f.path))
        }
        Some(f) => {
            let from = app.list.folder.clone();
            transfer_uids(app, &account, &from, &uids, &f.path, copy, out, true);
        }
        None => app.status.error = Some(format!("no folder \"{dest}\"")),
    }
}

/// Move or copy messages between two folders of an account, in the store and the journal.
/// Returns the (local UID, Message-ID) of each message in `dest`.
#[allow(clippy::too_many_arguments)]
pub(super) fn transfer_uids(
    app: &mut App,
    account: &str,
    from: &str,
    uids: &[u32],
    dest: &str,
    copy: bool,
    out: &mut Vec<Command>,
    undoable: bool,
) -> Vec<(u32, Option<String>)> {
    if dest == from {
        app.status.error = Some(format!("already in {dest}"));
        return Vec::new();
    }
    let mut moved = Vec::new();
    for &uid in uids {
        // The list keeps compact rows: take the full envelope from the store.
        let Ok(Some(mut env)) = app.store.envelope(account, from, uid) else {
            continue;
        };
        let Some(local_uid) = report(app, app.store.allocate_uid(account, dest)) else {
            return moved;
        };
        let message_id = env.message_id.clone();
        let op = if copy {
            JournalOp::Copy {
                from: from.to_string(),
                uid,
                to: dest.to_string(),
                local_uid,
            }
        } else {
            JournalOp::Move {
                from: from.to_string(),
                uid,
                to: dest.to_string(),
                local_uid,
            }
        };
        // The journal entry first: from then on the placeholder below is protected from syncs.
        journal_for(app, account, op, message_id.clone(), out);
        env.uid = local_uid;
        if report(
            app,
            app.store
                .put_envelopes(account, dest, std::slice::from_ref(&env)),
        )
        .is_none()
        {
            return moved;
        }
        if let Ok(Some(raw)) = app.store.body(account, from, uid) {
            report(app, app.store.put_body(account, dest, local_uid, &raw));
        }
        if !copy {
            report(app, app.store.remove_message(account, from, uid));
            if app.list.account == account && app.list.folder == from {
                app.list.remove(uid);
            }
            if app.preview.is_showing(account, from, uid) {
                app.preview.clear();
                app.focus = Pane::List;
            }
        }
        moved.push((local_uid, message_id));
    }
    refresh_counts(app, account, from);
    refresh_counts(app, account, dest);
    if app.list.account == account && app.list.folder == dest {
        app.reload_list();
    }
    app.search.refresh(&app.list, &app.store);
    app.list.scroll_into_view(app.list_height());
    let done = moved.len();
    let verb = if copy { "copied" } else { "moved" };
    app.status.info = Some(format!(
        "{verb} {done} message{} to {dest} (u undoes)",
        plural(done)
    ));
    if undoable && done > 0 {
        app.remember(UndoRecord::Moved {
            account: account.to_string(),
            from: from.to_string(),
            to: dest.to_string(),
            moved: moved.clone(),
            copy,
        });
    }
    moved
}

/// The journal entry that deletes a message for good: by UID, or by Message-ID for a message
/// that is here only under a local UID (moved or copied offline, not yet on the server).
pub(super) fn expunge_op(app: &App, account: &str, folder: &str, uid: u32) -> JournalOp {
    if uid >= crate::store::LOCAL_UID_BASE {
        if let Ok(Some(Some(message_id))) = app
            .store
            .envelope(account, folder, uid)
            .map(|e| e.map(|e| e.message_id))
        {
            return JournalOp::ExpungeId {
                folder: folder.to_string(),
                message_id,
            };
        }
    }
    JournalOp::Expunge {
        folder: folder.to_string(),
        uid,
    }
}

/// A yes to a confirmation.
pub(super) fn confirmed(app: &mut App, what: Confirmed, out: &mut Vec<Command>) {
    match what {
        Confirmed::Expunge {
            account,
            folder,
            uids,
        } => {
            for uid in &uids {
                let op = expunge_op(app, &account, &folder, *uid);
                report(app, app.store.remove_message(&account, &folder, *uid));
                if app.list.account == account && app.list.folder == folder {
                    app.list.remove(*uid);
                }
                if app.preview.is_showing(&account, &folder, *uid) {
                    app.preview.clear();
                    app.focus = Pane::List;
                }
                journal(app, &account, op, out);
            }
            refresh_counts(app, &account, &folder);
            app.status.info = Some(format!(
                "deleted {} message{} for good",
                uids.len(),
                plural(uids.len())
            ));
            app.remember(UndoRecord::Barrier {
                what: "deleting for good".into(),
            });
        }
        Confirmed::DeleteFolder { account, path } => {
            super::folderops::delete_confirmed(app, &account, &path, out)
        }
        Confirmed::DiscardMessage => app.discard(),
        Confirmed::Overwrite { path } => app.save_part(&path, true),
        Confirmed::DropOutbox { id } => app.drop_outbox(id),
        Confirmed::SendAnyway => {
            app.send_anyway = true;
            app.send(out);
        }
        Confirmed::QuitWhileWriting => {
            app.save_composer();
            app.quit = true;
        }
    }
}

/// Undo in the store what a refused journal entry did (the worker has removed the entry).
pub(super) fn revert(app: &mut App, entry: &JournalEntry) {
    let account = entry.account.as_str();
    let touched: Vec<String> = match &entry.op {
        JournalOp::SetFlags {
            folder, uid, old, ..
        } => {
            report(app, app.store.set_flags(account, folder, *uid, *old));
            vec![folder.clone()]
        }
        JournalOp::Move {
            from,
            uid,
            to,
            local_uid,
        } => {
            if let Ok(Some(mut env)) = app.store.envelope(account, to, *local_uid) {
                let body = app.store.body(account, to, *local_uid).ok().flatten();
                env.uid = *uid;
                report(
                    app,
                    app.store
                        .put_envelopes(account, from, std::slice::from_ref(&env)),
                );
                if let Some(raw) = body {
                    report(app, app.store.put_body(account, from, *uid, &raw));
                }
                report(app, app.store.remove_message(account, to, *local_uid));
            }
            vec![from.clone(), to.clone()]
        }
        JournalOp::Copy { to, local_uid, .. } => {
            report(app, app.store.remove_message(account, to, *local_uid));
            vec![to.clone()]
        }
        // The message is gone locally; the next sync brings it back if the server kept it.
        JournalOp::Expunge { folder, .. } | JournalOp::ExpungeId { folder, .. } => {
            vec![folder.clone()]
        }
        // A copy the server would not take (a sent message for Sent): the copy here is the only
        // one, so it stays; the error says what happened.
        JournalOp::Append { folder, .. } => vec![folder.clone()],
        op @ (JournalOp::CreateFolder { .. }
        | JournalOp::DeleteFolder { .. }
        | JournalOp::RenameFolder { .. }) => {
            super::folderops::revert(app, account, op);
            Vec::new()
        }
    };
    for folder in touched {
        refresh_counts(app, account, &folder);
        if app.list.account == account && app.list.folder == folder {
            app.reload_list();
        }
    }
}
