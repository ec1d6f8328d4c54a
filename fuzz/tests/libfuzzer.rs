//! The libFuzzer crate in `fuzz/libfuzzer` has one target per driver target, each a
//! one-line call of `signoff_fuzz::run_named`. `SIGNOFF_FUZZ_WRITE=1 cargo test -p
//! signoff-fuzz --test libfuzzer` writes the files when a target is added or renamed.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

fn expected() -> BTreeMap<String, String> {
    signoff_fuzz::all()
        .into_iter()
        .map(|t| {
            let body = format!(
                "// Written by fuzz/tests/libfuzzer.rs; see fuzz/src/targets.rs.\n\
                 #![no_main]\n\
                 libfuzzer_sys::fuzz_target!(|data: &[u8]| signoff_fuzz::run_named(\"{}\", data));\n",
                t.name
            );
            (t.name, body)
        })
        .collect()
}

fn manifest(targets: &BTreeMap<String, String>) -> String {
    let mut text = String::from(
        "# Written by fuzz/tests/libfuzzer.rs: the libFuzzer build of the targets in\n\
         # fuzz/src/targets.rs, for `cargo +nightly fuzz` (see scripts/fuzz.sh).\n\
         [package]\n\
         name = \"signoff-fuzz-libfuzzer\"\n\
         version = \"0.0.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\n\
         [package.metadata]\n\
         cargo-fuzz = true\n\n\
         # Its own workspace: built only with a nightly toolchain, never by `cargo test`.\n\
         [workspace]\n\n\
         [dependencies]\n\
         libfuzzer-sys = \"0.4\"\n\
         signoff-fuzz = { path = \"..\" }\n\n\
         [profile.release]\n\
         debug = 1\n",
    );
    for name in targets.keys() {
        text.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"fuzz_targets/{name}.rs\"\ntest = false\ndoc = false\nbench = false\n"
        ));
    }
    text
}

#[test]
fn every_target_has_a_libfuzzer_target() {
    let root = signoff_fuzz::workspace_root().join("fuzz/libfuzzer");
    let targets = expected();
    let manifest = manifest(&targets);
    if std::env::var_os("SIGNOFF_FUZZ_WRITE").is_some() {
        let dir = root.join("fuzz_targets");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        for (name, body) in &targets {
            std::fs::write(dir.join(format!("{name}.rs")), body).unwrap();
        }
        std::fs::write(root.join("Cargo.toml"), &manifest).unwrap();
    }
    let stale = "fuzz/libfuzzer is out of step with fuzz/src/targets.rs: run \
                 SIGNOFF_FUZZ_WRITE=1 cargo test -p signoff-fuzz --test libfuzzer";
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(read(&root.join("Cargo.toml")), manifest, "{stale}");
    let mut present: Vec<String> = std::fs::read_dir(root.join("fuzz_targets"))
        .map(|dir| {
            dir.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    present.sort();
    let wanted: Vec<String> = targets.keys().map(|n| format!("{n}.rs")).collect();
    assert_eq!(present, wanted, "{stale}");
    for (name, body) in &targets {
        let path = root.join("fuzz_targets").join(format!("{name}.rs"));
        assert_eq!(&read(&path), body, "{stale}");
    }
}
