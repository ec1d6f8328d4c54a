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
}

fn main() -> ExitCode {
    signoff_core::gate::init_logging();
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Report(args) => signoff_report::console::main(&args),
        Command::Health(args) => signoff_core::gate::execute(*args, signoff_health::run),
    }
}
