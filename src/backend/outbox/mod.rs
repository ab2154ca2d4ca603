//! The outbox: the messages the user sent, until the account's SMTP server took them. One
//! task per account (`Service::Smtp`, [`spawn`]; the demo's [`spawn_demo`] "sends" locally)
//! drives an [`Outbox`] engine over the store's `outbox` tree, so a send never waits behind an
//! IMAP sync.
//!
//! A record goes `Waiting` (until `not_before`: the send delay, or a retry) → `Sending` (claimed
//! with a compare-and-swap, so undo-send and the worker never both win) → gone (sent: its copy
//! is in Sent through the journal), or back to `Waiting` with a backoff (a temporary failure),
//! or `Failed` (a permanent one, kept until the user acts), or `InDoubt` (tmail stopped while
//! sending it: never sent again without the user: `:resend` is [`Store::outbox_resend`](crate::store::Store::outbox_resend)).
//! The message is built once and its exact bytes kept in the record, so a retry sends the same
//! Message-ID and Sent gets those bytes.
//! See `docs/ARCHITECTURE.md` ("The outbox") for the whole picture.

mod engine;
mod sent;
mod worker;

pub use engine::{Outbox, Outcome, Transport};
pub use worker::{spawn, spawn_demo};

/// The first wait after a temporary failure (seconds); it doubles with each failed attempt.
pub const FIRST_RETRY_SECS: u64 = 30;
/// The longest wait between two attempts (seconds).
pub const MAX_RETRY_SECS: u64 = 30 * 60;

/// Seconds to wait before the next attempt of a message that failed `attempts` times before
/// this failure: 30 s, 60 s, 120 s, … up to 30 min.
pub fn backoff(attempts: u32) -> u64 {
    FIRST_RETRY_SECS
        .saturating_mul(1u64 << attempts.min(16))
        .min(MAX_RETRY_SECS)
}

/// Unix seconds now.
pub(crate) fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests;
