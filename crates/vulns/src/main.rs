//! `signoff-vulns`: the vulnerabilities gate's binary. All logic lives in the library.

fn main() -> std::process::ExitCode {
    signoff_vulns::main()
}
