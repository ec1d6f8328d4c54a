//! `Cargo.lock` (v1–v4). Packages without a `source` are workspace members or path
//! dependencies: first party. Their `Cargo.toml` says which dependencies are dev-only.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use super::{Context, ParseError, dir_of};
use crate::model::{Alg, Digest, Ecosystem, Graph, Node, Origin, Package};

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<LockPackage>,
    /// v1 lockfiles keep checksums here: `"checksum name version (source)" = "hex"`.
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct LockPackage {
    name: String,
    version: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";
const CRATES_IO_SPARSE: &str = "sparse+https://index.crates.io/";

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let lock: Lock = super::toml(text)?;
    let dev_only = dev_only_dependencies(ctx, dir_of(rel));

    let mut graph = Graph::default();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, entry) in lock.package.iter().enumerate() {
        by_name.entry(entry.name.as_str()).or_default().push(index);
        let mut package = Package::new(Ecosystem::Cargo, &entry.name, &entry.version);
        let checksum = entry.checksum.clone().or_else(|| {
            let source = entry.source.as_deref()?;
            lock.metadata
                .get(&format!(
                    "checksum {} {} ({source})",
                    entry.name, entry.version
                ))
                .cloned()
        });
        package
            .hashes
            .extend(checksum.and_then(|c| Digest::hex(Alg::Sha256, &c)));
        let first_party = entry.source.is_none();
        match entry.source.as_deref() {
            None => package.origin = Origin::Path(String::new()),
            Some(CRATES_IO | CRATES_IO_SPARSE) => {}
            Some(source) => {
                if let Some(git) = source.strip_prefix("git+") {
                    let (url, rev) = match git.split_once('#') {
                        Some((url, rev)) => (url, Some(rev.to_owned())),
                        None => (git, None),
                    };
                    package.set_git(url.split('?').next().unwrap_or(url), rev);
                } else {
                    let url = source
                        .trim_start_matches("registry+")
                        .trim_start_matches("sparse+");
                    package
                        .qualifiers
                        .push(("repository_url".into(), url.to_owned()));
                    package.origin = Origin::Url(url.to_owned());
                }
            }
        }
        let node = if first_party {
            Node::root(Some(package))
        } else {
            Node::package(package)
        };
        graph.add(node);
    }

    for (index, entry) in lock.package.iter().enumerate() {
        let dev = dev_only.get(entry.name.as_str());
        for dependency in &entry.dependencies {
            let Some(target) = resolve(&lock.package, &by_name, dependency) else {
                continue;
            };
            let node = &mut graph.nodes[index];
            let dep_name = lock.package[target].name.as_str();
            if node.first_party && dev.is_some_and(|names| names.contains(dep_name)) {
                node.dev_deps.push(target);
            } else {
                node.deps.push(target);
            }
        }
    }
    Ok(graph)
}

/// Resolves a `dependencies` entry: `name`, `name version` or `name version (source)`.
fn resolve(
    packages: &[LockPackage],
    by_name: &HashMap<&str, Vec<usize>>,
    entry: &str,
) -> Option<usize> {
    let mut parts = entry.splitn(3, ' ');
    let name = parts.next()?;
    let version = parts.next();
    let source = parts
        .next()
        .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    let candidates = by_name.get(name)?;
    if candidates.len() == 1 {
        return candidates.first().copied();
    }
    candidates.iter().copied().find(|&index| {
        let package = &packages[index];
        version.is_none_or(|v| package.version == v)
            && source.is_none_or(|s| package.source.as_deref() == Some(s))
    })
}

/// For each workspace member under `dir` (by package name), the dependencies that appear
/// only under `[dev-dependencies]` (also per target), by package name.
fn dev_only_dependencies(ctx: &Context<'_>, dir: &str) -> HashMap<String, HashSet<String>> {
    let mut out = HashMap::new();
    for manifest in ctx.manifests_under(dir, "Cargo.toml") {
        let Some(text) = ctx.read_text(manifest) else {
            continue;
        };
        let Ok(value) = toml::from_str::<toml::Table>(&text) else {
            continue;
        };
        let Some(name) = value
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
        else {
            continue;
        };
        let mut normal = HashSet::new();
        let mut dev = HashSet::new();
        collect_deps(&value, &mut normal, &mut dev);
        if let Some(targets) = value.get("target").and_then(|t| t.as_table()) {
            for target in targets.values() {
                if let Some(target) = target.as_table() {
                    collect_deps(target, &mut normal, &mut dev);
                }
            }
        }
        let only: HashSet<String> = dev.difference(&normal).cloned().collect();
        out.insert(name.to_owned(), only);
    }
    out
}

fn collect_deps(table: &toml::Table, normal: &mut HashSet<String>, dev: &mut HashSet<String>) {
    for (key, is_dev) in [
        ("dependencies", false),
        ("build-dependencies", false),
        ("build_dependencies", false),
        ("dev-dependencies", true),
        ("dev_dependencies", true),
    ] {
        let set = if is_dev { &mut *dev } else { &mut *normal };
        let Some(deps) = table.get(key).and_then(|d| d.as_table()) else {
            continue;
        };
        for (name, spec) in deps {
            // `foo = { package = "bar" }` depends on bar.
            let package = spec.get("package").and_then(|p| p.as_str()).unwrap_or(name);
            set.insert(package.to_owned());
        }
    }
}
