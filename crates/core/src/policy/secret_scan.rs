//! The `secret-scan` section of `signoff.yml`.
//!
//! ```yaml
//! gates:
//!   secret-scan:
//!     max_findings: 0
//!     mode: history            # tree | history | range
//!     config: .gitleaks.toml   # gitleaks-format rules and allowlists
//!     baseline: .signoff/secrets-baseline.json
//!     exclude: ["vendor/**", "**/*.min.js"]
//!     disabled_rules: [generic-api-key]
//!     max_file_bytes: 10000000
//!     decode_depth: 2
//! ```

use std::path::PathBuf;

use serde::{Deserialize, Deserializer, de};

use super::values::PathGlob;

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
    }

    #[test]
    fn rejects_bad_values() {
        for (text, expected) in [
            ("mode: all\n", "tree"),
            ("max_file_bytes: 0\n", "positive number"),
            ("decode_depth: 9\n", "0 to 4"),
            ("exclude: ['a[']\n", "invalid path glob"),
        ] {
            let error = crate::yaml::from_str::<SecretScanPolicy>(text, "t").unwrap_err();
            assert!(error.to_string().contains(expected), "{text}: {error}");
        }
    }
}
