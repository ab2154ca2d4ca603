//! Local search of the open folder: sender, recipients, subject and cached bodies. Works offline;
//! `n` / `N` step through the hits.
//!
//! What the list rows show (subject, correspondent) is matched at once, in `update`; the rest
//! (recipients, cached bodies: a whole-folder scan) is a job of the job worker, whose hits
//! stream in while keys keep working. Hits of a search that was replaced are dropped by their
//! generation. Messages that arrive while a search is shown are searched as they arrive.

use std::collections::HashSet;

use super::jobs::{summary_match, Job};
use super::App;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub query: Option<String>,
    /// UIDs that match, for highlighting.
    pub hits: HashSet<u32>,
    /// Row positions that match, in list order.
    pub rows: Vec<usize>,
    /// The query of the server search whose hits are shown.
    pub server_query: Option<String>,
    /// The generation of the search job whose hits are shown.
    pub generation: u64,
    /// The job is still searching the folder.
    pub running: bool,
    /// Where the cursor was when the search started, and the row the search last put it on
    /// (while the user has not moved it, better hits that arrive move it again).
    from: usize,
    placed: Option<usize>,
}

impl Search {
    /// The next hit after `cursor` (wrapping), or before it when `back`.
    pub fn step(&self, cursor: usize, back: bool) -> Option<usize> {
        if back {
            self.rows
                .iter()
                .rev()
                .find(|&&r| r < cursor)
                .or(self.rows.last())
                .copied()
        } else {
            self.rows
                .iter()
                .find(|&&r| r > cursor)
                .or(self.rows.first())
                .copied()
        }
    }

    pub fn position(&self, row: usize) -> Option<usize> {
        self.rows.iter().position(|&r| r == row)
    }
}

/// The row positions of the hits, after the list or the hits changed: one pass over the rows.
pub(super) fn reindex(app: &mut App) {
    let s = &mut app.search;
    s.rows.clear();
    if s.hits.is_empty() {
        return;
    }
    let l = &app.list;
    let folds = l.has_folds();
    s.rows.extend(
        l.rows
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                l.items
                    .get(r.index)
                    .is_some_and(|e| s.hits.contains(&e.uid))
                    // a folded thread holds a hit when any of its messages does
                    || (folds && l.row_uids(*i).iter().any(|u| s.hits.contains(u)))
            })
            .map(|(i, _)| i),
    );
}

/// The status line while a search runs and once it is done.
fn say(app: &mut App) {
    let Some(text) = app.search.query.clone() else {
        return;
    };
    let n = app.search.rows.len();
    if app.search.running {
        app.status.info = Some(format!("searching \"{text}\"… {n} so far"));
        app.status.error = None;
    } else if n > 0 {
        app.status.info = Some(format!(
            "{n} match{} for \"{text}\" (n/N: next/previous)",
            if n == 1 { "" } else { "es" }
        ));
        app.status.error = None;
    } else {
        app.status.info = None;
        app.status.error = Some(format!("no match for \"{text}\" in {}", app.list.folder));
    }
}

/// Put the cursor on the first hit at or after where the search started, unless the user moved
/// it since the search last placed it.
fn place(app: &mut App) {
    let s = &app.search;
    if s.placed.is_some_and(|p| p != app.list.cursor) {
        return;
    }
    let first = s
        .rows
        .iter()
        .find(|&&r| r >= s.from)
        .or(s.rows.first())
        .copied();
    if let Some(row) = first {
        app.list.cursor = row;
        let row = reveal_hit(app, row, false);
        app.search.placed = Some(row);
        app.list.scroll_into_view(app.list_height());
    }
}

/// Forget the search (its hits and highlights); a search job still running is stopped (it
/// would read the rest of the folder for nothing).
pub(super) fn clear(app: &mut App) {
    let running = app.search.running;
    app.search = Search::default();
    if running {
        let generation = app.next_generation();
        app.start_job(Job::Stop {
            generation,
            of: super::jobs::Kind::Search,
        });
    }
}

/// Run a new search from the `/` prompt or `:search`.
pub(super) fn start(app: &mut App, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        clear(app);
        app.status.info = Some("search cleared".into());
        return;
    }
    let q = text.to_lowercase();
    let generation = app.next_generation();
    app.search = Search {
        query: Some(text.to_string()),
        generation,
        running: true,
        from: app.list.cursor,
        placed: Some(app.list.cursor),
        ..Default::default()
    };
    // What the rows show is matched at once; the job looks at the rest.
    let hits: HashSet<u32> = app
        .list
        .items
        .iter_views()
        .filter(|s| summary_match(s, &q))
        .map(|s| s.uid)
        .collect();
    app.search.hits = hits;
    open_folds(app);
    app.search.from = app.list.cursor;
    app.search.placed = Some(app.list.cursor);
    reindex(app);
    place(app);
    say(app);
    let job = Job::Search {
        generation,
        account: app.list.account.clone(),
        folder: app.list.folder.clone(),
        query: q,
        uids: None,
    };
    app.start_job(job);
}

/// Hits from the search job.
pub(super) fn hits(app: &mut App, generation: u64, uids: Vec<u32>, _scanned: usize, done: bool) {
    if generation != app.search.generation || app.search.query.is_none() {
        return;
    }
    let before = app.search.hits.len();
    app.search.hits.extend(uids);
    if app.search.hits.len() != before {
        open_folds(app);
        reindex(app);
        place(app);
    }
    if done {
        app.search.running = false;
    }
    say(app);
}

/// Messages arrived in the open folder while a search is shown: search them too (and put the
/// hits shown, a local or a server search's, at their rows again).
pub(super) fn arrived(app: &mut App, uids: &[u32]) {
    let Some(text) = app.search.query.clone() else {
        // a server search's hits (no local query): their rows moved
        reindex(app);
        return;
    };
    if uids.is_empty() {
        return;
    }
    let q = text.to_lowercase();
    let now: Vec<u32> = uids
        .iter()
        .copied()
        .filter(|&u| app.list.get(u).is_some_and(|s| summary_match(&s, &q)))
        .collect();
    app.search.hits.extend(now);
    open_folds(app);
    reindex(app);
    let job = Job::Search {
        generation: app.search.generation,
        account: app.list.account.clone(),
        folder: app.list.folder.clone(),
        query: q,
        uids: Some(uids.to_vec()),
    };
    app.start_job(job);
}

/// Unfold the folded threads that hide a hit, so every hit is a row `n` reaches; where the
/// search started and last placed the cursor move with the rows.
fn open_folds(app: &mut App) {
    if !app.list.has_folds() {
        return;
    }
    let before = app.list.cursor;
    let hits = &app.search.hits;
    if app.list.unfold_where(|u| hits.contains(&u)) == 0 {
        return;
    }
    let moved = app.list.cursor as isize - before as isize;
    app.search.from = app.search.from.saturating_add_signed(moved);
    app.search.placed = app.search.placed.map(|r| r.saturating_add_signed(moved));
}

/// When `row` (the cursor's) is a folded thread whose first message is not a hit, unfold it and
/// put the cursor on the thread's first hit (its last, going back). Returns the cursor's row.
fn reveal_hit(app: &mut App, row: usize, back: bool) -> usize {
    let uids = app.list.row_uids(row);
    if uids.len() < 2 || uids.first().is_some_and(|u| app.search.hits.contains(u)) {
        return row;
    }
    app.list.cursor = row;
    app.list.toggle_fold();
    reindex(app);
    let thread = row..row + uids.len();
    let mut inside = app.search.rows.iter().filter(|r| thread.contains(r));
    let hit = if back {
        inside.next_back()
    } else {
        inside.next()
    };
    app.list.cursor = hit.copied().unwrap_or(row);
    app.list.cursor
}

/// `n` / `N`.
pub(super) fn step(app: &mut App, back: bool) -> bool {
    if app.search.query.is_none() && app.search.server_query.is_none() {
        app.status.info = Some("no search yet: / starts one".into());
        return false;
    }
    match app.search.step(app.list.cursor, back) {
        Some(row) => {
            app.list.cursor = row;
            let row = reveal_hit(app, row, back);
            app.list.scroll_into_view(app.list_height());
            let i = app.search.position(row).map_or(0, |p| p + 1);
            let more = if app.search.running {
                " (still searching)"
            } else {
                ""
            };
            app.status.info = Some(format!("match {i} of {}{more}", app.search.rows.len()));
            true
        }
        None if app.search.running => {
            app.status.info = Some("no match yet: still searching".into());
            false
        }
        None => {
            app.status.error = Some("no matches".into());
            false
        }
    }
}

/// `:search --server QUERY`: ask the account's server (results come back as an event).
pub(super) fn server(app: &mut App, query: &str, out: &mut Vec<super::Command>) {
    if let Err(e) = crate::mail::query::Query::parse(query) {
        app.status.error = Some(format!("search: {e}"));
        return;
    }
    out.push(super::Command::ServerSearch {
        account: app.list.account.clone(),
        folder: app.list.folder.clone(),
        query: query.to_string(),
    });
    app.status.info = Some(format!("searching {} on the server…", app.list.folder));
}

/// Show a server search's hits in the list, like a local search's (n / N step through them).
pub(super) fn show_results(app: &mut App, query: String, uids: Vec<u32>, local: bool) {
    // Hits the server had that were not cached yet were fetched and stored: list them too.
    let missing: Vec<u32> = uids
        .iter()
        .copied()
        .filter(|u| !app.list.contains(*u))
        .collect();
    let (account, folder) = (app.list.account.clone(), app.list.folder.clone());
    app.list_added(&account, &folder, &missing);
    let generation = app.next_generation();
    app.search = Search {
        hits: uids.into_iter().collect(),
        server_query: Some(query.clone()),
        generation,
        ..Default::default()
    };
    open_folds(app);
    reindex(app);
    let n = app.search.rows.len();
    match app.search.rows.first() {
        Some(&row) => {
            app.list.cursor = row;
            app.list.scroll_into_view(app.list_height());
            let place = if local {
                "in the cache (offline)"
            } else {
                "on the server"
            };
            app.status.info = Some(format!(
                "{n} match{} {place} for \"{query}\" (n/N: next/previous)",
                if n == 1 { "" } else { "es" }
            ));
        }
        None => app.status.error = Some(format!("no match for \"{query}\" in {}", app.list.folder)),
    }
}
