//! `signoff check [PATH]`: runs every gate that applies to a repository on this machine,
//! then the report, and prints a short summary: the verdict, one line per gate, and where
//! the report is.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use signoff_core::gate::{GateArgs, run_catching, write_report};
use signoff_core::policy::Policy;
use signoff_core::report::GateReport;
use signoff_core::{CommonArgs, ReportBuilder, tool};

/// Arguments of `signoff check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Repository to check
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Coverage report for the coverage gate [default: the first of lcov.info,
    /// coverage/lcov.info, coverage.xml, … found in the repository]
    #[arg(long, value_name = "FILE")]
    pub coverage: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,

    /// Handlebars template for the report instead of the default
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    /// A SARIF 2.1.0 log from another scanner, as a gate named NAME (repeatable)
    #[arg(long = "sarif", value_name = "NAME=FILE")]
    pub sarif: Vec<String>,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let policy = match Policy::load(&args.path, args.common.policy.as_deref()) {
        Ok(policy) => policy,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    if let Some(note) = policy.note() {
        eprintln!("{note}");
    }
    let out = &args.common.out;
    if let Err(error) = clear_previous_reports(out) {
        eprintln!(
            "error: cannot prepare the output directory {}: {error}\n  = help: check that --out (or SIGNOFF_DIR) names a writable directory",
            out.display()
        );
        return ExitCode::from(2);
    }
    for planned in plan(args, &policy) {
        let report = planned.run();
        if let Err(error) = write_report(&report, out) {
            eprintln!(
                "error: cannot write the {} gate report into {}: {error}",
                report.gate,
                out.display()
            );
            return ExitCode::from(2);
        }
    }
    let report_args = signoff_report::Args {
        dirs: vec![out.clone()],
        common: args.common.clone(),
        template: args.template.clone(),
        sarif: args.sarif.clone(),
        comment: false,
        comment_key: "signoff".into(),
        command: None,
    };
    match signoff_report::run_with_policy(&report_args, &policy) {
        Ok(outcome) => {
            signoff_report::console::print(&outcome);
            ExitCode::from(outcome.decision.verdict.exit_code())
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}

/// A gate `check` will run: its id and how to run it.
struct Planned {
    gate: &'static str,
    run: Box<dyn FnOnce() -> GateReport>,
}

impl Planned {
    /// A gate run with the command line its own binary would get, so `check` and the
    /// gate's binary cannot drift apart. A command line the gate rejects becomes an
    /// `error` report.
    fn gate<A: GateArgs>(run: fn(A) -> GateReport, argv: Vec<OsString>) -> Self {
        Planned {
            gate: A::GATE,
            run: Box::new(move || match A::try_parse_from(argv) {
                Ok(args) => run_catching(args, run),
                Err(error) => {
                    let mut builder = ReportBuilder::new(A::GATE, A::tool(), Default::default());
                    builder.error(error.to_string());
                    builder.finish("signoff check built a command line the gate rejected")
                }
            }),
        }
    }

    /// A gate that does not apply, recorded as skipped with the reason.
    fn skipped(gate: &'static str, why: String) -> Self {
        Planned {
            gate,
            run: Box::new(move || {
                let mut builder = ReportBuilder::new(gate, tool!(), Default::default());
                builder.skip();
                builder.finish(why)
            }),
        }
    }

    fn run(self) -> GateReport {
        tracing::debug!("running gate {}", self.gate);
        (self.run)()
    }
}

/// The command line for a gate's binary: its name, then the common flags, then `extra`.
fn argv(binary: &str, args: &CheckArgs, extra: &[OsString]) -> Vec<OsString> {
    let mut argv: Vec<OsString> = vec![
        binary.into(),
        "--out".into(),
        args.common.out.clone().into(),
    ];
    if let Some(policy) = &args.common.policy {
        argv.push("--policy".into());
        argv.push(policy.clone().into());
    }
    argv.extend(extra.iter().cloned());
    argv
}

/// Every gate that applies to this repository, in the order they run. Each gate that
/// lands adds itself here.
#[allow(clippy::vec_init_then_push)] // each gate pushes itself
fn plan(args: &CheckArgs, policy: &Policy) -> Vec<Planned> {
    let mut plans: Vec<Planned> = Vec::new();
    // Secrets: always. On a developer's machine the history is what a push would publish,
    // so scan it when PATH is a repository with commits (every blob version, once), and
    // the files otherwise. A `mode:` in signoff.yml still wins, since no flag overrides it.
    let mode = match policy.secret_scan().mode {
        Some(_) => None,
        None => Some(match signoff_secrets::default_mode(&args.path, false) {
            signoff_secrets::Mode::History => "history",
            _ => "tree",
        }),
    };
    let mut extra: Vec<OsString> = vec![args.path.clone().into()];
    if let Some(mode) = mode {
        extra.push("--mode".into());
        extra.push(mode.into());
    }
    plans.push(Planned::gate::<signoff_secrets::Args>(
        signoff_secrets::run,
        argv("signoff-secrets", args, &extra),
    ));
    // The SBOM gate always applies; it reports `skipped` when there is no manifest.
    plans.push(Planned::gate::<signoff_sbom::Args>(
        signoff_sbom::run,
        argv("signoff-sbom", args, &[args.path.clone().into_os_string()]),
    ));
    plans.push(plan_vulnerabilities(args));
    plans.push(plan_coverage(args));
    // The health check probes a deployed service, so it runs only when signoff.yml names
    // the URLs; otherwise it is recorded as skipped, so the report says it was not run.
    if policy.health_check().checks.is_empty() {
        plans.push(Planned::skipped(
            "health-check",
            "no URLs to check: add `checks:` to the `health-check` section of signoff.yml".into(),
        ));
    } else {
        // The gate reads the same policy file `check` found, wherever PATH points.
        let mut extra: Vec<OsString> = Vec::new();
        if let (None, signoff_core::policy::Source::File(path)) =
            (&args.common.policy, &policy.source)
        {
            extra.push("--policy".into());
            extra.push(path.clone().into());
        }
        plans.push(Planned::gate::<signoff_health::Args>(
            signoff_health::run,
            argv("signoff-health", args, &extra),
        ));
    }
    plans
}

/// The vulnerabilities gate on the SBOM the sbom gate just wrote (it describes the
/// repository itself when that SBOM is missing). Without a database it reports `error`
/// saying to run `signoff vulnerabilities update`: never a pass over nothing.
fn plan_vulnerabilities(args: &CheckArgs) -> Planned {
    let sbom = args.common.out.join("sbom.cdx.json");
    let path: OsString = args.path.clone().into();
    let with_sbom = argv(
        "signoff-vulns",
        args,
        &[path.clone(), "--sbom".into(), sbom.clone().into()],
    );
    let without = argv("signoff-vulns", args, &[path]);
    Planned {
        gate: "vulnerabilities",
        run: Box::new(move || {
            // Chosen when it runs: the sbom gate runs first and writes the SBOM.
            let argv = if sbom.is_file() { with_sbom } else { without };
            (Planned::gate::<signoff_vulns::Args>(signoff_vulns::run, argv).run)()
        }),
    }
}

/// Where test runners write coverage reports, in the order `check` looks.
const COVERAGE_REPORTS: &[&str] = &[
    "lcov.info",
    "coverage/lcov.info",
    "coverage.lcov",
    "target/llvm-cov/lcov.info",
    "target/coverage/lcov.info",
    "coverage.xml",
    "cobertura.xml",
    "coverage/cobertura-coverage.xml",
    "target/site/jacoco/jacoco.xml",
    "build/reports/jacoco/test/jacocoTestReport.xml",
    "jacoco.xml",
    "coverage.json",
    "coverage/coverage-final.json",
    "coverage/coverage-summary.json",
    "target/llvm-cov/coverage.json",
    "coverage.out",
    "cover.out",
];

/// The coverage gate on the report given with `--coverage`, or the first one found; with
/// no report it is skipped, saying where it looked.
fn plan_coverage(args: &CheckArgs) -> Planned {
    let report = args.coverage.clone().or_else(|| {
        COVERAGE_REPORTS
            .iter()
            .map(|name| args.path.join(name))
            .find(|path| path.is_file())
    });
    match report {
        Some(report) => {
            let extra: Vec<OsString> = vec![
                "--root".into(),
                args.path.clone().into(),
                "--report".into(),
                report.into(),
            ];
            Planned::gate::<signoff_coverage::Args>(
                signoff_coverage::run,
                argv("signoff-coverage", args, &extra),
            )
        }
        None => Planned::skipped(
            "coverage",
            "no coverage report found (looked for lcov.info, coverage/lcov.info, coverage.xml, cobertura.xml, jacoco.xml, coverage.json, coverage.out, …); run the tests with coverage or pass --coverage FILE".into(),
        ),
    }
}

/// Removes gate reports a previous run left in `out`, so a gate that does not apply this
/// time cannot be counted with stale results.
fn clear_previous_reports(out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    for entry in std::fs::read_dir(out)?.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().ends_with(".gate.json") && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    let copies = out.join("gates");
    if copies.is_dir() {
        std::fs::remove_dir_all(copies)?;
    }
    Ok(())
}
