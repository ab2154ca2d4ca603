//! Keeping the open list in step with the store at the cost of what changed: what a sync or an
//! action added, removed or re-flagged is merged into the list; a whole folder is read only
//! when it opens (its newest rows at once, the rest by the job worker), and results of jobs
//! that are no longer wanted are dropped by their generation.

use std::collections::HashSet;

use super::jobs::{self, Job, JobResult};
use super::list::Loaded;
use super::{search, App, Command, Event};
use crate::mail::Flags;

/// How whole-folder work runs, and what is in flight.
#[derive(Debug, Default)]
pub struct Background {
    /// Whole-folder work goes to the job worker (the binary). Off: it runs inline in
    /// `update`, at once (tests, and an app built with `first_paint: None`).
    pub enabled: bool,
    generation: u64,
    /// The list load in flight: its generation, and the messages changed since it was asked
    /// for (re-read from the store when it lands: the load may have read them before or after).
    load: Option<(u64, HashSet<u32>)>,
    /// Jobs asked for during this `update`, handed to the event loop with its commands.
    pub(super) queue: Vec<Command>,
}

impl Background {
    pub fn new(enabled: bool) -> Background {
        Background {
            enabled,
            ..Default::default()
        }
    }

    /// A list load is in flight.
    pub fn loading(&self) -> bool {
        self.load.is_some()
    }
}

impl App {
    /// A new generation for a job (every job kind shares one counter).
    pub(super) fn next_generation(&mut self) -> u64 {
        self.background.generation += 1;
        self.background.generation
    }

    /// Run a job: sent to the job worker (with the commands of this `update`), or (inline
    /// mode) at once, its results applied now.
    pub(super) fn start_job(&mut self, job: Job) {
        if self.background.enabled {
            self.background.queue.push(Command::Job(job));
            return;
        }
        let mut results = Vec::new();
        jobs::run(&job, &self.store, &|| false, &mut |r| results.push(r));
        for r in results {
            self.on_job(r);
        }
    }

    /// Read the open folder again: by the job worker (the list stays as it is until the new
    /// one lands), or inline.
    pub(super) fn request_load(&mut self) {
        let generation = self.next_generation();
        self.background.load = Some((generation, HashSet::new()));
        let (account, folder) = (self.list.account.clone(), self.list.folder.clone());
        let who = self.correspondent(&account, &folder);
        let job = Job::LoadList {
            generation,
            account,
            folder,
            threaded: self.list.threaded,
            who,
        };
        self.start_job(job);
    }

    /// A job's result.
    pub(super) fn on_job(&mut self, r: JobResult) {
        match r {
            JobResult::ListLoaded { generation, list } => {
                let Some((want, touched)) = self.background.load.take() else {
                    return;
                };
                if want != generation {
                    self.background.load = Some((want, touched));
                    return;
                }
                let mut list = *list;
                if list.account != self.list.account || list.folder != self.list.folder {
                    return;
                }
                // The cursor stays on the message the user is on, or goes where the user asked
                // while the folder loaded; both may be among the changes read again below.
                let keep = self.list.selected().map(|e| e.uid);
                let want = self.list.want.take();
                list.inherit(&mut self.list);
                list.cursor = self.list.cursor.min(list.rows.len().saturating_sub(1));
                list.offset = self.list.offset;
                self.list = list;
                self.list_partial = false;
                let touched: Vec<u32> = touched.into_iter().collect();
                self.reread(&touched);
                self.list.place(keep, want);
                search::reindex(self);
                self.list.scroll_into_view(self.list_height());
            }
            JobResult::SearchHits {
                generation,
                uids,
                scanned,
                done,
            } => search::hits(self, generation, uids, scanned, done),
            JobResult::Failed { generation, error } => {
                if self
                    .background
                    .load
                    .as_ref()
                    .is_some_and(|l| l.0 == generation)
                {
                    self.background.load = None;
                }
                if self.search.generation == generation {
                    self.search.running = false;
                }
                self.status.error = Some(error);
            }
        }
    }

    /// Note changed messages for a list load in flight.
    fn touch(&mut self, uids: impl IntoIterator<Item = u32>) {
        if let Some((_, t)) = self.background.load.as_mut() {
            t.extend(uids);
        }
    }

    fn shows(&self, account: &str, folder: &str) -> bool {
        self.list.account == account && self.list.folder == folder
    }

    /// Messages of `folder` were added to the store: merge them into the list if it shows it.
    pub(super) fn list_added(&mut self, account: &str, folder: &str, uids: &[u32]) {
        if !self.shows(account, folder) || uids.is_empty() {
            return;
        }
        self.touch(uids.iter().copied());
        let who = self.correspondent(account, folder);
        let mut added = Loaded::with_capacity(uids.len());
        for &uid in uids {
            match self.store.envelope(account, folder, uid) {
                Ok(Some(e)) => added.push_envelope(&who, &e),
                Ok(None) => {}
                Err(e) => self.status.error = Some(e.to_string()),
            }
        }
        let arrived: Vec<u32> = added.rows.iter().map(|s| s.uid).collect();
        if !self.list.merge(added) {
            self.request_load();
        }
        search::arrived(self, &arrived);
    }

    /// Messages left the store: drop them from the list if it shows their folder.
    pub(super) fn list_removed(&mut self, account: &str, folder: &str, uids: &[u32]) {
        if !self.shows(account, folder) || uids.is_empty() {
            return;
        }
        self.touch(uids.iter().copied());
        if self.list.remove_many(uids) > 0 {
            search::reindex(self);
        }
        // Replies of a removed message hang where it was: thread the folder again, off the
        // UI thread (the rows stay as they are until the new order is there).
        if self.list.take_stale_threads() {
            // When the new order lands the cursor stays at this row: the reply under it may
            // now sort as a thread of its own far down, and a cursor jumping there by itself
            // half a second after `d` is lost (a place the user asked for meanwhile wins).
            if self.list.want.is_none() {
                self.list
                    .want_at(super::list::Target::Row(self.list.cursor));
            }
            self.reload_list();
        }
    }

    /// Flags of messages changed in the store.
    pub(super) fn list_flags(&mut self, account: &str, folder: &str, flags: &[(u32, Flags)]) {
        if !self.shows(account, folder) || flags.is_empty() {
            return;
        }
        self.touch(flags.iter().map(|(u, _)| *u));
        for &(uid, f) in flags {
            self.list.set_flags(uid, f);
        }
    }

    /// Bring these messages of the list in line with the store.
    fn reread(&mut self, uids: &[u32]) {
        let (account, folder) = (self.list.account.clone(), self.list.folder.clone());
        let (mut gone, mut new, mut flags) = (Vec::new(), Vec::new(), Vec::new());
        for &uid in uids {
            match self.store.envelope(&account, &folder, uid) {
                Ok(Some(e)) if self.list.contains(uid) => flags.push((uid, e.flags)),
                Ok(Some(_)) => new.push(uid),
                Ok(None) => gone.push(uid),
                Err(e) => self.status.error = Some(e.to_string()),
            }
        }
        self.list_removed(&account, &folder, &gone);
        self.list_flags(&account, &folder, &flags);
        self.list_added(&account, &folder, &new);
    }

    /// A sync wrote these changes of a folder: its counts from the store, and the list merges
    /// them when it shows the folder.
    pub(super) fn messages_changed(&mut self, ev: Event) {
        let Event::MessagesChanged {
            account,
            folder,
            added,
            removed,
            flags,
        } = ev
        else {
            return;
        };
        self.refresh_folder(&account, &folder);
        self.list_removed(&account, &folder, &removed);
        self.list_flags(&account, &folder, &flags);
        self.list_added(&account, &folder, &added);
        self.list.scroll_into_view(self.list_height());
    }

    /// The folder's record (counts) as the store has it now, into the tree: O(1).
    pub(super) fn refresh_folder(&mut self, account: &str, folder: &str) {
        if let Ok(Some(f)) = self.store.folder(account, folder) {
            if let Some(t) = self.tree.get_mut(account, folder) {
                *t = f;
            }
        }
    }
}
