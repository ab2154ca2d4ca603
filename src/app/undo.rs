//! Undo (`u`): the last action, when it can be taken back (a move, a delete to Trash, a copy, a
//! flag change), by new journaled actions (so an undo made offline reaches the server too).
//! An action that cannot be undone (deleting for good, folder changes) leaves a barrier: `u`
//! then says so and changes nothing, rather than reaching past it to something older.

use super::mailops::{report, set_flags_of, transfer_uids};
use super::{App, Command, Pane};
use crate::mail::Flags;
use crate::store::CountDelta;

/// How many actions `u` can walk back.
const DEPTH: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UndoRecord {
    /// Flags of these messages were `old` before.
    Flags {
        account: String,
        folder: String,
        changes: Vec<(u32, Flags)>,
    },
    /// Messages now in `to` (local UID and Message-ID at the time) came from `from`.
    Moved {
        account: String,
        from: String,
        to: String,
        moved: Vec<(u32, Option<String>)>,
        copy: bool,
    },
    /// The last action cannot be undone (`what` says which, for the status line).
    Barrier { what: String },
    /// A message was sent: while it waits in the Outbox, `u` takes it back into the composer.
    Sent { account: String, id: u64 },
}

impl App {
    pub(super) fn remember(&mut self, r: UndoRecord) {
        self.undo.push(r);
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
    }

    /// Show `account/folder` in the list (opening it if another is open) with the cursor on the
    /// first of `uids` that is there.
    fn land_on(&mut self, account: &str, folder: &str, uids: &[u32], out: &mut Vec<Command>) {
        if self.list.account != account || self.list.folder != folder {
            out.extend(self.open_folder(account, folder));
        }
        if uids.iter().any(|u| self.list.select_uid(*u)) {
            self.focus = Pane::List;
        } else if let Some(&uid) = uids.first().filter(|_| self.background.loading()) {
            // not listed until the load in flight lands
            self.list.want_at(super::list::Target::Uid(uid));
            self.focus = Pane::List;
        }
        // selecting may have unfolded a thread: the hits shown moved
        super::search::reindex(self);
        self.list.scroll_into_view(self.list_height());
    }

    /// `u`: take back the last action.
    pub(super) fn undo_last(&mut self, out: &mut Vec<Command>) {
        if let Some(UndoRecord::Barrier { what }) = self.undo.last() {
            self.status.info = Some(format!(
                "cannot undo: {what} cannot be undone (nothing changed)"
            ));
            return;
        }
        let Some(record) = self.undo.pop() else {
            self.status.info = Some("nothing to undo".into());
            return;
        };
        match record {
            UndoRecord::Barrier { .. } => {}
            UndoRecord::Sent { id, .. } => {
                if !self.take_back(id) {
                    // Gone out already: nothing to take back, and nothing older is undone.
                    self.remember(UndoRecord::Barrier {
                        what: "sending a message".into(),
                    });
                }
            }
            UndoRecord::Flags {
                account,
                folder,
                changes,
            } => {
                let uids: Vec<u32> = changes.iter().map(|(u, _)| *u).collect();
                self.land_on(&account, &folder, &uids, out);
                // Grouped by flag and value: one journal write per group, not per message.
                for bit in [Flags::SEEN, Flags::FLAGGED, Flags::ANSWERED, Flags::DRAFT] {
                    for value in [true, false] {
                        let group: Vec<u32> = changes
                            .iter()
                            .filter(|(uid, old)| {
                                old.has(bit) == value
                                    && self
                                        .list
                                        .get(*uid)
                                        .is_some_and(|e| e.flags.has(bit) != value)
                            })
                            .map(|(uid, _)| *uid)
                            .collect();
                        if !group.is_empty() {
                            // not remembered: an undo is not itself undone by `u`
                            set_flags_of(self, &group, bit, Some(value), out, false);
                        }
                    }
                }
                self.status.info = Some("undid the flag change".into());
            }
            UndoRecord::Moved {
                account,
                from,
                to,
                moved,
                copy,
            } => {
                // Find each message where it is now: its local UID, or (after a sync gave it the
                // server's UID) its Message-ID — looked up in the folder only for those.
                let mut uids = Vec::with_capacity(moved.len());
                let mut by_id = Vec::new();
                for (local, id) in &moved {
                    match self.store.envelope(&account, &to, *local) {
                        Ok(Some(_)) => uids.push(*local),
                        _ => by_id.extend(id.clone()),
                    }
                }
                if !by_id.is_empty() {
                    let mut wanted: std::collections::HashSet<String> = by_id.into_iter().collect();
                    // newest first: the server's copies are the folder's newest messages
                    let r = self
                        .store
                        .scan_envelope_refs_newest_first(&account, &to, &mut |e| {
                            if e.message_id.is_some_and(|id| wanted.remove(id)) {
                                uids.push(e.uid);
                            }
                            !wanted.is_empty()
                        });
                    report(self, r);
                }
                if uids.is_empty() {
                    self.status.error =
                        Some(format!("cannot undo: the messages are no longer in {to}"));
                    return;
                }
                if copy {
                    let ops = uids
                        .iter()
                        .map(|uid| (super::mailops::expunge_op(self, &account, &to, *uid), None))
                        .collect();
                    let flags = report(self, self.store.remove_messages(&account, &to, &uids))
                        .unwrap_or_default();
                    super::mailops::journal_many(self, &account, ops, out);
                    let mut d = CountDelta::default();
                    for f in flags {
                        d += CountDelta::message(f, -1);
                    }
                    super::mailops::add_counts(self, &account, &to, d);
                    self.list_removed(&account, &to, &uids);
                    self.status.info = Some(format!("undid the copy to {to}"));
                } else {
                    let back = transfer_uids(self, &account, &to, &uids, &from, false, out, false);
                    let restored: Vec<u32> = back.iter().map(|(u, _)| *u).collect();
                    self.land_on(&account, &from, &restored, out);
                    let n = back.len();
                    self.status.info = Some(format!(
                        "undid: {n} message{} back in {from}",
                        if n == 1 { "" } else { "s" }
                    ));
                }
            }
        }
    }
}
