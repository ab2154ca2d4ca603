//! Reading raw RFC 5322 messages with mail-parser, never trusting them to be well-formed: the
//! [`Envelope`] the message list needs, and the header and MIME-part helpers the renderer shares.

use mail_parser::{HeaderName, Message, MessageParser, MessagePart};

use crate::mail::{address, body, date, header, Address, Envelope, Flags};

/// Parses a message with mail-parser, turning a panic inside the parser into `None`.
pub(crate) fn parse_message(raw: &[u8]) -> Option<Message<'_>> {
    std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .ok()
        .flatten()
        .filter(|m| !m.parts.is_empty())
}

/// The raw values (bytes after the colon, folding included) of every header field called
/// `name` in `part`'s header block; `buf` is the buffer the part's offsets point into (the
/// `raw_message` of the message that holds the part).
pub(crate) fn raw_values<'a>(
    buf: &'a [u8],
    part: &'a MessagePart<'_>,
    name: HeaderName<'static>,
) -> impl Iterator<Item = &'a [u8]> + 'a {
    part.headers
        .iter()
        .filter(move |h| h.name == name)
        .filter_map(move |h| buf.get(h.offset_start as usize..h.offset_end as usize))
}

/// The raw value of the first `name` header of the message's top level.
pub(crate) fn first_raw<'a>(msg: &'a Message<'_>, name: HeaderName<'static>) -> Option<&'a [u8]> {
    raw_values(&msg.raw_message, msg.parts.first()?, name).next()
}

/// The first `name` header of the top level as display text, through the one header decoder
/// ([`header::text`]); empty when absent.
pub(crate) fn header_text(msg: &Message<'_>, name: HeaderName<'static>) -> String {
    first_raw(msg, name).map(header::text).unwrap_or_default()
}

/// All addresses of every `name` header at the top level: groups are flattened (an empty group
/// such as `undisclosed-recipients:;` becomes one name-only address), name-only entries keep
/// an empty email. Names are decoded by the one header decoder.
pub(crate) fn addresses(msg: &Message<'_>, name: HeaderName<'static>) -> Vec<Address> {
    let Some(root) = msg.parts.first() else {
        return Vec::new();
    };
    raw_values(&msg.raw_message, root, name)
        .flat_map(address::addresses)
        .collect()
}

/// All message ids of the first `name` header (Message-ID, In-Reply-To, References), in order.
pub(crate) fn ids(msg: &Message<'_>, name: HeaderName<'static>) -> Vec<String> {
    first_raw(msg, name)
        .map(header::message_ids)
        .unwrap_or_default()
}

/// Where the date of a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// The Date header (read leniently).
    Header,
    /// The Date header names no zone and no Received header gives one: UTC is assumed.
    HeaderNoZone,
    /// The Date header names no zone: the zone was taken from the oldest Received header.
    HeaderZoneFromReceived,
    /// No usable Date header: the newest Received header.
    Received,
    /// Neither, or a Date more than a day in the future: the arrival time.
    Arrival,
}

/// The date of a message and how it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageDate {
    /// Seconds since the Unix epoch.
    pub timestamp: i64,
    /// The zone to show it in (seconds east of UTC).
    pub offset: i32,
    pub source: DateSource,
}

/// How far in the future a date may be before it is taken as wrong.
const FUTURE_SLACK: i64 = 86_400;

/// The dates of the Received headers of the top level, top (newest) first: the part after the
/// last `;` (RFC 5322 §3.6.7).
fn received_dates(msg: &Message<'_>) -> Vec<date::HeaderDate> {
    let Some(root) = msg.parts.first() else {
        return Vec::new();
    };
    raw_values(&msg.raw_message, root, HeaderName::Received)
        .filter_map(|v| {
            let v = header::to_str(v);
            date::parse(v.rsplit(';').next().unwrap_or(""))
        })
        .collect()
}

/// The date of a message: the Date header read leniently (a zoneless one takes the zone of
/// the oldest Received header, the hop nearest the sender), else the newest Received date,
/// else `arrival`. A date more than a day after `max(arrival, now)` is wrong: `arrival` then.
pub(crate) fn message_date(msg: &Message<'_>, arrival: i64, now: i64) -> MessageDate {
    let limit = arrival.max(now).saturating_add(FUTURE_SLACK);
    let arrived = MessageDate {
        timestamp: arrival,
        offset: 0,
        source: DateSource::Arrival,
    };
    let received = received_dates(msg);
    let header = first_raw(msg, HeaderName::Date).and_then(|v| date::parse(&header::to_str(v)));
    if let Some(d) = header {
        let (offset, source) = match (d.offset, received.last().and_then(|r| r.offset)) {
            (Some(o), _) => (o, DateSource::Header),
            (None, Some(o)) => (o, DateSource::HeaderZoneFromReceived),
            (None, None) => (0, DateSource::HeaderNoZone),
        };
        let timestamp = d.timestamp(offset);
        return match timestamp <= limit {
            true => MessageDate {
                timestamp,
                offset,
                source,
            },
            false => arrived,
        };
    }
    received
        .iter()
        .map(|r| (r.timestamp(0), r.offset.unwrap_or(0)))
        .filter(|(t, _)| *t <= limit)
        .max_by_key(|(t, _)| *t)
        .map_or(arrived, |(timestamp, offset)| MessageDate {
            timestamp,
            offset,
            source: DateSource::Received,
        })
}

/// The raw text of the first `name` header, for values mail-parser could not understand.
pub(crate) fn raw_header(
    msg: &Message<'_>,
    raw: &[u8],
    name: HeaderName<'static>,
) -> Option<String> {
    let h = msg.parts.first()?.headers.iter().find(|h| h.name == name)?;
    let bytes = raw.get(h.offset_start as usize..h.offset_end as usize)?;
    let text = header::to_str(bytes).trim().to_owned();
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
    .any(|h| first_raw(msg, h).is_some())
}

/// Parse headers of a raw message into an Envelope. Never panics on malformed input:
/// missing/garbled headers give empty values; date falls back to `fallback_date` (unix seconds)
/// when absent/unparseable (see [`message_date`]). Subject, names and ids go through the one
/// header decoder ([`header`]) but are NOT sanitized here.
/// Message ids come without angle brackets. `size` is `raw.len()`.
pub fn envelope_from_raw(raw: &[u8], uid: u32, flags: Flags, fallback_date: i64) -> Envelope {
    envelope_and_date_source(raw, uid, flags, fallback_date).0
}

/// [`envelope_from_raw`], and where its date came from: anything but [`DateSource::Header`]
/// may come out better with the Received headers (the IMAP sync fetches them only then).
pub fn envelope_and_date_source(
    raw: &[u8],
    uid: u32,
    flags: Flags,
    fallback_date: i64,
) -> (Envelope, DateSource) {
    let mut env = Envelope {
        uid,
        date: fallback_date,
        flags,
        size: u32::try_from(raw.len()).unwrap_or(u32::MAX),
        ..Envelope::default()
    };
    let Some(msg) = parse_message(raw) else {
        return (env, DateSource::Arrival);
    };
    let date = message_date(&msg, fallback_date, chrono::Utc::now().timestamp());
    env.date = date.timestamp;
    env.from = addresses(&msg, HeaderName::From);
    env.to = addresses(&msg, HeaderName::To);
    env.cc = addresses(&msg, HeaderName::Cc);
    env.subject = header_text(&msg, HeaderName::Subject);
    env.message_id = ids(&msg, HeaderName::MessageId).into_iter().next();
    env.in_reply_to = ids(&msg, HeaderName::InReplyTo).into_iter().next();
    env.references = ids(&msg, HeaderName::References);
    env.has_attachments = msg.parts.iter().any(body::is_attachment);
    (env, date.source)
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

    const SPLIT: &[u8] = include_bytes!("../../tests/data/cases/split-encoded-word.eml");
    const ODD_DATE: &[u8] = include_bytes!("../../tests/data/cases/odd-date.eml");

    #[test]
    fn issue10_split_encoded_words_decode_as_written() {
        let e = envelope_from_raw(SPLIT, 1, Flags::default(), 0);
        assert_eq!(
            e.subject,
            "Inscriptions ouvertes pour l\u{2019}atelier d\u{2019}\u{e9}t\u{e9}"
        );
        assert_eq!(e.sender(), "Zo\u{eb} W\u{e4}ldchen-\u{d8}ster");
        assert_eq!(e.from[0].email, "zoe@example.test");
        assert!(!e.subject.contains('\u{fffd}') && !e.sender().contains('\u{fffd}'));
    }

    #[test]
    fn every_decoded_header_goes_through_the_one_decoder() {
        let e = envelope_from_raw(
            b"From: =?utf-8?q?Zo=C3?= =?utf-8?q?=AB?= <z@x>\n\
                     To: =?utf-8?b?w6k=?= <a@x>, B\xe9a <b@x>\n\
                     Cc: =?x-unknown?q?caf=C3=A9?= <c@x>\n\
                     Subject: =?utf-8?q?=C3?=\n =?utf-8?q?=A9t=C3=A9?= \xe0 Gr\xfc\xdfe\n\
                     Message-ID: =?utf-8?q?=3Cid=40gw=3E?=\n\
                     In-Reply-To: <p@x> (Zo\xeb's message)\n\
                     References: =?us-ascii?q?=3Cr1=40x=3E?= <r2@x>\n\n",
            1,
            Flags::default(),
            0,
        );
        assert_eq!(e.sender(), "Zoë");
        assert_eq!(e.to[0].name.as_deref(), Some("é"));
        assert_eq!(e.to[1].name.as_deref(), Some("Béa"));
        assert_eq!(e.cc[0].name.as_deref(), Some("café"));
        assert_eq!(e.subject, "été à Grüße");
        assert_eq!(e.message_id.as_deref(), Some("id@gw"));
        assert_eq!(e.in_reply_to.as_deref(), Some("p@x"));
        assert_eq!(e.references, vec!["r1@x", "r2@x"]);
    }

    /// 2021-02-05T14:05:02Z: 22:05:02 in +0800.
    const FEB5: i64 = 1_612_533_902;

    #[test]
    fn issue10_broken_date_takes_the_zone_of_received() {
        let (e, source) = envelope_and_date_source(ODD_DATE, 1, Flags::default(), 1_800_000_000);
        assert_eq!(e.date, FEB5);
        assert_eq!(source, DateSource::HeaderZoneFromReceived);
        // Without the Received headers (the first IMAP fetch) UTC is assumed, and the sync
        // is told to ask again with them.
        let no_received: Vec<u8> = String::from_utf8_lossy(ODD_DATE)
            .lines()
            .skip(2)
            .flat_map(|l| format!("{l}\n").into_bytes())
            .collect();
        let (e, source) = envelope_and_date_source(&no_received, 1, Flags::default(), 0);
        assert_eq!(
            (e.date, source),
            (FEB5 + 8 * 3600, DateSource::HeaderNoZone)
        );
    }

    #[test]
    fn dates_fall_back_to_received_then_arrival() {
        let now = chrono::Utc::now().timestamp();
        let received = "Received: from b by c; Fri, 5 Feb 2021 23:00:00 +0800\n\
                        Received: from a by b; Fri, 5 Feb 2021 22:05:02 +0800\n";
        // No Date, or one that cannot be read: the newest Received date.
        for date in ["", "Date: sometime soon\n"] {
            let (e, s) = envelope_and_date_source(
                format!("{received}{date}Subject: x\n\n").as_bytes(),
                1,
                Flags::default(),
                now,
            );
            assert_eq!((e.date, s), (FEB5 + 3298, DateSource::Received), "{date:?}");
        }
        // Two-digit year, named zone, comment, no weekday.
        assert_eq!(env("Date: 5 Feb 21 09:05:02 EST (Eastern)\n\n").date, FEB5);
        // A date more than a day ahead does not pin the message to the top: arrival time.
        let future = format!(
            "Date: {}\n\n",
            chrono::DateTime::from_timestamp(now + 3 * 86_400, 0)
                .map(|d| d.to_rfc2822())
                .unwrap_or_default()
        );
        let (e, s) = envelope_and_date_source(future.as_bytes(), 1, Flags::default(), now - 60);
        assert_eq!((e.date, s), (now - 60, DateSource::Arrival));
        // Within a day ahead (clock skew) is kept.
        let soon = format!(
            "Date: {}\n\n",
            chrono::DateTime::from_timestamp(now + 3600, 0)
                .map(|d| d.to_rfc2822())
                .unwrap_or_default()
        );
        assert_eq!(env(&soon).date, now + 3600);
    }
}
