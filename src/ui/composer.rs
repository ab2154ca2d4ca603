//! The composer pane: a line saying who sends it and through which server, the header fields,
//! the attachments with their type and size, and the body (tui-textarea). The field with the
//! cursor is marked; in insert mode the terminal's cursor shows where text goes; address
//! completions show under the field being typed.

use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::app::compose::{Composer, Field};
use crate::app::App;
use crate::mail::compose::AttachmentSource;
use crate::mail::sanitize::{fit, sanitize};

/// A size in the attachment list.
fn size_of(a: &crate::mail::compose::DraftAttachment) -> String {
    let n = match &a.source {
        AttachmentSource::File(p) => std::fs::metadata(p).map(|m| m.len() as usize).ok(),
        AttachmentSource::Data(d) => Some(d.len()),
    };
    n.map_or_else(|| "missing".to_string(), crate::mail::render::human_size)
}

fn type_of(a: &crate::mail::compose::DraftAttachment) -> String {
    a.mime.clone().unwrap_or_else(|| match &a.source {
        AttachmentSource::File(p) => mime_guess::from_path(p)
            .first_raw()
            .unwrap_or("application/octet-stream")
            .to_string(),
        AttachmentSource::Data(_) => "application/octet-stream".to_string(),
    })
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, c: &Composer) {
    let focused_style = app.theme.style("border.focused");
    let title = format!(
        " {} — {} ",
        c.title,
        if c.insert {
            "typing (Esc stops)"
        } else {
            "i types, Ctrl-S sends"
        }
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(ratatui::widgets::BorderType::Thick)
        .border_style(focused_style)
        .title(Line::styled(title, app.theme.style("title.focused")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 3 || inner.width < 10 {
        return;
    }
    let w = inner.width as usize;
    let name_st = app.theme.style("preview.header.name");
    let value_st = app.theme.style("preview.header");
    let cur_st = app.theme.style("list.selected");
    let mut lines: Vec<Line> = Vec::new();
    // Who sends it, and through which server.
    let account = app.compose_settings.iter().find(|(_, s)| {
        s.identities
            .iter()
            .any(|i| c.from.text.to_lowercase().contains(&i.email.to_lowercase()))
    });
    let via = match account {
        Some((name, s)) => match &s.via {
            Some(v) => format!("Sent by account {name} via {v}"),
            None => format!("Account {name} has no [accounts.smtp]: it cannot send"),
        },
        None => "From is none of your addresses (Tab on From lists them)".to_string(),
    };
    lines.push(Line::styled(
        fit(&sanitize(&via), w),
        app.theme.style("preview.notice"),
    ));
    let label_w = 9;
    let mut cursor: Option<Position> = None;
    for f in [
        Field::From,
        Field::To,
        Field::Cc,
        Field::Bcc,
        Field::Subject,
    ] {
        let Some(input) = c.line(f) else { continue };
        let here = c.field == f;
        let label = format!("{:>w$}: ", f.label(), w = label_w - 2);
        let value_w = w.saturating_sub(label_w);
        // Keep the cursor in view: the field being typed scrolls sideways; the others show
        // their start.
        let (shown, col) =
            super::input_line::window(&input.text, if here { input.cursor } else { 0 }, value_w);
        let st = if here {
            value_st.patch(cur_st)
        } else {
            value_st
        };
        lines.push(Line::from(vec![
            Span::styled(
                label,
                if here {
                    name_st.add_modifier(Modifier::REVERSED)
                } else {
                    name_st
                },
            ),
            Span::styled(fit(&shown, value_w), st),
        ]));
        if here && c.insert {
            let x = inner.x + (label_w + col).min(w.saturating_sub(1)) as u16;
            cursor = Some(Position::new(x, inner.y + lines.len() as u16 - 1));
        }
        // Completions under the field being typed.
        if here && !c.suggestions.is_empty() {
            for (i, s) in c.suggestions.iter().enumerate() {
                let hint = if i == 0 { " ← Tab" } else { "" };
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(label_w)),
                    Span::styled(
                        fit(&format!("{}{hint}", sanitize(s)), w.saturating_sub(label_w)),
                        app.theme.style("popup"),
                    ),
                ]));
            }
        }
    }
    let here = c.field == Field::Attachments;
    if c.attachments.is_empty() {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:>w$}: ", Field::Attachments.label(), w = label_w - 2),
                if here {
                    name_st.add_modifier(Modifier::REVERSED)
                } else {
                    name_st
                },
            ),
            Span::styled(
                fit(
                    "none (ga or :attach PATH adds one)",
                    w.saturating_sub(label_w),
                ),
                app.theme.style("preview.notice"),
            ),
        ]));
    }
    for (i, a) in c.attachments.iter().enumerate() {
        let name = sanitize(&crate::app::composer_ops::attachment_name(a));
        let text = format!("{}. {name} ({}, {})", i + 1, type_of(a), size_of(a));
        let label = if i == 0 {
            format!("{:>w$}: ", Field::Attachments.label(), w = label_w - 2)
        } else {
            " ".repeat(label_w)
        };
        let sel = here && i == c.attachment_cursor;
        lines.push(Line::from(vec![
            Span::styled(
                label,
                if here && i == 0 {
                    name_st.add_modifier(Modifier::REVERSED)
                } else {
                    name_st
                },
            ),
            Span::styled(
                fit(&text, w.saturating_sub(label_w)),
                if sel {
                    app.theme.style("preview.attachment").patch(cur_st)
                } else {
                    app.theme.style("preview.attachment")
                },
            ),
        ]));
    }
    lines.push(Line::styled(
        "─".repeat(w),
        if c.field == Field::Body {
            focused_style
        } else {
            app.theme.style("border")
        },
    ));
    let head_h = (lines.len() as u16).min(inner.height.saturating_sub(1));
    let head = Rect::new(inner.x, inner.y, inner.width, head_h);
    frame.render_widget(Paragraph::new(lines), head);
    let body = Rect::new(
        inner.x,
        inner.y + head_h,
        inner.width,
        inner.height.saturating_sub(head_h),
    );
    // The body: tui-textarea draws only what is visible, keeps its own scroll, and draws its
    // cursor itself (styled by the app: shown only while the body has the cursor).
    frame.render_widget(&c.body, body);
    if let Some(p) = cursor {
        frame.set_cursor_position(p);
    }
}
