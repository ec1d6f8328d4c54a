//! Reads a large report once, in blocks, and parses the blocks in parallel on every core.
//!
//! One thread reads; it cuts the stream after the last record boundary in each block (an
//! lcov `end_of_record`, a Cobertura `</class>`, a newline) and hands the piece to the
//! workers through a bounded queue, so memory stays at a few blocks however big the file
//! is. Each worker folds its pieces into its own result; the results are joined at the end.

use std::io::Read;
use std::sync::{Mutex, mpsc};

/// Bytes read per block.
const BLOCK: usize = 2 << 20;

/// A piece of the input: its order in the file and its bytes.
pub struct Piece {
    pub seq: usize,
    pub bytes: Vec<u8>,
}

/// Reads `reader` (after `head`, bytes already read from it), cuts it with `cut` (the end
/// of the last whole record in a slice, if any) and folds the pieces with `fold` into one
/// accumulator per worker, made by `init`. Returns the accumulators.
pub fn fold<R, A, I, F>(
    mut reader: R,
    head: Vec<u8>,
    cut: fn(&[u8]) -> Option<usize>,
    init: I,
    fold: F,
) -> std::io::Result<Vec<A>>
where
    R: Read,
    A: Send,
    I: Fn() -> A + Sync,
    F: Fn(&mut A, Piece) + Sync,
{
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 64);
    let (sender, receiver) = mpsc::sync_channel::<Piece>(workers);
    let receiver = Mutex::new(receiver);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut acc = init();
                    loop {
                        let piece = match receiver.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => break,
                        };
                        match piece {
                            Ok(piece) => fold(&mut acc, piece),
                            Err(_) => break,
                        }
                    }
                    acc
                })
            })
            .collect();
        let read = feed(&mut reader, head, cut, &sender);
        drop(sender);
        let results: Vec<A> = handles
            .into_iter()
            .filter_map(|handle| handle.join().ok())
            .collect();
        read.map(|()| results)
    })
}

fn feed<R: Read>(
    reader: &mut R,
    head: Vec<u8>,
    cut: fn(&[u8]) -> Option<usize>,
    sender: &mpsc::SyncSender<Piece>,
) -> std::io::Result<()> {
    let mut buf = head;
    let mut seq = 0;
    let mut scanned: usize = 0; // bytes of `buf` known to hold no boundary
    loop {
        let start = buf.len();
        buf.resize(start + BLOCK, 0);
        let n = read_full(reader, &mut buf[start..])?;
        buf.truncate(start + n);
        if n == 0 {
            if !buf.is_empty() {
                let _ = sender.send(Piece { seq, bytes: buf });
            }
            return Ok(());
        }
        match cut(&buf[scanned.saturating_sub(64)..]) {
            Some(end) => {
                let end = end + scanned.saturating_sub(64);
                let rest = buf[end..].to_vec();
                buf.truncate(end);
                if sender.send(Piece { seq, bytes: buf }).is_err() {
                    return Ok(());
                }
                seq += 1;
                let mut next = Vec::with_capacity(BLOCK + rest.len());
                next.extend_from_slice(&rest);
                buf = next;
                scanned = 0;
            }
            None => scanned = buf.len(),
        }
    }
}

fn read_full<R: Read>(reader: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                signoff_core::progress::add(signoff_core::progress::Unit::Bytes, n as u64);
            }
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// The end of the last line in `bytes` that is (or starts with) `marker`, so pieces hold
/// whole records.
pub fn after_last(bytes: &[u8], marker: &[u8]) -> Option<usize> {
    let at = memchr::memmem::rfind(bytes, marker)?;
    let end = at + marker.len();
    if marker.ends_with(b">") {
        return Some(end);
    }
    memchr::memchr(b'\n', &bytes[end..]).map(|nl| end + nl + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_cut(bytes: &[u8]) -> Option<usize> {
        memchr::memrchr(b'\n', bytes).map(|i| i + 1)
    }

    #[test]
    fn every_byte_reaches_exactly_one_piece_in_order() {
        let text: Vec<u8> = (0..400_000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let results = fold(
            &text[3..],
            text[..3].to_vec(),
            lines_cut,
            Vec::new,
            |acc: &mut Vec<(usize, Vec<u8>)>, piece| acc.push((piece.seq, piece.bytes)),
        )
        .unwrap();
        let mut pieces: Vec<_> = results.into_iter().flatten().collect();
        pieces.sort_by_key(|(seq, _)| *seq);
        let joined: Vec<u8> = pieces.into_iter().flat_map(|(_, b)| b).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn cuts_after_the_marker_line() {
        assert_eq!(
            after_last(b"a\nend_of_record\nb", b"end_of_record"),
            Some(16)
        );
        assert_eq!(after_last(b"<a></class> x", b"</class>"), Some(11));
        assert_eq!(after_last(b"nothing", b"end_of_record"), None);
    }
}
