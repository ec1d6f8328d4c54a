//! Integration tests of `signoff-report`: the real binary on gate reports written into a
//! temporary directory, with snapshots of what users read.

#![allow(clippy::unwrap_used, clippy::new_without_default)]

mod comment;
mod files;
mod html_screenshot;
mod review;
mod scenarios;
mod trend;
mod waivers;

use std::path::{Path, PathBuf};

use signoff_core::report::{Check, Finding, GateReport, Op, Subject, Tool};
use signoff_core::{ReportBuilder, redact};
use signoff_testkit::{Cmd, Run};

signoff_core::rules! {
    pub enum TestRule {
        GithubPat = ("github-pat", Severity::Critical, "GitHub personal access token"),
        AwsKey = ("aws-access-key", Severity::High, "AWS access key"),
        Unpinned = ("unpinned-requirement", Severity::Medium, "A requirement is not pinned"),
        Lines = ("lines-below-threshold", Severity::High, "Line coverage is below the threshold"),
        Slow = ("latency-slo", Severity::Low, "Latency above the objective"),
    }
}

/// A temporary sign-off: gate reports go into `input`, the report into `out`.
pub struct Scenario {
    pub dir: tempfile::TempDir,
    pub policy: Option<String>,
}

impl Scenario {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("input")).unwrap();
        Self { dir, policy: None }
    }

    pub fn input(&self) -> PathBuf {
        self.dir.path().join("input")
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    pub fn policy(mut self, text: &str) -> Self {
        std::fs::write(self.dir.path().join("signoff.yml"), text).unwrap();
        self.policy = Some(text.to_owned());
        self
    }

    /// Writes a gate report as `input/<relative>`.
    pub fn gate(self, relative: &str, report: &GateReport) -> Self {
        let path = self.input().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, report.to_json()).unwrap();
        self
    }

    pub fn raw(self, relative: &str, bytes: &[u8]) -> Self {
        let path = self.input().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    pub fn command(&self) -> Cmd {
        Cmd::new(env!("CARGO_BIN_EXE_signoff-report"))
            .current_dir(self.dir.path())
            .env("USER", "tester")
            .arg("input")
            .arg("--out")
            .arg("out")
    }

    /// Runs the report and checks what every run must leave: when it wrote a sign-off,
    /// `signoff.json` follows its schema and every gate-report copy follows the gate schema.
    pub fn run(&self) -> Run {
        let run = self.command().run();
        let json = self.out().join("signoff.json");
        if json.exists() {
            let value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
            if let Err(errors) = signoff_testkit::validate("signoff.v1.json", &value) {
                panic!("signoff.json breaks its schema: {errors:#?}");
            }
            for entry in std::fs::read_dir(self.out().join("gates"))
                .into_iter()
                .flatten()
            {
                let path = entry.unwrap().path();
                if path.to_string_lossy().ends_with(".gate.json") {
                    signoff_testkit::assert_valid_gate_report(&path);
                }
            }
        }
        run
    }

    /// Runs the report and checks its exit code and the verdict on its first line.
    pub fn run_expecting(&self, verdict: &str) -> Run {
        let run = self.run();
        let code = if verdict == "REJECTED" { 1 } else { 0 };
        assert_eq!(run.code, code, "{}", run.all_output());
        assert!(
            run.stdout.starts_with(&format!("signoff: {verdict} ")),
            "{}",
            run.stdout
        );
        run
    }

    pub fn report_md(&self) -> String {
        normalize(
            &std::fs::read_to_string(self.out().join("report.md")).unwrap(),
            self.dir.path(),
        )
    }

    pub fn signoff_json(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(self.out().join("signoff.json")).unwrap())
            .unwrap()
    }
}

/// Replaces what changes between runs: times and the temporary directory.
pub fn normalize(text: &str, dir: &Path) -> String {
    let mut out = text.replace(&dir.display().to_string(), "[dir]");
    // A condition with no waiver expiry is due the policy's default 14 days from today.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    if let Ok(due) = today.checked_add(jiff::Span::new().days(14)) {
        out = out.replace(&format!("(due {due})"), "(due [today + 14 days])");
    }
    // RFC 3339 timestamps of the run.
    let bytes: Vec<char> = out.chars().collect();
    let mut result = String::with_capacity(out.len());
    let mut i = 0;
    while i < bytes.len() {
        let candidate: String = bytes[i..bytes.len().min(i + 20)].iter().collect();
        if candidate.len() == 20 && is_timestamp(&candidate) {
            result.push_str("[time]");
            i += 20;
        } else {
            result.push(bytes[i]);
            i += 1;
        }
    }
    // A SARIF gate is made at report time, so its digest changes with the clock.
    result
        .lines()
        .map(
            |line| match line.strip_prefix("| `gates/zizmor.gate.json` | ") {
                Some(_) => {
                    "| `gates/zizmor.gate.json` | [sha256 of a report made now] |".to_owned()
                }
                None => line.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
        + if result.ends_with('\n') { "\n" } else { "" }
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
        && s.chars()
            .enumerate()
            .all(|(i, c)| matches!(i, 4 | 7 | 10 | 13 | 16 | 19) || c.is_ascii_digit())
}

pub const COMMIT: &str = "4f8e5210fddf0d8d6c1c1b7f0b6c3a2e9d8c7b6a";

pub fn subject() -> Subject {
    Subject {
        repository: Some("acme/shop".into()),
        commit: Some(COMMIT.into()),
        git_ref: Some("refs/pull/42/merge".into()),
        root: ".".into(),
    }
}

/// A gate report with a fixed start time and duration.
pub fn gate(
    id: &str,
    summary: &str,
    duration_ms: u64,
    build: impl FnOnce(&mut ReportBuilder),
) -> GateReport {
    let mut builder =
        ReportBuilder::new(id, Tool::new(format!("signoff-{id}"), "0.1.0"), subject());
    build(&mut builder);
    let mut report = builder.finish(summary);
    report.started_at = "2026-11-20T10:00:00.000Z".into();
    report.duration_ms = duration_ms;
    report
}

pub fn secret(rule: TestRule, path: &str, line: u64, value: &str) -> Finding {
    Finding::new(rule)
        .at(path, line)
        .commit(COMMIT)
        .identity(redact::digest(value.as_bytes()))
        .detail("preview", redact::preview(value))
        .help("Revoke the credential, then remove it from the code and the history.")
        .message(format!(
            "{} in {path}",
            signoff_core::finding::Rule::description(rule)
        ))
        .build()
}

pub fn coverage_pass() -> GateReport {
    gate("coverage", "85.2% of 10,412 lines covered", 812, |b| {
        b.metric("lines_total", 10_412)
            .metric("lines_covered", 8_871)
            .check(Check::new("lines", Op::Ge, 80.0, 85.2).message("percent of executable lines"))
            .check(Check::new("patch", Op::Ge, 90.0, 96.0));
    })
}

pub fn secret_scan_pass() -> GateReport {
    gate("secret-scan", "no secrets in 1,204 commits", 3_412, |b| {
        b.metric("commits_scanned", 1_204)
            .check(Check::new("max-findings", Op::Le, 0.0, 0.0));
    })
}

pub fn sbom_pass() -> GateReport {
    gate("sbom", "312 dependencies from 4 lockfiles", 95, |b| {
        b.metric("components", 330)
            .metric("dependencies", 312)
            .check(Check::new("sbom-valid", Op::Eq, 1.0, 1.0));
    })
}

pub fn health_pass() -> GateReport {
    gate(
        "health-check",
        "3 of 3 endpoints healthy; p95 84 ms",
        4_200,
        |b| {
            b.metric("checks_total", 3)
                .metric("checks_healthy", 3)
                .check(Check::new("healthy", Op::Eq, 3.0, 3.0));
        },
    )
}

pub const ALL_REQUIRED: &str = "required: [secret-scan, sbom, coverage, health-check]\n";
