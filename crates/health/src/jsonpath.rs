//! The JSONPath subset health assertions use (RFC 9535 syntax, no filters or functions):
//! `$`, `.name`, `['name']`, `[0]`, `[-1]`, `[*]`, `.*`, `..name` and `..*`. Parsed once,
//! before any request, with the column of a mistake.

use serde_json::Value;

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonPath {
    text: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// `.name` or `['name']`.
    Child(String),
    /// `[3]`, `[-1]`.
    Index(i64),
    /// `.*` or `[*]`.
    Wildcard,
    /// `..name`, `..*`, `..[0]`: the selector applied at every depth.
    Descendant(Box<Segment>),
}

/// A mistake in a path: what and where (0-based byte offset in the path, always on a
/// character boundary, so callers can slice the text with it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathError {
    pub offset: usize,
    pub message: String,
}

impl JsonPath {
    /// Parses `text`, which must start with `$`.
    pub(crate) fn parse(text: &str) -> Result<Self, PathError> {
        // The parser walks characters; its offsets become byte offsets here, in one place,
        // because every caller works in bytes.
        Self::parse_chars(text).map_err(|error| PathError {
            offset: byte_offset(text, error.offset),
            message: error.message,
        })
    }

    /// `parse`, with offsets counted in characters.
    fn parse_chars(text: &str) -> Result<Self, PathError> {
        let chars: Vec<char> = text.chars().collect();
        let error = |offset: usize, message: &str| PathError {
            offset,
            message: message.to_owned(),
        };
        if chars.first() != Some(&'$') {
            return Err(error(0, "a JSON path starts with `$`"));
        }
        let mut segments = Vec::new();
        let mut at = 1;
        while let Some(&c) = chars.get(at) {
            match c {
                '.' if chars.get(at + 1) == Some(&'.') => {
                    at += 2;
                    let (inner, next) = match chars.get(at) {
                        Some('[') => bracket(&chars, at)?,
                        _ => dotted(&chars, at)?,
                    };
                    segments.push(Segment::Descendant(Box::new(inner)));
                    at = next;
                }
                '.' => {
                    let (segment, next) = dotted(&chars, at + 1)?;
                    segments.push(segment);
                    at = next;
                }
                '[' => {
                    let (segment, next) = bracket(&chars, at)?;
                    segments.push(segment);
                    at = next;
                }
                _ => return Err(error(at, "expected `.name`, `[index]` or `['name']`")),
            }
        }
        Ok(Self {
            text: text.to_owned(),
            segments,
        })
    }

    /// Every value the path selects, in document order.
    pub(crate) fn select<'a>(&self, root: &'a Value) -> Vec<&'a Value> {
        let mut current = vec![root];
        for segment in &self.segments {
            let mut next = Vec::new();
            for value in current {
                apply(segment, value, &mut next);
            }
            current = next;
        }
        current
    }

    /// The path as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }
}

/// The byte offset of the `index`-th character of `text` (its length past the end).
fn byte_offset(text: &str, index: usize) -> usize {
    text.char_indices()
        .nth(index)
        .map_or(text.len(), |(offset, _)| offset)
}

fn dotted(chars: &[char], start: usize) -> Result<(Segment, usize), PathError> {
    if chars.get(start) == Some(&'*') {
        return Ok((Segment::Wildcard, start + 1));
    }
    let mut end = start;
    while chars
        .get(end)
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '-'))
    {
        end += 1;
    }
    if end == start {
        return Err(PathError {
            offset: start,
            message: "expected a member name after `.`; quote other names: `['a b']`".into(),
        });
    }
    let name = chars.get(start..end).unwrap_or_default().iter().collect();
    Ok((Segment::Child(name), end))
}

fn bracket(chars: &[char], open: usize) -> Result<(Segment, usize), PathError> {
    let error = |offset: usize, message: &str| PathError {
        offset,
        message: message.to_owned(),
    };
    let mut at = open + 1;
    let segment = match chars.get(at) {
        Some('*') => {
            at += 1;
            Segment::Wildcard
        }
        Some(quote @ ('\'' | '"')) => {
            let quote = *quote;
            at += 1;
            let mut name = String::new();
            loop {
                match chars.get(at) {
                    None => return Err(error(open, "this quoted name is never closed")),
                    Some('\\') => {
                        match chars.get(at + 1) {
                            Some(c) => name.push(*c),
                            None => return Err(error(at, "a `\\` ends the path")),
                        }
                        at += 2;
                    }
                    Some(c) if *c == quote => {
                        at += 1;
                        break;
                    }
                    Some(c) => {
                        name.push(*c);
                        at += 1;
                    }
                }
            }
            Segment::Child(name)
        }
        Some(c) if c.is_ascii_digit() || *c == '-' => {
            let start = at;
            at += 1;
            while chars.get(at).is_some_and(char::is_ascii_digit) {
                at += 1;
            }
            let digits: String = chars.get(start..at).unwrap_or_default().iter().collect();
            Segment::Index(
                digits
                    .parse()
                    .map_err(|_| error(start, "expected an array index like `0` or `-1`"))?,
            )
        }
        _ => {
            return Err(error(
                at,
                "expected `*`, an index or a quoted name inside `[…]` (filters are not supported)",
            ));
        }
    };
    if chars.get(at) != Some(&']') {
        return Err(error(at, "expected `]`"));
    }
    Ok((segment, at + 1))
}

fn apply<'a>(segment: &Segment, value: &'a Value, out: &mut Vec<&'a Value>) {
    match segment {
        Segment::Child(name) => {
            if let Some(child) = value.as_object().and_then(|map| map.get(name)) {
                out.push(child);
            }
        }
        Segment::Index(index) => {
            if let Some(items) = value.as_array() {
                let len = items.len() as i64;
                let position = if *index < 0 { len + index } else { *index };
                if let Some(item) = usize::try_from(position).ok().and_then(|p| items.get(p)) {
                    out.push(item);
                }
            }
        }
        Segment::Wildcard => match value {
            Value::Array(items) => out.extend(items),
            Value::Object(map) => out.extend(map.values()),
            _ => {}
        },
        Segment::Descendant(inner) => descend(inner, value, out, 0),
    }
}

/// Bodies are bounded by `max-body`, but deep nesting is still bounded here so that a
/// hostile document cannot exhaust the stack.
const MAX_DEPTH: usize = 256;

fn descend<'a>(inner: &Segment, value: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    apply(inner, value, out);
    match value {
        Value::Array(items) => items.iter().for_each(|v| descend(inner, v, out, depth + 1)),
        Value::Object(map) => map.values().for_each(|v| descend(inner, v, out, depth + 1)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn select(path: &str, doc: &Value) -> Vec<Value> {
        JsonPath::parse(path)
            .unwrap()
            .select(doc)
            .into_iter()
            .cloned()
            .collect()
    }

    #[test]
    fn selects_members_indices_and_wildcards() {
        let doc = json!({"status": "healthy", "checks": [{"ok": true, "name": "db"}, {"ok": false}],
                         "a b": {"c-d": 1}});
        assert_eq!(select("$.status", &doc), [json!("healthy")]);
        assert_eq!(select("$.checks[*].ok", &doc), [json!(true), json!(false)]);
        assert_eq!(select("$.checks[-1].ok", &doc), [json!(false)]);
        assert_eq!(select("$.checks[0]['name']", &doc), [json!("db")]);
        assert_eq!(select("$['a b'].c-d", &doc), [json!(1)]);
        assert_eq!(select("$..ok", &doc), [json!(true), json!(false)]);
        assert_eq!(select("$", &doc), std::slice::from_ref(&doc));
        assert!(select("$.missing", &doc).is_empty());
        assert!(select("$.checks[5]", &doc).is_empty());
        assert!(select("$.status[0]", &doc).is_empty());
    }

    #[test]
    fn mistakes_name_their_offset() {
        for (path, offset) in [
            ("status", 0),
            ("$.", 2),
            ("$[?(@.ok)]", 2),
            ("$['open", 1),
            ("$[1", 3),
            ("$ x", 1),
            // Offsets are in bytes: `ü` takes two, `€` three.
            ("$.ü%", 4),
            ("$.éé[x", 7),
            ("$['ü'] x", 7),
        ] {
            let error = JsonPath::parse(path).unwrap_err();
            assert_eq!(error.offset, offset, "{path}: {error:?}");
        }
    }

    #[test]
    fn deep_documents_are_bounded() {
        let mut doc = json!(1);
        for _ in 0..300 {
            doc = json!({ "x": doc });
        }
        // serde_json itself limits parsing depth to 128; a built value may be deeper.
        assert!(select("$..x", &doc).len() <= MAX_DEPTH + 1);
    }
}
