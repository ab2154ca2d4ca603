//! A message prepared elsewhere (`tmail send < message.eml`), made ready to send as it is:
//! CRLF line ends (RFC 5322 §2.1), the `Bcc:` fields taken out (their addresses go to the SMTP
//! envelope only, RFC 5322 §3.6.3), a `Date:` and a `Message-ID:` added when missing (§3.6.1,
//! §3.6.4), and the SMTP envelope (RFC 5321 `MAIL FROM` / `RCPT TO`) read from From, To, Cc and
//! Bcc. Every other byte is kept.

use std::time::SystemTime;

use super::{new_message_id, Built};
use crate::mail::address::addresses;
use crate::mail::Address;

/// Why a message on stdin cannot be sent as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrepareError {
    /// The input does not start with a header field (`Name: value`).
    #[error("not an RFC 5322 message: line {line} is not a header field ({text:?})")]
    NotAHeader { line: usize, text: String },
    /// No `From:` field, or none with an address in it.
    #[error("the message has no From: address")]
    NoFrom,
    /// To, Cc and Bcc hold no address.
    #[error("the message has no recipient (no address in To:, Cc: or Bcc:)")]
    NoRecipients,
}

/// A prepared message and what its headers say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The bytes to send and keep in Sent, and the envelope.
    pub built: Built,
    /// The first From address (the envelope sender).
    pub from: Address,
    /// The addresses of the To fields.
    pub to: Vec<Address>,
    /// The addresses of the Cc fields.
    pub cc: Vec<Address>,
    /// The addresses of the removed Bcc fields.
    pub bcc: Vec<Address>,
}

/// `\n` and lone `\r` become CRLF; the result ends with CRLF.
fn crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 40 + 2);
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if raw.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// One header field: its name (lowercase) and its lines as given (continuations included, each
/// with CRLF).
struct Field<'a> {
    name: String,
    raw: &'a [u8],
}

impl Field<'_> {
    /// The value: everything after the colon, continuation lines joined as they are.
    fn value(&self) -> &[u8] {
        let colon = self.raw.iter().position(|&b| b == b':').unwrap_or(0);
        self.raw.get(colon + 1..).unwrap_or(&[])
    }
}

/// Split a CRLF message into its header fields and the rest (the empty line and the body).
fn fields(msg: &[u8]) -> Result<(Vec<Field<'_>>, &[u8]), PrepareError> {
    let mut fields: Vec<Field<'_>> = Vec::new();
    // Where each field starts in `msg`.
    let mut starts: Vec<usize> = Vec::new();
    let mut pos = 0;
    let mut line_no = 0;
    while pos < msg.len() {
        line_no += 1;
        let end = msg[pos..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(msg.len(), |p| pos + p + 2);
        let line = &msg[pos..end];
        if line == b"\r\n" {
            return Ok((fields, &msg[pos..]));
        }
        match line.first() {
            Some(b' ' | b'\t') if !starts.is_empty() => {
                // A continuation line: the field goes on to the end of this line.
                if let (Some(last), Some(&start)) = (fields.last_mut(), starts.last()) {
                    last.raw = &msg[start..end];
                }
            }
            _ => {
                let name_end = line.iter().position(|&b| b == b':');
                let name = name_end.map(|n| &line[..n]);
                let valid = name.is_some_and(|n| {
                    !n.is_empty() && n.iter().all(|&b| b.is_ascii_graphic() && b != b':')
                });
                let (Some(name), true) = (name, valid) else {
                    return Err(PrepareError::NotAHeader {
                        line: line_no,
                        text: String::from_utf8_lossy(line)
                            .trim_end()
                            .chars()
                            .take(60)
                            .collect(),
                    });
                };
                starts.push(pos);
                fields.push(Field {
                    name: String::from_utf8_lossy(name).to_ascii_lowercase(),
                    raw: line,
                });
            }
        }
        pos = end;
    }
    // Only a header: the message has no body.
    Ok((fields, &msg[msg.len()..]))
}

/// Make `raw` (an RFC 5322 message with LF or CRLF line ends; a leading mbox `From ` line is
/// dropped) ready to send at `now`: see the module docs. The Message-ID added is on the From
/// address's domain.
///
/// Errors: a first line that is not a header field, no From address, no recipient.
pub fn prepare(raw: &[u8], now: SystemTime) -> Result<Prepared, PrepareError> {
    let mut raw = raw;
    if raw.starts_with(b"From ") {
        let nl = raw
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |p| p + 1);
        raw = &raw[nl..];
    }
    let msg = crlf(raw);
    let (fields, rest) = fields(&msg)?;
    let all = |name: &str| -> Vec<Address> {
        fields
            .iter()
            .filter(|f| f.name == name)
            .flat_map(|f| addresses(f.value()))
            .filter(|a| a.email.contains('@'))
            .collect()
    };
    let from = all("from").into_iter().next().ok_or(PrepareError::NoFrom)?;
    let (to, cc, bcc) = (all("to"), all("cc"), all("bcc"));
    let mut recipients: Vec<String> = Vec::new();
    for a in to.iter().chain(&cc).chain(&bcc) {
        let email = a.email.trim().to_string();
        if !recipients.iter().any(|r| r.eq_ignore_ascii_case(&email)) {
            recipients.push(email);
        }
    }
    if recipients.is_empty() {
        return Err(PrepareError::NoRecipients);
    }
    let has = |name: &str| fields.iter().any(|f| f.name == name);
    let mut bytes = Vec::with_capacity(msg.len() + 128);
    if !has("date") {
        let date = chrono::DateTime::<chrono::Utc>::from(now).to_rfc2822();
        bytes.extend_from_slice(format!("Date: {date}\r\n").as_bytes());
    }
    let message_id = match fields.iter().find(|f| f.name == "message-id") {
        Some(f) => crate::mail::header::message_ids(f.value())
            .into_iter()
            .next()
            .unwrap_or_default(),
        None => String::new(),
    };
    let message_id = if message_id.is_empty() && !has("message-id") {
        let domain = from.email.rsplit('@').next().unwrap_or("localhost").trim();
        let id = new_message_id(domain, now);
        bytes.extend_from_slice(format!("Message-ID: <{id}>\r\n").as_bytes());
        id
    } else {
        message_id
    };
    for f in fields.iter().filter(|f| f.name != "bcc") {
        bytes.extend_from_slice(f.raw);
    }
    bytes.extend_from_slice(rest);
    Ok(Prepared {
        built: Built {
            bytes,
            envelope_from: from.email.trim().to_string(),
            recipients,
            message_id,
        },
        from,
        to,
        cc,
        bcc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::parse::envelope_from_raw;
    use crate::mail::Flags;
    use std::time::Duration;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_255_200)
    }

    #[test]
    fn bcc_goes_to_the_envelope_only_and_date_and_id_are_added() {
        let raw = b"From: Zo\xc3\xab <zoe@example.test>\nTo: bob@example.test\nBcc: Secret\n Dave <dave@example.test>, eve@example.test\nCc: Carol <carol@example.test>, BOB@example.test\nSubject: hi\n\nbody line\n.\n";
        let p = prepare(raw, now()).unwrap();
        let text = String::from_utf8_lossy(&p.built.bytes).into_owned();
        assert!(!text.contains("Bcc") && !text.contains("dave@") && !text.contains("Secret"));
        assert!(
            text.starts_with("Date: Sat, 21 Nov 2026 10:00:00 +0000\r\nMessage-ID: <"),
            "{text}"
        );
        assert!(text.ends_with("\r\n\r\nbody line\r\n.\r\n"), "{text}");
        assert!(!p
            .built
            .bytes
            .windows(2)
            .any(|w| w[1] == b'\n' && w[0] != b'\r'));
        assert_eq!(p.built.envelope_from, "zoe@example.test");
        assert_eq!(
            p.built.recipients,
            [
                "bob@example.test",
                "carol@example.test",
                "dave@example.test",
                "eve@example.test"
            ]
        );
        assert!(p.built.message_id.ends_with("@example.test"));
        let e = envelope_from_raw(&p.built.bytes, 1, Flags::default(), 0);
        assert_eq!(e.message_id.as_deref(), Some(p.built.message_id.as_str()));
        assert_eq!(e.from[0].name.as_deref(), Some("Zoë"));
        assert_eq!(p.bcc.len(), 2);
    }

    #[test]
    fn an_existing_date_and_id_are_kept_byte_for_byte() {
        let raw = b"Message-ID: <given@x.test>\r\nDate: Thu, 1 Jan 2026 10:00:00 +0000\r\nFrom: a@x.test\r\nTo: b@y.test\r\n\r\nhello\r\n";
        let p = prepare(raw, now()).unwrap();
        assert_eq!(p.built.bytes, raw.to_vec());
        assert_eq!(p.built.message_id, "given@x.test");
    }

    #[test]
    fn an_mbox_line_is_dropped_and_errors_are_said() {
        let p = prepare(
            b"From a@x Thu Jan  1 00:00:00 2026\nFrom: a@x.test\nTo: b@y.test\n\nx",
            now(),
        )
        .unwrap();
        assert!(String::from_utf8_lossy(&p.built.bytes).contains("From: a@x.test\r\n"));
        assert_eq!(
            prepare(b"From: a@x.test\n\nbody", now()),
            Err(PrepareError::NoRecipients)
        );
        assert_eq!(
            prepare(b"To: b@y.test\n\nbody", now()),
            Err(PrepareError::NoFrom)
        );
        assert!(matches!(
            prepare(b"just some text\nmore", now()),
            Err(PrepareError::NotAHeader { line: 1, .. })
        ));
    }
}
