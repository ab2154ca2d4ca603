//! End to end, the write path against a real Dovecot: the real binary in tmux flags, moves and
//! deletes; the server goes down and comes back and catches up; tmail killed with SIGKILL in the
//! middle of a replay and started again converges, nothing lost or done twice.

mod support;

use support::dovecot::{private_dovecot, Dovecot, User};
use support::tmux::Session;

fn config(d: &Dovecot, u: &User) -> String {
    support::harness::config_toml(u, &u.password, d.imaps_port(), d.ca_file())
}

fn count(d: &Dovecot, u: &User, folder: &str, what: &str) -> usize {
    d.doveadm(&["search", "-u", &u.name, "mailbox", folder, what])
        .lines()
        .count()
}

fn settled(sc: &str) -> bool {
    !sc.contains("pending") && !sc.contains("offline")
}

#[test]
fn flag_move_delete_then_the_server_goes_away_and_catches_up() {
    let d = private_dovecot();
    let u = d.new_user("catchup");
    for i in 0..6 {
        d.deliver(&u, &support::corpus::message(i));
    }
    let cfg = config(&d, &u);
    let s = Session::start(&[], 150, 40, |dir| {
        std::fs::write(dir.join("config.toml"), &cfg).unwrap()
    });
    s.wait_text("#5 latin1");
    // online: flag the top message, move the next to Archive, delete the next
    s.type_text("f");
    s.type_text("j:move Archive");
    s.keys(&["Enter"]);
    s.type_text("d");
    s.wait_for("the journal replayed", |sc| {
        sc.contains("moved 1 message to Trash") && settled(sc)
    });
    assert_eq!(count(&d, &u, "INBOX", "FLAGGED"), 1);
    assert_eq!(count(&d, &u, "Archive", "ALL"), 1);
    assert_eq!(count(&d, &u, "Trash", "ALL"), 1);

    // the server goes away; tmail keeps working from its store
    d.stop();
    s.type_text("gs");
    s.wait_text("offline: work");
    s.type_text("ggf");
    s.type_text("j:move Archive");
    s.keys(&["Enter"]);
    s.wait_text("2 pending");
    // back: the actions reach the server without a keypress
    d.start();
    s.wait_for("the server to catch up", settled);
    assert_eq!(
        count(&d, &u, "INBOX", "FLAGGED"),
        0,
        "the second f unflagged the first message"
    );
    assert_eq!(count(&d, &u, "Archive", "ALL"), 2);
    assert_eq!(count(&d, &u, "INBOX", "ALL"), 3);
    s.keys(&["Q"]);
    s.wait_dead();
}

#[test]
fn killed_mid_replay_and_restarted_converges_without_doubles() {
    let d = private_dovecot();
    let u = d.new_user("sigkill");
    let n = 120;
    d.append_many(
        &u,
        "INBOX",
        &(0..200)
            .filter(|i| i % 16 != 7)
            .take(n)
            .map(support::corpus::message)
            .collect::<Vec<_>>(),
    );
    let cfg = config(&d, &u);
    let s = Session::start(&[], 150, 40, |dir| {
        std::fs::write(dir.join("config.toml"), &cfg).unwrap()
    });
    s.wait_text(&format!("INBOX — {n} messages"));
    d.stop();
    s.type_text("gs");
    s.wait_text("offline: work");
    // select everything and move it: one journal entry per message
    s.type_text("ggvG:move Archive");
    s.keys(&["Enter"]);
    s.wait_text(&format!("{n} pending"));
    d.start();
    // kill -9 as soon as the replay has begun
    let pid = s.pid();
    let t0 = std::time::Instant::now();
    while count(&d, &u, "Archive", "ALL") == 0 {
        assert!(t0.elapsed().as_secs() < 30, "the replay never started");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    s.wait_dead();
    let moved_before = count(&d, &u, "Archive", "ALL");
    assert!(
        moved_before < n,
        "killed too late to be mid-replay ({moved_before} of {n} done)"
    );

    // start again on the same store: the journal finishes the job, exactly once
    let home = s.into_home();
    let s = Session::start_in(home, &[], 150, 40, |_| {});
    s.wait_for("the replay to finish", |sc| {
        settled(sc) && sc.contains("INBOX — 0 messages")
    });
    assert_eq!(count(&d, &u, "INBOX", "ALL"), 0);
    assert_eq!(
        count(&d, &u, "Archive", "ALL"),
        n,
        "a message was lost or moved twice"
    );
    let ids = d.doveadm(&[
        "fetch",
        "-u",
        &u.name,
        "hdr.message-id",
        "mailbox",
        "Archive",
        "all",
    ]);
    let mut ids: Vec<&str> = ids
        .lines()
        .filter(|l| l.starts_with("hdr.message-id:"))
        .collect();
    assert_eq!(ids.len(), n);
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "duplicates in Archive");
    s.keys(&["Q"]);
    s.wait_dead();
}
