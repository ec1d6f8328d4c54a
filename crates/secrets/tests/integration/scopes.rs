//! The scopes of issue #12 (https://signoff.dev/issues/12): a pre-commit hook's staged
//! changes, a local check's changes not committed yet, a push's own commits, and where a
//! history finding stands at HEAD (and is annotated).

use signoff_testkit::GitRepo;

use crate::common::{Actions, github_token, scan, scan_in};

#[test]
fn issue_12_staged_mode_scans_the_lines_a_commit_would_add() {
    let mut repo = GitRepo::new();
    let old = github_token(81);
    let staged = github_token(82);
    let unstaged = github_token(83);
    repo.write("app.env", format!("OLD={old}\n"));
    repo.commit("old token");
    repo.write("app.env", format!("OLD={old}\nNEW={staged}\n"));
    repo.git(&["add", "app.env"]);
    // A later edit that is not staged is not what the commit adds.
    repo.write(
        "app.env",
        format!("OLD={old}\nNEW={staged}\nLATER={unstaged}\n"),
    );
    let outcome = scan(repo.path(), &["--mode", "staged"]);
    assert_eq!(
        outcome.found(&["/location/path", "/location/line"]),
        ["app.env 2"],
        "{}",
        outcome.run.all_output()
    );
    assert_eq!(outcome.run.code, 1);
    assert!(
        outcome.report["summary"]
            .as_str()
            .unwrap()
            .contains("the staged changes (1 file)")
    );
    outcome.assert_never_shows(&[old, staged, unstaged]);
}

#[test]
fn issue_12_a_local_history_scan_includes_what_is_not_committed() {
    let mut repo = GitRepo::new();
    repo.write(".gitignore", "local.env\n");
    repo.write("README.md", "app\n");
    repo.commit("start");
    let untracked = github_token(84);
    let ignored = github_token(85);
    repo.write("new.env", format!("TOKEN={untracked}\n"));
    repo.write("local.env", format!("TOKEN={ignored}\n"));
    let outcome = scan(repo.path(), &["--mode", "history"]);
    assert_eq!(
        outcome.found(&["/location/path", "/location/commit"]),
        ["new.env -"],
        "{}",
        outcome.run.all_output()
    );
    assert_eq!(outcome.report["metrics"]["uncommitted_files_scanned"], 1);
    let summary = outcome.report["summary"].as_str().unwrap();
    assert!(summary.contains("1 file not committed yet"), "{summary}");
}

#[test]
fn issue_12_a_push_scans_the_pushed_commits() {
    let mut repo = GitRepo::new();
    let before_token = github_token(86);
    let pushed_token = github_token(87);
    repo.write("a.env", format!("A={before_token}\n"));
    let before = repo.commit("already on main");
    repo.write("b.env", format!("B={pushed_token}\n"));
    repo.commit("pushed");
    repo.write("c.txt", "more\n");
    let after = repo.commit("pushed too");
    let actions = Actions::push(&before, &after);
    let outcome = scan_in(repo.path(), &[], Some(&actions));
    assert_eq!(outcome.report["details"]["mode"], "range");
    assert_eq!(
        outcome.found(&["/location/path"]),
        ["b.env"],
        "{}",
        outcome.run.all_output()
    );
    // The policy can ask for the whole history on pushes.
    std::fs::write(
        repo.path().join("signoff.yml"),
        "gates:\n  secret-scan:\n    mode: history\n",
    )
    .unwrap();
    let outcome = scan_in(repo.path(), &[], Some(&actions));
    assert_eq!(outcome.found(&["/location/path"]), ["a.env", "b.env"]);
}

#[test]
fn issue_12_history_findings_say_whether_head_holds_them() {
    let mut repo = GitRepo::new();
    let kept = github_token(88);
    let removed = github_token(89);
    repo.write("app.env", format!("A={kept}\nB={removed}\n"));
    let first = repo.commit("tokens");
    // The kept token moves down three lines; the other leaves the file.
    repo.write("app.env", format!("# one\n# two\n# three\nA={kept}\n"));
    let head = repo.commit("move");
    let actions = Actions::push(&first, &head);
    let outcome = scan_in(repo.path(), &["--mode", "history"], Some(&actions));
    assert_eq!(
        outcome.found(&["/location/line", "/details/at_head", "/details/head_line"]),
        ["1 true 4", "2 false -"],
        "{}",
        outcome.run.all_output()
    );
    // Annotations: on HEAD's line where it still is, on the file where it is gone.
    let stdout = &outcome.run.stdout;
    assert!(stdout.contains("file=app.env,line=4,"), "{stdout}");
    let gone: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error") && !l.contains("line="))
        .collect();
    assert_eq!(gone.len(), 1, "{stdout}");
}
