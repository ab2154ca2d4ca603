//! Key-to-frame latency (not a test: run `cargo bench --bench latency [SIZES...] [--no-pty]
//! [--no-inproc]`, default sizes 10000 50000 100000). Prints Markdown tables for
//! docs/BENCHMARKS.md.
//!
//! Two measurements of the same generated mailbox (`common/store.rs`: the tests' varied mail
//! with realistic threads, every INBOX body cached):
//!
//! - **In process** (`common/inproc.rs`): each key through `App::update` and a frame drawn into a
//!   `TestBackend`, for every action issue 11 lists, at each size; median and maximum, and the
//!   growth from the smallest to the largest store.
//! - **In a real pty**: the release binary in tmux exactly as a user runs it. Each key is sent on
//!   its own with `send-keys`, and the time is taken until `capture-pane` shows its effect (text
//!   or attributes), polled every 2 ms; the time includes tmux's own round trips (~3–5 ms: `less`
//!   answers in ~6 ms on these machines). tmail runs on the store with an account whose server
//!   is unreachable: from its cache, as it does offline.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "common/inproc.rs"]
mod inproc;
#[path = "common/jobs.rs"]
mod jobs;
#[path = "common/store.rs"]
mod store;

use std::path::Path;
use std::time::Duration;

use support::tmux::Session;

/// An account on a port where nothing listens: the worker stays offline, the UI runs from the store.
const OFFLINE_CONFIG: &str = "[[accounts]]\nname = \"work\"\nemail = \"user@example.test\"\n[accounts.imap]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"tls\"\nusername = \"user\"\npassword_command = \"printf %s x\"\n";

/// Put a copy of the `n`-message store under `data/tmail/store` of `home`.
fn make_store(home: &Path, n: usize) {
    store::copy_to(&home.join("data/tmail/store"), n);
}

/// Median and maximum of a set of timings.
fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

/// Time one action until the screen has changed and satisfies `done` (if given).
fn time(s: &Session, act: impl FnOnce(&Session), done: Option<&dyn Fn(&str) -> bool>) -> Duration {
    std::thread::sleep(Duration::from_millis(80));
    let before = s.screen_with_escapes();
    let t = match done {
        Some(d) => s.time_until(act, |sc| sc != before && d(sc), Duration::from_secs(10)),
        None => s.time_until(act, |sc| sc != before, Duration::from_secs(10)),
    };
    t.unwrap_or_else(|| panic!("no effect within 10 s; screen:\n{}", s.screen()))
}

fn measure(label: &str, s: &Session, word: &str) {
    let presses = 20;
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    let row = |what: &str, v: Vec<Duration>| {
        let (med, max) = stats(v);
        println!("| {label} | {what} | {} | {} |", ms(med), ms(max));
    };
    row(
        "`j`",
        (0..presses)
            .map(|_| time(s, |s| s.keys(&["j"]), None))
            .collect(),
    );
    for (key, what) in [("U", "`U` (toggle read)"), ("f", "`f` (toggle flag)")] {
        row(
            what,
            (0..presses)
                .map(|_| time(s, |s| s.keys(&[key]), None))
                .collect(),
        );
    }
    let mut g = Vec::new();
    for _ in 0..presses / 2 {
        g.push(time(s, |s| s.keys(&["G"]), None));
        s.type_text("gg");
    }
    row("`G`", g);
    let mut enter = Vec::new();
    for _ in 0..presses / 2 {
        s.keys(&["j"]);
        enter.push(time(
            s,
            |s| s.keys(&["Enter"]),
            Some(&|sc: &str| sc.contains("Subject: ")),
        ));
        s.keys(&["q"]);
    }
    row("Enter on a message", enter);
    let mut keys = Vec::new();
    let mut hits = Vec::new();
    for _ in 0..5 {
        keys.push(time(s, |s| s.keys(&["/"]), None));
        for c in word.chars() {
            keys.push(time(s, |s| s.type_text(&c.to_string()), None));
        }
        hits.push(time(
            s,
            |s| s.keys(&["Enter"]),
            Some(&|sc: &str| sc.contains(&format!("for \"{word}\""))),
        ));
        s.keys(&["q"]);
    }
    row(&format!("`/` and each key of \"{word}\""), keys);
    row(&format!("Enter of `/{word}` to the hits"), hits);
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("latency benchmark: run it with `cargo bench --bench latency [SIZES...]`");
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 50_000, 100_000]
    } else {
        sizes
    };
    if !args.iter().any(|a| a == "--no-inproc") {
        let mut table = inproc::Table::default();
        for &n in &sizes {
            inproc::run(n, &mut table);
        }
        println!("\n### In process: key to frame (`App::update` + a 200x50 `TestBackend` draw)\n");
        table.print(&sizes);
    }
    if args.iter().any(|a| a == "--no-pty") {
        return;
    }
    println!("\n### In a real pty (tmux, 200x50, release binary)\n");
    println!("| mailbox | action | median ms | max ms |");
    println!("|---|---|---:|---:|");
    let s = Session::start(&["--demo"], 200, 50, |_| {});
    s.wait_text("Welcome to tmail");
    std::thread::sleep(Duration::from_millis(500));
    measure("demo (204)", &s, "zanzibar");
    drop(s);
    for n in sizes {
        let home = tempfile::tempdir().expect("home");
        make_store(home.path(), n);
        let s = Session::start_in(home, &[], 200, 50, |dir| {
            std::fs::write(dir.join("config.toml"), OFFLINE_CONFIG).expect("config");
        });
        s.wait_for("the whole folder", |sc| {
            sc.contains(&format!("{n} messages"))
        });
        std::thread::sleep(Duration::from_millis(500));
        measure(&format!("{n} messages"), &s, "sender3");
    }
}
