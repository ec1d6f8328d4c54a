//! Item 14: the smaller defects, each as users met it.

use super::{check, fixture, project, report_md};

/// The HTML page's title names the verdict, and the repository only when there is one.
#[test]
fn issue_13_item_14_the_html_title_has_no_placeholder() {
    let repo = project();
    check(repo.path()).run();
    let html = std::fs::read_to_string(repo.path().join("signoff-out/report.html")).unwrap();
    assert!(
        html.contains("<title>Sign-off: APPROVED WITH CONDITIONS</title>"),
        "{}",
        &html[..400.min(html.len())]
    );
    assert!(!html.contains("— repository"));
}

/// The SBOM's key metric counts what its summary counts (dependencies, not components).
#[test]
fn issue_13_item_14_the_sbom_key_metric_agrees_with_its_summary() {
    let repo = project();
    check(repo.path()).run();
    let gate =
        signoff_testkit::assert_valid_gate_report(&repo.path().join("signoff-out/sbom.gate.json"));
    let dependencies = gate["metrics"]["dependencies"].as_u64().unwrap();
    assert_ne!(
        dependencies,
        gate["metrics"]["components"].as_u64().unwrap()
    );
    let summary = gate["summary"].as_str().unwrap();
    assert!(
        summary.starts_with(&format!("{dependencies} dependencies")),
        "{summary}"
    );
    let report = report_md(repo.path());
    assert!(
        report.contains(&format!("| {dependencies} dependencies |")),
        "{report}"
    );
}

/// A gate report with `n` findings whose messages are long, so the report outgrows
/// GitHub's 1 MiB job-summary limit.
fn huge_gate_report(dir: &std::path::Path, n: usize) {
    let findings: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "rule": "long-message",
                "severity": "low",
                "message": format!("finding {i}: {}", "words ".repeat(400)),
                "fingerprint": format!("f{i}"),
                "waived": false,
            })
        })
        .collect();
    let report = serde_json::json!({
        "schema": "signoff/gate/v1",
        "gate": "lint",
        "tool": {"name": "lint", "version": "1"},
        "status": "pass",
        "summary": "many findings",
        "started_at": "2026-01-01T00:00:00Z",
        "duration_ms": 1,
        "subject": {"root": "."},
        "findings": findings,
    });
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("lint.gate.json"), report.to_string()).unwrap();
}

/// The notes on a cut job summary name the artifact that really holds the report.
#[test]
fn issue_13_item_14_truncation_notes_name_the_real_artifact() {
    let dir = tempfile::tempdir().unwrap();
    huge_gate_report(&dir.path().join("gates"), 600);
    for (name, expected) in [
        (None, "signoff-report"),
        (Some("release-signoff"), "release-signoff"),
    ] {
        let summary = dir.path().join("summary.md");
        let _ = std::fs::remove_file(&summary);
        let mut cmd = crate::signoff()
            .current_dir(dir.path())
            .args(["report", "gates", "--out", "out"])
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "push")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", dir.path().join("output"));
        if let Some(name) = name {
            cmd = cmd.env("SIGNOFF_ARTIFACT_NAME", name);
        }
        let run = cmd.run();
        let text = std::fs::read_to_string(&summary).unwrap();
        assert!(text.len() <= 1024 * 1024, "{}", run.all_output());
        assert!(
            text.contains(&format!("the full report is in the `{expected}` artifact")),
            "{}",
            &text[..600]
        );
        assert!(!text.contains("`signoff` artifact"));
    }
}

/// A template error names the user's file and the place in it, and comes before any gate.
#[test]
fn issue_13_item_14_template_errors_name_the_users_template() {
    let repo = project();
    std::fs::write(
        repo.path().join("mine.hbs"),
        "# {{verdict}}\n{{#each gates}}\n- {{title}} {{no_such_field}}\n{{/each}}\n",
    )
    .unwrap();
    let run = check(repo.path()).args(["--template", "mine.hbs"]).run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("the template mine.hbs cannot be rendered: the variable `no_such_field` does not exist at line 3"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("templates/"), "{}", run.stderr);
    assert!(!repo.path().join("signoff-out").exists());
}

/// `--help` shows `--report` as required for the coverage gate (merge takes its own).
#[test]
fn issue_13_item_14_help_shows_report_as_required() {
    let run = crate::signoff().args(["coverage", "--help"]).run();
    let usage = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Usage:"))
        .unwrap();
    assert!(usage.contains("--report <FILE>"), "{usage}");
    assert!(!usage.contains("[--report"), "{usage}");
    let run = crate::signoff().args(["coverage", "--lines", "80"]).run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(run.stderr.contains("--report <FILE>"), "{}", run.stderr);
}

/// `coverage merge` merges; it judges nothing, so it writes no gate report.
#[test]
fn issue_13_item_14_coverage_merge_writes_no_gate_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lcov.info"),
        fixture("crates/coverage/tests/fixtures/js/lcov.info"),
    )
    .unwrap();
    let run = crate::signoff()
        .current_dir(dir.path())
        .args([
            "coverage",
            "merge",
            "--report",
            "lcov.info",
            "--output",
            "merged.info",
        ])
        .run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(
        run.stdout.contains("coverage merge: merged 1 report"),
        "{}",
        run.stdout
    );
    assert!(dir.path().join("merged.info").is_file());
    assert!(!dir.path().join("signoff-out/coverage.gate.json").exists());
}

/// The dependency-changes section names the packages, not only counts.
#[test]
fn issue_13_item_14_the_sbom_diff_section_names_packages() {
    let dir = tempfile::tempdir().unwrap();
    let root = signoff_testkit::workspace_root().join("crates/sbom/tests/fixtures");
    let run = crate::signoff()
        .current_dir(dir.path())
        .args(["sbom", "diff"])
        .arg(root.join("cargo"))
        .arg(root.join("npm-v3"))
        .args(["--out", "gates"])
        .run();
    let gate =
        signoff_testkit::assert_valid_gate_report(&dir.path().join("gates/sbom-diff.gate.json"));
    let run2 = crate::signoff()
        .current_dir(dir.path())
        .args(["report", "gates", "--out", "out"])
        .run();
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).unwrap();
    let section = report
        .split("### ")
        .find(|s| s.contains("Dependency changes\n"))
        .unwrap();
    let mut named = 0;
    for key in ["added", "removed", "changed"] {
        for entry in gate["details"][key].as_array().unwrap().iter().take(3) {
            let name = entry
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| entry["package"].as_str().unwrap().to_owned());
            assert!(
                section.contains(&name),
                "{name} missing:\n{section}\n{}{}",
                run.all_output(),
                run2.all_output()
            );
            named += 1;
        }
    }
    assert!(named > 0, "the fixtures differ in no package: {gate}");
}

/// `version: latest` installs the newest release.
#[test]
fn issue_13_item_14_version_latest_installs() {
    crate::install::latest_installs_the_newest_release();
}
