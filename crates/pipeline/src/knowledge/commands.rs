//! Known commands in `run:` scripts: linters, test runners, scanners, deploy tools of the
//! common platforms, image pushes, health checks and rollbacks; and the targets of task
//! runners (`npm run test:ci`, `make deploy`) read by their names. One pass of a word
//! automaton over a script finds the patterns that may match; only those are compiled
//! (once) and run.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use regex_automata::hybrid;
use regex_automata::meta;
use regex_automata::nfa::thompson::{self, WhichCaptures};
use std::sync::Mutex;

use super::{Acts, Groups, Lazy, Scopes};

/// Words one of which must appear (case-insensitively) for the pattern to match, the
/// pattern, what it means, and the write scopes it needs.
type Pattern = (
    &'static [&'static str],
    &'static str,
    Acts,
    &'static [&'static str],
);

#[rustfmt::skip]
const PATTERNS: &[Pattern] = &[
    // Tests.
    (&["pytest", "py.test", "nosetests", "tox", "nox", "jest", "vitest", "mocha", "ava", "rspec", "phpunit", "ctest", "nextest"], r"\b(?:pytest|py\.test|nosetests|tox|nox|jest|vitest|mocha|ava|rspec|phpunit|ctest|nextest)\b", Acts::TEST, &[]),
    (&["python"], r"\bpython3?\s+-m\s+(?:pytest|unittest)\b", Acts::TEST, &[]),
    (&["test"], r"\b(?:cargo|go|dotnet|mix|swift|deno|bun|flutter|dart|bazel|bazelisk|zig|stack|cabal|lein|sbt)\s+(?:\S+\s+)*?test\b", Acts::TEST, &[]),
    (&["llvm-cov", "tarpaulin"], r"\bcargo\s+(?:llvm-cov|tarpaulin)\b", Acts::TEST, &[]),
    (&["playwright", "cypress", "newman", "wdio", "testcafe"], r"\b(?:playwright\s+test|cypress\s+run|newman\s+run|wdio\s+run|testcafe)\b", Acts::TEST, &[]),
    (&["rails", "rake"], r"\b(?:rails|rake|bin/rails)\s+(?:test|spec)\b", Acts::TEST, &[]),
    (&["mvn"], r"\b(?:mvn|mvnw|\./mvnw)\b[^\n]*\b(?:test|verify|install|package)\b", Acts::TEST, &[]),
    (&["gradle"], r"\b(?:gradle|gradlew)\b[^\n]*\b(?:test|check|build)\b", Acts(Acts::TEST.0 | Acts::BUILD.0), &[]),
    // Linters, formatters, type checkers.
    (&["eslint", "oxlint", "stylelint", "flake8", "pylint", "golangci-lint", "rubocop", "shellcheck", "hadolint", "actionlint", "markdownlint", "yamllint", "ktlint", "detekt", "swiftlint", "tflint", "standardrb", "credo", "staticcheck", "revive", "clj-kondo", "luacheck", "phpstan", "psalm", "phpcs", "htmlhint", "commitlint", "vale", "typos", "codespell"], r"\b(?:eslint|oxlint|stylelint|flake8|pylint|golangci-lint|rubocop|shellcheck|hadolint|actionlint|markdownlint(?:-cli2)?|yamllint|ktlint|detekt|swiftlint|tflint|standardrb|credo|staticcheck|revive|clj-kondo|luacheck|phpstan|psalm|phpcs|htmlhint|commitlint|vale|typos|codespell)\b", Acts::LINT, &[]),
    (&["ruff"], r"\bruff\s+(?:check\b|\.)", Acts::LINT, &[]),
    (&["ruff"], r"\bruff\s+format\b", Acts::FORMAT, &[]),
    (&["clippy", "vet", "pre-commit", "biome", "deno"], r"\bcargo\s+clippy\b|\bgo\s+vet\b|\bpre-commit\s+run\b|\bbiome\s+(?:check|lint|ci)\b|\bdeno\s+lint\b", Acts::LINT, &[]),
    (&["fmt", "gofmt", "goimports", "prettier", "black", "isort", "dprint", "biome", "clang-format", "shfmt", "format", "rustfmt", "stylua"], r"\bcargo\s+fmt\b|\bgofmt\b|\bgoimports\b|\bprettier\b|\bblack\b|\bisort\b|\bdprint\s+check\b|\bbiome\s+format\b|\bterraform\s+fmt\b|\bclang-format\b|\bshfmt\b|\bdeno\s+fmt\b|\bmix\s+format\b|\brustfmt\b|\bstylua\b", Acts::FORMAT, &[]),
    (&["mypy", "pyright", "vue-tsc", "flow", "tsc", "steep", "sorbet"], r"\b(?:mypy|pyright|basedpyright|vue-tsc|flow\s+check)\b|\btsc\b|\bsteep\s+check\b|\bsorbet\b|\bdmypy\b", Acts::TYPECHECK, &[]),
    // Security scanners.
    (&["gitleaks", "trufflehog", "detect-secrets", "ggshield", "kingfisher", "betterleaks", "signoff-secrets", "secret-scan"], r"\b(?:gitleaks|trufflehog|detect-secrets|ggshield|kingfisher|betterleaks|signoff-secrets|signoff\s+secret-scan)\b", Acts::SECRET_SCAN, &[]),
    (&["semgrep", "bandit", "gosec", "brakeman", "njsscan", "sonar-scanner", "horusec", "flawfinder", "codeql", "spotbugs", "snyk"], r"\b(?:semgrep|bandit|gosec|brakeman|njsscan|sonar-scanner|horusec|flawfinder|codeql\s+database|spotbugs)\b|\bsnyk\s+code\b", Acts::SAST, &[]),
    (&["audit", "osv-scanner", "govulncheck", "retire", "nancy", "signoff-vulns", "safety", "deny", "dependency-check", "snyk", "grype", "--vulnerable"], r"\b(?:npm|pnpm|yarn|bun)\s+audit\b|\b(?:pip-audit|osv-scanner|govulncheck|bundler-audit|bundle-audit|retire|audit-ci|better-npm-audit|nancy|signoff-vulns|safety\s+(?:check|scan)|cargo[ -](?:audit|deny)|composer\s+audit|dependency-check|mix\s+deps\.audit|bundle\s+audit|snyk\s+test|grype)\b|\bdotnet\s+list\s+package\s+--vulnerable\b", Acts::DEP_SCAN, &[]),
    (&["trivy"], r"\btrivy\s+(?:fs|filesystem|repo|repository|sbom)\b", Acts::DEP_SCAN, &[]),
    (&["trivy", "scout", "snyk", "grype"], r"\btrivy\s+(?:image|i)\b|\bdocker\s+scout\s+cves\b|\bsnyk\s+container\b|\bgrype\s+(?:docker|registry):", Acts::IMAGE_SCAN, &[]),
    (&["checkov", "tfsec", "kics", "terrascan", "conftest", "kube-linter", "kubesec", "kube-score", "polaris", "trivy"], r"\b(?:checkov|tfsec|kics|terrascan|conftest|kube-linter|kubesec|kube-score|polaris)\b|\btrivy\s+config\b", Acts::IAC_SCAN, &[]),
    (&["syft", "cdxgen", "cyclonedx", "signoff-sbom", "spdx", "--sbom", "sbom"], r"\b(?:syft|cdxgen|cyclonedx-\w+|cyclonedx|signoff-sbom|spdx-sbom-generator)\b|\bcargo\s+cyclonedx\b|\bdocker\s+(?:buildx\s+build|build)\b[^\n]*--sbom\b|\bnpm\s+sbom\b|--format\s+(?:cyclonedx|spdx)", Acts::SBOM, &[]),
    // Deploys.
    (&["kubectl"], r"\bkubectl\b[^\n|;&]*\s(?:apply|set\s+image|rollout\s+restart|replace|create\s+deployment|patch\s+deployment)\b", Acts::DEPLOY, &[]),
    (&["helm", "kustomize", "argocd", "flux", "skaffold"], r"\bhelm\s+(?:upgrade|install)\b|\bhelmfile\b[^\n]*\b(?:apply|sync)\b|\bkustomize\s+build\b[^\n]*\|\s*kubectl|\bargocd\s+app\s+(?:sync|set)\b|\bflux\s+reconcile\b|\bskaffold\s+(?:run|deploy)\b", Acts::DEPLOY, &[]),
    (&["gcloud"], r"\bgcloud\s+(?:beta\s+)?(?:run\s+(?:deploy|services\s+update|services\s+replace|jobs\s+deploy)|app\s+deploy|functions\s+deploy|compute\s+instance-groups\s+managed\s+rolling-action|deploy\s+releases\s+create)\b", Acts::DEPLOY, &[]),
    (&["aws"], r"\baws\s+(?:ecs\s+(?:update-service|deploy)|lambda\s+(?:update-function-code|update-alias)|cloudformation\s+(?:deploy|create-stack|update-stack)|deploy\s+create-deployment|elasticbeanstalk\s+update-environment|apprunner\s+start-deployment|amplify\s+start-deployment|cloudfront\s+create-invalidation)\b", Acts::DEPLOY, &[]),
    (&["deploy", "pulumi", "terragrunt", "terraform", "ecs-deploy"], r"\b(?:sam|cdk|serverless|sls|eb|kamal|copilot)\s+deploy\b|\bpulumi\s+up\b|\bterragrunt\b[^\n]*\bapply\b|\bterraform\b[^\n]*\sapply\b|\becs-deploy\b|\bcap\s+\w+\s+deploy\b", Acts::DEPLOY, &[]),
    (&["az "], r"\baz\s+(?:webapp\s+(?:deploy|up|config\s+container\s+set|deployment\s+source)|functionapp\s+(?:deploy|deployment)|containerapp\s+(?:update|up|create)|deployment\s+(?:group|sub|mg)\s+create|staticwebapp)\b", Acts::DEPLOY, &[]),
    (&["wrangler"], r"\bwrangler\s+(?:deploy|publish|pages\s+deploy|pages\s+publish)\b|\bwrangler\s+versions\s+deploy\b", Acts::DEPLOY, &[]),
    (&["fly", "vercel", "netlify", "firebase", "heroku", "dokku", "railway", "doctl", "cf ", "surge"], r"\b(?:flyctl|fly)\s+deploy\b|\bvercel\b[^\n]*(?:\s--prod\b|\sdeploy\b)|\bnetlify\s+deploy\b|\bfirebase\s+deploy\b|\bheroku\s+(?:container:release|releases:)|\bgit\s+push\s+(?:heroku|dokku)\b|\brailway\s+up\b|\bdoctl\s+apps\s+(?:create-deployment|update)\b|\bcf\s+push\b|\bsurge\b\s", Acts::DEPLOY, &[]),
    (&["ssh", "docker"], r"\bssh\b[^\n]*\b(?:docker(?:-|\s)compose\s+(?:up|pull)|systemctl\s+(?:restart|reload)|git\s+pull|pm2\s+(?:restart|reload)|deploy)\b|\bdocker\s+(?:stack\s+deploy|service\s+update)\b", Acts::DEPLOY, &[]),
    (&["mkdocs", "gh-pages", "ghp-import"], r"\bmkdocs\s+gh-deploy\b|\bgh-pages\s+-d\b|\bghp-import\b", Acts(Acts::DEPLOY.0 | Acts::PAGES.0), &["contents"]),
    (&["gsutil", "gcloud", "aws", "az ", "rclone"], r"\bgsutil\b[^\n]*\srsync\b[^\n]*gs://|\bgcloud\s+storage\s+rsync\b|\baws\s+s3\s+sync\b[^\n]*s3://|\baz\s+storage\s+blob\s+(?:upload-batch|sync)\b|\brclone\s+sync\b", Acts::UPLOAD, &[]),
    // Publishing, releases, images.
    (&["publish", "twine", "gem", "nuget", "mvn", "gradle", "lerna"], r"\b(?:npm|yarn|pnpm)\s+publish\b|\b(?:twine\s+upload|poetry\s+publish|uv\s+publish|flit\s+publish|hatch\s+publish|cargo\s+publish|gem\s+push|dotnet\s+nuget\s+push|nuget\s+push|mvn\b[^\n]*\bdeploy|gradle\w*\b[^\n]*\bpublish\w*|changeset\s+publish|lerna\s+publish)\b", Acts::PUBLISH, &[]),
    (&["semantic-release", "goreleaser", "release-it", "gh "], r"\b(?:semantic-release|goreleaser|release-it)\b|\bgh\s+release\s+(?:create|upload|edit)\b", Acts::RELEASE, &["contents"]),
    (&["push", "--push", "crane", "skopeo", "ko ", "jib", "kaniko", "gcloud", "pack "], r"\b(?:docker|podman|buildah)\s+(?:image\s+)?push\b|\bdocker\s+(?:buildx\s+)?(?:build|bake)\b[^\n]*\s--push\b|\bdocker\s+compose\s+push\b|\b(?:crane|gcrane)\s+(?:push|copy|cp)\b|\bskopeo\s+copy\b|\bko\s+(?:build|publish|resolve|apply)\b|\bjib\b|/kaniko/executor\b|\bkaniko\b|\bgcloud\s+builds\s+submit\b|\bpack\s+build\b[^\n]*--publish", Acts::IMAGE_PUSH, &[]),
    // Health checks, smoke tests, rollbacks.
    (&["curl", "wget", "http", "invoke-webrequest", "invoke-restmethod"], r"(?i)\b(?:curl|wget|http|httpie|invoke-webrequest|invoke-restmethod)\b[^\n]*(?:/health|/healthz|/ready|/readyz|/livez|/status|/ping|/version|http_code|--retry-connrefused|--fail-with-body)", Acts::HEALTH, &[]),
    (&["helm", "kubectl", "aws", "k6", "hurl", "signoff-health", "signoff", "smoke"], r"\bhelm\s+upgrade\b[^\n]*\s--(?:wait|atomic)\b|\bkubectl\s+rollout\s+status\b|\baws\s+ecs\s+wait\s+services-stable\b|\b(?:k6|hurl|signoff-health)\s|\bsignoff\s+health-check\b|(?i)\bsmoke[-_ ]?tests?\b|\bsmoke\b", Acts::HEALTH, &[]),
    (&["rollback", "kubectl", "helm", "update-traffic", "--enable-auto-rollback", "--auto-rollback", "slot"], r"\bkubectl\s+rollout\s+undo\b|\bhelm\s+rollback\b|\bhelm\s+upgrade\b[^\n]*--(?:atomic|rollback-on-failure)\b|\bwrangler\s+rollback\b|\bvercel\s+rollback\b|\bupdate-traffic\b[^\n]*--to-revisions\b|--enable-auto-rollback\b|--auto-rollback|\baz\s+webapp\s+deployment\s+slot\s+swap\b|(?i)\brollback\b", Acts::ROLLBACK, &[]),
    // The token and the API.
    (&["ACTIONS_ID_TOKEN_REQUEST", "provenance", "cosign", "attestation"], r"\bACTIONS_ID_TOKEN_REQUEST_(?:URL|TOKEN)\b|\bnpm\s+publish\b[^\n]*--provenance\b|\bcosign\s+(?:sign|attest)\b|\bgh\s+attestation\b", Acts::OIDC, &["id-token"]),
    (&["git "], r"\bgit\s+push\b|\bgit\s+tag\b", Acts::NONE, &["contents"]),
    (&["gh "], r"\bgh\s+pr\s+(?:create|merge|edit|comment|review|close|ready|reopen)\b", Acts::NONE, &["pull-requests", "contents"]),
    (&["gh "], r"\bgh\s+issue\s+(?:create|edit|comment|close|reopen|delete|transfer|pin|lock)\b|\bgh\s+label\b", Acts::NONE, &["issues"]),
    (&["gh "], r"\bgh\s+(?:workflow\s+(?:run|enable|disable)|run\s+(?:cancel|rerun|delete)|cache\s+delete)\b", Acts::NONE, &["actions"]),
    (&["ghcr.io", "npm.pkg.github.com", "maven.pkg.github.com"], r"\b(?:docker|podman)\s+(?:login|push|buildx\s+build)\b[^\n]*\bghcr\.io\b|\bnpm\.pkg\.github\.com\b|\bmaven\.pkg\.github\.com\b", Acts::NONE, &["packages"]),
];

/// A pattern only asked whether it matches: a forward lazy DFA, ASCII-only, with no
/// capture groups and no literal prefilter (the word automaton has already found where its
/// words are). Building the reverse automaton and match-start machinery that
/// `meta::Regex` adds, and that a yes-or-no question never uses, was a third of the cost
/// of each pattern a run needs.
pub(crate) struct Matcher {
    dfa: hybrid::dfa::DFA,
    /// Search caches, one per thread searching at once.
    caches: Mutex<Vec<hybrid::dfa::Cache>>,
}

impl Matcher {
    pub(crate) fn new(pattern: &str) -> Self {
        let dfa = hybrid::dfa::DFA::builder()
            .syntax(ascii())
            .thompson(
                thompson::Config::new()
                    .utf8(false)
                    .which_captures(WhichCaptures::None),
            )
            .build(pattern)
            .expect("valid regex");
        Self {
            dfa,
            caches: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn is_match(&self, text: &[u8]) -> bool {
        let taken = self.caches.lock().ok().and_then(|mut caches| caches.pop());
        let mut cache = taken.unwrap_or_else(|| self.dfa.create_cache());
        let found = self
            .dfa
            .try_search_fwd(&mut cache, &regex_automata::Input::new(text).earliest(true));
        if let Ok(mut caches) = self.caches.lock() {
            caches.push(cache);
        }
        // The DFA gives up only on bytes it was told to quit on, and no pattern names any.
        found.is_ok_and(|m| m.is_some())
    }
}

/// The same pattern, able to report where its matches are: with no capture slots at all
/// the engines can say whether a pattern matches but report no span.
pub(crate) fn spans_matcher(pattern: &str) -> meta::Regex {
    matcher_with(pattern, WhichCaptures::Implicit)
}

/// The same pattern, able to report its capture groups.
pub(crate) fn groups_matcher(pattern: &str) -> meta::Regex {
    matcher_with(pattern, WhichCaptures::All)
}

/// The syntax every command pattern is read with: ASCII classes and `\b`, over bytes.
fn ascii() -> regex_automata::util::syntax::Config {
    regex_automata::util::syntax::Config::new()
        .unicode(false)
        .utf8(false)
}

fn matcher_with(pattern: &str, captures: WhichCaptures) -> meta::Regex {
    meta::Regex::builder()
        .syntax(ascii())
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .which_captures(captures)
                .auto_prefilter(false)
                .dfa(false)
                .onepass(false)
                .backtrack(false),
        )
        .build(pattern)
        .expect("valid regex")
}

/// Commands that talk to the GitHub API in ways the tables cannot follow.
const API: &[&str] = &[
    "gh api",
    "api.github.com",
    "github-script",
    "octokit",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "github.token",
];

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// The words of every pattern in one automaton; `WORDS.1[i]` is the pattern of word `i`.
static WORDS: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let mut words = Vec::new();
    let mut owners = Vec::new();
    for (index, (list, ..)) in PATTERNS.iter().enumerate() {
        for word in *list {
            words.push(*word);
            owners.push(index);
        }
    }
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        .expect("valid words");
    (automaton, owners)
});

/// Each pattern compiled the first time a script holds one of its words: a run of the gate
/// compiles only the few it needs.
static COMPILED: LazyLock<Vec<Lazy>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .map(|(_, source, ..)| Lazy::new(source))
        .collect()
});

/// A JavaScript package manager running a script: `npm run test:ci`, `yarn e2e`,
/// `pnpm --filter web lint`.
static JS_TASK: Lazy = Lazy::groups(
    r"(?m)(?:^|[;&|(]\s*|\s)(npm|pnpm|yarn|bun)(?:\s+-{1,2}[\w-]+(?:=\S+|\s+[^\s;&|-][^\s;&|]*)?)*\s+(run(?:-script)?\s+)?([\w:.@/-]+)",
);

/// Other task runners and their targets: `make lint test`, `just deploy`, `turbo run build`.
static TASK: Lazy = Lazy::groups(
    r"\b(?:make|just|task|mage|rake|invoke|turbo\s+run|nx\s+run-many\s+(?:-t|--targets?[= ])|nx\s+affected\s+(?:-t|--targets?[= ])|nx\s+run)\s+(?:-[\w-]+\s+)*((?:[\w:.,-]+[ \t]*)+)",
);

/// The words found in a script, in one pass: which patterns may match it, and whether a
/// JavaScript package manager or another task runner is named.
pub(crate) struct Words {
    patterns: [bool; 64],
    js: bool,
    runner: bool,
}

/// The words of the JavaScript package managers and of the other task runners.
const JS_WORDS: &[&str] = &["npm", "pnpm", "yarn", "bun"];
const RUNNER_WORDS: &[&str] = &[
    "make", "just", "task", "mage", "rake", "invoke", "turbo", "nx ",
];

/// The [`Words`] of `script`.
pub(crate) fn words(script: &str) -> Words {
    let (automaton, owners) = &*WORDS;
    let mut patterns = [false; 64];
    for found in automaton.find_overlapping_iter(script) {
        patterns[owners[found.pattern().as_usize()]] = true;
    }
    let has = |words: &[&str]| {
        words
            .iter()
            .any(|w| contains(script.as_bytes(), w.as_bytes()))
    };
    Words {
        patterns,
        js: has(JS_WORDS),
        runner: has(RUNNER_WORDS),
    }
}

/// Builds, before `scripts` are classified and on all cores when `parallel`, the DFA of
/// each pattern that will read more of them than [`Lazy::BUDGET`]: with every script known
/// in advance, a pattern need not first spend the budget on the slow engine to learn that
/// its DFA pays (the ski-rental rule's worst case, which most runs hit for their common
/// patterns). Patterns that read little stay on `regex-lite`.
pub(crate) fn prepare(scripts: &[(&str, &Words)], parallel: bool) {
    let mut read = vec![0usize; PATTERNS.len()];
    let (mut js, mut runner) = (0, 0);
    for (script, words) in scripts {
        for (index, total) in read.iter_mut().enumerate() {
            if words.patterns[index] {
                *total += script.len();
            }
        }
        if words.js {
            js += script.len();
        }
        if words.runner {
            runner += script.len();
        }
    }
    let mut wanted: Vec<&Lazy> = read
        .iter()
        .enumerate()
        .filter(|(_, total)| **total > Lazy::BUDGET)
        .map(|(index, _)| &COMPILED[index])
        .collect();
    wanted.extend(
        [(&JS_TASK, js), (&TASK, runner)]
            .into_iter()
            .filter(|(_, total)| *total > Lazy::BUDGET)
            .map(|(lazy, _)| lazy),
    );
    crate::load::map(wanted, parallel, Lazy::prepare);
}

/// What a script does and the write scopes it needs.
pub(crate) fn classify(script: &str) -> (Acts, Scopes) {
    classify_with(script, &words(script))
}

/// [`classify`], with the script's [`Words`] already found.
pub(crate) fn classify_with(script: &str, words: &Words) -> (Acts, Scopes) {
    let mut acts = Acts::NONE;
    let mut scopes = Scopes::NONE;
    for (index, (_, _, a, s)) in PATTERNS.iter().enumerate() {
        if words.patterns[index] && COMPILED[index].is_match(script) {
            acts |= *a;
            scopes = scopes.union(Scopes::of(s));
        }
    }
    let group = |groups: &Groups, i: usize| -> Option<&str> {
        groups
            .get(i)
            .copied()
            .flatten()
            .and_then(|(start, end)| script.get(start..end))
    };
    for groups in words
        .js
        .then(|| JS_TASK.captures(script))
        .into_iter()
        .flatten()
    {
        let (Some(runner), Some(target)) = (group(&groups, 1), group(&groups, 3)) else {
            continue;
        };
        let run = group(&groups, 2).is_some();
        // Without `run`, npm only runs `test`; `pnpm deploy` is pnpm's own command.
        if !run
            && ((runner == "npm" && !matches!(target, "test" | "t"))
                || (runner == "pnpm" && target == "deploy"))
        {
            continue;
        }
        acts |= by_target(target);
    }
    for groups in words
        .runner
        .then(|| TASK.captures(script))
        .into_iter()
        .flatten()
    {
        if let Some(targets) = group(&groups, 1) {
            for target in targets.split([' ', '\t', ',']).filter(|t| !t.is_empty()) {
                acts |= by_target(target);
            }
        }
    }
    if API
        .iter()
        .any(|word| contains(script.as_bytes(), word.as_bytes()))
    {
        scopes.unknown = true;
    }
    (acts, scopes)
}

/// What a task runner's target does, by its name.
fn by_target(target: &str) -> Acts {
    let t = target.to_ascii_lowercase();
    let starts = |words: &[&str]| {
        words.iter().any(|w| {
            t.strip_prefix(w)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '-', '_']))
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

/// Names read for what a step or job claims to do: words one of which must appear, the
/// pattern, and what it means.
#[rustfmt::skip]
const NAMES: &[(&[&str], &str, Acts)] = &[
    (&["test", "unit", "e2e", "integration", "spec"], r"\b(?:tests?|testing|unit|e2e|integration tests?|spec)\b", Acts::TEST),
    (&["lint"], r"\blint(?:ing|er|s)?\b", Acts::LINT),
    (&["format", "fmt", "prettier"], r"\b(?:format(?:ting)?|fmt|prettier)\b", Acts::FORMAT),
    (&["check", "mypy", "tsc"], r"\b(?:type ?check(?:ing|s)?|typescript check|mypy|tsc)\b", Acts::TYPECHECK),
    (&["smoke", "health", "verify"], r"\b(?:smoke|health ?checks?|healthcheck|verify (?:the )?deploy(?:ment)?)\b", Acts::HEALTH),
    (&["roll", "revert"], r"\b(?:roll ?back|revert deploy(?:ment)?)\b", Acts::ROLLBACK),
    (&["deploy"], r"\bdeploy(?:s|ing|ment)?\b", Acts::NAMED_DEPLOY),
    (&["secret", "gitleaks", "trufflehog"], r"\b(?:secret ?scan(?:ning)?|gitleaks|trufflehog)\b", Acts::SECRET_SCAN),
    (&["sbom", "cyclonedx", "spdx"], r"\b(?:sbom|cyclonedx|spdx)\b", Acts::SBOM),
    (&["vuln", "dependency", "security", "audit", "osv"], r"\b(?:vulnerabilit(?:y|ies)(?: scan)?|vulns?|dependency (?:scan|review|audit)|security (?:scan|audit|check)s?|npm audit|pip-audit|osv-scanner)\b", Acts::DEP_SCAN),
    (&["sast", "codeql", "semgrep", "static"], r"\b(?:sast|codeql|semgrep|static (?:application )?security)\b", Acts::SAST),
];

static NAME_REGEXES: LazyLock<Vec<Lazy>> = LazyLock::new(|| {
    NAMES
        .iter()
        .map(|(_, source, _)| Lazy::new(source))
        .collect()
});

/// Phrases that place a step relative to a deploy without being one.
static AROUND_DEPLOY: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
    crate::knowledge::pattern(r"\b(?:post|pre|after|before)[- _]?deploy(?:ment)?\b")
});

/// What a step's or job's name (lower-cased) says it does.
pub(crate) fn by_name(label: &str) -> Acts {
    if label.is_empty() {
        return Acts::NONE;
    }
    // The phrases hold `deploy`; most names do not.
    let label = if label.contains("deploy") {
        AROUND_DEPLOY.replace_all(label, " ")
    } else {
        std::borrow::Cow::Borrowed(label)
    };
    let lower = label.to_ascii_lowercase();
    NAMES
        .iter()
        .enumerate()
        .filter(|(_, (words, ..))| words.iter().any(|w| lower.contains(w)))
        .filter(|(i, _)| NAME_REGEXES[*i].is_match(&label))
        .fold(Acts::NONE, |acts, (_, (.., a))| acts | *a)
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

#[cfg(test)]
mod words {
    use super::*;

    #[test]
    fn every_pattern_fits_the_candidate_set_and_has_words() {
        assert!(PATTERNS.len() <= 64);
        assert!(PATTERNS.iter().all(|(words, ..)| !words.is_empty()));
    }

    /// Scripts and names from real workflows (and the tests above): each pattern, read by
    /// either engine, gives the same answer on each.
    #[test]
    fn both_engines_agree_on_every_pattern() {
        let texts = [
            "npm ci\nnpm test -- --coverage",
            "cargo nextest run --workspace",
            "python -m pytest -q tests/",
            "kubectl -n prod set image deployment/web web=ghcr.io/acme/web:${{ github.sha }}",
            "helm upgrade --install web ./chart --atomic --wait",
            "gcloud run deploy web --image gcr.io/p/web:1.2.3 --region europe-west1",
            "aws ecs update-service --cluster c --service s --force-new-deployment",
            "curl -fsS --retry 5 https://example.com/healthz",
            "docker buildx build --push -t ghcr.io/acme/web:latest .",
            "gh release create v1.0.0 dist/* --generate-notes",
            "ruff check . && ruff format --check .",
            "Smoke Tests (production)",
            "Roll back the deployment",
            "Run CodeQL analysis",
            "Deploy to STAGING",
            "terraform -chdir=infra apply -auto-approve tfplan",
            "echo 'nothing to see' | tee out.txt",
            "\u{e9}t\u{e9} d\u{e9}ploiement: smoke",
        ];
        for source in PATTERNS
            .iter()
            .map(|p| p.1)
            .chain(NAMES.iter().map(|n| n.1))
        {
            let lite = crate::knowledge::pattern(source);
            let full = Matcher::new(source);
            for text in texts {
                assert_eq!(
                    lite.is_match(text),
                    full.is_match(text.as_bytes()),
                    "{source} on {text:?}"
                );
            }
        }
    }

    /// The task-runner patterns give the same groups from either engine.
    #[test]
    fn both_engines_agree_on_the_groups_of_task_runners() {
        let scripts = [
            "npm ci\nnpm test -- --coverage",
            "pnpm --filter web run test:unit && pnpm -r lint",
            "yarn workspace @acme/api e2e; bun run build",
            "cd app && npm run-script deploy:prod",
            "(npm run lint) || true\npnpm deploy --prod out",
            "make lint test\njust deploy staging\nturbo run build test --filter=web",
            "nx run-many -t lint test\nnx affected --targets=e2e\ntask ci:all",
            "echo npm \u{e9}t\u{e9} run d\u{e9}ploiement && make \u{e9}",
            "rake spec; invoke tests, docs",
        ];
        for source in [JS_TASK.source(), TASK.source()] {
            for script in scripts {
                let lite = Lazy::groups(source);
                let full = Lazy::groups(source);
                full.full.get_or_init(|| full.build());
                assert_eq!(
                    lite.captures(script),
                    full.captures(script),
                    "{source} on {script:?}"
                );
            }
        }
        assert_eq!(
            classify("pnpm --filter web run test:unit\nmake lint").0,
            Acts(Acts::TEST.0 | Acts::LINT.0)
        );
    }

    #[test]
    fn patterns_that_will_read_past_the_budget_are_built_up_front() {
        // The `ruff format` pattern, which no other test uses: the tables are shared.
        let index = PATTERNS
            .iter()
            .position(|p| p.1 == r"\bruff\s+format\b")
            .expect("the ruff format pattern");
        let script = "ruff format --check .\n".repeat(Lazy::BUDGET / 20 + 1);
        let quiet = "echo nothing to format";
        prepare(&[(quiet, &words(quiet))], false);
        assert!(
            COMPILED[index].forward.get().is_none(),
            "no script names ruff"
        );
        prepare(
            &[
                (&script, &words(&script)),
                ("pytest -q", &words("pytest -q")),
            ],
            false,
        );
        assert!(COMPILED[index].forward.get().is_some());
        assert!(classify(&script).0.has(Acts::FORMAT));
    }

    #[test]
    fn a_pattern_gives_the_same_answers_after_it_switches_engines() {
        let lazy = Lazy::new(PATTERNS[0].1);
        let script = "pytest -q\n".repeat(50);
        let answers: Vec<bool> = (0..(Lazy::BUDGET / script.len() + 3))
            .map(|_| lazy.is_match(&script))
            .collect();
        assert!(
            lazy.forward.get().is_some(),
            "the DFA is built once the budget is spent"
        );
        assert!(answers.iter().all(|&answer| answer));
        assert!(!lazy.is_match("echo hi"));
    }
}
