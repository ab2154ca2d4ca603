//! The folder picker: type a few letters, the folders that contain them in order are listed best
//! first (fuzzy matching as in fzf, simplified), Enter picks.

use super::cmdline::LineInput;
use super::registry::Op;
use super::{mailops, App, Command, Mode};
#[cfg(test)]
use crate::input::Key;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Move,
    Copy,
    Open,
}

impl Purpose {
    pub fn title(self) -> &'static str {
        match self {
            Purpose::Move => "Move to",
            Purpose::Copy => "Copy to",
            Purpose::Open => "Open folder",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub purpose: Purpose,
    pub input: LineInput,
    /// Every candidate folder path.
    pub all: Vec<String>,
    /// Candidates matching the input, best first.
    pub matches: Vec<String>,
    pub selected: usize,
    /// The messages a move or copy applies to, chosen when the picker opened.
    pub uids: Vec<u32>,
}

/// Fuzzy score of `pattern` in `text`: None when the letters do not all occur in order; higher
/// is better (consecutive letters, word starts and matches in the last path segment count more).
pub fn score(pattern: &str, text: &str) -> Option<i64> {
    if pattern.is_empty() {
        return Some(0);
    }
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let leaf_start = text
        .rfind(['/', '.'])
        .map_or(0, |i| text[..i + 1].chars().count());
    let mut score = 0i64;
    let mut ti = 0;
    let mut prev: Option<usize> = None;
    for pc in pattern.to_lowercase().chars() {
        let found = (ti..t.len()).find(|&i| t[i] == pc)?;
        score += 1;
        if prev == Some(found.wrapping_sub(1)) {
            score += 5;
        }
        if found == 0
            || matches!(
                t.get(found.wrapping_sub(1)),
                Some('/' | '.' | ' ' | '-' | '_')
            )
        {
            score += 3;
        }
        if found >= leaf_start {
            score += 2;
        }
        prev = Some(found);
        ti = found + 1;
    }
    Some(score * 100 - t.len() as i64)
}

impl Picker {
    pub fn new(purpose: Purpose, all: Vec<String>) -> Picker {
        let mut p = Picker {
            purpose,
            input: LineInput::default(),
            matches: Vec::new(),
            all,
            selected: 0,
            uids: Vec::new(),
        };
        p.refilter();
        p
    }

    pub fn refilter(&mut self) {
        let q = self.input.text.trim();
        let mut scored: Vec<(i64, &String)> = self
            .all
            .iter()
            .filter_map(|f| score(q, &crate::mail::mutf7::decode(f)).map(|s| (s, f)))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        self.matches = scored.into_iter().map(|(_, f)| f.clone()).collect();
        self.selected = 0;
    }

    pub fn choice(&self) -> Option<&str> {
        self.matches.get(self.selected).map(String::as_str)
    }
}

/// Open the picker for the current account's folders.
pub(super) fn open(app: &mut App, purpose: Purpose) {
    let account = app.list.account.clone();
    let mut all = app.tree.paths(&account);
    if purpose != Purpose::Open {
        all.retain(|p| *p != app.list.folder);
    }
    let mut picker = Picker::new(purpose, all);
    if purpose != Purpose::Open {
        picker.uids = mailops::targets(app);
        app.visual = None;
        if picker.uids.is_empty() {
            app.status.info = Some("no message selected".into());
            return;
        }
    }
    app.mode = Mode::Picker(picker);
}

/// A command of the picker's layer: move the highlight, or take the highlighted folder.
pub(super) fn on_op(app: &mut App, op: Op, out: &mut Vec<Command>) {
    let Mode::Picker(p) = &mut app.mode else {
        return;
    };
    let n = p.matches.len();
    match op {
        Op::Next if n > 0 => p.selected = (p.selected + 1) % n,
        Op::Prev if n > 0 => p.selected = (p.selected + n - 1) % n,
        Op::Submit => {
            let purpose = p.purpose;
            let Some(choice) = p.choice().map(str::to_string) else {
                app.status.error = Some("no folder matches".into());
                return;
            };
            let uids = std::mem::take(&mut p.uids);
            app.mode = Mode::Normal;
            match purpose {
                Purpose::Move => mailops::transfer_to(app, uids, &choice, false, out),
                Purpose::Copy => mailops::transfer_to(app, uids, &choice, true, out),
                Purpose::Open => {
                    let account = app.list.account.clone();
                    out.extend(app.open_folder(&account, &choice));
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_ranks_leaf_and_consecutive_matches_first() {
        let all = vec![
            "Archive".to_string(),
            "INBOX/Lists/rust-users".into(),
            "Projects/tmail".into(),
            "Trash".into(),
        ];
        let mut p = Picker::new(Purpose::Move, all);
        assert_eq!(p.matches.len(), 4);
        for c in "rust".chars() {
            p.input.edit(Key::char(c));
        }
        p.refilter();
        assert_eq!(p.choice(), Some("INBOX/Lists/rust-users"));
        p.input = LineInput::with("ar");
        p.refilter();
        assert_eq!(p.choice(), Some("Archive"));
        p.input = LineInput::with("ptm");
        p.refilter();
        assert_eq!(p.matches, vec!["Projects/tmail"]);
        assert!(score("xyz", "Archive").is_none());
    }
}
