//! Mail operations from the keyboard: read/unread, flag, move, copy, archive, delete, on the
//! message under the cursor, the previewed one, or a visual selection. Each is applied to the
//! store at once and written to the journal; the worker replays the journal to the server, and a
//! refused entry is reverted here. Moves and flag changes are remembered for undo.

use super::undo::UndoRecord;
use super::{App, Command, Confirmed, Mode, Pane};
use crate::mail::Role;
use crate::store::{CountDelta, JournalEntry, JournalOp};

/// The messages an operation applies to: the visual selection, else the previewed message when
/// the preview has focus, else the one under the list cursor; a count (`3d`) takes that many
/// rows from the cursor down. A folded thread's row stands for every message of the thread.
pub(super) fn targets(app: &mut App) -> Vec<u32> {
    if let Some(n) = app.target_count.take() {
        if app.visual.is_none() && n > 1 {
            let start = app.list.cursor;
            return (start..start + n)
                .flat_map(|r| app.list.row_uids(r))
                .collect();
        }
    }
    app.follow_visual();
    if let Some(anchor) = app.visual_row() {
        let (a, b) = (anchor.min(app.list.cursor), anchor.max(app.list.cursor));
        return (a..=b).flat_map(|r| app.list.row_uids(r)).collect();
    }
    if app.focus == Pane::Preview {
        if let Some((a, f, uid)) = &app.preview.target {
            if *a == app.list.account && *f == app.list.folder {
                return vec![*uid];
            }
        }
    }
    app.list.row_uids(app.list.cursor)
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

/// Move a folder's counts by what an action changed, in the store and the tree: O(1), never a
/// recount of the folder.
pub(super) fn add_counts(app: &mut App, account: &str, folder: &str, d: CountDelta) {
    if d.is_zero() {
        return;
    }
    if let Some(Some(f)) = report(app, app.store.add_counts(account, folder, d)) {
        if let Some(t) = app.tree.get_mut(account, folder) {
            t.unread = f.unread;
            t.total = f.total;
        }
    }
}

/// Store the new counts of a folder in the tree, counted again from every message of the
/// folder (for small folders; actions move counts with `add_counts`).
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

/// The journal entries of one action (each with the Message-ID of its message, if needed),
/// written with one flush, and one `ReplayJournal`.
pub(super) fn journal_many(
    app: &mut App,
    account: &str,
    ops: Vec<(JournalOp, Option<String>)>,
    out: &mut Vec<Command>,
) {
    if ops.is_empty() {
        return;
    }
    let entries = ops
        .into_iter()
        .map(|(op, id)| (account.to_string(), op, id))
        .collect();
    if report(app, app.store.journal_append_many(entries)).is_some() {
        replay_asked(app, account, out);
    }
}

fn replay_asked(app: &mut App, account: &str, out: &mut Vec<Command>) {
    app.status.pending = app.store.journal_len();
    let cmd = Command::ReplayJournal {
        account: account.to_string(),
    };
    if !out.contains(&cmd) {
        out.push(cmd);
    }
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
        replay_asked(app, account, out);
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

/// Set, clear (`on`) or toggle (`None`: on unless every message has it) a flag on messages of
/// the open folder; `undoable`
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
    // Toggling several (a selection, a folded thread): set the flag on all unless all have it.
    let on = on.unwrap_or_else(|| {
        !uids
            .iter()
            .filter_map(|u| app.list.get(*u))
            .all(|e| e.flags.has(bit))
    });
    let mut changes = Vec::new();
    let mut ops = Vec::new();
    let mut delta = CountDelta::default();
    let mut list_flags = Vec::new();
    // The journal first (one flush for the whole selection), then the store: a sync that reads
    // a message's flags after the store changed then finds the entry that protects it.
    let mut wanted = Vec::new();
    for &uid in uids {
        let Some(shown) = app.list.get(uid).map(|e| e.flags) else {
            continue;
        };
        let new = shown.with(bit, on);
        if shown == new {
            continue;
        }
        let env = match report(app, app.store.envelope(&account, &folder, uid)) {
            Some(Some(e)) => e,
            Some(None) => continue,
            None => break,
        };
        // Only a local UID needs the Message-ID to be found on the server.
        let message_id = if uid >= crate::store::LOCAL_UID_BASE {
            env.message_id
        } else {
            None
        };
        // The change the user made: the one flag, whatever else the store has meanwhile.
        ops.push((
            JournalOp::SetFlags {
                folder: folder.clone(),
                uid,
                old: shown,
                new,
            },
            message_id,
        ));
        wanted.push(uid);
    }
    journal_many(app, &account, ops, out);
    for uid in wanted {
        let Some(shown) = app.list.get(uid).map(|e| e.flags) else {
            continue;
        };
        let new = shown.with(bit, on);
        let old = match report(app, app.store.set_flags(&account, &folder, uid, new)) {
            Some(Some(old)) => old,
            Some(None) => continue,
            None => break,
        };
        list_flags.push((uid, new));
        delta += CountDelta::flags(old, new);
        changes.push((uid, old));
    }
    app.list_flags(&account, &folder, &list_flags);
    add_counts(app, &account, &folder, delta);
    if !changes.is_empty() {
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
    // Journal entries (one flush), envelopes, bodies and removals: a few batches in all.
    let Some(done) = report(
        app,
        app.store.transfer_messages(account, from, uids, dest, copy),
    ) else {
        return Vec::new();
    };
    if !done.is_empty() {
        replay_asked(app, account, out);
    }
    let (mut d_from, mut d_dest) = (CountDelta::default(), CountDelta::default());
    for m in &done {
        d_dest += CountDelta::message(m.flags, 1);
        if !copy {
            d_from += CountDelta::message(m.flags, -1);
        }
    }
    add_counts(app, account, from, d_from);
    add_counts(app, account, dest, d_dest);
    if !copy {
        let gone: Vec<u32> = done.iter().map(|m| m.uid).collect();
        app.list_removed(account, from, &gone);
        if gone
            .iter()
            .any(|u| app.preview.is_showing(account, from, *u))
        {
            app.preview.clear();
            app.focus = Pane::List;
        }
    }
    let arrived: Vec<u32> = done.iter().map(|m| m.local_uid).collect();
    app.list_added(account, dest, &arrived);
    app.list.scroll_into_view(app.list_height());
    let moved: Vec<(u32, Option<String>)> = done
        .into_iter()
        .map(|m| (m.local_uid, m.message_id))
        .collect();
    let n = moved.len();
    let verb = if copy { "copied" } else { "moved" };
    app.status.info = Some(format!(
        "{verb} {n} message{} to {dest} (u undoes)",
        plural(n)
    ));
    if undoable && n > 0 {
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
            let ops: Vec<(JournalOp, Option<String>)> = uids
                .iter()
                .map(|uid| (expunge_op(app, &account, &folder, *uid), None))
                .collect();
            let flags = report(app, app.store.remove_messages(&account, &folder, &uids))
                .unwrap_or_default();
            app.list_removed(&account, &folder, &uids);
            if uids
                .iter()
                .any(|u| app.preview.is_showing(&account, &folder, *u))
            {
                app.preview.clear();
                app.focus = Pane::List;
            }
            journal_many(app, &account, ops, out);
            let mut d = CountDelta::default();
            for f in flags {
                d += CountDelta::message(f, -1);
            }
            add_counts(app, &account, &folder, d);
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
    match &entry.op {
        JournalOp::SetFlags {
            folder, uid, old, ..
        } => {
            if let Some(Some(now)) = report(app, app.store.set_flags(account, folder, *uid, *old)) {
                add_counts(app, account, folder, CountDelta::flags(now, *old));
                app.list_flags(account, folder, &[(*uid, *old)]);
            }
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
                add_counts(app, account, from, CountDelta::message(env.flags, 1));
                if let Some(Some(f)) =
                    report(app, app.store.remove_message(account, to, *local_uid))
                {
                    add_counts(app, account, to, CountDelta::message(f, -1));
                }
                app.list_removed(account, to, &[*local_uid]);
                app.list_added(account, from, &[*uid]);
            }
        }
        JournalOp::Copy { to, local_uid, .. } => {
            if let Some(Some(f)) = report(app, app.store.remove_message(account, to, *local_uid)) {
                add_counts(app, account, to, CountDelta::message(f, -1));
            }
            app.list_removed(account, to, &[*local_uid]);
        }
        // The message is gone locally; the next sync brings it back if the server kept it.
        JournalOp::Expunge { .. } | JournalOp::ExpungeId { .. } => {}
        // A copy the server would not take (a sent message for Sent): the copy here is the only
        // one, so it stays; the error says what happened.
        JournalOp::Append { .. } => {}
        op @ (JournalOp::CreateFolder { .. }
        | JournalOp::DeleteFolder { .. }
        | JournalOp::RenameFolder { .. }) => {
            super::folderops::revert(app, account, op);
        }
    }
    app.list.scroll_into_view(app.list_height());
}
