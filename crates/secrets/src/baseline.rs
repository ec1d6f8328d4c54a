//! The secret-scan baseline file: fingerprints of known findings that no longer fail the
//! gate. New findings still do. Written with `--write-baseline`, read with `--baseline FILE`.
//! The format and its handling are core's ([`signoff_core::baseline`]).
//!
//! ```json
//! {"schema": "signoff/secrets-baseline/v1",
//!  "findings": [{"fingerprint": "…", "rule": "github-pat", "path": "src/a.py"}]}
//! ```

use std::path::Path;

use signoff_core::diag::ConfigError;
use signoff_core::report::Finding;

pub use signoff_core::baseline::Baseline;

/// The schema id of baseline files.
pub const SCHEMA: &str = "signoff/secrets-baseline/v1";

const REGENERATE: &str = "signoff-secrets --write-baseline --baseline FILE";

/// Reads a baseline file.
pub fn load(path: &Path) -> Result<Baseline, ConfigError> {
    Baseline::load(path, SCHEMA, REGENERATE)
}

/// The baseline text for these findings (sorted, so it diffs well).
pub fn render(findings: &[Finding]) -> String {
    signoff_core::baseline::render(findings, SCHEMA)
}
