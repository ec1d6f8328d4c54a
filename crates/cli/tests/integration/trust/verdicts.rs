//! Items 6, 7, 8, 10 and 13: what decides the verdict, and words, icons and ticks that
//! follow what happened.

use std::path::Path;

use super::{check, project, report_md, token, verdict};

/// Item 6: gate reports of different commits are detected: a condition by default, a
/// rejection when the policy says so.
#[test]
fn issue_13_item_6_reports_of_different_commits_are_not_mixed_silently() {
    for (policy, expected) in [
        ("", "APPROVED WITH CONDITIONS"),
        ("verdict: {mixed_commits: reject}\n", "REJECTED"),
    ] {
        let (run, first, second) = super::readme_table::mixed_commits(policy);
        assert_eq!(verdict(&run), expected, "{}", run.all_output());
        assert!(
            run.stdout
                .contains("The gate reports are about 2 different commits: "),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains(&format!("`{}` (`coverage`)", &first[..12])),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains(&format!("`{}` (`sbom`, `secret-scan`)", &second[..12])),
            "{}",
            run.stdout
        );
    }
}

/// The readiness checklist of a report: (ticked, text) per box; lines without a box are
/// left out.
fn checklist(report: &str) -> Vec<(bool, String)> {
    report
        .split("## Readiness checklist")
        .nth(1)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with('#') && !l.starts_with("<a "))
        .filter_map(|l| {
            l.strip_prefix("- [x] ")
                .map(|t| (true, t.to_owned()))
                .or_else(|| l.strip_prefix("- [ ] ").map(|t| (false, t.to_owned())))
        })
        .collect()
}

/// The executive summary's line for a gate.
fn summary_line<'a>(report: &'a str, title: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.starts_with("- ") && l.contains(&format!("**{title}**")))
        .unwrap_or_else(|| panic!("no summary line for {title}:\n{report}"))
}

/// Item 7: skipped is never "passed", warn is not pass, an approval has every box
/// ticked, and no ✅ stands next to open findings.
#[test]
fn issue_13_item_7_words_icons_and_ticks_follow_what_happened() {
    // Two gates skipped (coverage report removed, no health URLs), two passed.
    let mut repo = project();
    std::fs::remove_dir_all(repo.path().join("coverage")).unwrap();
    repo.commit("no coverage");
    let run = check(repo.path()).run();
    assert_eq!(verdict(&run), "APPROVED", "{}", run.all_output());
    let report = report_md(repo.path());
    assert!(!report.contains("All 7 gates passed"), "{report}");
    assert!(
        report
            .contains("Of 7 gates, 2 passed and 5 had nothing to check; the release is approved."),
        "{report}"
    );
    assert!(
        summary_line(&report, "Coverage")
            .starts_with("- ⏭️ **Coverage** (optional) had nothing to check")
    );
    assert!(
        checklist(&report).iter().all(|(ticked, _)| *ticked),
        "{report}"
    );
    assert!(
        !checklist(&report)
            .iter()
            .any(|(_, text)| text.contains("Coverage")),
        "{report}"
    );

    // A warning gate is not counted as passed.
    let repo = project();
    let run = check(repo.path()).run();
    assert_eq!(
        verdict(&run),
        "APPROVED WITH CONDITIONS",
        "{}",
        run.all_output()
    );
    let report = report_md(repo.path());
    assert!(
        report
            .contains("Of 7 gates, 2 passed, 1 passed with conditions and 4 had nothing to check"),
        "{}\n{report}",
        run.stdout
    );
    assert!(
        summary_line(&report, "Coverage")
            .starts_with("- ⚠️ **Coverage** (optional) passed with conditions")
    );
    assert!(
        checklist(&report).contains(&(false, "Coverage (optional) passed with conditions".into())),
        "{report}"
    );

    // Open secrets the policy allows: never ✅, never APPROVED next to an unticked box.
    let repo = super::project_with_an_allowed_secret();
    let run = check(repo.path()).run();
    let report = report_md(repo.path());
    let secrets = summary_line(&report, "Secret scan");
    assert!(secrets.starts_with("- ⚠️ **Secret scan**"), "{secrets}");
    assert!(
        secrets.contains("passed with 1 open finding allowed by the policy"),
        "{secrets}"
    );
    assert_eq!(
        verdict(&run),
        "APPROVED WITH CONDITIONS",
        "{}",
        run.all_output()
    );
    assert!(
        checklist(&report).contains(&(false, "No open critical or high findings (1 open)".into())),
        "{report}"
    );
}

/// Item 7, as an invariant over many runs: APPROVED only ever stands over a checklist with
/// every box ticked, and ✅ only next to a gate with no open finding.
#[test]
fn issue_13_item_7_approved_never_stands_next_to_an_unticked_box() {
    let policies = [
        "gates:\n  coverage: {lines: 50}\n",
        "gates:\n  coverage: {lines: 99}\n",
        "gates:\n  coverage: {lines: 99, advisory: true}\n",
        "required: [secret-scan, sbom, coverage, health-check]\n",
        "gates:\n  secret-scan: {max_findings: 3}\n  coverage: {lines: 10}\n",
    ];
    for (n, policy) in policies.iter().enumerate() {
        for with_token in [false, true] {
            let mut repo = project();
            repo.write("signoff.yml", policy);
            if with_token {
                repo.write("deploy.env", format!("GH_TOKEN={}\n", token()));
            }
            repo.commit("case");
            let run = check(repo.path()).run();
            let report = report_md(repo.path());
            let boxes = checklist(&report);
            if verdict(&run) == "APPROVED" {
                assert!(
                    boxes.iter().all(|(t, _)| *t),
                    "case {n}/{with_token}:\n{report}"
                );
            }
            for line in report.lines().filter(|l| l.starts_with("- ✅")) {
                assert!(
                    line.ends_with("passed") || line.contains(" passed: "),
                    "{line}"
                );
                assert!(!line.contains("open finding"), "{line}");
            }
        }
    }
}

/// Item 8: coverage without a threshold says so and is a condition; `statements` is a
/// threshold like the others.
#[test]
fn issue_13_item_8_coverage_without_a_threshold_is_a_condition() {
    let repo = project();
    let run = check(repo.path()).run();
    assert_eq!(
        verdict(&run),
        "APPROVED WITH CONDITIONS",
        "{}",
        run.all_output()
    );
    assert!(
        run.stdout
            .contains("condition: `coverage`: no coverage threshold is set"),
        "{}",
        run.stdout
    );
    // Istanbul's coverage-final.json counts statements.
    let dir = tempfile::tempdir().unwrap();
    let final_json = dir.path().join("coverage-final.json");
    std::fs::write(
        &final_json,
        super::fixture("crates/coverage/tests/fixtures/js/coverage-final.json"),
    )
    .unwrap();
    for (threshold, status, code) in [("10", "pass", 0), ("99", "fail", 1)] {
        let run = crate::signoff()
            .current_dir(dir.path())
            .args([
                "coverage",
                "--report",
                "coverage-final.json",
                "--statements",
                threshold,
            ])
            .run();
        assert_eq!(run.code, code, "{}", run.all_output());
        let gate = signoff_testkit::assert_valid_gate_report(
            &dir.path().join("signoff-out/coverage.gate.json"),
        );
        assert_eq!(gate["status"], status, "{gate}");
        assert!(
            gate["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["name"] == "statements"),
            "{gate}"
        );
    }
    let mut repo = project();
    repo.write("signoff.yml", "gates:\n  coverage: {statements: 101}\n");
    repo.commit("bad");
    let run = check(repo.path()).run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("percentage from 0 to 100"),
        "{}",
        run.stderr
    );
}

/// A coverage gate run on `lcov` (text) in `out`, from `dir`.
fn coverage_shard(dir: &Path, name: &str, lcov: &str) {
    std::fs::write(dir.join(format!("{name}.info")), lcov).unwrap();
    let run = crate::signoff()
        .current_dir(dir)
        .args(["coverage", "--lines", "80", "--report"])
        .arg(format!("{name}.info"))
        .args(["--out", &format!("artifacts/signoff-gate-coverage-{name}")])
        .run();
    assert_eq!(run.code, 1, "each half alone fails: {}", run.all_output());
}

/// Item 10: coverage shards from matrix jobs merge into one judgement: each half fails
/// `lines >= 80` alone, merged line by line they pass.
#[test]
fn issue_13_item_10_matrix_shards_are_judged_as_one() {
    let mut repo = signoff_testkit::GitRepo::new();
    repo.write("a.js", "a\nb\nc\nd\n");
    repo.write("signoff.yml", "required: [coverage]\n");
    repo.commit("code");
    let dir = repo.path();
    coverage_shard(
        dir,
        "one",
        "TN:\nSF:a.js\nDA:1,1\nDA:2,1\nDA:3,0\nDA:4,0\nend_of_record\n",
    );
    coverage_shard(
        dir,
        "two",
        "TN:\nSF:a.js\nDA:1,0\nDA:2,0\nDA:3,1\nDA:4,1\nend_of_record\n",
    );
    let report_run = || {
        crate::signoff()
            .current_dir(dir)
            .args(["report", "artifacts", "--out", "signoff-report"])
            .run()
    };
    let run = report_run();
    assert_eq!(verdict(&run), "APPROVED", "{}", run.all_output());
    assert!(
        run.stdout
            .contains("lines 100% (4/4), merged from 2 shards"),
        "{}",
        run.stdout
    );
    let report = std::fs::read_to_string(dir.join("signoff-report/report.md")).unwrap();
    assert!(
        report.contains("| `all shards, merged line by line` | ✅ pass |"),
        "{report}"
    );
    assert!(
        report.contains("| `signoff-gate-coverage-one` | ❌ fail |"),
        "{report}"
    );
    let verify = crate::signoff()
        .args(["report", "verify"])
        .arg(dir.join("signoff-report"))
        .run();
    assert_eq!(verify.code, 0, "{}", verify.all_output());

    // A shard whose line data was tampered with is not merged: judged one by one.
    let data = dir.join("artifacts/signoff-gate-coverage-two/coverage.info");
    std::fs::write(
        &data,
        "TN:\nSF:a.js\nDA:1,1\nDA:2,1\nDA:3,1\nDA:4,1\nend_of_record\n",
    )
    .unwrap();
    let run = report_run();
    assert_eq!(verdict(&run), "REJECTED", "{}", run.all_output());
    assert!(
        run.stdout
            .contains("does not match the digest in its gate report"),
        "{}",
        run.stdout
    );
}

/// Item 13: an advisory gate is reported and scored but never rejects; a degraded health
/// check warns and does not roll back.
#[test]
fn issue_13_item_13_advisory_gates_and_degraded_checks() {
    let mut repo = project();
    repo.write(
        "signoff.yml",
        "gates:\n  coverage: {lines: 99, advisory: true}\n",
    );
    repo.commit("advisory");
    let run = check(repo.path()).run();
    assert_eq!(
        verdict(&run),
        "APPROVED WITH CONDITIONS",
        "{}",
        run.all_output()
    );
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("coverage        fail"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("condition: The `coverage` gate failed. It is advisory, so it does not reject the release."),
        "{}",
        run.stdout
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join("signoff-out/signoff.json")).unwrap(),
    )
    .unwrap();
    let coverage = json["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["gate"] == "coverage")
        .unwrap();
    assert_eq!(coverage["advisory"], true);
    assert!(coverage["score"].as_u64().unwrap() < 100, "{coverage}");

    // A degraded check: the gate warns, the rollback never runs.
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let marker = dir.path().join("rolled-back");
    std::fs::write(
        dir.path().join("checks.yml"),
        format!(
            "deadline: 2s\nrollback: touch '{}'\nchecks:\n  - {{name: search, url: \"http://127.0.0.1:{port}/\", severity: degraded}}\n",
            marker.display()
        ),
    )
    .unwrap();
    let run = crate::signoff()
        .current_dir(dir.path())
        .args(["health-check", "--config", "checks.yml"])
        .run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    let gate = signoff_testkit::assert_valid_gate_report(
        &dir.path().join("signoff-out/health-check.gate.json"),
    );
    assert_eq!(gate["status"], "warn", "{gate}");
    assert!(
        gate["details"]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("search is degraded"),
        "{gate}"
    );
    assert!(!marker.exists(), "the rollback ran");
    assert!(
        gate["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "high"),
        "{gate}"
    );
}
