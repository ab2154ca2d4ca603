//! End to end: the real `tmail --demo` in a pty under tmux, driven with keys like a user.

mod support;

use support::tmux::Session;

#[test]
fn drive_the_demo_through_all_panes() {
    let s = Session::start(&["--demo"], 150, 40, |_| {});
    let screen = s.wait_text("Welcome to tmail");
    assert!(
        screen.contains("Folders") && screen.contains("INBOX"),
        "{screen}"
    );

    // open the top message in the preview
    s.keys(&["Enter"]);
    s.wait_text("Subject: Welcome to tmail");
    s.wait_text(" READ ");

    // back to the list, move down with a count, then to the top again
    s.keys(&["q"]);
    s.wait_text(" LIST ");
    s.type_text("3j");
    s.wait_text("4/");
    s.type_text("gg");
    s.wait_text("1/");

    // the folder pane: go there, open a sub-folder
    s.keys(&["h"]);
    s.wait_text(" FOLDERS ");
    s.type_text(":folder Projects/tmail");
    s.keys(&["Enter"]);
    s.wait_text("Projects/tmail —");

    // search bodies of INBOX
    s.type_text(":folder INBOX");
    s.keys(&["Enter"]);
    s.wait_text("INBOX —");
    s.type_text("/zanzibar");
    s.keys(&["Enter"]);
    s.wait_text("1 match for \"zanzibar\"");
    s.keys(&["Enter"]);
    s.wait_text("Subject: Quarterly budget review");

    // help from the live keymap
    s.type_text("?");
    s.wait_text("half-page-down");
    s.keys(&["Escape"]);
    s.wait_for("help closed", |sc| !sc.contains("half-page-down"));

    // q steps back: preview -> list, then clears the search, then quits
    s.keys(&["q"]);
    s.wait_text(" LIST ");
    s.keys(&["q"]);
    s.wait_text("search cleared");
    s.keys(&["q"]);
    s.wait_dead();
}

#[test]
fn hostile_message_cannot_drive_the_terminal() {
    let s = Session::start(&["--demo"], 140, 40, |_| {});
    s.wait_text("Welcome to tmail");
    let title_before = s.pane_title();
    s.type_text("/OVERDUE");
    s.keys(&["Enter", "Enter"]);
    // the preview shows the hit as soon as the cursor is on it: wait for the message opened
    let screen = s.wait_for("the message opened", |sc| {
        sc.contains("Subject: Invoice") && sc.contains(" READ ")
    });
    assert!(screen.contains("OVERDUE"));
    // the OSC 0 in the subject would have set the window title to "pwned"
    assert_ne!(s.pane_title(), "pwned");
    assert_eq!(s.pane_title(), title_before);
    // \x1b[2J would have cleared the screen and \x1b[?1049l left the alternate screen: the panes are still there
    assert!(
        screen.contains("Folders") && screen.contains(" READ "),
        "{screen}"
    );
    // no red from \x1b[31m: tmail's own styles only
    let raw = s.screen_with_escapes();
    assert!(
        !raw.contains("\u{1b}]8;"),
        "hyperlink escape reached the terminal"
    );
    s.keys(&["Q"]);
    s.wait_dead();
}

#[test]
fn user_keybinding_file_remaps_keys() {
    let s = Session::start(&["--demo"], 140, 40, |dir| {
        std::fs::write(
            dir.join("keybindings.toml"),
            "[list]\n\"x\" = \"last\"\n\"j\" = \"unbind\"\n",
        )
        .unwrap();
    });
    s.wait_text("Welcome to tmail");
    s.type_text("x");
    let screen = s.wait_for("cursor on the last row", |sc| {
        sc.lines().any(|l| {
            l.contains(" LIST ")
                && l.split(" · ").any(|p| {
                    let p = p.trim();
                    p.split_once('/')
                        .is_some_and(|(a, b)| a == b && a.parse::<u32>().is_ok())
                })
        })
    });
    assert!(screen.contains(" LIST "));
    s.type_text("j");
    s.wait_text("j is not bound here");
    s.keys(&["Q"]);
    s.wait_dead();
}

#[test]
fn broken_user_keybinding_file_is_reported_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("tmail");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("keybindings.toml"),
        "[list]\n\"j\" = \"next\"\n\"x\" = \"explode\"\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tmail"))
        .args(["--demo"])
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("keybindings.toml:3:") && err.contains("explode"),
        "{err}"
    );
}

#[test]
fn idle_tmail_writes_nothing_and_a_keystroke_writes_little() {
    let s = Session::start(&["--demo"], 140, 40, |_| {});
    s.wait_text("Welcome to tmail");
    // start-up settles (the worker says it is online; such frames may trail by a few ms)
    std::thread::sleep(std::time::Duration::from_millis(300));
    let log = s.home.path().join("out.bin");
    s.record_output(&log);
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let idle = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    assert_eq!(idle, 0, "an idle tmail wrote {idle} bytes to the terminal");
    s.type_text("j");
    s.wait_text("2/");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let one_j = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    assert!(one_j > 0 && one_j < 2000, "one j wrote {one_j} bytes");
    s.keys(&["Q"]);
    s.wait_dead();
}

#[test]
fn moving_costs_few_bytes_on_the_wire() {
    let s = Session::start(&["--demo"], 140, 40, |_| {});
    s.wait_text("Welcome to tmail");
    let log = s.home.path().join("out.bin");
    s.record_output(&log);
    std::thread::sleep(std::time::Duration::from_millis(300));
    // The list alone: moving the selection repaints two rows and the position.
    s.keys(&["p"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let j = s.bytes_per_press(&log, "j", 12);
    let mean = j.iter().sum::<u64>() / j.len() as u64;
    assert!(
        mean <= 300,
        "j with the preview hidden: {j:?} (mean {mean})"
    );
    assert!(j.iter().all(|&b| b > 0 && b <= 400), "{j:?}");
    // Reading on: the preview shows the next message.
    s.keys(&["p"]);
    s.keys(&["Enter"]);
    s.wait_text("Subject: ");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let next = s.bytes_per_press(&log, "J", 10);
    assert!(next.iter().all(|&b| b > 0 && b <= 2000), "J: {next:?}");
    // and nothing while nothing happens
    let idle = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0), idle);
    s.keys(&["Q"]);
    s.wait_dead();
}

#[test]
fn sigterm_restores_the_terminal() {
    let s = Session::start(&["--demo"], 120, 30, |_| {});
    s.wait_text("Welcome to tmail");
    assert!(s.in_alternate_screen());
    // the pane runs `env ... tmail`, which execs tmail: the pane pid is tmail's
    let pid = s.pid();
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    s.wait_dead();
    assert!(
        !s.in_alternate_screen(),
        "terminal left in the alternate screen"
    );
}
