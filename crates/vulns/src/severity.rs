//! The severity of a vulnerability and where it came from: a CVSS v4 vector, else v3
//! (3.1 or 3.0), else v2, computed by [`crate::cvss`]; else the database's own label
//! (GitHub's `MODERATE` is medium); else the policy's `unknown_severity`. Malicious-package
//! reports (`MAL-`) are critical whatever they say.

use signoff_core::report::Severity;

use crate::cvss::{self, Method};
use crate::osv::Record;

/// A severity with its source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rated {
    pub severity: Severity,
    pub source: Source,
}

/// Where a severity came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Source {
    Cvss {
        method: Method,
        score: f64,
        vector: String,
        record: String,
    },
    Label {
        label: String,
        record: String,
    },
    Malicious {
        record: String,
    },
    Policy,
}

impl Source {
    /// One phrase for messages: `CVSS 3.1 9.8 from GHSA-…`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Source::Cvss {
                method,
                score,
                record,
                ..
            } => format!("{} {score:.1} from {record}", method.label()),
            Source::Label { label, record } => format!("database label {label} from {record}"),
            Source::Malicious { record } => format!("malicious package report {record}"),
            Source::Policy => "no score or label; the policy's unknown_severity".into(),
        }
    }
}

/// A database label as a severity (`MODERATE` = medium).
pub(crate) fn from_label(label: &str) -> Option<Severity> {
    Some(match label.trim().to_ascii_uppercase().as_str() {
        "CRITICAL" => Severity::Critical,
        "HIGH" | "IMPORTANT" => Severity::High,
        "MODERATE" | "MEDIUM" => Severity::Medium,
        "LOW" | "NEGLIGIBLE" => Severity::Low,
        _ => return None,
    })
}

fn label_of(value: Option<&serde_json::Value>) -> Option<&str> {
    value?.get("severity")?.as_str()
}

/// Rates a group of records describing one vulnerability.
pub(crate) fn rate(records: &[&Record], unknown: Severity) -> Rated {
    if let Some(record) = records.iter().find(|r| r.is_malicious()) {
        return Rated {
            severity: Severity::Critical,
            source: Source::Malicious {
                record: record.id.clone(),
            },
        };
    }
    let mut best: Option<(Method, f64, String, String)> = None;
    for record in records {
        let entries = record
            .severity
            .iter()
            .chain(record.affected.iter().flat_map(|a| a.severity.iter()));
        for entry in entries {
            if !entry.kind.starts_with("CVSS_") {
                continue;
            }
            let Some(score) = cvss::score(&entry.score) else {
                continue;
            };
            let better = best
                .as_ref()
                .is_none_or(|(method, base, _, _)| (score.method, score.base) > (*method, *base));
            if better {
                best = Some((
                    score.method,
                    score.base,
                    entry.score.trim().to_owned(),
                    record.id.clone(),
                ));
            }
        }
    }
    if let Some((method, score, vector, record)) = best {
        return Rated {
            severity: cvss::rating(score),
            source: Source::Cvss {
                method,
                score,
                vector,
                record,
            },
        };
    }
    let mut labelled: Option<(Severity, String, String)> = None;
    for record in records {
        let labels = std::iter::once(label_of(record.database_specific.as_ref())).chain(
            record.affected.iter().flat_map(|a| {
                [
                    label_of(a.database_specific.as_ref()),
                    label_of(a.ecosystem_specific.as_ref()),
                ]
            }),
        );
        for label in labels.flatten() {
            if let Some(severity) = from_label(label)
                && labelled.as_ref().is_none_or(|(s, _, _)| severity > *s)
            {
                labelled = Some((severity, label.to_owned(), record.id.clone()));
            }
        }
    }
    match labelled {
        Some((severity, label, record)) => Rated {
            severity,
            source: Source::Label { label, record },
        },
        None => Rated {
            severity: unknown,
            source: Source::Policy,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: serde_json::Value) -> Record {
        serde_json::from_value(json).expect("record")
    }

    #[test]
    fn cvss_v4_beats_v3_beats_label() {
        let a = record(serde_json::json!({"id": "GHSA-1", "severity": [
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "database_specific": {"severity": "LOW"}}));
        let b = record(serde_json::json!({"id": "PYSEC-1", "severity": [
            {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"}]}));
        let rated = rate(&[&a, &b], Severity::High);
        assert_eq!(rated.severity, Severity::Medium);
        assert!(
            rated
                .source
                .describe()
                .starts_with("CVSS 4.0 6.9 from PYSEC-1"),
            "{}",
            rated.source.describe()
        );
        let rated = rate(&[&a], Severity::High);
        assert_eq!(rated.severity, Severity::Critical);
    }

    #[test]
    fn labels_then_policy_then_malicious() {
        let moderate = record(
            serde_json::json!({"id": "GHSA-2", "database_specific": {"severity": "MODERATE"}}),
        );
        assert_eq!(
            rate(&[&moderate], Severity::High).severity,
            Severity::Medium
        );
        let bare = record(serde_json::json!({"id": "OSV-1"}));
        let rated = rate(&[&bare], Severity::Low);
        assert_eq!(
            (rated.severity, rated.source),
            (Severity::Low, Source::Policy)
        );
        let mal = record(
            serde_json::json!({"id": "MAL-2024-1", "database_specific": {"severity": "LOW"}}),
        );
        assert_eq!(rate(&[&mal], Severity::Low).severity, Severity::Critical);
        let broken = record(
            serde_json::json!({"id": "X-1", "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N"}]}),
        );
        assert_eq!(rate(&[&broken], Severity::Info).source, Source::Policy);
    }
}
