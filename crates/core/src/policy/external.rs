//! The `external` section of `signoff.yml`: gates made from other scanners' SARIF logs
//! (`signoff-report --sarif NAME=FILE`), such as CodeQL, Semgrep, Trivy or zizmor.
//!
//! ```yaml
//! external:
//!   codeql: {fail_on: high}
//!   trivy: {fail_on: critical, max_findings: 0}
//! ```

use serde::Deserialize;

use crate::report::Severity;

/// Settings of one external (SARIF) gate.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalPolicy {
    /// Lowest severity of an open finding that fails the gate (default `high`).
    pub fail_on: Option<Severity>,
    /// Most open findings at or above `fail_on` allowed (default 0).
    pub max_findings: Option<u64>,
    /// Reported and scored, but never rejects the sign-off.
    pub advisory: Option<bool>,
}
