//! Turning IMAP FETCH responses into the domain's `Envelope`: flags, dates, sizes, the header
//! fields the list needs, and attachments from BODYSTRUCTURE.

use async_imap::imap_proto::BodyStructure;
use async_imap::types::{Fetch, Flag};

use crate::mail::parse::{envelope_and_date_source, DateSource};
use crate::mail::{Envelope, Flags};

/// What we ask for per message when listing: small, and enough for list, threads and search.
pub const ENVELOPE_QUERY: &str = "(UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (DATE FROM TO CC SUBJECT MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE)])";

/// [`ENVELOPE_QUERY`] with the Received headers, asked again only for messages whose Date
/// header cannot be used alone (missing, unreadable, or without a zone): their date then comes
/// from the Received headers (see `mail::parse::message_date`). Received headers are many and
/// long, so the common case does without them.
pub const ENVELOPE_QUERY_RECEIVED: &str = "(UID FLAGS INTERNALDATE RFC822.SIZE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (DATE FROM TO CC SUBJECT MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE RECEIVED)])";

pub fn flags_of<'a>(flags: impl Iterator<Item = Flag<'a>>) -> Flags {
    let mut f = Flags::default();
    for flag in flags {
        let bit = match flag {
            Flag::Seen => Flags::SEEN,
            Flag::Flagged => Flags::FLAGGED,
            Flag::Answered => Flags::ANSWERED,
            Flag::Deleted => Flags::DELETED,
            Flag::Draft => Flags::DRAFT,
            Flag::Custom(k) if k.eq_ignore_ascii_case("$Forwarded") => Flags::FORWARDED,
            _ => 0,
        };
        f = f.with(bit, true);
    }
    f
}

/// IMAP flag list for a STORE: `(\Seen \Flagged)`.
pub fn flag_list(f: Flags) -> String {
    let mut v = Vec::new();
    for (bit, name) in [
        (Flags::SEEN, "\\Seen"),
        (Flags::FLAGGED, "\\Flagged"),
        (Flags::ANSWERED, "\\Answered"),
        (Flags::DELETED, "\\Deleted"),
        (Flags::DRAFT, "\\Draft"),
        (Flags::FORWARDED, "$Forwarded"),
    ] {
        if f.has(bit) {
            v.push(name);
        }
    }
    format!("({})", v.join(" "))
}

fn has_attachment(b: &BodyStructure<'_>) -> bool {
    let disposition_attachment = |c: &async_imap::imap_proto::BodyContentCommon<'_>| {
        c.disposition
            .as_ref()
            .is_some_and(|d| d.ty.eq_ignore_ascii_case("attachment"))
    };
    let named = |c: &async_imap::imap_proto::BodyContentCommon<'_>| {
        let has = |p: &Option<Vec<(std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>)>>,
                   key: &str| {
            p.as_ref().is_some_and(|v| {
                v.iter().any(|(k, _)| {
                    k.eq_ignore_ascii_case(key)
                        || k.to_ascii_lowercase().starts_with(&format!("{key}*"))
                })
            })
        };
        has(&c.ty.params, "name")
            || c.disposition
                .as_ref()
                .is_some_and(|d| has(&d.params, "filename"))
    };
    match b {
        BodyStructure::Multipart { bodies, .. } => bodies.iter().any(has_attachment),
        BodyStructure::Text { common, .. } => disposition_attachment(common),
        BodyStructure::Basic { common, .. } | BodyStructure::Message { common, .. } => {
            disposition_attachment(common) || named(common)
        }
    }
}

/// An envelope from one FETCH response (None without a UID).
pub fn from_fetch(f: &Fetch) -> Option<Envelope> {
    from_fetch_dated(f).map(|(env, _)| env)
}

/// [`from_fetch`], and whether the Received headers could give a better date (the response
/// had a header whose Date is missing, unreadable or zoneless; see [`ENVELOPE_QUERY_RECEIVED`]).
pub fn from_fetch_dated(f: &Fetch) -> Option<(Envelope, bool)> {
    let uid = f.uid?;
    let flags = flags_of(f.flags());
    let internal = f.internal_date().map(|d| d.timestamp()).unwrap_or(0);
    let (mut env, source) = match f.header() {
        Some(h) => envelope_and_date_source(h, uid, flags, internal),
        None => (
            Envelope {
                uid,
                flags,
                date: internal,
                ..Default::default()
            },
            DateSource::Header,
        ),
    };
    env.size = f.size.unwrap_or(env.size);
    env.has_attachments = f.bodystructure().is_some_and(has_attachment);
    Some((env, source != DateSource::Header))
}

/// UIDs as compact IMAP sequence sets (`1:5,9,12:14`), at most `per` UIDs each.
pub fn uid_sets(uids: &[u32], per: usize) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in uids.chunks(per.max(1)) {
        let mut sorted = chunk.to_vec();
        sorted.sort_unstable();
        let mut s = String::new();
        let mut i = 0;
        while i < sorted.len() {
            let start = sorted[i];
            let mut end = start;
            while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
                i += 1;
                end = sorted[i];
            }
            if !s.is_empty() {
                s.push(',');
            }
            if start == end {
                s.push_str(&start.to_string());
            } else {
                s.push_str(&format!("{start}:{end}"));
            }
            i += 1;
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_compact() {
        assert_eq!(
            uid_sets(&[5, 1, 2, 3, 9, 12, 13, 14], 100),
            vec!["1:3,5,9,12:14"]
        );
        assert_eq!(uid_sets(&[4, 3, 2, 1], 2), vec!["3:4", "1:2"]);
        assert!(uid_sets(&[], 10).is_empty());
    }

    #[test]
    fn flag_lists() {
        assert_eq!(
            flag_list(Flags(Flags::SEEN | Flags::FLAGGED)),
            "(\\Seen \\Flagged)"
        );
        assert_eq!(flag_list(Flags(0)), "()");
    }
}
