//! CVSS base scores computed from the vector, from the specifications: v2
//! (https://www.first.org/cvss/v2/guide), v3.0 and v3.1 (https://www.first.org/cvss/v3-1/specification-document)
//! and v4.0 (https://www.first.org/cvss/v4-0/specification-document, with the FIRST
//! calculator's macro-vector table). A vector that does not parse gives `None`.

mod v2;
mod v3;
mod v4;
mod v4_table;

use signoff_core::report::Severity;

/// The CVSS version a score comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Method {
    V2,
    V30,
    V31,
    V40,
}

impl Method {
    /// How it is shown: `CVSS 3.1`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Method::V2 => "CVSS 2.0",
            Method::V30 => "CVSS 3.0",
            Method::V31 => "CVSS 3.1",
            Method::V40 => "CVSS 4.0",
        }
    }
}

/// A computed base score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Score {
    pub method: Method,
    pub base: f64,
}

/// Computes the base score of a vector of any supported version.
pub(crate) fn score(vector: &str) -> Option<Score> {
    let vector = vector.trim();
    if let Some(rest) = vector.strip_prefix("CVSS:4.0/") {
        return v4::base(rest).map(|base| Score {
            method: Method::V40,
            base,
        });
    }
    if let Some(rest) = vector.strip_prefix("CVSS:3.1/") {
        return v3::base(rest, true).map(|base| Score {
            method: Method::V31,
            base,
        });
    }
    if let Some(rest) = vector.strip_prefix("CVSS:3.0/") {
        return v3::base(rest, false).map(|base| Score {
            method: Method::V30,
            base,
        });
    }
    let rest = vector
        .strip_prefix("(")
        .and_then(|v| v.strip_suffix(")"))
        .unwrap_or(vector);
    v2::base(rest).map(|base| Score {
        method: Method::V2,
        base,
    })
}

/// The qualitative rating of a score (v3/v4 scale; v2 has no critical, but advisories
/// rating a v2 score are rare and 9.0+ is critical in practice).
pub(crate) fn rating(base: f64) -> Severity {
    if base >= 9.0 {
        Severity::Critical
    } else if base >= 7.0 {
        Severity::High
    } else if base >= 4.0 {
        Severity::Medium
    } else if base > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

/// Splits `K:V/K:V` into pairs; `None` on a malformed or repeated metric.
pub(crate) fn metrics(vector: &str) -> Option<Vec<(&str, &str)>> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for part in vector.split('/') {
        let (key, value) = part.split_once(':')?;
        if key.is_empty() || value.is_empty() || out.iter().any(|(k, _)| *k == key) {
            return None;
        }
        out.push((key, value));
    }
    Some(out)
}

#[cfg(test)]
mod tests;
