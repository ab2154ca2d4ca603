//! Commands from the configuration as argument vectors: `zathura %s` becomes
//! `["zathura", "<path>"]` with the path as one argument, never through a shell; and the
//! per-type table (`[open] "image/*" = "feh %s"`) that picks the command for a part.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};

/// A command line that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("empty command")]
    Empty,
    #[error("unbalanced quotes in {0:?}")]
    Quotes(String),
    #[error("{0:?} is not a MIME type pattern (type/subtype, type/* or */*)")]
    Pattern(String),
}

/// A configured command split into words like a POSIX shell would (quotes and backslashes,
/// via `shlex`), but run without one. In each word, `%s` stands for the file's path and `%%`
/// for `%`; without any `%s` the path is added as the last argument (as `xdg-open` wants).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandTemplate {
    words: Vec<String>,
    has_path: bool,
}

impl CommandTemplate {
    /// Splits `line` into words. Errors: nothing but spaces, or unbalanced quotes.
    pub fn parse(line: &str) -> Result<CommandTemplate, CommandError> {
        let words = shlex::split(line).ok_or_else(|| CommandError::Quotes(line.to_owned()))?;
        if words.first().is_none_or(|w| w.is_empty()) {
            return Err(CommandError::Empty);
        }
        let has_path = words.iter().any(|w| w.replace("%%", "").contains("%s"));
        Ok(CommandTemplate { words, has_path })
    }

    /// The program (first word).
    pub fn program(&self) -> &str {
        &self.words[0]
    }

    /// The argument vector for `path`: each `%s` replaced by the path inside its own word (so
    /// `--file=%s` stays one argument), or the path appended. A path with spaces, quotes or
    /// `;` is just bytes in one argument: nothing interprets it.
    pub fn argv(&self, path: &OsStr) -> Vec<OsString> {
        let mut argv: Vec<OsString> = self.words.iter().map(|w| expand(w, path)).collect();
        if !self.has_path {
            argv.push(path.to_os_string());
        }
        argv
    }

    /// The words with no path (for commands that take input on stdin, like `copy_command`).
    pub fn words(&self) -> &[String] {
        &self.words
    }
}

/// `word` with `%s` → `path` and `%%` → `%`; any other `%` is kept.
fn expand(word: &str, path: &OsStr) -> OsString {
    let mut out = OsString::new();
    let mut literal = String::new();
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('%', Some('s')) => {
                chars.next();
                out.push(std::mem::take(&mut literal));
                out.push(path);
            }
            ('%', Some('%')) => {
                chars.next();
                literal.push('%');
            }
            (c, _) => literal.push(c),
        }
    }
    out.push(literal);
    out
}

/// The command that opens files when nothing else is configured: `open` on macOS,
/// `xdg-open` elsewhere.
pub fn default_open_command() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    }
}

/// Checks a MIME pattern: `type/subtype`, `type/*` or `*/*` (tokens as RFC 2045 §5.1).
pub fn check_pattern(pattern: &str) -> Result<(), CommandError> {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
    };
    match pattern.split_once('/') {
        Some(("*", "*")) => Ok(()),
        Some((t, "*")) if t != "*" && token(t) => Ok(()),
        Some((t, s)) if token(t) && token(s) && t != "*" && s != "*" => Ok(()),
        _ => Err(CommandError::Pattern(pattern.to_owned())),
    }
}

/// How parts are opened, by type: the `[open]` table (in the spirit of mailcap) over
/// `open_command`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRules {
    /// Lowercased pattern → command.
    rules: Vec<(String, CommandTemplate)>,
    default: CommandTemplate,
}

impl OpenRules {
    /// Rules from the `open_command` setting (else [`default_open_command`]) and the `[open]`
    /// table. Errors name the first bad pattern or command.
    pub fn new(
        open_command: Option<&str>,
        table: &BTreeMap<String, String>,
    ) -> Result<OpenRules, CommandError> {
        let default = CommandTemplate::parse(open_command.unwrap_or(default_open_command()))?;
        let mut rules = Vec::with_capacity(table.len());
        for (pattern, command) in table {
            let pattern = pattern.trim().to_ascii_lowercase();
            check_pattern(&pattern)?;
            rules.push((pattern, CommandTemplate::parse(command)?));
        }
        Ok(OpenRules { rules, default })
    }

    /// The command for a part of type `mime` (parameters ignored, case-insensitive): an exact
    /// `type/subtype` rule, else `type/*`, else `*/*`, else the open command.
    pub fn command_for(&self, mime: &str) -> &CommandTemplate {
        let mime = mime
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let major = mime.split('/').next().unwrap_or("");
        let wild = format!("{major}/*");
        [mime.as_str(), wild.as_str(), "*/*"]
            .iter()
            .find_map(|want| self.rules.iter().find(|(p, _)| p == want).map(|(_, c)| c))
            .unwrap_or(&self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(cmd: &str, path: &str) -> Vec<String> {
        CommandTemplate::parse(cmd)
            .unwrap()
            .argv(OsStr::new(path))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn the_path_is_one_argument_and_never_interpreted() {
        let evil = "/tmp/a b; rm -rf ~ $(x) `y` 'q\".pdf";
        assert_eq!(argv("zathura %s", evil), vec!["zathura", evil]);
        assert_eq!(argv("xdg-open", evil), vec!["xdg-open", evil]);
        assert_eq!(argv("zathura '%s'", evil), vec!["zathura", evil]);
        assert_eq!(
            argv("viewer --file=%s --title \"a b\"", "/x"),
            vec!["viewer", "--file=/x", "--title", "a b"]
        );
        assert_eq!(argv("echo 100%% %s", "/x"), vec!["echo", "100%", "/x"]);
        assert_eq!(argv("echo 100%%", "/x"), vec!["echo", "100%", "/x"]);
        assert_eq!(argv("echo %d %", "/x"), vec!["echo", "%d", "%", "/x"]);
        assert_eq!(argv("cp %s %s.bak", "/x"), vec!["cp", "/x", "/x.bak"]);
        assert_eq!(CommandTemplate::parse("  "), Err(CommandError::Empty));
        assert_eq!(CommandTemplate::parse("''"), Err(CommandError::Empty));
        assert!(matches!(
            CommandTemplate::parse("zathura '%s"),
            Err(CommandError::Quotes(_))
        ));
    }

    #[test]
    fn rules_pick_exact_then_wildcard_then_default() {
        let table: BTreeMap<String, String> = [
            ("application/pdf", "zathura %s"),
            ("image/*", "feh"),
            ("IMAGE/SVG+XML", "inkscape %s"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let rules = OpenRules::new(Some("my-open"), &table).unwrap();
        assert_eq!(rules.command_for("application/pdf").program(), "zathura");
        assert_eq!(
            rules.command_for("Application/PDF; name=x").program(),
            "zathura"
        );
        assert_eq!(rules.command_for("image/png").program(), "feh");
        assert_eq!(rules.command_for("image/svg+xml").program(), "inkscape");
        assert_eq!(rules.command_for("text/plain").program(), "my-open");
        let rules = OpenRules::new(None, &BTreeMap::new()).unwrap();
        assert_eq!(rules.command_for("x/y").program(), default_open_command());
        let mut all = BTreeMap::new();
        all.insert("*/*".to_string(), "less".to_string());
        assert_eq!(
            OpenRules::new(None, &all)
                .unwrap()
                .command_for("a/b")
                .program(),
            "less"
        );
    }

    #[test]
    fn patterns_are_checked() {
        for ok in ["application/pdf", "image/*", "*/*", "text/x-c++src"] {
            assert_eq!(check_pattern(ok), Ok(()), "{ok}");
        }
        for bad in ["pdf", "*/pdf", "a/b/c", "", "image/", "/png", "te xt/plain"] {
            assert!(check_pattern(bad).is_err(), "{bad}");
        }
    }
}
