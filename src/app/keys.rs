//! Keys into actions, through the keymap's layer for what the keyboard is doing: the focused
//! pane's context in normal mode (with counts and multi-key sequences), and in a mode its own
//! layer (`input` for the `:` line, `/` and prompts; `picker`; `confirm`; `help`), which never
//! falls back to `[global]`: there, keys a layer does not bind are text, not commands.

use crossterm::event::KeyEvent;

use super::registry::{Op, Scope};
use super::{cmdline, search, App, Command, LineInput, Mode, Pane};
use crate::input::{Binding, Code, Context, Key, Resolved};

pub(super) fn context(focus: Pane) -> Context {
    match focus {
        Pane::Folders => Context::Folders,
        Pane::List => Context::List,
        Pane::Preview => Context::Preview,
    }
}

/// The keymap context the keyboard is in now.
pub fn context_of(app: &App) -> Context {
    match &app.mode {
        Mode::Normal => match &app.composer {
            Some(c) if c.insert => Context::ComposerInsert,
            Some(_) => Context::Composer,
            None => context(app.focus),
        },
        Mode::Command(_) | Mode::Search(_) | Mode::Password { .. } => Context::Input,
        Mode::Picker(_) => Context::Picker,
        Mode::Confirm { .. } => Context::Confirm,
        Mode::Help { .. } => Context::Help,
        Mode::Menu(_) => Context::Menu,
    }
}

pub(super) fn on_key(app: &mut App, ev: KeyEvent, out: &mut Vec<Command>) {
    let Some(key) = Key::from_event(&ev) else {
        return;
    };
    match context_of(app) {
        Context::Folders | Context::List | Context::Preview | Context::Global => {
            normal_key(app, key, out)
        }
        ctx @ (Context::Composer | Context::ComposerInsert) => app.composer_key(ctx, key, out),
        ctx => mode_key(app, ctx, key, out),
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
        Resolved::Command(b) => {
            app.pending_keys.clear();
            let count = app.count.take();
            match b.command.scope {
                Scope::Anywhere => app.run(b.command.op, count, b.arg, out),
                Scope::Mode => {
                    app.status.info = Some(format!(
                        ":{} works in a prompt or the picker, not here",
                        b.command.name
                    ))
                }
            }
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

/// A key in a mode's own layer.
fn mode_key(app: &mut App, ctx: Context, key: Key, out: &mut Vec<Command>) {
    app.pending_keys.push(key);
    match app.keymap.resolve(ctx, &app.pending_keys) {
        Resolved::Command(b) => {
            app.pending_keys.clear();
            run_in_mode(app, ctx, b, out);
        }
        Resolved::Pending => {}
        Resolved::Unbound => {
            let keys = std::mem::take(&mut app.pending_keys);
            match ctx {
                // Text: every key typed so far goes in (a user's "jk" prefix that did not
                // complete is the two letters).
                Context::Input | Context::Picker => {
                    for k in keys {
                        if let Code::Char(c) = k.code {
                            if !k.ctrl && !k.alt {
                                insert_char(app, c);
                            }
                        }
                    }
                }
                Context::Confirm => answer(app, false, out),
                Context::Help | Context::Menu => app.mode = Mode::Normal,
                _ => {}
            }
        }
    }
}

/// The line being edited in the current mode, if any.
fn line_mut(app: &mut App) -> Option<&mut LineInput> {
    match &mut app.mode {
        Mode::Command(i) | Mode::Search(i) | Mode::Password { input: i, .. } => Some(i),
        Mode::Picker(p) => Some(&mut p.input),
        _ => None,
    }
}

fn insert_char(app: &mut App, c: char) {
    app.completion = None;
    if let Some(h) = app.history.browsing.as_mut() {
        h.0 = usize::MAX; // typing ends browsing
        app.history.browsing = None;
    }
    if let Some(line) = line_mut(app) {
        line.insert(c);
    }
    if let Mode::Picker(p) = &mut app.mode {
        p.refilter();
    }
}

fn run_in_mode(app: &mut App, ctx: Context, b: Binding, out: &mut Vec<Command>) {
    let op = b.command.op;
    match (ctx, op) {
        (Context::Input, Op::Submit) => submit(app, out),
        (Context::Input | Context::Picker, Op::Cancel | Op::Back) => cancel(app),
        (Context::Input, Op::Complete | Op::CompletePrev) => {
            if matches!(app.mode, Mode::Command(_)) {
                cmdline::complete(app, op == Op::Complete);
            }
        }
        (Context::Input, Op::HistoryPrev | Op::HistoryNext) => history(app, op == Op::HistoryPrev),
        (Context::Picker, Op::Next | Op::Prev | Op::Submit) => {
            super::picker::on_op(app, op, out);
        }
        (Context::Confirm, Op::Yes) => answer(app, true, out),
        (Context::Confirm, Op::No | Op::Cancel | Op::Back) => answer(app, false, out),
        (Context::Help, _) => help_op(app, op, out, b.arg),
        (Context::Menu, _) => app.menu_op(op, b.arg, out),
        (Context::Input | Context::Picker, _) if b.command.scope == Scope::Mode => {
            app.completion = None;
            app.history.browsing = None;
            match &mut app.mode {
                // Ctrl-U keeps the command word while the cursor is in its argument.
                Mode::Command(line) if op == Op::DeleteToStart => line.delete_to_argument_start(),
                _ => {
                    if let Some(line) = line_mut(app) {
                        line.apply(op);
                    }
                }
            }
            if let Mode::Picker(p) = &mut app.mode {
                p.refilter();
            }
        }
        // Any other command bound in a mode (say `"<F5>" = "sync"` in [input]) leaves the mode
        // and runs.
        (_, _) if b.command.scope == Scope::Anywhere => {
            cancel(app);
            app.run(op, None, b.arg, out);
        }
        _ => {}
    }
}

/// Enter on a line: run it (`:`), search it (`/`), hand a password to its worker.
fn submit(app: &mut App, out: &mut Vec<Command>) {
    app.completion = None;
    match std::mem::replace(&mut app.mode, Mode::Normal) {
        Mode::Command(input) => {
            remember(app, ':', &input.text);
            cmdline::execute(app, &input.text, out);
        }
        Mode::Search(input) => {
            remember(app, '/', &input.text);
            if app.focus == super::Pane::Preview && app.preview.raw().is_some() {
                // In the preview, `/` searches the message itself.
                let h = app.preview_size().1;
                app.preview.find(input.text.trim(), h);
                match app.preview.find_report() {
                    Some(Ok(info)) => {
                        app.status.info =
                            Some(format!("{info} in this message (n/N: next/previous)"))
                    }
                    Some(Err(e)) => app.status.error = Some(e),
                    None => {}
                }
            } else {
                search::start(app, &input.text);
            }
        }
        Mode::Password { account, input, .. } => {
            let password = crate::backend::secret::Secret::new(input.text);
            out.push(Command::Password {
                account: account.clone(),
                password,
            });
            app.status.info = Some(format!("logging in to {account}…"));
        }
        other => app.mode = other,
    }
}

fn remember(app: &mut App, kind: char, text: &str) {
    if let Err(e) = app.history.push(kind, text) {
        tracing::warn!("cannot save the history: {e}");
    }
}

fn cancel(app: &mut App) {
    app.completion = None;
    // A prompt asked from the parts list (`:save`, `:pipe`) goes back to the list.
    if let (Some(m), Mode::Command(_)) = (app.parts_menu.take(), &app.mode) {
        app.mode = Mode::Menu(m);
        return;
    }
    app.history.browsing = None;
    if let Mode::Password { account, .. } = &app.mode {
        app.status.error = Some(format!("{account}: not logged in (`:sync` asks again)"));
    }
    app.mode = Mode::Normal;
}

fn history(app: &mut App, back: bool) {
    app.completion = None;
    let kind = match &app.mode {
        Mode::Command(_) => ':',
        Mode::Search(_) => '/',
        _ => return,
    };
    let typed = line_mut(app).map(|l| l.text.clone()).unwrap_or_default();
    if let Some(text) = app.history.step(kind, &typed, back) {
        if let Some(line) = line_mut(app) {
            *line = LineInput::with(&text);
        }
    }
}

fn answer(app: &mut App, yes: bool, out: &mut Vec<Command>) {
    let Mode::Confirm { on_yes, .. } = std::mem::replace(&mut app.mode, Mode::Normal) else {
        return;
    };
    let overwrite = matches!(on_yes, super::Confirmed::Overwrite { .. });
    if yes {
        super::mailops::confirmed(app, on_yes, out);
    } else {
        app.status.info = Some("cancelled".into());
    }
    // Asked while saving from the parts list: back to the list, for the next part.
    if overwrite && app.mode == Mode::Normal {
        if let Some(m) = app.parts_menu.take() {
            app.mode = Mode::Menu(m);
        }
    }
}

fn help_op(app: &mut App, op: Op, out: &mut Vec<Command>, arg: Option<String>) {
    let page = app.size.1.saturating_sub(6).max(1) as usize;
    let Mode::Help { scroll } = &mut app.mode else {
        return;
    };
    match op {
        Op::Next => *scroll += 1,
        Op::Prev => *scroll = scroll.saturating_sub(1),
        Op::HalfPageDown => *scroll += page / 2,
        Op::HalfPageUp => *scroll = scroll.saturating_sub(page / 2),
        Op::PageDown => *scroll += page,
        Op::PageUp => *scroll = scroll.saturating_sub(page),
        Op::First => *scroll = 0,
        Op::Last => *scroll = usize::MAX / 2,
        Op::Cancel | Op::Back | Op::Help => app.mode = Mode::Normal,
        other => {
            app.mode = Mode::Normal;
            app.run(other, None, arg, out);
        }
    }
}

pub(super) fn on_paste(app: &mut App, text: &str) {
    if app.composer.is_some() && app.mode == Mode::Normal {
        app.composer_paste(text);
        return;
    }
    for c in text.chars().filter(|c| !c.is_control()) {
        if line_mut(app).is_none() {
            return;
        }
        insert_char(app, c);
    }
}
