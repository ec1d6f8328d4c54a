//! What changed since an earlier sign-off: given its `signoff.json` (`--baseline FILE`,
//! typically the base branch's), the overall and per-area score changes, and the causes of
//! risk resolved, new, or found more or less often.

use std::path::Path;

use serde::Serialize;

use crate::review::Review;

/// Largest baseline read.
const MAX_BYTES: u64 = 64 << 20;

/// The parts of an earlier `signoff.json` a trend needs.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub score: i64,
    pub verdict: String,
    pub commit: Option<String>,
    /// (area id, score when assessed).
    pub areas: Option<Vec<(String, Option<i64>)>>,
    /// (gate, rule, count) of each open cause of risk.
    pub risks: Option<Vec<(String, Option<String>, u64)>>,
}

/// Reads an earlier `signoff.json`; the message says what is wrong and how to fix it.
pub fn load(path: &Path) -> Result<Baseline, String> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("--baseline {shown}: cannot read it: {e}\n  = help: give the signoff.json of an earlier sign-off (the base branch's report artifact)"))?
        .len();
    if size > MAX_BYTES {
        return Err(format!(
            "--baseline {shown}: {size} bytes, over the {MAX_BYTES} byte limit for a signoff.json"
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("--baseline {shown}: cannot read it: {e}"))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!("--baseline {shown}: not valid JSON ({e})\n  = help: give the signoff.json a sign-off wrote, not the report or a gate report")
    })?;
    if value.get("schema").and_then(|s| s.as_str()) != Some(crate::output::SIGNOFF_SCHEMA) {
        return Err(format!(
            "--baseline {shown}: not a signoff.json (its `schema` is not `{}`)\n  = help: give the signoff.json a sign-off wrote, not a gate report",
            crate::output::SIGNOFF_SCHEMA
        ));
    }
    let score = value
        .get("score")
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| format!("--baseline {shown}: it has no `score`"))?;
    let text =
        |v: &serde_json::Value, key: &str| v.get(key).and_then(|s| s.as_str()).map(str::to_owned);
    let review = value.get("review");
    let areas = review
        .and_then(|r| r.get("areas"))
        .and_then(|a| a.as_array())
        .map(|areas| {
            areas
                .iter()
                .filter_map(|a| {
                    Some((
                        text(a, "area")?,
                        a.get("score").and_then(serde_json::Value::as_i64),
                    ))
                })
                .collect()
        });
    let risks = review
        .and_then(|r| r.get("risks"))
        .and_then(|a| a.as_array())
        .map(|risks| {
            risks
                .iter()
                .filter_map(|r| {
                    Some((
                        text(r, "gate")?,
                        text(r, "rule"),
                        r.get("count").and_then(serde_json::Value::as_u64)?,
                    ))
                })
                .collect()
        });
    Ok(Baseline {
        score,
        verdict: text(&value, "verdict").unwrap_or_default(),
        commit: value.get("subject").and_then(|s| text(s, "commit")),
        areas,
        risks,
    })
}

/// The comparison shown in the report.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub baseline_commit: Option<String>,
    pub baseline_score: i64,
    pub baseline_verdict: String,
    /// `+12`, `−5`, `±0`.
    pub score_delta: String,
    /// Whether the baseline has areas and risks (signoff.json from before them has not).
    pub detailed: bool,
    pub areas: Vec<AreaTrend>,
    pub resolved: Vec<RiskTrend>,
    pub new: Vec<RiskTrend>,
    pub changed: Vec<RiskTrend>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaTrend {
    pub title: &'static str,
    pub before: String,
    pub after: String,
    pub delta: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskTrend {
    pub gate: String,
    pub rule: Option<String>,
    pub before: u64,
    pub after: u64,
}

fn signed(delta: i64) -> String {
    match delta {
        0 => "±0".into(),
        d if d > 0 => format!("+{d}"),
        d => format!("−{}", -d),
    }
}

/// Compares the current sign-off with the baseline.
pub fn compare(baseline: &Baseline, score: u32, review: &Review) -> Trend {
    let mut areas = Vec::new();
    if let Some(before) = &baseline.areas {
        for area in &review.areas {
            let then = before
                .iter()
                .find(|(id, _)| id == area.id)
                .and_then(|(_, s)| *s);
            let now = area.score.map(i64::from);
            let show =
                |s: Option<i64>| s.map_or_else(|| "not assessed".to_owned(), |s| s.to_string());
            let delta = match (then, now) {
                (Some(a), Some(b)) => signed(b - a),
                (None, Some(_)) => "newly assessed".into(),
                (Some(_), None) => "no longer assessed".into(),
                (None, None) => continue,
            };
            areas.push(AreaTrend {
                title: area.title,
                before: show(then),
                after: show(now),
                delta,
            });
        }
    }
    let (mut resolved, mut new, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(before) = &baseline.risks {
        let now: Vec<(String, Option<String>, u64)> = review
            .risks()
            .map(|r| (r.gate.clone(), r.rule.clone(), r.count as u64))
            .collect();
        for (gate, rule, count) in before {
            match now.iter().find(|(g, r, _)| g == gate && r == rule) {
                None => resolved.push(RiskTrend {
                    gate: gate.clone(),
                    rule: rule.clone(),
                    before: *count,
                    after: 0,
                }),
                Some((_, _, after)) if after != count => changed.push(RiskTrend {
                    gate: gate.clone(),
                    rule: rule.clone(),
                    before: *count,
                    after: *after,
                }),
                Some(_) => {}
            }
        }
        for (gate, rule, count) in &now {
            if !before.iter().any(|(g, r, _)| g == gate && r == rule) {
                new.push(RiskTrend {
                    gate: gate.clone(),
                    rule: rule.clone(),
                    before: 0,
                    after: *count,
                });
            }
        }
    }
    Trend {
        baseline_commit: baseline
            .commit
            .as_ref()
            .map(|c| c.chars().take(12).collect()),
        baseline_score: baseline.score,
        baseline_verdict: baseline.verdict.clone(),
        score_delta: signed(i64::from(score) - baseline.score),
        detailed: baseline.areas.is_some() && baseline.risks.is_some(),
        areas,
        resolved,
        new,
        changed,
    }
}
