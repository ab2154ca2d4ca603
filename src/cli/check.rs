//! `tmail --check-config`: what was loaded from which file on stdout; errors (exit 1) and
//! warnings about keybindings that can never be typed (exit 0) on stderr. A keybindings or
//! theme file that does not exist is "not present (defaults used)", not "OK".

use std::path::Path;

use super::Report;
use crate::config::paths;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Print the check; returns the exit code.
pub(super) fn print(config_path: &Path, report: &Report) -> i32 {
    for w in &report.shadows {
        eprintln!("{w}");
    }
    if !report.errors.is_empty() {
        for e in &report.errors {
            eprintln!("{e}");
        }
        return 1;
    }
    let Some(loaded) = &report.loaded else {
        // Nothing loaded and no error cannot happen; say so rather than claim OK.
        eprintln!("tmail: nothing was loaded");
        return 1;
    };
    let config = if config_path.exists() {
        format!("OK ({})", plural(loaded.settings.accounts.len(), "account"))
    } else {
        "not present (the demo mailbox needs none)".to_string()
    };
    println!("config: {}: {config}", config_path.display());
    let keys = paths::user_keybindings_file();
    if keys.exists() {
        let n = report.shadows.len();
        let warnings = if n == 0 {
            String::new()
        } else {
            format!(
                " ({} on stderr: bindings that can never be typed)",
                plural(n, "warning")
            )
        };
        println!("keybindings: {}: OK{warnings}", keys.display());
    } else {
        println!(
            "keybindings: {}: not present (defaults used)",
            keys.display()
        );
    }
    let name = &loaded.theme.name;
    let file = paths::user_themes_dir().join(format!("{name}.toml"));
    if file.exists() {
        println!("theme: {}: OK (theme \"{name}\")", file.display());
    } else {
        println!(
            "theme: {}: not present (defaults used: the built-in theme \"{name}\")",
            file.display()
        );
    }
    0
}
