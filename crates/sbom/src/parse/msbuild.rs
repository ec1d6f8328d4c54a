//! MSBuild projects (`*.csproj`, `*.fsproj`, `*.vbproj`) without a `packages.lock.json`:
//! a manifest read without a lockfile. `PackageReference` items are the direct
//! dependencies; their version is the item's `Version` (or `VersionOverride`), else the
//! `PackageVersion` of the nearest `Directory.Packages.props` (central package
//! management), whose `GlobalPackageReference` items every project gets. `$(Property)`
//! values come from the project's and the nearest `Directory.Build.props`'s
//! `PropertyGroup`s. `ProjectReference` items are edges to this repository's projects.
//!
//! Development-only: every reference of a test or benchmark project (`IsTestProject`, a
//! reference to a test framework, or a name ending `.Tests`, `.UnitTests`, `.Specs`,
//! `.Benchmarks`…), and references with `PrivateAssets="all"` (analyzers and build tools
//! that do not flow to the package's users).

use std::collections::HashMap;

use super::xml::{self, Element};
use super::{Context, ParseError, dir_of, join};
use crate::model::{Ecosystem, Graph, Node, Origin, Package};

/// The nearest file named `name` in `dir` or its ancestors.
fn nearest(ctx: &Context<'_>, dir: &str, name: &str) -> Option<(String, Element)> {
    let mut dir = dir.to_owned();
    loop {
        let path = join(&dir, name);
        if let Some(element) = ctx.read_text(&path).and_then(|t| xml::parse(&t).ok()) {
            return Some((path, element));
        }
        if dir.is_empty() {
            return None;
        }
        dir = dir_of(&dir).to_owned();
    }
}

/// The project name from a project file path (`src/Foo/Foo.csproj` → `Foo`).
fn stem(path: &str) -> &str {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

fn properties_into(element: &Element, properties: &mut HashMap<String, String>) {
    for group in element.all("PropertyGroup") {
        for property in &group.children {
            properties.insert(
                property.name.to_ascii_lowercase(),
                property.text.trim().to_owned(),
            );
        }
    }
}

fn expand(text: &str, properties: &HashMap<String, String>) -> String {
    let mut out = text.trim().to_owned();
    for _ in 0..10 {
        let Some(start) = out.find("$(") else { break };
        let Some(end) = out[start..].find(')').map(|e| e + start) else {
            break;
        };
        let Some(value) = properties.get(&out[start + 2..end].to_ascii_lowercase()) else {
            break;
        };
        out = format!("{}{value}{}", &out[..start], &out[end + 1..]);
    }
    if out.contains("$(") {
        String::new()
    } else {
        out
    }
}

/// Item attributes may also be written as child elements.
fn item_value(item: &Element, name: &str) -> Option<String> {
    item.attribute(name)
        .map(str::to_owned)
        .or_else(|| item.text_of(name).map(str::to_owned))
}

/// Whether a project is tests or benchmarks, which ship nothing.
fn is_test_project(
    rel: &str,
    properties: &HashMap<String, String>,
    references: &[&Element],
) -> bool {
    const FRAMEWORKS: &[&str] = &[
        "microsoft.net.test.sdk",
        "xunit",
        "xunit.v3",
        "nunit",
        "mstest.testframework",
        "mstest",
        "benchmarkdotnet",
    ];
    const SUFFIXES: &[&str] = &[
        ".tests",
        ".test",
        ".unittests",
        ".integrationtests",
        ".specs",
        ".benchmarks",
        ".benchmark",
    ];
    let flag = |key: &str| {
        properties
            .get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    };
    let name = stem(rel).to_ascii_lowercase();
    flag("istestproject")
        || properties
            .get("projecttype")
            .is_some_and(|v| v.eq_ignore_ascii_case("test"))
        || SUFFIXES.iter().any(|s| name.ends_with(s))
        || references.iter().any(|r| {
            item_value(r, "Include")
                .is_some_and(|id| FRAMEWORKS.contains(&id.to_ascii_lowercase().as_str()))
        })
}

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let dir = dir_of(rel);
    let mut graph = Graph {
        unlocked: true,
        ..Graph::default()
    };
    if ctx.exists(&join(dir, "packages.lock.json")) {
        // The lockfile beside it describes this project.
        graph.unlocked = false;
        return Ok(graph);
    }
    let project = xml::parse(text)?;
    let mut properties = HashMap::new();
    let build_props = nearest(ctx, dir, "Directory.Build.props");
    if let Some((_, props)) = &build_props {
        properties_into(props, &mut properties);
    }
    properties_into(&project, &mut properties);
    let central = nearest(ctx, dir, "Directory.Packages.props");
    let mut central_versions: HashMap<String, String> = HashMap::new();
    let mut global: Vec<(String, String)> = Vec::new();
    if let Some((_, props)) = &central {
        let mut central_properties = properties.clone();
        properties_into(props, &mut central_properties);
        for group in props.all("ItemGroup") {
            for item in &group.children {
                let (Some(id), Some(version)) =
                    (item_value(item, "Include"), item_value(item, "Version"))
                else {
                    continue;
                };
                let version = expand(&version, &central_properties);
                match item.name.as_str() {
                    "PackageVersion" => {
                        central_versions.insert(id.to_ascii_lowercase(), version);
                    }
                    "GlobalPackageReference" => global.push((id, version)),
                    _ => {}
                }
            }
        }
    }
    let references: Vec<&Element> = project
        .all("ItemGroup")
        .flat_map(|group| group.all("PackageReference"))
        .collect();
    let test_project = is_test_project(rel, &properties, &references);

    let name = properties
        .get("packageid")
        .or_else(|| properties.get("assemblyname"))
        .map(|n| expand(n, &properties))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| stem(rel).to_owned());
    let version = properties
        .get("version")
        .map(|v| expand(v, &properties))
        .unwrap_or_default();
    let mut me = Package::new(Ecosystem::Nuget, name, version).origin(Origin::Path(dir.to_owned()));
    me.licenses.extend(
        properties
            .get("packagelicenseexpression")
            .map(|l| expand(l, &properties))
            .filter(|l| !l.is_empty()),
    );
    let mut root = Node::root(Some(me));
    root.line = Some(project.line);
    for reference in references {
        let Some(id) = item_value(reference, "Include").or_else(|| item_value(reference, "Update"))
        else {
            continue;
        };
        let version = item_value(reference, "VersionOverride")
            .or_else(|| item_value(reference, "Version"))
            .map(|v| expand(&v, &properties))
            .or_else(|| central_versions.get(&id.to_ascii_lowercase()).cloned())
            .unwrap_or_default();
        let version = version.trim_matches(['[', ']']).to_owned();
        let private =
            item_value(reference, "PrivateAssets").is_some_and(|p| p.eq_ignore_ascii_case("all"));
        let mut node = Node::package(Package::new(Ecosystem::Nuget, id, version));
        node.line = Some(reference.line);
        let index = graph.add(node);
        if test_project || private {
            root.dev_deps.push(index);
        } else {
            root.deps.push(index);
        }
    }
    for (id, version) in global {
        let index = graph.add(Node::package(Package::new(Ecosystem::Nuget, id, version)));
        // Global references are analyzers and build tools by design.
        root.dev_deps.push(index);
    }
    for reference in project
        .all("ItemGroup")
        .flat_map(|group| group.all("ProjectReference"))
    {
        let Some(include) = item_value(reference, "Include") else {
            continue;
        };
        let path = join(dir, &include.replace('\\', "/"));
        let package = Package::new(Ecosystem::Nuget, stem(&path), "")
            .origin(Origin::Path(dir_of(&path).to_owned()));
        let index = graph.add(Node::root(Some(package)));
        if test_project {
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
    fn properties_expand_and_unknown_ones_leave_no_version() {
        let properties: HashMap<String, String> = [("xunitversion".to_owned(), "2.9.0".to_owned())]
            .into_iter()
            .collect();
        assert_eq!(expand("$(XunitVersion)", &properties), "2.9.0");
        assert_eq!(expand("$(Other)", &properties), "");
        assert_eq!(stem("src/Polly.Core/Polly.Core.csproj"), "Polly.Core");
    }
}
