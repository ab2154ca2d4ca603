//! The keymap: key sequences per context mapped to registry command names, loaded from the
//! shipped `keybindings.toml` and overridden binding by binding by the user's file.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{format_keys, parse_keys, Key};
use crate::app::registry::{self, CommandSpec};

mod shadow;
pub use shadow::{Placed, Shadow, ShadowKind};

/// The shipped defaults, compiled into the binary.
pub const DEFAULT_KEYBINDINGS: &str = include_str!("../../keybindings.toml");

/// Where a binding applies: the panes in normal mode, and each mode's own layer. The panes fall
/// back to `global`; a mode never does: in the `:` line, a prompt or the composer's insert mode
/// `j`, `q` and `:` are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Folders,
    List,
    Preview,
    /// The composer in normal mode (vim-like: moving, deleting, commands).
    Composer,
    /// The composer while typing text.
    ComposerInsert,
    /// The `:` command line, the `/` search line and every other one-line prompt.
    Input,
    /// The fuzzy folder picker.
    Picker,
    /// A yes/no question.
    Confirm,
    /// The `?` help overlay.
    Help,
    /// A list to pick from: a message's parts, its links, what to copy.
    Menu,
}

impl Context {
    pub const ALL: [Context; 11] = [
        Context::Global,
        Context::Folders,
        Context::List,
        Context::Preview,
        Context::Composer,
        Context::ComposerInsert,
        Context::Input,
        Context::Picker,
        Context::Confirm,
        Context::Help,
        Context::Menu,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Folders => "folders",
            Context::List => "list",
            Context::Preview => "preview",
            Context::Composer => "composer",
            Context::ComposerInsert => "composer-insert",
            Context::Input => "input",
            Context::Picker => "picker",
            Context::Confirm => "confirm",
            Context::Help => "help",
            Context::Menu => "menu",
        }
    }
    pub fn from_name(s: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == s)
    }
    /// The context a binding is looked up in next when this one does not bind the keys: the
    /// panes fall back to `global`; modes are layers of their own.
    pub fn parent(self) -> Option<Context> {
        match self {
            Context::Folders | Context::List | Context::Preview => Some(Context::Global),
            _ => None,
        }
    }
    /// Text is typed in this context: keys it does not bind are inserted, not refused.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Context::Input | Context::Picker | Context::ComposerInsert
        )
    }
}

/// What a key sequence is bound to: a registry command and, optionally, its argument
/// (`"gi" = "folder INBOX"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub command: &'static CommandSpec,
    pub arg: Option<String>,
}

impl Binding {
    /// As written in a keybinding file: `move Archive`.
    pub fn describe(&self) -> String {
        match &self.arg {
            Some(a) => format!("{} {a}", self.command.name),
            None => self.command.name.to_string(),
        }
    }
}

/// A keybinding file that cannot be used: which file, which line (when there is one: a file
/// that cannot be read has none), what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct KeymapError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// The outcome of feeding the keys typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Command(Binding),
    /// The keys are the start of a longer binding: wait for more.
    Pending,
    Unbound,
}

/// `None` marks a binding the user removed with "unbind" (in a pane it also hides the
/// `[global]` binding of the same keys there).
type Bindings = BTreeMap<Vec<Key>, Option<Binding>>;

/// The file name given to the shipped bindings.
const BUILT_IN: &str = "keybindings.toml (built in)";

/// Where a binding is written: its file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

/// Key sequences per context. What wins when bindings overlap (see `resolve`): a context's own
/// binding over its parent's (`[global]` for the panes) for the same keys, and a complete
/// binding over a longer one that starts with it — so a binding on a prefix (`"g"`) hides every
/// sequence that starts with it (`gg`, `g/`) where it applies. `shadowed` lists those, for
/// `--check-config` and start-up.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    maps: HashMap<Context, Bindings>,
    /// Where each binding was written (the shipped file is `BUILT_IN`).
    origins: HashMap<(Context, Vec<Key>), Origin>,
}

type RawFile =
    BTreeMap<toml::Spanned<String>, BTreeMap<toml::Spanned<String>, toml::Spanned<String>>>;

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |t| t.matches('\n').count() + 1)
}

impl Keymap {
    /// The shipped bindings.
    pub fn defaults() -> Keymap {
        let mut km = Keymap::default();
        // The shipped file is tested to parse; if it ever did not, an empty map beats a panic.
        if let Err(e) = km.apply(DEFAULT_KEYBINDINGS, BUILT_IN) {
            tracing::error!("built-in keybindings: {e}");
        }
        km
    }

    /// Defaults plus the user's file when it exists.
    pub fn load(user_file: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut km = Keymap::defaults();
        if let Some(path) = user_file {
            if path.exists() {
                let text = std::fs::read_to_string(path).map_err(|e| KeymapError {
                    file: path.display().to_string(),
                    line: None,
                    message: format!("cannot read: {e}"),
                })?;
                km.apply(&text, &path.display().to_string())?;
            }
        }
        Ok(km)
    }

    /// Apply a keybinding file on top of what is bound: each entry replaces or removes one binding.
    pub fn apply(&mut self, text: &str, file: &str) -> Result<(), KeymapError> {
        let err = |line: usize, message: String| KeymapError {
            file: file.to_string(),
            line: Some(line),
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| KeymapError {
            file: file.to_string(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().to_string(),
        })?;
        for (ctx_name, entries) in raw {
            let ctx = Context::from_name(ctx_name.get_ref()).ok_or_else(|| {
                err(
                    line_of(text, ctx_name.span().start),
                    format!(
                        "unknown context [{}]; expected one of {}",
                        ctx_name.get_ref(),
                        Context::ALL.map(Context::name).join(", ")
                    ),
                )
            })?;
            for (keys, command) in entries {
                let line = line_of(text, keys.span().start);
                let seq = parse_keys(keys.get_ref()).map_err(|e| err(line, e))?;
                let value = command.get_ref().trim();
                let target = if value == "unbind" {
                    None
                } else {
                    let (name, arg) = match value.split_once(char::is_whitespace) {
                        Some((n, a)) => (n, Some(a.trim().to_string()).filter(|a| !a.is_empty())),
                        None => (value, None),
                    };
                    let spec = registry::lookup(name).ok_or_else(|| {
                        err(
                            line,
                            format!(
                                "unknown command \"{name}\" for key \"{}\" (see `tmail --print-keybindings` or the README for the list)",
                                keys.get_ref()
                            ),
                        )
                    })?;
                    if spec.arg.is_none() && arg.is_some() {
                        return Err(err(
                            line,
                            format!(
                                "command \"{name}\" takes no argument (key \"{}\" gives it \"{}\")",
                                keys.get_ref(),
                                arg.unwrap_or_default()
                            ),
                        ));
                    }
                    Some(Binding { command: spec, arg })
                };
                self.origins.insert(
                    (ctx, seq.clone()),
                    Origin {
                        file: file.to_string(),
                        line,
                    },
                );
                self.maps.entry(ctx).or_default().insert(seq, target);
            }
        }
        Ok(())
    }

    fn get(&self, ctx: Context, keys: &[Key]) -> Option<&Option<Binding>> {
        self.maps.get(&ctx).and_then(|m| m.get(keys))
    }

    /// The command bound to exactly `keys` in `ctx` itself: `Some(None)` where it was unbound.
    fn command_at(&self, ctx: Context, keys: &[Key]) -> Option<Option<&'static CommandSpec>> {
        self.get(ctx, keys).map(|b| b.as_ref().map(|b| b.command))
    }

    /// True when a longer sequence starting with `keys` is bound in `ctx`: in its own section,
    /// or in its parent's (`[global]` for a pane) and not unbound by it.
    fn has_longer(&self, ctx: Context, keys: &[Key]) -> bool {
        let longer = |c: Context| {
            self.maps.get(&c).into_iter().flat_map(move |m| {
                m.range(keys.to_vec()..)
                    .take_while(|(k, _)| k.starts_with(keys))
                    .filter(|(k, v)| k.len() > keys.len() && v.is_some())
                    .map(|(k, _)| k)
            })
        };
        longer(ctx).next().is_some()
            || ctx
                .parent()
                .is_some_and(|p| longer(p).any(|k| self.get(ctx, k).is_none()))
    }

    /// The contexts a lookup in `ctx` goes through, in order.
    pub(crate) fn chain(ctx: Context) -> impl Iterator<Item = Context> {
        std::iter::successors(Some(ctx), |c| c.parent())
    }

    /// Resolve the keys typed so far in a context. What wins:
    /// 1. the context's own binding of exactly these keys (an "unbind" there removes the
    ///    parent's binding of the same keys in this context, and nothing else);
    /// 2. the parent's binding of exactly these keys (`[global]` for a pane; a mode's layer has
    ///    no parent);
    /// 3. a longer binding that starts with these keys: wait for more (`Pending`).
    ///
    /// So a complete binding always beats a longer one: a binding on `g` hides `gg` wherever it
    /// applies (`shadowed` reports such cases).
    pub fn resolve(&self, ctx: Context, keys: &[Key]) -> Resolved {
        match self.get(ctx, keys) {
            Some(Some(b)) => return Resolved::Command(b.clone()),
            Some(None) => {}
            None => {
                if let Some(Some(b)) = ctx.parent().and_then(|p| self.get(p, keys)) {
                    return Resolved::Command(b.clone());
                }
            }
        }
        if self.has_longer(ctx, keys) {
            return Resolved::Pending;
        }
        Resolved::Unbound
    }

    /// Everything that can follow `prefix` in this context: the which-key popup.
    pub fn continuations(&self, ctx: Context, prefix: &[Key]) -> Vec<(String, Binding)> {
        let mut out: BTreeMap<Vec<Key>, Binding> = BTreeMap::new();
        let mut chain: Vec<Context> = Self::chain(ctx).collect();
        chain.reverse();
        for c in chain {
            if let Some(m) = self.maps.get(&c) {
                for (k, v) in m
                    .range(prefix.to_vec()..)
                    .take_while(|(k, _)| k.starts_with(prefix))
                {
                    if k.len() > prefix.len() {
                        match v {
                            Some(b) => out.insert(k.clone(), b.clone()),
                            None => out.remove(k),
                        };
                    }
                }
            }
        }
        out.into_iter()
            .map(|(k, c)| (format_keys(&k[prefix.len()..]), c))
            .collect()
    }

    /// Every binding of a context (its own, not inherited), in key order: for the help screen.
    pub fn bindings(&self, ctx: Context) -> Vec<(String, Binding)> {
        self.maps
            .get(&ctx)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.clone().map(|b| (format_keys(k), b)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Key sequences bound to a command, per context, for the help screen.
    pub fn keys_for(&self, command: &str) -> Vec<(Context, String)> {
        let mut out = Vec::new();
        for ctx in Context::ALL {
            if let Some(m) = self.maps.get(&ctx) {
                for (k, v) in m {
                    if v.as_ref().is_some_and(|b| b.command.name == command) {
                        out.push((ctx, format_keys(k)));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_keys;

    fn keys(s: &str) -> Vec<Key> {
        parse_keys(s).unwrap()
    }

    #[test]
    fn shipped_file_parses_and_binds_vim_keys() {
        let mut km = Keymap::default();
        km.apply(DEFAULT_KEYBINDINGS, "default")
            .expect("shipped keybindings parse");
        let name = |ctx, k: &str| match km.resolve(ctx, &keys(k)) {
            Resolved::Command(b) => b.command.name,
            other => panic!("{k}: {other:?}"),
        };
        assert_eq!(name(Context::List, "j"), "next");
        assert_eq!(name(Context::List, "gg"), "first");
        assert_eq!(name(Context::List, "<C-d>"), "half-page-down");
        assert_eq!(name(Context::Folders, "<Enter>"), "open");
        assert_eq!(km.resolve(Context::List, &keys("g")), Resolved::Pending);
        assert_eq!(km.resolve(Context::List, &keys("<F12>")), Resolved::Unbound);
    }

    #[test]
    fn user_file_overrides_and_unbinds() {
        let mut km = Keymap::defaults();
        km.apply("[list]\n\"J\" = \"next\"\n\"j\" = \"unbind\"\n", "user")
            .unwrap();
        assert!(
            matches!(km.resolve(Context::List, &keys("J")), Resolved::Command(b) if b.command.name == "next")
        );
        assert_eq!(km.resolve(Context::List, &keys("j")), Resolved::Unbound);
        // other contexts keep the global binding
        assert!(
            matches!(km.resolve(Context::Folders, &keys("j")), Resolved::Command(b) if b.command.name == "next")
        );
    }

    #[test]
    fn errors_name_the_line() {
        let mut km = Keymap::defaults();
        let e = km
            .apply("[list]\n\"j\" = \"next\"\n\"x\" = \"explode\"\n", "k.toml")
            .unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("explode"), "{e}");
        let e = km
            .apply("[list]\n\n\"<C-\" = \"next\"\n", "k.toml")
            .unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = km
            .apply("[nowhere]\n\"j\" = \"next\"\n", "k.toml")
            .unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.to_string().starts_with("k.toml:1:"));
        let e = km.apply("[list]\nj = \n", "k.toml").unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn which_key_lists_continuations() {
        let km = Keymap::defaults();
        let c = km.continuations(Context::List, &keys("g"));
        assert!(
            c.iter().any(|(k, b)| k == "g" && b.command.name == "first"),
            "{c:?}"
        );
    }

    #[test]
    fn help_finds_keys_for_a_command() {
        let km = Keymap::defaults();
        let k = km.keys_for("first");
        assert!(k.iter().any(|(_, s)| s == "gg"));
    }
}
