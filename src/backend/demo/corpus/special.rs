//! Bodies the builder cannot write, each one on purpose. Every demo message gets its headers
//! from [`crate::mail::compose::build`] (see [`super::mime`]); `build` writes one kind of
//! body, UTF-8 text/plain with attachments, so these are made here with lettre's MIME part
//! builder (the one `build` uses) and put in its place:
//!
//! - other types than text/plain: HTML alone, multipart/alternative (text and HTML, or with a
//!   calendar part), format=flowed text (RFC 3676), text and HTML next to an attachment;
//! - text in other charsets than UTF-8 ([`text_in`], for [`super::charsets`]), as older or
//!   regional mail programs send it;
//! - transfer encodings `build` would not pick: 8bit for the hostile message, so its escape
//!   sequences and C1/bidi controls reach tmail as raw bytes (`build` would quote-print them),
//!   and 7bit for a build log with a 900-column line (`build` would wrap it);
//! - an attachment named with an RFC 2047 encoded word, as many mail programs write it
//!   (`build` writes RFC 2231, the standard).
//!
//! The broken messages (a Subject of raw escapes, a line that is no header, no Date, a
//! multipart cut off before its closing boundary) are bent after building: see
//! [`super::build::Builder`].

use lettre::message::header::{
    ContentDisposition, ContentTransferEncoding as Cte, ContentType, Header, HeaderName,
    HeaderValue,
};
use lettre::message::{Body as Encoded, MultiPart, SinglePart};

use super::attachments::File;
use super::mime::Body;
use super::text::flow;

fn entity(part: SinglePart) -> Body {
    Body::Entity(part.formatted())
}

fn multi(part: MultiPart) -> Body {
    Body::Entity(part.formatted())
}

fn part(content_type: &str, body: Encoded) -> SinglePart {
    let content_type = ContentType::parse(content_type).unwrap_or(ContentType::TEXT_PLAIN);
    SinglePart::builder().header(content_type).body(body)
}

/// Text that is the whole message. lettre ends every part with a CRLF; at the end of a
/// message that CRLF is body, so the text's own last line end is dropped for it (as `build`
/// does) — unless the text goes out in base64, where its line ends are inside the encoding.
fn whole(text: &str) -> String {
    let trimmed = text.strip_suffix('\n').unwrap_or(text);
    match Encoded::new(trimmed.to_string()).encoding() {
        Cte::Base64 => text.to_string(),
        _ => trimmed.to_string(),
    }
}

/// An HTML page alone (text/html, no text alternative), as newsletters and shops send.
pub(super) fn html(page: &str) -> Body {
    entity(SinglePart::html(whole(page)))
}

/// multipart/alternative of a text and an HTML version.
pub(super) fn alternative(plain: &str, html: &str) -> Body {
    multi(MultiPart::alternative_plain_html(
        plain.to_string(),
        html.to_string(),
    ))
}

/// multipart/alternative of text, HTML and a calendar invitation (RFC 5545, METHOD:REQUEST).
pub(super) fn invitation(plain: &str, html: &str, ics: &str) -> Body {
    let calendar = part(
        "text/calendar; charset=utf-8; method=REQUEST",
        Encoded::new(ics.to_string()),
    );
    multi(
        MultiPart::alternative_plain_html(plain.to_string(), html.to_string()).singlepart(calendar),
    )
}

/// Bytes in base64 (which lettre never refuses).
fn base64(bytes: &[u8]) -> Encoded {
    Encoded::new_with_encoding(bytes.to_vec(), Cte::Base64).unwrap_or_else(Encoded::new)
}

/// An attachment part, as `build` writes one (base64, named in Content-Disposition).
fn file_part(file: &File) -> SinglePart {
    let content_type = ContentType::parse(file.mime).unwrap_or(ContentType::TEXT_PLAIN);
    SinglePart::builder()
        .header(content_type)
        .header(ContentDisposition::attachment(file.name))
        .body(base64(file.bytes))
}

/// Text and HTML versions with a file: multipart/mixed around a multipart/alternative.
pub(super) fn alternative_and_file(plain: &str, html: &str, file: &File) -> Body {
    multi(
        MultiPart::mixed()
            .multipart(MultiPart::alternative_plain_html(
                plain.to_string(),
                html.to_string(),
            ))
            .singlepart(file_part(file)),
    )
}

/// RFC 3676 format=flowed text, from logical lines (see [`flow`]).
pub(super) fn flowed(text: &str) -> Body {
    entity(part(
        "text/plain; charset=utf-8; format=flowed; delsp=no",
        Encoded::new(whole(&flow(text))),
    ))
}

/// Text already in `charset` (`\n` line ends), sent with `encoding`; its last line end is
/// lettre's, as in [`whole`].
pub(super) fn text_in(charset: &str, encoding: Cte, bytes: &[u8]) -> Body {
    let bytes = match encoding {
        Cte::Base64 => bytes,
        _ => bytes.strip_suffix(b"\n").unwrap_or(bytes),
    };
    let mut crlf = Vec::with_capacity(bytes.len() + bytes.len() / 30);
    for &b in bytes {
        if b == b'\n' {
            crlf.push(b'\r');
        }
        crlf.push(b);
    }
    let body = match encoding {
        // 7bit and 8bit are no encoding at all: the bytes go as they are.
        Cte::SevenBit | Cte::EightBit => Encoded::dangerous_pre_encoded(crlf, encoding),
        // quoted-printable and base64 take anything.
        _ => Encoded::new_with_encoding(crlf, encoding).unwrap_or_else(Encoded::new),
    };
    entity(part(&format!("text/plain; charset={charset}"), body))
}

/// UTF-8 text as 8bit, whatever controls it holds.
pub(super) fn raw_8bit(text: &str) -> Body {
    text_in("utf-8", Cte::EightBit, text.as_bytes())
}

/// ASCII text as 7bit, whatever the length of its lines (at most 998, RFC 5322 §2.1.1).
pub(super) fn long_lines(text: &str) -> Body {
    text_in("utf-8", Cte::SevenBit, text.as_bytes())
}

/// `Content-Disposition: attachment; filename="=?UTF-8?B?...?="`.
#[derive(Clone)]
struct EncodedWordName(String);

impl Header for EncodedWordName {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Disposition")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(EncodedWordName(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        use base64::Engine;
        let word = base64::engine::general_purpose::STANDARD.encode(self.0.as_bytes());
        let value = format!("attachment; filename=\"=?UTF-8?B?{word}?=\"");
        HeaderValue::dangerous_new_pre_encoded(Self::name(), value.clone(), value)
    }
}

/// Text and a file whose non-ASCII name is an RFC 2047 encoded word in quotes.
pub(super) fn encoded_word_name(text: &str, file: &File) -> Body {
    let content_type = ContentType::parse(file.mime).unwrap_or(ContentType::TEXT_PLAIN);
    let attachment = SinglePart::builder()
        .header(content_type)
        .header(EncodedWordName(file.name.to_string()))
        .body(base64(file.bytes));
    multi(
        MultiPart::mixed()
            .singlepart(SinglePart::plain(text.to_string()))
            .singlepart(attachment),
    )
}
