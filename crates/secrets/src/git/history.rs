//! History metadata from one `git log --raw` run: every commit (id, author, date) and
//! every blob it added or changed, with its path. A blob's first appearance at a path is
//! the commit that introduced whatever it contains there.

use std::collections::HashMap;
use std::path::Path;

use super::{GitError, ObjectId, git};

/// A commit's identity and authorship.
#[derive(Debug, Clone)]
pub struct CommitMeta {
    pub id: String,
    pub author: String,
    pub email: String,
    pub date: String,
}

/// A blob a commit added or changed.
#[derive(Debug, Clone, Copy)]
pub struct Change {
    pub commit: u32,
    pub path: u32,
    /// The blob before the change (null when the path is new).
    pub old: ObjectId,
    pub new: ObjectId,
}

/// What `git log --raw` said.
#[derive(Debug, Default)]
pub struct Log {
    pub commits: Vec<CommitMeta>,
    pub paths: Vec<String>,
    /// Every change, oldest commit first.
    pub changes: Vec<Change>,
    /// For changes a merge made (combined diffs), the blobs of the other parents at that
    /// path (`Change::old` is the first parent's), by index into `changes`.
    pub other_parents: HashMap<usize, Vec<ObjectId>>,
}

/// How merge commits are diffed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merges {
    /// Against each parent (`-m`): then every reachable blob appears in some diff (an evil
    /// merge's own blobs included), and a blob that appears in none is unreachable.
    EachParent,
    /// Combined (`-c`): only paths whose merged version differs from every parent's, so a
    /// merge adds what neither side had, never what one side brought in.
    Combined,
}

impl Log {
    /// Runs `git log` with `revisions` (for example `--all`, or `BASE..HEAD`), oldest first.
    pub fn read(root: &Path, merges: Merges, revisions: &[&str]) -> Result<Self, GitError> {
        let mut args = vec![
            "-c",
            "core.quotePath=false",
            "log",
            "--reverse",
            "--raw",
            "--no-renames",
            match merges {
                Merges::EachParent => "-m",
                Merges::Combined => "-c",
            },
            "--no-abbrev",
            "-z",
            "--no-color",
            "--no-ext-diff",
            "--format=%x01%H%x00%an%x00%ae%x00%aI",
        ];
        args.extend_from_slice(revisions);
        args.push("--");
        let out = git(root, &args)?;
        Ok(parse(&out))
    }

    /// For each blob, where it first appeared: (commit index, path index) per path.
    pub fn introductions(&self) -> HashMap<ObjectId, Vec<(u32, u32)>> {
        let mut map: HashMap<ObjectId, Vec<(u32, u32)>> =
            HashMap::with_capacity(self.changes.len());
        for change in &self.changes {
            let entry = map.entry(change.new).or_default();
            if !entry.iter().any(|&(_, path)| path == change.path) {
                entry.push((change.commit, change.path));
            }
        }
        map
    }
}

/// [`parse`], for the fuzz targets.
#[doc(hidden)]
pub fn fuzzing_parse(out: &[u8]) -> Log {
    parse(out)
}

fn parse(out: &[u8]) -> Log {
    let mut log = Log::default();
    let mut path_ids: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut tokens = out.split(|&b| b == 0).peekable();
    let mut current: Option<u32> = None;
    while let Some(token) = tokens.next() {
        let token = token.strip_prefix(b"\n").unwrap_or(token);
        if let Some(id) = token.strip_prefix(b"\x01") {
            let mut field =
                || String::from_utf8_lossy(tokens.next().unwrap_or_default()).into_owned();
            let (author, email, date) = (field(), field(), field());
            log.commits.push(CommitMeta {
                id: String::from_utf8_lossy(id).into_owned(),
                author,
                email,
                date,
            });
            current = Some(log.commits.len() as u32 - 1);
            continue;
        }
        // ":<old mode> <new mode> <old id> <new id> <status>" then the path token; a
        // combined diff of a merge with N parents starts with N colons and lists N old
        // modes and ids.
        let parents = token.iter().take_while(|&&b| b == b':').count();
        if parents == 0 {
            continue;
        }
        let raw = &token[parents..];
        let fields: Vec<&[u8]> = raw.split(|&b| b == b' ').collect();
        let path = tokens.next().unwrap_or_default();
        let Some(commit) = current else { continue };
        if fields.len() < 2 * parents + 3 {
            continue;
        }
        let (new_mode, olds, new, status) = (
            fields[parents],
            &fields[parents + 1..2 * parents + 1],
            fields[2 * parents + 1],
            fields[2 * parents + 2],
        );
        // Only regular files and executables hold text; skip symlinks (120000) and
        // submodules (160000).
        if !new_mode.starts_with(b"100") || status.first() == Some(&b'D') {
            continue;
        }
        let olds: Option<Vec<ObjectId>> = olds.iter().map(|o| ObjectId::from_hex(o)).collect();
        let (Some(olds), Some(new)) = (olds, ObjectId::from_hex(new)) else {
            continue;
        };
        let old = olds[0];
        let next = path_ids.len() as u32;
        let path_id = *path_ids.entry(path.to_vec()).or_insert_with(|| {
            log.paths.push(String::from_utf8_lossy(path).into_owned());
            next
        });
        if olds.len() > 1 {
            log.other_parents
                .insert(log.changes.len(), olds[1..].to_vec());
        }
        log.changes.push(Change {
            commit,
            path: path_id,
            old,
            new,
        });
    }
    log
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_raw_log_with_odd_paths() {
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let zero = "0".repeat(40);
        let text = format!(
            "\x01c1\0Ada\0ada@x\x002026-01-01T00:00:00Z\0\n:000000 100644 {zero} {a} A\0dir/ü <b>.txt\0\
             \x01c2\0Ben\0ben@x\x002026-01-02T00:00:00Z\0\n:100644 100644 {a} {b} M\0dir/ü <b>.txt\0\
             :100644 000000 {b} {zero} D\0gone\0:000000 120000 {zero} {a} A\0link\0"
        );
        let log = parse(text.as_bytes());
        assert_eq!(log.commits.len(), 2);
        assert_eq!(log.commits[1].author, "Ben");
        assert_eq!(log.changes.len(), 2);
        assert_eq!(log.paths, ["dir/ü <b>.txt"]);
        let intro = log.introductions();
        assert_eq!(intro[&ObjectId::from_hex(b.as_bytes()).unwrap()], [(1, 0)]);
    }

    #[test]
    fn combined_merge_diffs_keep_every_parents_blob() {
        let (a, b, c) = ("a".repeat(40), "b".repeat(40), "c".repeat(40));
        let text = format!(
            "\x01m\0Ada\0ada@x\x002026-01-01T00:00:00Z\0\n::100644 100644 100644 {a} {b} {c} MM\0f.txt\0"
        );
        let log = parse(text.as_bytes());
        assert_eq!(log.changes.len(), 1);
        let change = log.changes[0];
        assert_eq!(change.old, ObjectId::from_hex(a.as_bytes()).unwrap());
        assert_eq!(change.new, ObjectId::from_hex(c.as_bytes()).unwrap());
        assert_eq!(
            log.other_parents[&0],
            [ObjectId::from_hex(b.as_bytes()).unwrap()]
        );
    }
}
