//! The release path: production deploys found by their commands, environments and names,
//! and judged on what they wait for, what protects them, what precedes and follows them.

use crate::common::{check, repo};

/// A release path a reviewer would accept: tests and a scan gate a staging deploy, an
/// approval (environment) gates production, a smoke test follows, a rollback runs on
/// failure, and images carry the commit.
const GOOD: &str = r#"name: release
on:
  push:
    branches: [main]
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - run: make test
  scan:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - run: osv-scanner scan -r .
  staging:
    needs: [test, scan]
    runs-on: ubuntu-latest
    timeout-minutes: 20
    environment: staging
    steps:
      - run: |
          docker build -t ghcr.io/acme/api:${GITHUB_SHA} .
          docker push ghcr.io/acme/api:${GITHUB_SHA}
          helm upgrade api ./chart --set image.tag=${GITHUB_SHA} --atomic
  production:
    needs: [staging]
    runs-on: ubuntu-latest
    timeout-minutes: 20
    environment: production
    steps:
      - run: helm upgrade api ./chart --set image.tag=${GITHUB_SHA}
      - run: curl --fail --retry 10 https://api.example.com/health
      - if: failure()
        run: helm rollback api
"#;

const RELEASE_RULES: &[&str] = &[
    "deploy-not-gated",
    "deploy-gate-bypass",
    "deploy-unprotected",
    "no-staging-before-production",
    "no-post-deploy-check",
    "no-rollback",
    "mutable-image-tag",
];

fn release_findings(outcome: &crate::common::Outcome) -> Vec<String> {
    outcome
        .found()
        .into_iter()
        .filter(|f| {
            RELEASE_RULES
                .iter()
                .any(|r| f.starts_with(&format!("{r} ")))
        })
        .collect()
}

#[test]
fn a_sound_release_path_has_no_release_findings() {
    let outcome = check(repo(&[(".github/workflows/release.yml", GOOD)]).path());
    assert_eq!(release_findings(&outcome), Vec::<String>::new());
    let deploys = outcome.report["details"]["deploys"].as_array().unwrap();
    let stages: Vec<&str> = deploys
        .iter()
        .map(|d| d["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["staging", "production"]);
    assert_eq!(outcome.report["metrics"]["production_deploys"], 1);
}

#[test]
fn each_missing_safeguard_is_its_own_finding() {
    let bad = GOOD
        .replace("    needs: [staging]\n", "    needs: [scan]\n")
        .replace("    environment: production\n", "")
        .replace(
            "      - run: curl --fail --retry 10 https://api.example.com/health\n",
            "",
        )
        .replace(
            "      - if: failure()\n        run: helm rollback api\n",
            "",
        );
    let outcome = check(repo(&[(".github/workflows/release.yml", &bad)]).path());
    assert_eq!(
        release_findings(&outcome),
        [
            "deploy-not-gated .github/workflows/release.yml:27",
            "deploy-unprotected .github/workflows/release.yml:27",
            "no-post-deploy-check .github/workflows/release.yml:27",
            "no-rollback .github/workflows/release.yml:27",
            "no-staging-before-production .github/workflows/release.yml:27",
        ]
    );
    let gated = outcome.finding("deploy-not-gated", ".github/workflows/release.yml:27");
    assert!(
        gated["message"]
            .as_str()
            .unwrap()
            .contains("its `needs:` reach only `scan`"),
        "{gated}"
    );
    assert!(
        gated["help"]
            .as_str()
            .unwrap()
            .contains("needs: [test, security-scan]")
    );
}

#[test]
fn always_and_skip_inputs_are_bypasses() {
    let bad = GOOD
        .replace("on:\n  push:\n    branches: [main]\n", "on:\n  push:\n    branches: [main]\n  workflow_dispatch:\n    inputs:\n      skip_tests: {type: boolean}\n")
        .replace("      - run: make test\n", "      - run: make test\n        if: ${{ !inputs.skip_tests }}\n")
        .replace("    needs: [staging]\n", "    needs: [staging]\n    if: always()\n");
    let outcome = check(repo(&[(".github/workflows/release.yml", &bad)]).path());
    let bypass = outcome.of("deploy-gate-bypass");
    // The skippable test step shows through both deploys; `always()` on production.
    assert!(
        bypass.contains(&".github/workflows/release.yml:15".to_owned()),
        "{bypass:?}"
    );
    assert!(
        bypass.contains(&".github/workflows/release.yml:33".to_owned()),
        "{bypass:?}"
    );
}

#[test]
fn mutable_tags_and_latest_secrets() {
    let bad = GOOD
        .replace("docker build -t ghcr.io/acme/api:${GITHUB_SHA} .\n          docker push ghcr.io/acme/api:${GITHUB_SHA}", "docker build -t ghcr.io/acme/api:latest .\n          docker push ghcr.io/acme/api:latest")
        .replace("      - run: helm upgrade api ./chart --set image.tag=${GITHUB_SHA}\n", "      - run: gcloud run deploy api --image ghcr.io/acme/api:latest --set-secrets=KEY=api-key:latest\n");
    let outcome = check(repo(&[(".github/workflows/release.yml", &bad)]).path());
    assert_eq!(
        outcome.of("mutable-image-tag"),
        [".github/workflows/release.yml:25"]
    );
    assert_eq!(
        outcome.of("unpinned-secret-version"),
        [".github/workflows/release.yml:33"]
    );
}

#[test]
fn a_deploy_after_a_successful_ci_run_is_gated_by_it() {
    let ci = "name: CI\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: x\n    timeout-minutes: 5\n    steps:\n      - run: npm test\n      - run: npm audit --audit-level=high\n";
    let deploy = "name: Deploy\non:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\npermissions: {}\njobs:\n  deploy:\n    if: github.event.workflow_run.conclusion == 'success'\n    runs-on: x\n    timeout-minutes: 5\n    environment: production\n    steps:\n      - run: npx wrangler deploy\n      - run: curl --fail https://example.com/health\n      - if: failure()\n        run: npx wrangler rollback\n";
    let outcome = check(
        repo(&[
            (".github/workflows/ci.yml", ci),
            (".github/workflows/deploy.yml", deploy),
        ])
        .path(),
    );
    assert!(
        outcome.of("deploy-not-gated").is_empty(),
        "{:?}",
        outcome.found()
    );
    assert_eq!(
        outcome.of("dangerous-triggers"),
        [".github/workflows/deploy.yml:3"]
    );
}

#[test]
fn gitlab_stages_order_the_jobs() {
    let pipeline = "stages: [test, deploy]\ntests:\n  stage: test\n  image: python:3.12\n  script: [pytest]\nscan:\n  stage: test\n  image: python:3.12\n  script: [pip-audit]\nproduction:\n  stage: deploy\n  image: bitnami/kubectl:1.30\n  environment: production\n  when: manual\n  script:\n    - kubectl apply -f k8s/\n    - kubectl rollout status deployment/api\n";
    let outcome = check(repo(&[(".gitlab-ci.yml", pipeline)]).path());
    assert_eq!(
        release_findings(&outcome),
        [
            "no-rollback .gitlab-ci.yml:10",
            "no-staging-before-production .gitlab-ci.yml:10"
        ]
    );
}
