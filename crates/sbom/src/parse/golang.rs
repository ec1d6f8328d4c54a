//! `go.mod` with `go.sum` beside it. The main module requires every module of the build
//! list (direct ones, and `// indirect` ones); `replace` directives swap the module that
//! is built. go.sum's `h1:` is Go's module hash (SHA-256 over the module's file list), the
//! hash `go mod verify` checks, reported as the component's SHA-256.
//!
//! go.mod records no edges between the required modules: the main module depends on its
//! direct requirements, and the `// indirect` ones (needed by some dependency, which
//! go.mod does not name) are in the SBOM without an edge (issue 14: the main module was
//! drawn depending on them).

use std::collections::HashMap;

use super::{Context, ParseError, dir_of, join};
use crate::model::{Alg, Digest, Ecosystem, Graph, Node, Origin, Package};

struct Require {
    path: String,
    version: String,
    indirect: bool,
    line: u64,
}

struct Replace {
    from_path: String,
    from_version: Option<String>,
    to_path: String,
    to_version: Option<String>,
}

pub fn parse(ctx: &Context<'_>, rel: &str, text: &str) -> Result<Graph, ParseError> {
    let mut module: Option<String> = None;
    let mut requires = Vec::new();
    let mut replaces = Vec::new();
    let mut block: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        let (code, comment) = match raw.find("//") {
            Some(at) => (&raw[..at], &raw[at + 2..]),
            None => (raw, ""),
        };
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        if code == ")" {
            block = None;
            continue;
        }
        let (verb, rest) = match &block {
            Some(verb) => (verb.as_str(), code),
            None => {
                let (verb, rest) = code.split_once(char::is_whitespace).unwrap_or((code, ""));
                let rest = rest.trim();
                if rest == "(" {
                    block = Some(verb.to_owned());
                    continue;
                }
                (verb, rest)
            }
        };
        match verb {
            "module" => module = Some(unquote(rest).to_owned()),
            "require" => {
                let mut words = rest.split_whitespace();
                let (Some(path), Some(version)) = (words.next(), words.next()) else {
                    return Err(ParseError::new(
                        Some(line_no),
                        format!(
                            "expected `require <module> <version>`, found `{}`",
                            raw.trim()
                        ),
                    ));
                };
                requires.push(Require {
                    path: unquote(path).to_owned(),
                    version: version.to_owned(),
                    indirect: comment.trim() == "indirect"
                        || comment.trim().starts_with("indirect;"),
                    line: line_no,
                });
            }
            "replace" => {
                let Some((from, to)) = rest.split_once("=>") else {
                    return Err(ParseError::new(
                        Some(line_no),
                        format!(
                            "expected `replace <module> => <module>`, found `{}`",
                            raw.trim()
                        ),
                    ));
                };
                let mut from = from.split_whitespace();
                let mut to = to.split_whitespace();
                replaces.push(Replace {
                    from_path: from.next().map(unquote).unwrap_or_default().to_owned(),
                    from_version: from.next().map(str::to_owned),
                    to_path: to.next().map(unquote).unwrap_or_default().to_owned(),
                    to_version: to.next().map(str::to_owned),
                });
            }
            "go" | "toolchain" | "exclude" | "retract" | "tool" | "godebug" | "ignore" => {}
            other => {
                return Err(ParseError::new(
                    Some(line_no),
                    format!("unknown go.mod directive `{other}`"),
                ));
            }
        }
    }

    let sums = ctx
        .read_text(&join(dir_of(rel), "go.sum"))
        .map(|text| go_sum(&text))
        .unwrap_or_default();

    let mut graph = Graph::default();
    let main = module.map(|path| {
        Package::with_path(Ecosystem::Golang, &path, "").origin(Origin::Path(dir_of(rel).into()))
    });
    let root = graph.add(Node::root(main));
    let required: std::collections::HashSet<String> =
        requires.iter().map(|r| r.path.clone()).collect();
    for require in requires {
        let replace = replaces.iter().find(|r| {
            r.from_path == require.path
                && r.from_version
                    .as_ref()
                    .is_none_or(|v| *v == require.version)
        });
        let (path, version, local) = match replace {
            Some(r) if r.to_version.is_none() => (r.to_path.clone(), String::new(), true),
            Some(r) => (
                r.to_path.clone(),
                r.to_version.clone().unwrap_or_default(),
                false,
            ),
            None => (require.path.clone(), require.version.clone(), false),
        };
        let mut node = if local {
            // A replacement by a local directory is code in this repository.
            let package = Package::with_path(Ecosystem::Golang, &require.path, "")
                .origin(Origin::Path(join(dir_of(rel), &path)));
            Node::root(Some(package))
        } else {
            let mut package = Package::with_path(Ecosystem::Golang, &path, version.clone());
            package
                .hashes
                .extend(sums.get(&(path.clone(), version.clone())).cloned());
            Node::package(package)
        };
        node.direct_hint = Some(!require.indirect);
        node.line = Some(require.line);
        let index = graph.add(node);
        if !require.indirect {
            graph.nodes[root].deps.push(index);
        }
    }
    // A replacement of a module the require list does not name pins the version used
    // wherever the module graph reaches it; it is listed (as syft and cdxgen do), with its
    // hash when go.sum has one.
    for replace in &replaces {
        let Some(version) = &replace.to_version else {
            continue;
        };
        if required.contains(&replace.from_path) {
            continue;
        }
        let key = (replace.to_path.clone(), version.clone());
        let mut package = Package::with_path(Ecosystem::Golang, &replace.to_path, version.clone());
        package.hashes.extend(sums.get(&key).cloned());
        let mut node = Node::package(package);
        node.direct_hint = Some(false);
        graph.add(node);
    }
    Ok(graph)
}

fn unquote(text: &str) -> &str {
    text.trim().trim_matches('"').trim_matches('`')
}

/// `(module, version)` → the module's `h1:` hash from go.sum.
fn go_sum(text: &str) -> HashMap<(String, String), Digest> {
    let mut out = HashMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let (Some(path), Some(version), Some(hash)) = (words.next(), words.next(), words.next())
        else {
            continue;
        };
        if version.ends_with("/go.mod") {
            continue;
        }
        if let Some(digest) = hash
            .strip_prefix("h1:")
            .and_then(|h| Digest::base64(Alg::Sha256, h))
        {
            out.insert((path.to_owned(), version.to_owned()), digest);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_and_excludes() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context {
            root: dir.path(),
            manifests: &[],
            lockfiles: &[],
        };
        let graph = parse(
            &ctx,
            "go.mod",
            "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.0.0\n\tgithub.com/c/d v0.1.0 // indirect\n\tgithub.com/local/x v0.0.0\n)\n\nexclude (\n\tgithub.com/a/b v0.9.0\n)\n\nreplace github.com/a/b => github.com/fork/b v1.0.1\nreplace github.com/local/x => ../x\nreplace cloud.google.com/go => cloud.google.com/go v0.123.0\n",
        )
        .unwrap();
        let purls: Vec<String> = graph
            .nodes
            .iter()
            .filter_map(|n| Some(n.package.as_ref()?.purl()))
            .collect();
        assert_eq!(
            purls,
            [
                "pkg:golang/example.com/app",
                "pkg:golang/github.com/fork/b@v1.0.1",
                "pkg:golang/github.com/c/d@v0.1.0",
                "pkg:golang/github.com/local/x",
                "pkg:golang/cloud.google.com/go@v0.123.0",
            ]
        );
        assert_eq!(graph.nodes[2].direct_hint, Some(false));
        assert!(
            graph.nodes[3].first_party,
            "a local replacement is first party"
        );
    }

    #[test]
    fn go_sum_keeps_module_hashes_not_go_mod_hashes() {
        let sums = go_sum(
            "golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=\n\
             golang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n",
        );
        assert_eq!(sums.len(), 1);
        let digest = &sums[&("golang.org/x/text".to_owned(), "v0.3.0".to_owned())];
        assert_eq!(digest.alg, Alg::Sha256);
    }
}
