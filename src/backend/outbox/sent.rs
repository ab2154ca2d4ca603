//! After a message went out: its copy in the Sent folder (a placeholder the user sees at once,
//! and a journal `Append` that the mail worker replays: APPEND over IMAP, confirmed locally for
//! POP3 and the demo), and `\Answered` / `$Forwarded` on the message it answers.

use super::engine::MailKind;
use super::unix_now;
use crate::config::AccountSettings;
use crate::mail::compose::Built;
use crate::mail::parse::envelope_from_raw;
use crate::mail::{Flags, Folder, Role};
use crate::store::{Answers, JournalOp, OutboxRecord, Result, Store, LOCAL_UID_BASE};

/// The account's Sent folder: `[accounts.folders] sent` when set, else the folder whose role is
/// Sent. POP3 accounts get their local folders made when missing (`pop3::ensure_folders`); the
/// demo gets a `Sent` folder if it has none. `None`: an IMAP account whose folder list has no
/// Sent folder (yet).
pub(super) fn sent_folder(
    store: &Store,
    account: &str,
    kind: MailKind,
    settings: Option<&AccountSettings>,
) -> Result<Option<String>> {
    if kind == MailKind::Pop3 {
        if let Some(s) = settings {
            crate::backend::pop3::ensure_folders(store, s)?;
        }
    }
    if let Some(name) = settings.and_then(|s| s.folders.sent.clone()) {
        return Ok(Some(name));
    }
    let found = store
        .folders(Some(account))?
        .into_iter()
        .find(|f| f.role == Some(Role::Sent))
        .map(|f| f.path);
    if found.is_none() && kind == MailKind::Demo {
        store.put_folder(&Folder {
            account: account.to_string(),
            path: "Sent".into(),
            delimiter: Some('/'),
            role: Some(Role::Sent),
            selectable: true,
            unread: 0,
            total: 0,
        })?;
        return Ok(Some("Sent".into()));
    }
    Ok(found)
}

/// Keep the sent bytes for `folder`: a journal `Append` (flushed first, carrying the
/// Message-ID, so the copy is saved once even across crashes), then the message itself under
/// a local UID, `\Seen`, so Sent shows it at once. An IMAP folder not in the store yet (a
/// configured name never listed) gets only the journal entry: the next sync shows it. Returns
/// the local UID of the message stored, if it was.
pub(super) fn save_copy(
    store: &Store,
    account: &str,
    kind: MailKind,
    folder: &str,
    built: &Built,
) -> Result<Option<u32>> {
    let uid = store.allocate_uid(account, folder)?;
    let flags = Flags(Flags::SEEN);
    store.journal_append_for(
        account,
        JournalOp::Append {
            folder: folder.to_string(),
            local_uid: uid,
            flags,
            message: built.bytes.clone(),
        },
        Some(built.message_id.clone()),
    )?;
    let known = store.folder(account, folder)?;
    if known.is_none() && kind == MailKind::Imap {
        return Ok(None);
    }
    let env = envelope_from_raw(&built.bytes, uid, flags, unix_now());
    store.put_body(account, folder, uid, &built.bytes)?;
    store.put_envelopes(account, folder, std::slice::from_ref(&env))?;
    if known.is_some() {
        // Counted by delta: a read message adds to the total only.
        store.add_counts(
            account,
            folder,
            crate::store::CountDelta {
                unread: 0,
                total: 1,
            },
        )?;
    }
    store.flush()?;
    Ok(Some(uid))
}

/// Whether the copy for Sent of the record `r` (sent, then tmail stopped before forgetting the
/// record) exists: a pending journal `Append` with its Message-ID, or a message with it in Sent.
pub(super) fn already_saved(store: &Store, account: &str, r: &OutboxRecord) -> Result<bool> {
    let Some(id) = r.built.as_ref().map(|b| b.message_id.as_str()) else {
        return Ok(false);
    };
    let journaled = store.journal(Some(account))?.iter().any(|e| {
        matches!(&e.op, JournalOp::Append { flags, .. } if !flags.draft())
            && e.message_id.as_deref() == Some(id)
    });
    if journaled {
        return Ok(true);
    }
    let Some(sent) = store
        .folders(Some(account))?
        .into_iter()
        .find(|f| f.role == Some(Role::Sent))
    else {
        return Ok(false);
    };
    Ok(find_by_message_id(store, account, &sent.path, id)?.is_some())
}

/// The message of `folder` with this Message-ID (a scan of the folder's envelopes).
fn find_by_message_id(
    store: &Store,
    account: &str,
    folder: &str,
    id: &str,
) -> Result<Option<crate::mail::Envelope>> {
    let mut found = None;
    store.for_each_envelope(account, folder, |e| {
        if found.is_none() && e.message_id.as_deref() == Some(id) {
            found = Some(e);
        }
    })?;
    Ok(found)
}

/// Flag the message `a` answers: `\Answered` for a reply, `$Forwarded` for a forward, in the
/// store and the journal (as a flag change the user made). The message is found by its UID,
/// or by its Message-ID in the same folder when that UID now holds another message (or none).
/// Returns the message changed (folder, UID, its flags now), or `None` when it is gone or
/// already flagged.
pub(super) fn flag_original(store: &Store, a: &Answers) -> Result<Option<(String, u32, Flags)>> {
    let bit = if a.forwarded {
        Flags::FORWARDED
    } else {
        Flags::ANSWERED
    };
    let env = match store.envelope(&a.account, &a.folder, a.uid)? {
        Some(e) if a.message_id.is_none() || e.message_id == a.message_id => Some(e),
        _ => match &a.message_id {
            Some(id) => find_by_message_id(store, &a.account, &a.folder, id)?,
            None => None,
        },
    };
    let Some(env) = env else {
        tracing::info!(
            "{}: the message answered is no longer in {}; not flagged",
            a.account,
            a.folder
        );
        return Ok(None);
    };
    if env.flags.has(bit) {
        return Ok(None);
    }
    let new = env.flags.with(bit, true);
    store.set_flags(&a.account, &a.folder, env.uid, new)?;
    // Only a local UID needs the Message-ID to be found on the server (as the app does).
    let message_id = if env.uid >= LOCAL_UID_BASE {
        env.message_id.clone()
    } else {
        None
    };
    store.journal_append_for(
        &a.account,
        JournalOp::SetFlags {
            folder: a.folder.clone(),
            uid: env.uid,
            old: env.flags,
            new,
        },
        message_id,
    )?;
    Ok(Some((a.folder.clone(), env.uid, new)))
}
