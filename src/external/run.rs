//! Running other programs without blocking the TUI or letting them touch its terminal:
//! detached viewers (`open`) whose exit is reported later, and `pipe`, which feeds bytes to a
//! command the user typed and captures what it prints for the status line.
//!
//! Every child runs in a new session (`setsid`): it has no controlling terminal, so it can
//! neither read keys meant for tmail nor draw over its screen, and Ctrl-C in tmail or a
//! terminal hang-up does not reach it.

use std::ffi::OsString;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

use crate::mail::sanitize::sanitize;

/// At most this much of a command's stdout and of its stderr is kept (the rest is read and
/// dropped, so the command never blocks on a full pipe).
pub const MAX_CAPTURE: usize = 64 * 1024;

/// A command that could not be run or did not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// The program could not be started (not found, not executable, …).
    #[error("cannot run {program}: {message}")]
    Spawn { program: String, message: String },
    /// It ran longer than allowed and was killed (with its whole process group).
    #[error("{program} did not finish within {} s and was stopped", .after.as_secs())]
    Timeout { program: String, after: Duration },
    /// Waiting for it failed.
    #[error("{program}: {message}")]
    Wait { program: String, message: String },
}

/// A new session for the child: no controlling terminal, its own process group.
fn detach(cmd: &mut Command) {
    // SAFETY: setsid() is async-signal-safe and touches no memory of the parent; it runs in
    // the forked child before exec, as pre_exec requires.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Kills the child's whole process group (a shell and what it started).
fn kill_group(child: &Child) {
    if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: kill(2) with a negative pid signals the group the child leads (setsid made
        // its pid the group id); no memory is involved.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// A viewer started by [`spawn_detached`]; [`Detached::wait`] reports how it ended.
#[derive(Debug)]
pub struct Detached {
    program: String,
    child: Child,
}

/// How a detached program ended, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub program: String,
    /// The exit status, or why waiting failed.
    pub status: Result<ExitStatus, String>,
}

impl Outcome {
    /// True when it exited with status 0.
    pub fn success(&self) -> bool {
        self.status.as_ref().is_ok_and(|s| s.success())
    }

    /// One sanitized line: `xdg-open exited with status 4`, `zathura was killed by signal 9`;
    /// `None` on success.
    pub fn message(&self) -> Option<String> {
        use std::os::unix::process::ExitStatusExt;
        let text = match &self.status {
            Ok(s) if s.success() => return None,
            Ok(s) => match (s.code(), s.signal()) {
                (Some(c), _) => format!("{} exited with status {c}", self.program),
                (None, Some(sig)) => format!("{} was killed by signal {sig}", self.program),
                _ => format!("{} failed", self.program),
            },
            Err(e) => format!("{}: {e}", self.program),
        };
        Some(sanitize(&text))
    }
}

impl Detached {
    /// Waits for the program to exit (a tokio task can do this while the TUI goes on).
    pub async fn wait(mut self) -> Outcome {
        let status = self.child.wait().await.map_err(|e| e.to_string());
        Outcome {
            program: self.program,
            status,
        }
    }
}

/// Starts `argv` (program first; e.g. from
/// [`CommandTemplate::argv`](crate::external::command::CommandTemplate::argv)) with stdin,
/// stdout and stderr on `/dev/null`, in its own session, and returns at once. No shell is
/// involved. Needs a tokio runtime. Errors: an empty argv or a program that cannot start.
pub fn spawn_detached(argv: &[OsString]) -> Result<Detached, RunError> {
    let Some((program, args)) = argv.split_first() else {
        return Err(RunError::Spawn {
            program: String::new(),
            message: "empty command".into(),
        });
    };
    let name = program.to_string_lossy().into_owned();
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    detach(&mut cmd);
    let child = cmd.spawn().map_err(|e| RunError::Spawn {
        program: name.clone(),
        message: e.to_string(),
    })?;
    Ok(Detached {
        program: name,
        child,
    })
}

/// What a piped command did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipeOutput {
    pub status: ExitStatus,
    /// Up to [`MAX_CAPTURE`] bytes of stdout.
    pub stdout: Vec<u8>,
    /// Up to [`MAX_CAPTURE`] bytes of stderr.
    pub stderr: Vec<u8>,
    /// More output came than was kept.
    pub truncated: bool,
}

impl PipeOutput {
    /// One sanitized line for the status line: the last non-empty line of stderr on failure
    /// (else of stdout), with `exit N` when the status is not 0: `ok: Applying: fix` or
    /// `exit 128: fatal: not a git repository`.
    pub fn summary(&self) -> String {
        let last = |b: &[u8]| {
            String::from_utf8_lossy(b)
                .lines()
                .rev()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_owned)
        };
        let ok = self.status.success();
        let line = if ok {
            last(&self.stdout).or_else(|| last(&self.stderr))
        } else {
            last(&self.stderr).or_else(|| last(&self.stdout))
        };
        let head = match (ok, self.status.code()) {
            (true, _) => "ok".to_owned(),
            (false, Some(c)) => format!("exit {c}"),
            (false, None) => "killed".to_owned(),
        };
        sanitize(&match line {
            Some(l) => format!("{head}: {l}"),
            None => head,
        })
    }
}

/// Reads all of `r`, keeping the first `cap` bytes; true when more came.
async fn read_capped(mut r: impl AsyncRead + Unpin, cap: usize) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    let mut more = false;
    loop {
        match r.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = cap.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
                more |= n > room;
            }
        }
    }
    (kept, more)
}

/// Runs `command` — typed by the user, so it goes through `sh -c` like a shell line (pipes
/// and redirections work) — with `input` on its stdin (a part's bytes or a whole raw
/// message), and captures stdout and stderr. The command runs in its own session (no
/// terminal); after `timeout` it and everything it started are killed. Needs a tokio runtime.
///
/// A command that exits without reading all its input is fine (the rest is dropped).
pub async fn pipe(
    command: &str,
    input: Vec<u8>,
    timeout: Duration,
) -> Result<PipeOutput, RunError> {
    let program = sanitize(command);
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    detach(&mut cmd);
    let mut child = cmd.spawn().map_err(|e| RunError::Spawn {
        program: program.clone(),
        message: e.to_string(),
    })?;
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let feed = async move {
        if let Some(mut w) = stdin {
            // A command that stops reading closes the pipe: that is not an error here.
            let _ = w.write_all(&input).await;
            let _ = w.shutdown().await;
        }
    };
    let out = async move {
        match stdout {
            Some(r) => read_capped(r, MAX_CAPTURE).await,
            None => (Vec::new(), false),
        }
    };
    let err = async move {
        match stderr {
            Some(r) => read_capped(r, MAX_CAPTURE).await,
            None => (Vec::new(), false),
        }
    };
    let run = async { tokio::join!(feed, out, err) };
    let ((), (stdout, more_out), (stderr, more_err)) =
        match tokio::time::timeout(timeout, run).await {
            Ok(r) => r,
            Err(_) => {
                kill_group(&child);
                let _ = child.wait().await;
                return Err(RunError::Timeout {
                    program,
                    after: timeout,
                });
            }
        };
    let status = match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            return Err(RunError::Wait {
                program,
                message: e.to_string(),
            })
        }
        Err(_) => {
            kill_group(&child);
            let _ = child.wait().await;
            return Err(RunError::Timeout {
                program,
                after: timeout,
            });
        }
    };
    Ok(PipeOutput {
        status,
        stdout,
        stderr,
        truncated: more_out || more_err,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::external::command::CommandTemplate;

    #[tokio::test]
    async fn detached_viewer_gets_the_path_as_one_argument() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("args");
        let script = dir.path().join("viewer.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\" > '{}'\n[ -t 0 ] && echo tty >> '{}'\nexit 3\n",
                record.display(),
                record.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let template =
            CommandTemplate::parse(&format!("{} --page 1 %s", script.display())).unwrap();
        let evil = dir.path().join("a b; touch pwned $(id).pdf");
        let argv = template.argv(evil.as_os_str());
        let outcome = spawn_detached(&argv).unwrap().wait().await;
        assert!(!outcome.success());
        assert_eq!(
            outcome.message().unwrap(),
            format!("{} exited with status 3", script.display())
        );
        let args = std::fs::read_to_string(&record).unwrap();
        assert_eq!(args, format!("3\n--page\n1\n{}\n", evil.display()));
        assert!(!dir.path().join("pwned").exists());
        let ok = spawn_detached(&[OsString::from("true")])
            .unwrap()
            .wait()
            .await;
        assert!(ok.success() && ok.message().is_none());
        assert!(matches!(
            spawn_detached(&[OsString::from("/nonexistent/viewer")]),
            Err(RunError::Spawn { .. })
        ));
        assert!(spawn_detached(&[]).is_err());
    }

    #[tokio::test]
    async fn pipe_feeds_stdin_and_captures_output() {
        let out = pipe(
            "wc -c; echo warn >&2",
            b"hello\n".to_vec(),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "6");
        assert_eq!(out.stderr, b"warn\n");
        assert_eq!(out.summary(), "ok: 6");
        let out = pipe(
            "cat >/dev/null; echo 'bad thing' >&2; exit 2",
            vec![1; 1 << 20],
            Duration::from_secs(10),
        )
        .await
        .unwrap();
        assert_eq!(out.summary(), "exit 2: bad thing");
        // a command that reads nothing, and one that prints too much
        let out = pipe("true", vec![0; 1 << 20], Duration::from_secs(10))
            .await
            .unwrap();
        assert!(out.status.success());
        let out = pipe(
            "head -c 200000 /dev/zero",
            Vec::new(),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
        assert_eq!(out.stdout.len(), MAX_CAPTURE);
        assert!(out.truncated);
        // no terminal: /dev/tty cannot be opened
        let out = pipe(
            "echo x > /dev/tty && echo had-tty || echo no-tty",
            Vec::new(),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "no-tty");
        // escape sequences in the output never reach the status line
        let out = pipe(
            "printf '\\033]0;pwn\\007\\033[31mred\\n'",
            Vec::new(),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
        assert_eq!(out.summary(), "ok: red");
    }

    #[tokio::test]
    async fn pipe_timeout_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("late");
        let cmd = format!("(sleep 2; touch '{}') & sleep 30", marker.display());
        let started = std::time::Instant::now();
        let r = pipe(&cmd, Vec::new(), Duration::from_millis(300)).await;
        assert!(matches!(r, Err(RunError::Timeout { .. })), "{r:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(2500)).await;
        assert!(!marker.exists(), "the background child was killed too");
    }
}
