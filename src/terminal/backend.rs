//! The bytes a frame costs on the wire. ratatui sends the cells that changed; this backend
//! sends them with fewer bytes than crossterm's own, which matters over SSH (moving the list
//! selection repaints two rows, mostly blanks):
//!
//! - a run of blank cells that share a style is erased with ECH (`CSI n X`, which paints the
//!   current background on terminals that erase with it, as xterm, tmux, screen, VTE and the
//!   Linux console do) and skipped with CUF (`CSI n C`), instead of sent space by space — only
//!   where a blank shows nothing but its background (no reverse video, underline, strike);
//! - what changes of a cell's look (colours, bold, ...) is set in one SGR sequence, the sixteen
//!   named colours with their short codes, and one `SGR 0` ends a frame;
//! - the cursor is hidden once, not at every frame.
//!
//! Everything else is as ratatui's crossterm backend does it.

use std::io::{self, Write};

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::style::Print;
use crossterm::terminal::Clear;
use crossterm::{execute, queue};
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};

/// Blank runs shorter than this are sent as spaces (the two sequences cost ~8 bytes).
const MIN_RUN: usize = 8;
/// Up to this many unchanged narrow characters between two changes on a row are sent again
/// rather than skipped with a cursor move (which costs 6–8 bytes).
const BRIDGE: usize = 5;

/// Modifiers that make a blank cell visible beyond its background: such blanks are sent.
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::CROSSED_OUT)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK);

/// Whether the terminal named by `TERM` erases with the current background (BCE) and knows
/// ECH, so blank runs can be erased: the common terminals do; others get spaces.
pub fn erases_with_background(term: &str) -> bool {
    const KNOWN: [&str; 12] = [
        "xterm",
        "screen",
        "tmux",
        "vte",
        "gnome",
        "konsole",
        "alacritty",
        "kitty",
        "foot",
        "wezterm",
        "linux",
        "ghostty",
    ];
    KNOWN.iter().any(|k| term.starts_with(k))
}

pub struct Spare<W: Write> {
    writer: W,
    erase: bool,
    cursor_hidden: bool,
    /// What the terminal shows, as far as this backend drew it: lets a row's changes be joined
    /// over the few unchanged cells between them instead of moving the cursor.
    screen: Buffer,
}

impl<W: Write> Spare<W> {
    pub fn new(writer: W, erase: bool) -> Spare<W> {
        Spare {
            writer,
            erase,
            // `terminal::setup` hid it
            cursor_hidden: true,
            screen: Buffer::empty(Rect::default()),
        }
    }

    /// The cursor was shown by someone else (the terminal was handed to another program).
    pub fn forget_cursor(&mut self) {
        self.cursor_hidden = false;
    }
}

/// SGR parameters that take the modifiers from `from` to `to`.
fn modifier_params(p: &mut Vec<String>, from: Modifier, to: Modifier) {
    let removed = from - to;
    let mut add = to - from;
    if removed.contains(Modifier::REVERSED) {
        p.push("27".into());
    }
    if removed.intersects(Modifier::BOLD | Modifier::DIM) {
        // 22 ends both bold and dim: what stays is set again
        p.push("22".into());
        add |= to & (Modifier::BOLD | Modifier::DIM);
    }
    if removed.contains(Modifier::ITALIC) {
        p.push("23".into());
    }
    if removed.contains(Modifier::UNDERLINED) {
        p.push("24".into());
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        p.push("25".into());
        add |= to & (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK);
    }
    if removed.contains(Modifier::HIDDEN) {
        p.push("28".into());
    }
    if removed.contains(Modifier::CROSSED_OUT) {
        p.push("29".into());
    }
    for (m, code) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        if add.contains(m) {
            p.push(code.into());
        }
    }
}

/// The SGR parameters of a colour: `base` 30 for the foreground, 40 for the background (58
/// for underlines, which know only indexed and RGB colours). The sixteen named colours use
/// their own codes (30–37, 90–97), which every colour terminal knows.
fn color_params(p: &mut Vec<String>, c: Color, base: u8) {
    let named = |i: u8| -> Option<u8> {
        match (base, i) {
            (58, _) => None,
            (_, 0..=7) => Some(base + i),
            (_, _) => Some(base + 60 + (i - 8)),
        }
    };
    let (ext, reset) = if base == 58 {
        (58, 59)
    } else {
        (base + 8, base + 9)
    };
    let index = match c {
        Color::Reset => {
            p.push(reset.to_string());
            return;
        }
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(i) => {
            p.push(format!("{ext};5;{i}"));
            return;
        }
        Color::Rgb(r, g, b) => {
            p.push(format!("{ext};2;{r};{g};{b}"));
            return;
        }
    };
    match named(index) {
        Some(code) => p.push(code.to_string()),
        None => p.push(format!("{ext};5;{index}")),
    }
}

/// How far the cursor moves after printing `symbol`, when every terminal agrees: one cell for
/// a narrow character, two for a CJK ideograph, kana, hangul or fullwidth form; `None` for the
/// rest (emoji, sequences with variation selectors or joiners), where terminals differ.
fn settled_width(symbol: &str) -> Option<u16> {
    let mut chars = symbol.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    match unicode_width::UnicodeWidthChar::width(c) {
        Some(1) => Some(1),
        Some(2) => matches!(u32::from(c),
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD)
        .then_some(2),
        _ => None,
    }
}

/// A blank that shows nothing but its background: its colour and bold do not matter.
fn plain_blank(c: &Cell) -> bool {
    c.symbol() == " " && !c.modifier.intersects(VISIBLE_ON_BLANK)
}

/// Two cells look alike on screen (for blanks: the same background is enough).
fn looks_alike(a: &Cell, b: &Cell) -> bool {
    if plain_blank(a) && plain_blank(b) {
        a.bg == b.bg
    } else {
        same_look(a, b)
    }
}

fn same_look(a: &Cell, b: &Cell) -> bool {
    a.fg == b.fg
        && a.bg == b.bg
        && a.modifier == b.modifier
        && a.underline_color == b.underline_color
}

impl<W: Write> Backend for Spare<W> {
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let changed: Vec<(u16, u16, &Cell)> = content.collect();
        if changed.is_empty() {
            return Ok(());
        }
        let erase = self.erase;
        // Join changes of a row over unchanged cells that cost less to send than to skip.
        let mut cells: Vec<(u16, u16, &Cell)> = Vec::with_capacity(changed.len());
        for (k, &(x, y, cell)) in changed.iter().enumerate() {
            cells.push((x, y, cell));
            let Some(&(nx, ny, next)) = changed.get(k + 1) else {
                continue;
            };
            // Nothing is joined right after a wide character: the cell under its right half
            // is not reported, and the screen copy still holds what was there before.
            let narrow = cell.symbol().len() == 1
                || unicode_width::UnicodeWidthStr::width(cell.symbol()) == 1;
            if ny != y || nx <= x + 1 || !narrow {
                continue;
            }
            let gap: Vec<&Cell> = (x + 1..nx)
                .filter_map(|gx| self.screen.cell(Position { x: gx, y }))
                .collect();
            if gap.len() != usize::from(nx - x - 1) {
                continue;
            }
            let joins_blanks = erase
                && plain_blank(cell)
                && plain_blank(next)
                && gap.iter().all(|g| plain_blank(g) && g.bg == cell.bg)
                && next.bg == cell.bg;
            let short = gap.len() <= BRIDGE
                && gap
                    .iter()
                    .all(|g| g.symbol().len() == 1 && looks_alike(g, cell));
            if joins_blanks || short {
                cells.extend(gap.iter().zip(x + 1..nx).map(|(g, gx)| (gx, y, *g)));
            }
        }
        let w = &mut self.writer;
        let mut fg = Color::Reset;
        let mut bg = Color::Reset;
        let mut ul = Color::Reset;
        let mut modifier = Modifier::empty();
        let mut at: Option<Position> = None;
        let mut params: Vec<String> = Vec::new();
        let mut i = 0;
        while let Some(&(x, y, cell)) = cells.get(i) {
            if !matches!(at, Some(p) if x == p.x && y == p.y) {
                queue!(w, MoveTo(x, y))?;
            }
            // Every attribute that changes, in one SGR sequence; a plain blank needs only its
            // background.
            params.clear();
            let blank = plain_blank(cell);
            if cell.modifier != modifier && (!blank || modifier.intersects(VISIBLE_ON_BLANK)) {
                modifier_params(&mut params, modifier, cell.modifier);
                modifier = cell.modifier;
            }
            if cell.fg != fg && !blank {
                color_params(&mut params, cell.fg, 30);
                fg = cell.fg;
            }
            if cell.bg != bg {
                color_params(&mut params, cell.bg, 40);
                bg = cell.bg;
            }
            if cell.underline_color != ul && !blank {
                color_params(&mut params, cell.underline_color, 58);
                ul = cell.underline_color;
            }
            if !params.is_empty() {
                write!(w, "\x1b[{}m", params.join(";"))?;
            }
            // A run of blanks that look alike, side by side on this row?
            let mut run = 1;
            if erase && blank {
                while let Some(&(nx, ny, next)) = cells.get(i + run) {
                    let adjacent = ny == y && usize::from(nx) == usize::from(x) + run;
                    if !adjacent || !plain_blank(next) || next.bg != cell.bg {
                        break;
                    }
                    run += 1;
                }
            }
            if run >= MIN_RUN {
                write!(w, "\x1b[{run}X")?;
                let end = x.saturating_add(run as u16);
                // The next cell right after the run: skip to it; otherwise it moves there.
                if cells
                    .get(i + run)
                    .is_some_and(|&(nx, ny, _)| ny == y && nx == end)
                {
                    write!(w, "\x1b[{run}C")?;
                }
                at = Some(Position { x: end, y });
                i += run;
                continue;
            }
            queue!(w, Print(cell.symbol()))?;
            // After a character whose width terminals agree on (narrow ones, CJK) the cursor
            // is where the next cell is; after anything else (emoji, combining sequences) the
            // next cell is reached with a move: the terminal's idea of its width is its own.
            at = settled_width(cell.symbol()).map(|w| Position {
                x: x.saturating_add(w),
                y,
            });
            i += 1;
        }
        w.write_all(b"\x1b[0m")?;
        let updates: Vec<(u16, u16, Cell)> =
            changed.iter().map(|&(x, y, c)| (x, y, c.clone())).collect();
        drop(cells);
        let (w, h) = updates.iter().fold((0u16, 0u16), |(w, h), (x, y, _)| {
            (w.max(x.saturating_add(1)), h.max(y.saturating_add(1)))
        });
        if w > self.screen.area.width || h > self.screen.area.height {
            let area = self.screen.area;
            self.screen
                .resize(Rect::new(0, 0, area.width.max(w), area.height.max(h)));
        }
        for (x, y, c) in updates {
            // A wide character covers the cells after it: they are never joined over.
            let width = unicode_width::UnicodeWidthStr::width(c.symbol()) as u16;
            for covered in 1..width {
                if let Some(slot) = self.screen.cell_mut(Position { x: x + covered, y }) {
                    slot.set_symbol("");
                }
            }
            if let Some(slot) = self.screen.cell_mut(Position { x, y }) {
                *slot = c;
            }
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden {
            return Ok(());
        }
        self.cursor_hidden = true;
        execute!(self.writer, Hide)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if !self.cursor_hidden {
            return Ok(());
        }
        self.cursor_hidden = false;
        execute!(self.writer, Show)
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        crossterm::cursor::position()
            .map(|(x, y)| Position { x, y })
            .map_err(|e| io::Error::other(e.to_string()))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        queue!(self.writer, MoveTo(x, y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        use crossterm::terminal::ClearType as C;
        // What the screen shows is no longer known: nothing is joined over until redrawn.
        self.screen = Buffer::empty(Rect::default());
        execute!(
            self.writer,
            Clear(match clear_type {
                ClearType::All => C::All,
                ClearType::AfterCursor => C::FromCursorDown,
                ClearType::BeforeCursor => C::FromCursorUp,
                ClearType::CurrentLine => C::CurrentLine,
                ClearType::UntilNewLine => C::UntilNewLine,
            })
        )
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        for _ in 0..n {
            queue!(self.writer, Print("\n"))?;
        }
        self.writer.flush()
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = crossterm::terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let w = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: w.columns,
                height: w.rows,
            },
            pixels: Size {
                width: w.width,
                height: w.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    /// Draw `after` over `before` and return the bytes sent.
    fn frame(before: &Buffer, after: &Buffer, erase: bool) -> String {
        let mut b = Spare::new(Vec::new(), erase);
        b.draw(before.diff(after).into_iter()).unwrap();
        String::from_utf8(b.writer).unwrap()
    }

    fn row(text: &str, style: Style) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, 60, 1));
        b.set_string(0, 0, format!("{text:<60}"), style);
        b
    }

    #[test]
    fn blank_runs_are_erased_and_skipped() {
        let plain = row("subject one", Style::default());
        let selected = row("subject one", Style::default().bg(Color::Indexed(238)));
        let out = frame(&plain, &selected, true);
        assert!(out.contains("subject one"));
        assert!(out.contains("\x1b[49X"), "{out:?}");
        assert!(!out.contains("          "), "no run of spaces: {out:?}");
        assert!(out.len() < 50, "{} bytes: {out:?}", out.len());
        // without ECH every blank is sent
        let spaces = frame(&plain, &selected, false);
        assert!(spaces.contains(&" ".repeat(49)));
    }

    #[test]
    fn reversed_or_underlined_blanks_are_sent() {
        let plain = row("x", Style::default());
        let rev = row("x", Style::default().add_modifier(Modifier::REVERSED));
        assert!(!frame(&plain, &rev, true).contains("X"));
        let ul = row("x", Style::default().add_modifier(Modifier::UNDERLINED));
        assert!(frame(&plain, &ul, true).contains(&" ".repeat(59)));
    }

    #[test]
    fn changes_are_joined_over_what_did_not_change() {
        let mut b = Spare::new(Vec::new(), true);
        let area = Rect::new(0, 0, 40, 1);
        let empty = Buffer::empty(area);
        let mut one = empty.clone();
        one.set_string(0, 0, "old words here and there", Style::default());
        b.draw(empty.diff(&one).into_iter()).unwrap();
        b.writer.clear();
        // a new text over it: the blanks between the old words that stay blank are not
        // skipped one by one, and short unchanged stretches are sent again
        let mut two = empty.clone();
        two.set_string(0, 0, "new", Style::default());
        b.draw(one.diff(&two).into_iter()).unwrap();
        let out = String::from_utf8(b.writer.clone()).unwrap();
        assert_eq!(out.matches("\x1b[").count(), 3, "{out:?}");
        assert!(out.contains("new\x1b[21X"), "{out:?}");
    }

    #[test]
    fn the_cells_under_a_wide_character_are_never_joined_over() {
        let mut b = Spare::new(Vec::new(), true);
        let area = Rect::new(0, 0, 20, 1);
        let empty = Buffer::empty(area);
        let mut one = empty.clone();
        one.set_string(0, 0, "ab 🌻 cd", Style::default());
        b.draw(empty.diff(&one).into_iter()).unwrap();
        b.writer.clear();
        // the letters around the flower change; the flower stays
        let mut two = empty.clone();
        two.set_string(0, 0, "xy 🌻 zw", Style::default());
        b.draw(one.diff(&two).into_iter()).unwrap();
        let out = String::from_utf8(b.writer.clone()).unwrap();
        assert!(
            !out.contains("xy  "),
            "the flower's cells were overwritten: {out:?}"
        );
        assert!(out.contains("xy"), "{out:?}");
        // a flower comes where letters were: what was under its right half is not sent again
        b.writer.clear();
        let mut three = empty.clone();
        three.set_string(0, 0, "ab🌻 d cd", Style::default());
        b.draw(two.diff(&three).into_iter()).unwrap();
        let out = String::from_utf8(b.writer.clone()).unwrap();
        assert!(out.contains("🌻\x1b["), "a move after the flower: {out:?}");
    }

    #[test]
    fn after_cjk_the_cursor_is_trusted_after_emoji_it_is_moved() {
        assert_eq!(settled_width("a"), Some(1));
        assert_eq!(settled_width("中"), Some(2));
        assert_eq!(settled_width("🌻"), None);
        assert_eq!(settled_width("e\u{301}"), None);
        let empty = Buffer::empty(Rect::new(0, 0, 20, 1));
        let mut cjk = empty.clone();
        cjk.set_string(0, 0, "会議の件", Style::default());
        let out = frame(&empty, &cjk, true);
        assert_eq!(
            out.matches('H').count(),
            1,
            "one move, at the start: {out:?}"
        );
        let mut emoji = empty.clone();
        emoji.set_string(0, 0, "🌻x🌻x", Style::default());
        let out = frame(&empty, &emoji, true);
        assert_eq!(
            out.matches('H').count(),
            3,
            "a move after each emoji: {out:?}"
        );
    }

    #[test]
    fn attributes_change_in_one_sequence() {
        let a = row("x", Style::default());
        let b = row(
            "x",
            Style::default()
                .fg(Color::Indexed(254))
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
        );
        let out = frame(&a, &b, true);
        assert!(out.starts_with("\x1b[1;1H\x1b[1;38;5;254;41mx"), "{out:?}");
        assert!(out.ends_with("\x1b[0m"));
        let mut p = Vec::new();
        modifier_params(&mut p, Modifier::BOLD | Modifier::DIM, Modifier::DIM);
        assert_eq!(p, vec!["22", "2"]);
        let mut p = Vec::new();
        color_params(&mut p, Color::LightCyan, 40);
        color_params(&mut p, Color::Reset, 30);
        color_params(&mut p, Color::Rgb(1, 2, 3), 58);
        assert_eq!(p, vec!["106", "39", "58;2;1;2;3"]);
    }

    #[test]
    fn a_run_in_the_middle_skips_to_what_follows() {
        let mut a = Buffer::empty(Rect::new(0, 0, 40, 1));
        a.set_string(0, 0, "left", Style::default());
        a.set_string(30, 0, "right", Style::default());
        let mut b = a.clone();
        b.set_style(Rect::new(0, 0, 40, 1), Style::default().bg(Color::Blue));
        let out = frame(&a, &b, true);
        // left, a run of 26 blanks erased and skipped, right, then the trailing blanks
        assert!(out.contains("left\x1b[26X\x1b[26Cright"), "{out:?}");
        assert!(erases_with_background("xterm-256color"));
        assert!(!erases_with_background("dumb"));
    }
}
