//! INBOX/Lists/rust-users: a busy mailing list with threads in format=flowed, one in Chinese,
//! and Sam's own posts (in Sent).

use super::build::{Builder, Corpus};
use super::people::*;
use super::text::signed;
use super::{RUST_USERS, SENT};

pub(super) const SELF_REF_1: &str = "\
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

pub(super) const SELF_REF_4: &str = "\
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

pub(super) fn rust_users(c: &mut Corpus) {
    let list = [RUST_LIST.member()];
    let f = RUST_USERS;

    let subject = "Borrow checker vs self-referential structs";
    let s1 = rust_post(c.mail(f, at(1, 16, 10), HANNAH, &list, subject))
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

    let subject = "[ANN] tinyconsole 0.2: a logging pane for TUIs";
    let t1 = rust_post(c.mail(f, at(6, 12, 0), FERRIS, &list, subject))
        .text(TINYCONSOLE)
        .push();
    rust_post(c.reply(f, &t1, 210, WEI, &list))
        .text("> a ring buffer, so memory stays bounded\n\nThank you! This is exactly what I was missing. Works great with\nratatui.\n\nWei\n")
        .push();
    rust_post(c.reply(f, &t1, 380, NADIA, &list))
        .text("> filtering by level with a single key\n\nNice! Could the key be configurable? I already use 'l' for something\nelse.\n\nNadia\n")
        .push();

    let subject = "Best way to parse RFC 5322 dates?";
    let d1 = rust_post(c.mail(SENT, at(8, 10, 30), SAM, &list, subject))
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

    let subject = "Favourite error-handling setup in 2026?";
    let e1 = rust_post(c.mail(f, at(15, 13, 0), OLGA, &list, subject))
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
