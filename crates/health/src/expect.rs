//! Assertions on a response, written as one line each (`--expect`, `expect:`):
//!
//! ```text
//! status == 200                        status < 500
//! $.status == "healthy"                $.checks[*].ok == true     (every selected value)
//! $.version matches "^2\\."            $.uptime >= 30             $.db exists
//! body contains "OK"                   body matches "^ok$"        body not contains "error"
//! header "content-type" contains "json"                          header etag exists
//! latency < 300ms                      (also `duration < 300`, in milliseconds)
//! jsonpath "$.status" == "healthy"     (hurl's spelling of the path form)
//! ```
//!
//! Parsed once before any request: a mistake is an error that names the expression and
//! the column, not a failed probe.

use std::time::Duration;

use regex::Regex;
use serde_json::Value;

use crate::jsonpath::JsonPath;

/// A parsed assertion.
#[derive(Debug, Clone)]
pub(crate) struct Expect {
    /// The expression as written.
    pub text: String,
    subject: Subject,
    negated: bool,
    predicate: Predicate,
}

#[derive(Debug, Clone)]
enum Subject {
    Status,
    Body,
    Latency,
    Header(String),
    Json(JsonPath),
}

#[derive(Debug, Clone)]
enum Predicate {
    Compare(Cmp, Value),
    Contains(Value),
    Matches(Regex),
    StartsWith(String),
    EndsWith(String),
    Exists,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn as_str(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// Why an expression cannot be parsed: the message and where, as a 0-based byte offset
/// into the expression (see [`ParseError::character`] for what users are shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub column: usize,
    pub message: String,
    pub help: String,
}

impl ParseError {
    /// The 1-based character position of the mistake in `text`, the expression it came
    /// from. Counts the characters that start before the byte offset, so it never slices
    /// and cannot panic, whatever the offset.
    pub(crate) fn character(&self, text: &str) -> usize {
        text.char_indices()
            .take_while(|(offset, _)| *offset < self.column)
            .count()
            + 1
    }
}

/// What an attempt produced, as the assertions see it.
pub(crate) struct Response<'a> {
    pub status: u16,
    pub latency: Duration,
    pub headers: &'a reqwest::header::HeaderMap,
    pub body: &'a [u8],
    /// Whether the body was cut at `max-body`.
    pub truncated: bool,
    /// The body parsed as JSON, computed on first use.
    pub json: &'a std::cell::OnceCell<Result<Value, String>>,
}

/// Largest compiled regex accepted, against patterns that would use a lot of memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

const FORMS: &str = "write `status == 200`, `$.status == \"healthy\"`, `body contains \"ok\"`, `header \"content-type\" contains \"json\"` or `latency < 300ms`";

impl Expect {
    /// Parses one expression.
    pub(crate) fn parse(text: &str) -> Result<Self, ParseError> {
        let mut cursor = Cursor { text, at: 0 };
        cursor.skip_blanks();
        let subject_at = cursor.at;
        let subject = if cursor.rest().starts_with('$') {
            let path = cursor.take_path();
            Subject::Json(JsonPath::parse(path).map_err(|error| ParseError {
                column: subject_at + error.offset,
                message: format!("invalid JSON path `{path}`: {}", error.message),
                help: "write a path like `$.status`, `$.checks[*].ok` or `$['a b']`".into(),
            })?)
        } else {
            let word = cursor.take_word();
            match word {
                "status" => Subject::Status,
                "body" => Subject::Body,
                "latency" | "duration" => Subject::Latency,
                "header" => {
                    cursor.skip_blanks();
                    let at = cursor.at;
                    let name = cursor
                        .take_string_or_word()
                        .map_err(|m| cursor.error(at, m))?;
                    if name.is_empty()
                        || reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err()
                    {
                        return Err(ParseError {
                            column: at,
                            message: format!("`{name}` is not a header name"),
                            help: "write `header \"content-type\" contains \"json\"`".into(),
                        });
                    }
                    Subject::Header(name.to_ascii_lowercase())
                }
                "jsonpath" => {
                    cursor.skip_blanks();
                    let at = cursor.at;
                    let path = cursor
                        .take_string_or_word()
                        .map_err(|m| cursor.error(at, m))?;
                    let written = cursor.text.get(at..cursor.at).unwrap_or_default();
                    Subject::Json(JsonPath::parse(&path).map_err(|error| ParseError {
                        column: path_column(written, &path, at, error.offset),
                        message: format!("invalid JSON path `{path}`: {}", error.message),
                        help: "write a path like `\"$.status\"`".into(),
                    })?)
                }
                "" if cursor.rest().is_empty() => {
                    return Err(ParseError {
                        column: subject_at,
                        message: "the assertion is empty".into(),
                        help: FORMS.into(),
                    });
                }
                other => {
                    // A subject that starts with a symbol is not a word: name its token.
                    let other = match other {
                        "" => cursor.rest().split_whitespace().next().unwrap_or_default(),
                        word => word,
                    };
                    return Err(ParseError {
                        column: subject_at,
                        message: format!("unknown subject `{other}`"),
                        help: format!(
                            "start with `status`, `body`, `header NAME`, `latency` or a JSON path like `$.status`; {FORMS}"
                        ),
                    });
                }
            }
        };
        cursor.skip_blanks();
        let mut negated = false;
        let mut predicate_at = cursor.at;
        let mut word = cursor.take_operator();
        if word == "not" {
            negated = true;
            cursor.skip_blanks();
            predicate_at = cursor.at;
            word = cursor.take_operator();
        }
        cursor.skip_blanks();
        let value_at = cursor.at;
        let value_text = cursor.rest().trim_end();
        let predicate = match word {
            "==" | "!=" | "<" | "<=" | ">" | ">=" => {
                let cmp = match word {
                    "==" => Cmp::Eq,
                    "!=" => Cmp::Ne,
                    "<" => Cmp::Lt,
                    "<=" => Cmp::Le,
                    ">" => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                let value = parse_value(&subject, value_text, value_at)?;
                let ordered = !matches!(cmp, Cmp::Eq | Cmp::Ne);
                if ordered && !value.is_number() {
                    return Err(ParseError {
                        column: value_at,
                        message: format!(
                            "`{}` compares numbers, but `{value_text}` is not a number",
                            cmp.as_str()
                        ),
                        help: "compare with a number, like `$.uptime >= 30`".into(),
                    });
                }
                Predicate::Compare(cmp, value)
            }
            "contains" => Predicate::Contains(parse_value(&subject, value_text, value_at)?),
            "matches" => {
                let pattern = string_value(value_text, value_at)?;
                let regex = regex::RegexBuilder::new(&pattern)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|error| ParseError {
                        column: value_at,
                        message: format!(
                            "invalid regular expression: {}",
                            signoff_core::text::one_line(&error.to_string())
                        ),
                        help: "write a regular expression in double quotes, with `\\\\` for a backslash: `matches \"^v\\\\d+\"`".into(),
                    })?;
                Predicate::Matches(regex)
            }
            "startsWith" | "starts-with" => {
                Predicate::StartsWith(string_value(value_text, value_at)?)
            }
            "endsWith" | "ends-with" => Predicate::EndsWith(string_value(value_text, value_at)?),
            "exists" => {
                if !value_text.is_empty() {
                    return Err(ParseError {
                        column: value_at,
                        message: format!("`exists` takes no value, but `{value_text}` follows"),
                        help: "write `$.db exists` or `header etag exists`".into(),
                    });
                }
                Predicate::Exists
            }
            "" => {
                return Err(ParseError {
                    column: predicate_at,
                    message: "the assertion has no predicate".into(),
                    help: "add one of `==`, `!=`, `<`, `<=`, `>`, `>=`, `contains`, `matches`, `starts-with`, `ends-with`, `exists`".into(),
                });
            }
            other => {
                return Err(ParseError {
                    column: predicate_at,
                    message: format!("unknown predicate `{other}`"),
                    help: "use one of `==`, `!=`, `<`, `<=`, `>`, `>=`, `contains`, `matches`, `starts-with`, `ends-with`, `exists`, optionally after `not`".into(),
                });
            }
        };
        check_fits(&subject, &predicate, predicate_at)?;
        Ok(Self {
            text: text.trim().to_owned(),
            subject,
            negated,
            predicate,
        })
    }

    /// Checks the response; on failure, says what was expected and what came.
    pub(crate) fn evaluate(&self, response: &Response<'_>) -> Result<(), String> {
        let values: Vec<Value> = match &self.subject {
            Subject::Status => vec![Value::from(response.status)],
            Subject::Latency => vec![Value::from(response.latency.as_millis() as u64)],
            Subject::Body => vec![Value::String(
                String::from_utf8_lossy(response.body).into_owned(),
            )],
            Subject::Header(name) => response
                .headers
                .get_all(name.as_str())
                .iter()
                .map(|value| Value::String(String::from_utf8_lossy(value.as_bytes()).into_owned()))
                .collect(),
            Subject::Json(path) => {
                let parsed = response.json.get_or_init(|| {
                    serde_json::from_slice(response.body).map_err(|error| {
                        if response.truncated {
                            format!(
                                "the body is not complete JSON because it was cut at {} bytes; raise `max-body`",
                                response.body.len()
                            )
                        } else {
                            format!("the body is not JSON ({error})")
                        }
                    })
                });
                match parsed {
                    Ok(document) => path.select(document).into_iter().cloned().collect(),
                    Err(message) => return Err(message.clone()),
                }
            }
        };
        let truncated_note = if response.truncated && matches!(self.subject, Subject::Body) {
            " (the body was cut at `max-body`)"
        } else {
            ""
        };
        if let Predicate::Exists = self.predicate {
            return match (values.is_empty(), self.negated) {
                (false, false) | (true, true) => Ok(()),
                (true, false) => Err(format!("{} does not exist", self.subject_name())),
                (false, true) => Err(format!(
                    "{} exists: {}",
                    self.subject_name(),
                    values.first().map(shown).unwrap_or_default()
                )),
            };
        }
        if values.is_empty() {
            return Err(format!("{} selects nothing", self.subject_name()));
        }
        for value in &values {
            if self.holds(value) == self.negated {
                let got = self.shown(value);
                let every = if values.len() > 1 {
                    " (every selected value must)"
                } else {
                    ""
                };
                return Err(format!(
                    "expected {}{every}, got {got}{truncated_note}",
                    self.expected()
                ));
            }
        }
        Ok(())
    }

    fn subject_name(&self) -> String {
        match &self.subject {
            Subject::Status => "status".into(),
            Subject::Body => "the body".into(),
            Subject::Latency => "latency".into(),
            Subject::Header(name) => format!("header `{name}`"),
            Subject::Json(path) => format!("`{}`", path.as_str()),
        }
    }

    fn expected(&self) -> String {
        let not = if self.negated { "not " } else { "" };
        let what = match &self.predicate {
            Predicate::Compare(cmp, value) => {
                format!("{not}{} {}", cmp.as_str(), self.shown(value))
            }
            Predicate::Contains(value) => format!("{not}contains {}", shown(value)),
            Predicate::Matches(regex) => format!("{not}matches {:?}", regex.as_str()),
            Predicate::StartsWith(s) => format!("{not}starts with {s:?}"),
            Predicate::EndsWith(s) => format!("{not}ends with {s:?}"),
            Predicate::Exists => format!("{not}exists"),
        };
        format!("{} {what}", self.subject_name())
    }

    /// A value for a message: latencies in milliseconds carry their unit.
    fn shown(&self, value: &Value) -> String {
        match self.subject {
            Subject::Latency => format!("{value}ms"),
            _ => shown(value),
        }
    }

    fn holds(&self, value: &Value) -> bool {
        match &self.predicate {
            Predicate::Compare(cmp, expected) => compare(*cmp, value, expected),
            Predicate::Contains(needle) => match (value, needle) {
                (Value::String(hay), Value::String(needle)) => hay.contains(needle.as_str()),
                (Value::Array(items), needle) => items.iter().any(|item| json_eq(item, needle)),
                _ => false,
            },
            Predicate::Matches(regex) => value.as_str().is_some_and(|s| regex.is_match(s)),
            Predicate::StartsWith(prefix) => value.as_str().is_some_and(|s| s.starts_with(prefix)),
            Predicate::EndsWith(suffix) => value.as_str().is_some_and(|s| s.ends_with(suffix)),
            Predicate::Exists => true,
        }
    }
}

fn compare(cmp: Cmp, actual: &Value, expected: &Value) -> bool {
    match cmp {
        Cmp::Eq => json_eq(actual, expected),
        Cmp::Ne => !json_eq(actual, expected),
        _ => match (actual.as_f64(), expected.as_f64()) {
            (Some(a), Some(e)) => match cmp {
                Cmp::Lt => a < e,
                Cmp::Le => a <= e,
                Cmp::Gt => a > e,
                _ => a >= e,
            },
            _ => false,
        },
    }
}

/// JSON equality where `1` equals `1.0`.
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A value quoted for a message, bounded.
fn shown(value: &Value) -> String {
    crate::excerpt::bounded(&value.to_string(), 120)
}

/// Checks that the predicate makes sense for the subject, so mistakes surface before any
/// request rather than as a probe that can never pass.
fn check_fits(subject: &Subject, predicate: &Predicate, column: usize) -> Result<(), ParseError> {
    let problem = match (subject, predicate) {
        (Subject::Status | Subject::Latency, Predicate::Compare(..)) => None,
        (Subject::Status | Subject::Latency, _) => {
            Some("status and latency take `==`, `!=`, `<`, `<=`, `>` or `>=`")
        }
        (Subject::Body | Subject::Header(_), Predicate::Compare(cmp, value))
            if !matches!(cmp, Cmp::Eq | Cmp::Ne) || !value.is_string() =>
        {
            Some(
                "the body and headers are text: compare them with a quoted string, or use `contains` or `matches`",
            )
        }
        (Subject::Body | Subject::Header(_), Predicate::Contains(value)) if !value.is_string() => {
            Some("`contains` on text takes a quoted string")
        }
        (Subject::Body, Predicate::Exists) => {
            Some("the body always exists; use `body matches \".\"` for a non-empty body")
        }
        _ => None,
    };
    match problem {
        Some(message) => Err(ParseError {
            column,
            message: message.into(),
            help: FORMS.into(),
        }),
        None => Ok(()),
    }
}

fn parse_value(subject: &Subject, text: &str, column: usize) -> Result<Value, ParseError> {
    if matches!(subject, Subject::Latency) {
        let text = text.trim();
        let millis = if let Ok(number) = text.parse::<f64>() {
            Some(number)
        } else {
            text.parse::<signoff_core::policy::health::Duration>()
                .ok()
                .map(|d| d.0.as_secs_f64() * 1000.0)
        };
        return millis
            .and_then(|ms| {
                if ms.fract() == 0.0 && (0.0..1e15).contains(&ms) {
                    Some(serde_json::Number::from(ms as u64))
                } else {
                    serde_json::Number::from_f64(ms)
                }
            })
            .map(Value::Number)
            .ok_or_else(|| ParseError {
                column,
                message: format!("`{text}` is not a duration"),
                help: "write a duration like `300ms` or `1.5s`, or a number of milliseconds".into(),
            });
    }
    if text.is_empty() {
        return Err(ParseError {
            column,
            message: "a value is missing after the predicate".into(),
            help: "add a value: a number, `true`, `false`, `null` or a string in double quotes"
                .into(),
        });
    }
    serde_json::from_str(text).map_err(|_| ParseError {
        column,
        message: format!("`{text}` is not a value"),
        help: format!(
            "write a number, `true`, `false`, `null` or a string in double quotes, like \"{}\"",
            text.trim_matches(|c| c == '\'' || c == '"')
        ),
    })
}

fn string_value(text: &str, column: usize) -> Result<String, ParseError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::String(s)) => Ok(s),
        _ => Err(ParseError {
            column,
            message: format!("`{text}` is not a quoted string"),
            help: "write the text in double quotes, with `\\\\` for a backslash, like \"^ok$\""
                .into(),
        }),
    }
}

/// Where a mistake at byte `offset` of the decoded `path` sits in the expression, given
/// the path as `written` there (quoted or bare) starting at byte `at`. When escapes make
/// the two differ, offsets inside do not line up, so the opening quote is named instead.
fn path_column(written: &str, path: &str, at: usize, offset: usize) -> usize {
    let (inner, start) = match written.strip_prefix('"') {
        Some(quoted) => (quoted.strip_suffix('"').unwrap_or(quoted), at + 1),
        None => (written, at),
    };
    if inner == path { start + offset } else { at }
}

/// Walks an expression. Offsets are byte offsets and always on a character boundary;
/// columns shown to users are counted in characters by [`ParseError::character`].
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        // `at` only ever moves past whole characters; `get` keeps that from being a panic.
        self.text.get(self.at..).unwrap_or_default()
    }

    fn skip_blanks(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let end = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        self.at += end;
        rest.get(..end).unwrap_or_default()
    }

    fn take_word(&mut self) -> &'a str {
        self.take_while(|c| c.is_alphanumeric() || c == '_' || c == '-')
    }

    fn take_operator(&mut self) -> &'a str {
        if self.rest().starts_with(['=', '!', '<', '>']) {
            self.take_while(|c| matches!(c, '=' | '!' | '<' | '>'))
        } else {
            self.take_word()
        }
    }

    /// A JSON path: up to a blank or an operator outside brackets and quotes.
    fn take_path(&mut self) -> &'a str {
        let rest = self.rest();
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut escaped = false;
        let mut end = rest.len();
        for (index, c) in rest.char_indices() {
            if let Some(q) = quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '\'' | '"' if depth > 0 => quote = Some(c),
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                c if depth == 0 && (c.is_whitespace() || matches!(c, '=' | '!' | '<' | '>')) => {
                    end = index;
                    break;
                }
                _ => {}
            }
        }
        self.at += end;
        rest.get(..end).unwrap_or_default()
    }

    /// A double-quoted string (JSON escapes) or a bare word.
    fn take_string_or_word(&mut self) -> Result<String, String> {
        let rest = self.rest();
        if rest.starts_with('"') {
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<String>();
            match stream.next() {
                Some(Ok(value)) => {
                    self.at += stream.byte_offset();
                    Ok(value)
                }
                _ => Err("this quoted string is not closed".into()),
            }
        } else {
            Ok(self
                .take_while(|c| !c.is_whitespace() && !matches!(c, '=' | '!' | '<' | '>'))
                .to_owned())
        }
    }

    fn error(&self, column: usize, message: String) -> ParseError {
        ParseError {
            column,
            message,
            help: FORMS.into(),
        }
    }
}

#[cfg(test)]
mod tests;
