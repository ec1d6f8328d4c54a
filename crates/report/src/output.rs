//! The files of a sign-off: copies of the gate reports used, `signoff.json`, and the
//! in-toto statement `signoff.intoto.json` whose subjects are every other file with its
//! SHA-256, so the downloaded folder can be checked on its own (`signoff-report verify`).

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use crate::decide::Decision;
use crate::view::{Context, FileDigest};

/// Schema id of `signoff.json`.
pub const SIGNOFF_SCHEMA: &str = "signoff/report/v1";
/// in-toto statement type and our predicate type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
pub const PREDICATE_TYPE: &str = "https://github.com/signoff-dev/signoff/signoff/v1";
/// Folder of the gate-report copies inside the output directory.
pub const COPIES: &str = "gates";

/// Copies every gate report used into `out/gates/` (SARIF gates are written there) and
/// returns their digests, in report order. Copies keep their bytes, so digests match.
pub fn copy_gate_reports(decision: &mut Decision, out: &Path) -> std::io::Result<Vec<FileDigest>> {
    let mut digests = Vec::new();
    let mut used = HashSet::new();
    for gate in &mut decision.gates {
        for shard in &mut gate.shards {
            let bytes = if shard.external || shard.merged {
                shard.report.to_json().into_bytes()
            } else {
                std::fs::read(&shard.path)?
            };
            let base = if shard.merged {
                format!("{}.merged.gate.json", shard.report.gate)
            } else if shard.external {
                format!("{}.gate.json", shard.report.gate)
            } else {
                sanitize(&shard.display)
            };
            let mut relative = base.clone();
            let mut n = 2;
            while !used.insert(relative.clone()) {
                relative = format!("{}.{n}.gate.json", base.trim_end_matches(".gate.json"));
                n += 1;
            }
            let path = format!("{COPIES}/{relative}");
            signoff_core::fs::write_atomic(&out.join(&path), &bytes)?;
            let sha256 = signoff_core::fs::sha256_hex(&bytes);
            shard.sha256 = sha256.clone();
            shard.display = relative;
            digests.push(FileDigest { path, sha256 });
        }
    }
    Ok(digests)
}

/// A relative path safe to create under the output directory: only normal components.
fn sanitize(display: &str) -> String {
    let parts: Vec<String> = Path::new(display)
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        "report.gate.json".into()
    } else {
        parts.join("/")
    }
}

#[derive(Serialize)]
struct Subject<'a> {
    name: &'a str,
    digest: Digest<'a>,
}

#[derive(Serialize)]
struct Digest<'a> {
    sha256: &'a str,
}

/// `signoff.json`: the machine-readable sign-off (schema `schemas/signoff.v1.json`).
pub fn signoff_json(
    decision: &Decision,
    review: &crate::review::Review,
    context: &Context,
    integrity: &[FileDigest],
) -> Value {
    let gates: Vec<Value> = decision
        .gates
        .iter()
        .map(|gate| {
            json!({
                "gate": gate.id,
                "status": gate.status,
                "score": gate.score.score,
                "required": gate.required,
                "external": gate.external,
                "summary": gate.judging().iter().map(|s| s.report.summary.as_str()).collect::<Vec<_>>().join("; "),
                "advisory": gate.advisory,
                "deductions": gate.score.deductions,
                "reports": gate.shards.iter().map(|s| json!({
                    "path": format!("{COPIES}/{}", s.display),
                    "sha256": s.sha256,
                    "status": s.report.status,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "schema": SIGNOFF_SCHEMA,
        "verdict": decision.verdict,
        "score": decision.score,
        "generated_at": context.generated_at,
        "subject": {
            "repository": context.repository,
            "commit": context.commit,
            "ref": context.git_ref,
        },
        "run_url": context.run_url,
        "actor": context.actor,
        "policy": context.policy_source,
        "gates": gates,
        "missing": decision.missing,
        "rejections": decision.rejections,
        "conditions": decision.conditions,
        "waivers": {
            "in_force": decision.waivers_in_force,
            "expired": decision.waivers_expired,
        },
        "problems": decision.problems.iter().map(|p| json!({
            "file": p.display, "message": p.message, "duplicate": p.duplicate,
        })).collect::<Vec<_>>(),
        "files": integrity.iter().map(|d| json!({"path": d.path, "sha256": d.sha256})).collect::<Vec<_>>(),
        "review": review_json(review),
    })
}

/// The review's numbers: each area's grade, the maturity level, and the open risks by
/// cause, so a later sign-off can say what changed since this one.
fn review_json(review: &crate::review::Review) -> Value {
    let risks: Vec<Value> = review
        .risks()
        .map(|r| {
            json!({
                "gate": r.gate,
                "rule": r.rule,
                "area": r.area,
                "severity": r.severity,
                "count": r.count,
            })
        })
        .collect();
    json!({
        "maturity": review.maturity.level,
        "areas": review.areas.iter().map(|a| json!({
            "area": a.id,
            "assessed": a.assessed,
            "score": a.score,
            "grade": a.assessed.then_some(a.grade),
            "open": {
                "critical": a.open_critical,
                "high": a.open_high,
                "medium": a.open_medium,
                "low": a.open_low,
            },
        })).collect::<Vec<_>>(),
        "risks": risks,
    })
}

/// The in-toto Statement v1 over `files` (name relative to the output directory, sha256),
/// with `signoff.json`'s content as the predicate.
pub fn statement(files: &[FileDigest], predicate: &Value) -> Value {
    let subject: Vec<Subject> = files
        .iter()
        .map(|f| Subject {
            name: &f.path,
            digest: Digest { sha256: &f.sha256 },
        })
        .collect();
    json!({
        "_type": STATEMENT_TYPE,
        "subject": subject,
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    })
}

/// Pretty JSON, newline-terminated.
pub fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}

/// The result of `signoff-report verify`.
#[derive(Debug, Default)]
pub struct Verification {
    pub verified: Vec<String>,
    pub changed: Vec<String>,
    pub missing: Vec<String>,
    /// Gate reports in `gates/` that the statement does not list (added after signing).
    pub unlisted: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.unlisted.is_empty()
    }
}

/// Recomputes the digest of every subject of `dir/signoff.intoto.json`. `Err` when the
/// statement itself cannot be read or names a path outside the folder.
pub fn verify(dir: &Path) -> Result<Verification, String> {
    let statement_path = dir.join("signoff.intoto.json");
    let text = std::fs::read_to_string(&statement_path).map_err(|e| {
        format!(
            "error: cannot read {}: {e}\n  = help: point verify at the folder the report wrote (it holds signoff.intoto.json)",
            statement_path.display()
        )
    })?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("error: {} is not valid JSON: {e}", statement_path.display()))?;
    if value.get("_type").and_then(Value::as_str) != Some(STATEMENT_TYPE) {
        return Err(format!(
            "error: {} is not an in-toto Statement v1",
            statement_path.display()
        ));
    }
    let subjects = value
        .get("subject")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("error: {} has no `subject` list", statement_path.display()))?;
    if subjects.is_empty() {
        return Err(format!(
            "error: {} lists no files, so there is nothing to verify",
            statement_path.display()
        ));
    }
    let mut result = Verification::default();
    for subject in subjects {
        let name = subject
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let expected = subject
            .pointer("/digest/sha256")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let relative = PathBuf::from(name);
        let inside = !name.is_empty()
            && relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)));
        if !inside {
            return Err(format!(
                "error: the statement names `{}`, which is not a path inside the folder",
                signoff_core::text::one_line(name)
            ));
        }
        match signoff_core::fs::sha256_file(&dir.join(&relative)) {
            Ok(actual) if actual == expected => result.verified.push(name.to_owned()),
            Ok(_) => result.changed.push(name.to_owned()),
            Err(_) => result.missing.push(name.to_owned()),
        }
    }
    // A gate report slipped into the folder later would be read by anyone who re-renders
    // from it: every one must be covered by the statement.
    let listed: std::collections::HashSet<&str> = subjects
        .iter()
        .filter_map(|s| s.get("name").and_then(Value::as_str))
        .collect();
    let mut pending = vec![(dir.join("gates"), "gates".to_owned(), 0)];
    while let Some((folder, shown, depth)) = pending.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = format!("{shown}/{}", entry.file_name().to_string_lossy());
            // `file_type` does not follow links, so a link loop cannot trap the walk.
            match entry.file_type() {
                Ok(kind) if kind.is_dir() && depth < 16 => {
                    pending.push((entry.path(), name, depth + 1));
                }
                Ok(_) if name.ends_with(".gate.json") && !listed.contains(name.as_str()) => {
                    result.unlisted.push(name);
                }
                _ => {}
            }
        }
    }
    result.unlisted.sort();
    Ok(result)
}
