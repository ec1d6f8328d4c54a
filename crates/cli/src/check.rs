//! `signoff check [PATH]`: runs every gate that applies to a repository on this machine,
//! then the report, and prints a short summary: the verdict, one line per gate, and where
//! the report is.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use signoff_core::CommonArgs;
use signoff_core::policy::Policy;
use signoff_core::report::Status;
use signoff_core::text::one_line;
use signoff_report::Outcome;

/// Arguments of `signoff check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Repository to check
    #[arg(default_value = ".")]
    pub path: PathBuf,

    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let policy = match Policy::load(&args.path, args.common.policy.as_deref()) {
        Ok(policy) => policy,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    if let Some(note) = policy.note() {
        eprintln!("{note}");
    }
    let out = &args.common.out;
    if let Err(error) = clear_previous_reports(out) {
        eprintln!(
            "error: cannot prepare the output directory {}: {error}\n  = help: check that --out (or SIGNOFF_DIR) names a writable directory",
            out.display()
        );
        return ExitCode::from(2);
    }
    let report_args = signoff_report::Args {
        dirs: vec![out.clone()],
        common: args.common.clone(),
    };
    match signoff_report::run_with_policy(&report_args, &policy) {
        Ok(outcome) => {
            print_outcome(&outcome);
            ExitCode::from(outcome.decision.verdict.exit_code())
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}

/// Removes gate reports a previous run left in `out`, so a gate that does not apply this
/// time cannot be counted with stale results.
fn clear_previous_reports(out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    for entry in std::fs::read_dir(out)?.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".gate.json") && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    let copies = out.join("gates");
    if copies.is_dir() {
        std::fs::remove_dir_all(copies)?;
    }
    Ok(())
}

/// The console summary: verdict, one line per gate, the report's path.
pub fn print_outcome(outcome: &Outcome) {
    let decision = &outcome.decision;
    println!("signoff: {}", decision.verdict);
    for gate in &decision.gates {
        let summary = gate
            .shards
            .iter()
            .map(|shard| one_line(&shard.report.summary))
            .collect::<Vec<_>>()
            .join("; ");
        println!(
            "  {} {:<13} {:<8} {}",
            icon(gate.status),
            gate.id,
            gate.status.as_str(),
            summary
        );
    }
    for id in &decision.missing {
        println!("  ✗ {id:<13} missing  required by the policy, but no report was found");
    }
    for problem in &decision.problems {
        println!(
            "  ! {}: {}",
            one_line(&problem.display),
            one_line(&problem.message)
        );
    }
    println!("report: {}", outcome.markdown_path.display());
}

fn icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Warn => "!",
        Status::Fail | Status::Error => "✗",
        Status::Skipped => "-",
    }
}
