//! The domain model: folders, envelopes, flags and addresses as plain data, plus the
//! pure functions over them (parsing, rendering, threading, sanitizing). It knows no
//! protocol, no terminal and no disk.

pub mod address;
pub mod body;
pub mod compose;
pub mod date;
pub mod filename;
pub mod find;
pub mod header;
pub mod headers;
pub mod html;
pub mod links;
pub mod mutf7;
pub mod parse;
pub mod parts;
pub mod query;
pub mod render;
pub mod sanitize;
pub mod thread;

use serde::{Deserialize, Serialize};

/// One mailbox address: `Alice Example <alice@example.test>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Address {
    pub name: Option<String>,
    pub email: String,
}

impl Address {
    /// The short form shown in the message list: the display name, else the address.
    pub fn short(&self) -> &str {
        match &self.name {
            Some(n) if !n.trim().is_empty() => n,
            _ => &self.email,
        }
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            Some(n) if !n.trim().is_empty() => write!(f, "{} <{}>", n, self.email),
            _ => write!(f, "{}", self.email),
        }
    }
}

/// The name of the local Outbox folder each account shows while it has mail waiting to go out
/// (`Outbox (tmail)` in an account whose server has a folder called Outbox).
pub const OUTBOX: &str = "Outbox";

/// Message flags: the IMAP system flags (RFC 3501 §2.3.2) and the `$Forwarded` keyword
/// (RFC 5788's registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, Hash)]
pub struct Flags(pub u8);

impl Flags {
    pub const SEEN: u8 = 1;
    pub const FLAGGED: u8 = 2;
    pub const ANSWERED: u8 = 4;
    pub const DELETED: u8 = 8;
    pub const DRAFT: u8 = 16;
    /// `$Forwarded`: the user forwarded the message.
    pub const FORWARDED: u8 = 32;

    pub fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
    pub fn with(self, bit: u8, on: bool) -> Flags {
        if on {
            Flags(self.0 | bit)
        } else {
            Flags(self.0 & !bit)
        }
    }
    pub fn seen(self) -> bool {
        self.has(Self::SEEN)
    }
    pub fn flagged(self) -> bool {
        self.has(Self::FLAGGED)
    }
    pub fn answered(self) -> bool {
        self.has(Self::ANSWERED)
    }
    pub fn deleted(self) -> bool {
        self.has(Self::DELETED)
    }
    pub fn draft(self) -> bool {
        self.has(Self::DRAFT)
    }
}

/// A folder's special role (RFC 6154 SPECIAL-USE, plus the INBOX).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub enum Role {
    Inbox,
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
    /// tmail's own local Outbox (never a server folder).
    Outbox,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Inbox => "inbox",
            Role::Sent => "sent",
            Role::Drafts => "drafts",
            Role::Trash => "trash",
            Role::Junk => "junk",
            Role::Archive => "archive",
            Role::Outbox => "outbox",
        }
    }
    /// A one-cell marker drawn before the folder name.
    pub fn marker(self) -> &'static str {
        match self {
            Role::Inbox => "⌂",
            Role::Sent => "↗",
            Role::Drafts => "✎",
            Role::Trash => "✗",
            Role::Junk => "⚠",
            Role::Archive => "▣",
            Role::Outbox => "⇡",
        }
    }
    pub fn from_name(s: &str) -> Option<Role> {
        match s.to_ascii_lowercase().trim_start_matches('\\') {
            "inbox" => Some(Role::Inbox),
            "sent" => Some(Role::Sent),
            "drafts" => Some(Role::Drafts),
            "trash" => Some(Role::Trash),
            "junk" => Some(Role::Junk),
            "archive" | "all" => Some(Role::Archive),
            _ => None,
        }
    }
}

/// A folder of one account. `path` is the full name with `delimiter` between levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folder {
    pub account: String,
    pub path: String,
    pub delimiter: Option<char>,
    pub role: Option<Role>,
    pub selectable: bool,
    pub unread: u32,
    pub total: u32,
}

impl Folder {
    /// The path split at the delimiter.
    pub fn segments(&self) -> Vec<&str> {
        match self.delimiter {
            Some(d) => self.path.split(d).collect(),
            None => vec![self.path.as_str()],
        }
    }
    /// The last segment, as the server names it.
    pub fn leaf(&self) -> &str {
        self.segments().last().copied().unwrap_or(&self.path)
    }

    /// The path as people read it (modified UTF-7 decoded).
    pub fn display_path(&self) -> String {
        mutf7::decode(&self.path)
    }

    /// The last segment as people read it.
    pub fn display_leaf(&self) -> String {
        mutf7::decode(self.leaf())
    }
    pub fn depth(&self) -> usize {
        self.segments().len().saturating_sub(1)
    }
}

/// What the message list needs of one message; bodies live elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Envelope {
    pub uid: u32,
    /// Seconds since the Unix epoch (the Date header, else the arrival time).
    pub date: i64,
    pub from: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub subject: String,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub flags: Flags,
    pub size: u32,
    pub has_attachments: bool,
}

impl Envelope {
    /// The sender shown in the list.
    pub fn sender(&self) -> &str {
        self.from
            .first()
            .map(|a| a.short())
            .unwrap_or("(no sender)")
    }
}

/// What the message list keeps of a message: small, so a 100k-message folder stays cheap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    pub uid: u32,
    pub date: i64,
    pub flags: Flags,
    pub size: u32,
    pub has_attachments: bool,
    /// The correspondent shown in the list: the first sender, or for mail the user sent
    /// (`outgoing`) the first recipient.
    pub from: Option<Address>,
    pub subject: String,
    /// The user sent this message: `from` holds its first recipient (shown as `To: name`).
    #[serde(default)]
    pub outgoing: bool,
}

impl Summary {
    /// The list row of a message as anyone sees it: its sender.
    pub fn of(e: &Envelope) -> Summary {
        Summary {
            uid: e.uid,
            date: e.date,
            flags: e.flags,
            size: e.size,
            has_attachments: e.has_attachments,
            from: e.from.first().cloned(),
            subject: e.subject.clone(),
            outgoing: false,
        }
    }

    /// The sender shown in the list (the recipient for outgoing mail: see [`Summary::who`]).
    pub fn sender(&self) -> &str {
        self.from
            .as_ref()
            .map(|a| a.short())
            .unwrap_or(if self.outgoing {
                "(no recipient)"
            } else {
                "(no sender)"
            })
    }

    /// The list's correspondent column: the sender, or `To: recipient` for mail the user sent.
    pub fn who(&self) -> std::borrow::Cow<'_, str> {
        if self.outgoing {
            format!("To: {}", self.sender()).into()
        } else {
            self.sender().into()
        }
    }
}

/// Whose name the list shows: the sender, except for mail the user sent — every message of a
/// folder with the Sent or Drafts role, and messages From one of the user's own addresses —
/// where it shows the first recipient (as NeoMutt's `%L` and aerc do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Correspondent {
    /// The user's addresses, lowercased (the account's address and its identities).
    pub own: Vec<String>,
    /// The folder holds mail the user sent or is writing (Sent, Drafts).
    pub outgoing_folder: bool,
}

impl Correspondent {
    /// True when the user sent (or is writing) this message.
    pub fn is_outgoing(&self, e: &Envelope) -> bool {
        self.outgoing_folder
            || e.from
                .first()
                .is_some_and(|a| self.own.iter().any(|o| a.email.eq_ignore_ascii_case(o)))
    }

    /// The list row of `e` as the user sees it.
    pub fn summary(&self, e: &Envelope) -> Summary {
        let mut s = Summary::of(e);
        if self.is_outgoing(e) {
            s.outgoing = true;
            s.from = e.to.first().or(e.cc.first()).cloned();
        }
        s
    }
}
