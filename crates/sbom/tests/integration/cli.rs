//! The command line: formats, determinism, dev exclusion, deny and licence lists (flags
//! and policy), and `diff`.

use std::path::Path;

use crate::{fixture, run_on, sbom};

/// The BOM text without the two fields that differ between runs.
fn stable(text: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    value["serialNumber"] = "x".into();
    value["metadata"]["timestamp"] = "x".into();
    serde_json::to_string_pretty(&value).unwrap()
}

#[test]
fn two_runs_are_identical_apart_from_timestamp_and_serial() {
    let first = run_on(&fixture("npm-v3"), &[]);
    let second = run_on(&fixture("npm-v3"), &[]);
    let read =
        |o: &crate::Outcome| std::fs::read_to_string(o.out.path().join("sbom.cdx.json")).unwrap();
    let (a, b) = (read(&first), read(&second));
    assert_ne!(a, b, "serial numbers differ");
    assert_eq!(stable(&a), stable(&b));
    let serial = first.bom()["serialNumber"].as_str().unwrap();
    assert!(serial.starts_with("urn:uuid:"), "{serial}");
}

/// The schema check is strict and resolves the SPDX schema locally: an unknown property,
/// an unknown hash algorithm and a licence id outside the SPDX list are each rejected.
#[test]
fn the_cyclonedx_schema_check_rejects_what_the_schema_forbids() {
    let outcome = run_on(&fixture("composer"), &[]);
    let valid = outcome.bom().clone();
    assert!(crate::cyclonedx_errors(&valid).is_empty());
    let mut extra = valid.clone();
    extra["components"][0]["signoff"] = true.into();
    let mut alg = valid.clone();
    alg["components"][0]["hashes"] = serde_json::json!([{"alg": "SHA-999", "content": "00"}]);
    let mut license = valid;
    license["components"][0]["licenses"] =
        serde_json::json!([{"license": {"id": "Not-An-SPDX-Id"}}]);
    for (case, bom) in [("extra", extra), ("alg", alg), ("license", license)] {
        let errors = crate::cyclonedx_errors(&bom);
        assert!(
            errors.iter().any(|e| e.contains("/components/0")),
            "{case}: {errors:?}"
        );
    }
}

/// Copies every fixture into `root/<case>/`, in the given order of cases.
fn copy_all_fixtures(root: &Path, reverse: bool) {
    let mut cases: Vec<std::path::PathBuf> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    if reverse {
        cases.reverse();
    }
    for case in cases {
        let name = case.file_name().unwrap().to_owned();
        let mut stack = vec![case.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let target = root.join(&name).join(path.strip_prefix(&case).unwrap());
                if path.is_dir() {
                    stack.push(path);
                } else {
                    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                    std::fs::copy(&path, &target).unwrap();
                }
            }
        }
    }
}

/// Every ecosystem at once, in two copies of the repository made in opposite orders:
/// with SOURCE_DATE_EPOCH the two SBOMs are byte-identical apart from the serial number.
#[test]
fn two_runs_on_every_fixture_at_once_are_byte_identical() {
    let sboms: Vec<String> = [false, true]
        .into_iter()
        .map(|reverse| {
            let base = tempfile::tempdir().unwrap();
            let root = base.path().join("repo");
            copy_all_fixtures(&root, reverse);
            let out = tempfile::tempdir().unwrap();
            let run = sbom()
                .arg(&root)
                .arg("--out")
                .arg(out.path())
                .env("SOURCE_DATE_EPOCH", "1700000000")
                .run();
            assert!(run.code <= 1, "{}", run.all_output());
            let gate =
                signoff_testkit::assert_valid_gate_report(&out.path().join("sbom.gate.json"));
            assert_eq!(gate["metrics"]["lockfiles_unparsable"], 0, "{gate}");
            let ecosystems = gate["details"]["ecosystems"].as_object().unwrap();
            assert_eq!(
                ecosystems.len(),
                15,
                "every ecosystem is in the SBOM: {gate}"
            );
            let path = out.path().join("sbom.cdx.json");
            let bom = crate::read_bom(&path);
            let serial = bom["serialNumber"].as_str().unwrap().to_owned();
            std::fs::read_to_string(&path)
                .unwrap()
                .replacen(&serial, "urn:uuid:serial", 1)
        })
        .collect();
    assert!(sboms[0] == sboms[1], "the two SBOMs differ");
}

#[test]
fn source_date_epoch_fixes_the_timestamp() {
    let out = tempfile::tempdir().unwrap();
    let run = sbom()
        .arg(fixture("cargo"))
        .arg("--out")
        .arg(out.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    let bom = crate::read_bom(&out.path().join("sbom.cdx.json"));
    assert_eq!(bom["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(
        bom["metadata"]["tools"]["components"][0]["name"],
        "signoff-sbom"
    );
    assert_eq!(
        bom["metadata"]["component"]["bom-ref"],
        "signoff:repository"
    );
}

#[test]
fn exclude_dev_drops_dev_only_packages() {
    let outcome = run_on(&fixture("npm-v3"), &["--exclude-dev"]);
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    let purls = outcome.purls();
    assert!(!purls.contains(&"pkg:npm/%40types/ms@0.7.34"), "{purls:?}");
    assert!(purls.contains(&"pkg:npm/debug@4.3.4"));
    assert_eq!(outcome.metric("dependencies_dev"), 0);
}

#[test]
fn xml_output_declares_spec_1_6_and_output_moves_the_file() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("elsewhere/bom.xml");
    let run = sbom()
        .arg(fixture("cargo"))
        .args(["--format", "xml", "--output"])
        .arg(&target)
        .arg("--out")
        .arg(out.path())
        .run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    let xml = std::fs::read_to_string(&target).unwrap();
    assert!(
        xml.contains("xmlns=\"http://cyclonedx.org/schema/bom/1.6\""),
        "{xml}"
    );
    assert!(xml.contains("pkg:cargo/itoa@1.0.11"));
    assert!(!out.path().join("sbom.cdx.json").exists());
    signoff_testkit::assert_valid_gate_report(&out.path().join("sbom.gate.json"));
}

#[test]
fn the_gate_report_lists_the_sbom_as_an_artifact() {
    let outcome = run_on(&fixture("uv"), &[]);
    let artifact = &outcome.gate["artifacts"][0];
    assert_eq!(artifact["path"], "sbom.cdx.json");
    assert_eq!(artifact["media_type"], "application/vnd.cyclonedx+json");
    assert_eq!(artifact["sha256"].as_str().unwrap().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(outcome.out.path().join("sbom.cdx.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o044, 0o044, "others can read the SBOM: {mode:o}");
        let leftovers = std::fs::read_dir(outcome.out.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
    }
    assert_eq!(outcome.metric("lockfiles"), 1);
    assert!(outcome.metric("dependencies_pypi") >= 8);
}

#[test]
fn deny_list_from_the_command_line_fails_the_gate() {
    let outcome = run_on(
        &fixture("npm-v3"),
        &["--deny", "pkg:npm/ms", "--deny", "pkg:npm/left-pad"],
    );
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    assert_eq!(outcome.rules(), ["denied-package"]);
    let finding = &outcome.gate["findings"][0];
    assert_eq!(finding["location"]["path"], "package-lock.json");
    assert!(
        finding["location"]["line"].as_u64().unwrap() > 1,
        "{finding}"
    );
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("pkg:npm/ms@2.1.2")
    );
}

#[test]
fn a_bad_deny_pattern_is_an_error_that_says_how_to_write_one() {
    let outcome = run_on(&fixture("npm-v3"), &["--deny", "left-pad"]);
    assert_eq!(outcome.run.code, 2);
    assert!(
        outcome.run.stderr.contains("pkg:npm/left-pad"),
        "{}",
        outcome.run.stderr
    );
}

#[test]
fn policy_deny_and_licence_lists_with_a_waiver() {
    let dir = tempfile::tempdir().unwrap();
    for file in [
        "composer.json",
        "composer.lock",
        "libs/log/composer.json",
        "libs/testing/composer.json",
    ] {
        let target = dir.path().join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixture("composer").join(file), target).unwrap();
    }
    std::fs::write(
        dir.path().join("signoff.yml"),
        "gates:\n  sbom:\n    allow_licenses: [MIT, Apache-2.0]\n    deny: [\"pkg:composer/demo/testing@3.0.1\"]\nwaivers:\n  - gate: sbom\n    rule: denied-package\n    reason: test helper, never shipped\n    expires: 2999-12-31\n",
    )
    .unwrap();
    let outcome = run_on(dir.path(), &[]);
    // demo/log is MIT OR GPL-2.0-only (allowed); demo/testing is BSD-3-Clause (not).
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    let mut rules = outcome.rules();
    rules.sort();
    assert_eq!(rules, ["denied-package", "license-not-allowed"]);
    let denied = outcome.gate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "denied-package")
        .unwrap();
    assert_eq!(denied["waived"], true);
    let checks = outcome.gate["checks"].as_array().unwrap();
    let check = |name: &str| checks.iter().find(|c| c["name"] == name).unwrap()["ok"].clone();
    assert_eq!(check("denied-packages"), true);
    assert_eq!(check("disallowed-licenses"), false);
}

/// Audit: `(MIT OR GPL-3.0) AND BSD-4-Clause` passed an allow-list of MIT alone. The
/// expression is evaluated (AND needs both sides); a malformed one is not allowed and the
/// finding says why.
#[test]
fn licence_expressions_are_evaluated_and_malformed_ones_are_not_allowed() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["package.json", "packages/util/package.json"] {
        let target = dir.path().join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(fixture("npm-v3").join(file), target).unwrap();
    }
    let mut lock: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("npm-v3").join("package-lock.json")).unwrap(),
    )
    .unwrap();
    let packages = &mut lock["packages"];
    packages["node_modules/ms"]["license"] = "(MIT OR GPL-3.0) AND BSD-4-Clause".into();
    packages["node_modules/debug"]["license"] = "MIT OR".into();
    std::fs::write(
        dir.path().join("package-lock.json"),
        serde_json::to_string_pretty(&lock).unwrap(),
    )
    .unwrap();
    let outcome = run_on(dir.path(), &["--allow-license", "MIT"]);
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    let messages: Vec<&str> = outcome.gate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "license-not-allowed")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    insta::assert_snapshot!(messages.join("\n"));
}

#[test]
fn manifests_without_lockfile_warn() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("npm-v3").join("package.json"),
        dir.path().join("package.json"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(
        dir.path().join("empty/package.json"),
        "{\"name\": \"no-deps\"}",
    )
    .unwrap();
    let outcome = run_on(dir.path(), &[]);
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    assert_eq!(outcome.gate["status"], "warn");
    assert_eq!(outcome.rules(), ["manifest-without-lockfile"]);
    assert_eq!(
        outcome.gate["findings"][0]["location"]["path"],
        "package.json"
    );
}

/// Runs `diff OLD NEW --out OUT` and returns the run and its validated report.
fn diff(old: &Path, new: &Path, out: &Path) -> (signoff_testkit::Run, serde_json::Value) {
    let run = sbom()
        .arg("diff")
        .arg(old)
        .arg(new)
        .arg("--out")
        .arg(out)
        .run();
    let gate = signoff_testkit::assert_valid_gate_report(&out.join("sbom-diff.gate.json"));
    assert_eq!(gate["gate"], "sbom-diff");
    (run, gate)
}

#[test]
fn diff_of_two_sboms_counts_added_removed_and_changed() {
    let old = run_on(&fixture("npm-v1"), &[]);
    // The new scan's own report and SBOM share the output directory with the diff.
    let new = run_on(&fixture("npm-v3"), &[]);
    let (run, gate) = diff(
        &old.out.path().join("sbom.cdx.json"),
        &new.out.path().join("sbom.cdx.json"),
        new.out.path(),
    );
    assert_eq!(run.code, 0, "{}", run.all_output());
    let scan = signoff_testkit::assert_valid_gate_report(&new.out.path().join("sbom.gate.json"));
    assert_eq!(scan["gate"], "sbom", "the diff replaced the scan's report");
    assert_eq!(scan, new.gate);
    // v3 adds the workspace member's is-number; both lock the same versions otherwise.
    assert_eq!(
        gate["details"]["added"],
        serde_json::json!(["pkg:npm/is-number@7.0.0"])
    );
    assert_eq!(gate["summary"], "this change adds 1 dependency");
    assert_eq!(gate["metrics"]["removed"], 0);
}

#[test]
fn diff_of_directories_and_of_a_bad_file() {
    let out = tempfile::tempdir().unwrap();
    let (run, _) = diff(&fixture("npm-v3"), &fixture("yarn-classic"), out.path());
    assert_eq!(run.code, 0, "{}", run.all_output());
    let bad = out.path().join("bad.json");
    std::fs::write(&bad, "{\"bomFormat\": \"SPDX\"}").unwrap();
    let (run, gate) = diff(&bad, &fixture("npm-v3"), out.path());
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert_eq!(gate["status"], "error");
    assert!(!out.path().join("sbom.gate.json").exists());
    assert!(
        run.stderr.contains("is not a CycloneDX document"),
        "{}",
        run.stderr
    );
}

/// Audit: a lockfile that broke between the two directories read as "removes N"; it is a
/// finding, the gate fails, and its packages are not counted as removed.
#[test]
fn diff_of_directories_reports_a_lockfile_that_cannot_be_parsed() {
    let copy = |dir: &Path| {
        for (case, file) in [
            ("npm-v3", "package.json"),
            ("npm-v3", "packages/util/package.json"),
            ("npm-v3", "package-lock.json"),
            ("cargo", "Cargo.toml"),
            ("cargo", "app/Cargo.toml"),
            ("cargo", "core/Cargo.toml"),
            ("cargo", "Cargo.lock"),
        ] {
            let target = dir.join(file);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(fixture(case).join(file), target).unwrap();
        }
    };
    let (old, new, out) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    copy(old.path());
    copy(new.path());
    std::fs::write(new.path().join("package-lock.json"), "{\"packages\": {").unwrap();
    let (run, gate) = diff(old.path(), new.path(), out.path());
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert_eq!(gate["status"], "fail");
    assert_eq!(gate["metrics"]["removed"], 0, "{gate}");
    let finding = &gate["findings"][0];
    assert_eq!(finding["rule"], "lockfile-unparsable");
    assert_eq!(
        finding["location"]["path"],
        new.path().join("package-lock.json").display().to_string()
    );
    assert_eq!(
        gate["summary"],
        "this change does not change the dependencies; 1 lockfile could not be read and is left out of the comparison"
    );
}

#[test]
fn help_lists_the_contract_flags() {
    let run = sbom().arg("--help").run();
    assert_eq!(run.code, 0);
    for flag in [
        "--format",
        "--output",
        "--exclude-dev",
        "--deny",
        "--allow-license",
        "--out",
        "--policy",
        "diff",
    ] {
        assert!(
            run.stdout.contains(flag),
            "{flag} missing from\n{}",
            run.stdout
        );
    }
}
