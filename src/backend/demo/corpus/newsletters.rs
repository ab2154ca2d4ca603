//! INBOX mail from companies, as HTML: newsletters (HTML alone, or with a text version), a
//! shop's receipt, a flight booking with a boarding pass, a calendar invitation. Their
//! bodies are made in [`super::special`].

use super::attachments::BOARDING_PASS;
use super::build::Corpus;
use super::people::*;
use super::special::{alternative, alternative_and_file, html, invitation};
use super::INBOX;

/// An HTML newsletter issue: a style block, a table of contents, links and a list.
pub(super) fn times_issue(issue: u32, stories: &[Story]) -> (String, String) {
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
pub(super) fn receipt_html(order: &str, items: &[(&str, u32, u32)]) -> String {
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

/// A story of a newsletter issue: title, link, blurb.
pub(super) type Story = (&'static str, &'static str, &'static str);

const ISSUE_42: [Story; 4] = [
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

const ISSUE_43: [Story; 3] = [
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

const ISSUE_44: [Story; 3] = [
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

pub(super) const UNSUBSCRIBE: &str = "<https://terminaltimes.test/unsubscribe>";

pub(super) fn inbox(c: &mut Corpus) {
    let (_, page) = times_issue(42, &ISSUE_42);
    let subject = "Terminal Times #42: Why your prompt is slow";
    c.mail(INBOX, at(6, 14, 0), TIMES, &[SAM], subject)
        .header("List-Unsubscribe", UNSUBSCRIBE)
        .body(html(&page))
        .push();
    let (plain, page) = times_issue(43, &ISSUE_43);
    let subject = "Terminal Times #43: A week in 40 columns";
    c.mail(INBOX, at(13, 14, 0), TIMES, &[SAM], subject)
        .header("List-Unsubscribe", UNSUBSCRIBE)
        .body(alternative(&plain, &page))
        .push();
    let (_, page) = times_issue(44, &ISSUE_44);
    let subject = "Terminal Times #44: Mail in the terminal";
    c.mail(INBOX, at(20, 14, 0), TIMES, &[SAM], subject)
        .header("List-Unsubscribe", UNSUBSCRIBE)
        .body(html(&page))
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
    let subject = "Your Paperleaf Books order PL-20417";
    c.mail(INBOX, at(8, 18, 30), PAPERLEAF, &[SAM], subject)
        .body(html(&order))
        .push();

    // The boarding pass's 4 rows of two figures were drawn here.
    c.rng.skip(2 * 4);
    let subject = "Booking confirmed: Lisbon - Berlin, 15 Oct";
    c.mail(INBOX, at(4, 20, 15), SKYLARK, &[SAM], subject)
        .body(alternative_and_file(
            ITINERARY,
            ITINERARY_HTML,
            &BOARDING_PASS,
        ))
        .flagged()
        .push();

    let subject = "Invitation: Design review - threaded view @ Wed 21 Oct 15:00";
    c.mail(INBOX, at(15, 9, 15), CALENDAR, &[SAM], subject)
        .body(invitation(INVITE_TEXT, INVITE_HTML, INVITE_ICS))
        .push();
}
