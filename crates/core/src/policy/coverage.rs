//! The `coverage` section of `signoff.yml`.

use serde::Deserialize;

use super::values::Percent;

/// Thresholds of the coverage gate. Action inputs and command-line flags override them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoveragePolicy {
    /// Minimum line coverage, percent.
    pub lines: Option<Percent>,
    /// Minimum branch coverage, percent.
    pub branches: Option<Percent>,
    /// Minimum function coverage, percent.
    pub functions: Option<Percent>,
    /// Minimum coverage of the lines a change adds or modifies, percent.
    pub patch: Option<Percent>,
}
