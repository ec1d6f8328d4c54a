//! Matching: each component of the SBOM against the records naming its package, with the
//! OSV evaluation per affected entry. Withdrawn records are dropped; records that share
//! any id or alias (GHSA, PYSEC, CVE, GO, …) are grouped transitively, so one
//! vulnerability of one package is one match.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use signoff_core::report::Severity;

use crate::ecosystem::Ecosystem;
use crate::osv::Record;
use crate::sbom::Sbom;
use crate::severity::{self, Rated};
use crate::version::Scheme;

/// One vulnerability of one component.
#[derive(Debug, Clone)]
pub(crate) struct Match<'a> {
    pub component: usize,
    pub ecosystem: Ecosystem,
    /// The records describing it, primary first.
    pub records: Vec<&'a Record>,
    /// The id shown and fingerprinted: a CVE when there is one, else a GHSA, else the
    /// smallest id.
    pub primary: String,
    /// Every other id and alias of the group, sorted.
    pub aliases: Vec<String>,
    /// Fixed versions of the ranges holding the version, lowest first.
    pub fixed: Vec<String>,
    pub rated: Rated,
}

/// What matching counted.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stats {
    pub checked: u64,
    pub unsupported: u64,
    pub without_version: u64,
    pub dev_skipped: u64,
    /// Components whose version (or an advisory's range) could not be ordered, with the
    /// ids of the advisories that therefore were not evaluated.
    pub not_matched: Vec<(usize, Vec<String>)>,
    pub withdrawn: u64,
    pub git_ranges: u64,
    pub records_matched: u64,
}

/// Matches every component. `records` holds, per ecosystem, the records read for it.
pub(crate) fn run<'a>(
    sbom: &Sbom,
    records: &'a HashMap<Ecosystem, Vec<Record>>,
    unknown: Severity,
    exclude_dev: bool,
) -> (Vec<Match<'a>>, Stats) {
    let mut stats = Stats::default();
    let by_name: HashMap<(Ecosystem, String), Vec<&Record>> = {
        let mut map: HashMap<(Ecosystem, String), Vec<&Record>> = HashMap::new();
        for (ecosystem, list) in records {
            for record in list {
                let mut names: Vec<String> = record
                    .affected
                    .iter()
                    .filter_map(|a| a.package.as_ref())
                    .filter(|p| p.ecosystem.split(':').next() == Some(ecosystem.osv_name()))
                    .map(|p| ecosystem.normalize(&p.name))
                    .collect();
                names.sort();
                names.dedup();
                for name in names {
                    map.entry((*ecosystem, name)).or_default().push(record);
                }
            }
        }
        map
    };
    let mut matches = Vec::new();
    for (index, component) in sbom.components.iter().enumerate() {
        if component.first_party {
            continue;
        }
        let Some(package) = component.package.as_ref() else {
            stats.unsupported += 1;
            continue;
        };
        let Some(ecosystem) = package.ecosystem else {
            stats.unsupported += 1;
            continue;
        };
        if exclude_dev && component.dev {
            stats.dev_skipped += 1;
            continue;
        }
        let Some(version) = package.version.as_deref().or(component.version.as_deref()) else {
            stats.without_version += 1;
            continue;
        };
        stats.checked += 1;
        let name = ecosystem.normalize(&package.name);
        let candidates = by_name
            .get(&(ecosystem, name.clone()))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut hits: Vec<(&Record, Vec<String>)> = Vec::new();
        let mut unevaluated = Vec::new();
        for record in candidates {
            if record.withdrawn.is_some() {
                stats.withdrawn += 1;
                continue;
            }
            let mut affected = false;
            let mut fixed = Vec::new();
            let mut unparsable = false;
            for entry in &record.affected {
                let Some(p) = entry.package.as_ref() else {
                    continue;
                };
                if p.ecosystem.split(':').next() != Some(ecosystem.osv_name())
                    || ecosystem.normalize(&p.name) != name
                {
                    continue;
                }
                let evaluation = entry.evaluate(ecosystem, version);
                stats.git_ranges += evaluation.git_ranges as u64;
                affected |= evaluation.affected;
                unparsable |= evaluation.unparsable;
                fixed.extend(evaluation.fixed);
            }
            if affected {
                hits.push((record, fixed));
            } else if unparsable {
                unevaluated.push(record.id.clone());
            }
        }
        if !unevaluated.is_empty() {
            unevaluated.sort();
            stats.not_matched.push((index, unevaluated));
        }
        stats.records_matched += hits.len() as u64;
        for group in group(hits) {
            matches.push(build(index, ecosystem, group, unknown));
        }
    }
    (matches, stats)
}

/// Groups records that share any id or alias, transitively (union-find over ids).
fn group(hits: Vec<(&Record, Vec<String>)>) -> Vec<Vec<(&Record, Vec<String>)>> {
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, (record, _)) in hits.iter().enumerate() {
        for id in record.ids() {
            let key = id.to_ascii_uppercase();
            match owner.get(&key) {
                Some(&j) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    owner.insert(key, i);
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<(&Record, Vec<String>)>> = HashMap::new();
    for (i, hit) in hits.into_iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(hit);
    }
    let mut out: Vec<_> = groups.into_values().collect();
    for group in &mut out {
        group.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    }
    out.sort_by(|a, b| a[0].0.id.cmp(&b[0].0.id));
    out
}

/// The preferred id of a group: CVE, then GHSA, then the smallest.
fn primary(ids: &BTreeSet<String>) -> String {
    ids.iter()
        .find(|id| id.starts_with("CVE-"))
        .or_else(|| ids.iter().find(|id| id.starts_with("GHSA-")))
        .or_else(|| ids.iter().next())
        .cloned()
        .unwrap_or_default()
}

fn build<'a>(
    component: usize,
    ecosystem: Ecosystem,
    group: Vec<(&'a Record, Vec<String>)>,
    unknown: Severity,
) -> Match<'a> {
    let ids: BTreeSet<String> = group
        .iter()
        .flat_map(|(r, _)| r.ids().map(str::to_owned))
        .collect();
    let primary = primary(&ids);
    let aliases = ids.iter().filter(|id| **id != primary).cloned().collect();
    let mut fixed: Vec<String> = group.iter().flat_map(|(_, f)| f.iter().cloned()).collect();
    let scheme = Scheme::Ecosystem(ecosystem);
    fixed.sort_by(|a, b| match (scheme.parse(a), scheme.parse(b)) {
        (Some(x), Some(y)) => x.compare(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    });
    fixed.dedup();
    let mut records: Vec<&Record> = group.iter().map(|(r, _)| *r).collect();
    // The record carrying the primary id (or listing it) comes first.
    records.sort_by_key(|r| {
        (
            r.id != primary,
            !r.ids().any(|id| id == primary),
            r.id.clone(),
        )
    });
    let rated = severity::rate(&records, unknown);
    Match {
        component,
        ecosystem,
        records,
        primary,
        aliases,
        fixed,
        rated,
    }
}

#[cfg(test)]
mod tests;
