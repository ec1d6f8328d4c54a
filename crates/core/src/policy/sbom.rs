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
    /// with `scope: excluded`).
    pub exclude_dev: Option<bool>,
    /// Packages that must not be in the SBOM, as purl patterns: `pkg:npm/left-pad` (any
    /// version), `pkg:npm/event-stream@3.3.6`, `pkg:npm/@evil/*`.
    #[serde(default)]
    pub deny: Vec<PurlPattern>,
    /// Licences allowed for packages whose lockfile records one (SPDX ids). Empty: no
    /// licence check. Each must be an id of the SPDX licence list (any case),
    /// `LicenseRef-…`, an id with `+`, or `id WITH exception`; anything else is an error
    /// at its line.
    #[serde(default)]
    pub allow_licenses: Vec<LicenseId>,
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

/// An allowed licence as the policy writes it, checked against the SPDX licence list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseId(pub String);

impl LicenseId {
    /// Checks one allow-list entry: an SPDX licence id (case as the user wrote it), maybe
    /// with `+`, maybe `WITH` an SPDX exception, or `LicenseRef-…`.
    pub fn new(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let (license, exception) = match trimmed
            .split_once(" WITH ")
            .or_else(|| trimmed.split_once(" with "))
        {
            Some((license, exception)) => (license.trim(), Some(exception.trim())),
            None => (trimmed, None),
        };
        let id = license.strip_suffix('+').unwrap_or(license);
        let known = id.starts_with("LicenseRef-") && id.len() > "LicenseRef-".len()
            || spdx::identifiers::LICENSES
                .iter()
                .any(|l| l.name.eq_ignore_ascii_case(id));
        if !known {
            let hint = spdx::imprecise_license_id(id)
                .map(|(l, _)| l.name)
                .or_else(|| {
                    spdx::identifiers::LICENSES
                        .iter()
                        .map(|l| {
                            (
                                strsim::jaro_winkler(
                                    &l.name.to_ascii_lowercase(),
                                    &id.to_ascii_lowercase(),
                                ),
                                l.name,
                            )
                        })
                        .filter(|(score, _)| *score > 0.85)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, name)| name)
                });
            return Err(match hint {
                Some(name) => format!(
                    "`{text}` is not an SPDX licence id; did you mean `{name}`? (ids are listed at https://spdx.org/licenses/)"
                ),
                None => format!(
                    "`{text}` is not an SPDX licence id; write one from https://spdx.org/licenses/, like `MIT` or `Apache-2.0`, or `LicenseRef-…` for your own"
                ),
            });
        }
        if let Some(exception) = exception
            && !spdx::identifiers::EXCEPTIONS
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(exception))
        {
            return Err(format!(
                "`{exception}` in `{text}` is not an SPDX licence exception, like `LLVM-exception` or `Classpath-exception-2.0`"
            ));
        }
        Ok(LicenseId(trimmed.to_owned()))
    }
}

impl fmt::Display for LicenseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for LicenseId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        LicenseId::new(&text).map_err(de::Error::custom)
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
    fn licence_ids_come_from_the_spdx_list() {
        for ok in [
            "MIT",
            "apache-2.0",
            "GPL-2.0+",
            "GPL-2.0-only WITH Classpath-exception-2.0",
            "LicenseRef-Acme",
        ] {
            assert!(LicenseId::new(ok).is_ok(), "{ok}");
        }
        let error = LicenseId::new("Apache 2").unwrap_err();
        assert!(error.contains("did you mean `Apache-2.0`"), "{error}");
        assert!(LicenseId::new("MTI").is_err());
        assert!(LicenseId::new("BSD License").is_err());
        assert!(
            LicenseId::new("MIT WITH Nothing")
                .unwrap_err()
                .contains("exception")
        );
    }

    #[test]
    fn an_invalid_licence_in_the_policy_is_an_error_at_its_line() {
        let error = crate::policy::Policy::from_str(
            "gates:\n  sbom:\n    allow_licenses:\n      - MIT\n      - Apache 2\n",
            "signoff.yml",
        )
        .unwrap_err();
        let problem = &error.problems[0];
        assert_eq!(problem.line, 5, "{error}");
        assert!(
            problem.message.contains("did you mean `Apache-2.0`"),
            "{error}"
        );
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
