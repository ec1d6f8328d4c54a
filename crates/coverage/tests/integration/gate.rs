//! Thresholds, patch coverage, baseline, policy and merging through the real binary.

use signoff_testkit::GitRepo;

use crate::{coverage, fixture, metric, run_in};

const CALC: &str = include_str!("../fixtures/src/js/calc.js");

#[test]
fn thresholds_pass_and_fail_with_the_contract_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let report = fixture("js/lcov.info");
    let report = report.to_str().unwrap();
    let (run, json) = run_in(
        dir.path(),
        &["--report", report, "--lines", "70", "--branches", "75"],
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(json["status"], "pass");
    assert_eq!(json["checks"][0]["name"], "lines");
    assert_eq!(json["checks"][0]["actual"], 70.5882);
    let (run, json) = run_in(dir.path(), &["--report", report, "--functions", "90"]);
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert_eq!(json["status"], "fail");
    assert!(
        run.stdout.contains("check failed: functions"),
        "{}",
        run.stdout
    );
    assert!(dir.path().join("signoff-out/coverage.svg").is_file());
    assert_eq!(json["artifacts"][0]["path"], "coverage.svg");
}

/// A repository whose last commit adds the `if (b === 0)` guard of calc.js (lines 7-9).
fn repo_with_change() -> (GitRepo, String) {
    let mut repo = GitRepo::new();
    let before: String = CALC
        .lines()
        .enumerate()
        .filter(|(i, _)| !(6..9).contains(i))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    repo.write("calc.js", before);
    let base = repo.commit("calc without the guard");
    repo.write("calc.js", CALC);
    repo.commit("guard against division by zero");
    (repo, base)
}

#[test]
fn patch_coverage_against_a_base_revision_and_a_diff_file() {
    let (repo, base) = repo_with_change();
    let report = fixture("js/lcov.info");
    let report = report.to_str().unwrap();
    let (run, json) = run_in(
        repo.path(),
        &["--report", report, "--base", &base, "--patch", "80"],
    );
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert_eq!(metric(&json, "patch_lines_total"), Some(3));
    assert_eq!(metric(&json, "patch_lines_covered"), Some(1));
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "uncovered-changed-lines");
    assert_eq!(finding["location"]["path"], "calc.js");
    assert_eq!(finding["location"]["line"], 8);
    assert_eq!(finding["location"]["end_line"], 9);
    assert_eq!(
        json["details"]["patch"]["uncovered_lines"]["calc.js"],
        serde_json::json!([8, 9])
    );

    let diff = repo.git(&["diff", &base, "HEAD"]);
    std::fs::write(repo.path().join("change.diff"), format!("{diff}\n")).unwrap();
    let (run, json2) = run_in(repo.path(), &["--report", report, "--diff", "change.diff"]);
    assert_eq!(run.code, 0, "no patch threshold: {}", run.all_output());
    assert_eq!(
        json2["details"]["patch"]["uncovered_lines"],
        json["details"]["patch"]["uncovered_lines"]
    );
    assert_eq!(json2["findings"][0]["fingerprint"], finding["fingerprint"]);
}

#[test]
fn small_changes_skip_the_patch_threshold_by_policy() {
    let (repo, base) = repo_with_change();
    repo.write(
        "signoff.yml",
        "gates:\n  coverage: {patch: 90, patch_min_lines: 5}\n",
    );
    let report = fixture("js/lcov.info");
    let (run, json) = run_in(
        repo.path(),
        &["--report", report.to_str().unwrap(), "--base", &base],
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(
        json["details"]["patch_threshold_skipped"]
            .as_str()
            .unwrap()
            .contains("patch_min_lines")
    );
}

#[test]
fn baseline_drop_fails_beyond_the_allowed_points() {
    let dir = tempfile::tempdir().unwrap();
    let better = fixture("c/capture.info"); // 78.5% lines
    let worse = fixture("js/lcov.info"); // 70.5% lines
    let (_, _) = run_in(dir.path(), &["--report", better.to_str().unwrap()]);
    let baseline = dir.path().join("base.gate.json");
    std::fs::copy(dir.path().join("signoff-out/coverage.gate.json"), &baseline).unwrap();
    let (run, json) = run_in(
        dir.path(),
        &[
            "--report",
            worse.to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
            "--max-drop",
            "5",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.all_output());
    let check = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "lines-delta")
        .unwrap();
    assert_eq!(check["actual"], -7.9832);
    // A coverage report works as the baseline too.
    let (run, _) = run_in(
        dir.path(),
        &[
            "--report",
            worse.to_str().unwrap(),
            "--baseline",
            better.to_str().unwrap(),
            "--max-drop",
            "10",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
}

#[test]
fn policy_ignores_paths_and_checks_per_path_thresholds() {
    let mut repo = GitRepo::new();
    repo.write("shapes.py", include_str!("../fixtures/src/py/shapes.py"));
    repo.write(
        "test_shapes.py",
        include_str!("../fixtures/src/py/test_shapes.py"),
    );
    repo.write(
        "signoff.yml",
        "gates:\n  coverage:\n    ignore: [\"test_*.py\"]\n    paths:\n      - {path: \"shapes.py\", lines: 70}\n",
    );
    repo.commit("python");
    let report = fixture("py/coverage.xml");
    let (run, json) = run_in(repo.path(), &["--report", report.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert_eq!(metric(&json, "lines_total"), Some(11));
    assert_eq!(metric(&json, "lines_covered"), Some(7));
    assert_eq!(json["checks"][0]["name"], "lines shapes.py");
    assert_eq!(json["details"]["ignored_files"], 1);
}

#[test]
fn shards_merge_line_by_line_and_merge_writes_lcov() {
    let dir = tempfile::tempdir().unwrap();
    let lcov = fixture("py/lcov.info");
    let xml = fixture("py/coverage.xml");
    let (run, json) = run_in(
        dir.path(),
        &[
            "--report",
            lcov.to_str().unwrap(),
            "--report",
            xml.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(metric(&json, "lines_total"), Some(16));
    assert_eq!(metric(&json, "lines_covered"), Some(12));

    let merged = dir.path().join("merged.info");
    let run = coverage()
        .current_dir(dir.path())
        .args(["--out", "signoff-out", "merge", "--report"])
        .args([lcov.to_str().unwrap(), xml.to_str().unwrap()])
        .args(["--output", merged.to_str().unwrap()])
        .run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    signoff_testkit::assert_valid_gate_report(&dir.path().join("signoff-out/coverage.gate.json"));
    let text = std::fs::read_to_string(&merged).unwrap();
    assert!(
        text.contains("SF:shapes.py\n") && text.contains("FN:0,unused\n"),
        "{text}"
    );
    let (_, again) = run_in(dir.path(), &["--report", merged.to_str().unwrap()]);
    assert_eq!(metric(&again, "lines_covered"), Some(12));
    assert_eq!(metric(&again, "functions_total"), Some(5));
}

#[test]
fn absolute_build_paths_map_to_repository_files() {
    let mut repo = GitRepo::new();
    repo.write("src/stack.c", include_str!("../fixtures/src/c/stack.c"));
    repo.write("README.md", "x\n");
    repo.commit("c");
    let report = fixture("c/capture.info");
    let (run, json) = run_in(repo.path(), &["--report", report.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(
        json["details"]["files"]["worst_first"][0]["path"],
        "src/stack.c"
    );
    assert!(json["details"].get("unmapped_files").is_none());
}

#[test]
fn outside_a_repository_build_paths_map_onto_the_diff() {
    // lcov 1.x capture files name absolute build paths; with no repository to look at,
    // the diff's paths are what they map onto (as diff-cover needs a source root for).
    let dir = tempfile::tempdir().unwrap();
    let diff = dir.path().join("change.diff");
    std::fs::write(
        &diff,
        "--- a/c/stack.c\n+++ b/c/stack.c\n@@ -9,0 +10,2 @@\n+a\n+b\n",
    )
    .unwrap();
    let report = fixture("c/capture.info");
    let (run, json) = run_in(
        dir.path(),
        &[
            "--report",
            report.to_str().unwrap(),
            "--diff",
            diff.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(
        json["details"]["patch"]["uncovered_lines"]["c/stack.c"],
        serde_json::json!([10, 11])
    );
}
