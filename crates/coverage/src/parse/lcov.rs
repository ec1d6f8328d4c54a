//! lcov tracefiles (geninfo, lcov 1.x/2.x, c8/nyc, llvm-cov, gcovr, coverage.py,
//! grcov, cargo-llvm-cov), counted the way `lcov --summary` counts:
//! - records of the same `SF` are merged line by line (lcov 1.x capture files repeat a
//!   source file once per data file), and their `LF/LH/BRF/BRH/FNF/FNH` are then
//!   recomputed from the `DA`, `BRDA` and `FN`/`FNDA` lines rather than summed;
//! - a file with a single record keeps the totals that record declares: they are the
//!   producing tool's own count (llvm-cov's `LF` leaves out macro-expansion lines that it
//!   still writes as `DA`, so its lcov totals equal `llvm-cov report`);
//! - a branch is `BRDA:line,block,branch,taken` (`-` = never evaluated); the branch id may
//!   be text (coverage.py writes `jump to line 12`);
//! - functions merge by name; `FN:line,name` and lcov 2's `FN:line,end,name` both work.

use std::io::Read;

use super::{FirstError, Format, Parsed, join_files, num};
use crate::chunked::{self, Piece};
use crate::error::InputError;
use crate::model::{self, Counter, FileCov, Files, Has};

#[derive(Default)]
struct Acc {
    files: Files,
    error: FirstError,
    newlines: Vec<(usize, u64)>,
    /// A record still open at the end of a piece (only possible in the last one).
    open: Option<(usize, u64, String)>,
}

pub fn parse<R: Read>(reader: R, head: Vec<u8>, file: &str) -> Result<Parsed, InputError> {
    let accs = chunked::fold(
        reader,
        head,
        |bytes| chunked::after_last(bytes, b"end_of_record"),
        Acc::default,
        parse_piece,
    )
    .map_err(|source| InputError::Read {
        file: file.to_owned(),
        source,
    })?;
    let mut newlines = Vec::new();
    let mut errors = Vec::new();
    let mut open = None;
    let mut parts = Vec::new();
    for acc in accs {
        newlines.extend(acc.newlines);
        errors.push(acc.error);
        if acc.open.is_some() {
            open = acc.open;
        }
        parts.push(acc.files);
    }
    if let Some((line, message)) = FirstError::resolve(errors, &newlines) {
        return Err(InputError::Syntax {
            file: file.to_owned(),
            line,
            format: "lcov",
            message,
        });
    }
    if let Some((_, _, path)) = open {
        return Err(InputError::Truncated {
            file: file.to_owned(),
            format: "lcov",
            message: format!("the record of `SF:{path}` has no `end_of_record` line"),
        });
    }
    Ok(Parsed {
        format: Format::Lcov,
        files: join_files(parts),
        sources: Vec::new(),
        declared: None,
    })
}

fn parse_piece(acc: &mut Acc, piece: Piece) {
    let bytes = &piece.bytes;
    let mut current: Option<(String, FileCov)> = None;
    let mut scratch = Scratch::default();
    let mut line_no: u64 = 0;
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        line_no += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Err(message) = parse_line(line, &mut current, &mut scratch, &mut acc.files) {
            acc.error.record(piece.seq, line_no, message);
            current = None;
            // Keep counting lines so later pieces resolve positions correctly.
            line_no += memchr::memchr_iter(b'\n', rest).count() as u64;
            break;
        }
    }
    acc.newlines.push((piece.seq, line_no));
    if let Some((path, _)) = current {
        acc.open = Some((piece.seq, line_no, path));
    }
}

/// Per-worker buffers reused across records.
#[derive(Default)]
struct Scratch {
    branches: Vec<u64>,
    functions: Vec<u64>,
}

fn parse_line(
    line: &[u8],
    current: &mut Option<(String, FileCov)>,
    scratch: &mut Scratch,
    files: &mut Files,
) -> Result<(), String> {
    // The hot path: `DA:` is most lines of any report.
    if let [b'D', b'A', b':', value @ ..] = line {
        let Some((_, file)) = current.as_mut() else {
            return Err("`DA` before any `SF` line".into());
        };
        let comma = memchr::memchr(b',', value).ok_or("`DA` needs `DA:<line>,<hits>`")?;
        let line = num::line(&value[..comma])?;
        let rest = &value[comma + 1..];
        let hits = match memchr::memchr(b',', rest) {
            Some(end) => &rest[..end],
            None => rest,
        };
        file.lines.set(line, num::hits(hits.trim_ascii())?);
        return Ok(());
    }
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    if line == b"end_of_record" {
        let (path, mut file) = current
            .take()
            .ok_or_else(|| "`end_of_record` without an `SF` line before it".to_owned())?;
        file.take_from(&mut scratch.branches, &mut scratch.functions);
        file.finish();
        check_declared(&mut file);
        model::insert(files, path, file);
        return Ok(());
    }
    let Some(colon) = memchr::memchr(b':', line) else {
        return Err(format!(
            "`{}` is not an lcov line (expected `KEY:VALUE`)",
            shown(line)
        ));
    };
    let (key, value) = (&line[..colon], &line[colon + 1..]);
    if key == b"SF" {
        if let Some((path, _)) = current {
            return Err(format!(
                "`SF` starts a new record before `SF:{path}` ended with `end_of_record`"
            ));
        }
        scratch.branches.clear();
        scratch.functions.clear();
        let path = String::from_utf8_lossy(value).trim().to_owned();
        if path.is_empty() {
            return Err("`SF:` names no source file".into());
        }
        *current = Some((
            path,
            FileCov::new(Has {
                lines: true,
                ..Has::default()
            }),
        ));
        return Ok(());
    }
    if key == b"TN" || key == b"VER" {
        return Ok(());
    }
    let Some((_, file)) = current.as_mut() else {
        return Err(format!(
            "`{}` before any `SF` line",
            String::from_utf8_lossy(key)
        ));
    };
    match key {
        b"BRDA" => {
            // `line,block,branch,taken`; the branch id may itself hold commas.
            let usage = "`BRDA` needs `BRDA:<line>,<block>,<branch>,<taken>`";
            let first = memchr::memchr(b',', value).ok_or(usage)?;
            let second = memchr::memchr(b',', &value[first + 1..]).ok_or(usage)? + first + 1;
            let last = memchr::memrchr(b',', value).ok_or(usage)?;
            if last <= second {
                return Err(usage.into());
            }
            let line = num::line(&value[..first])?;
            let block = &value[first + 1..second];
            let branch = &value[second + 1..last];
            let taken = value[last + 1..].trim_ascii();
            let taken = taken != b"-" && num::hits(taken)?;
            scratch
                .branches
                .push(model::branch(line, branch_id(block, branch), taken));
            file.has.branches = true;
        }
        b"LF" | b"LH" | b"BRF" | b"BRH" | b"FNF" | b"FNH" => {
            let value = num::count(value.trim_ascii())?;
            let declared = file.declared.get_or_insert_with(Box::default);
            let slot = match key {
                b"LF" | b"LH" => &mut declared.lines,
                b"BRF" | b"BRH" => {
                    file.has.branches = true;
                    &mut declared.branches
                }
                _ => {
                    file.has.functions = true;
                    &mut declared.functions
                }
            };
            let counter = slot.get_or_insert_with(Counter::default);
            if key.ends_with(b"F") {
                counter.total = value;
            } else {
                counter.covered = value;
            }
        }
        b"FN" => {
            // `FN:<line>,<name>` (lcov 1) or `FN:<line>,<end line>,<name>` (lcov 2).
            let mut fields = value.splitn(2, |b| *b == b',');
            num::line(fields.next().unwrap_or_default())?;
            let mut name = fields.next().ok_or("`FN` needs `FN:<line>,<name>`")?;
            if let Some(comma) = memchr::memchr(b',', name)
                && name[..comma].iter().all(u8::is_ascii_digit)
                && comma > 0
            {
                name = &name[comma + 1..];
            }
            push_function(file, &mut scratch.functions, name, false);
        }
        b"FNDA" => {
            let mut fields = value.splitn(2, |b| *b == b',');
            let hits = num::hits(fields.next().unwrap_or_default())?;
            let name = fields.next().ok_or("`FNDA` needs `FNDA:<count>,<name>`")?;
            push_function(file, &mut scratch.functions, name, hits);
        }
        b"FNA" => {
            // lcov 2.2: `FNA:<index>,<count>,<name>`.
            let mut fields = value.splitn(3, |b| *b == b',');
            fields.next();
            let hits = num::hits(fields.next().unwrap_or_default())?;
            let name = fields
                .next()
                .ok_or("`FNA` needs `FNA:<index>,<count>,<name>`")?;
            push_function(file, &mut scratch.functions, name, hits);
        }
        // The rest carries nothing the gate counts.
        _ => {}
    }
    Ok(())
}

/// Keeps the record's own `LF/LH`-style totals only when they are complete and sane
/// (covered within total); otherwise the gate counts from the record's data.
fn check_declared(file: &mut FileCov) {
    if let Some(declared) = &mut file.declared {
        for slot in [
            &mut declared.lines,
            &mut declared.branches,
            &mut declared.functions,
        ] {
            if slot.is_some_and(|c| c.covered > c.total || c.total == 0 && c.covered == 0) {
                *slot = None;
            }
        }
    }
}

fn push_function(file: &mut FileCov, functions: &mut Vec<u64>, name: &[u8], hit: bool) {
    let id = model::hash(&[name]);
    functions.push(model::function(id, hit));
    file.has.functions = true;
    if super::keeps_names() {
        file.names.push((
            model::function(id, false),
            String::from_utf8_lossy(name).into(),
        ));
    }
}

/// Small numeric ids pack exactly; others (text ids) hash, with bit 30 set so the two
/// kinds never collide.
fn branch_id(block: &[u8], branch: &[u8]) -> u32 {
    match (num::count(block), num::count(branch)) {
        (Ok(b), Ok(r)) if b < (1 << 14) && r < (1 << 16) => ((b as u32) << 16) | r as u32,
        _ => (model::hash(&[block, branch]) as u32 & 0x3fff_ffff) | 0x4000_0000,
    }
}

fn shown(line: &[u8]) -> String {
    signoff_core::text::one_line(&String::from_utf8_lossy(&line[..line.len().min(60)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Counter;

    fn parse_str(text: &str) -> Result<Parsed, InputError> {
        parse(text.as_bytes(), Vec::new(), "t.info")
    }

    #[test]
    fn repeated_records_merge_line_by_line() {
        let parsed = parse_str(
            "TN:a\nSF:/abs/x.c\nFN:3,main\nFNDA:0,main\nDA:3,0\nDA:4,0\nBRDA:4,0,0,-\nBRDA:4,0,1,0\nLF:2\nLH:0\nend_of_record\n\
             TN:b\nSF:/abs/x.c\nFN:3,main\nFNDA:2,main\nDA:3,2\nDA:5,1\nBRDA:4,0,0,1\nBRDA:4,0,1,0\nLF:2\nLH:2\nend_of_record\n",
        )
        .unwrap();
        let totals = parsed.files["/abs/x.c"].totals();
        assert_eq!(totals.lines, Some(Counter::new(3, 2)));
        assert_eq!(totals.branches, Some(Counter::new(2, 1)));
        assert_eq!(totals.functions, Some(Counter::new(1, 1)));
    }

    #[test]
    fn coverage_py_text_branch_ids_and_lcov2_function_ends() {
        let parsed = parse_str(
            "SF:a.py\nFN:1,4,f\nFNDA:1,f\nDA:1,1,abc\nDA:2,0\nBRDA:1,0,jump to line 2,1\nBRDA:1,0,return from function 'f',0\nend_of_record\n",
        )
        .unwrap();
        let totals = parsed.files["a.py"].totals();
        assert_eq!(totals.lines, Some(Counter::new(2, 1)));
        assert_eq!(totals.branches, Some(Counter::new(2, 1)));
        assert_eq!(totals.functions, Some(Counter::new(1, 1)));
    }

    #[test]
    fn absent_branch_data_stays_absent() {
        let parsed = parse_str("SF:a.c\r\nDA:1,1\r\nend_of_record\r\n").unwrap();
        let totals = parsed.files["a.c"].totals();
        assert_eq!(totals.branches, None);
        assert_eq!(totals.functions, None);
    }

    #[test]
    fn errors_name_the_line() {
        let error = parse_str("SF:a.c\nDA:1,1\nDA:x,1\nend_of_record\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "t.info:3: `x` is not a whole number (lcov)"
        );
        let error = parse_str("DA:1,1\n").unwrap_err();
        assert!(
            error.to_string().contains("before any `SF` line"),
            "{error}"
        );
        let error = parse_str("SF:a.c\nDA:1,1\n").unwrap_err();
        assert!(matches!(error, InputError::Truncated { .. }), "{error}");
        let error = parse_str("SF:a.c\nDA:1,99999999999999999999\nend_of_record\n").unwrap_err();
        assert!(error.to_string().contains("overflows"), "{error}");
    }

    #[test]
    fn error_lines_count_across_pieces() {
        let mut text = String::new();
        for i in 0..200_000 {
            text.push_str(&format!("SF:f{i}.c\nDA:1,1\nend_of_record\n"));
        }
        text.push_str("SF:bad.c\nDA:1\nend_of_record\n");
        let error = parse_str(&text).unwrap_err();
        assert!(error.to_string().starts_with("t.info:600002:"), "{error}");
    }
}
