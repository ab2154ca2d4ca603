//! Forwarding as pure functions over a parsed original ([`Original`]): inline (a block with the
//! original's From, Date, Subject, To and text, its attachments attached again) or the whole
//! original as one `message/rfc822` attachment (RFC 2046 §5.2.1); `Fwd:` without stacking.

use super::reply::{append_signature, forward_subject, Original, Style};
use super::{single_line, AttachmentSource, Draft, DraftAttachment};
use crate::mail::Address;

/// How to forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardAs {
    /// The original's headers and text in the body, its attachments attached again.
    Inline,
    /// The whole original as one `message/rfc822` attachment (RFC 2046 §5.2.1).
    Attachment,
}

fn addr_list(list: &[Address]) -> String {
    let v: Vec<String> = list.iter().map(|a| single_line(&a.to_string())).collect();
    v.join(", ")
}

/// The block an inline forward puts in the body: the original's From, Date, Subject, To (and
/// Cc) and its text.
pub fn forward_block(o: &Original<'_>) -> String {
    let mut s = String::from("-------- Forwarded Message --------\n");
    s.push_str(&format!("From: {}\n", addr_list(&o.from)));
    if let Some(d) = o.date {
        s.push_str(&format!("Date: {}\n", d.format("%a, %d %b %Y %H:%M:%S %z")));
    }
    s.push_str(&format!("Subject: {}\n", single_line(&o.subject)));
    s.push_str(&format!("To: {}\n", addr_list(&o.to)));
    if !o.cc.is_empty() {
        s.push_str(&format!("Cc: {}\n", addr_list(&o.cc)));
    }
    s.push('\n');
    s.push_str(o.text.trim_end_matches('\n'));
    s.push('\n');
    s
}

/// A forward draft from `from` with no recipients yet: `Fwd:` subject and either the inline
/// block with the original's attachments, or the original attached whole as
/// `message/rfc822` (named after its subject). The signature, if any, ends the body.
pub fn forward(o: &Original<'_>, from: Address, how: ForwardAs, style: &Style) -> Draft {
    let (mut body, attachments) = match how {
        ForwardAs::Inline => (format!("\n\n{}", forward_block(o)), o.attachments.clone()),
        ForwardAs::Attachment => {
            let subject = single_line(&o.subject);
            let name = if subject.is_empty() {
                "forwarded message".to_string()
            } else {
                subject
            };
            let att = DraftAttachment {
                source: AttachmentSource::Data(o.raw.to_vec()),
                name: Some(format!("{name}.eml")),
                mime: Some("message/rfc822".to_string()),
            };
            ("\n".to_string(), vec![att])
        }
    };
    if let Some(sig) = &style.signature {
        body = append_signature(&body, sig);
    }
    Draft {
        from,
        subject: forward_subject(&o.subject),
        body,
        attachments,
        ..Draft::default()
    }
}
