//! The folder list of an IMAP account: LIST with hierarchy and `\Noselect`, roles from
//! SPECIAL-USE (or well-known names) with the account's overrides, counts from STATUS.

use async_imap::types::NameAttribute;
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
            path: n.name().to_string(),
            delimiter: n.delimiter().and_then(|d| d.chars().next()),
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

/// Unread and total counts of one folder by STATUS.
pub async fn status(session: &mut ImapSession, path: &str) -> Result<(u32, u32), ImapError> {
    let m = timed("STATUS", session.status(path, "(MESSAGES UNSEEN)")).await?;
    Ok((m.unseen.unwrap_or(0), m.exists))
}

#[cfg(test)]
mod tests {
    use super::*;

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
