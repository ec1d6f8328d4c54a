//! Shared helpers: run the gate on a directory, and build small repositories.

use std::path::Path;

use signoff_testkit::Cmd;
pub use signoff_testkit::gate::{Outcome, repo, write};

/// The gate binary with a clean environment.
pub fn gate() -> Cmd {
    Cmd::new(env!("CARGO_BIN_EXE_signoff-infra"))
}

/// Runs the gate on `dir` with `args`.
pub fn check_with(dir: &Path, args: &[&str]) -> Outcome {
    signoff_testkit::gate::check_with(gate(), "infra", dir, args)
}

pub fn check(dir: &Path) -> Outcome {
    check_with(dir, &[])
}
