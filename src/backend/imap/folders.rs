//! The folder list of an IMAP account: LIST with hierarchy and `\Noselect`, roles from
//! SPECIAL-USE (or well-known names) with the account's overrides, counts from STATUS.
//!
//! Folder names are kept as the server names them (modified UTF-7, RFC 3501 §5.1.3) and
//! *unescaped*: a LIST reply `"Projects/\"Q3\" plans"` is the name `Projects/"Q3" plans`.
//! Every command that sends a name (SELECT, EXAMINE, STATUS, CREATE, DELETE, RENAME, SUBSCRIBE,
//! COPY, MOVE, APPEND) sends it as an IMAP quoted string with `\` and `"` escaped (RFC 3501
//! §4.3; async-imap quotes every mailbox argument so), which holds any name but one with CR,
//! LF or NUL (refused before sending).

use async_imap::types::{NameAttribute, UnsolicitedResponse};
use futures::TryStreamExt;

use super::conn::{timed, ImapError, ImapSession};
use crate::config::FolderRoles;
use crate::mail::{Folder, Role};

fn role_from_attributes(attrs: &[NameAttribute<'_>]) -> Option<Role> {
    attrs.iter().find_map(|a| match a {
        NameAttribute::Sent => Some(Role::Sent),
        NameAttribute::Drafts => Some(Role::Drafts),
        NameAttribute::Trash => Some(Role::Trash),
        NameAttribute::Junk => Some(Role::Junk),
        NameAttribute::Archive => Some(Role::Archive),
        NameAttribute::Extension(s) => match s.to_ascii_lowercase().as_str() {
            "\\sent" => Some(Role::Sent),
            "\\drafts" => Some(Role::Drafts),
            "\\trash" => Some(Role::Trash),
            "\\junk" => Some(Role::Junk),
            "\\archive" => Some(Role::Archive),
            _ => None,
        },
        _ => None,
    })
}

fn role_from_name(path: &str) -> Option<Role> {
    match path.to_ascii_lowercase().as_str() {
        "inbox" => Some(Role::Inbox),
        "sent" | "sent items" | "sent messages" | "sent mail" => Some(Role::Sent),
        "drafts" => Some(Role::Drafts),
        "trash" | "deleted items" | "deleted messages" => Some(Role::Trash),
        "junk" | "spam" | "junk e-mail" => Some(Role::Junk),
        "archive" | "archives" => Some(Role::Archive),
        _ => None,
    }
}

fn selectable(attrs: &[NameAttribute<'_>]) -> bool {
    !attrs.iter().any(|a| match a {
        NameAttribute::NoSelect => true,
        NameAttribute::Extension(s) => s.eq_ignore_ascii_case("\\NonExistent"),
        _ => false,
    })
}

/// Assign roles: overrides first, then SPECIAL-USE, then well-known names; one folder per role.
pub fn assign_roles(folders: &mut [Folder], special: &[Option<Role>], overrides: &FolderRoles) {
    let over = [
        (Role::Sent, &overrides.sent),
        (Role::Drafts, &overrides.drafts),
        (Role::Trash, &overrides.trash),
        (Role::Junk, &overrides.junk),
        (Role::Archive, &overrides.archive),
    ];
    for f in folders.iter_mut() {
        f.role = None;
    }
    let mut taken: Vec<Role> = Vec::new();
    for (role, name) in over {
        if let Some(name) = name {
            if let Some(f) = folders.iter_mut().find(|f| f.path == *name) {
                f.role = Some(role);
                taken.push(role);
            }
        }
    }
    for (f, sp) in folders.iter_mut().zip(special) {
        if f.path.eq_ignore_ascii_case("INBOX") {
            f.role = Some(Role::Inbox);
            continue;
        }
        if let Some(r) = sp {
            if f.role.is_none() && !taken.contains(r) {
                f.role = Some(*r);
                taken.push(*r);
            }
        }
    }
    for f in folders.iter_mut() {
        if f.role.is_none() {
            if let Some(r) = role_from_name(&f.path) {
                if !taken.contains(&r) {
                    f.role = Some(r);
                    taken.push(r);
                }
            }
        }
    }
}

/// LIST every folder (roles assigned), without counts.
pub async fn list(
    session: &mut ImapSession,
    account: &str,
    overrides: &FolderRoles,
) -> Result<Vec<Folder>, ImapError> {
    let names = timed("LIST", async {
        session
            .list(Some(""), Some("*"))
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?;
    let mut folders = Vec::with_capacity(names.len());
    let mut special = Vec::with_capacity(names.len());
    for n in &names {
        let attrs = n.attributes();
        folders.push(Folder {
            account: account.to_string(),
            path: unescape(n.name()),
            delimiter: n.delimiter().and_then(|d| unescape(d).chars().next()),
            role: None,
            selectable: selectable(attrs),
            unread: 0,
            total: 0,
        });
        special.push(role_from_attributes(attrs));
    }
    assign_roles(&mut folders, &special, overrides);
    Ok(folders)
}

/// A mailbox name as LIST or STATUS returned it (imap-proto keeps the backslash escapes of a
/// quoted string) as the name itself: `\"` is `"` and `\\` is `\` (RFC 3501 §4.3).
pub fn unescape(name: &str) -> String {
    if !name.contains('\\') {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut it = name.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => out.extend(it.next()),
            c => out.push(c),
        }
    }
    out
}

/// The name as an IMAP quoted string (RFC 3501 §4.3): for commands tmail writes itself.
pub fn quoted(name: &str) -> Result<String, ImapError> {
    if name.contains(['\r', '\n', '\0']) {
        return Err(ImapError::Invalid(format!(
            "the folder name {name:?} cannot be sent (it holds a line break or NUL)"
        )));
    }
    Ok(format!(
        "\"{}\"",
        name.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// Unread and total counts of one folder by STATUS. The reply is matched on the unescaped
/// name (async-imap's own `status` compares the escaped one and misses names with `"` or `\`).
pub async fn status(session: &mut ImapSession, path: &str) -> Result<(u32, u32), ImapError> {
    use async_imap::imap_proto::StatusAttribute;
    let command = format!("STATUS {} (MESSAGES UNSEEN)", quoted(path)?);
    while session.unsolicited_responses.try_recv().is_ok() {}
    timed("STATUS", session.run_command_and_check_ok(command)).await?;
    let mut counts = None;
    while let Ok(u) = session.unsolicited_responses.try_recv() {
        if let UnsolicitedResponse::Status {
            mailbox,
            attributes,
        } = u
        {
            let name = unescape(&mailbox);
            let same = name == path
                || (name.eq_ignore_ascii_case("INBOX") && path.eq_ignore_ascii_case("INBOX"));
            if !same {
                continue;
            }
            let (mut unseen, mut total) = (0, 0);
            for a in attributes {
                match a {
                    StatusAttribute::Messages(n) => total = n,
                    StatusAttribute::Unseen(n) => unseen = n,
                    _ => {}
                }
            }
            counts = Some((unseen, total));
        }
    }
    counts.ok_or_else(|| ImapError::Protocol(format!("no STATUS reply for {path}")))
}

/// APPEND a message to a folder (flags like `(\Seen)`; for saving sent mail and drafts).
pub async fn append(
    session: &mut ImapSession,
    folder: &str,
    flags: Option<&str>,
    raw: &[u8],
) -> Result<(), ImapError> {
    quoted(folder)?;
    timed("APPEND", session.append(folder, flags, None, raw)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unescaped_and_quoted() {
        assert_eq!(
            unescape(r#"Projects/\"Q3\" plans"#),
            r#"Projects/"Q3" plans"#
        );
        assert_eq!(unescape(r"back\\slash"), r"back\slash");
        assert_eq!(unescape("R&-D"), "R&-D");
        assert_eq!(
            quoted(r#"Projects/"Q3" plans"#).ok().as_deref(),
            Some(r#""Projects/\"Q3\" plans""#)
        );
        assert_eq!(quoted(r"a\b").ok().as_deref(), Some(r#""a\\b""#));
        assert!(quoted("a\r\nb").is_err());
        for name in [r#"x"y\z"#, "50% *off*", "Old Mail 2019", "&AOQ-"] {
            assert_eq!(
                unescape(quoted(name).unwrap_or_default().trim_matches('"')),
                name
            );
        }
    }

    fn f(path: &str) -> Folder {
        Folder {
            account: "a".into(),
            path: path.into(),
            delimiter: Some('/'),
            role: None,
            selectable: true,
            unread: 0,
            total: 0,
        }
    }

    #[test]
    fn overrides_beat_special_use_beat_names() {
        let mut fs = vec![
            f("INBOX"),
            f("Sent"),
            f("Gesendet"),
            f("Papierkorb"),
            f("Spam"),
        ];
        let special = vec![None, None, Some(Role::Sent), Some(Role::Trash), None];
        assign_roles(&mut fs, &special, &FolderRoles::default());
        let roles: Vec<Option<Role>> = fs.iter().map(|f| f.role).collect();
        assert_eq!(
            roles,
            vec![
                Some(Role::Inbox),
                None,
                Some(Role::Sent),
                Some(Role::Trash),
                Some(Role::Junk)
            ]
        );
        let over = FolderRoles {
            sent: Some("Sent".into()),
            ..Default::default()
        };
        assign_roles(&mut fs, &special, &over);
        assert_eq!(fs[1].role, Some(Role::Sent));
        assert_eq!(fs[2].role, None);
    }
}
