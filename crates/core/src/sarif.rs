//! SARIF 2.1.0 for GitHub code scanning, from any gate's findings: one run, the rules that
//! produced findings (with their description and help), and one result per finding with
//! its location, a stable partial fingerprint, chosen `details` as properties, and a
//! suppression when waived or baselined.
//!
//! ```
//! use signoff_core::sarif::{Log, RuleMeta};
//! let rules = |id: &str| Some(RuleMeta { description: "An example", help: "Fix it" , severity: signoff_core::Severity::High});
//! let text = Log { tool: "signoff-example", version: "0.1.0", properties: &[] }.render(&[], rules);
//! assert!(text.contains("\"version\": \"2.1.0\""));
//! ```

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::report::{Finding, Severity};

/// What SARIF says about a rule.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// One line: what the rule detects.
    pub description: &'static str,
    /// How to fix what it detects, in general.
    pub help: &'static str,
    /// Default severity.
    pub severity: Severity,
}

/// A SARIF log to render.
#[derive(Debug, Clone, Copy)]
pub struct Log<'a> {
    /// The driver's name, e.g. `signoff-pipeline`.
    pub tool: &'a str,
    /// The driver's version.
    pub version: &'a str,
    /// Keys of a finding's `details` copied into the result's properties.
    pub properties: &'a [&'a str],
}

/// The SARIF `level` of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` property (a CVSS-like score) of a severity.
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

impl Log<'_> {
    /// The SARIF text for `findings`; `rules` describes each rule id.
    pub fn render(&self, findings: &[Finding], rules: impl Fn(&str) -> Option<RuleMeta>) -> String {
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut order: Vec<&str> = Vec::new();
        for finding in findings {
            if !index.contains_key(finding.rule.as_str()) {
                index.insert(&finding.rule, order.len());
                order.push(&finding.rule);
            }
        }
        let driver_rules: Vec<Value> = order
            .iter()
            .map(|id| {
                let meta = rules(id).unwrap_or(RuleMeta {
                    description: "",
                    help: "",
                    severity: Severity::Medium,
                });
                let description = if meta.description.is_empty() {
                    *id
                } else {
                    meta.description
                };
                json!({
                    "id": id,
                    "name": id,
                    "shortDescription": {"text": description},
                    "help": {"text": if meta.help.is_empty() { description } else { meta.help }},
                    "defaultConfiguration": {"level": level(meta.severity)},
                    "properties": {"security-severity": security_severity(meta.severity)},
                })
            })
            .collect();
        let results: Vec<Value> = findings
            .iter()
            .map(|finding| self.result(finding, index[finding.rule.as_str()]))
            .collect();
        let log = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": self.tool,
                    "semanticVersion": self.version,
                    "version": self.version,
                    "informationUri": "https://github.com/signoff-dev/signoff",
                    "rules": driver_rules,
                }},
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The repository root"}}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
        text.push('\n');
        text
    }

    fn result(&self, finding: &Finding, rule_index: usize) -> Value {
        let location = finding.location.clone().unwrap_or_default();
        let mut region = serde_json::Map::new();
        region.insert("startLine".into(), json!(location.line.unwrap_or(1)));
        if let Some(column) = location.column {
            region.insert("startColumn".into(), json!(column));
        }
        if let Some(end) = location.end_line {
            region.insert("endLine".into(), json!(end));
        }
        let properties: serde_json::Map<String, Value> = self
            .properties
            .iter()
            .filter_map(|key| {
                finding
                    .details
                    .get(*key)
                    .map(|v| ((*key).to_owned(), v.clone()))
            })
            .collect();
        let mut message = finding.message.clone();
        if let Some(help) = &finding.help {
            message.push_str("\n\n");
            message.push_str(help);
        }
        let mut result = json!({
            "ruleId": finding.rule,
            "ruleIndex": rule_index,
            "level": level(finding.severity),
            "message": {"text": message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(&location.path), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }],
            "partialFingerprints": {"signoffFingerprint/v1": finding.fingerprint},
            "properties": properties,
        });
        if finding.waived {
            let justification = if finding.details.contains_key("baseline") {
                "in the baseline"
            } else {
                "waived in signoff.yml"
            };
            result["suppressions"] = json!([{"kind": "external", "justification": justification}]);
        }
        result
    }
}

/// A relative URI reference for a repository path (percent-encoding what a URI cannot
/// hold).
pub fn uri(path: &str) -> String {
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
    use crate::report::Location;

    fn finding(rule: &str, waived: bool) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::High,
            message: "m".into(),
            location: Some(Location {
                path: "a b/c.yml".into(),
                line: Some(3),
                column: Some(7),
                ..Default::default()
            }),
            fingerprint: "fp".into(),
            waived,
            help: Some("do this".into()),
            details: [
                ("job".to_owned(), json!("build")),
                ("secret".to_owned(), json!("x")),
            ]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn results_carry_location_rule_index_properties_and_suppressions() {
        let log = Log {
            tool: "t",
            version: "1",
            properties: &["job"],
        };
        let meta = |_: &str| {
            Some(RuleMeta {
                description: "d",
                help: "h",
                severity: Severity::Medium,
            })
        };
        let text = log.render(
            &[
                finding("r1", false),
                finding("r2", true),
                finding("r1", false),
            ],
            meta,
        );
        let value: Value = serde_json::from_str(&text).unwrap();
        let run = &value["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 2);
        let results = run["results"].as_array().unwrap();
        assert_eq!(results[1]["ruleIndex"], 1);
        assert_eq!(results[2]["ruleIndex"], 0);
        let region = &results[0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (Some(3), Some(7))
        );
        assert_eq!(
            results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a%20b/c.yml"
        );
        assert_eq!(results[0]["properties"]["job"], "build");
        assert!(results[0]["properties"].get("secret").is_none());
        assert!(results[0].get("suppressions").is_none());
        assert_eq!(
            results[1]["suppressions"][0]["justification"],
            "waived in signoff.yml"
        );
        assert_eq!(results[0]["message"]["text"], "m\n\ndo this");
    }
}
