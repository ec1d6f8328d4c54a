//! signoff-infra: the `infra` gate. Reviews how a release is packaged and deployed, the way
//! a sign-off reviewer does: Dockerfiles and Containerfiles, compose files, Kubernetes
//! manifests, Terraform, and the repository's hygiene around them (committed `.env`
//! files). Writes the gate report and SARIF 2.1.0.
//!
//! Stages: load (`load.rs`: one walk honouring `.gitignore`, each file read once and
//! bounded, parsed by kind) → models (`model/`: a small Dockerfile parser, the positioned
//! YAML tree of core for compose and manifests, `hcl-edit` for Terraform) → audits
//! (`audit/`, one file per family) → values the secret scan reports are left to it
//! (`defer.rs`) → policy, baseline and report (`report.rs`).
//!
//! Fails closed: a file it recognises but cannot read or parse is an `invalid-file`
//! finding naming the file and the place; a repository with none of these files is
//! `skipped`, saying so.

mod audit;
mod defer;
mod load;
mod model;
mod report;

use std::path::PathBuf;

use signoff_core::report::GateReport;
use signoff_core::{CommonArgs, GateArgs, Tool};

pub use signoff_core::audit::Level;

pub use audit::Rule;
pub use load::LoadError;
pub use model::dockerfile;

/// The baseline file used when neither the command line nor the policy names one.
pub const DEFAULT_BASELINE: &str = ".signoff/infra-baseline.json";
/// The SARIF file written into the output directory.
pub const SARIF_FILE: &str = "infra.sarif";
/// Schema id of this gate's baseline files.
pub const BASELINE_SCHEMA: &str = "signoff/infra-baseline/v1";

/// Review Dockerfiles, compose files, Kubernetes manifests and Terraform before release.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "signoff-infra", version, about)]
pub struct Args {
    /// Repository to check
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// Open findings at or above this severity fail the gate [default: `fail_on` in signoff.yml, else high]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Level>,

    /// Baseline of known findings that do not fail the gate [default: .signoff/infra-baseline.json in PATH, when present]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the current findings to the baseline file and pass
    #[arg(long)]
    pub write_baseline: bool,

    /// Also write the SARIF log here (it is always written as infra.sarif in --out)
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

impl GateArgs for Args {
    const GATE: &'static str = "infra";
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
    let policy = opened.ctx.policy.infra();
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
    /// Parses Dockerfile text.
    pub fn dockerfile(text: &str) {
        let _ = crate::model::dockerfile::parse(text);
    }

    /// Parses Terraform (HCL) text; `Err` carries the parser's message.
    pub fn terraform(text: &str) -> Result<(), String> {
        crate::model::terraform::parse("main.tf", text)
            .map(|_| ())
            .map_err(|problem| problem.message)
    }

    /// Reads `bytes` as the file at repository-relative `rel` is read by the gate (by the
    /// kind its path gives: Dockerfile, Compose, Kubernetes YAML, Terraform, …).
    pub fn file(rel: &str, bytes: &[u8]) {
        if let Some(kind) = crate::load::kind_of(rel) {
            let _ = crate::load::parse(kind, rel, bytes, bytes.len() as u64);
        }
    }
}
