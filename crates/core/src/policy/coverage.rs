//! The `coverage` section of `signoff.yml`.
//!
//! ```yaml
//! gates:
//!   coverage:
//!     lines: 80
//!     branches: 70
//!     patch: 90
//!     patch_min_lines: 5          # no patch verdict below 5 changed executable lines
//!     max_drop: 0.5               # with --baseline: lines may drop at most 0.5 points
//!     ignore: ["generated/**"]    # files left out of every number
//!     paths:                      # per-path thresholds on the files a glob matches
//!       - {path: "src/legacy/**", lines: 50}
//! ```

use serde::Deserialize;

use super::values::{PathGlob, Percent};

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
    /// Below this many changed executable lines the patch threshold is not applied.
    pub patch_min_lines: Option<u64>,
    /// Largest allowed drop of line coverage against the baseline, in percentage points.
    pub max_drop: Option<Percent>,
    /// Files left out of every number (globs over repository paths).
    #[serde(default)]
    pub ignore: Vec<PathGlob>,
    /// Thresholds for the files under a glob, checked on their combined totals.
    #[serde(default)]
    pub paths: Vec<PathThreshold>,
}

/// Thresholds for the files a glob matches.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathThreshold {
    /// Glob over repository paths (`src/legacy/**`).
    pub path: PathGlob,
    /// Minimum line coverage of these files, percent.
    pub lines: Option<Percent>,
    /// Minimum branch coverage of these files, percent.
    pub branches: Option<Percent>,
    /// Minimum function coverage of these files, percent.
    pub functions: Option<Percent>,
}
