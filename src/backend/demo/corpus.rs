//! The built-in demo mailbox: a deterministic generator of about two hundred raw RFC 5322
//! messages in a small folder tree, which `tmail --demo` loads into a temporary store.

use crate::mail::{Flags, Role};
use chrono::{DateTime, FixedOffset, Offset, Utc};

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

/// All demo messages, oldest first. The same bytes on every run: dates count forward from
/// a fixed epoch and all variety comes from a seeded generator.
pub fn messages() -> Vec<DemoMessage> {
    let mut c = Corpus::new();
    inbox_threads(&mut c);
    inbox_charsets(&mut c);
    inbox_rich(&mut c);
    inbox_everyday(&mut c);
    lists(&mut c);
    rust_users(&mut c);
    projects(&mut c);
    sent_and_drafts(&mut c);
    archive(&mut c);
    junk_and_trash(&mut c);
    welcome(&mut c);
    c.finish()
}

// ---------------------------------------------------------------------------------------
// Time, randomness and people
// ---------------------------------------------------------------------------------------

/// 2026-10-01T09:00:00Z: every date is a number of minutes after this instant.
const EPOCH: i64 = 1_790_845_200;

/// Minutes after the epoch for `hh:mm` UTC on day `day` (day 0 is 1 October 2026).
const fn at(day: i64, hh: i64, mm: i64) -> i64 {
    day * 1440 + (hh - 9) * 60 + mm
}

/// Hours as minutes, for reply delays.
const fn hours(h: i64) -> i64 {
    h * 60
}

/// Moves `t` into 07:00-20:00 UTC of its day, keeping the order of times within the day.
fn daytime(t: i64) -> i64 {
    let minute = (t + 9 * 60).rem_euclid(1440);
    t - minute + 7 * 60 + minute * 13 / 24
}

/// The last day of the timeline (27 October).
const LAST_DAY: i64 = 26;

/// The instant `minutes` after the epoch, on the clock of someone `tz_minutes` east of UTC.
fn local_time(minutes: i64, tz_minutes: i32) -> DateTime<FixedOffset> {
    let utc = DateTime::<Utc>::from_timestamp(EPOCH + minutes * 60, 0).unwrap_or_default();
    utc.with_timezone(&FixedOffset::east_opt(tz_minutes * 60).unwrap_or(Utc.fix()))
}

fn rfc5322_date(minutes: i64, tz_minutes: i32) -> String {
    local_time(minutes, tz_minutes)
        .format("%a, %d %b %Y %H:%M:%S %z")
        .to_string()
}

/// A small linear congruential generator (Knuth's MMIX constants): all the variety, none
/// of the nondeterminism.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    fn below(&mut self, n: u32) -> u32 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + i64::from(self.below((hi - lo).max(1) as u32))
    }
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
}

#[derive(Clone, Copy)]
struct Person {
    name: &'static str,
    email: &'static str,
    /// UTC offset of the sender's Date header, in minutes east.
    tz: i32,
}

const fn person(name: &'static str, email: &'static str, tz: i32) -> Person {
    Person { name, email, tz }
}

// The owner of the demo mailbox and their team.
/// The address of the demo's user, Sam Rivera.
pub const USER_ADDRESS: &str = "sam@demo.tmail.test";
const SAM: Person = person("Sam Rivera", USER_ADDRESS, 60);
const BOB: Person = person("Bob Martin", "bob@demo.tmail.test", -240);
const ALICE: Person = person("Alice Chen", "alice@demo.tmail.test", -420);
const PRIYA: Person = person("Priya Natarajan", "priya@demo.tmail.test", 330);
const JONAS: Person = person("Jonas Müller", "jonas@demo.tmail.test", 120);
const ELODIE: Person = person("Élodie Fournier", "elodie@demo.tmail.test", 120);
const DMITRI: Person = person("Дмитрий Волков", "dmitri@demo.tmail.test", 180);
const YUKI: Person = person("田中 由紀", "yuki@demo.tmail.test", 540);
const KENJI: Person = person("佐藤 健二", "kenji@demo.tmail.test", 540);
const MARTA: Person = person("Marta Kowalska", "marta@demo.tmail.test", 120);
const OMAR: Person = person("Omar Haddad", "omar@demo.tmail.test", 240);
const OFFICE: Person = person("Office Scanner", "scanner@demo.tmail.test", 120);
const CALENDAR: Person = person("Team Calendar", "calendar@demo.tmail.test", 60);
// Friends and everyone else.
const LENA: Person = person("Lena Hoffmann 🌻", "lena.hoffmann@mailbox.test", 120);
const MARGARET: Person = person("Margaret O'Neill", "maggie@brightcater.test", 60);
const MALLORY: Person = person("Mallory", "mallory@evil.test", 0);
const DEMO: Person = person("tmail demo", "demo@tmail.test", 0);
const FORGE: Person = person("Forge", "notifications@forge.test", 0);
const FORGE_CI: Person = person("Forge CI", "ci@forge.test", 0);
const TIMES: Person = person("Terminal Times", "newsletter@terminaltimes.test", -300);
const PAPERLEAF: Person = person("Paperleaf Books", "orders@paperleaf.test", 0);
const SKYLARK: Person = person("Skylark Air", "no-reply@skylark-air.test", 0);
const BANK: Person = person("Harbor Bank", "statements@harborbank.test", -300);
const PARCEL: Person = person("Swift Parcel", "tracking@swiftparcel.test", 60);
const VAULT: Person = person("KeyVault Security", "security@keyvault.test", -480);

/// A mailing list: the address posts go to and the headers its mail carries.
struct List {
    name: &'static str,
    id: &'static str,
    addr: &'static str,
    prefix: &'static str,
}

impl List {
    /// The list's address, as a recipient.
    const fn member(&self) -> Person {
        person(self.name, self.addr, 0)
    }
}

const RUST_LIST: List = List {
    name: "Rust users",
    id: "rust-users.lists.demo.test",
    addr: "rust-users@lists.demo.test",
    prefix: "[rust-users] ",
};
const ANNOUNCE_LIST: List = List {
    name: "tmail announcements",
    id: "tmail-announce.lists.tmail.test",
    addr: "tmail-announce@lists.tmail.test",
    prefix: "",
};
const CYCLISTS_LIST: List = List {
    name: "City cyclists",
    id: "city-cyclists.lists.demo.test",
    addr: "city-cyclists@lists.demo.test",
    prefix: "[cyclists] ",
};

// ---------------------------------------------------------------------------------------
// Encoders
// ---------------------------------------------------------------------------------------

const CRLF: &[u8] = b"\r\n";
const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 (RFC 4648) without line breaks.
fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 as a MIME body: lines of 76 characters, each ending in CRLF.
fn base64_body(data: &[u8]) -> Vec<u8> {
    let text = base64(data);
    let mut out = Vec::with_capacity(text.len() + text.len() / 38 + 2);
    for line in text.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(CRLF);
    }
    out
}

/// Quoted-printable (RFC 2045 §6.7) of CRLF-separated lines, at most 76 characters a line.
fn quoted_printable(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 11 / 10);
    let mut line_len = 0;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if data[i..].starts_with(CRLF) {
            out.extend_from_slice(CRLF);
            line_len = 0;
            i += 2;
            continue;
        }
        let at_eol = i + 1 == data.len() || data[i + 1..].starts_with(CRLF);
        let literal =
            (matches!(b, b' ' | b'\t') && !at_eol) || ((33..=126).contains(&b) && b != b'=');
        let width = if literal { 1 } else { 3 };
        // Room for the soft break's "=", unless this is the last character of the line.
        let limit = if at_eol { 76 } else { 75 };
        if line_len + width > limit {
            out.extend_from_slice(b"=\r\n");
            line_len = 0;
        }
        if literal {
            out.push(b);
        } else {
            out.extend_from_slice(format!("={b:02X}").as_bytes());
        }
        line_len += width;
        i += 1;
    }
    out
}

/// LF to CRLF, for text written with `\n` in this file.
fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// Encodes `text` with a single-byte charset, `?` for characters it lacks.
fn single_byte(text: &str, map: fn(char) -> Option<u8>) -> Vec<u8> {
    text.chars().map(|ch| map(ch).unwrap_or(b'?')).collect()
}

fn latin1(ch: char) -> Option<u8> {
    u8::try_from(u32::from(ch)).ok()
}

fn cp1252(ch: char) -> Option<u8> {
    const HIGH: [(char, u8); 10] = [
        ('€', 0x80),
        ('…', 0x85),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('™', 0x99),
    ];
    match u32::from(ch) {
        0..=0x7f | 0xa0..=0xff => latin1(ch),
        _ => HIGH.iter().find(|(c, _)| *c == ch).map(|&(_, b)| b),
    }
}

fn koi8r(ch: char) -> Option<u8> {
    // KOI8-R 0xC0..=0xFF: lower case then upper case, in this (phonetic) order.
    const CYRILLIC: &str = "юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ";
    match ch {
        '\0'..='\x7f' => Some(ch as u8),
        'ё' => Some(0xa3),
        'Ё' => Some(0xb3),
        _ => CYRILLIC
            .chars()
            .position(|c| c == ch)
            .map(|i| 0xc0 + i as u8),
    }
}

/// RFC 2047 encoded words for a header, folded with CRLF SP between words. `units` are
/// the byte sequences that must not be split across words (one per character, say).
/// Words are kept to 60 characters so that a line holding one stays within 76.
fn encoded_words(charset: &str, q: bool, units: &[Vec<u8>]) -> String {
    let budget = 60 - charset.len() - 7;
    let mut words: Vec<String> = Vec::new();
    let mut bytes: Vec<u8> = Vec::new();
    let encode = |bytes: &[u8]| {
        if q {
            q_encode(bytes)
        } else {
            base64(bytes)
        }
    };
    for unit in units {
        let mut grown = bytes.clone();
        grown.extend_from_slice(unit);
        if !bytes.is_empty() && encode(&grown).len() > budget {
            words.push(encode(&bytes));
            bytes = unit.clone();
        } else {
            bytes = grown;
        }
    }
    if !bytes.is_empty() {
        words.push(encode(&bytes));
    }
    let kind = if q { 'Q' } else { 'B' };
    words
        .iter()
        .map(|w| format!("=?{charset}?{kind}?{w}?="))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// The Q encoding of RFC 2047 §4.2, restricted to what is also safe in a phrase.
fn q_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'!' | b'*' | b'+' | b'-' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("={b:02X}")),
        }
    }
    out
}

/// Header text as is when it is plain ASCII, else as UTF-8 encoded words: Q when the text
/// is mostly ASCII, B otherwise.
fn header_text(text: &str) -> String {
    if text.is_ascii() && !text.contains("=?") {
        return text.to_string();
    }
    let units: Vec<Vec<u8>> = text.chars().map(|c| c.to_string().into_bytes()).collect();
    let wide = text.chars().filter(|c| !c.is_ascii()).count();
    encoded_words("UTF-8", wide * 4 < text.chars().count(), &units)
}

/// Header text in a single-byte charset, one unit per byte.
fn header_text_in(charset: &str, q: bool, bytes: &[u8]) -> String {
    let units: Vec<Vec<u8>> = bytes.iter().map(|&b| vec![b]).collect();
    encoded_words(charset, q, &units)
}

/// `Name <addr>`, with the name quoted or encoded when it needs to be.
fn mailbox(p: &Person) -> String {
    const ATEXT: &str = "!#$%&'*+-/=?^_`{|}~ ";
    if p.name.is_empty() {
        p.email.to_string()
    } else if !p.name.is_ascii() {
        format!("{} <{}>", header_text(p.name), p.email)
    } else if p
        .name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ATEXT.contains(c))
    {
        format!("{} <{}>", p.name, p.email)
    } else {
        let quoted = p.name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{quoted}\" <{}>", p.email)
    }
}

fn address_list(people: &[Person]) -> String {
    people
        .iter()
        .map(mailbox)
        .collect::<Vec<_>>()
        .join(",\r\n ")
}

/// RFC 3676 format=flowed from logical lines: a line may start with `>` quote markers and
/// is wrapped at 72 columns with trailing-space soft breaks.
fn flow(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let depth = line.chars().take_while(|&c| c == '>').count();
        let content = line[depth..].strip_prefix(' ').unwrap_or(&line[depth..]);
        let prefix = if depth > 0 {
            format!("{} ", ">".repeat(depth))
        } else {
            String::new()
        };
        if line == "-- " {
            out.push_str("-- \n");
            continue;
        }
        let width = 72 - prefix.len();
        let mut rows: Vec<String> = Vec::new();
        let mut row = String::new();
        for word in content.split(' ') {
            if !row.is_empty() && row.len() + word.len() + 1 > width {
                rows.push(std::mem::take(&mut row) + " ");
            }
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
        }
        rows.push(row);
        for row in rows {
            let stuff = depth == 0
                && (row.starts_with(' ') || row.starts_with('>') || row.starts_with("From "));
            if row.is_empty() {
                // An empty quoted line keeps no trailing space: that would make it flowed.
                out.push_str(prefix.trim_end());
                out.push('\n');
                continue;
            }
            out.push_str(&prefix);
            if stuff {
                out.push(' ');
            }
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

/// Appends a signature block after the standard `-- ` separator.
fn signed(body: &str, signature: &str) -> String {
    format!("{}\n-- \n{signature}\n", body.trim_end())
}

/// Every line of `text` prefixed with `> ` (a bare `>` on empty lines), as a reply quotes
/// its parent.
fn quote(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(if line.is_empty() { ">" } else { "> " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The attribution line above a quote, in the quoted author's time zone.
fn wrote(parent: &Thread) -> String {
    let when = local_time(parent.at, parent.from.tz).format("%a, %-d %b %Y at %H:%M");
    format!("On {when}, {} wrote:", parent.from.name)
}

/// A top-posted reply: the new text, then the attribution and the quoted parent.
fn top_post(new: &str, parent: &Thread, parent_body: &str) -> String {
    format!(
        "{}\n\n{}\n{}",
        new.trim_end(),
        wrote(parent),
        quote(parent_body)
    )
}

// ---------------------------------------------------------------------------------------
// MIME parts
// ---------------------------------------------------------------------------------------

enum Part {
    /// A single body part: its Content-* header lines and its encoded body.
    Leaf { head: Vec<String>, body: Vec<u8> },
    /// A multipart; `closed` is false for a deliberately truncated one.
    Multi {
        subtype: &'static str,
        parts: Vec<Part>,
        closed: bool,
    },
}

#[derive(Clone, Copy)]
enum Cte {
    SevenBit,
    EightBit,
    QuotedPrintable,
    Base64,
}

/// A leaf part of `content_type` with `data` (CRLF line ends for text) encoded as `cte`.
fn leaf(content_type: &str, cte: Cte, extra: &[String], data: &[u8]) -> Part {
    let (name, body) = match cte {
        Cte::SevenBit => ("7bit", data.to_vec()),
        Cte::EightBit => ("8bit", data.to_vec()),
        Cte::QuotedPrintable => ("quoted-printable", quoted_printable(data)),
        Cte::Base64 => ("base64", base64_body(data)),
    };
    let mut head = vec![
        format!("Content-Type: {content_type}"),
        format!("Content-Transfer-Encoding: {name}"),
    ];
    head.extend(extra.iter().cloned());
    Part::Leaf { head, body }
}

/// UTF-8 text/plain, 7bit when it is ASCII.
fn text(body: &str) -> Part {
    let cte = if body.is_ascii() {
        Cte::SevenBit
    } else {
        Cte::EightBit
    };
    leaf("text/plain; charset=utf-8", cte, &[], crlf(body).as_bytes())
}

/// UTF-8 text/plain; format=flowed, from logical lines (see [`flow`]).
fn flowed(body: &str) -> Part {
    let cte = if body.is_ascii() {
        Cte::SevenBit
    } else {
        Cte::EightBit
    };
    leaf(
        "text/plain; charset=utf-8; format=flowed; delsp=no",
        cte,
        &[],
        crlf(&flow(body)).as_bytes(),
    )
}

/// Text in another charset: `bytes` are already encoded, with CRLF line ends.
fn text_in(charset: &str, cte: Cte, bytes: &[u8]) -> Part {
    leaf(&format!("text/plain; charset={charset}"), cte, &[], bytes)
}

/// UTF-8 text/html, quoted-printable.
fn html(body: &str) -> Part {
    leaf(
        "text/html; charset=utf-8",
        Cte::QuotedPrintable,
        &[],
        crlf(body).as_bytes(),
    )
}

fn alternative(plain: Part, rich: Part) -> Part {
    Part::Multi {
        subtype: "alternative",
        parts: vec![plain, rich],
        closed: true,
    }
}

fn mixed(parts: Vec<Part>) -> Part {
    Part::Multi {
        subtype: "mixed",
        parts,
        closed: true,
    }
}

/// A base64 attachment. `name_params` are the ready-made `name`/`filename` parameters
/// (`filename="a.txt"`, `filename*=UTF-8''...`), given as (content-type, disposition).
fn attachment(content_type: &str, name_params: (&str, &str), data: &[u8]) -> Part {
    leaf(
        &format!("{content_type};\r\n {}", name_params.0),
        Cte::Base64,
        &[format!(
            "Content-Disposition: attachment;\r\n {}",
            name_params.1
        )],
        data,
    )
}

/// An attachment with a plain ASCII file name.
fn file(content_type: &str, name: &str, data: &[u8]) -> Part {
    attachment(
        content_type,
        (&format!("name=\"{name}\""), &format!("filename=\"{name}\"")),
        data,
    )
}

fn write_part(part: &Part, tag: &str, out: &mut Vec<u8>) {
    match part {
        Part::Leaf { head, body } => {
            for line in head {
                out.extend_from_slice(line.as_bytes());
                out.extend_from_slice(CRLF);
            }
            out.extend_from_slice(CRLF);
            out.extend_from_slice(body);
        }
        Part::Multi {
            subtype,
            parts,
            closed,
        } => {
            let boundary = format!("=_tmail_{tag}");
            out.extend_from_slice(
                format!("Content-Type: multipart/{subtype};\r\n boundary=\"{boundary}\"\r\n\r\n")
                    .as_bytes(),
            );
            out.extend_from_slice(b"This is a multi-part message in MIME format.\r\n");
            for (i, part) in parts.iter().enumerate() {
                out.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
                write_part(part, &format!("{tag}_{i}"), out);
                if !out.ends_with(CRLF) {
                    out.extend_from_slice(CRLF);
                }
            }
            if *closed {
                out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Binary attachments
// ---------------------------------------------------------------------------------------

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG (RGB, stored deflate blocks) of a mock-up: a dark sidebar with one
/// highlighted row and grey "text lines" on a light page.
fn png(width: u32, height: u32, accent: [u8; 3]) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            let px = if x < width / 4 {
                if (12..20).contains(&y) {
                    accent
                } else if y % 8 == 4 && x > 3 && x < width / 4 - 3 {
                    [0x8f, 0x96, 0xa3]
                } else {
                    [0x2b, 0x30, 0x3b]
                }
            } else if y % 6 == 3 && x > width / 4 + 4 && x < width - 4 - (y * 7 % 23) {
                [0xb0, 0xb4, 0xba]
            } else {
                [0xf7, 0xf5, 0xf0]
            };
            raw.extend_from_slice(&px);
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());

    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", zlib), (b"IEND", Vec::new())] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(&data);
        out.extend_from_slice(&chunk);
        out.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    out
}

/// A small but well-formed PDF: `pages` pages of a table of made-up figures.
fn pdf(title: &str, pages: usize, rows: usize, rng: &mut Lcg) -> Vec<u8> {
    const REGIONS: [&str; 6] = ["EMEA", "APAC", "NA-East", "NA-West", "LATAM", "Nordics"];
    let font = 3 + 2 * pages;
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages)
                .map(|p| format!("{} 0 R", 3 + 2 * p))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    ];
    for page in 0..pages {
        let mut content = format!(
            "BT /F1 16 Tf 72 740 Td ({title} - page {}) Tj ET\n",
            page + 1
        );
        for row in 0..rows {
            let revenue = 40_000 + rng.below(160_000);
            let cost = revenue / 2 + rng.below(revenue / 3);
            content.push_str(&format!(
                "BT /F1 9 Tf 72 {} Td ({:<8} 2026-{:02}  {:>9}  {:>9}  {:>5.1}%) Tj ET\n",
                716 - 11 * row as i64,
                REGIONS[row % REGIONS.len()],
                7 + (row / REGIONS.len()) % 3,
                revenue,
                cost,
                f64::from(revenue - cost) * 100.0 / f64::from(revenue)
            ));
        }
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {} 0 R \
             /Resources << /Font << /F1 {font} 0 R >> >> >>",
            4 + 2 * page
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ));
    }
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string());

    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

// ---------------------------------------------------------------------------------------
// Building messages
// ---------------------------------------------------------------------------------------

/// What a reply needs of the message it answers.
#[derive(Clone)]
struct Thread {
    id: String,
    refs: Vec<String>,
    subject: String,
    at: i64,
    from: Person,
}

struct Draft {
    seq: usize,
    folder: &'static str,
    at: i64,
    from: Person,
    to: Vec<Person>,
    cc: Vec<Person>,
    /// The subject as text; encoded when written unless `subject_raw` replaces it.
    subject: Option<String>,
    subject_raw: Option<Vec<u8>>,
    id: String,
    parent: Option<Thread>,
    headers: Vec<Vec<u8>>,
    body: Part,
    flags: Option<u8>,
    dated: bool,
}

impl Draft {
    /// What a reply to this message needs.
    fn thread(&self) -> Thread {
        Thread {
            refs: match &self.parent {
                Some(p) => p.refs.iter().chain([&p.id]).cloned().collect(),
                None => Vec::new(),
            },
            id: self.id.clone(),
            subject: self.subject.clone().unwrap_or_default(),
            at: self.at,
            from: self.from,
        }
    }
}

/// The message list under construction.
struct Corpus {
    rng: Lcg,
    drafts: Vec<Draft>,
}

/// One message being put together; `push` adds it to the corpus.
struct Builder<'c> {
    corpus: &'c mut Corpus,
    draft: Draft,
}

impl Corpus {
    fn new() -> Corpus {
        Corpus {
            rng: Lcg(0x746d_6169_6c21),
            drafts: Vec::new(),
        }
    }

    fn mail(
        &mut self,
        folder: &'static str,
        at: i64,
        from: Person,
        to: &[Person],
        subject: &str,
    ) -> Builder<'_> {
        let seq = self.drafts.len() + 1;
        let domain = from.email.rsplit('@').next().unwrap_or("demo.tmail.test");
        let id = format!("{seq}.{:08x}@{domain}", self.rng.next());
        Builder {
            corpus: self,
            draft: Draft {
                seq,
                folder,
                at,
                from,
                to: to.to_vec(),
                cc: Vec::new(),
                subject: Some(subject.to_string()),
                subject_raw: None,
                id,
                parent: None,
                headers: Vec::new(),
                body: text(""),
                flags: None,
                dated: true,
            },
        }
    }

    /// A reply to `parent`, `delay` minutes after it, with the usual `Re: ` subject.
    fn reply(
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
        b.draft.parent = Some(parent.clone());
        b
    }

    /// The first message so far that matches, to reply to.
    fn find(&self, pred: impl Fn(&Draft) -> bool) -> Option<Thread> {
        self.drafts.iter().find(|d| pred(d)).map(Draft::thread)
    }

    /// `n` times spread evenly from `start` to `end`, each nudged by up to half a slot and
    /// squeezed into the (UTC) working day.
    fn spread(&mut self, start: i64, end: i64, n: usize) -> Vec<i64> {
        let slot = (end - start) / n.max(1) as i64;
        (0..n as i64)
            .map(|i| daytime(start + i * slot + self.rng.range(0, slot / 2 + 1)))
            .collect()
    }

    fn finish(mut self) -> Vec<DemoMessage> {
        // Whatever Sam answered is marked answered.
        let answered: Vec<String> = self
            .drafts
            .iter()
            .filter(|d| d.folder == SENT)
            .filter_map(|d| d.parent.as_ref().map(|p| p.id.clone()))
            .collect();
        let (start, end) = (0, at(LAST_DAY, 23, 0));
        for d in &mut self.drafts {
            let mut flags = d.flags.unwrap_or_else(|| match d.folder {
                SENT | ARCHIVE | TRASH | JUNK => Flags::SEEN,
                DRAFTS => Flags::SEEN | Flags::DRAFT,
                _ => {
                    // Older mail is more likely read; roughly a third stays unread.
                    let percent = 20 + 55 * (d.at - start).clamp(0, end) / end;
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
            if answered.contains(&d.id) {
                flags |= Flags::ANSWERED | Flags::SEEN;
            }
            d.flags = Some(flags);
        }
        self.drafts.sort_by_key(|d| (d.at, d.seq));
        self.drafts
            .iter()
            .map(|d| DemoMessage {
                folder: d.folder.to_string(),
                raw: render(d),
                flags: Flags(d.flags.unwrap_or_default()),
            })
            .collect()
    }
}

impl Builder<'_> {
    /// Copies to `cc`, leaving out the sender and the direct recipients (as reply-all does).
    fn cc(mut self, cc: &[Person]) -> Self {
        let d = &self.draft;
        let skip = |p: &Person| p.email == d.from.email || d.to.iter().any(|t| t.email == p.email);
        self.draft.cc = cc.iter().filter(|p| !skip(p)).copied().collect();
        self
    }
    fn flags(mut self, flags: u8) -> Self {
        self.draft.flags = Some(flags);
        self
    }
    fn unread(self) -> Self {
        self.flags(0)
    }
    fn flagged(self) -> Self {
        self.flags(Flags::SEEN | Flags::FLAGGED)
    }
    /// An extra header line, written as given (it may be deliberately broken).
    fn raw_header(mut self, line: &[u8]) -> Self {
        self.draft.headers.push(line.to_vec());
        self
    }
    fn header(self, name: &str, value: &str) -> Self {
        self.raw_header(format!("{name}: {value}").as_bytes())
    }
    fn subject(mut self, subject: &str) -> Self {
        self.draft.subject = Some(subject.to_string());
        self
    }
    /// Replaces the Subject with an already encoded (or raw) value.
    fn raw_subject(mut self, value: &[u8]) -> Self {
        self.draft.subject_raw = Some(value.to_vec());
        self
    }
    fn no_date(mut self) -> Self {
        self.draft.dated = false;
        self
    }
    /// Marks the message as posted to `list`: List-* headers and the list prefix.
    fn list(mut self, list: &List) -> Self {
        let subject = self.draft.subject.take().unwrap_or_default();
        let subject = if list.prefix.is_empty() || subject.contains(list.prefix.trim()) {
            subject
        } else if let Some(rest) = subject.strip_prefix("Re: ") {
            format!("Re: {}{rest}", list.prefix)
        } else {
            format!("{}{subject}", list.prefix)
        };
        self.draft.subject = Some(subject);
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
    fn body(mut self, body: Part) -> Self {
        self.draft.body = body;
        self
    }
    fn text(self, body: &str) -> Self {
        self.body(text(body))
    }
    fn flowed(self, body: &str) -> Self {
        self.body(flowed(body))
    }
    fn push(self) -> Thread {
        let thread = self.draft.thread();
        self.corpus.drafts.push(self.draft);
        thread
    }
}

fn render(d: &Draft) -> Vec<u8> {
    let mut out = Vec::with_capacity(2048);
    let mut line = |bytes: &[u8]| {
        out.extend_from_slice(bytes);
        out.extend_from_slice(CRLF);
    };
    if d.dated {
        line(format!("Date: {}", rfc5322_date(d.at, d.from.tz)).as_bytes());
    }
    line(format!("From: {}", mailbox(&d.from)).as_bytes());
    if !d.to.is_empty() {
        line(format!("To: {}", address_list(&d.to)).as_bytes());
    }
    if !d.cc.is_empty() {
        line(format!("Cc: {}", address_list(&d.cc)).as_bytes());
    }
    match (&d.subject_raw, &d.subject) {
        (Some(raw), _) => line(&[b"Subject: ", raw.as_slice()].concat()),
        (None, Some(subject)) => line(format!("Subject: {}", header_text(subject)).as_bytes()),
        (None, None) => {}
    }
    line(format!("Message-ID: <{}>", d.id).as_bytes());
    if let Some(parent) = &d.parent {
        line(format!("In-Reply-To: <{}>", parent.id).as_bytes());
        let refs: Vec<String> = parent
            .refs
            .iter()
            .chain([&parent.id])
            .map(|r| format!("<{r}>"))
            .collect();
        line(format!("References: {}", refs.join("\r\n ")).as_bytes());
    }
    for header in &d.headers {
        line(header);
    }
    line(b"MIME-Version: 1.0");
    write_part(&d.body, &format!("{:03}", d.seq), &mut out);
    out
}

// ---------------------------------------------------------------------------------------
// INBOX: conversations
// ---------------------------------------------------------------------------------------

fn inbox_threads(c: &mut Corpus) {
    standup_thread(c);
    release_thread(c);
    dinner_thread(c);
    french_thread(c);
    lena_thread(c);
}

const STANDUP_1: &str = "\
Hi all,

Jonas keeps missing the 9:15 slot because of the school run. How about
we move the daily standup to 10:00 Lisbon time (14:30 for Priya, 05:00
for me - I'll live; Alice watches the recording as usual)?

Same video link, same 15 minutes. If nobody objects by Friday, I'll
update the calendar invite.

Bob
";

const STANDUP_2: &str = "\
Works for me. One small thing: on Thursdays I have the design sync
until 10:00, so I might join a couple of minutes late.

Sam
";

const STANDUP_3: &str = "\
> Works for me. One small thing: on Thursdays I have the design sync
> until 10:00, so I might join a couple of minutes late.

No problem, on Thursdays we'll start with the demo round so you won't
miss any updates. Calendar is updated.

Bob
";

const STANDUP_4: &str = "\
> > Works for me. One small thing: on Thursdays I have the design sync
> > until 10:00, so I might join a couple of minutes late.
>
> No problem, on Thursdays we'll start with the demo round so you won't
> miss any updates. Calendar is updated.

Thanks Bob. Sam, since you'll be late anyway on Thursdays, could you
post your update in #tmail the evening before? Then we can keep the
round short.

Alice
";

const STANDUP_5: &str = "\
> Sam, since you'll be late anyway on Thursdays, could you
> post your update in #tmail the evening before?

Sure, will do. I'll start this week.

Sam
";

/// A thread that goes back and forth between INBOX and Sent.
fn standup_thread(c: &mut Corpus) {
    let team = [SAM, ALICE, PRIYA, JONAS];
    let b1 = c
        .mail(
            INBOX,
            at(1, 13, 5),
            BOB,
            &team,
            "Moving the daily standup to 10:00",
        )
        .text(STANDUP_1)
        .push();
    let b2 = c
        .reply(SENT, &b1, 50, SAM, &[BOB])
        .cc(&[ALICE, PRIYA, JONAS])
        .text(&top_post(STANDUP_2, &b1, STANDUP_1))
        .push();
    let b3 = c
        .reply(INBOX, &b2, 80, BOB, &[SAM])
        .cc(&[ALICE, PRIYA, JONAS])
        .text(STANDUP_3)
        .push();
    let b4 = c
        .reply(INBOX, &b3, 125, ALICE, &[SAM, BOB])
        .cc(&[PRIYA, JONAS])
        .text(STANDUP_4)
        .push();
    c.reply(SENT, &b4, 35, SAM, &[ALICE, BOB])
        .cc(&[PRIYA, JONAS])
        .text(STANDUP_5)
        .push();
}

const RELEASE_1: &str = "\
Hi team,

Here's my proposal for getting 0.4 out of the door:

  1. Feature freeze on Friday 16 October
  2. Release candidate on Tuesday 20 October
  3. Final release on Monday 26 October, if the RC survives a week

What's in: the threaded view, offline search and the new folder
sidebar. What's out: the plugin API, which needs another round of
design.

Anything I've missed? Please reply by Thursday.

Alice";

const RELEASE_2: &str = "\
> 2. Release candidate on Tuesday 20 October

Dates look good to me. One concern: the 20th is also the day of the
design review, and I'd rather not have Priya split between the two.
Could the review move, or the RC slip by a day?

Bob
";

const RELEASE_3: &str = "\
> What's in: the threaded view, offline search and the new folder
> sidebar.

Could we squeeze in the keybinding cheat sheet (the ? overlay)? It's
mostly done; what's left is the layout for narrow terminals.

Sam
";

const RELEASE_4: &str = "\
> > 2. Release candidate on Tuesday 20 October
>
> Dates look good to me. One concern: the 20th is also the day of the
> design review

The design review can move to Wednesday the 21st, that's no problem
for me. Keep the RC on the 20th.

Priya
";

const RELEASE_5: &str = "\
> Could the review move, or the RC slip by a day?

Whatever you decide, I need two working days after the RC to build
the Debian and Homebrew packages and to update the mirrors. So the
final release on the 26th works only if the RC is out by the 21st.

Gruß,
Jonas
";

const RELEASE_6: &str = "\
> The design review can move to Wednesday the 21st, that's no problem
> for me. Keep the RC on the 20th.

Great, thanks Priya! Then the RC stays on the 20th, which also gives
Jonas his two days for the packages.

Alice
";

const RELEASE_7: &str = "\
> Could we squeeze in the keybinding cheat sheet (the ? overlay)?

Yes, if it's merged before the freeze on Friday. Ping me for the
review and I'll look at it the same day.

Alice
";

/// A reply tree with branches: 1 -> (2 -> (4 -> 6, 5), 3 -> 7), where 3 is in Sent.
fn release_thread(c: &mut Corpus) {
    let to = [SAM, BOB, PRIYA, JONAS];
    let a1 = c
        .mail(INBOX, at(5, 16, 20), ALICE, &to, "Release plan for 0.4")
        .text(&signed(RELEASE_1, "Alice Chen · tmail core"))
        .push();
    let a2 = c
        .reply(INBOX, &a1, 135, BOB, &[ALICE])
        .cc(&[SAM, PRIYA, JONAS])
        .text(RELEASE_2)
        .push();
    let a3 = c
        .reply(SENT, &a1, 185, SAM, &[ALICE])
        .cc(&[BOB, PRIYA, JONAS])
        .text(RELEASE_3)
        .push();
    let a4 = c
        .reply(INBOX, &a2, 540, PRIYA, &[BOB, ALICE])
        .cc(&[SAM, JONAS])
        .text(RELEASE_4)
        .push();
    c.reply(INBOX, &a2, 610, JONAS, &[BOB, ALICE])
        .cc(&[SAM, PRIYA])
        .text(RELEASE_5)
        .push();
    c.reply(INBOX, &a4, 290, ALICE, &[PRIYA, BOB])
        .cc(&[SAM, JONAS])
        .text(RELEASE_6)
        .push();
    c.reply(INBOX, &a3, 370, ALICE, &[SAM])
        .text(RELEASE_7)
        .push();
}

const DINNER_1: &str = "\
Hi everyone,

For the offsite dinner in Lisbon on Thursday I have shortlisted three places. Reply with your first choice by Wednesday noon, and tell me about any dietary needs I don't know about yet.

1. Casa do Bacalhau - traditional, big tables, lots of fish.
2. Horta Verde - vegetarian, small garden, very good desserts.
3. Tasca do Zé - tiny, loud, and the best grilled sardines in town.

Priya
";

const DINNER_2: &str = "\
> 2. Horta Verde - vegetarian, small garden, very good desserts.

Horta Verde gets my vote. I went there last spring and I still think about their chocolate cake with olive oil and sea salt.

Jonas
";

const DINNER_3: &str = "\
>> 2. Horta Verde - vegetarian, small garden, very good desserts.
> Horta Verde gets my vote. I went there last spring and I still think about their chocolate cake with olive oil and sea salt.

+1 for Horta Verde. Also, I'm allergic to peanuts, in case that matters for any of the three.

Marta
";

const DINNER_4: &str = "\
> > 3. Tasca do Zé - tiny, loud, and the best grilled sardines in town.
>
> Horta Verde gets my vote.

Tasca do Zé for me: you can't go to Lisbon in October and skip the
sardines! But I'll happily eat cake wherever the majority goes.

Omar
";

const DINNER_5: &str = "\
> +1 for Horta Verde. Also, I'm allergic to peanuts, in case that matters for any of the three.

Horta Verde wins, 5 votes to 2. The table is booked for 19:30, for nine people, and Marta, I told them about the peanuts: they'll mark the dishes for you.

It's a fifteen minute walk from the hotel, we'll meet in the lobby at 19:10.

See you there!
Priya
";

/// Mostly format=flowed, with one classic reply in the middle.
fn dinner_thread(c: &mut Corpus) {
    let all = [SAM, BOB, ALICE, JONAS, MARTA, OMAR];
    let c1 = c
        .mail(
            INBOX,
            at(11, 7, 45),
            PRIYA,
            &all,
            "Offsite dinner: vote for a restaurant",
        )
        .flowed(DINNER_1)
        .push();
    let c2 = c
        .reply(INBOX, &c1, 65, JONAS, &[PRIYA])
        .cc(&all)
        .flowed(DINNER_2)
        .push();
    let c3 = c
        .reply(INBOX, &c2, 120, MARTA, &[JONAS, PRIYA])
        .cc(&all)
        .flowed(DINNER_3)
        .push();
    c.reply(INBOX, &c2, 185, OMAR, &[JONAS, PRIYA])
        .cc(&all)
        .text(DINNER_4)
        .push();
    c.reply(INBOX, &c3, 1210, PRIYA, &all)
        .flowed(DINNER_5)
        .flagged()
        .push();
}

const FRENCH_1: &str = "\
Bonjour Sam,

Pour la réunion de lundi, je propose qu'on commence à 10 h au lieu de
9 h 30 : mon train de Lyon arrive un peu tard. Ça te va ?

J'apporterai les maquettes de l'écran de recherche (et le café). Si tu
as des remarques sur la première version, envoie-les-moi avant
vendredi, s'il te plaît.

Bonne journée,
Élodie
";

const FRENCH_2: &str = "\
Bonjour Élodie,

10 h me va très bien. Mes remarques sur la maquette : le champ de
recherche pourrait être plus large, et j'aimerais voir les filtres
(non lus, avec pièce jointe) directement sous le champ.

À lundi !
Sam
";

const FRENCH_3: &str = "\
> le champ de recherche pourrait être plus large, et j'aimerais voir
> les filtres (non lus, avec pièce jointe) directement sous le champ.

C'est noté, je prépare une variante avec les filtres sous le champ et
une autre avec des onglets. On choisira ensemble lundi.

À lundi, 10 h !
Élodie
";

/// ISO-8859-1 quoted-printable mail with a Latin-1 encoded subject.
fn latin1_text(body: &str) -> Part {
    text_in(
        "iso-8859-1",
        Cte::QuotedPrintable,
        &single_byte(&crlf(body), latin1),
    )
}

fn latin1_subject(subject: &str) -> Vec<u8> {
    header_text_in("ISO-8859-1", true, &single_byte(subject, latin1)).into_bytes()
}

fn french_thread(c: &mut Corpus) {
    let subject = "Réunion de lundi";
    let d1 = c
        .mail(INBOX, at(7, 8, 10), ELODIE, &[SAM], subject)
        .raw_subject(&latin1_subject(subject))
        .header("User-Agent", "Courrielleur/2.4 (Linux)")
        .body(latin1_text(FRENCH_1))
        .push();
    let d2 = c
        .reply(SENT, &d1, 95, SAM, &[ELODIE])
        .text(&top_post(FRENCH_2, &d1, FRENCH_1))
        .push();
    c.reply(INBOX, &d2, 240, ELODIE, &[SAM])
        .raw_subject(&latin1_subject("Re: Réunion de lundi"))
        .header("User-Agent", "Courrielleur/2.4 (Linux)")
        .body(latin1_text(FRENCH_3))
        .push();
}

const LENA_1: &str = "\
Hey Sam!

Paul and I are finally back from Porto 🎉 Dinner at ours on Saturday?
I'm making the pastéis de nata from the cooking class, so you have to
come and tell me they're as good as the real ones.

Seven-ish? Bring nothing but yourself (and maybe that board game with
the trains).

Lena
";

const LENA_2: &str = "\
Saturday works! I'll bring the trains and a bottle of vinho verde 🍷

Sam
";

const LENA_3: &str = "\
Perfect, see you at seven! 😊

L.
";

fn lena_thread(c: &mut Corpus) {
    let l1 = c
        .mail(INBOX, at(3, 17, 32), LENA, &[SAM], "Dinner on Saturday?")
        .text(LENA_1)
        .push();
    let l2 = c
        .reply(SENT, &l1, 48, SAM, &[LENA])
        .text(&top_post(LENA_2, &l1, LENA_1))
        .push();
    c.reply(INBOX, &l2, 12, LENA, &[SAM])
        .text(&top_post(LENA_3, &l2, LENA_2))
        .push();
}

// ---------------------------------------------------------------------------------------
// INBOX: other charsets
// ---------------------------------------------------------------------------------------

const GERMAN: &str = "\
Hallo Sam,

kurze Info: Am Samstag ziehen wir den Build-Server ins neue
Rechenzentrum um. Zwischen 8:00 und 12:00 Uhr (MESZ) sind die
nächtlichen Builds und die Paketspiegel nicht erreichbar.

Falls du am Wochenende größere Änderungen zusammenführen möchtest,
mach das bitte vor Freitagabend. Danach prüfe ich in Ruhe, ob alles
läuft, und schicke dir eine kurze Rückmeldung.

Viele Grüße aus München
Jonas

P.S. Die Weißwürste beim Umzugsfrühstück gehen auf mich.
";

const GERMAN_REPLY: &str = "\
Danke Jonas! I'll merge the search branch on Thursday then, so you
have a quiet weekend. Good luck with the move - and save me a
Weißwurst.

Sam
";

const CP1252: &str = "\
Hi Sam,

Thanks for thinking of us for the “launch party” – we’d love to do it!

Here’s our quote for 40 guests:

  • Welcome drinks (sparkling & alcohol-free)     €240
  • Canapés, six kinds, half of them vegetarian   €680
  • Dessert table                                 €210
  • Staff, 2 people × 4 hours                     €320

  Total                                         €1,450

Prices include VAT. We’d need the final numbers a week before… and
of course, let me know if anyone has allergies.

Best wishes,
Margaret O’Neill
Bright Catering — Dublin
";

const KOI8: &str = "\
Привет, Сэм!

Закончил тестирование сборки 0.4 на Linux и FreeBSD.
Всё работает, кроме поиска по папке \"Архив\": там результаты
появляются с задержкой около секунды.

Подробный журнал пришлю завтра утром.

Дмитрий
";

/// Shift_JIS of this text (Yuki's note about next week's demo):
///
/// サムさん / お疲れさまです。田中です。 / 来週のデモの資料を共有します。 /
/// スレッド表示と検索の画面を中心に説明する予定です。 /
/// 日本語のメールも正しく表示されるか、確認をお願いします。 /
/// ご確認よろしくお願いします。 / 田中 由紀
const SJIS: &[u8] = b"\x83T\x83\x80\x82\xb3\x82\xf1\n\n\
\x82\xa8\x94\xe6\x82\xea\x82\xb3\x82\xdc\x82\xc5\x82\xb7\x81B\x93c\x92\x86\x82\xc5\x82\xb7\x81B\n\
\x97\x88\x8fT\x82\xcc\x83f\x83\x82\x82\xcc\x8e\x91\x97\xbf\x82\xf0\x8b\xa4\x97L\x82\xb5\x82\xdc\
\x82\xb7\x81B\n\
\x83X\x83\x8c\x83b\x83h\x95\x5c\x8e\xa6\x82\xc6\x8c\x9f\x8d\xf5\x82\xcc\x89\xe6\x96\xca\x82\xf0\
\x92\x86\x90S\x82\xc9\x90\xe0\x96\xbe\x82\xb7\x82\xe9\x97\x5c\x92\xe8\x82\xc5\x82\xb7\x81B\n\
\x93\xfa\x96{\x8c\xea\x82\xcc\x83\x81\x81[\x83\x8b\x82\xe0\x90\xb3\x82\xb5\x82\xad\x95\x5c\x8e\xa6\
\x82\xb3\x82\xea\x82\xe9\x82\xa9\x81A\x8am\x94F\x82\xf0\x82\xa8\x8a\xe8\x82\xa2\x82\xb5\x82\xdc\
\x82\xb7\x81B\n\n\
\x82\xb2\x8am\x94F\x82\xe6\x82\xeb\x82\xb5\x82\xad\x82\xa8\x8a\xe8\x82\xa2\x82\xb5\x82\xdc\x82\xb7\
\x81B\n\n\
\x93c\x92\x86 \x97R\x8bI\n";

/// ISO-2022-JP of this text (Kenji's minutes of the October meeting):
///
/// サムさん、チームの皆さん / 佐藤です。 / 10月の定例会議の議事録をお送りします。 /
/// 1. リリース 0.4 の日程を確認しました。 / 2. 検索機能のテストを追加します。 /
/// 3. 次回の会議は11月5日です。 / よろしくお願いいたします。 / 佐藤 健二
const JIS: &[u8] = b"\x1b$B%5%`$5$s!\x22%A!<%`$N3'$5$s\x1b(B\n\n\
\x1b$B:4F#$G$9!#\x1b(B\n\
10\x1b$B7n$NDjNc2q5D$N5D;vO?$r$*Aw$j$7$^$9!#\x1b(B\n\n\
1. \x1b$B%j%j!<%9\x1b(B 0.4 \x1b$B$NF|Dx$r3NG'$7$^$7$?!#\x1b(B\n\
2. \x1b$B8!:w5!G=$N%F%9%H$rDI2C$7$^$9!#\x1b(B\n\
3. \x1b$B<!2s$N2q5D$O\x1b(B11\x1b$B7n\x1b(B5\x1b$BF|$G$9!#\x1b(B\n\n\
\x1b$B$h$m$7$/$*4j$$$$$?$7$^$9!#\x1b(B\n\
\x1b$B:4F#\x1b(B \x1b$B7rFs\x1b(B\n";

/// ISO-2022-JP of "議事録: 10月の定例会議".
const JIS_SUBJECT: &[u8] = b"\x1b$B5D;vO?\x1b(B: 10\x1b$B7n$NDjNc2q5D\x1b(B";

/// LF to CRLF in already encoded bytes (safe for the charsets used here: none of them
/// has 0x0A inside a multi-byte character).
fn crlf_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 30);
    for &b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

fn inbox_charsets(c: &mut Corpus) {
    let subject = "Grüße aus München: Serverumzug am Samstag";
    let g = c
        .mail(INBOX, at(3, 8, 40), JONAS, &[SAM], subject)
        .cc(&[BOB])
        .raw_subject(&latin1_subject(subject))
        .body(latin1_text(GERMAN))
        .push();
    c.reply(SENT, &g, 200, SAM, &[JONAS])
        .text(&top_post(GERMAN_REPLY, &g, GERMAN))
        .push();

    let subject = "Catering quote for the “launch party”";
    c.mail(INBOX, at(10, 11, 2), MARGARET, &[SAM], subject)
        .raw_subject(header_text_in("windows-1252", true, &single_byte(subject, cp1252)).as_bytes())
        .header("X-Mailer", "Microsoft Outlook 16.0")
        .body(text_in(
            "windows-1252",
            Cte::EightBit,
            &single_byte(&crlf(CP1252), cp1252),
        ))
        .flagged()
        .push();

    c.mail(
        INBOX,
        at(16, 6, 18),
        DMITRI,
        &[SAM],
        "Отчёт о тестировании 0.4",
    )
    .cc(&[ALICE])
    .raw_subject(
        header_text_in(
            "KOI8-R",
            false,
            &single_byte("Отчёт о тестировании 0.4", koi8r),
        )
        .as_bytes(),
    )
    .body(text_in(
        "koi8-r",
        Cte::EightBit,
        &single_byte(&crlf(KOI8), koi8r),
    ))
    .push();

    c.mail(INBOX, at(14, 1, 30), YUKI, &[SAM], "来週のデモについて")
        .cc(&[PRIYA])
        .body(text_in("shift_jis", Cte::Base64, &crlf_bytes(SJIS)))
        .push();

    c.mail(INBOX, at(18, 2, 5), KENJI, &[SAM], "議事録: 10月の定例会議")
        .cc(&[YUKI, ALICE])
        .raw_subject(encoded_words("ISO-2022-JP", false, &[JIS_SUBJECT.to_vec()]).as_bytes())
        .body(text_in("iso-2022-jp", Cte::SevenBit, &crlf_bytes(JIS)))
        .unread()
        .push();
}

// ---------------------------------------------------------------------------------------
// INBOX: HTML, attachments and the special messages
// ---------------------------------------------------------------------------------------

const BUDGET: &str = "\
Hi Sam,

Ahead of Thursday's review, here is where we stand for Q4:

  Team            Budget     Spent     Left
  Engineering    120,000    84,300   35,700
  Design          30,000    21,950    8,050
  Travel          18,000    16,400    1,600
  Tooling         12,000     6,800    5,200

Travel is nearly used up because of the Lisbon offsite, so please hold
off on new trips until January. Tooling is fine: go ahead with the CI
runners we discussed.

For the slides, let's reuse the template from project zanzibar last
year - finance liked that format. The numbers are final as of today.

Thanks,
Bob";

const HOSTILE: &str = "Dear customer,\n\
\x1b[2J\n\
Your invoice #4471 is \x1b[1;31mOVERDUE\x1b[0m. Pay now to avoid the suspension of your account:\n\
\n\
\x1b]8;;http://evil.test\x1b\\click\x1b]8;;\x1b\\\n\
\n\
\x1b[?1049l\u{9b}31mThis line tries to turn red through a C1 control.\n\
Amount due: \u{202e}00.994$\u{202c} (reversed by a bidi override)\n\
\n\
Accounts Receivable\n";

const SHIPPED: &str = "\
Hi all,

0.3 is out! 🎉 Thanks everyone for the late nights and the careful
reviews. Highlights:

  - folders load from the local cache before the network answers
  - search across all folders, offline
  - the new compose editor with format=flowed support

Release notes: https://tmail.test/releases/0.3

Cake in the kitchen at 4 pm 🍰

Priya
";

const HIKE: &str = "\
Hi Sam,

Here's the one from the top - worth the 900 metres, wasn't it? The
rest are in the shared album. Next time we start before 8, promised.

Lena
";

const Q3_NOTE: &str = "\
Hi Sam,

Attached is the final Q3 report (PDF, 12 pages). The summary for the
all-hands is on page 1; the other pages have the figures per region
and month.

Two things stand out: APAC grew faster than planned, and hosting costs
went down after the move to the new data centre.

Let me know if anything looks off before I send it to the board on
Monday.

Marta
";

const SIDEBAR_NOTE: &str = "\
Hi Sam,

Here's a first mock-up of the new folder sidebar: the dark column on
the left, with the selected folder highlighted in teal. Unread counts
go on the right, dimmed when zero.

Thoughts before I polish it?

Priya
";

const CALL_NOTES: &str = "\
Customer call - Harbor Bank IT, 12 October
==========================================

Attendees: Omar Haddad, Sam Rivera, Dana Brooks (Harbor Bank)

- They run tmail on about 300 jump hosts, all offline most of the day.
- Main wish: a read-only mode for shared service mailboxes.
- Second wish: configurable date format (they use ISO 8601 everywhere).
- They are happy with startup time; search on 50k messages takes ~2s.

Follow-ups:
  [Sam]  open an issue for read-only mode, link it to the roadmap
  [Omar] send them the 0.4 release candidate on the 20th
";

const CALL_NOTE: &str = "\
Hi Sam,

Notes from today's call are attached, in case you want to add anything
before I forward them to Dana.

Thanks for joining at such short notice!
Omar
";

const EXPENSES_NOTE: &str = "\
Hi Sam,

Here is the expense sheet for the Lisbon offsite, one line per
receipt. Could you check the two dinners on the 15th before I submit
it? I'm not sure I split them correctly.

Omar
";

const MINUTES_NOTE: &str = "\
サムさん

今日の打ち合わせの議事録を添付します。
(Minutes of today's meeting are attached.)

田中
";

const MINUTES: &str = "\
議事録 2026-10-15

出席: 田中、佐藤、サム

1. デモの流れを確認した
2. 検索のデモには「予算」を使う
3. 次回: 10月22日
";

const SCAN_NOTE: &str = "\
A document was scanned on MFP-2F (2nd floor, near the kitchen).

Pages: 1
Resolution: 300 dpi
";

const DASHBOARD_NOTE: &str = "\
Hi Sam,

Here's the link to the dashboard with this week's usage numbers, with
the filters for the 0.4 beta testers already applied:

https://dash.tmail.test/d/usage-overview?orgId=1&from=2026-10-10T00:00:00Z&to=2026-10-17T00:00:00Z&var-channel=beta&var-platform=linux&var-platform=macos&var-platform=freebsd&var-terminal=all&var-version=0.4.0-beta.1&var-version=0.4.0-beta.2&refresh=5m&viewPanel=12&tab=query&utm_source=email&utm_medium=share&utm_campaign=beta-weekly

It's a long one - the filters are in the URL so nothing needs to be
set by hand.

Priya
";

const BUILD_NOTE_HEAD: &str = "\
Hi Sam,

The release build failed again on the Alpine runner. Here's the
command line cargo ran, copied straight from the log (sorry for the
long line):

";

const BUILD_NOTE_TAIL: &str = "

error: linking with `cc` failed: exit status: 1
  = note: /usr/bin/ld: cannot find -lgcc_s

Looks like the musl image lost its libgcc package. I'll pin the image
digest for now.

Alice
";

/// One long line, as a compiler invocation in a build log is.
fn build_command() -> String {
    const CRATES: [&str; 10] = [
        "ratatui",
        "crossterm",
        "tokio",
        "futures",
        "mail_parser",
        "sled",
        "serde",
        "chrono",
        "html2text",
        "unicode_width",
    ];
    let mut line = "     Running `rustc --crate-name tmail --edition=2021 src/main.rs \
                    --crate-type bin --emit=dep-info,link -C opt-level=3 -C strip=symbols"
        .to_string();
    for (i, name) in CRATES.iter().enumerate() {
        line.push_str(&format!(
            " --extern {name}=/build/target/release/deps/lib{name}-{:016x}.rlib",
            0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(i as u64 + 1)
        ));
    }
    line.push('`');
    line
}

/// An HTML newsletter issue: a style block, a table of contents, links and a list.
fn times_issue(issue: u32, stories: &[(&str, &str, &str)]) -> (String, String) {
    let mut plain = format!("TERMINAL TIMES - issue #{issue}\n\nThis week:\n\n");
    let mut rows = String::new();
    for (i, (title, url, blurb)) in stories.iter().enumerate() {
        plain.push_str(&format!("{}. {title}\n   {blurb}\n   {url}\n\n", i + 1));
        rows.push_str(&format!(
            "<tr><td class=\"n\">{}</td><td><a href=\"{url}\">{title}</a><br>\
             <span class=\"blurb\">{blurb}</span></td></tr>\n",
            i + 1
        ));
    }
    plain.push_str("Unsubscribe: https://terminaltimes.test/unsubscribe\n");
    let html = format!(
        "<!DOCTYPE html>
<html>
<head>
<meta charset=\"utf-8\">
<title>Terminal Times #{issue}</title>
<style>
  body {{ font-family: Georgia, serif; background: #faf8f2; color: #222; }}
  h1 {{ font-size: 28px; border-bottom: 3px double #222; }}
  table.toc {{ border-collapse: collapse; width: 100%; }}
  table.toc td {{ padding: 6px 8px; border-bottom: 1px solid #ddd; vertical-align: top; }}
  td.n {{ font-weight: bold; color: #b5462f; width: 2em; }}
  .blurb {{ color: #555; font-size: 14px; }}
  .footer {{ font-size: 12px; color: #888; }}
</style>
</head>
<body>
<h1>Terminal Times <small>#{issue}</small></h1>
<p>Your weekly digest of <em>all things text-mode</em>. This week:</p>
<table class=\"toc\">
{rows}</table>
<h2>Tip of the week</h2>
<ul>
  <li>Most terminal programs accept <code>NO_COLOR=1</code>.</li>
  <li>Pipe long output through <code>less -R</code> to keep colours.</li>
  <li><strong>Never</strong> paste commands from the web without reading them first.</li>
</ul>
<p class=\"footer\">You receive this because you subscribed at terminaltimes.test.
<a href=\"https://terminaltimes.test/unsubscribe\">Unsubscribe</a> &middot;
<a href=\"https://terminaltimes.test/archive/{issue}\">View in the browser</a></p>
</body>
</html>
"
    );
    (plain, html)
}

/// An HTML-only receipt with an itemised table.
fn receipt_html(order: &str, items: &[(&str, u32, u32)]) -> String {
    let mut rows = String::new();
    let mut total = 0;
    for (title, qty, cents) in items {
        total += qty * cents;
        rows.push_str(&format!(
            "    <tr><td>{title}</td><td class=\"q\">{qty}</td><td class=\"p\">€{}.{:02}</td></tr>\n",
            qty * cents / 100,
            qty * cents % 100
        ));
    }
    format!(
        "<html>
<head>
<style>
  .receipt {{ font-family: Helvetica, Arial, sans-serif; max-width: 560px; }}
  .receipt th {{ text-align: left; background: #2f5d50; color: white; padding: 4px 8px; }}
  .receipt td {{ padding: 4px 8px; border-bottom: 1px solid #eee; }}
  .q, .p {{ text-align: right; }}
  .total td {{ font-weight: bold; border-top: 2px solid #2f5d50; }}
</style>
</head>
<body>
<div class=\"receipt\">
  <h2>Thank you for your order!</h2>
  <p>Order <b>{order}</b> has been paid and will ship within two working days.</p>
  <table>
    <tr><th>Item</th><th>Qty</th><th>Price</th></tr>
{rows}    <tr class=\"total\"><td>Total (incl. VAT)</td><td></td><td class=\"p\">€{}.{:02}</td></tr>
  </table>
  <p>Track your order at <a href=\"https://paperleaf.test/orders/{order}\">paperleaf.test/orders/{order}</a>.</p>
  <ol>
    <li>Questions? Just reply to this email.</li>
    <li>Returns are free within 30 days.</li>
  </ol>
</div>
</body>
</html>
",
        total / 100,
        total % 100
    )
}

const ITINERARY: &str = "\
Your booking is confirmed.

Booking reference: SKL7Q2

  Outbound  Thu 15 Oct   LIS 07:40 -> BER 12:05   SK 1142
  Return    Sun 18 Oct   BER 18:30 -> LIS 20:55   SK 1147

Passenger: Sam Rivera
Seats: 14A (outbound), 9C (return)

Your boarding pass for the outbound flight is attached.
Manage your booking: https://skylark-air.test/manage/SKL7Q2
";

const ITINERARY_HTML: &str = "\
<html><head><style>
  .flight { border: 1px solid #c8d3e0; border-radius: 6px; padding: 8px; margin: 6px 0; }
  .code { font-size: 20px; font-weight: bold; letter-spacing: 2px; }
</style></head>
<body>
<p>Your booking is confirmed.</p>
<p>Booking reference: <span class=\"code\">SKL7Q2</span></p>
<div class=\"flight\"><b>Outbound</b> Thu 15 Oct &mdash; LIS 07:40 &rarr; BER 12:05 &mdash; SK 1142, seat 14A</div>
<div class=\"flight\"><b>Return</b> Sun 18 Oct &mdash; BER 18:30 &rarr; LIS 20:55 &mdash; SK 1147, seat 9C</div>
<p>Your boarding pass for the outbound flight is attached.</p>
<p><a href=\"https://skylark-air.test/manage/SKL7Q2\">Manage your booking</a></p>
</body></html>
";

const INVITE_TEXT: &str = "\
Priya Natarajan has invited you to: Design review - threaded view

When: Wednesday 21 October 2026, 15:00 - 16:00 (Lisbon)
Where: Video call, https://meet.demo.tmail.test/design-review
Who: Priya Natarajan (organiser), Sam Rivera, Alice Chen, Élodie Fournier

Agenda: walk through the threaded view mock-ups and decide on the
collapsed-thread marker.
";

const INVITE_HTML: &str = "\
<html><body>
<h3>Design review - threaded view</h3>
<table>
<tr><td><b>When</b></td><td>Wednesday 21 October 2026, 15:00 - 16:00 (Lisbon)</td></tr>
<tr><td><b>Where</b></td><td><a href=\"https://meet.demo.tmail.test/design-review\">Video call</a></td></tr>
<tr><td><b>Who</b></td><td>Priya Natarajan (organiser), Sam Rivera, Alice Chen, Élodie Fournier</td></tr>
</table>
<p>Agenda: walk through the threaded view mock-ups and decide on the collapsed-thread marker.</p>
<p><a href=\"https://calendar.demo.tmail.test/accept/8812\">Yes</a> &middot;
<a href=\"https://calendar.demo.tmail.test/maybe/8812\">Maybe</a> &middot;
<a href=\"https://calendar.demo.tmail.test/decline/8812\">No</a></p>
</body></html>
";

const INVITE_ICS: &str = "\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//demo.tmail.test//Team Calendar//EN
METHOD:REQUEST
BEGIN:VEVENT
UID:8812@calendar.demo.tmail.test
DTSTAMP:20261015T091500Z
DTSTART:20261021T140000Z
DTEND:20261021T150000Z
SUMMARY:Design review - threaded view
LOCATION:https://meet.demo.tmail.test/design-review
ORGANIZER;CN=Priya Natarajan:mailto:priya@demo.tmail.test
ATTENDEE;CN=Sam Rivera;RSVP=TRUE:mailto:sam@demo.tmail.test
END:VEVENT
END:VCALENDAR
";

/// One line per receipt of the offsite, amounts from `rng`.
fn expenses_csv(rng: &mut Lcg) -> String {
    const ITEMS: [(&str, &str); 6] = [
        ("taxi", "Airport to hotel"),
        ("dinner", "Team dinner, Horta Verde"),
        ("dinner", "Dinner with Harbor Bank"),
        ("train", "Sintra day trip"),
        ("lunch", "Workshop lunch"),
        ("supplies", "Sticky notes and markers"),
    ];
    let mut csv = String::from("date,category,description,amount_eur\n");
    for (i, (kind, what)) in ITEMS.iter().cycle().take(14).enumerate() {
        let cents = 900 + rng.below(18_000);
        csv.push_str(&format!(
            "2026-10-{:02},{kind},{what},{}.{:02}\n",
            14 + i / 4,
            cents / 100,
            cents % 100
        ));
    }
    csv
}

fn inbox_rich(c: &mut Corpus) {
    c.mail(INBOX, at(9, 14, 10), BOB, &[SAM], "Quarterly budget review")
        .cc(&[MARTA])
        .text(&signed(BUDGET, "Bob Martin · Engineering Manager"))
        .flagged()
        .push();

    c.mail(INBOX, at(20, 3, 33), MALLORY, &[SAM], "Invoice")
        .raw_subject(b"Invoice \x1b[31mOVERDUE\x1b[0m \x1b]0;pwned\x07")
        .text(HOSTILE)
        .unread()
        .push();

    let all = [
        SAM, BOB, ALICE, JONAS, MARTA, OMAR, ELODIE, DMITRI, YUKI, KENJI,
    ];
    c.mail(INBOX, at(0, 10, 30), PRIYA, &all, "🎉 We shipped 0.3!")
        .text(SHIPPED)
        .push();

    c.mail(
        INBOX,
        at(5, 19, 2),
        LENA,
        &[SAM],
        "Photos from the hike 🏔️📷",
    )
    .body(mixed(vec![
        text(HIKE),
        file("image/png", "summit.png", &png(40, 30, [0x4c, 0x9a, 0x6a])),
    ]))
    .push();

    let report = pdf("Q3 report", 12, 40, &mut c.rng);
    c.mail(INBOX, at(4, 12, 0), MARTA, &[SAM], "Q3 report (final)")
        .cc(&[BOB])
        .body(mixed(vec![
            text(Q3_NOTE),
            file("application/pdf", "q3-report.pdf", &report),
        ]))
        .push();

    c.mail(INBOX, at(10, 6, 45), PRIYA, &[SAM], "New sidebar mock-up")
        .cc(&[ELODIE])
        .body(mixed(vec![
            text(SIDEBAR_NOTE),
            file(
                "image/png",
                "sidebar-mockup.png",
                &png(64, 48, [0x2a, 0x9d, 0x8f]),
            ),
        ]))
        .push();

    c.mail(
        INBOX,
        at(12, 16, 40),
        OMAR,
        &[SAM],
        "Notes from today's customer call",
    )
    .body(mixed(vec![
        text(CALL_NOTE),
        file(
            "text/plain; charset=utf-8",
            "call-notes.txt",
            crlf(CALL_NOTES).as_bytes(),
        ),
    ]))
    .push();

    let csv = expenses_csv(&mut c.rng);
    c.mail(
        INBOX,
        at(19, 9, 12),
        OMAR,
        &[SAM],
        "Lisbon offsite expenses",
    )
    .body(mixed(vec![
        text(EXPENSES_NOTE),
        attachment(
            "text/csv; charset=utf-8",
            (
                "name*=UTF-8''Lisbon%20offsite%20%E2%80%93%20expenses.csv",
                "filename*=UTF-8''Lisbon%20offsite%20%E2%80%93%20expenses.csv",
            ),
            crlf(&csv).as_bytes(),
        ),
    ]))
    .push();

    let name = header_text("議事録_1015.txt");
    c.mail(
        INBOX,
        at(15, 8, 20),
        YUKI,
        &[SAM],
        "議事録を送ります (minutes)",
    )
    .cc(&[KENJI])
    .body(mixed(vec![
        text(MINUTES_NOTE),
        attachment(
            "text/plain; charset=utf-8",
            (&format!("name=\"{name}\""), &format!("filename=\"{name}\"")),
            crlf(MINUTES).as_bytes(),
        ),
    ]))
    .push();

    let scan = pdf("Scan 0042", 1, 6, &mut c.rng);
    c.mail(
        INBOX,
        at(15, 13, 58),
        OFFICE,
        &[SAM],
        "Scanned document from MFP-2F",
    )
    .header("X-Mailer", "MFP-2F scan-to-mail 3.1")
    .body(Part::Multi {
        subtype: "mixed",
        parts: vec![
            text(SCAN_NOTE),
            file("application/pdf", "scan0042.pdf", &scan),
        ],
        closed: false,
    })
    .push();

    c.mail(
        INBOX,
        at(13, 18, 25),
        ALICE,
        &[SAM],
        "Release build failing on Alpine",
    )
    .text(&format!(
        "{BUILD_NOTE_HEAD}{}{BUILD_NOTE_TAIL}",
        build_command()
    ))
    .push();

    c.mail(
        INBOX,
        at(16, 12, 5),
        PRIYA,
        &[SAM],
        "Dashboard link for the beta numbers",
    )
    .text(DASHBOARD_NOTE)
    .push();

    let stories: [(&str, &str, &str); 4] = [
        (
            "Why your prompt is slow",
            "https://terminaltimes.test/42/prompt",
            "Profiling a shell prompt with nothing but date +%N.",
        ),
        (
            "The return of the TUI",
            "https://terminaltimes.test/42/tui",
            "Six new terminal apps we could not stop using.",
        ),
        (
            "Escape sequences, explained",
            "https://terminaltimes.test/42/escapes",
            "CSI, OSC and friends - and why mail clients must strip them.",
        ),
        (
            "Reader mail",
            "https://terminaltimes.test/42/letters",
            "Your favourite fonts, ranked.",
        ),
    ];
    let (_, html42) = times_issue(42, &stories);
    c.mail(
        INBOX,
        at(6, 14, 0),
        TIMES,
        &[SAM],
        "Terminal Times #42: Why your prompt is slow",
    )
    .header(
        "List-Unsubscribe",
        "<https://terminaltimes.test/unsubscribe>",
    )
    .body(html(&html42))
    .push();
    let stories: [(&str, &str, &str); 3] = [
        (
            "Colour schemes for the colour-blind",
            "https://terminaltimes.test/43/colours",
            "Contrast that works for everyone.",
        ),
        (
            "A week with a 40-column terminal",
            "https://terminaltimes.test/43/narrow",
            "What breaks, what doesn't, and what we learned.",
        ),
        (
            "Interview: the people behind sixel",
            "https://terminaltimes.test/43/sixel",
            "Pictures in your terminal, since 1983.",
        ),
    ];
    let (plain43, html43) = times_issue(43, &stories);
    c.mail(
        INBOX,
        at(13, 14, 0),
        TIMES,
        &[SAM],
        "Terminal Times #43: A week in 40 columns",
    )
    .header(
        "List-Unsubscribe",
        "<https://terminaltimes.test/unsubscribe>",
    )
    .body(alternative(text(&plain43), html(&html43)))
    .push();
    let stories: [(&str, &str, &str); 3] = [
        (
            "Mail in the terminal, 2026 edition",
            "https://terminaltimes.test/44/mail",
            "Four clients compared: speed, search and safety.",
        ),
        (
            "Fonts with ligatures: yes or no?",
            "https://terminaltimes.test/44/ligatures",
            "Our editors disagree, loudly.",
        ),
        (
            "Ask TT: how do I quit vim?",
            "https://terminaltimes.test/44/vim",
            "A reader asks the eternal question.",
        ),
    ];
    let (_, html44) = times_issue(44, &stories);
    c.mail(
        INBOX,
        at(20, 14, 0),
        TIMES,
        &[SAM],
        "Terminal Times #44: Mail in the terminal",
    )
    .header(
        "List-Unsubscribe",
        "<https://terminaltimes.test/unsubscribe>",
    )
    .body(html(&html44))
    .unread()
    .push();

    let order = receipt_html(
        "PL-20417",
        &[
            ("The Art of Unix Programming (used)", 1, 1450),
            ("Notebook, dotted, A5", 2, 895),
            ("Bookmark set: Lisbon trams", 1, 450),
        ],
    );
    c.mail(
        INBOX,
        at(8, 18, 30),
        PAPERLEAF,
        &[SAM],
        "Your Paperleaf Books order PL-20417",
    )
    .body(html(&order))
    .push();

    let pass = pdf("Boarding pass SK 1142", 1, 4, &mut c.rng);
    c.mail(
        INBOX,
        at(4, 20, 15),
        SKYLARK,
        &[SAM],
        "Booking confirmed: Lisbon - Berlin, 15 Oct",
    )
    .body(mixed(vec![
        alternative(text(ITINERARY), html(ITINERARY_HTML)),
        file("application/pdf", "boarding-pass-SK1142.pdf", &pass),
    ]))
    .flagged()
    .push();

    c.mail(
        INBOX,
        at(15, 9, 15),
        CALENDAR,
        &[SAM],
        "Invitation: Design review - threaded view @ Wed 21 Oct 15:00",
    )
    .body(Part::Multi {
        subtype: "alternative",
        parts: vec![
            text(INVITE_TEXT),
            html(INVITE_HTML),
            leaf(
                "text/calendar; charset=utf-8; method=REQUEST",
                Cte::SevenBit,
                &[],
                crlf(INVITE_ICS).as_bytes(),
            ),
        ],
        closed: true,
    })
    .push();
}

// ---------------------------------------------------------------------------------------
// INBOX: everyday mail
// ---------------------------------------------------------------------------------------

/// A short message from a colleague, and Sam's answer if there is one.
struct Chat {
    from: Person,
    subject: &'static str,
    body: &'static str,
    answer: Option<&'static str>,
}

const CHATS: [Chat; 22] = [
    Chat {
        from: ALICE,
        subject: "Can you review #412 today?",
        body: "Hi Sam,\n\nCould you take a look at #412 (lazy loading of message bodies) today?\nIt's blocking the search work. It's about 300 lines, mostly tests.\n\nThanks!\nAlice\n",
        answer: Some("On it, you'll have comments before lunch.\n\nSam\n"),
    },
    Chat {
        from: BOB,
        subject: "1:1 moved to Thursday",
        body: "Hi Sam,\n\nI have to move our 1:1 to Thursday, same time. Something came up\nwith the board meeting. Sorry for the short notice!\n\nBob\n",
        answer: None,
    },
    Chat {
        from: PRIYA,
        subject: "Icons for the folder tree",
        body: "Sam,\n\nI tried a few single-cell markers for the special folders:\n\n  ▸ Inbox   ↗ Sent   ✎ Drafts   ▣ Archive   ⚠ Junk   ✗ Trash\n\nThey render fine in the terminals I tested (kitty, foot, iTerm2,\nWindows Terminal). Do you know of any where they break?\n\nPriya\n",
        answer: Some("They look great. The Linux console (no framebuffer font) shows\nboxes for ↗ and ✎, but we can fall back to ASCII there.\n\nSam\n"),
    },
    Chat {
        from: JONAS,
        subject: "New signing key for the packages",
        body: "Hi Sam,\n\nThe old package signing key expires next month, so I generated a new\none. Fingerprint:\n\n  7A1C 44D0 9E2B 51F3 A6C8  0D17 3B95 E462 C0FF EE42\n\nCould you double-check it against the one in the team vault?\n\nJonas\n",
        answer: Some("Checked: it matches the vault. Thanks for rotating it early.\n\nSam\n"),
    },
    Chat {
        from: MARTA,
        subject: "Laptop refresh",
        body: "Hi Sam,\n\nYour laptop is due for a refresh this quarter. Would you like the\n14\" or the 16\" model? Both come with 32 GB of RAM.\n\nMarta\n",
        answer: Some("The 14\" please, I carry it around a lot. Thank you!\n\nSam\n"),
    },
    Chat {
        from: OMAR,
        subject: "Harbor Bank wants a demo",
        body: "Hi Sam,\n\nHarbor Bank's IT team would like a 30-minute demo of tmail next week,\nmainly offline search and the keyboard workflow. Are you free on\nTuesday or Wednesday afternoon?\n\nOmar\n",
        answer: Some("Wednesday afternoon works. 14:00 Lisbon time?\n\nSam\n"),
    },
    Chat {
        from: ALICE,
        subject: "Flaky test: store::tests::concurrent_flags",
        body: "FYI: store::tests::concurrent_flags failed twice on CI today, both\ntimes on the macOS runner. I can't reproduce it locally. I've marked it\nas flaky for now and opened #431 to track it.\n\nAlice\n",
        answer: None,
    },
    Chat {
        from: ELODIE,
        subject: "Colour palette, take two",
        body: "Hi Sam,\n\nI've updated the palette after Tuesday's feedback: less saturated\naccents, and the unread marker is now bold instead of yellow. The\nFigma file is updated, same link as before.\n\nÉlodie\n",
        answer: None,
    },
    Chat {
        from: DMITRI,
        subject: "FreeBSD port is ready",
        body: "Hi Sam,\n\nThe FreeBSD port builds cleanly now (mail/tmail). I've submitted it\nfor review; it usually takes a week or two.\n\nDmitri\n",
        answer: Some("Fantastic, thank you! Let me know if the port reviewers have any\nquestions about the build.\n\nSam\n"),
    },
    Chat {
        from: BOB,
        subject: "Hiring: second pair of eyes",
        body: "Sam,\n\nCould you do the technical interview with a candidate on Friday at\n15:00? CV attached to the calendar invite. It's for the backend role.\n\nBob\n",
        answer: Some("Yes, I'll do it. I'll send you my notes by the end of the day.\n\nSam\n"),
    },
    Chat {
        from: PRIYA,
        subject: "User interviews: summary",
        body: "Hi Sam,\n\nQuick summary of this week's five user interviews:\n\n- Everybody found j/k on their own, nobody found gg/G.\n- Three people asked for a way to see unread mail only.\n- Two people were confused by the threaded view at first, but liked\n  it after a minute.\n\nFull notes in the research folder.\n\nPriya\n",
        answer: None,
    },
    Chat {
        from: KENJI,
        subject: "Japanese input in the compose editor",
        body: "Hi Sam,\n\nI tested the compose editor with the Mozc input method. Composition\nworks, but the cursor jumps to the end of the line after each\nconversion. Should I file a bug?\n\nKenji\n",
        answer: Some("Yes please, with the terminal and the version of crossterm if you\ncan. That sounds like a width calculation bug on our side.\n\nSam\n"),
    },
    Chat {
        from: JONAS,
        subject: "Mirror in Frankfurt is back",
        body: "Hi Sam,\n\nThe Frankfurt mirror is back online after the disk swap. Nothing\nwas lost. I'll keep an eye on it for a couple of days.\n\nJonas\n",
        answer: None,
    },
    Chat {
        from: ALICE,
        subject: "Lunch?",
        body: "Lunch at the new ramen place at 12:30? Omar is coming too.\n\nA.\n",
        answer: Some("Count me in!\n"),
    },
    Chat {
        from: MARTA,
        subject: "Office closed on Friday afternoon",
        body: "Hi all,\n\nReminder: the office closes at 13:00 on Friday for the electrical\ninspection. Please take your laptops home on Thursday.\n\nMarta\n",
        answer: None,
    },
    Chat {
        from: OMAR,
        subject: "Conference booth: who's coming?",
        body: "Hi Sam,\n\nWe have a small booth at Terminal Days in November. Would you like to\ndo a 20-minute live demo on the stage? No slides needed, just tmail\nand a big font.\n\nOmar\n",
        answer: None,
    },
    Chat {
        from: BOB,
        subject: "Nice work on the search speed-up",
        body: "Sam,\n\nJust saw the benchmark numbers: search over 100k messages went from\n4.1 s to 0.3 s. Great work! I'll mention it at the all-hands.\n\nBob\n",
        answer: None,
    },
    Chat {
        from: PRIYA,
        subject: "Coffee ☕ tomorrow?",
        body: "Want to grab a coffee tomorrow morning? I'd like to bounce some\nideas about the onboarding screen off you.\n\nPriya\n",
        answer: Some("Sure, 9:30 at the usual place?\n\nSam\n"),
    },
    Chat {
        from: ALICE,
        subject: "Docs: keybinding table",
        body: "Hi Sam,\n\nI moved the keybinding table from the README to docs/keys.md and\nlinked it from the help screen. Let me know if you'd rather keep a\nshort version in the README.\n\nAlice\n",
        answer: None,
    },
    Chat {
        from: ELODIE,
        subject: "Maquettes pour l'écran d'accueil",
        body: "Hi Sam,\n\nThe mock-ups for the welcome screen are ready (sorry for the French\nsubject, old habits!). Three variants, from minimal to chatty. I\nprefer the second one.\n\nÉlodie\n",
        answer: None,
    },
    Chat {
        from: DMITRI,
        subject: "Test corpus with 50 000 messages",
        body: "Hi Sam,\n\nI've put a synthetic test mailbox with 50 000 messages on the build\nserver, under /srv/corpus/big. Useful for benchmarks; the generator\nscript is next to it.\n\nDmitri\n",
        answer: None,
    },
    Chat {
        from: OMAR,
        subject: "Thank-you note from Harbor Bank",
        body: "Hi Sam,\n\nDana from Harbor Bank wrote to say thanks for the demo: \"the\nfastest mail client any of us has used\". They'd like to join the 0.4\nbeta.\n\nOmar\n",
        answer: None,
    },
];

const REMINDERS: [(&str, &str); 6] = [
    (
        "Reminder: 1:1 with Bob",
        "15:00 - 15:30, Bob's office / video",
    ),
    ("Reminder: Sprint planning", "10:30 - 11:30, Room Tejo"),
    ("Reminder: Dentist", "08:15 - 09:00, Clínica Sorriso"),
    ("Reminder: Retro", "16:00 - 17:00, Room Douro"),
    ("Reminder: Demo day", "14:00 - 15:30, Big meeting room"),
    ("Reminder: Design sync", "09:00 - 10:00, video"),
];

const REVIEWS: [(u32, &str, &str); 5] = [
    (415, "Render HTML mail with html2text", "alice-chen"),
    (418, "Keep the selection when a folder refreshes", "jonas-m"),
    (421, "Sanitize control characters in headers", "dmitri-v"),
    (426, "Add gg/G and count prefixes to the list", "priya-n"),
    (433, "Store: compact the flag log on startup", "alice-chen"),
];

const PODCAST: Person = person("Bytes & Brews", "hello@bytesbrews.test", -300);

const NOTICES: [(Person, &str, &str); 8] = [
    (
        PAPERLEAF,
        "Your order PL-20417 has shipped",
        "Hi Sam,\n\nGood news: your order PL-20417 has shipped with Swift Parcel\n(tracking number SP-88213-PT). Happy reading!\n\nPaperleaf Books\n",
    ),
    (
        FORGE,
        "[demo/tmail] @sam-rivera mentioned you in #431",
        "@alice-chen mentioned you in demo/tmail#431 (Flaky test: store::tests::concurrent_flags):\n\n> @sam-rivera didn't you see something similar with the sled flush on macOS?\n\nhttps://forge.test/demo/tmail/issues/431\n",
    ),
    (
        SKYLARK,
        "Check-in is open for SK 1142",
        "Hello Sam,\n\nCheck-in for your flight SK 1142 from Lisbon to Berlin on 15 October\nis now open. Check in online and skip the queue:\nhttps://skylark-air.test/checkin/SKL7Q2\n\nHave a good flight!\n",
    ),
    (
        PODCAST,
        "New episode: Terminal archaeology",
        "Episode 57 is out: we dig through forty years of terminal escape codes,\nfrom the VT52 to today's hyperlinks and images.\n\nListen: https://bytesbrews.test/57\n\nCheers,\nthe Bytes & Brews crew\n",
    ),
    (
        CALENDAR,
        "Accepted: Design review - threaded view",
        "Alice Chen has accepted the invitation:\n\n  Design review - threaded view\n  Wednesday 21 October 2026, 15:00 - 16:00 (Lisbon)\n",
    ),
    (
        LENA,
        "Book recommendation 📚",
        "Remember the book I couldn't stop talking about at dinner? It's\n\"The Dispossessed\" by Ursula K. Le Guin. I left my copy with your\nneighbour, no rush to give it back.\n\nL.\n",
    ),
    (
        BANK,
        "Card payment of €45.80",
        "A payment of €45.80 to LIVRARIA BERTRAND, LISBOA was made with your\ncard ending 4417.\n\nNot you? Call us on +351 21 000 0000 (fictional).\n",
    ),
    (
        FORGE,
        "[Forge] A new SSH key was added to your account",
        "The following SSH key was added to your account sam-rivera:\n\n  laptop-2026 (ED25519) SHA256:Hx3k...q9Zs\n\nIf you did not add this key, remove it at https://forge.test/settings/keys\n",
    ),
];

const AGENDA_1: &str = "\
Hi all,

Draft agenda for the offsite, comments welcome:

  Thu  09:30  Where we are (Bob)
       11:00  Roadmap 2027 (Alice, Sam)
       14:00  Customer stories (Omar)
       16:00  Free time / walk along the river
  Fri  09:30  Design workshop (Priya, Élodie)
       13:00  Retro and wrap-up

Bob
";

const AGENDA_2: &str = "\
> Fri  13:00  Retro and wrap-up

Could we end at 15:00 on Friday? Several people fly back that evening
and the airport is forty minutes away at rush hour.

Marta
";

const AGENDA_3: &str = "\
> Could we end at 15:00 on Friday?

Good point, done: wrap-up moves to 12:30 and we finish by 14:30.

Bob
";

fn forge_pr(number: u32, title: &str, author: &str, reason: &str) -> Part {
    let plain = format!(
        "@{author} requested your review on: demo/tmail#{number} {title}\n\n\
         View it on Forge:\nhttps://forge.test/demo/tmail/pull/{number}\n\n\
         You are receiving this because {reason}.\n"
    );
    let rich = format!(
        "<p><b>@{author}</b> requested your review on: \
         <a href=\"https://forge.test/demo/tmail/pull/{number}\">demo/tmail#{number}</a> {title}</p>\n\
         <p style=\"color:#666;font-size:12px\">You are receiving this because {reason}.</p>\n"
    );
    alternative(text(&plain), html(&rich))
}

fn inbox_everyday(c: &mut Corpus) {
    let times = c.spread(at(0, 11, 0), at(LAST_DAY, 16, 0), CHATS.len());
    for (chat, time) in CHATS.iter().zip(times) {
        let t = c
            .mail(INBOX, time, chat.from, &[SAM], chat.subject)
            .text(chat.body)
            .push();
        if let Some(answer) = chat.answer {
            let delay = c.rng.range(20, 240);
            c.reply(SENT, &t, delay, SAM, &[chat.from])
                .text(&top_post(answer, &t, chat.body))
                .push();
        }
    }

    let times = c.spread(at(1, 6, 0), at(LAST_DAY, 6, 0), REMINDERS.len());
    for ((subject, when), time) in REMINDERS.iter().zip(times) {
        c.mail(INBOX, time, CALENDAR, &[SAM], subject)
            .text(&format!(
                "This is a reminder for an event in your calendar:\n\n  {}\n  {when}\n\n\
                 -- \nTeam Calendar, demo.tmail.test\n",
                subject.trim_start_matches("Reminder: ")
            ))
            .push();
    }

    let times = c.spread(at(2, 9, 0), at(LAST_DAY, 12, 0), REVIEWS.len());
    for ((number, title, author), time) in REVIEWS.iter().zip(times) {
        c.mail(
            INBOX,
            time,
            FORGE,
            &[SAM],
            &format!("[demo/tmail] {title} (PR #{number})"),
        )
        .header("List-Id", "demo/tmail <tmail.demo.forge.test>")
        .header("X-Forge-Reason", "review_requested")
        .body(forge_pr(
            *number,
            title,
            author,
            "your review was requested",
        ))
        .push();
    }

    let parcel = c
        .mail(
            INBOX,
            at(6, 7, 30),
            PARCEL,
            &[SAM],
            "Your parcel SP-88213-PT is on its way",
        )
        .text(
            "Good news! Your parcel SP-88213-PT from Paperleaf Books has left our\n\
             depot in Porto.\n\nExpected delivery: Friday, between 10:00 and 14:00.\n\n\
             Track it: https://swiftparcel.test/t/SP-88213-PT\n",
        )
        .push();
    c.reply(INBOX, &parcel, hours(49), PARCEL, &[SAM])
        .subject("Out for delivery today: SP-88213-PT")
        .text(
            "Your parcel SP-88213-PT is out for delivery today between 10:00 and\n\
             14:00. Not at home? Choose a neighbour or a pick-up point:\n\
             https://swiftparcel.test/t/SP-88213-PT/options\n",
        )
        .push();

    let times = c.spread(at(3, 9, 0), at(LAST_DAY, 20, 0), NOTICES.len());
    for ((from, subject, body), time) in NOTICES.iter().zip(times) {
        c.mail(INBOX, time, *from, &[SAM], subject)
            .text(body)
            .push();
    }

    let team = [SAM, ALICE, PRIYA, JONAS, MARTA, OMAR, ELODIE];
    let a1 = c
        .mail(INBOX, at(10, 15, 0), BOB, &team, "Offsite agenda (draft)")
        .text(AGENDA_1)
        .push();
    let a2 = c
        .reply(INBOX, &a1, 95, MARTA, &[BOB])
        .cc(&team)
        .text(AGENDA_2)
        .push();
    c.reply(INBOX, &a2, 70, BOB, &[MARTA])
        .cc(&team)
        .text(AGENDA_3)
        .push();

    c.mail(INBOX, at(21, 5, 0), BANK, &[SAM], "Your October statement is ready")
        .body(alternative(
            text(
                "Dear Sam Rivera,\n\nYour statement for account ending 4417 is ready in online banking.\n\n\
                 For your security we never send statements as attachments and we never\n\
                 ask for your password by email.\n\nHarbor Bank\n",
            ),
            html(
                "<p>Dear Sam Rivera,</p>\n<p>Your statement for account ending <b>4417</b> is ready in \
                 <a href=\"https://harborbank.test/statements\">online banking</a>.</p>\n\
                 <p><small>For your security we never send statements as attachments and we never \
                 ask for your password by email.</small></p>\n",
            ),
        ))
        .push();

    c.mail(
        INBOX,
        at(17, 22, 41),
        VAULT,
        &[SAM],
        "New sign-in to your KeyVault account",
    )
    .text(
        "We noticed a new sign-in to your KeyVault account.\n\n\
             \x20 Device:   Firefox on Linux\n\
             \x20 Location: Lisbon, Portugal\n\
             \x20 Time:     17 October 2026, 22:41 UTC\n\n\
             If this was you, there's nothing to do. If not, change your master\n\
             password right away: https://keyvault.test/security\n",
    )
    .push();
}

// ---------------------------------------------------------------------------------------
// Mailing lists
// ---------------------------------------------------------------------------------------

const GRETA: Person = person("Greta Lindqvist", "greta@velo.test", 60);
const PAUL: Person = person("Paul Okafor", "paul.okafor@velo.test", 60);
const HUGO: Person = person("Hugo Santos", "hugo@velo.test", 60);

const RIDE_1: &str = "\
Hi all,

This Sunday's ride is the lakeside loop: 42 km, mostly flat, one
coffee stop at the boathouse. We leave from the fountain at 9:00
sharp.

Bring a spare tube and lights, it's getting dark early now.

Greta
";

const RIDE_2: &str = "\
> We leave from the fountain at 9:00 sharp.

I'm in! Can we make it 9:15? The first train only gets in at 9:05.

Paul
";

const RIDE_3: &str = "\
> > We leave from the fountain at 9:00 sharp.
>
> I'm in! Can we make it 9:15? The first train only gets in at 9:05.

Sure, 9:15 it is. See you all Sunday!

Greta
";

fn lists(c: &mut Corpus) {
    c.mail(
        LISTS,
        at(0, 11, 0),
        ALICE,
        &[ANNOUNCE_LIST.member()],
        "tmail 0.3.0 released",
    )
    .list(&ANNOUNCE_LIST)
    .text(
        "tmail 0.3.0 is out.\n\n\
             Highlights: offline search across all folders, the local cache that\n\
             makes folders open instantly, and format=flowed in the composer.\n\n\
             Full changelog: https://tmail.test/releases/0.3.0\n\n\
             -- \nThe tmail team\n",
    )
    .push();
    c.mail(
        LISTS,
        at(12, 15, 30),
        ALICE,
        &[ANNOUNCE_LIST.member()],
        "tmail 0.3.1: bug-fix release",
    )
    .list(&ANNOUNCE_LIST)
    .text(
        "tmail 0.3.1 fixes two bugs:\n\n\
             \x20 * a crash when a folder name ended with the hierarchy delimiter\n\
             \x20 * wrong unread counts after moving messages offline\n\n\
             Upgrading is recommended.\n\n-- \nThe tmail team\n",
    )
    .push();

    let to = [CYCLISTS_LIST.member()];
    let cyclists = |c: &mut Corpus, when: i64, from: Person, subject: &str, body: &str| {
        c.mail(LISTS, when, from, &to, subject)
            .list(&CYCLISTS_LIST)
            .text(body)
            .push()
    };
    let r1 = cyclists(c, at(2, 18, 0), GRETA, "Sunday ride: lakeside loop", RIDE_1);
    let r2 = c
        .reply(LISTS, &r1, 140, PAUL, &to)
        .list(&CYCLISTS_LIST)
        .header("X-Mailer", "OldMail 1.0 (DOS)")
        .raw_header(b"this line is not a header at all")
        .text(RIDE_2)
        .push();
    c.reply(LISTS, &r2, 55, GRETA, &to)
        .list(&CYCLISTS_LIST)
        .text(RIDE_3)
        .push();
    cyclists(
        c,
        at(8, 7, 40),
        HUGO,
        "Lost: blue bike light",
        "Hi,\n\nI lost a small blue rear light on Sunday's ride, probably near the\nboathouse. If anyone found it, I'd be happy to buy you a coffee.\n\nHugo\n",
    );
    cyclists(
        c,
        at(13, 11, 20),
        GRETA,
        "Bike kitchen open on Wednesday",
        "The bike kitchen is open on Wednesday from 18:00 to 21:00. Bring your\nsqueaky brakes and your flat tyres; we have tools, tea and cake.\n\nGreta\n",
    );
    cyclists(
        c,
        at(18, 9, 5),
        GRETA,
        "Annual meeting: 5 November",
        "Hi all,\n\nOur annual meeting is on 5 November at 19:00 in the back room of\nCafé Central. On the agenda: next year's rides, the club jerseys, and\nelecting a new treasurer.\n\nGreta\n",
    );
}

const HANNAH: Person = person("Hannah Lee", "hannah@lee.test", -480);
const NADIA: Person = person("Nadia Rahman", "nadia@rahman.test", 360);
const TOMAS: Person = person("Tomás García", "tomas@garcia.test", 120);
const OLGA: Person = person("Olga Ivanova", "olga@ivanova.test", 180);
const KOFI: Person = person("Kofi Mensah", "kofi@mensah.test", 0);
const WEI: Person = person("张伟 (Wei Zhang)", "wei@zhang.test", 480);
const FERRIS: Person = person("Ferris", "ferris@crustacean.test", 0);

const SELF_REF_1: &str = "\
Hi all,

I have a struct that owns a big String buffer, and I'd like to keep a Vec<&str> of slices into that buffer in the same struct. The borrow checker says no, and I think I understand why, but what is the idiomatic way to do this?

struct Document { text: String, words: Vec<&str> } // doesn't compile

Thanks,
Hannah
";

const SELF_REF_2: &str = "\
> I'd like to keep a Vec<&str> of slices into that buffer in the same struct.

Store ranges instead of slices: Vec<Range<usize>>, and slice the buffer when you need a word. It's cheap, it's safe, and the struct stays movable.

Nadia
";

const SELF_REF_3: &str = "\
> The borrow checker says no, and I think I understand why, but what is the idiomatic way to do this?

If you really need references, there are crates that build self-referential structs for you with a macro. But I'd try Nadia's ranges first; they solve this case nine times out of ten.

Tomás
";

const SELF_REF_4: &str = "\
>> I'd like to keep a Vec<&str> of slices into that buffer in the same struct.
> Store ranges instead of slices: Vec<Range<usize>>, and slice the buffer when you need a word.

Ranges worked perfectly, thank you! I wrapped them in a small Span type with a method that takes the buffer, and the code reads almost as before.

Hannah
";

const SELF_REF_5: &str = "\
> If you really need references, there are crates that build self-referential structs for you with a macro.

Agreed with trying ranges first. The crates are fine, but they make the types harder to read for everyone who comes after you. Reach for them only when profiling says slicing is the bottleneck, which it almost never is.

Olga
";

const SELF_REF_6: &str = "\
> I wrapped them in a small Span type with a method that takes the buffer

Nice. If you make Span Copy and give it fn get<'a>(&self, buf: &'a str) -> &'a str, you'll barely notice the difference.

Kofi
";

const TINYCONSOLE: &str = "\
Hello Rustaceans,

tinyconsole 0.2 is out: a tiny logging pane you can drop into any
terminal UI. New in 0.2:

  - filtering by level with a single key
  - a ring buffer, so memory stays bounded
  - no dependencies besides the terminal backend you already use

Feedback and bug reports welcome!

Ferris
";

const DATES_Q: &str = "\
Hi all,

I'm parsing Date headers from old mail archives. Most are fine, but I
see things like \"Tue, 3 Oct 2000 9:05:00 -0700 (PDT)\", two-digit
years and the occasional \"GMT+2\". Is there a crate that handles the
obsolete syntax of RFC 5322 section 4.3, or does everyone roll their
own?

Sam
";

const DATES_A1: &str = "\
> Is there a crate that handles the obsolete syntax of RFC 5322
> section 4.3, or does everyone roll their own?

The mail parsing crates all have a lenient date parser built in, and
they handle two-digit years and comments. For \"GMT+2\" you're on your
own: I'd treat anything unparseable as missing and fall back to the
arrival time.

Olga
";

const DATES_A2: &str = "\
> I see things like \"Tue, 3 Oct 2000 9:05:00 -0700 (PDT)\"

Single-digit hours are more common than you'd think. Keep a corpus of
the weird ones as test cases - it pays off every time you touch the
parser.

Kofi
";

const DATES_THANKS: &str = "\
> I'd treat anything unparseable as missing and fall back to the
> arrival time.

That's what I'll do, thanks Olga (and Kofi for the corpus idea).

Sam
";

const ASYNC_TRAIT: &str = "\
大家好，

现在 trait 里可以直接写 async fn 了，很方便。但是如果我需要
dyn Trait，是不是还要用 Box<dyn Future> 手动包装？

(In English: async fn in traits works now, but for dyn Trait do I
still have to box the futures by hand?)

谢谢！
张伟
";

const ASYNC_TRAIT_A: &str = "\
> for dyn Trait do I still have to box the futures by hand?

For dyn, yes: the future's type has to be erased somehow. Either
write the boxing by hand in a second, object-safe trait, or use a
macro crate that does it for you. For generics you don't need any of
that.

Tomás
";

const ASYNC_TRAIT_THANKS: &str = "\
明白了，非常感谢！
(Got it, thanks a lot!)

张伟
";

const ERRORS_Q: &str = "\
What's your favourite error-handling setup in 2026? I'm starting a
new CLI and can't decide between one error enum per module and a
single boxed error at the top.

Olga
";

const ERRORS_A1: &str = "\
> one error enum per module and a single boxed error at the top

Both! Enums in the library part, where callers need to match on
errors, and a boxed error with context in main, where all you do is
print them.

Nadia
";

const ERRORS_A2: &str = "\
> Enums in the library part ... and a boxed error with context in main

+1. And add context at every boundary (\"while reading config file
X\"): future you will be grateful.

Hannah
";

const RUST_SINGLES: [(Person, &str, &str); 7] = [
    (
        KOFI,
        "Cross-compiling to aarch64-unknown-linux-musl",
        "Has anyone got a recent recipe for cross-compiling to\naarch64-unknown-linux-musl from an x86_64 Mac? The linker keeps\nlooking for the wrong libc.\n\nKofi\n",
    ),
    (
        NADIA,
        "Clippy lint for a needless collect?",
        "Is there a Clippy lint that catches .collect::<Vec<_>>().len()?\nI keep finding these in code review.\n\nNadia\n",
    ),
    (
        TOMAS,
        "Rust meetup Lisbon: 29 October",
        "¡Hola! The next Rust meetup in Lisbon is on 29 October at 18:30.\nTwo talks: \"Writing a TUI in an afternoon\" and \"What I learned\nporting a C library to Rust\". Pizza provided.\n\nTomás\n",
    ),
    (
        HANNAH,
        "Weird lifetime error with closures in a HashMap",
        "I'm storing closures in a HashMap<String, Box<dyn Fn(&str) -> String>>\nand get \"borrowed value does not live long enough\" when I insert a\nclosure that captures a local. Moving the value in fixed it, but I\ndon't fully get why. Any good explanation?\n\nHannah\n",
    ),
    (
        KOFI,
        "Rust on microcontrollers: first steps on an RP2040",
        "Just got an LED blinking on an RP2040 with embassy. Writing the\nasync executor for a chip with 264 KB of RAM feels like magic.\nHappy to share my notes if anyone wants to start too.\n\nKofi\n",
    ),
    (
        FERRIS,
        "Job: Rust developer (remote, EU time zones)",
        "Crustacean Labs is hiring a Rust developer to work on our storage\nengine. Remote, EU time zones, four-day week. Details:\nhttps://crustacean.test/jobs/storage\n\nFerris\n",
    ),
    (
        WEI,
        "Reading list for learning unsafe Rust",
        "Looking for a reading list for unsafe Rust beyond the Rustonomicon.\nBlog posts, talks, anything that helped you build intuition.\n\nThanks,\nWei\n",
    ),
];

/// A post to the rust-users list, in its folder (or Sent, for Sam's own posts).
fn rust_post<'c>(b: Builder<'c>) -> Builder<'c> {
    b.list(&RUST_LIST)
        .header("Sender", "rust-users-bounces@lists.demo.test")
}

fn rust_users(c: &mut Corpus) {
    let list = [RUST_LIST.member()];
    let f = RUST_USERS;

    let s1 = rust_post(c.mail(
        f,
        at(1, 16, 10),
        HANNAH,
        &list,
        "Borrow checker vs self-referential structs",
    ))
    .flowed(SELF_REF_1)
    .push();
    let s2 = rust_post(c.reply(f, &s1, 95, NADIA, &list))
        .flowed(SELF_REF_2)
        .push();
    let s3 = rust_post(c.reply(f, &s1, 160, TOMAS, &list))
        .flowed(SELF_REF_3)
        .push();
    let s4 = rust_post(c.reply(f, &s2, 420, HANNAH, &list))
        .flowed(SELF_REF_4)
        .push();
    rust_post(c.reply(f, &s3, 300, OLGA, &list))
        .flowed(SELF_REF_5)
        .push();
    rust_post(c.reply(f, &s4, 75, KOFI, &list))
        .flowed(SELF_REF_6)
        .push();

    let t1 = rust_post(c.mail(
        f,
        at(6, 12, 0),
        FERRIS,
        &list,
        "[ANN] tinyconsole 0.2: a logging pane for TUIs",
    ))
    .text(TINYCONSOLE)
    .push();
    rust_post(c.reply(f, &t1, 210, WEI, &list))
        .text("> a ring buffer, so memory stays bounded\n\nThank you! This is exactly what I was missing. Works great with\nratatui.\n\nWei\n")
        .push();
    rust_post(c.reply(f, &t1, 380, NADIA, &list))
        .text("> filtering by level with a single key\n\nNice! Could the key be configurable? I already use 'l' for something\nelse.\n\nNadia\n")
        .push();

    let d1 = rust_post(c.mail(
        SENT,
        at(8, 10, 30),
        SAM,
        &list,
        "Best way to parse RFC 5322 dates?",
    ))
    .text(&signed(DATES_Q, "Sam Rivera"))
    .push();
    let d2 = rust_post(c.reply(f, &d1, 130, OLGA, &list))
        .text(DATES_A1)
        .push();
    rust_post(c.reply(f, &d1, 260, KOFI, &list))
        .text(DATES_A2)
        .push();
    rust_post(c.reply(SENT, &d2, 90, SAM, &list))
        .text(DATES_THANKS)
        .push();

    let w1 = rust_post(c.mail(f, at(11, 2, 15), WEI, &list, "关于 async trait 的问题"))
        .text(ASYNC_TRAIT)
        .push();
    let w2 = rust_post(c.reply(f, &w1, 330, TOMAS, &list))
        .text(ASYNC_TRAIT_A)
        .push();
    rust_post(c.reply(f, &w2, 600, WEI, &list))
        .text(ASYNC_TRAIT_THANKS)
        .push();

    let e1 = rust_post(c.mail(
        f,
        at(15, 13, 0),
        OLGA,
        &list,
        "Favourite error-handling setup in 2026?",
    ))
    .text(ERRORS_Q)
    .push();
    let e2 = rust_post(c.reply(f, &e1, 45, NADIA, &list))
        .text(ERRORS_A1)
        .push();
    rust_post(c.reply(f, &e2, 200, HANNAH, &list))
        .text(ERRORS_A2)
        .push();

    let times = c.spread(at(2, 9, 0), at(LAST_DAY, 12, 0), RUST_SINGLES.len());
    for ((from, subject, body), time) in RUST_SINGLES.iter().zip(times) {
        rust_post(c.mail(f, time, *from, &list, subject))
            .text(body)
            .push();
    }
}

// ---------------------------------------------------------------------------------------
// Projects
// ---------------------------------------------------------------------------------------

const RAVI: Person = person("Ravi Kumar", "ravi@users.test", 330);

const THREADING_1: &str = "\
Hi all,

Here's my proposal for the threaded view in the message list:

- Threads are built from References, falling back to In-Reply-To, and finally to the subject for mail without either.
- A collapsed thread shows the newest message, with a count: \"(5)\".
- Replies are indented by two cells per level, up to six levels; deeper replies stay at level six.

Open question: should a thread sort by its newest or its oldest message?

Alice
";

const THREADING_2: &str = "\
> Open question: should a thread sort by its newest or its oldest message?

Newest, please. In the user interviews everyone expected a new reply to bring the whole conversation back to the top.

Priya
";

const THREADING_3: &str = "\
> Replies are indented by two cells per level, up to six levels

Two cells is a lot on an 80-column terminal once the sender and date columns are there. Could we do one cell plus a tree line, like `tree` does?

Dmitri
";

const THREADING_4: &str = "\
>> Open question: should a thread sort by its newest or its oldest message?
> Newest, please.

Newest it is. I'll also try Dmitri's one-cell tree lines and post screenshots for both.

Alice
";

const ISSUES: [(u32, &str, &str); 8] = [
    (
        428,
        "Search ignores the Cc header",
        "Searching for an address finds mail where it appears in From or To,\nbut not in Cc.",
    ),
    (
        429,
        "Folder tree: remember collapsed state",
        "Collapsed folders in the sidebar expand again after a restart.",
    ),
    (
        431,
        "Flaky test: store::tests::concurrent_flags",
        "Fails about once in twenty runs on the macOS runner.",
    ),
    (
        434,
        "Show attachment sizes in the message view",
        "The attachment list shows names only; sizes would help decide\nwhat to save.",
    ),
    (
        436,
        "Crash on a message with an empty boundary parameter",
        "A multipart with boundary=\"\" makes the renderer panic.",
    ),
    (
        437,
        "Support the NO_COLOR environment variable",
        "See https://no-color.org - tmail should drop colours when it is set.",
    ),
    (
        440,
        "Read-only mode for shared mailboxes",
        "Requested by Harbor Bank: open a mailbox without ever changing\nflags or moving mail.",
    ),
    (
        442,
        "Keybinding cheat sheet overlay (?)",
        "Show all keys in an overlay, grouped by pane.",
    ),
];

const CI_RUNS: [(&str, &str); 3] = [
    (
        "[demo/tmail] Run failed: nightly on main (3f2a9c1)",
        "Run failed: nightly - main (3f2a9c1)\n\n  x test (macos-latest)   2m 41s\n  v test (ubuntu-latest)  1m 58s\n  v clippy                 48s\n\nhttps://forge.test/demo/tmail/actions/runs/88231\n",
    ),
    (
        "[demo/tmail] Run fixed: nightly on main (9b07e4d)",
        "Run fixed: nightly - main (9b07e4d)\n\n  v test (macos-latest)   2m 37s\n  v test (ubuntu-latest)  2m 02s\n  v clippy                 51s\n\nhttps://forge.test/demo/tmail/actions/runs/88307\n",
    ),
    (
        "[demo/tmail] Run failed: release on v0.4.0-rc.1 (c41d8e2)",
        "Run failed: release - v0.4.0-rc.1 (c41d8e2)\n\n  x build (x86_64-unknown-linux-musl)  4m 12s\n  v build (aarch64-apple-darwin)       3m 30s\n\nhttps://forge.test/demo/tmail/actions/runs/88412\n",
    ),
];

const ROADMAP: &str = "\
tmail roadmap 2027 - FIRST DRAFT

Q1  Plugin API (read-only hooks first)
    Read-only mode for shared mailboxes
Q2  JMAP backend
    Encrypted local store
Q3  Calendar invitations: accept / decline from the message view
Q4  1.0: stable config format and keybindings
";

fn projects(c: &mut Corpus) {
    let p = PROJECTS;
    let w1 = c
        .mail(
            p,
            at(2, 10, 0),
            PRIYA,
            &[SAM, ELODIE, OMAR],
            "Website redesign kickoff",
        )
        .text(
            "Hi all,\n\nLet's kick off the website redesign. Goals: a proper download page,\n\
             screenshots that are not from 2024, and docs that work on a phone.\n\n\
             First meeting Thursday at 11:00. I'll bring the sitemap.\n\nPriya\n",
        )
        .push();
    c.reply(p, &w1, 120, ELODIE, &[PRIYA])
        .cc(&[SAM, OMAR])
        .text("> screenshots that are not from 2024\n\nI can take those, with the new colour palette.\n\nÉlodie\n")
        .push();
    c.reply(p, &w1, 200, OMAR, &[PRIYA])
        .cc(&[SAM, ELODIE])
        .text("Could we add a page for companies (support, licensing)? Customers\nkeep asking me for one.\n\nOmar\n")
        .push();

    let r1 = c
        .mail(p, at(9, 16, 0), ALICE, &[SAM, BOB], "Roadmap 2027: first draft")
        .body(mixed(vec![
            text("Hi Sam, Bob,\n\nFirst draft of the 2027 roadmap attached, for the offsite. It's\ndeliberately short.\n\nAlice\n"),
            file("text/plain; charset=utf-8", "roadmap-2027.txt", crlf(ROADMAP).as_bytes()),
        ]))
        .push();
    c.reply(p, &r1, 300, BOB, &[ALICE])
        .cc(&[SAM])
        .text("> Q2  JMAP backend\n\nLooks good. I'd swap Q2 and Q3 if the calendar work is smaller -\ncustomers ask for it more often than for JMAP.\n\nBob\n")
        .push();

    c.mail(p, at(14, 12, 30), OMAR, &[SAM], "Talk proposal: Mail in the terminal")
        .text("Hi Sam,\n\nDraft abstract for Terminal Days:\n\n  \"Mail in the terminal, without the waiting: how tmail opens a\n  100 000-message mailbox in 50 ms and why it never blocks on the\n  network.\"\n\nWant to co-present?\n\nOmar\n")
        .push();
    c.mail(p, at(17, 8, 0), ELODIE, &[SAM, PRIYA], "Brand colours, final")
        .body(alternative(
            text("Final brand colours:\n\n  Ink     #1f2430\n  Paper   #f7f5f0\n  Teal    #2a9d8f\n  Coral   #e76f51\n\nÉlodie\n"),
            html("<p>Final brand colours:</p>\n<table>\n<tr><td style=\"background:#1f2430;width:40px\"></td><td>Ink</td><td><code>#1f2430</code></td></tr>\n<tr><td style=\"background:#f7f5f0;width:40px\"></td><td>Paper</td><td><code>#f7f5f0</code></td></tr>\n<tr><td style=\"background:#2a9d8f;width:40px\"></td><td>Teal</td><td><code>#2a9d8f</code></td></tr>\n<tr><td style=\"background:#e76f51;width:40px\"></td><td>Coral</td><td><code>#e76f51</code></td></tr>\n</table>\n<p>&Eacute;lodie</p>\n"),
        ))
        .push();
    c.mail(p, at(21, 7, 15), JONAS, &[SAM], "Domain renewal: tmail.test")
        .text("Hi Sam,\n\nThe tmail.test domain renews on 3 November. The card on file expired;\ncould you update it in the registrar account, or should I use mine?\n\nJonas\n")
        .push();

    let t = TMAIL;
    let th1 = c
        .mail(
            t,
            at(3, 15, 30),
            ALICE,
            &[SAM, PRIYA, DMITRI],
            "Design: threaded view",
        )
        .flowed(THREADING_1)
        .push();
    let th2 = c
        .reply(t, &th1, 180, PRIYA, &[ALICE])
        .cc(&[SAM, DMITRI])
        .flowed(THREADING_2)
        .push();
    c.reply(t, &th1, 400, DMITRI, &[ALICE])
        .cc(&[SAM, PRIYA])
        .flowed(THREADING_3)
        .push();
    c.reply(t, &th2, 260, ALICE, &[PRIYA])
        .cc(&[SAM, DMITRI])
        .flowed(THREADING_4)
        .push();

    let times = c.spread(at(1, 12, 0), at(LAST_DAY, 12, 0), ISSUES.len());
    let mut flaky = None;
    for ((number, title, body), time) in ISSUES.iter().zip(times) {
        let issue = c
            .mail(
                t,
                time,
                FORGE,
                &[SAM],
                &format!("[demo/tmail] {title} (Issue #{number})"),
            )
            .header("List-Id", "demo/tmail <tmail.demo.forge.test>")
            .header("X-Forge-Reason", "subscribed")
            .text(&format!(
                "{body}\n\n-- \nView it on Forge: https://forge.test/demo/tmail/issues/{number}\n"
            ))
            .push();
        if *number == 431 {
            flaky = Some(issue);
        }
    }
    if let Some(issue) = flaky {
        let comment = c
            .reply(t, &issue, hours(5), FORGE, &[SAM])
            .header("List-Id", "demo/tmail <tmail.demo.forge.test>")
            .text("@dmitri-v commented:\n\nI can reproduce it with --test-threads=32. Looks like the flush\nraces with the flag update.\n\n-- \nView it on Forge: https://forge.test/demo/tmail/issues/431\n")
            .push();
        c.reply(t, &comment, hours(20), FORGE, &[SAM])
            .header("List-Id", "demo/tmail <tmail.demo.forge.test>")
            .text("@alice-chen closed this as completed in #435.\n\n-- \nView it on Forge: https://forge.test/demo/tmail/issues/431\n")
            .push();
    }

    let times = c.spread(at(6, 2, 0), at(LAST_DAY, 2, 0), CI_RUNS.len());
    for ((subject, body), time) in CI_RUNS.iter().zip(times) {
        c.mail(t, time, FORGE_CI, &[SAM], subject)
            .header("List-Id", "demo/tmail <tmail.demo.forge.test>")
            .text(body)
            .push();
    }

    let mut csv = String::from("terminal,messages,cold_start_ms,warm_start_ms\n");
    for terminal in ["kitty", "foot", "alacritty", "xterm", "wezterm"] {
        for messages in [1_000, 10_000, 100_000] {
            let warm = 8 + messages / 4_000 + c.rng.below(6);
            csv.push_str(&format!(
                "{terminal},{messages},{},{warm}\n",
                warm * 3 + c.rng.below(20)
            ));
        }
    }
    c.mail(t, at(12, 9, 45), DMITRI, &[SAM, ALICE], "Benchmark: startup time")
        .body(mixed(vec![
            text("Hi,\n\nStartup benchmarks for the current main, five terminals, three\nmailbox sizes. Cold start stays under 350 ms even at 100k messages.\n\nDmitri\n"),
            file("text/csv; charset=utf-8", "startup-benchmarks.csv", crlf(&csv).as_bytes()),
        ]))
        .push();

    c.mail(t, at(19, 4, 30), RAVI, &[SAM], "Crash when a folder name contains a slash")
        .text("Hello,\n\ntmail 0.3.1 crashes when my IMAP server has a folder called\n\"Invoices 2025/2026\" (with a literal slash, the server's delimiter\nis \".\"). Backtrace below.\n\n  thread 'main' panicked at src/ui/sidebar.rs:212:31:\n  index out of bounds: the len is 2 but the index is 2\n\nThanks for a great client!\nRavi\n")
        .push();
    c.mail(t, at(22, 10, 0), HANNAH, &[SAM], "Beta feedback: search is amazing")
        .text("Hi Sam,\n\nI've been using the 0.4 beta for a week. Search is amazing - instant\non my 80k-message archive. One wish: let n/N wrap around at the end\nof the results.\n\nHannah\n")
        .push();
}

// ---------------------------------------------------------------------------------------
// Sent and Drafts
// ---------------------------------------------------------------------------------------

const JAPANESE_THANKS: &str = "\
佐藤さん

議事録をありがとうございます。
検索のテストは私も手伝います。

サム
";

fn sent_and_drafts(c: &mut Corpus) {
    let team = [BOB, ALICE, PRIYA, JONAS, MARTA, OMAR];
    c.mail(SENT, at(4, 16, 0), SAM, &team, "Agenda for Monday's planning")
        .text("Hi all,\n\nAgenda for Monday:\n\n  1. 0.4 scope: what's in, what's out (15 min)\n  2. Beta feedback so far (15 min)\n  3. Offsite logistics (10 min)\n\nAdd anything I forgot by replying to this mail.\n\nSam\n")
        .push();
    c.mail(SENT, at(2, 14, 20), SAM, &[OMAR], "Hotel booking for Lisbon")
        .text("Hi Omar,\n\nI booked the hotel for the offsite: Hotel Tejo, 14-17 October, nine\nrooms. Confirmation number TJ-55812. The invoice goes to Marta.\n\nSam\n")
        .push();
    c.mail(SENT, at(19, 19, 40), SAM, &[LENA], "Photos from the offsite")
        .body(mixed(vec![
            text("Hi Lena,\n\nAs promised, one photo from the offsite: the view from the castle. Not\nquite your mountain, but still!\n\nSam\n"),
            file("image/png", "castle-view.png", &png(48, 32, [0xe7, 0x6f, 0x51])),
        ]))
        .push();
    if let Some(kenji) = c.find(|d| d.from.email == KENJI.email && d.parent.is_none()) {
        c.reply(SENT, &kenji, 300, SAM, &[KENJI])
            .cc(&[YUKI, ALICE])
            .text(JAPANESE_THANKS)
            .push();
    }
    if let Some(quote) = c.find(|d| d.from.email == MARGARET.email) {
        c.reply(SENT, &quote, 245, SAM, &[MARGARET])
            .text("Hi Margaret,\n\nThe quote looks great, let's go ahead. We'll be 38, and two guests\nare vegan; I'll send the final numbers next week.\n\nBest,\nSam\n")
            .push();
    }

    let draft = Flags::SEEN | Flags::DRAFT;
    c.mail(DRAFTS, at(7, 21, 0), SAM, &[], "Blog post: why tmail opens instantly")
        .text("Draft - don't publish yet!\n\nMost mail clients wait for the server before they show you anything.\ntmail shows you what it already knows, right away, and catches up in\nthe background. Here's how:\n\n1. The local store\n2. \n")
        .flags(draft)
        .push();
    c.mail(DRAFTS, at(16, 20, 30), SAM, &[BOB], "Notes for 1:1 with Bob")
        .text("- 0.4 release: on track?\n- Conference talk with Omar\n- Hiring: second backend role\n- Ask about the training budget\n")
        .flags(draft)
        .push();
    c.mail(
        DRAFTS,
        at(22, 22, 10),
        SAM,
        &[LENA],
        "Trip ideas for December ✈️",
    )
    .text("Hi Lena,\n\nWhat do you think about Madeira in December? Levada walks, no snow,\nand\n")
    .flags(draft)
    .push();
    if let Some(booth) = c.find(|d| d.subject.as_deref() == Some("Conference booth: who's coming?"))
    {
        c.reply(DRAFTS, &booth, 600, SAM, &[OMAR])
            .text("Hi Omar,\n\nHappy to do the demo! Twenty minutes is tight though, could we\n\n> We have a small booth at Terminal Days in November. Would you like to\n> do a 20-minute live demo on the stage?\n")
            .flags(draft)
            .push();
    }
}

// ---------------------------------------------------------------------------------------
// Archive, Junk and Trash
// ---------------------------------------------------------------------------------------

const LANDLORD: Person = person("Casa Alfama Rentals", "rent@casa-alfama.test", 60);
const TERMDAYS: Person = person("Terminal Days", "tickets@terminaldays.test", 60);
const INSURER: Person = person("Voyager Insurance", "policies@voyager.test", 0);

fn archive(c: &mut Corpus) {
    let a = ARCHIVE;
    let r1 = c
        .mail(a, at(0, 9, 5), BOB, &[SAM, ALICE, PRIYA], "Q2 retrospective notes")
        .text("Hi all,\n\nNotes from the Q2 retro:\n\n  Went well: the cache rewrite, the new CI runners, docs.\n  To improve: fewer meetings on Mondays, earlier code freeze.\n  Action items: Alice owns the release checklist, Sam the meeting diet.\n\nBob\n")
        .push();
    let r2 = c
        .reply(a, &r1, 90, ALICE, &[BOB])
        .cc(&[SAM, PRIYA])
        .text("> Action items: Alice owns the release checklist\n\nChecklist is in the wiki now.\n\nAlice\n")
        .push();
    c.reply(a, &r2, 150, PRIYA, &[ALICE])
        .cc(&[SAM, BOB])
        .text("> > Action items: Alice owns the release checklist\n>\n> Checklist is in the wiki now.\n\nThanks! I added a line for the screenshots.\n\nPriya\n")
        .push();

    let order = receipt_html(
        "PL-19876",
        &[
            ("Designing Data-Intensive Applications", 1, 4290),
            ("Pencil set", 1, 650),
        ],
    );
    c.mail(
        a,
        at(0, 13, 0),
        PAPERLEAF,
        &[SAM],
        "Your Paperleaf Books order PL-19876",
    )
    .body(html(&order))
    .push();
    let invoice = pdf("Invoice PL-19876", 1, 3, &mut c.rng);
    c.mail(
        a,
        at(1, 8, 0),
        PAPERLEAF,
        &[SAM],
        "Invoice for order PL-19876",
    )
    .body(mixed(vec![
        text("Hello,\n\nYour invoice for order PL-19876 is attached.\n\nPaperleaf Books\n"),
        file("application/pdf", "invoice-PL-19876.pdf", &invoice),
    ]))
    .push();

    for (issue, day, lead) in [
        (40, 0, "Terminal fonts, tested"),
        (41, 3, "Shells of the world"),
    ] {
        let (_, page) = times_issue(
            issue,
            &[
                (
                    lead,
                    "https://terminaltimes.test/lead",
                    "Our big story this week.",
                ),
                (
                    "Letters",
                    "https://terminaltimes.test/letters",
                    "What you wrote to us.",
                ),
            ],
        );
        c.mail(
            a,
            at(day, 14, 0),
            TIMES,
            &[SAM],
            &format!("Terminal Times #{issue}: {lead}"),
        )
        .header(
            "List-Unsubscribe",
            "<https://terminaltimes.test/unsubscribe>",
        )
        .body(html(&page))
        .push();
    }

    c.mail(a, at(1, 12, 0), SKYLARK, &[SAM], "Your receipt: Lisbon - Porto, 26 Sep")
        .body(alternative(
            text("Receipt SKL4M8\n\n  LIS -> OPO  26 Sep  SK 0310   EUR 49.00\n  OPO -> LIS  28 Sep  SK 0317   EUR 52.00\n\n  Total                          EUR 101.00\n"),
            html("<h3>Receipt SKL4M8</h3>\n<table>\n<tr><td>LIS &rarr; OPO</td><td>26 Sep</td><td>SK 0310</td><td>EUR 49.00</td></tr>\n<tr><td>OPO &rarr; LIS</td><td>28 Sep</td><td>SK 0317</td><td>EUR 52.00</td></tr>\n<tr><th colspan=\"3\">Total</th><th>EUR 101.00</th></tr>\n</table>\n"),
        ))
        .push();
    c.mail(a, at(2, 5, 0), BANK, &[SAM], "Your September statement is ready")
        .text("Dear Sam Rivera,\n\nYour September statement for account ending 4417 is ready in online\nbanking.\n\nHarbor Bank\n")
        .push();
    let ticket = pdf("Terminal Days 2026 ticket", 1, 2, &mut c.rng);
    c.mail(a, at(2, 16, 45), TERMDAYS, &[SAM], "Your ticket for Terminal Days 2026")
        .body(mixed(vec![
            text("Hi Sam,\n\nThanks for registering! Your ticket is attached; show it on your\nphone at the entrance.\n\n  Terminal Days 2026, 12-13 November, Lisbon\n\nSee you there!\n"),
            file("application/pdf", "ticket-TD26-0193.pdf", &ticket),
        ]))
        .push();
    c.mail(a, at(3, 10, 0), INSURER, &[SAM], "Your travel insurance policy")
        .text("Dear Sam,\n\nYour annual travel insurance policy VI-2026-55120 is active from\n1 October 2026. Keep this email for your records.\n\nVoyager Insurance\n")
        .push();
    c.mail(a, at(3, 15, 30), OMAR, &[SAM], "Offsite hotel confirmation")
        .text("Hi Sam,\n\nThe hotel confirmed all nine rooms. Breakfast is included, and the\nmeeting room is ours from 9:00 on both days.\n\nOmar\n")
        .push();
    c.mail(a, at(0, 20, 0), VAULT, &[SAM], "Welcome to KeyVault")
        .text("Welcome to KeyVault, Sam!\n\nYour vault is ready. Tip: enable two-factor authentication in\nSettings > Security.\n")
        .push();
    c.mail(a, at(4, 7, 0), LENA, &[SAM], "Happy birthday! 🎂")
        .text(
            "Happy birthday, Sam! 🎉🎂\n\nHave a wonderful day. Drinks on Friday?\n\nLena & Paul\n",
        )
        .push();
    let mut inventory = String::from("host,role,os,ram_gb\n");
    for (i, role) in ["build", "build", "mirror", "mirror", "ci", "ci", "db"]
        .iter()
        .enumerate()
    {
        inventory.push_str(&format!(
            "srv{:02}.demo.tmail.test,{role},debian-13,{}\n",
            i + 1,
            16 << c.rng.below(3)
        ));
    }
    c.mail(a, at(4, 11, 20), JONAS, &[SAM], "Server inventory")
        .body(mixed(vec![
            text("Hi Sam,\n\nThe server inventory you asked for.\n\nJonas\n"),
            file(
                "text/csv; charset=utf-8",
                "inventory.csv",
                crlf(&inventory).as_bytes(),
            ),
        ]))
        .push();
    c.mail(a, at(5, 9, 0), LANDLORD, &[SAM], "Rent receipt, October")
        .text("Dear Sam,\n\nWe confirm receipt of the October rent. Thank you!\n\nCasa Alfama Rentals\n")
        .push();
    c.mail(a, at(6, 10, 0), FORGE, &[SAM], "[demo/tmail] Release v0.3.0 published")
        .header("List-Id", "demo/tmail <tmail.demo.forge.test>")
        .text("demo/tmail v0.3.0 was published by @alice-chen.\n\nhttps://forge.test/demo/tmail/releases/v0.3.0\n")
        .push();
    c.mail(a, at(7, 10, 30), DMITRI, &[SAM], "Перевод готов")
        .text("Привет, Сэм!\n\nРусский перевод интерфейса готов, все 412 строк. Проверь, пожалуйста,\nкак выглядит меню в узком терминале.\n\nДмитрий\n")
        .push();
    c.mail(a, at(8, 13, 40), ELODIE, &[SAM], "Merci pour le déjeuner")
        .text("Merci pour le déjeuner d'hier, c'était très sympa ! La prochaine\nfois, c'est moi qui invite.\n\nÉlodie\n")
        .push();
}

const PRIZES: Person = person("Prize Center", "winner@prizes.test", -600);
const PHISH: Person = person("Mail Administrator", "admin@mai1box.test", 0);
const GRACE: Person = person("Mrs. Grace Williams", "grace@lottery.test", 0);
const WATCHES: Person = person("Luxury Deals", "deals@watch-outlet.test", 480);

fn junk_and_trash(c: &mut Corpus) {
    c.mail(JUNK, at(5, 3, 12), PRIZES, &[SAM], "You have WON a brand-new e-reader!!!")
        .body(html("<html><body style=\"background:#ff0\">\n<h1 style=\"color:red\">CONGRATULATIONS!!!</h1>\n<p>You are our <b>1,000,000th</b> visitor. <a href=\"http://prizes.test/claim?id=7781\">CLAIM YOUR PRIZE NOW</a></p>\n</body></html>\n"))
        .push();
    c.mail(JUNK, at(11, 23, 50), PHISH, &[SAM], "Urgent: your mailbox is almost full")
        .text("Dear user,\n\nYour mailbox has reached 99% of its quota. To avoid losing email,\nverify your account within 24 hours:\n\n  http://mai1box.test/verify\n\nMail Administrator\n")
        .push();
    c.mail(JUNK, at(17, 4, 0), GRACE, &[SAM], "Re: your account")
        .no_date()
        .text("Dearest friend,\n\nI am Mrs. Grace Williams and I have a business proposal of mutual\nbenefit which I would like to discuss with you in confidence...\n")
        .push();
    c.mail(
        JUNK,
        at(23, 1, 30),
        WATCHES,
        &[SAM],
        "Luxury watches, 90% off ⌚",
    )
    .text("Best prices on luxury watches!!! Only today. Click: http://watch-outlet.test\n")
    .push();

    c.mail(TRASH, at(9, 12, 0), BOB, &[SAM], "Out of office: Bob Martin")
        .header("Auto-Submitted", "auto-replied")
        .text("I'm out of the office until Monday with limited access to email.\nFor urgent matters, please contact Marta Kowalska.\n")
        .push();
    c.mail(TRASH, at(12, 10, 0), CALENDAR, &[SAM], "Cancelled: Friday demo")
        .text("This event has been cancelled:\n\n  Friday demo\n  Friday 16 October 2026, 16:00 - 17:00\n")
        .push();
    let (_, page) = times_issue(
        39,
        &[(
            "Ten years of tmux",
            "https://terminaltimes.test/39/tmux",
            "A birthday retrospective.",
        )],
    );
    c.mail(
        TRASH,
        at(1, 14, 0),
        TIMES,
        &[SAM],
        "Terminal Times #39: Ten years of tmux",
    )
    .body(html(&page))
    .push();
    c.mail(
        TRASH,
        at(8, 11, 30),
        PARCEL,
        &[SAM],
        "Your parcel SP-88213-PT was delivered",
    )
    .text("Your parcel SP-88213-PT was delivered today at 11:24 and signed for\nby: RIVERA.\n")
    .push();
}

// ---------------------------------------------------------------------------------------
// The welcome message
// ---------------------------------------------------------------------------------------

/// The subject of the newest INBOX message.
const WELCOME_SUBJECT: &str = "Welcome to tmail";

const WELCOME: &str = "\
Hi there,

This mailbox is a demo: about two hundred made-up messages in a few
folders, so you can try tmail without an account. Nothing you do here
is sent anywhere, and it is all gone when you quit.

The main keys:

  j / k        move down / up
  Enter        open the selected message
  h / l, Tab   switch between the folder, list and message panes
  /            search (try a word like \"budget\")
  n / N        next / previous search hit
  gg / G       jump to the top / bottom
  f            flag or unflag
  d            delete (moves to Trash)
  m            move to another folder
  :            command line
  ?            help, with all the keys
  q            quit

Worth a look: the conversations in INBOX, the mailing list under
INBOX/Lists/rust-users, mail in Japanese, Russian, French and German,
HTML newsletters, attachments, and an invoice from Mallory that tries
(and fails) to mess with your terminal.

Happy reading!";

fn welcome(c: &mut Corpus) {
    let newest = c.drafts.iter().map(|d| d.at).max().unwrap_or(0);
    c.mail(INBOX, newest + 30, DEMO, &[SAM], WELCOME_SUBJECT)
        .text(&signed(WELCOME, "tmail"))
        .unread()
        .push();
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::{Message, MessageParser, MimeHeaders};
    use std::collections::{HashMap, HashSet};

    struct Parsed {
        msg: DemoMessage,
        mail: Message<'static>,
    }

    fn parsed() -> Vec<Parsed> {
        messages()
            .into_iter()
            .map(|msg| {
                let mail = MessageParser::default()
                    .parse(&msg.raw)
                    .map(Message::into_owned)
                    .unwrap_or_else(|| {
                        panic!("unparseable: {}", String::from_utf8_lossy(&msg.raw))
                    });
                Parsed { msg, mail }
            })
            .collect()
    }

    fn subject(p: &Parsed) -> &str {
        p.mail.subject().unwrap_or("")
    }

    fn by_subject<'a>(all: &'a [Parsed], wanted: &str) -> &'a Parsed {
        let found: Vec<&Parsed> = all.iter().filter(|p| subject(p) == wanted).collect();
        assert_eq!(found.len(), 1, "messages with subject {wanted:?}");
        found[0]
    }

    fn body(p: &Parsed) -> String {
        p.mail
            .body_text(0)
            .map(|b| b.into_owned())
            .unwrap_or_default()
    }

    fn from(p: &Parsed) -> &str {
        p.mail
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or("")
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn counts_and_folders() {
        let all = messages();
        assert!((180..=240).contains(&all.len()), "{} messages", all.len());
        let folders = folders();
        let paths: HashSet<&str> = folders.iter().map(|f| f.path.as_str()).collect();
        for m in &all {
            assert!(
                paths.contains(m.folder.as_str()),
                "unknown folder {}",
                m.folder
            );
        }
        for f in &folders {
            let n = all.iter().filter(|m| m.folder == f.path).count();
            let min = if matches!(f.role, Some(Role::Trash | Role::Junk)) {
                1
            } else {
                3
            };
            assert!(n >= min, "{} has {n} messages", f.path);
        }
        let inbox = all.iter().filter(|m| m.folder == INBOX).count();
        assert!((80..=100).contains(&inbox), "INBOX has {inbox}");
        let roles: Vec<(&str, Option<Role>)> =
            folders.iter().map(|f| (f.path.as_str(), f.role)).collect();
        assert_eq!(roles[0], ("INBOX", Some(Role::Inbox)));
        for (path, role) in [
            ("Sent", Role::Sent),
            ("Drafts", Role::Drafts),
            ("Archive", Role::Archive),
            ("Junk", Role::Junk),
            ("Trash", Role::Trash),
        ] {
            assert!(roles.contains(&(path, Some(role))), "{path}");
        }
        for path in [
            "INBOX/Lists",
            "INBOX/Lists/rust-users",
            "Projects",
            "Projects/tmail",
        ] {
            assert!(roles.contains(&(path, None)), "{path}");
            let parent = path.rsplit_once(DELIMITER).map(|(p, _)| p).unwrap_or(path);
            assert!(paths.contains(parent), "parent of {path}");
        }
    }

    #[test]
    fn deterministic() {
        assert_eq!(messages(), messages());
        assert_eq!(folders(), folders());
    }

    #[test]
    fn every_message_parses_with_the_basic_headers() {
        let all = parsed();
        let mut undated = 0;
        for p in &all {
            let raw = &p.msg.raw;
            let what = String::from_utf8_lossy(&raw[..raw.len().min(300)]).into_owned();
            assert!(!subject(p).is_empty(), "no subject: {what}");
            assert!(!from(p).is_empty(), "no From: {what}");
            assert!(p.mail.message_id().is_some(), "no Message-ID: {what}");
            assert!(p.mail.header_raw("MIME-Version").is_some(), "{what}");
            assert!(p.mail.content_type().is_some(), "{what}");
            match p.mail.date() {
                Some(date) => assert_eq!(date.year, 2026, "{what}"),
                None => undated += 1,
            }
            // CRLF line ends only, and no line longer than RFC 5322 allows.
            for (i, &b) in raw.iter().enumerate() {
                if b == b'\n' {
                    assert!(i > 0 && raw[i - 1] == b'\r', "bare LF in {what}");
                }
            }
            for line in raw.split(|&b| b == b'\n') {
                assert!(line.len() <= 998, "long line in {what}");
            }
            assert!(raw.ends_with(b"\r\n"), "{what}");
        }
        assert_eq!(undated, 1, "exactly one message lacks a Date");
    }

    #[test]
    fn malformed_messages_still_parse() {
        let all = parsed();
        let scan = by_subject(&all, "Scanned document from MFP-2F");
        let raw = String::from_utf8_lossy(&scan.msg.raw).into_owned();
        assert!(raw.contains("\r\n--=_tmail_"));
        assert!(!raw
            .lines()
            .any(|l| l.starts_with("--=_tmail_") && l.ends_with("--")));
        assert!(body(scan).contains("MFP-2F"));
        let garbage = all
            .iter()
            .find(|p| contains(&p.msg.raw, b"\r\nthis line is not a header at all\r\n"))
            .expect("garbage header line");
        assert!(subject(garbage).contains("Sunday ride"));
        assert!(body(garbage).contains("9:15"));
        let undated = all
            .iter()
            .find(|p| p.mail.date().is_none())
            .expect("undated");
        assert_eq!(undated.msg.folder, JUNK);
    }

    #[test]
    fn message_ids_are_unique() {
        let all = parsed();
        let mut seen = HashSet::new();
        for p in &all {
            let id = p.mail.message_id().unwrap_or_default().to_string();
            assert!(id.ends_with(".test"), "{id}");
            assert!(seen.insert(id.clone()), "duplicate {id}");
        }
    }

    #[test]
    fn welcome_is_the_newest_inbox_message() {
        let all = parsed();
        let inbox: Vec<&Parsed> = all.iter().filter(|p| p.msg.folder == INBOX).collect();
        let newest = inbox
            .iter()
            .max_by_key(|p| p.mail.date().map(|d| d.to_timestamp()))
            .expect("inbox");
        assert_eq!(subject(newest), "Welcome to tmail");
        assert_eq!(from(newest), "demo@tmail.test");
        assert_eq!(
            newest
                .mail
                .from()
                .and_then(|a| a.first())
                .and_then(|a| a.name()),
            Some("tmail demo")
        );
        assert!(!newest.msg.flags.seen());
        let text = body(newest);
        for key in ["j / k", "Enter", "Tab", "n / N", "gg / G", "?", "q "] {
            assert!(text.contains(key), "{key}");
        }
        let welcomes = all
            .iter()
            .filter(|p| subject(p) == "Welcome to tmail")
            .count();
        assert_eq!(welcomes, 1);
    }

    #[test]
    fn budget_review_is_flagged_and_searchable() {
        let all = parsed();
        let budget: Vec<&Parsed> = all
            .iter()
            .filter(|p| p.msg.folder == INBOX && subject(p) == "Quarterly budget review")
            .collect();
        assert_eq!(budget.len(), 1);
        let b = budget[0];
        assert_eq!(from(b), "bob@demo.tmail.test");
        assert_eq!(
            b.mail.from().and_then(|a| a.first()).and_then(|a| a.name()),
            Some("Bob Martin")
        );
        assert!(b.msg.flags.flagged());
        assert!(body(b).contains("zanzibar"));
        let elsewhere = all
            .iter()
            .filter(|p| {
                p.msg
                    .raw
                    .to_ascii_lowercase()
                    .windows(8)
                    .any(|w| w == b"zanzibar")
            })
            .count();
        assert_eq!(elsewhere, 1, "zanzibar must be unique to the budget mail");
    }

    #[test]
    fn hostile_message_keeps_its_raw_escapes() {
        let all = parsed();
        let hostile: Vec<&Parsed> = all
            .iter()
            .filter(|p| from(p) == "mallory@evil.test")
            .collect();
        assert_eq!(hostile.len(), 1);
        let h = hostile[0];
        assert_eq!(h.msg.folder, INBOX);
        assert!(contains(
            &h.msg.raw,
            b"\r\nSubject: Invoice \x1b[31mOVERDUE\x1b[0m \x1b]0;pwned\x07\r\n"
        ));
        for needle in [
            &b"\x1b[2J"[..],
            b"\x1b]8;;http://evil.test\x1b\\click\x1b]8;;\x1b\\",
            b"\x1b[?1049l",
            "\u{9b}".as_bytes(),
            "\u{202e}".as_bytes(),
        ] {
            assert!(contains(&h.msg.raw, needle), "{needle:?}");
        }
        assert!(subject(h).contains('\x1b'));
        assert!(body(h).contains('\u{202e}'));
    }

    #[test]
    fn threads_reference_existing_messages() {
        let all = parsed();
        let folder_of: HashMap<String, &str> = all
            .iter()
            .filter_map(|p| Some((p.mail.message_id()?.to_string(), p.msg.folder.as_str())))
            .collect();
        let mut children: HashMap<String, Vec<String>> = HashMap::new();
        let mut replies = 0;
        for p in &all {
            let id = p.mail.message_id().unwrap_or_default().to_string();
            let refs: Vec<String> = p
                .mail
                .references()
                .as_text_list()
                .map(|l| l.iter().map(|r| r.to_string()).collect())
                .or_else(|| p.mail.references().as_text().map(|r| vec![r.to_string()]))
                .unwrap_or_default();
            let parent = p.mail.in_reply_to().as_text().map(str::to_string);
            if let Some(parent) = parent {
                replies += 1;
                assert!(
                    folder_of.contains_key(&parent),
                    "{id}: unknown parent {parent}"
                );
                assert_eq!(
                    refs.last(),
                    Some(&parent),
                    "{id}: References end with the parent"
                );
                children.entry(parent).or_default().push(id.clone());
            } else {
                assert!(refs.is_empty(), "{id}: References without In-Reply-To");
            }
            for r in &refs {
                assert!(folder_of.contains_key(r), "{id}: unknown reference {r}");
            }
        }
        assert!(replies >= 40, "{replies} replies");
        // A branching tree: a message with two answers, one of which is answered again.
        let branching = children.values().any(|kids| {
            kids.len() >= 2 && kids.iter().filter(|k| children.contains_key(*k)).count() >= 2
        });
        assert!(branching, "no reply tree with branches");
        // A conversation through Sent: an INBOX message answered from Sent, answered again
        // in INBOX.
        let spans = children.iter().any(|(parent, kids)| {
            folder_of.get(parent) == Some(&INBOX)
                && kids.iter().any(|k| {
                    folder_of.get(k) == Some(&SENT)
                        && children
                            .get(k)
                            .is_some_and(|g| g.iter().any(|g| folder_of.get(g) == Some(&INBOX)))
                })
        });
        assert!(spans, "no thread through INBOX and Sent");
        // Threads of three or more in several folders.
        let depth_ok = all
            .iter()
            .filter(|p| {
                p.mail
                    .references()
                    .as_text_list()
                    .is_some_and(|l| l.len() >= 2)
            })
            .count();
        assert!(depth_ok >= 10);
    }

    #[test]
    fn single_byte_charsets_decode() {
        let all = parsed();
        let german = by_subject(&all, "Grüße aus München: Serverumzug am Samstag");
        assert!(german
            .msg
            .raw
            .windows(17)
            .any(|w| w == b"=?ISO-8859-1?Q?Gr"));
        assert_eq!(
            german
                .mail
                .text_part(0)
                .and_then(|p| p.content_transfer_encoding()),
            Some("quoted-printable")
        );
        assert!(body(german).contains("größere Änderungen zusammenführen"));
        assert!(body(german).contains("Weißwürste"));

        let french = by_subject(&all, "Réunion de lundi");
        assert!(body(french).contains("les maquettes de l'écran de recherche (et le café)"));
        assert!(body(french).contains("Ça te va ?"));
        let french_reply = all
            .iter()
            .find(|p| subject(p) == "Re: Réunion de lundi" && p.msg.folder == INBOX)
            .expect("French reply");
        assert!(body(french_reply).contains("C'est noté"));

        let catering = by_subject(&all, "Catering quote for the “launch party”");
        assert!(contains(&catering.msg.raw, b"charset=windows-1252"));
        assert!(contains(&catering.msg.raw, b"\x93launch party\x94"));
        let text = body(catering);
        assert!(
            text.contains("the “launch party” – we’d love to do it!"),
            "{text}"
        );
        assert!(text.contains("€1,450") && text.contains("2 people × 4 hours"));

        let russian = by_subject(&all, "Отчёт о тестировании 0.4");
        assert!(contains(&russian.msg.raw, b"charset=koi8-r"));
        assert!(contains(
            &russian.msg.raw,
            b"Content-Transfer-Encoding: 8bit"
        ));
        assert!(body(russian).contains("Закончил тестирование сборки 0.4 на Linux и FreeBSD."));
        assert!(body(russian).contains("Всё работает"));
        assert_eq!(
            russian
                .mail
                .from()
                .and_then(|a| a.first())
                .and_then(|a| a.name()),
            Some("Дмитрий Волков")
        );
    }

    /// Whether this build of mail-parser decodes multi-byte legacy charsets (its
    /// `full_encoding` feature); without it, it falls back to lossy UTF-8.
    fn decodes_multibyte() -> bool {
        mail_parser::decoders::charsets::map::charset_decoder(b"shift_jis")
            .is_some_and(|decode| decode(b"\x83n") == "ハ")
    }

    #[test]
    fn japanese_charsets_decode() {
        let all = parsed();
        let sjis = by_subject(&all, "来週のデモについて");
        assert!(contains(&sjis.msg.raw, b"charset=shift_jis"));
        assert!(contains(
            &sjis.msg.raw,
            b"Content-Transfer-Encoding: base64"
        ));
        assert_eq!(
            sjis.mail
                .from()
                .and_then(|a| a.first())
                .and_then(|a| a.name()),
            Some("田中 由紀")
        );
        let jis = all
            .iter()
            .find(|p| contains(&p.msg.raw, b"charset=iso-2022-jp"))
            .expect("ISO-2022-JP mail");
        assert_eq!(from(jis), "kenji@demo.tmail.test");
        assert!(contains(&jis.msg.raw, b"Subject: =?ISO-2022-JP?B?"));
        assert!(
            jis.msg.raw.iter().all(|&b| b < 0x80),
            "ISO-2022-JP is 7-bit"
        );
        if decodes_multibyte() {
            let text = body(sjis);
            assert!(
                text.contains("スレッド表示と検索の画面を中心に説明する予定です。"),
                "{text}"
            );
            assert!(text.contains("田中 由紀"));
            let text = body(jis);
            assert!(
                text.contains("10月の定例会議の議事録をお送りします。"),
                "{text}"
            );
            assert!(text.contains("3. 次回の会議は11月5日です。"));
            assert_eq!(subject(jis), "議事録: 10月の定例会議");
        } else {
            eprintln!("mail-parser without full_encoding: Shift_JIS/ISO-2022-JP text not checked");
        }
    }

    #[test]
    fn encoded_word_subjects_and_names_decode() {
        let all = parsed();
        let raw_has = |needle: &[u8]| all.iter().filter(|p| contains(&p.msg.raw, needle)).count();
        assert!(raw_has(b"Subject: =?UTF-8?B?") >= 3);
        assert!(raw_has(b"Subject: =?UTF-8?Q?") >= 3);
        assert!(raw_has(b"Subject: =?ISO-8859-1?Q?") >= 2);
        for wanted in [
            "🎉 We shipped 0.3!",
            "Photos from the hike 🏔️📷",
            "Coffee ☕ tomorrow?",
            "来週のデモについて",
            "[rust-users] 关于 async trait 的问题",
            "Trip ideas for December ✈️",
            "Перевод готов",
        ] {
            by_subject(&all, wanted);
        }
        for p in &all {
            assert!(!subject(p).contains("=?"), "undecoded: {}", subject(p));
        }
        let lena = all
            .iter()
            .find(|p| from(p) == "lena.hoffmann@mailbox.test")
            .expect("Lena");
        assert_eq!(
            lena.mail
                .from()
                .and_then(|a| a.first())
                .and_then(|a| a.name()),
            Some("Lena Hoffmann 🌻")
        );
    }

    #[test]
    fn attachments_decode() {
        let all = parsed();
        let mut names: HashMap<String, usize> = HashMap::new();
        for p in &all {
            for a in p.mail.attachments() {
                if let Some(name) = a.attachment_name() {
                    names.insert(name.to_string(), a.contents().len());
                }
            }
        }
        for name in [
            "q3-report.pdf",
            "sidebar-mockup.png",
            "call-notes.txt",
            "Lisbon offsite – expenses.csv",
            "議事録_1015.txt",
            "boarding-pass-SK1142.pdf",
        ] {
            assert!(names.contains_key(name), "{name} in {names:?}");
        }
        let pdf_size = names["q3-report.pdf"];
        assert!((36 * 1024..=44 * 1024).contains(&pdf_size), "{pdf_size}");
        assert!(names.values().any(|&n| n < 1024), "a small attachment");

        let png_part = all
            .iter()
            .flat_map(|p| p.mail.attachments())
            .find(|a| a.attachment_name() == Some("sidebar-mockup.png"))
            .expect("png");
        let png = png_part.contents();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        // Every chunk's CRC checks out.
        let mut at = 8;
        while at < png.len() {
            let len = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]) as usize;
            let chunk = &png[at + 4..at + 8 + len];
            let crc = &png[at + 8 + len..at + 12 + len];
            assert_eq!(crc32(chunk).to_be_bytes(), crc);
            at += 12 + len;
        }
        assert_eq!(at, png.len());
        let pdf_part = all
            .iter()
            .flat_map(|p| p.mail.attachments())
            .find(|a| a.attachment_name() == Some("q3-report.pdf"))
            .expect("pdf");
        assert!(pdf_part.contents().starts_with(b"%PDF-1.4"));
        assert!(pdf_part.contents().ends_with(b"%%EOF\n"));
    }

    #[test]
    fn mime_structures_are_varied() {
        let all = parsed();
        let is = |p: &Parsed, t: &str, s: &str| p.mail.is_content_type(t, s);
        let html_only = all.iter().filter(|p| is(p, "text", "html")).count();
        let alternative = all
            .iter()
            .filter(|p| contains(&p.msg.raw, b"Content-Type: multipart/alternative"))
            .count();
        let mixed = all.iter().filter(|p| is(p, "multipart", "mixed")).count();
        let flowed = all
            .iter()
            .filter(|p| contains(&p.msg.raw, b"format=flowed"))
            .count();
        assert!(html_only >= 4, "{html_only}");
        assert!(alternative >= 5, "{alternative}");
        assert!(mixed >= 8, "{mixed}");
        assert!(flowed >= 8, "{flowed}");
        let html = by_subject(&all, "Terminal Times #42: Why your prompt is slow");
        let page = html.mail.body_html(0).expect("html").into_owned();
        for tag in ["<style>", "<table", "<a href=", "<ul>", "<li>"] {
            assert!(page.contains(tag), "{tag}");
        }
        let longest = all
            .iter()
            .flat_map(|p| p.msg.raw.split(|&b| b == b'\n').map(<[u8]>::len))
            .max()
            .unwrap_or(0);
        assert!(longest >= 500, "{longest}");
        let dashboard = by_subject(&all, "Dashboard link for the beta numbers");
        assert!(body(dashboard)
            .lines()
            .any(|l| l.starts_with("https://") && l.len() > 300));
        let signatures = all
            .iter()
            .filter(|p| contains(&p.msg.raw, b"\r\n-- \r\n"))
            .count();
        let nested_quotes = all
            .iter()
            .filter(|p| contains(&p.msg.raw, b"\r\n> > "))
            .count();
        assert!(
            signatures >= 5 && nested_quotes >= 3,
            "{signatures} {nested_quotes}"
        );
    }

    /// (quote depth, text) of each logical line, undoing RFC 3676 soft breaks.
    fn unflow(flowed: &str) -> Vec<(usize, String)> {
        let mut out: Vec<(usize, String)> = Vec::new();
        let mut soft = false;
        for line in flowed.lines() {
            let depth = line.chars().take_while(|&c| c == '>').count();
            let content = &line[depth..];
            let content = content.strip_prefix(' ').unwrap_or(content);
            match out.last_mut() {
                Some((d, text)) if soft && *d == depth => text.push_str(content),
                _ => out.push((depth, content.to_string())),
            }
            soft = line.ends_with(' ') && line != "-- ";
        }
        out
    }

    #[test]
    fn flowed_text_follows_rfc_3676() {
        for text in [
            DINNER_1,
            DINNER_3,
            DINNER_5,
            SELF_REF_1,
            SELF_REF_4,
            THREADING_1,
        ] {
            let flowed = flow(&signed(text, "sig"));
            assert!(flowed.lines().all(|l| l.len() <= 78), "{flowed}");
            assert!(
                flowed.lines().any(|l| l.ends_with(' ') && l != "-- "),
                "{flowed}"
            );
            let expected: Vec<(usize, String)> = signed(text, "sig")
                .lines()
                .map(|l| {
                    let depth = l.chars().take_while(|&c| c == '>').count();
                    let content = &l[depth..];
                    let content = if depth > 0 {
                        content.strip_prefix(' ').unwrap_or(content)
                    } else {
                        content
                    };
                    (depth, content.to_string())
                })
                .collect();
            assert_eq!(unflow(&flowed), expected);
        }
    }

    #[test]
    fn flags_are_plausible() {
        let all = messages();
        let inbox: Vec<&DemoMessage> = all.iter().filter(|m| m.folder == INBOX).collect();
        let unread = inbox.iter().filter(|m| !m.flags.seen()).count();
        let share = unread as f64 / inbox.len() as f64;
        assert!(
            (0.25..=0.45).contains(&share),
            "{unread} of {} unread",
            inbox.len()
        );
        assert!(inbox.iter().filter(|m| m.flags.flagged()).count() >= 4);
        assert!(inbox.iter().filter(|m| m.flags.answered()).count() >= 8);
        for m in &all {
            match m.folder.as_str() {
                SENT => assert!(m.flags.seen() && !m.flags.draft()),
                DRAFTS => assert!(m.flags.draft()),
                _ => assert!(!m.flags.draft()),
            }
            assert!(!m.flags.deleted());
        }
    }

    #[test]
    fn list_mail_has_list_headers() {
        let all = parsed();
        let list: Vec<&Parsed> = all.iter().filter(|p| p.msg.folder == RUST_USERS).collect();
        assert!(list.len() >= 15);
        for p in list {
            let id = p.mail.header_raw("List-Id").unwrap_or_default();
            assert!(id.contains("<rust-users.lists.demo.test>"), "{id}");
            assert!(subject(p).contains("[rust-users] "));
            assert!(p.mail.header_raw("List-Post").is_some());
        }
    }

    #[test]
    fn encoders() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(
            quoted_printable("caf\u{e9} = ok \r\nend ".as_bytes()),
            b"caf=C3=A9 =3D ok=20\r\nend=20".to_vec()
        );
        let long = quoted_printable(&[b'x'; 200]);
        assert!(long.split(|&b| b == b'\n').all(|l| l.len() <= 77));
        assert_eq!(header_text("plain"), "plain");
        assert_eq!(header_text("Grüße"), "=?UTF-8?B?R3LDvMOfZQ==?=");
        assert_eq!(
            header_text("Caf\u{e9} au lait"),
            "=?UTF-8?Q?Caf=C3=A9_au_lait?="
        );
        assert_eq!(single_byte("Привет", koi8r), b"\xf0\xd2\xc9\xd7\xc5\xd4");
        assert_eq!(single_byte("“€”", cp1252), b"\x93\x80\x94");
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        for word in header_text(&"ü".repeat(80)).split("\r\n ") {
            assert!(word.len() <= 60, "{word}");
        }
    }
}
