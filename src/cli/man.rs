//! `tmail man`: the manual page in roff, made from what tmail itself knows, so it cannot fall
//! behind: clap's arguments (options and subcommands, with clap_mangen), the command registry
//! with the shipped keymap's keys, and the config keys listed next to the schema
//! (`config::keys`).

use std::io::Write;

use clap::{Arg, CommandFactory};
use roff::{bold, italic, roman, Inline, Roff};

use super::Cli;
use crate::app::registry::COMMANDS;
use crate::config::keys::{table_header, KEYS};
use crate::input::{Context, Keymap};

/// `--long VALUE` or `VALUE` for a positional argument, as inline roff.
fn arg_name(arg: &Arg) -> Vec<Inline> {
    let value = arg
        .get_value_names()
        .and_then(|v| v.first())
        .map(|v| v.to_string())
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
    match arg.get_long() {
        Some(long) => {
            let mut out = vec![bold(format!("--{long}"))];
            if arg.get_action().takes_values() {
                out.push(roman(" "));
                out.push(italic(value));
            }
            out
        }
        None => vec![italic(value)],
    }
}

/// What an argument does, with its choices and default.
fn arg_help(arg: &Arg) -> String {
    let mut text = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let choices: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    // (A flag's possible values are true and false: nothing to say.)
    if !choices.is_empty() && arg.get_action().takes_values() {
        text.push_str(&format!(" (one of: {})", choices.join(", ")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() {
        text.push_str(&format!(" [default: {}]", defaults.join(", ")));
    }
    text
}

fn subcommands(roff: &mut Roff) {
    roff.control("SH", ["SUBCOMMANDS"]);
    roff.text([roman(
        "Without a subcommand tmail opens the terminal interface. The subcommands work without it; \
         they use the same config and store (run them while the interface is closed: the store \
         belongs to one process at a time).",
    )]);
    let cmd = Cli::command();
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let args: Vec<&Arg> = sub
            .get_arguments()
            .filter(|a| !a.is_hide_set() && a.get_id() != "help")
            .collect();
        let mut synopsis = vec![bold(format!("tmail {}", sub.get_name()))];
        for a in &args {
            synopsis.push(roman(if a.is_required_set() { " " } else { " [" }));
            synopsis.extend(arg_name(a));
            if !a.is_required_set() {
                synopsis.push(roman("]"));
            }
        }
        roff.control("SS", [format!("tmail {}", sub.get_name()).as_str()]);
        roff.text(synopsis);
        roff.control("br", []);
        let about = sub
            .get_long_about()
            .or(sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        roff.text([roman(about)]);
        for a in args {
            roff.control("TP", []);
            roff.text(arg_name(a));
            roff.text([roman(arg_help(a))]);
        }
    }
}

/// `j, <Down>` for `[global]` keys, `d (list)` for a pane's.
fn default_keys(keymap: &Keymap, command: &str) -> String {
    let keys: Vec<String> = keymap
        .keys_for(command)
        .into_iter()
        .map(|(ctx, k)| {
            if ctx == Context::Global {
                k
            } else {
                format!("{k} ({})", ctx.name())
            }
        })
        .collect();
    if keys.is_empty() {
        "none by default (type it on the : line)".to_string()
    } else {
        keys.join(", ")
    }
}

fn commands(roff: &mut Roff) {
    roff.control("SH", ["COMMANDS"]);
    roff.text([roman(
        "Every operation of the interface is a named command. Type it on the : line (\
         :folder Archive), find it with ? (the help), or press its keys. The keys below are the \
         shipped defaults; a key marked with a pane applies only there.",
    )]);
    let keymap = Keymap::defaults();
    for c in COMMANDS {
        roff.control("TP", []);
        let mut tag = vec![bold(format!(":{}", c.name))];
        if let Some(arg) = c.arg {
            tag.push(roman(" "));
            tag.push(italic(arg));
        }
        roff.text(tag);
        roff.text([roman(format!("{}.", c.description.trim_end_matches('.')))]);
        roff.control("br", []);
        roff.text([roman("Keys: "), bold(default_keys(&keymap, c.name))]);
    }
}

fn keybindings(roff: &mut Roff) {
    roff.control("SH", ["KEYBINDINGS"]);
    for p in [
        "The shipped bindings (tmail --print-keybindings prints them) are compiled in. \
         $XDG_CONFIG_HOME/tmail/keybindings.toml changes single bindings. Its sections are \
         contexts: [global] applies in every pane unless the pane's own section ([folders], \
         [list], [preview], [composer]) binds the same keys. Keys are written in vim notation: \
         j, gg, <C-d>, <Enter>, <Tab>, <S-Tab>, <Esc>, <Space>, <lt> for <. The value is a \
         command name; \"unbind\" removes that one binding (in a pane's section, the [global] \
         binding of the same keys in that pane) and nothing else.",
        "What wins when bindings overlap: the pane's binding of exactly the typed keys, then the \
         [global] binding of exactly those keys, then a longer binding that starts with them \
         (tmail waits for the next key). So a complete binding beats a longer one: \"g\" = \
         \"delete\" makes g delete at once, and gg, g/ and the other g sequences can no longer be \
         typed where it applies. A count typed first repeats a command (5j), so a binding that \
         starts with a digit 1-9 can never be typed. tmail starts anyway, and warns about every \
         such binding in the status line at start, in the log and in tmail --check-config, \
         naming the line of keybindings.toml that causes it.",
    ] {
        roff.control("PP", []);
        roff.text([roman(p)]);
    }
}

fn configuration(roff: &mut Roff) {
    roff.control("SH", ["CONFIGURATION"]);
    roff.text([roman(
        "$XDG_CONFIG_HOME/tmail/config.toml (or --config). Any key can be overridden from the \
         environment: TMAIL_KEY for a top-level key (TMAIL_COPY_COMMAND=wl-copy), \
         TMAIL_SECTION__KEY in a table (TMAIL_UI__THEME=light), \
         TMAIL_ACCOUNTS__N__KEY in the Nth account of the file, from 0 \
         (TMAIL_ACCOUNTS__0__SEND_DELAY=30, TMAIL_ACCOUNTS__0__IMAP__PORT=1993); \
         the [open] table and lists cannot be. A mistake is reported \
         with the file, the line and the key, and tmail starts nothing until it is fixed; \
         tmail --check-config checks the file, the keybindings and the theme.",
    )]);
    let mut last: Option<&[&str]> = None;
    for k in KEYS {
        if last != Some(k.tables) {
            let headers: Vec<String> = k.tables.iter().map(|t| table_header(t)).collect();
            roff.control("SS", [headers.join(", ").as_str()]);
            last = Some(k.tables);
        }
        roff.control("TP", []);
        roff.text([bold(k.key), roman(" = "), italic(k.value)]);
        roff.text([roman(k.description)]);
    }
}

fn entries(roff: &mut Roff, title: &str, items: &[(&str, &str)]) {
    roff.control("SH", [title]);
    for (name, text) in items {
        roff.control("TP", []);
        roff.text([bold(*name)]);
        roff.text([roman(*text)]);
    }
}

fn the_rest(roff: &mut Roff) {
    roff.control("SH", ["THEMES"]);
    roff.text([roman(
        "default (256 colours), light and ansi16 (the 16 ANSI colours only) are built in; \
         :theme NAME switches at run time. A theme in $XDG_CONFIG_HOME/tmail/themes/NAME.toml \
         sets named style keys (list.unread, status.error, ...); an unset key falls back to its \
         parent, and extends = \"default\" starts from another theme.",
    )]);
    entries(
        roff,
        "ENVIRONMENT",
        &[
            ("TMAIL_CONFIG", "The config file, as --config."),
            ("TMAIL_DATA_DIR", "Where the store and the log live, as --data-dir."),
            ("TMAIL_LOG", "The log level (error, warn, info, debug, trace), or a tracing filter. Default: info."),
            ("TMAIL_KEY, TMAIL_SECTION__KEY, TMAIL_ACCOUNTS__N__KEY", "Override one config key (TMAIL_COPY_COMMAND=wl-copy, TMAIL_UI__THEME=light, TMAIL_ACCOUNTS__0__SEND_DELAY=30); see CONFIGURATION."),
            ("NO_COLOR", "When set and not empty, no colours: state is shown with reverse video, underline and bold."),
            ("COLORTERM", "truecolor or 24bit: send 24-bit colours; otherwise the 256-colour palette."),
            ("XDG_CONFIG_HOME, XDG_DATA_HOME", "Where the config and the data directories are (~/.config, ~/.local/share)."),
        ],
    );
    entries(
        roff,
        "FILES",
        &[
            ("$XDG_CONFIG_HOME/tmail/config.toml", "Settings and accounts."),
            ("$XDG_CONFIG_HOME/tmail/keybindings.toml", "The user's keybindings (optional)."),
            ("$XDG_CONFIG_HOME/tmail/themes/NAME.toml", "User themes (optional)."),
            ("$XDG_DATA_HOME/tmail/store", "The local store (sled). For POP3 accounts it holds the only copy of the mail: tmail export writes it out."),
            ("$XDG_DATA_HOME/tmail/tmail.log", "The log (passwords never reach it)."),
        ],
    );
    entries(
        roff,
        "EXIT STATUS",
        &[
            ("0", "Success (--check-config: no errors; warnings and files that are not present do not count)."),
            ("1", "A failure: an error in the config, keybindings or theme, a sync that failed, nothing synced yet, no such folder, a store that cannot be opened."),
            ("2", "A wrong argument (an unknown account, a bad option)."),
        ],
    );
}

/// The whole page.
pub(super) fn render() -> std::io::Result<Vec<u8>> {
    let cmd = Cli::command();
    let version = cmd.get_version().unwrap_or_default().to_string();
    let man = clap_mangen::Man::new(cmd)
        .title("TMAIL")
        .section("1")
        .source(format!("tmail {version}"))
        .manual("User Commands");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut roff = Roff::new();
    subcommands(&mut roff);
    commands(&mut roff);
    keybindings(&mut roff);
    configuration(&mut roff);
    the_rest(&mut roff);
    roff.to_writer(&mut out)?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// `tmail man`: print the page; returns the exit code.
pub(super) fn print() -> i32 {
    let page = match render() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("tmail man: {e}");
            return 1;
        }
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(&page).and_then(|_| out.flush()) {
        Ok(()) => 0,
        // a closed pipe (| head) is not an error
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("tmail man: {e}");
            1
        }
    }
}
