//! The message list pane: flags, date, sender, subject (indented by thread depth) and size, for
//! the visible rows only.

use chrono::{Datelike, TimeZone};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::list::RowView;
use crate::app::{App, Pane};
use crate::mail::sanitize::{fit, sanitize, truncate};

const SIZE_W: usize = 5;

/// A size in at most 5 cells, as `ls -h` writes it: `512`, `9.8K`, `13K`, `1.2M`, `340M`, `2.1G`.
pub fn compact_size(n: usize) -> String {
    let mut v = n as f64;
    for unit in ["", "K", "M", "G", "T"] {
        if unit.is_empty() && v < 1000.0 {
            return format!("{n}");
        }
        if !unit.is_empty() {
            if v < 9.95 {
                return format!("{v:.1}{unit}");
            }
            if v < 999.5 {
                return format!("{v:.0}{unit}");
            }
        }
        v /= 1024.0;
    }
    format!("{v:.0}P")
}

/// The thread drawing before a reply's subject: `│ ` where an ancestor's thread goes on below,
/// then `├ ` when a sibling follows, else `└ `.
fn thread_indent(row: &crate::app::list::Row) -> String {
    if row.depth == 0 {
        return String::new();
    }
    let depth = row.depth.min(9);
    let mut s = String::with_capacity(depth as usize * 4);
    for level in 1..depth {
        s.push_str(if row.continues(level) { "│ " } else { "  " });
    }
    s.push_str(if row.continues(row.depth) {
        "├ "
    } else {
        "└ "
    });
    s
}
/// What a folded thread shows before its subject: `▸ [12] `, or `▸ [12, 3 unread] ` when
/// the subject column has room for it and a subject (`room`: its width in cells).
fn fold_label((messages, unread): (usize, usize), room: usize) -> String {
    if unread > 0 && room >= 40 {
        format!("▸ [{messages}, {unread} unread] ")
    } else {
        format!("▸ [{messages}] ")
    }
}

const SHORT_DATE: &str = "%b %d";

/// Column widths for a list `w` cells wide: the subject keeps at least ~40% by dropping the
/// size column, then narrowing the sender, then shortening the date.
struct Columns<'a> {
    date_format: &'a str,
    date: usize,
    sender: usize,
    size: usize,
    subject: usize,
}

impl<'a> Columns<'a> {
    fn fit(w: usize, date_format: &'a str) -> Columns<'a> {
        let date_w = |f: &str| format_date(0, f).chars().count().min(24);
        let mut c = Columns {
            date_format,
            date: date_w(date_format),
            sender: 20,
            size: SIZE_W,
            subject: 0,
        };
        // At least SUBJECT_MIN cells of subject, and 40% of a wide list.
        let want = (w * 2 / 5).max(crate::ui::layout::SUBJECT_MIN as usize);
        let used = |c: &Columns| {
            4 + 1 + c.date + 1 + c.sender + 1 + if c.size > 0 { c.size + 1 } else { 0 }
        };
        if w.saturating_sub(used(&c)) < want {
            c.size = 0;
        }
        if w.saturating_sub(used(&c)) < want {
            c.sender = 14;
        }
        if w.saturating_sub(used(&c)) < want && c.date > 6 {
            c.date_format = SHORT_DATE;
            c.date = date_w(SHORT_DATE);
        }
        if w.saturating_sub(used(&c)) < want {
            c.sender = 10;
        }
        c.subject = w.saturating_sub(used(&c));
        c
    }
}

fn flags_cell(e: &RowView) -> String {
    let f = e.flags;
    let mut s = String::with_capacity(4);
    s.push(if f.deleted() {
        'D'
    } else if !f.seen() {
        'N'
    } else {
        ' '
    });
    s.push(if f.flagged() { '!' } else { ' ' });
    s.push(if f.answered() { 'r' } else { ' ' });
    s.push(if e.has_attachments { '@' } else { ' ' });
    s
}

/// The date in the list's format; in the short format (`Feb 05`, no year) a message from
/// another year shows its year instead, so an old message never looks like this year's.
fn short_or_year(ts: i64, fmt: &str) -> String {
    if fmt == SHORT_DATE {
        let year = |t: i64| chrono::Local.timestamp_opt(t, 0).single().map(|d| d.year());
        let now = chrono::Local::now().timestamp();
        if year(ts) != year(now) {
            return format_date(ts, "%Y");
        }
    }
    format_date(ts, fmt)
}

pub fn format_date(ts: i64, fmt: &str) -> String {
    match chrono::Local.timestamp_opt(ts, 0).single() {
        Some(d) => d.format(fmt).to_string(),
        None => "?".into(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let l = &app.list;
    // the folder's counts (while it loads, its stored ones: not only the rows listed so far)
    let (total, unread) = app.list_counts();
    let title = if l.is_open() {
        let mut t = format!(
            " {} — {} message{}",
            sanitize(&crate::mail::mutf7::decode(&l.folder)),
            total,
            if total == 1 { "" } else { "s" }
        );
        if unread > 0 {
            t.push_str(&format!(", {unread} unread"));
        }
        if l.threaded {
            t.push_str(" · threads");
        }
        t.push(' ');
        t
    } else {
        " Messages ".to_string()
    };
    let block = super::pane_block(app, Line::from(title), Pane::List);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if !l.is_open() {
        frame.render_widget(
            Paragraph::new("Open a folder with Enter in the folder pane."),
            inner,
        );
        return;
    }
    if l.rows.is_empty() {
        frame.render_widget(
            Paragraph::new("This folder is empty.").style(app.theme.style("list")),
            inner,
        );
        return;
    }
    let w = inner.width as usize;
    let h = inner.height as usize;
    let cols = Columns::fit(w, &app.date_format);
    let focused = app.focus == Pane::List;
    // The text that matches the search, highlighted where it shows.
    let needle = app.search.query.as_deref().unwrap_or("").to_lowercase();
    let hit = app.theme.style("match");
    let mut lines = Vec::with_capacity(h);
    for row_i in l.offset..(l.offset + h).min(l.rows.len()) {
        let Some(row) = l.rows.get(row_i) else { break };
        // A folded thread: one row for the thread, unread while any of its messages is.
        let fold = l.folded_row(row_i);
        let Some(e) = fold.map(|f| f.thread).or_else(|| l.items.view(row.index)) else {
            continue;
        };
        let unseen = !e.flags.seen();
        let mut st = app.theme.style("list");
        if unseen {
            st = st.patch(app.theme.style("list.unread"));
        }
        if e.flags.flagged() {
            st = st.patch(app.theme.style("list.flagged"));
        }
        if e.flags.deleted() {
            st = st.patch(app.theme.style("list.deleted"));
        }
        if app.search.hits.contains(&e.uid) {
            st = st.patch(app.theme.style("list.hit"));
        }
        if app
            .visual_row()
            .is_some_and(|a| (a.min(l.cursor)..=a.max(l.cursor)).contains(&row_i))
        {
            st = st.patch(app.theme.style("list.visual"));
        }
        let selected = row_i == l.cursor;
        let sel = if focused {
            app.theme.style("list.selected")
        } else {
            app.theme.style("list.selected.unfocused")
        };
        // The selected row is one uniform bar: fewer style changes, fewer bytes per keystroke.
        let cell = |key: &str| -> Style {
            if selected {
                return st.patch(sel);
            }
            let s = st.patch(app.theme.style(key));
            if unseen {
                s.patch(app.theme.style("list.unread"))
            } else {
                s
            }
        };
        // The cursor inside a visual selection keeps the selection's colour and is marked by
        // attributes, so it can be told from the rows around it and seen to be included.
        let in_visual = app
            .visual_row()
            .is_some_and(|a| (a.min(l.cursor)..=a.max(l.cursor)).contains(&row_i));
        let sel = if in_visual {
            sel.patch(app.theme.style("list.visual"))
                .add_modifier(ratatui::style::Modifier::BOLD | ratatui::style::Modifier::UNDERLINED)
        } else {
            sel
        };
        let row_st = if selected { st.patch(sel) } else { st };
        let indent = match fold {
            Some(f) => fold_label((f.messages, f.unread), cols.subject),
            None => thread_indent(row),
        };
        let subject_w = cols.subject.saturating_sub(indent.chars().count());
        let mut spans = vec![
            Span::styled(flags_cell(&e), row_st),
            Span::styled(" ", row_st),
            Span::styled(
                fit(&short_or_year(e.date, cols.date_format), cols.date),
                cell("list.date"),
            ),
            Span::styled(" ", row_st),
        ];
        spans.extend(super::highlight(
            &fit(&sanitize(&e.who()), cols.sender),
            &needle,
            cell("list.sender"),
            hit,
        ));
        spans.push(Span::styled(" ", row_st));
        spans.push(Span::styled(indent, cell("list.thread")));
        spans.extend(super::highlight(
            &fit(&sanitize(e.subject), subject_w),
            &needle,
            row_st,
            hit,
        ));
        if cols.size > 0 {
            spans.push(Span::styled(" ", row_st));
            spans.push(Span::styled(
                format!(
                    "{:>w$}",
                    truncate(&compact_size(e.size as usize), cols.size),
                    w = cols.size
                ),
                cell("list.size"),
            ));
        }
        lines.push(Line::from(spans));
        if selected {
            super::fill_row(frame, inner, inner.y + (row_i - l.offset) as u16, row_st);
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_keeps_thirty_cells() {
        let min = (crate::ui::layout::LIST_MIN_WIDTH - 2) as usize;
        for w in min..300 {
            let c = Columns::fit(w, "%Y-%m-%d %H:%M");
            assert!(c.subject >= 30, "{w}: subject {}", c.subject);
            let used = 4
                + 1
                + c.date
                + 1
                + c.sender
                + 1
                + c.subject
                + if c.size > 0 { c.size + 1 } else { 0 };
            assert!(used <= w, "{w}: {used}");
        }
    }
}
