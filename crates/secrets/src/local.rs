//! The scopes of a developer's machine: what `git commit` would add (`--mode staged`, the
//! pre-commit hook), and the changes not committed yet (staged, unstaged and untracked
//! files that are not ignored), which a local `signoff check` scans besides the history.

use std::path::Path;

use crate::git::{GitError, ObjectId, Odb, git};
use crate::scan::{Located, Scanned, Setup, Stats, relative_path};

/// `git diff` options that keep the paths and lines git prints as the parser reads them,
/// whatever the user's configuration says.
const DIFF: &[&str] = &[
    "-U0",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-renames",
    "--src-prefix=a/",
    "--dst-prefix=b/",
];

impl Setup<'_> {
    /// Scans what `git commit` would add: the staged version of each staged file, keeping
    /// the secrets on lines the commit adds or changes.
    pub fn staged(&self) -> Result<Scanned, GitError> {
        let mut args = vec!["diff", "--cached"];
        args.extend_from_slice(DIFF);
        // A repository without commits stages against the empty tree.
        let has_head = crate::git::has_commits(self.root);
        if !has_head {
            args.push("--root");
        }
        let changes = git(self.root, &args)
            .ok()
            .and_then(|out| signoff_core::diff::parse(&out).ok())
            .unwrap_or_default();
        let staged = staged_blobs(self.root)?;
        let odb = Odb::open(self.root)?;
        let scanned = Scanned::default();
        let mut located = Vec::new();
        let mut problems = Vec::new();
        for (path, oid) in staged {
            if self.excluded(&path) {
                Stats::add(&scanned.stats.excluded, 1);
                continue;
            }
            let Some((_, data)) = odb.read(&oid)? else {
                problems.push(format!("cannot read the staged version of {path}"));
                continue;
            };
            if data.len() as u64 > self.max_file_bytes {
                Stats::add(&scanned.stats.too_large, 1);
                continue;
            }
            self.path_only(&path, None, &mut located);
            for hit in self.scan_counted(&data, &scanned.stats) {
                // `touches` takes the lines `first..end`, end excluded.
                let end = hit.line + hit.lines.max(1);
                if changes.touches(&path, hit.line, end)
                    && self.keep(&hit, &path, None, &scanned.stats)
                {
                    located.push(Located::in_tree(hit, &path));
                }
            }
        }
        Ok(Scanned {
            located,
            stats: scanned.stats,
            problems,
            uncommitted: None,
        })
    }

    /// Scans the files that differ from HEAD on disk: staged, modified and untracked ones
    /// that are not ignored. Returns how many files that was.
    pub fn uncommitted(&self, into: &mut Scanned) -> Result<u64, GitError> {
        let out = git(
            self.root,
            &[
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=all",
                "--no-renames",
            ],
        )?;
        let mut files = 0;
        let mut found = Vec::new();
        let problems = std::sync::Mutex::new(Vec::new());
        for entry in out.split(|&b| b == 0).filter(|e| e.len() > 3) {
            // `XY path`: a deleted file has nothing to scan.
            let (status, path) = (&entry[..2], &entry[3..]);
            if status.contains(&b'D') {
                continue;
            }
            let path = relative_path(Path::new(&*String::from_utf8_lossy(path)));
            let full = self.root.join(&path);
            // What signoff itself writes (`signoff-out/`) is not the developer's change.
            let ours = self.skip_dir.as_ref().is_some_and(|skip| {
                std::fs::canonicalize(&full).is_ok_and(|p| p.starts_with(skip))
            });
            if ours || !full.is_file() {
                continue;
            }
            files += 1;
            self.scan_file(&full, &path, &into.stats, &problems, &mut found);
        }
        into.located.extend(found);
        into.problems
            .extend(problems.into_inner().unwrap_or_default());
        Ok(files)
    }
}

/// The blob id of each staged file (stage 0), from the index.
fn staged_blobs(root: &Path) -> Result<Vec<(String, ObjectId)>, GitError> {
    let names = git(
        root,
        &[
            "diff",
            "--cached",
            "--name-only",
            "-z",
            "--no-renames",
            "--diff-filter=ACMRT",
        ],
    )
    .or_else(|_| git(root, &["ls-files", "-z", "--cached"]))?;
    let mut paths: Vec<String> = names
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    paths.sort();
    let mut blobs = Vec::new();
    for chunk in paths.chunks(500) {
        let mut args = vec!["ls-files", "-s", "-z", "--"];
        args.extend(chunk.iter().map(String::as_str));
        for entry in git(root, &args)?
            .split(|&b| b == 0)
            .filter(|e| !e.is_empty())
        {
            // `<mode> <oid> <stage>\t<path>`
            let Some(tab) = memchr::memchr(b'\t', entry) else {
                continue;
            };
            let meta: Vec<&[u8]> = entry[..tab].split(|&b| b == b' ').collect();
            if let [mode, oid, b"0"] = meta.as_slice()
                && mode.starts_with(b"100")
                && let Some(oid) = ObjectId::from_hex(oid)
            {
                blobs.push((String::from_utf8_lossy(&entry[tab + 1..]).into_owned(), oid));
            }
        }
    }
    Ok(blobs)
}
