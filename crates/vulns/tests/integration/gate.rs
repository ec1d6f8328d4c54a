//! The gate's decisions: a missing or stale database, bad SBOMs, waivers by alias and
//! package, VEX, `fail_on`, and the name index.

use crate::common::{check, database, fixture, gate, sbom, write_export};

fn seed_db() -> tempfile::TempDir {
    database(&[("npm", &["osv/seed-fault"])])
}

#[test]
fn a_missing_database_is_an_error_that_says_to_run_update() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = sbom(
        dir.path(),
        &["pkg:npm/lodash@4.17.15", "pkg:pypi/django@3.2"],
    );
    let empty = tempfile::tempdir().unwrap();
    let outcome = check(
        gate()
            .arg("--sbom")
            .arg(&sbom)
            .arg("--db")
            .arg(empty.path()),
        &dir.path().join("out"),
    );
    assert_eq!(outcome.run.code, 2);
    assert_eq!(outcome.report["status"], "error");
    let error = outcome.report["details"]["errors"][0].as_str().unwrap();
    assert!(error.contains("no OSV database for npm, PyPI"), "{error}");
    assert!(error.contains("signoff-vulns update --db"), "{error}");
    // The environment variable names the database too.
    let outcome = check(
        gate()
            .arg("--sbom")
            .arg(&sbom)
            .env("SIGNOFF_VULN_DB", empty.path()),
        &dir.path().join("out2"),
    );
    assert!(
        outcome.report["details"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("$SIGNOFF_VULN_DB")
    );
}

#[test]
fn bad_sboms_are_errors_with_where_and_how_to_fix() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db();
    for (name, text, expected) in [
        (
            "truncated.json",
            "{\"bomFormat\": \"CycloneDX\",\n \"specVersion\": ",
            "truncated.json:2:",
        ),
        (
            "spdx.json",
            "{\"spdxVersion\": \"SPDX-2.3\"}",
            "no `\"bomFormat\": \"CycloneDX\"`",
        ),
        (
            "old.json",
            "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.2\"}",
            "reads 1.4, 1.5 and 1.6",
        ),
        (
            "bom.xml",
            "<?xml version=\"1.0\"?><bom/>",
            "this gate reads CycloneDX JSON",
        ),
        (
            "binary.json",
            "\u{0}\u{1}\u{2}garbage",
            "not a CycloneDX JSON document",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let outcome = check(
            gate().arg("--sbom").arg(&path).arg("--db").arg(db.path()),
            &dir.path().join(format!("out-{name}")),
        );
        assert_eq!(outcome.run.code, 2, "{name}");
        let error = outcome.report["details"]["errors"][0].as_str().unwrap();
        assert!(error.contains(expected), "{name}: {error}");
        assert!(error.contains("help:"), "{name}: {error}");
    }
}

#[test]
fn nothing_to_check_is_skipped_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db();
    let path = sbom(dir.path(), &["pkg:swift/github.com/apple/swift-nio@2.0.0"]);
    let outcome = check(
        gate().arg("--sbom").arg(&path).arg("--db").arg(db.path()),
        &dir.path().join("out"),
    );
    assert_eq!(outcome.run.code, 0);
    assert_eq!(outcome.report["status"], "skipped");
    assert!(
        outcome.report["summary"]
            .as_str()
            .unwrap()
            .contains("none of the 1 component")
    );
}

#[test]
fn fail_on_sets_the_bar() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db();
    let path = sbom(dir.path(), &["pkg:npm/lodash@4.17.15"]);
    let outcome = check(
        gate()
            .arg("--sbom")
            .arg(&path)
            .arg("--db")
            .arg(db.path())
            .args(["--fail-on", "critical"]),
        &dir.path().join("out"),
    );
    assert_eq!(
        outcome.report["status"],
        "pass",
        "{}",
        outcome.run.all_output()
    );
    assert_eq!(
        outcome.report["checks"][0]["name"],
        "vulnerabilities-critical-or-worse"
    );
    assert_eq!(outcome.findings().len(), 3);
}

#[test]
fn waivers_by_any_alias_and_package_with_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db();
    let path = sbom(
        dir.path(),
        &["pkg:npm/lodash@4.17.15", "pkg:npm/minimist@1.2.5"],
    );
    let policy = dir.path().join("signoff.yml");
    std::fs::write(
        &policy,
        "waivers:\n  - {gate: vulnerabilities, advisory: GHSA-xvch-5gv4-984h, package: minimist, reason: argv is ours, expires: 2999-12-31}\n  - {gate: vulnerabilities, advisory: cve-2021-23337, reason: no templates, expires: 2999-12-31}\n  - {gate: vulnerabilities, advisory: CVE-2020-8203, package: other, reason: wrong package, expires: 2999-12-31}\n  - {gate: vulnerabilities, advisory: CVE-2020-28500, reason: expired, expires: 2020-01-01}\n",
    )
    .unwrap();
    let outcome = check(
        gate()
            .arg("--sbom")
            .arg(&path)
            .arg("--db")
            .arg(db.path())
            .arg("--policy")
            .arg(&policy),
        &dir.path().join("out"),
    );
    insta::assert_snapshot!(outcome.lines().join("\n"), @r"
    vulnerable-dependency CVE-2020-28500 lodash@4.17.15 medium -> 4.17.21
    vulnerable-dependency CVE-2020-8203 lodash@4.17.15 high -> 4.17.19
    vulnerable-dependency CVE-2021-23337 lodash@4.17.15 high -> 4.17.21 (waived)
    vulnerable-dependency CVE-2021-44906 minimist@1.2.5 critical -> 1.2.6 (waived)
    ");
    assert_eq!(outcome.report["status"], "fail");
    assert_eq!(outcome.metric("vulnerabilities_waived"), 2.0);
}

#[test]
fn vex_not_affected_waives_with_the_justification() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db();
    let path = sbom(dir.path(), &["pkg:npm/minimist@1.2.5"]);
    let vex = dir.path().join("openvex.json");
    std::fs::write(
        &vex,
        serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "t", "timestamp": "2026-01-01T00:00:00Z", "version": 1,
            "statements": [{"vulnerability": {"name": "CVE-2021-44906"}, "products": [{"@id": "pkg:npm/minimist"}],
                            "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
                            "impact_statement": "minimist only parses our own argv"}]
        })
        .to_string(),
    )
    .unwrap();
    let outcome = check(
        gate()
            .arg("--sbom")
            .arg(&path)
            .arg("--db")
            .arg(db.path())
            .arg("--vex")
            .arg(&vex),
        &dir.path().join("out"),
    );
    assert_eq!(
        outcome.report["status"],
        "pass",
        "{}",
        outcome.run.all_output()
    );
    let finding = &outcome.findings()[0];
    assert_eq!(finding["waived"], true);
    assert_eq!(
        finding["details"]["vex"]["justification"],
        "vulnerable_code_not_in_execute_path"
    );
    assert_eq!(
        finding["details"]["vex"]["detail"],
        "minimist only parses our own argv"
    );
    let sarif = outcome.file("vulnerabilities.sarif");
    let suppression = &sarif["runs"][0]["results"][0]["suppressions"][0]["justification"];
    assert_eq!(
        suppression,
        "not affected per VEX (vulnerable_code_not_in_execute_path)"
    );
    assert_eq!(
        outcome.file("vulnerabilities.cdx.json")["vulnerabilities"][0]["analysis"]["state"],
        "not_affected"
    );
}

#[test]
fn a_stale_database_warns_or_fails_as_the_policy_says() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db();
    let meta = serde_json::json!({"url": "x", "checked_at": "2020-01-01T00:00:00Z", "downloaded_at": "2020-01-01T00:00:00Z", "size": 1, "sha256": "x"});
    std::fs::write(db.path().join("npm/all.zip.meta.json"), meta.to_string()).unwrap();
    let path = sbom(dir.path(), &["pkg:npm/minimist@1.2.6"]);
    let outcome = check(
        gate().arg("--sbom").arg(&path).arg("--db").arg(db.path()),
        &dir.path().join("out"),
    );
    assert_eq!(outcome.report["status"], "warn");
    assert!(
        outcome.report["details"]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("run `signoff-vulns update`")
    );
    assert!(outcome.metric("db_age_days") > 365.0);
    let policy = dir.path().join("signoff.yml");
    std::fs::write(
        &policy,
        "gates:\n  vulnerabilities: {max_db_age_days: 30, stale_db: fail}\n",
    )
    .unwrap();
    let outcome = check(
        gate()
            .arg("--sbom")
            .arg(&path)
            .arg("--db")
            .arg(db.path())
            .arg("--policy")
            .arg(&policy),
        &dir.path().join("out2"),
    );
    assert_eq!(outcome.report["status"], "fail");
}

#[test]
fn the_index_is_built_once_and_rebuilt_when_the_export_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db();
    let path = sbom(dir.path(), &["pkg:npm/minimist@1.2.5"]);
    let run = |out: &str| {
        check(
            gate().arg("--sbom").arg(&path).arg("--db").arg(db.path()),
            &dir.path().join(out),
        )
    };
    assert_eq!(run("a").metric("indexes_built"), 1.0);
    let second = run("b");
    assert_eq!(second.metric("indexes_built"), 0.0);
    assert_eq!(second.metric("records_read"), 2.0);
    assert_eq!(second.findings().len(), 1);
    // A new export (one record fewer) is not read through the old index.
    let record = std::fs::read(fixture("osv/seed-fault/GHSA-vh95-rmgr-6w4m.json")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_export(
        db.path(),
        "npm",
        &[("GHSA-vh95-rmgr-6w4m.json".into(), record)],
    );
    let third = run("c");
    assert_eq!(third.metric("indexes_built"), 1.0);
    assert!(third.findings().is_empty());
    // A damaged index file is rebuilt, not trusted.
    std::fs::write(
        db.path().join("npm/all.zip.index"),
        b"SIGNOFF-OSV-INDEX 1\ngarbage",
    )
    .unwrap();
    assert_eq!(run("d").metric("indexes_built"), 1.0);
}

#[test]
fn a_damaged_export_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(db.path().join("npm")).unwrap();
    std::fs::write(
        db.path().join("npm/all.zip"),
        b"PK\x03\x04 not really a zip",
    )
    .unwrap();
    let path = sbom(dir.path(), &["pkg:npm/minimist@1.2.5"]);
    let outcome = check(
        gate().arg("--sbom").arg(&path).arg("--db").arg(db.path()),
        &dir.path().join("out"),
    );
    assert_eq!(outcome.run.code, 2);
    let error = outcome.report["details"]["errors"][0].as_str().unwrap();
    assert!(error.contains("not a readable zip archive"), "{error}");
}

/// Records that are not OSV JSON (binary, invalid UTF-8, deep nesting, huge prose, HTML
/// in names) are counted and skipped, and the rest of the export still matches.
#[test]
fn hostile_records_are_counted_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let db = tempfile::tempdir().unwrap();
    let good = std::fs::read(fixture("osv/seed-fault/GHSA-xvch-5gv4-984h.json")).unwrap();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let html = serde_json::json!({
        "id": "GHSA-<script>", "summary": "<img src=x onerror=alert(1)> **bold** | pipe",
        "details": "x".repeat(2_000_000),
        "affected": [{"package": {"ecosystem": "npm", "name": "minimist"}, "versions": ["1.2.5"]}]
    });
    write_export(
        db.path(),
        "npm",
        &[
            ("GHSA-xvch-5gv4-984h.json".into(), good),
            ("binary.json".into(), vec![0, 159, 146, 150, 255, 0]),
            ("deep.json".into(), deep.into_bytes()),
            ("latin1.json".into(), b"{\"id\": \"caf\xe9\", \"affected\": [{\"package\": {\"ecosystem\": \"npm\", \"name\": \"minimist\"}}]}".to_vec()),
            ("html.json".into(), html.to_string().into_bytes()),
        ],
    );
    let path = crate::common::sbom(dir.path(), &["pkg:npm/minimist@1.2.5"]);
    let outcome = check(
        gate().arg("--sbom").arg(&path).arg("--db").arg(db.path()),
        &dir.path().join("out"),
    );
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    assert_eq!(outcome.metric("records_unparsable"), 3.0);
    assert_eq!(outcome.report["status"], "fail");
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(
        warnings.contains("3 records in the database could not be read as OSV"),
        "{warnings}"
    );
    let ids: Vec<&str> = outcome
        .findings()
        .iter()
        .map(|f| f["details"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&"GHSA-<script>"));
    // The summary is cut to one line of at most 200 characters.
    let html = outcome
        .findings()
        .iter()
        .find(|f| f["details"]["id"] == "GHSA-<script>")
        .unwrap();
    assert!(html["message"].as_str().unwrap().len() < 600);
}

#[test]
fn deeply_nested_sboms_are_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_db();
    let mut text =
        String::from("{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": ");
    for _ in 0..5_000 {
        text.push_str("[{\"name\": \"x\", \"components\": ");
    }
    text.push_str("[]");
    for _ in 0..5_000 {
        text.push_str("}]");
    }
    text.push('}');
    let path = dir.path().join("deep.json");
    std::fs::write(&path, text).unwrap();
    let outcome = check(
        gate().arg("--sbom").arg(&path).arg("--db").arg(db.path()),
        &dir.path().join("out"),
    );
    assert_eq!(outcome.run.code, 2);
    assert!(
        outcome.report["details"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("recursion limit")
    );
}
