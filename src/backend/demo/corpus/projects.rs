//! Projects and Projects/tmail: a website redesign, the roadmap, a design thread in
//! format=flowed, issue and CI notifications from the forge, benchmarks, user reports.

use super::attachments::{BENCHMARKS, ROADMAP};
use super::build::Corpus;
use super::people::*;
use super::special::alternative;
use super::{PROJECTS, TMAIL};

pub(super) const THREADING_1: &str = "\
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

pub(super) fn projects(c: &mut Corpus) {
    let p = PROJECTS;
    let subject = "Website redesign kickoff";
    let w1 = c
        .mail(p, at(2, 10, 0), PRIYA, &[SAM, ELODIE, OMAR], subject)
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
        .attach("Hi Sam, Bob,\n\nFirst draft of the 2027 roadmap attached, for the offsite. It's\ndeliberately short.\n\nAlice\n", &[&ROADMAP])
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
            "Final brand colours:\n\n  Ink     #1f2430\n  Paper   #f7f5f0\n  Teal    #2a9d8f\n  Coral   #e76f51\n\nÉlodie\n",
            "<p>Final brand colours:</p>\n<table>\n<tr><td style=\"background:#1f2430;width:40px\"></td><td>Ink</td><td><code>#1f2430</code></td></tr>\n<tr><td style=\"background:#f7f5f0;width:40px\"></td><td>Paper</td><td><code>#f7f5f0</code></td></tr>\n<tr><td style=\"background:#2a9d8f;width:40px\"></td><td>Teal</td><td><code>#2a9d8f</code></td></tr>\n<tr><td style=\"background:#e76f51;width:40px\"></td><td>Coral</td><td><code>#e76f51</code></td></tr>\n</table>\n<p>&Eacute;lodie</p>\n",
        ))
        .push();
    c.mail(p, at(21, 7, 15), JONAS, &[SAM], "Domain renewal: tmail.test")
        .text("Hi Sam,\n\nThe tmail.test domain renews on 3 November. The card on file expired;\ncould you update it in the registrar account, or should I use mine?\n\nJonas\n")
        .push();

    let t = TMAIL;
    let subject = "Design: threaded view";
    let th1 = c
        .mail(t, at(3, 15, 30), ALICE, &[SAM, PRIYA, DMITRI], subject)
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
        let subject = &format!("[demo/tmail] {title} (Issue #{number})");
        let issue = c
            .mail(t, time, FORGE, &[SAM], subject)
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

    // The sheet's 15 rows of two timings were drawn here.
    c.rng.skip(2 * 15);
    c.mail(t, at(12, 9, 45), DMITRI, &[SAM, ALICE], "Benchmark: startup time")
        .attach("Hi,\n\nStartup benchmarks for the current main, five terminals, three\nmailbox sizes. Cold start stays under 350 ms even at 100k messages.\n\nDmitri\n", &[&BENCHMARKS])
        .push();

    c.mail(t, at(19, 4, 30), RAVI, &[SAM], "Crash when a folder name contains a slash")
        .text("Hello,\n\ntmail 0.3.1 crashes when my IMAP server has a folder called\n\"Invoices 2025/2026\" (with a literal slash, the server's delimiter\nis \".\"). Backtrace below.\n\n  thread 'main' panicked at src/ui/sidebar.rs:212:31:\n  index out of bounds: the len is 2 but the index is 2\n\nThanks for a great client!\nRavi\n")
        .push();
    c.mail(t, at(22, 10, 0), HANNAH, &[SAM], "Beta feedback: search is amazing")
        .text("Hi Sam,\n\nI've been using the 0.4 beta for a week. Search is amazing - instant\non my 80k-message archive. One wish: let n/N wrap around at the end\nof the results.\n\nHannah\n")
        .push();
}

// ---------------------------------------------------------------------------------------
