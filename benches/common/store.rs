//! The benchmark's mailbox: N generated messages with realistic threads, written straight into a
//! tmail store (as a finished sync leaves it), kept between runs under a cache directory and
//! copied for each run (the benchmark changes the store it runs on).
//!
//! Folders of account `work`: `INBOX` (N messages, every body cached), `Headers` (the same N
//! envelopes, no bodies: what an IMAP folder looks like before anything was read), `Archive`,
//! `Trash` (a few messages each) and `Sent`.

use std::path::{Path, PathBuf};

use tmail::mail::{parse::envelope_from_raw, Flags, Folder, Role};
use tmail::store::{FolderState, Store};

/// Bump when the generated mailbox changes: cached stores of another version are rebuilt.
const VERSION: u32 = 2;

pub const ACCOUNT: &str = "work";

/// A deterministic hash of `i` (splitmix64), for choosing which messages reply to which.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Message `i` of the benchmark mailbox: the test corpus' varied MIME (plain, HTML, alternative,
/// attachments, charsets, encoded words, long lines, a malformed one now and then), where about
/// 45% answer one of the 40 messages before them, so threads grow up to 8 deep and a few dozen
/// long, as on a busy mailing list. `refs[i]` gets message i's References chain (for its replies).
pub fn message(i: usize, refs: &mut Vec<Vec<u32>>) -> Vec<u8> {
    let raw = crate::support::corpus::message(i);
    let h = mix(i as u64);
    let marker = format!("Message-ID: <msg{i}@example.test>\r\n");
    let already_reply = i % 16 == 15;
    let chain = if i > 0 && !already_reply && h % 100 < 45 {
        let p = i.saturating_sub(1 + (h >> 8) as usize % 40);
        let parent_chain = refs.get(p).cloned().unwrap_or_default();
        let has_id = p % 16 != 7;
        if has_id && parent_chain.len() < 8 {
            let mut c = parent_chain;
            c.push(p as u32);
            c
        } else {
            Vec::new()
        }
    } else {
        Vec::new()
    };
    refs.push(chain.clone());
    if chain.is_empty() {
        return raw;
    }
    let text = String::from_utf8_lossy(&raw);
    let Some(at) = text.find(&marker) else {
        return raw;
    };
    let parent = chain.last().copied().unwrap_or(0);
    let references: Vec<String> = chain
        .iter()
        .map(|r| format!("<msg{r}@example.test>"))
        .collect();
    let mut out = Vec::with_capacity(raw.len() + 200);
    out.extend_from_slice(&raw[..at + marker.len()]);
    out.extend_from_slice(
        format!(
            "In-Reply-To: <msg{parent}@example.test>\r\nReferences: {}\r\n",
            references.join(" ")
        )
        .as_bytes(),
    );
    out.extend_from_slice(&raw[at + marker.len()..]);
    out
}

fn folder(path: &str, role: Option<Role>) -> Folder {
    Folder {
        account: ACCOUNT.into(),
        path: path.into(),
        delimiter: Some('/'),
        role,
        selectable: true,
        unread: 0,
        total: 0,
    }
}

/// Write the mailbox of `n` messages into a new store at `dir`.
fn build(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).expect("store dir");
    let store = Store::open(dir).expect("open store");
    for f in [
        folder("INBOX", Some(Role::Inbox)),
        folder("Headers", None),
        folder("Archive", Some(Role::Archive)),
        folder("Trash", Some(Role::Trash)),
        folder("Sent", Some(Role::Sent)),
    ] {
        store.put_folder(&f).expect("folder");
    }
    let mut refs = Vec::with_capacity(n);
    let mut batch = Vec::with_capacity(2000);
    let flush = |batch: &mut Vec<tmail::mail::Envelope>| {
        for f in ["INBOX", "Headers"] {
            store.put_envelopes(ACCOUNT, f, batch).expect("envelopes");
        }
        batch.clear();
    };
    for i in 0..n {
        let raw = message(i, &mut refs);
        let uid = i as u32 + 1;
        let flags = if i % 3 == 0 {
            Flags::default()
        } else {
            Flags::default().with(Flags::SEEN, true)
        };
        batch.push(envelope_from_raw(
            &raw,
            uid,
            flags,
            1_767_225_600 + i as i64 * 3600,
        ));
        store.put_body(ACCOUNT, "INBOX", uid, &raw).expect("body");
        if batch.len() == 2000 {
            flush(&mut batch);
        }
    }
    flush(&mut batch);
    // A few messages in the small folders.
    for (f, k) in [("Archive", 50usize), ("Trash", 20)] {
        let mut refs = Vec::new();
        let envs: Vec<_> = (0..k)
            .map(|i| {
                let raw = message(n + i, &mut refs);
                envelope_from_raw(&raw, i as u32 + 1, Flags::default(), 1_767_225_600)
            })
            .collect();
        store.put_envelopes(ACCOUNT, f, &envs).expect("envelopes");
    }
    for f in ["INBOX", "Headers", "Archive", "Trash", "Sent"] {
        let uids = store.uids(ACCOUNT, f).expect("uids");
        store
            .set_folder_state(
                ACCOUNT,
                f,
                &FolderState {
                    uidvalidity: 1,
                    uidnext: uids.last().map_or(1, |u| u + 1),
                    highestmodseq: 0,
                },
            )
            .expect("state");
        store.recount(ACCOUNT, f).expect("recount");
    }
    store.flush().expect("flush");
}

fn cache_root() -> PathBuf {
    std::env::var_os("TMAIL_BENCH_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("tmail-bench"))
}

/// A fresh copy of the `n`-message store at `dest` (built once and cached).
pub fn copy_to(dest: &Path, n: usize) {
    let cached = cache_root().join(format!("v{VERSION}-{n}"));
    if !cached.join("done").exists() {
        let _ = std::fs::remove_dir_all(&cached);
        let t = std::time::Instant::now();
        build(&cached.join("store"), n);
        std::fs::write(cached.join("done"), b"").expect("mark cache");
        eprintln!("built the {n}-message store in {:.1?}", t.elapsed());
    }
    std::fs::create_dir_all(dest.parent().unwrap_or(Path::new("/"))).expect("dest dir");
    let ok = std::process::Command::new("cp")
        .arg("-a")
        .arg(cached.join("store"))
        .arg(dest)
        .status()
        .expect("cp");
    assert!(ok.success(), "copying the cached store failed");
}
