//! The popup of a list to pick from: a message's parts (as a tree), its links, what to copy.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::reading::Menu;
use crate::app::App;
use crate::mail::sanitize::fit;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, m: &Menu) {
    let labels = m.labels(app);
    let w = (area.width.saturating_sub(4)).clamp(10, 100);
    let h = (labels.len() as u16 + 2).clamp(3, area.height.saturating_sub(2).max(3));
    let r = Rect::new(
        area.x + area.width.saturating_sub(w) / 2,
        area.y + area.height.saturating_sub(h) / 3,
        w,
        h.min(area.height),
    );
    let inner = super::popup(frame, r, app, m.title().to_string());
    let rows = inner.height as usize;
    let offset = if m.cursor >= rows {
        m.cursor + 1 - rows
    } else {
        0
    };
    let lines: Vec<Line> = labels
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, l)| {
            let st = if i == m.cursor {
                app.theme
                    .style("popup")
                    .patch(app.theme.style("list.selected"))
            } else {
                app.theme.style("popup")
            };
            Line::from(Span::styled(fit(l, inner.width as usize), st))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
