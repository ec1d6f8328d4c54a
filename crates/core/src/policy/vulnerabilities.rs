//! The `vulnerabilities` section of `signoff.yml`.
//!
//! ```yaml
//! gates:
//!   vulnerabilities:
//!     fail_on: high             # lowest severity of an open finding that fails the gate
//!     unknown_severity: high    # for advisories with neither a CVSS vector nor a label
//!     max_db_age_days: 7        # older databases warn (or fail, with stale_db: fail)
//!     stale_db: warn
//!     vex: [.vex/openvex.json]  # VEX documents whose `not_affected` statements waive
//!     exclude_dev: false        # leave development-only dependencies out
//! waivers:
//!   - {gate: vulnerabilities, advisory: CVE-2021-23337, package: lodash,
//!      reason: "template() is never given user input", expires: 2026-12-31}
//! ```

use std::path::PathBuf;

use serde::{Deserialize, Deserializer, de};

use crate::report::Severity;

/// Settings of the vulnerabilities gate. Command-line flags override them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilitiesPolicy {
    /// Lowest severity of an open finding that fails the gate (default `high`).
    pub fail_on: Option<Severity>,
    /// Severity of an advisory that carries no CVSS vector and no label (default `high`).
    pub unknown_severity: Option<Severity>,
    /// Age in days past which the advisory database is stale (default 7).
    #[serde(default, deserialize_with = "days")]
    pub max_db_age_days: Option<u64>,
    /// What a stale database does to the gate: `warn` (default) or `fail`.
    pub stale_db: Option<StaleDatabase>,
    /// CycloneDX VEX or OpenVEX documents, relative to the repository.
    #[serde(default)]
    pub vex: Vec<PathBuf>,
    /// Leave development-only dependencies out of the check (default false).
    pub exclude_dev: Option<bool>,
}

/// What a database older than `max_db_age_days` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaleDatabase {
    /// The gate warns.
    Warn,
    /// The gate fails.
    Fail,
}

fn days<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = u64::deserialize(deserializer)?;
    if value == 0 || value > 3650 {
        return Err(de::Error::invalid_value(
            de::Unexpected::Unsigned(value),
            &"a number of days from 1 to 3650, like `7`",
        ));
    }
    Ok(Some(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let text = "fail_on: critical\nunknown_severity: medium\nmax_db_age_days: 3\nstale_db: fail\nvex: [a.json]\nexclude_dev: true\n";
        let policy: VulnerabilitiesPolicy = crate::yaml::from_str(text, "t").unwrap();
        assert_eq!(policy.fail_on, Some(Severity::Critical));
        assert_eq!(policy.unknown_severity, Some(Severity::Medium));
        assert_eq!(policy.max_db_age_days, Some(3));
        assert_eq!(policy.stale_db, Some(StaleDatabase::Fail));
        assert_eq!(policy.vex, [PathBuf::from("a.json")]);
        assert_eq!(policy.exclude_dev, Some(true));
    }

    #[test]
    fn rejects_bad_values() {
        for (text, expected) in [
            ("fail_on: severe\n", "critical"),
            ("max_db_age_days: 0\n", "1 to 3650"),
            ("stale_db: error\n", "warn"),
            ("db: x\n", "unknown key `db`"),
        ] {
            let error = crate::yaml::from_str::<VulnerabilitiesPolicy>(text, "t").unwrap_err();
            assert!(error.to_string().contains(expected), "{text}: {error}");
        }
    }
}
