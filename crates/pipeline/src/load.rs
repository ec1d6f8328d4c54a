//! Loading a repository: every workflow in `.github/workflows`, every `action.yml` (a
//! composite action may sit anywhere), `.gitlab-ci.yml` with its local includes, the
//! Dependabot and Renovate configurations, and the manifests that say which package
//! ecosystems the repository uses. One walk finds them (honouring `.gitignore` as git
//! does), each file is read once, and many files are parsed on all cores. A file or
//! directory that cannot be read stops the gate (fail closed); a file that cannot be
//! parsed is a finding.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use signoff_core::gitignore::{Gitignore, Matched};
use signoff_core::policy::PathGlob;
use signoff_core::yaml::tree::{self, Limits, Node, Pos};

use crate::model::{self, Action, Problem, Workflow};

/// A file the gate recognised but could not use: YAML it cannot parse, or a shape GitHub
/// or GitLab would reject.
#[derive(Debug, Clone)]
pub(crate) struct Invalid {
    pub path: String,
    pub problem: Problem,
}

/// A manifest or configuration that tells which package ecosystem a directory uses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Manifest {
    /// Dependabot's name of the ecosystem.
    pub ecosystem: &'static str,
    /// Repository-relative path of the file.
    pub path: String,
}

/// What the gate read.
#[derive(Debug, Default)]
pub(crate) struct Repo {
    pub workflows: Vec<Workflow>,
    pub actions: Vec<Action>,
    /// The text of each workflow, action and pipeline file, by path.
    pub sources: HashMap<String, String>,
    pub invalid: Vec<Invalid>,
    /// `.github/dependabot.yml`, parsed.
    pub dependabot: Option<(String, Node)>,
    /// A Renovate configuration, as text.
    pub renovate: Option<(String, String)>,
    pub manifests: Vec<Manifest>,
    /// Includes of a GitLab pipeline that live outside the repository (remote, other
    /// projects, components): their jobs are not judged.
    pub external_includes: Vec<String>,
    /// Files the gate read, and bytes.
    pub files_read: u64,
    pub bytes_read: u64,
}

/// Why the gate could not read the repository.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "error: cannot read {path}: {source}\n  = help: check that the file is readable by this user"
    )]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
}

/// Kinds of file the walk collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Workflow,
    Action,
    GitLab,
    Dependabot,
    Renovate,
}

/// Largest workflow, action or pipeline file read; larger ones are findings.
const MAX_BYTES: usize = 4 << 20;

/// Reads everything the gate judges under `root`, leaving out `exclude`d paths.
pub(crate) fn load(
    root: &Path,
    exclude: &[PathGlob],
    skip: Option<&Path>,
) -> Result<Repo, LoadError> {
    let found = walk(root, exclude, skip)?;
    let mut repo = Repo {
        manifests: found.manifests,
        invalid: found.invalid,
        ..Repo::default()
    };
    // The walk read and parsed every file but GitLab pipelines, whose wildcard includes
    // need the list of all YAML files it found.
    let yaml = found.yaml;
    let parallel = found.files.len() >= PARALLEL_FROM;
    let mut loaded = found.loaded;
    loaded.extend(map(found.files, parallel, |(kind, rel, path)| {
        Loaded::of(kind, rel, &path, root, &yaml)
    }));
    // In name order, as a walk in one thread would have met them: the first unreadable
    // file is the one reported, and the first Dependabot file the one used.
    loaded.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut outcomes = Vec::with_capacity(loaded.len());
    for file in loaded {
        let (length, size) = file.read.map_err(|source| LoadError::Unreadable {
            path: file.rel.clone(),
            source,
        })?;
        repo.files_read += 1;
        repo.bytes_read += length;
        if size > MAX_BYTES as u64 {
            repo.invalid.push(Invalid {
                path: file.rel,
                problem: Problem {
                    pos: Pos::default(),
                    message: format!("the file is {size} bytes, over the {MAX_BYTES} byte limit"),
                    help: "a workflow is a few kilobytes; split it into reusable workflows, or check that this is the right file".into(),
                },
            });
            continue;
        }
        outcomes.extend(file.outcome);
    }
    for outcome in outcomes {
        repo.invalid.extend(outcome.invalid);
        repo.workflows.extend(outcome.workflow);
        repo.actions.extend(outcome.action);
        if let Some((path, text)) = outcome.source {
            repo.sources.insert(path, text);
        }
        repo.sources.extend(outcome.extra_sources);
        repo.external_includes.extend(outcome.external_includes);
        if outcome.dependabot.is_some() && repo.dependabot.is_none() {
            repo.dependabot = outcome.dependabot;
        }
        if outcome.renovate.is_some() && repo.renovate.is_none() {
            repo.renovate = outcome.renovate;
        }
    }
    repo.workflows.sort_by(|a, b| a.path.cmp(&b.path));
    repo.actions.sort_by(|a, b| a.path.cmp(&b.path));
    repo.invalid
        .sort_by(|a, b| (&a.path, a.problem.pos).cmp(&(&b.path, b.problem.pos)));
    repo.manifests.sort();
    Ok(repo)
}

/// From this many files on, files are read and parsed on all cores. The walk has already
/// started the threads, so handing them work costs microseconds; below this it still costs
/// more than it saves.
pub(crate) const PARALLEL_FROM: usize = 4;

/// `items` mapped by `f`, on all cores when `parallel`, in order either way.
pub(crate) fn map<T: Send, R: Send>(
    items: Vec<T>,
    parallel: bool,
    f: impl Fn(T) -> R + Sync + Send,
) -> Vec<R> {
    if parallel {
        items.into_par_iter().map(f).collect()
    } else {
        items.into_iter().map(f).collect()
    }
}

/// A file's bytes (at most `MAX_BYTES + 1`) and its size.
type Read = (Vec<u8>, u64);

/// One file read and parsed.
struct Loaded {
    rel: String,
    /// How many bytes were read, and the file's size; or why it could not be read.
    read: std::io::Result<(u64, u64)>,
    /// What parsing found, unless the file was unreadable or over the size limit.
    outcome: Option<Outcome>,
}

impl Loaded {
    fn of(kind: Kind, rel: String, path: &Path, root: &Path, yaml: &[String]) -> Self {
        match read_bounded(path) {
            Err(error) => Loaded {
                rel,
                read: Err(error),
                outcome: None,
            },
            Ok((bytes, size)) => {
                let outcome =
                    (size <= MAX_BYTES as u64).then(|| parse(kind, &rel, &bytes, root, yaml));
                Loaded {
                    read: Ok((bytes.len() as u64, size)),
                    outcome,
                    rel,
                }
            }
        }
    }
}

/// A file's bytes, or only its first `MAX_BYTES + 1` when it is larger: the parser
/// rejects it by size, and a 50 MB file is not read to the end for that.
fn read_bounded(path: &Path) -> std::io::Result<Read> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut bytes = Vec::new();
    file.take(MAX_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    Ok((bytes, size))
}

#[derive(Default)]
pub(crate) struct Outcome {
    workflow: Option<Workflow>,
    action: Option<Action>,
    source: Option<(String, String)>,
    /// Files a pipeline includes, with their text.
    extra_sources: Vec<(String, String)>,
    external_includes: Vec<String>,
    invalid: Vec<Invalid>,
    dependabot: Option<(String, Node)>,
    renovate: Option<(String, String)>,
}

pub(crate) fn parse(kind: Kind, rel: &str, bytes: &[u8], root: &Path, yaml: &[String]) -> Outcome {
    let mut outcome = Outcome::default();
    if kind == Kind::Renovate {
        outcome.renovate = Some((rel.to_owned(), String::from_utf8_lossy(bytes).into_owned()));
        return outcome;
    }
    let limits = Limits {
        max_bytes: MAX_BYTES,
        merge_keys: kind == Kind::GitLab,
        ..Limits::default()
    };
    let invalid = |problem: signoff_core::diag::Problem| invalid_at(rel, problem);
    let docs = match tree::parse(bytes, rel, &limits) {
        Ok(docs) => docs,
        Err(error) => {
            outcome
                .invalid
                .extend(error.problems.into_iter().map(invalid));
            return outcome;
        }
    };
    let Some(doc) = docs.into_iter().next() else {
        outcome
            .invalid
            .push(invalid(signoff_core::diag::Problem::file(
                "the file is empty",
            )));
        return outcome;
    };
    let text = String::from_utf8_lossy(bytes).into_owned();
    let problems = match kind {
        Kind::Workflow => {
            let (workflow, problems) = model::workflow::read(rel, &doc);
            outcome.workflow = Some(workflow);
            outcome.source = Some((rel.to_owned(), text));
            problems
        }
        Kind::GitLab => {
            outcome.external_includes = model::gitlab::external_includes(&doc);
            let included = with_includes(doc, rel, yaml, root, &limits);
            let (workflow, problems) = model::gitlab::read(rel, &included.doc, &included.origins);
            outcome.workflow = Some(workflow);
            outcome.source = Some((rel.to_owned(), text));
            outcome.extra_sources = included.sources;
            outcome.invalid.extend(included.invalid);
            problems
        }
        Kind::Action => {
            let dir = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
            let (action, problems) = model::action::read(rel, dir, &doc);
            outcome.action = Some(action);
            outcome.source = Some((rel.to_owned(), text));
            problems
        }
        Kind::Dependabot => {
            outcome.dependabot = Some((rel.to_owned(), doc));
            Vec::new()
        }
        Kind::Renovate => Vec::new(),
    };
    outcome
        .invalid
        .extend(problems.into_iter().map(|problem| Invalid {
            path: rel.to_owned(),
            problem,
        }));
    outcome
}

/// A pipeline with the jobs of its local `include:` files added (the including file's own
/// keys win), followed as GitLab follows them (wildcards too, each file once, at most
/// `MAX_INCLUDES`); which file each added key came from; the included files' text; and
/// the includes that could not be read, as findings where they are named.
struct Included {
    doc: Node,
    origins: HashMap<String, String>,
    sources: Vec<(String, String)>,
    invalid: Vec<Invalid>,
}

/// GitLab's own limit on the files one pipeline includes.
const MAX_INCLUDES: usize = 150;

fn with_includes(
    mut doc: Node,
    rel: &str,
    yaml: &[String],
    root: &Path,
    limits: &Limits,
) -> Included {
    let mut included = Included {
        doc: Node {
            pos: doc.pos,
            value: model::Value::Sequence(Vec::new()),
        },
        origins: HashMap::new(),
        sources: Vec::new(),
        invalid: Vec::new(),
    };
    let named = |from: &str, list: Vec<(String, Pos)>| -> Vec<(String, String, Pos)> {
        list.into_iter()
            .map(|(path, pos)| (path, from.to_owned(), pos))
            .collect()
    };
    let mut pending = named(rel, model::gitlab::local_includes(&doc));
    pending.reverse();
    let mut seen = std::collections::HashSet::from([rel.to_owned()]);
    while let Some((pattern, from, pos)) = pending.pop() {
        let cannot = |message: String| {
            Invalid {
            path: from.clone(),
            problem: Problem {
                pos,
                message,
                help: "name a file of this repository in `include: local:`, from its root (`/ci/build.yml`), or add the file".into(),
            },
        }
        };
        let paths: Vec<String> = if pattern.contains('*') {
            match PathGlob::new(&pattern) {
                Ok(glob) => yaml.iter().filter(|p| glob.is_match(p)).cloned().collect(),
                Err(error) => {
                    included.invalid.push(cannot(format!(
                        "`include: {pattern}` is not a valid wildcard: {}",
                        error.kind()
                    )));
                    continue;
                }
            }
        } else {
            vec![pattern.clone()]
        };
        for path in paths {
            if !seen.insert(path.clone()) {
                continue;
            }
            if seen.len() > MAX_INCLUDES + 1 {
                included.invalid.push(cannot(format!("the pipeline includes more than {MAX_INCLUDES} files; `{path}` and the rest were not read")));
                pending.clear();
                break;
            }
            if path.split('/').any(|part| part == "..") {
                included.invalid.push(cannot(format!(
                    "`include: {path}` leaves the repository, so the gate cannot read it"
                )));
                continue;
            }
            let bytes = match read_bounded(&root.join(&path)) {
                Ok((bytes, size)) if size <= MAX_BYTES as u64 => bytes,
                Ok((_, size)) => {
                    included.invalid.push(cannot(format!("`{path}` is {size} bytes, over the {MAX_BYTES} byte limit, so its jobs were not judged")));
                    continue;
                }
                Err(error) => {
                    included.invalid.push(cannot(format!("the pipeline includes `{path}`, which cannot be read ({error}), so its jobs were not judged")));
                    continue;
                }
            };
            let file = match tree::parse(&bytes, &path, limits) {
                Ok(docs) => docs.into_iter().next(),
                Err(error) => {
                    included
                        .invalid
                        .extend(error.problems.into_iter().map(|p| invalid_at(&path, p)));
                    continue;
                }
            };
            let Some(file) = file else { continue };
            included
                .sources
                .push((path.clone(), String::from_utf8_lossy(&bytes).into_owned()));
            let mut nested = named(&path, model::gitlab::local_includes(&file));
            nested.reverse();
            pending.extend(nested);
            let (model::Value::Mapping(entries), model::Value::Mapping(extra)) =
                (&mut doc.value, file.value)
            else {
                continue;
            };
            for entry in extra {
                if entry.key.text != "include"
                    && !entries.iter().any(|e| e.key.text == entry.key.text)
                {
                    included
                        .origins
                        .insert(entry.key.text.clone(), path.clone());
                    entries.push(entry);
                }
            }
        }
    }
    included.doc = doc;
    included
}

/// A problem the YAML reader found in `path`, as an invalid-file finding.
fn invalid_at(path: &str, problem: signoff_core::diag::Problem) -> Invalid {
    Invalid {
        path: path.to_owned(),
        problem: Problem {
            pos: Pos {
                line: u32::try_from(problem.line).unwrap_or(0),
                column: u32::try_from(problem.column).unwrap_or(0),
            },
            message: problem.message,
            help: problem.help.unwrap_or_default(),
        },
    }
}

#[derive(Default)]
struct Found {
    /// Each file the gate reads: its kind, repository-relative name and real path.
    files: Vec<(Kind, String, PathBuf)>,
    manifests: Vec<Manifest>,
    /// Every YAML file, for GitLab's wildcard includes.
    yaml: Vec<String>,
    /// Files the gate would read but cannot (broken links, pipes).
    invalid: Vec<Invalid>,
    /// Files read and parsed during the walk (all but GitLab pipelines, left in `files`).
    loaded: Vec<Loaded>,
}

impl Found {
    fn is_empty(&self) -> bool {
        self.files.is_empty()
            && self.manifests.is_empty()
            && self.yaml.is_empty()
            && self.invalid.is_empty()
            && self.loaded.is_empty()
    }

    fn absorb(&mut self, other: Found) {
        self.files.extend(other.files);
        self.manifests.extend(other.manifests);
        self.yaml.extend(other.yaml);
        self.invalid.extend(other.invalid);
        self.loaded.extend(other.loaded);
    }
}

/// Directories whose manifests are not the repository's own dependencies.
const NOT_OWN: &[&str] = &[
    "node_modules",
    "vendor",
    "third_party",
    "fixtures",
    "testdata",
    "__fixtures__",
    "__snapshots__",
    "bower_components",
];

/// The rules of one `.gitignore`, with the repository-relative directory they apply in.
type Rules = Arc<(String, Gitignore)>;

/// A directory still to list: its path, its repository-relative name, the `.gitignore`
/// rules that apply in it.
type Pending = (PathBuf, String, Vec<Rules>);

/// Walks the tree once, on all cores: every directory is listed once (each listing is a
/// task, and its subdirectories new tasks), its `.gitignore` (seen in that listing, so no
/// extra lookups) applies below it as git applies it, ignored and vendored directories are
/// pruned, and only files whose names the gate can read are looked at further. Links to
/// files are read through; links to directories only under `.github` (where the path
/// decides what a file is), never to one of their own parents. The result does not depend
/// on the order the tasks ran in: files are sorted, and of several unreadable directories
/// the first by name is reported.
fn walk(root: &Path, exclude: &[PathGlob], skip: Option<&Path>) -> Result<Found, LoadError> {
    let mut base: Vec<Rules> = Vec::new();
    // Rules that cannot be read ignore nothing, as git reads them.
    if let Ok(ignore) = Gitignore::from_file(&root.join(".git/info/exclude")) {
        base.push(Arc::new((String::new(), ignore)));
    }
    let walk = Walk {
        root,
        exclude,
        skip,
        found: Mutex::new(Found::default()),
        errors: Mutex::new(Vec::new()),
        linked: Mutex::new(std::collections::HashSet::new()),
    };
    rayon::scope(|scope| walk.visit(scope, (root.to_path_buf(), String::new(), base)));
    let errors = walk.errors.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some((_, error)) = errors.into_iter().min_by(|a, b| a.0.cmp(&b.0)) {
        return Err(error);
    }
    let mut found = walk.found.into_inner().unwrap_or_else(|e| e.into_inner());
    found.files.sort_by(|a, b| a.1.cmp(&b.1));
    found.yaml.sort();
    found.manifests.sort();
    found.invalid.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// The state of one walk, shared by its tasks.
struct Walk<'w> {
    root: &'w Path,
    exclude: &'w [PathGlob],
    skip: Option<&'w Path>,
    found: Mutex<Found>,
    /// Directories or entries that could not be read, by repository-relative name.
    errors: Mutex<Vec<(String, LoadError)>>,
    /// Directories reached through links, so each is walked once.
    linked: Mutex<std::collections::HashSet<PathBuf>>,
}

impl<'w> Walk<'w> {
    /// Walks a directory: lists it, records what it holds, and spawns a task per
    /// subdirectory. Under `.github`, where links to directories are followed once per
    /// target, the subtree is walked in this task, in name order, so which link reaches a
    /// target does not depend on timing.
    fn visit<'s>(&'s self, scope: &rayon::Scope<'s>, first: Pending)
    where
        'w: 's,
    {
        let mut here = vec![first];
        while let Some(pending) = here.pop() {
            self.list(scope, pending, &mut here);
        }
    }

    fn list<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        (dir, rel_dir, mut rules): Pending,
        here: &mut Vec<Pending>,
    ) where
        'w: 's,
    {
        let unreadable = |rel: &str, source| {
            let path = if rel.is_empty() {
                ".".to_owned()
            } else {
                rel.to_owned()
            };
            let error = LoadError::Unreadable {
                path: path.clone(),
                source,
            };
            lock(&self.errors).push((path, error));
        };
        let mut entries = match std::fs::read_dir(&dir)
            .and_then(|listing| listing.collect::<std::io::Result<Vec<_>>>())
        {
            Ok(entries) => entries,
            Err(source) => return unreadable(&rel_dir, source),
        };
        let github = rel_dir == ".github" || rel_dir.starts_with(".github/");
        if github {
            entries.sort_by_key(std::fs::DirEntry::file_name);
        }
        let pushed = here.len();
        if entries.iter().any(|e| e.file_name() == ".gitignore") {
            match Gitignore::from_file(&dir.join(".gitignore")) {
                Ok(ignore) if !ignore.is_empty() => {
                    rules.push(Arc::new((rel_dir.clone(), ignore)));
                }
                _ => {}
            }
        }
        let mut found = Found::default();
        for entry in entries {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let rel = if rel_dir.is_empty() {
                name.clone().into_owned()
            } else {
                let mut rel = String::with_capacity(rel_dir.len() + 1 + name.len());
                rel.push_str(&rel_dir);
                rel.push('/');
                rel.push_str(&name);
                rel
            };
            let path = entry.path();
            let mut kind = match entry.file_type() {
                Ok(kind) => kind,
                Err(source) => {
                    unreadable(&rel, source);
                    continue;
                }
            };
            if kind.is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(target) if target.is_file() => kind = target.file_type(),
                    Ok(target) if target.is_dir() && self.follow_link(&dir, &path, &rel) => {
                        kind = target.file_type();
                    }
                    Ok(_) => {}
                    Err(error) => {
                        if kind_of(&rel).is_some() {
                            found.invalid.push(not_a_file(
                                &rel,
                                format!("the file is a link that cannot be followed ({error})"),
                            ));
                        }
                        continue;
                    }
                }
            }
            if kind.is_dir() {
                if matches!(&*name, ".git" | "node_modules")
                    || self.skip.is_some_and(|s| path == s)
                    || ignored(&rules, &rel, true)
                {
                    continue;
                }
                let pending = (path, rel, rules.clone());
                if github {
                    here.push(pending);
                } else {
                    scope.spawn(move |scope| self.visit(scope, pending));
                }
            } else if !interesting(&name) || ignored(&rules, &rel, false) {
                continue;
            } else if !kind.is_file() {
                if kind_of(&rel).is_some() && !kind.is_symlink() {
                    found.invalid.push(not_a_file(
                        &rel,
                        "the file is not a regular file (a pipe, socket or device)".into(),
                    ));
                }
            } else if !self.exclude.iter().any(|glob| glob.is_match(&rel)) {
                collect(&mut found, rel, path);
            }
        }
        // Popped last first: reversed, the subtree is walked in name order, as links were
        // met.
        here[pushed..].reverse();
        // Each file but a GitLab pipeline is read and parsed while the walk goes on.
        let (gitlab, files): (Vec<_>, Vec<_>) = std::mem::take(&mut found.files)
            .into_iter()
            .partition(|(kind, ..)| *kind == Kind::GitLab);
        found.files = gitlab;
        for (kind, rel, path) in files {
            let root = self.root;
            scope.spawn(move |_| {
                let loaded = Loaded::of(kind, rel, &path, root, &[]);
                lock(&self.found).loaded.push(loaded);
            });
        }
        if !found.is_empty() {
            lock(&self.found).absorb(found);
        }
    }

    /// Whether to walk into the directory a link at `path` (named `rel`, in `dir`) points
    /// to: only under `.github`, once per target, and never into one of the link's own
    /// parents.
    fn follow_link(&self, dir: &Path, path: &Path, rel: &str) -> bool {
        if rel != ".github" && !rel.starts_with(".github/") {
            return false;
        }
        let (Ok(target), Ok(parent)) = (std::fs::canonicalize(path), std::fs::canonicalize(dir))
        else {
            return false;
        };
        !parent.starts_with(&target)
            && !self.root.starts_with(&target)
            && lock(&self.linked).insert(target)
    }
}

/// The value behind a lock, also when a task panicked while holding it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Records a file the walk found: as a manifest, a YAML file and a file to read.
fn collect(found: &mut Found, rel: String, path: PathBuf) {
    if let Some(ecosystem) = ecosystem_of(&rel) {
        found.manifests.push(Manifest {
            ecosystem,
            path: rel.clone(),
        });
    }
    if rel.ends_with(".yml") || rel.ends_with(".yaml") {
        found.yaml.push(rel.clone());
    }
    if let Some(kind) = kind_of(&rel) {
        found.files.push((kind, rel, path));
    }
}

/// A file the gate would read that is not a readable file.
fn not_a_file(rel: &str, why: String) -> Invalid {
    Invalid {
        path: rel.to_owned(),
        problem: Problem {
            pos: Pos::default(),
            message: why,
            help: "make it a regular file with the workflow's YAML, or remove it".into(),
        },
    }
}

/// Whether the nearest `.gitignore` rule that speaks about `rel` (repository-relative)
/// ignores it.
fn ignored(rules: &[Rules], rel: &str, is_dir: bool) -> bool {
    for rule in rules.iter().rev() {
        let (dir, ignore) = &**rule;
        let below = if dir.is_empty() {
            rel
        } else {
            match rel
                .strip_prefix(dir.as_str())
                .and_then(|r| r.strip_prefix('/'))
            {
                Some(below) => below,
                None => continue,
            }
        };
        match ignore.matched(below, is_dir) {
            Matched::Ignore => return true,
            Matched::Whitelist => return false,
            Matched::None => {}
        }
    }
    false
}

/// Whether a file name can be one the gate reads (a YAML file, an action, a manifest):
/// the test every walked file gets, so it allocates nothing.
fn interesting(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "package.json",
        "Cargo.toml",
        "go.mod",
        "pyproject.toml",
        "Pipfile",
        "setup.py",
        "setup.cfg",
        "Gemfile",
        "composer.json",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "mix.exs",
        "Package.swift",
        "packages.config",
        "devcontainer.json",
        ".gitmodules",
        "Dockerfile",
        "Containerfile",
        "renovate.json",
        "renovate.json5",
        ".renovaterc",
        ".renovaterc.json",
        ".renovaterc.json5",
    ];
    const ENDINGS: &[&str] = &[
        ".yml",
        ".yaml",
        ".tf",
        ".csproj",
        ".fsproj",
        ".vbproj",
        ".Dockerfile",
        ".dockerfile",
    ];
    NAMES.contains(&name)
        || ENDINGS.iter().any(|ending| name.ends_with(ending))
        || name.starts_with("Dockerfile.")
        || (name.starts_with("requirements") && name.ends_with(".txt"))
}

pub(crate) fn kind_of(rel: &str) -> Option<Kind> {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    match (dir, name) {
        (".github/workflows", _) if yaml => Some(Kind::Workflow),
        // Actions in fixture and vendored directories are test data, not this repository's.
        (_, "action.yml" | "action.yaml")
            if !dir.split('/').any(|part| NOT_OWN.contains(&part)) =>
        {
            Some(Kind::Action)
        }
        ("", ".gitlab-ci.yml" | ".gitlab-ci.yaml") => Some(Kind::GitLab),
        (".github", "dependabot.yml" | "dependabot.yaml") => Some(Kind::Dependabot),
        (
            "" | ".github" | ".gitlab",
            "renovate.json" | "renovate.json5" | ".renovaterc" | ".renovaterc.json"
            | ".renovaterc.json5",
        ) => Some(Kind::Renovate),
        _ => None,
    }
}

/// The Dependabot ecosystem a file belongs to, unless it sits in a vendored or test
/// fixture directory.
fn ecosystem_of(rel: &str) -> Option<&'static str> {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    if dir.split('/').any(|part| NOT_OWN.contains(&part)) {
        return None;
    }
    let ecosystem = match name {
        "package.json" => "npm",
        "Cargo.toml" => "cargo",
        "go.mod" => "gomod",
        "pyproject.toml" | "Pipfile" | "setup.py" | "setup.cfg" => "pip",
        "Gemfile" => "bundler",
        "composer.json" => "composer",
        "pom.xml" => "maven",
        "build.gradle" | "build.gradle.kts" => "gradle",
        "mix.exs" => "mix",
        "pubspec.yaml" => "pub",
        "Package.swift" => "swift",
        "packages.config" => "nuget",
        "Chart.yaml" => "helm",
        "devcontainer.json" if dir.ends_with(".devcontainer") || dir.is_empty() => "devcontainers",
        ".gitmodules" if dir.is_empty() => "gitsubmodule",
        "Dockerfile" | "Containerfile" => "docker",
        _ if name.starts_with("requirements") && name.ends_with(".txt") => "pip",
        _ if name.starts_with("Dockerfile.")
            || name.ends_with(".Dockerfile")
            || name.ends_with(".dockerfile") =>
        {
            "docker"
        }
        _ if name.ends_with(".csproj")
            || name.ends_with(".fsproj")
            || name.ends_with(".vbproj") =>
        {
            "nuget"
        }
        _ if name.ends_with(".tf") => "terraform",
        _ if dir == ".github/workflows" && (name.ends_with(".yml") || name.ends_with(".yaml")) => {
            "github-actions"
        }
        "action.yml" | "action.yaml" => "github-actions",
        _ => return None,
    };
    Some(ecosystem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_ecosystems_by_path() {
        assert_eq!(kind_of(".github/workflows/ci.yml"), Some(Kind::Workflow));
        assert_eq!(kind_of(".github/workflows/sub/ci.yml"), None);
        assert_eq!(kind_of("actions/setup/action.yaml"), Some(Kind::Action));
        assert_eq!(kind_of(".gitlab-ci.yml"), Some(Kind::GitLab));
        assert_eq!(kind_of(".github/renovate.json5"), Some(Kind::Renovate));
        assert_eq!(ecosystem_of("web/package.json"), Some("npm"));
        assert_eq!(ecosystem_of("web/node_modules/x/package.json"), None);
        assert_eq!(ecosystem_of("crates/a/tests/fixtures/x/Cargo.toml"), None);
        assert_eq!(ecosystem_of("requirements-dev.txt"), Some("pip"));
        assert_eq!(ecosystem_of("deploy/app.Dockerfile"), Some("docker"));
        assert_eq!(ecosystem_of("infra/main.tf"), Some("terraform"));
        assert_eq!(
            ecosystem_of(".github/workflows/ci.yml"),
            Some("github-actions")
        );
    }
}
