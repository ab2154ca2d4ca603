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
        // The job of each kind started last.
        let mut running: [Option<tokio::task::JoinHandle<()>>; 2] = [None, None];
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
            // Jobs of one kind run one after the other: the one before, superseded, stops
            // within a few hundred messages (a search of what just arrived, of the same
            // generation, runs to its end). The wait is the new job's, never this loop's: a
            // load asked for meanwhile starts at once.
            let previous = running[slot].take();
            let (store, events, latest) = (store.clone(), events.clone(), latest.clone());
            let handle = tokio::spawn(async move {
                if let Some(previous) = previous {
                    let _ = previous.await;
                }
                let _ = tokio::task::spawn_blocking(move || {
                    let stale = || latest[slot].load(Ordering::SeqCst) != generation;
                    if stale() {
                        return;
                    }
                    jobs::run(&job, &store, &stale, &mut |r| {
                        let _ = events.send(Event::Job(r));
                    });
                    give_back_memory();
                })
                .await;
            });
            running[slot] = Some(handle);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::jobs::{Job, JobResult};
    use crate::mail::Envelope;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stop_ends_a_running_search_and_a_superseded_load_never_runs() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let envs: Vec<Envelope> = (1..=40_000u32)
            .map(|uid| Envelope {
                uid,
                subject: format!("message {uid}"),
                ..Default::default()
            })
            .collect();
        store.put_envelopes("a", "INBOX", &envs).unwrap();
        let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
        let tx = spawn(store, ev_tx);
        let search = |generation| {
            Command::Job(Job::Search {
                generation,
                account: "a".into(),
                folder: "INBOX".into(),
                query: "nowhere to be found".into(),
                uids: None,
            })
        };
        let load = |generation| {
            Command::Job(Job::LoadList {
                generation,
                account: "a".into(),
                folder: "INBOX".into(),
                threaded: false,
                who: Default::default(),
            })
        };
        tx.send(search(1)).unwrap();
        tx.send(Command::Job(Job::Stop {
            generation: 2,
            of: Kind::Search,
        }))
        .unwrap();
        // two loads asked for at once: only the newer one is read
        tx.send(load(3)).unwrap();
        tx.send(load(4)).unwrap();
        let mut got = Vec::new();
        while let Ok(Some(Event::Job(r))) =
            tokio::time::timeout(std::time::Duration::from_secs(3), ev_rx.recv()).await
        {
            got.push(r);
        }
        let finished_search = got.iter().any(|r| {
            matches!(
                r,
                JobResult::SearchHits {
                    generation: 1,
                    done: true,
                    ..
                }
            )
        });
        assert!(!finished_search, "the stopped search read the whole folder");
        let loads: Vec<u64> = got
            .iter()
            .filter_map(|r| match r {
                JobResult::ListLoaded { generation, .. } => Some(*generation),
                _ => None,
            })
            .collect();
        assert_eq!(loads, vec![4], "{got:?}");
        let _ = tx.send(Command::Shutdown);
    }
}
