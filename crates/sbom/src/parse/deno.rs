//! `deno.lock`, versions 3, 4 and 5 (and version 2's `npm` section).
//!
//! `specifiers` maps what the code asks for (`jsr:@std/path@^1`, `npm:preact@^10`) to the
//! version resolved; `jsr` and `npm` list each resolved package with its dependencies
//! (jsr: specifiers; npm: names, `name@version` when several versions are locked, with
//! peer suffixes after `_`); `workspace` lists the specifiers the project and its members
//! ask for (direct dependencies); `remote` maps each URL module to its SHA-256.
//!
//! npm's `integrity` hashes the package tarball and is the component's hash; jsr's hashes
//! the version's metadata file, not the package, so it is not reported. Deno does not
//! record development-only dependencies.

use std::collections::HashMap;

use serde_json::Value;

use super::{Context, ParseError};
use crate::model::{Alg, Digest, Ecosystem, Graph, Node, Package};

/// `name@version` → (`name`, `version`), the `@` of a scope excepted.
fn split_at_version(key: &str) -> Option<(&str, &str)> {
    let first = key.chars().next()?.len_utf8();
    let at = key.get(first..)?.find('@')? + first;
    Some((key.get(..at)?, key.get(at + 1..)?))
}

/// A map from the lock, under its v3 (`packages.x`), v2 (`npm.x`) or v4+ (`x`) place.
fn section<'a>(lock: &'a Value, name: &str) -> Option<&'a serde_json::Map<String, Value>> {
    lock.get("packages")
        .and_then(|p| p.get(name))
        .or_else(|| lock.get(name))
        .and_then(Value::as_object)
}

pub fn parse(_ctx: &Context<'_>, _rel: &str, text: &str) -> Result<Graph, ParseError> {
    let lock: Value = super::json(text)?;
    let version = lock.get("version").and_then(Value::as_str).unwrap_or("");
    if !matches!(version, "2" | "3" | "4" | "5") {
        return Err(ParseError::new(
            Some(1),
            format!("deno.lock version `{version}` is not one this gate reads (2 to 5)"),
        ));
    }
    let empty = serde_json::Map::new();
    let (specifiers, npm) = if version == "2" {
        let npm = lock.get("npm");
        (
            npm.and_then(|n| n.get("specifiers"))
                .and_then(Value::as_object)
                .unwrap_or(&empty),
            npm.and_then(|n| n.get("packages"))
                .and_then(Value::as_object)
                .unwrap_or(&empty),
        )
    } else {
        (
            section(&lock, "specifiers").unwrap_or(&empty),
            section(&lock, "npm").unwrap_or(&empty),
        )
    };
    let jsr = section(&lock, "jsr").unwrap_or(&empty);

    let mut graph = Graph::default();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut npm_by_name: HashMap<&str, usize> = HashMap::new();
    for (key, entry) in npm {
        let Some((name, version)) = split_at_version(key) else {
            continue;
        };
        let version = version.split('_').next().unwrap_or(version);
        let mut package = Package::npm(name, version);
        if let Some(integrity) = entry.get("integrity").and_then(Value::as_str) {
            package.hashes = Digest::integrity(integrity);
        }
        let index = graph.add(Node::package(package));
        index_of.insert(format!("npm:{key}"), index);
        npm_by_name.entry(name).or_insert(index);
    }
    for key in jsr.keys() {
        let Some((name, version)) = split_at_version(key) else {
            continue;
        };
        let mut package = Package::npm(name, version);
        package.ecosystem = Ecosystem::Jsr;
        index_of.insert(format!("jsr:{key}"), graph.add(Node::package(package)));
    }
    // A specifier (`jsr:@std/path@^1`, `npm:x@1`) → the node it resolves to.
    let resolve = |specifier: &str| -> Option<usize> {
        let (registry, rest) = specifier.split_once(':')?;
        let name = split_at_version(rest).map_or(rest, |(name, _)| name);
        let resolved = specifiers.get(specifier).and_then(Value::as_str);
        match resolved {
            Some(version) => index_of
                .get(&format!("{registry}:{name}@{version}"))
                .copied(),
            None => index_of.get(specifier).copied(),
        }
    };
    for (key, entry) in npm {
        let Some(&from) = index_of.get(&format!("npm:{key}")) else {
            continue;
        };
        let deps: Vec<String> = match entry.get("dependencies") {
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            // v3: {"name": "name@version"}
            Some(Value::Object(map)) => map
                .values()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        for dep in deps {
            let target = match dep.split_once("@npm:") {
                Some((_, real)) => real.to_owned(),
                None => dep,
            };
            let to = match split_at_version(&target) {
                Some(_) => index_of.get(&format!("npm:{target}")).copied(),
                None => npm_by_name.get(target.as_str()).copied(),
            };
            if let Some(to) = to.filter(|&to| to != from) {
                graph.nodes[from].deps.push(to);
            }
        }
    }
    for (key, entry) in jsr {
        let Some(&from) = index_of.get(&format!("jsr:{key}")) else {
            continue;
        };
        for dep in entry
            .get("dependencies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if let Some(to) = resolve(dep).filter(|&to| to != from) {
                graph.nodes[from].deps.push(to);
            }
        }
    }
    add_remote(&lock, &mut graph);
    add_workspace(&lock, &mut graph, &resolve);
    Ok(graph)
}

/// URL modules: one component per URL, with its SHA-256.
fn add_remote(lock: &Value, graph: &mut Graph) {
    let Some(remote) = lock.get("remote").and_then(Value::as_object) else {
        return;
    };
    let mut root = Node::root(None);
    for (url, hash) in remote {
        let host_path = url.split("://").nth(1).unwrap_or(url);
        let (host, path) = host_path.split_once('/').unwrap_or((host_path, ""));
        let name = path.rsplit('/').next().unwrap_or(path);
        let mut package = Package::new(Ecosystem::Generic, name, "");
        package.namespace = Some(host.to_owned());
        package.set_download(url.clone());
        package
            .hashes
            .extend(hash.as_str().and_then(|h| Digest::hex(Alg::Sha256, h)));
        root.deps.push(graph.add(Node::package(package)));
    }
    if !root.deps.is_empty() {
        graph.add(root);
    }
}

/// The project's and its members' specifiers: the direct dependencies.
fn add_workspace(lock: &Value, graph: &mut Graph, resolve: &dyn Fn(&str) -> Option<usize>) {
    let workspace = lock.get("workspace");
    let mut lists: Vec<&Value> = Vec::new();
    if let Some(workspace) = workspace {
        lists.extend(workspace.get("dependencies"));
        lists.extend(
            workspace
                .get("packageJson")
                .and_then(|p| p.get("dependencies")),
        );
        for member in workspace
            .get("members")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|members| members.values())
        {
            lists.extend(member.get("dependencies"));
            lists.extend(
                member
                    .get("packageJson")
                    .and_then(|p| p.get("dependencies")),
            );
        }
    }
    let mut root = Node::root(None);
    for specifier in lists
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
    {
        if let Some(to) = resolve(specifier)
            && !root.deps.contains(&to)
        {
            root.deps.push(to);
        }
    }
    if root.deps.is_empty() {
        // No workspace section (older locks): the packages nothing depends on are direct.
        let mut depended = vec![false; graph.nodes.len()];
        for node in &graph.nodes {
            for &to in &node.deps {
                depended[to] = true;
            }
        }
        root.deps = (0..graph.nodes.len())
            .filter(|&i| !depended[i] && !graph.nodes[i].first_party)
            .collect();
    }
    graph.add(root);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_split_after_the_scope() {
        assert_eq!(
            split_at_version("@std/path@1.0.0"),
            Some(("@std/path", "1.0.0"))
        );
        assert_eq!(
            split_at_version("preact@10.0.0_react@18"),
            Some(("preact", "10.0.0_react@18"))
        );
        assert_eq!(split_at_version("preact"), None);
        assert_eq!(split_at_version(""), None);
    }
}
