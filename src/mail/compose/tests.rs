use std::time::{Duration, SystemTime};

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::*;
use crate::mail::parse::envelope_from_raw;
use crate::mail::Flags;

fn addr(name: Option<&str>, email: &str) -> Address {
    Address {
        name: name.map(str::to_string),
        email: email.to_string(),
    }
}

fn draft() -> Draft {
    Draft {
        id: "d1".into(),
        from: addr(Some("Alice Example"), "alice@example.test"),
        to: vec![addr(Some("Bob"), "bob@example.test")],
        cc: vec![addr(None, "carol@example.test")],
        bcc: vec![addr(Some("Hidden"), "dave@example.test")],
        subject: "Lunch".into(),
        body: "Hello Bob,\nsee you at noon.\n".into(),
        ..Draft::default()
    }
}

/// 2026-11-21 10:00:00 UTC.
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_255_200)
}

/// The header block (up to the first empty line) as text.
fn head(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.split("\r\n\r\n").next().unwrap_or("").to_string()
}

fn header_names(bytes: &[u8]) -> Vec<String> {
    head(bytes)
        .split("\r\n")
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(|l| l.split_once(':').map(|(n, _)| n.to_ascii_lowercase()))
        .collect()
}

#[test]
fn headers_envelope_and_no_bcc() {
    let b = build(&draft(), now()).unwrap();
    let names = header_names(&b.bytes);
    for h in [
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "mime-version",
    ] {
        assert!(names.contains(&h.to_string()), "{h} missing in {names:?}");
    }
    assert!(!names.contains(&"bcc".to_string()), "{names:?}");
    let text = String::from_utf8_lossy(&b.bytes);
    assert!(!text.contains("dave@example.test") && !text.contains("Hidden"));
    assert_eq!(b.envelope_from, "alice@example.test");
    assert_eq!(
        b.recipients,
        [
            "bob@example.test",
            "carol@example.test",
            "dave@example.test"
        ]
    );
    assert!(b.message_id.ends_with("@example.test"), "{}", b.message_id);
    assert!(head(&b.bytes).contains(&format!("Message-ID: <{}>", b.message_id)));
    assert!(head(&b.bytes).contains("Date: Sat, 21 Nov 2026 10:00:00 +0000"));
    // Every line ends in CRLF.
    assert!(!b.bytes.windows(2).any(|w| w[1] == b'\n' && w[0] != b'\r'));

    let e = envelope_from_raw(&b.bytes, 1, Flags::default(), 0);
    assert_eq!(
        e.from,
        vec![addr(Some("Alice Example"), "alice@example.test")]
    );
    assert_eq!(e.to, vec![addr(Some("Bob"), "bob@example.test")]);
    assert_eq!(e.cc, vec![addr(None, "carol@example.test")]);
    assert_eq!(e.date, 1_795_255_200);
    assert_eq!(e.message_id.as_deref(), Some(b.message_id.as_str()));
    let msg = MessageParser::default().parse(&b.bytes).unwrap();
    assert_eq!(
        msg.body_text(0).unwrap(),
        "Hello Bob,\r\nsee you at noon.\r\n"
    );
}

#[test]
fn message_ids_are_unique() {
    let a = build(&draft(), now()).unwrap();
    let b = build(&draft(), now()).unwrap();
    assert_ne!(a.message_id, b.message_id);
}

#[test]
fn recipients_once_and_bcc_only_is_fine() {
    let mut d = draft();
    d.to = vec![];
    d.cc = vec![];
    d.bcc = vec![
        addr(None, "x@example.test"),
        addr(None, "X@Example.test"),
        addr(None, "y@example.test"),
    ];
    let b = build(&d, now()).unwrap();
    assert_eq!(b.recipients, ["x@example.test", "y@example.test"]);
    let names = header_names(&b.bytes);
    assert!(!names.contains(&"to".to_string()) && !names.contains(&"bcc".to_string()));
    d.bcc.clear();
    assert_eq!(build(&d, now()), Err(ComposeError::NoRecipients));
}

#[test]
fn non_ascii_subject_and_names_round_trip() {
    let mut d = draft();
    d.from = addr(Some("Zoë Ångström"), "zoe@example.test");
    d.to = vec![addr(Some("山田 太郎"), "taro@example.test")];
    d.cc = vec![addr(Some("Doe, John \"JD\""), "jd@example.test")];
    d.subject = "Grüße aus Köln — 東京 😀 and a rather long subject that must be folded".into();
    let b = build(&d, now()).unwrap();
    assert!(head(&b.bytes).is_ascii(), "{}", head(&b.bytes));
    assert!(head(&b.bytes).contains("=?utf-8?"));
    assert!(head(&b.bytes).split("\r\n").all(|l| l.len() <= 78));
    let e = envelope_from_raw(&b.bytes, 1, Flags::default(), 0);
    assert_eq!(e.subject, d.subject);
    assert_eq!(e.from[0].name.as_deref(), Some("Zoë Ångström"));
    assert_eq!(e.to[0].name.as_deref(), Some("山田 太郎"));
    assert_eq!(e.cc[0].name.as_deref(), Some("Doe, John \"JD\""));
}

#[test]
fn typed_line_breaks_never_make_headers() {
    let mut d = draft();
    d.subject = "Hi\r\nBcc: evil@attacker.test\nX-Injected: 1".into();
    d.from.name = Some("Alice\r\nX-From-Injected: yes".into());
    d.to[0].name = Some("Bob\nReply-To: evil@attacker.test".into());
    d.in_reply_to = Some("parent@example.test>\r\nX-Irt: 1".into());
    d.references = vec!["root@example.test\r\nX-Ref: 1".into()];
    d.attachments = vec![DraftAttachment {
        source: AttachmentSource::Data(b"data".to_vec()),
        name: Some("a.txt\r\nX-Att: 1".into()),
        mime: None,
    }];
    let b = build(&d, now()).unwrap();
    let text = String::from_utf8_lossy(&b.bytes);
    for line in text.split("\r\n") {
        let l = line.to_ascii_lowercase();
        assert!(
            !l.starts_with("bcc:")
                && !l.starts_with("x-injected")
                && !l.starts_with("x-from-injected")
                && !l.starts_with("reply-to:")
                && !l.starts_with("x-irt")
                && !l.starts_with("x-ref")
                && !l.starts_with("x-att"),
            "injected header line {line:?} in\n{text}"
        );
    }
    let e = envelope_from_raw(&b.bytes, 1, Flags::default(), 0);
    assert_eq!(e.subject, "Hi Bcc: evil@attacker.test X-Injected: 1");
    assert_eq!(
        e.from[0].name.as_deref(),
        Some("Alice X-From-Injected: yes")
    );
    assert_eq!(e.in_reply_to.as_deref(), Some("parent@example.testX-Irt:1"));
    // An address itself with a line break is refused, not repaired.
    let mut d = draft();
    d.to[0].email = "bob@example.test\r\nBcc: x@y.test".into();
    assert!(matches!(
        build(&d, now()),
        Err(ComposeError::InvalidAddress { field: "To", .. })
    ));
}

#[test]
fn invalid_addresses_are_named() {
    let mut d = draft();
    d.cc = vec![addr(None, "not an address")];
    assert_eq!(
        build(&d, now()),
        Err(ComposeError::InvalidAddress {
            field: "Cc",
            value: "not an address".into()
        })
    );
    let mut d = draft();
    d.from.email = "alice".into();
    assert!(matches!(
        build(&d, now()),
        Err(ComposeError::InvalidAddress { field: "From", .. })
    ));
}

fn cte(bytes: &[u8]) -> String {
    head(bytes)
        .split("\r\n")
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
        .unwrap_or("")
        .to_string()
}

#[test]
fn body_encodings_round_trip() {
    let cases = [
        ("short ascii\n-- \nAlice\n", "7bit"),
        (
            &format!("{}\nsecond line\n-- \nsig\n", "long line ".repeat(30)) as &str,
            "quoted-printable",
        ),
        (
            "Grüße, Zoë.\nÇa va? Trailing space \n-- \nZ\n",
            "quoted-printable",
        ),
        ("日本語のテキストです。\nこんにちは世界。\n", "base64"),
        ("CR only\rline\r\n.\n..dots\nFrom start\n", "7bit"),
    ];
    for (body, encoding) in cases {
        let mut d = draft();
        d.body = body.to_string();
        let b = build(&d, now()).unwrap();
        assert_eq!(cte(&b.bytes), encoding, "{body:?}");
        assert!(b.bytes.is_ascii(), "8-bit bytes for {body:?}");
        assert!(b.bytes.split(|&c| c == b'\n').all(|l| l.len() <= 1000));
        let msg = MessageParser::default().parse(&b.bytes).unwrap();
        let expected = body
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .replace('\n', "\r\n");
        assert_eq!(msg.body_text(0).unwrap(), expected, "{body:?}");
    }
}

#[test]
fn threading_headers() {
    let mut d = draft();
    d.in_reply_to = Some("<parent@example.test>".into());
    d.references = (0..12)
        .map(|i| format!("id{i}.long-enough@example.test"))
        .collect();
    let b = build(&d, now()).unwrap();
    let e = envelope_from_raw(&b.bytes, 1, Flags::default(), 0);
    assert_eq!(e.in_reply_to.as_deref(), Some("parent@example.test"));
    assert_eq!(e.references, d.references);
    assert!(head(&b.bytes).split("\r\n").all(|l| l.len() <= 998));
}

#[test]
fn attachments_round_trip_with_names_and_types() {
    let dir = tempfile::tempdir().unwrap();
    let bin: Vec<u8> = (0..200_000u32).map(|i| (i * 31 % 256) as u8).collect();
    let png_path = dir.path().join("pixel.png");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(b"\r\n\n\r\0.");
    std::fs::write(&png_path, &png).unwrap();
    let bin_path = dir.path().join("blob");
    std::fs::write(&bin_path, &bin).unwrap();
    let mut d = draft();
    d.attachments = vec![
        DraftAttachment::file(&png_path),
        DraftAttachment {
            source: AttachmentSource::File(bin_path.clone()),
            name: Some("Übersicht März 2026 — 東京.bin".into()),
            mime: Some("application/x-test".into()),
        },
        DraftAttachment {
            source: AttachmentSource::Data("plain notes\n".into()),
            name: Some("notes.txt".into()),
            mime: None,
        },
    ];
    let b = build(&d, now()).unwrap();
    assert!(b.bytes.is_ascii());
    let msg = MessageParser::default().parse(&b.bytes).unwrap();
    assert_eq!(
        msg.body_text(0).unwrap(),
        "Hello Bob,\r\nsee you at noon.\r\n"
    );
    let atts: Vec<_> = msg.attachments().collect();
    assert_eq!(atts.len(), 3);
    assert_eq!(atts[0].attachment_name(), Some("pixel.png"));
    assert_eq!(atts[0].content_type().map(|c| c.ctype()), Some("image"));
    assert_eq!(atts[0].contents(), png.as_slice());
    assert_eq!(
        atts[1].attachment_name(),
        Some("Übersicht März 2026 — 東京.bin")
    );
    assert_eq!(
        atts[1].content_type().and_then(|c| c.subtype()),
        Some("x-test")
    );
    assert_eq!(atts[1].contents(), bin.as_slice());
    assert_eq!(atts[2].contents(), b"plain notes\n");
    assert!(envelope_from_raw(&b.bytes, 1, Flags::default(), 0).has_attachments);
}

#[test]
fn missing_or_unreadable_attachment_names_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone.pdf");
    let mut d = draft();
    d.attachments = vec![DraftAttachment::file(&missing)];
    match build(&d, now()) {
        Err(e @ ComposeError::Attachment { .. }) => {
            let text = e.to_string();
            assert!(text.contains(&missing.display().to_string()), "{text}");
            assert!(text.contains("no such file"), "{text}");
        }
        other => panic!("expected an attachment error, got {other:?}"),
    }
    d.attachments = vec![DraftAttachment::file(dir.path())];
    let e = build(&d, now()).unwrap_err().to_string();
    assert!(e.contains("is a directory"), "{e}");
}

#[test]
fn forwarded_message_attachment_is_message_rfc822() {
    let original = "From: Bob <bob@example.test>\r\nSubject: Grüße\r\n\r\nHällo\r\n";
    let mut d = draft();
    d.attachments = vec![DraftAttachment {
        source: AttachmentSource::Data(original.as_bytes().to_vec()),
        name: Some("Grüße.eml".into()),
        mime: Some("message/rfc822".into()),
    }];
    let b = build(&d, now()).unwrap();
    let text = String::from_utf8_lossy(&b.bytes);
    assert!(text.contains("Content-Type: message/rfc822"), "{text}");
    assert!(text.contains("Content-Transfer-Encoding: 8bit"), "{text}");
    let msg = MessageParser::default().parse(&b.bytes).unwrap();
    let part = msg.attachment(0).unwrap();
    let PartType::Message(inner) = &part.body else {
        panic!("not a message part: {:?}", part.body);
    };
    assert_eq!(inner.subject(), Some("Grüße"));
    assert_eq!(inner.body_text(0).as_deref(), Some("Hällo\r\n"));
}

#[test]
fn drafts_serialize() {
    let mut d = draft();
    d.attachments = vec![DraftAttachment::file("/tmp/x.pdf")];
    d.in_reply_to = Some("p@example.test".into());
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<Draft>(&json).unwrap(), d);
    let bytes = bincode::serialize(&d).unwrap();
    assert_eq!(bincode::deserialize::<Draft>(&bytes).unwrap(), d);
}

#[test]
fn a_draft_keeps_bcc_and_what_it_forwards_and_reads_them_back() {
    let mut d = draft();
    d.bcc = vec![addr(Some("Zoë Geheim"), "dave@example.test")];
    d.in_reply_to = Some("orig@example.test".into());
    let b = build_draft(&d, Some("fwd@example.test"), now()).unwrap();
    let names = header_names(&b.bytes);
    assert!(names.contains(&"bcc".to_string()), "{names:?}");
    assert!(head(&b.bytes).contains("X-Forwarded-Message-Id: <fwd@example.test>"));
    let o = reply::Original::parse(&b.bytes);
    assert_eq!(o.bcc, d.bcc, "a non-ASCII name comes back too");
    assert_eq!(o.in_reply_to.as_deref(), Some("orig@example.test"));
    assert_eq!(o.forwarded_id.as_deref(), Some("fwd@example.test"));
    // a message to send has neither
    let sent = build(&d, now()).unwrap();
    let names = header_names(&sent.bytes);
    assert!(
        !names.contains(&"bcc".to_string())
            && !names.contains(&"x-forwarded-message-id".to_string())
    );
}

#[test]
fn the_sent_copy_is_what_was_sent_plus_bcc() {
    let mut d = draft();
    d.bcc = vec![
        addr(Some("Zoë Geheim"), "dave@example.test"),
        addr(None, "erin@example.test"),
    ];
    let b = build(&d, now()).unwrap();
    let copy = sent_copy(&b, &d.bcc);
    let (sent_head, sent_body) = String::from_utf8_lossy(&b.bytes)
        .split_once("\r\n\r\n")
        .map(|(h, b)| (h.to_string(), b.to_string()))
        .unwrap();
    let copy_text = String::from_utf8_lossy(&copy).into_owned();
    assert!(
        copy_text.starts_with(&sent_head),
        "the headers sent, unchanged"
    );
    assert!(copy_text.ends_with(&sent_body), "the body sent, unchanged");
    let o = reply::Original::parse(&copy);
    assert_eq!(o.bcc, d.bcc);
    assert_eq!(sent_copy(&b, &[]), b.bytes, "no Bcc, no change");
}

#[test]
fn an_address_that_is_none_is_named_as_typed() {
    let mut d = draft();
    d.bcc = vec![addr(Some("not an address"), "")];
    assert_eq!(
        build(&d, now()).unwrap_err().to_string(),
        "Bcc: \"not an address\" is not a valid email address"
    );
}
