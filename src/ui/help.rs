//! The `?` help overlay, generated from the live keymap and the command registry, and the
//! which-key popup that shows what can follow a pending prefix.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::registry::COMMANDS;
use crate::app::App;
use crate::input::Context;
use crate::mail::sanitize::fit;

/// The help text: one line per command with its keys per context.
pub fn help_lines(app: &App) -> Vec<(String, String, String)> {
    COMMANDS
        .iter()
        .map(|c| {
            let keys = app.keymap.keys_for(c.name);
            let mut shown: Vec<String> = Vec::new();
            for (ctx, k) in keys {
                let s = if ctx == Context::Global {
                    k
                } else {
                    format!("{k} ({})", ctx.name())
                };
                if !shown.contains(&s) {
                    shown.push(s);
                }
            }
            let name = match c.arg {
                Some(a) => format!(":{} {a}", c.name),
                None => format!(":{}", c.name),
            };
            (shown.join(", "), name, c.description.to_string())
        })
        .collect()
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

pub fn draw_help(frame: &mut Frame, area: Rect, app: &App, scroll: usize) {
    let r = centered(
        area,
        area.width.saturating_sub(4).min(110),
        area.height.saturating_sub(2),
    );
    let inner = super::popup(
        frame,
        r,
        app,
        " Help — j/k scroll, q or Esc closes ".to_string(),
    );
    let rows = help_lines(app);
    let h = inner.height as usize;
    let scroll = scroll.min(rows.len().saturating_sub(h));
    let key_w = (inner.width as usize / 3).clamp(10, 28);
    let name_w = 22.min(inner.width as usize / 3);
    let desc_w = (inner.width as usize).saturating_sub(key_w + name_w + 2);
    let lines: Vec<Line> = rows
        .iter()
        .skip(scroll)
        .take(h)
        .map(|(keys, name, desc)| {
            Line::from(vec![
                Span::styled(fit(keys, key_w), app.theme.style("popup.key")),
                Span::styled(" ", app.theme.style("popup")),
                Span::styled(fit(name, name_w), app.theme.style("help.section")),
                Span::styled(" ", app.theme.style("popup")),
                Span::styled(fit(desc, desc_w), app.theme.style("popup")),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn draw_which_key(frame: &mut Frame, area: Rect, app: &App) {
    let ctx = match app.focus {
        crate::app::Pane::Folders => Context::Folders,
        crate::app::Pane::List => Context::List,
        crate::app::Pane::Preview => Context::Preview,
    };
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
                    fit(c.description, inner.width.saturating_sub(8) as usize),
                    app.theme.style("popup"),
                ),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
