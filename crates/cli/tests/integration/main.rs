//! Integration tests of the `signoff` binary: they run the real binary in a clean
//! environment (no `GITHUB_*`, `RUNNER_*`, `CI`).

#![allow(clippy::unwrap_used)]

mod action_docs;
mod check;
mod install;
mod policy_errors;
mod report_action;
mod runner;
mod seed_fault;
mod trust;

use signoff_testkit::Cmd;

/// The `signoff` binary under test.
/// The `signoff` binary, with no advisory database (a test that wants one sets
/// `SIGNOFF_VULN_DB` again), so what `check` runs does not depend on this machine's cache.
pub fn signoff() -> Cmd {
    Cmd::new(env!("CARGO_BIN_EXE_signoff")).env(
        "SIGNOFF_VULN_DB",
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-osv-database"),
    )
}
