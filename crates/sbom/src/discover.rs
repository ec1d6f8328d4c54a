//! Finds every lockfile and manifest in the repository, at any depth, in parallel.
//! `.gitignore` is honoured (also outside a git checkout); vendored, installed and build
//! folders, and test fixtures, are skipped by default.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::parse::Kind;

/// Directory names never descended into: installed packages, build output, VCS data, and
/// test fixtures (their lockfiles describe no shipped dependency).
pub const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".yarn",
    ".pnpm-store",
    "node_modules",
    "bower_components",
    "jspm_packages",
    "target",
    "vendor",
    "__fixtures__",
    "fixtures",
    "testdata",
];

/// Manifests: files that declare dependencies and usually come with a lockfile.
pub const MANIFESTS: &[&str] = &[
    "package.json",
    "Cargo.toml",
    "pyproject.toml",
    "Pipfile",
    "Gemfile",
    "composer.json",
    "pubspec.yaml",
    "mix.exs",
    "Package.swift",
    "go.mod",
    "build.gradle",
    "build.gradle.kts",
    "Podfile",
    "deno.json",
    "deno.jsonc",
    "setup.py",
    "setup.cfg",
    "requirements.in",
];

/// Lockfiles this gate recognises but does not read, with what they are. Each one found
/// is a finding: the packages it pins are missing from the SBOM.
pub const UNREAD_LOCKFILES: &[(&str, &str)] = &[
    ("bun.lockb", "bun's binary lockfile"),
    ("Cartfile.resolved", "a Carthage lockfile"),
    ("MODULE.bazel.lock", "a Bazel module lockfile"),
    ("paket.lock", "a Paket lockfile"),
    ("packages.config", "a NuGet packages.config"),
    ("rebar.lock", "a rebar3 lockfile"),
    ("stack.yaml.lock", "a Haskell Stack lockfile"),
    ("cabal.project.freeze", "a Cabal freeze file"),
    ("Manifest.toml", "a Julia manifest"),
    ("renv.lock", "an renv lockfile"),
    ("shard.lock", "a Crystal shards lockfile"),
    ("conan.lock", "a Conan lockfile"),
    ("pixi.lock", "a pixi lockfile"),
    ("Gopkg.lock", "a dep (Go) lockfile"),
    ("glide.lock", "a Glide (Go) lockfile"),
    ("devbox.lock", "a Devbox lockfile"),
    ("vcpkg-lock.json", "a vcpkg lockfile"),
    ("gradle/verification-metadata.xml", ""),
];

/// Manifests of ecosystems this gate does not read at all: found without a lockfile the
/// gate reads, each is a finding.
pub const UNREAD_MANIFESTS: &[(&str, &str)] = &[
    ("build.sbt", "an sbt build"),
    ("Cartfile", "a Carthage manifest"),
    ("conanfile.txt", "a Conan manifest"),
    ("conanfile.py", "a Conan recipe"),
    ("vcpkg.json", "a vcpkg manifest"),
    ("stack.yaml", "a Haskell Stack project"),
    ("Project.toml", "a Julia project"),
    ("rebar.config", "a rebar3 project"),
    ("project.clj", "a Leiningen project"),
    ("deps.edn", "a Clojure deps project"),
    ("shard.yml", "a Crystal shards manifest"),
    ("elm.json", "an Elm project"),
    ("pixi.toml", "a pixi project"),
    ("MODULE.bazel", "a Bazel module"),
    ("build.zig.zon", "a Zig package manifest"),
];

/// What the walk found, sorted by path.
#[derive(Debug, Default)]
pub struct Found {
    /// Lockfiles with their kind: (repository-relative path, absolute path, kind).
    pub lockfiles: Vec<(String, PathBuf, Kind)>,
    /// Manifests, repository-relative.
    pub manifests: Vec<String>,
    /// Files skipped because the path is not valid UTF-8.
    pub unreadable_names: Vec<String>,
    /// Recognised lockfiles and manifests this gate does not read: (path, what it is).
    pub unread: Vec<(String, &'static str)>,
}

/// Walks `root`. `excludes` are extra globs (relative to the root) to skip.
pub fn walk(root: &Path, excludes: &globset::GlobSet) -> Found {
    let found = Mutex::new(Found::default());
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .parents(false)
        .follow_links(false)
        .threads(rayon::current_num_threads().max(1))
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir
                && entry.depth() > 0
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|name| SKIPPED_DIRS.contains(&name)))
        })
        .build_parallel();
    walker.run(|| {
        let found = &found;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return ignore::WalkState::Continue;
            }
            let path = entry.path();
            let Ok(relative) = path.strip_prefix(root) else {
                return ignore::WalkState::Continue;
            };
            let Some(rel) = relative.to_str().map(|s| s.replace('\\', "/")) else {
                if let Ok(mut found) = found.lock() {
                    found
                        .unreadable_names
                        .push(relative.to_string_lossy().into_owned());
                }
                return ignore::WalkState::Continue;
            };
            if excludes.is_match(&rel) {
                return ignore::WalkState::Continue;
            }
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            let kind = Kind::of(&rel);
            let catalog =
                name.ends_with(".versions.toml") && rel.rsplit('/').nth(1) == Some("gradle");
            let manifest = MANIFESTS.contains(&name) || catalog;
            if let Some((_, what)) = UNREAD_LOCKFILES
                .iter()
                .chain(UNREAD_MANIFESTS)
                .find(|(file, what)| *file == name && !what.is_empty())
                && let Ok(mut found) = found.lock()
            {
                found.unread.push((rel.clone(), what));
            }
            if (kind.is_some() || manifest)
                && let Ok(mut found) = found.lock()
            {
                if let Some(kind) = kind {
                    found
                        .lockfiles
                        .push((rel.clone(), path.to_path_buf(), kind));
                }
                if manifest {
                    found.manifests.push(rel);
                }
            }
            ignore::WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap_or_default();
    lone_gradle_scripts(root, &mut found);
    found.lockfiles.sort_by(|a, b| a.0.cmp(&b.0));
    found.unread.sort();
    found.manifests.sort();
    found.unreadable_names.sort();
    found
}

/// A build script with no settings file in its directory or above is a build of its own.
fn lone_gradle_scripts(root: &Path, found: &mut Found) {
    let settings: Vec<&str> = found
        .lockfiles
        .iter()
        .filter(|(_, _, kind)| *kind == Kind::GradleBuild)
        .map(|(rel, _, _)| crate::parse::dir_of(rel))
        .collect();
    let covered = |dir: &str| {
        settings
            .iter()
            .any(|s| s.is_empty() || dir == *s || dir.starts_with(&format!("{s}/")))
    };
    let mut lone: Vec<String> = found
        .manifests
        .iter()
        .filter(|m| m.ends_with("build.gradle") || m.ends_with("build.gradle.kts"))
        .filter(|m| !covered(crate::parse::dir_of(m)))
        .cloned()
        .collect();
    lone.sort_by_key(|m| (m.matches('/').count(), m.clone()));
    // One build per directory, and not one nested in another lone build.
    let mut taken: Vec<String> = Vec::new();
    for script in lone {
        let dir = crate::parse::dir_of(&script).to_owned();
        if taken
            .iter()
            .any(|t| t.is_empty() || dir == *t || dir.starts_with(&format!("{t}/")))
        {
            continue;
        }
        found
            .lockfiles
            .push((script.clone(), root.join(&script), Kind::GradleBuild));
        taken.push(dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_lockfiles_and_skips_installed_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "package.json",
            "package-lock.json",
            "apps/web/pnpm-lock.yaml",
            "node_modules/x/package.json",
            "target/debug/Cargo.lock",
            "svc/go.mod",
            "ignored/yarn.lock",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let found = walk(root, &globset::GlobSet::empty());
        let locks: Vec<&str> = found.lockfiles.iter().map(|l| l.0.as_str()).collect();
        assert_eq!(
            locks,
            ["apps/web/pnpm-lock.yaml", "package-lock.json", "svc/go.mod"]
        );
        assert_eq!(found.manifests, ["package.json", "svc/go.mod"]);
    }
}
