//! Journal entries: actions the user made that the server has not confirmed yet.

use serde::{Deserialize, Serialize};

use crate::mail::Flags;

/// One user action, with enough to replay it to the server and to revert it locally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JournalOp {
    /// Flags of `uid` in `folder` changed from `old` to `new`.
    SetFlags {
        folder: String,
        uid: u32,
        old: Flags,
        new: Flags,
    },
    /// Moved from `from`/`uid` to `to`, where it sits locally as `local_uid` until the server says.
    Move {
        from: String,
        uid: u32,
        to: String,
        local_uid: u32,
    },
    /// Copied to `to`, held locally as `local_uid`.
    Copy {
        from: String,
        uid: u32,
        to: String,
        local_uid: u32,
    },
    /// Deleted for good (\Deleted and expunged).
    Expunge {
        folder: String,
        uid: u32,
    },
    // Folder operations (new variants go at the end: stored entries keep their encoding).
    CreateFolder {
        path: String,
    },
    DeleteFolder {
        path: String,
    },
    RenameFolder {
        from: String,
        to: String,
    },
    /// Deleted for good a message known here only by a local UID (moved there offline): found
    /// on the server by its Message-ID.
    ExpungeId {
        folder: String,
        message_id: String,
    },
    /// Saves a message into `folder` (schema 3): the copy of a sent message for Sent, a
    /// postponed draft for Drafts. It shows there at once as `local_uid`; on the server it is
    /// APPENDed with `flags`, unless the folder already holds its Message-ID (an earlier run
    /// did it), so it is never saved twice.
    Append {
        folder: String,
        local_uid: u32,
        flags: Flags,
        message: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub id: u64,
    pub account: String,
    pub op: JournalOp,
    /// When it was made (Unix seconds).
    pub created: i64,
    /// The Message-ID of the message it acts on, when known: finds the message on the server
    /// when tmail only has a local UID for it (schema 2).
    pub message_id: Option<String>,
}

/// How schema 1 stored an entry (before `message_id`), for the migration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct JournalEntryV1 {
    pub id: u64,
    pub account: String,
    pub op: JournalOp,
    pub created: i64,
}

impl JournalOp {
    /// A short description for the status line.
    pub fn describe(&self) -> String {
        match self {
            JournalOp::SetFlags {
                folder, uid, new, ..
            } => {
                format!("set flags of message {uid} in {folder} to {:?}", new)
            }
            JournalOp::Move { from, uid, to, .. } => {
                format!("move message {uid} from {from} to {to}")
            }
            JournalOp::Copy { from, uid, to, .. } => {
                format!("copy message {uid} from {from} to {to}")
            }
            JournalOp::Expunge { folder, uid } => format!("delete message {uid} in {folder}"),
            JournalOp::CreateFolder { path } => format!("create folder {path}"),
            JournalOp::DeleteFolder { path } => format!("delete folder {path}"),
            JournalOp::RenameFolder { from, to } => format!("rename folder {from} to {to}"),
            JournalOp::ExpungeId { folder, message_id } => {
                format!("delete message <{message_id}> in {folder}")
            }
            JournalOp::Append { folder, .. } => format!("save a message to {folder}"),
        }
    }
}
