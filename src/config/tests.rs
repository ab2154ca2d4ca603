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

const POP3: &str = "[[accounts]]\nname = \"home\"\nemail = \"me@example.test\"\n[accounts.pop3]\nhost = \"pop.example.test\"\nsecurity = \"tls\"\nusername = \"me\"\n";

#[test]
fn pop3_settings_have_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let s = Settings::load(&write(&dir, POP3)).unwrap();
    let p = s.accounts[0].pop3.as_ref().unwrap();
    assert!(p.leave_on_server());
    assert_eq!(p.delete_after_days, None);
    assert_eq!(p.check_interval(), std::time::Duration::from_secs(300));
    let text =
        format!("{POP3}leave_on_server = true\ndelete_after_days = 14\ncheck_interval = 60\n");
    let s = Settings::load(&write(&dir, &text)).unwrap();
    let p = s.accounts[0].pop3.as_ref().unwrap();
    assert_eq!(p.delete_after_days, Some(14));
    assert_eq!(p.check_interval(), std::time::Duration::from_secs(60));
}

#[test]
fn pop3_settings_are_validated_with_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            format!("{POP3}leave_on_server = false\ndelete_after_days = 3\n"),
            "accounts[0].pop3.delete_after_days",
            9,
            "needs leave_on_server = true",
        ),
        (
            format!("{POP3}delete_after_days = 0\n"),
            "accounts[0].pop3.delete_after_days",
            8,
            "at least 1",
        ),
        (
            format!("{POP3}check_interval = 1\n"),
            "accounts[0].pop3.check_interval",
            8,
            "at least 5",
        ),
        (
            EXAMPLE.replace("port = 993\n", "port = 993\nleave_on_server = false\n"),
            "accounts[0].imap.leave_on_server",
            11,
            "belongs in [accounts.pop3]",
        ),
        (
            POP3.replace(
                "email = \"me@example.test\"\n",
                "email = \"me@example.test\"\nleave_on_server = true\n",
            ),
            "accounts[0].leave_on_server",
            4,
            "belongs in the [accounts.pop3] section",
        ),
    ];
    for (text, want_key, want_line, want_msg) in cases {
        let path = write(&dir, &text);
        match Settings::load(&path).unwrap_err() {
            ConfigError::Invalid {
                file,
                line,
                key,
                message,
            } => {
                assert_eq!(file, path.display().to_string());
                assert_eq!(key, want_key, "{text}");
                assert_eq!(line, want_line, "{text}");
                assert!(message.contains(want_msg), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    // a wrong type is caught by the parser, with the line
    let e = Settings::load(&write(
        &dir,
        &format!("{POP3}delete_after_days = \"two\"\n"),
    ))
    .unwrap_err();
    assert!(
        e.to_string()
            .contains(":8: key `accounts[0].pop3.delete_after_days`"),
        "{e}"
    );
}

#[test]
fn an_error_at_no_line_has_no_line_number() {
    // A value that came from the environment (TMAIL_UI__DATE_FORMAT) is at no line of the file.
    let mut s = Settings::default();
    s.ui.date_format = "%Y %!".into();
    let e = s.validate("/x/config.toml", "").unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("/x/config.toml: key `ui.date_format`: "),
        "{text}"
    );
    let e = ConfigError::Invalid {
        file: "/x/config.toml".into(),
        line: 4,
        key: String::new(),
        message: "bad".into(),
    };
    assert_eq!(e.to_string(), "/x/config.toml:4: bad");
}

#[test]
fn reading_keys_load_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let s = Settings::load(&write(&dir, EXAMPLE)).unwrap();
    assert_eq!(s.attachment_dir, None);
    assert_eq!(s.open_command, None);
    assert_eq!(s.copy_command, None);
    assert!(s.open.is_empty());
    let text = format!(
        "attachment_dir = \"~/Mail attachments\"\nopen_command = \"xdg-open\"\n\
         copy_command = \"wl-copy --type text/plain\"\n{EXAMPLE}\n[open]\n\
         \"application/pdf\" = \"zathura %s\"\n\"image/*\" = \"feh --scale-down %s\"\n"
    );
    let s = Settings::load(&write(&dir, &text)).unwrap();
    assert_eq!(
        s.attachment_dir.as_deref(),
        Some(Path::new("~/Mail attachments"))
    );
    assert_eq!(s.copy_command.as_deref(), Some("wl-copy --type text/plain"));
    assert_eq!(s.open["image/*"], "feh --scale-down %s");
    let rules = crate::external::OpenRules::new(s.open_command.as_deref(), &s.open).unwrap();
    assert_eq!(rules.command_for("image/png").program(), "feh");
    assert_eq!(rules.command_for("text/plain").program(), "xdg-open");
}

#[test]
fn reading_keys_are_validated_with_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let cases = [
        (
            format!("open_command = \"zathura '%s\"\n{EXAMPLE}"),
            "open_command",
            1,
            "unbalanced quotes",
        ),
        (
            format!("\ncopy_command = \"  \"\n{EXAMPLE}"),
            "copy_command",
            2,
            "empty command",
        ),
        (
            format!("attachment_dir = \"{}\"\n{EXAMPLE}", file.display()),
            "attachment_dir",
            1,
            "is not a directory",
        ),
        (
            format!("{EXAMPLE}[open]\n\"application/pdf\" = \"zathura %s\"\n\"pdf\" = \"x\"\n"),
            "open.pdf",
            EXAMPLE.lines().count() + 3,
            "not a MIME type pattern",
        ),
        (
            format!("{EXAMPLE}[open]\n\"image/*\" = \"feh \\\"%s\"\n"),
            "open.image/*",
            EXAMPLE.lines().count() + 2,
            "unbalanced quotes",
        ),
    ];
    for (text, want_key, want_line, want_msg) in cases {
        let path = write(&dir, &text);
        match Settings::load(&path).unwrap_err() {
            ConfigError::Invalid {
                file,
                line,
                key,
                message,
            } => {
                assert_eq!(file, path.display().to_string());
                assert_eq!(key, want_key, "{text}");
                assert_eq!(line, want_line, "{text}");
                assert!(message.contains(want_msg), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
    // a table value of the wrong type is caught by the parser, with the line
    let e = Settings::load(&write(&dir, &format!("{EXAMPLE}[open]\n\"a/b\" = 3\n"))).unwrap_err();
    assert!(
        e.to_string()
            .contains(&format!(":{}: key `open.a/b`", EXAMPLE.lines().count() + 2)),
        "{e}"
    );
}

fn vars(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn environment_overrides_top_level_and_nested_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, EXAMPLE);
    let s = Settings::load_with_env(
        &path,
        vars(&[
            ("TMAIL_COPY_COMMAND", "wl-copy --type text/plain"),
            ("TMAIL_ATTACHMENT_DIR", "/tmp/parts"),
            ("TMAIL_open_command", "firefox"),
            ("TMAIL_UI__THEME", "light"),
            ("TMAIL_UI__DATE_FORMAT", "%d.%m."),
            ("HOME", "/home/x"),
        ]),
    )
    .unwrap();
    assert_eq!(s.copy_command.as_deref(), Some("wl-copy --type text/plain"));
    assert_eq!(
        s.attachment_dir,
        Some(std::path::PathBuf::from("/tmp/parts"))
    );
    assert_eq!(s.open_command.as_deref(), Some("firefox"));
    assert_eq!(s.ui.theme, "light");
    assert_eq!(s.ui.date_format, "%d.%m.");
    // the file's other keys stay
    assert_eq!(s.accounts[0].name, "work");
}

#[test]
fn tmails_own_variables_are_not_config_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, EXAMPLE);
    let mut env: Vec<(String, String)> = crate::config::RESERVED_ENV
        .iter()
        .map(|k| (k.to_string(), "x".to_string()))
        .collect();
    env.extend(vars(&[
        ("TMAIL_SOMETHING_ELSE", "1"),
        ("NOT_TMAIL_COPY_COMMAND", "y"),
    ]));
    let s = Settings::load_with_env(&path, env.clone()).unwrap();
    assert_eq!(s, Settings::load_with_env(&path, Vec::new()).unwrap());
    assert!(env_overrides(env).is_empty());
    // no top-level key can ever be spelled like one of them
    for k in crate::config::keys::KEYS {
        let var = format!("TMAIL_{}", k.key.to_uppercase());
        assert!(
            !crate::config::RESERVED_ENV.contains(&var.as_str()),
            "{var} is tmail's own variable and a key"
        );
    }
    // a mistake in a nested override is still reported
    let e = Settings::load_with_env(&path, vars(&[("TMAIL_UI__THEEM", "light")])).unwrap_err();
    assert!(e.to_string().contains("theem"), "{e}");
}

#[test]
fn environment_overrides_keys_of_an_account() {
    let dir = tempfile::tempdir().unwrap();
    let two = format!("{EXAMPLE}\n{POP3}");
    let path = write(&dir, &two);
    let s = Settings::load_with_env(
        &path,
        vars(&[
            ("TMAIL_ACCOUNTS__0__SEND_DELAY", "30"),
            ("TMAIL_ACCOUNTS__0__IMAP__PORT", "1993"),
            ("TMAIL_ACCOUNTS__0__IMAP__USERNAME", "0123"),
            ("TMAIL_ACCOUNTS__1__POP3__LEAVE_ON_SERVER", "false"),
            ("TMAIL_UI__THREADING", "false"),
            ("TMAIL_COPY_COMMAND", "true"),
        ]),
    )
    .unwrap();
    assert_eq!(s.accounts[0].send_delay(), 30);
    let imap = s.accounts[0].imap.as_ref().unwrap();
    assert_eq!(imap.port, Some(1993));
    assert_eq!(imap.username.as_deref(), Some("0123"), "text stays text");
    assert_eq!(
        imap.host, "mail.example.test",
        "the rest of the table stays"
    );
    assert!(!s.accounts[1].pop3.as_ref().unwrap().leave_on_server());
    assert_eq!(s.accounts[1].name, "home");
    assert!(!s.ui.threading);
    assert_eq!(s.copy_command.as_deref(), Some("true"));
    // an account that is not there, or no number: said, naming the variable
    for (var, want) in [
        ("TMAIL_ACCOUNTS__2__SEND_DELAY", "no account 2"),
        ("TMAIL_ACCOUNTS__SEND_DELAY", "account's number"),
        ("TMAIL_UI____THEME", "two underscores"),
    ] {
        let e = Settings::load_with_env(&path, vars(&[(var, "1")])).unwrap_err();
        let text = e.to_string();
        assert!(text.contains(var) && text.contains(want), "{text}");
    }
    // validation still applies to what came from the environment
    let e =
        Settings::load_with_env(&path, vars(&[("TMAIL_ACCOUNTS__0__EMAIL", "nope")])).unwrap_err();
    assert!(e.to_string().contains("accounts[0].email"), "{e}");
}
