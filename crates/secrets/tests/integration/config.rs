//! gitleaks-format configuration: custom rules and allowlists, `[extend] useDefault`, and
//! clear errors for broken files.

use signoff_testkit::GitRepo;

use crate::common::{Outcome, example, github_token, scan};

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

/// Runs a tree scan of `files` with the gitleaks config `config` (kept outside the tree).
fn scan_with_config(files: &[(&str, String)], config: &str) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let config_dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let config_path = config_dir.path().join("gitleaks.toml");
    std::fs::write(&config_path, config).unwrap();
    scan(
        dir.path(),
        &["--mode", "tree", "--config", config_path.to_str().unwrap()],
    )
}

/// "rule path line" of every finding, sorted (`-` for no line).
fn found(outcome: &Outcome) -> Vec<String> {
    outcome.found(&["/rule", "/location/path", "/location/line"])
}

fn item(rule: &str, path: &str, line: u64) -> String {
    match line {
        0 => format!("{rule} {path} -"),
        line => format!("{rule} {path} {line}"),
    }
}

#[test]
fn allowlist_commits_allow_what_those_commits_add() {
    let mut repo = GitRepo::new();
    let (allowed, reported) = (github_token(301), github_token(302));
    repo.write("a.env", format!("GH={allowed}\n"));
    let first = repo.commit("a known test token");
    repo.write("b.env", format!("GH={reported}\n"));
    repo.commit("another token");
    // A later commit that only touches another line of the file adds nothing new.
    repo.write("a.env", format!("GH={allowed}\nMORE=1\n"));
    repo.commit("more settings");
    let config_dir = tempfile::tempdir().unwrap();
    let config = config_dir.path().join("gitleaks.toml");
    let run = |commits: &str| {
        std::fs::write(
            &config,
            format!("[extend]\nuseDefault = true\n\n[[allowlists]]\ncommits = [{commits}]\n"),
        )
        .unwrap();
        scan(
            repo.path(),
            &["--mode", "history", "--config", config.to_str().unwrap()],
        )
    };
    // Whole ids in any case allow; a prefix does not (gitleaks compares whole ids).
    let outcome = run(&format!("\"{}\"", first.to_uppercase()));
    assert_eq!(
        found(&outcome),
        [item("github-pat", "b.env", 1)],
        "{}",
        outcome.run.all_output()
    );
    assert_eq!(outcome.report["metrics"]["allowlisted"], 1);
    let outcome = run(&format!("\"{}\"", &first[..12]));
    assert_eq!(
        found(&outcome),
        [
            item("github-pat", "a.env", 1),
            item("github-pat", "b.env", 1)
        ]
    );
    outcome.assert_never_shows(&[allowed, reported]);
}

#[test]
fn allowlist_condition_and_needs_every_criterion_or_needs_one() {
    let tokens: Vec<String> = (311..314).map(github_token).collect();
    let files = [
        (
            "fixtures/sandbox.env",
            format!("GH={} # sandbox\n", tokens[0]),
        ),
        ("fixtures/prod.env", format!("GH={}\n", tokens[1])),
        ("app/sandbox.env", format!("GH={} # sandbox\n", tokens[2])),
    ];
    let config = |condition: &str| {
        format!(
            "[extend]\nuseDefault = true\n\n[[allowlists]]\ncondition = \"{condition}\"\npaths = ['''^fixtures/''']\nregexTarget = \"line\"\nregexes = ['''sandbox''']\n"
        )
    };
    let and = scan_with_config(&files, &config("AND"));
    assert_eq!(
        found(&and),
        [
            item("github-pat", "app/sandbox.env", 1),
            item("github-pat", "fixtures/prod.env", 1)
        ],
        "{}",
        and.run.all_output()
    );
    let or = scan_with_config(&files, &config("OR"));
    assert!(found(&or).is_empty(), "{}", or.run.all_output());
    // OR with paths skips the whole files, as gitleaks does.
    assert_eq!(or.report["metrics"]["excluded_skipped"], 2);
    and.assert_never_shows(&tokens);
    or.assert_never_shows(&tokens);
}

#[test]
fn rule_path_limits_a_regex_and_alone_flags_the_file() {
    let value = example("{l:16}", 321);
    let files = [
        ("certs/server.pem", "not even a key\n".to_owned()),
        ("notes.txt", "server.pem is elsewhere\n".to_owned()),
        ("conf/app.properties", format!("db.secret = {value}\n")),
        ("conf/app.txt", format!("db.secret = {value}\n")),
    ];
    let config = r#"
[[rules]]
id = "key-file"
description = "Private key file"
path = '''\.(pem|p12)$'''

[[rules]]
id = "properties-secret"
regex = '''secret\s*=\s*([a-z0-9]{16})'''
keywords = ["secret"]
path = '''\.properties$'''
"#;
    let outcome = scan_with_config(&files, config);
    assert_eq!(
        found(&outcome),
        [
            item("key-file", "certs/server.pem", 0),
            item("properties-secret", "conf/app.properties", 1)
        ],
        "{}",
        outcome.run.all_output()
    );
    outcome.assert_never_shows(&[value]);
}

#[test]
fn secret_group_selects_what_is_reported_and_allowlisted() {
    let (user, service) = (example("{l:20}", 331), example("{l:20}", 332));
    let files = [("a.cfg", format!("a = user_{user}\nb = svc_{service}\n"))];
    let config = |target: &str| {
        format!(
            "[[rules]]\nid = \"svc-token\"\nregex = '''(user|svc)_([a-z0-9]{{20}})'''\nsecretGroup = 2\nkeywords = [\"user_\", \"svc_\"]\n[[rules.allowlists]]\nregexTarget = \"{target}\"\nregexes = ['''^svc_''']\n"
        )
    };
    // The secret is group 2: an allowlist on the secret never sees the `svc_` prefix, one
    // on the whole match does.
    let on_secret = scan_with_config(&files, &config("secret"));
    assert_eq!(
        found(&on_secret),
        [item("svc-token", "a.cfg", 1), item("svc-token", "a.cfg", 2)]
    );
    let first = &on_secret.findings()[0];
    assert_eq!(
        first["details"]["preview"],
        format!("{}…{}", &user[..3], &user[18..])
    );
    assert_eq!(
        first["details"]["secret_sha256"],
        signoff_core::redact::digest(user.as_bytes())
    );
    assert_eq!(first["location"]["column"], 10);
    let on_match = scan_with_config(&files, &config("match"));
    assert_eq!(found(&on_match), [item("svc-token", "a.cfg", 1)]);
    on_secret.assert_never_shows(&[user.clone(), service.clone()]);
    on_match.assert_never_shows(&[user, service]);
}

#[test]
fn custom_entropy_thresholds_drop_matches_at_or_below_them() {
    // Four symbols, equally often: exactly 2 bits a character.
    let plain = "aabbccdd".repeat(3);
    let random = example("{l:24}", 341);
    let files = [("a.cfg", format!("x = acme_{plain}\ny = acme_{random}\n"))];
    for (threshold, expected) in [
        (
            "1.5",
            vec![item("acme", "a.cfg", 1), item("acme", "a.cfg", 2)],
        ),
        ("2.0", vec![item("acme", "a.cfg", 2)]),
        ("3.0", vec![item("acme", "a.cfg", 2)]),
        ("5.0", Vec::new()),
    ] {
        let config = format!(
            "[[rules]]\nid = \"acme\"\nregex = '''acme_([a-z0-9]{{24}})'''\nkeywords = [\"acme_\"]\nentropy = {threshold}\n"
        );
        let outcome = scan_with_config(&files, &config);
        assert_eq!(found(&outcome), expected, "entropy = {threshold}");
        outcome.assert_never_shows(&[plain.clone(), random.clone()]);
    }
}

#[test]
fn extend_disabled_rules_switch_default_rules_off() {
    let (token, key) = (github_token(351), crate::common::aws_key_id(352));
    let files = [("a.txt", format!("{token}\n{key}\n"))];
    let config = "[extend]\nuseDefault = true\ndisabledRules = [\"github-pat\"]\n";
    let outcome = scan_with_config(&files, config);
    assert_eq!(
        found(&outcome),
        [item("aws-access-key-id", "a.txt", 2)],
        "{}",
        outcome.run.all_output()
    );
    let all = scan(tempfile::tempdir().unwrap().path(), &["--mode", "tree"]);
    assert_eq!(
        outcome.report["metrics"]["rules"].as_u64().unwrap() + 1,
        all.report["metrics"]["rules"].as_u64().unwrap()
    );
    outcome.assert_never_shows(&[token, key]);
}

#[test]
fn unknown_disabled_rule_ids_warn_and_name_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "nothing\n").unwrap();
    std::fs::write(
        dir.path().join(".gitleaks.toml"),
        "[extend]\nuseDefault = true\ndisabledRules = [\"no-such-rule\", \"github-pat\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("signoff.yml"),
        "gates:\n  secret-scan:\n    disabled_rules: [also-unknown, jwt]\n",
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    assert_eq!(outcome.report["status"], "warn");
    assert_eq!(
        outcome.report["details"]["unknown_disabled_rules"],
        serde_json::json!(["also-unknown", "no-such-rule"])
    );
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(
        warnings.contains("`also-unknown`, `no-such-rule`") && !warnings.contains("`jwt`"),
        "{warnings}"
    );
    assert!(warnings.contains("disabledRules"), "{warnings}");
}

#[test]
fn custom_rules_see_the_whole_file_in_every_history_version() {
    // gitleaks semantics: a custom rule's keyword anywhere in the file lets its regex see
    // all of it. History scans rescan only what a delta changed; a version whose only
    // change is the match (its keyword far above, on an unchanged line) must still fire.
    let mut repo = GitRepo::new();
    let filler: Vec<String> = (0..600)
        .map(|i| format!("filler line {i} with some words"))
        .collect();
    let mut commits = Vec::new();
    for version in 0..10 {
        let mut lines = filler.clone();
        lines[0] = "# deploy notes".to_owned();
        lines[100 + version * 10] = format!("edited in version {version}");
        if version == 5 {
            lines[400] = "use code-483921 here".to_owned();
        }
        // Later versions grow, so the middle ones are stored as deltas of them.
        lines.extend((0..version).map(|i| format!("appendix {i}")));
        repo.write("deploy.md", lines.join("\n") + "\n");
        commits.push(repo.commit(&format!("version {version}")));
    }
    repo.git(&["gc", "-q", "--aggressive"]);
    let config_dir = tempfile::tempdir().unwrap();
    let config = config_dir.path().join("gitleaks.toml");
    std::fs::write(
        &config,
        "[[rules]]\nid = \"deploy-code\"\nregex = '''code-[0-9]{6}'''\nkeywords = [\"deploy\"]\n",
    )
    .unwrap();
    let outcome = scan(
        repo.path(),
        &["--mode", "history", "--config", config.to_str().unwrap()],
    );
    assert_eq!(found(&outcome), [item("deploy-code", "deploy.md", 401)]);
    assert_eq!(
        outcome.findings()[0]["location"]["commit"],
        commits[5].as_str()
    );
}

#[test]
fn issue_12_gitleaksignore_accepts_findings_and_is_never_scanned() {
    // Both fingerprint forms; gitleaks' own rule ids are accepted by place (a team moving
    // from gitleaks keeps its list); a line that is no fingerprint is named.
    let mut repo = GitRepo::new();
    let first = github_token(61);
    let second = github_token(62);
    let third = github_token(63);
    repo.write("a.env", format!("GH={first}\n"));
    repo.write("b.env", format!("\nGH={second}\n"));
    repo.write("c.env", format!("GH={third}\n"));
    let commit = repo.commit("tokens");
    repo.write(
        ".gitleaksignore",
        format!(
            "# accepted test tokens\n{commit}:a.env:github-pat:1\nb.env:generic-api-key:2\nc.env:github-pat:9\nnot a fingerprint\n"
        ),
    );
    repo.commit("ignore");
    let outcome = scan(repo.path(), &["--mode", "history"]);
    assert_eq!(
        outcome.found(&["/location/path", "/waived", "/details/gitleaksignore"]),
        ["a.env true true", "b.env true true", "c.env false -"],
        "{}",
        outcome.run.all_output()
    );
    assert_eq!(outcome.report["metrics"]["gitleaksignore_known"], 2);
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(warnings.contains(".gitleaksignore:5"), "{warnings}");
    // The file itself is never a source of secrets.
    assert!(
        outcome
            .findings()
            .iter()
            .all(|f| f["location"]["path"] != ".gitleaksignore")
    );
}

#[test]
fn issue_12_composite_rules_and_skip_report() {
    // gitleaks 8.28: a primary rule reports only when its required rule matched within
    // the given lines; the required rule, with `skipReport`, does not report by itself.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".gitleaks.toml"),
        r#"
[[rules]]
id = "acme-client-secret"
regex = '''secret\s*=\s*([a-z0-9]{24})'''
keywords = ["secret"]

[[rules.required]]
id = "acme-client-id"
withinLines = 2

[[rules]]
id = "acme-client-id"
regex = '''client_id\s*=\s*(acme-[a-z0-9]{8})'''
keywords = ["client_id"]
skipReport = true
"#,
    )
    .unwrap();
    let secret = example("{l:24}", 71);
    let lonely = example("{l:24}", 72);
    std::fs::write(
        dir.path().join("app.ini"),
        format!("client_id = acme-4k2m9x7q\nsecret = {secret}\n\n\n\n\nsecret = {lonely}\n"),
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(
        outcome.found(&["/rule", "/location/line"]),
        ["acme-client-secret 2"],
        "{}",
        outcome.run.all_output()
    );
    outcome.assert_never_shows(&[secret, lonely]);
}

#[test]
fn issue_12_unknown_config_keys_are_warnings_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".gitleaks.toml"),
        "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"x\"\nregex = '''x_[a-z]{30}'''\nkeyword = [\"x_\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.txt"), "nothing\n").unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(outcome.report["status"], "warn");
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(
        warnings.contains(".gitleaks.toml:7:1: unknown key `rules.keyword`"),
        "{warnings}"
    );
}
