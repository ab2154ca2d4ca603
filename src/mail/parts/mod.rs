//! The MIME part tree of a message (RFC 2045–2049): every entity with its type, decoded name,
//! decoded size, charset and disposition, including the parts inside a forwarded
//! `message/rfc822`; and each part's exact decoded bytes, its text for viewing, or the raw
//! message it holds. Functions take the raw message and re-parse it, so callers keep only
//! owned data ([`PartInfo`]) and the bytes they already have.

mod decode;

use std::fmt;

use mail_parser::{HeaderName, Message, MessagePart, MimeHeaders, PartType};

pub use decode::{base64, quoted_printable, TransferEncoding};

use crate::mail::filename::{extension_for, sanitize_file_name};
use crate::mail::parse::{header_text, parse_message};
use crate::mail::render::{render_part_text, Line};
use crate::mail::sanitize::sanitize;

/// Nested messages deeper than this are listed but not opened (a hostile message could nest
/// thousands).
pub const MAX_DEPTH: usize = 32;

/// Where a part is in the tree: the positions of the entities on the way down, 0-based, the
/// root entity being `[0]`. The child of a `message/rfc822` part is the root entity of the
/// message it holds. Shown 1-based with dots (`1`, `1.2`, `1.2.1`), and parsed back from that.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartId(pub Vec<usize>);

impl PartId {
    /// The root entity of the message: `1`.
    pub fn root() -> PartId {
        PartId(vec![0])
    }

    /// Parses the dotted 1-based form (`1.2.1`); `None` for anything else.
    pub fn parse(s: &str) -> Option<PartId> {
        let path = s
            .trim()
            .split('.')
            .map(|n| n.parse::<usize>().ok().filter(|&n| n > 0).map(|n| n - 1))
            .collect::<Option<Vec<_>>>()?;
        (!path.is_empty()).then_some(PartId(path))
    }

    fn child(&self, i: usize) -> PartId {
        let mut p = self.0.clone();
        p.push(i);
        PartId(p)
    }
}

impl fmt::Display for PartId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, n) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{}", n + 1)?;
        }
        Ok(())
    }
}

/// What a part holds, as mail-parser understood it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// `multipart/*`: only children (RFC 2046 §5.1).
    Multipart,
    /// `text/*` other than HTML (and broken parts recovered as text).
    Text,
    /// `text/html`.
    Html,
    /// `message/rfc822` or `message/global` (RFC 2046 §5.2.1, RFC 6532): a whole message,
    /// whose root entity is this part's one child.
    Message,
    /// Anything else: images, PDFs, archives, …
    Binary,
}

/// Content-Disposition (RFC 2183 §2.1–2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// No Content-Disposition header.
    Unspecified,
    Inline,
    Attachment,
    /// Another disposition type, lowercased and sanitized.
    Other(String),
}

/// One MIME entity of a message, as the parts view shows it. Every string is sanitized for
/// the terminal ([`crate::mail::sanitize`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartInfo {
    pub id: PartId,
    /// Nesting level: 0 for the root entity.
    pub depth: usize,
    pub kind: PartKind,
    /// `type/subtype`, lowercased (RFC 2045 §5.2 defaults: `text/plain`, or
    /// `message/rfc822` inside `multipart/digest`).
    pub content_type: String,
    /// The file name (`filename` of Content-Disposition, else `name` of Content-Type),
    /// decoded from RFC 2231 (charset, continuations) and RFC 2047 encoded words.
    pub name: Option<String>,
    /// A safe file name to save it under: the name through
    /// [`sanitize_file_name`], else the inner subject of a message, else
    /// `part-<id>`, with an extension from the type when the name had none.
    pub file_name: String,
    /// Size in bytes after undoing the transfer encoding (what saving writes); 0 for a
    /// multipart.
    pub size: usize,
    /// The `charset` parameter, lowercased (text parts).
    pub charset: Option<String>,
    pub disposition: Disposition,
    pub encoding: TransferEncoding,
    /// Content-ID without angle brackets (RFC 2392: what `cid:` URLs refer to).
    pub content_id: Option<String>,
    /// Content-Description (RFC 2045 §8).
    pub description: Option<String>,
    /// For a message part: the Subject of the message it holds.
    pub subject: Option<String>,
    /// The preview shows this part as body text.
    pub is_body: bool,
    /// An image meant to be shown inside the message (inline disposition or a Content-ID,
    /// as in `multipart/related`, RFC 2387).
    pub is_inline_image: bool,
    /// mail-parser had to recover this part (a missing closing boundary, bad encoding): its
    /// bytes are decoded from the raw message as far as they go.
    pub malformed: bool,
}

/// Why a part cannot be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartError {
    /// The raw bytes are not a message mail-parser can read.
    #[error("the message cannot be parsed")]
    Unparseable,
    /// No part has this id (the message changed, or a typo).
    #[error("no part {0}")]
    NoSuchPart(PartId),
    /// A multipart has no content of its own.
    #[error("part {0} is a multipart: choose one of its parts")]
    Multipart(PartId),
    /// `view` of a part that is neither text nor a message.
    #[error("part {0} ({1}) cannot be shown as text: save or open it")]
    NotViewable(PartId, String),
}

/// What `view` gives for a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartView {
    /// A text (or HTML converted to text) part as preview lines: sanitized, wrapped.
    Text(Vec<Line>),
    /// A `message/rfc822` part: the raw bytes of the message it holds, to render and list
    /// parts of like any message.
    Message(Vec<u8>),
}

/// One entity found while walking the tree: the message whose `raw_message` its offsets
/// refer to, and the part.
struct Found<'m, 'x> {
    id: PartId,
    depth: usize,
    msg: &'m Message<'x>,
    index: usize,
    part: &'m MessagePart<'x>,
}

/// Pre-order walk from part `index` of `msg`; `f` returns false to stop.
fn walk<'m, 'x>(
    msg: &'m Message<'x>,
    index: usize,
    id: PartId,
    depth: usize,
    f: &mut dyn FnMut(&Found<'m, 'x>) -> bool,
) -> bool {
    let Some(part) = msg.parts.get(index) else {
        return true;
    };
    let found = Found {
        id,
        depth,
        msg,
        index,
        part,
    };
    if !f(&found) {
        return false;
    }
    let id = found.id;
    match &part.body {
        PartType::Multipart(children) => {
            // Children come after their parent: anything else would be a loop.
            let children = children.iter().map(|&c| c as usize).filter(|&c| c > index);
            for (i, c) in children.enumerate() {
                if !walk(msg, c, id.child(i), depth + 1, f) {
                    return false;
                }
            }
        }
        PartType::Message(inner) if depth < MAX_DEPTH && !inner.parts.is_empty() => {
            return walk(inner, 0, id.child(0), depth + 1, f);
        }
        _ => {}
    }
    true
}

/// The part `id` of a parsed message.
fn find<'m, 'x, T>(
    msg: &'m Message<'x>,
    id: &PartId,
    f: impl FnOnce(&Found<'m, 'x>) -> T,
) -> Option<T> {
    let mut f = Some(f);
    let mut out = None;
    walk(msg, 0, PartId::root(), 0, &mut |found| {
        if found.id.0.len() > id.0.len() || !id.0.starts_with(&found.id.0) {
            return true;
        }
        if found.id == *id {
            out = f.take().map(|f| f(found));
            return false;
        }
        true
    });
    out
}

fn encoding_of(part: &MessagePart<'_>) -> TransferEncoding {
    TransferEncoding::from_header(part.content_transfer_encoding())
}

/// The bytes of `part` as they are in the message (still transfer-encoded).
fn encoded_body<'m>(msg: &'m Message<'_>, part: &MessagePart<'_>) -> &'m [u8] {
    let (start, end) = (part.offset_body as usize, part.offset_end as usize);
    msg.raw_message.get(start..end.max(start)).unwrap_or(&[])
}

/// Transfer-decoded bytes of a found part. Parts mail-parser decoded cleanly as binary are
/// taken as they are; everything else (text, recovered parts, messages) is decoded here from
/// the raw bytes, so text keeps its own charset and a part cut off by a missing boundary is
/// decoded as far as it goes.
fn bytes_of(found: &Found<'_, '_>) -> Vec<u8> {
    match &found.part.body {
        PartType::Binary(b) | PartType::InlineBinary(b) if !found.part.is_encoding_problem => {
            b.to_vec()
        }
        PartType::Multipart(_) => Vec::new(),
        _ => encoding_of(found.part).decode(encoded_body(found.msg, found.part)),
    }
}

fn kind_of(part: &MessagePart<'_>) -> PartKind {
    match &part.body {
        PartType::Multipart(_) => PartKind::Multipart,
        PartType::Text(_) => PartKind::Text,
        PartType::Html(_) => PartKind::Html,
        PartType::Message(_) => PartKind::Message,
        PartType::Binary(_) | PartType::InlineBinary(_) => PartKind::Binary,
    }
}

/// `type/subtype` lowercased, with RFC 2045 §5.2's default.
fn content_type_of(part: &MessagePart<'_>, kind: PartKind) -> String {
    match part.content_type() {
        Some(ct) => {
            let t = ct.ctype().trim().to_ascii_lowercase();
            match ct.subtype() {
                Some(st) => format!("{t}/{}", st.trim().to_ascii_lowercase()),
                None if t == "text" => "text/plain".into(),
                None => t,
            }
        }
        None => match kind {
            PartKind::Message => "message/rfc822".into(),
            PartKind::Html => "text/html".into(),
            _ => "text/plain".into(),
        },
    }
}

fn disposition_of(part: &MessagePart<'_>) -> Disposition {
    match part.content_disposition() {
        None => Disposition::Unspecified,
        Some(d) => match d.ctype().trim().to_ascii_lowercase().as_str() {
            "inline" => Disposition::Inline,
            "attachment" => Disposition::Attachment,
            other => Disposition::Other(sanitize(other)),
        },
    }
}

fn clean_opt(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(sanitize)
}

/// What the list says of one part; `body_ids` are the top message's parts shown as its text.
fn info(found: &Found<'_, '_>, top: &Message<'_>, body_ids: &[u32]) -> PartInfo {
    let part = found.part;
    let kind = kind_of(part);
    let content_type = content_type_of(part, kind);
    // Through the one header decoder (RFC 2231 and RFC 2047 names), as the preview shows it.
    let decoded_name = crate::mail::body::attachment_name(&found.msg.raw_message, part);
    let raw_name = decoded_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let subject = match &part.body {
        PartType::Message(m) => Some(header_text(m, HeaderName::Subject)),
        _ => None,
    };
    let fallback = format!("part-{}", found.id);
    let mut file_name = sanitize_file_name(
        raw_name.or(subject.as_deref()).unwrap_or(&fallback),
        &fallback,
    );
    let has_ext = raw_name.is_some_and(|n| n.contains('.'));
    if !has_ext {
        if let Some(ext) = extension_for(&content_type) {
            file_name = sanitize_file_name(&format!("{file_name}.{ext}"), &fallback);
        }
    }
    let disposition = disposition_of(part);
    let content_id = part
        .content_id()
        .map(|id| id.trim().trim_start_matches('<').trim_end_matches('>'))
        .filter(|id| !id.is_empty())
        .map(sanitize);
    let is_inline_image = content_type.starts_with("image/")
        && (disposition == Disposition::Inline
            || (disposition == Disposition::Unspecified && content_id.is_some()));
    PartInfo {
        id: found.id.clone(),
        depth: found.depth,
        kind,
        size: match kind {
            PartKind::Multipart => 0,
            _ => size_of(found),
        },
        charset: part
            .content_type()
            .and_then(|ct| ct.attribute("charset"))
            .map(|c| sanitize(&c.trim().to_ascii_lowercase()))
            .filter(|c| !c.is_empty()),
        name: raw_name.map(sanitize),
        file_name,
        content_type: sanitize(&content_type),
        disposition,
        encoding: encoding_of(part),
        content_id,
        description: clean_opt(part.content_description()),
        subject: subject.as_deref().map(sanitize),
        is_body: std::ptr::eq(found.msg, top) && body_ids.contains(&(found.index as u32)),
        is_inline_image,
        malformed: part.is_encoding_problem,
    }
}

/// Decoded size without copying where mail-parser already decoded the bytes.
fn size_of(found: &Found<'_, '_>) -> usize {
    match &found.part.body {
        PartType::Binary(b) | PartType::InlineBinary(b) if !found.part.is_encoding_problem => {
            b.len()
        }
        _ => match encoding_of(found.part) {
            TransferEncoding::Base64 | TransferEncoding::QuotedPrintable => bytes_of(found).len(),
            _ => encoded_body(found.msg, found.part).len(),
        },
    }
}

/// Every MIME entity of `raw`, depth-first in message order (a parent before its children),
/// each with its [`PartId`] and nesting `depth` so the list draws as a tree. Parts of a
/// forwarded message (`message/rfc822`, also base64-encoded ones) follow their message part,
/// down to [`MAX_DEPTH`] levels. `is_body` marks the parts of the top message the preview
/// shows as its text. Empty when `raw` cannot be parsed. Never panics.
pub fn list(raw: &[u8]) -> Vec<PartInfo> {
    let Some(msg) = parse_message(raw) else {
        return Vec::new();
    };
    let body_ids = crate::mail::body::body_part_ids(&msg);
    let mut out = Vec::new();
    walk(&msg, 0, PartId::root(), 0, &mut |found| {
        out.push(info(found, &msg, &body_ids));
        true
    });
    out
}

/// The parts `save-all` saves, in order: every leaf that is not shown as the body text — the
/// attachments and inline images — and a forwarded message whole (as `.eml`) along with the
/// files attached inside it (parts with a file name or an `attachment` disposition; its text
/// is in the `.eml`). `parts` is what [`list`] returned.
pub fn saveable(parts: &[PartInfo]) -> Vec<&PartInfo> {
    let messages: Vec<&PartId> = parts
        .iter()
        .filter(|p| p.kind == PartKind::Message)
        .map(|p| &p.id)
        .collect();
    parts
        .iter()
        .filter(|p| p.kind != PartKind::Multipart && !p.is_body)
        .filter(|p| {
            let inside = messages
                .iter()
                .any(|m| p.id.0.len() > m.0.len() && p.id.0.starts_with(&m.0));
            !inside
                || (p.kind != PartKind::Message
                    && (p.name.is_some() || p.disposition == Disposition::Attachment))
        })
        .collect()
}

/// The exact content of part `id`: the bytes that were encoded, with base64 or
/// quoted-printable undone (RFC 2045 §6.7–6.8) and 7bit/8bit/binary taken as they are — a
/// saved attachment equals the file that was attached, byte for byte. Text keeps its own
/// charset (no conversion). A last part whose closing boundary never came is decoded as far
/// as the message goes. For a message part, the message it holds (its raw RFC 5322 bytes).
///
/// Errors: the message does not parse, no such part, or the part is a multipart.
pub fn decoded_bytes(raw: &[u8], id: &PartId) -> Result<Vec<u8>, PartError> {
    let msg = parse_message(raw).ok_or(PartError::Unparseable)?;
    find(&msg, id, |found| match found.part.body {
        PartType::Multipart(_) => Err(PartError::Multipart(id.clone())),
        _ => Ok(bytes_of(found)),
    })
    .unwrap_or_else(|| Err(PartError::NoSuchPart(id.clone())))
}

/// Part `id` to show in the preview, `width` cells wide: a text part as wrapped, sanitized
/// lines (charset decoded, `format=flowed` joined, quotes marked; HTML converted to text), a
/// message part as the raw message it holds (to render and open like any message).
///
/// Errors: as [`decoded_bytes`], or [`PartError::NotViewable`] for other types (save or open
/// those).
pub fn view(raw: &[u8], id: &PartId, width: usize) -> Result<PartView, PartError> {
    let msg = parse_message(raw).ok_or(PartError::Unparseable)?;
    find(&msg, id, |found| {
        let part = found.part;
        match &part.body {
            PartType::Multipart(_) => Err(PartError::Multipart(id.clone())),
            PartType::Message(_) => Ok(PartView::Message(bytes_of(found))),
            PartType::Text(_) | PartType::Html(_) => {
                Ok(PartView::Text(render_part_text(part, width)))
            }
            _ => Err(PartError::NotViewable(
                id.clone(),
                content_type_of(part, kind_of(part)),
            )),
        }
    })
    .unwrap_or_else(|| Err(PartError::NoSuchPart(id.clone())))
}

#[cfg(test)]
mod tests;
