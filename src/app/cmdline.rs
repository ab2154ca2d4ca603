//! The `:` command line: an editable line, Tab completion of command and folder names, and
//! running what was typed through the command registry.

use super::registry::{self, Op, COMMANDS};
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

    /// Apply an editing key; returns false for keys it does not use.
    pub fn edit(&mut self, key: Key) -> bool {
        match (key.code, key.ctrl) {
            (Code::Char('a'), true) | (Code::Home, _) => self.cursor = 0,
            (Code::Char('e'), true) | (Code::End, _) => self.cursor = self.text.len(),
            (Code::Char('u'), true) => {
                self.text.drain(..self.cursor);
                self.cursor = 0;
            }
            (Code::Char('w'), true) => {
                let before = &self.text[..self.cursor];
                let trimmed = before.trim_end();
                let start = trimmed.rfind(' ').map_or(0, |i| i + 1);
                self.text.drain(start..self.cursor);
                self.cursor = start;
            }
            (Code::Char(c), false) if !c.is_control() => {
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
            }
            (Code::Backspace, _) if self.cursor > 0 => {
                let p = self.prev_boundary();
                self.text.drain(p..self.cursor);
                self.cursor = p;
            }
            (Code::Delete, _) if self.cursor < self.text.len() => {
                let n = self.next_boundary();
                self.text.drain(self.cursor..n);
            }
            (Code::Left, _) => self.cursor = self.prev_boundary(),
            (Code::Right, _) => self.cursor = self.next_boundary(),
            _ => return false,
        }
        true
    }
}

/// Run a `:` line: `quit`, `folder INBOX`, `search budget`, `move Archive`, a number jumps to that row.
pub(super) fn execute(app: &mut App, text: &str, out: &mut Vec<Command>) {
    let text = text.trim().trim_start_matches(':').trim();
    if text.is_empty() {
        return;
    }
    if let Ok(n) = text.parse::<usize>() {
        app.run(Op::First, None, None, out);
        if n > 1 {
            app.run(Op::Next, Some((n - 1) as u32), None, out);
        }
        return;
    }
    let (name, arg) = match text.split_once(char::is_whitespace) {
        Some((n, a)) => (n, Some(a.trim().to_string()).filter(|a| !a.is_empty())),
        None => (text, None),
    };
    let Some(spec) = registry::lookup(name) else {
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

fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a.eq_ignore_ascii_case(b))
            .last()
            .map_or(0, |((i, a), _)| (i + a.len_utf8()).min(end));
    }
    first[..end].to_string()
}

/// Tab: complete the command name, or a folder / theme name after it.
pub(super) fn complete(app: &mut App) {
    let Mode::Command(input) = &app.mode else {
        return;
    };
    let text = input.text.clone();
    let (prefix, word, candidates): (String, String, Vec<String>) = match text.split_once(' ') {
        None => (
            String::new(),
            text.clone(),
            COMMANDS.iter().map(|c| c.name.to_string()).collect(),
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
                Some(Op::Theme) => crate::ui::theme::BUILTIN
                    .iter()
                    .map(|(n, _)| n.to_string())
                    .collect(),
                _ => Vec::new(),
            };
            (format!("{cmd} "), rest.trim_start().to_string(), options)
        }
    };
    let lw = word.to_lowercase();
    let mut hits: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.to_lowercase().starts_with(&lw))
        .collect();
    hits.dedup();
    let completed = match hits.len() {
        0 => {
            app.status.info = Some("no completion".into());
            return;
        }
        1 => format!(
            "{prefix}{}{}",
            hits[0],
            if prefix.is_empty() { " " } else { "" }
        ),
        _ => {
            app.status.info = Some(hits.join("  "));
            let cp = common_prefix(&hits);
            if cp.len() <= word.len() {
                return;
            }
            format!("{prefix}{cp}")
        }
    };
    app.mode = Mode::Command(LineInput::with(&completed));
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
    fn prefix_of_candidates() {
        assert_eq!(
            common_prefix(&["INBOX/Lists".into(), "INBOX/Lists/rust".into()]),
            "INBOX/Lists"
        );
        assert_eq!(common_prefix(&["abc".into(), "abd".into()]), "ab");
    }
}
