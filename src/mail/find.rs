//! Finding text in the open message (`/` in the preview, then `n`/`N`): every
//! case-insensitive occurrence of a query in the rendered lines, as byte and cell ranges that
//! start and end on grapheme cluster boundaries (UAX #29), so a highlight never splits a
//! character, an accent from its letter, or an emoji sequence.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::mail::sanitize::width;

/// One occurrence: on `line`, the bytes `bytes` of its text, drawn in the cells `cols`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub line: usize,
    pub bytes: Range<usize>,
    pub cols: Range<usize>,
}

/// Lowercases char by char (no context rules, so the query and the text fold alike).
fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// The hits of `query` in one line: (byte range in the line).
fn hits_in(line: &str, query: &str) -> Vec<Range<usize>> {
    // Each grapheme's start in the line and in the folded line.
    let mut folded = String::with_capacity(line.len());
    let mut starts: Vec<(usize, usize)> = Vec::new();
    for (at, g) in line.grapheme_indices(true) {
        starts.push((folded.len(), at));
        folded.push_str(&fold(g));
    }
    starts.push((folded.len(), line.len()));
    let original = |folded_at: usize| {
        starts
            .binary_search_by_key(&folded_at, |&(f, _)| f)
            .ok()
            .map(|i| starts[i].1)
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = folded.get(from..).and_then(|rest| rest.find(query)) {
        let start = from + i;
        let end = start + query.len();
        match (original(start), original(end)) {
            (Some(s), Some(e)) => {
                out.push(s..e);
                from = end;
            }
            _ => {
                // Not on grapheme boundaries (a query `e` inside `é` written e + U+0301):
                // look again one character on.
                from = start + folded[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    out
}

/// Every occurrence of `query` in `lines` (the text of the rendered lines, in order),
/// ignoring case (Unicode lowercase, so `STRASSE` finds `strasse` and `ÉTÉ` finds `été`),
/// non-overlapping, in reading order. Ranges fall on grapheme boundaries; `cols` are
/// terminal cells. An empty query finds nothing. Lines are searched one by one: a query
/// does not match across a line break.
pub fn find_all<'a>(lines: impl IntoIterator<Item = &'a str>, query: &str) -> Vec<Hit> {
    let query = fold(query);
    if query.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (n, line) in lines.into_iter().enumerate() {
        for bytes in hits_in(line, &query) {
            let start = width(&line[..bytes.start]);
            out.push(Hit {
                line: n,
                cols: start..start + width(&line[bytes.clone()]),
                bytes,
            });
        }
    }
    out
}

/// The hit to go to from the position (`line`, `col`) — where the cursor or the current hit
/// is: with `forward`, the first hit after it (`n`), else the last one before it (`N`).
/// Returns its index in `hits` and whether the search wrapped around the end (or start) of
/// the message. `None` when there are no hits.
pub fn step(hits: &[Hit], line: usize, col: usize, forward: bool) -> Option<(usize, bool)> {
    if hits.is_empty() {
        return None;
    }
    let here = (line, col);
    if forward {
        match hits.iter().position(|h| (h.line, h.cols.start) > here) {
            Some(i) => Some((i, false)),
            None => Some((0, true)),
        }
    } else {
        match hits.iter().rposition(|h| (h.line, h.cols.start) < here) {
            Some(i) => Some((i, false)),
            None => Some((hits.len() - 1, true)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(lines: &[&str], q: &str) -> Vec<(usize, Range<usize>, Range<usize>)> {
        find_all(lines.iter().copied(), q)
            .into_iter()
            .map(|h| (h.line, h.bytes, h.cols))
            .collect()
    }

    #[test]
    fn case_insensitive_with_byte_and_cell_ranges() {
        let lines = ["Hello hello HELLO", "nothing", "日本語 Hello 😀hello"];
        assert_eq!(
            spans(&lines, "hello"),
            vec![
                (0, 0..5, 0..5),
                (0, 6..11, 6..11),
                (0, 12..17, 12..17),
                (2, 10..15, 7..12),
                (2, 20..25, 15..20),
            ]
        );
        assert_eq!(spans(&lines, "日本"), vec![(2, 0..6, 0..4)]);
        assert_eq!(
            spans(&["ÉTÉ été"], "été"),
            vec![(0, 0..5, 0..3), (0, 6..11, 4..7)]
        );
        assert_eq!(
            spans(&["aaaa"], "aa"),
            vec![(0, 0..2, 0..2), (0, 2..4, 2..4)]
        );
        assert!(spans(&lines, "").is_empty());
        assert!(spans(&lines, "absent").is_empty());
        // a query never matches across lines
        assert!(spans(&["hel", "lo"], "hello").is_empty());
    }

    #[test]
    fn hits_respect_grapheme_boundaries() {
        // `e` + combining acute is one grapheme: searching `e` does not cut it
        let decomposed = "cafe\u{301} e";
        assert_eq!(spans(&[decomposed], "e"), vec![(0, 7..8, 5..6)]);
        assert_eq!(spans(&[decomposed], "cafe\u{301}"), vec![(0, 0..6, 0..4)]);
        // an emoji ZWJ sequence is matched whole or not at all
        let family = "👨\u{200d}👩\u{200d}👧 x";
        assert!(spans(&[family], "👨").is_empty());
        assert_eq!(spans(&[family], family).len(), 1);
        // İ lowercases to two chars; ranges still map back to the original bytes
        let hits = spans(&["İstanbul istanbul"], "istanbul");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].1, 10..18);
    }

    #[test]
    fn stepping_wraps_around() {
        let hits = find_all(["a x a", "", "x a"].iter().copied(), "a");
        assert_eq!(hits.len(), 3);
        assert_eq!(step(&hits, 0, 0, true), Some((1, false)));
        assert_eq!(step(&hits, 0, 4, true), Some((2, false)));
        assert_eq!(step(&hits, 2, 2, true), Some((0, true)));
        assert_eq!(step(&hits, 2, 2, false), Some((1, false)));
        assert_eq!(step(&hits, 0, 0, false), Some((2, true)));
        assert_eq!(step(&[], 0, 0, true), None);
    }
}
