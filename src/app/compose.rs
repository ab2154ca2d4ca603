//! The composer's state: the header fields and the body (tui-textarea) of the message being
//! written, its attachments and which field has the cursor, with the account settings that
//! compose, reply and forward use. Opening, editing and sending it is in `composer_ops.rs`.

use std::time::Instant;

use tui_textarea::TextArea;

use super::cmdline::LineInput;
use crate::mail::compose::{Draft, DraftAttachment};
use crate::mail::Address;
use crate::store::Answers;

/// What an account brings to writing mail (from its config): who it sends as, how replies
/// and forwards look, how long a sent message waits, and through which server it goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComposeSettings {
    /// The From addresses it sends as, its own address first, then `identities`.
    pub identities: Vec<Address>,
    pub signature: Option<String>,
    /// The attribution template (`On %DATE, %NAME wrote:`).
    pub attribution: String,
    /// Forward as a `message/rfc822` attachment (else inline).
    pub forward_attached: bool,
    /// Seconds a sent message waits in the Outbox.
    pub send_delay: u64,
    /// Where it goes, for the composer's line: `smtp.example.test:587 (STARTTLS)`; `None`:
    /// the account cannot send (no `[accounts.smtp]`).
    pub via: Option<String>,
}

impl ComposeSettings {
    /// From an account's config: its address (with `display_name`) then `identities`, the
    /// signature (`signature` or `signature_file`), `attribution`, `forward_as`, `send_delay`,
    /// and the `[accounts.smtp]` server.
    pub fn of(a: &crate::config::AccountSettings) -> ComposeSettings {
        let mut identities = vec![Address {
            name: a.display_name.clone(),
            email: a.email.clone(),
        }];
        for i in &a.identities {
            for addr in parse_addresses(i) {
                if !identities
                    .iter()
                    .any(|x| x.email.eq_ignore_ascii_case(&addr.email))
                {
                    identities.push(addr);
                }
            }
        }
        let via = a.smtp.as_ref().map(|s| {
            use crate::config::Security;
            let (port, how) = match s.security {
                Security::Tls => (s.port_or(465, 587, 25), "TLS"),
                Security::Starttls => (s.port_or(465, 587, 25), "STARTTLS"),
                Security::Plain => (s.port_or(465, 587, 25), "no encryption"),
            };
            format!("{}:{port} ({how})", s.host)
        });
        ComposeSettings {
            identities,
            signature: a.signature_text(),
            attribution: a.attribution.clone().unwrap_or_default(),
            forward_attached: a.forward_as == Some(crate::config::ForwardAs::Attachment),
            send_delay: a.send_delay(),
            via,
        }
    }

    /// The account's own addresses, lowercased.
    pub fn own_addresses(&self) -> Vec<String> {
        self.identities
            .iter()
            .map(|a| a.email.to_ascii_lowercase())
            .collect()
    }
}

/// The fields of the composer, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    From,
    To,
    Cc,
    Bcc,
    Subject,
    Attachments,
    Body,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::From,
        Field::To,
        Field::Cc,
        Field::Bcc,
        Field::Subject,
        Field::Attachments,
        Field::Body,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::From => "From",
            Field::To => "To",
            Field::Cc => "Cc",
            Field::Bcc => "Bcc",
            Field::Subject => "Subject",
            Field::Attachments => "Attach",
            Field::Body => "Body",
        }
    }

    /// An address list (completed from the address book).
    pub fn is_address(self) -> bool {
        matches!(self, Field::To | Field::Cc | Field::Bcc)
    }

    /// The next field (`forward`) or the previous one, stopping at the ends.
    pub fn step(self, forward: bool) -> Field {
        let i = Field::ALL.iter().position(|f| *f == self).unwrap_or(0);
        let j = if forward {
            (i + 1).min(Field::ALL.len() - 1)
        } else {
            i.saturating_sub(1)
        };
        Field::ALL[j]
    }
}

/// The message being written.
pub struct Composer {
    /// The account it was opened in (the one that sends, unless From names another's).
    pub account: String,
    /// The draft's key in the store (autosaved there as the user types).
    pub draft_id: String,
    /// What the title says: `New message`, `Reply`, `Forward`, `Draft`.
    pub title: String,
    pub from: LineInput,
    pub to: LineInput,
    pub cc: LineInput,
    pub bcc: LineInput,
    pub subject: LineInput,
    pub body: TextArea<'static>,
    pub attachments: Vec<DraftAttachment>,
    /// The attachment the cursor is on when the Attachments field has it.
    pub attachment_cursor: usize,
    pub field: Field,
    /// Typing text (insert mode), else vim-like normal mode.
    pub insert: bool,
    /// The message this answers (flagged \Answered / $Forwarded once sent).
    pub answers: Option<Answers>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// The Message-ID of its copy in Drafts (replaced by the next postpone, removed on send).
    pub postponed: Option<String>,
    /// Changed since the last autosave; saved when `save_due` passes.
    pub save_due: Option<Instant>,
    /// Completions for the address being typed in To/Cc/Bcc (or identities in From).
    pub suggestions: Vec<String>,
    /// What `u` takes back, newest last: the body's edits grouped as vim undoes them (a whole
    /// insert session, or one normal-mode command — `dd` is two edits of the text area), a
    /// header field's text before a change, the attachments before one was removed.
    undo_groups: Vec<UndoStep>,
    redo_groups: Vec<UndoStep>,
    /// Edits of the body since insert mode began.
    open_group: usize,
    /// A header field as it was when typing in it began: one undo step when typing ends.
    typing_in: Option<(Field, LineInput)>,
}

/// One step of the composer's undo.
#[derive(Debug, Clone)]
enum UndoStep {
    /// So many edits of the body's text area.
    Body(usize),
    /// A header field as it was.
    Field(Field, LineInput),
    /// The attachments as they were.
    Attachments(Vec<DraftAttachment>),
}

/// Addresses as typed in a field: `Name <addr>, other@x`.
pub fn format_addresses(list: &[Address]) -> String {
    list.iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The addresses of a field's text (lenient: what the header parser reads from
/// `To: <text>`).
pub fn parse_addresses(text: &str) -> Vec<Address> {
    crate::mail::address::addresses(text.as_bytes())
        .into_iter()
        .filter(|a| !a.email.trim().is_empty() || a.name.is_some())
        .collect()
}

impl Composer {
    /// A composer showing `draft`, opened in `account`, in normal mode on the first field that
    /// needs filling (To when empty, else the body).
    pub fn new(account: &str, title: &str, draft: &Draft, answers: Option<Answers>) -> Composer {
        let mut body = TextArea::new(if draft.body.is_empty() {
            vec![String::new()]
        } else {
            draft
                .body
                .replace("\r\n", "\n")
                .split('\n')
                .map(str::to_string)
                .collect()
        });
        body.set_max_histories(200);
        let field = if draft.to.is_empty() && draft.cc.is_empty() {
            Field::To
        } else {
            Field::Body
        };
        Composer {
            account: account.to_string(),
            draft_id: draft.id.clone(),
            title: title.to_string(),
            from: LineInput::with(&draft.from.to_string()),
            to: LineInput::with(&format_addresses(&draft.to)),
            cc: LineInput::with(&format_addresses(&draft.cc)),
            bcc: LineInput::with(&format_addresses(&draft.bcc)),
            subject: LineInput::with(&draft.subject),
            body,
            attachments: draft.attachments.clone(),
            attachment_cursor: 0,
            field,
            insert: false,
            answers,
            in_reply_to: draft.in_reply_to.clone(),
            references: draft.references.clone(),
            postponed: None,
            save_due: None,
            suggestions: Vec::new(),
            undo_groups: Vec::new(),
            redo_groups: Vec::new(),
            open_group: 0,
            typing_in: None,
        }
    }

    /// Typing starts (or moves) in the current field: remember a header field as it is.
    pub fn begin_typing(&mut self) {
        self.end_typing();
        if self.insert {
            self.typing_in = self.line(self.field).cloned().map(|l| (self.field, l));
        }
    }

    /// Typing in a header field ends: what changed there is one undo step.
    fn end_typing(&mut self) {
        if let Some((f, before)) = self.typing_in.take() {
            if self.line(f).is_some_and(|now| now.text != before.text) {
                self.redo_groups.clear();
                self.undo_groups.push(UndoStep::Field(f, before));
            }
        }
    }

    /// `n` edits were made to the body: part of the open insert session, or (in normal mode)
    /// one undoable command.
    pub fn body_edited(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        self.redo_groups.clear();
        if self.insert {
            self.open_group += n;
        } else {
            self.undo_groups.push(UndoStep::Body(n));
        }
        self.touch();
    }

    /// A header field is about to change (a normal-mode command): `u` brings it back.
    pub fn field_edited(&mut self, f: Field) {
        if let Some(line) = self.line(f).cloned() {
            self.redo_groups.clear();
            self.undo_groups.push(UndoStep::Field(f, line));
        }
    }

    /// The attachments are about to change: `u` brings them back.
    pub fn attachments_edited(&mut self) {
        self.redo_groups.clear();
        self.undo_groups
            .push(UndoStep::Attachments(self.attachments.clone()));
    }

    /// Apply an undo step, returning the step that takes it back again.
    fn apply_step(&mut self, step: UndoStep, undo: bool) -> UndoStep {
        match step {
            UndoStep::Body(n) => {
                for _ in 0..n {
                    if undo {
                        self.body.undo();
                    } else {
                        self.body.redo();
                    }
                }
                self.field = Field::Body;
                UndoStep::Body(n)
            }
            UndoStep::Field(f, line) => {
                let now = self.line(f).cloned().unwrap_or_default();
                if let Some(l) = self.line_mut(f) {
                    *l = line;
                }
                self.field = f;
                UndoStep::Field(f, now)
            }
            UndoStep::Attachments(list) => {
                let now = std::mem::replace(&mut self.attachments, list);
                self.attachment_cursor = self
                    .attachment_cursor
                    .min(self.attachments.len().saturating_sub(1));
                self.field = Field::Attachments;
                UndoStep::Attachments(now)
            }
        }
    }

    /// Leave insert mode: what was typed becomes one undo step.
    pub fn end_insert(&mut self) {
        self.end_typing();
        self.insert = false;
        if self.open_group > 0 {
            self.undo_groups
                .push(UndoStep::Body(std::mem::take(&mut self.open_group)));
        }
        self.suggestions.clear();
    }

    /// `u`: take back the last group of edits (an insert session, one command).
    pub fn undo(&mut self) -> bool {
        if self.open_group > 0 {
            self.undo_groups
                .push(UndoStep::Body(std::mem::take(&mut self.open_group)));
        }
        let Some(step) = self.undo_groups.pop() else {
            return false;
        };
        let back = self.apply_step(step, true);
        self.redo_groups.push(back);
        self.touch();
        true
    }

    /// `Ctrl-R`: redo what `u` took back.
    pub fn redo(&mut self) -> bool {
        let Some(step) = self.redo_groups.pop() else {
            return false;
        };
        let back = self.apply_step(step, false);
        self.undo_groups.push(back);
        self.touch();
        true
    }

    /// Style the body for `theme`: its text, and its cursor drawn (reverse video) only while
    /// the body has the cursor. Called after every change of field.
    pub fn style_body(&mut self, theme: &crate::ui::theme::Theme) {
        use ratatui::style::{Modifier, Style};
        self.body.set_style(theme.style("preview"));
        self.body.set_cursor_line_style(Style::default());
        self.body.set_cursor_style(if self.field == Field::Body {
            theme.style("preview").add_modifier(Modifier::REVERSED)
        } else {
            theme.style("preview")
        });
    }

    /// The one-line input of a header field (none for Attachments and Body).
    pub fn line_mut(&mut self, f: Field) -> Option<&mut LineInput> {
        match f {
            Field::From => Some(&mut self.from),
            Field::To => Some(&mut self.to),
            Field::Cc => Some(&mut self.cc),
            Field::Bcc => Some(&mut self.bcc),
            Field::Subject => Some(&mut self.subject),
            Field::Attachments | Field::Body => None,
        }
    }

    pub fn line(&self, f: Field) -> Option<&LineInput> {
        match f {
            Field::From => Some(&self.from),
            Field::To => Some(&self.to),
            Field::Cc => Some(&self.cc),
            Field::Bcc => Some(&self.bcc),
            Field::Subject => Some(&self.subject),
            Field::Attachments | Field::Body => None,
        }
    }

    /// The body's text, lines joined with `\n`.
    pub fn body_text(&self) -> String {
        self.body.lines().join("\n")
    }

    /// Replace the body (after $EDITOR), as one undoable change.
    pub fn set_body(&mut self, text: &str) {
        let mut fresh = TextArea::new(
            text.trim_end_matches('\n')
                .split('\n')
                .map(|l| l.trim_end_matches('\r').to_string())
                .collect(),
        );
        fresh.set_max_histories(200);
        fresh.set_style(self.body.style());
        fresh.set_cursor_style(self.body.cursor_style());
        fresh.set_cursor_line_style(self.body.cursor_line_style());
        self.body = fresh;
        self.undo_groups.clear();
        self.redo_groups.clear();
        self.open_group = 0;
    }

    /// The draft as written so far (addresses read leniently: nothing typed is lost).
    pub fn draft(&self) -> Draft {
        Draft {
            id: self.draft_id.clone(),
            from: parse_addresses(&self.from.text)
                .into_iter()
                .next()
                .unwrap_or_default(),
            to: parse_addresses(&self.to.text),
            cc: parse_addresses(&self.cc.text),
            bcc: parse_addresses(&self.bcc.text),
            subject: self.subject.text.clone(),
            body: self.body_text(),
            in_reply_to: self.in_reply_to.clone(),
            references: self.references.clone(),
            attachments: self.attachments.clone(),
        }
    }

    /// Something changed: save it within a second (the event loop wakes for it).
    pub fn touch(&mut self) {
        if self.save_due.is_none() {
            self.save_due = Some(Instant::now() + std::time::Duration::from_millis(800));
        }
    }

    /// The word being typed in an address field: after the last comma, trimmed.
    pub fn current_address_word(&self) -> Option<String> {
        let line = self.line(self.field)?;
        let before = &line.text[..line.cursor.min(line.text.len())];
        let word = before.rsplit(',').next().unwrap_or("").trim();
        (!word.is_empty()).then(|| word.to_string())
    }

    /// Put `address` in place of the word being typed, followed by `, `.
    pub fn accept_address(&mut self, address: &str) {
        let f = self.field;
        let Some(line) = self.line_mut(f) else {
            return;
        };
        let cut = line.cursor.min(line.text.len());
        let start = line.text[..cut].rfind(',').map_or(0, |i| i + 1);
        let rest = line.text[cut..].to_string();
        let head = line.text[..start].to_string();
        let sep = if head.is_empty() { "" } else { " " };
        let text = format!(
            "{head}{sep}{address}, {}",
            rest.trim_start_matches([',', ' '])
        );
        let cursor = head.len() + sep.len() + address.len() + 2;
        *line = LineInput {
            cursor: cursor.min(text.len()),
            text,
        };
        self.suggestions.clear();
    }
}
