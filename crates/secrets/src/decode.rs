//! Encoded payloads inside a file: base64 (standard and URL-safe), hex and percent-encoded
//! runs that decode to text. The scanner scans the decoded text again, to a bounded depth,
//! and reports hits at the encoded run's position.

use base64::Engine as _;

/// Shortest base64 run worth decoding (18 decoded bytes).
const MIN_BASE64: usize = 24;
/// Shortest hex run worth decoding (16 decoded bytes).
const MIN_HEX: usize = 32;
/// Longest run decoded; longer runs are data, not configuration.
const MAX_RUN: usize = 256 * 1024;
/// Most payloads decoded per file, so a hostile file cannot make the scan quadratic.
const MAX_PAYLOADS: usize = 4096;

/// A decoded payload.
pub struct Payload {
    pub start: usize,
    pub end: usize,
    pub kind: &'static str,
    pub decoded: Vec<u8>,
}

const fn table(extra: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric();
        c += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
}

static BASE64: [bool; 256] = table(b"+/-_");

/// Whether decoded bytes are text worth scanning: printable ASCII or whitespace, with no
/// more than 2% of anything else (a UTF-8 letter here and there).
fn is_text(bytes: &[u8]) -> bool {
    if bytes.len() < 12 {
        return false;
    }
    let odd = bytes
        .iter()
        .filter(|&&b| {
            !(b.is_ascii_graphic() || b == b' ' || b == b'\n' || b == b'\r' || b == b'\t')
        })
        .count();
    odd * 50 <= bytes.len()
}

fn decode_base64(run: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = run
        .strip_suffix(b"==")
        .or_else(|| run.strip_suffix(b"="))
        .unwrap_or(run);
    if trimmed.contains(&b'=') {
        return None;
    }
    let url = trimmed.iter().any(|&b| b == b'-' || b == b'_');
    let standard = trimmed.iter().any(|&b| b == b'+' || b == b'/');
    if url && standard {
        return None;
    }
    let engine = if url {
        &URL_SAFE_NO_PAD
    } else {
        &STANDARD_NO_PAD
    };
    // Decode a prefix first: most runs (hashes, identifiers) are not text, and this says so
    // without decoding the whole run.
    let probe = &trimmed[..trimmed.len().min(64) / 4 * 4];
    if !is_text(&engine.decode(probe).ok()?) {
        return None;
    }
    let decoded = engine.decode(trimmed).ok()?;
    is_text(&decoded).then_some(decoded)
}

fn decode_hex(run: &[u8]) -> Option<Vec<u8>> {
    if !run.len().is_multiple_of(2) || run.len() < MIN_HEX || !run.iter().all(u8::is_ascii_hexdigit)
    {
        return None;
    }
    let decoded = hex::decode(run).ok()?;
    is_text(&decoded).then_some(decoded)
}

fn decode_percent(run: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(run.len());
    let mut escapes = 0;
    let mut i = 0;
    while i < run.len() {
        if run[i] == b'%'
            && i + 2 < run.len()
            && let (Some(h), Some(l)) = (hex_digit(run[i + 1]), hex_digit(run[i + 2]))
        {
            out.push(h * 16 + l);
            escapes += 1;
            i += 3;
            continue;
        }
        out.push(if run[i] == b'+' { b' ' } else { run[i] });
        i += 1;
    }
    (escapes >= 2 && is_text(&out)).then_some(out)
}

/// How many `%XX` escapes a run holds (printf's `%s` and `%d` are not escapes).
fn escapes(run: &[u8]) -> usize {
    run.windows(3)
        .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
        .count()
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Every encoded payload in `data` that decodes to text.
pub fn payloads(data: &[u8]) -> Vec<Payload> {
    let mut found = Vec::new();
    let mut i = 0;
    let n = data.len();
    // A run of MIN_BASE64 or more covers at least one position that is a multiple of
    // MIN_BASE64 / 2, so look only there and grow runs from the positions that hit.
    const STRIDE: usize = MIN_BASE64 / 2;
    while i < n && found.len() < MAX_PAYLOADS {
        if !BASE64[data[i] as usize] {
            i += STRIDE - i % STRIDE;
            continue;
        }
        let mut start = i;
        while start > 0 && BASE64[data[start - 1] as usize] {
            start -= 1;
        }
        while i < n && BASE64[data[i] as usize] {
            i += 1;
        }
        // `=` only as trailing padding, so `key=value` splits into its parts.
        let mut padding = 0;
        while i < n && data[i] == b'=' && padding < 2 {
            i += 1;
            padding += 1;
        }
        let run = &data[start..i];
        if run.len() < MIN_BASE64 || run.len() > MAX_RUN {
            continue;
        }
        if let Some(decoded) = decode_hex(run) {
            found.push(Payload {
                start,
                end: i,
                kind: "hex",
                decoded,
            });
        } else if let Some(decoded) = decode_base64(run) {
            found.push(Payload {
                start,
                end: i,
                kind: "base64",
                decoded,
            });
        }
    }
    // Percent-encoding: runs of URL characters with escapes in them.
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'%', &data[from..]) {
        if found.len() >= MAX_PAYLOADS {
            break;
        }
        let at = from + at;
        let is_url =
            |b: u8| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>');
        let start = data[..at]
            .iter()
            .rposition(|&b| !is_url(b))
            .map_or(0, |p| p + 1);
        let end = data[at..]
            .iter()
            .position(|&b| !is_url(b))
            .map_or(n, |p| at + p);
        if end - start <= MAX_RUN
            && escapes(&data[start..end]) >= 2
            && let Some(decoded) = decode_percent(&data[start..end])
        {
            found.push(Payload {
                start,
                end,
                kind: "percent",
                decoded,
            });
        }
        from = end.max(at + 1);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_text_is_decoded_and_binary_is_not() {
        let text = base64::engine::general_purpose::STANDARD
            .encode("aws_secret_access_key = abcdefghij0123456789");
        let data = format!("value: {text}\n");
        let found = payloads(data.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, "base64");
        assert!(String::from_utf8_lossy(&found[0].decoded).starts_with("aws_secret_access_key"));

        let binary = base64::engine::general_purpose::STANDARD.encode([
            0u8, 255, 3, 7, 200, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
        ]);
        assert!(payloads(binary.as_bytes()).is_empty());
    }

    #[test]
    fn hex_and_percent_payloads_are_decoded() {
        let hexed = hex::encode("password=correct-horse-battery");
        let found = payloads(hexed.as_bytes());
        assert_eq!(found[0].kind, "hex");

        let found = payloads(b"url=https://x/?token%3Dabc%26key%3Ddef123");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, "percent");
        assert!(String::from_utf8_lossy(&found[0].decoded).contains("token=abc&key=def123"));
    }

    #[test]
    fn git_hashes_are_not_payloads() {
        assert!(payloads(b"commit 3786a8d20a3f9de2ad0a3ed16c32c3053786a8d2").is_empty());
    }
}
