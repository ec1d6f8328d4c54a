//! `signoff-secrets`: the secret-scan gate's binary.

fn main() -> std::process::ExitCode {
    signoff_core::gate::main(signoff_secrets::run)
}
