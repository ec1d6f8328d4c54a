//! The data the templates see: everything about the sign-off, precomputed, so templates
//! only lay it out. Every field is always present (strict templates fail on a missing
//! one); optional values are `null`.

use serde::Serialize;
use signoff_core::report::{Finding, GateReport, Severity, Status};

use crate::decide::{Decision, Gate, Verdict, WaiverUse};
use crate::score::{self, Deduction};

/// Findings shown in full in a gate's section; the rest go into a collapsed list.
pub const TOP_FINDINGS: usize = 10;
/// Findings listed in the collapsed list of a gate before the report points to the gate
/// report for the rest.
pub const MORE_FINDINGS: usize = 500;

/// Who and where the sign-off happens.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Context {
    pub repository: Option<String>,
    pub commit: Option<String>,
    pub git_ref: Option<String>,
    pub server_url: String,
    pub run_url: Option<String>,
    pub actor: Option<String>,
    pub event: Option<String>,
    pub workflow: Option<String>,
    /// RFC 3339.
    pub generated_at: String,
    pub policy_source: String,
    /// Name of the artifact the report is uploaded as (`signoff-report`).
    pub artifact_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub repository: Option<String>,
    pub repository_url: Option<String>,
    pub commit: Option<String>,
    pub commit_short: Option<String>,
    pub commit_url: Option<String>,
    pub git_ref: Option<String>,
    pub generated_at: String,
    pub run_url: Option<String>,
    pub actor: Option<String>,
    pub event: Option<String>,
    pub workflow: Option<String>,
    pub policy_source: String,
    pub verdict: String,
    pub verdict_kind: &'static str,
    pub verdict_icon: &'static str,
    pub score: u32,
    pub headline: String,
    pub gates: Vec<GateView>,
    pub missing: Vec<MissingGate>,
    pub checklist: Vec<ChecklistItem>,
    pub rejections: Vec<String>,
    pub conditions: Vec<String>,
    pub recommendations: Vec<String>,
    pub waivers_in_force: Vec<WaiverUse>,
    pub waivers_expired: Vec<WaiverUse>,
    pub problems: Vec<ProblemView>,
    pub integrity: Vec<FileDigest>,
    pub rubric: Vec<RubricRow>,
    /// The sign-off as a reviewer reads it: areas, maturity, strengths, risks and
    /// recommendations.
    pub review: crate::review::Review,
    /// What changed since the `--baseline` sign-off, when one was given.
    pub trend: Option<crate::trend::Trend>,
    pub compact: bool,
    /// Name of the artifact the full report is in.
    pub artifact_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateView {
    pub id: String,
    pub title: String,
    pub anchor: String,
    pub status: Status,
    /// The icon for what happened: ✅ only for a pass without open findings.
    pub icon: &'static str,
    /// What happened, in words: `passed`, `passed with conditions`, `failed`, …
    pub outcome: String,
    pub required: bool,
    /// Reported and scored, but never rejects.
    pub advisory: bool,
    pub external: bool,
    pub score: Option<u32>,
    pub score_text: String,
    pub summary: String,
    pub key_metric: String,
    pub duration_ms: u64,
    pub tool: String,
    pub shards: Vec<ShardView>,
    pub multi_shard: bool,
    pub checks: Vec<CheckView>,
    pub findings_top: Vec<FindingView>,
    pub findings_more: Vec<FindingView>,
    pub findings_omitted: usize,
    pub findings_total: usize,
    pub findings_open: usize,
    pub findings_waived: usize,
    /// Open findings per `details.kind` (the secret scan's kinds), worst kind first;
    /// empty when the gate's findings carry no kind.
    pub findings_by_kind: Vec<KindCount>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
    /// Each error split into its lines (message, then `= help: …`), so none run together.
    pub error_lines: Vec<Vec<String>>,
    /// What a dependency change adds, removes and changes (the `sbom-diff` gate).
    pub changes: Option<ChangesView>,
    pub deductions: Vec<Deduction>,
}

/// How many open findings a gate has of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    pub kind: String,
    pub open: usize,
}

/// Open findings counted per `details.kind`, in the order their worst finding sorts.
fn by_kind(findings: &[(&GateReport, &Finding)]) -> Vec<KindCount> {
    let mut counts: Vec<KindCount> = Vec::new();
    for (_, finding) in findings.iter().filter(|(_, f)| !f.waived) {
        let Some(kind) = finding.details.get("kind").and_then(|k| k.as_str()) else {
            continue;
        };
        match counts.iter_mut().find(|c| c.kind == kind) {
            Some(count) => count.open += 1,
            None => counts.push(KindCount {
                kind: kind.to_owned(),
                open: 1,
            }),
        }
    }
    counts
}

/// Packages a change adds, removes and changes, by name.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesView {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
    /// Entries not listed (the gate report has them all).
    pub omitted: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShardView {
    pub name: String,
    pub status: Status,
    pub summary: String,
    pub duration_ms: u64,
    pub file: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckView {
    pub name: String,
    pub op: &'static str,
    pub threshold: String,
    pub actual: String,
    pub ok: bool,
    pub message: Option<String>,
    pub shard: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub severity: Severity,
    pub rule: String,
    pub message: String,
    pub location: Option<String>,
    pub url: Option<String>,
    pub waived: bool,
    /// How a waived finding is accepted: `waived` (a policy waiver), `baselined`,
    /// `suppressed` (in the scanner's own SARIF).
    pub accepted: Option<&'static str>,
    pub fingerprint: String,
    pub help: Option<String>,
    /// The redacted value, when the message does not already show it.
    pub preview: Option<String>,
    /// The review area it speaks to (`secrets`, `supply-chain`, …).
    pub area: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct MissingGate {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecklistItem {
    pub done: bool,
    /// Not applicable (an optional gate with nothing to check): shown without a box.
    pub not_applicable: bool,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProblemView {
    pub file: String,
    pub message: String,
    pub duplicate: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileDigest {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RubricRow {
    pub cause: &'static str,
    pub points: String,
}

/// Human name of a gate (see `signoff_core::registry`).
pub fn title(id: &str) -> String {
    signoff_core::registry::title(id)
}

/// Builds the view. `integrity` lists the gate-report copies with their digests.
pub fn build(
    decision: &Decision,
    review: crate::review::Review,
    context: &Context,
    integrity: Vec<FileDigest>,
    compact: bool,
) -> View {
    let repository_url = context
        .repository
        .as_ref()
        .map(|repo| format!("{}/{repo}", context.server_url));
    let commit_url = match (&repository_url, &context.commit) {
        (Some(base), Some(commit)) => Some(format!("{base}/commit/{commit}")),
        _ => None,
    };
    let gates: Vec<GateView> = decision
        .gates
        .iter()
        .map(|gate| gate_view(gate, context, compact))
        .collect();
    let (verdict_kind, verdict_icon) = match decision.verdict {
        Verdict::Approved => ("approved", "✅"),
        Verdict::ApprovedWithConditions => ("conditions", "⚠️"),
        Verdict::Rejected => ("rejected", "❌"),
    };
    View {
        repository: context.repository.clone(),
        repository_url,
        commit_short: context
            .commit
            .as_ref()
            .map(|c| c.chars().take(12).collect()),
        commit: context.commit.clone(),
        commit_url,
        git_ref: context.git_ref.clone(),
        generated_at: context.generated_at.clone(),
        run_url: context.run_url.clone(),
        actor: context.actor.clone(),
        event: context.event.clone(),
        workflow: context.workflow.clone(),
        policy_source: context.policy_source.clone(),
        verdict: decision.verdict.as_str().to_owned(),
        verdict_kind,
        verdict_icon,
        score: decision.score,
        headline: headline(decision),
        checklist: checklist(decision),
        recommendations: recommendations(decision),
        missing: decision
            .missing
            .iter()
            .map(|id| MissingGate {
                id: id.clone(),
                title: title(id),
            })
            .collect(),
        rejections: decision.rejections.clone(),
        conditions: decision.conditions.clone(),
        waivers_in_force: decision.waivers_in_force.clone(),
        waivers_expired: decision.waivers_expired.clone(),
        problems: decision
            .problems
            .iter()
            .map(|p| ProblemView {
                file: p.display.clone(),
                message: p.message.clone(),
                duplicate: p.duplicate,
            })
            .collect(),
        integrity,
        rubric: rubric(),
        review,
        trend: None,
        compact,
        artifact_name: context.artifact_name.clone(),
        gates,
    }
}

fn headline(decision: &Decision) -> String {
    let total = decision.gates.len() + decision.missing.len();
    let mut counts: Vec<(usize, &str)> = Vec::new();
    for (status, words) in [
        (Status::Pass, "passed"),
        (Status::Warn, "passed with conditions"),
        (Status::Fail, "failed"),
        (Status::Error, "could not run"),
        (Status::Skipped, "had nothing to check"),
    ] {
        let n = decision.gates.iter().filter(|g| g.status == status).count();
        if n > 0 {
            counts.push((n, words));
        }
    }
    if !decision.missing.is_empty() {
        counts.push((decision.missing.len(), "did not report"));
    }
    let what = match counts.as_slice() {
        [] => "No gate reported".to_owned(),
        [(1, words)] if total == 1 => format!("The one gate {words}"),
        [(2, words)] => format!("Both gates {words}"),
        [(n, words)] => format!("All {n} gates {words}"),
        many => {
            let parts: Vec<String> = many
                .iter()
                .map(|(n, words)| format!("{n} {words}"))
                .collect();
            let (last, rest) = parts.split_last().unwrap_or((&parts[0], &[]));
            format!(
                "Of {}, {} and {last}",
                signoff_core::text::plural(total as u64, "gate", "gates"),
                rest.join(", ")
            )
        }
    };
    match decision.verdict {
        Verdict::Approved => format!("{what}; the release is approved."),
        Verdict::ApprovedWithConditions => format!(
            "{what}; the release is approved with {}.",
            signoff_core::text::plural(decision.conditions.len() as u64, "condition", "conditions")
        ),
        Verdict::Rejected => format!(
            "{what}; the release is rejected for {}.",
            signoff_core::text::plural(decision.rejections.len() as u64, "reason", "reasons")
        ),
    }
}

/// Open findings that cost points (every severity but info).
fn open_findings(gate: &Gate) -> usize {
    let mut seen = std::collections::HashSet::new();
    gate.judging()
        .into_iter()
        .flat_map(|s| s.report.findings.iter())
        .filter(|f| !f.waived && f.severity > Severity::Info)
        .filter(|f| seen.insert(f.fingerprint.as_str()))
        .count()
}

/// What happened to a gate, in words that never call a skipped or warning gate "passed"
/// plainly, nor a pass with open findings clean.
pub fn outcome(gate: &Gate) -> String {
    let open = open_findings(gate);
    let mut words = match gate.status {
        Status::Pass if open > 0 => format!(
            "passed with {} allowed by the policy",
            signoff_core::text::plural(open as u64, "open finding", "open findings")
        ),
        Status::Pass => "passed".to_owned(),
        Status::Warn => "passed with conditions".to_owned(),
        Status::Fail => "failed".to_owned(),
        Status::Error => "could not run".to_owned(),
        Status::Skipped => "had nothing to check".to_owned(),
    };
    if gate.advisory {
        words.push_str(" (advisory)");
    }
    words
}

/// The icon for what happened: ✅ only for a clean pass.
pub fn icon(gate: &Gate) -> &'static str {
    match gate.status {
        Status::Pass if open_findings(gate) > 0 => "⚠️",
        Status::Pass => "✅",
        Status::Warn => "⚠️",
        Status::Fail => "❌",
        Status::Error => "🛑",
        Status::Skipped => "⏭️",
    }
}

/// Packages an `sbom-diff` report names, at most [`TOP_FINDINGS`] × 5 of each kind.
fn changes(gate: &Gate) -> Option<ChangesView> {
    const MAX: usize = TOP_FINDINGS * 5;
    if gate.id != "sbom-diff" {
        return None;
    }
    let mut view = ChangesView {
        added: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
        omitted: 0,
    };
    for report in gate.shards.iter().map(|s| &s.report) {
        let list = |key: &str| -> Vec<serde_json::Value> {
            report
                .details
                .get(key)
                .and_then(|v| v.as_array())
                .cloned()
                .unwrap_or_default()
        };
        let text = |value: &serde_json::Value| match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Object(o) => format!(
                "{} {} → {}",
                o.get("package").and_then(|v| v.as_str()).unwrap_or("?"),
                o.get("from").and_then(|v| v.as_str()).unwrap_or("?"),
                o.get("to").and_then(|v| v.as_str()).unwrap_or("?")
            ),
            other => other.to_string(),
        };
        for (key, into) in [
            ("added", &mut view.added),
            ("removed", &mut view.removed),
            ("changed", &mut view.changed),
        ] {
            for value in list(key) {
                if into.len() < MAX {
                    into.push(text(&value));
                } else {
                    view.omitted += 1;
                }
            }
        }
    }
    let any = !(view.added.is_empty() && view.removed.is_empty() && view.changed.is_empty());
    any.then_some(view)
}

fn gate_view(gate: &Gate, context: &Context, compact: bool) -> GateView {
    let judging = gate.judging();
    let reports: Vec<&GateReport> = judging.iter().map(|s| &s.report).collect();
    let multi_shard = gate.shards.len() > 1;
    let merged = judging.iter().any(|s| s.merged);
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for shard in &judging {
        let shard_name = (multi_shard && !merged).then(|| shard_name(&shard.display));
        for check in &shard.report.checks {
            checks.push(CheckView {
                name: check.name.clone(),
                op: check.op.as_str(),
                threshold: score::number(check.threshold),
                actual: score::number(check.actual),
                ok: check.ok,
                message: check.message.clone(),
                shard: shard_name.clone(),
            });
        }
        warnings.extend(shard.report.warnings().into_iter().map(str::to_owned));
        errors.extend(shard.report.errors().into_iter().map(str::to_owned));
    }
    // Findings of all shards, each fingerprint once, worst first.
    let mut seen = std::collections::HashSet::new();
    let mut findings: Vec<(&GateReport, &Finding)> = reports
        .iter()
        .flat_map(|report| report.findings.iter().map(move |f| (*report, f)))
        .filter(|(_, f)| seen.insert(f.fingerprint.as_str()))
        .collect();
    findings.sort_unstable_by(|a, b| order_key(a.1).cmp(&order_key(b.1)));
    let total = findings.len();
    let waived = findings.iter().filter(|(_, f)| f.waived).count();
    let top_count = if compact {
        TOP_FINDINGS.min(5)
    } else {
        TOP_FINDINGS
    };
    let more_count = if compact { 0 } else { MORE_FINDINGS };
    let view = |(report, finding): &(&GateReport, &Finding)| finding_view(report, finding, context);
    let findings_top: Vec<FindingView> = findings.iter().take(top_count).map(view).collect();
    let findings_more: Vec<FindingView> = findings
        .iter()
        .skip(top_count)
        .take(more_count)
        .map(view)
        .collect();
    let duration_ms = reports.iter().map(|r| r.duration_ms).max().unwrap_or(0);
    GateView {
        title: title(&gate.id),
        anchor: format!("gate-{}", gate.id),
        status: gate.status,
        required: gate.required,
        external: gate.external,
        score: gate.score.score,
        score_text: gate
            .score
            .score
            .map_or_else(|| "—".into(), |s| s.to_string()),
        summary: reports
            .iter()
            .map(|r| r.summary.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        key_metric: match gate.status {
            Status::Error => "could not run".into(),
            Status::Skipped => "nothing to check".into(),
            _ => key_metric(&gate.id, &reports, total - waived),
        },
        duration_ms,
        tool: reports
            .first()
            .map(|r| format!("{} {}", r.tool.name, r.tool.version))
            .unwrap_or_default(),
        shards: gate
            .shards
            .iter()
            .map(|s| ShardView {
                name: if s.merged {
                    "all shards, merged line by line".into()
                } else {
                    shard_name(&s.display)
                },
                status: s.report.status,
                summary: s.report.summary.clone(),
                duration_ms: s.report.duration_ms,
                file: s.display.clone(),
                sha256: s.sha256.clone(),
            })
            .collect(),
        multi_shard,
        checks,
        findings_omitted: total - findings_top.len() - findings_more.len(),
        findings_top,
        findings_more,
        findings_total: total,
        findings_open: total - waived,
        findings_waived: waived,
        findings_by_kind: by_kind(&findings),
        error_lines: errors
            .iter()
            .map(|e| {
                e.lines()
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .collect(),
        warnings,
        errors,
        changes: changes(gate),
        icon: icon(gate),
        outcome: outcome(gate),
        advisory: gate.advisory,
        deductions: gate.score.deductions.clone(),
        id: gate.id.clone(),
    }
}

/// Open before waived, worst first, then by place; borrowed, so sorting allocates nothing.
fn order_key(finding: &Finding) -> (bool, std::cmp::Reverse<Severity>, &str, u64, &str) {
    let (path, line) = finding
        .location
        .as_ref()
        .map_or(("", 0), |l| (l.path.as_str(), l.line.unwrap_or(0)));
    (
        finding.waived,
        std::cmp::Reverse(finding.severity),
        path,
        line,
        &finding.fingerprint,
    )
}

/// A shard's name: the directory its report was found in (the artifact's name), or the
/// file name at the top level.
fn shard_name(display: &str) -> String {
    match display.rsplit_once('/') {
        Some((dir, _)) => dir.to_owned(),
        None => display.to_owned(),
    }
}

fn finding_view(report: &GateReport, finding: &Finding, context: &Context) -> FindingView {
    let location = finding.location.as_ref();
    let text = location.map(|l| match l.line {
        Some(line) => format!("{}:{line}", l.path),
        None => l.path.clone(),
    });
    let url = location.and_then(|l| {
        if l.path.starts_with("http://") || l.path.starts_with("https://") {
            return Some(l.path.clone());
        }
        let repository = report
            .subject
            .repository
            .as_ref()
            .or(context.repository.as_ref())?;
        let commit = l
            .commit
            .as_ref()
            .or(report.subject.commit.as_ref())
            .or(context.commit.as_ref())?;
        let mut url = format!(
            "{}/{repository}/blob/{commit}/{}",
            context.server_url,
            crate::template::encode_path(&l.path)
        );
        if let Some(line) = l.line {
            url.push_str(&format!("#L{line}"));
            if let Some(end) = l.end_line.filter(|end| *end > line) {
                url.push_str(&format!("-L{end}"));
            }
        }
        Some(url)
    });
    FindingView {
        severity: finding.severity,
        rule: finding.rule.clone(),
        message: finding.message.clone(),
        location: text,
        url,
        waived: finding.waived,
        accepted: finding.waived.then(|| {
            if finding.details.contains_key("baseline") {
                "baselined"
            } else if finding.details.contains_key("suppressed") {
                "suppressed"
            } else {
                "waived"
            }
        }),
        fingerprint: finding.fingerprint.clone(),
        help: finding.help.clone(),
        preview: finding
            .details
            .get("preview")
            .and_then(|v| v.as_str())
            .filter(|preview| !finding.message.contains(preview))
            .map(str::to_owned),
        area: crate::review::areas::of_finding(&report.gate, finding).id(),
    }
}

/// The one number that says how a gate stands, as the registry describes it.
fn key_metric(id: &str, reports: &[&GateReport], open: usize) -> String {
    use signoff_core::registry::KeyMetric;
    let sum = |name: &str| -> Option<f64> {
        let values: Vec<f64> = reports.iter().filter_map(|r| r.metric(name)).collect();
        (!values.is_empty()).then(|| values.iter().sum())
    };
    let kind = signoff_core::registry::get(id).map_or(KeyMetric::OpenFindings, |g| g.key_metric);
    let shown = match kind {
        KeyMetric::OpenFindings => None,
        KeyMetric::Count { metric, one, many } => {
            sum(metric).map(|n| signoff_core::text::plural(n as u64, one, many))
        }
        KeyMetric::Ratio { part, whole, label } => match (sum(part), sum(whole)) {
            (Some(part), Some(whole)) => Some(format!("{part} of {whole} {label}")),
            _ => None,
        },
        KeyMetric::Percent { words } => words
            .iter()
            .find_map(|word| {
                let covered = sum(&format!("{word}_covered"))?;
                let total = sum(&format!("{word}_total")).filter(|t| *t > 0.0)?;
                Some((covered * 100.0 / total, word))
            })
            .map(|(percent, word)| {
                // Rounded down, as the gate's summary shows it: 99.75 is not 99.8.
                let percent = (percent * 10.0).floor() / 10.0;
                if reports.len() == 1 {
                    format!("{percent:.1}% of {word}")
                } else {
                    format!("{percent:.1}% of {word} (shards summed)")
                }
            }),
        KeyMetric::Changes {
            added,
            removed,
            changed,
        } => match (sum(added), sum(removed), sum(changed)) {
            (Some(a), Some(r), Some(c)) => {
                Some(format!("+{} −{} ~{}", a as u64, r as u64, c as u64))
            }
            _ => None,
        },
        KeyMetric::CountIn { count, within } => match (sum(count.0), sum(within.0)) {
            (Some(found), Some(of)) => Some(format!(
                "{} in {}",
                signoff_core::text::plural(found as u64, count.1, count.2),
                signoff_core::text::plural(of as u64, within.1, within.2)
            )),
            _ => None,
        },
    };
    shown.unwrap_or_else(|| findings_text(open))
}

fn findings_text(open: usize) -> String {
    signoff_core::text::plural(open as u64, "open finding", "open findings")
}

/// The readiness checklist. A box is ticked only for what holds: a gate that passed (not
/// one that warned, was skipped or is advisory and failed). An approval without conditions
/// has every box ticked; an optional gate with nothing to check has no box.
fn checklist(decision: &Decision) -> Vec<ChecklistItem> {
    let item = |done: bool, text: String| ChecklistItem {
        done,
        not_applicable: false,
        text,
    };
    let mut items = Vec::new();
    for gate in &decision.gates {
        let kind = match (gate.required, gate.advisory) {
            (_, true) => "advisory",
            (true, false) => "required",
            (false, false) => "optional",
        };
        let text = format!("{} ({kind}) {}", title(&gate.id), outcome(gate));
        if gate.status == Status::Skipped && !gate.required {
            items.push(ChecklistItem {
                done: false,
                not_applicable: true,
                text,
            });
        } else {
            items.push(item(gate.status == Status::Pass, text));
        }
    }
    for id in &decision.missing {
        items.push(item(
            false,
            format!("{} (required) did not report", title(id)),
        ));
    }
    let open_serious: usize = decision.gates.iter().map(crate::decide::open_serious).sum();
    items.push(item(
        open_serious == 0,
        if open_serious == 0 {
            "No open critical or high findings".into()
        } else {
            format!(
                "No open critical or high findings ({} open)",
                signoff_core::text::thousands(open_serious as u64)
            )
        },
    ));
    items.push(item(
        decision.problems.iter().all(|p| p.duplicate),
        "Every gate report readable, with its digest recorded".into(),
    ));
    items.push(item(
        decision.waivers_expired.iter().all(|w| w.findings == 0),
        "No finding relies on an expired waiver".into(),
    ));
    items
}

fn recommendations(decision: &Decision) -> Vec<String> {
    let mut out = Vec::new();
    for id in &decision.missing {
        out.push(format!(
            "Add the `{id}` gate to the workflow, or remove it from `required` in signoff.yml."
        ));
    }
    for gate in &decision.gates {
        for shard in gate.judging() {
            for error in shard.report.errors() {
                let first = error.lines().next().unwrap_or_default();
                out.push(format!("Fix what stopped `{}`: {first}", gate.id));
            }
            for check in shard.report.checks.iter().filter(|c| !c.ok) {
                out.push(format!(
                    "Bring {} of `{}` to {} {} (now {}).",
                    signoff_core::markdown::ticked(&check.name),
                    gate.id,
                    check.op.as_str(),
                    score::number(check.threshold),
                    score::number(check.actual)
                ));
            }
        }
        let mut helps: Vec<(&str, &str)> = Vec::new();
        for finding in gate
            .judging()
            .into_iter()
            .flat_map(|s| s.report.findings.iter())
            .filter(|f| !f.waived)
        {
            if let Some(help) = &finding.help
                && !helps.iter().any(|(rule, _)| *rule == finding.rule)
                && helps.len() < 3
            {
                helps.push((&finding.rule, help));
            }
        }
        for (rule, help) in helps {
            out.push(format!(
                "`{}` / {}: {help}",
                gate.id,
                signoff_core::markdown::ticked(rule)
            ));
        }
    }
    for waiver in &decision.waivers_expired {
        out.push(waiver.renew_or_remove());
    }
    for waiver in decision.waivers_in_force.iter().filter(|w| w.findings == 0) {
        out.push(waiver.remove_unused());
    }
    out
}

fn rubric() -> Vec<RubricRow> {
    let row = |cause, points: String| RubricRow { cause, points };
    let cost = |severity| score::finding_cost(severity).to_string();
    vec![
        row("gate could not run (`error`)", "all 100".into()),
        row("required gate did not report", "all 100".into()),
        row(
            "a gate report could not be read",
            "counts as a gate scored 0".into(),
        ),
        row("each failing check", score::FAILED_CHECK.to_string()),
        row(
            "each warning (a condition of the gate)",
            score::WARNING.to_string(),
        ),
        row("each open critical finding", cost(Severity::Critical)),
        row("each open high finding", cost(Severity::High)),
        row("each open medium finding", cost(Severity::Medium)),
        row("each open low finding", cost(Severity::Low)),
        row(
            "open findings in total, at most",
            score::FINDINGS_CAP.to_string(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rubric the README prints is the one the code applies.
    #[test]
    fn readme_rubric_matches_the_code() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
                .unwrap();
        let table: Vec<(String, String)> = readme
            .lines()
            .skip_while(|line| !line.starts_with("| cause | points lost |"))
            .skip(2)
            .take_while(|line| line.starts_with('|'))
            .map(|line| {
                let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
                (cells[0].to_owned(), cells[1].to_owned())
            })
            .collect();
        let code: Vec<(String, String)> = rubric()
            .into_iter()
            .filter(|row| !row.cause.contains("could not be read"))
            .map(|row| (row.cause.to_owned(), row.points))
            .collect();
        assert_eq!(table, code);
    }
}
