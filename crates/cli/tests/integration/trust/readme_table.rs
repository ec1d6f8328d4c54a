//! The README's exit codes and verdict semantics, as tables, checked row by row against
//! the real binaries: each row of "what happened" is made to happen and the verdict and
//! exit code must be the row's.

use signoff_testkit::Run;

use super::{check, project, readme_table, token, verdict};

/// Makes the situation a row of the verdict table names happen, and returns the run.
fn scenario(what: &str) -> Run {
    match what {
        "every gate passed" => {
            let mut repo = project();
            repo.write(
                "signoff.yml",
                "required: [secret-scan, sbom, coverage]\ngates:\n  coverage: {lines: 50}\n",
            );
            repo.commit("policy");
            check(repo.path()).run()
        }
        "a gate warned (passed with conditions)" => {
            let mut repo = project();
            repo.write("signoff.yml", "gates:\n  coverage: {lines: 50}\n");
            // A manifest without a lockfile: the SBOM warns.
            repo.write(
                "web/package.json",
                "{\"name\":\"web\",\"dependencies\":{\"left-pad\":\"^1.3.0\"}}\n",
            );
            repo.commit("web");
            check(repo.path()).run()
        }
        "coverage was measured without a threshold" => check(project().path()).run(),
        "a required gate had nothing to check" => {
            let mut repo = project();
            std::fs::remove_dir_all(repo.path().join("coverage")).unwrap();
            repo.write("signoff.yml", "required: [secret-scan, sbom, coverage]\n");
            repo.commit("no coverage report");
            check(repo.path()).run()
        }
        "a passing gate has open critical or high findings its policy allows" => {
            check(super::project_with_an_allowed_secret().path()).run()
        }
        "findings are accepted under waivers" => {
            let mut repo = project();
            repo.write("deploy.env", format!("GH_TOKEN={}\n", token()));
            repo.write(
                "signoff.yml",
                "gates:\n  coverage: {lines: 50}\nwaivers:\n  - {gate: secret-scan, rule: github-pat, reason: revoked test token, expires: 2999-12-31}\n",
            );
            repo.commit("token");
            check(repo.path()).run()
        }
        "gate reports are about different commits" => mixed_commits("").0,
        "gate reports are about different commits, with `verdict: {mixed_commits: reject}`" => {
            mixed_commits("verdict: {mixed_commits: reject}\n").0
        }
        "an advisory gate failed" => {
            let mut repo = project();
            repo.write(
                "signoff.yml",
                "gates:\n  coverage: {lines: 99, advisory: true}\n",
            );
            repo.commit("policy");
            check(repo.path()).run()
        }
        "a gate failed" => {
            let mut repo = project();
            repo.write("signoff.yml", "gates:\n  coverage: {lines: 99}\n");
            repo.commit("policy");
            check(repo.path()).run()
        }
        "a gate could not run (`error`)" => {
            let repo = project();
            std::fs::write(repo.path().join("coverage.bin"), [0u8, 159, 146, 150, 0, 1]).unwrap();
            check(repo.path())
                .args(["--coverage", "coverage.bin"])
                .run()
        }
        "a required gate did not report" => {
            let repo = project();
            let out = repo.path().join("gates");
            crate::signoff()
                .current_dir(repo.path())
                .args(["secret-scan", "--out"])
                .arg(&out)
                .run();
            crate::signoff()
                .current_dir(repo.path())
                .arg("report")
                .arg(&out)
                .run()
        }
        "a gate report cannot be read" => {
            let repo = project();
            let out = repo.path().join("gates");
            for gate in ["secret-scan", "sbom"] {
                crate::signoff()
                    .current_dir(repo.path())
                    .args([gate, "--out"])
                    .arg(&out)
                    .run();
            }
            std::fs::write(
                out.join("coverage.gate.json"),
                "{\"schema\": \"signoff/gate/v1\", \"gate\"",
            )
            .unwrap();
            crate::signoff()
                .current_dir(repo.path())
                .arg("report")
                .arg(&out)
                .run()
        }
        "nothing was checked (every gate had nothing to check)" => {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir(dir.path().join("empty")).unwrap();
            check(dir.path()).arg("empty").run()
        }
        "nothing was checked, with `verdict: {nothing_checked: condition}`" => {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir(dir.path().join("empty")).unwrap();
            std::fs::write(
                dir.path().join("policy.yml"),
                "verdict: {nothing_checked: condition}\n",
            )
            .unwrap();
            check(dir.path())
                .args(["empty", "--policy", "policy.yml"])
                .run()
        }
        "the checked directory does not exist or cannot be read" => {
            let dir = tempfile::tempdir().unwrap();
            check(dir.path()).arg("no/such/dir").run()
        }
        other => panic!("the README's verdict table has a row no test makes happen: `{other}`"),
    }
}

/// The coverage gate run on one commit, the secret scan and the SBOM on the next, then
/// the report, with the coverage threshold met and `policy` added to signoff.yml. Returns
/// the run and the two commits.
pub(super) fn mixed_commits(policy: &str) -> (Run, String, String) {
    let mut repo = project();
    repo.write(
        "signoff.yml",
        format!("gates:\n  coverage: {{lines: 50}}\n{policy}"),
    );
    let first = repo.commit("policy");
    let root = repo.path().to_path_buf();
    let gate = |args: &[&str]| {
        crate::signoff()
            .current_dir(&root)
            .args(args)
            .args(["--out", "gates"])
            .run()
    };
    gate(&["coverage", "--report", "coverage/lcov.info"]);
    repo.write("NEWS.md", "one more commit\n");
    let second = repo.commit("later");
    gate(&["secret-scan"]);
    gate(&["sbom"]);
    let run = crate::signoff()
        .current_dir(&root)
        .args(["report", "gates"])
        .run();
    (run, first, second)
}

#[test]
fn issue_13_the_readme_verdict_table_is_what_the_binaries_do() {
    let rows = readme_table("| what happened | verdict | exit code |");
    let mut wrong = Vec::new();
    for row in &rows {
        let (what, expected_verdict, expected_code) = (&row[0], &row[1], &row[2]);
        let run = scenario(what);
        let got = (verdict(&run).to_owned(), run.code.to_string());
        if (got.0.as_str(), got.1.as_str()) != (expected_verdict.as_str(), expected_code.as_str()) {
            wrong.push(format!(
                "`{what}`: README says {expected_verdict} / exit {expected_code}, the binaries say {} / exit {}\n{}",
                got.0,
                got.1,
                run.all_output()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn issue_13_the_readme_exit_codes_are_the_only_ones_and_help_lists_them() {
    let rows = readme_table("| exit code | meaning |");
    let codes: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(codes, ["0", "1", "2", "130"]);
    for args in [
        vec!["--help"],
        vec!["check", "--help"],
        vec!["report", "--help"],
    ] {
        let run = crate::signoff().args(&args).run();
        assert_eq!(run.code, 0);
        for code in &codes {
            assert!(
                run.stdout
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{code} "))),
                "`signoff {}` does not list exit code {code}:\n{}",
                args.join(" "),
                run.stdout
            );
        }
    }
    // A usage error is one of them: 2.
    assert_eq!(
        crate::signoff()
            .args(["check", "--no-such-flag"])
            .run()
            .code,
        2
    );
}
