//! Keys and key sequences in vim notation (`j`, `gg`, `<C-d>`, `<Enter>`), and the keymap that
//! turns them into named commands per context.

pub mod keymap;

pub use keymap::{Binding, Context, Keymap, KeymapError, Resolved};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// One key press, normalised: shift is folded into the character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: Code,
    pub ctrl: bool,
    pub alt: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    Char(char),
    Enter,
    Tab,
    BackTab,
    Esc,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

impl Key {
    pub fn char(c: char) -> Key {
        Key {
            code: Code::Char(c),
            ctrl: false,
            alt: false,
        }
    }

    /// From a crossterm key event; `None` for releases and keys tmail does not bind.
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let code = match ev.code {
            KeyCode::Char(c) => Code::Char(c),
            KeyCode::Enter => Code::Enter,
            KeyCode::Tab => Code::Tab,
            KeyCode::BackTab => Code::BackTab,
            KeyCode::Esc => Code::Esc,
            KeyCode::Backspace => Code::Backspace,
            KeyCode::Delete => Code::Delete,
            KeyCode::Insert => Code::Insert,
            KeyCode::Up => Code::Up,
            KeyCode::Down => Code::Down,
            KeyCode::Left => Code::Left,
            KeyCode::Right => Code::Right,
            KeyCode::Home => Code::Home,
            KeyCode::End => Code::End,
            KeyCode::PageUp => Code::PageUp,
            KeyCode::PageDown => Code::PageDown,
            KeyCode::F(n) => Code::F(n),
            _ => return None,
        };
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let code = match code {
            // Ctrl-letters arrive in either case depending on the terminal.
            Code::Char(c) if ctrl => Code::Char(c.to_ascii_lowercase()),
            other => other,
        };
        Some(Key { code, ctrl, alt })
    }
}

impl Key {
    /// The crossterm event for this key (the inverse of `from_event`): lets tests and scripts
    /// type keys written in vim notation.
    pub fn to_event(self) -> KeyEvent {
        let code = match self.code {
            Code::Char(c) => KeyCode::Char(c),
            Code::Enter => KeyCode::Enter,
            Code::Tab => KeyCode::Tab,
            Code::BackTab => KeyCode::BackTab,
            Code::Esc => KeyCode::Esc,
            Code::Backspace => KeyCode::Backspace,
            Code::Delete => KeyCode::Delete,
            Code::Insert => KeyCode::Insert,
            Code::Up => KeyCode::Up,
            Code::Down => KeyCode::Down,
            Code::Left => KeyCode::Left,
            Code::Right => KeyCode::Right,
            Code::Home => KeyCode::Home,
            Code::End => KeyCode::End,
            Code::PageUp => KeyCode::PageUp,
            Code::PageDown => KeyCode::PageDown,
            Code::F(n) => KeyCode::F(n),
        };
        let mut m = KeyModifiers::empty();
        if self.ctrl {
            m |= KeyModifiers::CONTROL;
        }
        if self.alt {
            m |= KeyModifiers::ALT;
        }
        KeyEvent::new(code, m)
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match self.code {
            Code::Char(' ') => "Space".to_string(),
            Code::Char('<') => "lt".to_string(),
            Code::Char(c) => c.to_string(),
            Code::Enter => "Enter".into(),
            Code::Tab => "Tab".into(),
            Code::BackTab => "S-Tab".into(),
            Code::Esc => "Esc".into(),
            Code::Backspace => "BS".into(),
            Code::Delete => "Del".into(),
            Code::Insert => "Insert".into(),
            Code::Up => "Up".into(),
            Code::Down => "Down".into(),
            Code::Left => "Left".into(),
            Code::Right => "Right".into(),
            Code::Home => "Home".into(),
            Code::End => "End".into(),
            Code::PageUp => "PageUp".into(),
            Code::PageDown => "PageDown".into(),
            Code::F(n) => format!("F{n}"),
        };
        let plain = matches!(self.code, Code::Char(c) if c != ' ' && c != '<');
        if plain && !self.ctrl && !self.alt {
            return write!(f, "{name}");
        }
        let mut mods = String::new();
        if self.ctrl {
            mods.push_str("C-");
        }
        if self.alt {
            mods.push_str("A-");
        }
        write!(f, "<{mods}{name}>")
    }
}

/// Write a sequence back in vim notation.
pub fn format_keys(keys: &[Key]) -> String {
    keys.iter().map(|k| k.to_string()).collect()
}

/// Parse vim notation: `gg`, `<C-d>`, `<Enter>`, `<C-w>l`, `<lt>`.
pub fn parse_keys(s: &str) -> Result<Vec<Key>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '<' {
            out.push(Key::char(c));
            continue;
        }
        let mut inner = String::new();
        let mut closed = false;
        for d in chars.by_ref() {
            if d == '>' {
                closed = true;
                break;
            }
            inner.push(d);
        }
        if !closed {
            return Err(format!(
                "unclosed '<' in key \"{s}\" (write <lt> for a literal '<')"
            ));
        }
        out.push(parse_special(&inner).map_err(|e| format!("{e} in key \"{s}\""))?);
    }
    if out.is_empty() {
        return Err("empty key".to_string());
    }
    Ok(out)
}

fn parse_special(inner: &str) -> Result<Key, String> {
    let mut ctrl = false;
    let mut alt = false;
    let mut shift = false;
    let mut rest = inner;
    loop {
        let lower = rest.to_ascii_lowercase();
        if rest.len() > 2 && (lower.starts_with("c-")) {
            ctrl = true;
        } else if rest.len() > 2 && (lower.starts_with("a-") || lower.starts_with("m-")) {
            alt = true;
        } else if rest.len() > 2 && lower.starts_with("s-") {
            shift = true;
        } else {
            break;
        }
        rest = &rest[2..];
    }
    let lower = rest.to_ascii_lowercase();
    let code = match lower.as_str() {
        "enter" | "cr" | "return" => Code::Enter,
        "tab" if shift => Code::BackTab,
        "tab" => Code::Tab,
        "backtab" => Code::BackTab,
        "esc" | "escape" => Code::Esc,
        "bs" | "backspace" => Code::Backspace,
        "del" | "delete" => Code::Delete,
        "insert" | "ins" => Code::Insert,
        "up" => Code::Up,
        "down" => Code::Down,
        "left" => Code::Left,
        "right" => Code::Right,
        "home" => Code::Home,
        "end" => Code::End,
        "pageup" | "pgup" => Code::PageUp,
        "pagedown" | "pgdn" => Code::PageDown,
        "space" => Code::Char(' '),
        "lt" => Code::Char('<'),
        "gt" => Code::Char('>'),
        "bar" => Code::Char('|'),
        _ => {
            let mut cs = rest.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => {
                    if ctrl {
                        Code::Char(c.to_ascii_lowercase())
                    } else if shift {
                        Code::Char(c.to_ascii_uppercase())
                    } else {
                        Code::Char(c)
                    }
                }
                _ => {
                    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                        if (1..=24).contains(&n) {
                            Code::F(n)
                        } else {
                            return Err(format!("unknown key <{inner}>"));
                        }
                    } else {
                        return Err(format!("unknown key <{inner}>"));
                    }
                }
            }
        }
    };
    Ok(Key { code, ctrl, alt })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vim_notation() {
        let k = parse_keys("gg").unwrap();
        assert_eq!(k, vec![Key::char('g'), Key::char('g')]);
        let k = parse_keys("<C-d>").unwrap();
        assert_eq!(
            k,
            vec![Key {
                code: Code::Char('d'),
                ctrl: true,
                alt: false
            }]
        );
        assert_eq!(parse_keys("<Enter>").unwrap()[0].code, Code::Enter);
        assert_eq!(parse_keys("<S-Tab>").unwrap()[0].code, Code::BackTab);
        assert_eq!(parse_keys("<lt>").unwrap()[0].code, Code::Char('<'));
        assert_eq!(parse_keys("<F5>").unwrap()[0].code, Code::F(5));
        assert_eq!(parse_keys("<C-w>l").unwrap().len(), 2);
    }

    #[test]
    fn rejects_bad_notation() {
        assert!(parse_keys("<C-d").is_err());
        assert!(parse_keys("<Nope>").is_err());
        assert!(parse_keys("").is_err());
    }

    #[test]
    fn round_trips_through_display() {
        for s in [
            "gg", "<C-d>", "<Enter>", "<Space>", "G", "<lt>", "<A-x>", "<F2>",
        ] {
            let keys = parse_keys(s).unwrap();
            assert_eq!(format_keys(&keys), s);
        }
    }

    #[test]
    fn crossterm_events_normalise() {
        let ev = KeyEvent::new(KeyCode::Char('D'), KeyModifiers::CONTROL);
        let k = Key::from_event(&ev).unwrap();
        assert_eq!(k, parse_keys("<C-d>").unwrap()[0]);
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ev).unwrap(), Key::char('G'));
    }
}
