//! The review by area, read from signoff.json: which areas are assessed, how they are
//! graded, and the maturity level.

use crate::*;
use signoff_core::report::Severity;

/// The review's entry for `area` in signoff.json.
fn area(json: &serde_json::Value, area: &str) -> serde_json::Value {
    json["review"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == area)
        .cloned()
        .unwrap_or_else(|| panic!("no area {area} in {json}"))
}

/// A pipeline gate report with `deploys` deploy jobs and findings of the given rules.
fn pipeline(deploys: u64, rules: &[(&str, Severity)]) -> signoff_core::GateReport {
    gate("pipeline", "pipeline", 10, |b| {
        b.metric("production_deploys", deploys);
        for (i, (rule, severity)) in rules.iter().enumerate() {
            let mut finding = Finding::new(TestRule::Unpinned)
                .at(".github/workflows/ci.yml", 10 + i as u64)
                .message(format!("{rule} here"))
                .build();
            finding.rule = (*rule).to_owned();
            finding.severity = *severity;
            b.finding(finding);
        }
    })
}

#[test]
fn the_release_path_is_assessed_only_when_a_production_deploy_was_found() {
    for (deploys, assessed) in [(0, false), (2, true)] {
        let s = Scenario::new().gate("pipeline.gate.json", &pipeline(deploys, &[]));
        s.run();
        let json = s.signoff_json();
        assert_eq!(
            area(&json, "release-path")["assessed"],
            assessed,
            "{deploys} deploys"
        );
        assert_eq!(area(&json, "supply-chain")["grade"], "A");
    }
}

#[test]
fn findings_land_in_the_area_of_their_rule_and_grades_follow_the_caps() {
    let s = Scenario::new().gate(
        "pipeline.gate.json",
        &pipeline(
            1,
            &[
                ("untrusted-checkout", Severity::Critical),
                ("deploy-not-gated", Severity::High),
                ("missing-timeout", Severity::Low),
            ],
        ),
    );
    s.run();
    let json = s.signoff_json();
    // One critical: 100 - 25 = 75, held at 50 by the critical cap.
    let supply = area(&json, "supply-chain");
    assert_eq!(
        (supply["score"].as_u64(), supply["grade"].as_str()),
        (Some(50), Some("F"))
    );
    // One high: 90, held at 75 (C).
    let release = area(&json, "release-path");
    assert_eq!(
        (release["score"].as_u64(), release["grade"].as_str()),
        (Some(75), Some("C"))
    );
    // One low: 99 (A).
    let quality = area(&json, "build-and-test-quality");
    assert_eq!(
        (quality["score"].as_u64(), quality["grade"].as_str()),
        (Some(99), Some("A"))
    );
    // One risk per cause (the default policy's missing required gates are risks too).
    let risks = json["review"]["risks"].as_array().unwrap();
    let pipeline: Vec<_> = risks.iter().filter(|r| r["gate"] == "pipeline").collect();
    assert_eq!(pipeline.len(), 3, "{risks:?}");
    assert!(
        risks
            .iter()
            .any(|r| r["gate"] == "sbom" && r["rule"].is_null()),
        "{risks:?}"
    );
}

#[test]
fn an_area_no_gate_that_ran_looks_at_gets_no_grade_even_with_findings() {
    // The infra gate's probe finding belongs to operability, which only the health check
    // assesses: it is listed as a risk, but operability is not graded on it.
    let infra = gate("infra", "infra", 10, |b| {
        let mut finding = Finding::new(TestRule::Slow).at("k8s/app.yaml", 3).build();
        finding.rule = "k8s-no-probes".into();
        b.finding(finding);
    });
    let s = Scenario::new().gate("infra.gate.json", &infra);
    s.run();
    let json = s.signoff_json();
    let operability = area(&json, "operability");
    assert_eq!(operability["assessed"], false);
    assert!(operability["grade"].is_null());
    assert_eq!(operability["open"]["low"], 1);
    assert_eq!(area(&json, "runtime-configuration")["grade"], "A");
    let md = s.report_md();
    assert!(md.contains("not assessed: add `checks:`"), "{md}");
}

#[test]
fn maturity_follows_the_written_criteria() {
    // Approved, four areas assessed, all A: level 2, and level 3 needs one more area.
    let s = Scenario::new()
        .policy(ALL_REQUIRED)
        .gate("secret-scan.gate.json", &secret_scan_pass())
        .gate("sbom.gate.json", &sbom_pass())
        .gate("coverage.gate.json", &coverage_pass())
        .gate("health-check.gate.json", &health_pass());
    s.run();
    assert_eq!(s.signoff_json()["review"]["maturity"], 2);
    // With the pipeline gate (supply chain, and the release path with a deploy job): six
    // areas, all A, nothing open: level 4; level 5 needs the runtime configuration.
    let s = s.gate("pipeline.gate.json", &pipeline(1, &[]));
    s.run();
    assert_eq!(s.signoff_json()["review"]["maturity"], 4);
    let md = s.report_md();
    assert!(md.contains("**To reach level 5, Optimizing:**"), "{md}");
    assert!(md.contains("get assessed: Runtime configuration"), "{md}");
}

#[test]
fn a_strength_is_claimed_only_for_an_area_with_nothing_above_low_open() {
    // Found on OWASP/crAPI: build and test quality is an A with `missing-sast` (medium)
    // open, and the report still praised its security steps.
    let with_medium = Scenario::new().gate(
        "pipeline.gate.json",
        &pipeline(0, &[("missing-sast", Severity::Medium)]),
    );
    with_medium.run();
    let json = with_medium.signoff_json();
    assert_eq!(area(&json, "build-and-test-quality")["grade"], "A");
    let md = with_medium.report_md();
    assert!(
        !md.contains("every check the workflows run can fail the run"),
        "{md}"
    );

    let clean = Scenario::new().gate("pipeline.gate.json", &pipeline(0, &[]));
    clean.run();
    let md = clean.report_md();
    assert!(
        md.contains("Every check the workflows run can fail the run."),
        "{md}"
    );
}
