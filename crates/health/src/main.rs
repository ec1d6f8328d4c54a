//! The `signoff-health` binary: parse, run the gate, write the report, exit.

fn main() -> std::process::ExitCode {
    signoff_core::gate::main(signoff_health::run)
}
