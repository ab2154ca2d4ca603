//! The preview pane: the opened message's rendered lines (headers, body, quotes, signature,
//! attachments), from the scroll position down, one screen's worth.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, Pane};
use crate::mail::render::LineKind;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let p = &app.preview;
    let total = p.rendered.lines.len();
    let title = if p.target.is_some() && total > 0 {
        let h = super::layout::Panes::inner(area).height as usize;
        let pct = if total <= h {
            100
        } else {
            ((p.scroll + h).min(total) * 100) / total
        };
        format!(" Message · {pct}% ")
    } else {
        " Message ".to_string()
    };
    let block = super::pane_block(app, Line::from(title), Pane::Preview);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if p.target.is_none() {
        let hint = "Press Enter on a message to read it here.";
        frame.render_widget(
            Paragraph::new(hint).style(app.theme.style("preview.notice")),
            inner,
        );
        return;
    }
    let h = inner.height as usize;
    // The words of the list's search, highlighted in the message too.
    let needle = app.search.query.as_deref().unwrap_or("").to_lowercase();
    let hit = app.theme.style("match");
    let lit = |text: &str, key: &str| {
        Line::from(super::highlight(text, &needle, app.theme.style(key), hit))
    };
    let lines: Vec<Line> = p
        .rendered
        .lines
        .iter()
        .skip(p.scroll)
        .take(h)
        .map(|l| match l.kind {
            LineKind::Header => match l.text.split_once(": ") {
                Some((name, value)) => {
                    let mut spans = vec![Span::styled(
                        format!("{name}: "),
                        app.theme.style("preview.header.name"),
                    )];
                    spans.extend(super::highlight(
                        value,
                        &needle,
                        app.theme.style("preview.header"),
                        hit,
                    ));
                    Line::from(spans)
                }
                None => lit(&l.text, "preview.header"),
            },
            LineKind::Body => lit(&l.text, "preview"),
            LineKind::Quote(d) => lit(
                &l.text,
                if d >= 2 {
                    "preview.quote.2"
                } else {
                    "preview.quote"
                },
            ),
            LineKind::Signature => lit(&l.text, "preview.signature"),
            LineKind::Attachment => lit(&l.text, "preview.attachment"),
            LineKind::Notice => Line::styled(l.text.clone(), app.theme.style("preview.notice")),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
