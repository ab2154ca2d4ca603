//! Other programs tmail hands things to: viewers that open a part (`open_command`, the
//! per-type `[open]` table; argument vectors, never a shell with a file name in it), commands
//! the user pipes a part or a message to, and the clipboard (OSC 52 through the terminal,
//! also over SSH and in tmux, or `copy_command`).

pub mod clipboard;
pub mod command;
pub mod run;

pub use clipboard::{clipboard_text, copy_with_command, in_tmux, osc52, ClipboardError};
pub use command::{default_open_command, CommandError, CommandTemplate, OpenRules};
pub use run::{pipe, spawn_detached, Detached, Outcome, PipeOutput, RunError};
