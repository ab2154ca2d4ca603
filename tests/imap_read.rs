//! The IMAP read path against a real Dovecot: login and TLS errors, folders with roles, first and
//! incremental sync (with and without CONDSTORE/QRESYNC), UIDVALIDITY change, bodies, IDLE push.

mod support;

use std::time::Duration;

use support::dovecot::{dovecot, User};
use tmail::backend::imap::conn::{self, Caps, Credentials, ImapError};
use tmail::backend::imap::{folders, sync};
use tmail::backend::secret::Secret;
use tmail::config::{FolderRoles, Security, ServerSettings};
use tmail::mail::Role;
use tmail::store::Store;

fn server(security: Security) -> ServerSettings {
    let d = dovecot();
    ServerSettings {
        host: "127.0.0.1".into(),
        port: Some(if security == Security::Tls {
            d.imaps_port()
        } else {
            d.imap_port()
        }),
        security,
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
        .unwrap()
}

async fn session(u: &User) -> (conn::ImapSession, Caps) {
    conn::connect(&server(Security::Tls), &creds(u))
        .await
        .expect("login")
}

async fn sync_inbox(
    s: &mut conn::ImapSession,
    caps: &Caps,
    store: &Store,
    u: &User,
) -> sync::SyncReport {
    sync::sync_folder(s, caps, store, &u.name, "INBOX", &mut |_, _| {})
        .await
        .expect("sync")
}

#[test]
fn logins_over_tls_starttls_and_loopback_plain() {
    let u = dovecot().new_user("login");
    rt().block_on(async {
        for sec in [Security::Tls, Security::Starttls, Security::Plain] {
            let (mut s, caps) = conn::connect(&server(sec), &creds(&u))
                .await
                .unwrap_or_else(|e| panic!("{sec:?}: {e}"));
            assert!(
                caps.idle && caps.condstore && caps.qresync && caps.move_,
                "{caps:?}"
            );
            s.logout().await.unwrap();
        }
    });
}

#[test]
fn wrong_password_is_a_clear_error() {
    let u = dovecot().new_user("badpass");
    let bad = Credentials::Password {
        user: u.name.clone(),
        password: Secret::new("wrong".into()),
    };
    let e = rt()
        .block_on(conn::connect(&server(Security::Tls), &bad))
        .expect_err("must fail");
    assert!(matches!(e, ImapError::Auth { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains(&u.name) && msg.contains("127.0.0.1") && !msg.contains("wrong"),
        "{msg}"
    );
}

#[test]
fn untrusted_certificate_names_host_and_reason() {
    let u = dovecot().new_user("cert");
    for sec in [Security::Tls, Security::Starttls] {
        let mut s = server(sec);
        s.ca_file = Some(dovecot().untrusted_ca_file().to_path_buf());
        let e = rt()
            .block_on(conn::connect(&s, &creds(&u)))
            .expect_err("must fail");
        let msg = e.to_string();
        assert!(
            msg.contains("127.0.0.1")
                && msg.contains("not trusted")
                && msg.contains("unknown authority"),
            "{msg}"
        );
    }
}

#[test]
fn plaintext_to_a_remote_host_is_refused_before_connecting() {
    let mut s = server(Security::Plain);
    s.host = "mail.example.invalid".into();
    let u = User {
        name: "x".into(),
        password: "y".into(),
        email: "x@y".into(),
    };
    let e = rt()
        .block_on(conn::connect(&s, &creds(&u)))
        .expect_err("must fail");
    assert!(matches!(e, ImapError::Plaintext { .. }), "{e}");
}

#[test]
fn folders_have_hierarchy_and_roles() {
    let d = dovecot();
    let u = d.new_user("folders");
    d.doveadm(&["mailbox", "create", "-u", &u.name, "Projects/tmail/Design"]);
    let list = rt().block_on(async {
        let (mut s, _) = session(&u).await;
        folders::list(&mut s, &u.name, &FolderRoles::default())
            .await
            .unwrap()
    });
    let role = |r| {
        list.iter()
            .find(|f| f.role == Some(r))
            .map(|f| f.path.clone())
    };
    assert_eq!(role(Role::Inbox).as_deref(), Some("INBOX"));
    assert_eq!(role(Role::Sent).as_deref(), Some("Sent"));
    assert_eq!(role(Role::Trash).as_deref(), Some("Trash"));
    assert_eq!(role(Role::Drafts).as_deref(), Some("Drafts"));
    assert_eq!(role(Role::Junk).as_deref(), Some("Junk"));
    assert_eq!(role(Role::Archive).as_deref(), Some("Archive"));
    let design = list
        .iter()
        .find(|f| f.path.ends_with("Design"))
        .expect("nested folder");
    assert_eq!(design.delimiter, Some('/'));
    assert_eq!(design.depth(), 2);
    // an override wins over SPECIAL-USE
    let over = FolderRoles {
        archive: Some("Projects".into()),
        ..Default::default()
    };
    let list = rt().block_on(async {
        let (mut s, _) = session(&u).await;
        folders::list(&mut s, &u.name, &over).await.unwrap()
    });
    assert_eq!(
        list.iter()
            .find(|f| f.role == Some(Role::Archive))
            .unwrap()
            .path,
        "Projects"
    );
}

#[test]
fn first_sync_of_2000_varied_messages() {
    let d = dovecot();
    let u = d.new_user("big");
    d.append_many(&u, "INBOX", &support::corpus::messages(2000));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut batches = Vec::new();
    let mut first_batch_uids: Vec<u32> = Vec::new();
    let report = rt().block_on(async {
        let (mut s, caps) = session(&u).await;
        let mut on_batch = |done: usize, total: usize| {
            if batches.is_empty() {
                first_batch_uids = store.uids(&u.name, "INBOX").unwrap();
            }
            batches.push((done, total));
        };
        sync::sync_folder(&mut s, &caps, &store, &u.name, "INBOX", &mut on_batch)
            .await
            .unwrap()
    });
    assert_eq!(report.new, 2000);
    assert_eq!(report.total, 2000);
    assert!(
        batches.len() >= 2 && batches[0].0 < 2000,
        "streamed in batches: {batches:?}"
    );
    let envs = store.envelopes(&u.name, "INBOX").unwrap();
    assert_eq!(envs.len(), 2000);
    // the first batch written holds the newest (highest) UIDs, so the top of the list fills first
    let all_uids: Vec<u32> = envs.iter().map(|e| e.uid).collect();
    assert_eq!(first_batch_uids.len(), batches[0].0);
    assert_eq!(
        first_batch_uids[..],
        all_uids[all_uids.len() - batches[0].0..]
    );
    let by_subject = |s: &str| {
        envs.iter()
            .find(|e| e.subject == s)
            .unwrap_or_else(|| panic!("no {s}"))
    };
    assert!(by_subject("#3 attachment").has_attachments);
    assert!(!by_subject("#0 plain").has_attachments);
    assert_eq!(
        by_subject("#4 encodé ✓").from[0].email,
        "sender4@example.test"
    );
    assert!(
        envs.iter().any(|e| e.subject == "#7 malformed"),
        "malformed messages still list"
    );
    let reply = by_subject("#15 Re: thread");
    assert_eq!(reply.in_reply_to.as_deref(), Some("msg8@example.test"));
}

#[test]
fn incremental_sync_sees_adds_flags_and_expunges_with_and_without_condstore() {
    for use_condstore in [true, false] {
        let d = dovecot();
        let u = d.new_user(if use_condstore {
            "incr-cs"
        } else {
            "incr-plain"
        });
        d.append_many(&u, "INBOX", &support::corpus::messages(50));
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store
            .put_folder(&tmail::mail::Folder {
                account: u.name.clone(),
                path: "INBOX".into(),
                delimiter: Some('/'),
                role: Some(Role::Inbox),
                selectable: true,
                unread: 0,
                total: 0,
            })
            .unwrap();
        // The counts the sync keeps by delta are those of the cache, counted.
        let counted = |store: &Store| {
            let envs = store.envelopes(&u.name, "INBOX").unwrap();
            let unread = envs
                .iter()
                .filter(|e| tmail::store::counts_unread(e.flags))
                .count() as u32;
            let f = store.folder(&u.name, "INBOX").unwrap().unwrap();
            ((f.unread, f.total), (unread, envs.len() as u32))
        };
        rt().block_on(async {
            let (mut s, mut caps) = session(&u).await;
            if !use_condstore {
                caps.condstore = false;
                caps.qresync = false;
            }
            assert_eq!(sync_inbox(&mut s, &caps, &store, &u).await.new, 50);
            // nothing changed: nothing to do
            let r = sync_inbox(&mut s, &caps, &store, &u).await;
            assert_eq!((r.new, r.changed, r.removed), (0, 0, 0));

            // another client adds, flags and expunges
            d.deliver(&u, &support::corpus::message(5000));
            d.doveadm(&[
                "flags",
                "add",
                "-u",
                &u.name,
                "\\Flagged",
                "mailbox",
                "INBOX",
                "subject",
                "#1 html",
            ]);
            d.doveadm(&[
                "flags",
                "add",
                "-u",
                &u.name,
                "\\Seen",
                "mailbox",
                "INBOX",
                "subject",
                "#2 alternative",
            ]);
            d.doveadm(&[
                "expunge",
                "-u",
                &u.name,
                "mailbox",
                "INBOX",
                "subject",
                "#3 attachment",
            ]);
            let r = sync_inbox(&mut s, &caps, &store, &u).await;
            assert_eq!(
                (r.new, r.changed, r.removed),
                (1, 2, 1),
                "condstore={use_condstore}"
            );
            // what changed is said, for the open list to merge
            assert_eq!((r.flag_changes.len(), r.removed_uids.len()), (2, 1));
            let (kept, real) = counted(&store);
            assert_eq!(kept, real, "counts by delta, condstore={use_condstore}");
            let envs = store.envelopes(&u.name, "INBOX").unwrap();
            assert_eq!(envs.len(), 50);
            assert!(envs.iter().any(|e| e.subject.starts_with("#5000")));
            assert!(!envs.iter().any(|e| e.subject == "#3 attachment"));
            assert!(envs
                .iter()
                .find(|e| e.subject == "#1 html")
                .unwrap()
                .flags
                .flagged());
            assert!(envs
                .iter()
                .find(|e| e.subject == "#2 alternative")
                .unwrap()
                .flags
                .seen());
            let f = store.folder(&u.name, "INBOX").unwrap().unwrap();
            assert_eq!(f.total, 50);
        });
    }
}

#[test]
fn uidvalidity_change_drops_and_refetches_the_cache() {
    let d = dovecot();
    let u = d.new_user("uidvalidity");
    d.append_many(&u, "INBOX", &support::corpus::messages(10));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    rt().block_on(async {
        let (mut s, caps) = session(&u).await;
        sync_inbox(&mut s, &caps, &store, &u).await;
        let before = store.folder_state(&u.name, "INBOX").unwrap().uidvalidity;
        s.logout().await.unwrap();
        d.doveadm(&[
            "mailbox",
            "update",
            "-u",
            &u.name,
            "--uid-validity",
            &(before + 7).to_string(),
            "INBOX",
        ]);
        let (mut s, caps) = session(&u).await;
        let r = sync_inbox(&mut s, &caps, &store, &u).await;
        assert!(r.refetched);
        assert_eq!(r.total, 10);
        assert_eq!(
            store.folder_state(&u.name, "INBOX").unwrap().uidvalidity,
            before + 7
        );
    });
}

#[test]
fn bodies_on_demand_and_malformed_messages_open() {
    let d = dovecot();
    let u = d.new_user("bodies");
    d.append_many(&u, "INBOX", &support::corpus::messages(16));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    rt().block_on(async {
        let (mut s, caps) = session(&u).await;
        sync_inbox(&mut s, &caps, &store, &u).await;
        for e in store.envelopes(&u.name, "INBOX").unwrap() {
            let raw = sync::fetch_body(&mut s, e.uid)
                .await
                .unwrap()
                .expect("body");
            let r = tmail::mail::render::render(&raw, 80);
            assert!(r.lines.len() > 3, "{}: {:?}", e.subject, r.lines);
            if e.subject == "#7 malformed" {
                assert!(
                    r.lines.iter().any(|l| l.text.contains("broken body 7")),
                    "{:?}",
                    r.lines
                );
            }
        }
        // BODY.PEEK leaves \Seen alone
        let n = d.doveadm(&["search", "-u", &u.name, "mailbox", "INBOX", "SEEN"]);
        assert!(n.trim().is_empty(), "{n}");
        assert_eq!(
            sync::fetch_missing_bodies(&mut s, &store, &u.name, "INBOX")
                .await
                .unwrap(),
            16
        );
        assert_eq!(
            sync::fetch_missing_bodies(&mut s, &store, &u.name, "INBOX")
                .await
                .unwrap(),
            0
        );
    });
}

#[test]
fn worker_pushes_new_mail_into_the_app_by_idle() {
    use tmail::app::{Action, App, AppSetup, Event};
    let d = dovecot();
    let u = d.new_user("idle");
    d.deliver(&u, &support::corpus::message(0));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut account: tmail::config::AccountSettings = toml::from_str(&format!(
        "name = \"{n}\"\nemail = \"{n}@example.test\"\n[imap]\nhost = \"127.0.0.1\"\nport = {p}\nsecurity = \"tls\"\nusername = \"{n}\"\npassword_command = \"printf %s '{pw}'\"\nca_file = \"{ca}\"\n",
        n = u.name,
        p = d.imaps_port(),
        pw = u.password,
        ca = d.ca_file().display()
    ))
    .unwrap();
    account.poll_interval = Some(3600);
    let notified_file = dir.path().join("notified.txt");
    account.new_mail_command = Some(format!(
        "printf '%s|%s|%s' \"$TMAIL_FROM\" \"$TMAIL_SUBJECT\" \"$TMAIL_FOLDER\" > {}",
        notified_file.display()
    ));
    rt().block_on(async {
        let (ev_tx, mut ev_rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = tmail::backend::imap::spawn(account, store.clone(), ev_tx).unwrap();
        let (mut app, cmds) = App::new(AppSetup {
            store: store.clone(),
            accounts: vec![u.name.clone()],
            own_addresses: Default::default(),
            compose: Default::default(),
            reading: Default::default(),
            history_file: None,
            default_account: None,
            ui: Default::default(),
            keymap: tmail::input::Keymap::defaults(),
            theme: tmail::ui::theme::Theme::fallback(tmail::ui::theme::ColorSupport::TrueColor),
            theme_dir: None,
            colors: tmail::ui::theme::ColorSupport::TrueColor,
            size: (120, 40),
            first_paint: None,
        });
        for c in cmds {
            let _ = worker.send(c);
        }
        let wait_for = |app: &App, s: &str| app.list.items.iter_views().any(|e| e.subject == s);
        let mut delivered = false;
        let mut notified = false;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let ev = tokio::time::timeout_at(deadline, ev_rx.recv())
                .await
                .expect("timed out waiting for events")
                .unwrap();
            let folders_changed = matches!(ev, Event::FoldersChanged { .. });
            notified |=
                delivered && matches!(&ev, Event::NewMail { subject, .. } if subject == "#1 html");
            for c in app.update(Action::Worker(ev)) {
                let _ = worker.send(c);
            }
            if folders_changed && app.list.folder.is_empty() {
                for c in app.open_folder(&u.name, "INBOX") {
                    let _ = worker.send(c);
                }
            }
            if !delivered && wait_for(&app, "#0 plain") {
                // the initial sync is on screen; now mail arrives while nobody presses a key
                tokio::time::sleep(Duration::from_millis(300)).await;
                d.deliver(&u, &support::corpus::message(1));
                delivered = true;
            }
            if delivered && notified && wait_for(&app, "#1 html") {
                break;
            }
        }
        assert!(
            app.status
                .info
                .as_deref()
                .unwrap_or("")
                .contains("new mail from Sender 1"),
            "{:?}",
            app.status
        );
        let _ = worker.send(tmail::app::Command::Shutdown);
    });
    // new_mail_command ran with the sender and subject in its environment
    let t0 = std::time::Instant::now();
    while !notified_file.exists() && t0.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(50));
    let got = std::fs::read_to_string(&notified_file).expect("new_mail_command ran");
    assert_eq!(got, "Sender 1|#1 html|INBOX");
}

#[test]
fn without_idle_the_worker_polls_for_new_mail() {
    let d = dovecot();
    let u = d.new_user("poll");
    d.deliver(&u, &support::corpus::message(0));
    let mut settings = support::harness::account(&u, d.imaps_port(), d.ca_file());
    settings.poll_interval = Some(5);
    settings.imap.as_mut().unwrap().disable_extensions = vec!["IDLE".into()];
    let mut h = support::harness::Harness::start(settings);
    d.deliver(&u, &support::corpus::message(1));
    h.wait("the poll to bring the new message", |a| {
        a.list.items.iter_views().any(|e| e.subject == "#1 html")
    });
}

#[test]
fn without_password_command_the_app_asks_and_retries_a_wrong_one() {
    let d = dovecot();
    let u = d.new_user("prompt");
    d.deliver(&u, &support::corpus::message(0));
    let mut settings = support::harness::account(&u, d.imaps_port(), d.ca_file());
    settings.imap.as_mut().unwrap().password_command = None;
    // a wrong password first: asked again, then the right one logs in
    let mut h = support::harness::Harness::start_prompted_twice(settings, "wrong", &u.password);
    assert!(h
        .app
        .list
        .items
        .iter_views()
        .any(|e| e.subject == "#0 plain"));
    let log = format!("{:?}", h.app.status);
    assert!(!log.contains(&u.password) && !log.contains("wrong"));
    h.pump_for(Duration::from_millis(10));
}

#[test]
fn idle_reconnects_with_a_fresh_token_and_stops_after_a_refusal() {
    use std::sync::Arc;
    use tmail::backend::credentials::CredentialSource;
    use tmail::backend::imap::idle;

    let d = dovecot();
    let u = d.new_user_with_password("oauth-idle", "token-1");
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "token-1").unwrap();
    let proxy = support::proxy::Proxy::start(d.imaps_port());
    let settings = ServerSettings {
        port: Some(proxy.port()),
        username: Some(u.name.clone()),
        oauth2_token_command: Some(format!("cat {}", token_file.display())),
        ..server(Security::Tls)
    };
    let source: Arc<CredentialSource> = CredentialSource::new(settings.clone(), false);
    let refusals = |d: &support::dovecot::Dovecot| {
        d.log_tail(5000)
            .lines()
            .filter(|l| l.contains("auth failed") && l.contains(&u.name))
            .count()
    };
    rt().block_on(async {
        let (wake_tx, mut wake) = tokio::sync::mpsc::unbounded_channel();
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        let (_keep, folder) = tokio::sync::watch::channel("INBOX".to_string());
        tokio::spawn(
            idle::Idle {
                account: "oauth".into(),
                server: settings.clone(),
                creds: source.clone(),
                folder,
                wake: wake_tx,
                events: events_tx,
                check: idle::IDLE_CHECK,
            }
            .run(),
        );
        // A delivery wakes the watcher (within `secs`), after the pending wake-ups are gone.
        async fn delivered_wakes(
            d: &'static support::dovecot::Dovecot,
            u: &User,
            wake: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
            secs: u64,
        ) -> bool {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            while wake.try_recv().is_ok() {}
            let u = u.clone();
            tokio::task::spawn_blocking(move || d.deliver(&u, &support::corpus::message(0)))
                .await
                .unwrap();
            tokio::time::timeout(Duration::from_secs(secs), wake.recv())
                .await
                .is_ok()
        }
        assert!(delivered_wakes(d, &u, &mut wake, 20).await, "first token");

        // The token expires: the server now takes token-2 and the command prints it. The
        // connection drops; the reconnect must fetch the token again, not reuse token-1.
        d.set_password(&u, "token-2");
        std::fs::write(&token_file, "token-2").unwrap();
        proxy.cut_all();
        assert!(
            delivered_wakes(d, &u, &mut wake, 20).await,
            "after the reconnect with a fresh token"
        );
        assert_eq!(refusals(d), 0);

        // The server refuses every token from now on: one refusal, one report, no retry loop.
        d.set_password(&u, "token-3");
        proxy.cut_all();
        tokio::time::sleep(Duration::from_secs(8)).await;
        assert_eq!(refusals(d), 1, "{}", d.log_tail(40));
        let mut reports = Vec::new();
        while let Ok(ev) = events.try_recv() {
            reports.push(ev);
        }
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert!(
            format!("{reports:?}").contains("not retrying"),
            "{reports:?}"
        );
        assert!(source.refused().is_some());

        // A sync asked for (or a new password) lets it try again, with a fresh token.
        std::fs::write(&token_file, "token-3").unwrap();
        source.retry();
        assert!(
            delivered_wakes(d, &u, &mut wake, 20).await,
            "after the retry"
        );
    });
}

#[test]
fn sync_progress_ends_with_a_final_state() {
    let d = dovecot();
    let u = d.new_user("progress");
    // More than the first batch (200), so progress is shown while the rest streams in.
    d.append_many(&u, "INBOX", &support::corpus::messages(2600));
    let mut h = support::harness::Harness::start(support::harness::account(
        &u,
        d.imaps_port(),
        d.ca_file(),
    ));
    h.wait("every message listed", |a| a.list.rows.len() == 2600);
    h.pump_for(Duration::from_millis(1500));
    let info = h.app.status.info.clone().unwrap_or_default();
    let partial = info
        .split_whitespace()
        .filter_map(|w| w.split_once('/'))
        .any(|(done, total)| done.parse::<u32>().ok() < total.parse::<u32>().ok());
    assert!(!partial, "stale progress after the sync: {info:?}");
    assert!(info.contains("INBOX: 2600/2600 headers"), "{info:?}");
}

#[test]
fn a_body_opened_during_a_first_sync_is_fetched_between_its_batches() {
    use tmail::app::{Command, Event};
    let d = dovecot();
    let u = d.new_user("between");
    let n = 8000;
    d.append_many(&u, "INBOX", &support::corpus::messages(n));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut account = support::harness::account(&u, d.imaps_port(), d.ca_file());
    account.poll_interval = Some(3600);
    rt().block_on(async {
        let (ev_tx, mut ev_rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = tmail::backend::imap::spawn(account, store.clone(), ev_tx).unwrap();
        let name = u.name.clone();
        async fn next(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Event>) -> Event {
            tokio::time::timeout(Duration::from_secs(30), rx.recv())
                .await
                .expect("an event within 30 s")
                .expect("the worker runs")
        }
        // The first batch of the INBOX is stored: the user opens the oldest message, whose
        // envelope the sync has not even fetched yet.
        let mut added = 0;
        loop {
            if let Event::MessagesChanged {
                folder, added: a, ..
            } = next(&mut ev_rx).await
            {
                if folder == "INBOX" && !a.is_empty() {
                    added += a.len();
                    break;
                }
            }
        }
        assert!(added < n, "the first batch is not the whole folder");
        worker
            .send(Command::FetchBody {
                account: name.clone(),
                folder: "INBOX".into(),
                uid: 1,
            })
            .unwrap();
        // The body comes before the sync has stored the rest of the folder.
        loop {
            match next(&mut ev_rx).await {
                Event::BodyReady { uid: 1, .. } => break,
                Event::BodyFailed { error, .. } => panic!("the body failed: {error}"),
                Event::MessagesChanged {
                    folder, added: a, ..
                } if folder == "INBOX" => {
                    added += a.len();
                }
                _ => {}
            }
        }
        assert!(
            added < n,
            "the body waited for the whole sync ({added} of {n} stored first)"
        );
        assert!(store.has_body(&name, "INBOX", 1).unwrap());
        // and the sync goes on to the end, the counts kept by delta on the way
        while added < n {
            if let Event::MessagesChanged {
                folder, added: a, ..
            } = next(&mut ev_rx).await
            {
                if folder == "INBOX" {
                    added += a.len();
                }
            }
        }
        assert_eq!(store.uids(&name, "INBOX").unwrap().len(), n);
        let f = store.folder(&name, "INBOX").unwrap().unwrap();
        assert_eq!(f.total as usize, n);
        let _ = worker.send(Command::Shutdown);
    });
}

/// Collects the UIDs a sync says it stored.
struct Told(Vec<u32>);

impl sync::Progress for Told {
    fn stored(&mut self, uids: &[u32], _done: usize, _total: usize) {
        self.0.extend_from_slice(uids);
    }
}

#[test]
fn a_first_sync_cut_in_its_first_batch_keeps_what_arrived() {
    let d = dovecot();
    let u = d.new_user("cutfirst");
    d.append_many(&u, "INBOX", &support::corpus::messages(300));
    // Every connection is cut after 60 KB: less than the first batch of 200 envelopes (about
    // 90 KB here), more than a login and a few of them.
    let proxy = support::proxy::Proxy::start(d.imaps_port());
    proxy.cut_after_random_bytes(60_000, 60_000, 1);
    let mut settings = server(Security::Tls);
    settings.port = Some(proxy.port());
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    rt().block_on(async {
        let mut stored = Vec::new();
        for attempt in 1..=20 {
            let (mut s, caps) = conn::connect(&settings, &creds(&u))
                .await
                .expect("login within 60 KB");
            let mut told = Told(Vec::new());
            let r = sync::sync_folder(&mut s, &caps, &store, &u.name, "INBOX", &mut told).await;
            let now = store.uids(&u.name, "INBOX").unwrap();
            // what was stored was said, also when the connection broke off
            let mut new: Vec<u32> = now
                .iter()
                .copied()
                .filter(|x| !stored.contains(x))
                .collect();
            new.sort_unstable();
            told.0.sort_unstable();
            assert_eq!(told.0, new, "connection {attempt}: stored and told differ");
            match r {
                Ok(report) => {
                    assert_eq!(report.total, 300);
                    assert_eq!(now.len(), 300);
                    assert!(attempt > 1, "the cut never came: {report:?}");
                    return;
                }
                Err(e) => {
                    assert!(e.is_connection(), "{e}");
                    // each connection gets further: what arrived before the cut is kept
                    assert!(
                        now.len() > stored.len(),
                        "connection {attempt} was cut ({e}) and kept nothing: {} stored",
                        now.len()
                    );
                    stored = now;
                }
            }
        }
        panic!("300 messages not synced through 20 connections of 60 KB");
    });
}

/// Changes a flag of message `uid` from another client (doveadm) between two envelope batches.
struct FlagBetween<'a> {
    d: &'a support::dovecot::Dovecot,
    user: String,
    uid: u32,
    done: bool,
}

impl sync::Progress for FlagBetween<'_> {
    fn stored(&mut self, _uids: &[u32], _done: usize, _total: usize) {}

    fn between<'a>(
        &'a mut self,
        _session: &'a mut tmail::backend::imap::conn::ImapSession,
    ) -> futures::future::BoxFuture<'a, Result<bool, ImapError>> {
        if !self.done {
            self.done = true;
            let uid = self.uid.to_string();
            self.d.doveadm(&[
                "flags",
                "add",
                "-u",
                &self.user,
                "\\Flagged",
                "mailbox",
                "INBOX",
                "uid",
                &uid,
            ]);
        }
        Box::pin(async { Ok(false) })
    }
}

#[test]
fn another_clients_flag_change_during_an_envelope_fetch_is_not_stored_as_a_message() {
    let d = dovecot();
    let u = d.new_user("unsolicited");
    d.append_many(&u, "INBOX", &support::corpus::messages(500));
    let dir = tempfile::tempdir().unwrap();
    let store = rt().block_on(store_with_folders(dir.path(), &u));
    rt().block_on(async {
        let (mut s, caps) = session(&u).await;
        assert!(
            caps.qresync,
            "the case needs QRESYNC enabled (Dovecot has it)"
        );
        // the newest 200 are stored first, then the other 300 in two batches; between those,
        // message 500 (already stored) is flagged by another client: Dovecot tells this session
        // with an unsolicited `* n FETCH (UID 500 MODSEQ (..) FLAGS (\Flagged))` inside the
        // next UID FETCH's answers
        let mut p = FlagBetween {
            d,
            user: u.name.clone(),
            uid: 500,
            done: false,
        };
        let report = sync::sync_folder(&mut s, &caps, &store, &u.name, "INBOX", &mut p)
            .await
            .unwrap();
        assert!(
            p.done,
            "the flag was never changed between batches: {report:?}"
        );
        assert_eq!(report.total, 500, "{report:?}");
    });
    let env = store.envelope(&u.name, "INBOX", 500).unwrap().unwrap();
    assert!(
        !env.subject.is_empty() && !env.from.is_empty(),
        "message 500 was overwritten by a flags-only answer: {env:?}"
    );
    let folder = store.folder(&u.name, "INBOX").unwrap().unwrap();
    assert_eq!(folder.total, 500, "counted twice");
    assert_eq!(store.uids(&u.name, "INBOX").unwrap().len(), 500);
}

#[test]
fn a_flags_sync_cut_midway_keeps_the_counts_right() {
    let d = dovecot();
    let u = d.new_user("cutflags");
    d.append_many(&u, "INBOX", &support::corpus::messages(3000));
    let dir = tempfile::tempdir().unwrap();
    let store = rt().block_on(store_with_folders(dir.path(), &u));
    let unread_in_store = |store: &Store| {
        store
            .uids(&u.name, "INBOX")
            .unwrap()
            .into_iter()
            .filter(|&x| {
                let e = store.envelope(&u.name, "INBOX", x).unwrap().unwrap();
                !e.flags.seen()
            })
            .count() as u32
    };
    rt().block_on(async {
        let (mut s, caps) = session(&u).await;
        sync_inbox(&mut s, &caps, &store, &u).await;
    });
    let f = store.folder(&u.name, "INBOX").unwrap().unwrap();
    assert_eq!(f.unread, unread_in_store(&store));
    assert!(f.unread > 1000, "{f:?}");
    // another client reads them all; the next sync's FLAGS answers (~180 KB) are cut at 40 KB
    d.doveadm(&[
        "flags", "add", "-u", &u.name, "\\Seen", "mailbox", "INBOX", "all",
    ]);
    let proxy = support::proxy::Proxy::start(d.imaps_port());
    proxy.cut_after_random_bytes(40_000, 40_000, 1);
    let mut settings = server(Security::Tls);
    settings.port = Some(proxy.port());
    rt().block_on(async {
        let (mut s, caps) = conn::connect(&settings, &creds(&u)).await.unwrap();
        let r = sync::sync_folder(
            &mut s,
            &caps,
            &store,
            &u.name,
            "INBOX",
            &mut Told(Vec::new()),
        )
        .await;
        assert!(r.as_ref().is_err_and(|e| e.is_connection()), "{r:?}");
    });
    let f = store.folder(&u.name, "INBOX").unwrap().unwrap();
    let left = unread_in_store(&store);
    assert!(
        left > 0 && left < 3000,
        "the cut came midway: {left} unread left"
    );
    assert_eq!(
        f.unread, left,
        "the counts moved by what was written before the cut"
    );
    // and the next sync (not cut) finishes the job
    rt().block_on(async {
        let (mut s, caps) = session(&u).await;
        sync_inbox(&mut s, &caps, &store, &u).await;
    });
    let f = store.folder(&u.name, "INBOX").unwrap().unwrap();
    assert_eq!((f.unread, f.total), (0, 3000));
}

#[test]
fn an_idle_connection_that_dies_without_a_word_is_noticed_within_its_check() {
    use tmail::backend::credentials::CredentialSource;
    use tmail::backend::imap::idle;
    let d = dovecot();
    let u = d.new_user("idlestall");
    let proxy = support::proxy::Proxy::start(d.imaps_port());
    let settings = ServerSettings {
        port: Some(proxy.port()),
        username: Some(u.name.clone()),
        password_command: Some(format!("printf %s '{}'", u.password)),
        ..server(Security::Tls)
    };
    let source = CredentialSource::new(settings.clone(), false);
    rt().block_on(async {
        let (wake_tx, mut wake) = tokio::sync::mpsc::unbounded_channel();
        let (events_tx, _events) = tokio::sync::mpsc::unbounded_channel();
        let (_keep, folder) = tokio::sync::watch::channel("INBOX".to_string());
        tokio::spawn(
            idle::Idle {
                account: "stall".into(),
                server: settings.clone(),
                creds: source.clone(),
                folder,
                wake: wake_tx,
                events: events_tx,
                check: Duration::from_secs(2),
            }
            .run(),
        );
        // idling, and checked (every 2 s) without a false alarm
        tokio::time::sleep(Duration::from_secs(5)).await;
        while wake.try_recv().is_ok() {}
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(
            wake.try_recv().is_err(),
            "a live connection was taken for dead"
        );
        assert_eq!(proxy.accepted(), 1, "one connection, kept");
        // the link goes silent (a NAT forgot it): no reset, nothing comes; mail arrives
        proxy.stall();
        let u2 = u.clone();
        tokio::task::spawn_blocking(move || d.deliver(&u2, &support::corpus::message(0)))
            .await
            .unwrap();
        // the check finds it dead and asks for a sync (the push itself was lost)
        let woke = tokio::time::timeout(Duration::from_secs(15), wake.recv()).await;
        assert!(
            woke.is_ok(),
            "a silently dead IDLE connection went unnoticed"
        );
        proxy.up();
    });
}

/// A small message (its envelope answer is about 330 bytes): many of them make a folder whose
/// UID list is long next to a window of it.
fn tiny(i: usize) -> Vec<u8> {
    format!(
        "From: a{n}@t.test\r\nSubject: m{i}\r\nDate: Thu, 1 Jan 2026 00:00:00 +0000\r\nMessage-ID: <m{i}@t.test>\r\n\r\n{i}\r\n",
        n = i % 7
    )
    .into_bytes()
}

/// A store with the user's folders listed (so the sync keeps their counts).
async fn store_with_folders(dir: &std::path::Path, u: &User) -> Store {
    let store = Store::open(dir).unwrap();
    let (mut s, _) = session(u).await;
    for f in folders::list(&mut s, &u.name, &FolderRoles::default())
        .await
        .unwrap()
    {
        store.put_folder(&f).unwrap();
    }
    store
}

/// The UIDs the server has in the INBOX, ascending.
async fn server_uids(u: &User) -> Vec<u32> {
    let (mut s, _) = session(u).await;
    s.select("INBOX").await.unwrap();
    let mut v: Vec<u32> = s.uid_search("ALL").await.unwrap().into_iter().collect();
    v.sort_unstable();
    v
}

/// Plain IMAP on the loopback through `proxy` (no TLS: a login is about 1.5 KB).
fn through(proxy: &support::proxy::Proxy) -> ServerSettings {
    let mut settings = server(Security::Plain);
    settings.port = Some(proxy.port());
    settings
}

#[test]
fn a_first_sync_cut_before_its_uid_list_could_come_goes_on_where_it_stopped() {
    let d = dovecot();
    let u = d.new_user("resume");
    let n = 8000;
    d.append_many(&u, "INBOX", &(0..n).map(tiny).collect::<Vec<_>>());
    // Every connection is cut after 28-32 KB: less than the answer to UID SEARCH ALL (39 KB
    // here), more than a login and a window of 2000 UIDs (about 12 KB).
    let proxy = support::proxy::Proxy::start(d.imap_port());
    proxy.cut_after_random_bytes(28_000, 32_000, 7);
    let settings = through(&proxy);
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let store = store_with_folders(dir.path(), &u).await;
        let mut stored: Vec<u32> = Vec::new();
        for attempt in 1..=400 {
            let (mut s, caps) = conn::connect(&settings, &creds(&u))
                .await
                .expect("login within 28 KB");
            let mut told = Told(Vec::new());
            let r = sync::sync_folder(&mut s, &caps, &store, &u.name, "INBOX", &mut told).await;
            let now = store.uids(&u.name, "INBOX").unwrap();
            let mut new: Vec<u32> = now
                .iter()
                .copied()
                .filter(|x| stored.binary_search(x).is_err())
                .collect();
            new.sort_unstable();
            told.0.sort_unstable();
            assert_eq!(told.0, new, "connection {attempt}: stored and told differ");
            match r {
                Ok(report) => {
                    assert!(attempt > 20, "the cuts never came: {report:?}");
                    assert_eq!(now, (1..=n as u32).collect::<Vec<_>>());
                    assert_eq!(report.total, n);
                    let f = store.folder(&u.name, "INBOX").unwrap().unwrap();
                    assert_eq!(
                        (f.unread, f.total),
                        (n as u32, n as u32),
                        "counts right, a drift between connections healed"
                    );
                    let state = store.folder_state(&u.name, "INBOX").unwrap();
                    assert_eq!(state.uidnext, n as u32 + 1, "{state:?}");
                    assert!(state.highestmodseq > 0, "{state:?}");
                    assert_eq!(store.first_sync_mark(&u.name, "INBOX").unwrap(), None);
                    return;
                }
                Err(e) => {
                    assert!(e.is_connection(), "{e}");
                    // each connection gets further: it neither starts over nor lists the folder
                    assert!(
                        now.len() > stored.len(),
                        "connection {attempt} was cut ({e}) and kept nothing: {} stored",
                        now.len()
                    );
                    let state = store.folder_state(&u.name, "INBOX").unwrap();
                    assert_eq!(state.uidnext, 0, "a cut first sync is not taken for done");
                    if attempt == 1 {
                        // a count move lost in between (tmail killed between a write and its
                        // count): the finished sync counts the cache once
                        store
                            .add_counts(
                                &u.name,
                                "INBOX",
                                tmail::store::CountDelta {
                                    unread: 37,
                                    total: 37,
                                },
                            )
                            .unwrap();
                    }
                    stored = now;
                }
            }
        }
        panic!(
            "{n} messages not synced through 400 connections: {} stored",
            stored.len()
        );
    });
}

#[test]
fn a_resumed_first_sync_finds_what_was_expunged_and_what_arrived_between_connections() {
    for use_condstore in [true, false] {
        let d = dovecot();
        let u = d.new_user(if use_condstore {
            "resume-gone-cs"
        } else {
            "resume-gone"
        });
        let n = 3000;
        d.append_many(&u, "INBOX", &(0..n).map(tiny).collect::<Vec<_>>());
        let proxy = support::proxy::Proxy::start(d.imap_port());
        // the first connection stores the newest 200 (66 KB) and some of the next window
        proxy.cut_after_random_bytes(100_000, 100_000, 1);
        let settings = through(&proxy);
        let dir = tempfile::tempdir().unwrap();
        rt().block_on(async {
            let store = store_with_folders(dir.path(), &u).await;
            // two connections, cut midway
            for _ in 0..2 {
                let (mut s, mut caps) = conn::connect(&settings, &creds(&u)).await.unwrap();
                if !use_condstore {
                    caps.condstore = false;
                    caps.qresync = false;
                }
                let r = sync::sync_folder(&mut s, &caps, &store, &u.name, "INBOX", &mut |_, _| {})
                    .await;
                assert!(r.as_ref().is_err_and(|e| e.is_connection()), "{r:?}");
            }
            let cached = store.uids(&u.name, "INBOX").unwrap();
            let mark = store
                .first_sync_mark(&u.name, "INBOX")
                .unwrap()
                .expect("a cut first sync leaves its mark");
            assert!(
                cached.len() > 200 && cached.len() < 1000,
                "{}",
                cached.len()
            );
            assert!(
                mark.below < n as u32 && cached.binary_search(&mark.below).is_ok(),
                "{mark:?}"
            );
            // Another client expunges one the sync has, the one its next window starts from
            // and one it has not reached; a message arrives.
            let top = *cached.last().unwrap();
            for uid in [top - 3, mark.below, 10] {
                d.doveadm(&[
                    "expunge",
                    "-u",
                    &u.name,
                    "mailbox",
                    "INBOX",
                    "uid",
                    &uid.to_string(),
                ]);
            }
            d.deliver(&u, &tiny(n));
            let (mut s, mut caps) = session(&u).await;
            if !use_condstore {
                caps.condstore = false;
                caps.qresync = false;
            }
            let r = sync::sync_folder(&mut s, &caps, &store, &u.name, "INBOX", &mut |_, _| {})
                .await
                .expect("the sync ends");
            let on_server = server_uids(&u).await;
            assert_eq!(on_server.len(), n - 2);
            assert_eq!(
                store.uids(&u.name, "INBOX").unwrap(),
                on_server,
                "condstore={use_condstore}"
            );
            assert!(r.removed_uids.contains(&(top - 3)), "{:?}", r.removed_uids);
            let f = store.folder(&u.name, "INBOX").unwrap().unwrap();
            assert_eq!((f.unread, f.total), (n as u32 - 2, n as u32 - 2));
            assert_eq!(r.total, n - 2);
            // and the next sync has nothing to do
            let r = sync_inbox(&mut s, &caps, &store, &u).await;
            assert_eq!((r.new, r.changed, r.removed), (0, 0, 0), "{r:?}");
        });
    }
}

/// The user reads message `uid` between two envelope batches of a sync (as the app does: the
/// store first, then the journal).
struct ReadBetween {
    store: Store,
    account: String,
    uid: u32,
    done: bool,
}

impl sync::Progress for ReadBetween {
    fn stored(&mut self, _uids: &[u32], _done: usize, _total: usize) {}

    fn between<'a>(
        &'a mut self,
        _session: &'a mut tmail::backend::imap::conn::ImapSession,
    ) -> futures::future::BoxFuture<'a, Result<bool, ImapError>> {
        if !self.done {
            self.done = true;
            let read = tmail::mail::Flags(tmail::mail::Flags::SEEN);
            let old = self
                .store
                .set_flags(&self.account, "INBOX", self.uid, read)
                .unwrap()
                .unwrap();
            self.store
                .journal_append(
                    &self.account,
                    tmail::store::JournalOp::SetFlags {
                        folder: "INBOX".into(),
                        uid: self.uid,
                        old,
                        new: read,
                    },
                )
                .unwrap();
        }
        Box::pin(async { Ok(false) })
    }
}

#[test]
fn a_message_read_while_a_sync_runs_stays_read() {
    for use_condstore in [true, false] {
        let d = dovecot();
        let u = d.new_user(if use_condstore {
            "read-during-cs"
        } else {
            "read-during"
        });
        d.append_many(&u, "INBOX", &(0..300).map(tiny).collect::<Vec<_>>());
        let dir = tempfile::tempdir().unwrap();
        rt().block_on(async {
            let store = store_with_folders(dir.path(), &u).await;
            let (mut s, mut caps) = session(&u).await;
            if !use_condstore {
                caps.condstore = false;
                caps.qresync = false;
            }
            sync_inbox(&mut s, &caps, &store, &u).await;
            // Another client flags message 5 (so the server's answer has it, unread); 450
            // messages arrive (fetched in two batches, the user acting between them).
            d.doveadm(&[
                "flags",
                "add",
                "-u",
                &u.name,
                "\\Flagged",
                "mailbox",
                "INBOX",
                "uid",
                "5",
            ]);
            d.append_many(&u, "INBOX", &(300..750).map(tiny).collect::<Vec<_>>());
            let mut user = ReadBetween {
                store: store.clone(),
                account: u.name.clone(),
                uid: 5,
                done: false,
            };
            let r = sync::sync_folder(&mut s, &caps, &store, &u.name, "INBOX", &mut user)
                .await
                .unwrap();
            assert!(user.done, "the user acted during the sync");
            assert_eq!(r.new, 450);
            let e = store.envelope(&u.name, "INBOX", 5).unwrap().unwrap();
            assert!(
                e.flags.seen(),
                "condstore={use_condstore}: the sync undid what the user did: {:?}",
                e.flags
            );
            assert!(
                !r.flag_changes.iter().any(|(uid, _)| *uid == 5),
                "{:?}",
                r.flag_changes
            );
            let f = store.folder(&u.name, "INBOX").unwrap().unwrap();
            // the user's read moved no count here (the app does that): 750 unread but one
            assert_eq!(f.total, 750);
        });
    }
}

#[test]
fn a_flag_change_the_sync_held_back_is_asked_for_again_after_the_replay() {
    let d = dovecot();
    let u = d.new_user("held-back");
    d.append_many(&u, "INBOX", &(0..300).map(tiny).collect::<Vec<_>>());
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let store = store_with_folders(dir.path(), &u).await;
        let (mut s, caps) = session(&u).await;
        assert!(caps.condstore);
        sync_inbox(&mut s, &caps, &store, &u).await;
        // another client reads and flags message 5; the user reads it here during the next
        // sync (its journal entry holds the server's flags back)
        d.doveadm(&[
            "flags",
            "add",
            "-u",
            &u.name,
            "\\Seen \\Flagged",
            "mailbox",
            "INBOX",
            "uid",
            "5",
        ]);
        d.append_many(&u, "INBOX", &(300..750).map(tiny).collect::<Vec<_>>());
        let mut user = ReadBetween {
            store: store.clone(),
            account: u.name.clone(),
            uid: 5,
            done: false,
        };
        sync::sync_folder(&mut s, &caps, &store, &u.name, "INBOX", &mut user)
            .await
            .unwrap();
        assert!(user.done);
        let e = store.envelope(&u.name, "INBOX", 5).unwrap().unwrap();
        assert!(e.flags.seen() && !e.flags.flagged(), "{:?}", e.flags);
        // the replay: `+FLAGS.SILENT (\Seen)` changes nothing on the server (no new MODSEQ)
        d.doveadm(&[
            "flags", "add", "-u", &u.name, "\\Seen", "mailbox", "INBOX", "uid", "5",
        ]);
        for j in store.journal(Some(&u.name)).unwrap() {
            store.journal_remove(j.id).unwrap();
        }
        // the next sync still brings the other client's \Flagged
        sync_inbox(&mut s, &caps, &store, &u).await;
        let e = store.envelope(&u.name, "INBOX", 5).unwrap().unwrap();
        assert!(
            e.flags.seen() && e.flags.flagged(),
            "the other client's flag was missed: {:?}",
            e.flags
        );
    });
}
