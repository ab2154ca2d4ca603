//! Every demo message the builder made parses back to what it was made of (subject,
//! addresses, ids, date, text, attachments byte for byte), every file under `data/` is
//! attached whole, and the forwarded message holds its PDF.

use super::attachments::{ALL, HOTEL_INVOICE};
use super::mime::{self, Body};
use super::people::EPOCH;
use super::tests::{by_subject, from, parsed};
use super::{corpus, messages, ARCHIVE};
use crate::mail::compose::AttachmentSource;
use crate::mail::parse::envelope_from_raw;
use crate::mail::parts::{decoded_bytes, list, PartKind};
use crate::mail::Flags;
use mail_parser::MessageParser;

/// `type/subtype` of a MIME type with parameters.
fn essence(mime: &str) -> String {
    mime.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

#[test]
fn builder_messages_parse_back_to_what_they_were_made_of() {
    let c = corpus();
    let mut checked = 0;
    let mut files = 0;
    for m in &c.msgs {
        let (text, attached) = match &m.body {
            Body::Text(text) => (text, &[][..]),
            Body::Files(text, attached) => (text, &attached[..]),
            Body::Entity(_) => continue,
        };
        let raw = mime::render(m);
        let e = envelope_from_raw(&raw, 1, Flags::default(), 0);
        if m.raw_subject.is_none() {
            assert_eq!(e.subject, m.subject, "{}", m.id);
        }
        assert_eq!(e.from, vec![mime::address(&m.from)], "{}", m.id);
        let to: Vec<_> = m.to.iter().map(mime::address).collect();
        let cc: Vec<_> = m.cc.iter().map(mime::address).collect();
        assert_eq!((e.to, e.cc), (to, cc), "{}", m.id);
        assert_eq!(e.message_id.as_deref(), Some(m.id.as_str()));
        assert_eq!(e.in_reply_to, m.parent.as_ref().map(|p| p.id.clone()));
        if let Some(p) = &m.parent {
            assert_eq!(e.references.last(), Some(&p.id), "{}", m.id);
        }
        if m.dated {
            assert_eq!(e.date, EPOCH + m.at * 60, "{}", m.id);
        }
        assert_eq!(e.has_attachments, !attached.is_empty(), "{}", m.id);
        let mail = MessageParser::default().parse(&raw).expect("parses");
        let got = mail.body_text(0).unwrap_or_default().replace("\r\n", "\n");
        assert_eq!(got.trim_end(), text.trim_end(), "{}", m.id);

        let parts = list(&raw);
        let named: Vec<_> = parts
            .iter()
            .filter(|p| p.depth == 1 && p.name.is_some())
            .collect();
        assert_eq!(named.len(), attached.len(), "{}", m.id);
        for (part, a) in named.iter().zip(attached) {
            assert_eq!(part.name, a.name, "{}", m.id);
            assert_eq!(
                Some(part.content_type.clone()),
                a.mime.as_deref().map(essence)
            );
            let AttachmentSource::Data(bytes) = &a.source else {
                panic!("{}: the demo attaches data, not paths", m.id);
            };
            if part.kind != PartKind::Message {
                assert_eq!(&decoded_bytes(&raw, &part.id).unwrap(), bytes, "{}", m.id);
            }
            files += 1;
        }
        checked += 1;
    }
    assert!(checked >= 150, "{checked} messages made by the builder");
    assert!(files >= 10, "{files} attachments made by the builder");
}

#[test]
fn every_data_file_is_attached_whole() {
    let all = messages();
    for file in ALL {
        let found = all.iter().any(|m| {
            list(&m.raw).iter().any(|p| {
                p.name.as_deref() == Some(file.name)
                    && p.content_type == essence(file.mime)
                    && decoded_bytes(&m.raw, &p.id).ok().as_deref() == Some(file.bytes)
            })
        });
        assert!(found, "{} is not attached whole", file.name);
    }
}

#[test]
fn a_forwarded_message_holds_a_pdf() {
    let all = parsed();
    let fwd = by_subject(&all, "Fwd: Invoice TJ-55812 - Hotel Tejo");
    assert_eq!(fwd.msg.folder, ARCHIVE);
    assert_eq!(from(fwd), "marta@demo.tmail.test");
    let parts = list(&fwd.msg.raw);
    let inner = parts
        .iter()
        .find(|p| p.content_type == "message/rfc822")
        .expect("a message/rfc822 part");
    assert_eq!(
        inner.name.as_deref(),
        Some("Invoice TJ-55812 - Hotel Tejo.eml")
    );
    let pdf = parts
        .iter()
        .find(|p| p.content_type == "application/pdf")
        .expect("the PDF");
    assert!(pdf.depth > inner.depth && pdf.id.0.starts_with(&inner.id.0));
    let bytes = decoded_bytes(&fwd.msg.raw, &pdf.id).unwrap();
    assert_eq!(bytes, HOTEL_INVOICE.bytes);
    assert!(bytes.starts_with(b"%PDF-1.4") && bytes.ends_with(b"%%EOF\n"));
}
