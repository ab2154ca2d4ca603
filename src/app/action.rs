//! The messages of the event loop: `Action`s into `App::update`, `Command`s out to the account
//! workers, and the `Event`s workers send back.

use crossterm::event::KeyEvent;

use super::registry::Op;
use crate::store::JournalEntry;

/// Everything that can change the app's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A key from the terminal, resolved through the keymap by the app.
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// Run a registry command directly.
    Run {
        op: Op,
        count: Option<u32>,
        arg: Option<String>,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// Something a worker reports.
    Worker(Event),
    /// A deadline the app asked for (`App::next_wakeup`) passed: an autosave.
    Timer,
    /// $EDITOR ended (`ok`: it exited 0); `path` holds the text it was given.
    EditorDone {
        path: std::path::PathBuf,
        ok: bool,
        message: Option<String>,
    },
    /// Sent once after the first screen is drawn: finish what start-up left for later (the
    /// rest of a big folder whose newest rows were read first).
    Deferred,
}

/// Work for an account's worker. Workers own every socket and write the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Fetch a body that is not cached yet.
    FetchBody {
        account: String,
        folder: String,
        uid: u32,
    },
    /// Replay the account's journal to the server.
    ReplayJournal {
        account: String,
    },
    /// Bring one folder up to date now.
    SyncFolder {
        account: String,
        folder: String,
    },
    /// Check the whole account now.
    SyncAll {
        account: String,
    },
    /// Search a folder on the server (IMAP SEARCH criteria and the user's query for messages).
    ServerSearch {
        account: String,
        folder: String,
        query: String,
    },
    /// The password the user typed at the prompt (accounts without password_command).
    Password {
        account: String,
        password: crate::backend::secret::Secret,
    },
    /// The user opened this folder (workers watch it for changes).
    FolderOpened {
        account: String,
        folder: String,
    },
    /// Look at the account's outbox now (a message was sent, taken back, or is to be retried):
    /// goes to the account's SMTP worker.
    SendOutbox {
        account: String,
    },
    /// Start a program on a file (a part, a link's page, the HTML part) without a shell, not
    /// waiting for it; `what` names it in the status line when it ends. Local service.
    Open {
        argv: Vec<std::ffi::OsString>,
        what: String,
    },
    /// Run a command the user typed (through `sh -c`) with `input` on its stdin: a part's
    /// bytes or a raw message. Its output, summed up, comes back. Local service.
    Pipe {
        command: String,
        input: Vec<u8>,
    },
    /// Put `text` on the clipboard with the configured `copy_command` (its words, no shell).
    /// Local service.
    Copy {
        command: crate::external::CommandTemplate,
        text: String,
        what: String,
    },
    /// Whole-folder work for the job worker, off the UI thread (see `app::jobs`).
    Job(super::jobs::Job),
    Shutdown,
}

/// Which of an account's workers a command is for: each service has its own task, so a send
/// never waits behind a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// The mail store's server: IMAP or POP3 (or the demo).
    Mail,
    /// Sending: SMTP.
    Smtp,
    /// Programs run on this machine for the user (open, pipe, copy): never an account's.
    Local,
}

impl Command {
    pub fn account(&self) -> Option<&str> {
        match self {
            Command::FetchBody { account, .. }
            | Command::ReplayJournal { account }
            | Command::SyncFolder { account, .. }
            | Command::SyncAll { account }
            | Command::FolderOpened { account, .. }
            | Command::ServerSearch { account, .. }
            | Command::SendOutbox { account }
            | Command::Password { account, .. } => Some(account),
            Command::Open { .. }
            | Command::Pipe { .. }
            | Command::Copy { .. }
            | Command::Job(_)
            | Command::Shutdown => None,
        }
    }

    /// The service whose worker takes this command.
    pub fn service(&self) -> Service {
        match self {
            Command::SendOutbox { .. } => Service::Smtp,
            Command::Open { .. } | Command::Pipe { .. } | Command::Copy { .. } => Service::Local,
            _ => Service::Mail,
        }
    }
}

/// What a worker tells the app, after it has written the store.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The folder list of an account changed.
    FoldersChanged {
        account: String,
    },
    /// Envelopes or counts of a folder changed (what changed is not said: the open list is
    /// read again, in the background).
    FolderChanged {
        account: String,
        folder: String,
    },
    /// These messages of a folder changed in the store (a sync says what it wrote): the open
    /// list merges them instead of reading the folder again; the folder's counts are re-read.
    MessagesChanged {
        account: String,
        folder: String,
        added: Vec<u32>,
        removed: Vec<u32>,
        flags: Vec<(u32, crate::mail::Flags)>,
    },
    /// A job's result (see `app::jobs`).
    Job(super::jobs::JobResult),
    BodyReady {
        account: String,
        folder: String,
        uid: u32,
    },
    BodyFailed {
        account: String,
        folder: String,
        uid: u32,
        error: String,
    },
    /// Journal entries were confirmed by the server.
    JournalApplied {
        account: String,
    },
    /// The server refused an entry for good: revert it in the store and tell the user.
    JournalFailed {
        entry: JournalEntry,
        error: String,
    },
    Online {
        account: String,
        online: bool,
    },
    Status {
        account: String,
        text: String,
    },
    /// The account has no password_command: ask the user (`prompt` says for what).
    NeedPassword {
        account: String,
        prompt: String,
    },
    /// Results of a server search: these UIDs of the folder match (their envelopes are stored).
    SearchResults {
        account: String,
        folder: String,
        query: String,
        uids: Vec<u32>,
        local: bool,
    },
    /// New unseen mail arrived in a folder (the newest one's sender and subject for the notice).
    NewMail {
        account: String,
        folder: String,
        count: usize,
        from: String,
        subject: String,
        bell: bool,
    },
    Error {
        account: String,
        text: String,
    },
    /// The account's outbox changed (a message queued, taken, sent, failed): the count in the
    /// folder tree and the Outbox listing follow.
    OutboxChanged {
        account: String,
    },
    /// A message went out: the server took it. Its copy for Sent (and the flag on the message
    /// it answers) are in the journal, so the app asks the mail worker to replay it.
    Sent {
        account: String,
        /// Outbox record id.
        id: u64,
        subject: String,
        /// The first recipient, for the status line.
        to: String,
    },
    /// A program tmail ran for the user (open, pipe, copy) ended: what it said, for the
    /// status line (`error`: it failed).
    External {
        text: String,
        error: bool,
    },
    /// Sending failed: `permanent` when the server refused it for good (kept in the Outbox with
    /// the reason), else it is retried later. `reason`: the server's words.
    SendFailed {
        account: String,
        id: u64,
        reason: String,
        permanent: bool,
    },
}
