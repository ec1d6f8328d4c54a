//! A line lexer that knows no language: words, quoted strings and punctuation, which is
//! what `name <op> value` looks like in every language and config format signoff reads.
//! Strings honour backslash escapes and Python's triple quotes; a string left open at the
//! end of the line is marked unclosed (it continues on the next line and is not a value).

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Letters, digits, `_ . - $ @` (`db.password`, `$pwd`, `x-api-key`, `--password`).
    Word,
    /// A quoted string; `closed` is false when the line ends inside it.
    Str { quote: u8, closed: bool },
    /// One or more punctuation bytes that form one operator (`=`, `=>`, `:=`, `===`).
    Punct,
}

/// A token: its kind and byte span in the line (strings include their quotes and any
/// `b`/`r`/`f`/`u`/`@` prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// For strings: the span inside the quotes.
    pub inner: (usize, usize),
}

impl Token {
    /// The token's bytes (for strings, what is inside the quotes).
    pub fn text<'a>(&self, line: &'a [u8]) -> &'a [u8] {
        match self.kind {
            Kind::Str { .. } => &line[self.inner.0..self.inner.1],
            _ => &line[self.start..self.end],
        }
    }

    /// Whether this is the punctuation `p`.
    pub fn is(&self, line: &[u8], p: &str) -> bool {
        self.kind == Kind::Punct && &line[self.start..self.end] == p.as_bytes()
    }

    /// Whether this is a string closed on its line.
    pub fn is_closed_str(&self) -> bool {
        matches!(self.kind, Kind::Str { closed: true, .. })
    }
}

/// Operators of more than one byte, longest first.
const OPERATORS: &[&str] = &[
    "===", "!==", "||=", "??=", "==", "!=", "=>", ":=", "?=", "||", "??", "::", "->", "<=", ">=",
    "</", "/>", "+=",
];

/// Most tokens lexed from one line; a longer line is data, not configuration.
const MAX_TOKENS: usize = 512;

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'$')
}

/// Lexes one line (without its line break).
pub fn lex(line: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < line.len() && tokens.len() < MAX_TOKENS {
        let b = line[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if matches!(b, b'"' | b'\'' | b'`') {
            let token = string(line, i, i);
            i = token.end;
            tokens.push(token);
            continue;
        }
        let starts_word = b.is_ascii_alphanumeric()
            || matches!(b, b'_' | b'$' | b'@')
            || (b == b'-'
                && line
                    .get(i + 1)
                    .is_some_and(|n| n.is_ascii_alphabetic() || *n == b'-'));
        if starts_word {
            let start = i;
            i += 1;
            while i < line.len() && is_word_byte(line[i]) {
                i += 1;
            }
            // `b"…"`, `r'…'`, `f"…"`, `@"…"`, `u8"…"`: a prefixed string literal.
            let prefix = &line[start..i];
            if i < line.len()
                && matches!(line[i], b'"' | b'\'')
                && prefix.len() <= 2
                && prefix.iter().all(|c| {
                    matches!(
                        c.to_ascii_lowercase(),
                        b'b' | b'r' | b'f' | b'u' | b'@' | b'8'
                    )
                })
            {
                let token = string(line, start, i);
                i = token.end;
                tokens.push(token);
                continue;
            }
            // A trailing `.` or `-` ends a sentence or an expression, not the word.
            let mut end = i;
            while end > start + 1 && matches!(line[end - 1], b'.' | b'-') {
                end -= 1;
            }
            tokens.push(Token {
                kind: Kind::Word,
                start,
                end,
                inner: (start, end),
            });
            i = end;
            continue;
        }
        let rest = &line[i..];
        let len = OPERATORS
            .iter()
            .find(|op| rest.starts_with(op.as_bytes()))
            .map_or(1, |op| op.len());
        tokens.push(Token {
            kind: Kind::Punct,
            start: i,
            end: i + len,
            inner: (i, i + len),
        });
        i += len;
    }
    tokens
}

/// A string starting with its prefix at `start` and its quote at `quote_at`.
fn string(line: &[u8], start: usize, quote_at: usize) -> Token {
    let quote = line[quote_at];
    let triple = quote != b'`' && line[quote_at..].starts_with(&[quote, quote, quote]);
    let open = quote_at + if triple { 3 } else { 1 };
    let raw = line[start..quote_at]
        .iter()
        .any(|c| c.eq_ignore_ascii_case(&b'r'))
        || line[start..quote_at].contains(&b'@');
    let mut i = open;
    while i < line.len() {
        let b = line[i];
        if b == b'\\' && !raw {
            i += 2;
            continue;
        }
        if b == quote && (!triple || line[i..].starts_with(&[quote, quote, quote])) {
            let close = i + if triple { 3 } else { 1 };
            return Token {
                kind: Kind::Str {
                    quote,
                    closed: true,
                },
                start,
                end: close,
                inner: (open, i),
            };
        }
        i += 1;
    }
    Token {
        kind: Kind::Str {
            quote,
            closed: false,
        },
        start,
        end: line.len(),
        inner: (open.min(line.len()), line.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shapes(line: &str) -> Vec<String> {
        let bytes = line.as_bytes();
        lex(bytes)
            .iter()
            .map(|t| match t.kind {
                Kind::Word => format!("w:{}", String::from_utf8_lossy(t.text(bytes))),
                Kind::Str { closed, .. } => format!(
                    "s{}:{}",
                    if closed { "" } else { "!" },
                    String::from_utf8_lossy(t.text(bytes))
                ),
                Kind::Punct => format!("p:{}", String::from_utf8_lossy(t.text(bytes))),
            })
            .collect()
    }

    #[test]
    fn lexes_assignments_of_many_languages() {
        assert_eq!(
            shapes("DB_PASSWORD=s3cret"),
            ["w:DB_PASSWORD", "p:=", "w:s3cret"]
        );
        assert_eq!(
            shapes(r#"app.config['SECRET_KEY'] = "a\"b""#),
            [
                "w:app.config",
                "p:[",
                "s:SECRET_KEY",
                "p:]",
                "p:=",
                r#"s:a\"b"#
            ]
        );
        assert_eq!(
            shapes("'password' => 'x',"),
            ["s:password", "p:=>", "s:x", "p:,"]
        );
        assert_eq!(shapes("token := b'x'"), ["w:token", "p::=", "s:x"]);
        assert_eq!(shapes("--password=x"), ["w:--password", "p:=", "w:x"]);
        assert_eq!(shapes("a === 'b'"), ["w:a", "p:===", "s:b"]);
        assert_eq!(shapes("key = 'open"), ["w:key", "p:=", "s!:open"]);
        assert_eq!(shapes(r#"s = """x""""#), ["w:s", "p:=", "s:x"]);
        assert_eq!(shapes("end."), ["w:end", "p:."]);
    }
}
