//! The gitleaks configuration format (`.gitleaks.toml`), which is also the format of the
//! embedded default ruleset. signoff reads the fields gitleaks and Betterleaks document —
//! rules with `id`, `regex`, `secretGroup`, `entropy`, `keywords`, `path`, per-rule and
//! global allowlists with `paths`, `regexes`, `regexTarget`, `stopwords`, `commits`,
//! `condition`, `[extend] useDefault` / `disabledRules`, and gitleaks 8.28's composite rules
//! (`[[rules.required]]` with `withinLines` / `withinColumns`, `skipReport`) — plus a few
//! extensions used by the default ruleset (`severity`, `validate`, `example`, `multiline`,
//! `generic`, `kind`, `native`, `weak`). A key none of them knows is reported with its line
//! ([`unknown_keys`]), never silently ignored.
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
    /// The oldest gitleaks version the config needs (gitleaks 8.25+); nothing for signoff.
    #[serde(default)]
    pub min_version: Option<String>,
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
    /// gitleaks 8.28 composite rules: other rules that must also match, near this one's
    /// match, for it to be reported.
    #[serde(default)]
    pub required: Vec<RawRequired>,
    /// gitleaks 8.28: the rule's own matches are not reported (it serves as a required rule
    /// of others).
    #[serde(default)]
    pub skip_report: bool,
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
    /// The secret is judged as the context rules judge a value: `password` (in a URL, a
    /// connection string: reported under `hardcoded-password` when weak) or `token` (only a
    /// random-looking value counts, not a name, path or placeholder).
    #[serde(default)]
    pub judge: Option<String>,
    /// Set for the embedded rules (never read from a file).
    #[serde(skip)]
    pub builtin: bool,
}

/// One `[[rules.required]]` entry of a composite rule.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawRequired {
    pub id: String,
    /// The required rule's match starts within this many lines of the primary's.
    #[serde(default)]
    pub within_lines: Option<u32>,
    /// …and within this many columns.
    #[serde(default)]
    pub within_columns: Option<u32>,
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

/// The keys gitleaks, Betterleaks and signoff know, by table.
const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "minVersion",
    "extend",
    "rules",
    "allowlist",
    "allowlists",
];
const EXTEND_KEYS: &[&str] = &["useDefault", "path", "url", "disabledRules"];
const RULE_KEYS: &[&str] = &[
    "id",
    "description",
    "regex",
    "secretGroup",
    "entropy",
    "keywords",
    "path",
    "tags",
    "allowlist",
    "allowlists",
    "required",
    "skipReport",
    "severity",
    "validate",
    "example",
    "multiline",
    "generic",
    "prefixes",
    "kind",
    "native",
    "judge",
];
const ALLOWLIST_KEYS: &[&str] = &[
    "description",
    "condition",
    "commits",
    "paths",
    "regexTarget",
    "regexes",
    "stopwords",
    "targetRules",
];
const REQUIRED_KEYS: &[&str] = &["id", "withinLines", "withinColumns"];

/// Keys the config holds that neither gitleaks nor signoff knows (a typo, or a feature
/// signoff does not have), as `(line, column, dotted key)`: they are reported, never
/// silently ignored.
pub fn unknown_keys(text: &str) -> Vec<(u64, u64, String)> {
    use toml::de::{DeTable, DeValue};
    let Ok(root) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut unknown = Vec::new();
    let mut check = |table: &DeTable<'_>, known: &[&str], prefix: &str| {
        for key in table.keys() {
            if !known.contains(&key.get_ref().as_ref()) {
                let (line, column) = super::line_column(text, key.span().start);
                unknown.push((line, column, format!("{prefix}{}", key.get_ref())));
            }
        }
    };
    fn tables<'a, 'i>(value: Option<&'a toml::Spanned<DeValue<'i>>>) -> Vec<&'a DeTable<'i>> {
        match value.map(|v| v.get_ref()) {
            Some(DeValue::Table(t)) => vec![t],
            Some(DeValue::Array(items)) => items
                .iter()
                .filter_map(|i| match i.get_ref() {
                    DeValue::Table(t) => Some(t),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
    let root = root.get_ref();
    check(root, TOP_KEYS, "");
    for extend in tables(root.get("extend")) {
        check(extend, EXTEND_KEYS, "extend.");
    }
    for list in ["allowlist", "allowlists"] {
        for allowlist in tables(root.get(list)) {
            check(allowlist, ALLOWLIST_KEYS, &format!("{list}."));
        }
    }
    for rule in tables(root.get("rules")) {
        check(rule, RULE_KEYS, "rules.");
        for list in ["allowlist", "allowlists"] {
            for allowlist in tables(rule.get(list)) {
                check(allowlist, ALLOWLIST_KEYS, &format!("rules.{list}."));
            }
        }
        for required in tables(rule.get("required")) {
            check(required, REQUIRED_KEYS, "rules.required.");
        }
    }
    unknown.sort();
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named_with_their_place() {
        let text = r#"title = "t"
verbose = true
[extend]
useDefault = true

[[rules]]
id = "r"
regex = '''x'''
entropyy = 3.0
[[rules.required]]
id = "q"
withinLine = 2
[[rules.allowlists]]
regexes = ['''a''']
path = '''b'''
"#;
        assert_eq!(
            unknown_keys(text),
            [
                (2, 1, "verbose".to_owned()),
                (9, 1, "rules.entropyy".to_owned()),
                (12, 1, "rules.required.withinLine".to_owned()),
                (15, 1, "rules.allowlists.path".to_owned()),
            ]
        );
        let composite = r#"[[rules]]
id = "a"
regex = '''b'''
skipReport = true
[[rules.required]]
id = "c"
withinLines = 1
withinColumns = 2
"#;
        assert!(unknown_keys(composite).is_empty());
    }
}
