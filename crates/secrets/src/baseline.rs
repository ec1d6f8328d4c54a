//! The baseline file: fingerprints of known findings that no longer fail the gate. New
//! findings still do. Written with `--write-baseline`, read with `--baseline FILE`.
//!
//! ```json
//! {"schema": "signoff/secrets-baseline/v1",
//!  "findings": [{"fingerprint": "…", "rule": "github-pat", "path": "src/a.py"}]}
//! ```

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use signoff_core::diag::{ConfigError, Problem};
use signoff_core::report::Finding;

/// The schema id of baseline files.
pub const SCHEMA: &str = "signoff/secrets-baseline/v1";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    schema: String,
    findings: Vec<Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    rule: String,
    path: String,
}

/// Known fingerprints.
#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| {
            ConfigError::one(
                &shown,
                Problem::file(format!("cannot read the baseline: {error}"))
                    .help("create it with `signoff-secrets --write-baseline --baseline FILE`"),
            )
        })?;
        let file: File = serde_json::from_str(&text).map_err(|error| {
            ConfigError::one(
                &shown,
                Problem::at(
                    error.line() as u64,
                    error.column() as u64,
                    format!("invalid baseline: {error}"),
                )
                .help("regenerate it with `signoff-secrets --write-baseline --baseline FILE`"),
            )
        })?;
        if file.schema != SCHEMA {
            return Err(ConfigError::one(
                &shown,
                Problem::file(format!("unknown baseline schema `{}`", file.schema))
                    .help(format!("expected `{SCHEMA}`")),
            ));
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|e| e.fingerprint).collect(),
        })
    }

    /// Marks the findings the baseline knows as waived. Returns how many.
    pub fn apply(&self, findings: &mut [Finding]) -> usize {
        let mut known = 0;
        for finding in findings.iter_mut().filter(|f| !f.waived) {
            if self.fingerprints.contains(&finding.fingerprint) {
                finding.waived = true;
                finding.details.insert("baseline".into(), true.into());
                known += 1;
            }
        }
        known
    }
}

/// The baseline text for these findings (sorted, so it diffs well).
pub fn render(findings: &[Finding]) -> String {
    let mut entries: Vec<Entry> = findings
        .iter()
        .map(|f| Entry {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.clone(),
            path: f
                .location
                .as_ref()
                .map(|l| l.path.clone())
                .unwrap_or_default(),
        })
        .collect();
    entries.sort_by(|a, b| {
        (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
    });
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let file = File {
        schema: SCHEMA.to_owned(),
        findings: entries,
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}
