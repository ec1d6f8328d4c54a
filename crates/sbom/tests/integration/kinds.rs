//! Issue 14 (https://github.com/signoff-dev/signoff/issues/14): the lockfile and manifest
//! kinds that used to vanish, each read from a real file (made here by its own tool, or
//! copied from a public repository with its provenance in the fixture's README), and the
//! wrong results fixed, each shown on a real lockfile.

use crate::{Outcome, fixture, property, run_on, summary};

fn read(case: &str) -> Outcome {
    let outcome = run_on(&fixture(case), &[]);
    assert!(outcome.run.code <= 1, "{}", outcome.run.all_output());
    assert_eq!(
        outcome.metric("lockfiles_unparsable"),
        0,
        "{}",
        outcome.gate
    );
    outcome
}

fn scope(outcome: &Outcome, purl: &str) -> String {
    outcome.component(purl)["scope"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn deno_lock_made_by_deno() {
    let outcome = read("deno");
    insta::assert_snapshot!("deno", summary(outcome.bom()));
    outcome.assert_edge("pkg:npm/debug@4.3.4", "pkg:npm/ms@2.1.2");
    assert_eq!(
        outcome.component("pkg:npm/preact@10.24.3")["hashes"][0]["alg"],
        "SHA-512"
    );
    assert_eq!(outcome.gate["status"], "pass");
}

/// Fresh's own deno.lock: jsr packages (their integrity hashes metadata, so no hash) and
/// 808 npm packages.
#[test]
fn deno_lock_with_jsr_packages() {
    let outcome = read("deno-jsr");
    let path = outcome.component("pkg:jsr/%40std/path@1.1.4");
    assert!(path["hashes"].is_null());
    assert_eq!(property(path, "signoff:dependency"), ["direct"]);
    assert_eq!(outcome.metric("dependencies"), 856);
    assert_eq!(outcome.metric("dependencies_jsr"), 48);
    assert_eq!(outcome.metric("dependencies_npm"), 808);
}

/// pdm's own pdm.lock: `pytest` is locked in an extra (`[project.optional-dependencies]`),
/// so it is not dev-only; `mkdocs` only in the `doc` dev group is.
#[test]
fn pdm_lock_groups_split_extras_from_dev_groups() {
    let outcome = read("pdm");
    assert_eq!(scope(&outcome, "pkg:pypi/pytest@9.0.3"), "required");
    assert_eq!(scope(&outcome, "pkg:pypi/keyring@25.7.0"), "required");
    assert_eq!(scope(&outcome, "pkg:pypi/mkdocs@1.6.1"), "excluded");
    let anyio = outcome.component("pkg:pypi/anyio@4.13.0");
    assert_eq!(
        anyio["externalReferences"][0]["hashes"][0]["alg"],
        "SHA-256"
    );
    outcome.assert_edge("pkg:pypi/anyio@4.13.0", "pkg:pypi/idna@3.13");
    assert_eq!(outcome.metric("dependencies"), 96);
}

#[test]
fn pylock_toml_exported_by_uv() {
    let outcome = read("pylock");
    insta::assert_snapshot!("pylock", summary(outcome.bom()));
    outcome.component("pkg:pypi/requests@2.32.3");
    outcome.component("pkg:pypi/flask-login@0.6.3");
}

#[test]
fn flake_lock_inputs() {
    let outcome = read("nix");
    insta::assert_snapshot!("nix", summary(outcome.bom()));
    let nixpkgs = outcome.named("nixpkgs");
    assert!(
        nixpkgs["purl"]
            .as_str()
            .unwrap()
            .starts_with("pkg:github/nixos/nixpkgs@")
    );
    assert_eq!(nixpkgs["hashes"][0]["alg"], "SHA-256");
}

/// Mattermost's buildscript and settings lockfiles: the build's own classpath, never
/// shipped, so every entry is development-only.
#[test]
fn gradle_lockfiles_under_other_names() {
    let outcome = read("gradle-buildscript");
    assert_eq!(outcome.metric("lockfiles"), 2);
    assert_eq!(outcome.metric("dependencies"), 153);
    assert_eq!(outcome.metric("dependencies_dev"), 153);
}

/// Gradle 6's per-configuration layout: the file name is the configuration.
#[test]
fn gradle_6_dependency_locks_layout() {
    let outcome = read("gradle-v6");
    insta::assert_snapshot!("gradle-v6", summary(outcome.bom()));
    assert_eq!(outcome.metric("lockfiles"), 2);
    assert!(outcome.metric("dependencies_dev") > 0);
    assert!(outcome.metric("dependencies_dev") < outcome.metric("dependencies"));
}

/// Mattermost's Podfile.lock: subspecs are their pod, edges between pods, direct pods.
#[test]
fn podfile_lock() {
    let outcome = read("cocoapods");
    let sd = outcome.component("pkg:cocoapods/SDWebImage@5.21.7");
    assert_eq!(property(sd, "signoff:dependency"), ["transitive"]);
    let lumberjack = outcome.named("CocoaLumberjack");
    assert_eq!(property(lumberjack, "signoff:dependency"), ["direct"]);
    outcome.assert_edge(
        "pkg:cocoapods/SDWebImageWebPCoder@0.14.6",
        "pkg:cocoapods/SDWebImage@5.21.7",
    );
    assert!(!summary(outcome.bom()).contains("SDWebImage/Core"));
    assert_eq!(outcome.metric("dependencies"), 152);
}

/// Maybe's Gemfile.lock locks nokogiri and ffi for many platforms: each platform is its own
/// component with the `platform` qualifier (issue 14: the qualifier was lost).
#[test]
fn issue_14_gemfile_platforms_keep_their_qualifier() {
    let outcome = read("gemfile-platforms");
    let purls = outcome.purls();
    let nokogiri: Vec<&&str> = purls
        .iter()
        .filter(|p| p.starts_with("pkg:gem/nokogiri@"))
        .collect();
    assert!(nokogiri.len() > 1, "{nokogiri:?}");
    assert!(nokogiri.contains(&&"pkg:gem/nokogiri@1.18.8?platform=x86_64-linux-gnu"));
    // An edge to the gem reaches every platform's variant.
    let loofah = outcome.depends_on("pkg:gem/loofah@2.24.1");
    let reached = loofah
        .iter()
        .filter(|d| d.starts_with("pkg:gem/nokogiri@"))
        .count();
    assert_eq!(reached, nokogiri.len(), "{loofah:?}");
}

/// Hono's bun.lock: a dependency of `@inquirer/checkbox/@inquirer/core` resolves through
/// the intermediate ancestor `@inquirer/checkbox/` before the root (issue 14).
#[test]
fn issue_14_bun_lock_walks_every_ancestor() {
    let outcome = read("bun-nested");
    let core = "pkg:npm/%40inquirer/core@11.2.1";
    outcome.assert_edge(core, "pkg:npm/%40inquirer/figures@2.0.7");
    assert!(
        !outcome
            .depends_on(core)
            .contains(&"pkg:npm/%40inquirer/figures@1.0.7".to_owned())
    );
}

/// Gson's POMs: versions from the parent POM's properties and dependencyManagement, test
/// scope development-only, components marked as read from a manifest, and a finding that
/// recommends a lockfile.
#[test]
fn pom_xml_with_parent_and_dependency_management() {
    let outcome = read("maven");
    insta::assert_snapshot!("maven", summary(outcome.bom()));
    let errorprone =
        outcome.component("pkg:maven/com.google.errorprone/error_prone_annotations@2.50.0");
    assert_eq!(errorprone["scope"], "required");
    assert_eq!(property(errorprone, "signoff:unlocked-manifest"), ["true"]);
    assert_eq!(scope(&outcome, "pkg:maven/junit/junit@4.13.2"), "excluded");
    assert_eq!(outcome.gate["status"], "warn");
    assert!(
        outcome
            .rules()
            .iter()
            .all(|r| r == "manifest-without-lockfile")
    );
}

/// Now in Android's version catalog and scripts.
#[test]
fn gradle_scripts_with_a_version_catalog() {
    let outcome = read("gradle-catalog");
    let core = outcome.component("pkg:maven/androidx.core/core-ktx@1.15.0");
    assert_eq!(core["scope"], "required");
    assert_eq!(property(core, "signoff:unlocked-manifest"), ["true"]);
    assert!(
        outcome
            .rules()
            .contains(&"manifest-without-lockfile".to_owned())
    );
    assert!(
        outcome.metric("dependencies_dev") > 0,
        "plugins are build tools"
    );
}

/// Polly's projects with central package management.
#[test]
fn csproj_with_directory_packages_props() {
    let outcome = read("msbuild");
    insta::assert_snapshot!("msbuild", summary(outcome.bom()));
    assert_eq!(
        scope(
            &outcome,
            "pkg:nuget/System.ComponentModel.Annotations@4.5.0"
        ),
        "required"
    );
    assert_eq!(scope(&outcome, "pkg:nuget/FsCheck.Xunit@3.3.4"), "excluded");
    assert_eq!(outcome.gate["status"], "warn");
}

/// Helix's workflows: `uses:` pins in their own ecosystem; local actions are left out.
#[test]
fn github_actions_uses() {
    let outcome = read("actions");
    insta::assert_snapshot!("actions", summary(outcome.bom()));
    outcome.component("pkg:githubactions/actions/checkout@v7");
    outcome.component(
        "pkg:githubactions/dtolnay/rust-toolchain@fa04a1451ff1842e2626ccb99004d0195b455a88",
    );
    assert_eq!(outcome.metric("dependencies_githubactions"), 8);
}

/// LocalSend's pub workspace: the lock labels every package `transitive`; the members'
/// pubspec.yaml files say which are dev-only (issue 14).
#[test]
fn issue_14_dart_workspace_members_give_dev_scope() {
    let outcome = read("pub-workspace");
    let build_runner = outcome.named("build_runner");
    assert_eq!(build_runner["scope"], "excluded");
    assert_eq!(property(build_runner, "signoff:dependency"), ["direct"]);
    let app = outcome.named("localsend_app");
    assert_eq!(property(app, "signoff:first-party"), ["true"]);
}

#[test]
fn conda_lock_unified_and_explicit() {
    let outcome = read("conda");
    assert_eq!(outcome.metric("lockfiles"), 2);
    let python = outcome
        .purls()
        .into_iter()
        .find(|p| p.starts_with("pkg:conda/python@"))
        .unwrap()
        .to_owned();
    assert!(python.contains("channel=conda-forge"), "{python}");
    let references = outcome.component(&python)["externalReferences"]
        .as_array()
        .unwrap()
        .len();
    assert!(references >= 2, "one file per platform: {references}");
}

#[test]
fn conda_environment_is_an_unlocked_manifest() {
    let outcome = read("conda-env");
    assert_eq!(outcome.gate["status"], "warn");
    let finding = &outcome.gate["findings"][0];
    assert_eq!(finding["rule"], "manifest-without-lockfile");
    assert!(finding["help"].as_str().unwrap().contains("conda-lock"));
}

/// npm writes `devOptional` for fsevents: a dev dependency and an optional one of
/// chokidar, which ships; `npm install --omit=dev` installs it (issue 14).
#[test]
fn issue_14_npm_dev_optional_is_not_dev_only() {
    let outcome = read("npm-dev-optional");
    assert_eq!(scope(&outcome, "pkg:npm/fsevents@2.3.3"), "required");
}

/// A `file:` link to code outside the repository is third-party code (issue 14).
#[test]
fn issue_14_npm_link_outside_the_repository_is_third_party() {
    let outcome = read("npm-link-outside");
    let ext = outcome.component("pkg:npm/ext-lib@3.1.0");
    assert!(property(ext, "signoff:first-party").is_empty());
    assert_eq!(property(ext, "signoff:dependency"), ["direct"]);
}

/// yarn 4 keeps the asked-for range in each entry; the manifest's `resolutions` say what
/// was locked instead (issue 14: those edges were missing).
#[test]
fn issue_14_yarn_berry_resolutions_apply_to_edges() {
    let outcome = read("yarn-berry-resolutions");
    outcome.assert_edge("pkg:npm/debug@4.3.4", "pkg:npm/ms@2.1.3");
    let escapes = outcome.depends_on("pkg:npm/ansi-escapes@4.3.2");
    assert!(
        escapes
            .iter()
            .any(|d| d.starts_with("pkg:npm/type-fest@2.")),
        "{escapes:?}"
    );
    assert_eq!(scope(&outcome, "pkg:npm/ansi-escapes@4.3.2"), "excluded");
}

/// Pipfile.lock with a package in both sections at different versions: both are in the
/// SBOM, the develop one dev-only (issue 14). Hand-written: modern pipenv resolves the
/// develop section against the default one, so only older lockfiles carry this.
#[test]
fn issue_14_pipfile_lock_keeps_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Pipfile.lock"),
        r#"{"_meta": {}, "default": {"urllib3": {"version": "==2.2.2"}}, "develop": {"urllib3": {"version": "==1.26.19"}, "pytest": {"version": "==8.0.0"}}}"#,
    )
    .unwrap();
    let outcome = run_on(dir.path(), &[]);
    assert_eq!(scope(&outcome, "pkg:pypi/urllib3@2.2.2"), "required");
    assert_eq!(scope(&outcome, "pkg:pypi/urllib3@1.26.19"), "excluded");
}

/// The GitHub CLI's go.mod: the main module depends on its direct requirements only;
/// the `// indirect` ones are in the SBOM without an edge from it (issue 14).
#[test]
fn issue_14_go_main_module_edges_reach_direct_requirements_only() {
    let outcome = read("go-indirect");
    let main = "pkg:golang/github.com/cli/cli/v2";
    let on = outcome.depends_on(main);
    assert_eq!(on.len() as u64, outcome.metric("dependencies_direct"));
    let indirect: Vec<&str> = outcome
        .purls()
        .into_iter()
        .filter(|p| p.starts_with("pkg:golang/") && *p != main)
        .filter(|p| !on.iter().any(|d| d == p))
        .collect();
    assert!(indirect.len() > 50, "{indirect:?}");
    let one = outcome.component(indirect[0]);
    assert_eq!(property(one, "signoff:dependency"), ["transitive"]);
}

/// tailwind_formatter's mix.lock: phoenix_html's `optional: true` plug is not an edge
/// (issue 14: an optional edge made a test-only package production).
#[test]
fn issue_14_mix_optional_dependencies_are_not_edges() {
    let outcome = read("mix");
    assert!(outcome.depends_on("pkg:hex/phoenix_html@3.2.0").is_empty());
}

/// Lockfiles of kinds the gate does not read are named, and the gate never passes
/// over them, nor skips a directory that has them.
#[test]
fn unread_lockfiles_are_findings_and_never_pass() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bun.lockb"),
        b"#!/usr/bin/env bun\nbun-lockfile-format-v0\n\x02\x00",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Manifest.toml"),
        "julia_version = \"1.10.0\"\n",
    )
    .unwrap();
    let outcome = run_on(dir.path(), &[]);
    assert_eq!(outcome.gate["status"], "warn", "{}", outcome.gate);
    let findings = outcome.gate["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert!(findings.iter().all(|f| f["rule"] == "lockfile-unread"));
    let bun = findings
        .iter()
        .find(|f| f["location"]["path"] == "bun.lockb")
        .unwrap();
    assert!(
        bun["help"]
            .as_str()
            .unwrap()
            .contains("--save-text-lockfile")
    );
}

/// An allow-list over lockfiles that record no licences checks nothing: the gate warns
/// and names the ecosystems without licence data (issue 14: it passed "of 0").
#[test]
fn an_allow_list_checking_under_half_warns_naming_the_ecosystems() {
    let outcome = run_on(&fixture("cargo"), &["--allow-license", "MIT"]);
    assert_eq!(outcome.gate["status"], "warn", "{}", outcome.gate);
    let warnings = outcome.gate["details"]["warnings"].to_string();
    assert!(
        warnings.contains("checked 0 of 3 dependencies") && warnings.contains("cargo (3)"),
        "{warnings}"
    );
    // npm lockfiles record licences: the same allow-list checks every package there.
    let npm = run_on(&fixture("npm-v3"), &["--allow-license", "MIT"]);
    assert!(
        !npm.gate["details"]["warnings"]
            .to_string()
            .contains("checked")
    );
}

#[test]
fn an_invalid_spdx_id_on_the_command_line_is_an_error() {
    let outcome = run_on(&fixture("cargo"), &["--allow-license", "Apache 2"]);
    assert_eq!(outcome.run.code, 2);
    assert!(
        outcome
            .run
            .all_output()
            .contains("did you mean `Apache-2.0`")
    );
}

/// `--format spdx-json` writes SPDX 2.3 that the official schema accepts, on every kind
/// of fixture: packages with purls and checksums, DEPENDS_ON edges, and dev-only packages
/// as DEV_DEPENDENCY_OF what asks for them.
#[test]
fn spdx_json_output_validates_against_the_official_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/schemas/spdx-2.3.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    for case in [
        "npm-v3",
        "cargo",
        "uv",
        "maven",
        "deno-jsr",
        "conda",
        "nix",
        "actions",
        "npm-sources",
    ] {
        let outcome = run_on(&fixture(case), &["--format", "spdx-json"]);
        assert!(
            outcome.run.code <= 1,
            "{case}: {}",
            outcome.run.all_output()
        );
        let path = outcome.out.path().join("sbom.spdx.json");
        let document: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .take(5)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{case}: {errors:?}");
        assert_eq!(document["spdxVersion"], "SPDX-2.3");
        let artifact = &outcome.gate["artifacts"][0];
        assert_eq!(artifact["media_type"], "application/spdx+json", "{case}");
    }
    let outcome = run_on(&fixture("npm-v3"), &["--format", "spdx-json"]);
    let document: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(outcome.out.path().join("sbom.spdx.json")).unwrap(),
    )
    .unwrap();
    let id_of = |purl: &str| {
        document["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["externalRefs"][0]["referenceLocator"] == purl)
            .map(|p| p["SPDXID"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let relation = |from: &str, kind: &str| {
        document["relationships"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["spdxElementId"] == from && r["relationshipType"] == kind)
    };
    assert!(relation(
        &id_of("pkg:npm/%40types/ms@0.7.34"),
        "DEV_DEPENDENCY_OF"
    ));
    assert!(relation(&id_of("pkg:npm/debug@4.3.4"), "DEPENDS_ON"));
}
