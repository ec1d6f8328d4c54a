//! Rules and the finding builder.
//!
//! Each gate declares its rules with [`rules!`](crate::rules): an enum whose kebab-case ids
//! carry a description and a default severity. Findings are built from a rule, so the
//! wording and the id never drift apart:
//!
//! ```
//! use signoff_core::{finding::Rule, report::{Finding, Severity}};
//! signoff_core::rules! {
//!     /// Rules of an example gate.
//!     pub enum ExampleRule {
//!         /// A line is too long.
//!         LineTooLong = ("line-too-long", Severity::Low, "A line is longer than the limit"),
//!     }
//! }
//! let finding = Finding::new(ExampleRule::LineTooLong)
//!     .at("src/a.rs", 3)
//!     .message("line 3 has 120 characters; the limit is 100")
//!     .build();
//! assert_eq!(finding.rule, "line-too-long");
//! assert_eq!(finding.severity, Severity::Low);
//! ```

use crate::fingerprint::fingerprint;
use crate::report::{Finding, Location, Severity};

/// A gate's rule: a stable kebab-case id, a one-line description and a default severity.
pub trait Rule: Copy {
    /// Kebab-case id, stable across releases (it is part of fingerprints and waivers).
    fn id(self) -> &'static str;
    /// One line saying what the rule detects.
    fn description(self) -> &'static str;
    /// Severity used when the finding does not set one.
    fn default_severity(self) -> Severity;
}

/// Declares a gate's rule enum with ids, severities and descriptions, plus `ALL`.
#[macro_export]
macro_rules! rules {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = ($id:literal, $severity:expr, $description:literal)
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
        }

        impl $name {
            /// Every rule, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];

            /// The rule with this id, if any.
            pub fn from_id(id: &str) -> Option<Self> {
                match id {
                    $( $id => Some($name::$variant), )*
                    _ => None,
                }
            }
        }

        impl $crate::finding::Rule for $name {
            fn id(self) -> &'static str {
                match self { $( $name::$variant => $id, )* }
            }
            fn description(self) -> &'static str {
                match self { $( $name::$variant => $description, )* }
            }
            fn default_severity(self) -> $crate::report::Severity {
                #[allow(unused_imports)]
                use $crate::report::Severity;
                match self { $( $name::$variant => $severity, )* }
            }
        }
    };
}

impl Finding {
    /// Starts a finding for `rule`; finish it with [`FindingBuilder::build`].
    #[allow(clippy::new_ret_no_self)] // reads as `Finding::new(rule)…build()` at call sites
    pub fn new<R: Rule>(rule: R) -> FindingBuilder {
        FindingBuilder {
            rule: rule.id(),
            severity: rule.default_severity(),
            message: None,
            description: rule.description(),
            location: None,
            identity: Vec::new(),
            help: None,
            details: serde_json::Map::new(),
        }
    }
}

/// Builds a [`Finding`]. The fingerprint comes from the rule, the path and the identity
/// parts given with [`FindingBuilder::identity`] (for example a secret's digest), and not
/// from the line, so it survives code moving around. Without identity parts, the line and
/// message stand in.
#[derive(Debug, Clone)]
#[must_use]
pub struct FindingBuilder {
    rule: &'static str,
    severity: Severity,
    message: Option<String>,
    description: &'static str,
    location: Option<Location>,
    identity: Vec<String>,
    help: Option<String>,
    details: serde_json::Map<String, serde_json::Value>,
}

impl FindingBuilder {
    /// Overrides the rule's default severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// What happened. Defaults to the rule's description.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Where: a repository-relative path and a 1-based line (0 means "whole file").
    pub fn at(mut self, path: impl Into<String>, line: u64) -> Self {
        let location = self.location.get_or_insert_with(Location::default);
        location.path = path.into();
        location.line = (line > 0).then_some(line);
        self
    }

    /// Where: a path (or URL) without a line.
    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.location.get_or_insert_with(Location::default).path = path.into();
        self
    }

    /// The 1-based column of the finding.
    pub fn column(mut self, column: u64) -> Self {
        self.location.get_or_insert_with(Location::default).column = Some(column);
        self
    }

    /// The last line of a multi-line finding.
    pub fn end_line(mut self, end_line: u64) -> Self {
        self.location.get_or_insert_with(Location::default).end_line = Some(end_line);
        self
    }

    /// The commit the finding belongs to.
    pub fn commit(mut self, commit: impl Into<String>) -> Self {
        self.location.get_or_insert_with(Location::default).commit = Some(commit.into());
        self
    }

    /// Adds a part to the finding's identity (hashed into the fingerprint).
    pub fn identity(mut self, part: impl Into<String>) -> Self {
        self.identity.push(part.into());
        self
    }

    /// How to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds rule-specific data. Never pass a secret value here.
    pub fn detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// Finishes the finding and computes its fingerprint.
    pub fn build(self) -> Finding {
        let message = self
            .message
            .filter(|message| !message.trim().is_empty())
            .unwrap_or_else(|| self.description.to_owned());
        let path = self
            .location
            .as_ref()
            .map(|l| l.path.as_str())
            .unwrap_or("");
        let fingerprint = if self.identity.is_empty() {
            let line = self
                .location
                .as_ref()
                .and_then(|l| l.line)
                .map(|line| line.to_string())
                .unwrap_or_default();
            fingerprint(&[self.rule, path, &line, &message])
        } else {
            let mut parts = vec![self.rule, path];
            parts.extend(self.identity.iter().map(String::as_str));
            fingerprint(&parts)
        };
        Finding {
            rule: self.rule.to_owned(),
            severity: self.severity,
            message,
            location: self.location,
            fingerprint,
            waived: false,
            help: self.help,
            details: self.details,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::rules! {
        enum TestRule {
            Alpha = ("alpha-rule", Severity::High, "Alpha happened"),
            Beta = ("beta-rule", Severity::Info, "Beta happened"),
        }
    }

    #[test]
    fn rules_carry_ids_and_descriptions() {
        assert_eq!(TestRule::ALL.len(), 2);
        assert_eq!(TestRule::Alpha.id(), "alpha-rule");
        assert_eq!(TestRule::Beta.description(), "Beta happened");
        assert_eq!(TestRule::from_id("beta-rule"), Some(TestRule::Beta));
        assert_eq!(TestRule::from_id("gamma"), None);
    }

    #[test]
    fn message_defaults_to_description() {
        let finding = Finding::new(TestRule::Alpha).build();
        assert_eq!(finding.message, "Alpha happened");
        assert_eq!(finding.severity, Severity::High);
        assert!(finding.location.is_none());
    }

    #[test]
    fn identity_fingerprint_survives_line_moves() {
        let a = Finding::new(TestRule::Alpha)
            .at("a.rs", 3)
            .identity("digest-1")
            .build();
        let b = Finding::new(TestRule::Alpha)
            .at("a.rs", 90)
            .identity("digest-1")
            .build();
        let c = Finding::new(TestRule::Alpha)
            .at("b.rs", 3)
            .identity("digest-1")
            .build();
        let d = Finding::new(TestRule::Beta)
            .at("a.rs", 3)
            .identity("digest-1")
            .build();
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(a.fingerprint, c.fingerprint);
        assert_ne!(a.fingerprint, d.fingerprint);
    }

    #[test]
    fn fingerprint_without_identity_uses_line() {
        let a = Finding::new(TestRule::Alpha).at("a.rs", 3).build();
        let b = Finding::new(TestRule::Alpha).at("a.rs", 4).build();
        assert_ne!(a.fingerprint, b.fingerprint);
        assert_eq!(
            a.fingerprint,
            Finding::new(TestRule::Alpha)
                .at("a.rs", 3)
                .build()
                .fingerprint
        );
    }

    #[test]
    fn line_zero_means_whole_file() {
        let finding = Finding::new(TestRule::Alpha).at("a.rs", 0).build();
        assert_eq!(finding.location.unwrap().line, None);
    }
}
