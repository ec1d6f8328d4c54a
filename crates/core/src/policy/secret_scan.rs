//! The `secret-scan` section of `signoff.yml`.

use serde::Deserialize;

/// Settings of the secret-scan gate. Action inputs and command-line flags override them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretScanPolicy {
    /// Most unwaived findings allowed before the gate fails (default 0).
    pub max_findings: Option<u64>,
}
