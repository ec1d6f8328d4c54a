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
    // c8 12: statements/lines 12/17, branches 3/4, functions 2/3.
    ("js/lcov.info", (17, 12), Some((4, 3)), Some((3, 2))),
    ("js/cobertura-coverage.xml", (17, 12), Some((4, 3)), None),
    // gcc 12 + lcov 1.16 / gcovr 8.8: lines 11/14, branches 4/8, functions 3/3.
    ("c/capture.info", (14, 11), Some((8, 4)), Some((3, 3))),
    ("c/coverage.cobertura.xml", (14, 11), Some((8, 4)), None),
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
