//! `.gitignore` rules (gitignore(5)), read without compiling them.
//!
//! A gate that walks a whole repository to find a few files asks, for every directory and
//! candidate file, whether git ignores it. Compiling each `.gitignore` into glob-set
//! automata (what the `ignore` crate does) cost a third of a pipeline-gate run on a
//! monorepo with 40 of them, for a few hundred questions. Here a rule is kept as its
//! path segments, most of them a literal or `*.ext`, and matched directly: building costs
//! one pass over the file, and a match is a few byte comparisons.
//!
//! Semantics are git's, as the `ignore` crate implements them:
//! - blank lines and `#` comments are skipped, trailing whitespace is trimmed unless the
//!   last space is escaped (`\ `), `\#` and `\!` start a literal `#` or `!`;
//! - `!` re-includes, and the last rule that matches a path decides;
//! - a trailing `/` matches directories only;
//! - a rule with no other `/` matches the name at any depth, otherwise the path relative
//!   to the `.gitignore`'s directory (a leading `/` only anchors);
//! - `*`, `?` and `[...]` (with `!` or `^` negation and `a-z` ranges) never match `/`; a
//!   `**` segment matches any number of directories, and a trailing `/**` everything
//!   inside (but not the directory itself); `\` escapes the next character.
//!
//! A rule git would ignore a parent of is never asked about: callers walk top-down and do
//! not enter ignored directories, which is how git decides too. Matching is linear in the
//! rule's and the path's length times a small factor (one backtrack point per level),
//! so a hostile `.gitignore` costs time in proportion to its size only.

use std::collections::HashMap;
use std::io;
use std::path::Path;

/// What the rules say about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    /// No rule speaks about it.
    None,
    /// The last rule that matches ignores it.
    Ignore,
    /// The last rule that matches re-includes it (`!pattern`).
    Whitelist,
}

/// The rules of one `.gitignore` (or `.git/info/exclude`), in file order.
#[derive(Debug, Clone, Default)]
pub struct Gitignore {
    rules: Vec<Rule>,
    /// Rules that are a name at any depth (`node_modules`, `dist/`), by that name: most
    /// rules of real files, answered by one lookup. Indices into `rules`, ascending.
    by_name: HashMap<Box<[u8]>, Vec<usize>>,
    /// Rules that are one literal path (`/build`, `docs/_build/`), by that path.
    by_path: HashMap<Box<[u8]>, Vec<usize>>,
    /// The other rules' indices, ascending.
    others: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Rule {
    whitelist: bool,
    dir_only: bool,
    /// Matched against the whole relative path (the pattern held a `/`), or else against
    /// the last component only.
    anchored: bool,
    segments: Vec<Segment>,
    /// Cheap conditions every match meets, tested before the segments: the first and
    /// last byte of what is matched (the name, or the whole path for an anchored rule),
    /// and an anchored rule's number of components when it has no `**`. Most rules of a
    /// real file fail one of these on most paths.
    first: Option<u8>,
    last: Option<u8>,
    depth: Option<usize>,
}

/// One `/`-separated part of a pattern.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// `**`: any number of components, none included.
    AnyDepth,
    /// A component equal to these bytes.
    Literal(Box<[u8]>),
    /// `*` followed by a literal: a component ending in these bytes (`*.log`).
    Suffix(Box<[u8]>),
    /// A literal followed by `*`: a component starting with these bytes (`yarn-error.log*`).
    Prefix(Box<[u8]>),
    /// Anything else, as tokens.
    Glob(Box<[Token]>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Byte(u8),
    /// `?`: one character.
    One,
    /// `*`: any run of characters.
    Star,
    /// `[...]`: one character in (or, negated, not in) these inclusive ranges.
    Class {
        negated: bool,
        ranges: Box<[(char, char)]>,
    },
}

impl Gitignore {
    /// The rules of the file at `path`. Bytes that are not UTF-8 are read as U+FFFD, so a
    /// rule holding them matches nothing real rather than something else.
    pub fn from_file(path: &Path) -> io::Result<Self> {
        Ok(Self::parse(&std::fs::read(path)?))
    }

    /// The rules in `text`, one per line.
    pub fn parse(text: &[u8]) -> Self {
        let text = String::from_utf8_lossy(text);
        let rules: Vec<Rule> = text.lines().filter_map(Rule::parse).collect();
        let mut by_name: HashMap<Box<[u8]>, Vec<usize>> = HashMap::new();
        let mut by_path: HashMap<Box<[u8]>, Vec<usize>> = HashMap::new();
        let mut others = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            let literal: Option<Vec<&[u8]>> = rule
                .segments
                .iter()
                .map(|segment| match segment {
                    Segment::Literal(bytes) => Some(&bytes[..]),
                    _ => None,
                })
                .collect();
            match literal {
                Some(parts) if !rule.anchored && parts.len() == 1 => {
                    by_name.entry(parts[0].into()).or_default().push(index);
                }
                Some(parts) if rule.anchored => {
                    by_path
                        .entry(parts.join(&b'/').into())
                        .or_default()
                        .push(index);
                }
                _ => others.push(index),
            }
        }
        Self {
            rules,
            by_name,
            by_path,
            others,
        }
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        debug_assert_eq!(
            self.rules.len(),
            self.others.len()
                + self.by_name.values().map(Vec::len).sum::<usize>()
                + self.by_path.values().map(Vec::len).sum::<usize>()
        );
        self.rules.is_empty()
    }

    /// What the rules say about `path`, relative to the directory of the `.gitignore`
    /// (`/`-separated, no leading `/`), which is a directory when `is_dir`.
    pub fn matched(&self, path: &str, is_dir: bool) -> Matched {
        let start = path.bytes().position(|b| b != b'/').unwrap_or(path.len());
        let path = &path[start..];
        if path.is_empty() {
            return Matched::None;
        }
        let name = match path.as_bytes().iter().rposition(|&b| b == b'/') {
            Some(slash) => &path[slash + 1..],
            None => path,
        };
        let applies = |index: &&usize| !self.rules[**index].dir_only || is_dir;
        // The last rule that matches decides: the latest by name, then any later other.
        let latest = |map: &HashMap<Box<[u8]>, Vec<usize>>, key: &str| {
            map.get(key.as_bytes())
                .and_then(|indices| indices.iter().rev().find(applies))
                .copied()
        };
        let mut last = latest(&self.by_name, name).max(latest(&self.by_path, path));
        let depth = 1 + path.bytes().filter(|&b| b == b'/').count();
        let ends = |text: &str| (text.bytes().next(), text.bytes().next_back());
        let (name_ends, path_ends) = (ends(name), ends(path));
        for &index in self.others.iter().rev() {
            if last.is_some_and(|last| last > index) {
                break;
            }
            let rule = &self.rules[index];
            let (first, end) = if rule.anchored { path_ends } else { name_ends };
            if !applies(&&index)
                || rule.first.is_some_and(|b| Some(b) != first)
                || rule.last.is_some_and(|b| Some(b) != end)
                || rule.depth.is_some_and(|d| d != depth)
            {
                continue;
            }
            let hit = if rule.anchored {
                match_path(&rule.segments, path)
            } else {
                rule.segments
                    .first()
                    .is_some_and(|segment| segment.matches(name))
            };
            if hit {
                last = Some(index);
                break;
            }
        }
        match last {
            Some(index) if self.rules[index].whitelist => Matched::Whitelist,
            Some(_) => Matched::Ignore,
            None => Matched::None,
        }
    }
}

impl Rule {
    fn parse(line: &str) -> Option<Self> {
        if line.starts_with('#') {
            return None;
        }
        let mut line = if line.ends_with("\\ ") {
            line
        } else {
            line.trim_end()
        };
        if line.is_empty() {
            return None;
        }
        let mut whitelist = false;
        let mut anchored = false;
        if line.starts_with("\\!") || line.starts_with("\\#") {
            line = &line[1..];
        } else if let Some(rest) = line.strip_prefix('!') {
            whitelist = true;
            line = rest;
        }
        if let Some(rest) = line.strip_prefix('/') {
            anchored = true;
            line = rest;
        }
        let mut dir_only = false;
        if let Some(rest) = line.strip_suffix('/') {
            dir_only = true;
            line = rest;
        }
        if line.is_empty() {
            return None;
        }
        anchored |= line.contains('/');
        let mut segments: Vec<Segment> = Vec::new();
        for part in line.split('/') {
            let segment = Segment::parse(part);
            // `a/**/**/b` is `a/**/b`; collapsing keeps matching linear.
            if segment == Segment::AnyDepth && segments.last() == Some(&Segment::AnyDepth) {
                continue;
            }
            segments.push(segment);
        }
        if segments.len() > 1 && segments.last() == Some(&Segment::AnyDepth) {
            // `dir/**` matches what is inside `dir`, not `dir`: one component at least.
            segments.insert(segments.len() - 1, Segment::Glob(Box::new([Token::Star])));
        }
        let first = segments.first().and_then(Segment::first_byte);
        let last = segments.last().and_then(Segment::last_byte);
        let depth = (anchored && !segments.contains(&Segment::AnyDepth)).then_some(segments.len());
        Some(Self {
            whitelist,
            dir_only,
            anchored,
            segments,
            first,
            last,
            depth,
        })
    }
}

impl Segment {
    fn parse(part: &str) -> Self {
        if part == "**" {
            return Self::AnyDepth;
        }
        // Most segments of real files are plain names, `*.ext` or `name*`: no tokens.
        let plain = |text: &str| !text.contains(['*', '?', '[', '\\']);
        if plain(part) {
            return Self::Literal(part.as_bytes().into());
        }
        if let Some(rest) = part.strip_prefix('*').filter(|rest| plain(rest)) {
            return Self::Suffix(rest.as_bytes().into());
        }
        if let Some(rest) = part.strip_suffix('*').filter(|rest| plain(rest)) {
            return Self::Prefix(rest.as_bytes().into());
        }
        let tokens = tokens(part);
        let literal = |tokens: &[Token]| -> Option<Box<[u8]>> {
            tokens
                .iter()
                .map(|token| match token {
                    Token::Byte(byte) => Some(*byte),
                    _ => None,
                })
                .collect()
        };
        if let Some(bytes) = literal(&tokens) {
            return Self::Literal(bytes);
        }
        if let Some((Token::Star, rest)) = tokens.split_first()
            && let Some(bytes) = literal(rest)
        {
            return Self::Suffix(bytes);
        }
        if let Some((Token::Star, rest)) = tokens.split_last()
            && let Some(bytes) = literal(rest)
        {
            return Self::Prefix(bytes);
        }
        Self::Glob(tokens.into())
    }

    /// The byte every component this segment matches starts with, when there is one.
    fn first_byte(&self) -> Option<u8> {
        match self {
            Self::Literal(bytes) | Self::Prefix(bytes) => bytes.first().copied(),
            Self::Glob(tokens) => match tokens.first() {
                Some(Token::Byte(byte)) => Some(*byte),
                _ => None,
            },
            Self::AnyDepth | Self::Suffix(_) => None,
        }
    }

    /// The byte every component this segment matches ends with, when there is one.
    fn last_byte(&self) -> Option<u8> {
        match self {
            Self::Literal(bytes) | Self::Suffix(bytes) => bytes.last().copied(),
            Self::Glob(tokens) => match tokens.last() {
                Some(Token::Byte(byte)) => Some(*byte),
                _ => None,
            },
            Self::AnyDepth | Self::Prefix(_) => None,
        }
    }

    /// Whether one path component matches.
    fn matches(&self, name: &str) -> bool {
        match self {
            Self::AnyDepth => true,
            Self::Literal(bytes) => name.as_bytes() == &bytes[..],
            Self::Suffix(bytes) => name.as_bytes().ends_with(bytes),
            Self::Prefix(bytes) => name.as_bytes().starts_with(bytes),
            Self::Glob(tokens) => match_component(tokens, name),
        }
    }
}

/// The tokens of one segment. Other runs of `*` are one `*` (git: "other consecutive
/// asterisks are considered regular asterisks"); an unclosed `[` is a literal `[`.
fn tokens(part: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<char> = part.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                push_char(&mut out, chars[i + 1]);
                i += 2;
            }
            '*' => {
                if out.last() != Some(&Token::Star) {
                    out.push(Token::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Token::One);
                i += 1;
            }
            '[' => match class(&chars[i + 1..]) {
                Some((token, used)) => {
                    out.push(token);
                    i += 1 + used;
                }
                None => {
                    out.push(Token::Byte(b'['));
                    i += 1;
                }
            },
            c => {
                push_char(&mut out, c);
                i += 1;
            }
        }
    }
    out
}

fn push_char(out: &mut Vec<Token>, c: char) {
    let mut buf = [0; 4];
    out.extend(c.encode_utf8(&mut buf).bytes().map(Token::Byte));
}

/// A character class after its `[`: the token and how many characters it used, `]`
/// included; `None` when it never closes.
fn class(chars: &[char]) -> Option<(Token, usize)> {
    let mut i = 0;
    let negated = matches!(chars.first(), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let mut c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((
                Token::Class {
                    negated,
                    ranges: ranges.into(),
                },
                i + 1,
            ));
        }
        first = false;
        if c == '\\' {
            i += 1;
            c = *chars.get(i)?;
        }
        i += 1;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&end| end != ']') {
            let mut end = chars[i + 1];
            i += 2;
            if end == '\\' {
                end = *chars.get(i)?;
                i += 1;
            }
            ranges.push((c, end));
        } else {
            ranges.push((c, c));
        }
    }
}

/// Whether `name` (one component) matches the tokens: a `*` backtracks to the latest
/// star only, which is enough within one component and keeps this O(tokens × name).
fn match_component(tokens: &[Token], name: &str) -> bool {
    let bytes = name.as_bytes();
    let (mut t, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < bytes.len() {
        if let Some(token) = tokens.get(t) {
            match token {
                Token::Star => {
                    star = Some((t, n));
                    t += 1;
                    continue;
                }
                Token::Byte(byte) if *byte == bytes[n] => {
                    t += 1;
                    n += 1;
                    continue;
                }
                Token::One | Token::Class { .. } => {
                    let c = name[n..].chars().next().unwrap_or_default();
                    let fits = match token {
                        Token::Class { negated, ranges } => {
                            ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
                        }
                        _ => true,
                    };
                    if fits {
                        t += 1;
                        n += c.len_utf8();
                        continue;
                    }
                }
                Token::Byte(_) => {}
            }
        }
        match star {
            Some((star_t, star_n)) => {
                // Let the star take one more character and try again after it.
                let next = star_n + name[star_n..].chars().next().map_or(1, char::len_utf8);
                star = Some((star_t, next));
                t = star_t + 1;
                n = next;
            }
            None => return false,
        }
    }
    tokens[t..].iter().all(|token| *token == Token::Star)
}

/// The `/`-separated components of a path (split on bytes: a `char` pattern's searcher
/// was most of a match's cost).
fn components(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(path);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == b'/') {
            Some(slash) => {
                rest = Some(&current[slash + 1..]);
                Some(&current[..slash])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Whether a relative path matches an anchored rule's segments: the same one-backtrack
/// scheme, with `**` as the star and a component as the character.
fn match_path(segments: &[Segment], path: &str) -> bool {
    if !segments.contains(&Segment::AnyDepth) {
        // One segment per component: no backtracking.
        let mut parts = components(path);
        return segments
            .iter()
            .all(|segment| parts.next().is_some_and(|part| segment.matches(part)))
            && parts.next().is_none();
    }
    // Components are addressed by their byte offset, so nothing is allocated per question.
    let (mut s, mut at) = (0, Some(0));
    let mut star: Option<(usize, usize)> = None;
    while let Some(start) = at {
        let (part, next) = component(path, start);
        match segments.get(s) {
            Some(Segment::AnyDepth) => {
                star = Some((s, start));
                s += 1;
                continue;
            }
            Some(segment) if segment.matches(part) => {
                s += 1;
                at = next;
                continue;
            }
            _ => {}
        }
        match star {
            Some((star_s, star_at)) => {
                // Let the `**` take one more component and try again after it.
                let after = component(path, star_at).1;
                if let Some(after) = after {
                    star = Some((star_s, after));
                }
                s = star_s + 1;
                at = after;
            }
            None => return false,
        }
    }
    segments[s..]
        .iter()
        .all(|segment| *segment == Segment::AnyDepth)
}

/// The component of `path` that starts at byte `start`, and where the next one starts.
fn component(path: &str, start: usize) -> (&str, Option<usize>) {
    let rest = &path[start..];
    match rest.bytes().position(|b| b == b'/') {
        Some(slash) => (&rest[..slash], Some(start + slash + 1)),
        None => (rest, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rules: &str, path: &str, is_dir: bool) -> Matched {
        Gitignore::parse(rules.as_bytes()).matched(path, is_dir)
    }

    #[test]
    fn names_match_at_any_depth_and_paths_from_the_file() {
        assert_eq!(check("dist", "a/b/dist", true), Matched::Ignore);
        assert_eq!(check("*.log", "a/x.log", false), Matched::Ignore);
        assert_eq!(check("/dist", "a/dist", true), Matched::None);
        assert_eq!(check("/dist", "dist", true), Matched::Ignore);
        assert_eq!(check("doc/frotz", "doc/frotz", false), Matched::Ignore);
        assert_eq!(check("doc/frotz", "a/doc/frotz", false), Matched::None);
        assert_eq!(check("build/", "build", false), Matched::None);
        assert_eq!(check("build/", "build", true), Matched::Ignore);
    }

    #[test]
    fn the_last_rule_that_matches_decides() {
        let rules = "*.json\n!package.json\n";
        assert_eq!(check(rules, "package.json", false), Matched::Whitelist);
        assert_eq!(check(rules, "tsconfig.json", false), Matched::Ignore);
        assert_eq!(check("!a\na", "a", false), Matched::Ignore);
    }

    #[test]
    fn double_stars_span_directories() {
        assert_eq!(check("**/foo", "foo", false), Matched::Ignore);
        assert_eq!(check("**/foo", "a/b/foo", false), Matched::Ignore);
        assert_eq!(check("a/**/b", "a/b", false), Matched::Ignore);
        assert_eq!(check("a/**/b", "a/x/y/b", false), Matched::Ignore);
        assert_eq!(check("a/**", "a", true), Matched::None);
        assert_eq!(check("a/**", "a/x/y", false), Matched::Ignore);
        assert_eq!(check("a/*", "a/x/y", false), Matched::None);
        // The `**` gives back what it took when a later segment needs it.
        assert_eq!(check("a/**/b/c", "a/b/x/b/c", false), Matched::Ignore);
        assert_eq!(check("a/**/b/c", "a/b/x/b/d", false), Matched::None);
        assert_eq!(
            check("src/**/*.d.ts", "src/x/y/t.d.ts", false),
            Matched::Ignore
        );
        assert_eq!(check("**/a/**", "x/a", true), Matched::None);
        assert_eq!(check("**/a/**", "x/a/y", false), Matched::Ignore);
    }

    #[test]
    fn wildcards_classes_and_escapes() {
        assert_eq!(check("f?o", "fao", false), Matched::Ignore);
        assert_eq!(check("f?o", "f/o", false), Matched::None);
        assert_eq!(check("[a-c]x", "bx", false), Matched::Ignore);
        assert_eq!(check("[!a-c]x", "bx", false), Matched::None);
        assert_eq!(check("[]]x", "]x", false), Matched::Ignore);
        assert_eq!(check("\\#x", "#x", false), Matched::Ignore);
        assert_eq!(check("\\!x", "!x", false), Matched::Ignore);
        assert_eq!(check("a\\ ", "a ", false), Matched::Ignore);
        assert_eq!(check("a  ", "a", false), Matched::Ignore);
        assert_eq!(check("# a", "# a", false), Matched::None);
        assert_eq!(check("é?", "éü", false), Matched::Ignore);
        assert_eq!(check("*a*b*c", "xxaxxbxxc", false), Matched::Ignore);
        assert_eq!(check("*a*b*c", "xxaxxbxx", false), Matched::None);
        assert_eq!(check("[ab", "[ab", false), Matched::Ignore);
    }

    #[test]
    fn hostile_rules_stay_linear() {
        let rule = format!("{}x\n", "*a".repeat(2000));
        let name = "a".repeat(4000);
        assert_eq!(check(&rule, &name, false), Matched::None);
        let deep = format!("{}x\n", "**/a/".repeat(500));
        let path = vec!["a"; 2000].join("/");
        assert_eq!(check(&deep, &path, false), Matched::None);
    }
}
