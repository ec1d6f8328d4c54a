//! Maven version order (the POM reference's "Version Order Specification", as Maven's
//! `ComparableVersion` implements it and OSV's Maven ecosystem ports it): tokens split on
//! `.`, `-` and digit/letter transitions; `alpha` < `beta` < `milestone` < `rc` = `cr` <
//! `snapshot` < `` = `ga` = `final` = `release` < `sp`, unknown qualifiers after them in
//! lexical order; trailing zeros and empty qualifiers dropped per `-` sub-list.

use std::cmp::Ordering;

use super::cmp_digits;

/// Trimmed from the end of each `-` sub-list.
const TO_TRIM: &[&str] = &["0", "", "final", "ga"];
/// Known qualifiers, lowest first; anything else sorts after them.
const KEYWORDS: &[&str] = &["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    prefix: char,
    value: String,
    /// Padding added when the other version is longer.
    null: bool,
}

impl Token {
    fn is_digit(&self) -> bool {
        !self.value.is_empty() && self.value.bytes().all(|b| b.is_ascii_digit())
    }

    fn order(&self) -> u8 {
        match (self.is_digit(), self.prefix) {
            (true, '-') => 2,
            (true, _) => 3,
            (false, '-') => 1,
            (false, _) => 0,
        }
    }

    fn same(&self, other: &Token) -> bool {
        self.prefix == other.prefix && self.value == other.value
    }

    fn less(&self, other: &Token) -> bool {
        if self.prefix != other.prefix {
            return self.order() < other.order();
        }
        if self.is_digit() && other.is_digit() {
            return cmp_digits(&self.value, &other.value).is_lt();
        }
        if self.is_digit() && !self.null {
            return false;
        }
        if other.is_digit() && !other.null {
            return true;
        }
        let index = |v: &str| {
            KEYWORDS
                .iter()
                .position(|k| *k == v)
                .unwrap_or(KEYWORDS.len())
        };
        let (left, right) = (index(&self.value), index(&other.value));
        if left == KEYWORDS.len() && right == KEYWORDS.len() {
            return self.value < other.value;
        }
        left < right
    }
}

/// A Maven version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Maven {
    tokens: Vec<Token>,
}

impl Maven {
    /// Parses any non-empty version string (Maven accepts every string as a version).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        if text.is_empty() || text.chars().any(char::is_whitespace) {
            return None;
        }
        let mut tokens = Vec::new();
        let mut prefix = '\0';
        for segment in split_keep(text) {
            let (separator, segment) = segment;
            if let Some(separator) = separator {
                prefix = separator;
            }
            let pieces = transitions(segment);
            let count = pieces.len();
            for (j, piece) in pieces.into_iter().enumerate() {
                let prefix = if j > 0 { '-' } else { prefix };
                let mut value = piece.to_lowercase();
                if value.is_empty() {
                    value = "0".into();
                }
                if value == "cr" {
                    value = "rc".into();
                }
                if matches!(value.as_str(), "ga" | "final" | "release") {
                    value.clear();
                }
                if j + 1 < count {
                    match value.as_str() {
                        "a" => value = "alpha".into(),
                        "b" => value = "beta".into(),
                        "m" => value = "milestone".into(),
                        _ => {}
                    }
                }
                if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                    let trimmed = value.trim_start_matches('0');
                    value = if trimmed.is_empty() {
                        "0".into()
                    } else {
                        trimmed.into()
                    };
                }
                tokens.push(Token {
                    prefix,
                    value,
                    null: false,
                });
            }
        }
        trim(&mut tokens);
        Some(Maven { tokens })
    }
}

/// Splits on `-` and `.`, keeping which separator came before each segment.
fn split_keep(text: &str) -> Vec<(Option<char>, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut separator = None;
    for (index, c) in text.char_indices() {
        if c == '-' || c == '.' {
            out.push((separator, &text[start..index]));
            separator = Some(c);
            start = index + 1;
        }
    }
    out.push((separator, &text[start..]));
    out
}

/// Splits a segment where digits meet non-digits (`1a1` → `1`, `a`, `1`).
fn transitions(segment: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut previous: Option<bool> = None;
    for (index, c) in segment.char_indices() {
        let digit = c.is_ascii_digit();
        if previous.is_some_and(|p| p != digit) {
            out.push(&segment[start..index]);
            start = index;
        }
        previous = Some(digit);
    }
    out.push(&segment[start..]);
    out
}

/// Drops trailing zeros and empty qualifiers from the end of each `-` sub-list.
fn trim(tokens: &mut Vec<Token>) {
    let mut i = tokens.len() as isize - 1;
    while i > 0 {
        let index = i as usize;
        if TO_TRIM.contains(&tokens[index].value.as_str()) {
            tokens.remove(index);
            i -= 1;
            continue;
        }
        while i >= 0 && tokens[i as usize].prefix != '-' {
            i -= 1;
        }
        i -= 1;
    }
}

fn padding(like: &Token) -> Token {
    if like.prefix == '-' {
        Token {
            prefix: '-',
            value: String::new(),
            null: true,
        }
    } else {
        Token {
            prefix: '.',
            value: "0".into(),
            null: true,
        }
    }
}

impl Ord for Maven {
    fn cmp(&self, other: &Self) -> Ordering {
        let length = self.tokens.len().max(other.tokens.len());
        for i in 0..length {
            let (left, right) = match (self.tokens.get(i), other.tokens.get(i)) {
                (Some(l), Some(r)) => (l.clone(), r.clone()),
                (None, Some(r)) => (padding(r), r.clone()),
                (Some(l), None) => (l.clone(), padding(l)),
                (None, None) => break,
            };
            if left.same(&right) {
                continue;
            }
            return if left.less(&right) {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        Ordering::Equal
    }
}

impl PartialOrd for Maven {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Maven {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for token in &self.tokens {
            if token.prefix != '\0' {
                write!(f, "{}", token.prefix)?;
            }
            f.write_str(&token.value)?;
        }
        Ok(())
    }
}
