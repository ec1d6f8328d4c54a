//! `signoff check [PATH]`: runs every gate that applies to a repository on this machine,
//! then the report, and prints a short summary: the verdict, one line per gate, and where
//! the report is.
//!
//! Where it writes: `--out DIR` (or `SIGNOFF_DIR`) when given, else `signoff-out/` inside
//! the checked directory. Everything is built in a fresh directory beside it and swapped
//! in at the end, so the output is all from one run: a run that fails or is interrupted
//! (exit 130) leaves the previous complete output, or none.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use signoff_core::gate::{GateArgs, run_catching, write_report};
use signoff_core::policy::Policy;
use signoff_core::report::GateReport;
use signoff_core::{CommonArgs, ReportBuilder, errln, tool};
use signoff_report::staging::Staging;

/// Arguments of `signoff check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Repository to check [default: the root of the git repository you are in, else the
    /// current directory]
    pub path: Option<PathBuf>,

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

    /// What to print: `text` for people, `json` (signoff.json) for machines
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: signoff_report::console::Format,

    /// The signoff.json of an earlier sign-off (the base branch's), to show what changed since
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

/// A usage error: the message (what, where, how to fix it), exit 2.
fn usage(message: String) -> ExitCode {
    errln!("error: {message}");
    ExitCode::from(2)
}

/// The directory to check, or why it cannot be: it must exist, be a directory and be
/// readable, or nothing could be checked and a verdict would be a lie.
fn checked_dir(given: Option<&Path>) -> Result<PathBuf, String> {
    let path = match given {
        Some(path) => path.to_path_buf(),
        None => {
            let here = std::env::current_dir()
                .map_err(|e| format!("cannot read the current directory: {e}"))?;
            signoff_core::policy::repository_root(&here).unwrap_or(here)
        }
    };
    let help = "  = help: give the directory of the repository to check, like `signoff check .`";
    match std::fs::metadata(&path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{} does not exist\n{help}", path.display()));
        }
        Err(error) => return Err(format!("cannot read {}: {error}\n{help}", path.display())),
        Ok(meta) if !meta.is_dir() => {
            return Err(format!("{} is not a directory\n{help}", path.display()));
        }
        Ok(_) => {}
    }
    std::fs::read_dir(&path).map_err(|error| {
        format!(
            "cannot read the directory {}: {error}\n  = help: check its permissions (`ls -ld {}`); nothing in it could be checked",
            path.display(),
            path.display()
        )
    })?;
    Ok(path)
}

pub fn run(args: &CheckArgs, out_given: bool) -> ExitCode {
    signoff_report::staging::watch_interrupts();
    let root = match checked_dir(args.path.as_deref()) {
        Ok(root) => root,
        Err(message) => return usage(message),
    };
    if let Some(coverage) = &args.coverage
        && !coverage.is_file()
    {
        return usage(format!(
            "--coverage {}: {}\n  = help: give the coverage report your tests wrote, like `--coverage coverage/lcov.info`",
            coverage.display(),
            if coverage.exists() {
                "is not a file"
            } else {
                "does not exist"
            }
        ));
    }
    let policy = match Policy::load(&root, args.common.policy.as_deref()) {
        Ok(policy) => policy,
        Err(error) => {
            errln!("{error}");
            return ExitCode::from(2);
        }
    };
    if let Some(note) = policy.note() {
        errln!("{note}");
    }
    let out = if out_given {
        args.common.out.clone()
    } else {
        root.join("signoff-out")
    };
    let mut report_args = signoff_report::Args {
        dirs: Vec::new(),
        common: args.common.clone(),
        template: args.template.clone(),
        sarif: args.sarif.clone(),
        comment: false,
        comment_key: "signoff".into(),
        pull_request: None,
        format: args.format,
        baseline: args.baseline.clone(),
        command: None,
    };
    // The template and the SARIF files are checked before any gate runs.
    if let Err(error) = signoff_report::preflight(&report_args) {
        errln!("{error}");
        return ExitCode::from(2);
    }
    let staging = match Staging::beside(&out) {
        Ok(staging) => staging,
        Err(error) => {
            errln!(
                "error: cannot create the output directory beside {}: {error}\n  = help: pass --out DIR (or set SIGNOFF_DIR) to a writable directory",
                out.display()
            );
            return ExitCode::from(2);
        }
    };
    let staged = staging.path().to_path_buf();
    for planned in plan(args, &root, &staged, &policy) {
        let ticker = signoff_core::progress::Ticker::start(planned.gate);
        let report = planned.run();
        drop(ticker);
        if let Err(error) = write_report(&report, &staged) {
            errln!(
                "error: cannot write the {} gate report into {}: {error}",
                report.gate,
                staged.display()
            );
            return ExitCode::from(2);
        }
    }
    report_args.common.out = staged.clone();
    report_args.dirs = vec![staged.clone()];
    let outcome = match signoff_report::run_with_policy(&report_args, &policy) {
        Ok(outcome) => outcome,
        Err(error) => {
            errln!("{error}");
            return ExitCode::from(2);
        }
    };
    if let Err(error) = staging.replace() {
        errln!(
            "error: cannot move the new output into {}: {error}\n  = help: pass --out DIR (or set SIGNOFF_DIR) to a writable directory",
            out.display()
        );
        return ExitCode::from(2);
    }
    let outcome = signoff_report::Outcome {
        markdown_path: out.join("report.md"),
        ..outcome
    };
    signoff_report::console::show(&outcome, args.format);
    ExitCode::from(outcome.decision.verdict.exit_code())
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
fn argv(binary: &str, args: &CheckArgs, out: &Path, extra: &[OsString]) -> Vec<OsString> {
    let mut argv: Vec<OsString> = vec![binary.into(), "--out".into(), out.into()];
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
fn plan(args: &CheckArgs, root: &Path, out: &Path, policy: &Policy) -> Vec<Planned> {
    let mut plans: Vec<Planned> = Vec::new();
    // Secrets: always. On a developer's machine the history is what a push would publish,
    // so scan it when PATH is a repository with commits (every blob version, once), and
    // the files otherwise. A `mode:` in signoff.yml still wins, since no flag overrides it.
    let mode = match policy.secret_scan().mode {
        Some(_) => None,
        None => Some(match signoff_secrets::default_mode(root, false) {
            signoff_secrets::Mode::History => "history",
            _ => "tree",
        }),
    };
    let mut extra: Vec<OsString> = vec![root.into()];
    if let Some(mode) = mode {
        extra.push("--mode".into());
        extra.push(mode.into());
    }
    plans.push(Planned::gate::<signoff_secrets::Args>(
        signoff_secrets::run,
        argv("signoff-secrets", args, out, &extra),
    ));
    // The SBOM gate always applies; it reports `skipped` when there is no manifest.
    plans.push(Planned::gate::<signoff_sbom::Args>(
        signoff_sbom::run,
        argv("signoff-sbom", args, out, &[root.into()]),
    ));
    plans.push(plan_vulnerabilities(args, root, out, policy));
    plans.push(plan_coverage(args, root, out));
    // The pipeline gate always applies; it reports `skipped` when there is no CI file.
    plans.push(Planned::gate::<signoff_pipeline::Args>(
        signoff_pipeline::run,
        argv("signoff-pipeline", args, out, &[root.into()]),
    ));
    // The infra gate always applies; it reports `skipped` when there is no Dockerfile,
    // compose file, manifest, Terraform or .env file.
    plans.push(Planned::gate::<signoff_infra::Args>(
        signoff_infra::run,
        argv("signoff-infra", args, out, &[root.into()]),
    ));
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
            argv("signoff-health", args, out, &extra),
        ));
    }
    plans
}

/// The vulnerabilities gate on the SBOM the sbom gate just wrote (it describes the
/// repository itself when that SBOM is missing). Without a database it reports `error`
/// saying to run `signoff vulnerabilities update`: never a pass over nothing.
fn plan_vulnerabilities(args: &CheckArgs, root: &Path, out: &Path, policy: &Policy) -> Planned {
    // Without a downloaded database the gate could only fail to run; unless the policy
    // requires it, say so as a skip with the command that makes it run.
    let required = policy.required.iter().any(|id| id == "vulnerabilities");
    if !required && !signoff_vulns::database_downloaded(None) {
        return Planned::skipped(
            "vulnerabilities",
            "no advisory database downloaded yet: run `signoff vulnerabilities update` once (it caches OSV's exports), or require the gate in signoff.yml to make its absence an error".into(),
        );
    }
    let sbom = out.join("sbom.cdx.json");
    let path: OsString = root.into();
    let with_sbom = argv(
        "signoff-vulns",
        args,
        out,
        &[path.clone(), "--sbom".into(), sbom.clone().into()],
    );
    let without = argv("signoff-vulns", args, out, &[path]);
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
fn plan_coverage(args: &CheckArgs, root: &Path, out: &Path) -> Planned {
    let report = args.coverage.clone().or_else(|| {
        COVERAGE_REPORTS
            .iter()
            .map(|name| root.join(name))
            .find(|path| path.is_file())
    });
    match report {
        Some(report) => {
            let extra: Vec<OsString> = vec![
                "--root".into(),
                root.into(),
                "--report".into(),
                report.into(),
            ];
            Planned::gate::<signoff_coverage::Args>(
                signoff_coverage::run,
                argv("signoff-coverage", args, out, &extra),
            )
        }
        None => Planned::skipped(
            "coverage",
            "no coverage report found (looked for lcov.info, coverage/lcov.info, coverage.xml, cobertura.xml, jacoco.xml, coverage.json, coverage.out, …); run the tests with coverage or pass --coverage FILE".into(),
        ),
    }
}
