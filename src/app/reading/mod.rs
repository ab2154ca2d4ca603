//! Reading all the way: the parts of a message (view, save, save every one, open with a viewer,
//! pipe), its links (open, copy), copying what matters to the user's clipboard (OSC 52, so it
//! works over SSH and through tmux, or `copy_command`), all headers, the raw source, the HTML
//! part in a browser, and searching inside the message. The actions themselves are in
//! `actions.rs`.

use std::path::PathBuf;

mod actions;

use super::registry::Op;
use super::{App, Command, LineInput, Mode};
use crate::mail::parts::{self, PartInfo, PartKind};

/// What the user set up for reading: where parts are saved, what opens them, what copies.
#[derive(Debug, Clone)]
pub struct ReadingSettings {
    /// `attachment_dir` (else `~/Downloads`).
    pub attachment_dir: Option<PathBuf>,
    /// `open_command` and the `[open]` table.
    pub open: crate::external::OpenRules,
    /// `copy_command`; `None`: OSC 52.
    pub copy: Option<crate::external::CommandTemplate>,
}

impl Default for ReadingSettings {
    fn default() -> Self {
        ReadingSettings {
            attachment_dir: None,
            // The built-in open command is one plain word: it always parses.
            open: crate::external::OpenRules::new(None, &Default::default())
                .expect("the built-in open command parses"),
            copy: None,
        }
    }
}

impl ReadingSettings {
    /// From the config's `attachment_dir`, `open_command`, `[open]` and `copy_command` (checked
    /// when the config was loaded, so an error here falls back to the defaults, and says so in
    /// the log).
    pub fn of(s: &crate::config::Settings) -> ReadingSettings {
        let open = crate::external::OpenRules::new(s.open_command.as_deref(), &s.open)
            .unwrap_or_else(|e| {
                tracing::warn!("open_command / [open]: {e}; using the default");
                ReadingSettings::default().open
            });
        let copy = s
            .copy_command
            .as_deref()
            .and_then(|c| crate::external::CommandTemplate::parse(c).ok());
        ReadingSettings {
            attachment_dir: s.attachment_dir.clone(),
            open,
            copy,
        }
    }
}

/// A list to pick from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuKind {
    /// The parts of the previewed message.
    Parts(Vec<PartInfo>),
    /// The links of the previewed message (numbers into `Preview::links`).
    Links,
    /// What can be copied: (what it is, the text).
    Yank(Vec<(String, String)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Menu {
    pub kind: MenuKind,
    pub cursor: usize,
}

impl Menu {
    pub fn len(&self, app: &App) -> usize {
        match &self.kind {
            MenuKind::Parts(p) => p.len(),
            MenuKind::Links => app.preview.links.len(),
            MenuKind::Yank(y) => y.len(),
        }
    }

    /// The lines the popup shows, one per item.
    pub fn labels(&self, app: &App) -> Vec<String> {
        let s = crate::mail::sanitize::sanitize;
        match &self.kind {
            MenuKind::Parts(parts) => parts
                .iter()
                .map(|p| {
                    let mut t = format!("{}{} {}", "  ".repeat(p.depth), p.id, p.content_type);
                    if let Some(n) = &p.name {
                        t.push_str(&format!(" “{}”", s(n)));
                    } else if let Some(subj) = &p.subject {
                        t.push_str(&format!(" “{}”", s(subj)));
                    }
                    if p.kind != PartKind::Multipart {
                        t.push_str(&format!(", {}", crate::ui::list::compact_size(p.size)));
                    }
                    if let Some(c) = &p.charset {
                        t.push_str(&format!(", {c}"));
                    }
                    t.push_str(&format!(", {:?}", p.disposition).to_lowercase());
                    // what the preview shows: the part viewed, else the body text
                    let shown = match &app.preview.view {
                        crate::app::preview::View::Part(id) => *id == p.id,
                        _ => p.is_body,
                    };
                    if shown {
                        t.push_str(" (shown)");
                    }
                    if p.malformed {
                        t.push_str(" (damaged)");
                    }
                    t
                })
                .collect(),
            MenuKind::Links => app
                .preview
                .links
                .iter()
                .map(|l| format!("[{}] {}", l.number, s(&l.label())))
                .collect(),
            MenuKind::Yank(items) => items
                .iter()
                .map(|(what, text)| format!("{what}: {}", s(text)))
                .collect(),
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            MenuKind::Parts(_) => " Parts — Enter/v view, s save, S save all, o open, | pipe ",
            MenuKind::Links => " Links — Enter/o open, y copy ",
            MenuKind::Yank(_) => " Copy to the clipboard — Enter copies ",
        }
    }
}

impl App {
    /// From the list, these commands act on the message under the cursor: load it into the
    /// preview first, the focus staying in the list. It is marked read only when that puts
    /// it on the screen (a layout without room for the preview beside the list does not show
    /// it). False when its body is still on its way (a fetch was asked for).
    pub(crate) fn preview_selected(&mut self, out: &mut Vec<Command>) -> bool {
        if self.focus == crate::app::Pane::Preview {
            return self.preview.raw().is_some();
        }
        let Some((uid, flags)) = self.list.selected().map(|e| (e.uid, e.flags)) else {
            return false;
        };
        let (account, folder) = (self.list.account.clone(), self.list.folder.clone());
        if !self.preview.is_showing(&account, &folder, uid) || self.preview.raw().is_none() {
            let focus = self.focus;
            self.open_message_as(out, false);
            self.focus = focus;
            if !flags.seen() && self.panes().preview.is_some() {
                crate::app::mailops::set_flags_of(
                    self,
                    &[uid],
                    crate::mail::Flags::SEEN,
                    Some(true),
                    out,
                    false,
                );
            }
        }
        if self.preview.raw().is_none() {
            self.status.info = Some("fetching the message… (press again when it is here)".into());
            return false;
        }
        true
    }

    /// The raw bytes of the previewed message, or a status message saying why there are none.
    pub(crate) fn previewed_raw(&mut self) -> Option<Vec<u8>> {
        match self.preview.raw() {
            Some(r) => Some(r.to_vec()),
            None => {
                self.status.info = Some("open a message first (Enter)".into());
                None
            }
        }
    }

    /// `attachments` (A): the parts of the message as a tree.
    pub(crate) fn show_parts(&mut self, out: &mut Vec<Command>) {
        if !self.preview_selected(out) {
            return;
        }
        let Some(raw) = self.previewed_raw() else {
            return;
        };
        let parts = parts::list(&raw);
        if parts.is_empty() {
            self.status.error = Some("this message has no parts tmail can read".into());
            return;
        }
        let first = parts
            .iter()
            .position(|p| p.kind != PartKind::Multipart && !p.is_body)
            .unwrap_or(0);
        self.mode = Mode::Menu(Menu {
            kind: MenuKind::Parts(parts),
            cursor: first,
        });
    }

    /// `links` (gx): the message's links, numbered.
    pub(crate) fn show_links(&mut self, out: &mut Vec<Command>) {
        if !self.preview_selected(out) {
            return;
        }
        if self.preview.raw().is_none() {
            self.status.info = Some("open a message first (Enter)".into());
            return;
        }
        if self.preview.links.is_empty() {
            self.status.info = Some("this message has no links".into());
            return;
        }
        self.mode = Mode::Menu(Menu {
            kind: MenuKind::Links,
            cursor: 0,
        });
    }

    /// `yank` (y): choose what to copy — a link, an address, the subject, the Message-ID — or
    /// copy it at once with `:yank subject|message-id|from|link N`.
    pub(crate) fn yank(&mut self, what: Option<String>, out: &mut Vec<Command>) {
        self.preview_selected(out);
        let mut items: Vec<(String, String)> = Vec::new();
        if let Some(raw) = self.preview.raw() {
            let o = crate::mail::compose::reply::Original::parse(raw);
            items.push(("subject".into(), o.subject.clone()));
            for (h, list) in [("from", &o.from), ("to", &o.to), ("cc", &o.cc)] {
                for a in list {
                    items.push((h.into(), a.email.clone()));
                }
            }
            if let Some(id) = &o.message_id {
                items.push(("message-id".into(), format!("<{id}>")));
            }
        } else if let Some(e) = self.list.selected() {
            items.push(("subject".into(), e.subject.to_string()));
            if !e.outgoing && !e.email.is_empty() {
                items.push(("from".into(), e.email.to_string()));
            }
        }
        for l in &self.preview.links {
            items.push((format!("link {}", l.number), l.target.clone()));
        }
        if items.is_empty() {
            self.status.info = Some("nothing to copy here".into());
            return;
        }
        match what {
            Some(w) => {
                let w = w.trim().to_ascii_lowercase();
                match items.into_iter().find(|(k, _)| *k == w) {
                    Some((k, text)) => self.copy(&k, &text, out),
                    None => {
                        self.status.error = Some(format!(
                            "yank: nothing called {w} (subject, from, to, cc, message-id, link N)"
                        ))
                    }
                }
            }
            None => {
                self.mode = Mode::Menu(Menu {
                    kind: MenuKind::Yank(items),
                    cursor: 0,
                })
            }
        }
    }

    /// Put `text` on the user's clipboard: `copy_command`, else the OSC 52 sequence, written
    /// to the terminal with the next frame (the user's own terminal, through SSH and tmux).
    pub(crate) fn copy(&mut self, what: &str, text: &str, out: &mut Vec<Command>) {
        if let Some(cmd) = &self.reading.copy {
            out.push(Command::Copy {
                command: cmd.clone(),
                text: text.to_string(),
                what: copied_what(what),
            });
            self.status.info = Some(format!("copying {}…", copied_what(what)));
            return;
        }
        match crate::external::osc52(text, crate::external::in_tmux()) {
            Ok(seq) => {
                self.terminal_out.push(seq);
                self.status.info = Some(format!(
                    "copied {} ({} characters) to your clipboard",
                    copied_what(what),
                    text.chars().count()
                ));
            }
            Err(e) => self.status.error = Some(format!("could not copy {what}: {e}")),
        }
    }

    /// The part under the cursor of the parts list (still listed while a prompt for it is
    /// open).
    pub(crate) fn selected_part(&self) -> Option<PartInfo> {
        let menu = match &self.mode {
            Mode::Menu(m) => Some(m),
            _ => self.parts_menu.as_ref(),
        }?;
        match &menu.kind {
            MenuKind::Parts(p) => p.get(menu.cursor).cloned(),
            _ => None,
        }
    }

    /// A command of the menu's layer (or a command that acts on its item).
    pub(crate) fn menu_op(&mut self, op: Op, arg: Option<String>, out: &mut Vec<Command>) {
        let Mode::Menu(menu) = &mut self.mode else {
            return;
        };
        let n = match &menu.kind {
            MenuKind::Parts(p) => p.len(),
            MenuKind::Links => self.preview.links.len(),
            MenuKind::Yank(y) => y.len(),
        };
        match op {
            Op::Next if n > 0 => menu.cursor = (menu.cursor + 1).min(n - 1),
            Op::Prev => menu.cursor = menu.cursor.saturating_sub(1),
            Op::Cancel | Op::Back => self.mode = Mode::Normal,
            Op::Submit | Op::Open | Op::View | Op::Save | Op::SaveAll | Op::Pipe | Op::Yank => {
                let menu = menu.clone();
                match (&menu.kind, op) {
                    (MenuKind::Parts(_), Op::Submit | Op::View) => {
                        let part = self.selected_part();
                        self.mode = Mode::Normal;
                        self.view_part(part);
                    }
                    (MenuKind::Parts(_), Op::Open) => self.open_part(out),
                    (MenuKind::Parts(_), Op::Save) => {
                        // Ask where, the default filled in: the menu stays for the answer.
                        self.parts_menu = Some(menu.clone());
                        self.mode = Mode::Command(LineInput::with(&format!(
                            "save {}",
                            self.default_save_path().display()
                        )));
                    }
                    (MenuKind::Parts(_), Op::SaveAll) => self.save_all(),
                    (MenuKind::Parts(_), Op::Pipe) => {
                        self.parts_menu = Some(menu.clone());
                        self.mode = Mode::Command(LineInput::with("pipe "));
                    }
                    (MenuKind::Links, Op::Submit | Op::Open) => {
                        self.mode = Mode::Normal;
                        if let Some(l) = self.preview.links.get(menu.cursor).cloned() {
                            self.follow_link(&l, out);
                        }
                    }
                    (MenuKind::Links, Op::Yank) => {
                        self.mode = Mode::Normal;
                        if let Some(l) = self.preview.links.get(menu.cursor).cloned() {
                            self.copy(&format!("link {}", l.number), &l.target, out);
                        }
                    }
                    (MenuKind::Yank(items), Op::Submit | Op::Yank) => {
                        self.mode = Mode::Normal;
                        if let Some((what, text)) = items.get(menu.cursor).cloned() {
                            self.copy(&what, &text, out);
                        }
                    }
                    _ => {}
                }
                let _ = arg;
            }
            _ => {}
        }
    }
}

/// How the status line names what was copied: `the subject`, `the From address`, `link 3`.
fn copied_what(what: &str) -> String {
    match what {
        "from" | "to" | "cc" => {
            let mut h = what.to_string();
            h[..1].make_ascii_uppercase();
            format!("the {h} address")
        }
        "subject" => "the subject".into(),
        "message-id" => "the Message-ID".into(),
        other => other.to_string(),
    }
}
