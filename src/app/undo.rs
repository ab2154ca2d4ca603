//! Undo (`u`): the last moves, deletes to Trash and flag changes, taken back by new journaled
//! actions (so an undo made offline reaches the server too). Deleting for good is not undoable;
//! that is why it asks first.

use super::mailops::{report, set_flags_of, transfer_uids};
use super::{App, Command};
use crate::mail::Flags;

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
}

impl App {
    pub(super) fn remember(&mut self, r: UndoRecord) {
        self.undo.push(r);
        if self.undo.len() > DEPTH {
            self.undo.remove(0);
        }
    }

    /// `u`: take back the last action.
    pub(super) fn undo_last(&mut self, out: &mut Vec<Command>) {
        let Some(record) = self.undo.pop() else {
            self.status.info = Some("nothing to undo".into());
            return;
        };
        match record {
            UndoRecord::Flags {
                account,
                folder,
                changes,
            } => {
                if self.list.account != account || self.list.folder != folder {
                    let cmds = self.open_folder(&account, &folder);
                    out.extend(cmds);
                }
                let depth = self.undo.len();
                for (uid, old) in changes {
                    let Some(now) = self
                        .list
                        .envelopes
                        .iter()
                        .find(|e| e.uid == uid)
                        .map(|e| e.flags)
                    else {
                        continue;
                    };
                    for bit in [Flags::SEEN, Flags::FLAGGED, Flags::ANSWERED, Flags::DRAFT] {
                        if now.has(bit) != old.has(bit) {
                            set_flags_of(self, &[uid], bit, Some(old.has(bit)), out);
                        }
                    }
                }
                // those calls remembered themselves: an undo is not itself undone by `u`
                self.undo.truncate(depth);
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
                // server's UID) its Message-ID.
                let here = report(self, self.store.envelopes(&account, &to)).unwrap_or_default();
                let uids: Vec<u32> = moved
                    .iter()
                    .filter_map(|(local, id)| {
                        here.iter()
                            .find(|e| e.uid == *local || (id.is_some() && e.message_id == *id))
                            .map(|e| e.uid)
                    })
                    .collect();
                if uids.is_empty() {
                    self.status.error =
                        Some(format!("cannot undo: the messages are no longer in {to}"));
                    return;
                }
                if copy {
                    for uid in &uids {
                        let op = super::mailops::expunge_op(self, &account, &to, *uid);
                        report(self, self.store.remove_message(&account, &to, *uid));
                        super::mailops::journal(self, &account, op, out);
                    }
                    super::mailops::refresh_counts(self, &account, &to);
                    if self.list.account == account && self.list.folder == to {
                        self.reload_list();
                    }
                    self.status.info = Some(format!("undid the copy to {to}"));
                } else {
                    let n = transfer_uids(self, &account, &to, &uids, &from, false, out, false);
                    self.status.info = Some(format!(
                        "undid: {n} message{} back in {from}",
                        if n == 1 { "" } else { "s" }
                    ));
                }
            }
        }
    }
}
