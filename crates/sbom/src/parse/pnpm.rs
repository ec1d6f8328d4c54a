//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.x, 7.x and 9.x.
//!
//! Packages are keyed `/name/1.0.0_peer` (v5), `/name@1.0.0(peer)` (v6) or
//! `name@1.0.0(peer)` (v9, edges under `snapshots`). Peer variants of one version are one
//! component. Importers (the workspace projects) say which dependencies are dev-only.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::{Context, ParseError, dir_of, join};
use crate::model::{Digest, Graph, Node, Origin, Package};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Lock {
    #[serde(default)]
    importers: BTreeMap<String, Importer>,
    #[serde(default)]
    dependencies: BTreeMap<String, DepRef>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, DepRef>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, DepRef>,
    #[serde(default)]
    packages: BTreeMap<String, Entry>,
    #[serde(default)]
    snapshots: BTreeMap<String, Entry>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Importer {
    #[serde(default)]
    dependencies: BTreeMap<String, DepRef>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, DepRef>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, DepRef>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DepRef {
    Plain(String),
    Specified { version: String },
}

impl DepRef {
    fn version(&self) -> &str {
        match self {
            DepRef::Plain(version) | DepRef::Specified { version } => version,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(default)]
    resolution: Option<Resolution>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    dev: Option<bool>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct Resolution {
    #[serde(default)]
    integrity: Option<String>,
    #[serde(default)]
    tarball: Option<String>,
    #[serde(default)]
    repo: Option<String>,
    #[serde(default)]
    commit: Option<String>,
}

/// `(name, version)` of a package key, without peer suffixes.
fn split_key(key: &str, v5: bool) -> Option<(String, String)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    if v5 {
        // `@scope/name/1.0.0_peer@1` or `name/1.0.0`
        let (name, version) = key.rsplit_once('/')?;
        let version = version.split('_').next().unwrap_or(version);
        return Some((name.to_owned(), version.to_owned()));
    }
    let key = key.split('(').next().unwrap_or(key);
    let at = key.get(1..)?.find('@')? + 1;
    Some((key[..at].to_owned(), key[at + 1..].to_owned()))
}

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let version_line = text
        .lines()
        .find(|line| line.starts_with("lockfileVersion:"))
        .unwrap_or("");
    let v5 = version_line
        .trim_start_matches("lockfileVersion:")
        .trim()
        .trim_matches(['\'', '"'])
        .starts_with('5');
    // The fast reader handles what pnpm writes; anything else goes to the full parser.
    let fast = super::yamlite::parse(text)
        .ok()
        .and_then(|value| serde_json::from_value::<Lock>(value).ok());
    let mut lock: Lock = match fast {
        Some(lock) => lock,
        None => {
            tracing::debug!("{rel}: outside the fast YAML subset, using the full parser");
            super::yaml(text)?
        }
    };
    if lock.importers.is_empty() {
        lock.importers.insert(
            ".".into(),
            Importer {
                dependencies: std::mem::take(&mut lock.dependencies),
                dev_dependencies: std::mem::take(&mut lock.dev_dependencies),
                optional_dependencies: std::mem::take(&mut lock.optional_dependencies),
            },
        );
    }
    let dir = dir_of(rel);

    let mut graph = Graph::default();
    let mut by_key: HashMap<(String, String), usize> = HashMap::new();
    for (key, entry) in &lock.packages {
        let Some((name, mut version)) = split_key(key, v5) else {
            continue;
        };
        let name = entry.name.clone().unwrap_or(name);
        if let Some(v) = &entry.version {
            version = v.clone();
        }
        if by_key.contains_key(&(name.clone(), version.clone())) {
            continue;
        }
        let mut package = Package::npm(&name, version.clone());
        if let Some(resolution) = &entry.resolution {
            if let Some(integrity) = &resolution.integrity {
                package.hashes = Digest::integrity(integrity);
            }
            if let Some(repo) = &resolution.repo {
                package.set_git(repo.clone(), resolution.commit.clone());
            } else if let Some(tarball) = &resolution.tarball {
                package.set_origin(super::npm::origin(tarball));
            }
        }
        let mut node = Node::package(package);
        node.dev_hint = entry.dev;
        let index = graph.add(node);
        by_key.insert((name.clone(), version.clone()), index);
        // Also reachable under the key's own name/version, for aliases.
        if let Some(raw) = split_key(key, v5) {
            by_key.entry(raw).or_insert(index);
        }
    }

    // Importers are first-party projects.
    let mut importer_index: HashMap<String, usize> = HashMap::new();
    for path in lock.importers.keys() {
        let manifest = join(&join(dir, path), "package.json");
        let package = ctx
            .read_text(&manifest)
            .and_then(|text| serde_json::from_str::<super::npm::Entry>(&text).ok())
            .and_then(|entry| {
                let name = entry.name?;
                Some(
                    Package::npm(&name, entry.version.unwrap_or_default())
                        .origin(Origin::Path(join(dir, path))),
                )
            });
        importer_index.insert(join(dir, path), graph.add(Node::root(package)));
    }

    let target = |from_dir: Option<&str>, name: &str, reference: &str| -> Option<usize> {
        if let Some(path) = reference.strip_prefix("link:") {
            return importer_index.get(&join(from_dir?, path)).copied();
        }
        let reference = reference.strip_prefix('/').unwrap_or(reference);
        let starts_like_version = reference.chars().next().is_some_and(|c| c.is_ascii_digit());
        let (name, version) = if !starts_like_version && split_key(reference, v5).is_some() {
            let (n, v) = split_key(reference, v5)?;
            (n, v)
        } else if v5 {
            (
                name.to_owned(),
                reference.split('_').next().unwrap_or(reference).to_owned(),
            )
        } else {
            (
                name.to_owned(),
                reference.split('(').next().unwrap_or(reference).to_owned(),
            )
        };
        by_key.get(&(name, version)).copied()
    };

    let edges_from = if lock.snapshots.is_empty() {
        &lock.packages
    } else {
        &lock.snapshots
    };
    for (key, entry) in edges_from {
        let Some((name, version)) = split_key(key, v5) else {
            continue;
        };
        let name = entry.name.clone().unwrap_or(name);
        let Some(&from) = by_key.get(&(name, version)) else {
            continue;
        };
        for (dep, reference) in entry
            .dependencies
            .iter()
            .chain(&entry.optional_dependencies)
        {
            if let Some(to) = target(None, dep, reference)
                && !graph.nodes[from].deps.contains(&to)
            {
                graph.nodes[from].deps.push(to);
            }
        }
    }
    for (path, importer) in &lock.importers {
        let importer_dir = join(dir, path);
        let Some(&from) = importer_index.get(&importer_dir) else {
            continue;
        };
        for (dep, reference) in importer
            .dependencies
            .iter()
            .chain(&importer.optional_dependencies)
        {
            if let Some(to) = target(Some(&importer_dir), dep, reference.version()) {
                graph.nodes[from].deps.push(to);
            }
        }
        for (dep, reference) in &importer.dev_dependencies {
            if let Some(to) = target(Some(&importer_dir), dep, reference.version()) {
                graph.nodes[from].dev_deps.push(to);
            }
        }
    }
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_version_split() {
        assert_eq!(
            split_key("/@babel/core/7.22.0_supports-color@8.1.1", true),
            Some(("@babel/core".into(), "7.22.0".into()))
        );
        assert_eq!(
            split_key("/@babel/core@7.22.0(supports-color@8.1.1)", false),
            Some(("@babel/core".into(), "7.22.0".into()))
        );
        assert_eq!(
            split_key("lodash@4.17.21", false),
            Some(("lodash".into(), "4.17.21".into()))
        );
    }
}
