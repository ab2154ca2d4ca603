//! Attachments of outgoing mail as MIME parts: a file is read once, chunk by chunk, straight
//! into base64 (RFC 2045 §6.8), so its raw bytes are never held whole next to their encoding;
//! the file name goes out RFC 2231-encoded; the MIME type is the declared one, else guessed from
//! the content's magic bytes and the name. A `message/rfc822` part (a forwarded message) is
//! sent as 7bit or 8bit, as RFC 2046 §5.2.1 requires, and only falls back to base64 when its
//! lines could not travel otherwise.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use lettre::message::header::{ContentDisposition, ContentTransferEncoding, ContentType};
use lettre::message::{Body, SinglePart};

use super::{single_line, AttachmentSource, ComposeError, DraftAttachment};

/// Bytes read per step: a multiple of 57, so each full chunk encodes to whole 76-column lines.
const CHUNK: usize = 57 * 1024;
/// How much of the start of the content type guessing looks at.
const HEAD: usize = 8 * 1024;
/// RFC 5322 §2.1.1: lines of at most 998 characters plus CRLF.
const MAX_LINE: usize = 998;

/// The MIME part of one attachment. Errors name the file (or the attachment's name).
pub(super) fn part(a: &DraftAttachment) -> Result<SinglePart, ComposeError> {
    let shown = match &a.source {
        AttachmentSource::File(p) => p.display().to_string(),
        AttachmentSource::Data(_) => a.name.clone().unwrap_or_else(|| "(attachment)".into()),
    };
    let err = |message: String| ComposeError::Attachment {
        path: shown.clone(),
        message,
    };
    let name = file_name(a);
    let declared = a.mime.as_deref().map(str::trim).filter(|m| !m.is_empty());
    let is_rfc822 = declared.is_some_and(|m| m.eq_ignore_ascii_case("message/rfc822"))
        || (declared.is_none() && name.to_ascii_lowercase().ends_with(".eml"));
    let (body, head) = if is_rfc822 {
        let body = match &a.source {
            AttachmentSource::File(p) => {
                rfc822_body(&std::fs::read(p).map_err(|e| err(io_message(&e)))?)
            }
            AttachmentSource::Data(d) => rfc822_body(d),
        };
        (body, Vec::new())
    } else {
        let (encoded, head) = match &a.source {
            AttachmentSource::File(p) => base64_file(p).map_err(err)?,
            AttachmentSource::Data(d) => (base64(d), d[..d.len().min(HEAD)].to_vec()),
        };
        let body =
            Body::dangerous_pre_encoded(encoded.into_bytes(), ContentTransferEncoding::Base64);
        (body, head)
    };
    let mime = match declared {
        Some(m) => m.to_string(),
        None if is_rfc822 => "message/rfc822".to_string(),
        None => guess_mime(&head, &name),
    };
    let content_type =
        ContentType::parse(&mime).map_err(|_| err(format!("{mime:?} is not a MIME type")))?;
    Ok(SinglePart::builder()
        .header(content_type)
        .header(ContentDisposition::attachment(&name))
        .body(body))
}

/// The name the recipient sees: the given one, else the file's name; on one line.
fn file_name(a: &DraftAttachment) -> String {
    let name = match (&a.name, &a.source) {
        (Some(n), _) => n.clone(),
        (None, AttachmentSource::File(p)) => p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        (None, AttachmentSource::Data(_)) => String::new(),
    };
    let name = single_line(&name);
    if name.is_empty() {
        "attachment".to_string()
    } else {
        name
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => "no such file".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Base64 of `data` in 76-column CRLF lines.
fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(email_encoding::body::base64::encoded_len(data.len()));
    // Writing to a String cannot fail.
    let _ = email_encoding::body::base64::encode(data, &mut out);
    out
}

/// Reads the file once, CHUNK bytes at a time, appending base64 lines as it goes. Returns the
/// encoding and the first HEAD bytes (for type guessing).
fn base64_file(path: &Path) -> Result<(String, Vec<u8>), String> {
    let mut file = File::open(path).map_err(|e| io_message(&e))?;
    let meta = file.metadata().map_err(|e| io_message(&e))?;
    if meta.is_dir() {
        return Err("is a directory, not a file".to_string());
    }
    let expected = usize::try_from(meta.len()).unwrap_or(0);
    let mut out = String::with_capacity(email_encoding::body::base64::encoded_len(expected));
    let mut head = Vec::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let mut filled = 0;
        while filled < CHUNK {
            match file.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("read failed: {}", io_message(&e))),
            }
        }
        if filled == 0 {
            break;
        }
        if head.is_empty() {
            head.extend_from_slice(&buf[..filled.min(HEAD)]);
        }
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        let _ = email_encoding::body::base64::encode(&buf[..filled], &mut out);
        if filled < CHUNK {
            break;
        }
    }
    Ok((out, head))
}

/// A forwarded message as a part body: CRLF line ends; 7bit when it is ASCII, 8bit when it is
/// not, base64 only when a line is too long or it holds NUL bytes (RFC 2046 §5.2.1 allows no
/// other encoding, but a message that cannot travel as 8bit must still arrive intact).
fn rfc822_body(raw: &[u8]) -> Body {
    let mut crlf = Vec::with_capacity(raw.len() + raw.len() / 40 + 2);
    let mut prev = 0u8;
    let (mut line, mut longest) = (0usize, 0usize);
    for &b in raw {
        if b == b'\n' && prev != b'\r' {
            crlf.push(b'\r');
        }
        match b {
            b'\n' => {
                longest = longest.max(line);
                line = 0;
            }
            b'\r' => {}
            _ => line += 1,
        }
        crlf.push(b);
        prev = b;
    }
    longest = longest.max(line);
    if crlf.last() != Some(&b'\n') {
        crlf.extend_from_slice(b"\r\n");
    }
    let encoding = if longest > MAX_LINE || crlf.contains(&0) {
        return Body::dangerous_pre_encoded(
            base64(&crlf).into_bytes(),
            ContentTransferEncoding::Base64,
        );
    } else if crlf.is_ascii() {
        ContentTransferEncoding::SevenBit
    } else {
        ContentTransferEncoding::EightBit
    };
    Body::dangerous_pre_encoded(crlf, encoding)
}

/// Types that only say "some container": the file name knows better (a .docx is a zip).
const GENERIC: &[&str] = &[
    "application/zip",
    "application/x-ole-storage",
    "application/octet-stream",
    "text/xml",
    "application/xml",
    "text/plain",
];

/// The MIME type of an attachment from the start of its content and its name: the content's
/// magic bytes (infer) win, unless they only say "zip"/"OLE"/"XML" and the name is more
/// precise (mime_guess); with neither, UTF-8 text is `text/plain; charset=utf-8` and anything
/// else `application/octet-stream`. Text types get `charset=utf-8` when the content is UTF-8.
pub fn guess_mime(head: &[u8], name: &str) -> String {
    let by_content = infer::get(head).map(|t| t.mime_type().to_string());
    let by_name = mime_guess::from_path(name)
        .first()
        .map(|m| m.essence_str().to_string());
    let mime = match (by_content, by_name) {
        (Some(c), Some(n)) if GENERIC.contains(&c.as_str()) => n,
        (Some(c), _) => c,
        (None, Some(n)) => n,
        (None, None) if is_text(head) => "text/plain".to_string(),
        (None, None) => "application/octet-stream".to_string(),
    };
    if mime.starts_with("text/") && is_text(head) && !head.is_ascii() {
        format!("{mime}; charset=utf-8")
    } else {
        mime
    }
}

/// UTF-8 without NUL bytes (a multi-byte character cut at the end of `head` is fine).
fn is_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_from_content_then_name() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(guess_mime(png, "photo.txt"), "image/png");
        assert_eq!(guess_mime(b"%PDF-1.7\n", "x"), "application/pdf");
        assert_eq!(
            guess_mime(b"PK\x03\x04rest", "report.docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        assert_eq!(guess_mime(b"a,b\n1,2\n", "data.csv"), "text/csv");
        assert_eq!(
            guess_mime("héllo".as_bytes(), "notes"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(guess_mime(b"hello", "notes"), "text/plain");
        assert_eq!(
            guess_mime(b"\0\x01\x02\xff", "blob"),
            "application/octet-stream"
        );
        // A multi-byte character cut at the end of the head is still text.
        assert_eq!(
            guess_mime(&"é".as_bytes()[..1], "x"),
            "text/plain; charset=utf-8"
        );
    }

    #[test]
    fn rfc822_is_7bit_or_8bit_with_crlf() {
        let b = rfc822_body(b"Subject: x\n\nhello\n");
        assert_eq!(b.encoding(), ContentTransferEncoding::SevenBit);
        assert_eq!(b.as_ref(), b"Subject: x\r\n\r\nhello\r\n");
        let b = rfc822_body("Subject: é\r\n\r\nhé".as_bytes());
        assert_eq!(b.encoding(), ContentTransferEncoding::EightBit);
        assert_eq!(b.as_ref(), "Subject: é\r\n\r\nhé\r\n".as_bytes());
        let long = format!("Subject: x\r\n\r\n{}\r\n", "a".repeat(1200));
        assert_eq!(
            rfc822_body(long.as_bytes()).encoding(),
            ContentTransferEncoding::Base64
        );
    }

    #[test]
    fn file_is_encoded_in_whole_lines_across_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.bin");
        let data: Vec<u8> = (0..(CHUNK * 2 + 1000))
            .map(|i| (i * 7 % 251) as u8)
            .collect();
        std::fs::write(&path, &data).unwrap();
        let (encoded, head) = base64_file(&path).unwrap();
        assert_eq!(head, data[..HEAD]);
        assert_eq!(encoded, base64(&data));
        assert!(encoded.split("\r\n").all(|l| l.len() <= 76));
    }
}
