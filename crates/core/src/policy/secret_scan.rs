//! The `secret-scan` section of `signoff.yml`.
//!
//! ```yaml
//! gates:
//!   secret-scan:
//!     max_findings: 0
//!     mode: history            # tree | history | range | staged (default: range in a
//!                              # pull request, the pushed commits on a push, else history)
//!     config: .gitleaks.toml   # gitleaks-format rules and allowlists
//!     baseline: .signoff/secrets-baseline.json
//!     exclude: ["vendor/**", "**/*.min.js"]
//!     disabled_rules: [generic-api-key]
//!     max_file_bytes: 10000000
//!     decode_depth: 2
//!     fail_on: medium          # findings below this severity warn instead of failing
//!     kinds:                   # severity per kind of finding
//!       hardcoded-credential: high
//!     contexts:                # what a finding under tests, examples, docs… counts as
//!       test: low              # a severity, `as-is`, or `skip` (counted, not listed)
//!       vendor: skip
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, de};

use super::values::PathGlob;
use crate::report::Severity;

/// Settings of the secret-scan gate. Action inputs and command-line flags override them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretScanPolicy {
    /// Most unwaived findings allowed before the gate fails (default 0).
    pub max_findings: Option<u64>,
    /// What to scan when the command line does not say.
    pub mode: Option<ScanMode>,
    /// A gitleaks-format TOML file of rules and allowlists, relative to the repository.
    pub config: Option<PathBuf>,
    /// A baseline file of accepted fingerprints, relative to the repository.
    pub baseline: Option<PathBuf>,
    /// Paths never scanned (gitignore-style globs).
    #[serde(default)]
    pub exclude: Vec<PathGlob>,
    /// Rule ids switched off.
    #[serde(default)]
    pub disabled_rules: Vec<String>,
    /// Files larger than this many bytes are skipped and counted (default 10 MB).
    #[serde(default, deserialize_with = "positive")]
    pub max_file_bytes: Option<u64>,
    /// How many layers of base64, hex and percent encoding are decoded (0 to 4, default 2).
    #[serde(default, deserialize_with = "decode_depth")]
    pub decode_depth: Option<u8>,
    /// Findings at or above this severity fail the gate; those below make it warn
    /// (default `medium`).
    pub fail_on: Option<Severity>,
    /// The severity of each kind of finding, over the rules' own.
    #[serde(default)]
    pub kinds: BTreeMap<SecretKind, Severity>,
    /// What a finding in each context counts as (defaults: [`ContextRule::default_for`]).
    #[serde(default)]
    pub contexts: BTreeMap<PathContext, ContextRule>,
}

/// The kinds of secret-scan findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretKind {
    /// PEM, OpenSSH, PuTTY and PGP private keys.
    PrivateKey,
    /// Tokens in a provider's own format.
    ProviderToken,
    /// Random-looking secrets found by their context.
    GenericSecret,
    /// Hard-coded weak or default passwords and password hashes.
    HardcodedCredential,
    /// The team's own gitleaks rules.
    Custom,
}

/// Where a finding sits, by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathContext {
    Test,
    Fixture,
    Example,
    Docs,
    Vendor,
}

/// What a finding in a context counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContextRule {
    /// Its own severity.
    AsIs,
    /// Not listed; counted in the report's metrics and summary.
    Skip,
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl ContextRule {
    /// The default: findings under tests, fixtures, examples and docs are `low` (listed,
    /// not failing the gate); vendored third-party code is skipped (and counted).
    pub fn default_for(context: PathContext) -> ContextRule {
        match context {
            PathContext::Vendor => ContextRule::Skip,
            _ => ContextRule::Low,
        }
    }

    /// The severity this rule gives a finding of severity `own`, or `None` when skipped.
    pub fn apply(self, own: Severity) -> Option<Severity> {
        Some(match self {
            ContextRule::AsIs => own,
            ContextRule::Skip => return None,
            ContextRule::Critical => Severity::Critical,
            ContextRule::High => Severity::High,
            ContextRule::Medium => Severity::Medium,
            ContextRule::Low => Severity::Low,
            ContextRule::Info => Severity::Info,
        })
    }
}

impl SecretScanPolicy {
    /// What a finding in `context` counts as, by the policy or the default.
    pub fn context_rule(&self, context: PathContext) -> ContextRule {
        self.contexts
            .get(&context)
            .copied()
            .unwrap_or_else(|| ContextRule::default_for(context))
    }
}

/// What the secret scan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanMode {
    /// The files on disk.
    Tree,
    /// Every blob version reachable from any ref.
    History,
    /// What the commits after a base revision add.
    Range,
    /// What `git commit` would add (the staged lines).
    Staged,
}

fn positive<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = u64::deserialize(deserializer)?;
    if value == 0 {
        return Err(de::Error::invalid_value(
            de::Unexpected::Unsigned(0),
            &"a positive number of bytes, like `10000000`",
        ));
    }
    Ok(Some(value))
}

fn decode_depth<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u8>, D::Error> {
    let value = u64::deserialize(deserializer)?;
    if value > 4 {
        return Err(de::Error::invalid_value(
            de::Unexpected::Unsigned(value),
            &"a decoding depth from 0 to 4",
        ));
    }
    Ok(Some(value as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let text = "max_findings: 2\nmode: history\nconfig: .gitleaks.toml\nbaseline: b.json\nexclude: ['vendor/**']\ndisabled_rules: [generic-api-key]\nmax_file_bytes: 1000\ndecode_depth: 3\n";
        let policy: SecretScanPolicy = crate::yaml::from_str(text, "t").unwrap();
        assert_eq!(policy.max_findings, Some(2));
        assert_eq!(policy.mode, Some(ScanMode::History));
        assert_eq!(policy.exclude[0].pattern, "vendor/**");
        assert_eq!(policy.disabled_rules, ["generic-api-key"]);
        assert_eq!(policy.max_file_bytes, Some(1000));
        assert_eq!(policy.decode_depth, Some(3));
        let text = "fail_on: high\nkinds: {hardcoded-credential: critical}\ncontexts: {test: as-is, docs: skip}\n";
        let policy: SecretScanPolicy = crate::yaml::from_str(text, "t").unwrap();
        assert_eq!(policy.fail_on, Some(Severity::High));
        assert_eq!(
            policy.kinds.get(&SecretKind::HardcodedCredential),
            Some(&Severity::Critical)
        );
        assert_eq!(policy.context_rule(PathContext::Test), ContextRule::AsIs);
        assert_eq!(policy.context_rule(PathContext::Docs), ContextRule::Skip);
        assert_eq!(policy.context_rule(PathContext::Fixture), ContextRule::Low);
        assert_eq!(policy.context_rule(PathContext::Vendor), ContextRule::Skip);
    }

    #[test]
    fn rejects_bad_values() {
        for (text, expected) in [
            ("mode: all\n", "tree"),
            ("max_file_bytes: 0\n", "positive number"),
            ("decode_depth: 9\n", "0 to 4"),
            ("exclude: ['a[']\n", "invalid path glob"),
            ("kinds: {api-key: high}\n", "hardcoded-credential"),
            ("contexts: {tests: low}\n", "fixture"),
            ("contexts: {test: ignore}\n", "skip"),
            ("fail_on: severe\n", "critical"),
        ] {
            let error = crate::yaml::from_str::<SecretScanPolicy>(text, "t").unwrap_err();
            assert!(error.to_string().contains(expected), "{text}: {error}");
        }
    }
}
