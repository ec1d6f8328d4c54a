//! Known actions: what each does and which write scopes it needs. The first entry whose
//! slug prefix matches wins, so specific paths come before their repository. Some actions
//! are read with their inputs (`push:` of docker/build-push-action, `scan-type:` of
//! trivy-action, scripts passed to azure/cli or appleboy/ssh-action).

use super::{Acts, Scopes, commands};
use crate::model::Step;
use crate::model::uses::Uses;

type Entry = (&'static str, Acts, &'static [&'static str]);

const A: Acts = Acts::NONE;

#[rustfmt::skip]
const KNOWN: &[Entry] = &[
    // GitHub's own.
    ("actions/checkout", Acts::CHECKOUT, &[]),
    ("actions/deploy-pages", Acts(Acts::DEPLOY.0 | Acts::PAGES.0), &["pages", "id-token"]),
    ("actions/create-release", Acts::RELEASE, &["contents"]),
    ("actions/upload-release-asset", Acts::RELEASE, &["contents"]),
    ("actions/dependency-review-action", Acts::DEP_SCAN, &["pull-requests"]),
    ("actions/attest-sbom", Acts::SBOM, &["id-token", "attestations"]),
    ("actions/attest", A, &["id-token", "attestations"]),
    ("actions/labeler", A, &["pull-requests", "issues"]),
    ("actions/stale", A, &["issues", "pull-requests"]),
    ("actions/first-interaction", A, &["issues", "pull-requests"]),
    ("actions/delete-package-versions", A, &["packages"]),
    ("actions/cache", A, &["actions"]),
    ("actions/", A, &[]),
    ("github/codeql-action/upload-sarif", A, &["security-events"]),
    ("github/codeql-action", Acts::SAST, &["security-events"]),
    ("github/super-linter", Acts(Acts::LINT.0 | Acts::FORMAT.0), &["statuses"]),
    ("super-linter/super-linter", Acts(Acts::LINT.0 | Acts::FORMAT.0), &["statuses"]),
    // Containers.
    ("docker/build-push-action", Acts::BUILD, &[]),
    ("docker/bake-action", Acts::BUILD, &[]),
    ("docker/scout-action", Acts::IMAGE_SCAN, &["pull-requests", "security-events"]),
    ("docker/", A, &[]),
    ("redhat-actions/push-to-registry", Acts::IMAGE_PUSH, &[]),
    ("redhat-actions/buildah-build", Acts::BUILD, &[]),
    // Security scanners.
    ("aquasecurity/trivy-action", Acts::DEP_SCAN, &[]),
    ("aquasecurity/tfsec", Acts::IAC_SCAN, &[]),
    ("aquasecurity/", A, &[]),
    ("anchore/sbom-action", Acts::SBOM, &["contents"]),
    ("anchore/scan-action", Acts(Acts::IMAGE_SCAN.0 | Acts::DEP_SCAN.0), &[]),
    ("bridgecrewio/checkov-action", Acts::IAC_SCAN, &[]),
    ("checkmarx/kics-github-action", Acts::IAC_SCAN, &[]),
    ("gitleaks/gitleaks-action", Acts::SECRET_SCAN, &["pull-requests"]),
    ("zricethezav/gitleaks-action", Acts::SECRET_SCAN, &[]),
    ("trufflesecurity/trufflehog", Acts::SECRET_SCAN, &[]),
    ("gitguardian/ggshield", Acts::SECRET_SCAN, &[]),
    ("returntocorp/semgrep-action", Acts::SAST, &[]),
    ("semgrep/semgrep-action", Acts::SAST, &[]),
    ("securego/gosec", Acts::SAST, &[]),
    ("sonarsource/", Acts::SAST, &[]),
    ("snyk/actions", Acts(Acts::DEP_SCAN.0 | Acts::SAST.0), &[]),
    ("veracode/", Acts::SAST, &[]),
    ("shiftleftsecurity/scan-action", Acts::SAST, &[]),
    ("pycqa/bandit-action", Acts::SAST, &[]),
    ("mdegis/bandit-action", Acts::SAST, &[]),
    ("tj-actions/bandit", Acts::SAST, &[]),
    ("jpetrucciani/bandit-check", Acts::SAST, &[]),
    ("google/osv-scanner-action", Acts::DEP_SCAN, &["security-events"]),
    ("pypa/gh-action-pip-audit", Acts::DEP_SCAN, &[]),
    ("rustsec/audit-check", Acts::DEP_SCAN, &["checks", "issues"]),
    ("actions-rs/audit-check", Acts::DEP_SCAN, &["checks", "issues"]),
    ("embarkstudios/cargo-deny-action", Acts::DEP_SCAN, &[]),
    ("golang/govulncheck-action", Acts::DEP_SCAN, &[]),
    ("dependency-check/dependency-check_action", Acts::DEP_SCAN, &[]),
    ("ossf/scorecard-action", A, &["security-events", "id-token"]),
    ("cyclonedx/", Acts::SBOM, &[]),
    ("advanced-security/sbom-generator-action", Acts::SBOM, &[]),
    ("signoff-dev/signoff/actions/secret-scan", Acts::SECRET_SCAN, &[]),
    ("signoff-dev/signoff/actions/sbom", Acts::SBOM, &[]),
    ("signoff-dev/signoff/actions/vulnerabilities", Acts::DEP_SCAN, &[]),
    ("signoff-dev/signoff/actions/health-check", Acts::HEALTH, &[]),
    ("signoff-dev/signoff/actions/coverage", A, &[]),
    ("signoff-dev/signoff/actions/pipeline", A, &[]),
    ("signoff-dev/signoff", A, &["pull-requests"]),
    ("gitlab-template/security/sast", Acts::SAST, &[]),
    ("gitlab-template/jobs/sast", Acts::SAST, &[]),
    ("gitlab-template/security/secret-detection", Acts::SECRET_SCAN, &[]),
    ("gitlab-template/jobs/secret-detection", Acts::SECRET_SCAN, &[]),
    ("gitlab-template/security/dependency-scanning", Acts::DEP_SCAN, &[]),
    ("gitlab-template/jobs/dependency-scanning", Acts::DEP_SCAN, &[]),
    ("gitlab-template/security/container-scanning", Acts::IMAGE_SCAN, &[]),
    ("gitlab-template/jobs/container-scanning", Acts::IMAGE_SCAN, &[]),
    ("gitlab-template/security/sast-iac", Acts::IAC_SCAN, &[]),
    ("gitlab-template/", A, &[]),
    // Linters, formatters, tests.
    ("golangci/golangci-lint-action", Acts::LINT, &[]),
    ("wearerequired/lint-action", Acts::LINT, &["checks"]),
    ("reviewdog/", Acts::LINT, &["pull-requests", "checks"]),
    ("ludeeus/action-shellcheck", Acts::LINT, &[]),
    ("hadolint/hadolint-action", Acts::LINT, &[]),
    ("rhysd/actionlint", Acts::LINT, &[]),
    ("raven-actions/actionlint", Acts::LINT, &[]),
    ("davidanson/markdownlint-cli2-action", Acts::LINT, &[]),
    ("errata-ai/vale-action", Acts::LINT, &[]),
    ("crate-ci/typos", Acts::LINT, &[]),
    ("pre-commit/action", Acts(Acts::LINT.0 | Acts::FORMAT.0), &[]),
    ("psf/black", Acts::FORMAT, &[]),
    ("astral-sh/ruff-action", Acts::LINT, &[]),
    ("chartboost/ruff-action", Acts::LINT, &[]),
    ("dprint/check", Acts::FORMAT, &[]),
    ("actions-rust-lang/rustfmt", Acts::FORMAT, &[]),
    ("oxsecurity/megalinter", Acts(Acts::LINT.0 | Acts::FORMAT.0), &[]),
    ("trunk-io/trunk-action", Acts(Acts::LINT.0 | Acts::FORMAT.0), &[]),
    ("ibiqlik/action-yamllint", Acts::LINT, &[]),
    ("amannn/action-semantic-pull-request", Acts::LINT, &[]),
    ("cypress-io/github-action", Acts::TEST, &[]),
    ("dorny/test-reporter", A, &["checks"]),
    ("enricomi/publish-unit-test-result-action", A, &["checks", "pull-requests"]),
    ("mikepenz/action-junit-report", A, &["checks"]),
    ("codecov/", A, &[]),
    ("coverallsapp/", A, &[]),
    // Deploys.
    ("azure/webapps-deploy", Acts::DEPLOY, &[]),
    ("azure/functions-action", Acts::DEPLOY, &[]),
    ("azure/k8s-deploy", Acts::DEPLOY, &[]),
    ("azure/container-apps-deploy-action", Acts::DEPLOY, &[]),
    ("azure/static-web-apps-deploy", Acts::DEPLOY, &["pull-requests"]),
    ("azure/arm-deploy", Acts::DEPLOY, &[]),
    ("azure/login", A, &[]),
    ("azure/", A, &[]),
    ("google-github-actions/deploy-", Acts::DEPLOY, &[]),
    ("google-github-actions/release-please-action", Acts::RELEASE, &["contents", "pull-requests"]),
    ("googleapis/release-please-action", Acts::RELEASE, &["contents", "pull-requests"]),
    ("google-github-actions/", A, &[]),
    ("aws-actions/amazon-ecs-deploy-task-definition", Acts::DEPLOY, &[]),
    ("aws-actions/aws-cloudformation-github-deploy", Acts::DEPLOY, &[]),
    ("aws-actions/", A, &[]),
    ("cloudflare/wrangler-action", Acts::DEPLOY, &["deployments"]),
    ("cloudflare/pages-action", Acts::DEPLOY, &["deployments"]),
    ("amondnet/vercel-action", Acts::DEPLOY, &["pull-requests", "deployments"]),
    ("nwtgck/actions-netlify", Acts::DEPLOY, &["pull-requests", "deployments", "statuses"]),
    ("netlify/actions/cli", Acts::DEPLOY, &[]),
    ("superfly/flyctl-actions/setup-flyctl", A, &[]),
    ("peaceiris/actions-gh-pages", Acts(Acts::DEPLOY.0 | Acts::PAGES.0), &["contents"]),
    ("jamesives/github-pages-deploy-action", Acts(Acts::DEPLOY.0 | Acts::PAGES.0), &["contents"]),
    ("akhileshns/heroku-deploy", Acts::DEPLOY, &[]),
    ("digitalocean/app_action", Acts::DEPLOY, &[]),
    ("deliverybot/helm", Acts::DEPLOY, &["deployments"]),
    ("jtalk/url-health-check-action", Acts::HEALTH, &[]),
    ("newrelic/deployment-marker-action", Acts::MARKER, &[]),
    ("getsentry/action-release", Acts::MARKER, &[]),
    ("datadog/", Acts::MARKER, &[]),
    ("8398a7/action-slack", Acts::MARKER, &[]),
    ("slackapi/slack-github-action", Acts::MARKER, &[]),
    ("rtcamp/action-slack-notify", Acts::MARKER, &[]),
    // Publishing and releases.
    ("pypa/gh-action-pypi-publish", Acts::PUBLISH, &["id-token"]),
    ("js-devtools/npm-publish", Acts::PUBLISH, &[]),
    ("changesets/action", Acts::RELEASE, &["contents", "pull-requests"]),
    ("softprops/action-gh-release", Acts::RELEASE, &["contents"]),
    ("ncipollo/release-action", Acts::RELEASE, &["contents"]),
    ("goreleaser/goreleaser-action", Acts::RELEASE, &["contents", "packages"]),
    ("release-drafter/release-drafter", A, &["contents", "pull-requests"]),
    ("svenstaro/upload-release-action", Acts::RELEASE, &["contents"]),
    ("marvinpinto/action-automatic-releases", Acts::RELEASE, &["contents"]),
    ("rust-lang/crates-io-auth-action", A, &["id-token"]),
    ("sigstore/gh-action-sigstore-python", A, &["id-token"]),
    ("slsa-framework/", A, &["id-token", "contents", "actions"]),
    // Repository automation.
    ("peter-evans/create-pull-request", A, &["contents", "pull-requests"]),
    ("peter-evans/create-or-update-comment", A, &["issues", "pull-requests"]),
    ("peter-evans/repository-dispatch", A, &["contents"]),
    ("peter-evans/", A, &[]),
    ("marocchino/sticky-pull-request-comment", A, &["pull-requests"]),
    ("thollander/actions-comment-pull-request", A, &["pull-requests"]),
    ("mshick/add-pr-comment", A, &["pull-requests", "issues"]),
    ("stefanzweifel/git-auto-commit-action", A, &["contents"]),
    ("endbug/add-and-commit", A, &["contents"]),
    ("ad-m/github-push-action", A, &["contents"]),
    ("actions-ecosystem/action-add-labels", A, &["issues", "pull-requests"]),
    ("chrnorm/deployment-", A, &["deployments"]),
    ("bobheadxi/deployments", A, &["deployments"]),
    ("dependabot/fetch-metadata", A, &[]),
    // Tools that need no write scope.
    ("dtolnay/rust-toolchain", A, &[]),
    ("swatinem/rust-cache", A, &[]),
    ("taiki-e/install-action", A, &[]),
    ("pnpm/action-setup", A, &[]),
    ("oven-sh/setup-bun", A, &[]),
    ("astral-sh/setup-uv", A, &[]),
    ("ruby/setup-ruby", A, &[]),
    ("gradle/", A, &[]),
    ("hashicorp/setup-", A, &[]),
    ("denoland/setup-deno", A, &[]),
    ("step-security/harden-runner", A, &[]),
    ("tj-actions/changed-files", A, &[]),
    ("dorny/paths-filter", A, &[]),
    ("sigstore/cosign-installer", A, &[]),
    ("webfactory/ssh-agent", A, &[]),
    ("shimataro/ssh-key-action", A, &[]),
    ("extractions/setup-just", A, &[]),
    ("arduino/setup-protoc", A, &[]),
    ("jdx/mise-action", A, &[]),
    ("shivammathur/setup-php", A, &[]),
    ("subosito/flutter-action", A, &[]),
    ("erlef/setup-beam", A, &[]),
    ("cachix/", A, &[]),
    ("actions-rs/toolchain", A, &[]),
    ("mlugg/setup-zig", A, &[]),
];

/// What a repository action does, given the step's inputs.
pub(crate) fn classify(uses: &Uses<'_>, step: &Step) -> (Acts, Scopes) {
    let Uses::Repo { .. } = uses else {
        return (Acts::NONE, Scopes::NONE);
    };
    let slug = uses.slug();
    let input = |name: &str| {
        step.input(name)
            .and_then(|n| n.as_str())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    let mut acts = Acts::NONE;
    let mut scopes = Scopes::UNKNOWN;
    if let Some((_, a, s)) = KNOWN.iter().find(|(prefix, _, _)| slug.starts_with(prefix)) {
        acts = *a;
        scopes = Scopes::of(s);
    }
    // Inputs that change what the action does.
    match slug.as_str() {
        "docker/build-push-action" | "docker/bake-action"
            if input("push") == "true" || input("push").contains("${{") =>
        {
            acts |= Acts::IMAGE_PUSH;
            if input("tags").contains("ghcr.io") || input("set").contains("ghcr.io") {
                scopes = scopes.union(Scopes::of(&["packages"]));
            }
        }
        "docker/login-action" if input("registry").contains("ghcr.io") => {
            scopes = Scopes::of(&["packages"])
        }
        "aquasecurity/trivy-action" => {
            acts = match input("scan-type").as_str() {
                "image" => Acts::IMAGE_SCAN,
                "config" => Acts::IAC_SCAN,
                _ if !input("image-ref").is_empty() => Acts::IMAGE_SCAN,
                _ => Acts::DEP_SCAN,
            };
            if input("format").contains("cyclonedx") || input("format").contains("spdx") {
                acts |= Acts::SBOM;
            }
        }
        "aws-actions/configure-aws-credentials"
            if !input("role-to-assume").is_empty() && input("aws-access-key-id").is_empty() =>
        {
            acts |= Acts::OIDC;
            scopes = Scopes::of(&["id-token"]);
        }
        "google-github-actions/auth" if !input("workload_identity_provider").is_empty() => {
            acts |= Acts::OIDC;
            scopes = Scopes::of(&["id-token"]);
        }
        "azure/login" if !input("client-id").is_empty() && input("creds").is_empty() => {
            acts |= Acts::OIDC;
            scopes = Scopes::of(&["id-token"]);
        }
        "hashicorp/vault-action" if input("method") == "jwt" => {
            acts |= Acts::OIDC;
            scopes = Scopes::of(&["id-token"]);
        }
        s if s.starts_with("codecov/") && input("use_oidc") == "true" => {
            acts |= Acts::OIDC;
            scopes = Scopes::of(&["id-token"]);
        }
        "cloudflare/wrangler-action" => {
            let command = input("command");
            if !command.is_empty() && !command.contains("deploy") && !command.contains("publish") {
                acts = commands::classify(&format!("wrangler {command}")).0;
            }
        }
        "superfly/flyctl-actions" => {
            acts = commands::classify(&format!("flyctl {}", input("args"))).0;
            scopes = Scopes::NONE;
        }
        _ => {}
    }
    if acts.has(Acts::OIDC) || scopes.has("id-token") {
        acts |= Acts::OIDC;
    }
    // Actions that run a script given as an input: judge the script. An SSH action runs it
    // on the remote host, where restarting the service is the deploy.
    let owner = slug.split('/').next().unwrap_or_default();
    let remote = matches!(
        slug.as_str(),
        "appleboy/ssh-action" | "garygrossgarten/github-action-ssh"
    );
    for name in ["inlinescript", "script", "command", "run", "args"] {
        let script = step
            .with
            .iter()
            .find(|(k, _)| k.text.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_str());
        let Some(script) = script else { continue };
        if remote {
            let on_host: String = script
                .lines()
                .map(|line| format!("ssh host {line}\n"))
                .collect();
            let (a, s) = commands::classify(&on_host);
            acts |= a;
            scopes = scopes.union(s);
        } else if matches!(
            owner,
            "azure" | "nick-fields" | "nick-invision" | "actions-rs" | "wahyd4" | "easingthemes"
        ) {
            let (a, s) = commands::classify(script);
            acts |= a;
            scopes = scopes.union(s);
        }
    }
    (acts, scopes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Str;
    use signoff_core::yaml::tree::{self, Limits};

    fn step_of(yaml: &str) -> Step {
        let docs = tree::parse_str(yaml, "t.yml", &Limits::default()).unwrap();
        crate::model::workflow::step(&docs[0])
    }

    fn acts(yaml: &str) -> Acts {
        let step = step_of(yaml);
        let uses = step.uses.clone().unwrap_or(Str {
            text: String::new(),
            pos: Default::default(),
        });
        classify(&Uses::parse(&uses.text).unwrap(), &step).0
    }

    #[test]
    fn inputs_decide_what_some_actions_do() {
        assert!(
            acts("uses: docker/build-push-action@v6\nwith: {push: true}").has(Acts::IMAGE_PUSH)
        );
        assert!(
            !acts("uses: docker/build-push-action@v6\nwith: {push: false}").has(Acts::IMAGE_PUSH)
        );
        assert_eq!(
            acts("uses: aquasecurity/trivy-action@0.28.0\nwith: {image-ref: app:1}"),
            Acts::IMAGE_SCAN
        );
        assert!(
            acts("uses: aws-actions/configure-aws-credentials@v4\nwith: {role-to-assume: arn}")
                .has(Acts::OIDC)
        );
        assert!(!acts("uses: aws-actions/configure-aws-credentials@v4\nwith: {aws-access-key-id: x, role-to-assume: y}").has(Acts::OIDC));
        assert!(
            acts("uses: appleboy/ssh-action@v1\nwith: {script: 'cd app && docker compose up -d'}")
                .has(Acts::DEPLOY)
        );
        assert!(acts("uses: github/codeql-action/init@v3").has(Acts::SAST));
        assert!(acts("uses: cloudflare/wrangler-action@v3").has(Acts::DEPLOY));
    }

    #[test]
    fn unknown_actions_have_unknown_scopes() {
        let step = step_of("uses: someone/something@v1");
        let (acts, scopes) = classify(&Uses::parse("someone/something@v1").unwrap(), &step);
        assert!(acts.is_empty());
        assert!(scopes.unknown);
        let (_, scopes) = classify(&Uses::parse("actions/checkout@v4").unwrap(), &step);
        assert!(!scopes.unknown);
    }
}
