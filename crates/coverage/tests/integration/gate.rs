//! Thresholds, patch coverage, baseline, policy and merging through the real binary.

use signoff_testkit::GitRepo;

use crate::{coverage, fixture, metric, run_in, table_paths};

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
fn small_changes_skip_the_patch_threshold_by_policy_or_flag() {
    let (repo, base) = repo_with_change();
    // The change has 3 changed executable lines, 1 covered: 33% against a minimum of 90.
    repo.write(
        "signoff.yml",
        "gates:\n  coverage: {patch: 90, patch_min_lines: 5}\n",
    );
    let report = fixture("js/lcov.info");
    let report = report.to_str().unwrap();
    let gate = |extra: &[&str]| {
        let mut args = vec!["--report", report, "--base", &base];
        args.extend(extra);
        run_in(repo.path(), &args)
    };
    let (run, json) = gate(&[]);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(
        json["details"]["patch_threshold_skipped"],
        "3 changed executable lines, fewer than the policy's patch_min_lines of 5"
    );
    // The flag overrides the policy.
    let (run, json) = gate(&["--patch-min-lines", "3"]);
    assert_eq!(run.code, 1, "3 lines are enough: {}", run.all_output());
    assert!(json["details"].get("patch_threshold_skipped").is_none());
    assert_eq!(json["checks"][0]["name"], "patch");
    repo.write("signoff.yml", "gates:\n  coverage: {patch: 90}\n");
    let (run, json) = gate(&["--patch-min-lines", "4"]);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(
        json["details"]["patch_threshold_skipped"],
        "3 changed executable lines, fewer than --patch-min-lines of 4"
    );
    let (run, _) = gate(&["--patch-min-lines", "lots"]);
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(run.stderr.contains("--patch-min-lines"), "{}", run.stderr);
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
    assert_eq!(table_paths(&json), ["src/stack.c"]);
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

#[test]
fn the_file_table_lists_the_most_missed_lines_first() {
    let dir = tempfile::tempdir().unwrap();
    let reports = ["lcov/capture-all.info", "py/lcov.info", "js/lcov.info"].map(fixture);
    let mut args = vec!["--report"];
    args.extend(reports.iter().map(|p| p.to_str().unwrap()));
    let (run, json) = run_in(dir.path(), &args);
    assert_eq!(run.code, 0, "{}", run.all_output());
    let rows: Vec<(String, u64)> = json["details"]["files"]["worst_first"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let path = row["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_owned();
            (name, row["lines"]["missed"].as_u64().unwrap())
        })
        .collect();
    // Most missed first, ties by path: not the paths' own order (the absolute C paths
    // would sort first).
    let expected = [
        ("calc.js", 5),
        ("shapes.py", 4),
        ("calc.c", 3),
        ("calc.h", 1),
        ("test_add.c", 1),
        ("test_div.c", 1),
        ("test_shapes.py", 0),
    ]
    .map(|(name, missed)| (name.to_owned(), missed));
    assert_eq!(rows, expected);
    assert_eq!(json["details"]["files"]["total"], 7);
}

/// A repository with calc.js, and shapes.py under another name (lib/geometry.py).
fn repo_for_mapping() -> GitRepo {
    let mut repo = GitRepo::new();
    repo.write("calc.js", CALC);
    repo.write(
        "lib/geometry.py",
        include_str!("../fixtures/src/py/shapes.py"),
    );
    repo.commit("js and python");
    repo
}

/// One report with the JavaScript and the Python suites (c8's and coverage.py's lcov,
/// one after the other, as a monorepo's CI concatenates them).
fn two_suites(dir: &std::path::Path) -> String {
    let mut text = std::fs::read_to_string(fixture("js/lcov.info")).unwrap();
    text.push_str(&std::fs::read_to_string(fixture("py/lcov.info")).unwrap());
    let path = dir.join("all.info");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn files_that_map_nowhere_are_listed_warned_and_still_counted() {
    let repo = repo_for_mapping();
    let dir = tempfile::tempdir().unwrap();
    let report = two_suites(dir.path());
    let (run, json) = run_in(repo.path(), &["--report", &report]);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(json["status"], "warn");
    assert_eq!(
        json["details"]["unmapped_files"],
        serde_json::json!(["shapes.py", "test_shapes.py"])
    );
    let unmapped: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unmapped-file")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(unmapped.len(), 2, "{unmapped:?}");
    assert!(unmapped[0].contains("`shapes.py`"), "{unmapped:?}");
    let warning = json["details"]["warnings"][0].as_str().unwrap();
    assert!(
        warning.starts_with("2 files in the report map to no file of the repository"),
        "{warning}"
    );
    // Still counted: calc.js (17 lines) and the two Python files (16).
    assert_eq!(metric(&json, "lines_total"), Some(17 + 16));

    // --path-map maps shapes.py; test_shapes.py stays listed.
    let (run, json) = run_in(
        repo.path(),
        &[
            "--report",
            &report,
            "--path-map",
            "shapes.py=lib/geometry.py",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(
        json["details"]["unmapped_files"],
        serde_json::json!(["test_shapes.py"])
    );
    let paths = table_paths(&json);
    assert!(paths.contains(&"lib/geometry.py"), "{paths:?}");
    assert!(paths.contains(&"calc.js"), "{paths:?}");
}

#[test]
fn windows_paths_map_to_repository_files() {
    let mut repo = GitRepo::new();
    repo.write("src/calc.js", CALC);
    repo.commit("js");
    let dir = tempfile::tempdir().unwrap();
    // c8's report as a Windows runner writes it: a drive letter and backslashes.
    let text = std::fs::read_to_string(fixture("js/lcov.info")).unwrap();
    let original = text
        .lines()
        .find(|l| l.starts_with("SF:"))
        .unwrap()
        .to_owned();
    let windows = dir.path().join("windows.info");
    std::fs::write(
        &windows,
        text.replace(&original, "SF:D:\\a\\app\\app\\src\\calc.js")
            .replace('\n', "\r\n"),
    )
    .unwrap();
    let windows = windows.to_str().unwrap();
    let (run, json) = run_in(repo.path(), &["--report", windows, "--lines", "50"]);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(json["status"], "pass");
    assert_eq!(table_paths(&json), ["src/calc.js"]);
    assert_eq!(metric(&json, "lines_covered"), Some(12));
    // The same through --path-map written with Windows separators.
    let (run, json) = run_in(
        repo.path(),
        &["--report", windows, "--path-map", "D:\\a\\app\\app\\=."],
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(table_paths(&json), ["src/calc.js"]);
    assert!(json["details"].get("unmapped_files").is_none());
}

#[test]
fn two_summaries_of_one_file_say_which_was_used() {
    let mut repo = GitRepo::new();
    repo.write("calc.js", CALC);
    repo.commit("js");
    // c8's and nyc's coverage-summary.json of the same tests: 12/17 and 4/6 lines.
    let c8 = fixture("js/coverage-summary.json");
    let nyc = fixture("nyc/coverage-summary.json");
    let (c8, nyc) = (c8.to_str().unwrap(), nyc.to_str().unwrap());
    for order in [[nyc, c8], [c8, nyc]] {
        let (run, json) = run_in(repo.path(), &["--report", order[0], "--report", order[1]]);
        assert_eq!(run.code, 0, "{}", run.all_output());
        assert_eq!(json["status"], "warn");
        assert_eq!(metric(&json, "lines_total"), Some(17));
        assert_eq!(metric(&json, "lines_covered"), Some(12));
        assert_eq!(
            json["details"]["summary_conflicts"],
            serde_json::json!([{"path": "calc.js", "used": c8, "not_used": nyc}])
        );
        let warning = json["details"]["warnings"][0].as_str().unwrap();
        assert!(
            warning.contains("cannot be merged line by line") && warning.contains(c8),
            "{warning}"
        );
    }
}
