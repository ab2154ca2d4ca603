//! Shared fixtures for the integration tests.
#![allow(dead_code)]

pub mod corpus;
pub mod dovecot;
pub mod harness;
pub mod postfix;
pub mod proxy;
pub mod sshd;
pub mod tmux;
