//! coverage.py JSON (`coverage json`), counted as `coverage report` counts: statements
//! executed or missing, and arcs (`executed_branches` / `missing_branches`) when branch
//! measurement was on.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::json::from_slice;
use super::{Format, Parsed};
use crate::error::InputError;
use crate::model::{self, Counter, FileCov, Files, Has, Totals};

#[derive(Deserialize)]
struct Report {
    #[serde(default)]
    meta: Meta,
    files: BTreeMap<String, FileData>,
    #[serde(default)]
    totals: Option<Summary>,
}

#[derive(Deserialize, Default)]
struct Meta {
    #[serde(default)]
    branch_coverage: bool,
}

#[derive(Deserialize)]
struct FileData {
    #[serde(default)]
    executed_lines: Vec<u32>,
    #[serde(default)]
    missing_lines: Vec<u32>,
    #[serde(default)]
    executed_branches: Vec<(i64, i64)>,
    #[serde(default)]
    missing_branches: Vec<(i64, i64)>,
}

#[derive(Deserialize)]
struct Summary {
    covered_lines: u64,
    num_statements: u64,
    #[serde(default)]
    num_branches: Option<u64>,
    #[serde(default)]
    covered_branches: Option<u64>,
}

pub fn parse(bytes: &[u8], file: &str) -> Result<Parsed, InputError> {
    let report: Report = from_slice(bytes, file, "coverage.py JSON")?;
    let branches = report.meta.branch_coverage;
    let mut files = Files::new();
    for (path, data) in report.files {
        let mut cov = FileCov::new(Has {
            lines: true,
            branches,
            ..Has::default()
        });
        for &line in &data.executed_lines {
            cov.lines.set(line, true);
        }
        for &line in &data.missing_lines {
            cov.lines.set(line, false);
        }
        for (arcs, taken) in [
            (&data.executed_branches, true),
            (&data.missing_branches, false),
        ] {
            for &(from, to) in arcs {
                let line = u32::try_from(from).unwrap_or(0);
                let id = model::hash(&[&to.to_le_bytes()]) as u32;
                cov.branches.push(model::branch(line, id, taken));
            }
        }
        cov.finish();
        model::insert(&mut files, path, cov);
    }
    let declared = report.totals.map(|t| Totals {
        lines: Some(Counter::new(
            t.num_statements,
            t.covered_lines.min(t.num_statements),
        )),
        branches: if branches {
            t.num_branches
                .zip(t.covered_branches)
                .map(|(n, c)| Counter::new(n, c.min(n)))
        } else {
            None
        },
        ..Totals::default()
    });
    Ok(Parsed {
        format: Format::CoveragePy,
        files,
        sources: Vec::new(),
        declared,
    })
}
