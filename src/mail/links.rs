//! The links of a message, numbered in order of appearance: URLs in its text (http, https,
//! ftp and mailto, found with `linkify`, which gets trailing punctuation and brackets right)
//! and the `<a href>` targets of its HTML part with their link text, so a target hidden
//! behind other text can be shown; and where each numbered link is in the rendered preview,
//! so the UI can draw `[n]` markers and highlight it.

use std::ops::Range;

use mail_parser::{Message, PartType};

use crate::mail::parse::parse_message;
use crate::mail::render::{Line, LineKind};
use crate::mail::sanitize::{sanitize, width};

/// At most this many links are listed (a newsletter can hold hundreds; a hostile message
/// millions).
pub const MAX_LINKS: usize = 500;

/// What a link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `http:` or `https:`.
    Web,
    /// `ftp:`.
    Ftp,
    /// `mailto:` (RFC 6068): opens the composer.
    Mail,
}

/// Where a link was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSource {
    /// A URL written in a text/plain part (or in the text of an HTML part).
    Text,
    /// The `href` of an `<a>` element of an HTML part.
    Html,
}

/// One link of a message. Strings are sanitized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// 1-based, in order of appearance; the same target is listed once.
    pub number: usize,
    /// The URL to open or copy.
    pub target: String,
    /// The HTML link text, when there is one and it is not the target itself.
    pub text: Option<String>,
    pub kind: LinkKind,
    pub source: LinkSource,
}

impl Link {
    /// How the list shows it: `text → target` when the link text differs from the target
    /// (so `https://bank.example` → `https://evil.example` is visible), else the target.
    pub fn label(&self) -> String {
        match &self.text {
            Some(t) => format!("{t} → {}", self.target),
            None => self.target.clone(),
        }
    }
}

/// The kind of a URL with a scheme tmail follows, else `None` (`javascript:`, `file:`,
/// `data:`, `cid:`, relative links, …).
pub fn kind_of(url: &str) -> Option<LinkKind> {
    let scheme = url.split_once(':')?.0.to_ascii_lowercase();
    match scheme.as_str() {
        "http" | "https" => url
            .get(scheme.len() + 1..)
            .filter(|r| r.starts_with("//") && r.len() > 2)
            .map(|_| LinkKind::Web),
        "ftp" => Some(LinkKind::Ftp),
        "mailto" => (url.len() > 7).then_some(LinkKind::Mail),
        _ => None,
    }
}

/// Characters that may continue a `mailto:` URL after the address (its `?subject=…`).
fn mailto_tail_len(rest: &str) -> usize {
    if !rest.starts_with('?') {
        return 0;
    }
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`'))
        .unwrap_or(rest.len());
    rest[..end]
        .trim_end_matches(['.', ',', ';', ':', '!', ')', ']'])
        .len()
}

/// URLs in plain text with their byte ranges, in order: `http://`, `https://`, `ftp://`
/// (via `linkify`: `(see https://x.test/a).` gives `https://x.test/a`, balanced parentheses
/// stay in) and `mailto:` addresses (with their `?query`). Bare addresses and schemes tmail
/// does not follow are not links.
pub fn find_urls(text: &str) -> Vec<(Range<usize>, String)> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url, linkify::LinkKind::Email]);
    let mut out = Vec::new();
    for l in finder.links(text) {
        match l.kind() {
            linkify::LinkKind::Url if kind_of(l.as_str()).is_some() => {
                out.push((l.start()..l.end(), l.as_str().to_owned()));
            }
            linkify::LinkKind::Email => {
                let start = l.start().saturating_sub(7);
                let before = text.get(start..l.start()).unwrap_or("");
                if before.eq_ignore_ascii_case("mailto:") {
                    let end = l.end() + mailto_tail_len(&text[l.end()..]);
                    out.push((start..end, text[start..end].to_owned()));
                }
            }
            _ => {}
        }
    }
    out
}

/// Adds a link unless its target is already listed.
fn push(out: &mut Vec<Link>, target: &str, text: Option<&str>, source: LinkSource) {
    let Some(kind) = kind_of(target) else { return };
    let target = sanitize(target);
    if out.len() >= MAX_LINKS || out.iter().any(|l| l.target == target) {
        return;
    }
    let text = text
        .map(sanitize)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty() && *t != target && !target.ends_with(&format!(":{t}")));
    out.push(Link {
        number: out.len() + 1,
        target,
        text,
        kind,
        source,
    });
}

/// The links of `msg`: URLs of its text/plain body parts, then the anchors and written URLs
/// of its HTML parts (the alternative not shown too).
fn links_of(msg: &Message<'_>) -> Vec<Link> {
    let mut out = Vec::new();
    let mut ids: Vec<u32> = msg.text_body.clone();
    ids.extend(
        msg.html_body
            .iter()
            .filter(|id| !msg.text_body.contains(id)),
    );
    for &id in &msg.text_body {
        if let Some(PartType::Text(t)) = msg.parts.get(id as usize).map(|p| &p.body) {
            for (_, url) in find_urls(t) {
                push(&mut out, &url, None, LinkSource::Text);
            }
        }
    }
    for id in ids {
        if let Some(PartType::Html(h)) = msg.parts.get(id as usize).map(|p| &p.body) {
            let anchors = html_anchors(h);
            for (href, text) in &anchors {
                push(&mut out, href, Some(text), LinkSource::Html);
            }
            // URLs written in the text, except those that are an anchor's own text (a link
            // reading `https://bank.example` is listed once, with its real target).
            for (_, url) in find_urls(&html_text(h)) {
                if !anchors.iter().any(|(_, t)| *t == url) {
                    push(&mut out, &url, None, LinkSource::Text);
                }
            }
        }
    }
    out
}

/// The links of a raw message, numbered from 1 in order of appearance, each target once:
/// first the URLs of its text parts, then the `<a href>` targets (with their link text) and
/// written URLs of its HTML parts. Only http, https, ftp and mailto links; at most
/// [`MAX_LINKS`]. Empty for an unparseable message.
pub fn links(raw: &[u8]) -> Vec<Link> {
    parse_message(raw).map_or_else(Vec::new, |m| links_of(&m))
}

/// Where one numbered link is drawn: on `line` of the rendered message, `bytes` of its text,
/// which are the cells `cols`. A link wrapped over several lines has one mark per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkMark {
    pub number: usize,
    pub line: usize,
    pub bytes: Range<usize>,
    pub cols: Range<usize>,
}

/// Where a wrapped line's own text starts: after the `> ` prefix the renderer repeats on
/// every line of a quote.
fn continuation_start(line: &Line) -> usize {
    match line.kind {
        LineKind::Quote(_) => {
            let t = &line.text;
            let gt = t.len() - t.trim_start_matches('>').len();
            gt + usize::from(t[gt..].starts_with(' '))
        }
        _ => 0,
    }
}

/// If `target` is written at `lines[li].text[pos..]`, possibly wrapped onto the lines after
/// (continuing after their quote prefix), the pieces it covers.
fn match_at(
    lines: &[Line],
    li: usize,
    pos: usize,
    target: &str,
) -> Option<Vec<(usize, Range<usize>)>> {
    let (mut l, mut pos, mut rest) = (li, pos, target);
    let mut pieces = Vec::new();
    loop {
        let text = lines.get(l)?.text.get(pos..)?;
        if text.starts_with(rest) {
            pieces.push((l, pos..pos + rest.len()));
            return Some(pieces);
        }
        if text.is_empty() || !rest.starts_with(text) || pieces.len() > 64 {
            return None;
        }
        pieces.push((l, pos..pos + text.len()));
        rest = &rest[text.len()..];
        l += 1;
        pos = continuation_start(lines.get(l)?);
    }
}

/// Where each link of `links` appears in the rendered `lines` ([`crate::mail::render`]), in
/// reading order: every occurrence of a target, also one wrapped across lines (a long URL is
/// broken at the pane's edge or after a `/` or `-`), gets marks with the link's number.
/// Where targets overlap, the longest wins. Column ranges count terminal cells, so the UI
/// can highlight the link and draw `[n]` after its last piece.
pub fn mark(lines: &[Line], links: &[Link]) -> Vec<LinkMark> {
    let mut by_length: Vec<&Link> = links.iter().filter(|l| !l.target.is_empty()).collect();
    by_length.sort_by_key(|l| std::cmp::Reverse(l.target.len()));
    let mut marks = Vec::new();
    let (mut li, mut pos) = (0, 0);
    while li < lines.len() {
        let text = &lines[li].text;
        let next = text[pos.min(text.len())..]
            .char_indices()
            .map(|(i, _)| pos + i)
            .find_map(|p| {
                let first = text.as_bytes()[p];
                by_length
                    .iter()
                    .filter(|l| l.target.as_bytes()[0].eq_ignore_ascii_case(&first))
                    .find_map(|l| match_at(lines, li, p, &l.target).map(|m| (l.number, m)))
            });
        let Some((number, pieces)) = next else {
            li += 1;
            pos = 0;
            continue;
        };
        for (line, bytes) in &pieces {
            let t = &lines[*line].text;
            let start = width(&t[..bytes.start]);
            marks.push(LinkMark {
                number,
                line: *line,
                cols: start..start + width(&t[bytes.clone()]),
                bytes: bytes.clone(),
            });
        }
        if let Some((line, bytes)) = pieces.last() {
            (li, pos) = (*line, bytes.end);
        }
    }
    marks
}

mod html;

pub use html::{html_anchors, html_text};

#[cfg(test)]
mod tests;
