//! Terminal safety and cell geometry: strips everything from message text that could drive
//! the terminal (escape sequences, controls, bidi overrides) and measures, cuts, pads and wraps
//! text in terminal cells.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// True when every byte is printable ASCII (0x20..=0x7E): such a string needs no work.
#[inline]
fn is_plain_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Bidirectional formatting controls, which can reorder what the user sees.
#[inline]
fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Esc {
    /// Plain text.
    None,
    /// Just saw ESC.
    Start,
    /// ESC followed by intermediate bytes (e.g. `ESC ( B`), waiting for the final byte.
    Inter,
    /// Inside a CSI (`ESC [` or U+009B), waiting for the final byte.
    Csi,
    /// Inside an OSC/DCS/SOS/PM/APC string, waiting for BEL or ST.
    Str,
}

/// One display line: removes ESC and whole escape sequences (CSI `ESC [ ... final`, OSC
/// `ESC ] ... BEL|ESC \`, DCS/APC/PM/SOS up to ST, two-byte `ESC x`), all other C0 controls
/// (except TAB, expanded to spaces up to the next multiple of 8 columns), DEL, C1 controls
/// (U+0080–U+009F; a U+009B CSI swallows its parameters too) and bidi controls. CR, LF and
/// CRLF become a single space; U+2028/U+2029 become a space. Zero-width/combining chars are kept.
pub fn sanitize(s: &str) -> String {
    if is_plain_ascii(s) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut col = 0usize;
    let mut state = Esc::None;
    let mut prev_cr = false;
    for c in s.chars() {
        let after_cr = std::mem::replace(&mut prev_cr, false);
        match state {
            Esc::None => {}
            Esc::Start => {
                state = Esc::None;
                match c {
                    '[' => {
                        state = Esc::Csi;
                        continue;
                    }
                    ']' | 'P' | 'X' | '^' | '_' => {
                        state = Esc::Str;
                        continue;
                    }
                    '\x20'..='\x2f' => {
                        state = Esc::Inter;
                        continue;
                    }
                    '\x30'..='\x7e' => continue,
                    _ => {} // not an escape after all: handle `c` as text below
                }
            }
            Esc::Inter => match c {
                '\x20'..='\x2f' => continue,
                '\x30'..='\x7e' => {
                    state = Esc::None;
                    continue;
                }
                _ => state = Esc::None,
            },
            Esc::Csi => match c {
                '\x20'..='\x3f' => continue,
                '\x40'..='\x7e' => {
                    state = Esc::None;
                    continue;
                }
                _ => state = Esc::None,
            },
            Esc::Str => {
                match c {
                    '\x07' | '\u{9c}' => state = Esc::None,
                    // ESC inside a string ends it; `ESC \` is then eaten as a two-byte escape.
                    '\x1b' => state = Esc::Start,
                    _ => {}
                }
                continue;
            }
        }
        match c {
            '\x1b' => state = Esc::Start,
            '\u{9b}' => state = Esc::Csi,
            '\t' => {
                let n = 8 - col % 8;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\r' => {
                out.push(' ');
                col += 1;
                prev_cr = true;
            }
            '\n' => {
                if !after_cr {
                    out.push(' ');
                    col += 1;
                }
            }
            '\u{2028}' | '\u{2029}' => {
                out.push(' ');
                col += 1;
            }
            c if c < '\x20' || ('\x7f'..='\u{9f}').contains(&c) || is_bidi(c) => {}
            c => {
                out.push(c);
                col += c.width().unwrap_or(0);
            }
        }
    }
    cell_safe(out)
}

/// True when a grapheme cluster takes as many cells drawn as one unit (how ratatui measures it:
/// emoji sequences and a few script ligatures count as one glyph) as drawn char by char (how
/// most terminals, tmux among them, advance the cursor: wcwidth of each code point).
fn agrees(g: &str) -> bool {
    UnicodeWidthStr::width(g) == g.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>()
}

/// Emoji that join into one glyph only in some terminals: ZWJ between pictographs, variation
/// selectors (VS15 text / VS16 emoji presentation), skin-tone modifiers.
fn is_emoji_joiner(c: char) -> bool {
    matches!(
        c,
        '\u{200D}' | '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}'
    )
}

/// Rewrites the grapheme clusters whose width terminals disagree on (UAX #11 vs. wcwidth: `🏔️`
/// is 2 cells to ratatui and 1 to tmux, a ZWJ family is 2 or 6), so that the screen and the
/// terminal agree on every cell and no stale character is left behind a redraw. Emoji lose
/// their joiners and presentation selectors (each pictograph then has its own, undisputed
/// width); any other disagreeing cluster (a script ligature such as Arabic lam-alef) is
/// split with ZERO WIDTH NON-JOINERs. Text without such clusters is returned as it is.
fn cell_safe(s: String) -> String {
    if s.graphemes(true).all(agrees) {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    for g in s.graphemes(true) {
        if agrees(g) {
            out.push_str(g);
            continue;
        }
        let plain: String = g.chars().filter(|c| !is_emoji_joiner(*c)).collect();
        for p in plain.graphemes(true) {
            if agrees(p) {
                out.push_str(p);
                continue;
            }
            let mut chars = p.chars().peekable();
            while let Some(c) = chars.next() {
                out.push(c);
                let next_is_base = chars.peek().is_some_and(|n| n.width().unwrap_or(0) > 0);
                if c.width().unwrap_or(0) > 0 && next_is_base {
                    out.push('\u{200C}');
                }
            }
        }
    }
    out
}

/// Splits on `\n`, `\r\n` and lone `\r` (like [`str::lines`], so a final line break adds no
/// empty line) and sanitizes each line.
pub fn sanitize_lines(s: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        match rest.find(['\n', '\r']) {
            Some(i) => {
                lines.push(sanitize(&rest[..i]));
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
            None => {
                lines.push(sanitize(rest));
                break;
            }
        }
    }
    lines
}

/// Display width in terminal cells, measured per grapheme cluster (UAX #29) with UAX #11 widths
/// (CJK and emoji are 2): exactly how ratatui's buffer places text, so padding computed here
/// lines up with what is drawn. For sanitized text it is also the terminal's own count.
pub fn width(s: &str) -> usize {
    if is_plain_ascii(s) {
        s.len()
    } else {
        s.graphemes(true).map(UnicodeWidthStr::width).sum()
    }
}

/// Iterates over "cells clusters": a char plus the zero-width chars that follow it (combining
/// marks, variation selectors) and anything joined to it by ZWJ. Each comes with its width.
struct Clusters<'a> {
    s: &'a str,
}

impl<'a> Iterator for Clusters<'a> {
    type Item = (&'a str, usize);

    fn next(&mut self) -> Option<(&'a str, usize)> {
        let mut it = self.s.char_indices();
        let (_, first) = it.next()?;
        let mut end = first.len_utf8();
        let mut joined = first == '\u{200d}';
        let mut multi = false;
        for (i, c) in it {
            if joined || c.width().unwrap_or(0) == 0 {
                end = i + c.len_utf8();
                joined = c == '\u{200d}';
                multi = true;
            } else {
                break;
            }
        }
        let (cluster, rest) = self.s.split_at(end);
        self.s = rest;
        let w = if multi {
            UnicodeWidthStr::width(cluster)
        } else {
            first.width().unwrap_or(0)
        };
        Some((cluster, w))
    }
}

fn clusters(s: &str) -> Clusters<'_> {
    Clusters { s }
}

/// Drops trailing chars until `s` is at most `max` cells (a guard for width ligatures).
fn shrink_to(s: &mut String, max: usize) {
    while width(s) > max {
        if s.pop().is_none() {
            break;
        }
    }
}

/// Cut to at most `max` cells; if cut, ends with '…' (the result's width <= max). Never splits
/// a wide char across the limit.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let budget = max - 1;
    let mut out = String::with_capacity(max + 3);
    if is_plain_ascii(s) {
        out.push_str(&s[..budget]);
    } else {
        let mut acc = 0;
        for (cl, w) in clusters(s) {
            if acc + w > budget {
                break;
            }
            out.push_str(cl);
            acc += w;
        }
        shrink_to(&mut out, budget);
    }
    out.push('…');
    out
}

/// Pad with spaces (or truncate) to exactly `w` cells.
pub fn fit(s: &str, w: usize) -> String {
    let mut t = truncate(s, w);
    let tw = width(&t);
    t.extend(std::iter::repeat_n(' ', w.saturating_sub(tw)));
    t
}

/// Greedy line filler behind [`wrap`].
struct Filler {
    lines: Vec<String>,
    line: String,
    lw: usize,
    max: usize,
}

impl Filler {
    /// Ends the current line (dropping spaces left dangling at its end).
    fn flush(&mut self) {
        let mut line = std::mem::take(&mut self.line);
        if line.bytes().any(|b| b != b' ') {
            line.truncate(line.trim_end_matches(' ').len());
        }
        self.lines.push(line);
        self.lw = 0;
    }

    /// Places one unbreakable piece of `pw` cells after `gap` (the spaces that preceded it,
    /// dropped if the piece starts a new line).
    fn piece(&mut self, gap: &str, text: &str, pw: usize) {
        let gw = gap.len();
        if self.lw + gw + pw <= self.max {
            self.line.push_str(gap);
            self.line.push_str(text);
            self.lw += gw + pw;
            return;
        }
        if !self.line.is_empty() {
            self.flush();
        }
        if pw <= self.max {
            self.line.push_str(text);
            self.lw = pw;
            return;
        }
        // Longer than a whole line (a URL, a very long word): hard-break it.
        for (cl, w) in clusters(text) {
            if self.lw + w > self.max {
                self.flush();
            }
            if w > self.max {
                // A wide char in a one-cell-wide wrap cannot be shown.
                self.line.push('…');
                self.lw += 1;
            } else {
                self.line.push_str(cl);
                self.lw += w;
            }
        }
    }
}

/// Word-wrap one line to `max` cells at the line-break opportunities of UAX #14 (after spaces
/// and hyphens, between ideographs, never before a closing mark such as `。` or `,`, never
/// inside an address): greedy, hard-breaking only what is longer than a line (a URL); never
/// returns a line wider than max (max>=1). Empty input gives one empty line. Spaces at a break
/// are dropped; leading indentation is kept.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    if width(s) <= max {
        return vec![s.to_owned()];
    }
    let mut f = Filler {
        lines: Vec::new(),
        line: String::new(),
        lw: 0,
        max,
    };
    let mut start = 0;
    let mut gap = "";
    for (end, _) in unicode_linebreak::linebreaks(s) {
        let segment = &s[start..end];
        let text = segment.trim_end_matches(' ');
        if start == 0 && text.is_empty() {
            // Leading indentation: kept as the start of the first line (as much as fits).
            let indent = &segment[..segment.len().min(max)];
            f.piece("", indent, indent.len());
            start = end;
            continue;
        } else if !text.is_empty() {
            f.piece(gap, text, width(text));
        }
        gap = &segment[text.len()..];
        start = end;
    }
    if !f.line.is_empty() || f.lines.is_empty() {
        f.flush();
    }
    let mut lines = f.lines;
    for l in &mut lines {
        shrink_to(l, max);
    }
    lines
}

#[cfg(test)]
mod tests {

    /// Every grapheme cluster of the result is as wide drawn whole as drawn char by char.
    fn cells_agree(s: &str) -> bool {
        s.graphemes(true).all(agrees)
    }

    #[test]
    fn emoji_and_ligatures_take_the_same_cells_everywhere() {
        let cases = [
            ("Photos from the hike 🏔️📷", "🏔"),
            ("Trip ideas for December ✈️", "✈"),
            ("family 👨‍👩‍👧 dinner", "👧"),
            ("thumbs 👍🏽 up", "👍"),
            ("flag 🇫🇷 day", "🇫🇷"),
            ("heart as text ❤︎", "❤"),
            ("rainbow 🏳️‍🌈", "🌈"),
            ("lam-alef لا", "ل"),
            ("e\u{301}te 日本語 한국어", "日本語"),
        ];
        for (input, keep) in cases {
            let out = sanitize(input);
            assert!(cells_agree(&out), "{input:?} -> {out:?}");
            assert!(out.contains(keep), "{input:?} -> {out:?} lost {keep:?}");
            // what the list pads with `fit` is what ratatui will draw
            let fitted = fit(&out, 40);
            let by_char: usize = fitted.chars().map(|c| c.width().unwrap_or(0)).sum();
            assert_eq!(by_char, 40, "{out:?}");
            let by_grapheme: usize = fitted.graphemes(true).map(UnicodeWidthStr::width).sum();
            assert_eq!(by_grapheme, 40, "{out:?}");
        }
        // the demo's subjects did disagree before the rewrite
        assert!(!cells_agree("Photos from the hike 🏔️📷"));
        assert!(!cells_agree("Trip ideas for December ✈️"));
        // text that needs nothing is left as it is
        assert_eq!(sanitize("e\u{301}te 日本語 🇫🇷"), "e\u{301}te 日本語 🇫🇷");
    }

    use super::*;

    #[test]
    fn plain_ascii_is_untouched() {
        assert_eq!(sanitize("Hello, world! ~"), "Hello, world! ~");
        assert_eq!(sanitize(""), "");
    }

    #[test]
    fn csi_sequences_are_stripped() {
        assert_eq!(sanitize("\x1b[31mRED\x1b[0m"), "RED");
        assert_eq!(sanitize("a\x1b[1;32;40mb\x1b[?25lc"), "abc");
        assert_eq!(sanitize("x\x1b[2Jy"), "xy");
    }

    #[test]
    fn osc_sequences_are_stripped() {
        assert_eq!(sanitize("\x1b]0;pwned\x07title"), "title");
        assert_eq!(sanitize("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"), "link");
        assert_eq!(sanitize("a\x1b]52;c;ZXZpbA==\u{9c}b"), "ab");
        // Unterminated: everything after the introducer is swallowed.
        assert_eq!(sanitize("ok\x1b]0;never ends"), "ok");
    }

    #[test]
    fn dcs_apc_pm_sos_are_stripped() {
        assert_eq!(sanitize("a\x1bPq#0;2;0;0;0\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b_apc payload\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1b^pm\x1b\\b"), "ab");
        assert_eq!(sanitize("a\x1bXsos\x1b\\b"), "ab");
    }

    #[test]
    fn two_byte_and_charset_escapes_are_stripped() {
        assert_eq!(sanitize("a\x1bcb"), "ab"); // RIS
        assert_eq!(sanitize("a\x1b7b\x1b8c"), "abc");
        assert_eq!(sanitize("a\x1b(Bb"), "ab");
        assert_eq!(sanitize("a\x1b"), "a");
        assert_eq!(sanitize("a\x1b\x1b[1mb"), "ab");
    }

    #[test]
    fn c1_controls_are_stripped() {
        assert_eq!(sanitize("\u{9b}31mred"), "red");
        assert_eq!(sanitize("a\u{85}b\u{90}c\u{9d}d"), "abcd");
        assert!(!sanitize("\u{9d}0;x\u{9c}").contains(|c: char| ('\u{80}'..='\u{9f}').contains(&c)));
    }

    #[test]
    fn c0_del_and_bidi_are_stripped() {
        assert_eq!(sanitize("a\x00b\x07c\x08d\x7fe"), "abcde");
        assert_eq!(sanitize("abc\u{202e}fed"), "abcfed");
        assert_eq!(
            sanitize("\u{202a}\u{202b}\u{202c}\u{202d}\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}\u{61c}x"),
            "x"
        );
    }

    #[test]
    fn newlines_become_single_spaces() {
        assert_eq!(sanitize("a\nb"), "a b");
        assert_eq!(sanitize("a\r\nb"), "a b");
        assert_eq!(sanitize("a\rb"), "a b");
        assert_eq!(sanitize("a\n\nb"), "a  b");
    }

    #[test]
    fn zero_width_and_combining_are_kept() {
        assert_eq!(
            sanitize("e\u{301}\u{200d}x\u{fe0f}"),
            "e\u{301}\u{200d}x\u{fe0f}"
        );
        assert_eq!(sanitize("日本語 😀"), "日本語 😀");
    }

    #[test]
    fn tabs_expand_to_multiples_of_eight() {
        assert_eq!(sanitize("\tx"), "        x");
        assert_eq!(sanitize("ab\tc"), "ab      c");
        assert_eq!(sanitize("12345678\tx"), "12345678        x");
        // Columns counted in cells: a CJK char takes 2.
        assert_eq!(sanitize("日\tx"), "日      x");
        assert_eq!(width(&sanitize("日\tx")), 9);
        // Escape sequences take no column.
        assert_eq!(sanitize("\x1b[1mab\tc"), "ab      c");
    }

    #[test]
    fn sanitize_lines_splits_all_line_ends() {
        assert_eq!(sanitize_lines("a\nb\r\nc\rd"), vec!["a", "b", "c", "d"]);
        assert_eq!(sanitize_lines("a\n\nb\n"), vec!["a", "", "b"]);
        assert_eq!(sanitize_lines("\x1b[31mred\n\u{202e}x"), vec!["red", "x"]);
        assert!(sanitize_lines("").is_empty());
    }

    #[test]
    fn widths() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("日本語"), 6);
        assert_eq!(width("😀"), 2);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width(""), 0);
    }

    #[test]
    fn truncate_ascii_and_wide() {
        assert_eq!(truncate("hello", 10), "hello");
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 5), "hell…");
        assert_eq!(truncate("hello", 1), "…");
        assert_eq!(truncate("hello", 0), "");
        // 日本語 is 6 cells; at 4 cells only one wide char fits before the ellipsis.
        assert_eq!(truncate("日本語", 4), "日…");
        assert_eq!(truncate("日本語", 5), "日本…");
        assert_eq!(truncate("a😀b😀", 4), "a😀…");
        // Combining marks stay with their base.
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        for max in 0..10 {
            assert!(width(&truncate("日本語のテキスト😀", max)) <= max);
        }
    }

    #[test]
    fn fit_pads_or_truncates_exactly() {
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語", 5), "日本…");
        assert_eq!(fit("日本語", 4), "日… ");
        for w in 0..12 {
            assert_eq!(width(&fit("日本語😀x", w)), w);
        }
    }

    #[test]
    fn wrap_at_spaces() {
        assert_eq!(wrap("", 10), vec![""]);
        assert_eq!(wrap("short", 10), vec!["short"]);
        assert_eq!(
            wrap("the quick brown fox jumps", 10),
            vec!["the quick", "brown fox", "jumps"]
        );
        assert_eq!(wrap("aaa   bbb", 3), vec!["aaa", "bbb"]);
        assert_eq!(wrap("abc ", 3), vec!["abc"]);
        assert_eq!(wrap("aaaa  b", 3), vec!["aaa", "a", "b"]);
        assert_eq!(wrap("     ", 3), vec!["   "]);
        assert_eq!(
            wrap("  indented text here", 10),
            vec!["  indented", "text here"]
        );
    }

    #[test]
    fn wrap_follows_uax14() {
        // a CJK full stop never starts a line: the char before it moves down with it
        let lines = wrap("これはテストです。次の文です。", 16);
        assert!(lines.iter().all(|l| !l.starts_with('。')), "{lines:?}");
        assert!(lines.iter().all(|l| width(l) <= 16), "{lines:?}");
        assert_eq!(lines.concat(), "これはテストです。次の文です。");
        // nor a comma or a closing bracket
        let lines = wrap("「東京」、大阪", 6);
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with('、') && !l.starts_with('」')),
            "{lines:?}"
        );
        // an address is never cut where a narrower pane could still hold it whole
        let to = "To: Sam Rivera <sam@demo.tmail.test>, Bob Martin <bob@demo.tmail.test>";
        for w in 24..60 {
            let lines = wrap(to, w);
            for addr in ["<sam@demo.tmail.test>,", "<bob@demo.tmail.test>"] {
                assert!(lines.iter().any(|l| l.contains(addr)), "{w}: {lines:?}");
            }
        }
        // hyphens are break opportunities too
        assert_eq!(wrap("state-of-the-art", 9), vec!["state-of-", "the-art"]);
    }

    #[test]
    fn wrap_hard_breaks_long_words() {
        let url = "see https://example.com/a/very/long/path";
        let lines = wrap(url, 10);
        assert_eq!(lines[0], "see");
        assert_eq!(lines[1..].concat(), "https://example.com/a/very/long/path");
        assert!(lines.iter().all(|l| width(l) <= 10));
        assert_eq!(wrap("abcdef", 1), vec!["a", "b", "c", "d", "e", "f"]);
    }

    #[test]
    fn wrap_cjk_and_emoji() {
        let lines = wrap("日本語のテキストです", 7);
        assert_eq!(lines, vec!["日本語", "のテキ", "ストで", "す"]);
        let lines = wrap("hi 😀😀😀😀 there", 5);
        assert!(lines.iter().all(|l| width(l) <= 5), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), "hi😀😀😀😀there");
        // A wide char can't fit in one cell: it is replaced, never overflows.
        assert!(wrap("日本", 1).iter().all(|l| width(l) <= 1));
    }

    #[test]
    fn wrap_never_exceeds_max() {
        let text = "Lorem ipsum dolor 日本語 sit amet, https://x.example/aaaaaaaaaaaaaaaaaaaa e\u{301}\u{301} 👨\u{200d}👩\u{200d}👧 consectetur   adipiscing";
        for max in 1..40 {
            for l in wrap(text, max) {
                assert!(width(&l) <= max, "{l:?} wider than {max}");
            }
        }
    }
}
