//! The gate: load and merge the reports, map their paths, apply the thresholds, and build
//! the report (metrics, checks, findings for uncovered changed lines, per-file table).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use signoff_core::report::{Check, Finding, GateReport, Op};
use signoff_core::text::{plural, thousands};
use signoff_core::{Context, ReportBuilder};

use crate::diff::Changes;
use crate::error::{InputError, Shown};
use crate::model::{self, Counter, FileCov, Totals};
use crate::parse::{self, Format};
use crate::patch::{self, Patch};
use crate::paths::{self, Mapped, Mapper, PathMap};
use crate::{Args, MergeArgs};

signoff_core::rules! {
    /// Rules of the coverage gate.
    pub enum Rule {
        /// Changed lines no test ran.
        UncoveredChangedLines = ("uncovered-changed-lines", Severity::Medium, "Lines the change adds or modifies are not covered by any test"),
        /// A report file that maps to no repository file.
        UnmappedFile = ("unmapped-file", Severity::Low, "A file named in the coverage report maps to no file of the repository"),
        /// A report file that matches several repository files equally well.
        AmbiguousFile = ("ambiguous-file", Severity::Low, "A file named in the coverage report matches several repository files equally well"),
    }
}

/// Most per-file rows in the report's details.
const FILE_ROWS: usize = 100;
/// Most findings for uncovered changed lines.
const MAX_RANGE_FINDINGS: usize = 500;
/// Most unmapped files listed.
const MAX_UNMAPPED: usize = 200;

/// A percentage as shown to people: one decimal, rounded down so 99.97 never shows as 100.
pub fn pct(value: f64) -> String {
    let floored = (value * 10.0).floor() / 10.0;
    if floored.fract() == 0.0 {
        format!("{floored:.0}")
    } else {
        format!("{floored:.1}")
    }
}

pub fn run(args: Args) -> GateReport {
    let root = args.root.clone();
    let (ctx, mut report) = match Context::start::<Args>(&args.common, &root) {
        Ok(started) => started,
        Err(report) => return *report,
    };
    if args.command.is_some() {
        report.error("error: `merge` writes an lcov file, not a gate report\n  = help: run `signoff-coverage merge --report FILE…`");
        return report.finish("merging is not judging, so no coverage was judged");
    }
    let outcome = evaluate(&args, &ctx, &mut report);
    match outcome {
        Ok(summary) => report.finish(summary),
        Err(error) => {
            report.error(Shown(&error).to_string());
            let summary = match &error {
                InputError::Diff { .. } => {
                    "the changed lines could not be read, so coverage was not judged"
                }
                _ => "a coverage report could not be read, so coverage was not judged",
            };
            report.finish(summary)
        }
    }
}

/// Reports parsed, mapped and merged.
struct Loaded {
    files: BTreeMap<String, FileCov>,
    /// The producing tool's own totals, when one report is taken whole.
    declared: Option<Totals>,
    formats: Vec<(String, Format)>,
    unmapped: Vec<String>,
    ambiguous: Vec<(String, Vec<String>)>,
    /// Files that two reports give as totals only: `(path, report used, report not used)`.
    summary_conflicts: Vec<(String, String, String)>,
}

/// One report parsed and its paths mapped.
struct OneReport {
    shown: String,
    format: Format,
    declared: Option<Totals>,
    files: Vec<(String, FileCov)>,
    nowhere: Vec<String>,
    ambiguous: Vec<(String, Vec<String>)>,
    mapped_any: bool,
}

fn parse_and_map(report: &Path, mapper: &Mapper) -> Result<OneReport, InputError> {
    let started = std::time::Instant::now();
    let parsed = parse::parse_file(report)?;
    tracing::debug!(
        "parsed {} ({} files) in {:?}",
        report.display(),
        parsed.files.len(),
        started.elapsed()
    );
    let mut out = OneReport {
        shown: report.display().to_string(),
        format: parsed.format,
        declared: parsed.declared,
        files: Vec::with_capacity(parsed.files.len()),
        nowhere: Vec::new(),
        ambiguous: Vec::new(),
        mapped_any: false,
    };
    for (raw, file) in parsed.files {
        let mapped = mapper.map(&raw, &parsed.sources);
        match &mapped {
            Mapped::Repo(_) | Mapped::Kept(_) => out.mapped_any = true,
            Mapped::Nowhere(path) => out.nowhere.push(path.clone()),
            Mapped::Ambiguous(path, options) => {
                out.ambiguous.push((path.clone(), options.clone()));
            }
        }
        out.files.push((mapped.key().to_owned(), file));
    }
    tracing::debug!("mapped {} in {:?}", out.shown, started.elapsed());
    Ok(out)
}

/// Parses and maps every report in parallel (a large report is also cut into pieces
/// parsed on every core), then merges them in the order given, so the totals and the
/// error reported (the first failing report's) do not depend on timing.
fn load(reports: &[PathBuf], mapper: &Mapper, root: &Path) -> Result<Loaded, InputError> {
    use rayon::prelude::*;
    let mut loaded = Loaded {
        files: BTreeMap::new(),
        declared: None,
        formats: Vec::new(),
        unmapped: Vec::new(),
        ambiguous: Vec::new(),
        summary_conflicts: Vec::new(),
    };
    let results: Vec<Result<OneReport, InputError>> = reports
        .par_iter()
        .map(|report| parse_and_map(report, mapper))
        .collect();
    // Which report each totals-only file came from, to say which one was used.
    let mut summary_from: BTreeMap<String, String> = BTreeMap::new();
    for result in results {
        let one = result?;
        if !one.mapped_any && mapper.has_repository {
            return Err(InputError::Unmapped {
                file: one.shown,
                files: plural(one.files.len() as u64, "file", "files"),
                root: mapper.root_shown.clone(),
                example: one.nowhere.first().cloned().unwrap_or_default(),
            });
        }
        for (key, file) in one.files {
            match loaded.files.get_mut(&key) {
                Some(existing) => {
                    if let (Some(mine), Some(theirs)) = (&existing.summary, &file.summary) {
                        let earlier = summary_from.get(&key).cloned().unwrap_or_default();
                        let (used, dropped) = if model::summary_wins(theirs, mine) {
                            summary_from.insert(key.clone(), one.shown.clone());
                            (one.shown.clone(), earlier)
                        } else {
                            (earlier, one.shown.clone())
                        };
                        loaded.summary_conflicts.push((key.clone(), used, dropped));
                    }
                    existing.merge(file);
                }
                None => {
                    if file.summary.is_some() {
                        summary_from.insert(key.clone(), one.shown.clone());
                    }
                    loaded.files.insert(key, file);
                }
            }
        }
        loaded.unmapped.extend(one.nowhere);
        loaded.ambiguous.extend(one.ambiguous);
        if one.format == Format::GoCover {
            go_functions(&mut loaded.files, root);
        }
        loaded.formats.push((one.shown, one.format));
        loaded.declared = if reports.len() == 1 {
            one.declared
        } else {
            None
        };
    }
    loaded.unmapped.sort();
    loaded.unmapped.dedup();
    Ok(loaded)
}

/// Go profiles name no functions; `go tool cover -func` finds them in the source. When
/// every profiled file's source is in the repository, do the same; otherwise functions
/// stay absent rather than partly counted.
fn go_functions(files: &mut BTreeMap<String, FileCov>, root: &Path) {
    let go: Vec<&String> = files
        .iter()
        .filter(|(_, f)| !f.blocks.is_empty())
        .map(|(p, _)| p)
        .collect();
    let sources: Vec<(String, String)> = go
        .iter()
        .filter_map(|p| {
            std::fs::read_to_string(root.join(p))
                .ok()
                .map(|s| ((*p).clone(), s))
        })
        .collect();
    if sources.len() != go.len() {
        return;
    }
    for (path, source) in sources {
        if let Some(file) = files.get_mut(&path) {
            for (name, line, covered) in crate::parse::go_functions(&source, &file.blocks) {
                file.functions.push(crate::model::function(
                    crate::model::hash(&[name.as_bytes(), &line.to_le_bytes()]),
                    covered,
                ));
            }
            file.has.functions = true;
            file.finish();
        }
    }
}

fn mapper_for(root: &Path, changes: Option<&Changes>, maps: &[PathMap]) -> Mapper {
    let repo_files = paths::repository_files(root);
    let diff_files = changes
        .map(|c| c.files.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    Mapper::new(root, repo_files, diff_files, maps.to_vec())
}

fn changes(
    args: &Args,
    ctx: &Context,
    report: &mut ReportBuilder,
) -> Result<Option<(Changes, String)>, InputError> {
    if let Some(path) = &args.diff {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| InputError::Read {
            file: shown.clone(),
            source,
        })?;
        return Ok(Some((
            crate::diff::parse(&bytes, &shown)?,
            format!("diff {shown}"),
        )));
    }
    if let Some(base) = &args.base {
        return Ok(Some((
            crate::diff::from_git(&ctx.root, base)?,
            format!("changes since {base}"),
        )));
    }
    // In a pull request, its base commit; a failure there is a warning, not an error.
    if let Some(base) = ctx.github.as_ref().and_then(|g| g.base_sha()) {
        match crate::diff::from_git(&ctx.root, base) {
            Ok(changes) => return Ok(Some((changes, format!("changes since {base}")))),
            Err(error) => {
                report.warn(format!("patch coverage skipped: {error}"));
            }
        }
    }
    Ok(None)
}

fn evaluate(args: &Args, ctx: &Context, report: &mut ReportBuilder) -> Result<String, InputError> {
    if args.reports.is_empty() {
        return Err(InputError::Read {
            file: "--report".into(),
            source: std::io::Error::other(
                "no coverage report given: pass --report FILE (lcov.info, coverage.xml, …)",
            ),
        });
    }
    let policy = ctx.policy.coverage();
    let changes = changes(args, ctx, report)?;
    let mapper = mapper_for(&ctx.root, changes.as_ref().map(|(c, _)| c), &args.path_maps);
    let mut loaded = load(&args.reports, &mapper, &ctx.root)?;

    // Ignored paths leave every number.
    if !policy.ignore.is_empty() {
        let before = loaded.files.len();
        loaded
            .files
            .retain(|path, _| !policy.ignore.iter().any(|glob| glob.is_match(path)));
        if loaded.files.len() != before {
            loaded.declared = None;
        }
        report.detail("ignored_files", (before - loaded.files.len()) as u64);
    }
    let totals = with_declared(sum(loaded.files.values()), loaded.declared);
    let Some(main) = totals.line_like().filter(|c| c.total > 0) else {
        return Err(InputError::Empty {
            file: args
                .reports
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            what: "no instrumented line is left after the policy's `ignore` globs".into(),
        });
    };
    let line_word = if totals.lines.is_some() {
        "lines"
    } else {
        "statements"
    };

    report.metric("files", loaded.files.len() as u64);
    count_metrics(report, &totals);

    // Overall thresholds.
    let threshold = |flag: Option<f64>, policy: Option<signoff_core::policy::Percent>| {
        flag.or(policy.map(|p| p.0))
    };
    let wanted = [
        (
            "lines",
            threshold(args.lines, policy.lines),
            totals.line_like(),
            line_word,
        ),
        (
            "branches",
            threshold(args.branches, policy.branches),
            totals.branches,
            "branches",
        ),
        (
            "functions",
            threshold(args.functions, policy.functions),
            totals.functions,
            "functions",
        ),
        (
            "statements",
            threshold(args.statements, policy.statements),
            totals.statements,
            "statements",
        ),
    ];
    let thresholds_set = wanted.iter().any(|w| w.1.is_some())
        || !policy.paths.is_empty()
        || args.patch.or(policy.patch.map(|p| p.0)).is_some()
        || args.baseline.is_some();
    for (name, minimum, counter, unit) in wanted {
        let Some(minimum) = minimum else { continue };
        match counter.and_then(|c| c.percent().map(|p| (c, p))) {
            Some((counter, percent)) => {
                report.check(
                    Check::new(name, Op::Ge, minimum, round(percent)).message(format!(
                        "{} of {} {unit} covered",
                        thousands(counter.covered),
                        thousands(counter.total)
                    )),
                );
            }
            None => {
                report.warn(format!(
                    "a {name} threshold of {minimum}% is set, but the report has no {name} data, so it was not applied"
                ));
            }
        }
    }

    // Per-path thresholds.
    for rule in &policy.paths {
        let group = sum(loaded
            .files
            .iter()
            .filter(|(p, _)| rule.path.is_match(p))
            .map(|(_, f)| f));
        let pattern = &rule.path.pattern;
        for (name, minimum, counter) in [
            ("lines", rule.lines, group.line_like()),
            ("branches", rule.branches, group.branches),
            ("functions", rule.functions, group.functions),
            ("statements", rule.statements, group.statements),
        ] {
            let Some(minimum) = minimum else { continue };
            match counter.and_then(|c| c.percent().map(|p| (c, p))) {
                Some((counter, percent)) => {
                    report.check(
                        Check::new(
                            format!("{name} {pattern}"),
                            Op::Ge,
                            minimum.0,
                            round(percent),
                        )
                        .message(format!(
                            "{} of {} {name} covered in the files matching `{pattern}`",
                            thousands(counter.covered),
                            thousands(counter.total)
                        )),
                    );
                }
                None => {
                    report.warn(format!(
                        "no file with {name} data matches the policy path `{pattern}`, so its threshold was not applied"
                    ));
                }
            }
        }
    }

    // Patch coverage.
    let mut summary_parts = vec![format!(
        "{} {}% ({}/{})",
        line_word,
        pct(main.percent().unwrap_or(0.0)),
        thousands(main.covered),
        thousands(main.total)
    )];
    for (name, counter) in [
        ("branches", totals.branches),
        ("functions", totals.functions),
    ] {
        if let Some(percent) = counter.and_then(Counter::percent) {
            summary_parts.push(format!("{name} {}%", pct(percent)));
        }
    }
    let line_data = loaded.files.values().any(FileCov::has_line_data);
    if let (Some(_), false) = (&changes, line_data) {
        report.warn(
            "the report has totals only (no per-line data), so patch coverage cannot be measured; give a per-line report (lcov, Cobertura, coverage-final.json, …)",
        );
    }
    if let (Some((changes, source)), true) = (&changes, line_data) {
        let patch = patch::compute(changes, &loaded.files);
        report_patch(
            args,
            &policy,
            &patch,
            changes,
            source,
            ctx,
            report,
            &mut summary_parts,
        );
    }

    // Baseline.
    if let Some(path) = &args.baseline {
        let base = baseline(path, &mapper)?;
        let max_drop = args
            .max_drop
            .or(policy.max_drop.map(|p| p.0))
            .unwrap_or(0.0);
        let now = main.percent().unwrap_or(0.0);
        match base.and_then(Counter::percent) {
            Some(before) => {
                let delta = now - before;
                report.metric_f64("lines_delta", round(delta));
                report.check(Check::new("lines-delta", Op::Ge, -max_drop, round(delta)).message(format!(
                    "{line_word} coverage went from {}% to {}% (at most {max_drop} points of drop allowed)",
                    pct(before),
                    pct(now)
                )));
                summary_parts.push(format!(
                    "{}{} points vs baseline",
                    if delta >= 0.0 { "+" } else { "" },
                    round2(delta)
                ));
            }
            None => {
                report.warn(format!(
                    "the baseline {} has no {line_word} data, so no delta was computed",
                    path.display()
                ));
            }
        }
    }

    // Mapping problems: listed, never dropped silently.
    if !loaded.unmapped.is_empty() {
        report.warn(format!(
            "{} in the report {} to no file of the repository (still counted; see details.unmapped_files, or use --path-map)",
            plural(loaded.unmapped.len() as u64, "file", "files"),
            if loaded.unmapped.len() == 1 { "maps" } else { "map" }
        ));
        for path in loaded.unmapped.iter().take(50) {
            report.finding(
                Finding::new(Rule::UnmappedFile)
                    .identity(path)
                    .message(format!("`{path}` in the coverage report matches no repository file"))
                    .help("use --path-map FROM=TO to rewrite the report's build paths to repository paths")
                    .build(),
            );
        }
        report.detail(
            "unmapped_files",
            loaded
                .unmapped
                .iter()
                .take(MAX_UNMAPPED)
                .cloned()
                .collect::<Vec<_>>(),
        );
    }
    if let Some((path, used, dropped)) = loaded.summary_conflicts.first() {
        report.warn(format!(
            "{} given as totals only by more than one report (`{path}`: {used} and {dropped}); totals cannot be merged line by line, so for each the report with more covered lines was used (see details.summary_conflicts), and the merged totals may be too low; give per-line reports (lcov, coverage-final.json, …) to merge shards",
            plural(loaded.summary_conflicts.len() as u64, "file is", "files are"),
        ));
        report.detail(
            "summary_conflicts",
            loaded
                .summary_conflicts
                .iter()
                .take(MAX_UNMAPPED)
                .map(|(path, used, dropped)| {
                    serde_json::json!({"path": path, "used": used, "not_used": dropped})
                })
                .collect::<Vec<_>>(),
        );
    }
    for (path, options) in &loaded.ambiguous {
        report.finding(
            Finding::new(Rule::AmbiguousFile)
                .identity(path)
                .detail("candidates", options.clone())
                .message(format!(
                    "`{path}` matches {} repository files equally well",
                    options.len()
                ))
                .help("use --path-map FROM=TO to say which one it is")
                .build(),
        );
    }

    report.detail(
        "reports",
        loaded
            .formats
            .iter()
            .map(|(file, format)| serde_json::json!({"file": file, "format": format.name()}))
            .collect::<Vec<_>>(),
    );
    report.detail("files", file_table(&loaded.files));
    write_badge(ctx, report, main.percent());
    write_line_data(ctx, report, &loaded.files);
    if !thresholds_set {
        report.warn(
            "no coverage threshold is set, so coverage was measured but not judged; set `lines`, `branches`, `functions` or `statements` in the `coverage` section of signoff.yml (for example lines 95, functions 98, branches 95, statements 95), or pass --lines N",
        );
    }
    Ok(summary_parts.join(", "))
}

#[allow(clippy::too_many_arguments)]
fn report_patch(
    args: &Args,
    policy: &signoff_core::policy::CoveragePolicy,
    patch: &Patch,
    changes: &Changes,
    source: &str,
    ctx: &Context,
    report: &mut ReportBuilder,
    summary: &mut Vec<String>,
) {
    report.metric("patch_lines_total", patch.counter.total);
    report.metric("patch_lines_covered", patch.counter.covered);
    let minimum = args.patch.or(policy.patch.map(|p| p.0));
    let (min_lines, min_from) = match (args.patch_min_lines, policy.patch_min_lines) {
        (Some(n), _) => (n, "--patch-min-lines"),
        (None, Some(n)) => (n, "the policy's patch_min_lines"),
        (None, None) => (0, ""),
    };
    match patch.counter.percent() {
        Some(percent) => {
            summary.push(format!(
                "patch {}% ({}/{})",
                pct(percent),
                thousands(patch.counter.covered),
                thousands(patch.counter.total)
            ));
            if let Some(minimum) = minimum {
                if patch.counter.total < min_lines {
                    report.detail(
                        "patch_threshold_skipped",
                        format!(
                            "{} changed executable lines, fewer than {min_from} of {min_lines}",
                            patch.counter.total
                        ),
                    );
                } else {
                    report.check(
                        Check::new("patch", Op::Ge, minimum, round(percent)).message(format!(
                            "{} of {} changed executable lines covered ({source})",
                            thousands(patch.counter.covered),
                            thousands(patch.counter.total)
                        )),
                    );
                }
            }
        }
        None => summary.push(format!(
            "no changed executable line in {}",
            plural(changes.files.len() as u64, "changed file", "changed files")
        )),
    }
    let mut findings = Vec::new();
    let mut uncovered = serde_json::Map::new();
    for file in &patch.files {
        if !file.uncovered_lines.is_empty() {
            uncovered.insert(file.path.clone(), file.uncovered_lines.clone().into());
        }
        let text = std::fs::read(ctx.root.join(&file.path)).ok();
        for &(start, end) in &file.uncovered {
            if findings.len() >= MAX_RANGE_FINDINGS {
                break;
            }
            let lines = end - start + 1;
            let identity = text
                .as_deref()
                .and_then(|t| source_lines(t, start, end))
                .unwrap_or_else(|| format!("{start}-{end}"));
            let mut finding = Finding::new(Rule::UncoveredChangedLines)
                .at(&file.path, u64::from(start))
                .identity(&identity)
                .message(if lines == 1 {
                    format!("changed line {start} is not covered by tests")
                } else {
                    format!("changed lines {start}-{end} are not covered by tests")
                })
                .help("add a test that runs these lines, or waive them in signoff.yml")
                .build();
            if let Some(location) = finding.location.as_mut() {
                location.end_line = (end > start).then_some(u64::from(end));
            }
            findings.push(finding);
        }
    }
    report.detail(
        "patch",
        serde_json::json!({
            "source": source,
            "changed_files": changes.files.len(),
            "changed_lines": changes.lines(),
            "changed": changed_ranges(changes),
            "lines_total": patch.counter.total,
            "lines_covered": patch.counter.covered,
            "uncovered_lines": uncovered,
            "unmeasured_files": patch.unmeasured_files,
        }),
    );
    let mut findings: Vec<Finding> = findings;
    ctx.policy
        .apply_waivers("coverage", &mut findings, signoff_core::policy::today());
    report.findings(findings);
}

/// The text of lines `start..=end`, so a finding keeps its fingerprint when code moves.
fn source_lines(text: &[u8], start: u32, end: u32) -> Option<String> {
    let lines: Vec<&[u8]> = text
        .split(|b| *b == b'\n')
        .skip(start.saturating_sub(1) as usize)
        .take((end - start + 1) as usize)
        .map(<[u8]>::trim_ascii)
        .collect();
    (!lines.is_empty()).then(|| {
        let joined = lines.join(&b'\n');
        format!("{:016x}", crate::model::hash(&[&joined]))
    })
}

fn baseline(path: &Path, mapper: &Mapper) -> Result<Option<Counter>, InputError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| InputError::Read {
        file: shown.clone(),
        source,
    })?;
    if let Ok(report) = serde_json::from_slice::<GateReport>(&bytes) {
        // The same count as now: lines, or statements where there are none (Go).
        return Ok(["lines", "statements"].iter().find_map(|name| {
            let total = report.metric(&format!("{name}_total"))?;
            let covered = report.metric(&format!("{name}_covered"))?;
            Some(Counter::new(total as u64, covered as u64))
        }));
    }
    let loaded = load(&[path.to_path_buf()], mapper, Path::new("."))?;
    Ok(sum(loaded.files.values()).line_like())
}

/// The producing tool's totals where it declares them, the counted ones elsewhere.
fn with_declared(counted: Totals, declared: Option<Totals>) -> Totals {
    let Some(declared) = declared else {
        return counted;
    };
    Totals {
        lines: counted.lines.and(declared.lines).or(counted.lines),
        branches: declared.branches.or(counted.branches),
        functions: declared.functions.or(counted.functions),
        statements: counted
            .statements
            .and(declared.statements)
            .or(counted.statements),
        regions: declared.regions.or(counted.regions),
    }
}

/// The totals of `files`. Regions stay absent when any file that had them lost its count
/// by being joined with another record: a partial count would mislead.
fn sum<'a>(files: impl Iterator<Item = &'a FileCov>) -> Totals {
    let mut totals = Totals::default();
    let mut regions_lost = false;
    for file in files {
        let one = file.totals();
        regions_lost |= file.has.regions && one.regions.is_none();
        totals.add(&one);
    }
    if regions_lost {
        totals.regions = None;
    }
    totals
}

/// Metrics of `totals`: absent, not zero, when the format has no such data.
fn count_metrics(report: &mut ReportBuilder, totals: &Totals) {
    for (name, counter) in totals.named() {
        if let Some(counter) = counter {
            report.metric(&format!("{name}_total"), counter.total);
            report.metric(&format!("{name}_covered"), counter.covered);
        }
    }
}

/// The changed lines as `{path: [[first, last], …]}`, so the sign-off can judge patch
/// coverage again on shards merged line by line.
fn changed_ranges(changes: &Changes) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for (path, lines) in &changes.files {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for &line in lines {
            match ranges.last_mut() {
                Some((_, end)) if *end + 1 == line => *end = line,
                _ => ranges.push((line, line)),
            }
        }
        out.insert(path.clone(), serde_json::json!(ranges));
    }
    out.into()
}

fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The files with the most missed lines first.
fn file_table(files: &BTreeMap<String, FileCov>) -> serde_json::Value {
    let mut rows: Vec<(&String, Totals)> = files.iter().map(|(p, f)| (p, f.totals())).collect();
    rows.sort_by(|a, b| {
        let missed = |t: &Totals| t.line_like().map_or(0, Counter::missed);
        missed(&b.1).cmp(&missed(&a.1)).then_with(|| a.0.cmp(b.0))
    });
    let table: Vec<serde_json::Value> = rows
        .iter()
        .take(FILE_ROWS)
        .map(|(path, totals)| {
            let mut row = serde_json::Map::new();
            row.insert("path".into(), (*path).clone().into());
            for (name, counter) in totals.named() {
                if let Some(c) = counter {
                    row.insert(name.into(), serde_json::json!({"total": c.total, "covered": c.covered, "missed": c.missed()}));
                }
            }
            serde_json::Value::Object(row)
        })
        .collect();
    serde_json::json!({"total": files.len(), "shown": table.len(), "worst_first": table})
}

fn write_badge(ctx: &Context, report: &mut ReportBuilder, percent: Option<f64>) {
    let svg = crate::badge::svg("coverage", percent);
    let written = std::fs::create_dir_all(&ctx.out)
        .and_then(|()| {
            signoff_core::fs::write_atomic(&ctx.out.join("coverage.svg"), svg.as_bytes())
        })
        .and_then(|()| report.artifact(&ctx.out, "coverage.svg", "image/svg+xml"));
    if let Err(error) = written {
        report.warn(format!("cannot write the badge coverage.svg: {error}"));
    }
}

/// Writes the merged per-line coverage beside the report (`coverage.info`, lcov), so the
/// sign-off can merge matrix shards line by line and judge them as one.
fn write_line_data(ctx: &Context, report: &mut ReportBuilder, files: &BTreeMap<String, FileCov>) {
    let (text, left_out) = crate::merge::to_lcov(files);
    if !left_out.unnamed.is_empty() {
        report.warn(format!(
            "{} {}, so {} cannot carry their lines to a merge of shards",
            signoff_core::text::plural(left_out.unnamed.len() as u64, "file has", "files have"),
            crate::merge::UNNAMED,
            crate::LINE_DATA
        ));
    }
    if text.is_empty() {
        return;
    }
    let written = std::fs::create_dir_all(&ctx.out)
        .and_then(|()| {
            signoff_core::fs::write_atomic(&ctx.out.join(crate::LINE_DATA), text.as_bytes())
        })
        .and_then(|()| report.artifact(&ctx.out, crate::LINE_DATA, "text/x-lcov"));
    if let Err(error) = written {
        report.warn(format!(
            "cannot write {}: {error}; the sign-off cannot merge this shard with others",
            crate::LINE_DATA
        ));
    }
}

/// `signoff-coverage merge`: writes the merged lcov and says where; no gate report.
pub(crate) fn merge_main(
    args: &MergeArgs,
    common: &signoff_core::CommonArgs,
) -> std::process::ExitCode {
    match run_merge(args, &common.out) {
        Ok((summary, warnings)) => {
            for warning in warnings {
                signoff_core::errln!("warning: {warning}");
            }
            signoff_core::outln!("coverage merge: {summary}");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            signoff_core::errln!("{}", Shown(&error));
            std::process::ExitCode::from(2)
        }
    }
}

fn run_merge(args: &MergeArgs, out: &Path) -> Result<(String, Vec<String>), InputError> {
    parse::keep_function_names(true);
    let mapper = mapper_for(&args.root, None, &args.path_maps);
    let loaded = load(&args.reports, &mapper, &args.root)?;
    let (text, skipped) = crate::merge::to_lcov(&loaded.files);
    let warnings = skipped.describe();
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| out.join("coverage.merged.info"));
    let shown = output.display().to_string();
    if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| InputError::Read {
            file: shown.clone(),
            source,
        })?;
    }
    signoff_core::fs::write_atomic(&output, text.as_bytes()).map_err(|source| {
        InputError::Read {
            file: shown.clone(),
            source,
        }
    })?;
    Ok((
        format!(
            "merged {} ({}) into {shown}",
            plural(args.reports.len() as u64, "report", "reports"),
            plural(loaded.files.len() as u64, "file", "files")
        ),
        warnings,
    ))
}

#[cfg(test)]
mod tests {
    use signoff_core::finding::Rule as _;

    use super::*;

    #[test]
    fn rule_list() {
        let rules: Vec<String> = Rule::ALL
            .iter()
            .map(|r| format!("{} ({}): {}", r.id(), r.default_severity(), r.description()))
            .collect();
        insta::assert_snapshot!(rules.join("\n"));
    }

    #[test]
    fn percentages_never_round_up_to_a_pass() {
        assert_eq!(pct(99.99), "99.9");
        assert_eq!(pct(100.0), "100");
        assert_eq!(pct(40.0), "40");
    }
}
