//! The `tmail` binary: parse the command line and run.

use clap::Parser;

fn main() {
    let code = tmail::cli::main_with(tmail::cli::Cli::parse());
    std::process::exit(code);
}
