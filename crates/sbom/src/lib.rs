//! signoff-sbom: the software bill of materials of a repository, from the lockfiles it
//! already has, without installing anything or touching the network.
//!
//! Stages: [`discover`] finds lockfiles and manifests; [`parse`] reads each lockfile into
//! a small graph (in parallel); [`graph`] merges them and decides first party, direct and
//! dev-only the same way for every ecosystem; [`bom`] writes CycloneDX 1.6; [`checks`]
//! turns what was seen into findings ([`spdx`] judges licence expressions); [`diff`]
//! compares two SBOMs.

pub mod bom;
pub mod checks;
pub mod diff;
pub mod discover;
pub mod graph;
pub mod model;
pub mod parse;
pub mod purl;
pub mod spdx;
pub mod spdx_json;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use signoff_core::policy::PurlPattern;
use signoff_core::report::{Check, GateReport, Op};
use signoff_core::text::{plural, thousands};
use signoff_core::{CommonArgs, Context, GateArgs, ReportBuilder, Tool};

use crate::bom::Format;
use crate::graph::Merged;

/// Writes the CycloneDX 1.6 SBOM of a repository from its lockfiles, and checks it.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "signoff-sbom", version, about, long_about = None)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Repository or directory to describe
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Format of the SBOM: CycloneDX 1.6 (`json`, `xml`) or SPDX 2.3 (`spdx-json`)
    #[arg(long, value_enum, default_value = "json")]
    pub format: Format,

    /// Where to write the SBOM [default: sbom.cdx.json, sbom.cdx.xml or sbom.spdx.json in
    /// the output directory]
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Leave development-only dependencies out of the SBOM
    #[arg(long)]
    pub exclude_dev: bool,

    /// Fail when a package matches this purl pattern, like `pkg:npm/left-pad` (repeatable)
    #[arg(long = "deny", value_name = "PURL_PATTERN")]
    pub deny: Vec<String>,

    /// Allow only these licences where lockfiles record one (SPDX id, repeatable)
    #[arg(long = "allow-license", value_name = "SPDX_ID")]
    pub allow_licenses: Vec<String>,

    /// Leave out lockfiles and manifests whose path matches this glob (repeatable)
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Compare two SBOMs (CycloneDX JSON files, or directories to describe first):
    /// components added, removed and changed; writes `sbom-diff.gate.json`
    Diff(diff::DiffArgs),
}

impl GateArgs for Args {
    const GATE: &'static str = "sbom";
    fn tool() -> Tool {
        signoff_core::tool!()
    }
    fn common(&self) -> &CommonArgs {
        match &self.command {
            Some(Command::Diff(diff)) => &diff.common,
            None => &self.common,
        }
    }
}

/// Runs the gate.
pub fn run(args: Args) -> GateReport {
    match args.command {
        Some(Command::Diff(diff)) => diff::run(diff),
        None => scan(&args),
    }
}

/// Settings in force: the policy section plus the command line.
struct Settings {
    exclude_dev: bool,
    deny: Vec<PurlPattern>,
    allow_licenses: Vec<String>,
    excludes: globset::GlobSet,
    require_lockfiles: bool,
}

fn settings(args: &Args, ctx: &Context) -> Result<Settings, String> {
    let policy = ctx.policy.sbom();
    let mut deny = policy.deny.clone();
    for pattern in &args.deny {
        deny.push(PurlPattern::new(pattern).map_err(|error| format!("--deny: {error}"))?);
    }
    let mut allow_licenses: Vec<String> =
        policy.allow_licenses.iter().map(|l| l.0.clone()).collect();
    for license in &args.allow_licenses {
        let checked = signoff_core::policy::LicenseId::new(license)
            .map_err(|error| format!("--allow-license: {error}"))?;
        allow_licenses.push(checked.0);
    }
    let mut builder = globset::GlobSetBuilder::new();
    for glob in &policy.exclude {
        builder.add(glob.matcher.glob().clone());
    }
    for pattern in &args.exclude {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|error| {
                format!(
                    "--exclude: invalid glob `{pattern}`: {}; write one like `examples/**`",
                    error.kind()
                )
            })?;
        builder.add(glob);
    }
    let excludes = builder
        .build()
        .map_err(|error| format!("--exclude: {error}"))?;
    Ok(Settings {
        exclude_dev: args.exclude_dev || policy.exclude_dev.unwrap_or(false),
        deny,
        allow_licenses,
        excludes,
        require_lockfiles: policy.require_lockfiles.unwrap_or(false),
    })
}

/// What describing a directory produced.
pub struct Described {
    pub merged: Merged,
    /// Lockfiles read: (path, kind, components in it).
    pub lockfiles: Vec<(String, parse::Kind, usize)>,
    /// Lockfiles that could not be parsed.
    pub failures: Vec<(String, parse::Kind, parse::ParseError)>,
    pub notes: Vec<(String, model::Note)>,
    /// Manifests read without a lockfile: (path, kind, components declared).
    pub unlocked: Vec<(String, parse::Kind, usize)>,
    pub found: discover::Found,
}

/// Finds and parses every lockfile under `root` and merges them.
pub fn describe(root: &Path, excludes: &globset::GlobSet) -> Described {
    let started = std::time::Instant::now();
    let found = discover::walk(root, excludes);
    tracing::debug!("discovery: {:?}", started.elapsed());
    let lock_paths: Vec<String> = found.lockfiles.iter().map(|l| l.0.clone()).collect();
    let ctx = parse::Context {
        root,
        manifests: &found.manifests,
        lockfiles: &lock_paths,
    };
    let results: Vec<_> = found
        .lockfiles
        .par_iter()
        .map(|(rel, path, kind)| {
            let started = std::time::Instant::now();
            let result = if *kind == parse::Kind::GoMod || path.is_file() {
                parse::parse(&ctx, rel, *kind)
            } else {
                Err(parse::ParseError::new(None, "not a regular file"))
            };
            tracing::debug!("parsed {rel} in {:?}", started.elapsed());
            signoff_core::progress::add(signoff_core::progress::Unit::Lockfiles, 1);
            (rel.clone(), *kind, result)
        })
        .collect();
    tracing::debug!("parsing: {:?}", started.elapsed());
    let mut merged = Merged::default();
    let mut lockfiles = Vec::new();
    let mut failures = Vec::new();
    let mut notes = Vec::new();
    let mut unlocked = Vec::new();
    for (rel, kind, result) in results {
        match result {
            Ok(graph) => {
                let count = graph.nodes.iter().filter(|n| n.package.is_some()).count();
                let declared = graph
                    .nodes
                    .iter()
                    .filter(|n| n.package.is_some() && !n.first_party)
                    .count();
                if graph.unlocked && declared > 0 {
                    unlocked.push((rel.clone(), kind, declared));
                }
                merged.add(&rel, &graph);
                notes.extend(graph.notes.into_iter().map(|note| (rel.clone(), note)));
                lockfiles.push((rel, kind, count));
            }
            Err(error) => failures.push((rel, kind, error)),
        }
    }
    tracing::debug!("merging: {:?}", started.elapsed());
    Described {
        merged,
        lockfiles,
        failures,
        notes,
        unlocked,
        found,
    }
}

fn scan(args: &Args) -> GateReport {
    let root = args.path.clone();
    let (ctx, mut report) = match Context::start::<Args>(&args.common, &root) {
        Ok(v) => v,
        Err(report) => return *report,
    };
    if !root.is_dir() {
        report.error(format!(
            "error: {} is not a directory\n  = help: give the repository to describe, like `signoff-sbom .`",
            root.display()
        ));
        return report.finish("the path to describe is not a directory");
    }
    let settings = match settings(args, &ctx) {
        Ok(settings) => settings,
        Err(error) => {
            report.error(format!("error: {error}"));
            return report.finish("a command-line value is invalid, so the gate did not run");
        }
    };

    let mut described = describe(&root, &settings.excludes);
    if described.found.lockfiles.is_empty()
        && described.found.manifests.is_empty()
        && described.found.unread.is_empty()
    {
        report.skip();
        return report.finish(format!(
            "no manifest or lockfile found in {}, so there is no dependency to describe",
            root.display()
        ));
    }
    if settings.exclude_dev {
        described.merged.exclude_dev();
    }

    let subject = report.subject().clone();
    let meta = bom::Meta {
        name: subject
            .repository
            .clone()
            .unwrap_or_else(|| directory_name(&root)),
        version: subject.commit.clone(),
        timestamp: timestamp(),
        tool_name: env!("CARGO_PKG_NAME").to_owned(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let started = std::time::Instant::now();
    let document = bom::build(&described.merged, &meta);
    tracing::debug!("BOM model: {:?}", started.elapsed());
    let problems = bom::validate(&document);
    tracing::debug!("BOM validation: {:?}", started.elapsed());
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| ctx.out.join(args.format.file_name()));
    let bytes = match args.format {
        Format::SpdxJson => {
            let serial = document
                .serial_number
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default();
            spdx_json::write(&spdx_json::build(&described.merged, &meta, &serial))
        }
        format => bom::write(document, format),
    };
    let written = bytes.and_then(|bytes| {
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        replace_file(&output, &bytes).map_err(|e| format!("cannot write {}: {e}", output.display()))
    });
    tracing::debug!("BOM written: {:?}", started.elapsed());
    if let Err(error) = &written {
        report.error(format!(
            "error: {error}\n  = help: check that --output (or --out) names a writable place"
        ));
    } else if let Some(relative) = relative_to(&output, &ctx.out)
        && let Err(error) = report.artifact(&ctx.out, &relative, args.format.media_type())
    {
        report.warn(format!("cannot hash {}: {error}", output.display()));
    }

    // Findings.
    let mut findings = Vec::new();
    for (rel, kind, error) in &described.failures {
        findings.push(checks::unparsable(rel, *kind, error));
    }
    for (rel, note) in &described.notes {
        findings.push(checks::note(rel, note));
    }
    for (rel, what) in &described.found.unread {
        findings.push(checks::unread(rel, what));
    }
    for (rel, kind, count) in &described.unlocked {
        findings.push(checks::unlocked(rel, *kind, *count));
    }
    let lock_paths: BTreeSet<String> = described
        .found
        .lockfiles
        .iter()
        .map(|l| l.0.clone())
        .collect();
    findings.extend(checks::manifests_without_lockfile(
        &root,
        &described.found.manifests,
        &lock_paths,
    ));
    findings.extend(checks::denied(&root, &described.merged, &settings.deny));
    let (license_findings, with_license) = if settings.allow_licenses.is_empty() {
        (Vec::new(), 0)
    } else {
        checks::licenses(&root, &described.merged, &settings.allow_licenses)
    };
    findings.extend(license_findings);
    ctx.policy
        .apply_waivers(Args::GATE, &mut findings, signoff_core::policy::today());
    let open = |rule: checks::Rule| {
        use signoff_core::finding::Rule as _;
        findings
            .iter()
            .filter(|f| !f.waived && f.rule == rule.id())
            .count()
    };

    // Checks.
    report.check(
        Check::new(
            "sbom-valid",
            Op::Eq,
            1.0,
            f64::from(u8::from(problems.is_empty() && written.is_ok())),
        )
        .message(if problems.is_empty() {
            match args.format {
                Format::SpdxJson => {
                    "SPDX 2.3 document written (its data validated as CycloneDX 1.6)".to_owned()
                }
                _ => "CycloneDX 1.6 document written and validated".to_owned(),
            }
        } else {
            format!("CycloneDX validation: {}", problems.join("; "))
        }),
    );
    report.check(
        Check::new(
            "unparsable-lockfiles",
            Op::Le,
            0.0,
            open(checks::Rule::LockfileUnparsable) as f64,
        )
        .message("lockfiles that could not be read into the SBOM"),
    );
    if !settings.deny.is_empty() {
        report.check(
            Check::new(
                "denied-packages",
                Op::Le,
                0.0,
                open(checks::Rule::DeniedPackage) as f64,
            )
            .message("packages matching the deny-list"),
        );
    }
    if !settings.allow_licenses.is_empty() {
        report.check(
            Check::new(
                "disallowed-licenses",
                Op::Le,
                0.0,
                open(checks::Rule::LicenseNotAllowed) as f64,
            )
            .message(format!(
                "packages whose licence is not allowed, of {} with licence data",
                thousands(with_license as u64)
            )),
        );
    }
    if !settings.allow_licenses.is_empty() {
        let total = described.merged.third_party().count();
        if total > 0 && with_license * 2 < total {
            report.warn(format!(
                "the licence allow-list checked {} of {} dependencies: {}",
                thousands(with_license as u64),
                thousands(total as u64),
                checks::without_license_data(&described.merged)
            ));
        }
    }
    let without_lock = open(checks::Rule::ManifestWithoutLockfile);
    if settings.require_lockfiles {
        report.check(
            Check::new(
                "manifests-without-lockfile",
                Op::Le,
                0.0,
                without_lock as f64,
            )
            .message("manifests whose dependencies no lockfile pins"),
        );
    } else if without_lock > 0 {
        report.warn(format!(
            "{} without a lockfile: the versions of their dependencies are unknown",
            plural(without_lock as u64, "manifest", "manifests")
        ));
    }
    let unread = open(checks::Rule::LockfileUnread);
    if unread > 0 {
        report.warn(format!(
            "{} of a kind this gate does not read: the SBOM lacks their packages",
            plural(
                unread as u64,
                "lockfile or manifest",
                "lockfiles or manifests"
            )
        ));
    }
    let skipped = open(checks::Rule::SkippedEntry);
    if skipped > 0 {
        report.warn(format!(
            "{} not understood and left out of the SBOM",
            plural(skipped as u64, "lockfile entry", "lockfile entries")
        ));
    }
    let unpinned = open(checks::Rule::UnpinnedRequirement);
    if unpinned > 0 {
        report.warn(format!(
            "{} not pinned to one version",
            plural(unpinned as u64, "requirement", "requirements")
        ));
    }
    for problem in &problems {
        tracing::warn!("CycloneDX validation: {problem}");
    }
    if !described.found.unreadable_names.is_empty() {
        report.warn(format!(
            "{} skipped: the name is not UTF-8",
            plural(
                described.found.unreadable_names.len() as u64,
                "file",
                "files"
            )
        ));
    }

    let summary = summarize(&mut report, &described);
    report.findings(findings);
    report.finish(summary)
}

/// Records metrics and details, and returns the summary sentence.
fn summarize(report: &mut ReportBuilder, described: &Described) -> String {
    let merged = &described.merged;
    let third: Vec<_> = merged.third_party().collect();
    let direct = third.iter().filter(|c| c.direct).count();
    let dev = third.iter().filter(|c| c.dev).count();
    let first_party = merged.components.len() - third.len();
    let edges: usize = merged.components.values().map(|c| c.deps.len()).sum();
    let hashed = third
        .iter()
        .filter(|c| !c.package.hashes.is_empty() || !c.package.distributions.is_empty())
        .count();
    let mut ecosystems: BTreeMap<&str, u64> = BTreeMap::new();
    for component in &third {
        *ecosystems
            .entry(component.package.ecosystem.as_str())
            .or_default() += 1;
    }
    report
        .metric("lockfiles", described.lockfiles.len() as u64)
        .metric("lockfiles_unparsable", described.failures.len() as u64)
        .metric("manifests", described.found.manifests.len() as u64)
        .metric("components", merged.components.len() as u64)
        .metric("components_first_party", first_party as u64)
        .metric("dependencies", third.len() as u64)
        .metric("dependencies_direct", direct as u64)
        .metric("dependencies_transitive", (third.len() - direct) as u64)
        .metric("dependencies_dev", dev as u64)
        .metric("dependencies_with_hashes", hashed as u64)
        .metric("dependency_edges", edges as u64);
    for (ecosystem, count) in &ecosystems {
        report.metric(&format!("dependencies_{ecosystem}"), *count);
    }
    report.detail(
        "lockfiles",
        described
            .lockfiles
            .iter()
            .map(|(path, kind, count)| {
                serde_json::json!({"path": path, "kind": kind.as_str(), "packages": count})
            })
            .collect::<Vec<_>>(),
    );
    report.detail(
        "ecosystems",
        serde_json::to_value(&ecosystems).unwrap_or_default(),
    );
    let ecosystem_count = ecosystems.len() as u64;
    format!(
        "{} ({} direct, {} transitive, {} dev-only) from {} in {}",
        plural(third.len() as u64, "dependency", "dependencies"),
        thousands(direct as u64),
        thousands((third.len() - direct) as u64),
        thousands(dev as u64),
        plural(described.lockfiles.len() as u64, "lockfile", "lockfiles"),
        plural(ecosystem_count, "ecosystem", "ecosystems"),
    )
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so readers
/// never see a partial SBOM. Unlike the gate report it is not fsynced: the SBOM is large
/// and rewritten on every run, and a crash before the rename leaves the old file intact.
/// The file gets the usual permissions (umask), like any file the user writes.
fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sbom".to_owned());
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

fn directory_name(root: &Path) -> String {
    root.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "repository".to_owned())
}

fn relative_to(path: &Path, dir: &Path) -> Option<String> {
    let path = path.strip_prefix(dir).ok()?;
    path.to_str().map(|s| s.replace('\\', "/"))
}

/// Now, or `SOURCE_DATE_EPOCH` when set (reproducible builds), to the second.
fn timestamp() -> String {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    now.round(jiff::Unit::Second)
        .unwrap_or(now)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
