//! The ruleset: the embedded default rules (`default.toml`, written for this project from
//! the providers' documentation of their token formats) and a team's own gitleaks-format
//! config, compiled into detectors behind one aho-corasick keyword prefilter.

pub mod config;
pub mod example;
pub mod validate;

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::bytes::Regex;
use signoff_core::diag::{ConfigError, Problem};
use signoff_core::report::Severity;

use config::{RawAllowlist, RawConfig, RawRule};
use validate::Validator;

/// The embedded default ruleset.
pub const DEFAULT_RULES: &str = include_str!("default.toml");

/// A compiled rule.
#[derive(Debug)]
pub struct Detector {
    pub id: &'static str,
    pub description: &'static str,
    pub severity: Severity,
    /// `None` for path-only rules (a file whose name alone is the finding).
    pub regex: Option<Regex>,
    pub secret_group: Option<usize>,
    pub entropy: Option<f64>,
    pub keywords: Vec<String>,
    /// Case-sensitive trigger literals.
    pub prefixes: Vec<String>,
    pub path: Option<Regex>,
    pub allowlists: Vec<Allowlist>,
    pub validator: Option<Validator>,
    pub multiline: bool,
    pub generic: bool,
    /// An embedded rule: it gets signoff's placeholder and hex-entropy judgement and
    /// line windows. Rules from a gitleaks config behave exactly as gitleaks runs them.
    pub builtin: bool,
    /// Template of a true example (default rules; used by tests).
    pub example: Option<String>,
    /// What a finding of this rule is.
    pub kind: Kind,
    /// A rule implemented in code (see [`Native`]).
    pub native: Option<Native>,
    /// How its secret is judged beyond the regex (`judge = "password" | "token"`).
    pub judge: Option<Judge>,
    /// gitleaks composite rules: rules that must also match nearby (`[[rules.required]]`).
    pub required: Vec<Required>,
    /// Matches are not reported on their own (`skipReport = true`).
    pub skip_report: bool,
}

/// How a rule's secret is judged as the context rules judge a value (`generic/value.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judge {
    /// A password: any literal that is no placeholder; a weak one is reported under
    /// `hardcoded-password`.
    Password,
    /// A token: only a random-looking literal counts.
    Token,
}

/// A rule a composite rule requires, and how near its match must be.
#[derive(Debug, Clone, Copy)]
pub struct Required {
    pub rule: u16,
    pub within_lines: Option<u32>,
    pub within_columns: Option<u32>,
}

/// What a finding is: its kind sets the default severity and groups the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A private key (PEM, OpenSSH, PuTTY, PGP).
    PrivateKey,
    /// A token in a provider's own format (`ghp_…`, `AKIA…`, `xoxb-…`).
    ProviderToken,
    /// A random-looking secret found by its context (a credential's name).
    GenericSecret,
    /// A hard-coded (weak or default) password, or a password hash.
    HardcodedCredential,
    /// A rule from the team's own gitleaks config.
    Custom,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 5] = [
        Kind::PrivateKey,
        Kind::ProviderToken,
        Kind::GenericSecret,
        Kind::HardcodedCredential,
        Kind::Custom,
    ];

    /// The kebab-case id used in reports and the policy.
    pub fn id(self) -> &'static str {
        match self {
            Kind::PrivateKey => "private-key",
            Kind::ProviderToken => "provider-token",
            Kind::GenericSecret => "generic-secret",
            Kind::HardcodedCredential => "hardcoded-credential",
            Kind::Custom => "custom",
        }
    }

    /// The kind with id `id`.
    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// A rule implemented in code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Native {
    /// Credential-named assignments (`generic/`); triggered by its keywords.
    Context,
    /// A rule the context analysis reports under; never runs itself.
    Sink,
}

impl signoff_core::finding::Rule for &'static Detector {
    fn id(self) -> &'static str {
        self.id
    }
    fn description(self) -> &'static str {
        self.description
    }
    fn default_severity(self) -> Severity {
        self.severity
    }
}

/// What an allowlist regex looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Secret,
    Match,
    Line,
}

/// A compiled allowlist.
#[derive(Debug)]
pub struct Allowlist {
    pub all: bool,
    pub commits: Vec<String>,
    pub paths: Vec<Regex>,
    pub target: Target,
    pub regexes: Vec<Regex>,
    pub stopwords: Vec<Vec<u8>>,
    /// Global allowlists may name the rules they apply to (empty: all).
    pub target_rules: Vec<String>,
}

/// The parts of a candidate an allowlist judges.
pub struct Candidate<'a> {
    pub path: &'a str,
    pub commit: Option<&'a str>,
    pub secret: &'a [u8],
    pub matched: &'a [u8],
    pub line: &'a [u8],
}

impl Allowlist {
    /// Whether the allowlist allows this candidate.
    pub fn allows(&self, candidate: &Candidate<'_>) -> bool {
        let mut results = Vec::with_capacity(4);
        if !self.commits.is_empty() {
            // Whole commit ids, any case, as gitleaks compares them (a prefix such as
            // `a` would allow a sixteenth of all commits).
            results.push(candidate.commit.is_some_and(|commit| {
                self.commits
                    .iter()
                    .any(|c| c.trim().eq_ignore_ascii_case(commit))
            }));
        }
        if !self.paths.is_empty() {
            results.push(
                self.paths
                    .iter()
                    .any(|re| re.is_match(candidate.path.as_bytes())),
            );
        }
        if !self.regexes.is_empty() {
            let target = match self.target {
                Target::Secret => candidate.secret,
                Target::Match => candidate.matched,
                Target::Line => candidate.line,
            };
            results.push(self.regexes.iter().any(|re| re.is_match(target)));
        }
        if !self.stopwords.is_empty() {
            let lower = candidate.secret.to_ascii_lowercase();
            results.push(
                self.stopwords
                    .iter()
                    .any(|word| memchr::memmem::find(&lower, word).is_some()),
            );
        }
        if results.is_empty() {
            return false;
        }
        if self.all {
            results.iter().all(|r| *r)
        } else {
            results.iter().any(|r| *r)
        }
    }

    /// Whether this allowlist alone can allow a whole file by its path (an `OR` list with
    /// paths, or an `AND` list with nothing but paths).
    pub fn allows_path(&self, path: &str) -> bool {
        let only_paths =
            self.commits.is_empty() && self.regexes.is_empty() && self.stopwords.is_empty();
        (!self.all || only_paths)
            && self.target_rules.is_empty()
            && self.paths.iter().any(|re| re.is_match(path.as_bytes()))
    }
}

/// Every detector and the shared keyword prefilter.
#[derive(Debug)]
pub struct Ruleset {
    pub detectors: Vec<Detector>,
    pub global: Vec<Allowlist>,
    /// Keywords (any case) and prefixes (exact case) of every detector in one automaton
    /// searched case-insensitively, so each byte is looked at once.
    pub prefilter: AhoCorasick,
    /// For each prefilter pattern, the detectors it triggers.
    pub triggers: Vec<Trigger>,
    /// Detectors without keywords: they run on every file.
    pub always: Vec<u16>,
    /// Detectors with only a `path`.
    pub path_only: Vec<u16>,
    /// What tells whether a rule from a gitleaks config may fire in a file (see
    /// [`Ruleset::needs_whole_file`]).
    pub whole_file: WholeFile,
    /// Ids that `[extend] disabledRules` or the policy's `disabled_rules` name but no rule
    /// has: nothing was disabled for them (reported as a warning).
    pub unknown_disabled: Vec<String>,
    /// The rules the context analysis reports under, by strength, when in force.
    pub context: ContextRules,
}

/// The rules the context analysis (`generic/`) reports its findings under.
#[derive(Debug, Default, Clone, Copy)]
pub struct ContextRules {
    /// Random-looking values (`generic-secret`).
    pub random: Option<u16>,
    /// Weak values under a password's or secret's name (`hardcoded-password`).
    pub weak: Option<u16>,
    /// Password hashes (`password-hash`).
    pub hash: Option<u16>,
    /// A file holding only a random secret (`secret-file`), by the rule's path.
    pub secret_file: Option<u16>,
    /// A file holding only a password (`password-file`), by the rule's path.
    pub password_file: Option<u16>,
}

/// What one prefilter pattern triggers: detectors whose keyword it is (any case), and
/// detectors whose case-sensitive prefix it is, by the exact spelling that must match.
#[derive(Debug, Default)]
pub struct Trigger {
    pub any_case: Vec<u16>,
    pub exact: Vec<(Box<[u8]>, Vec<u16>)>,
}

/// Rules from a gitleaks config run their regex over the whole file once any of their
/// keywords appears anywhere in it (gitleaks' semantics), so a rescan of only a blob's
/// changed lines cannot judge them.
#[derive(Debug)]
pub enum WholeFile {
    /// No such rule: changed lines suffice.
    Never,
    /// Some such rule has no keyword: it runs on every file.
    Always,
    /// The keywords and prefixes of such rules, any case.
    Keywords(AhoCorasick),
}

/// Where the rules come from.
pub struct Sources<'a> {
    /// A gitleaks-format config file, if any.
    pub config: Option<&'a Path>,
    /// Rule ids switched off.
    pub disabled: &'a [String],
}

impl Ruleset {
    /// The embedded default rules.
    pub fn default_rules() -> Result<Self, ConfigError> {
        Self::load(&Sources {
            config: None,
            disabled: &[],
        })
    }

    /// The rules in force: the default rules, or the config file's rules (with the default
    /// ones too when it says `[extend] useDefault = true`), less the disabled ones.
    pub fn load(sources: &Sources<'_>) -> Result<Self, ConfigError> {
        let mut default = parse_config(DEFAULT_RULES, "<default rules>")?;
        for rule in &mut default.rules {
            rule.builtin = true;
        }
        let mut disabled: Vec<String> = sources.disabled.to_vec();
        let (mut rules, mut allowlists) = (Vec::new(), Vec::new());
        match sources.config {
            None => {
                rules.extend(default.rules);
                allowlists.extend(global_allowlists(default.allowlist, default.allowlists));
            }
            Some(path) => {
                let shown = path.display().to_string();
                let bytes = std::fs::read(path).map_err(|error| {
                    ConfigError::one(
                        &shown,
                        Problem::file(format!("cannot read the gitleaks config: {error}"))
                            .help("check the path given with --config or `config:` in signoff.yml"),
                    )
                })?;
                let text = std::str::from_utf8(&bytes).map_err(|_| {
                    ConfigError::one(
                        &shown,
                        Problem::file("the gitleaks config is not UTF-8 text")
                            .help("save the file as UTF-8 TOML"),
                    )
                })?;
                let user = parse_config(text, &shown)?;
                let extend = user.extend.clone().unwrap_or_default();
                if extend.path.is_some() || extend.url.is_some() {
                    return Err(ConfigError::one(
                        &shown,
                        Problem::file("`[extend] path` and `[extend] url` are not supported")
                            .help("merge the extended file's rules into this one, or use `useDefault = true`"),
                    ));
                }
                disabled.extend(extend.disabled_rules.iter().cloned());
                if extend.use_default {
                    // A user rule with a default rule's id replaces it.
                    let user_ids: Vec<&str> = user.rules.iter().map(|r| r.id.as_str()).collect();
                    rules.extend(
                        default
                            .rules
                            .into_iter()
                            .filter(|r| !user_ids.contains(&r.id.as_str())),
                    );
                    allowlists.extend(global_allowlists(default.allowlist, default.allowlists));
                }
                rules.extend(user.rules);
                allowlists.extend(global_allowlists(user.allowlist, user.allowlists));
            }
        }
        let shown = sources
            .config
            .map_or_else(|| "<default rules>".to_owned(), |p| p.display().to_string());
        let mut unknown_disabled: Vec<String> = disabled
            .iter()
            .filter(|id| !rules.iter().any(|rule| rule.id.trim() == id.as_str()))
            .cloned()
            .collect();
        unknown_disabled.sort();
        unknown_disabled.dedup();
        rules.retain(|rule| !disabled.contains(&rule.id));
        let mut ruleset = compile(rules, allowlists, &shown)?;
        ruleset.unknown_disabled = unknown_disabled;
        Ok(ruleset)
    }

    /// The detector at `index`.
    pub fn detector(&self, index: u16) -> &Detector {
        &self.detectors[usize::from(index)]
    }

    /// Whether a rule from a gitleaks config may fire somewhere in `data`, so that only a
    /// scan of the whole file finds what it finds.
    pub fn needs_whole_file(&self, data: &[u8]) -> bool {
        match &self.whole_file {
            WholeFile::Never => false,
            WholeFile::Always => true,
            WholeFile::Keywords(keywords) => keywords.is_match(data),
        }
    }
}

/// Builds the ruleset of gitleaks config text alone, as [`Ruleset::load`] does for a config
/// file without `useDefault` (the fuzz targets' way in).
pub(crate) fn from_config_text(text: &str, file: &str) -> Result<Ruleset, ConfigError> {
    let user = parse_config(text, file)?;
    let allowlists = global_allowlists(user.allowlist, user.allowlists);
    compile(user.rules, allowlists, file)
}

fn parse_config(text: &str, file: &str) -> Result<RawConfig, ConfigError> {
    config::parse(text).map_err(|error| {
        let (line, column) = error
            .span()
            .map(|span| line_column(text, span.start))
            .unwrap_or((0, 0));
        let message = error.message().to_owned();
        ConfigError::one(
            file,
            Problem::at(line, column, message)
                .help("fix the TOML; the format is gitleaks' (https://github.com/gitleaks/gitleaks#configuration)"),
        )
    })
}

pub(crate) fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line as u64, column as u64)
}

fn global_allowlists(single: Option<RawAllowlist>, many: Vec<RawAllowlist>) -> Vec<RawAllowlist> {
    single.into_iter().chain(many).collect()
}

fn leak(text: String) -> &'static str {
    // Rule ids and descriptions live as long as the process: a ruleset is built once.
    Box::leak(text.into_boxed_str())
}

fn compile(
    rules: Vec<RawRule>,
    allowlists: Vec<RawAllowlist>,
    file: &str,
) -> Result<Ruleset, ConfigError> {
    let mut problems = Vec::new();
    let mut detectors = Vec::new();
    let mut wanted: Vec<Vec<config::RawRequired>> = Vec::new();
    let mut seen_ids: Vec<String> = Vec::new();
    for rule in rules {
        let id = rule.id.trim().to_owned();
        if id.is_empty() {
            problems.push(
                Problem::file("a rule has an empty `id`").help("give every rule a unique id"),
            );
            continue;
        }
        if seen_ids.contains(&id) {
            problems.push(
                Problem::file(format!("rule `{id}` is defined twice"))
                    .help("give every rule a unique id"),
            );
            continue;
        }
        seen_ids.push(id.clone());
        let required = rule.required.clone();
        match compile_rule(rule) {
            Ok(detector) => {
                detectors.push(detector);
                wanted.push(required);
            }
            Err(problem) => problems.push(problem),
        }
    }
    // Composite rules name their required rules by id.
    for (index, required) in wanted.into_iter().enumerate() {
        for raw in required {
            match detectors.iter().position(|d| d.id == raw.id.trim()) {
                Some(at) => detectors[index].required.push(Required {
                    rule: at as u16,
                    within_lines: raw.within_lines,
                    within_columns: raw.within_columns,
                }),
                None => problems.push(
                    Problem::file(format!(
                        "rule `{}` requires rule `{}`, which is not defined",
                        detectors[index].id, raw.id
                    ))
                    .help("define the required rule (with `skipReport = true` if it should not report on its own), or fix the id"),
                ),
            }
        }
    }
    let mut global = Vec::new();
    for (index, raw) in allowlists.into_iter().enumerate() {
        match compile_allowlist(raw) {
            Ok(allowlist) => global.push(allowlist),
            Err(message) => problems.push(
                Problem::file(format!("global allowlist {}: {message}", index + 1))
                    .help("fix the regular expression (Go RE2 / Rust regex syntax)"),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(ConfigError {
            file: file.to_owned(),
            problems,
        });
    }
    if detectors.len() > usize::from(u16::MAX) {
        return Err(ConfigError::one(
            file,
            Problem::file("too many rules").help("keep fewer than 65,535 rules"),
        ));
    }
    // Patterns lower-cased; a keyword and a prefix that differ only in case share one.
    let mut patterns: Vec<String> = Vec::new();
    let mut triggers: Vec<Trigger> = Vec::new();
    let mut always = Vec::new();
    let mut path_only = Vec::new();
    let mut whole_file_words: Vec<String> = Vec::new();
    let mut whole_file_always = false;
    let slot = |text: &str, patterns: &mut Vec<String>, triggers: &mut Vec<Trigger>| {
        let lower = text.to_ascii_lowercase();
        match patterns.iter().position(|p| *p == lower) {
            Some(at) => at,
            None => {
                patterns.push(lower);
                triggers.push(Trigger::default());
                triggers.len() - 1
            }
        }
    };
    let mut context = ContextRules::default();
    for (index, detector) in detectors.iter().enumerate() {
        let index = index as u16;
        match (detector.native, detector.kind) {
            (Some(Native::Context), _) => context.random = Some(index),
            (Some(Native::Sink), _) => {
                let slot = match detector.id {
                    "password-hash" => &mut context.hash,
                    "secret-file" => &mut context.secret_file,
                    "password-file" => &mut context.password_file,
                    _ => &mut context.weak,
                };
                *slot = Some(index);
                continue;
            }
            (None, _) if detector.regex.is_none() => {
                path_only.push(index);
                continue;
            }
            (None, _) => {}
        }
        if detector.keywords.is_empty() && detector.prefixes.is_empty() {
            always.push(index);
            whole_file_always |= !detector.builtin;
        }
        if !detector.builtin {
            whole_file_words.extend(detector.keywords.iter().cloned());
            whole_file_words.extend(detector.prefixes.iter().map(|p| p.to_ascii_lowercase()));
        }
        for keyword in &detector.keywords {
            let at = slot(keyword, &mut patterns, &mut triggers);
            triggers[at].any_case.push(index);
        }
        for literal in &detector.prefixes {
            let at = slot(literal, &mut patterns, &mut triggers);
            let exact = &mut triggers[at].exact;
            match exact
                .iter_mut()
                .find(|(bytes, _)| **bytes == *literal.as_bytes())
            {
                Some((_, rules)) => rules.push(index),
                None => exact.push((literal.as_bytes().into(), vec![index])),
            }
        }
    }
    let prefilter = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        // A full DFA: one table lookup per byte, the fastest overlapping search.
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns)
        .map_err(|error| {
            ConfigError::one(
                file,
                Problem::file(format!("cannot build the keyword index: {error}"))
                    .help("shorten or remove unusual keywords and prefixes"),
            )
        })?;
    let whole_file = if whole_file_always {
        WholeFile::Always
    } else if whole_file_words.is_empty() {
        WholeFile::Never
    } else {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&whole_file_words)
            .map_or(WholeFile::Always, WholeFile::Keywords)
    };
    Ok(Ruleset {
        detectors,
        global,
        prefilter,
        triggers,
        always,
        path_only,
        whole_file,
        unknown_disabled: Vec::new(),
        context,
    })
}

fn compile_regex(source: &str, what: &str) -> Result<Regex, String> {
    regex::bytes::RegexBuilder::new(source)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .map_err(|error| {
            format!(
                "{what} does not compile: {}",
                first_line(&error.to_string())
            )
        })
}

fn first_line(text: &str) -> String {
    text.lines().last().unwrap_or(text).trim().to_owned()
}

fn compile_rule(rule: RawRule) -> Result<Detector, Problem> {
    let id = rule.id.trim().to_owned();
    let fail = |message: String, help: &str| {
        Problem::file(format!("rule `{id}`: {message}")).help(help.to_owned())
    };
    let regex = match rule.regex.as_deref().filter(|r| !r.is_empty()) {
        Some(source) => Some(
            compile_regex(source, "`regex`")
                .map_err(|m| fail(m, "fix the regular expression (Go RE2 / Rust regex syntax)"))?,
        ),
        None => None,
    };
    let path = match rule.path.as_deref().filter(|p| !p.is_empty()) {
        Some(source) => Some(
            compile_regex(source, "`path`")
                .map_err(|m| fail(m, "fix the path regular expression"))?,
        ),
        None => None,
    };
    let native = match rule.native.as_deref() {
        None => None,
        Some("context") if rule.builtin => Some(Native::Context),
        Some("context-sink") if rule.builtin => Some(Native::Sink),
        Some(other) => {
            return Err(fail(
                format!("`native = \"{other}\"` is not a rule a config file can define"),
                "remove `native`; it is reserved for signoff's own rules",
            ));
        }
    };
    let kind = match rule.kind.as_deref() {
        None if rule.builtin => Kind::ProviderToken,
        None => Kind::Custom,
        Some(id) => Kind::from_id(id).ok_or_else(|| {
            fail(
                format!("unknown kind `{id}`"),
                "use one of private-key, provider-token, generic-secret, hardcoded-credential, custom",
            )
        })?,
    };
    let judge = match rule.judge.as_deref() {
        None => None,
        Some("password") => Some(Judge::Password),
        Some("token") => Some(Judge::Token),
        Some(other) => {
            return Err(fail(
                format!("unknown judge `{other}`"),
                "use `password` or `token`",
            ));
        }
    };
    if regex.is_none() && path.is_none() && native.is_none() {
        return Err(fail(
            "has neither `regex` nor `path`".into(),
            "add a `regex` (and optionally `keywords`), or a `path`",
        ));
    }
    if let (Some(group), Some(re)) = (rule.secret_group, &regex)
        && group >= re.captures_len()
    {
        return Err(fail(
            format!(
                "`secretGroup = {group}` but the regex has {} capture groups",
                re.captures_len() - 1
            ),
            "point secretGroup at a capture group of the regex",
        ));
    }
    let severity = match rule.severity.as_deref() {
        None => Severity::High,
        Some("critical") => Severity::Critical,
        Some("high") => Severity::High,
        Some("medium") => Severity::Medium,
        Some("low") => Severity::Low,
        Some("info") => Severity::Info,
        Some(other) => {
            return Err(fail(
                format!("unknown severity `{other}`"),
                "use one of critical, high, medium, low, info",
            ));
        }
    };
    let validator = match rule.validate.as_deref() {
        None => None,
        Some(name) => Some(Validator::from_name(name).ok_or_else(|| {
            fail(
                format!("unknown validator `{name}`"),
                &format!("use one of {}", Validator::NAMES.join(", ")),
            )
        })?),
    };
    let mut allowlists = Vec::new();
    for raw in rule.allowlist.into_iter().chain(rule.allowlists) {
        allowlists.push(
            compile_allowlist(raw)
                .map_err(|m| fail(m, "fix the allowlist's regular expressions"))?,
        );
    }
    let multiline = rule.multiline
        || rule
            .regex
            .as_deref()
            .is_some_and(|r| r.contains("\\n") || r.contains("[\\s\\S]") || r.contains("(?s"));
    Ok(Detector {
        description: leak(
            rule.description
                .unwrap_or_else(|| format!("Matches rule {id}")),
        ),
        id: leak(id),
        severity,
        regex,
        secret_group: rule.secret_group,
        entropy: rule.entropy.filter(|e| *e > 0.0),
        prefixes: rule
            .prefixes
            .iter()
            .filter(|p| !p.is_empty())
            .cloned()
            .collect(),
        keywords: rule
            .keywords
            .iter()
            .map(|k| k.to_ascii_lowercase())
            .filter(|k| !k.is_empty())
            .collect(),
        path,
        allowlists,
        validator,
        multiline,
        generic: rule.generic || native.is_some(),
        builtin: rule.builtin,
        example: rule.example,
        kind,
        native,
        judge,
        required: Vec::new(),
        skip_report: rule.skip_report,
    })
}

fn compile_allowlist(raw: RawAllowlist) -> Result<Allowlist, String> {
    let all = match raw
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("OR") | Some("") => false,
        Some("AND") => true,
        Some(other) => {
            return Err(format!(
                "unknown allowlist condition `{other}` (use OR or AND)"
            ));
        }
    };
    let target = match raw.regex_target.as_deref() {
        None | Some("secret") | Some("") => Target::Secret,
        Some("match") => Target::Match,
        Some("line") => Target::Line,
        Some(other) => {
            return Err(format!(
                "unknown regexTarget `{other}` (use secret, match or line)"
            ));
        }
    };
    Ok(Allowlist {
        all,
        commits: raw.commits,
        paths: raw
            .paths
            .iter()
            .map(|p| compile_regex(p, "allowlist path"))
            .collect::<Result<_, _>>()?,
        target,
        regexes: raw
            .regexes
            .iter()
            .map(|r| compile_regex(r, "allowlist regex"))
            .collect::<Result<_, _>>()?,
        stopwords: raw
            .stopwords
            .iter()
            .map(|w| w.to_ascii_lowercase().into_bytes())
            .collect(),
        target_rules: raw.target_rules,
    })
}

#[cfg(test)]
mod tests;
