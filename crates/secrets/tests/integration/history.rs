//! History and range scans on repositories built at test time: every blob version is
//! scanned once, findings are attributed to the commit that introduced them, secrets that
//! were removed are still found, and shallow clones are flagged.

use signoff_testkit::GitRepo;

use crate::common::{aws_key_id, github_token, scan};

#[test]
fn history_finds_removed_secrets_and_attributes_them() {
    let mut repo = GitRepo::new();
    let token = github_token(21);
    repo.write("src/app.py", "print('hello')\n");
    repo.commit("initial");
    repo.write(
        "src/app.py",
        format!("print('hello')\nTOKEN = \"{token}\"\n"),
    );
    let introduced = repo.commit("add a token <b>for</b> **debugging**");
    repo.write(
        "src/app.py",
        format!("# comment\nprint('hello')\nTOKEN = \"{token}\"\n"),
    );
    repo.commit("move it");
    repo.write(
        "src/app.py",
        "print('hello')\nTOKEN = os.environ['TOKEN']\n",
    );
    repo.commit("remove the token");

    let tree = scan(repo.path(), &["--mode", "tree"]);
    assert!(tree.findings().is_empty(), "{:?}", tree.rules());

    let history = scan(repo.path(), &["--mode", "history"]);
    assert_eq!(history.run.code, 1, "{}", history.run.all_output());
    let findings = history.findings();
    assert_eq!(findings.len(), 1, "one secret, one finding: {findings:?}");
    let finding = &findings[0];
    assert_eq!(finding["rule"], "github-pat");
    assert_eq!(finding["location"]["path"], "src/app.py");
    assert_eq!(finding["location"]["line"], 2);
    assert_eq!(finding["location"]["commit"], introduced.as_str());
    assert_eq!(finding["details"]["author"], "Test Author");
    assert_eq!(finding["details"]["author_email"], "author@example.com");
    assert!(
        finding["details"]["date"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-")
    );
    assert_eq!(history.report["metrics"]["commits_scanned"], 4);
    assert_eq!(history.report["details"]["mode"], "history");
    let result = &history.sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["commitSha"], introduced.as_str());
    history.assert_never_shows(&[token]);
}

#[test]
fn history_reads_packed_and_loose_objects_alike() {
    let mut repo = GitRepo::new();
    let (old, new) = (github_token(31), aws_key_id(32));
    for i in 0..30 {
        repo.write("notes.txt", format!("line {i}\n").repeat(50 + i));
        repo.commit(&format!("edit {i}"));
    }
    repo.write("old.env", format!("GH={old}\n"));
    repo.commit("old secret");
    repo.git(&["rm", "-q", "old.env"]);
    repo.commit("drop it");
    // Pack everything (deltas included), then add a loose object on top.
    repo.git(&["gc", "-q", "--aggressive"]);
    repo.write("new.env", format!("AWS_ACCESS_KEY_ID={new}\n"));
    repo.commit("new secret");
    let outcome = scan(repo.path(), &["--mode", "history"]);
    let mut rules = outcome.rules();
    rules.sort();
    assert_eq!(
        rules,
        ["aws-access-key-id", "github-pat"],
        "{}",
        outcome.run.all_output()
    );
    assert!(outcome.report["metrics"]["blobs_scanned"].as_u64().unwrap() >= 32);
    outcome.assert_never_shows(&[old, new]);
}

#[test]
fn range_reports_only_what_the_commits_add() {
    let mut repo = GitRepo::new();
    let (old, new) = (github_token(41), github_token(42));
    repo.write("a.env", format!("OLD={old}\n"));
    let base = repo.commit("base with a known secret");
    repo.write("a.env", format!("OLD={old}\nNEW={new}\n"));
    let added = repo.commit("add another");
    let outcome = scan(repo.path(), &["--mode", "range", "--base", &base]);
    assert_eq!(outcome.run.code, 1, "{}", outcome.run.all_output());
    let findings = outcome.findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["location"]["line"], 2);
    assert_eq!(findings[0]["location"]["commit"], added.as_str());
    assert_eq!(outcome.report["details"]["base"], base.as_str());

    let missing = scan(repo.path(), &["--mode", "range", "--base", "no-such-rev"]);
    assert_eq!(missing.run.code, 2);
    assert!(
        missing.run.stderr.contains("fetch-depth: 0"),
        "{}",
        missing.run.stderr
    );
    let no_base = scan(repo.path(), &["--mode", "range"]);
    assert_eq!(no_base.run.code, 2);
    assert!(
        no_base.run.stderr.contains("--base"),
        "{}",
        no_base.run.stderr
    );
    outcome.assert_never_shows(&[old, new]);
}

#[test]
fn shallow_clones_warn_and_say_how_to_fix() {
    let mut repo = GitRepo::new();
    repo.write("a.txt", "one\n");
    repo.commit("one");
    repo.write("a.txt", "two\n");
    repo.commit("two");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(clone.path().join("c"))
        .status()
        .unwrap();
    assert!(status.success());
    let outcome = scan(&clone.path().join("c"), &["--mode", "history"]);
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    assert_eq!(outcome.report["status"], "warn");
    let warnings = outcome.report["details"]["warnings"].to_string();
    assert!(warnings.contains("fetch-depth: 0"), "{warnings}");
}

#[test]
fn default_mode_is_history_in_a_repository_and_tree_elsewhere() {
    let mut repo = GitRepo::new();
    repo.write("a.txt", "x\n");
    repo.commit("x");
    assert_eq!(scan(repo.path(), &[]).report["details"]["mode"], "history");
    let plain = tempfile::tempdir().unwrap();
    assert_eq!(scan(plain.path(), &[]).report["details"]["mode"], "tree");
    let empty = GitRepo::new();
    assert_eq!(scan(empty.path(), &[]).report["details"]["mode"], "tree");
}

#[test]
fn deltified_versions_are_rescanned_where_they_changed() {
    // One file, many versions packed as deltas of each other: a token appears in the
    // middle of the file in version 10, moves in version 15, and leaves in version 20;
    // another value only becomes a secret when its name changes in version 25.
    let mut repo = GitRepo::new();
    let token = github_token(91);
    let value = crate::common::example("{a:24}", 92);
    let filler: Vec<String> = (0..400)
        .map(|i| format!("line {i} of a long configuration file"))
        .collect();
    let mut commits = Vec::new();
    for version in 0..30 {
        let mut lines = filler.clone();
        lines[version] = format!("version {version}");
        if (10..15).contains(&version) {
            lines[200] = format!("token = {token}");
        } else if (15..20).contains(&version) {
            lines[300] = format!("token = {token}");
        }
        let name = if version >= 25 {
            "db_password"
        } else {
            "db_color"
        };
        lines[350] = format!("{name} = \"{value}\"");
        repo.write("config.txt", lines.join("\n") + "\n");
        commits.push(repo.commit(&format!("version {version}")));
    }
    repo.git(&["gc", "-q", "--aggressive"]);
    let outcome = scan(repo.path(), &["--mode", "history"]);
    let mut found: Vec<(String, u64, String)> = outcome
        .findings()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["commit"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("generic-secret".to_owned(), 351, commits[25].clone()),
            ("github-pat".to_owned(), 201, commits[10].clone()),
        ],
        "{}",
        outcome.run.all_output()
    );
    outcome.assert_never_shows(&[token, value]);
}

#[test]
fn dangling_objects_are_not_history() {
    // A commit undone with `reset --hard` leaves its blob in the object database, but no
    // ref reaches it: it is counted, not reported.
    let mut repo = GitRepo::new();
    repo.write("a.txt", "one\n");
    repo.commit("one");
    repo.write("b.env", format!("GH={}\n", github_token(101)));
    repo.commit("oops");
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let outcome = scan(repo.path(), &["--mode", "history"]);
    assert_eq!(outcome.run.code, 0, "{}", outcome.run.all_output());
    assert!(outcome.findings().is_empty());
    assert_eq!(outcome.report["metrics"]["unreachable_skipped"], 1);
}
