//! Running registry commands: movement in each pane, focus, opening folders and messages,
//! toggles, and handing mail operations to `mailops`.

use super::list::{Fold, Target};
use super::registry::Op;
use super::{cmdline::LineInput, mailops, search, App, Command, Mode, Pane};
use crate::config::Layout;
use crate::mail::Flags;

impl App {
    /// Run one command `count` times where that means something.
    pub fn run(&mut self, op: Op, count: Option<u32>, arg: Option<String>, out: &mut Vec<Command>) {
        let n = count.unwrap_or(1).max(1) as usize;
        self.target_count = count.map(|c| c.max(1) as usize);
        match op {
            Op::Next => self.move_by(n as isize),
            Op::Prev => self.move_by(-(n as isize)),
            Op::HalfPageDown => self.move_by((self.page() / 2).max(1) as isize * n as isize),
            Op::HalfPageUp => self.move_by(-((self.page() / 2).max(1) as isize) * n as isize),
            Op::PageDown => self.move_by(self.page().max(1) as isize * n as isize),
            Op::PageUp => self.move_by(-(self.page().max(1) as isize) * n as isize),
            Op::First => self.move_to(count.map_or(0, |c| c.saturating_sub(1) as usize), false),
            Op::Last => match count {
                Some(c) => self.move_to(c.saturating_sub(1) as usize, false),
                None => self.move_to(0, true),
            },
            Op::NextMessage | Op::PrevMessage => {
                let delta = if op == Op::NextMessage {
                    n as isize
                } else {
                    -(n as isize)
                };
                let before = self.list.cursor;
                self.list_move(delta);
                if self.list.cursor != before || self.preview.target.is_none() {
                    self.open_message(out);
                }
            }
            Op::FocusLeft => self.focus_step(-1),
            Op::FocusRight => self.focus_step(1),
            Op::FocusNext => self.focus_cycle(1),
            Op::FocusPrev => self.focus_cycle(-1),
            Op::FocusFolders => self.focus = Pane::Folders,
            Op::FocusList => self.focus = Pane::List,
            Op::FocusPreview => {
                if self.show_preview {
                    self.focus = Pane::Preview;
                }
            }
            Op::Open => match self.focus {
                Pane::Folders => {
                    if let Some(f) = self.tree.selected_folder().cloned() {
                        if f.selectable {
                            out.extend(self.open_folder(&f.account, &f.path));
                        } else {
                            self.status.info = Some(format!("{} holds only folders", f.path));
                        }
                    } else {
                        self.tree.toggle_fold();
                    }
                }
                Pane::List | Pane::Preview => {
                    // In the Outbox a message is taken back to be edited; in Drafts it resumes.
                    if let Some(id) = self.outbox_selected() {
                        self.take_back(id);
                    } else if self.is_drafts_open() {
                        let uid = self.list.selected().map(|e| e.uid);
                        let (a, f) = (self.list.account.clone(), self.list.folder.clone());
                        match uid {
                            Some(uid) if self.resume_draft(&a, &f, uid) => {}
                            _ => self.open_message(out),
                        }
                    } else {
                        self.open_message(out)
                    }
                }
            },
            Op::Back => self.back(),
            Op::Cancel => self.cancel(),
            Op::Quit => self.request_quit(),
            Op::Compose => self.start_composing(super::composer_ops::Opening::New, out),
            Op::Reply => self.start_composing(super::composer_ops::Opening::Reply, out),
            Op::ReplyAll => self.start_composing(super::composer_ops::Opening::ReplyAll, out),
            Op::Forward => self.start_composing(super::composer_ops::Opening::Forward, out),
            Op::Send => self.send(out),
            Op::Postpone => self.postpone(out),
            Op::Attach => match arg {
                Some(path) => self.attach(&path),
                None => self.mode = Mode::Command(LineInput::with("attach ")),
            },
            Op::Detach => self.detach(arg),
            Op::Edit => self.edit(),
            Op::Abort => self.abort(),
            Op::UndoSend => self.undo_send(),
            Op::Resend => self.resend(out),
            Op::Attachments => self.show_parts(out),
            Op::Save => match arg {
                Some(path) => self.save_part(&path, false),
                None => self.status.error = Some(":save needs a PATH".into()),
            },
            Op::SaveAll => self.save_all(),
            Op::View => {
                self.status.info = Some("view works on a part of the parts list (A)".into())
            }
            Op::Pipe => match arg {
                Some(cmd) => self.pipe(&cmd, false, out),
                None => self.mode = Mode::Command(LineInput::with("pipe ")),
            },
            Op::PipeMessage => match arg {
                Some(cmd) => self.pipe(&cmd, true, out),
                None => self.mode = Mode::Command(LineInput::with("pipe-message ")),
            },
            Op::Links => self.show_links(out),
            Op::Yank => self.yank(arg, out),
            Op::ToggleHeaders => self.toggle_view(super::preview::View::Headers, out),
            Op::Source => self.toggle_view(super::preview::View::Source, out),
            Op::OpenHtml => self.open_html(out),
            Op::InsertMode
            | Op::AppendMode
            | Op::InsertLineStart
            | Op::AppendLineEnd
            | Op::OpenBelow
            | Op::OpenAbove
            | Op::NormalMode
            | Op::CursorUp
            | Op::CursorDown
            | Op::WordForward
            | Op::WordBack
            | Op::DeleteChar
            | Op::DeleteLine
            | Op::DeleteToEnd
            | Op::Redo
            | Op::NextField
            | Op::PrevField => {
                self.status.info = Some("that key works in the composer".into());
            }
            Op::Help => {
                // Open at the keys of where the user is (the panes' own sections come after
                // the global one, which is first anyway).
                let ctx = super::keys::context_of(self);
                let scroll = match ctx {
                    crate::input::Context::Folders
                    | crate::input::Context::List
                    | crate::input::Context::Preview => 0,
                    ctx => crate::ui::help::section_line(
                        self,
                        ctx,
                        crate::ui::help::text_width(self.size.0),
                    ),
                };
                self.mode = Mode::Help { scroll };
            }
            Op::CommandLine => self.mode = Mode::Command(LineInput::default()),
            Op::Search => match arg {
                Some(text) => match text.strip_prefix("--server") {
                    Some(query) => search::server(self, query.trim(), out),
                    None => search::start(self, &text),
                },
                None => self.mode = Mode::Search(LineInput::default()),
            },
            Op::SearchNext | Op::SearchPrev => {
                let h = self.preview_size().1;
                if self.focus == Pane::Preview && self.preview.find.is_some() {
                    self.preview.find_step(op == Op::SearchNext, h);
                    match self.preview.find_report() {
                        Some(Ok(info)) => self.status.info = Some(info),
                        Some(Err(e)) => self.status.error = Some(e),
                        None => {}
                    }
                } else if search::step(self, op == Op::SearchPrev) && self.focus == Pane::Preview {
                    self.open_message(out);
                }
            }
            Op::ToggleFold => {
                if self.focus == Pane::Folders {
                    self.tree.toggle_fold();
                } else {
                    self.fold_thread();
                }
            }
            Op::FoldAll | Op::UnfoldAll => {
                if self.focus == Pane::Folders {
                    if op == Op::FoldAll {
                        self.tree.fold_all();
                    } else {
                        self.tree.unfold_all();
                    }
                } else {
                    self.fold_all_threads(op == Op::FoldAll);
                }
            }
            Op::ToggleThreads => {
                let on = !self.list.threaded;
                if self.background.enabled && !self.is_outbox(&self.list.account, &self.list.folder)
                {
                    // The job worker orders the folder again; the list keeps its rows till then.
                    self.list.threaded = on;
                    self.reload_list();
                } else {
                    match self.read_folder(&self.list.account.clone(), &self.list.folder.clone()) {
                        Ok(envs) => self.list.set_threaded(on, envs),
                        Err(e) => self.status.error = Some(e.to_string()),
                    }
                    search::reindex(self);
                }
                self.list.scroll_into_view(self.list_height());
                self.status.info = Some(
                    if on {
                        "threaded view"
                    } else {
                        "flat view, newest first"
                    }
                    .into(),
                );
            }
            Op::TogglePreview => {
                self.show_preview = !self.show_preview;
                if !self.show_preview && self.focus == Pane::Preview {
                    self.focus = Pane::List;
                }
                self.rerender_preview();
                self.list.scroll_into_view(self.list_height());
            }
            Op::ToggleFolders => {
                let shown = self.panes().folders.is_some();
                self.show_folders = Some(!shown);
                if shown && self.focus == Pane::Folders {
                    self.focus = Pane::List;
                }
                self.rerender_preview();
                self.list.scroll_into_view(self.list_height());
            }
            Op::ToggleLayout => {
                self.layout = match self.layout {
                    Layout::Columns => Layout::Rows,
                    Layout::Rows => Layout::Columns,
                };
                self.rerender_preview();
                self.list.scroll_into_view(self.list_height());
            }
            Op::Read => mailops::set_flag(self, Flags::SEEN, Some(true), out),
            Op::Unread => mailops::set_flag(self, Flags::SEEN, Some(false), out),
            Op::ToggleRead => mailops::set_flag(self, Flags::SEEN, None, out),
            Op::Flag => mailops::set_flag(self, Flags::FLAGGED, Some(true), out),
            Op::Unflag => mailops::set_flag(self, Flags::FLAGGED, Some(false), out),
            Op::ToggleFlag => mailops::set_flag(self, Flags::FLAGGED, None, out),
            Op::Delete => match self.outbox_selected() {
                // In the Outbox, d throws a message away (after asking), never to Trash.
                Some(id) => {
                    self.mode = Mode::Confirm {
                        prompt: "Throw this message away instead of sending it? (y/n)".into(),
                        on_yes: super::Confirmed::DropOutbox { id },
                    }
                }
                None => mailops::delete(self, out),
            },
            Op::Archive => mailops::archive(self, out),
            Op::MovePrompt => super::picker::open(self, super::picker::Purpose::Move),
            Op::CopyPrompt => super::picker::open(self, super::picker::Purpose::Copy),
            Op::FolderPicker => super::picker::open(self, super::picker::Purpose::Open),
            Op::ServerSearchPrompt => {
                self.mode = Mode::Command(LineInput::with("search --server "))
            }
            Op::Visual => {
                if self.visual.take().is_none()
                    && self.focus == Pane::List
                    && !self.list.rows.is_empty()
                {
                    self.start_visual(self.list.cursor);
                }
            }
            Op::SelectThread => self.select_thread(),
            Op::Undo => self.undo_last(out),
            Op::Mkdir => match arg {
                Some(name) => super::folderops::mkdir(self, &name, out),
                None => self.status.error = Some(":mkdir needs a NAME".into()),
            },
            Op::Rename => match arg {
                Some(name) => super::folderops::rename(self, &name, out),
                None => self.status.error = Some(":rename needs the NEW name".into()),
            },
            Op::Rmdir => super::folderops::rmdir(self),
            Op::Move | Op::Copy => match arg {
                Some(dest) => mailops::transfer(self, &dest, op == Op::Copy, out),
                None => self.status.error = Some("which folder? e.g. :move Archive".into()),
            },
            Op::Folder => match arg {
                Some(name) => {
                    let found = self.tree.find(Some(&self.list.account), &name).cloned();
                    match found {
                        Some(f) if f.selectable => {
                            out.extend(self.open_folder(&f.account, &f.path))
                        }
                        Some(f) => {
                            self.status.error = Some(format!("{} holds only folders", f.path))
                        }
                        None => self.status.error = Some(format!("no folder \"{name}\"")),
                    }
                }
                None => self.focus = Pane::Folders,
            },
            Op::Theme => match arg {
                Some(name) => {
                    match crate::ui::theme::load(&name, self.theme_dir.as_deref(), self.colors) {
                        Ok(t) => {
                            self.theme = t;
                            self.status.info = Some(format!("theme {name}"));
                        }
                        Err(e) => self.status.error = Some(e.to_string()),
                    }
                }
                None => self.status.info = Some(format!("theme {}", self.theme.name)),
            },
            Op::Sync => {
                let accounts: Vec<String> = self.tree.accounts.clone();
                for account in accounts {
                    out.push(Command::SyncAll { account });
                }
                self.status.info = Some("checking for new mail…".into());
            }
            Op::Submit
            | Op::Complete
            | Op::CompletePrev
            | Op::HistoryPrev
            | Op::HistoryNext
            | Op::CursorLeft
            | Op::CursorRight
            | Op::LineStart
            | Op::LineEnd
            | Op::DeleteBack
            | Op::DeleteForward
            | Op::DeleteWord
            | Op::DeleteToStart
            | Op::Yes
            | Op::No => {
                self.status.info = Some("that key works in a prompt or the picker".into());
            }
            Op::Redraw => self.full_redraw = true,
            Op::Suspend => self.suspend = true,
        }
    }

    /// Rows in a page of the focused pane.
    fn page(&self) -> usize {
        match self.focus {
            Pane::Preview => self.preview_size().1,
            Pane::List => self.list_height(),
            Pane::Folders => self.panes().folder_rows(),
        }
    }

    fn move_by(&mut self, delta: isize) {
        match self.focus {
            Pane::Folders => {
                let max = self.tree.rows.len().saturating_sub(1) as isize;
                self.tree.cursor = (self.tree.cursor as isize + delta).clamp(0, max) as usize;
            }
            Pane::List => self.list_move(delta),
            Pane::Preview => {
                let h = self.preview_size().1;
                self.preview.scroll_by(delta, h);
            }
        }
    }

    fn move_to(&mut self, row: usize, last: bool) {
        match self.focus {
            Pane::Folders => {
                let max = self.tree.rows.len().saturating_sub(1);
                self.tree.cursor = if last { max } else { row.min(max) };
            }
            Pane::List => {
                let max = self.list.rows.len().saturating_sub(1);
                self.list.cursor = if last { max } else { row.min(max) };
                self.list.want = None;
                if self.list_partial && (last || row > max) {
                    // the rows listed so far end before it: go there when the rest arrives
                    self.list
                        .want_at(if last { Target::Last } else { Target::Row(row) });
                }
                self.list.scroll_into_view(self.list_height());
            }
            Pane::Preview => {
                let h = self.preview_size().1;
                if last {
                    self.preview.scroll_to_end(h);
                } else {
                    self.preview.scroll = 0;
                    self.preview.scroll_by(row as isize, h);
                }
            }
        }
    }

    fn list_move(&mut self, delta: isize) {
        let max = self.list.rows.len().saturating_sub(1) as isize;
        self.list.cursor = (self.list.cursor as isize + delta).clamp(0, max.max(0)) as usize;
        self.list.want = None;
        self.list.scroll_into_view(self.list_height());
    }

    fn focusable(&self) -> Vec<Pane> {
        let mut v = vec![Pane::Folders, Pane::List];
        if self.show_preview && self.preview.target.is_some() {
            v.push(Pane::Preview);
        }
        v
    }

    fn focus_step(&mut self, dir: isize) {
        let panes = self.focusable();
        let i = panes.iter().position(|p| *p == self.focus).unwrap_or(1) as isize;
        let j = (i + dir).clamp(0, panes.len() as isize - 1) as usize;
        self.focus = panes[j];
    }

    fn focus_cycle(&mut self, dir: isize) {
        let panes = self.focusable();
        let n = panes.len() as isize;
        let i = panes.iter().position(|p| *p == self.focus).unwrap_or(1) as isize;
        self.focus = panes[((i + dir).rem_euclid(n)) as usize];
    }

    /// Select the thread under the cursor (threaded view: from its root to its last reply).
    fn select_thread(&mut self) {
        if !self.list.threaded || self.list.rows.is_empty() {
            self.status.info = Some("threads are off (t turns them on)".into());
            return;
        }
        let rows = &self.list.rows;
        let mut start = self.list.cursor.min(rows.len() - 1);
        while start > 0 && rows[start].depth > 0 {
            start -= 1;
        }
        let mut end = start;
        while end + 1 < rows.len() && rows[end + 1].depth > 0 {
            end += 1;
        }
        self.start_visual(start);
        self.list.cursor = end;
        self.list.scroll_into_view(self.list_height());
        let n: usize = (start..=end).map(|r| self.list.row_uids(r).len()).sum();
        self.status.info = Some(format!(
            "{n} message{} in this thread selected",
            if n == 1 { "" } else { "s" }
        ));
    }

    /// `za`: fold the thread under the cursor into one row, or unfold it.
    fn fold_thread(&mut self) {
        self.visual = None;
        self.status.info = Some(match self.list.toggle_fold() {
            Fold::Folded { messages, unread } => {
                let unread = if unread > 0 {
                    format!(", {unread} unread")
                } else {
                    String::new()
                };
                format!("thread folded: {messages} messages{unread} (za unfolds)")
            }
            Fold::Unfolded => "thread unfolded".into(),
            Fold::Single => "this thread is one message: nothing to fold".into(),
            Fold::NotThreaded if !self.list.threaded => "threads are off (t turns them on)".into(),
            Fold::NotThreaded => return,
        });
        search::reindex(self);
        self.list.scroll_into_view(self.list_height());
    }

    /// `zM` / `zR`: fold or unfold every thread of the list.
    fn fold_all_threads(&mut self, fold: bool) {
        if !self.list.threaded {
            self.status.info = Some("threads are off (t turns them on)".into());
            return;
        }
        self.visual = None;
        self.status.info = Some(if fold {
            match self.list.fold_all() {
                0 => "no thread of more than one message to fold".into(),
                1 => "1 thread folded".into(),
                n => format!("{n} threads folded"),
            }
        } else {
            match self.list.unfold_all() {
                0 => "no folded thread".into(),
                1 => "1 thread unfolded".into(),
                n => format!("{n} threads unfolded"),
            }
        });
        search::reindex(self);
        self.list.scroll_into_view(self.list_height());
    }

    /// Esc: cancel what is in progress, innermost first; never quits.
    fn cancel(&mut self) {
        self.pending_keys.clear();
        self.count = None;
        if self.visual.take().is_some() {
            self.status.info = Some("selection cancelled".into());
        } else if self.focus == Pane::Preview && self.preview.find.is_some() {
            self.preview.find = None;
        } else if self.focus == Pane::Preview && self.preview.view != super::preview::View::Message
        {
            let width = self.preview_size().0;
            self.preview.set_view(super::preview::View::Message, width);
        } else if self.search.query.is_some() {
            super::search::clear(self);
            self.status.info = Some("search cleared".into());
        } else if self.focus == Pane::Preview {
            self.focus = Pane::List;
        }
    }

    fn back(&mut self) {
        self.pending_keys.clear();
        if self.visual.take().is_some() {
            return;
        }
        match self.focus {
            // A part, the headers or the source: q goes back to the message first.
            Pane::Preview if self.preview.view != super::preview::View::Message => {
                let width = self.preview_size().0;
                self.preview.set_view(super::preview::View::Message, width);
            }
            Pane::Preview => self.focus = Pane::List,
            Pane::List if self.search.query.is_some() => {
                super::search::clear(self);
                self.status.info = Some("search cleared".into());
            }
            Pane::List | Pane::Folders => self.quit = true,
        }
    }

    /// The open folder is the account's Drafts.
    fn is_drafts_open(&self) -> bool {
        self.tree
            .get(&self.list.account, &self.list.folder)
            .is_some_and(|f| f.role == Some(crate::mail::Role::Drafts))
    }

    /// Show the message under the list cursor in the preview; mark it read.
    pub fn open_message(&mut self, out: &mut Vec<Command>) {
        self.open_message_as(out, true);
    }

    /// Open the message under the cursor in the preview; `mark_read`: mark it read (as showing
    /// it does), else leave its flags to the caller.
    pub(crate) fn open_message_as(&mut self, out: &mut Vec<Command>, mark_read: bool) {
        let Some((uid, flags)) = self.list.selected().map(|e| (e.uid, e.flags)) else {
            return;
        };
        let (account, folder) = (self.list.account.clone(), self.list.folder.clone());
        if !self.show_preview {
            self.show_preview = true;
            self.list.scroll_into_view(self.list_height());
        }
        self.preview.show_loading(&account, &folder, uid);
        self.load_preview_body();
        if self.preview.loading {
            out.push(Command::FetchBody {
                account: account.clone(),
                folder: folder.clone(),
                uid,
            });
        }
        self.focus = Pane::Preview;
        if mark_read && !flags.seen() {
            mailops::set_flags_of(self, &[uid], Flags::SEEN, Some(true), out, false);
        }
        // Prefetch the next message so J is instant.
        if let Some(next) = self.list.row_envelope(self.list.cursor + 1).map(|e| e.uid) {
            if !self.store.has_body(&account, &folder, next).unwrap_or(true) {
                out.push(Command::FetchBody {
                    account,
                    folder,
                    uid: next,
                });
            }
        }
    }

    /// Fill the preview from the store if its body is cached.
    pub fn load_preview_body(&mut self) {
        let Some((account, folder, uid)) = self.preview.target.clone() else {
            return;
        };
        match self.store.body(&account, &folder, uid) {
            Ok(Some(raw)) => {
                let width = self.preview_size().0;
                self.preview.show(&account, &folder, uid, raw, width);
            }
            Ok(None) => {}
            Err(e) => self.preview.set_error(&e.to_string()),
        }
    }

    pub fn rerender_preview(&mut self) {
        let width = self.preview_size().0;
        self.preview.rewrap(width);
    }
}
