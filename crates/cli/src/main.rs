//! `signoff`: every gate as a subcommand (same arguments as the gate's own binary), the
//! report, and `check`, which runs every gate that applies and then the report.

mod check;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use signoff_report::console::AFTER_HELP;

/// Release sign-off for a repository: every gate, one policy, one verdict, one report.
#[derive(Debug, Parser)]
#[command(name = "signoff", version, about, long_about = None, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every gate that applies to a repository, then the report
    #[command(after_help = AFTER_HELP)]
    Check(check::CheckArgs),
    /// Turn gate reports into a sign-off report
    #[command(after_help = AFTER_HELP)]
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
    /// Judge the CI/CD workflows and the release path (signoff-pipeline)
    #[command(name = "pipeline")]
    Pipeline(signoff_pipeline::Args),
    /// Review Dockerfiles, compose files, Kubernetes manifests and Terraform (signoff-infra)
    #[command(name = "infra")]
    Infra(signoff_infra::Args),
}

fn main() -> ExitCode {
    signoff_core::gate::init_logging();
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    // `check` writes into the checked directory unless --out or SIGNOFF_DIR says otherwise.
    let out_given = matches
        .subcommand_matches("check")
        .and_then(|m| m.value_source("out"))
        .is_some_and(|source| source != clap::parser::ValueSource::DefaultValue);
    // Whatever happens, the exit code is one of the contract's: a panic outside a gate
    // (the gates catch their own) is an error, 2, never Rust's 101.
    std::panic::catch_unwind(move || run(cli.command, out_given)).unwrap_or_else(|_| {
        signoff_core::errln!(
            "error: signoff crashed; this is a bug in signoff, please report it with the message above"
        );
        ExitCode::from(2)
    })
}

fn run(command: Command, out_given: bool) -> ExitCode {
    match command {
        Command::Check(args) => check::run(&args, out_given),
        Command::Report(args) => signoff_report::console::main(&args),
        Command::Health(args) => signoff_core::gate::execute(*args, signoff_health::run),
        Command::Coverage(args) => signoff_coverage::main(*args),
        Command::Sbom(args) => signoff_core::gate::execute(args, signoff_sbom::run),
        Command::SecretScan(args) => signoff_core::gate::execute(args, signoff_secrets::run),
        Command::Vulnerabilities(args) => signoff_vulns::dispatch(*args),
        Command::Pipeline(args) => signoff_core::gate::execute(args, signoff_pipeline::run),
        Command::Infra(args) => signoff_core::gate::execute(args, signoff_infra::run),
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
            ("pipeline", signoff_pipeline::Args::command()),
            ("infra", signoff_infra::Args::command()),
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
