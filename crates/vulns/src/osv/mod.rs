//! OSV records (https://ossf.github.io/osv-schema/) as the gate reads them, and the
//! schema's evaluation: is a package at a version affected? Ranges of type `ECOSYSTEM`
//! and `SEMVER` are evaluated (events in any order, `introduced: "0"`, `fixed` versus
//! `last_affected`, `limit`), plus the explicit `versions` list; `GIT` ranges are out of
//! scope and counted.

use std::cmp::Ordering;

use serde::Deserialize;

use crate::ecosystem::Ecosystem;
use crate::version::{Scheme, Version};

/// One advisory.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Record {
    pub id: String,
    #[serde(default)]
    pub withdrawn: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub severity: Vec<SeverityEntry>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// A `severity` entry: `{type: CVSS_V3, score: "CVSS:3.1/…"}`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct SeverityEntry {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// One affected package of a record.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Affected {
    #[serde(default)]
    pub package: Option<Package>,
    #[serde(default)]
    pub severity: Vec<SeverityEntry>,
    #[serde(default)]
    pub ranges: Vec<Range>,
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
    #[serde(default)]
    pub ecosystem_specific: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Package {
    #[serde(default)]
    pub ecosystem: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Range {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub events: Vec<Event>,
}

/// One event; exactly one field is set in a valid record.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Event {
    #[serde(default)]
    pub introduced: Option<String>,
    #[serde(default)]
    pub fixed: Option<String>,
    #[serde(default)]
    pub last_affected: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}

/// What evaluating one affected entry against a version gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Evaluation {
    /// The version is affected.
    pub affected: bool,
    /// `fixed` versions of the ranges that hold the version (the way out).
    pub fixed: Vec<String>,
    /// A range could not be evaluated: a version in it (or ours) does not parse.
    pub unparsable: bool,
    /// `GIT` ranges skipped.
    pub git_ranges: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Introduced,
    LastAffected,
    Fixed,
    Limit,
}

impl Affected {
    /// Evaluates this entry for `version` (the SBOM's text) in `ecosystem`.
    pub(crate) fn evaluate(&self, ecosystem: Ecosystem, version: &str) -> Evaluation {
        let mut out = Evaluation::default();
        if self
            .versions
            .iter()
            .any(|v| same_version(ecosystem, v, version))
        {
            out.affected = true;
        }
        for range in &self.ranges {
            let scheme = match range.kind.as_str() {
                "SEMVER" => Scheme::Semver,
                "ECOSYSTEM" => Scheme::Ecosystem(ecosystem),
                "GIT" => {
                    out.git_ranges += 1;
                    continue;
                }
                _ => {
                    out.unparsable = true;
                    continue;
                }
            };
            match evaluate_range(scheme, &range.events, version) {
                Some((true, fixed)) => {
                    out.affected = true;
                    out.fixed.extend(fixed);
                }
                Some((false, _)) => {}
                None => out.unparsable = true,
            }
        }
        // A listed version is affected whatever the ranges could or could not say.
        if out.affected {
            out.unparsable = false;
        }
        out
    }
}

/// Equal as versions when both parse, else as text.
fn same_version(ecosystem: Ecosystem, listed: &str, version: &str) -> bool {
    if listed == version {
        return true;
    }
    let scheme = Scheme::Ecosystem(ecosystem);
    match (scheme.parse(listed), scheme.parse(version)) {
        (Some(a), Some(b)) => a.compare(&b) == Some(Ordering::Equal),
        _ => false,
    }
}

/// The schema's `IncludedInRanges` for one range: `Some((affected, fixed))`, or `None`
/// when a version does not parse in the range's scheme.
fn evaluate_range(scheme: Scheme, events: &[Event], version: &str) -> Option<(bool, Vec<String>)> {
    let v = scheme.parse(version)?;
    let mut parsed: Vec<(Option<Version>, Kind, &str)> = Vec::with_capacity(events.len());
    for event in events {
        let (kind, text) = match event {
            Event {
                introduced: Some(t),
                ..
            } => (Kind::Introduced, t),
            Event { fixed: Some(t), .. } => (Kind::Fixed, t),
            Event {
                last_affected: Some(t),
                ..
            } => (Kind::LastAffected, t),
            Event { limit: Some(t), .. } => (Kind::Limit, t),
            _ => continue,
        };
        // `introduced: "0"` is before every version; `limit: "*"` after every version.
        let value = match (kind, text.as_str()) {
            (Kind::Introduced, "0") | (Kind::Limit, "*") => None,
            _ => Some(scheme.parse(text)?),
        };
        parsed.push((value, kind, text.as_str()));
    }
    let order = |a: &(Option<Version>, Kind, &str), b: &(Option<Version>, Kind, &str)| {
        let by_version = match (&a.0, &b.0) {
            (None, None) => Ordering::Equal,
            (None, _) => {
                if a.1 == Kind::Limit {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            (_, None) => {
                if b.1 == Kind::Limit {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (Some(x), Some(y)) => x.compare(y).unwrap_or(Ordering::Equal),
        };
        by_version.then(a.1.cmp(&b.1))
    };
    parsed.sort_by(order);
    let ge = |bound: &Option<Version>| {
        bound
            .as_ref()
            .is_none_or(|b| v.compare(b) != Some(Ordering::Less))
    };
    let limits: Vec<&Option<Version>> = parsed
        .iter()
        .filter(|e| e.1 == Kind::Limit)
        .map(|e| &e.0)
        .collect();
    if !limits.is_empty()
        && !limits.iter().any(|limit| {
            limit
                .as_ref()
                .is_none_or(|l| v.compare(l) == Some(Ordering::Less))
        })
    {
        return Some((false, Vec::new()));
    }
    let mut vulnerable = false;
    let mut fixed = Vec::new();
    for (index, (bound, kind, _)) in parsed.iter().enumerate() {
        match kind {
            Kind::Introduced if ge(bound) => {
                vulnerable = true;
                // The way out is the next `fixed` after this introduction.
                fixed = parsed[index + 1..]
                    .iter()
                    .find(|e| matches!(e.1, Kind::Fixed | Kind::Introduced))
                    .filter(|e| e.1 == Kind::Fixed)
                    .map(|e| vec![e.2.to_owned()])
                    .unwrap_or_default();
            }
            Kind::Fixed if bound.is_some() && ge(bound) => vulnerable = false,
            Kind::LastAffected
                if bound
                    .as_ref()
                    .is_some_and(|b| v.compare(b) == Some(Ordering::Greater)) =>
            {
                vulnerable = false
            }
            _ => {}
        }
    }
    Some((vulnerable, if vulnerable { fixed } else { Vec::new() }))
}

impl Record {
    /// Every id of the record: its own and its aliases.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Whether the record is a malicious-package report (OpenSSF `MAL-`).
    pub(crate) fn is_malicious(&self) -> bool {
        self.ids().any(|id| id.starts_with("MAL-"))
    }
}

#[cfg(test)]
mod tests;
