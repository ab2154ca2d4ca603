use super::*;

fn write(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let p = dir.path().join("config.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn example_config_loads() {
    let dir = tempfile::tempdir().unwrap();
    let s = Settings::load(&write(&dir, EXAMPLE)).unwrap();
    assert_eq!(s.accounts.len(), 1);
    let imap = s.accounts[0].imap.as_ref().unwrap();
    assert_eq!(imap.security, Security::Tls);
    assert_eq!(imap.port_or(993, 143, 143), 993);
    assert_eq!(s.ui.layout, Layout::Columns);
}

#[test]
fn type_error_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = EXAMPLE.replace("port = 993", "port = \"nine\"");
    let path = write(&dir, &text);
    let e = Settings::load(&path).unwrap_err();
    match &e {
        ConfigError::Invalid {
            file, line, key, ..
        } => {
            assert_eq!(file, &path.display().to_string());
            assert_eq!(*line, 10);
            assert_eq!(key, "accounts[0].imap.port");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_key_and_bad_enum_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let e = Settings::load(&write(
        &dir,
        &EXAMPLE.replace("host = \"mail", "hots = \"mail"),
    ))
    .unwrap_err();
    assert!(e.to_string().contains("hots"), "{e}");
    let e = Settings::load(&write(&dir, &EXAMPLE.replace("\"tls\"", "\"tsl\""))).unwrap_err();
    let s = e.to_string();
    assert!(
        s.contains(":11:") && s.contains("accounts[0].imap.security"),
        "{s}"
    );
}

#[test]
fn plaintext_to_remote_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = EXAMPLE.replace("security = \"tls\"", "security = \"plain\"");
    let e = Settings::load(&write(&dir, &text)).unwrap_err();
    match e {
        ConfigError::Invalid { key, line, .. } => {
            assert_eq!(key, "accounts[0].imap.security");
            assert_eq!(line, 11);
        }
        other => panic!("{other:?}"),
    }
    let loopback = text.replacen("mail.example.test", "127.0.0.1", 1);
    assert!(Settings::load(&write(&dir, &loopback)).is_ok());
    let opted = text.replacen(
        "security = \"plain\"",
        "security = \"plain\"\nallow_plaintext = true",
        1,
    );
    assert!(Settings::load(&write(&dir, &opted)).is_ok());
}

#[test]
fn second_account_keys_are_indexed() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{EXAMPLE}\n[[accounts]]\nname = \"home\"\nemail = \"nope\"\n[accounts.pop3]\nhost = \"pop.example.test\"\nsecurity = \"tls\"\n");
    let e = Settings::load(&write(&dir, &text)).unwrap_err();
    match e {
        ConfigError::Invalid { key, line, .. } => {
            assert_eq!(key, "accounts[1].email");
            assert_eq!(
                line,
                text.lines()
                    .position(|l| l.starts_with("email = \"nope\""))
                    .unwrap()
                    + 1
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_file_is_its_own_error() {
    let e = Settings::load(Path::new("/nonexistent/tmail/config.toml")).unwrap_err();
    assert!(matches!(e, ConfigError::Missing(_)));
}

#[test]
fn locate_handles_tables() {
    let text = "[ui]\ntheme = \"x\"\n[[accounts]]\nname = \"a\"\n[accounts.imap]\nhost = \"h\"\n";
    assert_eq!(locate::key_at_line(text, 2), "ui.theme");
    assert_eq!(locate::key_at_line(text, 6), "accounts[0].imap.host");
    assert_eq!(locate::line_of_key(text, "accounts[0].name"), Some(4));
    assert_eq!(locate::line_of_key(text, "accounts[0].imap.port"), Some(5));
}
