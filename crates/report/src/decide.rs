//! From gate reports and the policy to a decision: gates grouped with their shards,
//! required gates that did not report, waivers in force and expired, scores, and the
//! verdict with the reasons behind it.

use std::collections::BTreeMap;

use serde::Serialize;
use signoff_core::markdown::ticked;
use signoff_core::policy::{Outcome, Policy, Waiver};
use signoff_core::report::Status;

use crate::load::{Found, LoadProblem, Loaded};
use crate::score::{self, GateScore};

/// The decision of a sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
    /// `advisory: true` in the policy: reported and scored, never a reason to reject.
    pub advisory: bool,
    /// Made from a SARIF file given with `--sarif`.
    pub external: bool,
    /// Worst status of the shards.
    pub status: Status,
    pub shards: Vec<Loaded>,
    pub score: GateScore,
}

impl Gate {
    /// The reports that judge the gate: the merged judgement of its shards when there is
    /// one, else every shard.
    pub fn judging(&self) -> Vec<&Loaded> {
        judging(&self.shards)
    }
}

fn judging(shards: &[Loaded]) -> Vec<&Loaded> {
    if shards.iter().any(|s| s.merged) {
        shards.iter().filter(|s| s.merged).collect()
    } else {
        shards.iter().collect()
    }
}

/// How a policy waiver was used.
#[derive(Debug, Clone, Serialize)]
pub struct WaiverUse {
    pub gate: String,
    /// `fingerprint …` or `rule … on path …`.
    pub target: String,
    pub reason: String,
    pub expires: String,
    /// Findings it waives (in force) or would have waived (expired).
    pub findings: usize,
    /// Line in the policy file.
    pub line: u64,
}

impl WaiverUse {
    /// What to do about it once it expired.
    pub fn renew_or_remove(&self) -> String {
        format!(
            "Renew or remove the waiver for {} of `{}` (signoff.yml line {}): it expired on {}.",
            self.target, self.gate, self.line, self.expires
        )
    }

    /// What to do about it when it waives nothing.
    pub fn remove_unused(&self) -> String {
        format!(
            "Remove the unused waiver for {} of `{}` (signoff.yml line {}).",
            self.target, self.gate, self.line
        )
    }
}

/// Everything the rendered report needs.
#[derive(Debug, Clone)]
pub struct Decision {
    pub verdict: Verdict,
    pub score: u32,
    pub gates: Vec<Gate>,
    /// Required gates without any report.
    pub missing: Vec<String>,
    /// Files that could not be used.
    pub problems: Vec<LoadProblem>,
    /// Why the verdict is REJECTED, one sentence each.
    pub rejections: Vec<String>,
    /// The conditions attached to an approval.
    pub conditions: Vec<String>,
    pub waivers_in_force: Vec<WaiverUse>,
    pub waivers_expired: Vec<WaiverUse>,
    /// The day the waivers were judged on.
    pub today: jiff::civil::Date,
}

/// Groups the reports by gate, applies the policy and decides.
pub fn decide(mut found: Found, policy: &Policy, today: jiff::civil::Date) -> Decision {
    let judged = judge_waivers(&mut found.reports, policy, today);
    let mut by_gate: BTreeMap<String, Vec<Loaded>> = BTreeMap::new();
    for loaded in found.reports {
        by_gate
            .entry(loaded.report.gate.clone())
            .or_default()
            .push(loaded);
    }
    let gates: Vec<Gate> = by_gate
        .into_iter()
        .map(|(id, shards)| {
            let judging = judging(&shards);
            let reports: Vec<_> = judging.iter().map(|s| &s.report).collect();
            let worst = judging
                .iter()
                .map(|s| s.report.status)
                .max()
                .unwrap_or(Status::Skipped);
            // A gate that relied on a waiver this policy does not hold in force did not
            // really pass: its waived findings are open again.
            let stale = judged.stale.get(&id).copied().unwrap_or(0);
            Gate {
                required: policy.is_required(&id),
                advisory: policy.is_advisory(&id),
                external: shards.iter().all(|s| s.external),
                status: if stale > 0 {
                    worst.max(Status::Fail)
                } else {
                    worst
                },
                score: score::gate(&reports),
                id,
                shards,
            }
        })
        .collect();
    let missing: Vec<String> = policy
        .required
        .iter()
        .filter(|id| !gates.iter().any(|gate| &gate.id == *id))
        .cloned()
        .collect();
    let (waivers_in_force, waivers_expired) = waiver_uses(policy, &gates, today);

    let mut rejections = Vec::new();
    let mut conditions = Vec::new();
    for id in &missing {
        rejections.push(format!("The required gate `{id}` did not report."));
    }
    for gate in &gates {
        // An advisory gate's reasons to reject are conditions instead.
        let reasons = if gate.advisory {
            &mut conditions
        } else {
            &mut rejections
        };
        let advisory = if gate.advisory {
            " It is advisory, so it does not reject the release."
        } else {
            ""
        };
        if let Some(&stale) = judged.stale.get(&gate.id) {
            reasons.push(format!(
                "The `{}` gate counted {} as waived under a waiver that is not in force in this \
                 policy (expired or removed); {} open again.{advisory}",
                gate.id,
                signoff_core::text::plural(stale as u64, "finding", "findings"),
                if stale == 1 { "it is" } else { "they are" }
            ));
            continue;
        }
        match gate.status {
            Status::Fail => reasons.push(format!("The `{}` gate failed.{advisory}", gate.id)),
            Status::Error => {
                reasons.push(format!("The `{}` gate could not run.{advisory}", gate.id))
            }
            Status::Warn => {
                for shard in gate.judging() {
                    for warning in shard.report.warnings() {
                        conditions.push(format!("`{}`: {warning}", gate.id));
                    }
                }
                if gate
                    .judging()
                    .iter()
                    .all(|s| s.report.warnings().is_empty())
                {
                    conditions.push(format!("The `{}` gate passed with warnings.", gate.id));
                }
            }
            Status::Skipped if gate.required => conditions.push(format!(
                "The required gate `{}` had nothing to check.",
                gate.id
            )),
            _ => {}
        }
        let serious = open_serious(gate);
        if serious > 0 && matches!(gate.status, Status::Pass | Status::Warn) {
            conditions.push(format!(
                "The `{}` gate passed with {} open; its policy allows them.",
                gate.id,
                signoff_core::text::plural(
                    serious as u64,
                    "critical or high finding",
                    "critical or high findings"
                )
            ));
        }
    }
    if !gates
        .iter()
        .any(|g| matches!(g.status, Status::Pass | Status::Warn | Status::Fail))
    {
        let reason = if gates.is_empty() {
            "Nothing was checked: no gate reported.".to_owned()
        } else {
            "Nothing was checked: every gate had nothing to check or could not run.".to_owned()
        };
        match policy.verdict.nothing_checked {
            Outcome::Reject => rejections.push(reason),
            Outcome::Condition => conditions.push(reason),
        }
    }
    if let Some(mixed) = mixed_commits(&gates) {
        match policy.verdict.mixed_commits {
            Outcome::Reject => rejections.push(mixed),
            Outcome::Condition => conditions.push(mixed),
        }
    }
    conditions.extend(found.notes.iter().cloned());
    let unreadable = found.problems.iter().filter(|p| !p.duplicate).count();
    if unreadable > 0 {
        rejections.push(format!(
            "{} could not be read, so what {} say is unknown.",
            signoff_core::text::plural(unreadable as u64, "gate report", "gate reports"),
            if unreadable == 1 {
                "it would"
            } else {
                "they would"
            }
        ));
    }
    let waived: usize = waivers_in_force.iter().map(|w| w.findings).sum();
    if waived > 0 {
        conditions.push(format!(
            "{} accepted under waivers that expire; see Waivers.",
            signoff_core::text::plural(waived as u64, "finding is", "findings are")
        ));
    }
    let reopened: usize = waivers_expired.iter().map(|w| w.findings).sum();
    if reopened > 0 {
        let waivers = waivers_expired.iter().filter(|w| w.findings > 0).count();
        conditions.push(format!(
            "{} no longer waived: the {} covering {} expired; see Waivers.",
            signoff_core::text::plural(reopened as u64, "finding is", "findings are"),
            if waivers == 1 { "waiver" } else { "waivers" },
            if reopened == 1 { "it" } else { "them" }
        ));
    }
    for (gate, accepted) in &judged.accepted {
        conditions.push(format!(
            "`{gate}`: {} accepted by the gate's baseline or suppressions.",
            signoff_core::text::plural(*accepted as u64, "finding is", "findings are")
        ));
    }
    let verdict = if !rejections.is_empty() {
        Verdict::Rejected
    } else if !conditions.is_empty() {
        Verdict::ApprovedWithConditions
    } else {
        Verdict::Approved
    };
    let scores: Vec<Option<u32>> = gates.iter().map(|g| g.score.score).collect();
    Decision {
        verdict,
        score: score::overall(&scores, missing.len() + unreadable),
        gates,
        missing,
        problems: found.problems,
        rejections,
        conditions,
        waivers_in_force,
        waivers_expired,
        today,
    }
}

/// Open critical and high findings of a gate (each fingerprint once).
pub fn open_serious(gate: &Gate) -> usize {
    let mut seen = std::collections::HashSet::new();
    gate.judging()
        .into_iter()
        .flat_map(|s| s.report.findings.iter())
        .filter(|f| !f.waived && f.severity >= signoff_core::Severity::High)
        .filter(|f| seen.insert(f.fingerprint.as_str()))
        .count()
}

/// A sentence naming the commits the gate reports are about, when they are not all the
/// same one: a sign-off must be about one version of the code. Reports that do not know
/// their commit (a directory outside git, a SARIF log) are left out.
fn mixed_commits(gates: &[Gate]) -> Option<String> {
    let mut by_commit: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for gate in gates.iter().filter(|g| !g.external) {
        for shard in gate.shards.iter().filter(|s| !s.merged) {
            if let Some(commit) = shard.report.subject.commit.as_deref() {
                let ids = by_commit.entry(commit).or_default();
                if !ids.contains(&gate.id.as_str()) {
                    ids.push(&gate.id);
                }
            }
        }
    }
    if by_commit.len() < 2 {
        return None;
    }
    let parts: Vec<String> = by_commit
        .iter()
        .map(|(commit, ids)| {
            let short: String = commit.chars().take(12).collect();
            let ids: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
            format!("`{short}` ({})", ids.join(", "))
        })
        .collect();
    Some(format!(
        "The gate reports are about {} different commits: {}; a sign-off covers one commit, so run every gate on the same checkout.",
        by_commit.len(),
        parts.join(", ")
    ))
}

/// How the findings' `waived` flags stand against the report's own policy.
#[derive(Debug, Default)]
struct Judged {
    /// Per gate: findings a gate waived under a policy waiver that is not in force here.
    stale: BTreeMap<String, usize>,
    /// Per gate: findings waived by the gate's own means (a baseline, a SARIF suppression).
    accepted: BTreeMap<String, usize>,
}

/// Re-judges every finding's `waived` flag against the report's policy, so the sign-off
/// never rests on a waiver it does not hold: a finding a gate waived under a policy waiver
/// that has since expired or been removed is open again; an active waiver of this policy
/// waives the findings it covers even when the gate ran without it. Findings a gate
/// accepted by its own means (baseline, suppression) stay accepted, as a condition.
fn judge_waivers(reports: &mut [Loaded], policy: &Policy, today: jiff::civil::Date) -> Judged {
    let mut judged = Judged::default();
    for loaded in reports {
        let gate = loaded.report.gate.clone();
        for finding in &mut loaded.report.findings {
            let active = policy.waiver_for(&gate, finding, today);
            let by_policy = finding.details.contains_key("waiver");
            match (finding.waived, by_policy, active) {
                (true, true, None) => {
                    finding.waived = false;
                    finding.details.remove("waiver");
                    finding
                        .details
                        .insert("waiver_not_in_force".into(), true.into());
                    *judged.stale.entry(gate.clone()).or_default() += 1;
                }
                (true, false, None) => *judged.accepted.entry(gate.clone()).or_default() += 1,
                (false, _, Some(waiver)) => waiver.mark(finding),
                _ => {}
            }
        }
    }
    judged
}

fn waiver_uses(
    policy: &Policy,
    gates: &[Gate],
    today: jiff::civil::Date,
) -> (Vec<WaiverUse>, Vec<WaiverUse>) {
    let mut in_force = Vec::new();
    let mut expired = Vec::new();
    for waiver in &policy.waivers {
        let findings = gates
            .iter()
            .filter(|gate| gate.id == waiver.gate)
            .flat_map(|gate| {
                gate.judging()
                    .into_iter()
                    .flat_map(|s| s.report.findings.iter())
            })
            .filter(|finding| waiver.covers(&waiver.gate, finding))
            .count();
        let entry = WaiverUse {
            gate: waiver.gate.clone(),
            target: target(waiver),
            reason: waiver.reason.clone(),
            expires: waiver.expires.to_string(),
            findings,
            line: waiver.line,
        };
        if waiver.is_active(today) {
            in_force.push(entry);
        } else {
            expired.push(entry);
        }
    }
    (in_force, expired)
}

fn target(waiver: &Waiver) -> String {
    if let Some(advisory) = &waiver.advisory {
        return match &waiver.package {
            Some(package) => format!("advisory {} in {}", ticked(advisory), ticked(package)),
            None => format!("advisory {}", ticked(advisory)),
        };
    }
    match (&waiver.fingerprint, &waiver.rule, &waiver.path) {
        (Some(fingerprint), _, _) => format!("fingerprint {}", ticked(fingerprint)),
        (None, Some(rule), Some(path)) => {
            format!("rule {} on {}", ticked(rule), ticked(&path.pattern))
        }
        (None, Some(rule), None) => format!("rule {}", ticked(rule)),
        _ => "nothing".into(),
    }
}
