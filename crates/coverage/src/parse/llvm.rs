//! llvm-cov export JSON (`llvm-cov export -format=text`, cargo-llvm-cov `--json`),
//! counted as `llvm-cov report` counts: each file's `summary` (regions, lines, functions,
//! branches) and the export's `totals`. Regions exist only as those counts (a region is a
//! span of code with one execution count; the per-line data cannot rebuild them), so a
//! file whose records are joined with another record has no region count any more, and
//! the gate then reports no regions at all rather than a partial count. Per-line data is
//! rebuilt from the segments the way llvm's `LineCoverageStats` does, so patch coverage
//! sees the lines `llvm-cov show` shows.

use serde::Deserialize;

use super::json::from_slice;
use super::{Format, Parsed};
use crate::error::InputError;
use crate::model::{self, Counter, FileCov, Files, Has, Totals};

#[derive(Deserialize)]
struct Export {
    data: Vec<Data>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(default)]
    files: Vec<FileData>,
    #[serde(default)]
    totals: Option<Summary>,
}

#[derive(Deserialize)]
struct FileData {
    filename: String,
    #[serde(default)]
    segments: Vec<Vec<serde_json::Value>>,
    #[serde(default)]
    branches: Vec<Vec<serde_json::Value>>,
    #[serde(default)]
    summary: Option<Summary>,
}

#[derive(Deserialize, Clone, Copy)]
struct Count {
    count: u64,
    covered: u64,
}

#[derive(Deserialize, Clone, Copy)]
struct Summary {
    lines: Count,
    #[serde(default)]
    functions: Option<Count>,
    #[serde(default)]
    branches: Option<Count>,
    #[serde(default)]
    regions: Option<Count>,
}

impl Summary {
    fn totals(self) -> Totals {
        let c = |c: Count| Counter::new(c.count, c.covered.min(c.count));
        Totals {
            lines: Some(c(self.lines)),
            functions: self.functions.map(c),
            branches: self.branches.map(c),
            statements: None,
            regions: self.regions.map(c),
        }
    }
}

/// A segment: line, column, count, has count, is region entry, is gap region.
struct Segment {
    line: u32,
    count: u64,
    has_count: bool,
    entry: bool,
    gap: bool,
}

fn segment(raw: &[serde_json::Value]) -> Option<Segment> {
    Some(Segment {
        line: u32::try_from(raw.first()?.as_u64()?).ok()?,
        count: raw.get(2)?.as_u64().unwrap_or(u64::MAX),
        has_count: raw.get(3)?.as_bool()?,
        entry: raw.get(4)?.as_bool()?,
        gap: raw
            .get(5)
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
    })
}

/// Per-line execution, as llvm's `LineCoverageIterator` computes it.
fn lines_from_segments(segments: &[Segment], cov: &mut FileCov) {
    let Some(last) = segments.last() else { return };
    let mut wrapped: Option<&Segment> = None;
    let mut next = 0;
    let first_line = segments[0].line;
    for line in first_line..=last.line {
        let start = next;
        while next < segments.len() && segments[next].line == line {
            next += 1;
        }
        let on_line = &segments[start..next];
        let is_start = |s: &&Segment| !s.gap && s.has_count && s.entry;
        let starts = on_line.iter().filter(is_start).count();
        let skipped = on_line.first().is_some_and(|s| !s.has_count && s.entry);
        let mapped = !skipped && (wrapped.is_some_and(|w| w.has_count) || starts > 0);
        if mapped {
            let mut count = wrapped.map_or(0, |w| w.count);
            for s in on_line.iter().filter(is_start) {
                count = count.max(s.count);
            }
            cov.lines.set(line, count > 0);
        }
        if let Some(s) = on_line.last() {
            wrapped = Some(s);
        }
    }
}

pub fn parse(bytes: &[u8], file: &str) -> Result<Parsed, InputError> {
    let export: Export = from_slice(bytes, file, "llvm-cov export JSON")?;
    let mut files = Files::new();
    let single = export.data.len() == 1;
    let mut declared = None;
    for data in export.data {
        if single {
            declared = data.totals.map(Summary::totals);
        }
        for f in data.files {
            let mut cov = FileCov::new(Has {
                lines: true,
                branches: true,
                functions: true,
                statements: false,
                regions: f.summary.is_some_and(|s| s.regions.is_some()),
            });
            let segments: Vec<Segment> = f.segments.iter().filter_map(|s| segment(s)).collect();
            lines_from_segments(&segments, &mut cov);
            for (index, b) in f.branches.iter().enumerate() {
                let line = b.first().and_then(serde_json::Value::as_u64).unwrap_or(0) as u32;
                let taken =
                    |i: usize| b.get(i).and_then(serde_json::Value::as_u64).unwrap_or(0) > 0;
                let id = (index as u32) << 1;
                cov.branches.push(model::branch(line, id, taken(4)));
                cov.branches.push(model::branch(line, id | 1, taken(5)));
            }
            cov.declared = f.summary.map(|s| Box::new(s.totals()));
            cov.finish();
            model::insert(&mut files, f.filename, cov);
        }
    }
    Ok(Parsed {
        format: Format::LlvmCov,
        files,
        sources: Vec::new(),
        declared,
    })
}
