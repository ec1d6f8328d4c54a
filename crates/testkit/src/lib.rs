//! Test helpers shared by signoff's crates: validation against the published JSON
//! schemas, a builder that runs a real binary in a clean environment, and git
//! repositories made at test time.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

pub mod gate;
pub mod http;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Validates `instance` against `schemas/<name>`; returns every violation.
pub fn validate(schema_name: &str, instance: &serde_json::Value) -> Result<(), Vec<String>> {
    let path = workspace_root().join("schemas").join(schema_name);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Panics unless the JSON file at `path` is a valid `signoff/gate/v1` report.
pub fn assert_valid_gate_report(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read gate report {}: {e}", path.display()));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    if let Err(errors) = validate("gate.v1.json", &value) {
        panic!(
            "{} does not match schemas/gate.v1.json:\n{}\n{text}",
            path.display(),
            errors.join("\n")
        );
    }
    value
}

/// A command for a real binary, run with an environment cleared of anything that would
/// make it think it runs in GitHub Actions or CI.
pub struct Cmd {
    command: Command,
}

/// What a finished command printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr together, for assertions on any output.
    pub fn all_output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

impl Cmd {
    /// A command running `program` with a clean environment.
    pub fn new(program: impl AsRef<Path>) -> Self {
        let mut command = Command::new(program.as_ref());
        for (key, _) in std::env::vars_os() {
            let key_text = key.to_string_lossy();
            if key_text.starts_with("GITHUB_")
                || key_text.starts_with("RUNNER_")
                || key_text.starts_with("SIGNOFF_")
                || key_text == "CI"
                || key_text == "ACT"
            {
                command.env_remove(&key);
            }
        }
        command.stdin(Stdio::null());
        Self { command }
    }

    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.command.arg(arg.into());
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Self {
        for arg in args {
            self.command.arg(arg.into());
        }
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Runs to completion.
    pub fn run(mut self) -> Run {
        let Output {
            status,
            stdout,
            stderr,
        } = self.command.output().unwrap();
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: String::from_utf8_lossy(&stderr).into_owned(),
        }
    }
}

/// A git repository in a temporary directory, with deterministic authors and dates.
pub struct GitRepo {
    pub dir: tempfile::TempDir,
    commits: u32,
}

impl GitRepo {
    /// `git init` with `main` as the initial branch.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = Self { dir, commits: 0 };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", "Test Author"]);
        repo.git(&["config", "user.email", "author@example.com"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating directories).
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Stages everything and commits with a fixed date one day after the previous commit.
    pub fn commit(&mut self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.commits += 1;
        let date = format!("2026-01-{:02}T12:00:00Z", (self.commits % 28) + 1);
        let status = Command::new("git")
            .current_dir(self.path())
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .status()
            .unwrap();
        assert!(status.success());
        self.git(&["rev-parse", "HEAD"])
    }

    /// Runs git in the repository and returns its trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .current_dir(self.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }
}

impl Default for GitRepo {
    fn default() -> Self {
        Self::new()
    }
}
