//! CocoaPods `Podfile.lock` (YAML): `PODS` lists every resolved pod as `Name (version)`,
//! with its own dependencies under it; `DEPENDENCIES` are what the Podfile asks for;
//! `EXTERNAL SOURCES` and `CHECKOUT OPTIONS` say which pods come from a path or a git
//! repository.
//!
//! A subspec (`Firebase/Analytics`) is part of its pod: subspecs share the pod's version
//! and source, so they are one component (`pkg:cocoapods/Firebase@10.0.0`) whose edges are
//! the union of its subspecs'. `SPEC CHECKSUMS` are SHA-1 digests of the podspec, not of
//! the pod's files, so they are not reported as the component's hash.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::ParseError;
use crate::model::{Ecosystem, Graph, Node, Origin, Package};

/// `Name/Sub (1.0)` → (`Name`, `1.0`); the version is empty when not given.
fn pod(text: &str) -> (&str, &str) {
    let text = text.trim();
    let (name, version) = match text.split_once(" (") {
        Some((name, rest)) => (name, rest.trim_end_matches(')')),
        None => (text, ""),
    };
    (
        name.split('/').next().unwrap_or(name).trim(),
        version.trim(),
    )
}

pub fn parse(text: &str) -> Result<Graph, ParseError> {
    let lock: Value = super::yaml(text)?;
    let pods = lock
        .get("PODS")
        .and_then(Value::as_array)
        .ok_or_else(|| ParseError::new(None, "no `PODS` list: this is not a Podfile.lock"))?;
    // name → (version, dependency names)
    let mut resolved: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for entry in pods {
        let (head, deps): (&str, Vec<&str>) = match entry {
            Value::String(head) => (head, Vec::new()),
            Value::Object(map) if map.len() == 1 => {
                let Some((head, deps)) = map.iter().next() else {
                    continue;
                };
                let deps = deps
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                (head.as_str(), deps)
            }
            _ => continue,
        };
        let (name, version) = pod(head);
        let slot = resolved
            .entry(name.to_owned())
            .or_insert_with(|| (version.to_owned(), Vec::new()));
        for dep in deps {
            let (dep, _) = pod(dep);
            if dep != name && !slot.1.iter().any(|d| d == dep) {
                slot.1.push(dep.to_owned());
            }
        }
    }
    let external = lock.get("EXTERNAL SOURCES").and_then(Value::as_object);
    let checkout = lock.get("CHECKOUT OPTIONS").and_then(Value::as_object);
    let source = |name: &str, key: &str| -> Option<String> {
        [checkout, external]
            .into_iter()
            .flatten()
            .find_map(|map| map.get(name)?.get(key)?.as_str().map(str::to_owned))
    };

    let mut graph = Graph::default();
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    for (name, (version, _)) in &resolved {
        let mut package = Package::new(Ecosystem::Cocoapods, name, version);
        let mut first_party = false;
        if let Some(git) = source(name, ":git") {
            let rev = source(name, ":commit").or_else(|| source(name, ":tag"));
            package.set_git(git, rev);
        } else if let Some(path) = source(name, ":path") {
            // A development pod in the repository is first party; one installed by npm
            // (React Native's `../node_modules/…`) is third-party code.
            first_party = !path.contains("node_modules");
            package.origin = Origin::Path(path);
        }
        let node = if first_party {
            Node::root(Some(package))
        } else {
            Node::package(package)
        };
        index_of.insert(name, graph.add(node));
    }
    for (name, (_, deps)) in &resolved {
        let Some(&from) = index_of.get(name.as_str()) else {
            continue;
        };
        for dep in deps {
            if let Some(&to) = index_of.get(dep.as_str()) {
                graph.nodes[from].deps.push(to);
            }
        }
    }
    let mut root = Node::root(None);
    for entry in lock
        .get("DEPENDENCIES")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let (name, _) = pod(entry);
        if let Some(&to) = index_of.get(name)
            && !root.deps.contains(&to)
        {
            root.deps.push(to);
        }
    }
    graph.add(root);
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subspecs_are_their_pod() {
        assert_eq!(pod("Firebase/Analytics (10.0.0)"), ("Firebase", "10.0.0"));
        assert_eq!(
            pod("RCT-Folly (= 2022.05.16.00)"),
            ("RCT-Folly", "= 2022.05.16.00")
        );
        assert_eq!(pod("glog"), ("glog", ""));
    }
}
