//! Loading config, keymap and theme before anything starts: what can be used, the errors that
//! stop tmail (a theme that does not exist is the mistake of the `ui.theme` that names it), and
//! warnings about key bindings that can never be typed.

use std::path::Path;

use super::Cli;
use crate::config::{self, paths, ConfigError, Settings};
use crate::input::keymap::Shadow;
use crate::input::Keymap;
use crate::ui::theme::{self, Theme};

/// Everything loaded before the TUI starts.
pub(super) struct Loaded {
    pub(super) settings: Settings,
    pub(super) keymap: Keymap,
    pub(super) theme: Theme,
}

/// What loading found: what can be used, the errors that stop tmail, and bindings of the user's
/// keybindings that can never be typed (warnings: tmail starts anyway).
pub(super) struct Report {
    pub(super) loaded: Option<Loaded>,
    pub(super) errors: Vec<String>,
    pub(super) shadows: Vec<Shadow>,
}

/// A theme that does not exist, said as a mistake of the setting that names it.
fn missing_theme(config_path: &Path, e: &theme::ThemeError) -> String {
    if std::env::var_os("TMAIL_UI__THEME").is_some() {
        return format!("environment override TMAIL_UI__THEME: {}", e.message);
    }
    let text = std::fs::read_to_string(config_path).unwrap_or_default();
    ConfigError::Invalid {
        file: config_path.display().to_string(),
        line: config::locate::line_of_key(&text, "ui.theme").unwrap_or(0),
        key: "ui.theme".into(),
        message: e.message.clone(),
    }
    .to_string()
}

pub(super) fn load_all(cli: &Cli, config_path: &Path) -> Report {
    let mut errors = Vec::new();
    let settings = match Settings::load(config_path) {
        Ok(s) => Some(s),
        Err(ConfigError::Missing(_)) if cli.demo => Some(Settings::default()),
        Err(e) => {
            errors.push(e.to_string());
            None
        }
    };
    let mut shadows = Vec::new();
    let keymap = match Keymap::load(Some(&paths::user_keybindings_file())) {
        Ok(k) => {
            shadows = k.shadowed();
            Some(k)
        }
        Err(e) => {
            errors.push(format!("keybindings: {e}"));
            None
        }
    };
    let theme_name = settings
        .as_ref()
        .map_or("default".to_string(), |s| s.ui.theme.clone());
    let theme = match theme::load(
        &theme_name,
        Some(&paths::user_themes_dir()),
        theme::ColorSupport::detect(),
    ) {
        Ok(t) => Some(t),
        // No such theme at all: the config's `ui.theme` is the mistake.
        Err(e) if e.file.is_empty() => {
            errors.push(missing_theme(config_path, &e));
            None
        }
        Err(e) => {
            errors.push(e.to_string());
            None
        }
    };
    let loaded = match (settings, keymap, theme) {
        (Some(settings), Some(keymap), Some(theme)) => Some(Loaded {
            settings,
            keymap,
            theme,
        }),
        _ => None,
    };
    Report {
        loaded,
        errors,
        shadows,
    }
}

/// The status line at start when the user's keybindings hide bindings: the first warning, and
/// how many more `--check-config` lists.
pub(super) fn shadow_status(shadows: &[Shadow]) -> Option<String> {
    let first = shadows.first()?;
    Some(match shadows.len() {
        1 => first.short(),
        n => format!(
            "({} more key warning{}: tmail --check-config) {}",
            n - 1,
            if n == 2 { "" } else { "s" },
            first.short()
        ),
    })
}
