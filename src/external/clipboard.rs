//! Copying to the user's clipboard, also over SSH: the OSC 52 escape sequence, which the
//! user's own terminal turns into a clipboard write wherever tmail runs (wrapped for tmux when
//! `$TMUX` is set), or a configured `copy_command` such as `wl-copy` that takes the text on
//! stdin.

use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::external::command::CommandTemplate;
use crate::external::run::RunError;

/// The largest text OSC 52 carries, in bytes before encoding: its base64 is at most 100,000
/// bytes (xterm's and tmux's limits lie around there; beyond, terminals drop the sequence).
pub const OSC52_MAX_TEXT: usize = 74_994;

/// Why nothing was copied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    #[error("{len} bytes is too much to copy through the terminal (at most {max})")]
    TooLarge { len: usize, max: usize },
    #[error(transparent)]
    Command(#[from] RunError),
    #[error("{program} exited with status {code:?}")]
    Failed { program: String, code: Option<i32> },
}

/// `text` made safe to paste: control characters (C0 but TAB, DEL, C1; a newline too, as
/// what is copied here — a link, an address, a subject, a Message-ID — is one line) and bidi
/// controls are removed. Without this a copied link could end a shell's bracketed paste
/// (`ESC [201~`) and run what follows, or read differently than it is.
pub fn clipboard_text(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            c == '\t'
                || !(c.is_control()
                    || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'))
        })
        .collect()
}

/// True when tmail runs inside tmux (`$TMUX` is set and not empty).
pub fn in_tmux() -> bool {
    std::env::var_os("TMUX").is_some_and(|v| !v.is_empty())
}

/// The bytes to write to the terminal to put `text` (made safe by [`clipboard_text`]) on the
/// clipboard: `ESC ] 52 ; c ; <base64> ESC \` (OSC 52 with the ST terminator).
///
/// With `tmux`, the same sequence wrapped in tmux's passthrough (`ESC P tmux; …  ESC \`,
/// every ESC inside doubled) comes first and the plain one after it: tmux forwards the
/// wrapped one to the outer terminal when `allow-passthrough` is on, and handles the plain
/// one itself when `set-clipboard` is `on`; with both on, the clipboard is just set twice.
///
/// Errors: more than [`OSC52_MAX_TEXT`] bytes.
pub fn osc52(text: &str, tmux: bool) -> Result<String, ClipboardError> {
    let text = clipboard_text(text);
    if text.len() > OSC52_MAX_TEXT {
        return Err(ClipboardError::TooLarge {
            len: text.len(),
            max: OSC52_MAX_TEXT,
        });
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let plain = format!("\x1b]52;c;{encoded}\x1b\\");
    if !tmux {
        return Ok(plain);
    }
    let wrapped = format!("\x1bPtmux;{}\x1b\\", plain.replace('\x1b', "\x1b\x1b"));
    Ok(format!("{wrapped}{plain}"))
}

/// Copies `text` (made safe by [`clipboard_text`]) with the configured `copy_command`
/// (e.g. `wl-copy`, `xclip -selection clipboard`, `pbcopy`): the command's words are run
/// without a shell, the text goes to its stdin, stdout and stderr go to `/dev/null` (those
/// tools leave a process behind that serves the clipboard and would hold a pipe open). Waits
/// at most `timeout` for it to exit. Needs a tokio runtime.
pub async fn copy_with_command(
    command: &CommandTemplate,
    text: &str,
    timeout: Duration,
) -> Result<(), ClipboardError> {
    let words = command.words();
    let program = words[0].clone();
    let mut child = Command::new(&words[0])
        .args(&words[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| RunError::Spawn {
            program: program.clone(),
            message: e.to_string(),
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(clipboard_text(text).as_bytes()).await;
        let _ = stdin.shutdown().await;
    }
    let status = match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            return Err(RunError::Wait {
                program,
                message: e.to_string(),
            }
            .into())
        }
        Err(_) => {
            let _ = child.kill().await;
            return Err(RunError::Timeout {
                program,
                after: timeout,
            }
            .into());
        }
    };
    if status.success() {
        Ok(())
    } else {
        Err(ClipboardError::Failed {
            program,
            code: status.code(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_sequences() {
        assert_eq!(
            osc52("https://x.test/", false).unwrap(),
            "\x1b]52;c;aHR0cHM6Ly94LnRlc3Qv\x1b\\"
        );
        assert_eq!(osc52("", false).unwrap(), "\x1b]52;c;\x1b\\");
        let t = osc52("hi", true).unwrap();
        assert_eq!(
            t,
            "\x1bPtmux;\x1b\x1b]52;c;aGk=\x1b\x1b\\\x1b\\\x1b]52;c;aGk=\x1b\\"
        );
        // hostile text cannot end the sequence or a bracketed paste
        let s = osc52("a\x1b[201~; rm -rf ~\x07\u{202e}b\n", false).unwrap();
        let inner = s
            .strip_prefix("\x1b]52;c;")
            .and_then(|s| s.strip_suffix("\x1b\\"))
            .unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(inner)
            .unwrap();
        assert_eq!(decoded, b"a[201~; rm -rf ~b");
        assert!(inner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)));
        // the size cap
        assert!(osc52(&"x".repeat(OSC52_MAX_TEXT), false).is_ok());
        assert_eq!(
            osc52(&"x".repeat(OSC52_MAX_TEXT + 1), false),
            Err(ClipboardError::TooLarge {
                len: OSC52_MAX_TEXT + 1,
                max: OSC52_MAX_TEXT
            })
        );
        let max = osc52(&"x".repeat(OSC52_MAX_TEXT), false).unwrap();
        assert!(max.len() <= 100_000 + 9);
    }

    #[tokio::test]
    async fn copy_command_gets_the_text_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("clip");
        let cmd =
            CommandTemplate::parse(&format!("sh -c 'cat > \"$0\"' {}", out.display())).unwrap();
        copy_with_command(&cmd, "mailto:a@x.test\x1b[201~", Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "mailto:a@x.test[201~"
        );
        let fail = CommandTemplate::parse("false").unwrap();
        assert_eq!(
            copy_with_command(&fail, "x", Duration::from_secs(5)).await,
            Err(ClipboardError::Failed {
                program: "false".into(),
                code: Some(1)
            })
        );
        let missing = CommandTemplate::parse("/nonexistent/copy").unwrap();
        assert!(matches!(
            copy_with_command(&missing, "x", Duration::from_secs(5)).await,
            Err(ClipboardError::Command(RunError::Spawn { .. }))
        ));
    }
}
