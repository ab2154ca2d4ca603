//! All header fields of a message (the `H` toggle) and its raw source (`:source`), as
//! preview lines: headers unfolded and decoded (RFC 5322 §2.2.3, RFC 2047) in the order they
//! were written; the source byte for byte as written, nothing decoded, with controls made
//! visible. Everything sanitized for the terminal.

use mail_parser::{parsers::MessageStream, HeaderValue};

use crate::mail::render::{human_size, Line, LineKind};
use crate::mail::sanitize::{sanitize, wrap};

/// At most this many bytes of a message are shown as source (a notice says when it is cut).
pub const MAX_SOURCE: usize = 1024 * 1024;
/// At most this many header fields are listed.
pub const MAX_FIELDS: usize = 1000;

/// One header field: its name as written and its value unfolded and decoded. Sanitized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderField {
    pub name: String,
    pub value: String,
}

/// The end of the header section: the byte after the first empty line (or the whole input).
fn header_end(raw: &[u8]) -> usize {
    let mut at = 0;
    for line in raw.split_inclusive(|&b| b == b'\n') {
        at += line.len();
        if line == b"\n" || line == b"\r\n" {
            return at;
        }
    }
    raw.len()
}

/// RFC 2047 encoded words decoded in an unstructured value (with mail-parser's decoder, so
/// charsets such as ISO-2022-JP work); raw 8-bit bytes are read as UTF-8, lossily.
fn decode_value(value: &[u8]) -> String {
    let mut bytes = value.to_vec();
    bytes.push(b'\n');
    match MessageStream::new(&bytes).parse_unstructured() {
        HeaderValue::Text(t) => t.into_owned(),
        HeaderValue::TextList(l) => l.join(" "),
        _ => String::new(),
    }
}

/// Every header field of the top-level header, in order, as written (not only those
/// mail-parser knows): folded lines joined, encoded words decoded, then sanitized. A line
/// that is not a field (no colon, such as an mbox `From ` line) is kept with an empty name.
/// At most [`MAX_FIELDS`] fields of the first [`MAX_SOURCE`] bytes.
pub fn all_headers(raw: &[u8]) -> Vec<HeaderField> {
    let head = &raw[..header_end(&raw[..raw.len().min(MAX_SOURCE)])];
    let mut fields: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for line in head.split_inclusive(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if matches!(line[0], b' ' | b'\t') {
            if let Some((_, value)) = fields.last_mut() {
                value.push(b' ');
                value.extend_from_slice(line.trim_ascii_start());
                continue;
            }
        }
        if fields.len() >= MAX_FIELDS {
            break;
        }
        match line.iter().position(|&b| b == b':') {
            Some(i) if i > 0 && line[..i].iter().all(|b| b.is_ascii_graphic()) => {
                fields.push((line[..i].to_vec(), line[i + 1..].trim_ascii().to_vec()));
            }
            _ => fields.push((Vec::new(), line.to_vec())),
        }
    }
    fields
        .into_iter()
        .map(|(name, value)| HeaderField {
            name: sanitize(&String::from_utf8_lossy(&name)),
            value: sanitize(decode_value(&value).trim()),
        })
        .collect()
}

/// The fields as preview header lines `width` cells wide: `Name: value`, wrapped.
pub fn header_lines(fields: &[HeaderField], width: usize) -> Vec<Line> {
    let width = width.max(10);
    fields
        .iter()
        .flat_map(|f| {
            let text = match f.name.is_empty() {
                true => f.value.clone(),
                false => format!("{}: {}", f.name, f.value),
            };
            wrap(&text, width)
        })
        .map(|text| Line {
            kind: LineKind::Header,
            text,
        })
        .collect()
}

/// Control characters as visible symbols: C0 as control pictures (ESC is `␛`), DEL as `␡`,
/// C1 and bidi or other invisible format characters as `<U+202E>`; TAB is left for
/// [`sanitize`] to expand.
fn visible(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\t' => out.push(c),
            '\0'..='\x1f' => out.extend(char::from_u32(0x2400 + c as u32)),
            '\x7f' => out.push('␡'),
            '\u{80}'..='\u{9f}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}' => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The raw message as preview lines `width` cells wide, for `:source`: each line as written
/// (CRLF, LF or CR ends), no decoding of any kind (bytes that are not UTF-8 show as `�`),
/// escape sequences and other controls shown as visible symbols (`␛[31m`) rather than
/// obeyed or hidden, long lines wrapped. Only the first [`MAX_SOURCE`] bytes; then a notice
/// line says how much was left out.
pub fn source_lines(raw: &[u8], width: usize) -> Vec<Line> {
    let width = width.max(10);
    let shown = &raw[..raw.len().min(MAX_SOURCE)];
    let text = String::from_utf8_lossy(shown);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while !rest.is_empty() {
        let (line, skip) = match rest.find(['\n', '\r']) {
            Some(i) => (
                &rest[..i],
                i + if rest[i..].starts_with("\r\n") { 2 } else { 1 },
            ),
            None => (rest, rest.len()),
        };
        for w in wrap(&sanitize(&visible(line)), width) {
            out.push(Line {
                kind: LineKind::Body,
                text: w,
            });
        }
        rest = &rest[skip..];
    }
    if raw.len() > MAX_SOURCE {
        let note = format!(
            "(source cut: {} of {} shown)",
            human_size(MAX_SOURCE),
            human_size(raw.len())
        );
        out.extend(wrap(&note, width).into_iter().map(|text| Line {
            kind: LineKind::Notice,
            text,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "Received: from a.test\r\n\tby b.test; Tue, 1 Jul 2003\r\n\
        From: =?utf-8?q?J=C3=BCrgen?= <j@x.test>\r\n\
        Subject: =?ISO-2022-JP?B?GyRCJE8kbSE8GyhC?= and\r\n =?UTF-8?B?w6l0w6k=?=\r\n\
        X-Evil: \x1b]0;pwned\x07hi \u{202e}there\r\n\
        DKIM-Signature: v=1; a=rsa-sha256;\r\n   b=abc\r\n\r\n\
        Body with \x1b[31mred\x1b[0m\r\nSubject: not a header\r\n";

    #[test]
    fn all_fields_in_order_unfolded_decoded_sanitized() {
        let fields = all_headers(RAW.as_bytes());
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("Received", "from a.test by b.test; Tue, 1 Jul 2003"),
                ("From", "Jürgen <j@x.test>"),
                ("Subject", "はろー and été"),
                ("X-Evil", "hi there"),
                ("DKIM-Signature", "v=1; a=rsa-sha256; b=abc"),
            ]
        );
        let lines = header_lines(&fields, 20);
        assert!(lines.iter().all(|l| l.kind == LineKind::Header));
        assert!(lines
            .iter()
            .all(|l| crate::mail::sanitize::width(&l.text) <= 20));
        assert_eq!(lines[0].text, "Received: from");
        assert!(lines.iter().any(|l| l.text == "From: Jürgen"));
        // an mbox From line, a line without a colon, no body
        let fields = all_headers(b"From bob Tue Jul  1\nSubject: s\ngarbage line\n");
        assert_eq!(fields[0].name, "");
        assert_eq!(fields[0].value, "From bob Tue Jul  1");
        assert_eq!(fields[2].value, "garbage line");
        assert!(all_headers(b"").is_empty());
    }

    #[test]
    fn source_is_raw_with_visible_controls() {
        let lines = source_lines(RAW.as_bytes(), 80);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[0], "Received: from a.test");
        assert_eq!(texts[1], "        by b.test; Tue, 1 Jul 2003");
        assert!(texts.contains(&"From: =?utf-8?q?J=C3=BCrgen?= <j@x.test>"));
        assert!(
            texts.contains(&"X-Evil: ␛]0;pwned␇hi <U+202E>there"),
            "{texts:?}"
        );
        assert!(texts.contains(&"Body with ␛[31mred␛[0m"));
        assert!(lines.iter().all(|l| !l.text.chars().any(char::is_control)));
        // bytes that are not UTF-8 are not decoded into anything else
        let lines = source_lines(b"Subject: caf\xe9\n", 80);
        assert_eq!(lines[0].text, "Subject: caf\u{fffd}");
        // huge messages are cut with a notice
        let big = vec![b'a'; MAX_SOURCE + 10];
        let lines = source_lines(&big, 100);
        let last = lines.last().unwrap();
        assert_eq!(last.kind, LineKind::Notice);
        assert_eq!(last.text, "(source cut: 1.0 MiB of 1.0 MiB shown)");
        assert!(lines
            .iter()
            .all(|l| crate::mail::sanitize::width(&l.text) <= 100));
    }
}
