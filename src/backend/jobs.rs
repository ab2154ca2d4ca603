//! The job worker: runs the app's whole-folder jobs (`app::jobs`: loading a big folder,
//! searching envelopes and cached bodies) on blocking threads, so the event loop never waits
//! for them, and sends their results back as `Event::Job`. A job whose generation was
//! superseded by a newer one of its kind stops early (and the new one starts once it has: two
//! scans of a big folder at once would only hold twice the memory); the app drops what a
//! superseded job sent anyway.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc::{self, UnboundedSender};

use crate::app::jobs::{self, Kind};
use crate::app::{Command, Event};
use crate::store::Store;

/// Start the job worker; it takes `Command::Job` (and `Shutdown`).
pub fn spawn(store: Store, events: UnboundedSender<Event>) -> UnboundedSender<Command> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
    // The newest generation asked for, per kind of job.
    let latest: Arc<[AtomicU64; 2]> = Arc::new([AtomicU64::new(0), AtomicU64::new(0)]);
    tokio::spawn(async move {
        // The job of each kind started last, with its generation.
        let mut running: [Option<(u64, tokio::task::JoinHandle<()>)>; 2] = [None, None];
        while let Some(cmd) = rx.recv().await {
            let job = match cmd {
                Command::Job(job) => job,
                Command::Shutdown => break,
                _ => continue,
            };
            let slot = match job.kind() {
                Kind::Load => 0,
                Kind::Search => 1,
            };
            let generation = job.generation();
            latest[slot].fetch_max(generation, Ordering::SeqCst);
            if let Some((earlier, previous)) = running[slot].take() {
                if earlier < generation {
                    // superseded: it stops within a few hundred messages
                    let _ = previous.await;
                }
            }
            let (store, events, latest) = (store.clone(), events.clone(), latest.clone());
            let handle = tokio::task::spawn_blocking(move || {
                let stale = || latest[slot].load(Ordering::SeqCst) != generation;
                jobs::run(&job, &store, &stale, &mut |r| {
                    let _ = events.send(Event::Job(r));
                });
                give_back_memory();
            });
            running[slot] = Some((generation, handle));
        }
    });
    tx
}

/// A whole-folder job leaves the allocator holding freed memory in the middle of its heap;
/// hand whole free pages back to the system.
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory to the system; no pointer is touched.
    unsafe {
        libc::malloc_trim(0);
    }
}
