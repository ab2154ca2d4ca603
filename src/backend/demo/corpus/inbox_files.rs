//! INBOX mail with attachments and the special cases: the budget review (its "zanzibar" is
//! the demo's search example), a hostile invoice full of escape sequences, photos, PDFs, text
//! and CSV files, a scan whose multipart never ends, and very long lines.

use super::attachments::{CALL_NOTES, EXPENSES, MINUTES, Q3_REPORT, SCAN, SIDEBAR, SUMMIT};
use super::build::Corpus;
use super::people::*;
use super::special::{encoded_word_name, long_lines, raw_8bit};
use super::text::signed;
use super::INBOX;

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

pub(super) fn inbox(c: &mut Corpus) {
    c.mail(INBOX, at(9, 14, 10), BOB, &[SAM], "Quarterly budget review")
        .cc(&[MARTA])
        .text(&signed(BUDGET, "Bob Martin · Engineering Manager"))
        .flagged()
        .push();

    // Escape sequences in the subject and the body, kept raw: see `special::raw_8bit`.
    c.mail(INBOX, at(20, 3, 33), MALLORY, &[SAM], "Invoice")
        .raw_subject(b"Invoice \x1b[31mOVERDUE\x1b[0m \x1b]0;pwned\x07")
        .body(raw_8bit(HOSTILE))
        .unread()
        .push();

    let all = [
        SAM, BOB, ALICE, JONAS, MARTA, OMAR, ELODIE, DMITRI, YUKI, KENJI,
    ];
    c.mail(INBOX, at(0, 10, 30), PRIYA, &all, "🎉 We shipped 0.3!")
        .text(SHIPPED)
        .push();

    let subject = "Photos from the hike 🏔️📷";
    c.mail(INBOX, at(5, 19, 2), LENA, &[SAM], subject)
        .attach(HIKE, &[&SUMMIT])
        .push();

    // The report's figures were drawn here: 12 pages of 40 rows, two numbers a row.
    c.rng.skip(2 * 12 * 40);
    c.mail(INBOX, at(4, 12, 0), MARTA, &[SAM], "Q3 report (final)")
        .cc(&[BOB])
        .attach(Q3_NOTE, &[&Q3_REPORT])
        .push();

    c.mail(INBOX, at(10, 6, 45), PRIYA, &[SAM], "New sidebar mock-up")
        .cc(&[ELODIE])
        .attach(SIDEBAR_NOTE, &[&SIDEBAR])
        .push();

    let subject = "Notes from today's customer call";
    c.mail(INBOX, at(12, 16, 40), OMAR, &[SAM], subject)
        .attach(CALL_NOTE, &[&CALL_NOTES])
        .push();

    // The sheet's 14 amounts were drawn here.
    c.rng.skip(14);
    let subject = "Lisbon offsite expenses";
    c.mail(INBOX, at(19, 9, 12), OMAR, &[SAM], subject)
        .attach(EXPENSES_NOTE, &[&EXPENSES])
        .push();

    let subject = "議事録を送ります (minutes)";
    c.mail(INBOX, at(15, 8, 20), YUKI, &[SAM], subject)
        .cc(&[KENJI])
        .body(encoded_word_name(MINUTES_NOTE, &MINUTES))
        .push();

    // The scan's 6 rows of two figures were drawn here.
    c.rng.skip(2 * 6);
    let subject = "Scanned document from MFP-2F";
    c.mail(INBOX, at(15, 13, 58), OFFICE, &[SAM], subject)
        .header("X-Mailer", "MFP-2F scan-to-mail 3.1")
        .attach(SCAN_NOTE, &[&SCAN])
        .unterminated()
        .push();

    let subject = "Release build failing on Alpine";
    let log = format!("{BUILD_NOTE_HEAD}{}{BUILD_NOTE_TAIL}", build_command());
    c.mail(INBOX, at(13, 18, 25), ALICE, &[SAM], subject)
        .body(long_lines(&log))
        .push();

    let subject = "Dashboard link for the beta numbers";
    c.mail(INBOX, at(16, 12, 5), PRIYA, &[SAM], subject)
        .text(DASHBOARD_NOTE)
        .push();
}
