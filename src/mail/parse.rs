//! Reading raw RFC 5322 messages with mail-parser, never trusting them to be well-formed: the
//! [`Envelope`] the message list needs, and the header and MIME-part helpers the renderer shares.

use mail_parser::{
    HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};

use crate::mail::{Address, Envelope, Flags};

/// Parses a message with mail-parser, turning a panic inside the parser into `None`.
pub(crate) fn parse_message(raw: &[u8]) -> Option<Message<'_>> {
    std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .ok()
        .flatten()
        .filter(|m| !m.parts.is_empty())
}

/// The first header field called `name` of the message's top level.
pub(crate) fn first_header<'a, 'x>(
    msg: &'a Message<'x>,
    name: HeaderName<'static>,
) -> Option<&'a HeaderValue<'x>> {
    msg.parts
        .first()?
        .headers
        .iter()
        .find(|h| h.name == name)
        .map(|h| &h.value)
}

/// A header value as plain text (lists joined by spaces).
pub(crate) fn header_text(v: Option<&HeaderValue<'_>>) -> String {
    match v {
        Some(HeaderValue::Text(t)) => t.trim().to_owned(),
        Some(HeaderValue::TextList(l)) => l.iter().map(|t| t.trim()).collect::<Vec<_>>().join(" "),
        _ => String::new(),
    }
}

fn convert_addr(name: Option<&str>, email: Option<&str>) -> Option<Address> {
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let email = email.map(str::trim).unwrap_or("").to_owned();
    if name.is_none() && email.is_empty() {
        return None;
    }
    Some(Address { name, email })
}

/// All addresses of every `name` header at the top level: groups are flattened (an empty group
/// such as `undisclosed-recipients:;` becomes one name-only address), name-only entries keep
/// an empty email.
pub(crate) fn addresses(msg: &Message<'_>, name: HeaderName<'static>) -> Vec<Address> {
    let mut out = Vec::new();
    let Some(root) = msg.parts.first() else {
        return out;
    };
    for h in root.headers.iter().filter(|h| h.name == name) {
        match &h.value {
            HeaderValue::Address(mail_parser::Address::List(list)) => {
                out.extend(
                    list.iter()
                        .filter_map(|a| convert_addr(a.name(), a.address())),
                );
            }
            HeaderValue::Address(mail_parser::Address::Group(groups)) => {
                for g in groups {
                    if g.addresses.is_empty() {
                        out.extend(convert_addr(g.name.as_deref(), None));
                    } else {
                        out.extend(
                            g.addresses
                                .iter()
                                .filter_map(|a| convert_addr(a.name(), a.address())),
                        );
                    }
                }
            }
            HeaderValue::Text(t) => out.extend(convert_addr(Some(t), None)),
            _ => {}
        }
    }
    out
}

/// Strips whitespace and angle brackets from a message id; `None` when nothing is left.
fn clean_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// All message ids of a Message-ID/In-Reply-To/References value, in order.
pub(crate) fn ids(v: Option<&HeaderValue<'_>>) -> Vec<String> {
    match v {
        Some(HeaderValue::Text(t)) => t.split_whitespace().filter_map(clean_id).collect(),
        Some(HeaderValue::TextList(l)) => l.iter().filter_map(|t| clean_id(t)).collect(),
        _ => Vec::new(),
    }
}

/// The first Date header, if present and valid.
pub(crate) fn date_of(msg: &Message<'_>) -> Option<mail_parser::DateTime> {
    match first_header(msg, HeaderName::Date) {
        Some(HeaderValue::DateTime(d)) if d.is_valid() => Some(*d),
        _ => None,
    }
}

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

/// The raw text of the first `name` header, for values mail-parser could not understand.
pub(crate) fn raw_header(
    msg: &Message<'_>,
    raw: &[u8],
    name: HeaderName<'static>,
) -> Option<String> {
    let h = msg.parts.first()?.headers.iter().find(|h| h.name == name)?;
    let bytes = raw.get(h.offset_start as usize..h.offset_end as usize)?;
    let text = String::from_utf8_lossy(bytes).trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Whether any of From, To, Subject or Date is present: else it is hardly a mail message.
pub(crate) fn has_mail_headers(msg: &Message<'_>) -> bool {
    [
        HeaderName::From,
        HeaderName::To,
        HeaderName::Subject,
        HeaderName::Date,
    ]
    .into_iter()
    .any(|h| first_header(msg, h).is_some())
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

/// The ids of the parts shown as body text, in message order: `text_body` plus recovered parts.
pub(crate) fn body_part_ids(msg: &Message<'_>) -> Vec<u32> {
    let mut ids: Vec<u32> = msg.text_body.clone();
    ids.extend(
        msg.attachments
            .iter()
            .filter(|&&id| msg.parts.get(id as usize).is_some_and(is_recovered)),
    );
    ids.sort_unstable();
    ids.dedup();
    ids
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

/// Name, MIME type and decoded size of an attachment part (the name falls back to the subject
/// of an attached message, then to "(unnamed)").
pub(crate) fn part_meta(part: &MessagePart<'_>) -> (String, String, usize) {
    let nested_subject = match &part.body {
        PartType::Message(m) => Some(header_text(first_header(m, HeaderName::Subject))),
        _ => None,
    };
    let name = part
        .attachment_name()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
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

/// Parse headers of a raw message into an Envelope. Never panics on malformed input:
/// missing/garbled headers give empty values; date falls back to `fallback_date` (unix seconds)
/// when absent/unparseable. Subject/names are decoded from RFC 2047 but NOT sanitized here.
/// Message ids come without angle brackets. `size` is `raw.len()`.
pub fn envelope_from_raw(raw: &[u8], uid: u32, flags: Flags, fallback_date: i64) -> Envelope {
    let mut env = Envelope {
        uid,
        date: fallback_date,
        flags,
        size: u32::try_from(raw.len()).unwrap_or(u32::MAX),
        ..Envelope::default()
    };
    let Some(msg) = parse_message(raw) else {
        return env;
    };
    if let Some(d) = date_of(&msg) {
        env.date = d.to_timestamp();
    }
    env.from = addresses(&msg, HeaderName::From);
    env.to = addresses(&msg, HeaderName::To);
    env.cc = addresses(&msg, HeaderName::Cc);
    env.subject = header_text(first_header(&msg, HeaderName::Subject));
    env.message_id = ids(first_header(&msg, HeaderName::MessageId))
        .into_iter()
        .next();
    env.in_reply_to = ids(first_header(&msg, HeaderName::InReplyTo))
        .into_iter()
        .next();
    env.references = ids(first_header(&msg, HeaderName::References));
    env.has_attachments = msg.parts.iter().any(is_attachment);
    env
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(raw: &str) -> Envelope {
        envelope_from_raw(raw.as_bytes(), 7, Flags(Flags::SEEN), 1234)
    }

    #[test]
    fn basic_headers() {
        let raw = "From: Alice Example <alice@example.test>\r\n\
                   To: bob@example.test, \"Carol C\" <carol@example.test>\r\n\
                   Cc: Dave <dave@example.test>\r\n\
                   Subject: Hello there\r\n\
                   Date: Tue, 1 Jul 2003 10:52:37 +0200\r\n\
                   Message-ID: <abc@example.test>\r\n\
                   In-Reply-To: <parent@example.test>\r\n\
                   References: <root@example.test> <parent@example.test>\r\n\
                   \r\n\
                   Body\r\n";
        let e = env(raw);
        assert_eq!(e.uid, 7);
        assert_eq!(e.flags, Flags(Flags::SEEN));
        assert_eq!(e.size as usize, raw.len());
        assert_eq!(
            e.from,
            vec![Address {
                name: Some("Alice Example".into()),
                email: "alice@example.test".into()
            }]
        );
        assert_eq!(e.to.len(), 2);
        assert_eq!(
            e.to[0],
            Address {
                name: None,
                email: "bob@example.test".into()
            }
        );
        assert_eq!(e.to[1].name.as_deref(), Some("Carol C"));
        assert_eq!(e.cc[0].email, "dave@example.test");
        assert_eq!(e.subject, "Hello there");
        assert_eq!(e.date, 1057049557);
        assert_eq!(e.message_id.as_deref(), Some("abc@example.test"));
        assert_eq!(e.in_reply_to.as_deref(), Some("parent@example.test"));
        assert_eq!(
            e.references,
            vec!["root@example.test", "parent@example.test"]
        );
        assert!(!e.has_attachments);
        assert_eq!(e.sender(), "Alice Example");
    }

    #[test]
    fn encoded_words_are_decoded_not_sanitized() {
        let e = env("From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.test>\n\
                     Subject: =?UTF-8?B?w6l0w6kg8J+YgA==?= and =?iso-8859-1?q?caf=E9?=\n\n");
        assert_eq!(e.from[0].name.as_deref(), Some("André"));
        assert_eq!(e.subject, "été 😀 and café");
        let e = env("Subject: bad \x1b[31mred\n\n");
        assert!(
            e.subject.contains('\x1b'),
            "parse must not sanitize: {:?}",
            e.subject
        );
    }

    #[test]
    fn groups_are_flattened_and_name_only_kept() {
        let e = env("From: a@example.test\n\
                     To: Team: x@example.test, Y <y@example.test>;, z@example.test\n\
                     Cc: undisclosed-recipients:;\n\n");
        let to: Vec<&str> = e.to.iter().map(|a| a.email.as_str()).collect();
        assert_eq!(
            to,
            vec!["x@example.test", "y@example.test", "z@example.test"]
        );
        assert_eq!(
            e.cc,
            vec![Address {
                name: Some("undisclosed-recipients".into()),
                email: String::new()
            }]
        );
    }

    #[test]
    fn missing_and_garbled_headers() {
        let e = env("X-Nothing: here\n\nbody\n");
        assert_eq!(e.date, 1234);
        assert!(e.from.is_empty() && e.to.is_empty() && e.cc.is_empty());
        assert_eq!(e.subject, "");
        assert_eq!(e.message_id, None);
        assert!(e.references.is_empty());
        assert_eq!(e.sender(), "(no sender)");

        let e = env("Date: not a date at all\nSubject: x\n\n");
        assert_eq!(e.date, 1234);
        assert_eq!(e.subject, "x");

        let e = envelope_from_raw(b"", 1, Flags::default(), 99);
        assert_eq!((e.date, e.size, e.subject.as_str()), (99, 0, ""));
    }

    #[test]
    fn never_panics_on_garbage() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in [0usize, 1, 2, 5, 17, 100, 1000, 5000] {
            for _ in 0..20 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // Bias towards header-ish bytes so the parser gets deep.
                        let alphabet = b"ab:<>@\r\n =?\"-;,\x00\xff";
                        alphabet[(seed % alphabet.len() as u64) as usize]
                    })
                    .collect();
                let e = envelope_from_raw(&bytes, 1, Flags::default(), 5);
                assert_eq!(e.size as usize, bytes.len());
            }
        }
    }

    #[test]
    fn ids_without_brackets_and_invalid_forms() {
        let e = env("Message-ID: plain-id@example.test\nIn-Reply-To: <a@x> <b@x>\nReferences: <r1@x>\n\t<r2@x>\n\n");
        assert_eq!(e.message_id.as_deref(), Some("plain-id@example.test"));
        assert_eq!(e.in_reply_to.as_deref(), Some("a@x"));
        assert_eq!(e.references, vec!["r1@x", "r2@x"]);
    }

    #[test]
    fn attachments_detected() {
        let raw = "From: a@example.test\nSubject: report\nMIME-Version: 1.0\n\
                   Content-Type: multipart/mixed; boundary=\"XX\"\n\n\
                   --XX\nContent-Type: text/plain\n\nsee attached\n\
                   --XX\nContent-Type: application/pdf; name=\"report.pdf\"\n\
                   Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--XX--\n";
        assert!(env(raw).has_attachments);

        let raw = "From: a@example.test\nMIME-Version: 1.0\n\
                   Content-Type: multipart/mixed; boundary=\"XX\"\n\n\
                   --XX\nContent-Type: text/plain\n\nhello\n\
                   --XX\nContent-Type: text/plain\nContent-Disposition: attachment; filename=notes.txt\n\nnotes\n--XX--\n";
        assert!(env(raw).has_attachments);

        let raw = "From: a@example.test\nMIME-Version: 1.0\n\
                   Content-Type: multipart/alternative; boundary=\"XX\"\n\n\
                   --XX\nContent-Type: text/plain\n\nhello\n\
                   --XX\nContent-Type: text/html\n\n<p>hello</p>\n--XX--\n";
        assert!(!env(raw).has_attachments);
    }
}
