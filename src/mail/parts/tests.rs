use super::*;

fn b64(data: &[u8]) -> String {
    use base64::Engine;
    let s = base64::engine::general_purpose::STANDARD.encode(data);
    s.as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n")
}

/// Deterministic bytes covering every value, like a real binary file.
fn binary(len: usize) -> Vec<u8> {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|i| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            if i < 256 {
                i as u8
            } else {
                (seed >> 24) as u8
            }
        })
        .collect()
}

fn id(s: &str) -> PartId {
    PartId::parse(s).expect("valid id")
}

fn summary(parts: &[PartInfo]) -> Vec<(String, usize, &str)> {
    parts
        .iter()
        .map(|p| (p.id.to_string(), p.depth, p.content_type.as_str()))
        .collect()
}

fn forwarded(pdf: &[u8]) -> String {
    format!(
        "From: Sam <sam@x.test>\r\nSubject: Fwd: Q3\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n\
         --outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the forwarded mail.\r\n\
         --outer\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n\
         From: Bob <bob@x.test>\r\nSubject: Q3 report\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n\
         --inner\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n\
         --alt\r\nContent-Type: text/plain\r\n\r\nnumbers inside\r\n\
         --alt\r\nContent-Type: text/html\r\n\r\n<p>numbers inside</p>\r\n--alt--\r\n\
         --inner\r\nContent-Type: application/pdf; name=\"q3.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"q3.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--inner--\r\n\
         --outer--\r\n",
        b64(pdf)
    )
}

#[test]
fn ids_print_and_parse() {
    assert_eq!(PartId::root().to_string(), "1");
    assert_eq!(PartId(vec![0, 1, 0]).to_string(), "1.2.1");
    assert_eq!(PartId::parse(" 1.2.1 "), Some(PartId(vec![0, 1, 0])));
    for bad in ["", "0", "1.0", "a", "1..2", "-1", "1.2."] {
        assert_eq!(PartId::parse(bad), None, "{bad:?}");
    }
}

#[test]
fn forwarded_message_is_a_tree_with_its_own_parts() {
    let pdf = binary(5000);
    let raw = forwarded(&pdf);
    let parts = list(raw.as_bytes());
    assert_eq!(
        summary(&parts),
        vec![
            ("1".into(), 0, "multipart/mixed"),
            ("1.1".into(), 1, "text/plain"),
            ("1.2".into(), 1, "message/rfc822"),
            ("1.2.1".into(), 2, "multipart/mixed"),
            ("1.2.1.1".into(), 3, "multipart/alternative"),
            ("1.2.1.1.1".into(), 4, "text/plain"),
            ("1.2.1.1.2".into(), 4, "text/html"),
            ("1.2.1.2".into(), 3, "application/pdf"),
        ]
    );
    let msg = &parts[2];
    assert_eq!(msg.kind, PartKind::Message);
    assert_eq!(msg.subject.as_deref(), Some("Q3 report"));
    assert_eq!(msg.file_name, "Q3 report.eml");
    assert_eq!(msg.disposition, Disposition::Attachment);
    let pdf_part = &parts[7];
    assert_eq!(pdf_part.name.as_deref(), Some("q3.pdf"));
    assert_eq!(pdf_part.size, pdf.len());
    assert_eq!(pdf_part.encoding, TransferEncoding::Base64);
    assert_eq!(decoded_bytes(raw.as_bytes(), &pdf_part.id), Ok(pdf.clone()));
    // save-all takes the forwarded message whole, and the file attached inside it
    let saved: Vec<String> = saveable(&parts).iter().map(|p| p.id.to_string()).collect();
    assert_eq!(saved, vec!["1.2", "1.2.1.2"]);
    // only the outer text is the body the preview shows
    let body: Vec<String> = parts
        .iter()
        .filter(|p| p.is_body)
        .map(|p| p.id.to_string())
        .collect();
    assert_eq!(body, vec!["1.1"]);
    // the message part is the inner message's bytes, which list and decode on their own
    let inner = decoded_bytes(raw.as_bytes(), &id("1.2")).unwrap();
    assert!(inner.starts_with(b"From: Bob <bob@x.test>\r\n"));
    assert!(
        inner.ends_with(b"--inner--"),
        "{:?}",
        String::from_utf8_lossy(&inner)
    );
    assert_eq!(msg.size, inner.len());
    let again = list(&inner);
    assert_eq!(again.len(), 5);
    assert_eq!(decoded_bytes(&inner, &id("1.2")), Ok(pdf));
    match view(raw.as_bytes(), &id("1.2"), 60) {
        Ok(PartView::Message(bytes)) => assert_eq!(bytes, inner),
        other => panic!("{other:?}"),
    }
}

#[test]
fn base64_encoded_forward_is_opened_too() {
    let inner = "From: a@x.test\r\nSubject: hidden\r\nContent-Type: multipart/mixed; boundary=\"i\"\r\n\r\n\
                 --i\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
                 --i\r\nContent-Type: application/zip; name=z.zip\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n--i--\r\n";
    let raw = format!(
        "From: b@x.test\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n\
         --o\r\nContent-Type: text/plain\r\n\r\nfwd\r\n\
         --o\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--o--\r\n",
        b64(inner.as_bytes())
    );
    let parts = list(raw.as_bytes());
    let ids: Vec<String> = parts.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(ids, vec!["1", "1.1", "1.2", "1.2.1", "1.2.1.1", "1.2.1.2"]);
    assert_eq!(parts[2].subject.as_deref(), Some("hidden"));
    assert_eq!(
        decoded_bytes(raw.as_bytes(), &id("1.2")).unwrap(),
        inner.as_bytes()
    );
    assert_eq!(
        decoded_bytes(raw.as_bytes(), &id("1.2.1.2")).unwrap(),
        b"PK\x03\x04"
    );
    assert_eq!(parts[5].name.as_deref(), Some("z.zip"));
}

#[test]
fn missing_closing_boundary_still_decodes_the_last_part() {
    let data = binary(3000);
    for tail in ["\r\n", "", "\r\n--b"] {
        let raw = format!(
            "From: a@x.test\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nscan attached\r\n\
             --b\r\nContent-Type: application/pdf; name=\"scan.pdf\"\r\n\
             Content-Disposition: attachment; filename=\"scan.pdf\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}{tail}",
            b64(&data)
        );
        let parts = list(raw.as_bytes());
        let pdf = parts
            .iter()
            .find(|p| p.name.as_deref() == Some("scan.pdf"))
            .expect("the cut part is listed");
        assert_eq!(pdf.size, data.len(), "tail {tail:?}");
        assert_eq!(pdf.content_type, "application/pdf");
        assert_eq!(decoded_bytes(raw.as_bytes(), &pdf.id), Ok(data.clone()));
    }
    // a text part cut off keeps what arrived
    let raw = "From: a@x.test\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nfirst\n--b\nContent-Type: text/plain\n\nnever closed";
    let parts = list(raw.as_bytes());
    let last = parts.last().unwrap();
    assert_eq!(
        decoded_bytes(raw.as_bytes(), &last.id).unwrap(),
        b"never closed"
    );
}

#[test]
fn rfc2231_and_rfc2047_names_are_decoded() {
    let cases: [(&str, &str); 6] = [
        ("filename*=UTF-8''%E2%82%AC%20rates.pdf", "€ rates.pdf"),
        ("filename*=iso-8859-1'fr'r%E9sum%E9.txt", "résumé.txt"),
        (
            "filename*0*=UTF-8''long%20na; filename*1*=me%20%C3%A9; filename*2=\".txt\"",
            "long name é.txt",
        ),
        (
            "filename=\"=?UTF-8?B?5pel5pys6KqeLnBkZg==?=\"",
            "日本語.pdf",
        ),
        ("filename=\"=?iso-8859-1?Q?caf=E9?=.doc\"", "café.doc"),
        ("filename=plain.bin", "plain.bin"),
    ];
    for (param, want) in cases {
        let raw = format!(
            "From: a@x.test\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
             Content-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: application/octet-stream\r\n\
             Content-Disposition: attachment; {param}\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\n"
        );
        let parts = list(raw.as_bytes());
        assert_eq!(parts[2].name.as_deref(), Some(want), "{param}");
        assert_eq!(parts[2].file_name, want, "{param}");
        assert_eq!(parts[2].size, 3);
    }
    // Content-Type's name= is used when Content-Disposition has none
    let raw = "From: a@x.test\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n\
               --b\nContent-Type: image/png; name*=UTF-8''%F0%9F%90%B1.png\n\nPNG\n--b--\n";
    assert_eq!(list(raw.as_bytes())[2].name.as_deref(), Some("🐱.png"));
}

#[test]
fn hostile_names_are_safe_to_show_and_to_save() {
    let raw = "From: a@x.test\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
               Content-Type: text/plain\r\n\r\nx\r\n--b\r\n\
               Content-Type: application/octet-stream\r\n\
               Content-Disposition: attachment; filename*=UTF-8''..%2F..%2F.ssh%2Fauthorized_keys%E2%80%AEtxt.exe\r\n\r\nkey\r\n\
               --b\r\nContent-Type: application/x-sh\r\n\
               Content-Disposition: attachment; filename=\"\x1b]0;pwned\x07.bashrc\"\r\n\r\necho\r\n--b--\r\n";
    let parts = list(raw.as_bytes());
    let keys = &parts[2];
    let shown = keys.name.as_deref().unwrap();
    assert!(!shown.contains('\u{202e}'), "{shown:?}");
    assert_eq!(keys.file_name, "_.._.ssh_authorized_keystxt.exe");
    let rc = &parts[3];
    assert!(!rc.name.as_deref().unwrap().contains('\x1b'));
    assert!(!rc.file_name.starts_with('.') && !rc.file_name.contains('\x1b'));
    for p in &parts {
        assert!(!p.file_name.contains('/') && !p.file_name.starts_with('.'));
    }
}

#[test]
fn transfer_encodings_are_exact_and_text_keeps_its_charset() {
    let latin1 = b"caf\xe9 na\xefve\r\n\xa9 2026\r\n";
    let raw = [
        &b"From: a@x.test\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
           Content-Type: text/plain\r\n\r\nbody\r\n--b\r\n\
           Content-Type: text/plain; charset=ISO-8859-1; name=l.txt\r\n\
           Content-Disposition: attachment; filename=l.txt\r\n\
           Content-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9 na=\r\n=EFve\r\n=A9 2026\r\n\r\n\
           --b\r\nContent-Type: application/octet-stream; name=e.bin\r\n\
           Content-Transfer-Encoding: 8bit\r\n\r\n"[..],
        b"\x00\xff\x80 8bit\r\nline",
        b"\r\n--b\r\nContent-Type: application/octet-stream; name=b.bin\r\n\
           Content-Transfer-Encoding: binary\r\n\r\n",
        b"\x01\x02\r\n\x03",
        b"\r\n--b--\r\n",
    ]
    .concat();
    let parts = list(&raw);
    assert_eq!(parts[2].charset.as_deref(), Some("iso-8859-1"));
    assert_eq!(parts[2].encoding, TransferEncoding::QuotedPrintable);
    assert_eq!(decoded_bytes(&raw, &parts[2].id).unwrap(), latin1);
    assert_eq!(parts[2].size, latin1.len());
    assert_eq!(
        decoded_bytes(&raw, &parts[3].id).unwrap(),
        b"\x00\xff\x80 8bit\r\nline"
    );
    assert_eq!(parts[3].encoding, TransferEncoding::EightBit);
    assert_eq!(
        decoded_bytes(&raw, &parts[4].id).unwrap(),
        b"\x01\x02\r\n\x03"
    );
    // a text part viewed is charset-decoded, sanitized lines
    match view(&raw, &parts[2].id, 40) {
        Ok(PartView::Text(lines)) => {
            let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
            assert_eq!(texts, vec!["café naïve", "© 2026"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn inline_images_of_related_parts() {
    let raw = "From: a@x.test\r\nContent-Type: multipart/related; boundary=r\r\n\r\n--r\r\n\
               Content-Type: text/html\r\n\r\n<p>Our logo:</p><img src=\"cid:logo@x\">\r\n--r\r\n\
               Content-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n\
               --r\r\nContent-Type: image/gif; name=a.gif\r\nContent-Disposition: attachment\r\n\r\nGIF89a\r\n--r--\r\n";
    let parts = list(raw.as_bytes());
    let logo = &parts[2];
    assert!(logo.is_inline_image);
    assert_eq!(logo.content_id.as_deref(), Some("logo@x"));
    assert_eq!(logo.file_name, "part-1.2.png");
    assert_eq!(
        decoded_bytes(raw.as_bytes(), &logo.id).unwrap(),
        b"\x89PNG\r\n\x1a\n"
    );
    assert!(!parts[3].is_inline_image);
    let saved: Vec<String> = saveable(&parts).iter().map(|p| p.id.to_string()).collect();
    assert_eq!(saved, vec!["1.2", "1.3"]);
    assert_eq!(parts[1].kind, PartKind::Html);
}

#[test]
fn attachments_built_by_compose_come_back_byte_for_byte() {
    use crate::mail::compose::{build, AttachmentSource, Draft, DraftAttachment};
    use crate::mail::Address;
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<(String, Vec<u8>)> = vec![
        ("data.bin".into(), binary(70_001)),
        ("notes.txt".into(), b"line one\nline two\r\nno end".to_vec()),
        ("empty.dat".into(), Vec::new()),
        ("Ünïcødé name.pdf".into(), binary(1234)),
    ];
    let mut attachments = Vec::new();
    for (name, data) in &files {
        let path = dir.path().join(name);
        std::fs::write(&path, data).unwrap();
        attachments.push(DraftAttachment::file(path));
    }
    attachments.push(DraftAttachment {
        source: AttachmentSource::Data(forwarded(&binary(900)).into_bytes()),
        name: Some("fwd.eml".into()),
        mime: Some("message/rfc822".into()),
    });
    let draft = Draft {
        from: Address {
            name: None,
            email: "me@x.test".into(),
        },
        to: vec![Address {
            name: None,
            email: "you@x.test".into(),
        }],
        subject: "files".into(),
        body: "here".into(),
        attachments,
        ..Draft::default()
    };
    let built = build(&draft, std::time::SystemTime::UNIX_EPOCH).unwrap();
    let parts = list(&built.bytes);
    for (name, data) in &files {
        let p = parts
            .iter()
            .find(|p| p.name.as_deref() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("{name} in {parts:?}"));
        assert_eq!(p.size, data.len(), "{name}");
        assert_eq!(&decoded_bytes(&built.bytes, &p.id).unwrap(), data, "{name}");
    }
    let fwd = parts.iter().find(|p| p.kind == PartKind::Message).unwrap();
    let pdf = parts
        .iter()
        .find(|p| p.name.as_deref() == Some("q3.pdf"))
        .expect("the forwarded message's attachment");
    assert!(pdf.id.0.starts_with(&fwd.id.0));
    assert_eq!(decoded_bytes(&built.bytes, &pdf.id).unwrap(), binary(900));
}

#[test]
fn errors_and_garbage() {
    let raw = forwarded(b"%PDF");
    assert_eq!(
        decoded_bytes(raw.as_bytes(), &id("1.9")),
        Err(PartError::NoSuchPart(id("1.9")))
    );
    assert_eq!(
        decoded_bytes(raw.as_bytes(), &id("1")),
        Err(PartError::Multipart(id("1")))
    );
    assert!(matches!(
        view(raw.as_bytes(), &id("1.2.1.2"), 40),
        Err(PartError::NotViewable(_, t)) if t == "application/pdf"
    ));
    assert_eq!(decoded_bytes(b"", &id("1")), Err(PartError::Unparseable));
    assert!(list(b"").is_empty());
    // a single-part message is one entity, its body
    let parts = list(b"From: a@x.test\nSubject: s\n\nhello\n");
    assert_eq!(summary(&parts), vec![("1".into(), 0, "text/plain")]);
    assert!(parts[0].is_body);
    assert_eq!(
        decoded_bytes(b"From: a@x.test\n\nhello\n", &id("1")).unwrap(),
        b"hello\n"
    );
    // random bytes and every cut of a nested message never panic
    let raw = forwarded(&binary(300));
    for end in (0..raw.len()).step_by(7) {
        for p in list(&raw.as_bytes()[..end]) {
            let _ = decoded_bytes(&raw.as_bytes()[..end], &p.id);
            let _ = view(&raw.as_bytes()[..end], &p.id, 20);
        }
    }
}

#[test]
fn deep_nesting_is_capped() {
    let mut raw = String::from("From: a@x.test\r\nSubject: leaf\r\n\r\nbottom\r\n");
    for i in 0..(MAX_DEPTH + 10) {
        raw = format!(
            "From: a@x.test\r\nSubject: level {i}\r\nContent-Type: message/rfc822\r\n\r\n{raw}"
        );
    }
    let parts = list(raw.as_bytes());
    assert!(parts.iter().all(|p| p.depth <= MAX_DEPTH));
    assert!(parts.len() <= MAX_DEPTH + 1);
}
