//! `gradle.lockfile`: `group:artifact:version=configuration,…` lines. A dependency only in
//! test configurations is dev-only. Gradle records no edges, no hashes and nothing about
//! which entries are direct here.

use super::ParseError;
use crate::model::{Ecosystem, Graph, Node, Package};

pub fn parse(text: &str) -> Result<Graph, ParseError> {
    let mut graph = Graph::default();
    let mut root = Node::root(None);
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let (coordinates, configurations) = line.split_once('=').unwrap_or((line, ""));
        let mut parts = coordinates.split(':');
        let (Some(group), Some(artifact), Some(version)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(ParseError::new(
                Some(index as u64 + 1),
                format!("expected `group:artifact:version=configurations`, found `{line}`"),
            ));
        };
        let mut package = Package::new(Ecosystem::Maven, artifact, version);
        package.namespace = Some(group.to_owned());
        let mut node = Node::package(package);
        node.line = Some(index as u64 + 1);
        // The lockfile is the resolved set; it does not say which entries are direct.
        node.direct_hint = Some(false);
        let dev = !configurations.is_empty()
            && configurations
                .split(',')
                .all(|c| c.trim().to_ascii_lowercase().starts_with("test"));
        let at = graph.add(node);
        if dev {
            root.dev_deps.push(at);
        } else {
            root.deps.push(at);
        }
    }
    graph.add(root);
    Ok(graph)
}
