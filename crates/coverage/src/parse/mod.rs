//! Reading coverage reports: the format is detected from the content (never the file
//! name), then a streaming parser for that format fills the [`Files`] model.

mod cobertura;
mod coveragepy;
mod gcovr;
mod go;
mod istanbul;
mod jacoco;
mod json;
mod lcov;
mod llvm;
mod num;
mod xmlscan;

use std::io::Read;
use std::path::Path;

use crate::error::InputError;
use crate::model::{Files, Totals};

pub use go::functions as go_functions;

/// A report format the gate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Lcov,
    Cobertura,
    Jacoco,
    GoCover,
    IstanbulFinal,
    IstanbulSummary,
    CoveragePy,
    LlvmCov,
    Gcovr,
    GcovrSummary,
}

impl Format {
    /// Name shown to users and written into the gate report.
    pub fn name(self) -> &'static str {
        match self {
            Format::Lcov => "lcov",
            Format::Cobertura => "cobertura-xml",
            Format::Jacoco => "jacoco-xml",
            Format::GoCover => "go-coverprofile",
            Format::IstanbulFinal => "istanbul-coverage-final",
            Format::IstanbulSummary => "istanbul-json-summary",
            Format::CoveragePy => "coverage.py-json",
            Format::LlvmCov => "llvm-cov-export-json",
            Format::Gcovr => "gcovr-json",
            Format::GcovrSummary => "gcovr-json-summary",
        }
    }

    /// Whether the format has per-line data (patch coverage and merging need it).
    pub fn has_line_data(self) -> bool {
        !matches!(self, Format::IstanbulSummary | Format::GcovrSummary)
    }
}

/// One parsed report.
#[derive(Debug)]
pub struct Parsed {
    pub format: Format,
    pub files: Files,
    /// Source roots the report names (Cobertura `<source>`, gcovr `root`).
    pub sources: Vec<String>,
    /// Whole-report totals the producing tool wrote into the report (Cobertura's root
    /// `lines-valid`, JaCoCo's report counters, …): what users see from that tool. The
    /// gate reports them for a single report taken whole; otherwise it counts.
    pub declared: Option<Totals>,
}

static KEEP_NAMES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes parsers keep function names (for writing a merged report); off by default
/// because a large report's names cost more memory than everything else.
pub fn keep_function_names(keep: bool) {
    KEEP_NAMES.store(keep, std::sync::atomic::Ordering::Relaxed);
}

pub(crate) fn keeps_names() -> bool {
    KEEP_NAMES.load(std::sync::atomic::Ordering::Relaxed)
}

/// How many bytes the detector looks at.
const HEAD: usize = 64 * 1024;

/// Largest report of a JSON format (Istanbul, coverage.py, llvm-cov export, gcovr): 1 GiB.
/// Those parsers hold the whole document and build its data at several times its size;
/// the streamed formats (lcov, Cobertura and JaCoCo XML, Go coverprofile) have no limit.
pub const WHOLE_FILE_LIMIT: u64 = 1 << 30;

/// Entry points for the fuzz targets in `fuzz/`, one per format; not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    use super::{Parsed, cobertura, coveragepy, gcovr, go, istanbul, jacoco, lcov, llvm};
    use crate::error::InputError;

    const FILE: &str = "fuzz-input";

    pub fn lcov(bytes: &[u8]) -> Result<Parsed, InputError> {
        lcov::parse(std::io::empty(), bytes.to_vec(), FILE)
    }
    pub fn cobertura(bytes: &[u8]) -> Result<Parsed, InputError> {
        cobertura::parse(std::io::empty(), bytes.to_vec(), FILE)
    }
    pub fn go(bytes: &[u8]) -> Result<Parsed, InputError> {
        go::parse(std::io::empty(), bytes.to_vec(), FILE)
    }
    pub fn jacoco(bytes: &[u8]) -> Result<Parsed, InputError> {
        jacoco::parse(std::io::empty(), bytes.to_vec(), FILE)
    }
    pub fn coveragepy(bytes: &[u8]) -> Result<Parsed, InputError> {
        coveragepy::parse(bytes, FILE)
    }
    pub fn gcovr(bytes: &[u8]) -> Result<Parsed, InputError> {
        gcovr::parse(bytes, FILE)
    }
    pub fn gcovr_summary(bytes: &[u8]) -> Result<Parsed, InputError> {
        gcovr::parse_summary(bytes, FILE)
    }
    pub fn llvm(bytes: &[u8]) -> Result<Parsed, InputError> {
        llvm::parse(bytes, FILE)
    }
    pub fn istanbul(bytes: &[u8]) -> Result<Parsed, InputError> {
        istanbul::parse_final(bytes, FILE)
    }
    pub fn istanbul_summary(bytes: &[u8]) -> Result<Parsed, InputError> {
        istanbul::parse_summary(bytes, FILE)
    }
}

/// Reads and parses the report at `path`.
pub fn parse_file(path: &Path) -> Result<Parsed, InputError> {
    let shown = path.display().to_string();
    let read_error = |source| InputError::Read {
        file: shown.clone(),
        source,
    };
    if path.is_dir() {
        return Err(InputError::Read {
            file: shown.clone(),
            source: std::io::Error::other("it is a directory, not a report file"),
        });
    }
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let mut head = Vec::with_capacity(HEAD);
    (&mut file)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(read_error)?;
    let format = detect(&head, &shown)?;
    signoff_core::progress::add(signoff_core::progress::Unit::Files, 1);
    let parsed = match format {
        Format::Lcov => lcov::parse(file, head, &shown),
        Format::Cobertura => cobertura::parse(file, head, &shown),
        Format::GoCover => go::parse(file, head, &shown),
        Format::Jacoco => jacoco::parse(file, head, &shown),
        _ => {
            let too_large = |size: u64| InputError::TooLarge {
                file: shown.clone(),
                format: format.name(),
                size,
                limit: WHOLE_FILE_LIMIT,
            };
            if let Ok(meta) = file.metadata()
                && meta.len() > WHOLE_FILE_LIMIT
            {
                return Err(too_large(meta.len()));
            }
            let mut bytes = head;
            // A pipe has no length to check beforehand: stop one byte past the limit.
            (&mut file)
                .take(WHOLE_FILE_LIMIT + 1 - bytes.len() as u64)
                .read_to_end(&mut bytes)
                .map_err(read_error)?;
            if bytes.len() as u64 > WHOLE_FILE_LIMIT {
                return Err(too_large(bytes.len() as u64));
            }
            match format {
                Format::IstanbulFinal => istanbul::parse_final(&bytes, &shown),
                Format::IstanbulSummary => istanbul::parse_summary(&bytes, &shown),
                Format::CoveragePy => coveragepy::parse(&bytes, &shown),
                Format::LlvmCov => llvm::parse(&bytes, &shown),
                Format::Gcovr => gcovr::parse(&bytes, &shown),
                Format::GcovrSummary => gcovr::parse_summary(&bytes, &shown),
                Format::Lcov | Format::Cobertura | Format::GoCover | Format::Jacoco => {
                    lcov::parse(&bytes[..], Vec::new(), &shown)
                }
            }
        }
    }?;
    let has_data = parsed.files.values().any(|file| {
        let totals = file.totals();
        [
            totals.lines,
            totals.statements,
            totals.branches,
            totals.functions,
        ]
        .iter()
        .flatten()
        .any(|c| c.total > 0)
    });
    if !has_data {
        return Err(InputError::Empty {
            file: shown,
            what: if parsed.files.is_empty() {
                format!("the {} report names no source file", format.name())
            } else {
                format!(
                    "the {} report names {} but no instrumented line",
                    format.name(),
                    signoff_core::text::plural(parsed.files.len() as u64, "file", "files")
                )
            },
        });
    }
    Ok(parsed)
}

/// Detects the format from the first bytes.
pub fn detect(head: &[u8], file: &str) -> Result<Format, InputError> {
    let unrecognized = |why: String| InputError::Unrecognized {
        file: file.to_owned(),
        why,
    };
    let body = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let body = &body[start..];
    if body.is_empty() {
        return Err(InputError::Empty {
            file: file.to_owned(),
            what: "the file is empty".into(),
        });
    }
    if memchr::memchr(0, body).is_some() {
        return Err(unrecognized("it holds binary data".into()));
    }
    let has = |needle: &[u8]| memchr::memmem::find(body, needle).is_some();
    match body[0] {
        b'<' => {
            if has(b"<coverage") {
                Ok(Format::Cobertura)
            } else if has(b"<report") || has(b"DTD Report") {
                Ok(Format::Jacoco)
            } else {
                Err(unrecognized(
                    "an XML document that is neither Cobertura (`<coverage>`) nor JaCoCo (`<report>`)"
                        .into(),
                ))
            }
        }
        b'{' | b'[' => {
            // llvm-cov writes `"type": "llvm.coverage.json.export"` after the data.
            if has(b"llvm.coverage.json.export") || has(b"\"segments\"") {
                Ok(Format::LlvmCov)
            } else if has(b"gcovr/summary_format_version") || has(b"\"line_total\"") {
                Ok(Format::GcovrSummary)
            } else if has(b"gcovr/format_version") {
                Ok(Format::Gcovr)
            } else if has(b"\"executed_lines\"") || has(b"\"missing_lines\"") {
                Ok(Format::CoveragePy)
            } else if has(b"\"statementMap\"") {
                Ok(Format::IstanbulFinal)
            } else if has(b"\"total\"") && has(b"\"pct\"") {
                Ok(Format::IstanbulSummary)
            } else {
                Err(unrecognized(
                    "a JSON document in no known coverage format (Istanbul, coverage.py, llvm-cov export, gcovr)"
                        .into(),
                ))
            }
        }
        _ if body.starts_with(b"mode:") => Ok(Format::GoCover),
        _ => {
            let lcov_like = body.split(|b| *b == b'\n').take(50).any(|line| {
                ["TN:", "SF:"]
                    .iter()
                    .any(|key| line.starts_with(key.as_bytes()))
            });
            if lcov_like {
                Ok(Format::Lcov)
            } else {
                let first = body.split(|b| *b == b'\n').next().unwrap_or_default();
                Err(unrecognized(format!(
                    "it starts with `{}`",
                    signoff_core::text::one_line(&String::from_utf8_lossy(
                        &first[..first.len().min(60)]
                    ))
                )))
            }
        }
    }
}

/// Joins per-worker results in a stable order.
pub(crate) fn join_files(parts: impl IntoIterator<Item = Files>) -> Files {
    let mut all = Files::new();
    for part in parts {
        if all.is_empty() {
            all = part;
            continue;
        }
        for (path, file) in part {
            crate::model::insert(&mut all, path, file);
        }
    }
    all
}

/// The first error of a parallel parse, by position in the file: `(piece, line in piece)`.
#[derive(Debug, Default)]
pub(crate) struct FirstError {
    pub at: Option<(usize, u64, String)>,
}

impl FirstError {
    pub fn record(&mut self, seq: usize, line: u64, message: String) {
        if self
            .at
            .as_ref()
            .is_none_or(|(s, l, _)| (seq, line) < (*s, *l))
        {
            self.at = Some((seq, line, message));
        }
    }

    /// The earliest of several workers' errors, with its absolute line (1-based), given
    /// the newline count of each piece.
    pub fn resolve(
        errors: impl IntoIterator<Item = FirstError>,
        newlines: &[(usize, u64)],
    ) -> Option<(u64, String)> {
        let (seq, line, message) = errors
            .into_iter()
            .filter_map(|e| e.at)
            .min_by_key(|(s, l, _)| (*s, *l))?;
        let before: u64 = newlines
            .iter()
            .filter(|(s, _)| *s < seq)
            .map(|(_, n)| n)
            .sum();
        Some((before + line, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        let cases: &[(&[u8], Format)] = &[
            (b"TN:\nSF:a.c\n", Format::Lcov),
            (b"\xef\xbb\xbfSF:a.c\n", Format::Lcov),
            (b"<?xml version=\"1.0\"?>\n<coverage line-rate=\"1\">", Format::Cobertura),
            (b"<?xml version=\"1.0\"?><!DOCTYPE report PUBLIC \"-//JACOCO//DTD Report 1.1//EN\" \"report.dtd\"><report name=\"x\">", Format::Jacoco),
            (b"mode: set\na.go:1.1,2.2 1 1\n", Format::GoCover),
            (b"{\"/a.js\": {\"path\": \"/a.js\", \"statementMap\": {}}}", Format::IstanbulFinal),
            (b"{\"total\": {\"lines\": {\"total\": 1, \"pct\": 100}}}", Format::IstanbulSummary),
            (b"{\"meta\": {}, \"files\": {\"a.py\": {\"executed_lines\": [1]}}}", Format::CoveragePy),
            (b"{\"data\": [], \"type\": \"llvm.coverage.json.export\"}", Format::LlvmCov),
            (b"{\"gcovr/format_version\": \"0.15\", \"files\": []}", Format::Gcovr),
            (b"{\"root\": \".\", \"gcovr/summary_format_version\": \"0.6\"}", Format::GcovrSummary),
        ];
        for (head, format) in cases {
            assert_eq!(
                detect(head, "f").unwrap(),
                *format,
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn rejects_what_is_not_a_report() {
        for (head, expected) in [
            (&b"\x7fELF\x00\x00"[..], "binary"),
            (b"<html><body>", "neither Cobertura"),
            (b"{\"name\": \"pkg\"}", "no known coverage format"),
            (b"hello world\n", "starts with `hello world`"),
        ] {
            let error = detect(head, "f").unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
        assert!(matches!(
            detect(b"  \n", "f"),
            Err(InputError::Empty { .. })
        ));
    }
}
