//! Key to frame in process: each key goes through `App::update` (as the event loop hands it over)
//! and the screen is drawn into ratatui's `TestBackend` (200x50), the frame the user would see.
//! Work the app hands to the background (a search over bodies, loading a big folder) runs as the
//! event loop runs it, and its events come back through `App::update`; for those actions the
//! table gives the first frame (the UI answers) and the frame that shows the whole result.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tmail::app::{Action, App, AppSetup, Command, Event};
use tmail::config::UiSettings;
use tmail::input::{parse_keys, Keymap};
use tmail::mail::parse::envelope_from_raw;
use tmail::mail::Flags;
use tmail::store::Store;
use tmail::ui::theme;

use super::store::{self, ACCOUNT};

pub const W: u16 = 200;
pub const H: u16 = 50;

pub struct Harness {
    pub app: App,
    term: Terminal<TestBackend>,
    jobs: super::jobs::Runner,
    store_dir: std::path::PathBuf,
}

/// Results: action -> size -> (median, max) in ms, in the order first seen.
#[derive(Default)]
pub struct Table {
    order: Vec<String>,
    rows: BTreeMap<String, BTreeMap<usize, (f64, f64)>>,
}

impl Table {
    pub fn add(&mut self, action: &str, n: usize, mut v: Vec<Duration>) {
        v.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let (med, max) = (ms(v[v.len() / 2]), ms(v[v.len() - 1]));
        if !self.rows.contains_key(action) {
            self.order.push(action.to_string());
        }
        self.rows
            .entry(action.to_string())
            .or_default()
            .insert(n, (med, max));
        eprintln!("  {n}: {action}: median {med:.2} ms, max {max:.2} ms");
    }

    pub fn print(&self, sizes: &[usize]) {
        let mut head = "| action |".to_string();
        let mut line = "|---|".to_string();
        for n in sizes {
            head.push_str(&format!(" {n}: median / max ms |"));
            line.push_str("---:|");
        }
        if sizes.len() > 1 {
            head.push_str(&format!(
                " growth {}→{} (median) |",
                sizes[0],
                sizes[sizes.len() - 1]
            ));
            line.push_str("---:|");
        }
        println!("{head}\n{line}");
        for action in &self.order {
            let row = &self.rows[action];
            let mut s = format!("| {action} |");
            for n in sizes {
                match row.get(n) {
                    Some((med, max)) => s.push_str(&format!(" {} / {} |", fmt(*med), fmt(*max))),
                    None => s.push_str(" – |"),
                }
            }
            if sizes.len() > 1 {
                match (row.get(&sizes[0]), row.get(&sizes[sizes.len() - 1])) {
                    (Some(a), Some(b)) if a.0 > 0.0 => s.push_str(&format!(" ×{:.1} |", b.0 / a.0)),
                    _ => s.push_str(" – |"),
                }
            }
            println!("{s}");
        }
    }
}

fn fmt(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.0}")
    }
}

fn setup(store: Store) -> (App, Vec<Command>) {
    App::new(AppSetup {
        store,
        accounts: vec![ACCOUNT.into()],
        own_addresses: Default::default(),
        compose: Default::default(),
        reading: Default::default(),
        history_file: None,
        default_account: None,
        ui: UiSettings::default(),
        keymap: Keymap::defaults(),
        theme: theme::load("default", None, theme::ColorSupport::TrueColor).expect("theme"),
        theme_dir: None,
        colors: theme::ColorSupport::TrueColor,
        size: (W, H),
        // as the binary does: the newest rows first, the rest after the first frame
        first_paint: Some(400),
    })
}

impl Harness {
    /// Open the store at `dir` as tmail starts: returns the harness, the time to the first
    /// frame and the time until the whole folder is listed.
    pub fn open(dir: &std::path::Path) -> (Harness, Duration, Duration) {
        let t0 = Instant::now();
        let store = Store::open(dir).expect("open store");
        let (app, cmds) = setup(store);
        let mut h = Harness {
            app,
            term: Terminal::new(TestBackend::new(W, H)).expect("terminal"),
            jobs: super::jobs::Runner::new(),
            store_dir: dir.to_path_buf(),
        };
        h.commands(cmds);
        h.draw();
        let first = t0.elapsed();
        let cmds = h.app.update(Action::Deferred);
        h.commands(cmds);
        h.draw();
        h.settle();
        (h, first, t0.elapsed())
    }

    fn draw(&mut self) {
        let app = &self.app;
        self.term.draw(|f| tmail::ui::draw(f, app)).expect("draw");
        self.app.dirty = false;
    }

    fn commands(&mut self, cmds: Vec<Command>) {
        for c in cmds {
            self.jobs.send(&self.app, c);
        }
    }

    fn update(&mut self, a: Action) {
        let cmds = self.app.update(a);
        self.commands(cmds);
    }

    /// Keys as the event loop takes a burst: every key through `update`, then one frame.
    fn keys(&mut self, keys: &str) {
        for k in parse_keys(keys).expect("keys") {
            self.update(Action::Key(k.to_event()));
        }
        self.draw();
    }

    /// Untimed: type keys and let background work finish.
    pub fn prep(&mut self, keys: &str) {
        self.keys(keys);
        self.settle();
    }

    /// Time keys to the next frame.
    pub fn press(&mut self, keys: &str) -> Duration {
        let t = Instant::now();
        self.keys(keys);
        t.elapsed()
    }

    /// Time keys to the first frame, and to the frame after the last event of the work they
    /// started in the background.
    pub fn press_until_done(&mut self, keys: &str) -> (Duration, Duration) {
        let t = Instant::now();
        self.keys(keys);
        let first = t.elapsed();
        self.settle();
        (first, t.elapsed())
    }

    /// Take events from background work until none is running, each through `update` and a
    /// frame (as the event loop does).
    pub fn settle(&mut self) {
        while let Some(ev) = self.jobs.next_event() {
            self.update(Action::Worker(ev));
            self.draw();
        }
    }

    /// Time a worker event to the frame that shows it.
    pub fn event(&mut self, ev: Event) -> Duration {
        let t = Instant::now();
        self.update(Action::Worker(ev));
        self.draw();
        t.elapsed()
    }

    pub fn store(&self) -> &Store {
        &self.app.store
    }

    pub fn close(self) -> std::path::PathBuf {
        let dir = self.store_dir.clone();
        drop(self);
        dir
    }
}

/// Every measurement for one store size. `TMAIL_BENCH_ONLY=visual,search-env` runs only
/// those sections (open, keys, enter, read, flag, delete, move, visual, search-env,
/// search-body, switch, sync), for profiling one.
pub fn run(n: usize, table: &mut Table) {
    let only = std::env::var("TMAIL_BENCH_ONLY").ok();
    let want = |section: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|w| w.trim() == section))
    };
    let home = tempfile::tempdir().expect("temp dir");
    let dir = home.path().join("store");
    store::copy_to(&dir, n);
    eprintln!("{n} messages:");

    let mut dir = dir;
    if want("open") {
        let mut firsts = Vec::new();
        let mut wholes = Vec::new();
        for _ in 0..3 {
            let (h, first, whole) = Harness::open(&dir);
            firsts.push(first);
            wholes.push(whole);
            dir = h.close();
            // sled lets go of the directory a moment after the handle is dropped
            std::thread::sleep(Duration::from_millis(300));
        }
        table.add("open the INBOX (warm, in process): first frame", n, firsts);
        table.add("open the INBOX (warm, in process): all listed", n, wholes);
    }

    let (mut h, _, _) = Harness::open(&dir);
    assert_eq!(h.app.list.rows.len(), n, "the whole INBOX is listed");

    if want("keys") {
        table.add("`j`", n, (0..30).map(|_| h.press("j")).collect());
        table.add(
            "`PgDn`",
            n,
            (0..20).map(|_| h.press("<PageDown>")).collect(),
        );
        let mut v = Vec::new();
        for _ in 0..10 {
            v.push(h.press("G"));
            h.prep("gg");
        }
        table.add("`G`", n, v);
    }

    h.prep("gg");
    if want("enter") {
        let mut v = Vec::new();
        for _ in 0..20 {
            h.prep("j");
            v.push(h.press("<Enter>"));
            h.prep("q");
        }
        table.add("Enter: open a cached message", n, v);
    }
    if want("read") {
        table.add(
            "`U`: toggle read",
            n,
            (0..20)
                .map(|i| {
                    if i % 2 == 0 {
                        h.prep("j");
                    }
                    h.press("U")
                })
                .collect(),
        );
    }
    if want("flag") {
        table.add(
            "`f`: toggle flag",
            n,
            (0..20)
                .map(|i| {
                    if i % 2 == 0 {
                        h.prep("j");
                    }
                    h.press("f")
                })
                .collect(),
        );
    }
    if want("delete") {
        table.add(
            "`d`: delete (to Trash)",
            n,
            (0..20).map(|_| h.press("d")).collect(),
        );
    }
    if want("move") {
        let mut v = Vec::new();
        for _ in 0..10 {
            h.prep(":move Archive");
            v.push(h.press("<Enter>"));
        }
        table.add("move one message (`:move Archive` Enter)", n, v);
    }
    if want("visual") {
        let (mut mv, mut un) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            h.prep("gg");
            h.prep("v999j:move Archive");
            let (_, t) = h.press_until_done("<Enter>");
            mv.push(t);
            let (_, t) = h.press_until_done("u");
            un.push(t);
        }
        table.add("move a visual selection of 1,000", n, mv);
        table.add("undo that move (`u`)", n, un);
    }

    if want("search-env") {
        // Search over envelopes: a folder whose bodies are not cached.
        h.prep(":folder Headers<Enter>");
        let (mut first, mut done) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            h.prep("/sender3");
            let (f, d) = h.press_until_done("<Enter>");
            first.push(f);
            done.push(d);
            h.prep("<Esc>");
        }
        table.add("`/sender3` over envelopes: first frame", n, first);
        table.add("`/sender3` over envelopes: all hits", n, done);
        h.prep(":folder INBOX<Enter>");
    }
    if want("search-body") {
        let (mut first, mut done) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            h.prep("/münchen");
            let (f, d) = h.press_until_done("<Enter>");
            first.push(f);
            done.push(d);
            h.prep("<Esc>");
        }
        table.add("`/münchen` over cached bodies: first frame", n, first);
        table.add("`/münchen` over cached bodies: all hits", n, done);
    }

    if want("switch") {
        let (mut first, mut done) = (Vec::new(), Vec::new());
        for i in 0..6 {
            let to = if i % 2 == 0 { "Headers" } else { "INBOX" };
            h.prep(&format!(":folder {to}"));
            let (f, d) = h.press_until_done("<Enter>");
            first.push(f);
            done.push(d);
        }
        table.add("switch folder: first frame", n, first);
        table.add("switch folder: all listed", n, done);
    }

    if want("sync") {
        // A sync writes a batch of new messages, then tells the app.
        let mut v = Vec::new();
        let mut refs = Vec::new();
        for round in 0..10u32 {
            let next = h
                .store()
                .uids(ACCOUNT, "INBOX")
                .expect("uids")
                .into_iter()
                .filter(|u| *u < tmail::store::LOCAL_UID_BASE)
                .max()
                .unwrap_or(0)
                + 1;
            let envs: Vec<_> = (0..200u32)
                .map(|k| {
                    let i = (n as u32 + round * 200 + k) as usize;
                    let raw = store::message(i, &mut refs);
                    envelope_from_raw(
                        &raw,
                        next + k,
                        Flags::default(),
                        1_767_225_600 + i as i64 * 3600,
                    )
                })
                .collect();
            h.store()
                .put_envelopes(ACCOUNT, "INBOX", &envs)
                .expect("envelopes");
            v.push(h.event(super::jobs::sync_event(&envs)));
            h.settle();
        }
        table.add("a sync's event: 200 new messages", n, v);
    }
}
