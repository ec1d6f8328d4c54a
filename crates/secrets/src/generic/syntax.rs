//! Finds `name <op> value` pairs whose name denotes a credential, in any language or
//! config format, from the tokens of a line: assignments (`=`, `:=`, `=>`, `:`, `?=`),
//! comparisons with a literal (`req.body.password === '…'`), the first string argument of
//! a call followed by a second (`define('DB_PASSWORD', '…')`, `setenv("TOKEN", "…")`,
//! `env('SECRET_KEY', '…')` where the second is a hard-coded fallback), fallbacks
//! (`process.env.TOKEN || '…'`), name/value pairs (`- name: SMTP_PASSWORD` then
//! `value: …`), XML elements and attributes, and `KEY=value` inside a string
//! (`- "POSTGRES_PASSWORD=…"` in a compose list).

use super::key::{self, KeyClass, classify};
use super::lex::{Kind, Token, lex};

/// A credential-named value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub class: KeyClass,
    /// The value's span in the file.
    pub value: (usize, usize),
    /// The span from the name to the end of the value.
    pub whole: (usize, usize),
    /// Quoted in the source (a literal in any language).
    pub quoted: bool,
    /// Unquoted: a literal in configuration syntax (`.env`, YAML, ini, shell), an
    /// identifier in program code. Judged once the path is known.
    pub bare: bool,
    /// The source declares the value base64-encoded (FileZilla's `encoding="base64"`).
    pub base64: bool,
}

/// Calls whose string argument after the first is a fallback value (`env('KEY', '…')`).
const FALLBACK_CALLS: &[&str] = &[
    "env",
    "getenv",
    "get",
    "fetch",
    "getordefault",
    "getproperty",
    "environ",
    "config",
    "setting",
    "settings",
    "default",
    "get_env",
    "env_var",
    "getenvordefault",
    "getstring",
    "option",
    "setdefault",
];

/// Calls that wrap a literal (`String::from("…")`, `[]byte("…")`, `SecretStr("…")`).
const WRAPPERS: &[&str] = &[
    "string",
    "from",
    "str",
    "bytes",
    "byte",
    "secretstr",
    "secretstring",
    "secret",
    "some",
    "buffer",
    "tostring",
    "encode",
    "utf8",
    "new",
    // Hashing the literal at seed time: the literal is the password.
    "bcrypt",
    "make",
    "hash",
    "hashpw",
    "make_password",
    "generate_password_hash",
    "password_hash",
    "md5",
    "sha1",
    "sha256",
    "crypt",
];

/// Calls that take a key or a secret, and which argument it is: `createHmac('sha256', '…')`,
/// `jwt.sign(payload, '…')`, `hmac.new(b'…', …)`, `new SecretKeySpec("…".getBytes(), …)`.
const KEY_CALLS: &[(&str, usize)] = &[
    ("createhmac", 1),
    ("createcipheriv", 1),
    ("createdecipheriv", 1),
    ("jwt.sign", 1),
    ("jwt.verify", 1),
    ("jwt.encode", 1),
    ("jwt.decode", 1),
    ("jsonwebtoken.sign", 1),
    ("jsonwebtoken.verify", 1),
    ("hmac.new", 0),
    ("secretkeyspec", 0),
    ("from_secret", 0),
    ("cookieparser", 0),
    ("hmacsha256", 0),
    ("hmacsha512", 0),
    ("signwith", 1),
    ("setsigningkey", 0),
];

/// Calls that log a user in, whose second argument is the password
/// (`$this->login('admin@example.com', '…')`, `get_user_by_email_and_password(e, '…')`).
const LOGIN_CALLS: &[&str] = &[
    "login",
    "log_in",
    "signin",
    "sign_in",
    "authenticate",
    "and_password",
    "with_password",
    "basicauth",
    "basic_auth",
    "setcredentials",
    "withcredentials",
];

/// Names whose value names another entry that carries the value (`- name: X` / `value:`).
const NAME_KEYS: &[&[u8]] = &[
    b"name",
    b"key",
    b"variable",
    b"var",
    b"param",
    b"parametername",
    b"parameterkey",
    b"env",
];

/// Names of the entry that carries a [`NAME_KEYS`] entry's value.
const VALUE_KEYS: &[&[u8]] = &[b"value", b"parametervalue", b"defaultvalue"];

/// How many lines after a name a name/value pair or a continued call may use.
const LOOKAHEAD_LINES: usize = 2;

/// The pairs on the line `data[start..end]` (which may read up to two lines further for a
/// value that continues there).
pub fn pairs(data: &[u8], start: usize, end: usize, out: &mut Vec<Pair>) {
    let line = &data[start..end];
    let tokens = lex(line);
    let context = Line {
        data,
        start,
        end,
        line,
        tokens: &tokens,
    };
    context.assignments(out);
    context.spaced(out);
    context.identified_by(out);
    if memchr::memchr(b'<', line).is_some() {
        context.xml(out);
    }
}

struct Line<'a> {
    data: &'a [u8],
    start: usize,
    end: usize,
    line: &'a [u8],
    tokens: &'a [Token],
}

/// A name taken from a token: words lose their sigils (`$db_password`, `--password`,
/// `:password`), and dotted paths keep their last part for classification.
fn name_of<'t>(token: &Token, line: &'t [u8]) -> Option<&'t [u8]> {
    let text = token.text(line);
    let text = match token.kind {
        Kind::Word => {
            let trimmed = text.trim_ascii_start();
            let start = trimmed
                .iter()
                .position(|b| !matches!(b, b'$' | b'@' | b'-' | b':'))
                .unwrap_or(trimmed.len());
            &trimmed[start..]
        }
        // `'#password'`: a form field's selector; what is typed into it is a password.
        Kind::Str { closed: true, .. } => text.strip_prefix(b"#").unwrap_or(text),
        _ => return None,
    };
    (!text.is_empty() && text.len() <= 80).then_some(text)
}

impl Line<'_> {
    fn abs(&self, span: (usize, usize)) -> (usize, usize) {
        (self.start + span.0, self.start + span.1)
    }

    fn punct(&self, i: usize, p: &str) -> bool {
        self.tokens.get(i).is_some_and(|t| t.is(self.line, p))
    }

    fn assignments(&self, out: &mut Vec<Pair>) {
        let tokens = self.tokens;
        let mut i = 0;
        while i < tokens.len() {
            let key = tokens[i];
            // `KEY=value` inside a string: a compose list item, a command-line argument.
            if key.is_closed_str() && !self.followed_by_operator(i + 1) {
                self.inside_string(&key, out);
            }
            if key.kind == Kind::Word
                && self.punct(i + 1, "(")
                && let Some(pair) = self.key_call(i)
            {
                out.push(pair);
                i += 2;
                continue;
            }
            let Some(name) = name_of(&key, self.line) else {
                i += 1;
                continue;
            };
            if NAME_KEYS.iter().any(|k| k.eq_ignore_ascii_case(name))
                && let Some(pair) = self.name_value(i)
            {
                out.push(pair);
                i += 1;
                continue;
            }
            // Terraform: `variable "db_password" {` ⏎ … `default = "…"`.
            if name == b"variable"
                && let Some(pair) = self.variable_default(i)
            {
                out.push(pair);
                i += 2;
                continue;
            }
            let Some(class) = classify(name) else {
                i += 1;
                continue;
            };
            if let Some((pair, next)) = self.value_after(i, class) {
                out.push(pair);
                i = next;
            } else {
                i += 1;
            }
        }
    }

    /// `createHmac('sha256', '…')`: the key argument of a call that takes one.
    fn key_call(&self, i: usize) -> Option<Pair> {
        let callee = String::from_utf8_lossy(self.tokens[i].text(self.line)).to_ascii_lowercase();
        let callee = callee.strip_prefix("crypto.").unwrap_or(&callee);
        let callee = callee.rsplit("::").next().unwrap_or(callee);
        let last = callee.rsplit('.').next().unwrap_or(callee);
        let (argument, class) = match KEY_CALLS
            .iter()
            .find(|(name, _)| callee == *name || callee.ends_with(&format!(".{name}")))
        {
            Some(&(_, argument)) => (argument, KeyClass::Secret),
            // Only with a literal user first (`login('admin@example.com', '…')`): after a
            // variable (`login($user, 'oidc')`) the second argument names a method.
            // And with two arguments only: `Login(host, user, token, …)` has a user second.
            None if LOGIN_CALLS.iter().any(|name| last.ends_with(name))
                && self.punct(i + 1, "(")
                && self.tokens.get(i + 2).is_some_and(Token::is_closed_str)
                && self.punct(i + 3, ",")
                && self.tokens.get(i + 4).is_some_and(Token::is_closed_str)
                && self.punct(i + 5, ")") =>
            {
                (1, KeyClass::Password)
            }
            None => return None,
        };
        let mut depth = 0usize;
        let mut index = 0usize;
        for t in &self.tokens[i + 1..] {
            if t.is(self.line, "(") || t.is(self.line, "[") || t.is(self.line, "{") {
                depth += 1;
            } else if t.is(self.line, ")") || t.is(self.line, "]") || t.is(self.line, "}") {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return None;
                }
            } else if depth == 1 && t.is(self.line, ",") {
                index += 1;
            } else if depth == 1 && index == argument {
                return t
                    .is_closed_str()
                    .then(|| self.pair(class, t.inner, self.tokens[i].start, t.end, true));
            }
        }
        None
    }

    /// The innermost bracket left open before token `i` on this line.
    fn innermost_open(&self, i: usize) -> Option<&'static str> {
        let mut stack: Vec<&'static str> = Vec::new();
        for t in &self.tokens[..i] {
            for (open, close) in [("(", ")"), ("[", "]"), ("{", "}")] {
                if t.is(self.line, open) {
                    stack.push(open);
                } else if t.is(self.line, close) && stack.last() == Some(&open) {
                    stack.pop();
                }
            }
        }
        stack.last().copied()
    }

    /// The string after a credential's name among a call's arguments. A second name there
    /// (`["password", "secret"]`-like lists of names) is no value; the name itself again
    /// (`.formParam("password", "password")`) is.
    fn argument_pair(&self, i: usize, comma: usize, class: KeyClass) -> Option<(Pair, usize)> {
        let value = self.tokens.get(comma + 1)?;
        if !value.is_closed_str() {
            return None;
        }
        // The key's own noun (`("matchingPassword", "password")`) is a value too; another
        // name is a list of field names (`("password1", "password2")`); and a bare word
        // is a mode or a command (`("credential", "reject")`).
        let text = value.text(self.line);
        let noun = key::words(self.tokens[i].text(self.line)).pop();
        let own_noun = noun.is_some_and(|n| n.as_bytes().eq_ignore_ascii_case(text));
        let word = text.iter().all(u8::is_ascii_lowercase) && text.len() < 8;
        let key_text = self.tokens[i].text(self.line);
        let stem = |t: &[u8]| {
            t.iter()
                .copied()
                .filter(|b| !b.is_ascii_digit())
                .collect::<Vec<u8>>()
        };
        let field_list = classify(text).is_some()
            && (!text.iter().any(u8::is_ascii_digit) || stem(text) == stem(key_text));
        if !own_noun && (field_list || word) {
            return None;
        }
        let key_start = self.tokens[i].start;
        Some((
            self.pair(class, value.inner, key_start, value.end, true),
            comma + 2,
        ))
    }

    /// SQL's `IDENTIFIED BY '…'` and `IDENTIFIED WITH plugin BY '…'`.
    fn identified_by(&self, out: &mut Vec<Pair>) {
        let tokens = self.tokens;
        for (i, t) in tokens.iter().enumerate() {
            if t.kind != Kind::Word || !t.text(self.line).eq_ignore_ascii_case(b"identified") {
                continue;
            }
            for k in i + 1..(i + 5).min(tokens.len().saturating_sub(1)) {
                if tokens[k].kind == Kind::Word
                    && tokens[k].text(self.line).eq_ignore_ascii_case(b"by")
                    && tokens[k + 1].is_closed_str()
                {
                    let value = tokens[k + 1];
                    out.push(self.pair(KeyClass::Password, value.inner, t.start, value.end, true));
                    break;
                }
            }
        }
    }

    /// `password "s3cret"` or `password s3cret` alone on a line: the space-separated
    /// settings of `.esmtprc`, `.netrc`-like and Ruby DSL files.
    fn spaced(&self, out: &mut Vec<Pair>) {
        let [key, value] = self.tokens else { return };
        if key.kind != Kind::Word || key.start > 16 {
            return;
        }
        let Some(class) = name_of(key, self.line).and_then(classify) else {
            return;
        };
        match value.kind {
            Kind::Str { closed: true, .. } => {
                out.push(self.pair(class, value.inner, key.start, value.end, true));
            }
            Kind::Word => {
                let mut pair =
                    self.pair(class, (value.start, value.end), key.start, value.end, false);
                pair.bare = true;
                out.push(pair);
            }
            _ => {}
        }
    }

    fn followed_by_operator(&self, i: usize) -> bool {
        [":", "=", "=>", ":=", ","].iter().any(|p| self.punct(i, p))
    }

    /// `"POSTGRES_PASSWORD=s3cret"`, `'--token=…'`: the string's content read as a line of
    /// configuration, where unquoted values are literals.
    fn inside_string(&self, token: &Token, out: &mut Vec<Pair>) {
        let (from, to) = token.inner;
        let inner = &self.line[from..to];
        if memchr::memchr2(b'=', b':', inner).is_none() || inner.len() > 512 {
            return;
        }
        let mut found = Vec::new();
        pairs(self.data, self.start + from, self.start + to, &mut found);
        for mut pair in found {
            pair.bare = false;
            out.push(pair);
        }
    }

    /// The operator after a credential name at `i`, and the value after it.
    fn value_after(&self, i: usize, class: KeyClass) -> Option<(Pair, usize)> {
        let tokens = self.tokens;
        let key = tokens[i];
        let mut j = i + 1;
        // `config['SECRET_KEY'] = …`, `ENV["TOKEN"] ||= …`.
        if key.is_closed_str() && self.punct(j, "]") {
            j += 1;
        }
        let op = tokens.get(j)?;
        if op.kind != Kind::Punct {
            return None;
        }
        // `password 'x'` (SQL's `WITH PASSWORD`, a DSL's setting): the literal right after
        // a password's own noun.
        if op.is_closed_str()
            && key.kind == Kind::Word
            && class == KeyClass::Password
            && !self.punct(j + 1, "(")
        {
            return Some((self.pair(class, op.inner, key.start, op.end, true), j + 1));
        }
        let op_text = &self.line[op.start..op.end];
        // `("password", "…")`, `Map.of("email", e, "password", "…")`: a name and its
        // value among a call's arguments.
        let in_arguments = key.is_closed_str()
            && i > 0
            && (self.punct(i - 1, "(") || self.punct(i - 1, ","))
            && self.innermost_open(i) == Some("(");
        // A quoted name starts an entry: at the start of the line or after `{ , ( [`.
        // After anything else (`cond ? "pass" : "fail"`) it is a value.
        if key.is_closed_str()
            && i > 0
            && !["{", ",", "(", "["].iter().any(|p| self.punct(i - 1, p))
        {
            return None;
        }
        // `Area::Secrets => "secrets"`: a match arm giving an enum variant its label, not
        // a setting.
        if op_text == b"=>" && key.kind == Kind::Word && i > 0 && self.punct(i - 1, "::") {
            return None;
        }
        match op_text {
            b"=" | b":=" | b"=>" | b"?=" | b"||=" | b"??=" | b"==" | b"===" | b":" => {}
            b"," if in_arguments => return self.argument_pair(i, j, class),
            _ => return None,
        }
        // `=` that is part of `<=`, `!=`… is lexed apart; a `=` right after `)` or a word
        // that is itself a comparison is not an assignment.
        let mut v = j + 1;
        // `password: string = "…"`, `api_key: &str = "…"`: a type annotation, then the value.
        if op_text == b":"
            && let Some(k) = self.after_type(v)
            && let Some(after) = tokens.get(k)
        {
            return self.value_at(k, after, class, key.start, b"=");
        }
        // YAML anchors and tags before a value: `&pw`, `!!str`.
        while let Some(t) = tokens.get(v) {
            let text = &self.line[t.start..t.end];
            if t.kind == Kind::Punct && (text == b"&" || text == b"!") {
                v += 1;
                if tokens.get(v).is_some_and(|t| t.kind == Kind::Word) {
                    v += 1;
                }
                continue;
            }
            break;
        }
        let key_start = key.start;
        let value = tokens.get(v)?;
        self.value_at(v, value, class, key_start, op_text)
    }

    fn value_at(
        &self,
        v: usize,
        value: &Token,
        class: KeyClass,
        key_start: usize,
        op: &[u8],
    ) -> Option<(Pair, usize)> {
        let tokens = self.tokens;
        match value.kind {
            Kind::Str { closed: true, .. } => {
                // `"prefix" + secret`, `"%s" % x`: the literal is only part of the value.
                if self.punct(v + 1, "+") || self.punct(v + 1, "%") {
                    return None;
                }
                // `PASSWORD: 'password'`: a constant naming an enumeration's member.
                let key_text = self
                    .tokens
                    .iter()
                    .find(|t| t.start == key_start)
                    .map(|t| t.text(self.line))
                    .unwrap_or_default();
                let text = value.text(self.line);
                if key_text.iter().all(|b| !b.is_ascii_lowercase())
                    && key_text.eq_ignore_ascii_case(text)
                    && text.iter().all(|b| !b.is_ascii_uppercase())
                {
                    return None;
                }
                Some((
                    self.pair(class, value.inner, key_start, value.end, true),
                    v + 1,
                ))
            }
            Kind::Str { closed: false, .. } => None,
            Kind::Word => {
                // `Hash::make(…)`, `$this->hash(…)`: the last name of a path is the callee.
                let mut v = v;
                while (self.punct(v + 1, "::") || self.punct(v + 1, "->"))
                    && tokens.get(v + 2).is_some_and(|t| t.kind == Kind::Word)
                {
                    v += 2;
                }
                if self.punct(v + 1, "(") {
                    return self.call(v, class, key_start);
                }
                // `process.env.TOKEN || '…'`, `os.environ.get(…) or '…'`.
                if let Some(next) = tokens.get(v + 1) {
                    let text = &self.line[next.start..next.end];
                    if matches!(text, b"||" | b"??" | b"or" | b"?:")
                        && let Some(fallback) = tokens.get(v + 2)
                        && fallback.is_closed_str()
                    {
                        return Some((
                            self.pair(class, fallback.inner, key_start, fallback.end, true),
                            v + 3,
                        ));
                    }
                }
                if matches!(op, b"==" | b"===") {
                    return None;
                }
                // A command-line flag's value (`--admin_password=admin --admin_email=…`)
                // ends at the next space.
                let flag = self
                    .tokens
                    .iter()
                    .find(|t| t.start == key_start)
                    .is_some_and(|t| t.text(self.line).starts_with(b"-"));
                let (from, to) = if flag {
                    let end = self.line[value.start..]
                        .iter()
                        .position(u8::is_ascii_whitespace)
                        .map_or(self.line.len(), |e| value.start + e);
                    (value.start, end)
                } else {
                    self.bare_value(value.start)
                };
                (to > from).then(|| {
                    let mut pair = self.pair(class, (from, to), key_start, to, false);
                    pair.bare = true;
                    (
                        pair,
                        tokens
                            .iter()
                            .position(|t| t.start >= to)
                            .unwrap_or(tokens.len()),
                    )
                })
            }
            Kind::Punct => None,
        }
    }

    /// The token after `=` when the tokens from `v` are a type followed by `=`.
    fn after_type(&self, v: usize) -> Option<usize> {
        let tokens = self.tokens;
        let mut k = v;
        while k < v + 8
            && tokens.get(k).is_some_and(|t| {
                t.kind == Kind::Word
                    || [
                        "<", ">", "[", "]", "?", "|", "&", ".", "::", "*", "'", "(", ")", ",",
                    ]
                    .iter()
                    .any(|p| t.is(self.line, p))
            })
        {
            k += 1;
        }
        (k > v && self.punct(k, "=")).then_some(k + 1)
    }

    /// A call as the value: a fallback argument, a wrapped literal, or code.
    fn call(&self, v: usize, class: KeyClass, key_start: usize) -> Option<(Pair, usize)> {
        let tokens = self.tokens;
        let callee = tokens[v].text(self.line);
        let last = callee
            .rsplit(|&b| b == b'.' || b == b':')
            .next()
            .unwrap_or(callee)
            .to_ascii_lowercase();
        let last = last.as_slice();
        let fallback = FALLBACK_CALLS.iter().any(|c| c.as_bytes() == last);
        let wrapper = WRAPPERS.iter().any(|c| c.as_bytes() == last);
        if !fallback && !wrapper {
            return None;
        }
        // The arguments, possibly continued on the next lines.
        let mut depth = 0usize;
        let mut index = 0usize;
        for (k, t) in tokens.iter().enumerate().skip(v + 1) {
            if t.is(self.line, "(") || t.is(self.line, "[") || t.is(self.line, "{") {
                depth += 1;
                continue;
            }
            if t.is(self.line, ")") || t.is(self.line, "]") || t.is(self.line, "}") {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return self.after_call(k, class, key_start);
                }
                continue;
            }
            if depth == 1 && t.is(self.line, ",") {
                index += 1;
                continue;
            }
            if depth == 1
                && t.is_closed_str()
                && ((fallback && index >= 1) || (wrapper && index == 0))
            {
                return Some((self.pair(class, t.inner, key_start, t.end, true), k + 1));
            }
        }
        // The call continues below: `env('SECRET_KEY',` ⏎ `'h8+…')`.
        if fallback && depth == 1 && index >= 1 {
            return self
                .continued_string(class, key_start)
                .map(|p| (p, tokens.len()));
        }
        None
    }

    /// A fallback after a call that closed at token `close`: `getenv('X') ?: '…'`,
    /// `os.getenv("X") or "…"`, `process.env.X || '…'`.
    fn after_call(&self, close: usize, class: KeyClass, key_start: usize) -> Option<(Pair, usize)> {
        let tokens = self.tokens;
        let mut k = close + 1;
        let op = tokens.get(k)?;
        let text = &self.line[op.start..op.end];
        if text == b"?" && self.punct(k + 1, ":") {
            k += 1;
        } else if !matches!(text, b"||" | b"??" | b"or" | b"?:") {
            return None;
        }
        let fallback = tokens.get(k + 1)?;
        fallback.is_closed_str().then(|| {
            (
                self.pair(class, fallback.inner, key_start, fallback.end, true),
                k + 2,
            )
        })
    }

    /// The first string on the next non-blank line (`'…'` or `default='…'`), as the value
    /// of a call left open.
    fn continued_string(&self, class: KeyClass, key_start: usize) -> Option<Pair> {
        let (from, to) = next_line(self.data, self.end)?;
        let line = &self.data[from..to];
        let tokens = lex(line);
        let first = match tokens.as_slice() {
            [first, ..] if first.is_closed_str() => first,
            [name, op, first, ..]
                if name.text(line) == b"default"
                    && (op.is(line, "=") || op.is(line, ":"))
                    && first.is_closed_str() =>
            {
                first
            }
            _ => return None,
        };
        let value = (from + first.inner.0, from + first.inner.1);
        Some(Pair {
            class,
            value,
            whole: (self.start + key_start, from + first.end),
            quoted: true,
            bare: false,
            base64: false,
        })
    }

    /// `variable "db_password" {` and its `default = "…"` within the next four lines.
    fn variable_default(&self, i: usize) -> Option<Pair> {
        let named = self.tokens.get(i + 1)?;
        if !named.is_closed_str() || !self.punct(i + 2, "{") {
            return None;
        }
        let class = classify(named.text(self.line))?;
        let mut at = self.end;
        for _ in 0..4 {
            let (from, to) = next_line(self.data, at)?;
            let line = &self.data[from..to];
            let tokens = lex(line);
            if tokens.first().is_some_and(|t| t.is(line, "}")) {
                return None;
            }
            if let [key, op, value, ..] = tokens.as_slice()
                && key.text(line) == b"default"
                && op.is(line, "=")
                && value.is_closed_str()
            {
                return Some(Pair {
                    class,
                    value: (from + value.inner.0, from + value.inner.1),
                    whole: (self.start + self.tokens[i].start, from + value.end),
                    quoted: true,
                    bare: false,
                    base64: false,
                });
            }
            at = to;
        }
        None
    }

    /// `- name: SMTP_PASSWORD` and `value: …` on the same line or the next two.
    fn name_value(&self, i: usize) -> Option<Pair> {
        let tokens = self.tokens;
        let key = tokens[i];
        let mut j = i + 1;
        if !(self.punct(j, ":") || self.punct(j, "=") || self.punct(j, "=>")) {
            return None;
        }
        j += 1;
        let named = tokens.get(j)?;
        let class = classify(name_of(named, self.line)?)?;
        // The value entry on this line…
        for k in j + 1..tokens.len() {
            if let Some(pair) = self.value_entry(tokens, k, self.line, self.start, class, key.start)
            {
                return Some(pair);
            }
        }
        // …or on one of the next lines.
        let mut at = self.end;
        for _ in 0..LOOKAHEAD_LINES {
            let (from, to) = next_line(self.data, at)?;
            let line = &self.data[from..to];
            let next_tokens = lex(line);
            for k in 0..next_tokens.len() {
                if let Some(mut pair) =
                    self.value_entry(&next_tokens, k, line, from, class, key.start)
                {
                    pair.whole.0 = self.start + key.start;
                    return Some(pair);
                }
                // Another entry's name comes first: the value below is that entry's.
                if name_of(&next_tokens[k], line)
                    .is_some_and(|n| NAME_KEYS.iter().any(|k| k.eq_ignore_ascii_case(n)))
                {
                    return None;
                }
            }
            at = to;
        }
        None
    }

    fn value_entry(
        &self,
        tokens: &[Token],
        k: usize,
        line: &[u8],
        base: usize,
        class: KeyClass,
        key_start: usize,
    ) -> Option<Pair> {
        let t = tokens.get(k)?;
        let name = name_of(t, line)?;
        if !VALUE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            return None;
        }
        let op = tokens.get(k + 1)?;
        if !(op.is(line, ":") || op.is(line, "=") || op.is(line, "=>")) {
            return None;
        }
        let value = tokens.get(k + 2)?;
        match value.kind {
            Kind::Str { closed: true, .. } => Some(Pair {
                class,
                value: (base + value.inner.0, base + value.inner.1),
                whole: (self.start + key_start, base + value.end),
                quoted: true,
                bare: false,
                base64: false,
            }),
            Kind::Word => {
                let (from, to) = bare_value(line, value.start, false);
                (to > from).then(|| Pair {
                    class,
                    value: (base + from, base + to),
                    whole: (self.start + key_start, base + to),
                    quoted: false,
                    bare: true,
                    base64: false,
                })
            }
            _ => None,
        }
    }

    fn pair(
        &self,
        class: KeyClass,
        value: (usize, usize),
        key_start: usize,
        end: usize,
        quoted: bool,
    ) -> Pair {
        Pair {
            class,
            value: self.abs(value),
            whole: self.abs((key_start, end)),
            quoted,
            bare: false,
            base64: false,
        }
    }

    /// An unquoted value from `from`: to the end of the line, less a trailing comment, or
    /// to the next `,` or `}` inside a flow mapping (`{user: app, password: s3cret}`).
    fn bare_value(&self, from: usize) -> (usize, usize) {
        // Inside `{…}` (a flow mapping) or `(…)` (keyword arguments) a value ends at the
        // next `,` or closing bracket.
        let open = |o: &str, c: &str| {
            let before = self.tokens.iter().filter(|t| t.start < from);
            let opened = before.clone().filter(|t| t.is(self.line, o)).count();
            opened > before.filter(|t| t.is(self.line, c)).count()
        };
        bare_value(self.line, from, open("{", "}") || open("(", ")"))
    }

    /// `<password>…</password>`, `<Pass encoding="base64">…</Pass>`, and
    /// `<add key="ApiKey" value="…"/>` / `<entry key="password">…</entry>`.
    fn xml(&self, out: &mut Vec<Pair>) {
        let line = self.line;
        let mut at = 0;
        while let Some(open) = memchr::memchr(b'<', &line[at..]).map(|o| at + o) {
            at = open + 1;
            let Some(close) = memchr::memchr(b'>', &line[open..]).map(|c| open + c) else {
                break;
            };
            let tag = &line[open + 1..close];
            if tag.first().is_none_or(|b| !b.is_ascii_alphabetic()) {
                continue;
            }
            let name_end = tag
                .iter()
                .position(|b| b.is_ascii_whitespace() || *b == b'/')
                .unwrap_or(tag.len());
            let name = &tag[..name_end];
            let attributes = &tag[name_end..];
            let self_closing = tag.ends_with(b"/");
            let text_start = close + 1;
            let text_end =
                memchr::memchr(b'<', &line[text_start..]).map_or(line.len(), |e| text_start + e);
            let base64 = contains_ci(attributes, b"encoding=\"base64\"");
            // The element's own name is the credential's.
            let class = classify(local_name(name)).or_else(|| {
                // `key="ApiKey"`, `name="password"`: the attribute names the credential.
                ["key", "name", "id"].iter().find_map(|attr| {
                    attribute(attributes, attr).and_then(|(s, e)| classify(&attributes[s..e]))
                })
            });
            let Some(class) = class else { continue };
            let value = if let Some((s, e)) = attribute(attributes, "value") {
                let offset = open + 1 + name_end;
                Some((offset + s, offset + e))
            } else if !self_closing && text_end > text_start && text_end < line.len() {
                Some(trim_span(line, text_start, text_end))
            } else {
                None
            };
            if let Some(value) = value
                && value.1 > value.0
            {
                out.push(Pair {
                    class,
                    value: self.abs(value),
                    whole: self.abs((open, value.1)),
                    quoted: true,
                    bare: false,
                    base64,
                });
            }
        }
    }
}

/// The part of an XML name after its namespace prefix.
fn local_name(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

/// The span of attribute `name`'s value inside `attributes` (`name="…"` or `name='…'`).
fn attribute(attributes: &[u8], name: &str) -> Option<(usize, usize)> {
    let mut at = 0;
    while let Some(found) = find_ci(&attributes[at..], name.as_bytes()).map(|f| at + f) {
        at = found + name.len();
        let before_ok = found == 0 || attributes[found - 1].is_ascii_whitespace();
        let rest = &attributes[at..];
        let eq = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        if !before_ok || rest[eq] != b'=' {
            continue;
        }
        let after = &rest[eq + 1..];
        let q = after.iter().position(|b| !b.is_ascii_whitespace())?;
        let quote = after[q];
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let start = at + eq + 1 + q + 1;
        let len = memchr::memchr(quote, &attributes[start..])?;
        return Some((start, start + len));
    }
    None
}

fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

fn contains_ci(haystack: &[u8], needle: &[u8]) -> bool {
    find_ci(haystack, needle).is_some()
}

fn trim_span(line: &[u8], mut from: usize, mut to: usize) -> (usize, usize) {
    while from < to && line[from].is_ascii_whitespace() {
        from += 1;
    }
    while to > from && line[to - 1].is_ascii_whitespace() {
        to -= 1;
    }
    (from, to)
}

/// An unquoted value: to the end of the line, less a trailing ` #` or ` //` comment; in a
/// flow mapping, to the next `,` or `}`.
fn bare_value(line: &[u8], from: usize, in_flow: bool) -> (usize, usize) {
    let mut to = line.len();
    for i in from..line.len() {
        let b = line[i];
        // In a flow mapping a value ends at `,` or `}`; in a query string at `&`; before
        // markup at `<` (`password : reaper<br>`).
        if (in_flow && matches!(b, b',' | b'}' | b')')) || b == b'&' {
            to = i;
            break;
        }
        if b == b'<' {
            // `CreationOptional<string>`: a generic type, not a value.
            let word = &line[from..i];
            if word.first().is_some_and(u8::is_ascii_uppercase)
                && word.iter().all(u8::is_ascii_alphanumeric)
            {
                return (from, from);
            }
            // `reaper<br>`: the value ends where markup starts (`<your-token>` is no markup
            // and stays, to be judged a placeholder).
            if html_tag_at(&line[i..]) {
                to = i;
                break;
            }
        }
        let spaced = i > from && line[i - 1].is_ascii_whitespace();
        if spaced && (b == b'#' || line[i..].starts_with(b"//")) {
            to = i;
            break;
        }
    }
    trim_span(line, from, to)
}

/// Whether `text` starts with an HTML tag of the kind text is formatted with (`<br>`,
/// `</td>`, `<span class=…>`).
fn html_tag_at(text: &[u8]) -> bool {
    const TAGS: &[&[u8]] = &[
        b"br", b"p", b"span", b"div", b"td", b"tr", b"th", b"li", b"b", b"i", b"em", b"strong",
        b"code", b"pre", b"a", b"font", b"small", b"sup", b"sub", b"hr", b"u",
    ];
    let rest = text.strip_prefix(b"<").unwrap_or(text);
    let rest = rest.strip_prefix(b"/").unwrap_or(rest);
    let name_len = rest
        .iter()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    let name = rest[..name_len].to_ascii_lowercase();
    TAGS.contains(&name.as_slice()) && matches!(rest.get(name_len), Some(b'>' | b' ' | b'/') | None)
}

/// The span of the next non-blank line after the line ending at `end`.
fn next_line(data: &[u8], end: usize) -> Option<(usize, usize)> {
    let mut at = end;
    for _ in 0..4 {
        if at >= data.len() {
            return None;
        }
        let from = at + 1;
        let to = memchr::memchr(b'\n', &data[from..]).map_or(data.len(), |i| from + i);
        let line = &data[from..to];
        if line.iter().any(|b| !b.is_ascii_whitespace()) {
            let to = if line.ends_with(b"\r") { to - 1 } else { to };
            return Some((from, to));
        }
        at = to;
    }
    None
}
