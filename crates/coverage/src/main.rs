//! `signoff-coverage`: the coverage gate binary.

use clap::Parser;

fn main() -> std::process::ExitCode {
    signoff_core::gate::init_logging();
    signoff_coverage::main(signoff_coverage::Args::parse())
}
