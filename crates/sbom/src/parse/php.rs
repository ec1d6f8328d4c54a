//! `composer.lock`: `packages` and `packages-dev` with their `require` edges, licences and
//! `dist.shasum` (SHA-1, when Packagist recorded one). `composer.json` beside it names the
//! direct dependencies.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::{Context, ParseError, dir_of, join};
use crate::model::{Alg, Digest, Ecosystem, Graph, Node, Origin, Package};

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    packages: Vec<Entry>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    version: String,
    #[serde(default)]
    dist: Option<Source>,
    #[serde(default)]
    require: BTreeMap<String, String>,
    #[serde(default)]
    license: Vec<String>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    shasum: Option<String>,
}

#[derive(Deserialize, Default)]
struct Manifest {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    require: BTreeMap<String, String>,
    #[serde(default, rename = "require-dev")]
    require_dev: BTreeMap<String, String>,
}

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let lock: Lock = super::json(text)?;
    let mut graph = Graph::default();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let all: Vec<(&Entry, bool)> = lock
        .packages
        .iter()
        .map(|e| (e, false))
        .chain(lock.packages_dev.iter().map(|e| (e, true)))
        .collect();
    for (entry, dev) in &all {
        let mut package = Package::with_path(Ecosystem::Composer, &entry.name, &entry.version);
        // Several licences in composer.json mean the user may choose one of them.
        match entry.license.len() {
            0 => {}
            1 => package.licenses = entry.license.clone(),
            _ => package.licenses = vec![format!("({})", entry.license.join(" OR "))],
        }
        if let Some(dist) = &entry.dist {
            package.hashes.extend(
                dist.shasum
                    .as_deref()
                    .and_then(|s| Digest::hex(Alg::Sha1, s)),
            );
            if dist.kind == "path" {
                package.origin = Origin::Path(dist.url.clone().unwrap_or_default());
            }
        }
        let mut node = Node::package(package);
        node.dev_hint = Some(*dev);
        by_name.insert(entry.name.to_lowercase(), graph.add(node));
    }
    for (index, (entry, _)) in all.iter().enumerate() {
        for dep in entry.require.keys() {
            if let Some(&to) = by_name.get(&dep.to_lowercase()) {
                graph.nodes[index].deps.push(to);
            }
        }
    }
    let manifest: Manifest = ctx
        .read_text(&join(dir_of(rel), "composer.json"))
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let project = manifest.name.as_ref().map(|name| {
        Package::with_path(
            Ecosystem::Composer,
            name,
            manifest.version.clone().unwrap_or_default(),
        )
        .origin(Origin::Path(dir_of(rel).into()))
    });
    let mut root = Node::root(project);
    for dep in manifest.require.keys() {
        root.deps.extend(by_name.get(&dep.to_lowercase()).copied());
    }
    for dep in manifest.require_dev.keys() {
        root.dev_deps
            .extend(by_name.get(&dep.to_lowercase()).copied());
    }
    graph.add(root);
    Ok(graph)
}
