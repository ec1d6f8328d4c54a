//! `pdm.lock` and PEP 751's `pylock.toml`.
//!
//! pdm.lock lists every package once with the lock `groups` that hold it (`default`, the
//! project's extras, its dev groups), its requirements (PEP 508 strings: the edges) and
//! its files with their hashes. A package is development-only when every group holding it
//! is a dev group: neither `default` nor an extra of `[project.optional-dependencies]`.
//!
//! pylock.toml (PEP 751) lists `[[packages]]` with `sdist`/`wheels`/`archive`/`vcs`/
//! `directory` sources, optional `dependencies` (edges) and a `marker`. A package whose
//! marker holds only when a dependency group outside `default-groups` is installed
//! (`'dev' in dependency_groups`) is development-only.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::python::requirement_name;
use super::{Context, ParseError, dir_of, join};
use crate::model::{Digest, Ecosystem, Graph, Node, Origin, Package};
use crate::purl::pep503;

fn pypi(name: &str, version: &str) -> Package {
    Package::new(Ecosystem::Pypi, pep503(name), version)
}

// ---------------------------------------------------------------- pdm.lock

#[derive(Deserialize)]
struct PdmLock {
    #[serde(default)]
    package: Vec<PdmPackage>,
}

#[derive(Deserialize)]
struct PdmPackage {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default)]
    files: Vec<PdmFile>,
    #[serde(default)]
    git: Option<String>,
    #[serde(default)]
    revision: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    editable: bool,
}

#[derive(Deserialize)]
struct PdmFile {
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    hash: Option<String>,
}

pub fn parse_pdm(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let lock: PdmLock = super::toml(text)?;
    let extras = project_extras(ctx, rel);
    let mut graph = Graph::default();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for entry in &lock.package {
        let mut package = pypi(&entry.name, entry.version.as_deref().unwrap_or(""));
        for file in &entry.files {
            let location = file.url.as_ref().or(file.file.as_ref());
            if let (Some(location), Some(digest)) = (
                location,
                file.hash.as_deref().and_then(Digest::parse_prefixed),
            ) {
                package.distributions.push((location.clone(), digest));
            }
        }
        let mut first_party = false;
        if let Some(git) = &entry.git {
            package.set_git(git.clone(), entry.revision.clone());
        } else if let Some(path) = &entry.path {
            package.origin = Origin::Path(path.clone());
            first_party = entry.editable || path == ".";
        } else if let Some(url) = &entry.url {
            package.set_download(url.clone());
        }
        let mut node = if first_party {
            Node::root(Some(package))
        } else {
            Node::package(package)
        };
        if !first_party && !entry.groups.is_empty() {
            node.dev_hint = Some(
                !entry
                    .groups
                    .iter()
                    .any(|g| g == "default" || extras.contains(&pep503(g))),
            );
        }
        by_name.insert(pep503(&entry.name), graph.add(node));
    }
    for (index, entry) in lock.package.iter().enumerate() {
        for requirement in &entry.dependencies {
            let name = pep503(&requirement_name(requirement.trim()));
            if let Some(&to) = by_name.get(&name) {
                graph.edge(index, to);
            }
        }
    }
    // pdm.lock does not name the project's own requirements: the packages nothing else
    // requires are the direct ones.
    graph.add_root_over_unrequired();
    Ok(graph)
}

/// The extras (`[project.optional-dependencies]`) of the pyproject.toml beside the lock,
/// PEP 503-normalised: pdm locks them as groups, but they are not development-only.
fn project_extras(ctx: &Context<'_>, rel: &str) -> HashSet<String> {
    ctx.read_text(&join(dir_of(rel), "pyproject.toml"))
        .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
        .and_then(|table| {
            let extras = table
                .get("project")?
                .get("optional-dependencies")?
                .as_table()?;
            Some(extras.keys().map(|k| pep503(k)).collect())
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------- pylock.toml

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct PyLock {
    #[serde(default)]
    lock_version: Option<String>,
    #[serde(default)]
    default_groups: Vec<String>,
    #[serde(default)]
    packages: Vec<PyLockPackage>,
}

#[derive(Deserialize)]
struct PyLockPackage {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    marker: Option<String>,
    #[serde(default)]
    index: Option<String>,
    #[serde(default)]
    dependencies: Vec<BTreeMap<String, toml::Value>>,
    #[serde(default)]
    vcs: Option<PyLockVcs>,
    #[serde(default)]
    directory: Option<PyLockDirectory>,
    #[serde(default)]
    archive: Option<PyLockFile>,
    #[serde(default)]
    sdist: Option<PyLockFile>,
    #[serde(default)]
    wheels: Vec<PyLockFile>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct PyLockVcs {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    commit_id: Option<String>,
}

#[derive(Deserialize)]
struct PyLockDirectory {
    path: String,
}

#[derive(Deserialize)]
struct PyLockFile {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    hashes: BTreeMap<String, String>,
}

pub fn parse_pylock(text: &str) -> Result<Graph, ParseError> {
    let lock: PyLock = super::toml(text)?;
    if let Some(version) = &lock.lock_version
        && !version.starts_with("1.")
    {
        return Err(ParseError::new(
            None,
            format!("lock-version `{version}` is not one this gate reads (1.x)"),
        ));
    }
    let mut graph = Graph::default();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for entry in &lock.packages {
        let mut package = pypi(&entry.name, entry.version.as_deref().unwrap_or(""));
        for file in entry
            .sdist
            .iter()
            .chain(&entry.wheels)
            .chain(&entry.archive)
        {
            let Some(location) = file
                .url
                .as_ref()
                .or(file.path.as_ref())
                .or(file.name.as_ref())
            else {
                continue;
            };
            for (alg, hex) in &file.hashes {
                if let Some(digest) =
                    crate::model::Alg::from_name(alg).and_then(|alg| Digest::hex(alg, hex))
                {
                    package.distributions.push((location.clone(), digest));
                }
            }
        }
        if let Some(index) = &entry.index
            && !index.starts_with("https://pypi.org/")
        {
            package
                .qualifiers
                .push(("repository_url".into(), index.clone()));
        }
        let mut first_party = false;
        if let Some(vcs) = &entry.vcs
            && let Some(url) = &vcs.url
        {
            package.set_git(url.clone(), vcs.commit_id.clone());
        } else if let Some(directory) = &entry.directory {
            package.origin = Origin::Path(directory.path.clone());
            first_party = true;
        } else if let Some(archive) = &entry.archive
            && let Some(url) = &archive.url
        {
            package.set_download(url.clone());
        }
        let mut node = if first_party {
            Node::root(Some(package))
        } else {
            Node::package(package)
        };
        if let Some(marker) = &entry.marker {
            node.dev_hint = dev_marker(marker, &lock.default_groups);
        }
        by_name
            .entry(pep503(&entry.name))
            .or_default()
            .push(graph.add(node));
    }
    for (index, entry) in lock.packages.iter().enumerate() {
        for dep in &entry.dependencies {
            let Some(name) = dep.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let version = dep.get("version").and_then(|v| v.as_str());
            let Some(candidates) = by_name.get(&pep503(name)) else {
                continue;
            };
            let to = candidates
                .iter()
                .copied()
                .find(|&c| version.is_none_or(|v| lock.packages[c].version.as_deref() == Some(v)));
            if let Some(to) = to {
                graph.edge(index, to);
            }
        }
    }
    graph.add_root_over_unrequired();
    Ok(graph)
}

/// Whether a PEP 751 marker makes a package development-only: it names dependency groups
/// (`'dev' in dependency_groups`), none of them a default group, and no extra. `None`
/// when the marker does not speak of groups.
fn dev_marker(marker: &str, default_groups: &[String]) -> Option<bool> {
    let mut groups = Vec::new();
    let mut rest = marker;
    while let Some(at) = rest.find("in dependency_groups") {
        let before = rest[..at].trim_end();
        let quote = before.chars().last()?;
        let open = before[..before.len() - 1].rfind(quote)?;
        groups.push(before[open + 1..before.len() - 1].to_owned());
        rest = &rest[at + "in dependency_groups".len()..];
    }
    if groups.is_empty() {
        return None;
    }
    let defaults: HashSet<String> = default_groups.iter().map(|g| pep503(g)).collect();
    let any_default = groups.iter().any(|g| defaults.contains(&pep503(g)));
    Some(!any_default && !marker.contains("in extras"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_markers_mark_dev_packages() {
        let defaults = vec!["default".to_owned()];
        assert_eq!(
            dev_marker("'dev' in dependency_groups", &defaults),
            Some(true)
        );
        assert_eq!(
            dev_marker(
                "'default' in dependency_groups or 'dev' in dependency_groups",
                &defaults
            ),
            Some(false)
        );
        assert_eq!(dev_marker("sys_platform == 'win32'", &defaults), None);
        assert_eq!(
            dev_marker("'docs' in extras and 'dev' in dependency_groups", &defaults),
            Some(false)
        );
    }
}
