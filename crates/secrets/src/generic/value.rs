//! Whether the value of a credential-named entry is a credential: a literal, not a
//! reference (`${DB_PASSWORD}`, `vault:…`, `$TOKEN`), a placeholder (`changeme`,
//! `<your-key>`), a name (`DB_PASSWORD`, `mail.mailgun-api-key`), prose (`Enter your
//! password`, `Wachtwoord`), a path or URL, a digest (`sha384-…`) or a blockchain address.
//! A literal that passes is random-looking (a generated key), weak (a word-like password
//! such as `nextcloud`), or a password hash (`$2y$10$…`, `{SSHA}…`).

use super::key::{KeyClass, classify};
use crate::rules::validate::{
    alphabet_run, is_file_name, is_format_string, is_uuid, one_character, repeated_body,
    shannon_entropy,
};

/// What kind of literal a credential value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Random-looking: a generated key, token or password.
    Random,
    /// Word-like or short: a hard-coded weak or default password.
    Weak,
    /// A password hash (crypt, bcrypt, argon2, LDAP `{SSHA}`).
    Hash,
}

/// Shortest value judged; shorter ones are flags and digits.
const MIN_LEN: usize = 4;
/// Longest value judged; longer ones are data (keys have their own rules).
const MAX_LEN: usize = 256;

/// Exact values that say nothing is there, or name a type, mode or scheme.
const NOT_VALUES: &[&str] = &[
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "nil",
    "none",
    "undefined",
    "nan",
    "required",
    "optional",
    "string",
    "text",
    "default",
    "empty",
    "blank",
    "unset",
    "auto",
    "random",
    "generate",
    "generated",
    "prompt",
    "environment",
    "omit",
    "hidden",
    "masked",
    "sensitive",
    "encrypted",
    "opaque",
    "bearer",
    "basic",
    "oauth",
    "oauth2",
    "hmac",
    "sha256",
    "bcrypt",
    "plain",
    "plaintext",
    "integer",
    "number",
    "boolean",
    "object",
    "array",
    "bytes",
    "char",
    "username",
    "user",
    "value",
    "token",
    "apikey",
    "api_key",
    "redacted",
    "removed",
    "unknown",
    "invalid",
    "same-origin",
    "same-site",
    "include",
    "wrong",
    "incorrect",
    "weak",
    "short",
    "another",
    "garbage",
    "pass",
    "users",
    "low",
    "medium",
    "high",
    "critical",
    "info",
    "warn",
    "warning",
    "error",
    "debug",
    "strict",
    "lax",
    "skip",
    "ignore",
    "as-is",
    "always",
    "never",
    "inherit",
    "disabled",
    "enabled",
    "none_set",
    "not_set",
    "notset",
    "todo",
    "tbd",
    "xxxx",
    "****",
    "...",
];

/// Example values the standards print, reused in tests and docs everywhere (RFC 6750's
/// bearer token).
const STANDARD_EXAMPLES: &[&str] = &["mf_9.b5f-4.1jqm"];

/// Words that mark a placeholder anywhere in a value.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "changeit",
    "change_me",
    "change-me",
    "changethis",
    "change_this",
    "change-this",
    "replace",
    "your",
    "placeholder",
    "xxx",
    "***",
    "...",
    // An ellipsis: text left out (`${DB_PASSWORD:-…}` in documentation).
    "\u{2026}",
    "fixme",
    "redacted",
    "insert",
    "enter_",
    "_here",
    "-here",
    "notreal",
    "not-a-real",
    "not_a_real",
    "fill_in",
    "fill-in",
    "fillme",
    "<",
    ">",
];

/// Prefixes of a reference to a value held elsewhere.
const REFERENCE_PREFIXES: &[&str] = &[
    "env:",
    "env.",
    "vault:",
    "secret:",
    "secrets.",
    "secretref",
    "ref+",
    "op://",
    "arn:",
    "projects/",
    "sm://",
    "file:",
    "keyvault",
    "process.env",
    "os.environ",
    "system.getenv",
    "var.",
    "local.",
    "data.",
    "module.",
    "context.",
    "params.",
    "inputs.",
    "settings.",
    "config.",
    "!ref",
    "!sub",
    "!getatt",
];

/// Prefixes of a password hash.
const HASH_PREFIXES: &[&str] = &[
    "$2a$",
    "$2b$",
    "$2y$",
    "$2x$",
    "$argon2",
    "$1$",
    "$5$",
    "$6$",
    "$y$",
    "$apr1$",
    "$pbkdf2",
    "$scrypt",
    "{ssha}",
    "{sha}",
    "{ssha256}",
    "{ssha512}",
    "{bcrypt}",
    "{crypt}",
    "pbkdf2_sha256$",
    "pbkdf2:sha256:",
    "scrypt:",
    "bcrypt$",
    "argon2$",
    "sha1$",
];

/// Words of a user interface's text; a value with spaces that holds one is a label or a
/// message, not a passphrase.
const UI_WORDS: &[&str] = &[
    "enter",
    "your",
    "please",
    "must",
    "invalid",
    "incorrect",
    "wrong",
    "required",
    "forgot",
    "forgotten",
    "reset",
    "confirm",
    "show",
    "hide",
    "password",
    "passwords",
    "characters",
    "least",
    "match",
    "matches",
    "mismatch",
    "choose",
    "create",
    "current",
    "login",
    "sign",
    "click",
    "change",
    "update",
    "field",
    "empty",
    "length",
    "username",
    "email",
    "account",
    "save",
    "cancel",
    "submit",
    "error",
    "failed",
    "expired",
    "minimum",
    "maximum",
    "contain",
    "contains",
    "letters",
    "digits",
    "symbols",
    "security",
    "strength",
    "hint",
    "tooltip",
    "short",
    "valid",
    "not",
    "too",
    "bad",
];

/// What a placeholder that describes the password it stands for is made of: adjectives
/// and the roles a password plays (`MySecureDatabasePassword`, `super_strong_password`,
/// `keycloak_db_user_password`), around a credential's noun.
const DESCRIBING_NOUNS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pw",
    "pwd",
    "passphrase",
    "secret",
];

/// Words that make a password's name a description of the one to choose
/// (`MyStrongLoginPassword`, `unsecure_jwt_secret`, `another_pw`); `local_dev_password`,
/// `irc_pass` and `nextcloud-root-pw` name a real, if weak, one.
const DESCRIBING_ADJECTIVES: &[&str] = &[
    "my",
    "your",
    "our",
    "strong",
    "stronger",
    "strongest",
    "secure",
    "super",
    "duper",
    "very",
    "some",
    "another",
    "this",
    "should",
    "unsecure",
    "insecure",
    "hardcoded",
    "wrong",
    "invalid",
    "good",
    "complex",
    "long",
    "random",
    "unique",
    "example",
    "sample",
    "default",
    "changed",
    "big",
    "test",
    "dummy",
    "fake",
    "mock",
];

/// A judged value: its strength and the span of the credential inside the raw value
/// (the whole value, or the default of a `${VAR:default}` fallback).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judged {
    pub strength: Strength,
    pub span: (usize, usize),
}

/// Judges a literal. `declared_base64`: the source says the value is base64 (it is judged
/// decoded). A `${VAR:default}` (Spring) or `${VAR:-default}` (shell) fallback is judged
/// by its default, which is what runs wherever the variable is not set.
pub fn judge(raw: &[u8], class: KeyClass, quoted: bool, declared_base64: bool) -> Option<Judged> {
    let (mut from, mut to) = trim(raw, 0, raw.len());
    if !quoted {
        // `password: YES)`, `PASS=s3cret;` — punctuation that closes the sentence or line.
        while to > from && matches!(raw[to - 1], b',' | b';' | b')' | b'.' | b'\r') {
            to -= 1;
        }
        // `"PASS=s3cret\n"` in a program's string: the escape ends the line it writes.
        while to >= from + 2 && raw[to - 2] == b'\\' && matches!(raw[to - 1], b'n' | b'r' | b't') {
            to -= 2;
        }
    }
    if let Some((d_from, d_to)) = fallback_default(&raw[from..to]) {
        (from, to) = (from + d_from, from + d_to);
    }
    let strength = strength(&raw[from..to], class, declared_base64, quoted)?;
    Some(Judged {
        strength,
        span: (from, to),
    })
}

/// Judges the password of a URL or connection string (`mysql://root:s3cret@db`): any
/// literal of two characters or more that is no placeholder or reference.
pub fn judge_password(value: &[u8]) -> Option<Strength> {
    // `user:pass;auth=NTLM@host`: curl's login options follow the password.
    let value = value.split(|&b| b == b';').next().unwrap_or(value);
    if value.len() < MIN_LEN && value.len() >= 2 && value.iter().all(u8::is_ascii_alphanumeric) {
        return (!is_placeholder(&value.to_ascii_lowercase())).then_some(Strength::Weak);
    }
    strength(value, KeyClass::Password, false, false)
}

fn trim(raw: &[u8], mut from: usize, mut to: usize) -> (usize, usize) {
    while from < to && raw[from].is_ascii_whitespace() {
        from += 1;
    }
    while to > from && raw[to - 1].is_ascii_whitespace() {
        to -= 1;
    }
    (from, to)
}

/// The span of the default in `${NAME:default}`, `${NAME:-default}` or `${NAME-default}`.
fn fallback_default(value: &[u8]) -> Option<(usize, usize)> {
    let inner = value.strip_prefix(b"${")?.strip_suffix(b"}")?;
    let name_len = inner
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.')))?;
    let rest = &inner[name_len..];
    let skip = if rest.starts_with(b":-") {
        2
    } else if rest.starts_with(b":") || rest.starts_with(b"-") {
        1
    } else {
        return None;
    };
    let start = 2 + name_len + skip;
    let end = value.len() - 1;
    (end > start && !value[start..end].contains(&b'$')).then_some((start, end))
}

/// A value that is base64 of printable text (a Kubernetes Secret's `data:`, an encoded
/// password): the text.
fn base64_text(value: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    if value.len() < 8 || !value.len().is_multiple_of(4) {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()?;
    (decoded.len() >= 4 && decoded.iter().all(|b| b.is_ascii_graphic() || *b == b' '))
        .then_some(decoded)
}

/// The strength of a credential value, or `None` when it is not one. `quoted`: written as
/// a string literal (a camelCase word there is a value, not a variable's name).
fn strength(
    value: &[u8],
    class: KeyClass,
    declared_base64: bool,
    quoted: bool,
) -> Option<Strength> {
    let mut value = value;
    let decoded;
    if declared_base64 {
        use base64::Engine as _;
        decoded = base64::engine::general_purpose::STANDARD
            .decode(value)
            .ok()?;
        value = decoded.trim_ascii();
    } else if let Some(text) = base64_text(value) {
        // Judged as the text it encodes: `Y2hhbmdlbWU=` is `changeme`, and `user:pass`
        // (npm's `_auth`, an HTTP basic credential) is its password.
        if let Some(colon) = memchr::memchr(b':', &text)
            && colon > 0
            && colon + 1 < text.len()
            && !text.contains(&b' ')
        {
            return strength(&text[colon + 1..], KeyClass::Password, false, true);
        }
        return strength(&text, class, false, true);
    }
    if value.len() < MIN_LEN || value.len() > MAX_LEN {
        return None;
    }
    // Non-ASCII text is prose or a translation; control bytes are data.
    if value.iter().any(|&b| b >= 0x80 || (b < 0x20 && b != b'\t')) {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    if let Some(hash) = password_hash(&lower, class) {
        return hash;
    }
    if is_digest_or_address(&lower) {
        return None;
    }
    // JSON Web Tokens are the `jwt` rule's to judge (an unsigned one is no secret).
    if memchr::memmem::find(&lower, b"eyj").is_some_and(|at| at <= 1) && value.contains(&b'.') {
        return None;
    }
    // A long run of many different characters is a generated key whatever it holds
    // (WordPress salts hold spaces, brackets and `$`).
    if value.len() >= 40
        && shannon_entropy(value) >= 4.8
        && !repeated_body(value)
        && !has_words(value, 3)
    {
        return (memchr::memmem::find(value, b"EXAMPLE").is_none()).then_some(Strength::Random);
    }
    if is_reference(value, &lower) || is_placeholder(&lower) || describes_a_password(value) {
        return None;
    }
    if is_name_or_code(value, &lower, quoted)
        || is_path_or_url(value, &lower)
        || is_prose(value, &lower, class, quoted)
    {
        return None;
    }
    // A version requirement (`^1.0.0`, `npm:14.0.0-canary.1`) names a package's release.
    if is_version(&lower) {
        return None;
    }
    if value.iter().all(u8::is_ascii_digit) {
        // `password: 12345` is a weak password; a number under any other name is an id.
        return (class.accepts_weak() && value.len() >= 5).then_some(Strength::Weak);
    }
    // Documentation marks its sample keys `…EXAMPLE` (AWS's style); a generated-looking
    // value with `example` in it is one too. A password may be the word `example` itself.
    let random = is_random(value, &lower);
    if memchr::memmem::find(value, b"EXAMPLE").is_some()
        || (random && memchr::memmem::find(&lower, b"example").is_some())
    {
        return None;
    }
    if random {
        return Some(Strength::Random);
    }
    class.accepts_weak().then_some(Strength::Weak)
}

/// A password hash, or a hex digest under a password's name (stored hashed).
fn password_hash(lower: &[u8], class: KeyClass) -> Option<Option<Strength>> {
    if let Some(prefix) = HASH_PREFIXES
        .iter()
        .find(|p| lower.starts_with(p.as_bytes()))
    {
        // The body must be one: not a placeholder, a variable or a run of one character.
        let body = &lower[prefix.len()..];
        let real = body.len() >= 8
            && !is_placeholder(body)
            && !body.iter().any(|b| matches!(b, b'{' | b'<' | b' '));
        return Some(real.then_some(Strength::Hash));
    }
    let hex = lower.iter().all(u8::is_ascii_hexdigit);
    if class == KeyClass::Password
        && hex
        && matches!(lower.len(), 32 | 40 | 64 | 128)
        && !repeated_body(lower)
    {
        return Some(Some(Strength::Hash));
    }
    None
}

/// Whether `value` holds at least `n` lower-case words of four letters or more, each
/// standing alone between spaces (punctuation around it aside): prose (`random fallback
/// used when unset`), which a generated key almost never holds.
fn has_words(value: &[u8], n: usize) -> bool {
    value
        .split(|&b| b == b' ')
        .map(|word| {
            let start = word.iter().position(u8::is_ascii_alphanumeric);
            let end = word.iter().rposition(u8::is_ascii_alphanumeric);
            match (start, end) {
                (Some(s), Some(e)) => &word[s..=e],
                _ => &[][..],
            }
        })
        .filter(|word| word.len() >= 4 && word.iter().all(u8::is_ascii_lowercase))
        .nth(n - 1)
        .is_some()
}

fn is_reference(value: &[u8], lower: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(value, needle).is_some();
    if has(b"${") || has(b"{{") || has(b"$(") || has(b"#{") || has(b"%(") || has(b"<%") {
        return true;
    }
    if has(b"%{") || has(b"}}") || has(b"[[") {
        return true;
    }
    let first = value[0];
    let last = value[value.len() - 1];
    // `%VAR%`, `{name}`, and a log's redaction marker `[FILTERED]`.
    if (first == b'%' && last == b'%')
        || (first == b'{' && last == b'}')
        || (first == b'[' && last == b']')
    {
        return true;
    }
    // `$DB_PASSWORD`, `$password` (a variable), `@Value`, `&anchor`, `*alias`.
    if matches!(first, b'$' | b'@' | b'&' | b'*')
        && value
            .get(1)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'{')
    {
        return true;
    }
    // `{name}`, `{0}`: a format placeholder inside the value.
    if format_placeholder(value) {
        return true;
    }
    // `pa-$DB_PASS-x`, `/$file_pwd`: a variable interpolated (an environment variable's
    // name, or a snake_case one); `%HOSTIP`, `%TESTNUMBER`: a template's variables.
    if value.windows(4).any(|w| {
        (w[0] == b'$' || w[0] == b'%')
            && w[1..].iter().all(|b| b.is_ascii_uppercase() || *b == b'_')
    }) || snake_variable(value)
    {
        return true;
    }
    REFERENCE_PREFIXES
        .iter()
        .any(|p| lower.starts_with(p.as_bytes()))
}

/// `$file_pwd`: a `$` before a lower-case name with an underscore.
fn snake_variable(value: &[u8]) -> bool {
    value.iter().enumerate().any(|(i, &b)| {
        b == b'$' && {
            let name: Vec<u8> = value[i + 1..]
                .iter()
                .copied()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
                .collect();
            name.len() >= 4 && name.contains(&b'_') && name[0].is_ascii_lowercase()
        }
    })
}

fn format_placeholder(value: &[u8]) -> bool {
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'{', &value[at..]).map(|o| at + o) {
        let Some(close) = memchr::memchr(b'}', &value[open..]).map(|c| open + c) else {
            return false;
        };
        let inner = &value[open + 1..close];
        if inner.len() <= 40
            && inner
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b' '))
        {
            return true;
        }
        at = close;
    }
    false
}

/// A run of a dozen filler characters (`000000000000`, `xxxxxxxxxxxx`, `************`):
/// a value blanked out, whatever surrounds it.
fn blanked(lower: &[u8]) -> bool {
    lower
        .chunk_by(|a, b| a == b)
        .any(|run| run.len() >= 12 && matches!(run[0], b'0' | b'x' | b'*' | b'.' | b'#' | b'-'))
}

fn is_placeholder(lower: &[u8]) -> bool {
    if blanked(lower) {
        return true;
    }
    // Markdown around a word (`**false**`, `` `none` ``) is emphasis, not part of it.
    let emphasis = |b: &u8| matches!(b, b'*' | b'_' | b'`');
    let start = lower
        .iter()
        .position(|b| !emphasis(b))
        .unwrap_or(lower.len());
    let end = lower
        .iter()
        .rposition(|b| !emphasis(b))
        .map_or(start, |last| last + 1);
    let bare = &lower[start..end];
    // A typed run (`Aa12345678`) can be a weak password; a generated key holds none
    // (`is_random`).
    if NOT_VALUES
        .iter()
        .chain(STANDARD_EXAMPLES)
        .any(|w| w.as_bytes() == bare)
        || one_character(lower)
    {
        return true;
    }
    PLACEHOLDER_WORDS
        .iter()
        .any(|w| memchr::memmem::find(lower, w.as_bytes()).is_some())
}

/// Names and program text: `DB_PASSWORD` (an environment variable's name), a value that
/// itself names a credential (`mail.mailgun-api-key`, `db_password`), dotted paths through
/// fields, `a::b`, `a->b`, printf formats.
fn is_name_or_code(value: &[u8], lower: &[u8], quoted: bool) -> bool {
    let constant = value
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        && value.contains(&b'_')
        && value.iter().filter(|b| b.is_ascii_digit()).count() <= 2;
    // `HOST:PORT:DATABASE:PASSWORD`: a format spelled in capitals.
    let format = value
        .iter()
        .all(|b| b.is_ascii_uppercase() || matches!(b, b'_' | b':' | b'-' | b'.' | b'/'))
        && value.iter().any(|b| matches!(b, b':' | b'/'));
    if constant || format {
        return true;
    }
    // `dbPassword`, `mail.mailgun-api-key`, `db-admin-secret`: a variable, a settings key
    // or a resource naming a credential. A `local_dev_password` is a (weak) password.
    let camel = !quoted
        && value[0].is_ascii_lowercase()
        && value.iter().any(u8::is_ascii_uppercase)
        && value.iter().all(u8::is_ascii_alphanumeric);
    // `db-admin-secret`, `X-Mattermost-Preauth-Secret`: a resource's or a header's name.
    let kebab =
        value.contains(&b'-') && value.iter().all(|b| b.is_ascii_alphabetic() || *b == b'-');
    let digits = value.iter().any(u8::is_ascii_digit);
    if (((camel || kebab) && !digits) || value.contains(&b'.')) && classify(value).is_some() {
        return true;
    }
    let has = |needle: &[u8]| memchr::memmem::find(lower, needle).is_some();
    if has(b"::") || has(b"->") || is_format_string(value) {
        return true;
    }
    // `app.mail.password`, `settings.secret-key`: a path through settings.
    value.contains(&b'.')
        && !value.iter().any(u8::is_ascii_digit)
        && value
            .iter()
            .all(|b| b.is_ascii_lowercase() || matches!(b, b'.' | b'_' | b'-'))
}

/// Judges a value a rule found in context (`Authorization: Bearer …`, "`…` is the key"):
/// only a random-looking literal that is no placeholder, reference, name or path counts.
pub fn judge_token(value: &[u8]) -> bool {
    matches!(
        strength(value, KeyClass::Token, false, true),
        Some(Strength::Random)
    )
}

fn is_path_or_url(value: &[u8], lower: &[u8]) -> bool {
    if lower.starts_with(b"./") || lower.starts_with(b"../") || lower.starts_with(b"~/") {
        return true;
    }
    if value.len() > 2 && value[1] == b':' && matches!(value[2], b'\\' | b'/') {
        return true;
    }
    if let Some(scheme_end) = memchr::memmem::find(lower, b"://") {
        // A URL without credentials in it (those are the URL rules' to judge).
        return scheme_end > 0 && memchr::memchr(b'@', value).is_none();
    }
    let path_like = value
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'.'));
    if value[0] == b'/' && path_like && value[1..].contains(&b'/') {
        return true;
    }
    // `host:443:CA-/etc/ssl/cert.pem`, `user@host:/srv`: a location spelled out, whose
    // parts are words and numbers (a base64 key's parts are not).
    if value.contains(&b'/')
        && (value.contains(&b':') || value.contains(&b'@'))
        && is_word_like(value)
    {
        return true;
    }
    is_file_name(value) && path_like
}

fn is_digest_or_address(lower: &[u8]) -> bool {
    // Subresource integrity (`sha384-…`), image and content digests (`sha256:…`).
    for prefix in [&b"sha1"[..], b"sha256", b"sha384", b"sha512", b"md5"] {
        if lower.starts_with(prefix) && matches!(lower.get(prefix.len()), Some(b'-' | b':' | b'='))
        {
            return true;
        }
    }
    // An Ethereum address (a private key is 64 hex digits, not 40), or an elliptic-curve
    // public key (compressed: `02`/`03` and 64 hex digits; uncompressed: `04` and 128).
    let hex = |b: &[u8]| b.iter().all(u8::is_ascii_hexdigit);
    let body = lower.strip_prefix(b"0x").unwrap_or(lower);
    (lower.len() == 42 && lower.starts_with(b"0x") && hex(body))
        || (body.len() == 66 && (body.starts_with(b"02") || body.starts_with(b"03")) && hex(body))
        || (body.len() == 130 && body.starts_with(b"04") && hex(body))
}

/// `MySecureDatabasePassword`, `super_strong_password`, `admin_pw`: two words or more and
/// no digit, one of them a credential's noun — a description of the password to put there,
/// not one. `mysecretpassword` (one run) and `laravelPw9` (a digit, as password rules ask)
/// stay: they read as chosen.
fn describes_a_password(value: &[u8]) -> bool {
    if !value
        .iter()
        .all(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b'.' | b' '))
    {
        return false;
    }
    let words = super::key::words(value);
    words.len() >= 2
        && words.iter().any(|w| DESCRIBING_NOUNS.contains(&w.as_str()))
        && words
            .iter()
            .any(|w| DESCRIBING_ADJECTIVES.contains(&w.as_str()))
}

/// Sentences, labels and translations: `Enter your password`, `Wachtwoord`, `Password:`.
/// Lower-case words with no prose word among them stay: a passphrase
/// (`correct horse battery staple`) under a password's name.
fn is_prose(value: &[u8], lower: &[u8], class: KeyClass, quoted: bool) -> bool {
    let alphabetic = |b: &u8| b.is_ascii_alphabetic();
    // A capitalised word, alone and quoted: a label (`"Password"`, `"Wachtwoord"`). In
    // configuration (`JWT_SECRET=${X:-Kutt}`) it is a value.
    if quoted
        && value[0].is_ascii_uppercase()
        && value[1..].iter().all(u8::is_ascii_lowercase)
        && value.len() >= 4
    {
        return true;
    }
    // A label ending in punctuation: `Password:`, `Passwort?`.
    let (last, body) = value.split_last().unwrap_or((&b' ', value));
    if matches!(last, b':' | b'?' | b'.') && body.iter().all(|b| alphabetic(b) || *b == b' ') {
        return true;
    }
    if !value.contains(&b' ') {
        return false;
    }
    // Words apart: a sentence of a user interface (`Enter your password`, `Passwords do
    // not match`) holds its vocabulary; a passphrase (`correct horse battery staple`,
    // `my little nest of vipers`) does not.
    let ui = lower
        .split(|b| !b.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .any(|w| UI_WORDS.iter().any(|p| p.as_bytes() == w));
    // A passphrase is lower-case words (`correct horse battery staple`); anything else
    // with spaces is a sentence or code (`new THREE.RenderPass(scene, camera)`).
    let passphrase = value
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
        .all(|w| w.iter().all(u8::is_ascii_lowercase));
    ui || class != KeyClass::Password || !passphrase
}

/// `1.2.3`, `^1.0.0`, `~> 2.1`, `>=3.4.5-rc.1`, `npm:14.0.0-canary.53b3cad2f.0`.
fn is_version(lower: &[u8]) -> bool {
    let body = lower.strip_prefix(b"npm:").unwrap_or(lower);
    let body = body.trim_ascii_start();
    let body = body
        .iter()
        .position(|b| !matches!(b, b'^' | b'~' | b'>' | b'<' | b'=' | b' ' | b'v'))
        .map_or(&body[..0], |i| &body[i..]);
    let core_len = body
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b'.'))
        .unwrap_or(body.len());
    let core = &body[..core_len];
    core.iter().filter(|&&b| b == b'.').count() >= 1
        && core.first().is_some_and(u8::is_ascii_digit)
        && body[core_len..]
            .first()
            .is_none_or(|b| matches!(b, b'-' | b'+'))
}

/// Made of words and numbers (`inactive-user-2-token`, `excalidraw.desktopUIMode`,
/// `seaweedfs-sse-s3-kek-wrapping-v1`): each run between separators is a number of at most
/// four digits, at most two letters and digits (`v1`, `s3`), or letters that read as
/// words — lower-case or camelCase humps of three letters or more with vowels in them, or
/// short acronyms. Random letters (`kzfPJqBhRfTZ`) break into humps of one or two
/// letters with few vowels.
fn is_word_like(value: &[u8]) -> bool {
    value
        .split(|b| !b.is_ascii_alphanumeric())
        .filter(|run| !run.is_empty())
        .all(|run| {
            if run.iter().all(u8::is_ascii_digit) {
                return run.len() <= 4;
            }
            // `v1`, `s3`, `k8`: a version or a product's short name between words.
            if run.len() <= 2 {
                return true;
            }
            run.iter().all(u8::is_ascii_alphabetic) && reads_as_words(run)
        })
}

fn is_vowel(b: u8) -> bool {
    matches!(
        b.to_ascii_lowercase(),
        b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
    )
}

/// Whether a run of letters reads as words (see [`is_word_like`]).
fn reads_as_words(run: &[u8]) -> bool {
    if run.len() <= 6 {
        return true;
    }
    let mut covered = 0;
    let mut start = 0;
    for i in 1..=run.len() {
        let boundary = i == run.len()
            || (run[i - 1].is_ascii_lowercase() && run[i].is_ascii_uppercase())
            || (run[i - 1].is_ascii_uppercase()
                && run[i].is_ascii_uppercase()
                && run.get(i + 1).is_some_and(u8::is_ascii_lowercase));
        if boundary {
            let hump = &run[start..i];
            let vowels = hump.iter().filter(|&&b| is_vowel(b)).count();
            let acronym = (2..=5).contains(&hump.len()) && hump.iter().all(u8::is_ascii_uppercase);
            let word = hump.len() >= 3 && vowels * 5 >= hump.len() && vowels < hump.len();
            if word || acronym {
                covered += hump.len();
            }
            start = i;
        }
    }
    covered * 5 >= run.len() * 4
}

/// A generated value: long enough, varied, and mixing letters with digits or cases (a
/// long `snake_case_phrase` has entropy too, but is a word-like password).
fn is_random(value: &[u8], lower: &[u8]) -> bool {
    if is_uuid(lower) {
        return true;
    }
    if is_word_like(value) || alphabet_run(value) {
        return false;
    }
    let entropy = shannon_entropy(value);
    let hex = value.iter().all(u8::is_ascii_hexdigit);
    if hex {
        return value.len() >= 32 && entropy >= 3.0;
    }
    if value.len() < 16 || entropy < 3.5 {
        return false;
    }
    let digit = value.iter().any(u8::is_ascii_digit);
    let upper = value.iter().any(u8::is_ascii_uppercase);
    let lower_case = value.iter().any(u8::is_ascii_lowercase);
    let symbol = value.iter().any(|b| !b.is_ascii_alphanumeric());
    let letter = upper || lower_case;
    (digit && letter) || (upper && lower_case) || (letter && symbol && value.len() >= 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(value: &str, class: KeyClass) -> Option<Strength> {
        judge(value.as_bytes(), class, true, false).map(|j| j.strength)
    }

    #[test]
    fn weak_and_random_literals_count() {
        use KeyClass::*;
        assert_eq!(j("nextcloud", Password), Some(Strength::Weak));
        assert_eq!(j("local_dev_password", Password), Some(Strength::Weak));
        assert_eq!(j("admin", Password), Some(Strength::Weak));
        assert_eq!(j("123456", Password), Some(Strength::Weak));
        assert_eq!(j("pa$$w0rd", Password), Some(Strength::Weak));
        assert_eq!(
            j("correct horse battery staple", Password),
            Some(Strength::Weak)
        );
        assert_eq!(j("secret123", Secret), Some(Strength::Weak));
        assert_eq!(j("q8Zt2LmX0vR4pK7wJ3nB", Token), Some(Strength::Random));
        assert_eq!(j("kzfPJqBhRfTZUvUionqY", Token), Some(Strength::Random));
        assert_eq!(
            j("9f3c1e7a5b2d4086c1e9a7f35b0d2c8e4a6f1b93", Token),
            Some(Strength::Random)
        );
        assert_eq!(
            j("$2y$10$q8Zt2LmX0vR4pK7wJ3nBzQ", Password),
            Some(Strength::Hash)
        );
        assert_eq!(j("{SSHA}q8Zt2LmX0vR4", Password), Some(Strength::Hash));
        // Fallback defaults, and base64 of text (a Kubernetes Secret's data).
        let got = judge(b"${DB_PASSWORD:springpw1}", Password, false, false).unwrap();
        assert_eq!((got.strength, got.span), (Strength::Weak, (14, 23)));
        assert_eq!(j("${DB_PASS:-admin}", Password), Some(Strength::Weak));
        assert_eq!(j("cm9vdHB3MTI=", Password), Some(Strength::Weak));
        assert_eq!(j("Y2hhbmdlbWU=", Password), None);
        // A salt that names what it separates (getsentry/self-hosted's SeaweedFS KEK).
        assert_ne!(
            j("seaweedfs-sse-s3-kek-wrapping-v1", Token),
            Some(Strength::Random)
        );
    }

    #[test]
    fn names_references_and_prose_do_not_count() {
        use KeyClass::*;
        for (value, class) in [
            ("Wachtwoord", Password),
            ("Enter your password", Password),
            ("Password:", Password),
            ("YES", Password),
            ("${DB_PASSWORD}", Password),
            ("$DB_PASSWORD", Password),
            ("{password}", Password),
            ("DB_PASSWORD", Password),
            ("mail.mailgun-api-key", Token),
            ("db-admin-secret", Secret),
            ("/etc/ceph/admin.secret", Secret),
            ("changeme", Password),
            ("your-api-key-here", Token),
            ("<password>", Password),
            (
                "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC",
                Token,
            ),
            ("sha256:0123456789abcdef0123456789abcdef", Token),
            ("0xdAC17F958D2ee523a2206206994597C13D831ec7", Token),
            ("1234567890123", Token),
            ("short", Token),
            ("https://auth.example.org/token", Token),
            ("vault:secret/data/db#password", Password),
            ("true", Password),
            ("パスワードを表示", Password),
            ("same-origin", Password),
            ("npm:14.0.0-canary.53b3cad2f.0", Token),
            ("^1.0.0", Password),
            ("inactive-user-2-token", Token),
            ("excalidraw.desktopUIModeStorageName", Token),
            (
                "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIn0.",
                Token,
            ),
            ("EXTERNAL@%HOSTIP:%POP3PORT/%TESTNUMBER", Token),
            ("/$file_pwd", Password),
            ("curl.se:443:CA-/etc/ssl/cert.pem:IMPL-GnuTLS/3.8.7", Token),
        ] {
            assert_eq!(j(value, class), None, "{value}");
        }
    }
}
