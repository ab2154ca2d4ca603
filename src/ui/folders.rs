//! The folder tree pane: hierarchy with fold markers, role markers and unread counts.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, Pane, TreeRow};
use crate::mail::sanitize::{fit, sanitize, width};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let block = super::pane_block(app, Line::from(" Folders "), Pane::Folders);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let t = &app.tree;
    let h = inner.height as usize;
    // keep the cursor visible without state: a window around it
    let offset = if t.cursor >= h { t.cursor + 1 - h } else { 0 };
    let w = inner.width as usize;
    let mut lines = Vec::with_capacity(h);
    for (i, row) in t.rows.iter().enumerate().skip(offset).take(h) {
        let selected = i == t.cursor;
        let mut spans: Vec<Span> = Vec::with_capacity(3);
        let (text, count, base, marker) = match row {
            TreeRow::Account { name, collapsed } => {
                let m = if *collapsed { "▸ " } else { "▾ " };
                (
                    format!("{m}{}", sanitize(name)),
                    String::new(),
                    app.theme.style("folders.account"),
                    String::new(),
                )
            }
            TreeRow::Folder {
                index,
                depth,
                has_children,
                collapsed,
            } => {
                let Some(f) = t.folders.get(*index) else {
                    continue;
                };
                let fold = match (*has_children, *collapsed) {
                    (true, true) => "▸",
                    (true, false) => "▾",
                    _ => " ",
                };
                let marker = f.role.map(|r| r.marker()).unwrap_or(" ");
                let text = format!(
                    "{}{} {}",
                    "  ".repeat(*depth),
                    fold,
                    sanitize(&f.display_leaf())
                );
                // A collapsed folder counts what it hides too.
                let unread = if *collapsed {
                    f.unread + t.unread_below(f)
                } else {
                    f.unread
                };
                let count = if unread > 0 {
                    format!(" {unread}")
                } else {
                    String::new()
                };
                let st = if unread > 0 {
                    app.theme.style("folders.unread")
                } else {
                    app.theme.style("folders")
                };
                (text, count, st, marker.to_string())
            }
        };
        let style = if selected && app.focus == Pane::Folders {
            base.patch(app.theme.style("folders.selected"))
        } else if selected {
            base.patch(app.theme.style("list.selected.unfocused"))
        } else {
            base
        };
        let marker = if marker.is_empty() {
            "  ".to_string()
        } else {
            format!("{marker} ")
        };
        let name_w = w.saturating_sub(width(&count) + width(&marker));
        let on_row = |st: ratatui::style::Style| if selected { st.patch(style) } else { st };
        spans.push(Span::styled(
            fit(&marker, width(&marker)),
            on_row(app.theme.style("folders.role")),
        ));
        spans.push(Span::styled(fit(&text, name_w), style));
        spans.push(Span::styled(
            count,
            on_row(app.theme.style("folders.count")),
        ));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
