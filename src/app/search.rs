//! Local search of the open folder: sender, recipients, subject and cached bodies. Works offline;
//! `n` / `N` step through the hits.

use std::collections::HashSet;

use super::{App, MessageList};
use crate::mail::{render, Envelope, Summary};
use crate::store::Store;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    pub query: Option<String>,
    /// UIDs that match, for highlighting.
    pub hits: HashSet<u32>,
    /// Row positions that match, in list order.
    pub rows: Vec<usize>,
    /// The query of the server search whose hits are shown.
    pub server_query: Option<String>,
}

fn summary_match(e: &Summary, q: &str) -> bool {
    e.subject.to_lowercase().contains(q)
        || e.from.as_ref().is_some_and(|a| {
            a.email.to_lowercase().contains(q)
                || a.name
                    .as_ref()
                    .is_some_and(|n| n.to_lowercase().contains(q))
        })
}

fn header_match(e: &Envelope, q: &str) -> bool {
    e.subject.to_lowercase().contains(q)
        || e.from.iter().chain(&e.to).chain(&e.cc).any(|a| {
            a.email.to_lowercase().contains(q)
                || a.name
                    .as_ref()
                    .is_some_and(|n| n.to_lowercase().contains(q))
        })
}

impl Search {
    /// Recompute hits of the current query against the list (after it changed).
    pub fn refresh(&mut self, list: &MessageList, store: &Store) {
        let Some(q) = self.query.clone() else {
            return;
        };
        let q = q.to_lowercase();
        self.hits.clear();
        self.rows.clear();
        for (pos, row) in list.rows.iter().enumerate() {
            let Some(e) = list.envelopes.get(row.index) else {
                continue;
            };
            // The list's rows are compact; recipients come from the stored envelope.
            let full = || {
                store
                    .envelope(&list.account, &list.folder, e.uid)
                    .ok()
                    .flatten()
            };
            let hit = summary_match(e, &q)
                || full().is_some_and(|f| header_match(&f, &q))
                || store
                    .body(&list.account, &list.folder, e.uid)
                    .ok()
                    .flatten()
                    .is_some_and(|raw| render::search_text(&raw).to_lowercase().contains(&q));
            if hit {
                self.hits.insert(e.uid);
                self.rows.push(pos);
            }
        }
    }

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

/// Run a new search from the `/` prompt or `:search`.
pub(super) fn start(app: &mut App, text: &str) {
    let text = text.trim();
    if text.is_empty() {
        app.search = Search::default();
        app.status.info = Some("search cleared".into());
        return;
    }
    app.search.query = Some(text.to_string());
    app.search.refresh(&app.list, &app.store);
    let from = app.list.cursor;
    let first = app
        .search
        .rows
        .iter()
        .find(|&&r| r >= from)
        .or(app.search.rows.first())
        .copied();
    match first {
        Some(row) => {
            app.list.cursor = row;
            app.list.scroll_into_view(app.list_height());
            app.status.info = Some(format!(
                "{} match{} for \"{text}\" (n/N: next/previous)",
                app.search.rows.len(),
                if app.search.rows.len() == 1 { "" } else { "es" }
            ));
        }
        None => app.status.error = Some(format!("no match for \"{text}\" in {}", app.list.folder)),
    }
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
            app.list.scroll_into_view(app.list_height());
            let i = app.search.position(row).map_or(0, |p| p + 1);
            app.status.info = Some(format!("match {i} of {}", app.search.rows.len()));
            true
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
    app.reload_list();
    let hits: HashSet<u32> = uids.into_iter().collect();
    app.search.rows = app
        .list
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            app.list
                .envelopes
                .get(r.index)
                .is_some_and(|e| hits.contains(&e.uid))
        })
        .map(|(i, _)| i)
        .collect();
    app.search.hits = hits;
    app.search.query = None;
    app.search.server_query = Some(query.clone());
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
