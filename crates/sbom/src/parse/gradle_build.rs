//! A Gradle build without lockfiles, read from its manifests: the version catalogs
//! (`gradle/*.versions.toml`: `[versions]`, `[libraries]`, `[plugins]`) and the build
//! scripts (`build.gradle`, `build.gradle.kts`) under the build's settings file.
//!
//! Every catalog library is a component with its declared version (a catalog entry is a
//! declared dependency even when a convention plugin, not a script, uses it); a library
//! whose every use in the scripts is in a test or tool configuration (`testImplementation`,
//! `kapt`, `lintChecks`…) is development-only. Catalog plugins are build tools:
//! development-only, as `pkg:maven/<id>/<id>.gradle.plugin@version` (their marker
//! artifact). Scripts' literal coordinates (`implementation("g:a:v")`) are components too.
//! Without a lockfile the transitive dependencies are unknown; when the build has Gradle
//! lockfiles they describe it and nothing is read here.

use std::collections::{BTreeMap, HashMap};

use super::{Context, ParseError, dir_of, join};
use crate::model::{Ecosystem, Graph, Node, Package};

fn maven(group: &str, artifact: &str, version: &str) -> Package {
    let mut package = Package::new(Ecosystem::Maven, artifact, version);
    package.namespace = Some(group.to_owned());
    package
}

/// A catalog alias as scripts write it (`androidx-core-ktx`, `androidx.core.ktx`,
/// `androidx_core_ktx` are one alias).
fn alias_key(alias: &str) -> String {
    alias.replace(['-', '_'], ".").to_ascii_lowercase()
}

/// A catalog version: a string, or `{ strictly | require | prefer = "…" }`, or a ref.
fn version_of(value: &toml::Value, versions: &toml::Table) -> String {
    let direct = |v: &toml::Value| -> Option<String> {
        match v {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Table(t) => ["strictly", "require", "prefer"]
                .iter()
                .find_map(|k| t.get(*k)?.as_str().map(str::to_owned)),
            _ => None,
        }
    };
    if let Some(table) = value.as_table() {
        if let Some(reference) = table
            .get("version.ref")
            .or_else(|| table.get("version").and_then(|v| v.get("ref")))
            .and_then(|r| r.as_str())
        {
            return versions.get(reference).and_then(direct).unwrap_or_default();
        }
        if let Some(version) = table.get("version") {
            return direct(version).unwrap_or_default();
        }
        return String::new();
    }
    direct(value).unwrap_or_default()
}

/// What a version catalog declares: its libraries by alias key, and its plugins.
type Catalog = (Vec<(String, Package)>, Vec<Package>);

/// Reads a version catalog.
fn catalog(text: &str) -> Result<Catalog, ParseError> {
    let table: toml::Table =
        toml::from_str(text).map_err(|error| ParseError::toml(&error, text))?;
    let empty = toml::Table::new();
    let versions = table
        .get("versions")
        .and_then(|v| v.as_table())
        .unwrap_or(&empty);
    let mut libraries = Vec::new();
    for (alias, value) in table
        .get("libraries")
        .and_then(|v| v.as_table())
        .unwrap_or(&empty)
    {
        let (module, version) = match value {
            toml::Value::String(notation) => {
                let mut parts = notation.splitn(3, ':');
                let group = parts.next().unwrap_or("");
                let artifact = parts.next().unwrap_or("");
                (
                    format!("{group}:{artifact}"),
                    parts.next().unwrap_or("").to_owned(),
                )
            }
            toml::Value::Table(t) => {
                let module = match t.get("module").and_then(|m| m.as_str()) {
                    Some(module) => module.to_owned(),
                    None => format!(
                        "{}:{}",
                        t.get("group").and_then(|g| g.as_str()).unwrap_or(""),
                        t.get("name").and_then(|n| n.as_str()).unwrap_or("")
                    ),
                };
                (module, version_of(value, versions))
            }
            _ => continue,
        };
        let Some((group, artifact)) = module.split_once(':') else {
            continue;
        };
        if group.is_empty() || artifact.is_empty() {
            continue;
        }
        libraries.push((alias_key(alias), maven(group, artifact, &version)));
    }
    let mut plugins = Vec::new();
    for value in table
        .get("plugins")
        .and_then(|v| v.as_table())
        .unwrap_or(&empty)
        .values()
    {
        let (id, version) = match value {
            toml::Value::String(notation) => match notation.split_once(':') {
                Some((id, version)) => (id.to_owned(), version.to_owned()),
                None => (notation.clone(), String::new()),
            },
            toml::Value::Table(t) => (
                t.get("id")
                    .and_then(|i| i.as_str())
                    .unwrap_or("")
                    .to_owned(),
                version_of(value, versions),
            ),
            _ => continue,
        };
        if !id.is_empty() {
            plugins.push(maven(&id, &format!("{id}.gradle.plugin"), &version));
        }
    }
    Ok((libraries, plugins))
}

/// Whether a configuration's dependencies ship: not tests, not build tools.
fn is_runtime_configuration(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    const TOOLS: &[&str] = &[
        "kapt",
        "ksp",
        "annotationprocessor",
        "lintchecks",
        "detektplugins",
        "classpath",
        "coredesugaring",
        "errorprone",
        "spotbugsplugins",
        "compileonly",
    ];
    !lower.contains("test") && !TOOLS.iter().any(|tool| lower.ends_with(tool))
}

/// Dependency declarations in a script: (configuration, argument text).
fn declarations(script: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for raw in script.lines() {
        let line = raw.trim();
        let end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        let (name, rest) = line.split_at(end);
        let rest = rest.trim_start();
        if name.is_empty()
            || !(rest.starts_with('(') || rest.starts_with('"') || rest.starts_with('\''))
            || !name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        let dependency_like = [
            "implementation",
            "api",
            "compileonly",
            "runtimeonly",
            "kapt",
            "ksp",
            "annotationprocessor",
            "lintchecks",
            "classpath",
            "detektplugins",
            "compile",
            "runtime",
            "coredesugaring",
        ]
        .iter()
        .any(|c| lower.ends_with(c));
        if dependency_like {
            out.push((name.to_owned(), rest.to_owned()));
        }
    }
    out
}

/// `libs.androidx.core.ktx` references in an argument, as alias keys.
fn catalog_references(argument: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (start, _) in argument.match_indices("libs.") {
        if start > 0
            && argument[..start]
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            continue;
        }
        let rest = &argument[start + 5..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches('.');
        let path = path.strip_suffix(".get").unwrap_or(path);
        if !path.is_empty() && !path.starts_with("versions.") && !path.starts_with("plugins.") {
            out.push(alias_key(path));
        }
    }
    out
}

/// `"group:artifact:version"` literals in an argument.
fn literal_coordinates(argument: &str) -> Vec<(String, String, String)> {
    argument
        .split(['"', '\''])
        .skip(1)
        .step_by(2)
        .filter_map(|s| {
            let mut parts = s.split(':');
            let (group, artifact) = (parts.next()?, parts.next()?);
            let version = parts.next().unwrap_or("");
            let valid = |p: &str| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            };
            (valid(group) && valid(artifact) && parts.next().is_none())
                .then(|| (group.to_owned(), artifact.to_owned(), version.to_owned()))
        })
        .collect()
}

pub fn parse(ctx: &Context<'_>, rel: &str, _text: &str) -> Result<Graph, ParseError> {
    let dir = dir_of(rel);
    let mut graph = Graph {
        unlocked: true,
        ..Graph::default()
    };
    if ctx.locks_under(dir, ".lockfile").next().is_some() {
        // Gradle lockfiles describe this build.
        graph.unlocked = false;
        return Ok(graph);
    }
    let mut libraries: Vec<(String, Package)> = Vec::new();
    let mut plugins = Vec::new();
    for catalog_file in ctx
        .manifests
        .iter()
        .filter(|m| dir_of(m) == join(dir, "gradle") && m.ends_with(".versions.toml"))
    {
        let Some(text) = ctx.read_text(catalog_file) else {
            continue;
        };
        let (found, found_plugins) = catalog(&text)?;
        libraries.extend(found);
        plugins.extend(found_plugins);
    }
    // Per alias / literal module: (package, used at runtime, used at all).
    let mut uses: BTreeMap<String, (Package, bool, bool)> = BTreeMap::new();
    let by_alias: HashMap<&str, &Package> =
        libraries.iter().map(|(a, p)| (a.as_str(), p)).collect();
    for (_, package) in &libraries {
        uses.entry(package.purl())
            .or_insert_with(|| (package.clone(), false, false));
    }
    for script in ctx.manifests.iter().filter(|m| {
        let name = m.rsplit('/').next().unwrap_or(m);
        (name == "build.gradle" || name == "build.gradle.kts")
            && (dir.is_empty() || m.starts_with(&format!("{dir}/")))
    }) {
        let Some(text) = ctx.read_text(script) else {
            continue;
        };
        for (configuration, argument) in declarations(&text) {
            let runtime = is_runtime_configuration(&configuration);
            let mut found: Vec<Package> = catalog_references(&argument)
                .iter()
                .filter_map(|alias| by_alias.get(alias.as_str()).map(|p| (*p).clone()))
                .collect();
            found.extend(
                literal_coordinates(&argument)
                    .into_iter()
                    .map(|(g, a, v)| maven(&g, &a, &v)),
            );
            for package in found {
                let entry = uses
                    .entry(package.purl())
                    .or_insert_with(|| (package, false, false));
                entry.1 |= runtime;
                entry.2 = true;
            }
        }
    }
    let mut root = Node::root(None);
    for (package, runtime, used) in uses.into_values() {
        let index = graph.add(Node::package(package));
        if runtime || !used {
            root.deps.push(index);
        } else {
            root.dev_deps.push(index);
        }
    }
    for package in plugins {
        let index = graph.add(Node::package(package));
        root.dev_deps.push(index);
    }
    graph.add(root);
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_name_catalog_aliases_and_literals() {
        let declared = declarations(
            "dependencies {\n    implementation(libs.androidx.core.ktx)\n    testImplementation(\"junit:junit:4.13.2\")\n    ksp(libs.hilt.compiler)\n    implementation(platform(libs.androidx.compose.bom))\n}\n",
        );
        assert_eq!(declared.len(), 4);
        assert_eq!(catalog_references(&declared[0].1), ["androidx.core.ktx"]);
        assert_eq!(
            literal_coordinates(&declared[1].1),
            [("junit".into(), "junit".into(), "4.13.2".into())]
        );
        assert!(!is_runtime_configuration(&declared[1].0));
        assert!(!is_runtime_configuration(&declared[2].0));
        assert_eq!(catalog_references(&declared[3].1), ["androidx.compose.bom"]);
        assert!(is_runtime_configuration("debugImplementation"));
    }
}
