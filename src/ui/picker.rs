//! The folder picker popup: the filter line and the matching folders, best first.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::picker::Picker;
use crate::app::App;
use crate::mail::sanitize::{fit, sanitize};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, p: &Picker) {
    let w = 60.min(area.width.saturating_sub(2)).max(10);
    let h = (p.matches.len() as u16 + 4).clamp(5, area.height.saturating_sub(2).max(5));
    let r = Rect::new(
        area.x + area.width.saturating_sub(w) / 2,
        area.y + area.height.saturating_sub(h) / 3,
        w,
        h.min(area.height),
    );
    let title = format!(
        " {} — type to filter, Enter picks, Esc cancels ",
        p.purpose.title()
    );
    let inner = super::popup(frame, r, app, title);
    if inner.height == 0 {
        return;
    }
    let (text, col) = super::input_line::window(
        &p.input.text,
        p.input.cursor,
        (inner.width as usize).saturating_sub(2),
    );
    frame.render_widget(
        Paragraph::new(format!("> {text}")).style(app.theme.style("cmdline")),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let cursor_x = inner.x + (2 + col).min(inner.width.saturating_sub(1) as usize) as u16;
    frame.set_cursor_position(Position::new(cursor_x, inner.y));
    let rows = inner.height.saturating_sub(1) as usize;
    let offset = if p.selected >= rows {
        p.selected + 1 - rows
    } else {
        0
    };
    let lines: Vec<Line> = p
        .matches
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, m)| {
            let st = if i == p.selected {
                app.theme
                    .style("popup")
                    .patch(app.theme.style("list.selected"))
            } else {
                app.theme.style("popup")
            };
            Line::from(Span::styled(
                fit(
                    &sanitize(&crate::mail::mutf7::decode(m)),
                    inner.width as usize,
                ),
                st,
            ))
        })
        .collect();
    let body = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new("no folder matches").style(app.theme.style("preview.notice")),
            body,
        );
    } else {
        frame.render_widget(Paragraph::new(lines), body);
    }
}
