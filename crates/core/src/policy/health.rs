//! The `health-check` section of `signoff.yml`, which is also the format of the separate
//! checks file given with `signoff-health --config FILE`.
//!
//! ```yaml
//! deadline: 5m                 # every check decided within this
//! period: 2s                   # defaults for every check; each check may override them
//! checks:
//!   - name: api
//!     url: https://api.example.com/healthz
//!     headers: {Authorization: "Bearer ${API_TOKEN}"}   # value never logged or written
//!     status: [200]
//!     expect: ['$.status == "healthy"', 'header "content-type" contains "json"']
//!     slo: {samples: 20, p95: 300ms}
//! rollback: ./scripts/rollback.sh
//! ```
//!
//! Values check themselves while parsing (durations, status sets), so a bad one is reported
//! at its own line and column. URLs and assertion expressions are checked by the gate,
//! which knows their grammar; they keep their position ([`Spanned`]) for its messages.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, de};
use serde_saphyr::Spanned;

/// Declares a struct with the probe settings every check takes, plus its own fields. The
/// gate-wide defaults and each check share them; serde's `flatten` would lose the line
/// and column of errors and the rejection of unknown keys, so the fields are repeated.
macro_rules! with_probe_settings {
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Wait before the first attempt.
            pub initial_delay: Option<Duration>,
            /// Time between attempts once healthy, and the longest backoff after a failure.
            pub period: Option<Duration>,
            /// Longest one attempt (connect, request, whole body) may take.
            pub timeout: Option<Duration>,
            /// Consecutive successful attempts needed to call the check healthy.
            pub success_threshold: Option<u32>,
            /// Consecutive failed attempts after which the check gives up (0: until the deadline).
            pub failure_threshold: Option<u32>,
            /// An attempt slower than this fails.
            pub max_latency: Option<Duration>,
            /// Most body bytes read per attempt; the rest is not read.
            pub max_body: Option<u64>,
            /// Redirects followed (0: none; the 3xx response is then judged).
            pub redirects: Option<u32>,
            /// HTTP versions offered.
            pub http: Option<HttpVersion>,
            /// Request headers. `${VAR}` reads an environment variable. Values are never
            /// logged or written anywhere.
            pub headers: Option<BTreeMap<String, String>>,
            /// Status codes that count as success.
            pub status: Option<StatusSet>,
            /// Certificate settings.
            pub tls: Option<TlsSpec>,
            /// Latency sampling once healthy.
            pub slo: Option<SloSpec>,
        }
    };
}

with_probe_settings! {
    /// Settings of the health-check gate: gate-wide values, defaults for every check, and
    /// the checks. Command-line flags (action inputs) override them.
    pub struct HealthPolicy {
        /// Every check is decided within this time from the gate's start.
        pub deadline: Option<Duration>,
        /// Command run (by the shell) when the gate fails.
        pub rollback: Option<String>,
        /// Longest the rollback command may run.
        pub rollback_timeout: Option<Duration>,
        /// The checks, run concurrently.
        #[serde(default)]
        pub checks: Vec<Spanned<CheckSpec>>,
    }
}

with_probe_settings! {
    /// One check in the `checks` list. Its probe settings beat the gate-wide defaults.
    pub struct CheckSpec {
        /// Name in the report (default: the URL).
        pub name: Option<String>,
        /// `http://` or `https://` URL.
        pub url: Option<Spanned<String>>,
        /// HTTP method (default GET).
        pub method: Option<String>,
        /// Request body.
        pub body: Option<String>,
        /// Assertions on the response, all of which must hold.
        #[serde(default)]
        pub expect: Vec<Spanned<String>>,
        /// `critical` (default): an unhealthy check fails the gate and triggers the
        /// rollback. `degraded`: it only makes the gate warn, and never rolls back.
        pub severity: Option<CheckSeverity>,
    }
}

/// How much an unhealthy check matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckSeverity {
    /// The service is down: the gate fails and the rollback runs.
    #[default]
    Critical,
    /// The service works with less: the gate warns, no rollback.
    Degraded,
}

/// TLS settings of a check.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TlsSpec {
    /// PEM file of CA certificates trusted in addition to the system's.
    pub ca: Option<String>,
    /// Accept any certificate (the report warns loudly).
    pub insecure: Option<bool>,
    /// Warn when the server certificate expires within this many days.
    pub expiry_warning_days: Option<u32>,
}

/// Latency sampling once a check is healthy.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SloSpec {
    /// Sample requests sent once healthy.
    pub samples: Option<u32>,
    /// Highest acceptable median latency.
    pub p50: Option<Duration>,
    /// Highest acceptable 95th percentile latency.
    pub p95: Option<Duration>,
    /// Highest acceptable 99th percentile latency.
    pub p99: Option<Duration>,
}

/// HTTP versions a check offers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HttpVersion {
    /// HTTP/1.1, or HTTP/2 when TLS negotiates it.
    #[default]
    Auto,
    /// HTTP/1.1 only.
    Http1,
    /// HTTP/2 only (prior knowledge on `http://`).
    Http2,
}

/// A duration written `500ms`, `2s`, `1.5m`, `1h`, or a plain number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub std::time::Duration);

/// What a duration looks like, for messages.
pub const DURATION_FORM: &str = "a duration like `500ms`, `2s`, `5m` or a number of seconds";

impl std::str::FromStr for Duration {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let scale = match unit.trim() {
            "ms" => 0.001,
            "" | "s" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            _ => return Err(format!("`{text}` is not {DURATION_FORM}")),
        };
        let value: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not {DURATION_FORM}"))?;
        seconds(value * scale).ok_or_else(|| format!("`{text}` is not {DURATION_FORM}"))
    }
}

fn seconds(value: f64) -> Option<Duration> {
    // A week is far beyond any deploy job; larger values are typos.
    (value.is_finite() && (0.0..=604_800.0).contains(&value))
        .then(|| Duration(std::time::Duration::from_secs_f64(value)))
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if ms.is_multiple_of(1000) {
            write!(f, "{}s", ms / 1000)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(DURATION_FORM)
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Duration, E> {
                value
                    .parse()
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Duration, E> {
                seconds(value as f64)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(value), &self))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Duration, E> {
                seconds(value as f64)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(value), &self))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Duration, E> {
                seconds(value).ok_or_else(|| E::invalid_value(de::Unexpected::Float(value), &self))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Status codes that count as success: codes (`200`), classes (`2xx`) and ranges
/// (`200-399`), in a list or comma-separated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusSet(pub Vec<(u16, u16)>);

/// What a status set looks like, for messages.
pub const STATUS_FORM: &str = "status codes like `200`, `2xx`, `200-399` or a list of them";

impl StatusSet {
    /// Whether `code` is in the set.
    pub fn contains(&self, code: u16) -> bool {
        self.0
            .iter()
            .any(|(low, high)| (*low..=*high).contains(&code))
    }
}

impl Default for StatusSet {
    /// 200 to 399, as Kubernetes judges an HTTP probe.
    fn default() -> Self {
        StatusSet(vec![(200, 399)])
    }
}

impl fmt::Display for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (low, high)) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            match (low, high) {
                (l, h) if l == h => write!(f, "{l}")?,
                (l, h) if l.is_multiple_of(100) && *h == l + 99 => write!(f, "{}xx", l / 100)?,
                (l, h) => write!(f, "{l}-{h}")?,
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for StatusSet {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut ranges = Vec::new();
        for part in text.split(',').map(str::trim) {
            ranges
                .push(status_range(part).ok_or_else(|| format!("`{part}` is not {STATUS_FORM}"))?);
        }
        Ok(StatusSet(ranges))
    }
}

fn status_range(part: &str) -> Option<(u16, u16)> {
    let code = |s: &str| {
        s.trim()
            .parse::<u16>()
            .ok()
            .filter(|c| (100..=599).contains(c))
    };
    let lower = part.to_ascii_lowercase();
    if let Some(class) = lower.strip_suffix("xx") {
        let class = class.parse::<u16>().ok().filter(|c| (1..=5).contains(c))?;
        return Some((class * 100, class * 100 + 99));
    }
    if let Some((low, high)) = part.split_once('-') {
        let (low, high) = (code(low)?, code(high)?);
        return (low <= high).then_some((low, high));
    }
    code(part).map(|c| (c, c))
}

impl<'de> Deserialize<'de> for StatusSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(Item),
            Many(Vec<Item>),
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Item {
            Code(u64),
            Text(String),
        }
        let item = |item: Item| match item {
            Item::Code(code) => u16::try_from(code)
                .ok()
                .and_then(|c| status_range(&c.to_string()))
                .ok_or_else(|| format!("`{code}` is not {STATUS_FORM}")),
            Item::Text(text) => text
                .parse::<StatusSet>()
                .map(|set| set.0[0])
                .and_then(|first| {
                    // A comma-separated string is a list too.
                    if text.contains(',') {
                        Err(format!("write `{text}` as a YAML list: [{text}]"))
                    } else {
                        Ok(first)
                    }
                }),
        };
        let items = match Raw::deserialize(deserializer) {
            Ok(Raw::One(one)) => vec![one],
            Ok(Raw::Many(many)) => many,
            Err(_) => return Err(de::Error::custom(format!("expected {STATUS_FORM}"))),
        };
        if items.is_empty() {
            return Err(de::Error::custom(format!(
                "the status list is empty; expected {STATUS_FORM}"
            )));
        }
        items
            .into_iter()
            .map(item)
            .collect::<Result<Vec<_>, _>>()
            .map(StatusSet)
            .map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<HealthPolicy, crate::diag::ConfigError> {
        crate::yaml::from_str(text, "health.yml")
    }

    #[test]
    fn durations_take_units_or_seconds() {
        let d = |s: &str| s.parse::<Duration>().map(|d| d.0.as_millis());
        assert_eq!(d("500ms"), Ok(500));
        assert_eq!(d("2s"), Ok(2000));
        assert_eq!(d("1.5"), Ok(1500));
        assert_eq!(d("5m"), Ok(300_000));
        for bad in ["", "fast", "5 days", "-1s", "1e9"] {
            assert!(d(bad).is_err(), "{bad}");
        }
        let policy = parse("deadline: 90\nperiod: 250ms\ntimeout: 0.5\n").unwrap();
        assert_eq!(
            policy.deadline,
            Some(Duration(std::time::Duration::from_secs(90)))
        );
        assert_eq!(policy.period.unwrap().to_string(), "250ms");
        assert_eq!(policy.timeout.unwrap().0.as_millis(), 500);
    }

    #[test]
    fn bad_duration_is_reported_at_its_place() {
        let error = parse("checks:\n  - url: http://x\n    period: soon\n").unwrap_err();
        let problem = &error.problems[0];
        assert_eq!(problem.line, 3, "{error}");
        assert!(problem.message.contains("duration like `500ms`"), "{error}");
    }

    #[test]
    fn status_sets_take_codes_classes_and_ranges() {
        let set: StatusSet = "200, 3xx,404-410".parse().unwrap();
        assert!(set.contains(200) && set.contains(302) && set.contains(405));
        assert!(!set.contains(201) && !set.contains(500));
        assert_eq!(set.to_string(), "200, 3xx, 404-410");
        assert!(StatusSet::default().contains(399) && !StatusSet::default().contains(400));
        for bad in ["20", "6xx", "300-200", "ok", "200,,"] {
            assert!(bad.parse::<StatusSet>().is_err(), "{bad}");
        }
        let policy = parse("status: [200, 2xx, \"300-301\"]\n").unwrap();
        assert_eq!(
            policy.status.unwrap().0,
            [(200, 200), (200, 299), (300, 301)]
        );
        let error = parse("status: 700\n").unwrap_err();
        assert!(
            error.to_string().contains("`700` is not status codes"),
            "{error}"
        );
    }

    #[test]
    fn checks_keep_positions_and_reject_unknown_keys() {
        let policy = parse(
            "checks:\n  - name: api\n    url: http://127.0.0.1:1/health\n    expect: ['status == 200']\n    tls: {insecure: true}\n",
        )
        .unwrap();
        let check = &policy.checks[0].value;
        assert_eq!(
            check.url.as_ref().unwrap().value,
            "http://127.0.0.1:1/health"
        );
        assert_eq!(check.url.as_ref().unwrap().referenced.line(), 3);
        assert_eq!(check.expect[0].referenced.line(), 4);
        assert_eq!(check.tls.as_ref().unwrap().insecure, Some(true));
        let error = parse("checks:\n  - url: http://x\n    perod: 2s\n").unwrap_err();
        assert!(
            error.to_string().contains("did you mean `period`?"),
            "{error}"
        );
    }
}
