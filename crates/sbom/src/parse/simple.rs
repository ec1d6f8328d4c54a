//! Smaller lockfiles: Dart `pubspec.lock` and SwiftPM `Package.resolved` (which list
//! packages without edges) and Elixir `mix.lock` (which carries edges and checksums).

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::{Context, ParseError, dir_of, join};
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

pub fn parse_pubspec(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let lock: Pubspec = super::yaml(text)?;
    let mut graph = Graph::default();
    let mut root = Node::root(None);
    let mut by_name: HashMap<&str, usize> = HashMap::new();
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
                    package.set_git(url, field("resolved-ref"));
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
        by_name.insert(name, index);
        match entry.dependency.as_str() {
            "direct dev" => root.dev_deps.push(index),
            _ => root.deps.push(index),
        }
    }
    if let Some(members) = pub_workspace(ctx, dir_of(rel)) {
        // A pub workspace: one lock for every member, labelled `direct main` when any
        // member needs the package at runtime. Each member's pubspec.yaml says which of
        // its dependencies are dev-only, so the members are the roots.
        let mut declared = Vec::new();
        for (package, runtime, dev) in members {
            let index = graph.add(Node::root(Some(package)));
            declared.push((index, runtime, dev));
        }
        let mut named: HashMap<String, usize> = by_name
            .iter()
            .map(|(name, &index)| ((*name).to_owned(), index))
            .collect();
        for &(index, _, _) in &declared {
            if let Some(package) = &graph.nodes[index].package {
                named.insert(package.name.clone(), index);
            }
        }
        let mut attached = vec![false; graph.nodes.len()];
        for (index, runtime, dev) in declared {
            for (names, is_dev) in [(runtime, false), (dev, true)] {
                for name in names {
                    let Some(&to) = named.get(&name) else {
                        continue;
                    };
                    attached[to] = true;
                    // Workspace locks label everything `transitive`: the members say.
                    graph.nodes[to].direct_hint = None;
                    let node = &mut graph.nodes[index];
                    if is_dev {
                        node.dev_deps.push(to);
                    } else {
                        node.deps.push(to);
                    }
                }
            }
        }
        // What no member names (transitive packages) stays under the anonymous root.
        root.deps.retain(|&to| !attached[to]);
        root.dev_deps.retain(|&to| !attached[to]);
    }
    graph.add(root);
    Ok(graph)
}

/// The members of the pub workspace whose root pubspec.yaml is in `dir` (the root
/// included): each as its package and its runtime and dev dependency names. `None` when
/// the pubspec.yaml there declares no `workspace`.
#[allow(clippy::type_complexity)]
fn pub_workspace(ctx: &Context<'_>, dir: &str) -> Option<Vec<(Package, Vec<String>, Vec<String>)>> {
    let read = |dir: &str| -> Option<serde_json::Value> {
        super::yaml(&ctx.read_text(&join(dir, "pubspec.yaml"))?).ok()
    };
    let root = read(dir)?;
    let members = root.get("workspace")?.as_array()?.clone();
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    dirs.extend(
        members
            .iter()
            .filter_map(|m| m.as_str())
            .map(|m| join(dir, m)),
    );
    for member_dir in dirs {
        let Some(pubspec) = read(&member_dir) else {
            continue;
        };
        let text = |key: &str| pubspec.get(key).and_then(|v| v.as_str()).unwrap_or("");
        let keys = |key: &str| -> Vec<String> {
            pubspec
                .get(key)
                .and_then(|v| v.as_object())
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default()
        };
        if text("name").is_empty() {
            continue;
        }
        let package = Package::new(Ecosystem::Pub, text("name"), text("version"))
            .origin(Origin::Path(member_dir.clone()));
        let runtime = keys("dependencies");
        let dev: Vec<String> = keys("dev_dependencies")
            .into_iter()
            .filter(|d| !runtime.contains(d))
            .collect();
        out.push((package, runtime, dev));
    }
    Some(out)
}

// ---------------------------------------------------------------- mix.lock

/// `mix.lock` is an Elixir map literal:
/// `"name": {:hex, :name, "1.0.0", "inner", [:mix], [{:dep, "~> 1.0", [hex: :dep, …]}], "hexpm", "outer"},`
///
/// The lock does not say which packages the project asks for, nor which only for
/// development: the `mix.exs` beside it does (`{:ex_doc, "~> 0.28", only: :dev}`).
/// Without one, the packages nothing else depends on are taken as the direct ones.
pub fn parse_mix(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
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
            package.set_git(url, rev);
            package
        } else {
            continue;
        };
        // An `optional: true` dependency is only used when the project itself asks for
        // the package, so it is not an edge (issue 14: it made a test-only package a
        // production one).
        let deps: Vec<String> = value
            .split("{:")
            .skip(1)
            .filter(|part| {
                let tuple = part.split("]}").next().unwrap_or(part);
                !tuple.contains("optional: true")
            })
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
    let declared = ctx
        .read_text(&join(dir_of(rel), "mix.exs"))
        .map(|text| mix_exs_deps(&text))
        .unwrap_or_default();
    for (name, dev) in declared {
        if let Some(&at) = by_name.get(&name) {
            if dev {
                root.dev_deps.push(at);
            } else {
                root.deps.push(at);
            }
        }
    }
    if root.deps.is_empty() && root.dev_deps.is_empty() {
        root.deps = (0..graph.nodes.len()).filter(|&i| !depended[i]).collect();
    }
    graph.add(root);
    Ok(graph)
}

/// The dependencies a `mix.exs` declares, in order, each with whether it is only for
/// `:dev` and `:test`. Reads every `{:name, …}` tuple; names the lock does not have (an
/// `{:ok, value}` in code) are ignored by the caller.
fn mix_exs_deps(text: &str) -> Vec<(String, bool)> {
    let code: String = text
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out: Vec<(String, bool)> = Vec::new();
    for (start, _) in code.match_indices("{:") {
        let Some(rest) = code.get(start + 2..) else {
            continue;
        };
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (Some(name), Some(after)) = (rest.get(..end), rest.get(end..)) else {
            continue;
        };
        if name.is_empty() || !after.trim_start().starts_with(',') {
            continue;
        }
        let mut depth = 1usize;
        let body_end = after
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '{' | '[' => depth += 1,
                    '}' | ']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                depth == 0
            })
            .map_or(after.len(), |(index, _)| index);
        let body = after.get(..body_end).unwrap_or(after);
        let dev = body.split_once("only:").is_some_and(|(_, only)| {
            let only = only.trim_start();
            let list = match only.strip_prefix('[') {
                Some(list) => list.split(']').next().unwrap_or(""),
                None => only.split([',', '}', ' ']).next().unwrap_or(""),
            };
            let envs: Vec<&str> = list
                .split(',')
                .map(|env| env.trim().trim_start_matches(':'))
                .filter(|env| !env.is_empty())
                .collect();
            !envs.is_empty() && envs.iter().all(|env| matches!(*env, "dev" | "test"))
        });
        if !out.iter().any(|(known, _)| known == name) {
            out.push((name.to_owned(), dev));
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mix_exs_tells_dev_only_dependencies() {
        let deps = mix_exs_deps(
            "defp deps do\n  [\n    # {:old, \"1.0\"},\n    {:ex_doc, \"~> 0.28\", only: :dev, runtime: false},\n    {:credo, \"~> 1.7\", only: [:dev, :test]},\n    {:plug, \"~> 1.14\", only: [:dev, :prod]},\n    {:jason,\n     \"~> 1.0\", optional: true}\n  ]\nend\n{:ok, pid}\n",
        );
        assert_eq!(
            deps,
            [
                ("ex_doc".to_owned(), true),
                ("credo".to_owned(), true),
                ("plug".to_owned(), false),
                ("jason".to_owned(), false),
                ("ok".to_owned(), false),
            ]
        );
    }
}
