//! The seed-fault repository (`tests/fixtures/seed-fault/`, see its README): every fault
//! planted for a gate is reported with its rule at its line, and `signoff check` rejects
//! the repository.

use std::path::{Path, PathBuf};

use crate::signoff;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed-fault")
}

/// Copies the fixture into a fresh git repository with one commit.
fn repository() -> signoff_testkit::GitRepo {
    let mut repo = signoff_testkit::GitRepo::new();
    copy(&fixture(), repo.path());
    repo.commit("the seed-fault repository");
    repo
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `rule path:line` of a finding or an expected fault (`rule path` for one about the
/// whole repository, which has no line).
fn place(item: &serde_json::Value, location: &serde_json::Value) -> String {
    let rule = item["rule"].as_str().unwrap();
    let path = location["path"].as_str().unwrap_or("");
    match location["line"].as_u64() {
        Some(line) => format!("{rule} {path}:{line}"),
        None => format!("{rule} {path}"),
    }
}

/// `rule path:line` of every finding of a gate report.
fn reported(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| place(f, &f["location"]))
        .collect()
}

/// Runs `signoff <gate>` on the seed-fault repository and checks that every fault of
/// `expected/<gate>.json` is reported at its line (at least `min` of them), that SARIF
/// carries the same findings, and snapshots the whole list. Returns the gate report.
fn planted_faults_are_reported(gate: &str, min: usize) -> serde_json::Value {
    let repo = repository();
    let out = repo.path().join("out");
    let run = signoff()
        .args([gate, "--out"])
        .arg(&out)
        .arg(repo.path())
        .run();
    assert_eq!(
        run.code,
        1,
        "the gate fails on the planted faults\n{}",
        run.all_output()
    );
    let report = signoff_testkit::assert_valid_gate_report(&out.join(format!("{gate}.gate.json")));
    let found = reported(&report);
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture().join(format!("expected/{gate}.json"))).unwrap(),
    )
    .unwrap();
    let faults = expected["faults"].as_array().unwrap();
    assert!(faults.len() >= min, "{} faults", faults.len());
    let missed: Vec<String> = faults
        .iter()
        .map(|f| place(f, f))
        .filter(|want| !found.contains(want))
        .collect();
    assert!(
        missed.is_empty(),
        "planted faults not reported at their line:\n{}\n\nreported:\n{}",
        missed.join("\n"),
        found.join("\n")
    );
    // What the gate reports beyond the planted faults is reviewed here.
    let mut all = found.clone();
    all.sort();
    insta::assert_snapshot!(format!("{gate}_findings"), all.join("\n"));
    // The SARIF log carries the same findings.
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join(format!("{gate}.sarif"))).unwrap())
            .unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        found.len()
    );
    report
}

#[test]
fn every_planted_pipeline_fault_is_reported_at_its_line() {
    planted_faults_are_reported("pipeline", 40);
}

/// The infra gate's faults (issue 17), and the credential it leaves to the secret scan: the
/// infra gate does not report it, counts it as deferred, and the secret scan reports it.
#[test]
fn every_planted_infra_fault_is_reported_at_its_line() {
    let report = planted_faults_are_reported("infra", 35);
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture().join("expected/infra.json")).unwrap(),
    )
    .unwrap();
    let deferred = expected["deferred"].as_array().unwrap();
    let found = reported(&report);
    for item in deferred {
        let place = place(item, item);
        assert!(!found.contains(&place), "{place} is the secret scan's");
    }
    assert_eq!(
        report["metrics"]["deferred_to_secret_scan"].as_u64(),
        Some(deferred.len() as u64)
    );
    let repo = repository();
    let out = repo.path().join("out");
    signoff()
        .args(["secret-scan", "--mode", "tree", "--out"])
        .arg(&out)
        .arg(repo.path())
        .run();
    let secrets = signoff_testkit::assert_valid_gate_report(&out.join("secret-scan.gate.json"));
    let lines: Vec<String> = secrets["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                f["location"]["path"].as_str().unwrap_or(""),
                f["location"]["line"]
            )
        })
        .collect();
    for item in deferred {
        let at = format!("{}:{}", item["path"].as_str().unwrap(), item["line"]);
        assert!(
            lines.contains(&at),
            "the secret scan does not report {at}: {lines:?}"
        );
    }
}

#[test]
fn signoff_check_rejects_the_seed_fault_repository() {
    let repo = repository();
    let run = signoff().current_dir(repo.path()).arg("check").run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert!(
        run.stdout.starts_with("signoff: REJECTED"),
        "{}",
        run.stdout
    );
    let report = std::fs::read_to_string(repo.path().join("signoff-out/report.md")).unwrap();
    assert!(report.contains("The `pipeline` gate failed."), "{report}");
    assert!(report.contains("Pipeline and release path"), "{report}");
    assert!(report.contains("The `infra` gate failed."), "{report}");
    assert!(report.contains("Infrastructure as code"), "{report}");
    let gate = signoff_testkit::assert_valid_gate_report(
        &repo.path().join("signoff-out/pipeline.gate.json"),
    );
    assert_eq!(gate["status"], "fail");
    let infra =
        signoff_testkit::assert_valid_gate_report(&repo.path().join("signoff-out/infra.gate.json"));
    assert_eq!(infra["status"], "fail");
}
