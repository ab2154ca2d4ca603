//! App state and `App::update`, the only place state changes. Actions come in (keys, worker
//! events, resizes); state changes; `Command`s go out to the account workers.

pub mod action;
mod cmdline;
pub mod compose;
pub mod composer_ops;
mod folderops;
pub mod folders;
pub mod jobs;
pub mod keys;
pub mod list;
mod mailops;
mod navigation;
pub mod picker;
pub mod preview;
pub mod reading;
mod refresh;
pub mod registry;
mod search;
#[cfg(test)]
pub(crate) mod testing;
pub mod undo;

pub use action::{Action, Command, Event};
pub use cmdline::{Completion, History, LineInput};
pub use folders::{FolderTree, TreeRow};
pub use list::{Loaded, MessageList};
pub use preview::Preview;
pub use refresh::Background;
pub use search::Search;

use std::path::PathBuf;

use crate::config::{Layout, UiSettings};
use crate::input::{Key, Keymap};
use crate::mail::Role;
use crate::store::Store;
use crate::ui::theme::Theme;

/// The pane that has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Folders,
    List,
    Preview,
}

/// What the keyboard is doing besides navigating.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    /// The `:` command line.
    Command(LineInput),
    /// The `/` search prompt.
    Search(LineInput),
    /// The `?` help overlay, scrolled by this many lines.
    Help {
        scroll: usize,
    },
    /// A yes/no question before something that cannot be undone.
    Confirm {
        prompt: String,
        on_yes: Confirmed,
    },
    /// Choosing a folder with fuzzy filtering (for move, copy or opening).
    Picker(picker::Picker),
    /// A list to pick from (the parts of a message, its links, what to copy).
    Menu(reading::Menu),
    /// Asking an account's password (shown masked; it goes to the worker and nowhere else).
    Password {
        account: String,
        prompt: String,
        input: LineInput,
    },
}

/// What a confirmation unlocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirmed {
    Expunge {
        account: String,
        folder: String,
        uids: Vec<u32>,
    },
    DeleteFolder {
        account: String,
        path: String,
    },
    /// Throw away the message being written.
    DiscardMessage,
    /// Quit although a message is being written (it is kept and comes back).
    QuitWhileWriting,
    /// Save the chosen part over the file at `path`.
    Overwrite {
        path: String,
    },
    /// Throw away an Outbox message instead of sending it.
    DropOutbox {
        id: u64,
    },
    /// Send the message being written although it has no subject.
    SendAnyway,
}

/// The status line's messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    pub info: Option<String>,
    pub error: Option<String>,
    /// Per-account connection state, shown as online/offline.
    pub online: Vec<(String, bool)>,
    /// Journal entries not yet confirmed by a server.
    pub pending: usize,
}

/// Where a visual selection started: the message, and the row that showed it when last looked
/// at (`App::follow_visual`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub uid: u32,
    pub row: usize,
}

/// Everything the screen shows and the keyboard changes.
pub struct App {
    pub store: Store,
    pub tree: FolderTree,
    pub list: MessageList,
    pub preview: Preview,
    pub search: Search,
    pub focus: Pane,
    pub mode: Mode,
    pub status: Status,
    pub keymap: Keymap,
    /// Keys typed so far of a multi-key binding (`g` of `gg`).
    pub pending_keys: Vec<Key>,
    /// Tab completion in progress on the `:` line (the wildmenu shows it).
    pub completion: Option<Completion>,
    /// What was typed on the `:` and `/` lines, for Up/Down; kept across runs.
    pub history: History,
    /// A count typed before a command (`5j`).
    pub count: Option<u32>,
    /// Visual selection in the list: the message where `v` was pressed (the cursor is the other
    /// end), kept on that message while the rows move (see `follow_visual`).
    pub visual: Option<Anchor>,
    /// What `u` can take back, newest last.
    pub undo: Vec<undo::UndoRecord>,
    /// The count typed before a message action (`3d`): it acts on that many messages from the
    /// cursor down. Set by `run`, taken by the action.
    pub target_count: Option<usize>,
    pub theme: Theme,
    pub theme_dir: Option<PathBuf>,
    /// What colours the terminal takes (themes are loaded for it).
    pub colors: crate::ui::theme::ColorSupport,
    pub layout: Layout,
    pub show_preview: bool,
    /// Each account's own addresses, lowercased: mail from them is shown by its recipient.
    pub own_addresses: std::collections::HashMap<String, Vec<String>>,
    /// What each account brings to writing mail (identities, signature, send delay, server).
    pub compose_settings: std::collections::HashMap<String, compose::ComposeSettings>,
    /// The message being written, if any: it has the keyboard while open.
    pub composer: Option<compose::Composer>,
    /// Where the composer opens (`[ui] compose`).
    pub compose_in: crate::config::ComposeIn,
    /// `edit` opens the whole message with its headers (`[ui] edit_headers`).
    pub edit_headers: bool,
    /// A reply or forward waiting for the body of the message it answers.
    pub pending_answer: Option<(composer_ops::Opening, String, String, u32)>,
    /// Addresses for completion in the composer, built when first needed.
    pub address_book: Option<Vec<String>>,
    /// The Outbox records listed when the Outbox is open: list uid `n` is `outbox_ids[n-1]`.
    pub outbox_ids: Vec<u64>,
    /// $EDITOR to run (the event loop does it, with the screen suspended).
    pub editor: Option<composer_ops::EditRequest>,
    /// A private directory for files handed to other programs ($EDITOR, viewers).
    pub scratch: Option<crate::files::Scratch>,
    /// Where parts are saved, what opens them, what copies.
    pub reading: reading::ReadingSettings,
    /// The parts list a `:save` or `:pipe` prompt answers for (kept while the prompt is open).
    pub parts_menu: Option<reading::Menu>,
    /// Bytes for the terminal itself (an OSC 52 clipboard write), sent with the next frame.
    pub terminal_out: Vec<String>,
    /// The store goes when tmail ends (the demo): nothing is kept for a next run.
    pub ephemeral: bool,
    /// The user said yes to sending without a subject.
    pub send_anyway: bool,
    /// The user's choice for the folder pane (`B`); `None`: shown when the terminal is wide.
    pub show_folders: Option<bool>,
    pub date_format: String,
    /// Terminal size in cells.
    pub size: (u16, u16),
    /// Something changed since the last draw.
    pub dirty: bool,
    /// The whole screen must be repainted (after `redraw` or a resume).
    pub full_redraw: bool,
    /// Ring the terminal bell at the next draw (new mail, if the account asks for it).
    pub bell: bool,
    /// Read only this many newest rows when a folder opens (the job worker reads the rest), so
    /// a huge folder shows at once. `None`: folders are read whole, inline (tests).
    pub first_paint: Option<usize>,
    /// Whole-folder work in flight and how it runs (see `refresh`).
    pub background: Background,
    /// The list holds only the newest rows of its folder so far.
    pub list_partial: bool,
    /// The user asked to suspend to the shell (Ctrl-Z); the event loop does it.
    pub suspend: bool,
    pub quit: bool,
}

/// How the app is put together at start-up.
pub struct AppSetup {
    pub store: Store,
    pub accounts: Vec<String>,
    /// Each account's own addresses (its address and identities): mail from them shows its
    /// recipient in the list.
    pub own_addresses: std::collections::HashMap<String, Vec<String>>,
    /// What each account brings to writing mail.
    pub compose: std::collections::HashMap<String, compose::ComposeSettings>,
    /// Where parts are saved, what opens them, what copies.
    pub reading: reading::ReadingSettings,
    pub default_account: Option<String>,
    pub ui: UiSettings,
    pub keymap: Keymap,
    pub theme: Theme,
    pub theme_dir: Option<PathBuf>,
    /// What colours the terminal takes (themes are loaded for it).
    pub colors: crate::ui::theme::ColorSupport,
    pub size: (u16, u16),
    /// Where the `:` and `/` history is kept (None: not kept, as in tests).
    pub history_file: Option<PathBuf>,
    /// See `App::first_paint` (None: read whole folders at once, as tests do).
    pub first_paint: Option<usize>,
}

impl App {
    /// Build the app from the store (no network): cached folders and the default INBOX show at once.
    pub fn new(setup: AppSetup) -> (App, Vec<Command>) {
        let mut app = App {
            store: setup.store,
            tree: FolderTree::new(setup.accounts.clone()),
            list: MessageList {
                threaded: setup.ui.threading,
                ..Default::default()
            },
            preview: Preview::with_dates(crate::mail::render::DateStyle {
                format: setup.ui.date_format.clone(),
                zone: None,
            }),
            search: Search::default(),
            focus: Pane::List,
            mode: Mode::Normal,
            status: Status {
                online: setup.accounts.iter().map(|a| (a.clone(), false)).collect(),
                ..Default::default()
            },
            keymap: setup.keymap,
            pending_keys: Vec::new(),
            count: None,
            completion: None,
            history: History::load(setup.history_file.clone()),
            visual: None,
            undo: Vec::new(),
            target_count: None,
            theme: setup.theme,
            theme_dir: setup.theme_dir,
            colors: setup.colors,
            layout: setup.ui.layout,
            show_preview: true,
            show_folders: None,
            own_addresses: setup.own_addresses.clone(),
            compose_settings: setup.compose.clone(),
            composer: None,
            compose_in: setup.ui.compose,
            edit_headers: setup.ui.edit_headers,
            pending_answer: None,
            address_book: None,
            outbox_ids: Vec::new(),
            editor: None,
            scratch: None,
            reading: setup.reading.clone(),
            parts_menu: None,
            terminal_out: Vec::new(),
            ephemeral: false,
            send_anyway: false,
            date_format: setup.ui.date_format,
            size: setup.size,
            dirty: true,
            full_redraw: false,
            suspend: false,
            bell: false,
            first_paint: setup.first_paint,
            background: Background::new(setup.first_paint.is_some()),
            list_partial: false,
            quit: false,
        };
        for account in &setup.accounts {
            app.reload_folders(account);
        }
        app.status.pending = app.store.journal_len();
        let mut cmds = Vec::new();
        let start = setup
            .default_account
            .or_else(|| setup.accounts.first().cloned());
        if let Some(account) = start {
            let inbox = app
                .tree
                .with_role(&account, Role::Inbox)
                .or_else(|| {
                    app.tree
                        .folders
                        .iter()
                        .find(|f| f.account == account && f.selectable)
                })
                .map(|f| f.path.clone());
            if let Some(path) = inbox {
                cmds.extend(app.open_folder(&account, &path));
            } else {
                app.focus = Pane::Folders;
            }
        }
        for account in &setup.accounts {
            if app
                .store
                .journal(Some(account))
                .is_ok_and(|j| !j.is_empty())
            {
                cmds.push(Command::ReplayJournal {
                    account: account.clone(),
                });
            }
            // Mail waiting in the Outbox goes on (or, interrupted mid-send, waits for the user).
            if app.store.outbox(Some(account)).is_ok_and(|o| !o.is_empty()) {
                cmds.push(Command::SendOutbox {
                    account: account.clone(),
                });
            }
        }
        app.recover_composer();
        cmds.append(&mut app.background.queue);
        (app, cmds)
    }

    /// Apply one action; return the work it asks of the workers.
    pub fn update(&mut self, action: Action) -> Vec<Command> {
        let mut out = Vec::new();
        match action {
            Action::Key(ev) => {
                self.status.info = None;
                self.status.error = None;
                keys::on_key(self, ev, &mut out);
            }
            Action::Paste(text) => keys::on_paste(self, &text),
            Action::Timer => self.on_timer(),
            Action::EditorDone { path, ok, message } => self.edited(&path, ok, message),
            Action::Run { op, count, arg } => self.run(op, count, arg, &mut out),
            Action::Resize { width, height } => {
                self.size = (width, height);
                self.list.scroll_into_view(self.list_height());
                self.rerender_preview();
            }
            Action::Worker(ev) => self.on_event(ev, &mut out),
            Action::Deferred => {
                if self.list_partial && !self.background.enabled {
                    self.reload_list();
                }
            }
        }
        self.follow_visual();
        // Jobs asked for while updating go out with the commands.
        out.append(&mut self.background.queue);
        self.dirty = true;
        out
    }

    fn on_event(&mut self, ev: Event, out: &mut Vec<Command>) {
        match ev {
            Event::FoldersChanged { account } => {
                self.reload_folders(&account);
                // First start with an empty cache: open the INBOX as soon as the server listed it.
                if !self.list.is_open() {
                    if let Some(inbox) = self.account_role_folder(&account, Role::Inbox) {
                        out.extend(self.open_folder(&account, &inbox));
                    }
                }
            }
            Event::FolderChanged { account, folder } => {
                self.refresh_folder(&account, &folder);
                if self.list.account == account && self.list.folder == folder {
                    self.reload_list();
                }
            }
            ev @ Event::MessagesChanged { .. } => self.messages_changed(ev),
            Event::Job(r) => self.on_job(r),
            Event::BodyReady {
                account,
                folder,
                uid,
            } => {
                if self.preview.is_showing(&account, &folder, uid) {
                    self.load_preview_body();
                }
                self.answer_ready(&account, &folder, uid);
            }
            Event::BodyFailed {
                account,
                folder,
                uid,
                error,
            } => {
                if self.preview.is_showing(&account, &folder, uid) {
                    let envelope = self.store.envelope(&account, &folder, uid).ok().flatten();
                    let width = self.preview_size().0;
                    self.preview
                        .set_error_with(&error, envelope.as_ref(), width);
                }
                self.status.error = Some(format!("{account}: cannot fetch message: {error}"));
            }
            Event::JournalApplied { .. } => self.status.pending = self.store.journal_len(),
            Event::JournalFailed { entry, error } => {
                mailops::revert(self, &entry);
                self.status.pending = self.store.journal_len();
                self.status.error = Some(format!(
                    "{}: could not {}: {error} (undone here)",
                    entry.account,
                    entry.op.describe()
                ));
            }
            Event::Online { account, online } => {
                if let Some(o) = self.status.online.iter_mut().find(|(a, _)| *a == account) {
                    o.1 = online;
                }
            }
            Event::NeedPassword { account, prompt } => {
                self.mode = Mode::Password {
                    account,
                    prompt,
                    input: LineInput::default(),
                };
            }
            Event::SearchResults {
                account,
                folder,
                query,
                uids,
                local,
            } => {
                if self.list.account == account && self.list.folder == folder {
                    search::show_results(self, query, uids, local);
                }
            }
            Event::NewMail {
                account,
                folder,
                count,
                from,
                subject,
                bell,
            } => {
                let more = if count > 1 {
                    format!(" (+{} more)", count - 1)
                } else {
                    String::new()
                };
                self.status.info = Some(format!(
                    "{account}/{folder}: new mail from {from}: {subject}{more}"
                ));
                self.bell |= bell;
            }
            Event::Status { account, text } => {
                self.status.info = Some(format!("{account}: {text}"))
            }
            Event::Error { account, text } => {
                self.status.error = Some(format!("{account}: {text}"))
            }
            Event::OutboxChanged { account } => self.outbox_changed(&account),
            Event::External { text, error } => {
                if error {
                    self.status.error = Some(text);
                } else {
                    self.status.info = Some(text);
                }
            }
            Event::Sent {
                account,
                subject,
                to,
                ..
            } => {
                self.status.info = Some(format!("{account}: sent “{subject}” to {to}"));
                // Its copy for Sent and the flag on the message it answers (maybe in another
                // account) are journaled.
                self.status.pending = self.store.journal_len();
                for a in self.tree.accounts.clone() {
                    if self.store.journal(Some(&a)).is_ok_and(|j| !j.is_empty()) {
                        out.push(Command::ReplayJournal { account: a });
                    }
                }
                // The Sent copy and the flag come as `MessagesChanged` (merged, not a reload
                // of the open folder, which may hold 100,000 messages).
                self.reload_folders(&account);
                self.outbox_changed(&account);
            }
            Event::SendFailed {
                account,
                reason,
                permanent,
                ..
            } => {
                self.status.error = Some(if permanent {
                    format!("{account}: {reason} (kept in the Outbox: Enter takes it back, :resend tries again)")
                } else {
                    format!("{account}: not sent yet: {reason} (tried again later)")
                });
                self.outbox_changed(&account);
            }
        }
    }

    /// The account's outbox changed: its count in the folder tree, and the Outbox listing if it
    /// is open.
    pub fn outbox_changed(&mut self, account: &str) {
        self.reload_folders(account);
        if self.list.account == account && self.is_outbox(account, &self.list.folder.clone()) {
            self.reload_list();
        }
    }

    /// Re-read an account's folders from the store.
    pub fn reload_folders(&mut self, account: &str) {
        match self.store.folders(Some(account)) {
            Ok(mut f) => {
                // The Outbox shows while it holds mail: a local folder of tmail's own.
                let waiting = self.store.outbox(Some(account)).map_or(0, |o| o.len());
                if waiting > 0 {
                    let path = if f.iter().any(|x| x.path == crate::mail::OUTBOX) {
                        format!("{} (tmail)", crate::mail::OUTBOX)
                    } else {
                        crate::mail::OUTBOX.to_string()
                    };
                    f.push(crate::mail::Folder {
                        account: account.to_string(),
                        path,
                        delimiter: None,
                        role: Some(Role::Outbox),
                        selectable: true,
                        unread: waiting as u32,
                        total: waiting as u32,
                    });
                }
                self.tree.set_folders(account, f);
            }
            Err(e) => self.status.error = Some(e.to_string()),
        }
    }

    /// `folder` is the account's Outbox (tmail's local folder of mail waiting to go).
    pub fn is_outbox(&self, account: &str, folder: &str) -> bool {
        self.tree
            .get(account, folder)
            .is_some_and(|f| f.role == Some(Role::Outbox))
    }

    /// The Outbox listed as messages: to whom, the subject, and where each one stands.
    fn read_outbox(&mut self, account: &str) -> crate::store::Result<Loaded> {
        let records = self.store.outbox(Some(account))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut loaded = Loaded::with_capacity(records.len());
        self.outbox_ids.clear();
        for r in records {
            self.outbox_ids.push(r.id);
            let state = match &r.state {
                crate::store::OutboxState::Waiting {
                    not_before,
                    reason: None,
                } => format!("goes in {} s", (not_before - now).max(0)),
                crate::store::OutboxState::Waiting {
                    reason: Some(why), ..
                } => format!("will retry: {why}"),
                crate::store::OutboxState::Sending { .. } => "sending…".to_string(),
                crate::store::OutboxState::Failed { reason } => format!("failed: {reason}"),
                crate::store::OutboxState::InDoubt { reason } => {
                    format!("interrupted, may have gone (:resend): {reason}")
                }
            };
            let env = crate::mail::Envelope {
                uid: self.outbox_ids.len() as u32,
                date: r.queued,
                from: vec![r.draft.from.clone()],
                to: r.draft.to.clone(),
                cc: r.draft.cc.clone(),
                subject: format!("{} [{state}]", r.draft.subject),
                flags: crate::mail::Flags::default().with(crate::mail::Flags::SEEN, true),
                has_attachments: !r.draft.attachments.is_empty(),
                ..Default::default()
            };
            let mut s = crate::mail::Summary::of(&env);
            s.outgoing = true;
            s.from = env.to.first().or(env.cc.first()).cloned();
            loaded.push(s, crate::mail::thread::ThreadKey::of(&env));
        }
        Ok(loaded)
    }

    /// Read a folder for the list, streaming from the store.
    pub fn read_folder(&mut self, account: &str, folder: &str) -> crate::store::Result<Loaded> {
        if self.is_outbox(account, folder) {
            return self.read_outbox(account);
        }
        let mut loaded = Loaded::with_capacity(
            self.tree
                .get(account, folder)
                .map_or(0, |f| f.total as usize),
        );
        let who = self.correspondent(account, folder);
        self.store
            .for_each_summary(account, folder, &who, |s, k| loaded.push(s, k))?;
        Ok(loaded)
    }

    /// Whose name the list shows in this folder (see [`crate::mail::Correspondent`]).
    pub fn correspondent(&self, account: &str, folder: &str) -> crate::mail::Correspondent {
        let role = self.tree.get(account, folder).and_then(|f| f.role);
        crate::mail::Correspondent {
            own: self.own_addresses.get(account).cloned().unwrap_or_default(),
            outgoing_folder: matches!(role, Some(Role::Sent | Role::Drafts)),
        }
    }

    /// Re-read the open folder's envelopes from the store (by the job worker when it runs:
    /// the list stays as it is until the new one lands).
    pub fn reload_list(&mut self) {
        let (account, folder) = (self.list.account.clone(), self.list.folder.clone());
        if self.background.enabled && !self.is_outbox(&account, &folder) {
            self.request_load();
            return;
        }
        self.list_partial = false;
        match self.read_folder(&account, &folder) {
            Ok(envs) => {
                self.list.load(&account, &folder, envs);
                search::reindex(self);
                self.list.scroll_into_view(self.list_height());
            }
            Err(e) => self.status.error = Some(e.to_string()),
        }
    }

    /// Show a folder in the list (from the store) and tell its worker it is open.
    pub fn open_folder(&mut self, account: &str, path: &str) -> Vec<Command> {
        self.tree.select(account, path);
        search::clear(self);
        self.visual = None;
        // The preview shows a message of the list: another folder's list takes it away.
        if self
            .preview
            .target
            .as_ref()
            .is_some_and(|(a, f, _)| a != account || f != path)
        {
            self.preview.clear();
        }
        let t0 = std::time::Instant::now();
        let read = match self.first_paint.filter(|_| !self.is_outbox(account, path)) {
            Some(n) => {
                let mut loaded = Loaded::with_capacity(n);
                let who = self.correspondent(account, path);
                let r = self.store.for_each_newest_envelope(account, path, n, |e| {
                    loaded.push(who.summary(&e), crate::mail::thread::ThreadKey::of(&e))
                });
                self.list_partial = r.as_ref().is_ok_and(|&got| got == n);
                r.map(|_| loaded)
            }
            None => {
                self.list_partial = false;
                self.read_folder(account, path)
            }
        };
        match read {
            Ok(envs) => {
                let t1 = t0.elapsed();
                self.list.load(account, path, envs);
                tracing::info!(
                    "opened {account}/{path}: read {t1:?}, ordered {:?}",
                    t0.elapsed() - t1
                );
            }
            Err(e) => {
                self.status.error = Some(e.to_string());
                return Vec::new();
            }
        }
        if self.list_partial {
            // The rest of the folder comes from the job worker.
            self.request_load();
        } else {
            // the whole folder is listed: a message not found is not coming
            self.list.want = None;
        }
        self.list.scroll_into_view(self.list_height());
        self.focus = Pane::List;
        vec![Command::FolderOpened {
            account: account.to_string(),
            folder: path.to_string(),
        }]
    }

    /// The open folder's message and unread counts, as the list's title and the status line
    /// show them.
    /// While only the newest rows are listed (the rest is loading), the folder's stored counts.
    pub fn list_counts(&self) -> (usize, usize) {
        let stored = self
            .tree
            .get(&self.list.account, &self.list.folder)
            .filter(|_| self.list_partial);
        match stored {
            Some(f) => (f.total as usize, f.unread as usize),
            None => (self.list.items.len(), self.list.unread),
        }
    }

    /// What the pane geometry depends on besides the terminal size.
    pub fn view(&self) -> crate::ui::layout::View {
        crate::ui::layout::View {
            layout: self.layout,
            show_preview: self.show_preview,
            folders: self.show_folders,
            folders_focused: self.focus == Pane::Folders,
            preview_focused: self.focus == Pane::Preview,
        }
    }

    /// Where every pane is now.
    pub fn panes(&self) -> crate::ui::layout::Panes {
        crate::ui::layout::panes(self.size, &self.view())
    }

    /// Rows of the list pane that are visible.
    pub fn list_height(&self) -> usize {
        self.panes().list_rows()
    }

    /// Width and height of the preview's text area (as it is when the preview has the focus:
    /// in the full-screen arrangement that is the whole area).
    pub fn preview_size(&self) -> (usize, usize) {
        let mut view = self.view();
        view.preview_focused = true;
        view.folders_focused = false;
        crate::ui::layout::panes(self.size, &view).preview_text()
    }

    /// The row where the visual selection started (the cursor is its other end).
    pub fn visual_row(&self) -> Option<usize> {
        self.visual.map(|a| a.row)
    }

    /// Start a visual selection at `row`.
    pub(super) fn start_visual(&mut self, row: usize) {
        self.visual = self
            .list
            .row_envelope(row)
            .map(|e| Anchor { uid: e.uid, row });
    }

    /// Keep the visual selection's anchor on its message after the rows moved (mail arrived or
    /// left above it, a thread unfolded, the folder was read again): O(1) while its row still
    /// shows it, else one pass over the rows, which the change that moved them cost already.
    /// When the message is hidden in a folded thread the anchor is the thread's row; when it
    /// left the list the selection ends (it would reach messages never selected) and the
    /// status line says so.
    pub(super) fn follow_visual(&mut self) {
        let Some(a) = self.visual else {
            return;
        };
        if self
            .list
            .row_envelope(a.row)
            .is_some_and(|e| e.uid == a.uid)
        {
            return;
        }
        self.visual = self
            .list
            .shown_row(a.uid)
            .map(|(row, uid)| Anchor { uid, row });
        if self.visual.is_none() {
            self.status.info =
                Some("selection ended: the message it started at left the list".into());
        }
    }

    pub fn account_role_folder(&self, account: &str, role: Role) -> Option<String> {
        self.tree.with_role(account, role).map(|f| f.path.clone())
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_actions;
#[cfg(test)]
mod tests_changes;
#[cfg(test)]
mod tests_compose;
#[cfg(test)]
mod tests_input;
#[cfg(test)]
mod tests_manners;
#[cfg(test)]
mod tests_moving_rows;
#[cfg(test)]
mod tests_reading;
