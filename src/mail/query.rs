//! Server search queries: a small syntax (`from:bob subject:"q3 report" since:2026-01-01
//! is:unread words`) turned into IMAP SEARCH criteria, and evaluated locally when there is no
//! server to ask (the demo, or offline).

use chrono::NaiveDate;

use crate::mail::{Envelope, Flags};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    From(String),
    To(String),
    Subject(String),
    Body(String),
    /// Anywhere in the headers or body.
    Text(String),
    Since(NaiveDate),
    Before(NaiveDate),
    Flag {
        flag: u8,
        set: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// Split on spaces, keeping "quoted phrases" together.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl Query {
    pub fn parse(s: &str) -> Result<Query, String> {
        let mut terms = Vec::new();
        for w in words(s) {
            let (key, value) = match w.split_once(':') {
                Some((k, v)) if !v.is_empty() && k.chars().all(|c| c.is_ascii_alphabetic()) => {
                    (k.to_ascii_lowercase(), v.to_string())
                }
                _ => (String::new(), w.clone()),
            };
            let date = |v: &str| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| format!("{key}: expects a date like 2026-01-31, got \"{v}\""))
            };
            terms.push(match key.as_str() {
                "" => Term::Text(value),
                "from" => Term::From(value),
                "to" => Term::To(value),
                "subject" => Term::Subject(value),
                "body" => Term::Body(value),
                "since" | "after" => Term::Since(date(&value)?),
                "before" => Term::Before(date(&value)?),
                "is" => match value.to_ascii_lowercase().as_str() {
                    "unread" => Term::Flag { flag: Flags::SEEN, set: false },
                    "read" | "seen" => Term::Flag { flag: Flags::SEEN, set: true },
                    "flagged" => Term::Flag { flag: Flags::FLAGGED, set: true },
                    "unflagged" => Term::Flag { flag: Flags::FLAGGED, set: false },
                    "answered" | "replied" => Term::Flag { flag: Flags::ANSWERED, set: true },
                    other => return Err(format!("is:{other}? use is:unread, is:read, is:flagged, is:unflagged or is:answered")),
                },
                other => return Err(format!("unknown search key \"{other}:\"; use from: to: subject: body: since: before: is:")),
            });
        }
        if terms.is_empty() {
            return Err("an empty search".into());
        }
        Ok(Query { terms })
    }

    /// IMAP SEARCH criteria (all terms must match).
    pub fn to_imap(&self) -> String {
        let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let d = |d: &NaiveDate| d.format("%-d-%b-%Y").to_string();
        let parts: Vec<String> = self
            .terms
            .iter()
            .map(|t| match t {
                Term::From(v) => format!("FROM {}", q(v)),
                Term::To(v) => format!("TO {}", q(v)),
                Term::Subject(v) => format!("SUBJECT {}", q(v)),
                Term::Body(v) => format!("BODY {}", q(v)),
                Term::Text(v) => format!("TEXT {}", q(v)),
                Term::Since(v) => format!("SINCE {}", d(v)),
                Term::Before(v) => format!("BEFORE {}", d(v)),
                Term::Flag { flag, set } => {
                    let name = match *flag {
                        Flags::SEEN => "SEEN",
                        Flags::FLAGGED => "FLAGGED",
                        _ => "ANSWERED",
                    };
                    if *set {
                        name.to_string()
                    } else {
                        format!("UN{name}")
                    }
                }
            })
            .collect();
        parts.join(" ")
    }

    /// Evaluate locally on an envelope and (if known) the message's searchable text.
    pub fn matches(&self, e: &Envelope, text: Option<&str>) -> bool {
        let has = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        let addrs =
            |list: &[crate::mail::Address], v: &str| list.iter().any(|a| has(&a.to_string(), v));
        let day = |ts: i64| chrono::DateTime::from_timestamp(ts, 0).map(|d| d.date_naive());
        self.terms.iter().all(|t| match t {
            Term::From(v) => addrs(&e.from, v),
            Term::To(v) => addrs(&e.to, v) || addrs(&e.cc, v),
            Term::Subject(v) => has(&e.subject, v),
            Term::Body(v) => text.is_some_and(|t| has(t, v)),
            Term::Text(v) => {
                has(&e.subject, v)
                    || addrs(&e.from, v)
                    || addrs(&e.to, v)
                    || text.is_some_and(|t| has(t, v))
            }
            Term::Since(d) => day(e.date).is_some_and(|x| x >= *d),
            Term::Before(d) => day(e.date).is_some_and(|x| x < *d),
            Term::Flag { flag, set } => e.flags.has(*flag) == *set,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::Address;

    #[test]
    fn parses_and_renders_imap() {
        let q = Query::parse("from:bob subject:\"q3 report\" since:2026-01-05 is:unread zanzibar")
            .unwrap();
        assert_eq!(
            q.to_imap(),
            "FROM \"bob\" SUBJECT \"q3 report\" SINCE 5-Jan-2026 UNSEEN TEXT \"zanzibar\""
        );
        assert!(Query::parse("colour:red").is_err());
        assert!(Query::parse("since:yesterday").is_err());
        assert!(Query::parse("   ").is_err());
    }

    #[test]
    fn evaluates_locally() {
        let e = Envelope {
            subject: "Q3 report".into(),
            from: vec![Address {
                name: Some("Bob Martin".into()),
                email: "bob@x.test".into(),
            }],
            date: 1_767_600_000, // 2026-01-05
            ..Default::default()
        };
        assert!(Query::parse("from:bob is:unread")
            .unwrap()
            .matches(&e, None));
        assert!(!Query::parse("is:flagged").unwrap().matches(&e, None));
        assert!(Query::parse("body:zanzibar")
            .unwrap()
            .matches(&e, Some("... zanzibar ...")));
        assert!(!Query::parse("body:zanzibar").unwrap().matches(&e, None));
        assert!(Query::parse("before:2026-02-01 since:2026-01-01")
            .unwrap()
            .matches(&e, None));
    }
}
