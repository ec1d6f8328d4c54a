//! Synthetic records for every range edge case of the OSV schema's evaluation.
#![allow(clippy::unwrap_used)]

use super::*;

fn affected(json: serde_json::Value) -> Affected {
    serde_json::from_value(json).unwrap()
}

fn range(kind: &str, events: serde_json::Value) -> Affected {
    affected(serde_json::json!({
        "package": {"ecosystem": "npm", "name": "x"},
        "ranges": [{"type": kind, "events": events}]
    }))
}

fn hit(entry: &Affected, version: &str) -> bool {
    entry.evaluate(Ecosystem::Npm, version).affected
}

#[test]
fn introduced_zero_means_every_version() {
    let entry = range("SEMVER", serde_json::json!([{"introduced": "0"}]));
    for v in ["0.0.0", "0.0.1-alpha", "1.0.0", "999.0.0"] {
        assert!(hit(&entry, v), "{v}");
    }
}

#[test]
fn fixed_is_exclusive_and_last_affected_inclusive() {
    let fixed = range(
        "SEMVER",
        serde_json::json!([{"introduced": "1.0.0"}, {"fixed": "1.0.2"}]),
    );
    assert!(!hit(&fixed, "0.9.9"));
    assert!(hit(&fixed, "1.0.0"));
    assert!(hit(&fixed, "1.0.2-rc.1"));
    assert!(!hit(&fixed, "1.0.2"));
    let last = range(
        "SEMVER",
        serde_json::json!([{"introduced": "1.0.0"}, {"last_affected": "1.0.2"}]),
    );
    assert!(hit(&last, "1.0.2"));
    assert!(!hit(&last, "1.0.3-alpha"));
    assert!(!hit(&last, "1.0.3"));
}

#[test]
fn events_in_any_order_and_several_intervals() {
    let entry = range(
        "ECOSYSTEM",
        serde_json::json!([
            {"fixed": "3.2.5"}, {"introduced": "3.0.0"}, {"fixed": "1.0.2"}, {"introduced": "1.0.0"}
        ]),
    );
    for (v, expected) in [
        ("0.5.0", false),
        ("1.0.1", true),
        ("2.0.0", false),
        ("3.0.0", true),
        ("3.2.4", true),
        ("3.2.5", false),
    ] {
        assert_eq!(hit(&entry, v), expected, "{v}");
    }
    let fixes = entry.evaluate(Ecosystem::Npm, "3.1.0").fixed;
    assert_eq!(fixes, ["3.2.5"]);
}

#[test]
fn limit_bounds_the_range() {
    let entry = range(
        "SEMVER",
        serde_json::json!([{"introduced": "0"}, {"limit": "2.0.0"}]),
    );
    assert!(hit(&entry, "1.9.9"));
    assert!(!hit(&entry, "2.0.0"));
    let star = range(
        "SEMVER",
        serde_json::json!([{"introduced": "1.0.0"}, {"limit": "*"}]),
    );
    assert!(hit(&star, "5.0.0"));
}

#[test]
fn explicit_versions_list_matches_exactly() {
    let entry = affected(serde_json::json!({
        "package": {"ecosystem": "npm", "name": "x"},
        "versions": ["1.0.0", "1.1.0"]
    }));
    assert!(hit(&entry, "1.0.0"));
    assert!(!hit(&entry, "1.0.1"));
    // Equal as versions counts: PyPI `1.0` is `1.0.0`.
    assert!(entry.evaluate(Ecosystem::PyPI, "1.1").affected);
}

#[test]
fn git_ranges_are_counted_not_evaluated() {
    let entry = affected(serde_json::json!({
        "package": {"ecosystem": "npm", "name": "x"},
        "ranges": [{"type": "GIT", "repo": "https://x", "events": [{"introduced": "abc"}, {"fixed": "def"}]}]
    }));
    let evaluation = entry.evaluate(Ecosystem::Npm, "1.0.0");
    assert!(!evaluation.affected);
    assert_eq!(evaluation.git_ranges, 1);
    assert!(!evaluation.unparsable);
}

#[test]
fn unparsable_versions_are_not_matched_and_say_so() {
    let entry = range(
        "SEMVER",
        serde_json::json!([{"introduced": "0"}, {"fixed": "1.0.0"}]),
    );
    let evaluation = entry.evaluate(Ecosystem::Npm, "not-a-version");
    assert!(!evaluation.affected);
    assert!(evaluation.unparsable);
    let bad_event = range(
        "SEMVER",
        serde_json::json!([{"introduced": "0"}, {"fixed": "1.x"}]),
    );
    let evaluation = bad_event.evaluate(Ecosystem::Npm, "0.5.0");
    assert!(!evaluation.affected && evaluation.unparsable);
}

#[test]
fn semver_ranges_ignore_the_go_v_prefix() {
    let entry = range(
        "SEMVER",
        serde_json::json!([{"introduced": "0"}, {"fixed": "0.3.7"}]),
    );
    assert!(entry.evaluate(Ecosystem::Go, "v0.3.5").affected);
    assert!(!entry.evaluate(Ecosystem::Go, "v0.3.7").affected);
    assert!(
        entry
            .evaluate(Ecosystem::Go, "v0.0.0-20210101000000-abcdefabcdef")
            .affected
    );
}

#[test]
fn ecosystem_ranges_use_the_ecosystems_order() {
    let entry = range(
        "ECOSYSTEM",
        serde_json::json!([{"introduced": "0"}, {"fixed": "2.0.0rc1"}]),
    );
    assert!(entry.evaluate(Ecosystem::PyPI, "2.0.0b3").affected);
    assert!(!entry.evaluate(Ecosystem::PyPI, "2.0.0").affected);
    let maven = range(
        "ECOSYSTEM",
        serde_json::json!([{"introduced": "2.0-beta9"}, {"fixed": "2.15.0"}]),
    );
    assert!(maven.evaluate(Ecosystem::Maven, "2.14.1").affected);
    assert!(!maven.evaluate(Ecosystem::Maven, "2.15.0.RELEASE").affected);
    assert!(!maven.evaluate(Ecosystem::Maven, "2.0-alpha1").affected);
}

#[test]
fn unknown_range_types_are_unparsable() {
    let entry = range("RPM", serde_json::json!([{"introduced": "0"}]));
    assert!(entry.evaluate(Ecosystem::Npm, "1.0.0").unparsable);
}
