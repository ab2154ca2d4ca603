//! The corpus under construction: each message as data ([`Msg`]) with its folder, date,
//! thread and flags; [`Builder`] is how the content modules describe one, and
//! [`Corpus::finish`] gives every message its flags and its bytes (see [`super::mime`]).

use super::attachments::File;
use super::mime::{self, Body};
use super::people::{at, daytime, Lcg, List, Person, LAST_DAY};
use super::special;
use super::{DemoMessage, ARCHIVE, DRAFTS, JUNK, SENT, TRASH};
use crate::mail::Flags;

/// What a reply needs of the message it answers.
#[derive(Clone)]
pub(super) struct Thread {
    pub id: String,
    pub refs: Vec<String>,
    pub subject: String,
    pub at: i64,
    pub from: Person,
}

/// One demo message, before it becomes bytes.
pub(super) struct Msg {
    pub seq: usize,
    pub folder: &'static str,
    /// Minutes after the epoch.
    pub at: i64,
    pub from: Person,
    pub to: Vec<Person>,
    pub cc: Vec<Person>,
    pub subject: String,
    /// The Message-ID, without angle brackets.
    pub id: String,
    pub parent: Option<Thread>,
    pub body: Body,
    pub flags: Option<u8>,
    /// Header lines the builder has no field for (List-Id, X-Mailer...), written as given.
    pub headers: Vec<Vec<u8>>,
    /// A Subject written as given (another charset, raw escape sequences).
    pub raw_subject: Option<Vec<u8>>,
    /// Whether the message has a Date header (one junk mail has none).
    pub dated: bool,
    /// Whether the multipart's closing boundary is cut off (a broken scanner's mail).
    pub unterminated: bool,
}

impl Msg {
    /// What a reply to this message needs.
    fn thread(&self) -> Thread {
        Thread {
            refs: match &self.parent {
                Some(p) => p.refs.iter().chain([&p.id]).cloned().collect(),
                None => Vec::new(),
            },
            id: self.id.clone(),
            subject: self.subject.clone(),
            at: self.at,
            from: self.from,
        }
    }
}

/// The message list under construction.
pub(super) struct Corpus {
    pub rng: Lcg,
    pub msgs: Vec<Msg>,
    seq: usize,
}

/// One message being put together; `push` adds it to the corpus.
pub(super) struct Builder<'c> {
    corpus: &'c mut Corpus,
    msg: Msg,
}

impl Corpus {
    pub fn new() -> Corpus {
        Corpus {
            rng: Lcg(0x746d_6169_6c21),
            msgs: Vec::new(),
            seq: 0,
        }
    }

    pub fn mail(
        &mut self,
        folder: &'static str,
        at: i64,
        from: Person,
        to: &[Person],
        subject: &str,
    ) -> Builder<'_> {
        self.seq += 1;
        let seq = self.seq;
        let domain = from.email.rsplit('@').next().unwrap_or("demo.tmail.test");
        let id = format!("{seq}.{:08x}@{domain}", self.rng.next());
        Builder {
            corpus: self,
            msg: Msg {
                seq,
                folder,
                at,
                from,
                to: to.to_vec(),
                cc: Vec::new(),
                subject: subject.to_string(),
                id,
                parent: None,
                body: Body::Text(String::new()),
                flags: None,
                headers: Vec::new(),
                raw_subject: None,
                dated: true,
                unterminated: false,
            },
        }
    }

    /// A reply to `parent`, `delay` minutes after it, with the usual `Re: ` subject.
    pub fn reply(
        &mut self,
        folder: &'static str,
        parent: &Thread,
        delay: i64,
        from: Person,
        to: &[Person],
    ) -> Builder<'_> {
        let subject = if parent.subject.starts_with("Re: ") {
            parent.subject.clone()
        } else {
            format!("Re: {}", parent.subject)
        };
        let mut b = self.mail(folder, parent.at + delay, from, to, &subject);
        b.msg.parent = Some(parent.clone());
        b
    }

    /// Runs `add` with a generator of its own, for messages that joined the demo after the
    /// rest: the main generator's draws (every other Message-ID, the flags) stay as they were.
    pub fn apart(&mut self, seed: u64, add: impl FnOnce(&mut Corpus)) {
        let main = std::mem::replace(&mut self.rng, Lcg(seed));
        add(self);
        self.rng = main;
    }

    /// The first message so far that matches, to reply to.
    pub fn find(&self, pred: impl Fn(&Msg) -> bool) -> Option<Thread> {
        self.msgs.iter().find(|m| pred(m)).map(Msg::thread)
    }

    /// `n` times spread evenly from `start` to `end`, each nudged by up to half a slot and
    /// squeezed into the (UTC) working day.
    pub fn spread(&mut self, start: i64, end: i64, n: usize) -> Vec<i64> {
        let slot = (end - start) / n.max(1) as i64;
        (0..n as i64)
            .map(|i| daytime(start + i * slot + self.rng.range(0, slot / 2 + 1)))
            .collect()
    }

    /// Flags for every message, then the messages in date order as bytes.
    pub fn finish(mut self) -> Vec<DemoMessage> {
        // Whatever Sam answered is marked answered.
        let answered: Vec<String> = self
            .msgs
            .iter()
            .filter(|m| m.folder == SENT)
            .filter_map(|m| m.parent.as_ref().map(|p| p.id.clone()))
            .collect();
        let (start, end) = (0, at(LAST_DAY, 23, 0));
        for m in &mut self.msgs {
            let mut flags = m.flags.unwrap_or_else(|| match m.folder {
                SENT | ARCHIVE | TRASH | JUNK => Flags::SEEN,
                DRAFTS => Flags::SEEN | Flags::DRAFT,
                _ => {
                    // Older mail is more likely read; roughly a third stays unread.
                    let percent = 20 + 55 * (m.at - start).clamp(0, end) / end;
                    let mut f = 0;
                    if !self.rng.chance(percent as u32) {
                        f |= Flags::SEEN;
                    }
                    if self.rng.chance(6) {
                        f |= Flags::FLAGGED;
                    }
                    f
                }
            });
            if answered.contains(&m.id) {
                flags |= Flags::ANSWERED | Flags::SEEN;
            }
            m.flags = Some(flags);
        }
        self.msgs.sort_by_key(|m| (m.at, m.seq));
        self.msgs
            .iter()
            .map(|m| DemoMessage {
                folder: m.folder.to_string(),
                raw: mime::render(m),
                flags: Flags(m.flags.unwrap_or_default()),
            })
            .collect()
    }
}

impl Builder<'_> {
    /// Copies to `cc`, leaving out the sender and the direct recipients (as reply-all does).
    pub fn cc(mut self, cc: &[Person]) -> Self {
        let m = &self.msg;
        let skip = |p: &Person| p.email == m.from.email || m.to.iter().any(|t| t.email == p.email);
        self.msg.cc = cc.iter().filter(|p| !skip(p)).copied().collect();
        self
    }
    pub fn flags(mut self, flags: u8) -> Self {
        self.msg.flags = Some(flags);
        self
    }
    pub fn unread(self) -> Self {
        self.flags(0)
    }
    pub fn flagged(self) -> Self {
        self.flags(Flags::SEEN | Flags::FLAGGED)
    }
    /// An extra header line, written as given (it may be deliberately broken).
    pub fn raw_header(mut self, line: &[u8]) -> Self {
        self.msg.headers.push(line.to_vec());
        self
    }
    pub fn header(self, name: &str, value: &str) -> Self {
        self.raw_header(format!("{name}: {value}").as_bytes())
    }
    pub fn subject(mut self, subject: &str) -> Self {
        self.msg.subject = subject.to_string();
        self
    }
    /// Replaces the Subject with an already encoded (or raw) value.
    pub fn raw_subject(mut self, value: &[u8]) -> Self {
        self.msg.raw_subject = Some(value.to_vec());
        self
    }
    pub fn no_date(mut self) -> Self {
        self.msg.dated = false;
        self
    }
    /// Leaves the multipart without its closing boundary.
    pub fn unterminated(mut self) -> Self {
        self.msg.unterminated = true;
        self
    }
    /// Marks the message as posted to `list`: List-* headers and the list prefix.
    pub fn list(mut self, list: &List) -> Self {
        let subject = std::mem::take(&mut self.msg.subject);
        self.msg.subject = if list.prefix.is_empty() || subject.contains(list.prefix.trim()) {
            subject
        } else if let Some(rest) = subject.strip_prefix("Re: ") {
            format!("Re: {}{rest}", list.prefix)
        } else {
            format!("{}{subject}", list.prefix)
        };
        let (local, host) = list.addr.split_once('@').unwrap_or((list.addr, ""));
        self.header("List-Id", &format!("{} <{}>", list.name, list.id))
            .header("List-Post", &format!("<mailto:{}>", list.addr))
            .header(
                "List-Unsubscribe",
                &format!("<mailto:{local}-leave@{host}>, <https://{host}/l/{local}/unsubscribe>"),
            )
            .header(
                "List-Archive",
                &format!("<https://{host}/archive/{local}/>"),
            )
            .header("Precedence", "list")
    }
    pub fn body(mut self, body: Body) -> Self {
        self.msg.body = body;
        self
    }
    /// A UTF-8 text/plain body.
    pub fn text(self, text: &str) -> Self {
        self.body(Body::Text(text.to_string()))
    }
    /// RFC 3676 format=flowed text (see [`special::flowed`]).
    pub fn flowed(self, text: &str) -> Self {
        self.body(special::flowed(text))
    }
    /// A text body and attachments (multipart/mixed).
    pub fn attach(self, text: &str, files: &[&File]) -> Self {
        let files = files.iter().map(|f| f.draft()).collect();
        self.body(Body::Files(text.to_string(), files))
    }
    /// The message's bytes, without adding it to the corpus (a message that is only seen
    /// forwarded inside another).
    pub fn bytes(self) -> Vec<u8> {
        mime::render(&self.msg)
    }
    pub fn push(self) -> Thread {
        let thread = self.msg.thread();
        self.corpus.msgs.push(self.msg);
        thread
    }
}
