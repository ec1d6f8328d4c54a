//! Shared helpers: run the gate on a directory, read and validate what it wrote (through
//! `signoff_testkit::gate`), and build small repositories from inline files.

use std::path::{Path, PathBuf};

use signoff_testkit::Cmd;
pub use signoff_testkit::gate::{Outcome, repo, write};

/// The gate binary with a clean environment.
pub fn gate() -> Cmd {
    Cmd::new(env!("CARGO_BIN_EXE_signoff-pipeline"))
}

/// A fixture directory under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Runs the gate on `dir` with `args`, writing into a fresh output directory.
pub fn check_with(dir: &Path, args: &[&str]) -> Outcome {
    signoff_testkit::gate::check_with(gate(), "pipeline", dir, args)
}

pub fn check(dir: &Path) -> Outcome {
    check_with(dir, &[])
}
