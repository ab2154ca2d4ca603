//! The preview pane's state: which message it shows, its rendered lines for the pane's width,
//! and the scroll position.

use crate::mail::render::{self, DateStyle, Line, LineKind, Rendered};

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
}

impl Preview {
    pub fn is_showing(&self, account: &str, folder: &str, uid: u32) -> bool {
        self.target
            .as_ref()
            .is_some_and(|(a, f, u)| a == account && f == folder && *u == uid)
    }

    /// Start showing a message whose body is not here yet.
    pub fn show_loading(&mut self, account: &str, folder: &str, uid: u32) {
        self.target = Some((account.to_string(), folder.to_string(), uid));
        self.raw = None;
        self.scroll = 0;
        self.loading = true;
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
        self.rendered = render::render_with(&raw, width, &self.dates);
        self.raw = Some(raw);
        self.width = width;
        self.loading = false;
        if !same {
            self.scroll = 0;
        }
    }

    pub fn set_error(&mut self, error: &str) {
        self.loading = false;
        self.rendered = Rendered {
            lines: vec![Line {
                kind: LineKind::Notice,
                text: crate::mail::sanitize::sanitize(&format!(
                    "Cannot load this message: {error}"
                )),
            }],
            attachments: Vec::new(),
        };
    }

    /// Re-render for a new width (after a resize).
    pub fn rewrap(&mut self, width: usize) {
        if width == self.width {
            return;
        }
        if let Some(raw) = &self.raw {
            self.rendered = render::render_with(raw, width, &self.dates);
            self.width = width;
            self.scroll = self.scroll.min(self.rendered.lines.len().saturating_sub(1));
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
}
