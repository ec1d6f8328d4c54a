#!/usr/bin/env python3
"""List lines of an exported tree that may hold a credential and are not labeled yet.

    candidates.py REPO TREE --labels labels.jsonl [--repos repos.tsv] [--out FILE]

The labeler's own search for misses, independent of any scanner: credential-named keys with a
literal value in config and source files (.env, ini, yaml, compose, Kubernetes, Terraform,
properties, xml, json, php, py, js/ts, rb, go, java, ...), connection strings with a password,
private key blocks, framework keys (Django SECRET_KEY, Laravel APP_KEY, WordPress salts, Rails
secret_key_base, Phoenix secret_key_base), literals passed to crypto or auth calls, and files of
common tools that hold credentials (.netrc, .pgpass, .git-credentials, .htpasswd, sftp configs,
.s3cfg, docker config, *.ppk, *.key, master.key, ...). It is deliberately generous: every hit
is read in context and labeled by hand (most are not credentials).

Each candidate is printed as a ready-to-label record with the line's shape redacted (score.py's
redaction), never the value.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import Labels, read_repos, redact_line, guess_context  # noqa: E402

NAME = (r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
        r"client[_-]?secret|auth[_-]?key|credential|salt|signing[_-]?key|encryption[_-]?key|master[_-]?key|"
        r"app[_-]?key|dsn|conn(?:ection)?[_-]?str(?:ing)?|database[_-]?url|db[_-]?url|auth)")
KEY = r"[\"']?(?P<key>[\w.\-]*" + NAME + r"[\w.\-]*)[\"']?\]?"
QUOTED = re.compile(r"(?i)" + KEY + r"\s*(?:=>|:=|==|=|:|,)\s*[bru]?(?P<q>[\"'`])(?P<val>(?:(?!(?P=q)).){3,}?)(?P=q)")
UNQUOTED = re.compile(r"(?i)" + KEY + r"\s*(?:=|:)\s*(?P<val>[^\s\"'#;,]{3,})")
XML_TAG = re.compile(r"(?i)<(?P<key>[\w.\-]*" + NAME + r"[\w.\-]*)>(?P<val>[^<]{3,})</")
XML_ATTR = re.compile(r"(?i)(?:name|key)=\"(?P<key>[\w.\-]*" + NAME + r"[\w.\-]*)\"\s+value=\"(?P<val>[^\"]{3,})\"")
CONFIG_FILE = re.compile(r"(?i)(\.(env|ini|cfg|conf|cnf|properties|ya?ml|toml|tfvars|sh|bash|txt|example|sample|"
                         r"dist|local|md|rst)$|(^|/)(\.env[^/]*|Dockerfile[^/]*|[^/.]+)$)")
URL_PASS = re.compile(r"[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:(?P<val>[^\s@/'\"]{2,})@[^\s'\"]+", re.I)
PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|PuTTY-User-Key-File")
FRAMEWORK = re.compile(r"(?i)\b(SECRET_KEY|APP_KEY|AUTH_KEY|SECURE_AUTH_KEY|LOGGED_IN_KEY|NONCE_KEY|AUTH_SALT|"
                       r"SECURE_AUTH_SALT|LOGGED_IN_SALT|NONCE_SALT|secret_key_base|signing_salt|"
                       r"SECRET_KEY_BASE|JWT_SECRET|SESSION_SECRET|COOKIE_SECRET)\b")
LITERAL = re.compile(r"[bru]?(?P<q>[\"'`])(?P<val>[^\"'`]{6,}?)(?P=q)")
CRYPTO_CALL = re.compile(r"(?i)(createHmac|createCipheriv?|jwt\.(sign|verify|encode|decode)|hmac\.new|HMAC\(|"
                         r"SecretKeySpec|signWith|setSigningKey|Algorithm\.HMAC|\bsession\(\s*\{|cookieParser\(|"
                         r"cookie-session|secret\s*:|secret\s*=|expressJwt|JWT\.encode|JWT\.decode)")
CRED_FILES = re.compile(r"(^|/)(\.netrc|_netrc|\.pgpass|\.git-credentials|\.htpasswd|htpasswd|\.s3cfg|\.esmtprc|"
                        r"\.dockercfg|\.npmrc|\.pypirc|\.ftpconfig|\.remote-sync\.json|sftp-config\.json|sftp\.json|"
                        r"deployment-config\.json|WebServers\.xml|sitemanager\.xml|recentservers\.xml|"
                        r"filezilla\.xml|credentials(\.json|\.yml|\.yaml)?|master\.key|id_[rd]sa|id_ecdsa|"
                        r"id_ed25519|[^/]*\.ppk|[^/]*\.key|[^/]*\.pem|[^/]*\.p12|[^/]*\.pfx|shadow|"
                        r"[^/]*password[^/]*\.txt|[^/]*secret[^/]*\.(txt|env)|\.tugboat|heroku\.json|"
                        r"logins\.json|dbeaver-data-sources\.xml|[^/]*\.htpasswd|\.docker/config\.json|\.pgpass|hub)$", re.I)
LOCKFILE = re.compile(r"(^|/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|composer\.lock|Gemfile\.lock|"
                      r"poetry\.lock|Cargo\.lock|go\.sum|mix\.lock|Podfile\.lock|[^/]*\.min\.js)$")
PEM_BODY = re.compile(r"^[A-Za-z0-9+/=]{40,}$")
PUBLIC_PEM = re.compile(r"BEGIN (CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST)")
SKIP_DIR = re.compile(r"(^|/)(\.git|node_modules)/")
TEXT_EXT = re.compile(r"\.(env|ini|cfg|conf|config|cnf|properties|ya?ml|toml|json|xml|tf|tfvars|hcl|php|py|js|"
                      r"mjs|cjs|ts|tsx|jsx|rb|erb|go|java|kt|scala|cs|ex|exs|eex|heex|sh|bash|zsh|ps1|sql|"
                      r"dockerfile|md|rst|txt|html|vue|j2|tpl|gotmpl|example|sample|dist|template|local|"
                      r"dev|prod|test|secret|rs|c|h|cpp|swift|m|lua|pl|gradle|yml\.j2)$|(^|/)(\.env[^/]*|"
                      r"Dockerfile[^/]*|[^/.]+)$", re.I)
# A literal default behind an environment lookup: getenv('X') ?: 'lit', env('X', 'lit'),
# os.environ.get('X', 'lit'), ENV.fetch('X', 'lit'), process.env.X || 'lit', ${X:-lit}, ${X:lit}.
NAMED = re.compile(r"(?i)[\w.\-]*" + NAME)
FALLBACK = re.compile(r"(?:\?:|\|\||\?\?|\bor\b)\s*[bru]?(?P<q>[\"'])(?P<val>[^\"'`]{3,})(?P=q)|"
                      r"(?:getenv|environ\.get|\benv|fetch|\bget|getProperty|GetEnvironmentVariable|config)\(\s*"
                      r"[\"'][\w.\-]+[\"']\s*,\s*[bru]?(?P<q2>[\"'`])(?P<val3>[^\"'`]{3,})(?P=q2)|"
                      r"\$\{[A-Za-z_][\w.]*:-?(?P<val2>[^}\s]{3,})\}")
# Values that are evidently not a literal secret: references, expressions, types, booleans.
NOT_LITERAL = re.compile(r"(?i)^(\$|%|\{\{|\{%|<%|@|\(|\[|process\.env|os\.environ|os\.getenv|getenv|env\(|"
                         r"ENV\[|config\.|settings\.|self\.|this\.|params|req\.|request\.|true$|false$|null$|"
                         r"none$|nil$|undefined$|string$|str$|int$|bool$|boolean$|number$|object$|optional|"
                         r"required$|yes$|no$|\d{1,4}$)")


# Keys that name where a secret is, not the secret: secretName, passwordFile, tokenUrl, existingSecret...
REFERENCE_KEY = re.compile(r"(?i)(^existing|(name|names|ref|file|files|path|selector|url|uri|endpoint|type|mode|"
                           r"enabled|header|policy|method|version|length|ttl|expiry|expires|lifetime|duration|"
                           r"provider|store|storage|manager|dir|volume|mount|template|format|source|field|"
                           r"plugin|validators?|reset|confirm(ation)?_?field|label|_id|Id)$)")


def literal_ok(key, val):
    v = val.strip()
    if key and (REFERENCE_KEY.search(key.strip("\"'[]")) or "author" in key.lower()):
        return False
    if len(v) < 3 or NOT_LITERAL.match(v):
        return False
    if re.fullmatch(r"[\w.]+\(.*\)?", v) and "(" in v:          # a call
        return False
    return True


def line_reasons(line, rel):
    why = []
    if PEM.search(line):
        why.append("private-key")
    m = URL_PASS.search(line)
    if m and not NOT_LITERAL.match(m.group("val")) and not re.search(r"[{}#]", m.group("val")):
        why.append("connection-string")
    pairs = [m for rx in (QUOTED, XML_TAG, XML_ATTR) for m in rx.finditer(line)]
    if CONFIG_FILE.search(rel):
        pairs += list(UNQUOTED.finditer(line))
    if any(literal_ok(m.group("key"), m.group("val")) for m in pairs):
        why.append("credential-named")
    fb = FALLBACK.search(line)
    if fb and NAMED.search(line) and literal_ok("", fb.group("val") or fb.group("val2") or fb.group("val3") or ""):
        why.append("default-fallback")
    if FRAMEWORK.search(line) and (LITERAL.search(line) or re.search(r"[=:]\s*[^\s$'\"{(]{8,}", line)):
        why.append("framework-key")
    if CRYPTO_CALL.search(line) and any(literal_ok("", m.group("val")) for m in LITERAL.finditer(line)):
        why.append("crypto-or-auth-literal")
    return why


def scan_file(path, rel):
    try:
        if os.path.getsize(path) > 2_000_000:
            return
        data = open(path, "rb").read()
    except OSError:
        return
    if b"\0" in data[:8000]:
        if CRED_FILES.search(rel):
            yield 1, "credential-file (binary)", ""
        return
    lines = data.decode("utf-8", "replace").splitlines()
    if CRED_FILES.search(rel) and len(lines) <= 200:
        for n, line in enumerate(lines, 1):
            t = line.strip()
            # A PEM body, its END line and public material are not candidates of their own.
            if not t or t.startswith(("#", "//", "-----END")) or PEM_BODY.match(t) or PUBLIC_PEM.search(t):
                continue
            yield n, "credential-file", line
        return
    if not TEXT_EXT.search(rel):
        return
    for n, line in enumerate(lines, 1):
        if len(line) > 1000:
            continue
        why = line_reasons(line, rel)
        if why:
            yield n, ",".join(why), line


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("repo")
    ap.add_argument("tree")
    ap.add_argument("--labels", required=True)
    ap.add_argument("--repos", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "repos.tsv"))
    ap.add_argument("--out")
    a = ap.parse_args()
    repos = read_repos(a.repos)
    labels = Labels(a.labels, repos)
    out = open(a.out, "w", encoding="utf-8") if a.out else sys.stdout
    count = 0
    for root, dirs, files in os.walk(a.tree):
        dirs[:] = sorted(d for d in dirs if d not in (".git", "node_modules"))
        for name in sorted(files):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, a.tree)
            if os.path.islink(path) or SKIP_DIR.search(rel) or LOCKFILE.search(rel):
                continue
            for line, why, text in scan_file(path, rel):
                if labels.at(a.repo, rel, line):
                    continue
                count += 1
                rec = {"repo": a.repo, "commit": repos[a.repo]["commit"], "path": rel, "line": line,
                       "label": "", "kind": "", "context": guess_context(rel), "class": "", "note": "",
                       "shape": redact_line(text), "why": why}
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{count} candidate lines not labeled yet in {a.repo}", file=sys.stderr)


if __name__ == "__main__":
    main()
