//! The built-in demo mailbox: about two hundred messages in a small folder tree, which
//! `tmail --demo` loads into a temporary store. The same bytes on every run: dates count
//! forward from a fixed epoch and all variety comes from a seeded generator.
//!
//! Messages are made as tmail makes the mail it sends, with
//! [`crate::mail::compose::build`] ([`mime`]); the few the builder cannot write on purpose
//! (other charsets, HTML, format=flowed, a hostile and a broken message) get a body made in
//! [`special`]. Attachments are real files under `data/` ([`attachments`]).
//!
//! - [`people`]: the timeline, the generator, people and mailing lists;
//! - [`build`]: the corpus under construction, threads and flags; [`text`]: how people write;
//! - content, by folder: [`inbox_threads`], [`charsets`], [`inbox_files`], [`newsletters`],
//!   [`chats`], [`inbox_everyday`], [`lists`], [`rust_users`], [`projects`], [`archive`]
//!   (also Sent, Drafts, Junk, Trash and the welcome message).

mod archive;
mod attachments;
mod build;
mod charsets;
mod chats;
mod inbox_everyday;
mod inbox_files;
mod inbox_threads;
mod lists;
mod mime;
mod newsletters;
mod people;
mod projects;
mod rust_users;
mod special;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_build;
#[cfg(test)]
mod tests_mime;
mod text;

use crate::mail::{Flags, Role};

pub use people::USER_ADDRESS;

/// The hierarchy delimiter of the demo folder paths.
pub const DELIMITER: char = '/';

/// One folder of the demo mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFolder {
    pub path: String,
    pub role: Option<Role>,
}

/// One raw demo message and the folder and flags it is stored with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMessage {
    pub folder: String,
    pub raw: Vec<u8>,
    pub flags: Flags,
}

const INBOX: &str = "INBOX";
const LISTS: &str = "INBOX/Lists";
const RUST_USERS: &str = "INBOX/Lists/rust-users";
const PROJECTS: &str = "Projects";
const TMAIL: &str = "Projects/tmail";
const SENT: &str = "Sent";
const DRAFTS: &str = "Drafts";
const ARCHIVE: &str = "Archive";
const JUNK: &str = "Junk";
const TRASH: &str = "Trash";

/// Folder list in display order.
pub fn folders() -> Vec<DemoFolder> {
    [
        (INBOX, Some(Role::Inbox)),
        (LISTS, None),
        (RUST_USERS, None),
        (PROJECTS, None),
        (TMAIL, None),
        (SENT, Some(Role::Sent)),
        (DRAFTS, Some(Role::Drafts)),
        (ARCHIVE, Some(Role::Archive)),
        (JUNK, Some(Role::Junk)),
        (TRASH, Some(Role::Trash)),
    ]
    .into_iter()
    .map(|(path, role)| DemoFolder {
        path: path.to_string(),
        role,
    })
    .collect()
}

/// All demo messages, oldest first.
pub fn messages() -> Vec<DemoMessage> {
    corpus().finish()
}

/// Every message, described.
fn corpus() -> build::Corpus {
    let mut c = build::Corpus::new();
    inbox_threads::threads(&mut c);
    charsets::inbox(&mut c);
    inbox_files::inbox(&mut c);
    newsletters::inbox(&mut c);
    inbox_everyday::inbox(&mut c);
    lists::lists(&mut c);
    rust_users::rust_users(&mut c);
    projects::projects(&mut c);
    archive::sent_and_drafts(&mut c);
    archive::archive(&mut c);
    archive::junk_and_trash(&mut c);
    archive::welcome(&mut c);
    // Joined later: last, with draws of its own, so the messages above keep their ids and
    // flags.
    c.apart(0x6677_6421, archive::forwarded_invoice);
    c
}
