//! Shared helpers: run the gate, zip fixture records into a database, write SBOMs, and
//! validate what the gate wrote.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use signoff_testkit::{Cmd, Run};

/// The gate binary with a clean environment.
pub fn gate() -> Cmd {
    Cmd::new(env!("CARGO_BIN_EXE_signoff-vulns"))
}

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// Zips every `*.json` of each fixture folder into `<db>/<Ecosystem>/all.zip`.
pub fn database(exports: &[(&str, &[&str])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (ecosystem, folders) in exports {
        let mut files: Vec<PathBuf> = Vec::new();
        for folder in *folders {
            for entry in std::fs::read_dir(fixture(folder)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "json") {
                    files.push(path);
                }
            }
        }
        files.sort();
        let records: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(p).unwrap(),
                )
            })
            .collect();
        write_export(dir.path(), ecosystem, &records);
    }
    dir
}

/// Writes `<db>/<ecosystem>/all.zip` holding these records.
pub fn write_export(db: &Path, ecosystem: &str, records: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(db.join(ecosystem)).unwrap();
    std::fs::write(db.join(ecosystem).join("all.zip"), zip_bytes(records)).unwrap();
}

pub fn zip_bytes(records: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in records {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A CycloneDX 1.6 SBOM of these purls (scope `optional` when the bool says dev), with
/// every component a direct dependency of the root.
pub fn sbom(dir: &Path, purls: &[&str]) -> PathBuf {
    let components: Vec<Value> = purls
        .iter()
        .map(|p| serde_json::json!({"type": "library", "bom-ref": p, "name": p.rsplit('/').next().unwrap(), "purl": p}))
        .collect();
    let doc = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "metadata": {"component": {"type": "application", "name": "app", "bom-ref": "root"}},
        "components": components,
        "dependencies": [{"ref": "root", "dependsOn": purls}],
    });
    let path = dir.join("sbom.cdx.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    path
}

/// What one run produced.
pub struct Outcome {
    pub run: Run,
    pub report: Value,
    pub out: PathBuf,
}

impl Outcome {
    pub fn findings(&self) -> &Vec<Value> {
        self.report["findings"].as_array().unwrap()
    }

    /// `id package@version severity [upgrade] [waived]` per finding, sorted.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .findings()
            .iter()
            .map(|f| {
                let d = &f["details"];
                let text = |k: &str| d[k].as_str().unwrap_or("-").to_owned();
                format!(
                    "{} {} {}@{} {}{}{}",
                    f["rule"].as_str().unwrap(),
                    text("id"),
                    text("package"),
                    text("version"),
                    f["severity"].as_str().unwrap(),
                    d["upgrade_to"]
                        .as_str()
                        .map(|u| format!(" -> {u}"))
                        .unwrap_or_default(),
                    if f["waived"] == true { " (waived)" } else { "" }
                )
            })
            .collect();
        lines.sort();
        lines
    }

    pub fn metric(&self, name: &str) -> f64 {
        self.report["metrics"][name]
            .as_f64()
            .unwrap_or_else(|| panic!("no metric {name}"))
    }

    pub fn file(&self, name: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.out.join(name)).unwrap()).unwrap()
    }
}

/// Runs the gate with `args`, the output in a fresh temp dir, and validates what it wrote.
pub fn check(cmd: Cmd, out: &Path) -> Outcome {
    let run = cmd.arg("--out").arg(out).run();
    let path = out.join("vulnerabilities.gate.json");
    assert!(path.is_file(), "no report: {}", run.all_output());
    let report = signoff_testkit::assert_valid_gate_report(&path);
    let outcome = Outcome {
        run,
        report,
        out: out.to_path_buf(),
    };
    if outcome.report["status"] != "error" && out.join("vulnerabilities.cdx.json").is_file() {
        assert_valid_cyclonedx(&outcome.file("vulnerabilities.cdx.json"));
        assert_valid_sarif(&outcome.file("vulnerabilities.sarif"));
    }
    outcome
}

fn schema(path: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap(),
    )
    .unwrap()
}

/// CycloneDX 1.6, strictly, with the schema files the sbom crate commits.
pub fn assert_valid_cyclonedx(bom: &Value) {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft7)
            .should_validate_formats(true)
            .with_retriever(CycloneDxSchemas)
            .build(&schema(
                "../sbom/tests/schemas/bom-1.6.SNAPSHOT.schema.json",
            ))
            .unwrap()
    });
    let errors: Vec<String> = validator
        .iter_errors(bom)
        .take(20)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid CycloneDX 1.6:\n{}",
        errors.join("\n")
    );
}

struct CycloneDxSchemas;

impl jsonschema::Retrieve for CycloneDxSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .strip_prefix("http://cyclonedx.org/schema/")
            .filter(|n| !n.contains('/'))
            .ok_or_else(|| format!("{uri} is not committed here"))?;
        Ok(schema(&format!("../sbom/tests/schemas/{name}")))
    }
}

/// SARIF 2.1.0 with the schema the secrets crate commits.
pub fn assert_valid_sarif(value: &Value) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../secrets/tests/schemas/sarif-2.1.0-rtm.5.json"),
    )
    .unwrap()
    .replace(r#"-[a-zA-Z]{2}]?$"#, r#"-[a-zA-Z]{2}\\]?$"#);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&serde_json::from_str(&text).unwrap())
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
