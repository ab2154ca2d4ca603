//! Background work as the event loop runs it: `Command::Job`s run on their own threads (as the
//! job worker's blocking tasks do), newer jobs of a kind make older ones stop, and their
//! results come back as events.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use tmail::app::jobs::{self, Kind};
use tmail::app::{App, Command, Event};

pub struct Runner {
    tx: mpsc::Sender<Event>,
    rx: mpsc::Receiver<Event>,
    running: Arc<AtomicUsize>,
    latest: Arc<[AtomicU64; 2]>,
}

impl Runner {
    pub fn new() -> Runner {
        let (tx, rx) = mpsc::channel();
        Runner {
            tx,
            rx,
            running: Arc::new(AtomicUsize::new(0)),
            latest: Arc::new([AtomicU64::new(0), AtomicU64::new(0)]),
        }
    }

    pub fn send(&mut self, app: &App, cmd: Command) {
        let Command::Job(job) = cmd else {
            return;
        };
        let slot = match job.kind() {
            Kind::Load => 0,
            Kind::Search => 1,
        };
        let generation = job.generation();
        self.latest[slot].fetch_max(generation, Ordering::SeqCst);
        let (store, tx, latest, running) = (
            app.store.clone(),
            self.tx.clone(),
            self.latest.clone(),
            self.running.clone(),
        );
        running.fetch_add(1, Ordering::SeqCst);
        std::thread::spawn(move || {
            let stale = || latest[slot].load(Ordering::SeqCst) != generation;
            jobs::run(&job, &store, &stale, &mut |r| {
                let _ = tx.send(Event::Job(r));
            });
            running.fetch_sub(1, Ordering::SeqCst);
        });
    }

    /// The next event of background work, waiting for it while any runs; `None` when all is
    /// done.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Ok(ev) = self.rx.try_recv() {
                return Some(ev);
            }
            if self.running.load(Ordering::SeqCst) == 0 {
                return self.rx.try_recv().ok();
            }
            if let Ok(ev) = self.rx.recv_timeout(Duration::from_millis(1)) {
                return Some(ev);
            }
        }
    }
}

/// The event a sync sends after writing these envelopes of the INBOX: which UIDs it added.
pub fn sync_event(envs: &[tmail::mail::Envelope]) -> Event {
    Event::MessagesChanged {
        account: super::store::ACCOUNT.into(),
        folder: "INBOX".into(),
        added: envs.iter().map(|e| e.uid).collect(),
        removed: Vec::new(),
        flags: Vec::new(),
    }
}
