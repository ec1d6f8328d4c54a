//! Integration tests: the real `signoff-health` binary against real local servers.
#![allow(clippy::unwrap_used)]

mod basic;
mod features;
mod hostile;
mod server;
mod tls;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use signoff_testkit::{Cmd, Run};

/// A finished gate run: what it printed, its validated report, and how long it took.
pub struct Gate {
    pub run: Run,
    pub report: Value,
    pub elapsed: Duration,
    pub dir: tempfile::TempDir,
}

impl Gate {
    /// `details.checks[index]`.
    pub fn check(&self, index: usize) -> &Value {
        &self.report["details"]["checks"][index]
    }

    pub fn status(&self) -> &str {
        self.report["status"].as_str().unwrap()
    }

    pub fn summary(&self) -> &str {
        self.report["summary"].as_str().unwrap()
    }

    /// `metrics.decided_ms`: how long until every check was decided.
    pub fn decided_ms(&self) -> u64 {
        self.report["metrics"]["decided_ms"].as_u64().unwrap()
    }

    /// Everything the run left: stdout, stderr and the report file.
    pub fn everything(&self) -> String {
        format!("{}{}", self.run.all_output(), self.report)
    }

    /// Fails if `secret` is in stdout, stderr or any file of the out dir.
    pub fn assert_nowhere(&self, secret: &str) {
        let output = self.run.all_output();
        assert!(!output.contains(secret), "leaked in the output: {output}");
        let mut dirs = vec![self.dir.path().join("out")];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(secret),
                    "leaked in {}: {text}",
                    path.display()
                );
                files += 1;
            }
        }
        assert!(files > 0, "the out dir is empty");
    }
}

pub fn health() -> Cmd {
    Cmd::new(env!("CARGO_BIN_EXE_signoff-health"))
}

/// Runs the gate in a fresh directory (so no signoff.yml is picked up) and validates its
/// report.
pub fn gate(args: &[&str]) -> Gate {
    gate_in(tempfile::tempdir().unwrap(), args, &[])
}

/// Runs the gate in `dir` with extra environment variables.
pub fn gate_in(dir: tempfile::TempDir, args: &[&str], env: &[(&str, &str)]) -> Gate {
    let out = dir.path().join("out");
    let mut cmd = health()
        .current_dir(dir.path())
        .arg("--out")
        .arg(&out)
        .args(args);
    for (key, value) in env {
        cmd = cmd.env(key, value);
    }
    let started = Instant::now();
    let run = cmd.run();
    let elapsed = started.elapsed();
    let path = out.join("health-check.gate.json");
    assert!(path.exists(), "no report written: {}", run.all_output());
    let report = signoff_testkit::assert_valid_gate_report(&path);
    Gate {
        run,
        report,
        elapsed,
        dir,
    }
}

/// Writes a file under `dir` and returns its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}
