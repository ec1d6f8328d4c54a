//! Loading a repository: one walk (honouring `.gitignore`, `.git/info/exclude` and the
//! policy's `exclude`, skipping vendored and test-fixture directories) finds Dockerfiles,
//! compose files, YAML that may be Kubernetes manifests, Terraform, `.env*` files and
//! `.dockerignore` files. Each file is read once, at most [`MAX_BYTES`], and parsed by
//! kind, on all cores when there are many.
//!
//! Fails closed: a file that cannot be read is recorded in [`Repo::unreadable`] (the gate
//! reports `error`, naming it); a recognised file that cannot be parsed, is binary, is not
//! UTF-8 or is too large is an [`Invalid`] (an `invalid-file` finding).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use signoff_core::policy::PathGlob;
use signoff_core::yaml::tree::{self, Limits};

use crate::model::dockerfile::{self, Dockerfile};
use crate::model::terraform::{self, TfFile};
use crate::model::{Pos, YamlFile};

/// Largest file read; larger ones are findings (only their first bytes are read).
pub(crate) const MAX_BYTES: usize = 4 << 20;
/// From this many files on, files are read and parsed on all cores.
const PARALLEL_FROM: usize = 24;

/// Directories whose files are not this repository's own deployment: vendored code and
/// test fixtures.
const NOT_OWN: &[&str] = &[
    ".git",
    "node_modules",
    "vendor",
    "third_party",
    "fixtures",
    "testdata",
    "__fixtures__",
    ".terraform",
];

/// A file the gate recognised but could not use.
#[derive(Debug, Clone)]
pub(crate) struct Invalid {
    pub path: String,
    pub pos: Pos,
    pub message: String,
    pub help: String,
    /// The tool that runs the file accepts it, only the gate's parser does not: a warning
    /// (medium), not a failure; the file is still not judged.
    pub tolerated: bool,
}

/// A Dockerfile with its path.
#[derive(Debug, Clone)]
pub(crate) struct DockerfileAt {
    pub path: String,
    pub file: Dockerfile,
}

/// What the gate read.
#[derive(Debug, Default)]
pub(crate) struct Repo {
    pub dockerfiles: Vec<DockerfileAt>,
    pub compose: Vec<YamlFile>,
    /// YAML files with at least one Kubernetes object (`apiVersion` and `kind`).
    pub manifests: Vec<YamlFile>,
    pub terraform: Vec<TfFile>,
    /// `.env*` files git would commit (examples and templates left out).
    pub env_files: Vec<String>,
    /// The variables of each `.env` file, by its directory (`""` for the root): compose
    /// interpolates a compose file's `${VAR}` from the `.env` beside it.
    pub env_vars: HashMap<String, Vec<(String, String)>>,
    /// `.env.example` and its kin: the documented environment.
    pub env_examples: Vec<String>,
    /// `.dockerignore` files by directory (`""` for the root), as text.
    pub dockerignores: HashMap<String, String>,
    /// What the root `.gitignore` (with `.git/info/exclude`) keeps out of git.
    pub env_ignored: EnvIgnored,
    /// Helm templates that are not plain YAML, left out.
    pub helm_templates: Vec<String>,
    pub invalid: Vec<Invalid>,
    /// Files that could not be read: (path, why).
    pub unreadable: Vec<(String, String)>,
    /// The text of every file read, by path (for the secret scan's deferral).
    pub sources: HashMap<String, String>,
    pub files_read: u64,
    pub bytes_read: u64,
}

impl Repo {
    /// Whether the repository holds anything this gate judges.
    pub(crate) fn is_empty(&self) -> bool {
        self.dockerfiles.is_empty()
            && self.compose.is_empty()
            && self.manifests.is_empty()
            && self.terraform.is_empty()
            && self.env_files.is_empty()
            && self.invalid.is_empty()
            && self.unreadable.is_empty()
    }

    /// Files judged (each kind, plus invalid ones).
    pub(crate) fn files(&self) -> usize {
        self.dockerfiles.len()
            + self.compose.len()
            + self.manifests.len()
            + self.terraform.len()
            + self.env_files.len()
            + self.invalid.len()
    }
}

/// Why the gate could not read the repository at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "error: cannot list the files of {path}: {message}\n  = help: check that the directory is readable by this user"
    )]
    Walk { path: String, message: String },
}

/// Kinds of file the gate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Dockerfile,
    Compose,
    /// Any other YAML: a manifest when it holds Kubernetes objects.
    Yaml,
    Terraform,
    Env,
    /// `.env.example`, `.env.sample`, `env.template`: committed on purpose.
    EnvExample,
    DockerIgnore,
}

/// The kind of a file by its repository-relative path.
pub(crate) fn kind_of(rel: &str) -> Option<Kind> {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") || lower == ".dockerignore" {
        return Some(Kind::DockerIgnore);
    }
    if is_dockerfile(name, &lower) {
        return Some(Kind::Dockerfile);
    }
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml {
        let stem = lower.rsplit_once('.').map_or(lower.as_str(), |(s, _)| s);
        if stem.starts_with("docker-compose") || stem == "compose" || stem.starts_with("compose.") {
            return Some(Kind::Compose);
        }
        // CI configuration belongs to the pipeline gate.
        if dir == ".github" || dir.starts_with(".github/") || stem.starts_with(".gitlab-ci") {
            return None;
        }
        return Some(Kind::Yaml);
    }
    if lower.ends_with(".tf") {
        return Some(Kind::Terraform);
    }
    if env_in_another_format(&lower) {
        return None;
    }
    if is_env_file(&lower) {
        return Some(Kind::Env);
    }
    if lower.starts_with(".env.")
        || matches!(
            lower.as_str(),
            "env.example"
                | "env.sample"
                | "env.template"
                | "env.dist"
                | "example.env"
                | "sample.env"
        )
    {
        return Some(Kind::EnvExample);
    }
    None
}

/// `Dockerfile`, `Containerfile`, `Dockerfile.prod`, `api.dockerfile`; not `dockerfile.rs`,
/// `Dockerfile.md` or a template (`Dockerfile.j2`) that is not a Dockerfile yet.
fn is_dockerfile(name: &str, lower: &str) -> bool {
    const NOT: &[&str] = &[
        "rs", "go", "py", "js", "ts", "java", "rb", "sh", "md", "txt", "json", "yml", "yaml",
        "toml", "snap", "j2", "jinja", "jinja2", "tpl", "tmpl", "template", "erb", "mustache",
        "hbs", "orig", "bak", "swp", "lock", "log", "html", "cs", "kt", "php",
    ];
    if lower == "dockerfile" || lower == "containerfile" {
        return true;
    }
    if lower.ends_with(".dockerfile") || lower.ends_with(".containerfile") {
        return true;
    }
    let suffix = name
        .strip_prefix("Dockerfile.")
        .or_else(|| name.strip_prefix("Containerfile."))
        .or_else(|| name.strip_prefix("Dockerfile-"));
    suffix.is_some_and(|s| {
        let extension = s.rsplit('.').next().unwrap_or(s).to_ascii_lowercase();
        !s.is_empty() && !NOT.contains(&extension.as_str())
    })
}

/// `.env.patch`, `.env.md`, `.env.ts`: a diff, a document or code about environment files,
/// not one. (A backup such as `.env.bak` still holds the environment, and still counts.)
fn env_in_another_format(lower: &str) -> bool {
    const OTHER: &[&str] = &[
        "patch", "diff", "md", "rst", "txt", "html", "sh", "bash", "ps1", "py", "js", "mjs", "cjs",
        "ts", "rs", "go", "rb", "php", "java", "kt", "cs", "snap", "lock", "log",
    ];
    lower.starts_with(".env.")
        && lower
            .rsplit('.')
            .next()
            .is_some_and(|extension| OTHER.contains(&extension))
}

/// `.env`, `.env.production`, `.env.local`: files that hold a deployment's environment,
/// but not the examples and templates meant to be committed.
fn is_env_file(lower: &str) -> bool {
    const EXAMPLES: &[&str] = &[
        "example", "sample", "template", "dist", "defaults", "default", "tpl", "schema", "test",
        "ci", "keep",
    ];
    if lower == ".env" {
        return true;
    }
    let Some(rest) = lower.strip_prefix(".env.") else {
        return false;
    };
    !rest
        .split('.')
        .any(|part| EXAMPLES.contains(&part) || part.ends_with("example"))
}

/// Reads everything the gate judges under `root`, leaving out `exclude`d paths and `skip`
/// (the output directory).
pub(crate) fn load(
    root: &Path,
    exclude: &[PathGlob],
    skip: Option<&Path>,
) -> Result<Repo, LoadError> {
    let mut repo = Repo::default();
    let files = walk(root, exclude, skip, &mut repo)?;
    repo.env_ignored = env_ignored(root);
    let parallel = files.len() >= PARALLEL_FROM;
    let read = |(kind, rel, path): (Kind, String, PathBuf)| {
        let read = read_bounded(&path);
        let outcome = match &read {
            Ok((bytes, size)) => parse(kind, &rel, bytes, *size),
            Err(_) => Parsed::None,
        };
        (rel, read.map(|(bytes, _)| bytes.len() as u64), outcome)
    };
    let outcomes: Vec<_> = if parallel {
        files.into_par_iter().map(read).collect()
    } else {
        files.into_iter().map(read).collect()
    };
    for (rel, read, outcome) in outcomes {
        match read {
            Ok(bytes) => {
                repo.files_read += 1;
                repo.bytes_read += bytes;
            }
            Err(error) => {
                repo.unreadable.push((rel, error.to_string()));
                continue;
            }
        }
        match outcome {
            Parsed::Dockerfile(file, text) => {
                for problem in &file.problems {
                    repo.invalid.push(Invalid {
                        path: rel.clone(),
                        pos: problem.pos,
                        message: problem.message.clone(),
                        help: problem.help.clone(),
                        tolerated: false,
                    });
                }
                if file.problems.is_empty() {
                    repo.dockerfiles.push(DockerfileAt {
                        path: rel.clone(),
                        file,
                    });
                }
                repo.sources.insert(rel, text);
            }
            Parsed::Compose(file, text) => {
                repo.compose.push(file);
                repo.sources.insert(rel, text);
            }
            Parsed::Manifest(file, text) => {
                repo.manifests.push(file);
                repo.sources.insert(rel, text);
            }
            Parsed::Terraform(file) => {
                repo.sources.insert(rel, file.source.clone());
                repo.terraform.push(*file);
            }
            Parsed::Env(vars) => {
                if !vars.is_empty() {
                    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
                    repo.env_vars.insert(dir, vars);
                }
                repo.env_files.push(rel);
            }
            Parsed::EnvExample => repo.env_examples.push(rel),
            Parsed::DockerIgnore(text) => {
                let dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_owned();
                let name = rel.rsplit('/').next().unwrap_or(&rel);
                // `Dockerfile.dockerignore` belongs to that Dockerfile; `.dockerignore` to
                // its directory.
                let key = if name == ".dockerignore" {
                    dir
                } else {
                    rel.trim_end_matches(".dockerignore").to_owned()
                };
                repo.dockerignores.insert(key, text);
            }
            Parsed::Helm => repo.helm_templates.push(rel),
            Parsed::Invalid(invalid) => repo.invalid.extend(invalid),
            Parsed::None => {}
        }
    }
    repo.dockerfiles.sort_by(|a, b| a.path.cmp(&b.path));
    repo.compose.sort_by(|a, b| a.path.cmp(&b.path));
    repo.manifests.sort_by(|a, b| a.path.cmp(&b.path));
    repo.terraform.sort_by(|a, b| a.path.cmp(&b.path));
    repo.env_files.sort();
    repo.helm_templates.sort();
    repo.unreadable.sort();
    repo.invalid
        .sort_by(|a, b| (&a.path, a.pos).cmp(&(&b.path, b.pos)));
    Ok(repo)
}

/// The walk: every file of a kind the gate reads.
fn walk(
    root: &Path,
    exclude: &[PathGlob],
    skip: Option<&Path>,
    repo: &mut Repo,
) -> Result<Vec<(Kind, String, PathBuf)>, LoadError> {
    let skip = skip.map(Path::to_path_buf);
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .parents(false)
        .ignore(false)
        .git_global(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(is_dir
                && (NOT_OWN.contains(&entry.file_name().to_string_lossy().as_ref())
                    || skip.as_deref().is_some_and(|s| entry.path() == s)))
        })
        .build();
    let mut files = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                // An unreadable directory or a broken ignore file: the files below it are
                // not judged, so the gate cannot pass over them.
                let path = match &error {
                    ignore::Error::WithPath { path, .. } => path
                        .strip_prefix(root)
                        .unwrap_or(path)
                        .display()
                        .to_string(),
                    _ => ".".into(),
                };
                if error.io_error().is_some() {
                    return Err(LoadError::Walk {
                        path,
                        message: error.to_string(),
                    });
                }
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.is_empty() {
            continue;
        }
        let Some(kind) = kind_of(&rel) else {
            continue;
        };
        if exclude.iter().any(|glob| glob.is_match(&rel)) {
            continue;
        }
        let file_type = entry.file_type();
        let is_link = file_type.is_some_and(|t| t.is_symlink());
        let is_file = if is_link {
            match std::fs::metadata(entry.path()) {
                Ok(meta) => meta.is_file(),
                Err(error) => {
                    repo.invalid.push(Invalid {
                        path: rel,
                        pos: Pos::default(),
                        message: format!("the file is a link that cannot be followed ({error})"),
                        help: "make it a regular file, or remove it".into(),
                        tolerated: false,
                    });
                    continue;
                }
            }
        } else {
            file_type.is_some_and(|t| t.is_file())
        };
        if file_type.is_some_and(|t| t.is_dir()) {
            continue;
        }
        if !is_file {
            if !is_link {
                repo.invalid.push(Invalid {
                    path: rel,
                    pos: Pos::default(),
                    message: "the file is not a regular file (a pipe, socket or device)".into(),
                    help: "make it a regular file, or remove it".into(),
                    tolerated: false,
                });
            }
            continue;
        }
        files.push((kind, rel, entry.path().to_path_buf()));
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(files)
}

/// Which environment files the root `.gitignore` and `.git/info/exclude` keep out of git.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum EnvIgnored {
    /// Neither `.env` nor its variants.
    #[default]
    None,
    /// `.env` only: `.env.production`, `.env.local` and the like are not.
    Plain,
    /// `.env` and its variants.
    All,
}

/// Which of `.env` and a variant (`.env.production`) at the root the root `.gitignore` or
/// `.git/info/exclude` ignores.
fn env_ignored(root: &Path) -> EnvIgnored {
    let mut builder = ignore::gitignore::GitignoreBuilder::new(root);
    for file in [root.join(".gitignore"), root.join(".git/info/exclude")] {
        if file.is_file() {
            let _ = builder.add(file);
        }
    }
    let Ok(rules) = builder.build() else {
        return EnvIgnored::None;
    };
    let ignored = |name: &str| {
        rules
            .matched_path_or_any_parents(root.join(name), false)
            .is_ignore()
    };
    match (ignored(".env"), ignored(".env.production")) {
        (true, true) => EnvIgnored::All,
        (true, false) => EnvIgnored::Plain,
        _ => EnvIgnored::None,
    }
}

/// A file's bytes (at most `MAX_BYTES + 1`) and its size.
fn read_bounded(path: &Path) -> std::io::Result<(Vec<u8>, u64)> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut bytes = Vec::new();
    file.take(MAX_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    let size = size.max(bytes.len() as u64);
    Ok((bytes, size))
}

/// What parsing one file gave.
pub(crate) enum Parsed {
    Dockerfile(Dockerfile, String),
    Compose(YamlFile, String),
    Manifest(YamlFile, String),
    Terraform(Box<TfFile>),
    /// A committed `.env*` file, with its `KEY=value` lines when it is the `.env` that
    /// compose reads beside its file.
    Env(Vec<(String, String)>),
    EnvExample,
    DockerIgnore(String),
    Helm,
    Invalid(Vec<Invalid>),
    None,
}

fn invalid(rel: &str, pos: Pos, message: String, help: &str) -> Parsed {
    Parsed::Invalid(vec![Invalid {
        path: rel.to_owned(),
        pos,
        message,
        help: help.to_owned(),
        tolerated: false,
    }])
}

/// The text of a file, or why it is not text the gate can read.
fn text<'a>(rel: &str, bytes: &'a [u8], size: u64) -> Result<&'a str, Parsed> {
    if size > MAX_BYTES as u64 {
        return Err(invalid(
            rel,
            Pos::default(),
            format!("the file is {size} bytes, over the {MAX_BYTES} byte limit"),
            "split it, or check that this is the right file; it was not judged",
        ));
    }
    if bytes.iter().take(8000).any(|b| *b == 0) {
        return Err(invalid(
            rel,
            Pos::default(),
            "the file contains a NUL byte, so it is binary, not text".into(),
            "replace it with the text file it should be, or rename it",
        ));
    }
    std::str::from_utf8(bytes).map_err(|error| {
        let pos = crate::model::pos_at(
            &String::from_utf8_lossy(&bytes[..error.valid_up_to()]),
            error.valid_up_to(),
        );
        invalid(
            rel,
            pos,
            "the file is not UTF-8 text".into(),
            "save the file as UTF-8",
        )
    })
}

pub(crate) fn parse(kind: Kind, rel: &str, bytes: &[u8], size: u64) -> Parsed {
    if kind == Kind::Env {
        let compose_reads = rel.rsplit('/').next() == Some(".env");
        return Parsed::Env(if compose_reads {
            env_vars(&String::from_utf8_lossy(bytes))
        } else {
            Vec::new()
        });
    }
    if kind == Kind::EnvExample {
        return Parsed::EnvExample;
    }
    let text = match text(rel, bytes, size) {
        Ok(text) => text,
        // An ignore file that is not text excludes nothing: treated as absent.
        Err(_) if kind == Kind::DockerIgnore => return Parsed::None,
        // Other YAML may be anything; only a manifest's problems are the gate's.
        Err(_) if kind == Kind::Yaml => return Parsed::None,
        Err(parsed) => return parsed,
    };
    match kind {
        Kind::Dockerfile => Parsed::Dockerfile(dockerfile::parse(text), text.to_owned()),
        Kind::DockerIgnore => Parsed::DockerIgnore(text.to_owned()),
        Kind::Terraform => match terraform::parse(rel, text) {
            Ok(file) => Parsed::Terraform(Box::new(file)),
            // Terraform keeps the last of two equal keys in an object (for compatibility,
            // hashicorp/terraform#28727); hcl-edit rejects them.
            Err(problem) if problem.message.contains("redefined object key") => {
                Parsed::Invalid(vec![Invalid {
                    path: rel.to_owned(),
                    pos: problem.pos,
                    message: "an object sets the same key twice; Terraform keeps the last one, but the gate's HCL parser rejects it, so this file was not judged".into(),
                    help: "remove the first of the two keys (it has no effect)".into(),
                    tolerated: true,
                }])
            }
            Err(problem) => invalid(
                rel,
                problem.pos,
                format!("the Terraform cannot be parsed: {}", problem.message),
                "fix the HCL syntax (`terraform validate` says more)",
            ),
        },
        Kind::Compose | Kind::Yaml => parse_yaml(kind, rel, text),
        Kind::Env => Parsed::Env(Vec::new()),
        Kind::EnvExample => Parsed::EnvExample,
    }
}

/// The `KEY=value` lines of a `.env` file as compose reads them for interpolation
/// (`export` prefixes, comments and matching quotes around the value dropped). Only image
/// references are ever substituted with them; no value is reported otherwise.
fn env_vars(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
            if line.starts_with('#') {
                return None;
            }
            let (key, value) = line.split_once('=')?;
            let key = key.trim();
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let value = value.trim();
            let value = [('"', '"'), ('\'', '\'')]
                .iter()
                .find_map(|(open, close)| value.strip_prefix(*open)?.strip_suffix(*close))
                .unwrap_or(value);
            Some((key.to_owned(), value.to_owned()))
        })
        .collect()
}

/// Whether YAML text may hold a Kubernetes object: cheap, before parsing.
fn may_be_manifest(text: &str) -> bool {
    text.contains("apiVersion") && text.contains("kind")
}

fn parse_yaml(kind: Kind, rel: &str, text: &str) -> Parsed {
    if kind == Kind::Yaml && !may_be_manifest(text) {
        return Parsed::None;
    }
    let helm = text.contains("{{");
    let limits = Limits {
        max_bytes: MAX_BYTES,
        merge_keys: true,
        ..Limits::default()
    };
    let docs = match tree::parse_str(text.strip_prefix('\u{feff}').unwrap_or(text), rel, &limits) {
        Ok(docs) => docs,
        // Helm templates are not YAML until rendered; they are counted, not judged.
        Err(_) if helm => return Parsed::Helm,
        Err(error) => {
            return Parsed::Invalid(
                error
                    .problems
                    .into_iter()
                    .map(|p| Invalid {
                        path: rel.to_owned(),
                        pos: Pos {
                            line: u32::try_from(p.line).unwrap_or(0),
                            column: u32::try_from(p.column).unwrap_or(0),
                        },
                        message: format!("the YAML cannot be read: {}", p.message),
                        help: p.help.unwrap_or_else(|| "fix the YAML syntax".into()),
                        tolerated: false,
                    })
                    .collect(),
            );
        }
    };
    let file = YamlFile {
        path: rel.to_owned(),
        docs,
    };
    if kind == Kind::Compose {
        return Parsed::Compose(file, text.to_owned());
    }
    let is_manifest = file
        .docs
        .iter()
        .any(|d| d.get("apiVersion").is_some() && d.get("kind").is_some());
    if is_manifest {
        Parsed::Manifest(file, text.to_owned())
    } else {
        Parsed::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path() {
        assert_eq!(kind_of("Dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(kind_of("web/Dockerfile.prod"), Some(Kind::Dockerfile));
        assert_eq!(kind_of("web/api.dockerfile"), Some(Kind::Dockerfile));
        assert_eq!(kind_of("Containerfile"), Some(Kind::Dockerfile));
        assert_eq!(kind_of("src/dockerfile.rs"), None);
        assert_eq!(kind_of("docs/Dockerfile.md"), None);
        assert_eq!(kind_of("Dockerfile.j2"), None);
        assert_eq!(kind_of("Dockerfile-alpine"), Some(Kind::Dockerfile));
        assert_eq!(kind_of("Dockerfile.dockerignore"), Some(Kind::DockerIgnore));
        assert_eq!(kind_of("docker-compose.prod.yml"), Some(Kind::Compose));
        assert_eq!(kind_of("compose.yaml"), Some(Kind::Compose));
        assert_eq!(kind_of("k8s/deploy.yaml"), Some(Kind::Yaml));
        assert_eq!(kind_of(".github/workflows/ci.yml"), None);
        assert_eq!(kind_of("infra/main.tf"), Some(Kind::Terraform));
        assert_eq!(kind_of(".env"), Some(Kind::Env));
        assert_eq!(kind_of("api/.env.production"), Some(Kind::Env));
        assert_eq!(kind_of(".env.example"), Some(Kind::EnvExample));
        assert_eq!(kind_of(".env.sample"), Some(Kind::EnvExample));
        assert_eq!(kind_of(".env.local.template"), Some(Kind::EnvExample));
        assert_eq!(kind_of(".envrc"), None);
        assert_eq!(kind_of("patches/kafka/.env.patch"), None);
        assert_eq!(kind_of("docs/.env.md"), None);
        assert_eq!(kind_of(".env.bak"), Some(Kind::Env));
    }
}
