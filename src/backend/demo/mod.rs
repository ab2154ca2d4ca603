//! The built-in demo account: a generated mailbox seeded into a temporary store, and a worker
//! that plays the server locally so every action works with no network.

pub mod corpus;

use tokio::sync::mpsc::{self, UnboundedSender};

use crate::app::{Command, Event};
use crate::mail::{parse::envelope_from_raw, Folder};
use crate::store::{FolderState, Store};

pub const ACCOUNT: &str = "demo";

/// The demo user's own addresses (Sam Rivera's), by account.
pub fn own_addresses() -> std::collections::HashMap<String, Vec<String>> {
    [(ACCOUNT.to_string(), vec![corpus::USER_ADDRESS.to_string()])].into()
}

/// The demo user's writing settings: Sam Rivera, a signature, and a "server" that is the
/// demo itself (nothing leaves this machine; sent mail lands in the demo's Sent folder).
pub fn compose_settings() -> std::collections::HashMap<String, crate::app::compose::ComposeSettings>
{
    let s = crate::app::compose::ComposeSettings {
        identities: vec![crate::mail::Address {
            name: Some("Sam Rivera".into()),
            email: corpus::USER_ADDRESS.into(),
        }],
        signature: Some("Sam Rivera · tmail demo".into()),
        attribution: String::new(),
        forward_attached: false,
        send_delay: crate::config::DEFAULT_SEND_DELAY,
        via: Some("the demo (nothing leaves this machine)".into()),
    };
    [(ACCOUNT.to_string(), s)].into()
}

/// Fill an empty store with the demo mailbox.
pub fn seed(store: &Store) -> crate::store::Result<()> {
    let folders = corpus::folders();
    for f in &folders {
        store.put_folder(&Folder {
            account: ACCOUNT.into(),
            path: f.path.clone(),
            delimiter: Some(corpus::DELIMITER),
            role: f.role,
            selectable: true,
            unread: 0,
            total: 0,
        })?;
    }
    let base = 1_790_000_000;
    let mut next_uid: std::collections::HashMap<String, u32> = Default::default();
    let mut batch: std::collections::HashMap<String, Vec<crate::mail::Envelope>> =
        Default::default();
    for m in corpus::messages() {
        let uid = next_uid.entry(m.folder.clone()).or_insert(1);
        let env = envelope_from_raw(&m.raw, *uid, m.flags, base + i64::from(*uid));
        store.put_body(ACCOUNT, &m.folder, *uid, &m.raw)?;
        batch.entry(m.folder.clone()).or_default().push(env);
        *uid += 1;
    }
    for (folder, envs) in batch {
        store.put_envelopes(ACCOUNT, &folder, &envs)?;
    }
    for f in &folders {
        let uidnext = next_uid.get(&f.path).copied().unwrap_or(1);
        store.set_folder_state(
            ACCOUNT,
            &f.path,
            &FolderState {
                uidvalidity: 1,
                uidnext,
                highestmodseq: 0,
            },
        )?;
        store.recount(ACCOUNT, &f.path)?;
    }
    store.flush()
}

/// The demo worker: bodies are all local, and the journal is "confirmed" at once.
pub fn spawn(store: Store, events: UnboundedSender<Event>) -> UnboundedSender<Command> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
    tokio::spawn(async move {
        let _ = events.send(Event::Online {
            account: ACCOUNT.into(),
            online: true,
        });
        while let Some(cmd) = rx.recv().await {
            match cmd {
                Command::Shutdown => break,
                Command::FetchBody {
                    account,
                    folder,
                    uid,
                } => {
                    let ev = match store.has_body(&account, &folder, uid) {
                        Ok(true) => Event::BodyReady {
                            account,
                            folder,
                            uid,
                        },
                        Ok(false) => Event::BodyFailed {
                            account,
                            folder,
                            uid,
                            error: "not in the demo mailbox".into(),
                        },
                        Err(e) => Event::BodyFailed {
                            account,
                            folder,
                            uid,
                            error: e.to_string(),
                        },
                    };
                    let _ = events.send(ev);
                }
                Command::ReplayJournal { account } => {
                    // The demo's "server" is the store itself: every entry is already applied.
                    let entries = store.journal(Some(&account)).unwrap_or_default();
                    for e in entries {
                        if let Err(err) = store.journal_remove(e.id) {
                            let _ = events.send(Event::Error {
                                account: account.clone(),
                                text: err.to_string(),
                            });
                        }
                    }
                    let _ = events.send(Event::JournalApplied { account });
                }
                Command::SyncFolder { account, .. } | Command::SyncAll { account } => {
                    let _ = events.send(Event::Status {
                        account,
                        text: "demo mailbox: no server to check (all mail is local)".into(),
                    });
                }
                Command::FolderOpened { .. }
                | Command::Password { .. }
                | Command::SendOutbox { .. }
                | Command::Open { .. }
                | Command::Pipe { .. }
                | Command::Copy { .. }
                | Command::Job(_) => {}
                Command::ServerSearch {
                    account,
                    folder,
                    query,
                } => {
                    let ev = match crate::mail::query::Query::parse(&query) {
                        Ok(q) => {
                            let uids = super::search_store(&store, &account, &folder, &q);
                            Event::SearchResults {
                                account,
                                folder,
                                query,
                                uids,
                                local: true,
                            }
                        }
                        Err(e) => Event::Error { account, text: e },
                    };
                    let _ = events.send(ev);
                }
            }
        }
    });
    tx
}
