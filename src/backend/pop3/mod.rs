//! The POP3 account worker. A POP3 account's mail lives only in the store (it is data, not a
//! cache): the worker downloads new mail into the INBOX at start, every `check_interval`, and on
//! `:sync`, with short sessions (connect, download, delete what is due, QUIT: the server locks
//! the maildrop while a session is open). Everything else is local: the user's actions are
//! already in the store, so the worker applies the journal to the POP3 bookkeeping at once
//! (`Store::pop3_apply_journal`) instead of replaying it to a server.

pub mod conn;
pub mod download;
mod error;
pub mod proto;
mod worker;

pub use error::Pop3Error;
pub use worker::spawn;

use self::download::{CheckReport, Hooks, Policy};
use crate::backend::secret::Secret;
use crate::config::{AccountSettings, ServerSettings};
use crate::mail::{Folder, Role};
use crate::store::Store;

pub use download::INBOX;

/// The account's folders in the store: INBOX, Sent, Drafts and Trash (names from
/// `[accounts.folders]` when set) are made when missing, and roles assigned (overrides, then
/// well-known names such as "Archive"). Also marks the account as holding data. Returns
/// whether the folder list changed.
pub fn ensure_folders(store: &Store, settings: &AccountSettings) -> crate::store::Result<bool> {
    let account = settings.name.as_str();
    store.mark_pop3_account(account)?;
    let o = &settings.folders;
    let wanted = [
        (INBOX.to_string(), Some(Role::Inbox)),
        (
            o.sent.clone().unwrap_or_else(|| "Sent".into()),
            Some(Role::Sent),
        ),
        (
            o.drafts.clone().unwrap_or_else(|| "Drafts".into()),
            Some(Role::Drafts),
        ),
        (
            o.trash.clone().unwrap_or_else(|| "Trash".into()),
            Some(Role::Trash),
        ),
    ];
    let mut folders = store.folders(Some(account))?;
    let before = folders.clone();
    for (path, _) in &wanted {
        if !folders.iter().any(|f| f.path == *path) {
            folders.push(Folder {
                account: account.to_string(),
                path: path.clone(),
                delimiter: Some('/'),
                role: None,
                selectable: true,
                unread: 0,
                total: 0,
            });
        }
    }
    for extra in [&o.junk, &o.archive].into_iter().flatten() {
        if !folders.iter().any(|f| f.path == *extra) {
            folders.push(Folder {
                account: account.to_string(),
                path: extra.clone(),
                delimiter: Some('/'),
                role: None,
                selectable: true,
                unread: 0,
                total: 0,
            });
        }
    }
    let mut over = o.clone();
    over.sent = Some(wanted[1].0.clone());
    over.drafts = Some(wanted[2].0.clone());
    over.trash = Some(wanted[3].0.clone());
    let special = vec![None; folders.len()];
    crate::backend::imap::folders::assign_roles(&mut folders, &special, &over);
    let changed = folders != before;
    for f in &folders {
        if !before.contains(f) {
            store.put_folder(f)?;
        }
    }
    store.flush()?;
    Ok(changed)
}

/// The deletion policy of a POP3 server section.
pub fn policy(server: &ServerSettings) -> Policy {
    Policy {
        leave_on_server: server.leave_on_server(),
        delete_after_days: server.delete_after_days,
    }
}

/// Connect and log in (credentials fetched now), run one check, QUIT.
pub async fn check_once(
    server: &ServerSettings,
    typed: Option<&Secret>,
    store: &Store,
    account: &str,
    hooks: &mut (dyn Hooks + Send),
) -> Result<CheckReport, Pop3Error> {
    let creds = conn::credentials(server, typed).await?;
    let (mut session, caps) = conn::connect(server, &creds).await?;
    download::check(&mut session, &caps, store, account, policy(server), hooks).await
}
