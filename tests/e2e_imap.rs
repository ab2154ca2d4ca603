//! End to end against a real Dovecot: the real binary in tmux reads an IMAP account, opens a
//! message, sees new mail arrive by itself; then `tmail list --json` and `tmail sync` as cron would.

mod support;

use std::path::Path;
use std::process::Command;

use support::dovecot::{dovecot, User};
use support::tmux::Session;

fn config(u: &User, password: &str) -> String {
    support::harness::config_toml(u, password, dovecot().imaps_port(), dovecot().ca_file())
}

fn tmail(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tmail"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .expect("run tmail")
}

#[test]
fn read_imap_mail_and_see_new_mail_arrive() {
    let d = dovecot();
    let u = d.new_user("e2e");
    for i in 0..3 {
        d.deliver(&u, &support::corpus::message(i));
    }
    let cfg = config(&u, &u.password);
    let s = Session::start(&[], 150, 40, |dir| {
        std::fs::write(dir.join("config.toml"), &cfg).unwrap()
    });
    let screen = s.wait_text("#2 alternative");
    assert!(
        screen.contains("INBOX") && screen.contains("Sent") && screen.contains("Trash"),
        "{screen}"
    );

    // open the newest message: its body comes from the server
    s.keys(&["Enter"]);
    s.wait_text("plain part 2");

    // new mail is delivered while nobody touches the keyboard
    d.deliver(&u, &support::corpus::message(3));
    s.wait_text("#3 attachment");
    s.wait_text("new mail from Sender 3");

    s.keys(&["Q"]);
    s.wait_dead();

    // opening marked it \Seen on the server (journal replayed)
    let seen = d.doveadm(&["search", "-u", &u.name, "mailbox", "INBOX", "SEEN"]);
    assert_eq!(seen.lines().count(), 1, "{seen}");

    // cron-style: list from the store as JSON Lines
    let out = tmail(s.home.path(), &["list", "--json", "--limit", "10"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["subject"], "#3 attachment");
    for l in &lines {
        for key in ["uid", "folder", "date", "from", "subject", "flags"] {
            assert!(!l[key].is_null(), "{key} missing in {l}");
        }
    }
    let opened = lines
        .iter()
        .find(|l| l["subject"] == "#2 alternative")
        .unwrap();
    assert!(
        opened["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "seen"),
        "{opened}"
    );

    // one full sync: summary on stdout, exit 0
    d.deliver(&u, &support::corpus::message(4));
    let out = tmail(s.home.path(), &["sync", "--bodies"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("work:") && stdout.contains("1 new") && stdout.contains("bodies"),
        "{stdout}"
    );
    let out = tmail(s.home.path(), &["list", "--folder", "INBOX"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 5);
}

#[test]
fn sync_with_a_wrong_password_fails_with_the_reason() {
    let d = dovecot();
    let u = d.new_user("e2e-bad");
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config/tmail")).unwrap();
    std::fs::write(
        home.path().join("config/tmail/config.toml"),
        config(&u, "not-the-password"),
    )
    .unwrap();
    let out = tmail(home.path(), &["sync"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused the login") && err.contains(&u.name),
        "{err}"
    );
    assert!(
        !err.contains("not-the-password"),
        "the password leaked: {err}"
    );
    let log = std::fs::read_to_string(home.path().join("data/tmail/tmail.log")).unwrap_or_default();
    assert!(
        !log.contains("not-the-password"),
        "the password is in the log"
    );
}

#[test]
fn starts_from_the_cache_while_the_server_is_down() {
    let d = support::dovecot::private_dovecot();
    let u = d.new_user("cached");
    for i in 0..3 {
        d.deliver(&u, &support::corpus::message(i));
    }
    let cfg = support::harness::config_toml(&u, &u.password, d.imaps_port(), d.ca_file());
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config/tmail")).unwrap();
    std::fs::write(home.path().join("config/tmail/config.toml"), &cfg).unwrap();
    let out = tmail(home.path(), &["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    d.stop();
    // no server: the cached folders and list are on screen anyway, and it says offline
    let s = Session::start_in(home, &[], 150, 40, |_| {});
    let screen = s.wait_text("#2 alternative");
    assert!(screen.contains("Archive"), "{screen}");
    s.wait_text("offline: work");
    s.keys(&["Q"]);
    s.wait_dead();
}
