//! One small, hand-written case per rule family: what is reported, where, and what is left
//! alone.

use crate::common::{check, repo};

const CHECKOUT: &str = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";

#[test]
fn permissions_follow_zizmor_and_unused_writes_are_named() {
    let dir = repo(&[(
        ".github/workflows/ci.yml",
        &format!(
            "on: push\npermissions: {{}}\njobs:\n  push:\n    runs-on: x\n    timeout-minutes: 5\n    permissions:\n      contents: write\n      id-token: write\n    steps:\n      - uses: {CHECKOUT}\n      - run: git push origin HEAD\n  all:\n    runs-on: x\n    timeout-minutes: 5\n    permissions: write-all\n    steps:\n      - run: make\n"
        ),
    )]);
    let outcome = check(dir.path());
    // `contents: write` is used by `git push`; `id-token: write` by nothing.
    assert_eq!(
        outcome.of("unused-write-permission"),
        [".github/workflows/ci.yml:9"]
    );
    assert!(
        outcome.finding("unused-write-permission", ".github/workflows/ci.yml:9")["message"]
            .as_str()
            .unwrap()
            .contains("OIDC")
    );
    assert_eq!(
        outcome.of("excessive-permissions"),
        [".github/workflows/ci.yml:16"]
    );
    assert_eq!(
        outcome.finding("excessive-permissions", ".github/workflows/ci.yml:16")["severity"],
        "high"
    );
}

#[test]
fn template_injection_weighs_where_a_value_comes_from() {
    let dir = repo(&[(
        ".github/workflows/t.yml",
        "on:\n  pull_request:\n  workflow_dispatch:\n    inputs:\n      name: {type: string}\n      dry: {type: boolean}\npermissions: {}\njobs:\n  j:\n    runs-on: x\n    timeout-minutes: 5\n    strategy:\n      matrix:\n        v: ${{ fromJSON(needs.plan.outputs.versions) }}\n    steps:\n      - run: |\n          echo ${{ github.head_ref }}\n          echo ${{ github.event.pull_request.number }} ${{ secrets.TOKEN }}\n          echo ${{ inputs.name }} ${{ inputs.dry }}\n          echo ${{ github.event.inputs.name }} ${{ github.event.inputs.dry }} ${{ github.event.inputs.other }}\n          echo ${{ matrix.v }}\n      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\n        with:\n          script: console.log('${{ github.event.pull_request.title }}')\n",
    )]);
    let outcome = check(dir.path());
    let found: Vec<(String, String)> = outcome
        .findings()
        .iter()
        .filter(|f| f["rule"] == "template-injection")
        .map(|f| {
            (
                format!("{}:{}", f["location"]["line"], f["location"]["column"]),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("17:20", "high"),
        ("19:20", "high"),
        ("20:20", "high"),
        ("20:83", "high"),
        ("21:20", "medium"),
        ("24:36", "high"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(found, expected, "{:?}", outcome.found());
}

#[test]
fn triggers_in_every_form_and_the_ones_commented_out() {
    let dir = repo(&[
        (
            ".github/workflows/a.yml",
            "on: [pull_request]\njobs:\n  j: {runs-on: x, timeout-minutes: 1, steps: [{run: make}]}\n",
        ),
        (
            ".github/workflows/b.yml",
            "on:\n  workflow_dispatch:\n  # pull_request_target:\n  # schedule:\n  #   - cron: '0 0 * * *'\n# a note, not a trigger\njobs:\n  j: {runs-on: x, timeout-minutes: 1, steps: [{run: make}]}\n",
        ),
        (
            ".github/workflows/c.yml",
            "on:\n  pull_request_target:\n    types: [labeled]\njobs:\n  j:\n    runs-on: x\n    timeout-minutes: 1\n    steps:\n      - run: gh pr checkout ${{ github.event.number }}\n",
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.of("missing-concurrency"),
        [".github/workflows/a.yml:1", ".github/workflows/c.yml:2"]
    );
    assert_eq!(
        outcome.of("commented-out-trigger"),
        [
            ".github/workflows/b.yml:3",
            ".github/workflows/b.yml:4",
            ".github/workflows/b.yml:5"
        ]
    );
    assert_eq!(
        outcome.of("dangerous-triggers"),
        [".github/workflows/c.yml:2"]
    );
    assert_eq!(
        outcome.of("untrusted-checkout"),
        [".github/workflows/c.yml:9"]
    );
}

#[test]
fn checks_that_cannot_fail_are_found_and_ordinary_steps_are_not() {
    let dir = repo(&[(
        ".github/workflows/ci.yml",
        "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: x\n    timeout-minutes: 5\n    strategy: {matrix: {experimental: [true, false]}}\n    steps:\n      - run: cargo test\n        continue-on-error: ${{ matrix.experimental }}\n      - run: |\n          cargo build\n          cargo clippy || true\n      - run: make docs || true\n      - run: echo \"Deploying to production...\"\n        name: Deploy\n      - run: echo done\n",
    )]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.of("non-blocking-check"),
        [".github/workflows/ci.yml:10", ".github/workflows/ci.yml:13"]
    );
    assert_eq!(
        outcome.finding("non-blocking-check", ".github/workflows/ci.yml:10")["severity"],
        "low"
    );
    assert_eq!(
        outcome.finding("non-blocking-check", ".github/workflows/ci.yml:13")["location"]["column"],
        24
    );
    assert_eq!(
        outcome.of("placeholder-step"),
        [".github/workflows/ci.yml:15"]
    );
}

#[test]
fn update_bots_cover_ecosystems() {
    let files = [
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  j: {runs-on: x, timeout-minutes: 1, steps: [{run: make}]}\n",
        ),
        ("package.json", "{}"),
        ("api/pyproject.toml", "[project]\nname = 'x'\n"),
        ("tests/fixtures/app/Cargo.toml", "[package]\n"),
    ];
    let outcome = check(repo(&files).path());
    assert_eq!(outcome.of("missing-update-bot"), [".github/dependabot.yml"]);
    let mut with_bot = files.to_vec();
    with_bot.push((".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: {interval: weekly}\n"));
    let outcome = check(repo(&with_bot).path());
    let gaps: Vec<String> = outcome
        .findings()
        .iter()
        .filter(|f| f["rule"] == "update-bot-gap")
        .map(|f| f["details"]["ecosystem"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        gaps,
        ["github-actions", "pip"],
        "fixture manifests are not the repository's own"
    );
    let mut renovate = files.to_vec();
    renovate.push(("renovate.json", "{\"extends\": [\"config:recommended\"]}"));
    let outcome = check(repo(&renovate).path());
    assert!(
        outcome.of("missing-update-bot").is_empty() && outcome.of("update-bot-gap").is_empty(),
        "{:?}",
        outcome.found()
    );
}

#[test]
fn supply_chain_pins_images_and_installers() {
    let dir = repo(&[(
        ".github/workflows/ci.yml",
        "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: x\n    timeout-minutes: 5\n    container: node\n    services:\n      db: {image: 'postgres:16@sha256:0123'}\n      cache: {image: 'redis:7'}\n    steps:\n      - uses: actions/checkout@main\n      - uses: docker://alpine:latest\n      - run: curl -fsSL https://get.example.sh | sudo bash\n",
    )]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.of("unpinned-images"),
        [".github/workflows/ci.yml:13", ".github/workflows/ci.yml:7"]
    );
    assert_eq!(outcome.of("unpinned-uses"), [".github/workflows/ci.yml:12"]);
    assert_eq!(
        outcome.of("curl-pipe-shell"),
        [".github/workflows/ci.yml:14"]
    );
    let help = outcome.finding("unpinned-uses", ".github/workflows/ci.yml:12")["help"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        help.contains("uses: actions/checkout@<40-hex commit"),
        "{help}"
    );
}

#[test]
fn repeated_step_runs_are_reported_once_where_they_first_appear() {
    let steps = "    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@v4\n        with: {node-version: 20}\n      - run: npm ci\n      - run: npm run build\n      - run: npm test\n";
    let workflow = |name: &str| {
        format!(
            "name: {name}\non: push\npermissions: {{}}\njobs:\n  j:\n    runs-on: x\n    timeout-minutes: 5\n{steps}"
        )
    };
    let (a, b, c) = (workflow("a"), workflow("b"), workflow("c"));
    let outcome = check(
        repo(&[
            (".github/workflows/a.yml", &a),
            (".github/workflows/b.yml", &b),
            (".github/workflows/c.yml", &c),
        ])
        .path(),
    );
    assert_eq!(
        outcome.of("duplicated-steps"),
        [".github/workflows/a.yml:9"]
    );
    let two = check(
        repo(&[
            (".github/workflows/a.yml", &a),
            (".github/workflows/b.yml", &b),
        ])
        .path(),
    );
    assert!(two.of("duplicated-steps").is_empty());
}
