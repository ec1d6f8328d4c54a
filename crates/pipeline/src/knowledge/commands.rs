//! Known commands in `run:` scripts: linters, test runners, scanners, deploy tools of the
//! common platforms, image pushes, health checks and rollbacks; and the targets of task
//! runners (`npm run test:ci`, `make deploy`) read by their names. One `RegexSet` pass
//! over a script tells everything it does.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::{Acts, Scopes};

type Pattern = (&'static str, Acts, &'static [&'static str]);

#[rustfmt::skip]
const PATTERNS: &[Pattern] = &[
    // Tests.
    (r"\b(?:pytest|py\.test|nosetests|tox|nox|jest|vitest|mocha|ava|rspec|phpunit|ctest|nextest)\b", Acts::TEST, &[]),
    (r"\bpython3?\s+-m\s+(?:pytest|unittest)\b", Acts::TEST, &[]),
    (r"\b(?:cargo|go|dotnet|mix|swift|deno|bun|flutter|dart|bazel|bazelisk|zig|stack|cabal|lein|sbt)\s+(?:\S+\s+)*?test\b", Acts::TEST, &[]),
    (r"\bcargo\s+(?:llvm-cov|tarpaulin)\b", Acts::TEST, &[]),
    (r"\b(?:playwright\s+test|cypress\s+run|newman\s+run|wdio\s+run|testcafe)\b", Acts::TEST, &[]),
    (r"\b(?:rails|rake|bin/rails)\s+(?:test|spec)\b", Acts::TEST, &[]),
    (r"\b(?:mvn|mvnw|\./mvnw)\b[^\n]*\b(?:test|verify|install|package)\b", Acts::TEST, &[]),
    (r"\b(?:gradle|gradlew)\b[^\n]*\b(?:test|check|build)\b", Acts(Acts::TEST.0 | Acts::BUILD.0), &[]),
    // Linters, formatters, type checkers.
    (r"\b(?:eslint|oxlint|stylelint|flake8|pylint|golangci-lint|rubocop|shellcheck|hadolint|actionlint|markdownlint(?:-cli2)?|yamllint|ktlint|detekt|swiftlint|tflint|standardrb|credo|staticcheck|revive|clj-kondo|luacheck|phpstan|psalm|phpcs|htmlhint|commitlint|vale|typos|codespell)\b", Acts::LINT, &[]),
    (r"\bruff\s+(?:check\b|\.)", Acts::LINT, &[]),
    (r"\bruff\s+format\b", Acts::FORMAT, &[]),
    (r"\bcargo\s+clippy\b|\bgo\s+vet\b|\bpre-commit\s+run\b|\bbiome\s+(?:check|lint|ci)\b|\bdeno\s+lint\b", Acts::LINT, &[]),
    (r"\bcargo\s+fmt\b|\bgofmt\b|\bgoimports\b|\bprettier\b|\bblack\b|\bisort\b|\bdprint\s+check\b|\bbiome\s+format\b|\bterraform\s+fmt\b|\bclang-format\b|\bshfmt\b|\bdeno\s+fmt\b|\bmix\s+format\b|\brustfmt\b|\bstylua\b", Acts::FORMAT, &[]),
    (r"\b(?:mypy|pyright|basedpyright|vue-tsc|flow\s+check)\b|\btsc\b|\bsteep\s+check\b|\bsorbet\b|\bdmypy\b", Acts::TYPECHECK, &[]),
    // Security scanners.
    (r"\b(?:gitleaks|trufflehog|detect-secrets|ggshield|kingfisher|betterleaks|signoff-secrets|signoff\s+secret-scan)\b", Acts::SECRET_SCAN, &[]),
    (r"\b(?:semgrep|bandit|gosec|brakeman|njsscan|sonar-scanner|horusec|flawfinder|codeql\s+database|spotbugs)\b|\bsnyk\s+code\b", Acts::SAST, &[]),
    (r"\b(?:npm|pnpm|yarn|bun)\s+audit\b|\b(?:pip-audit|osv-scanner|govulncheck|bundler-audit|bundle-audit|retire|audit-ci|better-npm-audit|nancy|signoff-vulns|safety\s+(?:check|scan)|cargo[ -](?:audit|deny)|composer\s+audit|dependency-check|mix\s+deps\.audit|bundle\s+audit|snyk\s+test|grype)\b|\bdotnet\s+list\s+package\s+--vulnerable\b", Acts::DEP_SCAN, &[]),
    (r"\btrivy\s+(?:fs|filesystem|repo|repository|sbom)\b", Acts::DEP_SCAN, &[]),
    (r"\btrivy\s+(?:image|i)\b|\bdocker\s+scout\s+cves\b|\bsnyk\s+container\b|\bgrype\s+(?:docker|registry):", Acts::IMAGE_SCAN, &[]),
    (r"\b(?:checkov|tfsec|kics|terrascan|conftest|kube-linter|kubesec|kube-score|polaris)\b|\btrivy\s+config\b", Acts::IAC_SCAN, &[]),
    (r"\b(?:syft|cdxgen|cyclonedx-\w+|cyclonedx|signoff-sbom|spdx-sbom-generator)\b|\bcargo\s+cyclonedx\b|\bdocker\s+(?:buildx\s+build|build)\b[^\n]*--sbom\b|\bnpm\s+sbom\b|--format\s+(?:cyclonedx|spdx)", Acts::SBOM, &[]),
    // Deploys.
    (r"\bkubectl\b[^\n|;&]*\s(?:apply|set\s+image|rollout\s+restart|replace|create\s+deployment|patch\s+deployment)\b", Acts::DEPLOY, &[]),
    (r"\bhelm\s+(?:upgrade|install)\b|\bhelmfile\b[^\n]*\b(?:apply|sync)\b|\bkustomize\s+build\b[^\n]*\|\s*kubectl|\bargocd\s+app\s+(?:sync|set)\b|\bflux\s+reconcile\b|\bskaffold\s+(?:run|deploy)\b", Acts::DEPLOY, &[]),
    (r"\bgcloud\s+(?:beta\s+)?(?:run\s+(?:deploy|services\s+update|services\s+replace|jobs\s+deploy)|app\s+deploy|functions\s+deploy|compute\s+instance-groups\s+managed\s+rolling-action|deploy\s+releases\s+create)\b", Acts::DEPLOY, &[]),
    (r"\baws\s+(?:ecs\s+(?:update-service|deploy)|lambda\s+(?:update-function-code|update-alias)|cloudformation\s+(?:deploy|create-stack|update-stack)|deploy\s+create-deployment|elasticbeanstalk\s+update-environment|apprunner\s+start-deployment|amplify\s+start-deployment|cloudfront\s+create-invalidation)\b", Acts::DEPLOY, &[]),
    (r"\b(?:sam|cdk|serverless|sls|eb|kamal|copilot)\s+deploy\b|\bpulumi\s+up\b|\bterragrunt\b[^\n]*\bapply\b|\bterraform\b[^\n]*\sapply\b|\becs-deploy\b|\bcap\s+\w+\s+deploy\b", Acts::DEPLOY, &[]),
    (r"\baz\s+(?:webapp\s+(?:deploy|up|config\s+container\s+set|deployment\s+source)|functionapp\s+(?:deploy|deployment)|containerapp\s+(?:update|up|create)|deployment\s+(?:group|sub|mg)\s+create|staticwebapp)\b", Acts::DEPLOY, &[]),
    (r"\bwrangler\s+(?:deploy|publish|pages\s+deploy|pages\s+publish)\b|\bwrangler\s+versions\s+deploy\b", Acts::DEPLOY, &[]),
    (r"\b(?:flyctl|fly)\s+deploy\b|\bvercel\b[^\n]*(?:\s--prod\b|\sdeploy\b)|\bnetlify\s+deploy\b|\bfirebase\s+deploy\b|\bheroku\s+(?:container:release|releases:)|\bgit\s+push\s+(?:heroku|dokku)\b|\brailway\s+up\b|\bdoctl\s+apps\s+(?:create-deployment|update)\b|\bcf\s+push\b|\bsurge\b\s", Acts::DEPLOY, &[]),
    (r"\bssh\b[^\n]*\b(?:docker(?:-|\s)compose\s+(?:up|pull)|systemctl\s+(?:restart|reload)|git\s+pull|pm2\s+(?:restart|reload)|deploy)\b|\bdocker\s+(?:stack\s+deploy|service\s+update)\b", Acts::DEPLOY, &[]),
    (r"\bmkdocs\s+gh-deploy\b|\bgh-pages\s+-d\b|\bghp-import\b", Acts(Acts::DEPLOY.0 | Acts::PAGES.0), &["contents"]),
    (r"\bgsutil\b[^\n]*\srsync\b[^\n]*gs://|\bgcloud\s+storage\s+rsync\b|\baws\s+s3\s+sync\b[^\n]*s3://|\baz\s+storage\s+blob\s+(?:upload-batch|sync)\b|\brclone\s+sync\b", Acts::UPLOAD, &[]),
    // Publishing, releases, images.
    (r"\b(?:npm|yarn|pnpm)\s+publish\b|\b(?:twine\s+upload|poetry\s+publish|uv\s+publish|flit\s+publish|hatch\s+publish|cargo\s+publish|gem\s+push|dotnet\s+nuget\s+push|nuget\s+push|mvn\b[^\n]*\bdeploy|gradle\w*\b[^\n]*\bpublish\w*|changeset\s+publish|lerna\s+publish)\b", Acts::PUBLISH, &[]),
    (r"\b(?:semantic-release|goreleaser|release-it)\b|\bgh\s+release\s+(?:create|upload|edit)\b", Acts::RELEASE, &["contents"]),
    (r"\b(?:docker|podman|buildah)\s+(?:image\s+)?push\b|\bdocker\s+(?:buildx\s+)?(?:build|bake)\b[^\n]*\s--push\b|\bdocker\s+compose\s+push\b|\b(?:crane|gcrane)\s+(?:push|copy|cp)\b|\bskopeo\s+copy\b|\bko\s+(?:build|publish|resolve|apply)\b|\bjib\b|/kaniko/executor\b|\bkaniko\b|\bgcloud\s+builds\s+submit\b|\bpack\s+build\b[^\n]*--publish", Acts::IMAGE_PUSH, &[]),
    // Health checks, smoke tests, rollbacks.
    (r"(?i)\b(?:curl|wget|http|httpie|invoke-webrequest|invoke-restmethod)\b[^\n]*(?:/health|/healthz|/ready|/readyz|/livez|/status|/ping|/version|http_code|--retry-connrefused|--fail-with-body)", Acts::HEALTH, &[]),
    (r"\bhelm\s+upgrade\b[^\n]*\s--(?:wait|atomic)\b|\bkubectl\s+rollout\s+status\b|\baws\s+ecs\s+wait\s+services-stable\b|\b(?:k6|hurl|signoff-health)\s|\bsignoff\s+health-check\b|(?i)\bsmoke[-_ ]?tests?\b|\bsmoke\b", Acts::HEALTH, &[]),
    (r"\bkubectl\s+rollout\s+undo\b|\bhelm\s+rollback\b|\bhelm\s+upgrade\b[^\n]*--(?:atomic|rollback-on-failure)\b|\bwrangler\s+rollback\b|\bvercel\s+rollback\b|\bupdate-traffic\b[^\n]*--to-revisions\b|--enable-auto-rollback\b|--auto-rollback|\baz\s+webapp\s+deployment\s+slot\s+swap\b|(?i)\brollback\b", Acts::ROLLBACK, &[]),
    // The token and the API.
    (r"\bACTIONS_ID_TOKEN_REQUEST_(?:URL|TOKEN)\b|\bnpm\s+publish\b[^\n]*--provenance\b|\bcosign\s+(?:sign|attest)\b|\bgh\s+attestation\b", Acts::OIDC, &["id-token"]),
    (r"\bgit\s+push\b|\bgit\s+tag\b", Acts::NONE, &["contents"]),
    (r"\bgh\s+pr\s+(?:create|merge|edit|comment|review|close|ready|reopen)\b", Acts::NONE, &["pull-requests", "contents"]),
    (r"\bgh\s+issue\s+(?:create|edit|comment|close|reopen|delete|transfer|pin|lock)\b|\bgh\s+label\b", Acts::NONE, &["issues"]),
    (r"\bgh\s+(?:workflow\s+(?:run|enable|disable)|run\s+(?:cancel|rerun|delete)|cache\s+delete)\b", Acts::NONE, &["actions"]),
    (r"\b(?:docker|podman)\s+(?:login|push|buildx\s+build)\b[^\n]*\bghcr\.io\b|\bnpm\.pkg\.github\.com\b|\bmaven\.pkg\.github\.com\b", Acts::NONE, &["packages"]),
];

/// Commands that talk to the GitHub API in ways the tables cannot follow.
static API: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bgh\s+api\b|api\.github\.com|\bgithub-script\b|\boctokit\b|\bGITHUB_TOKEN\b|\bGH_TOKEN\b|github\.token").expect("valid regex")
});

static SET: LazyLock<RegexSet> =
    LazyLock::new(|| RegexSet::new(PATTERNS.iter().map(|p| p.0)).expect("valid regexes"));

/// A JavaScript package manager running a script: `npm run test:ci`, `yarn e2e`,
/// `pnpm --filter web lint`.
static JS_TASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|[;&|(]\s*|\s)(npm|pnpm|yarn|bun)(?:\s+-{1,2}[\w-]+(?:=\S+|\s+[^\s;&|-][^\s;&|]*)?)*\s+(run(?:-script)?\s+)?([\w:.@/-]+)")
        .expect("valid regex")
});

/// Other task runners and their targets: `make lint test`, `just deploy`, `turbo run build`.
static TASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:make|just|task|mage|rake|invoke|turbo\s+run|nx\s+run-many\s+(?:-t|--targets?[= ])|nx\s+affected\s+(?:-t|--targets?[= ])|nx\s+run)\s+(?:-[\w-]+\s+)*((?:[\w:.,-]+[ \t]*)+)")
        .expect("valid regex")
});

/// What a script does and the write scopes it needs.
pub(crate) fn classify(script: &str) -> (Acts, Scopes) {
    let mut acts = Acts::NONE;
    let mut scopes = Scopes::NONE;
    for index in SET.matches(script).iter() {
        let (_, a, s) = PATTERNS[index];
        acts |= a;
        scopes = scopes.union(Scopes::of(s));
    }
    for captures in JS_TASK.captures_iter(script) {
        let (Some(runner), Some(target)) = (captures.get(1), captures.get(3)) else {
            continue;
        };
        let run = captures.get(2).is_some();
        // Without `run`, npm only runs `test`; `pnpm deploy` is pnpm's own command.
        if !run
            && ((runner.as_str() == "npm" && !matches!(target.as_str(), "test" | "t"))
                || (runner.as_str() == "pnpm" && target.as_str() == "deploy"))
        {
            continue;
        }
        acts |= by_target(target.as_str());
    }
    for captures in TASK.captures_iter(script) {
        if let Some(targets) = captures.get(1) {
            for target in targets
                .as_str()
                .split([' ', '\t', ','])
                .filter(|t| !t.is_empty())
            {
                acts |= by_target(target);
            }
        }
    }
    if API.is_match(script) {
        scopes.unknown = true;
    }
    (acts, scopes)
}

/// What a task runner's target does, by its name.
fn by_target(target: &str) -> Acts {
    let t = target.to_ascii_lowercase();
    let starts = |words: &[&str]| {
        words.iter().any(|w| {
            t == *w
                || t.starts_with(&format!("{w}:"))
                || t.starts_with(&format!("{w}-"))
                || t.starts_with(&format!("{w}_"))
        })
    };
    if starts(&[
        "test",
        "tests",
        "e2e",
        "spec",
        "coverage",
        "cov",
        "unit",
        "integration",
        "jest",
        "vitest",
        "pytest",
        "playwright",
        "cypress",
    ]) {
        Acts::TEST
    } else if starts(&["lint", "eslint", "stylelint", "clippy", "vet"]) {
        Acts::LINT
    } else if starts(&["format", "fmt", "prettier", "check-format", "format-check"]) {
        Acts::FORMAT
    } else if starts(&[
        "typecheck",
        "type-check",
        "types",
        "tsc",
        "check-types",
        "mypy",
        "pyright",
    ]) {
        Acts::TYPECHECK
    } else if starts(&["deploy", "ship"]) {
        Acts::DEPLOY
    } else if starts(&["audit"]) {
        Acts::DEP_SCAN
    } else if starts(&["smoke", "healthcheck", "health"]) {
        Acts::HEALTH
    } else if starts(&["rollback"]) {
        Acts::ROLLBACK
    } else if starts(&["build"]) {
        Acts::BUILD
    } else {
        Acts::NONE
    }
}

static NAME: LazyLock<[(Regex, Acts); 11]> = LazyLock::new(|| {
    let re = |p: &str| Regex::new(p).expect("valid regex");
    [
        (
            re(r"\b(?:tests?|testing|unit|e2e|integration tests?|spec)\b"),
            Acts::TEST,
        ),
        (re(r"\blint(?:ing|er|s)?\b"), Acts::LINT),
        (re(r"\b(?:format(?:ting)?|fmt|prettier)\b"), Acts::FORMAT),
        (
            re(r"\b(?:type ?check(?:ing|s)?|typescript check|mypy|tsc)\b"),
            Acts::TYPECHECK,
        ),
        (
            re(r"\b(?:smoke|health ?checks?|healthcheck|verify (?:the )?deploy(?:ment)?)\b"),
            Acts::HEALTH,
        ),
        (
            re(r"\b(?:roll ?back|revert deploy(?:ment)?)\b"),
            Acts::ROLLBACK,
        ),
        (re(r"\bdeploy(?:s|ing|ment)?\b"), Acts::NAMED_DEPLOY),
        (
            re(r"\b(?:secret ?scan(?:ning)?|gitleaks|trufflehog)\b"),
            Acts::SECRET_SCAN,
        ),
        (re(r"\b(?:sbom|cyclonedx|spdx)\b"), Acts::SBOM),
        (
            re(
                r"\b(?:vulnerabilit(?:y|ies)(?: scan)?|vulns?|dependency (?:scan|review|audit)|security (?:scan|audit|check)s?|npm audit|pip-audit|osv-scanner)\b",
            ),
            Acts::DEP_SCAN,
        ),
        (
            re(r"\b(?:sast|codeql|semgrep|static (?:application )?security)\b"),
            Acts::SAST,
        ),
    ]
});

/// Phrases that place a step relative to a deploy without being one.
static AROUND_DEPLOY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:post|pre|after|before)[- _]?deploy(?:ment)?\b").expect("valid regex")
});

/// What a step's or job's name (lower-cased) says it does.
pub(crate) fn by_name(label: &str) -> Acts {
    if label.is_empty() {
        return Acts::NONE;
    }
    let label = AROUND_DEPLOY.replace_all(label, " ");
    let label = label.as_ref();
    NAME.iter()
        .filter(|(re, _)| re.is_match(label))
        .fold(Acts::NONE, |acts, (_, a)| acts | *a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acts(script: &str) -> Acts {
        classify(script).0
    }

    #[test]
    fn recognises_tools_and_platform_commands() {
        assert!(acts("npm ci\nnpm test").has(Acts::TEST));
        assert!(acts("pnpm run test:unit -- --ci").has(Acts::TEST));
        assert!(acts("yarn lint && yarn typecheck").has(Acts::LINT | Acts::TYPECHECK));
        assert!(acts("yarn typecheck").has(Acts::TYPECHECK));
        assert!(acts("uv run pytest -q").has(Acts::TEST));
        assert!(acts("cargo fmt --all -- --check").has(Acts::FORMAT));
        assert!(acts("npm audit --audit-level=critical").has(Acts::DEP_SCAN));
        assert!(acts("kubectl -n prod set image deploy/api api=$IMG").has(Acts::DEPLOY));
        assert!(
            acts("helm upgrade --install api ./chart --atomic").has(Acts::DEPLOY | Acts::ROLLBACK)
        );
        assert!(acts("gcloud run deploy api --image $IMG --region us-east1").has(Acts::DEPLOY));
        assert!(acts("npx wrangler deploy --env production").has(Acts::DEPLOY));
        assert!(acts("make deploy ENV=prod").has(Acts::DEPLOY));
        assert!(
            acts("docker buildx build --push -t ghcr.io/o/a:${GITHUB_SHA} .").has(Acts::IMAGE_PUSH)
        );
        assert!(acts("curl -sf https://api.example.com/health").has(Acts::HEALTH));
        assert!(acts("kubectl rollout undo deployment/api").has(Acts::ROLLBACK));
        assert!(acts("terraform apply -auto-approve tfplan").has(Acts::DEPLOY));
    }

    #[test]
    fn ordinary_commands_do_nothing_special() {
        for script in [
            "npm ci",
            "yarn install --frozen-lockfile",
            "pnpm deploy out",
            "echo done",
            "curl -fsSL https://x/install.sh -o i.sh",
            "terraform plan",
        ] {
            assert_eq!(acts(script), Acts::NONE, "{script}");
        }
    }

    #[test]
    fn scopes_come_from_what_writes() {
        let (_, scopes) = classify("git push origin HEAD:main");
        assert!(scopes.has("contents") && !scopes.unknown);
        let (_, scopes) = classify("gh api repos/o/r/statuses/$SHA -f state=success");
        assert!(scopes.unknown);
        let (_, scopes) = classify("make test");
        assert_eq!(scopes, Scopes::NONE);
    }

    #[test]
    fn names_say_what_steps_claim() {
        assert!(by_name("run unit tests").has(Acts::TEST));
        assert!(by_name("deploy to production").has(Acts::NAMED_DEPLOY));
        assert!(by_name("smoke test").has(Acts::HEALTH));
        assert!(!by_name("contest entry").has(Acts::TEST));
        assert!(!by_name("zap scan post-deploy").has(Acts::NAMED_DEPLOY));
        assert!(by_name("post-deploy smoke test").has(Acts::HEALTH));
    }
}
