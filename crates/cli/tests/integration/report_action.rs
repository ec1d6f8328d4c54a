//! `actions/report/resolve.sh` and the coverage action's `baseline: auto`, against a fake
//! GitHub CLI: the base branch's sign-off comes from its newest successful push run that
//! kept the report artifact (never from this run, never from a pull request's run), a fork's
//! pull request is found by its head commit on `workflow_run`, and what cannot be found is
//! a notice that says why, never a failed step.

use std::path::Path;

use signoff_testkit::{Cmd, Run};

/// A `gh` that logs its arguments and answers from `FAKE_*` variables.
const FAKE_GH: &str = r#"#!/usr/bin/env bash
echo "$*" >> "$FAKE_LOG"
value() { local want=$1 prev=""; shift; for a in "$@"; do [ "$prev" = "$want" ] && printf '%s' "$a"; prev=$a; done; }
case "$1 $2" in
  "run list")
    if [ -n "${FAKE_LIST_FAIL:-}" ]; then echo "HTTP 403: Resource not accessible by integration" >&2; exit 1; fi
    [ "$(value --event "$@")" = push ] && printf '%s\n' ${FAKE_PUSH_RUNS:-}
    exit 0 ;;
  "run download")
    dir=$(value --dir "$@")
    case " ${FAKE_KEPT:-} " in
      *" $3 "*) mkdir -p "$dir/gates"; echo "{\"run\": $3}" > "$dir/signoff.json"
                echo "{\"run\": $3}" > "$dir/gates/coverage.gate.json"; exit 0 ;;
    esac
    echo "no valid artifacts found to download" >&2; exit 1 ;;
  "pr list") [ -n "${FAKE_PR_FOUND:-}" ] && printf '%s\n' "$FAKE_PR_FOUND"; exit 0 ;;
esac
echo "fake gh: unexpected $*" >&2
exit 3
"#;

struct Fake {
    dir: tempfile::TempDir,
}

impl Fake {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("gh"), FAKE_GH).unwrap();
        // The coverage action's run script calls the gate; this one records its arguments.
        std::fs::write(
            bin.join("signoff-coverage"),
            "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$FAKE_GATE_ARGS\"\n",
        )
        .unwrap();
        for name in ["gh", "signoff-coverage"] {
            Cmd::new("chmod").arg("+x").arg(bin.join(name)).run();
        }
        std::fs::create_dir_all(dir.path().join("temp")).unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn script(&self, script: &str) -> Cmd {
        Cmd::new("bash")
            .arg(signoff_testkit::workspace_root().join(script))
            .env(
                "PATH",
                format!(
                    "{}:/usr/local/bin:/usr/bin:/bin",
                    self.path("bin").display()
                ),
            )
            .env("FAKE_LOG", self.path("gh.log"))
            .env("FAKE_GATE_ARGS", self.path("gate-args"))
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("RUNNER_TEMP", self.path("temp"))
            .env("GITHUB_REPOSITORY", "acme/app")
            .env("GITHUB_RUN_ID", "100")
            .env(
                "GITHUB_WORKFLOW_REF",
                "acme/app/.github/workflows/ci.yml@refs/pull/7/merge",
            )
    }

    fn resolve(&self) -> Cmd {
        self.script("actions/report/resolve.sh")
            .env("GITHUB_ACTION_PATH", signoff_testkit::workspace_root())
    }

    fn output(&self, key: &str) -> String {
        let text = std::fs::read_to_string(self.path("output")).unwrap_or_default();
        text.lines()
            .filter_map(|line| line.strip_prefix(&format!("{key}=")))
            .next_back()
            .unwrap_or_default()
            .to_owned()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("gh.log")).unwrap_or_default()
    }
}

fn ok(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.all_output());
}

#[test]
fn auto_baseline_is_the_base_branchs_newest_push_run_that_kept_the_sign_off() {
    let fake = Fake::new();
    let run = fake
        .resolve()
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_BASE_REF", "main")
        .env("INPUT_BASELINE", "auto")
        .env("FAKE_PUSH_RUNS", "100 99 98 97")
        .env("FAKE_KEPT", "98 97")
        .run();
    ok(&run);
    let baseline = fake.output("baseline");
    assert!(
        baseline.ends_with("signoff-baseline/signoff.json"),
        "{baseline}"
    );
    assert_eq!(
        std::fs::read_to_string(&baseline).unwrap().trim(),
        r#"{"run": 98}"#
    );
    let log = fake.log();
    assert!(
        log.contains("run list --repo acme/app --workflow ci.yml --branch main --event push"),
        "{log}"
    );
    // This run is never its own baseline, and the search stops at the first kept sign-off.
    assert!(!log.contains("run download 100"), "{log}");
    assert!(
        log.contains("run download 99") && log.contains("run download 98"),
        "{log}"
    );
    assert!(!log.contains("run download 97"), "{log}");
    assert!(
        run.stderr.contains("baseline: the sign-off of run 98"),
        "{}",
        run.stderr
    );
    assert_eq!(fake.output("run-id"), "");
    assert_eq!(fake.output("pull-request"), "");
}

#[test]
fn no_baseline_is_a_notice_that_says_why() {
    let fake = Fake::new();
    let denied = fake
        .resolve()
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_REF_NAME", "main")
        .env("INPUT_BASELINE", "auto")
        .env("FAKE_LIST_FAIL", "1")
        .run();
    ok(&denied);
    assert_eq!(fake.output("baseline"), "");
    assert!(
        denied.stderr.contains("needs `actions: read`"),
        "{}",
        denied.stderr
    );
    assert!(denied.stderr.contains("HTTP 403"), "{}", denied.stderr);

    let fake = Fake::new();
    let none_kept = fake
        .resolve()
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_REF_NAME", "main")
        .env("INPUT_BASELINE", "auto")
        .env("FAKE_PUSH_RUNS", "99 98")
        .run();
    ok(&none_kept);
    assert_eq!(fake.output("baseline"), "");
    assert!(
        none_kept.stderr.contains("none of the 2 latest successful runs of ci.yml on main kept a 'signoff-report' artifact"),
        "{}",
        none_kept.stderr
    );
}

#[test]
fn a_named_baseline_passes_through_and_a_missing_one_is_an_error() {
    let fake = Fake::new();
    let file = fake.path("base.json");
    std::fs::write(&file, "{}").unwrap();
    let run = fake
        .resolve()
        .env("GITHUB_EVENT_NAME", "push")
        .env("INPUT_BASELINE", &file)
        .run();
    ok(&run);
    assert_eq!(fake.output("baseline"), file.display().to_string());
    assert_eq!(fake.log(), "", "a named baseline needs no API call");

    let missing = fake
        .resolve()
        .env("GITHUB_EVENT_NAME", "push")
        .env("INPUT_BASELINE", fake.path("nope.json"))
        .run();
    assert_eq!(missing.code, 2, "{}", missing.all_output());
    assert!(
        missing.stderr.contains("is not a file"),
        "{}",
        missing.stderr
    );
}

fn workflow_run_event(dir: &Path, pull_requests: &str) -> std::path::PathBuf {
    let event = dir.join("event.json");
    std::fs::write(
        &event,
        format!(
            r#"{{"workflow_run": {{"id": 555, "head_sha": "abc123", "event": "pull_request",
               "path": ".github/workflows/ci.yml", "pull_requests": {pull_requests}}},
               "repository": {{"default_branch": "trunk"}}}}"#
        ),
    )
    .unwrap();
    event
}

#[test]
fn workflow_run_reads_the_triggering_run_and_finds_a_forks_pull_request_by_its_head() {
    let fake = Fake::new();
    let event = workflow_run_event(fake.dir.path(), "[]");
    let run = fake
        .resolve()
        .env("GITHUB_EVENT_NAME", "workflow_run")
        .env("GITHUB_EVENT_PATH", &event)
        .env("INPUT_BASELINE", "auto")
        .env("FAKE_PR_FOUND", "42 develop")
        .env("FAKE_PUSH_RUNS", "77")
        .env("FAKE_KEPT", "77")
        .run();
    ok(&run);
    assert_eq!(fake.output("run-id"), "555");
    assert_eq!(fake.output("pull-request"), "42");
    let log = fake.log();
    assert!(
        log.contains("pr list --repo acme/app --state open --search abc123"),
        "{log}"
    );
    // The baseline is the pull request's base branch, found with it.
    assert!(
        log.contains("--workflow ci.yml --branch develop --event push"),
        "{log}"
    );

    // A run that belongs to no open pull request: gate reports still come from it, and
    // the notice says no comment will be posted.
    let fake = Fake::new();
    let event = workflow_run_event(fake.dir.path(), "[]");
    let run = fake
        .resolve()
        .env("GITHUB_EVENT_NAME", "workflow_run")
        .env("GITHUB_EVENT_PATH", &event)
        .env("INPUT_BASELINE", "")
        .run();
    ok(&run);
    assert_eq!(fake.output("run-id"), "555");
    assert_eq!(fake.output("pull-request"), "");
    assert!(run.stderr.contains("posts no comment"), "{}", run.stderr);
}

#[test]
fn workflow_run_of_a_same_repository_pull_request_needs_no_search() {
    let fake = Fake::new();
    let event = workflow_run_event(
        fake.dir.path(),
        r#"[{"number": 9, "base": {"ref": "main"}, "head": {"sha": "abc123"}}]"#,
    );
    let run = fake
        .resolve()
        .env("GITHUB_EVENT_NAME", "workflow_run")
        .env("GITHUB_EVENT_PATH", &event)
        .env("INPUT_BASELINE", "")
        .run();
    ok(&run);
    assert_eq!(fake.output("pull-request"), "9");
    assert_eq!(fake.log(), "");
}

#[test]
fn coverage_baseline_auto_reads_the_coverage_report_of_the_base_sign_off() {
    let fake = Fake::new();
    let mut cmd = fake.script("actions/coverage/run.sh");
    // Every input the action passes, empty unless the test sets it below.
    for name in [
        "LINES",
        "BRANCHES",
        "FUNCTIONS",
        "PATCH",
        "PATCH_MIN_LINES",
        "BASE",
        "DIFF",
        "PATH_MAP",
        "POLICY",
        "ARGS",
        "FAIL",
        "ARTIFACT_NAME",
    ] {
        cmd = cmd.env(&format!("INPUT_{name}"), "");
    }
    let run = cmd
        .env(
            "GITHUB_ACTION_PATH",
            signoff_testkit::workspace_root().join("actions/coverage"),
        )
        .env("SIGNOFF_BIN", fake.path("bin/signoff-coverage"))
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_BASE_REF", "main")
        .env("INPUT_BASELINE", "auto")
        .env("INPUT_REPORT_ARTIFACT", "signoff-report")
        .env("INPUT_REPORT", "lcov.info")
        .env("INPUT_OUT", fake.path("out"))
        .env("FAKE_PUSH_RUNS", "98")
        .env("FAKE_KEPT", "98")
        .run();
    ok(&run);
    let args = std::fs::read_to_string(fake.path("gate-args")).unwrap();
    let lines: Vec<&str> = args.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == "--baseline")
        .expect("a --baseline argument");
    assert!(
        lines[at + 1].ends_with("gates/coverage.gate.json"),
        "{args}"
    );
    assert_eq!(
        std::fs::read_to_string(lines[at + 1]).unwrap().trim(),
        r#"{"run": 98}"#
    );
}
