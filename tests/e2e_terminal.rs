//! End to end in tmux: what reaches the terminal — emoji that leave nothing behind a redraw,
//! no colour under NO_COLOR with the cursor and selection still visible, no 24-bit colour to a
//! terminal that did not ask for it.

mod support;

use std::time::Duration;

use support::tmux::Session;

fn demo_with(env: &[(&str, &str)], w: u16, h: u16) -> Session {
    let s = Session::start_env(
        tempfile::tempdir().expect("home"),
        env,
        &["--demo"],
        w,
        h,
        |_| {},
    );
    s.wait_text("Welcome to tmail");
    std::thread::sleep(Duration::from_millis(300));
    s
}

/// The screen now, then after a full repaint (Ctrl-L): a cell the terminal and tmail measured
/// differently keeps a stale character in the first and not in the second.
fn same_after_full_redraw(s: &Session) {
    std::thread::sleep(Duration::from_millis(150));
    let before = s.screen();
    s.keys(&["C-l"]);
    std::thread::sleep(Duration::from_millis(300));
    let after = s.screen();
    assert_eq!(before, after, "stray characters before the full redraw");
}

#[test]
fn emoji_subjects_leave_nothing_behind() {
    let s = demo_with(&[], 200, 50);
    for word in ["hike", "December"] {
        s.type_text(&format!("/{word}"));
        s.keys(&["Enter"]);
        s.wait_text("match");
        // scroll the row over other rows' text, move around it, open it, come back
        for k in [
            "C-d", "C-u", "C-d", "C-u", "j", "j", "k", "k", "Enter", "q", "j", "k",
        ] {
            s.keys(&[k]);
            std::thread::sleep(Duration::from_millis(60));
        }
        same_after_full_redraw(&s);
        s.keys(&["Escape"]);
    }
    let screen = s.screen();
    assert!(screen.contains("🏔") || screen.contains("✈"), "{screen}");
}

#[test]
fn no_color_sends_no_colour_and_keeps_the_cursor_visible() {
    let s = demo_with(&[("NO_COLOR", "1")], 160, 40);
    let out = s.home.path().join("out.bin");
    s.record_output(&out);
    std::thread::sleep(Duration::from_millis(200));
    for k in ["j", "j", "v", "j", "Escape", "C-l"] {
        s.keys(&[k]);
        std::thread::sleep(Duration::from_millis(80));
    }
    std::thread::sleep(Duration::from_millis(300));
    let bytes = std::fs::read(&out).expect("recorded output");
    let text = String::from_utf8_lossy(&bytes);
    let colours = sgr_colours(&text);
    assert!(
        colours.is_empty(),
        "colour sent under NO_COLOR: {colours:?}"
    );
    // the cursor row is in reverse video
    let screen = s.screen_with_escapes();
    let cursor_row = screen
        .lines()
        .find(|l| l.contains("\u{1b}[7m") || l.contains(";7m"))
        .unwrap_or_default();
    assert!(!cursor_row.is_empty(), "no reverse-video row:\n{screen}");
}

/// The colour-setting SGR sequences (`ESC [ ... m` with a foreground or background colour) in
/// terminal output.
fn sgr_colours(out: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = out;
    while let Some(i) = rest.find("\u{1b}[") {
        rest = &rest[i + 2..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == ':'))
            .unwrap_or(rest.len());
        let (params, after) = rest.split_at(end);
        if after.starts_with('m') {
            let colour = params
                .split(';')
                .filter_map(|p| p.parse::<u16>().ok())
                .any(|p| matches!(p, 30..=37 | 40..=47 | 90..=97 | 100..=107 | 38 | 48));
            if colour {
                found.push(format!("ESC[{params}m"));
            }
        }
    }
    found
}

/// The SGR colour sequences tmail wrote while a few keys were pressed.
fn colours_written(env: &[(&str, &str)]) -> String {
    let s = demo_with(env, 160, 40);
    let out = s.home.path().join("out.bin");
    s.record_output(&out);
    std::thread::sleep(Duration::from_millis(200));
    for k in ["j", "C-l"] {
        s.keys(&[k]);
        std::thread::sleep(Duration::from_millis(150));
    }
    std::thread::sleep(Duration::from_millis(300));
    String::from_utf8_lossy(&std::fs::read(&out).expect("recorded output")).into_owned()
}

#[test]
fn truecolor_only_where_the_terminal_says_so() {
    let plain = colours_written(&[("TERM", "screen")]);
    assert!(plain.contains("38;5;"), "no 256-colour sequences at all");
    assert!(
        !plain.contains("38;2;") && !plain.contains("48;2;"),
        "24-bit colour sent to TERM=screen"
    );
    let rich = colours_written(&[("COLORTERM", "truecolor")]);
    assert!(
        rich.contains("38;2;"),
        "COLORTERM=truecolor gets 24-bit colour"
    );
}

/// The subject cells of the list rows on screen (what follows the sender column), for rows
/// that start with the list's border.
fn subject_of_row<'a>(screen: &'a str, contains: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(contains))
}

#[test]
fn small_terminals_keep_room_for_subjects() {
    // 80x24: no folder pane, the list has the width, the preview opens full screen
    let s = demo_with(&[], 80, 24);
    let screen = s.screen();
    assert!(!screen.contains("Folders"), "{screen}");
    let row = subject_of_row(&screen, "Thank-you note from Harbor Bank").unwrap_or_else(|| {
        panic!("the whole subject is shown:\n{screen}");
    });
    assert!(row.contains("Omar Haddad"), "{row}");
    s.keys(&["Enter"]);
    let screen = s.wait_text("Subject: Welcome to tmail");
    assert!(
        !screen.contains("Thank-you note"),
        "the preview covers the list:\n{screen}"
    );
    s.keys(&["q"]);
    s.wait_text("Thank-you note from Harbor Bank");
    // the folder pane comes when asked for, and goes when a folder is opened
    s.keys(&["h"]);
    s.wait_text("Folders");
    s.keys(&["j", "Enter"]);
    s.wait_for("folder pane hidden again", |sc| !sc.contains("Folders"));
    s.keys(&["B"]);
    s.wait_text("Folders");
    drop(s);

    // 60 columns, tall: the preview under the list, addresses never cut inside
    let s = demo_with(&[], 60, 40);
    s.keys(&["Enter"]);
    let screen = s.wait_text("Subject: Welcome to tmail");
    assert!(
        screen.contains("Thank-you note"),
        "the list stays above:\n{screen}"
    );
    assert!(screen.contains("<demo@tmail.test>"), "{screen}");
}
