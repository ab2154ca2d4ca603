//! End to end: a user binding that hides key sequences is named at start — in the status line
//! of the real `tmail --demo` in a pty, and in the log — and tmail still starts and obeys it.

mod support;

use support::tmux::Session;

#[test]
fn a_shadowing_binding_is_named_in_the_status_line_and_the_log_at_start() {
    let s = Session::start(&["--demo"], 200, 40, |config| {
        std::fs::write(
            config.join("keybindings.toml"),
            "[global]\n\"x\" = \"next\"\n\"g\" = \"toggle-threads\"\n",
        )
        .expect("write keybindings");
    });
    let screen = s.wait_text(
        "keybindings.toml:3: \"g\" (toggle-threads) hides gg (first), g/ (server-search)",
    );
    assert!(screen.contains("Welcome to tmail"), "{screen}");
    let log =
        std::fs::read_to_string(s.home.path().join("data/tmail/tmail.log")).expect("tmail.log");
    let keys = s.home.path().join("config/tmail/keybindings.toml");
    assert!(
        log.contains(&format!(
            "keybindings: {}:3: \"g\" (toggle-threads) hides gg (first)",
            keys.display()
        )),
        "{log}"
    );
    // tmail started all the same
    s.type_text("Q");
    s.wait_dead();
}
