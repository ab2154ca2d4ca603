//! The command line: --version, --help, --print-keybindings, --check-config and the friendly
//! message when there is no config, run as a user would run them.

use std::process::{Command, Output};

fn tmail(args: &[&str], config_home: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tmail"))
        .args(args)
        .env_remove("TMAIL_CONFIG")
        .env_remove("TMAIL_DATA_DIR")
        .env("XDG_CONFIG_HOME", config_home)
        .env("XDG_DATA_HOME", config_home.join("data"))
        .output()
        .expect("run tmail")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn version_and_help() {
    let d = tempfile::tempdir().unwrap();
    let (out, _) = text(&tmail(&["--version"], d.path()));
    assert!(out.starts_with("tmail "), "{out}");
    let (out, _) = text(&tmail(&["--help"], d.path()));
    for flag in [
        "--demo",
        "--config",
        "--data-dir",
        "--check-config",
        "--print-keybindings",
    ] {
        assert!(out.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn print_keybindings_is_a_valid_user_file() {
    let d = tempfile::tempdir().unwrap();
    let o = tmail(&["--print-keybindings"], d.path());
    assert!(o.status.success());
    let (out, _) = text(&o);
    assert!(out.contains("\"gg\" = \"first\""));
    std::fs::create_dir_all(d.path().join("tmail")).unwrap();
    std::fs::write(d.path().join("tmail/keybindings.toml"), &o.stdout).unwrap();
    let o = tmail(&["--check-config", "--demo"], d.path());
    assert!(o.status.success(), "{:?}", text(&o));
}

#[test]
fn no_config_points_to_the_demo() {
    let d = tempfile::tempdir().unwrap();
    let o = tmail(&[], d.path());
    assert!(!o.status.success());
    let (_, err) = text(&o);
    assert!(
        err.contains("tmail --demo") && err.contains("[[accounts]]"),
        "{err}"
    );
    assert!(
        !d.path().join("data/store").exists(),
        "nothing written without a config"
    );
}

#[test]
fn check_config_names_file_line_and_key() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("bad.toml");
    std::fs::write(
        &cfg,
        "[ui]\ntheme = \"default\"\n\n[[accounts]]\nname = \"work\"\nemail = \"a@example.test\"\n[accounts.imap]\nhost = \"mail.example.test\"\nport = \"993\"\nsecurity = \"tls\"\n",
    )
    .unwrap();
    let o = tmail(
        &["--check-config", "--config", cfg.to_str().unwrap()],
        d.path(),
    );
    assert!(!o.status.success());
    let (_, err) = text(&o);
    assert!(err.contains(&format!("{}:9:", cfg.display())), "{err}");
    assert!(err.contains("accounts[0].imap.port"), "{err}");
    // and tmail itself refuses to start, touching nothing
    let o = tmail(&["--config", cfg.to_str().unwrap()], d.path());
    assert!(!o.status.success());
    assert!(!d.path().join("data/store").exists());
}

#[test]
fn check_config_accepts_a_good_file_and_reports_a_bad_theme() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("good.toml");
    std::fs::write(&cfg, "[ui]\ntheme = \"ansi16\"\nlayout = \"rows\"\n\n[[accounts]]\nname = \"w\"\nemail = \"a@example.test\"\n[accounts.imap]\nhost = \"127.0.0.1\"\nsecurity = \"plain\"\n").unwrap();
    let o = tmail(
        &["--check-config", "--config", cfg.to_str().unwrap()],
        d.path(),
    );
    assert!(o.status.success(), "{:?}", text(&o));
    std::fs::write(&cfg, "[ui]\ntheme = \"mine\"\n").unwrap();
    std::fs::create_dir_all(d.path().join("tmail/themes")).unwrap();
    std::fs::write(
        d.path().join("tmail/themes/mine.toml"),
        "extends = \"default\"\n[styles]\n\"list.unred\" = { bold = true }\n",
    )
    .unwrap();
    let o = tmail(
        &["--check-config", "--config", cfg.to_str().unwrap()],
        d.path(),
    );
    assert!(!o.status.success());
    let (_, err) = text(&o);
    assert!(
        err.contains("mine.toml:3") && err.contains("list.unred"),
        "{err}"
    );
}

#[test]
fn environment_overrides_reach_the_config_and_tmails_own_variables_do_not() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("env.toml");
    std::fs::write(&cfg, "[[accounts]]\nname = \"w\"\nemail = \"a@example.test\"\n[accounts.imap]\nhost = \"127.0.0.1\"\nsecurity = \"plain\"\n").unwrap();
    let check = |vars: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tmail"));
        c.args(["--check-config", "--config", cfg.to_str().unwrap()])
            .env_remove("TMAIL_DATA_DIR")
            .env("XDG_CONFIG_HOME", d.path())
            .env("XDG_DATA_HOME", d.path().join("data"));
        for (k, v) in vars {
            c.env(k, v);
        }
        c.output().expect("run tmail")
    };
    // tmail's own variables (and those a new_mail_command is given) are not keys
    let o = check(&[
        ("TMAIL_LOG", "debug"),
        ("TMAIL_ACCOUNT", "w"),
        ("TMAIL_FOLDER", "INBOX"),
        ("TMAIL_FROM", "Bob <bob@example.test>"),
        ("TMAIL_SUBJECT", "Hi"),
        ("TMAIL_COUNT", "2"),
        ("TMAIL_COPY_COMMAND", "wl-copy"),
        ("TMAIL_UI__LAYOUT", "rows"),
        ("TMAIL_ACCOUNTS__0__SEND_DELAY", "20"),
    ]);
    assert!(o.status.success(), "{:?}", text(&o));
    // a top-level key is read: a bad value is reported against its key
    let o = check(&[("TMAIL_COPY_COMMAND", "wl-copy \"unclosed")]);
    assert!(!o.status.success(), "{:?}", text(&o));
    assert!(text(&o).1.contains("copy_command"), "{:?}", text(&o));
    let o = check(&[("TMAIL_UI__LAYOUT", "diagonal")]);
    assert!(!o.status.success(), "{:?}", text(&o));
    let o = check(&[("TMAIL_ACCOUNTS__1__SEND_DELAY", "20")]);
    assert!(!o.status.success());
    let (_, err) = text(&o);
    assert!(
        err.contains("TMAIL_ACCOUNTS__1__SEND_DELAY") && err.contains("no account 1"),
        "{err}"
    );
}

/// A config with one IMAP account named `w` (nothing is contacted by the commands tested).
fn write_config(home: &std::path::Path) {
    std::fs::create_dir_all(home.join("tmail")).unwrap();
    std::fs::write(
        home.join("tmail/config.toml"),
        "[[accounts]]\nname = \"w\"\nemail = \"a@example.test\"\n[accounts.imap]\nhost = \"127.0.0.1\"\nsecurity = \"plain\"\n",
    )
    .unwrap();
}

fn folder(path: &str, selectable: bool) -> tmail::mail::Folder {
    tmail::mail::Folder {
        account: "w".into(),
        path: path.into(),
        delimiter: Some('/'),
        role: None,
        selectable,
        unread: 0,
        total: 0,
    }
}

#[test]
fn check_config_says_missing_files_are_not_present_and_passes() {
    let d = tempfile::tempdir().unwrap();
    write_config(d.path());
    let o = tmail(&["--check-config"], d.path());
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    let keys = d.path().join("tmail/keybindings.toml");
    let theme = d.path().join("tmail/themes/default.toml");
    assert!(
        out.contains(&format!(
            "keybindings: {}: not present (defaults used)",
            keys.display()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "theme: {}: not present (defaults used",
            theme.display()
        )),
        "{out}"
    );
    assert!(
        !out.contains("keybindings: OK") && !out.contains("theme: OK"),
        "{out}"
    );
    // present files are OK
    std::fs::write(&keys, "[list]\n\"x\" = \"delete\"\n").unwrap();
    std::fs::create_dir_all(theme.parent().unwrap()).unwrap();
    std::fs::write(&theme, "[styles]\n\"list\" = { bold = true }\n").unwrap();
    let o = tmail(&["--check-config"], d.path());
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(
        out.contains(&format!("keybindings: {}: OK", keys.display())),
        "{out}"
    );
    assert!(
        out.contains(&format!("theme: {}: OK", theme.display())),
        "{out}"
    );
}

#[test]
fn a_theme_set_in_the_config_that_does_not_exist_is_an_error_naming_it() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("c.toml");
    std::fs::write(&cfg, "[ui]\nlayout = \"rows\"\ntheme = \"mine\"\n").unwrap();
    let o = tmail(
        &[
            "--check-config",
            "--demo",
            "--config",
            cfg.to_str().unwrap(),
        ],
        d.path(),
    );
    assert!(!o.status.success());
    let (_, err) = text(&o);
    assert!(
        err.contains(&format!(
            "{}:3: key `ui.theme`: no theme \"mine\": built-in themes are default, light, ansi16",
            cfg.display()
        )),
        "{err}"
    );
    assert!(!err.contains(":0:"), "{err}");
}

#[test]
fn check_config_warns_about_shadowed_key_sequences_and_passes() {
    let d = tempfile::tempdir().unwrap();
    write_config(d.path());
    let keys = d.path().join("tmail/keybindings.toml");
    std::fs::write(&keys, "[global]\n\"x\" = \"next\"\n\"g\" = \"delete\"\n").unwrap();
    let o = tmail(&["--check-config"], d.path());
    let (out, err) = text(&o);
    assert!(
        o.status.success(),
        "warnings do not fail the check: {out}{err}"
    );
    assert!(
        err.contains(&format!(
            "{}:3: \"g\" (delete) hides gg (first), g/ (server-search), ",
            keys.display()
        )),
        "{err}"
    );
    assert!(out.contains("1 warning"), "{out}");
}

#[test]
fn list_and_export_without_a_store_say_so_and_create_nothing() {
    let d = tempfile::tempdir().unwrap();
    write_config(d.path());
    let mbox = d.path().join("out.mbox");
    for (args, what) in [
        (&["list"][..], "tmail list"),
        (&["list", "--json", "--folder", "Archive"][..], "tmail list"),
        (
            &["export", "--account", "w", "--mbox", mbox.to_str().unwrap()][..],
            "tmail export",
        ),
    ] {
        let o = tmail(args, d.path());
        let (out, err) = text(&o);
        assert!(!o.status.success(), "{args:?}: {out}{err}");
        assert_eq!(out, "", "{args:?}");
        assert!(
            err.contains(&format!("{what}: no mail synced yet: run `tmail sync`")),
            "{args:?}: {err}"
        );
        assert!(
            !d.path().join("data").exists(),
            "{args:?} created {}",
            d.path().join("data").display()
        );
        assert!(!mbox.exists());
    }
}

#[test]
fn list_and_export_name_the_folders_there_are() {
    let d = tempfile::tempdir().unwrap();
    write_config(d.path());
    let store_dir = d.path().join("data/tmail/store");
    {
        let store = tmail::store::Store::open(&store_dir).unwrap();
        for (path, selectable) in [
            ("Archive", true),
            ("INBOX", true),
            ("Projects", false),
            ("Projects/tmail", true),
        ] {
            store.put_folder(&folder(path, selectable)).unwrap();
        }
        let env = tmail::mail::Envelope {
            uid: 7,
            subject: "kept".into(),
            ..Default::default()
        };
        store.put_envelopes("w", "INBOX", &[env]).unwrap();
        store.flush().unwrap();
    }
    let o = tmail(&["list", "--folder", "Nope"], d.path());
    let (out, err) = text(&o);
    assert!(!o.status.success());
    assert_eq!(out, "");
    assert!(
        err.contains("tmail list: no folder \"Nope\" (folders: INBOX, Archive, Projects/tmail)"),
        "{err}"
    );
    let o = tmail(&["list", "--folder", "Projects"], d.path());
    assert!(!o.status.success());
    assert!(
        text(&o).1.contains("\"Projects\" holds only folders"),
        "{:?}",
        text(&o)
    );
    // the folder is found, in any case for INBOX
    let o = tmail(&["list", "--folder", "inbox"], d.path());
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(out.starts_with("7\t") && out.contains("kept"), "{out}");
    let o = tmail(
        &[
            "export",
            "--account",
            "w",
            "--folder",
            "Nope",
            "--mbox",
            "/dev/null",
        ],
        d.path(),
    );
    assert!(!o.status.success());
    assert!(
        text(&o)
            .1
            .contains("no folder \"Nope\" in account w (folders: INBOX, Archive, Projects/tmail)"),
        "{:?}",
        text(&o)
    );
}

#[test]
fn list_names_an_account_with_nothing_synced() {
    let d = tempfile::tempdir().unwrap();
    write_config(d.path());
    // the store exists (another account synced), but holds nothing of w
    let store_dir = d.path().join("data/tmail/store");
    {
        let store = tmail::store::Store::open(&store_dir).unwrap();
        let mut f = folder("INBOX", true);
        f.account = "other".into();
        store.put_folder(&f).unwrap();
        store.flush().unwrap();
    }
    let o = tmail(&["list", "--account", "w"], d.path());
    assert!(!o.status.success());
    assert!(
        text(&o)
            .1
            .contains("no mail synced yet for account w: run `tmail sync --account w`"),
        "{:?}",
        text(&o)
    );
}

#[test]
fn completions_cover_the_subcommands() {
    let d = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let o = tmail(&["completions", shell], d.path());
        let (out, err) = text(&o);
        assert!(o.status.success(), "{shell}: {err}");
        for word in [
            "sync",
            "list",
            "export",
            "completions",
            "man",
            "check-config",
            "folder",
        ] {
            assert!(out.contains(word), "{shell} completions lack {word}");
        }
    }
    // and bash completes with it: `tmail l<Tab>`, `tmail list --f<Tab>`
    let script = d.path().join("tmail.bash");
    std::fs::write(&script, tmail(&["completions", "bash"], d.path()).stdout).unwrap();
    let o = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}'; COMP_WORDS=(tmail l); COMP_CWORD=1; _tmail tmail l tmail; echo \"${{COMPREPLY[*]}}\"; \
             COMP_WORDS=(tmail list --f); COMP_CWORD=2; _tmail tmail --f list; echo \"${{COMPREPLY[*]}}\"",
            script.display()
        ))
        .output()
        .expect("run bash");
    assert_eq!(text(&o).0, "list\n--folder\n", "{:?}", text(&o));
    let o = tmail(&["completions", "tcsh"], d.path());
    assert!(!o.status.success());
}

fn man_available() -> bool {
    Command::new("man")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn man_page_renders_and_lists_every_command_and_config_key() {
    assert!(
        man_available(),
        "`man` is required for this test (bash .ci/install-deps.sh installs man-db)"
    );
    let d = tempfile::tempdir().unwrap();
    let o = tmail(&["man"], d.path());
    assert!(o.status.success(), "{:?}", text(&o));
    let page = d.path().join("tmail.1");
    std::fs::write(&page, &o.stdout).unwrap();
    let r = Command::new("man")
        .args(["--warnings", "-l"])
        .arg(&page)
        .env("MANWIDTH", "200")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run man");
    let (shown, warnings) = text(&r);
    assert!(r.status.success(), "man -l failed: {warnings}");
    assert_eq!(warnings.trim(), "", "groff warnings in the man page");
    // the rendered page, without overstrike bold or underline
    let shown: String = {
        let mut out = String::new();
        for c in shown.chars() {
            if c == '\u{8}' {
                out.pop();
            } else {
                out.push(c);
            }
        }
        out
    };
    for section in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "SUBCOMMANDS",
        "COMMANDS",
        "KEYBINDINGS",
        "CONFIGURATION",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
    ] {
        assert!(
            shown.contains(&format!("\n{section}\n")),
            "no {section} section"
        );
    }
    for opt in [
        "--demo",
        "--config",
        "--data-dir",
        "--check-config",
        "--print-keybindings",
    ] {
        assert!(shown.contains(opt), "{opt} missing");
    }
    for sub in [
        "tmail sync",
        "tmail list",
        "tmail export",
        "tmail completions",
        "tmail man",
    ] {
        assert!(shown.contains(sub), "{sub} missing");
    }
    let keymap = tmail::input::Keymap::defaults();
    for c in tmail::app::registry::COMMANDS {
        assert!(
            shown.contains(&format!(":{}", c.name)),
            ":{} missing from the man page",
            c.name
        );
        for (_, k) in keymap.keys_for(c.name) {
            assert!(shown.contains(&k), "key {k} of :{} missing", c.name);
        }
    }
    assert!(shown.contains("Keys: gg, <Home>"), "keys of :first");
    for k in tmail::config::keys::KEYS {
        assert!(
            shown.contains(&format!("{} = {}", k.key, k.value)),
            "config key {} missing from the man page",
            k.key
        );
        for t in k.tables {
            assert!(
                shown.contains(&tmail::config::keys::table_header(t)),
                "table {t} missing"
            );
        }
    }
}
