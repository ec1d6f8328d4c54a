//! The maturity level, 1 to 5, with written criteria: each level holds when its criteria
//! and those of every level below it hold. The report shows every level's criteria and,
//! for the next level, what is missing.

use serde::Serialize;

use super::AreaView;

/// What the levels are judged on.
pub struct Facts<'a> {
    pub rejected: bool,
    pub areas: &'a [AreaView],
    /// Open findings of high or critical severity.
    pub open_high: usize,
    /// Open findings of medium severity.
    pub open_medium: usize,
    pub expired_waivers: usize,
}

/// The level reached and every level's criteria.
#[derive(Debug, Clone, Serialize)]
pub struct Maturity {
    pub level: u8,
    pub name: &'static str,
    pub levels: Vec<Level>,
    /// The next level and its name, below level 5.
    pub next_level: Option<u8>,
    pub next_name: Option<&'static str>,
    /// What it takes to reach the next level; empty at level 5.
    pub next: Vec<String>,
}

/// One level.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    pub level: u8,
    pub name: &'static str,
    pub criteria: &'static str,
    pub reached: bool,
}

const LEVELS: [(&str, &str); 5] = [
    (
        "Initial",
        "The gates run; the release may still be rejected.",
    ),
    (
        "Repeatable",
        "The release is not rejected: every required gate reported, ran and met its bar.",
    ),
    (
        "Defined",
        "At least five of the seven areas are assessed, secrets and dependencies among them, and each assessed area is graded C or better.",
    ),
    (
        "Managed",
        "At least six areas are assessed, the release path among them, each graded B or better, and no high or critical finding is open.",
    ),
    (
        "Optimizing",
        "All seven areas are assessed and graded A, no finding above low is open, and no waiver has expired.",
    ),
];

/// Judges the level.
pub fn assess(facts: &Facts<'_>) -> Maturity {
    let gaps = [
        Vec::new(),
        repeatable(facts),
        defined(facts),
        managed(facts),
        optimizing(facts),
    ];
    let mut level = 1u8;
    for (i, gap) in gaps.iter().enumerate().skip(1) {
        if gap.is_empty() {
            level = i as u8 + 1;
        } else {
            break;
        }
    }
    let next = gaps.get(usize::from(level)).cloned().unwrap_or_default();
    Maturity {
        level,
        name: LEVELS[usize::from(level) - 1].0,
        levels: LEVELS
            .iter()
            .enumerate()
            .map(|(i, (name, criteria))| Level {
                level: i as u8 + 1,
                name,
                criteria,
                reached: i < usize::from(level),
            })
            .collect(),
        next_level: (level < 5).then_some(level + 1),
        next_name: LEVELS.get(usize::from(level)).map(|(name, _)| *name),
        next,
    }
}

fn repeatable(facts: &Facts<'_>) -> Vec<String> {
    if facts.rejected {
        vec!["clear every reason the release is rejected".into()]
    } else {
        Vec::new()
    }
}

/// `area (grade)` of the assessed areas below `bar`, and the areas in `needed` not assessed.
fn below(facts: &Facts<'_>, bar: &str, needed: &[&str], at_least: usize) -> Vec<String> {
    let mut gaps = Vec::new();
    let weak: Vec<String> = facts
        .areas
        .iter()
        .filter(|a| a.assessed && a.grade > bar)
        .map(|a| format!("{} ({})", a.title, a.grade))
        .collect();
    if !weak.is_empty() {
        gaps.push(format!("bring to {bar} or better: {}", weak.join(", ")));
    }
    let unassessed: Vec<&str> = facts
        .areas
        .iter()
        .filter(|a| !a.assessed && needed.contains(&a.id))
        .map(|a| a.title)
        .collect();
    if !unassessed.is_empty() {
        gaps.push(format!("get assessed: {}", unassessed.join(", ")));
    }
    let assessed = facts.areas.iter().filter(|a| a.assessed).count();
    if assessed < at_least {
        let others: Vec<&str> = facts
            .areas
            .iter()
            .filter(|a| !a.assessed && !needed.contains(&a.id))
            .map(|a| a.title)
            .collect();
        gaps.push(format!(
            "assess {} more of the areas ({assessed} of 7 now): {}",
            at_least - assessed,
            others.join(", ")
        ));
    }
    gaps
}

fn defined(facts: &Facts<'_>) -> Vec<String> {
    below(facts, "C", &["secrets", "dependencies"], 5)
}

fn managed(facts: &Facts<'_>) -> Vec<String> {
    let mut gaps = below(facts, "B", &["release-path"], 6);
    if facts.open_high > 0 {
        gaps.push(format!(
            "close or waive the {} open high or critical findings",
            facts.open_high
        ));
    }
    gaps
}

fn optimizing(facts: &Facts<'_>) -> Vec<String> {
    let mut gaps = below(
        facts,
        "A",
        &[
            "secrets",
            "supply-chain",
            "build-and-test-quality",
            "release-path",
            "runtime-configuration",
            "dependencies",
            "operability",
        ],
        7,
    );
    if facts.open_medium > 0 {
        gaps.push(format!(
            "close or waive the {} open medium findings",
            facts.open_medium
        ));
    }
    if facts.expired_waivers > 0 {
        gaps.push(format!(
            "renew or remove the {} expired waivers",
            facts.expired_waivers
        ));
    }
    gaps
}
