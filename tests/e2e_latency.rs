//! End to end, in a real pty (tmux): every key, paste, resize, worker event and signal reaches the
//! screen at once. Each one is timed on its own, and the test fails if its effect is not on screen
//! within 250 ms. That bound is generous (keys answer in a few ms); it exists to catch a lost
//! wake-up, where an input waits for some unrelated timer (it used to: ~0.9 s, the 1 s tick).
//! It is not a speed target: the benchmark `cargo bench --bench latency` measures speed.

mod support;

use std::time::Duration;

use support::tmux::Session;

const BOUND: Duration = Duration::from_millis(250);

struct Timings {
    rows: Vec<(String, Option<Duration>)>,
}

impl Timings {
    fn check(
        &mut self,
        s: &Session,
        what: &str,
        act: impl FnOnce(&Session),
        done: impl Fn(&str) -> bool,
    ) {
        // Settle first: nothing may still be drawing from the step before.
        std::thread::sleep(Duration::from_millis(60));
        let t = s.time_until(act, done, Duration::from_secs(3));
        self.rows.push((what.to_string(), t));
        // Wait for a late effect anyway, so the next step starts from a settled screen.
        if t.is_none() {
            std::thread::sleep(Duration::from_millis(500));
        }
    }

    /// A key whose effect is any change of the screen.
    fn key(&mut self, s: &Session, key: &str) {
        let before = s.screen_with_escapes();
        self.check(
            s,
            &format!("key {key}"),
            |s| s.keys(&[key]),
            |now| now != before,
        );
    }

    fn assert_all_fast(&self) {
        let slow: Vec<String> = self
            .rows
            .iter()
            .filter(|(_, t)| t.is_none_or(|t| t > BOUND))
            .map(|(w, t)| format!("{w}: {t:?}"))
            .collect();
        let all: Vec<String> = self
            .rows
            .iter()
            .map(|(w, t)| format!("{w}: {t:?}"))
            .collect();
        assert!(
            slow.is_empty(),
            "effects later than {BOUND:?} (a lost wake-up?): {slow:?}\nall: {all:#?}"
        );
    }
}

#[test]
fn every_input_reaches_the_screen_at_once() {
    let s = Session::start(&["--demo"], 200, 50, |_| {});
    s.wait_text("Welcome to tmail");
    // The rest of the folder loads after the first frame; let start-up finish.
    std::thread::sleep(Duration::from_millis(300));
    let mut t = Timings { rows: Vec::new() };

    for key in ["j", "j", "j", "k", "k", "G", "g", "g", "j", "k"] {
        t.key(&s, key);
    }
    // Enter on a message: the preview shows its body.
    t.check(
        &s,
        "Enter opens the message",
        |s| s.keys(&["Enter"]),
        |sc| sc.contains("Subject: "),
    );
    t.key(&s, "q");
    // `/` and a word, one key at a time, then the hits.
    t.key(&s, "/");
    for c in ["z", "a", "n", "z"] {
        t.key(&s, c);
    }
    t.check(
        &s,
        "search Enter",
        |s| s.keys(&["Enter"]),
        |sc| sc.contains("match for \"zanz\""),
    );
    // A worker event: `gs` asks the demo worker, whose answer comes back as an event.
    t.key(&s, "g");
    t.check(
        &s,
        "worker event after gs",
        |s| s.keys(&["s"]),
        |sc| sc.contains("no server to check"),
    );
    // A bracketed paste into the `:` line.
    t.key(&s, ":");
    t.check(
        &s,
        "paste",
        |s| s.paste("folder Projects"),
        |sc| sc.contains(":folder Projects"),
    );
    t.key(&s, "Escape");
    // A resize redraws at the new size.
    t.check(
        &s,
        "resize",
        |s| s.resize(120, 40),
        |_| {
            // The panes' bottom border is drawn on row 38 of 40 at the new width.
            let screen = s.screen();
            screen
                .lines()
                .nth(37)
                .is_some_and(|l| l.chars().count() == 120 && l.ends_with('┘'))
        },
    );
    // SIGTERM ends tmail and restores the terminal at once.
    let pid = s.pid();
    t.check(
        &s,
        "SIGTERM",
        |_| {
            // SAFETY: kill(2) on the pid of our own child process.
            unsafe { libc::kill(pid as i32, libc::SIGTERM) };
        },
        |_| s.is_dead(),
    );
    t.assert_all_fast();
    assert!(
        !s.in_alternate_screen(),
        "terminal not restored after SIGTERM"
    );
}
