//! Checks a candidate secret must pass beyond its pattern: provider checksums (the CRC32
//! GitHub and npm append to their tokens), structural checks, Shannon entropy, and the
//! placeholder words documentation uses (`AKIAIOSFODNN7EXAMPLE`, `xxxx`, `${VAR}`,
//! `<your-token>`).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use base64::Engine as _;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A named validator from the `validate` key of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// `<prefix>_` + 30 base62 characters + 6 base62 digits of CRC32 of those 30
    /// (GitHub's `ghp_`, `gho_`, `ghu_`, `ghs_` tokens and npm's `npm_` tokens).
    Crc32Base62,
    /// A JWT: three base64url parts, the first two decoding to JSON objects, the header
    /// naming an `alg`.
    Jwt,
    /// A PEM private key whose body decodes as base64 to a DER sequence (or an OpenSSH
    /// container).
    PemKey,
    /// Base64 of exactly the given decoded length family (Azure storage keys: 64 bytes).
    Base64Key64,
}

impl Validator {
    /// Every validator name accepted in the `validate` key.
    pub const NAMES: &'static [&'static str] = &["crc32-base62", "jwt", "pem-key", "base64-64"];

    /// The validator called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "crc32-base62" => Validator::Crc32Base62,
            "jwt" => Validator::Jwt,
            "pem-key" => Validator::PemKey,
            "base64-64" => Validator::Base64Key64,
            _ => return None,
        })
    }

    /// Whether `secret` passes.
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::Crc32Base62 => crc32_base62(secret),
            Validator::Jwt => jwt(secret),
            Validator::PemKey => pem_key(secret),
            Validator::Base64Key64 => base64_len(secret, 64),
        }
    }
}

/// The base62 rendering of `value`, left-padded with `0` to `width`.
pub fn base62(mut value: u64, width: usize) -> String {
    let mut digits = Vec::new();
    while value > 0 {
        digits.push(BASE62[(value % 62) as usize]);
        value /= 62;
    }
    while digits.len() < width {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8_lossy(&digits).into_owned()
}

fn crc32_base62(secret: &[u8]) -> bool {
    let Some(underscore) = secret.iter().position(|&b| b == b'_') else {
        return false;
    };
    let token = &secret[underscore + 1..];
    if token.len() != 36 {
        return false;
    }
    let (body, check) = token.split_at(30);
    let crc = crc32fast::hash(body);
    base62(u64::from(crc), 6).as_bytes() == check
}

fn b64url_json(part: &[u8]) -> Option<serde_json::Value> {
    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.strip_suffix(b"=").unwrap_or(part))
        .ok()?;
    serde_json::from_slice(&decoded).ok()
}

/// A JWT that authenticates something: signed (not `alg: none`), not expired, and not the
/// sample token of jwt.io and RFC 7519 that documentation everywhere copies.
fn jwt(secret: &[u8]) -> bool {
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let signed = b64url_json(header)
        .and_then(|h| {
            h.get("alg")
                .and_then(|alg| alg.as_str())
                .map(|alg| !alg.eq_ignore_ascii_case("none"))
        })
        .unwrap_or(false);
    let Some(claims) = b64url_json(payload).filter(|p| p.is_object()) else {
        return false;
    };
    let expired = claims
        .get("exp")
        .and_then(serde_json::Value::as_f64)
        .is_some_and(|exp| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            exp < now
        });
    let sample = claims.get("sub").and_then(serde_json::Value::as_str) == Some("1234567890")
        && claims.get("name").and_then(serde_json::Value::as_str) == Some("John Doe");
    signed && !expired && !sample && signature.len() >= 16 && !repeated_body(signature)
}

fn pem_key(secret: &[u8]) -> bool {
    // Keys inside strings carry `\\n` escapes instead of line breaks.
    let text = String::from_utf8_lossy(secret).replace("\\n", "\n");
    let body: String = text
        .lines()
        .filter(|line| !line.contains("-----") && !line.contains(':'))
        .flat_map(|line| {
            line.chars()
                .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\\')
        })
        .collect();
    // Keys embedded in JSON or strings carry `\n` escapes; drop the `n` they leave behind.
    let body = body.replace("\\n", "");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(body.trim_end_matches('='))
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(body.trim_end_matches('='))
        })
        .or_else(|_| base64::engine::general_purpose::STANDARD.decode(&body));
    match decoded {
        Ok(der) => der.len() >= 64 && (der[0] == 0x30 || der.starts_with(b"openssh-key-v1")),
        // Bodies split by odd escapes: accept a long enough, varied base64 body.
        Err(_) => body.len() >= 64 && shannon_entropy(body.as_bytes()) > 4.5,
    }
}

fn base64_len(secret: &[u8], bytes: usize) -> bool {
    use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
    let lenient = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    lenient
        .decode(secret)
        .is_ok_and(|decoded| decoded.len() == bytes)
}

/// Shannon entropy of the bytes, in bits per byte.
pub fn shannon_entropy(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[b as usize] += 1;
    }
    let n = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a documentation placeholder or a test value, in any rule's secret.
const PLACEHOLDER_WORDS: &[&str] = &["example", "xxxxxx", "xxxx-", "-xxxx", "placeholder"];

/// Words that mark a placeholder in a context-based (generic) rule's value.
const GENERIC_STOPWORDS: &[&str] = &[
    "your",
    "replace",
    "changeme",
    "change_me",
    "dummy",
    "fake",
    "sample",
    "secret_here",
    "redacted",
    "insert",
    "password",
    "passwd",
    "enter_",
    "todo",
    "fixme",
    "not-a-real",
    "notreal",
    "testsecret",
    "test-api",
    "test_api",
    "password123",
    "hunter2",
    "foobar",
    "lorem",
    "xxxx",
    "****",
    "....",
    "true",
    "false",
    "null",
    "none",
    "undefined",
    "process.env",
    "os.environ",
    "getenv",
    "env(",
    "environ",
    "config.",
    "settings.",
    "secrets.",
    "vault:",
    "arn:aws",
];

/// Whether `secret` looks like a placeholder rather than a credential. `generic` rules
/// (assignments found by context) reject more.
pub fn is_placeholder(secret: &[u8], generic: bool) -> bool {
    static PLACEHOLDERS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| words(PLACEHOLDER_WORDS));
    static STOPWORDS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| words(GENERIC_STOPWORDS));
    let found =
        |set: &LazyLock<Option<AhoCorasick>>| set.as_ref().is_some_and(|ac| ac.is_match(secret));
    let lower = secret.to_ascii_lowercase();
    if found(&PLACEHOLDERS) {
        return true;
    }
    // Templating and references: `${VAR}`, `{{ secrets.X }}`, `<your-token>`, `$(X)`, `%X%`.
    if secret
        .windows(2)
        .any(|w| w == b"${" || w == b"{{" || w == b"$(" || w == b"#{")
        || (secret.first() == Some(&b'<') && secret.last() == Some(&b'>'))
        || (secret.first() == Some(&b'%') && secret.last() == Some(&b'%'))
    {
        return true;
    }
    // A body of one repeated character (`0000…`, `XXXX…`, `****`) or an alphabet run.
    if repeated_body(secret) {
        return true;
    }
    if generic {
        if found(&STOPWORDS) {
            return true;
        }
        if secret.starts_with(b"$") || secret.contains(&b' ') {
            return true;
        }
        if lower.starts_with(b"http://") || lower.starts_with(b"https://") {
            return true;
        }
        if lower.starts_with(b"test")
            || lower.starts_with(b"my")
            || lower.starts_with(b"data:")
            || lower.starts_with(b"./")
            || lower.starts_with(b"../")
        {
            return true;
        }
        // A UUID in a generic context is an identifier (providers whose keys are UUIDs
        // have their own rules with context).
        if is_uuid(secret) {
            return true;
        }
        // Hex of a hash's length (SHA-1, SHA-256) in a generic context is a digest.
        if (secret.len() == 40 || secret.len() == 64) && secret.iter().all(u8::is_ascii_hexdigit) {
            return true;
        }
    }
    false
}

/// Whether a value a generic (context) rule captured is program text or prose rather than a
/// literal: a name, a call, a member access, a pointer, a format string, a file name, a
/// label, an interpolation. Secrets in code are string literals, so an unquoted value that a
/// call, an index, an argument list or an operator follows is code; so are dotted chains
/// of names with no digit (`input_token.length`), upper-case constant names, quoted or not
/// (`exportVariable('ACTIONS_RUNTIME_TOKEN', …)`, `ARG_STRG|ARG_CLEAR`), and bare
/// lower-case words (`temporarily`, `zero-length`, `client_id_offset`). `quoted`: a quote
/// opens the value; `after`: the bytes that follow it.
pub fn looks_like_code(value: &[u8], quoted: bool, after: &[u8]) -> bool {
    if is_constant_name(value)
        || is_format_string(value)
        || is_file_name(value)
        || value.last() == Some(&b':')
        || has_interpolation(value)
        || is_query_tail(value)
        || contains(value, b"->")
        || contains(value, b"::")
    {
        return true;
    }
    if quoted {
        return false;
    }
    // `*ptr`, `&var`, Perl's `\&sub`.
    if let Some(rest) = value
        .strip_prefix(b"\\&")
        .or_else(|| value.strip_prefix(b"&"))
        .or_else(|| value.strip_prefix(b"*"))
        && is_name(rest)
    {
        return true;
    }
    let digits = value.iter().any(u8::is_ascii_digit);
    let lower_words = value
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'))
        && value.first().is_some_and(u8::is_ascii_lowercase);
    // Bare lower-case words, `snake_case` and `kebab-case` names: prose and identifiers.
    if lower_words && (!digits || value.contains(&b'_')) {
        return true;
    }
    match after.first().copied() {
        Some(b'(' | b'[') => return true,
        Some(b'>') if value.last() == Some(&b'-') => return true,
        Some(b')' | b',') if is_name(value) => return true,
        // Connection strings end values with `;` too (`Password=s3Cr…;`), so only names
        // that cannot be random text count: digit-free with a `_` or `.`, or no capitals.
        Some(b';')
            if is_name(value)
                && !digits
                && (value.contains(&b'_')
                    || value.contains(&b'.')
                    || !value.iter().any(u8::is_ascii_uppercase)) =>
        {
            return true;
        }
        _ => {}
    }
    // `a.b.c` with no digit anywhere: a path through fields, not a credential.
    value.contains(&b'.') && !digits && is_name(value)
}

/// An identifier, or a dotted chain of them: `x`, `conn_1.passwd`, `$var`.
fn is_name(value: &[u8]) -> bool {
    value.split(|&b| b == b'.').all(|part| {
        part.first()
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_' || b == b'$')
            && part
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// `CURLOPT_SSH_PRIVATE_KEYFILE`, `ARG_STRG|ARG_CLEAR`: upper-case words joined by `_`
/// (and constants or-ed together).
fn is_constant_name(value: &[u8]) -> bool {
    value.contains(&b'_')
        && value.iter().filter(|b| b.is_ascii_digit()).count() <= 2
        && value.split(|&b| b == b'|').all(|constant| {
            constant.first().is_some_and(u8::is_ascii_uppercase)
                && constant.split(|&b| b == b'_').all(|word| {
                    !word.is_empty()
                        && word
                            .iter()
                            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                })
        })
}

/// `user %s:%d`: a printf format, not a value. The directive must end where a word does,
/// since random text holds `%s` too (`%szYRn^…`).
pub(crate) fn is_format_string(value: &[u8]) -> bool {
    value.windows(2).enumerate().any(|(i, w)| {
        w[0] == b'%'
            && matches!(w[1], b's' | b'd' | b'u' | b'*')
            && value.get(i + 2).is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

/// `server.key`, `\\autoexec.bat`: a file the configuration points to, not its content.
pub(crate) fn is_file_name(value: &[u8]) -> bool {
    const EXTENSIONS: &[&[u8]] = &[
        b"key",
        b"pem",
        b"crt",
        b"cer",
        b"der",
        b"p12",
        b"pfx",
        b"jks",
        b"txt",
        b"json",
        b"yml",
        b"yaml",
        b"toml",
        b"ini",
        b"cnf",
        b"conf",
        b"cfg",
        b"xml",
        b"log",
        b"bat",
        b"sh",
        b"ps1",
        b"env",
        b"properties",
        b"html",
        b"js",
        b"py",
        b"rb",
        b"c",
        b"h",
    ];
    value.iter().rposition(|&b| b == b'.').is_some_and(|dot| {
        let extension = value[dot + 1..].to_ascii_lowercase();
        dot > 0 && EXTENSIONS.contains(&extension.as_slice())
    })
}

/// `12345&id=blabla&dig=submit`: the value ran on into the rest of a query string; the
/// password itself ends at the `&`.
fn is_query_tail(value: &[u8]) -> bool {
    value.iter().enumerate().any(|(i, &b)| {
        b == b'&'
            && value[i + 1..]
                .iter()
                .position(|&c| c == b'=')
                .is_some_and(|eq| {
                    eq > 0
                        && value[i + 1..i + 1 + eq]
                            .iter()
                            .all(|c| c.is_ascii_lowercase() || *c == b'_')
                })
    })
}

/// `/$file_pwd`, `$HOME/x`: a shell or Perl interpolation.
fn has_interpolation(value: &[u8]) -> bool {
    value
        .windows(2)
        .any(|w| w[0] == b'$' && (w[1].is_ascii_alphabetic() || w[1] == b'_' || w[1] == b'{'))
}

pub(crate) fn is_uuid(value: &[u8]) -> bool {
    value.len() == 36
        && value.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// One case-insensitive automaton for a word list (built once).
fn words(list: &[&str]) -> Option<AhoCorasick> {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(list)
        .ok()
}

pub(crate) fn repeated_body(secret: &[u8]) -> bool {
    one_character(secret) || alphabet_run(secret)
}

/// One character making up half of the letters and digits (`0000-0000`, `XXXX`).
pub(crate) fn one_character(secret: &[u8]) -> bool {
    let mut counts = [0u32; 256];
    let mut total = 0u32;
    for &b in secret.iter().filter(|b| b.is_ascii_alphanumeric()) {
        counts[b as usize] += 1;
        total += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0);
    top >= 8 && top * 2 >= total
}

/// A run of the alphabet or of the digits (`abcdefgh`, `12345678`): typed, not generated.
pub(crate) fn alphabet_run(secret: &[u8]) -> bool {
    memchr::memmem::find(secret, b"abcdefgh").is_some()
        || memchr::memmem::find(secret, b"ABCDEFGH").is_some()
        || memchr::memmem::find(secret, b"12345678").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn github_like(prefix: &str, body: &str) -> String {
        let crc = crc32fast::hash(body.as_bytes());
        format!("{prefix}{body}{}", base62(u64::from(crc), 6))
    }

    #[test]
    fn crc32_checksum_accepts_valid_and_rejects_mutated() {
        let token = github_like("ghp_", "Zq4Y8mT2vB7nK1pL9sD3fG6hJ0wE5r");
        assert!(Validator::Crc32Base62.check(token.as_bytes()));
        let mut bad = token.into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert!(!Validator::Crc32Base62.check(&bad));
        assert!(!Validator::Crc32Base62.check(b"ghp_short"));
    }

    #[test]
    fn base62_pads_and_encodes() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 1), "10");
    }

    #[test]
    fn entropy_orders_random_above_repeated() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"ab") - 1.0).abs() < 1e-9);
        assert!(shannon_entropy(b"q8Zt2LmX0vR4pK7w") > 3.5);
    }

    #[test]
    fn program_text_is_not_a_generic_secret() {
        let code = |value: &str, quoted: bool, after: &str| {
            looks_like_code(value.as_bytes(), quoted, after.as_bytes())
        };
        // Calls, members, names ending a statement or an argument, field paths.
        assert!(code("curlx_strdup", false, "(tok);"));
        assert!(code("ntlmChallenge", false, "['challenge']"));
        assert!(code("SecurityPackage-", false, ">cbMaxToken;"));
        assert!(code("backup_userpwd", false, ";"));
        assert!(code("Curl_creds", false, ";"));
        assert!(code("kCFStringEncodingUTF8", false, ") : NULL;"));
        assert!(code("type_1_buf.cbBuffer", false, ", NULL);"));
        assert!(code("OBJECTPOINT", false, ", 5),"));
        assert!(code("input_token.length", false, ");"));
        assert!(code("issuer.private_key", false, ","));
        // Pointers and references, constants, formats, labels, files, interpolation.
        assert!(code("*allocuserpwd", false, ", strlen"));
        assert!(code("\\&PASS_pop3", false, ","));
        assert!(code("GSS_C_EMPTY_BUFFER", false, ";"));
        assert!(code("ARG_STRG|ARG_CLEAR", false, ","));
        assert!(code("ACTIONS_RUNTIME_TOKEN", true, "', process.env"));
        assert!(code("%sAuthorization:", true, " NTLM"));
        assert!(code("user=%s:%d/x", true, "\""));
        assert!(!code("%szYRn^Nn4E%X%IMAK+Xi3t", true, "\""));
        assert!(code("Authorization:", true, " NTLM"));
        assert!(code("EdelCurlRoot-ca.key", false, ""));
        assert!(code("\\autoexec.bat", true, "\""));
        assert!(code("/$file_pwd", true, "\";"));
        assert!(code("12345&id=blablabla&dig=submit", false, "\""));
        assert!(code("peer->user_hostname", true, "`"));
        // Bare lower-case words and names: prose and identifiers.
        assert!(code("temporarily", false, " not"));
        assert!(code("zero-length", false, ","));
        assert!(code("client_id_offset", false, " +"));
        assert!(code("libtest_arg3", false, ")"));
        // Literals stay candidates: quoted values, config values, values with digits.
        assert!(!code(
            "qcRqXpvf6qygipFuDAXfGLDcBmzKKRXqNNWii22y",
            false,
            "\n"
        ));
        assert!(!code("curlx_strdup", true, "\"("));
        assert!(!code("847kRnMDfEoAwYZqDA", false, ""));
        assert!(!code(
            "lLX3Q~2jVwhfJa91yoTQ..HvKL_-P.2ogiiN1XVQ",
            true,
            "\";"
        ));
        assert!(!code(
            "Tj18Q~4.1CG1RNwfom4p8SJpOWpv5.l~RpPmmF~F",
            true,
            "\""
        ));
        assert!(!code("AB12CD34EF56GH78", false, ";"));
        assert!(!code("O6zCvOlwuiCbX70gsP", false, ";"));
        assert!(!code("OzCvOlwuiCbXgsPq", false, ";"));
        assert!(!code("s3cr3t.Pa55word", false, ""));
        assert!(!code("sunshine-beach", true, "\""));
        assert!(!code("8dyfuiRyq=vVc3RRr_edRk-fK__JItpZ", false, ""));
    }

    #[test]
    fn placeholders_are_recognised() {
        for value in [
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "${GITHUB_TOKEN}",
            "<your-token>",
            "{{ secrets.NPM_TOKEN }}",
            "%DB_PASSWORD%",
            "sk_live_000000000000000000000000",
        ] {
            assert!(is_placeholder(value.as_bytes(), false), "{value}");
        }
        for value in [
            "changeme",
            "your-api-key-here",
            "fake_token_for_tests",
            "hunter2",
        ] {
            assert!(is_placeholder(value.as_bytes(), true), "{value}");
        }
        assert!(!is_placeholder(b"q8Zt2LmX0vR4pK7wJ3nB", true));
    }

    #[test]
    fn jwt_needs_json_header_and_payload() {
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"sub":"1"}"#);
        let good = format!("{header}.{payload}.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWc");
        assert!(Validator::Jwt.check(good.as_bytes()));
        assert!(!Validator::Jwt.check(b"eyJhbGciOi.eyJzdWIi.sig"));
    }
}
