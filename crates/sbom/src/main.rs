//! `signoff-sbom`: the SBOM gate's binary. All logic lives in the library.

fn main() -> std::process::ExitCode {
    signoff_core::gate::main(signoff_sbom::run)
}
