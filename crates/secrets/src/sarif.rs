//! SARIF 2.1.0 for GitHub code scanning: one run, the rules that produced findings, and
//! one result per finding with its location, commit, a stable partial fingerprint and a
//! suppression when waived. Secrets appear only as their redacted preview.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use signoff_core::report::{Finding, Severity};

use crate::rules::Ruleset;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// The SARIF log for these findings.
pub fn render(rules: &Ruleset, findings: &[Finding], version: &str) -> String {
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in findings {
        let next = used.len();
        used.entry(finding.rule.as_str()).or_insert(next);
    }
    let mut rule_list: Vec<(&str, usize)> = used.iter().map(|(id, i)| (*id, *i)).collect();
    rule_list.sort_by_key(|(_, i)| *i);
    let driver_rules: Vec<Value> = rule_list
        .iter()
        .map(|(id, _)| {
            let detector = rules.detectors.iter().find(|d| d.id == *id);
            let description = detector.map_or(*id, |d| d.description);
            let severity = detector.map_or(Severity::High, |d| d.severity);
            json!({
                "id": id,
                "name": id,
                "shortDescription": {"text": description},
                "fullDescription": {"text": format!("{description}. A credential committed to a repository must be revoked and rotated.")},
                "help": {"text": "Revoke and rotate the credential at its provider, then load it from the environment or a secret store."},
                "defaultConfiguration": {"level": level(severity)},
                "properties": {"tags": ["security", "secret"], "security-severity": security_severity(severity)},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|finding| {
            let location = finding.location.clone().unwrap_or_default();
            let mut region = serde_json::Map::new();
            region.insert("startLine".into(), json!(location.line.unwrap_or(1)));
            // `columnKind` below is UTF-16 code units; the report's column counts bytes.
            let column = finding
                .details
                .get("column_utf16")
                .and_then(Value::as_u64)
                .or(location.column);
            if let Some(column) = column {
                region.insert("startColumn".into(), json!(column));
            }
            if let Some(end) = location.end_line {
                region.insert("endLine".into(), json!(end));
            }
            let mut properties = serde_json::Map::new();
            for key in [
                "preview",
                "secret_sha256",
                "author",
                "date",
                "decoded",
                "entropy",
            ] {
                if let Some(value) = finding.details.get(key) {
                    properties.insert(key.into(), value.clone());
                }
            }
            if let Some(commit) = &location.commit {
                properties.insert("commitSha".into(), json!(commit));
            }
            // One secret repeated in a file is one result: fixing it means changing every
            // place, so each is a location (SARIF §3.27.12), the first one primary.
            let mut locations = vec![json!({
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(&location.path), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            })];
            let others = finding
                .details
                .get("lines")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_u64)
                .filter(|&line| Some(line) != location.line);
            for line in others {
                locations.push(json!({
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&location.path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": line},
                    }
                }));
            }
            let mut result = json!({
                "ruleId": finding.rule,
                "ruleIndex": used[finding.rule.as_str()],
                "level": level(finding.severity),
                "message": {"text": finding.message},
                "locations": locations,
                "partialFingerprints": {"signoffFingerprint/v1": finding.fingerprint},
                "properties": properties,
            });
            if finding.waived {
                let justification = if finding.details.contains_key("baseline") {
                    "in the baseline"
                } else {
                    "waived in signoff.yml"
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
                "name": "signoff-secrets",
                "semanticVersion": version,
                "version": version,
                "informationUri": "https://github.com/signoff-dev/signoff",
                "rules": driver_rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root"}}},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// A relative URI reference for a repository path (percent-encoding what a URI cannot
/// hold).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("src/a b/ü<x>.py"), "src/a%20b/%C3%BC%3Cx%3E.py");
        assert_eq!(uri("a/b.rs"), "a/b.rs");
    }
}
