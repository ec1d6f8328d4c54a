//! `signoff-pipeline`: the pipeline gate's binary.

fn main() -> std::process::ExitCode {
    signoff_core::gate::main(signoff_pipeline::run)
}
