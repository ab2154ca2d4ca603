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
