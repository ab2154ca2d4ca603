//! Address lists of From/To/Cc/Reply-To (RFC 5322 §3.4), read leniently from the raw value:
//! display names go through the one header decoder ([`crate::mail::header`]), so a name split
//! across encoded words, in raw 8-bit or in an unknown charset reads as the sender wrote it.
//! Groups are flattened; an empty group (`undisclosed-recipients:;`) and text with no address
//! become one name-only [`Address`] with an empty email.

use crate::mail::header::{decode_words, to_str};
use crate::mail::Address;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// An atom or dot-atom, encoded words included, as written.
    Word(String),
    /// A quoted string, unescaped.
    Quoted(String),
    /// The inside of a comment.
    Comment(String),
    /// The inside of `<...>`.
    Angle(String),
    Comma,
    Semi,
    Colon,
    Space,
}

fn tokens(s: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                while it.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                    it.next();
                }
                out.push(Tok::Space);
            }
            '"' => {
                let mut q = String::new();
                while let Some(c) = it.next() {
                    match c {
                        '"' => break,
                        '\\' => q.extend(it.next()),
                        '\r' | '\n' => {}
                        c => q.push(c),
                    }
                }
                out.push(Tok::Quoted(q));
            }
            '(' => {
                let (mut depth, mut text) = (1usize, String::new());
                while let Some(c) = it.next() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        '\\' => {
                            text.extend(it.next());
                            continue;
                        }
                        _ => {}
                    }
                    text.push(c);
                }
                out.push(Tok::Comment(text));
            }
            '<' => {
                let mut a = String::new();
                for c in it.by_ref() {
                    if c == '>' {
                        break;
                    }
                    a.push(c);
                }
                out.push(Tok::Angle(a));
            }
            ',' => out.push(Tok::Comma),
            ';' => out.push(Tok::Semi),
            ':' => out.push(Tok::Colon),
            c => {
                let mut w = String::from(c);
                while let Some(&n) = it.peek() {
                    if n.is_ascii_whitespace() || "\"(<,;:".contains(n) {
                        break;
                    }
                    w.push(n);
                    it.next();
                }
                out.push(Tok::Word(w));
            }
        }
    }
    out
}

/// The mailbox being read: its phrase runs (words not separated by space are one run), the
/// address in angle brackets, and comments.
#[derive(Default)]
struct Mailbox {
    /// Each run: its decoded-to-be text and its form as an address (quotes kept).
    runs: Vec<(String, String)>,
    joined: bool,
    angle: Option<String>,
    comments: Vec<String>,
}

impl Mailbox {
    fn push(&mut self, text: &str, as_addr: &str) {
        match self.runs.last_mut() {
            Some((t, a)) if self.joined => {
                t.push_str(text);
                a.push_str(as_addr);
            }
            _ => self.runs.push((text.to_owned(), as_addr.to_owned())),
        }
        self.joined = true;
    }

    fn is_empty(&self) -> bool {
        self.runs.is_empty() && self.angle.is_none()
    }

    /// The address this mailbox stands for, if any.
    fn finish(self) -> Option<Address> {
        let comment = || {
            let c = decode_words(&self.comments.join(" "));
            (!c.trim().is_empty()).then(|| c.trim().to_owned())
        };
        let name_of = |runs: &[(String, String)]| {
            let phrase: Vec<&str> = runs.iter().map(|(t, _)| t.as_str()).collect();
            let n = decode_words(&phrase.join(" "));
            let n = n.trim();
            (!n.is_empty()).then(|| n.to_owned())
        };
        if let Some(a) = &self.angle {
            // A source route (`<@relay:user@host>`) is not part of the address.
            let a = a.rsplit(':').next().unwrap_or(a);
            let email: String = a.chars().filter(|c| !c.is_whitespace()).collect();
            let name = name_of(&self.runs).or_else(comment);
            return (name.is_some() || !email.is_empty()).then_some(Address { name, email });
        }
        match self.runs.iter().rposition(|(_, a)| a.contains('@')) {
            Some(i) => {
                let email = self.runs[i].1.clone();
                let mut rest: Vec<(String, String)> = self.runs.clone();
                rest.remove(i);
                let name = name_of(&rest).or_else(comment);
                Some(Address { name, email })
            }
            None => name_of(&self.runs).map(|name| Address {
                name: Some(name),
                email: String::new(),
            }),
        }
    }
}

/// Every address of one raw header value (From, To, Cc, ...), in order.
pub fn addresses(raw: &[u8]) -> Vec<Address> {
    let s = to_str(raw);
    let mut out = Vec::new();
    let mut mb = Mailbox::default();
    // The name of the group being read and how many addresses it had so far.
    let mut group: Option<(String, usize)> = None;
    let finish = |mb: Mailbox, out: &mut Vec<Address>, group: &mut Option<(String, usize)>| {
        if let Some(a) = mb.finish() {
            out.push(a);
            if let Some((_, n)) = group {
                *n += 1;
            }
        }
    };
    for t in tokens(&s) {
        match t {
            Tok::Space => mb.joined = false,
            Tok::Word(w) => mb.push(&w, &w),
            Tok::Quoted(q) => {
                let quoted = format!("\"{}\"", q.replace('\\', "\\\\").replace('"', "\\\""));
                mb.push(&q, &quoted);
            }
            Tok::Comment(c) => {
                mb.comments.push(c);
                mb.joined = false;
            }
            Tok::Angle(a) => {
                if mb.angle.is_some() {
                    // A second `<...>` without a comma: a new mailbox.
                    finish(std::mem::take(&mut mb), &mut out, &mut group);
                }
                mb.angle = Some(a);
                mb.joined = false;
            }
            Tok::Comma => finish(std::mem::take(&mut mb), &mut out, &mut group),
            Tok::Colon if group.is_none() && mb.angle.is_none() && !mb.is_empty() => {
                let name = std::mem::take(&mut mb)
                    .runs
                    .into_iter()
                    .map(|(t, _)| t)
                    .collect::<Vec<_>>()
                    .join(" ");
                group = Some((decode_words(&name), 0));
            }
            Tok::Colon => mb.push(":", ":"),
            Tok::Semi => {
                finish(std::mem::take(&mut mb), &mut out, &mut group);
                if let Some((name, 0)) = group.take() {
                    if !name.trim().is_empty() {
                        out.push(Address {
                            name: Some(name.trim().to_owned()),
                            email: String::new(),
                        });
                    }
                }
            }
        }
    }
    finish(mb, &mut out, &mut group);
    if let Some((name, 0)) = group {
        if !name.trim().is_empty() {
            out.push(Address {
                name: Some(name.trim().to_owned()),
                email: String::new(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: Option<&str>, email: &str) -> Address {
        Address {
            name: name.map(str::to_owned),
            email: email.to_owned(),
        }
    }

    #[test]
    fn common_forms() {
        assert_eq!(
            addresses(b" Alice Example <alice@example.test>\r\n"),
            vec![a(Some("Alice Example"), "alice@example.test")]
        );
        assert_eq!(
            addresses(b"bob@example.test, \"Carol C\" <carol@example.test>"),
            vec![
                a(None, "bob@example.test"),
                a(Some("Carol C"), "carol@example.test")
            ]
        );
        assert_eq!(addresses(b"<a@b>"), vec![a(None, "a@b")]);
        assert_eq!(addresses(b"a@b (Alice A)"), vec![a(Some("Alice A"), "a@b")]);
        assert_eq!(addresses(b"Alice <a@b"), vec![a(Some("Alice"), "a@b")]);
        assert_eq!(addresses(b"<@relay.test:a@b>"), vec![a(None, "a@b")]);
        assert_eq!(
            addresses(b"\"quoted, name\\\" here\" <q@x>"),
            vec![a(Some("quoted, name\" here"), "q@x")]
        );
        assert_eq!(
            addresses(b"\"john doe\"@x"),
            vec![a(None, "\"john doe\"@x")]
        );
        assert_eq!(addresses(b"Alice bob@x"), vec![a(Some("Alice"), "bob@x")]);
        assert_eq!(addresses(b"Just A Name"), vec![a(Some("Just A Name"), "")]);
        assert_eq!(
            addresses(b"<x@y> <z@w>"),
            vec![a(None, "x@y"), a(None, "z@w")]
        );
        assert!(addresses(b"").is_empty());
        assert!(addresses(b" , ,").is_empty());
    }

    #[test]
    fn groups() {
        assert_eq!(
            addresses(b"Team: x@example.test, Y <y@example.test>;, z@example.test"),
            vec![
                a(None, "x@example.test"),
                a(Some("Y"), "y@example.test"),
                a(None, "z@example.test")
            ]
        );
        assert_eq!(
            addresses(b"undisclosed-recipients:;"),
            vec![a(Some("undisclosed-recipients"), "")]
        );
        assert_eq!(
            addresses(b"undisclosed-recipients:"),
            vec![a(Some("undisclosed-recipients"), "")]
        );
    }

    #[test]
    fn names_are_decoded_by_the_one_decoder() {
        // Issue 10's example: a UTF-8 character split across two B words, folded.
        assert_eq!(
            addresses(
                b" =?UTF-8?B?Wm/D?=\n =?UTF-8?B?qyBXw6RsZGNoZW4tw5hzdGVy?= <zoe@example.test>\n"
            ),
            vec![a(Some("Zoë Wäldchen-Øster"), "zoe@example.test")]
        );
        assert_eq!(
            addresses(b"=?ISO-8859-1?Q?Andr=E9?= <andre@example.test>"),
            vec![a(Some("André"), "andre@example.test")]
        );
        // Inside quotes, as many senders write it; raw 8-bit; an unknown charset.
        assert_eq!(
            addresses(b"\"=?utf-8?q?J=C3=BCrgen?=\" <j@x>, J\xfcrgen <k@x>, =?x-nope?q?J=C3=BCrgen?= <l@x>"),
            vec![
                a(Some("Jürgen"), "j@x"),
                a(Some("Jürgen"), "k@x"),
                a(Some("Jürgen"), "l@x")
            ]
        );
        // An encoded comma in a name does not split the list.
        assert_eq!(
            addresses(b"=?utf-8?q?Doe=2C_John?= <jd@x>"),
            vec![a(Some("Doe, John"), "jd@x")]
        );
    }
}
