//! What a step does, recognised from the action it uses ([`actions`]), the commands it
//! runs ([`commands`]) and, more weakly, its name: quality checks, security scans,
//! deploys, image pushes, health checks, rollbacks, OIDC. And which `GITHUB_TOKEN` write
//! scopes it needs, when that can be known.

pub(crate) mod actions;
pub(crate) mod commands;

use crate::model::Step;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use regex_automata::meta;

use crate::model::uses::Uses;

/// A regex of the audits or the graph, run over short text (a name, a line, one script).
/// `regex-lite`: its `\w`, `\b`, `\d`, `\s` and `(?i)` are ASCII, which is what workflow
/// syntax and command lines need, and it builds a pattern in microseconds, where `regex`
/// spent a few million instructions on each (a third of a whole run on a small
/// repository). The command tables, matched over every script, switch to `regex`'s lazy
/// DFA once a pattern has read enough script to pay for building it ([`commands::Lazy`]).
pub(crate) fn pattern(source: &str) -> regex_lite::Regex {
    regex_lite::Regex::new(source).expect("valid regex")
}

/// A pattern run over many scripts, built the cheap way first. A `regex-lite` pattern builds in
/// microseconds but matches slowly; `regex`'s lazy DFA matches fast but costs about a
/// million instructions to build, most of a short run when a repository needs a dozen
/// patterns. So each pattern matches with `regex-lite` until it has read [`Lazy::BUDGET`]
/// bytes of scripts in this run, and then builds the DFA (the ski-rental rule: at most
/// twice the cost of knowing the answer in advance). Both read the same syntax the same
/// way (ASCII classes and `\b`); a test holds them to the same answers.
pub(crate) struct Lazy {
    source: &'static str,
    lite: OnceLock<regex_lite::Regex>,
    full: OnceLock<meta::Regex>,
    /// The forward DFA of a pattern only asked whether it matches.
    forward: OnceLock<commands::Matcher>,
    /// What its matches are asked for.
    want: Want,
    read: AtomicUsize,
}

/// What a [`Lazy`] pattern is asked: whether it matches, where, or what its groups hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Match,
    Spans,
    Groups,
}

/// The span of each group of one match (`None` for a group that took no part).
pub(crate) type Groups = Vec<Option<(usize, usize)>>;

impl Lazy {
    /// Bytes read with `regex-lite` after which the DFA pays for itself.
    pub(crate) const BUDGET: usize = 1024;

    pub(crate) const fn new(source: &'static str) -> Self {
        Self {
            source,
            lite: OnceLock::new(),
            full: OnceLock::new(),
            forward: OnceLock::new(),
            want: Want::Match,
            read: AtomicUsize::new(0),
        }
    }

    /// A pattern whose capture groups are wanted ([`Lazy::captures`]).
    pub(crate) const fn groups(source: &'static str) -> Self {
        Self {
            source,
            lite: OnceLock::new(),
            full: OnceLock::new(),
            forward: OnceLock::new(),
            want: Want::Groups,
            read: AtomicUsize::new(0),
        }
    }

    /// A pattern whose matches' spans are wanted ([`Lazy::find_iter`]).
    pub(crate) const fn spans(source: &'static str) -> Self {
        Self {
            source,
            lite: OnceLock::new(),
            full: OnceLock::new(),
            forward: OnceLock::new(),
            want: Want::Spans,
            read: AtomicUsize::new(0),
        }
    }

    fn build(&self) -> meta::Regex {
        match self.want {
            // A yes-or-no pattern builds a forward DFA instead ([`Lazy::is_match`]).
            Want::Match | Want::Spans => commands::spans_matcher(self.source),
            Want::Groups => commands::groups_matcher(self.source),
        }
    }

    /// Builds the DFA now, whatever has been read: the caller knows it will pay.
    pub(crate) fn prepare(&self) {
        if self.want == Want::Match {
            self.forward
                .get_or_init(|| commands::Matcher::new(self.source));
        } else {
            self.full.get_or_init(|| self.build());
        }
    }

    /// The DFA, once `text` brings what this pattern has read past the budget.
    fn full_after(&self, text: &str) -> Option<&meta::Regex> {
        self.full.get().or_else(|| {
            let read = self.read.fetch_add(text.len(), Ordering::Relaxed) + text.len();
            (read > Self::BUDGET).then(|| self.full.get_or_init(|| self.build()))
        })
    }

    /// The pattern's text.
    #[cfg(test)]
    pub(crate) fn source(&self) -> &'static str {
        self.source
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        if self.want != Want::Match {
            if let Some(full) = self.full_after(text) {
                return full.is_match(text.as_bytes());
            }
        } else if let Some(forward) = self.forward.get() {
            return forward.is_match(text.as_bytes());
        } else {
            let read = self.read.fetch_add(text.len(), Ordering::Relaxed) + text.len();
            if read > Self::BUDGET {
                return self
                    .forward
                    .get_or_init(|| commands::Matcher::new(self.source))
                    .is_match(text.as_bytes());
            }
        }
        self.lite
            .get_or_init(|| pattern(self.source))
            .is_match(text)
    }

    /// The spans of the matches in `text`, leftmost-first as both engines find them.
    pub(crate) fn find_iter(&self, text: &str) -> Vec<(usize, usize)> {
        debug_assert!(self.want == Want::Spans, "built with Lazy::spans");
        match self.full_after(text) {
            Some(full) => full
                .find_iter(text.as_bytes())
                .map(|m| (m.start(), m.end()))
                // The patterns start and end on ASCII; a span that would split a character
                // of the script is not one of theirs.
                .filter(|&(start, end)| text.is_char_boundary(start) && text.is_char_boundary(end))
                .collect(),
            None => self
                .lite
                .get_or_init(|| pattern(self.source))
                .find_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect(),
        }
    }

    /// The groups of each match in `text`, leftmost-first as both engines find them. A
    /// group whose span would split a character of the script is left out.
    pub(crate) fn captures(&self, text: &str) -> Vec<Groups> {
        debug_assert!(self.want == Want::Groups, "built with Lazy::groups");
        let on_chars = |span: (usize, usize)| {
            (text.is_char_boundary(span.0) && text.is_char_boundary(span.1)).then_some(span)
        };
        match self.full_after(text) {
            Some(full) => full
                .captures_iter(text.as_bytes())
                .map(|caps| {
                    (0..caps.group_len())
                        .map(|i| {
                            caps.get_group(i)
                                .map(|g| (g.start, g.end))
                                .and_then(on_chars)
                        })
                        .collect()
                })
                .collect(),
            None => self
                .lite
                .get_or_init(|| pattern(self.source))
                .captures_iter(text)
                .map(|caps| {
                    (0..caps.len())
                        .map(|i| caps.get(i).map(|m| (m.start(), m.end())))
                        .collect()
                })
                .collect(),
        }
    }
}

/// A set of activities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct Acts(pub u32);

impl Acts {
    pub const NONE: Acts = Acts(0);
    pub const LINT: Acts = Acts(1);
    pub const FORMAT: Acts = Acts(1 << 1);
    pub const TYPECHECK: Acts = Acts(1 << 2);
    pub const TEST: Acts = Acts(1 << 3);
    pub const BUILD: Acts = Acts(1 << 4);
    pub const SECRET_SCAN: Acts = Acts(1 << 5);
    pub const SAST: Acts = Acts(1 << 6);
    pub const DEP_SCAN: Acts = Acts(1 << 7);
    pub const SBOM: Acts = Acts(1 << 8);
    pub const IMAGE_SCAN: Acts = Acts(1 << 9);
    pub const IAC_SCAN: Acts = Acts(1 << 10);
    pub const DEPLOY: Acts = Acts(1 << 11);
    pub const PUBLISH: Acts = Acts(1 << 12);
    pub const IMAGE_PUSH: Acts = Acts(1 << 13);
    pub const RELEASE: Acts = Acts(1 << 14);
    pub const HEALTH: Acts = Acts(1 << 15);
    pub const ROLLBACK: Acts = Acts(1 << 16);
    pub const OIDC: Acts = Acts(1 << 17);
    pub const CHECKOUT: Acts = Acts(1 << 18);
    /// A deploy of a static or documentation site (GitHub Pages and the like).
    pub const PAGES: Acts = Acts(1 << 19);
    /// The step's or job's name says it deploys (weak: needs other evidence).
    pub const NAMED_DEPLOY: Acts = Acts(1 << 20);
    /// Files copied to a bucket or storage account (a static site, or just artifacts).
    pub const UPLOAD: Acts = Acts(1 << 21);
    /// Records a deploy somewhere else (a deployment marker, a release in an error
    /// tracker, a chat message); does not deploy.
    pub const MARKER: Acts = Acts(1 << 22);

    pub const QUALITY: Acts =
        Acts(Self::LINT.0 | Self::FORMAT.0 | Self::TYPECHECK.0 | Self::TEST.0);
    pub const SECURITY: Acts = Acts(
        Self::SECRET_SCAN.0
            | Self::SAST.0
            | Self::DEP_SCAN.0
            | Self::IMAGE_SCAN.0
            | Self::IAC_SCAN.0,
    );

    pub fn has(self, other: Acts) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The names of the activities, for messages.
    pub fn names(self) -> Vec<&'static str> {
        const NAMES: &[(Acts, &str)] = &[
            (Acts::LINT, "lint"),
            (Acts::FORMAT, "format check"),
            (Acts::TYPECHECK, "type check"),
            (Acts::TEST, "tests"),
            (Acts::SECRET_SCAN, "secret scan"),
            (Acts::SAST, "SAST"),
            (Acts::DEP_SCAN, "dependency scan"),
            (Acts::IMAGE_SCAN, "image scan"),
            (Acts::IAC_SCAN, "IaC scan"),
            (Acts::SBOM, "SBOM"),
        ];
        NAMES
            .iter()
            .filter(|(a, _)| self.has(*a))
            .map(|(_, n)| *n)
            .collect()
    }
}

impl std::ops::BitOr for Acts {
    type Output = Acts;
    fn bitor(self, rhs: Acts) -> Acts {
        Acts(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for Acts {
    fn bitor_assign(&mut self, rhs: Acts) {
        self.0 |= rhs.0;
    }
}

/// `GITHUB_TOKEN` scopes a step needs to write, or `unknown` when it cannot be told (an
/// action the tables do not know, a script that calls the API, code handed the token).
/// `oidc_unknown` is narrower: only code the tables do not know may request an OIDC token,
/// since any step can once the job has `id-token: write`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Scopes {
    pub bits: u32,
    pub unknown: bool,
    pub oidc_unknown: bool,
}

/// The scopes signoff reasons about, in the order of their bits.
pub(crate) const SCOPES: &[&str] = &[
    "contents",
    "pull-requests",
    "issues",
    "packages",
    "pages",
    "security-events",
    "id-token",
    "statuses",
    "checks",
    "deployments",
    "actions",
    "attestations",
    "discussions",
];

impl Scopes {
    pub const NONE: Scopes = Scopes {
        bits: 0,
        unknown: false,
        oidc_unknown: false,
    };
    pub const UNKNOWN: Scopes = Scopes {
        bits: 0,
        unknown: true,
        oidc_unknown: true,
    };

    /// Scopes by name (names not in [`SCOPES`] are ignored).
    pub fn of(names: &[&str]) -> Scopes {
        let bits = names
            .iter()
            .filter_map(|name| SCOPES.iter().position(|s| s == name))
            .fold(0, |bits, i| bits | 1 << i);
        Scopes {
            bits,
            unknown: false,
            oidc_unknown: false,
        }
    }

    pub fn has(self, scope: &str) -> bool {
        SCOPES
            .iter()
            .position(|s| *s == scope)
            .is_some_and(|i| self.bits & (1 << i) != 0)
    }

    pub fn union(self, other: Scopes) -> Scopes {
        Scopes {
            bits: self.bits | other.bits,
            unknown: self.unknown || other.unknown,
            oidc_unknown: self.oidc_unknown || other.oidc_unknown,
        }
    }
}

/// What one step does and needs, not following local actions (see `graph`).
pub(crate) fn step(step: &Step) -> (Acts, Scopes) {
    step_with(step, None)
}

/// [`step`], with the [`commands::Words`] of its script when they are already known.
pub(crate) fn step_with(step: &Step, words: Option<&commands::Words>) -> (Acts, Scopes) {
    let mut acts = Acts::NONE;
    let mut scopes = Scopes::NONE;
    if let Some(uses) = step.uses.as_ref().and_then(|u| Uses::parse(&u.text)) {
        let (a, s) = actions::classify(&uses, step);
        acts |= a;
        scopes = scopes.union(s);
    }
    // The token handed to code we cannot see: it may write with it.
    let handed = step
        .with
        .iter()
        .chain(&step.env)
        .any(|(_, v)| v.as_str().is_some_and(crate::model::action::mentions_token));
    if handed {
        scopes.unknown = true;
    }
    if let Some(script) = step.script() {
        let (a, s) = match words {
            Some(words) => commands::classify_with(script, words),
            None => commands::classify(script),
        };
        acts |= a;
        scopes = scopes.union(s);
    }
    // Names, not ids: an id like `chromatic-deploy` is a handle, not a claim.
    if let Some(name) = &step.name {
        acts |= commands::by_name(&name.text.to_ascii_lowercase());
    }
    (acts, scopes)
}
