//! The sign-off read as a reviewer writes one: each review area scored and graded, a
//! maturity level with what it takes to reach the next, strengths, a risk register, and
//! recommendations — one per cause, in order of priority, with their effort, the files
//! they touch and a fix. Built from the decision alone, so every number traces back to a
//! gate report.
//!
//! Area score: 100, less the gate rubric's points for what lands in the area (each open
//! finding by severity, at most 60 for findings in all; 30 per failing check and 5 per
//! warning of the area's own gates; everything when one of them could not run or a
//! required one did not report). An open critical finding caps the area at 50, an open
//! high one at 75. Grades: A from 90, B from 80, C from 70, D from 60, else F. An area no
//! gate that ran speaks to, and without findings, is not assessed (no grade).

pub mod areas;
mod maturity;

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use signoff_core::report::{Finding, Severity, Status};

pub use areas::Area;
pub use maturity::{Level, Maturity};

use crate::decide::{Decision, Gate, Verdict};
use crate::score::{FAILED_CHECK, FINDINGS_CAP, WARNING, finding_cost};
use crate::view::title;

/// The priorities of recommendations, most urgent first: (id, title).
const PRIORITIES: [(&str, &str); 3] = [
    ("immediate", "Immediate"),
    ("before the next release", "Before the next release"),
    ("soon", "Soon"),
];

/// Locations listed for one group of findings; the rest are counted.
pub const LOCATIONS: usize = 10;
/// Files listed for one recommendation; the rest are counted.
pub const FILES: usize = 5;
/// Recommendations named next to the reasons for a rejection.
pub const FIX_FIRST: usize = 3;
/// Days a condition of approval is given, from the day of the sign-off.
pub const CONDITION_DAYS: i64 = 14;
/// Highest score an area keeps with an open critical finding, and with an open high one.
pub const CRITICAL_CAP: u32 = 50;
pub const HIGH_CAP: u32 = 75;

/// The review part of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub areas: Vec<AreaView>,
    /// Assessed areas, of the seven.
    pub assessed: usize,
    pub maturity: Maturity,
    pub strengths: Vec<String>,
    pub risks_high: Vec<Risk>,
    pub risks_medium: Vec<Risk>,
    pub risks_low: Vec<Risk>,
    pub recommendations: Vec<Recommendation>,
    /// The recommendations by priority, only the priorities that have some.
    pub priorities: Vec<Priority>,
    /// The first few immediate recommendations: what to fix first.
    pub fix_first: Vec<Recommendation>,
    pub conditions: Vec<Condition>,
    /// No risk at all: no open finding, no failing check, no gate that could not run.
    pub no_risks: bool,
    /// A mermaid bar chart of open findings by area (bars: all; line: high or critical),
    /// when any is open.
    pub chart: Option<String>,
}

impl Review {
    /// Every open cause of risk, highest first.
    pub fn risks(&self) -> impl Iterator<Item = &Risk> {
        self.risks_high
            .iter()
            .chain(&self.risks_medium)
            .chain(&self.risks_low)
    }
}

/// The recommendations of one priority.
#[derive(Debug, Clone, Serialize)]
pub struct Priority {
    pub title: &'static str,
    pub items: Vec<Recommendation>,
}

/// One area, scored.
#[derive(Debug, Clone, Serialize)]
pub struct AreaView {
    pub id: &'static str,
    pub title: &'static str,
    pub question: &'static str,
    pub assessed: bool,
    pub score: Option<u32>,
    /// `A`–`F`, or `—` when not assessed.
    pub grade: &'static str,
    /// The gates that assessed it, by title.
    pub gates: Vec<String>,
    pub open_critical: usize,
    pub open_high: usize,
    pub open_medium: usize,
    pub open_low: usize,
    /// `2 high, 3 medium`, or `none`.
    pub open_text: String,
    /// Why it lost points, or why it is not assessed.
    pub notes: Vec<String>,
}

/// Open findings of one rule of one gate (one cause), or a gate-level problem.
#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    /// `high`, `medium` or `low`.
    pub level: &'static str,
    pub severity: Severity,
    pub gate: String,
    pub gate_title: String,
    /// The rule, or `null` for a gate-level problem (a failing check, an error).
    pub rule: Option<String>,
    pub area: &'static str,
    pub area_title: &'static str,
    /// What is wrong: the first finding's message, or the problem.
    pub what: String,
    /// Why it is a risk at this level.
    pub why: &'static str,
    pub count: usize,
    pub locations: Vec<String>,
    pub more_locations: usize,
    pub files: Vec<String>,
    pub help: Option<String>,
    /// What to do, for a gate-level problem (a finding's fix is its help).
    #[serde(skip)]
    pub action: Option<String>,
}

/// What to do about one cause.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    /// `immediate`, `before the next release` or `soon`.
    pub priority: &'static str,
    /// `S`, `M` or `L`.
    pub effort: &'static str,
    pub title: String,
    pub area_title: &'static str,
    pub gate: String,
    pub rule: Option<String>,
    pub count: usize,
    /// `in 1 place`, `in 23 places`.
    pub places: String,
    pub files: Vec<String>,
    pub more_files: usize,
    /// A fix to copy, from the rule's help: prose, and code (its indented lines) to copy.
    pub fix: Vec<Segment>,
}

/// Part of a fix: words, or lines to copy.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    pub text: String,
    pub code: bool,
    /// A code fence longer than any run of backticks in the code.
    pub fence: String,
}

/// Splits a rule's help into prose and the indented lines of code within it.
pub fn segments(help: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for line in help.lines() {
        let code = line.starts_with("  ") && !line.trim().is_empty();
        let line = if code {
            line.strip_prefix("  ").unwrap_or(line)
        } else {
            line.trim()
        };
        match out.last_mut() {
            Some(last) if last.code == code => {
                last.text.push(if code { '\n' } else { ' ' });
                last.text.push_str(line);
            }
            _ => out.push(Segment {
                text: line.to_owned(),
                code,
                fence: String::new(),
            }),
        }
    }
    for segment in out.iter_mut().filter(|s| s.code) {
        let longest = segment
            .text
            .split(|c| c != '`')
            .map(str::len)
            .max()
            .unwrap_or(0);
        segment.fence = "`".repeat(longest.max(2) + 1);
    }
    out.retain(|s| !s.text.trim().is_empty());
    out
}

/// A condition of approval with its due date.
#[derive(Debug, Clone, Serialize)]
pub struct Condition {
    pub text: String,
    pub due: String,
}

/// Builds the review of a decision.
pub fn build(decision: &Decision) -> Review {
    let mut tallies: BTreeMap<Area, Tally> =
        Area::ALL.iter().map(|&a| (a, Tally::default())).collect();
    let mut groups: Vec<Group> = Vec::new();
    // (gate, rule) → index in `groups`.
    let mut group_of: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    let mut gate_risks: Vec<Risk> = Vec::new();
    for gate in &decision.gates {
        for shard in gate.judging() {
            for area in areas::assessed_by(&gate.id, &shard.report) {
                let tally = tallies.get_mut(&area).expect("every area");
                let list = if gate.status == Status::Skipped {
                    &mut tally.skipped
                } else {
                    &mut tally.gates
                };
                push_unique(list, title(&gate.id));
            }
        }
        gate_level(gate, &mut tallies, &mut gate_risks);
        let mut seen = HashSet::new();
        for finding in gate
            .judging()
            .into_iter()
            .flat_map(|s| s.report.findings.iter())
            .filter(|f| !f.waived && f.severity > Severity::Info)
            .filter(|f| seen.insert(f.fingerprint.as_str()))
        {
            let area = areas::of_finding(&gate.id, finding);
            let tally = tallies.get_mut(&area).expect("every area");
            tally.findings_cost += u64::from(finding_cost(finding.severity));
            tally.open[finding.severity as usize] += 1;
            let key = (gate.id.clone(), finding.rule.clone());
            match group_of.get(&key) {
                Some(&index) => groups[index].add(finding),
                None => {
                    group_of.insert(key, groups.len());
                    groups.push(Group::new(&gate.id, area, finding));
                }
            }
        }
    }
    for id in &decision.missing {
        let area = areas::of_gate(id);
        let tally = tallies.get_mut(&area).expect("every area");
        tally.lost += 100;
        tally
            .notes
            .push(format!("the required {} gate did not report", title(id)));
        push_unique(&mut tally.gates, title(id));
        gate_risks.push(gate_risk(
            id,
            area,
            format!("The required {} gate did not report.", title(id)),
            format!(
                "Add the `{id}` gate to the workflow, or remove it from `required` in signoff.yml."
            ),
        ));
    }
    let areas: Vec<AreaView> = Area::ALL
        .iter()
        .map(|&a| area_view(a, &tallies[&a]))
        .collect();
    let mut risks: Vec<Risk> = gate_risks;
    risks.extend(groups.into_iter().map(Group::into_risk));
    risks.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.count.cmp(&a.count))
            .then(a.gate.cmp(&b.gate))
            .then(a.rule.cmp(&b.rule))
    });
    let recommendations = recommendations(&risks, decision);
    let conditions = decision
        .conditions
        .iter()
        .map(|text| Condition {
            text: text.clone(),
            due: decision
                .today
                .checked_add(jiff::Span::new().days(CONDITION_DAYS))
                .map(|d| d.to_string())
                .unwrap_or_default(),
        })
        .collect();
    let open_high = risks
        .iter()
        .filter(|r| r.severity >= Severity::High && r.rule.is_some())
        .map(|r| r.count)
        .sum();
    let open_medium = risks
        .iter()
        .filter(|r| r.severity == Severity::Medium)
        .map(|r| r.count)
        .sum();
    let maturity = maturity::assess(&maturity::Facts {
        rejected: decision.verdict == Verdict::Rejected,
        areas: &areas,
        open_high,
        open_medium,
        expired_waivers: decision.waivers_expired.len(),
    });
    let strengths = strengths(&areas, decision);
    let (mut high, mut medium, mut low) = (Vec::new(), Vec::new(), Vec::new());
    for risk in risks {
        match risk.level {
            "high" => high.push(risk),
            "medium" => medium.push(risk),
            _ => low.push(risk),
        }
    }
    let priorities = PRIORITIES
        .into_iter()
        .map(|(id, title)| Priority {
            title,
            items: recommendations
                .iter()
                .filter(|r| r.priority == id)
                .cloned()
                .collect(),
        })
        .filter(|p| !p.items.is_empty())
        .collect();
    let fix_first = recommendations
        .iter()
        .filter(|r| r.priority == "immediate")
        .take(FIX_FIRST)
        .cloned()
        .collect();
    let chart = chart(&areas);
    Review {
        chart,
        fix_first,
        no_risks: high.is_empty() && medium.is_empty() && low.is_empty(),
        priorities,
        assessed: areas.iter().filter(|a| a.assessed).count(),
        areas,
        maturity,
        strengths,
        risks_high: high,
        risks_medium: medium,
        risks_low: low,
        recommendations,
        conditions,
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// What lands in one area.
#[derive(Debug, Default)]
struct Tally {
    gates: Vec<String>,
    /// Gates that would have assessed it but had nothing to check.
    skipped: Vec<String>,
    /// Points lost to gate-level problems.
    lost: u32,
    findings_cost: u64,
    /// Open findings by severity (indexed as `Severity as usize`).
    open: [usize; 5],
    notes: Vec<String>,
}

/// Gate-level problems: could not run, failing checks, warnings.
fn gate_level(gate: &Gate, tallies: &mut BTreeMap<Area, Tally>, risks: &mut Vec<Risk>) {
    let area = areas::of_gate(&gate.id);
    let tally = tallies.get_mut(&area).expect("every area");
    if gate.status == Status::Error {
        tally.lost += 100;
        push_unique(&mut tally.gates, title(&gate.id));
        tally
            .notes
            .push(format!("the {} gate could not run", title(&gate.id)));
        let first = gate
            .judging()
            .iter()
            .flat_map(|s| s.report.errors())
            .next()
            .map(|e| e.lines().next().unwrap_or_default().to_owned())
            .unwrap_or_else(|| "it reported status `error`".into());
        risks.push(gate_risk(
            &gate.id,
            area,
            format!("The {} gate could not run: {first}", title(&gate.id)),
            format!("Fix what stopped the {} gate: {first}", title(&gate.id)),
        ));
        return;
    }
    for shard in gate.judging() {
        for check in shard.report.checks.iter().filter(|c| !c.ok) {
            tally.lost += FAILED_CHECK;
            let (name, actual, threshold) = (
                signoff_core::markdown::ticked(&check.name),
                crate::score::number(check.actual),
                crate::score::number(check.threshold),
            );
            let what = format!(
                "{}: {name} is {actual}; the bar is {} {threshold}.",
                title(&gate.id),
                check.op.as_str(),
            );
            let action = format!(
                "Bring {name} of the {} gate to {} {threshold} (now {actual}).",
                title(&gate.id),
                check.op.as_str()
            );
            tally.notes.push(format!(
                "check {} failed",
                signoff_core::markdown::ticked(&check.name)
            ));
            // A check that counts findings fails because of them: they are the risks.
            if !check.name.contains("findings") {
                risks.push(gate_risk(&gate.id, area, what, action));
            }
        }
        let warnings = shard.report.warnings().len() as u32;
        if warnings > 0 {
            tally.lost += WARNING * warnings;
            tally.notes.push(
                signoff_core::text::plural(u64::from(warnings), "warning", "warnings")
                    + " of "
                    + &title(&gate.id),
            );
        }
    }
}

fn gate_risk(gate: &str, area: Area, what: String, action: String) -> Risk {
    Risk {
        level: "high",
        severity: Severity::High,
        gate: gate.to_owned(),
        gate_title: title(gate),
        rule: None,
        area: area.id(),
        area_title: area.title(),
        what,
        why: "a required check of the release did not hold",
        count: 1,
        locations: Vec::new(),
        more_locations: 0,
        files: Vec::new(),
        help: None,
        action: Some(action),
    }
}

fn area_view(area: Area, tally: &Tally) -> AreaView {
    let open = |s: Severity| tally.open[s as usize];
    let any_open = tally.open.iter().any(|&n| n > 0);
    let assessed = !tally.gates.is_empty();
    let mut notes = tally.notes.clone();
    let counts: Vec<String> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ]
    .into_iter()
    .filter(|&s| open(s) > 0)
    .map(|s| format!("{} {s}", open(s)))
    .collect();
    let open_text = if counts.is_empty() {
        "none".to_owned()
    } else {
        counts.join(", ")
    };
    let score = assessed.then(|| {
        let findings = tally.findings_cost.min(u64::from(FINDINGS_CAP)) as u32;
        if findings > 0 {
            notes.push(format!("open findings: {open_text}"));
        }
        let mut score = 100u32.saturating_sub(tally.lost + findings);
        if open(Severity::Critical) > 0 && score > CRITICAL_CAP {
            score = CRITICAL_CAP;
            notes.push(format!(
                "an open critical finding holds it at {CRITICAL_CAP}"
            ));
        } else if open(Severity::High) > 0 && score > HIGH_CAP {
            score = HIGH_CAP;
            notes.push(format!("an open high finding holds it at {HIGH_CAP}"));
        }
        score
    });
    if assessed && !tally.skipped.is_empty() {
        notes.push(format!(
            "the grade leaves out what {} would judge: {} nothing to check",
            tally.skipped.join(" and "),
            if tally.skipped.len() == 1 {
                "it had"
            } else {
                "they had"
            }
        ));
    }
    if !assessed {
        notes.push(format!("not assessed: {}", area.how_to_assess()));
        if any_open {
            notes.push("other gates' findings listed here still count in their risks".into());
        }
    }
    AreaView {
        id: area.id(),
        title: area.title(),
        question: area.question(),
        assessed,
        grade: score.map_or("—", grade),
        score,
        gates: tally.gates.clone(),
        open_critical: open(Severity::Critical),
        open_high: open(Severity::High),
        open_medium: open(Severity::Medium),
        open_low: open(Severity::Low),
        open_text,
        notes,
    }
}

/// The mermaid `xychart-beta` of open findings per area, or `None` when none is open.
fn chart(areas: &[AreaView]) -> Option<String> {
    let all: Vec<usize> = areas
        .iter()
        .map(|a| a.open_critical + a.open_high + a.open_medium + a.open_low)
        .collect();
    let serious: Vec<usize> = areas
        .iter()
        .map(|a| a.open_critical + a.open_high)
        .collect();
    let max = all.iter().copied().max().unwrap_or(0);
    if max == 0 {
        return None;
    }
    let list = |values: &[usize]| {
        values
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let labels: Vec<String> = areas.iter().map(|a| format!("\"{}\"", a.title)).collect();
    Some(format!(
        "xychart-beta\n    title \"Open findings by area (bars: all; line: high or critical)\"\n    x-axis [{}]\n    y-axis \"open findings\" 0 --> {}\n    bar [{}]\n    line [{}]",
        labels.join(", "),
        max,
        list(&all),
        list(&serious)
    ))
}

/// The letter grade of an area score.
pub fn grade(score: u32) -> &'static str {
    match score {
        90.. => "A",
        80..=89 => "B",
        70..=79 => "C",
        60..=69 => "D",
        _ => "F",
    }
}

/// Open findings of one (gate, rule).
struct Group {
    gate: String,
    rule: String,
    area: Area,
    severity: Severity,
    what: String,
    help: Option<String>,
    count: usize,
    locations: Vec<String>,
    files: Vec<String>,
    /// The files already listed, for a constant-time check.
    seen_files: HashSet<String>,
}

impl Group {
    fn new(gate: &str, area: Area, finding: &Finding) -> Self {
        let mut group = Group {
            gate: gate.to_owned(),
            rule: finding.rule.clone(),
            area,
            severity: finding.severity,
            what: finding.message.clone(),
            help: finding.help.clone(),
            count: 0,
            locations: Vec::new(),
            files: Vec::new(),
            seen_files: HashSet::new(),
        };
        group.add(finding);
        group
    }

    fn add(&mut self, finding: &Finding) {
        self.count += 1;
        if finding.severity > self.severity {
            self.severity = finding.severity;
            self.what = finding.message.clone();
        }
        if self.help.is_none() {
            self.help = finding.help.clone();
        }
        if let Some(location) = &finding.location {
            if self.seen_files.insert(location.path.clone()) {
                self.files.push(location.path.clone());
            }
            if self.locations.len() < LOCATIONS {
                self.locations.push(match location.line {
                    Some(line) => format!("{}:{line}", location.path),
                    None => location.path.clone(),
                });
            }
        }
    }

    fn into_risk(self) -> Risk {
        let (level, why) = match self.severity {
            Severity::Critical => ("high", "exploitable as it stands: fix before the release"),
            Severity::High => ("high", "a likely path to a compromise or an outage"),
            Severity::Medium => ("medium", "weakens a safeguard the release relies on"),
            _ => ("low", "hygiene: raises the cost of the next incident"),
        };
        Risk {
            level,
            severity: self.severity,
            gate_title: title(&self.gate),
            gate: self.gate,
            rule: Some(self.rule),
            area: self.area.id(),
            area_title: self.area.title(),
            what: self.what,
            why,
            action: None,
            more_locations: self.count.saturating_sub(self.locations.len()),
            count: self.count,
            locations: self.locations,
            files: self.files,
            help: self.help,
        }
    }
}

/// One recommendation per risk (a cause), in order of priority, then the waivers to look
/// after.
fn recommendations(risks: &[Risk], decision: &Decision) -> Vec<Recommendation> {
    let mut out: Vec<Recommendation> = risks
        .iter()
        .map(|risk| {
            let priority = match risk.level {
                "high" => "immediate",
                "medium" => "before the next release",
                _ => "soon",
            };
            let effort = match (risk.files.len(), risk.count) {
                (0..=1, 0..=3) => "S",
                (0..=3, _) | (_, 0..=10) => "M",
                _ => "L",
            };
            Recommendation {
                priority,
                effort,
                title: risk.action.clone().unwrap_or_else(|| risk.what.clone()),
                places: signoff_core::text::plural(risk.count as u64, "place", "places"),
                area_title: risk.area_title,
                gate: risk.gate.clone(),
                rule: risk.rule.clone(),
                count: risk.count,
                files: risk.files.iter().take(FILES).cloned().collect(),
                more_files: risk.files.len().saturating_sub(FILES),
                fix: risk.help.as_deref().map(segments).unwrap_or_default(),
            }
        })
        .collect();
    for waiver in &decision.waivers_expired {
        out.push(waiver_recommendation(
            "immediate",
            waiver.renew_or_remove(),
            &waiver.gate,
        ));
    }
    for waiver in decision.waivers_in_force.iter().filter(|w| w.findings == 0) {
        out.push(waiver_recommendation(
            "soon",
            waiver.remove_unused(),
            &waiver.gate,
        ));
    }
    out.sort_by_key(|r| PRIORITIES.iter().position(|(id, _)| *id == r.priority));
    out
}

fn waiver_recommendation(priority: &'static str, title: String, gate: &str) -> Recommendation {
    Recommendation {
        priority,
        effort: "S",
        title,
        area_title: areas::of_gate(gate).title(),
        gate: gate.to_owned(),
        rule: None,
        count: 1,
        places: "1 place".into(),
        files: vec!["signoff.yml".into()],
        more_files: 0,
        fix: Vec::new(),
    }
}

/// Parts joined into one sentence, capitalised.
fn sentence(parts: &[String]) -> String {
    let mut text = parts.join("; ");
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    format!("{text}.")
}

/// What passed and matters: an area graded A with nothing above low open, in a reviewer's
/// words, with the evidence of the gates that assessed it.
fn strengths(areas: &[AreaView], decision: &Decision) -> Vec<String> {
    let summary = |id: &str| -> Option<String> {
        decision
            .gates
            .iter()
            .find(|g| g.id == id && matches!(g.status, Status::Pass | Status::Warn))
            .map(|g| {
                g.judging()
                    .iter()
                    .map(|s| s.report.summary.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
    };
    let mut out = Vec::new();
    for area in areas
        .iter()
        .filter(|a| a.grade == "A" && a.open_critical + a.open_high + a.open_medium == 0)
    {
        let text = match Area::from_id(area.id) {
            Some(Area::Secrets) => summary("secret-scan")
                .map(|s| format!("No credential is left open in the code or its history ({s})."))
                .unwrap_or_else(|| "No credential is left open.".into()),
            Some(Area::SupplyChain) => "What CI runs is pinned and its tokens are least-privilege: actions by commit, images by digest, no untrusted input in scripts.".into(),
            Some(Area::BuildQuality) => {
                let mut parts = Vec::new();
                if let Some(s) = summary("coverage") {
                    parts.push(format!("tests meet the coverage bar ({s})"));
                }
                if summary("pipeline").is_some() {
                    parts.push("every check the workflows run can fail the run".to_owned());
                }
                match parts.is_empty() {
                    true => continue,
                    false => sentence(&parts),
                }
            }
            Some(Area::ReleasePath) => "Production deploys wait for the tests and scans, go through staging, are verified after the deploy and roll back on failure.".into(),
            Some(Area::Runtime) => summary("infra")
                .map(|s| format!("Containers, manifests and infrastructure follow the hardening baseline ({s})."))
                .unwrap_or_else(|| "Containers, manifests and infrastructure follow the hardening baseline.".into()),
            Some(Area::Dependencies) => {
                let mut parts = Vec::new();
                if let Some(s) = summary("sbom") {
                    parts.push(format!("every dependency is locked and inventoried ({s})"));
                }
                if let Some(s) = summary("vulnerabilities") {
                    parts.push(format!("none has a known vulnerability at the bar ({s})"));
                }
                if parts.is_empty() {
                    continue;
                }
                sentence(&parts)
            }
            Some(Area::Operability) => summary("health-check")
                .map(|s| format!("The deployed service passed its health checks ({s})."))
                .unwrap_or_else(|| "The deployed service passed its health checks.".into()),
            None => continue,
        };
        out.push(text);
    }
    out
}
