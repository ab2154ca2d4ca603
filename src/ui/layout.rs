//! Where each pane goes for a terminal size and layout. The app uses the same geometry to know
//! how many rows a page has, so drawing and scrolling always agree.

use ratatui::layout::Rect;

use crate::config::Layout;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    pub folders: Rect,
    pub list: Rect,
    pub preview: Option<Rect>,
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
        inner(self.folders).height.max(1) as usize
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

/// Split a `(width, height)` screen into panes.
pub fn panes(size: (u16, u16), layout: Layout, show_preview: bool) -> Panes {
    let (w, h) = size;
    let body_h = h.saturating_sub(2);
    let status = Rect::new(0, body_h, w, 1.min(h));
    let message = Rect::new(
        0,
        body_h.saturating_add(1).min(h.saturating_sub(1)),
        w,
        u16::from(h >= 2),
    );
    let folders_w = if w < 60 {
        (w / 4).max(12).min(w)
    } else {
        (w / 6).clamp(18, 32)
    };
    let folders = Rect::new(0, 0, folders_w, body_h);
    let rest_x = folders_w;
    let rest_w = w.saturating_sub(folders_w);
    if !show_preview {
        return Panes {
            folders,
            list: Rect::new(rest_x, 0, rest_w, body_h),
            preview: None,
            status,
            message,
        };
    }
    match layout {
        Layout::Columns => {
            let list_w = rest_w / 2;
            Panes {
                folders,
                list: Rect::new(rest_x, 0, list_w, body_h),
                preview: Some(Rect::new(rest_x + list_w, 0, rest_w - list_w, body_h)),
                status,
                message,
            }
        }
        Layout::Rows => {
            let list_h = (body_h * 2 / 5).max(3.min(body_h));
            Panes {
                folders,
                list: Rect::new(rest_x, 0, rest_w, list_h),
                preview: Some(Rect::new(rest_x, list_h, rest_w, body_h - list_h)),
                status,
                message,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_tile_the_screen() {
        for layout in [Layout::Columns, Layout::Rows] {
            let p = panes((120, 40), layout, true);
            let pv = p.preview.unwrap();
            assert_eq!(
                p.folders.width
                    + p.list.width.max(pv.width)
                    + if layout == Layout::Columns {
                        p.list.width.min(pv.width)
                    } else {
                        0
                    },
                120
            );
            assert_eq!(p.status.y, 38);
            assert_eq!(p.message.y, 39);
        }
        let p = panes((80, 24), Layout::Columns, false);
        assert!(p.preview.is_none());
        assert_eq!(p.list_rows(), 20);
        // tiny terminals do not panic
        let _ = panes((1, 1), Layout::Rows, true);
        let _ = panes((0, 0), Layout::Columns, true);
    }
}
