//! The folder tree: every account's folders in display order, what is collapsed, and the cursor.

use std::collections::HashSet;

use crate::mail::{Folder, Role};

/// One visible row of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeRow {
    Account {
        name: String,
        collapsed: bool,
    },
    Folder {
        /// Index into `FolderTree::folders`.
        index: usize,
        depth: usize,
        has_children: bool,
        collapsed: bool,
    },
}

#[derive(Debug, Clone, Default)]
pub struct FolderTree {
    /// Accounts in config order.
    pub accounts: Vec<String>,
    /// All folders, sorted: per account, INBOX first, then by path segments.
    pub folders: Vec<Folder>,
    /// Collapsed nodes, as "account\0path" (a path of "" is the account row).
    collapsed: HashSet<String>,
    pub rows: Vec<TreeRow>,
    pub cursor: usize,
    pub offset: usize,
}

fn node_key(account: &str, path: &str) -> String {
    format!("{account}\0{path}")
}

fn sort_key(f: &Folder) -> (bool, Vec<String>) {
    let segs: Vec<String> = f.segments().iter().map(|s| s.to_lowercase()).collect();
    let inbox = segs.first().is_some_and(|s| s == "inbox");
    (!inbox, segs)
}

impl FolderTree {
    pub fn new(accounts: Vec<String>) -> FolderTree {
        FolderTree {
            accounts,
            ..Default::default()
        }
    }

    /// Replace one account's folders, keeping the cursor on the same folder when it still exists.
    pub fn set_folders(&mut self, account: &str, mut folders: Vec<Folder>) {
        let keep = self
            .selected_folder()
            .map(|f| (f.account.clone(), f.path.clone()));
        self.folders.retain(|f| f.account != account);
        folders.sort_by_key(sort_key);
        self.folders.extend(folders);
        let order: Vec<String> = self.accounts.clone();
        self.folders.sort_by(|a, b| {
            let ia = order.iter().position(|n| *n == a.account);
            let ib = order.iter().position(|n| *n == b.account);
            ia.cmp(&ib).then_with(|| sort_key(a).cmp(&sort_key(b)))
        });
        self.rebuild();
        if let Some((a, p)) = keep {
            self.select(&a, &p);
        }
    }

    fn is_collapsed(&self, account: &str, path: &str) -> bool {
        self.collapsed.contains(&node_key(account, path))
    }

    /// Recompute visible rows from folders and collapsed state.
    pub fn rebuild(&mut self) {
        let mut rows = Vec::new();
        let multi = self.accounts.len() > 1;
        for account in &self.accounts {
            let acc_collapsed = self.is_collapsed(account, "");
            if multi {
                rows.push(TreeRow::Account {
                    name: account.clone(),
                    collapsed: acc_collapsed,
                });
                if acc_collapsed {
                    continue;
                }
            }
            let mine: Vec<(usize, &Folder)> = self
                .folders
                .iter()
                .enumerate()
                .filter(|(_, f)| &f.account == account)
                .collect();
            let mut hidden_under: Option<String> = None;
            for (pos, (index, f)) in mine.iter().enumerate() {
                let child_prefix = f.delimiter.map(|d| format!("{}{}", f.path, d));
                if let Some(h) = &hidden_under {
                    if f.path.starts_with(h.as_str()) {
                        continue;
                    }
                    hidden_under = None;
                }
                let has_children = child_prefix.as_ref().is_some_and(|p| {
                    mine.get(pos + 1)
                        .is_some_and(|(_, n)| n.path.starts_with(p.as_str()))
                });
                let collapsed = has_children && self.is_collapsed(account, &f.path);
                if collapsed {
                    hidden_under = child_prefix;
                }
                rows.push(TreeRow::Folder {
                    index: *index,
                    depth: f.depth() + usize::from(multi),
                    has_children,
                    collapsed,
                });
            }
        }
        self.rows = rows;
        self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
    }

    /// The unread messages of every folder below `f` (its sub-folders, at any depth).
    pub fn unread_below(&self, f: &Folder) -> u32 {
        let Some(d) = f.delimiter else {
            return 0;
        };
        let prefix = format!("{}{d}", f.path);
        self.folders
            .iter()
            .filter(|g| g.account == f.account && g.path.starts_with(&prefix))
            .map(|g| g.unread)
            .sum()
    }

    /// The folder under the cursor (none on an account row).
    pub fn selected_folder(&self) -> Option<&Folder> {
        match self.rows.get(self.cursor)? {
            TreeRow::Folder { index, .. } => self.folders.get(*index),
            TreeRow::Account { .. } => None,
        }
    }

    /// Toggle collapse of the node under the cursor.
    pub fn toggle_fold(&mut self) -> bool {
        let key = match self.rows.get(self.cursor) {
            Some(TreeRow::Account { name, .. }) => node_key(name, ""),
            Some(TreeRow::Folder {
                index,
                has_children: true,
                ..
            }) => match self.folders.get(*index) {
                Some(f) => node_key(&f.account, &f.path),
                None => return false,
            },
            _ => return false,
        };
        if !self.collapsed.remove(&key) {
            self.collapsed.insert(key);
        }
        self.rebuild();
        true
    }

    /// Collapse every folder that has sub-folders (`zM`); the accounts stay open. The cursor
    /// goes to the top folder that held it.
    pub fn fold_all(&mut self) {
        let keep = self.selected_folder().map(|f| {
            let top = f.segments().first().map(|s| s.to_string());
            (f.account.clone(), top.unwrap_or_default())
        });
        // every folder with sub-folders, also those hidden now, so a later `za` opens one level
        let parents: Vec<String> = self
            .folders
            .iter()
            .filter(|f| {
                f.delimiter.is_some_and(|d| {
                    let prefix = format!("{}{d}", f.path);
                    self.folders
                        .iter()
                        .any(|g| g.account == f.account && g.path.starts_with(&prefix))
                })
            })
            .map(|f| node_key(&f.account, &f.path))
            .collect();
        self.collapsed.extend(parents);
        self.rebuild();
        if let Some((account, top)) = keep {
            let at = self.rows.iter().position(|r| match r {
                TreeRow::Folder { index, .. } => self
                    .folders
                    .get(*index)
                    .is_some_and(|f| f.account == account && f.path == top),
                TreeRow::Account { .. } => false,
            });
            if let Some(pos) = at {
                self.cursor = pos;
            }
        }
    }

    /// Expand every folder and account (`zR`), keeping the cursor on its folder.
    pub fn unfold_all(&mut self) {
        let keep = self
            .selected_folder()
            .map(|f| (f.account.clone(), f.path.clone()));
        self.collapsed.clear();
        self.rebuild();
        if let Some((a, p)) = keep {
            self.select(&a, &p);
        }
    }

    /// Put the cursor on a folder (expanding its parents). Returns false if it does not exist.
    pub fn select(&mut self, account: &str, path: &str) -> bool {
        let Some(index) = self
            .folders
            .iter()
            .position(|f| f.account == account && f.path == path)
        else {
            return false;
        };
        // expand ancestors
        let f = &self.folders[index];
        self.collapsed.remove(&node_key(account, ""));
        if let Some(d) = f.delimiter {
            let mut acc = String::new();
            for seg in f.path.split(d) {
                if !acc.is_empty() {
                    acc.push(d);
                }
                acc.push_str(seg);
                if acc != f.path {
                    self.collapsed.remove(&node_key(account, &acc));
                }
            }
        }
        self.rebuild();
        if let Some(pos) = self
            .rows
            .iter()
            .position(|r| matches!(r, TreeRow::Folder { index: i, .. } if *i == index))
        {
            self.cursor = pos;
        }
        true
    }

    /// Find a folder by name: exact path, then case-insensitive path, then leaf name.
    pub fn find(&self, preferred_account: Option<&str>, name: &str) -> Option<&Folder> {
        let name = name.trim();
        let ranked = |f: &&Folder| preferred_account.is_some_and(|a| a != f.account);
        // People type decoded names (Entwürfe); the server's are modified UTF-7 (Entw&APw-rfe).
        let mut candidates: Vec<&Folder> = self
            .folders
            .iter()
            .filter(|f| f.path == name || f.display_path() == name)
            .collect();
        if candidates.is_empty() {
            candidates = self
                .folders
                .iter()
                .filter(|f| {
                    f.path.eq_ignore_ascii_case(name)
                        || f.display_path().to_lowercase() == name.to_lowercase()
                })
                .collect();
        }
        if candidates.is_empty() {
            candidates = self
                .folders
                .iter()
                .filter(|f| {
                    f.leaf().eq_ignore_ascii_case(name)
                        || f.display_leaf().to_lowercase() == name.to_lowercase()
                })
                .collect();
        }
        candidates.sort_by_key(ranked);
        candidates.first().copied()
    }

    /// The folder with a role in an account.
    pub fn with_role(&self, account: &str, role: Role) -> Option<&Folder> {
        self.folders
            .iter()
            .find(|f| f.account == account && f.role == Some(role))
    }

    pub fn get(&self, account: &str, path: &str) -> Option<&Folder> {
        self.folders
            .iter()
            .find(|f| f.account == account && f.path == path)
    }

    pub fn get_mut(&mut self, account: &str, path: &str) -> Option<&mut Folder> {
        self.folders
            .iter_mut()
            .find(|f| f.account == account && f.path == path)
    }

    /// Folder paths of an account, for completion and pickers.
    pub fn paths(&self, account: &str) -> Vec<String> {
        self.folders
            .iter()
            .filter(|f| f.account == account && f.selectable)
            .map(|f| f.path.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(account: &str, path: &str) -> Folder {
        Folder {
            account: account.into(),
            path: path.into(),
            delimiter: Some('/'),
            role: Role::from_name(path),
            selectable: true,
            unread: 0,
            total: 0,
        }
    }

    #[test]
    fn inbox_first_children_after_parents() {
        let mut t = FolderTree::new(vec!["a".into()]);
        t.set_folders(
            "a",
            vec![
                f("a", "Trash"),
                f("a", "Work/x"),
                f("a", "INBOX"),
                f("a", "Work"),
                f("a", "INBOX/Lists"),
            ],
        );
        let names: Vec<&str> = t.folders.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            names,
            vec!["INBOX", "INBOX/Lists", "Trash", "Work", "Work/x"]
        );
        assert!(matches!(
            t.rows[0],
            TreeRow::Folder {
                has_children: true,
                depth: 0,
                ..
            }
        ));
        assert!(matches!(t.rows[1], TreeRow::Folder { depth: 1, .. }));
    }

    #[test]
    fn collapse_hides_children_and_select_expands() {
        let mut t = FolderTree::new(vec!["a".into()]);
        t.set_folders(
            "a",
            vec![
                f("a", "INBOX"),
                f("a", "INBOX/Lists"),
                f("a", "INBOX/Lists/rust"),
                f("a", "Sent"),
            ],
        );
        assert_eq!(t.rows.len(), 4);
        t.cursor = 0;
        assert!(t.toggle_fold());
        assert_eq!(t.rows.len(), 2);
        assert!(t.select("a", "INBOX/Lists/rust"));
        assert_eq!(t.rows.len(), 4);
        assert_eq!(t.selected_folder().unwrap().path, "INBOX/Lists/rust");
    }

    #[test]
    fn fold_all_keeps_the_top_folders_and_unfold_all_shows_every_one() {
        let mut t = FolderTree::new(vec!["a".into()]);
        t.set_folders(
            "a",
            vec![
                f("a", "INBOX"),
                f("a", "INBOX/Lists"),
                f("a", "INBOX/Lists/rust"),
                f("a", "Sent"),
            ],
        );
        assert!(t.select("a", "INBOX/Lists/rust"));
        t.fold_all();
        assert_eq!(t.rows.len(), 2, "INBOX and Sent");
        assert_eq!(
            t.selected_folder().unwrap().path,
            "INBOX",
            "the cursor's top folder"
        );
        // one level opens at a time: the nested folder was folded too
        assert!(t.toggle_fold());
        assert_eq!(t.rows.len(), 3);
        t.unfold_all();
        assert_eq!(t.rows.len(), 4);
        assert_eq!(t.selected_folder().unwrap().path, "INBOX");
    }

    #[test]
    fn several_accounts_get_header_rows() {
        let mut t = FolderTree::new(vec!["work".into(), "home".into()]);
        t.set_folders("home", vec![f("home", "INBOX")]);
        t.set_folders("work", vec![f("work", "INBOX"), f("work", "Sent")]);
        assert_eq!(t.rows.len(), 5);
        assert!(matches!(&t.rows[0], TreeRow::Account { name, .. } if name == "work"));
        assert!(matches!(&t.rows[3], TreeRow::Account { name, .. } if name == "home"));
        assert_eq!(t.find(Some("home"), "inbox").unwrap().account, "home");
    }
}
