//! What a path says about the secrets in it: the context a finding carries (test, fixture,
//! example, docs, vendored code), whether the file is program code (where an unquoted
//! value is an identifier, not a literal), and whether it is a translation catalogue
//! (where `"PASSWORD": "Wachtwoord"` is a label).

/// Where in the repository a finding sits; the policy says what each context counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    /// Tests (`tests/`, `*_test.go`, `*.spec.ts`).
    Test,
    /// Test data (`fixtures/`, `testdata/`, `__mocks__/`).
    Fixture,
    /// Examples and templates (`examples/`, `.env.example`, `*.dist`).
    Example,
    /// Documentation (`docs/`, `*.md`).
    Docs,
    /// Third-party code copied in (`vendor/`, `node_modules/`, `third_party/`).
    Vendor,
}

impl Context {
    /// Every context.
    pub const ALL: [Context; 5] = [
        Context::Test,
        Context::Fixture,
        Context::Example,
        Context::Docs,
        Context::Vendor,
    ];

    /// The id used in reports and the policy.
    pub fn id(self) -> &'static str {
        match self {
            Context::Test => "test",
            Context::Fixture => "fixture",
            Context::Example => "example",
            Context::Docs => "docs",
            Context::Vendor => "vendor",
        }
    }
}

const VENDOR_DIRS: &[&str] = &[
    "vendor",
    "vendors",
    "node_modules",
    "bower_components",
    "jspm_packages",
    "third_party",
    "third-party",
    "thirdparty",
    "3rdparty",
    "site-packages",
    "pods",
    "carthage",
    ".yarn",
];
const FIXTURE_DIRS: &[&str] = &[
    "fixtures",
    "fixture",
    "__fixtures__",
    "__mocks__",
    "mocks",
    "mock",
    "stubs",
    "testdata",
    "test-data",
    "test_data",
];
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "testing",
    "e2e",
    "integration-tests",
    "cypress",
    "playwright",
];
const EXAMPLE_DIRS: &[&str] = &[
    "example",
    "examples",
    "sample",
    "samples",
    "demo",
    "demos",
    "quickstart",
];
const DOC_DIRS: &[&str] = &["doc", "docs", "documentation", "man", "wiki"];
const DOC_EXTENSIONS: &[&str] = &["md", "markdown", "rst", "adoc", "asciidoc", "textile"];
const EXAMPLE_SUFFIXES: &[&str] = &[
    ".example",
    ".sample",
    ".dist",
    ".template",
    ".tmpl",
    ".tpl",
    "-example",
    "_example",
    ".defaults",
];

/// The context of a repository-relative path, if any.
pub fn context(path: &str) -> Option<Context> {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split('/').collect();
    let file = segments.pop().unwrap_or_default();
    let any_dir = |list: &[&str]| segments.iter().any(|s| list.contains(s));
    if any_dir(VENDOR_DIRS) {
        return Some(Context::Vendor);
    }
    if any_dir(FIXTURE_DIRS) {
        return Some(Context::Fixture);
    }
    if any_dir(TEST_DIRS) || is_test_file(file) {
        return Some(Context::Test);
    }
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    if any_dir(EXAMPLE_DIRS)
        || EXAMPLE_SUFFIXES
            .iter()
            .any(|s| file.ends_with(s) || stem.ends_with(s) || file.contains(&format!("{s}.")))
    {
        return Some(Context::Example);
    }
    let extension = file.rsplit_once('.').map(|(_, e)| e);
    if any_dir(DOC_DIRS) || extension.is_some_and(|e| DOC_EXTENSIONS.contains(&e)) {
        return Some(Context::Docs);
    }
    None
}

/// `x_test.go`, `test_x.py`, `x.test.ts`, `x.spec.js`, `XTest.java`, `x_spec.rb`, and
/// Rust's and Python's test modules (`tests.rs`, `tests.py`, `test.rs`).
fn is_test_file(file: &str) -> bool {
    if matches!(file, "tests.rs" | "test.rs" | "tests.py") {
        return true;
    }
    let stem = file.split('.').next().unwrap_or(file);
    stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("_spec")
        || stem.ends_with("test") && file.ends_with(".java")
        || file.contains(".test.")
        || file.contains(".spec.")
        || file.contains("tests.cs")
}

/// Extensions of program code, where an unquoted value after `=` or `:` is an identifier
/// or an expression, never a literal.
const CODE_EXTENSIONS: &[&str] = &[
    "js",
    "jsx",
    "mjs",
    "cjs",
    "ts",
    "tsx",
    "mts",
    "cts",
    "vue",
    "svelte",
    "py",
    "pyi",
    "rb",
    "go",
    "java",
    "kt",
    "kts",
    "scala",
    "groovy",
    "gradle",
    "cs",
    "fs",
    "vb",
    "php",
    "c",
    "h",
    "cc",
    "cpp",
    "cxx",
    "hpp",
    "hh",
    "m",
    "mm",
    "swift",
    "rs",
    "dart",
    "lua",
    "pl",
    "pm",
    "r",
    "jl",
    "ex",
    "exs",
    "erl",
    "clj",
    "cljs",
    "hs",
    "ml",
    "zig",
    "nim",
    "sol",
    "coffee",
    "tf",
    "hcl",
    "cr",
    "elm",
    "fsx",
    "ps1",
    "psm1",
    "rake",
    "gemspec",
    "podspec",
    "sbt",
    "cmd",
    "bat",
    "vbs",
    "ejs",
    "erb",
    "jsp",
    "hbs",
    "handlebars",
    "twig",
    "jinja",
    "jinja2",
    "j2",
    "njk",
    "liquid",
    "mustache",
    "pug",
    "haml",
    "slim",
    "cshtml",
    "razor",
    "astro",
];

/// Lock files: resolved package names, versions and hashes, never credentials found by
/// context (a provider's token in one is still reported).
const LOCKFILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "deno.lock",
    "cargo.lock",
    "go.sum",
    "composer.lock",
    "gemfile.lock",
    "poetry.lock",
    "pipfile.lock",
    "pdm.lock",
    "uv.lock",
    "podfile.lock",
    "mix.lock",
    "pubspec.lock",
    "packages.lock.json",
    "flake.lock",
    "gradle.lockfile",
    "package.resolved",
];

/// A file that is an example to copy from (`.env.example`, `env.example`,
/// `config.php.dist`, `settings.yml.sample`): a weak value in it is a placeholder for the
/// user's own.
pub fn is_example_file(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    file.split(['.', '-', '_']).any(|part| {
        matches!(
            part,
            "example" | "sample" | "dist" | "template" | "tmpl" | "tpl" | "defaults"
        )
    })
}

/// Secret scanners' own files: their rules and allowlists hold regexes and example
/// secrets, their ignore lists and baselines fingerprints. They are never scanned as a
/// source of secrets (and are counted as excluded).
pub fn is_scanner_config(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    matches!(
        file,
        ".gitleaksignore"
            | ".gitleaks.toml"
            | "gitleaks.toml"
            | ".betterleaks.toml"
            | ".secrets.baseline"
            | ".trufflehogignore"
    )
}

/// Whether the path is a package manager's lock file.
pub fn is_lockfile(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    LOCKFILES.contains(&file.as_str()) || file.ends_with(".lockfile")
}

/// Whether the path is program code (see [`CODE_EXTENSIONS`]).
pub fn is_code(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let Some((_, extension)) = file.rsplit_once('.') else {
        return false;
    };
    CODE_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
}

/// Whether the path is a translation catalogue: UI strings in many languages, where a
/// password's name labels a field.
pub fn is_translation(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('/').collect();
    let dirs = &segments[..segments.len().saturating_sub(1)];
    let file = segments.last().copied().unwrap_or_default();
    dirs.iter().any(|d| {
        matches!(
            *d,
            "i18n"
                | "l10n"
                | "locale"
                | "locales"
                | "lang"
                | "langs"
                | "languages"
                | "translations"
                | "translation"
                | "messages"
                | "strings"
                | "intl"
        )
    }) || [
        ".po", ".pot", ".resx", ".xlf", ".xliff", ".strings", ".arb", ".ftl",
    ]
    .iter()
    .any(|e| file.ends_with(e))
        || file.starts_with("messages_")
        || file.starts_with("strings")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_come_from_directories_and_file_names() {
        for (path, context_id) in [
            ("vendor/github.com/x/y/conf.go", Some("vendor")),
            ("web/node_modules/pkg/index.js", Some("vendor")),
            ("spec/fixtures/users.yml", Some("fixture")),
            ("pkg/db/testdata/config.json", Some("fixture")),
            ("src/app/login.spec.ts", Some("test")),
            ("internal/auth/token_test.go", Some("test")),
            ("tests/test_login.py", Some("test")),
            ("src/test/java/app/LoginTest.java", Some("test")),
            (".env.example", Some("example")),
            ("config/database.yml.sample", Some("example")),
            ("examples/compose/docker-compose.yml", Some("example")),
            ("docs/setup.md", Some("docs")),
            ("README.md", Some("docs")),
            ("docker-compose.yml", None),
            ("src/settings.py", None),
            ("contest/latest.go", None),
            ("crates/auth/src/tests.rs", Some("test")),
            ("crates/auth/src/testing_utils.rs", None),
        ] {
            assert_eq!(context(path).map(Context::id), context_id, "{path}");
        }
    }

    #[test]
    fn code_and_translations_are_recognised() {
        assert!(is_code("src/app.ts"));
        assert!(!is_code("views/login.html"));
        assert!(is_code("main.tf"));
        assert!(!is_code("docker-compose.yml"));
        assert!(!is_code(".env"));
        assert!(!is_code("Dockerfile"));
        assert!(is_example_file(".env.example"));
        assert!(is_example_file("examples/keycloak/env.example"));
        assert!(is_example_file("config/config.inc.php.dist"));
        assert!(!is_example_file("examples/keycloak/docker-compose.yml"));
        assert!(is_translation("src/assets/i18n/nl.json"));
        assert!(is_translation("locale/de/LC_MESSAGES/django.po"));
        assert!(!is_translation("config/settings.json"));
    }
}
