//! The probe loop of one check, with Kubernetes semantics: wait `initial-delay`, attempt
//! every `period`, each attempt bounded by `timeout`; `success-threshold` consecutive
//! successes make the check healthy, `failure-threshold` consecutive failures (when set)
//! make it give up. After a failure the next attempt comes sooner, backing off with jitter
//! up to `period`, so a service that comes up is seen within one period. Nothing runs past
//! the gate's deadline: the last attempt's timeout is cut to the time left.

use std::cell::OnceCell;
use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::{Instant, timeout_at};

use crate::config::CheckPlan;
use crate::expect::Response;

/// Attempts kept from the start and the end of a long timeline; the middle is counted.
const TIMELINE_HEAD: usize = 10;
const TIMELINE_TAIL: usize = 40;

/// One request and how it went.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    /// Start, from the gate's start.
    pub at: Duration,
    pub status: Option<u16>,
    pub latency: Duration,
    /// `HTTP/1.1`, `HTTP/2`.
    pub version: Option<&'static str>,
    pub ok: bool,
    /// Why it failed: a transport error or the first failing assertion.
    pub error: Option<String>,
    /// The failing assertion and an excerpt of the body, when a response came.
    pub failure: Option<Failure>,
    /// Body bytes read (at most `max-body`).
    pub body_bytes: u64,
    pub truncated: bool,
}

/// The first assertion an attempt failed, quoted, with a redacted excerpt of the body.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub expect: String,
    pub message: String,
    pub excerpt: String,
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Healthy,
    /// The deadline came first.
    DeadlineReached,
    /// `failure-threshold` consecutive failures.
    GaveUp,
}

/// Attempts of a check, bounded: the first and the last ones, and how many in between.
#[derive(Debug, Default)]
pub(crate) struct Timeline {
    pub head: Vec<Attempt>,
    pub tail: VecDeque<Attempt>,
    pub omitted: u64,
}

impl Timeline {
    fn push(&mut self, attempt: Attempt) {
        if self.head.len() < TIMELINE_HEAD {
            self.head.push(attempt);
            return;
        }
        if self.tail.len() == TIMELINE_TAIL {
            self.tail.pop_front();
            self.omitted += 1;
        }
        self.tail.push_back(attempt);
    }

    /// The kept attempts in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Attempt> {
        self.head.iter().chain(self.tail.iter())
    }
}

/// What one check found.
#[derive(Debug)]
pub(crate) struct CheckResult {
    pub outcome: Outcome,
    pub attempts: u64,
    pub timeline: Timeline,
    /// When the check became healthy, from the gate's start.
    pub healthy_at: Option<Duration>,
    /// When the check was decided, from the gate's start.
    pub decided_at: Duration,
    /// The last failed attempt.
    pub last_failure: Option<Attempt>,
    /// The last attempt that failed an assertion: quoted even when a later attempt failed
    /// without an answer (a timeout cut by the deadline, a refused connection).
    pub last_assertion: Option<Attempt>,
    pub consecutive_successes: u32,
    pub samples: Option<Samples>,
    /// The server certificate's expiry, from the last TLS attempt.
    pub not_after: Option<jiff::Timestamp>,
}

/// Latency samples taken once healthy.
#[derive(Debug, Default)]
pub(crate) struct Samples {
    pub latencies: Vec<Duration>,
    pub failures: u32,
    pub wanted: u32,
    /// The first failed sample's reason.
    pub first_error: Option<String>,
}

/// Runs one check to its decision.
pub(crate) async fn run(
    check: &CheckPlan,
    client: &reqwest::Client,
    started: Instant,
    deadline: Instant,
    seed: u64,
) -> CheckResult {
    let probe = &check.probe;
    let mut jitter = Jitter(seed | 1);
    let mut result = CheckResult {
        outcome: Outcome::DeadlineReached,
        attempts: 0,
        timeline: Timeline::default(),
        healthy_at: None,
        decided_at: Duration::ZERO,
        last_failure: None,
        last_assertion: None,
        consecutive_successes: 0,
        samples: None,
        not_after: None,
    };
    let mut failures = 0u32;
    let mut next = Instant::now() + probe.initial_delay;
    loop {
        if next >= deadline {
            break;
        }
        tokio::time::sleep_until(next).await;
        let attempt_started = Instant::now();
        let (attempt, not_after) = attempt(check, client, started, deadline).await;
        if not_after.is_some() {
            result.not_after = not_after;
        }
        result.attempts += 1;
        let ok = attempt.ok;
        tracing::debug!(
            check = %check.name,
            status = ?attempt.status,
            latency_ms = attempt.latency.as_millis() as u64,
            error = attempt.error.as_deref().unwrap_or(""),
            "attempt"
        );
        signoff_core::errln!("{}", attempt_line(&check.name, result.attempts, &attempt));
        if !ok {
            if attempt.failure.is_some() {
                result.last_assertion = Some(attempt.clone());
            }
            result.last_failure = Some(attempt.clone());
        }
        result.timeline.push(attempt);
        if ok {
            failures = 0;
            result.consecutive_successes += 1;
            if result.consecutive_successes >= probe.success_threshold {
                result.outcome = Outcome::Healthy;
                result.healthy_at = Some(started.elapsed());
                break;
            }
            next = attempt_started + probe.period;
        } else {
            failures += 1;
            result.consecutive_successes = 0;
            if probe.failure_threshold > 0 && failures >= probe.failure_threshold {
                result.outcome = Outcome::GaveUp;
                break;
            }
            next = Instant::now() + jitter.backoff(failures, probe.period);
        }
    }
    if result.outcome == Outcome::Healthy
        && let Some(slo) = &check.slo
    {
        result.samples = Some(sample(check, client, started, deadline, slo.samples).await);
    }
    result.decided_at = started.elapsed();
    result
}

/// One line per attempt, for the terminal and CI logs alike:
/// `health-check: api attempt 3 at 1.2 s: HTTP 503 in 12 ms, failed: status 503 is not …`.
fn attempt_line(name: &str, number: u64, attempt: &Attempt) -> String {
    let answer = match attempt.status {
        Some(status) => format!("HTTP {status} in {} ms", attempt.latency.as_millis()),
        None => format!("no answer after {} ms", attempt.latency.as_millis()),
    };
    let verdict = if attempt.ok {
        "ok".to_owned()
    } else {
        format!(
            "failed: {}",
            attempt
                .error
                .as_deref()
                .unwrap_or("the response did not satisfy the check")
        )
    };
    signoff_core::text::one_line(&format!(
        "health-check: {name} attempt {number} at {:.1} s: {answer}, {verdict}",
        attempt.at.as_secs_f64()
    ))
}

/// K requests back to back once healthy, for latency percentiles.
async fn sample(
    check: &CheckPlan,
    client: &reqwest::Client,
    started: Instant,
    deadline: Instant,
    wanted: u32,
) -> Samples {
    let mut samples = Samples {
        wanted,
        ..Samples::default()
    };
    for _ in 0..wanted {
        if Instant::now() >= deadline {
            break;
        }
        let (attempt, _) = attempt(check, client, started, deadline).await;
        samples.latencies.push(attempt.latency);
        if !attempt.ok {
            samples.failures += 1;
            if samples.first_error.is_none() {
                samples.first_error = attempt.error;
            }
        }
    }
    samples
}

/// One request: connect, send, read the body up to `max-body`, judge.
async fn attempt(
    check: &CheckPlan,
    client: &reqwest::Client,
    started: Instant,
    deadline: Instant,
) -> (Attempt, Option<jiff::Timestamp>) {
    let begin = Instant::now();
    let budget = check
        .probe
        .timeout
        .min(deadline.saturating_duration_since(begin));
    let until = begin + budget;
    let cut = if budget < check.probe.timeout {
        " (cut short by the deadline)"
    } else {
        ""
    };
    let mut attempt = Attempt {
        at: begin.duration_since(started),
        status: None,
        latency: Duration::ZERO,
        version: None,
        ok: false,
        error: None,
        failure: None,
        body_bytes: 0,
        truncated: false,
    };
    let mut request = client
        .request(check.method.clone(), check.url.clone())
        .headers(check.headers.clone());
    if let Some(body) = &check.body {
        request = request.body(body.clone());
    }
    let mut response = match timeout_at(until, request.send()).await {
        Err(_) => {
            attempt.latency = begin.elapsed();
            attempt.error = Some(format!("no response within {}{cut}", millis(budget)));
            return (attempt, None);
        }
        Ok(Err(error)) => {
            attempt.latency = begin.elapsed();
            attempt.error = Some(crate::client::describe(&error));
            return (attempt, None);
        }
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    attempt.status = Some(status);
    attempt.version = Some(version_name(response.version()));
    let not_after = response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(|info| info.peer_certificate())
        .and_then(crate::cert::not_after);
    let headers = response.headers().clone();
    let max_body = usize::try_from(check.probe.max_body).unwrap_or(usize::MAX);
    let expected = response.content_length().unwrap_or(0).min(64 * 1024) as usize;
    let mut body: Vec<u8> = Vec::with_capacity(expected.min(max_body));
    loop {
        match timeout_at(until, response.chunk()).await {
            Err(_) => {
                attempt.latency = begin.elapsed();
                attempt.body_bytes = body.len() as u64;
                attempt.error = Some(format!(
                    "status {status}, but the body did not complete within {}{cut} ({} read)",
                    millis(budget),
                    bytes(body.len() as u64)
                ));
                return (attempt, not_after);
            }
            Ok(Err(error)) => {
                attempt.latency = begin.elapsed();
                attempt.body_bytes = body.len() as u64;
                attempt.error = Some(format!(
                    "status {status}, but reading the body failed: {}",
                    crate::client::describe(&error)
                ));
                return (attempt, not_after);
            }
            Ok(Ok(None)) => break,
            Ok(Ok(Some(chunk))) => {
                let room = max_body.saturating_sub(body.len());
                if chunk.len() > room {
                    body.extend_from_slice(chunk.get(..room).unwrap_or_default());
                    attempt.truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
    // Stop reading here: the rest of an oversized body is never downloaded.
    drop(response);
    attempt.latency = begin.elapsed();
    attempt.body_bytes = body.len() as u64;
    match judge(
        check,
        status,
        attempt.latency,
        &headers,
        &body,
        attempt.truncated,
    ) {
        Ok(()) => attempt.ok = true,
        Err(failure) => {
            attempt.error = Some(format!("{}: {}", failure.expect, failure.message));
            attempt.failure = Some(failure);
        }
    }
    (attempt, not_after)
}

/// Status, latency, then each assertion in order; the first that fails is reported.
fn judge(
    check: &CheckPlan,
    status: u16,
    latency: Duration,
    headers: &reqwest::header::HeaderMap,
    body: &[u8],
    truncated: bool,
) -> Result<(), Failure> {
    let excerpt = || crate::excerpt::body(body, &check.secrets, crate::excerpt::BODY_EXCERPT_CHARS);
    if !check.status.contains(status) {
        return Err(Failure {
            expect: format!("status in {}", check.status),
            message: format!("got {status}"),
            excerpt: excerpt(),
        });
    }
    if let Some(max) = check.probe.max_latency
        && latency > max
    {
        return Err(Failure {
            expect: format!("latency <= {}", millis(max)),
            message: format!("took {}", millis(latency)),
            excerpt: String::new(),
        });
    }
    let json = OnceCell::new();
    let response = Response {
        status,
        latency,
        headers,
        body,
        truncated,
        json: &json,
    };
    for expect in &check.expects {
        if let Err(message) = expect.evaluate(&response) {
            let message = crate::excerpt::redact(&message, &check.secrets);
            return Err(Failure {
                expect: expect.text.clone(),
                message,
                excerpt: excerpt(),
            });
        }
    }
    Ok(())
}

fn version_name(version: reqwest::Version) -> &'static str {
    match version {
        reqwest::Version::HTTP_09 => "HTTP/0.9",
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        reqwest::Version::HTTP_11 => "HTTP/1.1",
        reqwest::Version::HTTP_2 => "HTTP/2",
        reqwest::Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/?",
    }
}

/// `250ms`, `1.5s`.
pub(crate) fn millis(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

fn bytes(count: u64) -> String {
    signoff_core::text::plural(count, "byte", "bytes")
}

/// A small xorshift generator: jitter needs spread, not cryptographic quality.
struct Jitter(u64);

impl Jitter {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// The wait after the `failures`-th consecutive failure: exponential from an eighth of
    /// the period (at least 50 ms), capped at the period, with half of it random ("equal
    /// jitter"), so many checks against one recovering service do not move in lockstep.
    fn backoff(&mut self, failures: u32, period: Duration) -> Duration {
        let base = (period / 8).max(Duration::from_millis(50)).min(period);
        let exponent = failures.saturating_sub(1).min(16);
        let full = base.saturating_mul(1 << exponent).min(period);
        let half = full / 2;
        let random = (self.next() % 1_000_001) as f64 / 1_000_000.0;
        half + half.mul_f64(random)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_the_period_and_never_beyond() {
        let period = Duration::from_secs(2);
        let mut jitter = Jitter(42);
        let first = jitter.backoff(1, period);
        assert!(
            first >= Duration::from_millis(125) && first <= Duration::from_millis(250),
            "{first:?}"
        );
        for failures in 1..100 {
            let wait = jitter.backoff(failures, period);
            assert!(wait <= period, "{failures}: {wait:?}");
        }
        let late = jitter.backoff(50, period);
        assert!(late >= Duration::from_secs(1), "{late:?}");
    }

    #[test]
    fn jitter_spreads_waits() {
        let mut jitter = Jitter(7);
        let waits: std::collections::BTreeSet<_> = (0..20)
            .map(|_| jitter.backoff(5, Duration::from_secs(2)))
            .collect();
        assert!(waits.len() > 10);
    }

    #[test]
    fn timeline_keeps_head_and_tail() {
        let mut timeline = Timeline::default();
        for index in 0..100u64 {
            timeline.push(Attempt {
                at: Duration::from_millis(index),
                status: Some(200),
                latency: Duration::ZERO,
                version: None,
                ok: true,
                error: None,
                failure: None,
                body_bytes: 0,
                truncated: false,
            });
        }
        let kept: Vec<u128> = timeline.iter().map(|a| a.at.as_millis()).collect();
        assert_eq!(kept.len(), TIMELINE_HEAD + TIMELINE_TAIL);
        assert_eq!(kept[..3], [0, 1, 2]);
        assert_eq!(*kept.last().unwrap(), 99);
        assert_eq!(timeline.omitted, 50);
    }
}
