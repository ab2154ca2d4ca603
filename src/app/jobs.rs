//! Whole-folder work, kept off the UI thread: reading a big folder for the list and searching
//! a folder's envelopes and cached bodies. `App::update` asks for a job with a `Command::Job`
//! tagged with a generation; the job worker (`backend::jobs`) runs it on a blocking thread and
//! sends `Event::Job` results back, as they come (a search streams its hits). A result of an
//! older generation than the app's current one is dropped, and a job whose generation was
//! superseded stops early (as gitui's async jobs do).
//!
//! The jobs are plain functions of the store, so tests and the inline mode (`App` built with
//! `first_paint: None`) run them in place.

use std::time::{Duration, Instant};

use super::list::{Loaded, MessageList};
use crate::mail::{Correspondent, Envelope};
use crate::store::{text, EnvelopeRef, Store};

/// Work for the job worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Read a folder for the list: its rows and their (threaded) order.
    LoadList {
        generation: u64,
        account: String,
        folder: String,
        threaded: bool,
        who: Correspondent,
    },
    /// Search a folder's envelopes (subject, sender, recipients) and cached bodies for `query`
    /// (lowercase), or only the messages `uids` (that just arrived).
    Search {
        generation: u64,
        account: String,
        folder: String,
        query: String,
        uids: Option<Vec<u32>>,
    },
    /// Stop the running job of this kind (its results are no longer wanted: the search was
    /// cleared, the folder left). Does nothing itself: its newer generation supersedes the job.
    Stop { generation: u64, of: Kind },
}

/// Which jobs supersede each other: a new search stops the old one, a new load the old load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Load,
    Search,
}

impl Job {
    pub fn generation(&self) -> u64 {
        match self {
            Job::LoadList { generation, .. }
            | Job::Search { generation, .. }
            | Job::Stop { generation, .. } => *generation,
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Job::LoadList { .. } => Kind::Load,
            Job::Search { .. } => Kind::Search,
            Job::Stop { of, .. } => *of,
        }
    }
}

/// What a job found.
#[derive(Debug, Clone, PartialEq)]
pub enum JobResult {
    /// A folder read for the list, ordered.
    ListLoaded {
        generation: u64,
        list: Box<MessageList>,
    },
    /// Hits of a search so far (`done`: the whole folder was searched; `scanned` messages).
    SearchHits {
        generation: u64,
        uids: Vec<u32>,
        scanned: usize,
        done: bool,
    },
    /// The job could not read the store.
    Failed { generation: u64, error: String },
}

/// Search hits are sent at least this often while a search runs.
const HITS_EVERY: Duration = Duration::from_millis(40);

/// Run a job; `stale()` says the app no longer wants it (checked every few hundred messages).
pub fn run(job: &Job, store: &Store, stale: &dyn Fn() -> bool, emit: &mut dyn FnMut(JobResult)) {
    let generation = job.generation();
    let r = match job {
        Job::LoadList {
            account,
            folder,
            threaded,
            who,
            ..
        } => load(store, account, folder, *threaded, who, stale).map(|list| {
            if let Some(list) = list {
                emit(JobResult::ListLoaded {
                    generation,
                    list: Box::new(list),
                });
            }
        }),
        Job::Search {
            account,
            folder,
            query,
            uids,
            ..
        } => search(
            store,
            account,
            folder,
            query,
            uids.as_deref(),
            generation,
            stale,
            emit,
        ),
        Job::Stop { .. } => Ok(()),
    };
    if let Err(e) = r {
        emit(JobResult::Failed {
            generation,
            error: e.to_string(),
        });
    }
}

/// A folder read and ordered for the list (`None`: stale before it was done).
pub fn load(
    store: &Store,
    account: &str,
    folder: &str,
    threaded: bool,
    who: &Correspondent,
    stale: &dyn Fn() -> bool,
) -> crate::store::Result<Option<MessageList>> {
    let mut loaded = Loaded::with_capacity(
        store
            .folder(account, folder)?
            .map_or(0, |f| f.total as usize),
    );
    let mut n = 0usize;
    let mut gone = false;
    store.scan_envelope_refs(account, folder, &mut |e| {
        loaded.push_ref(who, e);
        n += 1;
        gone = n.is_multiple_of(4096) && stale();
        !gone
    })?;
    if gone {
        return Ok(None);
    }
    let mut list = MessageList {
        threaded,
        ..Default::default()
    };
    list.load(account, folder, loaded);
    Ok(Some(list))
}

fn contains_ci(hay: &str, q: &str) -> bool {
    if q.is_ascii() {
        let (h, n) = (hay.as_bytes(), q.as_bytes());
        n.is_empty()
            || h.windows(n.len())
                .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
    } else {
        hay.to_lowercase().contains(q)
    }
}

/// The envelope matches `q` (lowercase) in its subject, senders or recipients.
pub fn header_match(e: &Envelope, q: &str) -> bool {
    contains_ci(&e.subject, q)
        || e.from
            .iter()
            .chain(&e.to)
            .chain(&e.cc)
            .any(|a| contains_ci(&a.email, q) || a.name.as_ref().is_some_and(|n| contains_ci(n, q)))
}

/// `header_match` of an envelope read in place.
pub fn header_match_ref(e: &EnvelopeRef, q: &str) -> bool {
    contains_ci(e.subject, q)
        || e.from
            .iter()
            .chain(&e.to)
            .chain(&e.cc)
            .any(|a| contains_ci(a.email, q) || a.name.is_some_and(|n| contains_ci(n, q)))
}

/// The list row matches `q` (lowercase) in its subject or correspondent: what the app can tell
/// at once, before the job has looked at recipients and bodies.
pub fn summary_match(s: &super::list::RowView, q: &str) -> bool {
    contains_ci(s.subject, q)
        || contains_ci(s.email, q)
        || s.name.is_some_and(|n| contains_ci(n, q))
}

/// Does the message's body (from its stored search text, made again when missing) match?
fn body_match(
    store: &Store,
    account: &str,
    folder: &str,
    (uid, size): (u32, u32),
    stored: Option<&[u8]>,
    q: &str,
) -> crate::store::Result<bool> {
    if let Some(t) = stored.and_then(|v| text::decode(v, size)) {
        return Ok(t.contains(q));
    }
    let Some(raw) = store.body(account, folder, uid)? else {
        return Ok(false);
    };
    let t = text::make(&raw);
    // Kept for the next search (tagged with the envelope's size, which it is checked against).
    store.put_body_text(account, folder, uid, size, &t)?;
    Ok(t.contains(q))
}

#[allow(clippy::too_many_arguments)]
fn search(
    store: &Store,
    account: &str,
    folder: &str,
    q: &str,
    only: Option<&[u32]>,
    generation: u64,
    stale: &dyn Fn() -> bool,
    emit: &mut dyn FnMut(JobResult),
) -> crate::store::Result<()> {
    let mut hits = Vec::new();
    let mut scanned = 0usize;
    let mut last = Instant::now();
    let mut failed = None;
    let mut stopped = false;
    let mut visit = |e: &EnvelopeRef, stored: Option<&[u8]>| -> bool {
        scanned += 1;
        let hit = header_match_ref(e, q)
            || match body_match(store, account, folder, (e.uid, e.size), stored, q) {
                Ok(b) => b,
                Err(err) => {
                    failed = Some(err);
                    return false;
                }
            };
        if hit {
            hits.push(e.uid);
        }
        if scanned.is_multiple_of(256) {
            if stale() {
                stopped = true;
                return false;
            }
            if last.elapsed() >= HITS_EVERY && !hits.is_empty() {
                last = Instant::now();
                emit(JobResult::SearchHits {
                    generation,
                    uids: std::mem::take(&mut hits),
                    scanned,
                    done: false,
                });
            }
        }
        true
    };
    match only {
        Some(uids) => {
            for &uid in uids {
                if let Some(bytes) = store.envelope_bytes(account, folder, uid)? {
                    let e = EnvelopeRef::read(&bytes)?;
                    let t = store.body_text(account, folder, uid)?;
                    if !visit(&e, t.as_deref()) {
                        break;
                    }
                }
            }
        }
        None => store.scan_envelopes_with_text(account, folder, &mut visit)?,
    }
    if let Some(e) = failed {
        return Err(e);
    }
    if !stopped {
        emit(JobResult::SearchHits {
            generation,
            uids: hits,
            scanned,
            done: only.is_none(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_without_allocating_for_ascii() {
        assert!(contains_ci("Hello Sender3", "sender3"));
        assert!(contains_ci("Grüße aus MÜNCHEN", "münchen"));
        assert!(!contains_ci("abc", "abcd"));
        assert!(contains_ci("x", ""));
    }
}
