//! The real binary with a POP3 account: `tmail sync` (progress on stderr, summary on stdout,
//! non-zero with the reason), `tmail list --json`, `tmail export` to mbox and maildir byte for
//! byte, and a store that cannot be opened is named and left alone.

mod support;

use std::path::Path;
use std::process::Command;

use support::dovecot::{dovecot, Dovecot, User};

fn config(d: &Dovecot, u: &User, password: &str) -> String {
    format!(
        "[[accounts]]\nname = \"home\"\nemail = \"{n}@example.test\"\n[accounts.pop3]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"starttls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{password}'\"\nca_file = \"{ca}\"\n",
        n = u.name,
        port = d.pop3_port(),
        ca = d.ca_file().display()
    )
}

fn home_with(cfg: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("config/tmail")).unwrap();
    std::fs::write(home.path().join("config/tmail/config.toml"), cfg).unwrap();
    home
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

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn sync_list_and_export_a_pop3_account() {
    let d = dovecot();
    let u = d.new_user("pop3-cli");
    let msgs: Vec<Vec<u8>> = vec![
        b"From: A <a@example.test>\r\nSubject: one\r\nDate: Thu, 1 Jan 2026 10:00:00 +0000\r\nMessage-ID: <one@example.test>\r\n\r\nFrom the start of a line\r\n>From quoted already\r\n".to_vec(),
        b"From: B <b@example.test>\r\nSubject: two\r\nDate: Thu, 1 Jan 2026 11:00:00 +0000\r\nMessage-ID: <two@example.test>\r\n\r\n.\r\n..two dots\r\n".to_vec(),
        b"From: C <c@example.test>\r\nSubject: three\r\nDate: Thu, 1 Jan 2026 12:00:00 +0000\r\nMessage-ID: <three@example.test>\r\n\r\nGr\xfc\xdfe\r\n".to_vec(),
    ];
    d.append_many(&u, "INBOX", &msgs);
    let home = home_with(&config(d, &u, &u.password));

    let out = tmail(home.path(), &["sync"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.starts_with(
            "home: 4 folders, 3 messages stored (3 new, 3 downloaded, 0 deleted from the server)"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("home: INBOX: 3/3 messages downloaded"),
        "{stderr}"
    );
    let out = tmail(home.path(), &["sync"]);
    assert!(
        text(&out.stdout).contains("(0 new, 0 downloaded"),
        "{}",
        text(&out.stdout)
    );

    let out = tmail(home.path(), &["list", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let subjects: Vec<&str> = lines
        .iter()
        .map(|l| l["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["three", "two", "one"]);
    assert_eq!(lines[0]["from"], "C <c@example.test>");
    assert_eq!(lines[0]["size"], msgs[2].len());

    // mbox (mboxrd) of one folder
    let mbox = home.path().join("inbox.mbox");
    let out = tmail(
        home.path(),
        &[
            "export",
            "--account",
            "home",
            "--folder",
            "INBOX",
            "--mbox",
            mbox.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("exported 3 messages from 1 folder"),
        "{}",
        text(&out.stdout)
    );
    let got = std::fs::read(&mbox).unwrap();
    let mut want = Vec::new();
    want.extend_from_slice(b"From a@example.test Thu Jan  1 10:00:00 2026\n");
    want.extend_from_slice(b"From: A <a@example.test>\r\nSubject: one\r\nDate: Thu, 1 Jan 2026 10:00:00 +0000\r\nMessage-ID: <one@example.test>\r\n\r\n>From the start of a line\r\n>>From quoted already\r\n\n");
    want.extend_from_slice(b"From b@example.test Thu Jan  1 11:00:00 2026\n");
    want.extend_from_slice(&msgs[1]);
    want.extend_from_slice(b"\n");
    want.extend_from_slice(b"From c@example.test Thu Jan  1 12:00:00 2026\n");
    want.extend_from_slice(&msgs[2]);
    want.extend_from_slice(b"\n");
    assert!(got == want, "{}", text(&got));

    // maildir of every folder (Maildir++): the messages byte for byte
    let md = home.path().join("Mail");
    let out = tmail(
        home.path(),
        &[
            "export",
            "--account",
            "home",
            "--maildir",
            md.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut files: Vec<Vec<u8>> = std::fs::read_dir(md.join("cur"))
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    files.sort();
    let mut want = msgs.clone();
    want.sort();
    assert_eq!(files, want);
    for f in ["Sent", "Drafts", "Trash"] {
        assert!(md.join(format!(".{f}")).join("cur").is_dir(), "{f}");
    }
    let out = tmail(
        home.path(),
        &[
            "export",
            "--account",
            "home",
            "--folder",
            "Nope",
            "--mbox",
            "/dev/null",
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no folder \"Nope\""),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn sync_fails_with_the_servers_reason_and_keeps_the_secret() {
    let d = dovecot();
    let u = d.new_user("pop3-cli-bad");
    let home = home_with(&config(d, &u, "not-the-password"));
    let out = tmail(home.path(), &["sync"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "tmail sync: home: 127.0.0.1 refused the login for {}: [AUTH] Authentication failed.",
            u.name
        )),
        "{err}"
    );
    assert!(!err.contains("not-the-password"));
    let log = std::fs::read_to_string(home.path().join("data/tmail/tmail.log")).unwrap_or_default();
    assert!(
        !log.contains("not-the-password"),
        "the password is in the log"
    );
}

#[test]
fn a_store_that_cannot_be_opened_is_named_and_left_alone() {
    let d = dovecot();
    let u = d.new_user("pop3-cli-store");
    let home = home_with(&config(d, &u, &u.password));
    let store = home.path().join("data/tmail/store");
    {
        let db = sled::open(&store).unwrap();
        db.insert(b"schema_version", b"??".to_vec()).unwrap();
        db.insert(b"precious", b"the only copy".to_vec()).unwrap();
        db.flush().unwrap();
    }
    for args in [
        &["sync"][..],
        &["list"][..],
        &["export", "--account", "home", "--mbox", "/dev/null"][..],
    ] {
        let out = tmail(home.path(), args);
        assert!(!out.status.success(), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("cannot open the store at {}", store.display())),
            "{err}"
        );
        assert!(err.contains("changed nothing"), "{err}");
    }
    let db = sled::open(&store).unwrap();
    assert_eq!(db.get(b"schema_version").unwrap().unwrap().as_ref(), b"??");
    assert_eq!(
        db.get(b"precious").unwrap().unwrap().as_ref(),
        b"the only copy"
    );
}
