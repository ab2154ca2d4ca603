//! The user's files: saving message parts to disk (default directory, safe atomic writes that
//! never overwrite unasked, unique names for many parts), Tab completion of paths for the save
//! prompt, and the session's private scratch directory for parts handed to other programs.
//! Names come from [`crate::mail::filename`]; bytes from [`crate::mail::parts`].

pub mod complete;
pub mod save;
pub mod scratch;

pub use complete::{common_prefix, complete};
pub use save::{default_dir, default_dir_path, save, save_all, target_path, SaveError};
pub use scratch::Scratch;
