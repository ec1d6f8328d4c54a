//! The command line and what it writes: status and exit codes, `skipped` with a reason,
//! `--fail-on`, the policy's waivers and disabled rules, baselines, SARIF.

use crate::common::{check, check_with, gate, repo};

const WORKFLOW: &str = "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@main\n";

#[test]
fn nothing_to_judge_is_skipped_with_the_reason() {
    let dir = repo(&[("README.md", "# no CI here\n")]);
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "skipped");
    assert!(
        outcome.report["summary"]
            .as_str()
            .unwrap()
            .contains("no CI configuration found"),
        "{}",
        outcome.report
    );
}

#[test]
fn a_path_that_is_not_a_directory_is_an_error() {
    let dir = repo(&[("file.txt", "x")]);
    let out = tempfile::tempdir().unwrap();
    let run = gate()
        .arg(dir.path().join("file.txt"))
        .arg("--out")
        .arg(out.path())
        .run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    let report = signoff_testkit::assert_valid_gate_report(&out.path().join("pipeline.gate.json"));
    assert_eq!(report["status"], "error");
    assert!(
        report["details"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("is not a directory")
    );
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = repo(&[(".github/workflows/ci.yml", WORKFLOW)]);
    let strict = check(dir.path());
    assert_eq!(strict.status(), "fail", "a branch ref is high");
    let lenient = check_with(dir.path(), &["--fail-on", "critical"]);
    assert_eq!(lenient.status(), "warn");
    assert_eq!(
        lenient.report["checks"][0]["name"],
        "open-findings-critical-or-worse"
    );
}

#[test]
fn waivers_and_disabled_rules_from_the_policy() {
    let policy = "gates:\n  pipeline:\n    disabled_rules: [missing-timeout, no-such-rule]\nwaivers:\n  - {gate: pipeline, rule: unpinned-uses, reason: \"pinned by the org policy\", expires: 2099-01-01}\n";
    let dir = repo(&[
        (".github/workflows/ci.yml", WORKFLOW),
        ("signoff.yml", policy),
    ]);
    let outcome = check(dir.path());
    assert!(outcome.of("missing-timeout").is_empty());
    let waived = outcome.finding("unpinned-uses", ".github/workflows/ci.yml:7");
    assert_eq!(waived["waived"], true);
    assert_eq!(
        waived["details"]["waiver"]["reason"],
        "pinned by the org policy"
    );
    assert_eq!(outcome.status(), "warn", "{}", outcome.report);
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(warnings.contains("`no-such-rule`"), "{warnings}");
}

#[test]
fn a_baseline_accepts_what_it_knows_and_only_that() {
    let dir = repo(&[(".github/workflows/ci.yml", WORKFLOW)]);
    let baseline = dir.path().join("known.json");
    let written = check_with(
        dir.path(),
        &["--write-baseline", "--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(written.status(), "pass");
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(text.contains("signoff/pipeline-baseline/v1"), "{text}");
    let known = check_with(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(known.status(), "pass", "{}", known.report);
    std::fs::write(
        dir.path().join(".github/workflows/new.yml"),
        WORKFLOW.replace("checkout@main", "cache@main"),
    )
    .unwrap();
    let new = check_with(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(new.status(), "fail");
    std::fs::write(&baseline, "{\"schema\": \"other\", \"findings\": []}").unwrap();
    let broken = check_with(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(broken.status(), "error");
}

#[test]
fn sarif_carries_every_finding_with_rule_help_and_region() {
    let dir = repo(&[(".github/workflows/ci.yml", WORKFLOW)]);
    let outcome = check(dir.path());
    let sarif = outcome.sarif.as_ref().unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "signoff-pipeline");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), outcome.findings().len());
    let pinned = results
        .iter()
        .find(|r| r["ruleId"] == "unpinned-uses")
        .unwrap();
    let region = &pinned["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(7), Some(15))
    );
    assert!(
        pinned["message"]["text"]
            .as_str()
            .unwrap()
            .contains("pin the full commit SHA")
    );
    let artifacts = outcome.report["artifacts"].as_array().unwrap();
    assert_eq!(artifacts[0]["path"], "pipeline.sarif");
}

#[test]
fn excluded_paths_are_not_read() {
    let policy = "gates:\n  pipeline:\n    exclude: [\"vendor/**\"]\n";
    let dir = repo(&[
        (".github/workflows/ci.yml", WORKFLOW),
        ("vendor/tool/action.yml", "name: x\n"),
        ("signoff.yml", policy),
    ]);
    let outcome = check(dir.path());
    assert!(
        outcome.of("invalid-workflow").is_empty(),
        "{:?}",
        outcome.found()
    );
    assert_eq!(outcome.report["metrics"]["actions"], 0);
}
