//! JaCoCo XML (and gcovr's JaCoCo flavour), counted as JaCoCo counts: the `LINE`,
//! `BRANCH` and `METHOD` counters of each source file and of the report. Per-line data
//! (for patch coverage and merging) comes from `<line nr mi ci mb cb>`: a line with
//! instructions is covered when `ci > 0`. JaCoCo names files by package and source file
//! name (`name/fraser/X.java`); path mapping finds them under the source roots.
//!
//! The document is streamed (a 64 KiB buffer and the current element), so its size is
//! not limited by memory; errors give the line, counted as the parser consumes bytes.

use std::io::{BufRead, Read};

use quick_xml::events::{BytesStart, Event};

use super::{Format, Parsed, num};
use crate::error::InputError;
use crate::model::{self, Counter, FileCov, Files, Has, Totals};

/// A buffered reader that counts the newlines the XML parser has consumed.
struct Counted<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.newlines += memchr::memchr_iter(b'\n', &out[..n]).count() as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffered) = self.inner.fill_buf() {
            let amount = amount.min(buffered.len());
            self.newlines += memchr::memchr_iter(b'\n', &buffered[..amount]).count() as u64;
        }
        self.inner.consume(amount);
    }
}

pub fn parse<R: Read>(input: R, head: Vec<u8>, file: &str) -> Result<Parsed, InputError> {
    let input = Counted {
        inner: std::io::BufReader::with_capacity(1 << 16, std::io::Cursor::new(head).chain(input)),
        newlines: 0,
    };
    let mut reader = quick_xml::Reader::from_reader(input);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut package = String::new();
    let mut class_source: Option<(String, String)> = None; // (path, class name)
    let mut current: Option<(String, FileCov)> = None;
    let mut files = Files::new();
    let mut functions: Vec<(String, u64, Box<str>)> = Vec::new();
    let mut method: Option<String> = None;
    let mut declared = Totals::default();
    let syntax = |reader: &quick_xml::Reader<Counted<_>>, message: String| InputError::Syntax {
        file: file.to_owned(),
        line: reader.get_ref().newlines + 1,
        format: "JaCoCo XML",
        message,
    };
    let mut closed = false;
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(quick_xml::Error::Io(error)) => {
                return Err(InputError::Read {
                    file: file.to_owned(),
                    source: std::io::Error::new(error.kind(), error.to_string()),
                });
            }
            Err(error) => {
                let at_end = reader
                    .get_mut()
                    .fill_buf()
                    .is_ok_and(|rest| rest.is_empty());
                if at_end {
                    return Err(InputError::Truncated {
                        file: file.to_owned(),
                        format: "JaCoCo XML",
                        message: error.to_string(),
                    });
                }
                return Err(syntax(&reader, format!("malformed XML: {error}")));
            }
        };
        let (element, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            Event::End(e) => {
                let name = e.name().as_ref().to_owned();
                stack.pop();
                match name.as_str() {
                    "sourcefile" => {
                        if let Some((path, mut cov)) = current.take() {
                            cov.finish();
                            model::insert(&mut files, path, cov);
                        }
                    }
                    "class" => class_source = None,
                    "method" => method = None,
                    "package" => package.clear(),
                    "report" => closed = true,
                    _ => {}
                }
                (None, false)
            }
            Event::Eof => break,
            _ => (None, false),
        };
        let Some(e) = element else { continue };
        let name = e.name().as_ref().to_owned();
        let get = |key: &str| attr(e, key);
        match name.as_str() {
            "package" => package = get("name").unwrap_or_default(),
            "class" => {
                let source = get("sourcefilename").unwrap_or_default();
                class_source = Some((join(&package, &source), get("name").unwrap_or_default()));
            }
            "method" => {
                method = Some(format!(
                    "{}.{}{}",
                    class_source.as_ref().map(|c| c.1.as_str()).unwrap_or(""),
                    get("name").unwrap_or_default(),
                    get("desc").unwrap_or_default()
                ));
            }
            "sourcefile" => {
                let path = join(&package, &get("name").unwrap_or_default());
                current = Some((
                    path,
                    FileCov::new(Has {
                        lines: true,
                        branches: true,
                        functions: true,
                        statements: false,
                        regions: false,
                    }),
                ));
            }
            "line" => {
                if let Some((_, cov)) = current.as_mut() {
                    let number = num::line(get("nr").unwrap_or_default().as_bytes())
                        .map_err(|m| syntax(&reader, m))?;
                    let value = |key: &str| -> Result<u64, InputError> {
                        get(key).map_or(Ok(0), |v| {
                            num::count(v.as_bytes()).map_err(|m| syntax(&reader, m))
                        })
                    };
                    let (mi, ci, mb, cb) = (value("mi")?, value("ci")?, value("mb")?, value("cb")?);
                    if mi + ci > 0 {
                        cov.lines.set(number, ci > 0);
                    }
                    let total = (mb + cb).min(65_536) as u32;
                    for id in 0..total {
                        cov.branches
                            .push(model::branch(number, id, u64::from(id) < cb));
                    }
                }
            }
            "counter" => {
                let kind = get("type").unwrap_or_default();
                let missed = num::count(get("missed").unwrap_or_default().as_bytes())
                    .map_err(|m| syntax(&reader, m))?;
                let covered = num::count(get("covered").unwrap_or_default().as_bytes())
                    .map_err(|m| syntax(&reader, m))?;
                let counter = Counter::new(missed.saturating_add(covered), covered);
                let parent = stack.last().map(String::as_str).unwrap_or("");
                let target = match parent {
                    "sourcefile" => current
                        .as_mut()
                        .map(|(_, cov)| &mut **cov.declared.get_or_insert_with(Box::default)),
                    "report" => Some(&mut declared),
                    "method" if kind == "METHOD" => {
                        if let (Some(m), Some((path, _))) = (&method, &class_source) {
                            functions.push((
                                path.clone(),
                                model::function(model::hash(&[m.as_bytes()]), covered > 0),
                                m.as_str().into(),
                            ));
                        }
                        None
                    }
                    _ => None,
                };
                if let Some(totals) = target {
                    match kind.as_str() {
                        "LINE" => totals.lines = Some(counter),
                        "BRANCH" => totals.branches = Some(counter),
                        "METHOD" => totals.functions = Some(counter),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if !empty {
            stack.push(name);
        }
    }
    if !closed {
        return Err(InputError::Truncated {
            file: file.to_owned(),
            format: "JaCoCo XML",
            message: "the closing `</report>` tag is missing".into(),
        });
    }
    let keep = super::keeps_names();
    for (path, packed, name) in functions {
        let cov = files.entry(path).or_insert_with(|| {
            FileCov::new(Has {
                functions: true,
                ..Has::default()
            })
        });
        cov.functions.push(packed);
        if keep {
            cov.names.push((packed & !1, name));
        }
    }
    for cov in files.values_mut() {
        cov.finish();
        // Files without `ci`/`mi` per line (gcovr's flavour) have counters only.
        if cov.lines.is_empty() {
            cov.summary = cov.declared.clone();
        }
        if cov.declared.as_ref().is_some_and(|d| d.branches.is_none())
            && cov.branch_entries().is_empty()
        {
            cov.has.branches = false;
        }
    }
    Ok(Parsed {
        format: Format::Jacoco,
        files,
        sources: Vec::new(),
        declared: declared.lines.is_some().then_some(declared),
    })
}

fn join(package: &str, name: &str) -> String {
    if package.is_empty() {
        name.to_owned()
    } else {
        format!("{package}/{name}")
    }
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}
