//! The README's tables of action inputs and outputs are generated from the action.yml
//! files; this test fails when they drift. `SIGNOFF_UPDATE_README=1 cargo test -p signoff
//! action_docs` rewrites them.

use std::path::Path;

use serde_json::Value;

const ACTIONS: &[(&str, &str)] = &[
    ("report", "action.yml"),
    ("secret-scan", "actions/secret-scan/action.yml"),
    ("sbom", "actions/sbom/action.yml"),
    ("coverage", "actions/coverage/action.yml"),
    ("health-check", "actions/health-check/action.yml"),
    ("vulnerabilities", "actions/vulnerabilities/action.yml"),
    ("pipeline", "actions/pipeline/action.yml"),
    ("infra", "actions/infra/action.yml"),
];

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn table(action: &Value) -> String {
    let mut out = String::from("| input | default | description |\n|---|---|---|\n");
    for (name, input) in action["inputs"].as_object().unwrap() {
        let default = match input.get("default").and_then(Value::as_str) {
            Some("") | None => String::new(),
            Some(value) => format!("`{}`", cell(value)),
        };
        let description = input["description"].as_str().unwrap_or_default();
        out.push_str(&format!(
            "| `{name}` | {default} | {} |\n",
            cell(description)
        ));
    }
    out.push_str("\n| output | description |\n|---|---|\n");
    for (name, output) in action["outputs"].as_object().unwrap() {
        let description = output["description"].as_str().unwrap_or_default();
        out.push_str(&format!("| `{name}` | {} |\n", cell(description)));
    }
    out
}

#[test]
fn readme_tables_match_the_actions() {
    let root = signoff_testkit::workspace_root();
    let readme_path = root.join("README.md");
    let mut readme = std::fs::read_to_string(&readme_path).unwrap();
    let mut drift = Vec::new();
    for (id, file) in ACTIONS {
        let text = std::fs::read(root.join(file)).unwrap();
        let action: Value = signoff_core::yaml::from_bytes(&text, file).unwrap();
        let expected = table(&action);
        let start = format!("<!-- action-docs:{id} -->\n");
        let end = "<!-- /action-docs -->";
        let Some(begin) = readme.find(&start) else {
            drift.push(format!("README.md has no `{}` marker", start.trim()));
            continue;
        };
        let from = begin + start.len();
        let to = from + readme[from..].find(end).expect("closing marker");
        if readme[from..to] != expected {
            drift.push(format!("the README table of `{id}` differs from {file}"));
            readme.replace_range(from..to, &expected);
        }
    }
    if std::env::var_os("SIGNOFF_UPDATE_README").is_some() {
        std::fs::write(&readme_path, readme).unwrap();
        return;
    }
    assert!(
        drift.is_empty(),
        "{}\nrun `SIGNOFF_UPDATE_README=1 cargo test -p signoff action_docs` to regenerate",
        drift.join("\n")
    );
}

#[test]
fn every_input_reaches_scripts_through_env_only() {
    let root = signoff_testkit::workspace_root();
    for (_, file) in ACTIONS {
        let text = std::fs::read(root.join(file)).unwrap();
        let action: Value = signoff_core::yaml::from_bytes(&text, file).unwrap();
        for step in action["runs"]["steps"].as_array().unwrap() {
            if let Some(run) = step.get("run").and_then(Value::as_str) {
                assert!(
                    !run.contains("${{"),
                    "{file}: an expression inside `run:` ({run})"
                );
            }
            if let Some(uses) = step.get("uses").and_then(Value::as_str) {
                let pinned = uses.split_once('@').is_some_and(|(_, r)| {
                    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
                });
                assert!(
                    pinned,
                    "{file}: `{uses}` is not pinned to a full commit SHA"
                );
            }
        }
        for input in action["inputs"].as_object().unwrap().values() {
            assert!(
                input
                    .get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| !d.is_empty()),
                "{file}: an input has no description"
            );
            assert!(
                input.get("default").is_some(),
                "{file}: an input has no default"
            );
        }
    }
}

#[test]
fn action_version_matches_the_crates() {
    let root = signoff_testkit::workspace_root();
    let version = std::fs::read_to_string(root.join("actions/VERSION")).unwrap();
    assert_eq!(
        version.trim(),
        env!("CARGO_PKG_VERSION"),
        "actions/VERSION must match the workspace version"
    );
    assert!(Path::new(&root.join("actions/install.ps1")).is_file());
}
