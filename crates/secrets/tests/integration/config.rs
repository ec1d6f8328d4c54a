//! gitleaks-format configuration: custom rules and allowlists, `[extend] useDefault`, and
//! clear errors for broken files.

use crate::common::{example, github_token, scan};

const CONFIG: &str = r#"
title = "team rules"

[extend]
useDefault = true

[[rules]]
id = "acme-service-token"
description = "ACME service token"
regex = '''\b(acme_[a-z0-9]{32})\b'''
keywords = ["acme_"]
entropy = 3.0

[[rules.allowlists]]
description = "sandbox tokens"
regexTarget = "line"
regexes = ['''sandbox''']

[[allowlists]]
description = "fixtures"
paths = ['''(^|/)fixtures/''']
"#;

#[test]
fn custom_rules_and_allowlists_apply() {
    let dir = tempfile::tempdir().unwrap();
    let custom = example("acme_{l:32}", 1);
    let sandbox = example("acme_{l:32}", 2);
    let fixture = github_token(3);
    let token = github_token(4);
    std::fs::write(dir.path().join(".gitleaks.toml"), CONFIG).unwrap();
    std::fs::create_dir_all(dir.path().join("tests/fixtures")).unwrap();
    std::fs::write(
        dir.path().join("app.cfg"),
        format!("svc = {custom}\nsandbox_svc = {sandbox}\ngh = {token}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tests/fixtures/gh.txt"),
        format!("{fixture}\n"),
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    let mut found: Vec<(String, u64)> = outcome
        .findings()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("acme-service-token".to_owned(), 1),
            ("github-pat".to_owned(), 3)
        ]
    );
    assert!(
        outcome.report["details"]["config"]
            .as_str()
            .unwrap()
            .ends_with(".gitleaks.toml")
    );
    outcome.assert_never_shows(&[custom, sandbox, fixture, token]);
}

#[test]
fn config_without_use_default_replaces_the_default_rules() {
    let dir = tempfile::tempdir().unwrap();
    let config = CONFIG.replace("useDefault = true", "useDefault = false");
    std::fs::write(dir.path().join("rules.toml"), config).unwrap();
    std::fs::write(dir.path().join("a.txt"), format!("{}\n", github_token(5))).unwrap();
    let outcome = scan(
        dir.path(),
        &[
            "--mode",
            "tree",
            "--config",
            dir.path().join("rules.toml").to_str().unwrap(),
        ],
    );
    assert_eq!(outcome.report["metrics"]["rules"], 1);
    assert!(outcome.findings().is_empty());
}

#[test]
fn broken_config_is_an_error_with_place_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".gitleaks.toml"),
        "[[rules]]\nid = \"x\"\nregex = '''(unclosed'''\n",
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(outcome.run.code, 2);
    assert_eq!(outcome.report["status"], "error");
    assert!(
        outcome
            .run
            .stderr
            .contains("rule `x`: `regex` does not compile"),
        "{}",
        outcome.run.stderr
    );
    assert!(
        outcome.run.stderr.contains("help:"),
        "{}",
        outcome.run.stderr
    );

    std::fs::write(dir.path().join(".gitleaks.toml"), "[[rules]\n").unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(outcome.run.code, 2);
    assert!(
        outcome.run.stderr.contains(".gitleaks.toml:1"),
        "{}",
        outcome.run.stderr
    );

    let missing = scan(
        dir.path(),
        &["--mode", "tree", "--config", "/no/such/file.toml"],
    );
    assert_eq!(missing.run.code, 2);
    assert!(
        missing
            .run
            .stderr
            .contains("cannot read the gitleaks config"),
        "{}",
        missing.run.stderr
    );
}

#[test]
fn broken_baseline_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.json"), "{\"schema\": 1}").unwrap();
    let outcome = scan(
        dir.path(),
        &[
            "--mode",
            "tree",
            "--baseline",
            dir.path().join("b.json").to_str().unwrap(),
        ],
    );
    assert_eq!(outcome.run.code, 2);
    assert!(
        outcome.run.stderr.contains("invalid baseline"),
        "{}",
        outcome.run.stderr
    );
}
