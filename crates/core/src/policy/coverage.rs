//! The `coverage` section of `signoff.yml`.
//!
//! ```yaml
//! gates:
//!   coverage:
//!     lines: 80
//!     branches: 70
//!     functions: 75
//!     statements: 80
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
    /// Minimum statement coverage, percent (istanbul/vitest, Go).
    pub statements: Option<Percent>,
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
    /// Minimum statement coverage of these files, percent.
    pub statements: Option<Percent>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_section_reads_every_key() {
        let policy: CoveragePolicy = crate::yaml::from_str(
            "lines: 80\npatch: 90\npatch_min_lines: 5\nmax_drop: 0.5\nignore: [\"gen/**\"]\npaths:\n  - {path: \"src/legacy/**\", lines: 50}\n",
            "signoff.yml",
        )
        .unwrap();
        assert_eq!(policy.patch_min_lines, Some(5));
        assert_eq!(policy.max_drop, Some(Percent(0.5)));
        assert!(policy.ignore[0].is_match("gen/a/b.rs"));
        assert!(policy.paths[0].path.is_match("src/legacy/x.c"));
        assert_eq!(policy.paths[0].lines, Some(Percent(50.0)));
    }

    #[test]
    fn bad_coverage_values_name_the_place() {
        let error = crate::yaml::from_str::<CoveragePolicy>(
            "paths:\n  - {path: \"src/**\", line: 50}\n",
            "signoff.yml",
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("signoff.yml:2"), "{error}");
        assert!(error.contains("`line`"), "{error}");
        let error = crate::yaml::from_str::<CoveragePolicy>("max_drop: 120\n", "signoff.yml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("percentage from 0 to 100"), "{error}");
    }
}
