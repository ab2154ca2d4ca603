//! The task that drives an account's [`Outbox`]: it looks at the outbox at start (after
//! [`Outbox::recover`]), when `Command::SendOutbox` comes, and when the next record is due;
//! each look is one batch on one SMTP connection.

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

use super::Outbox;
use crate::app::{Command, Event};
use crate::config::AccountSettings;
use crate::store::Store;

/// Start the SMTP worker of a configured account (register it with
/// `Workers::add_service(name, Service::Smtp, tx)`). Returns its command channel and its task:
/// after `Command::Shutdown` the task ends once the message being sent (if any) is done, so a
/// caller that awaits it (with a time limit) does not cut a send in the middle.
pub fn spawn(
    settings: AccountSettings,
    store: Store,
    events: UnboundedSender<Event>,
) -> (UnboundedSender<Command>, JoinHandle<()>) {
    start(Outbox::new(&settings, store, events))
}

/// Start the demo's sender: messages "go out" locally and land in the demo's Sent folder.
pub fn spawn_demo(
    store: Store,
    events: UnboundedSender<Event>,
) -> (UnboundedSender<Command>, JoinHandle<()>) {
    start(Outbox::demo(store, events))
}

fn start(engine: Outbox) -> (UnboundedSender<Command>, JoinHandle<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(run(engine, rx));
    (tx, task)
}

/// What a command asks of the loop.
enum Asked {
    Nothing,
    SendNow,
    Stop,
}

fn asked(engine: &mut Outbox, cmd: Option<Command>) -> Asked {
    match cmd {
        None | Some(Command::Shutdown) => Asked::Stop,
        Some(Command::SendOutbox { .. }) => Asked::SendNow,
        Some(Command::Password { password, .. }) => {
            engine.set_password(password);
            Asked::SendNow
        }
        Some(_) => Asked::Nothing,
    }
}

async fn run(mut engine: Outbox, mut rx: UnboundedReceiver<Command>) {
    engine.recover();
    let mut send_now = false;
    loop {
        if send_now {
            engine.retry();
        }
        let due = engine.due(std::mem::take(&mut send_now));
        for id in due {
            // Between two messages: stop when asked (the one in flight was finished).
            while let Ok(cmd) = rx.try_recv() {
                match asked(&mut engine, Some(cmd)) {
                    Asked::Stop => return engine.finish().await,
                    Asked::SendNow => send_now = true,
                    Asked::Nothing => {}
                }
            }
            engine.attempt(id).await;
        }
        engine.finish().await;
        if send_now {
            continue;
        }
        let wait = engine.wait();
        tokio::select! {
            cmd = rx.recv() => match asked(&mut engine, cmd) {
                Asked::Stop => return,
                Asked::SendNow => send_now = true,
                Asked::Nothing => {}
            },
            _ = tokio::time::sleep(wait) => {}
        }
    }
}
