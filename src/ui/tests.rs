//! Pane tests on ratatui's TestBackend: draw the demo and read the cells.

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::app::testing::{demo_app, TestApp};

fn screen(t: &TestApp) -> String {
    let (w, h) = t.app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::draw(f, &t.app)).unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut x = 0;
        while x < w {
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            // a wide character covers the next cell too
            x += crate::mail::sanitize::width(sym).max(1) as u16;
        }
        out.push('\n');
    }
    out
}

#[test]
fn three_panes_and_status() {
    let t = demo_app(140, 40);
    let s = screen(&t);
    assert!(s.contains("Folders"), "{s}");
    assert!(s.contains("INBOX"));
    assert!(s.contains("Lists"), "sub-folder shown");
    assert!(s.contains("Welcome to tmail"));
    assert!(s.contains("Message"));
    assert!(s.contains(" LIST "));
    assert!(s.contains("demo · INBOX"));
}

#[test]
fn preview_shows_headers_and_body() {
    let mut t = demo_app(140, 40);
    t.keys("<Enter>");
    let s = screen(&t);
    assert!(s.contains("From: "), "{s}");
    assert!(s.contains("Subject: Welcome to tmail"));
    assert!(s.contains(" READ "));
}

#[test]
fn hostile_message_renders_harmlessly() {
    let mut t = demo_app(140, 40);
    t.keys("/OVERDUE<Enter><Enter>");
    assert!(t.app.preview.target.is_some());
    let s = screen(&t);
    assert!(s.contains("OVERDUE"), "{s}");
    for bad in ['\x1b', '\x07', '\u{9b}', '\u{202e}'] {
        assert!(!s.contains(bad), "{bad:?} reached the screen");
    }
    for line in &t.app.preview.rendered.lines {
        assert!(
            !line.text.chars().any(|c| c.is_control()),
            "{:?}",
            line.text
        );
    }
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut t = demo_app(140, 50);
    t.keys("?");
    let s = screen(&t);
    assert!(s.contains("half-page-down"), "{s}");
    assert!(s.contains("<C-d>"));
    assert!(s.contains("Move down half a page"));
}

#[test]
fn which_key_popup_after_prefix() {
    let mut t = demo_app(140, 40);
    t.keys("g");
    let s = screen(&t);
    assert!(s.contains("Go to the first row"), "{s}");
    assert!(s.contains("Focus the folder tree"));
}

#[test]
fn command_line_and_errors_in_the_status_line() {
    let mut t = demo_app(120, 30);
    t.keys(":folder Nowhere");
    assert!(screen(&t).contains(":folder Nowhere"));
    t.keys("<Enter>");
    assert!(screen(&t).contains("no folder \"Nowhere\""));
}

/// The screen and where the terminal cursor is.
fn screen_and_cursor(t: &TestApp) -> (String, (u16, u16)) {
    let (w, h) = t.app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::draw(f, &t.app)).unwrap();
    let p = term.get_cursor_position().unwrap();
    (screen(t), (p.x, p.y))
}

#[test]
fn a_long_command_line_scrolls_to_keep_the_cursor_in_view() {
    let mut t = demo_app(60, 30);
    // 150 characters after the command word, ending in a recognisable tail
    let arg: String = (0..146)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let text = format!("save {arg}");
    let arg = format!("{arg}THE-END");
    let text = format!("{text}THE-END");
    t.keys(&format!(":save {arg}"));
    let (s, (x, y)) = screen_and_cursor(&t);
    let last = s.lines().last().unwrap();
    assert_eq!(y, 29, "the cursor on the command line");
    // the end is shown, cut on the left with a marker, the prompt kept
    assert!(last.starts_with(":…"), "{last:?}");
    assert!(last.trim_end().ends_with("THE-END"), "{last:?}");
    assert_eq!(
        x as usize,
        crate::mail::sanitize::width(last.trim_end()),
        "the cursor just after the last character: {last:?}"
    );
    assert!((x as usize) < 60);
    // Home: the start shows, the cursor after the prompt, the cut on the right
    t.keys("<Home>");
    let (s, (x, _)) = screen_and_cursor(&t);
    let last = s.lines().last().unwrap();
    assert!(last.starts_with(":save abcdef"), "{last:?}");
    assert!(last.ends_with('…'), "{last:?}");
    assert!(!last.contains("THE-END"));
    assert_eq!(x, 1);
    // in the middle: the character under the cursor is the one at the cursor
    t.keys(&"<Right>".repeat(80));
    let (s, (x, _)) = screen_and_cursor(&t);
    let last = s.lines().last().unwrap();
    assert!(last.starts_with(":…") && last.ends_with('…'), "{last:?}");
    let under: String = last.chars().skip(x as usize).take(1).collect();
    assert_eq!(under, text[80..81], "{last:?} cursor at {x}");
    // wide characters: the cursor cell counts two per character
    t.keys("<Esc>/");
    t.keys(&"日本".repeat(40));
    let (s, (x, _)) = screen_and_cursor(&t);
    let last = s.lines().last().unwrap();
    let last = last.trim_end();
    assert!(last.starts_with("/…") && last.ends_with("日本"), "{last:?}");
    assert_eq!(x as usize, crate::mail::sanitize::width(last), "{last:?}");
    assert!((x as usize) < 60);
}

#[test]
fn rows_layout_and_tiny_terminals() {
    let mut t = demo_app(100, 30);
    t.keys("L<Enter>");
    let s = screen(&t);
    assert!(s.contains("Subject: Welcome to tmail"), "{s}");
    for (w, h) in [(20, 5), (1, 1), (200, 3)] {
        t.app.update(crate::app::Action::Resize {
            width: w,
            height: h,
        });
        let _ = screen(&t);
    }
}

#[test]
fn only_visible_rows_are_drawn() {
    let mut t = demo_app(120, 20);
    t.keys("G");
    let s = screen(&t);
    let last = t.app.list.selected().unwrap().subject.to_string();
    let first = t.app.list.row_envelope(0).unwrap().subject.to_string();
    let head = |x: &str| {
        crate::mail::sanitize::sanitize(x)
            .chars()
            .take(10)
            .collect::<String>()
    };
    assert!(t.app.list.offset > 0);
    assert!(s.contains(&head(&last)), "{s}");
    assert_ne!(head(&first), head(&last));
    assert!(!s.contains(&head(&first)), "row 0 is scrolled away: {s}");
}

#[test]
fn password_prompt_is_masked_and_never_shown() {
    let mut t = demo_app(120, 30);
    t.app.update(crate::app::Action::Worker(
        crate::app::Event::NeedPassword {
            account: "demo".into(),
            prompt: "Password for alice at mail.example.test: ".into(),
        },
    ));
    t.keys("s3cret");
    let s = screen(&t);
    assert!(
        s.contains("Password for alice at mail.example.test: ******"),
        "{s}"
    );
    assert!(!s.contains("s3cret"));
    t.sent.clear();
    t.keys("<Enter>");
    let cmd = t
        .sent
        .iter()
        .find(|c| matches!(c, crate::app::Command::Password { .. }))
        .expect("password sent to the worker");
    assert!(
        !format!("{cmd:?}").contains("s3cret"),
        "the password would reach a log"
    );
    assert_eq!(t.app.mode, crate::app::Mode::Normal);
}

/// The modifiers of the cells of the list row showing `row` (inside the list pane).
fn row_modifiers(t: &TestApp, row: usize) -> ratatui::style::Modifier {
    row_modifiers_at(t, row, None)
}

/// The modifiers of the cell `x` cells into the list row showing `row` (default: the middle).
fn row_modifiers_at(t: &TestApp, row: usize, x: Option<u16>) -> ratatui::style::Modifier {
    let (w, h) = t.app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::draw(f, &t.app)).unwrap();
    let buf = term.backend().buffer().clone();
    let p = t.app.panes();
    let inner = super::layout::Panes::inner(p.list);
    let y = inner.y + (row - t.app.list.offset) as u16;
    // a cell in the subject column, away from the flags
    buf[(inner.x + x.unwrap_or(inner.width / 2), y)].modifier
}

#[test]
fn without_colour_the_cursor_and_selection_still_show() {
    use crate::ui::theme::{load, ColorSupport};
    use ratatui::style::Modifier;
    let mut t = demo_app(160, 40);
    t.app.theme = load("default", None, ColorSupport::None).unwrap();
    t.app.colors = ColorSupport::None;
    // Two read rows: one under the cursor, one not.
    let read: Vec<usize> = (0..20)
        .filter(|&r| t.app.list.row_envelope(r).unwrap().flags.seen())
        .take(2)
        .collect();
    t.app.list.cursor = read[0];
    let cursor = row_modifiers(&t, read[0]);
    let other = row_modifiers(&t, read[1]);
    assert!(cursor.contains(Modifier::REVERSED), "{cursor:?}");
    assert!(!other.contains(Modifier::REVERSED), "{other:?}");
    // a visual selection over two rows below the cursor
    t.keys("v2j");
    let sel = row_modifiers(&t, t.app.list.cursor - 1);
    assert!(sel.contains(Modifier::REVERSED), "{sel:?}");
    let cur = row_modifiers(&t, t.app.list.cursor);
    assert!(
        cur.contains(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED),
        "the cursor inside the selection stands out: {cur:?}"
    );
    // a search hit outside the selection looks different from a selected row
    t.keys("<Esc>");
    let q = t.app.list.row_envelope(10).unwrap().subject.to_string();
    t.keys(&format!("/{q}<Enter>"));
    t.app.list.cursor = 0;
    let hit = t.app.search.rows.iter().copied().find(|&r| r > 0);
    let hit = hit.expect("a hit below the cursor");
    // the date column: never part of the matched text
    let m = row_modifiers_at(&t, hit, Some(6));
    assert!(
        !m.contains(Modifier::REVERSED),
        "a hit is not shown as selected: {m:?}"
    );
    assert!(m.contains(Modifier::ITALIC), "{m:?}");
    // and not a single colour anywhere
    let (w, h) = t.app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::draw(f, &t.app)).unwrap();
    for c in term.backend().buffer().content() {
        assert_eq!(c.fg, ratatui::style::Color::Reset);
        assert_eq!(c.bg, ratatui::style::Color::Reset);
    }
}

#[test]
fn without_truecolor_themes_use_the_256_palette() {
    use crate::ui::theme::{load, nearest_256, ColorSupport, BUILTIN, KEYS};
    use ratatui::style::Color;
    assert_eq!(nearest_256(0, 0, 0), 16);
    assert_eq!(nearest_256(255, 0, 0), 196);
    assert_eq!(nearest_256(255, 255, 255), 231);
    assert_eq!(nearest_256(128, 128, 128), 244);
    assert_eq!(nearest_256(0x61, 0xaf, 0xef), 75);
    for (name, _) in BUILTIN {
        let t = load(name, None, ColorSupport::Palette256).unwrap();
        for k in KEYS {
            let s = t.style(k);
            for c in [s.fg, s.bg].into_iter().flatten() {
                assert!(!matches!(c, Color::Rgb(..)), "{name} {k}: {c:?}");
            }
        }
    }
    assert_eq!(
        ColorSupport::from_env(false, "truecolor"),
        ColorSupport::TrueColor
    );
    assert_eq!(
        ColorSupport::from_env(false, "24bit"),
        ColorSupport::TrueColor
    );
    assert_eq!(ColorSupport::from_env(false, ""), ColorSupport::Palette256);
    assert_eq!(
        ColorSupport::from_env(true, "truecolor"),
        ColorSupport::None
    );
}

#[test]
fn highlight_marks_every_match_without_case() {
    use ratatui::style::{Modifier, Style};
    let base = Style::default();
    let hit = Style::default().add_modifier(Modifier::REVERSED);
    let spans = super::highlight("Budget: the BUDGET review", "budget", base, hit);
    let marked: Vec<&str> = spans
        .iter()
        .filter(|s| s.style == hit)
        .map(|s| s.content.as_ref())
        .collect();
    assert_eq!(marked, vec!["Budget", "BUDGET"]);
    let all: String = spans.iter().map(|s| s.content.as_ref()).collect();
    assert_eq!(all, "Budget: the BUDGET review");
    // non-ASCII, and a char whose lowercase is longer than itself
    let spans = super::highlight("Grüße aus MÜNCHEN, İstanbul", "ünchen", base, hit);
    assert!(
        spans
            .iter()
            .any(|s| s.style == hit && s.content == "ÜNCHEN"),
        "{spans:?}"
    );
    let spans = super::highlight("İİx", "x", base, hit);
    assert_eq!(spans.last().map(|s| s.content.as_ref()), Some("x"));
    assert_eq!(super::highlight("abc", "", base, hit).len(), 1);
}

#[test]
fn search_matches_are_highlighted_in_the_list_and_the_preview() {
    let mut t = demo_app(160, 40);
    t.keys("/quarterly<Enter>");
    let (w, h) = t.app.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::draw(f, &t.app)).unwrap();
    let hit_bg = t.app.theme.style("match").bg;
    let marked = |buf: &ratatui::buffer::Buffer| -> String {
        buf.content()
            .iter()
            .filter(|c| c.bg == hit_bg.unwrap_or_default())
            .map(|c| c.symbol().to_string())
            .collect()
    };
    let buf = term.backend().buffer().clone();
    assert!(
        marked(&buf).to_lowercase().contains("quarterly"),
        "{:?} {hit_bg:?} {}",
        t.app.search.query,
        screen(&t)
    );
    t.keys("<Enter>");
    term.draw(|f| super::draw(f, &t.app)).unwrap();
    let buf = term.backend().buffer().clone();
    let n = marked(&buf).to_lowercase().matches("quarterly").count();
    assert!(n >= 2, "list and preview: {}", marked(&buf));
}

#[test]
fn threads_draw_branches_and_sizes_fit() {
    let t = demo_app(200, 60);
    let s = screen(&t);
    assert!(s.contains("├ "), "{s}");
    assert!(s.contains("└ "));
    assert!(
        !s.contains("K…") && !s.contains("M…"),
        "a size was cut:\n{s}"
    );
    use super::list::compact_size;
    for (n, want) in [
        (0, "0"),
        (999, "999"),
        (1000, "1.0K"),
        (13_721, "13K"),
        (10_000, "9.8K"),
        (1_258_291, "1.2M"),
        (356_515_840, "340M"),
        (2_254_857_830, "2.1G"),
    ] {
        assert_eq!(compact_size(n), want, "{n}");
        assert!(compact_size(n).chars().count() <= 5);
    }
}

#[test]
fn a_collapsed_folder_counts_its_children() {
    let mut t = demo_app(160, 40);
    let parent = t
        .app
        .tree
        .folders
        .iter()
        .find(|f| f.path == "Projects")
        .cloned()
        .unwrap();
    let below = t.app.tree.unread_below(&parent);
    assert!(below > 0, "the demo has unread mail under Projects");
    t.keys("h");
    t.app.tree.select("demo", "Projects");
    t.keys("za");
    let s = screen(&t);
    let row = s.lines().find(|l| l.contains("Projects")).unwrap();
    assert!(
        row.contains(&format!(" {}", parent.unread + below)),
        "{row}"
    );
}

#[test]
fn a_folded_thread_is_one_row_with_its_counts() {
    let mut t = demo_app(200, 50);
    let total = t.app.list.items.len();
    let row = (0..t.app.list.rows.len())
        .find(|&r| {
            t.app
                .list
                .row_envelope(r)
                .is_some_and(|e| e.subject == "Release plan for 0.4")
        })
        .expect("the thread");
    t.app.list.cursor = row;
    t.keys("za");
    let s = screen(&t);
    let line = s
        .lines()
        .find(|l| l.contains("Release plan"))
        .unwrap_or_else(|| panic!("no row for the thread:\n{s}"));
    assert!(line.contains("▸ [6, 1 unread] Release plan"), "{line}");
    assert!(line.contains("N"), "unread while one of it is: {line}");
    assert!(
        !s.contains("Re: Release plan"),
        "the replies are hidden:\n{s}"
    );
    assert!(
        s.contains(&format!("{total} messages")),
        "the title counts messages, not rows:\n{s}"
    );
}

#[test]
fn no_screen_size_panics_in_any_mode() {
    use crate::app::Action;
    // Each setup leaves the app in one mode: list, help, folder picker, parts list, copy menu,
    // which-key, the `:` line, a confirmation, the composer.
    let setups: &[&str] = &[
        "",
        "?",
        "go",
        "/Q3 report<Enter><Esc><Enter>A",
        "/Q3 report<Enter><Esc><Enter>y",
        "g",
        ":save /tmp/a-very-long-path/that/does/not/fit/anywhere.pdf",
        "/Q3 report<Enter><Esc><Enter>:quit-all-the-things",
        "C",
    ];
    for keys in setups {
        let mut t = demo_app(100, 30);
        if !keys.is_empty() {
            t.keys(keys);
        }
        for (w, h) in [
            (1, 1),
            (2, 1),
            (5, 3),
            (8, 20),
            (9, 30),
            (19, 2),
            (20, 3),
            (21, 4),
            (30, 5),
            (40, 8),
            (60, 1),
            (60, 20),
        ] {
            t.app.update(Action::Resize {
                width: w,
                height: h,
            });
            let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
            term.draw(|f| super::draw(f, &t.app))
                .unwrap_or_else(|e| panic!("{keys:?} at {w}x{h}: {e}"));
        }
    }
}

#[test]
fn a_bare_url_has_a_space_before_its_link_number() {
    let mut t = demo_app(220, 40);
    let uid = t.app.store.uids("demo", "INBOX").unwrap().last().unwrap() + 1;
    let raw = format!(
        "From: Security <sec@keyvault.test>\r\nTo: alice@example.test\r\nSubject: Rotate your keys\r\n\
         Message-ID: <rotate{uid}@keyvault.test>\r\nDate: Thu, 1 Jan 2060 00:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n\
         Read https://keyvault.test/security before Friday.\r\n\
         Or (https://keyvault.test/faq).\r\n"
    );
    let env = crate::mail::parse::envelope_from_raw(raw.as_bytes(), uid, Default::default(), 0);
    t.app.store.put_envelopes("demo", "INBOX", &[env]).unwrap();
    t.app
        .store
        .put_body("demo", "INBOX", uid, raw.as_bytes())
        .unwrap();
    t.app.update(crate::app::Action::Worker(
        crate::app::Event::MessagesChanged {
            account: "demo".into(),
            folder: "INBOX".into(),
            added: vec![uid],
            removed: vec![],
            flags: vec![],
        },
    ));
    assert!(t.app.list.select_uid(uid));
    t.keys("<Enter>");
    assert_eq!(t.app.preview.links.len(), 2, "{:?}", t.app.preview.links);
    let s = screen(&t);
    assert!(
        s.contains("Read https://keyvault.test/security [1] before Friday."),
        "{s}"
    );
    assert!(s.contains("Or (https://keyvault.test/faq [2])."), "{s}");
    assert!(!s.contains("security[1]"));
}

#[test]
fn a_wide_character_just_left_of_a_popup_does_not_cover_its_border() {
    let t = demo_app(40, 10);
    let mut term = Terminal::new(TestBackend::new(40, 10)).unwrap();
    term.draw(|f| {
        // 🌻 takes cells 4 and 5; the popup's left border is cell 5
        f.buffer_mut()
            .set_string(0, 2, "abcd🌻 x", ratatui::style::Style::default());
        super::popup(
            f,
            ratatui::layout::Rect::new(5, 1, 20, 5),
            &t.app,
            "Move to".into(),
        );
    })
    .unwrap();
    let buf = term.backend().buffer();
    assert_eq!(buf[(3, 2)].symbol(), "d");
    assert_eq!(
        buf[(4, 2)].symbol(),
        " ",
        "the emoji would be drawn over the border"
    );
    assert_eq!(buf[(5, 2)].symbol(), "│");
}
