//! The scanner: one aho-corasick pass over a file finds every rule keyword; each rule's
//! regex then runs only on the lines around its keywords (merged windows), never on the
//! whole file. Candidates pass the rule's entropy, checksum and placeholder checks, and
//! inline allow comments. Encoded payloads (base64, hex, percent) are decoded and scanned
//! again to a bounded depth.
//!
//! Hits keep the secret bytes in memory only, so allowlists that need the path or commit
//! (known later in history scans) can judge them; nothing here writes a secret anywhere.

use std::sync::LazyLock;

use crate::decode;
use crate::generic::{self, Strength};
use crate::rules::validate::{is_placeholder, looks_like_code, shannon_entropy};
use crate::rules::{Candidate, Judge, Native, Ruleset};

/// Bytes of a file the binary check looks at.
const BINARY_SNIFF: usize = 8000;
/// How far a multi-line rule looks past its keyword.
const MULTILINE_REACH: usize = 64 * 1024;
/// Lines before and after a delta's changes that are scanned again with them: enough for
/// every rule's context (multi-line rules look three lines back).
const DELTA_LINES_BACK: usize = MULTILINE_LINES_BACK + 1;
const DELTA_LINES_AHEAD: usize = 2;
/// How many lines before its keyword a multi-line rule looks.
const MULTILINE_LINES_BACK: usize = 3;
/// Longest line kept for `line`-target allowlists.
const LINE_KEEP: usize = 4096;

/// Bytes the keyword pass has read, for the debug log (rescans of deltas are partial).
pub static SCANNED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A candidate secret in a file.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: u16,
    /// Byte offset of the secret (of the encoded run, for decoded hits).
    pub offset: usize,
    /// The bytes the whole match (or encoded run) covers, `start..end`.
    pub span: (usize, usize),
    /// 1-based line and column of `offset`, filled by [`Scanner::scan`].
    pub line: u32,
    pub column: u32,
    /// Lines the match spans.
    pub lines: u32,
    pub secret: Vec<u8>,
    pub matched: Vec<u8>,
    pub line_text: Vec<u8>,
    pub entropy: f32,
    /// `base64`, `hex` or `percent` when found inside a decoded payload.
    pub decoded: Option<&'static str>,
    /// An unquoted value found by context: a literal in configuration syntax, an
    /// identifier in program code. The path decides (`paths.rs`).
    pub bare: bool,
    /// The default of a `${VAR:-default}` fallback (it runs wherever `VAR` is unset, even
    /// in an example file).
    pub fallback: bool,
}

/// What a scan of one file saw.
#[derive(Debug, Default)]
pub struct Outcome {
    pub hits: Vec<Hit>,
    /// The file looked binary and was not scanned.
    pub binary: bool,
    /// Hits suppressed by an inline allow comment.
    pub inline_allowed: u32,
    /// Spans a provider's rule matched but rejected (a wrong checksum, a placeholder): no
    /// context rule reports them either.
    pub vetoed: Vec<(usize, usize)>,
}

/// Scans bytes with a ruleset.
pub struct Scanner<'r> {
    pub rules: &'r Ruleset,
    pub decode_depth: u8,
}

/// Whether the data looks binary (a NUL byte near the start).
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_SNIFF)]).is_some()
}

impl Scanner<'_> {
    /// Scans one file's bytes.
    pub fn scan(&self, data: &[u8]) -> Outcome {
        let mut outcome = Outcome::default();
        if is_binary(data) {
            outcome.binary = true;
            return outcome;
        }
        self.scan_text(data, self.decode_depth, &mut outcome);
        self.secret_file(data, &mut outcome);
        outcome.hits.sort_by_key(|hit| (hit.offset, hit.rule));
        outcome
            .hits
            .dedup_by(|a, b| a.rule == b.rule && a.offset == b.offset && a.secret == b.secret);
        self.drop_generic_overlaps(&mut outcome.hits, &outcome.vetoed);
        fill_lines(data, &mut outcome.hits);
        self.composites(&mut outcome.hits);
        outcome
    }

    /// Scans a blob that a delta built from a base whose hits are known: only the lines
    /// around what the delta inserted (or stitched together) are scanned again; hits in
    /// runs copied unchanged from the base are carried over at their new place. Falls back
    /// to a full scan when most of the blob is new.
    pub fn scan_delta(
        &self,
        data: &[u8],
        base_hits: &[Hit],
        copies: &[(usize, usize, usize)],
    ) -> Outcome {
        if is_binary(data) {
            return Outcome {
                binary: true,
                ..Outcome::default()
            };
        }
        // A gitleaks-config rule lets its regex see the whole file once its keyword is
        // anywhere in it: the changed lines alone cannot tell.
        if self.rules.needs_whole_file(data) {
            return self.scan(data);
        }
        // Dirty points: inserted bytes, and joins between runs that were not adjacent in the
        // base. Each grows to whole lines plus a margin, so every rule's context is rescanned.
        let mut dirty: Vec<(usize, usize)> = Vec::new();
        let mut at = 0;
        let mut previous_source_end: Option<usize> = None;
        for &(start, len, source) in copies {
            if start > at {
                dirty.push((at, start));
            } else if previous_source_end.is_some_and(|end| end != source) {
                dirty.push((start, start));
            }
            at = start + len;
            previous_source_end = Some(source + len);
        }
        if at < data.len() {
            dirty.push((at, data.len()));
        }
        // A base hit that the delta cut through (a key whose body changed) is rescanned
        // whole: its place in the new blob runs from the first to the last byte copied
        // from it.
        for hit in base_hits {
            let mapped: Vec<(usize, usize)> = copies
                .iter()
                .filter(|&&(_, len, source)| source < hit.span.1 && hit.span.0 < source + len)
                .map(|&(start, len, source)| {
                    let from = hit.span.0.max(source);
                    let to = hit.span.1.min(source + len);
                    (start + (from - source), start + (to - source))
                })
                .collect();
            let whole = copies
                .iter()
                .any(|&(_, len, source)| source <= hit.span.0 && hit.span.1 <= source + len);
            if !whole
                && let (Some(first), Some(last)) = (
                    mapped.iter().map(|m| m.0).min(),
                    mapped.iter().map(|m| m.1).max(),
                )
            {
                dirty.push((first, last));
            }
        }
        dirty.sort_unstable();
        let mut segments: Vec<(usize, usize)> = Vec::new();
        for (start, end) in dirty {
            let from = lines_back(data, line_start_before(data, start), DELTA_LINES_BACK);
            let to = lines_ahead(data, line_end(data, end.min(data.len())), DELTA_LINES_AHEAD);
            match segments.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => segments.push((from, to)),
            }
        }
        let rescanned: usize = segments.iter().map(|(a, b)| b - a).sum();
        if rescanned * 2 >= data.len() {
            return self.scan(data);
        }
        let mut outcome = Outcome::default();
        for &(from, to) in &segments {
            let mut part = Outcome::default();
            self.scan_text(&data[from..to], self.decode_depth, &mut part);
            outcome.inline_allowed += part.inline_allowed;
            outcome
                .vetoed
                .extend(part.vetoed.iter().map(|&(a, b)| (a + from, b + from)));
            for mut hit in part.hits {
                hit.offset += from;
                hit.span = (hit.span.0 + from, hit.span.1 + from);
                outcome.hits.push(hit);
            }
        }
        // Carry over base hits whose whole span was copied in one run and lies outside
        // the rescanned segments.
        for hit in base_hits {
            // Without its keyword in this blob, a gitleaks-config rule's hit does not carry.
            if !self.rules.detector(hit.rule).builtin {
                continue;
            }
            let Some(&(start, _, source)) = copies
                .iter()
                .find(|&&(_, len, source)| source <= hit.span.0 && hit.span.1 <= source + len)
            else {
                continue;
            };
            let shift = |x: usize| start + (x - source);
            let span = (shift(hit.span.0), shift(hit.span.1));
            if segments.iter().any(|&(a, b)| a <= span.0 && span.1 <= b) {
                continue;
            }
            let mut moved = hit.clone();
            moved.offset = shift(hit.offset);
            moved.span = span;
            outcome.hits.push(moved);
        }
        outcome.hits.sort_by_key(|hit| (hit.offset, hit.rule));
        outcome
            .hits
            .dedup_by(|a, b| a.rule == b.rule && a.offset == b.offset && a.secret == b.secret);
        self.drop_generic_overlaps(&mut outcome.hits, &outcome.vetoed);
        fill_lines(data, &mut outcome.hits);
        self.composites(&mut outcome.hits);
        outcome
    }

    /// gitleaks composite rules: a hit of a rule that requires others stays only when each
    /// required rule matched within its `withinLines` / `withinColumns`; hits of
    /// `skipReport` rules serve that judgement and are then dropped.
    fn composites(&self, hits: &mut Vec<Hit>) {
        let detector = |hit: &Hit| self.rules.detector(hit.rule);
        if !hits
            .iter()
            .any(|h| detector(h).skip_report || !detector(h).required.is_empty())
        {
            return;
        }
        let keep: Vec<bool> = hits
            .iter()
            .map(|hit| {
                let d = detector(hit);
                !d.skip_report
                    && d.required.iter().all(|req| {
                        hits.iter().any(|other| {
                            other.rule == req.rule
                                && req
                                    .within_lines
                                    .is_none_or(|n| hit.line.abs_diff(other.line) <= n)
                                && req
                                    .within_columns
                                    .is_none_or(|n| hit.column.abs_diff(other.column) <= n)
                        })
                    })
            })
            .collect();
        let mut keep = keep.into_iter();
        hits.retain(|_| keep.next().unwrap_or(false));
    }

    /// A context-based (generic) hit on the same characters as a provider rule's hit says
    /// nothing new: keep the specific one. Nor does one on characters a provider's rule
    /// rejected (a wrong checksum, a placeholder): the provider's judgement stands.
    fn drop_generic_overlaps(&self, hits: &mut Vec<Hit>, vetoed: &[(usize, usize)]) {
        let specific: Vec<(usize, usize)> = hits
            .iter()
            .filter(|h| !self.rules.detector(h.rule).generic)
            .map(|h| (h.offset, h.offset + h.secret.len().max(1)))
            .chain(vetoed.iter().copied())
            .collect();
        if specific.is_empty() {
            return;
        }
        hits.retain(|h| {
            !self.rules.detector(h.rule).generic
                || !specific
                    .iter()
                    .any(|&(start, end)| h.offset < end && start < h.offset + h.secret.len().max(1))
        });
    }

    fn scan_text(&self, data: &[u8], depth: u8, outcome: &mut Outcome) {
        SCANNED.fetch_add(data.len() as u64, std::sync::atomic::Ordering::Relaxed);
        let rules = self.rules;
        // (rule, window start, window end)
        let mut windows: Vec<(u16, usize, usize)> = Vec::new();
        // Keywords come in order; a rule gets one window per line however many of its
        // keywords the line holds. Prefixes are found case-insensitively with the keywords
        // (one pass over the bytes) and must then match their exact spelling.
        let (mut start, mut end) = (usize::MAX, 0);
        let mut on_line: Vec<u16> = Vec::new();
        for hit in rules.prefilter.find_overlapping_iter(data) {
            let trigger = &rules.triggers[hit.pattern().as_usize()];
            let matched = &data[hit.start()..hit.end()];
            let exact = trigger
                .exact
                .iter()
                .filter(|(spelling, _)| **spelling == *matched)
                .flat_map(|(_, rules)| rules);
            for &rule in trigger.any_case.iter().chain(exact) {
                if hit.start() < start || hit.start() > end {
                    (start, end) = line_bounds(data, hit.start(), hit.end());
                    on_line.clear();
                }
                if on_line.contains(&rule) {
                    continue;
                }
                on_line.push(rule);
                let detector = rules.detector(rule);
                if !detector.builtin {
                    // gitleaks semantics: a keyword anywhere lets the regex see the file.
                    windows.push((rule, 0, data.len()));
                } else if detector.multiline {
                    // Multi-line rules look a few lines back (a name above its value)
                    // and far ahead (a key's body).
                    let back = lines_back(data, start, MULTILINE_LINES_BACK);
                    let ahead = line_end(data, (hit.end() + MULTILINE_REACH).min(data.len()));
                    windows.push((rule, back, ahead));
                } else {
                    windows.push((rule, start, end));
                }
            }
        }
        if !rules.always.is_empty() && !data.is_empty() {
            for &rule in &rules.always {
                windows.push((rule, 0, data.len()));
            }
        }
        windows.sort_unstable();
        let mut merged: Vec<(u16, usize, usize)> = Vec::with_capacity(windows.len());
        for (rule, start, end) in windows {
            match merged.last_mut() {
                Some(last) if last.0 == rule && start <= last.2 => last.2 = last.2.max(end),
                _ => merged.push((rule, start, end)),
            }
        }
        for (rule, start, end) in merged {
            self.run_rule(rule, data, start, end, outcome);
        }
        if depth > 0 {
            for run in decode::payloads(data) {
                let before = outcome.hits.len();
                let mut inner = Outcome::default();
                self.scan_text(&run.decoded, depth - 1, &mut inner);
                outcome.inline_allowed += inner.inline_allowed;
                for mut hit in inner.hits {
                    hit.offset = run.start;
                    hit.span = (run.start, run.end);
                    hit.decoded = Some(hit.decoded.unwrap_or(run.kind));
                    let (ls, le) = line_bounds(data, run.start, run.end);
                    hit.line_text = data[ls..le.min(ls + LINE_KEEP)].to_vec();
                    outcome.hits.push(hit);
                }
                let _ = before;
            }
        }
    }

    fn run_rule(&self, rule: u16, data: &[u8], start: usize, end: usize, outcome: &mut Outcome) {
        let detector = self.rules.detector(rule);
        if detector.native == Some(Native::Context) {
            self.run_context(data, start, end, outcome);
            return;
        }
        let Some(regex) = &detector.regex else { return };
        let window = &data[start..end];
        for captures in regex.captures_iter(window) {
            let Some(whole) = captures.get(0) else {
                continue;
            };
            let secret = match detector.secret_group {
                Some(group) => captures.get(group),
                None if captures.len() > 1 => (1..captures.len()).find_map(|g| captures.get(g)),
                None => Some(whole),
            };
            let Some(secret) = secret else { continue };
            let value = secret.as_bytes();
            if value.is_empty() {
                continue;
            }
            let entropy = shannon_entropy(value);
            // A password in a URL or connection string: judged as the context rules judge
            // a password's value, and reported as a hard-coded password when weak.
            let mut reported = rule;
            // A value the rule's judgement rejects is no secret for any rule either.
            let at = start + secret.start();
            let veto = (at, at + value.len());
            match detector.judge {
                None => {}
                Some(Judge::Token) if !generic::value::judge_token(value) => {
                    outcome.vetoed.push(veto);
                    continue;
                }
                Some(Judge::Token) => {}
                Some(Judge::Password) => match generic::value::judge_password(value) {
                    None => {
                        outcome.vetoed.push(veto);
                        continue;
                    }
                    Some(Strength::Random) => {}
                    Some(Strength::Weak | Strength::Hash) => match self.rules.context.weak {
                        Some(weak) => reported = weak,
                        None => continue,
                    },
                },
            }
            let judged = detector.judge.is_some();
            // Hex values carry at most 4 bits a character: judge them on a hex scale.
            let hex_only = detector.builtin && value.iter().all(u8::is_ascii_hexdigit);
            if !judged
                && detector
                    .entropy
                    .is_some_and(|min| entropy <= if hex_only { min.min(3.0) } else { min })
            {
                continue;
            }
            let rejected = detector.validator.is_some_and(|v| !v.check(value))
                || (detector.builtin && !judged && is_placeholder(value, detector.generic));
            if rejected {
                if detector.builtin && !detector.generic {
                    let at = start + secret.start();
                    outcome.vetoed.push((at, at + value.len()));
                }
                continue;
            }
            if detector.builtin && detector.generic && !judged {
                let at = start + secret.start();
                let quoted = at > 0 && matches!(data[at - 1], b'"' | b'\'' | b'`');
                let after = &data[start + secret.end()..(start + secret.end() + 2).min(data.len())];
                if looks_like_code(value, quoted, after) {
                    continue;
                }
            }
            let offset = start + whole.start();
            let (ls, le) = line_bounds(data, offset, start + whole.end());
            let line_text = &data[ls..le];
            if has_allow_comment(line_text) {
                outcome.inline_allowed += 1;
                continue;
            }
            // Per-rule allowlists that do not depend on path or commit are applied here;
            // the rest are judged later, when both are known.
            let candidate = Candidate {
                path: "",
                commit: None,
                secret: value,
                matched: whole.as_bytes(),
                line: line_text,
            };
            if detector
                .allowlists
                .iter()
                .any(|a| a.paths.is_empty() && a.commits.is_empty() && a.allows(&candidate))
            {
                continue;
            }
            let lines = whole.as_bytes().iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            outcome.hits.push(Hit {
                rule: reported,
                offset: start + secret.start(),
                span: (start + whole.start(), start + whole.end()),
                line: 0,
                column: 0,
                lines,
                secret: value.to_vec(),
                matched: whole.as_bytes().to_vec(),
                line_text: line_text[..line_text.len().min(LINE_KEEP)].to_vec(),
                entropy: entropy as f32,
                decoded: None,
                bare: false,
                fallback: false,
            });
        }
    }
}

impl Scanner<'_> {
    /// A file of one line that is a credential (`master.key`, `db/password.txt`): reported
    /// under `secret-file` or `password-file`, whose paths decide where it counts.
    fn secret_file(&self, data: &[u8], outcome: &mut Outcome) {
        let rules = &self.rules.context;
        // Only a file nothing else found anything in: `https://u:p@host` in
        // `.git-credentials` is the URL rule's.
        if !outcome.hits.is_empty() || !outcome.vetoed.is_empty() || outcome.inline_allowed > 0 {
            return;
        }
        let (from, to) = trim_span(data);
        let value = &data[from..to];
        if value.len() < 6 || value.len() > 512 || memchr::memchr(b'\n', value).is_some() {
            return;
        }
        // Judged as a secret's value: weak ones count, and hex is a key, not a hash.
        let Some(judged) =
            generic::value::judge(value, generic::key::KeyClass::Secret, true, false)
        else {
            return;
        };
        let rule = match judged.strength {
            Strength::Random => rules.secret_file,
            Strength::Weak | Strength::Hash => rules.password_file,
        };
        let Some(rule) = rule else { return };
        let (start, end) = (from + judged.span.0, from + judged.span.1);
        outcome.hits.push(Hit {
            rule,
            offset: start,
            span: (start, end),
            line: 0,
            column: 0,
            lines: 1,
            secret: data[start..end].to_vec(),
            matched: data[start..end].to_vec(),
            line_text: value.to_vec(),
            entropy: shannon_entropy(&data[start..end]) as f32,
            decoded: None,
            bare: false,
            fallback: false,
        });
    }

    /// The context analysis (`generic/`) over the lines of a window, reporting each value
    /// under the rule for its strength.
    fn run_context(&self, data: &[u8], start: usize, end: usize, outcome: &mut Outcome) {
        let rules = &self.rules.context;
        let mut found = Vec::new();
        generic::find(data, start, end, &mut found);
        for item in found {
            let rule = match item.strength {
                Strength::Random => rules.random,
                Strength::Weak => rules.weak,
                Strength::Hash => rules.hash,
            };
            let Some(rule) = rule else { continue };
            let (ls, le) = line_bounds(data, item.whole.0, item.whole.1);
            let line_text = &data[ls..le];
            if has_allow_comment(line_text) {
                outcome.inline_allowed += 1;
                continue;
            }
            let value = &data[item.value.0..item.value.1];
            let matched = &data[item.whole.0..item.whole.1];
            let candidate = Candidate {
                path: "",
                commit: None,
                secret: value,
                matched,
                line: line_text,
            };
            let detector = self.rules.detector(rule);
            if detector
                .allowlists
                .iter()
                .any(|a| a.paths.is_empty() && a.commits.is_empty() && a.allows(&candidate))
            {
                continue;
            }
            outcome.hits.push(Hit {
                rule,
                offset: item.value.0,
                span: item.whole,
                line: 0,
                column: 0,
                lines: matched.iter().filter(|&&b| b == b'\n').count() as u32 + 1,
                secret: value.to_vec(),
                matched: matched.to_vec(),
                line_text: line_text[..line_text.len().min(LINE_KEEP)].to_vec(),
                entropy: shannon_entropy(value) as f32,
                decoded: None,
                bare: item.bare,
                fallback: item.fallback,
            });
        }
    }
}

/// The span of `data` without leading and trailing whitespace.
fn trim_span(data: &[u8]) -> (usize, usize) {
    let from = data
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(data.len());
    let to = data
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(from, |i| i + 1);
    (from, to)
}

/// Whether a line carries an inline allow comment.
fn has_allow_comment(line: &[u8]) -> bool {
    static MARKER: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b":allow"));
    MARKER
        .find_iter(line)
        .any(|at| line[..at].ends_with(b"signoff") || line[..at].ends_with(b"gitleaks"))
}

/// The start of the line `n` lines before the one starting at `start`.
fn lines_back(data: &[u8], start: usize, n: usize) -> usize {
    let mut at = start;
    for _ in 0..n {
        if at == 0 {
            break;
        }
        at = memchr::memrchr(b'\n', &data[..at - 1]).map_or(0, |i| i + 1);
    }
    at
}

/// The start of the line holding `at`.
fn line_start_before(data: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &data[..at.min(data.len())]).map_or(0, |i| i + 1)
}

/// The end of the line `n` lines after the one ending at `end`.
fn lines_ahead(data: &[u8], end: usize, n: usize) -> usize {
    let mut at = end;
    for _ in 0..n {
        if at >= data.len() {
            break;
        }
        at = line_end(data, at + 1);
    }
    at
}

fn line_end(data: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &data[from..]).map_or(data.len(), |i| from + i)
}

/// The start of the line holding `start` and the end of the line holding `end`.
fn line_bounds(data: &[u8], start: usize, end: usize) -> (usize, usize) {
    let line_start = memchr::memrchr(b'\n', &data[..start]).map_or(0, |i| i + 1);
    (line_start, line_end(data, end.max(start)))
}

/// Fills 1-based line and column numbers of sorted hits in one pass.
fn fill_lines(data: &[u8], hits: &mut [Hit]) {
    let mut line = 1u32;
    let mut line_start = 0usize;
    let mut position = 0usize;
    for hit in hits.iter_mut() {
        let offset = hit.offset.min(data.len());
        if offset < position {
            // Sorted by offset, so only equal offsets reach here.
            hit.line = line;
            hit.column = (offset - line_start) as u32 + 1;
            continue;
        }
        for index in memchr::memchr_iter(b'\n', &data[position..offset]) {
            line += 1;
            line_start = position + index + 1;
        }
        position = offset;
        hit.line = line;
        hit.column = (offset - line_start) as u32 + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        let data = b"a\nbb\nccc";
        let mut hits: Vec<Hit> = [0, 3, 7]
            .iter()
            .map(|&offset| Hit {
                rule: 0,
                offset,
                span: (offset, offset + 1),
                line: 0,
                column: 0,
                lines: 1,
                secret: vec![],
                matched: vec![],
                line_text: vec![],
                entropy: 0.0,
                decoded: None,
                bare: false,
                fallback: false,
            })
            .collect();
        fill_lines(data, &mut hits);
        let got: Vec<(u32, u32)> = hits.iter().map(|h| (h.line, h.column)).collect();
        assert_eq!(got, [(1, 1), (2, 2), (3, 3)]);
    }

    #[test]
    fn delta_scans_match_full_scans() {
        use crate::rules::example::{Rng, expand};
        let rules = crate::rules::Ruleset::default_rules().unwrap();
        let scanner = Scanner {
            rules: &rules,
            decode_depth: 2,
        };
        let mut rng = Rng::new(5);
        let token = expand("ghp_{a:30}{crc}", &mut rng, None);
        let other = expand("AKIA{b32:16}", &mut rng, None);
        let filler: Vec<String> = (0..2000)
            .map(|i| format!("filler line {i} with some words"))
            .collect();
        let base = {
            let mut lines = filler.clone();
            lines[100] = format!("token = {token}");
            lines.join("\n")
        };
        let base_hits = scanner.scan(base.as_bytes()).hits;
        assert_eq!(base_hits.len(), 1);
        // Edits: insert a line near the top (shifts the token), add a key far below, and
        // drop a line; expressed as copies of base runs around inserted text.
        let mut lines = filler.clone();
        lines[100] = format!("token = {token}");
        lines.insert(3, "inserted".to_owned());
        lines[1500] = format!("aws = {other}");
        lines.remove(1800);
        let new = lines.join("\n");
        // Build the copy map the way a delta would: longest common runs of whole lines.
        let mut copies = Vec::new();
        let base_lines: Vec<&str> = base.split('\n').collect();
        let mut base_offsets = Vec::new();
        let mut at = 0;
        for line in &base_lines {
            base_offsets.push(at);
            at += line.len() + 1;
        }
        let mut out = 0;
        for line in new.split('\n') {
            if let Some(index) = base_lines.iter().position(|l| *l == line) {
                copies.push((out, line.len() + 1, base_offsets[index]));
            }
            out += line.len() + 1;
        }
        let delta = scanner.scan_delta(new.as_bytes(), &base_hits, &copies);
        let full = scanner.scan(new.as_bytes());
        let key = |hits: &[Hit]| {
            hits.iter()
                .map(|h| (h.rule, h.offset, h.line, h.secret.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&delta.hits), key(&full.hits));
        assert_eq!(full.hits.len(), 2);
    }

    #[test]
    fn binary_data_is_recognised() {
        assert!(is_binary(b"PK\x03\x04\x00\x00"));
        assert!(!is_binary(b"plain text"));
    }
}
