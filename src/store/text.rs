//! The search text of cached bodies (`body_text`, keyed like `bodies`): what `/` looks in —
//! `mail::render::search_text` of the message, lowercased — written beside each body as it
//! arrives, so a search over 100,000 cached bodies reads text instead of parsing MIME again.
//!
//! Each text is tagged with its format version and the size of the message it was made from.
//! A search trusts a text only when the tag matches the envelope's size; otherwise (a store of
//! an older tmail, a body stored by a path that wrote no text) it makes the text again and
//! keeps it. The texts are a cache of the bodies, rebuilt on demand: nothing is lost with them.

use super::{folder_prefix, message_key, Result, Store};

/// The format of the texts; a change makes every stored text be made again when searched.
pub const VERSION: u8 = 1;

/// Header of a stored text: version (1 byte) and the message size it was made from (4, BE).
const HEADER: usize = 5;

/// What a search looks in for a message, lowercased.
pub fn make(raw: &[u8]) -> String {
    crate::mail::render::search_text(raw).to_lowercase()
}

/// Encode a text made from a message of `size` bytes.
pub fn encode(size: u32, text: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(HEADER + text.len());
    v.push(VERSION);
    v.extend_from_slice(&size.to_be_bytes());
    v.extend_from_slice(text.as_bytes());
    v
}

/// The text of a stored value, if it is of this version and made from a message of `size` bytes.
pub fn decode(v: &[u8], size: u32) -> Option<&str> {
    let (head, text) = (v.get(..HEADER)?, v.get(HEADER..)?);
    let tagged = u32::from_be_bytes([head[1], head[2], head[3], head[4]]);
    (head[0] == VERSION && tagged == size)
        .then(|| std::str::from_utf8(text).ok())
        .flatten()
}

impl Store {
    /// The search text stored for a message, raw (see [`decode`]).
    pub fn body_text(&self, account: &str, folder: &str, uid: u32) -> Result<Option<sled::IVec>> {
        Ok(self.body_text.get(message_key(account, folder, uid))?)
    }

    /// Store the search text of a message made from a message of `size` bytes.
    pub fn put_body_text(
        &self,
        account: &str,
        folder: &str,
        uid: u32,
        size: u32,
        text: &str,
    ) -> Result<()> {
        self.body_text
            .insert(message_key(account, folder, uid), encode(size, text))?;
        Ok(())
    }

    /// Visit the stored search texts of a folder in UID order: `(uid, raw value)`.
    pub fn for_each_body_text(
        &self,
        account: &str,
        folder: &str,
        mut f: impl FnMut(u32, &[u8]) -> bool,
    ) -> Result<()> {
        let p = folder_prefix(account, folder);
        for r in self.body_text.scan_prefix(&p) {
            let (k, v) = r?;
            let Ok(b) = <[u8; 4]>::try_from(k.get(p.len()..).unwrap_or(&[])) else {
                continue;
            };
            if !f(u32::from_be_bytes(b), &v) {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_trusted_only_for_its_version_and_size() {
        let v = encode(120, "hello münchen");
        assert_eq!(decode(&v, 120), Some("hello münchen"));
        assert_eq!(decode(&v, 121), None);
        let mut old = v.clone();
        old[0] = VERSION.wrapping_add(1);
        assert_eq!(decode(&old, 120), None);
        assert_eq!(decode(&[1, 2], 120), None);
    }

    #[test]
    fn texts_follow_their_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let raw =
            b"From: a@x.test\r\nSubject: Hi\r\n\r\nGr\xc3\xbc\xc3\x9fe aus M\xc3\xbcnchen\r\n";
        s.put_body("a", "INBOX", 7, raw).unwrap();
        let t = s.body_text("a", "INBOX", 7).unwrap().unwrap();
        assert!(decode(&t, raw.len() as u32).unwrap().contains("münchen"));
        s.remove_message("a", "INBOX", 7).unwrap();
        assert!(s.body_text("a", "INBOX", 7).unwrap().is_none());
        s.put_body("a", "INBOX", 8, raw).unwrap();
        s.clear_folder_messages("a", "INBOX").unwrap();
        assert!(s.body_text("a", "INBOX", 8).unwrap().is_none());
    }
}
