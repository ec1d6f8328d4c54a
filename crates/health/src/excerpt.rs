//! Bounded, redacted excerpts of response bodies and values for the report. A body may
//! echo a request header (an echo endpoint, a debug page) or carry tokens of its own, so
//! every excerpt has the request's secret values and secret-looking fields masked before
//! it is cut to size.

use std::sync::LazyLock;

use regex::Regex;

/// Characters of body shown with a failing assertion.
pub(crate) const BODY_EXCERPT_CHARS: usize = 240;

/// Bytes of the body looked at for an excerpt (redaction runs on all of them, so a secret
/// that starts inside the shown part is masked whole).
const WINDOW_BYTES: usize = 8 * 1024;

/// What replaces a secret.
pub(crate) const MASK: &str = "[redacted]";

static SECRET_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)("[^"]{0,64}(?:pass|secret|token|api[-_]?key|auth|cookie|session|credential|private)[^"]{0,64}"\s*:\s*)"(?:[^"\\]|\\.)*""#,
    )
    .unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
});

static BEARER_OR_JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}|\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
        .unwrap_or_else(|_| Regex::new("$^").unwrap_or_else(|_| unreachable!()))
});

/// The first characters of `body`, with `secrets` and secret-looking fields masked,
/// control characters escaped, and at most `limit` characters.
pub(crate) fn body(body: &[u8], secrets: &[String], limit: usize) -> String {
    let window = body.get(..WINDOW_BYTES).unwrap_or(body);
    let text = String::from_utf8_lossy(window);
    let masked = redact(&text, secrets);
    let mut shown = bounded(&masked, limit);
    if body.len() > window.len() && !shown.ends_with('…') {
        shown.push('…');
    }
    shown
}

/// `text` with every secret value and secret-looking field masked.
pub(crate) fn redact(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    // Longest first, so a secret containing another is masked whole.
    let mut secrets: Vec<&String> = secrets.iter().filter(|s| s.len() >= 4).collect();
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for secret in secrets {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), MASK);
        }
    }
    let text = SECRET_FIELD.replace_all(&text, format!("${{1}}\"{MASK}\""));
    BEARER_OR_JWT.replace_all(&text, MASK).into_owned()
}

/// At most `limit` characters of `text` on one line, with control characters escaped and
/// `…` marking a cut.
pub(crate) fn bounded(text: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        let piece = match c {
            '\n' => "\\n".to_owned(),
            '\r' => "\\r".to_owned(),
            '\t' => "\\t".to_owned(),
            c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
            c => c.to_string(),
        };
        let width = piece.chars().count();
        if count + width > limit {
            out.push('…');
            return out;
        }
        out.push_str(&piece);
        count += width;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_secrets_and_secret_fields_are_masked() {
        let secrets = vec!["s3cr3t-value-123".to_owned()];
        let body = br#"{"echo":"Bearer s3cr3t-value-123","password":"hunter2","api_key":"k-1","status":"down"}"#;
        let shown = super::body(body, &secrets, 500);
        assert!(!shown.contains("s3cr3t-value-123"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("k-1"), "{shown}");
        assert!(shown.contains(r#""status":"down""#), "{shown}");
    }

    #[test]
    fn jwts_and_bearer_tokens_are_masked() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N";
        let shown = redact(
            &format!("token {jwt} and Authorization: Bearer abcdefgh12345678"),
            &[],
        );
        assert!(
            !shown.contains("eyJzdWIi") && !shown.contains("abcdefgh1234"),
            "{shown}"
        );
    }

    #[test]
    fn excerpts_are_bounded_and_on_one_line() {
        let body = "line1\nline2\u{1b}[31m".repeat(1000);
        let shown = super::body(body.as_bytes(), &[], 40);
        assert!(shown.chars().count() <= 41, "{shown}");
        assert!(shown.ends_with('…') && !shown.contains('\n') && !shown.contains('\u{1b}'));
        assert_eq!(super::body(b"\xff\xfeok", &[], 10), "\u{fffd}\u{fffd}ok");
    }

    #[test]
    fn a_secret_cut_by_the_bound_is_still_masked_whole() {
        let secret = "0123456789abcdef0123".to_owned();
        let body = format!("{}{secret}", "x".repeat(30));
        let shown = super::body(body.as_bytes(), std::slice::from_ref(&secret), 35);
        assert!(!shown.contains("01234"), "{shown}");
    }
}
