//! The command line: arguments, logging to a file, loading config/keymap/theme with clear
//! errors, and starting the TUI on the demo mailbox or the configured accounts.

mod check;
mod load;
mod man;

use load::{load_all, shadow_status, Loaded, Report};

use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser};

use crate::app::action::Service;
use crate::app::{App, AppSetup};
use crate::backend::{self, Workers};
use crate::config::{self, paths};
use crate::input::keymap::DEFAULT_KEYBINDINGS;
use crate::store::Store;
use crate::ui::theme;

/// The command line of `tmail`.
#[derive(Debug, Parser)]
#[command(
    name = "tmail",
    version,
    about = "A terminal mail client: instant, offline-first, keyboard-driven",
    long_about = "A terminal mail client: instant, offline-first, keyboard-driven. Without a subcommand, tmail opens its three panes (folder tree, message list, preview) on the local store of the configured IMAP and POP3 accounts, which its workers keep up to date; every change is applied at once and replayed to the server from a journal. The subcommands work headless, for scripts and cron."
)]
pub struct Cli {
    /// Open the built-in demo mailbox (no account or network needed)
    #[arg(long)]
    pub demo: bool,
    /// Config file [default: $XDG_CONFIG_HOME/tmail/config.toml]
    #[arg(long, env = "TMAIL_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Where the store and log live [default: $XDG_DATA_HOME/tmail]
    #[arg(long, env = "TMAIL_DATA_DIR", value_name = "PATH")]
    pub data_dir: Option<PathBuf>,
    /// Check the config, keybindings and theme, print what is wrong, and exit
    #[arg(long)]
    pub check_config: bool,
    /// Print the default keybindings (a starting point for your own file) and exit
    #[arg(long)]
    pub print_keybindings: bool,
    #[command(subcommand)]
    pub command: Option<Sub>,
}

/// Headless commands for scripts and cron.
#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    /// Sync every folder once (progress on stderr, a summary on stdout); non-zero exit on failure
    Sync {
        /// Only this account
        #[arg(long)]
        account: Option<String>,
        /// Also download every message body (for offline reading)
        #[arg(long)]
        bodies: bool,
    },
    /// Print envelopes from the local store, newest first
    List {
        /// Only this account
        #[arg(long)]
        account: Option<String>,
        /// The folder
        #[arg(long, default_value = "INBOX")]
        folder: String,
        /// At most this many
        #[arg(long)]
        limit: Option<usize>,
        /// JSON Lines: one object per message (uid, folder, date, from, subject, flags, ...)
        #[arg(long)]
        json: bool,
    },
    /// Write an account's stored mail out as mbox (mboxrd) or maildir, byte for byte
    #[command(group(clap::ArgGroup::new("target").required(true).args(["mbox", "maildir"])))]
    Export {
        /// The account
        #[arg(long)]
        account: String,
        /// Only this folder (default: every folder)
        #[arg(long)]
        folder: Option<String>,
        /// An mbox file (with --folder), or a directory of NAME.mbox files (every folder)
        #[arg(long, value_name = "PATH")]
        mbox: Option<PathBuf>,
        /// A maildir (with --folder), or a Maildir++ root (every folder)
        #[arg(long, value_name = "DIR")]
        maildir: Option<PathBuf>,
    },
    /// Send a message now through the Outbox: a prepared RFC 5322 message on stdin, or a text body on stdin with --to/--cc/--bcc/--subject/--attach; exit 0 only when the SMTP server took it
    ///
    /// `tmail send < message.eml` sends a prepared message as it is, from the account whose address (or one of its identities) is the From address: its Bcc fields are taken out (their addresses only get the message) and Date and Message-ID are added when missing. With --to (or --cc, --bcc, --subject, --attach) stdin is the text body of a message built like the composer's, from the default account. The copy for Sent is saved over IMAP at once when the server can be reached, else by the next `tmail sync` or start of tmail. Exit status: 0 sent; 1 not sent, with the server's words (the message stays in the Outbox: retried when tmail runs after a temporary failure, kept as failed after a permanent one); 2 bad input (nothing queued).
    Send {
        /// The account that sends [default: by the From address; with --to, the default account]
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
        /// Build a message to ADDR ("Name <addr>" or a comma-separated list; repeatable)
        #[arg(long, value_name = "ADDR")]
        to: Vec<String>,
        /// Copy to ADDR (repeatable)
        #[arg(long, value_name = "ADDR")]
        cc: Vec<String>,
        /// Blind copy to ADDR: in the envelope only, never in a header (repeatable)
        #[arg(long, value_name = "ADDR")]
        bcc: Vec<String>,
        /// The subject of the message built
        #[arg(long)]
        subject: Option<String>,
        /// Attach FILE (repeatable; its MIME type guessed from content and name)
        #[arg(long, value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
    /// Print a completion script for a shell: `tmail completions bash > ~/.local/share/bash-completion/completions/tmail`
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `tmail man > tmail.1 && man -l tmail.1`
    Man,
}

fn missing_config_message(path: &Path) -> String {
    format!(
        "tmail: no config file at {}.\n\nTry the built-in demo mailbox first:\n\n    tmail --demo\n\nTo read your own mail, create that file; a minimal example:\n\n{}\nPasswords come from password_command (its first output line); they are never stored.",
        path.display(),
        config::EXAMPLE
    )
}

fn init_logging(dir: &Path) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    // Library protocol traces are redacted on their way to the file (crate::logging).
    crate::logging::init(dir)
}

/// Run tmail with these arguments; returns the process exit code.
pub fn main_with(cli: Cli) -> i32 {
    match &cli.command {
        Some(Sub::Completions { shell }) => {
            clap_complete::generate(*shell, &mut Cli::command(), "tmail", &mut std::io::stdout());
            return 0;
        }
        Some(Sub::Man) => return man::print(),
        _ => {}
    }
    if cli.print_keybindings {
        print!("{DEFAULT_KEYBINDINGS}");
        return 0;
    }
    let config_path = cli
        .config
        .clone()
        .unwrap_or_else(paths::default_config_file);
    let report = load_all(&cli, &config_path);
    if cli.check_config {
        return check::print(&config_path, &report);
    }
    let Report {
        loaded,
        errors,
        shadows,
    } = report;
    let Some(loaded) = loaded else {
        for e in &errors {
            if e.starts_with("no config file") {
                eprintln!("{}", missing_config_message(&config_path));
            } else {
                eprintln!("tmail: {e}");
            }
        }
        return 1;
    };
    if !cli.demo && loaded.settings.accounts.is_empty() {
        eprintln!(
            "tmail: {} has no [[accounts]]; add one, or try `tmail --demo`",
            config_path.display()
        );
        return 1;
    }
    let data_dir = cli.data_dir.clone().unwrap_or_else(paths::data_dir);
    // A read-only command creates nothing: no data directory (and so no log) where none is.
    let read_only = matches!(cli.command, Some(Sub::List { .. } | Sub::Export { .. }));
    let _log = if read_only && !data_dir.is_dir() {
        None
    } else {
        init_logging(&data_dir)
    };
    match &cli.command {
        Some(Sub::Sync { account, bodies }) => {
            return crate::headless::sync(
                &loaded.settings,
                &data_dir.join("store"),
                account.as_deref(),
                *bodies,
            )
        }
        Some(Sub::List {
            account,
            folder,
            limit,
            json,
        }) => {
            return crate::headless::list(
                &loaded.settings,
                &data_dir.join("store"),
                account.as_deref(),
                folder,
                *limit,
                *json,
            )
        }
        Some(Sub::Export {
            account,
            folder,
            mbox,
            maildir,
        }) => {
            let target = match (mbox, maildir) {
                (Some(p), _) => crate::export::Target::Mbox(p.clone()),
                (None, Some(p)) => crate::export::Target::Maildir(p.clone()),
                (None, None) => return 2,
            };
            return crate::headless::export(
                &loaded.settings,
                &data_dir.join("store"),
                account,
                folder.as_deref(),
                &target,
            );
        }
        Some(Sub::Send {
            account,
            to,
            cc,
            bcc,
            subject,
            attach,
        }) => {
            let args = crate::headless::SendArgs {
                account: account.clone(),
                to: to.clone(),
                cc: cc.clone(),
                bcc: bcc.clone(),
                subject: subject.clone(),
                attach: attach.clone(),
            };
            return crate::headless::send(&loaded.settings, &data_dir.join("store"), &args);
        }
        Some(Sub::Completions { .. } | Sub::Man) | None => {}
    }
    for w in &shadows {
        tracing::warn!("keybindings: {w}");
    }
    match start(cli.demo, loaded, &data_dir, shadow_status(&shadows)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("tmail: {e:#}");
            1
        }
    }
}

fn start(
    demo: bool,
    loaded: Loaded,
    data_dir: &Path,
    warning: Option<String>,
) -> anyhow::Result<()> {
    // The demo lives in a temporary store that disappears on exit.
    let demo_dir = if demo {
        Some(tempfile::Builder::new().prefix("tmail-demo-").tempdir()?)
    } else {
        None
    };
    let store_dir = match &demo_dir {
        Some(d) => d.path().to_path_buf(),
        None => data_dir.join("store"),
    };
    let t0 = std::time::Instant::now();
    let store = Store::open(&store_dir)?;
    tracing::info!("store opened in {:?}", t0.elapsed());
    let accounts: Vec<String> = if demo {
        backend::demo::seed(&store)?;
        vec![backend::demo::ACCOUNT.to_string()]
    } else {
        loaded
            .settings
            .accounts
            .iter()
            .map(|a| a.name.clone())
            .collect()
    };
    let default_account = if demo {
        None
    } else {
        loaded
            .settings
            .accounts
            .iter()
            .find(|a| a.default)
            .map(|a| a.name.clone())
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let settings = loaded.settings;
    rt.block_on(async move {
        let (ev_tx, ev_rx) = tokio::sync::mpsc::unbounded_channel();
        let mut workers = Workers::default();
        // The SMTP workers' tasks: awaited (briefly) at quit, so a send is not cut midway.
        let mut senders = Vec::new();
        workers.add_jobs(backend::jobs::spawn(store.clone(), ev_tx.clone()));
        if demo {
            workers.add(
                backend::demo::ACCOUNT,
                backend::demo::spawn(store.clone(), ev_tx.clone()),
            );
            let (tx, task) = backend::outbox::spawn_demo(store.clone(), ev_tx.clone());
            workers.add_service(backend::demo::ACCOUNT, Service::Smtp, tx);
            senders.push(task);
        } else {
            for a in &settings.accounts {
                let tx = backend::spawn_account(a.clone(), store.clone(), ev_tx.clone());
                workers.add(&a.name, tx);
                let (tx, task) = backend::outbox::spawn(a.clone(), store.clone(), ev_tx.clone());
                workers.add_service(&a.name, Service::Smtp, tx);
                senders.push(task);
            }
        }
        workers.add_local(backend::local::spawn(ev_tx.clone()));
        let size = crossterm::terminal::size().unwrap_or((80, 24));
        let t1 = std::time::Instant::now();
        let compose: std::collections::HashMap<String, crate::app::compose::ComposeSettings> =
            if demo {
                backend::demo::compose_settings()
            } else {
                settings
                    .accounts
                    .iter()
                    .map(|a| (a.name.clone(), crate::app::compose::ComposeSettings::of(a)))
                    .collect()
            };
        let own_addresses = compose
            .iter()
            .map(|(a, s)| (a.clone(), s.own_addresses()))
            .collect();
        let (mut app, initial) = App::new(AppSetup {
            store,
            accounts,
            own_addresses,
            compose,
            reading: crate::app::reading::ReadingSettings::of(&settings),
            history_file: Some(data_dir.join("history")),
            default_account,
            ui: settings.ui.clone(),
            keymap: loaded.keymap,
            theme: loaded.theme,
            theme_dir: Some(paths::user_themes_dir()),
            // Enough rows for any screen; the rest of the folder loads right after the first draw.
            first_paint: Some(400),
            colors: theme::ColorSupport::detect(),
            size,
        });
        app.ephemeral = demo;
        if let Some(w) = warning {
            app.status.error = Some(w);
        }
        tracing::info!(
            "app ready in {:?} ({} messages listed)",
            t1.elapsed(),
            app.list.rows.len()
        );
        let result = crate::run::run(app, initial, workers, ev_rx).await;
        finish_sending(senders).await;
        result
    })?;
    drop(demo_dir);
    Ok(())
}

/// How long quitting waits for a message being sent (the rest would be in doubt).
const SEND_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// At quit (the workers were told to stop): wait for the SMTP workers, which end once the
/// message in flight is done, for up to [`SEND_GRACE`], saying so if it takes a moment.
async fn finish_sending(senders: Vec<tokio::task::JoinHandle<()>>) {
    let all = futures::future::join_all(senders);
    tokio::pin!(all);
    let quick = std::time::Duration::from_millis(300);
    if tokio::time::timeout(quick, &mut all).await.is_ok() {
        return;
    }
    eprintln!("tmail: finishing the message being sent…");
    if tokio::time::timeout(SEND_GRACE, all).await.is_err() {
        eprintln!(
            "tmail: stopped while sending: the message is kept in the Outbox, marked in doubt"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Keymap;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_start_up_status_names_the_first_warning_and_counts_the_rest() {
        let mut km = Keymap::defaults();
        km.apply(
            "[global]\n\"g\" = \"delete\"\n[list]\n\"5x\" = \"delete\"\n",
            "/h/.config/tmail/keybindings.toml",
        )
        .expect("parses");
        let w = km.shadowed();
        assert_eq!(w.len(), 2);
        let s = shadow_status(&w).unwrap_or_default();
        assert!(
            s.starts_with("(1 more key warning: tmail --check-config) keybindings.toml:2: \"g\" (delete) hides gg (first)"),
            "{s}"
        );
        assert_eq!(shadow_status(&[]), None);
    }
}
