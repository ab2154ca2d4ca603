//! Writing mail: opening the composer (new, reply, reply-all, forward, a draft, an Outbox
//! message), its keys in normal and insert mode, attachments, $EDITOR, autosave, postpone to
//! Drafts, and sending through the Outbox (the account's SMTP worker sends it after
//! `send_delay`; `undo-send` takes it back meanwhile).

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tui_textarea::CursorMove;

use super::compose::{Composer, Field};
use super::registry::Op;
use super::{App, Command, Confirmed, LineInput, Mode};
use crate::input::{Binding, Code, Key};
use crate::mail::compose::{self, Draft, DraftAttachment};
use crate::mail::{Address, Flags, Role};
use crate::store::{Answers, DraftRecord, JournalOp, OutboxRecord, OutboxState};

/// A request to the event loop: suspend the screen and run $EDITOR on `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditRequest {
    pub path: std::path::PathBuf,
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A new draft id: unique in this store (time and a counter).
fn new_draft_id() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// How a composer is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    New,
    Reply,
    ReplyAll,
    Forward,
}

impl App {
    /// The From address of `account` (its first identity).
    fn identity(&self, account: &str) -> Address {
        self.compose_settings
            .get(account)
            .and_then(|s| s.identities.first().cloned())
            .unwrap_or_else(|| Address {
                name: None,
                email: self
                    .own_addresses
                    .get(account)
                    .and_then(|a| a.first().cloned())
                    .unwrap_or_default(),
            })
    }

    /// Every address of the user, lowercased (all accounts, all identities).
    fn all_own_addresses(&self) -> Vec<String> {
        let mut v: Vec<String> = self.own_addresses.values().flatten().cloned().collect();
        for s in self.compose_settings.values() {
            v.extend(s.identities.iter().map(|a| a.email.to_ascii_lowercase()));
        }
        v.sort();
        v.dedup();
        v
    }

    /// Open the composer on `draft` (the keyboard goes to it).
    pub(super) fn open_composer(
        &mut self,
        account: &str,
        title: &str,
        mut draft: Draft,
        answers: Option<Answers>,
    ) {
        if draft.id.is_empty() {
            draft.id = new_draft_id();
        }
        let mut c = Composer::new(account, title, &draft, answers);
        c.style_body(&self.theme);
        c.touch();
        self.composer = Some(c);
        self.mode = Mode::Normal;
        self.status.info = Some(
            "i types, Esc stops, Tab next field, Ctrl-S sends, Ctrl-E opens $EDITOR, q aborts"
                .into(),
        );
    }

    /// `compose`, `reply`, `reply-all`, `forward`.
    pub(super) fn start_composing(&mut self, how: Opening, out: &mut Vec<Command>) {
        if self.composer.is_some() {
            self.status.error =
                Some("a message is being written: send, postpone or abort it first".into());
            return;
        }
        let account = if self.list.is_open() {
            self.list.account.clone()
        } else {
            self.tree.accounts.first().cloned().unwrap_or_default()
        };
        if how == Opening::New {
            let from = self.identity(&account);
            let mut body = String::new();
            if let Some(sig) = self
                .compose_settings
                .get(&account)
                .and_then(|s| s.signature.clone())
            {
                body = compose::reply::append_signature("\n", &sig);
            }
            let draft = Draft {
                from,
                body,
                ..Draft::default()
            };
            self.open_composer(&account, "New message", draft, None);
            return;
        }
        // Reply and forward work on the message in the preview, else the one under the cursor.
        let target = match &self.preview.target {
            Some(t) if self.focus == super::Pane::Preview => Some(t.clone()),
            _ => self
                .list
                .selected()
                .map(|e| (self.list.account.clone(), self.list.folder.clone(), e.uid)),
        };
        let Some((account, folder, uid)) = target else {
            self.status.info = Some("no message selected".into());
            return;
        };
        match self.store.body(&account, &folder, uid) {
            Ok(Some(raw)) => self.answer(how, &account, &folder, uid, &raw),
            Ok(None) => {
                // Not cached yet: fetch it, and answer when it arrives.
                self.pending_answer = Some((how, account.clone(), folder.clone(), uid));
                self.status.info = Some("fetching the message to answer it…".into());
                out.push(Command::FetchBody {
                    account,
                    folder,
                    uid,
                });
            }
            Err(e) => self.status.error = Some(e.to_string()),
        }
    }

    /// The body of a message that an answer waits for arrived (or failed).
    pub(super) fn answer_ready(&mut self, account: &str, folder: &str, uid: u32) {
        let Some((how, a, f, u)) = self.pending_answer.take() else {
            return;
        };
        if (a.as_str(), f.as_str(), u) != (account, folder, uid) {
            self.pending_answer = Some((how, a, f, u));
            return;
        }
        if let Ok(Some(raw)) = self.store.body(account, folder, uid) {
            self.answer(how, account, folder, uid, &raw);
        }
    }

    /// Open a reply or forward of the message `raw` (in `account/folder/uid`).
    fn answer(&mut self, how: Opening, account: &str, folder: &str, uid: u32, raw: &[u8]) {
        let original = compose::reply::Original::parse(raw);
        let settings = self
            .compose_settings
            .get(account)
            .cloned()
            .unwrap_or_default();
        let style = compose::reply::Style {
            attribution: if settings.attribution.is_empty() {
                compose::reply::DEFAULT_ATTRIBUTION.to_string()
            } else {
                settings.attribution.clone()
            },
            signature: settings.signature.clone(),
        };
        // Answer as the identity the original was sent to, when it was one of ours.
        let own = self.all_own_addresses();
        let addressed: Vec<&Address> = original.to.iter().chain(&original.cc).collect();
        let from = settings
            .identities
            .iter()
            .find(|i| {
                addressed
                    .iter()
                    .any(|a| a.email.eq_ignore_ascii_case(&i.email))
            })
            .cloned()
            .unwrap_or_else(|| self.identity(account));
        let (draft, title, forwarded) = match how {
            Opening::Forward => {
                let as_ = if settings.forward_attached {
                    compose::forward::ForwardAs::Attachment
                } else {
                    compose::forward::ForwardAs::Inline
                };
                (
                    compose::forward::forward(&original, from, as_, &style),
                    "Forward",
                    true,
                )
            }
            _ => (
                compose::reply::reply(&original, from, how == Opening::ReplyAll, &own, &style),
                if how == Opening::ReplyAll {
                    "Reply to all"
                } else {
                    "Reply"
                },
                false,
            ),
        };
        let answers = Answers {
            account: account.to_string(),
            folder: folder.to_string(),
            uid,
            message_id: original.message_id.clone(),
            forwarded,
        };
        // The message answered stays readable beside the composer.
        if self.show_preview && !self.preview.is_showing(account, folder, uid) {
            let width = self.preview_size().0;
            self.preview.show(account, folder, uid, raw.to_vec(), width);
        }
        self.open_composer(account, title, draft, Some(answers));
        // The cursor goes where the answer is written: under the quote (a reply), above the
        // forwarded block (a forward).
        if let Some(c) = &mut self.composer {
            let lines = c.body.lines().to_vec();
            let row = if forwarded {
                0
            } else {
                lines
                    .iter()
                    .rposition(|l| l.starts_with('>'))
                    .map_or(0, |i| (i + 1).min(lines.len().saturating_sub(1)))
            };
            c.body.move_cursor(CursorMove::Jump(row as u16, 0));
        }
    }

    /// A message of the Drafts folder opened: it resumes in the composer (its copy in Drafts
    /// is replaced when it is postponed again, and removed when it is sent).
    pub(super) fn resume_draft(&mut self, account: &str, folder: &str, uid: u32) -> bool {
        let Ok(Some(raw)) = self.store.body(account, folder, uid) else {
            return false;
        };
        let o = compose::reply::Original::parse(&raw);
        let draft = Draft {
            from: o
                .from
                .first()
                .cloned()
                .unwrap_or_else(|| self.identity(account)),
            to: o.to.clone(),
            cc: o.cc.clone(),
            subject: o.subject.clone(),
            body: o.text.clone(),
            references: o.references.clone(),
            attachments: o.attachments.clone(),
            ..Draft::default()
        };
        self.open_composer(account, "Draft", draft, None);
        if let Some(c) = &mut self.composer {
            c.postponed = o.message_id.clone();
        }
        true
    }

    /// The composer's keys: its layer in normal or insert mode. In insert mode keys it does
    /// not bind are typed; in normal mode they do nothing.
    pub(super) fn composer_key(
        &mut self,
        ctx: crate::input::Context,
        key: Key,
        out: &mut Vec<Command>,
    ) {
        let before = self.composer.as_ref().map(|c| (c.field, c.insert));
        self.composer_key_inner(ctx, key, out);
        let theme = self.theme.clone();
        if let Some(c) = &mut self.composer {
            c.style_body(&theme);
            // Typing began, or moved to another field: a header field's text before it is
            // kept for one undo step.
            if c.insert && before != Some((c.field, true)) {
                c.begin_typing();
            }
        }
    }

    fn composer_key_inner(&mut self, ctx: crate::input::Context, key: Key, out: &mut Vec<Command>) {
        // Esc and the next key in one read arrive as Alt-key (a fast typist leaving insert mode
        // to type a command): taken as the two keys when the layer does not bind the Alt-key.
        if ctx == crate::input::Context::ComposerInsert
            && key.alt
            && self.pending_keys.is_empty()
            && matches!(
                self.keymap.resolve(ctx, &[key]),
                crate::input::Resolved::Unbound
            )
        {
            let esc = Key {
                code: Code::Esc,
                ctrl: false,
                alt: false,
            };
            self.composer_key_inner(ctx, esc, out);
            let plain = Key { alt: false, ..key };
            let next = if self.composer.as_ref().is_some_and(|c| c.insert) {
                crate::input::Context::ComposerInsert
            } else {
                crate::input::Context::Composer
            };
            self.composer_key_inner(next, plain, out);
            return;
        }
        self.pending_keys.push(key);
        match self.keymap.resolve(ctx, &self.pending_keys) {
            crate::input::Resolved::Command(b) => {
                self.pending_keys.clear();
                self.composer_op(b, out);
            }
            crate::input::Resolved::Pending => {}
            crate::input::Resolved::Unbound => {
                let keys = std::mem::take(&mut self.pending_keys);
                if ctx == crate::input::Context::ComposerInsert {
                    for k in keys {
                        self.type_key(k);
                    }
                } else if key.code != Code::Esc {
                    self.status.info = Some(format!(
                        "{} does nothing here (i types; ? shows the keys)",
                        crate::input::format_keys(&keys)
                    ));
                }
            }
        }
    }

    /// A key typed as text in insert mode.
    fn type_key(&mut self, k: Key) {
        let Some(c) = &mut self.composer else {
            return;
        };
        match c.field {
            Field::Body => {
                let changed = c.body.input(k.to_event());
                c.body_edited(usize::from(changed));
            }
            Field::Attachments => {}
            f => {
                if k.code == Code::Enter && !c.suggestions.is_empty() {
                    // Enter takes the completion shown first, as Tab does.
                    let first = c.suggestions[0].clone();
                    if f == Field::From {
                        c.from = LineInput::with(&first);
                        c.suggestions.clear();
                    } else {
                        c.accept_address(&first);
                    }
                } else if k.code == Code::Enter {
                    c.field = f.step(true);
                } else if let Some(line) = c.line_mut(f) {
                    line.edit(k);
                }
            }
        }
        c.touch();
        self.refresh_suggestions();
    }

    /// Text pasted while composing.
    pub(super) fn composer_paste(&mut self, text: &str) {
        let Some(c) = &mut self.composer else {
            return;
        };
        match c.field {
            Field::Body => {
                let changed = c.body.insert_str(text.replace("\r\n", "\n"));
                c.body_edited(usize::from(changed));
            }
            Field::Attachments => {}
            f => {
                if let Some(line) = c.line_mut(f) {
                    for ch in text.chars().filter(|c| !c.is_control()) {
                        line.insert(ch);
                    }
                }
            }
        }
        c.touch();
    }

    /// The completions of the word being typed in an address field (or the identities, in
    /// From): the address book's entries that contain it, most written-to first.
    fn refresh_suggestions(&mut self) {
        let Some(c) = &self.composer else {
            return;
        };
        let field = c.field;
        let word = c.current_address_word();
        if !(field.is_address() || field == Field::From) || !c.insert {
            if let Some(c) = &mut self.composer {
                c.suggestions.clear();
            }
            return;
        }
        let candidates: Vec<String> = if field == Field::From {
            let mut ids: Vec<String> = Vec::new();
            for s in self.compose_settings.values() {
                ids.extend(s.identities.iter().map(|a| a.to_string()));
            }
            ids
        } else {
            self.address_book().to_vec()
        };
        let Some(word) = word.map(|w| w.to_lowercase()) else {
            if let Some(c) = &mut self.composer {
                c.suggestions.clear();
            }
            return;
        };
        // Best first: a name or address that starts with what is typed, then one of whose words
        // does, then any that contains it; among equals the address book's order (most
        // written-to first).
        let rank = |a: &str| -> Option<u8> {
            let l = a.to_lowercase();
            if l == word || !l.contains(&word) {
                return None;
            }
            let email = l
                .rsplit_once('<')
                .map_or(l.as_str(), |(_, e)| e.trim_end_matches('>'));
            if l.starts_with(&word) || email.starts_with(&word) {
                Some(0)
            } else if l
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w.starts_with(&word))
            {
                Some(1)
            } else {
                Some(2)
            }
        };
        let mut ranked: Vec<(u8, usize, String)> = candidates
            .into_iter()
            .enumerate()
            .filter_map(|(i, a)| rank(&a).map(|r| (r, i, a)))
            .collect();
        ranked.sort();
        let found: Vec<String> = ranked.into_iter().take(6).map(|(_, _, a)| a).collect();
        if let Some(c) = &mut self.composer {
            c.suggestions = found;
        }
    }

    /// Addresses seen in the account's mail (newest INBOX and Sent messages), most frequent
    /// first, the user's own left out: built once, when first needed.
    fn address_book(&mut self) -> &[String] {
        if self.address_book.is_none() {
            let account = self
                .composer
                .as_ref()
                .map(|c| c.account.clone())
                .unwrap_or_default();
            let own = self.all_own_addresses();
            let mut counts: std::collections::HashMap<String, (u32, Address)> = Default::default();
            let folders: Vec<String> = [Role::Inbox, Role::Sent]
                .iter()
                .filter_map(|r| self.account_role_folder(&account, *r))
                .collect();
            for f in folders {
                let _ = self
                    .store
                    .for_each_newest_envelope(&account, &f, 3000, |e| {
                        for a in e.from.iter().chain(&e.to).chain(&e.cc) {
                            let key = a.email.to_ascii_lowercase();
                            if key.is_empty() || own.contains(&key) {
                                continue;
                            }
                            let entry = counts.entry(key).or_insert((0, a.clone()));
                            entry.0 += 1;
                            if entry.1.name.is_none() && a.name.is_some() {
                                entry.1 = a.clone();
                            }
                        }
                    });
            }
            let mut all: Vec<(u32, Address)> = counts.into_values().collect();
            all.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.email.cmp(&b.1.email)));
            self.address_book = Some(all.into_iter().map(|(_, a)| a.to_string()).collect());
        }
        self.address_book.as_deref().unwrap_or(&[])
    }

    /// Run a command of the composer's layers (or any other command bound there).
    fn composer_op(&mut self, b: Binding, out: &mut Vec<Command>) {
        let op = b.command.op;
        let Some(c) = &mut self.composer else {
            return;
        };
        let in_body = c.field == Field::Body;
        match op {
            Op::InsertMode => c.insert = c.field != Field::Attachments,
            Op::AppendMode => {
                if in_body {
                    c.body.move_cursor(CursorMove::Forward);
                } else if let Some(l) = c.line_mut(c.field) {
                    l.apply(Op::CursorRight);
                }
                c.insert = c.field != Field::Attachments;
            }
            Op::InsertLineStart | Op::AppendLineEnd => {
                let start = op == Op::InsertLineStart;
                if in_body {
                    c.body.move_cursor(if start {
                        CursorMove::Head
                    } else {
                        CursorMove::End
                    });
                } else if let Some(l) = c.line_mut(c.field) {
                    l.apply(if start { Op::LineStart } else { Op::LineEnd });
                }
                c.insert = c.field != Field::Attachments;
            }
            Op::OpenBelow | Op::OpenAbove => {
                if !in_body {
                    c.field = Field::Body;
                }
                if op == Op::OpenBelow {
                    c.body.move_cursor(CursorMove::End);
                    c.body.insert_newline();
                } else {
                    c.body.move_cursor(CursorMove::Head);
                    c.body.insert_newline();
                    c.body.move_cursor(CursorMove::Up);
                }
                // The new line and what is typed on it are one undo step.
                c.insert = true;
                c.body_edited(1);
            }
            Op::NormalMode | Op::Cancel => c.end_insert(),
            Op::CursorLeft | Op::CursorRight | Op::LineStart | Op::LineEnd => {
                if in_body {
                    c.body.move_cursor(match op {
                        Op::CursorLeft => CursorMove::Back,
                        Op::CursorRight => CursorMove::Forward,
                        Op::LineStart => CursorMove::Head,
                        _ => CursorMove::End,
                    });
                } else if let Some(l) = c.line_mut(c.field) {
                    l.apply(op);
                }
            }
            Op::CursorUp | Op::CursorDown => {
                let down = op == Op::CursorDown;
                match c.field {
                    Field::Body if !down && c.body.cursor().0 == 0 => c.field = Field::Attachments,
                    Field::Body => c.body.move_cursor(if down {
                        CursorMove::Down
                    } else {
                        CursorMove::Up
                    }),
                    Field::Attachments if down => {
                        if c.attachment_cursor + 1 < c.attachments.len() {
                            c.attachment_cursor += 1;
                        } else {
                            c.field = Field::Body;
                        }
                    }
                    Field::Attachments if c.attachment_cursor > 0 => c.attachment_cursor -= 1,
                    f => c.field = f.step(down),
                }
            }
            Op::WordForward | Op::WordBack if in_body => {
                c.body.move_cursor(if op == Op::WordForward {
                    CursorMove::WordForward
                } else {
                    CursorMove::WordBack
                })
            }
            Op::First | Op::Last if in_body => c.body.move_cursor(if op == Op::First {
                CursorMove::Top
            } else {
                CursorMove::Bottom
            }),
            Op::First => c.field = Field::From,
            Op::Last => c.field = Field::Body,
            Op::DeleteChar | Op::DeleteLine | Op::DeleteToEnd => {
                match c.field {
                    Field::Body => {
                        let n = match op {
                            Op::DeleteChar => usize::from(c.body.delete_next_char()),
                            Op::DeleteToEnd => usize::from(c.body.delete_line_by_end()),
                            _ => {
                                c.body.move_cursor(CursorMove::Head);
                                let cut = usize::from(c.body.delete_line_by_end());
                                let joined = if c.body.delete_next_char() {
                                    1
                                } else {
                                    usize::from(c.body.delete_char())
                                };
                                cut + joined
                            }
                        };
                        c.body_edited(n);
                    }
                    Field::Attachments => {
                        let n = c.attachment_cursor + 1;
                        self.detach(Some(n.to_string()));
                        return;
                    }
                    f => {
                        c.field_edited(f);
                        if let Some(l) = c.line_mut(f) {
                            match op {
                                Op::DeleteChar => {
                                    l.apply(Op::DeleteForward);
                                }
                                Op::DeleteToEnd => l.text.truncate(l.cursor),
                                _ => *l = LineInput::default(),
                            }
                        }
                    }
                }
                c.touch();
            }
            Op::Undo => {
                if !c.undo() {
                    self.status.info = Some("nothing to undo in this message".into());
                }
            }
            Op::Redo => {
                if !c.redo() {
                    self.status.info = Some("nothing to redo".into());
                }
            }
            Op::NextField | Op::PrevField => {
                let forward = op == Op::NextField;
                // In an address being typed, Tab first takes the best completion.
                if forward && c.insert && !c.suggestions.is_empty() {
                    let first = c.suggestions[0].clone();
                    if c.field == Field::From {
                        c.from = LineInput::with(&first);
                        c.suggestions.clear();
                    } else {
                        c.accept_address(&first);
                    }
                    c.touch();
                    return;
                }
                c.suggestions.clear();
                c.field = c.field.step(forward);
                if c.field == Field::Attachments && c.insert {
                    c.field = c.field.step(forward);
                }
            }
            // Ctrl-N / Ctrl-P: the next or previous completion comes first.
            Op::Complete | Op::CompletePrev if !c.suggestions.is_empty() => {
                if op == Op::Complete {
                    c.suggestions.rotate_left(1);
                } else {
                    c.suggestions.rotate_right(1);
                }
            }
            Op::Attach if b.arg.is_none() => {
                self.mode = Mode::Command(LineInput::with("attach "));
            }
            // Anything else (send, edit, abort, :, ?, quit...) runs as anywhere.
            _ => {
                self.run(op, None, b.arg, out);
            }
        }
    }

    /// `:attach PATH`: a file to send with the message (`~` expands). A missing or unreadable
    /// file is refused here, not at sending.
    pub(super) fn attach(&mut self, path: &str) {
        let Some(c) = &mut self.composer else {
            self.status.error = Some("attach: no message is being written (C writes one)".into());
            return;
        };
        let p = crate::config::paths::expand_tilde(path.trim());
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => {
                self.status.error = Some(format!("attach: {} is a directory", p.display()));
            }
            Ok(_) => match std::fs::File::open(&p) {
                Ok(_) => {
                    c.attachments_edited();
                    c.attachments.push(DraftAttachment::file(&p));
                    c.attachment_cursor = c.attachments.len() - 1;
                    c.touch();
                    self.status.info = Some(format!("attached {}", p.display()));
                }
                Err(e) => {
                    self.status.error = Some(format!("attach: cannot read {}: {e}", p.display()))
                }
            },
            Err(e) => self.status.error = Some(format!("attach: {}: {e}", p.display())),
        }
    }

    /// `:detach N`, or the attachment under the cursor.
    pub(super) fn detach(&mut self, which: Option<String>) {
        let Some(c) = &mut self.composer else {
            self.status.error = Some("detach: no message is being written".into());
            return;
        };
        let n = match which.as_deref().map(str::trim) {
            Some(s) => match s.parse::<usize>() {
                Ok(n) if n >= 1 && n <= c.attachments.len() => n,
                _ => {
                    self.status.error = Some(format!(
                        "detach: no attachment {s} (there are {})",
                        c.attachments.len()
                    ));
                    return;
                }
            },
            None if c.field == Field::Attachments && !c.attachments.is_empty() => {
                c.attachment_cursor + 1
            }
            None => {
                self.status.error = Some("detach: which one? :detach N".into());
                return;
            }
        };
        c.attachments_edited();
        let gone = c.attachments.remove(n - 1);
        c.attachment_cursor = c
            .attachment_cursor
            .min(c.attachments.len().saturating_sub(1));
        c.touch();
        self.status.info = Some(format!("removed attachment {}", attachment_name(&gone)));
    }

    /// Save the composer's draft now (as open: it is offered back at the next start).
    pub fn save_composer(&mut self) {
        let Some(c) = &mut self.composer else {
            return;
        };
        c.save_due = None;
        let r = DraftRecord {
            account: c.account.clone(),
            draft: c.draft(),
            answers: c.answers.clone(),
            updated: now_secs(),
            open: true,
            postponed: c.postponed.clone(),
        };
        if let Err(e) = self.store.put_draft(&r) {
            self.status.error = Some(format!("cannot save the message being written: {e}"));
        }
    }

    /// The timer: save the composer when its autosave is due.
    pub(super) fn on_timer(&mut self) {
        if self
            .composer
            .as_ref()
            .and_then(|c| c.save_due)
            .is_some_and(|t| t <= Instant::now())
        {
            self.save_composer();
        }
    }

    /// When the event loop must wake up next (an autosave), if ever.
    pub fn next_wakeup(&self) -> Option<Instant> {
        self.composer.as_ref().and_then(|c| c.save_due)
    }

    /// The account that sends as `from`: the one whose identities hold it.
    fn account_for(&self, from: &Address) -> Option<String> {
        self.compose_settings
            .iter()
            .find(|(_, s)| {
                s.identities
                    .iter()
                    .any(|i| i.email.eq_ignore_ascii_case(&from.email))
            })
            .map(|(a, _)| a.clone())
    }

    /// `send`: check the message, put it in the Outbox (it waits `send_delay` seconds, undo-send
    /// takes it back), and close the composer. Nothing is lost when a check fails.
    pub(super) fn send(&mut self, out: &mut Vec<Command>) {
        let Some(c) = &self.composer else {
            self.status.error = Some("send: no message is being written".into());
            return;
        };
        let draft = c.draft();
        let Some(account) = self.account_for(&draft.from) else {
            self.status.error = Some(format!(
                "send: From {} is none of your addresses (Tab on From lists them)",
                if draft.from.email.is_empty() {
                    "is empty and".to_string()
                } else {
                    draft.from.to_string()
                }
            ));
            return;
        };
        let settings = self
            .compose_settings
            .get(&account)
            .cloned()
            .unwrap_or_default();
        if settings.via.is_none() {
            self.status.error = Some(format!(
                "send: account {account} has no [accounts.smtp] server to send through"
            ));
            return;
        }
        if draft.to.is_empty() && draft.cc.is_empty() && draft.bcc.is_empty() {
            self.status.error = Some("send: no recipient: add an address to To, Cc or Bcc".into());
            return;
        }
        for (field, list) in [("To", &draft.to), ("Cc", &draft.cc), ("Bcc", &draft.bcc)] {
            if let Some(bad) = list.iter().find(|a| !valid_email(&a.email)) {
                self.status.error = Some(format!("send: {field}: {bad} is not an email address"));
                return;
            }
        }
        for a in &draft.attachments {
            if let compose::AttachmentSource::File(p) = &a.source {
                if let Err(e) = std::fs::File::open(p) {
                    self.status.error = Some(format!("send: attachment {}: {e}", p.display()));
                    return;
                }
            }
        }
        if draft.subject.trim().is_empty() && !self.send_anyway {
            self.mode = Mode::Confirm {
                prompt: "Send without a subject? (y/n)".into(),
                on_yes: Confirmed::SendAnyway,
            };
            return;
        }
        self.send_anyway = false;
        let answers = c.answers.clone();
        let postponed = c.postponed.clone();
        let subject = draft.subject.clone();
        let record = OutboxRecord {
            id: 0,
            account: account.clone(),
            draft: draft.clone(),
            built: None,
            state: OutboxState::Waiting {
                not_before: now_secs() + settings.send_delay as i64,
                reason: None,
            },
            answers: answers.clone(),
            queued: now_secs(),
            attempts: 0,
        };
        let id = match self.store.outbox_push(record) {
            Ok(id) => id,
            Err(e) => {
                self.status.error = Some(format!("send: cannot queue the message: {e}"));
                return;
            }
        };
        // The draft record stays (closed) until the message is out; its Drafts copy goes.
        let _ = self.store.put_draft(&DraftRecord {
            account: account.clone(),
            draft,
            answers,
            updated: now_secs(),
            open: false,
            postponed: None,
        });
        if let Some(old) = postponed {
            self.drop_postponed(&account, &old, out);
        }
        self.composer = None;
        self.address_book = None;
        self.remember(super::undo::UndoRecord::Sent {
            account: account.clone(),
            id,
        });
        self.status.info = Some(if settings.send_delay > 0 {
            format!(
                "“{subject}” goes in {} s (u or :undo-send takes it back)",
                settings.send_delay
            )
        } else {
            format!("sending “{subject}”…")
        });
        out.push(Command::SendOutbox {
            account: account.clone(),
        });
        self.outbox_changed(&account);
    }

    /// Take a message back from the Outbox into the composer, while it still waits (or after
    /// it failed). Returns false when it is gone or already being sent.
    pub(super) fn take_back(&mut self, id: u64) -> bool {
        if self.composer.is_some() {
            self.status.error =
                Some("a message is being written: send, postpone or abort it first".into());
            return false;
        }
        let Ok(Some(rec)) = self.store.outbox_get(id) else {
            self.status.error = Some("too late: that message is no longer in the Outbox".into());
            return false;
        };
        if matches!(rec.state, OutboxState::Sending { .. }) {
            self.status.error = Some("too late: that message is being sent".into());
            return false;
        }
        match self.store.outbox_transition(&rec, None) {
            Ok(true) => {
                let account = rec.account.clone();
                self.open_composer(&account, "Taken back", rec.draft, rec.answers);
                self.outbox_changed(&account);
                self.status.info = Some("taken back: the message was not sent".into());
                true
            }
            Ok(false) => {
                self.status.error = Some("too late: the message is on its way".into());
                false
            }
            Err(e) => {
                self.status.error = Some(e.to_string());
                false
            }
        }
    }

    /// `undo-send`: the last message sent, back into the composer.
    pub(super) fn undo_send(&mut self) {
        let last = self.undo.iter().rev().find_map(|r| match r {
            super::undo::UndoRecord::Sent { id, .. } => Some(*id),
            _ => None,
        });
        match last {
            Some(id) => {
                if self.take_back(id) {
                    self.undo.retain(
                        |r| !matches!(r, super::undo::UndoRecord::Sent { id: i, .. } if *i == id),
                    );
                }
            }
            None => self.status.info = Some("no message to take back".into()),
        }
    }

    /// `resend`: the Outbox message under the cursor (failed, or interrupted while sending) is
    /// sent again.
    pub(super) fn resend(&mut self, out: &mut Vec<Command>) {
        let Some(id) = self.outbox_selected() else {
            self.status.error =
                Some("resend: open the Outbox and put the cursor on a message".into());
            return;
        };
        match self.store.outbox_resend(id, now_secs()) {
            Ok(Some(r)) => {
                out.push(Command::SendOutbox {
                    account: r.account.clone(),
                });
                self.status.info = Some(format!("sending “{}” again", r.draft.subject));
                self.outbox_changed(&r.account);
            }
            Ok(None) => self.status.info = Some(
                "only a failed or interrupted message is sent again (a waiting one goes by itself)"
                    .into(),
            ),
            Err(e) => self.status.error = Some(e.to_string()),
        }
    }

    /// Throw an Outbox message away (unless the worker is sending it right now).
    pub(super) fn drop_outbox(&mut self, id: u64) {
        let Ok(Some(rec)) = self.store.outbox_get(id) else {
            return;
        };
        if matches!(rec.state, OutboxState::Sending { .. }) {
            self.status.error = Some("too late: that message is being sent".into());
            return;
        }
        match self.store.outbox_transition(&rec, None) {
            Ok(true) => {
                let _ = self.store.remove_draft(&rec.draft.id);
                self.status.info = Some(format!("“{}” thrown away, not sent", rec.draft.subject));
                self.outbox_changed(&rec.account);
            }
            Ok(false) => self.status.error = Some("it changed meanwhile: look again".into()),
            Err(e) => self.status.error = Some(e.to_string()),
        }
    }

    /// The Outbox record under the list cursor, when the Outbox is open.
    pub(super) fn outbox_selected(&self) -> Option<u64> {
        if !self.is_outbox(&self.list.account, &self.list.folder) {
            return None;
        }
        let uid = self.list.selected()?.uid;
        self.outbox_ids.get(uid.checked_sub(1)? as usize).copied()
    }

    /// Remove a postponed copy from Drafts (the message was sent or postponed again).
    fn drop_postponed(&mut self, account: &str, message_id: &str, out: &mut Vec<Command>) {
        let Some(drafts) = self.account_role_folder(account, Role::Drafts) else {
            return;
        };
        if let Ok(envs) = self.store.envelopes(account, &drafts) {
            for e in envs
                .iter()
                .filter(|e| e.message_id.as_deref() == Some(message_id))
            {
                let _ = self.store.remove_message(account, &drafts, e.uid);
            }
        }
        super::mailops::journal(
            self,
            account,
            JournalOp::ExpungeId {
                folder: drafts.clone(),
                message_id: message_id.to_string(),
            },
            out,
        );
        super::mailops::refresh_counts(self, account, &drafts);
    }

    /// `postpone`: the message goes to the Drafts folder (replacing its earlier copy there)
    /// and the composer closes.
    pub(super) fn postpone(&mut self, out: &mut Vec<Command>) {
        let Some(c) = &self.composer else {
            self.status.error = Some("postpone: no message is being written".into());
            return;
        };
        let account = c.account.clone();
        let Some(drafts) = self.account_role_folder(&account, Role::Drafts) else {
            self.status.error = Some(format!(
                "postpone: {account} has no Drafts folder: set [accounts.folders] drafts = \"NAME\""
            ));
            return;
        };
        let draft = c.draft();
        let mut for_drafts = draft.clone();
        if for_drafts.from.email.is_empty() {
            for_drafts.from = self.identity(&account);
        }
        let built = match compose::build_draft(&for_drafts, SystemTime::now()) {
            Ok(b) => b,
            Err(e) => {
                self.status.error = Some(format!("postpone: {e}"));
                return;
            }
        };
        let old = c.postponed.clone();
        let answers = c.answers.clone();
        if let Some(old) = old {
            self.drop_postponed(&account, &old, out);
        }
        let Some(local_uid) =
            super::mailops::report(self, self.store.allocate_uid(&account, &drafts))
        else {
            return;
        };
        let flags = Flags::default()
            .with(Flags::SEEN, true)
            .with(Flags::DRAFT, true);
        let env = crate::mail::parse::envelope_from_raw(&built.bytes, local_uid, flags, now_secs());
        if super::mailops::report(self, self.store.put_envelopes(&account, &drafts, &[env]))
            .is_none()
            || super::mailops::report(
                self,
                self.store
                    .put_body(&account, &drafts, local_uid, &built.bytes),
            )
            .is_none()
        {
            return;
        }
        super::mailops::journal_for(
            self,
            &account,
            JournalOp::Append {
                folder: drafts.clone(),
                local_uid,
                flags,
                message: built.bytes.clone(),
            },
            Some(built.message_id.clone()),
            out,
        );
        let _ = self.store.put_draft(&DraftRecord {
            account: account.clone(),
            draft,
            answers,
            updated: now_secs(),
            open: false,
            postponed: Some(built.message_id.clone()),
        });
        self.composer = None;
        self.address_book = None;
        super::mailops::refresh_counts(self, &account, &drafts);
        if self.list.account == account && self.list.folder == drafts {
            self.reload_list();
        }
        self.status.info = Some(format!("postponed to {drafts} (open it there to go on)"));
    }

    /// `abort`: discard the message being written, after asking.
    pub(super) fn abort(&mut self) {
        if self.composer.is_none() {
            self.status.info = Some("no message is being written".into());
            return;
        }
        self.mode = Mode::Confirm {
            prompt:
                "Discard this message? (y: discard; n: keep writing — :postpone keeps it in Drafts)"
                    .into(),
            on_yes: Confirmed::DiscardMessage,
        };
    }

    /// The user said yes to discarding.
    pub(super) fn discard(&mut self) {
        if let Some(c) = self.composer.take() {
            let _ = self.store.remove_draft(&c.draft_id);
            self.address_book = None;
            self.status.info = Some("message discarded".into());
        }
    }

    /// `edit`: write the body (or the whole message with `edit_headers`) to a private file and
    /// ask the event loop to run $EDITOR on it.
    pub(super) fn edit(&mut self) {
        let Some(c) = &self.composer else {
            self.status.error = Some("edit: no message is being written".into());
            return;
        };
        let text = if self.edit_headers {
            format!(
                "From: {}\nTo: {}\nCc: {}\nBcc: {}\nSubject: {}\n\n{}\n",
                c.from.text,
                c.to.text,
                c.cc.text,
                c.bcc.text,
                c.subject.text,
                c.body_text()
            )
        } else {
            format!("{}\n", c.body_text())
        };
        if self.scratch.is_none() {
            match crate::files::Scratch::new() {
                Ok(s) => self.scratch = Some(s),
                Err(e) => {
                    self.status.error = Some(format!("edit: no private directory: {e}"));
                    return;
                }
            }
        }
        let Some(scratch) = &self.scratch else {
            return;
        };
        match scratch.write("message.txt", text.as_bytes()) {
            Ok(path) => self.editor = Some(EditRequest { path }),
            Err(e) => self.status.error = Some(format!("edit: {e}")),
        }
    }

    /// $EDITOR finished: read the text back, unless it failed (the text stays as it was).
    pub(super) fn edited(&mut self, path: &std::path::Path, ok: bool, message: Option<String>) {
        if !ok {
            self.status.error = Some(format!(
                "the editor failed{}: the message is as it was",
                message.map(|m| format!(" ({m})")).unwrap_or_default()
            ));
            return;
        }
        let text = match std::fs::read(path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                self.status.error = Some(format!("cannot read back the edited message: {e}"));
                return;
            }
        };
        let headers = self.edit_headers;
        let Some(c) = &mut self.composer else {
            return;
        };
        if headers {
            let (head, body) = match text.split_once("\n\n") {
                Some((h, b)) => (h.to_string(), b.to_string()),
                None => (String::new(), text.clone()),
            };
            for line in head.lines() {
                let Some((name, value)) = line.split_once(':') else {
                    continue;
                };
                let value = value.trim();
                match name.trim().to_ascii_lowercase().as_str() {
                    "from" => c.from = LineInput::with(value),
                    "to" => c.to = LineInput::with(value),
                    "cc" => c.cc = LineInput::with(value),
                    "bcc" => c.bcc = LineInput::with(value),
                    "subject" => c.subject = LineInput::with(value),
                    _ => {}
                }
            }
            c.set_body(&body);
        } else {
            c.set_body(&text);
        }
        c.touch();
        self.status.info = Some("edited".into());
    }

    /// At start: a message that was being written when tmail stopped (quit, killed) comes back.
    pub(super) fn recover_composer(&mut self) {
        let Ok(drafts) = self.store.drafts() else {
            return;
        };
        let Some(r) = drafts
            .into_iter()
            .filter(|d| d.open && self.tree.accounts.contains(&d.account))
            .max_by_key(|d| d.updated)
        else {
            return;
        };
        let postponed = r.postponed.clone();
        self.open_composer(&r.account, "Recovered", r.draft, r.answers);
        if let Some(c) = &mut self.composer {
            c.postponed = postponed;
            c.save_due = None;
        }
        self.status.info =
            Some("the message you were writing is back (:abort discards it, :postpone keeps it in Drafts)".into());
    }

    /// Quitting: with a message being written, ask first (it is kept and comes back next time).
    pub(super) fn request_quit(&mut self) {
        let waiting = self.store.outbox(None).map_or(0, |o| {
            o.iter()
                .filter(|r| {
                    matches!(
                        r.state,
                        OutboxState::Waiting { .. } | OutboxState::Sending { .. }
                    )
                })
                .count()
        });
        if self.composer.is_some() {
            self.mode = Mode::Confirm {
                prompt: if self.ephemeral {
                    "You are writing a message. Quit anyway? The demo forgets it (y/n)".into()
                } else {
                    "You are writing a message. Quit anyway? It is kept and comes back next time (y/n)"
                        .into()
                },
                on_yes: Confirmed::QuitWhileWriting,
            };
        } else if waiting > 0 {
            let n = if waiting == 1 {
                "A message waits".to_string()
            } else {
                format!("{waiting} messages wait")
            };
            self.mode = Mode::Confirm {
                prompt: if self.ephemeral {
                    format!("{n} in the Outbox: the demo forgets it. Quit anyway? (y/n)")
                } else {
                    format!("{n} in the Outbox: it goes when tmail runs next. Quit anyway? (y/n)")
                },
                on_yes: Confirmed::QuitWhileWriting,
            };
        } else {
            self.quit = true;
        }
    }
}

/// A name for an attachment in the status line.
pub fn attachment_name(a: &DraftAttachment) -> String {
    a.name.clone().unwrap_or_else(|| match &a.source {
        compose::AttachmentSource::File(p) => p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string()),
        compose::AttachmentSource::Data(_) => "(attached data)".into(),
    })
}

/// `local@domain` with something on both sides and no space.
fn valid_email(s: &str) -> bool {
    let s = s.trim();
    match s.rsplit_once('@') {
        Some((l, d)) => !l.is_empty() && !d.is_empty() && !s.contains(char::is_whitespace),
        None => false,
    }
}
