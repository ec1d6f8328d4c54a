//! PEP 440 versions (PyPI), parsed and ordered as the `packaging` library does: epoch,
//! release (trailing zeros ignored), pre-release (`a` < `b` < `rc`, with the spellings
//! `alpha`, `beta`, `c`, `pre`, `preview`), post-release (`.post1`, `-1`, `rev`, `r`),
//! development release, and the local label. Legacy versions are not PEP 440: `None`.

use std::cmp::Ordering;

use super::cmp_digits;

/// A PEP 440 version, kept as its comparison key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pep440 {
    epoch: String,
    release: Vec<String>,
    pre: Option<(u8, String)>,
    post: Option<String>,
    dev: Option<String>,
    local: Vec<Local>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Local {
    Text(String),
    Number(String),
}

impl Ord for Local {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Local::Number(a), Local::Number(b)) => cmp_digits(a, b),
            // A numeric segment sorts after an alphanumeric one.
            (Local::Number(_), Local::Text(_)) => Ordering::Greater,
            (Local::Text(_), Local::Number(_)) => Ordering::Less,
            (Local::Text(a), Local::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Local {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A cursor over the lower-cased version text.
struct Cursor<'a> {
    text: &'a str,
}

impl<'a> Cursor<'a> {
    fn digits(&mut self) -> Option<&'a str> {
        let end = self
            .text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.text.len());
        (end > 0).then(|| {
            let (digits, rest) = self.text.split_at(end);
            self.text = rest;
            digits
        })
    }

    fn separator(&mut self) -> bool {
        match self.text.strip_prefix(['.', '-', '_']) {
            Some(rest) => {
                self.text = rest;
                true
            }
            None => false,
        }
    }

    /// Consumes the longest of `words` at the cursor (after an optional separator).
    fn word(&mut self, words: &[&str]) -> Option<&'static str> {
        let saved = self.text;
        self.separator();
        let mut best: Option<&str> = None;
        for word in words {
            if self.text.starts_with(word) && best.is_none_or(|b| word.len() > b.len()) {
                best = Some(word);
            }
        }
        match best {
            Some(word) => {
                self.text = &self.text[word.len()..];
                Some(canonical(word))
            }
            None => {
                self.text = saved;
                None
            }
        }
    }

    /// An optional number after an optional separator; absent means 0.
    fn number(&mut self) -> String {
        let saved = self.text;
        self.separator();
        match self.digits() {
            Some(digits) => digits.trim_start_matches('0').to_owned(),
            None => {
                self.text = saved;
                String::new()
            }
        }
    }
}

fn canonical(word: &str) -> &'static str {
    match word {
        "a" | "alpha" => "a",
        "b" | "beta" => "b",
        "c" | "rc" | "pre" | "preview" => "rc",
        "post" | "rev" | "r" => "post",
        _ => "dev",
    }
}

impl Pep440 {
    /// Parses a PEP 440 version (case-insensitive, surrounding spaces and a `v` allowed).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_ascii_lowercase();
        let (public, local) = match lower.split_once('+') {
            Some((public, local)) => (public, Some(local)),
            None => (lower.as_str(), None),
        };
        let mut cursor = Cursor {
            text: public.strip_prefix('v').unwrap_or(public),
        };
        let first = cursor.digits()?;
        let (epoch, first) = match cursor.text.strip_prefix('!') {
            Some(rest) => {
                cursor.text = rest;
                (first.trim_start_matches('0').to_owned(), cursor.digits()?)
            }
            None => (String::new(), first),
        };
        let mut release = vec![first.trim_start_matches('0').to_owned()];
        while let Some(rest) = cursor.text.strip_prefix('.') {
            let mut next = Cursor { text: rest };
            match next.digits() {
                Some(digits) => {
                    release.push(digits.trim_start_matches('0').to_owned());
                    cursor.text = next.text;
                }
                None => break,
            }
        }
        while release.len() > 1 && release.last().is_some_and(|r| r.is_empty()) {
            release.pop();
        }
        let pre = cursor
            .word(&["alpha", "beta", "preview", "pre", "rc", "a", "b", "c"])
            .map(|word| {
                let rank = match word {
                    "a" => 0,
                    "b" => 1,
                    _ => 2,
                };
                (rank, cursor.number())
            });
        let post = if cursor.word(&["post", "rev", "r"]).is_some() {
            Some(cursor.number())
        } else if let Some(rest) = cursor
            .text
            .strip_prefix('-')
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        {
            let mut next = Cursor { text: rest };
            let digits = next.digits().unwrap_or_default();
            cursor.text = next.text;
            Some(digits.trim_start_matches('0').to_owned())
        } else {
            None
        };
        let dev = cursor.word(&["dev"]).map(|_| cursor.number());
        if !cursor.text.is_empty() {
            return None;
        }
        let local = match local {
            None => Vec::new(),
            Some(local) => local
                .split(['.', '-', '_'])
                .map(|part| {
                    if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        None
                    } else if part.bytes().all(|b| b.is_ascii_digit()) {
                        Some(Local::Number(part.to_owned()))
                    } else {
                        Some(Local::Text(part.to_owned()))
                    }
                })
                .collect::<Option<Vec<_>>>()?,
        };
        Some(Pep440 {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }
}

/// -inf < value < +inf, as `packaging` orders its optional parts.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Bound<T> {
    Below,
    Value(T),
    Above,
}

struct Digits<'a>(&'a str);

impl PartialEq for Digits<'_> {
    fn eq(&self, other: &Self) -> bool {
        cmp_digits(self.0, other.0).is_eq()
    }
}
impl Eq for Digits<'_> {}
impl PartialOrd for Digits<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Digits<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_digits(self.0, other.0)
    }
}

impl Pep440 {
    fn pre_key(&self) -> Bound<(u8, Digits<'_>)> {
        match (&self.pre, &self.post, &self.dev) {
            // `1.0.dev0` sorts before `1.0a0`.
            (None, None, Some(_)) => Bound::Below,
            (None, _, _) => Bound::Above,
            (Some((rank, n)), _, _) => Bound::Value((*rank, Digits(n))),
        }
    }

    fn post_key(&self) -> Bound<Digits<'_>> {
        self.post
            .as_deref()
            .map_or(Bound::Below, |n| Bound::Value(Digits(n)))
    }

    fn dev_key(&self) -> Bound<Digits<'_>> {
        self.dev
            .as_deref()
            .map_or(Bound::Above, |n| Bound::Value(Digits(n)))
    }
}

impl Ord for Pep440 {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_digits(&self.epoch, &other.epoch)
            .then_with(|| {
                let length = self.release.len().max(other.release.len());
                (0..length)
                    .map(|i| {
                        let a = self.release.get(i).map_or("", String::as_str);
                        let b = other.release.get(i).map_or("", String::as_str);
                        cmp_digits(a, b)
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            })
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            .then_with(|| self.post_key().cmp(&other.post_key()))
            .then_with(|| self.dev_key().cmp(&other.dev_key()))
            .then_with(|| self.local.cmp(&other.local))
    }
}

impl PartialOrd for Pep440 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
