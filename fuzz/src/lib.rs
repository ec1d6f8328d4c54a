//! Fuzz targets for signoff's parsers, and a driver that runs them on the stable toolchain.
//!
//! Each target is a plain `fn(&[u8])` that feeds its input to one parser entry point and
//! asserts what must hold for any input: the call returns (no panic), and where it is cheap
//! to check, a property (parsing is deterministic, a parsed value is consistent). The same
//! functions can be wrapped by `cargo fuzz` targets where a nightly toolchain exists.
//!
//! The driver ([`driver::run`]) feeds each target its seed corpus (the crates' own test
//! fixtures, listed per target in [`targets`]) and inputs made from it by a small seeded
//! mutator ([`mutate::Mutator`]), each under `catch_unwind` with a time budget.

pub mod driver;
pub mod mutate;
pub mod targets;

pub use driver::{Budget, Crash, Outcome, run};
pub use targets::{Target, all};

/// Runs the target called `name` on `data`: the entry of the libFuzzer targets in
/// `fuzz/libfuzzer`, which are one line each. Panics on a name no target has.
pub fn run_named(name: &str, data: &[u8]) {
    static TARGETS: std::sync::OnceLock<Vec<Target>> = std::sync::OnceLock::new();
    let targets = TARGETS.get_or_init(all);
    let target = targets
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no fuzz target named {name}"));
    (target.run)(data);
}

/// The workspace root, where the seed paths start.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| ".".into(), std::path::Path::to_path_buf)
}
