//! Test helpers: an App on a freshly seeded demo store, and typing keys in vim notation.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Action, App, AppSetup, Command};
use crate::config::UiSettings;
use crate::input::{parse_keys, Code, Keymap};
use crate::store::Store;
use crate::ui::theme;

pub struct TestApp {
    pub app: App,
    pub sent: Vec<Command>,
    _dir: tempfile::TempDir,
}

/// The demo mailbox in a temporary store, on a `w`×`h` screen.
pub fn demo_app(w: u16, h: u16) -> TestApp {
    demo_app_with(w, h, Keymap::defaults())
}

pub fn demo_app_with(w: u16, h: u16, keymap: Keymap) -> TestApp {
    demo_app_full(w, h, keymap, None)
}

pub fn demo_app_full(w: u16, h: u16, keymap: Keymap, first_paint: Option<usize>) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    crate::backend::demo::seed(&store).expect("seed");
    let (app, sent) = App::new(AppSetup {
        store,
        accounts: vec!["demo".into()],
        default_account: None,
        ui: UiSettings::default(),
        keymap,
        theme: theme::load("default", None, false).expect("theme"),
        theme_dir: None,
        no_color: false,
        size: (w, h),
        first_paint,
    });
    TestApp {
        app,
        sent,
        _dir: dir,
    }
}

fn to_event(k: crate::input::Key) -> KeyEvent {
    let code = match k.code {
        Code::Char(c) => KeyCode::Char(c),
        Code::Enter => KeyCode::Enter,
        Code::Tab => KeyCode::Tab,
        Code::BackTab => KeyCode::BackTab,
        Code::Esc => KeyCode::Esc,
        Code::Backspace => KeyCode::Backspace,
        Code::Delete => KeyCode::Delete,
        Code::Insert => KeyCode::Insert,
        Code::Up => KeyCode::Up,
        Code::Down => KeyCode::Down,
        Code::Left => KeyCode::Left,
        Code::Right => KeyCode::Right,
        Code::Home => KeyCode::Home,
        Code::End => KeyCode::End,
        Code::PageUp => KeyCode::PageUp,
        Code::PageDown => KeyCode::PageDown,
        Code::F(n) => KeyCode::F(n),
    };
    let mut m = KeyModifiers::empty();
    if k.ctrl {
        m |= KeyModifiers::CONTROL;
    }
    if k.alt {
        m |= KeyModifiers::ALT;
    }
    KeyEvent::new(code, m)
}

impl TestApp {
    /// Type keys in vim notation, e.g. `"5j"`, `"gg"`, `":folder Archive<Enter>"`.
    pub fn keys(&mut self, keys: &str) -> &mut Self {
        for k in parse_keys(keys).expect("key notation") {
            let cmds = self.app.update(Action::Key(to_event(k)));
            self.sent.extend(cmds);
        }
        self
    }

    pub fn selected_subject(&self) -> String {
        self.app
            .list
            .selected()
            .map(|e| e.subject.clone())
            .unwrap_or_default()
    }
}
