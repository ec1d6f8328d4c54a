//! conda: `environment*.yml` (a manifest: `dependencies` with match specs and a `pip:`
//! list), conda-lock's unified `conda-lock.yml` (every package per platform, with its
//! URL, hashes, `category` and dependencies) and its explicit per-platform files
//! (`conda-linux-64.lock`: `@EXPLICIT` then one package URL per line, `#` and its MD5 or
//! SHA-256).
//!
//! A package resolved for several platforms is one component per (manager, name,
//! version); each platform's file is a `distribution` reference with its hash. In
//! conda-lock.yml a package whose `category` is not `main` is development-only.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value;

use super::ParseError;
use crate::model::{Alg, Digest, Ecosystem, Graph, Node, NoteKind, Package};
use crate::purl::pep503;

/// The channel a conda package URL comes from (`https://conda.anaconda.org/conda-forge/…`).
fn channel_of(url: &str) -> Option<&str> {
    let rest = url.split("://").nth(1)?;
    let mut parts = rest.split('/');
    let host = parts.next()?;
    (host == "conda.anaconda.org" || host == "repo.anaconda.com")
        .then(|| parts.next())
        .flatten()
}

fn conda(name: &str, version: &str, url: Option<&str>) -> Package {
    let mut package = Package::new(Ecosystem::Conda, name.to_lowercase(), version);
    if let Some(channel) = url.and_then(channel_of).filter(|c| !c.is_empty()) {
        package
            .qualifiers
            .push(("channel".into(), channel.to_owned()));
    }
    package
}

// ---------------------------------------------------------------- environment.yml

/// A conda match spec's name and exact version (`numpy=1.26.4`, `numpy==1.26.4`,
/// `conda-forge::numpy=1.26.4=py311h…`); the version is empty unless one is pinned.
fn match_spec(spec: &str) -> (String, String) {
    let spec = spec.split('#').next().unwrap_or(spec).trim();
    let spec = spec.rsplit("::").next().unwrap_or(spec);
    let end = spec
        .find(['=', '<', '>', '!', '~', ' ', '[', '*'])
        .unwrap_or(spec.len());
    let (name, rest) = spec.split_at(end);
    let rest = rest.trim();
    let pinned = rest
        .strip_prefix("==")
        .or_else(|| rest.strip_prefix('='))
        .map(|v| v.split('=').next().unwrap_or(v).trim())
        .filter(|v| !v.is_empty() && !v.contains(['*', ',', '|', '<', '>', '!', '~']));
    (
        name.trim().to_owned(),
        pinned.unwrap_or_default().to_owned(),
    )
}

pub fn parse_environment(text: &str) -> Result<Graph, ParseError> {
    let env: Value = super::yaml(text)?;
    let dependencies = env
        .get("dependencies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut graph = Graph {
        unlocked: true,
        ..Graph::default()
    };
    let mut root = Node::root(None);
    for dependency in &dependencies {
        match dependency {
            Value::String(spec) => {
                let (name, version) = match_spec(spec);
                if name.is_empty() {
                    continue;
                }
                root.deps
                    .push(graph.add(Node::package(conda(&name, &version, None))));
            }
            Value::Object(map) => {
                for spec in map
                    .get("pip")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    let spec = spec.trim();
                    if spec.starts_with('-') || spec.contains("://") {
                        graph.note(
                            NoteKind::Skipped,
                            None,
                            format!("pip entry `{spec}` is an option or a URL; not read here"),
                        );
                        continue;
                    }
                    let name = super::python::requirement_name(spec);
                    let version = spec
                        .split_once("==")
                        .map(|(_, v)| v.split([';', ',', ' ']).next().unwrap_or(v).trim())
                        .unwrap_or("");
                    let package = Package::new(Ecosystem::Pypi, pep503(&name), version);
                    root.deps.push(graph.add(Node::package(package)));
                }
            }
            _ => {}
        }
    }
    graph.add(root);
    Ok(graph)
}

// ---------------------------------------------------------------- conda-lock

#[derive(Deserialize)]
struct UnifiedLock {
    #[serde(default)]
    package: Vec<LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
    version: String,
    #[serde(default)]
    manager: String,
    #[serde(default)]
    platform: String,
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    hash: BTreeMap<String, String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
}

pub fn parse_lock(rel: &str, text: &str) -> Result<Graph, ParseError> {
    if rel.ends_with(".lock") {
        return parse_explicit(text);
    }
    let lock: UnifiedLock = super::yaml(text)?;
    let mut graph = Graph::default();
    let mut index_of: HashMap<(String, String, String), usize> = HashMap::new();
    // platform → name → node
    let mut per_platform: HashMap<&str, HashMap<String, usize>> = HashMap::new();
    let mut node_of = Vec::with_capacity(lock.package.len());
    for entry in &lock.package {
        let pip = entry.manager == "pip";
        let name = if pip {
            pep503(&entry.name)
        } else {
            entry.name.to_lowercase()
        };
        let key = (entry.manager.clone(), name.clone(), entry.version.clone());
        let index = match index_of.get(&key) {
            Some(&index) => index,
            None => {
                let package = if pip {
                    Package::new(Ecosystem::Pypi, &name, &entry.version)
                } else {
                    conda(&name, &entry.version, entry.url.as_deref())
                };
                let index = graph.add(Node::package(package));
                index_of.insert(key, index);
                index
            }
        };
        let node = &mut graph.nodes[index];
        let categories: Vec<&str> = entry
            .categories
            .iter()
            .map(String::as_str)
            .chain(entry.category.as_deref())
            .collect();
        if !categories.is_empty() {
            let dev = !categories.contains(&"main");
            node.dev_hint = Some(node.dev_hint.unwrap_or(true) && dev);
        }
        if let (Some(package), Some(url)) = (node.package.as_mut(), &entry.url) {
            for (alg, hex) in &entry.hash {
                if let Some(digest) = Alg::from_name(alg).and_then(|alg| Digest::hex(alg, hex)) {
                    package.distributions.push((url.clone(), digest));
                }
            }
        }
        per_platform
            .entry(entry.platform.as_str())
            .or_default()
            .insert(name, index);
        node_of.push(index);
    }
    for (entry, &from) in lock.package.iter().zip(&node_of) {
        let Some(names) = per_platform.get(entry.platform.as_str()) else {
            continue;
        };
        for dep in entry.dependencies.keys() {
            let dep = if entry.manager == "pip" {
                pep503(dep)
            } else {
                dep.to_lowercase()
            };
            if let Some(&to) = names.get(&dep) {
                graph.edge(from, to);
            }
        }
    }
    graph.add_root_over_unrequired();
    Ok(graph)
}

/// An explicit lock: package URLs named `name-version-build.tar.bz2` or `.conda`.
fn parse_explicit(text: &str) -> Result<Graph, ParseError> {
    if !text.lines().any(|line| line.trim() == "@EXPLICIT") {
        return Err(ParseError::new(
            None,
            "no `@EXPLICIT` line: this is not a conda explicit lock",
        ));
    }
    let mut graph = Graph::default();
    let mut root = Node::root(None);
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if !line.contains("://") || line.starts_with('#') {
            continue;
        }
        let (url, hash) = line.split_once('#').unwrap_or((line, ""));
        let file = url.rsplit('/').next().unwrap_or(url);
        let stem = file
            .strip_suffix(".tar.bz2")
            .or_else(|| file.strip_suffix(".conda"))
            .unwrap_or(file);
        let mut parts = stem.rsplitn(3, '-');
        let (Some(_build), Some(version), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            graph.note(
                NoteKind::Skipped,
                Some(index as u64 + 1),
                format!("`{file}` is not named `name-version-build`; skipped"),
            );
            continue;
        };
        let key = (name.to_lowercase(), version.to_owned());
        let at = match seen.get(&key) {
            Some(&at) => at,
            None => {
                let mut node = Node::package(conda(name, version, Some(url)));
                node.line = Some(index as u64 + 1);
                let at = graph.add(node);
                seen.insert(key, at);
                root.deps.push(at);
                at
            }
        };
        let alg = if hash.len() == 32 {
            Alg::Md5
        } else {
            Alg::Sha256
        };
        if let (Some(package), Some(digest)) =
            (graph.nodes[at].package.as_mut(), Digest::hex(alg, hash))
        {
            package.distributions.push((url.to_owned(), digest));
        }
    }
    graph.add(root);
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_specs_keep_exact_pins_only() {
        assert_eq!(
            match_spec("numpy=1.26.4"),
            ("numpy".into(), "1.26.4".into())
        );
        assert_eq!(
            match_spec("numpy==1.26.4"),
            ("numpy".into(), "1.26.4".into())
        );
        assert_eq!(
            match_spec("conda-forge::scipy=1.11.3=py311h"),
            ("scipy".into(), "1.11.3".into())
        );
        assert_eq!(match_spec("python>=3.10"), ("python".into(), String::new()));
        assert_eq!(match_spec("pandas=2.*"), ("pandas".into(), String::new()));
        assert_eq!(match_spec("pip"), ("pip".into(), String::new()));
    }
}
