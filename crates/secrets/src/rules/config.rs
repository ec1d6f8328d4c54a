//! The gitleaks configuration format (`.gitleaks.toml`), which is also the format of the
//! embedded default ruleset. signoff reads the fields gitleaks and Betterleaks document —
//! rules with `id`, `regex`, `secretGroup`, `entropy`, `keywords`, `path`, per-rule and
//! global allowlists with `paths`, `regexes`, `regexTarget`, `stopwords`, `commits`,
//! `condition`, and `[extend] useDefault` / `disabledRules` — plus a few extensions used by
//! the default ruleset (`severity`, `validate`, `example`, `multiline`, `generic`).
//!
//! Where gitleaks leaves a choice open, signoff decides: allowlist `commits` are whole
//! commit ids compared in any case (as gitleaks does); a `disabledRules` id that no rule
//! has disables nothing and makes the report `warn`, naming it, since a silent typo would
//! leave running a rule the team meant to switch off.

use serde::Deserialize;

/// A whole config file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawConfig {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub extend: Option<RawExtend>,
    #[serde(default)]
    pub rules: Vec<RawRule>,
    /// The older single global allowlist.
    #[serde(default)]
    pub allowlist: Option<RawAllowlist>,
    /// The newer list of global allowlists.
    #[serde(default)]
    pub allowlists: Vec<RawAllowlist>,
}

/// `[extend]`: build on the default ruleset.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawExtend {
    #[serde(default)]
    pub use_default: bool,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub disabled_rules: Vec<String>,
}

/// One `[[rules]]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawRule {
    pub id: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub regex: Option<String>,
    #[serde(default)]
    pub secret_group: Option<usize>,
    #[serde(default)]
    pub entropy: Option<f64>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The older single per-rule allowlist.
    #[serde(default)]
    pub allowlist: Option<RawAllowlist>,
    #[serde(default)]
    pub allowlists: Vec<RawAllowlist>,
    // signoff extensions.
    /// `critical`, `high`, `medium`, `low` or `info` (default `high`).
    #[serde(default)]
    pub severity: Option<String>,
    /// A named checksum or structure check the secret must pass (see `validate.rs`).
    #[serde(default)]
    pub validate: Option<String>,
    /// A template of a true example, used by the ruleset's own tests.
    #[serde(default)]
    pub example: Option<String>,
    /// The match may span lines (private keys): look further than the keyword's line.
    #[serde(default)]
    pub multiline: bool,
    /// A context-based rule (assignments): placeholder words and low entropy reject more.
    #[serde(default)]
    pub generic: bool,
    /// Case-sensitive literals one of which every match holds (`SG.`, `SK`): a cheaper
    /// trigger than keywords for short token prefixes that ordinary words contain in
    /// lower case.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// What the finding is (`private-key`, `provider-token`, `generic-secret`,
    /// `hardcoded-credential`); a user's rule is `custom`.
    #[serde(default)]
    pub kind: Option<String>,
    /// A rule implemented in code rather than a regex: `context` (credential-named
    /// assignments, `generic/`), or `context-sink` (a rule the context analysis reports
    /// under, with no trigger of its own).
    #[serde(default)]
    pub native: Option<String>,
    /// The secret is a password (in a URL, a connection string): judged as the context
    /// rules judge one, and reported under `hardcoded-password` when weak.
    #[serde(default)]
    pub weak: bool,
    /// Set for the embedded rules (never read from a file).
    #[serde(skip)]
    pub builtin: bool,
}

/// An allowlist, global or per rule.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawAllowlist {
    #[serde(default)]
    pub description: Option<String>,
    /// `OR` (default): any criterion allows; `AND`: every given criterion must hold.
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub commits: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    /// `secret` (default), `match` or `line`.
    #[serde(default)]
    pub regex_target: Option<String>,
    #[serde(default)]
    pub regexes: Vec<String>,
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Global allowlists only: limit to these rule ids.
    #[serde(default)]
    pub target_rules: Vec<String>,
}

/// Parses config text; errors carry the TOML position.
pub fn parse(text: &str) -> Result<RawConfig, toml::de::Error> {
    toml::from_str(text)
}
