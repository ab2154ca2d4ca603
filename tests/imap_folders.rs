//! Folder names of every shape against a real Dovecot (issue 10, items 4–6): names with `"`,
//! `\`, spaces, `&`, `%`/`*` and non-ASCII are read unescaped from LIST and reach the server
//! intact in every command that sends one (SELECT, EXAMINE/IDLE, STATUS, APPEND, CREATE,
//! RENAME, DELETE, COPY and MOVE targets); `tmail sync` syncs every folder and reports one that
//! fails without stopping; `tmail list` takes and prints decoded names.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::dovecot::{dovecot, Dovecot, User};
use support::harness::{account, Harness};
use tmail::backend::credentials::CredentialSource;
use tmail::backend::imap::conn::{self, Credentials};
use tmail::backend::imap::{folders, idle, sync};
use tmail::backend::secret::Secret;
use tmail::config::{FolderRoles, Security, ServerSettings};
use tmail::mail::mutf7;
use tmail::store::Store;

/// The names of `folder-names.md` and more: a quote, a backslash, spaces, `&`, wildcards,
/// non-ASCII (stored in modified UTF-7).
const ODD: &[&str] = &[
    r#"Projects/"Q3" plans"#,
    r"back\slash",
    "Old Mail 2019",
    "R&D",
    "50% *off*",
    "Häät",
    "Απεσταλμένα",
];

const MESSAGE: &[u8] = include_bytes!("data/cases/folder-names.eml");
const SUBJECT: &str = "Message inside an oddly named folder";

fn server() -> ServerSettings {
    let d = dovecot();
    ServerSettings {
        host: "127.0.0.1".into(),
        port: Some(d.imaps_port()),
        security: Security::Tls,
        username: None,
        password_command: None,
        oauth2_token_command: None,
        ca_file: Some(d.ca_file().to_path_buf()),
        allow_plaintext: false,
        disable_extensions: Vec::new(),
        leave_on_server: None,
        delete_after_days: None,
        check_interval: None,
    }
}

fn creds(u: &User) -> Credentials {
    Credentials::Password {
        user: u.name.clone(),
        password: Secret::new(u.password.clone()),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A user with one copy of the case message in every odd folder.
fn user_with_odd_folders(d: &Dovecot, hint: &str) -> User {
    let u = d.new_user(hint);
    d.deliver(&u, MESSAGE);
    for name in ODD {
        d.append_many(&u, name, &[MESSAGE.to_vec()]);
    }
    u
}

fn server_names(d: &Dovecot, u: &User) -> Vec<String> {
    d.doveadm(&["mailbox", "list", "-u", &u.name])
        .lines()
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn list_select_status_append_and_idle_with_odd_names() {
    let d = dovecot();
    let u = user_with_odd_folders(d, "odd-names");
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    rt().block_on(async {
        let (mut s, caps) = conn::connect(&server(), &creds(&u)).await.expect("login");
        let list = folders::list(&mut s, &u.name, &FolderRoles::default())
            .await
            .expect("LIST");
        for name in ODD {
            // LIST: unescaped, shown decoded.
            let f = list
                .iter()
                .find(|f| f.display_path() == *name)
                .unwrap_or_else(|| panic!("{name:?} not listed: {list:?}"));
            assert!(f.selectable, "{name}");
            assert_eq!(f.path, mutf7::encode(name));
            // STATUS
            let counts = folders::status(&mut s, &f.path).await;
            assert_eq!(counts.ok(), Some((1, 1)), "STATUS {name:?}");
            // SELECT (the sync) and FETCH
            let r = sync::sync_folder(&mut s, &caps, &store, &u.name, &f.path, &mut |_, _| {})
                .await
                .unwrap_or_else(|e| panic!("SELECT {name:?}: {e}"));
            assert_eq!(r.total, 1, "{name}");
            let envs = store.envelopes(&u.name, &f.path).expect("envelopes");
            assert_eq!(envs[0].subject, SUBJECT);
            // APPEND
            folders::append(&mut s, &f.path, Some("(\\Seen)"), MESSAGE)
                .await
                .unwrap_or_else(|e| panic!("APPEND {name:?}: {e}"));
            assert_eq!(d.message_count(&u, name), 2, "{name}");
        }
        // The parent of `Projects/"Q3" plans` exists only as a \Noselect level.
        let parent = list.iter().find(|f| f.path == "Projects").expect("parent");
        assert!(!parent.selectable);
        assert_eq!(
            list.iter()
                .find(|f| f.display_path() == ODD[0])
                .map(|f| f.display_leaf()),
            Some(r#""Q3" plans"#.to_string())
        );
        let _ = s.logout().await;

        // EXAMINE and IDLE on an odd name: a delivery there wakes the watcher.
        let source = CredentialSource::new(
            ServerSettings {
                username: Some(u.name.clone()),
                password_command: Some(format!("printf %s '{}'", u.password)),
                ..server()
            },
            false,
        );
        let (wake_tx, mut wake_rx) = tokio::sync::mpsc::unbounded_channel();
        let (events, _events_rx) = tokio::sync::mpsc::unbounded_channel();
        let path = mutf7::encode(ODD[0]);
        let (_keep, folder) = tokio::sync::watch::channel(path.clone());
        tokio::spawn(
            idle::Idle {
                account: u.name.clone(),
                server: server(),
                creds: source,
                folder,
                wake: wake_tx,
                events,
                check: idle::IDLE_CHECK,
            }
            .run(),
        );
        // Give the watcher time to EXAMINE and enter IDLE, then deliver.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        while wake_rx.try_recv().is_ok() {}
        let (d2, u2) = (d, u.clone());
        tokio::task::spawn_blocking(move || d2.append_many(&u2, ODD[0], &[MESSAGE.to_vec()]))
            .await
            .expect("append");
        let woke = tokio::time::timeout(Duration::from_secs(20), wake_rx.recv()).await;
        assert_eq!(woke.ok().flatten(), Some(path));
    });
}

#[test]
fn folder_commands_send_odd_names_intact() {
    let d = dovecot();
    let u = d.new_user("odd-commands");
    for i in 0..2 {
        d.deliver(&u, &support::corpus::message(i));
    }
    let mut h = Harness::start(account(&u, d.imaps_port(), d.ca_file()));
    for (i, name) in ODD.iter().enumerate() {
        // CREATE
        h.keys(&format!(":mkdir {name}<Enter>"));
        h.wait_replayed();
        assert!(
            server_names(d, &u).iter().any(|n| n == name),
            "CREATE {name:?}: {:?}",
            server_names(d, &u)
        );
        // COPY and MOVE targets
        h.keys(":folder INBOX<Enter>");
        h.select("#0 plain");
        h.keys(&format!(":copy {name}<Enter>"));
        h.wait_replayed();
        assert_eq!(d.message_count(&u, name), 1, "COPY to {name:?}");
        if i == 0 {
            h.select("#1 html");
            h.keys(&format!(":move {name}<Enter>"));
            h.wait_replayed();
            assert_eq!(d.message_count(&u, name), 2, "MOVE to {name:?}");
            assert_eq!(d.message_count(&u, "INBOX"), 1);
        }
        // RENAME (from and to odd names) and DELETE
        let renamed = format!("{name} (2)");
        h.keys(&format!(":folder {name}<Enter>"));
        h.keys(&format!(":rename {renamed}<Enter>"));
        h.wait_replayed();
        let names = server_names(d, &u);
        assert!(
            names.contains(&renamed) && !names.iter().any(|n| n == name),
            "RENAME {name:?}: {names:?}"
        );
        h.keys(":rmdir<Enter>y");
        h.wait_replayed();
        assert!(
            !server_names(d, &u).contains(&renamed),
            "DELETE {renamed:?}"
        );
        assert!(h.app.status.error.is_none(), "{name:?}: {:?}", h.app.status);
    }
}

fn tmail(home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tmail"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .expect("run tmail")
}

/// A folder the server lists but cannot open (its maildir unreadable to the mail user).
fn break_folder(d: &Dovecot, u: &User, name: &str) {
    d.append_many(u, name, &[MESSAGE.to_vec()]);
    let path = d.doveadm(&["mailbox", "path", "-u", &u.name, name]);
    let path = Path::new(path.trim());
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
}

#[test]
fn tmail_sync_and_list_handle_every_folder_and_report_the_broken_one() {
    let d = dovecot();
    let u = user_with_odd_folders(d, "odd-cli");
    // Sorted between the others, so folders after it must still be synced.
    break_folder(d, &u, "Broken");
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(home.path().join("config/tmail")).expect("config dir");
    std::fs::write(
        home.path().join("config/tmail/config.toml"),
        support::harness::config_toml(&u, &u.password, d.imaps_port(), d.ca_file()),
    )
    .expect("config");

    let out = tmail(home.path(), &["sync"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let broken: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("tmail sync: work/Broken: the server refused:"))
        .collect();
    assert_eq!(broken.len(), 1, "{stderr}");
    for name in ODD {
        assert!(
            stderr.contains(&format!("work/{name}: 1 messages")),
            "{name} not synced:\n{stderr}"
        );
    }
    assert!(stdout.contains("1 failed: Broken"), "{stdout}");

    for name in ODD {
        let out = tmail(home.path(), &["list", "--folder", name, "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        assert_eq!(lines.len(), 1, "{name}");
        assert_eq!(lines[0]["folder"], *name);
        assert_eq!(lines[0]["subject"], SUBJECT);
    }
    // The server's name is accepted as well.
    let out = tmail(home.path(), &["list", "--folder", "H&AOQA5A-t"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

#[test]
fn the_background_sync_goes_on_past_a_broken_folder() {
    let d = dovecot();
    let u = user_with_odd_folders(d, "odd-tui");
    break_folder(d, &u, "Broken");
    let mut h = Harness::start(account(&u, d.imaps_port(), d.ca_file()));
    let store = h.store.clone();
    let name = u.name.clone();
    h.wait("every odd folder synced", move |_| {
        ODD.iter().all(|f| {
            store
                .envelopes(&name, &mutf7::encode(f))
                .is_ok_and(|e| e.len() == 1)
        })
    });
    h.wait("the broken folder reported", |a| {
        a.status
            .error
            .as_deref()
            .is_some_and(|e| e.contains("cannot sync Broken: the server refused:"))
    });
}

#[test]
fn example_messages_decode_in_tmail_list() {
    let d = dovecot();
    let u = d.new_user("cases-list");
    for case in ["split-encoded-word", "odd-date", "blank-plain-part"] {
        let raw = std::fs::read(format!("tests/data/cases/{case}.eml")).expect("case file");
        d.append_many(&u, "INBOX", &[raw]);
    }
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(home.path().join("config/tmail")).expect("config dir");
    std::fs::write(
        home.path().join("config/tmail/config.toml"),
        support::harness::config_toml(&u, &u.password, d.imaps_port(), d.ca_file()),
    )
    .expect("config");
    let out = tmail(home.path(), &["sync"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tmail(home.path(), &["list", "--json"]);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let by_id = |id: &str| {
        lines
            .iter()
            .find(|l| l["message_id"] == id)
            .unwrap_or_else(|| panic!("{id} not listed: {lines:?}"))
    };
    let split = by_id("case01.split@example.test");
    assert_eq!(
        split["subject"],
        "Inscriptions ouvertes pour l\u{2019}atelier d\u{2019}\u{e9}t\u{e9}"
    );
    assert_eq!(
        split["from"],
        "Zo\u{eb} W\u{e4}ldchen-\u{d8}ster <zoe@example.test>"
    );
    // The broken Date, in the zone of its Received header, not the arrival time.
    assert_eq!(
        by_id("case05.date@example.test")["date"],
        "2021-02-05T14:05:02+00:00"
    );
    // Newest first: the 2021 message is last, not pinned to the top.
    assert_eq!(
        lines.last().map(|l| l["message_id"].clone()),
        Some("case05.date@example.test".into())
    );
}
