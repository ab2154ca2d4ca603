//! Saving journaled copies (`JournalOp::Append`: a sent message for Sent) over a session of
//! its own, outside the account's worker: `tmail send` saves the copy of what it sent at once,
//! and `tmail sync` saves what is pending. As in the worker's replay, a folder that already
//! holds the Message-ID got the copy before (a run killed after the server's OK), so nothing
//! is saved twice, and an entry goes only after the server's OK.

use super::conn::{timed, ImapError, ImapSession};
use super::envelope::flag_list;
use super::replay::quoted;
use crate::store::{JournalOp, Store};

/// APPEND the account's pending `Append` entries (only those carrying `message_id`, when
/// given), oldest first, each removed from the journal after the server's OK. Returns the
/// folders saved to (one per entry). Stops at the first failure (the entry stays for the
/// worker's replay): a refused APPEND is `ImapError::Refused` with the server's words.
pub async fn save_appends(
    session: &mut ImapSession,
    store: &Store,
    account: &str,
    message_id: Option<&str>,
) -> Result<Vec<String>, ImapError> {
    let mut saved = Vec::new();
    for e in store.journal(Some(account))? {
        let JournalOp::Append {
            folder,
            flags,
            message,
            ..
        } = &e.op
        else {
            continue;
        };
        if message_id.is_some_and(|id| e.message_id.as_deref() != Some(id)) {
            continue;
        }
        let already = match &e.message_id {
            Some(id) => {
                timed("SELECT", session.select(folder)).await?;
                let q = format!("HEADER Message-ID {}", quoted(&format!("<{id}>")));
                !timed("UID SEARCH", session.uid_search(q)).await?.is_empty()
            }
            None => false,
        };
        if already {
            tracing::info!("{account}: the copy for {folder} was saved before");
        } else {
            let flags = (flags.0 != 0).then(|| flag_list(*flags));
            super::folders::append(session, folder, flags.as_deref(), message).await?;
        }
        store.journal_remove(e.id)?;
        saved.push(folder.clone());
    }
    Ok(saved)
}
