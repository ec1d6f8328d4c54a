//! Lockfiles that list packages without edges: Dart `pubspec.lock`, Elixir `mix.lock`
//! (which does carry edges, read here) and SwiftPM `Package.resolved`.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::ParseError;
use crate::model::{Alg, Digest, Ecosystem, Graph, Node, Origin, Package};

// ---------------------------------------------------------------- pubspec.lock

#[derive(Deserialize)]
struct Pubspec {
    #[serde(default)]
    packages: BTreeMap<String, PubEntry>,
}

#[derive(Deserialize)]
struct PubEntry {
    #[serde(default)]
    dependency: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    description: Option<serde_json::Value>,
}

pub fn parse_pubspec(text: &str) -> Result<Graph, ParseError> {
    let lock: Pubspec = super::yaml(text)?;
    let mut graph = Graph::default();
    let mut root = Node::root(None);
    for (name, entry) in &lock.packages {
        if entry.source == "sdk" {
            continue; // the Flutter/Dart SDK itself
        }
        let mut package = Package::new(Ecosystem::Pub, name, &entry.version);
        let description = entry.description.as_ref();
        let field = |key: &str| {
            description
                .and_then(|d| d.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        package
            .hashes
            .extend(field("sha256").and_then(|h| Digest::hex(Alg::Sha256, &h)));
        let first_party = match entry.source.as_str() {
            "git" => {
                if let Some(url) = field("url") {
                    package.origin = Origin::Git {
                        url,
                        rev: field("resolved-ref"),
                    };
                }
                false
            }
            "path" => {
                package.origin = Origin::Path(field("path").unwrap_or_default());
                true
            }
            _ => false,
        };
        let mut node = if first_party {
            Node::root(Some(package))
        } else {
            Node::package(package)
        };
        let direct = entry.dependency.starts_with("direct");
        node.direct_hint = Some(direct);
        let index = graph.add(node);
        match entry.dependency.as_str() {
            "direct dev" => root.dev_deps.push(index),
            _ => root.deps.push(index),
        }
    }
    graph.add(root);
    Ok(graph)
}

// ---------------------------------------------------------------- mix.lock

/// `mix.lock` is an Elixir map literal:
/// `"name": {:hex, :name, "1.0.0", "inner", [:mix], [{:dep, "~> 1.0", [hex: :dep, …]}], "hexpm", "outer"},`
pub fn parse_mix(text: &str) -> Result<Graph, ParseError> {
    let mut graph = Graph::default();
    let mut root = Node::root(None);
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut edges: Vec<(usize, Vec<String>)> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if !line.starts_with('"') {
            continue;
        }
        let line_no = index as u64 + 1;
        let Some((key, value)) = line.split_once("\": {") else {
            return Err(ParseError::new(
                Some(line_no),
                "expected `\"name\": {…}` in mix.lock",
            ));
        };
        let key = key.trim_start_matches('"');
        let strings: Vec<&str> = value.split('"').skip(1).step_by(2).collect();
        let package = if value.starts_with(":hex,") {
            let version = strings.first().copied().unwrap_or_default();
            let mut package = Package::new(Ecosystem::Hex, key, version);
            // The last string is the outer checksum: SHA-256 of the package tarball.
            package.hashes.extend(
                strings
                    .last()
                    .filter(|_| strings.len() >= 3)
                    .and_then(|h| Digest::hex(Alg::Sha256, h)),
            );
            package
        } else if value.starts_with(":git,") {
            let url = strings.first().copied().unwrap_or_default().to_owned();
            let rev = strings.get(1).map(|s| (*s).to_owned());
            let mut package = Package::new(Ecosystem::Hex, key, rev.clone().unwrap_or_default());
            package.origin = Origin::Git { url, rev };
            package
        } else {
            continue;
        };
        let deps: Vec<String> = value
            .split("{:")
            .skip(1)
            .filter_map(|part| part.split(',').next())
            .map(str::to_owned)
            .collect();
        let mut node = Node::package(package);
        node.line = Some(line_no);
        let at = graph.add(node);
        by_name.insert(key.to_owned(), at);
        edges.push((at, deps));
    }
    let mut depended = vec![false; graph.nodes.len()];
    for (from, deps) in edges {
        for dep in deps {
            if let Some(&to) = by_name.get(&dep) {
                graph.nodes[from].deps.push(to);
                depended[to] = true;
            }
        }
    }
    // mix.lock does not name the project's own dependencies: the packages nothing else
    // depends on are its direct ones.
    root.deps = (0..graph.nodes.len()).filter(|&i| !depended[i]).collect();
    graph.add(root);
    Ok(graph)
}

// ---------------------------------------------------------------- Package.resolved

#[derive(Deserialize)]
struct Resolved {
    #[serde(default)]
    pins: Vec<Pin>,
    #[serde(default)]
    object: Option<ResolvedV1>,
}

#[derive(Deserialize)]
struct ResolvedV1 {
    #[serde(default)]
    pins: Vec<Pin>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pin {
    #[serde(default)]
    location: Option<String>,
    #[serde(default, rename = "repositoryURL")]
    repository_url: Option<String>,
    #[serde(default)]
    state: PinState,
}

#[derive(Deserialize, Default)]
struct PinState {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    revision: Option<String>,
}

pub fn parse_package_resolved(text: &str) -> Result<Graph, ParseError> {
    let resolved: Resolved = super::json(text)?;
    let pins = resolved
        .object
        .map(|o| o.pins)
        .unwrap_or_default()
        .into_iter()
        .chain(resolved.pins);
    let mut graph = Graph::default();
    let mut root = Node::root(None);
    for pin in pins {
        let Some(url) = pin.location.or(pin.repository_url) else {
            continue;
        };
        let path = url
            .trim_end_matches('/')
            .trim_end_matches(".git")
            .split("://")
            .last()
            .unwrap_or(&url)
            .trim_start_matches("git@")
            .replace(':', "/");
        let version = pin
            .state
            .version
            .clone()
            .or_else(|| pin.state.revision.clone())
            .unwrap_or_default();
        let mut package = Package::with_path(Ecosystem::Swift, &path, version);
        package.origin = Origin::Git {
            url: url.clone(),
            rev: pin.state.revision.clone(),
        };
        let mut node = Node::package(package);
        node.direct_hint = Some(false);
        root.deps.push(graph.add(node));
    }
    graph.add(root);
    Ok(graph)
}
