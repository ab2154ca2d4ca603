//! Themes: named style keys (`list.unread`, `status.error`, ...) where an unset key falls back to
//! its parent (`list.selected.unread` -> `list.selected` -> `list` -> `base`). Shipped themes are
//! compiled in; user themes live in `$XDG_CONFIG_HOME/tmail/themes/NAME.toml`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("ansi16", include_str!("../../themes/ansi16.toml")),
];

/// Every key a theme may set; anything else in a theme file is a typo and an error.
pub const KEYS: &[&str] = &[
    "base",
    "border",
    "border.focused",
    "title",
    "title.focused",
    "folders",
    "folders.selected",
    "folders.unread",
    "folders.role",
    "folders.count",
    "folders.account",
    "list",
    "list.selected",
    "list.selected.unfocused",
    "list.unread",
    "list.flagged",
    "list.deleted",
    "list.hit",
    "list.visual",
    "list.date",
    "list.sender",
    "list.size",
    "list.thread",
    "preview",
    "preview.header",
    "preview.header.name",
    "preview.quote",
    "preview.quote.2",
    "preview.signature",
    "preview.attachment",
    "preview.notice",
    "status",
    "status.mode",
    "status.error",
    "status.info",
    "status.pending",
    "cmdline",
    "popup",
    "popup.title",
    "popup.key",
    "help.section",
];

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    bold: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reverse: Option<bool>,
    dim: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    /// Another theme whose keys this one starts from.
    extends: Option<String>,
    #[serde(default)]
    styles: BTreeMap<toml::Spanned<String>, toml::Spanned<StyleSpec>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("theme {file}:{line}: {message}")]
pub struct ThemeError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// A resolved theme: every key of `KEYS` maps to a full style.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    styles: HashMap<&'static str, Style>,
}

fn parse_color(s: &str) -> Option<Color> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() == 6 {
            let v = u32::from_str_radix(hex, 16).ok()?;
            return Some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
        }
        return None;
    }
    if let Ok(n) = s.parse::<u8>() {
        return Some(Color::Indexed(n));
    }
    Some(
        match s.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "reset" | "default" => Color::Reset,
            "black" => Color::Black,
            "red" => Color::Red,
            "green" => Color::Green,
            "yellow" => Color::Yellow,
            "blue" => Color::Blue,
            "magenta" => Color::Magenta,
            "cyan" => Color::Cyan,
            "gray" | "grey" | "white" => Color::Gray,
            "dark_gray" | "dark_grey" | "bright_black" => Color::DarkGray,
            "bright_red" | "light_red" => Color::LightRed,
            "bright_green" | "light_green" => Color::LightGreen,
            "bright_yellow" | "light_yellow" => Color::LightYellow,
            "bright_blue" | "light_blue" => Color::LightBlue,
            "bright_magenta" | "light_magenta" => Color::LightMagenta,
            "bright_cyan" | "light_cyan" => Color::LightCyan,
            "bright_white" => Color::White,
            _ => return None,
        },
    )
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |t| t.matches('\n').count() + 1)
}

/// Parent of a dotted key: `list.selected.unread` -> `list.selected`; top keys -> `base`.
fn parent(key: &str) -> Option<&str> {
    match key.rsplit_once('.') {
        Some((p, _)) => Some(p),
        None if key != "base" => Some("base"),
        None => None,
    }
}

impl StyleSpec {
    fn overlay(&self, over: &StyleSpec) -> StyleSpec {
        StyleSpec {
            fg: over.fg.clone().or_else(|| self.fg.clone()),
            bg: over.bg.clone().or_else(|| self.bg.clone()),
            bold: over.bold.or(self.bold),
            italic: over.italic.or(self.italic),
            underline: over.underline.or(self.underline),
            reverse: over.reverse.or(self.reverse),
            dim: over.dim.or(self.dim),
        }
    }

    fn to_style(&self, no_color: bool) -> Style {
        let mut st = Style::default();
        if !no_color {
            if let Some(c) = self.fg.as_deref().and_then(parse_color) {
                st = st.fg(c);
            }
            if let Some(c) = self.bg.as_deref().and_then(parse_color) {
                st = st.bg(c);
            }
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reverse, Modifier::REVERSED),
            (self.dim, Modifier::DIM),
        ] {
            if on == Some(true) {
                st = st.add_modifier(m);
            }
        }
        st
    }
}

/// Load `name`: a user theme in `user_dir` wins over a built-in one of the same name.
pub fn load(name: &str, user_dir: Option<&Path>, no_color: bool) -> Result<Theme, ThemeError> {
    let specs = load_specs(name, user_dir, 0)?;
    let mut styles = HashMap::new();
    for key in KEYS {
        // Field-wise fallback: base, then each ancestor, then the key itself.
        let mut chain = vec![*key];
        let mut k = *key;
        while let Some(p) = parent(k) {
            chain.push(p);
            k = p;
        }
        let mut spec = StyleSpec::default();
        for k in chain.iter().rev() {
            if let Some(s) = specs.get(*k) {
                spec = spec.overlay(s);
            }
        }
        styles.insert(*key, spec.to_style(no_color));
    }
    Ok(Theme {
        name: name.to_string(),
        styles,
    })
}

fn load_specs(
    name: &str,
    user_dir: Option<&Path>,
    depth: usize,
) -> Result<HashMap<String, StyleSpec>, ThemeError> {
    let user = user_dir
        .map(|d| d.join(format!("{name}.toml")))
        .filter(|p| p.exists());
    let (file, text) = match user {
        Some(p) => {
            let text = std::fs::read_to_string(&p).map_err(|e| ThemeError {
                file: p.display().to_string(),
                line: 0,
                message: e.to_string(),
            })?;
            (p.display().to_string(), text)
        }
        None => match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((n, t)) => (format!("{n} (built in)"), t.to_string()),
            None => {
                return Err(ThemeError {
                    file: name.to_string(),
                    line: 0,
                    message: format!(
                        "no theme \"{name}\": built-in themes are default, light, ansi16; user themes go in {}",
                        user_dir.map(|d| d.display().to_string()).unwrap_or_default()
                    ),
                })
            }
        },
    };
    let err = |line, message| ThemeError {
        file: file.clone(),
        line,
        message,
    };
    let parsed: ThemeFile = toml::from_str(&text).map_err(|e| {
        err(
            e.span().map_or(0, |s| line_of(&text, s.start)),
            e.message().trim().to_string(),
        )
    })?;
    let mut out = match &parsed.extends {
        Some(base) if depth < 8 => load_specs(base, user_dir, depth + 1)?,
        Some(_) => return Err(err(1, "themes extend each other in a loop".into())),
        None => HashMap::new(),
    };
    for (k, v) in parsed.styles {
        let line = line_of(&text, k.span().start);
        if !KEYS.contains(&k.get_ref().as_str()) {
            return Err(err(line, format!("unknown style key \"{}\"", k.get_ref())));
        }
        let spec = v.into_inner();
        for c in [&spec.fg, &spec.bg].into_iter().flatten() {
            if parse_color(c).is_none() {
                return Err(err(
                    line,
                    format!("\"{c}\" is not a colour (a name like bright_blue, 0-255, or #rrggbb)"),
                ));
            }
        }
        let merged = out
            .get(k.get_ref())
            .map_or(spec.clone(), |old: &StyleSpec| old.overlay(&spec));
        out.insert(k.into_inner(), merged);
    }
    Ok(out)
}

impl Theme {
    /// The style of a key (any key of `KEYS`; an unknown key gets `base`).
    pub fn style(&self, key: &str) -> Style {
        self.styles
            .get(key)
            .or_else(|| self.styles.get("base"))
            .copied()
            .unwrap_or_default()
    }

    /// A theme that cannot fail: the built-in default.
    pub fn fallback(no_color: bool) -> Theme {
        load("default", None, no_color).unwrap_or(Theme {
            name: "default".into(),
            styles: HashMap::new(),
        })
    }
}

/// True when the user asked for no colour (https://no-color.org).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_themes_load() {
        for (name, _) in BUILTIN {
            let t = load(name, None, false).unwrap_or_else(|e| panic!("{e}"));
            assert_ne!(t.style("list.unread"), Style::default(), "{name}");
        }
    }

    #[test]
    fn ansi16_uses_only_ansi_colours() {
        let t = load("ansi16", None, false).unwrap();
        for k in KEYS {
            let s = t.style(k);
            for c in [s.fg, s.bg].into_iter().flatten() {
                assert!(
                    !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
                    "{k}: {c:?}"
                );
            }
        }
    }

    #[test]
    fn user_theme_extends_and_inherits() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "extends = \"default\"\n[styles]\n\"list\" = { fg = \"#102030\" }\n",
        )
        .unwrap();
        let t = load("mine", Some(dir.path()), false).unwrap();
        let d = load("default", None, false).unwrap();
        // list.date is unset in "mine", so it inherits from list (fg) unless default set it.
        assert_eq!(t.style("list").fg, Some(Color::Rgb(0x10, 0x20, 0x30)));
        assert_eq!(t.style("status.error"), d.style("status.error"));
    }

    #[test]
    fn bad_key_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bad.toml"),
            "[styles]\n\"list\" = { fg = \"red\" }\n\"lsit.unread\" = { bold = true }\n",
        )
        .unwrap();
        let e = load("bad", Some(dir.path()), false).unwrap_err();
        assert_eq!(e.line, 3);
        std::fs::write(
            dir.path().join("bad.toml"),
            "[styles]\n\"list\" = { fg = \"mauve\" }\n",
        )
        .unwrap();
        let e = load("bad", Some(dir.path()), false).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(load("nope", Some(dir.path()), false).is_err());
    }

    #[test]
    fn no_color_keeps_modifiers_only() {
        let t = load("default", None, true).unwrap();
        let s = t.style("list.selected");
        assert_eq!(s.fg, None);
        assert_eq!(s.bg, None);
        assert!(
            s.add_modifier.contains(Modifier::REVERSED) || s.add_modifier.contains(Modifier::BOLD)
        );
    }
}
