//! The command line and what the gate writes: skipped when there is nothing to judge,
//! usage errors, policy (`fail_on`, `disabled_rules`, `exclude`), waivers, baselines,
//! SARIF, and the human output.

use crate::common::{check, check_with, gate, repo};

const BAD: &[(&str, &str)] = &[
    (".gitignore", ".env*\n"),
    (
        "Dockerfile",
        "FROM node\nUSER node\nHEALTHCHECK CMD [\"true\"]\nCMD [\"node\", \"app.js\"]\n",
    ),
];

#[test]
fn a_repository_without_infrastructure_files_is_skipped_with_the_reason() {
    let dir = repo(&[("src/main.rs", "fn main() {}\n"), ("config.yaml", "a: 1\n")]);
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "skipped");
    let summary = outcome.report["summary"].as_str().unwrap();
    assert!(summary.contains("no Dockerfile"), "{summary}");
}

#[test]
fn usage_errors_exit_2_and_say_how_to_fix_them() {
    let run = gate().arg("--fail-on").arg("severe").run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(run.stderr.contains("severe"), "{}", run.stderr);
    let dir = repo(&[]);
    let missing = dir.path().join("nope");
    let out = tempfile::tempdir().unwrap();
    let run = gate().arg(&missing).arg("--out").arg(out.path()).run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.all_output().contains("is not a directory"),
        "{}",
        run.all_output()
    );
    assert!(run.all_output().contains("help:"), "{}", run.all_output());
}

#[test]
fn findings_fail_and_sarif_carries_them() {
    let dir = repo(BAD);
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "fail");
    assert_eq!(outcome.found(), ["docker-unpinned-base Dockerfile:1"]);
    let sarif = outcome.sarif.as_ref().unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "docker-unpinned-base");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startColumn"],
        6
    );
    assert_eq!(sarif["version"], "2.1.0");
    assert!(result["message"]["text"].as_str().unwrap().contains("node"));
}

#[test]
fn fail_on_and_disabled_rules_come_from_the_policy_or_the_flag() {
    let dir = repo(BAD);
    assert_eq!(
        check_with(dir.path(), &["--fail-on", "critical"]).status(),
        "warn"
    );
    std::fs::write(
        dir.path().join("signoff.yml"),
        "gates:\n  infra:\n    disabled_rules: [docker-unpinned-base, no-such-rule]\n",
    )
    .unwrap();
    let outcome = check(dir.path());
    assert_eq!(outcome.found(), Vec::<String>::new());
    assert_eq!(outcome.status(), "warn");
    assert!(outcome.run.all_output().contains("no-such-rule"));
    std::fs::write(
        dir.path().join("signoff.yml"),
        "gates:\n  infra:\n    exclude: [Dockerfile]\n",
    )
    .unwrap();
    assert_eq!(check(dir.path()).status(), "skipped");
}

#[test]
fn a_bad_policy_key_is_an_error_naming_the_place() {
    let dir = repo(BAD);
    std::fs::write(
        dir.path().join("signoff.yml"),
        "gates:\n  infra:\n    fail_om: high\n",
    )
    .unwrap();
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "error");
    let output = outcome.run.all_output();
    assert!(output.contains("signoff.yml:3"), "{output}");
    assert!(output.contains("fail_on"), "{output}");
}

#[test]
fn waivers_and_baselines_accept_findings() {
    let dir = repo(BAD);
    let fingerprint = check(dir.path()).findings()[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(
        dir.path().join("signoff.yml"),
        format!("waivers:\n  - {{gate: infra, fingerprint: \"{fingerprint}\", reason: pinned next sprint, expires: 2999-12-31}}\n"),
    )
    .unwrap();
    let waived = check(dir.path());
    assert_eq!(waived.status(), "pass");
    assert_eq!(waived.report["metrics"]["waived"], 1);
    std::fs::remove_file(dir.path().join("signoff.yml")).unwrap();

    let baseline = dir.path().join("base.json");
    let written = check_with(
        dir.path(),
        &["--write-baseline", "--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(written.status(), "pass");
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(text.contains("signoff/infra-baseline/v1"), "{text}");
    let known = check_with(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(known.status(), "pass");
    assert_eq!(known.report["metrics"]["baseline_known"], 1);
    // A broken baseline is an error, not a pass.
    std::fs::write(&baseline, "{").unwrap();
    let broken = check_with(dir.path(), &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(broken.status(), "error");
}

#[test]
fn the_human_output_says_what_and_how_to_fix() {
    let dir = repo(BAD);
    let outcome = check(dir.path());
    let text = outcome
        .run
        .stdout
        .replace(dir.path().to_str().unwrap(), "[DIR]");
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with("report:"))
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!(text);
    let finding = &outcome.findings()[0];
    insta::assert_json_snapshot!(finding, {".fingerprint" => "[fingerprint]"});
}
