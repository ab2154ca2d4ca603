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
