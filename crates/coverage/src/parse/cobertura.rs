//! Cobertura XML (coverage.py, c8/nyc, gcovr, JaCoCo converters, dotnet coverlet), read
//! in parallel pieces cut after `</class>` with the tag scanner of [`super::xmlscan`].
//!
//! Counting follows the root `lines-valid`/`lines-covered` the producers write: every
//! `<line>` of a `<class>` (not the copies under `<methods>`), once per file and line
//! number, covered when `hits > 0`; branches from `condition-coverage="50% (1/2)"`. A line
//! with partly covered branches is a covered line (pycobertura counts it as missed; we
//! follow the producers and diff-cover).

use std::io::Read;

use super::xmlscan::{Kind, Scanner, Tag, attributes, unescape};
use super::{FirstError, Format, Parsed, join_files, num};
use crate::chunked::{self, Piece};
use crate::error::InputError;
use crate::model::{self, Counter, FileCov, Files, Has, Totals};

/// Marks an XML error at the very end of the input: the document was cut short.
const TRUNCATED: &str = "truncated";

#[derive(Default)]
struct Acc {
    files: Files,
    error: FirstError,
    newlines: Vec<(usize, u64)>,
    sources: Vec<String>,
    root_seen: bool,
    end_seen: Option<usize>,
    last_seq: usize,
    open_class: Option<(usize, String)>,
    declared: Option<Totals>,
}

pub fn parse<R: Read>(reader: R, head: Vec<u8>, file: &str) -> Result<Parsed, InputError> {
    let accs = chunked::fold(
        reader,
        head,
        |bytes| chunked::after_last(bytes, b"</class>"),
        Acc::default,
        parse_piece,
    )
    .map_err(|source| InputError::Read {
        file: file.to_owned(),
        source,
    })?;
    let mut newlines = Vec::new();
    let mut errors = Vec::new();
    let mut sources = Vec::new();
    let mut root_seen = false;
    let mut end_seen = None;
    let mut last_seq = 0;
    let mut open_class = None;
    let mut declared = None;
    let mut parts = Vec::new();
    for acc in accs {
        newlines.extend(acc.newlines);
        errors.push(acc.error);
        sources.extend(acc.sources);
        root_seen |= acc.root_seen;
        end_seen = end_seen.max(acc.end_seen);
        last_seq = last_seq.max(acc.last_seq);
        if acc.open_class.is_some() {
            open_class = acc.open_class;
        }
        if acc.declared.is_some() {
            declared = acc.declared;
        }
        parts.push(acc.files);
    }
    if let Some((line, message)) = FirstError::resolve(errors, &newlines) {
        if let Some(rest) = message.strip_prefix(TRUNCATED) {
            return Err(InputError::Truncated {
                file: file.to_owned(),
                format: "Cobertura XML",
                message: format!("at line {line}{rest}"),
            });
        }
        return Err(InputError::Syntax {
            file: file.to_owned(),
            line,
            format: "Cobertura XML",
            message,
        });
    }
    let truncated = |message: String| InputError::Truncated {
        file: file.to_owned(),
        format: "Cobertura XML",
        message,
    };
    if !root_seen {
        return Err(InputError::Unrecognized {
            file: file.to_owned(),
            why: "no `<coverage>` element".into(),
        });
    }
    if let Some((_, name)) = open_class {
        return Err(truncated(format!(
            "the `<class>` of `{name}` is not closed"
        )));
    }
    if end_seen != Some(last_seq) {
        return Err(truncated("the closing `</coverage>` tag is missing".into()));
    }
    Ok(Parsed {
        format: Format::Cobertura,
        files: join_files(parts),
        sources,
        declared,
    })
}

fn parse_piece(acc: &mut Acc, piece: Piece) {
    acc.last_seq = acc.last_seq.max(piece.seq);
    acc.newlines.push((
        piece.seq,
        memchr::memchr_iter(b'\n', &piece.bytes).count() as u64,
    ));
    let mut scanner = Scanner::new(&piece.bytes);
    let mut state = State::default();
    while let Some(tag) = scanner.next_tag() {
        let tag = match tag {
            Ok(tag) => tag,
            Err(error) => {
                let prefix = if error.eof {
                    TRUNCATED
                } else {
                    "malformed XML"
                };
                fail(
                    acc,
                    &piece,
                    error.at,
                    format!("{prefix}: {}", error.message),
                );
                return;
            }
        };
        let result = match tag.kind {
            Kind::Start => state.start(&tag, false, acc, piece.seq),
            Kind::Empty => state.start(&tag, true, acc, piece.seq),
            Kind::End => {
                state.end(tag.name, acc, piece.seq);
                Ok(())
            }
        };
        if let Err(message) = result {
            fail(acc, &piece, tag.at, message);
            return;
        }
        if state.in_source {
            state.source.push_str(&unescape(scanner.text()));
        }
    }
    if let Some((name, _)) = state.class {
        acc.open_class = Some((piece.seq, name));
    }
}

fn fail(acc: &mut Acc, piece: &Piece, at: usize, message: String) {
    let line =
        memchr::memchr_iter(b'\n', &piece.bytes[..at.min(piece.bytes.len())]).count() as u64 + 1;
    acc.error.record(piece.seq, line, message);
}

#[derive(Default)]
struct State {
    class: Option<(String, FileCov)>,
    /// Branches already seen per line of the current class: a line listed twice (Istanbul
    /// writes one `<line>` per statement) adds its branches, as `branches-valid` counts.
    branch_ids: std::collections::HashMap<u32, u32>,
    methods_depth: u32,
    in_source: bool,
    source: String,
}

impl State {
    fn start(&mut self, e: &Tag, empty: bool, acc: &mut Acc, seq: usize) -> Result<(), String> {
        match e.name {
            b"line" if self.methods_depth == 0 => {
                if let Some((_, file)) = self.class.as_mut() {
                    line(e, file, &mut self.branch_ids)?;
                }
            }
            b"class" => {
                let filename =
                    attr(e, b"filename")?.ok_or("a `<class>` has no `filename` attribute")?;
                if !empty {
                    self.class = Some((
                        filename,
                        FileCov::new(Has {
                            lines: true,
                            ..Has::default()
                        }),
                    ));
                }
            }
            b"methods" if !empty => self.methods_depth += 1,
            b"source" if !empty => {
                self.in_source = true;
                self.source.clear();
            }
            b"coverage" => {
                acc.root_seen = true;
                acc.declared = root_totals(e)?;
                if empty {
                    acc.end_seen = Some(seq);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8], acc: &mut Acc, seq: usize) {
        match name {
            b"class" => {
                self.branch_ids.clear();
                if let Some((path, mut file)) = self.class.take() {
                    file.finish();
                    model::insert(&mut acc.files, path, file);
                }
            }
            b"methods" => self.methods_depth = self.methods_depth.saturating_sub(1),
            b"source" if self.in_source => {
                self.in_source = false;
                let source = self.source.trim();
                if !source.is_empty() {
                    acc.sources.push(source.to_owned());
                }
            }
            b"coverage" => acc.end_seen = Some(seq),
            _ => {}
        }
    }
}

fn line(
    e: &Tag,
    file: &mut FileCov,
    branch_ids: &mut std::collections::HashMap<u32, u32>,
) -> Result<(), String> {
    let mut number = None;
    let mut hits = None;
    let mut branch = false;
    let mut condition = None;
    for attribute in attributes(e.attrs) {
        let (key, value) = attribute?;
        match key {
            b"number" => number = Some(num::line(value)?),
            b"hits" => hits = Some(num::hits(value)?),
            b"branch" => branch = value == b"true",
            b"condition-coverage" => condition = Some(condition_coverage(value)?),
            _ => {}
        }
    }
    let number = number.ok_or("a `<line>` has no `number` attribute")?;
    let hits = hits.ok_or("a `<line>` has no `hits` attribute")?;
    file.lines.set(number, hits);
    if let (true, Some((covered, total))) = (branch, condition) {
        file.has.branches = true;
        let first = branch_ids.entry(number).or_insert(0);
        for id in 0..total {
            file.branches
                .push(model::branch(number, *first + id, id < covered));
        }
        *first += total;
    }
    Ok(())
}

/// The root's `lines-valid`/`lines-covered` and `branches-valid`/`branches-covered`.
fn root_totals(e: &Tag) -> Result<Option<Totals>, String> {
    let mut values = [None; 4];
    for attribute in attributes(e.attrs) {
        let (key, value) = attribute?;
        let slot = match key {
            b"lines-valid" => 0,
            b"lines-covered" => 1,
            b"branches-valid" => 2,
            b"branches-covered" => 3,
            _ => continue,
        };
        values[slot] = num::count(value).ok();
    }
    let pair = |total: Option<u64>, covered: Option<u64>| match (total, covered) {
        (Some(total), Some(covered)) if covered <= total && total > 0 => {
            Some(Counter::new(total, covered))
        }
        _ => None,
    };
    let totals = Totals {
        lines: pair(values[0], values[1]),
        branches: pair(values[2], values[3]),
        ..Totals::default()
    };
    Ok((totals.lines.is_some()).then_some(totals))
}

/// `50% (1/2)` → `(1, 2)`.
fn condition_coverage(value: &[u8]) -> Result<(u32, u32), String> {
    let bad = || {
        format!(
            "`condition-coverage=\"{}\"` is not of the form `50% (1/2)`",
            String::from_utf8_lossy(value)
        )
    };
    let open = memchr::memchr(b'(', value).ok_or_else(bad)?;
    let close = memchr::memchr(b')', value).ok_or_else(bad)?;
    let inner = value.get(open + 1..close).ok_or_else(bad)?;
    let slash = memchr::memchr(b'/', inner).ok_or_else(bad)?;
    let covered = num::count(inner[..slash].trim_ascii())?;
    let total = num::count(inner[slash + 1..].trim_ascii())?;
    if covered > total || total > 65_536 {
        return Err(format!(
            "`condition-coverage=\"{}\"` counts {covered} of {total} branches",
            String::from_utf8_lossy(value)
        ));
    }
    Ok((covered as u32, total as u32))
}

fn attr(e: &Tag, name: &[u8]) -> Result<Option<String>, String> {
    for attribute in attributes(e.attrs) {
        let (key, value) = attribute?;
        if key == name {
            return Ok(Some(unescape(value)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Counter;

    fn parse_str(text: &str) -> Result<Parsed, InputError> {
        parse(text.as_bytes(), Vec::new(), "c.xml")
    }

    const DOC: &str = r#"<?xml version="1.0" ?>
<coverage lines-valid="3" lines-covered="2">
  <sources><source>/build/a&amp;b</source></sources>
  <packages><package name="p"><classes>
    <class name="x" filename="src/x.py">
      <methods><method name="f"><lines><line number="1" hits="1"/></lines></method></methods>
      <lines>
        <line number="1" hits="1"/>
        <line number="2" hits="3" branch="true" condition-coverage="50% (1/2)"/>
        <line number="4" hits="0"/>
      </lines>
    </class>
    <class name="y" filename="src/x.py"><lines><line number="4" hits="2"/></lines></class>
  </classes></package></packages>
</coverage>
"#;

    #[test]
    fn counts_class_lines_once_and_branches_from_conditions() {
        let parsed = parse_str(DOC).unwrap();
        assert_eq!(parsed.sources, vec!["/build/a&b"]);
        let totals = parsed.files["src/x.py"].totals();
        assert_eq!(totals.lines, Some(Counter::new(3, 3)));
        assert_eq!(totals.branches, Some(Counter::new(2, 1)));
        assert_eq!(totals.functions, None);
    }

    #[test]
    fn truncated_and_malformed_documents_are_errors() {
        let cut = &DOC[..DOC.find("<class name=\"y\"").unwrap()];
        let error = parse_str(cut).unwrap_err();
        assert!(
            error.to_string().contains("`</coverage>` tag is missing"),
            "{error}"
        );
        let cut = &DOC[..DOC.find("<line number=\"4\" hits=\"0\"").unwrap()];
        let error = parse_str(cut).unwrap_err();
        assert!(error.to_string().contains("is not closed"), "{error}");
        let bad = DOC.replace("hits=\"3\"", "hits=\"x\"");
        let error = parse_str(&bad).unwrap_err();
        assert_eq!(
            error.to_string(),
            "c.xml:9: `x` is not a whole number (Cobertura XML)"
        );
    }
}
