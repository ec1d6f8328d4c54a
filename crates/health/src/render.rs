//! From check results to the gate report: one threshold check per health check (and per
//! latency percentile), findings for what went wrong, metrics, and `details.checks` with
//! each check's timeline of attempts, time to healthy, percentiles, certificate expiry and
//! the first failing assertion with a redacted excerpt of the body.

use std::time::Duration;

use serde_json::{Value, json};
use signoff_core::ReportBuilder;
use signoff_core::report::{Check, Finding, Op, Severity};
use signoff_core::text::{one_line, plural};

use crate::Outcome;
use crate::config::{CheckPlan, Plan};
use crate::probe::{Attempt, CheckResult, Outcome as ProbeOutcome, millis};
use crate::rollback::{RollbackEnv, RollbackResult};

signoff_core::rules! {
    /// Rules of the health-check gate.
    pub enum Rule {
        /// A check did not become healthy.
        Unhealthy = ("unhealthy", Severity::High, "A check did not become healthy before the deadline"),
        /// Latency percentiles above the SLO.
        LatencySlo = ("latency-slo", Severity::High, "Latency of a healthy check is above its SLO"),
        /// The server certificate expires soon, or has expired.
        CertificateExpiry = ("certificate-expiry", Severity::Medium, "The server certificate expires within the warning threshold"),
        /// Certificate verification was turned off.
        InsecureTls = ("insecure-tls", Severity::Medium, "Certificate verification is turned off for a check"),
        /// The rollback command failed.
        RollbackFailed = ("rollback-failed", Severity::Critical, "The rollback command failed or timed out"),
    }
}

/// A latency percentile of the samples, nearest-rank.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

/// The report's view of a run.
pub(crate) struct Rendered<'a> {
    plan: &'a Plan,
    outcome: &'a Outcome,
    rollback: Option<RollbackResult>,
    waived_unhealthy: Vec<String>,
}

impl<'a> Rendered<'a> {
    pub(crate) fn new(plan: &'a Plan, outcome: &'a Outcome) -> Self {
        Self {
            plan,
            outcome,
            rollback: None,
            waived_unhealthy: Vec::new(),
        }
    }

    fn pairs(&self) -> impl Iterator<Item = (&'a CheckPlan, &'a CheckResult)> + 'a {
        self.plan
            .checks
            .iter()
            .map(|c| c.as_ref())
            .zip(self.outcome.results.iter())
    }

    /// Findings before waivers.
    pub(crate) fn findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (check, result) in self.pairs() {
            let finding = |rule: Rule| {
                Finding::new(rule)
                    .in_file(check.shown_url.clone())
                    .identity(check.name.clone())
                    .detail("check", check.name.clone())
            };
            // A degraded check matters less: its findings are medium, never high.
            let finding = |rule: Rule| {
                let built = finding(rule);
                if check.degraded {
                    built.severity(Severity::Medium)
                } else {
                    built
                }
            };
            if result.outcome != ProbeOutcome::Healthy {
                findings.push(
                    finding(Rule::Unhealthy)
                        .message(format!("{}: {}", check.name, self.why_unhealthy(check, result)))
                        .help("look at the check's timeline in the report; the last attempts show what the service answered")
                        .build(),
                );
            }
            for breach in slo_breaches(check, result) {
                findings.push(
                    finding(Rule::LatencySlo)
                        .identity(breach.name)
                        .message(format!("{}: {}", check.name, breach.message))
                        .build(),
                );
            }
            if check.client.insecure && check.url.scheme() == "https" {
                findings.push(
                    finding(Rule::InsecureTls)
                        .message(format!(
                            "{}: certificate verification is off (`insecure`), so anyone on the path could answer for this service",
                            check.name
                        ))
                        .help("trust the server's CA with `tls: {ca: FILE}` (or --ca) instead of `insecure`")
                        .build(),
                );
            }
            if let Some((days, at)) = days_left(result)
                && days < i64::from(check.expiry_warning_days)
            {
                let message = if days < 0 {
                    format!("{}: the server certificate expired on {at}", check.name)
                } else {
                    format!(
                        "{}: the server certificate expires on {at}, in {}",
                        check.name,
                        plural(days as u64, "day", "days")
                    )
                };
                findings.push(
                    finding(Rule::CertificateExpiry)
                        .severity(if days < 7 {
                            Severity::High
                        } else {
                            Severity::Medium
                        })
                        .message(message)
                        .help("renew the certificate")
                        .build(),
                );
            }
        }
        findings
    }

    /// Adds checks, metrics and warnings; returns whether the gate fails.
    pub(crate) fn apply(&mut self, report: &mut ReportBuilder, findings: &[Finding]) -> bool {
        let waived = |rule: Rule, name: &str| {
            findings.iter().any(|f| {
                f.waived
                    && f.rule == signoff_core::finding::Rule::id(rule)
                    && f.details.get("check").and_then(Value::as_str) == Some(name)
            })
        };
        let mut failed = false;
        for (check, result) in self.pairs() {
            let healthy = result.outcome == ProbeOutcome::Healthy;
            if !healthy && waived(Rule::Unhealthy, &check.name) {
                self.waived_unhealthy.push(check.name.clone());
                report.warn(format!(
                    "{} is not healthy, but a waiver accepts it",
                    check.name
                ));
            } else if !healthy && check.degraded {
                report.warn(format!(
                    "{} is degraded: {} (`severity: degraded`, so the gate warns and no rollback runs)",
                    check.name,
                    self.why_unhealthy(check, result)
                ));
            } else {
                let message = if healthy {
                    format!(
                        "healthy after {} ({})",
                        millis(result.healthy_at.unwrap_or_default()),
                        plural(result.attempts, "attempt", "attempts")
                    )
                } else {
                    self.why_unhealthy(check, result)
                };
                let check_entry = Check::new(
                    format!("{}: consecutive successes", check.name),
                    Op::Ge,
                    f64::from(check.probe.success_threshold),
                    f64::from(result.consecutive_successes),
                )
                .message(message);
                failed |= !check_entry.ok;
                report.check(check_entry);
            }
            for breach in slo_breaches(check, result)
                .into_iter()
                .chain(slo_holds(check, result))
            {
                if !breach.ok && check.degraded {
                    report.warn(format!(
                        "{}: {} (`severity: degraded`)",
                        check.name, breach.message
                    ));
                } else if breach.ok || !waived(Rule::LatencySlo, &check.name) {
                    let entry = Check::new(breach.name, breach.op, breach.threshold, breach.actual)
                        .message(breach.message);
                    failed |= !entry.ok;
                    report.check(entry);
                } else {
                    report.warn(format!("{}: {} (waived)", check.name, breach.message));
                }
            }
            if let Some(samples) = &result.samples
                && (samples.latencies.len() as u32) < samples.wanted
            {
                report.warn(format!(
                    "{}: the deadline allowed {} of {} latency samples",
                    check.name,
                    samples.latencies.len(),
                    samples.wanted
                ));
            }
        }
        for finding in findings.iter().filter(|f| !f.waived) {
            let rule = Rule::from_id(&finding.rule);
            if matches!(rule, Some(Rule::InsecureTls | Rule::CertificateExpiry)) {
                report.warn(finding.message.clone());
            }
        }
        let healthy = self
            .outcome
            .results
            .iter()
            .filter(|r| r.outcome == ProbeOutcome::Healthy)
            .count() as u64;
        report
            .metric("checks", self.plan.checks.len() as u64)
            .metric("checks_healthy", healthy)
            .metric(
                "attempts",
                self.outcome.results.iter().map(|r| r.attempts).sum(),
            )
            .metric("deadline_ms", self.plan.deadline.as_millis() as u64)
            .metric("decided_ms", self.outcome.elapsed.as_millis() as u64);
        if let Some(slowest) = self
            .outcome
            .results
            .iter()
            .filter_map(|r| r.healthy_at)
            .max()
        {
            report.metric("time_to_healthy_ms", slowest.as_millis() as u64);
        }
        failed
    }

    /// The variables the rollback command gets.
    pub(crate) fn rollback_env(&self) -> RollbackEnv {
        let failing: Vec<(&CheckPlan, &CheckResult)> = self
            .pairs()
            .filter(|(check, _)| !check.degraded)
            .filter(|(check, result)| {
                (result.outcome != ProbeOutcome::Healthy
                    && !self.waived_unhealthy.contains(&check.name))
                    || !slo_breaches(check, result).is_empty()
            })
            .collect();
        RollbackEnv {
            failed: failing.iter().map(|(c, _)| c.name.clone()).collect(),
            urls: failing.iter().map(|(c, _)| c.shown_url.clone()).collect(),
            reason: failing
                .first()
                .map(|(c, r)| one_line(&format!("{}: {}", c.name, self.why_unhealthy(c, r))))
                .unwrap_or_default(),
            summary: self.summary(),
        }
    }

    /// Records the rollback; returns a finding when it failed.
    pub(crate) fn rollback(&mut self, result: &RollbackResult) -> Option<Finding> {
        self.rollback = Some(result.clone());
        if result.succeeded() {
            return None;
        }
        let why = if result.timed_out {
            "timed out".to_owned()
        } else if let Some(error) = &result.error {
            error.clone()
        } else {
            match result.exit_code {
                Some(code) => format!("exited with {code}"),
                None => "was killed by a signal".to_owned(),
            }
        };
        Some(
            Finding::new(Rule::RollbackFailed)
                .identity(result.command.clone())
                .message(format!(
                    "the rollback command {why}; the failed version may still be serving"
                ))
                .help("roll back by hand, then fix the rollback command")
                .build(),
        )
    }

    /// The one-sentence summary.
    pub(crate) fn summary(&self) -> String {
        let total = self.plan.checks.len();
        let unhealthy: Vec<&str> = self
            .pairs()
            .filter(|(_, r)| r.outcome != ProbeOutcome::Healthy)
            .map(|(c, _)| c.name.as_str())
            .collect();
        let slow: Vec<&str> = self
            .pairs()
            .filter(|(c, r)| !slo_breaches(c, r).is_empty())
            .map(|(c, _)| c.name.as_str())
            .collect();
        let mut summary = if unhealthy.is_empty() {
            let elapsed = self
                .outcome
                .results
                .iter()
                .filter_map(|r| r.healthy_at)
                .max();
            format!(
                "{} healthy in {}",
                if total == 1 {
                    "1 check".to_owned()
                } else {
                    format!("all {total} checks")
                },
                millis(elapsed.unwrap_or_default())
            )
        } else {
            let first = self
                .pairs()
                .find(|(_, r)| r.outcome != ProbeOutcome::Healthy)
                .map(|(c, r)| format!("{}: {}", c.name, self.why_unhealthy(c, r)))
                .unwrap_or_default();
            format!(
                "{} of {total} not healthy ({})",
                unhealthy.len(),
                crate::excerpt::bounded(&first, 200)
            )
        };
        if !slow.is_empty() {
            summary.push_str(&format!("; latency SLO missed by {}", slow.join(", ")));
        }
        if let Some(rollback) = &self.rollback {
            summary.push_str(&match (rollback.succeeded(), rollback.exit_code) {
                (true, _) => "; rolled back".to_owned(),
                (false, Some(code)) => format!("; the rollback failed (exit {code})"),
                (false, None) => "; the rollback failed".to_owned(),
            });
        }
        summary
    }

    fn why_unhealthy(&self, check: &CheckPlan, result: &CheckResult) -> String {
        let last = result
            .last_failure
            .as_ref()
            .and_then(|a| a.error.clone())
            .unwrap_or_else(|| "no attempt could be made".into());
        match result.outcome {
            ProbeOutcome::Healthy => "healthy".into(),
            ProbeOutcome::DeadlineReached => format!(
                "not healthy before the {} deadline after {}; last: {last}",
                millis(self.plan.deadline),
                plural(result.attempts, "attempt", "attempts")
            ),
            ProbeOutcome::GaveUp => format!(
                "{} consecutive failures (failure threshold); last: {last}",
                check.probe.failure_threshold
            ),
        }
    }

    /// `details`: where the checks came from, the deadline, each check, the rollback.
    pub(crate) fn details(&self, report: &mut ReportBuilder) {
        let checks: Vec<Value> = self.pairs().map(|(c, r)| check_details(c, r)).collect();
        report
            .detail("source", self.plan.source.clone())
            .detail("deadline_ms", self.plan.deadline.as_millis() as u64)
            .detail("checks", checks);
        if let Some(rollback) = &self.rollback {
            report.detail(
                "rollback",
                json!({
                    "command": rollback.command,
                    "exit_code": rollback.exit_code,
                    "duration_ms": rollback.duration.as_millis() as u64,
                    "timed_out": rollback.timed_out,
                    "error": rollback.error,
                }),
            );
        }
    }
}

fn days_left(result: &CheckResult) -> Option<(i64, String)> {
    let not_after = result.not_after?;
    let seconds = not_after.as_second() - jiff::Timestamp::now().as_second();
    Some((
        seconds.div_euclid(86_400),
        not_after.strftime("%Y-%m-%d").to_string(),
    ))
}

struct SloCheck {
    name: String,
    op: Op,
    threshold: f64,
    actual: f64,
    ok: bool,
    message: String,
}

/// Each percentile threshold and the failed-samples count, held or not.
fn slo_checks(check: &CheckPlan, result: &CheckResult) -> Vec<SloCheck> {
    let (Some(slo), Some(samples)) = (&check.slo, &result.samples) else {
        return Vec::new();
    };
    let mut sorted = samples.latencies.clone();
    sorted.sort();
    let mut checks = Vec::new();
    for (label, p, limit) in [
        ("p50", 50.0, slo.p50),
        ("p95", 95.0, slo.p95),
        ("p99", 99.0, slo.p99),
    ] {
        let (Some(limit), Some(actual)) = (limit, percentile(&sorted, p)) else {
            continue;
        };
        let (threshold, actual_ms) = (ms(limit), ms(actual));
        checks.push(SloCheck {
            name: format!("{}: latency {label} ms", check.name),
            op: Op::Le,
            threshold,
            actual: actual_ms,
            ok: actual_ms <= threshold,
            message: format!(
                "latency {label} {} over {} (SLO {})",
                millis(actual),
                plural(sorted.len() as u64, "sample", "samples"),
                millis(limit)
            ),
        });
    }
    checks.push(SloCheck {
        name: format!("{}: failed samples", check.name),
        op: Op::Le,
        threshold: 0.0,
        actual: f64::from(samples.failures),
        ok: samples.failures == 0,
        message: match &samples.first_error {
            Some(error) => format!(
                "{} of {} failed; first: {error}",
                samples.failures,
                plural(samples.latencies.len() as u64, "sample", "samples")
            ),
            None => format!(
                "{} succeeded",
                plural(samples.latencies.len() as u64, "sample", "samples")
            ),
        },
    });
    checks
}

fn slo_breaches(check: &CheckPlan, result: &CheckResult) -> Vec<SloCheck> {
    slo_checks(check, result)
        .into_iter()
        .filter(|c| !c.ok)
        .collect()
}

fn slo_holds(check: &CheckPlan, result: &CheckResult) -> Vec<SloCheck> {
    slo_checks(check, result)
        .into_iter()
        .filter(|c| c.ok)
        .collect()
}

fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}

fn attempt_json(attempt: &Attempt) -> Value {
    let mut value = json!({
        "at_ms": attempt.at.as_millis() as u64,
        "ok": attempt.ok,
        "latency_ms": ms(attempt.latency),
    });
    let object = value.as_object_mut();
    if let Some(object) = object {
        if let Some(status) = attempt.status {
            object.insert("status".into(), status.into());
        }
        if let Some(version) = attempt.version {
            object.insert("http".into(), version.into());
        }
        if let Some(error) = &attempt.error {
            object.insert("error".into(), crate::excerpt::bounded(error, 300).into());
        }
        if attempt.truncated {
            object.insert("truncated".into(), true.into());
        }
    }
    value
}

fn check_details(check: &CheckPlan, result: &CheckResult) -> Value {
    let outcome = match result.outcome {
        ProbeOutcome::Healthy => "healthy",
        ProbeOutcome::DeadlineReached => "deadline-reached",
        ProbeOutcome::GaveUp => "failure-threshold",
    };
    let mut value = json!({
        "name": check.name,
        "url": check.shown_url,
        "method": check.method.as_str(),
        "outcome": outcome,
        "attempts": result.attempts,
        "decided_ms": result.decided_at.as_millis() as u64,
        "probe": {
            "initial_delay_ms": check.probe.initial_delay.as_millis() as u64,
            "period_ms": check.probe.period.as_millis() as u64,
            "timeout_ms": check.probe.timeout.as_millis() as u64,
            "success_threshold": check.probe.success_threshold,
            "failure_threshold": check.probe.failure_threshold,
        },
        "status": check.status.to_string(),
        "expect": check.expects.iter().map(|e| e.text.clone()).collect::<Vec<_>>(),
        // Header names only: values may be secrets.
        "headers": check.headers.keys().map(|k| k.as_str().to_owned()).collect::<Vec<_>>(),
        "timeline": result.timeline.iter().map(attempt_json).collect::<Vec<_>>(),
    });
    let Some(object) = value.as_object_mut() else {
        return value;
    };
    if result.timeline.omitted > 0 {
        object.insert("timeline_omitted".into(), result.timeline.omitted.into());
    }
    if let Some(at) = result.healthy_at {
        object.insert("time_to_healthy_ms".into(), (at.as_millis() as u64).into());
    }
    let quoted = result
        .last_failure
        .as_ref()
        .filter(|a| a.failure.is_some())
        .or(result.last_assertion.as_ref());
    if let Some((attempt, failure)) = quoted.and_then(|a| a.failure.as_ref().map(|f| (a, f))) {
        let mut block = json!({
            "expect": failure.expect,
            "message": crate::excerpt::bounded(&failure.message, 300),
            "body_excerpt": failure.excerpt,
            "at_ms": attempt.at.as_millis() as u64,
        });
        // A later attempt failed without an answer: say so beside the quoted assertion.
        if let (Some(last), Some(object)) = (&result.last_failure, block.as_object_mut())
            && last.failure.is_none()
            && let Some(error) = &last.error
        {
            object.insert(
                "last_error".into(),
                crate::excerpt::bounded(error, 300).into(),
            );
        }
        object.insert("failure".into(), block);
    } else if let Some(attempt) = &result.last_failure
        && let Some(error) = &attempt.error
    {
        object.insert(
            "failure".into(),
            json!({"message": crate::excerpt::bounded(error, 300), "at_ms": attempt.at.as_millis() as u64}),
        );
    }
    if let Some(samples) = &result.samples {
        let mut sorted = samples.latencies.clone();
        sorted.sort();
        let pick = |p: f64| percentile(&sorted, p).map(ms);
        object.insert(
            "latency".into(),
            json!({
                "samples": sorted.len(),
                "failures": samples.failures,
                "p50_ms": pick(50.0),
                "p95_ms": pick(95.0),
                "p99_ms": pick(99.0),
                "max_ms": sorted.last().map(|d| ms(*d)),
            }),
        );
    }
    if let Some((days, at)) = days_left(result) {
        object.insert(
            "certificate".into(),
            json!({"not_after": at, "days_left": days, "warning_days": check.expiry_warning_days}),
        );
    }
    if check.client.insecure {
        object.insert("insecure".into(), true.into());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use signoff_core::finding::Rule as _;

    #[test]
    fn percentiles_are_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&sorted, 50.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&sorted, 95.0), Some(Duration::from_millis(95)));
        assert_eq!(percentile(&sorted, 99.0), Some(Duration::from_millis(99)));
        let one = [Duration::from_millis(7)];
        assert_eq!(percentile(&one, 99.0), Some(Duration::from_millis(7)));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn rules_are_listed() {
        let rules: Vec<String> = Rule::ALL
            .iter()
            .map(|r| format!("{} ({}): {}", r.id(), r.default_severity(), r.description()))
            .collect();
        insta::assert_snapshot!(rules.join("\n"));
    }
}
