//! A fast reader for the TOML that lockfile tools write (Cargo.lock, uv.lock,
//! poetry.lock): `[table]` and `[[array.of.tables]]` headers, `key = value` with basic and
//! literal strings, integers, booleans, arrays (multi-line, trailing commas) and inline
//! tables. It builds a `serde_json::Value` in one pass so a parser's serde types apply
//! unchanged. Anything else (dotted keys, dates, floats, multi-line strings, redefined
//! keys) is refused and the caller uses the `toml` crate, which also gives the line of
//! a real error.

use serde_json::{Map, Value};

/// The text is outside the subset.
#[derive(Debug)]
pub struct Unsupported;

const MAX_DEPTH: usize = 64;

pub fn parse(text: &str) -> Result<Value, Unsupported> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
    };
    let mut root = Map::new();
    // Path of the current table: (key, is an array of tables).
    let mut path: Vec<(String, bool)> = Vec::new();
    loop {
        reader.skip_blank_lines();
        let Some(&b) = reader.bytes.get(reader.at) else {
            break;
        };
        if b == b'[' {
            let array = reader.bytes.get(reader.at + 1) == Some(&b'[');
            reader.at += if array { 2 } else { 1 };
            let mut keys = Vec::new();
            loop {
                reader.skip_spaces();
                keys.push(reader.key()?);
                reader.skip_spaces();
                match reader.next()? {
                    b'.' => continue,
                    b']' => break,
                    _ => return Err(Unsupported),
                }
            }
            if array && reader.next()? != b']' {
                return Err(Unsupported);
            }
            reader.end_of_line()?;
            let count = keys.len();
            path = keys
                .into_iter()
                .enumerate()
                .map(|(index, key)| (key, array && index + 1 == count))
                .collect();
            open(&mut root, &path, true)?;
            continue;
        }
        let key = reader.key()?;
        reader.skip_spaces();
        if reader.next()? != b'=' {
            return Err(Unsupported);
        }
        reader.skip_spaces();
        let value = reader.value(0)?;
        reader.end_of_line()?;
        let table = open(&mut root, &path, false)?;
        if table.insert(key, value).is_some() {
            return Err(Unsupported);
        }
    }
    Ok(Value::Object(root))
}

/// The table at `path`, creating it; `fresh` starts a new element of a final array of
/// tables (a header), otherwise the last element is used.
fn open<'a>(
    root: &'a mut Map<String, Value>,
    path: &[(String, bool)],
    fresh: bool,
) -> Result<&'a mut Map<String, Value>, Unsupported> {
    let mut table = root;
    for (index, (key, array)) in path.iter().enumerate() {
        let last = index + 1 == path.len();
        let entry = table.entry(key.clone()).or_insert_with(|| {
            if *array {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        });
        table = match entry {
            Value::Array(items) => {
                if *array && last && fresh {
                    items.push(Value::Object(Map::new()));
                }
                match items.last_mut() {
                    Some(Value::Object(map)) => map,
                    _ => return Err(Unsupported),
                }
            }
            Value::Object(map) => map,
            _ => return Err(Unsupported),
        };
    }
    Ok(table)
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn next(&mut self) -> Result<u8, Unsupported> {
        let b = *self.bytes.get(self.at).ok_or(Unsupported)?;
        self.at += 1;
        Ok(b)
    }

    fn skip_spaces(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t')) {
            self.at += 1;
        }
    }

    fn skip_comment(&mut self) {
        if self.bytes.get(self.at) == Some(&b'#') {
            while !matches!(self.bytes.get(self.at), None | Some(b'\n')) {
                self.at += 1;
            }
        }
    }

    /// Blank lines, comments and newlines (also inside arrays).
    fn skip_blank_lines(&mut self) {
        loop {
            self.skip_spaces();
            self.skip_comment();
            match self.bytes.get(self.at) {
                Some(b'\n') => self.at += 1,
                Some(b'\r') if self.bytes.get(self.at + 1) == Some(&b'\n') => self.at += 2,
                _ => return,
            }
        }
    }

    fn end_of_line(&mut self) -> Result<(), Unsupported> {
        self.skip_spaces();
        self.skip_comment();
        match self.bytes.get(self.at) {
            None => Ok(()),
            Some(b'\n') => {
                self.at += 1;
                Ok(())
            }
            Some(b'\r') if self.bytes.get(self.at + 1) == Some(&b'\n') => {
                self.at += 2;
                Ok(())
            }
            _ => Err(Unsupported),
        }
    }

    fn key(&mut self) -> Result<String, Unsupported> {
        match self.bytes.get(self.at) {
            Some(b'"') => {
                self.at += 1;
                self.basic_string()
            }
            Some(b'\'') => {
                self.at += 1;
                self.literal_string()
            }
            _ => {
                let start = self.at;
                while self
                    .bytes
                    .get(self.at)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
                {
                    self.at += 1;
                }
                if start == self.at {
                    return Err(Unsupported);
                }
                Ok(self.text[start..self.at].to_owned())
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Unsupported> {
        if depth > MAX_DEPTH {
            return Err(Unsupported);
        }
        match self.next()? {
            b'"' => {
                if self.bytes[self.at..].starts_with(b"\"\"") {
                    return Err(Unsupported); // multi-line string
                }
                self.basic_string().map(Value::String)
            }
            b'\'' => {
                if self.bytes[self.at..].starts_with(b"''") {
                    return Err(Unsupported);
                }
                self.literal_string().map(Value::String)
            }
            b'[' => {
                let mut items = Vec::new();
                loop {
                    self.skip_blank_lines();
                    if self.bytes.get(self.at) == Some(&b']') {
                        self.at += 1;
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                    self.skip_blank_lines();
                    match self.next()? {
                        b',' => {}
                        b']' => return Ok(Value::Array(items)),
                        _ => return Err(Unsupported),
                    }
                }
            }
            b'{' => {
                let mut map = Map::new();
                self.skip_spaces();
                if self.bytes.get(self.at) == Some(&b'}') {
                    self.at += 1;
                    return Ok(Value::Object(map));
                }
                loop {
                    self.skip_spaces();
                    let key = self.key()?;
                    self.skip_spaces();
                    if self.next()? != b'=' {
                        return Err(Unsupported);
                    }
                    self.skip_spaces();
                    let value = self.value(depth + 1)?;
                    if map.insert(key, value).is_some() {
                        return Err(Unsupported);
                    }
                    self.skip_spaces();
                    match self.next()? {
                        b',' => {}
                        b'}' => return Ok(Value::Object(map)),
                        _ => return Err(Unsupported),
                    }
                }
            }
            b't' if self.bytes[self.at..].starts_with(b"rue") => {
                self.at += 3;
                Ok(Value::Bool(true))
            }
            b'f' if self.bytes[self.at..].starts_with(b"alse") => {
                self.at += 4;
                Ok(Value::Bool(false))
            }
            b'-' | b'+' | b'0'..=b'9' => {
                let start = self.at - 1;
                while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
                    self.at += 1;
                }
                // Dates, floats and `1_000` are outside the subset.
                if matches!(
                    self.bytes.get(self.at),
                    Some(b'-' | b':' | b'.' | b'_' | b'e' | b'E' | b'x' | b'o' | b'b')
                ) {
                    return Err(Unsupported);
                }
                self.text[start..self.at]
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| Unsupported)
            }
            _ => Err(Unsupported),
        }
    }

    /// After the opening `"`.
    fn basic_string(&mut self) -> Result<String, Unsupported> {
        let mut out = String::new();
        let mut start = self.at;
        loop {
            match *self.bytes.get(self.at).ok_or(Unsupported)? {
                b'"' => {
                    out.push_str(&self.text[start..self.at]);
                    self.at += 1;
                    return Ok(out);
                }
                b'\n' => return Err(Unsupported),
                b'\\' => {
                    out.push_str(&self.text[start..self.at]);
                    let escape = *self.bytes.get(self.at + 1).ok_or(Unsupported)?;
                    self.at += 2;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'u' => {
                            let hex = self.text.get(self.at..self.at + 4).ok_or(Unsupported)?;
                            let code = u32::from_str_radix(hex, 16).map_err(|_| Unsupported)?;
                            out.push(char::from_u32(code).ok_or(Unsupported)?);
                            self.at += 4;
                        }
                        _ => return Err(Unsupported),
                    }
                    start = self.at;
                }
                _ => self.at += 1,
            }
        }
    }

    /// After the opening `'`.
    fn literal_string(&mut self) -> Result<String, Unsupported> {
        let start = self.at;
        loop {
            match *self.bytes.get(self.at).ok_or(Unsupported)? {
                b'\'' => {
                    let out = self.text[start..self.at].to_owned();
                    self.at += 1;
                    return Ok(out);
                }
                b'\n' => return Err(Unsupported),
                _ => self.at += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lockfile_toml_like_the_toml_crate() {
        let text = "version = 4\n# comment\n\n[[package]]\nname = \"a\\\"b\"\nversion = '1.0'\nsource = { registry = \"https://pypi.org/simple\" }\ndependencies = [\n    { name = \"x\" },\n    { name = \"y\", marker = \"python_version < '3'\" },\n]\nwheels = []\n\n[package.dev-dependencies]\ndev = [\n    { name = \"z\" },\n]\n\n[[package]]\nname = \"c\"\noptional = false\n\n[metadata]\n\"checksum c 1.0\" = \"ab\"\n";
        let fast = parse(text).unwrap();
        let reference: Value = toml::from_str::<toml::Table>(text)
            .map(|table| serde_json::to_value(table).unwrap())
            .unwrap();
        assert_eq!(fast, reference);
        assert_eq!(fast["package"][0]["name"], "a\"b");
        assert_eq!(
            fast["package"][0]["dev-dependencies"]["dev"][0]["name"],
            "z"
        );
    }

    #[test]
    fn agrees_with_the_toml_crate_on_every_toml_fixture() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for file in ["cargo/Cargo.lock", "uv/uv.lock", "poetry/poetry.lock"] {
            let text = std::fs::read_to_string(fixtures.join(file)).unwrap();
            let reference = serde_json::to_value(toml::from_str::<toml::Table>(&text).unwrap());
            assert_eq!(parse(&text).unwrap(), reference.unwrap(), "{file}");
        }
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        for text in [
            "a.b = 1\n",
            "a = 1979-05-27\n",
            "a = 1.5\n",
            "a = \"\"\"x\"\"\"\n",
            "a = 1\na = 2\n",
            "a = [1, 2\n",
            "a = \"unterminated\n",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
