//! Every input on which a fuzz target once failed, replayed: `fuzz/regressions/<target>/`
//! holds them, one test per target, named after it. A new crash goes in the folder of its
//! target, and the test of that name (added here when the folder is new) runs it.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

fn replay(name: &str) {
    let targets = signoff_fuzz::all();
    let target = targets
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no fuzz target named {name}"));
    let dir = signoff_fuzz::workspace_root()
        .join("fuzz/regressions")
        .join(name);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", dir.display());
    for path in inputs {
        let input = std::fs::read(&path).unwrap();
        if let Some(crash) = signoff_fuzz::driver::one(target, &input, Duration::from_secs(20)) {
            panic!("{}: {}", path.display(), crash.message);
        }
    }
}

macro_rules! regressions {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                replay(stringify!($name));
            }
        )*

        #[test]
        fn every_regression_folder_has_a_test() {
            let named = [$(stringify!($name)),*];
            let root = signoff_fuzz::workspace_root().join("fuzz/regressions");
            for entry in std::fs::read_dir(&root).unwrap().flatten() {
                let folder = entry.file_name().to_string_lossy().into_owned();
                assert!(named.contains(&folder.as_str()), "fuzz/regressions/{folder} has no test here");
            }
        }
    };
}

regressions!(
    coverage_cobertura,
    coverage_gcovr,
    coverage_go,
    coverage_istanbul,
    coverage_jacoco,
    sbom_flake_lock,
    sbom_spdx,
    secrets_git_pack,
    vulns_version,
);
