//! MIME to display lines for the preview pane: the header block, the chosen text body (plain,
//! else HTML converted), quotes, signature and the attachment list, sanitized and wrapped.

use std::borrow::Cow;

use mail_parser::{
    decoders::html::html_to_text as html_strip, HeaderName, Message, MessagePart, MimeHeaders,
    PartType,
};

use crate::mail::body::{all_text_blank, attachment_parts, body_part_ids, is_recovered, part_meta};
use crate::mail::parse::{
    addresses, has_mail_headers, header_text, message_date, parse_message, raw_header, DateSource,
};
use crate::mail::sanitize::{sanitize, sanitize_lines, truncate, width as cells, wrap};
use crate::mail::Address;

/// The most raw bytes shown when a message has to be displayed raw.
const MAX_RAW: usize = 256 * 1024;

/// What a display line is, for styling; `Quote` carries the quote depth (1 = "> ").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Header,
    Body,
    Quote(u8),
    Signature,
    Attachment,
    Notice,
}

/// One sanitized display line, at most the pane width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
}

/// An attachment as listed under the body; `size` is the decoded size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub name: String,
    pub mime: String,
    pub size: usize,
}

/// A rendered message: its display lines and its attachments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub lines: Vec<Line>,
    pub attachments: Vec<AttachmentInfo>,
}

/// The lines being built, all at most `width` cells.
struct Out<'a> {
    lines: Vec<Line>,
    width: usize,
    dates: &'a DateStyle,
}

impl Out<'_> {
    fn push(&mut self, kind: LineKind, text: String) {
        self.lines.push(Line { kind, text });
    }

    fn blank(&mut self) {
        self.push(LineKind::Body, String::new());
    }

    /// Sanitizes `text` and wraps it to the pane.
    fn wrapped(&mut self, kind: LineKind, text: &str) {
        for l in wrap(&sanitize(text), self.width) {
            self.push(kind, l);
        }
    }

    /// One logical body line at quote `depth`; continuation lines keep the quote prefix.
    fn body_line(&mut self, kind: LineKind, depth: usize, content: &str) {
        let content = if content == "-- " {
            content
        } else {
            content.trim_end()
        };
        if depth == 0 {
            return self.wrapped(kind, content);
        }
        let mut prefix = ">".repeat(depth.min(self.width / 2));
        prefix.push(' ');
        let avail = self.width - prefix.len();
        for l in wrap(&sanitize(content), avail) {
            let text = if l.is_empty() {
                prefix.trim_end().to_owned()
            } else {
                format!("{prefix}{l}")
            };
            self.push(kind, text);
        }
    }

    /// Shows raw bytes (lossy UTF-8), at most [`MAX_RAW`] of them.
    fn raw(&mut self, bytes: &[u8]) {
        let cut = bytes.len() > MAX_RAW;
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_RAW)]);
        for l in sanitize_lines(&text) {
            for w in wrap(&l, self.width) {
                self.push(LineKind::Body, w);
            }
        }
        if cut {
            self.wrapped(LineKind::Notice, "(raw message cut at 256 KiB)");
        }
    }
}

fn format_addrs(list: &[Address]) -> String {
    let parts: Vec<String> = list
        .iter()
        .map(|a| match &a.name {
            Some(n) if a.email.is_empty() => n.clone(),
            _ => a.to_string(),
        })
        .collect();
    parts.join(", ")
}

/// How the preview shows a message's time: the user's `date_format` in the local zone, the
/// same time the list shows, with the zone's offset after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateStyle {
    /// A chrono `strftime` format (the `[ui] date_format` setting).
    pub format: String,
    /// The zone to show times in; `None` is the machine's local zone (tests fix one).
    pub zone: Option<chrono::FixedOffset>,
}

impl Default for DateStyle {
    fn default() -> Self {
        DateStyle {
            format: "%Y-%m-%d %H:%M".into(),
            zone: None,
        }
    }
}

impl DateStyle {
    /// The offset of the shown zone at the instant `ts` (unix seconds).
    fn offset_at(&self, ts: i64) -> Option<chrono::FixedOffset> {
        use chrono::TimeZone;
        match self.zone {
            Some(z) => Some(z),
            None => chrono::Local
                .timestamp_opt(ts, 0)
                .single()
                .map(|d| d.fixed_offset().timezone()),
        }
    }

    /// `ts` (unix seconds) as the list shows it, plus the offset: `2026-10-06 16:20 +0200`.
    pub fn format(&self, ts: i64) -> Option<String> {
        let offset = self.offset_at(ts)?;
        let dt = chrono::DateTime::from_timestamp(ts, 0)?.with_timezone(&offset);
        Some(format!("{} {}", dt.format(&self.format), dt.format("%z")))
    }
}

/// `timestamp` (Unix seconds) in the reader's zone and format; where the sender's offset
/// (seconds east of UTC) differs, the sender's own clock time follows in parentheses.
fn format_date(ts: i64, offset: i32, style: &DateStyle) -> Option<String> {
    let sender = chrono::FixedOffset::east_opt(offset)?;
    let shown = style.format(ts)?;
    if style.offset_at(ts) == Some(sender) {
        return Some(shown);
    }
    let theirs = chrono::DateTime::from_timestamp(ts, 0)?.with_timezone(&sender);
    Some(format!(
        "{shown} ({} for the sender)",
        theirs.format("%a %H:%M %z")
    ))
}

fn header_block(out: &mut Out, msg: Option<&Message<'_>>, raw: &[u8]) {
    let Some(msg) = msg else {
        return ["From: ", "To: ", "Subject: "]
            .iter()
            .for_each(|h| out.wrapped(LineKind::Header, h));
    };
    let from = format_addrs(&addresses(msg, HeaderName::From));
    out.wrapped(LineKind::Header, &format!("From: {from}"));
    let to = format_addrs(&addresses(msg, HeaderName::To));
    out.wrapped(LineKind::Header, &format!("To: {to}"));
    let cc = addresses(msg, HeaderName::Cc);
    if !cc.is_empty() {
        out.wrapped(LineKind::Header, &format!("Cc: {}", format_addrs(&cc)));
    }
    // A date read from the header is shown in the reader's zone (as the list shows it); one
    // that could not be read or lies in the future (the list uses the arrival time then) is
    // shown as written.
    let when = message_date(msg, 0, chrono::Utc::now().timestamp());
    let date = match when.source {
        DateSource::Header | DateSource::HeaderNoZone | DateSource::HeaderZoneFromReceived => {
            format_date(when.timestamp, when.offset, out.dates)
        }
        DateSource::Received | DateSource::Arrival => None,
    }
    .or_else(|| raw_header(msg, raw, HeaderName::Date));
    if let Some(date) = date {
        out.wrapped(LineKind::Header, &format!("Date: {date}"));
    }
    let subject = header_text(msg, HeaderName::Subject);
    out.wrapped(LineKind::Header, &format!("Subject: {subject}"));
}

/// HTML to readable text at `width`, falling back to a plain tag stripper.
fn html_to_text(html: &str, width: usize) -> String {
    let convert = |overflow: bool| {
        let cfg = html2text::config::plain_no_decorate()
            .link_footnotes(true)
            .no_table_borders();
        let cfg = if overflow {
            cfg.allow_width_overflow()
        } else {
            cfg
        };
        std::panic::catch_unwind(|| cfg.string_from_read(html.as_bytes(), width).ok())
            .ok()
            .flatten()
    };
    convert(false)
        .or_else(|| convert(true))
        .unwrap_or_else(|| html_strip(html))
}

/// Splits a plain-text quote prefix: `"> > x"` and `">> x"` are depth 2, content `"x"`.
fn split_quote(line: &str) -> (usize, &str) {
    let b = line.as_bytes();
    let (mut depth, mut i, mut end) = (0, 0, 0);
    while i < b.len() {
        if b[i] == b'>' {
            depth += 1;
            end = i + 1;
        } else if !(b[i] == b' ' && depth > 0 && b.get(i + 1) == Some(&b'>')) {
            break;
        }
        i += 1;
    }
    let rest = &line[end..];
    match depth {
        0 => (0, rest),
        _ => (depth, rest.strip_prefix(' ').unwrap_or(rest)),
    }
}

/// RFC 3676 format=flowed: joins soft-broken lines of equal quote depth into paragraphs,
/// removing space-stuffing (and the soft-break space itself with `delsp=yes`).
fn unflow(text: &str, delsp: bool) -> Vec<(usize, Cow<'_, str>)> {
    let mut out: Vec<(usize, Cow<'_, str>)> = Vec::new();
    let mut soft = false;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        let is_sig = depth == 0 && content == "-- ";
        let continues = soft && !is_sig && out.last().is_some_and(|(d, _)| *d == depth);
        let this_soft = content.ends_with(' ') && !is_sig;
        let content = match this_soft && delsp {
            true => &content[..content.len() - 1],
            false => content,
        };
        match out.last_mut() {
            Some((_, acc)) if continues => acc.to_mut().push_str(content),
            _ => out.push((depth, Cow::Borrowed(content))),
        }
        soft = this_soft;
    }
    out
}

/// Renders one text/plain body into quote-, signature- and body-kind lines.
fn render_text(out: &mut Out, text: &str, flowed: bool, delsp: bool) {
    let mut lines: Vec<(usize, Cow<'_, str>)> = if flowed {
        unflow(text, delsp)
    } else {
        text.split('\n')
            .map(|l| {
                let (d, c) = split_quote(l.strip_suffix('\r').unwrap_or(l));
                (d, Cow::Borrowed(c))
            })
            .collect()
    };
    while lines
        .last()
        .is_some_and(|(d, c)| *d == 0 && c.trim().is_empty())
    {
        lines.pop();
    }
    let mut in_sig = false;
    for (depth, content) in &lines {
        in_sig |= *depth == 0 && content == "-- ";
        let kind = match (in_sig, *depth) {
            (true, _) => LineKind::Signature,
            (false, 0) => LineKind::Body,
            (false, d) => LineKind::Quote(d.min(255) as u8),
        };
        out.body_line(kind, *depth, content);
    }
}

fn ct_param<'a>(part: &'a MessagePart<'_>, name: &str) -> Option<&'a str> {
    part.content_type()?.attribute(name)
}

/// The text of a body part (`width` for HTML conversion; `None` converts HTML for search).
pub(crate) fn part_text<'a>(
    part: &'a MessagePart<'_>,
    width: Option<usize>,
) -> Option<Cow<'a, str>> {
    match &part.body {
        PartType::Text(t) => Some(Cow::Borrowed(t.as_ref())),
        PartType::Html(h) => Some(Cow::Owned(match width {
            Some(w) => html_to_text(h, w),
            None => html_strip(h),
        })),
        PartType::Binary(b) | PartType::InlineBinary(b) if is_recovered(part) => {
            Some(String::from_utf8_lossy(b))
        }
        _ => None,
    }
}

/// Renders every body part (see [`body_part_ids`]); returns the ids of the parts shown.
fn render_body(out: &mut Out, msg: &Message<'_>) -> Vec<u32> {
    let mut shown = Vec::new();
    for id in body_part_ids(msg) {
        let Some(part) = msg.parts.get(id as usize) else {
            continue;
        };
        let Some(text) = part_text(part, Some(out.width)) else {
            continue;
        };
        if !shown.is_empty() {
            out.blank();
        }
        shown.push(id);
        if !msg.text_body.contains(&id) && !msg.html_body.contains(&id) {
            out.wrapped(
                LineKind::Notice,
                "(malformed MIME part; shown as far as possible)",
            );
        }
        render_part(out, part, &text);
    }
    shown
}

/// Renders the text of one part, honouring `format=flowed; delsp=yes` of text/plain.
fn render_part(out: &mut Out, part: &MessagePart<'_>, text: &str) {
    let is_plain = matches!(part.body, PartType::Text(_));
    let param = |name: &str, value: &str| {
        is_plain && ct_param(part, name).is_some_and(|v| v.eq_ignore_ascii_case(value))
    };
    render_text(out, text, param("format", "flowed"), param("delsp", "yes"));
}

/// One text or HTML part alone as preview lines `width` cells wide (at least 10), shown as a
/// message body is: sanitized, wrapped, quotes and signature marked, HTML converted. Empty
/// for a part with no text. For viewing a single part (`mail::parts::view`).
pub(crate) fn render_part_text(part: &MessagePart<'_>, width: usize) -> Vec<Line> {
    let dates = DateStyle::default();
    let mut out = Out {
        lines: Vec::new(),
        width: width.max(10),
        dates: &dates,
    };
    if let Some(text) = part_text(part, Some(out.width)) {
        render_part(&mut out, part, &text);
    }
    out.lines
}

fn attachment_info(buf: &[u8], part: &MessagePart<'_>) -> AttachmentInfo {
    let (name, mime, size) = part_meta(buf, part);
    AttachmentInfo {
        name: sanitize(&name),
        mime: sanitize(&mime),
        size,
    }
}

/// One attachment line, shortening the name first so that type and size stay visible.
fn attachment_line(n: usize, a: &AttachmentInfo, width: usize) -> String {
    let head = format!("[{n}] ");
    let tail = format!("  {}  {}", a.mime, human_size(a.size));
    let room = width.saturating_sub(cells(&head) + cells(&tail));
    if room >= 8 {
        format!("{head}{}{tail}", truncate(&a.name, room))
    } else {
        truncate(&format!("{head}{}{tail}", a.name), width)
    }
}

/// What to show when a parsed message has no text part: a notice, and maybe raw bytes.
fn fallback<'a>(msg: &Message<'_>, raw: &'a [u8], attachments: bool) -> (&'static str, &'a [u8]) {
    let body = raw.get(msg.parts.first().map_or(0, |p| p.offset_body as usize)..);
    let body = body.unwrap_or_default();
    if attachments {
        ("(no text part)", b"")
    } else if all_text_blank(msg) {
        ("(empty message)", b"")
    } else if !has_mail_headers(msg) {
        ("(no usable headers; showing raw message)", raw)
    } else if body.iter().all(u8::is_ascii_whitespace) {
        ("(empty message)", b"")
    } else {
        ("(no text part; showing raw message)", body)
    }
}

/// Render a whole message for a pane `width` cells wide (clamped to at least 10), dates in the
/// default style (see [`render_with`]). Every text in the result is sanitized and no line is
/// wider than `width`. Never panics.
pub fn render(raw: &[u8], width: usize) -> Rendered {
    render_with(raw, width, &DateStyle::default())
}

/// [`render`] with the reader's date style for the Date line.
pub fn render_with(raw: &[u8], width: usize, dates: &DateStyle) -> Rendered {
    let width = width.max(10);
    let mut out = Out {
        lines: Vec::new(),
        width,
        dates,
    };
    let msg = parse_message(raw);
    header_block(&mut out, msg.as_ref(), raw);
    out.blank();
    let Some(msg) = msg else {
        out.wrapped(
            LineKind::Notice,
            "(could not parse message; showing raw message)",
        );
        out.raw(raw);
        return Rendered {
            lines: out.lines,
            attachments: Vec::new(),
        };
    };
    let shown = render_body(&mut out, &msg);
    let attachments: Vec<_> = attachment_parts(&msg, &shown)
        .map(|p| attachment_info(&msg.raw_message, p))
        .collect();
    if shown.is_empty() {
        let (notice, bytes) = fallback(&msg, raw, !attachments.is_empty());
        out.wrapped(LineKind::Notice, notice);
        out.raw(bytes);
    }
    if !attachments.is_empty() {
        out.blank();
        for (i, a) in attachments.iter().enumerate() {
            let text = attachment_line(i + 1, a, width);
            out.push(LineKind::Attachment, text);
        }
    }
    Rendered {
        lines: out.lines,
        attachments,
    }
}

/// Plain text of the message for searching: subject + from/to/cc names and addresses + the
/// text body (HTML converted). Not lowercased; sanitized line by line.
pub fn search_text(raw: &[u8]) -> String {
    let Some(msg) = parse_message(raw) else {
        return sanitize_lines(&String::from_utf8_lossy(raw)).join("\n");
    };
    let mut pieces: Vec<Cow<'_, str>> = vec![header_text(&msg, HeaderName::Subject).into()];
    for name in [HeaderName::From, HeaderName::To, HeaderName::Cc] {
        for a in addresses(&msg, name) {
            pieces.push(format!("{} {}", a.name.as_deref().unwrap_or(""), a.email).into());
        }
    }
    let ids = body_part_ids(&msg);
    let texts: Vec<_> = ids
        .iter()
        .filter_map(|&id| part_text(msg.parts.get(id as usize)?, None))
        .collect();
    if texts.is_empty() {
        let attachments = attachment_parts(&msg, &[]).next().is_some();
        let b = fallback(&msg, raw, attachments).1;
        pieces.push(String::from_utf8_lossy(&b[..b.len().min(MAX_RAW)]));
    }
    pieces.extend(texts);
    pieces.retain(|p| !p.trim().is_empty());
    sanitize_lines(&pieces.join("\n")).join("\n")
}

/// Human size: "512 B", "12.3 KiB", "4.0 MiB".
pub fn human_size(n: usize) -> String {
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    for unit in ["KiB", "MiB", "GiB"] {
        if v < 1023.95 {
            return format!("{v:.1} {unit}");
        }
        v /= 1024.0;
    }
    format!("{v:.1} TiB")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(r: &Rendered) -> Vec<&str> {
        r.lines.iter().map(|l| l.text.as_str()).collect()
    }

    fn of_kind(r: &Rendered, kind: LineKind) -> Vec<&str> {
        r.lines
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| l.text.as_str())
            .collect()
    }

    fn body(r: &Rendered) -> Vec<(LineKind, &str)> {
        let start = r
            .lines
            .iter()
            .position(|l| l.kind != LineKind::Header)
            .unwrap_or(0)
            + 1;
        r.lines[start..]
            .iter()
            .map(|l| (l.kind, l.text.as_str()))
            .collect()
    }

    fn assert_safe(r: &Rendered, width: usize) {
        for l in &r.lines {
            assert!(cells(&l.text) <= width, "{:?} wider than {width}", l.text);
            assert!(
                !l.text.chars().any(|c| c.is_control()),
                "control char in {:?}",
                l.text
            );
        }
    }

    const ALT: &str = "From: =?utf-8?q?J=C3=BCrgen?= <j@example.test>\n\
        To: a@x.test, Bee <b@x.test>\nCc: c@x.test\n\
        Date: Tue, 1 Jul 2003 10:52:37 +0200\nSubject: alt\nMIME-Version: 1.0\n\
        Content-Type: multipart/alternative; boundary=\"B\"\n\n\
        --B\nContent-Type: text/plain; charset=utf-8\n\nPlain version here.\n\
        --B\nContent-Type: text/html\n\n<html><body><p>HTML version</p></body></html>\n--B--\n";

    /// Render as a reader in UTC (`+0000`) with the default date format.
    fn render_utc(raw: &[u8], width: usize) -> Rendered {
        let dates = DateStyle {
            zone: chrono::FixedOffset::east_opt(0),
            ..DateStyle::default()
        };
        render_with(raw, width, &dates)
    }

    #[test]
    fn header_block_layout() {
        let r = render_utc(ALT.as_bytes(), 80);
        assert_eq!(
            of_kind(&r, LineKind::Header),
            vec![
                "From: Jürgen <j@example.test>",
                "To: a@x.test, Bee <b@x.test>",
                "Cc: c@x.test",
                "Date: 2003-07-01 08:52 +0000 (Tue 10:52 +0200 for the sender)",
                "Subject: alt",
            ]
        );
        assert_eq!(
            r.lines[5],
            Line {
                kind: LineKind::Body,
                text: String::new()
            }
        );
        // The date is shown in the reader's zone and format, as the list shows it; the sender's
        // clock only when it differs.
        let raw = b"From: a@x.test\nDate: Sun, 31 Dec 2023 23:59:00 -0500\n\nx\n";
        let r = render_utc(raw, 80);
        assert!(
            texts(&r).contains(&"Date: 2024-01-01 04:59 +0000 (Sun 23:59 -0500 for the sender)"),
            "{:?}",
            texts(&r)
        );
        let new_york = DateStyle {
            format: "%d.%m.%Y %H:%M".into(),
            zone: chrono::FixedOffset::west_opt(5 * 3600),
        };
        let r = render_with(raw, 80, &new_york);
        assert!(texts(&r).contains(&"Date: 31.12.2023 23:59 -0500"));
        // An unparseable date is shown as written; a missing one is left out.
        let r = render(b"From: a@x.test\nDate: sometime \x1b[1msoon\n\nx\n", 80);
        assert!(
            texts(&r).contains(&"Date: sometime soon"),
            "{:?}",
            texts(&r)
        );
        let r = render(b"From: a@x.test\n\nx\n", 80);
        assert!(!texts(&r).iter().any(|l| l.starts_with("Date:")));
    }

    #[test]
    fn alternative_picks_plain() {
        let r = render(ALT.as_bytes(), 80);
        assert_eq!(body(&r), vec![(LineKind::Body, "Plain version here.")]);
        assert!(r.attachments.is_empty());
    }

    #[test]
    fn html_only_gives_readable_text() {
        let raw = "From: a@x.test\nSubject: html\nContent-Type: text/html; charset=utf-8\n\n\
            <html><head><style>p {color:red}</style></head><body><h1>Title</h1>\
            <p>Hello <b>bold</b> &amp; <a href=\"http://x.test/\">link</a></p>\
            <blockquote>quoted text</blockquote><ul><li>one</li><li>two</li></ul></body></html>\n";
        let r = render(raw.as_bytes(), 60);
        let all = texts(&r).join("\n");
        assert!(!all.contains('<') && !all.contains("color:red"), "{all}");
        assert!(all.contains("Title"));
        assert!(all.contains("Hello bold & [link][1]"), "{all}");
        assert!(all.contains("http://x.test/"));
        assert!(all.contains("one") && all.contains("two"));
        assert!(r
            .lines
            .iter()
            .any(|l| l.kind == LineKind::Quote(1) && l.text.contains("quoted text")));
        assert_safe(&r, 60);
    }

    #[test]
    fn charsets_are_decoded() {
        let cases: [(&str, &[u8], &str); 5] = [
            ("iso-8859-1", b"Caf\xe9 na\xefve \xa9", "Café naïve ©"),
            (
                "windows-1252",
                b"\x93quoted\x94 \x80 5",
                "\u{201c}quoted\u{201d} € 5",
            ),
            (
                "koi8-r",
                b"\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2",
                "Привет, мир",
            ),
            (
                "shift_jis",
                b"\x83n\x83\x8d\x81[\x81E\x83\x8f\x81[\x83\x8b\x83h",
                "ハロー・ワールド",
            ),
            (
                "iso-2022-jp",
                b"\x1b$B%O%m!<!&%o!<%k%I\x1b(B",
                "ハロー・ワールド",
            ),
        ];
        for (charset, bytes, expected) in cases {
            let mut raw = format!(
                "From: a@x.test\nSubject: cs\nContent-Type: text/plain; charset={charset}\n\n"
            )
            .into_bytes();
            raw.extend_from_slice(bytes);
            raw.push(b'\n');
            let r = render(&raw, 80);
            assert_eq!(
                body(&r),
                vec![(LineKind::Body, expected)],
                "charset {charset}"
            );
        }
        let raw = b"From: a@x.test\nContent-Type: text/plain; charset=iso-8859-1\n\
            Content-Transfer-Encoding: quoted-printable\n\n=E9t=E9\n";
        assert_eq!(body(&render(raw, 80)), vec![(LineKind::Body, "été")]);
    }

    #[test]
    fn encoded_word_subject() {
        let raw = "From: a@x.test\nSubject: =?UTF-8?B?w6l0w6kg8J+YgA==?=\n\nx\n";
        assert!(texts(&render(raw.as_bytes(), 80)).contains(&"Subject: été 😀"));
        let raw = "From: a@x.test\nSubject: =?ISO-2022-JP?B?GyRCJE8kbSE8GyhC?=\n\nx\n";
        assert!(texts(&render(raw.as_bytes(), 80)).contains(&"Subject: はろー"));
    }

    #[test]
    fn format_flowed_is_joined() {
        let raw = "From: a@x.test\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n\
            This is a long paragraph that was \nsoft broken by the sender \nacross lines.\n\
            Hard line.\n> Quoted and \n> flowed text.\n>> Deeper \n>> level.\n From stuffed\n-- \nSig\n";
        let r = render(raw.as_bytes(), 80);
        assert_eq!(
            body(&r),
            vec![
                (
                    LineKind::Body,
                    "This is a long paragraph that was soft broken by the sender across lines."
                ),
                (LineKind::Body, "Hard line."),
                (LineKind::Quote(1), "> Quoted and flowed text."),
                (LineKind::Quote(2), ">> Deeper level."),
                (LineKind::Body, "From stuffed"),
                (LineKind::Signature, "-- "),
                (LineKind::Signature, "Sig"),
            ]
        );
        // Rewrapped to the pane, quote prefix kept on continuation lines.
        let r = render(raw.as_bytes(), 20);
        assert!(body(&r).contains(&(LineKind::Quote(1), "> Quoted and flowed")));
        assert!(body(&r).contains(&(LineKind::Quote(1), "> text.")));
        assert_safe(&r, 20);
        let raw = "From: a@x.test\nContent-Type: text/plain; format=flowed; delsp=yes\n\nsplit wo \nrd here\n";
        assert_eq!(
            body(&render(raw.as_bytes(), 80)),
            vec![(LineKind::Body, "split word here")]
        );
    }

    #[test]
    fn plain_text_is_not_joined_and_quotes_and_signature_get_kinds() {
        let raw = "From: a@x.test\n\nline one \nline two\n> > nested quote\n>plain quote\n\n\
            a very long line that certainly needs wrapping at a narrow width\n\
            > a long quoted line that also needs wrapping\n-- \nJohn\n> not a quote: in sig\n\n\n";
        let r = render(raw.as_bytes(), 20);
        assert_eq!(
            body(&r),
            vec![
                (LineKind::Body, "line one"),
                (LineKind::Body, "line two"),
                (LineKind::Quote(2), ">> nested quote"),
                (LineKind::Quote(1), "> plain quote"),
                (LineKind::Body, ""),
                (LineKind::Body, "a very long line"),
                (LineKind::Body, "that certainly needs"),
                (LineKind::Body, "wrapping at a narrow"),
                (LineKind::Body, "width"),
                (LineKind::Quote(1), "> a long quoted line"),
                (LineKind::Quote(1), "> that also needs"),
                (LineKind::Quote(1), "> wrapping"),
                (LineKind::Signature, "-- "),
                (LineKind::Signature, "John"),
                (LineKind::Signature, "> not a quote: in"),
                (LineKind::Signature, "> sig"),
            ]
        );
        let deep = format!("From: a@x.test\n\n{}x\n", ">".repeat(300));
        let r = render(deep.as_bytes(), 10);
        assert_eq!(body(&r), vec![(LineKind::Quote(255), ">>>>> x")]);
    }

    const MIXED: &str = "From: a@x.test\nSubject: report\nMIME-Version: 1.0\n\
        Content-Type: multipart/mixed; boundary=\"XX\"\n\n\
        --XX\nContent-Type: multipart/alternative; boundary=\"YY\"\n\n\
        --YY\nContent-Type: text/plain\n\nsee attached\n\
        --YY\nContent-Type: text/html\n\n<p>see <b>attached</b></p>\n--YY--\n\
        --XX\nContent-Type: application/pdf; name=\"report.pdf\"\n\
        Content-Disposition: attachment; filename=\"report.pdf\"\nContent-Transfer-Encoding: base64\n\n\
        AAECAwQFBgcICQ==\n\
        --XX\nContent-Type: text/plain\n\nsecond inline text\n\
        --XX\nContent-Type: message/rfc822\n\nFrom: b@x.test\nSubject: Fwd inner\n\ninner body\n\
        --XX--\n";

    #[test]
    fn mixed_shows_inline_text_parts_and_lists_attachments() {
        let r = render(MIXED.as_bytes(), 60);
        assert_eq!(
            body(&r),
            vec![
                (LineKind::Body, "see attached"),
                (LineKind::Body, ""),
                (LineKind::Body, "second inline text"),
                (LineKind::Body, ""),
                (
                    LineKind::Attachment,
                    "[1] report.pdf  application/pdf  10 B"
                ),
                (LineKind::Attachment, "[2] Fwd inner  message/rfc822  45 B"),
            ]
        );
        assert_eq!(
            r.attachments[0],
            AttachmentInfo {
                name: "report.pdf".into(),
                mime: "application/pdf".into(),
                size: 10
            }
        );
        assert_eq!(r.attachments.len(), 2);
    }

    #[test]
    fn attachment_line_keeps_type_and_size_when_narrow() {
        let big = format!(
            "From: a@x.test\nContent-Type: multipart/mixed; boundary=Z\n\n--Z\nContent-Type: text/plain\n\nhi\n\
             --Z\nContent-Type: application/zip\nContent-Disposition: attachment; filename=\"{}.zip\"\n\
             Content-Transfer-Encoding: base64\n\n{}\n--Z--\n",
            "a-very-long-file-name-".repeat(4),
            "AAAA".repeat(5000)
        );
        let r = render(big.as_bytes(), 50);
        let line = of_kind(&r, LineKind::Attachment)[0];
        assert!(line.starts_with("[1] a-very-long"), "{line}");
        assert!(line.ends_with("…  application/zip  14.6 KiB"), "{line}");
        assert!(cells(line) <= 50);
        assert_eq!(r.attachments[0].size, 15000);
    }

    #[test]
    fn escapes_from_the_message_never_reach_the_output() {
        let raw = "From: \"Evil\x1b]0;pwned\x07\" <e@x.test>\nSubject: \x1b[2J\u{202e}cod.exe\n\
            Content-Type: multipart/mixed; boundary=Z\n\n\
            --Z\nContent-Type: text/plain; charset=utf-8\n\n\x1b[31mred\x1b[0m \u{9b}1;1H\ttab\n\
            --Z\nContent-Type: application/octet-stream; name=\"a\x1b[1mb.bin\"\n\nxx\n--Z--\n";
        let r = render(raw.as_bytes(), 40);
        assert_safe(&r, 40);
        let all = texts(&r).join("\n");
        assert!(!all.contains('\u{202e}') && !all.contains("pwned"), "{all}");
        assert!(all.contains("red     tab"), "{all}");
        assert!(!r.attachments[0].name.contains('\x1b'));
    }

    #[test]
    fn malformed_input_still_renders() {
        // Random bytes.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in [1usize, 10, 300, 4000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    (seed >> 24) as u8
                })
                .collect();
            for w in [0, 10, 33] {
                let r = render(&bytes, w);
                assert!(!r.lines.is_empty());
                assert_safe(&r, w.max(10));
            }
        }
        // Empty input.
        let r = render(b"", 40);
        assert!(r.lines.iter().any(|l| l.kind == LineKind::Notice));
        // No headers at all: the raw text is shown with a notice.
        let r = render(b"just some text\nmore text\n", 40);
        assert!(r.lines.iter().any(|l| l.kind == LineKind::Notice));
        assert!(texts(&r).contains(&"just some text"));
    }

    #[test]
    fn every_truncation_and_byte_flip_renders_safely() {
        let raw = MIXED.as_bytes();
        for end in 0..raw.len() {
            let r = render(&raw[..end], 30);
            assert!(!r.lines.is_empty());
            assert_safe(&r, 30);
            search_text(&raw[..end]);
        }
        let mut seed = 0x1234_5678_9abc_def1u64;
        for _ in 0..300 {
            let mut m = raw.to_vec();
            for _ in 0..8 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let i = (seed % m.len() as u64) as usize;
                let alphabet = b"\n-:;=\"<>\x1b\xc3";
                m[i] = alphabet[(seed >> 32) as usize % alphabet.len()];
            }
            assert_safe(&render(&m, 25), 25);
        }
    }

    #[test]
    fn truncated_multipart_shows_what_it_can() {
        let raw = "From: a@x.test\nSubject: trunc\nMIME-Version: 1.0\n\
            Content-Type: multipart/mixed; boundary=\"XX\"\n\n\
            --XX\nContent-Type: text/plain\n\nfirst part text\n\
            --XX\nContent-Type: text/plain\n\nsecond part, never closed";
        let r = render(raw.as_bytes(), 40);
        let all = texts(&r).join("\n");
        assert!(
            all.contains("first part text") && all.contains("second part, never closed"),
            "{all}"
        );
        // Cut in the middle of the headers of a part.
        let r = render(
            &raw.as_bytes()[..raw.find("Content-Type: text/plain\n\nsecond").unwrap_or(0) + 10],
            40,
        );
        assert!(texts(&r).contains(&"first part text"));
        // A multipart without a boundary parameter.
        let r = render(
            b"From: a@x.test\nContent-Type: multipart/mixed\n\nbody text\n",
            40,
        );
        assert!(texts(&r).join("\n").contains("body text"));
    }

    #[test]
    fn no_text_part_shows_raw_or_notice() {
        let raw = b"From: a@x.test\nSubject: s\nContent-Type: application/x-thing\n\nRAWDATA\n";
        let r = render(raw, 40);
        assert!(texts(&r).contains(&"(no text part)"));
        assert_eq!(r.attachments[0].mime, "application/x-thing");
        let raw = b"From: a@x.test\nSubject: s\nContent-Type: multipart/mixed; boundary=Q\n\n--Q\n";
        let r = render(raw, 60);
        assert!(
            r.lines.iter().any(|l| l.kind == LineKind::Notice),
            "{:?}",
            r.lines
        );
        let r = render(b"Subject: only headers\n", 40);
        assert_eq!(body(&r), vec![(LineKind::Notice, "(empty message)")]);
    }

    #[test]
    fn lines_never_exceed_width() {
        for raw in [ALT, MIXED, "From: 日本語の名前がとても長い人 <someone-with-a-long-address@example.test>\n\
            Subject: 件名がとても長いのでラップされるべきです 😀😀😀\n\n本文も長い日本語のテキストで、狭い幅で折り返されます。\n"] {
            for w in [0, 5, 10, 11, 17, 23, 40, 79] {
                let r = render(raw.as_bytes(), w);
                assert_safe(&r, w.max(10));
            }
        }
    }

    #[test]
    fn search_text_has_headers_and_body() {
        let s = search_text(ALT.as_bytes());
        for part in [
            "alt",
            "Jürgen",
            "j@example.test",
            "Bee",
            "b@x.test",
            "c@x.test",
            "Plain version here.",
        ] {
            assert!(s.contains(part), "{part} missing from {s:?}");
        }
        assert!(!s.contains("HTML version"));
        let html =
            "From: a@x.test\nSubject: S\nContent-Type: text/html\n\n<p>Hello <b>World</b></p>";
        let s = search_text(html.as_bytes());
        assert!(
            s.contains("Hello") && s.contains("World") && !s.contains("<b>"),
            "{s:?}"
        );
        assert_eq!(search_text(b"no headers here"), "no headers here");
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1.0 KiB");
        assert_eq!(human_size(12_595), "12.3 KiB");
        assert_eq!(human_size(4 * 1024 * 1024), "4.0 MiB");
        assert_eq!(human_size(1024 * 1024 - 1), "1.0 MiB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn issue10_split_encoded_words_in_the_preview() {
        let raw = include_bytes!("../../tests/data/cases/split-encoded-word.eml");
        let r = render(raw, 100);
        let headers = of_kind(&r, LineKind::Header);
        assert!(
            headers.contains(&"From: Zoë Wäldchen-Øster <zoe@example.test>"),
            "{headers:?}"
        );
        assert!(
            headers.contains(&"Subject: Inscriptions ouvertes pour l’atelier d’été"),
            "{headers:?}"
        );
        assert!(search_text(raw).contains("Zoë Wäldchen-Øster"));
    }

    #[test]
    fn issue10_blank_plain_part_shows_the_html() {
        let raw = include_bytes!("../../tests/data/cases/blank-plain-part.eml");
        let r = render(raw, 80);
        let all = texts(&r).join("\n");
        assert!(all.contains("Dear Alice,"), "{all}");
        assert!(all.contains("Balance: 1,234.56 EUR."), "{all}");
        assert!(all.contains("Reference number: ST-2026-11-0042"), "{all}");
        let body_text: Vec<&str> = body(&r).into_iter().map(|(_, t)| t).collect();
        assert!(
            !body_text
                .iter()
                .any(|l| l.contains('<') || l.contains("malformed")),
            "{all}"
        );
        assert!(r.attachments.is_empty());
        assert!(search_text(raw).contains("Dear Alice"));
    }

    fn alternative(plain: &str, html: &str) -> String {
        format!(
            "From: a@x.test\nSubject: s\nContent-Type: multipart/alternative; boundary=B\n\n\
             --B\nContent-Type: text/plain; charset=utf-8\n\n{plain}\n\
             --B\nContent-Type: text/html; charset=utf-8\n\n{html}\n--B--\n"
        )
    }

    #[test]
    fn the_part_with_content_is_chosen() {
        let rich = "<p>The <b>rich</b> newsletter</p>";
        // A plain part that only points to the browser is still the text part.
        let r = render(
            alternative("View this email in your browser.", rich).as_bytes(),
            80,
        );
        assert_eq!(
            body(&r),
            vec![(LineKind::Body, "View this email in your browser.")]
        );
        // Whitespace, zero-width spaces and a BOM count as empty.
        for blank in ["", " \t ", "\u{200b}\u{feff} \u{a0}"] {
            let r = render(alternative(blank, rich).as_bytes(), 80);
            assert_eq!(
                body(&r),
                vec![(LineKind::Body, "The rich newsletter")],
                "{blank:?}"
            );
        }
        // An empty HTML is skipped: a blank plain and a blank HTML make an empty message.
        let r = render(
            alternative(" ", "<html><body> </body></html>").as_bytes(),
            80,
        );
        assert_eq!(body(&r), vec![(LineKind::Notice, "(empty message)")]);
        // In a mixed message an empty HTML part gives way to the text next to it.
        let raw = "From: a@x.test\nContent-Type: multipart/mixed; boundary=M\n\n\
            --M\nContent-Type: text/html\n\n<div></div>\n\
            --M\nContent-Type: text/plain\n\nthe text\n--M--\n";
        assert_eq!(
            body(&render(raw.as_bytes(), 80)),
            vec![(LineKind::Body, "the text")]
        );
        // HTML inside multipart/related is found behind a blank plain part.
        let raw = "From: a@x.test\nContent-Type: multipart/alternative; boundary=A\n\n\
            --A\nContent-Type: text/plain\n\n\n\
            --A\nContent-Type: multipart/related; boundary=R\n\n\
            --R\nContent-Type: text/html\n\n<p>related html</p>\n\
            --R\nContent-Type: image/png; name=logo.png\nContent-Transfer-Encoding: base64\n\niVBO\n--R--\n--A--\n";
        let r = render(raw.as_bytes(), 80);
        assert_eq!(
            body(&r)[0],
            (LineKind::Body, "related html"),
            "{:?}",
            body(&r)
        );
    }

    #[test]
    fn issue10_odd_date_in_the_preview() {
        let raw = include_bytes!("../../tests/data/cases/odd-date.eml");
        let r = render_utc(raw, 80);
        assert!(
            texts(&r).contains(&"Date: 2021-02-05 14:05 +0000 (Fri 22:05 +0800 for the sender)"),
            "{:?}",
            of_kind(&r, LineKind::Header)
        );
        // A date far in the future is shown as written.
        let raw = b"From: a@x.test\nDate: Mon, 1 Jan 2100 00:00:00 +0000 (future)\n\nx\n";
        assert!(texts(&render(raw, 80)).contains(&"Date: Mon, 1 Jan 2100 00:00:00 +0000 (future)"));
    }

    #[test]
    fn attachment_names_go_through_the_one_decoder() {
        let raw = "From: a@x.test\nContent-Type: multipart/mixed; boundary=Z\n\n\
            --Z\nContent-Type: text/plain\n\nhi\n\
            --Z\nContent-Type: application/pdf; name=\"=?UTF-8?Q?r=C3?= =?UTF-8?Q?=A9sum=C3=A9.pdf?=\"\n\
            Content-Transfer-Encoding: base64\n\nAAAA\n\
            --Z\nContent-Type: application/octet-stream\n\
            Content-Disposition: attachment; filename*0*=utf-8''caf%C3; filename*1*=%A9.txt\n\nx\n\
            --Z\nContent-Type: message/rfc822\n\nSubject: =?utf-8?q?=C3?= =?utf-8?q?=A9t=C3=A9?=\n\ninner\n--Z--\n";
        let r = render(raw.as_bytes(), 80);
        let names: Vec<&str> = r.attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, vec!["résumé.pdf", "café.txt", "été"]);
    }
}
