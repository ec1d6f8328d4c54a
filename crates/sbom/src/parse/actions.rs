//! GitHub Actions: the `uses:` references of workflows (`.github/workflows/*.yml`: each
//! job's steps, and reusable workflows a job calls) and of composite actions
//! (`action.yml`: `runs.steps`). Each is a component in its own ecosystem:
//! `owner/repo@ref` is `pkg:githubactions/owner/repo@ref`, an action in a subdirectory or
//! a reusable workflow keeps its path as the purl subpath, and `docker://image:tag` is
//! `pkg:docker/image@tag`. Local references (`./…`) are this repository's own code.
//!
//! The YAML is read through signoff-core's one YAML reader, with its budgets.

use serde_json::Value;

use super::ParseError;
use crate::model::{Ecosystem, Graph, Node, NoteKind, Package};

pub fn parse(rel: &str, text: &str) -> Result<Graph, ParseError> {
    let mut graph = Graph::default();
    if signoff_core::yaml::is_empty_document(text) {
        graph.add(Node::root(None));
        return Ok(graph);
    }
    let document: Value = signoff_core::yaml::from_str(text, rel).map_err(|error| {
        let problem = error.problems.first();
        ParseError::new(
            problem.map(|p| p.line).filter(|&line| line > 0),
            format!(
                "invalid workflow YAML: {}",
                problem.map_or("unreadable", |p| p.message.as_str())
            ),
        )
    })?;
    let jobs: Vec<&Value> = document
        .get("jobs")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|jobs| jobs.values())
        .collect();
    let steps = jobs
        .iter()
        .filter_map(|job| job.get("steps"))
        .chain(document.get("runs").and_then(|r| r.get("steps")))
        .filter_map(Value::as_array)
        .flatten();
    let references: Vec<&str> = steps
        .chain(jobs.iter().copied())
        .filter_map(|item| item.get("uses").and_then(Value::as_str))
        .collect();

    let mut root = Node::root(None);
    let mut seen = std::collections::HashMap::new();
    for uses in references {
        let uses = uses.trim();
        if uses.starts_with("./") || uses.starts_with('.') && !uses.contains('@') {
            continue;
        }
        let line = text.find(uses).map(|offset| super::line_of(text, offset));
        let Some(package) = reference(uses) else {
            graph.note(
                NoteKind::Skipped,
                line,
                format!("`uses: {uses}` is not `owner/repo@ref`, `docker://image` or a local path; skipped"),
            );
            continue;
        };
        let purl = package.purl();
        if seen.contains_key(&purl) {
            continue;
        }
        let mut node = Node::package(package);
        node.line = line;
        let index = graph.add(node);
        seen.insert(purl, index);
        root.deps.push(index);
    }
    graph.add(root);
    Ok(graph)
}

/// The package a `uses:` value names.
fn reference(uses: &str) -> Option<Package> {
    if let Some(image) = uses.strip_prefix("docker://") {
        let (image, version) = match image.split_once('@') {
            Some((image, digest)) => (image, digest),
            None => match image.rsplit_once(':') {
                Some((image, tag)) if !tag.contains('/') => (image, tag),
                _ => (image, "latest"),
            },
        };
        return (!image.is_empty()).then(|| Package::with_path(Ecosystem::Docker, image, version));
    }
    let (path, version) = uses.split_once('@')?;
    let mut parts = path.split('/');
    let (owner, repo) = (parts.next()?, parts.next()?);
    if owner.is_empty() || repo.is_empty() || version.is_empty() {
        return None;
    }
    let subpath: Vec<&str> = parts.filter(|p| !p.is_empty()).collect();
    let mut package = Package::new(Ecosystem::GithubActions, repo, version);
    package.namespace = Some(owner.to_owned());
    if !subpath.is_empty() {
        package.subpath = Some(subpath.join("/"));
    }
    Some(package)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purl(uses: &str) -> Option<String> {
        reference(uses).map(|p| p.purl())
    }

    #[test]
    fn references_become_purls() {
        assert_eq!(
            purl("actions/checkout@v4").as_deref(),
            Some("pkg:githubactions/actions/checkout@v4")
        );
        assert_eq!(
            purl("github/codeql-action/init@v3").as_deref(),
            Some("pkg:githubactions/github/codeql-action@v3#init")
        );
        assert_eq!(
            purl("octo/repo/.github/workflows/ci.yml@main").as_deref(),
            Some("pkg:githubactions/octo/repo@main#.github/workflows/ci.yml")
        );
        assert_eq!(
            purl("docker://alpine:3.19").as_deref(),
            Some("pkg:docker/alpine@3.19")
        );
        assert_eq!(purl("actions/checkout"), None);
    }
}
