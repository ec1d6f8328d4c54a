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

use serde::Serialize;
use serde_json::Value;

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
        let driver_rules: Vec<SarifRule<'_>> = order
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
                SarifRule {
                    default_configuration: LevelOnly {
                        level: level(meta.severity),
                    },
                    help: Text {
                        text: if meta.help.is_empty() {
                            description
                        } else {
                            meta.help
                        },
                    },
                    id,
                    name: id,
                    properties: RuleProperties {
                        security_severity: security_severity(meta.severity),
                    },
                    short_description: Text { text: description },
                }
            })
            .collect();
        let results: Vec<SarifResult<'_>> = findings
            .iter()
            .map(|finding| self.result(finding, index[finding.rule.as_str()]))
            .collect();
        let log = SarifLog {
            schema: "https://json.schemastore.org/sarif-2.1.0.json",
            runs: [Run {
                column_kind: "unicodeCodePoints",
                original_uri_base_ids: BaseIds {
                    src_root: Described {
                        description: Text {
                            text: "The repository root",
                        },
                    },
                },
                results,
                tool: Tool {
                    driver: Driver {
                        information_uri: "https://github.com/signoff-dev/signoff",
                        name: self.tool,
                        rules: driver_rules,
                        semantic_version: self.version,
                        version: self.version,
                    },
                },
            }],
            version: "2.1.0",
        };
        // About 1 KB of SARIF per result.
        let mut out = Vec::with_capacity(1024 * (findings.len() + 2));
        // Serialising borrowed strings and numbers into memory cannot fail.
        let _ = serde_json::to_writer_pretty(&mut out, &log);
        out.push(b'\n');
        String::from_utf8(out).unwrap_or_default()
    }

    fn result<'f>(&self, finding: &'f Finding, rule_index: usize) -> SarifResult<'f> {
        let location = finding.location.as_ref();
        let properties = self
            .properties
            .iter()
            .filter_map(|key| finding.details.get_key_value(*key))
            .map(|(key, value)| (key.as_str(), value))
            .collect();
        let mut message = String::with_capacity(
            finding.message.len() + finding.help.as_ref().map_or(0, |h| h.len() + 2),
        );
        message.push_str(&finding.message);
        if let Some(help) = &finding.help {
            message.push_str("\n\n");
            message.push_str(help);
        }
        let suppressions = finding.waived.then(|| {
            [Suppression {
                justification: if finding.details.contains_key("baseline") {
                    "in the baseline"
                } else {
                    "waived in signoff.yml"
                },
                kind: "external",
            }]
        });
        SarifResult {
            level: level(finding.severity),
            locations: [SarifLocation {
                physical_location: Physical {
                    artifact_location: Artifact {
                        uri: uri(location.map_or("", |l| l.path.as_str())),
                        uri_base_id: "%SRCROOT%",
                    },
                    region: Region {
                        end_line: location.and_then(|l| l.end_line),
                        start_column: location.and_then(|l| l.column),
                        start_line: location.and_then(|l| l.line).unwrap_or(1),
                    },
                },
            }],
            message: Message { text: message },
            partial_fingerprints: Fingerprints {
                signoff: &finding.fingerprint,
            },
            properties,
            rule_id: &finding.rule,
            rule_index,
            suppressions,
        }
    }
}

// The SARIF document, borrowed from the findings and written straight to text. Fields are
// declared in the byte order of their JSON names, so keys come out sorted as before.

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    original_uri_base_ids: BaseIds,
    results: Vec<SarifResult<'a>>,
    tool: Tool<'a>,
}

#[derive(Serialize)]
struct BaseIds {
    #[serde(rename = "%SRCROOT%")]
    src_root: Described,
}

#[derive(Serialize)]
struct Described {
    description: Text<'static>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    information_uri: &'static str,
    name: &'a str,
    rules: Vec<SarifRule<'a>>,
    semantic_version: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    default_configuration: LevelOnly,
    help: Text<'a>,
    id: &'a str,
    name: &'a str,
    properties: RuleProperties,
    short_description: Text<'a>,
}

#[derive(Serialize)]
struct LevelOnly {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [SarifLocation; 1],
    message: Message,
    partial_fingerprints: Fingerprints<'a>,
    properties: BTreeMap<&'a str, &'a Value>,
    rule_id: &'a str,
    rule_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u64>,
    start_line: u64,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "signoffFingerprint/v1")]
    signoff: &'a str,
}

#[derive(Serialize)]
struct Suppression {
    justification: &'static str,
    kind: &'static str,
}

/// A relative URI reference for a repository path (percent-encoding what a URI cannot
/// hold).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Location;
    use serde_json::json;

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
