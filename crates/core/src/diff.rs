//! Unified diffs (`git diff`, `diff -u`): the lines a change adds, per new-side path. Only
//! the new side's added lines count; deleted files and removed lines do not (as diff-cover
//! counts). The coverage gate measures patch coverage on them; the secret scan annotates
//! only the lines a pull request changed.

use std::collections::BTreeMap;

/// Why a text is not a whole unified diff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|n| format!("line {n}: ")).unwrap_or_default())]
pub struct DiffError {
    /// 1-based line of the diff, when one line is to blame.
    pub line: Option<usize>,
    pub message: String,
}

/// Added lines per new-side path, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub files: BTreeMap<String, Vec<u32>>,
}

impl Changes {
    /// Added lines in all files.
    pub fn lines(&self) -> usize {
        self.files.values().map(Vec::len).sum()
    }

    /// Whether the change added any line of `path` in `[first, last)`.
    pub fn touches(&self, path: &str, first: u32, last: u32) -> bool {
        self.files.get(path).is_some_and(|lines| {
            let at = lines.partition_point(|&line| line < first);
            lines.get(at).is_some_and(|&line| line < last)
        })
    }
}

/// Parses a unified diff (`git diff`, `diff -u`), any number of context lines.
pub fn parse(text: &[u8]) -> Result<Changes, DiffError> {
    let error = |line: usize, message: String| DiffError {
        line: Some(line),
        message,
    };
    let mut changes = Changes::default();
    let mut current: Option<String> = None;
    let mut old_left = 0u64;
    let mut new_left = 0u64;
    let mut next_line = 0u32;
    let mut saw_header = false;
    for (index, raw) in text.split(|b| *b == b'\n').enumerate() {
        let number = index + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if old_left > 0 || new_left > 0 {
            match line.first() {
                Some(b'+') => {
                    if let Some(path) = &current {
                        changes
                            .files
                            .entry(path.clone())
                            .or_default()
                            .push(next_line);
                    }
                    next_line = next_line.saturating_add(1);
                    new_left = new_left.saturating_sub(1);
                }
                Some(b'-') => old_left = old_left.saturating_sub(1),
                Some(b'\\') => {}
                // A context line (an empty line is a context line some editors stripped).
                Some(b' ') | None => {
                    next_line = next_line.saturating_add(1);
                    old_left = old_left.saturating_sub(1);
                    new_left = new_left.saturating_sub(1);
                }
                Some(_) => {
                    return Err(error(
                        number,
                        "the hunk ends before its line counts say it should".into(),
                    ));
                }
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix(b"+++ ") {
            saw_header = true;
            let path = unquote(strip_timestamp(rest));
            current = if path == "/dev/null" {
                None
            } else {
                Some(strip_side(&path).to_owned())
            };
        } else if line.starts_with(b"@@ ") {
            let (old, new, start) = hunk_header(line).ok_or_else(|| {
                error(
                    number,
                    format!("`{}` is not a hunk header", String::from_utf8_lossy(line)),
                )
            })?;
            if current.is_none() && !saw_header {
                return Err(error(number, "a hunk before any `+++` file header".into()));
            }
            old_left = old;
            new_left = new;
            next_line = start;
        }
    }
    if old_left > 0 || new_left > 0 {
        return Err(DiffError {
            line: None,
            message: "the diff ends inside a hunk (it was cut short)".into(),
        });
    }
    if !saw_header && !text.iter().all(u8::is_ascii_whitespace) {
        return Err(DiffError {
            line: None,
            message: "no `+++ b/<path>` file header: this is not a unified diff".into(),
        });
    }
    for lines in changes.files.values_mut() {
        lines.sort_unstable();
        lines.dedup();
    }
    Ok(changes)
}

/// `@@ -a,b +c,d @@` → (b, d, c); a missing count is 1.
fn hunk_header(line: &[u8]) -> Option<(u64, u64, u32)> {
    let text = std::str::from_utf8(line).ok()?;
    let inner = text.strip_prefix("@@ ")?;
    let end = inner.find(" @@")?;
    let mut parts = inner[..end].split(' ');
    let old = parts.next()?.strip_prefix('-')?;
    let new = parts.next()?.strip_prefix('+')?;
    let range = |s: &str| -> Option<(u64, u64)> {
        match s.split_once(',') {
            Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
            None => Some((s.parse().ok()?, 1)),
        }
    };
    let (_, old_count) = range(old)?;
    let (new_start, new_count) = range(new)?;
    Some((old_count, new_count, u32::try_from(new_start).ok()?))
}

fn strip_timestamp(rest: &[u8]) -> &[u8] {
    // `diff -u` writes `+++ path\t2026-01-01 ...`.
    match rest.iter().position(|&b| b == b'\t') {
        Some(tab) if !rest.starts_with(b"\"") => &rest[..tab],
        _ => rest,
    }
}

fn strip_side(path: &str) -> &str {
    path.strip_prefix("b/").unwrap_or(path)
}

/// Git quotes unusual paths C-style: `"b/caf\303\251.c"`.
fn unquote(raw: &[u8]) -> String {
    let Some(inner) = raw.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) else {
        return String::from_utf8_lossy(raw).trim_end().to_owned();
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == b'\\' && i + 1 < inner.len() {
            let c = inner[i + 1];
            if c.is_ascii_digit() && i + 3 < inner.len() + 1 && inner.len() >= i + 4 {
                let octal = &inner[i + 1..i + 4];
                if let Some(v) = std::str::from_utf8(octal)
                    .ok()
                    .and_then(|s| u8::from_str_radix(s, 8).ok())
                {
                    out.push(v);
                    i += 4;
                    continue;
                }
            }
            out.push(match c {
                b'n' => b'\n',
                b't' => b'\t',
                b'r' => b'\r',
                other => other,
            });
            i += 2;
        } else {
            out.push(inner[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_of_each_new_file() {
        let text = b"diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,4 @@\n ctx\n-old\n+new1\n+new2\n ctx\n@@ -10 +11 @@\n-x\n+y\n\\ No newline at end of file\n\
diff --git a/gone.c b/gone.c\n--- a/gone.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n\
--- \"a/caf\\303\\251.c\"\n+++ \"b/caf\\303\\251.c\"\n@@ -0,0 +1,2 @@\n+++x\n+--y\n";
        let changes = parse(text).unwrap();
        assert_eq!(changes.files["a.c"], vec![2, 3, 11]);
        assert_eq!(changes.files["café.c"], vec![1, 2]);
        assert!(!changes.files.contains_key("gone.c"));
        assert_eq!(changes.lines(), 5);
        assert!(changes.touches("a.c", 3, 5) && changes.touches("a.c", 11, 12));
        assert!(!changes.touches("a.c", 4, 11) && !changes.touches("b.c", 1, 99));
    }

    #[test]
    fn cut_or_foreign_input_is_an_error() {
        let error = parse(b"--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n x\n").unwrap_err();
        assert!(error.to_string().contains("cut short"), "{error}");
        let error = parse(b"just some text\n").unwrap_err();
        assert!(error.to_string().contains("not a unified diff"), "{error}");
        assert_eq!(parse(b"").unwrap(), Changes::default());
    }
}
