//! signoff-report: turns gate reports into a sign-off. It reads every `*.gate.json` under
//! the given directories (several jobs, matrix shards) and any SARIF logs given with
//! `--sarif`, applies the policy, decides the verdict and score, and writes into the output
//! directory: `report.md`, `report.html`, `signoff.json`, `signoff.intoto.json` and a copy
//! of every gate report used (`gates/`). In Actions it also writes the job summary and,
//! with `--comment`, one sticky pull-request comment.

pub mod comment;
pub mod console;
pub mod decide;
pub mod html;
pub mod load;
pub mod merge;
pub mod output;
pub mod review;
mod sample;
pub mod sarif;
pub mod score;
pub mod staging;
pub mod template;
pub mod trend;
pub mod view;

use std::path::{Path, PathBuf};

use signoff_core::CommonArgs;
use signoff_core::diag::ConfigError;
use signoff_core::github;
use signoff_core::policy::{Policy, Source};

pub use decide::{Decision, Verdict};

/// Command-line arguments of `signoff-report` and `signoff report`.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "signoff-report",
    version,
    about = "Turn signoff gate reports into a sign-off report",
    args_conflicts_with_subcommands = true,
    after_help = console::AFTER_HELP
)]
pub struct Args {
    /// Directories searched recursively for *.gate.json [default: the output directory]
    #[arg(value_name = "ARTIFACT_DIR")]
    pub dirs: Vec<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,

    /// Handlebars template to render instead of the default (strict: every variable must exist)
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    /// A SARIF 2.1.0 log from another scanner, as a gate named NAME (repeatable)
    #[arg(long = "sarif", value_name = "NAME=FILE")]
    pub sarif: Vec<String>,

    /// Create or update one sticky comment on the pull request (needs GITHUB_TOKEN)
    #[arg(long)]
    pub comment: bool,

    /// What to print: `text` for people, `json` (signoff.json) for machines
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: console::Format,

    /// Tells sticky comments of several sign-offs in one pull request apart
    #[arg(long, value_name = "KEY", default_value = "signoff")]
    pub comment_key: String,

    /// The pull request to comment on, when the event does not name it (a `workflow_run`
    /// reporting on a fork's pull request, whose number the report action looked up)
    #[arg(long, value_name = "NUMBER", requires = "comment")]
    pub pull_request: Option<u64>,

    /// The signoff.json of an earlier sign-off (the base branch's), to show what changed since
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands of `signoff-report`.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Recompute the digest of every file a sign-off folder lists and fail on any change
    Verify {
        /// The folder the report wrote (it holds signoff.intoto.json)
        dir: PathBuf,
    },
}

/// Why the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Policy(#[from] ConfigError),
    #[error("error: {0}")]
    Usage(String),
    #[error("{0}")]
    Template(#[from] template::TemplateError),
    #[error(
        "error: cannot write {path}: {source}\n  = help: check that --out (or SIGNOFF_DIR) names a writable directory"
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What a report run produced.
#[derive(Debug)]
pub struct Outcome {
    pub decision: Decision,
    pub markdown_path: PathBuf,
    /// A problem with the pull-request comment (the report files are still written).
    pub comment_error: Option<String>,
    /// `signoff.json`'s content, for `--format json`.
    pub signoff: serde_json::Value,
}

/// Reads the gate reports, decides and writes the report files.
pub fn run(args: &Args) -> Result<Outcome, Error> {
    let policy = Policy::load(Path::new("."), args.common.policy.as_deref())?;
    if let Some(note) = policy.note() {
        signoff_core::errln!("{note}");
    }
    run_with_policy(args, &policy)
}

/// The files a report run writes into the output directory (besides `gates/`).
pub const FILES: &[&str] = &[
    "report.md",
    "report.html",
    "signoff.json",
    "signoff-badge.svg",
    "signoff.intoto.json",
];

/// Checks what the user named before any work: the template renders, every directory to
/// read exists, every SARIF file exists. Each is a usage error (exit 2), never a verdict.
pub fn preflight(args: &Args) -> Result<Prepared, Error> {
    let templates = template::Templates::load(args.template.as_deref())?;
    templates.validate()?;
    for dir in &args.dirs {
        if !dir.is_dir() {
            let what = if dir.exists() {
                "is not a directory"
            } else {
                "does not exist"
            };
            return Err(Error::Usage(format!(
                "{} {what}, so no gate report can be read from it\n  = help: give the directories the gate reports were written to (their `--out`), or downloaded into",
                dir.display()
            )));
        }
    }
    for spec in &args.sarif {
        let (_, file) = sarif::parse_spec(spec).map_err(Error::Usage)?;
        if !file.is_file() {
            return Err(Error::Usage(format!(
                "`--sarif {spec}`: {} {}\n  = help: give the SARIF log the scanner wrote, like `--sarif codeql=results.sarif`",
                file.display(),
                if file.exists() {
                    "is not a file"
                } else {
                    "does not exist"
                }
            )));
        }
    }
    let baseline = match &args.baseline {
        Some(path) => Some(trend::load(path).map_err(Error::Usage)?),
        None => None,
    };
    Ok(Prepared {
        templates,
        baseline,
    })
}

/// What [`preflight`] checked and read: the templates, and the `--baseline` sign-off.
pub struct Prepared {
    pub templates: template::Templates,
    pub baseline: Option<trend::Baseline>,
}

/// Like [`run`], with the policy already loaded.
pub fn run_with_policy(args: &Args, policy: &Policy) -> Result<Outcome, Error> {
    let prepared = preflight(args)?;
    let out = &args.common.out;
    let staging = staging::Staging::beside(out).map_err(|source| Error::Write {
        path: out.clone(),
        source,
    })?;
    let outcome = write_report(args, policy, &prepared, staging.path())?;
    staging.merge().map_err(|source| Error::Write {
        path: out.clone(),
        source,
    })?;
    Ok(Outcome {
        markdown_path: out.join("report.md"),
        ..outcome
    })
}

/// Reads, decides and writes every file into `staged` (renamed into place by the caller).
fn write_report(
    args: &Args,
    policy: &Policy,
    prepared: &Prepared,
    staged: &Path,
) -> Result<Outcome, Error> {
    let templates = &prepared.templates;
    let out = &args.common.out;
    let github = github::Context::from_env();
    let today = signoff_core::policy::today();

    let dirs = if args.dirs.is_empty() {
        vec![out.clone()]
    } else {
        args.dirs.clone()
    };
    let copies = out.join(output::COPIES);
    let mut found = load::find(&dirs, Some(&copies));
    let subject = found
        .reports
        .iter()
        .map(|l| l.report.subject.clone())
        .find(|s| s.commit.is_some())
        .unwrap_or_else(|| signoff_core::subject::detect(Path::new("."), github.as_ref()));
    for spec in &args.sarif {
        let (name, file) = sarif::parse_spec(spec).map_err(Error::Usage)?;
        let section = policy.external.get(&name).cloned().unwrap_or_default();
        found.reports.push(sarif::load(
            &name,
            &file,
            &section,
            subject.clone(),
            today,
            policy,
        ));
    }
    merge::coverage_shards(&mut found, policy);
    let mut decision = decide::decide(found, policy, today);
    let integrity =
        output::copy_gate_reports(&mut decision, staged).map_err(|source| Error::Write {
            path: staged.join(output::COPIES),
            source,
        })?;

    let context = context(&subject, github.as_ref(), policy);
    let review = review::build(&decision);
    let mut full = view::build(
        &decision,
        review.clone(),
        &context,
        integrity.clone(),
        false,
    );
    full.trend = prepared
        .baseline
        .as_ref()
        .map(|b| trend::compare(b, decision.score, &full.review));
    let markdown = templates.render(&full)?;
    write(&staged.join("report.md"), markdown.as_bytes())?;
    let title = match &context.repository {
        Some(repository) => format!("Sign-off: {} — {repository}", decision.verdict),
        None => format!("Sign-off: {}", decision.verdict),
    };
    let html = html::page(&markdown, &title, Some(&full));
    write(&staged.join("report.html"), html.as_bytes())?;
    let signoff = output::signoff_json(&decision, &review, &context, &integrity);
    let signoff_text = output::pretty(&signoff);
    write(&staged.join("signoff.json"), signoff_text.as_bytes())?;
    let mut files = vec![
        view::FileDigest {
            path: "report.md".into(),
            sha256: signoff_core::fs::sha256_hex(markdown.as_bytes()),
        },
        view::FileDigest {
            path: "report.html".into(),
            sha256: signoff_core::fs::sha256_hex(html.as_bytes()),
        },
        view::FileDigest {
            path: "signoff.json".into(),
            sha256: signoff_core::fs::sha256_hex(signoff_text.as_bytes()),
        },
    ];
    let badge = badge(&decision);
    write(&staged.join("signoff-badge.svg"), badge.as_bytes())?;
    files.push(view::FileDigest {
        path: "signoff-badge.svg".into(),
        sha256: signoff_core::fs::sha256_hex(badge.as_bytes()),
    });
    files.extend(integrity.iter().cloned());
    write(
        &staged.join("signoff.intoto.json"),
        output::pretty(&output::statement(&files, &signoff)).as_bytes(),
    )?;

    // The compact rendering serves the job summary and the comment when the full one is
    // too large for them.
    let compact = || -> Result<String, Error> {
        let mut compact = view::build(&decision, review.clone(), &context, integrity.clone(), true);
        compact.trend = full.trend.clone();
        Ok(templates.render(&compact)?)
    };
    let mut comment_error = None;
    if github.is_some() {
        let summary = if markdown.len() > github::files::SUMMARY_LIMIT {
            compact()?
        } else {
            markdown.clone()
        };
        if let Err(error) = github::files::append_summary(&summary) {
            tracing::warn!("cannot write the job summary: {error}");
        }
        for (name, value) in [
            ("verdict", decision.verdict.as_str().to_owned()),
            ("score", decision.score.to_string()),
            ("report", out.join("report.md").display().to_string()),
            ("html", out.join("report.html").display().to_string()),
            ("json", out.join("signoff.json").display().to_string()),
        ] {
            if let Err(error) = github::files::set_output(name, &value) {
                tracing::warn!("cannot set step output `{name}`: {error}");
            }
        }
    }
    if args.comment {
        // The comment is short (verdict, changes, areas, what to fix first, a link); the
        // report itself is in the job summary and the artifact.
        let mut body = templates.render_comment(&full)?;
        if body.chars().count() > comment::MAX_BODY_CHARS {
            body = compact()?;
        }
        match comment::post(github.as_ref(), args.pull_request, &args.comment_key, &body) {
            Ok(posted) => tracing::info!("pull-request comment: {posted:?}"),
            Err(error) => comment_error = Some(error.to_string()),
        }
    }
    Ok(Outcome {
        decision,
        markdown_path: staged.join("report.md"),
        comment_error,
        signoff,
    })
}

/// The sign-off badge: `sign-off | APPROVED 96`, colored by the verdict.
fn badge(decision: &Decision) -> String {
    let (word, color) = match decision.verdict {
        Verdict::Approved => ("APPROVED", "#2da44e"),
        Verdict::ApprovedWithConditions => ("CONDITIONS", "#bf8700"),
        Verdict::Rejected => ("REJECTED", "#cf222e"),
    };
    signoff_core::badge::svg("sign-off", &format!("{word} {}", decision.score), color)
}

fn context(
    subject: &signoff_core::Subject,
    github: Option<&github::Context>,
    policy: &Policy,
) -> view::Context {
    let generated_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_default();
    view::Context {
        repository: subject.repository.clone(),
        commit: subject.commit.clone(),
        git_ref: subject.git_ref.clone(),
        server_url: github.map_or_else(|| "https://github.com".into(), |g| g.server_url.clone()),
        run_url: github.and_then(|g| g.run_url()),
        actor: github.and_then(|g| g.actor.clone()).or_else(|| {
            std::env::var("USER")
                .ok()
                .map(|user| format!("{user} (local run)"))
        }),
        event: github.map(|g| g.event_name.clone()),
        workflow: github.and_then(|g| g.workflow.clone()),
        generated_at,
        artifact_name: github::files::artifact_name(),
        policy_source: match &policy.source {
            Source::Default => "the default policy".into(),
            Source::EmptyFile(path) => format!("the default policy ({} is empty)", path.display()),
            Source::File(path) => path.display().to_string(),
        },
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    signoff_core::fs::write_atomic(path, bytes).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Entry points for the fuzz targets in `fuzz/`; not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    /// Parses `bytes` as a SARIF log and, when it parses, turns it into a gate report.
    pub fn sarif(bytes: &[u8]) -> Result<signoff_core::GateReport, String> {
        let log = crate::sarif::parse_log(bytes)?;
        let policy = signoff_core::policy::Policy::default_policy();
        let today = jiff::civil::date(2026, 1, 1);
        Ok(crate::sarif::to_report(
            "fuzz",
            &log,
            &Default::default(),
            signoff_core::Subject::default(),
            today,
            &policy,
        ))
    }

    /// Parses a gate report and renders the whole report of it (markdown, HTML and
    /// signoff.json); `false` when the bytes are not a gate report.
    pub fn gate_report(bytes: &[u8]) -> bool {
        let Ok(report) = crate::load::parse(bytes) else {
            return false;
        };
        let policy = signoff_core::policy::Policy::default_policy();
        let mut found = crate::load::Found::default();
        found.reports.push(crate::load::Loaded {
            path: "fuzz.gate.json".into(),
            display: "fuzz.gate.json".into(),
            sha256: String::new(),
            report,
            external: false,
            merged: false,
        });
        crate::merge::coverage_shards(&mut found, &policy);
        let decision = crate::decide::decide(found, &policy, jiff::civil::date(2026, 1, 1));
        let context = crate::context(&signoff_core::Subject::default(), None, &policy);
        let templates =
            crate::template::Templates::load(None).expect("the built-in templates load");
        let review = crate::review::build(&decision);
        for compact in [false, true] {
            let view = crate::view::build(&decision, review.clone(), &context, Vec::new(), compact);
            let markdown = templates.render(&view).expect("a report renders");
            let _ = crate::html::page(&markdown, "fuzz", Some(&view));
        }
        let _ = crate::output::signoff_json(&decision, &review, &context, &[]);
        true
    }
}
