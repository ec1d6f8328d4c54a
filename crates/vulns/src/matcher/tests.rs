//! Matching regression cases: alias groups (PyPI's GHSA/PYSEC/CVE triples), withdrawn
//! records in dumps, versions that cannot be ordered.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::sbom;

fn sbom_with(purls: &[&str]) -> Sbom {
    let components: Vec<serde_json::Value> = purls
        .iter()
        .map(|p| serde_json::json!({"type": "library", "name": "x", "purl": p, "bom-ref": p}))
        .collect();
    let doc = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": components});
    sbom::parse(doc.to_string().as_bytes(), "t.json").unwrap()
}

fn record(id: &str, aliases: &[&str], ecosystem: &str, name: &str, fixed: &str) -> Record {
    serde_json::from_value(serde_json::json!({
        "id": id, "aliases": aliases,
        "affected": [{"package": {"ecosystem": ecosystem, "name": name},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]
    }))
    .unwrap()
}

/// pip-audit#231 (https://github.com/pypa/pip-audit/issues/231): records sharing any id
/// are one vulnerability, transitively.
#[test]
fn issue_pip_audit_231_aliases_group_transitively() {
    let mut db = HashMap::new();
    db.insert(
        Ecosystem::PyPI,
        vec![
            record(
                "PYSEC-2022-19",
                &["CVE-2022-22818"],
                "PyPI",
                "Django",
                "3.2.12",
            ),
            record(
                "GHSA-95rw-fx8r-36v6",
                &["CVE-2022-22818"],
                "PyPI",
                "django",
                "3.2.12",
            ),
            record(
                "SOME-OTHER-ID",
                &["GHSA-95rw-fx8r-36v6"],
                "PyPI",
                "DJANGO",
                "3.2.13",
            ),
            record(
                "PYSEC-2022-20",
                &["CVE-2022-23833"],
                "PyPI",
                "django",
                "3.2.12",
            ),
        ],
    );
    let sbom = sbom_with(&["pkg:pypi/django@3.2.11"]);
    let (matches, stats) = run(&sbom, &db, Severity::High, false);
    assert_eq!(matches.len(), 2, "{matches:#?}");
    let first = matches
        .iter()
        .find(|m| m.primary == "CVE-2022-22818")
        .unwrap();
    assert_eq!(
        first.aliases,
        ["GHSA-95rw-fx8r-36v6", "PYSEC-2022-19", "SOME-OTHER-ID"]
    );
    assert_eq!(first.fixed, ["3.2.12", "3.2.13"]);
    assert_eq!(stats.records_matched, 4);
}

/// Withdrawn records in the dumps are dropped
/// (https://github.com/OWASP/cve-lite-cli/issues/273: GHSA-p5wg-g6qr-c7cg, eslint).
#[test]
fn issue_cve_lite_273_withdrawn_records_are_dropped() {
    let mut withdrawn = record("GHSA-p5wg-g6qr-c7cg", &[], "npm", "eslint", "9.15.1");
    withdrawn.withdrawn = Some("2025-02-04T00:00:00Z".into());
    let mut db = HashMap::new();
    db.insert(Ecosystem::Npm, vec![withdrawn]);
    let (matches, stats) = run(
        &sbom_with(&["pkg:npm/eslint@9.15.0"]),
        &db,
        Severity::High,
        false,
    );
    assert!(matches.is_empty());
    assert_eq!(stats.withdrawn, 1);
}

#[test]
fn versions_that_do_not_parse_are_not_matched_and_counted() {
    let mut db = HashMap::new();
    db.insert(
        Ecosystem::Npm,
        vec![record("GHSA-x", &[], "npm", "left-pad", "1.3.0")],
    );
    let (matches, stats) = run(
        &sbom_with(&["pkg:npm/left-pad@1.x"]),
        &db,
        Severity::High,
        false,
    );
    assert!(matches.is_empty());
    assert_eq!(stats.not_matched, [(0, vec!["GHSA-x".to_owned()])]);
}

#[test]
fn other_ecosystems_and_names_do_not_match() {
    let mut db = HashMap::new();
    db.insert(
        Ecosystem::Npm,
        vec![record("GHSA-y", &[], "npm", "lodash", "4.17.21")],
    );
    let sbom = sbom_with(&[
        "pkg:npm/lodash-es@4.17.15",
        "pkg:pypi/lodash@4.17.15",
        "pkg:swift/x@1.0.0",
        "pkg:npm/lodash@4.17.21",
    ]);
    let (matches, stats) = run(&sbom, &db, Severity::High, false);
    assert!(matches.is_empty(), "{matches:#?}");
    assert_eq!((stats.checked, stats.unsupported), (3, 1));
}
