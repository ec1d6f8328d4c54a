//! Semantic Versioning 2.0 precedence, as npm, crates.io, Hex, Go and OSV `SEMVER` ranges
//! use it. A leading `v` (Go) or `=` (npm) is accepted; a missing minor or patch counts as
//! 0, as OSV's own tools read `1.2`. Build metadata (`+incompatible`) does not affect
//! precedence, except for Pub, where a version with build metadata sorts after the same
//! version without it, and builds order among themselves like pre-releases.

use std::cmp::Ordering;

use super::cmp_digits;

/// One dot-separated identifier of a pre-release or build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ident {
    Numeric(String),
    Alpha(String),
}

impl Ord for Ident {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Numeric(a), Ident::Numeric(b)) => cmp_digits(a, b),
            (Ident::Numeric(_), Ident::Alpha(_)) => Ordering::Less,
            (Ident::Alpha(_), Ident::Numeric(_)) => Ordering::Greater,
            (Ident::Alpha(a), Ident::Alpha(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Semver {
    core: [String; 3],
    pre: Vec<Ident>,
    /// Build identifiers; only ordered when `build_orders` (Pub).
    build: Vec<Ident>,
    build_orders: bool,
}

impl Semver {
    /// Parses `text`; `build_orders` makes build metadata part of the order (Pub).
    pub(crate) fn parse(text: &str, build_orders: bool) -> Option<Self> {
        // `go1.21.3`: Go toolchain and standard-library versions.
        let text = text
            .strip_prefix("go")
            .filter(|t| t.starts_with(|c: char| c.is_ascii_digit()))
            .unwrap_or(text);
        let text = text.strip_prefix(['v', 'V', '=']).unwrap_or(text);
        let (rest, build) = match text.split_once('+') {
            Some((rest, build)) => (rest, Some(build)),
            None => (text, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (rest, None),
        };
        let mut parts = core.split('.');
        let mut numbers: [String; 3] = Default::default();
        for (index, slot) in numbers.iter_mut().enumerate() {
            match parts.next() {
                Some(part) if is_digits(part) => *slot = part.trim_start_matches('0').to_owned(),
                None if index > 0 => {}
                _ => return None,
            }
        }
        if parts.next().is_some() {
            return None;
        }
        let pre = match pre {
            Some(pre) => identifiers(pre)?,
            None => Vec::new(),
        };
        let build = match build {
            Some(build) => identifiers(build)?,
            None => Vec::new(),
        };
        Some(Semver {
            core: numbers,
            pre,
            build,
            build_orders,
        })
    }
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn identifiers(text: &str) -> Option<Vec<Ident>> {
    text.split('.')
        .map(|part| {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                None
            } else if is_digits(part) {
                Some(Ident::Numeric(part.to_owned()))
            } else {
                Some(Ident::Alpha(part.to_owned()))
            }
        })
        .collect()
}

/// Pre-release order: no pre-release sorts after any pre-release.
fn cmp_pre(a: &[Ident], b: &[Ident]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.cmp(b),
    }
}

impl Ord for Semver {
    fn cmp(&self, other: &Self) -> Ordering {
        let core = self
            .core
            .iter()
            .zip(&other.core)
            .map(|(a, b)| cmp_digits(a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal);
        let order = core.then_with(|| cmp_pre(&self.pre, &other.pre));
        if self.build_orders && other.build_orders {
            // Pub: `1.0.0+1` > `1.0.0`; builds compare like identifiers.
            order.then_with(|| match (self.build.is_empty(), other.build.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => self.build.cmp(&other.build),
            })
        } else {
            order
        }
    }
}

impl PartialOrd for Semver {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
