//! Placeds that can never be typed: a sequence whose prefix is itself bound where the sequence
//! applies (`"g" = "delete"` hides `gg`: a complete binding wins, see `Keymap::resolve`), and a
//! sequence that starts with a digit 1–9 (digits start a count, as in `5j`). `--check-config`
//! and start-up warn about each, at the line of the user's binding that causes it.

use std::collections::{BTreeMap, BTreeSet};

use super::{Context, Keymap, Origin, Resolved, BUILT_IN};
use crate::app::registry::CommandSpec;
use crate::input::{format_keys, Code, Key};

/// One binding in its place: where it is written (`None`: built in), its context, its keys and
/// its command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub origin: Option<Origin>,
    pub context: Context,
    pub keys: Vec<Key>,
    pub command: &'static CommandSpec,
}

/// What makes bindings impossible to type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShadowKind {
    /// The user's binding `by` is on a prefix of each of `hidden`, where they apply.
    Hides { by: Placed, hidden: Vec<Placed> },
    /// The user's binding `hidden` starts with the built-in binding `by`.
    HiddenBy { hidden: Placed, by: Placed },
    /// The user's binding starts with a digit 1–9, which starts a count.
    Count { hidden: Placed },
}

/// A warning about bindings that can never be typed, placed at the user's line that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadow {
    pub origin: Origin,
    pub kind: ShadowKind,
}

/// `"g" (delete)`, with `[list] ` before it outside `[global]`.
fn describe(b: &Placed) -> String {
    let ctx = if b.context == Context::Global {
        String::new()
    } else {
        format!("[{}] ", b.context.name())
    };
    format!("{ctx}\"{}\" ({})", format_keys(&b.keys), b.command.name)
}

/// Where a binding applies: every pane for `[global]`, else one pane or one mode's layer.
fn where_(ctx: Context) -> String {
    match ctx {
        Context::Global => String::new(),
        Context::Folders | Context::List | Context::Preview => {
            format!(" in the {} pane", ctx.name())
        }
        _ => format!(" in [{}]", ctx.name()),
    }
}

/// Digits start a count only in the panes (`5j`); in a mode's layer they are keys like others.
fn counts_in(ctx: Context) -> bool {
    matches!(ctx, Context::Folders | Context::List | Context::Preview)
}

impl Shadow {
    /// The warning without its `file:line:`.
    pub fn text(&self) -> String {
        match &self.kind {
            ShadowKind::Hides { by, hidden } => {
                let items: Vec<String> = hidden
                    .iter()
                    .map(|h| {
                        let ctx = if h.context != by.context && h.context != Context::Global {
                            format!(", [{}]", h.context.name())
                        } else {
                            String::new()
                        };
                        format!("{} ({}{ctx})", format_keys(&h.keys), h.command.name)
                    })
                    .collect();
                format!(
                    "{} hides {}{}",
                    describe(by),
                    items.join(", "),
                    where_(by.context)
                )
            }
            ShadowKind::HiddenBy { hidden, by } => format!(
                "{} can never be typed{}: {} comes first (built in)",
                describe(hidden),
                where_(by.context),
                describe(by)
            ),
            ShadowKind::Count { hidden } => format!(
                "{} can never be typed: a digit 1-9 starts a count (as in 5j)",
                describe(hidden)
            ),
        }
    }

    /// The warning with only the file's name, for the status line.
    pub fn short(&self) -> String {
        let name = std::path::Path::new(&self.origin.file)
            .file_name()
            .map_or(self.origin.file.clone(), |n| {
                n.to_string_lossy().into_owned()
            });
        format!("{name}:{}: {}", self.origin.line, self.text())
    }
}

impl std::fmt::Display for Shadow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.origin.file,
            self.origin.line,
            self.text()
        )
    }
}

/// A binding's place: its context and keys.
type Place = (Context, Vec<Key>);

fn starts_with_count(keys: &[Key]) -> bool {
    keys.first()
        .is_some_and(|k| !k.ctrl && !k.alt && matches!(k.code, Code::Char('1'..='9')))
}

impl Keymap {
    /// The context whose binding `resolve` uses for exactly these keys in `ctx`.
    fn owner(&self, ctx: Context, keys: &[Key]) -> Option<Context> {
        match self.command_at(ctx, keys) {
            Some(Some(_)) => Some(ctx),
            Some(None) => None,
            None => {
                let p = ctx.parent()?;
                match self.command_at(p, keys) {
                    Some(Some(_)) => Some(p),
                    _ => None,
                }
            }
        }
    }

    fn binding(&self, ctx: Context, keys: &[Key]) -> Option<Placed> {
        let command = self.command_at(ctx, keys).flatten()?;
        Some(Placed {
            origin: self
                .origins
                .get(&(ctx, keys.to_vec()))
                .filter(|o| o.file != BUILT_IN)
                .cloned(),
            context: ctx,
            keys: keys.to_vec(),
            command,
        })
    }

    /// Every binding that can never be typed because of a binding in a user's file, or that a
    /// user wrote and that can never be typed; sorted by file and line. The shipped bindings
    /// alone give none.
    pub fn shadowed(&self) -> Vec<Shadow> {
        // (context, keys) of the binding that wins -> (context, keys) of those it hides.
        let mut hides: BTreeMap<Place, BTreeSet<Place>> = BTreeMap::new();
        let mut counts: BTreeSet<Place> = BTreeSet::new();
        let contexts = Context::ALL.into_iter().filter(|c| *c != Context::Global);
        for pane in contexts {
            let mut seqs: BTreeSet<&Vec<Key>> = BTreeSet::new();
            for c in std::iter::once(pane).chain(pane.parent()) {
                if let Some(m) = self.maps.get(&c) {
                    seqs.extend(m.keys());
                }
            }
            for seq in seqs {
                let Some(owner) = self.owner(pane, seq) else {
                    continue;
                };
                if counts_in(pane) && starts_with_count(seq) {
                    counts.insert((owner, seq.clone()));
                    continue;
                }
                let first = (1..seq.len())
                    .find(|&n| matches!(self.resolve(pane, &seq[..n]), Resolved::Command(_)));
                if let Some(n) = first {
                    if let Some(by) = self.owner(pane, &seq[..n]) {
                        hides
                            .entry((by, seq[..n].to_vec()))
                            .or_default()
                            .insert((owner, seq.clone()));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for ((by_ctx, by_keys), hidden) in hides {
            let Some(by) = self.binding(by_ctx, &by_keys) else {
                continue;
            };
            let mut hidden: Vec<Placed> = hidden
                .iter()
                .filter_map(|(c, k)| self.binding(*c, k))
                .collect();
            // In the order they are written: the shipped file's, then the user's.
            hidden.sort_by_key(|b| {
                let o = self.origins.get(&(b.context, b.keys.clone()));
                (b.origin.is_some(), o.map_or(0, |o| o.line))
            });
            match by.origin.clone() {
                Some(origin) => out.push(Shadow {
                    origin,
                    kind: ShadowKind::Hides { by, hidden },
                }),
                None => {
                    for h in hidden {
                        if let Some(origin) = h.origin.clone() {
                            out.push(Shadow {
                                origin,
                                kind: ShadowKind::HiddenBy {
                                    hidden: h,
                                    by: by.clone(),
                                },
                            });
                        }
                    }
                }
            }
        }
        for (c, k) in counts {
            if let Some(hidden) = self.binding(c, &k) {
                if let Some(origin) = hidden.origin.clone() {
                    out.push(Shadow {
                        origin,
                        kind: ShadowKind::Count { hidden },
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            (&a.origin.file, a.origin.line, a.text()).cmp(&(
                &b.origin.file,
                b.origin.line,
                b.text(),
            ))
        });
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

    fn user(text: &str) -> Keymap {
        let mut km = Keymap::defaults();
        km.apply(text, "/home/u/.config/tmail/keybindings.toml")
            .expect("user file parses");
        km
    }

    #[test]
    fn the_shipped_bindings_shadow_nothing() {
        assert_eq!(Keymap::defaults().shadowed(), vec![]);
        // Nor does a copy of them as the user's file (tmail --print-keybindings > ...).
        assert_eq!(user(super::super::DEFAULT_KEYBINDINGS).shadowed(), vec![]);
    }

    #[test]
    fn a_global_prefix_binding_names_its_line_and_every_sequence_it_hides() {
        let km = user("[global]\n\"x\" = \"next\"\n\"g\" = \"delete\"\n");
        let w = km.shadowed();
        assert_eq!(w.len(), 1, "{w:?}");
        let s = w[0].to_string();
        assert!(
            s.starts_with(
                "/home/u/.config/tmail/keybindings.toml:3: \"g\" (delete) hides gg (first), g/ (server-search), "
            ),
            "{s}"
        );
        for hidden in [
            "gg (first)",
            "g/ (server-search)",
            "gf (focus-folders)",
            "gl (focus-list)",
            "gp (focus-preview)",
            "gs (sync)",
            "go (folder-picker)",
        ] {
            assert!(s.contains(hidden), "{hidden} missing: {s}");
        }
        assert!(
            w[0].short()
                .starts_with("keybindings.toml:3: \"g\" (delete)"),
            "{}",
            w[0].short()
        );
        // and it does what the warning says: g deletes, gg is gone
        assert!(
            matches!(km.resolve(Context::List, &keys("g")), Resolved::Command(b) if b.command.name == "delete")
        );
    }

    #[test]
    fn a_pane_binding_on_a_global_prefix_hides_it_in_that_pane_only() {
        let km = user("[list]\n\"g\" = \"archive\"\n");
        let w = km.shadowed();
        assert_eq!(w.len(), 1, "{w:?}");
        let s = w[0].to_string();
        assert!(
            s.contains(":2: [list] \"g\" (archive) hides gg (first)")
                && s.ends_with(" in the list pane"),
            "{s}"
        );
        assert!(
            matches!(km.resolve(Context::Folders, &keys("gg")), Resolved::Command(b) if b.command.name == "first")
        );
    }

    #[test]
    fn a_user_sequence_behind_a_built_in_binding_is_named() {
        // "d" deletes in the list and preview panes (built in): "dd" works only in the folders pane.
        let km = user("[global]\n\"dd\" = \"archive\"\n\"qq\" = \"quit\"\n");
        let w: Vec<String> = km.shadowed().iter().map(|s| s.to_string()).collect();
        assert!(
            w.iter().any(|s| s.ends_with(
                ":2: \"dd\" (archive) can never be typed in the list pane: [list] \"d\" (delete) comes first (built in)"
            )),
            "{w:?}"
        );
        assert!(
            w.iter()
                .any(|s| s.contains(":2: \"dd\" (archive) can never be typed in the preview pane")),
            "{w:?}"
        );
        assert!(
            w.iter().any(|s| s.ends_with(
                ":3: \"qq\" (quit) can never be typed: \"q\" (back) comes first (built in)"
            )),
            "{w:?}"
        );
    }

    #[test]
    fn a_sequence_starting_with_a_digit_is_named() {
        let km = user("[list]\n\"5x\" = \"delete\"\n");
        let w = km.shadowed();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0]
            .to_string()
            .contains(":2: [list] \"5x\" (delete) can never be typed: a digit"));
    }

    #[test]
    fn unbind_removes_one_binding_and_hides_nothing() {
        let km = user("[list]\n\"g\" = \"unbind\"\n\"gs\" = \"unbind\"\n");
        assert_eq!(km.shadowed(), vec![]);
        assert_eq!(km.resolve(Context::List, &keys("g")), Resolved::Pending);
        assert!(
            matches!(km.resolve(Context::List, &keys("gg")), Resolved::Command(b) if b.command.name == "first")
        );
        assert_eq!(km.resolve(Context::List, &keys("gs")), Resolved::Unbound);
        // a pane's unbind hides the global binding of the same keys in that pane only
        let km = user("[list]\n\"j\" = \"unbind\"\n");
        assert_eq!(km.resolve(Context::List, &keys("j")), Resolved::Unbound);
        assert!(matches!(
            km.resolve(Context::Preview, &keys("j")),
            Resolved::Command(_)
        ));
    }
}
