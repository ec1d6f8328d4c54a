//! The fuzz targets, one per parser entry point, with their seed corpora.

use std::path::Path;

use signoff_core::yaml::tree::{self, Limits};
use signoff_sbom::parse::{ALL_KINDS, Context, Kind};

/// A target's function: feeds one input to the parser.
pub type Run = Box<dyn Fn(&[u8]) + Send + Sync>;

/// A fuzz target: a parser entry point and the fixtures it starts from.
pub struct Target {
    pub name: String,
    /// Feeds one input to the parser; panics when a property fails.
    pub run: Run,
    pub seeds: Vec<Seeds>,
}

/// Which files of a fixture directory are seeds, by their path from the directory.
pub type Pick = Box<dyn Fn(&str) -> bool + Send + Sync>;

/// The files below fixture directory `path` that `pick` accepts.
fn dir(path: &'static str, pick: impl Fn(&str) -> bool + Send + Sync + 'static) -> Seeds {
    Seeds::Dir(path, Box::new(pick))
}

/// Where a target's seed inputs come from (paths from the workspace root).
pub enum Seeds {
    /// One fixture file.
    File(&'static str),
    /// The files below a fixture directory that `pick` accepts (given their path from
    /// the directory).
    Dir(&'static str, Pick),
    /// Each line of a fixture file that is not a `#` comment, up to 200 of them.
    Lines(&'static str),
    /// An input written here, where the fixtures hold none of the kind.
    Inline(&'static [u8]),
}

impl Target {
    fn new(name: &str, run: impl Fn(&[u8]) + Send + Sync + 'static, seeds: Vec<Seeds>) -> Self {
        Self {
            name: name.to_owned(),
            run: Box::new(run),
            seeds,
        }
    }

    /// The seed inputs, in a stable order. A listed fixture that is missing panics: the
    /// list is out of date.
    pub fn corpus(&self) -> Vec<Vec<u8>> {
        let root = crate::workspace_root();
        let mut corpus = Vec::new();
        for seeds in &self.seeds {
            match seeds {
                Seeds::File(path) => corpus.push(read(&root.join(path))),
                Seeds::Dir(dir, pick) => {
                    let dir = root.join(dir);
                    let mut files = Vec::new();
                    walk(&dir, &dir, &mut files);
                    files.sort();
                    assert!(!files.is_empty(), "no fixture files in {}", dir.display());
                    for rel in files.into_iter().filter(|rel| pick(rel)) {
                        corpus.push(read(&dir.join(rel)));
                    }
                }
                Seeds::Lines(path) => {
                    let text = read(&root.join(path));
                    corpus.extend(
                        String::from_utf8_lossy(&text)
                            .lines()
                            .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
                            .take(200)
                            .map(|line| line.as_bytes().to_vec()),
                    );
                }
                Seeds::Inline(bytes) => corpus.push(bytes.to_vec()),
            }
        }
        corpus
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        panic!(
            "seed fixture {} is listed but unreadable: {e}",
            path.display()
        )
    })
}

/// Files below `dir`, as `/`-separated paths from `base`.
fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(base, &path, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// Input as text, the way a gate sees a file it reads as text (invalid UTF-8 replaced, so
/// mutated inputs still reach the parser).
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

fn ends(suffixes: &'static [&'static str]) -> impl Fn(&str) -> bool {
    move |rel| suffixes.iter().any(|s| rel.ends_with(s))
}

/// Every target, in order of exposure.
pub fn all() -> Vec<Target> {
    let mut targets = vec![
        Target::new(
            "policy",
            policy,
            vec![
                dir("crates/core/tests/fixtures/policy", |_| true),
                Seeds::File("signoff.yml"),
                Seeds::File("crates/core/src/policy/default.yml"),
            ],
        ),
        Target::new(
            "yaml_tree",
            yaml_tree,
            vec![
                dir("crates/core/tests/fixtures/policy", |_| true),
                dir("crates/cli/tests/fixtures/seed-fault", |rel| {
                    rel.ends_with(".yml") || rel.ends_with(".yaml")
                }),
            ],
        ),
        Target::new("core_diff", core_diff, diff_seeds()),
        Target::new("core_gitignore", core_gitignore, vec![
            Seeds::File(".gitignore"),
            Seeds::File("crates/pipeline/tests/fixtures/.gitignore"),
            Seeds::Inline(b"node_modules\n/build\ndist/\n*.log\n!keep.log\napps/**/out\ngen/**\n!gen/k\n---\nweb/node_modules/\nbuild/\nx/build/\na.log\nkeep.log\napps/w/out/\ngen/\ngen/k\n"),
            Seeds::Inline(b"[a-c]?x\n*.py[cod]\n\\#x\na\\ \n---\nbzx\nm.pyc\n#x\na \n"),
        ]),
        Target::new("coverage_diff", coverage_diff, diff_seeds()),
    ];
    targets.extend(coverage());
    targets.extend(sbom());
    targets.extend([
        Target::new("report_sarif", report_sarif, vec![
            Seeds::File("crates/report/tests/fixtures/zizmor.sarif"),
            Seeds::File("crates/report/tests/fixtures/zizmor-hostile-path.sarif"),
        ]),
        Target::new("secrets_gitleaks_config", secrets_gitleaks_config, vec![
            Seeds::File("crates/secrets/src/rules/default.toml"),
            Seeds::Inline(GITLEAKS_CONFIG),
        ]),
        Target::new("secrets_gitleaksignore", secrets_gitleaksignore, vec![Seeds::Inline(GITLEAKSIGNORE)]),
        Target::new("infra_dockerfile", |data| signoff_infra::fuzzing::dockerfile(&text(data)), vec![
            Seeds::File("crates/cli/tests/fixtures/seed-fault/Dockerfile"),
        ]),
        Target::new("infra_terraform", infra_terraform, vec![
            Seeds::File("crates/cli/tests/fixtures/seed-fault/terraform/main.tf"),
            Seeds::File("crates/cli/tests/fixtures/seed-fault/terraform/prod/main.tf"),
            Seeds::File("crates/secrets/tests/fixtures/classes/found/terraform/main.tf"),
        ]),
        Target::new("infra_compose", |data| signoff_infra::fuzzing::file("docker-compose.yml", data), vec![
            Seeds::File("crates/cli/tests/fixtures/seed-fault/docker-compose.yml"),
            Seeds::File("crates/secrets/tests/fixtures/classes/found/compose/docker-compose.yml"),
        ]),
        Target::new("infra_kubernetes", |data| signoff_infra::fuzzing::file("k8s/app.yaml", data), vec![
            dir("crates/cli/tests/fixtures/seed-fault/k8s", |_| true),
        ]),
        Target::new("pipeline_workflow", |data| pipeline_file(".github/workflows/ci.yml", data), vec![
            dir("crates/cli/tests/fixtures/seed-fault/.github/workflows", |_| true),
            dir("crates/pipeline/tests/fixtures/real", |rel| rel.contains("/workflows/")),
        ]),
        Target::new("pipeline_action", |data| pipeline_file(".github/actions/setup/action.yml", data), vec![
            Seeds::File("crates/cli/tests/fixtures/seed-fault/.github/actions/setup/action.yml"),
            dir("crates/pipeline/tests/fixtures/real", ends(&["action.yml", "action.yaml"])),
        ]),
        Target::new("pipeline_gitlab", |data| pipeline_file(".gitlab-ci.yml", data), vec![
            Seeds::File("crates/cli/tests/fixtures/seed-fault/.gitlab-ci.yml"),
            dir("crates/pipeline/tests/fixtures/real", ends(&[".gitlab-ci.yml"])),
        ]),
        Target::new("pipeline_dependabot", |data| pipeline_file(".github/dependabot.yml", data), vec![
            Seeds::File("crates/cli/tests/fixtures/seed-fault/.github/dependabot.yml"),
        ]),
        Target::new("pipeline_expression", |data| {
            let _ = signoff_pipeline::fuzzing::expression(&text(data));
        }, vec![Seeds::Inline(b"github.event.pull_request.head.repo.full_name == github.repository && !cancelled()"), Seeds::Inline(b"contains(fromJSON('[\"a\",\"b\"]'), matrix.os) || (steps.x.outputs.y != '' && inputs.z >= 3)")]),
        Target::new("pipeline_uses", |data| {
            let _ = signoff_pipeline::fuzzing::uses(&text(data));
        }, vec![Seeds::Inline(b"actions/checkout@v4"), Seeds::Inline(b"owner/repo/path/to@0123456789abcdef0123456789abcdef01234567"), Seeds::Inline(b"docker://alpine:3.19@sha256:abc"), Seeds::Inline(b"./.github/actions/setup")]),
        Target::new("vulns_osv", |data| {
            let _ = signoff_vulns::fuzzing::osv_record(data);
        }, vec![dir("crates/vulns/tests/fixtures/osv", ends(&[".json"]))]),
        Target::new("vulns_sbom", |data| {
            let _ = signoff_vulns::fuzzing::sbom(data);
        }, vec![Seeds::Inline(CYCLONEDX)]),
        Target::new("vulns_vex", |data| {
            let _ = signoff_vulns::fuzzing::vex(data);
        }, vec![Seeds::Inline(OPENVEX), Seeds::Inline(CDX_VEX)]),
        Target::new("vulns_purl", |data| {
            let _ = signoff_vulns::ecosystem::parse_purl(&text(data));
        }, vec![Seeds::Lines("fuzz/seeds/purls.txt")]),
        Target::new("sbom_spdx", sbom_spdx, vec![Seeds::Lines("fuzz/seeds/spdx.txt")]),
        Target::new("sbom_digest", |data| {
            let _ = signoff_sbom::model::Digest::parse_prefixed(&text(data));
        }, vec![
            Seeds::Inline(b"sha512-q2bfpsNUOd0JyN5DwQvpAxy8BTvQ4dc1B44hO6jhsYlb+3+LTR+rFHrIqsIHBUp4RLDwIpUOlfUbGmsMzK9NvQ=="),
            Seeds::Inline(b"sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"),
            Seeds::Inline(b"sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ]),
        Target::new("report_gate_report", |data| {
            let _ = signoff_report::fuzzing::gate_report(data);
        }, vec![dir("fuzz/seeds/gate-reports", ends(&[".gate.json"]))]),
        Target::new("core_baseline", core_baseline, vec![Seeds::File(".signoff/secrets-baseline.json")]),
        Target::new("health_jsonpath", |data| signoff_health::fuzzing::jsonpath(&text(data)), vec![
            Seeds::Inline(b"$.status"), Seeds::Inline(b"$.checks[*].ok"), Seeds::Inline(b"$['a b'].c[-1].d"),
            Seeds::Inline(b"$..name"), Seeds::Inline(b"$..*"), Seeds::Inline(b"$.checks[0]['name']"),
        ]),
        Target::new("health_expect", signoff_health::fuzzing::expect, vec![
            Seeds::Inline(b"status == 200\n{}"),
            Seeds::Inline(b"$.status == \"ok\"\n{\"status\":\"ok\"}"),
            Seeds::Inline(b"$.checks[*].ok == true\n{\"checks\":[{\"ok\":true},{\"ok\":false}]}"),
            Seeds::Inline(b"body contains \"healthy\"\nall healthy"),
            Seeds::Inline(b"body matches \"^up( \\\\d+)?$\"\nup 3"),
            Seeds::Inline(b"header \"content-type\" contains \"json\"\n"),
            Seeds::Inline(b"latency < 300ms\n"),
        ]),
        Target::new("health_cert", signoff_health::fuzzing::cert, vec![Seeds::File("fuzz/seeds/cert.der"), Seeds::File("fuzz/seeds/cert-rsa.der")]),
        Target::new("health_excerpt", signoff_health::fuzzing::excerpt, vec![
            Seeds::Inline(b"{\"token\":\"example-S3cr3t-V4lue-0f-th3-t0k3n\",\"ok\":true}"),
            Seeds::Inline(b"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl\r\n\x1b[31m"),
        ]),
        Target::new("health_config", signoff_health::fuzzing::config, vec![Seeds::File("fuzz/seeds/health.yml")]),
        Target::new("secrets_git_log", signoff_secrets::fuzzing::git_log, vec![
            Seeds::File("fuzz/seeds/git/log-raw-m.bin"),
            Seeds::File("fuzz/seeds/git/log-raw-c.bin"),
        ]),
        Target::new("secrets_git_pack", secrets_git_pack, vec![Seeds::File("fuzz/seeds/git/tiny.idxpack")]),
        Target::new("secrets_git_delta", secrets_git_delta, vec![Seeds::Inline(DELTA)]),
        Target::new("secrets_git_inflate", secrets_git_inflate, vec![Seeds::File("fuzz/seeds/git/inflate.bin")]),
        Target::new("vulns_version", |data| {
            // The seeds are comparisons (`1.0 < 1.1`): each side is a version to compare.
            let text = text(data);
            let versions = [" < ", " > ", " == ", " = "]
                .iter()
                .fold(text, |text, op| text.replace(op, "\n"));
            signoff_vulns::fuzzing::version(&versions);
        }, vec![
            Seeds::Lines("crates/vulns/tests/fixtures/comparators/maven.txt"),
            Seeds::Lines("crates/vulns/tests/fixtures/comparators/nuget.txt"),
            Seeds::Lines("crates/vulns/tests/fixtures/comparators/packagist.txt"),
        ]),
    ]);
    targets
}

/// A policy file that parses parses again to an equal policy (the loader is
/// deterministic); the text check and the parser never panic.
fn policy(data: &[u8]) {
    let Ok(text) = signoff_core::yaml::text(data, "signoff.yml") else {
        return;
    };
    let first = signoff_core::policy::Policy::from_str(text, "signoff.yml");
    let second = signoff_core::policy::Policy::from_str(text, "signoff.yml");
    match (first, second) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "a policy parsed twice differs"),
        (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "errors differ"),
        _ => panic!("a policy parsed once and failed once"),
    }
}

/// The YAML tree is deterministic, with and without merge keys.
fn yaml_tree(data: &[u8]) {
    for merge_keys in [false, true] {
        let limits = Limits {
            merge_keys,
            ..Limits::default()
        };
        let first = tree::parse(data, "fuzz.yml", &limits);
        if let Ok(docs) = &first {
            let again = tree::parse(data, "fuzz.yml", &limits).expect("parsed once, not twice");
            assert_eq!(docs, &again, "a YAML tree parsed twice differs");
        }
    }
}

fn core_diff(data: &[u8]) {
    if let Ok(changes) = signoff_core::diff::parse(data) {
        assert_eq!(signoff_core::diff::parse(data).ok(), Some(changes));
    }
}

/// `.gitignore` rules (the part before a `---` line) asked about paths (one per line after
/// it; a trailing `/` marks a directory): never a panic, and, for rules and paths in the
/// plain subset both read alike, the answer of the `ignore` crate (git's semantics,
/// implemented by compiling glob sets).
fn core_gitignore(data: &[u8]) {
    use signoff_core::gitignore::{Gitignore, Matched};
    let text = text(data);
    let (rules, paths) = text.split_once("\n---\n").unwrap_or((&text, ""));
    let ours = Gitignore::parse(rules.as_bytes());
    let plain_rules = rules.lines().all(plain_rule);
    let mut reference = ignore::gitignore::GitignoreBuilder::new("/r");
    if plain_rules {
        for line in rules.lines() {
            reference
                .add_line(None, line)
                .expect("a plain rule is a valid glob");
        }
    }
    let reference = reference.build().expect("plain rules build");
    for line in paths.lines() {
        let is_dir = line.ends_with('/');
        let path = line.trim_end_matches('/');
        let answer = ours.matched(path, is_dir);
        if !plain_rules || !plain_path(path) {
            continue;
        }
        let expected = match reference.matched(format!("/r/{path}"), is_dir) {
            m if m.is_ignore() => Matched::Ignore,
            m if m.is_whitelist() => Matched::Whitelist,
            _ => Matched::None,
        };
        assert_eq!(
            answer, expected,
            "rules {rules:?}, path {path:?} (dir: {is_dir})"
        );
    }
}

/// A rule both implementations read the same way: names, `*`, `?`, `**` as a whole
/// segment, a leading `!` or `/`, a trailing `/`; no classes, escapes, spaces or comments.
fn plain_rule(line: &str) -> bool {
    let body = line.strip_prefix('!').unwrap_or(line);
    let body = body.strip_prefix('/').unwrap_or(body);
    let body = body.strip_suffix('/').unwrap_or(body);
    !body.is_empty()
        && body.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && (segment == "**" || !segment.contains("**"))
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-*?".contains(&b))
        })
}

fn plain_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
}

fn coverage_diff(data: &[u8]) {
    if let Ok(changes) = signoff_coverage::diff::parse(data, "fuzz.diff") {
        let again = signoff_coverage::diff::parse(data, "fuzz.diff").ok();
        assert_eq!(again, Some(changes));
    }
}

fn diff_seeds() -> Vec<Seeds> {
    vec![Seeds::Inline(DIFF), Seeds::Inline(DIFF_RENAME)]
}

fn coverage() -> Vec<Target> {
    use signoff_coverage::parse::fuzzing as c;
    const DIR: &str = "crates/coverage/tests/fixtures";
    vec![
        Target::new(
            "coverage_lcov",
            |d| round_trip(c::lcov(d)),
            vec![dir(DIR, ends(&[".info"]))],
        ),
        Target::new(
            "coverage_cobertura",
            |d| round_trip(c::cobertura(d)),
            vec![dir(
                DIR,
                ends(&["cobertura.xml", "cobertura-coverage.xml", "coverage.xml"]),
            )],
        ),
        Target::new(
            "coverage_jacoco",
            |d| round_trip(c::jacoco(d)),
            vec![dir(DIR, ends(&["jacoco.xml"]))],
        ),
        Target::new(
            "coverage_go",
            |d| round_trip(c::go(d)),
            vec![dir(DIR, ends(&[".out"]))],
        ),
        Target::new(
            "coverage_coveragepy",
            |d| round_trip(c::coveragepy(d)),
            vec![dir(DIR, |rel| {
                rel.starts_with("py/") && rel.ends_with(".json")
            })],
        ),
        Target::new(
            "coverage_gcovr",
            |d| round_trip(c::gcovr(d)),
            vec![dir(DIR, ends(&["coverage.gcovr.json"]))],
        ),
        Target::new(
            "coverage_gcovr_summary",
            |d| drop(c::gcovr_summary(d)),
            vec![dir(DIR, ends(&["summary.gcovr.json"]))],
        ),
        Target::new(
            "coverage_llvm",
            |d| round_trip(c::llvm(d)),
            vec![dir(DIR, ends(&["llvm/export.json"]))],
        ),
        Target::new(
            "coverage_istanbul",
            |d| round_trip(c::istanbul(d)),
            vec![dir(DIR, ends(&["coverage-final.json"]))],
        ),
        Target::new(
            "coverage_istanbul_summary",
            |d| drop(c::istanbul_summary(d)),
            vec![dir(DIR, ends(&["coverage-summary.json"]))],
        ),
    ]
}

/// One target per lockfile kind, seeded with the fixtures of that kind. The Gradle build
/// kind reads the build files from disk rather than its text, so it has none.
fn sbom() -> Vec<Target> {
    let mut targets = Vec::new();
    for &kind in ALL_KINDS {
        if kind == Kind::GradleBuild {
            continue;
        }
        let rel = SBOM_REL
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, rel)| *rel);
        let Some(rel) = rel else { continue };
        let name: String = kind
            .as_str()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        assert_eq!(Kind::of(rel), Some(kind), "{rel} is not a {kind:?}");
        targets.push(Target::new(
            &format!("sbom_{}", name.trim_matches('_')),
            move |data| {
                let text = text(data);
                let lockfiles = [rel.to_owned()];
                let ctx = Context {
                    root: Path::new("/nonexistent/signoff-fuzz"),
                    manifests: &[],
                    lockfiles: &lockfiles,
                };
                let _ = signoff_sbom::parse::parse_text(&ctx, rel, kind, &text);
            },
            vec![dir("crates/sbom/tests/fixtures", move |path: &str| {
                // The first part of the path is the fixture project's directory.
                let rel = path.split_once('/').map_or(path, |(_, rel)| rel);
                Kind::of(rel) == Some(kind)
            })],
        ));
    }
    targets
}

/// A repository-relative path of each lockfile kind, as the gate would pass it.
const SBOM_REL: &[(Kind, &str)] = &[
    (Kind::CargoLock, "Cargo.lock"),
    (Kind::PackageLock, "package-lock.json"),
    (Kind::YarnLock, "yarn.lock"),
    (Kind::PnpmLock, "pnpm-lock.yaml"),
    (Kind::BunLock, "bun.lock"),
    (Kind::DenoLock, "deno.lock"),
    (Kind::PoetryLock, "poetry.lock"),
    (Kind::UvLock, "uv.lock"),
    (Kind::PdmLock, "pdm.lock"),
    (Kind::PyLock, "pylock.toml"),
    (Kind::PipfileLock, "Pipfile.lock"),
    (Kind::Requirements, "requirements.txt"),
    (Kind::CondaEnv, "environment.yml"),
    (Kind::CondaLock, "conda-lock.yml"),
    (Kind::GoMod, "go.mod"),
    (Kind::GemfileLock, "Gemfile.lock"),
    (Kind::ComposerLock, "composer.lock"),
    (Kind::NugetLock, "packages.lock.json"),
    (Kind::MsBuild, "App.csproj"),
    (Kind::GradleLock, "gradle.lockfile"),
    (Kind::Pom, "pom.xml"),
    (Kind::PubspecLock, "pubspec.lock"),
    (Kind::MixLock, "mix.lock"),
    (Kind::PackageResolved, "Package.resolved"),
    (Kind::PodfileLock, "Podfile.lock"),
    (Kind::FlakeLock, "flake.lock"),
    (Kind::Workflow, ".github/workflows/ci.yml"),
];

/// Whatever a coverage parser read, written as lcov (what `signoff-coverage merge`
/// writes) and read back, has the same line totals per file.
fn round_trip(
    parsed: Result<signoff_coverage::parse::Parsed, signoff_coverage::error::InputError>,
) {
    let Ok(parsed) = parsed else { return };
    let files: std::collections::BTreeMap<_, _> = parsed.files.into_iter().collect();
    let (lcov, skipped) = signoff_coverage::merge::to_lcov(&files);
    let again = signoff_coverage::parse::fuzzing::lcov(lcov.as_bytes())
        .unwrap_or_else(|e| panic!("the lcov written does not parse: {e:?}"));
    for (path, file) in &files {
        if skipped.contains(path) {
            continue;
        }
        let read = again.files.get(path).map(|f| f.lines.counter());
        assert_eq!(
            read,
            Some(file.lines.counter()),
            "line totals of {path:?} differ after a round trip through lcov"
        );
    }
}

/// An expression that parses, written out again with the fewest parentheses its tree
/// needs, parses to the same tree.
fn sbom_spdx(data: &[u8]) {
    use signoff_sbom::spdx::Expr;
    /// Where a subexpression sits: what needs parentheses there.
    #[derive(Clone, Copy, PartialEq)]
    enum At {
        Top,
        OrLeft,
        OrRight,
        AndLeft,
        AndRight,
    }
    fn write(expr: &Expr, at: At) -> String {
        let (text, grouped) = match expr {
            Expr::License {
                id,
                or_later,
                exception,
            } => {
                let plus = if *or_later { "+" } else { "" };
                let text = match exception {
                    Some(exception) => format!("{id}{plus} WITH {exception}"),
                    None => format!("{id}{plus}"),
                };
                (text, false)
            }
            Expr::Or(a, b) => (
                format!("{} OR {}", write(a, At::OrLeft), write(b, At::OrRight)),
                matches!(at, At::OrRight | At::AndLeft | At::AndRight),
            ),
            Expr::And(a, b) => (
                format!("{} AND {}", write(a, At::AndLeft), write(b, At::AndRight)),
                at == At::AndRight,
            ),
        };
        if grouped { format!("({text})") } else { text }
    }
    let text = text(data);
    if let Ok(expr) = Expr::parse(&text) {
        let written = write(&expr, At::Top);
        let again = Expr::parse(&written)
            .unwrap_or_else(|e| panic!("{written:?} (from {text:?}) does not parse: {e:?}"));
        assert_eq!(
            again, expr,
            "{written:?} (from {text:?}) parses to another tree"
        );
    }
}

fn core_baseline(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = signoff_core::baseline::Baseline::parse(
            text,
            "baseline.json",
            "signoff/secrets-baseline/v1",
            "regenerate",
        );
    }
}

/// Input: a 4-byte big-endian length, a pack index of that length, then its pack. Both
/// are written to a private directory and every blob is read, as the history scan does.
fn secrets_git_pack(data: &[u8]) {
    use signoff_secrets::git::pack::Pack;
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let Some((len, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let len = (u32::from_be_bytes(*len) as usize).min(rest.len());
    let (idx, pack) = rest.split_at(len);
    let dir = DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("signoff-fuzz-pack-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        dir
    });
    let idx_path = dir.join("fuzz.idx");
    std::fs::write(&idx_path, idx).expect("write the index");
    std::fs::write(dir.join("fuzz.pack"), pack).expect("write the pack");
    if let Ok(pack) = Pack::open(&idx_path) {
        let _ = pack.for_each_blob(&|_| false, &|_| None, &|_, data, _, _| data.len());
    }
}

/// Input: the base's length (one byte, times 16), the base, then a delta to apply to it.
fn secrets_git_delta(data: &[u8]) {
    let Some((&len, rest)) = data.split_first() else {
        return;
    };
    let (base, delta) = rest.split_at((usize::from(len) * 16).min(rest.len()));
    if let Some(out) = signoff_secrets::git::pack::apply_delta(base, delta) {
        assert!(out.len() <= delta.len().saturating_mul(0x10000) + base.len() * delta.len());
    }
}

/// Input: a 4-byte little-endian size, then zlib data said to inflate to that size.
fn secrets_git_inflate(data: &[u8]) {
    let Some((size, compressed)) = data.split_first_chunk::<4>() else {
        return;
    };
    let size = u64::from(u32::from_le_bytes(*size)) % (16 << 20);
    if let Some(out) = signoff_secrets::git::pack::inflate_exact(compressed, size) {
        assert_eq!(
            out.len() as u64,
            size,
            "inflated to another size than asked"
        );
    }
}

fn report_sarif(data: &[u8]) {
    if let Ok(report) = signoff_report::fuzzing::sarif(data) {
        // The report of any parsed log serialises.
        let _ = report.to_json();
    }
}

fn secrets_gitleaks_config(data: &[u8]) {
    // The loader reads UTF-8 only.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = signoff_secrets::fuzzing::gitleaks_config(text);
    }
}

fn secrets_gitleaksignore(data: &[u8]) {
    let _ = signoff_secrets::gitleaksignore::Ignore::parse(&text(data));
}

fn infra_terraform(data: &[u8]) {
    let text = text(data);
    let first = signoff_infra::fuzzing::terraform(&text);
    assert_eq!(
        first,
        signoff_infra::fuzzing::terraform(&text),
        "parse is not deterministic"
    );
}

fn pipeline_file(rel: &str, data: &[u8]) {
    assert!(
        signoff_pipeline::fuzzing::file(rel, data),
        "{rel} is not a file the gate reads"
    );
}

const DIFF: &[u8] = b"diff --git a/src/lib.rs b/src/lib.rs
index 83db48f..bf269f4 100644
--- a/src/lib.rs
+++ b/src/lib.rs
@@ -1,3 +1,5 @@
 fn a() {}
+fn b() {}
+fn c() {}
 fn d() {}
-fn e() {}
@@ -10 +12,2 @@ impl X {
+    y();
+    z();
diff --git a/new.txt b/new.txt
new file mode 100644
--- /dev/null
+++ b/new.txt
@@ -0,0 +1 @@
+hello
\\ No newline at end of file
";

const DIFF_RENAME: &[u8] = b"diff --git a/old name.py b/new name.py
similarity index 90%
rename from old name.py
rename to new name.py
--- a/old name.py
+++ b/new name.py
@@ -4,0 +5 @@
+print(1)
diff --git a/bin.png b/bin.png
Binary files a/bin.png and b/bin.png differ
";

const GITLEAKS_CONFIG: &[u8] = br#"title = "custom"

[extend]
useDefault = false

[[rules]]
id = "internal-token"
description = "Internal token"
regex = '''itk_[a-z0-9]{32}'''
keywords = ["itk_"]
entropy = 3.5
secretGroup = 0
path = '''\.env$'''

[[rules.allowlists]]
regexes = ['''itk_0{32}''']
paths = ['''test/''']

[allowlist]
description = "global"
paths = ['''vendor/''']
stopwords = ["example"]
"#;

/// A delta on a 16-byte base (length byte 1): copy 5 bytes from offset 0, then insert 11.
const DELTA: &[u8] = b"\x01hello world, hi!\x10\x10\x91\x00\x05\x0b and world!";

const GITLEAKSIGNORE: &[u8] = b"# comment
abc123def456:config/.env:generic-api-key:4
src/app.py:aws-access-token:10
";

const CYCLONEDX: &[u8] = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
"metadata":{"component":{"type":"application","name":"app","bom-ref":"app"}},
"components":[
 {"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20","bom-ref":"pkg:npm/lodash@4.17.20"},
 {"type":"library","group":"org.apache","name":"log4j-core","version":"2.14.1","purl":"pkg:maven/org.apache/log4j-core@2.14.1","bom-ref":"l4j",
  "components":[{"type":"library","name":"inner","version":"1","purl":"pkg:pypi/inner@1"}]}
],
"dependencies":[{"ref":"app","dependsOn":["pkg:npm/lodash@4.17.20","l4j"]}]}"#;

const OPENVEX: &[u8] = br#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2026-01-01T00:00:00Z","version":1,
"statements":[{"vulnerability":{"name":"CVE-2021-44228"},"products":[{"@id":"pkg:maven/org.apache/log4j-core@2.14.1"}],"status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}]}"#;

const CDX_VEX: &[u8] = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","vulnerabilities":[{"id":"GHSA-xxxx-yyyy-zzzz","analysis":{"state":"not_affected","justification":"code_not_reachable","detail":"unused"},"affects":[{"ref":"pkg:npm/lodash@4.17.20"}]}]}"#;
