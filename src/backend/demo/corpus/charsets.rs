//! Mail in other charsets than UTF-8, as older and regional mail programs send it: a French
//! thread and a German note in ISO-8859-1, an Outlook quote in windows-1252, a Russian report
//! in KOI8-R, Japanese in Shift_JIS and ISO-2022-JP. The builder writes UTF-8 only, so:
//!
//! - each body is a file under `data/text/` in its own charset (`iconv -f CHARSET -t UTF-8`
//!   shows it), sent as a body made in [`super::special::text_in`];
//! - each subject is an encoded word in the same charset, written here as it goes out.

use lettre::message::header::ContentTransferEncoding as Cte;

use super::build::Corpus;
use super::people::*;
use super::special::text_in;
use super::text::top_post;
use super::{INBOX, SENT};

macro_rules! text {
    ($path:literal) => {
        include_bytes!(concat!("../data/text/", $path))
    };
}

/// "Réunion de lundi" in ISO-8859-1.
const FRENCH_SUBJECT: &[u8] = b"=?ISO-8859-1?Q?R=E9union_de_lundi?=";
/// "Re: Réunion de lundi" in ISO-8859-1.
const FRENCH_REPLY_SUBJECT: &[u8] = b"=?ISO-8859-1?Q?Re=3A_R=E9union_de_lundi?=";
/// "Grüße aus München: Serverumzug am Samstag" in ISO-8859-1.
const GERMAN_SUBJECT: &[u8] = b"=?ISO-8859-1?Q?Gr=FC=DFe_aus_M=FCnchen=3A_Serverumzug_am_S?=\r\n \
=?ISO-8859-1?Q?amstag?=";
/// "Catering quote for the “launch party”" in windows-1252.
const CATERING_SUBJECT: &[u8] = b"=?windows-1252?Q?Catering_quote_for_the_=93launch_party=94?=";
/// "Отчёт о тестировании 0.4" in KOI8-R.
const KOI8_SUBJECT: &[u8] = b"=?KOI8-R?B?79Teo9QgzyDUxdPUydLP18HOyckgMC40?=";
/// "議事録: 10月の定例会議" in ISO-2022-JP.
const JIS_SUBJECT: &[u8] = b"=?ISO-2022-JP?B?GyRCNUQ7dk8/GyhCOiAxMBskQjduJE5Eak5jMnE1RBsoQg==?=";

/// Élodie: Monday's meeting at 10 rather than 9:30; mock-ups of the search screen.
const FRENCH_1: &[u8] = text!("french-meeting.iso-8859-1.txt");
/// Élodie: noted, two variants of the filters for Monday.
const FRENCH_3: &[u8] = text!("french-meeting-reply.iso-8859-1.txt");
/// Jonas: the build server moves on Saturday; merge before Friday evening.
const GERMAN: &[u8] = text!("german-server-move.iso-8859-1.txt");
/// Margaret's quote for 40 guests, with curly quotes, dashes and € prices.
const CATERING: &[u8] = text!("catering-quote.windows-1252.txt");
/// Dmitri's test report of 0.4 on Linux and FreeBSD.
const KOI8: &[u8] = text!("test-report.koi8-r.txt");
/// Yuki's note about next week's demo: the threaded view and search, in Japanese.
const SJIS: &[u8] = text!("demo-materials.shift_jis.txt");
/// Kenji's minutes of the October meeting.
const JIS: &[u8] = text!("meeting-minutes.iso-2022-jp.txt");

/// ISO-8859-1 as text, to quote in a reply.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

const FRENCH_2: &str = "\
Bonjour Élodie,

10 h me va très bien. Mes remarques sur la maquette : le champ de
recherche pourrait être plus large, et j'aimerais voir les filtres
(non lus, avec pièce jointe) directement sous le champ.

À lundi !
Sam
";

pub(super) fn french_thread(c: &mut Corpus) {
    let d1 = c
        .mail(INBOX, at(7, 8, 10), ELODIE, &[SAM], "Réunion de lundi")
        .raw_subject(FRENCH_SUBJECT)
        .header("User-Agent", "Courrielleur/2.4 (Linux)")
        .body(text_in("iso-8859-1", Cte::QuotedPrintable, FRENCH_1))
        .push();
    let d2 = c
        .reply(SENT, &d1, 95, SAM, &[ELODIE])
        .text(&top_post(FRENCH_2, &d1, &latin1(FRENCH_1)))
        .push();
    c.reply(INBOX, &d2, 240, ELODIE, &[SAM])
        .raw_subject(FRENCH_REPLY_SUBJECT)
        .header("User-Agent", "Courrielleur/2.4 (Linux)")
        .body(text_in("iso-8859-1", Cte::QuotedPrintable, FRENCH_3))
        .push();
}

const GERMAN_REPLY: &str = "\
Danke Jonas! I'll merge the search branch on Thursday then, so you
have a quiet weekend. Good luck with the move - and save me a
Weißwurst.

Sam
";

pub(super) fn inbox(c: &mut Corpus) {
    let subject = "Grüße aus München: Serverumzug am Samstag";
    let g = c
        .mail(INBOX, at(3, 8, 40), JONAS, &[SAM], subject)
        .cc(&[BOB])
        .raw_subject(GERMAN_SUBJECT)
        .body(text_in("iso-8859-1", Cte::QuotedPrintable, GERMAN))
        .push();
    c.reply(SENT, &g, 200, SAM, &[JONAS])
        .text(&top_post(GERMAN_REPLY, &g, &latin1(GERMAN)))
        .push();

    let subject = "Catering quote for the “launch party”";
    c.mail(INBOX, at(10, 11, 2), MARGARET, &[SAM], subject)
        .raw_subject(CATERING_SUBJECT)
        .header("X-Mailer", "Microsoft Outlook 16.0")
        .body(text_in("windows-1252", Cte::EightBit, CATERING))
        .flagged()
        .push();

    let subject = "Отчёт о тестировании 0.4";
    c.mail(INBOX, at(16, 6, 18), DMITRI, &[SAM], subject)
        .cc(&[ALICE])
        .raw_subject(KOI8_SUBJECT)
        .body(text_in("koi8-r", Cte::EightBit, KOI8))
        .push();

    c.mail(INBOX, at(14, 1, 30), YUKI, &[SAM], "来週のデモについて")
        .cc(&[PRIYA])
        .body(text_in("shift_jis", Cte::Base64, SJIS))
        .push();

    c.mail(INBOX, at(18, 2, 5), KENJI, &[SAM], "議事録: 10月の定例会議")
        .cc(&[YUKI, ALICE])
        .raw_subject(JIS_SUBJECT)
        .body(text_in("iso-2022-jp", Cte::SevenBit, JIS))
        .unread()
        .push();
}
