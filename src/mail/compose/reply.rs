//! Replies and forwards as pure functions over a parsed original ([`Original`]): subjects
//! without stacked prefixes, reply recipients (Reply-To, Mail-Followup-To, reply-all without
//! the user's own addresses), the quoted body under an attribution line, threading ids
//! (RFC 5322 §3.6.4) and the signature separator. Forwards are in [`super::forward`].

use mail_parser::{HeaderName, Message, PartType};

use super::{single_line, AttachmentSource, Draft, DraftAttachment};
use crate::mail::body::{attachment_parts, body_part_ids, part_meta};
use crate::mail::parse::{addresses, header_text, ids, message_date, parse_message, DateSource};
use crate::mail::render::part_text;
use crate::mail::Address;

/// The attribution line above a quote. `%NAME` is the sender's name (else address), `%EMAIL`
/// the sender's address, `%DATE` the original's date (`Sat, 21 Nov 2026 10:00 +0100`).
pub const DEFAULT_ATTRIBUTION: &str = "On %DATE, %NAME wrote:";
/// Width HTML bodies are converted to text at, for quoting and forwarding.
const TEXT_WIDTH: usize = 72;

/// What a reply or forward takes from the message it answers. Built by [`Original::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Original<'a> {
    /// The whole message as received (for forwarding as an attachment).
    pub raw: &'a [u8],
    /// From, To, Cc and Reply-To (groups flattened, as `mail::parse` reads them).
    pub from: Vec<Address>,
    /// See `from`.
    pub to: Vec<Address>,
    /// See `from`.
    pub cc: Vec<Address>,
    /// See `from`.
    pub reply_to: Vec<Address>,
    /// Bcc: only a draft (or a Sent copy) has one (see [`super::build_draft`]).
    pub bcc: Vec<Address>,
    /// `Mail-Followup-To` (used by mailing lists and mutt): where a reply-all should go.
    pub mail_followup_to: Vec<Address>,
    /// The decoded subject.
    pub subject: String,
    /// The Date header in the offset it carries; `None` when absent or invalid.
    pub date: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Ids without angle brackets.
    pub message_id: Option<String>,
    /// The References ids, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The In-Reply-To id (the first one), without angle brackets.
    pub in_reply_to: Option<String>,
    /// The id in [`super::FORWARDED_ID_HEADER`]: the message a draft forwards.
    pub forwarded_id: Option<String>,
    /// The text body (HTML parts turned into text), `\n` line ends, no control characters.
    pub text: String,
    /// The original's attachments, carried as data (names and MIME types kept).
    pub attachments: Vec<DraftAttachment>,
}

/// The recipients a reply goes to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recipients {
    /// The To header of the reply.
    pub to: Vec<Address>,
    /// The Cc header of the reply (reply-all only).
    pub cc: Vec<Address>,
}

/// The user's preferences for replies and forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// See [`DEFAULT_ATTRIBUTION`].
    pub attribution: String,
    /// Appended after `-- ` (RFC 3676 §4.3) when set and not blank.
    pub signature: Option<String>,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            attribution: DEFAULT_ATTRIBUTION.to_string(),
            signature: None,
        }
    }
}

/// Text fit to quote: `\n` line ends, no control characters but tabs.
fn clean_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// A header mail-parser does not know (e.g. Mail-Followup-To) read as an address list.
fn extra_addresses(msg: &Message<'_>, raw: &[u8], name: &str) -> Vec<Address> {
    let Some(root) = msg.parts.first() else {
        return Vec::new();
    };
    let Some(h) = root
        .headers
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case(name))
    else {
        return Vec::new();
    };
    let Some(value) = raw.get(h.offset_start as usize..h.offset_end as usize) else {
        return Vec::new();
    };
    let mut fake = b"To:".to_vec();
    fake.extend_from_slice(value);
    fake.extend_from_slice(b"\r\n\r\n");
    parse_message(&fake)
        .map(|m| addresses(&m, HeaderName::To))
        .unwrap_or_default()
}

/// The message ids of the first top-level header `name` (one mail-parser does not know).
fn extra_ids(msg: &Message<'_>, raw: &[u8], name: &str) -> Vec<String> {
    msg.parts
        .first()
        .and_then(|root| {
            root.headers
                .iter()
                .find(|h| h.name.as_str().eq_ignore_ascii_case(name))
        })
        .and_then(|h| raw.get(h.offset_start as usize..h.offset_end as usize))
        .map(crate::mail::header::message_ids)
        .unwrap_or_default()
}

/// The original's date in the sender's zone, when its Date header could be read.
fn chrono_date(msg: &Message<'_>) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    let when = message_date(msg, 0, chrono::Utc::now().timestamp());
    if matches!(when.source, DateSource::Received | DateSource::Arrival) {
        return None;
    }
    let offset = chrono::FixedOffset::east_opt(when.offset)?;
    Some(chrono::DateTime::from_timestamp(when.timestamp, 0)?.with_timezone(&offset))
}

impl<'a> Original<'a> {
    /// Parse `raw` (RFC 5322). Never fails: what is missing or unreadable stays empty.
    pub fn parse(raw: &'a [u8]) -> Original<'a> {
        let mut o = Original {
            raw,
            ..Original::default()
        };
        let Some(msg) = parse_message(raw) else {
            o.text = clean_text(&String::from_utf8_lossy(raw));
            return o;
        };
        o.from = addresses(&msg, HeaderName::From);
        o.to = addresses(&msg, HeaderName::To);
        o.cc = addresses(&msg, HeaderName::Cc);
        o.reply_to = addresses(&msg, HeaderName::ReplyTo);
        o.mail_followup_to = extra_addresses(&msg, raw, "Mail-Followup-To");
        o.subject = header_text(&msg, HeaderName::Subject);
        o.date = chrono_date(&msg);
        o.message_id = ids(&msg, HeaderName::MessageId).into_iter().next();
        o.references = ids(&msg, HeaderName::References);
        o.in_reply_to = ids(&msg, HeaderName::InReplyTo).into_iter().next();
        o.bcc = addresses(&msg, HeaderName::Bcc);
        o.forwarded_id = extra_ids(&msg, raw, super::FORWARDED_ID_HEADER)
            .into_iter()
            .next();
        let shown = body_part_ids(&msg);
        let texts: Vec<String> = shown
            .iter()
            .filter_map(|&id| part_text(msg.parts.get(id as usize)?, Some(TEXT_WIDTH)))
            .map(|t| clean_text(&t))
            .collect();
        o.text = texts.join("\n\n");
        o.attachments = attachment_parts(&msg, &shown)
            .map(|part| {
                let (name, mime, _) = part_meta(&msg.raw_message, part);
                let mime = match part.body {
                    // mail-parser hands text parts over decoded to UTF-8.
                    PartType::Text(_) | PartType::Html(_) => format!("{mime}; charset=utf-8"),
                    _ => mime,
                };
                DraftAttachment {
                    source: AttachmentSource::Data(part.contents().to_vec()),
                    name: Some(name),
                    mime: Some(mime),
                }
            })
            .collect();
        o
    }

    /// The sender as the attribution names them: the display name, else the address.
    fn sender_name(&self) -> String {
        self.from
            .first()
            .map(|a| single_line(a.short()))
            .unwrap_or_else(|| "someone".to_string())
    }
}

/// Strips leading prefixes such as `Re:`, `RE :`, `Re[2]:`, `Re(3):` or `AW:` (any of
/// `names`, any case, fullwidth colon too), as many as there are.
fn strip_prefixes<'s>(mut s: &'s str, names: &[&str]) -> &'s str {
    'outer: loop {
        let t = s.trim_start();
        for name in names {
            let Some(head) = t.get(..name.len()) else {
                continue;
            };
            if !head.eq_ignore_ascii_case(name) {
                continue;
            }
            let mut rest = &t[name.len()..];
            for (open, close) in [('[', ']'), ('(', ')')] {
                if let Some(inner) = rest.strip_prefix(open) {
                    if let Some(end) = inner.find(close) {
                        if inner[..end].chars().all(|c| c.is_ascii_digit()) {
                            rest = &inner[end + 1..];
                        }
                    }
                }
            }
            let rest = rest.trim_start_matches(' ');
            if let Some(after) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('：')) {
                s = after;
                continue 'outer;
            }
        }
        return t;
    }
}

const REPLY_PREFIXES: &[&str] = &["re", "aw", "sv", "antw", "vs", "odp"];
const FORWARD_PREFIXES: &[&str] = &["fwd", "fw", "wg", "tr", "rv"];

/// `Re: ` and the subject without any stacked reply prefix (`Re: Re:`, `RE:`, `AW:`,
/// `Re[2]:` all become one `Re: `). On one line.
pub fn reply_subject(subject: &str) -> String {
    let rest = strip_prefixes(subject, REPLY_PREFIXES);
    format!("Re: {}", single_line(rest)).trim_end().to_string()
}

/// `Fwd: ` and the subject without stacked forward prefixes (`Fwd:`, `FW:`, `WG:`). On one line.
pub fn forward_subject(subject: &str) -> String {
    let rest = strip_prefixes(subject, FORWARD_PREFIXES);
    format!("Fwd: {}", single_line(rest)).trim_end().to_string()
}

fn push_unique(list: &mut Vec<Address>, a: &Address, also_not_in: &[Address]) {
    let email = a.email.trim();
    let same = |b: &Address| b.email.trim().eq_ignore_ascii_case(email);
    if !email.is_empty() && !list.iter().any(same) && !also_not_in.iter().any(same) {
        list.push(a.clone());
    }
}

/// Where a reply goes.
///
/// - A reply goes to Reply-To, else From; to the original To when the user sent the original
///   (From is one of `own_addresses`) and it has no Reply-To.
/// - A reply-all goes to Mail-Followup-To when the original has one; otherwise to those plus
///   the original To, with the original Cc kept as Cc. Every one of `own_addresses` is left out
///   (compared without case), each address appears once, name-only entries are dropped.
pub fn reply_recipients(o: &Original<'_>, reply_all: bool, own_addresses: &[String]) -> Recipients {
    let is_own = |a: &Address| {
        own_addresses
            .iter()
            .any(|o| o.trim().eq_ignore_ascii_case(a.email.trim()))
    };
    let author: &[Address] = if !o.reply_to.is_empty() {
        &o.reply_to
    } else if o.from.iter().any(is_own) && !o.to.is_empty() {
        &o.to
    } else {
        &o.from
    };
    let mut r = Recipients::default();
    if !reply_all {
        for a in author {
            push_unique(&mut r.to, a, &[]);
        }
        return r;
    }
    if !o.mail_followup_to.is_empty() {
        for a in o.mail_followup_to.iter().filter(|a| !is_own(a)) {
            push_unique(&mut r.to, a, &[]);
        }
        if !r.to.is_empty() {
            return r;
        }
    }
    for a in author.iter().chain(&o.to).filter(|a| !is_own(a)) {
        push_unique(&mut r.to, a, &[]);
    }
    let to = r.to.clone();
    for a in o.cc.iter().filter(|a| !is_own(a)) {
        push_unique(&mut r.cc, a, &to);
    }
    if r.to.is_empty() {
        r.to = std::mem::take(&mut r.cc);
    }
    r
}

/// The attribution line from `template` (see [`DEFAULT_ATTRIBUTION`]), on one line.
pub fn attribution(o: &Original<'_>, template: &str) -> String {
    let date = o.date.map_or_else(
        || "an unknown date".to_string(),
        |d| d.format("%a, %d %b %Y %H:%M %z").to_string(),
    );
    let email = o.from.first().map(|a| a.email.clone()).unwrap_or_default();
    single_line(
        &template
            .replace("%DATE", &date)
            .replace("%NAME", &o.sender_name())
            .replace("%EMAIL", &email),
    )
}

/// `text` quoted: its signature (from a `-- ` line on) and trailing blank lines dropped, then
/// `> ` before each line (`>` alone before an empty or already quoted line, so nested quotes
/// read `>>` and no line ends in a space).
pub fn quote(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().take_while(|l| *l != "-- ").collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let mut out = String::with_capacity(text.len() + lines.len() * 2);
    for l in lines {
        if l.is_empty() || l.starts_with('>') {
            out.push('>');
        } else {
            out.push_str("> ");
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// `body` with `signature` after the `-- ` separator line (RFC 3676 §4.3). A blank signature
/// leaves the body as it is; a signature that already starts with the separator gets no second.
pub fn append_signature(body: &str, signature: &str) -> String {
    let sig = signature.trim_end_matches(['\n', '\r']);
    let sig = sig
        .strip_prefix("-- \n")
        .or_else(|| sig.strip_prefix("-- \r\n"))
        .unwrap_or(sig);
    if sig.trim().is_empty() {
        return body.to_string();
    }
    format!("{}\n\n-- \n{sig}\n", body.trim_end_matches('\n'))
}

/// In-Reply-To (the original's Message-ID) and References (the original's References, then its
/// Message-ID), per RFC 5322 §3.6.4.
pub fn reply_ids(o: &Original<'_>) -> (Option<String>, Vec<String>) {
    let mut refs = o.references.clone();
    if let Some(id) = &o.message_id {
        if refs.last() != Some(id) {
            refs.push(id.clone());
        }
    }
    (o.message_id.clone(), refs)
}

/// A reply draft from `from`: recipients, `Re:` subject, threading ids, the quoted text under
/// the attribution line, then room to write and the signature. Its `id` is left for the
/// caller (the store) to assign.
pub fn reply(
    o: &Original<'_>,
    from: Address,
    reply_all: bool,
    own_addresses: &[String],
    style: &Style,
) -> Draft {
    let r = reply_recipients(o, reply_all, own_addresses);
    let (in_reply_to, references) = reply_ids(o);
    let mut body = format!(
        "{}\n{}\n",
        attribution(o, &style.attribution),
        quote(&o.text)
    );
    if let Some(sig) = &style.signature {
        body = append_signature(&body, sig);
    }
    Draft {
        from,
        to: r.to,
        cc: r.cc,
        subject: reply_subject(&o.subject),
        body,
        in_reply_to,
        references,
        ..Draft::default()
    }
}

#[cfg(test)]
#[path = "tests_reply.rs"]
mod tests;
