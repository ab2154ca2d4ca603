use super::*;
use crate::mail::{Flags, Folder};
use crate::store::LOCAL_UID_BASE;

fn env(subject: &str, mid: &str) -> Envelope {
    Envelope {
        subject: subject.into(),
        message_id: Some(mid.into()),
        size: 100,
        date: 1_700_000_000,
        ..Default::default()
    }
}

fn folder(path: &str) -> Folder {
    Folder {
        account: "p".into(),
        path: path.into(),
        delimiter: Some('/'),
        role: None,
        selectable: true,
        unread: 0,
        total: 0,
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.mark_pop3_account("p").unwrap();
    for f in ["INBOX", "Archive", "Trash"] {
        s.put_folder(&folder(f)).unwrap();
    }
    (dir, s)
}

#[test]
fn headers_then_bodies_with_stable_ids() {
    let (_d, s) = open();
    let a = s
        .pop3_add_header("p", "INBOX", "u-a", env("a", "a@x"), 10)
        .unwrap();
    let b = s
        .pop3_add_header("p", "INBOX", "u-b", env("b", "b@x"), 10)
        .unwrap();
    assert_eq!((a, b), (1, 2));
    // the same UIDL again is not a new message
    assert_eq!(
        s.pop3_add_header("p", "INBOX", "u-a", env("a", "a@x"), 11)
            .unwrap(),
        1
    );
    assert_eq!(s.uids("p", "INBOX").unwrap(), vec![1, 2]);
    assert_eq!(
        s.pop3_record("p", "u-a").unwrap().unwrap().state,
        Pop3State::Headers
    );
    assert!(!s.pop3_verify_stored("p", "u-a").unwrap());

    s.set_flags("p", "INBOX", 1, Flags(Flags::FLAGGED)).unwrap();
    let mut full = env("a", "a@x");
    full.has_attachments = true;
    assert_eq!(
        s.pop3_store_message("p", "u-a", b"raw a", &full, 20)
            .unwrap(),
        1
    );
    let e = s.envelope("p", "INBOX", 1).unwrap().unwrap();
    assert!(e.has_attachments && e.flags.flagged(), "{e:?}");
    assert_eq!(s.body("p", "INBOX", 1).unwrap().unwrap(), b"raw a");
    assert_eq!(
        s.pop3_record("p", "u-a").unwrap().unwrap().stored_at(),
        Some(20)
    );
    assert!(s.pop3_verify_stored("p", "u-a").unwrap());
    assert_eq!(
        s.pop3_uidl_at("p", "INBOX", 2).unwrap().as_deref(),
        Some("u-b")
    );
}

/// The app moves a message (store + journal) while its body is still downloading: the body lands
/// where the message went, and the bookkeeping follows it.
#[test]
fn a_move_made_before_the_body_arrived_carries_it() {
    let (_d, s) = open();
    let id = s
        .pop3_add_header("p", "INBOX", "u1", env("one", "1@x"), 0)
        .unwrap();
    // what mailops::transfer_uids does
    let local = s.allocate_uid("p", "Archive").unwrap();
    assert!(local >= LOCAL_UID_BASE);
    s.journal_append(
        "p",
        JournalOp::Move {
            from: "INBOX".into(),
            uid: id,
            to: "Archive".into(),
            local_uid: local,
        },
    )
    .unwrap();
    let mut e = s.envelope("p", "INBOX", id).unwrap().unwrap();
    e.uid = local;
    s.put_envelopes("p", "Archive", &[e]).unwrap();
    s.remove_message("p", "INBOX", id).unwrap();
    // the download finishes before the worker saw the journal entry
    assert_eq!(
        s.pop3_store_message("p", "u1", b"body", &env("one", "1@x"), 5)
            .unwrap(),
        1
    );
    // not safe to delete from the server while the bookkeeping lags behind the move
    assert!(!s.pop3_verify_stored("p", "u1").unwrap());
    assert_eq!(s.pop3_apply_journal("p").unwrap(), 1);
    assert_eq!(s.journal_len(), 0);
    assert_eq!(s.body("p", "Archive", local).unwrap().unwrap(), b"body");
    assert!(
        s.body("p", "INBOX", id).unwrap().is_none(),
        "no orphan left behind"
    );
    let r = s.pop3_record("p", "u1").unwrap().unwrap();
    assert_eq!(r.locations, vec![("Archive".to_string(), local)]);
    assert_eq!(
        s.pop3_uidl_at("p", "Archive", local).unwrap().as_deref(),
        Some("u1")
    );
    assert!(s.pop3_uidl_at("p", "INBOX", id).unwrap().is_none());
}

#[test]
fn a_body_lost_to_a_race_is_downloaded_again_not_deleted() {
    let (_d, s) = open();
    let id = s
        .pop3_add_header("p", "INBOX", "u1", env("one", "1@x"), 0)
        .unwrap();
    s.pop3_store_message("p", "u1", b"body", &env("one", "1@x"), 5)
        .unwrap();
    // the body vanished from under the record (e.g. removed with a stale copy of the message)
    s.bodies.remove(message_key("p", "INBOX", id)).unwrap();
    assert!(!s.pop3_verify_stored("p", "u1").unwrap());
    assert_eq!(
        s.pop3_record("p", "u1").unwrap().unwrap().state,
        Pop3State::Headers
    );
}

#[test]
fn copies_expunges_renames_and_folder_deletes_keep_the_bookkeeping() {
    let (_d, s) = open();
    let id = s
        .pop3_add_header("p", "INBOX", "u1", env("one", "1@x"), 0)
        .unwrap();
    let copy = s.allocate_uid("p", "Archive").unwrap();
    s.journal_append(
        "p",
        JournalOp::Copy {
            from: "INBOX".into(),
            uid: id,
            to: "Archive".into(),
            local_uid: copy,
        },
    )
    .unwrap();
    let mut e = s.envelope("p", "INBOX", id).unwrap().unwrap();
    e.uid = copy;
    s.put_envelopes("p", "Archive", &[e]).unwrap();
    s.pop3_apply_journal("p").unwrap();
    // the body arrives after the copy: both places get it
    assert_eq!(
        s.pop3_store_message("p", "u1", b"body", &env("one", "1@x"), 5)
            .unwrap(),
        2
    );
    assert!(s.pop3_verify_stored("p", "u1").unwrap());

    // rename Archive -> Old (the app renames in the store, then journals)
    s.rename_folder("p", "Archive", "Old").unwrap();
    s.journal_append(
        "p",
        JournalOp::RenameFolder {
            from: "Archive".into(),
            to: "Old".into(),
        },
    )
    .unwrap();
    s.pop3_apply_journal("p").unwrap();
    let r = s.pop3_record("p", "u1").unwrap().unwrap();
    assert!(r.locations.contains(&("Old".to_string(), copy)), "{r:?}");
    assert!(s.pop3_verify_stored("p", "u1").unwrap());

    // delete the INBOX one for good, then the folder with the copy
    s.remove_message("p", "INBOX", id).unwrap();
    s.journal_append(
        "p",
        JournalOp::Expunge {
            folder: "INBOX".into(),
            uid: id,
        },
    )
    .unwrap();
    s.remove_folder("p", "Old").unwrap();
    s.journal_append("p", JournalOp::DeleteFolder { path: "Old".into() })
        .unwrap();
    s.pop3_apply_journal("p").unwrap();
    assert!(s
        .pop3_record("p", "u1")
        .unwrap()
        .unwrap()
        .locations
        .is_empty());
    // local uids are never given twice in a data account, even after the last one went
    assert!(s.allocate_uid("p", "Archive").unwrap() > copy);
}

#[test]
fn cache_operations_refuse_a_pop3_account() {
    let (_d, s) = open();
    s.pop3_add_header("p", "INBOX", "u1", env("one", "1@x"), 0)
        .unwrap();
    let e = s.clear_folder_messages("p", "INBOX").unwrap_err();
    assert!(matches!(e, StoreError::Protected { .. }), "{e}");
    assert!(e.to_string().contains("POP3"), "{e}");
    assert!(matches!(
        s.drop_cached_folder("p", "INBOX").unwrap_err(),
        StoreError::Protected { .. }
    ));
    assert_eq!(s.uids("p", "INBOX").unwrap(), vec![1]);
    assert!(s.folder("p", "INBOX").unwrap().is_some());
    // an IMAP account's cache is still a cache
    s.put_envelopes("imap", "INBOX", &[env("x", "x@x")])
        .unwrap();
    s.clear_folder_messages("imap", "INBOX").unwrap();
    assert!(s.uids("imap", "INBOX").unwrap().is_empty());
    // and the user's own `:rmdir` works on a POP3 folder
    s.remove_folder("p", "Trash").unwrap();
}

#[test]
fn an_upgrade_keeps_pop3_mail_and_its_bookkeeping() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Store::open(dir.path()).unwrap();
        s.mark_pop3_account("p").unwrap();
        s.pop3_add_header("p", "INBOX", "u1", env("one", "1@x"), 0)
            .unwrap();
        s.pop3_store_message("p", "u1", b"the only copy", &env("one", "1@x"), 1)
            .unwrap();
        s.flush().unwrap();
        // pretend it was written by schema 1 (before the journal carried Message-IDs)
        s.db.insert(b"schema_version", &1u32.to_be_bytes()).unwrap();
        s.flush().unwrap();
    }
    let s = Store::open(dir.path()).unwrap();
    assert!(s.is_data_account("p").unwrap());
    assert_eq!(s.body("p", "INBOX", 1).unwrap().unwrap(), b"the only copy");
    assert_eq!(
        s.pop3_record("p", "u1").unwrap().unwrap().stored_at(),
        Some(1)
    );
}

#[test]
fn a_store_that_cannot_be_migrated_is_left_untouched_and_named() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Store::open(dir.path()).unwrap();
        s.mark_pop3_account("p").unwrap();
        s.pop3_add_header("p", "INBOX", "u1", env("one", "1@x"), 0)
            .unwrap();
        s.pop3_store_message("p", "u1", b"the only copy", &env("one", "1@x"), 1)
            .unwrap();
        // a schema-1 store whose journal holds a record this tmail cannot read
        s.db.insert(b"schema_version", &1u32.to_be_bytes()).unwrap();
        s.journal
            .insert(7u64.to_be_bytes(), b"\x01garbage".to_vec())
            .unwrap();
        s.flush().unwrap();
    }
    // (sled rewrites its own log files when it opens a database; what matters is that every
    // record is still there, unchanged, for a tmail that can read it)
    let e = Store::open(dir.path())
        .err()
        .expect("the migration must fail");
    let msg = e.to_string();
    assert!(matches!(e, StoreError::Unusable { .. }), "{msg}");
    assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
    assert!(msg.contains("changed nothing"), "{msg}");
    // the data is all there, and still says schema 1
    let db = sled::open(dir.path()).unwrap();
    assert_eq!(
        db.get(b"schema_version").unwrap().unwrap().as_ref(),
        &1u32.to_be_bytes()
    );
    assert!(db
        .open_tree("journal")
        .unwrap()
        .get(7u64.to_be_bytes())
        .unwrap()
        .is_some());
    assert_eq!(
        db.open_tree("bodies")
            .unwrap()
            .get(message_key("p", "INBOX", 1))
            .unwrap()
            .unwrap()
            .as_ref(),
        b"the only copy"
    );
    drop(db);

    // an unreadable version is refused too, not guessed
    let dir2 = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir2.path()).unwrap();
        db.insert(b"schema_version", b"??".to_vec()).unwrap();
        db.flush().unwrap();
    }
    let e = Store::open(dir2.path()).err().expect("unreadable version");
    assert!(
        e.to_string().contains("schema version is unreadable"),
        "{e}"
    );
    let db = sled::open(dir2.path()).unwrap();
    assert_eq!(db.get(b"schema_version").unwrap().unwrap().as_ref(), b"??");
}
