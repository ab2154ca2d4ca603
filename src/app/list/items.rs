//! The list's messages, compact: 40 bytes per message (UID, date, size, flags, Message-ID hash
//! and where its strings are) and one text arena for every subject and correspondent of the folder. A
//! 100,000-message folder is two large allocations (which the allocator maps, and gives back
//! to the system when the folder closes) instead of 300,000 small ones.

use std::borrow::Cow;

use crate::mail::{Correspondent, Envelope, Flags, Summary};

/// The longest subject kept for the list (in bytes, cut at a character boundary): what a row
/// can show, and what the search matches at once (the job matches the whole envelope).
const SUBJECT_MAX: usize = 1000;
/// The longest name or address kept.
const ADDRESS_MAX: usize = 300;

const HAS_ATTACHMENTS: u8 = 1;
const OUTGOING: u8 = 2;

/// One message of the list; its strings are in the list's arena.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Item {
    pub uid: u32,
    pub date: i64,
    pub size: u32,
    pub flags: Flags,
    bits: u8,
    /// The hash of its Message-ID (`mail::thread::id_hash`; 0: none), for threading.
    pub thread: u64,
    /// Where the subject starts in the arena; the name and the address follow it.
    text: u32,
    subject_len: u16,
    name_len: u16,
    email_len: u16,
}

/// A message of the list as the screen and the search read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowView<'a> {
    pub uid: u32,
    pub date: i64,
    pub size: u32,
    pub flags: Flags,
    pub has_attachments: bool,
    /// The user sent this message: the correspondent is its first recipient.
    pub outgoing: bool,
    pub subject: &'a str,
    /// The correspondent's display name (`None`: none, or blank).
    pub name: Option<&'a str>,
    /// The correspondent's address (empty: none).
    pub email: &'a str,
}

impl RowView<'_> {
    /// The correspondent as the list shows it: the name, else the address.
    pub fn sender(&self) -> &str {
        match (self.name, self.email) {
            (Some(n), _) => n,
            (None, e) if !e.is_empty() => e,
            _ if self.outgoing => "(no recipient)",
            _ => "(no sender)",
        }
    }

    /// The list's correspondent column: the sender, or `To: recipient` for mail the user sent.
    pub fn who(&self) -> Cow<'_, str> {
        if self.outgoing {
            format!("To: {}", self.sender()).into()
        } else {
            self.sender().into()
        }
    }
}

fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The messages of a list and their text arena.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Items {
    items: Vec<Item>,
    text: String,
    /// Bytes of the arena no message uses any more (removed messages).
    garbage: usize,
}

impl std::ops::Deref for Items {
    type Target = [Item];
    fn deref(&self) -> &[Item] {
        &self.items
    }
}

impl Items {
    pub fn with_capacity(n: usize) -> Items {
        Items {
            items: Vec::with_capacity(n),
            // about 50 bytes of text per message
            text: String::with_capacity(n * 50),
            garbage: 0,
        }
    }

    fn add(
        &mut self,
        mut item: Item,
        subject: &str,
        name: Option<&str>,
        email: &str,
        outgoing: bool,
    ) {
        let subject = cut(subject, SUBJECT_MAX);
        let name = name
            .filter(|n| !n.trim().is_empty())
            .map(|n| cut(n, ADDRESS_MAX));
        let email = cut(email, ADDRESS_MAX);
        item.text = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        item.subject_len = subject.len() as u16;
        item.name_len = name.map_or(0, |n| n.len() as u16);
        item.email_len = email.len() as u16;
        if outgoing {
            item.bits |= OUTGOING;
        }
        self.text.push_str(subject);
        self.text.push_str(name.unwrap_or(""));
        self.text.push_str(email);
        self.items.push(item);
    }

    /// Add a list row (see [`Summary`]).
    pub fn push_summary(&mut self, s: &Summary) {
        let item = Item {
            uid: s.uid,
            date: s.date,
            size: s.size,
            flags: s.flags,
            bits: if s.has_attachments {
                HAS_ATTACHMENTS
            } else {
                0
            },
            ..Default::default()
        };
        let (name, email) = match &s.from {
            Some(a) => (a.name.as_deref(), a.email.as_str()),
            None => (None, ""),
        };
        self.add(item, &s.subject, name, email, s.outgoing);
    }

    /// Add a message as `who` sees it (see [`Correspondent::summary`]), without copying its
    /// strings twice.
    pub fn push_envelope(&mut self, who: &Correspondent, e: &Envelope) {
        let item = Item {
            uid: e.uid,
            date: e.date,
            size: e.size,
            flags: e.flags,
            bits: if e.has_attachments {
                HAS_ATTACHMENTS
            } else {
                0
            },
            ..Default::default()
        };
        let outgoing = who.is_outgoing(e);
        let a = if outgoing {
            e.to.first().or(e.cc.first())
        } else {
            e.from.first()
        };
        let (name, email) = match a {
            Some(a) => (a.name.as_deref(), a.email.as_str()),
            None => (None, ""),
        };
        self.add(item, &e.subject, name, email, outgoing);
    }

    /// `push_envelope` of an envelope read in place.
    pub fn push_ref(&mut self, who: &Correspondent, e: &crate::store::EnvelopeRef) {
        let item = Item {
            uid: e.uid,
            date: e.date,
            size: e.size,
            flags: e.flags,
            bits: if e.has_attachments {
                HAS_ATTACHMENTS
            } else {
                0
            },
            ..Default::default()
        };
        let outgoing = who.outgoing_folder
            || e.from
                .first()
                .is_some_and(|a| who.own.iter().any(|o| a.email.eq_ignore_ascii_case(o)));
        let a = if outgoing {
            e.to.first().or(e.cc.first())
        } else {
            e.from.first()
        };
        let (name, email) = a.map_or((None, ""), |a| (a.name, a.email));
        self.add(item, e.subject, name, email, outgoing);
    }

    /// The message at `i`, with its strings.
    pub fn view(&self, i: usize) -> Option<RowView<'_>> {
        let it = self.items.get(i)?;
        let t = it.text as usize;
        let (s, n, e) = (
            usize::from(it.subject_len),
            usize::from(it.name_len),
            usize::from(it.email_len),
        );
        let get = |from: usize, len: usize| self.text.get(from..from + len).unwrap_or("");
        Some(RowView {
            uid: it.uid,
            date: it.date,
            size: it.size,
            flags: it.flags,
            has_attachments: it.bits & HAS_ATTACHMENTS != 0,
            outgoing: it.bits & OUTGOING != 0,
            subject: get(t, s),
            name: (n > 0).then(|| get(t + s, n)),
            email: get(t + s + n, e),
        })
    }

    pub fn iter_views(&self) -> impl Iterator<Item = RowView<'_>> + '_ {
        (0..self.items.len()).filter_map(|i| self.view(i))
    }

    /// Set the Message-ID hash of the message added last.
    pub fn set_last_thread(&mut self, id: u64) {
        if let Some(it) = self.items.last_mut() {
            it.thread = id;
        }
    }

    pub fn set_flags(&mut self, i: usize, flags: Flags) -> Option<Flags> {
        let it = self.items.get_mut(i)?;
        Some(std::mem::replace(&mut it.flags, flags))
    }

    fn text_len(it: &Item) -> usize {
        usize::from(it.subject_len) + usize::from(it.name_len) + usize::from(it.email_len)
    }

    /// Keep the messages for which `keep(index)` is true; the arena is rebuilt once more than
    /// half of it is unused.
    pub fn retain_indices(&mut self, keep: &[bool]) {
        let mut i = 0;
        let mut dropped = 0;
        self.items.retain(|it| {
            let k = keep.get(i).copied().unwrap_or(true);
            i += 1;
            if !k {
                dropped += Self::text_len(it);
            }
            k
        });
        self.garbage += dropped;
        if self.garbage > 4096 && self.garbage * 2 > self.text.len() {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut text = String::with_capacity(self.text.len() - self.garbage);
        for it in &mut self.items {
            let from = it.text as usize;
            let len = Self::text_len(it);
            it.text = text.len() as u32;
            text.push_str(self.text.get(from..from + len).unwrap_or(""));
        }
        self.text = text;
        self.garbage = 0;
    }

    /// Take the messages of `other` (UID order, all new), keeping UID order; returns where each
    /// of them is now and, when they did not all go at the end, the new index of every message
    /// that was here (`remap[old] = new`).
    pub fn merge(&mut self, other: Items) -> (Vec<usize>, Option<Vec<usize>>) {
        let base = self.text.len() as u32;
        self.text.push_str(&other.text);
        let added: Vec<Item> = other
            .items
            .into_iter()
            .map(|mut it| {
                it.text += base;
                it
            })
            .collect();
        let n = self.items.len();
        let appends = match (self.items.last(), added.first()) {
            (Some(last), Some(first)) => first.uid > last.uid,
            _ => true,
        };
        if appends {
            let idx = (n..n + added.len()).collect();
            self.items.extend(added);
            return (idx, None);
        }
        let old = std::mem::take(&mut self.items);
        let mut remap = vec![0usize; old.len()];
        let mut idx = Vec::with_capacity(added.len());
        let mut out = Vec::with_capacity(old.len() + added.len());
        let mut a = added.into_iter().peekable();
        for (i, e) in old.into_iter().enumerate() {
            while a.peek().is_some_and(|x| x.uid < e.uid) {
                if let Some(x) = a.next() {
                    idx.push(out.len());
                    out.push(x);
                }
            }
            remap[i] = out.len();
            out.push(e);
        }
        for x in a {
            idx.push(out.len());
            out.push(x);
        }
        self.items = out;
        (idx, Some(remap))
    }

    /// Reorder by `order` (indices into the current order).
    pub fn permute(&mut self, order: &[usize]) {
        self.items = order
            .iter()
            .filter_map(|&i| self.items.get(i).copied())
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::Address;

    fn summary(uid: u32, subject: &str, name: Option<&str>, email: &str) -> Summary {
        Summary {
            uid,
            subject: subject.into(),
            from: Some(Address {
                name: name.map(String::from),
                email: email.into(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn strings_come_back_as_they_went_in() {
        let mut it = Items::default();
        it.push_summary(&summary(1, "Héllo ✓", Some("Ann"), "ann@x.test"));
        it.push_summary(&summary(2, "no name", Some("  "), "bob@x.test"));
        let mut s = summary(3, "", None, "");
        s.from = None;
        it.push_summary(&s);
        let v = it.view(0).unwrap();
        assert_eq!(
            (v.subject, v.name, v.email, v.sender()),
            ("Héllo ✓", Some("Ann"), "ann@x.test", "Ann")
        );
        assert_eq!(it.view(1).unwrap().sender(), "bob@x.test");
        assert_eq!(it.view(2).unwrap().sender(), "(no sender)");
        assert_eq!(std::mem::size_of::<Item>(), 40);
    }

    #[test]
    fn long_strings_are_cut_on_a_character_boundary() {
        let mut it = Items::default();
        let long = "é".repeat(2000);
        it.push_summary(&summary(1, &long, Some(&long), "a@x"));
        let v = it.view(0).unwrap();
        assert!(v.subject.len() <= SUBJECT_MAX && v.subject.chars().all(|c| c == 'é'));
        assert!(v.name.unwrap().len() <= ADDRESS_MAX);
    }

    #[test]
    fn removing_and_merging_keep_every_string() {
        let mut it = Items::default();
        for u in 1..=100 {
            it.push_summary(&summary(
                u * 2,
                &format!("subject {u}"),
                None,
                &format!("{u}@x"),
            ));
        }
        let keep: Vec<bool> = (0..100).map(|i| i % 3 == 0).collect();
        it.retain_indices(&keep);
        let mut more = Items::default();
        for u in [1u32, 3, 301] {
            more.push_summary(&summary(u, &format!("new {u}"), None, "n@x"));
        }
        let (idx, remap) = it.merge(more);
        assert!(remap.is_some());
        assert_eq!(idx.len(), 3);
        assert!(it.windows(2).all(|w| w[0].uid < w[1].uid));
        for v in it.iter_views() {
            if v.subject.starts_with("subject ") {
                assert_eq!(v.subject, format!("subject {}", v.uid / 2));
                assert_eq!(v.email, format!("{}@x", v.uid / 2));
            } else {
                assert_eq!(v.subject, format!("new {}", v.uid));
            }
        }
    }
}
