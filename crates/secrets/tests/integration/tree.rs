//! Working-tree scans: planted secrets of many kinds are found at the right place, decoys
//! are not, the SARIF validates, and no planted value leaks into any output.

use signoff_secrets::rules::Ruleset;
use signoff_secrets::rules::example::{Rng, expand};

use signoff_testkit::GitRepo;

use crate::common::{aws_key_id, github_token, scan, secrets_in, with_encodings};

#[test]
fn finds_every_default_rule_example_and_never_shows_one() {
    // Every rule's example, planted in its own file of a commit (and all of them encoded in
    // base64, hex and percent form), is found by the tree, history and range scans, and
    // no secret value, nor any encoding of it, shows in what any of them prints or writes.
    use base64::Engine as _;
    let mut repo = GitRepo::new();
    repo.write("README.md", "nothing yet\n");
    let base = repo.commit("base");
    let rules = Ruleset::default_rules().unwrap();
    let mut rng = Rng::new(42);
    let mut planted = Vec::new();
    let mut values = Vec::new();
    let mut encoded = [String::new(), String::new(), String::new()];
    for (index, detector) in rules.detectors.iter().enumerate() {
        let example = expand(detector.example.as_deref().unwrap(), &mut rng, None);
        // A rule with a `path` (a file that holds only a secret) is planted where its path
        // accepts it, as the file's only line.
        let (path, first_line) = if let Some(accepts) = &detector.path {
            let name = ["db_password.txt", ".pgpass"]
                .into_iter()
                .find(|n| accepts.is_match(format!("f/{n}").as_bytes()))
                .unwrap();
            let path = format!("f{index:03}/{name}");
            repo.write(&path, format!("{example}\n"));
            (path, 1)
        } else {
            repo.write(
                &format!("f{index:03}.txt"),
                format!("# {}\n{example}\n", detector.id),
            );
            (format!("f{index:03}.txt"), 2)
        };
        let secrets = secrets_in(&example);
        assert!(
            !secrets.is_empty(),
            "{}: no secret in its example",
            detector.id
        );
        values.extend(secrets.iter().flat_map(|s| with_encodings(s)));
        let forms = [
            base64::engine::general_purpose::STANDARD.encode(&example),
            hex::encode(&example),
            example.bytes().map(|b| format!("%{b:02X}")).collect(),
        ];
        for (file, form) in encoded.iter_mut().zip(forms) {
            file.push_str(&format!("data = \"{form}\"\n"));
            values.push(form);
        }
        let lines = example.lines().count() as u64;
        planted.push((detector.id, path, first_line, lines));
    }
    for (name, text) in ["b64.txt", "hex.txt", "pct.txt"].iter().zip(&encoded) {
        repo.write(&format!("encoded/{name}"), text);
    }
    repo.commit("every example");
    for args in [
        vec!["--mode", "tree"],
        vec!["--mode", "history"],
        vec!["--mode", "range", "--base", &base],
    ] {
        let outcome = scan(repo.path(), &args);
        assert_eq!(
            outcome.run.code,
            1,
            "{args:?}: {}",
            outcome.run.all_output()
        );
        assert_eq!(outcome.report["status"], "fail");
        let findings = outcome.findings();
        for (id, path, first_line, lines) in &planted {
            let at_example = |f: &&serde_json::Value| {
                let line = f["location"]["line"].as_u64().unwrap_or(0);
                f["rule"] == *id
                    && f["location"]["path"] == path.as_str()
                    && (*first_line..first_line + lines).contains(&line)
            };
            assert!(
                findings.iter().any(|f| at_example(&f)),
                "{args:?}: rule {id} not reported in {path}"
            );
        }
        outcome.assert_never_shows(&values);
        let results = outcome.sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), findings.len());
    }
}

#[test]
fn decoys_and_placeholders_pass() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.py"),
        "AWS_ACCESS_KEY_ID = \"AKIAIOSFODNN7EXAMPLE\"\n\
         GITHUB_TOKEN = \"${GITHUB_TOKEN}\"\n\
         api_key = \"<your-token>\"\n\
         password = os.environ[\"DB_PASSWORD\"]\n\
         request_id = \"9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f\"\n\
         commit = \"3786a8d20a3f9de2ad0a3ed16c32c3053786a8d2\"\n",
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    assert_eq!(outcome.report["status"], "pass");
    assert!(outcome.findings().is_empty(), "{:?}", outcome.rules());
    assert_eq!(outcome.report["metrics"]["files_scanned"], 1);
}

#[test]
fn a_wrong_checksum_does_not_fire() {
    let dir = tempfile::tempdir().unwrap();
    let mut token = github_token(5).into_bytes();
    let last = token.len() - 1;
    token[last] = if token[last] == b'a' { b'b' } else { b'a' };
    std::fs::write(
        dir.path().join("a.txt"),
        [b"ghp = ".as_slice(), &token, b"\n"].concat(),
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert!(
        !outcome.rules().contains(&"github-pat".to_owned()),
        "{:?}",
        outcome.rules()
    );
}

#[test]
fn finding_carries_preview_digest_and_fingerprint_that_survives_line_moves() {
    let dir = tempfile::tempdir().unwrap();
    let token = github_token(9);
    std::fs::write(dir.path().join("a.env"), format!("GH={token}\n")).unwrap();
    let first = scan(dir.path(), &["--mode", "tree"]);
    std::fs::write(dir.path().join("a.env"), format!("# moved\n\nGH={token}\n")).unwrap();
    let second = scan(dir.path(), &["--mode", "tree"]);
    let (a, b) = (&first.findings()[0], &second.findings()[0]);
    assert_eq!(a["location"]["line"], 1);
    assert_eq!(b["location"]["line"], 3);
    assert_eq!(a["fingerprint"], b["fingerprint"]);
    let preview = a["details"]["preview"].as_str().unwrap();
    assert!(
        preview.starts_with("ghp_") && preview.contains('…') && preview.len() < 12,
        "{preview}"
    );
    assert!(
        a["details"]["secret_sha256"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    first.assert_never_shows(&[token]);
}

#[test]
fn encoded_secrets_are_decoded() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let key = aws_key_id(3);
    let inner = format!("aws_access_key_id = {key}\n");
    let b64 = base64::engine::general_purpose::STANDARD.encode(&inner);
    let hexed = hex::encode(&inner);
    let percent: String = inner.bytes().map(|b| format!("%{b:02X}")).collect();
    std::fs::write(
        dir.path().join("b64.yaml"),
        format!("data:\n  config: {b64}\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("hex.txt"), format!("blob={hexed}\n")).unwrap();
    std::fs::write(
        dir.path().join("pct.txt"),
        format!("url=https://x.example/?q={percent}\n"),
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    let decoded: Vec<(&str, &str)> = outcome
        .findings()
        .iter()
        .filter(|f| f["rule"] == "aws-access-key-id")
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap(),
                f["details"]["decoded"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(decoded.contains(&("b64.yaml", "base64")), "{decoded:?}");
    assert!(decoded.contains(&("hex.txt", "hex")), "{decoded:?}");
    assert!(decoded.contains(&("pct.txt", "percent")), "{decoded:?}");
    let mut values = with_encodings(&key);
    values.extend([b64, hexed, percent]);
    outcome.assert_never_shows(&values);
}

#[test]
fn inline_allow_baseline_and_write_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (github_token(1), github_token(2), github_token(3));
    std::fs::write(
        dir.path().join("a.sh"),
        format!("A={a} # signoff:allow\nB={b}\n"),
    )
    .unwrap();
    let baseline = dir.path().join("baseline.json");
    let baseline_arg = baseline.to_str().unwrap();
    let written = scan(
        dir.path(),
        &[
            "--mode",
            "tree",
            "--write-baseline",
            "--baseline",
            baseline_arg,
        ],
    );
    assert_eq!(written.run.code, 0, "{}", written.run.all_output());
    assert_eq!(written.report["metrics"]["inline_allowed"], 1);
    assert!(
        std::fs::read_to_string(&baseline)
            .unwrap()
            .contains("signoff/secrets-baseline/v1")
    );

    let known = scan(dir.path(), &["--mode", "tree", "--baseline", baseline_arg]);
    assert_eq!(known.run.code, 0, "{}", known.run.all_output());
    assert_eq!(known.findings()[0]["waived"], true);
    assert_eq!(
        known.sarif["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "external"
    );

    std::fs::write(dir.path().join("c.sh"), format!("C={c}\n")).unwrap();
    let new = scan(dir.path(), &["--mode", "tree", "--baseline", baseline_arg]);
    assert_eq!(new.run.code, 1);
    assert_eq!(new.report["metrics"]["findings_unwaived"], 1);
    new.assert_never_shows(&[a, b, c]);
}

#[test]
fn policy_excludes_and_max_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("vendor")).unwrap();
    std::fs::write(
        dir.path().join("vendor/x.txt"),
        format!("{}\n", github_token(4)),
    )
    .unwrap();
    std::fs::write(dir.path().join("y.txt"), format!("{}\n", github_token(6))).unwrap();
    std::fs::write(
        dir.path().join("signoff.yml"),
        "gates:\n  secret-scan:\n    max_findings: 1\n    exclude: ['vendor/**']\n",
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    assert_eq!(outcome.findings().len(), 1);
    assert_eq!(outcome.report["metrics"]["excluded_skipped"], 1);
}

#[test]
fn the_output_directory_inside_the_root_is_not_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("signoff-out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("stale.txt"), format!("{}\n", github_token(12))).unwrap();
    std::fs::write(dir.path().join("a.txt"), "nothing\n").unwrap();
    let run = crate::common::gate()
        .arg(dir.path())
        .args(["--mode", "tree", "--out"])
        .arg(&out)
        .run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    let report = signoff_testkit::assert_valid_gate_report(&out.join("secret-scan.gate.json"));
    assert_eq!(report["metrics"]["files_scanned"], 1);
}

#[test]
fn sarif_columns_count_utf16_code_units() {
    // The report's column counts bytes; SARIF declares `utf16CodeUnits` and must count
    // those: the key emoji is 4 bytes and 2 units, each Cyrillic letter 2 bytes and 1 unit.
    let dir = tempfile::tempdir().unwrap();
    let (token, other) = (github_token(501), github_token(502));
    std::fs::write(
        dir.path().join("notes.txt"),
        format!("plain = \"{token}\"\n🔑 ключ = \"{token}\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("other.txt"),
        format!("🔑 ключ = \"{other}\"\n"),
    )
    .unwrap();
    let outcome = scan(dir.path(), &["--mode", "tree"]);
    let run = &outcome.sarif["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let finding = outcome
        .findings()
        .iter()
        .find(|f| f["location"]["path"] == "other.txt")
        .unwrap();
    assert_eq!(finding["location"]["column"], 18);
    assert_eq!(finding["details"]["column_utf16"], 12);
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "other.txt")
        .unwrap();
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startColumn"],
        12
    );
    // An ASCII line needs no second column.
    let plain = outcome
        .findings()
        .iter()
        .find(|f| f["location"]["path"] == "notes.txt")
        .unwrap();
    assert_eq!(plain["location"]["column"], 10);
    assert!(plain["details"].get("column_utf16").is_none());
    outcome.assert_never_shows(&[token, other]);
}
