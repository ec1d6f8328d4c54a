//! The `sbom` section of `signoff.yml`.
//!
//! ```yaml
//! gates:
//!   sbom:
//!     exclude_dev: false
//!     deny: ["pkg:npm/event-stream@3.3.6", "pkg:pypi/pycrypto"]
//!     allow_licenses: [MIT, Apache-2.0, BSD-3-Clause, ISC]
//!     exclude: ["examples/**"]
//!     require_lockfiles: true
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, de};

use super::values::PathGlob;

/// Settings of the SBOM gate. Command-line flags add to them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SbomPolicy {
    /// Leave development-only dependencies out of the SBOM (default false: they are in it
    /// with `scope: optional`).
    pub exclude_dev: Option<bool>,
    /// Packages that must not be in the SBOM, as purl patterns: `pkg:npm/left-pad` (any
    /// version), `pkg:npm/event-stream@3.3.6`, `pkg:npm/@evil/*`.
    #[serde(default)]
    pub deny: Vec<PurlPattern>,
    /// Licences allowed for packages whose lockfile records one (SPDX ids). Empty: no
    /// licence check.
    #[serde(default)]
    pub allow_licenses: Vec<String>,
    /// Paths (globs) whose lockfiles and manifests are left out.
    #[serde(default)]
    pub exclude: Vec<PathGlob>,
    /// Whether a manifest without a lockfile fails the gate (default false: it warns).
    pub require_lockfiles: Option<bool>,
}

/// A package URL pattern: `pkg:<type>/<name>` with an optional `@<version>`; `*` matches
/// any run of characters. An npm scope may be written `@scope` or `%40scope`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlPattern {
    /// As written in the policy.
    pub pattern: String,
    /// Normalised: lower-case type and scope written `%40`.
    pub normalized: String,
}

impl PurlPattern {
    /// Checks and normalises a pattern.
    pub fn new(pattern: &str) -> Result<Self, String> {
        let trimmed = pattern.trim();
        let Some(rest) = trimmed.strip_prefix("pkg:") else {
            return Err(format!(
                "`{pattern}` is not a package URL pattern; write one like `pkg:npm/left-pad` or `pkg:pypi/requests@2.19.0`"
            ));
        };
        let Some((kind, path)) = rest.split_once('/') else {
            return Err(format!(
                "`{pattern}` has no name after the type; write one like `pkg:npm/left-pad`"
            ));
        };
        if kind.is_empty() || path.is_empty() {
            return Err(format!(
                "`{pattern}` needs a type and a name, like `pkg:npm/left-pad`"
            ));
        }
        let path = path.replace("/@", "/%40");
        let path = path
            .strip_prefix('@')
            .map_or(path.clone(), |p| format!("%40{p}"));
        Ok(PurlPattern {
            pattern: pattern.to_owned(),
            normalized: format!("pkg:{}/{path}", kind.to_ascii_lowercase()),
        })
    }

    /// Whether a purl matches: without a version in the pattern, any version does.
    pub fn is_match(&self, purl: &str) -> bool {
        let purl = purl.split(['?', '#']).next().unwrap_or(purl);
        let base = match purl.rfind('@') {
            Some(at) if at > purl.rfind('/').unwrap_or(0) => &purl[..at],
            _ => purl,
        };
        let has_version = self
            .normalized
            .rfind('@')
            .is_some_and(|at| at > self.normalized.rfind('/').unwrap_or(0));
        let subject = if has_version { purl } else { base };
        wildcard(&self.normalized.to_lowercase(), &subject.to_lowercase())
    }
}

impl fmt::Display for PurlPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern)
    }
}

impl<'de> Deserialize<'de> for PurlPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pattern = String::deserialize(deserializer)?;
        PurlPattern::new(&pattern).map_err(de::Error::custom)
    }
}

/// `*` matches any run of characters (including none); everything else is literal.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_without_version_match_every_version() {
        let pattern = PurlPattern::new("pkg:npm/left-pad").unwrap();
        assert!(pattern.is_match("pkg:npm/left-pad@1.3.0"));
        assert!(!pattern.is_match("pkg:npm/left-pad-x@1.3.0"));
        let pinned = PurlPattern::new("pkg:npm/event-stream@3.3.6").unwrap();
        assert!(pinned.is_match("pkg:npm/event-stream@3.3.6"));
        assert!(!pinned.is_match("pkg:npm/event-stream@3.3.5"));
    }

    #[test]
    fn scopes_and_wildcards() {
        let pattern = PurlPattern::new("pkg:npm/@evil/*").unwrap();
        assert!(pattern.is_match("pkg:npm/%40evil/thing@1.0.0"));
        assert!(!pattern.is_match("pkg:npm/%40good/thing@1.0.0"));
        let any_pypi = PurlPattern::new("pkg:PyPI/*").unwrap();
        assert!(any_pypi.is_match("pkg:pypi/requests@2.0?x=y"));
    }

    #[test]
    fn bad_patterns_say_how_to_write_one() {
        assert!(
            PurlPattern::new("left-pad")
                .unwrap_err()
                .contains("pkg:npm/left-pad")
        );
        assert!(PurlPattern::new("pkg:npm").is_err());
    }
}
