//! Totals equal what the producing tool printed for the same run, read from the tool's
//! own output recorded next to each fixture by tests/fixtures/make.sh: `go tool cover
//! -func`, `llvm-cov report`, `lcov --summary` (one capture, each shard, `lcov -a` of the
//! shards), nyc's text summary and JaCoCo's CSV.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{coverage, fixture, metric, run_in};

/// `name -> (total, covered)` as a tool printed it.
type Expected = BTreeMap<&'static str, (u64, u64)>;

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// `lcov --summary`: `  lines......: 81.2% (26 of 32 lines)`.
fn lcov_summary(name: &str) -> Expected {
    let mut out = Expected::new();
    for line in read(name).lines() {
        let Some((label, rest)) = line.trim().split_once("..") else {
            continue;
        };
        let Some(counts) = rest.split_once('(').map(|(_, c)| c) else {
            continue;
        };
        let mut words = counts.split_whitespace();
        let covered: u64 = words.next().unwrap().parse().unwrap();
        assert_eq!(words.next(), Some("of"), "{line}");
        let total: u64 = words.next().unwrap().parse().unwrap();
        let key = match label {
            "lines" => "lines",
            "functions" => "functions",
            "branches" => "branches",
            other => panic!("unexpected lcov summary line `{other}`"),
        };
        out.insert(key, (total, covered));
    }
    assert_eq!(out.len(), 3, "{name}: {out:?}");
    out
}

/// `llvm-cov report`'s TOTAL row: regions, missed, cover, functions, missed, executed,
/// lines, missed, cover, branches, missed, cover.
fn llvm_report(name: &str) -> Expected {
    let text = read(name);
    let total = text.lines().find(|l| l.starts_with("TOTAL")).unwrap();
    let cells: Vec<&str> = total.split_whitespace().collect();
    let n = |i: usize| -> u64 { cells[i].parse().unwrap() };
    let pair = |count: usize, missed: usize| (n(count), n(count) - n(missed));
    Expected::from([
        ("regions", pair(1, 2)),
        ("functions", pair(4, 5)),
        ("lines", pair(7, 8)),
        ("branches", pair(10, 11)),
    ])
}

/// Istanbul's text summary: `Lines        : 66.66% ( 4/6 )`.
fn istanbul_text_summary(name: &str) -> Expected {
    let mut out = Expected::new();
    for line in read(name).lines() {
        let Some((label, rest)) = line.split_once(':') else {
            continue;
        };
        let Some(counts) = rest.split_once('(').and_then(|(_, c)| c.split_once(')')) else {
            continue;
        };
        let (covered, total) = counts.0.trim().split_once('/').unwrap();
        let key = match label.trim() {
            "Statements" => "statements",
            "Branches" => "branches",
            "Functions" => "functions",
            "Lines" => "lines",
            other => panic!("unexpected summary line `{other}`"),
        };
        out.insert(key, (total.parse().unwrap(), covered.parse().unwrap()));
    }
    out
}

/// JaCoCo's CSV, summed over classes: LINE, BRANCH and METHOD counters.
fn jacoco_csv(name: &str) -> Expected {
    let text = read(name);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut out = Expected::new();
    for row in lines {
        let cells: Vec<&str> = row.split(',').collect();
        for (counter, key) in [
            ("LINE", "lines"),
            ("BRANCH", "branches"),
            ("METHOD", "functions"),
        ] {
            let at = |suffix: &str| {
                let column = header
                    .iter()
                    .position(|h| *h == format!("{counter}_{suffix}"))
                    .unwrap();
                cells[column].parse::<u64>().unwrap()
            };
            let entry = out.entry(key).or_insert((0, 0));
            entry.0 += at("MISSED") + at("COVERED");
            entry.1 += at("COVERED");
        }
    }
    out
}

fn assert_totals(report: &serde_json::Value, expected: &Expected, what: &str) {
    for (name, pair) in expected {
        let got = metric(report, &format!("{name}_total"))
            .zip(metric(report, &format!("{name}_covered")));
        assert_eq!(got, Some(*pair), "{what}: {name}");
    }
}

fn gate(dir: &Path, reports: &[&str], extra: &[&str]) -> serde_json::Value {
    let paths: Vec<String> = reports
        .iter()
        .map(|r| fixture(r).to_str().unwrap().to_owned())
        .collect();
    let mut args: Vec<&str> = Vec::new();
    for path in &paths {
        args.extend(["--report", path]);
    }
    args.extend(extra);
    let (run, report) = run_in(dir, &args);
    assert_eq!(run.code, 0, "{reports:?}: {}", run.all_output());
    report
}

#[test]
fn go_profiles_in_every_mode_match_go_tool_cover() {
    let dir = tempfile::tempdir().unwrap();
    let root = fixture("src/go");
    for mode in ["set", "count", "atomic"] {
        let report = gate(
            dir.path(),
            &[&format!("go/coverprofile.{mode}.out")],
            &["--root", root.to_str().unwrap()],
        );
        // Statements and functions as make.sh derived them from the profile (its `lines`
        // row is a converter's count; Go has none, and the gate reports none).
        let mut expected = Expected::new();
        for line in read(&format!("go/expected.{mode}.txt")).lines() {
            let cells: Vec<&str> = line.split_whitespace().collect();
            let key = match cells[0] {
                "statements" => "statements",
                "lines" => continue,
                "functions" => "functions",
                other => panic!("unexpected `{other}`"),
            };
            expected.insert(key, (cells[1].parse().unwrap(), cells[2].parse().unwrap()));
        }
        assert_totals(&report, &expected, mode);
        assert_eq!(metric(&report, "lines_total"), None, "{mode}");
        // The percentage and the function list are go tool cover's own.
        let func = read(&format!("go/cover-func.{mode}.txt"));
        let total = func.lines().last().unwrap().split_whitespace().last();
        let (t, c) = expected["statements"];
        assert_eq!(
            Some(format!("{:.1}%", c as f64 * 100.0 / t as f64)).as_deref(),
            total,
            "{mode}"
        );
        let functions = func.lines().filter(|l| !l.starts_with("total:")).count() as u64;
        let covered = func
            .lines()
            .filter(|l| !l.starts_with("total:") && !l.ends_with("\t0.0%"))
            .count() as u64;
        assert_eq!(
            metric(&report, "functions_total").zip(metric(&report, "functions_covered")),
            Some((functions, covered)),
            "{mode}"
        );
    }
}

#[test]
fn go_profiles_count_statements_and_no_lines() {
    let dir = tempfile::tempdir().unwrap();
    let report = gate(dir.path(), &["go/coverprofile.count.out"], &[]);
    // stats.go: 14 statements, 7 of them in blocks that never ran (as go tool cover -func).
    let stats = report["details"]["files"]["worst_first"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["path"].as_str().unwrap().ends_with("stats.go"))
        .unwrap();
    assert_eq!(stats["statements"]["missed"], 7, "{stats}");
    assert!(stats.get("lines").is_none(), "{stats}");
    // Go has no line count: `lines_*` are absent, not zero or derived; so are functions
    // without the source (no --root).
    assert_eq!(metric(&report, "lines_total"), None);
    assert_eq!(metric(&report, "lines_covered"), None);
    assert_eq!(metric(&report, "functions_total"), None);
    assert_eq!(metric(&report, "statements_total"), Some(29));
}

#[test]
fn llvm_cov_export_json_and_lcov_match_llvm_cov_report() {
    let dir = tempfile::tempdir().unwrap();
    let expected = llvm_report("llvm/report.txt");
    let report = gate(dir.path(), &["llvm/export.json"], &[]);
    assert_totals(&report, &expected, "export.json");
    // The lcov export has no regions: absent, not zero.
    let report = gate(dir.path(), &["llvm/export.lcov.info"], &[]);
    let mut without_regions = expected.clone();
    without_regions.remove("regions");
    assert_totals(&report, &without_regions, "export.lcov.info");
    assert_eq!(metric(&report, "regions_total"), None);
}

#[test]
fn regions_are_dropped_rather_than_partly_counted_when_records_merge() {
    let dir = tempfile::tempdir().unwrap();
    // The JSON and the lcov export of one run: every file's records are joined, so
    // llvm-cov's region counts no longer describe them.
    let report = gate(
        dir.path(),
        &["llvm/export.json", "llvm/export.lcov.info"],
        &[],
    );
    assert_eq!(metric(&report, "regions_total"), None);
    assert_eq!(metric(&report, "regions_covered"), None);
    let lines = llvm_report("llvm/report.txt")["lines"];
    assert_eq!(
        metric(&report, "lines_total").zip(metric(&report, "lines_covered")),
        Some(lines)
    );
}

#[test]
fn nyc_lcov_and_cobertura_match_its_text_summary() {
    let dir = tempfile::tempdir().unwrap();
    let expected = istanbul_text_summary("nyc/text-summary.txt");
    let report = gate(dir.path(), &["nyc/lcov.info"], &[]);
    let mut lcov = expected.clone();
    lcov.remove("statements");
    assert_totals(&report, &lcov, "nyc lcov");
    // Cobertura has no function counts.
    lcov.remove("functions");
    let report = gate(dir.path(), &["nyc/cobertura-coverage.xml"], &[]);
    assert_totals(&report, &lcov, "nyc cobertura");
    assert_eq!(metric(&report, "functions_total"), None);
    let report = gate(dir.path(), &["nyc/coverage-summary.json"], &[]);
    assert_totals(&report, &expected, "nyc summary");
}

#[test]
fn jacoco_xml_matches_jacoco_csv() {
    let dir = tempfile::tempdir().unwrap();
    let report = gate(dir.path(), &["jacoco/jacoco.xml"], &[]);
    assert_totals(&report, &jacoco_csv("jacoco/jacoco.csv"), "jacoco");
}

#[test]
fn lcov_capture_repeating_files_per_data_file_matches_lcov_summary() {
    let text = read("lcov/capture-all.info");
    let calc_h = text.lines().filter(|l| l.ends_with("/calc.h")).count();
    assert!(calc_h > 1, "the capture repeats calc.h ({calc_h} records)");
    let dir = tempfile::tempdir().unwrap();
    let report = gate(dir.path(), &["lcov/capture-all.info"], &[]);
    assert_totals(
        &report,
        &lcov_summary("lcov/summary.capture-all.txt"),
        "capture",
    );
    for shard in ["add", "div", "diverr"] {
        let report = gate(dir.path(), &[&format!("lcov/shard-{shard}.info")], &[]);
        assert_totals(
            &report,
            &lcov_summary(&format!("lcov/summary.shard-{shard}.txt")),
            shard,
        );
    }
}

const SHARDS: [&str; 3] = [
    "lcov/shard-add.info",
    "lcov/shard-div.info",
    "lcov/shard-diverr.info",
];

#[test]
fn shards_merge_to_the_totals_of_lcov_add() {
    let dir = tempfile::tempdir().unwrap();
    let expected = lcov_summary("lcov/summary.merged.txt");
    let report = gate(dir.path(), &SHARDS, &[]);
    assert_totals(&report, &expected, "three shards");
    // The order of the shards does not matter.
    let report = gate(dir.path(), &[SHARDS[2], SHARDS[0], SHARDS[1]], &[]);
    assert_totals(&report, &expected, "three shards, reordered");
}

/// Sums an lcov file's `LF/LH`, `BRF/BRH`, `FNF/FNH`, as `lcov --summary` of a file with
/// one record per source file does.
fn declared_sums(text: &str) -> Expected {
    let mut out = Expected::new();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value: u64 = match value.parse() {
            Ok(v) => v,
            Err(_) => continue,
        };
        let (name, covered) = match key {
            "LF" => ("lines", false),
            "LH" => ("lines", true),
            "BRF" => ("branches", false),
            "BRH" => ("branches", true),
            "FNF" => ("functions", false),
            "FNH" => ("functions", true),
            _ => continue,
        };
        let entry = out.entry(name).or_insert((0, 0));
        if covered {
            entry.1 += value;
        } else {
            entry.0 += value;
        }
    }
    out
}

#[test]
fn merge_writes_an_lcov_with_the_totals_of_lcov_add() {
    let dir = tempfile::tempdir().unwrap();
    let merged = dir.path().join("merged.info");
    let mut cmd = coverage()
        .current_dir(dir.path())
        .args(["--out", "signoff-out", "merge", "--output"])
        .arg(merged.as_os_str());
    for shard in SHARDS {
        cmd = cmd.arg("--report").arg(fixture(shard).as_os_str());
    }
    let run = cmd.run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    let expected = lcov_summary("lcov/summary.merged.txt");
    let text = std::fs::read_to_string(&merged).unwrap();
    let files = text.lines().filter(|l| l.starts_with("SF:")).count();
    assert_eq!(files, 4, "one record per source file:\n{text}");
    assert_eq!(declared_sums(&text), expected);
    // Read back by the gate.
    let (_, report) = run_in(dir.path(), &["--report", merged.to_str().unwrap()]);
    assert_totals(&report, &expected, "merged, read back");
    // And by lcov itself, where it is installed (SIGNOFF_REQUIRE_LCOV=1 makes it required).
    match std::process::Command::new("lcov")
        .args(["--rc", "lcov_branch_coverage=1", "--summary"])
        .arg(&merged)
        .output()
    {
        Ok(out) => {
            let summary = dir.path().join("summary.txt");
            let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&out.stderr));
            std::fs::write(&summary, &text).unwrap();
            assert!(out.status.success(), "{text}");
            assert_eq!(lcov_summary(summary.to_str().unwrap()), expected, "{text}");
        }
        Err(error) => {
            assert!(
                std::env::var_os("SIGNOFF_REQUIRE_LCOV").is_none(),
                "lcov is required: {error}"
            );
            eprintln!("lcov is not installed ({error}); its --summary of the merge is not checked");
        }
    }
}
