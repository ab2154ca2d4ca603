//! Where tmail keeps things: XDG config and data directories, overridable from the command line.

use std::path::PathBuf;

use etcetera::BaseStrategy;

/// `$XDG_CONFIG_HOME/tmail` (usually `~/.config/tmail`).
pub fn config_dir() -> PathBuf {
    match etcetera::choose_base_strategy() {
        Ok(s) => s.config_dir().join("tmail"),
        Err(_) => PathBuf::from(".config/tmail"),
    }
}

/// `$XDG_DATA_HOME/tmail` (usually `~/.local/share/tmail`).
pub fn data_dir() -> PathBuf {
    match etcetera::choose_base_strategy() {
        Ok(s) => s.data_dir().join("tmail"),
        Err(_) => PathBuf::from(".local/share/tmail"),
    }
}

pub fn default_config_file() -> PathBuf {
    config_dir().join("config.toml")
}

pub fn user_keybindings_file() -> PathBuf {
    config_dir().join("keybindings.toml")
}

pub fn user_themes_dir() -> PathBuf {
    config_dir().join("themes")
}

/// The user's home directory (`$HOME`), if it can be found.
pub fn home_dir() -> Option<PathBuf> {
    etcetera::home_dir().ok()
}

/// `~` and `~/rest` expanded to the home directory (`~user` is left as it is); anything else
/// unchanged. Without a known home, `~` stays literal.
pub fn expand_tilde(path: &str) -> PathBuf {
    let rest = match path.strip_prefix('~') {
        Some("") => "",
        Some(r) if r.starts_with('/') => &r[1..],
        _ => return PathBuf::from(path),
    };
    match home_dir() {
        Some(home) if rest.is_empty() => home,
        Some(home) => home.join(rest),
        None => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tilde_expands_to_home_only_at_the_start() {
        let home = home_dir().expect("a home directory");
        assert_eq!(expand_tilde("~"), home);
        assert_eq!(expand_tilde("~/Downloads/x"), home.join("Downloads/x"));
        assert_eq!(expand_tilde("~bob/x"), PathBuf::from("~bob/x"));
        assert_eq!(expand_tilde("/tmp/~/x"), PathBuf::from("/tmp/~/x"));
        assert_eq!(expand_tilde("rel/x"), PathBuf::from("rel/x"));
    }
}
