//! NuGet `packages.lock.json`: per target framework, each package with its type (`Direct`,
//! `Transitive`, `Project`), resolved version, `contentHash` (SHA-512) and edges.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::ParseError;
use crate::model::{Alg, Digest, Ecosystem, Graph, Node, Origin, Package};

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    dependencies: BTreeMap<String, BTreeMap<String, Entry>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    resolved: Option<String>,
    #[serde(default)]
    content_hash: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

pub fn parse(text: &str) -> Result<Graph, ParseError> {
    let lock: Lock = super::json(text)?;
    let mut graph = Graph::default();
    let root = graph.add(Node::root(None));
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for packages in lock.dependencies.values() {
        for (name, entry) in packages {
            let key = name.to_lowercase();
            if by_name.contains_key(&key) {
                continue;
            }
            let version = entry.resolved.clone().unwrap_or_default();
            let mut package = Package::new(Ecosystem::Nuget, name, version);
            package.hashes.extend(
                entry
                    .content_hash
                    .as_deref()
                    .and_then(|h| Digest::base64(Alg::Sha512, h)),
            );
            let node = if entry.kind == "Project" {
                Node::root(Some(package.origin(Origin::Path(name.clone()))))
            } else {
                Node::package(package)
            };
            let index = graph.add(node);
            by_name.insert(key, index);
            if matches!(entry.kind.as_str(), "Direct" | "Project") {
                graph.nodes[root].deps.push(index);
            }
        }
    }
    for packages in lock.dependencies.values() {
        for (name, entry) in packages {
            let Some(&from) = by_name.get(&name.to_lowercase()) else {
                continue;
            };
            for dep in entry.dependencies.keys() {
                if let Some(&to) = by_name.get(&dep.to_lowercase())
                    && !graph.nodes[from].deps.contains(&to)
                {
                    graph.nodes[from].deps.push(to);
                }
            }
        }
    }
    Ok(graph)
}
