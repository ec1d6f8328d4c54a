//! The report judges waivers itself: a gate report's `waived` flags never stand against
//! the policy the sign-off is made with.

use signoff_core::report::{Check, Finding, GateReport, Op};

use crate::*;

/// A passing secret scan whose one finding the gate waived: under a policy waiver
/// (`details.waiver`, as `Policy::apply_waivers` records it) or by its baseline.
fn scan_with_waived_finding(by_policy: bool) -> GateReport {
    let mut finding = secret(
        TestRule::GithubPat,
        "tests/fixtures/token.txt",
        3,
        "ghp_Zq3nW8xV2cT6yB1mK9pL4rD7sF0gH5jA2eUi",
    );
    // As the secret scan words it: the message already shows the redacted preview.
    let preview = finding.details["preview"].as_str().unwrap().to_owned();
    finding.message = format!("GitHub token `{preview}` at tests/fixtures/token.txt:3");
    finding.waived = true;
    if by_policy {
        finding.details.insert(
            "waiver".into(),
            serde_json::json!({"reason": "test fixture", "expires": "2020-01-31"}),
        );
    } else {
        finding.details.insert("baseline".into(), true.into());
    }
    gate(
        "secret-scan",
        "1 secret found in 12 commits, all waived or baselined",
        40,
        |b| {
            b.check(Check::new("unwaived-findings", Op::Le, 0.0, 0.0))
                .finding(finding);
        },
    )
}

fn fingerprint(report: &GateReport) -> String {
    report.findings[0].fingerprint.clone()
}

#[test]
fn a_waiver_that_expired_since_the_gate_ran_rejects() {
    let scan = scan_with_waived_finding(true);
    let policy = format!(
        "required: [secret-scan]\nwaivers:\n  - gate: secret-scan\n    fingerprint: \"{}\"\n    reason: test fixture\n    expires: 2020-01-31\n",
        fingerprint(&scan)
    );
    let s = Scenario::new()
        .policy(&policy)
        .gate("secret-scan.gate.json", &scan);
    s.run_expecting("REJECTED");
    let json = s.signoff_json();
    assert_eq!(json["gates"][0]["status"], "fail", "{json:#}");
    assert_eq!(json["waivers"]["expired"][0]["findings"], 1);
    let md = s.report_md();
    assert!(
        md.contains("not in force in this policy (expired or removed); it is open again"),
        "{md}"
    );
    // The finding counts as open: the score loses a critical finding's points.
    assert!(
        json["gates"][0]["score"].as_u64().unwrap() < 100,
        "{json:#}"
    );
}

#[test]
fn a_gate_waiver_the_policy_does_not_hold_rejects() {
    let s = Scenario::new()
        .policy("required: [secret-scan]\n")
        .gate("secret-scan.gate.json", &scan_with_waived_finding(true));
    s.run_expecting("REJECTED");
}

#[test]
fn a_finding_the_gate_baselined_is_a_condition() {
    let s = Scenario::new()
        .policy("required: [secret-scan]\n")
        .gate("secret-scan.gate.json", &scan_with_waived_finding(false));
    s.run_expecting("APPROVED WITH CONDITIONS");
    let md = s.report_md();
    // Said how it is accepted, and the preview once, not again after the message.
    let row = md.lines().find(|l| l.contains("`github-pat`")).unwrap();
    assert!(row.contains("(baselined)"), "{row}");
    assert_eq!(row.matches("ghp_").count(), 1, "{row}");
    assert!(
        s.report_md()
            .contains("1 finding is accepted by the gate's baseline or suppressions"),
        "{}",
        s.report_md()
    );
}

#[test]
fn an_active_policy_waiver_waives_what_the_gate_left_open() {
    let mut finding = Finding::new(TestRule::Unpinned)
        .at("requirements-dev.txt", 4)
        .message("`pytest>=7` is not pinned to one version")
        .build();
    finding.waived = false;
    let sbom = gate("sbom", "312 components; 1 unpinned requirement", 95, |b| {
        b.metric("components", 312).finding(finding);
    });
    let without = Scenario::new()
        .policy("required: [sbom]\n")
        .gate("sbom.gate.json", &sbom);
    assert_eq!(without.run().code, 0);
    let open_score = without.signoff_json()["gates"][0]["score"]
        .as_u64()
        .unwrap();
    assert!(open_score < 100);

    let with = Scenario::new()
        .policy("required: [sbom]\nwaivers:\n  - gate: sbom\n    rule: unpinned-requirement\n    path: \"requirements-*.txt\"\n    reason: dev-only tools float on purpose\n    expires: 2099-12-31\n")
        .gate("sbom.gate.json", &sbom);
    with.run_expecting("APPROVED WITH CONDITIONS");
    let json = with.signoff_json();
    assert_eq!(json["gates"][0]["score"], 100, "{json:#}");
    assert_eq!(json["waivers"]["in_force"][0]["findings"], 1);
}
