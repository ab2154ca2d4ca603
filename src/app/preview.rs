//! The preview pane's state: which message it shows and how (the message, all its headers,
//! its raw source, or one of its parts), its rendered lines for the pane's width, the links
//! numbered in it, a search inside it, and the scroll position.

use crate::mail::find::{self, Hit};
use crate::mail::links::{self, Link, LinkMark};
use crate::mail::parts::{self, PartId, PartView};
use crate::mail::render::{self, DateStyle, Line, LineKind, Rendered};

/// What the preview shows of the message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum View {
    /// The message as read: headers, the body part with content, attachments.
    #[default]
    Message,
    /// Every header field, decoded and sanitized (`H`).
    Headers,
    /// The raw message, nothing decoded (`:source`).
    Source,
    /// One part (`view` in the parts list): a text part, or a forwarded message.
    Part(PartId),
}

/// A search inside the shown message (`/` in the preview): the hits, and the current one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Find {
    pub query: String,
    pub hits: Vec<Hit>,
    pub current: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Preview {
    /// (account, folder, uid) of the message shown.
    pub target: Option<(String, String, u32)>,
    raw: Option<Vec<u8>>,
    pub rendered: Rendered,
    /// The width `rendered` was made for.
    pub width: usize,
    pub scroll: usize,
    pub loading: bool,
    /// How the Date line shows times (the list's format and zone).
    pub dates: DateStyle,
    pub view: View,
    /// The message's links, numbered in order of appearance.
    pub links: Vec<Link>,
    /// Where the numbered links are in `rendered.lines` (the Message view).
    pub marks: Vec<LinkMark>,
    pub find: Option<Find>,
}

impl Preview {
    pub fn is_showing(&self, account: &str, folder: &str, uid: u32) -> bool {
        self.target
            .as_ref()
            .is_some_and(|(a, f, u)| a == account && f == folder && *u == uid)
    }

    /// The raw bytes of the message shown, once loaded.
    pub fn raw(&self) -> Option<&[u8]> {
        self.raw.as_deref()
    }

    /// Start showing a message whose body is not here yet.
    pub fn show_loading(&mut self, account: &str, folder: &str, uid: u32) {
        self.target = Some((account.to_string(), folder.to_string(), uid));
        self.raw = None;
        self.scroll = 0;
        self.loading = true;
        self.view = View::Message;
        self.links.clear();
        self.marks.clear();
        self.find = None;
        self.rendered = Rendered {
            lines: vec![Line {
                kind: LineKind::Notice,
                text: "Loading message…".into(),
            }],
            attachments: Vec::new(),
        };
    }

    /// Show a message's raw bytes, rendered for `width` cells.
    pub fn show(&mut self, account: &str, folder: &str, uid: u32, raw: Vec<u8>, width: usize) {
        let same = self.is_showing(account, folder, uid);
        self.target = Some((account.to_string(), folder.to_string(), uid));
        self.links = links::links(&raw);
        self.raw = Some(raw);
        self.loading = false;
        if !same {
            self.scroll = 0;
            self.view = View::Message;
            self.find = None;
        }
        self.render(width);
    }

    /// Render the current view of the message for `width` cells.
    fn render(&mut self, width: usize) {
        let Some(raw) = &self.raw else {
            return;
        };
        self.width = width;
        let mut rendered = render::render_with(raw, width, &self.dates);
        match &self.view {
            View::Message => {
                // Say that an HTML version exists when the text one is shown.
                if crate::mail::html::has_html_alternative(raw) {
                    let at = rendered
                        .lines
                        .iter()
                        .position(|l| l.kind != LineKind::Header)
                        .map_or(rendered.lines.len(), |i| i + 1);
                    let mut notice = crate::mail::html::html_notice(width);
                    notice.push(Line {
                        kind: LineKind::Body,
                        text: String::new(),
                    });
                    for (i, l) in notice.into_iter().enumerate() {
                        rendered.lines.insert((at + i).min(rendered.lines.len()), l);
                    }
                }
                self.marks = links::mark(&rendered.lines, &self.links);
                // A link whose target does not show in the text (an HTML link, an escape-sequence
                // hyperlink stripped as unsafe) is listed at the end with where it really goes.
                let hidden: Vec<&Link> = self
                    .links
                    .iter()
                    .filter(|l| {
                        l.text.is_some() || !self.marks.iter().any(|m| m.number == l.number)
                    })
                    .collect();
                if !hidden.is_empty() {
                    rendered.lines.push(Line {
                        kind: LineKind::Body,
                        text: String::new(),
                    });
                    rendered.lines.push(Line {
                        kind: LineKind::Notice,
                        text: "Links (gx opens or copies one):".into(),
                    });
                    for l in hidden {
                        let text = crate::mail::sanitize::sanitize(&format!(
                            "[{}] {}",
                            l.number,
                            l.label()
                        ));
                        for w in crate::mail::sanitize::wrap(&text, width) {
                            rendered.lines.push(Line {
                                kind: LineKind::Attachment,
                                text: w,
                            });
                        }
                    }
                }
            }
            View::Headers => {
                // Every header, then the message's body as usual.
                let mut lines = crate::mail::headers::header_lines(
                    &crate::mail::headers::all_headers(raw),
                    width,
                );
                lines.extend(
                    rendered
                        .lines
                        .iter()
                        .skip_while(|l| l.kind == LineKind::Header)
                        .cloned(),
                );
                rendered.lines = lines;
                self.marks = links::mark(&rendered.lines, &self.links);
            }
            View::Source => {
                rendered.lines = crate::mail::headers::source_lines(raw, width);
                self.marks.clear();
            }
            View::Part(id) => {
                rendered.lines = match parts::view(raw, id, width) {
                    Ok(PartView::Text(lines)) => lines,
                    Ok(PartView::Message(inner)) => {
                        render::render_with(&inner, width, &self.dates).lines
                    }
                    Err(e) => {
                        let say = match e {
                            parts::PartError::NotViewable(_, ct) => format!(
                                "Part {id} ({ct}) is not text. In the parts list (A): o opens \
                                 it with its viewer, s saves it."
                            ),
                            e => format!("Cannot show part {id}: {e}"),
                        };
                        crate::mail::sanitize::wrap(
                            &crate::mail::sanitize::sanitize(&say),
                            width.max(20),
                        )
                        .into_iter()
                        .map(|text| Line {
                            kind: LineKind::Notice,
                            text,
                        })
                        .collect()
                    }
                };
                self.marks = links::mark(&rendered.lines, &self.links);
            }
        }
        self.rendered = rendered;
        if let Some(f) = &mut self.find {
            f.hits = find::find_all(
                self.rendered.lines.iter().map(|l| l.text.as_str()),
                &f.query,
            );
            f.current = f.current.filter(|c| *c < f.hits.len());
        }
        self.scroll = self.scroll.min(self.rendered.lines.len().saturating_sub(1));
    }

    /// Show another view of the same message (back to the top of it).
    pub fn set_view(&mut self, view: View, width: usize) {
        if self.view != view {
            self.view = view;
            self.scroll = 0;
            self.render(width);
        }
    }

    pub fn set_error(&mut self, error: &str) {
        self.set_error_with(error, None, usize::MAX);
    }

    /// The message's body could not be loaded: what the store knows of it (its envelope: From,
    /// To, Date, Subject), then why, each wrapped to `width` cells.
    pub fn set_error_with(
        &mut self,
        error: &str,
        envelope: Option<&crate::mail::Envelope>,
        width: usize,
    ) {
        use crate::mail::sanitize::{sanitize, wrap};
        self.loading = false;
        let mut lines = Vec::new();
        let mut push = |kind: LineKind, text: &str| {
            for t in wrap(&sanitize(text), width.max(1)) {
                lines.push(Line { kind, text: t });
            }
        };
        if let Some(e) = envelope {
            let join = |a: &[crate::mail::Address]| {
                a.iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            push(LineKind::Header, &format!("From: {}", join(&e.from)));
            if !e.to.is_empty() {
                push(LineKind::Header, &format!("To: {}", join(&e.to)));
            }
            if let Some(d) = self.dates.format(e.date) {
                push(LineKind::Header, &format!("Date: {d}"));
            }
            push(LineKind::Header, &format!("Subject: {}", e.subject));
            push(LineKind::Body, "");
        }
        push(
            LineKind::Notice,
            &format!("Cannot load this message: {error}"),
        );
        self.rendered = Rendered {
            lines,
            attachments: Vec::new(),
        };
    }

    /// Re-render for a new width (after a resize).
    pub fn rewrap(&mut self, width: usize) {
        if width != self.width && self.raw.is_some() {
            self.render(width);
        }
    }

    /// An empty preview that will show dates in this style.
    pub fn with_dates(dates: DateStyle) -> Preview {
        Preview {
            dates,
            ..Preview::default()
        }
    }

    pub fn clear(&mut self) {
        let dates = std::mem::take(&mut self.dates);
        *self = Preview {
            dates,
            ..Preview::default()
        };
    }

    /// Scroll by `delta` lines within a pane `height` lines tall.
    pub fn scroll_by(&mut self, delta: isize, height: usize) {
        let max = self.rendered.lines.len().saturating_sub(height.max(1));
        let next = self.scroll as isize + delta;
        self.scroll = next.clamp(0, max as isize) as usize;
    }

    pub fn scroll_to_end(&mut self, height: usize) {
        self.scroll = self.rendered.lines.len().saturating_sub(height.max(1));
    }

    /// Search the shown lines for `query` (case-insensitive); scroll to the first hit at or
    /// below the top of the pane. Returns how many hits.
    pub fn find(&mut self, query: &str, height: usize) -> usize {
        let hits = find::find_all(self.rendered.lines.iter().map(|l| l.text.as_str()), query);
        let n = hits.len();
        let first = hits
            .iter()
            .position(|h| h.line >= self.scroll)
            .or(if n > 0 { Some(0) } else { None });
        self.find = Some(Find {
            query: query.to_string(),
            hits,
            current: first,
        });
        self.scroll_to_hit(height);
        n
    }

    /// The next (or previous) hit of the search in the message, wrapping; false when none.
    pub fn find_step(&mut self, forward: bool, height: usize) -> bool {
        let Some(f) = &mut self.find else {
            return false;
        };
        let (line, col) = f
            .current
            .and_then(|c| f.hits.get(c))
            .map_or((self.scroll, 0), |h| (h.line, h.cols.start));
        match find::step(&f.hits, line, col, forward) {
            Some((i, _wrapped)) => {
                f.current = Some(i);
                self.scroll_to_hit(height);
                true
            }
            None => false,
        }
    }

    /// What to say about the search in the message: `Ok("match k of n")` for the hit shown,
    /// `Err("no match for \"x\" in this message")` when it has none; None without a search.
    pub fn find_report(&self) -> Option<Result<String, String>> {
        let f = self.find.as_ref()?;
        Some(match f.current {
            Some(c) if !f.hits.is_empty() => Ok(format!("match {} of {}", c + 1, f.hits.len())),
            _ => Err(format!(
                "no match for \"{}\" in this message",
                crate::mail::sanitize::sanitize(&f.query)
            )),
        })
    }

    fn scroll_to_hit(&mut self, height: usize) {
        let Some(line) = self
            .find
            .as_ref()
            .and_then(|f| f.current.and_then(|c| f.hits.get(c)))
            .map(|h| h.line)
        else {
            return;
        };
        let h = height.max(1);
        if line < self.scroll || line >= self.scroll + h {
            self.scroll = line.saturating_sub(h / 3);
            self.scroll_by(0, h);
        }
    }
}
