//! What gates built on an audit registry (`pipeline`, `infra`) share: the `--fail-on`
//! level, opening the repository, and after their audits ran, findings in file order without
//! duplicates, the baseline (read, or written with `--write-baseline`), the judgement
//! against `fail_on`, the SARIF log written beside the report, and the summary's wording.

use std::path::{Path, PathBuf};

use crate::report::{Check, Finding, GateReport, Op, Severity};
use crate::text::plural;
use crate::{CommonArgs, Context, GateArgs, ReportBuilder};

/// A severity on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl From<Level> for Severity {
    fn from(level: Level) -> Severity {
        match level {
            Level::Critical => Severity::Critical,
            Level::High => Severity::High,
            Level::Medium => Severity::Medium,
            Level::Low => Severity::Low,
            Level::Info => Severity::Info,
        }
    }
}

/// A repository a gate is about to read.
pub struct Opened {
    pub ctx: Context,
    pub report: ReportBuilder,
    /// PATH as given (`.` by default), for paths relative to it.
    pub root: PathBuf,
    /// PATH made absolute, for the walk.
    pub canonical: PathBuf,
    /// The output directory, when it exists, so that the walk skips it.
    pub skip: Option<PathBuf>,
}

/// Starts gate `A` on `path`: the run context and report builder, or the finished `error`
/// report when the policy is invalid or PATH is not a directory.
pub fn open_repository<A: GateArgs>(
    common: &CommonArgs,
    path: Option<&Path>,
) -> Result<Opened, Box<GateReport>> {
    let root = path.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let (ctx, mut report) = Context::start::<A>(common, &root)?;
    if !root.is_dir() {
        report.error(format!(
            "error: {} is not a directory\n  = help: pass the repository to check as PATH",
            root.display()
        ));
        return Err(Box::new(
            report.finish("nothing was checked: the path is not a directory"),
        ));
    }
    let skip = std::fs::canonicalize(&ctx.out).ok();
    let canonical = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    Ok(Opened {
        ctx,
        report,
        root,
        canonical,
        skip,
    })
}

/// `3 open findings (1 high or critical) in <scope>`, `no findings in <scope>`, or `… all
/// waived or baselined`.
pub fn summary(findings: &[Finding], scope: &str) -> String {
    let open: Vec<&Finding> = findings.iter().filter(|f| !f.waived).collect();
    let serious = open.iter().filter(|f| f.severity >= Severity::High).count();
    match (open.len(), serious) {
        (0, _) if findings.is_empty() => format!("no findings in {scope}"),
        (0, _) => format!(
            "{} in {scope}, all waived or baselined",
            plural(findings.len() as u64, "finding", "findings")
        ),
        (n, 0) => format!(
            "{} in {scope}",
            plural(n as u64, "open finding", "open findings")
        ),
        (n, s) => format!(
            "{} ({s} high or critical) in {scope}",
            plural(n as u64, "open finding", "open findings")
        ),
    }
}

/// Sorts findings by path, line, column and rule, and drops repeats of a fingerprint.
pub fn sort(findings: &mut Vec<Finding>) {
    fn place(finding: &Finding) -> (String, u64, u64) {
        let l = finding.location.clone().unwrap_or_default();
        (l.path, l.line.unwrap_or(0), l.column.unwrap_or(0))
    }
    findings.sort_by(|a, b| place(a).cmp(&place(b)).then_with(|| a.rule.cmp(&b.rule)));
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
}

/// Where a gate's baseline is and what to do with it.
pub struct Baselining<'a> {
    /// `--baseline FILE`.
    pub flag: Option<PathBuf>,
    /// `baseline:` in the gate's policy section, relative to `root`.
    pub policy: Option<&'a Path>,
    pub root: &'a Path,
    /// Used when neither names one, if the file exists.
    pub default: &'a str,
    /// `--write-baseline`.
    pub write: bool,
    /// The baseline's schema id.
    pub schema: &'a str,
    /// The command that writes one, for error messages.
    pub regenerate: &'a str,
}

/// Applies (or writes) the baseline. Returns `false` when the baseline is invalid: the
/// report then carries the error and the findings must not be judged.
pub fn baseline(report: &mut ReportBuilder, findings: &mut [Finding], b: Baselining<'_>) -> bool {
    let path = b.flag.or_else(|| b.policy.map(|p| b.root.join(p)));
    let explicit = path.is_some();
    let path = path.unwrap_or_else(|| b.root.join(b.default));
    if b.write {
        let text = crate::baseline::render(findings, b.schema);
        match crate::fs::write_atomic(&path, text.as_bytes()) {
            Ok(()) => report.detail("baseline_written", path.display().to_string()),
            Err(error) => report.error(format!(
                "error: cannot write the baseline {}: {error}\n  = help: check that the directory is writable",
                path.display()
            )),
        };
        for finding in findings.iter_mut() {
            finding.waived = true;
            finding.details.insert("baseline".into(), true.into());
        }
    } else if explicit || path.is_file() {
        match crate::baseline::Baseline::load(&path, b.schema, b.regenerate) {
            Ok(known) => {
                let n = known.apply(findings);
                report.metric("baseline_known", n as u64);
                report.detail("baseline", path.display().to_string());
            }
            Err(error) => {
                report.error(error.to_string());
                return false;
            }
        }
    }
    true
}

/// Everything after the audits that decides what counts: the baseline (see [`baseline`]),
/// the policy's waivers for `gate` (the `waived` metric), and the judgement against
/// `fail_on` ([`judge`]). Returns `false` when the baseline is invalid: the report then
/// carries the error, and nothing was judged.
pub fn settle(
    report: &mut ReportBuilder,
    findings: &mut [Finding],
    ctx: &Context,
    gate: &str,
    baselining: Baselining<'_>,
    fail_on: Severity,
) -> bool {
    if !baseline(report, findings, baselining) {
        return false;
    }
    let waived = ctx
        .policy
        .apply_waivers(gate, findings, crate::policy::today());
    report.metric("waived", waived as u64);
    judge(report, findings, fail_on);
    true
}

/// The check that open findings at or above `fail_on` fail the gate, the `findings` and
/// `findings_open` metrics, and a warning for open medium-or-worse findings below it.
pub fn judge(report: &mut ReportBuilder, findings: &[Finding], fail_on: Severity) {
    let open: Vec<&Finding> = findings.iter().filter(|f| !f.waived).collect();
    let failing = open.iter().filter(|f| f.severity >= fail_on).count();
    report
        .metric("findings", findings.len() as u64)
        .metric("findings_open", open.len() as u64);
    report.check(
        Check::new(format!("open-findings-{fail_on}-or-worse"), Op::Le, 0.0, failing as f64)
            .message(format!("open findings of severity {fail_on} or worse (waive or baseline a finding to accept it)")),
    );
    let warning = open
        .iter()
        .filter(|f| f.severity < fail_on && f.severity >= Severity::Medium)
        .count();
    if warning > 0 {
        report.warn(format!(
            "{} below the `{fail_on}` threshold",
            plural(
                warning as u64,
                "open medium-or-worse finding is",
                "open medium-or-worse findings are"
            )
        ));
    }
}

/// Writes the SARIF `text` as `file` in `out` (recorded as an artifact) and, when given,
/// to `extra` (`--sarif FILE`); failures are errors of the report.
pub fn write_sarif(
    report: &mut ReportBuilder,
    out: &Path,
    file: &str,
    extra: Option<&Path>,
    text: &str,
) {
    let written = std::fs::create_dir_all(out)
        .and_then(|_| crate::fs::write_atomic(&out.join(file), text.as_bytes()));
    if let Err(error) = written.and_then(|_| report.artifact(out, file, "application/sarif+json")) {
        report.error(format!(
            "error: cannot write {}: {error}\n  = help: check that --out names a writable directory",
            out.join(file).display()
        ));
    }
    if let Some(extra) = extra
        && let Err(error) = crate::fs::write_atomic(extra, text.as_bytes())
    {
        report.error(format!(
            "error: cannot write the SARIF log to {}: {error}\n  = help: check the --sarif path",
            extra.display()
        ));
    }
}
