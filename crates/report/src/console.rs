//! What `signoff-report` and `signoff check` print: the verdict and score, one line per
//! gate, and where the report is. Untrusted text is shown on one line.

use std::process::ExitCode;

use signoff_core::report::{Finding, Status};
use signoff_core::text::one_line;
use signoff_core::{errln, outln};

use crate::{Args, Command, Outcome};

/// What `--help` ends with: exit codes, environment, examples.
pub const AFTER_HELP: &str = "\
Exit codes:
  0    approved (APPROVED or APPROVED WITH CONDITIONS); a gate: pass, warn or skipped
  1    rejected (REJECTED); a gate: fail
  2    signoff could not do its job: bad usage, a path that does not exist or cannot be
       read, a broken signoff.yml or template; a gate: error
  130  interrupted (Ctrl-C): the previous complete output is left as it was

Environment:
  SIGNOFF_DIR           output directory, instead of --out
  SIGNOFF_LOG           log filter on stderr, like `debug`
  SIGNOFF_NO_PROGRESS   no progress line on the terminal (none is shown when CI is set)
  GITHUB_TOKEN          token for --comment
  SOURCE_DATE_EPOCH     fixes the SBOM's timestamp

Examples:
  signoff check                      # the repository you are in; report in signoff-out/
  signoff check ../app --coverage ../app/coverage/lcov.info --format json
  signoff report gates/ --out signoff-report";

/// Open findings printed per gate; the report has them all.
const FINDINGS_PER_GATE: usize = 5;

/// What the console shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The verdict, a line per gate, errors, the top findings, and where the report is.
    Text,
    /// `signoff.json`, for machines.
    Json,
}

/// Prints the outcome in `format`.
pub fn show(outcome: &Outcome, format: Format) {
    match format {
        Format::Text => print(outcome),
        Format::Json => outln!("{}", crate::output::pretty(&outcome.signoff).trim_end()),
    }
}

/// Prints the outcome for people.
pub fn print(outcome: &Outcome) {
    let decision = &outcome.decision;
    outln!(
        "signoff: {} (score {}/100)",
        decision.verdict,
        decision.score
    );
    // Ids in one column, as wide as the longest (built-in ids fit in 15).
    let width = decision
        .gates
        .iter()
        .map(|gate| gate.id.len())
        .chain(decision.missing.iter().map(String::len))
        .max()
        .unwrap_or(0)
        .max(15);
    for gate in &decision.gates {
        let summary = gate
            .judging()
            .iter()
            .map(|shard| one_line(&shard.report.summary))
            .collect::<Vec<_>>()
            .join("; ");
        outln!(
            "  {} {:<width$} {:<8} {}",
            icon(gate.status),
            gate.id,
            gate.status.as_str(),
            summary
        );
        if gate.advisory {
            outln!("      advisory: reported and scored, never a reason to reject");
        }
        for shard in &gate.shards {
            for error in shard.report.errors() {
                for line in error.lines().filter(|l| !l.trim().is_empty()) {
                    outln!("      {}", one_line(line.trim()));
                }
            }
        }
        print_findings(gate);
    }
    for id in &decision.missing {
        outln!("  ✗ {id:<width$} missing  required by the policy, but no report was found");
    }
    for problem in &decision.problems {
        outln!(
            "  ! {}: {}",
            one_line(&problem.display),
            one_line(&problem.message)
        );
    }
    for reason in &decision.rejections {
        outln!("  rejected: {}", one_line(reason));
    }
    for condition in &decision.conditions {
        outln!("  condition: {}", one_line(condition));
    }
    if let Some(error) = &outcome.comment_error {
        errln!(
            "warning: the pull-request comment was not posted: {}",
            one_line(error)
        );
    }
    outln!("report: {}", shown(&outcome.markdown_path).display());
}

/// A path as short as it can be shown: relative to the current directory when inside it.
pub fn shown(path: &std::path::Path) -> std::path::PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|here| {
            path.strip_prefix(here)
                .ok()
                .map(std::path::Path::to_path_buf)
        })
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or_else(|| path.to_path_buf())
}

/// The worst open findings of a gate, one line each.
fn print_findings(gate: &crate::decide::Gate) {
    let mut seen = std::collections::HashSet::new();
    let mut open: Vec<&Finding> = gate
        .judging()
        .into_iter()
        .flat_map(|s| s.report.findings.iter())
        .filter(|f| !f.waived && seen.insert(f.fingerprint.as_str()))
        .collect();
    open.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for finding in open.iter().take(FINDINGS_PER_GATE) {
        let place = finding
            .location
            .as_ref()
            .map(|l| match l.line {
                Some(line) => format!(" {}:{line}", l.path),
                None => format!(" {}", l.path),
            })
            .unwrap_or_default();
        outln!(
            "      {:<8} {}{} {}",
            finding.severity.as_str(),
            one_line(&finding.rule),
            one_line(&place),
            one_line(&finding.message)
        );
    }
    if open.len() > FINDINGS_PER_GATE {
        outln!(
            "      … and {} in the report",
            signoff_core::text::plural(
                (open.len() - FINDINGS_PER_GATE) as u64,
                "more open finding",
                "more open findings"
            )
        );
    }
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
                    outln!("CHANGED  {}", one_line(name));
                }
                for name in &result.missing {
                    outln!("MISSING  {}", one_line(name));
                }
                for name in &result.unlisted {
                    outln!("UNLISTED {}", one_line(name));
                }
                if result.ok() {
                    outln!(
                        "verified: {} files match signoff.intoto.json",
                        result.verified.len()
                    );
                    ExitCode::SUCCESS
                } else {
                    outln!(
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
                errln!("{error}");
                ExitCode::from(2)
            }
        };
    }
    crate::staging::watch_interrupts();
    match crate::run(args) {
        Ok(outcome) => {
            show(&outcome, args.format);
            ExitCode::from(outcome.decision.verdict.exit_code())
        }
        Err(error) => {
            errln!("{error}");
            ExitCode::from(2)
        }
    }
}
