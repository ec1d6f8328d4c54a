//! The policy file, `signoff.yml`: which gates are required, each gate's settings, and
//! waivers. An embedded default applies when the repository has none.
//!
//! ```yaml
//! required: [secret-scan, sbom, coverage]
//! gates:
//!   coverage: {lines: 80, branches: 70, patch: 90}
//!   secret-scan: {max_findings: 0}
//! waivers:
//!   - {gate: secret-scan, fingerprint: "…", reason: "rotated test key", expires: 2026-12-31}
//! ```
//!
//! Reading goes raw (serde, unknown keys rejected, values that check themselves) and then
//! validated (gate ids, waiver completeness), collecting every problem with its position.

mod coverage;
mod external;
pub mod health;
mod infra;
mod pipeline;
mod sbom;
mod secret_scan;
mod section;
pub mod values;
mod vulnerabilities;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

pub use coverage::{CoveragePolicy, PathThreshold};
pub use external::ExternalPolicy;
pub use health::HealthPolicy;
pub use infra::InfraPolicy;
pub use pipeline::PipelinePolicy;
pub use sbom::{LicenseId, PurlPattern, SbomPolicy};
pub use secret_scan::{ContextRule, PathContext, ScanMode, SecretKind, SecretScanPolicy};
pub use section::Section;
pub use values::{Date, PathGlob, Percent};
pub use vulnerabilities::{StaleDatabase, VulnerabilitiesPolicy};

use crate::diag::{ConfigError, Problem, expected_one_of};
use crate::report::Finding;

/// Today's date in UTC, the day waivers are judged on.
pub fn today() -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

/// File names looked up in the repository root, in order.
pub const FILE_NAMES: &[&str] = &["signoff.yml", "signoff.yaml", ".github/signoff.yml"];

const DEFAULT_POLICY: &str = include_str!("default.yml");

/// Where the policy in force came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// No policy file: the embedded default.
    Default,
    /// A policy file that exists but holds nothing: the embedded default, and we say so.
    EmptyFile(PathBuf),
    /// A policy file.
    File(PathBuf),
}

/// The validated policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub source: Source,
    /// Gates whose report must be present; a missing one rejects the sign-off.
    pub required: Vec<String>,
    /// Per-gate settings.
    pub gates: Gates,
    /// Accepted findings, each with a reason and an expiry date.
    pub waivers: Vec<Waiver>,
    /// Gates made from other scanners' SARIF logs, by name.
    pub external: std::collections::BTreeMap<String, ExternalPolicy>,
    /// What the verdict does when nothing was checked, or reports disagree on the commit.
    pub verdict: VerdictPolicy,
}

/// Declares [`Gates`]: one section per built-in gate, each with the shared keys
/// ([`Section`]: `advisory`) beside the gate's own settings.
macro_rules! gate_sections {
    ($($id:literal => $field:ident: $ty:ty,)*) => {
        /// Per-gate sections. Each gate reads its own.
        #[derive(Debug, Clone, Default, PartialEq, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Gates {
            $(
                #[serde(default, rename = $id)]
                pub $field: Option<Section<$ty>>,
            )*
        }

        impl Gates {
            /// Whether the section of gate `id` says `advisory: true`.
            pub fn advisory(&self, id: &str) -> bool {
                match id {
                    $($id => self.$field.as_ref().is_some_and(|s| s.advisory),)*
                    _ => false,
                }
            }
        }
    };
}

gate_sections! {
    "secret-scan" => secret_scan: SecretScanPolicy,
    "sbom" => sbom: SbomPolicy,
    "coverage" => coverage: CoveragePolicy,
    "health-check" => health_check: HealthPolicy,
    "sbom-diff" => sbom_diff: NoSettings,
    "vulnerabilities" => vulnerabilities: VulnerabilitiesPolicy,
    "pipeline" => pipeline: PipelinePolicy,
    "infra" => infra: InfraPolicy,
}

/// The section of a gate with no settings of its own (only the shared keys).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoSettings {}

/// How the verdict treats what no gate decides alone (the `verdict` section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictPolicy {
    /// When every gate had nothing to check (or none reported): `reject` (default) or
    /// `condition`.
    #[serde(default = "Outcome::reject")]
    pub nothing_checked: Outcome,
    /// When gate reports are about different commits: `condition` (default) or `reject`.
    #[serde(default = "Outcome::condition")]
    pub mixed_commits: Outcome,
}

impl Default for VerdictPolicy {
    fn default() -> Self {
        Self {
            nothing_checked: Outcome::Reject,
            mixed_commits: Outcome::Condition,
        }
    }
}

/// What a situation does to the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A condition of the approval.
    Condition,
    /// A reason to reject.
    Reject,
}

impl Outcome {
    fn reject() -> Self {
        Outcome::Reject
    }
    fn condition() -> Self {
        Outcome::Condition
    }
}

/// An accepted finding: by fingerprint, by rule (optionally limited to paths), or by
/// advisory id or alias (optionally limited to one package; vulnerability findings carry
/// their ids in `details.id` and `details.aliases`, and the package in `details.package`).
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    pub gate: String,
    pub fingerprint: Option<String>,
    pub rule: Option<String>,
    pub path: Option<PathGlob>,
    /// An advisory id or any of its aliases (`CVE-2021-23337`, `GHSA-35jh-r3h4-6jhm`).
    pub advisory: Option<String>,
    /// With `advisory`: only this package (its name as in the SBOM).
    pub package: Option<String>,
    pub reason: String,
    /// Last day the waiver applies (inclusive).
    pub expires: Date,
    /// Line of the waiver in the policy file (0 for the default policy).
    pub line: u64,
}

impl Waiver {
    /// Whether the waiver still applies on `today`.
    pub fn is_active(&self, today: jiff::civil::Date) -> bool {
        today <= self.expires.0
    }

    /// Marks `finding` waived by this waiver, recording its reason and expiry in the
    /// finding's details (`details.waiver`).
    pub fn mark(&self, finding: &mut Finding) {
        finding.waived = true;
        finding.details.insert(
            "waiver".into(),
            serde_json::json!({"reason": self.reason, "expires": self.expires.to_string()}),
        );
    }

    /// Whether the waiver covers `finding` of `gate`: by advisory id or alias (and package)
    /// when it names an advisory, else as [`Waiver::matches`] says.
    pub fn covers(&self, gate: &str, finding: &Finding) -> bool {
        let Some(advisory) = &self.advisory else {
            let path = finding.location.as_ref().map(|l| l.path.as_str());
            return self.matches(gate, &finding.rule, path, &finding.fingerprint);
        };
        let text = |key: &str| finding.details.get(key).and_then(|v| v.as_str());
        let aliases = finding
            .details
            .get("aliases")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str());
        let id_ok = text("id")
            .into_iter()
            .chain(aliases)
            .any(|id| id.eq_ignore_ascii_case(advisory));
        let package_ok = match &self.package {
            None => true,
            Some(package) => text("package").is_some_and(|name| name.eq_ignore_ascii_case(package)),
        };
        self.gate == gate && id_ok && package_ok
    }

    /// Whether the waiver covers a finding of `gate` with this rule, path and fingerprint.
    pub fn matches(&self, gate: &str, rule: &str, path: Option<&str>, fingerprint: &str) -> bool {
        if self.gate != gate {
            return false;
        }
        if let Some(expected) = &self.fingerprint {
            return expected == fingerprint;
        }
        let rule_ok = self.rule.as_deref() == Some(rule);
        let path_ok = match (&self.path, path) {
            (None, _) => true,
            (Some(glob), Some(path)) => glob.is_match(path),
            (Some(_), None) => false,
        };
        rule_ok && path_ok
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    required: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    gates: Option<Gates>,
    #[serde(default)]
    waivers: Vec<Spanned<RawWaiver>>,
    #[serde(default)]
    external: Option<Spanned<std::collections::BTreeMap<String, ExternalPolicy>>>,
    #[serde(default)]
    verdict: Option<VerdictPolicy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    gate: Spanned<String>,
    #[serde(default)]
    fingerprint: Option<String>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    path: Option<PathGlob>,
    #[serde(default)]
    advisory: Option<String>,
    #[serde(default)]
    package: Option<String>,
    #[serde(default)]
    reason: Option<Spanned<String>>,
    expires: Date,
}

impl Policy {
    /// The embedded default policy.
    pub fn default_policy() -> Self {
        // The embedded text is checked by a unit test, so this cannot fail at run time;
        // fall back to an empty policy rather than panic if it ever did.
        parse(DEFAULT_POLICY, "<default policy>", Source::Default).unwrap_or_else(|_| Policy {
            source: Source::Default,
            required: Vec::new(),
            gates: Gates::default(),
            waivers: Vec::new(),
            external: Default::default(),
            verdict: VerdictPolicy::default(),
        })
    }

    /// Loads the policy: `explicit` when given (it must exist), else the first of
    /// [`FILE_NAMES`] in `root` or, inside a git repository, in the directories above it
    /// up to the repository's root (so a gate run in a subdirectory reads the
    /// repository's policy), else the embedded default.
    pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Self, ConfigError> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => match discover(root) {
                Some(path) => path,
                None => return Ok(Self::default_policy()),
            },
        };
        let shown = path.display().to_string();
        if path.is_dir() {
            return Err(ConfigError::one(
                &shown,
                Problem::file("the policy path is a directory")
                    .help("name the signoff.yml file itself"),
            ));
        }
        let bytes = std::fs::read(&path).map_err(|error| {
            let help = if explicit.is_some() {
                "check the path given with --policy (or the action's `policy` input)"
            } else {
                "check the file's permissions"
            };
            ConfigError::one(
                &shown,
                Problem::file(format!("cannot read the policy file: {error}")).help(help),
            )
        })?;
        let text = crate::yaml::text(&bytes, &shown)?;
        if crate::yaml::is_empty_document(text) {
            let mut policy = Self::default_policy();
            policy.source = Source::EmptyFile(path);
            return Ok(policy);
        }
        parse(text, &shown, Source::File(path))
    }

    /// Parses policy text read from `file`.
    pub fn from_str(text: &str, file: &str) -> Result<Self, ConfigError> {
        parse(text, file, Source::File(PathBuf::from(file)))
    }

    /// A note for the console when the source deserves one (an empty file).
    pub fn note(&self) -> Option<String> {
        match &self.source {
            Source::EmptyFile(path) => Some(format!(
                "note: {} is empty, so the default policy applies",
                path.display()
            )),
            _ => None,
        }
    }

    /// Marks the findings of `gate` that an active waiver covers as waived, recording the
    /// waiver's reason and expiry in the finding's details. Expired waivers do not waive.
    /// Returns how many findings were waived.
    pub fn apply_waivers(
        &self,
        gate: &str,
        findings: &mut [Finding],
        today: jiff::civil::Date,
    ) -> usize {
        let mut waived = 0;
        for finding in findings.iter_mut().filter(|finding| !finding.waived) {
            if let Some(waiver) = self.waiver_for(gate, finding, today) {
                waiver.mark(finding);
                waived += 1;
            }
        }
        waived
    }

    /// The waiver in force on `today` that covers `finding` of `gate`, if any.
    pub fn waiver_for(
        &self,
        gate: &str,
        finding: &Finding,
        today: jiff::civil::Date,
    ) -> Option<&Waiver> {
        self.waivers
            .iter()
            .find(|waiver| waiver.is_active(today) && waiver.covers(gate, finding))
    }

    /// Whether `gate` is a built-in gate or an external one this policy declares.
    pub fn knows_gate(&self, gate: &str) -> bool {
        crate::registry::is_builtin(gate) || self.external.contains_key(gate)
    }

    /// Whether `gate` is advisory: reported and scored, but it never rejects the sign-off
    /// (`gates.<gate>.advisory: true`, or `external.<name>.advisory: true`).
    pub fn is_advisory(&self, gate: &str) -> bool {
        self.gates.advisory(gate)
            || self
                .external
                .get(gate)
                .is_some_and(|section| section.advisory == Some(true))
    }

    /// Whether `gate` is required.
    pub fn is_required(&self, gate: &str) -> bool {
        self.required.iter().any(|required| required == gate)
    }

    /// The `secret-scan` section, or its defaults.
    pub fn secret_scan(&self) -> SecretScanPolicy {
        self.gates
            .secret_scan
            .as_ref()
            .map(|section| section.settings.clone())
            .unwrap_or_default()
    }

    /// The `sbom` section, or its defaults.
    pub fn sbom(&self) -> SbomPolicy {
        self.gates
            .sbom
            .as_ref()
            .map(|section| section.settings.clone())
            .unwrap_or_default()
    }

    /// The `coverage` section, or its defaults.
    pub fn coverage(&self) -> CoveragePolicy {
        self.gates
            .coverage
            .as_ref()
            .map(|section| section.settings.clone())
            .unwrap_or_default()
    }

    /// The `health-check` section, or its defaults.
    pub fn health_check(&self) -> HealthPolicy {
        self.gates
            .health_check
            .as_ref()
            .map(|section| section.settings.clone())
            .unwrap_or_default()
    }

    /// The `pipeline` section, or its defaults.
    pub fn pipeline(&self) -> PipelinePolicy {
        self.gates
            .pipeline
            .as_ref()
            .map(|section| section.settings.clone())
            .unwrap_or_default()
    }

    /// The `infra` section, or its defaults.
    pub fn infra(&self) -> InfraPolicy {
        self.gates
            .infra
            .as_ref()
            .map(|section| section.settings.clone())
            .unwrap_or_default()
    }

    /// The `vulnerabilities` section, or its defaults.
    pub fn vulnerabilities(&self) -> VulnerabilitiesPolicy {
        self.gates
            .vulnerabilities
            .as_ref()
            .map(|section| section.settings.clone())
            .unwrap_or_default()
    }
}

/// The policy file for `root`: the first of [`FILE_NAMES`] in `root`, then in each parent
/// up to the root of the git repository holding `root`. Outside a repository only `root`
/// is looked at, so an unrelated `signoff.yml` higher up is never picked.
fn discover(root: &Path) -> Option<PathBuf> {
    let in_root = FILE_NAMES
        .iter()
        .map(|name| root.join(name))
        .find(|p| p.is_file());
    if in_root.is_some() {
        return in_root;
    }
    let absolute = std::fs::canonicalize(root).ok()?;
    let top = repository_root(&absolute)?;
    absolute
        .ancestors()
        .skip(1)
        .take_while(|dir| dir.starts_with(&top))
        .find_map(|dir| {
            FILE_NAMES
                .iter()
                .map(|name| dir.join(name))
                .find(|p| p.is_file())
        })
}

/// The root of the git repository (or work tree) holding `dir`: the nearest directory at
/// or above it with a `.git` entry.
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|candidate| candidate.join(".git").exists())
        .map(Path::to_path_buf)
}

fn parse(text: &str, file: &str, source: Source) -> Result<Policy, ConfigError> {
    if crate::yaml::is_empty_document(text) {
        return Ok(Policy {
            source,
            ..Policy::default_policy()
        });
    }
    let raw: RawPolicy = crate::yaml::from_str(text, file)?;
    let mut problems = Vec::new();

    let external = match raw.external {
        None => Default::default(),
        Some(section) => {
            for name in section.value.keys() {
                if !crate::report::is_gate_id(name) {
                    problems.push(
                        at(&section.referenced, format!("external gate name `{name}` is not kebab-case"))
                            .help("use words of lower-case letters and digits joined by single `-`, like `codeql` or `trivy-image`"),
                    );
                } else if crate::registry::is_builtin(name) {
                    problems.push(
                        at(
                            &section.referenced,
                            format!("external gate `{name}` has the name of a built-in gate"),
                        )
                        .help("give the SARIF gate its own name, like `codeql`"),
                    );
                }
            }
            section.value
        }
    };
    // Pushed one by one: the registry's ids are `'static`, the external names are not.
    let mut known: Vec<&str> = Vec::new();
    for id in crate::registry::ids() {
        known.push(id);
    }
    known.extend(external.keys().map(String::as_str));

    let required = match raw.required {
        None => Policy::default_policy().required,
        Some(list) => {
            let mut seen = Vec::new();
            for gate in &list {
                check_gate_id(
                    &gate.value,
                    &gate.referenced,
                    "required",
                    &known,
                    &mut problems,
                );
                if seen.contains(&gate.value) {
                    problems.push(
                        at(
                            &gate.referenced,
                            format!("gate `{}` is listed twice in `required`", gate.value),
                        )
                        .help("list each gate once"),
                    );
                }
                seen.push(gate.value.clone());
            }
            seen
        }
    };

    let mut waivers = Vec::new();
    for entry in raw.waivers {
        let location = entry.referenced;
        let raw = entry.value;
        check_gate_id(
            &raw.gate.value,
            &raw.gate.referenced,
            "waiver",
            &known,
            &mut problems,
        );
        if raw.fingerprint.is_none() && raw.rule.is_none() && raw.advisory.is_none() {
            problems.push(
                at(&location, "this waiver names neither a `fingerprint` nor a `rule`".to_owned())
                    .help("add `fingerprint: <id from the report>`, or `rule: <rule id>` with an optional `path: <glob>`, or for vulnerabilities `advisory: <id or alias>` with an optional `package: <name>`"),
            );
        }
        if raw.advisory.is_some()
            && (raw.fingerprint.is_some() || raw.rule.is_some() || raw.path.is_some())
        {
            problems.push(
                at(&location, "this waiver names an `advisory` and also a `fingerprint`, `rule` or `path`".to_owned())
                    .help("an advisory waiver names the advisory (any of its ids) and optionally the `package`; keep only those"),
            );
        }
        if raw.package.is_some() && raw.advisory.is_none() {
            problems.push(
                at(&location, "this waiver names a `package` without an `advisory`".to_owned())
                    .help("add `advisory: <id or alias>`: a package waiver accepts one advisory in that package"),
            );
        }
        if raw.fingerprint.is_some() && (raw.rule.is_some() || raw.path.is_some()) {
            problems.push(
                at(&location, "this waiver names a `fingerprint` and also a `rule` or `path`".to_owned())
                    .help("a fingerprint identifies one finding; keep either the fingerprint or the rule and path"),
            );
        }
        let reason = match raw.reason {
            Some(reason) if !reason.value.trim().is_empty() => reason.value,
            Some(reason) => {
                problems.push(
                    at(
                        &reason.referenced,
                        "the waiver's `reason` is empty".to_owned(),
                    )
                    .help(
                        "say why the finding is accepted, for the people who review the sign-off",
                    ),
                );
                String::new()
            }
            None => {
                problems.push(
                    at(&location, "this waiver has no `reason`".to_owned())
                        .help("add `reason: …` saying why the finding is accepted"),
                );
                String::new()
            }
        };
        waivers.push(Waiver {
            gate: raw.gate.value,
            fingerprint: raw.fingerprint,
            rule: raw.rule,
            path: raw.path,
            advisory: raw.advisory,
            package: raw.package,
            reason,
            expires: raw.expires,
            line: location.line(),
        });
    }

    if !problems.is_empty() {
        problems.sort_by_key(|problem| (problem.line, problem.column));
        return Err(ConfigError {
            file: file.to_owned(),
            problems,
        });
    }
    Ok(Policy {
        source,
        required,
        gates: raw.gates.unwrap_or_default(),
        waivers,
        external,
        verdict: raw.verdict.unwrap_or_default(),
    })
}

fn at(location: &serde_saphyr::Location, message: String) -> Problem {
    Problem::at(location.line(), location.column(), message)
}

fn check_gate_id(
    id: &str,
    location: &serde_saphyr::Location,
    place: &str,
    known: &[&str],
    problems: &mut Vec<Problem>,
) {
    if !known.contains(&id) {
        problems.push(
            at(location, format!("unknown gate `{id}` in {place}")).help(
                match crate::diag::did_you_mean(id, known) {
                    Some(_) => expected_one_of(id, known),
                    None => format!(
                        "{} (a SARIF gate must first be declared under `external:`)",
                        expected_one_of(id, known)
                    ),
                },
            ),
        );
    }
}

#[cfg(test)]
mod tests;
