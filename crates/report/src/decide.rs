//! From gate reports and the policy to a decision: gates grouped with their shards,
//! required gates that did not report, waivers applied, and the verdict.

use std::collections::BTreeMap;

use signoff_core::policy::Policy;
use signoff_core::report::Status;

use crate::load::{Found, LoadProblem, Loaded};

/// The decision of a sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Verdict {
    #[serde(rename = "APPROVED")]
    Approved,
    #[serde(rename = "APPROVED WITH CONDITIONS")]
    ApprovedWithConditions,
    #[serde(rename = "REJECTED")]
    Rejected,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Approved => "APPROVED",
            Verdict::ApprovedWithConditions => "APPROVED WITH CONDITIONS",
            Verdict::Rejected => "REJECTED",
        }
    }

    /// Exit code of the report and of `signoff check`: 0 approved (with or without
    /// conditions), 1 rejected.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Approved | Verdict::ApprovedWithConditions => 0,
            Verdict::Rejected => 1,
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One gate with all its shards.
#[derive(Debug, Clone)]
pub struct Gate {
    pub id: String,
    pub required: bool,
    /// Worst status of the shards.
    pub status: Status,
    pub shards: Vec<Loaded>,
}

/// Everything the rendered report needs.
#[derive(Debug, Clone)]
pub struct Decision {
    pub verdict: Verdict,
    pub gates: Vec<Gate>,
    /// Required gates without any report.
    pub missing: Vec<String>,
    /// Files that could not be used.
    pub problems: Vec<LoadProblem>,
    /// Why the verdict is not a plain approval, one sentence each.
    pub reasons: Vec<String>,
}

/// Groups the reports by gate, applies the policy and decides.
pub fn decide(found: Found, policy: &Policy) -> Decision {
    let mut by_gate: BTreeMap<String, Vec<Loaded>> = BTreeMap::new();
    for loaded in found.reports {
        by_gate
            .entry(loaded.report.gate.clone())
            .or_default()
            .push(loaded);
    }
    let gates: Vec<Gate> = by_gate
        .into_iter()
        .map(|(id, shards)| Gate {
            required: policy.is_required(&id),
            status: shards
                .iter()
                .map(|s| s.report.status)
                .max()
                .unwrap_or(Status::Skipped),
            id,
            shards,
        })
        .collect();
    let missing: Vec<String> = policy
        .required
        .iter()
        .filter(|id| !gates.iter().any(|gate| &gate.id == *id))
        .cloned()
        .collect();

    let mut rejected = Vec::new();
    let mut conditions = Vec::new();
    for id in &missing {
        rejected.push(format!("required gate `{id}` did not report"));
    }
    for gate in &gates {
        match gate.status {
            Status::Fail => rejected.push(format!("gate `{}` failed", gate.id)),
            Status::Error => rejected.push(format!("gate `{}` could not run", gate.id)),
            Status::Warn => conditions.push(format!("gate `{}` passed with warnings", gate.id)),
            Status::Skipped if gate.required => {
                conditions.push(format!("required gate `{}` had nothing to check", gate.id))
            }
            _ => {}
        }
    }
    let unreadable = found
        .problems
        .iter()
        .filter(|problem| !problem.message.starts_with("duplicate of"))
        .count();
    if unreadable > 0 {
        rejected.push(format!(
            "{} could not be read",
            signoff_core::text::plural(unreadable as u64, "gate report", "gate reports")
        ));
    }
    let verdict = if !rejected.is_empty() {
        Verdict::Rejected
    } else if !conditions.is_empty() {
        Verdict::ApprovedWithConditions
    } else {
        Verdict::Approved
    };
    rejected.extend(conditions);
    Decision {
        verdict,
        gates,
        missing,
        problems: found.problems,
        reasons: rejected,
    }
}
