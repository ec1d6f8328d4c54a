//! Merges the per-lockfile graphs into one set of components keyed by purl, deciding for
//! each whether it is first party, direct, and development-only. The rules are the same
//! for every ecosystem:
//!
//! - development-only: what the lockfile says when it says so (npm, pnpm v6, poetry,
//!   composer); otherwise not reachable from a first-party node through runtime edges,
//!   but reachable through a dev edge. A package used at runtime by any lockfile is a
//!   runtime dependency.
//! - direct: a dependency edge from a first-party node (or the lockfile says so: Go).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::model::{Digest, Graph, Package};

/// One component of the SBOM, merged over every lockfile that mentions it.
#[derive(Debug, Clone)]
pub struct Component {
    pub package: Package,
    pub purl: String,
    pub first_party: bool,
    pub dev: bool,
    pub direct: bool,
    /// Lockfiles that mention it.
    pub files: BTreeSet<String>,
    /// purls of its dependencies.
    pub deps: BTreeSet<String>,
    /// First (file, line) it was seen at, for findings.
    pub seen_at: Option<(String, Option<u64>)>,
    /// Only manifests without a lockfile mention it: its version is the declared one and
    /// its own dependencies are unknown.
    pub unlocked: bool,
}

/// All components, and what the repository itself depends on.
#[derive(Debug, Default)]
pub struct Merged {
    pub components: BTreeMap<String, Component>,
    /// purls the repository depends on directly: first-party components, and the direct
    /// dependencies of anonymous projects (requirements files, lockfiles without a name).
    pub root_deps: BTreeSet<String>,
}

impl Merged {
    /// Adds the graph of lockfile `file`.
    pub fn add(&mut self, file: &str, graph: &Graph) {
        let (dev, direct) = classify(graph);
        let purls: Vec<Option<String>> = graph
            .nodes
            .iter()
            .map(|node| node.package.as_ref().map(Package::purl))
            .collect();
        for (index, node) in graph.nodes.iter().enumerate() {
            let deps: BTreeSet<String> = node
                .deps
                .iter()
                .chain(&node.dev_deps)
                .filter(|&&to| to != index)
                .filter_map(|&to| purls[to].clone())
                .collect();
            let (Some(package), Some(purl)) = (&node.package, &purls[index]) else {
                // An anonymous project: its dependencies hang off the repository.
                self.root_deps.extend(deps);
                continue;
            };
            if node.first_party {
                self.root_deps.insert(purl.clone());
            }
            match self.components.get_mut(purl) {
                Some(existing) => {
                    existing.first_party |= node.first_party;
                    existing.dev &= dev[index];
                    existing.direct |= direct[index];
                    existing.unlocked &= graph.unlocked;
                    existing.files.insert(file.to_owned());
                    existing.deps.extend(deps);
                    merge_package(&mut existing.package, package);
                }
                None => {
                    self.components.insert(
                        purl.clone(),
                        Component {
                            package: package.clone(),
                            purl: purl.clone(),
                            first_party: node.first_party,
                            dev: dev[index],
                            direct: direct[index],
                            files: BTreeSet::from([file.to_owned()]),
                            deps,
                            seen_at: Some((file.to_owned(), node.line)),
                            unlocked: graph.unlocked,
                        },
                    );
                }
            }
        }
    }

    /// Drops development-only components and the edges to them.
    pub fn exclude_dev(&mut self) {
        self.components
            .retain(|_, component| component.first_party || !component.dev);
        let kept: BTreeSet<String> = self.components.keys().cloned().collect();
        for component in self.components.values_mut() {
            component.deps.retain(|dep| kept.contains(dep));
        }
        self.root_deps.retain(|dep| kept.contains(dep));
    }

    /// Third-party components (what "dependencies" means to a reader).
    pub fn third_party(&self) -> impl Iterator<Item = &Component> {
        self.components.values().filter(|c| !c.first_party)
    }
}

fn merge_package(into: &mut Package, other: &Package) {
    for digest in &other.hashes {
        if !into.hashes.contains(digest) {
            into.hashes.push(digest.clone());
        }
    }
    into.hashes.sort();
    let known: BTreeSet<(String, Digest)> = into.distributions.iter().cloned().collect();
    for distribution in &other.distributions {
        if !known.contains(distribution) {
            into.distributions.push(distribution.clone());
        }
    }
    for license in &other.licenses {
        if !into.licenses.contains(license) {
            into.licenses.push(license.clone());
        }
    }
}

/// Per node: (development-only, direct).
fn classify(graph: &Graph) -> (Vec<bool>, Vec<bool>) {
    let count = graph.nodes.len();
    let roots: Vec<usize> = (0..count)
        .filter(|&index| graph.nodes[index].first_party)
        .collect();
    let runtime = reach(graph, roots.iter().copied());
    let dev_starts = roots
        .iter()
        .flat_map(|&root| graph.nodes[root].dev_deps.iter().copied());
    let dev_reach = reach(graph, dev_starts);
    let mut direct = vec![false; count];
    for &root in &roots {
        for &to in graph.nodes[root]
            .deps
            .iter()
            .chain(&graph.nodes[root].dev_deps)
        {
            direct[to] = true;
        }
    }
    let mut dev = vec![false; count];
    for index in 0..count {
        let node = &graph.nodes[index];
        if node.first_party {
            continue;
        }
        let computed = !runtime[index] && dev_reach[index];
        dev[index] = node.dev_hint.unwrap_or(computed);
        if let Some(hint) = node.direct_hint {
            direct[index] = hint;
        }
    }
    (dev, direct)
}

/// Nodes reachable from `starts` (included) through runtime edges; a first-party node's
/// own dev edges are not followed.
fn reach(graph: &Graph, starts: impl Iterator<Item = usize>) -> Vec<bool> {
    let mut seen = vec![false; graph.nodes.len()];
    let mut queue: VecDeque<usize> = starts.collect();
    while let Some(index) = queue.pop_front() {
        if std::mem::replace(&mut seen[index], true) {
            continue;
        }
        queue.extend(
            graph.nodes[index]
                .deps
                .iter()
                .copied()
                .filter(|&to| !seen[to]),
        );
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Package};

    fn npm(name: &str) -> Node {
        Node::package(Package::npm(name, "1.0.0"))
    }

    #[test]
    fn dev_only_is_what_runtime_edges_do_not_reach() {
        let mut graph = Graph::default();
        let root = graph.add(Node::root(Some(Package::npm("app", "0.1.0"))));
        let a = graph.add(npm("a"));
        let b = graph.add(npm("b"));
        let jest = graph.add(npm("jest"));
        let shared = graph.add(npm("shared"));
        graph.nodes[root].deps = vec![a];
        graph.nodes[root].dev_deps = vec![jest];
        graph.nodes[a].deps = vec![b, shared];
        graph.nodes[jest].deps = vec![shared];
        let mut merged = Merged::default();
        merged.add("package-lock.json", &graph);
        let get = |name: &str| &merged.components[&format!("pkg:npm/{name}@1.0.0")];
        assert!(!get("a").dev && get("a").direct);
        assert!(!get("b").dev && !get("b").direct);
        assert!(get("jest").dev && get("jest").direct);
        assert!(!get("shared").dev, "used at runtime through a");
        assert!(merged.components["pkg:npm/app@0.1.0"].first_party);
        assert_eq!(
            merged.root_deps.iter().collect::<Vec<_>>(),
            ["pkg:npm/app@0.1.0"]
        );

        merged.exclude_dev();
        assert!(!merged.components.contains_key("pkg:npm/jest@1.0.0"));
        assert!(merged.components.contains_key("pkg:npm/shared@1.0.0"));
    }

    #[test]
    fn runtime_use_in_any_lockfile_wins_when_merging() {
        let mut dev_graph = Graph::default();
        let root = dev_graph.add(Node::root(None));
        let x = dev_graph.add(npm("x"));
        dev_graph.nodes[root].dev_deps = vec![x];
        let mut runtime_graph = Graph::default();
        let root = runtime_graph.add(Node::root(None));
        let x = runtime_graph.add(npm("x"));
        runtime_graph.nodes[root].deps = vec![x];
        let mut merged = Merged::default();
        merged.add("a/package-lock.json", &dev_graph);
        assert!(merged.components["pkg:npm/x@1.0.0"].dev);
        merged.add("b/package-lock.json", &runtime_graph);
        let x = &merged.components["pkg:npm/x@1.0.0"];
        assert!(!x.dev);
        assert_eq!(x.files.len(), 2);
    }
}
