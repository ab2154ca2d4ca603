//! The terminal: raw mode, alternate screen and bracketed paste on the way in; restored on the
//! way out, on panic and before suspending. Frames go out through `backend::Spare`, which
//! sends the changed cells in fewer bytes.

mod backend;

use std::io::{self, Stdout, Write};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;

pub use backend::Spare;

pub type Tui = Terminal<Spare<Stdout>>;

/// Enter the TUI and make sure a panic restores the terminal before its message is printed.
pub fn enter() -> io::Result<Tui> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = restore();
        hook(info);
    }));
    setup()?;
    let erase = std::env::var("TERM").is_ok_and(|t| backend::erases_with_background(&t));
    Terminal::new(Spare::new(io::stdout(), erase))
}

fn setup() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )
}

/// Leave the TUI; safe to call more than once.
pub fn restore() -> io::Result<()> {
    let mut out = io::stdout();
    let r = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
    disable_raw_mode()?;
    r
}

/// Run the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`; a value may carry arguments,
/// as `code --wait`) on `path` with the terminal given back to it, then take the terminal
/// again and repaint. The path is passed as an argument, never spliced into a shell line.
/// Returns whether the editor exited 0, and why not.
pub fn run_editor(path: &std::path::Path, term: &mut Tui) -> io::Result<(bool, Option<String>)> {
    restore()?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg("exec ${VISUAL:-${EDITOR:-vi}} \"$1\"")
        .arg("sh")
        .arg(path)
        .status();
    setup()?;
    term.backend_mut().forget_cursor();
    term.clear()?;
    Ok(match status {
        Ok(s) if s.success() => (true, None),
        Ok(s) if s.code() == Some(127) => (
            false,
            Some("the editor was not found: set $VISUAL or $EDITOR".into()),
        ),
        Ok(s) => (false, Some(format!("it exited with {s}"))),
        Err(e) => (false, Some(format!("it could not start: {e}"))),
    })
}

/// Ctrl-Z: give the terminal back, stop until `fg`, then take it again.
pub fn suspend(term: &mut Tui) -> io::Result<()> {
    restore()?;
    // SAFETY: raise(3) only sends a signal to this process; SIGTSTP stops it until SIGCONT.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    setup()?;
    term.backend_mut().forget_cursor();
    term.clear()
}
