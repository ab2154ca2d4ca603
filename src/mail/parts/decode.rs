//! Content-Transfer-Encoding decoders (RFC 2045 §6): base64 and quoted-printable turned back
//! into the exact bytes that were encoded, leniently, as RFC 2045 asks of decoders; 7bit, 8bit,
//! binary and unknown encodings are the bytes themselves.

/// A part's Content-Transfer-Encoding (RFC 2045 §6.1). An absent header is `SevenBit`, the
/// default; an unknown value is kept, and its bytes are used as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferEncoding {
    SevenBit,
    EightBit,
    Binary,
    QuotedPrintable,
    Base64,
    /// A value RFC 2045 does not define (an `x-` token or a typo), lowercased.
    Other(String),
}

impl TransferEncoding {
    /// The encoding named by a header value (case-insensitive, surrounding space ignored).
    pub fn from_header(value: Option<&str>) -> TransferEncoding {
        let Some(v) = value.map(str::trim) else {
            return TransferEncoding::SevenBit;
        };
        match v.to_ascii_lowercase().as_str() {
            "" | "7bit" => TransferEncoding::SevenBit,
            "8bit" => TransferEncoding::EightBit,
            "binary" => TransferEncoding::Binary,
            "quoted-printable" => TransferEncoding::QuotedPrintable,
            "base64" => TransferEncoding::Base64,
            other => TransferEncoding::Other(other.to_owned()),
        }
    }

    /// The RFC 2045 token: `7bit`, `8bit`, `binary`, `quoted-printable`, `base64` or the
    /// unknown value.
    pub fn as_str(&self) -> &str {
        match self {
            TransferEncoding::SevenBit => "7bit",
            TransferEncoding::EightBit => "8bit",
            TransferEncoding::Binary => "binary",
            TransferEncoding::QuotedPrintable => "quoted-printable",
            TransferEncoding::Base64 => "base64",
            TransferEncoding::Other(s) => s,
        }
    }

    /// `body` (the encoded bytes of a part, between its header and the CRLF before the next
    /// boundary) decoded.
    pub fn decode(&self, body: &[u8]) -> Vec<u8> {
        match self {
            TransferEncoding::Base64 => base64(body),
            TransferEncoding::QuotedPrintable => quoted_printable(body),
            _ => body.to_vec(),
        }
    }
}

fn sextet(b: u8) -> Option<u32> {
    Some(u32::from(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// Base64 (RFC 2045 §6.8): characters outside the alphabet (line breaks, spaces, stray
/// bytes) are ignored; `=` ends the data. A last group of 2 or 3 characters without padding
/// still yields its 1 or 2 bytes (a truncated message keeps what arrived); a single dangling
/// character carries no whole byte and is dropped.
pub fn base64(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 3);
    let (mut acc, mut n) = (0u32, 0u8);
    for &b in input {
        if b == b'=' {
            break;
        }
        let Some(v) = sextet(b) else { continue };
        acc = (acc << 6) | v;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// Quoted-printable (RFC 2045 §6.7): `=XX` is the byte XX (lower-case hex accepted), `=` at
/// the end of a line (after optional trailing space) is a soft line break and disappears,
/// spaces and tabs at the end of a line are transport padding and are dropped (rule 3), hard
/// line breaks are kept as they are in the message (CRLF or LF). A malformed `=` is kept
/// literally, as §6.7 recommends.
pub fn quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    for line in input.split_inclusive(|&b| b == b'\n') {
        let (content, eol): (&[u8], &[u8]) = if let Some(c) = line.strip_suffix(b"\r\n") {
            (c, b"\r\n")
        } else if let Some(c) = line.strip_suffix(b"\n") {
            (c, b"\n")
        } else {
            (line, b"")
        };
        let trimmed_len = content
            .iter()
            .rposition(|&b| b != b' ' && b != b'\t')
            .map_or(0, |i| i + 1);
        let content = &content[..trimmed_len];
        let (content, soft) = match content.strip_suffix(b"=") {
            Some(c) => (c, true),
            None => (content, false),
        };
        let mut i = 0;
        while i < content.len() {
            let b = content[i];
            if b == b'=' {
                let digit = |at: usize| content.get(at).copied().and_then(hex);
                let pair = digit(i + 1).zip(digit(i + 2));
                if let Some((h, l)) = pair {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
            }
            out.push(b);
            i += 1;
        }
        if !soft {
            out.extend_from_slice(eol);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_lenient_and_exact() {
        assert_eq!(base64(b"Zm9vYmFy"), b"foobar");
        assert_eq!(base64(b"Zm9v\r\nYmE=\r\n"), b"fooba");
        assert_eq!(base64(b"Zm9vYg=="), b"foob");
        assert_eq!(base64(b" Zm 9v\tYm\x00Fy "), b"foobar");
        // unpadded tails of a truncated message still give their bytes
        assert_eq!(base64(b"Zm9vYmE"), b"fooba");
        assert_eq!(base64(b"Zm9vYg"), b"foob");
        assert_eq!(base64(b"Zm9vY"), b"foo");
        assert_eq!(base64(b""), b"");
        // data after padding is ignored
        assert_eq!(base64(b"Zg==Zm9v"), b"f");
        let all: Vec<u8> = (0..=255).collect();
        let encoded = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode(&all)
        };
        let wrapped: Vec<u8> = encoded
            .as_bytes()
            .chunks(76)
            .flat_map(|c| c.iter().copied().chain(*b"\r\n"))
            .collect();
        assert_eq!(base64(&wrapped), all);
    }

    #[test]
    fn quoted_printable_rules() {
        assert_eq!(quoted_printable(b"caf=E9"), b"caf\xe9");
        assert_eq!(quoted_printable(b"caf=e9"), b"caf\xe9");
        assert_eq!(quoted_printable(b"soft=\r\nbreak\r\n"), b"softbreak\r\n");
        assert_eq!(quoted_printable(b"soft= \t\nbreak"), b"softbreak");
        assert_eq!(quoted_printable(b"pad   \r\nx"), b"pad\r\nx");
        assert_eq!(quoted_printable(b"keep=20\nx"), b"keep \nx");
        assert_eq!(quoted_printable(b"a=zzb=4"), b"a=zzb=4");
        assert_eq!(quoted_printable(b"=0D=0A=00=FF"), b"\r\n\x00\xff");
        assert_eq!(quoted_printable(b"end="), b"end");
        assert_eq!(quoted_printable(b""), b"");
    }

    #[test]
    fn encodings_from_headers() {
        assert_eq!(
            TransferEncoding::from_header(None),
            TransferEncoding::SevenBit
        );
        assert_eq!(
            TransferEncoding::from_header(Some(" BASE64 ")),
            TransferEncoding::Base64
        );
        assert_eq!(
            TransferEncoding::from_header(Some("Quoted-Printable")),
            TransferEncoding::QuotedPrintable
        );
        assert_eq!(
            TransferEncoding::from_header(Some("x-uuencode")).as_str(),
            "x-uuencode"
        );
        assert_eq!(
            TransferEncoding::Other("x-uuencode".into()).decode(b"abc"),
            b"abc"
        );
    }
}
