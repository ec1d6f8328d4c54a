//! What `signoff-report` and `signoff check` print: the verdict and score, one line per
//! gate, and where the report is. Untrusted text is shown on one line.

use std::process::ExitCode;

use signoff_core::report::Status;
use signoff_core::text::one_line;

use crate::{Args, Command, Outcome};

/// Prints the outcome.
pub fn print(outcome: &Outcome) {
    let decision = &outcome.decision;
    println!(
        "signoff: {} (score {}/100)",
        decision.verdict, decision.score
    );
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
    for reason in decision.rejections.iter().chain(&decision.conditions) {
        println!("  - {}", one_line(reason));
    }
    if let Some(error) = &outcome.comment_error {
        eprintln!(
            "warning: the pull-request comment was not posted: {}",
            one_line(error)
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

/// The whole of `signoff-report` (and `signoff report`) after parsing: the report, or
/// `verify`. Returns the exit code: 0 approved, 1 rejected or changed, 2 error.
pub fn main(args: &Args) -> ExitCode {
    if let Some(Command::Verify { dir }) = &args.command {
        return match crate::output::verify(dir) {
            Ok(result) => {
                for name in &result.changed {
                    println!("CHANGED  {}", one_line(name));
                }
                for name in &result.missing {
                    println!("MISSING  {}", one_line(name));
                }
                for name in &result.unlisted {
                    println!("UNLISTED {}", one_line(name));
                }
                if result.ok() {
                    println!(
                        "verified: {} files match signoff.intoto.json",
                        result.verified.len()
                    );
                    ExitCode::SUCCESS
                } else {
                    println!(
                        "verification failed: {} changed, {} missing, {} unlisted, {} intact",
                        result.changed.len(),
                        result.missing.len(),
                        result.unlisted.len(),
                        result.verified.len()
                    );
                    ExitCode::from(1)
                }
            }
            Err(error) => {
                eprintln!("{error}");
                ExitCode::from(2)
            }
        };
    }
    match crate::run(args) {
        Ok(outcome) => {
            print(&outcome);
            ExitCode::from(outcome.decision.verdict.exit_code())
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}
