//! The one place signoff reads YAML (serde-saphyr), with budgets against hostile input
//! (alias bombs, deep nesting, huge files) and errors mapped to [`ConfigError`] with the
//! file, line, column and a fix.

use serde::de::DeserializeOwned;
use serde_saphyr::{Budget, DuplicateKeyPolicy, Error};

use crate::diag::{ConfigError, Problem, expected_one_of};

pub mod tree;

/// Largest configuration file accepted.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

fn options() -> serde_saphyr::Options {
    let mut budget = Budget::default();
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_depth = 64;
    budget.max_nodes = 100_000;
    budget.max_total_scalar_bytes = MAX_BYTES;
    budget.max_documents = 1;
    serde_saphyr::options! {
        budget: Some(budget),
        duplicate_keys: DuplicateKeyPolicy::Error,
        strict_booleans: true,
        with_snippet: false,
    }
}

/// Parses YAML `bytes` read from `file` into `T`. Rejects files that are too large, not
/// UTF-8 text, or binary, before the parser sees them.
pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8], file: &str) -> Result<T, ConfigError> {
    from_str(text(bytes, file)?, file)
}

/// The text of a configuration file, or why it is not one: too large, not UTF-8, binary.
pub fn text<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, ConfigError> {
    text_within(bytes, file, MAX_BYTES)
}

/// The text of a YAML file of at most `max_bytes`, or why it is not one: too large, not
/// UTF-8, binary.
pub fn text_within<'a>(
    bytes: &'a [u8],
    file: &str,
    max_bytes: usize,
) -> Result<&'a str, ConfigError> {
    if bytes.len() > max_bytes {
        return Err(ConfigError::one(
            file,
            Problem::file(format!(
                "the file is {} bytes, over the {} byte limit",
                bytes.len(),
                max_bytes
            ))
            .help("a configuration file is a few kilobytes; check that this is the right file"),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let (line, column) = position(bytes, error.valid_up_to());
            return Err(ConfigError::one(
                file,
                Problem::at(line, column, "the file is not UTF-8 text")
                    .help("save the file as UTF-8; YAML files are text"),
            ));
        }
    };
    if let Some(offset) = text.find('\0') {
        let (line, column) = position(bytes, offset);
        return Err(ConfigError::one(
            file,
            Problem::at(
                line,
                column,
                "the file contains a NUL byte, so it is binary, not YAML",
            )
            .help("point signoff at a YAML text file"),
        ));
    }
    Ok(text)
}

/// Parses YAML `text` read from `file` into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, ConfigError> {
    serde_saphyr::from_str_with_options(text, options())
        .map_err(|error| ConfigError::one(file, problem(&error, text)))
}

/// Whether `text` holds no YAML node at all (only blanks, comments and document markers).
pub fn is_empty_document(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
    })
}

fn position(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

/// The scalar written at a 1-based line and column, for quoting it in a message.
fn token_at(text: &str, line: u64, column: u64) -> Option<String> {
    let line_text = text
        .lines()
        .nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let start = usize::try_from(column).ok()?.checked_sub(1)?;
    let token: String = line_text
        .chars()
        .skip(start)
        .take_while(|c| !matches!(c, ',' | '}' | ']' | '#'))
        .take(60)
        .collect();
    let token = token.trim();
    (!token.is_empty()).then(|| token.to_owned())
}

fn problem(error: &Error, source: &str) -> Problem {
    let (line, column) = error
        .location()
        .map(|location| (location.line(), location.column()))
        .unwrap_or((0, 0));
    let at = |message: String| Problem::at(line, column, message);
    let text = plain(error);
    if let Some(rest) = text.split("budget breached: ").nth(1) {
        let limit: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
        return at(format!(
            "the document is too large or too deeply nested to be a configuration (limit on {} reached)",
            limit.to_lowercase()
        ))
        .help("remove repeated aliases (`*name`) and deep nesting; signoff bounds them to stay safe on hostile input");
    }
    match error {
        Error::SerdeUnknownField { field, expected, .. } => {
            at(format!("unknown key `{field}`")).help(expected_one_of(field, expected))
        }
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => at(format!("unknown value `{variant}`")).help(expected_one_of(variant, expected)),
        Error::SerdeMissingField { field, .. } => {
            at(format!("missing key `{field}`")).help(format!("add `{field}: …` to this entry"))
        }
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => at(format!("found {}, expected {expected}", describe(unexpected)))
            .help(type_help(expected)),
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => at(format!("`{}` is not {expected}", quoted(unexpected)))
            .help(format!("write {expected}")),
        Error::InvalidScalar { ty, .. } => {
            let token = token_at(source, line, column).unwrap_or_default();
            let (what, help) = match *ty {
                "floating point" | "f64" | "f32" => ("a number", "write a number, like `80`"),
                "bool" => ("`true` or `false`", "write `true` or `false`"),
                t if t.starts_with('u') => (
                    "a whole number of 0 or more",
                    "write a whole number of 0 or more, like `0` or `3`",
                ),
                t if t.starts_with('i') => ("a whole number", "write a whole number, like `3`"),
                _ => ("the expected kind of value", "check the value's type"),
            };
            let line_text = source.lines().nth(line.saturating_sub(1) as usize).unwrap_or_default();
            let unclosed = line_text.matches('{').count() > line_text.matches('}').count()
                || line_text.matches('[').count() > line_text.matches(']').count();
            let help = if unclosed {
                "a `{` or `[` on this line is never closed, so the next lines were read as part of this value; close it".to_owned()
            } else {
                help.to_owned()
            };
            at(format!("`{token}` is not {what}")).help(help)
        }
        Error::InvalidBooleanStrict { .. } => {
            let token = token_at(source, line, column).unwrap_or_default();
            at(format!("`{token}` is not `true` or `false`")).help("write `true` or `false`")
        }
        Error::NullIntoString { .. } => {
            at("a value is missing here".to_owned()).help("write a value after the colon, quoted if it contains `: ` or `#`")
        }
        Error::Unexpected { expected, .. } => {
            let token = token_at(source, line, column).unwrap_or_default();
            let found = match token.chars().next() {
                Some('[' | '-') => "a list",
                Some('{') => "a mapping",
                _ if token.contains(": ") || token.ends_with(':') => "a mapping",
                _ => "a single value",
            };
            let wanted = if expected.contains("mapping") {
                "a mapping"
            } else if expected.contains("sequence") {
                "a list"
            } else {
                expected
            };
            at(format!("found {found} where {wanted} belongs")).help(type_help(wanted))
        }
        Error::DuplicateMappingKey { .. } => at(plain(error)
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or_default()
            .to_owned())
            .help("each key may appear once in a mapping; remove or merge the repeated key"),
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => at(format!(
            "the document is too large or too deeply nested to be a configuration ({})",
            plain(error)
        ))
        .help("remove repeated aliases (`*name`) and deep nesting; signoff limits them to stay safe on hostile input"),
        Error::MultipleDocuments { .. } => {
            at("the file holds more than one YAML document".to_owned())
                .help("keep one document: remove the extra `---` separators")
        }
        _ => at(plain(error)).help("check the YAML syntax at this position (indentation, quotes, `key: value`)"),
    }
}

/// serde's `invalid type: sequence` wording, made plain.
fn describe(unexpected: &str) -> String {
    match unexpected {
        "sequence" => "a list".to_owned(),
        "map" => "a mapping".to_owned(),
        other => other.to_owned(),
    }
}

/// The value inside serde's `string "x"` or `floating point `1.5`` descriptions.
fn quoted(unexpected: &str) -> &str {
    if let Some(rest) = unexpected.strip_prefix("string \"") {
        return rest.strip_suffix('"').unwrap_or(rest);
    }
    match (unexpected.find('`'), unexpected.rfind('`')) {
        (Some(start), Some(end)) if end > start => &unexpected[start + 1..end],
        _ => unexpected,
    }
}

fn type_help(expected: &str) -> String {
    if expected.contains("mapping") || expected.starts_with("struct") || expected.contains(" map") {
        "write a mapping here: `key: value` pairs, one per line, indented under the key".to_owned()
    } else if expected.contains("sequence") || expected.contains("list") {
        "write a list here: `[a, b]` or one `- item` per line".to_owned()
    } else {
        format!("write {expected} here")
    }
}

/// The error's own message without its location suffix (we print the location ourselves).
fn plain(error: &Error) -> String {
    let text = error.to_string();
    let text = text.lines().next().unwrap_or_default().to_owned();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Thresholds {
        lines: Option<f64>,
        branches: Option<f64>,
    }

    #[test]
    fn unknown_key_names_position_and_suggests() {
        let error = from_str::<Thresholds>("lines: 80\nline: 70\n", "t.yml").unwrap_err();
        let problem = &error.problems[0];
        assert_eq!((problem.line, problem.column), (2, 1));
        assert_eq!(problem.message, "unknown key `line`");
        assert!(
            problem
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `lines`?")
        );
    }

    #[test]
    fn binary_and_non_utf8_are_rejected_before_parsing() {
        let error = from_bytes::<Thresholds>(b"lines: 80\n\xff\xfe", "t.yml").unwrap_err();
        assert_eq!(error.problems[0].line, 2);
        assert!(error.problems[0].message.contains("not UTF-8"));
        let error = from_bytes::<Thresholds>(b"lines: 8\0", "t.yml").unwrap_err();
        assert!(error.problems[0].message.contains("NUL"));
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut doc = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 0..9 {
            let prev = (b'a' + level) as char;
            let next = (b'a' + level + 1) as char;
            doc.push_str(&format!(
                "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let error = from_str::<serde_json::Value>(&doc, "bomb.yml").unwrap_err();
        assert!(error.problems[0].message.contains("too large"), "{error}");
    }

    #[test]
    fn empty_documents_are_recognized() {
        assert!(is_empty_document(""));
        assert!(is_empty_document("# only a comment\n---\n"));
        assert!(!is_empty_document("required: []"));
    }
}
