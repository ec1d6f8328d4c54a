//! Real advisories: Go records from Debian's golang-golang-x-vuln-dev, GitHub/PyPI/Go
//! records from the `osv` wheel, and the seed-fault repository against its lodash and
//! minimist advisories.

use crate::common::{check, database, fixture, gate, sbom};

#[test]
fn fixture_records_are_valid_osv() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("osv/osv-schema.json")).unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    for folder in ["osv/Go", "osv/osv-schema", "osv/seed-fault"] {
        for entry in std::fs::read_dir(fixture(folder)).unwrap() {
            let path = entry.unwrap().path();
            let record: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&record)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            checked += 1;
        }
    }
    assert_eq!(checked, 11 + 16 + 5);
}

#[test]
fn go_records_from_debian() {
    let db = database(&[("Go", &["osv/Go", "osv/osv-schema"])]);
    let dir = tempfile::tempdir().unwrap();
    let sbom = sbom(
        dir.path(),
        &[
            "pkg:golang/golang.org/x/text@v0.3.5",
            "pkg:golang/stdlib@go1.4.2",
            "pkg:golang/github.com/tidwall/gjson@v1.6.5",
            "pkg:golang/github.com/beego/beego@v1.12.10",
            "pkg:golang/github.com/beego/beego@v2.0.2#v2",
            "pkg:golang/github.com/gin-gonic/gin@v1.6.0",
            "pkg:golang/github.com/tidwall/gjson@v0.0.0-20210101000000-abcdefabcdef",
        ],
    );
    let outcome = check(
        gate().arg("--sbom").arg(&sbom).arg("--db").arg(db.path()),
        &dir.path().join("out"),
    );
    insta::assert_snapshot!(outcome.lines().join("\n"));
    assert_eq!(outcome.report["status"], "fail");
    assert_eq!(outcome.metric("records_in_database"), 27.0);
}

#[test]
fn github_pypi_and_withdrawn_records_from_the_osv_wheel() {
    let db = database(&[
        ("PyPI", &["osv/osv-schema"]),
        ("npm", &["osv/osv-schema"]),
        ("RubyGems", &["osv/osv-schema"]),
        ("Maven", &["osv/osv-schema"]),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let sbom = sbom(
        dir.path(),
        &[
            "pkg:pypi/requests@2.30.0",
            "pkg:pypi/gradio@4.36.1",
            "pkg:pypi/Products.PluggableAuthService@2.6.0",
            "pkg:npm/jquery@2.2.4",
            "pkg:npm/jquery@3.0.0",
            "pkg:gem/activesupport@4.2.1",
            "pkg:maven/com.typesafe.akka/akka-actor_2.12@2.5.15",
            "pkg:maven/com.typesafe.akka/akka-actor_2.11@2.5.16",
            "pkg:maven/org.xwiki.commons/xwiki-commons-core@12.10.1",
            "pkg:maven/org.xwiki.commons/xwiki-commons-core@12.10.5",
        ],
    );
    let outcome = check(
        gate().arg("--sbom").arg(&sbom).arg("--db").arg(db.path()),
        &dir.path().join("out"),
    );
    insta::assert_snapshot!(outcome.lines().join("\n"));
    assert_eq!(outcome.metric("advisories_withdrawn_dropped"), 1.0);
    let gradio = outcome
        .findings()
        .iter()
        .find(|f| f["details"]["package"] == "gradio")
        .unwrap();
    assert_eq!(gradio["severity"], "critical");
    assert_eq!(
        gradio["details"]["severity_source"],
        "CVSS 3.1 9.8 from GHSA-9v2f-6vcg-3hgv"
    );
}

/// The seed-fault repository (a real npm lockfile) gets its lodash and minimist
/// advisories, described from the repository itself (no --sbom). Its requirements.txt
/// (pinned packages with no advisory at those versions) needs a PyPI export too: without
/// one the gate fails closed.
#[test]
fn seed_fault_repository_reports_lodash_and_minimist() {
    let db = database(&[("npm", &["osv/seed-fault"]), ("PyPI", &[])]);
    let dir = tempfile::tempdir().unwrap();
    let repo = fixture("../../../cli/tests/fixtures/seed-fault");
    let outcome = check(
        gate().arg(&repo).arg("--db").arg(db.path()),
        &dir.path().join("out"),
    );
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    insta::assert_snapshot!(outcome.lines().join("\n"), @r"
    vulnerable-dependency CVE-2020-28500 lodash@4.17.15 medium -> 4.17.21
    vulnerable-dependency CVE-2020-8203 lodash@4.17.15 high -> 4.17.19
    vulnerable-dependency CVE-2021-23337 lodash@4.17.15 high -> 4.17.21
    vulnerable-dependency CVE-2021-44906 minimist@1.2.5 critical -> 1.2.6
    ");
    let minimist = outcome
        .findings()
        .iter()
        .find(|f| f["details"]["package"] == "minimist")
        .unwrap();
    assert_eq!(minimist["location"]["path"], "package-lock.json");
    assert_eq!(
        minimist["details"]["aliases"],
        serde_json::json!(["GHSA-xvch-5gv4-984h"])
    );
    assert_eq!(minimist["details"]["origin"]["direct"], true);
    assert!(
        minimist["message"]
            .as_str()
            .unwrap()
            .contains("upgrade to 1.2.6"),
        "{}",
        minimist["message"]
    );
    let summary = outcome.report["summary"].as_str().unwrap();
    assert_eq!(
        summary,
        "4 open known vulnerabilities in 2 of 5 components checked (1 critical, 2 high, 1 medium)"
    );
    let doc = outcome.file("vulnerabilities.cdx.json");
    assert_eq!(doc["vulnerabilities"].as_array().unwrap().len(), 4);
    assert_eq!(
        outcome.file("vulnerabilities.sarif")["runs"][0]["results"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}
