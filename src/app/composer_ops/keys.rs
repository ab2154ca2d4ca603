//! The composer's keys: its layers in normal and insert mode (vim-like editing of the fields
//! and the body), address completion, attachments.

use tui_textarea::CursorMove;

use super::attachment_name;
use crate::app::compose::Field;
use crate::app::registry::Op;
use crate::app::{App, Command, LineInput, Mode};
use crate::input::{Binding, Code, Key};
use crate::mail::compose::DraftAttachment;
use crate::mail::{Address, Role};

impl App {
    /// The composer's keys: its layer in normal or insert mode. In insert mode keys it does
    /// not bind are typed; in normal mode they do nothing.
    pub(crate) fn composer_key(
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
    pub(crate) fn composer_paste(&mut self, text: &str) {
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
    pub(crate) fn attach(&mut self, path: &str) {
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
    pub(crate) fn detach(&mut self, which: Option<String>) {
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
}
