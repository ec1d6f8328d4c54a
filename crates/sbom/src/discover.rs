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
            let manifest = MANIFESTS.contains(&name);
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
    found.lockfiles.sort_by(|a, b| a.0.cmp(&b.0));
    found.manifests.sort();
    found.unreadable_names.sort();
    found
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
