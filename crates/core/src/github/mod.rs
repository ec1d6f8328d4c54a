//! GitHub Actions runner plumbing: the event context, workflow commands (annotations, log
//! groups), step outputs and the job summary.
//!
//! Outside Actions (no `GITHUB_ACTIONS=true`) every emitting function is silent and
//! returns without error; gates still write their files.

pub mod commands;
pub mod context;
pub mod files;

pub use commands::{Annotation, Group, Level};
pub use context::{Context, PullRequest};

/// Whether this process runs inside a GitHub Actions job.
pub fn in_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|value| value == "true")
}
