//! The `?` help overlay, generated from the live keymap and the command registry (one section
//! per context, every binding with its command and description, descriptions wrapped), and the
//! which-key popup that shows what can follow a pending prefix.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::registry::{Scope, COMMANDS};
use crate::app::App;
use crate::input::Context;
use crate::mail::sanitize::{fit, wrap};

/// One row of the help: a section title, or a binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    Section(String),
    /// Keys (or empty for a command with no key), the command as typed, what it does.
    Entry {
        keys: String,
        command: String,
        description: String,
    },
}

fn section_title(ctx: Context) -> &'static str {
    match ctx {
        Context::Global => "Everywhere (global; a pane's own keys win)",
        Context::Folders => "Folder pane (folders)",
        Context::List => "Message list (list)",
        Context::Preview => "Message (preview)",
        Context::Composer => "Composer (composer)",
        Context::ComposerInsert => "Composer, typing (composer-insert)",
        Context::Input => "The : line, / and prompts (input)",
        Context::Picker => "Folder picker (picker)",
        Context::Confirm => "Questions (confirm)",
        Context::Help => "This help (help)",
        Context::Menu => "Lists of parts, links, things to copy (menu)",
    }
}

/// The help: per context its bindings (grouping the keys of one command), then the commands
/// that no key is bound to (typed on the `:` line).
pub fn help_rows(app: &App) -> Vec<HelpRow> {
    let mut rows = Vec::new();
    let mut bound = std::collections::HashSet::new();
    for ctx in Context::ALL {
        let mut entries: Vec<(String, String, String)> = Vec::new();
        for (keys, b) in app.keymap.bindings(ctx) {
            bound.insert(b.command.name);
            let command = match &b.arg {
                Some(a) => format!(":{} {a}", b.command.name),
                None => match (b.command.arg, b.command.scope) {
                    (Some(hint), _) => format!(":{} {hint}", b.command.name),
                    (None, Scope::Anywhere) => format!(":{}", b.command.name),
                    (None, Scope::Mode) => b.command.name.to_string(),
                },
            };
            match entries.iter_mut().find(|(_, c, _)| *c == command) {
                Some(e) => e.0 = format!("{}, {keys}", e.0),
                None => entries.push((keys, command, b.command.description.to_string())),
            }
        }
        if entries.is_empty() {
            continue;
        }
        rows.push(HelpRow::Section(section_title(ctx).to_string()));
        rows.extend(
            entries
                .into_iter()
                .map(|(keys, command, description)| HelpRow::Entry {
                    keys,
                    command,
                    description,
                }),
        );
    }
    let unbound: Vec<HelpRow> = COMMANDS
        .iter()
        .filter(|c| !bound.contains(c.name) && c.scope == Scope::Anywhere)
        .map(|c| HelpRow::Entry {
            keys: String::new(),
            command: match c.arg {
                Some(a) => format!(":{} {a}", c.name),
                None => format!(":{}", c.name),
            },
            description: c.description.to_string(),
        })
        .collect();
    if !unbound.is_empty() {
        rows.push(HelpRow::Section(
            "Commands without a key (type them after :)".into(),
        ));
        rows.extend(unbound);
    }
    rows
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The width of the help's text for a screen `screen_w` cells wide (what `draw_help` uses).
pub fn text_width(screen_w: u16) -> usize {
    (screen_w.saturating_sub(4).min(120)).saturating_sub(2) as usize
}

/// The line of the help (laid out `width` wide) where the section of `ctx` starts: the help
/// opens there, at the keys that work where the user is.
pub fn section_line(app: &App, ctx: Context, width: usize) -> usize {
    let title = section_title(ctx);
    let mut n = 0;
    for (i, row) in help_rows(app).into_iter().enumerate() {
        match row {
            HelpRow::Section(t) => {
                if t == title {
                    return n + usize::from(i > 0);
                }
                n += 1 + usize::from(i > 0);
            }
            HelpRow::Entry {
                keys, description, ..
            } => {
                let key_w = (width / 4).clamp(10, 24);
                let name_w = (width / 4).clamp(12, 26);
                let desc_w = width.saturating_sub(key_w + name_w + 2).max(10);
                n += wrap(&keys, key_w)
                    .len()
                    .max(wrap(&description, desc_w).len());
            }
        }
    }
    0
}

/// The help laid out for a popup `width` cells wide: descriptions wrapped under their column.
pub fn help_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let key_w = (width / 4).clamp(10, 24);
    let name_w = (width / 4).clamp(12, 26);
    let desc_w = width.saturating_sub(key_w + name_w + 2).max(10);
    let key_st = app.theme.style("popup.key");
    let name_st = app.theme.style("help.section");
    let st = app.theme.style("popup");
    let mut out = Vec::new();
    for row in help_rows(app) {
        match row {
            HelpRow::Section(title) => {
                if !out.is_empty() {
                    out.push(Line::from(""));
                }
                out.push(Line::from(Span::styled(fit(&title, width), name_st)));
            }
            HelpRow::Entry {
                keys,
                command,
                description,
            } => {
                let keys = wrap(&keys, key_w);
                let desc = wrap(&description, desc_w);
                for i in 0..keys.len().max(desc.len()) {
                    let k = keys.get(i).map_or("", String::as_str);
                    let c = if i == 0 { command.as_str() } else { "" };
                    let d = desc.get(i).map_or("", String::as_str);
                    out.push(Line::from(vec![
                        Span::styled(fit(k, key_w), key_st),
                        Span::styled(" ", st),
                        Span::styled(fit(c, name_w), st),
                        Span::styled(" ", st),
                        Span::styled(fit(d, desc_w), st),
                    ]));
                }
            }
        }
    }
    out
}

pub fn draw_help(frame: &mut Frame, area: Rect, app: &App, scroll: usize) {
    let r = centered(
        area,
        area.width.saturating_sub(4).min(120),
        area.height.saturating_sub(2),
    );
    let inner = super::popup(
        frame,
        r,
        app,
        " Help — j/k scroll, q or Esc closes ".to_string(),
    );
    let lines = help_lines(app, text_width(area.width));
    let h = inner.height as usize;
    let scroll = scroll.min(lines.len().saturating_sub(h));
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(h).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

pub fn draw_which_key(frame: &mut Frame, area: Rect, app: &App) {
    let ctx = crate::app::keys::context_of(app);
    let next = app.keymap.continuations(ctx, &app.pending_keys);
    if next.is_empty() {
        return;
    }
    let w = 44.min(area.width);
    let h = (next.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = Rect::new(
        area.width.saturating_sub(w + 1),
        area.height.saturating_sub(h + 2),
        w,
        h,
    );
    let title = format!(" {} … ", crate::input::format_keys(&app.pending_keys));
    let inner = super::popup(frame, r, app, title);
    let lines: Vec<Line> = next
        .iter()
        .map(|(k, c)| {
            Line::from(vec![
                Span::styled(fit(k, 8), app.theme.style("popup.key")),
                Span::styled(
                    fit(
                        &match &c.arg {
                            Some(a) => format!("{} {a}", c.command.description),
                            None => c.command.description.to_string(),
                        },
                        inner.width.saturating_sub(8) as usize,
                    ),
                    app.theme.style("popup"),
                ),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
