//! `signoff-report`: the sign-off report binary.

use clap::Parser;

fn main() -> std::process::ExitCode {
    signoff_core::gate::init_logging();
    signoff_report::console::main(&signoff_report::Args::parse())
}
