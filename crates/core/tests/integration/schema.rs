//! Every kind of gate report validates against `schemas/gate.v1.json`, round-trips
//! through the wire types, and broken reports are rejected by the schema.

use serde_json::json;
use signoff_core::report::{Check, Finding, GateReport, Op, Status, Subject, Tool};
use signoff_core::{ReportBuilder, redact};
use signoff_testkit::validate;

signoff_core::rules! {
    enum Rule {
        GithubPat = ("github-pat", Severity::Critical, "GitHub personal access token"),
        LinesBelow = ("lines-below-threshold", Severity::High, "Line coverage is below the threshold"),
    }
}

fn subject() -> Subject {
    Subject {
        repository: Some("acme/app".into()),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        git_ref: Some("refs/heads/main".into()),
        root: ".".into(),
    }
}

fn builder(gate: &str) -> ReportBuilder {
    ReportBuilder::new(gate, Tool::new("signoff-test", "0.1.0"), subject())
}

fn every_kind() -> Vec<GateReport> {
    let mut reports = Vec::new();

    let mut pass = builder("coverage");
    pass.metric("lines_total", 1000)
        .metric("lines_covered", 900)
        .metric_f64("lines_percent", 90.0)
        .check(Check::new("lines", Op::Ge, 80.0, 90.0).message("percent of executable lines"));
    reports.push(pass.finish("90.0% of lines covered"));

    let mut warn = builder("secret-scan");
    warn.metric("commits_scanned", 1)
        .check(Check::new("max-findings", Op::Le, 0.0, 0.0))
        .warn("shallow clone: only 1 commit was scanned; use fetch-depth: 0");
    reports.push(warn.finish("no secrets found (shallow clone)"));

    let mut fail = builder("secret-scan");
    let secret = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    fail.check(Check::new("max-findings", Op::Le, 0.0, 1.0))
        .finding(
            Finding::new(Rule::GithubPat)
                .at("src/config.rs", 12)
                .column(9)
                .commit("0123456789abcdef0123456789abcdef01234567")
                .identity(redact::digest(secret.as_bytes()))
                .detail("preview", redact::preview(secret))
                .detail("entropy", 4.7)
                .help("revoke the token and remove it from history")
                .build(),
        );
    let mut waived = Finding::new(Rule::LinesBelow)
        .in_file("generated/a.rs")
        .build();
    waived.waived = true;
    fail.finding(waived);
    reports.push(fail.finish("1 secret found in 1 commit"));

    let mut error = builder("sbom");
    error.error("cannot parse package-lock.json:3:7: expected `,`");
    reports.push(error.finish("could not read the lockfiles"));

    let mut skipped = builder("health-check");
    skipped.skip();
    reports.push(skipped.finish("no URLs configured"));

    let mut with_artifact = builder("sbom");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sbom.cdx.json"), b"{}").unwrap();
    with_artifact
        .artifact(
            dir.path(),
            "sbom.cdx.json",
            "application/vnd.cyclonedx+json",
        )
        .unwrap();
    with_artifact.detail("components", json!({"npm": 3}));
    reports.push(with_artifact.finish("3 components"));
    reports
}

#[test]
fn every_kind_of_report_matches_the_schema() {
    let reports = every_kind();
    let statuses: Vec<Status> = reports.iter().map(|r| r.status).collect();
    for status in [
        Status::Pass,
        Status::Warn,
        Status::Fail,
        Status::Error,
        Status::Skipped,
    ] {
        assert!(
            statuses.contains(&status),
            "no {status} report among the samples"
        );
    }
    for report in &reports {
        let value: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        if let Err(errors) = validate("gate.v1.json", &value) {
            panic!(
                "{} report is invalid:\n{}\n{value:#}",
                report.status,
                errors.join("\n")
            );
        }
        let back: GateReport = serde_json::from_value(value).unwrap();
        assert_eq!(&back, report);
    }
}

#[test]
fn no_secret_value_in_a_serialized_report() {
    for report in every_kind() {
        assert!(
            !report
                .to_json()
                .contains("16C7e42F292c6912E7710c838347Ae178B4a")
        );
    }
}

fn sample() -> serde_json::Value {
    serde_json::from_str(&every_kind()[2].to_json()).unwrap()
}

#[test]
fn schema_rejects_broken_reports() {
    type Breaker = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Breaker)> = vec![
        (
            "unknown schema",
            Box::new(|v| v["schema"] = json!("signoff/gate/v2")),
        ),
        ("bad status", Box::new(|v| v["status"] = json!("passed"))),
        (
            "gate not kebab-case",
            Box::new(|v| v["gate"] = json!("Secret_Scan")),
        ),
        (
            "missing summary",
            Box::new(|v| drop(v.as_object_mut().unwrap().remove("summary"))),
        ),
        (
            "negative duration",
            Box::new(|v| v["duration_ms"] = json!(-1)),
        ),
        (
            "bad timestamp",
            Box::new(|v| v["started_at"] = json!("yesterday")),
        ),
        (
            "string metric",
            Box::new(|v| v["metrics"]["x"] = json!("12")),
        ),
        ("unknown top-level key", Box::new(|v| v["extra"] = json!(1))),
        ("bad op", Box::new(|v| v["checks"][0]["op"] = json!("=>"))),
        (
            "bad severity",
            Box::new(|v| v["findings"][0]["severity"] = json!("urgent")),
        ),
        (
            "line zero",
            Box::new(|v| v["findings"][0]["location"]["line"] = json!(0)),
        ),
        (
            "finding without fingerprint",
            Box::new(|v| {
                drop(
                    v["findings"][0]
                        .as_object_mut()
                        .unwrap()
                        .remove("fingerprint"),
                )
            }),
        ),
        (
            "bad artifact hash",
            Box::new(|v| {
                v["artifacts"] =
                    json!([{"path": "a", "sha256": "xyz", "media_type": "application/json"}])
            }),
        ),
        (
            "error without errors",
            Box::new(|v| v["status"] = json!("error")),
        ),
        (
            "pass with failing check",
            Box::new(|v| v["status"] = json!("pass")),
        ),
        (
            "warnings not strings",
            Box::new(|v| v["details"]["warnings"] = json!([1])),
        ),
    ];
    assert!(validate("gate.v1.json", &sample()).is_ok());
    for (name, breaker) in cases {
        let mut value = sample();
        breaker(&mut value);
        assert!(
            validate("gate.v1.json", &value).is_err(),
            "schema accepted: {name}"
        );
    }
}
