//! Test helpers: an App on a freshly seeded demo store, and typing keys in vim notation.

use super::{Action, App, AppSetup, Command};
use crate::config::UiSettings;
use crate::input::{parse_keys, Keymap};
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
        own_addresses: crate::backend::demo::own_addresses(),
        compose: crate::backend::demo::compose_settings(),
        reading: Default::default(),
        history_file: None,
        default_account: None,
        ui: UiSettings::default(),
        keymap,
        theme: theme::load("default", None, theme::ColorSupport::TrueColor).expect("theme"),
        theme_dir: None,
        colors: theme::ColorSupport::TrueColor,
        size: (w, h),
        first_paint,
    });
    TestApp {
        app,
        sent,
        _dir: dir,
    }
}

impl TestApp {
    /// Type keys in vim notation, e.g. `"5j"`, `"gg"`, `":folder Archive<Enter>"`.
    pub fn keys(&mut self, keys: &str) -> &mut Self {
        for k in parse_keys(keys).expect("key notation") {
            let cmds = self.app.update(Action::Key(k.to_event()));
            self.sent.extend(cmds);
        }
        self
    }

    /// Take the jobs sent so far without running them: a test runs them (`run_job`) and
    /// delivers their results (`deliver`) when it wants, to order them against keys.
    pub fn take_jobs(&mut self) -> Vec<super::jobs::Job> {
        let jobs = self
            .sent
            .iter()
            .filter_map(|c| match c {
                Command::Job(j) => Some(j.clone()),
                _ => None,
            })
            .collect();
        self.sent.retain(|c| !matches!(c, Command::Job(_)));
        jobs
    }

    /// Run a job on the store as it is now, as the job worker would; its results are not
    /// delivered yet.
    pub fn run_job(&self, job: &super::jobs::Job) -> Vec<super::jobs::JobResult> {
        let mut results = Vec::new();
        super::jobs::run(job, &self.app.store, &|| false, &mut |r| results.push(r));
        results
    }

    /// Deliver job results through `update`, as the event loop does.
    pub fn deliver(&mut self, results: Vec<super::jobs::JobResult>) -> &mut Self {
        for r in results {
            let cmds = self.app.update(super::Action::Worker(super::Event::Job(r)));
            self.sent.extend(cmds);
        }
        self
    }

    /// Run the jobs sent so far (as the job worker would, one after the other) and feed their
    /// results back through `update`, until none is left.
    pub fn run_jobs(&mut self) -> &mut Self {
        loop {
            let jobs = self.take_jobs();
            if jobs.is_empty() {
                return self;
            }
            for job in jobs {
                let results = self.run_job(&job);
                self.deliver(results);
            }
        }
    }

    pub fn selected_subject(&self) -> String {
        self.app
            .list
            .selected()
            .map(|e| e.subject.to_string())
            .unwrap_or_default()
    }
}
