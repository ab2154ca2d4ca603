//! Who writes the demo mail and when: the timeline (minutes after a fixed epoch), the seeded
//! generator behind every random choice, the people with their time zones, and the mailing
//! lists.

use chrono::{DateTime, FixedOffset, Offset, Utc};

/// 2026-10-01T09:00:00Z: every date is a number of minutes after this instant.
pub(super) const EPOCH: i64 = 1_790_845_200;

/// Minutes after the epoch for `hh:mm` UTC on day `day` (day 0 is 1 October 2026).
pub(super) const fn at(day: i64, hh: i64, mm: i64) -> i64 {
    day * 1440 + (hh - 9) * 60 + mm
}

/// Hours as minutes, for reply delays.
pub(super) const fn hours(h: i64) -> i64 {
    h * 60
}

/// Moves `t` into 07:00-20:00 UTC of its day, keeping the order of times within the day.
pub(super) fn daytime(t: i64) -> i64 {
    let minute = (t + 9 * 60).rem_euclid(1440);
    t - minute + 7 * 60 + minute * 13 / 24
}

/// The last day of the timeline (27 October).
pub(super) const LAST_DAY: i64 = 26;

/// The instant `minutes` after the epoch, on the clock of someone `tz_minutes` east of UTC.
pub(super) fn local_time(minutes: i64, tz_minutes: i32) -> DateTime<FixedOffset> {
    let utc = DateTime::<Utc>::from_timestamp(EPOCH + minutes * 60, 0).unwrap_or_default();
    utc.with_timezone(&FixedOffset::east_opt(tz_minutes * 60).unwrap_or(Utc.fix()))
}

/// A small linear congruential generator (Knuth's MMIX constants): all the variety, none
/// of the nondeterminism.
pub(super) struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }
    pub fn below(&mut self, n: u32) -> u32 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + i64::from(self.below((hi - lo).max(1) as u32))
    }
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
    /// Draws `n` numbers and forgets them. The figures in some files under `data/` were once
    /// drawn from this generator at the place where the file is now attached; skipping as
    /// many draws keeps every later Message-ID and flag as it was.
    pub fn skip(&mut self, n: usize) {
        for _ in 0..n {
            self.next();
        }
    }
}

#[derive(Clone, Copy)]
pub(super) struct Person {
    pub name: &'static str,
    pub email: &'static str,
    /// UTC offset of the sender's Date header, in minutes east.
    pub tz: i32,
}

const fn person(name: &'static str, email: &'static str, tz: i32) -> Person {
    Person { name, email, tz }
}

/// The address of the demo's user, Sam Rivera.
pub const USER_ADDRESS: &str = "sam@demo.tmail.test";

// The owner of the demo mailbox and their team.
pub(super) const SAM: Person = person("Sam Rivera", USER_ADDRESS, 60);
pub(super) const BOB: Person = person("Bob Martin", "bob@demo.tmail.test", -240);
pub(super) const ALICE: Person = person("Alice Chen", "alice@demo.tmail.test", -420);
pub(super) const PRIYA: Person = person("Priya Natarajan", "priya@demo.tmail.test", 330);
pub(super) const JONAS: Person = person("Jonas Müller", "jonas@demo.tmail.test", 120);
pub(super) const ELODIE: Person = person("Élodie Fournier", "elodie@demo.tmail.test", 120);
pub(super) const DMITRI: Person = person("Дмитрий Волков", "dmitri@demo.tmail.test", 180);
pub(super) const YUKI: Person = person("田中 由紀", "yuki@demo.tmail.test", 540);
pub(super) const KENJI: Person = person("佐藤 健二", "kenji@demo.tmail.test", 540);
pub(super) const MARTA: Person = person("Marta Kowalska", "marta@demo.tmail.test", 120);
pub(super) const OMAR: Person = person("Omar Haddad", "omar@demo.tmail.test", 240);
pub(super) const OFFICE: Person = person("Office Scanner", "scanner@demo.tmail.test", 120);
pub(super) const CALENDAR: Person = person("Team Calendar", "calendar@demo.tmail.test", 60);

// Friends, list members and everyone else.
pub(super) const LENA: Person = person("Lena Hoffmann 🌻", "lena.hoffmann@mailbox.test", 120);
pub(super) const MARGARET: Person = person("Margaret O'Neill", "maggie@brightcater.test", 60);
pub(super) const MALLORY: Person = person("Mallory", "mallory@evil.test", 0);
pub(super) const DEMO: Person = person("tmail demo", "demo@tmail.test", 0);
pub(super) const GRETA: Person = person("Greta Lindqvist", "greta@velo.test", 60);
pub(super) const PAUL: Person = person("Paul Okafor", "paul.okafor@velo.test", 60);
pub(super) const HUGO: Person = person("Hugo Santos", "hugo@velo.test", 60);
pub(super) const HANNAH: Person = person("Hannah Lee", "hannah@lee.test", -480);
pub(super) const NADIA: Person = person("Nadia Rahman", "nadia@rahman.test", 360);
pub(super) const TOMAS: Person = person("Tomás García", "tomas@garcia.test", 120);
pub(super) const OLGA: Person = person("Olga Ivanova", "olga@ivanova.test", 180);
pub(super) const KOFI: Person = person("Kofi Mensah", "kofi@mensah.test", 0);
pub(super) const WEI: Person = person("张伟 (Wei Zhang)", "wei@zhang.test", 480);
pub(super) const FERRIS: Person = person("Ferris", "ferris@crustacean.test", 0);
pub(super) const RAVI: Person = person("Ravi Kumar", "ravi@users.test", 330);

// Companies and machines.
pub(super) const FORGE: Person = person("Forge", "notifications@forge.test", 0);
pub(super) const FORGE_CI: Person = person("Forge CI", "ci@forge.test", 0);
pub(super) const TIMES: Person = person("Terminal Times", "newsletter@terminaltimes.test", -300);
pub(super) const PAPERLEAF: Person = person("Paperleaf Books", "orders@paperleaf.test", 0);
pub(super) const SKYLARK: Person = person("Skylark Air", "no-reply@skylark-air.test", 0);
pub(super) const BANK: Person = person("Harbor Bank", "statements@harborbank.test", -300);
pub(super) const PARCEL: Person = person("Swift Parcel", "tracking@swiftparcel.test", 60);
pub(super) const VAULT: Person = person("KeyVault Security", "security@keyvault.test", -480);
pub(super) const PODCAST: Person = person("Bytes & Brews", "hello@bytesbrews.test", -300);
pub(super) const LANDLORD: Person = person("Casa Alfama Rentals", "rent@casa-alfama.test", 60);
pub(super) const TERMDAYS: Person = person("Terminal Days", "tickets@terminaldays.test", 60);
pub(super) const INSURER: Person = person("Voyager Insurance", "policies@voyager.test", 0);
pub(super) const HOTEL: Person = person("Hotel Tejo", "reservas@hotel-tejo.test", 60);

// Junk.
pub(super) const PRIZES: Person = person("Prize Center", "winner@prizes.test", -600);
pub(super) const PHISH: Person = person("Mail Administrator", "admin@mai1box.test", 0);
pub(super) const GRACE: Person = person("Mrs. Grace Williams", "grace@lottery.test", 0);
pub(super) const WATCHES: Person = person("Luxury Deals", "deals@watch-outlet.test", 480);

/// A mailing list: the address posts go to and the headers its mail carries.
pub(super) struct List {
    pub name: &'static str,
    pub id: &'static str,
    pub addr: &'static str,
    pub prefix: &'static str,
}

impl List {
    /// The list's address, as a recipient.
    pub const fn member(&self) -> Person {
        person(self.name, self.addr, 0)
    }
}

pub(super) const RUST_LIST: List = List {
    name: "Rust users",
    id: "rust-users.lists.demo.test",
    addr: "rust-users@lists.demo.test",
    prefix: "[rust-users] ",
};
pub(super) const ANNOUNCE_LIST: List = List {
    name: "tmail announcements",
    id: "tmail-announce.lists.tmail.test",
    addr: "tmail-announce@lists.tmail.test",
    prefix: "",
};
pub(super) const CYCLISTS_LIST: List = List {
    name: "City cyclists",
    id: "city-cyclists.lists.demo.test",
    addr: "city-cyclists@lists.demo.test",
    prefix: "[cyclists] ",
};
