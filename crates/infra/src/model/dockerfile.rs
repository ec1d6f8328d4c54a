//! A small Dockerfile (and Containerfile) parser, documented here because Dockerfiles have
//! no published grammar. It follows what BuildKit's front end accepts:
//!
//! - **Parser directives** (`# escape=\``, `# syntax=…`) count only at the very top, before
//!   any blank line, comment or instruction; `escape` changes the line-continuation
//!   character from `\` to `` ` ``.
//! - **Comments** are lines whose first non-blank character is `#`; they are dropped, also
//!   in the middle of a continued instruction, as BuildKit drops them.
//! - **Line continuations**: a line ending with the escape character (trailing blanks
//!   allowed) continues on the next line; blank lines inside a continuation are skipped.
//! - **Heredocs** (`RUN <<EOF`, `<<-EOF` strips leading tabs, quoted delimiters): the lines
//!   up to the delimiter belong to the instruction. An unterminated heredoc is a problem.
//! - **Exec and shell form**: arguments that are a JSON array of strings are the exec form.
//! - CRLF line ends and a UTF-8 byte-order mark are accepted.
//!
//! Every instruction keeps the line and column of its keyword, and each piece of its
//! arguments where it came from, so findings point at the exact text. Unknown instructions,
//! a file without `FROM` and unterminated heredocs are [`Problem`]s: the file is reported
//! as one the gate could not read, never passed. Nothing here panics on any input; the
//! caller bounds the size.

use crate::model::Pos;

/// Every instruction BuildKit knows.
const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    /// Why the file is not one BuildKit would build.
    pub problems: Vec<Problem>,
}

/// What is wrong with a Dockerfile, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pos: Pos,
    pub message: String,
    pub help: String,
}

/// One instruction: `RUN apt-get install -y curl`.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// The keyword, upper-case.
    pub keyword: String,
    /// Where the keyword is.
    pub pos: Pos,
    /// The arguments, continuation lines joined (the escape and line end dropped).
    pub args: String,
    /// Where each run of `args` came from: (byte offset in `args`, position in the file).
    pieces: Vec<(usize, Pos)>,
    /// Bodies of the instruction's heredocs, in order.
    pub heredocs: Vec<String>,
}

/// A stage: `FROM image AS name` and the instructions up to the next `FROM`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// Index of its `FROM` in [`Dockerfile::instructions`].
    pub from: usize,
    /// One past its last instruction.
    pub end: usize,
    /// The image as written (after `--platform=…` flags).
    pub image: String,
    /// Byte offset of the image in the `FROM`'s arguments.
    pub image_offset: usize,
    /// `AS name`, lower-case.
    pub name: Option<String>,
}

impl Instruction {
    /// Where byte `offset` of [`Instruction::args`] is in the file.
    pub fn pos_of(&self, offset: usize) -> Pos {
        let Some(&(start, pos)) = self.pieces.iter().rev().find(|(at, _)| *at <= offset) else {
            return self.pos;
        };
        let column = self
            .args
            .get(start..offset)
            .map_or(0, |s| s.chars().count() as u32);
        Pos {
            line: pos.line,
            column: pos.column.saturating_add(column),
        }
    }

    /// The exec form's arguments when they are a JSON array of strings.
    pub fn exec_form(&self) -> Option<Vec<String>> {
        let text = self.args.trim();
        if !text.starts_with('[') {
            return None;
        }
        serde_json::from_str(text).ok()
    }

    /// The shell text to judge: the arguments and the heredoc bodies.
    pub fn script(&self) -> String {
        let mut out = self.args.clone();
        for body in &self.heredocs {
            out.push('\n');
            out.push_str(body);
        }
        out
    }
}

impl Dockerfile {
    /// The stages, in order.
    pub fn stages(&self) -> Vec<Stage> {
        let froms: Vec<usize> = self
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == "FROM")
            .map(|(index, _)| index)
            .collect();
        froms
            .iter()
            .enumerate()
            .map(|(n, &from)| {
                let end = froms.get(n + 1).copied().unwrap_or(self.instructions.len());
                let args = &self.instructions[from].args;
                let words = words(args);
                let mut image = (String::new(), 0);
                let mut name = None;
                let mut rest = words.iter().filter(|(w, _)| !w.starts_with("--"));
                if let Some((word, at)) = rest.next() {
                    image = ((*word).to_owned(), *at);
                }
                if let (Some((as_, _)), Some((alias, _))) = (rest.next(), rest.next())
                    && as_.eq_ignore_ascii_case("as")
                {
                    name = Some(alias.to_ascii_lowercase());
                }
                Stage {
                    from,
                    end,
                    image: image.0,
                    image_offset: image.1,
                    name,
                }
            })
            .collect()
    }

    /// `ARG name=value` defaults declared before the first `FROM` (they may be used in
    /// `FROM` lines).
    pub fn global_args(&self) -> Vec<(String, String)> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != "FROM")
            .filter(|i| i.keyword == "ARG")
            .filter_map(|i| {
                let (name, value) = i.args.trim().split_once('=')?;
                Some((name.trim().to_owned(), unquote(value.trim()).to_owned()))
            })
            .collect()
    }
}

/// The blank-separated words of `text` with their byte offsets.
pub fn words(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((&text[s..at], s));
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((&text[s..], s));
    }
    out
}

/// `"x"` or `'x'` without its quotes.
pub fn unquote(text: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    text
}

/// Parses a Dockerfile's text.
pub fn parse(text: &str) -> Dockerfile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut out = Dockerfile::default();
    let mut escape = '\\';
    let mut index = 0;
    // Parser directives: only at the very top.
    while let Some(line) = lines.get(index) {
        let Some((key, value)) = directive(line) else {
            break;
        };
        if key == "escape" {
            match value {
                "\\" => escape = '\\',
                "`" => escape = '`',
                _ => out.problems.push(Problem {
                    pos: Pos {
                        line: index as u32 + 1,
                        column: 1,
                    },
                    message: format!("the escape directive names `{value}`"),
                    help: "use `# escape=\\` or `# escape=``".into(),
                }),
            }
        }
        index += 1;
    }
    while index < lines.len() {
        let line = lines[index];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            index += 1;
            continue;
        }
        let column = (line.chars().count() - trimmed.chars().count()) as u32 + 1;
        let pos = Pos {
            line: index as u32 + 1,
            column,
        };
        let keyword_len = trimmed
            .find(|c: char| c.is_whitespace())
            .unwrap_or(trimmed.len());
        let keyword = trimmed[..keyword_len].to_ascii_uppercase();
        let first = &trimmed[keyword_len..];
        let lead = first.len() - first.trim_start().len();
        let mut instruction = Instruction {
            keyword,
            pos,
            args: String::new(),
            pieces: Vec::new(),
            heredocs: Vec::new(),
        };
        let mut piece = first.trim_start();
        let mut piece_pos = Pos {
            line: pos.line,
            column: column + (keyword_len + lead) as u32,
        };
        index += 1;
        loop {
            let (body, continues) = match piece.trim_end().strip_suffix(escape) {
                Some(body) => (body, true),
                None => (piece.trim_end(), false),
            };
            instruction.pieces.push((instruction.args.len(), piece_pos));
            instruction.args.push_str(body);
            if !continues || index >= lines.len() {
                break;
            }
            // Comment lines inside a continuation are dropped; blank ones are skipped.
            while let Some(next) = lines.get(index) {
                let t = next.trim_start();
                if t.starts_with('#') || t.is_empty() {
                    index += 1;
                } else {
                    break;
                }
            }
            let Some(next) = lines.get(index) else {
                break;
            };
            instruction.args.push(' ');
            piece = next;
            piece_pos = Pos {
                line: index as u32 + 1,
                column: 1,
            };
            index += 1;
        }
        if matches!(instruction.keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delimiter, strip_tabs) in heredoc_markers(&instruction.args) {
                let mut body = String::new();
                let mut closed = false;
                while let Some(next) = lines.get(index) {
                    index += 1;
                    let candidate = if strip_tabs {
                        next.trim_start_matches('\t')
                    } else {
                        next
                    };
                    if candidate == delimiter {
                        closed = true;
                        break;
                    }
                    body.push_str(candidate);
                    body.push('\n');
                }
                if !closed {
                    out.problems.push(Problem {
                        pos: instruction.pos,
                        message: format!("the heredoc `<<{delimiter}` is never closed"),
                        help: format!("end it with a line that holds only `{delimiter}`"),
                    });
                }
                instruction.heredocs.push(body);
            }
        }
        if !KEYWORDS.contains(&instruction.keyword.as_str()) {
            let shown: String = instruction.keyword.chars().take(40).collect();
            out.problems.push(Problem {
                pos: instruction.pos,
                message: format!("`{shown}` is not a Dockerfile instruction"),
                help: "start each line with an instruction (FROM, RUN, COPY, …), continue long lines with the escape character, or mark comments with `#`".into(),
            });
        }
        out.instructions.push(instruction);
    }
    match out.instructions.iter().position(|i| i.keyword != "ARG") {
        None => out.problems.push(Problem {
            pos: Pos::default(),
            message: "the file holds no instruction".into(),
            help: "a Dockerfile starts with `FROM image`".into(),
        }),
        Some(first) if out.instructions[first].keyword != "FROM" => {
            out.problems.push(Problem {
                pos: out.instructions[first].pos,
                message: format!(
                    "the first instruction is `{}`, not `FROM`",
                    out.instructions[first]
                        .keyword
                        .chars()
                        .take(40)
                        .collect::<String>()
                ),
                help: "a Dockerfile starts with `FROM image` (only `ARG` may come before it)"
                    .into(),
            });
        }
        Some(_) => {}
    }
    out
}

/// A parser directive line: `# key=value`.
fn directive(line: &str) -> Option<(String, &str)> {
    let rest = line.trim_start().strip_prefix('#')?;
    let (key, value) = rest.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((key.to_ascii_lowercase(), value.trim()))
}

/// The heredoc delimiters in an instruction's arguments: `<<EOF`, `<<-EOF`, `<<"EOF"`.
fn heredoc_markers(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(at) = rest.find("<<") {
        let after = &rest[at + 2..];
        let (strip_tabs, after) = match after.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, after),
        };
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
        let name_start = quote.map_or(0, char::len_utf8);
        let name: String = after[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if !name.is_empty() && !name.starts_with('-') {
            out.push((name.clone(), strip_tabs));
        }
        rest = &after[(name_start + name.len()).min(after.len())..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_comments_and_positions() {
        let file = parse(
            "\u{feff}# syntax=docker/dockerfile:1\r\nFROM alpine:3.20 AS base\r\nRUN apk add \\\r\n  # a comment\r\n    curl \\\r\n\r\n    git\r\n",
        );
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(file.instructions.len(), 2);
        let run = &file.instructions[1];
        assert_eq!(run.pos, Pos { line: 3, column: 1 });
        assert_eq!(run.args, "apk add      curl      git");
        let git = run.args.find("git").unwrap();
        assert_eq!(run.pos_of(git), Pos { line: 7, column: 5 });
        let stages = file.stages();
        assert_eq!(stages[0].image, "alpine:3.20");
        assert_eq!(stages[0].name.as_deref(), Some("base"));
    }

    #[test]
    fn escape_directive_and_exec_form() {
        let file = parse(
            "# escape=`\nFROM mcr.microsoft.com/windows AS w\nRUN dir c:\\ `\n  /s\nCMD [\"app\", \"--x\"]\n",
        );
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        assert_eq!(file.instructions[1].args, "dir c:\\    /s");
        assert_eq!(
            file.instructions[2].exec_form(),
            Some(vec!["app".to_owned(), "--x".to_owned()])
        );
    }

    #[test]
    fn heredocs_belong_to_their_instruction() {
        let file = parse(
            "FROM debian:12\nRUN <<EOF\napt-get update\ncurl https://x | sh\nEOF\nUSER app\nCOPY <<-'CONF' /etc/x\n\tkey=1\n\tCONF\n",
        );
        assert!(file.problems.is_empty(), "{:?}", file.problems);
        let keywords: Vec<&str> = file
            .instructions
            .iter()
            .map(|i| i.keyword.as_str())
            .collect();
        assert_eq!(keywords, ["FROM", "RUN", "USER", "COPY"]);
        assert!(
            file.instructions[1]
                .script()
                .contains("curl https://x | sh")
        );
        assert_eq!(file.instructions[3].heredocs, ["key=1\n"]);
    }

    /// A small fuzzer: many inputs stitched from the pieces the parser treats specially
    /// (escapes, heredocs, directives, quotes, multi-byte text, CR), none may panic, and
    /// every position it reports lies inside the input.
    #[test]
    fn random_inputs_never_panic_and_positions_stay_inside() {
        const PIECES: &[&str] = &[
            "FROM ",
            "RUN ",
            "COPY ",
            "ADD ",
            "USER ",
            "CMD ",
            "<<",
            "<<-",
            "EOF",
            "'EOF'",
            "\\",
            "`",
            "\n",
            "\r\n",
            "# escape=`\n",
            "# syntax=x\n",
            "#",
            " ",
            "\t",
            "[\"a\"",
            "]",
            "=",
            "$",
            "${A:-b}",
            "é",
            "🙂",
            "\u{feff}",
            "--platform=x ",
            " AS ",
            "a:1",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..5_000 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let file = parse(&text);
            let lines = text.split('\n').count() as u32;
            for instruction in &file.instructions {
                assert!(
                    instruction.pos.line >= 1 && instruction.pos.line <= lines,
                    "{text:?}"
                );
                for offset in 0..=instruction.args.len() {
                    let pos = instruction.pos_of(offset);
                    assert!(pos.line <= lines, "{text:?}");
                }
            }
            let _ = file.stages();
            let _ = file.global_args();
        }
    }

    #[test]
    fn problems_are_reported_not_passed() {
        assert!(!parse("").problems.is_empty());
        assert!(!parse("RUN echo hi\n").problems.is_empty());
        assert!(!parse("FROM a:1\nRUN <<EOF\necho\n").problems.is_empty());
        let bad = parse("FROM a:1\nthis is not docker\n");
        assert_eq!(bad.problems[0].pos, Pos { line: 2, column: 1 });
        // Garbage of any kind never panics.
        for text in [
            "\\",
            "FROM",
            "<<",
            "RUN <<-",
            "FROM a\\",
            "#=\n# escape=x\n",
            "é\u{0}\\\n",
        ] {
            let _ = parse(text);
        }
    }
}
