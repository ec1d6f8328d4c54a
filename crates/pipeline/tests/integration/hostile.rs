//! Hostile input stays bounded and gets a clear finding that says what, where and how to
//! fix it: alias bombs, a 50 MB file, deep nesting, invalid UTF-8, binary, duplicate keys,
//! tabs, symlink loops, markup in names, an empty file. None of these stops the gate; each
//! file it cannot read is an `invalid-workflow` finding, and the other files are judged.

use crate::common::{check, repo, write};

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
    let messages: Vec<String> = found
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                f["location"]["path"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
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
        (
            "shared/ci.yml",
            "on: push\njobs:\n  j: {runs-on: x, steps: [{run: make}]}\n",
        ),
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
