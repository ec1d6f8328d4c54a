//! Matrix shards judged as one: each coverage gate run writes its per-line data beside its
//! report ([`LINE_DATA`]); the sign-off hands every shard's file here, and the gate runs
//! once more on them, merged line by line (a line is covered when any shard covered it),
//! with the thresholds the shards applied and the changed lines they measured. So a test
//! suite split over two jobs is judged on its whole coverage, not as two halves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use signoff_core::CommonArgs;
use signoff_core::report::GateReport;

use crate::Args;

/// The per-line coverage a gate run writes beside its report (lcov).
pub const LINE_DATA: &str = "coverage.info";

/// One shard: its report, and where its line data is.
pub struct Shard<'a> {
    pub report: &'a GateReport,
    pub line_data: PathBuf,
}

/// The coverage gate's judgement of `shards` merged. `policy` is the policy file in force
/// (for per-path thresholds and ignores); paths in the line data are already repository
/// paths, so they are used as written.
pub fn judge_shards(shards: &[Shard<'_>], policy: Option<&Path>) -> GateReport {
    let scratch = tempfile::tempdir();
    let out = scratch
        .as_ref()
        .map(|d| d.path().to_path_buf())
        .unwrap_or_else(|_| std::env::temp_dir());
    let threshold = |name: &str| {
        shards
            .iter()
            .flat_map(|s| s.report.checks.iter())
            .filter(|c| c.name == name)
            .map(|c| c.threshold)
            .reduce(f64::max)
    };
    let diff = changed_lines(shards).and_then(|text| {
        let path = out.join("changes.diff");
        std::fs::write(&path, text).ok().map(|()| path)
    });
    let args = Args {
        command: None,
        reports: shards.iter().map(|s| s.line_data.clone()).collect(),
        lines: threshold("lines"),
        branches: threshold("branches"),
        functions: threshold("functions"),
        statements: threshold("statements"),
        patch: threshold("patch"),
        patch_min_lines: None,
        base: None,
        diff,
        baseline: None,
        max_drop: None,
        path_maps: Vec::new(),
        // No repository to map against: the shards already mapped their paths, and the
        // sign-off job's checkout may be rooted elsewhere (a monorepo, `--root sub`).
        root: out.clone(),
        common: CommonArgs {
            out: out.join("out"),
            policy: policy.map(Path::to_path_buf),
        },
    };
    let mut report = crate::run(args);
    report.summary = format!("{}, merged from {} shards", report.summary, shards.len());
    // The files it wrote were scratch; the shards' own are in the sign-off.
    report.artifacts.clear();
    if shards
        .iter()
        .any(|s| s.report.checks.iter().any(|c| c.name == "lines-delta"))
    {
        let mut warnings: Vec<serde_json::Value> = report
            .details
            .remove("warnings")
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        warnings.push("the drop against the baseline (`lines-delta`) was judged on each shard, not on the merged coverage; compare merged coverage (`signoff-coverage merge`) with the baseline instead".into());
        report.details.insert("warnings".into(), warnings.into());
        report.status = report.status.max(signoff_core::Status::Warn);
    }
    report
}

/// The union of the changed lines the shards measured patch coverage on, as a unified
/// diff the gate reads with `--diff`; `None` when no shard measured it.
fn changed_lines(shards: &[Shard<'_>]) -> Option<String> {
    // A change has at most this many lines worth measuring; past it, give up on patch.
    const MAX_LINES: usize = 2_000_000;
    let mut files: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    let mut count = 0usize;
    for shard in shards {
        let Some(changed) = shard
            .report
            .details
            .get("patch")
            .and_then(|p| p.get("changed"))
            .and_then(|c| c.as_object())
        else {
            continue;
        };
        for (path, ranges) in changed {
            let lines = files.entry(path.clone()).or_default();
            for range in ranges.as_array().into_iter().flatten() {
                let first = range.get(0).and_then(|v| v.as_u64());
                let last = range.get(1).and_then(|v| v.as_u64());
                if let (Some(first), Some(last)) = (first, last)
                    && first > 0
                    && last >= first
                {
                    count += usize::try_from(last - first + 1).unwrap_or(usize::MAX);
                    if count > MAX_LINES {
                        return None;
                    }
                    lines.extend(first..=last);
                }
            }
        }
    }
    if files.is_empty() {
        return None;
    }
    let mut diff = String::new();
    for (path, lines) in files {
        diff.push_str(&format!("--- a/{path}\n+++ b/{path}\n"));
        let mut lines = lines.into_iter().peekable();
        while let Some(first) = lines.next() {
            let mut last = first;
            while lines.peek() == Some(&(last + 1)) {
                last += 1;
                lines.next();
            }
            diff.push_str(&format!("@@ -0,0 +{first},{} @@\n", last - first + 1));
            for _ in first..=last {
                diff.push_str("+\n");
            }
        }
    }
    Some(diff)
}
