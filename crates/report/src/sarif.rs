//! External scanners: a SARIF 2.1.0 log (CodeQL, Semgrep, Trivy, zizmor…) becomes a gate of
//! the sign-off, with severities mapped, the same waivers, and a status from the policy's
//! `external.<name>` section (`fail_on`, default `high`; `max_findings`, default 0).
//!
//! Severity: a rule's `security-severity` property (GitHub's convention: ≥ 9 critical,
//! ≥ 7 high, ≥ 4 medium, > 0 low) when present, else the result's `level` (or the rule's
//! default level): `error` high, `warning` medium, `note` low, `none` info. Results with an
//! accepted suppression are waived.

use std::collections::HashMap;
use std::io::BufReader;
use std::path::Path;

use serde::Deserialize;
use signoff_core::policy::ExternalPolicy;
use signoff_core::report::{Check, Finding, GateReport, Op, Severity, Subject, Tool};
use signoff_core::{ReportBuilder, finding::Rule};

use crate::load::Loaded;

/// Largest SARIF log read.
const MAX_BYTES: u64 = 1024 * 1024 * 1024;

#[derive(Deserialize)]
pub(crate) struct Log {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    runs: Vec<Run>,
}

#[derive(Deserialize)]
struct Run {
    tool: RunTool,
    #[serde(default)]
    results: Option<Vec<SarifResult>>,
}

#[derive(Deserialize)]
struct RunTool {
    driver: Driver,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    semantic_version: Option<String>,
    #[serde(default)]
    rules: Vec<RuleDescriptor>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: String,
    #[serde(default)]
    short_description: Option<Message>,
    #[serde(default)]
    help_uri: Option<String>,
    #[serde(default)]
    default_configuration: Option<Configuration>,
    #[serde(default)]
    properties: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct Configuration {
    #[serde(default)]
    level: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    #[serde(default)]
    rule_id: Option<String>,
    #[serde(default)]
    rule_index: Option<usize>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    message: Option<Message>,
    #[serde(default)]
    locations: Vec<ResultLocation>,
    #[serde(default)]
    partial_fingerprints: Option<HashMap<String, String>>,
    #[serde(default)]
    suppressions: Option<Vec<Suppression>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation {
    #[serde(default)]
    physical_location: Option<PhysicalLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    #[serde(default)]
    artifact_location: Option<ArtifactLocation>,
    #[serde(default)]
    region: Option<Region>,
}

#[derive(Deserialize)]
struct ArtifactLocation {
    #[serde(default)]
    uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    #[serde(default)]
    start_line: Option<u64>,
    #[serde(default)]
    start_column: Option<u64>,
    #[serde(default)]
    end_line: Option<u64>,
}

#[derive(Deserialize)]
struct Suppression {
    #[serde(default)]
    status: Option<String>,
}

/// The one rule id every SARIF finding is filed under is the scanner's own; this type lets
/// the finding builder carry it.
#[derive(Clone, Copy)]
struct ExternalRule;

impl Rule for ExternalRule {
    fn id(self) -> &'static str {
        "external"
    }
    fn description(self) -> &'static str {
        "A finding reported by an external scanner"
    }
    fn default_severity(self) -> Severity {
        Severity::Medium
    }
}

/// Parses `NAME=FILE` from the command line.
pub fn parse_spec(spec: &str) -> Result<(String, std::path::PathBuf), String> {
    let (name, file) = spec.split_once('=').ok_or_else(|| {
        format!("`--sarif {spec}` is not NAME=FILE; write it like `--sarif codeql=results.sarif`")
    })?;
    if !signoff_core::report::is_gate_id(name) {
        return Err(format!(
            "`--sarif {spec}`: the gate name `{name}` must be kebab-case, like `codeql` or `trivy-image`"
        ));
    }
    if signoff_core::registry::is_builtin(name) {
        return Err(format!(
            "`--sarif {spec}`: `{name}` is a built-in gate; give the SARIF gate its own name"
        ));
    }
    Ok((name.to_owned(), file.into()))
}

/// Reads a SARIF log into the gate report of gate `name`. A file that cannot be read or
/// parsed becomes an `error` report saying why.
pub fn load(
    name: &str,
    path: &Path,
    policy: &ExternalPolicy,
    subject: Subject,
    today: jiff::civil::Date,
    waivers: &signoff_core::policy::Policy,
) -> Loaded {
    let tool = Tool::new("sarif", "2.1.0");
    let report = match read(path) {
        Ok(log) => to_report(name, &log, policy, subject, today, waivers),
        Err(message) => {
            let mut builder = ReportBuilder::new(name, tool, subject);
            builder.error(format!("{}: {message}", path.display()));
            builder.finish("the SARIF log could not be read")
        }
    };
    let json = report.to_json();
    Loaded {
        path: path.to_path_buf(),
        display: format!("{name}.gate.json (from {})", path.display()),
        sha256: signoff_core::fs::sha256_hex(json.as_bytes()),
        report,
        external: true,
        merged: false,
    }
}

fn read(path: &Path) -> Result<Log, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_BYTES {
        return Err(format!("{size} bytes, over the {MAX_BYTES} byte limit"));
    }
    let log: Log = serde_json::from_reader(BufReader::new(file))
        .map_err(|e| format!("not a SARIF log: {e}"))?;
    checked(log)
}

/// Parses SARIF log text (the fuzz targets' way in; [`read`] streams from the file).
pub(crate) fn parse_log(bytes: &[u8]) -> Result<Log, String> {
    let log: Log = serde_json::from_slice(bytes).map_err(|e| format!("not a SARIF log: {e}"))?;
    checked(log)
}

/// The log, when its version is one signoff reads.
fn checked(log: Log) -> Result<Log, String> {
    match log.version.as_deref() {
        Some("2.1.0") | None => Ok(log),
        Some(other) => Err(format!(
            "SARIF version {other} is not supported; signoff reads 2.1.0"
        )),
    }
}

fn severity_of(result: &SarifResult, rule: Option<&RuleDescriptor>) -> Severity {
    let security = rule
        .and_then(|r| r.properties.as_ref())
        .and_then(|p| p.get("security-severity"))
        .and_then(|v| {
            v.as_str()
                .and_then(|s| s.parse::<f64>().ok())
                .or_else(|| v.as_f64())
        });
    if let Some(score) = security {
        return match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::Info,
        };
    }
    let level = result
        .level
        .as_deref()
        .or_else(|| {
            rule.and_then(|r| r.default_configuration.as_ref())
                .and_then(|c| c.level.as_deref())
        })
        .unwrap_or("warning");
    match level {
        "error" => Severity::High,
        "warning" => Severity::Medium,
        "note" => Severity::Low,
        _ => Severity::Info,
    }
}

pub(crate) fn to_report(
    name: &str,
    log: &Log,
    policy: &ExternalPolicy,
    subject: Subject,
    today: jiff::civil::Date,
    waivers: &signoff_core::policy::Policy,
) -> GateReport {
    let (tool_name, tool_version) = log
        .runs
        .first()
        .map(|run| {
            let driver = &run.tool.driver;
            let version = driver
                .semantic_version
                .clone()
                .or_else(|| driver.version.clone());
            (
                driver.name.clone(),
                version.unwrap_or_else(|| "unknown".into()),
            )
        })
        .unwrap_or_else(|| ("sarif".into(), "unknown".into()));
    let mut builder = ReportBuilder::new(name, Tool::new(tool_name.clone(), tool_version), subject);
    let mut findings = Vec::new();
    let mut rules_seen = std::collections::BTreeSet::new();
    for run in &log.runs {
        let rules = &run.tool.driver.rules;
        for result in run.results.iter().flatten() {
            let rule = result.rule_index.and_then(|i| rules.get(i)).or_else(|| {
                result
                    .rule_id
                    .as_ref()
                    .and_then(|id| rules.iter().find(|r| &r.id == id))
            });
            let rule_id = result
                .rule_id
                .clone()
                .or_else(|| rule.map(|r| r.id.clone()))
                .unwrap_or_else(|| "unknown-rule".into());
            rules_seen.insert(rule_id.clone());
            let message = result
                .message
                .as_ref()
                .and_then(|m| m.text.clone())
                .or_else(|| {
                    rule.and_then(|r| r.short_description.as_ref())
                        .and_then(|m| m.text.clone())
                })
                .unwrap_or_else(|| format!("{rule_id} reported by {tool_name}"));
            let physical = result
                .locations
                .first()
                .and_then(|l| l.physical_location.as_ref());
            let path = physical
                .and_then(|p| p.artifact_location.as_ref())
                .and_then(|a| a.uri.clone())
                .map(|uri| {
                    uri.strip_prefix("file://")
                        .map(str::to_owned)
                        .unwrap_or(uri)
                });
            let region = physical.and_then(|p| p.region.as_ref());
            let mut builder = Finding::new(ExternalRule)
                .severity(severity_of(result, rule))
                .message(message.chars().take(2_000).collect::<String>());
            if let Some(path) = &path {
                builder = builder.at(path.clone(), region.and_then(|r| r.start_line).unwrap_or(0));
            }
            if let Some(column) = region.and_then(|r| r.start_column) {
                builder = builder.column(column);
            }
            if let Some(end) = region.and_then(|r| r.end_line) {
                builder = builder.end_line(end);
            }
            if let Some(prints) = &result.partial_fingerprints {
                let mut prints: Vec<_> = prints.iter().collect();
                prints.sort();
                for (key, value) in prints {
                    builder = builder.identity(format!("{key}={value}"));
                }
            } else {
                let line = region.and_then(|r| r.start_line).unwrap_or(0);
                builder = builder.identity(format!("line={line}"));
            }
            if let Some(help) = rule.and_then(|r| r.help_uri.clone()) {
                builder = builder.help(help);
            }
            let mut finding = builder.identity(&rule_id).build();
            finding.rule = rule_id;
            let suppressed = result.suppressions.as_ref().is_some_and(|list| {
                !list.is_empty()
                    && list
                        .iter()
                        .any(|s| matches!(s.status.as_deref(), None | Some("accepted")))
            });
            if suppressed {
                finding.waived = true;
                finding.details.insert("suppressed".into(), true.into());
            }
            findings.push(finding);
        }
    }
    waivers.apply_waivers(name, &mut findings, today);
    let fail_on = policy.fail_on.unwrap_or(Severity::High);
    let max = policy.max_findings.unwrap_or(0);
    let at_or_above = findings
        .iter()
        .filter(|f| !f.waived && f.severity >= fail_on)
        .count() as u64;
    let below = findings
        .iter()
        .filter(|f| !f.waived && f.severity < fail_on && f.severity >= Severity::Medium)
        .count();
    let open = findings.iter().filter(|f| !f.waived).count() as u64;
    builder
        .metric("results", findings.len() as u64)
        .metric("open_findings", open)
        .metric("rules", rules_seen.len() as u64)
        .check(
            Check::new(
                format!("findings at or above {fail_on}"),
                Op::Le,
                max as f64,
                at_or_above as f64,
            )
            .message(format!(
                "open {tool_name} findings of severity {fail_on} or worse"
            )),
        );
    if below > 0 && at_or_above <= max {
        builder.warn(format!(
            "{} below `{fail_on}` remain open",
            signoff_core::text::plural(
                below as u64,
                "medium-or-worse finding",
                "medium-or-worse findings"
            )
        ));
    }
    builder.findings(findings);
    let summary = if open == 0 {
        format!("{tool_name}: no open findings")
    } else {
        format!(
            "{tool_name}: {} open, {} at or above {fail_on}",
            signoff_core::text::plural(open, "finding", "findings"),
            signoff_core::text::thousands(at_or_above)
        )
    };
    builder.finish(summary)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use signoff_core::policy::Policy;
    use signoff_core::report::Status;

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 11, 29)
    }

    /// The gate report of a SARIF log held in `json`, under the policy `yaml`.
    fn report(json: serde_json::Value, yaml: &str) -> GateReport {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scan.sarif");
        std::fs::write(&path, json.to_string()).unwrap();
        let policy = Policy::from_str(yaml, "signoff.yml").unwrap();
        let external = policy.external.get("scan").cloned().unwrap_or_default();
        load(
            "scan",
            &path,
            &external,
            Subject::default(),
            today(),
            &policy,
        )
        .report
    }

    fn log(rules: serde_json::Value, results: serde_json::Value) -> serde_json::Value {
        serde_json::json!({
            "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "Scanner", "version": "1.2", "rules": rules}},
                      "results": results}]
        })
    }

    fn result(rule: &str, extra: serde_json::Value) -> serde_json::Value {
        let mut r = serde_json::json!({
            "ruleId": rule,
            "message": {"text": format!("{rule} found")},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/a.py"},
                                                "region": {"startLine": 3}}}]
        });
        if let (Some(r), Some(extra)) = (r.as_object_mut(), extra.as_object()) {
            r.extend(extra.clone());
        }
        r
    }

    #[test]
    fn security_severity_wins_over_level_and_maps_by_github_thresholds() {
        let rules = serde_json::json!([
            {"id": "r9", "properties": {"security-severity": "9.1"}},
            {"id": "r7", "properties": {"security-severity": 7.0}},
            {"id": "r4", "properties": {"security-severity": "4.0"}},
            {"id": "r1", "properties": {"security-severity": "0.5"}},
            {"id": "r0", "properties": {"security-severity": "0"}},
        ]);
        let results = serde_json::json!([
            result("r9", serde_json::json!({"level": "note"})),
            result("r7", serde_json::json!({})),
            result("r4", serde_json::json!({"level": "error"})),
            result("r1", serde_json::json!({})),
            result("r0", serde_json::json!({})),
        ]);
        let report = report(log(rules, results), "");
        let severities: Vec<_> = report.findings.iter().map(|f| f.severity).collect();
        assert_eq!(
            severities,
            [
                Severity::Critical,
                Severity::High,
                Severity::Medium,
                Severity::Low,
                Severity::Info
            ]
        );
    }

    #[test]
    fn level_comes_from_the_result_then_the_rule_default_then_warning() {
        let rules = serde_json::json!([
            {"id": "dflt-error", "defaultConfiguration": {"level": "error"}},
            {"id": "plain"},
        ]);
        let results = serde_json::json!([
            result("dflt-error", serde_json::json!({})),
            result("dflt-error", serde_json::json!({"level": "note"})),
            result("plain", serde_json::json!({})),
            result("plain", serde_json::json!({"level": "none"})),
        ]);
        let report = report(log(rules, results), "");
        let severities: Vec<_> = report.findings.iter().map(|f| f.severity).collect();
        assert_eq!(
            severities,
            [
                Severity::High,
                Severity::Low,
                Severity::Medium,
                Severity::Info
            ]
        );
    }

    #[test]
    fn fails_on_the_policy_severity_and_warns_below_it() {
        let results = serde_json::json!([
            result("a", serde_json::json!({"level": "error"})),
            result("b", serde_json::json!({"level": "warning"})),
        ]);
        let failing = report(log(serde_json::json!([]), results.clone()), "");
        assert_eq!(failing.status, Status::Fail);
        let lenient = report(
            log(serde_json::json!([]), results),
            "external:\n  scan: {fail_on: critical}\n",
        );
        assert_eq!(lenient.status, Status::Warn, "{lenient:?}");
    }

    #[test]
    fn accepted_suppressions_and_policy_waivers_waive() {
        let results = serde_json::json!([
            result(
                "a",
                serde_json::json!({"level": "error", "suppressions": [{"kind": "inSource"}]})
            ),
            result(
                "b",
                serde_json::json!({"level": "error", "suppressions": [{"kind": "external", "status": "rejected"}]})
            ),
            result("c", serde_json::json!({"level": "error"})),
        ]);
        let yaml = "external:\n  scan: {}\nwaivers:\n  - {gate: scan, rule: c, path: \"src/*.py\", reason: vendored, expires: 2099-01-01}\n";
        let report = report(log(serde_json::json!([]), results), yaml);
        let waived: Vec<_> = report
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.waived))
            .collect();
        assert_eq!(waived, [("a", true), ("b", false), ("c", true)]);
        assert_eq!(
            report.status,
            Status::Fail,
            "the rejected suppression stays open"
        );
    }

    #[test]
    fn unreadable_logs_become_error_reports() {
        let dir = tempfile::tempdir().unwrap();
        let policy = Policy::default_policy();
        let cases: [(&str, &[u8], &str); 4] = [
            (
                "corrupt",
                b"{\"version\": \"2.1.0\", \"runs\": [",
                "not a SARIF log",
            ),
            ("binary", b"\x00\xff\xfe garbage", "not a SARIF log"),
            (
                "old",
                br#"{"version": "1.0.0", "runs": []}"#,
                "SARIF version 1.0.0 is not supported",
            ),
            (
                "shape",
                br#"{"version": "2.1.0", "runs": [{"tool": {}}]}"#,
                "not a SARIF log",
            ),
        ];
        for (name, bytes, expected) in cases {
            let path = dir.path().join(format!("{name}.sarif"));
            std::fs::write(&path, bytes).unwrap();
            let report = load(
                "scan",
                &path,
                &ExternalPolicy::default(),
                Subject::default(),
                today(),
                &policy,
            )
            .report;
            assert_eq!(report.status, Status::Error, "{name}");
            let errors = report.errors().join(" ");
            assert!(errors.contains(expected), "{name}: {errors}");
        }
        let missing = load(
            "scan",
            &dir.path().join("nope.sarif"),
            &ExternalPolicy::default(),
            Subject::default(),
            today(),
            &policy,
        )
        .report;
        assert_eq!(missing.status, Status::Error);
    }

    #[test]
    fn gate_names_must_be_schema_ids() {
        assert!(parse_spec("codeql=results.sarif").is_ok());
        for bad in ["a-=f", "a--b=f", "Code=f", "=f", "sbom=f", "nofile"] {
            assert!(parse_spec(bad).is_err(), "{bad}");
        }
    }
}
