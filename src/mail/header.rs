//! The one decoder of header text: every header field tmail shows or keys on (Subject, display
//! names, attachment names, Message-ID/In-Reply-To/References) goes through [`text`] or builds on
//! it. It unfolds (RFC 5322 §2.2.3), reads raw 8-bit bytes as UTF-8 when valid and as
//! windows-1252 otherwise, and decodes RFC 2047 encoded words, joining adjacent words of one
//! charset as bytes before conversion (RFC 2047 §6.2: a sender may split a character across
//! words). An unknown charset never drops text: its bytes are read as raw 8-bit text is.

use std::borrow::Cow;

use mail_parser::decoders::charsets::map::charset_decoder;

/// Raw header bytes as text: UTF-8 when valid, else windows-1252 (every byte maps to a char).
pub fn to_str(raw: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(raw) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(windows_1252(raw)),
    }
}

fn windows_1252(raw: &[u8]) -> String {
    match charset_decoder(b"windows-1252") {
        Some(decode) => decode(raw),
        // Unreachable with mail-parser's table; Latin-1 is the next best reading.
        None => raw.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Bytes in `charset` (an RFC 2047/2231 name, maybe with a `*lang` suffix) as text. UTF-8 that
/// is not valid and unknown charsets fall back to [`to_str`], so no text is ever dropped.
pub fn decode_charset(charset: &str, bytes: &[u8]) -> String {
    let charset = charset.split('*').next().unwrap_or("").trim();
    let utf8 = charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8");
    if utf8 || charset.eq_ignore_ascii_case("us-ascii") {
        return to_str(bytes).into_owned();
    }
    match charset_decoder(charset.as_bytes()) {
        Some(decode) => decode(bytes),
        None => to_str(bytes).into_owned(),
    }
}

/// A header value as display text: unfolded, raw 8-bit read, encoded words decoded, runs of
/// spaces and tabs outside encoded words collapsed to one space, trimmed. Not sanitized: the
/// result may hold controls that an encoded word carried ([`crate::mail::sanitize`] removes
/// them before drawing).
pub fn text(raw: &[u8]) -> String {
    decode_words(&to_str(raw))
}

/// One piece of a header value on the way to text.
enum Piece {
    /// Literal text (no whitespace).
    Text(String),
    /// Whitespace between tokens (already collapsed to one space).
    Space,
    /// The bytes of an encoded word and its charset, lower-cased without language.
    Word { charset: String, bytes: Vec<u8> },
}

/// [`text`] for a value already read as a string (e.g. a display name taken out of quotes).
pub fn decode_words(s: &str) -> String {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let ws = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
        if ws > 0 {
            if !matches!(pieces.last(), Some(Piece::Space) | None) {
                pieces.push(Piece::Space);
            }
            rest = &rest[ws..];
            continue;
        }
        let token_end = rest.find([' ', '\t', '\r', '\n']).unwrap_or(rest.len());
        let token = &rest[..token_end];
        rest = &rest[token_end..];
        split_words(token, &mut pieces);
    }
    assemble(pieces)
}

/// Splits one whitespace-free token into literal text and encoded words (words glued to text,
/// as some senders write them, are decoded too).
fn split_words(mut token: &str, pieces: &mut Vec<Piece>) {
    while !token.is_empty() {
        let Some(start) = token.find("=?") else {
            pieces.push(Piece::Text(token.to_owned()));
            return;
        };
        match encoded_word(&token[start..]) {
            Some((len, piece)) => {
                if start > 0 {
                    pieces.push(Piece::Text(token[..start].to_owned()));
                }
                pieces.push(piece);
                token = &token[start + len..];
            }
            None => {
                pieces.push(Piece::Text(token[..start + 2].to_owned()));
                token = &token[start + 2..];
            }
        }
    }
}

/// Parses `=?charset?B|Q?text?=` at the start of `s`: its length and bytes, or `None` when it
/// is not a well-formed encoded word (then it is left as text).
fn encoded_word(s: &str) -> Option<(usize, Piece)> {
    let body = s.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let charset = &body[..q1];
    let after = &body[q1 + 1..];
    let mut enc = after.chars();
    let kind = enc.next()?.to_ascii_uppercase();
    if after.as_bytes().get(1) != Some(&b'?') || !(kind == 'B' || kind == 'Q') {
        return None;
    }
    let data_start = q1 + 1 + 2;
    let data_len = body[data_start..].find("?=")?;
    let data = &body[data_start..data_start + data_len];
    if charset.is_empty() || charset.contains(['"', '(', ')', ',', ';', '<', '>', '@']) {
        return None;
    }
    let bytes = match kind {
        'B' => base64(data)?,
        _ => q_decode(data),
    };
    let charset = charset.split('*').next().unwrap_or("").to_ascii_lowercase();
    Some((
        2 + data_start + data_len + 2,
        Piece::Word { charset, bytes },
    ))
}

/// RFC 2047 "Q": `_` is a space, `=XX` a byte; a stray `=` stays as it is.
fn q_decode(data: &str) -> Vec<u8> {
    let b = data.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' => out.push(b' '),
            b'=' => match (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'='),
            },
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Lenient base64 (RFC 4648 alphabet): padding optional, other characters skipped. `None` when
/// the length cannot be base64 (one stray symbol).
pub(crate) fn base64(data: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut acc = 0u32;
    let mut n = 0;
    for c in data.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    match n {
        0 => {}
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => return None,
    }
    Some(out)
}

/// Joins the pieces: whitespace between two encoded words goes (RFC 2047 §6.2), adjacent words
/// of one charset are decoded as one byte string.
fn assemble(pieces: Vec<Piece>) -> String {
    let mut out = String::new();
    let mut pending: Option<(String, Vec<u8>)> = None;
    let mut space = false;
    let flush = |out: &mut String, pending: &mut Option<(String, Vec<u8>)>| {
        if let Some((charset, bytes)) = pending.take() {
            out.push_str(&decode_charset(&charset, &bytes));
        }
    };
    for p in pieces {
        match p {
            Piece::Space => space = true,
            Piece::Word { charset, bytes } => {
                match &mut pending {
                    Some((c, b)) if *c == charset => b.extend_from_slice(&bytes),
                    Some(_) => {
                        flush(&mut out, &mut pending);
                        pending = Some((charset, bytes));
                    }
                    None => {
                        if space && !out.is_empty() {
                            out.push(' ');
                        }
                        pending = Some((charset, bytes));
                    }
                }
                space = false;
            }
            Piece::Text(t) => {
                flush(&mut out, &mut pending);
                if space && !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&t);
                space = false;
            }
        }
    }
    flush(&mut out, &mut pending);
    out
}

/// Message ids of a Message-ID, In-Reply-To or References value, in order, without angle
/// brackets (RFC 5322 §3.6.4). Encoded words are decoded first (some gateways encode these
/// fields); without any `<id>`, whitespace-separated words outside comments are the ids.
pub fn message_ids(raw: &[u8]) -> Vec<String> {
    let s = text(raw);
    let mut out = Vec::new();
    let mut rest = s.as_str();
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let id: String = rest[open + 1..open + close]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !id.is_empty() {
            out.push(id);
        }
        rest = &rest[open + close + 1..];
    }
    if out.is_empty() {
        let mut depth = 0usize;
        let mut plain = String::new();
        for c in s.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                c if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        out.extend(
            plain
                .split_whitespace()
                .map(|w| w.trim_matches(['<', '>']))
                .filter(|w| !w.is_empty())
                .map(str::to_owned),
        );
    }
    out
}

/// A parameter of a Content-Type or Content-Disposition value (`raw` is the whole value), as
/// text: RFC 2231 forms (`name*=utf-8''a%20b`, continuations `name*0*=`, `name*1=`; their bytes
/// joined before the charset is applied) win over the plain `name=`, whose encoded words are
/// decoded (a common departure from RFC 2047 §5 that every client accepts).
pub fn param(raw: &[u8], name: &str) -> Option<String> {
    let s = to_str(raw);
    let mut plain: Option<String> = None;
    // (index, extended, value) of `name*N[*]` and `name*` segments.
    let mut segments: Vec<(u32, bool, String)> = Vec::new();
    for (key, value) in params(&s) {
        let key = key.to_ascii_lowercase();
        let Some(tail) = key.strip_prefix(&name.to_ascii_lowercase()) else {
            continue;
        };
        if tail.is_empty() {
            plain.get_or_insert(value);
        } else if tail == "*" {
            segments.push((0, true, value));
        } else if let Some(n) = tail.strip_prefix('*') {
            let (num, ext) = match n.strip_suffix('*') {
                Some(num) => (num, true),
                None => (n, false),
            };
            if let Ok(i) = num.parse::<u32>() {
                segments.push((i, ext, value));
            }
        }
    }
    if segments.is_empty() {
        return plain.map(|v| decode_words(&v));
    }
    segments.sort_by_key(|s| s.0);
    let mut charset = String::new();
    let mut bytes = Vec::new();
    for (i, (_, ext, value)) in segments.iter().enumerate() {
        let mut v = value.as_str();
        if *ext && i == 0 {
            let mut it = v.splitn(3, '\'');
            if let (Some(cs), Some(_lang), Some(rest)) = (it.next(), it.next(), it.next()) {
                charset = cs.to_owned();
                v = rest;
            }
        }
        if *ext {
            bytes.extend(percent_decode(v));
        } else {
            bytes.extend_from_slice(v.as_bytes());
        }
    }
    Some(match charset.is_empty() {
        true => to_str(&bytes).into_owned(),
        false => decode_charset(&charset, &bytes),
    })
}

fn percent_decode(v: &str) -> Vec<u8> {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(h * 16 + l);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `key=value` pairs after the first `;` of a MIME header value (quoted values unescaped).
fn params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = match chars.iter().position(|&c| c == ';') {
        Some(p) => p + 1,
        None => return out,
    };
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ';') {
            i += 1;
        }
        let key_start = i;
        while i < chars.len() && !matches!(chars[i], '=' | ';') {
            i += 1;
        }
        let key: String = chars[key_start..i]
            .iter()
            .collect::<String>()
            .trim()
            .to_owned();
        if i >= chars.len() || chars[i] == ';' {
            continue;
        }
        i += 1; // '='
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    i += 1;
                }
                if !matches!(chars[i], '\r' | '\n') {
                    value.push(chars[i]);
                }
                i += 1;
            }
            i += 1;
            while i < chars.len() && chars[i] != ';' {
                i += 1;
            }
        } else {
            while i < chars.len() && chars[i] != ';' {
                value.push(chars[i]);
                i += 1;
            }
            value = value.trim().to_owned();
        }
        if !key.is_empty() {
            out.push((key, value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_words_are_joined_as_bytes() {
        // The example of issue 10: one UTF-8 character cut across two words, in Q and in B.
        let subject = b" =?UTF-8?Q?Inscriptions_ouvertes_pour_l=E2=80=99atelier_d=E2=80=99=C3?=\n =?UTF-8?Q?=A9t=C3=A9?=\n";
        assert_eq!(
            text(subject),
            "Inscriptions ouvertes pour l\u{2019}atelier d\u{2019}\u{e9}t\u{e9}"
        );
        assert_eq!(
            text(b"=?UTF-8?B?Wm/D?=\r\n =?UTF-8?B?qyBXw6RsZGNoZW4tw5hzdGVy?="),
            "Zo\u{eb} W\u{e4}ldchen-\u{d8}ster"
        );
        // Mixed B and Q of one charset, different case of the charset name.
        assert_eq!(
            text(b"=?utf-8?B?w6k=?= =?UTF-8?q?t=C3?= =?UTF-8?Q?=A9?="),
            "été"
        );
    }

    #[test]
    fn whitespace_between_words_and_text() {
        assert_eq!(
            text(b"=?UTF-8?B?w6l0w6kg8J+YgA==?= and =?iso-8859-1?q?caf=E9?="),
            "été 😀 and café"
        );
        assert_eq!(text(b"a =?us-ascii?q?b?= c"), "a b c");
        assert_eq!(text(b"  Hello\r\n\t  world  "), "Hello world");
        // Different charsets side by side: each decoded on its own, no space between.
        assert_eq!(
            text(b"=?iso-8859-1?q?=E9?= =?koi8-r?b?8NLJ18XU?="),
            "éПривет"
        );
        // A word glued to text is still decoded; a broken word stays as it is.
        assert_eq!(text(b"Re:=?utf-8?q?caf=C3=A9?="), "Re:café");
        assert_eq!(
            text(b"=?utf-8?x?abc?= =?broken"),
            "=?utf-8?x?abc?= =?broken"
        );
        assert_eq!(text(b"=?utf-8?q?a_b?=_c"), "a b_c");
    }

    #[test]
    fn unknown_charsets_and_raw_bytes_keep_the_text() {
        assert_eq!(text(b"=?x-unknown?q?caf=C3=A9?="), "café");
        assert_eq!(text(b"=?x-unknown?q?caf=E9?="), "café");
        assert_eq!(text(b"=?utf-8*fr?q?caf=C3=A9?="), "café");
        assert_eq!(text("Grüße".as_bytes()), "Grüße");
        assert_eq!(text(b"Gr\xfc\xdfe \x93x\x94"), "Grüße \u{201c}x\u{201d}");
        // A "UTF-8" word that is not UTF-8 is read as windows-1252, not replaced.
        assert_eq!(text(b"=?utf-8?q?caf=E9?="), "café");
        assert!(!text(b"=?utf-8?b?////?=").contains('\u{fffd}'));
    }

    #[test]
    fn q_and_b_edge_cases() {
        assert_eq!(q_decode("a=3Db=2"), b"a=b=2");
        assert_eq!(q_decode("=4"), b"=4");
        assert_eq!(base64("w6k"), Some("é".as_bytes().to_vec()));
        assert_eq!(base64("w6k="), Some("é".as_bytes().to_vec()));
        assert_eq!(base64("w"), None);
        assert_eq!(text(b"=?utf-8?b?w?="), "=?utf-8?b?w?=");
    }

    #[test]
    fn ids_in_every_form() {
        assert_eq!(message_ids(b" <a@x>\r\n"), vec!["a@x"]);
        assert_eq!(message_ids(b"<a@x> <b@x>"), vec!["a@x", "b@x"]);
        assert_eq!(message_ids(b"<r1@x>\n\t<r2@x>"), vec!["r1@x", "r2@x"]);
        assert_eq!(
            message_ids(b"plain-id@example.test"),
            vec!["plain-id@example.test"]
        );
        assert_eq!(message_ids(b"<a@x> (Alice's message of Tue)"), vec!["a@x"]);
        assert_eq!(message_ids(b"=?utf-8?q?=3Cenc@x=3E?="), vec!["enc@x"]);
        assert_eq!(message_ids(b"<long\r\n @x>"), vec!["long@x"]);
        assert!(message_ids(b"<> ").is_empty());
        assert!(message_ids(b"").is_empty());
    }

    #[test]
    fn parameters_rfc2231_and_2047() {
        assert_eq!(
            param(b"attachment; filename=\"report.pdf\"", "filename").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(
            param(b"application/pdf; name=plain.pdf; x=1", "name").as_deref(),
            Some("plain.pdf")
        );
        assert_eq!(
            param(
                b"attachment; filename*=UTF-8''%E8%AD%B0%E4%BA%8B.txt",
                "filename"
            )
            .as_deref(),
            Some("議事.txt")
        );
        // Continuations whose split falls inside a character.
        assert_eq!(
            param(
                b"attachment;\r\n filename*0*=utf-8''caf%C3;\r\n filename*1*=%A9%20;\r\n filename*2=\"au lait.txt\"",
                "filename"
            )
            .as_deref(),
            Some("café au lait.txt")
        );
        assert_eq!(
            param(
                b"a; name=\"=?UTF-8?Q?r=C3=A9?= =?UTF-8?Q?=C3=A9sum=C3=A9?=.pdf\"",
                "name"
            )
            .as_deref(),
            Some("réésumé.pdf")
        );
        assert_eq!(
            param(b"a; name=\"q\\\"uote\\\\d\"", "name").as_deref(),
            Some("q\"uote\\d")
        );
        assert_eq!(param(b"a; filename=x", "name"), None);
        assert_eq!(param(b"text/plain", "name"), None);
        assert_eq!(
            param(b"a; name=\"never closed", "name").as_deref(),
            Some("never closed")
        );
    }
}
