//! Lockfile parsers. Each turns one file into a [`Graph`]; a file that cannot be parsed
//! gives a [`ParseError`] with its line, and the other files still make it into the SBOM.

mod actions;
mod cargo;
mod cocoapods;
mod conda;
mod deno;
mod dotnet;
mod golang;
mod gradle;
mod gradle_build;
mod maven;
mod msbuild;
mod nix;
mod npm;
mod php;
mod pnpm;
mod pylock;
mod python;
mod requirements;
mod ruby;
mod simple;
mod tomlite;
mod xml;
mod yamlite;
mod yarn;

use std::path::{Path, PathBuf};

use crate::model::Graph;

/// Largest lockfile read; bigger ones are reported rather than read.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The kinds of file the gate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    CargoLock,
    PackageLock,
    YarnLock,
    PnpmLock,
    BunLock,
    DenoLock,
    PoetryLock,
    UvLock,
    PdmLock,
    PyLock,
    PipfileLock,
    Requirements,
    CondaEnv,
    CondaLock,
    GoMod,
    GemfileLock,
    ComposerLock,
    NugetLock,
    MsBuild,
    GradleLock,
    GradleBuild,
    Pom,
    PubspecLock,
    MixLock,
    PackageResolved,
    PodfileLock,
    FlakeLock,
    Workflow,
}

/// Every kind, for tests and documentation.
pub const ALL_KINDS: &[Kind] = &[
    Kind::CargoLock,
    Kind::PackageLock,
    Kind::YarnLock,
    Kind::PnpmLock,
    Kind::BunLock,
    Kind::DenoLock,
    Kind::PoetryLock,
    Kind::UvLock,
    Kind::PdmLock,
    Kind::PyLock,
    Kind::PipfileLock,
    Kind::Requirements,
    Kind::CondaEnv,
    Kind::CondaLock,
    Kind::GoMod,
    Kind::GemfileLock,
    Kind::ComposerLock,
    Kind::NugetLock,
    Kind::MsBuild,
    Kind::GradleLock,
    Kind::GradleBuild,
    Kind::Pom,
    Kind::PubspecLock,
    Kind::MixLock,
    Kind::PackageResolved,
    Kind::PodfileLock,
    Kind::FlakeLock,
    Kind::Workflow,
];

impl Kind {
    /// The lockfile kind of a file, from its repository-relative path.
    pub fn of(rel: &str) -> Option<Kind> {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        Some(match name {
            "Cargo.lock" => Kind::CargoLock,
            "package-lock.json" | "npm-shrinkwrap.json" => Kind::PackageLock,
            "yarn.lock" => Kind::YarnLock,
            "pnpm-lock.yaml" => Kind::PnpmLock,
            "bun.lock" => Kind::BunLock,
            "deno.lock" => Kind::DenoLock,
            "poetry.lock" => Kind::PoetryLock,
            "uv.lock" => Kind::UvLock,
            "pdm.lock" => Kind::PdmLock,
            "Podfile.lock" => Kind::PodfileLock,
            "flake.lock" => Kind::FlakeLock,
            "pom.xml" => Kind::Pom,
            "settings.gradle" | "settings.gradle.kts" => Kind::GradleBuild,
            "conda-lock.yml" | "conda-lock.yaml" => Kind::CondaLock,
            "Pipfile.lock" => Kind::PipfileLock,
            "go.mod" => Kind::GoMod,
            "Gemfile.lock" | "gems.locked" => Kind::GemfileLock,
            "composer.lock" => Kind::ComposerLock,
            "packages.lock.json" => Kind::NugetLock,
            "gradle.lockfile" => Kind::GradleLock,
            _ if is_gradle_lockfile(rel, name) => Kind::GradleLock,
            _ if name.starts_with("pylock.") && name.ends_with(".toml") => Kind::PyLock,
            _ if name.ends_with(".conda-lock.yml") || is_conda_explicit(name) => Kind::CondaLock,
            _ if is_conda_environment(name) => Kind::CondaEnv,
            _ if is_workflow(rel, name) => Kind::Workflow,
            _ if [".csproj", ".fsproj", ".vbproj"]
                .iter()
                .any(|ext| name.len() > ext.len() && name.ends_with(ext)) =>
            {
                Kind::MsBuild
            }
            "pubspec.lock" => Kind::PubspecLock,
            "mix.lock" => Kind::MixLock,
            "Package.resolved" => Kind::PackageResolved,
            _ if is_requirements(rel, name) => Kind::Requirements,
            _ => return None,
        })
    }

    /// A short human name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CargoLock => "Cargo.lock",
            Kind::PackageLock => "package-lock.json",
            Kind::YarnLock => "yarn.lock",
            Kind::PnpmLock => "pnpm-lock.yaml",
            Kind::BunLock => "bun.lock",
            Kind::DenoLock => "deno.lock",
            Kind::PoetryLock => "poetry.lock",
            Kind::UvLock => "uv.lock",
            Kind::PdmLock => "pdm.lock",
            Kind::PyLock => "pylock.toml",
            Kind::PipfileLock => "Pipfile.lock",
            Kind::Requirements => "requirements",
            Kind::CondaEnv => "conda environment",
            Kind::CondaLock => "conda lock",
            Kind::GoMod => "go.mod",
            Kind::GemfileLock => "Gemfile.lock",
            Kind::ComposerLock => "composer.lock",
            Kind::NugetLock => "packages.lock.json",
            Kind::MsBuild => "MSBuild project",
            Kind::GradleLock => "gradle.lockfile",
            Kind::GradleBuild => "Gradle build",
            Kind::Pom => "pom.xml",
            Kind::PubspecLock => "pubspec.lock",
            Kind::MixLock => "mix.lock",
            Kind::PackageResolved => "Package.resolved",
            Kind::PodfileLock => "Podfile.lock",
            Kind::FlakeLock => "flake.lock",
            Kind::Workflow => "GitHub workflow",
        }
    }

    /// Whether the file is a manifest read without a lockfile (declared versions only).
    pub fn is_unlocked_manifest(self) -> bool {
        matches!(
            self,
            Kind::MsBuild | Kind::GradleBuild | Kind::Pom | Kind::CondaEnv
        )
    }
}

/// Gradle lockfiles: `gradle.lockfile`, `buildscript-gradle.lockfile`,
/// `settings-gradle.lockfile`, and Gradle 6's `gradle/dependency-locks/<configuration>.lockfile`.
fn is_gradle_lockfile(rel: &str, name: &str) -> bool {
    name.ends_with("-gradle.lockfile")
        || (name.ends_with(".lockfile") && rel.contains("gradle/dependency-locks/"))
}

/// conda's `environment.yml`, `environment-dev.yml`, `environment_py311.yaml`.
fn is_conda_environment(name: &str) -> bool {
    name.starts_with("environment")
        && (name.ends_with(".yml") || name.ends_with(".yaml"))
        && !name.contains(".conda-lock.")
}

/// conda-lock's explicit per-platform files: `conda-linux-64.lock`.
fn is_conda_explicit(name: &str) -> bool {
    name.starts_with("conda-") && name.ends_with(".lock")
}

/// GitHub Actions workflows (`.github/workflows/*.yml`) and action metadata (`action.yml`).
fn is_workflow(rel: &str, name: &str) -> bool {
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    yaml && (rel
        .strip_prefix(".github/workflows/")
        .is_some_and(|rest| !rest.contains('/'))
        || name == "action.yml"
        || name == "action.yaml")
}

/// `requirements.txt`, `requirements-dev.txt`, `requirements/*.txt`, `dev-requirements.txt`.
fn is_requirements(rel: &str, name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".txt") else {
        return false;
    };
    stem.starts_with("requirements")
        || stem.ends_with("requirements")
        || rel
            .rsplit('/')
            .nth(1)
            .is_some_and(|dir| dir == "requirements")
}

/// Why a lockfile could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// 1-based line, when known.
    pub line: Option<u64>,
    pub message: String,
}

impl ParseError {
    pub fn new(line: Option<u64>, message: impl Into<String>) -> Self {
        ParseError {
            line,
            message: message.into(),
        }
    }

    /// A JSON error, which knows its line.
    pub fn json(error: &serde_json::Error) -> Self {
        let line = (error.line() > 0).then_some(error.line() as u64);
        ParseError::new(line, format!("invalid JSON: {error}"))
    }

    /// A TOML error, whose span gives the line.
    pub fn toml(error: &toml::de::Error, text: &str) -> Self {
        let line = error.span().map(|span| line_of(text, span.start));
        let message = error.message().trim().to_owned();
        ParseError::new(line, format!("invalid TOML: {message}"))
    }

    /// A YAML error from serde-saphyr, which knows its line.
    pub fn yaml(error: &serde_saphyr::Error) -> Self {
        let line = error.location().map(|location| location.line());
        let text = error.to_string();
        let first = text.lines().next().unwrap_or("").trim().to_owned();
        ParseError::new(line, format!("invalid YAML: {first}"))
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
        + 1
}

/// What a parser may look at besides its own file.
pub struct Context<'a> {
    /// Repository root.
    pub root: &'a Path,
    /// Every manifest the discovery found, repository-relative.
    pub manifests: &'a [String],
    /// Every lockfile the discovery found, repository-relative.
    pub lockfiles: &'a [String],
}

impl Context<'_> {
    /// Reads a repository-relative file as text, when it exists and is readable.
    pub fn read_text(&self, rel: &str) -> Option<String> {
        read_text(&self.root.join(rel)).ok()
    }

    /// Whether a repository-relative file exists.
    pub fn exists(&self, rel: &str) -> bool {
        self.root.join(rel).is_file()
    }

    /// Lockfiles at or below directory `dir` whose name ends with `suffix`.
    pub fn locks_under<'b>(
        &'b self,
        dir: &'b str,
        suffix: &'b str,
    ) -> impl Iterator<Item = &'b String> + 'b {
        self.lockfiles.iter().filter(move |path| {
            path.ends_with(suffix) && (dir.is_empty() || path.starts_with(&format!("{dir}/")))
        })
    }

    /// Manifests named `name` at or below directory `dir` (repository-relative, `""` for
    /// the root).
    pub fn manifests_under<'b>(
        &'b self,
        dir: &'b str,
        name: &'b str,
    ) -> impl Iterator<Item = &'b String> + 'b {
        self.manifests.iter().filter(move |path| {
            let file = path.rsplit('/').next().unwrap_or(path);
            file == name && (dir.is_empty() || path.starts_with(&format!("{dir}/")))
        })
    }
}

/// The directory part of a repository-relative path (`""` at the root).
pub fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Joins a repository-relative directory and a relative path, resolving `.` and `..`.
pub fn join(dir: &str, path: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Whether `path`, relative to repository directory `dir`, stays inside the repository
/// (`../x` from `a/b` does; `../../../x` does not; an absolute path does not).
pub fn inside_repository(dir: &str, path: &str) -> bool {
    if path.starts_with('/') || path.starts_with('\\') || path.get(1..3) == Some(":\\") {
        return false;
    }
    let mut depth = dir.split('/').filter(|s| !s.is_empty()).count() as i64;
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => depth += 1,
        }
    }
    true
}

/// Reads a file as UTF-8 text, bounded in size.
pub fn read_text(path: &Path) -> Result<String, ParseError> {
    let metadata = std::fs::metadata(path)
        .map_err(|error| ParseError::new(None, format!("cannot read the file: {error}")))?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(ParseError::new(
            None,
            format!(
                "the file is {} MiB, more than the {} MiB this gate reads",
                metadata.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|error| ParseError::new(None, format!("cannot read the file: {error}")))?;
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let line = error.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        ParseError::new(Some(line), "the file is not UTF-8 text")
    })
}

/// Parses the lockfile at repository-relative `rel`.
pub fn parse(ctx: &Context<'_>, rel: &str, kind: Kind) -> Result<Graph, ParseError> {
    let path: PathBuf = ctx.root.join(rel);
    let text = read_text(&path)?;
    parse_text(ctx, rel, kind, &text)
}

/// Parses the text of the lockfile at repository-relative `rel`.
pub fn parse_text(
    ctx: &Context<'_>,
    rel: &str,
    kind: Kind,
    text: &str,
) -> Result<Graph, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match kind {
        Kind::CargoLock => cargo::parse(ctx, rel, text),
        Kind::PackageLock => npm::parse(ctx, rel, text),
        Kind::YarnLock => yarn::parse(ctx, rel, text),
        Kind::PnpmLock => pnpm::parse(ctx, rel, text),
        Kind::BunLock => npm::parse_bun(ctx, rel, text),
        Kind::DenoLock => deno::parse(ctx, rel, text),
        Kind::PoetryLock => python::parse_poetry(ctx, rel, text),
        Kind::UvLock => python::parse_uv(ctx, rel, text),
        Kind::PdmLock => pylock::parse_pdm(ctx, rel, text),
        Kind::PyLock => pylock::parse_pylock(text),
        Kind::PipfileLock => python::parse_pipfile(text),
        Kind::Requirements => requirements::parse(ctx, rel, text),
        Kind::CondaEnv => conda::parse_environment(text),
        Kind::CondaLock => conda::parse_lock(rel, text),
        Kind::GoMod => golang::parse(ctx, rel, text),
        Kind::GemfileLock => ruby::parse(ctx, rel, text),
        Kind::ComposerLock => php::parse(ctx, rel, text),
        Kind::NugetLock => dotnet::parse(text),
        Kind::MsBuild => msbuild::parse(ctx, rel, text),
        Kind::GradleLock => gradle::parse(rel, text),
        Kind::GradleBuild => gradle_build::parse(ctx, rel, text),
        Kind::Pom => maven::parse(ctx, rel, text),
        Kind::PubspecLock => simple::parse_pubspec(ctx, rel, text),
        Kind::MixLock => simple::parse_mix(ctx, rel, text),
        Kind::PackageResolved => simple::parse_package_resolved(text),
        Kind::PodfileLock => cocoapods::parse(text),
        Kind::FlakeLock => nix::parse(text),
        Kind::Workflow => actions::parse(rel, text),
    }
}

/// Parses JSON into `T`, bounded in nesting by serde_json's recursion limit.
pub fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    serde_json::from_str(text).map_err(|error| ParseError::json(&error))
}

/// Parses lockfile TOML into `T`: the fast reader for what tools write, else the `toml`
/// crate (which also gives a real error its line).
pub fn toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    if let Ok(value) = tomlite::parse(text)
        && let Ok(parsed) = serde_json::from_value(value)
    {
        return Ok(parsed);
    }
    toml::from_str(text).map_err(|error| ParseError::toml(&error, text))
}

/// Parses YAML into `T`, with serde-saphyr's budget against alias bombs.
pub fn yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 20_000_000;
    budget.max_nodes = 20_000_000;
    budget.max_aliases = 10_000;
    budget.max_anchors = 10_000;
    budget.max_depth = 64;
    budget.max_total_scalar_bytes = MAX_FILE_BYTES as usize;
    budget.max_documents = 1;
    let options = serde_saphyr::options! {
        budget: Some(budget),
        with_snippet: false,
    };
    serde_saphyr::from_str_with_options(text, options).map_err(|error| ParseError::yaml(&error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_file_names() {
        assert_eq!(Kind::of("a/b/Cargo.lock"), Some(Kind::CargoLock));
        assert_eq!(Kind::of("npm-shrinkwrap.json"), Some(Kind::PackageLock));
        assert_eq!(Kind::of("requirements-dev.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of("requirements/main.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of("dev-requirements.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of("notes.txt"), None);
        assert_eq!(Kind::of("requirements/main.in"), None);
    }

    #[test]
    fn paths_outside_the_repository_are_told_apart() {
        assert!(inside_repository("a/b", "../c"));
        assert!(!inside_repository("a", "../../c"));
        assert!(!inside_repository("", "../vendor/x"));
        assert!(!inside_repository("", "/opt/x"));
        assert!(inside_repository("", "packages/x"));
    }

    #[test]
    fn joins_resolve_dots() {
        assert_eq!(join("a/b", "../c.txt"), "a/c.txt");
        assert_eq!(join("", "./x/y"), "x/y");
        assert_eq!(join("a", "../../x"), "x");
    }

    /// Every fixture lockfile, cut short at many places and with multibyte characters
    /// where ASCII was, and a few hand-made hostile texts, through every parser: an error
    /// is fine, a panic is not (it would cost the SBOM of every other lockfile).
    #[test]
    fn no_parser_panics_on_mangled_lockfiles() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut texts: Vec<(String, String)> = [
            "",
            "\u{0}",
            "é",
            "\"é\":",
            "é@npm:é:\n  version \"1\"\n",
            "{\"dependencies\": {\"é\": {\"version\": \"npm:é\"}}}",
            "{\"dependencies\": {\"x\": {\"version\": \"npm:\"}}}",
            "{\"packages\": {\"node_modules/é\": {\"version\": \"npm:\"}}}",
            "group do\nend\n",
            "[[package]]\nname = \"é\"\nversion = \"\\u00\"\n",
            "\"é\": {:hex, :é, \"é\", \"é\", [:mix], [{:é, \"é\"}], \"hexpm\", \"é\"},\n",
            "é:é:é=é\n::\n=\n",
        ]
        .iter()
        .enumerate()
        .map(|(index, t)| (format!("hand-made text #{index}"), (*t).to_owned()))
        .collect();
        let mut stack = vec![fixtures.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path.strip_prefix(&fixtures).unwrap().display().to_string();
                if Kind::of(&rel).is_none() && !rel.ends_with(".json") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                if text.len() > 64 * 1024 {
                    continue; // the large real lockfiles are read whole by the integration tests
                }
                let boundaries: Vec<usize> = text.char_indices().map(|(index, _)| index).collect();
                let step = (boundaries.len() / 48).max(1);
                for &cut in boundaries.iter().step_by(step) {
                    texts.push((format!("{rel} cut at {cut}"), text[..cut].to_owned()));
                }
                for (from, to) in [("\"", "\"é"), ("@", "@é"), (":", ":é"), ("1", "é")] {
                    texts.push((format!("{rel} {from} -> {to}"), text.replace(from, to)));
                }
            }
        }
        let kinds = ALL_KINDS;
        let root = tempfile::tempdir().unwrap();
        let ctx = Context {
            root: root.path(),
            manifests: &[],
            lockfiles: &[],
        };
        let mut panics = Vec::new();
        for (name, text) in &texts {
            for &kind in kinds {
                let outcome = std::panic::catch_unwind(|| {
                    let graph = parse_text(&ctx, kind.as_str(), kind, text);
                    if let Ok(graph) = graph {
                        let mut merged = crate::graph::Merged::default();
                        merged.add(kind.as_str(), &graph);
                        let meta = crate::bom::Meta {
                            name: "x".into(),
                            version: None,
                            timestamp: "2024-01-01T00:00:00Z".into(),
                            tool_name: "t".into(),
                            tool_version: "0".into(),
                        };
                        let bom = crate::bom::build(&merged, &meta);
                        crate::bom::validate(&bom);
                        let _ = crate::bom::write(bom, crate::bom::Format::Json);
                    }
                });
                if outcome.is_err() {
                    panics.push(format!("{kind:?} on {name}"));
                }
            }
        }
        assert!(
            panics.is_empty(),
            "parsers panicked:\n{}",
            panics.join("\n")
        );
    }

    #[test]
    fn lines_count_from_one() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
