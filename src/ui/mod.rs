//! Drawing: a pure function of `&App` that paints the panes. It never touches a socket or the
//! disk, and renders only the rows that are visible.

pub mod composer;
mod folders;
pub mod help;
mod input_line;
pub mod layout;
pub mod list;
mod menu;
pub use list::format_date as list_date;
mod picker;
mod preview;
mod status;
pub mod theme;

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};
use ratatui::Frame;

use crate::app::{App, Mode, Pane};

/// Below this many columns or rows no pane fits: the screen says so instead.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 3;

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    frame.render_widget(Block::default().style(app.theme.style("base")), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        // Too small for panes: say so (as far as it fits) and draw nothing else.
        let say = format!("tmail: {}x{} is too small", area.width, area.height);
        frame.render_widget(
            ratatui::widgets::Paragraph::new(crate::mail::sanitize::fit(&say, area.width as usize))
                .style(app.theme.style("status")),
            area,
        );
        return;
    }
    let p = layout::panes((area.width, area.height), &app.view());
    if let Some(c) = &app.composer {
        // In place of the list, the message being read staying beside it where the layout
        // has room; else (or with `[ui] compose = "full"`) on the whole screen.
        let body = Rect::new(0, 0, area.width, area.height.saturating_sub(2));
        let beside = app.compose_in == crate::config::ComposeIn::Pane
            && p.arrangement == layout::Arrangement::Columns;
        if beside {
            if let Some(r) = p.folders {
                folders::draw(frame, r, app);
            }
            composer::draw(frame, p.list, app, c);
            if let Some(r) = p.preview {
                preview::draw(frame, r, app);
            }
        } else {
            composer::draw(frame, body, app, c);
        }
    } else {
        if let Some(r) = p.folders {
            folders::draw(frame, r, app);
        }
        if p.list_visible {
            list::draw(frame, p.list, app);
        }
        if let Some(r) = p.preview {
            preview::draw(frame, r, app);
        }
    }
    status::draw(frame, p.status, p.message, app);
    match &app.mode {
        Mode::Help { scroll } => help::draw_help(frame, area, app, *scroll),
        Mode::Picker(p) => picker::draw(frame, area, app, p),
        Mode::Menu(m) => menu::draw(frame, area, app, m),
        _ if !app.pending_keys.is_empty() => help::draw_which_key(frame, area, app),
        _ => {}
    }
}

/// A bordered pane with a title, styled by focus.
pub(crate) fn pane_block<'a>(app: &App, title: Line<'a>, pane: Pane) -> Block<'a> {
    let focused = app.focus == pane
        && app.composer.is_none()
        && matches!(app.mode, Mode::Normal | Mode::Confirm { .. });
    let (b, t) = if focused {
        ("border.focused", "title.focused")
    } else {
        ("border", "title")
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(app.theme.style(b))
        .title(title.style(app.theme.style(t)))
}

/// A popup: clears `r`, draws a titled bordered box in the popup style, returns its inside.
pub(crate) fn popup(frame: &mut Frame, r: Rect, app: &App, title: String) -> Rect {
    // never past the screen: a popup's minimum size can exceed a tiny terminal
    let r = r.intersection(frame.area());
    frame.render_widget(ratatui::widgets::Clear, r);
    // A wide character (an emoji, CJK) just left of the box would be drawn over its left border
    // by the terminal: blank it.
    if r.x > 0 {
        let buf = frame.buffer_mut();
        for y in r.top()..r.bottom() {
            let cell = &mut buf[(r.x - 1, y)];
            if crate::mail::sanitize::width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Line::styled(title, app.theme.style("popup.title")))
        .style(app.theme.style("popup"));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    inner
}

/// `text` as spans in `base`, with every case-insensitive occurrence of `needle` (already
/// lowercased; empty: none) in `base` patched with `hit`.
pub(crate) fn highlight<'a>(text: &str, needle: &str, base: Style, hit: Style) -> Vec<Span<'a>> {
    let ranges: Vec<(std::ops::Range<usize>, Style)> = match_ranges(text, needle)
        .into_iter()
        .map(|r| (r, hit))
        .collect();
    overlay(text, base, &ranges, &[])
}

/// `text` as spans: `base`, patched by each `(byte range, style)` in order, with each
/// `(byte offset, text, style)` inserted there (a link's number after it).
pub(crate) fn overlay<'a>(
    text: &str,
    base: Style,
    ranges: &[(std::ops::Range<usize>, Style)],
    inserts: &[(usize, String, Style)],
) -> Vec<Span<'a>> {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (r, _) in ranges {
        cuts.push(r.start.min(text.len()));
        cuts.push(r.end.min(text.len()));
    }
    for (at, _, _) in inserts {
        cuts.push((*at).min(text.len()));
    }
    cuts.retain(|c| text.is_char_boundary(*c));
    cuts.sort_unstable();
    cuts.dedup();
    let mut spans = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        for (at, t, st) in inserts {
            if *at == a && a != 0 {
                spans.push(Span::styled(t.clone(), *st));
            }
        }
        let mut st = base;
        for (r, s) in ranges {
            if r.start <= a && b <= r.end {
                st = st.patch(*s);
            }
        }
        if b > a {
            spans.push(Span::styled(text[a..b].to_string(), st));
        }
    }
    for (at, t, st) in inserts {
        if *at >= text.len() {
            spans.push(Span::styled(t.clone(), *st));
        }
    }
    if spans.is_empty() {
        spans.push(Span::styled(String::new(), base));
    }
    spans
}

/// The byte ranges of every case-insensitive occurrence of `needle` (already lowercased;
/// empty: none) in `text`.
pub(crate) fn match_ranges(text: &str, needle: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    // Lowercase char by char, remembering where each lowered byte came from in `text`.
    let mut lowered = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        for l in c.to_lowercase() {
            lowered.push(l);
            origin.extend(std::iter::repeat_n(i, l.len_utf8()));
        }
    }
    origin.push(text.len());
    let mut from = 0;
    while let Some(found) = lowered[from..].find(needle) {
        let (ls, le) = (from + found, from + found + needle.len());
        let (s, mut e) = (origin[ls], origin[le]);
        if e <= s {
            e = text[s..].chars().next().map_or(s, |c| s + c.len_utf8());
        }
        if out
            .last()
            .is_none_or(|r: &std::ops::Range<usize>| r.end <= s)
        {
            out.push(s..e);
        }
        from = le.max(from + 1);
        while from < lowered.len() && !lowered.is_char_boundary(from) {
            from += 1;
        }
        if from >= lowered.len() {
            break;
        }
    }
    out
}

/// Fill a row with a style (so selection bars span the pane).
pub(crate) fn fill_row(frame: &mut Frame, area: Rect, y: u16, style: Style) {
    let r = Rect::new(area.x, y, area.width, 1);
    frame.render_widget(Block::default().style(style), r);
}

#[cfg(test)]
mod tests;
