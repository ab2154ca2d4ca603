use std::time::SystemTime;

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::*;
use crate::mail::compose::build;
use crate::mail::compose::forward::{forward, ForwardAs};
use crate::mail::parse::envelope_from_raw;
use crate::mail::Flags;

fn addr(name: Option<&str>, email: &str) -> Address {
    Address {
        name: name.map(str::to_string),
        email: email.to_string(),
    }
}

fn emails(list: &[Address]) -> Vec<&str> {
    list.iter().map(|a| a.email.as_str()).collect()
}

const ORIGINAL: &str = "From: =?utf-8?q?Bj=C3=B6rn?= <bjorn@example.test>\r\n\
To: Alice <alice@example.test>, team@example.test\r\n\
Cc: carol@example.test, Alice Work <ALICE@work.test>\r\n\
Subject: Re: AW: Quarterly numbers\r\n\
Date: Fri, 20 Nov 2026 16:05:00 +0100\r\n\
Message-ID: <m3@example.test>\r\n\
References: <m1@example.test> <m2@example.test>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Hi all,\r\n\
\r\n\
> earlier text\r\n\
numbers attached.\r\n\
\r\n\
-- \r\n\
Björn\r\n";

fn own() -> Vec<String> {
    vec!["alice@example.test".into(), "alice@work.test".into()]
}

#[test]
fn subjects_do_not_stack() {
    for s in [
        "Hello",
        "Re: Hello",
        "RE: Hello",
        "re:Hello",
        "Re: Re: Hello",
        "AW: Hello",
        "Aw: RE: Hello",
        "Re[2]: Hello",
        "Re(3): Re: Hello",
        "SV: Hello",
        "Re : Hello",
        "Re：Hello",
        "  Re:   Hello",
    ] {
        assert_eq!(reply_subject(s), "Re: Hello", "{s:?}");
    }
    assert_eq!(reply_subject("Reply needed"), "Re: Reply needed");
    assert_eq!(reply_subject("Re: Fwd: Hello"), "Re: Fwd: Hello");
    assert_eq!(reply_subject(""), "Re:");
    assert_eq!(reply_subject("Re: a\r\nBcc: x"), "Re: a Bcc: x");
    for s in [
        "Hello",
        "Fwd: Hello",
        "FW: Fwd: Hello",
        "Fw[2]: Hello",
        "WG: Hello",
    ] {
        assert_eq!(forward_subject(s), "Fwd: Hello", "{s:?}");
    }
    assert_eq!(forward_subject("Re: Hello"), "Fwd: Re: Hello");
}

#[test]
fn original_is_parsed() {
    let o = Original::parse(ORIGINAL.as_bytes());
    assert_eq!(o.from, vec![addr(Some("Björn"), "bjorn@example.test")]);
    assert_eq!(o.subject, "Re: AW: Quarterly numbers");
    assert_eq!(o.message_id.as_deref(), Some("m3@example.test"));
    assert_eq!(o.references, ["m1@example.test", "m2@example.test"]);
    assert_eq!(
        o.date.map(|d| d.to_rfc2822()),
        Some("Fri, 20 Nov 2026 16:05:00 +0100".to_string())
    );
    assert!(o
        .text
        .starts_with("Hi all,\n\n> earlier text\nnumbers attached.\n"));
    assert!(!o.text.contains('\r'));
}

#[test]
fn reply_goes_to_reply_to_else_from() {
    let o = Original::parse(ORIGINAL.as_bytes());
    let r = reply_recipients(&o, false, &own());
    assert_eq!(emails(&r.to), ["bjorn@example.test"]);
    assert!(r.cc.is_empty());

    let with_reply_to = ORIGINAL.replace(
        "Subject:",
        "Reply-To: List <list@example.test>, bjorn@home.test\r\nSubject:",
    );
    let o = Original::parse(with_reply_to.as_bytes());
    let r = reply_recipients(&o, false, &own());
    assert_eq!(emails(&r.to), ["list@example.test", "bjorn@home.test"]);
}

#[test]
fn reply_all_keeps_cc_and_drops_every_own_address() {
    let o = Original::parse(ORIGINAL.as_bytes());
    let r = reply_recipients(&o, true, &own());
    assert_eq!(emails(&r.to), ["bjorn@example.test", "team@example.test"]);
    assert_eq!(emails(&r.cc), ["carol@example.test"]);
}

#[test]
fn reply_all_honours_mail_followup_to() {
    let raw = ORIGINAL.replace(
        "Subject:",
        "Mail-Followup-To: Dev List <dev@lists.test>, alice@example.test\r\nSubject:",
    );
    let o = Original::parse(raw.as_bytes());
    assert_eq!(
        emails(&o.mail_followup_to),
        ["dev@lists.test", "alice@example.test"]
    );
    let r = reply_recipients(&o, true, &own());
    assert_eq!(r.to, vec![addr(Some("Dev List"), "dev@lists.test")]);
    assert!(r.cc.is_empty());
    // A plain reply still goes to the author.
    assert_eq!(
        emails(&reply_recipients(&o, false, &own()).to),
        ["bjorn@example.test"]
    );
}

#[test]
fn replying_to_own_message_goes_to_its_recipients() {
    let raw = "From: Alice <alice@example.test>\r\nTo: bob@example.test\r\n\
               Cc: alice@work.test, dan@example.test\r\nSubject: x\r\n\r\nbody\r\n";
    let o = Original::parse(raw.as_bytes());
    assert_eq!(
        emails(&reply_recipients(&o, false, &own()).to),
        ["bob@example.test"]
    );
    let r = reply_recipients(&o, true, &own());
    assert_eq!(emails(&r.to), ["bob@example.test"]);
    assert_eq!(emails(&r.cc), ["dan@example.test"]);
}

#[test]
fn quote_and_attribution() {
    let o = Original::parse(ORIGINAL.as_bytes());
    assert_eq!(
        attribution(&o, DEFAULT_ATTRIBUTION),
        "On Fri, 20 Nov 2026 16:05 +0100, Björn wrote:"
    );
    assert_eq!(
        attribution(&o, "%NAME <%EMAIL> schrieb am %DATE:"),
        "Björn <bjorn@example.test> schrieb am Fri, 20 Nov 2026 16:05 +0100:"
    );
    // The signature is not quoted; nested quotes read `>>`; no line ends in a space.
    assert_eq!(
        quote(&o.text),
        "> Hi all,\n>\n>> earlier text\n> numbers attached.\n"
    );
}

#[test]
fn signature_separator() {
    assert_eq!(append_signature("Hi\n", "Alice"), "Hi\n\n-- \nAlice\n");
    assert_eq!(append_signature("Hi", "-- \nAlice\n"), "Hi\n\n-- \nAlice\n");
    assert_eq!(append_signature("Hi\n", "  \n"), "Hi\n");
}

#[test]
fn reply_draft_threads_quotes_and_builds() {
    let o = Original::parse(ORIGINAL.as_bytes());
    let style = Style {
        signature: Some("Alice".into()),
        ..Style::default()
    };
    let me = addr(Some("Alice"), "alice@example.test");
    let d = reply(&o, me.clone(), true, &own(), &style);
    assert_eq!(d.subject, "Re: Quarterly numbers");
    assert_eq!(d.in_reply_to.as_deref(), Some("m3@example.test"));
    assert_eq!(
        d.references,
        ["m1@example.test", "m2@example.test", "m3@example.test"]
    );
    assert_eq!(
        d.body,
        "On Fri, 20 Nov 2026 16:05 +0100, Björn wrote:\n> Hi all,\n>\n>> earlier text\n\
         > numbers attached.\n\n-- \nAlice\n"
    );
    let b = build(&d, SystemTime::now()).unwrap();
    let e = envelope_from_raw(&b.bytes, 1, Flags::default(), 0);
    assert_eq!(e.subject, "Re: Quarterly numbers");
    assert_eq!(e.in_reply_to.as_deref(), Some("m3@example.test"));
    assert_eq!(e.references, d.references);
    assert_eq!(
        b.recipients,
        [
            "bjorn@example.test",
            "team@example.test",
            "carol@example.test"
        ]
    );
}

const WITH_HTML_AND_ATTACHMENT: &str = "From: Bob <bob@example.test>\r\n\
To: alice@example.test\r\n\
Subject: Report\r\n\
Date: Sat, 21 Nov 2026 09:00:00 +0000\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"B\"\r\n\
\r\n\
--B\r\n\
Content-Type: text/html; charset=utf-8\r\n\
\r\n\
<p>Hello <b>there</b></p><p>Second</p>\r\n\
--B\r\n\
Content-Type: application/pdf; name=\"r.pdf\"\r\n\
Content-Disposition: attachment; filename=\"r.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQKAAEC\r\n\
--B--\r\n";

#[test]
fn html_is_quoted_as_text() {
    let o = Original::parse(WITH_HTML_AND_ATTACHMENT.as_bytes());
    assert!(o.text.contains("Hello there"), "{:?}", o.text);
    assert!(!o.text.contains('<'), "{:?}", o.text);
    assert_eq!(o.attachments.len(), 1);
    assert_eq!(o.attachments[0].name.as_deref(), Some("r.pdf"));
    assert_eq!(o.attachments[0].mime.as_deref(), Some("application/pdf"));
    assert_eq!(
        o.attachments[0].source,
        AttachmentSource::Data(b"%PDF-1.4\n\0\x01\x02".to_vec())
    );
}

#[test]
fn forward_inline_keeps_headers_text_and_attachments() {
    let o = Original::parse(WITH_HTML_AND_ATTACHMENT.as_bytes());
    let me = addr(None, "alice@example.test");
    let mut d = forward(&o, me, ForwardAs::Inline, &Style::default());
    assert_eq!(d.subject, "Fwd: Report");
    assert!(d.to.is_empty() && d.in_reply_to.is_none());
    assert!(
        d.body.contains(
            "-------- Forwarded Message --------\nFrom: Bob <bob@example.test>\n\
         Date: Sat, 21 Nov 2026 09:00:00 +0000\nSubject: Report\nTo: alice@example.test\n\n"
        ),
        "{}",
        d.body
    );
    assert!(d.body.contains("Hello there"));
    d.to = vec![addr(None, "carol@example.test")];
    let b = build(&d, SystemTime::now()).unwrap();
    let msg = MessageParser::default().parse(&b.bytes).unwrap();
    let att = msg.attachment(0).unwrap();
    assert_eq!(att.attachment_name(), Some("r.pdf"));
    assert_eq!(att.contents(), b"%PDF-1.4\n\0\x01\x02");
}

#[test]
fn forward_as_attachment_is_the_whole_message() {
    let o = Original::parse(WITH_HTML_AND_ATTACHMENT.as_bytes());
    let style = Style {
        signature: Some("A.".into()),
        ..Style::default()
    };
    let mut d = forward(
        &o,
        addr(None, "alice@example.test"),
        ForwardAs::Attachment,
        &style,
    );
    assert_eq!(d.body, "\n\n-- \nA.\n");
    assert_eq!(d.attachments.len(), 1);
    assert_eq!(d.attachments[0].name.as_deref(), Some("Report.eml"));
    d.to = vec![addr(None, "carol@example.test")];
    let b = build(&d, SystemTime::now()).unwrap();
    let msg = MessageParser::default().parse(&b.bytes).unwrap();
    let part = msg.attachment(0).unwrap();
    let PartType::Message(inner) = &part.body else {
        panic!("not message/rfc822: {:?}", part.body);
    };
    assert_eq!(inner.subject(), Some("Report"));
    assert_eq!(inner.raw_message(), WITH_HTML_AND_ATTACHMENT.as_bytes());
}

#[test]
fn garbage_original_never_panics() {
    let o = Original::parse(b"\xff\xfe not a message \x1b[31m");
    assert!(o.from.is_empty() && o.message_id.is_none());
    assert!(!o.text.contains('\x1b'));
    let d = reply(
        &o,
        addr(None, "a@example.test"),
        true,
        &[],
        &Style::default(),
    );
    assert!(d.to.is_empty());
    assert!(d.body.starts_with("On an unknown date, someone wrote:\n"));
}
