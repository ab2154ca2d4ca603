//! The `tmail` binary: parse the command line and run.

use clap::Parser;

/// Keep the allocator from hoarding memory: few arenas (tmail has a UI thread and a couple of
/// workers), and large buffers (a folder's list, a fetched batch) mapped and returned to the
/// system when freed instead of fragmenting the heap.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

fn main() {
    tune_allocator();
    let code = tmail::cli::main_with(tmail::cli::Cli::parse());
    std::process::exit(code);
}
