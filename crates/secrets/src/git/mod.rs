//! Git access for history and range scans.
//!
//! Object contents are read in-process from the object database (packs and loose objects,
//! with alternates): for a full-history scan every blob is materialised exactly once by
//! walking the packs' delta trees in parallel (see `pack.rs`), which measured several
//! times faster than reading blobs one by one through libgit2 or `git cat-file --batch`
//! (numbers in BENCHMARKS.md). History metadata — which commit introduced a blob at which
//! path, by whom and when — comes from one `git log --raw` run, which git answers quickly
//! from its commit graph and tree diffs.

pub mod history;
pub mod pack;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rayon::prelude::*;

use pack::Pack;

/// A SHA-1 object id.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId(pub [u8; 20]);

impl ObjectId {
    /// Parses 40 hex digits.
    pub fn from_hex(text: &[u8]) -> Option<Self> {
        let mut oid = [0u8; 20];
        hex::decode_to_slice(text.get(..40)?, &mut oid).ok()?;
        Some(ObjectId(oid))
    }

    /// Whether this is the all-zero id git uses for "no object".
    pub fn is_null(&self) -> bool {
        self.0 == [0; 20]
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

/// Object types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Commit,
    Tree,
    Blob,
    Tag,
}

impl ObjectKind {
    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => ObjectKind::Commit,
            2 => ObjectKind::Tree,
            3 => ObjectKind::Blob,
            4 => ObjectKind::Tag,
            _ => return None,
        })
    }

    fn code(self) -> u8 {
        match self {
            ObjectKind::Commit => 1,
            ObjectKind::Tree => 2,
            ObjectKind::Blob => 3,
            ObjectKind::Tag => 4,
        }
    }

    fn from_name(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"commit" => ObjectKind::Commit,
            b"tree" => ObjectKind::Tree,
            b"blob" => ObjectKind::Blob,
            b"tag" => ObjectKind::Tag,
            _ => return None,
        })
    }
}

/// Why git access failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("corrupt git data in {path}: {what}")]
    Corrupt { path: PathBuf, what: String },
    #[error("`git {args}` failed: {message}")]
    Command { args: String, message: String },
    #[error("{0}")]
    Unsupported(String),
}

/// Runs git in `root` and returns stdout.
pub fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(|error| GitError::Command {
            args: args.join(" "),
            message: format!("cannot start git: {error}"),
        })?;
    if !output.status.success() {
        return Err(GitError::Command {
            args: args.join(" "),
            message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        });
    }
    Ok(output.stdout)
}

/// Runs git and returns its trimmed stdout as text.
pub fn git_text(root: &Path, args: &[&str]) -> Result<String, GitError> {
    Ok(String::from_utf8_lossy(&git(root, args)?).trim().to_owned())
}

/// Whether `root` is inside a git work tree or repository.
pub fn is_repository(root: &Path) -> bool {
    git_text(root, &["rev-parse", "--git-dir"]).is_ok()
}

/// Whether the repository has at least one commit.
pub fn has_commits(root: &Path) -> bool {
    // HEAD's ref, not the commit object: a repository whose objects are corrupt has
    // commits that cannot be read, which is an error to report, not "no commits yet".
    git_text(root, &["rev-parse", "--verify", "-q", "HEAD"]).is_ok()
}

/// The object database: packs and loose objects of the repository and its alternates.
pub struct Odb {
    packs: Vec<Pack>,
    loose: Vec<PathBuf>,
}

impl Odb {
    /// Opens the object database of the repository at `root`.
    pub fn open(root: &Path) -> Result<Self, GitError> {
        let format = git_text(root, &["rev-parse", "--show-object-format"])
            .unwrap_or_else(|_| "sha1".into());
        if format != "sha1" {
            return Err(GitError::Unsupported(format!(
                "this repository uses {format} object ids; the history scan reads SHA-1 repositories only"
            )));
        }
        let objects = PathBuf::from(git_text(
            root,
            &[
                "rev-parse",
                "--path-format=absolute",
                "--git-path",
                "objects",
            ],
        )?);
        let mut dirs = vec![objects.clone()];
        let mut index = 0;
        while index < dirs.len() && dirs.len() < 16 {
            if let Ok(text) = std::fs::read_to_string(dirs[index].join("info/alternates")) {
                for line in text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                {
                    let path = if Path::new(line).is_absolute() {
                        PathBuf::from(line)
                    } else {
                        dirs[index].join(line)
                    };
                    if !dirs.contains(&path) {
                        dirs.push(path);
                    }
                }
            }
            index += 1;
        }
        let mut packs = Vec::new();
        let mut loose = Vec::new();
        for dir in &dirs {
            if let Ok(entries) = std::fs::read_dir(dir.join("pack")) {
                let mut idx: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "idx"))
                    .collect();
                idx.sort();
                for path in idx {
                    packs.push(Pack::open(&path)?);
                }
            }
            loose.push(dir.clone());
        }
        Ok(Odb { packs, loose })
    }

    fn loose_path(dir: &Path, oid: &ObjectId) -> PathBuf {
        let hex = oid.to_string();
        dir.join(&hex[..2]).join(&hex[2..])
    }

    fn read_loose_file(path: &Path) -> Result<Option<(ObjectKind, Vec<u8>)>, GitError> {
        let mut compressed = Vec::new();
        match std::fs::File::open(path) {
            Ok(mut file) => file
                .read_to_end(&mut compressed)
                .map_err(|source| GitError::Io {
                    path: path.to_path_buf(),
                    source,
                })?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(GitError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let mut decoder = flate2::read::ZlibDecoder::new(&compressed[..]);
        let mut raw = Vec::new();
        decoder
            .read_to_end(&mut raw)
            .map_err(|_| GitError::Corrupt {
                path: path.to_path_buf(),
                what: "cannot inflate the loose object".into(),
            })?;
        let nul = memchr::memchr(0, &raw).ok_or_else(|| GitError::Corrupt {
            path: path.to_path_buf(),
            what: "no object header".into(),
        })?;
        let header = &raw[..nul];
        let space = memchr::memchr(b' ', header).unwrap_or(header.len());
        let kind = ObjectKind::from_name(&header[..space]).ok_or_else(|| GitError::Corrupt {
            path: path.to_path_buf(),
            what: "unknown object type".into(),
        })?;
        raw.drain(..=nul);
        Ok(Some((kind, raw)))
    }

    /// Reads one object, if present.
    pub fn read(&self, oid: &ObjectId) -> Result<Option<(ObjectKind, Vec<u8>)>, GitError> {
        // Thin deltas resolve their bases through here; corrupt packs whose bases point at
        // each other would recurse without end.
        thread_local!(static DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
        let depth = DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        let result = if depth > 64 {
            Err(GitError::Corrupt {
                path: self.loose.first().cloned().unwrap_or_default(),
                what: format!("the delta bases of {oid} run in a circle across packs"),
            })
        } else {
            self.read_inner(oid)
        };
        DEPTH.with(|d| d.set(d.get() - 1));
        result
    }

    fn read_inner(&self, oid: &ObjectId) -> Result<Option<(ObjectKind, Vec<u8>)>, GitError> {
        for dir in &self.loose {
            if let Some(found) = Self::read_loose_file(&Self::loose_path(dir, oid))? {
                return Ok(Some(found));
            }
        }
        for pack in &self.packs {
            if let Some(offset) = pack.find(oid) {
                let resolve = |base: &ObjectId| self.read(base).ok().flatten();
                return pack.read_at(offset, &resolve).map(Some);
            }
        }
        Ok(None)
    }

    /// Calls `visit` once for every blob in the object database, in parallel. Returns the
    /// problems met (each spoils only the objects that depend on the broken one).
    pub fn for_each_blob<S: Send + Sync>(&self, visit: &pack::Visit<'_, S>) -> Vec<GitError> {
        let mut problems = Vec::new();
        let resolve = |oid: &ObjectId| self.read(oid).ok().flatten();
        for (index, pack) in self.packs.iter().enumerate() {
            let earlier = &self.packs[..index];
            let skip = |oid: &ObjectId| earlier.iter().any(|p| p.contains(oid));
            problems.extend(pack.for_each_blob(&skip, &resolve, visit));
        }
        // Loose objects not in any pack.
        let mut files = Vec::new();
        for dir in &self.loose {
            let Ok(fanout) = std::fs::read_dir(dir) else {
                continue;
            };
            for sub in fanout.flatten() {
                let name = sub.file_name();
                let name = name.to_string_lossy();
                if name.len() != 2 || !name.bytes().all(|b| b.is_ascii_hexdigit()) {
                    continue;
                }
                let Ok(objects) = std::fs::read_dir(sub.path()) else {
                    continue;
                };
                for object in objects.flatten() {
                    let rest = object.file_name();
                    let hex = format!("{name}{}", rest.to_string_lossy());
                    if let Some(oid) =
                        ObjectId::from_hex(hex.as_bytes()).filter(|_| hex.len() == 40)
                    {
                        files.push((oid, object.path()));
                    }
                }
            }
        }
        let loose_problems: Vec<GitError> = files
            .par_iter()
            .filter(|(oid, _)| !self.packs.iter().any(|p| p.contains(oid)))
            .filter_map(|(oid, path)| match Self::read_loose_file(path) {
                Ok(Some((ObjectKind::Blob, data))) => {
                    visit(oid, &data, None, false);
                    None
                }
                Ok(_) => None,
                Err(problem) => Some(problem),
            })
            .collect();
        problems.extend(loose_problems);
        problems
    }

    /// Number of packs.
    pub fn pack_count(&self) -> usize {
        self.packs.len()
    }
}
