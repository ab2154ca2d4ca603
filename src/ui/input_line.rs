//! One-line inputs wider than their place (the `:` line, `/`, the picker's filter, the
//! composer's header fields): the window of the text that holds the cursor, scrolled sideways,
//! with `…` on each side where text is cut, measured in terminal cells.

use unicode_segmentation::UnicodeSegmentation;

use crate::mail::sanitize::{sanitize, width};

/// The marker drawn where the text is cut (one cell).
const CUT: &str = "…";

/// What of `text` to draw in `max` cells with the cursor (a byte index into `text`) in view:
/// the text to draw (sanitized, cut sides marked with `…`) and the cell, from the left of
/// the window, where the terminal cursor goes. Wide characters count two cells and are never
/// split. Text that fits (with a cell for a cursor at its end) is drawn whole. Otherwise the
/// window starts at the beginning while the cursor is in the first screenful, ends at the end
/// of the text while the cursor is in the last one, and in between keeps the cursor in the
/// middle. For `max == 0`: nothing, cell 0.
pub fn window(text: &str, cursor: usize, max: usize) -> (String, usize) {
    if max == 0 {
        return (String::new(), 0);
    }
    let mut cursor = cursor.min(text.len());
    while !text.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let (before, after) = (sanitize(&text[..cursor]), sanitize(&text[cursor..]));
    let cells: Vec<(&str, usize)> = before
        .graphemes(true)
        .chain(after.graphemes(true))
        .map(|g| (g, width(g)))
        .collect();
    let k = before.graphemes(true).count();
    let n = cells.len();
    let total: usize = cells.iter().map(|c| c.1).sum();
    let before_w: usize = cells[..k].iter().map(|c| c.1).sum();
    // The cells the cursor needs: the character under it, or one past the end.
    let cursor_w = cells.get(k).map_or(1, |c| c.1.max(1));
    if total.max(before_w + cursor_w) <= max {
        return (before + &after, before_w);
    }
    // The first index `a` of the window, and whether a marker is drawn on the left.
    let a = if before_w + cursor_w < max {
        // In the first screenful (with a cell left for the marker on the right).
        0
    } else {
        // Ending at the end of the text, the marker on the left.
        let budget = max.saturating_sub(1 + usize::from(k == n));
        let mut a = n;
        let mut used = 0;
        while a > 0 && used + cells[a - 1].1 <= budget {
            a -= 1;
            used += cells[a].1;
        }
        if a <= k {
            a
        } else {
            // In the middle: the cursor near the centre, a marker on each side.
            let half = max.saturating_sub(2) / 2;
            let mut a = k;
            let mut used = 0;
            while a > 0 && used + cells[a - 1].1 <= half {
                a -= 1;
                used += cells[a].1;
            }
            a
        }
    };
    let left = if a > 0 { width(CUT) } else { 0 };
    // Fill from `a` as far as fits, keeping a cell for the marker on the right if cut there.
    let mut b = a;
    let mut used = left;
    while b < n && used + cells[b].1 <= max {
        used += cells[b].1;
        b += 1;
    }
    if b < n {
        while b > a && used + width(CUT) > max {
            b -= 1;
            used -= cells[b].1;
        }
    }
    let mut out = String::new();
    if a > 0 {
        out.push_str(CUT);
    }
    for (g, _) in &cells[a..b] {
        out.push_str(g);
    }
    // (In a window too narrow for the text and both markers, the right one is left out.)
    if b < n && used + width(CUT) <= max {
        out.push_str(CUT);
    }
    let col = left + cells[a..k.max(a)].iter().map(|c| c.1).sum::<usize>();
    (out, col.min(max - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window, checked: never wider than `max`, the cursor on a cell of it.
    fn win(text: &str, cursor: usize, max: usize) -> (String, usize) {
        let (s, col) = window(text, cursor, max);
        assert!(width(&s) <= max, "{s:?} is wider than {max}");
        assert!(col < max, "cursor at {col} of {max}");
        (s, col)
    }

    #[test]
    fn short_text_is_drawn_whole() {
        assert_eq!(win("save /tmp", 9, 20), ("save /tmp".into(), 9));
        assert_eq!(win("save /tmp", 0, 20), ("save /tmp".into(), 0));
        assert_eq!(win("", 0, 5), (String::new(), 0));
        // exactly full: the cursor at the end needs one more cell, so it scrolls
        assert_eq!(win("abcde", 5, 5), ("…cde".into(), 4));
        assert_eq!(win("abcde", 4, 5), ("abcde".into(), 4));
    }

    #[test]
    fn the_cursor_at_the_end_shows_the_end() {
        let text: String = ('a'..='z').cycle().take(150).collect();
        let (s, col) = win(&text, text.len(), 20);
        assert!(s.starts_with('…'), "{s}");
        assert!(text.ends_with(&s['…'.len_utf8()..]), "{s}");
        assert_eq!(col, width(&s));
        assert_eq!(col, 19);
    }

    #[test]
    fn the_cursor_at_the_start_shows_the_start() {
        let text: String = ('a'..='z').cycle().take(150).collect();
        let (s, col) = win(&text, 0, 20);
        assert_eq!(col, 0);
        assert!(s.ends_with('…'));
        assert!(text.starts_with(s.trim_end_matches('…')));
        assert_eq!(width(&s), 20);
    }

    #[test]
    fn in_the_middle_both_sides_are_marked() {
        let text: String = ('a'..='z').cycle().take(150).collect();
        let (s, col) = win(&text, 75, 20);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        // the cell under the cursor shows the character at the cursor
        let under: String = s.chars().skip(col).take(1).collect();
        assert_eq!(under, &text[75..76]);
    }

    #[test]
    fn wide_characters_count_two_cells_and_are_never_split() {
        let text = "日本語のテキスト".repeat(10);
        for cursor in text.char_indices().map(|(i, _)| i).chain([text.len()]) {
            for max in [1, 2, 3, 5, 10, 11] {
                let (s, col) = win(&text, cursor, max);
                let inner = s.trim_start_matches('…').trim_end_matches('…');
                assert!(text.contains(inner), "{s}");
                if cursor < text.len() && max >= 4 {
                    // the cell under the cursor starts the character at the cursor
                    let mut x = 0;
                    let mut found = None;
                    for g in s.graphemes(true) {
                        if x == col {
                            found = Some(g);
                        }
                        x += width(g);
                    }
                    let at: String = text[cursor..].chars().take(1).collect();
                    assert_eq!(found, Some(at.as_str()), "{s} col {col} max {max}");
                }
            }
        }
        let (s, col) = win(&text, text.len(), 11);
        assert_eq!(s, "…テキスト");
        assert_eq!(col, 9);
    }

    #[test]
    fn a_cursor_inside_a_character_is_moved_to_its_start() {
        let (s, col) = win("é", 1, 10);
        assert_eq!((s.as_str(), col), ("é", 0));
    }
}
