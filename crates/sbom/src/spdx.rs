//! SPDX licence expressions (SPDX 2.3, annex D), for the licence allow-list: parsed into
//! a tree, then judged against the allowed ids.
//!
//! Precedence, tightest first: `WITH`, `AND`, `OR`; parentheses group. So
//! `MIT OR GPL-3.0-only AND BSD-4-Clause` is `MIT OR (GPL-3.0-only AND BSD-4-Clause)`, which
//! MIT alone satisfies, while `(MIT OR GPL-3.0-only) AND BSD-4-Clause` needs BSD-4-Clause
//! too. Operators are matched without regard to case (`and` is seen in the wild); ids
//! are compared without regard to case, as SPDX says. A malformed expression is an error
//! that says what is wrong and where, and the caller treats it as not allowed.

use std::collections::BTreeSet;

/// Deepest nesting of parentheses read; deeper is an error, not a stack overflow.
const MAX_DEPTH: usize = 32;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A licence id (or `LicenseRef-…`), `+` for "or any later version", and the
    /// exception it is granted `WITH`, if any.
    License {
        id: String,
        or_later: bool,
        exception: Option<String>,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// Why an expression is not valid SPDX.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpdxError {
    #[error("the expression is empty")]
    Empty,
    #[error("it ends where {expected} was expected")]
    UnexpectedEnd { expected: &'static str },
    #[error("`{found}` (token {position}) is where {expected} was expected")]
    Unexpected {
        found: String,
        position: usize,
        expected: &'static str,
    },
    #[error("`{0}` is not a licence id (letters, digits, `.` and `-`, maybe a final `+`)")]
    BadId(String),
    #[error("`WITH` follows a parenthesised expression; an exception applies to one licence")]
    WithAfterGroup,
    #[error("parentheses nest deeper than {MAX_DEPTH}")]
    TooDeep,
}

impl Expr {
    /// Parses an SPDX licence expression.
    pub fn parse(text: &str) -> Result<Expr, SpdxError> {
        let tokens = tokenize(text);
        if tokens.is_empty() {
            return Err(SpdxError::Empty);
        }
        let mut parser = Parser { tokens, at: 0 };
        let expr = parser.or(0)?;
        match parser.tokens.get(parser.at) {
            None => Ok(expr),
            Some(token) => Err(SpdxError::Unexpected {
                found: token.text().to_owned(),
                position: parser.at + 1,
                expected: "`AND`, `OR` or the end",
            }),
        }
    }

    /// Whether the allowed ids (lower case) satisfy the expression: both sides of an
    /// `AND`, either side of an `OR`. `X+` is satisfied by `X` (the licensee may pick that
    /// version) or by `X+` itself; an exception only adds permissions, so `X WITH E` is
    /// satisfied by `X` (or by `X WITH E` listed as is).
    pub fn allowed_by(&self, allowed: &BTreeSet<String>) -> bool {
        match self {
            Expr::And(left, right) => left.allowed_by(allowed) && right.allowed_by(allowed),
            Expr::Or(left, right) => left.allowed_by(allowed) || right.allowed_by(allowed),
            Expr::License {
                id,
                or_later,
                exception,
            } => {
                let id = id.to_ascii_lowercase();
                let mut names = vec![id.clone()];
                if *or_later {
                    names.push(format!("{id}+"));
                }
                if let Some(exception) = exception {
                    let exception = exception.to_ascii_lowercase();
                    let with: Vec<String> = names
                        .iter()
                        .map(|name| format!("{name} with {exception}"))
                        .collect();
                    names.extend(with);
                }
                names.iter().any(|name| allowed.contains(name))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Word(String),
}

impl Token {
    fn text(&self) -> &str {
        match self {
            Token::Open => "(",
            Token::Close => ")",
            Token::Word(word) => word,
        }
    }

    fn is_operator(&self, operator: &str) -> bool {
        matches!(self, Token::Word(word) if word.eq_ignore_ascii_case(operator))
    }
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    for c in text.chars() {
        match c {
            '(' | ')' => {
                flush(&mut word, &mut tokens);
                tokens.push(if c == '(' { Token::Open } else { Token::Close });
            }
            c if c.is_whitespace() => flush(&mut word, &mut tokens),
            c => word.push(c),
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self, depth: usize) -> Result<Expr, SpdxError> {
        self.chain(depth, "OR", Self::and, Expr::Or)
    }

    fn and(&mut self, depth: usize) -> Result<Expr, SpdxError> {
        self.chain(depth, "AND", Self::with, Expr::And)
    }

    /// `operand (OPERATOR operand)*`, grouped from the left.
    fn chain(
        &mut self,
        depth: usize,
        operator: &str,
        operand: fn(&mut Self, usize) -> Result<Expr, SpdxError>,
        join: fn(Box<Expr>, Box<Expr>) -> Expr,
    ) -> Result<Expr, SpdxError> {
        let mut left = operand(self, depth)?;
        while self.peek().is_some_and(|t| t.is_operator(operator)) {
            self.at += 1;
            let right = operand(self, depth)?;
            left = join(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn with(&mut self, depth: usize) -> Result<Expr, SpdxError> {
        let grouped = self.peek() == Some(&Token::Open);
        let mut expr = self.primary(depth)?;
        if self.peek().is_some_and(|t| t.is_operator("WITH")) {
            if grouped {
                return Err(SpdxError::WithAfterGroup);
            }
            self.at += 1;
            let exception = self.word("a licence exception id after `WITH`")?;
            if let Expr::License {
                exception: slot, ..
            } = &mut expr
            {
                *slot = Some(valid_id(&exception)?.to_owned());
            }
        }
        Ok(expr)
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, SpdxError> {
        const EXPECTED: &str = "a licence id or `(`";
        match self.peek() {
            Some(Token::Open) => {
                if depth >= MAX_DEPTH {
                    return Err(SpdxError::TooDeep);
                }
                self.at += 1;
                let inner = self.or(depth + 1)?;
                match self.peek() {
                    Some(Token::Close) => {
                        self.at += 1;
                        Ok(inner)
                    }
                    Some(token) => Err(SpdxError::Unexpected {
                        found: token.text().to_owned(),
                        position: self.at + 1,
                        expected: "`)`",
                    }),
                    None => Err(SpdxError::UnexpectedEnd { expected: "`)`" }),
                }
            }
            _ => {
                let word = self.word(EXPECTED)?;
                let (id, or_later) = match word.strip_suffix('+') {
                    Some(id) => (id, true),
                    None => (word.as_str(), false),
                };
                Ok(Expr::License {
                    id: valid_id(id)?.to_owned(),
                    or_later,
                    exception: None,
                })
            }
        }
    }

    /// The next token as a word that is not an operator.
    fn word(&mut self, expected: &'static str) -> Result<String, SpdxError> {
        match self.peek() {
            None => Err(SpdxError::UnexpectedEnd { expected }),
            Some(Token::Word(word))
                if !["AND", "OR", "WITH"]
                    .iter()
                    .any(|op| word.eq_ignore_ascii_case(op)) =>
            {
                let word = word.clone();
                self.at += 1;
                Ok(word)
            }
            Some(token) => Err(SpdxError::Unexpected {
                found: token.text().to_owned(),
                position: self.at + 1,
                expected,
            }),
        }
    }
}

/// An SPDX idstring (`[A-Za-z0-9.-]+`), or `DocumentRef-x:LicenseRef-y`.
fn valid_id(id: &str) -> Result<&str, SpdxError> {
    let idstring = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
    };
    let ok = match id.split_once(':') {
        Some((document, license)) => {
            document.starts_with("DocumentRef-")
                && license.starts_with("LicenseRef-")
                && idstring(document)
                && idstring(license)
        }
        None => idstring(id),
    };
    if ok {
        Ok(id)
    } else {
        Err(SpdxError::BadId(id.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|id| id.to_ascii_lowercase()).collect()
    }

    fn judge(expression: &str, ids: &[&str]) -> bool {
        Expr::parse(expression).unwrap().allowed_by(&allowed(ids))
    }

    #[test]
    fn parentheses_group_before_and() {
        // The audit's case: stripping the parentheses let this through on MIT alone.
        assert!(!judge("(MIT OR GPL-3.0) AND BSD-4-Clause", &["MIT"]));
        assert!(judge(
            "(MIT OR GPL-3.0) AND BSD-4-Clause",
            &["MIT", "BSD-4-Clause"]
        ));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert!(judge("MIT OR GPL-3.0 AND BSD-4-Clause", &["MIT"]));
        assert!(!judge("GPL-3.0 AND BSD-4-Clause OR Zlib", &["GPL-3.0"]));
        assert!(judge("GPL-3.0 AND BSD-4-Clause OR Zlib", &["Zlib"]));
        assert_eq!(
            Expr::parse("A OR B AND C").unwrap(),
            Expr::parse("A OR (B AND C)").unwrap()
        );
    }

    #[test]
    fn single_ids_or_later_and_case() {
        assert!(judge("mit", &["MIT"]));
        assert!(judge("MIT", &["MIT", "Apache-2.0"]));
        assert!(!judge("GPL-2.0+", &["MIT", "Apache-2.0"]));
        assert!(judge("GPL-2.0+", &["GPL-2.0"]));
        assert!(judge("GPL-2.0+", &["GPL-2.0+"]));
        assert!(!judge("GPL-2.0", &["GPL-2.0+"]));
        assert!(judge("LicenseRef-Acme", &["LicenseRef-Acme"]));
        assert!(judge("MIT and Apache-2.0", &["MIT", "Apache-2.0"]));
    }

    #[test]
    fn exceptions_need_their_licence() {
        assert!(judge("Apache-2.0 WITH LLVM-exception", &["Apache-2.0"]));
        assert!(judge(
            "GPL-2.0-only WITH Classpath-exception-2.0",
            &["GPL-2.0-only WITH Classpath-exception-2.0"]
        ));
        assert!(!judge(
            "GPL-2.0-only WITH Classpath-exception-2.0",
            &["MIT"]
        ));
        assert!(judge(
            "(GPL-2.0-only WITH Classpath-exception-2.0 OR MIT) AND ISC",
            &["MIT", "ISC"]
        ));
    }

    #[test]
    fn malformed_expressions_say_what_is_wrong() {
        let cases: &[(&str, SpdxError)] = &[
            ("", SpdxError::Empty),
            ("  ", SpdxError::Empty),
            (
                "MIT OR",
                SpdxError::UnexpectedEnd {
                    expected: "a licence id or `(`",
                },
            ),
            ("(MIT", SpdxError::UnexpectedEnd { expected: "`)`" }),
            (
                "MIT)",
                SpdxError::Unexpected {
                    found: ")".into(),
                    position: 2,
                    expected: "`AND`, `OR` or the end",
                },
            ),
            (
                "MIT AND AND BSD-3-Clause",
                SpdxError::Unexpected {
                    found: "AND".into(),
                    position: 3,
                    expected: "a licence id or `(`",
                },
            ),
            (
                "MIT Apache-2.0",
                SpdxError::Unexpected {
                    found: "Apache-2.0".into(),
                    position: 2,
                    expected: "`AND`, `OR` or the end",
                },
            ),
            (
                "MIT WITH",
                SpdxError::UnexpectedEnd {
                    expected: "a licence exception id after `WITH`",
                },
            ),
            ("(MIT OR ISC) WITH X", SpdxError::WithAfterGroup),
            ("M$T", SpdxError::BadId("M$T".into())),
            ("GPL-2.0++", SpdxError::BadId("GPL-2.0+".into())),
            (
                "SEE LICENSE IN LICENSE.txt",
                SpdxError::Unexpected {
                    found: "LICENSE".into(),
                    position: 2,
                    expected: "`AND`, `OR` or the end",
                },
            ),
        ];
        for (expression, error) in cases {
            assert_eq!(Expr::parse(expression).as_ref(), Err(error), "{expression}");
        }
        let deep = format!("{}MIT{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(Expr::parse(&deep), Err(SpdxError::TooDeep));
    }
}
