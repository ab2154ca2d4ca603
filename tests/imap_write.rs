//! The IMAP write path against a real Dovecot: every action reaches the server (checked with
//! doveadm, a second and independent client), with MOVE and with the COPY/EXPUNGE fallback;
//! actions made offline replay when the server is back; a refused action is reverted; a replay
//! whose effect already reached the server is not done twice.

mod support;

use support::dovecot::{dovecot, private_dovecot, Dovecot, User};
use support::harness::{account, Harness};

fn fill(d: &Dovecot, u: &User, n: usize) {
    for i in 0..n {
        d.deliver(u, &support::corpus::message(i));
    }
}

/// Subjects of a folder on the server, sorted.
fn server_subjects(d: &Dovecot, u: &User, folder: &str) -> Vec<String> {
    let out = d.doveadm(&[
        "fetch",
        "-u",
        &u.name,
        "hdr.subject",
        "mailbox",
        folder,
        "all",
    ]);
    let mut v: Vec<String> = out
        .lines()
        .filter_map(|l| l.strip_prefix("hdr.subject: "))
        .map(|s| s.trim().to_string())
        .collect();
    v.sort();
    v
}

/// Message-IDs of a folder on the server (without brackets), sorted.
fn server_ids(d: &Dovecot, u: &User, folder: &str) -> Vec<String> {
    let out = d.doveadm(&[
        "fetch",
        "-u",
        &u.name,
        "hdr.message-id",
        "mailbox",
        folder,
        "all",
    ]);
    let mut v: Vec<String> = out
        .lines()
        .filter_map(|l| l.strip_prefix("hdr.message-id: "))
        .map(|s| {
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
        .collect();
    v.sort();
    v
}

fn server_has_flag(d: &Dovecot, u: &User, folder: &str, subject: &str, flag: &str) -> bool {
    let out = d.doveadm(&[
        "search", "-u", &u.name, "mailbox", folder, "subject", subject, flag,
    ]);
    !out.trim().is_empty()
}

fn every_action_reaches_the_server(disable: &[&str]) {
    let d = dovecot();
    let u = d.new_user(if disable.is_empty() {
        "actions-move"
    } else {
        "actions-fallback"
    });
    d.doveadm(&["mailbox", "create", "-u", &u.name, "Projects"]);
    fill(d, &u, 8);
    let mut settings = account(&u, d.imaps_port(), d.ca_file());
    settings.imap.as_mut().unwrap().disable_extensions =
        disable.iter().map(|s| s.to_string()).collect();
    let mut h = Harness::start(settings);

    // flag, unflag, read, unread
    h.select("#0 plain");
    h.keys("f");
    h.select("#1 html");
    h.keys(":read<Enter>");
    h.wait_replayed();
    assert!(server_has_flag(d, &u, "INBOX", "#0 plain", "FLAGGED"));
    assert!(server_has_flag(d, &u, "INBOX", "#1 html", "SEEN"));
    h.select("#0 plain");
    h.keys(":unflag<Enter>");
    h.select("#1 html");
    h.keys(":unread<Enter>");
    h.wait_replayed();
    assert!(!server_has_flag(d, &u, "INBOX", "#0 plain", "FLAGGED"));
    assert!(!server_has_flag(d, &u, "INBOX", "#1 html", "SEEN"));

    // move, copy, archive, delete to Trash
    h.select("#2 alternative");
    h.keys(":move Projects<Enter>");
    h.select("#3 attachment");
    h.keys(":copy Projects<Enter>");
    h.select("#6 long line");
    h.keys("a");
    h.select("#5 latin1");
    h.keys("d");
    h.wait_replayed();
    assert_eq!(
        server_subjects(d, &u, "Projects"),
        vec!["#2 alternative", "#3 attachment"]
    );
    assert_eq!(server_subjects(d, &u, "Archive"), vec!["#6 long line"]);
    assert_eq!(server_subjects(d, &u, "Trash"), vec!["#5 latin1"]);
    let inbox = server_subjects(d, &u, "INBOX");
    assert!(
        !inbox.contains(&"#2 alternative".to_string())
            && inbox.contains(&"#3 attachment".to_string())
    );
    assert_eq!(inbox.len(), 5, "{inbox:?}");

    // in Trash, delete for good after confirming
    h.keys(":folder Trash<Enter>");
    h.wait("Trash listed", |a| {
        a.list.folder == "Trash" && !a.list.rows.is_empty()
    });
    h.select("#5 latin1");
    h.keys("dy");
    h.wait_replayed();
    assert!(server_subjects(d, &u, "Trash").is_empty());

    // after a full sync the store and the server agree everywhere
    h.sync_all();
    for f in ["INBOX", "Projects", "Archive", "Trash"] {
        let mut local: Vec<String> = h
            .store
            .envelopes(&h.account, f)
            .unwrap()
            .into_iter()
            .map(|e| e.message_id.unwrap_or_default())
            .collect();
        local.sort();
        assert_eq!(local, server_ids(d, &u, f), "{f}");
    }
}

#[test]
fn every_action_reaches_the_server_with_move() {
    every_action_reaches_the_server(&[]);
}

#[test]
fn every_action_reaches_the_server_with_copy_and_expunge() {
    every_action_reaches_the_server(&["MOVE"]);
}

#[test]
fn fallback_without_uidplus_only_expunges_when_safe() {
    every_action_reaches_the_server(&["MOVE", "UIDPLUS"]);
}

#[test]
fn actions_made_offline_replay_when_the_server_returns() {
    let d = private_dovecot();
    let u = d.new_user("offline");
    fill(&d, &u, 4);
    let mut h = Harness::start(account(&u, d.imaps_port(), d.ca_file()));
    d.stop();
    h.select("#0 plain");
    h.keys("f");
    h.select("#1 html");
    h.keys(":move Archive<Enter>");
    // applied locally at once, pending on the server
    assert_eq!(h.app.status.pending, 2);
    assert!(h
        .app
        .list
        .items
        .iter_views()
        .any(|e| e.subject == "#0 plain" && e.flags.flagged()));
    assert!(!h
        .app
        .list
        .items
        .iter_views()
        .any(|e| e.subject == "#1 html"));
    h.wait("offline shown", |a| {
        a.status.online.iter().any(|(_, on)| !on)
    });
    d.start();
    h.wait_replayed();
    h.wait("pending count cleared", |a| a.status.pending == 0);
    assert!(server_has_flag(&d, &u, "INBOX", "#0 plain", "FLAGGED"));
    assert_eq!(server_subjects(&d, &u, "Archive"), vec!["#1 html"]);
    assert!(h.app.status.online.iter().all(|(_, on)| *on));
}

#[test]
fn a_move_to_a_folder_deleted_meanwhile_is_reverted_and_reported() {
    let d = dovecot();
    let u = d.new_user("gone");
    d.doveadm(&["mailbox", "create", "-u", &u.name, "Gone"]);
    fill(d, &u, 2);
    let mut h = Harness::start(account(&u, d.imaps_port(), d.ca_file()));
    assert!(h.app.tree.find(None, "Gone").is_some());
    d.doveadm(&["mailbox", "delete", "-u", &u.name, "Gone"]);
    h.select("#0 plain");
    h.keys(":move Gone<Enter>");
    assert!(!h
        .app
        .list
        .items
        .iter_views()
        .any(|e| e.subject == "#0 plain"));
    h.wait_replayed();
    h.wait("the move reverted", |a| {
        a.list.items.iter_views().any(|e| e.subject == "#0 plain")
    });
    let err = h.app.status.error.clone().unwrap_or_default();
    assert!(
        err.contains("could not move") && err.contains("undone"),
        "{err}"
    );
    assert!(server_subjects(d, &u, "INBOX").contains(&"#0 plain".to_string()));
}

#[test]
fn a_replay_that_already_reached_the_server_is_not_done_twice() {
    let d = private_dovecot();
    let u = d.new_user("once");
    fill(&d, &u, 3);
    let dir = tempfile::tempdir().unwrap();
    {
        let mut h = Harness::start_at(account(&u, d.imaps_port(), d.ca_file()), dir.path());
        d.stop();
        h.select("#1 html");
        h.keys(":move Archive<Enter>");
        h.select("#2 alternative");
        h.keys(":copy Archive<Enter>");
        assert_eq!(h.store.journal_len(), 2);
    }
    // As if tmail had been killed right after the server did both, before the journal said so:
    d.start();
    d.doveadm(&[
        "move", "-u", &u.name, "Archive", "mailbox", "INBOX", "subject", "#1 html",
    ]);
    d.doveadm(&[
        "copy",
        "-u",
        &u.name,
        "Archive",
        "mailbox",
        "INBOX",
        "subject",
        "#2 alternative",
    ]);
    // restarted on the same store, the journal replays and recognises both as done
    let mut h = Harness::start_at(account(&u, d.imaps_port(), d.ca_file()), dir.path());
    h.wait_replayed();
    assert!(h.app.status.error.is_none(), "{:?}", h.app.status.error);
    assert_eq!(
        server_subjects(&d, &u, "Archive"),
        vec!["#1 html", "#2 alternative"]
    );
    assert_eq!(
        server_subjects(&d, &u, "INBOX"),
        vec!["#0 plain", "#2 alternative"]
    );
    h.sync_all();
    assert_eq!(h.subjects("Archive"), vec!["#1 html", "#2 alternative"]);
}

#[test]
fn folder_commands_and_server_search_reach_the_server() {
    let d = dovecot();
    let u = d.new_user("folders-search");
    fill(d, &u, 8);
    let mut h = Harness::start(account(&u, d.imaps_port(), d.ca_file()));
    let list = |d: &Dovecot| d.doveadm(&["mailbox", "list", "-u", &u.name]);

    h.keys(":mkdir Receipts<Enter>");
    h.wait_replayed();
    assert!(
        list(d).lines().any(|l| l.trim() == "Receipts"),
        "{}",
        list(d)
    );
    h.select("#3 attachment");
    h.keys(":move Receipts<Enter>");
    h.keys(":folder Receipts<Enter>");
    h.keys(":rename Bills<Enter>");
    h.wait_replayed();
    let names = list(d);
    assert!(
        names.lines().any(|l| l.trim() == "Bills")
            && !names.lines().any(|l| l.trim() == "Receipts"),
        "{names}"
    );
    assert_eq!(server_subjects(d, &u, "Bills"), vec!["#3 attachment"]);
    h.keys(":rmdir<Enter>y");
    h.wait_replayed();
    assert!(!list(d).lines().any(|l| l.trim() == "Bills"));
    assert_eq!(h.app.list.folder, "INBOX");

    // non-ASCII names travel as modified UTF-7 and are shown decoded
    h.keys(":mkdir Entwürfe<Enter>");
    h.wait_replayed();
    h.sync_all();
    assert!(
        list(d).lines().any(|l| l.trim() == "Entwürfe"),
        "{}",
        list(d)
    );
    let f = h
        .app
        .tree
        .find(None, "Entwürfe")
        .expect("found by its decoded name");
    assert_eq!(f.path, "Entw&APw-rfe");
    assert_eq!(f.display_leaf(), "Entwürfe");

    // server search: the server evaluates it (bodies were never fetched, so only it can know)
    assert!(!h.store.has_body(&h.account, "INBOX", 1).unwrap());
    h.keys(":search --server body:\"hello number 0\"<Enter>");
    h.wait("search results", |a| a.search.server_query.is_some());
    let hits: Vec<String> = h
        .app
        .list
        .items
        .iter_views()
        .filter(|e| h.app.search.hits.contains(&e.uid))
        .map(|e| e.subject.to_string())
        .collect();
    assert_eq!(hits, vec!["#0 plain".to_string()]);
    assert!(
        h.app
            .status
            .info
            .as_deref()
            .unwrap_or("")
            .contains("on the server"),
        "{:?}",
        h.app.status
    );
}

#[test]
fn chains_of_offline_actions_on_moved_messages_reach_the_server() {
    let d = private_dovecot();
    let u = d.new_user("chains");
    fill(&d, &u, 4);
    let mut h = Harness::start(account(&u, d.imaps_port(), d.ca_file()));
    d.stop();
    // offline: move two messages to Archive, then work on them there
    h.select("#0 plain");
    h.keys(":move Archive<Enter>");
    h.select("#1 html");
    h.keys(":move Archive<Enter>");
    h.keys(":folder Archive<Enter>");
    h.select("#1 html");
    h.keys("f");
    h.select("#0 plain");
    h.keys("f:move Trash<Enter>");
    h.keys(":folder Trash<Enter>");
    h.select("#0 plain");
    h.keys("dy");
    assert_eq!(h.app.status.pending, 6);
    d.start();
    h.wait_replayed();
    assert!(
        h.app
            .status
            .error
            .as_deref()
            .is_none_or(|e| !e.contains("could not")),
        "{:?}",
        h.app.status.error
    );
    assert_eq!(server_subjects(&d, &u, "Archive"), vec!["#1 html"]);
    assert!(server_has_flag(&d, &u, "Archive", "#1 html", "FLAGGED"));
    assert!(server_subjects(&d, &u, "Trash").is_empty());
    assert_eq!(
        server_subjects(&d, &u, "INBOX"),
        vec!["#2 alternative", "#3 attachment"]
    );
    // and the placeholders gave way to the server's messages
    h.sync_all();
    let archive = h.store.envelopes(&h.account, "Archive").unwrap();
    assert_eq!(archive.len(), 1);
    assert!(archive[0].uid < tmail::store::LOCAL_UID_BASE && archive[0].flags.flagged());
}

#[test]
fn a_local_error_keeps_the_action_and_only_the_server_may_refuse_it() {
    use tmail::app::Command;
    use tmail::mail::Flags;
    use tmail::store::{fault, JournalOp};

    let d = dovecot();
    let u = d.new_user("local-error");
    fill(d, &u, 2);
    let mut h = Harness::start(account(&u, d.imaps_port(), d.ca_file()));
    let uid = h
        .store
        .envelopes(&h.account, "INBOX")
        .unwrap()
        .into_iter()
        .find(|e| e.subject == "#0 plain")
        .expect("#0 plain")
        .uid;

    // The store fails while the entry is replayed (it reads the envelope for the Message-ID):
    // a local error. The entry stays, nothing is reverted, the user is told.
    h.store.inject_faults(fault::ENVELOPE_READS);
    let op = JournalOp::SetFlags {
        folder: "INBOX".into(),
        uid,
        old: Flags::default(),
        new: Flags(Flags::FLAGGED),
    };
    h.store.journal_append(&h.account, op).unwrap();
    h.command(Command::ReplayJournal {
        account: h.account.clone(),
    });
    h.wait("the local error reported", |a| {
        a.status
            .error
            .as_deref()
            .is_some_and(|e| e.contains("kept, retrying"))
    });
    assert_eq!(
        h.store.journal_len(),
        1,
        "a local error must not drop the entry"
    );
    assert!(!h
        .app
        .status
        .error
        .as_deref()
        .unwrap_or("")
        .contains("undone"));
    assert!(!server_has_flag(d, &u, "INBOX", "#0 plain", "FLAGGED"));

    // The store works again: the retry (no command needed) reaches the server.
    h.store.inject_faults(0);
    h.wait_replayed();
    assert!(server_has_flag(d, &u, "INBOX", "#0 plain", "FLAGGED"));

    // A definite refusal by the server reverts, but only once the entry is really gone: while
    // the journal cannot be written, it stays (and is refused again on the retry).
    h.store.inject_faults(fault::JOURNAL_REMOVES);
    let gone = JournalOp::SetFlags {
        folder: "INBOX".into(),
        uid: 9999,
        old: Flags::default(),
        new: Flags(Flags::SEEN),
    };
    h.store.journal_append(&h.account, gone).unwrap();
    h.command(Command::ReplayJournal {
        account: h.account.clone(),
    });
    h.wait("the failed removal reported", |a| {
        a.status
            .error
            .as_deref()
            .is_some_and(|e| e.contains("kept, retrying"))
    });
    assert_eq!(h.store.journal_len(), 1);
    h.store.inject_faults(0);
    h.wait("the refusal reverted", |a| {
        a.status
            .error
            .as_deref()
            .is_some_and(|e| e.contains("no longer in INBOX") && e.contains("undone here"))
    });
    assert_eq!(h.store.journal_len(), 0);
}
