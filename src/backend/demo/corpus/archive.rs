//! The other folders: Sam's Sent mail and Drafts, the Archive (with a forwarded invoice),
//! Junk, Trash, and the welcome message that opens the INBOX.

use super::attachments::{CASTLE, HOTEL_INVOICE, INVENTORY, INVOICE, TICKET};
use super::build::Corpus;
use super::mime::{address, Body};
use super::newsletters::{receipt_html, times_issue, UNSUBSCRIBE};
use super::people::*;
use super::special::{alternative, html};
use super::text::signed;
use super::{ARCHIVE, DRAFTS, INBOX, JUNK, SENT, TRASH};
use crate::mail::compose::forward::{forward, ForwardAs};
use crate::mail::compose::reply::{Original, Style};
use crate::mail::Flags;

const JAPANESE_THANKS: &str = "\
佐藤さん

議事録をありがとうございます。
検索のテストは私も手伝います。

サム
";

pub(super) fn sent_and_drafts(c: &mut Corpus) {
    let team = [BOB, ALICE, PRIYA, JONAS, MARTA, OMAR];
    c.mail(SENT, at(4, 16, 0), SAM, &team, "Agenda for Monday's planning")
        .text("Hi all,\n\nAgenda for Monday:\n\n  1. 0.4 scope: what's in, what's out (15 min)\n  2. Beta feedback so far (15 min)\n  3. Offsite logistics (10 min)\n\nAdd anything I forgot by replying to this mail.\n\nSam\n")
        .push();
    c.mail(SENT, at(2, 14, 20), SAM, &[OMAR], "Hotel booking for Lisbon")
        .text("Hi Omar,\n\nI booked the hotel for the offsite: Hotel Tejo, 14-17 October, nine\nrooms. Confirmation number TJ-55812. The invoice goes to Marta.\n\nSam\n")
        .push();
    c.mail(SENT, at(19, 19, 40), SAM, &[LENA], "Photos from the offsite")
        .attach("Hi Lena,\n\nAs promised, one photo from the offsite: the view from the castle. Not\nquite your mountain, but still!\n\nSam\n", &[&CASTLE])
        .push();
    if let Some(kenji) = c.find(|m| m.from.email == KENJI.email && m.parent.is_none()) {
        c.reply(SENT, &kenji, 300, SAM, &[KENJI])
            .cc(&[YUKI, ALICE])
            .text(JAPANESE_THANKS)
            .push();
    }
    if let Some(quote) = c.find(|m| m.from.email == MARGARET.email) {
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
    let subject = "Trip ideas for December ✈️";
    c.mail(DRAFTS, at(22, 22, 10), SAM, &[LENA], subject)
    .text("Hi Lena,\n\nWhat do you think about Madeira in December? Levada walks, no snow,\nand\n")
    .flags(draft)
    .push();
    if let Some(booth) = c.find(|m| m.subject == "Conference booth: who's coming?") {
        c.reply(DRAFTS, &booth, 600, SAM, &[OMAR])
            .text("Hi Omar,\n\nHappy to do the demo! Twenty minutes is tight though, could we\n\n> We have a small booth at Terminal Days in November. Would you like to\n> do a 20-minute live demo on the stage?\n")
            .flags(draft)
            .push();
    }
}

// ---------------------------------------------------------------------------------------

pub(super) fn archive(c: &mut Corpus) {
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
    let subject = "Your Paperleaf Books order PL-19876";
    c.mail(a, at(0, 13, 0), PAPERLEAF, &[SAM], subject)
        .body(html(&order))
        .push();
    // The invoice's 3 rows of two figures were drawn here.
    c.rng.skip(2 * 3);
    let subject = "Invoice for order PL-19876";
    c.mail(a, at(1, 8, 0), PAPERLEAF, &[SAM], subject)
        .attach(
            "Hello,\n\nYour invoice for order PL-19876 is attached.\n\nPaperleaf Books\n",
            &[&INVOICE],
        )
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
        let subject = &format!("Terminal Times #{issue}: {lead}");
        c.mail(a, at(day, 14, 0), TIMES, &[SAM], subject)
            .header("List-Unsubscribe", UNSUBSCRIBE)
            .body(html(&page))
            .push();
    }

    c.mail(a, at(1, 12, 0), SKYLARK, &[SAM], "Your receipt: Lisbon - Porto, 26 Sep")
        .body(alternative(
            "Receipt SKL4M8\n\n  LIS -> OPO  26 Sep  SK 0310   EUR 49.00\n  OPO -> LIS  28 Sep  SK 0317   EUR 52.00\n\n  Total                          EUR 101.00\n",
            "<h3>Receipt SKL4M8</h3>\n<table>\n<tr><td>LIS &rarr; OPO</td><td>26 Sep</td><td>SK 0310</td><td>EUR 49.00</td></tr>\n<tr><td>OPO &rarr; LIS</td><td>28 Sep</td><td>SK 0317</td><td>EUR 52.00</td></tr>\n<tr><th colspan=\"3\">Total</th><th>EUR 101.00</th></tr>\n</table>\n",
        ))
        .push();
    c.mail(a, at(2, 5, 0), BANK, &[SAM], "Your September statement is ready")
        .text("Dear Sam Rivera,\n\nYour September statement for account ending 4417 is ready in online\nbanking.\n\nHarbor Bank\n")
        .push();
    // The ticket's 2 rows of two figures were drawn here.
    c.rng.skip(2 * 2);
    c.mail(a, at(2, 16, 45), TERMDAYS, &[SAM], "Your ticket for Terminal Days 2026")
        .attach("Hi Sam,\n\nThanks for registering! Your ticket is attached; show it on your\nphone at the entrance.\n\n  Terminal Days 2026, 12-13 November, Lisbon\n\nSee you there!\n", &[&TICKET])
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
    // The inventory's 7 memory sizes were drawn here.
    c.rng.skip(7);
    c.mail(a, at(4, 11, 20), JONAS, &[SAM], "Server inventory")
        .attach(
            "Hi Sam,\n\nThe server inventory you asked for.\n\nJonas\n",
            &[&INVENTORY],
        )
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

pub(super) fn junk_and_trash(c: &mut Corpus) {
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
    let subject = "Luxury watches, 90% off ⌚";
    c.mail(JUNK, at(23, 1, 30), WATCHES, &[SAM], subject)
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
    let subject = "Terminal Times #39: Ten years of tmux";
    c.mail(TRASH, at(1, 14, 0), TIMES, &[SAM], subject)
        .body(html(&page))
        .push();
    let subject = "Your parcel SP-88213-PT was delivered";
    c.mail(TRASH, at(8, 11, 30), PARCEL, &[SAM], subject)
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

pub(super) fn welcome(c: &mut Corpus) {
    let newest = c.msgs.iter().map(|m| m.at).max().unwrap_or(0);
    c.mail(INBOX, newest + 30, DEMO, &[SAM], WELCOME_SUBJECT)
        .text(&signed(WELCOME, "tmail"))
        .unread()
        .push();
}

const HOTEL_NOTE: &str = "\
Dear Ms Kowalska,

Thank you for staying with us. Please find attached the invoice for
the stay of the tmail team from 14 to 17 October (booking TJ-55812),
paid by bank transfer on 19 October.

We hope to welcome you again in Lisbon.

Hotel Tejo - Reception
";

const FORWARD_NOTE: &str = "\
Hi Sam,

The hotel sent the invoice for the offsite to me. Here it is as it
came, for your records: the PDF is inside the forwarded mail.

Marta
";

/// A forward as an attachment (message/rfc822), made as tmail forwards: the hotel's mail,
/// with its PDF, inside Marta's. Only the forward is in the mailbox.
pub(super) fn forwarded_invoice(c: &mut Corpus) {
    let subject = "Invoice TJ-55812 - Hotel Tejo";
    let original = c
        .mail(ARCHIVE, at(19, 7, 10), HOTEL, &[MARTA], subject)
        .attach(HOTEL_NOTE, &[&HOTEL_INVOICE])
        .bytes();
    let how = ForwardAs::Attachment;
    let fwd = forward(
        &Original::parse(&original),
        address(&MARTA),
        how,
        &Style::default(),
    );
    c.mail(ARCHIVE, at(19, 10, 25), MARTA, &[SAM], &fwd.subject)
        .body(Body::Files(FORWARD_NOTE.to_string(), fwd.attachments))
        .push();
}
