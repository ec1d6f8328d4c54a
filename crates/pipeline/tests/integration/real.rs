//! Real workflows from public repositories (`tests/fixtures/real/`, provenance in its
//! README), one for each shape: YAML anchors, reusable workflows and the composite actions
//! they use, `on:` as a string, a list and a map, a matrix, and a GitLab pipeline with
//! includes, anchors and `extends:`.

use crate::common::{check, fixture};

fn deploys(outcome: &crate::common::Outcome) -> Vec<String> {
    outcome.report["details"]["deploys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {}",
                d["workflow"].as_str().unwrap(),
                d["line"],
                d["job"].as_str().unwrap(),
                d["stage"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn flagsmith_anchors_reusable_workflows_and_composite_actions() {
    let outcome = check(&fixture("real/flagsmith"));
    assert!(
        outcome.of("invalid-workflow").is_empty(),
        "{:?}",
        outcome.found()
    );
    // `paths: &story_paths` under `push:` is aliased under `pull_request:`; the trigger is read.
    assert_eq!(
        outcome.of("missing-concurrency"),
        [".github/workflows/frontend-chromatic.yml:18"]
    );
    // Production and staging call the same local reusable workflow; its deploy job is found
    // where it is written, and judged where it is called.
    assert_eq!(
        deploys(&outcome),
        [
            ".github/workflows/.reusable-deploy-ecs.yml:75 deploy staging",
            ".github/workflows/api-deploy-production-ecs.yml:17 deploy-ecs production",
            ".github/workflows/api-deploy-staging-ecs.yml:18 deploy-ecs staging",
        ]
    );
    // Inside the called workflow the tests run after the deploy, so the production deploy
    // waits for none; they do count as its post-deploy check.
    let gated = outcome.finding(
        "deploy-not-gated",
        ".github/workflows/api-deploy-production-ecs.yml:17",
    );
    assert!(
        gated["message"]
            .as_str()
            .unwrap()
            .contains("does not wait for the tests"),
        "{gated}"
    );
    assert!(
        outcome.of("no-post-deploy-check").is_empty(),
        "{:?}",
        outcome.found()
    );
    assert!(
        !outcome
            .found()
            .iter()
            .any(|f| f.starts_with("deploy-") && f.contains(".reusable-deploy-ecs.yml"))
    );
    // The composite actions the called workflow uses are read, with their positions.
    assert!(
        outcome
            .of("template-injection")
            .contains(&".github/actions/api-deploy-ecs/action.yml:96".to_owned())
    );
    insta::assert_snapshot!(outcome.found().join("\n"));
}

#[test]
fn umami_on_as_a_list() {
    let outcome = check(&fixture("real/umami"));
    assert_eq!(
        outcome.of("missing-timeout"),
        [".github/workflows/ci.yml:10"]
    );
    assert!(
        outcome.of("missing-concurrency").is_empty(),
        "`on: [push]` has no pull-request trigger"
    );
    assert_eq!(
        outcome.of("unpinned-uses"),
        [
            ".github/workflows/ci.yml:15",
            ".github/workflows/ci.yml:16",
            ".github/workflows/ci.yml:21"
        ]
    );
    assert_eq!(
        outcome.finding("unpinned-uses", ".github/workflows/ci.yml:16")["severity"],
        "medium"
    );
    insta::assert_snapshot!(outcome.found().join("\n"));
}

#[test]
fn notification_api_on_as_a_string_a_matrix_and_a_docker_digest() {
    let outcome = check(&fixture("real/notification-api"));
    // `on: push` is a trigger; `actions/checkout@main` follows a branch.
    let checkout = outcome.finding("unpinned-uses", ".github/workflows/secret.yaml:8");
    assert_eq!(checkout["severity"], "high");
    // `docker://…@sha256:` is pinned; a static matrix expanded in `with:` is not an injection.
    assert!(outcome.of("unpinned-images").is_empty());
    assert!(outcome.of("template-injection").is_empty());
    assert_eq!(
        outcome.of("missing-concurrency"),
        [".github/workflows/codeql.yml:6"]
    );
    assert!(outcome.of("missing-sast").is_empty(), "CodeQL is SAST");
    insta::assert_snapshot!(outcome.found().join("\n"));
}

#[test]
fn identity_idp_gitlab_pipeline_with_includes_anchors_and_templates() {
    let outcome = check(&fixture("real/identity-idp"));
    // A job from a local include is reported in its own file.
    let failing = outcome.finding("non-blocking-check", ".gitlab-ci-devenv.yml:3");
    assert!(
        failing["message"]
            .as_str()
            .unwrap()
            .contains("allow_failure: true"),
        "{failing}"
    );
    // GitLab's SAST, dependency-scanning and secret-detection templates count as scans.
    for rule in [
        "missing-sast",
        "missing-dependency-scan",
        "missing-secret-scan",
    ] {
        assert!(outcome.of(rule).is_empty(), "{rule}: {:?}", outcome.found());
    }
    assert_eq!(deploys(&outcome), [".gitlab-ci.yml:516 review-app preview"]);
    insta::assert_snapshot!(outcome.found().join("\n"));
}
