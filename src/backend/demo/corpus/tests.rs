//! The demo corpus as tmail and its tests rely on it: folders and counts, dates, threads,
//! flags, the welcome, budget and hostile messages, the broken ones. MIME, charsets and
//! attachments are in [`super::tests_mime`].

use std::collections::{HashMap, HashSet};

use mail_parser::{Message, MessageParser, MimeHeaders};

use super::*;

pub(super) struct Parsed {
    pub msg: DemoMessage,
    pub mail: Message<'static>,
}

pub(super) fn parsed() -> Vec<Parsed> {
    messages()
        .into_iter()
        .map(|msg| {
            let mail = MessageParser::default()
                .parse(&msg.raw)
                .map(Message::into_owned)
                .unwrap_or_else(|| panic!("unparseable: {}", String::from_utf8_lossy(&msg.raw)));
            Parsed { msg, mail }
        })
        .collect()
}

pub(super) fn subject(p: &Parsed) -> &str {
    p.mail.subject().unwrap_or("")
}

pub(super) fn by_subject<'a>(all: &'a [Parsed], wanted: &str) -> &'a Parsed {
    let found: Vec<&Parsed> = all.iter().filter(|p| subject(p) == wanted).collect();
    assert_eq!(found.len(), 1, "messages with subject {wanted:?}");
    found[0]
}

pub(super) fn body(p: &Parsed) -> String {
    p.mail
        .body_text(0)
        .map(|b| b.into_owned())
        .unwrap_or_default()
}

pub(super) fn from(p: &Parsed) -> &str {
    p.mail
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("")
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn counts_and_folders() {
    let all = messages();
    assert!((180..=240).contains(&all.len()), "{} messages", all.len());
    let folders = folders();
    let paths: HashSet<&str> = folders.iter().map(|f| f.path.as_str()).collect();
    for m in &all {
        assert!(
            paths.contains(m.folder.as_str()),
            "unknown folder {}",
            m.folder
        );
    }
    for f in &folders {
        let n = all.iter().filter(|m| m.folder == f.path).count();
        let min = if matches!(f.role, Some(Role::Trash | Role::Junk)) {
            1
        } else {
            3
        };
        assert!(n >= min, "{} has {n} messages", f.path);
    }
    let inbox = all.iter().filter(|m| m.folder == INBOX).count();
    assert!((80..=100).contains(&inbox), "INBOX has {inbox}");
    let roles: Vec<(&str, Option<Role>)> =
        folders.iter().map(|f| (f.path.as_str(), f.role)).collect();
    assert_eq!(roles[0], ("INBOX", Some(Role::Inbox)));
    for (path, role) in [
        ("Sent", Role::Sent),
        ("Drafts", Role::Drafts),
        ("Archive", Role::Archive),
        ("Junk", Role::Junk),
        ("Trash", Role::Trash),
    ] {
        assert!(roles.contains(&(path, Some(role))), "{path}");
    }
    for path in [
        "INBOX/Lists",
        "INBOX/Lists/rust-users",
        "Projects",
        "Projects/tmail",
    ] {
        assert!(roles.contains(&(path, None)), "{path}");
        let parent = path.rsplit_once(DELIMITER).map(|(p, _)| p).unwrap_or(path);
        assert!(paths.contains(parent), "parent of {path}");
    }
}

#[test]
fn deterministic() {
    assert_eq!(messages(), messages());
    assert_eq!(folders(), folders());
}

#[test]
fn every_message_parses_with_the_basic_headers() {
    let all = parsed();
    let mut undated = 0;
    for p in &all {
        let raw = &p.msg.raw;
        let what = String::from_utf8_lossy(&raw[..raw.len().min(300)]).into_owned();
        assert!(!subject(p).is_empty(), "no subject: {what}");
        assert!(!from(p).is_empty(), "no From: {what}");
        assert!(p.mail.message_id().is_some(), "no Message-ID: {what}");
        assert!(p.mail.header_raw("MIME-Version").is_some(), "{what}");
        assert!(p.mail.content_type().is_some(), "{what}");
        match p.mail.date() {
            Some(date) => assert_eq!(date.year, 2026, "{what}"),
            None => undated += 1,
        }
        // CRLF line ends only, and no line longer than RFC 5322 allows.
        for (i, &b) in raw.iter().enumerate() {
            if b == b'\n' {
                assert!(i > 0 && raw[i - 1] == b'\r', "bare LF in {what}");
            }
        }
        for line in raw.split(|&b| b == b'\n') {
            assert!(line.len() <= 998, "long line in {what}");
        }
        assert!(raw.ends_with(b"\r\n"), "{what}");
    }
    assert_eq!(undated, 1, "exactly one message lacks a Date");
}

#[test]
fn malformed_messages_still_parse() {
    let all = parsed();
    let scan = by_subject(&all, "Scanned document from MFP-2F");
    let raw = String::from_utf8_lossy(&scan.msg.raw).into_owned();
    assert!(raw.contains("\r\n--=_tmail_"));
    assert!(!raw
        .lines()
        .any(|l| l.starts_with("--=_tmail_") && l.ends_with("--")));
    assert!(body(scan).contains("MFP-2F"));
    let garbage = all
        .iter()
        .find(|p| contains(&p.msg.raw, b"\r\nthis line is not a header at all\r\n"))
        .expect("garbage header line");
    assert!(subject(garbage).contains("Sunday ride"));
    assert!(body(garbage).contains("9:15"));
    let undated = all
        .iter()
        .find(|p| p.mail.date().is_none())
        .expect("undated");
    assert_eq!(undated.msg.folder, JUNK);
}

#[test]
fn message_ids_are_unique() {
    let all = parsed();
    let mut seen = HashSet::new();
    for p in &all {
        let id = p.mail.message_id().unwrap_or_default().to_string();
        assert!(id.ends_with(".test"), "{id}");
        assert!(seen.insert(id.clone()), "duplicate {id}");
    }
}

#[test]
fn welcome_is_the_newest_inbox_message() {
    let all = parsed();
    let inbox: Vec<&Parsed> = all.iter().filter(|p| p.msg.folder == INBOX).collect();
    let newest = inbox
        .iter()
        .max_by_key(|p| p.mail.date().map(|d| d.to_timestamp()))
        .expect("inbox");
    assert_eq!(subject(newest), "Welcome to tmail");
    assert_eq!(from(newest), "demo@tmail.test");
    assert_eq!(
        newest
            .mail
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.name()),
        Some("tmail demo")
    );
    assert!(!newest.msg.flags.seen());
    let text = body(newest);
    for key in ["j / k", "Enter", "Tab", "n / N", "gg / G", "?", "q "] {
        assert!(text.contains(key), "{key}");
    }
    let welcomes = all
        .iter()
        .filter(|p| subject(p) == "Welcome to tmail")
        .count();
    assert_eq!(welcomes, 1);
}

#[test]
fn budget_review_is_flagged_and_searchable() {
    let all = parsed();
    let budget: Vec<&Parsed> = all
        .iter()
        .filter(|p| p.msg.folder == INBOX && subject(p) == "Quarterly budget review")
        .collect();
    assert_eq!(budget.len(), 1);
    let b = budget[0];
    assert_eq!(from(b), "bob@demo.tmail.test");
    assert_eq!(
        b.mail.from().and_then(|a| a.first()).and_then(|a| a.name()),
        Some("Bob Martin")
    );
    assert!(b.msg.flags.flagged());
    assert!(body(b).contains("zanzibar"));
    let elsewhere = all
        .iter()
        .filter(|p| {
            p.msg
                .raw
                .to_ascii_lowercase()
                .windows(8)
                .any(|w| w == b"zanzibar")
        })
        .count();
    assert_eq!(elsewhere, 1, "zanzibar must be unique to the budget mail");
}

#[test]
fn hostile_message_keeps_its_raw_escapes() {
    let all = parsed();
    let hostile: Vec<&Parsed> = all
        .iter()
        .filter(|p| from(p) == "mallory@evil.test")
        .collect();
    assert_eq!(hostile.len(), 1);
    let h = hostile[0];
    assert_eq!(h.msg.folder, INBOX);
    assert!(contains(
        &h.msg.raw,
        b"\r\nSubject: Invoice \x1b[31mOVERDUE\x1b[0m \x1b]0;pwned\x07\r\n"
    ));
    for needle in [
        &b"\x1b[2J"[..],
        b"\x1b]8;;http://evil.test\x1b\\click\x1b]8;;\x1b\\",
        b"\x1b[?1049l",
        "\u{9b}".as_bytes(),
        "\u{202e}".as_bytes(),
    ] {
        assert!(contains(&h.msg.raw, needle), "{needle:?}");
    }
    assert!(subject(h).contains('\x1b'));
    assert!(body(h).contains('\u{202e}'));
}

#[test]
fn threads_reference_existing_messages() {
    let all = parsed();
    let folder_of: HashMap<String, &str> = all
        .iter()
        .filter_map(|p| Some((p.mail.message_id()?.to_string(), p.msg.folder.as_str())))
        .collect();
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    let mut replies = 0;
    for p in &all {
        let id = p.mail.message_id().unwrap_or_default().to_string();
        let refs: Vec<String> = p
            .mail
            .references()
            .as_text_list()
            .map(|l| l.iter().map(|r| r.to_string()).collect())
            .or_else(|| p.mail.references().as_text().map(|r| vec![r.to_string()]))
            .unwrap_or_default();
        let parent = p.mail.in_reply_to().as_text().map(str::to_string);
        if let Some(parent) = parent {
            replies += 1;
            assert!(
                folder_of.contains_key(&parent),
                "{id}: unknown parent {parent}"
            );
            assert_eq!(
                refs.last(),
                Some(&parent),
                "{id}: References end with the parent"
            );
            children.entry(parent).or_default().push(id.clone());
        } else {
            assert!(refs.is_empty(), "{id}: References without In-Reply-To");
        }
        for r in &refs {
            assert!(folder_of.contains_key(r), "{id}: unknown reference {r}");
        }
    }
    assert!(replies >= 40, "{replies} replies");
    // A branching tree: a message with two answers, one of which is answered again.
    let branching = children.values().any(|kids| {
        kids.len() >= 2 && kids.iter().filter(|k| children.contains_key(*k)).count() >= 2
    });
    assert!(branching, "no reply tree with branches");
    // A conversation through Sent: an INBOX message answered from Sent, answered again
    // in INBOX.
    let spans = children.iter().any(|(parent, kids)| {
        folder_of.get(parent) == Some(&INBOX)
            && kids.iter().any(|k| {
                folder_of.get(k) == Some(&SENT)
                    && children
                        .get(k)
                        .is_some_and(|g| g.iter().any(|g| folder_of.get(g) == Some(&INBOX)))
            })
    });
    assert!(spans, "no thread through INBOX and Sent");
    // Threads of three or more in several folders.
    let depth_ok = all
        .iter()
        .filter(|p| {
            p.mail
                .references()
                .as_text_list()
                .is_some_and(|l| l.len() >= 2)
        })
        .count();
    assert!(depth_ok >= 10);
}

#[test]
fn flags_are_plausible() {
    let all = messages();
    let inbox: Vec<&DemoMessage> = all.iter().filter(|m| m.folder == INBOX).collect();
    let unread = inbox.iter().filter(|m| !m.flags.seen()).count();
    let share = unread as f64 / inbox.len() as f64;
    assert!(
        (0.25..=0.45).contains(&share),
        "{unread} of {} unread",
        inbox.len()
    );
    assert!(inbox.iter().filter(|m| m.flags.flagged()).count() >= 4);
    assert!(inbox.iter().filter(|m| m.flags.answered()).count() >= 8);
    for m in &all {
        match m.folder.as_str() {
            SENT => assert!(m.flags.seen() && !m.flags.draft()),
            DRAFTS => assert!(m.flags.draft()),
            _ => assert!(!m.flags.draft()),
        }
        assert!(!m.flags.deleted());
    }
}

#[test]
fn list_mail_has_list_headers() {
    let all = parsed();
    let list: Vec<&Parsed> = all.iter().filter(|p| p.msg.folder == RUST_USERS).collect();
    assert!(list.len() >= 15);
    for p in list {
        let id = p.mail.header_raw("List-Id").unwrap_or_default();
        assert!(id.contains("<rust-users.lists.demo.test>"), "{id}");
        assert!(subject(p).contains("[rust-users] "));
        assert!(p.mail.header_raw("List-Post").is_some());
    }
}
