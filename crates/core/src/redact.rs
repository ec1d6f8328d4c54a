//! Redaction of secret-like values. A secret's value never leaves the process: findings
//! carry a short preview that shows its shape (`ghp_…Xq`) and a digest that identifies it.

use sha2::{Digest, Sha256};

/// A preview that reveals at most a structural prefix and two trailing characters, and
/// never more than a quarter of the value. Short values show nothing but their length.
///
/// ```
/// use signoff_core::redact::preview;
/// assert_eq!(preview("ghp_16C7e42F292c6912E7710c838347Ae178B4a"), "ghp_…4a");
/// assert_eq!(preview("hunter2"), "…(7 chars)");
/// ```
pub fn preview(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().filter(|c| !c.is_control()).collect();
    let n = chars.len();
    if n < 12 {
        return format!("…({n} chars)");
    }
    // A prefix ending in a separator within the first 8 characters (`ghp_`, `sk-`,
    // `xoxb-`) is a token type, not secret material; otherwise reveal up to 4 characters.
    let structural = chars
        .iter()
        .take(8)
        .position(|c| matches!(c, '_' | '-' | '.' | ':'))
        .map(|index| index + 1);
    let budget = n / 4;
    let suffix = if n >= 16 { 2 } else { 0 };
    let prefix = structural
        .unwrap_or(4)
        .min(budget.saturating_sub(suffix))
        .min(8);
    let head: String = chars[..prefix].iter().collect();
    let tail: String = chars[n - suffix..].iter().collect();
    format!("{head}…{tail}")
}

/// An identifier of a secret value: `sha256:` and the first 16 hex digits of the SHA-256 of
/// the value with a fixed domain prefix. It tells two findings of the same secret apart from
/// different ones without revealing the value.
pub fn digest(secret: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"signoff-secret-v1\x00");
    hasher.update(secret);
    format!("sha256:{}", hex::encode(&hasher.finalize()[..8]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_keeps_token_type_and_hides_the_rest() {
        let token = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
        let shown = preview(token);
        assert_eq!(shown, "xoxb-…Wx");
        assert!(!shown.contains("123456789012"));
    }

    #[test]
    fn preview_without_separator_reveals_at_most_a_quarter() {
        let key = "AKIAZ3MSJV4WWNKWW5FR";
        let shown = preview(key);
        assert_eq!(shown, "AKI…FR");
        let revealed = shown.chars().filter(|c| *c != '…').count();
        assert!(revealed * 4 <= key.len());
    }

    #[test]
    fn short_values_reveal_nothing() {
        assert_eq!(preview("p4ssw0rd"), "…(8 chars)");
        assert_eq!(preview(""), "…(0 chars)");
    }

    #[test]
    fn preview_drops_control_characters_and_handles_unicode() {
        let shown = preview("\u{1b}[31mпароль-секретный-ключ-123456");
        assert!(!shown.contains('\u{1b}'));
        assert!(shown.ends_with("56"));
    }

    #[test]
    fn digest_is_stable_and_distinct() {
        assert_eq!(digest(b"abc"), digest(b"abc"));
        assert_ne!(digest(b"abc"), digest(b"abd"));
        assert!(digest(b"abc").starts_with("sha256:"));
        assert_eq!(digest(b"abc").len(), "sha256:".len() + 16);
    }
}
