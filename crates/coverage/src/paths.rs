//! Maps the paths a report names (absolute build paths, `<source>` roots, Go import
//! paths, JaCoCo package paths, Windows separators) to repository paths: `--path-map`
//! first, then an exact match, then the longest suffix match against the repository's
//! files and the diff's paths. A path that maps nowhere is kept as written and listed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A `--path-map FROM=TO` rewrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathMap {
    pub from: String,
    pub to: String,
}

impl std::str::FromStr for PathMap {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, String> {
        let (from, to) = value.split_once('=').ok_or_else(|| {
            format!("`{value}` is not FROM=TO (for example `/home/runner/work/app/app/=`)")
        })?;
        if from.is_empty() {
            return Err(format!("`{value}` has an empty FROM part"));
        }
        Ok(PathMap {
            from: normalize(from),
            to: normalize(to),
        })
    }
}

/// Where a report path went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapped {
    /// A repository path.
    Repo(String),
    /// No repository to check against: the cleaned path as written.
    Kept(String),
    /// Not found in the repository: the cleaned path as written, listed as unmapped.
    Nowhere(String),
    /// Several repository files fit equally well.
    Ambiguous(String, Vec<String>),
}

impl Mapped {
    /// The key the file is counted under.
    pub fn key(&self) -> &str {
        match self {
            Mapped::Repo(p) | Mapped::Kept(p) | Mapped::Nowhere(p) | Mapped::Ambiguous(p, _) => p,
        }
    }
}

/// The files a report path can map to.
pub struct Mapper {
    known: HashSet<String>,
    by_name: HashMap<String, Vec<String>>,
    maps: Vec<PathMap>,
    /// The root as an absolute, `/`-separated prefix with a trailing `/`.
    root_prefix: Option<String>,
    go_module: Option<String>,
    /// Whether there are repository files to map against at all.
    pub has_repository: bool,
    /// The root, for messages.
    pub root_shown: String,
}

impl Mapper {
    /// A mapper over `repo_files` (repository-relative) and `diff_files`.
    pub fn new(
        root: &Path,
        repo_files: Vec<String>,
        diff_files: impl IntoIterator<Item = String>,
        mut maps: Vec<PathMap>,
    ) -> Self {
        let has_repository = !repo_files.is_empty();
        let mut known: HashSet<String> = repo_files.into_iter().collect();
        known.extend(diff_files);
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for path in &known {
            let name = path.rsplit('/').next().unwrap_or(path).to_owned();
            by_name.entry(name).or_default().push(path.clone());
        }
        // Longest FROM first, so the most specific rewrite wins.
        maps.sort_by_key(|m| std::cmp::Reverse(m.from.len()));
        let root_prefix = std::fs::canonicalize(root).ok().map(|p| {
            let mut text = normalize(&p.to_string_lossy());
            if !text.ends_with('/') {
                text.push('/');
            }
            text
        });
        let go_module = std::fs::read_to_string(root.join("go.mod"))
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|line| line.trim().strip_prefix("module "))
                    .map(|m| m.trim().trim_matches('"').to_owned())
            });
        Mapper {
            known,
            by_name,
            maps,
            root_prefix,
            go_module,
            has_repository,
            root_shown: root.display().to_string(),
        }
    }

    /// Maps one report path, trying each `<source>` root the report names.
    pub fn map(&self, raw: &str, sources: &[String]) -> Mapped {
        let cleaned = self.rewrite(&normalize(raw));
        let mut candidates = vec![cleaned.clone()];
        for source in sources {
            let source = self.rewrite(&normalize(source));
            if !is_absolute(&cleaned) && !source.is_empty() && source != "." {
                candidates.push(normalize(&format!("{source}/{cleaned}")));
            }
        }
        if let Some(module) = &self.go_module
            && let Some(rest) = cleaned.strip_prefix(&format!("{module}/"))
        {
            candidates.insert(0, rest.to_owned());
        }
        let candidates: Vec<String> = candidates.into_iter().map(|c| self.relative(&c)).collect();
        if let Some(hit) = candidates.iter().find(|c| self.known.contains(*c)) {
            return Mapped::Repo(hit.clone());
        }
        let mut best: Vec<(usize, &String)> = Vec::new();
        for candidate in &candidates {
            let name = candidate.rsplit('/').next().unwrap_or(candidate);
            for known in self.by_name.get(name).into_iter().flatten() {
                // Without a repository, only the diff's paths are known: map onto them
                // only when one path is wholly a suffix of the other.
                if let Some(score) = suffix_match(candidate, known)
                    .filter(|score| self.has_repository || score % 2 == 1)
                {
                    best.push((score, known));
                }
            }
        }
        best.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut seen = HashSet::new();
        best.retain(|(_, path)| seen.insert(*path));
        match best.as_slice() {
            [] if !self.has_repository => {
                let kept = candidates
                    .iter()
                    .find(|c| !is_absolute(c))
                    .unwrap_or(&candidates[0]);
                Mapped::Kept(kept.clone())
            }
            [] => Mapped::Nowhere(candidates[0].clone()),
            [(_, one)] => Mapped::Repo((*one).clone()),
            [(d1, one), (d2, _), ..] if d1 > d2 => Mapped::Repo((*one).clone()),
            [(d1, _), ..] => Mapped::Ambiguous(
                candidates[0].clone(),
                best.iter()
                    .filter(|(d, _)| d == d1)
                    .map(|(_, p)| (*p).clone())
                    .collect(),
            ),
        }
    }

    fn rewrite(&self, path: &str) -> String {
        for map in &self.maps {
            if let Some(rest) = path.strip_prefix(&map.from) {
                let rest = rest.trim_start_matches('/');
                return normalize(&if map.to.is_empty() {
                    rest.to_owned()
                } else {
                    format!("{}/{rest}", map.to)
                });
            }
        }
        path.to_owned()
    }

    /// An absolute path under the root becomes relative to it.
    fn relative(&self, path: &str) -> String {
        match &self.root_prefix {
            Some(prefix) if path.starts_with(prefix.as_str()) => path[prefix.len()..].to_owned(),
            _ => path.to_owned(),
        }
    }
}

/// How well two paths match from their ends: twice the shared trailing components, plus
/// one when one path is wholly a suffix of the other (a full match beats a partial one of
/// the same depth). `None` when not even the file names agree.
fn suffix_match(a: &str, b: &str) -> Option<usize> {
    let mut shared = 0;
    let (mut x, mut y) = (a.rsplit('/'), b.rsplit('/'));
    loop {
        match (x.next(), y.next()) {
            (Some(p), Some(q)) if p == q => shared += 1,
            (Some(_), Some(_)) => return (shared > 0).then_some(shared * 2),
            _ => return (shared > 0).then_some(shared * 2 + 1),
        }
    }
}

fn is_absolute(path: &str) -> bool {
    path.starts_with('/') || path.as_bytes().get(1) == Some(&b':')
}

/// `/` separators, no `./` or empty components, `..` folded where possible.
pub fn normalize(path: &str) -> String {
    let path = path.trim().replace('\\', "/");
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Repository-relative paths of the files under `root`, from the git index; none when
/// `root` is not in a git repository (paths are then kept as the report writes them).
pub fn repository_files(root: &Path) -> Vec<String> {
    if let Ok(repo) = git2::Repository::discover(root)
        && let (Some(workdir), Ok(index)) = (repo.workdir(), repo.index())
    {
        let prefix = std::fs::canonicalize(root)
            .ok()
            .zip(std::fs::canonicalize(workdir).ok())
            .and_then(|(r, w)| r.strip_prefix(&w).ok().map(Path::to_path_buf))
            .map(|p| normalize(&p.to_string_lossy()))
            .unwrap_or_default();
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        return index
            .iter()
            .filter_map(|entry| {
                let path = String::from_utf8_lossy(&entry.path).into_owned();
                path.strip_prefix(&prefix).map(str::to_owned)
            })
            .collect();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapper(files: &[&str], maps: &[&str]) -> Mapper {
        Mapper::new(
            Path::new("/nonexistent-root"),
            files.iter().map(|s| s.to_string()).collect(),
            Vec::new(),
            maps.iter().map(|m| m.parse().unwrap()).collect(),
        )
    }

    #[test]
    fn absolute_and_foreign_paths_map_by_longest_suffix() {
        let m = mapper(
            &[
                "src/util.c",
                "lib/src/util.c",
                "java/src/a/b/X.java",
                "hash.go",
            ],
            &[],
        );
        assert_eq!(
            m.map("/home/ci/work/proj/lib/src/util.c", &[]),
            Mapped::Repo("lib/src/util.c".into())
        );
        assert_eq!(
            m.map("C:\\build\\proj\\src\\util.c", &[]),
            Mapped::Repo("src/util.c".into())
        );
        let two = mapper(&["a/x.c", "b/x.c"], &[]);
        assert_eq!(
            two.map("x.c", &[]),
            Mapped::Ambiguous("x.c".into(), vec!["a/x.c".into(), "b/x.c".into()])
        );
        assert_eq!(
            m.map("a/b/X.java", &[]),
            Mapped::Repo("java/src/a/b/X.java".into())
        );
        assert_eq!(
            m.map("github.com/google/uuid/hash.go", &[]),
            Mapped::Repo("hash.go".into())
        );
        assert_eq!(
            m.map("/elsewhere/other.c", &[]),
            Mapped::Nowhere("/elsewhere/other.c".into())
        );
        assert_eq!(
            m.map("./src/../src/util.c", &[]),
            Mapped::Repo("src/util.c".into())
        );
    }

    #[test]
    fn sources_and_path_maps_apply_first() {
        let m = mapper(&["pkg/mod.py", "other/mod.py"], &["/ci/app=pkg"]);
        assert_eq!(
            m.map("/ci/app/mod.py", &[]),
            Mapped::Repo("pkg/mod.py".into())
        );
        assert_eq!(
            m.map("mod.py", &["/x/other".into()]),
            Mapped::Repo("other/mod.py".into())
        );
        assert!("nothing".parse::<PathMap>().is_err());
    }

    #[test]
    fn without_a_repository_paths_are_kept() {
        let m = mapper(&[], &[]);
        assert_eq!(m.map("src\\a.c", &[]), Mapped::Kept("src/a.c".into()));
    }
}
