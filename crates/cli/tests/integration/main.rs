//! Integration tests of the `signoff` binary: they run the real binary in a clean
//! environment (no `GITHUB_*`, `RUNNER_*`, `CI`).

#![allow(clippy::unwrap_used)]

mod action_docs;
mod check;
mod install;
mod policy_errors;
mod runner;
mod trust;

use signoff_testkit::Cmd;

/// The `signoff` binary under test.
pub fn signoff() -> Cmd {
    Cmd::new(env!("CARGO_BIN_EXE_signoff"))
}
