//! Key-to-screen latency in a real pty (not a test: run `cargo bench --bench latency [SIZES...]`,
//! default: the demo and a 50000-message store). Prints a Markdown table for docs/BENCHMARKS.md.
//!
//! The release binary runs in tmux exactly as a user runs it. Each key is sent on its own with
//! `send-keys`, and the time is taken until `capture-pane` shows its effect (text or attributes),
//! polled every 2 ms; the time includes tmux's own round trips (~3–5 ms: `less` answers in ~6 ms
//! on these machines). For a store of N messages the bench writes a store directly (the
//! tests' varied generated mail, threads included, every body cached) and starts tmail on it with
//! an account whose server is unreachable: tmail runs from its cache, as it does offline.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::time::Duration;

use support::tmux::Session;
use tmail::mail::{parse::envelope_from_raw, Flags, Folder, Role};
use tmail::store::{FolderState, Store};

/// An account on a port where nothing listens: the worker stays offline, the UI runs from the store.
const OFFLINE_CONFIG: &str = "[[accounts]]\nname = \"work\"\nemail = \"user@example.test\"\n[accounts.imap]\nhost = \"127.0.0.1\"\nport = 9\nsecurity = \"tls\"\nusername = \"user\"\npassword_command = \"printf %s x\"\n";

/// Write a store of `n` messages (all bodies cached) under `data/tmail/store` of `home`.
fn make_store(home: &Path, n: usize) {
    let dir = home.join("data/tmail/store");
    std::fs::create_dir_all(&dir).expect("store dir");
    let store = Store::open(&dir).expect("open store");
    store
        .put_folder(&Folder {
            account: "work".into(),
            path: "INBOX".into(),
            delimiter: Some('/'),
            role: Some(Role::Inbox),
            selectable: true,
            unread: 0,
            total: 0,
        })
        .expect("folder");
    let mut batch = Vec::with_capacity(2000);
    for i in 0..n {
        let raw = support::corpus::message(i);
        let uid = i as u32 + 1;
        let flags = if i % 3 == 0 {
            Flags::default()
        } else {
            Flags::default().with(Flags::SEEN, true)
        };
        batch.push(envelope_from_raw(
            &raw,
            uid,
            flags,
            1_767_225_600 + i as i64 * 3600,
        ));
        store.put_body("work", "INBOX", uid, &raw).expect("body");
        if batch.len() == 2000 {
            store
                .put_envelopes("work", "INBOX", &batch)
                .expect("envelopes");
            batch.clear();
        }
    }
    store
        .put_envelopes("work", "INBOX", &batch)
        .expect("envelopes");
    store
        .set_folder_state(
            "work",
            "INBOX",
            &FolderState {
                uidvalidity: 1,
                uidnext: n as u32 + 1,
                highestmodseq: 0,
            },
        )
        .expect("state");
    store.recount("work", "INBOX").expect("recount");
    store.flush().expect("flush");
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
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![50_000]
    } else {
        sizes
    };
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
