//! Bad and hostile input: a lockfile that cannot be parsed is a finding with its file and
//! line, the gate fails, and every other lockfile is still in the SBOM. Nothing hangs,
//! crashes or reads without bound.

use std::path::Path;

use crate::{fixture, run_on, sbom};

/// A temporary repository holding a copy of the cargo fixture (a good lockfile).
fn repo_with_good_lockfile() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "app/Cargo.toml",
        "core/Cargo.toml",
    ] {
        let target = dir.path().join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixture("cargo").join(file), target).unwrap();
    }
    dir
}

fn write(root: &Path, rel: &str, contents: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Runs on `dir`, expects a failing gate with one `lockfile-unparsable` finding on `path`,
/// and the good Cargo.lock's packages still in the SBOM. Returns the finding.
fn fails_on(dir: &Path, path: &str) -> serde_json::Value {
    let outcome = run_on(dir, &[]);
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    assert_eq!(outcome.gate["status"], "fail");
    let finding = outcome.gate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "lockfile-unparsable")
        .unwrap_or_else(|| panic!("{}", outcome.gate))
        .clone();
    assert_eq!(finding["location"]["path"], path);
    outcome.component("pkg:cargo/itoa@1.0.11");
    assert!(!outcome.run.all_output().contains("panicked"));
    finding
}

#[test]
fn truncated_json_is_a_finding_with_its_line() {
    let dir = repo_with_good_lockfile();
    let text = std::fs::read_to_string(fixture("npm-v3").join("package-lock.json")).unwrap();
    let cut: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    write(dir.path(), "web/package-lock.json", cut);
    let finding = fails_on(dir.path(), "web/package-lock.json");
    assert_eq!(finding["location"]["line"], 20);
    assert!(
        finding["help"]
            .as_str()
            .unwrap()
            .contains("npm install --package-lock-only"),
        "{finding}"
    );
}

/// Runs on `dir`, expects a warning gate whose `skipped-entry` findings sit on `path` at
/// `lines` (ascending), and the good Cargo.lock's packages still in the SBOM. Returns the outcome.
fn skips_entries(dir: &Path, path: &str, lines: &[u64]) -> crate::Outcome {
    let outcome = run_on(dir, &[]);
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    assert!(!outcome.run.all_output().contains("panicked"));
    assert_eq!(outcome.gate["status"], "warn", "{}", outcome.gate);
    let skipped: Vec<&serde_json::Value> = outcome.gate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "skipped-entry")
        .collect();
    let mut found: Vec<u64> = skipped
        .iter()
        .map(|f| {
            assert_eq!(f["location"]["path"], path, "{f}");
            f["location"]["line"].as_u64().unwrap()
        })
        .collect();
    found.sort();
    assert_eq!(found, lines, "{}", outcome.gate);
    outcome.component("pkg:cargo/itoa@1.0.11");
    outcome
}

/// Audit: `"version": "npm:"` (or a multibyte character after `npm:`) made the v1 reader
/// slice inside a character and crash the gate, so no SBOM was written for any lockfile.
#[test]
fn an_npm_alias_without_its_package_is_a_finding_not_a_crash() {
    let dir = repo_with_good_lockfile();
    let lock = std::fs::read_to_string(fixture("npm-v1").join("package-lock.json")).unwrap();
    let lock = lock
        .replacen("\"version\": \"0.7.34\"", "\"version\": \"npm:\"", 1)
        .replacen("\"version\": \"8.0.0\"", "\"version\": \"npm:é\"", 1);
    write(dir.path(), "web/package-lock.json", &lock);
    let line = |needle: &str| lock.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    let mut lines = [line("npm:é"), line("\"npm:\"")];
    lines.sort();
    let outcome = skips_entries(dir.path(), "web/package-lock.json", &lines);
    // The rest of that lockfile is still there.
    outcome.component("pkg:npm/debug@4.3.4");
    outcome.component("pkg:npm/string-width@4.2.3");
}

/// Audit: a yarn alias header whose target starts with a multibyte character crashed the
/// classic reader the same way.
#[test]
fn a_yarn_alias_without_its_package_is_a_finding_not_a_crash() {
    let dir = repo_with_good_lockfile();
    let lock = std::fs::read_to_string(fixture("yarn-classic").join("yarn.lock")).unwrap();
    let lock = lock.replacen("emoji-regex@^8.0.0:", "\"emoji-regex@npm:é\":", 1);
    write(dir.path(), "web/yarn.lock", &lock);
    let line = lock.lines().position(|l| l.contains("npm:é")).unwrap() as u64 + 1;
    let outcome = skips_entries(dir.path(), "web/yarn.lock", &[line]);
    outcome.component("pkg:npm/debug@4.3.4");
}

#[test]
fn deeply_nested_json_is_bounded() {
    let dir = repo_with_good_lockfile();
    // Deep nesting in a field that is read (not skipped): serde_json's depth limit.
    let deep = format!(
        "{{\"packages\": {{\"\": {{\"license\": {}1{}}}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    write(dir.path(), "package-lock.json", deep);
    let finding = fails_on(dir.path(), "package-lock.json");
    assert!(
        finding["message"].as_str().unwrap().contains("recursion"),
        "{finding}"
    );
}

#[test]
fn yaml_alias_bomb_is_bounded() {
    let dir = repo_with_good_lockfile();
    // Each level refers nine times to the one before: 9^30 nodes if expanded.
    let mut bomb = String::from("lockfileVersion: '9.0'\nl0: &l0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..30 {
        let p = format!("*l{}", level - 1);
        let refs = [p.as_str(); 9].join(", ");
        bomb.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
    }
    write(dir.path(), "pnpm-lock.yaml", bomb);
    let started = std::time::Instant::now();
    fails_on(dir.path(), "pnpm-lock.yaml");
    assert!(
        started.elapsed().as_secs() < 30,
        "the alias bomb was expanded"
    );
}

#[test]
fn binary_garbage_and_bad_utf8_are_findings() {
    let dir = repo_with_good_lockfile();
    let mut bytes = b"# yarn lockfile v1\n\n".to_vec();
    bytes.extend([0xff, 0xfe, 0x00, 0x01, 0x80]);
    write(dir.path(), "yarn.lock", &bytes);
    let finding = fails_on(dir.path(), "yarn.lock");
    assert_eq!(finding["location"]["line"], 3);
    assert!(finding["message"].as_str().unwrap().contains("not UTF-8"));
}

#[test]
fn huge_files_are_not_read() {
    let dir = repo_with_good_lockfile();
    let file = std::fs::File::create(dir.path().join("poetry.lock")).unwrap();
    file.set_len(300 * 1024 * 1024).unwrap(); // sparse: no disk used
    let finding = fails_on(dir.path(), "poetry.lock");
    assert!(
        finding["message"].as_str().unwrap().contains("MiB"),
        "{finding}"
    );
}

#[test]
fn broken_toml_reports_its_line() {
    let dir = repo_with_good_lockfile();
    write(
        dir.path(),
        "py/uv.lock",
        "version = 1\n\n[[package]]\nname = \"x\"\nversion = \n",
    );
    let finding = fails_on(dir.path(), "py/uv.lock");
    assert_eq!(finding["location"]["line"], 5);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_markup_in_names_do_not_hurt() {
    let dir = repo_with_good_lockfile();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let odd = "<img src=x onerror=alert(1)> **bold** [link](x)";
    write(dir.path(), &format!("{odd}/package-lock.json"), "{ nope");
    let outcome = run_on(dir.path(), &[]);
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    let finding = &outcome.gate["findings"][0];
    assert_eq!(
        finding["location"]["path"],
        format!("{odd}/package-lock.json")
    );
    outcome.component("pkg:cargo/itoa@1.0.11");
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8_are_skipped_with_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repo_with_good_lockfile();
    let name = std::ffi::OsStr::from_bytes(b"bad\xffdir");
    std::fs::create_dir(dir.path().join(name)).unwrap();
    std::fs::write(dir.path().join(name).join("package-lock.json"), "{}").unwrap();
    let outcome = run_on(dir.path(), &[]);
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    assert_eq!(outcome.gate["status"], "warn");
    assert!(
        outcome.gate["details"]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("not UTF-8")
    );
}

#[test]
fn a_directory_without_manifests_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "# nothing here\n");
    let outcome = run_on(dir.path(), &[]);
    assert_eq!(outcome.run.code, 0);
    assert_eq!(outcome.gate["status"], "skipped");
    assert!(
        outcome.gate["summary"]
            .as_str()
            .unwrap()
            .contains("no manifest or lockfile")
    );
}

#[test]
fn a_missing_path_is_an_error() {
    let out = tempfile::tempdir().unwrap();
    let run = sbom()
        .arg(out.path().join("nope"))
        .arg("--out")
        .arg(out.path())
        .run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    let gate = signoff_testkit::assert_valid_gate_report(&out.path().join("sbom.gate.json"));
    assert_eq!(gate["status"], "error");
    assert!(run.stderr.contains("is not a directory"), "{}", run.stderr);
}
