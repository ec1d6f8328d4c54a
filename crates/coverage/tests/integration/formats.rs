//! Every fixture format gives the totals its producing tool printed (see each
//! fixture's report.txt / text-summary.txt / summary.txt).

use crate::{fixture, metric, run_in};

/// `(fixture, lines or statements, branches, functions)` as `(total, covered)`.
type Expected = (
    &'static str,
    (u64, u64),
    Option<(u64, u64)>,
    Option<(u64, u64)>,
);

const CASES: &[Expected] = &[
    // coverage.py 7.17.3 `coverage report`: 16 statements, 4 missed; 4 branches, 1 taken.
    ("py/coverage.xml", (16, 12), Some((4, 1)), None),
    ("py/lcov.info", (16, 12), Some((4, 1)), Some((5, 4))),
    ("py/coverage.json", (16, 12), Some((4, 1)), None),
    // c8 12: statements/lines 12/17, branches 3/4, functions 2/3.
    ("js/lcov.info", (17, 12), Some((4, 3)), Some((3, 2))),
    ("js/cobertura-coverage.xml", (17, 12), Some((4, 3)), None),
    (
        "js/coverage-final.json",
        (17, 12),
        Some((4, 3)),
        Some((3, 2)),
    ),
    (
        "js/coverage-summary.json",
        (17, 12),
        Some((4, 3)),
        Some((3, 2)),
    ),
    // gcc 12 + lcov 1.16 / gcovr 8.8: lines 11/14, branches 4/8, functions 3/3.
    ("c/capture.info", (14, 11), Some((8, 4)), Some((3, 3))),
    ("c/coverage.cobertura.xml", (14, 11), Some((8, 4)), None),
    (
        "c/coverage.gcovr.json",
        (14, 11),
        Some((8, 4)),
        Some((3, 3)),
    ),
    ("c/summary.gcovr.json", (14, 11), Some((8, 4)), Some((3, 3))),
    (
        "c/coverage.jacoco.xml",
        (14, 11),
        Some((8, 4)),
        Some((3, 3)),
    ),
];

#[test]
fn totals_match_the_producing_tools() {
    let dir = tempfile::tempdir().unwrap();
    for (name, lines, branches, functions) in CASES {
        let path = fixture(name);
        let (run, report) = run_in(dir.path(), &["--report", path.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{name}: {}", run.all_output());
        let pair = |metric_name: &str| {
            metric(&report, &format!("{metric_name}_total"))
                .zip(metric(&report, &format!("{metric_name}_covered")))
        };
        assert_eq!(pair("lines"), Some(*lines), "{name} lines");
        assert_eq!(pair("branches"), *branches, "{name} branches");
        assert_eq!(pair("functions"), *functions, "{name} functions");
    }
}

#[test]
fn istanbul_reports_statements_too() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["js/coverage-final.json", "js/coverage-summary.json"] {
        let path = fixture(name);
        let (_, report) = run_in(dir.path(), &["--report", path.to_str().unwrap()]);
        assert_eq!(metric(&report, "statements_total"), Some(17), "{name}");
        assert_eq!(metric(&report, "statements_covered"), Some(12), "{name}");
    }
}

#[test]
fn summary_only_reports_cannot_measure_a_patch_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let diff = dir.path().join("change.diff");
    std::fs::write(
        &diff,
        "--- a/calc.js\n+++ b/calc.js\n@@ -7,0 +8,2 @@\n+a\n+b\n",
    )
    .unwrap();
    let path = fixture("js/coverage-summary.json");
    let (run, report) = run_in(
        dir.path(),
        &[
            "--report",
            path.to_str().unwrap(),
            "--diff",
            diff.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(report["status"], "warn");
    assert!(
        report["details"]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("patch coverage cannot be measured")
    );
    assert_eq!(metric(&report, "patch_lines_total"), None);
}
