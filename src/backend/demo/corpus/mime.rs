//! A demo message as bytes. [`crate::mail::compose::build`] writes it, as it writes the mail
//! tmail sends; then the header gets what the builder leaves to chance or has no field for:
//!
//! - the demo's own Message-ID (the builder draws a new one each time) and the Date in the
//!   sender's time zone (the builder writes UTC);
//! - multipart boundaries named after the message, `=_tmail_<seq>` (lettre draws them at
//!   random), so every run gives the same bytes;
//! - extra header lines (List-*, X-Mailer...), and what the special messages need: a raw
//!   Subject, no Date, a body made in [`super::special`], no closing boundary.

use std::time::{Duration, SystemTime};

use super::build::Msg;
use super::people::{local_time, Person, EPOCH};
use super::DRAFTS;
use crate::mail::compose::{build, build_draft, Draft, DraftAttachment};
use crate::mail::Address;

/// A message's body.
pub(super) enum Body {
    /// UTF-8 text/plain, written by the builder (7bit, quoted-printable or base64, as it
    /// chooses).
    Text(String),
    /// Text and attachments: multipart/mixed, written by the builder.
    Files(String, Vec<DraftAttachment>),
    /// A MIME entity (Content-* header lines, an empty line, the body) made in
    /// [`super::special`], in place of the builder's body.
    Entity(Vec<u8>),
}

pub(super) fn address(p: &Person) -> Address {
    Address {
        name: Some(p.name.to_string()),
        email: p.email.to_string(),
    }
}

/// The message's bytes: built, then its header set as the module says.
pub(super) fn render(m: &Msg) -> Vec<u8> {
    let (text, attachments) = match &m.body {
        Body::Text(text) => (text.clone(), Vec::new()),
        Body::Files(text, files) => (text.clone(), files.clone()),
        Body::Entity(_) => (String::new(), Vec::new()),
    };
    let draft = Draft {
        from: address(&m.from),
        to: m.to.iter().map(address).collect(),
        cc: m.cc.iter().map(address).collect(),
        subject: m.subject.clone(),
        body: text,
        in_reply_to: m.parent.as_ref().map(|p| p.id.clone()),
        references: m
            .parent
            .as_ref()
            .map(|p| p.refs.iter().chain([&p.id]).cloned().collect())
            .unwrap_or_default(),
        attachments,
        ..Draft::default()
    };
    let when = SystemTime::UNIX_EPOCH + Duration::from_secs((EPOCH + m.at * 60).unsigned_abs());
    let built = if m.folder == DRAFTS {
        build_draft(&draft, None, when)
    } else {
        build(&draft, when)
    };
    // Every address and name of the demo is valid: a failure is a bug the tests show.
    let bytes = built
        .map(|b| b.bytes)
        .unwrap_or_else(|e| panic!("demo message {}: {e}", m.id));

    let end = find(&bytes, b"\r\n\r\n").unwrap_or(bytes.len());
    let mut fields = fields(&bytes[..end]);
    set(
        &mut fields,
        "Message-ID",
        Some(format!("<{}>", m.id).as_bytes()),
    );
    let date = m.dated.then(|| {
        local_time(m.at, m.from.tz)
            .format("%a, %d %b %Y %H:%M:%S %z")
            .to_string()
    });
    set(&mut fields, "Date", date.as_deref().map(str::as_bytes));
    if let Some(subject) = &m.raw_subject {
        set(&mut fields, "Subject", Some(subject));
    }
    let at = position(&fields, "MIME-Version").unwrap_or(fields.len());
    fields.splice(at..at, m.headers.iter().cloned());

    let body = match &m.body {
        Body::Entity(entity) => {
            fields.retain(|f| !is(f, "Content-Type") && !is(f, "Content-Transfer-Encoding"));
            &entity[..]
        }
        // The empty line that ends the header, and the builder's body.
        _ => bytes.get(end + 2..).unwrap_or_default(),
    };
    let mut out = Vec::with_capacity(bytes.len() + 512);
    for f in &fields {
        out.extend_from_slice(f);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(body);
    let first = rename_boundaries(&mut out, m.seq);
    if let (true, Some(boundary)) = (m.unterminated, first) {
        let closing = format!("--{boundary}--\r\n");
        if out.ends_with(closing.as_bytes()) {
            out.truncate(out.len() - closing.len());
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The header fields of a header block, each with its folded lines (CRLF SP) and without
/// its final CRLF.
fn fields(head: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    for line in head.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match out.last_mut() {
            Some(field) if line.starts_with(b" ") || line.starts_with(b"\t") => {
                field.extend_from_slice(b"\r\n");
                field.extend_from_slice(line);
            }
            _ => out.push(line.to_vec()),
        }
    }
    out
}

/// Whether `field` is named `name` (case-insensitive).
fn is(field: &[u8], name: &str) -> bool {
    field.len() > name.len()
        && field[name.len()] == b':'
        && field[..name.len()].eq_ignore_ascii_case(name.as_bytes())
}

fn position(fields: &[Vec<u8>], name: &str) -> Option<usize> {
    fields.iter().position(|f| is(f, name))
}

/// Sets the field `name` to `value` (written as given), in place of the builder's or else
/// before MIME-Version; `None` removes it.
fn set(fields: &mut Vec<Vec<u8>>, name: &str, value: Option<&[u8]>) {
    let field = value.map(|v| [name.as_bytes(), b": ", v].concat());
    match (position(fields, name), field) {
        (Some(i), Some(field)) => fields[i] = field,
        (Some(i), None) => {
            fields.remove(i);
        }
        (None, Some(field)) => {
            let at = position(fields, "MIME-Version").unwrap_or(fields.len());
            fields.insert(at, field);
        }
        (None, None) => {}
    }
}

/// Renames the boundaries lettre drew at random to `=_tmail_<seq>` (the outermost) and
/// `=_tmail_<seq>_<n>`, everywhere they occur; those already renamed (in a forwarded
/// message) stay. Returns the outermost one's new name.
fn rename_boundaries(raw: &mut Vec<u8>, seq: usize) -> Option<String> {
    const KEY: &[u8] = b"boundary=\"";
    let mut random: Vec<Vec<u8>> = Vec::new();
    let mut from = 0;
    while let Some(i) = find(&raw[from..], KEY) {
        let start = from + i + KEY.len();
        let len = raw[start..].iter().position(|&b| b == b'"').unwrap_or(0);
        let name = raw[start..start + len].to_vec();
        // lettre's are 40 letters and digits; anything else is not one of them (the text
        // of a mail may talk about boundaries).
        let drawn = name.len() == 40 && name.iter().all(u8::is_ascii_alphanumeric);
        if drawn && !random.contains(&name) {
            random.push(name);
        }
        from = start + len;
    }
    let mut first = None;
    for (n, name) in random.iter().enumerate() {
        let new = match n {
            0 => format!("=_tmail_{seq:03}"),
            _ => format!("=_tmail_{seq:03}_{n}"),
        };
        let mut out = Vec::with_capacity(raw.len());
        let mut rest = &raw[..];
        while let Some(i) = find(rest, name) {
            out.extend_from_slice(&rest[..i]);
            out.extend_from_slice(new.as_bytes());
            rest = &rest[i + name.len()..];
        }
        out.extend_from_slice(rest);
        *raw = out;
        first.get_or_insert(new);
    }
    first
}
