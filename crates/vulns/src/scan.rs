//! One gate run: read the SBOM, find the exports it needs, read the records naming its
//! packages, match, accept what VEX and waivers accept, and write the report, the
//! CycloneDX `vulnerabilities` document and the SARIF log.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use signoff_core::policy::StaleDatabase;
use signoff_core::report::{Check, Finding, GateReport, Op, Severity};
use signoff_core::text::{plural, thousands};
use signoff_core::{Context, GateArgs, ReportBuilder};

use crate::db::{self, index};
use crate::ecosystem::Ecosystem;
use crate::osv::Record;
use crate::sbom::Sbom;
use crate::vex::Statement;
use crate::{Args, cyclonedx, findings, matcher, sarif, vex};

/// Settings in force: the policy section, then the command line.
struct Settings {
    fail_on: Severity,
    unknown: Severity,
    max_age_days: u64,
    stale: StaleDatabase,
    vex: Vec<PathBuf>,
    exclude_dev: bool,
}

fn settings(args: &Args, ctx: &Context) -> Settings {
    let policy = ctx.policy.vulnerabilities();
    let mut vex: Vec<PathBuf> = policy.vex.iter().map(|p| ctx.root.join(p)).collect();
    vex.extend(args.vex.iter().cloned());
    Settings {
        fail_on: args.fail_on.or(policy.fail_on).unwrap_or(Severity::High),
        unknown: args
            .unknown_severity
            .or(policy.unknown_severity)
            .unwrap_or(Severity::High),
        max_age_days: args.max_db_age_days.or(policy.max_db_age_days).unwrap_or(7),
        stale: policy.stale_db.unwrap_or(StaleDatabase::Warn),
        vex,
        exclude_dev: args.exclude_dev || policy.exclude_dev.unwrap_or(false),
    }
}

pub(crate) fn run(args: &Args) -> GateReport {
    let (ctx, mut report) = match Context::start::<Args>(&args.common, &args.path) {
        Ok(v) => v,
        Err(report) => return *report,
    };
    let settings = settings(args, &ctx);
    let sbom = match load_sbom(args, &mut report) {
        Ok(sbom) => sbom,
        Err(summary) => return report.finish(summary),
    };
    report
        .metric("components", sbom.components.len() as u64)
        .detail(
            "sbom",
            serde_json::json!({"source": sbom.source, "spec_version": sbom.spec_version}),
        );
    let needed = needed(&sbom, settings.exclude_dev);
    if needed.is_empty() {
        report.skip();
        return report.finish(if sbom.components.is_empty() {
            format!("no dependencies in {}, so there is nothing to check", sbom.source)
        } else {
            format!(
                "none of the {} in {} is in an ecosystem the OSV exports cover, so there is nothing to check",
                plural(sbom.components.len() as u64, "component", "components"),
                sbom.source
            )
        });
    }
    let (dir, from) = db::location(args.db.as_deref());
    let records = match read_database(&dir, from, &needed, &settings, &mut report) {
        Ok(records) => records,
        Err(summary) => return report.finish(summary),
    };
    let statements = match read_vex(&settings.vex) {
        Ok(statements) => statements,
        Err(error) => {
            report.error(error);
            return report.finish("a VEX document could not be read, so the gate did not decide");
        }
    };
    let (matches, stats) = matcher::run(&sbom, &records, settings.unknown, settings.exclude_dev);
    let paths = sbom.paths();
    let mut all: Vec<Finding> = matches
        .iter()
        .map(|m| findings::finding(m, &sbom, paths.as_ref()))
        .collect();
    let vex_waived = apply_vex(&mut all, &sbom, &statements);
    for (component, ids) in &stats.not_matched {
        all.push(findings::not_comparable(
            &sbom.components[*component],
            &sbom,
            ids,
        ));
    }
    let waived = ctx
        .policy
        .apply_waivers(Args::GATE, &mut all, signoff_core::policy::today());
    decide(&mut report, &all, &settings, &stats);
    write_outputs(&mut report, &ctx.out, args, &all, &sbom);
    let summary = summarize(&mut report, &all, &stats, vex_waived, waived);
    report.findings(all);
    report.finish(summary)
}

fn load_sbom(args: &Args, report: &mut ReportBuilder) -> Result<Sbom, String> {
    if let Some(path) = &args.sbom {
        return crate::sbom::read(path).map_err(|error| {
            report.error(error);
            "the SBOM could not be read, so nothing was checked".to_owned()
        });
    }
    if !args.path.is_dir() {
        report.error(format!(
            "error: {} is not a directory\n  = help: give the repository to check, or an SBOM with --sbom FILE",
            args.path.display()
        ));
        return Err("the path to check is not a directory".into());
    }
    let (sbom, failures) = crate::sbom::from_repository(&args.path).map_err(|error| {
        report.error(format!(
            "error: cannot describe {}: {error}",
            args.path.display()
        ));
        "the repository's SBOM could not be built, so nothing was checked".to_owned()
    })?;
    if !failures.is_empty() {
        report.warn(format!(
            "{} could not be read, so their packages were not checked: {}",
            plural(failures.len() as u64, "lockfile", "lockfiles"),
            failures.join("; ")
        ));
    }
    Ok(sbom)
}

/// The ecosystems to read and, for each, the normalised names wanted.
fn needed(sbom: &Sbom, exclude_dev: bool) -> BTreeMap<Ecosystem, HashSet<String>> {
    let mut out: BTreeMap<Ecosystem, HashSet<String>> = BTreeMap::new();
    for component in sbom
        .components
        .iter()
        .filter(|c| !(c.first_party || exclude_dev && c.dev))
    {
        if let Some(package) = &component.package
            && let Some(ecosystem) = package.ecosystem
        {
            out.entry(ecosystem)
                .or_default()
                .insert(ecosystem.normalize(&package.name));
        }
    }
    out
}

fn read_database(
    dir: &Path,
    from: &str,
    needed: &BTreeMap<Ecosystem, HashSet<String>>,
    settings: &Settings,
    report: &mut ReportBuilder,
) -> Result<HashMap<Ecosystem, Vec<Record>>, String> {
    let exports: Vec<_> = needed.keys().map(|e| (*e, db::export(dir, *e))).collect();
    let missing: Vec<&str> = exports
        .iter()
        .filter(|(_, x)| x.is_none())
        .map(|(e, _)| e.osv_name())
        .collect();
    if !missing.is_empty() {
        report.error(format!(
            "error: no OSV database for {} in {} (from {from})\n  = help: run `signoff-vulns update{}` to download it (or point --db / $SIGNOFF_VULN_DB at a folder holding <Ecosystem>/all.zip)",
            missing.join(", "),
            dir.display(),
            if from == "--db" { format!(" --db {}", dir.display()) } else { String::new() }
        ));
        return Err("the advisory database is missing, so nothing was checked".into());
    }
    let mut records = HashMap::new();
    let mut described = Vec::new();
    let (mut total, mut read, mut unparsable, mut built, mut oldest) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    for (ecosystem, export) in exports {
        let Some(export) = export else { continue };
        let found = index::read(&export.zip, ecosystem, &needed[&ecosystem]).map_err(|error| {
            report.error(format!(
                "error: {error}\n  = help: run `signoff-vulns update` to download the export again"
            ));
            "the advisory database could not be read, so nothing was checked".to_owned()
        })?;
        total += found.total;
        read += found.records.len() as u64;
        unparsable += found.unparsable;
        built += u64::from(found.built_index);
        oldest = oldest.max(export.age_seconds);
        report.metric(
            &format!(
                "records_{}",
                ecosystem.osv_name().to_ascii_lowercase().replace('.', "_")
            ),
            found.total,
        );
        described.push(serde_json::json!({
            "ecosystem": export.ecosystem.osv_name(),
            "records": found.total,
            "age_days": (export.age_seconds as f64 / 86_400.0 * 10.0).round() / 10.0,
            "downloaded_at": export.meta.as_ref().map(|m| m.downloaded_at.clone()),
            "etag": export.meta.as_ref().and_then(|m| m.etag.clone()),
        }));
        records.insert(ecosystem, found.records);
    }
    report
        .metric("records_in_database", total)
        .metric("records_read", read)
        .metric("records_unparsable", unparsable)
        .metric("indexes_built", built)
        .metric("db_age_seconds", oldest)
        .metric_f64(
            "db_age_days",
            (oldest as f64 / 86_400.0 * 10.0).round() / 10.0,
        )
        .detail("database", dir.display().to_string())
        .detail("exports", described);
    let max = settings.max_age_days;
    let stale = oldest > max * 86_400;
    match settings.stale {
        StaleDatabase::Fail => {
            report.check(
                Check::new(
                    "database-age-days",
                    Op::Le,
                    max as f64,
                    (oldest as f64 / 86_400.0 * 10.0).round() / 10.0,
                )
                .message("days since the OSV database was last updated"),
            );
        }
        StaleDatabase::Warn if stale => {
            report.warn(format!(
                "the OSV database is {:.1} days old (more than {max}); run `signoff-vulns update`",
                oldest as f64 / 86_400.0
            ));
        }
        StaleDatabase::Warn => {}
    }
    if unparsable > 0 {
        report.warn(format!(
            "{} in the database could not be read as OSV and were skipped",
            plural(unparsable, "record", "records")
        ));
    }
    Ok(records)
}

fn read_vex(paths: &[PathBuf]) -> Result<Vec<Statement>, String> {
    let mut out = Vec::new();
    for path in paths {
        out.extend(vex::read(path)?);
    }
    Ok(out)
}

/// Marks findings a VEX statement says do not apply; returns how many.
fn apply_vex(all: &mut [Finding], sbom: &Sbom, statements: &[Statement]) -> u64 {
    let mut waived = 0;
    for finding in all.iter_mut() {
        let mut ids: Vec<&str> = Vec::new();
        ids.extend(finding.details.get("id").and_then(|v| v.as_str()));
        ids.extend(
            finding
                .details
                .get("aliases")
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str()),
        );
        let purl = finding.details.get("purl").and_then(|v| v.as_str());
        let bom_ref = sbom
            .components
            .iter()
            .find(|c| purl.is_some() && c.purl.as_deref() == purl)
            .map_or("", |c| c.bom_ref.as_str());
        if let Some(statement) = statements.iter().find(|s| s.covers(&ids, purl, bom_ref)) {
            let vex = serde_json::json!({
                "status": "not_affected",
                "justification": statement.justification,
                "detail": statement.detail,
                "document": statement.document,
            });
            finding.waived = true;
            finding.details.insert("vex".into(), vex);
            waived += 1;
        }
    }
    waived
}

fn decide(
    report: &mut ReportBuilder,
    all: &[Finding],
    settings: &Settings,
    stats: &matcher::Stats,
) {
    use signoff_core::finding::Rule as _;
    let comparable = crate::rules::Rule::VersionNotComparable.id();
    let failing = all
        .iter()
        .filter(|f| !f.waived && f.rule != comparable && f.severity >= settings.fail_on)
        .count();
    report.check(
        Check::new(
            format!("vulnerabilities-{}-or-worse", settings.fail_on),
            Op::Le,
            0.0,
            failing as f64,
        )
        .message(format!(
            "open vulnerabilities of severity {} or worse (fail_on)",
            settings.fail_on
        )),
    );
    if !stats.not_matched.is_empty() {
        report.warn(format!(
            "{} could not be ordered against their advisories, so those advisories were not matched (see the version-not-comparable findings)",
            plural(stats.not_matched.len() as u64, "component's version", "components' versions")
        ));
    }
    if stats.without_version > 0 {
        report.warn(format!(
            "{} no version and {} not checked",
            plural(stats.without_version, "component has", "components have"),
            if stats.without_version == 1 {
                "was"
            } else {
                "were"
            }
        ));
    }
    if stats.unsupported > 0 {
        report.warn(format!(
            "{} in ecosystems the gate does not check (no package URL, or a type without an OSV ecosystem)",
            plural(stats.unsupported, "component is", "components are")
        ));
    }
}

fn write_outputs(
    report: &mut ReportBuilder,
    out: &Path,
    args: &Args,
    all: &[Finding],
    sbom: &Sbom,
) {
    let timestamp = timestamp();
    let written = std::fs::create_dir_all(out).and_then(|_| {
        signoff_core::fs::write_atomic(
            &out.join(cyclonedx::FILE),
            cyclonedx::document(all, sbom, &timestamp).as_bytes(),
        )?;
        signoff_core::fs::write_atomic(&out.join(sarif::FILE), sarif::render(all).as_bytes())
    });
    let hashed = written.and_then(|_| {
        report.artifact(out, cyclonedx::FILE, cyclonedx::MEDIA_TYPE)?;
        report.artifact(out, sarif::FILE, "application/sarif+json")
    });
    if let Err(error) = hashed {
        report.error(format!(
            "error: cannot write the vulnerability document and SARIF log into {}: {error}\n  = help: check that --out (or SIGNOFF_DIR) names a writable directory",
            out.display()
        ));
    }
    if let Some(extra) = &args.sarif
        && let Err(error) = signoff_core::fs::write_atomic(extra, sarif::render(all).as_bytes())
    {
        report.error(format!(
            "error: cannot write the SARIF log to {}: {error}\n  = help: check the --sarif path",
            extra.display()
        ));
    }
}

fn summarize(
    report: &mut ReportBuilder,
    all: &[Finding],
    stats: &matcher::Stats,
    vex_waived: u64,
    waived: usize,
) -> String {
    let vulns: Vec<&Finding> = all
        .iter()
        .filter(|f| f.details.contains_key("id"))
        .collect();
    let open: Vec<&&Finding> = vulns.iter().filter(|f| !f.waived).collect();
    let mut by_severity: BTreeMap<std::cmp::Reverse<Severity>, u64> = BTreeMap::new();
    for finding in &open {
        *by_severity
            .entry(std::cmp::Reverse(finding.severity))
            .or_default() += 1;
    }
    let vulnerable: HashSet<&str> = vulns
        .iter()
        .filter_map(|f| f.details.get("purl").and_then(|p| p.as_str()))
        .collect();
    report
        .metric("components_checked", stats.checked)
        .metric("components_unsupported", stats.unsupported)
        .metric("components_without_version", stats.without_version)
        .metric("components_dev_skipped", stats.dev_skipped)
        .metric("components_vulnerable", vulnerable.len() as u64)
        .metric("versions_not_matched", stats.not_matched.len() as u64)
        .metric("advisories_matched", stats.records_matched)
        .metric("advisories_withdrawn_dropped", stats.withdrawn)
        .metric("git_ranges_skipped", stats.git_ranges)
        .metric("vulnerabilities", vulns.len() as u64)
        .metric("vulnerabilities_open", open.len() as u64)
        .metric("vulnerabilities_vex_not_affected", vex_waived)
        .metric("vulnerabilities_waived", waived as u64);
    for severity in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        report.metric(
            &format!("open_{severity}"),
            by_severity
                .get(&std::cmp::Reverse(severity))
                .copied()
                .unwrap_or(0),
        );
    }
    let breakdown: Vec<String> = by_severity
        .iter()
        .map(|(s, n)| format!("{n} {}", s.0))
        .collect();
    let accepted = vulns.len() - open.len();
    let mut text = format!(
        "{} in {} of {} checked",
        plural(
            open.len() as u64,
            "open known vulnerability",
            "open known vulnerabilities"
        ),
        thousands(vulnerable.len() as u64),
        plural(stats.checked, "component", "components"),
    );
    if !breakdown.is_empty() {
        text.push_str(&format!(" ({})", breakdown.join(", ")));
    }
    if accepted > 0 {
        text.push_str(&format!("; {accepted} accepted by VEX or waivers"));
    }
    text
}

/// Now, or `SOURCE_DATE_EPOCH` when set, to the second.
fn timestamp() -> String {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
