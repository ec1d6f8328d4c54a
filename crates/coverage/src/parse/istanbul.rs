//! Istanbul JSON (nyc, c8, Jest, Vitest): `coverage-final.json` with per-statement,
//! branch and function counts, and `coverage-summary.json` with totals only.
//!
//! Lines are derived as Istanbul derives them (`getLineCoverage`): each statement counts
//! on its start line, a line's count is the highest of its statements'.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::json::{from_slice, hit};
use super::{Format, Parsed};
use crate::error::InputError;
use crate::model::{self, Counter, FileCov, Files, Has, Totals};

#[derive(Deserialize)]
struct Pos {
    /// Absent in the empty locations nyc writes for implicit `else` branches.
    #[serde(default)]
    line: Option<u32>,
}

#[derive(Deserialize)]
struct Loc {
    start: Pos,
}

#[derive(Deserialize)]
struct FnDef {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct BranchDef {
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    loc: Option<Loc>,
    #[serde(default)]
    locations: Vec<Loc>,
}

#[derive(Deserialize)]
struct FileData {
    #[serde(default)]
    path: Option<String>,
    #[serde(rename = "statementMap", default)]
    statement_map: HashMap<String, Loc>,
    #[serde(default)]
    s: HashMap<String, serde_json::Value>,
    #[serde(rename = "fnMap", default)]
    fn_map: HashMap<String, FnDef>,
    #[serde(default)]
    f: HashMap<String, serde_json::Value>,
    #[serde(rename = "branchMap", default)]
    branch_map: HashMap<String, BranchDef>,
    #[serde(default)]
    b: HashMap<String, Vec<serde_json::Value>>,
}

pub fn parse_final(bytes: &[u8], file: &str) -> Result<Parsed, InputError> {
    let data: BTreeMap<String, FileData> = from_slice(bytes, file, "Istanbul coverage-final JSON")?;
    let mut files = Files::new();
    let keep = super::keeps_names();
    for (key, data) in data {
        let mut cov = FileCov::new(Has {
            lines: true,
            branches: true,
            functions: true,
            statements: true,
            regions: false,
        });
        let statements = Counter::new(
            data.s.len() as u64,
            data.s.values().filter(|c| hit(c)).count() as u64,
        );
        let mut lines: BTreeMap<u32, bool> = BTreeMap::new();
        for (id, count) in &data.s {
            if let Some(line) = data.statement_map.get(id).and_then(|l| l.start.line) {
                let entry = lines.entry(line).or_insert(false);
                *entry |= hit(count);
            }
        }
        for (line, covered) in lines {
            cov.lines.set(line, covered);
        }
        for (id, counts) in &data.b {
            let def = data.branch_map.get(id);
            let line = def
                .and_then(|d| d.line.or(d.loc.as_ref().and_then(|l| l.start.line)))
                .or_else(|| def.and_then(|d| d.locations.first().and_then(|l| l.start.line)))
                .unwrap_or(0);
            for (index, count) in counts.iter().enumerate() {
                let branch_id = model::hash(&[id.as_bytes(), &index.to_le_bytes()]) as u32;
                cov.branches
                    .push(model::branch(line, branch_id, hit(count)));
            }
        }
        for (id, count) in &data.f {
            let packed = model::function(model::hash(&[id.as_bytes()]), hit(count));
            cov.functions.push(packed);
            if keep {
                let name = data
                    .fn_map
                    .get(id)
                    .and_then(|d| d.name.clone())
                    .unwrap_or_else(|| id.clone());
                cov.names.push((packed & !1, name.into()));
            }
        }
        cov.finish();
        cov.declared = Some(Box::new(Totals {
            statements: Some(statements),
            ..Totals::default()
        }));
        model::insert(&mut files, data.path.unwrap_or(key), cov);
    }
    Ok(Parsed {
        format: Format::IstanbulFinal,
        files,
        sources: Vec::new(),
        declared: None,
    })
}

#[derive(Deserialize)]
struct Metric {
    total: u64,
    covered: u64,
}

#[derive(Deserialize)]
struct Summary {
    lines: Metric,
    #[serde(default)]
    statements: Option<Metric>,
    #[serde(default)]
    functions: Option<Metric>,
    #[serde(default)]
    branches: Option<Metric>,
}

impl Summary {
    fn totals(&self) -> Totals {
        let counter = |m: &Metric| Counter::new(m.total, m.covered.min(m.total));
        Totals {
            lines: Some(counter(&self.lines)),
            branches: self.branches.as_ref().map(counter),
            functions: self.functions.as_ref().map(counter),
            statements: self.statements.as_ref().map(counter),
            regions: None,
        }
    }
}

pub fn parse_summary(bytes: &[u8], file: &str) -> Result<Parsed, InputError> {
    let data: BTreeMap<String, Summary> =
        from_slice(bytes, file, "Istanbul coverage-summary JSON")?;
    let mut files = Files::new();
    let mut declared = None;
    for (key, summary) in data {
        if key == "total" {
            declared = Some(summary.totals());
            continue;
        }
        let mut cov = FileCov::new(Has {
            lines: true,
            branches: summary.branches.is_some(),
            functions: summary.functions.is_some(),
            statements: summary.statements.is_some(),
            regions: false,
        });
        cov.summary = Some(Box::new(summary.totals()));
        model::insert(&mut files, key, cov);
    }
    Ok(Parsed {
        format: Format::IstanbulSummary,
        files,
        sources: Vec::new(),
        declared,
    })
}
