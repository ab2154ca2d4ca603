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

/// The names of the themes there are: the built-in ones and the user's (`NAME.toml` in
/// `user_dir`), sorted, each once.
pub fn names(user_dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    if let Some(entries) = user_dir.and_then(|d| std::fs::read_dir(d).ok()) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "toml") {
                if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
                    names.push(stem.to_string());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

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
    "match",
    "match.current",
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
    "preview.link",
    "preview.link.number",
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

/// A theme that cannot be used. Shown as `theme FILE:LINE: MESSAGE`, `theme FILE: MESSAGE` when
/// no line is at fault (an unreadable file), or the message alone when there is no such theme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", match (file.is_empty(), line) {
    (true, _) => message.clone(),
    (false, None) => format!("theme {file}: {message}"),
    (false, Some(l)) => format!("theme {file}:{l}: {message}"),
})]
pub struct ThemeError {
    /// The theme file; empty when the theme does not exist.
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// What colours the terminal takes, which decides how a theme's colours are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorSupport {
    /// `NO_COLOR` is set: attributes only, with the state that colour showed (cursor, selection,
    /// focus) made visible by attributes instead (see `NO_COLOR_MARKS`).
    None,
    /// The 256-colour palette: `#rrggbb` colours are sent as the nearest palette entry.
    Palette256,
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`).
    TrueColor,
}

impl ColorSupport {
    /// From the environment: `NO_COLOR` (https://no-color.org) wins; then `COLORTERM`; a terminal
    /// that does not announce 24-bit colour gets the 256-colour palette.
    pub fn detect() -> ColorSupport {
        let colorterm = std::env::var("COLORTERM").unwrap_or_default();
        ColorSupport::from_env(no_color_requested(), &colorterm)
    }

    /// The decision of `detect`, from its inputs.
    pub fn from_env(no_color: bool, colorterm: &str) -> ColorSupport {
        if no_color {
            ColorSupport::None
        } else if matches!(
            colorterm.trim().to_ascii_lowercase().as_str(),
            "truecolor" | "24bit"
        ) {
            ColorSupport::TrueColor
        } else {
            ColorSupport::Palette256
        }
    }
}

/// Without colour, the state colour used to show is shown by attributes: the cursor in reverse
/// video, the visual selection in reverse video too (the cursor in it bold and underlined), the focused pane's border bold, and so on. These are
/// added to whatever attributes the theme sets (as the `ansi16` theme does with colour).
const NO_COLOR_MARKS: &[(&str, Modifier)] = &[
    ("list.selected", Modifier::REVERSED),
    ("list.selected.unfocused", Modifier::UNDERLINED),
    // reverse as in vim's visual mode (the cursor inside it is bold and underlined too), so
    // it is not mistaken for a search hit (underlined in every theme, italic here)
    ("list.visual", Modifier::REVERSED),
    ("list.hit", Modifier::ITALIC),
    ("match", Modifier::REVERSED),
    ("match.current", Modifier::BOLD),
    ("preview.link", Modifier::UNDERLINED),
    ("folders.selected", Modifier::REVERSED),
    ("border.focused", Modifier::BOLD),
    ("title.focused", Modifier::BOLD),
    ("status", Modifier::REVERSED),
    ("status.mode", Modifier::BOLD),
    ("status.error", Modifier::BOLD),
    ("popup.key", Modifier::BOLD),
    ("popup.title", Modifier::BOLD),
];

/// The xterm 256-colour palette entry nearest to an RGB colour: the 6×6×6 cube (16–231) or the
/// grey ramp (232–255), by squared distance.
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let nearest_level = |v: u8| -> usize {
        (0..6)
            .min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(v)).abs())
            .unwrap_or(0)
    };
    let dist = |a: (u8, u8, u8)| -> i32 {
        let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
        d(a.0, r) + d(a.1, g) + d(a.2, b)
    };
    let (ri, gi, bi) = (nearest_level(r), nearest_level(g), nearest_level(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let cube_index = 16 + 36 * ri + 6 * gi + bi;
    let avg = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    let grey_i = (avg.saturating_sub(8) / 10).min(23) as u8;
    let grey_v = 8 + 10 * grey_i;
    if dist((grey_v, grey_v, grey_v)) < dist(cube) {
        232 + grey_i
    } else {
        cube_index as u8
    }
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

    fn to_style(&self, colors: ColorSupport) -> Style {
        let mut st = Style::default();
        let send = |c: Color| match (c, colors) {
            (Color::Rgb(r, g, b), ColorSupport::Palette256) => Color::Indexed(nearest_256(r, g, b)),
            (c, _) => c,
        };
        if colors != ColorSupport::None {
            if let Some(c) = self.fg.as_deref().and_then(parse_color) {
                st = st.fg(send(c));
            }
            if let Some(c) = self.bg.as_deref().and_then(parse_color) {
                st = st.bg(send(c));
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
pub fn load(
    name: &str,
    user_dir: Option<&Path>,
    colors: ColorSupport,
) -> Result<Theme, ThemeError> {
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
        let mut style = spec.to_style(colors);
        if colors == ColorSupport::None {
            for (k, m) in NO_COLOR_MARKS {
                if k == key {
                    style = style.add_modifier(*m);
                }
            }
        }
        styles.insert(*key, style);
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
                line: None,
                message: e.to_string(),
            })?;
            (p.display().to_string(), text)
        }
        None => match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((n, t)) => (format!("{n} (built in)"), t.to_string()),
            None => {
                return Err(ThemeError {
                    file: String::new(),
                    line: None,
                    message: format!(
                        "no theme \"{name}\": built-in themes are {}{}",
                        BUILTIN
                            .iter()
                            .map(|(n, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", "),
                        user_dir
                            .map(|d| format!("; user themes go in {}", d.display()))
                            .unwrap_or_default()
                    ),
                })
            }
        },
    };
    let err = |line, message| ThemeError {
        file: file.clone(),
        line: Some(line),
        message,
    };
    let parsed: ThemeFile = toml::from_str(&text).map_err(|e| ThemeError {
        file: file.clone(),
        line: e.span().map(|s| line_of(&text, s.start)),
        message: e.message().trim().to_string(),
    })?;
    let extends_line = text
        .lines()
        .position(|l| l.trim_start().starts_with("extends"))
        .map_or(1, |i| i + 1);
    let mut out = match &parsed.extends {
        // A missing base is this file's mistake: name its line.
        Some(base) if depth < 8 => load_specs(base, user_dir, depth + 1).map_err(|e| {
            if e.file.is_empty() {
                err(extends_line, format!("extends {}", e.message))
            } else {
                e
            }
        })?,
        Some(_) => {
            return Err(err(
                extends_line,
                "themes extend each other in a loop".into(),
            ))
        }
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
    pub fn fallback(colors: ColorSupport) -> Theme {
        load("default", None, colors).unwrap_or(Theme {
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
            let t = load(name, None, ColorSupport::TrueColor).unwrap_or_else(|e| panic!("{e}"));
            assert_ne!(t.style("list.unread"), Style::default(), "{name}");
        }
    }

    #[test]
    fn ansi16_uses_only_ansi_colours() {
        let t = load("ansi16", None, ColorSupport::TrueColor).unwrap();
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
        let t = load("mine", Some(dir.path()), ColorSupport::TrueColor).unwrap();
        let d = load("default", None, ColorSupport::TrueColor).unwrap();
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
        let e = load("bad", Some(dir.path()), ColorSupport::TrueColor).unwrap_err();
        assert_eq!(e.line, Some(3));
        std::fs::write(
            dir.path().join("bad.toml"),
            "[styles]\n\"list\" = { fg = \"mauve\" }\n",
        )
        .unwrap();
        let e = load("bad", Some(dir.path()), ColorSupport::TrueColor).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(load("nope", Some(dir.path()), ColorSupport::TrueColor).is_err());
    }

    #[test]
    fn theme_command_says_a_missing_theme_plainly() {
        let mut t = crate::app::testing::demo_app(120, 40);
        t.keys(":theme nope<Enter>");
        let e = t.app.status.error.clone().unwrap_or_default();
        assert!(
            e.starts_with("no theme \"nope\": built-in themes are default, light, ansi16"),
            "{e}"
        );
        assert!(!e.contains(":0:"), "{e}");
    }

    #[test]
    fn a_missing_theme_is_said_plainly_and_file_errors_keep_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let e = load("nope", Some(dir.path()), ColorSupport::TrueColor).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "no theme \"nope\": built-in themes are default, light, ansi16; user themes go in {}",
                dir.path().display()
            )
        );
        let e = load("nope", None, ColorSupport::TrueColor).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no theme \"nope\": built-in themes are default, light, ansi16"
        );
        let file = dir.path().join("mine.toml");
        std::fs::write(
            &file,
            "[styles]\n\"list\" = { fg = \"red\" }\nextends = \"gone\"\n",
        )
        .unwrap();
        let e = load("mine", Some(dir.path()), ColorSupport::TrueColor).unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("theme {}:3: ", file.display())),
            "{e}"
        );
        std::fs::write(&file, "extends = \"gone\"\n").unwrap();
        let e = load("mine", Some(dir.path()), ColorSupport::TrueColor).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "theme {}:1: extends no theme \"gone\": built-in themes are default, light, ansi16; user themes go in {}",
                file.display(),
                dir.path().display()
            )
        );
    }

    #[test]
    fn no_color_keeps_modifiers_only() {
        let t = load("default", None, ColorSupport::None).unwrap();
        let s = t.style("list.selected");
        assert_eq!(s.fg, None);
        assert_eq!(s.bg, None);
        assert!(
            s.add_modifier.contains(Modifier::REVERSED) || s.add_modifier.contains(Modifier::BOLD)
        );
    }
}
