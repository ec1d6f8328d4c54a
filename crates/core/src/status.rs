//! Gate status and the exit-code contract shared by every binary.
//!
//! Exit codes: 0 for `pass`, `warn` and `skipped`; 1 for `fail`; 2 for `error`.

use serde::{Deserialize, Serialize};

/// Outcome of a gate. Ordered from best to worst, so `max` gives the worst of several
/// (shards of one gate, or every gate of a sign-off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Nothing to check; the summary says why.
    Skipped,
    /// Every check holds.
    Pass,
    /// Every check holds, with conditions (listed in `details.warnings`).
    Warn,
    /// A check does not hold.
    Fail,
    /// The gate could not do its job: bad input, crash, timeout. Never a pass.
    Error,
}

impl Status {
    /// The process exit code for this status.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Pass | Status::Warn | Status::Skipped => 0,
            Status::Fail => 1,
            Status::Error => 2,
        }
    }

    /// Lower-case name as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Skipped => "skipped",
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Error => "error",
        }
    }

    /// Derives a status from what a gate saw: errors beat failing checks, which beat
    /// warnings; with none of these, `skipped` when nothing was checked, else `pass`.
    pub fn derive(
        errors: bool,
        failed_checks: bool,
        warnings: bool,
        nothing_checked: bool,
    ) -> Self {
        if errors {
            Status::Error
        } else if failed_checks {
            Status::Fail
        } else if warnings {
            Status::Warn
        } else if nothing_checked {
            Status::Skipped
        } else {
            Status::Pass
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_contract() {
        assert_eq!(Status::Pass.exit_code(), 0);
        assert_eq!(Status::Warn.exit_code(), 0);
        assert_eq!(Status::Skipped.exit_code(), 0);
        assert_eq!(Status::Fail.exit_code(), 1);
        assert_eq!(Status::Error.exit_code(), 2);
    }

    #[test]
    fn worst_status_wins() {
        let all = [
            Status::Pass,
            Status::Error,
            Status::Warn,
            Status::Skipped,
            Status::Fail,
        ];
        assert_eq!(all.iter().copied().max(), Some(Status::Error));
        assert_eq!(
            [Status::Pass, Status::Warn].iter().copied().max(),
            Some(Status::Warn)
        );
        assert_eq!(
            [Status::Skipped, Status::Pass].iter().copied().max(),
            Some(Status::Pass)
        );
    }

    #[test]
    fn error_never_blurs_into_fail() {
        assert_eq!(Status::derive(true, true, true, false), Status::Error);
        assert_eq!(Status::derive(false, true, true, false), Status::Fail);
        assert_eq!(Status::derive(false, false, true, true), Status::Warn);
        assert_eq!(Status::derive(false, false, false, true), Status::Skipped);
        assert_eq!(Status::derive(false, false, false, false), Status::Pass);
    }
}
