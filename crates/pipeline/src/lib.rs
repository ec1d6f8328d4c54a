//! signoff-pipeline: the `pipeline` gate. Judges a repository's CI/CD the way a sign-off
//! reviewer does: supply chain (pinned actions and images, piped installers), permissions
//! and injection, blocking quality and security checks, security coverage and update bots,
//! the release path (what a production deploy waits for, what protects it, what follows
//! it), and hygiene. Reads `.github/workflows`, composite actions (followed from
//! `uses: ./…`), local reusable workflows and `.gitlab-ci.yml`; writes the gate report and
//! SARIF 2.1.0.
//!
//! Stages: load (`load.rs`, over the positioned YAML tree of core) → model (`model/`) →
//! job graph and what each job does (`graph.rs`, `knowledge/`) → audits (`audit/`, one
//! file per rule family) → policy, baseline and report (`report.rs`).

mod audit;
mod graph;
mod knowledge;
mod load;
mod model;
mod report;

use std::path::PathBuf;

use signoff_core::report::GateReport;
use signoff_core::{CommonArgs, GateArgs, Tool};

pub use signoff_core::audit::Level;

pub use audit::Rule;
pub use load::LoadError;

/// The baseline file used when neither the command line nor the policy names one.
pub const DEFAULT_BASELINE: &str = ".signoff/pipeline-baseline.json";
/// The SARIF file written into the output directory.
pub const SARIF_FILE: &str = "pipeline.sarif";
/// Schema id of this gate's baseline files.
pub const BASELINE_SCHEMA: &str = "signoff/pipeline-baseline/v1";

/// Judge a repository's CI/CD workflows and its release path.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "signoff-pipeline", version, about)]
pub struct Args {
    /// Repository to check
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Open findings at or above this severity fail the gate [default: `fail_on` in signoff.yml, else high]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Level>,

    /// Baseline of known findings that do not fail the gate [default: .signoff/pipeline-baseline.json in PATH, when present]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the current findings to the baseline file and pass
    #[arg(long)]
    pub write_baseline: bool,

    /// Also write the SARIF log here (it is always written as pipeline.sarif in --out)
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

impl GateArgs for Args {
    const GATE: &'static str = "pipeline";
    fn tool() -> Tool {
        signoff_core::tool!()
    }
    fn common(&self) -> &CommonArgs {
        &self.common
    }
}

/// Runs the gate.
pub fn run(args: Args) -> GateReport {
    let opened =
        match signoff_core::audit::open_repository::<Args>(&args.common, args.path.as_deref()) {
            Ok(opened) => opened,
            Err(report) => return *report,
        };
    let mut report = opened.report;
    let policy = opened.ctx.policy.pipeline();
    let repo = match load::load(&opened.canonical, &policy.exclude, opened.skip.as_deref()) {
        Ok(repo) => repo,
        Err(error) => {
            report.error(error.to_string());
            return report.finish("the repository could not be read, so nothing was judged");
        }
    };
    report::build(&args, &opened.ctx, report, &opened.root, repo, &policy)
}

/// Entry points for the fuzz targets in `fuzz/`; not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    /// Reads `bytes` as the file at repository-relative `rel` is read by the gate (a
    /// workflow under `.github/workflows/`, an `action.yml`, `.gitlab-ci.yml`,
    /// `.github/dependabot.yml`). Includes of a GitLab file are looked up under a root that
    /// does not exist. `false` when `rel` names no file the gate reads.
    pub fn file(rel: &str, bytes: &[u8]) -> bool {
        let Some(kind) = crate::load::kind_of(rel) else {
            return false;
        };
        let root = std::path::Path::new("/nonexistent/signoff-fuzz");
        drop(crate::load::parse(kind, rel, bytes, root, &[]));
        true
    }

    /// Parses a GitHub Actions expression; `true` when it parses.
    pub fn expression(text: &str) -> bool {
        crate::model::expr::Expr::parse(text).is_some()
    }

    /// Parses a `uses:` value; `true` when it parses.
    pub fn uses(text: &str) -> bool {
        crate::model::uses::Uses::parse(text).is_some()
    }
}
