//! The scopes: the working tree and the full history here, a range of commits in
//! `range.rs`. Each returns located hits (a hit, its path and, in git scopes, the commit
//! that introduced it) and the counts of what was scanned and skipped.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use globset::GlobSet;

use crate::engine::{Hit, Scanner};
use crate::git::history::{CommitMeta, Log, Merges};
use crate::git::pack::Copies;
use crate::git::{GitError, ObjectId, Odb};
use crate::rules::{Candidate, Ruleset};

/// A hit placed in the repository.
#[derive(Debug, Clone)]
pub struct Located {
    pub hit: Hit,
    pub path: String,
    pub commit: Option<CommitMeta>,
    /// Position of the commit in history, oldest first (`u32::MAX` when unknown).
    pub order: u32,
    /// Range scans: whether the hit sits on a line the range changed, in the head's version
    /// of the file (only those get line annotations in a pull request). `None` elsewhere.
    pub on_changed_line: Option<bool>,
    /// History scans: the secret's line in HEAD's version of the file, or `Some(None)` when
    /// HEAD no longer holds it there. `None` where not looked up.
    pub head_line: Option<Option<u32>>,
}

impl Located {
    /// A hit in a file of the working tree or the index (no commit).
    pub fn in_tree(hit: Hit, path: &str) -> Self {
        Located {
            hit,
            path: path.to_owned(),
            commit: None,
            order: u32::MAX,
            on_changed_line: None,
            head_line: None,
        }
    }
}

/// Looks up where each history hit stands at HEAD: the line of its first occurrence in
/// HEAD's version of its file, or gone. Paths are resolved with one `git ls-tree`, blobs
/// read from the object database.
pub fn mark_head(root: &Path, located: &mut [Located]) -> Result<(), GitError> {
    if located.is_empty() {
        return Ok(());
    }
    let mut paths: Vec<&str> = located.iter().map(|l| l.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    let mut blobs: std::collections::HashMap<String, ObjectId> = std::collections::HashMap::new();
    for chunk in paths.chunks(500) {
        let mut args = vec!["ls-tree", "-z", "--full-tree", "HEAD", "--"];
        args.extend(chunk.iter().copied());
        let out = crate::git::git(root, &args)?;
        for entry in out.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            // `<mode> blob <oid>\t<path>`
            let Some(tab) = memchr::memchr(b'\t', entry) else {
                continue;
            };
            let meta: Vec<&[u8]> = entry[..tab].split(|&b| b == b' ').collect();
            if let [_, b"blob", oid] = meta.as_slice()
                && let Some(oid) = ObjectId::from_hex(oid)
            {
                blobs.insert(String::from_utf8_lossy(&entry[tab + 1..]).into_owned(), oid);
            }
        }
    }
    let odb = Odb::open(root)?;
    let mut cache: std::collections::HashMap<ObjectId, Vec<u8>> = std::collections::HashMap::new();
    for item in located.iter_mut() {
        let Some(oid) = blobs.get(&item.path) else {
            item.head_line = Some(None);
            continue;
        };
        if !cache.contains_key(oid)
            && let Some((_, data)) = odb.read(oid)?
        {
            cache.insert(*oid, data);
        }
        let found = cache.get(oid).and_then(|data| {
            let needle = item.hit.secret.as_slice();
            (!needle.is_empty())
                .then(|| memchr::memmem::find(data, needle))
                .flatten()
                .map(|at| memchr::memchr_iter(b'\n', &data[..at]).count() as u32 + 1)
        });
        item.head_line = Some(found);
    }
    Ok(())
}

/// Counts of what a scan covered and skipped.
#[derive(Debug, Default)]
pub struct Stats {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
    pub binary: AtomicU64,
    pub too_large: AtomicU64,
    pub symlinks: AtomicU64,
    pub unreadable: AtomicU64,
    pub excluded: AtomicU64,
    pub inline_allowed: AtomicU64,
    pub allowlisted: AtomicU64,
    pub commits: AtomicU64,
    pub unreachable: AtomicU64,
    /// Weak passwords in example files (`.env.example`), placeholders for one's own.
    pub example_placeholders: AtomicU64,
}

impl Stats {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// A counter's value.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// What every scope needs.
pub struct Setup<'a> {
    pub root: &'a Path,
    pub rules: &'a Ruleset,
    pub scanner: Scanner<'a>,
    pub exclude: GlobSet,
    pub max_file_bytes: u64,
    /// A directory never walked (the output directory, when it lies inside the root).
    pub skip_dir: Option<PathBuf>,
}

/// What a scope produced.
#[derive(Default)]
pub struct Scanned {
    pub located: Vec<Located>,
    pub stats: Stats,
    /// Problems that did not stop the scan (each also counted).
    pub problems: Vec<String>,
    /// Local history and range scans: files not committed yet that were scanned too
    /// (counted in `stats.files` as well).
    pub uncommitted: Option<u64>,
}

impl Setup<'_> {
    pub(crate) fn excluded(&self, path: &str) -> bool {
        self.exclude.is_match(path)
            || self.rules.global.iter().any(|a| a.allows_path(path))
            || crate::paths::is_scanner_config(path)
    }

    /// Applies what needs the path and commit: rule `path` filters and allowlists.
    pub(crate) fn keep(&self, hit: &Hit, path: &str, commit: Option<&str>, stats: &Stats) -> bool {
        let detector = self.rules.detector(hit.rule);
        // An unquoted value is an identifier in program code; a password's name in a
        // translation catalogue labels a field.
        if hit.bare && crate::paths::is_code(path) {
            return false;
        }
        if detector.kind == crate::rules::Kind::HardcodedCredential
            && crate::paths::is_translation(path)
        {
            return false;
        }
        if detector.native.is_some() && crate::paths::is_lockfile(path) {
            return false;
        }
        // A weak password in a file to copy from is the placeholder for one's own.
        if detector.kind == crate::rules::Kind::HardcodedCredential
            && !hit.fallback
            && crate::paths::is_example_file(path)
        {
            Stats::add(&stats.example_placeholders, 1);
            return false;
        }
        if detector
            .path
            .as_ref()
            .is_some_and(|re| !re.is_match(path.as_bytes()))
        {
            return false;
        }
        let candidate = Candidate {
            path,
            commit,
            secret: &hit.secret,
            matched: &hit.matched,
            line: &hit.line_text,
        };
        let allowed = detector.allowlists.iter().any(|a| a.allows(&candidate))
            || self.rules.global.iter().any(|a| {
                (a.target_rules.is_empty() || a.target_rules.iter().any(|r| r == detector.id))
                    && a.allows(&candidate)
            });
        if allowed {
            Stats::add(&stats.allowlisted, 1);
        }
        !allowed
    }

    /// Findings for rules that match on the path alone.
    pub(crate) fn path_only(
        &self,
        path: &str,
        commit: Option<&CommitMeta>,
        out: &mut Vec<Located>,
    ) {
        for &rule in &self.rules.path_only {
            let detector = self.rules.detector(rule);
            if detector
                .path
                .as_ref()
                .is_some_and(|re| re.is_match(path.as_bytes()))
            {
                let hit = Hit {
                    rule,
                    offset: 0,
                    span: (0, 0),
                    line: 0,
                    column: 0,
                    lines: 0,
                    secret: path.as_bytes().to_vec(),
                    matched: Vec::new(),
                    line_text: Vec::new(),
                    entropy: 0.0,
                    decoded: None,
                    bare: false,
                    fallback: false,
                };
                out.push(Located {
                    hit,
                    path: path.to_owned(),
                    commit: commit.cloned(),
                    order: u32::MAX,
                    on_changed_line: None,
                    head_line: None,
                });
            }
        }
    }

    /// Scans the files on disk under the root (honouring .gitignore, skipping `.git`).
    pub fn tree(&self) -> Scanned {
        let scanned = Scanned::default();
        let located = Mutex::new(Vec::new());
        let problems = Mutex::new(Vec::new());
        let skip = self.skip_dir.clone();
        let walker = ignore::WalkBuilder::new(self.root)
            .hidden(false)
            .follow_links(false)
            .require_git(false)
            .git_global(false)
            .filter_entry(move |entry| {
                entry.file_name() != ".git"
                    && !(entry.file_type().is_some_and(|t| t.is_dir())
                        && skip.as_ref().is_some_and(|skip| {
                            std::fs::canonicalize(entry.path()).is_ok_and(|p| &p == skip)
                        }))
            })
            .threads(rayon::current_num_threads().max(1))
            .build_parallel();
        let stats = &scanned.stats;
        walker.run(|| {
            Box::new(|entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        Stats::add(&stats.unreadable, 1);
                        if let Ok(mut p) = problems.lock() {
                            p.push(error.to_string());
                        }
                        return ignore::WalkState::Continue;
                    }
                };
                let Some(kind) = entry.file_type() else {
                    return ignore::WalkState::Continue;
                };
                if kind.is_symlink() {
                    Stats::add(&stats.symlinks, 1);
                    return ignore::WalkState::Continue;
                }
                if !kind.is_file() {
                    return ignore::WalkState::Continue;
                }
                let relative = entry.path().strip_prefix(self.root).unwrap_or(entry.path());
                let path = relative_path(relative);
                let mut found = Vec::new();
                self.scan_file(entry.path(), &path, stats, &problems, &mut found);
                if !found.is_empty()
                    && let Ok(mut l) = located.lock()
                {
                    l.extend(found);
                }
                ignore::WalkState::Continue
            })
        });
        Scanned {
            located: located.into_inner().unwrap_or_default(),
            stats: scanned.stats,
            problems: problems.into_inner().unwrap_or_default(),
            uncommitted: None,
        }
    }

    pub(crate) fn scan_file(
        &self,
        full: &Path,
        path: &str,
        stats: &Stats,
        problems: &Mutex<Vec<String>>,
        out: &mut Vec<Located>,
    ) {
        if self.excluded(path) {
            Stats::add(&stats.excluded, 1);
            return;
        }
        self.path_only(path, None, out);
        let size = std::fs::metadata(full).map(|m| m.len()).unwrap_or(0);
        if size > self.max_file_bytes {
            Stats::add(&stats.too_large, 1);
            return;
        }
        let data = match std::fs::read(full) {
            Ok(data) => data,
            Err(error) => {
                Stats::add(&stats.unreadable, 1);
                if let Ok(mut p) = problems.lock() {
                    p.push(format!("cannot read {path}: {error}"));
                }
                return;
            }
        };
        for hit in self.scan_counted(&data, stats) {
            if self.keep(&hit, path, None, stats) {
                out.push(Located::in_tree(hit, path));
            }
        }
    }

    /// Scans one whole file or blob and counts it.
    pub(crate) fn scan_counted(&self, data: &[u8], stats: &Stats) -> Vec<Hit> {
        Stats::add(&stats.files, 1);
        Stats::add(&stats.bytes, data.len() as u64);
        signoff_core::progress::add(signoff_core::progress::Unit::Files, 1);
        signoff_core::progress::add(signoff_core::progress::Unit::Bytes, data.len() as u64);
        let outcome = self.scanner.scan(data);
        if outcome.binary {
            Stats::add(&stats.binary, 1);
        }
        Stats::add(&stats.inline_allowed, u64::from(outcome.inline_allowed));
        outcome.hits
    }

    /// Scans every blob reachable from any ref, once each, and attributes each hit to the
    /// commit that introduced it at each path.
    pub fn history(&self) -> Result<Scanned, GitError> {
        let started = std::time::Instant::now();
        let odb = Odb::open(self.root)?;
        let root = self.root.to_path_buf();
        // History metadata comes from git while the blobs are scanned.
        let log_thread =
            std::thread::spawn(move || Log::read(&root, Merges::EachParent, &["--all"]));
        let scanned = Scanned::default();
        let stats = &scanned.stats;
        let hits: Mutex<Vec<(ObjectId, Vec<Hit>)>> = Mutex::new(Vec::new());
        // Each blob's hits are handed to the blobs deltified from it, which then rescan only
        // what their delta changed. `None`: the blob was not scanned (too large, binary).
        type State = Option<Arc<Vec<Hit>>>;
        let visit = |oid: &ObjectId,
                     data: &[u8],
                     parent: Option<(&State, &Copies)>,
                     seen: bool|
         -> State {
            if data.len() as u64 > self.max_file_bytes {
                if !seen {
                    Stats::add(&stats.too_large, 1);
                }
                return None;
            }
            let outcome = match parent {
                Some((Some(base_hits), copies)) => self.scanner.scan_delta(data, base_hits, copies),
                _ => self.scanner.scan(data),
            };
            if outcome.binary {
                if !seen {
                    Stats::add(&stats.binary, 1);
                }
                return None;
            }
            if !seen {
                Stats::add(&stats.files, 1);
                Stats::add(&stats.bytes, data.len() as u64);
                signoff_core::progress::add(signoff_core::progress::Unit::Blobs, 1);
                signoff_core::progress::add(signoff_core::progress::Unit::Bytes, data.len() as u64);
                Stats::add(&stats.inline_allowed, u64::from(outcome.inline_allowed));
                if !outcome.hits.is_empty()
                    && let Ok(mut h) = hits.lock()
                {
                    h.push((*oid, outcome.hits.clone()));
                }
            }
            Some(Arc::new(outcome.hits))
        };
        let problems: Vec<String> = odb
            .for_each_blob(&visit)
            .iter()
            .map(ToString::to_string)
            .collect();
        tracing::debug!(
            "blobs scanned after {:?}: {} bytes read by the keyword pass",
            started.elapsed(),
            crate::engine::SCANNED.load(std::sync::atomic::Ordering::Relaxed)
        );
        let log = log_thread
            .join()
            .map_err(|_| GitError::Unsupported("reading the history failed".into()))??;
        tracing::debug!("history read after {:?}", started.elapsed());
        Stats::add(&stats.commits, log.commits.len() as u64);
        signoff_core::progress::add(
            signoff_core::progress::Unit::Commits,
            log.commits.len() as u64,
        );
        let introductions = log.introductions();
        let mut unattributed: Vec<ObjectId> = Vec::new();
        let blob_hits = hits.into_inner().unwrap_or_default();
        // Each secret at a path is judged once, at the oldest commit that has it there, as
        // gitleaks judges the commit whose diff adds it: an allowlisted commit's secret is
        // not reported again by later commits that only touch other lines of the file.
        let mut placed: Vec<(u32, u32, &Hit)> = Vec::new();
        for (oid, blob_hits) in &blob_hits {
            let Some(places) = introductions.get(oid) else {
                unattributed.push(*oid);
                continue;
            };
            for &(commit, path) in places {
                placed.extend(blob_hits.iter().map(|hit| (commit, path, hit)));
            }
        }
        placed.sort_by_key(|&(commit, path, hit)| (commit, path, hit.offset));
        let mut seen: HashSet<(u32, u16, &[u8])> = HashSet::new();
        placed.retain(|&(_, path, hit)| seen.insert((path, hit.rule, hit.secret.as_slice())));
        let mut located = Vec::new();
        for group in placed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            let (commit, path) = (group[0].0, group[0].1);
            self.place(
                group.iter().map(|&(_, _, hit)| hit),
                &log.paths[path as usize],
                Some((commit, &log.commits[commit as usize])),
                stats,
                &mut located,
            );
        }
        // With merges diffed too, a blob no commit introduced is reachable from no ref
        // (a dangling object left by a rewrite): it is not part of the history.
        Stats::add(&stats.unreachable, unattributed.len() as u64);
        if !self.rules.path_only.is_empty() {
            // The first commit that changed each path, in one pass over the changes.
            let mut first: Vec<Option<u32>> = vec![None; log.paths.len()];
            for change in &log.changes {
                first[change.path as usize].get_or_insert(change.commit);
            }
            for (path, commit) in log.paths.iter().zip(first) {
                let commit = commit.map(|c| &log.commits[c as usize]);
                self.path_only(path, commit, &mut located);
            }
        }
        Ok(Scanned {
            located,
            stats: scanned.stats,
            problems,
            uncommitted: None,
        })
    }

    pub(crate) fn place<'h>(
        &self,
        hits: impl IntoIterator<Item = &'h Hit>,
        path: &str,
        commit: Option<(u32, &CommitMeta)>,
        stats: &Stats,
        out: &mut Vec<Located>,
    ) {
        if self.excluded(path) {
            Stats::add(&stats.excluded, 1);
            return;
        }
        for hit in hits {
            if self.keep(hit, path, commit.map(|(_, c)| c.id.as_str()), stats) {
                out.push(Located {
                    hit: hit.clone(),
                    path: path.to_owned(),
                    commit: commit.map(|(_, c)| c.clone()),
                    order: commit.map_or(u32::MAX, |(order, _)| order),
                    on_changed_line: None,
                    head_line: None,
                });
            }
        }
    }
}

/// A repository-relative path with `/` separators.
pub fn relative_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = if std::path::MAIN_SEPARATOR == '/' {
        text.into_owned()
    } else {
        text.replace('\\', "/")
    };
    text.trim_start_matches("./").to_owned()
}

/// Builds the exclude glob set.
pub fn exclude_set(globs: &[signoff_core::policy::PathGlob]) -> GlobSet {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in globs {
        if let Ok(compiled) = globset::GlobBuilder::new(&glob.pattern)
            .literal_separator(true)
            .build()
        {
            builder.add(compiled);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Where the scan root is, as given.
pub fn root_of(path: Option<&PathBuf>) -> PathBuf {
    path.cloned().unwrap_or_else(|| PathBuf::from("."))
}
