//! signoff-report: turns gate reports into a sign-off. It reads every `*.gate.json`
//! under the given directories, applies the policy, decides the verdict and writes
//! `report.md` and `signoff.json` into the output directory, with a copy of every gate
//! report it used.

pub mod decide;
pub mod load;
mod render;

use std::path::{Path, PathBuf};

use signoff_core::CommonArgs;
use signoff_core::diag::ConfigError;
use signoff_core::policy::Policy;

pub use decide::{Decision, Verdict};

/// Command-line arguments of `signoff-report` and `signoff report`.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "signoff-report",
    version,
    about = "Turn signoff gate reports into a sign-off report"
)]
pub struct Args {
    /// Directories searched recursively for *.gate.json [default: the output directory]
    #[arg(value_name = "ARTIFACT_DIR")]
    pub dirs: Vec<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Why the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Policy(#[from] ConfigError),
    #[error(
        "error: cannot write {path}: {source}\n  = help: check that --out (or SIGNOFF_DIR) names a writable directory"
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What a report run produced.
#[derive(Debug)]
pub struct Outcome {
    pub decision: Decision,
    pub markdown_path: PathBuf,
}

/// Reads the gate reports, decides and writes the report files.
pub fn run(args: &Args) -> Result<Outcome, Error> {
    let policy = Policy::load(Path::new("."), args.common.policy.as_deref())?;
    if let Some(note) = policy.note() {
        eprintln!("{note}");
    }
    run_with_policy(args, &policy)
}

/// Like [`run`], with the policy already loaded.
pub fn run_with_policy(args: &Args, policy: &Policy) -> Result<Outcome, Error> {
    let out = &args.common.out;
    let dirs = if args.dirs.is_empty() {
        vec![out.clone()]
    } else {
        args.dirs.clone()
    };
    let copies = out.join("gates");
    let found = load::find(&dirs, Some(&copies));
    let decision = decide::decide(found, policy);
    let markdown = render::markdown(&decision);
    let markdown_path = out.join("report.md");
    write(&markdown_path, markdown.as_bytes())?;
    write(
        &out.join("signoff.json"),
        render::json(&decision).as_bytes(),
    )?;
    Ok(Outcome {
        decision,
        markdown_path,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    signoff_core::fs::write_atomic(path, bytes).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}
