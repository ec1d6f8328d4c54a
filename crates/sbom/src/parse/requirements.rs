//! pip requirements files: pinned `name==version` lines with `--hash` options, `-r`
//! includes (followed, bounded in depth, cycles ignored), `-e`/URL requirements.
//! A requirement that does not pin one version is a note, and a component without version.
//!
//! pip-compile's `# via` comments give the graph: `# via flask` under a requirement is an
//! edge from flask to it, and `# via -r requirements.in` marks it direct.
//!
//! Files named for development (`dev`, `test`, `lint`, `docs`, `typing`) hold dev-only
//! dependencies.

use std::collections::HashSet;

use super::{Context, ParseError, dir_of, join};
use crate::model::{Digest, Ecosystem, Graph, Node, NoteKind, Package};
use crate::purl::pep503;

/// Deepest `-r` chain followed.
const MAX_INCLUDE_DEPTH: usize = 16;

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let mut graph = Graph::default();
    let root = graph.add(Node::root(None));
    let mut visited = HashSet::new();
    visited.insert(rel.to_owned());
    let mut via = Vec::new();
    read(ctx, rel, text, &mut graph, root, &mut visited, 0, &mut via)?;
    apply_via(&mut graph, root, &via);
    let dev = is_dev_file(rel);
    if dev {
        let deps = std::mem::take(&mut graph.nodes[root].deps);
        graph.nodes[root].dev_deps = deps;
    }
    Ok(graph)
}

/// Whether a requirements file's name says it is for development.
pub fn is_dev_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    let stem = name.trim_end_matches(".txt");
    stem.split(['-', '_', '.']).any(|word| {
        matches!(
            word,
            "dev" | "develop" | "test" | "tests" | "testing" | "lint" | "docs" | "doc" | "typing"
        )
    })
}

/// `# via` entries: (requirement node, what it names: a package, or `-r file`).
type Via = Vec<(usize, String)>;

#[allow(clippy::too_many_arguments)]
fn read(
    ctx: &Context<'_>,
    rel: &str,
    text: &str,
    graph: &mut Graph,
    root: usize,
    visited: &mut HashSet<String>,
    depth: usize,
    via: &mut Via,
) -> Result<(), ParseError> {
    let top = depth == 0;
    let mut last: Option<usize> = None;
    let mut in_via = false;
    let mut logical = String::new();
    let mut start_line = 0u64;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        if logical.is_empty() {
            start_line = line_no;
        }
        if let Some(continued) = raw.strip_suffix('\\') {
            logical.push_str(continued);
            logical.push(' ');
            continue;
        }
        logical.push_str(raw);
        let line = std::mem::take(&mut logical);
        if let Some(comment) = line.trim_start().strip_prefix('#') {
            let comment = comment.trim();
            if let Some(rest) = comment.strip_prefix("via") {
                in_via = rest.is_empty() || rest.starts_with(' ');
                if in_via && let (Some(node), false) = (last, rest.trim().is_empty()) {
                    via.push((node, rest.trim().to_owned()));
                }
            } else if in_via && let Some(node) = last {
                via.push((node, comment.to_owned()));
            }
            continue;
        }
        in_via = false;
        let line = strip_comment(&line);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(include) = option_value(line, &["-r", "--requirement"]) {
            let path = join(dir_of(rel), include);
            if top {
                graph.includes.push(path.clone());
            }
            if depth >= MAX_INCLUDE_DEPTH || !visited.insert(path.clone()) {
                continue;
            }
            match ctx.read_text(&path) {
                Some(included) => {
                    read(ctx, &path, &included, graph, root, visited, depth + 1, via)?
                }
                None => graph.note(
                    NoteKind::Skipped,
                    top.then_some(start_line),
                    format!("`{line}` names a file that cannot be read: {path}"),
                ),
            }
            continue;
        }
        if line.starts_with('-') && option_value(line, &["-e", "--editable"]).is_none() {
            continue; // -c, --index-url, --extra-index-url, -f, --pre, …
        }
        let line_for_note = top.then_some(start_line);
        if let Some(package) = requirement(line, graph, line_for_note) {
            let mut node = Node::package(package);
            node.line = line_for_note;
            let index = graph.add(node);
            graph.nodes[root].deps.push(index);
            last = Some(index);
        } else {
            last = None;
        }
    }
    Ok(())
}

/// Turns `# via` entries into edges. A requirement that only packages pull in is
/// transitive: the project's edge to it goes.
fn apply_via(graph: &mut Graph, root: usize, via: &[(usize, String)]) {
    if via.is_empty() {
        return;
    }
    let by_name: std::collections::HashMap<String, usize> = graph
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(index, node)| Some((node.package.as_ref()?.name.clone(), index)))
        .collect();
    let mut transitive: HashSet<usize> = HashSet::new();
    let mut direct: HashSet<usize> = HashSet::new();
    for (child, entry) in via {
        if entry.starts_with('-') {
            direct.insert(*child);
            continue;
        }
        let name = pep503(entry.split_whitespace().next().unwrap_or(entry));
        if let Some(&parent) = by_name.get(&name)
            && parent != *child
        {
            if !graph.nodes[parent].deps.contains(child) {
                graph.nodes[parent].deps.push(*child);
            }
            transitive.insert(*child);
        }
    }
    graph.nodes[root]
        .deps
        .retain(|node| direct.contains(node) || !transitive.contains(node));
}

fn strip_comment(line: &str) -> &str {
    // `#` starts a comment at the line start or after whitespace (not in `#egg=`).
    let bytes = line.as_bytes();
    for (index, &b) in bytes.iter().enumerate() {
        if b == b'#' && (index == 0 || bytes[index - 1].is_ascii_whitespace()) {
            return &line[..index];
        }
    }
    line
}

/// The value of `-r x`, `-rx`, `--requirement=x` or `--requirement x`.
fn option_value<'a>(line: &'a str, names: &[&str]) -> Option<&'a str> {
    for name in names {
        if let Some(rest) = line.strip_prefix(name) {
            let rest = rest.strip_prefix('=').unwrap_or(rest);
            if name.len() == 2 || rest.starts_with(' ') || line.contains('=') {
                let value = rest.trim();
                if !value.is_empty() {
                    return Some(value.split_whitespace().next().unwrap_or(value));
                }
            }
        }
    }
    None
}

/// A package from one requirement line.
fn requirement(line: &str, graph: &mut Graph, line_no: Option<u64>) -> Option<Package> {
    let editable = option_value(line, &["-e", "--editable"]);
    let mut parts = line.split_whitespace();
    let spec_text = editable.unwrap_or_else(|| parts.next().unwrap_or(""));
    let hashes: Vec<Digest> = line
        .split_whitespace()
        .filter_map(|word| word.strip_prefix("--hash="))
        .filter_map(Digest::parse_prefixed)
        .collect();
    // Requirement text is everything before the first option and the marker.
    let requirement_text = line
        .split(" --")
        .next()
        .unwrap_or(line)
        .split(';')
        .next()
        .unwrap_or(line)
        .trim();

    // URL forms: `git+https://…#egg=name`, `name @ https://…`.
    if let Some((name, url)) = requirement_text.split_once(" @ ") {
        let name = super::python::requirement_name(name.trim());
        return Some(url_package(&name, url.trim()));
    }
    if spec_text.contains("://") || editable.is_some() {
        let egg = spec_text
            .split("#egg=")
            .nth(1)
            .map(|e| e.split('&').next().unwrap_or(e).to_owned());
        let Some(name) = egg else {
            if editable.is_some() {
                return None; // a local editable project: first-party code
            }
            graph.note(
                NoteKind::Skipped,
                line_no,
                format!("`{line}` names no package (add `#egg=name`)"),
            );
            return None;
        };
        return Some(url_package(
            &name,
            spec_text.split('#').next().unwrap_or(spec_text),
        ));
    }

    let name = super::python::requirement_name(requirement_text);
    if name.is_empty() {
        graph.note(
            NoteKind::Skipped,
            line_no,
            format!("`{line}` is not a requirement this gate understands"),
        );
        return None;
    }
    let specifier = requirement_text[name.len()..].trim_start();
    let specifier = match specifier.strip_prefix('[') {
        Some(rest) => rest.split_once(']').map_or("", |(_, after)| after).trim(),
        None => specifier,
    };
    let pinned = specifier
        .strip_prefix("===")
        .or_else(|| specifier.strip_prefix("=="))
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.contains([',', '*', '<', '>', '!', '~']));
    let version = match pinned {
        Some(version) => version.to_owned(),
        None => {
            graph.note(
                NoteKind::Unpinned,
                line_no,
                format!(
                    "`{name}` is not pinned to one version ({})",
                    if specifier.is_empty() {
                        "no version given".to_owned()
                    } else {
                        format!("`{specifier}`")
                    }
                ),
            );
            String::new()
        }
    };
    let mut package = Package::new(Ecosystem::Pypi, pep503(&name), version);
    package.distributions = hashes.into_iter().map(|d| (String::new(), d)).collect();
    Some(package)
}

fn url_package(name: &str, url: &str) -> Package {
    let mut package = Package::new(Ecosystem::Pypi, pep503(name), "");
    if let Some(git) = url.strip_prefix("git+") {
        let (url, rev) = match git.rsplit_once('@') {
            Some((url, rev)) if !rev.contains('/') => (url.to_owned(), Some(rev.to_owned())),
            _ => (git.to_owned(), None),
        };
        if let Some(rev) = &rev {
            package.version = rev.clone();
        }
        package.set_git(url, rev);
    } else {
        package.set_download(url);
    }
    package
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn one(line: &str) -> (Option<Package>, Graph) {
        let mut graph = Graph::default();
        let package = requirement(line, &mut graph, Some(1));
        (package, graph)
    }

    #[test]
    fn pinned_lines_give_versions_and_hashes() {
        let (package, graph) = one(
            "Flask_Login==0.5.0 ; python_version >= \"3\" --hash=sha256:6d33aef15b5bcead780acc339464aae8a6e28f13c90d8b1cf9de8b549d1c0b4b",
        );
        let package = package.unwrap();
        assert_eq!(package.name, "flask-login");
        assert_eq!(package.version, "0.5.0");
        assert_eq!(package.distributions.len(), 1);
        assert!(graph.notes.is_empty());
    }

    #[test]
    fn ranges_are_unpinned_notes() {
        let (package, graph) = one("requests[socks]>=2.0");
        assert_eq!(package.unwrap().version, "");
        assert_eq!(graph.notes[0].kind, NoteKind::Unpinned);
        let (_, graph) = one("flask==2.*");
        assert_eq!(graph.notes[0].kind, NoteKind::Unpinned);
    }

    #[test]
    fn urls_and_vcs_requirements_are_packages() {
        let (package, _) = one("git+https://github.com/a/b.git@v1.0#egg=b_pkg");
        let package = package.unwrap();
        assert_eq!(package.name, "b-pkg");
        assert_eq!(package.version, "v1.0");
        let (package, _) = one("pkg @ https://example.com/pkg-1.0.tar.gz");
        assert!(matches!(package.unwrap().origin, Origin::Url(_)));
    }

    #[test]
    fn dev_files_are_recognised_by_name() {
        assert!(is_dev_file("requirements-dev.txt"));
        assert!(is_dev_file("requirements/tests.txt"));
        assert!(is_dev_file("dev-requirements.txt"));
        assert!(!is_dev_file("requirements/main.txt"));
        assert!(!is_dev_file("requirements.txt"));
    }
}
