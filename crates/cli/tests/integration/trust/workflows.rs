//! Items 9 and 10, on paper: every README workflow reaches its report step in every
//! outcome (a gate never stops the job first), and the matrix example is complete (a
//! checkout for signoff.yml and the required gates beside the shards). `scripts/test-
//! actions.sh` runs both for real under act: a failing gate still yields a REJECTED
//! report, and two coverage shards are judged as one.

use serde_json::Value;

/// The README's YAML blocks that use signoff, parsed.
fn readme_workflows() -> Vec<Value> {
    let readme =
        std::fs::read_to_string(signoff_testkit::workspace_root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let end = body.find("\n```").unwrap();
        let text = &body[..end];
        if text.contains("signoff-dev/signoff") && text.contains("uses:") {
            // Step lists are indented as in a job; drop the indentation.
            let indent = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            let text: String = text
                .lines()
                .map(|l| l.get(indent..).unwrap_or("").to_owned() + "\n")
                .collect();
            blocks.push(signoff_core::yaml::from_str::<Value>(&text, "README.md").unwrap());
        }
        rest = &body[end..];
    }
    assert!(blocks.len() >= 4, "{blocks:?}");
    blocks
}

/// Every list of steps in a workflow or a bare list of steps.
fn step_lists(workflow: &Value) -> Vec<Vec<Value>> {
    match workflow {
        Value::Array(steps) => vec![steps.clone()],
        _ => workflow["jobs"]
            .as_object()
            .unwrap()
            .values()
            .map(|job| job["steps"].as_array().unwrap().clone())
            .collect(),
    }
}

fn uses(step: &Value) -> &str {
    step["uses"].as_str().unwrap_or_default()
}

/// Item 9: gate actions never stop the job by default, and in every README workflow the
/// report step runs whatever happened before it.
#[test]
fn issue_13_item_9_every_readme_workflow_reaches_its_report() {
    for gate in ["secret-scan", "sbom", "coverage", "health-check"] {
        let file = format!("actions/{gate}/action.yml");
        let text = std::fs::read(signoff_testkit::workspace_root().join(&file)).unwrap();
        let action: Value = signoff_core::yaml::from_bytes(&text, &file).unwrap();
        assert_eq!(action["inputs"]["fail"]["default"], "false", "{file}");
    }
    let mut reports = 0;
    for workflow in readme_workflows() {
        for steps in step_lists(&workflow) {
            let Some(report) = steps
                .iter()
                .position(|s| uses(s).starts_with("signoff-dev/signoff@"))
            else {
                continue;
            };
            reports += 1;
            let first_run = steps.iter().position(|s| s.get("run").is_some());
            for (index, step) in steps.iter().enumerate().take(report + 1) {
                if uses(step).contains("/actions/") {
                    assert_ne!(
                        step["with"]["fail"], "true",
                        "a gate stops the job before the report: {step}"
                    );
                }
                if first_run.is_some_and(|run| index > run) {
                    let condition = step["if"].as_str().unwrap_or_default();
                    assert!(
                        condition.contains("!cancelled()") || condition.contains("always()"),
                        "a step after `run:` is skipped when it fails: {step}"
                    );
                }
            }
        }
    }
    assert!(reports >= 3);
}

/// Item 10: the matrix example as written: the report job checks out (signoff.yml) and
/// runs the gates the default policy requires, runs after the shards whatever they found,
/// and the shards are a matrix of two.
#[test]
fn issue_13_item_10_the_readme_matrix_example_is_complete() {
    let workflow = readme_workflows()
        .into_iter()
        .find(|w| w["jobs"]["test"]["strategy"]["matrix"].is_object())
        .expect("the README's matrix example");
    let shards = workflow["jobs"]["test"]["strategy"]["matrix"]["shard"]
        .as_array()
        .unwrap();
    assert_eq!(shards.len(), 2);
    let signoff = &workflow["jobs"]["signoff"];
    assert_eq!(signoff["needs"], "test");
    assert!(signoff["if"].as_str().unwrap().contains("!cancelled()"));
    let steps: Vec<&str> = signoff["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(uses)
        .collect();
    assert!(steps[0].starts_with("actions/checkout@"), "{steps:?}");
    for gate in signoff_core::policy::Policy::default_policy().required {
        assert!(
            steps
                .iter()
                .any(|s| s.contains(&format!("/actions/{gate}@"))),
            "the default policy requires `{gate}`: {steps:?}"
        );
    }
}
