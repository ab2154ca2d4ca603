//! Keys into actions: counts and multi-key sequences through the keymap in normal mode, line
//! editing in the `:` and `/` prompts, scrolling in help, yes/no in confirmations.

use crossterm::event::KeyEvent;

use super::registry::Op;
use super::{cmdline, search, App, Command, Mode, Pane};
use crate::input::{Code, Context, Key, Resolved};

pub(super) fn context(focus: Pane) -> Context {
    match focus {
        Pane::Folders => Context::Folders,
        Pane::List => Context::List,
        Pane::Preview => Context::Preview,
    }
}

pub(super) fn on_key(app: &mut App, ev: KeyEvent, out: &mut Vec<Command>) {
    let Some(key) = Key::from_event(&ev) else {
        return;
    };
    match &mut app.mode {
        Mode::Command(input) => match key.code {
            Code::Enter => {
                let text = input.text.clone();
                app.mode = Mode::Normal;
                cmdline::execute(app, &text, out);
            }
            Code::Esc => app.mode = Mode::Normal,
            Code::Tab => cmdline::complete(app),
            Code::Backspace if input.text.is_empty() => app.mode = Mode::Normal,
            _ => {
                input.edit(key);
            }
        },
        Mode::Search(input) => match key.code {
            Code::Enter => {
                let text = input.text.clone();
                app.mode = Mode::Normal;
                search::start(app, &text);
            }
            Code::Esc => app.mode = Mode::Normal,
            Code::Backspace if input.text.is_empty() => app.mode = Mode::Normal,
            _ => {
                input.edit(key);
            }
        },
        Mode::Help { scroll } => {
            let page = app.size.1.saturating_sub(6).max(1) as usize;
            let op = match app.keymap.resolve(Context::Global, &[key]) {
                Resolved::Command(c) => Some(c.op),
                _ => None,
            };
            match op {
                Some(Op::Next) => *scroll += 1,
                Some(Op::Prev) => *scroll = scroll.saturating_sub(1),
                Some(Op::HalfPageDown) => *scroll += page / 2,
                Some(Op::HalfPageUp) => *scroll = scroll.saturating_sub(page / 2),
                Some(Op::PageDown) => *scroll += page,
                Some(Op::PageUp) => *scroll = scroll.saturating_sub(page),
                Some(Op::First) => *scroll = 0,
                Some(Op::Last) => *scroll = usize::MAX / 2,
                Some(Op::Quit) => app.quit = true,
                _ if matches!(key.code, Code::Char('g')) => *scroll = 0,
                _ => app.mode = Mode::Normal,
            }
        }
        Mode::Confirm { on_yes, .. } => {
            let yes = matches!(key.code, Code::Char('y') | Code::Char('Y'));
            let what = on_yes.clone();
            app.mode = Mode::Normal;
            if yes {
                super::mailops::confirmed(app, what, out);
            } else {
                app.status.info = Some("Cancelled".into());
            }
        }
        Mode::Picker(_) => super::picker::on_key(app, key, out),
        Mode::Password { account, input, .. } => match key.code {
            Code::Enter => {
                let password = crate::backend::secret::Secret::new(std::mem::take(&mut input.text));
                out.push(Command::Password {
                    account: account.clone(),
                    password,
                });
                app.status.info = Some(format!("logging in to {account}…"));
                app.mode = Mode::Normal;
            }
            Code::Esc => {
                app.status.error = Some(format!("{account}: not logged in (`:sync` asks again)"));
                app.mode = Mode::Normal;
            }
            _ => {
                input.edit(key);
            }
        },
        Mode::Normal => normal_key(app, key, out),
    }
}

fn normal_key(app: &mut App, key: Key, out: &mut Vec<Command>) {
    if app.pending_keys.is_empty() && !key.ctrl && !key.alt {
        if let Code::Char(c @ '0'..='9') = key.code {
            if c != '0' || app.count.is_some() {
                let d = c as u32 - '0' as u32;
                app.count = Some((app.count.unwrap_or(0).saturating_mul(10) + d).min(99_999));
                return;
            }
        }
    }
    app.pending_keys.push(key);
    match app.keymap.resolve(context(app.focus), &app.pending_keys) {
        Resolved::Command(spec) => {
            app.pending_keys.clear();
            let count = app.count.take();
            app.run(spec.op, count, None, out);
        }
        Resolved::Pending => {}
        Resolved::Unbound => {
            let typed = crate::input::format_keys(&app.pending_keys);
            app.pending_keys.clear();
            app.count = None;
            if key.code != Code::Esc {
                app.status.info = Some(format!("{typed} is not bound here (? shows the keys)"));
            }
        }
    }
}

pub(super) fn on_paste(app: &mut App, text: &str) {
    match &mut app.mode {
        Mode::Command(input) | Mode::Search(input) => {
            for c in text.chars().filter(|c| !c.is_control()) {
                input.edit(Key::char(c));
            }
        }
        Mode::Password { input, .. } => {
            for c in text.chars().filter(|c| !c.is_control()) {
                input.edit(Key::char(c));
            }
        }
        Mode::Picker(p) => {
            for c in text.chars().filter(|c| !c.is_control()) {
                p.input.edit(Key::char(c));
            }
            p.refilter();
        }
        _ => {}
    }
}
