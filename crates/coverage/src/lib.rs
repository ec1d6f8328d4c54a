//! signoff-coverage: turns the coverage report a project's test runner writes into a
//! verdict: overall thresholds (lines, branches, functions, with per-path overrides),
//! coverage of the lines a change adds, and the change against a baseline.
//!
//! Stages: [`parse`] (format detected by content, streaming and parallel) → [`paths`]
//! (report paths to repository paths) → [`model`] (merged line by line) → [`gate`]
//! (checks, findings, details) → the report, the badge and, for `merge`, an lcov file.

pub mod badge;
mod chunked;
pub mod diff;
pub mod error;
mod gate;
pub mod merge;
pub mod model;
pub mod parse;
pub mod patch;
pub mod paths;
mod shards;

use std::path::PathBuf;

use signoff_core::report::GateReport;
use signoff_core::{CommonArgs, GateArgs, Tool};

pub use gate::Rule;
use paths::PathMap;
pub use shards::{LINE_DATA, Shard, judge_shards};

/// Checks coverage reports against thresholds, on the whole code and on a change.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "signoff-coverage",
    version,
    about,
    long_about = None,
    subcommand_negates_reqs = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Coverage report (lcov, Cobertura, JaCoCo, Go coverprofile, Istanbul, coverage.py
    /// JSON, llvm-cov JSON, gcovr JSON; detected by content). Give several to merge shards
    #[arg(long = "report", value_name = "FILE", num_args = 1.., required = true)]
    pub reports: Vec<PathBuf>,

    /// Minimum line coverage, percent (Go coverprofiles: statements, as `go test -cover`
    /// prints) [default: policy `lines`]
    #[arg(long, value_name = "N", value_parser = percent)]
    pub lines: Option<f64>,

    /// Minimum branch coverage, percent [default: policy `branches`]
    #[arg(long, value_name = "N", value_parser = percent)]
    pub branches: Option<f64>,

    /// Minimum function coverage, percent [default: policy `functions`]
    #[arg(long, value_name = "N", value_parser = percent)]
    pub functions: Option<f64>,

    /// Minimum statement coverage, percent (istanbul/vitest, Go) [default: policy
    /// `statements`]
    #[arg(long, value_name = "N", value_parser = percent)]
    pub statements: Option<f64>,

    /// Minimum coverage of the changed lines, percent [default: policy `patch`]
    #[arg(long, value_name = "N", value_parser = percent)]
    pub patch: Option<f64>,

    /// No patch threshold when fewer than N changed lines are executable (small changes)
    /// [default: policy `patch_min_lines`, else 0]
    #[arg(long, value_name = "N")]
    pub patch_min_lines: Option<u64>,

    /// Base revision: the changed lines are those added since its merge base with HEAD
    /// (including uncommitted changes) [default in a pull request: its base commit]
    #[arg(long, value_name = "REV", conflicts_with = "diff")]
    pub base: Option<String>,

    /// Unified diff whose added lines are the changed lines (`git diff main...HEAD`)
    #[arg(long, value_name = "FILE")]
    pub diff: Option<PathBuf>,

    /// The base branch's coverage (a report in any format, or its coverage.gate.json):
    /// line coverage may drop at most --max-drop points against it
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Largest allowed drop of line coverage against --baseline, in percentage points
    /// [default: policy `max_drop`, else 0]
    #[arg(long, value_name = "N", value_parser = percent)]
    pub max_drop: Option<f64>,

    /// Rewrites report paths starting with FROM to start with TO (repeatable), e.g.
    /// `--path-map /home/runner/work/app/app=`
    #[arg(long = "path-map", value_name = "FROM=TO")]
    pub path_maps: Vec<PathMap>,

    /// Repository root that report paths map to
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Merge reports (shards, suites, formats) line by line into one lcov file
    Merge(MergeArgs),
}

/// Arguments of `merge`.
#[derive(Debug, Clone, clap::Args)]
pub struct MergeArgs {
    /// Reports to merge (any supported format)
    #[arg(long = "report", value_name = "FILE", num_args = 1.., required = true)]
    pub reports: Vec<PathBuf>,

    /// The merged lcov file [default: <out>/coverage.merged.info]
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Rewrites report paths starting with FROM to start with TO (repeatable)
    #[arg(long = "path-map", value_name = "FROM=TO")]
    pub path_maps: Vec<PathMap>,

    /// Repository root that report paths map to
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

fn percent(value: &str) -> Result<f64, String> {
    let number: f64 = value
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{value}` is not a number; give a percentage like 80 or 92.5"))?;
    if (0.0..=100.0).contains(&number) {
        Ok(number)
    } else {
        Err(format!("{value} is not a percentage from 0 to 100"))
    }
}

impl GateArgs for Args {
    const GATE: &'static str = "coverage";
    fn tool() -> Tool {
        signoff_core::tool!()
    }
    fn common(&self) -> &CommonArgs {
        &self.common
    }
}

/// Runs the gate.
pub fn run(args: Args) -> GateReport {
    gate::run(args)
}

/// The whole of `signoff-coverage` (and `signoff coverage`) after parsing: the gate, or
/// `merge`, which writes an lcov file and no gate report (merging is not judging).
pub fn main(args: Args) -> std::process::ExitCode {
    match &args.command {
        Some(Command::Merge(merge)) => gate::merge_main(merge, &args.common),
        None => signoff_core::gate::execute(args, run),
    }
}
