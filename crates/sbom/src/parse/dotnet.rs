//! NuGet `packages.lock.json`: per target framework, each package with its type (`Direct`,
//! `Transitive`, `Project`, `CentralTransitive`), resolved version, `contentHash`
//! (SHA-512) and edges.
//!
//! A package can resolve to different versions under different frameworks (a
//! `netstandard2.0` build pulls older polyfills than a `net8.0` one), so packages are
//! keyed by name and version, and each framework's edges are resolved within that
//! framework.

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
    // (lower-case name, version) → node: NuGet ids are case-insensitive.
    let mut by_identity: HashMap<(String, String), usize> = HashMap::new();
    // Per framework: lower-case name → node, for that framework's edges.
    let mut frameworks: Vec<HashMap<String, usize>> = Vec::new();
    for packages in lock.dependencies.values() {
        let mut by_name = HashMap::new();
        for (name, entry) in packages {
            let version = entry.resolved.clone().unwrap_or_default();
            let identity = (name.to_lowercase(), version.clone());
            let index = match by_identity.get(&identity) {
                Some(&index) => index,
                None => {
                    let index = graph.add(node(name, version, entry));
                    by_identity.insert(identity, index);
                    index
                }
            };
            by_name.insert(name.to_lowercase(), index);
            if matches!(entry.kind.as_str(), "Direct" | "Project")
                && !graph.nodes[root].deps.contains(&index)
            {
                graph.nodes[root].deps.push(index);
            }
        }
        frameworks.push(by_name);
    }
    for (packages, by_name) in lock.dependencies.values().zip(&frameworks) {
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

/// The node of one lockfile entry: a project reference is first-party code.
fn node(name: &str, version: String, entry: &Entry) -> Node {
    let mut package = Package::new(Ecosystem::Nuget, name, version);
    package.hashes.extend(
        entry
            .content_hash
            .as_deref()
            .and_then(|h| Digest::base64(Alg::Sha512, h)),
    );
    if entry.kind == "Project" {
        Node::root(Some(package.origin(Origin::Path(name.to_owned()))))
    } else {
        Node::package(package)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_resolved_differently_per_framework_keeps_both_versions() {
        let graph = parse(
            r#"{"version": 1, "dependencies": {
              "net6.0": {
                "A": {"type": "Direct", "resolved": "1.0.0", "dependencies": {"P": "5.0.0"}},
                "P": {"type": "Transitive", "resolved": "5.0.0"}
              },
              ".NETStandard,Version=v2.0": {
                "A": {"type": "Direct", "resolved": "1.0.0", "dependencies": {"p": "1.1.0"}},
                "P": {"type": "Transitive", "resolved": "1.1.0"}
              }
            }}"#,
        )
        .unwrap();
        let purls: Vec<String> = graph
            .nodes
            .iter()
            .filter_map(|n| n.package.as_ref().map(Package::purl))
            .collect();
        assert_eq!(
            purls,
            [
                "pkg:nuget/A@1.0.0",
                "pkg:nuget/P@1.1.0",
                "pkg:nuget/P@5.0.0"
            ]
        );
        // A depends on each framework's P.
        assert_eq!(graph.nodes[1].deps, [2, 3]);
    }
}
