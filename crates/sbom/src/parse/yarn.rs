//! `yarn.lock`, classic (v1, its own syntax) and berry (v2+, a YAML subset). Both are
//! read line by line by one indentation parser, which keeps every entry's line.
//!
//! Neither records which dependencies are dev-only, so the `package.json` files of the
//! project and its workspaces say so. Berry's `checksum` is the hash of Yarn's own cache
//! archive, not of the registry tarball, so it is not reported as the package's hash.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Context, ParseError, dir_of, join};
use crate::model::{Digest, Graph, Node, NoteKind, Origin, Package};

/// One top-level block of the lockfile.
#[derive(Debug, Default)]
struct Block {
    line: u64,
    descriptors: Vec<String>,
    fields: HashMap<String, String>,
    maps: HashMap<String, Vec<(String, String)>>,
}

fn unquote(text: &str) -> String {
    let text = text.trim();
    if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        text[1..text.len() - 1].replace("\\\"", "\"")
    } else {
        text.to_owned()
    }
}

/// Splits a field line into key and value, for both syntaxes (`key "v"`, `key: v`).
fn key_value(line: &str) -> (String, String) {
    let line = line.trim();
    let (key, rest) = if let Some(stripped) = line.strip_prefix('"') {
        match stripped.find('"') {
            Some(end) => (stripped[..end].to_owned(), &stripped[end + 1..]),
            None => (stripped.to_owned(), ""),
        }
    } else {
        let end = line.find([' ', ':']).unwrap_or(line.len());
        (line[..end].to_owned(), &line[end..])
    };
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    (key, unquote(rest))
}

fn blocks(text: &str) -> Result<Vec<Block>, ParseError> {
    let mut out: Vec<Block> = Vec::new();
    let mut current_map: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        let trimmed = raw.trim_end();
        if trimmed.trim_start().is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        let indent = trimmed.len() - trimmed.trim_start().len();
        match indent {
            0 => {
                let Some(header) = trimmed.strip_suffix(':') else {
                    return Err(ParseError::new(
                        Some(line_no),
                        format!("expected an entry header ending with `:`, found `{trimmed}`"),
                    ));
                };
                let descriptors = header
                    .split(',')
                    .map(|part| unquote(part.trim()).trim_matches('"').trim().to_owned())
                    .filter(|part| !part.is_empty())
                    .collect();
                out.push(Block {
                    line: line_no,
                    descriptors,
                    ..Block::default()
                });
                current_map = None;
            }
            2 => {
                let Some(block) = out.last_mut() else {
                    return Err(ParseError::new(
                        Some(line_no),
                        "an indented line before any entry",
                    ));
                };
                let (key, value) = key_value(trimmed);
                if value.is_empty() {
                    block.maps.entry(key.clone()).or_default();
                    current_map = Some(key);
                } else {
                    block.fields.insert(key, value);
                    current_map = None;
                }
            }
            4 => {
                if let (Some(block), Some(map)) = (out.last_mut(), &current_map) {
                    let (key, value) = key_value(trimmed);
                    block
                        .maps
                        .entry(map.clone())
                        .or_default()
                        .push((key, value));
                }
            }
            _ => {} // deeper levels (peerDependenciesMeta…) carry nothing we report
        }
    }
    Ok(out)
}

/// `name@range` → `name` (the `@` of a scope is not the separator). The first character
/// is skipped whatever its width: lockfile text is untrusted.
fn descriptor_name(descriptor: &str) -> &str {
    let first = descriptor.chars().next().map_or(0, char::len_utf8);
    match descriptor.get(first..).and_then(|rest| rest.find('@')) {
        Some(at) => descriptor.get(..at + first).unwrap_or(descriptor),
        None => descriptor,
    }
}

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let blocks = blocks(text)?;
    let berry = blocks
        .iter()
        .any(|b| b.descriptors.first().is_some_and(|d| d == "__metadata"));
    let dir = dir_of(rel);

    let mut graph = Graph::default();
    let mut by_descriptor: HashMap<&str, usize> = HashMap::new();
    let mut workspaces: HashMap<String, usize> = HashMap::new();
    let mut entry_of_node: Vec<Option<&Block>> = Vec::new();

    for block in &blocks {
        if block.descriptors.first().is_some_and(|d| d == "__metadata") {
            continue;
        }
        let Some(first) = block.descriptors.first() else {
            continue;
        };
        let node = if berry {
            berry_node(dir, block, first)
        } else {
            classic_node(block, first)
        };
        let mut node = match node {
            Ok(node) => node,
            Err(reason) => {
                graph.note(
                    NoteKind::Skipped,
                    Some(block.line),
                    format!("entry `{first}` {reason}; skipped"),
                );
                continue;
            }
        };
        node.line = Some(block.line);
        let index = graph.add(node);
        entry_of_node.push(Some(block));
        if let Some(path) = block
            .fields
            .get("resolution")
            .and_then(|r| r.split_once("@workspace:"))
            .map(|(_, path)| path.to_owned())
        {
            workspaces.insert(join(dir, &path), index);
        }
        for descriptor in &block.descriptors {
            by_descriptor.insert(descriptor.as_str(), index);
        }
    }

    // Classic lockfiles do not list the workspaces: their package.json files are the roots.
    let mut manifests: Vec<(usize, String)> = workspaces
        .iter()
        .map(|(path, &index)| (index, join(path, "package.json")))
        .collect();
    if !berry {
        for manifest in ctx.manifests_under(dir, "package.json") {
            let Some(text) = ctx.read_text(manifest) else {
                continue;
            };
            let Ok(entry) = serde_json::from_str::<super::npm::Entry>(&text) else {
                continue;
            };
            let name = entry.name.clone().unwrap_or_else(|| {
                let d = dir_of(manifest);
                d.rsplit('/').next().unwrap_or(d).to_owned()
            });
            let version = entry.version.clone().unwrap_or_default();
            let package = (!name.is_empty()).then(|| {
                Package::npm(&name, version).origin(Origin::Path(dir_of(manifest).to_owned()))
            });
            let index = graph.add(Node::root(package));
            entry_of_node.push(None);
            manifests.push((index, manifest.clone()));
        }
    }

    let workspace_names: HashMap<String, usize> = graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, node)| node.first_party)
        .filter_map(|(index, node)| Some((node.package.as_ref()?.full_name(), index)))
        .collect();
    let lookup = |name: &str, range: &str| -> Option<usize> {
        let descriptor = format!("{name}@{range}");
        by_descriptor
            .get(descriptor.as_str())
            .or_else(|| by_descriptor.get(format!("{name}@npm:{range}").as_str()))
            .copied()
    };
    let resolutions = ctx
        .read_text(&join(dir, "package.json"))
        .map(|text| Resolutions::from_manifest(&text))
        .unwrap_or_default();
    // The root manifest's `resolutions` override what a package asks for (issue 14:
    // berry keeps the asked-for range in the entry, and only the override is locked).
    let resolve_from = |parent: Option<&str>, name: &str, range: &str| -> Option<usize> {
        if let Some(forced) = resolutions.find(parent, name, range) {
            let found = if forced.starts_with("workspace:") {
                workspace_names.get(name).copied()
            } else if forced.starts_with("patch:") {
                lookup(name, forced).or_else(|| {
                    let prefix = format!("{name}@patch:");
                    by_descriptor
                        .iter()
                        .filter(|(d, _)| d.starts_with(&prefix))
                        .map(|(_, &i)| i)
                        .min()
                })
            } else {
                lookup(name, forced)
            };
            if found.is_some() {
                return found;
            }
        }
        lookup(name, range).or_else(|| workspace_names.get(name).copied())
    };
    let resolve = |name: &str, range: &str| resolve_from(None, name, range);

    // Edges from the lockfile entries.
    for (index, block) in entry_of_node.iter().enumerate() {
        let Some(block) = block else { continue };
        let parent = graph.nodes[index].package.as_ref().map(Package::full_name);
        for map in ["dependencies", "optionalDependencies"] {
            for (name, range) in block.maps.get(map).into_iter().flatten() {
                if let Some(to) = resolve_from(parent.as_deref(), name, range) {
                    graph.nodes[index].deps.push(to);
                }
            }
        }
    }

    // First-party manifests split their dependencies into runtime and dev-only.
    for (index, manifest) in manifests {
        let Some(text) = ctx.read_text(&manifest) else {
            continue;
        };
        let Ok(entry) = serde_json::from_str::<super::npm::Entry>(&text) else {
            continue;
        };
        // Berry writes `0.0.0-use.local` for workspaces; the manifest has the version.
        if let Some(package) = graph.nodes[index].package.as_mut()
            && package.version == "0.0.0-use.local"
            && let Some(version) = &entry.version
        {
            package.version = version.clone();
        }
        let dev_only: HashSet<&String> = entry
            .dev_dependencies
            .keys()
            .filter(|name| {
                !entry.dependencies.contains_key(*name)
                    && !entry.optional_dependencies.contains_key(*name)
            })
            .collect();
        // Berry lists a workspace's dev dependencies among its dependencies; the manifest
        // tells them apart.
        let mut runtime = Vec::new();
        let mut dev = Vec::new();
        let declared: BTreeMap<&String, (&String, bool)> = entry
            .dependencies
            .iter()
            .chain(&entry.optional_dependencies)
            .map(|(name, range)| (name, (range, false)))
            .chain(
                entry
                    .dev_dependencies
                    .iter()
                    .filter(|(name, _)| dev_only.contains(name))
                    .map(|(name, range)| (name, (range, true))),
            )
            .collect();
        for (name, (range, is_dev)) in declared {
            let target = if berry {
                graph.nodes[index]
                    .deps
                    .iter()
                    .copied()
                    .find(|&to| {
                        graph.nodes[to]
                            .package
                            .as_ref()
                            .is_some_and(|p| &p.full_name() == name)
                    })
                    .or_else(|| resolve(name, range))
            } else {
                resolve(name, range)
            };
            if let Some(to) = target {
                if is_dev {
                    dev.push(to)
                } else {
                    runtime.push(to)
                }
            }
        }
        let node = &mut graph.nodes[index];
        if berry {
            // Keep lockfile edges the manifest does not mention as runtime edges.
            let mentioned: HashSet<usize> = runtime.iter().chain(&dev).copied().collect();
            runtime.extend(
                node.deps
                    .iter()
                    .copied()
                    .filter(|to| !mentioned.contains(to)),
            );
        }
        node.deps = runtime;
        node.dev_deps = dev;
    }
    Ok(graph)
}

/// The `resolutions` of a root package.json: (parent name, target name, target range,
/// forced value). `**/x` and `x` apply under any parent; `a/x` only under `a`.
#[derive(Default)]
struct Resolutions(Vec<(Option<String>, String, Option<String>, String)>);

impl Resolutions {
    fn from_manifest(text: &str) -> Self {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            return Resolutions::default();
        };
        let Some(map) = value.get("resolutions").and_then(|r| r.as_object()) else {
            return Resolutions::default();
        };
        let mut out = Vec::new();
        for (pattern, forced) in map {
            let Some(forced) = forced.as_str() else {
                continue;
            };
            let names = super::npm::package_path(pattern);
            let Some((target, parents)) = names.split_last() else {
                continue;
            };
            let parent = parents
                .last()
                .filter(|p| **p != "**")
                .map(|p| descriptor_name(p).to_owned());
            let name = descriptor_name(target);
            let range = target
                .get(name.len() + 1..)
                .filter(|r| !r.is_empty())
                .map(str::to_owned);
            out.push((parent, name.to_owned(), range, forced.to_owned()));
        }
        // Parent-specific patterns win over global ones.
        out.sort_by_key(|(parent, ..)| parent.is_none());
        Resolutions(out)
    }

    fn find(&self, parent: Option<&str>, name: &str, range: &str) -> Option<&str> {
        let bare = |r: &str| r.trim_start_matches("npm:").to_owned();
        self.0
            .iter()
            .find(|(p, n, r, _)| {
                n == name
                    && p.as_deref().is_none_or(|p| Some(p) == parent)
                    && r.as_deref().is_none_or(|r| bare(r) == bare(range))
            })
            .map(|(.., forced)| forced.as_str())
    }
}

/// Why an entry is left out of the SBOM.
const NO_VERSION: &str = "has no version";

fn classic_node(block: &Block, first: &str) -> Result<Node, String> {
    let version = block.fields.get("version").ok_or(NO_VERSION)?;
    // `alias@npm:real-name@1.0.0` installs `real-name`.
    let name = descriptor_name(first);
    let name = match first
        .get(name.len()..)
        .and_then(|r| r.strip_prefix("@npm:"))
    {
        Some(real) => {
            let real_name = descriptor_name(real);
            if real_name.is_empty() || real_name.len() == real.len() {
                return Err(
                    "is an alias without the package it names (`alias@npm:name@range`)".to_owned(),
                );
            }
            real_name
        }
        None => name,
    };
    let mut package = Package::npm(name, version.clone());
    if let Some(integrity) = block.fields.get("integrity") {
        package.hashes = Digest::integrity(integrity);
    }
    if let Some(resolved) = block.fields.get("resolved") {
        let (url, fragment) = match resolved.split_once('#') {
            Some((url, fragment)) => (url, Some(fragment)),
            None => (resolved.as_str(), None),
        };
        if package.hashes.is_empty()
            && let Some(digest) = fragment.and_then(|f| Digest::hex(crate::model::Alg::Sha1, f))
        {
            package.hashes.push(digest);
        }
        package.set_origin(super::npm::origin(if url.starts_with("git") {
            resolved
        } else {
            url
        }));
    }
    Ok(Node::package(package))
}

fn berry_node(dir: &str, block: &Block, first: &str) -> Result<Node, String> {
    let resolution = block
        .fields
        .get("resolution")
        .map(String::as_str)
        .unwrap_or(first);
    let name = descriptor_name(resolution);
    let reference = resolution.get(name.len() + 1..).unwrap_or_default();
    let version = block.fields.get("version").ok_or(NO_VERSION)?.clone();
    let mut package = Package::npm(name, version);
    if let Some(path) = reference.strip_prefix("workspace:") {
        package.origin = Origin::Path(path.to_owned());
        return Ok(Node::root(Some(package)));
    }
    if reference.starts_with("npm:") || reference.starts_with("patch:") {
        // The registry (a patched package keeps the identity of what it patches).
    } else if let Some(rest) = reference
        .strip_prefix("link:")
        .or_else(|| reference.strip_prefix("portal:"))
        .or_else(|| reference.strip_prefix("file:"))
    {
        // Linked local code is first party; a link to code fetched elsewhere (outside
        // the repository, or into an install folder) is not (issue 14).
        let path = rest.split("::").next().unwrap_or(rest).to_owned();
        let local = super::inside_repository(dir, &path) && !path.contains("node_modules");
        package.origin = Origin::Path(path);
        return Ok(if local {
            Node::root(Some(package))
        } else {
            Node::package(package)
        });
    } else if reference.contains("://") {
        package.set_origin(super::npm::origin(reference));
    }
    Ok(Node::package(package))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_names_skip_the_scope_at() {
        assert_eq!(descriptor_name("@babel/core@^7.0.0"), "@babel/core");
        assert_eq!(descriptor_name("lodash@npm:^4"), "lodash");
        assert_eq!(descriptor_name("x"), "x");
        assert_eq!(descriptor_name("é@1"), "é");
        assert_eq!(descriptor_name("éé"), "éé");
        assert_eq!(descriptor_name(""), "");
    }

    #[test]
    fn a_malformed_alias_is_a_skipped_entry_not_a_panic() {
        for header in ["x@npm:é", "x@npm:", "x@npm:@", "é@npm:é"] {
            let text = format!("# yarn lockfile v1\n\n\"{header}\":\n  version \"1.0.0\"\n");
            let error = classic_node(&blocks(&text).unwrap()[0], header).unwrap_err();
            assert!(error.contains("alias"), "{header}: {error}");
        }
        let block = &blocks("\"a@npm:é@1\":\n  version \"1.0.0\"\n").unwrap()[0];
        let node = classic_node(block, "a@npm:é@1").unwrap();
        assert_eq!(node.package.unwrap().name, "é");
    }

    #[test]
    fn both_syntaxes_give_key_and_value() {
        assert_eq!(
            key_value("  version \"1.2.3\""),
            ("version".into(), "1.2.3".into())
        );
        assert_eq!(
            key_value("  \"@babel/x\": \"npm:^7\""),
            ("@babel/x".into(), "npm:^7".into())
        );
        assert_eq!(
            key_value("  version: 1.2.3"),
            ("version".into(), "1.2.3".into())
        );
    }

    #[test]
    fn a_header_without_colon_is_an_error_with_its_line() {
        let error = blocks("# yarn lockfile v1\n\nfoo@^1\n  version \"1\"\n").unwrap_err();
        assert_eq!(error.line, Some(3));
    }
}
