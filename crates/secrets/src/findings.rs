//! Located hits become gate findings: one per secret and path (the fingerprint is the
//! rule, the path and the secret's digest, so it survives line moves), attributed to the
//! oldest commit that introduced it. The secret itself is reduced to a redacted preview
//! and a digest here and goes no further.

use std::collections::HashMap;

use signoff_core::redact::{digest, preview};
use signoff_core::report::Finding;

use crate::rules::Ruleset;
use crate::scan::Located;

/// Builds the findings, deduplicated by fingerprint, in path and line order.
pub fn build(rules: &'static Ruleset, mut located: Vec<Located>) -> Vec<Finding> {
    // Oldest introduction first, so the first of each fingerprint is the one kept.
    located.sort_by(|a, b| (a.order, &a.path, a.hit.line).cmp(&(b.order, &b.path, b.hit.line)));
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut findings = Vec::new();
    for item in located {
        let detector = rules.detector(item.hit.rule);
        let secret_digest = digest(&item.hit.secret);
        let shown_preview = preview_of(&item.hit.secret);
        let mut builder = Finding::new(detector)
            .identity(secret_digest.clone())
            .at(item.path.clone(), u64::from(item.hit.line))
            .message(message(detector.description, &shown_preview, &item))
            .help(help(&item))
            .detail("preview", shown_preview)
            .detail("secret_sha256", secret_digest)
            .detail(
                "entropy",
                (f64::from(item.hit.entropy) * 100.0).round() / 100.0,
            );
        if item.hit.column > 0 {
            builder = builder.column(u64::from(item.hit.column));
            // The report counts bytes; SARIF (and GitHub's code scanning) counts UTF-16
            // code units. Only a line with non-ASCII text before the secret differs.
            if let Some(units) = utf16_column(&item.hit.line_text, item.hit.column)
                .filter(|&units| units != u64::from(item.hit.column))
            {
                builder = builder.detail("column_utf16", units);
            }
        }
        if item.hit.lines > 1 {
            builder = builder.end_line(u64::from(item.hit.line + item.hit.lines - 1));
        }
        if let Some(kind) = item.hit.decoded {
            builder = builder.detail("decoded", kind);
        }
        if item.on_changed_line == Some(false) {
            // Not on a line the range changed (or no longer in its head): a pull request
            // shows it as a file annotation, not on a line of its diff.
            builder = builder.detail("annotate_line", false);
        }
        if let Some(commit) = &item.commit {
            builder = builder
                .commit(commit.id.clone())
                .detail("author", commit.author.clone())
                .detail("author_email", commit.email.clone())
                .detail("date", commit.date.clone());
        }
        let finding = builder.build();
        if seen.insert(finding.fingerprint.clone(), ()).is_none() {
            findings.push(finding);
        }
    }
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.location
                .as_ref()
                .map(|l| (l.path.clone(), l.line.unwrap_or(0)))
                .unwrap_or_default()
        };
        key(a).cmp(&key(b)).then_with(|| a.rule.cmp(&b.rule))
    });
    findings
}

/// The 1-based column in UTF-16 code units of the 1-based byte `column` of `line` (invalid
/// UTF-8 counts one unit per replaced sequence, as an editor shows it).
fn utf16_column(line: &[u8], column: u32) -> Option<u64> {
    let before = line.get(..usize::try_from(column).ok()?.checked_sub(1)?)?;
    Some(String::from_utf8_lossy(before).encode_utf16().count() as u64 + 1)
}

/// A redacted preview: a PEM block shows only its armour line, anything else the shared
/// redaction (token type and two trailing characters at most).
fn preview_of(secret: &[u8]) -> String {
    let text = String::from_utf8_lossy(secret);
    if text.starts_with("-----BEGIN")
        || text.starts_with("---- BEGIN")
        || text.starts_with("PuTTY-User-Key-File")
    {
        let armour = text.split(['\n', '\\']).next().unwrap_or_default();
        return format!("{armour}…");
    }
    preview(&text)
}

fn message(description: &str, preview: &str, item: &Located) -> String {
    let place = match (&item.commit, item.hit.line) {
        (Some(commit), line) if line > 0 => {
            format!("{}:{line} in commit {}", item.path, short(&commit.id))
        }
        (Some(commit), _) => format!("{} in commit {}", item.path, short(&commit.id)),
        (None, line) if line > 0 => format!("{}:{line}", item.path),
        (None, _) => item.path.clone(),
    };
    let decoded = item
        .hit
        .decoded
        .map(|kind| format!(" (inside {kind}-encoded data)"))
        .unwrap_or_default();
    format!("{description} `{preview}` at {place}{decoded}")
}

/// The first 12 characters of a commit id (anything that is not one, unchanged).
pub(crate) fn short(id: &str) -> &str {
    match id.get(..12) {
        Some(prefix) if id.bytes().all(|b| b.is_ascii_hexdigit()) => prefix,
        _ => id,
    }
}

fn help(item: &Located) -> String {
    let history = if item.commit.is_some() {
        " It is in the git history: removing it from the files does not remove it from past commits."
    } else {
        ""
    };
    format!(
        "Revoke and rotate this credential at its provider, then load it from the environment or a secret store.{history} If it is not a secret, add `signoff:allow` on the line, a baseline entry, or a waiver in signoff.yml."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_code_units_before_the_secret() {
        let line = "🔑 ключ = \"tok\"".as_bytes();
        let byte_column = line.iter().position(|&b| b == b't').unwrap() as u32 + 1;
        assert_eq!(byte_column, 18);
        // The key is two units, each Cyrillic letter one, each ASCII character one.
        assert_eq!(utf16_column(line, byte_column), Some(12));
        assert_eq!(utf16_column(b"ascii = tok", 9), Some(9));
        // A broken sequence is one unit (U+FFFD), `(` one, `€` (3 bytes) one.
        assert_eq!(utf16_column(b"\xc3(\xe2\x82\xac = tok", 9), Some(7));
        assert_eq!(utf16_column(b"short", 40), None);
        assert_eq!(utf16_column(b"any", 0), None);
    }
}
