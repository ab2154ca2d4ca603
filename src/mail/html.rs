//! The HTML part of a message for a browser (`open-html`), made safe to open offline:
//! inline images (`cid:`, RFC 2392) embedded as `data:` URLs, and nothing remote fetched —
//! neither by tmail, which never fetches anything, nor by the browser, which gets a
//! Content-Security-Policy that forbids every remote load and script, and whose remote image
//! sources are renamed so they are not even tried (a remote image is how senders learn that
//! and when a message was read). Also whether a message has an HTML alternative the preview
//! did not show.

use base64::Engine;
use mail_parser::{Message, MimeHeaders, PartType};

use crate::mail::parse::parse_message;
use crate::mail::render::{Line, LineKind};
use crate::mail::sanitize::wrap;

/// What goes first in the document: UTF-8 (the text was decoded to UTF-8 whatever the part
/// declared) and a policy that allows only inline styles and `data:` images, fonts and media:
/// no scripts, frames, remote images, stylesheets, fonts or form submissions.
pub const HTML_PREAMBLE: &str = "<meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
img-src data:; media-src data:; font-src data:; style-src 'unsafe-inline'; \
form-action 'none'; base-uri 'none'\">\n";

/// The most bytes of inline images embedded as `data:` URLs.
pub const MAX_INLINE: usize = 20 * 1024 * 1024;

/// The line the preview shows when the text part is shown and an HTML version exists.
pub const HTML_NOTICE: &str =
    "(this message also has an HTML version: open-html shows it in a browser)";

/// Attributes that make a browser fetch a resource.
const FETCHING: [&str; 6] = ["src", "srcset", "background", "poster", "lowsrc", "dynsrc"];

fn html_parts<'m, 'x>(msg: &'m Message<'x>) -> impl Iterator<Item = (u32, &'m str)> + 'm {
    msg.html_body
        .iter()
        .filter_map(|&id| match &msg.parts.get(id as usize)?.body {
            PartType::Html(h) => Some((id, h.as_ref())),
            _ => None,
        })
}

/// True when the message has an HTML body part that the preview does not show (it shows
/// mail-parser's `text_body`: the text/plain alternative). False for HTML-only messages,
/// whose HTML is the shown body. For the [`HTML_NOTICE`] line.
pub fn has_html_alternative(raw: &[u8]) -> bool {
    // The parts the preview shows, as it chooses them (a blank text part gives way to HTML).
    parse_message(raw).is_some_and(|m| {
        let shown = crate::mail::body::body_part_ids(&m);
        let shows_html = shown.iter().any(|id| {
            m.parts
                .get(*id as usize)
                .is_some_and(|p| matches!(p.body, mail_parser::PartType::Html(_)))
        });
        !shows_html && html_parts(&m).any(|(id, _)| !shown.contains(&id))
    })
}

/// [`HTML_NOTICE`] as preview lines `width` cells wide.
pub fn html_notice(width: usize) -> Vec<Line> {
    wrap(HTML_NOTICE, width.max(10))
        .into_iter()
        .map(|text| Line {
            kind: LineKind::Notice,
            text,
        })
        .collect()
}

/// `%XX` decoded (RFC 3986), for `cid:` URLs (RFC 2392 §2: the Content-ID is URL-encoded).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|&c| (c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether an attribute value would make the browser fetch from the network.
fn is_remote(value: &str) -> bool {
    let v = value.trim_start().to_ascii_lowercase();
    !(v.starts_with("data:") || v.starts_with("cid:") || v.starts_with('#') || v.is_empty())
}

/// Rewrites the attributes inside one tag (`tag` is the text between `<` and `>`): `cid:`
/// values of fetching attributes become `data:` URLs from `inline`; other non-`data:` values
/// are renamed to `data-tmail-blocked-<name>`.
fn rewrite_tag(tag: &str, inline: &dyn Fn(&str) -> Option<String>, out: &mut String) {
    let b = tag.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphabetic() && (i == 0 || b[i - 1].is_ascii_whitespace() || b[i - 1] == b'/')
        {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
                i += 1;
            }
            let name = &tag[start..i];
            let mut j = i;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let fetching = FETCHING.iter().any(|f| f.eq_ignore_ascii_case(name));
            if !fetching || b.get(j) != Some(&b'=') || start == 0 {
                out.push_str(name);
                continue;
            }
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            let (value, end) = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = tag[j + 1..].find(q as char).map_or(b.len(), |e| j + 1 + e);
                    (&tag[(j + 1).min(close)..close], (close + 1).min(b.len()))
                }
                _ => {
                    let close = tag[j..]
                        .find(|c: char| c.is_ascii_whitespace())
                        .map_or(b.len(), |e| j + e);
                    (&tag[j..close], close)
                }
            };
            let cid = value
                .trim()
                .get(..4)
                .filter(|p| p.eq_ignore_ascii_case("cid:"))
                .and_then(|_| inline(&percent_decode(&value.trim()[4..])));
            match cid {
                Some(data) => out.push_str(&format!("{name}=\"{data}\"")),
                None if is_remote(value) => {
                    out.push_str("data-tmail-blocked-");
                    out.push_str(&tag[start..end]);
                }
                None => out.push_str(&tag[start..end]),
            }
            i = end;
            continue;
        }
        out.push(c as char);
        if !c.is_ascii() {
            // copy the rest of a multi-byte character as it is
            let len = tag[i..].chars().next().map_or(1, char::len_utf8);
            out.pop();
            out.push_str(&tag[i..i + len]);
            i += len;
            continue;
        }
        i += 1;
    }
}

/// `html` made safe to open in a browser with nothing fetched from the network:
/// [`HTML_PREAMBLE`] first (after a `<!DOCTYPE>`), `src`/`srcset`/`background`/`poster`
/// values that are `cid:` references replaced by `inline(content_id)` (a `data:` URL) when
/// known, and every other non-`data:` value of those attributes renamed
/// (`data-tmail-blocked-src=…`). Comments and text are left as they are.
pub fn offline_html(html: &str, inline: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len() + HTML_PREAMBLE.len());
    let trimmed = html.trim_start();
    let doctype_end = trimmed
        .get(..9)
        .filter(|p| p.eq_ignore_ascii_case("<!doctype"))
        .and_then(|_| trimmed.find('>'))
        .map(|e| html.len() - trimmed.len() + e + 1);
    let mut at = 0;
    if let Some(end) = doctype_end {
        out.push_str(&html[..end]);
        at = end;
    }
    out.push_str(HTML_PREAMBLE);
    while let Some(lt) = html[at..].find('<').map(|i| at + i) {
        out.push_str(&html[at..lt]);
        if html[lt..].starts_with("<!--") {
            let end = html[lt..].find("-->").map_or(html.len(), |e| lt + e + 3);
            out.push_str(&html[lt..end]);
            at = end;
            continue;
        }
        let end = html[lt..].find('>').map_or(html.len(), |e| lt + e);
        out.push('<');
        rewrite_tag(&html[lt + 1..end], inline, &mut out);
        if end < html.len() {
            out.push('>');
        }
        at = (end + 1).min(html.len());
    }
    out.push_str(&html[at.min(html.len())..]);
    out
}

/// The `data:` URL of every part with a Content-ID, keyed by that id, up to [`MAX_INLINE`]
/// bytes in all.
fn inline_parts(msg: &Message<'_>) -> Vec<(String, String)> {
    let mut total = 0;
    let mut out = Vec::new();
    for part in &msg.parts {
        let (Some(cid), PartType::Binary(b) | PartType::InlineBinary(b)) =
            (part.content_id(), &part.body)
        else {
            continue;
        };
        total += b.len();
        if total > MAX_INLINE {
            break;
        }
        let mime = part
            .content_type()
            .map_or("application/octet-stream".into(), |ct| {
                format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("octet-stream"))
            });
        let mime: String = mime
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "/+-.".contains(*c))
            .collect();
        let data = base64::engine::general_purpose::STANDARD.encode(b);
        let cid = cid
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_owned();
        out.push((cid, format!("data:{mime};base64,{data}")));
    }
    out
}

/// The message's HTML body, ready to write to a private file and open in a browser: UTF-8,
/// its inline images embedded, nothing remote loaded ([`offline_html`]). For a message with
/// several HTML parts, the first. `None` when it has no HTML part or does not parse.
pub fn html_for_browser(raw: &[u8]) -> Option<Vec<u8>> {
    let msg = parse_message(raw)?;
    let (_, html) = html_parts(&msg).next()?;
    let inline = inline_parts(&msg);
    let lookup = |cid: &str| {
        inline
            .iter()
            .find(|(id, _)| id.eq_ignore_ascii_case(cid.trim()))
            .map(|(_, d)| d.clone())
    };
    Some(offline_html(html, &lookup).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALT: &[u8] = b"From: a@x.test\r\nContent-Type: multipart/alternative; boundary=A\r\n\r\n\
        --A\r\nContent-Type: text/plain\r\n\r\nplain\r\n\
        --A\r\nContent-Type: multipart/related; boundary=R\r\n\r\n\
        --R\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n\
        <!DOCTYPE html><html><head><meta charset=\"iso-8859-1\">\
        <link rel=stylesheet href=\"https://t.test/s.css\"></head><body>\
        <img src=\"cid:logo%40x\" alt=logo><IMG SRC=https://track.test/p.gif?u=1 width=1>\
        <img srcset='https://t.test/a.png 2x'><td background=\"//t.test/bg.png\">\
        <a href=\"https://x.test/\">caf\xe9</a><!-- <img src=\"https://c.test/\"> -->\
        <script>fetch('https://t.test/')</script></body></html>\r\n\
        --R\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw==\r\n\
        --R--\r\n--A--\r\n";

    #[test]
    fn html_for_the_browser_fetches_nothing() {
        let html = String::from_utf8(html_for_browser(ALT).unwrap()).unwrap();
        assert!(
            html.starts_with(&format!("<!DOCTYPE html>{HTML_PREAMBLE}")),
            "{html}"
        );
        assert!(
            html.contains("<img src=\"data:image/png;base64,iVBORw==\" alt=logo>"),
            "{html}"
        );
        assert!(html.contains("<IMG data-tmail-blocked-SRC=https://track.test/p.gif?u=1 width=1>"));
        assert!(html.contains("<img data-tmail-blocked-srcset='https://t.test/a.png 2x'>"));
        assert!(html.contains("<td data-tmail-blocked-background=\"//t.test/bg.png\">"));
        // links stay links; text was decoded from its charset
        assert!(
            html.contains("<a href=\"https://x.test/\">café</a>"),
            "{html}"
        );
        // comments are left alone, scripts are left to the policy
        assert!(html.contains("<!-- <img src=\"https://c.test/\"> -->"));
        assert!(HTML_PREAMBLE.contains("default-src 'none'"));
        // no attribute outside the rewritten ones names a remote image source
        let lower = html
            .replace("<!-- <img src=\"https://c.test/\"> -->", "")
            .to_ascii_lowercase();
        for attr in [
            " src=\"http",
            " src=http",
            " srcset='http",
            " background=\"//",
        ] {
            assert!(!lower.contains(attr), "{attr} in {html}");
        }
    }

    #[test]
    fn alternative_detection() {
        assert!(has_html_alternative(ALT));
        let html_only = "From: a@x.test\nContent-Type: text/html\n\n<p>hi</p>\n";
        assert!(!has_html_alternative(html_only.as_bytes()));
        assert!(html_for_browser(html_only.as_bytes()).is_some());
        let plain = "From: a@x.test\n\nhi\n";
        assert!(!has_html_alternative(plain.as_bytes()));
        assert_eq!(html_for_browser(plain.as_bytes()), None);
        assert!(!has_html_alternative(b""));
        let lines = html_notice(30);
        assert!(lines.len() > 1 && lines.iter().all(|l| l.kind == LineKind::Notice));
    }

    #[test]
    fn rewriting_odd_markup_never_panics() {
        let none = |_: &str| None;
        for html in [
            "<",
            "<img src=",
            "<img src='x",
            "<a\u{e9} src=\"http://x\">",
            "<!--",
            "<!doctype",
            "é<b>ü</b>",
        ] {
            let out = offline_html(html, &none);
            assert!(out.contains(HTML_PREAMBLE));
        }
        assert_eq!(percent_decode("logo%40x%2"), "logo@x%2");
    }
}
