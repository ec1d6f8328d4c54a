//! Hostile input stays bounded and gets a clear finding that says what, where and how to
//! fix it: alias bombs, a 50 MB file, deep nesting, invalid UTF-8, binary, duplicate keys,
//! tabs, symlink loops, markup in names, an empty file. None of these stops the gate; each
//! file it cannot read is an `invalid-workflow` finding, and the other files are judged.

use crate::common::{Outcome, check, repo, write};

/// A workflow whose job has no `timeout-minutes` (a finding at line 3).
const NO_TIMEOUT: &str = "on: push\njobs:\n  j: {runs-on: x, steps: [{run: make}]}\n";

const GOOD: &str = "on: push\npermissions: {}\njobs:\n  j: {runs-on: x, timeout-minutes: 1, steps: [{run: make}]}\n";

/// The `invalid-workflow` finding for `path`, after checking the good workflow beside it
/// was still read.
fn invalid(files: &[(&str, &[u8])]) -> Vec<serde_json::Value> {
    let dir = repo(&[(".github/workflows/good.yml", GOOD)]);
    for (path, bytes) in files {
        write(dir.path(), path, bytes);
    }
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "fail", "{}", outcome.run.all_output());
    assert!(
        outcome.report["metrics"]["workflows"].as_u64().unwrap() >= 1,
        "the good workflow is judged"
    );
    outcome
        .findings()
        .iter()
        .filter(|f| f["rule"] == "invalid-workflow")
        .cloned()
        .collect()
}

/// `path: message` of each finding, in report order.
fn messages(found: &[serde_json::Value]) -> Vec<String> {
    found
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                f["location"]["path"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

fn one(path: &str, bytes: &[u8]) -> serde_json::Value {
    let found = invalid(&[(path, bytes)]);
    assert_eq!(found.len(), 1, "{found:?}");
    let finding = found.into_iter().next().unwrap();
    assert_eq!(finding["location"]["path"], path);
    assert_eq!(finding["severity"], "high");
    assert!(!finding["help"].as_str().unwrap().is_empty());
    finding
}

#[test]
fn an_alias_bomb_stops_at_the_budget() {
    let mut bomb = String::from("on: push\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n");
    for level in 1..12 {
        bomb.push_str(&format!(
            "x{level}: &x{level} [{}]\n",
            vec![format!("*x{}", level - 1); 10].join(", ")
        ));
    }
    let finding = one(".github/workflows/bomb.yml", bomb.as_bytes());
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("more than 250000 values"),
        "{finding}"
    );
    assert!(finding["help"].as_str().unwrap().contains("aliases"));
}

#[test]
fn a_50_mb_file_is_refused_by_size() {
    let mut big = String::from("on: push\njobs:\n  j:\n    runs-on: x\n    steps:\n");
    let step =
        "      - run: echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
    while big.len() < 50 << 20 {
        big.push_str(step);
    }
    let finding = one(".github/workflows/huge.yml", big.as_bytes());
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("over the 4194304 byte limit"),
        "{finding}"
    );
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{} bytes", big.len()))
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let flow = format!(
        "on: push\njobs: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let finding = one(".github/workflows/flow.yml", flow.as_bytes());
    assert!(
        finding["message"].as_str().unwrap().contains("nested"),
        "{finding}"
    );
    let mut block = String::from("on: push\n");
    for depth in 0..200 {
        block.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
    }
    let finding = one(".github/workflows/block.yml", block.as_bytes());
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("nested deeper than 64 levels"),
        "{finding}"
    );
}

#[test]
fn invalid_utf8_binary_duplicate_keys_and_tabs_say_where() {
    let finding = one(
        ".github/workflows/latin1.yml",
        b"on: push\nname: caf\xe9\njobs: {}\n",
    );
    assert_eq!(finding["location"]["line"], 2);
    assert!(
        finding["message"].as_str().unwrap().contains("not UTF-8"),
        "{finding}"
    );
    let finding = one(".github/workflows/bin.yml", b"on: push\n\x00\x01\x02");
    assert!(
        finding["message"].as_str().unwrap().contains("NUL"),
        "{finding}"
    );
    let finding = one(
        ".github/workflows/dup.yml",
        b"on: push\njobs: {}\non: pull_request\n",
    );
    assert_eq!(
        (
            finding["location"]["line"].as_u64(),
            finding["location"]["column"].as_u64()
        ),
        (Some(3), Some(1))
    );
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("duplicate key `on` (first at line 1:1)"),
        "{finding}"
    );
    let finding = one(
        ".github/workflows/tabs.yml",
        b"on: push\njobs:\n\tj:\n\t\truns-on: x\n",
    );
    assert_eq!(finding["location"]["line"], 3);
    assert!(
        finding["message"].as_str().unwrap().contains("tab"),
        "{finding}"
    );
    assert!(finding["help"].as_str().unwrap().contains("spaces"));
}

#[test]
fn shapes_github_rejects_and_empty_files_are_findings() {
    let found = invalid(&[
        (".github/workflows/empty.yml", b""),
        (".github/workflows/list.yml", b"- on: push\n"),
        (".github/workflows/nojobs.yml", b"on: push\n"),
        ("tools/action.yml", b"name: x\ndescription: y\n"),
    ]);
    let messages = messages(&found);
    assert_eq!(
        messages,
        [
            ".github/workflows/empty.yml: this workflow cannot be read: the file is empty",
            ".github/workflows/list.yml: this workflow cannot be read: the workflow is a list, not a mapping",
            ".github/workflows/list.yml: this workflow cannot be read: the workflow has no `jobs:`",
            ".github/workflows/nojobs.yml: this workflow cannot be read: the workflow has no `jobs:`",
            "tools/action.yml: this action cannot be read: the action has no `runs:`",
        ]
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    let dir = repo(&[(".github/workflows/good.yml", GOOD)]);
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("b")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("b"), dir.path().join("a")).unwrap();
    let outcome = check(dir.path());
    assert_eq!(outcome.report["metrics"]["workflows"], 1);
}

#[cfg(unix)]
#[test]
fn a_linked_workflow_is_read_through_the_link() {
    let dir = repo(&[
        (".github/workflows/good.yml", GOOD),
        ("shared/ci.yml", NO_TIMEOUT),
    ]);
    std::os::unix::fs::symlink(
        dir.path().join("shared/ci.yml"),
        dir.path().join(".github/workflows/linked.yml"),
    )
    .unwrap();
    let outcome = check(dir.path());
    assert_eq!(outcome.report["metrics"]["workflows"], 2);
    outcome.finding("missing-timeout", ".github/workflows/linked.yml:3");
}

#[test]
fn ignored_directories_are_left_out_as_git_leaves_them_out() {
    let action = "runs:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n";
    let dir = repo(&[
        (".github/workflows/good.yml", GOOD),
        (".gitignore", "build/\nout/*\n!out/kept/\n"),
        ("build/x/action.yml", action),
        ("out/gone/action.yml", action),
        ("out/kept/action.yml", action),
        ("web/.gitignore", "generated/\n"),
        ("web/generated/action.yml", action),
        ("web/action.yml", action),
    ]);
    let outcome = check(dir.path());
    let mut paths: Vec<String> = outcome
        .findings()
        .iter()
        .filter(|f| f["rule"] == "unpinned-uses")
        .map(|f| f["location"]["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    assert_eq!(paths, ["out/kept/action.yml", "web/action.yml"]);
}

#[test]
fn markup_in_names_stays_text() {
    let workflow = "name: \"<script>alert(1)</script>\"\non: push\npermissions: {}\njobs:\n  \"a|b`c`\":\n    name: \"**bold** [link](http://x)\"\n    runs-on: x\n    steps:\n      - run: make\n";
    let outcome = check(repo(&[(".github/workflows/ci.yml", workflow)]).path());
    let finding = outcome.finding("missing-timeout", ".github/workflows/ci.yml:5");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("job `a|b`c``"),
        "{finding}"
    );
    // The SARIF log is JSON with the same text, whatever the names hold.
    let sarif = outcome.sarif.as_ref().unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        outcome.findings().len()
    );
}

/// A workflow the gate cannot read stops it: status `error`, exit 2, the file named, and
/// no findings judged over the rest. (`/proc/self/mem` opens but fails on the first read,
/// for root too, where file modes would not stop a read.)
#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_workflow_is_an_error_not_a_pass() {
    let dir = repo(&[(".github/workflows/good.yml", GOOD)]);
    std::os::unix::fs::symlink(
        "/proc/self/mem",
        dir.path().join(".github/workflows/mem.yml"),
    )
    .unwrap();
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "error", "{}", outcome.run.all_output());
    assert!(outcome.findings().is_empty());
    let stderr = outcome.run.all_output();
    assert!(
        stderr.contains("cannot read .github/workflows/mem.yml"),
        "{stderr}"
    );
    assert!(stderr.contains("help:"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn broken_links_and_pipes_where_workflows_go_are_findings() {
    let dir = repo(&[(".github/workflows/good.yml", GOOD)]);
    let workflows = dir.path().join(".github/workflows");
    std::os::unix::fs::symlink("missing.yml", workflows.join("gone.yml")).unwrap();
    std::os::unix::fs::symlink("self.yml", workflows.join("self.yml")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(workflows.join("pipe.yml"))
        .status()
        .unwrap();
    assert!(status.success());
    let outcome = check(dir.path());
    assert_eq!(outcome.status(), "fail", "{}", outcome.run.all_output());
    assert_eq!(outcome.report["metrics"]["workflows"], 1);
    let invalid: Vec<serde_json::Value> = outcome
        .findings()
        .iter()
        .filter(|f| f["rule"] == "invalid-workflow")
        .cloned()
        .collect();
    let found = messages(&invalid);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with(".github/workflows/gone.yml: this workflow cannot be read: the file is a link that cannot be followed"), "{found:?}");
    assert!(found[1].starts_with(".github/workflows/pipe.yml: this workflow cannot be read: the file is not a regular file"), "{found:?}");
    assert!(found[2].starts_with(".github/workflows/self.yml: this workflow cannot be read: the file is a link that cannot be followed"), "{found:?}");
}

/// A `.github` that is a link to a directory of the repository is read through it; a
/// link back to a parent is not followed.
#[cfg(unix)]
#[test]
fn a_linked_github_directory_is_read_and_loops_are_not() {
    let dir = repo(&[
        ("ci/github/workflows/good.yml", GOOD),
        ("ci/github/workflows/bad.yml", NO_TIMEOUT),
    ]);
    std::os::unix::fs::symlink("ci/github", dir.path().join(".github")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("ci/github/workflows/up")).unwrap();
    std::os::unix::fs::symlink("../..", dir.path().join("ci/github/back")).unwrap();
    let outcome = check(dir.path());
    assert_eq!(outcome.report["metrics"]["workflows"], 2);
    assert_eq!(
        outcome.of("missing-timeout"),
        [".github/workflows/bad.yml:3"]
    );
    assert!(outcome.of("invalid-workflow").is_empty());
}

#[cfg(target_os = "linux")]
#[test]
fn a_workflow_whose_name_is_not_utf8_is_still_judged() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repo(&[(".github/workflows/good.yml", GOOD)]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.yml");
    std::fs::write(dir.path().join(".github/workflows").join(name), NO_TIMEOUT).unwrap();
    let outcome = check(dir.path());
    assert_eq!(outcome.report["metrics"]["workflows"], 2);
    outcome.finding("missing-timeout", ".github/workflows/caf\u{fffd}.yml:3");
}

/// GitLab includes are followed as GitLab follows them: wildcards expand, a cycle is read
/// once, and an include that names no readable file is a finding where it is named.
#[test]
fn gitlab_includes_missing_cyclic_and_wildcard() {
    let job = |name: &str| {
        format!(
            "{name}:\n  stage: test\n  image: python:3.12\n  script: [pytest]\n  allow_failure: true\n"
        )
    };
    let dir = repo(&[
        (
            ".gitlab-ci.yml",
            "include:\n  - local: /ci/*.yml\n  - local: /ci/missing.yml\n  - ../outside.yml\n  - {project: group/ci, file: /deploy.yml}\n  - https://example.com/ci.yml\nroot:\n  script: [make]\n",
        ),
        ("ci/a.yml", &format!("include: ci/b.yml\n{}", job("a"))),
        (
            "ci/b.yml",
            &format!("include: {{local: ci/a.yml}}\n{}", job("b")),
        ),
    ]);
    let outcome = check(dir.path());
    assert_eq!(
        outcome.of("invalid-workflow"),
        [".gitlab-ci.yml:3", ".gitlab-ci.yml:4"],
        "{:?}",
        outcome.found()
    );
    let missing = outcome.finding("invalid-workflow", ".gitlab-ci.yml:3");
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .contains("includes `ci/missing.yml`, which cannot be read"),
        "{missing}"
    );
    let outside = outcome.finding("invalid-workflow", ".gitlab-ci.yml:4");
    assert!(
        outside["message"]
            .as_str()
            .unwrap()
            .contains("leaves the repository"),
        "{outside}"
    );
    // What lives outside the repository is not judged, and the report says so.
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(
        warnings.contains("includes 2 files from outside the repository (project group/ci (/deploy.yml), remote https://example.com/ci.yml)"),
        "{}",
        outcome.report
    );
    // Both jobs of the wildcard's files (which include each other) are judged, each once.
    assert_eq!(
        outcome.of("non-blocking-check"),
        ["ci/a.yml:6", "ci/b.yml:6"]
    );
}

/// Links under `.github` that point into each other end, and which link reaches a
/// directory first does not depend on timing: two runs report the same paths.
#[cfg(unix)]
#[test]
fn links_between_github_directories_end_and_are_read_the_same_way_each_time() {
    let action = "runs:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n";
    let dir = repo(&[
        (".github/workflows/good.yml", GOOD),
        (".github/p/action.yml", action),
        (".github/q/action.yml", action),
    ]);
    std::os::unix::fs::symlink("../q", dir.path().join(".github/p/to-q")).unwrap();
    std::os::unix::fs::symlink("../p", dir.path().join(".github/q/to-p")).unwrap();
    std::os::unix::fs::symlink("p", dir.path().join(".github/a")).unwrap();
    std::os::unix::fs::symlink("p", dir.path().join(".github/b")).unwrap();
    let paths = |outcome: &Outcome| {
        let mut paths: Vec<String> = outcome
            .findings()
            .iter()
            .map(|f| {
                f["location"]["path"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        paths.sort();
        paths
    };
    let first = check(dir.path());
    assert_eq!(first.status(), "warn", "{}", first.run.all_output());
    let second = check(dir.path());
    assert_eq!(paths(&first), paths(&second));
    // `a` comes before `b`: the first link to `p` in name order is the one followed.
    let actions: Vec<String> = paths(&first)
        .into_iter()
        .filter(|p| p.ends_with("action.yml"))
        .collect();
    assert_eq!(
        actions,
        [
            ".github/a/action.yml",
            ".github/a/to-q/action.yml",
            ".github/p/action.yml",
            ".github/q/action.yml",
        ]
    );
}
