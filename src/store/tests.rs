use super::*;
use crate::mail::{Address, Role};

fn env(uid: u32, subject: &str) -> Envelope {
    Envelope {
        uid,
        date: 1_700_000_000 + uid as i64,
        from: vec![Address {
            name: Some("A".into()),
            email: "a@x.test".into(),
        }],
        subject: subject.into(),
        ..Default::default()
    }
}

fn folder(path: &str) -> Folder {
    Folder {
        account: "acc".into(),
        path: path.into(),
        delimiter: Some('/'),
        role: if path == "INBOX" {
            Some(Role::Inbox)
        } else {
            None
        },
        selectable: true,
        unread: 0,
        total: 0,
    }
}

#[test]
fn envelopes_round_trip_in_uid_order() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.put_folder(&folder("INBOX")).unwrap();
    s.put_envelopes("acc", "INBOX", &[env(300, "c"), env(2, "a"), env(10, "b")])
        .unwrap();
    s.put_envelopes("acc", "INBOX/sub", &[env(1, "other")])
        .unwrap();
    let got = s.envelopes("acc", "INBOX").unwrap();
    assert_eq!(
        got.iter().map(|e| e.uid).collect::<Vec<_>>(),
        vec![2, 10, 300]
    );
    let local = s.allocate_uid("acc", "INBOX").unwrap();
    assert_eq!(local, LOCAL_UID_BASE);
    s.put_envelopes("acc", "INBOX", &[env(local, "moved here")])
        .unwrap();
    assert_eq!(s.allocate_uid("acc", "INBOX").unwrap(), LOCAL_UID_BASE + 1);
    let f = s.recount("acc", "INBOX").unwrap().unwrap();
    assert_eq!((f.unread, f.total), (4, 4));
}

#[test]
fn survives_reopen_and_keeps_journal_order() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Store::open(dir.path()).unwrap();
        s.put_folder(&folder("INBOX")).unwrap();
        for uid in 1..=3 {
            s.journal_append(
                "acc",
                JournalOp::Expunge {
                    folder: "INBOX".into(),
                    uid,
                },
            )
            .unwrap();
        }
        s.flush().unwrap();
    }
    let s = Store::open(dir.path()).unwrap();
    let j = s.journal(Some("acc")).unwrap();
    assert_eq!(j.len(), 3);
    assert!(j.windows(2).all(|w| w[0].id < w[1].id));
    s.journal_remove(j[0].id).unwrap();
    assert_eq!(s.journal_len(), 2);
    assert_eq!(s.folders(Some("acc")).unwrap().len(), 1);
    assert!(s.folders(Some("ac")).unwrap().is_empty());
}

#[test]
fn refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        db.insert(b"schema_version", &99u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }
    match Store::open(dir.path()) {
        Err(StoreError::TooNew { found: 99, .. }) => {}
        other => panic!("{:?}", other.err()),
    }
}

#[test]
fn flags_and_removal() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.put_envelopes("acc", "INBOX", &[env(5, "x")]).unwrap();
    s.put_body("acc", "INBOX", 5, b"raw").unwrap();
    let old = s.set_flags("acc", "INBOX", 5, Flags(Flags::SEEN)).unwrap();
    assert_eq!(old, Some(Flags(0)));
    assert!(s.envelope("acc", "INBOX", 5).unwrap().unwrap().flags.seen());
    s.remove_message("acc", "INBOX", 5).unwrap();
    assert!(s.envelope("acc", "INBOX", 5).unwrap().is_none());
    assert!(s.body("acc", "INBOX", 5).unwrap().is_none());
}

#[test]
fn upgrade_from_schema_1_keeps_cache_and_journal() {
    let dir = tempfile::tempdir().unwrap();
    {
        // a store as schema 1 wrote it
        let db = sled::open(dir.path()).unwrap();
        db.insert(b"schema_version", &1u32.to_be_bytes()).unwrap();
        let envs = db.open_tree("envelopes").unwrap();
        envs.insert(
            message_key("acc", "INBOX", 5),
            bincode::serialize(&env(5, "kept")).unwrap(),
        )
        .unwrap();
        let journal = db.open_tree("journal").unwrap();
        let old = journal::JournalEntryV1 {
            id: 9,
            account: "acc".into(),
            op: JournalOp::Expunge {
                folder: "INBOX".into(),
                uid: 5,
            },
            created: 1,
        };
        journal
            .insert(9u64.to_be_bytes(), bincode::serialize(&old).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    let s = Store::open(dir.path()).unwrap();
    let j = s.journal(None).unwrap();
    assert_eq!(j.len(), 1);
    assert_eq!(
        j[0].op,
        JournalOp::Expunge {
            folder: "INBOX".into(),
            uid: 5
        }
    );
    assert_eq!(j[0].message_id, None);
    assert_eq!(s.envelopes("acc", "INBOX").unwrap()[0].subject, "kept");
    drop(s);
    // and opening again is a no-op
    let s = Store::open(dir.path()).unwrap();
    assert_eq!(s.journal(None).unwrap().len(), 1);
}

#[test]
fn open_existing_creates_nothing_where_there_is_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("store");
    assert!(Store::open_existing(&missing).unwrap().is_none());
    assert!(!missing.exists(), "a read-only open created the store");
    std::fs::create_dir(&missing).unwrap();
    assert!(Store::open_existing(&missing).unwrap().is_none());
    assert_eq!(std::fs::read_dir(&missing).unwrap().count(), 0);
    drop(Store::open(&missing).unwrap());
    assert!(Store::open_existing(&missing).unwrap().is_some());
}

fn sample_draft(id: &str) -> crate::mail::compose::Draft {
    crate::mail::compose::Draft {
        id: id.into(),
        from: crate::mail::Address {
            name: Some("Alice".into()),
            email: "alice@example.test".into(),
        },
        to: vec![crate::mail::Address {
            name: None,
            email: "bob@example.test".into(),
        }],
        cc: Vec::new(),
        bcc: Vec::new(),
        subject: "Hello".into(),
        body: "Hi Bob\n".into(),
        in_reply_to: None,
        references: Vec::new(),
        attachments: Vec::new(),
    }
}

#[test]
fn drafts_and_the_outbox_are_kept_and_raced_safely() {
    use super::{DraftRecord, OutboxRecord, OutboxState};
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let d = DraftRecord {
        account: "acc".into(),
        draft: sample_draft("d1"),
        answers: None,
        updated: 1,
        open: true,
        postponed: None,
    };
    s.put_draft(&d).unwrap();
    assert_eq!(s.draft("d1").unwrap(), Some(d.clone()));
    let rec = OutboxRecord {
        id: 0,
        account: "acc".into(),
        draft: sample_draft("d1"),
        built: None,
        state: OutboxState::Waiting {
            not_before: 10,
            reason: None,
        },
        answers: None,
        queued: 5,
        attempts: 0,
    };
    let id = s.outbox_push(rec.clone()).unwrap();
    let stored = s.outbox_get(id).unwrap().unwrap();
    assert_eq!(stored.draft, rec.draft);
    // the worker claims it; the app's undo-send with the old state then loses the race
    let sending = OutboxRecord {
        state: OutboxState::Sending { since: 11 },
        ..stored.clone()
    };
    assert!(s.outbox_transition(&stored, Some(&sending)).unwrap());
    assert!(!s.outbox_transition(&stored, None).unwrap());
    assert_eq!(s.outbox(Some("acc")).unwrap(), vec![sending.clone()]);
    assert!(s.outbox(Some("other")).unwrap().is_empty());
    // reopened, everything is there (data, not cache)
    drop(s);
    let s = Store::open(dir.path()).unwrap();
    assert_eq!(s.draft("d1").unwrap(), Some(d));
    assert_eq!(s.outbox(None).unwrap(), vec![sending]);
    s.outbox_remove(id).unwrap();
    s.remove_draft("d1").unwrap();
    assert!(s.outbox(None).unwrap().is_empty() && s.drafts().unwrap().is_empty());
}

#[test]
fn a_schema_2_store_migrates_to_3_keeping_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Store::open(dir.path()).unwrap();
        s.journal_append(
            "acc",
            JournalOp::Expunge {
                folder: "INBOX".into(),
                uid: 7,
            },
        )
        .unwrap();
        s.flush().unwrap();
        s.db.insert(b"schema_version", &2u32.to_be_bytes()).unwrap();
        s.db.flush().unwrap();
    }
    let s = Store::open(dir.path()).unwrap();
    let v = s.db.get(b"schema_version").unwrap().unwrap();
    assert_eq!(v.as_ref(), &3u32.to_be_bytes());
    assert_eq!(s.journal(Some("acc")).unwrap().len(), 1);
    assert!(s.outbox(None).unwrap().is_empty());
}

#[test]
fn counts_moved_from_two_threads_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.put_folder(&folder("INBOX")).unwrap();
    let one = CountDelta {
        unread: 1,
        total: 1,
    };
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..20_000 {
                    s.add_counts("acc", "INBOX", one).unwrap();
                }
            });
        }
    });
    let f = s.folder("acc", "INBOX").unwrap().unwrap();
    assert_eq!((f.total, f.unread), (40_000, 40_000));
    // a folder with no record: nothing to move
    assert!(s.add_counts("acc", "Nope", one).unwrap().is_none());
}

#[test]
fn newest_first_scans_stop_where_asked() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.put_envelopes("acc", "INBOX", &[env(3, "c"), env(1, "a"), env(300, "z")])
        .unwrap();
    s.put_envelopes("acc", "INBOX/sub", &[env(999, "other")])
        .unwrap();
    let mut seen = Vec::new();
    s.scan_envelope_refs_newest_first("acc", "INBOX", &mut |e| {
        seen.push(e.uid);
        e.uid != 3
    })
    .unwrap();
    assert_eq!(
        seen,
        vec![300, 3],
        "descending, stopped at 3, nothing of INBOX/sub"
    );
}

#[test]
fn a_store_another_tmail_holds_is_said_to_be_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _held = Store::open(dir.path()).unwrap();
    match Store::open(dir.path()) {
        Err(e @ StoreError::Locked { .. }) => {
            assert!(e.to_string().contains("in use by another tmail"), "{e}")
        }
        other => panic!("{:?}", other.err()),
    }
}

#[test]
fn first_sync_mark_follows_its_folder_and_goes_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.put_folder(&folder("A")).unwrap();
    let m = FirstSyncMark {
        uidvalidity: 7,
        modseq: 9,
        uidnext: 500,
        below: 300,
    };
    assert_eq!(s.first_sync_mark("acc", "A").unwrap(), None);
    s.set_first_sync_mark("acc", "A", &m).unwrap();
    // not taken for the folder state, nor for another folder's
    assert_eq!(s.folder_state("acc", "A").unwrap(), FolderState::default());
    assert_eq!(s.first_sync_mark("acc", "A/first").unwrap(), None);
    s.rename_folder("acc", "A", "B").unwrap();
    assert_eq!(s.first_sync_mark("acc", "A").unwrap(), None);
    assert_eq!(s.first_sync_mark("acc", "B").unwrap(), Some(m));
    s.remove_folder("acc", "B").unwrap();
    assert_eq!(s.first_sync_mark("acc", "B").unwrap(), None);
}

#[test]
fn uids_between_reads_one_range() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    s.put_envelopes("acc", "INBOX", &[env(2, "a"), env(10, "b"), env(300, "c")])
        .unwrap();
    s.put_envelopes("acc", "INBOX/sub", &[env(5, "other")])
        .unwrap();
    assert_eq!(s.uids_between("acc", "INBOX", 2, 300).unwrap(), vec![2, 10]);
    assert_eq!(
        s.uids_between("acc", "INBOX", 3, 301).unwrap(),
        vec![10, 300]
    );
    assert!(s.uids_between("acc", "INBOX", 300, 300).unwrap().is_empty());
    assert_eq!(
        s.uids_between("acc", "INBOX", 0, u32::MAX).unwrap(),
        vec![2, 10, 300]
    );
}

#[test]
fn journal_since_finds_the_entries_made_after_and_flags_swap_only_if_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let op = |uid| JournalOp::Expunge {
        folder: "INBOX".into(),
        uid,
    };
    assert_eq!(s.journal_last_id().unwrap(), None);
    s.journal_append("acc", op(1)).unwrap();
    // the very first entry too (sled's first id is 0)
    assert_eq!(s.journal_since(None).unwrap().len(), 1);
    let seen = s.journal_last_id().unwrap();
    assert!(s.journal_since(seen).unwrap().is_empty());
    s.journal_append("other", op(2)).unwrap();
    s.journal_append("acc", op(3)).unwrap();
    let after: Vec<JournalOp> = s
        .journal_since(seen)
        .unwrap()
        .into_iter()
        .map(|e| e.op)
        .collect();
    assert_eq!(after, vec![op(2), op(3)]);

    s.put_envelopes("acc", "INBOX", &[env(4, "a")]).unwrap();
    let read = s.envelope_bytes("acc", "INBOX", 4).unwrap().unwrap();
    let flagged = Flags(Flags::FLAGGED);
    assert!(s
        .set_flags_unless_changed("acc", "INBOX", 4, &read, flagged)
        .unwrap());
    assert_eq!(
        s.envelope("acc", "INBOX", 4).unwrap().unwrap().flags,
        flagged
    );
    // changed since `read` was read: left alone
    assert!(!s
        .set_flags_unless_changed("acc", "INBOX", 4, &read, Flags(Flags::SEEN))
        .unwrap());
    assert_eq!(
        s.envelope("acc", "INBOX", 4).unwrap().unwrap().flags,
        flagged
    );
}
