//! Terraform files read with `hcl-edit` (a maintained HCL parser that keeps byte spans and
//! bounds nesting), with helpers to find blocks and literal values and to place them.
//!
//! Attribute values are judged through [`eval`]: literals, and variables, locals, `!`,
//! parentheses and agreeing conditionals that resolve to one within the repository. A value
//! set by a function, a template (`"${var.x}"`) or anything decided outside the repository
//! is unknown.

pub mod eval;

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body};

use crate::model::{Pos, pos_at};

/// A parsed `.tf` file.
#[derive(Debug, Clone)]
pub struct TfFile {
    pub path: String,
    pub source: String,
    pub body: Body,
}

/// Why a `.tf` file could not be parsed.
#[derive(Debug, Clone)]
pub struct ParseProblem {
    pub pos: Pos,
    pub message: String,
}

/// Parses `source`.
pub fn parse(path: &str, source: &str) -> Result<TfFile, ParseProblem> {
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Ok(TfFile {
            path: path.to_owned(),
            source: text.to_owned(),
            body,
        }),
        Err(error) => {
            let location = error.location();
            Err(ParseProblem {
                pos: Pos {
                    line: u32::try_from(location.line()).unwrap_or(0),
                    column: u32::try_from(location.column()).unwrap_or(0),
                },
                message: error.message().chars().take(200).collect(),
            })
        }
    }
}

impl TfFile {
    /// Where a parsed item starts.
    pub fn pos(&self, item: &impl Span) -> Pos {
        item.span().map_or(Pos { line: 1, column: 1 }, |span| {
            pos_at(&self.source, span.start)
        })
    }

    /// Top-level blocks named `ident` (`resource`, `variable`, …).
    pub fn blocks<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.body.get_blocks(ident)
    }
}

/// The labels of a block: `resource "aws_s3_bucket" "logs"` → `["aws_s3_bucket", "logs"]`.
pub fn labels(block: &Block) -> Vec<&str> {
    block.labels.iter().map(|l| l.as_str()).collect()
}

/// The attribute `key` of a body.
pub fn attr<'a>(body: &'a Body, key: &str) -> Option<&'a Attribute> {
    body.get_attribute(key)
}

/// The literal string of an expression (`"x"`, not `"${var.x}"`).
pub fn literal_str(expr: &Expression) -> Option<&str> {
    expr.as_str()
}

/// The first nested block named `ident`.
pub fn block<'a>(body: &'a Body, ident: &'a str) -> Option<&'a Block> {
    body.get_blocks(ident).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_survive_heredocs_and_interpolations() {
        let source = "locals {\n  doc = <<-EOT\n    ${var.x} and %{ if true }y%{ endif }\n  EOT\n}\n\nresource \"aws_db_instance\" \"db\" {\n  storage_encrypted = false\n  name = \"${var.env}-db\"\n}\n";
        let file = parse("main.tf", source).unwrap();
        let db = file.blocks("resource").next().unwrap();
        assert_eq!(labels(db), ["aws_db_instance", "db"]);
        assert_eq!(file.pos(db), Pos { line: 7, column: 1 });
        let enc = attr(&db.body, "storage_encrypted").unwrap();
        assert_eq!(file.pos(enc), Pos { line: 8, column: 3 });
        assert_eq!(enc.value.as_bool(), Some(false));
        assert_eq!(literal_str(&attr(&db.body, "name").unwrap().value), None);
    }

    /// hcl-edit on inputs stitched from HCL's special pieces (heredocs, templates, nesting):
    /// it returns a body or an error, never panics.
    #[test]
    fn random_inputs_never_panic() {
        const PIECES: &[&str] = &[
            "resource ",
            "\"a\" ",
            "{",
            "}",
            "[",
            "]",
            "(",
            ")",
            "=",
            "\n",
            "<<EOT\n",
            "<<-EOT\n",
            "EOT\n",
            "${",
            "%{",
            "if ",
            "endif",
            "\"",
            "x",
            "1",
            ",",
            "#",
            "//",
            "/*",
            "*/",
            "é",
            "\r\n",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3_000 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            match parse("x.tf", &text) {
                Ok(file) => {
                    for block in file.body.iter().filter_map(|s| s.as_block()) {
                        let _ = file.pos(block);
                    }
                }
                Err(problem) => assert!(problem.pos.line as usize <= text.len() + 1),
            }
        }
    }

    #[test]
    fn errors_have_a_place() {
        let error = parse("x.tf", "resource \"a\" {\n  x = \n}\n").unwrap_err();
        assert!(error.pos.line >= 2, "{error:?}");
        let deep = format!("x = {}1{}\n", "[".repeat(5000), "]".repeat(5000));
        assert!(parse("x.tf", &deep).is_err());
    }
}
