//! A private scratch directory for parts handed to other programs (`open`, `open-html`): one
//! per tmail session, mode 0700, its files 0600, removed with everything in it when tmail
//! exits (when the [`Scratch`] is dropped).
//!
//! Files stay until then, not until the opening command exits: `xdg-open` and `open` return
//! at once while the viewer they start still reads the file.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::files::save::SaveError;
use crate::mail::filename::{sanitize_file_name, unique_name};

/// The session's private directory for files handed to other programs.
#[derive(Debug)]
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// A new private directory (`tmail-XXXXXX`, mode 0700) in `$XDG_RUNTIME_DIR` when that
    /// is set and usable (a per-user tmpfs), else in the system temp directory.
    pub fn new() -> std::io::Result<Scratch> {
        let runtime = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute() && p.is_dir());
        let mut builder = tempfile::Builder::new();
        builder
            .prefix("tmail-")
            .permissions(std::fs::Permissions::from_mode(0o700));
        let dir = match runtime {
            Some(r) => builder.tempdir_in(r).or_else(|_| builder.tempdir())?,
            None => builder.tempdir()?,
        };
        Ok(Scratch { dir })
    }

    /// A new private directory inside `parent` (tests, or a configured place).
    pub fn new_in(parent: &Path) -> std::io::Result<Scratch> {
        let dir = tempfile::Builder::new()
            .prefix("tmail-")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir_in(parent)?;
        Ok(Scratch { dir })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `bytes` to a new file named `name` (sanitized again here; a name already used
    /// this session becomes `name-1.ext`, …), created exclusively with mode 0600, and
    /// returns its path. The name keeps its extension, so viewers that go by it work.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, SaveError> {
        let name = sanitize_file_name(name, "part");
        let taken = |n: &str| std::fs::symlink_metadata(self.path().join(n)).is_ok();
        let unique =
            unique_name(&name, taken).ok_or_else(|| SaveError::Exists(self.path().join(&name)))?;
        let path = self.path().join(unique);
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| SaveError::Io {
                path: path.clone(),
                message: e.to_string(),
            })?;
        f.write_all(bytes).map_err(|e| SaveError::Io {
            path: path.clone(),
            message: e.to_string(),
        })?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_files_removed_on_drop() {
        let parent = tempfile::tempdir().unwrap();
        let s = Scratch::new_in(parent.path()).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(s.path()), 0o700);
        let a = s.write("report.pdf", b"%PDF").unwrap();
        let b = s.write("report.pdf", b"%PDF2").unwrap();
        let c = s.write("../../evil\u{202e}.sh", b"x").unwrap();
        assert_eq!(a.file_name().unwrap(), "report.pdf");
        assert_eq!(b.file_name().unwrap(), "report-1.pdf");
        assert_eq!(c.parent().unwrap(), s.path());
        assert_eq!(mode(&a), 0o600);
        assert_eq!(std::fs::read(&b).unwrap(), b"%PDF2");
        let dir = s.path().to_path_buf();
        drop(s);
        assert!(!dir.exists());
        // the default place works too
        let s = Scratch::new().unwrap();
        assert_eq!(mode(s.path()), 0o700);
    }
}
