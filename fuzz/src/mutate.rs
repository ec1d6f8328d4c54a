//! A small deterministic mutator: bit flips, byte inserts and deletes, interesting bytes,
//! splices of two seeds, and truncation, driven by a seeded RNG.

/// Bytes that parsers tend to treat specially.
const INTERESTING: &[u8] = b"\0\n\r\t \"'\\{}[]<>:,=#-*&!|%@$.0123456789\x7f\xff\xc3";

/// Longest input the mutator produces.
const MAX_LEN: usize = 256 * 1024;

/// Makes new inputs from a corpus.
pub struct Mutator {
    rng: fastrand::Rng,
}

impl Mutator {
    /// A mutator whose sequence of inputs depends only on `seed` and the corpus.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// A new input: one seed from `corpus` (empty when there is none) changed by one to
    /// four mutations.
    pub fn next(&mut self, corpus: &[Vec<u8>]) -> Vec<u8> {
        let mut data = if corpus.is_empty() {
            Vec::new()
        } else {
            corpus[self.rng.usize(..corpus.len())].clone()
        };
        for _ in 0..self.rng.usize(1..=4) {
            self.mutate(&mut data, corpus);
        }
        data.truncate(MAX_LEN);
        data
    }

    fn mutate(&mut self, data: &mut Vec<u8>, corpus: &[Vec<u8>]) {
        let rng = &mut self.rng;
        match rng.u8(..8) {
            // Flip one bit.
            0 if !data.is_empty() => {
                let at = rng.usize(..data.len());
                data[at] ^= 1 << rng.u8(..8);
            }
            // Insert a byte, random or interesting.
            1 => {
                let at = rng.usize(..=data.len());
                let byte = if rng.bool() {
                    rng.u8(..)
                } else {
                    INTERESTING[rng.usize(..INTERESTING.len())]
                };
                data.insert(at, byte);
            }
            // Delete a run of bytes.
            2 if !data.is_empty() => {
                let at = rng.usize(..data.len());
                let len = rng.usize(1..=(data.len() - at).min(16));
                data.drain(at..at + len);
            }
            // Overwrite a byte with an interesting one.
            3 if !data.is_empty() => {
                let at = rng.usize(..data.len());
                data[at] = INTERESTING[rng.usize(..INTERESTING.len())];
            }
            // Splice: this input's head with another seed's tail.
            4 if !corpus.is_empty() => {
                let other = &corpus[rng.usize(..corpus.len())];
                let cut = rng.usize(..=data.len());
                let from = rng.usize(..=other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            // Truncate.
            5 if !data.is_empty() => {
                let len = rng.usize(..data.len());
                data.truncate(len);
            }
            // Duplicate a run of bytes in place (deep nesting, repeated keys).
            6 if !data.is_empty() => {
                let at = rng.usize(..data.len());
                let len = rng.usize(1..=(data.len() - at).min(64));
                let run: Vec<u8> = data[at..at + len].to_vec();
                for _ in 0..rng.usize(1..=8) {
                    data.splice(at..at, run.iter().copied());
                }
            }
            // Copy a run of bytes from elsewhere in the input over another place.
            _ if data.len() >= 2 => {
                let from = rng.usize(..data.len());
                let to = rng.usize(..data.len());
                let len = rng.usize(1..=(data.len() - from.max(to)).clamp(1, 32));
                let run: Vec<u8> = data[from..from + len].to_vec();
                data[to..to + len].copy_from_slice(&run);
            }
            _ => data.push(rng.u8(..)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Mutator;

    #[test]
    fn the_same_seed_gives_the_same_inputs() {
        let corpus = vec![
            b"key: value\nlist: [1, 2]\n".to_vec(),
            b"{\"a\": 1}".to_vec(),
        ];
        let (mut a, mut b) = (Mutator::new(7), Mutator::new(7));
        for _ in 0..100 {
            assert_eq!(a.next(&corpus), b.next(&corpus));
        }
    }

    #[test]
    fn an_empty_corpus_still_gives_inputs() {
        let mut mutator = Mutator::new(1);
        for _ in 0..100 {
            let _ = mutator.next(&[]);
        }
    }
}
