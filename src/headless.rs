//! Headless commands for scripts and cron: `tmail sync` (one full sync, progress on stderr, a
//! summary on stdout), `tmail list` (envelopes from the store, as text or JSON Lines) and
//! `tmail export` (stored mail out to mbox or maildir, see `export.rs`).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use chrono::TimeZone;

use crate::backend::imap::{self, conn, folders, sync};
use crate::config::{AccountSettings, Settings};
use crate::mail::{Flags, Folder};
use crate::store::Store;

/// What a read-only command says when there is no store yet.
const NOTHING_SYNCED: &str = "no mail synced yet: run `tmail sync`";

/// Open the store for a command that only reads (`list`, `export`): an existing store, never a
/// new one. `Err(exit code)` once the reason is printed.
fn open_for_reading(store_dir: &Path, command: &str) -> Result<Store, i32> {
    match Store::open_existing(store_dir) {
        Ok(Some(s)) => Ok(s),
        Ok(None) => {
            eprintln!("tmail {command}: {NOTHING_SYNCED}");
            Err(1)
        }
        Err(e) => {
            eprintln!("tmail {command}: {e}");
            Err(1)
        }
    }
}

/// The folder `name` means: its path, its path as people read it, or INBOX in any case.
pub(crate) fn find_folder<'a>(folders: &'a [Folder], name: &str) -> Option<&'a Folder> {
    folders
        .iter()
        .find(|f| f.path == name || f.display_path() == name)
        .or_else(|| {
            folders.iter().find(|f| {
                name.eq_ignore_ascii_case("INBOX") && f.path.eq_ignore_ascii_case("INBOX")
            })
        })
}

/// `INBOX, Archive, Sent`: the folders that hold mail (not those that hold only folders),
/// INBOX first.
pub(crate) fn folder_names(folders: &[Folder]) -> String {
    let mut names: Vec<String> = folders
        .iter()
        .filter(|f| f.selectable)
        .map(|f| f.display_path())
        .collect();
    names.sort_by_key(|n| (!n.eq_ignore_ascii_case("INBOX"), n.to_lowercase()));
    names.join(", ")
}

/// The message for a folder that is not there: `no folder "Nope" (folders: INBOX, Archive)`.
pub(crate) fn no_folder(name: &str, account: Option<&str>, folders: &[Folder]) -> String {
    let found = find_folder(folders, name);
    let what = match found {
        Some(f) => format!("\"{}\" holds only folders", f.display_path()),
        None => format!("no folder \"{name}\""),
    };
    let account = account
        .map(|a| format!(" in account {a}"))
        .unwrap_or_default();
    format!("{what}{account} (folders: {})", folder_names(folders))
}

/// The message for an account with nothing in the store.
pub(crate) fn nothing_synced_for(account: &str) -> String {
    format!("no mail synced yet for account {account}: run `tmail sync --account {account}`")
}

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

/// `tmail sync`: returns the exit code.
pub fn sync(settings: &Settings, store_dir: &Path, account: Option<&str>, bodies: bool) -> i32 {
    let accounts = match pick(settings, account) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tmail sync: {e}");
            return 2;
        }
    };
    let store = match Store::open(store_dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tmail sync: {e}");
            return 1;
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tmail sync: {e}");
            return 1;
        }
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
            Ok(s) => println!(
                "{}: {} folders, {} messages ({} new, {} changed, {} removed{}) in {:.2} s",
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
                started.elapsed().as_secs_f64()
            ),
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
    let creds = imap::credentials(server, &mut None).await?;
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
    for f in list.iter().filter(|f| f.selectable) {
        let name = format!("{}/{}", a.name, f.path);
        let mut progress = |done: usize, total: usize| {
            eprint!("\r{name}: {done}/{total} headers");
            let _ = std::io::stderr().flush();
        };
        let r = sync::sync_folder(&mut session, &caps, store, &a.name, &f.path, &mut progress)
            .await
            .map_err(|e| format!("{}: {e}", f.path))?;
        if r.new > 0 {
            eprintln!();
        }
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
            sum.bodies += sync::fetch_missing_bodies(&mut session, store, &a.name, &f.path)
                .await
                .map_err(|e| format!("{}: {e}", f.path))?;
        }
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), session.logout()).await;
    Ok(sum)
}

fn flag_names(f: Flags) -> Vec<&'static str> {
    let mut v = Vec::new();
    for (bit, name) in [
        (Flags::SEEN, "seen"),
        (Flags::FLAGGED, "flagged"),
        (Flags::ANSWERED, "answered"),
        (Flags::DELETED, "deleted"),
        (Flags::DRAFT, "draft"),
    ] {
        if f.has(bit) {
            v.push(name);
        }
    }
    v
}

/// `tmail list`: returns the exit code. Reads only: with no store it says so and exits 1,
/// creating nothing. Without `--account`, an account that lacks the folder is skipped (the
/// folder may exist in only one account), but one with nothing synced is named and makes the
/// exit code 1; a folder that is nowhere is an error naming the folders there are.
pub fn list(
    settings: &Settings,
    store_dir: &Path,
    account: Option<&str>,
    folder: &str,
    limit: Option<usize>,
    json: bool,
) -> i32 {
    let accounts = match pick(settings, account) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("tmail list: {e}");
            return 2;
        }
    };
    let store = match open_for_reading(store_dir, "list") {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut targets: Vec<(&AccountSettings, Folder)> = Vec::new();
    let mut unsynced: Vec<&str> = Vec::new();
    let mut lacking: Vec<(&str, Vec<Folder>)> = Vec::new();
    for a in &accounts {
        let folders = match store.folders(Some(&a.name)) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("tmail list: {e}");
                return 1;
            }
        };
        match find_folder(&folders, folder) {
            _ if folders.is_empty() => unsynced.push(&a.name),
            Some(f) if f.selectable => targets.push((a, f.clone())),
            _ => lacking.push((&a.name, folders)),
        }
    }
    if targets.is_empty() {
        let message = match (lacking.as_slice(), account) {
            ([], Some(a)) => nothing_synced_for(a),
            ([], None) => NOTHING_SYNCED.to_string(),
            ([(_, folders)], _) => no_folder(folder, None, folders),
            (several, _) => format!(
                "no folder \"{folder}\" (folders: {})",
                several
                    .iter()
                    .map(|(a, f)| format!("{a}: {}", folder_names(f)))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        eprintln!("tmail list: {message}");
        return 1;
    }
    let out = std::io::stdout();
    let mut out = out.lock();
    for (a, f) in targets {
        let mut envs = match store.envelopes(&a.name, &f.path) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("tmail list: {e}");
                return 1;
            }
        };
        envs.sort_by(|x, y| y.date.cmp(&x.date).then(y.uid.cmp(&x.uid)));
        for e in envs.iter().take(limit.unwrap_or(usize::MAX)) {
            let date = chrono::Utc
                .timestamp_opt(e.date, 0)
                .single()
                .map(|d| d.to_rfc3339())
                .unwrap_or_default();
            let line = if json {
                serde_json::json!({
                    "account": a.name,
                    "folder": f.path,
                    "uid": e.uid,
                    "date": date,
                    "from": e.from.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "),
                    "to": e.to.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "),
                    "subject": e.subject,
                    "flags": flag_names(e.flags),
                    "size": e.size,
                    "message_id": e.message_id,
                })
                .to_string()
            } else {
                let s = crate::mail::sanitize::sanitize;
                format!(
                    "{}\t{}\t{}\t{}\t{}",
                    e.uid,
                    date,
                    s(e.sender()),
                    s(&e.subject),
                    flag_names(e.flags).join(",")
                )
            };
            if writeln!(out, "{line}").is_err() {
                return 0; // a closed pipe (| head) is not an error
            }
        }
    }
    for a in &unsynced {
        eprintln!("tmail list: {}", nothing_synced_for(a));
    }
    i32::from(!unsynced.is_empty())
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
