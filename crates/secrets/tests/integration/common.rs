//! Shared helpers: run the gate, read and validate what it wrote, plant secrets.

use std::path::{Path, PathBuf};

use signoff_secrets::engine::Scanner;
use signoff_secrets::rules::Ruleset;
use signoff_secrets::rules::example::{Rng, expand};
use signoff_testkit::{Cmd, Run};

/// The gate binary with a clean environment.
pub fn gate() -> Cmd {
    Cmd::new(env!("CARGO_BIN_EXE_signoff-secrets"))
}

/// What one run produced.
pub struct Outcome {
    pub run: Run,
    pub report: serde_json::Value,
    pub sarif: serde_json::Value,
    pub out: PathBuf,
    /// Other files the run wrote (the runner's output and summary files).
    pub written: Vec<PathBuf>,
}

impl Outcome {
    /// The findings' rule ids.
    pub fn rules(&self) -> Vec<String> {
        self.report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The findings.
    pub fn findings(&self) -> &Vec<serde_json::Value> {
        self.report["findings"].as_array().unwrap()
    }

    /// Each finding's values at the JSON `pointers` (within the finding), joined by spaces
    /// (`-` where absent), sorted: compact to compare (`"github-pat app.py 9"`).
    pub fn found(&self, pointers: &[&str]) -> Vec<String> {
        let mut found: Vec<String> = self
            .findings()
            .iter()
            .map(|f| {
                let values: Vec<String> = pointers
                    .iter()
                    .map(|p| match f.pointer(p) {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(value) => value.to_string(),
                        None => "-".to_owned(),
                    })
                    .collect();
                values.join(" ")
            })
            .collect();
        found.sort();
        found
    }

    /// Asserts that no secret value appears on stdout, on stderr (the gate runs with
    /// `SIGNOFF_LOG=trace`), or in any file written into the output directory (at any
    /// depth) or for the runner. Each value is looked for as is, JSON-escaped (as the
    /// report and SARIF would carry it) and, for multi-line values, line by line.
    pub fn assert_never_shows(&self, values: &[String]) {
        let mut texts = vec![
            ("stdout".to_owned(), self.run.stdout.clone()),
            ("stderr".to_owned(), self.run.stderr.clone()),
        ];
        let mut files: Vec<PathBuf> = self.written.clone();
        let mut dirs = vec![self.out.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        assert!(
            files.iter().any(|f| f.ends_with("secret-scan.gate.json")),
            "no report in {files:?}"
        );
        for path in files {
            texts.push((
                path.display().to_string(),
                String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned(),
            ));
        }
        for value in values {
            assert!(
                value.len() >= 8,
                "too short to look for safely: {} chars",
                value.len()
            );
            for needle in needles(value) {
                for (name, text) in &texts {
                    assert!(
                        !text.contains(&needle),
                        "a planted secret appears in {name}: {}… ({} chars)",
                        &needle[..needle.len().min(6)],
                        needle.len()
                    );
                }
            }
        }
    }
}

/// The forms of a secret value to look for in output.
fn needles(value: &str) -> Vec<String> {
    let mut forms = vec![value.to_owned()];
    let escaped = serde_json::to_string(value).unwrap();
    let escaped = escaped[1..escaped.len() - 1].to_owned();
    if escaped != value {
        forms.push(escaped);
    }
    if value.contains('\n') {
        // Armour and header lines (`-----BEGIN …`, `Encryption: none`) are not secret.
        forms.extend(
            value
                .lines()
                .filter(|l| l.len() >= 16 && !l.contains("-----") && !l.contains(' '))
                .map(str::to_owned),
        );
    }
    forms
}

/// The secret values the default rules extract from `text` (what a finding's preview and
/// digest stand for): these, not whole example lines, are what must never be shown.
pub fn secrets_in(text: &str) -> Vec<String> {
    use std::sync::LazyLock;
    static RULES: LazyLock<Ruleset> = LazyLock::new(|| Ruleset::default_rules().unwrap());
    let scanner = Scanner {
        rules: &RULES,
        decode_depth: 0,
    };
    let mut values: Vec<String> = scanner
        .scan(format!("{text}\n").as_bytes())
        .hits
        .into_iter()
        .map(|hit| String::from_utf8(hit.secret).unwrap())
        .collect();
    values.sort();
    values.dedup();
    values
}

/// `value` and its base64, hex and percent encodings, as decoding tests plant them.
pub fn with_encodings(value: &str) -> Vec<String> {
    use base64::Engine as _;
    vec![
        value.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(value),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value),
        hex::encode(value),
        hex::encode_upper(value),
        value.bytes().map(|b| format!("%{b:02X}")).collect(),
    ]
}

/// Runs the gate on `path` with `args`, validating its report and SARIF.
pub fn scan(path: &Path, args: &[&str]) -> Outcome {
    scan_in(path, args, None)
}

/// Runs the gate as a step of a GitHub Actions job would (see [`Actions`]).
pub fn scan_in(path: &Path, args: &[&str], actions: Option<&Actions>) -> Outcome {
    let out = tempfile::tempdir().unwrap().keep();
    let mut cmd = gate()
        .arg(path)
        .args(args.iter().copied())
        .arg("--out")
        .arg(&out)
        .env("SIGNOFF_LOG", "trace");
    let mut written = Vec::new();
    if let Some(actions) = actions {
        for (key, value) in actions.env() {
            cmd = cmd.env(&key, value);
        }
        written.extend([actions.output(), actions.summary()]);
    }
    let run = cmd.run();
    let report = signoff_testkit::assert_valid_gate_report(&out.join("secret-scan.gate.json"));
    let sarif = if out.join("secret-scan.sarif").exists() {
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("secret-scan.sarif")).unwrap())
                .unwrap();
        assert_valid_sarif(&value);
        value
    } else {
        serde_json::Value::Null
    };
    Outcome {
        run,
        report,
        sarif,
        out,
        written,
    }
}

/// A GitHub Actions step's environment: `GITHUB_ACTIONS=true`, an event payload file and
/// the runner's output and job-summary files, in a temporary directory.
pub struct Actions {
    dir: tempfile::TempDir,
    event: String,
    git_ref: String,
    sha: Option<String>,
}

impl Actions {
    /// A `pull_request`-like event (`event` names it) with the given base and head commits.
    pub fn pull_request(event: &str, base: &str, head: Option<&str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut pr = serde_json::json!({
            "number": 7,
            "base": {"sha": base, "ref": "main"},
            "head": {"ref": "feature"},
        });
        if let Some(head) = head {
            pr["head"]["sha"] = head.into();
        }
        let payload = serde_json::json!({"action": "synchronize", "pull_request": pr});
        std::fs::write(dir.path().join("event.json"), payload.to_string()).unwrap();
        for name in ["output", "summary"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        Self {
            dir,
            event: event.to_owned(),
            git_ref: "refs/pull/7/merge".to_owned(),
            sha: None,
        }
    }

    /// A `push` event from `before` to `after` on `refs/heads/main`.
    pub fn push(before: &str, after: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let payload =
            serde_json::json!({"before": before, "after": after, "ref": "refs/heads/main"});
        std::fs::write(dir.path().join("event.json"), payload.to_string()).unwrap();
        for name in ["output", "summary"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        Self {
            dir,
            event: "push".to_owned(),
            git_ref: "refs/heads/main".to_owned(),
            sha: Some(after.to_owned()),
        }
    }

    /// The runner's step-output file.
    pub fn output(&self) -> PathBuf {
        self.dir.path().join("output")
    }

    /// The runner's job-summary file.
    pub fn summary(&self) -> PathBuf {
        self.dir.path().join("summary")
    }

    fn env(&self) -> Vec<(String, std::ffi::OsString)> {
        let path = |name: &str| self.dir.path().join(name).into_os_string();
        let mut env = vec![
            ("GITHUB_ACTIONS".into(), "true".into()),
            ("GITHUB_EVENT_NAME".into(), self.event.clone().into()),
            ("GITHUB_EVENT_PATH".into(), path("event.json")),
            ("GITHUB_OUTPUT".into(), path("output")),
            ("GITHUB_STEP_SUMMARY".into(), path("summary")),
            ("GITHUB_REPOSITORY".into(), "acme/app".into()),
            ("GITHUB_REF".into(), self.git_ref.clone().into()),
        ];
        if let Some(sha) = &self.sha {
            env.push(("GITHUB_SHA".into(), sha.clone().into()));
        }
        env
    }
}

/// Validates against the SARIF 2.1.0 schema committed beside the tests.
pub fn assert_valid_sarif(value: &serde_json::Value) {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0-rtm.5.json");
    // The published schema's `language` pattern has a stray `]` that ECMA-262 reads as a
    // literal and Rust's regex rejects; escaping it keeps its meaning.
    let text = std::fs::read_to_string(schema_path)
        .unwrap()
        .replace(r#"-[a-zA-Z]{2}]?$"#, r#"-[a-zA-Z]{2}\\]?$"#);
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

/// A fresh example of a format template (`ghp_{a:30}{crc}`).
pub fn example(template: &str, seed: u64) -> String {
    expand(template, &mut Rng::new(seed), None)
}

/// A GitHub classic token with a valid checksum.
pub fn github_token(seed: u64) -> String {
    example("ghp_{a:30}{crc}", seed)
}

/// An AWS access key id.
pub fn aws_key_id(seed: u64) -> String {
    example("AKIA{b32:16}", seed)
}
