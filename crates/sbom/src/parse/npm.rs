//! `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1, 2 and 3.
//!
//! v2/v3 list every installed path under `packages`; v1 nests `dependencies`, which is
//! flattened here into the same path form. Edges follow Node's resolution: a dependency
//! of `a/node_modules/b` is looked up in `a/node_modules/b/node_modules`, then upwards.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::{Context, ParseError, dir_of, join};
use crate::model::{Digest, Graph, Node, Note, NoteKind, Origin, Package};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lock {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    packages: Option<BTreeMap<String, Entry>>,
    #[serde(default)]
    dependencies: Option<BTreeMap<String, V1Entry>>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub(super) struct Entry {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub resolved: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub integrity: Option<String>,
    #[serde(default)]
    pub link: bool,
    #[serde(default)]
    pub dev: bool,
    #[serde(default)]
    pub license: Option<serde_json::Value>,
    #[serde(default)]
    pub dependencies: BTreeMap<String, String>,
    #[serde(default)]
    pub optional_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    pub peer_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    pub dev_dependencies: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct V1Entry {
    #[serde(default, deserialize_with = "lenient")]
    version: Option<String>,
    /// `false` for bundled dependencies in old lockfiles.
    #[serde(default, deserialize_with = "lenient")]
    resolved: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    integrity: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    requires: BTreeMap<String, String>,
    #[serde(default)]
    dependencies: BTreeMap<String, V1Entry>,
}

/// A string, or nothing for any other JSON value (`"resolved": false`).
fn lenient<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(value.as_str().map(str::to_owned))
}

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let lock: Lock = super::json(text)?;
    let mut notes = Vec::new();
    let entries = match (lock.packages, lock.dependencies) {
        (Some(packages), _) if !packages.is_empty() => packages,
        (_, Some(dependencies)) => {
            let root = Root {
                name: lock.name,
                version: lock.version,
            };
            flatten_v1(ctx, rel, text, root, dependencies, &mut notes)
        }
        _ => BTreeMap::new(),
    };
    let mut graph = build(dir_of(rel), &entries);
    graph.notes = notes;
    Ok(graph)
}

/// The name and version a v1 lockfile gives its project.
struct Root {
    name: Option<String>,
    version: Option<String>,
}

/// Turns v1's nested tree into v2's `packages` form.
/// Entries it cannot read (an alias without its package) become notes.
fn flatten_v1(
    ctx: &Context<'_>,
    rel: &str,
    text: &str,
    Root { name, version }: Root,
    dependencies: BTreeMap<String, V1Entry>,
    notes: &mut Vec<Note>,
) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    let manifest = ctx
        .read_text(&join(dir_of(rel), "package.json"))
        .and_then(|text| serde_json::from_str::<Entry>(&text).ok());
    let mut root = manifest.unwrap_or_default();
    root.name = root.name.or(name);
    root.version = root.version.or(version);
    if root.dependencies.is_empty() && root.dev_dependencies.is_empty() {
        for (dep, entry) in &dependencies {
            let target = if entry.dev {
                &mut root.dev_dependencies
            } else {
                &mut root.dependencies
            };
            target.insert(dep.clone(), String::new());
        }
    }
    out.insert(String::new(), root);
    let mut stack: Vec<(String, String, V1Entry)> = dependencies
        .into_iter()
        .map(|(name, entry)| (String::new(), name, entry))
        .collect();
    while let Some((parent, name, entry)) = stack.pop() {
        let key = if parent.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{parent}/node_modules/{name}")
        };
        let (real_name, version) = match entry.version.as_deref() {
            Some(spec) if spec.starts_with("npm:") => match alias(spec) {
                Some((real, version)) => (Some(real.to_owned()), Some(version.to_owned())),
                None => {
                    notes.push(Note {
                        kind: NoteKind::Skipped,
                        line: line_of_string(text, spec),
                        message: format!(
                            "`{key}` has the version `{spec}`, an alias without the package it names (`npm:name@version`); skipped"
                        ),
                    });
                    stack.extend(
                        entry
                            .dependencies
                            .into_iter()
                            .map(|(child, child_entry)| (key.clone(), child, child_entry)),
                    );
                    continue;
                }
            },
            _ => (None, entry.version.clone()),
        };
        out.insert(
            key.clone(),
            Entry {
                name: real_name,
                version,
                resolved: entry.resolved,
                integrity: entry.integrity,
                dev: entry.dev,
                dependencies: entry.requires,
                ..Entry::default()
            },
        );
        stack.extend(
            entry
                .dependencies
                .into_iter()
                .map(|(child, child_entry)| (key.clone(), child, child_entry)),
        );
    }
    out
}

/// The line of the first JSON string equal to `value`, if any.
fn line_of_string(text: &str, value: &str) -> Option<u64> {
    let quoted = serde_json::to_string(value).ok()?;
    text.find(&quoted)
        .map(|offset| super::line_of(text, offset))
}

/// `npm:real-name@1.2.3` → (`real-name`, `1.2.3`); `None` unless both parts are there.
/// The first character is skipped when looking for the `@` (a scope's), whatever its
/// width: lockfile text is untrusted.
fn alias(version: &str) -> Option<(&str, &str)> {
    let spec = version.strip_prefix("npm:")?;
    let first = spec.chars().next()?.len_utf8();
    let at = spec.get(first..)?.find('@')? + first;
    let (name, version) = (spec.get(..at)?, spec.get(at + 1..)?);
    (!version.is_empty()).then_some((name, version))
}

/// The package name a `packages` key installs (`a/node_modules/@s/b` → `@s/b`).
fn name_from_key(key: &str) -> &str {
    match key.rfind("node_modules/") {
        Some(index) => &key[index + "node_modules/".len()..],
        None => key.rsplit('/').next().unwrap_or(key),
    }
}

/// Builds the graph of a lockfile in repository directory `dir`.
///
/// A package outside `node_modules` is a workspace or a `link:`/`file:` target: first
/// party when it lives in the repository, third party when the link points outside it
/// (code fetched elsewhere). `devOptional` is not development-only: npm installs such a
/// package under `--omit=dev` when an optional dependency of a production package needs
/// it (issue 14), so only `dev` says development-only.
fn build(dir: &str, entries: &BTreeMap<String, Entry>) -> Graph {
    let mut graph = Graph::default();
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    for (key, entry) in entries {
        if entry.link {
            continue;
        }
        let first_party = key.is_empty()
            || (!key.contains("node_modules/") && super::inside_repository(dir, key));
        let name = entry
            .name
            .clone()
            .unwrap_or_else(|| name_from_key(key).to_owned());
        let version = entry.version.clone().unwrap_or_default();
        let package = (!name.is_empty()).then(|| package(&name, &version, entry));
        let mut node = if first_party {
            Node::root(package)
        } else {
            Node::package(package.unwrap_or_else(|| Package::npm(&name, version)))
        };
        node.dev_hint = (!first_party).then_some(entry.dev);
        index_of.insert(key.as_str(), graph.add(node));
    }
    let links: HashMap<&str, &str> = entries
        .iter()
        .filter(|(_, entry)| entry.link)
        .filter_map(|(key, entry)| Some((key.as_str(), entry.resolved.as_deref()?)))
        .collect();

    for (key, entry) in entries {
        let Some(&from) = index_of.get(key.as_str()) else {
            continue;
        };
        let first_party = graph.nodes[from].first_party;
        let runtime = entry
            .dependencies
            .keys()
            .chain(entry.optional_dependencies.keys())
            .chain(entry.peer_dependencies.keys());
        for dep in runtime {
            if let Some(to) = locate(key, dep, &index_of, &links) {
                graph.nodes[from].deps.push(to);
            }
        }
        if first_party {
            for dep in entry.dev_dependencies.keys() {
                if let Some(to) = locate(key, dep, &index_of, &links) {
                    graph.nodes[from].dev_deps.push(to);
                }
            }
        }
    }
    graph
}

/// Finds where `dep` required from `key` is installed, following workspace links.
fn locate(
    key: &str,
    dep: &str,
    index_of: &HashMap<&str, usize>,
    links: &HashMap<&str, &str>,
) -> Option<usize> {
    let mut base = key.to_owned();
    loop {
        let candidate = if base.is_empty() {
            format!("node_modules/{dep}")
        } else {
            format!("{base}/node_modules/{dep}")
        };
        if let Some(&index) = index_of.get(candidate.as_str()) {
            return Some(index);
        }
        if let Some(target) = links.get(candidate.as_str()) {
            return index_of.get(target).copied();
        }
        if base.is_empty() {
            return None;
        }
        base = match base.rfind("/node_modules/") {
            Some(index) => base[..index].to_owned(),
            None => String::new(),
        };
    }
}

fn package(name: &str, version: &str, entry: &Entry) -> Package {
    let mut package = Package::npm(name, version);
    if let Some(integrity) = &entry.integrity {
        package.hashes = Digest::integrity(integrity);
    }
    if let Some(resolved) = &entry.resolved {
        package.set_origin(origin(resolved));
    }
    match &entry.license {
        Some(serde_json::Value::String(license)) => package.licenses.push(license.clone()),
        Some(serde_json::Value::Object(object)) => {
            if let Some(license) = object.get("type").and_then(|t| t.as_str()) {
                package.licenses.push(license.to_owned());
            }
        }
        _ => {}
    }
    package
}

/// Where a `resolved` value points.
pub(super) fn origin(resolved: &str) -> Origin {
    const REGISTRIES: &[&str] = &[
        "https://registry.npmjs.org/",
        "https://registry.yarnpkg.com/",
        "http://registry.npmjs.org/",
        "https://registry.npmjs.com/",
    ];
    if REGISTRIES.iter().any(|r| resolved.starts_with(r)) {
        return Origin::Registry;
    }
    if let Some(git) = resolved
        .strip_prefix("git+")
        .or_else(|| resolved.starts_with("git://").then_some(resolved))
        .or_else(|| resolved.strip_prefix("github:").map(|_| resolved))
    {
        let (url, rev) = match git.split_once('#') {
            Some((url, rev)) => (url.to_owned(), Some(rev.to_owned())),
            None => (git.to_owned(), None),
        };
        return Origin::Git { url, rev };
    }
    if let Some(path) = resolved
        .strip_prefix("file:")
        .or_else(|| resolved.strip_prefix("link:"))
    {
        return Origin::Path(path.to_owned());
    }
    if resolved.contains("://") {
        return Origin::Url(resolved.to_owned());
    }
    Origin::Path(resolved.to_owned())
}

/// Removes the trailing commas bun's text lockfile allows, outside strings.
fn strip_trailing_commas(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0;
    for (index, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b',' => {
                let next = bytes[index + 1..].iter().find(|c| !c.is_ascii_whitespace());
                if matches!(next, Some(b'}' | b']')) {
                    out.push_str(&text[start..index]);
                    out.push(' '); // keep columns and lines
                    start = index + 1;
                }
            }
            _ => {}
        }
    }
    out.push_str(&text[start..]);
    out
}

#[derive(Deserialize)]
struct BunLock {
    #[serde(default)]
    workspaces: BTreeMap<String, Entry>,
    #[serde(default)]
    packages: BTreeMap<String, Vec<serde_json::Value>>,
}

/// `bun.lock` (bun 1.2+): JSON with trailing commas. `packages` maps an install path to
/// `[name@version, registry, {dependencies…}, integrity]`; `workspaces` lists the projects.
pub fn parse_bun(_ctx: &Context<'_>, _rel: &str, text: &str) -> Result<Graph, ParseError> {
    let lock: BunLock = super::json(&strip_trailing_commas(text))?;
    let mut graph = Graph::default();
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    let mut workspace_by_path: HashMap<String, usize> = HashMap::new();
    let mut infos: Vec<Option<Entry>> = Vec::new();
    for (key, value) in &lock.packages {
        let Some(ident) = value.first().and_then(|v| v.as_str()) else {
            continue;
        };
        let at = ident.get(1..).and_then(|s| s.find('@')).map(|i| i + 1);
        let (name, reference) = match at {
            Some(at) => (&ident[..at], &ident[at + 1..]),
            None => (ident, ""),
        };
        let info: Option<Entry> = value
            .iter()
            .find(|v| v.is_object())
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        let node = if let Some(path) = reference.strip_prefix("workspace:") {
            let package = Package::npm(name, "").origin(Origin::Path(path.to_owned()));
            let index = graph.add(Node::root(Some(package)));
            workspace_by_path.insert(path.to_owned(), index);
            index_of.insert(key.as_str(), index);
            infos.push(info);
            continue;
        } else {
            let mut package = Package::npm(name, reference);
            if let Some(integrity) = value.last().and_then(|v| v.as_str())
                && integrity.starts_with("sha")
            {
                package.hashes = Digest::integrity(integrity);
            }
            if reference.contains("://") || reference.starts_with("github:") {
                package.set_origin(origin(reference));
            }
            Node::package(package)
        };
        index_of.insert(key.as_str(), graph.add(node));
        infos.push(info);
    }
    // Node's rule: a dependency of `a/b` is looked up in `a/b/<dep>`, then `a/<dep>`,
    // then `<dep>`, through every ancestor (issue 14: skipping the intermediate ones
    // drew edges to the wrong copy).
    let locate = |from: &str, dep: &str| -> Option<usize> {
        let names = package_path(from);
        (0..=names.len()).rev().find_map(|depth| {
            let mut key = names[..depth].join("/");
            if !key.is_empty() {
                key.push('/');
            }
            key.push_str(dep);
            index_of.get(key.as_str()).copied()
        })
    };
    for key in lock.packages.keys() {
        let Some(&from) = index_of.get(key.as_str()) else {
            continue;
        };
        let Some(Some(info)) = infos.get(from) else {
            continue;
        };
        let deps: Vec<usize> = info
            .dependencies
            .keys()
            .chain(info.optional_dependencies.keys())
            .chain(info.peer_dependencies.keys())
            .filter_map(|dep| locate(key, dep))
            .collect();
        graph.nodes[from].deps.extend(deps);
    }
    for (path, workspace) in &lock.workspaces {
        let index = match workspace_by_path.get(path) {
            Some(&index) if !path.is_empty() => index,
            _ => {
                let package = workspace
                    .name
                    .as_ref()
                    .map(|name| Package::npm(name, workspace.version.clone().unwrap_or_default()));
                let index = graph.add(Node::root(package));
                infos.push(None);
                index
            }
        };
        if let Some(package) = graph.nodes[index].package.as_mut()
            && package.version.is_empty()
            && let Some(version) = &workspace.version
        {
            package.version = version.clone();
        }
        // A workspace's own copy (`<workspace name>/<dep>`) comes before the hoisted one.
        let scope = workspace.name.clone().unwrap_or_default();
        let find = |dep: &String| {
            (!scope.is_empty())
                .then(|| index_of.get(format!("{scope}/{dep}").as_str()).copied())
                .flatten()
                .or_else(|| index_of.get(dep.as_str()).copied())
        };
        let runtime: Vec<usize> = workspace
            .dependencies
            .keys()
            .chain(workspace.optional_dependencies.keys())
            .chain(workspace.peer_dependencies.keys())
            .filter_map(find)
            .collect();
        let dev: Vec<usize> = workspace
            .dev_dependencies
            .keys()
            .filter_map(find)
            .filter(|to| !runtime.contains(to))
            .collect();
        graph.nodes[index].deps = runtime;
        graph.nodes[index].dev_deps = dev;
    }
    Ok(graph)
}

/// The package names along a bun.lock `packages` key (or a yarn `resolutions` pattern) (`@a/b/c/@d/e` → `@a/b`, `c`, `@d/e`).
pub(super) fn package_path(key: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        let end = if rest.starts_with('@') {
            rest.match_indices('/')
                .nth(1)
                .map_or(rest.len(), |(i, _)| i)
        } else {
            rest.find('/').unwrap_or(rest.len())
        };
        names.push(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or("");
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bun_keys_split_into_package_names() {
        assert_eq!(package_path("@a/b/c/@d/e"), ["@a/b", "c", "@d/e"]);
        assert_eq!(package_path("x"), ["x"]);
        assert!(package_path("").is_empty());
    }

    #[test]
    fn bun_trailing_commas_go_outside_strings_only() {
        assert_eq!(
            strip_trailing_commas("{\"a\": [1, 2,], \"b,}\": 3,\n}"),
            "{\"a\": [1, 2 ], \"b,}\": 3 \n}"
        );
    }

    #[test]
    fn aliases_split_name_and_version() {
        assert_eq!(
            alias("npm:string-width@4.2.3"),
            Some(("string-width", "4.2.3"))
        );
        assert_eq!(alias("npm:@scope/x@1.0.0"), Some(("@scope/x", "1.0.0")));
        assert_eq!(alias("4.2.3"), None);
    }

    #[test]
    fn malformed_aliases_are_none_not_a_panic() {
        for spec in [
            "npm:",
            "npm:@",
            "npm:é",
            "npm:éé@",
            "npm:x@",
            "npm:@scope/x",
        ] {
            assert_eq!(alias(spec), None, "{spec}");
        }
        assert_eq!(alias("npm:é@1.0.0"), Some(("é", "1.0.0")));
    }

    #[test]
    fn names_come_from_the_last_node_modules() {
        assert_eq!(name_from_key("node_modules/a/node_modules/@s/b"), "@s/b");
        assert_eq!(name_from_key("packages/x"), "x");
    }

    #[test]
    fn origins_recognise_registries_git_and_files() {
        assert_eq!(
            origin("https://registry.npmjs.org/a/-/a-1.0.0.tgz"),
            Origin::Registry
        );
        assert_eq!(
            origin("git+ssh://git@github.com/a/b.git#abc"),
            Origin::Git {
                url: "ssh://git@github.com/a/b.git".into(),
                rev: Some("abc".into())
            }
        );
        assert_eq!(origin("file:../x"), Origin::Path("../x".into()));
    }
}
