//! Dates of header fields, read leniently: RFC 5322 §3.3 (`Fri, 5 Feb 2021 22:05:02 +0800`)
//! and the broken forms real mail carries — `05-FEB-2021 22:05:02`, no weekday, no seconds, no
//! zone, two- and three-digit years (§4.3), named zones (UT, GMT, EST..PDT, CET, ...), comments,
//! asctime (`Fri Feb  5 22:05:02 2021`) and ISO 8601 (`2021-02-05T22:05:02+08:00`).

/// A date as written: the instant when the zone is known, and the zone (seconds east of UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderDate {
    /// The wall-clock time as written, read as UTC (seconds since the Unix epoch).
    pub local: i64,
    /// Seconds east of UTC; `None` when the header names no zone.
    pub offset: Option<i32>,
}

impl HeaderDate {
    /// Seconds since the Unix epoch, taking `assumed` as the zone when the header has none.
    pub fn timestamp(&self, assumed: i32) -> i64 {
        self.local - i64::from(self.offset.unwrap_or(assumed))
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    let w = w.get(..3)?;
    MONTHS.iter().position(|m| *m == w).map(|i| i as u32 + 1)
}

/// Named zones (RFC 5322 §4.3 and common others), in seconds east of UTC. Military letters are
/// "-0000" (unknown) per §4.3, taken as UTC.
fn named_zone(word: &str) -> Option<i32> {
    let h = |x: i32| Some(x * 3600);
    match word.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" | "WET" => h(0),
        "EST" => h(-5),
        "EDT" => h(-4),
        "CST" => h(-6),
        "CDT" => h(-5),
        "MST" => h(-7),
        "MDT" => h(-6),
        "PST" => h(-8),
        "PDT" => h(-7),
        "AKST" => h(-9),
        "AKDT" => h(-8),
        "HST" => h(-10),
        "BST" | "CET" | "MET" | "WEST" => h(1),
        "CEST" | "MEST" | "EET" => h(2),
        "EEST" | "MSK" => h(3),
        "IST" => Some(5 * 3600 + 1800),
        "JST" | "KST" => h(9),
        "AEST" => h(10),
        "AEDT" => h(11),
        "NZST" => h(12),
        "NZDT" => h(13),
        w if w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic() && c != 'J') => h(0),
        _ => None,
    }
}

/// `+0800`, `-05:30`, `+08`: seconds east of UTC.
fn numeric_zone(word: &str) -> Option<i32> {
    let sign = match word.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = word[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (hh, mm) = match digits.len() {
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        2 => (digits.parse::<i32>().ok()?, 0),
        _ => return None,
    };
    (hh <= 23 && mm <= 59).then_some(sign * (hh * 3600 + mm * 60))
}

/// `22:05:02`, `22:05`, `22.05.02`: seconds after midnight.
fn time_of_day(word: &str) -> Option<i64> {
    let parts: Vec<&str> = word.split([':', '.']).collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut v = [0i64; 3];
    for (slot, p) in v.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 2 || !p.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *slot = p.parse().ok()?;
    }
    (v[0] <= 23 && v[1] <= 59 && v[2] <= 60).then_some(v[0] * 3600 + v[1] * 60 + v[2].min(59))
}

/// Years as RFC 5322 §4.3 reads them: two digits are 2000–2049 or 1950–1999, three add 1900.
fn full_year(y: i64, digits: usize) -> i64 {
    match digits {
        1 | 2 if y < 50 => 2000 + y,
        1 | 2 => 1900 + y,
        3 => 1900 + y,
        _ => y,
    }
}

fn days_from_civil(y: i64, m: u32, d: u32) -> Option<i64> {
    let date = chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    Some(
        date.signed_duration_since(chrono::NaiveDate::default())
            .num_days(),
    )
}

/// Removes comments (nested parentheses) and splits into words at whitespace and commas;
/// `05-FEB-2021` and `2021-02-05T22:05:02` are split at their separators.
fn words(s: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for w in plain.split(|c: char| c.is_whitespace() || c == ',') {
        if w.is_empty() {
            continue;
        }
        // ISO: 2021-02-05T22:05:02+08:00
        if let Some((d, t)) = w.split_once(['T', 't']) {
            if d.len() >= 8 && d.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                out.extend(d.split(['-', '/']).map(str::to_owned));
                let zone_at = t.find(['+', '-', 'Z', 'z']);
                match zone_at {
                    Some(i) => {
                        out.push(t[..i].to_owned());
                        out.push(t[i..].to_owned());
                    }
                    None => out.push(t.to_owned()),
                }
                continue;
            }
        }
        let dashed = w.contains(['-', '/'])
            && !w.starts_with(['+', '-'])
            && w.split(['-', '/']).count() == 3;
        if dashed {
            out.extend(w.split(['-', '/']).map(str::to_owned));
        } else {
            out.push(w.to_owned());
        }
    }
    out
}

/// Reads a date header value; `None` when no day, month, year and time can be found in it.
pub fn parse(s: &str) -> Option<HeaderDate> {
    let (mut day, mut mon, mut year, mut time, mut offset) = (None, None, None, None, None);
    let mut numbers: Vec<(i64, usize)> = Vec::new();
    for w in words(s) {
        if time.is_none() {
            if let Some(t) = time_of_day(&w) {
                time = Some(t);
                continue;
            }
        }
        if offset.is_none() && time.is_some() {
            if let Some(z) = numeric_zone(&w).or_else(|| named_zone(&w)) {
                offset = Some(z);
                continue;
            }
        }
        if mon.is_none() && w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()) {
            if let Some(m) = month(&w) {
                mon = Some(m);
                continue;
            }
        }
        if w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 4 {
            if let Ok(n) = w.parse::<i64>() {
                numbers.push((n, w.len()));
            }
        }
    }
    // Day and year from the numbers: with a month name, "5 2021" or "2021 5"; with a numeric
    // month (ISO), year-month-day.
    match (mon, numbers.as_slice()) {
        (Some(_), [(a, la), (b, lb), ..]) => {
            if *la == 4 || *a > 31 {
                year = Some(full_year(*a, *la));
                day = Some(*b);
            } else {
                day = Some(*a);
                year = Some(full_year(*b, *lb));
            }
        }
        (None, [(y, 4), (m, _), (d, _), ..]) => {
            year = Some(*y);
            mon = u32::try_from(*m).ok();
            day = Some(*d);
        }
        _ => {}
    }
    let (day, mon, year, time) = (day?, mon?, year?, time?);
    let days = days_from_civil(year, mon, u32::try_from(day).ok()?)?;
    Some(HeaderDate {
        local: days * 86_400 + time,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Option<i64> {
        parse(s).map(|d| d.timestamp(0))
    }

    #[test]
    fn rfc5322_and_obsolete_forms() {
        // 2003-07-01T08:52:37Z
        let t = 1_057_049_557;
        assert_eq!(ts("Tue, 1 Jul 2003 10:52:37 +0200"), Some(t));
        assert_eq!(ts("1 Jul 2003 10:52:37 +0200"), Some(t));
        assert_eq!(ts("Tue, 01 Jul 2003 08:52:37 GMT"), Some(t));
        assert_eq!(ts("Tue, 1 Jul 03 08:52:37 UT"), Some(t));
        assert_eq!(ts("Tue, 1 Jul 103 08:52:37 Z"), Some(t));
        assert_eq!(ts("Tue, 1 Jul 2003 04:52:37 EDT"), Some(t));
        assert_eq!(ts("Tue,  1 Jul 2003 10:52:37 +0200 (CEST)"), Some(t));
        assert_eq!(ts("(sent) Tue, 1 (day) Jul 2003 10:52:37 +0200"), Some(t));
        assert_eq!(ts("Tue, 1 Jul 2003 10:52 +0200"), Some(t - 37));
        assert_eq!(ts("1 Jul 99 00:00:00 +0000"), Some(930_787_200));
    }

    #[test]
    fn broken_forms() {
        // The example of issue 10: dd-MON-yyyy, no weekday, no zone.
        let d = parse("05-FEB-2021 22:05:02").expect("parses");
        assert_eq!(d.offset, None);
        assert_eq!(d.timestamp(8 * 3600), 1_612_533_902); // 2021-02-05T14:05:02Z
        assert_eq!(ts("Fri Feb  5 22:05:02 2021"), Some(1_612_562_702));
        assert_eq!(ts("2021-02-05T22:05:02+08:00"), Some(1_612_533_902));
        assert_eq!(ts("2021-02-05 22:05:02 +0800"), Some(1_612_533_902));
        assert_eq!(
            ts("Friday, 5 February 2021 22:05:02 +0800"),
            Some(1_612_533_902)
        );
        assert_eq!(ts("5 Feb 2021 22:05:02 +08:00"), Some(1_612_533_902));
        assert_eq!(ts("5 Feb 2021 22:05:02 CET"), Some(1_612_559_102));
    }

    #[test]
    fn nonsense_is_none() {
        for s in [
            "",
            "not a date at all",
            "sometime soon",
            "31 Feb 2021 10:00:00 +0000",
            "5 Feb 2021",
            "5 Feb 2021 25:00:00",
            "99 Zzz 2021 10:00",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
