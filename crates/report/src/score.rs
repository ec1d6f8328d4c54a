//! The score: 0–100 per gate and overall, deterministic, and explained. Every point lost
//! is a [`Deduction`] naming the check, warning or group of findings that cost it.
//!
//! The rubric (also printed in the report's appendix and the README):
//!
//! | cause | points |
//! |---|---|
//! | gate could not run (`error`) | all 100 |
//! | required gate did not report | all 100 |
//! | a gate report could not be read | counts as a gate scored 0 |
//! | each failing check | 30 |
//! | each warning (a condition of the gate) | 5 |
//! | each open critical finding | 25 |
//! | each open high finding | 10 |
//! | each open medium finding | 4 |
//! | each open low finding | 1 |
//! | open findings in total, at most | 60 |
//!
//! Info findings and waived findings cost nothing. A gate never goes below 0. Skipped gates
//! have no score and do not count. The overall score is the mean of the gate scores (a
//! missing required gate and an unreadable gate report each count as a gate scored 0),
//! rounded half up; with no gate scored (nothing was checked) it is 0.

use serde::Serialize;
use signoff_core::report::{GateReport, Severity, Status};

/// Points lost for each failing check.
pub const FAILED_CHECK: u32 = 30;
/// Points lost for each warning.
pub const WARNING: u32 = 5;
/// Most points open findings can cost a gate.
pub const FINDINGS_CAP: u32 = 60;

/// Points lost for one open finding of `severity`.
pub fn finding_cost(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 25,
        Severity::High => 10,
        Severity::Medium => 4,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// Points lost, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deduction {
    pub points: u32,
    pub reason: String,
}

/// A gate's score and its deductions; `None` score for a skipped gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateScore {
    pub score: Option<u32>,
    pub deductions: Vec<Deduction>,
}

/// Scores one gate from all its shards.
pub fn gate(shards: &[&GateReport]) -> GateScore {
    let status = shards
        .iter()
        .map(|r| r.status)
        .max()
        .unwrap_or(Status::Skipped);
    if status == Status::Skipped {
        return GateScore {
            score: None,
            deductions: Vec::new(),
        };
    }
    if status == Status::Error {
        return GateScore {
            score: Some(0),
            deductions: vec![Deduction {
                points: 100,
                reason: "the gate could not run (status `error`)".into(),
            }],
        };
    }
    let mut deductions = Vec::new();
    for report in shards {
        for check in report.checks.iter().filter(|check| !check.ok) {
            deductions.push(Deduction {
                points: FAILED_CHECK,
                reason: format!(
                    "check {} failed: {} {} {} does not hold",
                    signoff_core::markdown::ticked(&check.name),
                    number(check.actual),
                    check.op.as_str(),
                    number(check.threshold)
                ),
            });
        }
        for warning in report.warnings() {
            deductions.push(Deduction {
                points: WARNING,
                reason: format!("warning: {warning}"),
            });
        }
    }
    let mut counts = [0u64; 5];
    let mut seen = std::collections::HashSet::new();
    for report in shards {
        for finding in report.findings.iter().filter(|f| !f.waived) {
            if seen.insert(finding.fingerprint.as_str()) {
                counts[finding.severity as usize] += 1;
            }
        }
    }
    let mut finding_points = 0u64;
    let mut finding_deductions = Vec::new();
    for severity in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let count = counts[severity as usize];
        let cost = u64::from(finding_cost(severity));
        if count > 0 && cost > 0 {
            finding_points += count * cost;
            finding_deductions.push(format!("{count} × {severity} ({cost} each)"));
        }
    }
    if finding_points > 0 {
        let points = finding_points.min(u64::from(FINDINGS_CAP)) as u32;
        let capped = if finding_points > u64::from(FINDINGS_CAP) {
            format!(", capped at {FINDINGS_CAP}")
        } else {
            String::new()
        };
        deductions.push(Deduction {
            points,
            reason: format!("open findings: {}{capped}", finding_deductions.join(", ")),
        });
    }
    let lost: u32 = deductions.iter().map(|d| d.points).sum();
    GateScore {
        score: Some(100u32.saturating_sub(lost)),
        deductions,
    }
}

/// The overall score: the mean of the scored gates, with `missing` required gates (and
/// unreadable reports) as 0.
pub fn overall(scores: &[Option<u32>], missing: usize) -> u32 {
    let mut total: u64 = 0;
    let mut count: u64 = missing as u64;
    for score in scores.iter().flatten() {
        total += u64::from(*score);
        count += 1;
    }
    // Nothing scored means nothing was checked: no points to give.
    if count == 0 {
        return 0;
    }
    ((total * 2 + count) / (count * 2)) as u32
}

/// A number as people write it: no trailing `.0`, at most two decimals.
pub fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        let digits = signoff_core::text::thousands(value.abs() as u64);
        if value < 0.0 {
            format!("-{digits}")
        } else {
            digits
        }
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use signoff_core::ReportBuilder;
    use signoff_core::report::{Check, Finding, Op, Subject, Tool};

    signoff_core::rules! {
        enum R { A = ("a", Severity::High, "A"), }
    }

    fn report(status_checks: &[(f64, f64)], findings: &[Severity], warnings: usize) -> GateReport {
        let mut b = ReportBuilder::new("g", Tool::new("t", "1"), Subject::default());
        for (threshold, actual) in status_checks {
            b.check(Check::new("lines", Op::Ge, *threshold, *actual));
        }
        for (i, severity) in findings.iter().enumerate() {
            b.finding(
                Finding::new(R::A)
                    .severity(*severity)
                    .identity(i.to_string())
                    .build(),
            );
        }
        for i in 0..warnings {
            b.warn(format!("w{i}"));
        }
        b.finish("s")
    }

    #[test]
    fn a_clean_gate_scores_100() {
        let r = report(&[(80.0, 90.0)], &[], 0);
        assert_eq!(
            gate(&[&r]),
            GateScore {
                score: Some(100),
                deductions: vec![]
            }
        );
    }

    #[test]
    fn each_point_lost_has_a_reason() {
        let r = report(
            &[(80.0, 72.5)],
            &[Severity::High, Severity::Low, Severity::Info],
            1,
        );
        let score = gate(&[&r]);
        assert_eq!(score.score, Some(100 - 30 - 5 - 11));
        let reasons: Vec<&str> = score.deductions.iter().map(|d| d.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "check `lines` failed: 72.5 >= 80 does not hold",
                "warning: w0",
                "open findings: 1 × high (10 each), 1 × low (1 each)"
            ]
        );
        let lost: u32 = score.deductions.iter().map(|d| d.points).sum();
        assert_eq!(100 - lost, score.score.unwrap());
    }

    #[test]
    fn findings_are_capped_and_waived_ones_are_free() {
        let mut r = report(&[], &[Severity::Critical; 10], 0);
        assert_eq!(gate(&[&r]).score, Some(40));
        for finding in &mut r.findings {
            finding.waived = true;
        }
        assert_eq!(gate(&[&r]).score, Some(100));
    }

    #[test]
    fn shards_share_findings_by_fingerprint() {
        let a = report(&[], &[Severity::High], 0);
        let b = a.clone();
        assert_eq!(gate(&[&a, &b]).score, Some(90));
    }

    #[test]
    fn overall_is_the_rounded_mean_with_missing_gates_as_zero() {
        assert_eq!(overall(&[Some(100), Some(91), None], 0), 96);
        assert_eq!(overall(&[Some(100)], 1), 50);
        assert_eq!(overall(&[], 0), 0);
        assert_eq!(overall(&[None, None], 0), 0);
    }

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(number(80.0), "80");
        assert_eq!(number(72.126), "72.13");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(25_000.0), "25,000");
        assert_eq!(number(-3.0), "-3");
    }
}
