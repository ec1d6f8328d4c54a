fn main() -> std::process::ExitCode {
    signoff_core::gate::main(signoff_coverage::run)
}
