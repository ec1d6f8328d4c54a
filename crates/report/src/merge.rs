//! Shards of one gate judged as one, where the gate can merge them: coverage from matrix
//! jobs is merged line by line from the per-line data each shard wrote beside its report,
//! and the gate judges the whole. The shards stay in the report, each a row; the merged
//! judgement decides the gate's status and score.

use std::path::{Path, PathBuf};

use signoff_core::policy::{Policy, Source};

use crate::load::{Found, Loaded};

/// Gate id of the shards merged here.
const COVERAGE: &str = "coverage";

/// Adds the merged judgement of the coverage shards in `found`, when there are several and
/// each left its line data intact. Otherwise the shards are judged one by one, and a
/// problem says why they were not merged.
pub fn coverage_shards(found: &mut Found, policy: &Policy) {
    let shards: Vec<&Loaded> = found
        .reports
        .iter()
        .filter(|l| l.report.gate == COVERAGE && !l.external)
        .collect();
    if shards.len() < 2 {
        return;
    }
    let mut inputs = Vec::new();
    for shard in &shards {
        match line_data(shard) {
            Ok(path) => inputs.push(signoff_coverage::Shard {
                report: &shard.report,
                line_data: path,
            }),
            Err(why) => {
                found.notes.push(format!(
                    "`coverage`: the {} shards are judged one by one, not merged: {}: {why}.",
                    shards.len(),
                    shard.display
                ));
                return;
            }
        }
    }
    let policy_file = match &policy.source {
        Source::File(path) => Some(path.as_path()),
        _ => None,
    };
    let report = signoff_coverage::judge_shards(&inputs, policy_file);
    let json = report.to_json();
    found.reports.push(Loaded {
        path: PathBuf::from("coverage.merged.gate.json"),
        display: "coverage.merged.gate.json".into(),
        sha256: signoff_core::fs::sha256_hex(json.as_bytes()),
        report,
        external: false,
        merged: true,
    });
}

/// The shard's per-line data, checked against the digest its report recorded.
fn line_data(shard: &Loaded) -> Result<PathBuf, String> {
    let artifact = shard
        .report
        .artifacts
        .iter()
        .find(|a| a.path == signoff_coverage::LINE_DATA)
        .ok_or_else(|| {
            format!(
                "this shard has no per-line data ({} was not written: a totals-only report, or an older signoff)",
                signoff_coverage::LINE_DATA
            )
        })?;
    let dir = shard.path.parent().unwrap_or(Path::new("."));
    let path = dir.join(&artifact.path);
    match signoff_core::fs::sha256_file(&path) {
        Ok(digest) if digest == artifact.sha256 => Ok(path),
        Ok(_) => Err(format!(
            "{} does not match the digest in its gate report",
            path.display()
        )),
        Err(error) => Err(format!("cannot read {}: {error}", path.display())),
    }
}
