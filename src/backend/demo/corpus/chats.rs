//! The words of everyday INBOX mail: short notes from colleagues (some answered), calendar
//! reminders, review requests and notices from shops and services.

use super::people::*;

/// A short message from a colleague, and Sam's answer if there is one.
pub(super) struct Chat {
    pub from: Person,
    pub subject: &'static str,
    pub body: &'static str,
    pub answer: Option<&'static str>,
}

pub(super) const CHATS: [Chat; 22] = [
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

pub(super) const REMINDERS: [(&str, &str); 6] = [
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

pub(super) const REVIEWS: [(u32, &str, &str); 5] = [
    (415, "Render HTML mail with html2text", "alice-chen"),
    (418, "Keep the selection when a folder refreshes", "jonas-m"),
    (421, "Sanitize control characters in headers", "dmitri-v"),
    (426, "Add gg/G and count prefixes to the list", "priya-n"),
    (433, "Store: compact the flag log on startup", "alice-chen"),
];

pub(super) const NOTICES: [(Person, &str, &str); 8] = [
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
