//! The event loop: one `tokio::select!` over terminal input, worker events and signals. It
//! batches whatever is queued, calls `App::update`, sends the commands to the workers, and draws
//! only when something changed. Every source wakes the loop itself: no input ever waits for a
//! timer (there is none).

use std::task::Poll;

use futures::StreamExt;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::app::{Action, App, Command, Event};

/// Frames caused only by workers (a sync's batches, a search's hits) come at most this often
/// once such frames follow each other; a key, and the first worker frame after other frames,
/// are drawn at once.
const WORKER_FRAME: std::time::Duration = std::time::Duration::from_millis(30);
use crate::backend::Workers;
use crate::terminal;

fn to_action(ev: crossterm::event::Event) -> Option<Action> {
    use crossterm::event::Event as E;
    match ev {
        E::Key(k) => Some(Action::Key(k)),
        E::Resize(width, height) => Some(Action::Resize { width, height }),
        E::Paste(s) => Some(Action::Paste(s)),
        _ => None,
    }
}

/// Run the TUI until the user quits or a signal asks us to stop.
pub async fn run(
    mut app: App,
    initial: Vec<Command>,
    workers: Workers,
    mut events: UnboundedReceiver<Event>,
) -> anyhow::Result<()> {
    let mut term = terminal::enter()?;
    let result = event_loop(&mut app, initial, &workers, &mut events, &mut term).await;
    // A message being written is kept (it comes back at the next start), however tmail ends.
    app.save_composer();
    workers.send(Command::Shutdown);
    let _ = app.store.flush();
    terminal::restore()?;
    result
}

async fn event_loop(
    app: &mut App,
    initial: Vec<Command>,
    workers: &Workers,
    events: &mut UnboundedReceiver<Event>,
    term: &mut terminal::Tui,
) -> anyhow::Result<()> {
    let size = term.size()?;
    app.update(Action::Resize {
        width: size.width,
        height: size.height,
    });
    for c in initial {
        workers.send(c);
    }
    let mut input = crossterm::event::EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut actions: Vec<Action> = Vec::new();
    let mut first_draw = true;
    // Whether the user typed since the last frame, whether that frame was the workers' alone,
    // when it went out, and when a frame held back to coalesce worker events is due.
    let mut typed = true;
    let mut last_by_workers = false;
    let mut last_frame = std::time::Instant::now();
    let mut frame_due: Option<tokio::time::Instant> = None;
    loop {
        let hold = !typed && last_by_workers && last_frame.elapsed() < WORKER_FRAME;
        if app.dirty && hold {
            frame_due
                .get_or_insert_with(|| tokio::time::Instant::from_std(last_frame + WORKER_FRAME));
        }
        if app.dirty && !hold {
            term.draw(|f| crate::ui::draw(f, app))?;
            app.dirty = false;
            // What is meant for the terminal itself (an OSC 52 clipboard write).
            if !app.terminal_out.is_empty() {
                use std::io::Write;
                let mut out = std::io::stdout();
                for seq in app.terminal_out.drain(..) {
                    let _ = out.write_all(seq.as_bytes());
                }
                let _ = out.flush();
            }
            last_by_workers = !typed;
            typed = false;
            last_frame = std::time::Instant::now();
            frame_due = None;
            if first_draw {
                // The first screen is out: now finish loading what start-up deferred.
                first_draw = false;
                for c in app.update(Action::Deferred) {
                    workers.send(c);
                }
                continue;
            }
        }
        if app.bell {
            app.bell = false;
            use std::io::Write;
            let _ = std::io::stdout().write_all(b"\x07");
            let _ = std::io::stdout().flush();
        }
        // Wake for the app's own deadlines (an autosave), never on a fixed tick.
        let wake = app.next_wakeup();
        let sleep =
            tokio::time::sleep_until(tokio::time::Instant::from_std(wake.unwrap_or_else(|| {
                std::time::Instant::now() + std::time::Duration::from_secs(3600)
            })));
        tokio::select! {
            _ = tokio::time::sleep_until(frame_due.unwrap_or_else(tokio::time::Instant::now)),
                if frame_due.is_some() => {
                frame_due = None;
                continue;
            }
            _ = sleep, if wake.is_some() => actions.push(Action::Timer),
            ev = input.next() => match ev {
                Some(Ok(ev)) => actions.extend(to_action(ev)),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(ev) = events.recv() => actions.push(Action::Worker(ev)),
            _ = sigterm.recv() => app.quit = true,
            _ = sighup.recv() => app.quit = true,
            _ = sigint.recv() => app.quit = true,
        }
        if app.quit {
            return Ok(());
        }
        // Batch whatever else is already waiting, so a burst costs one draw. The stream is polled
        // with this task's own waker: polled with a throwaway one (`now_or_never`), crossterm's
        // reader thread would keep that waker and the next key would wake nobody.
        loop {
            let next = std::future::poll_fn(|cx| Poll::Ready(input.poll_next_unpin(cx))).await;
            match next {
                Poll::Ready(Some(Ok(ev))) => actions.extend(to_action(ev)),
                Poll::Ready(Some(Err(e))) => return Err(e.into()),
                Poll::Ready(None) => return Ok(()),
                Poll::Pending => break,
            }
        }
        while let Ok(ev) = events.try_recv() {
            actions.push(Action::Worker(ev));
        }
        typed |= actions
            .iter()
            .any(|a| !matches!(a, Action::Worker(_) | Action::Timer));
        for a in actions.drain(..) {
            for c in app.update(a) {
                workers.send(c);
            }
            if app.quit {
                return Ok(());
            }
        }
        if app.suspend {
            app.suspend = false;
            terminal::suspend(term)?;
            app.dirty = true;
        }
        if let Some(req) = app.editor.take() {
            // The editor owns the terminal: crossterm's reader thread must let go of the input
            // first (dropping the stream stops it), and a new one starts after.
            drop(input);
            let (ok, message) = terminal::run_editor(&req.path, term)?;
            input = crossterm::event::EventStream::new();
            app.update(Action::EditorDone {
                path: req.path,
                ok,
                message,
            });
            app.dirty = true;
        }
        if app.full_redraw {
            app.full_redraw = false;
            term.clear()?;
            app.dirty = true;
        }
    }
}
