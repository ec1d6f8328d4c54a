//! GitHub Actions expressions (`${{ … }}`): finding them in text, parsing them, and the
//! contexts whose values can flow into what they evaluate to (`a || b` may be either,
//! `a && b` only `b`, `format`/`join`/`toJSON` pass their arguments through; comparisons
//! and other calls yield booleans or hashes).

/// One `${{ … }}` in a text: the inside, and the byte range of the whole fence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fenced<'a> {
    pub inner: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Every `${{ … }}` in `text`, skipping `}}` inside quoted strings.
pub(crate) fn fenced(text: &str) -> Vec<Fenced<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("${{") {
        let start = from + found;
        let body = start + 3;
        let bytes = text.as_bytes();
        let mut i = body;
        let mut quoted = false;
        let mut end = None;
        while i < bytes.len() {
            match bytes[i] {
                b'\'' => quoted = !quoted,
                b'}' if !quoted && bytes.get(i + 1) == Some(&b'}') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let Some(close) = end else { break };
        out.push(Fenced {
            inner: &text[body..close],
            start,
            end: close + 2,
        });
        from = close + 2;
    }
    out
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Literal(String),
    /// `github.event.issue.title`, `matrix.os`, `fromJSON(x).a`: a chain of accesses.
    Context(Context),
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    Binary(Box<Expr>, Op, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    And,
    Or,
    Compare,
}

/// A context access: its parts, lower-cased (`*` for stars and computed indices), and
/// whether it starts with a call (`fromJSON(x).a`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Context {
    pub parts: Vec<String>,
    pub called: bool,
    /// Byte offset of the context in the expression text.
    pub offset: usize,
    /// The text as written.
    pub raw: String,
}

impl Context {
    /// `a.b.*`-style pattern of the context.
    pub fn pattern(&self) -> String {
        self.parts.join(".")
    }
}

impl Expr {
    /// Parses an expression (the inside of `${{ }}`, or an `if:` without the fence).
    pub(crate) fn parse(text: &str) -> Option<Expr> {
        let tokens = lex(text)?;
        let mut parser = Parser {
            tokens,
            at: 0,
            text,
        };
        let expr = parser.or()?;
        (parser.at == parser.tokens.len()).then_some(expr)
    }

    /// The contexts whose values can become the expression's value.
    pub(crate) fn dataflow(&self) -> Vec<&Context> {
        let mut out = Vec::new();
        self.flow_into(&mut out);
        out
    }

    fn flow_into<'a>(&'a self, out: &mut Vec<&'a Context>) {
        match self {
            Expr::Context(context) => out.push(context),
            Expr::Binary(lhs, Op::Or, rhs) => {
                lhs.flow_into(out);
                rhs.flow_into(out);
            }
            Expr::Binary(_, Op::And, rhs) => rhs.flow_into(out),
            Expr::Call(name, args) if matches!(name.as_str(), "tojson" | "format" | "join") => {
                for arg in args {
                    arg.flow_into(out);
                }
            }
            _ => {}
        }
    }

    /// Every call by (lower-case) name, anywhere in the expression.
    pub(crate) fn calls(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit(&mut |expr| {
            if let Expr::Call(name, _) = expr {
                out.push(name.as_str());
            }
        });
        out
    }

    fn visit<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit(f)),
            Expr::Not(inner) => inner.visit(f),
            Expr::Binary(lhs, _, rhs) => {
                lhs.visit(f);
                rhs.visit(f);
            }
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String, usize),
    Str(String),
    Number(String),
    Punct(&'static str, usize),
}

fn lex(text: &str) -> Option<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'-'))
            {
                i += 1;
            }
            tokens.push(Token::Ident(text[start..i].to_owned(), start));
        } else if c.is_ascii_digit()
            || (c == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric()
                    || matches!(bytes[i], b'.' | b'_' | b'+' | b'-'))
            {
                i += 1;
            }
            tokens.push(Token::Number(text[start..i].to_owned()));
        } else if c == b'\'' {
            let mut value = String::new();
            i += 1;
            loop {
                let rest = text.get(i..)?;
                let quote = rest.find('\'')?;
                value.push_str(&rest[..quote]);
                i += quote + 1;
                if bytes.get(i) == Some(&b'\'') {
                    value.push('\'');
                    i += 1;
                } else {
                    break;
                }
            }
            tokens.push(Token::Str(value));
        } else {
            let two = text.get(i..i + 2).unwrap_or("");
            let punct: &'static str = match two {
                "==" => "==",
                "!=" => "!=",
                "<=" => "<=",
                ">=" => ">=",
                "&&" => "&&",
                "||" => "||",
                _ => match c {
                    b'.' => ".",
                    b'[' => "[",
                    b']' => "]",
                    b'(' => "(",
                    b')' => ")",
                    b',' => ",",
                    b'*' => "*",
                    b'!' => "!",
                    b'<' => "<",
                    b'>' => ">",
                    _ => return None,
                },
            };
            tokens.push(Token::Punct(punct, i));
            i += punct.len();
        }
    }
    Some(tokens)
}

struct Parser<'t> {
    tokens: Vec<Token>,
    at: usize,
    text: &'t str,
}

impl Parser<'_> {
    fn peek_punct(&self, punct: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Punct(p, _)) if *p == punct)
    }

    fn eat(&mut self, punct: &str) -> bool {
        let found = self.peek_punct(punct);
        if found {
            self.at += 1;
        }
        found
    }

    fn or(&mut self) -> Option<Expr> {
        let mut lhs = self.and()?;
        while self.eat("||") {
            lhs = Expr::Binary(Box::new(lhs), Op::Or, Box::new(self.and()?));
        }
        Some(lhs)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut lhs = self.compare()?;
        while self.eat("&&") {
            lhs = Expr::Binary(Box::new(lhs), Op::And, Box::new(self.compare()?));
        }
        Some(lhs)
    }

    fn compare(&mut self) -> Option<Expr> {
        let mut lhs = self.unary()?;
        while ["==", "!=", "<", "<=", ">", ">="]
            .iter()
            .any(|op| self.peek_punct(op))
        {
            self.at += 1;
            lhs = Expr::Binary(Box::new(lhs), Op::Compare, Box::new(self.unary()?));
        }
        Some(lhs)
    }

    fn unary(&mut self) -> Option<Expr> {
        if self.eat("!") {
            return Some(Expr::Not(Box::new(self.unary()?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Option<Expr> {
        let (mut expr, start) = self.primary()?;
        loop {
            if self.eat(".") {
                let part = match self.tokens.get(self.at)? {
                    Token::Ident(name, _) => name.to_ascii_lowercase(),
                    Token::Punct("*", _) => "*".to_owned(),
                    _ => return None,
                };
                self.at += 1;
                expr = self.extend(expr, part, start)?;
            } else if self.eat("[") {
                let index = self.or()?;
                if !self.eat("]") {
                    return None;
                }
                let part = match index {
                    Expr::Literal(text)
                        if !text.is_empty()
                            && !text.contains('.')
                            && text.parse::<f64>().is_err() =>
                    {
                        text.to_ascii_lowercase()
                    }
                    _ => "*".to_owned(),
                };
                expr = self.extend(expr, part, start)?;
            } else if self.peek_punct("*") && matches!(expr, Expr::Context(_)) {
                return None;
            } else {
                return Some(expr);
            }
        }
    }

    fn extend(&self, expr: Expr, part: String, start: usize) -> Option<Expr> {
        let end = self.offset_before();
        let raw = self
            .text
            .get(start..end)
            .unwrap_or_default()
            .trim()
            .to_owned();
        Some(match expr {
            Expr::Context(mut context) => {
                context.parts.push(part);
                context.raw = raw;
                Expr::Context(context)
            }
            Expr::Call(..) => Expr::Context(Context {
                parts: vec![part],
                called: true,
                offset: start,
                raw,
            }),
            _ => return None,
        })
    }

    /// The byte offset just after the last token consumed.
    fn offset_before(&self) -> usize {
        match self.tokens.get(self.at.wrapping_sub(1)) {
            Some(Token::Ident(name, at)) => at + name.len(),
            Some(Token::Punct(p, at)) => at + p.len(),
            _ => self.text.len(),
        }
    }

    fn primary(&mut self) -> Option<(Expr, usize)> {
        let token = self.tokens.get(self.at)?.clone();
        self.at += 1;
        match token {
            Token::Str(text) | Token::Number(text) => Some((Expr::Literal(text), 0)),
            Token::Punct("(", at) => {
                let inner = self.or()?;
                self.eat(")").then_some((inner, at))
            }
            Token::Ident(name, at) => {
                let lower = name.to_ascii_lowercase();
                if self.eat("(") {
                    let mut args = Vec::new();
                    if !self.eat(")") {
                        loop {
                            args.push(self.or()?);
                            if self.eat(")") {
                                break;
                            }
                            if !self.eat(",") {
                                return None;
                            }
                        }
                    }
                    return Some((Expr::Call(lower, args), at));
                }
                if matches!(lower.as_str(), "true" | "false" | "null") {
                    return Some((Expr::Literal(lower), at));
                }
                let context = Context {
                    parts: vec![lower],
                    called: false,
                    offset: at,
                    raw: name,
                };
                Some((Expr::Context(context), at))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flows(text: &str) -> Vec<String> {
        Expr::parse(text)
            .unwrap()
            .dataflow()
            .iter()
            .map(|c| c.pattern())
            .collect()
    }

    #[test]
    fn finds_fences_and_skips_braces_in_strings() {
        let text = "echo ${{ github.head_ref }} and ${{ format('}}{0}', x) }}!";
        let found = fenced(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].inner.trim(), "github.head_ref");
        assert_eq!(
            &text[found[1].start..found[1].end],
            "${{ format('}}{0}', x) }}"
        );
    }

    #[test]
    fn dataflow_follows_or_and_and_passing_calls() {
        assert_eq!(
            flows("github.event.issue.title"),
            ["github.event.issue.title"]
        );
        assert_eq!(flows("a.b || c['d-e']"), ["a.b", "c.d-e"]);
        assert_eq!(flows("x == 'y' && inputs.name || 'none'"), ["inputs.name"]);
        assert_eq!(
            flows("format('{0}', github.event.pull_request.title)"),
            ["github.event.pull_request.title"]
        );
        assert!(flows("contains(github.event.issue.title, 'x')").is_empty());
        assert!(flows("github.event.issue.title == 'x'").is_empty());
        assert!(flows("!github.event.pull_request.draft").is_empty());
        assert_eq!(
            flows("github.event.commits[0].message"),
            ["github.event.commits.*.message"]
        );
        let called = Expr::parse("fromJSON(steps.x.outputs.y).name").unwrap();
        assert!(called.dataflow()[0].called);
    }

    #[test]
    fn contexts_calls_and_raw_text_are_kept() {
        let expr =
            Expr::parse("always() && (needs.test.result == 'success' || inputs.skip)").unwrap();
        assert_eq!(expr.calls(), ["always"]);
        let Expr::Binary(_, Op::And, rhs) = &expr else {
            panic!("{expr:?}")
        };
        let raw: Vec<&str> = rhs.dataflow().iter().map(|c| c.raw.as_str()).collect();
        // The comparison flows nothing; the other side of `||` flows its value.
        assert_eq!(raw, ["inputs.skip"]);
        let flow = Expr::parse("inputs.name || github.event.pull_request.head.ref").unwrap();
        let raw: Vec<&str> = flow.dataflow().iter().map(|c| c.raw.as_str()).collect();
        assert_eq!(raw, ["inputs.name", "github.event.pull_request.head.ref"]);
        assert_eq!(Expr::parse("'it''s'"), Some(Expr::Literal("it's".into())));
        assert!(Expr::parse("a ==").is_none());
        assert!(Expr::parse("a $ b").is_none());
    }
}
