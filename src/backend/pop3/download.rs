//! One check of a POP3 maildrop into the store (RFC 1939), on a logged-in session:
//!
//! 1. UIDL and LIST: what the server has. A UIDL tmail has a record of is never downloaded
//!    again, whatever happened before (a crash, a cut mid-download).
//! 2. Headers first: `TOP n 0` of each new message, newest first, written with its record in
//!    one transaction, so the list fills before the bodies arrive.
//! 3. Bodies: `RETR n`, newest first (messages the user opened first), each stored and flushed
//!    before anything else happens. A cut mid-RETR stores nothing of that message.
//! 4. Deletes: only messages whose every stored copy holds its body (after the journal caught up),
//!    and only when due: `leave_on_server = false`, or `delete_after_days` passed. Then QUIT:
//!    the server deletes only at a QUIT it answered +OK, so a session cut before deletes nothing.
//!
//! Without UIDL on the server, messages are known by Message-ID + size + date, downloaded once,
//! and never deleted.

use std::collections::HashMap;

use tokio::io::{AsyncBufRead, AsyncWrite};

use super::proto::{Capabilities, Client};
use super::Pop3Error;
use crate::mail::parse::envelope_from_raw;
use crate::mail::{Envelope, Flags};
use crate::store::{Pop3State, ServerCopy, Store};

/// The folder downloaded mail goes to.
pub const INBOX: &str = "INBOX";
/// Envelopes written between two "the list changed" calls.
const HEADER_BATCH: usize = 25;

/// When to delete from the server (from `[accounts.pop3]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub leave_on_server: bool,
    pub delete_after_days: Option<u32>,
}

impl Policy {
    /// Is a message stored at `stored_at` due for deletion at `now` (both Unix seconds)?
    pub fn due(&self, stored_at: i64, now: i64) -> bool {
        if !self.leave_on_server {
            return true;
        }
        self.delete_after_days
            .is_some_and(|d| now.saturating_sub(stored_at) >= i64::from(d) * 86_400)
    }
}

/// What one check did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Messages seen for the first time.
    pub new: usize,
    /// Whole messages downloaded and stored.
    pub downloaded: usize,
    /// Messages deleted from the server (DELE, confirmed by QUIT).
    pub deleted: usize,
    /// Messages on the server at the check.
    pub on_server: usize,
    /// The server has no UIDL: known by Message-ID, size and date, never deleted.
    pub no_uidl: bool,
    /// The new messages' envelopes (for the new-mail notice).
    pub arrived: Vec<Envelope>,
}

/// What the caller wants between two messages.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Between {
    /// Stop now (shutting down): QUIT without deleting anything not yet deleted.
    pub stop: bool,
    /// UIDLs to download next (messages the user opened).
    pub first: Vec<String>,
}

/// How a check talks to its caller: the TUI worker (events, commands) or `tmail sync` (stderr).
pub trait Hooks {
    /// A progress line ("INBOX: 12/200 headers").
    fn progress(&mut self, text: &str);
    /// Envelopes or counts of `folder` changed.
    fn folder_changed(&mut self, folder: &str);
    /// A body is stored at `folder`/`uid`.
    fn body_stored(&mut self, folder: &str, uid: u32);
    /// Called between messages; the worker handles the app's commands here.
    fn between(&mut self) -> Between;
    /// Unix seconds now (tests control the clock).
    fn now(&self) -> i64;
}

/// The key of a message on a server without UIDL: Message-ID, size and date. It contains spaces,
/// which no UIDL can (RFC 1939 §7: 0x21 to 0x7E), so it never collides with one.
pub fn fallback_key(env: &Envelope, size: u32) -> String {
    format!(
        "no-uidl {} {size} {}",
        env.message_id.as_deref().unwrap_or("-"),
        env.date
    )
}

/// One more unread message in the INBOX: counts change by delta, not by a recount of the folder.
fn count_new(store: &Store, account: &str) -> Result<(), Pop3Error> {
    store.add_counts(
        account,
        INBOX,
        crate::store::CountDelta {
            unread: 1,
            total: 1,
        },
    )?;
    Ok(())
}

fn envelope_of(raw: &[u8], size: u32, now: i64) -> Envelope {
    let mut env = envelope_from_raw(raw, 0, Flags::default(), now);
    env.size = size;
    env
}

/// Run one check on a logged-in session, then QUIT. `caps` are the server's after login.
pub async fn check<S: AsyncBufRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    caps: &Capabilities,
    store: &Store,
    account: &str,
    policy: Policy,
    hooks: &mut (dyn Hooks + Send),
) -> Result<CheckReport, Pop3Error> {
    let mut report = CheckReport::default();
    store.pop3_apply_journal(account)?;
    let uidl = if caps.known && !caps.uidl {
        None
    } else {
        client.uidl().await?
    };
    let sizes: HashMap<u32, u32> = client.list().await?.into_iter().collect();
    report.on_server = sizes.len();
    let Some(uidl) = uidl else {
        report.no_uidl = true;
        check_without_uidl(client, caps, store, account, &sizes, &mut report, hooks).await?;
        client.quit().await?;
        return Ok(report);
    };
    let number_of: HashMap<String, u32> = uidl.iter().map(|(n, u)| (u.clone(), *n)).collect();

    // What the server no longer has.
    for mut r in store.pop3_records(account)? {
        if r.server == ServerCopy::Present && !number_of.contains_key(&r.uidl) {
            r.server = ServerCopy::Gone;
            store.pop3_put_record(account, &r)?;
        }
    }

    // 2. Headers of new messages, newest first.
    let mut new: Vec<(u32, String)> = Vec::new();
    for (n, u) in &uidl {
        if store.pop3_record(account, u)?.is_none() {
            new.push((*n, u.clone()));
        }
    }
    new.sort_by_key(|e| std::cmp::Reverse(e.0));
    report.new = new.len();
    let total = new.len();
    let mut wanted: Vec<String> = Vec::new();
    if caps.top || !caps.known {
        let mut since = 0;
        for (i, (n, u)) in new.iter().enumerate() {
            let header = match client.top_header(*n).await {
                Ok(h) => h,
                // No TOP after all: the bodies step below stores header and body together.
                Err(Pop3Error::Refused { .. }) => break,
                Err(e) => return Err(e),
            };
            let size = sizes.get(n).copied().unwrap_or(header.len() as u32);
            let env = envelope_of(&header, size, hooks.now());
            let id = store.pop3_add_header(account, INBOX, u, env.clone(), hooks.now())?;
            count_new(store, account)?;
            report.arrived.push(Envelope { uid: id, ..env });
            since += 1;
            if since >= HEADER_BATCH || i + 1 == total {
                since = 0;
                hooks.folder_changed(INBOX);
                hooks.progress(&format!("{INBOX}: {}/{total} headers", i + 1));
            }
            let b = hooks.between();
            if b.stop {
                return stop(client, report).await;
            }
            wanted.extend(b.first);
        }
    }

    // 3. Bodies: every message on the server whose body is not stored yet.
    let mut todo: Vec<(u32, String)> = Vec::new();
    for (n, u) in &uidl {
        match store.pop3_record(account, u)? {
            None => todo.push((*n, u.clone())),
            Some(r) if r.state == Pop3State::Headers => todo.push((*n, u.clone())),
            Some(_) => {}
        }
    }
    todo.sort_by_key(|e| std::cmp::Reverse(e.0));
    let total = todo.len();
    let mut done = 0;
    while !todo.is_empty() {
        let b = hooks.between();
        if b.stop {
            return stop(client, report).await;
        }
        wanted.extend(b.first);
        for u in std::mem::take(&mut wanted).iter().rev() {
            if let Some(i) = todo.iter().position(|(_, t)| t == u) {
                let item = todo.remove(i);
                todo.insert(0, item);
            }
        }
        let (n, u) = todo.remove(0);
        if let Some(mut r) = store.pop3_record(account, &u)? {
            if r.locations.is_empty() {
                // Deleted for good by the user before its body came: nothing to download.
                r.state = Pop3State::Stored { at: hooks.now() };
                store.pop3_put_record(account, &r)?;
                continue;
            }
        }
        let raw = client.retr(n).await?;
        let size = sizes.get(&n).copied().unwrap_or(raw.len() as u32);
        let now = hooks.now();
        let full = envelope_of(&raw, size, now);
        if store.pop3_record(account, &u)?.is_none() {
            let id = store.pop3_add_header(account, INBOX, &u, full.clone(), now)?;
            count_new(store, account)?;
            report.arrived.push(Envelope {
                uid: id,
                ..full.clone()
            });
        }
        store.pop3_store_message(account, &u, &raw, &full, now)?;
        // On disk before anything else happens: the server's copy may go next.
        store.flush()?;
        done += 1;
        report.downloaded += 1;
        if let Some(r) = store.pop3_record(account, &u)? {
            for (folder, uid) in &r.locations {
                hooks.body_stored(folder, *uid);
            }
        }
        hooks.progress(&format!("{INBOX}: {done}/{total} messages downloaded"));
    }
    if report.downloaded > 0 {
        hooks.folder_changed(INBOX);
    }

    // 4. Deletes, then QUIT.
    store.pop3_apply_journal(account)?;
    let now = hooks.now();
    let mut deleting = Vec::new();
    for (n, u) in &uidl {
        let Some(r) = store.pop3_record(account, u)? else {
            continue;
        };
        let Some(at) = r.stored_at() else { continue };
        if policy.due(at, now) && store.pop3_verify_stored(account, u)? {
            client.dele(*n).await?;
            deleting.push(u.clone());
        }
    }
    client.quit().await?;
    for u in &deleting {
        if let Some(mut r) = store.pop3_record(account, u)? {
            r.server = ServerCopy::DeletedByTmail { at: now };
            store.pop3_put_record(account, &r)?;
        }
    }
    report.deleted = deleting.len();
    report.on_server -= report.deleted.min(report.on_server);
    if report.deleted > 0 {
        hooks.progress(&format!("deleted {} from the server", report.deleted));
    }
    store.flush()?;
    Ok(report)
}

/// Stop early: QUIT (nothing was marked for deletion yet, so nothing is deleted).
async fn stop<S: AsyncBufRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    report: CheckReport,
) -> Result<CheckReport, Pop3Error> {
    let _ = client.quit().await;
    Ok(report)
}

/// A server without UIDL: each message is fetched (header first where TOP works) and stored once
/// under its Message-ID + size + date key. Nothing is ever deleted: without a unique id tmail
/// cannot be sure which message a number means.
async fn check_without_uidl<S: AsyncBufRead + AsyncWrite + Unpin>(
    client: &mut Client<S>,
    caps: &Capabilities,
    store: &Store,
    account: &str,
    sizes: &HashMap<u32, u32>,
    report: &mut CheckReport,
    hooks: &mut (dyn Hooks + Send),
) -> Result<(), Pop3Error> {
    let mut numbers: Vec<u32> = sizes.keys().copied().collect();
    numbers.sort_unstable_by(|a, b| b.cmp(a));
    let total = numbers.len();
    let mut top = caps.top || !caps.known;
    for (i, n) in numbers.into_iter().enumerate() {
        if hooks.between().stop {
            return Ok(());
        }
        let size = sizes.get(&n).copied().unwrap_or(0);
        let now = hooks.now();
        if top {
            match client.top_header(n).await {
                Ok(h) => {
                    let key = fallback_key(&envelope_of(&h, size, now), size);
                    if store
                        .pop3_record(account, &key)?
                        .is_some_and(|r| r.stored_at().is_some())
                    {
                        continue;
                    }
                }
                Err(Pop3Error::Refused { .. }) => top = false,
                Err(e) => return Err(e),
            }
        }
        let raw = client.retr(n).await?;
        let full = envelope_of(&raw, size, now);
        let key = fallback_key(&full, size);
        let known = store.pop3_record(account, &key)?;
        if known.as_ref().is_some_and(|r| r.stored_at().is_some()) {
            continue;
        }
        if known.is_none() {
            let id = store.pop3_add_header(account, INBOX, &key, full.clone(), now)?;
            count_new(store, account)?;
            report.arrived.push(Envelope {
                uid: id,
                ..full.clone()
            });
            report.new += 1;
        }
        store.pop3_store_message(account, &key, &raw, &full, now)?;
        store.flush()?;
        report.downloaded += 1;
        hooks.progress(&format!("{INBOX}: {}/{total} messages checked", i + 1));
    }
    if report.downloaded > 0 {
        hooks.folder_changed(INBOX);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
