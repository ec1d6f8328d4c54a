//! The `pipeline` section of `signoff.yml`.
//!
//! ```yaml
//! gates:
//!   pipeline:
//!     fail_on: high               # open findings at or above this severity fail the gate
//!     exclude: ["tests/fixtures/**"]
//!     disabled_rules: [missing-timeout]
//!     production: ["prod*", "live"]
//!     baseline: .signoff/pipeline-baseline.json
//! ```

use std::path::PathBuf;

use serde::Deserialize;

use super::values::PathGlob;
use crate::report::Severity;

/// Settings of the pipeline gate. Command-line flags override them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelinePolicy {
    /// Open findings at or above this severity fail the gate (default `high`); open
    /// findings of medium severity or worse below it make the gate warn.
    pub fail_on: Option<Severity>,
    /// Paths (globs) whose workflows, actions and manifests are not read.
    #[serde(default)]
    pub exclude: Vec<PathGlob>,
    /// Rule ids switched off.
    #[serde(default)]
    pub disabled_rules: Vec<String>,
    /// Names of production environments (globs, case-insensitive); the default knows
    /// `prod`, `production`, `live`, `prd` and names that contain them.
    #[serde(default)]
    pub production: Vec<String>,
    /// A baseline file of accepted fingerprints, relative to the repository.
    pub baseline: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let text = "fail_on: medium\nexclude: ['tests/**']\ndisabled_rules: [missing-timeout]\nproduction: [live]\nbaseline: b.json\n";
        let policy: PipelinePolicy = crate::yaml::from_str(text, "t.yml").unwrap();
        assert_eq!(policy.fail_on, Some(Severity::Medium));
        assert!(policy.exclude[0].is_match("tests/a/b.yml"));
        assert_eq!(policy.disabled_rules, ["missing-timeout"]);
        assert_eq!(policy.production, ["live"]);
        let error =
            crate::yaml::from_str::<PipelinePolicy>("fail_on: severe\n", "t.yml").unwrap_err();
        assert!(
            error.to_string().contains("unknown value `severe`"),
            "{error}"
        );
    }
}
