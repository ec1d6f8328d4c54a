//! The range scope: what the commits after a base add, as in a pull request. Each changed
//! blob is scanned whole and loses the hits its previous version already held (every
//! parent's, for a merge, so a merge never "adds" what one side brought in). Each hit is
//! then placed in the head's version of its file, and marked when it sits on a line the
//! range changed: only those get line annotations in a pull request.
//!
//! The head is chosen so that actions/checkout's default merge checkout (`HEAD` is a merge
//! of the pull request's head into the base) scans only the pull request's own commits.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use signoff_core::diff::Changes;

use crate::engine::Hit;
use crate::git::history::{Log, Merges};
use crate::git::{GitError, ObjectId, ObjectKind, Odb, git, git_text};
use crate::scan::{Located, Scanned, Setup, Stats};

/// What a range scan covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    /// Revisions for `git log` (the head, then `^BASE` and other exclusions).
    pub revisions: Vec<String>,
    /// The commit whose version of each file the reported lines refer to.
    pub head: String,
    /// The base commit, when present: changed lines are those of `BASE...HEAD`. `None`
    /// when it is missing (a shallow clone): then no line counts as changed.
    pub base: Option<String>,
}

/// The full id of `rev`, when it names a commit present in the repository.
pub fn resolve(root: &Path, rev: &str) -> Option<String> {
    git_text(
        root,
        &["rev-parse", "--verify", "-q", &format!("{rev}^{{commit}}")],
    )
    .ok()
    .filter(|id| !id.is_empty())
}

/// Plans the range from `base` (a present commit, or `None` when it is missing) to the
/// head: the pull request's head commit when the event names one that is present; the
/// second parent when `HEAD` is a merge whose first parent is the base (the merge checkout
/// without an event); `HEAD` otherwise. When `HEAD` merges the chosen head into something,
/// that first parent (the base branch's tip) is excluded too.
pub fn plan(root: &Path, base: Option<&str>, event_head: Option<&str>) -> Range {
    let base = base.and_then(|b| resolve(root, b));
    let first = resolve(root, "HEAD^1");
    let second = resolve(root, "HEAD^2");
    let head = event_head
        .and_then(|h| resolve(root, h))
        .or_else(|| second.clone().filter(|_| first.is_some() && first == base))
        .or_else(|| resolve(root, "HEAD"))
        .unwrap_or_else(|| "HEAD".to_owned());
    let mut revisions = vec![head.clone()];
    if let Some(base) = &base {
        revisions.push(format!("^{base}"));
    }
    if second.as_deref() == Some(head.as_str())
        && let Some(first) = first
        && Some(&first) != base.as_ref()
    {
        revisions.push(format!("^{first}"));
    }
    Range {
        revisions,
        head,
        base,
    }
}

/// Blobs read and scanned once each.
struct Blobs {
    odb: Odb,
    cache: HashMap<ObjectId, Vec<Hit>>,
    problems: Vec<String>,
}

impl Blobs {
    fn hits(&mut self, setup: &Setup<'_>, oid: &ObjectId, stats: &Stats) -> Vec<Hit> {
        if let Some(hits) = self.cache.get(oid) {
            return hits.clone();
        }
        let hits = match self.odb.read(oid) {
            Ok(Some((ObjectKind::Blob, data))) if data.len() as u64 <= setup.max_file_bytes => {
                setup.scan_counted(&data, stats)
            }
            Ok(Some((ObjectKind::Blob, _))) => {
                Stats::add(&stats.too_large, 1);
                Vec::new()
            }
            Ok(_) => {
                self.problems
                    .push(format!("blob {oid} is missing from the object database"));
                Vec::new()
            }
            Err(error) => {
                self.problems.push(error.to_string());
                Vec::new()
            }
        };
        self.cache.insert(*oid, hits.clone());
        hits
    }
}

impl Setup<'_> {
    /// Scans what the commits of `range` add, with lines in the head's version of each file.
    pub fn range(&self, range: &Range) -> Result<Scanned, GitError> {
        let mut blobs = Blobs {
            odb: Odb::open(self.root)?,
            cache: HashMap::new(),
            problems: Vec::new(),
        };
        let revisions: Vec<&str> = range.revisions.iter().map(String::as_str).collect();
        let log = Log::read(self.root, Merges::Combined, &revisions)?;
        let scanned = Scanned::default();
        let stats = &scanned.stats;
        Stats::add(&stats.commits, log.commits.len() as u64);
        let mut located = Vec::new();
        // The blob each located hit was found in, in step with `located`.
        let mut sources: Vec<ObjectId> = Vec::new();
        let mut by_path = Vec::new();
        for (index, change) in log.changes.iter().enumerate() {
            let path = &log.paths[change.path as usize];
            let commit = &log.commits[change.commit as usize];
            self.path_only(path, Some(commit), &mut by_path);
            let new_hits = blobs.hits(self, &change.new, stats);
            if new_hits.is_empty() {
                continue;
            }
            let parents = std::iter::once(&change.old)
                .chain(log.other_parents.get(&index).into_iter().flatten())
                .filter(|oid| !oid.is_null());
            let mut before: HashSet<(u16, Vec<u8>)> = HashSet::new();
            for old in parents {
                before.extend(
                    blobs
                        .hits(self, old, stats)
                        .into_iter()
                        .map(|h| (h.rule, h.secret)),
                );
            }
            let added: Vec<Hit> = new_hits
                .into_iter()
                .filter(|h| !before.contains(&(h.rule, h.secret.clone())))
                .collect();
            self.place(
                &added,
                path,
                Some((change.commit, commit)),
                stats,
                &mut located,
            );
            sources.resize(located.len(), change.new);
        }
        if !located.is_empty() {
            self.relocate(&mut located, &sources, range, &mut blobs, stats);
        }
        for item in &mut by_path {
            item.on_changed_line = Some(false);
        }
        located.extend(by_path);
        Ok(Scanned {
            located,
            stats: scanned.stats,
            problems: blobs.problems,
            uncommitted: None,
        })
    }

    /// Moves each hit to where its secret sits in the head's version of the file (a later
    /// commit of the range may have moved it), and marks whether that is a changed line.
    fn relocate(
        &self,
        located: &mut [Located],
        sources: &[ObjectId],
        range: &Range,
        blobs: &mut Blobs,
        stats: &Stats,
    ) {
        let tree = head_tree(self.root, &range.head);
        let changed = changed_lines(self.root, range);
        for (item, source) in located.iter_mut().zip(sources) {
            let Some(&blob) = tree.get(&item.path) else {
                // Not in the head at all: the line is the introducing commit's.
                item.on_changed_line = Some(false);
                continue;
            };
            let path = item.path.as_str();
            let on_changed =
                |hit: &Hit| changed.touches(path, hit.line, hit.line + hit.lines.max(1));
            if blob == *source {
                item.on_changed_line = Some(on_changed(&item.hit));
                continue;
            }
            let candidates: Vec<Hit> = blobs
                .hits(self, &blob, stats)
                .into_iter()
                .filter(|h| h.rule == item.hit.rule && h.secret == item.hit.secret)
                .collect();
            let chosen = candidates
                .iter()
                .position(&on_changed)
                .or((!candidates.is_empty()).then_some(0));
            match chosen {
                Some(at) => {
                    item.on_changed_line = Some(on_changed(&candidates[at]));
                    item.hit = candidates[at].clone();
                }
                // Removed again by a later commit of the range.
                None => item.on_changed_line = Some(false),
            }
        }
    }
}

/// Every regular file of `head`'s tree and its blob.
fn head_tree(root: &Path, head: &str) -> HashMap<String, ObjectId> {
    let Ok(out) = git(root, &["ls-tree", "-r", "-z", "--full-tree", head]) else {
        return HashMap::new();
    };
    out.split(|&b| b == 0)
        .filter_map(|entry| {
            // "<mode> <type> <id>\t<path>"
            let tab = memchr::memchr(b'\t', entry)?;
            let mut meta = entry[..tab].split(|&b| b == b' ');
            let mode = meta.next()?;
            let _kind = meta.next()?;
            let oid = ObjectId::from_hex(meta.next()?)?;
            mode.starts_with(b"100")
                .then(|| (String::from_utf8_lossy(&entry[tab + 1..]).into_owned(), oid))
        })
        .collect()
}

/// The lines of the head that `BASE...HEAD` added or changed, from one `git diff`; none
/// when the base is unknown or git cannot say.
fn changed_lines(root: &Path, range: &Range) -> Changes {
    let Some(base) = &range.base else {
        return Changes::default();
    };
    let spec = format!("{base}...{}", range.head);
    // Explicit prefixes: `diff.noprefix` or `diff.mnemonicPrefix` in the user's config
    // would change the paths the parser reads.
    git(
        root,
        &[
            "diff",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-renames",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            &spec,
        ],
    )
    .ok()
    .and_then(|out| signoff_core::diff::parse(&out).ok())
    .unwrap_or_default()
}
