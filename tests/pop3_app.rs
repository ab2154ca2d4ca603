//! A POP3 account in the app with its real worker against Dovecot, without a terminal: new mail
//! shows, opens, moves to a folder made with `:mkdir`, goes to Trash with `d`; every action is in
//! the store at once, the journal is confirmed locally, and after a restart all of it is still
//! there and nothing is downloaded twice.

mod pop3_common;
mod support;

use std::time::{Duration, Instant};

use pop3_common::{account, server, simple};
use support::dovecot::dovecot;
use tmail::app::{Action, App, AppSetup, Command, Event};
use tmail::config::{AccountSettings, Security};
use tmail::input::parse_keys;
use tmail::store::Store;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};

struct Pop3Harness {
    app: App,
    store: Store,
    worker: UnboundedSender<Command>,
    events: UnboundedReceiver<Event>,
    rt: tokio::runtime::Runtime,
}

impl Pop3Harness {
    fn start(settings: AccountSettings, dir: &std::path::Path) -> Pop3Harness {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let store = pop3_common::reopen(dir);
        let (tx, events) = tokio::sync::mpsc::unbounded_channel();
        let name = settings.name.clone();
        let worker = {
            let _g = rt.enter();
            tmail::backend::spawn_account(settings, store.clone(), tx)
        };
        let (app, cmds) = App::new(AppSetup {
            store: store.clone(),
            accounts: vec![name],
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
            size: (140, 40),
            first_paint: None,
        });
        let h = Pop3Harness {
            app,
            store,
            worker,
            events,
            rt,
        };
        h.send(cmds);
        h
    }

    fn send(&self, cmds: Vec<Command>) {
        for c in cmds {
            let _ = self.worker.send(c);
        }
    }

    fn keys(&mut self, keys: &str) {
        for k in parse_keys(keys).unwrap() {
            let cmds = self.app.update(Action::Key(k.to_event()));
            self.send(cmds);
        }
    }

    fn wait(&mut self, what: &str, pred: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !pred(&self.app) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; status: {:?}",
                self.app.status
            );
            let ev = self.rt.block_on(async {
                tokio::time::timeout(left.min(Duration::from_millis(200)), self.events.recv()).await
            });
            if let Ok(Some(ev)) = ev {
                let cmds = self.app.update(Action::Worker(ev));
                self.send(cmds);
            }
        }
    }
}

impl Drop for Pop3Harness {
    fn drop(&mut self) {
        let _ = self.worker.send(Command::Shutdown);
    }
}

fn subjects(store: &Store, account: &str, folder: &str) -> Vec<String> {
    let mut v: Vec<String> = store
        .envelopes(account, folder)
        .unwrap()
        .into_iter()
        .map(|e| e.subject)
        .collect();
    v.sort();
    v
}

#[test]
fn read_file_delete_restart_and_nothing_is_lost_or_fetched_twice() {
    let d = dovecot();
    let u = d.new_user("pop3-app");
    d.append_many(
        &u,
        "INBOX",
        &[
            simple(1, "first body"),
            simple(2, "second body"),
            simple(3, "third body"),
        ],
    );
    let srv = server(
        &u,
        &u.password,
        d.pop3s_port(),
        Security::Tls,
        d.ca_file(),
        "check_interval = 3600",
    );
    let a = account(&u, &srv);
    let name = u.name.clone();
    let dir = tempfile::tempdir().unwrap();
    {
        let mut h = Pop3Harness::start(a.clone(), dir.path());
        h.wait("the INBOX with three messages", |app| {
            app.list.folder == "INBOX" && app.list.rows.len() == 3
        });
        let store = h.store.clone();
        h.wait("the bodies", |_| {
            store
                .uids(&name, "INBOX")
                .unwrap()
                .iter()
                .all(|u| store.has_body(&name, "INBOX", *u).unwrap())
        });
        assert!(h.app.tree.folders.iter().any(|f| f.path == "Trash"));
        // open "simple 2"
        let uid = h
            .app
            .list
            .items
            .iter_views()
            .find(|e| e.subject == "simple 2")
            .unwrap()
            .uid;
        assert!(h.app.list.select_uid(uid));
        h.keys("<Enter>");
        h.wait("the preview", |app| {
            app.preview.is_showing(&name, "INBOX", uid) && !app.preview.loading
        });
        let text: String = h
            .app
            .preview
            .rendered
            .lines
            .iter()
            .map(|l| l.text.clone())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains("second body"), "{text}");
        // file it into a folder of our own
        h.keys(":mkdir Archive<Enter>");
        h.keys("q");
        assert!(h.app.list.select_uid(uid));
        h.keys(":move Archive<Enter>");
        let store = h.store.clone();
        h.wait("the journal confirmed", move |_| store.journal_len() == 0);
        assert_eq!(subjects(&h.store, &name, "Archive"), ["simple 2"]);
        // and delete another to the Trash
        let uid3 = h
            .app
            .list
            .items
            .iter_views()
            .find(|e| e.subject == "simple 3")
            .unwrap()
            .uid;
        assert!(h.app.list.select_uid(uid3));
        h.keys("d");
        let store = h.store.clone();
        h.wait("the journal confirmed", move |_| store.journal_len() == 0);
        assert_eq!(subjects(&h.store, &name, "Trash"), ["simple 3"]);

        // new mail while running: :sync fetches it and says so
        d.append_many(&u, "INBOX", &[simple(4, "fourth body")]);
        h.keys("gs");
        h.wait("the new-mail notice", |app| {
            app.status
                .info
                .as_deref()
                .is_some_and(|i| i.contains("new mail from Sender 4: simple 4"))
        });
        assert_eq!(subjects(&h.store, &name, "INBOX"), ["simple 1", "simple 4"]);
    }
    // restart on the same store
    let mut h = Pop3Harness::start(a, dir.path());
    h.wait("the INBOX", |app| {
        app.list.folder == "INBOX" && app.list.rows.len() == 2
    });
    h.keys("gs");
    h.wait("a check", |app| {
        app.status
            .info
            .as_deref()
            .is_some_and(|i| i.contains("no new mail"))
    });
    assert_eq!(subjects(&h.store, &name, "INBOX"), ["simple 1", "simple 4"]);
    assert_eq!(subjects(&h.store, &name, "Archive"), ["simple 2"]);
    assert_eq!(subjects(&h.store, &name, "Trash"), ["simple 3"]);
    let moved = h.store.envelopes(&name, "Archive").unwrap()[0].uid;
    let body = h.store.body(&name, "Archive", moved).unwrap().unwrap();
    assert!(body == simple(2, "second body"));
    assert_eq!(h.store.pop3_records(&name).unwrap().len(), 4);
    let r = h
        .store
        .pop3_records(&name)
        .unwrap()
        .into_iter()
        .find(|r| r.message_id.as_deref() == Some("simple2@example.test"))
        .unwrap();
    assert_eq!(r.locations, vec![("Archive".to_string(), moved)]);
    // the server kept everything (leave_on_server)
    assert_eq!(d.message_count(&u, "INBOX"), 4);
}
