//! Finding and reading gate reports: every `*.gate.json` under the given directories,
//! from any number of jobs and matrix shards. Nothing here crashes on bad input: corrupt
//! JSON, unknown schema versions and duplicate files become [`LoadProblem`]s that the
//! report lists.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use signoff_core::report::{GateReport, SCHEMA_V1};

/// Deepest directory level searched; artifact folders are shallow.
const MAX_DEPTH: usize = 16;
/// Largest gate report read; real ones are far smaller.
pub const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// A gate report's bytes, checked: JSON, a known schema, a kebab-case gate id.
pub(crate) fn parse(bytes: &[u8]) -> Result<GateReport, String> {
    // Read the schema id first (without building the document), so an unknown version
    // is reported as such rather than as a shape error.
    #[derive(serde::Deserialize)]
    struct Head<'a> {
        #[serde(borrow, default)]
        schema: Option<std::borrow::Cow<'a, str>>,
    }
    let head: Head = serde_json::from_slice(bytes)
        .map_err(|e| format!("not valid JSON ({e}); the file is corrupt or truncated"))?;
    match head.schema.as_deref() {
        Some(SCHEMA_V1) => {}
        Some(other) => {
            return Err(format!(
                "unknown schema `{}`; this signoff-report reads `{SCHEMA_V1}` (upgrade signoff-report to read newer reports)",
                signoff_core::text::one_line(&other.chars().take(80).collect::<String>())
            ));
        }
        None => return Err("no `schema` field, so it is not a signoff gate report".into()),
    }
    let report: GateReport =
        serde_json::from_slice(bytes).map_err(|e| format!("does not follow `{SCHEMA_V1}`: {e}"))?;
    if !signoff_core::report::is_gate_id(&report.gate) {
        return Err("the `gate` id is not a kebab-case name".into());
    }
    Ok(report)
}

/// A gate report as read from disk.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it was found.
    pub path: PathBuf,
    /// Path relative to the directory searched, for display and shard names.
    pub display: String,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    pub report: GateReport,
    /// Made from a SARIF file rather than read from a gate report.
    pub external: bool,
    /// The judgement of the gate's shards merged (coverage from matrix jobs): it decides
    /// the gate's status and score; the shards are listed beside it.
    pub merged: bool,
}

/// A file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    pub display: String,
    pub message: String,
    /// An exact copy of a report already read: noted, not an error.
    pub duplicate: bool,
}

impl LoadProblem {
    fn new(display: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            display: display.into(),
            message: message.into(),
            duplicate: false,
        }
    }
}

/// What the search found.
#[derive(Debug, Default)]
pub struct Found {
    pub reports: Vec<Loaded>,
    pub problems: Vec<LoadProblem>,
    /// Conditions found while reading (shards that could not be merged).
    pub notes: Vec<String>,
}

/// Searches `dirs` recursively for `*.gate.json`, skipping `exclude` (the report's own
/// copies) and never following symbolic links. Reports come back in a stable order.
pub fn find(dirs: &[PathBuf], exclude: Option<&Path>) -> Found {
    let mut files = Vec::new();
    let mut found = Found::default();
    for dir in dirs {
        if !dir.is_dir() {
            found.problems.push(LoadProblem::new(
                dir.display().to_string(),
                "not a directory, so no gate reports were read from it",
            ));
            continue;
        }
        walk(dir, dir, exclude, 0, &mut files, &mut found.problems);
    }
    files.sort();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (display, path) in files {
        match read(&path, &display) {
            Ok(loaded) => {
                if let Some(first) = seen.get(&loaded.sha256) {
                    found.problems.push(LoadProblem {
                        display,
                        message: format!("duplicate of {first} (same content); counted once"),
                        duplicate: true,
                    });
                    continue;
                }
                seen.insert(loaded.sha256.clone(), display);
                found.reports.push(loaded);
            }
            Err(message) => found.problems.push(LoadProblem::new(display, message)),
        }
    }
    found
}

fn walk(
    base: &Path,
    dir: &Path,
    exclude: Option<&Path>,
    depth: usize,
    files: &mut Vec<(String, PathBuf)>,
    problems: &mut Vec<LoadProblem>,
) {
    if depth > MAX_DEPTH {
        problems.push(LoadProblem::new(
            relative(base, dir),
            format!("deeper than {MAX_DEPTH} levels; not searched"),
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            problems.push(LoadProblem::new(
                relative(base, dir),
                format!("cannot list the directory: {error}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if exclude.is_some_and(|excluded| path == excluded) {
            continue;
        }
        // `file_type` does not follow symbolic links, so link loops cannot trap us.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(base, &path, exclude, depth + 1, files, problems);
        } else if kind.is_file() && entry.file_name().to_string_lossy().ends_with(".gate.json") {
            files.push((relative(base, &path), path));
        }
    }
}

fn relative(base: &Path, path: &Path) -> String {
    let shown = path.strip_prefix(base).unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    if text.is_empty() { ".".into() } else { text }
}

fn read(path: &Path, display: &str) -> Result<Loaded, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    if size > MAX_REPORT_BYTES {
        return Err(format!(
            "{size} bytes, over the {MAX_REPORT_BYTES} byte limit for a gate report"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let sha256 = signoff_core::fs::sha256_hex(&bytes);
    let report = parse(&bytes)?;
    Ok(Loaded {
        path: path.to_path_buf(),
        display: display.to_owned(),
        sha256,
        report,
        external: false,
        merged: false,
    })
}
