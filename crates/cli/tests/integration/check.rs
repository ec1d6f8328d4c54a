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
            .any(|v| verdict_line.starts_with(&format!("signoff: {v} (score "))),
        "{verdict_line}"
    );
    assert!(
        run.stdout.contains("report: signoff-out/report.md"),
        "{}",
        run.stdout
    );
    let report = std::fs::read_to_string(repo.path().join("signoff-out/report.md")).unwrap();
    assert!(report.contains("Sign-off"), "{report}");
    // No coverage report in this repository: the gate table says so rather than "0 open".
    assert!(
        report.contains("| [Coverage](#gate-coverage) | ⏭️ skipped | — | nothing to check |"),
        "{report}"
    );
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
    // The stale file is gone; the coverage gate, with no report to read, wrote a fresh
    // `skipped` report in its place.
    let fresh = signoff_testkit::assert_valid_gate_report(&out.join("coverage.gate.json"));
    assert_eq!(fresh["status"], "skipped", "{}", run.stdout);
    assert!(
        run.stdout.contains("no coverage report found"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_runs_the_coverage_gate_on_a_report_it_finds() {
    let mut repo = signoff_testkit::GitRepo::new();
    // The report c8 wrote for the coverage crate's fixture program.
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../coverage/tests/fixtures");
    repo.write(
        "calc.js",
        std::fs::read(fixtures.join("src/js/calc.js")).unwrap(),
    );
    repo.write(
        "coverage/lcov.info",
        std::fs::read(fixtures.join("js/lcov.info")).unwrap(),
    );
    repo.commit("js");
    let run = signoff().current_dir(repo.path()).arg("check").run();
    let report = signoff_testkit::assert_valid_gate_report(
        &repo.path().join("signoff-out/coverage.gate.json"),
    );
    // No threshold is set, so coverage is measured but not judged: a warning.
    assert_eq!(report["status"], "warn", "{}", run.all_output());
    assert!(
        report["details"]["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("no coverage threshold is set"),
        "{report}"
    );
    assert_eq!(report["metrics"]["lines_total"], 17);
    assert!(run.stdout.contains("lines 70.5% (12/17)"), "{}", run.stdout);
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

/// A one-response-per-connection HTTP server on 127.0.0.1 that answers 200 `{"status":"ok"}`
/// to at most `count` connections, then stops.
fn tiny_server(count: usize) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let body = "{\"status\":\"ok\"}";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}/health")
}

#[test]
fn health_check_runs_when_signoff_yml_lists_urls() {
    let url = tiny_server(4);
    let mut repo = signoff_testkit::GitRepo::new();
    repo.write(
        "signoff.yml",
        format!(
            "required: [health-check]\ngates:\n  health-check:\n    deadline: 10s\n    checks:\n      - {{name: api, url: \"{url}\", expect: ['$.status == \"ok\"']}}\n"
        ),
    );
    repo.commit("policy");
    let run = signoff().current_dir(repo.path()).arg("check").run();
    assert!(
        run.stdout.contains("health-check    pass"),
        "{}",
        run.all_output()
    );
    let report = signoff_testkit::assert_valid_gate_report(
        &repo.path().join("signoff-out/health-check.gate.json"),
    );
    assert_eq!(report["details"]["checks"][0]["name"], "api");
}

#[test]
fn health_check_is_skipped_without_urls() {
    let mut repo = signoff_testkit::GitRepo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("initial");
    let run = signoff().current_dir(repo.path()).arg("check").run();
    assert!(
        run.stdout
            .contains("health-check    skipped  no URLs to check"),
        "{}",
        run.stdout
    );
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

#[test]
fn check_runs_the_secret_scan_over_the_history() {
    let mut repo = signoff_testkit::GitRepo::new();
    // A token assembled at run time, so this file holds no credential-shaped text.
    repo.write(
        "deploy.env",
        format!("GH_TOKEN={}\n", crate::trust::token()),
    );
    repo.commit("add a token");
    repo.write("deploy.env", "GH_TOKEN=${GH_TOKEN}\n");
    repo.commit("remove it");
    let run = signoff().current_dir(repo.path()).arg("check").run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert!(run.stdout.contains("secret-scan"), "{}", run.stdout);
    let report = signoff_testkit::assert_valid_gate_report(
        &repo.path().join("signoff-out/secret-scan.gate.json"),
    );
    assert_eq!(report["details"]["mode"], "history");
    assert_eq!(report["findings"][0]["rule"], "github-pat");
}
