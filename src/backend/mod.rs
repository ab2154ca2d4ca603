//! Account workers: one tokio task per account owns its sockets, writes the store and reports
//! `Event`s. The app reaches them only through `Command`s.

pub mod credentials;
pub mod demo;
pub mod imap;
pub mod jobs;
pub mod local;
pub mod net;
mod notify;
pub mod outbox;
pub mod pop3;
pub mod secret;
pub mod smtp;

use std::collections::HashMap;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::action::Service;
use crate::app::{Command, Event};

/// The command channels of all running workers, by account and service: each service of an
/// account (its mail server, its SMTP server) is a task of its own, so a send never waits
/// behind a sync.
#[derive(Default, Clone)]
pub struct Workers {
    senders: HashMap<(String, Service), UnboundedSender<Command>>,
    /// The job worker (`backend::jobs`): whole-folder work off the UI thread.
    jobs: Option<UnboundedSender<Command>>,
}

impl Workers {
    /// The account's mail worker (IMAP, POP3 or the demo).
    pub fn add(&mut self, account: &str, tx: UnboundedSender<Command>) {
        self.add_service(account, Service::Mail, tx);
    }

    pub fn add_service(&mut self, account: &str, service: Service, tx: UnboundedSender<Command>) {
        self.senders.insert((account.to_string(), service), tx);
    }

    /// The local worker (programs run for the user: open, pipe, copy).
    pub fn add_local(&mut self, tx: UnboundedSender<Command>) {
        self.add_service("", Service::Local, tx);
    }

    /// The job worker, which takes every `Command::Job`.
    pub fn add_jobs(&mut self, tx: UnboundedSender<Command>) {
        self.jobs = Some(tx);
    }

    /// Route a command to its account's worker for its service (`Shutdown` goes to all).
    pub fn send(&self, cmd: Command) {
        if matches!(cmd, Command::Job(_)) {
            if let Some(tx) = &self.jobs {
                let _ = tx.send(cmd);
            }
            return;
        }
        if cmd.service() == Service::Local {
            if let Some(tx) = self.senders.get(&(String::new(), Service::Local)) {
                let _ = tx.send(cmd);
            }
            return;
        }
        if cmd == Command::Shutdown {
            if let Some(tx) = &self.jobs {
                let _ = tx.send(Command::Shutdown);
            }
        }
        match cmd.account() {
            // A typed password may be the SMTP server's too (the same account's secret).
            Some(a) if matches!(cmd, Command::Password { .. }) => {
                for service in [Service::Mail, Service::Smtp] {
                    if let Some(tx) = self.senders.get(&(a.to_string(), service)) {
                        let _ = tx.send(cmd.clone());
                    }
                }
            }
            Some(a) => {
                if let Some(tx) = self.senders.get(&(a.to_string(), cmd.service())) {
                    let _ = tx.send(cmd);
                }
            }
            None => {
                for tx in self.senders.values() {
                    let _ = tx.send(cmd.clone());
                }
            }
        }
    }
}

/// Evaluate a server-search query against the store (no server: the demo, or offline).
pub fn search_store(
    store: &crate::store::Store,
    account: &str,
    folder: &str,
    query: &crate::mail::query::Query,
) -> Vec<u32> {
    let mut out = Vec::new();
    let _ = store.for_each_envelope(account, folder, |e| {
        let text = store
            .body(account, folder, e.uid)
            .ok()
            .flatten()
            .map(|raw| crate::mail::render::search_text(&raw));
        if query.matches(&e, text.as_deref()) {
            out.push(e.uid);
        }
    });
    out
}

/// Start the worker of a configured account: IMAP or POP3 (see `config::AccountSettings`).
pub fn spawn_account(
    settings: crate::config::AccountSettings,
    store: crate::store::Store,
    events: UnboundedSender<Event>,
) -> UnboundedSender<Command> {
    let name = settings.name.clone();
    if settings.pop3.is_some() {
        return pop3::spawn(settings, store, events);
    }
    match imap::spawn(settings, store, events.clone()) {
        Some(tx) => tx,
        None => spawn_refusing(name, "the account has no server section".into(), events),
    }
}

/// A worker that does nothing but say why (once), so the stored mail stays readable.
pub fn spawn_refusing(
    account: String,
    reason: String,
    events: UnboundedSender<Event>,
) -> UnboundedSender<Command> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Command>();
    tokio::spawn(async move {
        let _ = events.send(Event::Error {
            account: account.clone(),
            text: reason,
        });
        while let Some(cmd) = rx.recv().await {
            if cmd == Command::Shutdown {
                break;
            }
        }
    });
    tx
}
