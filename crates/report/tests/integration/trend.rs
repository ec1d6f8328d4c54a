//! `--baseline FILE`: the sign-off compared with an earlier one (its signoff.json).

use crate::*;

/// A secret scan that found the given secrets.
fn secrets(found: &[(TestRule, &str, &str)]) -> signoff_core::GateReport {
    gate("secret-scan", "secrets found", 100, |b| {
        b.check(Check::new("max-findings", Op::Le, 0.0, found.len() as f64));
        for (rule, path, value) in found {
            b.finding(secret(*rule, path, 3, value));
        }
    })
}

#[test]
fn the_report_says_what_changed_since_the_baseline() {
    let before = Scenario::new()
        .policy("required: [secret-scan]\n")
        .gate(
            "secret-scan.gate.json",
            &secrets(&[
                (
                    TestRule::GithubPat,
                    "src/a.rs",
                    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
                ),
                (TestRule::AwsKey, "deploy/a.tfvars", "AKIAZ3MSJV4WWNKWW5FR"),
            ]),
        )
        .gate("coverage.gate.json", &coverage_pass());
    before.run_expecting("REJECTED");
    let baseline = before.dir.path().join("base-signoff.json");
    std::fs::copy(before.out().join("signoff.json"), &baseline).unwrap();

    let after = Scenario::new()
        .policy("required: [secret-scan]\n")
        .gate(
            "secret-scan.gate.json",
            &secrets(&[(TestRule::AwsKey, "deploy/a.tfvars", "AKIAZ3MSJV4WWNKWW5FR")]),
        )
        .gate("sbom.gate.json", &sbom_pass());
    let run = after.command().arg("--baseline").arg(&baseline).run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let md = after.report_md();
    let section = md
        .split("## Since the last assessment")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_else(|| panic!("no trend section:\n{md}"));
    // The PAT was fixed, coverage is no longer assessed, dependencies newly are.
    assert!(
        section.contains("**Resolved since then:** `github-pat` of `secret-scan` (1)"),
        "{section}"
    );
    assert!(
        section.contains("| Build and test quality | 100 | not assessed | no longer assessed |"),
        "{section}"
    );
    assert!(
        section.contains("| Dependencies | not assessed | 100 | newly assessed |"),
        "{section}"
    );
    insta::assert_snapshot!(section);
}

#[test]
fn a_baseline_that_is_not_a_signoff_json_is_a_usage_error() {
    let s = Scenario::new().gate("sbom.gate.json", &sbom_pass());
    for (bytes, says) in [
        (
            &b"{\"schema\": \"signoff/gate/v1\"}"[..],
            "not a signoff.json",
        ),
        (&b"{\"schema\": "[..], "not valid JSON"),
    ] {
        let file = s.dir.path().join("baseline.json");
        std::fs::write(&file, bytes).unwrap();
        let run = s.command().arg("--baseline").arg(&file).run();
        assert_eq!(run.code, 2, "{}", run.all_output());
        assert!(run.stderr.contains(says), "{}", run.stderr);
        assert!(!s.out().join("report.md").exists(), "a report was written");
    }
    let run = s
        .command()
        .arg("--baseline")
        .arg("/does/not/exist.json")
        .run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("/does/not/exist.json"),
        "{}",
        run.stderr
    );
}
