//! The reading foundation (parts, links, headers, source, HTML, find) over every message of
//! the demo corpus: nothing panics, every string is terminal-safe, attachments decode to the
//! exact files (checked against mail-parser and against the files' own structure), and the
//! corpus' special cases (an unterminated multipart, RFC 2231 and RFC 2047 names) work.

use mail_parser::MimeHeaders;
use tmail::backend::demo::corpus;
use tmail::mail::parts::{decoded_bytes, list, PartInfo, PartKind};
use tmail::mail::{find, headers, html, links, render};

fn safe(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c))
}

fn all() -> Vec<corpus::DemoMessage> {
    corpus::messages()
}

fn find_part<'a>(parts: &'a [PartInfo], name: &str) -> Option<&'a PartInfo> {
    parts.iter().find(|p| p.name.as_deref() == Some(name))
}

#[test]
fn every_part_of_every_message_lists_and_decodes() {
    let messages = all();
    assert!(messages.len() > 100);
    let mut attachments = 0;
    for m in &messages {
        let parts = list(&m.raw);
        assert!(!parts.is_empty());
        let parsed = mail_parser::MessageParser::default().parse(&m.raw).unwrap();
        for p in &parts {
            for s in [Some(&p.content_type), p.name.as_ref(), Some(&p.file_name)]
                .into_iter()
                .flatten()
            {
                assert!(safe(s), "{s:?}");
            }
            assert!(!p.file_name.contains('/') && !p.file_name.starts_with('.'));
            if p.kind == PartKind::Multipart {
                continue;
            }
            let bytes = decoded_bytes(&m.raw, &p.id).unwrap();
            assert_eq!(bytes.len(), p.size, "{} {}", p.id, p.content_type);
        }
        // whatever mail-parser decodes cleanly as binary, we decode to the same bytes
        for a in parsed.attachments() {
            if a.is_encoding_problem || !a.is_binary() {
                continue;
            }
            let Some(name) = a.attachment_name() else {
                continue;
            };
            let p = find_part(&parts, name).expect("listed");
            assert_eq!(
                decoded_bytes(&m.raw, &p.id).unwrap(),
                a.contents(),
                "{name}"
            );
            attachments += 1;
        }
    }
    assert!(attachments >= 5, "{attachments}");
}

fn part_named(name: &str) -> (Vec<u8>, PartInfo) {
    for m in all() {
        if let Some(p) = find_part(&list(&m.raw), name) {
            return (m.raw.clone(), p.clone());
        }
    }
    panic!("no part {name}");
}

#[test]
fn special_attachments_of_the_corpus() {
    // the scan's multipart is never closed: the PDF is still whole
    let (raw, scan) = part_named("scan0042.pdf");
    let pdf = decoded_bytes(&raw, &scan.id).unwrap();
    assert!(
        pdf.starts_with(b"%PDF-1.4"),
        "{:?}",
        &pdf[..pdf.len().min(16)]
    );
    assert!(pdf.ends_with(b"%%EOF\n"));
    assert_eq!(scan.size, pdf.len());
    assert_eq!(scan.content_type, "application/pdf");
    // RFC 2231 and RFC 2047 names
    let (_, csv) = part_named("Lisbon offsite – expenses.csv");
    assert_eq!(csv.file_name, "Lisbon offsite – expenses.csv");
    assert_eq!(csv.charset.as_deref(), Some("utf-8"));
    let (raw, minutes) = part_named("議事録_1015.txt");
    let text = decoded_bytes(&raw, &minutes.id).unwrap();
    assert!(std::str::from_utf8(&text).is_ok());
    // a PNG whose every chunk CRC checks out once decoded
    let (raw, png) = part_named("sidebar-mockup.png");
    let png_bytes = decoded_bytes(&raw, &png.id).unwrap();
    assert!(png_bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(png.content_type, "image/png");
}

#[test]
fn links_headers_source_html_and_find_on_the_corpus() {
    let mut with_links = 0;
    let mut with_html = 0;
    for m in all() {
        let r = render::render(&m.raw, 60);
        let ls = links::links(&m.raw);
        with_links += usize::from(!ls.is_empty());
        for l in &ls {
            assert!(safe(&l.label()), "{:?}", l.label());
        }
        for mk in links::mark(&r.lines, &ls) {
            let text = &r.lines[mk.line].text;
            assert!(text.is_char_boundary(mk.bytes.start) && text.is_char_boundary(mk.bytes.end));
            assert!(mk.cols.end <= 60);
        }
        for f in headers::all_headers(&m.raw) {
            assert!(safe(&f.name) && safe(&f.value), "{f:?}");
        }
        for l in headers::source_lines(&m.raw, 70) {
            assert!(safe(&l.text) && tmail::mail::sanitize::width(&l.text) <= 70);
        }
        if let Some(h) = html::html_for_browser(&m.raw) {
            with_html += 1;
            let h = String::from_utf8(h).unwrap();
            assert!(h.contains(html::HTML_PREAMBLE));
        }
        let texts: Vec<&str> = r.lines.iter().map(|l| l.text.as_str()).collect();
        for hit in find::find_all(texts.iter().copied(), "e") {
            assert!(texts[hit.line].is_char_boundary(hit.bytes.start));
        }
    }
    assert!(with_links >= 5, "{with_links}");
    assert!(with_html >= 3, "{with_html}");
}
