//! The credential classes of issue #12 (https://signoff.dev/issues/12), on fixtures in
//! `tests/fixtures/classes/`: every missed class is reported at its line under the rule
//! `found.tsv` names, and nothing else is; every false-positive class stays quiet. Values
//! in provider formats (AWS, Stripe, GitHub) are made at test time rather than committed.

use std::path::{Path, PathBuf};

use crate::common::{aws_key_id, example, github_token, scan, secrets_in};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/classes")
}

/// A copy of `fixtures/classes/<part>` in a temporary directory (so that nothing the run
/// writes lands in the source tree).
fn copy_of(part: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join(part), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `(path, line, rule)` rows of `found.tsv`.
fn expected() -> Vec<String> {
    let text = std::fs::read_to_string(fixtures().join("found.tsv")).unwrap();
    let mut rows: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect::<Vec<_>>().join(" "))
        .collect();
    rows.sort();
    rows
}

#[test]
fn issue_12_every_missed_class_is_reported_at_its_line() {
    let dir = copy_of("found");
    // AWS shared credentials, made here: the key id and secret a provider rule reports.
    let key_id = aws_key_id(31);
    let secret = example("{b64:40}", 32);
    std::fs::create_dir_all(dir.path().join("aws")).unwrap();
    std::fs::write(
        dir.path().join("aws/credentials"),
        format!("[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"),
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    let mut want = expected();
    want.push("aws/credentials 2 aws-access-key-id".to_owned());
    want.push("aws/credentials 3 aws-secret-access-key".to_owned());
    want.sort();
    let got = outcome.found(&["/location/path", "/location/line", "/rule"]);
    assert_eq!(got, want, "{}", outcome.run.all_output());
    assert_eq!(outcome.run.code, 1);
    // Weak passwords are their own kind, medium by default; a provider's key is not.
    let kind_of = |path: &str| {
        outcome
            .findings()
            .iter()
            .find(|f| f["location"]["path"] == path)
            .map(|f| (f["details"]["kind"].clone(), f["severity"].clone()))
            .unwrap()
    };
    assert_eq!(
        kind_of("compose/docker-compose.yml"),
        ("hardcoded-credential".into(), "medium".into())
    );
    assert_eq!(
        kind_of("putty/deploy.ppk"),
        ("private-key".into(), "critical".into())
    );
    // No value shows anywhere: every value the rules extract from the fixtures.
    let mut values: Vec<String> = Vec::new();
    for path in walk(dir.path()) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        values.extend(secrets_in(&text));
    }
    values.push(secret);
    values.retain(|v| v.len() >= 8);
    assert!(values.len() >= 40, "{} values", values.len());
    outcome.assert_never_shows(&values);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn issue_12_false_positive_classes_stay_quiet() {
    let dir = copy_of("quiet");
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert!(
        outcome.findings().is_empty(),
        "{:?}",
        outcome.found(&["/location/path", "/location/line", "/rule"])
    );
    assert_eq!(outcome.report["status"], "pass");
    // The vendored test password is not listed, and not silently dropped either.
    assert_eq!(outcome.report["metrics"]["context_skipped"], 1);
    assert_eq!(outcome.report["details"]["context_skipped"]["vendor"], 1);
    let summary = outcome.report["summary"].as_str().unwrap();
    assert!(summary.contains("1 in vendor paths"), "{summary}");
}

#[test]
fn issue_12_one_secret_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    // A GitHub token shape whose checksum fails is no token, and no context rule may
    // report it instead; a Stripe key is one finding, not Stripe's and Clerk's.
    let mut bad = github_token(41).into_bytes();
    let last = bad.len() - 1;
    bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
    let bad = String::from_utf8(bad).unwrap();
    let stripe = example("sk_live_{a:48}", 42);
    // The same password three times in a file is one finding listing every line.
    std::fs::write(
        dir.path().join("app.env"),
        format!(
            "GITHUB_TOKEN={bad}\nSTRIPE_SECRET_KEY={stripe}\nDB_PASSWORD=r3peated-pw\nREPLICA_PASSWORD=r3peated-pw\n# again\nBACKUP_PASSWORD=r3peated-pw\n"
        ),
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(
        outcome.found(&["/location/line", "/rule", "/details/lines"]),
        [
            r#"2 stripe-secret-key -"#,
            r#"3 hardcoded-password [3,4,6]"#
        ],
        "{}",
        outcome.run.all_output()
    );
    outcome.assert_never_shows(&[bad, stripe, "r3peated-pw".to_owned()]);
}

#[test]
fn issue_12_contexts_lower_severity_and_the_policy_decides() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("tests")).unwrap();
    std::fs::write(
        dir.path().join("tests/login_test.py"),
        "password = 'fixturePw1'\n",
    )
    .unwrap();
    // By default a test's password is listed, low, and does not fail the gate.
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(
        outcome.found(&["/rule", "/severity", "/details/context"]),
        ["hardcoded-password low test"]
    );
    assert_eq!(outcome.report["status"], "warn");
    assert_eq!(outcome.run.code, 0);
    // A policy that counts tests as they are fails it.
    std::fs::write(
        dir.path().join("signoff.yml"),
        "gates:\n  secret-scan:\n    contexts: {test: as-is}\n    kinds: {hardcoded-credential: high}\n",
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(
        outcome.found(&["/rule", "/severity"]),
        ["hardcoded-password high"]
    );
    assert_eq!(outcome.report["status"], "fail");
    assert_eq!(outcome.run.code, 1);
}
