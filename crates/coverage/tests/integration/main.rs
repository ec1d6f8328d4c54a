//! Runs the real `signoff-coverage` binary on reports made by the real tools.
#![allow(clippy::unwrap_used)]

mod errors;
mod formats;
mod gate;
mod tools;

use std::path::{Path, PathBuf};

use signoff_testkit::{Cmd, Run};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn coverage() -> Cmd {
    Cmd::new(env!("CARGO_BIN_EXE_signoff-coverage"))
}

/// Runs the gate in `dir` with `args`, validates the written report and returns both.
pub fn run_in(dir: &Path, args: &[&str]) -> (Run, serde_json::Value) {
    let out = dir.join("signoff-out");
    let run = coverage()
        .current_dir(dir)
        .args(args.iter().copied())
        .arg("--out")
        .arg(out.as_os_str())
        .run();
    let report = signoff_testkit::assert_valid_gate_report(&out.join("coverage.gate.json"));
    (run, report)
}

/// The paths of the report's per-file table, most missed lines first.
pub fn table_paths(report: &serde_json::Value) -> Vec<&str> {
    report["details"]["files"]["worst_first"]
        .as_array()
        .map(|rows| rows.iter().filter_map(|r| r["path"].as_str()).collect())
        .unwrap_or_default()
}

pub fn metric(report: &serde_json::Value, name: &str) -> Option<u64> {
    report["metrics"][name].as_u64()
}
