//! Items 1, 2, 4, 5 and 11: what `signoff check` is pointed at. A path that cannot be
//! checked is an error naming it (exit 2), never a verdict; an empty directory or
//! repository is not approved; gate errors are shown with their cause; the repository's
//! policy is found from a subdirectory.

use super::{check, project, report_md, unprivileged, verdict};

/// Item 1: an unreadable directory is an error naming it, not an approval.
#[test]
fn issue_13_item_1_an_unreadable_directory_is_an_error_naming_it() {
    let Some(signoff) = unprivileged() else {
        eprintln!("skipped: running as root without setpriv, so permissions cannot be tested");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("a.txt"), "x").unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    let run = signoff
        .current_dir(dir.path())
        .args(["check", "locked", "--out"])
        .arg(out.join("report"))
        .run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("cannot read the directory locked"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("APPROVED"), "{}", run.stdout);
    assert!(!out.join("report").exists());
}

/// Item 2: an empty directory and an empty git repository are not approved: nothing was
/// checked, and the secret scan does not pass over zero files.
#[test]
fn issue_13_item_2_nothing_to_check_is_not_an_approval() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let repo = signoff_testkit::GitRepo::new();
    for (place, run) in [
        ("empty directory", check(dir.path()).arg("empty").run()),
        ("empty repository", check(repo.path()).run()),
    ] {
        assert_eq!(run.code, 1, "{place}: {}", run.all_output());
        assert_eq!(verdict(&run), "REJECTED", "{place}");
        assert!(
            run.stdout.contains("rejected: Nothing was checked"),
            "{place}: {}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains("secret-scan     skipped  nothing to scan"),
            "{place}: {}",
            run.stdout
        );
        assert!(
            run.stdout.starts_with("signoff: REJECTED (score 0/100)"),
            "{}",
            run.stdout
        );
    }
    let report = report_md(repo.path());
    assert!(!report.contains("passed"), "{report}");
    assert!(
        report.contains("All 7 gates had nothing to check"),
        "{report}"
    );
}

/// Item 4: a path that does not exist is named, exit 2, and nothing is written anywhere.
/// `check PATH` writes into PATH/signoff-out and says so.
#[test]
fn issue_13_item_4_a_missing_path_is_named_and_the_output_place_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let run = check(dir.path()).arg("does/not/exist").run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("does/not/exist does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    let repo = project();
    let run = check(dir.path()).arg(repo.path()).run();
    let expected = repo.path().join("signoff-out/report.md");
    assert!(
        run.stdout
            .ends_with(&format!("report: {}\n", expected.display())),
        "{}",
        run.stdout
    );
    assert!(expected.is_file());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // --out (or SIGNOFF_DIR) says otherwise, relative to where signoff runs.
    let run = check(dir.path())
        .arg(repo.path())
        .env("SIGNOFF_DIR", "elsewhere")
        .run();
    assert!(
        run.stdout.ends_with("report: elsewhere/report.md\n"),
        "{}",
        run.stdout
    );
    assert!(dir.path().join("elsewhere/signoff.json").is_file());
}

/// Item 5: the console shows why a gate errored; usage errors exit 2 and name the input.
#[test]
fn issue_13_item_5_gate_errors_and_usage_errors_are_shown() {
    let repo = project();
    std::fs::write(
        repo.path().join("coverage.bin"),
        [0u8, 159, 146, 150, 0, 1, 2],
    )
    .unwrap();
    let run = check(repo.path())
        .args(["--coverage", "coverage.bin"])
        .run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    // The gate's own reason and the formats it reads, not only "could not be read".
    assert!(run.stdout.contains("coverage.bin"), "{}", run.stdout);
    assert!(run.stdout.contains("lcov"), "{}", run.stdout);
    // Each line of the error on its own line in report.md, too.
    let report = report_md(repo.path());
    let could_not_run = report.split("**Could not run:**").nth(1).unwrap();
    assert!(could_not_run.contains("<br>"), "{could_not_run}");

    let run = check(repo.path()).args(["--coverage", "nope.info"]).run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("nope.info: does not exist"),
        "{}",
        run.stderr
    );

    let run = check(repo.path()).args(["--sarif", "x=/nope"]).run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("/nope does not exist"),
        "{}",
        run.stderr
    );

    let run = crate::signoff()
        .current_dir(repo.path())
        .args(["report", "missing-dir"])
        .run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("missing-dir does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

/// Item 11: from a subdirectory, `signoff check` finds the repository root and its policy:
/// a broken signoff.yml there is an error, not silently the default policy.
#[test]
fn issue_13_item_11_a_subdirectory_uses_the_repositorys_policy() {
    let mut repo = project();
    repo.write("signoff.yml", "gates:\n  coverage: {line: 80}\n");
    repo.write("src/deep/x.txt", "x\n");
    repo.commit("broken policy");
    let sub = repo.path().join("src/deep");
    let run = check(&sub).run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(run.stderr.contains("unknown key `line`"), "{}", run.stderr);
    assert!(run.stderr.contains("signoff.yml:2:"), "{}", run.stderr);
    // A gate run alone from the subdirectory reads the same policy.
    let run = crate::signoff()
        .current_dir(&sub)
        .args(["sbom", "--out", "alone"])
        .run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.all_output().contains("unknown key `line`"),
        "{}",
        run.all_output()
    );

    // Fixed, the whole repository is checked and the report lands at its root.
    repo.write("signoff.yml", "gates:\n  coverage: {lines: 50}\n");
    repo.commit("fixed policy");
    let run = check(&sub).run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(
        run.stdout.contains("sbom            pass"),
        "{}",
        run.stdout
    );
    assert!(repo.path().join("signoff-out/report.md").is_file());
}
