//! App::update tests of the input layers: every mode has its own keymap context, text layers
//! never fall back to [global], bindings carry arguments, Tab completion cycles through a
//! wildmenu, and the `:` / `/` history survives a restart.

use super::testing::{demo_app, demo_app_with, TestApp};
use super::*;
use crate::input::Keymap;

fn line(t: &TestApp) -> String {
    match &t.app.mode {
        Mode::Command(i) | Mode::Search(i) => i.text.clone(),
        Mode::Picker(p) => p.input.text.clone(),
        other => panic!("no line in {other:?}"),
    }
}

#[test]
fn keys_bound_elsewhere_are_text_in_a_prompt() {
    let mut t = demo_app(120, 40);
    let before = t.app.list.cursor;
    t.keys(":jq:<C-d>gg");
    // <C-d> is delete-forward in [input]: nothing after the cursor, so the text stays
    assert_eq!(line(&t), "jq:gg");
    assert_eq!(t.app.list.cursor, before, "j did not move the list");
    assert!(!t.app.quit, "q did not quit");
    t.keys("<Esc>/qjk");
    assert_eq!(line(&t), "qjk");
    t.keys("<Esc>");
    // the picker filters with the letters, j included
    t.keys("mjq");
    assert_eq!(line(&t), "jq");
    assert!(!t.app.quit);
    t.keys("<Esc>");
    assert_eq!(t.app.mode, Mode::Normal);
}

#[test]
fn every_mode_layer_is_rebindable() {
    let mut km = Keymap::defaults();
    km.apply(
        "[input]\n\"<C-j>\" = \"submit\"\n\"<Enter>\" = \"unbind\"\n\"jk\" = \"cancel\"\n\
         [confirm]\n\"o\" = \"yes\"\n\"y\" = \"unbind\"\n\
         [picker]\n\"<C-l>\" = \"submit\"\n\
         [global]\n\"gi\" = \"folder Archive\"\n\
         [list]\n\"X\" = \"move Trash\"\n",
        "test",
    )
    .expect("user keybindings");
    let mut t = demo_app_with(120, 40, km);
    // a binding with an argument
    t.keys("gi");
    assert_eq!(t.app.list.folder, "Archive");
    t.keys("gg");
    let n = t.app.list.rows.len();
    t.keys("X");
    assert_eq!(t.app.list.rows.len(), n - 1, "X moved a message to Trash");
    // Enter is unbound in [input] now: it is not text either, nothing happens
    t.keys(":folder INBOX<Enter>");
    assert!(matches!(t.app.mode, Mode::Command(_)));
    t.keys("<C-j>");
    assert_eq!(t.app.list.folder, "INBOX");
    // "jk" cancels; a lone j followed by another letter is both letters
    t.keys(":ja");
    assert_eq!(line(&t), "ja");
    t.keys("jk");
    assert_eq!(t.app.mode, Mode::Normal);
    // the picker and the confirmation take their own keys
    t.keys("march<C-l>");
    assert_eq!(t.app.mode, Mode::Normal);
    t.keys(":folder Trash<C-j>");
    let n = t.app.list.rows.len();
    t.keys("dy");
    assert_eq!(t.app.list.rows.len(), n, "y is not yes any more");
    t.keys("do");
    assert_eq!(t.app.list.rows.len(), n - 1, "o is yes");
}

#[test]
fn a_binding_file_names_bad_arguments_and_contexts() {
    let mut km = Keymap::defaults();
    let e = km
        .apply("[list]\n\"x\" = \"next 5\"\n", "k.toml")
        .unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("takes no argument"), "{e}");
    let e = km
        .apply("[inptu]\n\"x\" = \"submit\"\n", "k.toml")
        .unwrap_err();
    assert!(e.message.contains("input"), "{e}");
}

#[test]
fn tab_lists_candidates_and_cycles() {
    let mut t = demo_app(160, 40);
    t.keys(":to<Tab>");
    let c = t.app.completion.clone().expect("a wildmenu");
    assert!(c.candidates.len() >= 4, "{:?}", c.candidates);
    assert!(c.candidates.iter().all(|x| x.starts_with("toggle-")));
    let first = line(&t);
    assert_eq!(first, c.candidates[0]);
    t.keys("<Tab>");
    assert_eq!(line(&t), c.candidates[1]);
    t.keys("<S-Tab><S-Tab>");
    assert_eq!(line(&t), *c.candidates.last().unwrap());
    // typing ends the completion; the wildmenu goes
    t.keys("x");
    assert!(t.app.completion.is_none());
    // arguments: folders and themes
    t.keys("<C-u>folder <Tab>");
    let c = t.app.completion.clone().expect("folders");
    assert!(
        c.candidates.iter().any(|f| f == "Archive"),
        "{:?}",
        c.candidates
    );
    assert!(line(&t).starts_with("folder "));
    t.keys("<C-u><C-u>theme <Tab>");
    let c = t.app.completion.clone().expect("themes");
    assert_eq!(c.candidates, vec!["ansi16", "default", "light"]);
    // a single candidate completes at once
    t.keys("<C-u><C-u>theme l<Tab>");
    assert_eq!(line(&t), "theme light");
    assert!(t.app.completion.is_none());
    t.keys("<Enter>");
    assert_eq!(t.app.theme.name, "light");
}

#[test]
fn ctrl_u_keeps_the_command_word_then_clears_the_line() {
    let mut t = demo_app(160, 40);
    t.keys(":save /tmp/some/dir/name.pdf<C-u>");
    assert_eq!(line(&t), "save ");
    // typing a new path and saving runs :save, not a command named after the path
    t.keys("<C-u>");
    assert_eq!(line(&t), "");
    // in the middle of the argument: back to its start, the rest kept
    t.keys("move  Archive/2024<Left><Left><Left><Left><Left><C-u>");
    assert_eq!(line(&t), "move  /2024");
    match &t.app.mode {
        Mode::Command(i) => assert_eq!(i.cursor, "move  ".len()),
        other => panic!("{other:?}"),
    }
    t.keys("<C-u>");
    assert_eq!(line(&t), "/2024");
    // in the command word: the whole start goes
    t.keys("<Esc>:folder Inbox<Home><Right><Right><C-u>");
    assert_eq!(line(&t), "lder Inbox");
    // the / prompt has no command word: everything before the cursor
    t.keys("<Esc>/from alice<C-u>");
    assert_eq!(line(&t), "");
    // the pre-filled prompt of `save` in the parts list: a new path after one Ctrl-U
    t.keys("<Esc>");
    let dir = tempfile::tempdir().unwrap();
    t.app.reading.attachment_dir = Some(dir.path().to_path_buf());
    t.keys("/Q3 report<Enter><Esc><Enter>As<C-u>");
    assert_eq!(line(&t), "save ");
    t.keys("q3.pdf<Enter>");
    assert!(t.app.status.error.is_none(), "{:?}", t.app.status.error);
    assert!(dir.path().join("q3.pdf").exists(), "{:?}", t.app.status);
}

#[test]
fn the_wildmenu_is_drawn_over_the_status_bar() {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let mut t = demo_app(160, 40);
    t.keys(":to<Tab><Tab>");
    let mut term = Terminal::new(TestBackend::new(160, 40)).unwrap();
    term.draw(|f| crate::ui::draw(f, &t.app)).unwrap();
    let buf = term.backend().buffer().clone();
    let bar: String = (0..160)
        .map(|x| buf[(x, 38)].symbol().to_string())
        .collect();
    assert!(
        bar.contains("toggle-fold") && bar.contains("toggle-threads"),
        "{bar}"
    );
}

#[test]
fn history_steps_back_by_prefix_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("history");
    let mut h = History::load(Some(file.clone()));
    for l in [
        "folder Archive",
        "theme light",
        "folder Trash",
        "folder Archive",
    ] {
        h.push(':', l).unwrap();
    }
    h.push('/', "budget").unwrap();
    // a new run reads what the last one wrote
    let mut h = History::load(Some(file.clone()));
    assert_eq!(
        h.entries,
        vec![
            (':', "theme light".to_string()),
            (':', "folder Trash".to_string()),
            (':', "folder Archive".to_string()),
            ('/', "budget".to_string()),
        ]
    );
    assert_eq!(h.step(':', "", true).as_deref(), Some("folder Archive"));
    assert_eq!(h.step(':', "", true).as_deref(), Some("folder Trash"));
    assert_eq!(h.step(':', "", true).as_deref(), Some("theme light"));
    assert_eq!(h.step(':', "", true), None, "no older line");
    assert_eq!(h.step(':', "", false).as_deref(), Some("folder Trash"));
    h.browsing = None;
    // only lines starting with what was typed
    assert_eq!(h.step(':', "th", true).as_deref(), Some("theme light"));
    assert_eq!(h.step(':', "th", true), None);
    assert_eq!(
        h.step(':', "th", false).as_deref(),
        Some("th"),
        "back to what was typed"
    );
    h.browsing = None;
    assert_eq!(h.step('/', "", true).as_deref(), Some("budget"));

    // through the keys
    let mut t = demo_app(120, 40);
    t.app.history = History::load(Some(file));
    t.keys(":<Up>");
    assert_eq!(line(&t), "folder Archive");
    t.keys("<Up><Down><Down>");
    assert_eq!(line(&t), "");
    t.keys("<Esc>/<Up><Enter>");
    assert_eq!(t.app.search.query.as_deref(), Some("budget"));
}

#[test]
fn help_lists_every_context_with_its_keys() {
    let mut t = demo_app(160, 50);
    let rows = crate::ui::help::help_rows(&t.app);
    for title in [
        "(input)",
        "(picker)",
        "(confirm)",
        "(help)",
        "(list)",
        "(global",
    ] {
        assert!(
            rows.iter()
                .any(|r| matches!(r, crate::ui::help::HelpRow::Section(s) if s.contains(title))),
            "no section {title}"
        );
    }
    assert!(rows.iter().any(|r| matches!(r,
        crate::ui::help::HelpRow::Entry { keys, command, .. } if keys.contains("<Tab>") && command == "complete")));
    // long descriptions wrap instead of being cut
    let lines = crate::ui::help::help_lines(&t.app, 60);
    let text: Vec<String> = lines
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.to_string()).collect())
        .collect();
    assert!(text.iter().any(|l| l.contains("never quits")), "{text:#?}");
    // scrolling and closing through the help layer
    t.keys("?jjj");
    assert_eq!(t.app.mode, Mode::Help { scroll: 3 });
    t.keys("gg");
    assert_eq!(t.app.mode, Mode::Help { scroll: 0 });
    t.keys("q");
    assert_eq!(t.app.mode, Mode::Normal);
    assert!(!t.app.quit);
}
