//! `signoff check` end to end on a repository made at test time.

use crate::signoff;

#[test]
fn check_prints_a_verdict_and_writes_the_report() {
    let mut repo = signoff_testkit::GitRepo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("initial");
    let run = signoff().current_dir(repo.path()).arg("check").run();
    assert!(run.code == 0 || run.code == 1, "{}", run.all_output());
    assert!(run.stdout.starts_with("signoff: "), "{}", run.stdout);
    let verdict_line = run.stdout.lines().next().unwrap();
    assert!(
        ["APPROVED", "APPROVED WITH CONDITIONS", "REJECTED"]
            .iter()
            .any(|v| verdict_line == format!("signoff: {v}")),
        "{verdict_line}"
    );
    assert!(
        run.stdout.contains("report: signoff-out/report.md"),
        "{}",
        run.stdout
    );
    let report = std::fs::read_to_string(repo.path().join("signoff-out/report.md")).unwrap();
    assert!(report.contains("Sign-off"), "{report}");
    for entry in std::fs::read_dir(repo.path().join("signoff-out")).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".gate.json") {
            signoff_testkit::assert_valid_gate_report(&path);
        }
    }
}

#[test]
fn stale_gate_reports_from_an_earlier_run_are_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("signoff-out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("coverage.gate.json"),
        "{\"schema\":\"signoff/gate/v1\"}",
    )
    .unwrap();
    let run = signoff().current_dir(dir.path()).arg("check").run();
    assert!(!out.join("coverage.gate.json").exists());
    assert!(!run.stdout.contains("coverage"), "{}", run.stdout);
}

#[test]
fn version_and_help() {
    let run = signoff().arg("--version").run();
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("signoff "), "{}", run.stdout);
    let run = signoff().arg("--help").run();
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("check"), "{}", run.stdout);
    let run = signoff().arg("--no-such-flag").run();
    assert_eq!(run.code, 2);
}

#[test]
fn check_runs_the_sbom_gate_on_the_repository() {
    let mut repo = signoff_testkit::GitRepo::new();
    let fixture = signoff_testkit::workspace_root().join("crates/sbom/tests/fixtures/cargo");
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "app/Cargo.toml",
        "core/Cargo.toml",
    ] {
        repo.write(file, std::fs::read(fixture.join(file)).unwrap());
    }
    repo.commit("initial");
    let run = signoff().current_dir(repo.path()).arg("check").run();
    assert!(run.stdout.contains("sbom"), "{}", run.all_output());
    let out = repo.path().join("signoff-out");
    let gate = signoff_testkit::assert_valid_gate_report(&out.join("sbom.gate.json"));
    assert_eq!(gate["status"], "pass", "{gate}");
    let bom = std::fs::read_to_string(out.join("sbom.cdx.json")).unwrap();
    assert!(bom.contains("pkg:cargo/itoa@1.0.11"));

    // Without any manifest the gate is skipped and says why.
    let empty = signoff_testkit::GitRepo::new();
    empty.write("README.md", "# demo\n");
    signoff().current_dir(empty.path()).arg("check").run();
    let gate =
        signoff_testkit::assert_valid_gate_report(&empty.path().join("signoff-out/sbom.gate.json"));
    assert_eq!(gate["status"], "skipped");
}
