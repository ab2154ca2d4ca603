//! MIME of the demo corpus: charsets, encoded words, attachments, varied structures,
//! format=flowed. That the builder's messages parse back to what they were made of is in
//! [`super::tests_build`].

use std::collections::HashMap;

use super::inbox_threads::{DINNER_1, DINNER_3, DINNER_5};
use super::projects::THREADING_1;
use super::rust_users::{SELF_REF_1, SELF_REF_4};
use super::tests::{body, by_subject, contains, from, parsed, subject, Parsed};
use super::text::{flow, signed};
use super::INBOX;
use mail_parser::MimeHeaders;

pub(super) fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn single_byte_charsets_decode() {
    let all = parsed();
    let german = by_subject(&all, "Grüße aus München: Serverumzug am Samstag");
    assert!(german
        .msg
        .raw
        .windows(17)
        .any(|w| w == b"=?ISO-8859-1?Q?Gr"));
    assert_eq!(
        german
            .mail
            .text_part(0)
            .and_then(|p| p.content_transfer_encoding()),
        Some("quoted-printable")
    );
    assert!(body(german).contains("größere Änderungen zusammenführen"));
    assert!(body(german).contains("Weißwürste"));

    let french = by_subject(&all, "Réunion de lundi");
    assert!(body(french).contains("les maquettes de l'écran de recherche (et le café)"));
    assert!(body(french).contains("Ça te va ?"));
    let french_reply = all
        .iter()
        .find(|p| subject(p) == "Re: Réunion de lundi" && p.msg.folder == INBOX)
        .expect("French reply");
    assert!(body(french_reply).contains("C'est noté"));

    let catering = by_subject(&all, "Catering quote for the “launch party”");
    assert!(contains(&catering.msg.raw, b"charset=windows-1252"));
    assert!(contains(&catering.msg.raw, b"\x93launch party\x94"));
    let text = body(catering);
    assert!(
        text.contains("the “launch party” – we’d love to do it!"),
        "{text}"
    );
    assert!(text.contains("€1,450") && text.contains("2 people × 4 hours"));

    let russian = by_subject(&all, "Отчёт о тестировании 0.4");
    assert!(contains(&russian.msg.raw, b"charset=koi8-r"));
    assert!(contains(
        &russian.msg.raw,
        b"Content-Transfer-Encoding: 8bit"
    ));
    assert!(body(russian).contains("Закончил тестирование сборки 0.4 на Linux и FreeBSD."));
    assert!(body(russian).contains("Всё работает"));
    assert_eq!(
        russian
            .mail
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.name()),
        Some("Дмитрий Волков")
    );
}

/// Whether this build of mail-parser decodes multi-byte legacy charsets (its
/// `full_encoding` feature); without it, it falls back to lossy UTF-8.
fn decodes_multibyte() -> bool {
    mail_parser::decoders::charsets::map::charset_decoder(b"shift_jis")
        .is_some_and(|decode| decode(b"\x83n") == "ハ")
}

#[test]
fn japanese_charsets_decode() {
    let all = parsed();
    let sjis = by_subject(&all, "来週のデモについて");
    assert!(contains(&sjis.msg.raw, b"charset=shift_jis"));
    assert!(contains(
        &sjis.msg.raw,
        b"Content-Transfer-Encoding: base64"
    ));
    assert_eq!(
        sjis.mail
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.name()),
        Some("田中 由紀")
    );
    let jis = all
        .iter()
        .find(|p| contains(&p.msg.raw, b"charset=iso-2022-jp"))
        .expect("ISO-2022-JP mail");
    assert_eq!(from(jis), "kenji@demo.tmail.test");
    assert!(contains(&jis.msg.raw, b"Subject: =?ISO-2022-JP?B?"));
    assert!(
        jis.msg.raw.iter().all(|&b| b < 0x80),
        "ISO-2022-JP is 7-bit"
    );
    if decodes_multibyte() {
        let text = body(sjis);
        assert!(
            text.contains("スレッド表示と検索の画面を中心に説明する予定です。"),
            "{text}"
        );
        assert!(text.contains("田中 由紀"));
        let text = body(jis);
        assert!(
            text.contains("10月の定例会議の議事録をお送りします。"),
            "{text}"
        );
        assert!(text.contains("3. 次回の会議は11月5日です。"));
        assert_eq!(subject(jis), "議事録: 10月の定例会議");
    } else {
        eprintln!("mail-parser without full_encoding: Shift_JIS/ISO-2022-JP text not checked");
    }
}

#[test]
fn encoded_word_subjects_and_names_decode() {
    let all = parsed();
    let raw_has = |needle: &[u8]| all.iter().filter(|p| contains(&p.msg.raw, needle)).count();
    // The builder writes UTF-8 encoded words in B (base64), after any plain words.
    let utf8_subjects = all
        .iter()
        .filter(|p| {
            p.msg.raw.split(|&b| b == b'\n').any(|l| {
                l.starts_with(b"Subject: ") && contains(&l.to_ascii_lowercase(), b"=?utf-8?b?")
            })
        })
        .count();
    assert!(utf8_subjects >= 3, "{utf8_subjects}");
    assert!(raw_has(b"Subject: =?ISO-8859-1?Q?") >= 2);
    for wanted in [
        "🎉 We shipped 0.3!",
        "Photos from the hike 🏔️📷",
        "Coffee ☕ tomorrow?",
        "来週のデモについて",
        "[rust-users] 关于 async trait 的问题",
        "Trip ideas for December ✈️",
        "Перевод готов",
    ] {
        by_subject(&all, wanted);
    }
    for p in &all {
        assert!(!subject(p).contains("=?"), "undecoded: {}", subject(p));
    }
    let lena = all
        .iter()
        .find(|p| from(p) == "lena.hoffmann@mailbox.test")
        .expect("Lena");
    assert_eq!(
        lena.mail
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.name()),
        Some("Lena Hoffmann 🌻")
    );
}

#[test]
fn attachments_decode() {
    let all = parsed();
    let mut names: HashMap<String, usize> = HashMap::new();
    for p in &all {
        for a in p.mail.attachments() {
            if let Some(name) = a.attachment_name() {
                names.insert(name.to_string(), a.contents().len());
            }
        }
    }
    for name in [
        "q3-report.pdf",
        "sidebar-mockup.png",
        "call-notes.txt",
        "Lisbon offsite – expenses.csv",
        "議事録_1015.txt",
        "boarding-pass-SK1142.pdf",
    ] {
        assert!(names.contains_key(name), "{name} in {names:?}");
    }
    let pdf_size = names["q3-report.pdf"];
    assert!((36 * 1024..=44 * 1024).contains(&pdf_size), "{pdf_size}");
    assert!(names.values().any(|&n| n < 1024), "a small attachment");

    let png_part = all
        .iter()
        .flat_map(|p| p.mail.attachments())
        .find(|a| a.attachment_name() == Some("sidebar-mockup.png"))
        .expect("png");
    let png = png_part.contents();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // Every chunk's CRC checks out.
    let mut at = 8;
    while at < png.len() {
        let len = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]) as usize;
        let chunk = &png[at + 4..at + 8 + len];
        let crc = &png[at + 8 + len..at + 12 + len];
        assert_eq!(crc32(chunk).to_be_bytes(), crc);
        at += 12 + len;
    }
    assert_eq!(at, png.len());
    let pdf_part = all
        .iter()
        .flat_map(|p| p.mail.attachments())
        .find(|a| a.attachment_name() == Some("q3-report.pdf"))
        .expect("pdf");
    assert!(pdf_part.contents().starts_with(b"%PDF-1.4"));
    assert!(pdf_part.contents().ends_with(b"%%EOF\n"));
}

#[test]
fn mime_structures_are_varied() {
    let all = parsed();
    let is = |p: &Parsed, t: &str, s: &str| p.mail.is_content_type(t, s);
    let html_only = all.iter().filter(|p| is(p, "text", "html")).count();
    let alternative = all
        .iter()
        .filter(|p| contains(&p.msg.raw, b"Content-Type: multipart/alternative"))
        .count();
    let mixed = all.iter().filter(|p| is(p, "multipart", "mixed")).count();
    let flowed = all
        .iter()
        .filter(|p| contains(&p.msg.raw, b"format=flowed"))
        .count();
    assert!(html_only >= 4, "{html_only}");
    assert!(alternative >= 5, "{alternative}");
    assert!(mixed >= 8, "{mixed}");
    assert!(flowed >= 8, "{flowed}");
    let html = by_subject(&all, "Terminal Times #42: Why your prompt is slow");
    let page = html.mail.body_html(0).expect("html").into_owned();
    for tag in ["<style>", "<table", "<a href=", "<ul>", "<li>"] {
        assert!(page.contains(tag), "{tag}");
    }
    let longest = all
        .iter()
        .flat_map(|p| p.msg.raw.split(|&b| b == b'\n').map(<[u8]>::len))
        .max()
        .unwrap_or(0);
    assert!(longest >= 500, "{longest}");
    let dashboard = by_subject(&all, "Dashboard link for the beta numbers");
    assert!(body(dashboard)
        .lines()
        .any(|l| l.starts_with("https://") && l.len() > 300));
    let signatures = all
        .iter()
        .filter(|p| contains(&p.msg.raw, b"\r\n-- \r\n"))
        .count();
    let nested_quotes = all
        .iter()
        .filter(|p| contains(&p.msg.raw, b"\r\n> > "))
        .count();
    assert!(
        signatures >= 5 && nested_quotes >= 3,
        "{signatures} {nested_quotes}"
    );
}

/// (quote depth, text) of each logical line, undoing RFC 3676 soft breaks.
fn unflow(flowed: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut soft = false;
    for line in flowed.lines() {
        let depth = line.chars().take_while(|&c| c == '>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        match out.last_mut() {
            Some((d, text)) if soft && *d == depth => text.push_str(content),
            _ => out.push((depth, content.to_string())),
        }
        soft = line.ends_with(' ') && line != "-- ";
    }
    out
}

#[test]
fn flowed_text_follows_rfc_3676() {
    for text in [
        DINNER_1,
        DINNER_3,
        DINNER_5,
        SELF_REF_1,
        SELF_REF_4,
        THREADING_1,
    ] {
        let flowed = flow(&signed(text, "sig"));
        assert!(flowed.lines().all(|l| l.len() <= 78), "{flowed}");
        assert!(
            flowed.lines().any(|l| l.ends_with(' ') && l != "-- "),
            "{flowed}"
        );
        let expected: Vec<(usize, String)> = signed(text, "sig")
            .lines()
            .map(|l| {
                let depth = l.chars().take_while(|&c| c == '>').count();
                let content = &l[depth..];
                let content = if depth > 0 {
                    content.strip_prefix(' ').unwrap_or(content)
                } else {
                    content
                };
                (depth, content.to_string())
            })
            .collect();
        assert_eq!(unflow(&flowed), expected);
    }
}

#[test]
fn crc32_checks_out() {
    assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
}
