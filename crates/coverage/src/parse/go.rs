//! Go coverprofiles (`go test -coverprofile`, modes set, count and atomic), counted as
//! `go tool cover -func` counts: statements, a block's statements covered when its count
//! is above zero, duplicate blocks (several test binaries) joined.
//!
//! Line data, for patch coverage only: a line is measured when a block spans it, from the
//! block's first line to its last (closing-brace lines included), and covered when any block
//! spanning it has a count above zero, in any test binary (the convention of the Go-to-lcov
//! converters and of diff-cover). Go itself counts statements, not lines, so `lines_*`
//! metrics stay absent for a Go profile, as `go tool cover` has no such number; the gate's
//! line threshold applies to statements. The profile names no functions: the gate finds
//! them in the source (see [`functions`]).

use std::io::Read;

use super::{FirstError, Format, Parsed, join_files, num};
use crate::chunked::{self, Piece};
use crate::error::InputError;
use crate::model::{Block, FileCov, Files, Has};

#[derive(Default)]
struct Acc {
    files: Files,
    error: FirstError,
    newlines: Vec<(usize, u64)>,
}

pub fn parse<R: Read>(reader: R, head: Vec<u8>, file: &str) -> Result<Parsed, InputError> {
    let accs = chunked::fold(
        reader,
        head,
        |bytes| memchr::memrchr(b'\n', bytes).map(|i| i + 1),
        Acc::default,
        parse_piece,
    )
    .map_err(|source| InputError::Read {
        file: file.to_owned(),
        source,
    })?;
    let mut newlines = Vec::new();
    let mut errors = Vec::new();
    let mut parts = Vec::new();
    for acc in accs {
        newlines.extend(acc.newlines);
        errors.push(acc.error);
        parts.push(acc.files);
    }
    if let Some((line, message)) = FirstError::resolve(errors, &newlines) {
        return Err(InputError::Syntax {
            file: file.to_owned(),
            line,
            format: "Go coverprofile",
            message,
        });
    }
    let mut files = join_files(parts);
    for file in files.values_mut() {
        file.finish();
    }
    Ok(Parsed {
        format: Format::GoCover,
        files,
        sources: Vec::new(),
        declared: None,
    })
}

fn parse_piece(acc: &mut Acc, piece: Piece) {
    let mut line_no = 0u64;
    for line in piece.bytes.split(|b| *b == b'\n') {
        line_no += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() || line.starts_with(b"mode:") {
            continue;
        }
        match block(line) {
            Ok((path, block)) => {
                let file = acc.files.entry(path).or_insert_with(|| {
                    FileCov::new(Has {
                        statements: true,
                        ..Has::default()
                    })
                });
                file.blocks.push(block);
            }
            Err(message) => {
                acc.error.record(piece.seq, line_no, message);
                break;
            }
        }
    }
    // `split` yields one more piece than there are newlines.
    acc.newlines.push((
        piece.seq,
        memchr::memchr_iter(b'\n', &piece.bytes).count() as u64,
    ));
}

/// `path/file.go:12.34,15.2 3 1`
fn block(line: &[u8]) -> Result<(String, Block), String> {
    let bad = || {
        format!(
            "`{}` is not `file.go:line.col,line.col statements count`",
            String::from_utf8_lossy(&line[..line.len().min(80)])
        )
    };
    let colon = memchr::memrchr(b':', line).ok_or_else(bad)?;
    let (path, rest) = (&line[..colon], &line[colon + 1..]);
    let mut fields = rest.split(|b| *b == b' ');
    let span = fields.next().ok_or_else(bad)?;
    let statements = fields.next().ok_or_else(bad)?;
    let count = fields.next().ok_or_else(bad)?;
    let comma = memchr::memchr(b',', span).ok_or_else(bad)?;
    let position = |p: &[u8]| -> Result<(u32, u32), String> {
        let dot = memchr::memchr(b'.', p).ok_or_else(bad)?;
        Ok((num::line(&p[..dot])?, num::line(&p[dot + 1..])?))
    };
    let start = position(&span[..comma])?;
    let end = position(&span[comma + 1..])?;
    let statements = u32::try_from(num::count(statements)?).map_err(|_| bad())?;
    let hit = num::hits(count)?;
    if path.is_empty() {
        return Err(bad());
    }
    Ok((
        String::from_utf8_lossy(path).into_owned(),
        Block {
            start,
            end,
            statements,
            hit,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Counter;

    #[test]
    fn statements_like_go_tool_cover_and_lines_covered_by_any_block_that_ran() {
        let text = "mode: set\nm/a.go:3.10,5.2 2 1\nm/a.go:7.1,8.3 1 0\nm/a.go:7.1,8.3 1 1\nm/a.go:10.1,10.9 4 0\n";
        let parsed = parse(text.as_bytes(), Vec::new(), "c.out").unwrap();
        let file = &parsed.files["m/a.go"];
        let totals = file.totals();
        assert_eq!(totals.statements, Some(Counter::new(7, 3)));
        // No line totals (Go counts statements), but line data for patches: lines 3-5,
        // 7-8 and 10; 10 is the only one no block that ran spans.
        assert_eq!(totals.lines, None);
        assert_eq!(totals.functions, None);
        assert_eq!(file.lines.get(4), Some(true));
        assert_eq!(file.lines.get(8), Some(true));
        assert_eq!(file.lines.get(10), Some(false));
        assert_eq!(file.lines.get(6), None);
    }

    #[test]
    fn malformed_lines_are_errors() {
        let error = parse(&b"mode: set\na.go:1.1,2.2 1\n"[..], Vec::new(), "c.out").unwrap_err();
        assert!(error.to_string().starts_with("c.out:2:"), "{error}");
    }
}

/// Functions of a gofmt-formatted Go source file, as `go tool cover -func` lists them:
/// each top-level `func` with a body, covered when a block inside it ran. Returns
/// `(name, line, covered)`.
pub fn functions(source: &str, blocks: &[Block]) -> Vec<(String, u32, bool)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut out = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let Some(rest) = line.strip_prefix("func ") else {
            index += 1;
            continue;
        };
        let start = index as u32 + 1;
        let trimmed = line.trim_end();
        let end = if !trimmed.contains('{') {
            // A declaration without a body (implemented in assembly).
            index += 1;
            continue;
        } else if trimmed.ends_with('}') && !trimmed.ends_with('{') {
            start
        } else {
            match lines[index + 1..].iter().position(|l| l.trim_end() == "}") {
                Some(offset) => start + offset as u32 + 1,
                None => break,
            }
        };
        let name = func_name(rest);
        let covered = blocks
            .iter()
            .any(|b| b.hit && b.statements > 0 && b.start.0 >= start && b.end.0 <= end);
        out.push((name, start, covered));
        index = end as usize;
    }
    out
}

fn func_name(rest: &str) -> String {
    let rest = rest.trim_start();
    let rest = if rest.starts_with('(') {
        // A method: skip the receiver.
        rest.find(')').map_or(rest, |i| rest[i + 1..].trim_start())
    } else {
        rest
    };
    rest.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[cfg(test)]
mod function_tests {
    use super::*;

    #[test]
    fn functions_with_a_ran_block_are_covered() {
        let source = "package p\n\nfunc A() int {\n\treturn 1\n}\n\nfunc (r *T) B() { r.x = 1 }\n\nfunc asm()\n\nfunc C() {\n\tif x {\n\t}\n}\n";
        let block = |line, hit| Block {
            start: (line, 1),
            end: (line, 9),
            statements: 1,
            hit,
        };
        let blocks = [block(4, true), block(7, false), block(12, false)];
        assert_eq!(
            functions(source, &blocks),
            vec![
                ("A".into(), 3, true),
                ("B".into(), 7, false),
                ("C".into(), 11, false)
            ]
        );
    }
}
