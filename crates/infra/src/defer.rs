//! One value, one report: a finding about a credential's value (`ENV DB_PASSWORD=…`,
//! `${DB_PASSWORD:-…}`, a Terraform variable's default) is left to the secret scan when
//! the secret scan reports a line it covers ([`signoff_secrets::reported::lines`]). Such
//! findings are dropped here and counted in the `deferred_to_secret_scan` metric.

use std::collections::{BTreeSet, HashMap};

use signoff_core::report::Finding;

use crate::audit::{Rule, VALUE_RULES};
use crate::load::Repo;

/// Removes the findings the secret scan owns; returns how many.
pub(crate) fn defer(repo: &Repo, findings: &mut Vec<Finding>) -> usize {
    let value_ids: Vec<&str> = VALUE_RULES
        .iter()
        .map(|r| signoff_core::finding::Rule::id(*r))
        .collect();
    let mut reported: HashMap<String, BTreeSet<u32>> = HashMap::new();
    let before = findings.len();
    findings.retain(|finding| {
        if !value_ids.contains(&finding.rule.as_str()) {
            return true;
        }
        let Some(location) = &finding.location else {
            return true;
        };
        let Some(line) = location.line else {
            return true;
        };
        let lines = reported.entry(location.path.clone()).or_insert_with(|| {
            repo.sources
                .get(&location.path)
                .map(|text| signoff_secrets::reported::lines(&location.path, text.as_bytes()))
                .unwrap_or_default()
        });
        let end = location.end_line.unwrap_or(line);
        let covered = lines.range(line as u32..=end as u32).next().is_some();
        !covered
    });
    let _ = Rule::ALL;
    before - findings.len()
}
