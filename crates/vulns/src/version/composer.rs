//! Composer (Packagist) versions, ordered like PHP's `version_compare` as OSV's Packagist
//! ecosystem does: a leading `v` dropped, `-`, `_` and `+` read as `.`, a `.` put between
//! digits and letters; then part by part, any other word < `dev` < `alpha` = `a` < `beta`
//! = `b` < `RC` = `rc` < a number < `pl` = `p`. Branch names (`dev-main`) are not versions.

use std::cmp::Ordering;

use super::cmp_digits;

/// A Composer version, as its canonical parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Composer {
    parts: Vec<String>,
}

impl Composer {
    /// Parses a version; branch aliases (`dev-…`) and text without a digit are `None`.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.starts_with("dev-")
            || !text.bytes().any(|b| b.is_ascii_digit())
            || text.bytes().any(|b| b.is_ascii_whitespace())
        {
            return None;
        }
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let mut canonical = String::with_capacity(text.len() + 4);
        let mut previous: Option<char> = None;
        for c in text.chars() {
            let c = if matches!(c, '-' | '_' | '+') { '.' } else { c };
            if let Some(p) = previous
                && p != '.'
                && c != '.'
                && p.is_ascii_digit() != c.is_ascii_digit()
            {
                canonical.push('.');
            }
            canonical.push(c);
            previous = Some(c);
        }
        Some(Composer {
            parts: canonical.split('.').map(str::to_owned).collect(),
        })
    }
}

fn special(part: &str) -> i8 {
    match part {
        "dev" => 0,
        "alpha" | "a" => 1,
        "beta" | "b" => 2,
        "RC" | "rc" => 3,
        "#" => 4,
        "pl" | "p" => 5,
        _ => -1,
    }
}

fn is_number(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())
}

fn compare(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (is_number(x), is_number(y)) {
            (true, true) => cmp_digits(x, y),
            (false, false) => special(x).cmp(&special(y)),
            (true, false) => special("#").cmp(&special(y)),
            (false, true) => special(x).cmp(&special("#")),
        };
        if order.is_ne() {
            return order;
        }
    }
    let hash = ["#".to_owned()];
    match a.len().cmp(&b.len()) {
        Ordering::Greater => {
            if is_number(&a[b.len()]) {
                Ordering::Greater
            } else {
                compare(&a[b.len()..], &hash)
            }
        }
        Ordering::Less => {
            if is_number(&b[a.len()]) {
                Ordering::Less
            } else {
                compare(&hash, &b[a.len()..])
            }
        }
        Ordering::Equal => Ordering::Equal,
    }
}

impl Ord for Composer {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.parts, &other.parts)
    }
}

impl PartialOrd for Composer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
