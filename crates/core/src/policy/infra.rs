//! The `infra` section of `signoff.yml`.
//!
//! ```yaml
//! gates:
//!   infra:
//!     fail_on: high               # open findings at or above this severity fail the gate
//!     exclude: ["deploy/legacy/**"]
//!     disabled_rules: [docker-no-healthcheck]
//!     baseline: .signoff/infra-baseline.json
//! ```

use std::path::PathBuf;

use serde::Deserialize;

use super::values::PathGlob;
use crate::report::Severity;

/// Settings of the infra gate. Command-line flags override them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfraPolicy {
    /// Open findings at or above this severity fail the gate (default `high`); open
    /// findings of medium severity or worse below it make the gate warn.
    pub fail_on: Option<Severity>,
    /// Paths (globs) whose Dockerfiles, compose files, manifests and Terraform are not read.
    #[serde(default)]
    pub exclude: Vec<PathGlob>,
    /// Rule ids switched off.
    #[serde(default)]
    pub disabled_rules: Vec<String>,
    /// A baseline file of accepted fingerprints, relative to the repository.
    pub baseline: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let text = "fail_on: medium\nexclude: ['legacy/**']\ndisabled_rules: [docker-no-healthcheck]\nbaseline: b.json\n";
        let policy: InfraPolicy = crate::yaml::from_str(text, "t.yml").unwrap();
        assert_eq!(policy.fail_on, Some(Severity::Medium));
        assert!(policy.exclude[0].is_match("legacy/a/Dockerfile"));
        assert_eq!(policy.disabled_rules, ["docker-no-healthcheck"]);
        assert_eq!(policy.baseline, Some(PathBuf::from("b.json")));
        let error = crate::yaml::from_str::<InfraPolicy>("production: [x]\n", "t.yml").unwrap_err();
        assert!(error.to_string().contains("production"), "{error}");
    }
}
