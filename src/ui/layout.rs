//! Where each pane goes for a terminal size and the view's state. The app uses the same geometry
//! to know how many rows a page has, so drawing and scrolling always agree.
//!
//! The layout adapts to the terminal: the folder pane shows when there is room for it (or while
//! it has the focus), the preview sits beside the list when both fit with the list's subject
//! column at least [`SUBJECT_MIN`] cells wide, under it when the terminal is tall enough, and
//! otherwise takes the whole screen while it has the focus (Enter opens it, `q` goes back).

use ratatui::layout::Rect;

use crate::config::Layout;

/// The subject column never gets narrower than this while the list is shown (when the
/// terminal has this room at all).
pub const SUBJECT_MIN: u16 = 30;
/// Below this width the folder pane is hidden unless asked for (`B`, or focusing it).
pub const FOLDERS_MIN_WIDTH: u16 = 100;
/// The narrowest list that still shows flags, a short date, a sender and `SUBJECT_MIN` cells
/// of subject: `4 + 1 + 6 + 1 + 10 + 1 + SUBJECT_MIN`, plus its two borders.
pub const LIST_MIN_WIDTH: u16 = 4 + 1 + 6 + 1 + 10 + 1 + SUBJECT_MIN + 2;
/// A list wide enough for every column at its full width (long date, sender, size).
const LIST_FULL_WIDTH: u16 = 4 + 1 + 16 + 1 + 20 + 1 + 7 + 1 + 40 + 2;
/// The narrowest preview beside the list.
const PREVIEW_MIN_WIDTH: u16 = 40;
/// The lowest terminal that gets the preview under the list (below: full screen).
const ROWS_MIN_HEIGHT: u16 = 30;

/// What the geometry depends on besides the terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    /// The user's choice of `columns` or `rows` (`L` switches).
    pub layout: Layout,
    /// The preview is wanted (`p` toggles).
    pub show_preview: bool,
    /// The user's choice for the folder pane (`B`); `None`: shown when the terminal is wide.
    pub folders: Option<bool>,
    /// The folder pane has the focus (it is shown then, whatever the width).
    pub folders_focused: bool,
    /// The preview has the focus (in the full-screen arrangement it covers the list then).
    pub preview_focused: bool,
}

impl View {
    /// The defaults for a layout choice: preview on, folders by width, list focused.
    pub fn of(layout: Layout) -> View {
        View {
            layout,
            show_preview: true,
            folders: None,
            folders_focused: false,
            preview_focused: false,
        }
    }
}

/// How list and preview share the space right of the folder pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// List left, preview right.
    Columns,
    /// List above, preview below.
    Rows,
    /// One at a time, on the whole area: the preview while it has the focus, else the list.
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// The folder pane, when shown.
    pub folders: Option<Rect>,
    /// Where the list is (also when the preview covers it: paging keeps its geometry).
    pub list: Rect,
    /// The list is drawn (false while a full-screen preview covers it).
    pub list_visible: bool,
    pub preview: Option<Rect>,
    pub arrangement: Arrangement,
    /// The status bar row.
    pub status: Rect,
    /// The message / command-line row under it.
    pub message: Rect,
}

fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        y: r.y.saturating_add(1),
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

impl Panes {
    pub fn list_rows(&self) -> usize {
        inner(self.list).height.max(1) as usize
    }
    pub fn folder_rows(&self) -> usize {
        self.folders.map_or(1, |f| inner(f).height.max(1) as usize)
    }
    /// (width, height) of the preview's text.
    pub fn preview_text(&self) -> (usize, usize) {
        let r = inner(self.preview.unwrap_or(self.list));
        (r.width.max(10) as usize, r.height.max(1) as usize)
    }
    pub fn inner(r: Rect) -> Rect {
        inner(r)
    }
}

/// Split a `(width, height)` screen into panes for `view`.
pub fn panes(size: (u16, u16), view: &View) -> Panes {
    let (w, h) = size;
    let body_h = h.saturating_sub(2);
    let status = Rect::new(0, body_h, w, 1.min(h));
    let message = Rect::new(
        0,
        body_h.saturating_add(1).min(h.saturating_sub(1)),
        w,
        u16::from(h >= 2),
    );
    let show_folders = view.folders_focused || view.folders.unwrap_or(w >= FOLDERS_MIN_WIDTH);
    let folders_w = if !show_folders {
        0
    } else if w < FOLDERS_MIN_WIDTH {
        (w / 3).clamp(12.min(w), 32)
    } else {
        (w / 6).clamp(18, 32)
    };
    let folders = (folders_w > 0).then(|| Rect::new(0, 0, folders_w, body_h));
    let x = folders_w;
    let rest_w = w.saturating_sub(folders_w);
    let whole = Rect::new(x, 0, rest_w, body_h);
    let base = Panes {
        folders,
        list: whole,
        list_visible: true,
        preview: None,
        arrangement: Arrangement::Full,
        status,
        message,
    };
    if !view.show_preview {
        return base;
    }
    // Beside: the list as wide as it can use, up to half, never under its minimum.
    let list_w = (rest_w / 2).max(LIST_FULL_WIDTH.min(rest_w.saturating_sub(PREVIEW_MIN_WIDTH)));
    let fits_beside = list_w >= LIST_MIN_WIDTH && rest_w - list_w >= PREVIEW_MIN_WIDTH;
    let arrangement = match view.layout {
        Layout::Columns if fits_beside => Arrangement::Columns,
        _ if body_h + 2 >= ROWS_MIN_HEIGHT => Arrangement::Rows,
        _ => Arrangement::Full,
    };
    match arrangement {
        Arrangement::Columns => Panes {
            list: Rect::new(x, 0, list_w, body_h),
            preview: Some(Rect::new(x + list_w, 0, rest_w - list_w, body_h)),
            arrangement,
            ..base
        },
        Arrangement::Rows => {
            let list_h = (body_h * 2 / 5).max(3.min(body_h));
            Panes {
                list: Rect::new(x, 0, rest_w, list_h),
                preview: Some(Rect::new(x, list_h, rest_w, body_h - list_h)),
                arrangement,
                ..base
            }
        }
        Arrangement::Full => Panes {
            list_visible: !view.preview_focused,
            preview: view.preview_focused.then_some(whole),
            arrangement,
            ..base
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(layout: Layout) -> View {
        View::of(layout)
    }

    #[test]
    fn panes_tile_the_screen() {
        for layout in [Layout::Columns, Layout::Rows] {
            let p = panes((160, 40), &view(layout));
            let pv = p.preview.unwrap();
            let f = p.folders.unwrap();
            assert_eq!(
                f.width
                    + p.list.width.max(pv.width)
                    + if layout == Layout::Columns {
                        p.list.width.min(pv.width)
                    } else {
                        0
                    },
                160
            );
            assert_eq!(p.status.y, 38);
            assert_eq!(p.message.y, 39);
        }
        let mut v = view(Layout::Columns);
        v.show_preview = false;
        let p = panes((80, 24), &v);
        assert!(p.preview.is_none());
        assert_eq!(p.list_rows(), 20);
        // tiny terminals do not panic
        for (w, h) in [(1, 1), (0, 0), (5, 3), (20, 4)] {
            for layout in [Layout::Columns, Layout::Rows] {
                let mut v = view(layout);
                let _ = panes((w, h), &v);
                v.preview_focused = true;
                v.folders_focused = true;
                let _ = panes((w, h), &v);
            }
        }
    }

    #[test]
    fn the_layout_adapts_to_the_width() {
        // wide: three panes side by side
        let p = panes((200, 50), &view(Layout::Columns));
        assert_eq!(p.arrangement, Arrangement::Columns);
        assert!(p.folders.is_some());
        // 80x24: no folder pane, the list gets the whole width, the preview full screen
        let mut v = view(Layout::Columns);
        let p = panes((80, 24), &v);
        assert!(p.folders.is_none());
        assert_eq!(p.arrangement, Arrangement::Full);
        assert_eq!(p.list.width, 80);
        assert!(p.list_visible && p.preview.is_none());
        v.preview_focused = true;
        let p = panes((80, 24), &v);
        assert!(!p.list_visible);
        assert_eq!(p.preview.unwrap().width, 80);
        // tall but narrow: the preview under the list
        let p = panes((80, 40), &view(Layout::Columns));
        assert_eq!(p.arrangement, Arrangement::Rows);
        // the folder pane shows while focused, or when the user asks
        let mut v = view(Layout::Columns);
        v.folders_focused = true;
        assert!(panes((80, 24), &v).folders.is_some());
        let mut v = view(Layout::Columns);
        v.folders = Some(true);
        assert!(panes((80, 24), &v).folders.is_some());
        v.folders = Some(false);
        assert!(panes((200, 50), &v).folders.is_none());
    }

    #[test]
    fn the_list_keeps_room_for_subjects() {
        for w in 60..=260 {
            for h in [24, 40, 60] {
                for layout in [Layout::Columns, Layout::Rows] {
                    let p = panes((w, h), &view(layout));
                    assert!(
                        p.list.width >= LIST_MIN_WIDTH,
                        "{w}x{h} {layout:?}: list {} wide",
                        p.list.width
                    );
                }
            }
        }
    }
}
