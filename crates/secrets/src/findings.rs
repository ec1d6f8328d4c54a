//! Located hits become gate findings: one per secret value and path, listing every line
//! it sits on, under the most specific rule that found it (a provider's rule over a
//! context rule), attributed to the oldest commit that introduced it. Each finding
//! carries its kind and its path's context, and gets its severity from the rule, the
//! policy's `kinds` and `contexts`. The secret itself is reduced to a redacted preview and
//! a digest here and goes no further.

use std::collections::HashMap;

use signoff_core::policy::{PathContext, SecretKind, SecretScanPolicy};
use signoff_core::redact::{digest, preview};
use signoff_core::report::{Finding, Severity};

use crate::paths::{self, Context};
use crate::rules::{Kind, Ruleset};
use crate::scan::Located;

/// The findings, and how many each context's policy left out (`skip`).
#[derive(Debug, Default)]
pub struct Built {
    pub findings: Vec<Finding>,
    pub skipped: Vec<(Context, u64)>,
}

/// A value at a path: the hit kept, the secret's digest, and every (line, column).
type Group = (Located, String, Vec<(u32, u32)>);

/// Builds the findings, one per value and path, in path and line order.
pub fn build(
    rules: &'static Ruleset,
    policy: &SecretScanPolicy,
    mut located: Vec<Located>,
) -> Built {
    // Oldest introduction first, then the most specific rule, so the first of each value
    // and path is the one kept.
    located.sort_by(|a, b| {
        let rank = |l: &Located| specificity(rules, &l.hit);
        (a.order, &a.path, rank(a), a.hit.line).cmp(&(b.order, &b.path, rank(b), b.hit.line))
    });
    let mut groups: HashMap<(String, String), usize> = HashMap::new();
    // Each value once per path: where it was first found, its digest and every place.
    let mut kept: Vec<Group> = Vec::new();
    for item in located {
        let secret_digest = digest(&item.hit.secret);
        let key = (item.path.clone(), secret_digest.clone());
        let place = (item.hit.line, item.hit.column);
        match groups.get(&key) {
            Some(&index) => {
                let places = &mut kept[index].2;
                if !places.contains(&place) {
                    places.push(place);
                }
            }
            None => {
                groups.insert(key, kept.len());
                kept.push((item, secret_digest, vec![place]));
            }
        }
    }
    let mut built = Built::default();
    let mut skipped: HashMap<Context, u64> = HashMap::new();
    for (item, secret_digest, mut places) in kept {
        let detector = rules.detector(item.hit.rule);
        let context = paths::context(&item.path);
        let mut severity = policy
            .kinds
            .get(&policy_kind(detector.kind))
            .copied()
            .unwrap_or(detector.severity);
        if let Some(context) = context {
            match policy.context_rule(policy_context(context)).apply(severity) {
                Some(judged) => severity = judged,
                None => {
                    *skipped.entry(context).or_default() += 1;
                    continue;
                }
            }
        }
        places.sort_unstable();
        built.findings.push(finding(
            detector,
            &item,
            secret_digest,
            severity,
            context,
            &places,
        ));
    }
    built.findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.location
                .as_ref()
                .map(|l| (l.path.clone(), l.line.unwrap_or(0)))
                .unwrap_or_default()
        };
        key(a).cmp(&key(b)).then_with(|| a.rule.cmp(&b.rule))
    });
    built.skipped = Context::ALL
        .into_iter()
        .filter_map(|c| skipped.get(&c).map(|&n| (c, n)))
        .collect();
    built
}

/// Lower is more specific: a private key, a provider's token, the team's own rule, then
/// what was found by context. Between two providers whose tokens look alike (Stripe's and
/// Clerk's `sk_live_…`), the one the line names wins, then the first rule.
fn specificity(rules: &Ruleset, hit: &crate::engine::Hit) -> (u8, bool, u16) {
    let detector = rules.detector(hit.rule);
    let rank = match detector.kind {
        Kind::PrivateKey => 0,
        Kind::ProviderToken => 1,
        Kind::Custom => 2,
        Kind::GenericSecret => 3,
        Kind::HardcodedCredential => 4,
    };
    let provider = detector.id.split('-').next().unwrap_or(detector.id);
    let named = hit.line_text.len() < 4096
        && memchr::memmem::find(&hit.line_text.to_ascii_lowercase(), provider.as_bytes()).is_some();
    (rank, !named, hit.rule)
}

fn policy_kind(kind: Kind) -> SecretKind {
    match kind {
        Kind::PrivateKey => SecretKind::PrivateKey,
        Kind::ProviderToken => SecretKind::ProviderToken,
        Kind::GenericSecret => SecretKind::GenericSecret,
        Kind::HardcodedCredential => SecretKind::HardcodedCredential,
        Kind::Custom => SecretKind::Custom,
    }
}

fn policy_context(context: Context) -> PathContext {
    match context {
        Context::Test => PathContext::Test,
        Context::Fixture => PathContext::Fixture,
        Context::Example => PathContext::Example,
        Context::Docs => PathContext::Docs,
        Context::Vendor => PathContext::Vendor,
    }
}

fn finding(
    detector: &'static crate::rules::Detector,
    item: &Located,
    secret_digest: String,
    severity: Severity,
    context: Option<Context>,
    places: &[(u32, u32)],
) -> Finding {
    let shown_preview = preview_of(&item.hit.secret);
    let mut builder = Finding::new(detector)
        .severity(severity)
        .identity(secret_digest.clone())
        .at(item.path.clone(), u64::from(item.hit.line))
        .message(message(
            detector.description,
            &shown_preview,
            item,
            places.len(),
        ))
        .help(help(item, detector.kind))
        .detail("kind", detector.kind.id())
        .detail("preview", shown_preview)
        .detail("secret_sha256", secret_digest)
        .detail(
            "entropy",
            (f64::from(item.hit.entropy) * 100.0).round() / 100.0,
        );
    if let Some(context) = context {
        builder = builder.detail("context", context.id());
    }
    if places.len() > 1 {
        let lines: Vec<u32> = places.iter().map(|p| p.0).filter(|&l| l > 0).collect();
        builder = builder.detail("lines", lines);
    }
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
    if let Some(head) = item.head_line {
        // History: still in HEAD (annotated on its line there), or only in the past
        // (annotated on the file: the introduction's line number is stale).
        builder = builder.detail("at_head", head.is_some());
        if let Some(line) = head {
            builder = builder.detail("head_line", line);
        }
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
    builder.build()
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

fn message(description: &str, preview: &str, item: &Located, places: usize) -> String {
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
    let more = match places {
        0 | 1 => String::new(),
        2 => " and 1 more place in the file".to_owned(),
        n => format!(" and {} more places in the file", n - 1),
    };
    format!("{description} `{preview}` at {place}{more}{decoded}")
}

/// The first 12 characters of a commit id (anything that is not one, unchanged).
pub(crate) fn short(id: &str) -> &str {
    match id.get(..12) {
        Some(prefix) if id.bytes().all(|b| b.is_ascii_hexdigit()) => prefix,
        _ => id,
    }
}

fn help(item: &Located, kind: Kind) -> String {
    let history = if item.commit.is_some() {
        " It is in the git history: removing it from the files does not remove it from past commits."
    } else {
        ""
    };
    let first = match kind {
        Kind::HardcodedCredential => {
            "Replace the hard-coded password with a reference the deployment fills in (`${DB_PASSWORD}`, a Kubernetes secretKeyRef, a secret store), and change the password wherever this one is in use."
        }
        _ => {
            "Revoke and rotate this credential at its provider, then load it from the environment or a secret store."
        }
    };
    format!(
        "{first}{history} If it is not a secret, add `signoff:allow` on the line, a baseline entry, or a waiver in signoff.yml."
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
