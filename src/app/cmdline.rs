//! The `:` command line: an editable line, Tab completion of command and folder names, and
//! running what was typed through the command registry.

use super::registry::{self, Op, Scope, COMMANDS};
use super::{App, Command, Mode};
use crate::input::{Code, Key};

/// A one-line text input with a cursor (a byte index on a char boundary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    pub cursor: usize,
}

impl LineInput {
    pub fn with(text: &str) -> LineInput {
        LineInput {
            text: text.to_string(),
            cursor: text.len(),
        }
    }

    fn prev_boundary(&self) -> usize {
        self.text[..self.cursor]
            .char_indices()
            .next_back()
            .map_or(0, |(i, _)| i)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .chars()
            .next()
            .map_or(self.cursor, |c| self.cursor + c.len_utf8())
    }

    /// Insert a character at the cursor (control characters are refused).
    pub fn insert(&mut self, c: char) {
        if !c.is_control() {
            self.text.insert(self.cursor, c);
            self.cursor += c.len_utf8();
        }
    }

    /// Apply a line-editing command of the `input` layer; false for other commands.
    pub fn apply(&mut self, op: Op) -> bool {
        match op {
            Op::LineStart => self.cursor = 0,
            Op::LineEnd => self.cursor = self.text.len(),
            Op::DeleteToStart => {
                self.text.drain(..self.cursor);
                self.cursor = 0;
            }
            Op::DeleteWord => {
                let before = &self.text[..self.cursor];
                let trimmed = before.trim_end();
                let start = trimmed.rfind(' ').map_or(0, |i| i + 1);
                self.text.drain(start..self.cursor);
                self.cursor = start;
            }
            Op::DeleteBack => {
                if self.cursor > 0 {
                    let p = self.prev_boundary();
                    self.text.drain(p..self.cursor);
                    self.cursor = p;
                }
            }
            Op::DeleteForward => {
                if self.cursor < self.text.len() {
                    let n = self.next_boundary();
                    self.text.drain(self.cursor..n);
                }
            }
            Op::CursorLeft => self.cursor = self.prev_boundary(),
            Op::CursorRight => self.cursor = self.next_boundary(),
            _ => return false,
        }
        true
    }

    /// `delete-to-start` on the `:` line: with the cursor inside the argument of a command
    /// (`save /tmp/x.pdf`), delete back to the start of the argument, keeping `save `; with the
    /// cursor at that start or in the command word, delete back to the start of the line.
    pub fn delete_to_argument_start(&mut self) {
        match argument_start(&self.text) {
            Some(start) if self.cursor > start => {
                self.text.drain(start..self.cursor);
                self.cursor = start;
            }
            _ => {
                self.apply(Op::DeleteToStart);
            }
        }
    }

    /// Apply a key as the shipped `input` layer would (a typed character, or an editing key):
    /// for tests and for text typed outside the keymap.
    pub fn edit(&mut self, key: Key) -> bool {
        let op = match (key.code, key.ctrl) {
            (Code::Char('a'), true) | (Code::Home, _) => Op::LineStart,
            (Code::Char('e'), true) | (Code::End, _) => Op::LineEnd,
            (Code::Char('u'), true) => Op::DeleteToStart,
            (Code::Char('w'), true) => Op::DeleteWord,
            (Code::Backspace, _) => Op::DeleteBack,
            (Code::Delete, _) => Op::DeleteForward,
            (Code::Left, _) => Op::CursorLeft,
            (Code::Right, _) => Op::CursorRight,
            (Code::Char(c), false) if !c.is_control() && !key.alt => {
                self.insert(c);
                return true;
            }
            _ => return false,
        };
        self.apply(op)
    }
}

/// Where the argument of a `:` line starts (a byte index): after the command word and the
/// blanks that follow it. None when no blank follows the command word yet.
pub fn argument_start(text: &str) -> Option<usize> {
    let word_start = text.len() - text.trim_start().len();
    let word_end = word_start + text[word_start..].find(char::is_whitespace)?;
    let rest = &text[word_end..];
    Some(word_end + rest.len() - rest.trim_start().len())
}

/// Tab completion on the `:` line: the candidates for the word being completed and which one
/// is in the line now (`None`: the common prefix, before the first Tab cycles). The wildmenu
/// draws `candidates` with `index` highlighted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// The line before the word being completed (`move `).
    pub prefix: String,
    /// The word as typed.
    pub typed: String,
    pub candidates: Vec<String>,
    pub index: Option<usize>,
    /// Whether a single candidate ends the word (a space follows a command name).
    pub space_after: bool,
}

/// The lines typed on the `:` line and the `/` line, newest last, kept across runs in a file
/// (one per line: `:` or `/` then the text) and browsed with Up/Down.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub entries: Vec<(char, String)>,
    /// Where the history lives (None: this run only, as in tests).
    pub file: Option<std::path::PathBuf>,
    /// While browsing: the entry shown, and what was typed before browsing started.
    pub browsing: Option<(usize, String)>,
}

/// How many lines of each kind the history keeps.
const HISTORY_MAX: usize = 500;

impl History {
    /// Read the history file (a missing or unreadable file is an empty history).
    pub fn load(file: Option<std::path::PathBuf>) -> History {
        let entries = file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|text| {
                text.lines()
                    .filter_map(|l| {
                        let mut cs = l.chars();
                        let kind = cs.next().filter(|k| *k == ':' || *k == '/')?;
                        Some((kind, cs.as_str().to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        History {
            entries,
            file,
            browsing: None,
        }
    }

    /// Remember a line of `kind` (`:` or `/`): once, as the newest; saved at once.
    pub fn push(&mut self, kind: char, text: &str) -> std::io::Result<()> {
        self.browsing = None;
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        self.entries.retain(|(k, t)| !(*k == kind && t == text));
        self.entries.push((kind, text.to_string()));
        let of_kind = self.entries.iter().filter(|(k, _)| *k == kind).count();
        if of_kind > HISTORY_MAX {
            if let Some(i) = self.entries.iter().position(|(k, _)| *k == kind) {
                self.entries.remove(i);
            }
        }
        let Some(file) = &self.file else {
            return Ok(());
        };
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut out = String::new();
        for (k, t) in &self.entries {
            out.push(*k);
            out.push_str(t);
            out.push('\n');
        }
        let tmp = file.with_extension("tmp");
        std::fs::write(&tmp, out)?;
        std::fs::rename(tmp, file)
    }

    /// Step through the lines of `kind` that start with what was typed before browsing
    /// began: `back` to older ones. Returns the text to show, or None when there is no other.
    pub fn step(&mut self, kind: char, typed: &str, back: bool) -> Option<String> {
        let (pos, prefix) = match &self.browsing {
            Some((i, p)) => (Some(*i), p.clone()),
            None => (None, typed.to_string()),
        };
        let matching = |i: &usize| {
            let (k, t) = &self.entries[*i];
            *k == kind && t.starts_with(&prefix)
        };
        let found = if back {
            let end = pos.unwrap_or(self.entries.len());
            (0..end).rev().find(matching)
        } else {
            let start = pos.map_or(self.entries.len(), |p| p + 1);
            (start..self.entries.len()).find(matching)
        };
        match found {
            Some(i) => {
                self.browsing = Some((i, prefix));
                Some(self.entries[i].1.clone())
            }
            None if !back && pos.is_some() => {
                // past the newest: back to what was typed
                self.browsing = None;
                Some(prefix)
            }
            None => None,
        }
    }
}

/// Run a `:` line: `quit`, `folder INBOX`, `search budget`, `move Archive`, a number jumps to that row.
pub(super) fn execute(app: &mut App, text: &str, out: &mut Vec<Command>) {
    let text = text.trim().trim_start_matches(':').trim();
    if text.is_empty() {
        return;
    }
    if let Ok(n) = text.parse::<usize>() {
        // Row n of the list or the folder tree, as `{n}gg` (a row beyond those listed while a
        // folder loads is gone to when it lands); from the preview, message n of the list, opened.
        let reading = app.focus == super::Pane::Preview;
        if reading {
            app.focus = super::Pane::List;
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX).max(1);
        app.run(Op::First, Some(n), None, out);
        if reading {
            app.open_message(out);
        }
        return;
    }
    let (name, arg) = match text.split_once(char::is_whitespace) {
        Some((n, a)) => (n, Some(a.trim().to_string()).filter(|a| !a.is_empty())),
        None => (text, None),
    };
    let Some(spec) = registry::lookup(name).filter(|c| c.scope == Scope::Anywhere) else {
        app.status.error = Some(format!("unknown command \"{name}\" (? lists them)"));
        return;
    };
    match (spec.arg, &arg) {
        (Some(hint), None) if spec.op != Op::Search => {
            app.status.error = Some(format!(":{} needs {hint}", spec.name));
        }
        (None, Some(a)) => {
            app.status.error = Some(format!(":{} takes no argument (got \"{a}\")", spec.name));
        }
        _ => app.run(spec.op, None, arg, out),
    }
}

/// The candidates for the word at the end of a `:` line: command names, or after a command its
/// argument (folders, themes, paths for `attach` and `save`, attachment numbers).
fn candidates(app: &App, text: &str) -> (String, String, Vec<String>, bool) {
    match text.split_once(' ') {
        None => (
            String::new(),
            text.to_string(),
            COMMANDS
                .iter()
                .filter(|c| c.scope == Scope::Anywhere)
                .map(|c| c.name.to_string())
                .collect(),
            true,
        ),
        Some((cmd, rest)) => {
            let options: Vec<String> = match registry::lookup(cmd).map(|c| c.op) {
                Some(Op::Folder | Op::Move | Op::Copy | Op::Rename | Op::Mkdir) => app
                    .tree
                    .folders
                    .iter()
                    .filter(|f| f.selectable)
                    .map(|f| f.display_path())
                    .collect(),
                Some(Op::Theme) => crate::ui::theme::names(app.theme_dir.as_deref()),
                // Commands whose argument is a path: relative paths are relative to where the
                // command will look for them (the attachment directory for `save`).
                Some(Op::Attach) => {
                    let base = std::env::current_dir().unwrap_or_default();
                    crate::files::complete(rest.trim_start(), &base)
                }
                Some(Op::Save) => {
                    let base =
                        crate::files::default_dir_path(app.reading.attachment_dir.as_deref())
                            .or_else(|| std::env::current_dir().ok())
                            .unwrap_or_default();
                    crate::files::complete(rest.trim_start(), &base)
                }
                Some(Op::Detach) => app
                    .composer
                    .as_ref()
                    .map(|c| (1..=c.attachments.len()).map(|n| n.to_string()).collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            (
                format!("{cmd} "),
                rest.trim_start().to_string(),
                options,
                false,
            )
        }
    }
}

/// Tab (`forward`) or Shift-Tab: complete the word at the end of the `:` line. The first press
/// lists the candidates (the wildmenu) and puts the first in the line (or the only one, or
/// their common prefix); each further press moves to the next (previous) candidate.
pub(super) fn complete(app: &mut App, forward: bool) {
    let Mode::Command(input) = &mut app.mode else {
        return;
    };
    if let Some(c) = &mut app.completion {
        if c.candidates.len() > 1 {
            let n = c.candidates.len();
            let next = match (c.index, forward) {
                (None, true) => 0,
                (None, false) => n - 1,
                (Some(i), true) => (i + 1) % n,
                (Some(i), false) => (i + n - 1) % n,
            };
            c.index = Some(next);
            *input = LineInput::with(&format!("{}{}", c.prefix, c.candidates[next]));
            return;
        }
    }
    let text = input.text.clone();
    let (prefix, word, all, space_after) = candidates(app, &text);
    let lw = word.to_lowercase();
    let mut hits: Vec<String> = all
        .into_iter()
        .filter(|c| c.to_lowercase().starts_with(&lw))
        .collect();
    hits.sort();
    hits.dedup();
    let Mode::Command(input) = &mut app.mode else {
        return;
    };
    match hits.len() {
        0 => {
            app.completion = None;
            app.status.info = Some("no completion".into());
        }
        1 => {
            *input = LineInput::with(&format!(
                "{prefix}{}{}",
                hits[0],
                if space_after { " " } else { "" }
            ));
            app.completion = None;
        }
        n => {
            let index = if forward { 0 } else { n - 1 };
            *input = LineInput::with(&format!("{prefix}{}", hits[index]));
            app.completion = Some(Completion {
                prefix,
                typed: word,
                candidates: hits,
                index: Some(index),
                space_after,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_keys() {
        let mut l = LineInput::default();
        for c in "héllo wörld".chars() {
            l.edit(Key::char(c));
        }
        l.edit(Key {
            code: Code::Backspace,
            ctrl: false,
            alt: false,
        });
        assert_eq!(l.text, "héllo wörl");
        l.edit(Key {
            code: Code::Char('w'),
            ctrl: true,
            alt: false,
        });
        assert_eq!(l.text, "héllo ");
        l.edit(Key {
            code: Code::Left,
            ctrl: false,
            alt: false,
        });
        l.edit(Key {
            code: Code::Left,
            ctrl: false,
            alt: false,
        });
        l.edit(Key::char('X'));
        assert_eq!(l.text, "héllXo ");
        l.edit(Key {
            code: Code::Char('u'),
            ctrl: true,
            alt: false,
        });
        assert_eq!(l.text, "o ");
    }

    #[test]
    fn argument_starts() {
        assert_eq!(argument_start("save /tmp/x"), Some(5));
        assert_eq!(argument_start("save   x"), Some(7));
        assert_eq!(argument_start("  save x"), Some(7));
        assert_eq!(argument_start("save "), Some(5));
        assert_eq!(argument_start("save"), None);
        assert_eq!(argument_start(""), None);
        let mut l = LineInput::with("mkdir été/x");
        l.delete_to_argument_start();
        assert_eq!((l.text.as_str(), l.cursor), ("mkdir ", 6));
        l.delete_to_argument_start();
        assert_eq!((l.text.as_str(), l.cursor), ("", 0));
    }
}
