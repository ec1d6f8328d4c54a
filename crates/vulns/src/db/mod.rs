//! The OSV database on disk: one folder per ecosystem holding the export as OSV publishes
//! it (`<Ecosystem>/all.zip`), what the last download learnt (`all.zip.meta.json`: ETag,
//! Last-Modified, when it was checked) and a name index (`all.zip.index`) so a scan reads
//! only the records of the packages in the SBOM.
//!
//! Where: `--db DIR`, else `$SIGNOFF_VULN_DB`, else the user cache (`$XDG_CACHE_HOME` or
//! `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) under
//! `signoff/osv`.

pub(crate) mod index;
pub(crate) mod zipread;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ecosystem::Ecosystem;

/// The export's file name inside an ecosystem's folder.
pub(crate) const ZIP: &str = "all.zip";
/// Download metadata beside it.
pub(crate) const META: &str = "all.zip.meta.json";

/// The database directory in force, and where the choice came from (for messages).
pub(crate) fn location(flag: Option<&Path>) -> (PathBuf, &'static str) {
    if let Some(path) = flag {
        return (path.to_path_buf(), "--db");
    }
    if let Some(path) = std::env::var_os("SIGNOFF_VULN_DB").filter(|v| !v.is_empty()) {
        return (PathBuf::from(path), "$SIGNOFF_VULN_DB");
    }
    (user_cache().join("signoff").join("osv"), "the user cache")
}

fn user_cache() -> PathBuf {
    let env = |key: &str| {
        std::env::var_os(key)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(windows) {
        return env("LOCALAPPDATA").unwrap_or_else(|| PathBuf::from("."));
    }
    if cfg!(target_os = "macos") {
        return env("HOME").map_or_else(|| PathBuf::from(".cache"), |h| h.join("Library/Caches"));
    }
    env("XDG_CACHE_HOME")
        .or_else(|| env("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"))
}

/// The folder of one ecosystem.
pub(crate) fn folder(db: &Path, ecosystem: Ecosystem) -> PathBuf {
    db.join(ecosystem.osv_name())
}

/// What `update` recorded about a download.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct Meta {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// When the server last confirmed this copy is current (download or 304), RFC 3339.
    pub checked_at: String,
    /// When these bytes were downloaded, RFC 3339.
    pub downloaded_at: String,
    pub size: u64,
    pub sha256: String,
}

impl Meta {
    pub(crate) fn read(folder: &Path) -> Option<Meta> {
        let bytes = std::fs::read(folder.join(META)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

/// One ecosystem's export as found on disk.
#[derive(Debug, Clone)]
pub(crate) struct Export {
    pub ecosystem: Ecosystem,
    pub zip: PathBuf,
    /// Seconds since the data was last known current: the last check by `update`, else
    /// the file's modification time.
    pub age_seconds: u64,
    pub meta: Option<Meta>,
}

/// Finds the export of `ecosystem` under `db`, if present.
pub(crate) fn export(db: &Path, ecosystem: Ecosystem) -> Option<Export> {
    let folder = folder(db, ecosystem);
    let zip = folder.join(ZIP);
    let metadata = std::fs::metadata(&zip).ok().filter(|m| m.is_file())?;
    let meta = Meta::read(&folder);
    let now = jiff::Timestamp::now();
    let checked = meta
        .as_ref()
        .and_then(|m| m.checked_at.parse::<jiff::Timestamp>().ok())
        .or_else(|| {
            metadata
                .modified()
                .ok()
                .and_then(|t| jiff::Timestamp::try_from(t).ok())
        })
        .unwrap_or(now);
    let age_seconds = u64::try_from(now.as_second() - checked.as_second()).unwrap_or(0);
    Some(Export {
        ecosystem,
        zip,
        age_seconds,
        meta,
    })
}

/// Whether the database in force (`--db`, else `$SIGNOFF_VULN_DB`, else the user cache)
/// holds any ecosystem's export yet: `signoff check` runs the gate only then, unless the
/// policy requires it.
pub fn downloaded(flag: Option<&Path>) -> bool {
    let (dir, _) = location(flag);
    std::fs::read_dir(&dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.path().join(ZIP).is_file())
    })
}
