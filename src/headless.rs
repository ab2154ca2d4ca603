//! Headless commands for scripts and cron: `tmail sync` (one full sync, progress on stderr, a
//! summary on stdout), `tmail list` (envelopes from the store, as text or JSON Lines),
//! `tmail export` (stored mail out to mbox or maildir, see `export.rs`) and `tmail send`
//! (`send.rs`: one message through the outbox). `list.rs` has `list` and what the read-only
//! commands share: they open only an existing store.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

mod list;
mod send;

pub use list::list;
pub(crate) use list::{find_folder, no_folder, nothing_synced_for, open_for_reading};
pub use send::{send, SendArgs};

use crate::backend::credentials::CredentialSource;
use crate::backend::imap::{self, conn, folders, sync};
use crate::config::{AccountSettings, Settings};
use crate::store::Store;

pub(crate) fn pick<'a>(
    settings: &'a Settings,
    account: Option<&str>,
) -> Result<Vec<&'a AccountSettings>, String> {
    match account {
        Some(name) => match settings.accounts.iter().find(|a| a.name == name) {
            Some(a) => Ok(vec![a]),
            None => Err(format!(
                "no account named \"{name}\" (have: {})",
                settings
                    .accounts
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
        None => Ok(settings.accounts.iter().collect()),
    }
}

/// The store and a single-threaded runtime for a headless command; on failure the reason is
/// printed on stderr as `tmail COMMAND: …` (the command's exit code is then 1).
fn store_and_runtime(command: &str, store_dir: &Path) -> Option<(Store, tokio::runtime::Runtime)> {
    let store = Store::open(store_dir)
        .map_err(|e| eprintln!("tmail {command}: {e}"))
        .ok()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| eprintln!("tmail {command}: {e}"))
        .ok()?;
    Some((store, rt))
}

/// `tmail sync`: returns the exit code: 0 when every folder of every account synced, 1 when
/// any failed (each failure is printed on stderr with the account, the folder and the
/// server's words; the other folders are synced all the same), 2 for a bad argument.
pub fn sync(settings: &Settings, store_dir: &Path, account: Option<&str>, bodies: bool) -> i32 {
    let accounts = match pick(settings, account) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tmail sync: {e}");
            return 2;
        }
    };
    let Some((store, rt)) = store_and_runtime("sync", store_dir) else {
        return 1;
    };
    let mut failed = false;
    for a in accounts {
        let started = Instant::now();
        match rt.block_on(sync_account(a, &store, bodies)) {
            Ok(s) if s.pop3 => println!(
                "{}: {} folders, {} messages stored ({} new, {} downloaded, {} deleted from the server) in {:.2} s",
                a.name,
                s.folders,
                s.total,
                s.new,
                s.bodies,
                s.removed,
                started.elapsed().as_secs_f64()
            ),
            Ok(s) => {
                println!(
                    "{}: {} folders, {} messages ({} new, {} changed, {} removed{}) in {:.2} s{}",
                    a.name,
                    s.folders,
                    s.total,
                    s.new,
                    s.changed,
                    s.removed,
                    if bodies {
                        format!(", {} bodies", s.bodies)
                    } else {
                        String::new()
                    },
                    started.elapsed().as_secs_f64(),
                    match s.failed.len() {
                        0 => String::new(),
                        n => format!("; {n} failed: {}", s.failed.join(", ")),
                    }
                );
                failed |= !s.failed.is_empty();
            }
            Err(e) => {
                eprintln!("tmail sync: {}: {e}", a.name);
                failed = true;
            }
        }
    }
    if let Err(e) = store.flush() {
        eprintln!("tmail sync: {e}");
        failed = true;
    }
    i32::from(failed)
}

/// `tmail sync` of a POP3 account: progress on stderr as it goes.
struct StderrHooks {
    name: String,
    dirty: bool,
}

impl crate::backend::pop3::download::Hooks for StderrHooks {
    fn progress(&mut self, text: &str) {
        eprint!("\r{}: {text}", self.name);
        let _ = std::io::stderr().flush();
        self.dirty = true;
    }
    fn folder_changed(&mut self, _folder: &str) {}
    fn body_stored(&mut self, _folder: &str, _uid: u32) {}
    fn between(&mut self) -> crate::backend::pop3::download::Between {
        Default::default()
    }
    fn now(&self) -> i64 {
        chrono::Utc::now().timestamp()
    }
}

async fn sync_pop3(
    a: &AccountSettings,
    server: &crate::config::ServerSettings,
    store: &Store,
) -> Result<Summary, String> {
    use crate::backend::pop3;
    pop3::ensure_folders(store, a).map_err(|e| e.to_string())?;
    let mut hooks = StderrHooks {
        name: a.name.clone(),
        dirty: false,
    };
    eprint!("{}: checking {}", a.name, server.host);
    hooks.dirty = true;
    let r = pop3::check_once(server, None, store, &a.name, &mut hooks).await;
    if hooks.dirty {
        eprintln!();
    }
    let r = r.map_err(|e| e.to_string())?;
    if r.no_uidl {
        eprintln!(
            "{}: {} has no UIDL: messages are recognised by Message-ID, size and date, and never deleted from the server",
            a.name, server.host
        );
    }
    eprintln!(
        "{}: {} new, {} downloaded, {} deleted from the server, {} left there",
        a.name, r.new, r.downloaded, r.deleted, r.on_server
    );
    let folders = store.folders(Some(&a.name)).map_err(|e| e.to_string())?;
    let mut total = 0;
    for f in &folders {
        total += store
            .uids(&a.name, &f.path)
            .map_err(|e| e.to_string())?
            .len();
    }
    Ok(Summary {
        folders: folders.len(),
        total,
        new: r.new,
        changed: 0,
        removed: r.deleted,
        bodies: r.downloaded,
        pop3: true,
        failed: Vec::new(),
    })
}

#[derive(Default)]
struct Summary {
    /// POP3: `removed` counts messages deleted from the server, `bodies` those downloaded.
    pop3: bool,
    folders: usize,
    total: usize,
    new: usize,
    changed: usize,
    removed: usize,
    bodies: usize,
    /// Display names of the folders that could not be synced.
    failed: Vec<String>,
}

/// One folder: its messages, then (when asked) the bodies not cached yet.
async fn sync_one(
    session: &mut conn::ImapSession,
    caps: &conn::Caps,
    a: &AccountSettings,
    store: &Store,
    f: &crate::mail::Folder,
    bodies: bool,
    sum: &mut Summary,
) -> Result<(), conn::ImapError> {
    let name = format!(
        "{}/{}",
        a.name,
        crate::mail::sanitize::sanitize(&f.display_path())
    );
    let mut shown = false;
    let mut progress = |done: usize, total: usize| {
        if done < total {
            shown = true;
            eprint!("\r{name}: {done}/{total} headers");
            let _ = std::io::stderr().flush();
        }
    };
    let r = sync::sync_folder(session, caps, store, &a.name, &f.path, &mut progress).await;
    if shown {
        // The progress line ends here, whatever happened: the next line starts clean.
        eprintln!();
    }
    let r = r?;
    eprintln!(
        "{name}: {} messages ({} new, {} changed, {} removed)",
        r.total, r.new, r.changed, r.removed
    );
    sum.folders += 1;
    sum.total += r.total;
    sum.new += r.new;
    sum.changed += r.changed;
    sum.removed += r.removed;
    if bodies || a.offline_bodies {
        sum.bodies += sync::fetch_missing_bodies(session, store, &a.name, &f.path).await?;
    }
    Ok(())
}

async fn sync_account(a: &AccountSettings, store: &Store, bodies: bool) -> Result<Summary, String> {
    if let Some(server) = &a.pop3 {
        return sync_pop3(a, server, store).await;
    }
    let Some(server) = &a.imap else {
        return Err("the account has no [accounts.imap] or [accounts.pop3] section".into());
    };
    if store.is_data_account(&a.name).map_err(|e| e.to_string())? {
        return Err(imap::data_account_refusal(&a.name));
    }
    // Asked at each connect (a reconnect after a drop gets a fresh token); a password is asked
    // on the terminal when there is no password_command.
    let source = CredentialSource::new(server.clone(), true);
    let creds = source.get().await.map_err(|e| e.to_string())?;
    let (mut session, caps) = conn::connect(server, &creds)
        .await
        .map_err(|e| e.to_string())?;
    let mut list = folders::list(&mut session, &a.name, &a.folders)
        .await
        .map_err(|e| e.to_string())?;
    for f in store.folders(Some(&a.name)).map_err(|e| e.to_string())? {
        if !list.iter().any(|n| n.path == f.path) {
            store
                .drop_cached_folder(&a.name, &f.path)
                .map_err(|e| e.to_string())?;
        }
    }
    list.sort_by_key(|f| !f.path.eq_ignore_ascii_case("INBOX"));
    let mut sum = Summary::default();
    for f in &list {
        store.put_folder(f).map_err(|e| e.to_string())?;
    }
    // Copies of sent mail still in the journal (sent while the server was out of reach): saved
    // now, before the folders are synced, so Sent comes back with them.
    match imap::save::save_appends(&mut session, store, &a.name, None).await {
        Ok(saved) => {
            for f in saved {
                eprintln!(
                    "{}: saved a sent message to {}",
                    a.name,
                    crate::mail::mutf7::decode(&f)
                );
            }
        }
        Err(e) => eprintln!(
            "tmail sync: {}: could not save a sent message (kept for later): {}",
            a.name,
            crate::mail::sanitize::sanitize(&e.to_string())
        ),
    }
    // One folder that fails (refused by the server, a local error, even a dropped connection)
    // does not stop the others: it is reported and the sync goes on.
    for f in list.iter().filter(|f| f.selectable) {
        let Err(e) = sync_one(&mut session, &caps, a, store, f, bodies, &mut sum).await else {
            continue;
        };
        let s = crate::mail::sanitize::sanitize;
        eprintln!(
            "tmail sync: {}/{}: {}",
            a.name,
            s(&f.display_path()),
            s(&e.to_string())
        );
        sum.failed.push(f.display_path());
        if e.is_connection() {
            let creds = source.get().await.map_err(|e| e.to_string())?;
            session = match conn::connect(server, &creds).await {
                Ok((s, _)) => s,
                Err(e) => {
                    let left = list
                        .iter()
                        .filter(|g| g.selectable)
                        .count()
                        .saturating_sub(sum.folders + sum.failed.len());
                    return Err(format!(
                        "{e} (reconnecting after a dropped connection; {left} folders not synced)"
                    ));
                }
            };
        }
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), session.logout()).await;
    Ok(sum)
}

/// `tmail export`: returns the exit code (1 when a message could not be written, or has no
/// stored body).
pub fn export(
    settings: &Settings,
    store_dir: &Path,
    account: &str,
    folder: Option<&str>,
    target: &crate::export::Target,
) -> i32 {
    if let Err(e) = pick(settings, Some(account)) {
        eprintln!("tmail export: {e}");
        return 2;
    }
    let store = match open_for_reading(store_dir, "export") {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (crate::export::Target::Mbox(path) | crate::export::Target::Maildir(path)) = target;
    match crate::export::export(&store, account, folder, target) {
        Ok(r) => {
            println!(
                "{account}: exported {} message{} from {} folder{} to {}",
                r.messages,
                if r.messages == 1 { "" } else { "s" },
                r.folders,
                if r.folders == 1 { "" } else { "s" },
                path.display()
            );
            if r.without_body > 0 {
                eprintln!(
                    "tmail export: {account}: {} message{} not exported: only the header is stored (run tmail sync --account {account})",
                    r.without_body,
                    if r.without_body == 1 { " was" } else { "s were" }
                );
                return 1;
            }
            0
        }
        Err(e) => {
            eprintln!("tmail export: {e}");
            1
        }
    }
}
