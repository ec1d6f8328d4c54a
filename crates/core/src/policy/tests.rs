//! Policy parsing: the valid file, the empty file, and malformed files that must each name
//! the file, line and column and say how to fix it.

use std::path::{Path, PathBuf};

use super::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policy")
        .join(name)
}

fn load(name: &str) -> Result<Policy, ConfigError> {
    Policy::load(Path::new("."), Some(&fixture(name)))
}

#[test]
fn embedded_default_parses() {
    let policy = Policy::default_policy();
    assert_eq!(policy.required, ["secret-scan", "sbom"]);
    assert_eq!(policy.secret_scan().max_findings, Some(0));
    assert_eq!(policy.source, Source::Default);
    super::parse(DEFAULT_POLICY, "default", Source::Default).expect("default policy must parse");
}

#[test]
fn valid_policy_is_read_completely() {
    let policy = load("valid.yml").unwrap();
    assert_eq!(policy.required, ["secret-scan", "sbom", "coverage"]);
    let coverage = policy.coverage();
    assert_eq!(coverage.lines, Some(Percent(80.0)));
    assert_eq!(coverage.patch, Some(Percent(90.0)));
    assert_eq!(coverage.functions, None);
    assert_eq!(policy.waivers.len(), 2);
    let waiver = &policy.waivers[1];
    assert_eq!(waiver.line, 7);
    assert!(waiver.matches(
        "coverage",
        "lines-below-threshold",
        Some("generated/a/b.rs"),
        "x"
    ));
    assert!(!waiver.matches("coverage", "lines-below-threshold", Some("src/a.rs"), "x"));
    assert!(!waiver.matches("sbom", "lines-below-threshold", Some("generated/a.rs"), "x"));
    let date = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    assert!(waiver.is_active(date("2027-01-31")));
    assert!(!waiver.is_active(date("2027-02-01")));
    let by_fingerprint = &policy.waivers[0];
    assert!(by_fingerprint.matches(
        "secret-scan",
        "any",
        None,
        "aa5c2b2a5f4e2ab3e6b6ee7ef3a0cf8b"
    ));
    assert!(!by_fingerprint.matches("secret-scan", "any", None, "other"));
}

#[test]
fn empty_file_means_default_policy_and_says_so() {
    for name in ["empty.yml", "comments-only.yml"] {
        let policy = load(name).unwrap();
        assert_eq!(policy.required, Policy::default_policy().required);
        let note = policy.note().expect("an empty policy file is announced");
        assert!(
            note.contains(name) && note.contains("default policy"),
            "{note}"
        );
    }
}

#[test]
fn missing_explicit_policy_is_an_error() {
    let error = load("does-not-exist.yml").unwrap_err();
    let text = error.to_string();
    assert!(text.contains("cannot read the policy file"), "{text}");
    assert!(text.contains("--policy"), "{text}");
}

#[test]
fn no_policy_file_means_default() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        Policy::load(dir.path(), None).unwrap().source,
        Source::Default
    );
    std::fs::write(dir.path().join("signoff.yml"), "required: [coverage]\n").unwrap();
    assert_eq!(
        Policy::load(dir.path(), None).unwrap().required,
        ["coverage"]
    );
}

const MALFORMED: &[&str] = &[
    "typo-key.yml",
    "typo-top-level.yml",
    "unknown-gate-required.yml",
    "unknown-gate-section.yml",
    "wrong-type-threshold.yml",
    "threshold-out-of-range.yml",
    "negative-count.yml",
    "bad-date.yml",
    "date-wrong-format.yml",
    "list-for-map.yml",
    "map-for-list.yml",
    "waiver-without-reason.yml",
    "waiver-without-target.yml",
    "duplicate-key.yml",
    "unclosed-flow.yml",
    "alias-bomb.yml",
    "binary-garbage.yml",
    "latin1.yml",
];

#[test]
fn malformed_policies_name_the_place_and_the_fix() {
    let mut all = String::new();
    for name in MALFORMED {
        let error = load(name).expect_err(name);
        for problem in &error.problems {
            assert!(problem.line > 0, "{name}: no line in {error}");
            assert!(problem.help.is_some(), "{name}: no help in {error}");
        }
        let text = error.to_string();
        assert!(text.contains(&format!("{name}:")), "{name}: {text}");
        let text = text.replace(&fixture("").display().to_string(), "");
        all.push_str(&format!("--- {name}\n{text}\n"));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn typos_get_suggestions() {
    let error = load("typo-key.yml").unwrap_err();
    assert_eq!(error.problems[0].line, 4);
    assert!(
        error.problems[0]
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean `lines`?")
    );
    let error = load("unknown-gate-required.yml").unwrap_err();
    assert_eq!((error.problems[0].line, error.problems[0].column), (3, 5));
    assert!(error.to_string().contains("did you mean `secret-scan`?"));
}

#[test]
fn active_waivers_mark_findings_and_expired_ones_do_not() {
    use crate::report::{Finding, Location, Severity};
    let policy = load("valid.yml").unwrap();
    let finding = |path: &str| Finding {
        rule: "lines-below-threshold".into(),
        severity: Severity::High,
        message: "m".into(),
        location: Some(Location {
            path: path.into(),
            ..Default::default()
        }),
        fingerprint: "f".into(),
        waived: false,
        help: None,
        details: Default::default(),
    };
    let mut findings = vec![finding("generated/x.rs"), finding("src/x.rs")];
    let date = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    assert_eq!(
        policy.apply_waivers("coverage", &mut findings, date("2027-01-01")),
        1
    );
    assert!(findings[0].waived && !findings[1].waived);
    assert_eq!(findings[0].details["waiver"]["reason"], "generated code");
    let mut findings = vec![finding("generated/x.rs")];
    assert_eq!(
        policy.apply_waivers("coverage", &mut findings, date("2027-02-01")),
        0
    );
    assert!(!findings[0].waived);
}

#[test]
fn external_gates_can_be_required_and_waived() {
    let text = "required: [sbom, codeql]\nexternal:\n  codeql: {fail_on: medium}\nwaivers:\n  - {gate: codeql, rule: js/xss, reason: sanitized upstream, expires: 2030-01-01}\n";
    let policy = Policy::from_str(text, "signoff.yml").unwrap();
    assert!(policy.knows_gate("codeql") && !policy.knows_gate("semgrep"));
    assert_eq!(
        policy.external["codeql"].fail_on,
        Some(crate::report::Severity::Medium)
    );
    let error = Policy::from_str("required: [codeql]\n", "signoff.yml").unwrap_err();
    assert!(
        error.to_string().contains("declared under `external:`"),
        "{error}"
    );
    let error =
        Policy::from_str("external:\n  sbom: {}\n  Bad_Name: {}\n", "signoff.yml").unwrap_err();
    assert_eq!(error.problems.len(), 2, "{error}");
    let error =
        Policy::from_str("external:\n  codeql: {fail_on: severe}\n", "signoff.yml").unwrap_err();
    assert!(
        error.to_string().contains("did you mean") || error.to_string().contains("expected one of"),
        "{error}"
    );
}

#[test]
fn advisory_waivers_cover_any_alias_and_optionally_one_package() {
    let policy = Policy::from_str(
        "waivers:\n  - {gate: vulnerabilities, advisory: cve-2021-44906, package: minimist, reason: argv only, expires: 2999-12-31}\n",
        "signoff.yml",
    )
    .unwrap();
    let finding = |package: &str| {
        let mut finding = Finding {
            rule: "vulnerable-dependency".into(),
            severity: crate::report::Severity::Critical,
            message: "m".into(),
            location: None,
            fingerprint: "f".into(),
            waived: false,
            help: None,
            details: Default::default(),
        };
        finding
            .details
            .insert("id".into(), "GHSA-xvch-5gv4-984h".into());
        finding
            .details
            .insert("aliases".into(), serde_json::json!(["CVE-2021-44906"]));
        finding.details.insert("package".into(), package.into());
        finding
    };
    let today = "2026-01-01".parse().unwrap();
    assert!(
        policy
            .waiver_for("vulnerabilities", &finding("minimist"), today)
            .is_some()
    );
    assert!(
        policy
            .waiver_for("vulnerabilities", &finding("other"), today)
            .is_none()
    );
    assert!(
        policy
            .waiver_for("sbom", &finding("minimist"), today)
            .is_none()
    );
    for (text, expected) in [
        (
            "{gate: vulnerabilities, advisory: X, rule: r, reason: r, expires: 2999-01-01}",
            "names an `advisory` and also",
        ),
        (
            "{gate: vulnerabilities, package: p, fingerprint: f, reason: r, expires: 2999-01-01}",
            "a `package` without an `advisory`",
        ),
    ] {
        let error =
            Policy::from_str(&format!("waivers:\n  - {text}\n"), "signoff.yml").unwrap_err();
        assert!(error.to_string().contains(expected), "{error}");
    }
}
