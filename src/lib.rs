//! tmail: a terminal mail client. See docs/ARCHITECTURE.md for how the parts fit.

pub mod app;
pub mod backend;
pub mod cli;
pub mod config;
pub mod export;
pub mod external;
pub mod files;
pub mod headless;
pub mod input;
pub mod logging;
pub mod mail;
pub mod run;
pub mod store;
pub mod terminal;
pub mod ui;
