//! `signoff-infra`: the infra gate's binary.

fn main() -> std::process::ExitCode {
    signoff_core::gate::main(signoff_infra::run)
}
