//! End to end over a real SSH session: an OpenSSH server started by the test on 127.0.0.1
//! (`support::sshd`), `ssh -tt` to it in tmux, and tmail --demo on the other side — as a user
//! meets tmail on a remote machine. The bytes per key are counted where the user's terminal
//! gets them: what came through the SSH connection.

mod support;

use std::time::Duration;

use support::sshd::Sshd;
use support::tmux::Session;

#[test]
fn the_demo_over_ssh_moves_opens_and_quits_cleanly() {
    let sshd = Sshd::start();
    let home = tempfile::tempdir().expect("home for the remote tmail");
    let h = home.path().display();
    let remote = format!(
        "env -i PATH=/usr/bin:/bin HOME={h} XDG_CONFIG_HOME={h}/config XDG_DATA_HOME={h}/data \
         TERM=xterm-256color LANG=C.UTF-8 TZ=UTC {bin} --demo",
        bin = env!("CARGO_BIN_EXE_tmail"),
    );
    let s = Session::start_command(&sshd.ssh_command(&remote), 140, 40);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !s.screen().contains("Welcome to tmail") {
        assert!(
            std::time::Instant::now() < deadline && !s.is_dead(),
            "tmail did not come up over ssh; screen:\n{}\nsshd log:\n{}",
            s.screen(),
            sshd.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(s.in_alternate_screen());
    let log = s.home.path().join("out.bin");
    s.record_output(&log);
    std::thread::sleep(Duration::from_millis(400));

    // Moving in the list, the preview hidden: a few hundred bytes per key through ssh.
    s.keys(&["p"]);
    std::thread::sleep(Duration::from_millis(300));
    let j = s.bytes_per_press(&log, "j", 10);
    let mean = j.iter().sum::<u64>() / j.len() as u64;
    eprintln!("bytes per j over ssh: {j:?} (mean {mean})");
    assert!(mean <= 300, "j over ssh: {j:?} (mean {mean})");
    // Open a message, read on to the next ones.
    s.keys(&["p"]);
    s.keys(&["Enter"]);
    s.wait_text("Subject: ");
    std::thread::sleep(Duration::from_millis(300));
    let next = s.bytes_per_press(&log, "J", 5);
    eprintln!("bytes per J over ssh: {next:?}");
    assert!(
        next.iter().all(|&b| b > 0 && b <= 2000),
        "J over ssh: {next:?}"
    );
    // An idle tmail sends nothing down the connection.
    let idle = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0), idle);

    // Back to the list and quit: ssh ends with tmail, and the terminal is as it was.
    s.keys(&["q"]);
    s.keys(&["Q"]);
    s.wait_dead();
    assert!(
        !s.in_alternate_screen(),
        "the terminal was left in the alternate screen"
    );
    // What came last down the connection: leave the alternate screen, show the cursor.
    let out = std::fs::read(&log).expect("recorded output");
    let text = String::from_utf8_lossy(&out);
    let shown = text.rfind("\u{1b}[?25h");
    let hidden = text.rfind("\u{1b}[?25l");
    assert!(
        shown.is_some() && shown > hidden,
        "the cursor was left hidden"
    );
    assert!(text.rfind("\u{1b}[?1049l") > text.rfind("\u{1b}[?1049h"));
    let screen = s.screen();
    assert!(
        !screen.contains("INBOX —"),
        "tmail's screen is still shown:\n{screen}"
    );
}
