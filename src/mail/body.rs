//! Which parts of a parsed message are its body and which are attachments: the part choice
//! that prefers the part with content, and attachment names through the one header decoder.

use mail_parser::{
    decoders::html::html_to_text as html_strip, HeaderName, Message, MessagePart, MimeHeaders,
    PartType,
};

use crate::mail::header;
use crate::mail::parse::{header_text, raw_values};

/// Whether a part is an attachment: Content-Disposition attachment, or a part that is not
/// text and not multipart and has a file name.
pub(crate) fn is_attachment(part: &MessagePart<'_>) -> bool {
    if part
        .content_disposition()
        .is_some_and(|d| d.is_attachment())
    {
        return true;
    }
    match part.body {
        PartType::Text(_) | PartType::Html(_) | PartType::Multipart(_) => false,
        PartType::Binary(_) | PartType::InlineBinary(_) | PartType::Message(_) => {
            part.attachment_name().is_some_and(|n| !n.trim().is_empty())
        }
    }
}

/// A part that mail-parser had to recover from broken MIME (a missing closing boundary, a
/// multipart without a boundary) and so filed as an attachment although nothing names it one.
pub(crate) fn is_recovered(part: &MessagePart<'_>) -> bool {
    let multipart = part
        .content_type()
        .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"));
    let text = matches!(part.body, PartType::Text(_) | PartType::Html(_));
    let binary = matches!(part.body, PartType::Binary(_) | PartType::InlineBinary(_));
    ((part.is_encoding_problem && text) || (multipart && (text || binary)))
        && !is_attachment(part)
        && part.attachment_name().is_none()
}

/// Characters that show nothing: whitespace, zero-width spaces and joiners, the BOM.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Whether a body part has nothing to read: empty or whitespace-only text, or HTML whose text
/// is (an empty HTML body).
pub(crate) fn is_blank(part: &MessagePart<'_>) -> bool {
    match &part.body {
        PartType::Text(t) => t.chars().all(invisible),
        PartType::Html(h) => h.chars().all(invisible) || html_strip(h).chars().all(invisible),
        _ => false,
    }
}

/// The first readable leaf at or under `id` (HTML only when `html`), not an attachment.
fn readable_leaf(msg: &Message<'_>, id: u32, html: bool, depth: usize) -> Option<u32> {
    let part = msg.parts.get(id as usize)?;
    match &part.body {
        PartType::Html(_) | PartType::Text(_) if is_attachment(part) || is_blank(part) => None,
        PartType::Html(_) => Some(id),
        PartType::Text(_) => (!html).then_some(id),
        PartType::Multipart(children) if depth < 8 => children
            .iter()
            .find_map(|&c| readable_leaf(msg, c, html, depth + 1)),
        _ => None,
    }
}

/// For a blank part of a multipart/alternative, the alternative that has content: an HTML
/// one first (searched into multipart/related), the richest (last) first; else any text.
fn alternative_with_content(msg: &Message<'_>, id: u32) -> Option<u32> {
    let parent = msg
        .parts
        .iter()
        .find(|p| matches!(&p.body, PartType::Multipart(ch) if ch.contains(&id)))?;
    let alternative = parent
        .content_type()
        .and_then(|ct| ct.subtype())
        .is_some_and(|st| st.eq_ignore_ascii_case("alternative"));
    let PartType::Multipart(children) = &parent.body else {
        return None;
    };
    if !alternative {
        return None;
    }
    let others = || children.iter().rev().filter(|&&c| c != id);
    others()
        .find_map(|&c| readable_leaf(msg, c, true, 0))
        .or_else(|| others().find_map(|&c| readable_leaf(msg, c, false, 0)))
}

/// The ids of the parts shown as body text, in message order: mail-parser's `text_body` plus
/// recovered parts, choosing the part that has content. A blank text part of an alternative
/// gives way to its HTML sibling (converted to text when shown); any other blank part (an
/// empty HTML) is skipped. A text/plain with content is kept even when it only points to the
/// HTML ("view this in a browser"): the sender offered it as the text.
pub(crate) fn body_part_ids(msg: &Message<'_>) -> Vec<u32> {
    let mut ids: Vec<u32> = msg.text_body.clone();
    ids.extend(
        msg.attachments
            .iter()
            .filter(|&&id| msg.parts.get(id as usize).is_some_and(is_recovered)),
    );
    ids.sort_unstable();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(part) = msg.parts.get(id as usize) else {
            continue;
        };
        let chosen = match is_blank(part) {
            true => alternative_with_content(msg, id),
            false => Some(id),
        };
        if let Some(c) = chosen.filter(|c| !out.contains(c)) {
            out.push(c);
        }
    }
    out
}

/// Whether the message has text parts but every one is blank (an empty message, not one
/// whose MIME could not be read).
pub(crate) fn all_text_blank(msg: &Message<'_>) -> bool {
    !msg.text_body.is_empty()
        && msg
            .text_body
            .iter()
            .all(|&id| msg.parts.get(id as usize).is_none_or(is_blank))
}

/// The parts listed as attachments: every leaf part mail-parser did not use as body text,
/// except those shown as body here.
pub(crate) fn attachment_parts<'a, 'x>(
    msg: &'a Message<'x>,
    shown: &'a [u32],
) -> impl Iterator<Item = &'a MessagePart<'x>> {
    msg.attachments
        .iter()
        .filter(|id| !shown.contains(id))
        .filter_map(|&id| msg.parts.get(id as usize))
        .filter(|p| !matches!(p.body, PartType::Multipart(_)))
}

/// The file name of a part: Content-Disposition's `filename`, else Content-Type's `name`,
/// decoded by the one header decoder (RFC 2231 and RFC 2047 forms). `buf` is the buffer of the
/// message holding the part (its `raw_message`).
pub(crate) fn attachment_name(buf: &[u8], part: &MessagePart<'_>) -> Option<String> {
    let from = |h: HeaderName<'static>, p: &str| {
        raw_values(buf, part, h)
            .next()
            .and_then(|v| header::param(v, p))
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
    };
    from(HeaderName::ContentDisposition, "filename")
        .or_else(|| from(HeaderName::ContentType, "name"))
}

/// Name, MIME type and decoded size of an attachment part of the message whose buffer is `buf`
/// (the name falls back to the subject of an attached message, then to "(unnamed)").
pub(crate) fn part_meta(buf: &[u8], part: &MessagePart<'_>) -> (String, String, usize) {
    let nested_subject = match &part.body {
        PartType::Message(m) => Some(header_text(m, HeaderName::Subject)),
        _ => None,
    };
    let name = attachment_name(buf, part)
        .or_else(|| nested_subject.filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "(unnamed)".to_owned());
    let mime = part.content_type().map_or_else(
        || match part.body {
            PartType::Text(_) => "text/plain".to_owned(),
            PartType::Html(_) => "text/html".to_owned(),
            PartType::Message(_) => "message/rfc822".to_owned(),
            _ => "application/octet-stream".to_owned(),
        },
        |ct| match ct.subtype() {
            Some(st) => format!("{}/{st}", ct.ctype()).to_ascii_lowercase(),
            None => ct.ctype().to_ascii_lowercase(),
        },
    );
    let size = match &part.body {
        PartType::Text(t) | PartType::Html(t) => t.len(),
        PartType::Binary(b) | PartType::InlineBinary(b) => b.len(),
        PartType::Message(_) => part.offset_end.saturating_sub(part.offset_body) as usize,
        PartType::Multipart(_) => 0,
    };
    (name, mime, size)
}
