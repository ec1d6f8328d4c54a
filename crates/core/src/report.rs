//! The gate report, wire format `signoff/gate/v1`.
//!
//! Every gate writes exactly one of these as `<gate>.gate.json`; the report action reads
//! them back. The published contract is `schemas/gate.v1.json`, and a test validates
//! serialized reports of every kind against it. These types are the wire format, kept apart
//! from any gate's internal types: change them only on purpose, and never in a way that
//! breaks readers of `v1` (new fields are optional and omitted when empty).
//!
//! Field by field:
//! - `schema`: always `signoff/gate/v1`.
//! - `gate`: the gate id, kebab-case (`secret-scan`, `sbom`, `coverage`, `health-check`).
//! - `tool`: the program that wrote the report, with its version.
//! - `status`: see [`Status`]. `error` means the gate could not do its job and is never
//!   reported as a pass.
//! - `summary`: one sentence a human reads first.
//! - `started_at` (RFC 3339) and `duration_ms`.
//! - `subject`: what was checked: repository `owner/name`, commit, ref and the root path.
//! - `metrics`: named numbers (`commits_scanned`, `lines_covered`, …).
//! - `checks`: each threshold the gate applied: `actual op threshold` and whether it held.
//! - `findings`: each problem found, with rule, severity, location and a stable fingerprint.
//! - `artifacts`: files the gate wrote beside the report, with their sha256.
//! - `details`: gate-specific data. Two keys are shared by every gate: `warnings` (the
//!   conditions that made the status `warn`) and `errors` (why the status is `error`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::status::Status;

/// The schema id every v1 gate report carries.
pub const SCHEMA_V1: &str = "signoff/gate/v1";

/// Whether `id` is a gate id as the schema defines it: kebab-case words of lower-case
/// letters and digits, starting with a letter (`secret-scan`, `trivy-image`), at most 64
/// bytes. `a-`, `a--b` and `-a` are not.
pub fn is_gate_id(id: &str) -> bool {
    id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// One gate's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateReport {
    /// Always [`SCHEMA_V1`].
    pub schema: String,
    /// Gate id, kebab-case.
    pub gate: String,
    /// The program that wrote this report.
    pub tool: Tool,
    /// Outcome; derived from checks, warnings and errors by [`crate::gate::ReportBuilder`].
    pub status: Status,
    /// One human sentence.
    pub summary: String,
    /// When the gate started, RFC 3339 in UTC.
    pub started_at: String,
    /// Wall-clock duration of the gate in milliseconds.
    pub duration_ms: u64,
    /// What was checked.
    pub subject: Subject,
    /// Named numbers; integers stay integers on the wire.
    #[serde(default)]
    pub metrics: BTreeMap<String, serde_json::Number>,
    /// Thresholds the gate applied.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// Problems found.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Files written beside the report.
    #[serde(default)]
    pub artifacts: Vec<Artifact>,
    /// Gate-specific data; `warnings` and `errors` are shared keys (lists of strings).
    #[serde(default)]
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// The program that wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    /// A tool name and version, usually from `env!("CARGO_PKG_NAME")` and `…_VERSION`.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
        }
    }
}

/// What a gate checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// `owner/name`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Full commit id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// `refs/heads/main`, `refs/pull/7/merge`, …, when known.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
    /// The checked directory, as given on the command line.
    pub root: String,
}

/// The comparison a [`Check`] applies: `actual op threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl Op {
    /// Whether `actual op threshold` holds.
    pub fn holds(self, actual: f64, threshold: f64) -> bool {
        match self {
            Op::Ge => actual >= threshold,
            Op::Le => actual <= threshold,
            Op::Gt => actual > threshold,
            Op::Lt => actual < threshold,
            Op::Eq => actual == threshold,
            Op::Ne => actual != threshold,
        }
    }

    /// The operator as written on the wire and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Lt => "<",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
}

/// A threshold the gate applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Kebab- or snake-case name (`lines`, `max-findings`).
    pub name: String,
    pub op: Op,
    pub threshold: f64,
    pub actual: f64,
    /// Whether `actual op threshold` holds.
    pub ok: bool,
    /// Optional human explanation (units, scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Check {
    /// A check whose `ok` is computed from the comparison, so the two never disagree.
    pub fn new(name: impl Into<String>, op: Op, threshold: f64, actual: f64) -> Self {
        Self {
            name: name.into(),
            op,
            threshold,
            actual,
            ok: op.holds(actual, threshold),
            message: None,
        }
    }

    /// Adds a human explanation.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// How bad a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Lower-case name as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Repository-relative path with `/` separators (or a URL for health checks).
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u64>,
    /// The commit the finding belongs to (the one that introduced it, for history scans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// A problem a gate found. Build it with [`crate::finding::FindingBuilder`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// Kebab-case rule id.
    pub rule: String,
    pub severity: Severity,
    /// What happened, in one sentence. Never contains a secret value.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Stable across runs: same problem in the same place gives the same id.
    pub fingerprint: String,
    /// Set when a baseline, inline allow comment or waiver covers the finding.
    #[serde(default)]
    pub waived: bool,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Rule-specific data (redacted preview, entropy, author, …).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// A file the gate wrote beside its report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Artifact {
    /// Path relative to the output directory.
    pub path: String,
    /// Lower-case hex sha256 of the file's bytes.
    pub sha256: String,
    /// IANA media type (`application/vnd.cyclonedx+json`, `application/sarif+json`, …).
    pub media_type: String,
}

impl GateReport {
    /// The file name this report is written under: `<gate>.gate.json`.
    pub fn file_name(&self) -> String {
        format!("{}.gate.json", self.gate)
    }

    /// Pretty JSON, newline-terminated.
    pub fn to_json(&self) -> String {
        // Serializing these types cannot fail: every map key is a string and every
        // number is finite (non-finite floats are clamped by the builder).
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|error| {
            format!("{{\"schema\":\"{SCHEMA_V1}\",\"error\":\"serialize: {error}\"}}")
        });
        text.push('\n');
        text
    }

    /// The shared `details.warnings` list.
    pub fn warnings(&self) -> Vec<&str> {
        self.details_strings("warnings")
    }

    /// The shared `details.errors` list.
    pub fn errors(&self) -> Vec<&str> {
        self.details_strings("errors")
    }

    fn details_strings(&self, key: &str) -> Vec<&str> {
        self.details
            .get(key)
            .and_then(|value| value.as_array())
            .map(|items| items.iter().filter_map(|item| item.as_str()).collect())
            .unwrap_or_default()
    }

    /// A metric as `f64`, if present.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).and_then(serde_json::Number::as_f64)
    }
}

#[cfg(test)]
mod tests {
    use super::is_gate_id;

    #[test]
    fn gate_ids_are_kebab_case_words() {
        for good in ["sbom", "secret-scan", "trivy-image", "codeql2", "a-1"] {
            assert!(is_gate_id(good), "{good}");
        }
        for bad in [
            "",
            "a-",
            "-a",
            "a--b",
            "Secret",
            "a_b",
            "2fa",
            "a b",
            &"a".repeat(65),
        ] {
            assert!(!is_gate_id(bad), "{bad}");
        }
    }
}
