//! Running a gate binary on a directory in tests: the report it wrote (validated against
//! the schema, with the exit code checked against its status), its SARIF log, and the
//! findings as `rule path:line` lines; plus small repositories built from inline files.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::{Cmd, Run};

/// What one run produced.
pub struct Outcome {
    pub run: Run,
    pub report: serde_json::Value,
    pub sarif: Option<serde_json::Value>,
}

impl Outcome {
    /// `rule path:line` (or `rule path` without a line) of every finding, sorted.
    pub fn found(&self) -> Vec<String> {
        let mut found: Vec<String> = self
            .findings()
            .iter()
            .map(|f| {
                let rule = f["rule"].as_str().unwrap();
                let path = f["location"]["path"].as_str().unwrap_or("");
                match f["location"]["line"].as_u64() {
                    Some(line) => format!("{rule} {path}:{line}"),
                    None => format!("{rule} {path}"),
                }
            })
            .collect();
        found.sort();
        found
    }

    /// The findings of one rule, as `path:line`.
    pub fn of(&self, rule: &str) -> Vec<String> {
        self.found()
            .into_iter()
            .filter_map(|f| f.strip_prefix(&format!("{rule} ")).map(str::to_owned))
            .collect()
    }

    pub fn findings(&self) -> &Vec<serde_json::Value> {
        self.report["findings"].as_array().unwrap()
    }

    /// The first finding of `rule` at `path:line`.
    pub fn finding(&self, rule: &str, at: &str) -> &serde_json::Value {
        self.findings()
            .iter()
            .find(|f| {
                f["rule"] == rule
                    && format!(
                        "{}:{}",
                        f["location"]["path"].as_str().unwrap_or(""),
                        f["location"]["line"]
                    ) == at
            })
            .unwrap_or_else(|| panic!("no {rule} at {at}; found:\n{}", self.found().join("\n")))
    }

    pub fn status(&self) -> &str {
        self.report["status"].as_str().unwrap()
    }
}

/// Runs `cmd` (a gate binary) on `dir` with `args`, writing into a fresh output directory;
/// reads `<gate>.gate.json` (validated) and `<gate>.sarif`, and checks the exit code.
pub fn check_with(cmd: Cmd, gate: &str, dir: &Path, args: &[&str]) -> Outcome {
    let out = tempfile::tempdir().unwrap();
    let run = cmd.arg(dir).arg("--out").arg(out.path()).args(args).run();
    let report_path = out.path().join(format!("{gate}.gate.json"));
    assert!(
        report_path.is_file(),
        "no report written\n{}",
        run.all_output()
    );
    let report = crate::assert_valid_gate_report(&report_path);
    let expected_code = match report["status"].as_str().unwrap() {
        "fail" => 1,
        "error" => 2,
        _ => 0,
    };
    assert_eq!(
        run.code,
        expected_code,
        "exit code for status {}\n{}",
        report["status"],
        run.all_output()
    );
    let sarif = std::fs::read_to_string(out.path().join(format!("{gate}.sarif")))
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    Outcome { run, report, sarif }
}

/// A repository in a temporary directory with these files.
pub fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path, text.as_bytes());
    }
    dir
}

/// Writes `bytes` to `path` under `root`, creating directories.
pub fn write(root: &Path, path: &str, bytes: &[u8]) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}
