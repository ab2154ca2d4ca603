//! The local worker: programs tmail runs on this machine for the user — a viewer opening a part
//! (`open_command`, the `[open]` table), a command a part or a message is piped to, the
//! clipboard's `copy_command`. It owns their processes so the UI never waits for one; each ends
//! with an `Event::External` saying how it went.

use std::time::Duration;

use tokio::sync::mpsc::{self, UnboundedSender};

use crate::app::{Command, Event};
use crate::external;

/// How long a piped command may run before it is stopped.
const PIPE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a copy command may take.
const COPY_TIMEOUT: Duration = Duration::from_secs(10);

/// Start the local worker on the current tokio runtime.
pub fn spawn(events: UnboundedSender<Event>) -> UnboundedSender<Command> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
    tokio::spawn(async move {
        while let Some(cmd) = rx.recv().await {
            let events = events.clone();
            match cmd {
                Command::Shutdown => break,
                Command::Open { argv, what } => match external::spawn_detached(&argv) {
                    Ok(child) => {
                        tokio::spawn(async move {
                            let outcome = child.wait().await;
                            let ev = match outcome.message() {
                                Some(m) if !outcome.success() => Event::External {
                                    text: format!("{what}: {m}"),
                                    error: true,
                                },
                                _ => Event::External {
                                    text: format!("{what}: done"),
                                    error: false,
                                },
                            };
                            let _ = events.send(ev);
                        });
                    }
                    Err(e) => {
                        let _ = events.send(Event::External {
                            text: format!("{what}: {e}"),
                            error: true,
                        });
                    }
                },
                Command::Pipe { command, input } => {
                    tokio::spawn(async move {
                        let ev = match external::pipe(&command, input, PIPE_TIMEOUT).await {
                            Ok(out) => Event::External {
                                text: out.summary(),
                                error: !out.status.success(),
                            },
                            Err(e) => Event::External {
                                text: e.to_string(),
                                error: true,
                            },
                        };
                        let _ = events.send(ev);
                    });
                }
                Command::Copy {
                    command,
                    text,
                    what,
                } => {
                    tokio::spawn(async move {
                        let ev = match external::copy_with_command(&command, &text, COPY_TIMEOUT)
                            .await
                        {
                            Ok(()) => Event::External {
                                text: format!("copied {what}"),
                                error: false,
                            },
                            Err(e) => Event::External {
                                text: format!("could not copy {what}: {e}"),
                                error: true,
                            },
                        };
                        let _ = events.send(ev);
                    });
                }
                _ => {}
            }
        }
    });
    tx
}
