//! The status bar (mode, account, folder, counts, pending actions, online state) and the line
//! under it (messages, errors, the `:` and `/` prompts, confirmations).

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::{App, Mode, Pane};
use crate::mail::sanitize::{sanitize, truncate, width};

fn mode_name(app: &App) -> &'static str {
    match app.mode {
        Mode::Command(_) => "COMMAND",
        Mode::Search(_) => "SEARCH",
        Mode::Help { .. } => "HELP",
        Mode::Confirm { .. } => "CONFIRM",
        Mode::Picker(_) => "PICK",
        Mode::Menu(_) => "PICK",
        Mode::Password { .. } => "PASSWORD",
        Mode::Normal if app.composer.as_ref().is_some_and(|c| c.insert) => "INSERT",
        Mode::Normal if app.composer.is_some() => "COMPOSE",
        Mode::Normal if app.visual.is_some() => "VISUAL",
        Mode::Normal => match app.focus {
            Pane::Folders => "FOLDERS",
            Pane::List => "LIST",
            Pane::Preview => "READ",
        },
    }
}

/// The wildmenu: the completion candidates over the status bar, the one in the line
/// highlighted, scrolled so that it is visible.
fn draw_wildmenu(frame: &mut Frame, bar: Rect, app: &App, c: &crate::app::Completion) {
    let base = app.theme.style("status");
    let sel = app.theme.style("list.selected");
    let w = bar.width as usize;
    let items: Vec<String> = c.candidates.iter().map(|s| sanitize(s)).collect();
    // Start from the first item such that the selected one fits (with "< " and " >").
    let chosen = c.index.unwrap_or(0);
    let mut start = 0;
    loop {
        let used: usize = items[start..=chosen]
            .iter()
            .map(|s| width(s) + 2)
            .sum::<usize>()
            + 2;
        if used <= w || start == chosen {
            break;
        }
        start += 1;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    if start > 0 {
        spans.push(Span::styled("< ", base));
        used += 2;
    }
    let mut i = start;
    while i < items.len() {
        let item_w = width(&items[i]) + 2;
        if used + item_w + 2 > w && i > chosen {
            spans.push(Span::styled(">", base));
            used += 1;
            break;
        }
        let st = if Some(i) == c.index { sel } else { base };
        spans.push(Span::styled(
            format!(" {} ", truncate(&items[i], w.saturating_sub(4))),
            st,
        ));
        used += item_w;
        i += 1;
    }
    spans.push(Span::styled(" ".repeat(w.saturating_sub(used)), base));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), bar);
}

pub fn draw(frame: &mut Frame, bar: Rect, msg: Rect, app: &App) {
    let base = app.theme.style("status");
    let mut left = vec![Span::styled(
        format!(" {} ", mode_name(app)),
        app.theme.style("status.mode"),
    )];
    let l = &app.list;
    if l.is_open() {
        let (total, unread) = app.list_counts();
        let pos = if l.rows.is_empty() { 0 } else { l.cursor + 1 };
        // while the folder loads, of how many messages (the rows listed so far are the newest)
        let of = if app.list_partial {
            total.max(l.rows.len())
        } else {
            l.rows.len()
        };
        left.push(Span::styled(
            format!(
                " {} · {} · {pos}/{of} · {unread} unread ",
                sanitize(&l.account),
                sanitize(&crate::mail::mutf7::decode(&l.folder)),
            ),
            base,
        ));
    }
    let mut right = String::new();
    if let Some(c) = app.count {
        right.push_str(&format!("{c} "));
    }
    if !app.pending_keys.is_empty() {
        right.push_str(&crate::input::format_keys(&app.pending_keys));
        right.push(' ');
    }
    if app.status.pending > 0 {
        right.push_str(&format!("⟳ {} pending ", app.status.pending));
    }
    let offline: Vec<&str> = app
        .status
        .online
        .iter()
        .filter(|(_, on)| !on)
        .map(|(a, _)| a.as_str())
        .collect();
    if !offline.is_empty() && !app.status.online.is_empty() {
        right.push_str(&format!("offline: {} ", offline.join(",")));
    }
    let used: usize = left.iter().map(|s| width(&s.content)).sum();
    let pad = (bar.width as usize).saturating_sub(used + width(&right));
    left.push(Span::styled(" ".repeat(pad), base));
    left.push(Span::styled(
        right,
        if app.status.pending > 0 {
            app.theme.style("status.pending")
        } else {
            base
        },
    ));
    match (&app.completion, &app.mode) {
        (Some(c), Mode::Command(_)) if c.candidates.len() > 1 => draw_wildmenu(frame, bar, app, c),
        _ => frame.render_widget(Paragraph::new(Line::from(left)).style(base), bar),
    }

    let w = msg.width as usize;
    match &app.mode {
        Mode::Command(input) | Mode::Search(input) => {
            let prompt = if matches!(app.mode, Mode::Command(_)) {
                ":"
            } else {
                "/"
            };
            // The prompt stays; the text scrolls sideways to keep the cursor in view.
            let (shown, col) =
                super::input_line::window(&input.text, input.cursor, w.saturating_sub(1));
            frame.render_widget(
                Paragraph::new(format!("{prompt}{shown}")).style(app.theme.style("cmdline")),
                msg,
            );
            let x = msg.x + (1 + col).min(w.saturating_sub(1)) as u16;
            frame.set_cursor_position(Position::new(x, msg.y));
        }
        Mode::Password { prompt, input, .. } => {
            // Never the password itself: one * per character, the end in view.
            let prompt = truncate(&sanitize(prompt), w.saturating_sub(1));
            let stars = "*".repeat(input.text.chars().count());
            let room = w.saturating_sub(width(&prompt));
            let (stars, _) = super::input_line::window(&stars, stars.len(), room);
            frame.render_widget(
                Paragraph::new(format!("{prompt}{stars}")).style(app.theme.style("cmdline")),
                msg,
            );
        }
        Mode::Confirm { prompt, .. } => {
            frame.render_widget(
                Paragraph::new(truncate(prompt, w)).style(app.theme.style("status.error")),
                msg,
            );
        }
        _ => {
            if let Some(e) = &app.status.error {
                frame.render_widget(
                    Paragraph::new(truncate(&sanitize(e), w))
                        .style(app.theme.style("status.error")),
                    msg,
                );
            } else if let Some(i) = &app.status.info {
                frame.render_widget(
                    Paragraph::new(truncate(&sanitize(i), w)).style(app.theme.style("status.info")),
                    msg,
                );
            }
        }
    }
}
