//! A stored envelope read in place: its strings borrowed from the stored bytes, so a scan of a
//! 100,000-message folder (the list's load, a search) allocates almost nothing per message.
//! The fields mirror `mail::Envelope` one for one (bincode reads them in order).

use serde::Deserialize;

use super::{folder_prefix, Result, Store};
use crate::mail::Flags;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct AddressRef<'a> {
    #[serde(borrow)]
    pub name: Option<&'a str>,
    pub email: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EnvelopeRef<'a> {
    pub uid: u32,
    pub date: i64,
    #[serde(borrow)]
    pub from: Vec<AddressRef<'a>>,
    #[serde(borrow)]
    pub to: Vec<AddressRef<'a>>,
    #[serde(borrow)]
    pub cc: Vec<AddressRef<'a>>,
    pub subject: &'a str,
    #[serde(borrow)]
    pub message_id: Option<&'a str>,
    #[serde(borrow)]
    pub in_reply_to: Option<&'a str>,
    #[serde(borrow)]
    pub references: Vec<&'a str>,
    pub flags: Flags,
    pub size: u32,
    pub has_attachments: bool,
}

impl<'a> EnvelopeRef<'a> {
    pub fn read(bytes: &'a [u8]) -> Result<EnvelopeRef<'a>> {
        Ok(bincode::deserialize(bytes)?)
    }
}

impl Store {
    /// One stored envelope's bytes (read them with [`EnvelopeRef::read`]).
    pub fn envelope_bytes(
        &self,
        account: &str,
        folder: &str,
        uid: u32,
    ) -> Result<Option<sled::IVec>> {
        Ok(self
            .envelopes
            .get(super::message_key(account, folder, uid))?)
    }

    /// Visit the envelopes of a folder in UID order, read in place, while `f` returns true.
    pub fn scan_envelope_refs(
        &self,
        account: &str,
        folder: &str,
        f: &mut dyn FnMut(&EnvelopeRef) -> bool,
    ) -> Result<()> {
        for v in self
            .envelopes
            .scan_prefix(folder_prefix(account, folder))
            .values()
        {
            let v = v?;
            if !f(&EnvelopeRef::read(&v)?) {
                break;
            }
        }
        Ok(())
    }

    /// [`Store::scan_envelope_refs`] newest first (descending UID): looking for messages that
    /// just arrived (a sync gave a moved message the server's UID) stops after a few.
    pub fn scan_envelope_refs_newest_first(
        &self,
        account: &str,
        folder: &str,
        f: &mut dyn FnMut(&EnvelopeRef) -> bool,
    ) -> Result<()> {
        for v in self
            .envelopes
            .scan_prefix(folder_prefix(account, folder))
            .values()
            .rev()
        {
            let v = v?;
            if !f(&EnvelopeRef::read(&v)?) {
                break;
            }
        }
        Ok(())
    }

    /// Visit the envelopes of a folder in UID order (read in place), each with its stored
    /// search text (raw, see `text::decode`), while `f` returns true: one pass over each tree,
    /// side by side.
    pub fn scan_envelopes_with_text(
        &self,
        account: &str,
        folder: &str,
        f: &mut dyn FnMut(&EnvelopeRef, Option<&[u8]>) -> bool,
    ) -> Result<()> {
        let p = folder_prefix(account, folder);
        let mut texts = self.body_text.scan_prefix(&p).peekable();
        for r in self.envelopes.scan_prefix(&p) {
            let (k, v) = r?;
            let e = EnvelopeRef::read(&v)?;
            // Texts of messages that are gone are skipped; the keys sort the same way.
            let mut text = None;
            while let Some(Ok((tk, _))) = texts.peek() {
                match tk.as_ref().cmp(k.as_ref()) {
                    std::cmp::Ordering::Less => {
                        texts.next();
                    }
                    std::cmp::Ordering::Equal => {
                        text = texts.next().and_then(|t| t.ok()).map(|(_, tv)| tv);
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            if let Some(Err(_)) = texts.peek() {
                if let Some(Err(e)) = texts.next() {
                    return Err(e.into());
                }
            }
            if !f(&e, text.as_deref()) {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::{Address, Envelope};

    #[test]
    fn a_stored_envelope_reads_in_place_as_it_was_written() {
        let e = Envelope {
            uid: 7,
            date: -5,
            from: vec![Address {
                name: Some("Ann ✓".into()),
                email: "ann@x.test".into(),
            }],
            to: vec![Address {
                name: None,
                email: "bob@x.test".into(),
            }],
            cc: Vec::new(),
            subject: "Grüße".into(),
            message_id: Some("id@x".into()),
            in_reply_to: None,
            references: vec!["a@x".into(), "b@x".into()],
            flags: Flags(5),
            size: 1234,
            has_attachments: true,
        };
        let bytes = super::super::encode(&e).unwrap();
        let r = EnvelopeRef::read(&bytes).unwrap();
        assert_eq!((r.uid, r.date, r.subject, r.size), (7, -5, "Grüße", 1234));
        assert_eq!(r.from[0].name, Some("Ann ✓"));
        assert_eq!(
            r.to[0],
            AddressRef {
                name: None,
                email: "bob@x.test"
            }
        );
        assert_eq!((r.message_id, r.in_reply_to), (Some("id@x"), None));
        assert_eq!(r.references, vec!["a@x", "b@x"]);
        assert!(r.has_attachments && r.flags == Flags(5));
    }
}
