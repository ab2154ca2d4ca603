//! Property tests of the parser → render → sanitize path (issue 10): random bytes and mutated
//! messages of the demo corpus never panic and never put an escape, a C0/C1 control or a bidi
//! control on screen; valid RFC 2047 input, split anywhere (even inside a character, as
//! RFC 2047 §6.2 allows), decodes to exactly the text that was encoded, without U+FFFD.
//! A few hundred cases each keep the run to seconds.

use std::sync::OnceLock;

use proptest::prelude::*;
use tmail::backend::demo::corpus;
use tmail::mail::parse::envelope_from_raw;
use tmail::mail::render::{render, search_text};
use tmail::mail::sanitize::width;
use tmail::mail::Flags;

fn corpus() -> &'static [Vec<u8>] {
    static RAW: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    RAW.get_or_init(|| corpus::messages().into_iter().map(|m| m.raw).collect())
}

/// What must never reach the terminal from a message.
fn unsafe_char(c: char) -> bool {
    c.is_control() // C0, DEL and C1 (U+0080..U+009F), ESC included
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn check_safe(raw: &[u8], w: usize) -> Result<(), TestCaseError> {
    let r = render(raw, w);
    prop_assert!(!r.lines.is_empty());
    for l in &r.lines {
        prop_assert!(
            !l.text.chars().any(unsafe_char),
            "unsafe char in {:?}",
            l.text
        );
        prop_assert!(width(&l.text) <= w.max(10), "{:?} wider than {w}", l.text);
    }
    for a in &r.attachments {
        prop_assert!(!a.name.chars().any(unsafe_char), "{:?}", a.name);
    }
    let s = search_text(raw);
    prop_assert!(!s.chars().any(|c| c != '\n' && unsafe_char(c)), "{s:?}");
    // The list shows sanitized envelope fields; parsing itself must not panic.
    let _ = envelope_from_raw(raw, 1, Flags::default(), 0);
    Ok(())
}

/// Bytes that break parsers and terminals: controls, escapes, UTF-8 C1 and bidi, MIME syntax.
fn nasty_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::sample::select(vec![
        b"\x1b".to_vec(),
        b"\x1b[2J".to_vec(),
        b"\x1b]0;title\x07".to_vec(),
        "\u{9b}1;1H".as_bytes().to_vec(),
        "\u{202e}".as_bytes().to_vec(),
        b"\x00".to_vec(),
        b"\x07\x08\x7f".to_vec(),
        b"\xc3".to_vec(),
        b"\xff\xfe".to_vec(),
        b"\r\n".to_vec(),
        b"\n\n".to_vec(),
        b"--".to_vec(),
        b"=?utf-8?q?=1B=5B31m=C2=9B?=".to_vec(),
        b"=?utf-8?b?G10wO3B3bmVkBw==?=".to_vec(),
        b"=?".to_vec(),
        b"?=".to_vec(),
        b"\"".to_vec(),
        b"<".to_vec(),
        b";".to_vec(),
        b"Content-Type: multipart/mixed; boundary=x\n".to_vec(),
        b"Content-Transfer-Encoding: base64\n".to_vec(),
        b"Content-Transfer-Encoding: quoted-printable\n=\n".to_vec(),
    ])
}

/// One edit of a message: overwrite, insert, delete or truncate at a position (a fraction).
#[derive(Debug, Clone)]
enum Edit {
    Insert(f64, Vec<u8>),
    Overwrite(f64, u8),
    Delete(f64, usize),
    Truncate(f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0.0..1.0f64, nasty_bytes()).prop_map(|(p, b)| Edit::Insert(p, b)),
        (0.0..1.0f64, any::<u8>()).prop_map(|(p, b)| Edit::Overwrite(p, b)),
        (0.0..1.0f64, 1usize..64).prop_map(|(p, n)| Edit::Delete(p, n)),
        (0.0..1.0f64).prop_map(Edit::Truncate),
    ]
}

fn apply(raw: &mut Vec<u8>, e: &Edit) {
    let at = |p: f64, len: usize| ((p * len as f64) as usize).min(len);
    match e {
        Edit::Insert(p, b) => {
            let i = at(*p, raw.len());
            raw.splice(i..i, b.iter().copied());
        }
        Edit::Overwrite(p, b) => {
            if !raw.is_empty() {
                let i = at(*p, raw.len() - 1);
                raw[i] = *b;
            }
        }
        Edit::Delete(p, n) => {
            let i = at(*p, raw.len());
            let end = (i + n).min(raw.len());
            raw.drain(i..end);
        }
        Edit::Truncate(p) => raw.truncate(at(*p, raw.len())),
    }
}

/// Text people write: letters of many scripts, punctuation, emoji, single spaces.
fn human_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9àéîõüßçñøÆŒ€’—«»中文日本語한국어Ελληνικάкириллица😀🎉,.:;!?()<>@\"'_=-]{1,12}( [a-zA-Z0-9àéîõüßçñ€’中文😀,.<>@\"=_?-]{1,12}){0,5}"
}

/// Encodes `text` as UTF-8 encoded words split at the given byte fractions (inside characters
/// too), each word in B or Q, separated by a space or a fold.
fn encode_words(text: &str, cuts: &[f64], b_or_q: &[bool], folds: &[bool]) -> String {
    let bytes = text.as_bytes();
    let mut points: Vec<usize> = cuts
        .iter()
        .map(|c| ((c * bytes.len() as f64) as usize).clamp(1, bytes.len()))
        .collect();
    points.push(bytes.len());
    points.sort_unstable();
    points.dedup();
    let mut out = String::new();
    let mut start = 0;
    for (i, end) in points.into_iter().enumerate() {
        if end <= start {
            continue;
        }
        let chunk = &bytes[start..end];
        start = end;
        if !out.is_empty() {
            out.push_str(if folds.get(i).copied().unwrap_or(false) {
                "\r\n "
            } else {
                " "
            });
        }
        if b_or_q.get(i).copied().unwrap_or(true) {
            out.push_str("=?UTF-8?B?");
            out.push_str(&b64(chunk));
        } else {
            out.push_str("=?utf-8?Q?");
            for &b in chunk {
                match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => out.push(b as char),
                    b' ' => out.push('_'),
                    _ => out.push_str(&format!("={b:02X}")),
                }
            }
        }
        out.push_str("?=");
    }
    out
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_render_safely(raw in prop::collection::vec(any::<u8>(), 0..2048), w in 0usize..120) {
        check_safe(&raw, w)?;
    }

    #[test]
    fn mutated_corpus_messages_render_safely(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..8),
        w in 0usize..120,
    ) {
        let mut raw = pick.get(corpus()).clone();
        for e in &edits {
            apply(&mut raw, e);
        }
        check_safe(&raw, w)?;
    }

    #[test]
    fn valid_rfc2047_decodes_exactly(
        subject in human_text(),
        name in human_text(),
        cuts in prop::collection::vec(0.0..1.0f64, 0..6),
        b_or_q in prop::collection::vec(any::<bool>(), 7),
        folds in prop::collection::vec(any::<bool>(), 7),
    ) {
        let raw = format!(
            "From: {} <sender@example.test>\r\nSubject: {}\r\nContent-Type: multipart/mixed; boundary=Z\r\n\r\n\
             --Z\r\nContent-Type: text/plain\r\n\r\nbody\r\n\
             --Z\r\nContent-Type: application/octet-stream; name=\"{}\"\r\n\r\nxx\r\n--Z--\r\n",
            encode_words(&name, &cuts, &b_or_q, &folds),
            encode_words(&subject, &cuts, &b_or_q, &folds),
            encode_words(&name, &cuts, &b_or_q, &folds),
        );
        let e = envelope_from_raw(raw.as_bytes(), 1, Flags::default(), 0);
        prop_assert_eq!(&e.subject, &subject);
        prop_assert_eq!(e.from[0].name.as_deref(), Some(name.trim()));
        prop_assert_eq!(e.from[0].email.as_str(), "sender@example.test");
        prop_assert!(!e.subject.contains('\u{fffd}'), "{:?}", e.subject);
        let r = render(raw.as_bytes(), 200);
        let shown = r.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n");
        prop_assert!(!shown.contains('\u{fffd}'), "{}", shown);
        prop_assert!(shown.contains(&format!("Subject: {subject}")), "{}", shown);
        prop_assert_eq!(r.attachments[0].name.as_str(), name.trim());
    }
}
