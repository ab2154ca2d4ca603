//! Driving the real `tmail` binary in a real pty under tmux: start it, type with `send-keys`,
//! read the screen with `capture-pane`, as a user would.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A private tmux server (its own socket) running one tmail.
pub struct Session {
    socket: String,
    pub home: tempfile::TempDir,
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

impl Session {
    /// Start `tmail ARGS` in a `w`×`h` terminal with HOME and XDG dirs in a fresh temp dir.
    /// `setup` may write config files under the XDG config dir before start.
    pub fn start(args: &[&str], w: u16, h: u16, setup: impl FnOnce(&Path)) -> Session {
        Self::start_in(tempfile::tempdir().expect("temp home"), args, w, h, setup)
    }

    /// Start in an existing home (e.g. the one of a session that was killed), keeping its store.
    pub fn start_in(
        home: tempfile::TempDir,
        args: &[&str],
        w: u16,
        h: u16,
        setup: impl FnOnce(&Path),
    ) -> Session {
        Self::start_env(home, &[], args, w, h, setup)
    }

    /// Start with extra environment variables (`NO_COLOR=1`, `TERM=screen`, ...): they are set
    /// after the defaults (TERM=xterm-256color, no COLORTERM), so they override them.
    pub fn start_env(
        home: tempfile::TempDir,
        env: &[(&str, &str)],
        args: &[&str],
        w: u16,
        h: u16,
        setup: impl FnOnce(&Path),
    ) -> Session {
        assert!(
            tmux_available(),
            "tmux is required for end-to-end tests (bash .ci/run installs it)"
        );
        let config = home.path().join("config");
        std::fs::create_dir_all(config.join("tmail")).expect("config dir");
        setup(&config.join("tmail"));
        let socket = format!(
            "tmail-test-{}-{}",
            std::process::id(),
            home.path()
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("x")
        );
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_tmail"));
        let mut cmd = format!(
            "env -i PATH=/usr/bin:/bin HOME={h} XDG_CONFIG_HOME={h}/config XDG_DATA_HOME={h}/data TERM=xterm-256color LANG=C.UTF-8 TZ=UTC {bin}",
            h = home.path().display(),
            bin = bin.display()
        );
        if !env.is_empty() {
            // The command line goes through tmux's shell: quote each value.
            let vars: Vec<String> = env
                .iter()
                .map(|(k, v)| format!("{k}='{}'", v.replace('\'', "'\\''")))
                .collect();
            cmd = cmd.replacen(" TZ=UTC ", &format!(" TZ=UTC {} ", vars.join(" ")), 1);
        }
        for a in args {
            cmd.push(' ');
            cmd.push_str(a);
        }
        let s = Session { socket, home };
        s.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            "-s",
            "t",
            &cmd,
        ]);
        s.tmux(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        s
    }

    /// Start any command line (e.g. `ssh ... tmail`) in a `w`×`h` terminal, with a fresh
    /// temp dir as `home` for it to use.
    pub fn start_command(command: &str, w: u16, h: u16) -> Session {
        assert!(
            tmux_available(),
            "tmux is required for end-to-end tests (bash .ci/run installs it)"
        );
        let home = tempfile::tempdir().expect("temp home");
        let socket = format!(
            "tmail-test-{}-{}",
            std::process::id(),
            home.path()
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("x")
        );
        let s = Session { socket, home };
        s.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            "-s",
            "t",
            command,
        ]);
        s.tmux(&["set-option", "-t", "t", "remain-on-exit", "on"]);
        s
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Type keys: tmux key names ("Enter", "Escape", "C-d") or literal text with `literal`.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", text]);
    }

    /// The visible screen as text.
    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    /// The screen with escape sequences for attributes (to check what the terminal got).
    pub fn screen_with_escapes(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-e", "-t", "t"])
    }

    /// Do `act` (a key, a resize, a signal) and return how long until the screen (with attributes)
    /// satisfies `done`, polled every 2 ms; `None` if it still does not after `limit`. The time
    /// includes tmux's own round trips (a few ms), so it bounds what a user sees.
    pub fn time_until(
        &self,
        act: impl FnOnce(&Session),
        done: impl Fn(&str) -> bool,
        limit: Duration,
    ) -> Option<Duration> {
        let t0 = Instant::now();
        act(self);
        loop {
            if done(&self.screen_with_escapes()) {
                return Some(t0.elapsed());
            }
            if t0.elapsed() > limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Resize the terminal (the window of this tmux session).
    pub fn resize(&self, w: u16, h: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "t",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
        ]);
    }

    /// Paste `text` as the terminal would (bracketed paste, since tmail asks for it).
    pub fn paste(&self, text: &str) {
        self.tmux(&["set-buffer", "-b", "tmailtest", text]);
        self.tmux(&["paste-buffer", "-p", "-d", "-b", "tmailtest", "-t", "t"]);
    }

    /// Copy everything tmail writes to the terminal from now on into `file`.
    pub fn record_output(&self, file: &Path) {
        self.tmux(&[
            "pipe-pane",
            "-o",
            "-t",
            "t",
            &format!("cat >> {}", file.display()),
        ]);
    }

    /// Bytes each press of `key` writes to the terminal (recorded into `log` by
    /// `record_output`), pressed one at a time, each after the frame of the one before.
    pub fn bytes_per_press(&self, log: &Path, key: &str, n: usize) -> Vec<u64> {
        let size = || std::fs::metadata(log).map(|m| m.len()).unwrap_or(0);
        let mut out = Vec::new();
        for _ in 0..n {
            let before_screen = self.screen_with_escapes();
            let before = size();
            self.keys(&[key]);
            let deadline = Instant::now() + Duration::from_secs(5);
            while self.screen_with_escapes() == before_screen && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            // the frame is out; give tmux's pipe a moment to write it down
            std::thread::sleep(Duration::from_millis(150));
            out.push(size() - before);
        }
        out
    }

    /// The pid of the program in the pane.
    pub fn pid(&self) -> u32 {
        self.tmux(&["display-message", "-p", "-t", "t", "#{pane_pid}"])
            .trim()
            .parse()
            .expect("pane pid")
    }

    /// Whether the pane is in the alternate screen (a TUI is up).
    pub fn in_alternate_screen(&self) -> bool {
        self.tmux(&["display-message", "-p", "-t", "t", "#{alternate_on}"])
            .trim()
            == "1"
    }

    /// Where the terminal's cursor is: (column, row), from 0.
    pub fn cursor(&self) -> (u16, u16) {
        let out = self.tmux(&[
            "display-message",
            "-p",
            "-t",
            "t",
            "#{cursor_x} #{cursor_y}",
        ]);
        let mut it = out.split_whitespace().map(|n| n.parse().expect("cursor"));
        (it.next().expect("x"), it.next().expect("y"))
    }

    pub fn pane_title(&self) -> String {
        self.tmux(&["display-message", "-p", "-t", "t", "#{pane_title}"])
            .trim()
            .to_string()
    }

    pub fn is_dead(&self) -> bool {
        self.tmux(&["display-message", "-p", "-t", "t", "#{pane_dead}"])
            .trim()
            == "1"
    }

    /// Wait until the screen satisfies `pred` (up to 15 s); panics with the screen otherwise.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(self.home.path().join("data/tmail/tmail.log"))
                    .unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(30).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                panic!(
                    "timed out waiting for {what}; screen:\n{s}\ntmail.log (tail):\n{}",
                    tail.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn wait_text(&self, text: &str) -> String {
        self.wait_for(&format!("\"{text}\""), |s| s.contains(text))
    }

    pub fn wait_dead(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.is_dead() {
            assert!(
                Instant::now() < deadline,
                "tmail did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Session {
    /// End this tmux server and hand back the home dir (for a restart on the same store).
    pub fn into_home(mut self) -> tempfile::TempDir {
        let placeholder = tempfile::tempdir().expect("temp dir");
        std::mem::replace(&mut self.home, placeholder)
        // `self` drops here: its tmux server is killed
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}
