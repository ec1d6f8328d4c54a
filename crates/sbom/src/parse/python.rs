//! Python lockfiles: `poetry.lock`, `uv.lock` and `Pipfile.lock`.
//!
//! Each wheel and sdist has its own hash, so hashes are reported per distribution file
//! (CycloneDX `externalReferences` of type `distribution`), not as the component's hash.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::{Context, ParseError, dir_of, join};
use crate::model::{Digest, Ecosystem, Graph, Node, Origin, Package};
use crate::purl::pep503;

fn pypi(name: &str, version: &str) -> Package {
    Package::new(Ecosystem::Pypi, pep503(name), version)
}

// ---------------------------------------------------------------- poetry.lock

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<PoetryPackage>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: String,
    version: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    groups: Option<Vec<String>>,
    #[serde(default)]
    files: Vec<PoetryFile>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    source: Option<PoetrySource>,
}

#[derive(Deserialize)]
struct PoetryFile {
    file: String,
    hash: String,
}

#[derive(Deserialize)]
struct PoetrySource {
    #[serde(rename = "type")]
    kind: String,
    url: String,
    #[serde(default)]
    resolved_reference: Option<String>,
}

pub fn parse_poetry(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let lock: PoetryLock = super::toml(text)?;
    let mut graph = Graph::default();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for entry in &lock.package {
        let mut package = pypi(&entry.name, &entry.version);
        for file in &entry.files {
            if let Some(digest) = Digest::parse_prefixed(&file.hash) {
                package.distributions.push((file.file.clone(), digest));
            }
        }
        if let Some(source) = &entry.source {
            match source.kind.as_str() {
                "git" => package.set_git(source.url.clone(), source.resolved_reference.clone()),
                "url" => package.set_download(source.url.clone()),
                "directory" | "file" => package.origin = Origin::Path(source.url.clone()),
                "legacy" if !source.url.starts_with("https://pypi.org/") => {
                    package
                        .qualifiers
                        .push(("repository_url".into(), source.url.clone()));
                }
                _ => {}
            }
        }
        let mut node = Node::package(package);
        let dev = match (&entry.groups, &entry.category) {
            (Some(groups), _) => !groups.iter().any(|g| g == "main"),
            (None, Some(category)) => category == "dev",
            (None, None) => false,
        };
        node.dev_hint = Some(dev);
        by_name.insert(pep503(&entry.name), graph.add(node));
    }
    for (index, entry) in lock.package.iter().enumerate() {
        for dep in entry.dependencies.keys() {
            if let Some(&to) = by_name.get(&pep503(dep)) {
                graph.nodes[index].deps.push(to);
            }
        }
    }
    add_pyproject_root(ctx, rel, &mut graph, &by_name);
    Ok(graph)
}

/// The project of `pyproject.toml` beside the lockfile, with its direct dependencies.
fn add_pyproject_root(
    ctx: &Context<'_>,
    rel: &str,
    graph: &mut Graph,
    by_name: &HashMap<String, usize>,
) {
    let mut runtime: Vec<String> = Vec::new();
    let mut dev: Vec<String> = Vec::new();
    let mut project: Option<Package> = None;
    if let Some(value) = ctx
        .read_text(&join(dir_of(rel), "pyproject.toml"))
        .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
    {
        let poetry = value.get("tool").and_then(|t| t.get("poetry"));
        let pep621 = value.get("project");
        let name = pep621
            .and_then(|p| p.get("name"))
            .or_else(|| poetry.and_then(|p| p.get("name")))
            .and_then(|n| n.as_str());
        let version = pep621
            .and_then(|p| p.get("version"))
            .or_else(|| poetry.and_then(|p| p.get("version")))
            .and_then(|v| v.as_str())
            .unwrap_or("");
        project = name.map(|name| pypi(name, version).origin(Origin::Path(dir_of(rel).into())));
        if let Some(list) = pep621
            .and_then(|p| p.get("dependencies"))
            .and_then(|d| d.as_array())
        {
            runtime.extend(list.iter().filter_map(|d| d.as_str()).map(requirement_name));
        }
        if let Some(table) = poetry
            .and_then(|p| p.get("dependencies"))
            .and_then(|d| d.as_table())
        {
            runtime.extend(table.keys().cloned());
        }
        if let Some(table) = poetry
            .and_then(|p| p.get("dev-dependencies"))
            .and_then(|d| d.as_table())
        {
            dev.extend(table.keys().cloned());
        }
        if let Some(groups) = poetry
            .and_then(|p| p.get("group"))
            .and_then(|g| g.as_table())
        {
            for group in groups.values() {
                if let Some(table) = group.get("dependencies").and_then(|d| d.as_table()) {
                    dev.extend(table.keys().cloned());
                }
            }
        }
        for key in ["dependency-groups"] {
            if let Some(groups) = value.get(key).and_then(|g| g.as_table()) {
                for list in groups.values().filter_map(|l| l.as_array()) {
                    dev.extend(list.iter().filter_map(|d| d.as_str()).map(requirement_name));
                }
            }
        }
    }
    let mut root = Node::root(project);
    let runtime: HashSet<String> = runtime.iter().map(|n| pep503(n)).collect();
    root.deps = runtime
        .iter()
        .filter_map(|n| by_name.get(n).copied())
        .collect();
    root.deps.sort_unstable();
    let mut dev_deps: Vec<usize> = dev
        .iter()
        .map(|n| pep503(n))
        .filter(|n| !runtime.contains(n))
        .filter_map(|n| by_name.get(&n).copied())
        .collect();
    dev_deps.sort_unstable();
    dev_deps.dedup();
    root.dev_deps = dev_deps;
    if root.deps.is_empty() && root.dev_deps.is_empty() {
        // No manifest: the packages nothing else depends on are the direct ones.
        let depended: HashSet<usize> = graph
            .nodes
            .iter()
            .flat_map(|n| n.deps.iter().copied())
            .collect();
        for index in 0..graph.nodes.len() {
            if !depended.contains(&index) {
                if graph.nodes[index].dev_hint == Some(true) {
                    root.dev_deps.push(index);
                } else {
                    root.deps.push(index);
                }
            }
        }
    }
    graph.add(root);
}

/// The distribution name at the start of a PEP 508 requirement (`flask[async]>=2` → `flask`).
pub(super) fn requirement_name(requirement: &str) -> String {
    let end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    requirement[..end].to_owned()
}

// ---------------------------------------------------------------- uv.lock

#[derive(Deserialize)]
struct UvLock {
    #[serde(default)]
    package: Vec<UvPackage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct UvPackage {
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    source: BTreeMap<String, String>,
    #[serde(default)]
    dependencies: Vec<UvDep>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Vec<UvDep>>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, Vec<UvDep>>,
    #[serde(default)]
    sdist: Option<UvFile>,
    #[serde(default)]
    wheels: Vec<UvFile>,
}

#[derive(Deserialize)]
struct UvDep {
    name: String,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct UvFile {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    hash: Option<String>,
}

pub fn parse_uv(_ctx: &Context<'_>, _rel: &str, text: &str) -> Result<Graph, ParseError> {
    let lock: UvLock = super::toml(text)?;
    let mut graph = Graph::default();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for entry in &lock.package {
        let version = entry.version.clone().unwrap_or_default();
        let mut package = pypi(&entry.name, &version);
        for file in entry.sdist.iter().chain(&entry.wheels) {
            let (Some(location), Some(hash)) =
                (file.url.as_ref().or(file.path.as_ref()), &file.hash)
            else {
                continue;
            };
            if let Some(digest) = Digest::parse_prefixed(hash) {
                package.distributions.push((location.clone(), digest));
            }
        }
        let mut first_party = false;
        for (kind, value) in &entry.source {
            match kind.as_str() {
                "registry" if !value.starts_with("https://pypi.org/") => {
                    package
                        .qualifiers
                        .push(("repository_url".into(), value.clone()));
                }
                "git" => {
                    let (url, rev) = match value.split_once('#') {
                        Some((url, rev)) => (url, Some(rev.to_owned())),
                        None => (value.as_str(), None),
                    };
                    let url = url.split('?').next().unwrap_or(url);
                    package.set_git(url, rev);
                }
                "url" => package.set_download(value.clone()),
                "editable" | "virtual" | "directory" | "path" => {
                    package.origin = Origin::Path(value.clone());
                    first_party = kind != "path" || value == ".";
                }
                _ => {}
            }
        }
        let node = if first_party {
            Node::root(Some(package))
        } else {
            Node::package(package)
        };
        by_name
            .entry(pep503(&entry.name))
            .or_default()
            .push(graph.add(node));
    }
    let resolve = |dep: &UvDep| -> Option<usize> {
        let candidates = by_name.get(&pep503(&dep.name))?;
        match &dep.version {
            Some(version) if candidates.len() > 1 => candidates
                .iter()
                .copied()
                .find(|&i| lock.package[i].version.as_deref() == Some(version.as_str())),
            _ => candidates.first().copied(),
        }
    };
    for (index, entry) in lock.package.iter().enumerate() {
        let runtime: Vec<usize> = entry
            .dependencies
            .iter()
            .chain(entry.optional_dependencies.values().flatten())
            .filter_map(resolve)
            .collect();
        let dev: Vec<usize> = entry
            .dev_dependencies
            .values()
            .flatten()
            .filter_map(resolve)
            .filter(|to| !runtime.contains(to))
            .collect();
        let node = &mut graph.nodes[index];
        node.deps = runtime;
        if node.first_party {
            node.dev_deps = dev;
        } else {
            node.deps.extend(dev);
        }
    }
    Ok(graph)
}

// ---------------------------------------------------------------- Pipfile.lock

#[derive(Deserialize)]
struct PipfileLock {
    #[serde(default)]
    default: BTreeMap<String, PipfileEntry>,
    #[serde(default)]
    develop: BTreeMap<String, PipfileEntry>,
}

#[derive(Deserialize)]
struct PipfileEntry {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    hashes: Vec<String>,
    #[serde(default)]
    git: Option<String>,
    #[serde(default)]
    r#ref: Option<String>,
}

/// `Pipfile.lock`: `default` (runtime) and `develop` (dev) sections. A package in both at
/// the same version is a runtime dependency; at different versions each section's
/// version is its own component (issue 14: the develop one was lost).
pub fn parse_pipfile(text: &str) -> Result<Graph, ParseError> {
    let lock: PipfileLock = super::json(text)?;
    let mut graph = Graph::default();
    let mut root = Node::root(None);
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (section, dev) in [(&lock.default, false), (&lock.develop, true)] {
        for (name, entry) in section {
            let version = entry
                .version
                .as_deref()
                .map(|v| v.trim_start_matches("==").to_owned())
                .or_else(|| entry.r#ref.clone())
                .unwrap_or_default();
            let key = (pep503(name), version.clone());
            if seen.contains_key(&key) {
                continue; // in both sections at one version: a runtime dependency
            }
            let mut package = pypi(name, &version);
            for hash in &entry.hashes {
                if let Some(digest) = Digest::parse_prefixed(hash) {
                    package.distributions.push((String::new(), digest));
                }
            }
            if let Some(git) = &entry.git {
                package.set_git(git, entry.r#ref.clone());
            }
            let index = graph.add(Node::package(package));
            seen.insert(key, index);
            if dev {
                root.dev_deps.push(index);
            } else {
                root.deps.push(index);
            }
        }
    }
    graph.add(root);
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_names_stop_at_extras_and_specifiers() {
        assert_eq!(requirement_name("flask[async]>=2"), "flask");
        assert_eq!(requirement_name("zope.interface==5"), "zope.interface");
        assert_eq!(requirement_name("requests"), "requests");
    }
}
