//! A fast reader for the block-style YAML subset that lockfile tools write (pnpm): nested
//! `key: value` maps by indentation, quoted keys and scalars, one-line flow maps and
//! lists. It turns the text into a `serde_json::Value` in one pass, so the serde types of
//! a parser apply unchanged; anything outside the subset (anchors, multi-line scalars,
//! tags) is refused, and the caller falls back to the full YAML parser.

use serde_json::{Map, Value};

/// Why the text is outside the subset (the caller then uses the full parser).
#[derive(Debug)]
pub struct Unsupported;

/// Deepest nesting accepted.
const MAX_DEPTH: usize = 64;

/// Parses `text` into a JSON value: maps become objects, scalars strings (`true`/`false`
/// become booleans).
pub fn parse(text: &str) -> Result<Value, Unsupported> {
    // Stack of (indent of the map's keys, map, key under which it sits in its parent).
    let mut stack: Vec<(usize, Map<String, Value>, String)> = vec![(0, Map::new(), String::new())];
    let mut pending: Option<(usize, String)> = None; // a `key:` whose block has not started
    // A block sequence of scalars being read: (indent of its `- `, key, items).
    let mut sequence: Option<(usize, String, Vec<Value>)> = None;
    for raw in text.lines() {
        let content = raw.trim_end();
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if content.starts_with('\t') || trimmed == "-" {
            return Err(Unsupported);
        }
        let indent = content.len() - trimmed.len();
        if let Some(item) = trimmed.strip_prefix("- ") {
            if item.contains(": ") || item.ends_with(':') {
                return Err(Unsupported); // a sequence of maps
            }
            match (&mut sequence, pending.take()) {
                (Some((at, _, items)), None) if *at == indent => items.push(scalar_or_flow(item)?),
                (None, Some((parent_indent, key))) if indent >= parent_indent => {
                    sequence = Some((indent, key, vec![scalar_or_flow(item)?]));
                }
                _ => return Err(Unsupported),
            }
            continue;
        }
        if let Some((_, key, items)) = sequence.take() {
            insert(&mut stack, key, Value::Array(items))?;
        }
        if let Some((parent_indent, key)) = pending.take() {
            if indent > parent_indent {
                if stack.len() >= MAX_DEPTH {
                    return Err(Unsupported);
                }
                stack.push((indent, Map::new(), key));
            } else {
                // `key:` with nothing under it is null in YAML.
                insert(&mut stack, key, Value::Null)?;
            }
        }
        while stack.len() > 1 && indent < stack.last().map_or(0, |s| s.0) {
            close(&mut stack)?;
        }
        if indent != stack.last().map_or(0, |s| s.0) {
            return Err(Unsupported);
        }
        let (key, rest) = split_key(trimmed)?;
        let rest = rest.trim();
        if rest.is_empty() {
            pending = Some((indent, key));
        } else {
            insert(&mut stack, key, scalar_or_flow(rest)?)?;
        }
    }
    if let Some((_, key)) = pending.take() {
        insert(&mut stack, key, Value::Null)?;
    }
    if let Some((_, key, items)) = sequence.take() {
        insert(&mut stack, key, Value::Array(items))?;
    }
    while stack.len() > 1 {
        close(&mut stack)?;
    }
    Ok(Value::Object(stack.pop().map(|s| s.1).unwrap_or_default()))
}

fn insert(
    stack: &mut [(usize, Map<String, Value>, String)],
    key: String,
    value: Value,
) -> Result<(), Unsupported> {
    let map = &mut stack.last_mut().ok_or(Unsupported)?.1;
    if map.insert(key, value).is_some() {
        return Err(Unsupported); // duplicate keys: let the full parser say so
    }
    Ok(())
}

fn close(stack: &mut Vec<(usize, Map<String, Value>, String)>) -> Result<(), Unsupported> {
    let (_, map, key) = stack.pop().ok_or(Unsupported)?;
    insert(stack, key, Value::Object(map))
}

/// Splits `key: rest` (or `key:`), with the key possibly quoted.
fn split_key(line: &str) -> Result<(String, &str), Unsupported> {
    if let Some(quote) = line.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let (key, after) = quoted(line, quote)?;
        let rest = after.strip_prefix(':').ok_or(Unsupported)?;
        if !(rest.is_empty() || rest.starts_with(' ')) {
            return Err(Unsupported);
        }
        return Ok((key, rest));
    }
    if line.starts_with(['&', '*', '!', '?', '|', '>', '{', '[', '%', '@', '`']) {
        return Err(Unsupported);
    }
    let at = match line.find(": ") {
        Some(at) => at,
        None if line.ends_with(':') => line.len() - 1,
        None => return Err(Unsupported),
    };
    Ok((line[..at].to_owned(), &line[at + 1..]))
}

/// A quoted string at the start of `text` and what follows it.
fn quoted(text: &str, quote: char) -> Result<(String, &str), Unsupported> {
    let body = &text[1..];
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((index, c)) = chars.next() {
        if c == quote {
            if quote == '\'' && body[index + 1..].starts_with('\'') {
                out.push('\'');
                chars.next();
                continue;
            }
            return Ok((out, &body[index + 1..]));
        }
        if c == '\\' && quote == '"' {
            match chars.next() {
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, '/')) => out.push('/'),
                _ => return Err(Unsupported),
            }
            continue;
        }
        out.push(c);
    }
    Err(Unsupported)
}

fn scalar_or_flow(text: &str) -> Result<Value, Unsupported> {
    if let Some(inner) = text.strip_prefix('{') {
        let inner = inner.strip_suffix('}').ok_or(Unsupported)?;
        let mut map = Map::new();
        for item in split_flow(inner)? {
            let (key, value) = split_key(item.trim())?;
            map.insert(key, scalar_or_flow(value.trim())?);
        }
        return Ok(Value::Object(map));
    }
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or(Unsupported)?;
        return split_flow(inner)?
            .into_iter()
            .map(|item| scalar_or_flow(item.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    scalar(text)
}

fn scalar(text: &str) -> Result<Value, Unsupported> {
    let text = text.trim();
    if let Some(quote) = text.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let (value, rest) = quoted(text, quote)?;
        if !rest.trim().is_empty() && !rest.trim_start().starts_with('#') {
            return Err(Unsupported);
        }
        return Ok(Value::String(value));
    }
    if text.starts_with(['&', '*', '!', '|', '>', '{', '[', '%', '@', '`']) {
        return Err(Unsupported);
    }
    let text = match text.find(" #") {
        Some(at) => text[..at].trim_end(),
        None => text,
    };
    Ok(match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" | "~" => Value::Null,
        _ => Value::String(text.to_owned()),
    })
}

/// Splits a flow collection's body at top-level commas.
fn split_flow(inner: &str) -> Result<Vec<&str>, Unsupported> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (index, c) in inner.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth = depth.checked_sub(1).ok_or(Unsupported)?,
            (None, ',') if depth == 0 => {
                out.push(&inner[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if quote.is_some() || depth != 0 {
        return Err(Unsupported);
    }
    if !inner[start..].trim().is_empty() {
        out.push(&inner[start..]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_pnpm_writes() {
        let value = parse(
            "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      '@types/ms':\n        specifier: 0.7.34\n        version: 0.7.34\n\npackages:\n\n  ms@2.1.2:\n    resolution: {integrity: sha512-x==, tarball: 'https://a/b'}\n    cpu: [x64, arm64]\n    dev: false\n    hasBin: true\n    transitivePeerDependencies:\n      - supports-color\n      - '@x/y'\n  empty@1.0.0: {}\n",
        )
        .unwrap();
        assert_eq!(value["lockfileVersion"], "9.0");
        assert_eq!(
            value["importers"]["."]["dependencies"]["@types/ms"]["version"],
            "0.7.34"
        );
        assert_eq!(
            value["packages"]["ms@2.1.2"]["resolution"]["integrity"],
            "sha512-x=="
        );
        assert_eq!(
            value["packages"]["ms@2.1.2"]["resolution"]["tarball"],
            "https://a/b"
        );
        assert_eq!(value["packages"]["ms@2.1.2"]["cpu"][1], "arm64");
        assert_eq!(value["packages"]["ms@2.1.2"]["dev"], false);
        assert!(value["packages"]["empty@1.0.0"].is_object());
        assert_eq!(
            value["packages"]["ms@2.1.2"]["transitivePeerDependencies"][1],
            "@x/y"
        );
    }

    #[test]
    fn agrees_with_the_yaml_parser_on_every_pnpm_fixture() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for case in ["pnpm-v5", "pnpm-v6", "pnpm-v9"] {
            let text = std::fs::read_to_string(fixtures.join(case).join("pnpm-lock.yaml")).unwrap();
            let mut reference: Value = serde_saphyr::from_str(&text).unwrap();
            // The full parser types numbers; the fast one keeps every scalar as text.
            if let Some(version) = reference.get_mut("lockfileVersion") {
                *version = Value::String(version.to_string().trim_matches('"').to_owned());
            }
            assert_eq!(parse(&text).unwrap(), reference, "{case}");
        }
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a:\n  - b: 1\n",
            "a: |\n  text\n",
            "a: 1\na: 2\n",
            "a:\n   b: 1\n  c: 2\n",
            "a: {b: 1\n",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
