//! Baseline files: the fingerprints of known findings, which no longer fail a gate while
//! new findings still do. A gate writes one with `--write-baseline` and reads it back with
//! `--baseline FILE`; each gate has its own schema id, so files are never mixed up.
//!
//! ```json
//! {"schema": "signoff/pipeline-baseline/v1",
//!  "findings": [{"fingerprint": "…", "rule": "unpinned-uses", "path": ".github/workflows/ci.yml"}]}
//! ```

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{ConfigError, Problem};
use crate::report::Finding;

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
    /// Reads a baseline file of `schema`; `regenerate` is the command that writes one (for
    /// the help of errors).
    pub fn load(path: &Path, schema: &str, regenerate: &str) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| {
            ConfigError::one(
                &shown,
                Problem::file(format!("cannot read the baseline: {error}"))
                    .help(format!("create it with `{regenerate}`")),
            )
        })?;
        Self::parse(&text, &shown, schema, regenerate)
    }

    /// Reads the text of a baseline file of `schema`, shown as `shown` in errors.
    pub fn parse(
        text: &str,
        shown: &str,
        schema: &str,
        regenerate: &str,
    ) -> Result<Self, ConfigError> {
        let file: File = serde_json::from_str(text).map_err(|error| {
            ConfigError::one(
                shown,
                Problem::at(
                    error.line() as u64,
                    error.column() as u64,
                    format!("invalid baseline: {error}"),
                )
                .help(format!("regenerate it with `{regenerate}`")),
            )
        })?;
        if file.schema != schema {
            return Err(ConfigError::one(
                shown,
                Problem::file(format!("unknown baseline schema `{}`", file.schema)).help(format!(
                    "expected `{schema}`; regenerate it with `{regenerate}`"
                )),
            ));
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|e| e.fingerprint).collect(),
        })
    }

    /// Marks the findings the baseline knows as waived (with `details.baseline`). Returns
    /// how many.
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

/// The baseline text of `schema` for these findings (sorted, so it diffs well).
pub fn render(findings: &[Finding], schema: &str) -> String {
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
        schema: schema.to_owned(),
        findings: entries,
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::rules! {
        enum TestRule {
            Alpha = ("alpha-rule", Severity::High, "Alpha happened"),
        }
    }

    #[test]
    fn written_baselines_waive_the_same_findings_and_only_them() {
        use crate::report::Finding;
        assert_eq!(TestRule::from_id("alpha-rule"), Some(TestRule::ALL[0]));
        let known = Finding::new(TestRule::Alpha).at("a.yml", 3).build();
        let new = Finding::new(TestRule::Alpha).at("b.yml", 3).build();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, render(std::slice::from_ref(&known), "s/v1")).unwrap();
        let baseline = Baseline::load(&path, "s/v1", "x --write-baseline").unwrap();
        let mut findings = vec![known, new];
        assert_eq!(baseline.apply(&mut findings), 1);
        assert!(findings[0].waived && findings[0].details.contains_key("baseline"));
        assert!(!findings[1].waived);
        let error = Baseline::load(&path, "other/v1", "x --write-baseline").unwrap_err();
        assert!(
            error.to_string().contains("unknown baseline schema `s/v1`"),
            "{error}"
        );
    }
}
