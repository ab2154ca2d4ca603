//! Reading HTML just enough for links: the `<a href>` elements with their text, and the text
//! of a fragment, with a small tolerant scanner (mail HTML is rarely well-formed).

use super::MAX_LINKS;

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#NN;` and `&#xHH;` decoded; others kept.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Byte index of the first case-insensitive (ASCII) occurrence of `needle` at or after `from`.
fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    (from..h.len().saturating_sub(n.len()) + 1).find(|&i| {
        h.get(i..i + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

/// The text of an HTML fragment: tags become spaces; comments, `<script>` and `<style>`
/// content are dropped; entities decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(lt) = html[at..].find('<').map(|i| at + i) {
        out.push_str(&html[at..lt]);
        out.push(' ');
        let rest = &html[lt..];
        let skip_to = if rest.starts_with("<!--") {
            rest.find("-->").map(|e| lt + e + 3)
        } else if let Some(name) = ["script", "style"].into_iter().find(|n| {
            rest.get(1..1 + n.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(n))
        }) {
            find_ci(html, &format!("</{name}"), lt + 1)
                .and_then(|c| html[c..].find('>').map(|e| c + e + 1))
        } else {
            rest.find('>').map(|e| lt + e + 1)
        };
        at = skip_to.unwrap_or(html.len());
    }
    out.push_str(&html[at.min(html.len())..]);
    decode_entities(&out)
}

/// The `href` attribute in the text of one start tag (after `<a`, up to `>`).
fn href_of(tag: &str) -> Option<String> {
    let b = tag.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // attribute name
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &tag[start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            if start == i {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = tag[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                let v = &tag[(i + 1).min(end)..end];
                i = end + 1;
                v
            }
            _ => {
                let end = tag[i..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(b.len(), |e| i + e);
                let v = &tag[i..end];
                i = end;
                v
            }
        };
        if name.eq_ignore_ascii_case("href") {
            // Browsers drop surrounding space and any tab or line break inside a URL.
            let v: String = decode_entities(value)
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect();
            return Some(v.trim().to_owned());
        }
    }
    None
}

/// The `<a href>` links of an HTML document in order: (target, link text). Text is the
/// element's content without tags, entities decoded, spaces collapsed. Comments are skipped.
pub fn html_anchors(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(lt) = html[at..].find('<').map(|i| at + i) {
        if html[lt..].starts_with("<!--") {
            at = html[lt + 4..]
                .find("-->")
                .map_or(html.len(), |e| lt + 4 + e + 3);
            continue;
        }
        let is_a = html
            .as_bytes()
            .get(lt + 1)
            .is_some_and(|b| b.eq_ignore_ascii_case(&b'a'))
            && html
                .as_bytes()
                .get(lt + 2)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>');
        let tag_end = html[lt..].find('>').map_or(html.len(), |e| lt + e);
        if !is_a {
            at = (lt + 1).min(html.len());
            continue;
        }
        let href = href_of(&html[lt + 2..tag_end]);
        let content_start = (tag_end + 1).min(html.len());
        let close = find_ci(html, "</a", content_start).unwrap_or(html.len());
        if let Some(href) = href {
            let text = html_text(&html[content_start..close]);
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push((href, text));
        }
        at = close.max(content_start);
        if out.len() >= MAX_LINKS {
            break;
        }
    }
    out
}
