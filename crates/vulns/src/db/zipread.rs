//! Reading entries of a zip export directly by offset: the central directory is read
//! once with the `zip` crate (when the index is built), after which each record is one
//! positioned read of its local header and compressed bytes, inflated and checked
//! against its CRC-32. Positioned reads let every thread share one file.

use std::fs::File;
use std::io::Read;

/// Where an entry's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Offset of the local file header.
    pub header: u64,
    pub compressed: u64,
    pub size: u64,
    pub crc32: u32,
    /// 0 stored, 8 deflated.
    pub method: u16,
}

/// Why an entry could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EntryError {
    #[error("cannot read at offset {offset}: {source}")]
    Io { offset: u64, source: std::io::Error },
    #[error("no local file header at offset {0} (the index does not fit this file)")]
    NoHeader(u64),
    #[error("entry at offset {0} uses compression method {1}; OSV exports use deflate")]
    Method(u64, u16),
    #[error("entry at offset {0} does not inflate: {1}")]
    Inflate(u64, std::io::Error),
    #[error("entry at offset {0} fails its CRC-32 check (the file is damaged or changed)")]
    Crc(u64),
    #[error("entry at offset {0} is larger than {1} bytes")]
    TooLarge(u64, u64),
}

/// Largest record inflated (OSV records are kilobytes; a few reach a megabyte).
pub(crate) const MAX_RECORD: u64 = 64 * 1024 * 1024;

pub(crate) fn read_at(file: &File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        file.read_exact_at(buffer, offset)
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::FileExt;
        let mut done = 0;
        while done < buffer.len() {
            let n = file.seek_read(&mut buffer[done..], offset + done as u64)?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            done += n;
        }
        Ok(())
    }
}

/// Reads and inflates one entry into `out` (cleared first). `scratch` holds the
/// compressed bytes between calls.
pub(crate) fn read_entry(
    file: &File,
    entry: &Entry,
    scratch: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<(), EntryError> {
    let io = |source| EntryError::Io {
        offset: entry.header,
        source,
    };
    if entry.size > MAX_RECORD || entry.compressed > MAX_RECORD {
        return Err(EntryError::TooLarge(entry.header, MAX_RECORD));
    }
    let mut header = [0u8; 30];
    read_at(file, &mut header, entry.header).map_err(io)?;
    if header[..4] != [0x50, 0x4b, 0x03, 0x04] {
        return Err(EntryError::NoHeader(entry.header));
    }
    let name = u64::from(u16::from_le_bytes([header[26], header[27]]));
    let extra = u64::from(u16::from_le_bytes([header[28], header[29]]));
    let start = entry.header + 30 + name + extra;
    scratch.resize(entry.compressed as usize, 0);
    read_at(file, scratch, start).map_err(io)?;
    inflate(entry, scratch, out)
}

/// Inflates (or copies) `compressed` into `out` and checks the CRC.
pub(crate) fn inflate(
    entry: &Entry,
    compressed: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), EntryError> {
    out.clear();
    match entry.method {
        0 => out.extend_from_slice(compressed),
        8 => {
            out.reserve(entry.size as usize);
            flate2::read::DeflateDecoder::new(compressed)
                .take(MAX_RECORD + 1)
                .read_to_end(out)
                .map_err(|e| EntryError::Inflate(entry.header, e))?;
        }
        other => return Err(EntryError::Method(entry.header, other)),
    }
    if out.len() as u64 != entry.size || crc32fast::hash(out) != entry.crc32 {
        return Err(EntryError::Crc(entry.header));
    }
    Ok(())
}
