//! Git pack files, read directly: the `.idx` (version 2) for object ids and offsets, the
//! `.pack` for zlib-compressed objects and deltas.
//!
//! Reading every blob of a history is done the way `git index-pack` resolves a pack: each
//! delta tree is walked from its base, so every object is inflated exactly once and every
//! delta applied once, with sibling subtrees in parallel. Blobs are handed to a callback
//! as they are materialised; trees, commits and tags are never inflated. Data is read with
//! positional reads (no memory map), so memory stays bounded by the delta chains being
//! resolved at the moment, not by the pack's size.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{GitError, ObjectId, ObjectKind};

/// An opened pack: its index and its data file.
pub struct Pack {
    pub path: PathBuf,
    file: File,
    len: u64,
    /// Object ids, sorted (index order).
    oids: Vec<ObjectId>,
    /// Offset of each object, in index order.
    offsets: Vec<u64>,
    /// Every offset, sorted, to find where an object's data ends.
    sorted: Vec<u64>,
}

/// One entry of a pack, in offset order.
#[derive(Debug, Clone, Copy)]
struct Entry {
    offset: u64,
    /// Where the compressed data starts.
    data: u64,
    /// Where the next object starts (end of the compressed data).
    end: u64,
    kind: u8,
    /// Index (offset order) of the delta base, for deltas within this pack.
    base: u32,
    /// Index order position, to find the object id.
    index: u32,
}

/// How a delta built an object from its base: `(start in the object, length, start in the
/// base)` of each run copied from the base (adjacent runs merged); every other byte was
/// inserted by the delta.
pub type Copies = [(usize, usize, usize)];

/// A blob visitor: gets the blob, its parent's result and copy map when the blob is a
/// delta, and whether the blob was already visited in another pack (it must still return a
/// result for its own deltas). Returns what its deltas will be handed.
pub type Visit<'a, S> = dyn Fn(&ObjectId, &[u8], Option<(&S, &Copies)>, bool) -> S + Sync + 'a;

/// Supplies an object from elsewhere in the object database (bases of thin deltas).
pub type Resolve<'a> = dyn Fn(&ObjectId) -> Option<(ObjectKind, Vec<u8>)> + Sync + 'a;

const NO_BASE: u32 = u32::MAX;
const OFS_DELTA: u8 = 6;
const REF_DELTA: u8 = 7;

fn corrupt(path: &Path, what: impl Into<String>) -> GitError {
    GitError::Corrupt {
        path: path.to_path_buf(),
        what: what.into(),
    }
}

impl Pack {
    /// Opens `<name>.pack` and its `<name>.idx`.
    pub fn open(idx_path: &Path) -> Result<Self, GitError> {
        let pack_path = idx_path.with_extension("pack");
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| GitError::Io { path, source }
        };
        let mut idx = Vec::new();
        File::open(idx_path)
            .and_then(|mut f| f.read_to_end(&mut idx))
            .map_err(io(idx_path))?;
        let file = File::open(&pack_path).map_err(io(&pack_path))?;
        let len = file.metadata().map_err(io(&pack_path))?.len();
        if idx.len() < 8 + 1024 || &idx[..4] != b"\xfftOc" || idx[4..8] != [0, 0, 0, 2] {
            return Err(corrupt(idx_path, "not a version 2 pack index"));
        }
        let be32 = |at: usize| -> u32 {
            u32::from_be_bytes([idx[at], idx[at + 1], idx[at + 2], idx[at + 3]])
        };
        let count = be32(8 + 255 * 4) as usize;
        let names = 8 + 1024;
        let tables = count.checked_mul(28);
        let Some(large) = tables.and_then(|t| t.checked_add(names)) else {
            return Err(corrupt(idx_path, "the object count is impossible"));
        };
        let small = large - count * 4;
        if idx.len() < large.saturating_add(40) {
            return Err(corrupt(idx_path, "the index is truncated"));
        }
        let mut oids = Vec::with_capacity(count);
        let mut offsets = Vec::with_capacity(count);
        for i in 0..count {
            let mut oid = [0u8; 20];
            oid.copy_from_slice(&idx[names + i * 20..names + i * 20 + 20]);
            oids.push(ObjectId(oid));
            let raw = be32(small + i * 4);
            let offset = if raw & 0x8000_0000 != 0 {
                let at = large + (raw & 0x7fff_ffff) as usize * 8;
                if at + 8 > idx.len() {
                    return Err(corrupt(idx_path, "a large offset points outside the index"));
                }
                u64::from_be_bytes(idx[at..at + 8].try_into().unwrap_or([0; 8]))
            } else {
                u64::from(raw)
            };
            if offset.checked_add(2).is_none_or(|end| end > len) {
                return Err(corrupt(
                    &pack_path,
                    "an object offset lies past the end of the pack",
                ));
            }
            offsets.push(offset);
        }
        let mut sorted = offsets.clone();
        sorted.sort_unstable();
        Ok(Pack {
            path: pack_path,
            file,
            len,
            oids,
            offsets,
            sorted,
        })
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.oids.len()
    }

    /// Whether the pack holds no objects.
    pub fn is_empty(&self) -> bool {
        self.oids.is_empty()
    }

    /// The offset of `oid`, if this pack holds it.
    pub fn find(&self, oid: &ObjectId) -> Option<u64> {
        self.oids.binary_search(oid).ok().map(|i| self.offsets[i])
    }

    /// Whether this pack holds `oid`.
    pub fn contains(&self, oid: &ObjectId) -> bool {
        self.oids.binary_search(oid).is_ok()
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> Result<(), GitError> {
        self.file
            .read_exact_at(buf, offset)
            .map_err(|source| GitError::Io {
                path: self.path.clone(),
                source,
            })
    }

    /// Parses the object header at `offset`: kind, inflated size, where the data starts,
    /// and the delta base (an offset for OFS deltas, an id for REF deltas).
    fn header(&self, offset: u64) -> Result<(u8, u64, u64, Base), GitError> {
        let mut buf = [0u8; 32];
        let n = self.len.saturating_sub(offset).min(32) as usize;
        if n == 0 {
            return Err(corrupt(
                &self.path,
                format!("an object offset {offset} lies past the end of the pack"),
            ));
        }
        self.read_exact_at(&mut buf[..n], offset)?;
        let mut i = 0;
        let mut byte = buf[0];
        let kind = (byte >> 4) & 7;
        let mut size = u64::from(byte & 15);
        let mut shift = 4;
        while byte & 0x80 != 0 {
            i += 1;
            if i >= n || shift > 60 {
                return Err(corrupt(
                    &self.path,
                    format!("bad object header at offset {offset}"),
                ));
            }
            byte = buf[i];
            size |= u64::from(byte & 0x7f) << shift;
            shift += 7;
        }
        i += 1;
        let base = match kind {
            OFS_DELTA => {
                let mut byte = *buf
                    .get(i)
                    .ok_or_else(|| corrupt(&self.path, "truncated delta header"))?;
                let mut distance = u64::from(byte & 0x7f);
                while byte & 0x80 != 0 {
                    i += 1;
                    byte = *buf
                        .get(i)
                        .ok_or_else(|| corrupt(&self.path, "truncated delta header"))?;
                    distance = ((distance + 1) << 7) | u64::from(byte & 0x7f);
                }
                i += 1;
                if distance == 0 || distance > offset {
                    return Err(corrupt(
                        &self.path,
                        format!("bad delta base at offset {offset}"),
                    ));
                }
                Base::Offset(offset - distance)
            }
            REF_DELTA => {
                let mut oid = [0u8; 20];
                if i + 20 > n {
                    self.read_exact_at(&mut oid, offset + i as u64)?;
                } else {
                    oid.copy_from_slice(&buf[i..i + 20]);
                }
                i += 20;
                Base::Id(ObjectId(oid))
            }
            1..=4 => Base::None,
            _ => {
                return Err(corrupt(
                    &self.path,
                    format!("unknown object type {kind} at offset {offset}"),
                ));
            }
        };
        Ok((kind, size, offset + i as u64, base))
    }

    /// Inflates `size` bytes of zlib data starting at `data`, reading at most up to `end`.
    fn inflate(&self, data: u64, end: u64, size: u64) -> Result<Vec<u8>, GitError> {
        // A corrupt index can put the next object before this one's data.
        let length = end
            .min(self.len)
            .checked_sub(data)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                corrupt(
                    &self.path,
                    format!("the object data at offset {data} overlaps the next object"),
                )
            })?;
        let mut compressed = vec![0u8; length];
        self.read_exact_at(&mut compressed, data)?;
        inflate_exact(&compressed, size).ok_or_else(|| {
            corrupt(
                &self.path,
                format!("cannot inflate the object at offset {data}"),
            )
        })
    }

    /// Reads the object at `offset` with its delta chain resolved. `resolve_ref` supplies
    /// bases of REF deltas (looked up anywhere in the object database).
    pub fn read_at(
        &self,
        offset: u64,
        resolve_ref: &Resolve<'_>,
    ) -> Result<(ObjectKind, Vec<u8>), GitError> {
        let mut chain = Vec::new();
        let mut at = offset;
        let (kind, base) = loop {
            let (kind, size, data, base) = self.header(at)?;
            let end = self.next_offset(at);
            match base {
                Base::None => break (kind, self.inflate(data, end, size)?),
                Base::Offset(base_offset) => {
                    chain.push(self.inflate(data, end, size)?);
                    at = base_offset;
                }
                Base::Id(oid) => {
                    chain.push(self.inflate(data, end, size)?);
                    // A base in this pack continues the chain here (so a corrupt pack whose
                    // deltas loop meets the length limit below instead of recursing).
                    if let Some(base_offset) = self.find(&oid) {
                        at = base_offset;
                    } else {
                        let (kind, data) = resolve_ref(&oid).ok_or_else(|| {
                            corrupt(&self.path, format!("delta base {oid} is missing"))
                        })?;
                        break (kind.code(), data);
                    }
                }
            }
            if chain.len() > 10_000 {
                return Err(corrupt(&self.path, "a delta chain is too long (a loop?)"));
            }
        };
        let kind = ObjectKind::from_code(kind)
            .ok_or_else(|| corrupt(&self.path, "a delta resolves to no object type"))?;
        let mut data = base;
        while let Some(delta) = chain.pop() {
            data = apply_delta(&data, &delta).ok_or_else(|| {
                corrupt(
                    &self.path,
                    format!("a delta does not apply near offset {offset}"),
                )
            })?;
        }
        Ok((kind, data))
    }

    /// Where the object after the one at `offset` starts (or the pack's trailer).
    fn next_offset(&self, offset: u64) -> u64 {
        let at = self.sorted.partition_point(|&o| o <= offset);
        self.sorted
            .get(at)
            .copied()
            .unwrap_or_else(|| self.len.saturating_sub(20))
    }

    /// Calls `visit(oid, data)` for every blob in the pack, each materialised once, in
    /// parallel. `skip(oid)` says a blob was already seen elsewhere (its data is still
    /// resolved when other deltas need it, but not visited). Returns the problems met (a
    /// corrupt object spoils only its own delta subtree).
    pub fn for_each_blob<S: Send + Sync>(
        &self,
        skip: &(dyn Fn(&ObjectId) -> bool + Sync),
        resolve_ref: &Resolve<'_>,
        visit: &Visit<'_, S>,
    ) -> Vec<GitError> {
        let mut order: Vec<u32> = (0..self.oids.len() as u32).collect();
        order.sort_unstable_by_key(|&i| self.offsets[i as usize]);
        let data_end = self.len.saturating_sub(20);
        // Headers, in parallel: small positional reads.
        let headers: Vec<Result<(u8, u64, Base), GitError>> = order
            .par_iter()
            .map(|&i| {
                self.header(self.offsets[i as usize])
                    .map(|(kind, _, data, base)| (kind, data, base))
            })
            .collect();
        let mut problems = Vec::new();
        let mut entries: Vec<Entry> = Vec::with_capacity(order.len());
        let mut external: Vec<(u32, ObjectId)> = Vec::new();
        for (position, (&index, header)) in order.iter().zip(headers).enumerate() {
            let offset = self.offsets[index as usize];
            let end = order
                .get(position + 1)
                .map_or(data_end, |&next| self.offsets[next as usize]);
            // The base as a position in `order`; a delta whose base offset is no object
            // is as unreadable as a bad header.
            let resolved = header.and_then(|(kind, data, base)| {
                let base = match base {
                    Base::None => NO_BASE,
                    Base::Offset(base_offset) => order
                        .binary_search_by_key(&base_offset, |&i| self.offsets[i as usize])
                        .map_err(|_| {
                            corrupt(
                                &self.path,
                                format!("delta base at offset {base_offset} is not an object"),
                            )
                        })? as u32,
                    Base::Id(oid) => match self.oids.binary_search(&oid) {
                        Ok(at) => order
                            .binary_search_by_key(&self.offsets[at], |&i| self.offsets[i as usize])
                            .map_or(NO_BASE, |position| position as u32),
                        Err(_) => {
                            external.push((position as u32, oid));
                            NO_BASE
                        }
                    },
                };
                Ok((kind, data, base))
            });
            // An unreadable object keeps its place, so entries stay aligned with `order`
            // and every base (a position in `order`) names one.
            let (kind, data, base) = resolved.unwrap_or_else(|problem| {
                problems.push(problem);
                (0, offset, NO_BASE)
            });
            entries.push(Entry {
                offset,
                data,
                end,
                kind,
                base,
                index,
            });
        }
        // Children lists (CSR).
        let n = entries.len();
        let mut counts = vec![0u32; n + 1];
        debug_assert_eq!(n, order.len());
        for entry in &entries {
            if entry.base != NO_BASE {
                counts[entry.base as usize + 1] += 1;
            }
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut fill = counts.clone();
        let mut children = vec![0u32; counts[n] as usize];
        for (i, entry) in entries.iter().enumerate() {
            if entry.base != NO_BASE {
                let slot = &mut fill[entry.base as usize];
                children[*slot as usize] = i as u32;
                *slot += 1;
            }
        }
        let external_set: Vec<u32> = external.iter().map(|(i, _)| *i).collect();
        let roots: Vec<u32> = (0..n as u32)
            .filter(|&i| {
                let e = &entries[i as usize];
                e.base == NO_BASE && (1..=4).contains(&e.kind) || external_set.contains(&i)
            })
            .collect();
        let walk = Walk {
            pack: self,
            entries: &entries,
            counts: &counts,
            children: &children,
            skip,
            visit,
        };
        let errors: Vec<GitError> = roots
            .par_iter()
            .flat_map_iter(|&root| {
                let entry = &entries[root as usize];
                let result = if entry.kind == REF_DELTA {
                    // A thin delta whose base lives elsewhere in the object database.
                    let oid = external
                        .iter()
                        .find(|(i, _)| *i == root)
                        .map(|(_, oid)| *oid);
                    match oid.and_then(|oid| resolve_ref(&oid)) {
                        Some((ObjectKind::Blob, base)) => walk.delta_child(root, &base, None),
                        Some(_) => Ok(()),
                        None => Err(corrupt(
                            &self.path,
                            "a delta base is missing from the object database",
                        )),
                    }
                } else {
                    walk.root(root)
                };
                result.err()
            })
            .collect();
        problems.extend(errors);
        problems
    }
}

enum Base {
    None,
    Offset(u64),
    Id(ObjectId),
}

struct Walk<'a, S> {
    pack: &'a Pack,
    entries: &'a [Entry],
    counts: &'a [u32],
    children: &'a [u32],
    skip: &'a (dyn Fn(&ObjectId) -> bool + Sync),
    visit: &'a Visit<'a, S>,
}

impl<S: Send + Sync> Walk<'_, S> {
    fn kids(&self, i: u32) -> &[u32] {
        &self.children[self.counts[i as usize] as usize..self.counts[i as usize + 1] as usize]
    }

    fn root(&self, i: u32) -> Result<(), GitError> {
        let entry = &self.entries[i as usize];
        if entry.kind != ObjectKind::Blob.code() {
            return Ok(()); // trees, commits, tags and their deltas are never inflated
        }
        let (_, size, _, _) = self.pack.header(entry.offset)?;
        let data = self.pack.inflate(entry.data, entry.end, size)?;
        let state = self.emit(i, &data, None);
        self.descend(i, &data, &state)
    }

    fn emit(&self, i: u32, data: &[u8], parent: Option<(&S, &Copies)>) -> S {
        let oid = &self.pack.oids[self.entries[i as usize].index as usize];
        (self.visit)(oid, data, parent, (self.skip)(oid))
    }

    fn descend(&self, i: u32, data: &[u8], state: &S) -> Result<(), GitError> {
        let kids = self.kids(i);
        match kids.len() {
            0 => Ok(()),
            1 => self.delta_child(kids[0], data, Some(state)),
            _ => {
                let errors: Vec<GitError> = kids
                    .par_iter()
                    .filter_map(|&k| self.delta_child(k, data, Some(state)).err())
                    .collect();
                errors.into_iter().next().map_or(Ok(()), Err)
            }
        }
    }

    fn delta_child(&self, i: u32, base: &[u8], parent: Option<&S>) -> Result<(), GitError> {
        let entry = &self.entries[i as usize];
        let (_, size, _, _) = self.pack.header(entry.offset)?;
        let delta = self.pack.inflate(entry.data, entry.end, size)?;
        let mut copies = Vec::new();
        let data = apply_delta_tracked(base, &delta, &mut copies).ok_or_else(|| {
            corrupt(
                &self.pack.path,
                format!("a delta does not apply at offset {}", entry.offset),
            )
        })?;
        drop(delta);
        let state = self.emit(i, &data, parent.map(|p| (p, copies.as_slice())));
        drop(copies);
        self.descend(i, &data, &state)
    }
}

/// Inflates a zlib stream that must produce exactly `size` bytes.
pub fn inflate_exact(compressed: &[u8], size: u64) -> Option<Vec<u8>> {
    // zlib expands at most about 1032:1, so a corrupt header's huge size reserves no more
    // than the data could produce.
    let bound = compressed.len().saturating_mul(1032).saturating_add(64);
    let mut out = Vec::with_capacity(usize::try_from(size).ok()?.min(bound).min(1 << 30));
    let mut decoder = flate2::Decompress::new(true);
    loop {
        if out.len() == out.capacity() {
            out.reserve(4096);
        }
        let before_in = decoder.total_in();
        let before_out = decoder.total_out();
        let status = decoder
            .decompress_vec(
                &compressed[decoder.total_in() as usize..],
                &mut out,
                flate2::FlushDecompress::Finish,
            )
            .ok()?;
        if status == flate2::Status::StreamEnd {
            break;
        }
        if decoder.total_in() == before_in && decoder.total_out() == before_out {
            return None; // no progress: truncated stream
        }
        if out.len() as u64 > size {
            return None;
        }
    }
    (out.len() as u64 == size).then_some(out)
}

fn varint(data: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let byte = *data.get(*at)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// Applies a git delta to `base`. `None` if the delta is malformed.
pub fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    apply_delta_tracked(base, delta, &mut Vec::new())
}

/// Applies a git delta to `base`, recording in `copies` which runs came from the base.
pub fn apply_delta_tracked(
    base: &[u8],
    delta: &[u8],
    copies: &mut Vec<(usize, usize, usize)>,
) -> Option<Vec<u8>> {
    let mut at = 0;
    let base_size = varint(delta, &mut at)?;
    let result_size = varint(delta, &mut at)?;
    if base_size != base.len() as u64 {
        return None;
    }
    let result_size = usize::try_from(result_size).ok()?;
    let mut out = Vec::with_capacity(result_size.min(1 << 26));
    while at < delta.len() {
        let cmd = delta[at];
        at += 1;
        if cmd & 0x80 != 0 {
            let mut offset = 0usize;
            let mut size = 0usize;
            for bit in 0..4 {
                if cmd & (1 << bit) != 0 {
                    offset |= usize::from(*delta.get(at)?) << (8 * bit);
                    at += 1;
                }
            }
            for bit in 0..3 {
                if cmd & (0x10 << bit) != 0 {
                    size |= usize::from(*delta.get(at)?) << (8 * bit);
                    at += 1;
                }
            }
            if size == 0 {
                size = 0x10000;
            }
            let at = out.len();
            match copies.last_mut() {
                Some(last) if last.0 + last.1 == at && last.2 + last.1 == offset => last.1 += size,
                _ => copies.push((at, size, offset)),
            }
            out.extend_from_slice(base.get(offset..offset.checked_add(size)?)?);
        } else if cmd != 0 {
            let n = usize::from(cmd);
            out.extend_from_slice(delta.get(at..at + n)?);
            at += n;
        } else {
            return None;
        }
        // A corrupt delta must not grow the result past what it announced.
        if out.len() > result_size {
            return None;
        }
    }
    (out.len() == result_size).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello, world";
        // base size 12, result size 11: copy 7 bytes from 0, insert "there".
        let delta = [12u8, 12, 0x90, 7, 5, b't', b'h', b'e', b'r', b'e'];
        assert_eq!(
            apply_delta(base, &delta).as_deref(),
            Some(&b"hello, there"[..])
        );
        let mut copies = Vec::new();
        apply_delta_tracked(base, &delta, &mut copies).unwrap();
        assert_eq!(copies, [(0, 7, 0)]);
        // Wrong base size, copy out of range, reserved command.
        assert!(apply_delta(b"x", &delta).is_none());
        assert!(apply_delta(base, &[12, 5, 0x91, 10, 5]).is_none());
        assert!(apply_delta(base, &[12, 1, 0]).is_none());
        // A copy past the announced result size stops at once.
        assert!(apply_delta(base, &[12, 2, 0x90, 7]).is_none());
    }

    #[test]
    fn truncated_zlib_is_refused() {
        use std::io::Write;
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&[7u8; 1000]).unwrap();
        let compressed = encoder.finish().unwrap();
        assert_eq!(
            inflate_exact(&compressed, 1000).map(|v| v.len()),
            Some(1000)
        );
        assert!(inflate_exact(&compressed[..compressed.len() / 2], 1000).is_none());
        assert!(inflate_exact(&compressed, 999).is_none());
        // A corrupt header's absurd size is refused without reserving it.
        assert!(inflate_exact(&compressed, u64::MAX).is_none());
    }
}
