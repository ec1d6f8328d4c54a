//! Malformed `signoff.yml` files: each gives exit 2 and a message with file:line that
//! says how to fix it, and no report that could pass for a sign-off.

use std::path::PathBuf;

use crate::signoff;

fn fixtures() -> PathBuf {
    signoff_testkit::workspace_root().join("crates/core/tests/fixtures/policy")
}

const MALFORMED: &[(&str, &str)] = &[
    ("typo-key.yml", "typo-key.yml:4:5"),
    ("typo-top-level.yml", "typo-top-level.yml:2:1"),
    ("unknown-gate-required.yml", "unknown-gate-required.yml:3:5"),
    ("unknown-gate-section.yml", "unknown-gate-section.yml:2:3"),
    ("wrong-type-threshold.yml", "wrong-type-threshold.yml:3:12"),
    (
        "threshold-out-of-range.yml",
        "threshold-out-of-range.yml:3:5",
    ),
    ("negative-count.yml", "negative-count.yml:3:19"),
    ("bad-date.yml", "bad-date.yml:5:5"),
    ("date-wrong-format.yml", "date-wrong-format.yml:5:5"),
    ("list-for-map.yml", "list-for-map.yml:1:8"),
    ("map-for-list.yml", "map-for-list.yml:2:3"),
    ("waiver-without-reason.yml", "waiver-without-reason.yml:2:5"),
    ("waiver-without-target.yml", "waiver-without-target.yml:2:5"),
    ("duplicate-key.yml", "duplicate-key.yml:2:1"),
    ("unclosed-flow.yml", "unclosed-flow.yml:2:21"),
    ("alias-bomb.yml", "alias-bomb.yml:3:4028"),
    ("binary-garbage.yml", "binary-garbage.yml:1:1"),
    ("latin1.yml", "latin1.yml:2:6"),
];

#[test]
fn malformed_policies_exit_2_with_place_and_fix() {
    for (name, place) in MALFORMED {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let run = signoff()
            .current_dir(dir.path())
            .arg("check")
            .arg("--policy")
            .arg(fixtures().join(name))
            .arg("--out")
            .arg(&out)
            .run();
        assert_eq!(run.code, 2, "{name}: {}", run.all_output());
        assert!(
            run.stderr.contains(place),
            "{name}: expected {place} in:\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("= help: "),
            "{name}: no help in:\n{}",
            run.stderr
        );
        assert!(
            !out.join("report.md").exists(),
            "{name}: a report was written"
        );
        assert!(!run.stdout.contains("APPROVED"), "{name}");
    }
}

#[test]
fn empty_policy_file_uses_the_default_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("signoff.yml"), "").unwrap();
    let run = signoff().current_dir(dir.path()).arg("check").run();
    assert_ne!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr
            .contains("signoff.yml is empty, so the default policy applies"),
        "{}",
        run.stderr
    );
}

#[test]
fn policy_path_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let run = signoff()
        .current_dir(dir.path())
        .args(["check", "--policy", "nope.yml"])
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("nope.yml") && run.stderr.contains("--policy"),
        "{}",
        run.stderr
    );
}
