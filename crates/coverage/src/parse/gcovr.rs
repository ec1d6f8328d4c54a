//! gcovr JSON (`--json`, per line and branch) and JSON summary (`--json-summary`),
//! counted as gcovr counts: lines that are code and not excluded, each branch of a line,
//! functions by name and line.

use serde::Deserialize;

use super::json::{from_slice, hit};
use super::{Format, Parsed};
use crate::error::InputError;
use crate::model::{self, Counter, FileCov, Files, Has, Totals};

#[derive(Deserialize)]
struct Report {
    #[serde(default)]
    files: Vec<FileData>,
}

#[derive(Deserialize)]
struct FileData {
    file: String,
    #[serde(default)]
    lines: Vec<Line>,
    #[serde(default)]
    functions: Vec<Function>,
}

#[derive(Deserialize)]
struct Line {
    line_number: u32,
    count: serde_json::Value,
    #[serde(default)]
    branches: Vec<Branch>,
    #[serde(rename = "gcovr/noncode", default)]
    noncode: bool,
    #[serde(rename = "gcovr/excluded", default)]
    excluded: bool,
}

#[derive(Deserialize)]
struct Branch {
    count: serde_json::Value,
}

#[derive(Deserialize)]
struct Function {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    demangled_name: Option<String>,
    #[serde(default)]
    lineno: Option<u32>,
    #[serde(default)]
    execution_count: serde_json::Value,
}

pub fn parse(bytes: &[u8], file: &str) -> Result<Parsed, InputError> {
    let report: Report = from_slice(bytes, file, "gcovr JSON")?;
    let keep = super::keeps_names();
    let mut files = Files::new();
    for f in report.files {
        let mut cov = FileCov::new(Has {
            lines: true,
            branches: true,
            functions: true,
            statements: false,
            regions: false,
        });
        let mut per_line = std::collections::HashMap::<u32, u32>::new();
        for line in f.lines.iter().filter(|l| !l.noncode && !l.excluded) {
            cov.lines.set(line.line_number, hit(&line.count));
            let next = per_line.entry(line.line_number).or_insert(0);
            for branch in &line.branches {
                cov.branches
                    .push(model::branch(line.line_number, *next, hit(&branch.count)));
                *next += 1;
            }
        }
        for function in &f.functions {
            let name = function
                .demangled_name
                .as_deref()
                .or(function.name.as_deref())
                .unwrap_or("");
            let line = function.lineno.unwrap_or(0);
            let packed = model::function(
                model::hash(&[name.as_bytes(), &line.to_le_bytes()]),
                hit(&function.execution_count),
            );
            cov.functions.push(packed);
            if keep {
                cov.names.push((packed & !1, name.into()));
            }
        }
        cov.finish();
        model::insert(&mut files, f.file, cov);
    }
    Ok(Parsed {
        format: Format::Gcovr,
        files,
        sources: Vec::new(),
        declared: None,
    })
}

#[derive(Deserialize)]
struct Summary {
    #[serde(default)]
    root: Option<String>,
    #[serde(default)]
    files: Vec<SummaryFile>,
    #[serde(flatten)]
    totals: Numbers,
}

#[derive(Deserialize)]
struct SummaryFile {
    filename: String,
    #[serde(flatten)]
    totals: Numbers,
}

#[derive(Deserialize)]
struct Numbers {
    #[serde(default)]
    line_total: Option<u64>,
    #[serde(default)]
    line_covered: Option<u64>,
    #[serde(default)]
    branch_total: Option<u64>,
    #[serde(default)]
    branch_covered: Option<u64>,
    #[serde(default)]
    function_total: Option<u64>,
    #[serde(default)]
    function_covered: Option<u64>,
}

impl Numbers {
    fn totals(&self) -> Totals {
        let pair =
            |t: Option<u64>, c: Option<u64>| t.zip(c).map(|(t, c)| Counter::new(t, c.min(t)));
        Totals {
            lines: pair(self.line_total, self.line_covered),
            branches: pair(self.branch_total, self.branch_covered),
            functions: pair(self.function_total, self.function_covered),
            statements: None,
            regions: None,
        }
    }
}

pub fn parse_summary(bytes: &[u8], file: &str) -> Result<Parsed, InputError> {
    let summary: Summary = from_slice(bytes, file, "gcovr JSON summary")?;
    let mut files = Files::new();
    for f in summary.files {
        let totals = f.totals.totals();
        let mut cov = FileCov::new(Has {
            lines: totals.lines.is_some(),
            branches: totals.branches.is_some(),
            functions: totals.functions.is_some(),
            statements: false,
            regions: false,
        });
        cov.summary = Some(Box::new(totals));
        model::insert(&mut files, f.filename, cov);
    }
    let declared = summary.totals.totals();
    Ok(Parsed {
        format: Format::GcovrSummary,
        files,
        sources: summary.root.into_iter().collect(),
        declared: declared.lines.is_some().then_some(declared),
    })
}
