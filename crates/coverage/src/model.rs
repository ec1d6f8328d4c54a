//! The internal coverage model every parser fills: per source file, which lines are
//! instrumented and covered, which branches and functions exist and were taken, and (for
//! Go) statement blocks. Kept compact so a 300 MB report fits in a few dozen MB:
//! lines are 64-line bitmap words, branches and functions packed `u64`s.
//!
//! Merging is by identity, never by averaging: a line is covered when any record covered
//! it, a branch by `(line, id)`, a function by name.

use std::collections::HashMap;

/// A covered/total pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counter {
    pub total: u64,
    pub covered: u64,
}

impl Counter {
    pub fn new(total: u64, covered: u64) -> Self {
        Self { total, covered }
    }

    /// Covered share in percent; `None` when there is nothing to cover.
    pub fn percent(self) -> Option<f64> {
        (self.total > 0).then(|| self.covered as f64 * 100.0 / self.total as f64)
    }

    pub fn missed(self) -> u64 {
        self.total.saturating_sub(self.covered)
    }

    pub fn add(&mut self, other: Counter) {
        self.total = self.total.saturating_add(other.total);
        self.covered = self.covered.saturating_add(other.covered);
    }
}

/// Totals of one file or of a whole report. `None` means the format has no such data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub lines: Option<Counter>,
    pub branches: Option<Counter>,
    pub functions: Option<Counter>,
    /// Go statements (`go tool cover -func`).
    pub statements: Option<Counter>,
    /// llvm-cov code regions (`llvm-cov report`'s first columns).
    pub regions: Option<Counter>,
}

impl Totals {
    pub fn add(&mut self, other: &Totals) {
        fn add(into: &mut Option<Counter>, from: Option<Counter>) {
            if let Some(from) = from {
                into.get_or_insert_with(Counter::default).add(from);
            }
        }
        add(&mut self.lines, other.lines);
        add(&mut self.branches, other.branches);
        add(&mut self.functions, other.functions);
        add(&mut self.statements, other.statements);
        add(&mut self.regions, other.regions);
    }

    /// Every count with its metric name, in the order reports list them.
    pub fn named(&self) -> [(&'static str, Option<Counter>); 5] {
        [
            ("lines", self.lines),
            ("statements", self.statements),
            ("branches", self.branches),
            ("functions", self.functions),
            ("regions", self.regions),
        ]
    }

    /// The line metric the gate checks: lines, or Go statements when the format has no lines.
    pub fn line_like(&self) -> Option<Counter> {
        self.lines.or(self.statements)
    }
}

/// Instrumented and covered lines as sorted 64-line bitmap words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    words: Vec<Word>,
    sorted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Word {
    index: u32,
    seen: u64,
    hit: u64,
}

impl Lines {
    pub fn new() -> Self {
        Self {
            words: Vec::new(),
            sorted: true,
        }
    }

    /// Records `line` as instrumented, and covered when `hit`.
    pub fn set(&mut self, line: u32, hit: bool) {
        let index = line / 64;
        let bit = 1u64 << (line % 64);
        let hit_bit = if hit { bit } else { 0 };
        match self.words.last_mut() {
            Some(last) if last.index == index => {
                last.seen |= bit;
                last.hit |= hit_bit;
            }
            Some(last) if last.index > index => {
                self.sorted = false;
                self.words.push(Word {
                    index,
                    seen: bit,
                    hit: hit_bit,
                });
            }
            _ => self.words.push(Word {
                index,
                seen: bit,
                hit: hit_bit,
            }),
        }
    }

    /// Sorts and joins words written out of order; call before reading.
    pub fn finish(&mut self) {
        if !self.sorted {
            self.words.sort_unstable_by_key(|w| w.index);
            self.words.dedup_by(|later, earlier| {
                if later.index == earlier.index {
                    earlier.seen |= later.seen;
                    earlier.hit |= later.hit;
                    true
                } else {
                    false
                }
            });
            self.sorted = true;
        }
        self.words.shrink_to_fit();
    }

    /// Union with `other` (both finished): a line is covered if either covered it.
    pub fn merge(&mut self, other: &Lines) {
        if other.words.is_empty() {
            return;
        }
        if self.words.is_empty() {
            self.words.clone_from(&other.words);
            return;
        }
        let mut out = Vec::with_capacity(self.words.len().max(other.words.len()));
        let (mut a, mut b) = (self.words.iter().peekable(), other.words.iter().peekable());
        loop {
            match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.index == y.index => {
                    out.push(Word {
                        index: x.index,
                        seen: x.seen | y.seen,
                        hit: x.hit | y.hit,
                    });
                    a.next();
                    b.next();
                }
                (Some(x), Some(y)) if x.index < y.index => {
                    out.push(**x);
                    a.next();
                }
                (Some(_), Some(y)) => {
                    out.push(**y);
                    b.next();
                }
                (Some(x), None) => {
                    out.push(**x);
                    a.next();
                }
                (None, Some(y)) => {
                    out.push(**y);
                    b.next();
                }
                (None, None) => break,
            }
        }
        self.words = out;
    }

    pub fn counter(&self) -> Counter {
        let (mut total, mut covered) = (0u64, 0u64);
        for word in &self.words {
            total += u64::from(word.seen.count_ones());
            covered += u64::from((word.hit & word.seen).count_ones());
        }
        Counter { total, covered }
    }

    /// `Some(covered)` when `line` is instrumented.
    pub fn get(&self, line: u32) -> Option<bool> {
        let index = line / 64;
        let bit = 1u64 << (line % 64);
        let word = self
            .words
            .binary_search_by_key(&index, |w| w.index)
            .ok()
            .map(|i| self.words[i])?;
        (word.seen & bit != 0).then_some(word.hit & bit != 0)
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Every instrumented line with whether it is covered, in order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.words.iter().flat_map(|word| {
            let mut seen = word.seen;
            std::iter::from_fn(move || {
                if seen == 0 {
                    return None;
                }
                let bit = seen.trailing_zeros();
                seen &= seen - 1;
                Some((word.index * 64 + bit, word.hit & (1u64 << bit) != 0))
            })
        })
    }
}

/// Packs a branch: line, a 31-bit id within the line, and whether it was taken.
pub fn branch(line: u32, id: u32, taken: bool) -> u64 {
    (u64::from(line) << 32) | (u64::from(id & 0x7fff_ffff) << 1) | u64::from(taken)
}

/// Packs a function: a 63-bit id (a hash of its name) and whether it ran.
pub fn function(id: u64, hit: bool) -> u64 {
    (id & !1) | u64::from(hit)
}

/// A stable 64-bit hash (FNV-1a) for branch and function ids: the same name always packs
/// to the same id, in every run and on every machine.
pub fn hash(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Delta-encodes sorted packed branches: per branch, the line's increase and the id with
/// its taken bit, both as LEB128 varints.
fn encode_branches(sorted: &[u64]) -> Vec<u8> {
    fn varint(out: &mut Vec<u8>, mut value: u64) {
        while value >= 0x80 {
            out.push((value as u8) | 0x80);
            value >>= 7;
        }
        out.push(value as u8);
    }
    let mut out = Vec::with_capacity(sorted.len() * 2);
    let mut line = 0u64;
    for &packed in sorted {
        varint(&mut out, (packed >> 32) - line);
        line = packed >> 32;
        varint(&mut out, packed & 0xffff_ffff);
    }
    out.shrink_to_fit();
    out
}

fn decode_branches(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let mut at = 0;
    let mut line = 0u64;
    let varint = move |bytes: &[u8], at: &mut usize| {
        let mut value = 0u64;
        let mut shift = 0;
        while let Some(&b) = bytes.get(*at) {
            *at += 1;
            value |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        value
    };
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        line += varint(bytes, &mut at);
        let low = varint(bytes, &mut at);
        Some((line << 32) | low)
    })
}

/// Sorts packed ids and joins duplicates, keeping the "taken" bit if any copy has it.
fn dedup_packed(items: &mut Vec<u64>) {
    dedup_packed_keep(items);
    items.shrink_to_fit();
}

fn dedup_packed_keep(items: &mut Vec<u64>) {
    items.sort_unstable();
    // After sorting, an id's not-taken copy (bit 0 clear) comes right before its taken one.
    items.dedup_by(|later, earlier| {
        if *later | 1 == *earlier | 1 {
            *earlier |= *later & 1;
            true
        } else {
            false
        }
    });
}

fn count_packed(items: &[u64]) -> Counter {
    Counter {
        total: items.len() as u64,
        covered: items.iter().filter(|x| *x & 1 == 1).count() as u64,
    }
}

/// A Go coverprofile block: `file:startLine.startCol,endLine.endCol numStmt count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Block {
    pub start: (u32, u32),
    pub end: (u32, u32),
    pub statements: u32,
    pub hit: bool,
}

/// What a format records, so absent data stays absent rather than zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Has {
    pub lines: bool,
    pub branches: bool,
    pub functions: bool,
    pub statements: bool,
    pub regions: bool,
}

impl Has {
    pub fn union(self, other: Has) -> Has {
        Has {
            lines: self.lines || other.lines,
            branches: self.branches || other.branches,
            functions: self.functions || other.functions,
            statements: self.statements || other.statements,
            regions: self.regions || other.regions,
        }
    }
}

/// Coverage of one source file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileCov {
    /// Lines for totals and patch coverage (for Go, derived from blocks, see `parse::go`).
    pub lines: Lines,
    /// Branches being added, packed (see [`branch`]); [`FileCov::finish`] moves them into
    /// the compact encoding.
    pub branches: Vec<u64>,
    /// Finished branches: sorted, deduplicated, delta-encoded (about 2 bytes a branch).
    branch_bytes: Vec<u8>,
    /// Packed functions, see [`function`].
    pub functions: Vec<u64>,
    /// Go blocks.
    pub blocks: Vec<Block>,
    /// Totals given by a summary-only format (no per-line data).
    pub summary: Option<Box<Totals>>,
    pub has: Has,
    /// Totals the record itself declares (lcov `LF/LH`, `BRF/BRH`, `FNF/FNH`): the producing
    /// tool's own count, used while the file has exactly one record.
    pub declared: Option<Box<Totals>>,
    /// Function names by id, kept only when writing a merged report needs them.
    pub names: Vec<(u64, Box<str>)>,
}

impl FileCov {
    pub fn new(has: Has) -> Self {
        Self {
            lines: Lines::new(),
            has,
            ..Default::default()
        }
    }

    /// Sorts and deduplicates; call once a parser is done with the file.
    pub fn finish(&mut self) {
        self.lines.finish();
        self.finish_branches();
        dedup_packed(&mut self.functions);
        if !self.names.is_empty() {
            self.names.sort_unstable();
            self.names.dedup_by(|a, b| a.0 == b.0);
        }
        if !self.blocks.is_empty() {
            self.blocks.sort_unstable();
            self.blocks.dedup_by(|later, earlier| {
                if later.start == earlier.start && later.end == earlier.end {
                    earlier.hit |= later.hit;
                    true
                } else {
                    false
                }
            });
            // Lines for patch coverage: a line is measured when a block spans it, covered
            // when any block spanning it ran (the rule diff coverage of Go uses).
            let mut lines = Lines::new();
            for block in &self.blocks {
                for line in block.start.0..=block.end.0.min(block.start.0.saturating_add(10_000)) {
                    lines.set(line, block.hit);
                }
            }
            lines.finish();
            self.lines.merge(&lines);
        }
    }

    /// Takes branches and functions collected in reusable buffers (left empty, with their
    /// capacity kept), so a parser allocates each record's data once, at its final size.
    pub fn take_from(&mut self, branches: &mut Vec<u64>, functions: &mut Vec<u64>) {
        if !branches.is_empty() {
            dedup_packed_keep(branches);
            if self.branch_bytes.is_empty() {
                self.branch_bytes = encode_branches(branches);
            } else {
                self.branches.extend_from_slice(branches);
            }
            branches.clear();
        }
        if !functions.is_empty() {
            dedup_packed_keep(functions);
            self.functions.extend_from_slice(functions);
            functions.clear();
        }
    }

    fn finish_branches(&mut self) {
        if self.branches.is_empty() {
            return;
        }
        let mut all = std::mem::take(&mut self.branches);
        all.extend(decode_branches(&self.branch_bytes));
        dedup_packed(&mut all);
        self.branch_bytes = encode_branches(&all);
    }

    /// Every branch, packed (see [`branch`]), sorted.
    pub fn branch_entries(&self) -> Vec<u64> {
        let mut all: Vec<u64> = decode_branches(&self.branch_bytes).collect();
        if !self.branches.is_empty() {
            all.extend_from_slice(&self.branches);
            dedup_packed(&mut all);
        }
        all
    }

    /// Joins another record of the same file (both finished).
    pub fn merge(&mut self, other: FileCov) {
        // Two records of one file: only the merged line data can be counted.
        self.declared = None;
        self.lines.merge(&other.lines);
        if !other.branch_bytes.is_empty() || !other.branches.is_empty() {
            self.branches.extend(other.branch_entries());
            self.finish_branches();
        }
        if !other.functions.is_empty() {
            self.functions.extend_from_slice(&other.functions);
            dedup_packed(&mut self.functions);
        }
        if !other.blocks.is_empty() {
            self.blocks.extend_from_slice(&other.blocks);
            self.blocks.sort_unstable();
            self.blocks.dedup_by(|later, earlier| {
                if later.start == earlier.start && later.end == earlier.end {
                    earlier.hit |= later.hit;
                    true
                } else {
                    false
                }
            });
        }
        if !other.names.is_empty() {
            self.names.extend(other.names);
            self.names.sort_unstable();
            self.names.dedup_by(|a, b| a.0 == b.0);
        }
        match (&mut self.summary, other.summary) {
            // Two summaries of one file cannot be joined line by line: keep the one with
            // more covered lines (the gate says so, see `summary_wins`).
            (Some(mine), Some(theirs)) if summary_wins(&theirs, mine) => {
                *mine = theirs;
            }
            (None, Some(theirs)) => self.summary = Some(theirs),
            _ => {}
        }
        self.has = self.has.union(other.has);
    }

    /// This file's totals, by the producing tool's rules.
    pub fn totals(&self) -> Totals {
        if let Some(summary) = &self.summary {
            return **summary;
        }
        let declared = self.declared.as_deref().copied().unwrap_or_default();
        let statements = self.has.statements.then(|| {
            if let Some(declared) = declared.statements {
                return declared;
            }
            let mut counter = Counter::default();
            for block in &self.blocks {
                counter.total += u64::from(block.statements);
                if block.hit {
                    counter.covered += u64::from(block.statements);
                }
            }
            counter
        });
        Totals {
            lines: self
                .has
                .lines
                .then(|| declared.lines.unwrap_or_else(|| self.lines.counter())),
            branches: self
                .has
                .branches
                .then(|| declared.branches.unwrap_or_else(|| self.branch_counter())),
            functions: self.has.functions.then(|| {
                declared
                    .functions
                    .unwrap_or_else(|| count_packed(&self.functions))
            }),
            statements,
            // Regions cannot be rebuilt from the per-line data: only a single record's
            // own count exists (see `gate::sum` for files whose records were joined).
            regions: self.has.regions.then_some(declared.regions).flatten(),
        }
    }

    fn branch_counter(&self) -> Counter {
        if self.branches.is_empty() {
            let mut counter = Counter::default();
            for packed in decode_branches(&self.branch_bytes) {
                counter.total += 1;
                counter.covered += packed & 1;
            }
            counter
        } else {
            count_packed(&self.branch_entries())
        }
    }

    /// Whether per-line data exists (patch coverage needs it).
    pub fn has_line_data(&self) -> bool {
        !self.lines.is_empty()
    }
}

/// Whether a file's totals-only summary `theirs` replaces `mine` when two reports give
/// one for the same file: the one with more covered lines wins, the earlier on a tie.
pub fn summary_wins(theirs: &Totals, mine: &Totals) -> bool {
    theirs.line_like().map(|c| c.covered) > mine.line_like().map(|c| c.covered)
}

/// Files by path as the report wrote it.
pub type Files = HashMap<String, FileCov>;

/// Adds a finished record to `files`, joining it with an earlier record of the same path.
pub fn insert(files: &mut Files, path: String, file: FileCov) {
    match files.get_mut(&path) {
        Some(existing) => existing.merge(file),
        None => {
            files.insert(path, file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_merge_as_union_and_count_once() {
        let mut a = Lines::new();
        a.set(3, false);
        a.set(70, true);
        a.set(1, true); // out of order
        a.finish();
        let mut b = Lines::new();
        b.set(3, true);
        b.set(200, false);
        b.finish();
        a.merge(&b);
        assert_eq!(a.counter(), Counter::new(4, 3));
        assert_eq!(a.get(3), Some(true));
        assert_eq!(a.get(4), None);
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            vec![(1, true), (3, true), (70, true), (200, false)]
        );
    }

    #[test]
    fn branches_and_functions_dedup_keeping_taken() {
        let mut file = FileCov::new(Has {
            lines: true,
            branches: true,
            functions: true,
            statements: false,
            regions: false,
        });
        file.branches = vec![branch(5, 0, false), branch(5, 1, true), branch(5, 0, true)];
        file.functions = vec![
            function(hash(&[b"f"]), false),
            function(hash(&[b"f"]), true),
        ];
        file.finish();
        let totals = file.totals();
        assert_eq!(totals.branches, Some(Counter::new(2, 2)));
        assert_eq!(totals.functions, Some(Counter::new(1, 1)));
        assert_eq!(totals.statements, None);
    }

    #[test]
    fn percent_is_none_without_anything_to_cover() {
        assert_eq!(Counter::new(0, 0).percent(), None);
        assert_eq!(Counter::new(4, 1).percent(), Some(25.0));
    }
}
