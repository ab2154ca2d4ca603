//! INBOX/Lists: tmail's announcements and a cyclists' club list (one of its mails carries a
//! line that is no header at all).

use super::build::Corpus;
use super::people::*;
use super::LISTS;

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

pub(super) fn lists(c: &mut Corpus) {
    let announce = [ANNOUNCE_LIST.member()];
    let subject = "tmail 0.3.0 released";
    c.mail(LISTS, at(0, 11, 0), ALICE, &announce, subject)
        .list(&ANNOUNCE_LIST)
        .text(
            "tmail 0.3.0 is out.\n\n\
             Highlights: offline search across all folders, the local cache that\n\
             makes folders open instantly, and format=flowed in the composer.\n\n\
             Full changelog: https://tmail.test/releases/0.3.0\n\n\
             -- \nThe tmail team\n",
        )
        .push();
    let subject = "tmail 0.3.1: bug-fix release";
    c.mail(LISTS, at(12, 15, 30), ALICE, &announce, subject)
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
