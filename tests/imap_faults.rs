//! Failure tests: a fault-injecting proxy in front of Dovecot cuts the connections at random
//! points while tmail syncs and replays user actions; afterwards server and store agree, and no
//! action is lost or done twice.

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use support::dovecot::{dovecot, Dovecot, User};
use support::harness::{account, Harness};
use support::proxy::Proxy;

/// message-id -> (folder, flagged) on the server.
fn server_state(d: &Dovecot, u: &User) -> HashMap<String, (String, bool)> {
    let mut out = HashMap::new();
    for folder in ["INBOX", "Archive", "Trash"] {
        let ids = d.doveadm(&[
            "fetch",
            "-u",
            &u.name,
            "hdr.message-id flags",
            "mailbox",
            folder,
            "all",
        ]);
        let mut id = String::new();
        for line in ids.lines() {
            if let Some(v) = line.strip_prefix("hdr.message-id: ") {
                id = v
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string();
            } else if let Some(f) = line.strip_prefix("flags: ") {
                let prev = out.insert(id.clone(), (folder.to_string(), f.contains("\\Flagged")));
                assert!(
                    prev.is_none() || id.is_empty(),
                    "{id} is on the server twice: {prev:?} and {folder}"
                );
            }
        }
    }
    out
}

#[test]
fn random_cuts_during_sync_and_replay_lose_nothing_and_double_nothing() {
    // FAULTS_LOG=1: tmail's debug log on stderr (with --nocapture), to see each connection's fate
    if std::env::var_os("FAULTS_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_env_filter("tmail=debug")
            .try_init();
    }
    let d = dovecot();
    let u = d.new_user("faults");
    // every message has a Message-ID here (the corpus's malformed ones do not): skip those
    let msgs: Vec<Vec<u8>> = (0..400)
        .filter(|i| i % 16 != 7)
        .take(300)
        .map(support::corpus::message)
        .collect();
    d.append_many(&u, "INBOX", &msgs);
    let proxy = Proxy::start(d.imaps_port());
    // the first sync (~140 KB) is cut a few times (3 with this seed): it must keep what arrived
    proxy.cut_after_random_bytes(1_000, 120_000, 20261122);
    // on a failed first sync, say what the proxy drew and what Dovecot saw
    let started = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Harness::start(account(&u, proxy.port(), d.ca_file()))
    }));
    let mut h = match started {
        Ok(h) => h,
        Err(e) => {
            eprintln!(
                "cut points {:?}, {} cuts; Dovecot's log:\n{}",
                proxy.cut_points(),
                proxy.cuts(),
                d.log_tail(60)
            );
            std::panic::resume_unwind(e)
        }
    };
    // first the sync is cut, then the replays: short connections that die a few commands in
    h.wait("the first sync through the cuts", |a| {
        a.list.rows.len() == 300
    });
    let sync_cuts = proxy.cuts();
    eprintln!("the first sync was cut {sync_cuts} times");
    proxy.cut_after_random_bytes(3_000, 9_000, 7);

    // the model: where each message should end up, and whether it is flagged
    let mut model: HashMap<String, (String, bool)> = HashMap::new();
    let mut seed: u64 = 42;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let deadline = Instant::now() + Duration::from_secs(150);
    let mut ops = 0;
    // 100 cuts while actions are made and replayed (those of the first sync do not count)
    while proxy.cuts() - sync_cuts < 100 {
        assert!(
            Instant::now() < deadline,
            "only {} cuts after 150 s ({} ops)",
            proxy.cuts() - sync_cuts,
            ops
        );
        h.pump_for(Duration::from_millis(40));
        if ops >= 400 {
            continue;
        }
        // a message still in the INBOX on the server side of things (not a local placeholder)
        let candidates: Vec<(u32, String)> = h
            .app
            .list
            .items
            .iter_views()
            .filter(|e| e.uid < tmail::store::LOCAL_UID_BASE)
            .filter_map(|e| {
                let full = h
                    .store
                    .envelope(&h.account, "INBOX", e.uid)
                    .ok()
                    .flatten()?;
                let id = full.message_id?;
                let (folder, _) = model.get(&id).cloned().unwrap_or(("INBOX".into(), false));
                (folder == "INBOX").then_some((e.uid, id))
            })
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let (uid, id) = candidates[next() % candidates.len()].clone();
        assert!(h.app.list.select_uid(uid));
        let entry = model.entry(id).or_insert(("INBOX".into(), false));
        match next() % 4 {
            0 | 1 => {
                h.keys("f");
                entry.1 = !entry.1;
            }
            2 => {
                h.keys(":move Archive<Enter>");
                entry.0 = "Archive".into();
            }
            _ => {
                h.keys("d");
                entry.0 = "Trash".into();
            }
        }
        ops += 1;
    }
    if ops < 30 {
        // say why: what the list held and what the store knew of it
        let views: Vec<u32> = h.app.list.items.iter_views().map(|e| e.uid).collect();
        let remote = views
            .iter()
            .filter(|u| **u < tmail::store::LOCAL_UID_BASE)
            .count();
        let with_id = views
            .iter()
            .filter(|u| {
                h.store
                    .envelope(&h.account, "INBOX", **u)
                    .ok()
                    .flatten()
                    .and_then(|e| e.message_id)
                    .is_some()
            })
            .count();
        panic!(
            "only {ops} actions were made during the cuts: {} rows, {} views, {remote} with a \
             server UID, {with_id} with a Message-ID in the store; folder {:?}; status {:?}",
            h.app.list.rows.len(),
            views.len(),
            h.app.list.folder,
            h.app.status
        );
    }
    assert!(
        sync_cuts >= 2,
        "the first sync was cut only {sync_cuts} times"
    );
    proxy.disarm();
    proxy.cut_all();
    h.wait_replayed();
    h.sync_all();
    assert!(
        h.app
            .status
            .error
            .as_deref()
            .is_none_or(|e| !e.contains("could not")),
        "{:?}",
        h.app.status.error
    );

    let server = server_state(d, &u);
    assert_eq!(server.len(), 300, "messages lost or doubled on the server");
    for (id, (folder, flagged)) in &model {
        assert_eq!(server.get(id), Some(&(folder.clone(), *flagged)), "{id}");
    }
    // the store agrees with the server, folder by folder
    for folder in ["INBOX", "Archive", "Trash"] {
        let mut local: Vec<(String, bool)> = h
            .store
            .envelopes(&h.account, folder)
            .unwrap()
            .into_iter()
            .map(|e| (e.message_id.unwrap_or_default(), e.flags.flagged()))
            .collect();
        local.sort();
        let mut remote: Vec<(String, bool)> = server
            .iter()
            .filter(|(_, (f, _))| f == folder)
            .map(|(id, (_, fl))| (id.clone(), *fl))
            .collect();
        remote.sort();
        assert_eq!(local, remote, "{folder}");
    }
    eprintln!(
        "{} cuts ({sync_cuts} during the first sync), {} actions, {} connections",
        proxy.cuts(),
        ops,
        proxy.accepted()
    );
}
