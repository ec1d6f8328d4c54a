//! `Gemfile.lock` (Bundler): `GEM`, `GIT` and `PATH` sections with their specs and edges,
//! `DEPENDENCIES` for the direct gems, `CHECKSUMS` (Bundler 2.5+) for SHA-256 hashes.
//! The `Gemfile` beside it says which gems are only in `:development` / `:test` groups.
//!
//! A gem locked for several platforms (`nokogiri (1.16.0-x86_64-linux)`) is one
//! component per platform, with the purl `platform` qualifier (issue 14), and its own
//! checksum; an edge to the gem reaches every platform's variant.

use std::collections::{HashMap, HashSet};

use super::{Context, ParseError, dir_of, join};
use crate::model::{Alg, Digest, Ecosystem, Graph, Node, Origin, Package};

struct Spec {
    name: String,
    version: String,
    platform: Option<String>,
    origin: Origin,
    deps: Vec<String>,
    line: u64,
}

/// `nokogiri (1.16.0-x86_64-linux)` → (`nokogiri`, `1.16.0`, platform).
fn name_version(text: &str) -> Option<(&str, &str)> {
    let (name, rest) = text.trim().split_once(" (")?;
    let version = rest.strip_suffix(')')?;
    Some((name, version))
}

fn split_platform(version: &str) -> (&str, Option<&str>) {
    match version.split_once('-') {
        Some((version, platform)) => (version, Some(platform)),
        None => (version, None),
    }
}

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let mut specs: Vec<Spec> = Vec::new();
    let mut direct: Vec<String> = Vec::new();
    let mut checksums: HashMap<(String, String), Digest> = HashMap::new();
    let mut section = String::new();
    let mut remote = String::new();
    let mut revision: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let line = raw.trim();
        if indent == 0 {
            section = line.to_owned();
            remote.clear();
            revision = None;
            continue;
        }
        match section.as_str() {
            "GEM" | "GIT" | "PATH" | "PLUGIN SOURCE" => match indent {
                2 => {
                    if let Some(value) = line.strip_prefix("remote: ") {
                        remote = value.to_owned();
                    } else if let Some(value) = line.strip_prefix("revision: ") {
                        revision = Some(value.to_owned());
                    }
                }
                4 => {
                    let Some((name, version)) = name_version(line) else {
                        return Err(ParseError::new(
                            Some(line_no),
                            format!("expected `name (version)`, found `{line}`"),
                        ));
                    };
                    let origin = match section.as_str() {
                        "GIT" => Origin::Git {
                            url: remote.clone(),
                            rev: revision.clone(),
                        },
                        "PATH" => Origin::Path(remote.clone()),
                        _ if remote.trim_end_matches('/') == "https://rubygems.org" => {
                            Origin::Registry
                        }
                        _ => Origin::Url(remote.clone()),
                    };
                    specs.push(Spec {
                        name: name.to_owned(),
                        version: split_platform(version).0.to_owned(),
                        platform: split_platform(version).1.map(str::to_owned),
                        origin,
                        deps: Vec::new(),
                        line: line_no,
                    });
                }
                6 => {
                    let name = line.split(" (").next().unwrap_or(line);
                    if let Some(spec) = specs.last_mut() {
                        spec.deps.push(name.to_owned());
                    }
                }
                _ => {}
            },
            "DEPENDENCIES" if indent == 2 => {
                let name = line.split([' ', '!']).next().unwrap_or(line);
                direct.push(name.to_owned());
            }
            "CHECKSUMS" if indent == 2 => {
                let (spec, hash) = line.rsplit_once(' ').unwrap_or((line, ""));
                if let (Some((name, version)), Some(hex)) =
                    (name_version(spec), hash.strip_prefix("sha256="))
                    && let Some(digest) = Digest::hex(Alg::Sha256, hex)
                {
                    // Each platform variant has its own checksum: keyed by the full version.
                    checksums.insert((name.to_owned(), version.to_owned()), digest);
                }
            }
            _ => {}
        }
    }

    let dev_only = ctx
        .read_text(&join(dir_of(rel), "Gemfile"))
        .map(|text| gemfile_dev_only(&text))
        .unwrap_or_default();

    let mut graph = Graph::default();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut node_of: Vec<Option<usize>> = Vec::with_capacity(specs.len());
    let mut seen: HashSet<(String, Option<String>)> = HashSet::new();
    for spec in &specs {
        if !seen.insert((spec.name.clone(), spec.platform.clone())) {
            node_of.push(None);
            continue;
        }
        let mut package = Package::new(Ecosystem::Gem, &spec.name, &spec.version);
        package.origin = spec.origin.clone();
        match &spec.origin {
            Origin::Git { url, rev } => package.set_git(url.clone(), rev.clone()),
            Origin::Url(url) => package
                .qualifiers
                .push(("repository_url".into(), url.clone())),
            _ => {}
        }
        let full_version = match &spec.platform {
            Some(platform) => {
                package
                    .qualifiers
                    .push(("platform".into(), platform.clone()));
                format!("{}-{platform}", spec.version)
            }
            None => spec.version.clone(),
        };
        package
            .hashes
            .extend(checksums.get(&(spec.name.clone(), full_version)).cloned());
        let mut node = if matches!(spec.origin, Origin::Path(_)) {
            Node::root(Some(package))
        } else {
            Node::package(package)
        };
        node.line = Some(spec.line);
        let index = graph.add(node);
        node_of.push(Some(index));
        by_name.entry(spec.name.clone()).or_default().push(index);
    }
    for (spec, from) in specs.iter().zip(&node_of) {
        let Some(from) = *from else {
            continue;
        };
        for dep in &spec.deps {
            for &to in by_name.get(dep).into_iter().flatten() {
                if to != from && !graph.nodes[from].deps.contains(&to) {
                    graph.nodes[from].deps.push(to);
                }
            }
        }
    }
    let mut root = Node::root(None);
    for name in &direct {
        for &to in by_name.get(name).into_iter().flatten() {
            if dev_only.contains(name) {
                root.dev_deps.push(to);
            } else {
                root.deps.push(to);
            }
        }
    }
    graph.add(root);
    Ok(graph)
}

/// Gems a Gemfile declares only inside `group :development` / `:test` blocks or with a
/// `group:` option naming only those groups.
fn gemfile_dev_only(text: &str) -> HashSet<String> {
    let mut dev = HashSet::new();
    let mut runtime = HashSet::new();
    let mut stack: Vec<bool> = Vec::new(); // per open block: is it a dev-only group?
    for raw in text.lines() {
        let line = raw.split('#').next().unwrap_or("").trim();
        // `group do` (no group named) overlaps the two affixes: no slicing by length.
        if let Some(groups) = line
            .strip_prefix("group ")
            .and_then(|rest| rest.strip_suffix("do"))
            .filter(|groups| groups.is_empty() || groups.ends_with(' '))
        {
            stack.push(only_dev_groups(groups));
            continue;
        }
        if (line.ends_with(" do") || line.contains(" do |")) && !line.starts_with("gem ") {
            stack.push(stack.last().copied().unwrap_or(false));
            continue;
        }
        if line == "end" {
            stack.pop();
            continue;
        }
        if let Some(rest) = line.strip_prefix("gem ") {
            let name = rest
                .split(',')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\''])
                .to_owned();
            let option_dev = rest
                .split_once("group:")
                .or_else(|| rest.split_once(":group =>"))
                .map(|(_, groups)| only_dev_groups(groups));
            let is_dev = option_dev.unwrap_or(false) || stack.last().copied().unwrap_or(false);
            if is_dev {
                dev.insert(name);
            } else {
                runtime.insert(name);
            }
        }
    }
    dev.difference(&runtime).cloned().collect()
}

fn only_dev_groups(groups: &str) -> bool {
    let names: Vec<&str> = groups
        .split([',', '[', ']', ' '])
        .map(|g| g.trim().trim_start_matches(':').trim_matches(['"', '\'']))
        .filter(|g| !g.is_empty())
        .take_while(|g| !g.contains(':') && !g.contains("=>"))
        .collect();
    !names.is_empty() && names.iter().all(|g| matches!(*g, "development" | "test"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemfile_groups_mark_dev_gems() {
        let dev = gemfile_dev_only(
            "gem \"rails\"\ngroup :development, :test do\n  gem \"rspec\"\nend\ngem 'pry', group: :development\ngem 'pg', group: [:production]\n",
        );
        assert!(dev.contains("rspec"));
        assert!(dev.contains("pry"));
        assert!(!dev.contains("rails"));
        assert!(!dev.contains("pg"));
    }

    #[test]
    fn a_group_without_names_is_not_a_panic() {
        let dev =
            gemfile_dev_only("group do\n  gem \"x\"\nend\ngroup :test do\n  gem \"y\"\nend\n");
        assert!(!dev.contains("x"));
        assert!(dev.contains("y"));
    }

    #[test]
    fn platforms_split_from_versions() {
        assert_eq!(
            split_platform("1.16.0-x86_64-linux"),
            ("1.16.0", Some("x86_64-linux"))
        );
        assert_eq!(split_platform("7.0.4"), ("7.0.4", None));
    }
}
