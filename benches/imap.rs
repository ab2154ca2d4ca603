//! IMAP benchmark against a real Dovecot (not a test: run `cargo bench --bench imap [SIZES...]`,
//! default 10000 50000; add 100000 for scaling). Prints a Markdown table for docs/BENCHMARKS.md.
//!
//! Per INBOX size: the floor (a bare `UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`),
//! cold `tmail sync` (headers), a no-change resync, launching the TUI to a full first screen from a
//! warm store and from a cold one (and until every message is listed), peak RSS, and bytes written
//! to the terminal per `j` in the list with the preview hidden.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use support::dovecot::{dovecot, User};
use support::tmux::Session;

fn config(u: &User) -> String {
    let d = dovecot();
    support::harness::config_toml(u, &u.password, d.imaps_port(), d.ca_file())
}

/// Run `tmail ARGS` and return (wall time, peak RSS in KiB).
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives its rusage
fn run_tmail(home: &Path, args: &[&str]) -> (Duration, u64) {
    let start = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_tmail"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn tmail");
    let mut status = 0;
    // SAFETY: zeroed rusage is a valid value to be filled by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; pointers are to live locals.
    let r = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert!(
        r > 0 && status == 0,
        "tmail {args:?} failed (status {status})"
    );
    (start.elapsed(), usage.ru_maxrss as u64)
}

fn floor(u: &User) -> Duration {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let d = dovecot();
        let server = tmail::config::ServerSettings {
            host: "127.0.0.1".into(),
            port: Some(d.imaps_port()),
            security: tmail::config::Security::Tls,
            username: None,
            password_command: None,
            oauth2_token_command: None,
            ca_file: Some(d.ca_file().to_path_buf()),
            allow_plaintext: false,
            disable_extensions: Vec::new(),
            leave_on_server: None,
            delete_after_days: None,
            check_interval: None,
        };
        let creds = tmail::backend::imap::conn::Credentials::Password {
            user: u.name.clone(),
            password: tmail::backend::secret::Secret::new(u.password.clone()),
        };
        let (mut s, _) = tmail::backend::imap::conn::connect(&server, &creds)
            .await
            .unwrap();
        let start = Instant::now();
        s.select("INBOX").await.unwrap();
        let n = s
            .uid_fetch("1:*", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)")
            .await
            .unwrap()
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await
            .unwrap();
        let t = start.elapsed();
        assert!(n > 0);
        t
    })
}

fn vm_hwm_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Launch the TUI; time until the list's first screen is drawn, and until `n` messages are listed.
fn launch(cfg: &str, home_from: Option<&Path>, n: usize) -> (Duration, Duration, u64, Session) {
    let start = Instant::now();
    let s = Session::start(&[], 160, 50, |dir| {
        std::fs::write(dir.join("config.toml"), cfg).unwrap();
        if let Some(from) = home_from {
            // reuse a synced store: the warm case
            let data = dir.parent().unwrap().parent().unwrap().join("data/tmail");
            std::fs::create_dir_all(&data).unwrap();
            let status = Command::new("cp")
                .arg("-a")
                .arg(from.join("data/tmail/store"))
                .arg(&data)
                .status()
                .unwrap();
            assert!(status.success());
        }
    });
    let spawned = Instant::now();
    let full = format!("INBOX — {n} messages");
    s.wait_for("a full first screen", |sc| {
        sc.lines().filter(|l| l.contains(" #")).count() >= 40
    });
    let first = spawned.elapsed();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !s.screen().contains(&full) {
        assert!(
            Instant::now() < deadline,
            "never listed {n}:\n{}",
            s.screen()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let all = spawned.elapsed();
    let _ = start;
    let rss = vm_hwm_kib(s.pid());
    (first, all, rss, s)
}

fn bytes_per_j(s: &Session) -> u64 {
    s.type_text("p"); // hide the preview
    std::thread::sleep(Duration::from_millis(300));
    let log = s.home.path().join("out.bin");
    s.record_output(&log);
    std::thread::sleep(Duration::from_millis(200));
    let presses = 20;
    for i in 0..presses {
        s.type_text("j");
        let want = format!("{}/", i + 2);
        s.wait_for("the cursor to move", |sc| {
            sc.contains(&format!(" · {want}"))
        });
    }
    std::thread::sleep(Duration::from_millis(300));
    std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) / presses
}

/// A first sync interrupted (the TUI killed when a third of the folder is listed), then a
/// start that finishes it while keys are pressed (`j` and `U` every 50 ms): the peak RSS of
/// that second start.
fn interrupted_sync_with_keys(cfg: &str, n: usize) -> u64 {
    let s = Session::start(&[], 160, 50, |dir| {
        std::fs::write(dir.join("config.toml"), cfg).unwrap();
    });
    s.wait_for("a third of the folder", |sc| {
        sc.lines()
            .find(|l| l.contains("INBOX — "))
            .and_then(|l| l.split("INBOX — ").nth(1))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|c| c.parse::<usize>().ok())
            .is_some_and(|c| c >= n / 3)
    });
    let _ = Command::new("kill")
        .args(["-KILL", &s.pid().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(500));
    let home = s.into_home();
    let s = Session::start_in(home, &[], 160, 50, |_| {});
    let full = format!("INBOX — {n} messages");
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut i = 0;
    while !s.screen().contains(&full) {
        assert!(
            Instant::now() < deadline,
            "never listed {n}:\n{}",
            s.screen()
        );
        s.type_text(if i % 4 == 3 { "U" } else { "j" });
        i += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    for _ in 0..20 {
        s.type_text("j");
        std::thread::sleep(Duration::from_millis(50));
    }
    let rss = vm_hwm_kib(s.pid());
    s.keys(&["Q"]);
    s.wait_dead();
    rss
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this binary without it, and a
    // benchmark is not a test: say so and stop.
    if !std::env::args().any(|a| a == "--bench") {
        println!("imap benchmark: run it with `cargo bench --bench imap [SIZES...]`");
        return;
    }
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 50_000]
    } else {
        sizes
    };
    let d = dovecot();
    println!("| INBOX | floor: bare UID FETCH | cold `tmail sync` | no-change resync | first screen, warm | first screen, cold | all listed, cold | peak RSS (TUI, warm) | peak RSS (TUI, cold) | peak RSS (TUI, finishing a sync, keys pressed) | peak RSS (`sync`) | bytes per `j` |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let u = d.new_user(&format!("bench{n}"));
        d.append_many(&u, "INBOX", &support::corpus::messages(n));
        let cfg = config(&u);
        let floor = floor(&u);

        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join("config/tmail")).unwrap();
        std::fs::write(home.path().join("config/tmail/config.toml"), &cfg).unwrap();
        let (cold_sync, sync_rss) = run_tmail(home.path(), &["sync"]);
        let (resync, _) = run_tmail(home.path(), &["sync"]);

        let (warm_first, _, warm_rss, s) = launch(&cfg, Some(home.path()), n);
        let log =
            std::fs::read_to_string(s.home.path().join("data/tmail/tmail.log")).unwrap_or_default();
        for l in log
            .lines()
            .filter(|l| l.contains("opened") || l.contains("ready in"))
        {
            eprintln!("warm start: {l}");
        }
        s.keys(&["Q"]);
        s.wait_dead();
        let (cold_first, cold_all, rss, s) = launch(&cfg, None, n);
        let per_j = bytes_per_j(&s);
        s.keys(&["Q"]);
        s.wait_dead();
        let finishing = interrupted_sync_with_keys(&cfg, n);
        let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
        println!(
            "| {n} | {} | {} | {} | {} | {} | {} | {:.0} MB | {:.0} MB | {:.0} MB | {:.0} MB | {per_j} |",
            ms(floor),
            ms(cold_sync),
            ms(resync),
            ms(warm_first),
            ms(cold_first),
            ms(cold_all),
            warm_rss as f64 / 1024.0,
            rss as f64 / 1024.0,
            finishing as f64 / 1024.0,
            sync_rss as f64 / 1024.0
        );
    }
}
