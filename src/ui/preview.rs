//! The preview pane: the opened message's rendered lines (headers, body, quotes, signature,
//! attachments), from the scroll position down, one screen's worth.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
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
        let view = match &p.view {
            crate::app::preview::View::Message => String::new(),
            crate::app::preview::View::Headers => " · all headers (H)".into(),
            crate::app::preview::View::Source => " · source".into(),
            crate::app::preview::View::Part(id) => format!(" · part {id}"),
        };
        format!(" Message{view} · {pct}% ")
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
    // What is marked on the lines: the words of the list's search, the hits of a search in the
    // message (the current one apart), and the numbered links with their number after them.
    let needle = app.search.query.as_deref().unwrap_or("").to_lowercase();
    let hit = app.theme.style("match");
    let current = app.theme.style("match.current");
    let link = app.theme.style("preview.link");
    let number = app.theme.style("preview.link.number");
    let find = p.find.as_ref();
    let lines: Vec<Line> = p
        .rendered
        .lines
        .iter()
        .enumerate()
        .skip(p.scroll)
        .take(h)
        .map(|(i, l)| {
            let key = match l.kind {
                LineKind::Header => "preview.header",
                LineKind::Body => "preview",
                LineKind::Quote(d) if d >= 2 => "preview.quote.2",
                LineKind::Quote(_) => "preview.quote",
                LineKind::Signature => "preview.signature",
                LineKind::Attachment => "preview.attachment",
                LineKind::Notice => "preview.notice",
            };
            let base = app.theme.style(key);
            let mut ranges: Vec<(std::ops::Range<usize>, Style)> = Vec::new();
            if l.kind == LineKind::Header {
                if let Some(colon) = l.text.find(": ") {
                    ranges.push((0..colon + 2, app.theme.style("preview.header.name")));
                }
            }
            let mut inserts = Vec::new();
            for m in p.marks.iter().filter(|m| m.line == i) {
                ranges.push((m.bytes.clone(), link));
                let last = !p.marks.iter().any(|n| n.number == m.number && n.line > i);
                // html2text's own footnote lines ("[3]: https://…") carry a number already.
                let footnote = l.text.trim_start().starts_with('[') && l.text.contains("]: ");
                // The marked text is the URL itself: a space before the number keeps it out
                // of what a mouse selects as the URL (`https://x.test/a [1]`).
                if last && !footnote {
                    inserts.push((m.bytes.end, " ".to_string(), base));
                    inserts.push((m.bytes.end, format!("[{}]", m.number), number));
                }
            }
            if l.kind != LineKind::Notice {
                for r in super::match_ranges(&l.text, &needle) {
                    ranges.push((r, hit));
                }
            }
            if let Some(f) = find {
                for (n, hh) in f.hits.iter().enumerate().filter(|(_, hh)| hh.line == i) {
                    let st = if Some(n) == f.current { current } else { hit };
                    ranges.push((hh.bytes.clone(), st));
                }
            }
            Line::from(super::overlay(&l.text, base, &ranges, &inserts))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
