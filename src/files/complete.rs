//! Tab completion of paths in a prompt: what a partial path can become, as the user would
//! type it (a leading `~` kept), directories ending in `/`.

use std::path::Path;

use crate::config::paths::expand_tilde;

/// At most this many candidates are returned (a huge directory must not stall a key press).
pub const MAX_CANDIDATES: usize = 1000;

/// True for names that cannot be shown or typed safely (control or bidi characters).
fn unsafe_name(name: &str) -> bool {
    name.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    })
}

/// The completions of `input` (what is typed so far): every entry of the directory `input`
/// points into whose name starts with what follows the last `/`, as the full text to put in
/// the prompt — the typed directory part kept as typed (`~/Do` → `~/Documents/`,
/// `~/Downloads/`), a `/` after directories (symlinks to directories too). Relative input is
/// relative to `base` (the default save directory). Hidden entries only when the typed name
/// starts with `.`; names that are not UTF-8 or hold control or bidi characters are left out.
/// Sorted (byte order), at most [`MAX_CANDIDATES`]. `~` alone completes to `~/`. An
/// unreadable directory has no completions.
pub fn complete(input: &str, base: &Path) -> Vec<String> {
    if input == "~" {
        return vec!["~/".to_owned()];
    }
    let (typed_dir, prefix) = match input.rfind('/') {
        Some(i) => (&input[..=i], &input[i + 1..]),
        None => ("", input),
    };
    let dir = if typed_dir.is_empty() {
        base.to_path_buf()
    } else {
        base.join(expand_tilde(typed_dir))
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(prefix)
                || (name.starts_with('.') && !prefix.starts_with('.'))
                || unsafe_name(&name)
            {
                return None;
            }
            // `metadata` follows symlinks: a link to a directory completes as one.
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            Some(format!(
                "{typed_dir}{name}{}",
                if is_dir { "/" } else { "" }
            ))
        })
        .take(MAX_CANDIDATES)
        .collect();
    out.sort();
    out
}

/// The longest text every candidate starts with (what Tab can fill in at once); empty for no
/// candidates. Never splits a character.
pub fn common_prefix(candidates: &[String]) -> String {
    let Some(first) = candidates.first() else {
        return String::new();
    };
    let mut end = first.len();
    for c in &candidates[1..] {
        end = end.min(
            first
                .char_indices()
                .zip(c.chars())
                .find(|((_, a), b)| a != b)
                .map_or(end.min(c.len()), |((i, _), _)| i),
        );
    }
    first[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_names_and_marks_directories() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        for d in ["Documents", "Downloads", "Music", ".hidden"] {
            std::fs::create_dir(base.join(d)).unwrap();
        }
        std::fs::write(base.join("Doc.txt"), b"").unwrap();
        std::fs::write(base.join(".profile"), b"").unwrap();
        std::fs::write(base.join("bad\x1bname"), b"").unwrap();
        std::os::unix::fs::symlink(base.join("Music"), base.join("Mlink")).unwrap();
        std::fs::write(base.join("Documents/report.pdf"), b"").unwrap();
        assert_eq!(
            complete("Do", base),
            vec!["Doc.txt", "Documents/", "Downloads/"]
        );
        assert_eq!(complete("M", base), vec!["Mlink/", "Music/"]);
        assert_eq!(complete(".", base), vec![".hidden/", ".profile"]);
        let all = complete("", base);
        assert!(
            !all.iter().any(|c| c.starts_with('.') || c.contains('\x1b')),
            "{all:?}"
        );
        assert_eq!(complete("Documents/r", base), vec!["Documents/report.pdf"]);
        let abs = format!("{}/Documents/", base.display());
        assert_eq!(complete(&abs, base), vec![format!("{abs}report.pdf")]);
        assert!(complete("nowhere/x", base).is_empty());
        assert_eq!(complete("~", base), vec!["~/"]);
        // `~/` completes in the home directory and keeps the `~` as typed
        assert!(complete("~/", base).iter().all(|c| c.starts_with("~/")));
    }

    #[test]
    fn common_prefixes() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(common_prefix(&v(&["Documents/", "Downloads/"])), "Do");
        assert_eq!(common_prefix(&v(&["abc"])), "abc");
        assert_eq!(common_prefix(&v(&["ab", "abc"])), "ab");
        assert_eq!(common_prefix(&v(&[])), "");
        assert_eq!(common_prefix(&v(&["été", "étage"])), "ét");
    }
}
