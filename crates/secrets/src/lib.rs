//! signoff-secrets: the `secret-scan` gate. Finds credentials in the working tree
//! (`--mode tree`), in every blob version git still holds (`--mode history`), or in what the
//! commits after a base revision add (`--mode range`), and writes the gate report and
//! SARIF 2.1.0.
//!
//! Stages: load (policy, rules, baseline) → scan (`scan.rs` and `range.rs`, with the
//! engine in `engine.rs`) → findings (`findings.rs`) → report and SARIF (`sarif.rs`).

pub mod baseline;
pub mod decode;
pub mod engine;
pub mod findings;
pub mod generic;
pub mod git;
pub mod gitleaksignore;
pub mod local;
pub mod paths;
pub mod range;
pub mod reported;
pub mod rules;
pub mod sarif;
pub mod scan;

use std::path::{Path, PathBuf};

use signoff_core::policy::ScanMode;
use signoff_core::report::{Check, GateReport, Op, Severity};
use signoff_core::text::plural;
use signoff_core::{CommonArgs, GateArgs, Tool};

use crate::engine::Scanner;
use crate::rules::{Ruleset, Sources};
use crate::scan::{Scanned, Setup, Stats};

/// Files larger than this are skipped unless the policy says otherwise.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 10_000_000;
/// Layers of encoding decoded unless the policy says otherwise.
pub const DEFAULT_DECODE_DEPTH: u8 = 2;
/// The baseline file used when neither the command line nor the policy names one.
pub const DEFAULT_BASELINE: &str = ".signoff/secrets-baseline.json";
/// The SARIF file written into the output directory.
pub const SARIF_FILE: &str = "secret-scan.sarif";

/// What to scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// The files on disk (honouring .gitignore)
    Tree,
    /// Every blob version reachable from any ref, attributed to the commit that added it
    History,
    /// What the commits after --base add
    Range,
    /// What `git commit` would add: the staged lines (a pre-commit hook)
    Staged,
}

/// Find credentials in a repository's files and history.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "signoff-secrets", version, about)]
pub struct Args {
    /// Repository or directory to scan
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,

    /// What to scan [default: range in pull requests, history in a git repository with
    /// commits, tree otherwise]
    #[arg(long, value_enum)]
    pub mode: Option<Mode>,

    /// Base revision for --mode range [default: the pull request's base]
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,

    /// gitleaks-format rules and allowlists [default: .gitleaks.toml in PATH, when present]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Baseline of known findings that do not fail the gate [default: .signoff/secrets-baseline.json in PATH, when present]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the current findings to the baseline file and pass
    #[arg(long)]
    pub write_baseline: bool,

    /// Also write the SARIF log here (it is always written as secret-scan.sarif in --out)
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

impl GateArgs for Args {
    const GATE: &'static str = "secret-scan";
    fn tool() -> Tool {
        signoff_core::tool!()
    }
    fn common(&self) -> &CommonArgs {
        &self.common
    }
}

/// The mode `signoff check` and the binary pick when none is given: range inside a pull
/// request with a known base, history in a git repository with commits, tree otherwise.
pub fn default_mode(root: &Path, in_pull_request: bool) -> Mode {
    if in_pull_request {
        Mode::Range
    } else if git::is_repository(root) && git::has_commits(root) {
        Mode::History
    } else {
        Mode::Tree
    }
}

fn relative_to(root: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}

/// Sets up the worker pool once: two workers a core, so blob reads that wait on the disk
/// overlap with scanning, and deep delta chains have stack to spare.
fn init_pool() {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(cores * 2)
        .stack_size(16 << 20)
        .thread_name(|i| format!("signoff-secrets-{i}"))
        .build_global();
}

/// Runs the gate.
pub fn run(args: Args) -> GateReport {
    init_pool();
    let root = scan::root_of(args.path.as_ref());
    let (ctx, mut report) = match signoff_core::Context::start::<Args>(&args.common, &root) {
        Ok(v) => v,
        Err(report) => return *report,
    };
    let policy = ctx.policy.secret_scan();
    if !root.is_dir() {
        report.error(format!(
            "error: {} is not a directory\n  = help: pass the repository or directory to scan as PATH",
            root.display()
        ));
        return report.finish("nothing was scanned: the path is not a directory");
    }

    // Load: rules, baseline.
    let config = args
        .config
        .clone()
        .or_else(|| policy.config.as_ref().map(|p| relative_to(&root, p)))
        .or_else(|| {
            let default = root.join(".gitleaks.toml");
            default.is_file().then_some(default)
        });
    let rules: &'static Ruleset = match Ruleset::load(&Sources {
        config: config.as_deref(),
        disabled: &policy.disabled_rules,
    }) {
        Ok(rules) => Box::leak(Box::new(rules)),
        Err(error) => {
            report.error(error.to_string());
            return report.finish("the secret-scan rules are invalid, so nothing was scanned");
        }
    };
    if let Some(config) = &config
        && let Ok(text) = std::fs::read_to_string(config)
    {
        for (line, column, key) in rules::config::unknown_keys(&text) {
            report.warn(format!(
                "{}:{line}:{column}: unknown key `{key}` was ignored: neither gitleaks nor signoff has it; check its spelling, or remove it if it belongs to another tool",
                config.display()
            ));
        }
    }
    let ignore = match gitleaksignore::Ignore::load(&root) {
        Ok(ignore) => ignore,
        Err(error) => {
            report.error(format!(
                "error: cannot read {}: {error}\n  = help: check that the file is readable",
                root.join(gitleaksignore::FILE).display()
            ));
            return report.finish("nothing was scanned: .gitleaksignore is unreadable");
        }
    };
    if let Some(ignore) = &ignore {
        for (line, why) in &ignore.problems {
            report.warn(format!(
                "{}:{line}: {why}; the line was ignored",
                gitleaksignore::FILE
            ));
        }
    }
    if !rules.unknown_disabled.is_empty() {
        let ids: Vec<String> = rules
            .unknown_disabled
            .iter()
            .map(|id| format!("`{id}`"))
            .collect();
        report.warn(format!(
            "disabled rules {} match no rule in force, so nothing was disabled for them; check the ids in `[extend] disabledRules` of the gitleaks config and `disabled_rules` in signoff.yml (a gitleaks config may name gitleaks' ids; signoff's are the `rule` of its findings and listed in crates/secrets/src/rules/default.toml)",
            ids.join(", ")
        ));
        report.detail("unknown_disabled_rules", rules.unknown_disabled.clone());
    }
    let explicit_baseline = args
        .baseline
        .clone()
        .or_else(|| policy.baseline.as_ref().map(|p| relative_to(&root, p)));
    let baseline_path = explicit_baseline
        .clone()
        .unwrap_or_else(|| root.join(DEFAULT_BASELINE));
    let known = if args.write_baseline || (explicit_baseline.is_none() && !baseline_path.is_file())
    {
        None
    } else {
        match baseline::load(&baseline_path) {
            Ok(b) => Some(b),
            Err(error) => {
                report.error(error.to_string());
                return report.finish("the baseline file is invalid, so nothing was scanned");
            }
        }
    };

    // Mode.
    // Inside a pull request the range is its commits; on a push, the pushed commits
    // (`before..after`); elsewhere, the whole history.
    let event_base = ctx
        .github
        .as_ref()
        .and_then(|g| g.base_sha().map(str::to_owned));
    let mode = args.mode.or(policy.mode.map(|m| match m {
        ScanMode::Tree => Mode::Tree,
        ScanMode::History => Mode::History,
        ScanMode::Range => Mode::Range,
        ScanMode::Staged => Mode::Staged,
    }));
    let mode = mode.unwrap_or_else(|| default_mode(&root, event_base.is_some()));
    let setup = Setup {
        root: &root,
        rules,
        scanner: Scanner {
            rules,
            decode_depth: policy.decode_depth.unwrap_or(DEFAULT_DECODE_DEPTH),
        },
        exclude: scan::exclude_set(&policy.exclude),
        max_file_bytes: policy.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES),
        skip_dir: std::fs::canonicalize(&ctx.out).ok(),
    };
    report.detail("mode", mode_name(mode));
    if let Some(config) = &config {
        report.detail("config", config.display().to_string());
    }

    // Scan.
    let scanned = match mode {
        Mode::Tree => Ok(setup.tree()),
        Mode::Staged => {
            if !git::is_repository(&root) {
                report.error(format!(
                    "error: {} is not a git repository, so there is no index to read staged changes from\n  = help: run it inside a git repository (as a pre-commit hook does), or use `--mode tree`",
                    root.display()
                ));
                return report.finish("nothing was scanned: not a git repository");
            }
            setup.staged()
        }
        Mode::History | Mode::Range => {
            if !git::is_repository(&root) && root.join(".git").exists() {
                let why = git::git_text(&root, &["rev-parse", "--git-dir"])
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                report.error(format!(
                    "error: {} holds a .git that git cannot read ({why}), so `--mode {}` cannot read its history\n  = help: check that .git is readable by this user and intact (`git status`, `git fsck`), or use `--mode tree` to scan the files",
                    root.display(),
                    mode_name(mode)
                ));
                return report.finish("nothing was scanned: the repository is unreadable");
            }
            if !git::is_repository(&root) {
                report.error(format!(
                    "error: {} is not a git repository, so `--mode {}` cannot read its history\n  = help: use `--mode tree` to scan the files, or pass the repository's root",
                    root.display(),
                    mode_name(mode)
                ));
                return report.finish("nothing was scanned: not a git repository");
            }
            let shallow = git::git_text(&root, &["rev-parse", "--is-shallow-repository"])
                .is_ok_and(|s| s == "true");
            if shallow {
                report.warn(
                    "this is a shallow clone, so only the history it holds was scanned; fetch the whole history (actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)",
                );
                report.detail("shallow", true);
            }
            if mode == Mode::History {
                if !git::has_commits(&root) {
                    report.skip();
                    return report.finish(
                        "the repository has no commits yet, so there is no history to scan",
                    );
                }
                setup.history()
            } else {
                let Some(base) = args.base.clone().or(event_base.clone()) else {
                    report.error("error: `--mode range` needs a base revision\n  = help: pass `--base REV` (for example `--base origin/main`); inside a pull_request workflow the event's base is used, on a push the commit before it");
                    return report.finish("nothing was scanned: no base revision for the range");
                };
                let present = range::resolve(&root, &base).is_some();
                // A base named on the command line must exist; one from the event may be
                // missing from a shallow clone (actions/checkout's default depth).
                let required = args.base.is_some() && !shallow;
                if !present && required {
                    report.error(format!(
                        "error: the base revision `{base}` is not in this repository\n  = help: fetch it (actions/checkout with `fetch-depth: 0`), or pass an existing commit with --base"
                    ));
                    return report.finish("nothing was scanned: the base revision is missing");
                }
                if !present {
                    report.warn(format!(
                        "the base revision `{base}` is not in this clone, so what the pull request adds cannot be told apart: every file of the commits the clone holds was scanned and no line annotation was made; fetch the history (actions/checkout with `fetch-depth: 0`) to scan only what the pull request adds"
                    ));
                    report.detail("base_missing", true);
                }
                let event_head = ctx.github.as_ref().and_then(|g| match &g.pull_request {
                    Some(pr) => pr.head_sha.clone(),
                    None => g.sha.clone(),
                });
                let plan = range::plan(
                    &root,
                    present.then_some(base.as_str()),
                    event_head.as_deref(),
                );
                report.detail("base", base.clone());
                report.detail("head", plan.head.clone());
                let scanned = setup.range(&plan);
                if let Ok(scanned) = &scanned
                    && Stats::get(&scanned.stats.commits) == 0
                {
                    report.warn(format!(
                        "the range {base}..{} holds no commits, so nothing was scanned: HEAD is the base or behind it (as in a `pull_request_target` workflow, which checks out the base branch); check out the pull request's head (actions/checkout with `ref: ${{{{ github.event.pull_request.head.sha }}}}` and `fetch-depth: 0`), or pass an older --base",
                        findings::short(&plan.head)
                    ));
                }
                scanned
            }
        }
    };
    let mut scanned = match scanned {
        Ok(scanned) => scanned,
        Err(error) => {
            report.error(format!("error: cannot read the git history of {}: {error}\n  = help: check that the repository is intact (`git fsck`) and readable", root.display()));
            return report.finish("the scan could not read the repository");
        }
    };
    // On a developer's machine, what is not committed yet counts too: staged, modified
    // and untracked files that are not ignored.
    if ctx.github.is_none() && matches!(mode, Mode::History | Mode::Range) {
        match setup.uncommitted(&mut scanned) {
            Ok(files) => {
                report.metric("uncommitted_files_scanned", files);
                scanned.uncommitted = Some(files);
            }
            Err(error) => {
                report.warn(format!(
                    "the changes not committed yet could not be listed ({error}), so only the commits were scanned"
                ));
            }
        }
    }
    // Each history finding says whether HEAD still holds the secret, and where.
    if mode == Mode::History
        && let Err(error) = scan::mark_head(&root, &mut scanned.located)
    {
        report.warn(format!(
            "cannot tell which secrets HEAD still holds ({error}), so findings are annotated on the line where they were introduced"
        ));
    }
    finish(
        args,
        ctx,
        report,
        rules,
        scanned,
        mode,
        Accepted {
            known,
            ignore,
            baseline_path: &baseline_path,
        },
    )
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Tree => "tree",
        Mode::History => "history",
        Mode::Range => "range",
        Mode::Staged => "staged",
    }
}

/// What the team has accepted already: the baseline and gitleaks' `.gitleaksignore`.
struct Accepted<'a> {
    known: Option<baseline::Baseline>,
    ignore: Option<gitleaksignore::Ignore>,
    baseline_path: &'a Path,
}

fn finish(
    args: Args,
    ctx: signoff_core::Context,
    mut report: signoff_core::ReportBuilder,
    rules: &'static Ruleset,
    scanned: Scanned,
    mode: Mode,
    accepted: Accepted<'_>,
) -> GateReport {
    let Accepted {
        known,
        ignore,
        baseline_path,
    } = accepted;
    let Scanned {
        located,
        stats,
        problems,
        uncommitted,
    } = scanned;
    let policy = ctx.policy.secret_scan();
    let built = findings::build(rules, &policy, located);
    let mut findings = built.findings;

    if args.write_baseline {
        let text = baseline::render(&findings);
        if let Some(parent) = baseline_path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Err(error) = signoff_core::fs::write_atomic(baseline_path, text.as_bytes()) {
            report.error(format!("error: cannot write the baseline {}: {error}\n  = help: check that the directory is writable", baseline_path.display()));
        } else {
            report.detail("baseline_written", baseline_path.display().to_string());
        }
        let all = baseline::load(baseline_path).unwrap_or_default();
        all.apply(&mut findings);
    } else if let Some(known) = &known {
        let n = known.apply(&mut findings);
        report.detail("baseline", baseline_path.display().to_string());
        report.metric("baseline_known", n as u64);
    }
    if let Some(ignore) = ignore.as_ref().filter(|i| !i.is_empty()) {
        let n = ignore.apply(&mut findings, |id| {
            rules.detectors.iter().any(|d| d.id == id)
        });
        report.metric("gitleaksignore_known", n as u64);
    }
    let waived = ctx
        .policy
        .apply_waivers(Args::GATE, &mut findings, signoff_core::policy::today());
    let fail_on = policy.fail_on.unwrap_or(Severity::Medium);
    let open = findings.iter().filter(|f| !f.waived).count() as u64;
    let blocking = findings
        .iter()
        .filter(|f| !f.waived && f.severity >= fail_on)
        .count() as u64;
    let below = open - blocking;
    let max = policy.max_findings.unwrap_or(0);

    let get = Stats::get;
    let unit = if matches!(mode, Mode::Tree | Mode::Staged) {
        "files_scanned"
    } else {
        "blobs_scanned"
    };
    report
        .metric(unit, get(&stats.files))
        .metric("bytes_scanned", get(&stats.bytes))
        .metric("findings", findings.len() as u64)
        .metric("findings_unwaived", open)
        .metric("waived", waived as u64)
        .metric("rules", rules.detectors.len() as u64)
        .metric("binary_skipped", get(&stats.binary))
        .metric("too_large_skipped", get(&stats.too_large))
        .metric("inline_allowed", get(&stats.inline_allowed))
        .metric("allowlisted", get(&stats.allowlisted))
        .metric("excluded_skipped", get(&stats.excluded))
        .metric("example_placeholders", get(&stats.example_placeholders));
    if matches!(mode, Mode::History | Mode::Range) {
        report.metric("commits_scanned", get(&stats.commits));
        report.metric("unreachable_skipped", get(&stats.unreachable));
    } else {
        report.metric("symlinks_skipped", get(&stats.symlinks));
        report.metric("unreadable_skipped", get(&stats.unreadable));
    }
    for kind in rules::Kind::ALL {
        let n = findings
            .iter()
            .filter(|f| f.details.get("kind").and_then(|k| k.as_str()) == Some(kind.id()))
            .count() as u64;
        if n > 0 {
            report.metric(&format!("findings_{}", kind.id().replace('-', "_")), n);
        }
    }
    let skipped_total: u64 = built.skipped.iter().map(|(_, n)| n).sum();
    let mut skipped_note = String::new();
    if skipped_total > 0 {
        let parts: Vec<String> = built
            .skipped
            .iter()
            .map(|(context, n)| format!("{n} in {} paths", context.id()))
            .collect();
        report.metric("context_skipped", skipped_total);
        report.detail(
            "context_skipped",
            serde_json::Value::Object(
                built
                    .skipped
                    .iter()
                    .map(|(c, n)| (c.id().to_owned(), serde_json::Value::from(*n)))
                    .collect(),
            ),
        );
        skipped_note = format!(
            "; {} not listed by the policy's `contexts` ({})",
            plural(skipped_total, "more", "more"),
            parts.join(", ")
        );
    }
    if below > 0 {
        report.warn(format!(
            "{} below the `fail_on: {fail_on}` severity (under tests, examples or docs, or lowered by the policy): {}",
            plural(below, "finding is", "findings are"),
            "review them; they do not fail the gate"
        ));
    }
    if !problems.is_empty() {
        let shown: Vec<&str> = problems.iter().take(5).map(String::as_str).collect();
        report.warn(format!(
            "{} could not be read and {} skipped: {}",
            plural(problems.len() as u64, "object or file", "objects or files"),
            if problems.len() == 1 { "was" } else { "were" },
            shown.join("; ")
        ));
    }
    report.check(
        Check::new("unwaived-findings", Op::Le, max as f64, blocking as f64).message(format!(
            "secrets of severity {fail_on} or higher found and not waived, baselined or allowed inline"
        )),
    );

    // SARIF beside the report (and where --sarif says).
    let sarif = sarif::render(rules, &findings, env!("CARGO_PKG_VERSION"));
    let out = &ctx.out;
    let written = std::fs::create_dir_all(out)
        .and_then(|_| signoff_core::fs::write_atomic(&out.join(SARIF_FILE), sarif.as_bytes()));
    match written.and_then(|_| report.artifact(out, SARIF_FILE, "application/sarif+json")) {
        Ok(()) => {}
        Err(error) => {
            report.error(format!("error: cannot write {}: {error}\n  = help: check that --out names a writable directory", out.join(SARIF_FILE).display()));
        }
    }
    if let Some(extra) = &args.sarif
        && let Err(error) = signoff_core::fs::write_atomic(extra, sarif.as_bytes())
    {
        report.error(format!(
            "error: cannot write the SARIF log to {}: {error}\n  = help: check the --sarif path",
            extra.display()
        ));
    }

    let local = uncommitted.unwrap_or(0);
    let not_committed = match uncommitted {
        Some(n) if n > 0 => format!(" and {} not committed yet", plural(n, "file", "files")),
        _ => String::new(),
    };
    let scope = match mode {
        Mode::Tree => plural(get(&stats.files), "file", "files"),
        Mode::History => format!(
            "{} in {}{not_committed}",
            plural(get(&stats.files) - local, "blob", "blobs"),
            plural(get(&stats.commits), "commit", "commits")
        ),
        Mode::Range => format!(
            "what {} added{not_committed}",
            plural(get(&stats.commits), "commit", "commits")
        ),
        Mode::Staged => format!(
            "the staged changes ({})",
            plural(get(&stats.files), "file", "files")
        ),
    };
    // A scan that read nothing cannot pass: there was nothing to check (fail closed).
    let nothing_read = get(&stats.files) == 0 && findings.is_empty();
    if nothing_read {
        report.skip();
    }
    let summary = if nothing_read {
        match mode {
            Mode::Tree => "nothing to scan: no file to read".to_owned(),
            Mode::History => "nothing to scan: the history holds no file".to_owned(),
            Mode::Range => "nothing to scan: the range adds no file".to_owned(),
            Mode::Staged => "nothing to scan: no staged file".to_owned(),
        }
    } else if findings.is_empty() {
        format!("no secrets found in {scope}")
    } else if open == 0 {
        format!(
            "{} found in {scope}, all waived or baselined",
            plural(findings.len() as u64, "secret", "secrets")
        )
    } else {
        format!(
            "{} found in {scope}{}",
            plural(open, "secret", "secrets"),
            if findings.len() as u64 > open {
                format!(" ({} waived)", findings.len() as u64 - open)
            } else {
                String::new()
            }
        )
    };
    report.findings(findings);
    report.finish(format!("{summary}{skipped_note}"))
}

/// Entry points for the fuzz targets in `fuzz/`; not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    use signoff_core::diag::ConfigError;

    /// Builds the ruleset of a `.gitleaks.toml`'s text.
    pub fn gitleaks_config(text: &str) -> Result<crate::rules::Ruleset, ConfigError> {
        crate::rules::from_config_text(text, ".gitleaks.toml")
    }

    /// Parses `git log --raw -z` output as the history scan does, and maps each blob to
    /// where it first appeared.
    pub fn git_log(out: &[u8]) {
        let log = crate::git::history::fuzzing_parse(out);
        let _ = log.introductions();
    }
}
