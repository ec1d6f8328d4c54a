//! The gate's rules, and the findings each produces: lockfiles that cannot be parsed,
//! manifests without a lockfile, unpinned requirements, denied packages, licences outside
//! the allow-list.

use std::collections::BTreeSet;

use signoff_core::policy::PurlPattern;
use signoff_core::report::Finding;

use crate::graph::Merged;
use crate::model::{Note, NoteKind};
use crate::parse::{Kind, ParseError, dir_of};
use crate::spdx::{Expr, SpdxError};

signoff_core::rules! {
    /// Rules of the SBOM gate.
    pub enum Rule {
        LockfileUnparsable = ("lockfile-unparsable", Severity::High,
            "A lockfile cannot be parsed, so its packages are missing from the SBOM"),
        ManifestWithoutLockfile = ("manifest-without-lockfile", Severity::Medium,
            "A manifest declares dependencies but no lockfile pins them"),
        UnpinnedRequirement = ("unpinned-requirement", Severity::Medium,
            "A requirements file does not pin a package to one version"),
        LockfileUnread = ("lockfile-unread", Severity::High,
            "A lockfile or manifest of a kind this gate does not read: its packages are missing from the SBOM"),
        SkippedEntry = ("skipped-entry", Severity::Low,
            "A lockfile entry was not understood and is missing from the SBOM"),
        DeniedPackage = ("denied-package", Severity::High,
            "A package on the policy's deny-list is in the SBOM"),
        LicenseNotAllowed = ("license-not-allowed", Severity::Medium,
            "A package's licence is not on the policy's allow-list"),
    }
}

/// The command that rewrites a lockfile of this kind.
fn regenerate(kind: Kind) -> &'static str {
    match kind {
        Kind::CargoLock => "`cargo generate-lockfile`",
        Kind::PackageLock => "`npm install --package-lock-only`",
        Kind::YarnLock => "`yarn install`",
        Kind::PnpmLock => "`pnpm install --lockfile-only`",
        Kind::BunLock => "`bun install --save-text-lockfile`",
        Kind::PoetryLock => "`poetry lock`",
        Kind::UvLock => "`uv lock`",
        Kind::PipfileLock => "`pipenv lock`",
        Kind::Requirements => "`pip-compile` (or `pip freeze`)",
        Kind::GoMod => "`go mod tidy`",
        Kind::GemfileLock => "`bundle lock`",
        Kind::ComposerLock => "`composer update --lock`",
        Kind::NugetLock => "`dotnet restore --use-lock-file`",
        Kind::GradleLock => "`gradle dependencies --write-locks`",
        Kind::PubspecLock => "`dart pub get`",
        Kind::MixLock => "`mix deps.get`",
        Kind::PackageResolved => "`swift package resolve`",
        Kind::DenoLock => "`deno install`",
        Kind::PdmLock => "`pdm lock`",
        Kind::PyLock => "`uv export --format pylock.toml` (or `pdm export -f pylock`)",
        Kind::CondaEnv | Kind::CondaLock => "`conda-lock -f environment.yml`",
        Kind::MsBuild => "`dotnet restore --use-lock-file`",
        Kind::GradleBuild => "`gradle dependencies --write-locks`",
        Kind::Pom => "`mvn validate`",
        Kind::PodfileLock => "`pod install`",
        Kind::FlakeLock => "`nix flake lock`",
        Kind::Workflow => "a YAML linter (actionlint)",
    }
}

/// A recognised lockfile or manifest that the gate does not read.
pub fn unread(path: &str, what: &str) -> Finding {
    let name = path.rsplit('/').next().unwrap_or(path);
    let help = if name == "bun.lockb" {
        "write bun's text lockfile, which this gate reads: `bun install --save-text-lockfile` (bun 1.2 writes `bun.lock` by default), and commit it; or exclude the path with `--exclude` if it ships nothing".to_owned()
    } else {
        format!(
            "this gate cannot list what {name} pins, so the SBOM lacks those packages; describe them with the ecosystem's own SBOM tool, or exclude the path with `--exclude` if it ships nothing"
        )
    };
    Finding::new(Rule::LockfileUnread)
        .in_file(path.to_owned())
        .identity(path.to_owned())
        .message(format!(
            "{path} is {what}, which this gate does not read: its packages are missing from the SBOM"
        ))
        .help(help)
        .build()
}

/// A manifest read without a lockfile: the components carry declared versions only.
pub fn unlocked(path: &str, kind: Kind, count: usize) -> Finding {
    let help = match kind {
        Kind::Pom => {
            "Maven writes no lockfile: pin every version in `dependencyManagement`, and record the resolved tree at build time (cyclonedx-maven-plugin), or lock with Gradle's `dependencyLocking`"
        }
        Kind::GradleBuild => {
            "enable dependency locking (`dependencyLocking { lockAllConfigurations() }`), run `gradle dependencies --write-locks` and commit the gradle.lockfile files"
        }
        Kind::MsBuild => {
            "set `<RestorePackagesWithLockFile>true</RestorePackagesWithLockFile>` (in Directory.Build.props for every project) and commit the packages.lock.json that `dotnet restore` writes"
        }
        Kind::CondaEnv => {
            "lock the environment with `conda-lock -f environment.yml` and commit conda-lock.yml"
        }
        _ => "commit the lockfile its tool writes",
    };
    Finding::new(Rule::ManifestWithoutLockfile)
        .in_file(path.to_owned())
        .identity(path.to_owned())
        .message(format!(
            "{path} declares {} read from the manifest: no lockfile pins them, so their versions are the declared ones and their own dependencies are unknown",
            signoff_core::text::plural(count as u64, "dependency", "dependencies")
        ))
        .help(help)
        .build()
}

/// A lockfile that could not be parsed.
pub fn unparsable(path: &str, kind: Kind, error: &ParseError) -> Finding {
    Finding::new(Rule::LockfileUnparsable)
        .at(path, error.line.unwrap_or(0))
        .identity(path)
        .message(format!("cannot parse {path}: {}", error.message))
        .help(format!(
            "fix the file or regenerate it with {}; the other lockfiles are still in the SBOM",
            regenerate(kind)
        ))
        .build()
}

/// Notes a parser left on a lockfile.
pub fn note(path: &str, note: &Note) -> Finding {
    let (rule, help) = match note.kind {
        NoteKind::Unpinned => (
            Rule::UnpinnedRequirement,
            "pin it with `==` (pip-compile or `pip freeze` write pinned files with hashes)",
        ),
        NoteKind::Skipped => (
            Rule::SkippedEntry,
            "check the entry; regenerate the lockfile with its tool",
        ),
    };
    Finding::new(rule)
        .at(path, note.line.unwrap_or(0))
        .identity(path)
        .identity(&note.message)
        .message(format!("{path}: {}", note.message))
        .help(help)
        .build()
}

/// Lockfile names that pin a manifest's dependencies, by manifest name.
fn lockfiles_for(manifest: &str) -> &'static [&'static str] {
    match manifest {
        "package.json" => &[
            "package-lock.json",
            "npm-shrinkwrap.json",
            "yarn.lock",
            "pnpm-lock.yaml",
            "bun.lock",
            "bun.lockb",
        ],
        "Cargo.toml" => &["Cargo.lock"],
        "pyproject.toml" | "setup.py" | "setup.cfg" | "requirements.in" => &[
            "poetry.lock",
            "uv.lock",
            "pdm.lock",
            "pylock.toml",
            "Pipfile.lock",
            "requirements.txt",
        ],
        "Podfile" => &["Podfile.lock"],
        "deno.json" | "deno.jsonc" => &["deno.lock"],
        "Pipfile" => &["Pipfile.lock"],
        "Gemfile" => &["Gemfile.lock"],
        "composer.json" => &["composer.lock"],
        "go.mod" => &["go.sum"],
        "pubspec.yaml" => &["pubspec.lock"],
        "mix.exs" => &["mix.lock"],
        "Package.swift" => &["Package.resolved"],
        _ => &[],
    }
}

/// Whether a manifest declares any third-party dependency.
fn declares_dependencies(name: &str, text: &str) -> bool {
    match name {
        "package.json" | "composer.json" => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .is_some_and(|value| {
                [
                    "dependencies",
                    "devDependencies",
                    "optionalDependencies",
                    "require",
                    "require-dev",
                ]
                .iter()
                .filter_map(|key| value.get(key)?.as_object())
                .flat_map(|deps| deps.keys())
                .any(|dep| dep != "php" && !dep.starts_with("ext-"))
            }),
        "go.mod" => text.lines().any(|line| {
            let line = line.trim();
            line.starts_with("require") || (line.contains(" v") && !line.starts_with("go "))
        }),
        "deno.json" | "deno.jsonc" => text.contains("\"npm:") || text.contains("\"jsr:"),
        "setup.cfg" => text.contains("install_requires"),
        "setup.py" => text.contains("install_requires"),
        "pyproject.toml" => toml::from_str::<toml::Table>(text).ok().is_some_and(|v| {
            let pep621 = v
                .get("project")
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.as_array())
                .is_some_and(|d| !d.is_empty());
            let poetry = v
                .get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.as_table())
                .is_some_and(|d| d.keys().any(|k| k != "python"));
            pep621 || poetry
        }),
        _ => true,
    }
}

/// Manifests with dependencies and no lockfile beside them or in a parent directory
/// (a workspace root).
pub fn manifests_without_lockfile(
    root: &std::path::Path,
    manifests: &[String],
    lockfiles: &BTreeSet<String>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for manifest in manifests {
        let name = manifest.rsplit('/').next().unwrap_or(manifest);
        let wanted = lockfiles_for(name);
        if wanted.is_empty() {
            continue;
        }
        let mut dir = dir_of(manifest).to_owned();
        let found = loop {
            let hit = wanted.iter().any(|lock| {
                let candidate = if dir.is_empty() {
                    (*lock).to_owned()
                } else {
                    format!("{dir}/{lock}")
                };
                lockfiles.contains(&candidate) || root.join(&candidate).is_file()
            });
            if hit || dir.is_empty() || name == "go.mod" {
                break hit;
            }
            dir = dir_of(&dir).to_owned();
        };
        if found {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(root.join(manifest)) else {
            continue;
        };
        if !declares_dependencies(name, &text) {
            continue;
        }
        out.push(
            Finding::new(Rule::ManifestWithoutLockfile)
                .in_file(manifest.clone())
                .identity(manifest.clone())
                .message(format!(
                    "{manifest} declares dependencies but no {} pins them, so their versions are unknown",
                    wanted.join(" or ")
                ))
                .help(format!("commit a lockfile next to {manifest}"))
                .build(),
        );
    }
    out
}

/// Where a component was first seen: its lockfile, and the line when the parser knew it
/// or the first line naming the package (looked up only for findings, which are few).
fn place(root: &std::path::Path, component: &crate::graph::Component) -> (String, u64) {
    let Some((path, line)) = component.seen_at.clone() else {
        return (String::new(), 0);
    };
    if let Some(line) = line {
        return (path, line);
    }
    let name = component.package.full_name();
    let line = crate::parse::read_text(&root.join(&path))
        .ok()
        .and_then(|text| {
            let needle = format!("\"{name}");
            let offset = text.find(&needle).or_else(|| text.find(&name))?;
            Some(crate::parse::line_of(&text, offset))
        })
        .unwrap_or(0);
    (path, line)
}

/// Components on the deny-list.
pub fn denied(root: &std::path::Path, merged: &Merged, deny: &[PurlPattern]) -> Vec<Finding> {
    let mut out = Vec::new();
    for component in merged.components.values() {
        let Some(pattern) = deny.iter().find(|p| p.is_match(&component.purl)) else {
            continue;
        };
        let (path, line) = place(root, component);
        out.push(
            Finding::new(Rule::DeniedPackage)
                .at(path, line)
                .identity(component.purl.clone())
                .message(format!(
                    "{} is denied by the policy (`{pattern}`)",
                    component.purl
                ))
                .help("remove or replace the package, or waive the finding with a reason")
                .detail("purl", component.purl.clone())
                .build(),
        );
    }
    out
}

/// Components whose recorded licence is not allowed. Returns the findings and how many
/// components had licence data at all. A package with several licences (composer's list,
/// npm's legacy `licenses`) may be used under any one of them.
pub fn licenses(
    root: &std::path::Path,
    merged: &Merged,
    allow: &[String],
) -> (Vec<Finding>, usize) {
    let allowed: BTreeSet<String> = allow
        .iter()
        .map(|l| l.trim().to_ascii_lowercase())
        .collect();
    let mut out = Vec::new();
    let mut with_data = 0;
    for component in merged.third_party() {
        if component.package.licenses.is_empty() {
            continue;
        }
        with_data += 1;
        let verdicts: Vec<(&String, Verdict)> = component
            .package
            .licenses
            .iter()
            .map(|license| (license, verdict(license, &allowed)))
            .collect();
        if verdicts.iter().any(|(_, v)| matches!(v, Verdict::Allowed)) {
            continue;
        }
        let (path, line) = place(root, component);
        let licenses = component.package.licenses.join(", ");
        let malformed: Vec<String> = verdicts
            .iter()
            .filter_map(|(license, v)| match v {
                Verdict::Malformed(error) => Some(format!(
                    "`{license}` is not a valid SPDX expression ({error}), so it is not taken as allowed"
                )),
                _ => None,
            })
            .collect();
        let message = match (verdicts.len(), malformed.as_slice()) {
            (1, [only]) => format!("{}: {only}", component.purl),
            (_, []) => format!(
                "{} is licensed {licenses}, which is not on the allow-list",
                component.purl
            ),
            (_, malformed) => format!(
                "{} is licensed {licenses}, which is not on the allow-list; {}",
                component.purl,
                malformed.join("; ")
            ),
        };
        out.push(
            Finding::new(Rule::LicenseNotAllowed)
                .at(path, line)
                .identity(component.purl.clone())
                .message(message)
                .help("replace the package, add the licence to `allow_licenses`, or waive the finding with a reason")
                .detail("purl", component.purl.clone())
                .detail("licenses", licenses)
                .build(),
        );
    }
    (out, with_data)
}

/// The ecosystems whose components carry no licence data, with how many: the reason an
/// allow-list checks little (most lockfiles do not record licences).
pub fn without_license_data(merged: &Merged) -> String {
    let mut missing: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for component in merged.third_party() {
        if component.package.licenses.is_empty() {
            *missing
                .entry(component.package.ecosystem.as_str())
                .or_default() += 1;
        }
    }
    let list: Vec<String> = missing
        .iter()
        .map(|(ecosystem, count)| format!("{ecosystem} ({count})"))
        .collect();
    format!(
        "no licence data for {} (their lockfiles do not record licences)",
        list.join(", ")
    )
}

/// What the allow-list says of one declared licence.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Allowed,
    NotAllowed,
    /// Not an SPDX expression, so not taken as allowed.
    Malformed(SpdxError),
}

/// Judges a declared licence: allowed when listed as written (a licence name such as
/// `BSD License`, or a whole expression), else by its SPDX expression.
fn verdict(license: &str, allowed: &BTreeSet<String>) -> Verdict {
    if allowed.contains(&license.trim().to_ascii_lowercase()) {
        return Verdict::Allowed;
    }
    match Expr::parse(license) {
        Ok(expression) if expression.allowed_by(allowed) => Verdict::Allowed,
        Ok(_) => Verdict::NotAllowed,
        Err(error) => Verdict::Malformed(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_are_judged_as_spdx_expressions() {
        let allowed: BTreeSet<String> = ["mit", "apache-2.0", "bsd license"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(verdict("MIT", &allowed), Verdict::Allowed);
        assert_eq!(verdict("(MIT OR GPL-3.0)", &allowed), Verdict::Allowed);
        assert_eq!(verdict("MIT AND GPL-3.0", &allowed), Verdict::NotAllowed);
        assert_eq!(
            verdict("(MIT OR GPL-3.0) AND BSD-4-Clause", &allowed),
            Verdict::NotAllowed
        );
        assert_eq!(
            verdict("Apache-2.0 WITH LLVM-exception", &allowed),
            Verdict::Allowed
        );
        // A licence name listed as written.
        assert_eq!(verdict("BSD License", &allowed), Verdict::Allowed);
        assert!(matches!(
            verdict("MIT OR", &allowed),
            Verdict::Malformed(SpdxError::UnexpectedEnd { .. })
        ));
    }

    #[test]
    fn rule_ids_are_stable() {
        use signoff_core::finding::Rule as _;
        let ids: Vec<String> = Rule::ALL
            .iter()
            .map(|rule| {
                format!(
                    "{} ({}): {}",
                    rule.id(),
                    rule.default_severity(),
                    rule.description()
                )
            })
            .collect();
        insta::assert_snapshot!(ids.join("\n"));
    }
}
