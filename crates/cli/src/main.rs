//! `signoff`: every gate as a subcommand (same arguments as the gate's own binary), the
//! report, and `check`, which runs every gate that applies and then the report.

mod check;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Release sign-off for a repository: every gate, one policy, one verdict, one report.
#[derive(Debug, Parser)]
#[command(name = "signoff", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every gate that applies to a repository, then the report
    Check(check::CheckArgs),
    /// Turn gate reports into a sign-off report
    Report(signoff_report::Args),
    /// Is the deployed service really up? Probes, assertions, latency SLOs, rollback
    #[command(name = "health-check")]
    Health(Box<signoff_health::Args>),
    /// Check coverage reports against thresholds (signoff-coverage)
    #[command(name = "coverage")]
    Coverage(Box<signoff_coverage::Args>),
    /// Write the CycloneDX SBOM of a repository from its lockfiles, and check it
    #[command(name = "sbom")]
    Sbom(signoff_sbom::Args),
    /// Find credentials in the working tree, the git history or a PR range
    #[command(name = "secret-scan")]
    SecretScan(signoff_secrets::Args),
    /// Check the SBOM's packages against the OSV database, offline (`update` downloads it)
    #[command(name = "vulnerabilities")]
    Vulnerabilities(Box<signoff_vulns::Args>),
}

fn main() -> ExitCode {
    signoff_core::gate::init_logging();
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Report(args) => signoff_report::console::main(&args),
        Command::Health(args) => signoff_core::gate::execute(*args, signoff_health::run),
        Command::Coverage(args) => signoff_core::gate::execute(*args, signoff_coverage::run),
        Command::Sbom(args) => signoff_core::gate::execute(args, signoff_sbom::run),
        Command::SecretScan(args) => signoff_core::gate::execute(args, signoff_secrets::run),
        Command::Vulnerabilities(args) => signoff_vulns::dispatch(*args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every argument of a subcommand, as the help shows it: id, long and short flags,
    /// whether it takes a value, and whether it is required.
    fn arguments(command: &clap::Command) -> Vec<String> {
        let mut out: Vec<String> = command
            .get_arguments()
            .map(|a| {
                format!(
                    "{} --{:?} -{:?} takes={:?} required={}",
                    a.get_id(),
                    a.get_long(),
                    a.get_short(),
                    a.get_num_args(),
                    a.is_required_set()
                )
            })
            .collect();
        out.sort();
        out.extend(command.get_subcommands().flat_map(|sub| {
            arguments(sub)
                .into_iter()
                .map(move |a| format!("{} {a}", sub.get_name()))
        }));
        out
    }

    /// `signoff <gate> …` takes exactly the arguments of the gate's own binary.
    #[test]
    fn gate_subcommands_take_the_gate_binaries_arguments() {
        let cli = Cli::command();
        let cases = [
            ("secret-scan", signoff_secrets::Args::command()),
            ("sbom", signoff_sbom::Args::command()),
            ("coverage", signoff_coverage::Args::command()),
            ("health-check", signoff_health::Args::command()),
            ("vulnerabilities", signoff_vulns::Args::command()),
            ("report", signoff_report::Args::command()),
        ];
        for (name, own) in cases {
            let sub = cli
                .find_subcommand(name)
                .unwrap_or_else(|| panic!("no `signoff {name}`"));
            let mine = arguments(sub);
            assert!(!mine.is_empty(), "{name}");
            assert_eq!(mine, arguments(&own), "`signoff {name}` differs");
        }
    }
}
