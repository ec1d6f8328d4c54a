//! Gradle lockfiles: `gradle.lockfile` (and `buildscript-gradle.lockfile`,
//! `settings-gradle.lockfile` for the build's own classpath) hold
//! `group:artifact:version=configuration,…` lines; Gradle 6's per-configuration layout,
//! `gradle/dependency-locks/<configuration>.lockfile`, holds bare coordinates and the file
//! name is the configuration. Gradle records no edges, no hashes and nothing about which
//! entries are direct here.
//!
//! What ships is what the production classpaths hold: a dependency is a runtime one when
//! some configuration holding it is a compile or runtime classpath outside tests
//! (`compileClasspath`, `runtimeClasspath`, Android's `releaseRuntimeClasspath`). Those
//! only in test classpaths or in tool configurations (`checkstyle`, `jacocoAnt`,
//! `annotationProcessor`…), and the build script's own `classpath`, are development-only.

use super::ParseError;
use crate::model::{Ecosystem, Graph, Node, Package};

pub fn parse(rel: &str, text: &str) -> Result<Graph, ParseError> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    // Gradle 6: the file name is the configuration of every line in it.
    let file_configuration = rel
        .contains("gradle/dependency-locks/")
        .then(|| name.trim_end_matches(".lockfile"));
    let mut graph = Graph::default();
    let mut root = Node::root(None);
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let (coordinates, configurations) = match (line.split_once('='), file_configuration) {
            (Some((coordinates, configurations)), _) => (coordinates, configurations),
            (None, Some(configuration)) => (line, configuration),
            (None, None) => (line, ""),
        };
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
        let at = graph.add(node);
        if configurations.trim().is_empty() || configurations.split(',').any(is_production) {
            root.deps.push(at);
        } else {
            root.dev_deps.push(at);
        }
    }
    graph.add(root);
    Ok(graph)
}

/// Whether a configuration is a compile or runtime classpath of the shipped code.
fn is_production(configuration: &str) -> bool {
    let name = configuration.trim().to_ascii_lowercase();
    (name.ends_with("compileclasspath") || name.ends_with("runtimeclasspath"))
        && !name.contains("test")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_classpaths_are_runtime_and_the_rest_is_dev() {
        for configuration in [
            "compileClasspath",
            "runtimeClasspath",
            "releaseRuntimeClasspath",
        ] {
            assert!(is_production(configuration), "{configuration}");
        }
        for configuration in [
            "testRuntimeClasspath",
            "debugUnitTestRuntimeClasspath",
            "integrationTestCompileClasspath",
            "checkstyle",
            "jacocoAnt",
            "annotationProcessor",
        ] {
            assert!(!is_production(configuration), "{configuration}");
        }
    }
}
