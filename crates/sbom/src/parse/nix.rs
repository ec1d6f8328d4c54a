//! Nix `flake.lock` (JSON, version 7): `nodes` maps a name to an input with its `locked`
//! source (`github`, `gitlab`, `sourcehut`, `git`, `hg`, `tarball`, `file`, `path`) and
//! its own `inputs`; an input given as a list follows a path from the root node
//! (`"nixpkgs": ["rust-overlay", "nixpkgs"]`).
//!
//! GitHub inputs are `pkg:github/owner/repo@rev`; other sources are `pkg:generic/name`
//! with `vcs_url` or `download_url`. `narHash` (SHA-256 of the input's NAR serialisation,
//! what Nix verifies) is the component's hash. Nix does not tell build-time from runtime
//! inputs, so none is development-only.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value;

use super::ParseError;
use crate::model::{Digest, Ecosystem, Graph, Node, Origin, Package};

#[derive(Deserialize)]
struct Lock {
    nodes: BTreeMap<String, FlakeNode>,
    #[serde(default = "root_name")]
    root: String,
}

fn root_name() -> String {
    "root".to_owned()
}

#[derive(Deserialize, Default)]
struct FlakeNode {
    #[serde(default)]
    inputs: BTreeMap<String, Value>,
    #[serde(default)]
    locked: Option<BTreeMap<String, Value>>,
}

/// Most steps taken to resolve one input, through every `follows` on the way.
const MAX_FOLLOWS: usize = 32;

pub fn parse(text: &str) -> Result<Graph, ParseError> {
    let lock: Lock = super::json(text)?;
    let mut graph = Graph::default();
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    for (key, node) in &lock.nodes {
        if *key == lock.root {
            continue;
        }
        let Some(locked) = &node.locked else {
            continue;
        };
        let (package, first_party) = package(key, locked);
        let node = if first_party {
            Node::root(Some(package))
        } else {
            Node::package(package)
        };
        index_of.insert(key.as_str(), graph.add(node));
    }
    let root = graph.add(Node::root(None));
    for (key, node) in &lock.nodes {
        let from = if *key == lock.root {
            root
        } else {
            match index_of.get(key.as_str()) {
                Some(&index) => index,
                None => continue,
            }
        };
        for target in node.inputs.values() {
            let to = resolve(&lock, target).and_then(|name| index_of.get(name).copied());
            if let Some(to) = to
                && to != from
                && !graph.nodes[from].deps.contains(&to)
            {
                graph.nodes[from].deps.push(to);
            }
        }
    }
    Ok(graph)
}

/// The node an input names: directly, or by following a path of inputs from the root.
fn resolve<'a>(lock: &'a Lock, target: &'a Value) -> Option<&'a str> {
    let mut budget = MAX_FOLLOWS;
    resolve_within(lock, target, &mut budget)
}

/// Resolves `target` taking at most `budget` steps in all, counting the steps of the
/// follows it passes through, so a cycle of follows (`a` follows `["a"]`) ends.
fn resolve_within<'a>(lock: &'a Lock, target: &'a Value, budget: &mut usize) -> Option<&'a str> {
    match target {
        Value::String(name) => Some(name),
        Value::Array(path) => {
            let mut at: &str = &lock.root;
            for step in path {
                *budget = budget.checked_sub(1)?;
                let next = lock.nodes.get(at)?.inputs.get(step.as_str()?)?;
                at = match next {
                    Value::String(name) => name,
                    // A follows that itself follows: resolve it from the root again.
                    Value::Array(_) => resolve_within(lock, next, budget)?,
                    _ => return None,
                };
            }
            Some(at)
        }
        _ => None,
    }
}

/// The package a locked input is, and whether it is first party (a local path).
fn package(key: &str, locked: &BTreeMap<String, Value>) -> (Package, bool) {
    let field = |name: &str| locked.get(name).and_then(Value::as_str).unwrap_or("");
    let rev = field("rev").to_owned();
    let name = key.trim_end_matches(|c: char| c.is_ascii_digit());
    let name = name.strip_suffix('_').unwrap_or(key);
    let mut package = match field("type") {
        "github" => {
            let mut package = Package::new(Ecosystem::Github, field("repo"), rev.clone());
            package.namespace = Some(field("owner").to_owned());
            package.origin = Origin::Git {
                url: format!("https://github.com/{}/{}", field("owner"), field("repo")),
                rev: Some(rev.clone()),
            };
            package
        }
        "gitlab" | "sourcehut" => {
            let host = if field("type") == "gitlab" {
                "gitlab.com"
            } else {
                "git.sr.ht"
            };
            let mut package = Package::new(Ecosystem::Generic, field("repo"), rev.clone());
            package.set_git(
                format!("https://{host}/{}/{}", field("owner"), field("repo")),
                Some(rev.clone()),
            );
            package
        }
        "git" | "hg" => {
            let mut package = Package::new(Ecosystem::Generic, name, rev.clone());
            package.set_git(field("url"), (!rev.is_empty()).then(|| rev.clone()));
            package
        }
        "path" => {
            let package = Package::new(Ecosystem::Generic, name, "")
                .origin(Origin::Path(field("path").to_owned()));
            return (package, true);
        }
        _ => {
            let mut package = Package::new(Ecosystem::Generic, name, "");
            if !field("url").is_empty() {
                package.set_download(field("url"));
            }
            package
        }
    };
    package
        .hashes
        .extend(Digest::parse_prefixed(field("narHash")));
    (package, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_paths_resolve_from_the_root() {
        let graph = parse(
            r#"{"nodes": {
              "nixpkgs": {"locked": {"type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": "abc", "narHash": "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}},
              "overlay": {"inputs": {"nixpkgs": ["nixpkgs"]}, "locked": {"type": "github", "owner": "o", "repo": "overlay", "rev": "def"}},
              "root": {"inputs": {"nixpkgs": "nixpkgs", "overlay": "overlay"}}
            }, "root": "root", "version": 7}"#,
        )
        .unwrap();
        let purls: Vec<String> = graph
            .nodes
            .iter()
            .filter_map(|n| Some(n.package.as_ref()?.purl()))
            .collect();
        assert_eq!(
            purls,
            ["pkg:github/nixos/nixpkgs@abc", "pkg:github/o/overlay@def"]
        );
        assert_eq!(
            graph.nodes[1].deps,
            [0],
            "overlay follows the root's nixpkgs"
        );
        assert_eq!(graph.nodes[2].deps, [0, 1]);
        assert_eq!(graph.nodes[0].package.as_ref().unwrap().hashes.len(), 1);
    }

    #[test]
    fn a_cycle_of_follows_ends() {
        // Found by the sbom_flake_lock fuzz target: `a` follows `["a"]`, which recursed
        // until the stack overflowed.
        let graph = parse(
            r#"{"nodes": {
              "a": {"inputs": {"b": ["a", "b"]}, "locked": {"type": "github", "owner": "o", "repo": "a", "rev": "1"}},
              "root": {"inputs": {"a": ["a"]}}
            }, "root": "root", "version": 7}"#,
        )
        .unwrap();
        assert!(graph.nodes.iter().all(|n| n.deps.is_empty()));
    }
}
