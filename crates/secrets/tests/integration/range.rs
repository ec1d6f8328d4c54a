//! Pull-request ranges as GitHub runs them: actions/checkout's merge checkout (`HEAD` is a
//! merge of the pull request into the base), its default `fetch-depth: 1` (the base is not
//! there), `pull_request_target` (HEAD is the base), and annotations on the changed lines.

use signoff_testkit::GitRepo;

use crate::common::{Actions, github_token, scan_in};

/// A pull request: `main` gains a commit after the branch point, and `HEAD` is the merge
/// checkout of the pull request into `main`. Returns (base, pull request head).
fn merge_checkout(
    repo: &mut GitRepo,
    pr_secret: &str,
    base_secret: Option<&str>,
) -> (String, String) {
    repo.write("app.py", "print('hello')\n");
    repo.commit("initial");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "app.py",
        format!("print('hello')\nTOKEN = \"{pr_secret}\"\n"),
    );
    let head = repo.commit("feature: use a token");
    repo.git(&["checkout", "-q", "main"]);
    match base_secret {
        Some(secret) => repo.write("main.env", format!("GH={secret}\n")),
        None => repo.write("main.txt", "main moved on\n"),
    };
    let base = repo.commit("main moves on");
    repo.git(&["checkout", "-q", "--detach", &base]);
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "feature"]);
    repo.git(&["branch", "pull-merge"]);
    (base, head)
}

/// "rule path commit" of every finding, sorted.
fn finding_places(outcome: &crate::common::Outcome) -> Vec<String> {
    outcome.found(&["/rule", "/location/path", "/location/commit"])
}

#[test]
fn merge_checkout_scans_only_what_the_pull_request_adds() {
    let mut repo = GitRepo::new();
    let (added, on_main) = (github_token(201), github_token(202));
    let (base, head) = merge_checkout(&mut repo, &added, Some(&on_main));
    let expected = [format!("github-pat app.py {head}")];
    // With the event's head, and without it (HEAD's second parent is then the head).
    for event_head in [Some(head.as_str()), None] {
        let actions = Actions::pull_request("pull_request", &base, event_head);
        let outcome = scan_in(repo.path(), &[], Some(&actions));
        assert_eq!(outcome.report["details"]["mode"], "range");
        assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
        assert_eq!(
            finding_places(&outcome),
            expected,
            "head from the event: {event_head:?}"
        );
        assert_eq!(outcome.report["details"]["head"], head.as_str());
        assert_eq!(outcome.report["metrics"]["commits_scanned"], 1);
        outcome.assert_never_shows(&[added.clone(), on_main.clone()]);
    }
    // `--base` on the command line, outside Actions: the same.
    let outcome = scan_in(repo.path(), &["--mode", "range", "--base", &base], None);
    assert_eq!(
        finding_places(&outcome),
        expected,
        "{}",
        outcome.run.all_output()
    );
}

#[test]
fn a_merge_adds_only_what_neither_parent_had() {
    // The branch merges main in, bringing main's secret along; only its own commit adds
    // one. (Diffing the merge against each parent would blame it for main's secret.)
    let mut repo = GitRepo::new();
    let (own, from_main) = (github_token(211), github_token(212));
    repo.write("a.txt", "one\n");
    repo.commit("first");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("feature.env", format!("GH={own}\n"));
    let own_commit = repo.commit("feature secret");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("main.env", format!("GH={from_main}\n"));
    let base = repo.commit("main secret");
    repo.git(&["checkout", "-q", "feature"]);
    repo.git(&["merge", "-q", "--no-ff", "--no-edit", "main"]);
    let outcome = scan_in(repo.path(), &["--mode", "range", "--base", &base], None);
    assert_eq!(
        finding_places(&outcome),
        [format!("github-pat feature.env {own_commit}")],
        "{}",
        outcome.run.all_output()
    );
    assert_eq!(outcome.report["metrics"]["commits_scanned"], 2);
    outcome.assert_never_shows(&[own, from_main]);
}

#[test]
fn shallow_merge_checkout_scans_what_exists_and_warns() {
    for with_secret in [true, false] {
        let mut repo = GitRepo::new();
        let token = github_token(221);
        let pr_line = if with_secret {
            token.clone()
        } else {
            "none".into()
        };
        let (base, head) = merge_checkout(&mut repo, &pr_line, None);
        let clone = tempfile::tempdir().unwrap();
        let url = format!("file://{}", repo.path().display());
        let status = std::process::Command::new("git")
            .args([
                "clone",
                "-q",
                "--depth",
                "1",
                "--branch",
                "pull-merge",
                &url,
            ])
            .arg(clone.path().join("c"))
            .status()
            .unwrap();
        assert!(status.success());
        let actions = Actions::pull_request("pull_request", &base, Some(&head));
        let outcome = scan_in(&clone.path().join("c"), &[], Some(&actions));
        let warnings = outcome.report["details"]["warnings"].to_string();
        assert!(warnings.contains("fetch-depth: 0"), "{warnings}");
        assert!(warnings.contains("is not in this clone"), "{warnings}");
        assert_eq!(outcome.report["details"]["base_missing"], true);
        if with_secret {
            assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
            assert_eq!(outcome.rules(), ["github-pat"]);
            // Which lines the pull request changed is unknown: a file annotation only.
            assert!(
                outcome
                    .run
                    .stdout
                    .lines()
                    .any(|l| l.starts_with("::error file=app.py,title=")),
                "{}",
                outcome.run.stdout
            );
            outcome.assert_never_shows(&[token]);
        } else {
            assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
            assert_eq!(outcome.report["status"], "warn");
            assert!(outcome.run.stdout.contains("::warning title=secret-scan::"));
        }
    }
}

#[test]
fn a_range_without_commits_warns() {
    // pull_request_target checks out the base: HEAD is the base, and the head is not here.
    let mut repo = GitRepo::new();
    repo.write("a.txt", "one\n");
    repo.commit("one");
    repo.write("a.txt", "two\n");
    let base = repo.commit("two");
    let actions = Actions::pull_request("pull_request_target", &base, Some(&"e".repeat(40)));
    let outcome = scan_in(repo.path(), &[], Some(&actions));
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    assert_eq!(outcome.report["status"], "warn");
    assert_eq!(outcome.report["metrics"]["commits_scanned"], 0);
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(warnings.contains("holds no commits"), "{warnings}");
    assert!(warnings.contains("pull_request_target"), "{warnings}");
}

#[test]
fn annotations_sit_on_the_changed_lines_of_the_head() {
    let mut repo = GitRepo::new();
    let (moved, dropped, readded) = (github_token(231), github_token(232), github_token(233));
    let filler: Vec<String> = (1..=10).map(|i| format!("line {i}")).collect();
    repo.write("app.py", filler.join("\n") + "\n");
    repo.write("conf.env", format!("KEY={readded}\nother = 1\n"));
    let base = repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // First commit: a token at line 4, another file with a token, and the known key gone.
    let mut lines = filler.clone();
    lines.insert(3, format!("TOKEN = \"{moved}\""));
    repo.write("app.py", lines.join("\n") + "\n");
    repo.write("other.env", format!("GH={dropped}\n"));
    repo.write("conf.env", "other = 1\n");
    let first = repo.commit("add tokens");
    // Second commit: five lines on top move the token to line 9; the other file goes; the
    // key comes back where it was in the base.
    for i in 0..5 {
        lines.insert(0, format!("# header {i}"));
    }
    repo.write("app.py", lines.join("\n") + "\n");
    std::fs::remove_file(repo.path().join("other.env")).unwrap();
    repo.write("conf.env", format!("KEY={readded}\nother = 1\n"));
    let second = repo.commit("move it, drop one, restore one");

    let actions = Actions::pull_request("pull_request", &base, Some(&second));
    let outcome = scan_in(repo.path(), &[], Some(&actions));
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    assert_eq!(
        outcome.found(&["/location/path", "/location/line", "/location/commit"]),
        [
            format!("app.py 9 {first}"),
            format!("conf.env 1 {second}"),
            format!("other.env 1 {first}"),
        ]
    );
    let annotations: Vec<&str> = outcome
        .run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(annotations.len(), 3, "{annotations:?}");
    // On the diff: the moved token, at its line in the head.
    assert!(
        annotations.iter().any(|l| l
            .starts_with("::error file=app.py,line=9,col=10,title=secret-scan%3A github-pat::")),
        "{annotations:?}"
    );
    // Not on the diff: a token the range removed again, and a line the range left as the
    // base had it.
    for file in ["other.env", "conf.env"] {
        assert!(
            annotations
                .iter()
                .any(|l| l.starts_with(&format!("::error file={file},title="))),
            "{file}: {annotations:?}"
        );
    }
    let output = std::fs::read_to_string(actions.output()).unwrap();
    assert!(output.contains("status"), "{output}");
    let summary = std::fs::read_to_string(actions.summary()).unwrap();
    assert!(summary.contains("secret-scan"), "{summary}");
    outcome.assert_never_shows(&[moved, dropped, readded]);
}
