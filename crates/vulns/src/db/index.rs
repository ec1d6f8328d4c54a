//! The name index of an export: which records name which package. Built from the zip in
//! one parallel pass the first time (every record inflated once, only its package names
//! parsed), saved beside the zip, and then used to read just the records of the SBOM's
//! packages. A saved index that no longer fits its zip (size, time, or an entry that is
//! not where it says) is rebuilt, never trusted.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use super::zipread::{self, Entry, EntryError, read_at};
use crate::ecosystem::Ecosystem;
use crate::osv::Record;

const MAGIC: &[u8] = b"SIGNOFF-OSV-INDEX 1\n";
/// Compressed bytes read at once per worker while building.
const CHUNK: u64 = 4 * 1024 * 1024;

/// Why an export could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum DbError {
    #[error("cannot open {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a readable zip archive: {message}")]
    Zip { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Entry { path: PathBuf, source: EntryError },
}

/// What reading an export for a set of names gave.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// Records naming a wanted package (parsed; withdrawn ones included).
    pub records: Vec<Record>,
    /// Records in the export.
    pub total: u64,
    /// Records that are not valid OSV JSON (counted, skipped).
    pub unparsable: u64,
    /// Whether the index had to be built in this run.
    pub built_index: bool,
}

/// The index file of a zip.
pub(crate) fn index_path(zip: &Path) -> PathBuf {
    zip.with_extension("zip.index")
}

/// Reads the records of `ecosystem` naming any of `wanted` (normalised names).
pub(crate) fn read(
    zip: &Path,
    ecosystem: Ecosystem,
    wanted: &HashSet<String>,
) -> Result<Found, DbError> {
    let open = |path: &Path| {
        File::open(path).map_err(|source| DbError::Open {
            path: path.to_path_buf(),
            source,
        })
    };
    let file = open(zip)?;
    let stamp = stamp(&file);
    if let Some(index) = load(&index_path(zip), stamp) {
        match read_indexed(&file, &index, wanted) {
            Ok(mut found) => {
                found.total = index.entries.len() as u64;
                return Ok(found);
            }
            Err(error) => tracing::warn!("{}: {error}; rebuilding the index", zip.display()),
        }
    }
    let (index, found) = build(zip, &file, ecosystem, wanted)?;
    let bytes = index.encode(stamp);
    if let Err(error) = signoff_core::fs::write_atomic(&index_path(zip), &bytes) {
        tracing::warn!("cannot save the index of {}: {error}", zip.display());
    }
    Ok(found)
}

/// Builds and saves the index of `zip` (used by `update`).
pub(crate) fn rebuild(zip: &Path, ecosystem: Ecosystem) -> Result<u64, DbError> {
    let file = File::open(zip).map_err(|source| DbError::Open {
        path: zip.to_path_buf(),
        source,
    })?;
    let stamp = stamp(&file);
    let (index, found) = build(zip, &file, ecosystem, &HashSet::new())?;
    let bytes = index.encode(stamp);
    signoff_core::fs::write_atomic(&index_path(zip), &bytes).map_err(|source| DbError::Open {
        path: index_path(zip),
        source,
    })?;
    Ok(found.total)
}

/// Size and modification time of the zip, which the index must match.
fn stamp(file: &File) -> (u64, u64) {
    let metadata = file.metadata().ok();
    let size = metadata.as_ref().map_or(0, std::fs::Metadata::len);
    let modified = metadata
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (size, modified)
}

struct Index {
    entries: Vec<Entry>,
    names: HashMap<String, Vec<u32>>,
}

impl Index {
    fn encode(&self, stamp: (u64, u64)) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.entries.len() * 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&stamp.0.to_le_bytes());
        out.extend_from_slice(&stamp.1.to_le_bytes());
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for e in &self.entries {
            out.extend_from_slice(&e.header.to_le_bytes());
            out.extend_from_slice(&e.compressed.to_le_bytes());
            out.extend_from_slice(&e.size.to_le_bytes());
            out.extend_from_slice(&e.crc32.to_le_bytes());
            out.extend_from_slice(&e.method.to_le_bytes());
        }
        out.extend_from_slice(&(self.names.len() as u32).to_le_bytes());
        for (name, list) in &self.names {
            let bytes = &name.as_bytes()[..name.len().min(u16::MAX as usize)];
            out.extend_from_slice(&(bytes.len() as u16).to_le_bytes());
            out.extend_from_slice(bytes);
            out.extend_from_slice(&(list.len() as u32).to_le_bytes());
            for index in list {
                out.extend_from_slice(&index.to_le_bytes());
            }
        }
        out
    }
}

/// A bounds-checked little-endian reader.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

fn load(path: &Path, stamp: (u64, u64)) -> Option<Index> {
    let bytes = std::fs::read(path).ok()?;
    let mut r = Bytes(bytes.strip_prefix(MAGIC)?);
    if (r.u64()?, r.u64()?) != stamp {
        return None;
    }
    let count = r.u32()? as usize;
    let mut entries = Vec::with_capacity(count.min(bytes.len() / 30));
    for _ in 0..count {
        entries.push(Entry {
            header: r.u64()?,
            compressed: r.u64()?,
            size: r.u64()?,
            crc32: r.u32()?,
            method: r.u16()?,
        });
    }
    let names_count = r.u32()? as usize;
    let mut names = HashMap::with_capacity(names_count.min(bytes.len() / 8));
    for _ in 0..names_count {
        let length = r.u16()? as usize;
        let name = String::from_utf8(r.take(length)?.to_vec()).ok()?;
        let n = r.u32()? as usize;
        let mut list = Vec::with_capacity(n.min(count));
        for _ in 0..n {
            let index = r.u32()?;
            if index as usize >= count {
                return None;
            }
            list.push(index);
        }
        names.insert(name, list);
    }
    r.0.is_empty().then_some(Index { entries, names })
}

fn read_indexed(file: &File, index: &Index, wanted: &HashSet<String>) -> Result<Found, EntryError> {
    let mut wanted_entries: Vec<u32> = wanted
        .iter()
        .filter_map(|name| index.names.get(name))
        .flatten()
        .copied()
        .collect();
    wanted_entries.sort_unstable();
    wanted_entries.dedup();
    let results: Vec<Result<Option<Record>, EntryError>> = wanted_entries
        .par_iter()
        .map_init(
            || (Vec::new(), Vec::new()),
            |(scratch, out), &i| {
                zipread::read_entry(file, &index.entries[i as usize], scratch, out)?;
                Ok(serde_json::from_slice::<Record>(out).ok())
            },
        )
        .collect();
    let mut found = Found::default();
    for result in results {
        match result? {
            Some(record) => found.records.push(record),
            None => found.unparsable += 1,
        }
    }
    Ok(found)
}

#[derive(Deserialize)]
struct Names<'a> {
    #[serde(default, borrow)]
    affected: Vec<NameEntry<'a>>,
}

#[derive(Deserialize)]
struct NameEntry<'a> {
    #[serde(default, borrow)]
    package: Option<NamePackage<'a>>,
}

#[derive(Deserialize)]
struct NamePackage<'a> {
    #[serde(default, borrow)]
    ecosystem: Cow<'a, str>,
    #[serde(default, borrow)]
    name: Cow<'a, str>,
}

/// What one worker learnt from its chunk.
#[derive(Default)]
struct Partial {
    names: Vec<(String, u32)>,
    records: Vec<Record>,
    unparsable: u64,
}

fn build(
    zip: &Path,
    file: &File,
    ecosystem: Ecosystem,
    wanted: &HashSet<String>,
) -> Result<(Index, Found), DbError> {
    let zip_error = |message: String| DbError::Zip {
        path: zip.to_path_buf(),
        message,
    };
    let (mut entries, end) = {
        let reader = file.try_clone().map_err(|source| DbError::Open {
            path: zip.to_path_buf(),
            source,
        })?;
        let archive = zip::ZipArchive::new(std::io::BufReader::new(reader))
            .map_err(|e| zip_error(e.to_string()))?;
        let mut entries = Vec::with_capacity(archive.len());
        for i in 0..archive.len() {
            let data = archive
                .by_index_data(i)
                .map_err(|e| zip_error(e.to_string()))?;
            if data.is_dir() || !data.name_raw().ends_with(b".json") {
                continue;
            }
            let method: u16 = match data.compression() {
                zip::CompressionMethod::Stored => 0,
                zip::CompressionMethod::Deflated => 8,
                other => {
                    return Err(zip_error(format!(
                        "entry {i} uses {other}; OSV exports use deflate"
                    )));
                }
            };
            entries.push(Entry {
                header: data.header_start(),
                compressed: data.compressed_size(),
                size: data.size(),
                crc32: data.crc32(),
                method,
            });
        }
        (entries, archive.central_directory_start())
    };
    entries.sort_unstable_by_key(|e| e.header);
    // Contiguous chunks of entries, each read with one positioned read.
    let mut chunks: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        let next = entries.get(i).map_or(end, |e| e.header);
        if i == entries.len() || next - entries[start].header >= CHUNK {
            chunks.push(start..i);
            start = i;
        }
    }
    let partials: Vec<Result<Partial, EntryError>> = chunks
        .par_iter()
        .map(|range| {
            let first = entries[range.start].header;
            let last = entries.get(range.end).map_or(end, |e| e.header);
            let mut buffer = vec![0u8; (last.saturating_sub(first)) as usize];
            read_at(file, &mut buffer, first).map_err(|source| EntryError::Io {
                offset: first,
                source,
            })?;
            let mut partial = Partial::default();
            let mut out = Vec::new();
            for i in range.clone() {
                let entry = &entries[i];
                let at = (entry.header - first) as usize;
                let data = local_data(&buffer, at, entry)?;
                zipread::inflate(entry, data, &mut out)?;
                scan_record(&out, i as u32, ecosystem, wanted, &mut partial);
            }
            Ok(partial)
        })
        .collect();
    let mut names: HashMap<String, Vec<u32>> = HashMap::new();
    let mut found = Found {
        total: entries.len() as u64,
        built_index: true,
        ..Found::default()
    };
    for partial in partials {
        let partial = partial.map_err(|source| DbError::Entry {
            path: zip.to_path_buf(),
            source,
        })?;
        for (name, index) in partial.names {
            names.entry(name).or_default().push(index);
        }
        found.records.extend(partial.records);
        found.unparsable += partial.unparsable;
    }
    Ok((Index { entries, names }, found))
}

/// The compressed bytes of `entry`, whose local header is at `at` in `buffer`.
fn local_data<'a>(buffer: &'a [u8], at: usize, entry: &Entry) -> Result<&'a [u8], EntryError> {
    let header = buffer
        .get(at..at + 30)
        .ok_or(EntryError::NoHeader(entry.header))?;
    if header[..4] != [0x50, 0x4b, 0x03, 0x04] {
        return Err(EntryError::NoHeader(entry.header));
    }
    let name = u16::from_le_bytes([header[26], header[27]]) as usize;
    let extra = u16::from_le_bytes([header[28], header[29]]) as usize;
    let start = at + 30 + name + extra;
    buffer
        .get(start..start + entry.compressed as usize)
        .ok_or(EntryError::NoHeader(entry.header))
}

/// Records the package names of one record, and keeps the record when one is wanted.
fn scan_record(
    json: &[u8],
    index: u32,
    ecosystem: Ecosystem,
    wanted: &HashSet<String>,
    partial: &mut Partial,
) {
    let Ok(names) = serde_json::from_slice::<Names>(json) else {
        partial.unparsable += 1;
        return;
    };
    let mut keep = false;
    let mut seen: Vec<String> = Vec::new();
    for package in names.affected.iter().filter_map(|a| a.package.as_ref()) {
        let base = package.ecosystem.split(':').next().unwrap_or_default();
        if base != ecosystem.osv_name() {
            continue;
        }
        let name = ecosystem.normalize(&package.name);
        if seen.contains(&name) {
            continue;
        }
        keep |= wanted.contains(&name);
        seen.push(name);
    }
    for name in seen {
        partial.names.push((name, index));
    }
    if keep {
        match serde_json::from_slice::<Record>(json) {
            Ok(record) => partial.records.push(record),
            Err(_) => partial.unparsable += 1,
        }
    }
}
