//! Whether a name denotes a credential. `dbAdminPassword`, `DB_ADMIN_PASSWORD`,
//! `db-admin.password` and `$db_admin_password` all split into the words `db admin
//! password`; the name is a credential when its last word (after version numbers and
//! environment suffixes) is a credential noun, and no word before it turns the name into
//! something else: a label, a tooltip, a limit, a pagination cursor. So `adminSecretName`,
//! `secretFile`, `UserSecretsId`, `SHOW_PWD_TOOLTIP`, `LABEL_PASSWORD` and `max_tokens` are
//! not credentials, and `SECRET_KEY_BASE`, `x-api-key` and `POSTGRES_PASSWORD` are.

/// What kind of credential a name denotes; it decides which values count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyClass {
    /// `password`, `passwd`, `pwd`, `pass`, `passphrase`, `credentials`: any literal
    /// counts, weak ones too.
    Password,
    /// `secret`, `client_secret`, `jwt_secret`, `secret_key`: weak literals count (a
    /// `JWT_SECRET=secret123` signs tokens as it stands).
    Secret,
    /// `token`, `api_key`, `access_key`, `private_key`, `salt`, `auth`: generated values,
    /// so only random-looking literals count.
    Token,
}

impl KeyClass {
    /// Whether a weak (low-entropy, word-like) literal is still a hard-coded credential.
    pub fn accepts_weak(self) -> bool {
        matches!(self, KeyClass::Password | KeyClass::Secret)
    }
}

/// Words that end a credential name on their own.
const NOUNS: &[(&str, KeyClass)] = &[
    ("password", KeyClass::Password),
    ("passwords", KeyClass::Password),
    ("passwd", KeyClass::Password),
    ("pwd", KeyClass::Password),
    ("pass", KeyClass::Password),
    ("passphrase", KeyClass::Password),
    ("passcode", KeyClass::Password),
    ("pword", KeyClass::Password),
    ("pw", KeyClass::Password),
    ("credential", KeyClass::Password),
    ("credentials", KeyClass::Password),
    ("creds", KeyClass::Password),
    ("secret", KeyClass::Secret),
    ("secrets", KeyClass::Secret),
    ("secretkey", KeyClass::Secret),
    ("token", KeyClass::Token),
    ("tokens", KeyClass::Token),
    ("apikey", KeyClass::Token),
    ("apitoken", KeyClass::Token),
    ("accesskey", KeyClass::Token),
    ("privatekey", KeyClass::Token),
    ("authkey", KeyClass::Token),
    ("appkey", KeyClass::Token),
    ("masterkey", KeyClass::Token),
    ("salt", KeyClass::Token),
];

/// Words before `key` that make it a credential (`api key`, `signing key`); `key` alone,
/// or after anything else, is a lookup key.
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "access",
    "auth",
    "app",
    "master",
    "encryption",
    "encrypt",
    "enc",
    "signing",
    "sign",
    "client",
    "hmac",
    "jwt",
    "license",
    "licence",
    "consumer",
    "account",
    "shared",
    "subscription",
    "primary",
    "secondary",
    "service",
    "crypto",
    "cipher",
    "aes",
    "deploy",
    "webhook",
    "write",
    "management",
    "sas",
    "partner",
    "developer",
    "secure",
    "security",
    "nonce",
    "admin",
    "root",
    "vault",
    "totp",
    "otp",
    "mfa",
];

/// Words that may follow the credential noun without changing what the name denotes:
/// environment and encoding suffixes (`db_password_prod`, `secret_b64`).
const SUFFIXES: &[&str] = &[
    "prod",
    "production",
    "dev",
    "development",
    "test",
    "testing",
    "staging",
    "stage",
    "stg",
    "qa",
    "uat",
    "local",
    "default",
    "value",
    "val",
    "str",
    "string",
    "literal",
    "raw",
    "plain",
    "plaintext",
    "cleartext",
    "b64",
    "base64",
    "hex",
    "pem",
    "env",
    // `password_confirmation`, `passwordRepeat`: the same password typed twice.
    "confirmation",
    "confirm",
    "repeat",
    "again",
    "retype",
    "verify",
    "verification",
    // `password_login`, `password_reg`: the form a password is typed into.
    "login",
    "reg",
    "register",
    "signup",
];

/// Credential nouns written into one word with what they protect (`dbpassword`,
/// `k8svaultapikey`, `mysecret`): long enough not to end ordinary words (`bypass`).
const JOINED_NOUNS: &[(&str, KeyClass)] = &[
    ("password", KeyClass::Password),
    ("passwd", KeyClass::Password),
    ("passphrase", KeyClass::Password),
    ("secret", KeyClass::Secret),
    ("secretkey", KeyClass::Secret),
    ("apikey", KeyClass::Token),
    ("apitoken", KeyClass::Token),
    ("accesstoken", KeyClass::Token),
    ("authtoken", KeyClass::Token),
];

/// Words that make a `key` a credential wherever they stand before it
/// (`SECRET_COOKIE_KEY`, `api_cache_key` is still an API's key).
const STRONG_KEY_QUALIFIERS: &[&str] = &[
    "secret",
    "private",
    "api",
    "signing",
    "encryption",
    "hmac",
    "jwt",
    "master",
];

/// Words that, anywhere before the noun, make the name something other than a credential:
/// UI text (`LABEL_PASSWORD`), limits (`max_tokens`), pagination and lexer tokens, derived
/// values (`hashed_password`), and predicates (`has_password`, `requires_token`).
const NEGATING: &[&str] = &[
    "label",
    "lbl",
    "show",
    "hide",
    "toggle",
    "forgot",
    "forget",
    "placeholder",
    "hint",
    "tooltip",
    "title",
    "msg",
    "message",
    "error",
    "err",
    "invalid",
    "wrong",
    "incorrect",
    "missing",
    "validation",
    "strength",
    "policy",
    "regex",
    "pattern",
    "prompt",
    "enter",
    "text",
    "desc",
    "description",
    "help",
    "caption",
    "button",
    "btn",
    "link",
    "dialog",
    "modal",
    "csrf",
    "xsrf",
    "next",
    "pagination",
    "page",
    "continuation",
    "cursor",
    "sync",
    "cancel",
    "cancellation",
    "max",
    "min",
    "num",
    "total",
    "count",
    "is",
    "has",
    "use",
    "uses",
    "requires",
    "require",
    "needs",
    "need",
    "no",
    "without",
    "allow",
    "allowed",
    "enable",
    "enabled",
    "disable",
    "disabled",
    "generate",
    "hashed",
    "salted",
    "fake",
    "dummy",
    "mock",
    "sample",
    "example",
    "i18n",
    "l10n",
    "translation",
    "locale",
    "eos",
    "bos",
    "pad",
    "unk",
    "sep",
    "cls",
    "mask",
    "eof",
    "prev",
    "previous",
    "last",
    "first",
    "start",
    "end",
    "expected",
    "length",
    "len",
    "type",
    "kind",
    // `configFromSecret`, `valueFromSecret`: a reference to where the secret is kept.
    "from",
];

/// Whether `name` holds the stem of a credential's noun at all (`pass`, `pw`, `secret`,
/// `token`, `key`, `cred`, `salt`, `auth`): one pass over the bytes, no allocation, so
/// the many names that do not are dismissed before they are split into words.
fn may_name_credential(name: &[u8]) -> bool {
    name.windows(2).enumerate().any(|(i, w)| {
        let rest = &name[i..];
        let starts =
            |stem: &[u8]| rest.len() >= stem.len() && rest[..stem.len()].eq_ignore_ascii_case(stem);
        match w[0].to_ascii_lowercase() {
            b'p' => w[1].eq_ignore_ascii_case(&b'w') || starts(b"pass"),
            b's' => starts(b"secret") || starts(b"salt"),
            b't' => starts(b"token"),
            b'k' => starts(b"key"),
            b'c' => starts(b"cred"),
            b'a' => starts(b"auth"),
            _ => false,
        }
    })
}

/// The words of a name: split at anything not a letter or digit, at lower-to-upper case
/// changes (`dbPassword`), at the end of an acronym (`APIKey` → `api key`) and between
/// letters and digits; lower-cased.
pub fn words(name: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous: Option<u8> = None;
    for (i, &b) in name.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous = None;
            continue;
        }
        if let Some(p) = previous {
            let next_lower = name.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            let boundary = (p.is_ascii_lowercase() && b.is_ascii_uppercase())
                || (p.is_ascii_uppercase() && b.is_ascii_uppercase() && next_lower)
                || (p.is_ascii_digit() != b.is_ascii_digit());
            if boundary && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
        current.push(b.to_ascii_lowercase() as char);
        previous = Some(b);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The credential class of a name, or `None` when it does not denote a credential.
pub fn classify(name: &[u8]) -> Option<KeyClass> {
    if name.len() > 80 || !may_name_credential(name) {
        return None;
    }
    let words = words(name);
    // Version numbers and environment suffixes do not change what the name denotes.
    let mut end = words.len();
    while end > 1 {
        let word = words[end - 1].as_str();
        if word.bytes().all(|b| b.is_ascii_digit()) || word.len() == 1 || SUFFIXES.contains(&word) {
            end -= 1;
        } else {
            break;
        }
    }
    let words = &words[..end];
    let (last, before) = words.split_last()?;
    let class = match last.as_str() {
        // WordPress' `LOGGED_IN_KEY`.
        "key" if before.ends_with(&["logged".to_owned(), "in".to_owned()]) => KeyClass::Token,
        "key" | "keys" => {
            let last = before.last()?;
            if KEY_QUALIFIERS.contains(&last.as_str()) {
                match last.as_str() {
                    "secret" | "jwt" | "hmac" | "app" => KeyClass::Secret,
                    _ => KeyClass::Token,
                }
            } else {
                // `SETUP_SECRET_SESSION_KEY`: a key of something secret, generated; a
                // word-like value there is the key's name (`mfa-setup-backup-codes`).
                before
                    .iter()
                    .find(|w| STRONG_KEY_QUALIFIERS.contains(&w.as_str()))?;
                KeyClass::Token
            }
        }
        // Rails' `secret_key_base`.
        "base" if before.ends_with(&["secret".to_owned(), "key".to_owned()]) => KeyClass::Secret,
        "auth" if before.is_empty() || before.last().is_some_and(|w| w == "basic") => {
            KeyClass::Token
        }
        other => match NOUNS.iter().find(|(noun, _)| *noun == other) {
            Some((_, class)) => *class,
            None => {
                JOINED_NOUNS
                    .iter()
                    .find(|(noun, _)| other.len() > noun.len() && other.ends_with(noun))?
                    .1
            }
        },
    };
    if before.iter().any(|word| NEGATING.contains(&word.as_str())) {
        return None;
    }
    Some(class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        assert_eq!(words(b"dbAdminPassword"), ["db", "admin", "password"]);
        assert_eq!(words(b"DB_ADMIN_PASSWORD"), ["db", "admin", "password"]);
        assert_eq!(words(b"APIKey"), ["api", "key"]);
        assert_eq!(words(b"x-api-key"), ["x", "api", "key"]);
        assert_eq!(words(b"$db.password2"), ["db", "password", "2"]);
        assert_eq!(words(b"UserSecretsId"), ["user", "secrets", "id"]);
    }

    #[test]
    fn credential_names_are_recognised() {
        for (name, class) in [
            ("POSTGRES_PASSWORD", KeyClass::Password),
            ("db_pass", KeyClass::Password),
            ("passwd", KeyClass::Password),
            ("smtpPassword2", KeyClass::Password),
            ("db_password_prod", KeyClass::Password),
            ("passphrase", KeyClass::Password),
            ("client_secret", KeyClass::Secret),
            ("JWT_SECRET", KeyClass::Secret),
            ("SECRET_KEY", KeyClass::Secret),
            ("secret_key_base", KeyClass::Secret),
            ("app.secret_key", KeyClass::Secret),
            ("x-api-key", KeyClass::Token),
            ("apiKey", KeyClass::Token),
            ("APIKEY", KeyClass::Token),
            ("aws_secret_access_key", KeyClass::Token),
            ("GITHUB_TOKEN", KeyClass::Token),
            ("HOMEBREW_GITHUB_API_TOKEN", KeyClass::Token),
            ("oauth_token", KeyClass::Token),
            ("AUTH_SALT", KeyClass::Token),
            ("privateKey", KeyClass::Token),
            ("LOGGED_IN_KEY", KeyClass::Token),
            ("NONCE_SALT", KeyClass::Token),
            ("encryptedPassword", KeyClass::Password),
            ("password_confirmation", KeyClass::Password),
            ("passwordRepeat", KeyClass::Password),
            ("k8svaultapikey", KeyClass::Token),
            ("DBPASSWORD", KeyClass::Password),
            ("SECRET_COOKIE_KEY", KeyClass::Token),
            ("auth", KeyClass::Token),
        ] {
            assert_eq!(classify(name.as_bytes()), Some(class), "{name}");
        }
    }

    #[test]
    fn names_of_other_things_are_not_credentials() {
        for name in [
            "adminSecretName",
            "secretFile",
            "UserSecretsId",
            "SHOW_PWD_TOOLTIP",
            "LABEL_PASSWORD",
            "token.style",
            "max_tokens",
            "next_token",
            "password_hash",
            "hashed_password",
            "key",
            "primary_key_column",
            "monkey",
            "bypass",
            "passport",
            "tokenizer",
            "access_key_id",
            "password_confirmation_label",
            "has_password",
            "token_type",
            "secret_ref",
            "api_key_header",
            "configFromSecret",
            "welcomeBannerStatusCookieKey",
            "DESKTOP_UI_MODE_STORAGE_KEY",
        ] {
            assert_eq!(classify(name.as_bytes()), None, "{name}");
        }
    }
}
