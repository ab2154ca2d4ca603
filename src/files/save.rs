//! Saving parts to the user's disk: the default directory, the path a prompt answer means,
//! atomic writes that never replace a file unless asked, and saving many parts under unique
//! names.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::paths::{expand_tilde, home_dir};
use crate::mail::filename::unique_name;

/// Why a file was not saved. `Exists` is a question for the user, not a failure: ask, then
/// call [`save`] again with `overwrite = true`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    /// Something is already at this path; nothing was written.
    #[error("{} exists", .0.display())]
    Exists(PathBuf),
    /// The directory to save into does not exist.
    #[error("no directory {}", .0.display())]
    NoDirectory(PathBuf),
    /// The path (or a part of it) is not a directory where one is needed.
    #[error("{} is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// No home directory to put `~/Downloads` in.
    #[error("no home directory: set attachment_dir")]
    NoHome,
    /// The system refused (permissions, disk full, …).
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
}

fn io(path: &Path, e: &std::io::Error) -> SaveError {
    SaveError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// The path of the default directory ([`default_dir`]) without creating it or looking at the
/// disk: `configured` with `~` expanded, else `~/Downloads`; None without a home directory.
/// For Tab completion, which must not create directories.
pub fn default_dir_path(configured: Option<&Path>) -> Option<PathBuf> {
    match configured {
        Some(p) => Some(expand_tilde(&p.to_string_lossy())),
        None => home_dir().map(|h| h.join("Downloads")),
    }
}

/// Where saved parts go by default: `configured` (the `attachment_dir` setting, `~`
/// expanded) or else `~/Downloads`; created (with its parents) when missing.
///
/// Errors: the path exists but is not a directory, no home directory, or it cannot be
/// created.
pub fn default_dir(configured: Option<&Path>) -> Result<PathBuf, SaveError> {
    let dir = default_dir_path(configured).ok_or(SaveError::NoHome)?;
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => Err(SaveError::NotADirectory(dir)),
        Err(_) => {
            std::fs::create_dir_all(&dir).map_err(|e| io(&dir, &e))?;
            Ok(dir)
        }
    }
}

/// The file a save prompt's answer names. `input` is what the user typed (`~` expanded;
/// relative to `dir`, the default directory); empty, or naming a directory (an existing one,
/// or ending in `/`), means `file_name` inside it. `file_name` should already be safe
/// ([`crate::mail::parts::PartInfo::file_name`]).
pub fn target_path(input: &str, dir: &Path, file_name: &str) -> PathBuf {
    let input = input.trim();
    if input.is_empty() {
        return dir.join(file_name);
    }
    let path = dir.join(expand_tilde(input));
    if input.ends_with('/') || path.is_dir() {
        path.join(file_name)
    } else {
        path
    }
}

/// Writes `bytes` to `path` atomically: into a temporary file in the same directory, flushed
/// to disk, then renamed over `path`, so a crash or a full disk never leaves a half-written
/// file under the final name. The file is created with mode 0600 (only the user can read
/// it: mail is private; `chmod` it to share). Without `overwrite`, an existing `path` (even a
/// dangling symlink) is left alone and [`SaveError::Exists`] comes back — checked by the
/// rename itself (`renameat2(RENAME_NOREPLACE)` or `link`), so no race can replace a file.
/// With `overwrite`, a symlink at `path` is replaced, not followed.
///
/// Returns the path written. The parent directory must exist ([`SaveError::NoDirectory`]).
pub fn save(path: &Path, bytes: &[u8], overwrite: bool) -> Result<PathBuf, SaveError> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match std::fs::metadata(&parent) {
        Ok(m) if !m.is_dir() => return Err(SaveError::NotADirectory(parent)),
        Ok(_) => {}
        Err(_) => return Err(SaveError::NoDirectory(parent)),
    }
    if path.is_dir() {
        return Err(SaveError::Exists(path.to_path_buf()));
    }
    if !overwrite && std::fs::symlink_metadata(path).is_ok() {
        return Err(SaveError::Exists(path.to_path_buf()));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmail-save-")
        .tempfile_in(&parent)
        .map_err(|e| io(&parent, &e))?;
    tmp.write_all(bytes).map_err(|e| io(tmp.path(), &e))?;
    tmp.as_file().sync_all().map_err(|e| io(tmp.path(), &e))?;
    let persisted = if overwrite {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    match persisted {
        Ok(_) => Ok(path.to_path_buf()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(SaveError::Exists(path.to_path_buf()))
        }
        Err(e) => Err(io(path, &e.error)),
    }
}

/// Saves every `(file_name, bytes)` into `dir`, never replacing anything: a name already
/// on disk, or already used in this batch, becomes `name-1.ext`, `name-2.ext`, …. Returns one
/// result per file, in order (the path written, or why not).
pub fn save_all<'a>(
    dir: &Path,
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Vec<Result<PathBuf, SaveError>> {
    let mut used: Vec<String> = Vec::new();
    files
        .into_iter()
        .map(|(name, bytes)| {
            // A file could appear between the check and the write: try the next name then.
            for _ in 0..100 {
                let taken = |n: &str| {
                    used.iter().any(|u| u == n) || std::fs::symlink_metadata(dir.join(n)).is_ok()
                };
                let Some(unique) = unique_name(name, taken) else {
                    break;
                };
                used.push(unique.clone());
                match save(&dir.join(&unique), bytes, false) {
                    Err(SaveError::Exists(_)) => continue,
                    other => return other,
                }
            }
            Err(SaveError::Exists(dir.join(name)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn saves_atomically_private_and_never_overwrites_unasked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.bin");
        assert_eq!(save(&p, b"one", false), Ok(p.clone()));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(save(&p, b"two", false), Err(SaveError::Exists(p.clone())));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        assert_eq!(save(&p, b"two", true), Ok(p.clone()));
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        // no temporary file is left behind
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        // a dangling symlink counts as existing; overwriting replaces the link itself
        let target = dir.path().join("elsewhere");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(
            save(&link, b"x", false),
            Err(SaveError::Exists(link.clone()))
        );
        assert_eq!(save(&link, b"x", true), Ok(link.clone()));
        assert!(!target.exists());
        assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
        // a directory is never replaced, a missing one is an error
        assert!(matches!(
            save(dir.path(), b"x", true),
            Err(SaveError::Exists(_))
        ));
        let missing = dir.path().join("nope/a.bin");
        assert_eq!(
            save(&missing, b"x", false),
            Err(SaveError::NoDirectory(dir.path().join("nope")))
        );
        let under_file = p.join("x");
        assert_eq!(
            save(&under_file, b"x", false),
            Err(SaveError::NotADirectory(p))
        );
    }

    #[test]
    fn save_all_picks_unique_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.pdf"), b"old").unwrap();
        let files: Vec<(&str, &[u8])> =
            vec![("a.pdf", b"1"), ("a.pdf", b"2"), ("b", b"3"), ("b", b"4")];
        let saved: Vec<PathBuf> = save_all(dir.path(), files)
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let names: Vec<String> = saved
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["a-1.pdf", "a-2.pdf", "b", "b-1"]);
        assert_eq!(std::fs::read(dir.path().join("a.pdf")).unwrap(), b"old");
        assert_eq!(std::fs::read(dir.path().join("b-1")).unwrap(), b"4");
    }

    #[test]
    fn default_dir_and_targets() {
        let dir = tempfile::tempdir().unwrap();
        let wanted = dir.path().join("new/deeper");
        assert_eq!(default_dir(Some(&wanted)), Ok(wanted.clone()));
        assert!(wanted.is_dir());
        let file = dir.path().join("file");
        std::fs::write(&file, b"").unwrap();
        assert_eq!(
            default_dir(Some(&file)),
            Err(SaveError::NotADirectory(file))
        );
        let home = home_dir().unwrap();
        assert_eq!(target_path("~/x.pdf", &wanted, "a.pdf"), home.join("x.pdf"));
        assert_eq!(target_path("", &wanted, "a.pdf"), wanted.join("a.pdf"));
        assert_eq!(target_path("  ", &wanted, "a.pdf"), wanted.join("a.pdf"));
        assert_eq!(
            target_path("sub/", &wanted, "a.pdf"),
            wanted.join("sub/a.pdf")
        );
        assert_eq!(target_path("b.pdf", &wanted, "a.pdf"), wanted.join("b.pdf"));
        assert_eq!(
            target_path("/tmp", &wanted, "a.pdf"),
            PathBuf::from("/tmp/a.pdf")
        );
        assert_eq!(
            target_path("/tmp/c", &wanted, "a.pdf"),
            PathBuf::from("/tmp/c")
        );
    }
}
