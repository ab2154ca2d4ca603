//! `tmail export`: the stored mail of an account written out as mbox (mboxrd) or maildir, so
//! mail is never locked in tmail's store (for POP3 accounts the store holds the only copy).
//!
//! Messages are written byte for byte as stored; mboxrd only adds the `From ` separator line
//! and one `>` before any line matching `^>*From ` (so a reader that removes one gets the
//! original back), and a newline after a message that does not end in one.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::TimeZone;

use crate::mail::{Envelope, Flags, Folder};
use crate::store::Store;

/// Where to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One folder: this mbox file; all folders: this directory, one `NAME.mbox` per folder.
    Mbox(PathBuf),
    /// One folder: this maildir; all folders: a Maildir++ root (INBOX in it, others in `.Name`).
    Maildir(PathBuf),
}

/// What an export did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExportReport {
    pub folders: usize,
    pub messages: usize,
    /// Messages whose body is not in the store (headers only, e.g. a POP3 download cut short).
    pub without_body: usize,
}

/// Quote a message for mboxrd: `>` before each line that matches `^>*From `.
pub fn mboxrd_quote(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + 64);
    for line in raw.split_inclusive(|&b| b == b'\n') {
        let unquoted = line.iter().position(|&b| b != b'>').unwrap_or(line.len());
        if line[unquoted..].starts_with(b"From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line);
    }
    out
}

/// The `From ` separator line of a message: sender address and date in asctime form.
fn separator(env: &Envelope) -> String {
    let sender = env
        .from
        .first()
        .map(|a| a.email.trim())
        .filter(|e| !e.is_empty() && !e.contains(char::is_whitespace))
        .unwrap_or("MAILER-DAEMON");
    let date = chrono::Utc
        .timestamp_opt(env.date, 0)
        .single()
        .unwrap_or_default()
        .format("%a %b %e %H:%M:%S %Y");
    format!("From {sender} {date}\n")
}

/// Append one message to an mbox stream.
pub fn write_mbox_message(out: &mut impl Write, env: &Envelope, raw: &[u8]) -> std::io::Result<()> {
    out.write_all(separator(env).as_bytes())?;
    out.write_all(&mboxrd_quote(raw))?;
    if !raw.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    out.write_all(b"\n")
}

/// Maildir info flags (`:2,` + letters in ASCII order).
fn maildir_flags(f: Flags) -> String {
    let mut s = String::from(":2,");
    for (bit, c) in [
        (Flags::DRAFT, 'D'),
        (Flags::FLAGGED, 'F'),
        (Flags::ANSWERED, 'R'),
        (Flags::SEEN, 'S'),
        (Flags::DELETED, 'T'),
    ] {
        if f.has(bit) {
            s.push(c);
        }
    }
    s
}

fn io_err(path: &Path, e: std::io::Error) -> String {
    format!("{}: {e}", path.display())
}

/// Write one message into a maildir (tmp, then renamed into cur).
fn write_maildir_message(dir: &Path, n: usize, env: &Envelope, raw: &[u8]) -> Result<(), String> {
    let base = format!(
        "{}.M{n}P{}.tmail-export-{}",
        env.date.max(0),
        std::process::id(),
        env.uid
    );
    let tmp = dir.join("tmp").join(&base);
    std::fs::write(&tmp, raw).map_err(|e| io_err(&tmp, e))?;
    let cur = dir
        .join("cur")
        .join(format!("{base}{}", maildir_flags(env.flags)));
    std::fs::rename(&tmp, &cur).map_err(|e| io_err(&cur, e))
}

fn make_maildir(dir: &Path) -> Result<(), String> {
    for sub in ["cur", "new", "tmp"] {
        let d = dir.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| io_err(&d, e))?;
    }
    Ok(())
}

/// Where one folder goes when all folders are exported.
fn folder_target(target: &Target, f: &Folder, single: bool) -> PathBuf {
    let sep = f.delimiter.unwrap_or('/');
    match target {
        Target::Mbox(p) if single => p.clone(),
        Target::Mbox(p) => {
            let rel: PathBuf = f.path.split(sep).collect();
            let mut name = rel.into_os_string();
            name.push(".mbox");
            p.join(name)
        }
        Target::Maildir(p) if single || f.path.eq_ignore_ascii_case("INBOX") => p.clone(),
        Target::Maildir(p) => p.join(format!(".{}", f.path.replace(sep, "."))),
    }
}

/// Export `folders` of `account` (all of its folders when empty). Messages oldest first.
pub fn export(
    store: &Store,
    account: &str,
    folder: Option<&str>,
    target: &Target,
) -> Result<ExportReport, String> {
    let all = store.folders(Some(account)).map_err(|e| e.to_string())?;
    if all.is_empty() {
        return Err(crate::headless::nothing_synced_for(account));
    }
    let folders: Vec<Folder> = match folder {
        Some(name) => match crate::headless::find_folder(&all, name) {
            Some(f) if f.selectable => vec![f.clone()],
            _ => return Err(crate::headless::no_folder(name, Some(account), &all)),
        },
        None => all.into_iter().filter(|f| f.selectable).collect(),
    };
    if folders.is_empty() {
        return Err(format!("account {account} has no folders that hold mail"));
    }
    let single = folder.is_some();
    if let (Target::Mbox(dir), false) = (target, single) {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    }
    let mut report = ExportReport::default();
    for f in &folders {
        let mut envs = store
            .envelopes(account, &f.path)
            .map_err(|e| e.to_string())?;
        envs.sort_by_key(|e| (e.date, e.uid));
        let dest = folder_target(target, f, single);
        match target {
            Target::Mbox(_) => {
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
                }
                let file = std::fs::File::create(&dest).map_err(|e| io_err(&dest, e))?;
                let mut out = std::io::BufWriter::new(file);
                for e in &envs {
                    match store
                        .body(account, &f.path, e.uid)
                        .map_err(|e| e.to_string())?
                    {
                        Some(raw) => {
                            write_mbox_message(&mut out, e, &raw).map_err(|e| io_err(&dest, e))?;
                            report.messages += 1;
                        }
                        None => report.without_body += 1,
                    }
                }
                out.flush().map_err(|e| io_err(&dest, e))?;
                out.get_ref().sync_all().map_err(|e| io_err(&dest, e))?;
            }
            Target::Maildir(_) => {
                make_maildir(&dest)?;
                for (n, e) in envs.iter().enumerate() {
                    match store
                        .body(account, &f.path, e.uid)
                        .map_err(|e| e.to_string())?
                    {
                        Some(raw) => {
                            write_maildir_message(&dest, n, e, &raw)?;
                            report.messages += 1;
                        }
                        None => report.without_body += 1,
                    }
                }
            }
        }
        report.folders += 1;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mboxrd_quotes_from_lines_and_only_those() {
        let raw = b"Subject: x\r\n\r\nFrom here\r\n>From there\r\n>>From far\r\nFrom: not a separator? yes it is\r\n Fromage\r\nfrom lower\r\n";
        let q = mboxrd_quote(raw);
        assert_eq!(
            q,
            b"Subject: x\r\n\r\n>From here\r\n>>From there\r\n>>>From far\r\nFrom: not a separator? yes it is\r\n Fromage\r\nfrom lower\r\n".to_vec()
        );
        // undoing one level gives the original back, byte for byte
        let undone: Vec<u8> = q
            .split_inclusive(|&b| b == b'\n')
            .flat_map(|l| {
                let n = l.iter().position(|&b| b != b'>').unwrap_or(l.len());
                if n > 0 && l[n..].starts_with(b"From ") {
                    l[1..].to_vec()
                } else {
                    l.to_vec()
                }
            })
            .collect();
        assert_eq!(undone, raw.to_vec());
    }

    #[test]
    fn separator_and_flags() {
        let env = Envelope {
            date: 1_767_225_600,
            from: vec![crate::mail::Address {
                name: Some("A".into()),
                email: "a@example.test".into(),
            }],
            flags: Flags(Flags::SEEN | Flags::FLAGGED),
            ..Default::default()
        };
        assert_eq!(
            separator(&env),
            "From a@example.test Thu Jan  1 00:00:00 2026\n"
        );
        assert_eq!(maildir_flags(env.flags), ":2,FS");
        let mut out = Vec::new();
        write_mbox_message(&mut out, &env, b"Subject: s\n\nno newline").unwrap();
        assert_eq!(
            out,
            b"From a@example.test Thu Jan  1 00:00:00 2026\nSubject: s\n\nno newline\n\n".to_vec()
        );
    }
}
