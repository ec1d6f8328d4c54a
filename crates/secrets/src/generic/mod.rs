//! The context rule: credentials assigned to a credential's name in any language or
//! configuration format (`syntax.rs` finds the pairs, `key.rs` judges the name,
//! `value.rs` the value). One analysis yields three rules' findings: a random-looking
//! value is a `generic-secret`, a word-like one under a password's or secret's name a
//! `hardcoded-password`, and a crypt/bcrypt/LDAP hash a `password-hash`.

pub mod key;
pub mod lex;
pub mod syntax;
pub mod value;

pub use value::Strength;

/// A credential value found by context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub strength: Strength,
    /// The value's span.
    pub value: (usize, usize),
    /// From the name to the end of the value.
    pub whole: (usize, usize),
    /// Unquoted: a literal in configuration syntax only.
    pub bare: bool,
    /// The default of a `${VAR:-default}` fallback: what runs wherever `VAR` is unset.
    pub fallback: bool,
}

/// Longest line analysed for weak values; longer lines are minified code or data, where
/// only quoted random-looking values count.
const LONG_LINE: usize = 1000;

/// Whether a line is a comment in the usual syntaxes (`#`, `//`, `;`, `/*`, `<!--`); a
/// line starting `--` is a command-line flag as often as a SQL comment.
fn is_comment(line: &[u8]) -> bool {
    let line = line.trim_ascii_start();
    [&b"#"[..], b"//", b";", b"/*", b"<!--"]
        .iter()
        .any(|marker| line.starts_with(marker))
        && !line.starts_with(b"#!")
}

/// Whether `value` repeats the name its line gives it, in any case and with any
/// separators (`ACCESS_TOKEN_SECRET=access_token_secret`, `OIDC_CLIENT_SECRET='OIDCClientSecret'`):
/// a placeholder that says which setting goes there. A one-word name is left out:
/// `password: password` is the weakest password there is.
fn names_itself(from_name: &[u8], value: &[u8]) -> bool {
    // `"name": …`, `$name = …`, `'NAME' => …`
    let skip = from_name
        .iter()
        .take(2)
        .take_while(|b| matches!(b, b'"' | b'\'' | b'$' | b'@' | b':'))
        .count();
    let from_name = &from_name[skip..];
    let name_len = from_name
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
        .unwrap_or(from_name.len());
    let name = &from_name[..name_len];
    let words = name
        .iter()
        .filter(|b| matches!(b, b'_' | b'-' | b'.'))
        .count()
        + name
            .windows(2)
            .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
            .count();
    if words == 0 {
        return false;
    }
    let letters = |text: &[u8]| -> Vec<u8> {
        text.iter()
            .filter(|b| b.is_ascii_alphanumeric())
            .map(u8::to_ascii_lowercase)
            .collect()
    };
    let name = letters(name);
    !name.is_empty() && name == letters(value)
}

/// The credential values on the lines that start in `data[start..end]`.
pub fn find(data: &[u8], start: usize, end: usize, out: &mut Vec<Found>) {
    let mut at = start;
    let mut pairs = Vec::new();
    while at < end.min(data.len()) {
        let line_end = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |i| at + i);
        let content_end = if line_end > at && data[line_end - 1] == b'\r' {
            line_end - 1
        } else {
            line_end
        };
        let long = content_end - at > LONG_LINE;
        let comment = is_comment(&data[at..content_end]);
        pairs.clear();
        syntax::pairs(data, at, content_end, &mut pairs);
        for pair in &pairs {
            let raw = &data[pair.value.0..pair.value.1];
            let Some(judged) = value::judge(raw, pair.class, pair.quoted, pair.base64) else {
                continue;
            };
            let strength = judged.strength;
            let span = (pair.value.0 + judged.span.0, pair.value.0 + judged.span.1);
            if names_itself(&data[pair.whole.0..], &data[span.0..span.1]) {
                continue;
            }
            let fallback = raw.starts_with(b"${") && judged.span.0 > 2;
            if long && (strength != Strength::Random || !pair.quoted) {
                continue;
            }
            // A commented-out setting (`# password: firstpass`) documents where a value
            // goes; a generated key pasted into a comment is still one.
            if comment && strength != Strength::Random {
                continue;
            }
            out.push(Found {
                strength,
                value: span,
                whole: pair.whole,
                bare: pair.bare,
                fallback,
            });
        }
        at = line_end + 1;
    }
}

#[cfg(test)]
mod tests;
