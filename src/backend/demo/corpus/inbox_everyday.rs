//! Everyday INBOX mail: colleagues' notes and Sam's answers, reminders, review requests, a
//! parcel on its way, notices, a small thread about the offsite agenda (the words are in
//! [`super::chats`]).

use super::build::Corpus;
use super::chats::{CHATS, NOTICES, REMINDERS, REVIEWS};
use super::mime::Body;
use super::people::*;
use super::special::alternative;
use super::text::top_post;
use super::{INBOX, SENT};

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

fn forge_pr(number: u32, title: &str, author: &str, reason: &str) -> Body {
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
    alternative(&plain, &rich)
}

pub(super) fn inbox(c: &mut Corpus) {
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
        let subject = &format!("[demo/tmail] {title} (PR #{number})");
        c.mail(INBOX, time, FORGE, &[SAM], subject)
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

    let subject = "Your parcel SP-88213-PT is on its way";
    let parcel = c
        .mail(INBOX, at(6, 7, 30), PARCEL, &[SAM], subject)
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
            "Dear Sam Rivera,\n\nYour statement for account ending 4417 is ready in online banking.\n\n\
             For your security we never send statements as attachments and we never\n\
             ask for your password by email.\n\nHarbor Bank\n",
            "<p>Dear Sam Rivera,</p>\n<p>Your statement for account ending <b>4417</b> is ready in \
             <a href=\"https://harborbank.test/statements\">online banking</a>.</p>\n\
             <p><small>For your security we never send statements as attachments and we never \
             ask for your password by email.</small></p>\n",
        ))
        .push();

    let subject = "New sign-in to your KeyVault account";
    c.mail(INBOX, at(17, 22, 41), VAULT, &[SAM], subject)
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
