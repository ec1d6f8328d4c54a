//! RubyGems versions, ordered as `Gem::Version#<=>`: segments are runs of digits or
//! letters (`-` means `.pre.`), trailing zeros are dropped from the release part and from
//! the pre-release part, a letter segment sorts before a number, and a version with a
//! letter is a pre-release.

use std::cmp::Ordering;

use super::cmp_digits;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Number(String),
    Text(String),
}

/// A RubyGems version, as its canonical segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gem {
    segments: Vec<Segment>,
}

impl Gem {
    /// Parses a version `Gem::Version.correct?` accepts.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if !correct(text) {
            return None;
        }
        let text = if text.is_empty() { "0" } else { text };
        let text = text.replace('-', ".pre.");
        let mut segments = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            if bytes[i].is_ascii_digit() {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let digits = text[start..i].trim_start_matches('0');
                segments.push(Segment::Number(digits.to_owned()));
            } else if bytes[i].is_ascii_alphabetic() {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                segments.push(Segment::Text(text[start..i].to_owned()));
            } else {
                i += 1;
            }
        }
        // Drop trailing zeros of the release part and of the pre-release part.
        let split = segments
            .iter()
            .position(|s| matches!(s, Segment::Text(_)))
            .unwrap_or(segments.len());
        let mut pre = segments.split_off(split);
        let zero = |s: &Segment| matches!(s, Segment::Number(n) if n.is_empty());
        while segments.last().is_some_and(zero) {
            segments.pop();
        }
        while pre.last().is_some_and(zero) {
            pre.pop();
        }
        segments.extend(pre);
        Some(Gem { segments })
    }
}

/// `Gem::Version::ANCHORED_VERSION_PATTERN`.
fn correct(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    let (release, pre) = match text.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (text, None),
    };
    let mut parts = release.split('.');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|pre| {
        pre.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    });
    first_ok && rest_ok && pre_ok
}

impl Ord for Gem {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Number(String::new());
        let length = self.segments.len().max(other.segments.len());
        for i in 0..length {
            let left = self.segments.get(i).unwrap_or(&zero);
            let right = other.segments.get(i).unwrap_or(&zero);
            let order = match (left, right) {
                (Segment::Number(a), Segment::Number(b)) => cmp_digits(a, b),
                (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
                (Segment::Text(a), Segment::Text(b)) => a.cmp(b),
            };
            if order.is_ne() {
                return order;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Gem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
