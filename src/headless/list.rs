//! `tmail list`, and what the read-only commands (`list`, `export`) share: opening only an
//! existing store (never creating one), finding a folder, and saying which folders there are.

use std::io::Write;
use std::path::Path;

use chrono::TimeZone;

use super::pick;
use crate::config::{AccountSettings, Settings};
use crate::mail::{Flags, Folder};
use crate::store::Store;

/// What a read-only command says when there is no store yet.
const NOTHING_SYNCED: &str = "no mail synced yet: run `tmail sync`";

/// Open the store for a command that only reads (`list`, `export`): an existing store, never a
/// new one. `Err(exit code)` once the reason is printed.
pub(crate) fn open_for_reading(store_dir: &Path, command: &str) -> Result<Store, i32> {
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
                    "folder": f.display_path(),
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
