//! NuGet versions: up to four numeric parts (`1.0.0.1`; missing parts are 0, leading zeros
//! ignored), a case-insensitive semver pre-release, and build metadata that does not count.

use std::cmp::Ordering;

use super::cmp_digits;
use super::semver::Ident;

/// A NuGet version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NuGet {
    numbers: [String; 4],
    pre: Vec<Ident>,
}

impl NuGet {
    /// Parses `major[.minor[.patch[.revision]]][-pre][+build]`.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let text = text.split_once('+').map_or(text, |(v, _)| v);
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (text, None),
        };
        let mut numbers: [String; 4] = Default::default();
        let mut parts = core.split('.');
        for (index, slot) in numbers.iter_mut().enumerate() {
            match parts.next() {
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                    *slot = p.trim_start_matches('0').to_owned();
                }
                None if index > 0 => {}
                _ => return None,
            }
        }
        if parts.next().is_some() {
            return None;
        }
        let pre = match pre {
            None => Vec::new(),
            Some(pre) => pre
                .to_ascii_lowercase()
                .split('.')
                .map(|p| {
                    if p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                        None
                    } else if p.bytes().all(|b| b.is_ascii_digit()) {
                        Some(Ident::Numeric(p.to_owned()))
                    } else {
                        Some(Ident::Alpha(p.to_owned()))
                    }
                })
                .collect::<Option<Vec<_>>>()?,
        };
        Some(NuGet { numbers, pre })
    }
}

impl Ord for NuGet {
    fn cmp(&self, other: &Self) -> Ordering {
        let numbers = self
            .numbers
            .iter()
            .zip(&other.numbers)
            .map(|(a, b)| cmp_digits(a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal);
        numbers.then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.pre.cmp(&other.pre),
        })
    }
}

impl PartialOrd for NuGet {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
