//! Outgoing mail: the [`Draft`] the composer edits (and the store keeps), and [`build`], which
//! turns a draft into the exact RFC 5322 bytes that are sent and saved to Sent, plus the SMTP
//! envelope. Reply helpers live in [`reply`], forwards in [`forward`]; attachment reading and
//! MIME typing in [`attach`]; a message prepared elsewhere (`tmail send < file`) in
//! [`prepared`]. Pure domain code: no terminal, no socket, no store.

pub mod attach;
pub mod forward;
pub mod prepared;
pub mod reply;

use std::path::PathBuf;
use std::time::SystemTime;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use serde::{Deserialize, Serialize};

use crate::mail::Address;

/// A message being written. Serializable: drafts are data (the store keeps them across upgrades).
///
/// Message ids (`in_reply_to`, `references`) are stored without angle brackets, as
/// [`crate::mail::Envelope`] stores them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Draft {
    /// The draft's own key in the store (not a header).
    pub id: String,
    /// The sender (From header and envelope sender); its domain names the Message-ID.
    pub from: Address,
    /// To header and envelope recipients.
    pub to: Vec<Address>,
    /// Cc header and envelope recipients.
    pub cc: Vec<Address>,
    /// Envelope recipients only: never written into the message's header.
    pub bcc: Vec<Address>,
    /// The subject as typed (line breaks become spaces when built).
    pub subject: String,
    /// The text body, with `\n` (or `\r\n`) line ends.
    pub body: String,
    /// The Message-ID this answers (In-Reply-To, RFC 5322 §3.6.4).
    pub in_reply_to: Option<String>,
    /// The thread's ids, oldest first (References, RFC 5322 §3.6.4).
    pub references: Vec<String>,
    /// Files or bytes to attach, in order.
    pub attachments: Vec<DraftAttachment>,
}

/// Where an attachment's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttachmentSource {
    /// A file, read when the message is built.
    File(PathBuf),
    /// Bytes the draft carries itself (attachments of a forwarded message, or the forwarded
    /// message itself as `message/rfc822`).
    Data(Vec<u8>),
}

/// One attachment of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftAttachment {
    pub source: AttachmentSource,
    /// The file name the recipient sees; defaults to the file's own name.
    pub name: Option<String>,
    /// A MIME type such as `application/pdf`; guessed from the content and the name when unset.
    pub mime: Option<String>,
}

impl DraftAttachment {
    /// An attachment read from `path` when the message is built.
    pub fn file(path: impl Into<PathBuf>) -> DraftAttachment {
        DraftAttachment {
            source: AttachmentSource::File(path.into()),
            name: None,
            mime: None,
        }
    }
}

/// A message ready to send: the exact bytes (CRLF line ends, no `Bcc:` header) to send and to
/// save to Sent, and the SMTP envelope (RFC 5321 reverse-path and forward-paths).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Built {
    pub bytes: Vec<u8>,
    /// The envelope sender (`MAIL FROM`): the From address.
    pub envelope_from: String,
    /// Every To, Cc and Bcc address once (`RCPT TO`), in that order.
    pub recipients: Vec<String>,
    /// The Message-ID header's id, without angle brackets.
    pub message_id: String,
}

/// Why a draft cannot become a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// An address (in `field`: From, To, Cc or Bcc) that is not `local@domain`, or holds a
    /// line break or space.
    #[error("{field}: {value:?} is not a valid email address")]
    InvalidAddress { field: &'static str, value: String },
    /// To, Cc and Bcc are all empty.
    #[error("no recipient: add an address to To, Cc or Bcc")]
    NoRecipients,
    /// An attachment that cannot be read (`path` is the file, or the attachment's name), or
    /// whose declared MIME type is not one.
    #[error("attachment {path}: {message}")]
    Attachment { path: String, message: String },
    /// lettre refused to build the message (not expected after the checks above).
    #[error("cannot build the message: {0}")]
    Build(String),
}

/// Replaces CR, LF and other control characters (which could start a new header line or
/// confuse a reader) by spaces, collapses runs of whitespace and trims: the one way any typed
/// text enters a header.
pub fn single_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_control() || c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// A message id as written between angle brackets: no whitespace, controls or brackets.
/// `None` when nothing usable is left.
fn clean_id(id: &str) -> Option<String> {
    let id: String = id
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace() && !matches!(c, '<' | '>'))
        .collect();
    (!id.is_empty()).then_some(id)
}

fn mailbox(field: &'static str, a: &Address) -> Result<Mailbox, ComposeError> {
    let email = a.email.trim();
    let invalid = || ComposeError::InvalidAddress {
        field,
        value: as_typed(a),
    };
    if email.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid());
    }
    let addr: lettre::Address = email.parse().map_err(|_| invalid())?;
    let name = a.name.as_deref().map(single_line).filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, addr))
}

/// Text with `\n` line ends only (a lone CR becomes a line end too); lettre writes CRLF.
///
/// lettre ends every part with a CRLF of its own. Before a multipart boundary that CRLF belongs
/// to the boundary (RFC 2046 §5.1.1), but at the end of a single-part message it is body: there
/// the text's own last line end is dropped so the recipient reads exactly the typed text — unless
/// the text goes out in base64, where its line ends are inside the encoding.
fn normalize_body(s: &str, single_part: bool) -> String {
    let mut s = s.replace("\r\n", "\n").replace('\r', "\n");
    let base64 = matches!(
        email_encoding::body::Encoding::choose(s.as_str(), false),
        email_encoding::body::Encoding::Base64
    );
    if single_part && !base64 && s.ends_with('\n') {
        s.pop();
    }
    s
}

/// A Message-ID (RFC 5322 §3.6.4) unique to this call, on the sender's domain.
fn new_message_id(domain: &str, now: SystemTime) -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // RandomState is seeded from the OS once per process and varied per instance.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(nanos);
    h.write_u64(SEQ.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    format!("{}.{:016x}@{domain}", base36(nanos), h.finish())
}

fn base36(mut n: u128) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Build the message of `draft`, dated `now`.
///
/// - Headers: From, To, Cc (never Bcc), Subject, Date, a new Message-ID on the From domain,
///   In-Reply-To and References (RFC 5322 §3.6); non-ASCII names and subjects as RFC 2047
///   encoded words; any CR/LF typed in a header field is turned into a space (no injection).
/// - Body: UTF-8 `text/plain`; lettre picks 7bit, quoted-printable (long lines, some non-ASCII)
///   or base64 (mostly non-ASCII). With attachments, `multipart/mixed` (RFC 2046) whose parts
///   carry RFC 2231 file names; see [`attach`] for encodings and MIME types.
/// - Envelope: From as sender; To, Cc and Bcc, each address once, as recipients.
///
/// Errors: an address that does not parse, no recipient at all, or an attachment that cannot
/// be read ([`ComposeError::Attachment`] names its path).
pub fn build(draft: &Draft, now: SystemTime) -> Result<Built, ComposeError> {
    build_message(draft, now, None)
}

/// The header a draft of a forward names the forwarded message's Message-ID in (as Thunderbird
/// writes it), so that a forward resumed from Drafts still flags the original `$Forwarded`.
/// Only drafts carry it: [`build`] never writes it.
pub const FORWARDED_ID_HEADER: &str = "X-Forwarded-Message-Id";

/// [`build`] for a draft kept in the Drafts folder: the same message, but it may have no
/// recipient yet (its SMTP envelope is then From alone; it is never sent as it is), and it
/// keeps what resuming it needs, as other mail clients' drafts do: a `Bcc:` header, and for a
/// forward, [`FORWARDED_ID_HEADER`] with the Message-ID of `forwards` (In-Reply-To and
/// References are written as in [`build`]).
pub fn build_draft(
    draft: &Draft,
    forwards: Option<&str>,
    now: SystemTime,
) -> Result<Built, ComposeError> {
    build_message(draft, now, Some(forwards))
}

/// The copy of a sent message kept in the Sent folder: the bytes that were sent plus a `Bcc:`
/// header naming `bcc` (none when it is empty), as other mail clients keep it, so the sender
/// still sees who got a blind copy. Recipients never see this header: it is added after the
/// message went out. Addresses that do not parse are left out.
pub fn sent_copy(built: &Built, bcc: &[Address]) -> Vec<u8> {
    let mailboxes: Vec<Mailbox> = bcc.iter().filter_map(|a| mailbox("Bcc", a).ok()).collect();
    let Some(end) = built.bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        return built.bytes.clone();
    };
    if mailboxes.is_empty() {
        return built.bytes.clone();
    }
    let mut headers = lettre::message::header::Headers::new();
    headers.set(lettre::message::header::Bcc::from(
        mailboxes
            .into_iter()
            .collect::<lettre::message::Mailboxes>(),
    ));
    let line = headers.to_string();
    let mut out = Vec::with_capacity(built.bytes.len() + line.len());
    out.extend_from_slice(&built.bytes[..end + 2]);
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(&built.bytes[end + 2..]);
    out
}

/// How an address entry was typed, for an error message: the address, or the text that was
/// no address at all (kept as a name by the parser).
pub fn as_typed(a: &Address) -> String {
    if a.email.trim().is_empty() {
        a.name.clone().unwrap_or_default()
    } else {
        a.to_string()
    }
}

/// `draft_of`: `None` for a message to send, `Some(forwards)` for a draft (see
/// [`build_draft`]).
fn build_message(
    draft: &Draft,
    now: SystemTime,
    draft_of: Option<Option<&str>>,
) -> Result<Built, ComposeError> {
    let unsent = draft_of.is_some();
    let from = mailbox("From", &draft.from)?;
    let mut builder = lettre::Message::builder()
        .from(from.clone())
        .date(now)
        .subject(single_line(&draft.subject));
    let mut recipients: Vec<lettre::Address> = Vec::new();
    let mut add = |a: &lettre::Address| {
        let seen = recipients
            .iter()
            .any(|r: &lettre::Address| AsRef::<str>::as_ref(r).eq_ignore_ascii_case(a.as_ref()));
        if !seen {
            recipients.push(a.clone());
        }
    };
    for a in &draft.to {
        let m = mailbox("To", a)?;
        add(&m.email);
        builder = builder.to(m);
    }
    for a in &draft.cc {
        let m = mailbox("Cc", a)?;
        add(&m.email);
        builder = builder.cc(m);
    }
    for a in &draft.bcc {
        let m = mailbox("Bcc", a)?;
        add(&m.email);
        if unsent {
            builder = builder.bcc(m);
        }
    }
    if unsent {
        builder = builder.keep_bcc();
    }
    if let Some(id) = draft_of.flatten().and_then(clean_id) {
        builder = builder.raw_header(lettre::message::header::HeaderValue::new(
            lettre::message::header::HeaderName::new_from_ascii_str(FORWARDED_ID_HEADER),
            format!("<{id}>"),
        ));
    }
    if recipients.is_empty() {
        if !unsent {
            return Err(ComposeError::NoRecipients);
        }
        recipients.push(from.email.clone());
    }
    let message_id = new_message_id(from.email.domain(), now);
    builder = builder.message_id(Some(format!("<{message_id}>")));
    if let Some(id) = draft.in_reply_to.as_deref().and_then(clean_id) {
        builder = builder.in_reply_to(format!("<{id}>"));
    }
    let refs: Vec<String> = draft
        .references
        .iter()
        .filter_map(|r| clean_id(r))
        .map(|r| format!("<{r}>"))
        .collect();
    if !refs.is_empty() {
        builder = builder.references(refs.join(" "));
    }
    let envelope = lettre::address::Envelope::new(Some(from.email.clone()), recipients.clone())
        .map_err(|e| ComposeError::Build(e.to_string()))?;
    builder = builder.envelope(envelope);

    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(normalize_body(&draft.body, draft.attachments.is_empty()));
    let message = if draft.attachments.is_empty() {
        builder.singlepart(text)
    } else {
        let mut mixed = MultiPart::mixed().singlepart(text);
        for a in &draft.attachments {
            mixed = mixed.singlepart(attach::part(a)?);
        }
        builder.multipart(mixed)
    }
    .map_err(|e| ComposeError::Build(e.to_string()))?;
    let bytes = message.formatted();
    drop(message);
    Ok(Built {
        bytes,
        envelope_from: from.email.to_string(),
        recipients: recipients.iter().map(|r| r.to_string()).collect(),
        message_id,
    })
}

#[cfg(test)]
mod tests;
