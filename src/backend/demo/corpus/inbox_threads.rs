//! INBOX conversations: a thread through INBOX and Sent, a branching reply tree, a dinner vote
//! in format=flowed, a chat among friends (the French one is in [`super::charsets`]).

use super::build::Corpus;
use super::charsets::french_thread;
use super::people::*;
use super::text::{signed, top_post};
use super::{INBOX, SENT};

pub(super) fn threads(c: &mut Corpus) {
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
    let subject = "Moving the daily standup to 10:00";
    let b1 = c
        .mail(INBOX, at(1, 13, 5), BOB, &team, subject)
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

pub(super) const DINNER_1: &str = "\
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

pub(super) const DINNER_3: &str = "\
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

pub(super) const DINNER_5: &str = "\
> +1 for Horta Verde. Also, I'm allergic to peanuts, in case that matters for any of the three.

Horta Verde wins, 5 votes to 2. The table is booked for 19:30, for nine people, and Marta, I told them about the peanuts: they'll mark the dishes for you.

It's a fifteen minute walk from the hotel, we'll meet in the lobby at 19:10.

See you there!
Priya
";

/// Mostly format=flowed, with one classic reply in the middle.
fn dinner_thread(c: &mut Corpus) {
    let all = [SAM, BOB, ALICE, JONAS, MARTA, OMAR];
    let subject = "Offsite dinner: vote for a restaurant";
    let c1 = c
        .mail(INBOX, at(11, 7, 45), PRIYA, &all, subject)
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
