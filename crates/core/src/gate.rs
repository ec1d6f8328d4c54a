//! What every gate binary shares: the common flags, the run context (policy, event,
//! subject), the report builder that derives the status in one place, and `main`, which
//! runs a gate, writes its report and exits with the contract's code.

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::github::{self, Annotation, Level};
use crate::policy::Policy;
use crate::report::{
    Artifact, Check, Finding, GateReport, SCHEMA_V1, Severity, Status, Subject, Tool,
};

/// `Tool` for the crate that expands this macro.
#[macro_export]
macro_rules! tool {
    () => {
        $crate::report::Tool::new(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
    };
}

/// Flags every gate takes.
#[derive(Debug, Clone, clap::Args)]
pub struct CommonArgs {
    /// Directory for the gate report and the files written beside it
    #[arg(
        long,
        value_name = "DIR",
        env = "SIGNOFF_DIR",
        default_value = "signoff-out"
    )]
    pub out: PathBuf,

    /// Policy file [default: signoff.yml in the repository root, when present]
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

/// A gate's command-line arguments, as its binary and `signoff <gate>` both parse them.
pub trait GateArgs: clap::Parser + Send + 'static {
    /// The gate id.
    const GATE: &'static str;
    /// The program that writes the report.
    fn tool() -> Tool;
    /// The common flags.
    fn common(&self) -> &CommonArgs;
}

/// What a gate knows about its run.
#[derive(Debug, Clone)]
pub struct Context {
    /// Root of the checked repository or directory.
    pub root: PathBuf,
    /// Output directory.
    pub out: PathBuf,
    /// Policy in force.
    pub policy: Policy,
    /// The Actions context, when running in Actions.
    pub github: Option<github::Context>,
}

impl Context {
    /// Loads the policy and the event context for a gate run on `root`, and starts the
    /// report. A broken policy returns the finished `error` report instead (boxed: it is
    /// large and rare).
    pub fn start<A: GateArgs>(
        common: &CommonArgs,
        root: &Path,
    ) -> Result<(Self, ReportBuilder), Box<GateReport>> {
        let github = github::Context::from_env();
        let subject = crate::subject::detect(root, github.as_ref());
        let mut builder = ReportBuilder::new(A::GATE, A::tool(), subject);
        let policy = match Policy::load(root, common.policy.as_deref()) {
            Ok(policy) => policy,
            Err(error) => {
                builder.error(error.to_string());
                return Err(Box::new(
                    builder.finish("the policy file is invalid, so the gate did not run"),
                ));
            }
        };
        if let Some(note) = policy.note() {
            crate::errln!("{note}");
        }
        let context = Context {
            root: root.to_path_buf(),
            out: common.out.clone(),
            policy,
            github,
        };
        Ok((context, builder))
    }
}

/// Collects what a gate saw and builds its report. The status is derived here and only
/// here: errors beat failing checks, which beat warnings.
#[derive(Debug)]
pub struct ReportBuilder {
    report: GateReport,
    started: Instant,
    warnings: Vec<String>,
    errors: Vec<String>,
    skipped: bool,
}

impl ReportBuilder {
    /// Starts the report of `gate` now.
    pub fn new(gate: &str, tool: Tool, subject: Subject) -> Self {
        Self {
            report: GateReport {
                schema: SCHEMA_V1.to_owned(),
                gate: gate.to_owned(),
                tool,
                status: Status::Pass,
                summary: String::new(),
                started_at: jiff::Timestamp::now()
                    .round(jiff::Unit::Millisecond)
                    .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string()),
                duration_ms: 0,
                subject,
                metrics: Default::default(),
                checks: Vec::new(),
                findings: Vec::new(),
                artifacts: Vec::new(),
                details: Default::default(),
            },
            started: Instant::now(),
            warnings: Vec::new(),
            errors: Vec::new(),
            skipped: false,
        }
    }

    /// Records an integer metric.
    pub fn metric(&mut self, name: &str, value: u64) -> &mut Self {
        self.report.metrics.insert(name.to_owned(), value.into());
        self
    }

    /// Records a real-valued metric (non-finite values are dropped).
    pub fn metric_f64(&mut self, name: &str, value: f64) -> &mut Self {
        if let Some(number) = serde_json::Number::from_f64(value) {
            self.report.metrics.insert(name.to_owned(), number);
        }
        self
    }

    /// Records a threshold check.
    pub fn check(&mut self, check: Check) -> &mut Self {
        self.report.checks.push(check);
        self
    }

    /// Records a finding.
    pub fn finding(&mut self, finding: Finding) -> &mut Self {
        self.report.findings.push(finding);
        self
    }

    /// Records findings.
    pub fn findings(&mut self, findings: impl IntoIterator<Item = Finding>) -> &mut Self {
        self.report.findings.extend(findings);
        self
    }

    /// Records a file written into the output directory (`relative` to it), with its hash.
    pub fn artifact(
        &mut self,
        out: &Path,
        relative: &str,
        media_type: &str,
    ) -> std::io::Result<()> {
        let sha256 = crate::fs::sha256_file(&out.join(relative))?;
        self.report.artifacts.push(Artifact {
            path: relative.to_owned(),
            sha256,
            media_type: media_type.to_owned(),
        });
        Ok(())
    }

    /// A condition that makes the status `warn` (unless something worse happened).
    pub fn warn(&mut self, message: impl Into<String>) -> &mut Self {
        self.warnings.push(message.into());
        self
    }

    /// A reason the gate could not do its job: the status becomes `error`.
    pub fn error(&mut self, message: impl Into<String>) -> &mut Self {
        self.errors.push(message.into());
        self
    }

    /// Marks that there was nothing to check (say why in the summary).
    pub fn skip(&mut self) -> &mut Self {
        self.skipped = true;
        self
    }

    /// Adds gate-specific data under `details`.
    pub fn detail(&mut self, key: &str, value: impl Into<serde_json::Value>) -> &mut Self {
        self.report.details.insert(key.to_owned(), value.into());
        self
    }

    /// What the report is about (repository, commit, ref), as detected at the start, so
    /// a gate can reuse it instead of asking git again.
    pub fn subject(&self) -> &Subject {
        &self.report.subject
    }

    /// Whether an error was recorded.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Finishes the report with its one-sentence summary.
    pub fn finish(mut self, summary: impl Into<String>) -> GateReport {
        let failed = self.report.checks.iter().any(|check| !check.ok);
        self.report.status = Status::derive(
            !self.errors.is_empty(),
            failed,
            !self.warnings.is_empty(),
            self.skipped,
        );
        self.report.summary = summary.into();
        self.report.duration_ms =
            u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        if !self.warnings.is_empty() {
            self.report
                .details
                .insert("warnings".into(), self.warnings.into());
        }
        if !self.errors.is_empty() {
            self.report
                .details
                .insert("errors".into(), self.errors.into());
        }
        self.report
    }
}

/// Sets up logging to stderr: `SIGNOFF_LOG` takes a filter such as `debug`.
pub fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("SIGNOFF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .try_init();
}

/// The whole life of a gate binary: parse flags, run, write the report, exit.
pub fn main<A: GateArgs>(run: fn(A) -> GateReport) -> ExitCode {
    init_logging();
    let args = A::parse();
    execute(args, run)
}

/// Runs a gate with parsed arguments, catching panics so that a crash still leaves an
/// `error` report, then writes and announces the report. Returns the exit code.
pub fn execute<A: GateArgs>(args: A, run: fn(A) -> GateReport) -> ExitCode {
    let out = args.common().out.clone();
    let ticker = crate::progress::Ticker::start(A::GATE);
    let report = run_catching(args, run);
    drop(ticker);
    emit(&report, &out)
}

/// Runs a gate, turning a panic into an `error` report.
pub fn run_catching<A: GateArgs>(args: A, run: fn(A) -> GateReport) -> GateReport {
    // The default hook still prints the panic and its location to stderr for the bug report.
    panic::catch_unwind(AssertUnwindSafe(|| run(args))).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let mut builder = ReportBuilder::new(
            A::GATE,
            A::tool(),
            Subject {
                root: ".".into(),
                ..Default::default()
            },
        );
        builder.error(format!("internal error: {message}"));
        builder.finish("the gate crashed; this is a bug in signoff, please report it")
    })
}

/// Writes the report atomically as `out/<gate>.gate.json` and returns its path.
pub fn write_report(report: &GateReport, out: &Path) -> std::io::Result<PathBuf> {
    let path = out.join(report.file_name());
    crate::fs::write_atomic(&path, report.to_json().as_bytes())?;
    Ok(path)
}

/// Writes the report into `out`, prints it for humans, tells the runner, and returns the
/// exit code for its status (2 if the report cannot be written).
pub fn emit(report: &GateReport, out: &Path) -> ExitCode {
    let path = out.join(report.file_name());
    if let Err(error) = write_report(report, out) {
        crate::errln!(
            "error: cannot write the gate report to {}: {error}\n  = help: check that --out (or SIGNOFF_DIR) names a writable directory",
            path.display()
        );
        return ExitCode::from(2);
    }
    print_console(report, &path);
    tell_runner(report, &path);
    ExitCode::from(report.status.exit_code())
}

fn print_console(report: &GateReport, path: &Path) {
    use crate::text::one_line;
    crate::outln!(
        "{}: {}: {}",
        report.gate,
        report.status,
        one_line(&report.summary)
    );
    for error in report.errors() {
        for line in error.lines() {
            crate::errln!("{line}");
        }
    }
    for warning in report.warnings() {
        crate::outln!("  warning: {}", one_line(warning));
    }
    for check in report.checks.iter().filter(|check| !check.ok) {
        crate::outln!(
            "  check failed: {} = {} (needs {} {})",
            one_line(&check.name),
            check.actual,
            check.op.as_str(),
            check.threshold
        );
    }
    let open: Vec<&Finding> = report.findings.iter().filter(|f| !f.waived).collect();
    // In Actions the list folds into a log group, so the step's log opens on the verdict.
    let _group = (!open.is_empty()).then(|| {
        github::Group::start(&format!(
            "{}: {}",
            report.gate,
            crate::text::plural(open.len() as u64, "open finding", "open findings")
        ))
    });
    for finding in open.iter().take(20) {
        let place = finding
            .location
            .as_ref()
            .map(|l| match l.line {
                Some(line) => format!("{}:{line}", l.path),
                None => l.path.clone(),
            })
            .unwrap_or_default();
        crate::outln!(
            "  {:<8} {} {} {}",
            finding.severity.as_str(),
            one_line(&finding.rule),
            one_line(&place),
            one_line(&finding.message)
        );
    }
    if open.len() > 20 {
        crate::outln!("  … and {} more findings in the report", open.len() - 20);
    }
    drop(_group);
    crate::outln!("report: {}", path.display());
}

/// Annotations of one level GitHub shows per step; more are dropped without a word.
const ANNOTATIONS_PER_LEVEL: usize = 10;

fn tell_runner(report: &GateReport, path: &Path) {
    if !github::in_actions() {
        return;
    }
    for (name, value) in [
        ("status", report.status.as_str().to_owned()),
        ("summary", report.summary.clone()),
        ("report", path.display().to_string()),
    ] {
        if let Err(error) = github::files::set_output(name, &value) {
            tracing::warn!("cannot set step output `{name}`: {error}");
        }
    }
    for annotation in annotations(report, path) {
        annotation.emit();
    }
    if let Err(error) = github::files::append_summary(&step_summary(report)) {
        tracing::warn!("cannot write the job summary: {error}");
    }
}

/// The annotations of a gate step, within GitHub's per-step cap of ten per level: the
/// gate's errors and warnings first, then its open findings worst first; when findings do
/// not fit, one notice says how many more the report holds, so none vanish silently.
pub fn annotations(report: &GateReport, path: &Path) -> Vec<Annotation> {
    let mut out: Vec<Annotation> = Vec::new();
    let room = |out: &[Annotation], level: Level| {
        out.iter().filter(|a| a.level == level).count() < ANNOTATIONS_PER_LEVEL
    };
    for (level, messages) in [
        (Level::Error, report.errors()),
        (Level::Warning, report.warnings()),
    ] {
        for message in messages {
            if room(&out, level) {
                out.push(Annotation {
                    title: Some(report.gate.clone()),
                    ..Annotation::new(level, message)
                });
            }
        }
    }
    let mut open: Vec<&Finding> = report.findings.iter().filter(|f| !f.waived).collect();
    // Worst first; the sort is stable, so the gate's own order holds within a severity.
    open.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut left_out = 0usize;
    for finding in open {
        let annotation = annotation_for(&report.gate, finding);
        if room(&out, annotation.level) {
            out.push(annotation);
        } else {
            left_out += 1;
        }
    }
    if left_out > 0 {
        // The note takes the last notice slot when notices are full.
        if !room(&out, Level::Notice)
            && let Some(last) = out.iter().rposition(|a| a.level == Level::Notice)
        {
            out.remove(last);
            left_out += 1;
        }
        out.push(Annotation {
            title: Some(report.gate.clone()),
            ..Annotation::new(
                Level::Notice,
                format!(
                    "{} not annotated here (GitHub shows {ANNOTATIONS_PER_LEVEL} annotations of each level per step); every finding is in {}",
                    crate::text::plural(left_out as u64, "more finding is", "more findings are"),
                    path.display()
                ),
            )
        });
    }
    out
}

/// The annotation for a finding. A finding whose `details` say `"annotate_line": false` (a
/// secret-scan finding on a line a pull request did not change) is annotated on its file
/// only: GitHub shows line annotations on the pull request's diff. A history finding is
/// annotated where the checked-out commit holds it (`head_line`), or on its file when the
/// commit no longer does (`"at_head": false`): never on a line of an older version.
pub fn annotation_for(gate: &str, finding: &Finding) -> Annotation {
    let head_line = finding.details.get("head_line").and_then(|l| l.as_u64());
    let gone = finding.details.get("at_head") == Some(&serde_json::Value::Bool(false));
    if head_line.is_some() || gone {
        let mut annotation = annotation_for_location(gate, finding, false);
        annotation.line = head_line;
        return annotation;
    }
    let on_line = finding.details.get("annotate_line") != Some(&serde_json::Value::Bool(false));
    annotation_for_location(gate, finding, on_line)
}

fn annotation_for_location(gate: &str, finding: &Finding, on_line: bool) -> Annotation {
    let level = match finding.severity {
        Severity::Critical | Severity::High => Level::Error,
        Severity::Medium => Level::Warning,
        Severity::Low | Severity::Info => Level::Notice,
    };
    let location = finding.location.as_ref();
    // The line, unless the finding is annotated on its file only.
    let on_line = location.filter(|_| on_line);
    Annotation {
        level,
        message: finding.message.clone(),
        title: Some(format!("{gate}: {}", finding.rule)),
        file: location
            .map(|l| l.path.clone())
            .filter(|p| !p.contains("://")),
        line: on_line.and_then(|l| l.line),
        end_line: on_line.and_then(|l| l.end_line),
        col: on_line.and_then(|l| l.column),
    }
}

/// The short job-summary section a gate step writes about itself.
pub fn step_summary(report: &GateReport) -> String {
    use crate::markdown::escape;
    let icon = match report.status {
        Status::Pass => "✅",
        Status::Warn => "⚠️",
        Status::Fail => "❌",
        Status::Error => "🛑",
        Status::Skipped => "⏭️",
    };
    let mut out = format!(
        "### {icon} {}: {}\n\n{}\n",
        escape(&report.gate),
        report.status,
        escape(&report.summary)
    );
    if !report.checks.is_empty() {
        out.push_str("\n| check | actual | needs | ok |\n|---|---:|---|:-:|\n");
        for check in &report.checks {
            out.push_str(&format!(
                "| {} | {} | {} {} | {} |\n",
                escape(&check.name),
                check.actual,
                check.op.as_str(),
                check.threshold,
                if check.ok { "✅" } else { "❌" }
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Op;

    fn builder() -> ReportBuilder {
        ReportBuilder::new(
            "coverage",
            Tool::new("t", "1"),
            Subject {
                root: ".".into(),
                ..Default::default()
            },
        )
    }

    #[test]
    fn status_comes_from_checks_warnings_and_errors() {
        let mut b = builder();
        b.check(Check::new("lines", Op::Ge, 80.0, 90.0));
        assert_eq!(b.finish("ok").status, Status::Pass);

        let mut b = builder();
        b.check(Check::new("lines", Op::Ge, 80.0, 70.0))
            .warn("shallow clone");
        let report = b.finish("low");
        assert_eq!(report.status, Status::Fail);
        assert_eq!(report.warnings(), vec!["shallow clone"]);

        let mut b = builder();
        b.check(Check::new("lines", Op::Ge, 80.0, 70.0))
            .error("cannot parse lcov.info:3");
        let report = b.finish("broken");
        assert_eq!(report.status, Status::Error);
        assert_eq!(report.errors(), vec!["cannot parse lcov.info:3"]);

        let mut b = builder();
        b.skip();
        assert_eq!(b.finish("no report found").status, Status::Skipped);
    }

    #[test]
    fn the_subject_is_readable_while_building() {
        let mut b = ReportBuilder::new(
            "sbom",
            Tool::new("t", "1"),
            Subject {
                repository: Some("o/r".into()),
                root: ".".into(),
                ..Default::default()
            },
        );
        b.metric("x", 1);
        assert_eq!(b.subject().repository.as_deref(), Some("o/r"));
    }

    #[test]
    fn metrics_keep_integers_and_drop_non_finite() {
        let mut b = builder();
        b.metric("lines_total", 1204)
            .metric_f64("ratio", 0.5)
            .metric_f64("nan", f64::NAN);
        let report = b.finish("x");
        let json = report.to_json();
        assert!(json.contains("\"lines_total\": 1204"), "{json}");
        assert!(!json.contains("nan"));
    }

    #[test]
    fn panics_become_error_reports() {
        #[derive(clap::Parser)]
        struct Args {
            #[command(flatten)]
            common: CommonArgs,
        }
        impl GateArgs for Args {
            const GATE: &'static str = "sbom";
            fn tool() -> Tool {
                Tool::new("signoff-test", "0")
            }
            fn common(&self) -> &CommonArgs {
                &self.common
            }
        }
        fn boom(_: Args) -> GateReport {
            panic!("index out of bounds")
        }
        let args = <Args as clap::Parser>::parse_from(["x"]);
        let report = run_catching(args, boom);
        assert_eq!(report.status, Status::Error);
        assert!(report.errors()[0].contains("index out of bounds"));
    }

    #[test]
    fn finding_annotations_map_severity_and_skip_urls() {
        use crate::report::Location;
        let mut finding = finding(Severity::High, 0);
        finding.location = Some(Location {
            path: "https://x/health".into(),
            line: Some(2),
            ..Default::default()
        });
        let annotation = annotation_for("health-check", &finding);
        assert_eq!(annotation.level, Level::Error);
        assert_eq!(annotation.file, None);
    }

    fn finding(severity: Severity, n: usize) -> Finding {
        Finding {
            rule: format!("r{n}"),
            severity,
            message: format!("finding {n}"),
            location: None,
            fingerprint: format!("f{n}"),
            waived: false,
            help: None,
            details: Default::default(),
        }
    }

    #[test]
    fn annotations_keep_within_the_per_step_cap_and_say_what_is_left_out() {
        let mut b = builder();
        b.warn("shallow clone");
        // 12 low findings first, then 14 high ones: the high ones must win the slots.
        b.findings((0..12).map(|n| finding(Severity::Low, n)));
        b.findings((12..26).map(|n| finding(Severity::High, n)));
        let mut waived = finding(Severity::Critical, 99);
        waived.waived = true;
        b.finding(waived);
        let report = b.finish("x");
        let all = annotations(&report, Path::new("out/coverage.gate.json"));
        let count = |level| all.iter().filter(|a| a.level == level).count();
        assert_eq!(count(Level::Error), 10);
        assert_eq!(count(Level::Warning), 1);
        assert_eq!(count(Level::Notice), 10);
        assert!(all.iter().all(|a| !a.message.contains("finding 99")));
        let note = &all[all.len() - 1];
        // 4 high and 3 low findings had no slot (the note took the last notice slot).
        assert!(
            note.message
                .starts_with("7 more findings are not annotated here"),
            "{}",
            note.message
        );
        assert!(note.message.ends_with("out/coverage.gate.json"));
    }

    #[test]
    fn few_findings_are_all_annotated_without_a_note() {
        let mut b = builder();
        b.findings((0..3).map(|n| finding(Severity::Medium, n)));
        let all = annotations(&b.finish("x"), Path::new("r.json"));
        assert_eq!(all.len(), 3);
        assert!(all.iter().all(|a| a.level == Level::Warning));
    }

    #[test]
    fn findings_marked_file_only_lose_their_line_in_annotations() {
        use crate::report::Location;
        let mut finding = finding(Severity::Critical, 0);
        finding.location = Some(Location {
            path: "src/a.rs".into(),
            line: Some(7),
            column: Some(3),
            ..Default::default()
        });
        let on_line = annotation_for("secret-scan", &finding);
        assert_eq!((on_line.line, on_line.col), (Some(7), Some(3)));
        finding
            .details
            .insert("annotate_line".into(), serde_json::Value::Bool(false));
        let file_only = annotation_for("secret-scan", &finding);
        assert_eq!(file_only.file.as_deref(), Some("src/a.rs"));
        assert_eq!(
            (file_only.line, file_only.end_line, file_only.col),
            (None, None, None)
        );
    }
}
