//! Maven `pom.xml`, a manifest without a lockfile: the project and its direct
//! `dependencies`, with `${…}` properties resolved from the POM, its parent POMs found in
//! the repository (`relativePath`, by default `../pom.xml`) and the project's own
//! coordinates, and versions missing from a dependency taken from `dependencyManagement`
//! (the POM's and its parents'). Nothing is fetched: a version that only an external
//! parent or an imported BOM defines stays unknown.
//!
//! `test` scope is development-only; `compile`, `runtime`, `provided` and `system` are
//! runtime. Transitive dependencies are unknown without a resolver, so the components are
//! marked as read from a manifest and the gate recommends a lockfile.

use std::collections::HashMap;

use super::xml::{self, Element};
use super::{Context, ParseError, dir_of, join};
use crate::model::{Ecosystem, Graph, Node, Origin, Package};

/// Parents followed at most.
const MAX_PARENTS: usize = 10;

/// What a POM and its parents in the repository define.
#[derive(Default)]
struct Inherited {
    properties: HashMap<String, String>,
    /// `group:artifact` → version (with properties unresolved until the end).
    managed: HashMap<String, String>,
}

fn coordinates(element: &Element) -> (String, String, String) {
    let field = |name: &str| element.text_of(name).unwrap_or("").to_owned();
    (field("groupId"), field("artifactId"), field("version"))
}

/// Reads the parent chain from the top down into `inherited`.
fn inherit(ctx: &Context<'_>, rel: &str, pom: &Element, inherited: &mut Inherited, depth: usize) {
    if depth >= MAX_PARENTS {
        return;
    }
    let Some(parent) = pom.child("parent") else {
        return;
    };
    let relative = parent.text_of("relativePath").unwrap_or("../pom.xml");
    let mut path = join(dir_of(rel), relative);
    if !path.ends_with(".xml") {
        path = join(&path, "pom.xml");
    }
    let Some(parent_pom) = ctx.read_text(&path).and_then(|text| xml::parse(&text).ok()) else {
        return;
    };
    let (_, artifact, _) = coordinates(&parent_pom);
    if parent.text_of("artifactId").is_some_and(|a| a != artifact) {
        return; // relativePath points at another project: the parent is not in the repository
    }
    inherit(ctx, &path, &parent_pom, inherited, depth + 1);
    define(&parent_pom, inherited);
}

/// Adds a POM's own properties, coordinates and managed versions.
fn define(pom: &Element, inherited: &mut Inherited) {
    let (group, artifact, version) = coordinates(pom);
    let parent = pom.child("parent").map(coordinates).unwrap_or_default();
    let group = if group.is_empty() {
        parent.0.clone()
    } else {
        group
    };
    let version = if version.is_empty() {
        parent.2.clone()
    } else {
        version
    };
    for (key, value) in [
        ("project.groupId", &group),
        ("project.artifactId", &artifact),
        ("project.version", &version),
        ("pom.version", &version),
        ("project.parent.groupId", &parent.0),
        ("project.parent.version", &parent.2),
    ] {
        inherited.properties.insert(key.to_owned(), value.clone());
    }
    if let Some(properties) = pom.child("properties") {
        for property in &properties.children {
            inherited
                .properties
                .insert(property.name.clone(), property.text.trim().to_owned());
        }
    }
    let managed = pom
        .child("dependencyManagement")
        .and_then(|m| m.child("dependencies"));
    for dependency in managed.into_iter().flat_map(|d| d.all("dependency")) {
        let (group, artifact, version) = coordinates(dependency);
        if dependency.text_of("scope") != Some("import") {
            inherited
                .managed
                .insert(format!("{group}:{artifact}"), version);
        }
    }
}

/// Replaces `${name}` with the property's value, repeatedly; unknown ones stay.
fn interpolate(text: &str, properties: &HashMap<String, String>) -> String {
    let mut out = text.to_owned();
    for _ in 0..10 {
        let Some(start) = out.find("${") else {
            break;
        };
        let Some(end) = out[start..].find('}').map(|e| e + start) else {
            break;
        };
        let name = &out[start + 2..end];
        let Some(value) = properties.get(name) else {
            break;
        };
        out = format!("{}{value}{}", &out[..start], &out[end + 1..]);
    }
    out
}

fn maven(group: &str, artifact: &str, version: &str) -> Package {
    let mut package = Package::new(Ecosystem::Maven, artifact, version);
    package.namespace = (!group.is_empty()).then(|| group.to_owned());
    package
}

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let pom = xml::parse(text)?;
    if pom.name != "project" {
        return Err(ParseError::new(
            Some(pom.line),
            format!("the root element is `{}`, not a Maven `project`", pom.name),
        ));
    }
    let mut inherited = Inherited::default();
    inherit(ctx, rel, &pom, &mut inherited, 0);
    define(&pom, &mut inherited);
    let resolve = |text: &str| {
        let value = interpolate(text, &inherited.properties);
        if value.contains("${") {
            String::new() // defined outside the repository
        } else {
            value
        }
    };
    let mut graph = Graph {
        unlocked: true,
        ..Graph::default()
    };
    let project = maven(
        &resolve("${project.groupId}"),
        &resolve("${project.artifactId}"),
        &resolve("${project.version}"),
    )
    .origin(Origin::Path(dir_of(rel).to_owned()));
    let mut project = project;
    // The project's own licences, by name (POMs name licences, not SPDX ids).
    project.licenses = pom
        .child("licenses")
        .into_iter()
        .flat_map(|l| l.all("license"))
        .filter_map(|l| l.text_of("name").map(str::to_owned))
        .collect();
    let mut root = Node::root(Some(project));
    root.line = Some(pom.line);
    let dependencies = pom.child("dependencies");
    let mut nodes = Vec::new();
    for dependency in dependencies.into_iter().flat_map(|d| d.all("dependency")) {
        let (group, artifact, version) = coordinates(dependency);
        let (group, artifact) = (resolve(&group), resolve(&artifact));
        if artifact.is_empty() {
            continue;
        }
        let version = if version.is_empty() {
            inherited
                .managed
                .get(&format!("{group}:{artifact}"))
                .map(|v| resolve(v))
                .unwrap_or_default()
        } else {
            resolve(&version)
        };
        let dev = dependency.text_of("scope") == Some("test");
        let mut node = Node::package(maven(&group, &artifact, &version));
        node.line = Some(dependency.line);
        node.direct_hint = Some(true);
        nodes.push((node, dev));
    }
    for (node, dev) in nodes {
        let index = graph.add(node);
        if dev {
            root.dev_deps.push(index);
        } else {
            root.deps.push(index);
        }
    }
    graph.add(root);
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_resolve_recursively_and_unknown_ones_stay() {
        let properties: HashMap<String, String> = [
            ("a".to_owned(), "${b}".to_owned()),
            ("b".to_owned(), "1.0".to_owned()),
        ]
        .into_iter()
        .collect();
        assert_eq!(interpolate("${a}-x", &properties), "1.0-x");
        assert_eq!(interpolate("${c}", &properties), "${c}");
    }
}
