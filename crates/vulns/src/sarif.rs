//! SARIF 2.1.0 for GitHub code scanning: one result per finding, on the lockfile that
//! brings the package in, with the advisory ids, a stable partial fingerprint, the
//! `security-severity` GitHub sorts by, and a suppression when VEX or a waiver accepts it.

use serde_json::{Value, json};
use signoff_core::finding::Rule as _;
use signoff_core::report::{Finding, Severity};

use crate::rules::Rule;

/// The file name in the output directory.
pub const FILE: &str = "vulnerabilities.sarif";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn security_severity(finding: &Finding) -> String {
    if let Some(score) = finding
        .details
        .get("cvss")
        .and_then(|c| c["score"].as_f64())
    {
        return format!("{score:.1}");
    }
    match finding.severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
    .to_owned()
}

/// The SARIF log.
pub(crate) fn render(findings: &[Finding]) -> String {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id(),
                "name": rule.id(),
                "shortDescription": {"text": rule.description()},
                "defaultConfiguration": {"level": level(rule.default_severity())},
                "properties": {"tags": ["security", "dependency"]},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|finding| {
            let path = finding.location.as_ref().map_or("", |l| l.path.as_str());
            let index = Rule::ALL
                .iter()
                .position(|r| r.id() == finding.rule)
                .unwrap_or(0);
            let mut properties = serde_json::Map::new();
            properties.insert(
                "security-severity".into(),
                json!(security_severity(finding)),
            );
            for key in [
                "id",
                "aliases",
                "package",
                "version",
                "fixed",
                "severity_source",
            ] {
                if let Some(value) = finding.details.get(key) {
                    properties.insert(key.into(), value.clone());
                }
            }
            let mut result = json!({
                "ruleId": finding.rule,
                "ruleIndex": index,
                "level": level(finding.severity),
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 1},
                }}],
                "partialFingerprints": {"signoffFingerprint/v1": finding.fingerprint},
                "properties": properties,
            });
            if let Some(url) = finding.details.get("url") {
                result["properties"]["helpUri"] = url.clone();
            }
            if finding.waived {
                let justification = match finding.details.get("vex") {
                    Some(vex) => format!(
                        "not affected per VEX ({})",
                        vex.get("justification")
                            .and_then(Value::as_str)
                            .unwrap_or("no justification given")
                    ),
                    None => "waived in signoff.yml".to_owned(),
                };
                result["suppressions"] =
                    json!([{"kind": "external", "justification": justification}]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "signoff-vulns",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/signoff-dev/signoff",
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root"}}},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// A relative URI reference for a path (percent-encoding what a URI cannot hold).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
