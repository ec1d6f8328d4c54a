//! Shared helpers: run the gate, read and validate what it wrote, plant secrets.

use std::path::{Path, PathBuf};

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

    /// Asserts that no value appears in the output, the report, the SARIF or any other file
    /// written into the output directory.
    pub fn assert_never_shows(&self, values: &[String]) {
        let mut texts = vec![("console".to_owned(), self.run.all_output())];
        for entry in std::fs::read_dir(&self.out).unwrap() {
            let path = entry.unwrap().path();
            texts.push((
                path.display().to_string(),
                String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned(),
            ));
        }
        for value in values {
            // Multi-line values: look for each long line of the body (armour and header
            // lines such as `-----BEGIN …` or `Encryption: none` are not secret).
            for piece in value
                .lines()
                .filter(|l| l.len() >= 16 && !l.contains("-----") && !l.contains(' '))
            {
                for (name, text) in &texts {
                    assert!(
                        !text.contains(piece),
                        "a planted secret appears in {name}: {}…",
                        &piece[..piece.len().min(6)]
                    );
                }
            }
        }
    }
}

/// Runs the gate on `path` with `args`, validating its report and SARIF.
pub fn scan(path: &Path, args: &[&str]) -> Outcome {
    let out = tempfile::tempdir().unwrap().keep();
    let run = gate()
        .arg(path)
        .args(args.iter().copied())
        .arg("--out")
        .arg(&out)
        .run();
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
