//! The output folder: self-contained, verifiable, with `signoff.json` following its schema
//! and `report.html` a page a browser shows.

use crate::*;

fn approved() -> Scenario {
    Scenario::new()
        .policy("required: [secret-scan, sbom]\n")
        .gate("secret-scan.gate.json", &secret_scan_pass())
        .gate("nested/deeper/sbom.gate.json", &sbom_pass())
}

#[test]
fn output_folder_is_self_contained_and_verifiable() {
    let s = approved();
    assert_eq!(s.run().code, 0);
    let out = s.out();
    for file in [
        "report.md",
        "report.html",
        "signoff.json",
        "signoff-badge.svg",
        "signoff.intoto.json",
        "gates/secret-scan.gate.json",
        "gates/nested/deeper/sbom.gate.json",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let verify = |dir: &std::path::Path| {
        Cmd::new(env!("CARGO_BIN_EXE_signoff-report"))
            .arg("verify")
            .arg(dir)
            .run()
    };
    let run = verify(&out);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(run.stdout.contains("verified: 6 files"), "{}", run.stdout);
    let badge = std::fs::read_to_string(out.join("signoff-badge.svg")).unwrap();
    assert!(badge.contains(">APPROVED 100<"), "{badge}");

    // A copied folder verifies on its own.
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&out, copy.path());
    assert_eq!(verify(copy.path()).code, 0);

    // Any change is caught.
    let gate_copy = copy.path().join("gates/secret-scan.gate.json");
    let text = std::fs::read_to_string(&gate_copy)
        .unwrap()
        .replace("\"pass\"", "\"fail\"");
    std::fs::write(&gate_copy, text).unwrap();
    std::fs::remove_file(copy.path().join("report.html")).unwrap();
    let run = verify(copy.path());
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert!(
        run.stdout.contains("CHANGED  gates/secret-scan.gate.json"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("MISSING  report.html"),
        "{}",
        run.stdout
    );

    // A gate report slipped in after signing is caught too.
    let fresh = tempfile::tempdir().unwrap();
    copy_dir(&out, fresh.path());
    std::fs::copy(
        fresh.path().join("gates/secret-scan.gate.json"),
        fresh.path().join("gates/nested/extra.gate.json"),
    )
    .unwrap();
    let run = verify(fresh.path());
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert!(
        run.stdout.contains("UNLISTED gates/nested/extra.gate.json"),
        "{}",
        run.stdout
    );

    // A statement that lists nothing verifies nothing: exit 2.
    let statement = fresh.path().join("signoff.intoto.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&statement).unwrap()).unwrap();
    value["subject"] = serde_json::json!([]);
    std::fs::write(&statement, value.to_string()).unwrap();
    let run = verify(fresh.path());
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(run.stderr.contains("lists no files"), "{}", run.stderr);

    // Not a sign-off folder: exit 2 with a fix.
    let empty = tempfile::tempdir().unwrap();
    let run = verify(empty.path());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("signoff.intoto.json"), "{}", run.stderr);
}

#[test]
fn statement_names_no_path_outside_the_folder() {
    let s = approved();
    assert_eq!(s.run().code, 0);
    let path = s.out().join("signoff.intoto.json");
    let mut statement: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    statement["subject"][0]["name"] = "../../etc/passwd".into();
    std::fs::write(&path, statement.to_string()).unwrap();
    let run = Cmd::new(env!("CARGO_BIN_EXE_signoff-report"))
        .arg("verify")
        .arg(s.out())
        .run();
    assert_eq!(run.code, 2, "{}", run.all_output());
}

#[test]
fn signoff_json_and_statement_follow_their_contracts() {
    let s = approved();
    assert_eq!(s.run().code, 0);
    let json = s.signoff_json();
    if let Err(errors) = signoff_testkit::validate("signoff.v1.json", &json) {
        panic!("signoff.json is invalid:\n{}\n{json:#}", errors.join("\n"));
    }
    assert_eq!(json["verdict"], "APPROVED");
    let statement: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(s.out().join("signoff.intoto.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(statement["predicate"], json);
    let names: Vec<&str> = statement["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "report.md",
            "report.html",
            "signoff.json",
            "signoff-badge.svg",
            "gates/nested/deeper/sbom.gate.json",
            "gates/secret-scan.gate.json"
        ]
    );
}

#[test]
fn rerun_on_its_own_output_does_not_count_copies_twice() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("signoff-out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("secret-scan.gate.json"),
        secret_scan_pass().to_json(),
    )
    .unwrap();
    std::fs::write(dir.path().join("signoff.yml"), "required: [secret-scan]\n").unwrap();
    for _ in 0..2 {
        let run = Cmd::new(env!("CARGO_BIN_EXE_signoff-report"))
            .current_dir(dir.path())
            .run();
        assert_eq!(run.code, 0, "{}", run.all_output());
        assert!(!run.stdout.contains("duplicate"), "{}", run.stdout);
    }
}

#[test]
fn symlink_loops_and_missing_dirs_do_not_hang() {
    let s = approved();
    #[cfg(unix)]
    std::os::unix::fs::symlink(s.input(), s.input().join("loop")).unwrap();
    let run = s.command().run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    // A directory to read that does not exist is a usage error naming it (issue #13).
    let run = s.command().arg("no-such-dir").run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("no-such-dir does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn custom_template_is_strict() {
    let s = approved();
    std::fs::write(
        s.dir.path().join("mine.hbs"),
        "Verdict: {{verdict}} {{score}}\n{{#each gates}}- {{id}} {{status}}\n{{/each}}",
    )
    .unwrap();
    let run = s.command().args(["--template", "mine.hbs"]).run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(
        s.report_md(),
        "Verdict: APPROVED 100\n- sbom pass\n- secret-scan pass\n"
    );
    std::fs::write(
        s.dir.path().join("bad.hbs"),
        "{{verdict}} {{no_such_thing}}",
    )
    .unwrap();
    let run = s.command().args(["--template", "bad.hbs"]).run();
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        run.stderr.contains("no_such_thing") && run.stderr.contains("bad.hbs"),
        "{}",
        run.stderr
    );
}

#[test]
fn job_summary_and_outputs_in_actions() {
    let s = approved();
    let summary = s.dir.path().join("summary.md");
    let outputs = s.dir.path().join("outputs");
    let run = s
        .command()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_REPOSITORY", "acme/shop")
        .env("GITHUB_RUN_ID", "77")
        .env("GITHUB_ACTOR", "octocat")
        .run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    let summary = std::fs::read_to_string(summary).unwrap();
    assert_eq!(
        summary.trim_end(),
        std::fs::read_to_string(s.out().join("report.md"))
            .unwrap()
            .trim_end()
    );
    assert!(
        summary.contains("https://github.com/acme/shop/actions/runs/77"),
        "{summary}"
    );
    assert!(summary.contains("for **octocat**"), "{summary}");
    let outputs = std::fs::read_to_string(outputs).unwrap();
    assert!(
        outputs.contains("verdict=APPROVED\n") && outputs.contains("score=100\n"),
        "{outputs}"
    );
}

#[test]
fn oversized_summary_degrades_with_a_note() {
    let mut s = Scenario::new().policy("required: [sbom]\n");
    let sbom = gate("sbom", "many", 1, |b| {
        b.findings((0..600u64).map(|i| {
            signoff_core::report::Finding::new(TestRule::Unpinned)
                .at(
                    format!(
                        "{}/requirements-{i}.txt",
                        "very-long-directory-name/".repeat(8)
                    ),
                    1,
                )
                .message("x".repeat(2_500))
                .identity(i.to_string())
                .build()
        }));
    });
    s = s.gate("sbom.gate.json", &sbom);
    let summary = s.dir.path().join("summary.md");
    let run = s
        .command()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    let full = std::fs::read_to_string(s.out().join("report.md")).unwrap();
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(
        full.len() > signoff_core::github::files::SUMMARY_LIMIT,
        "{}",
        full.len()
    );
    assert!(summary.len() <= signoff_core::github::files::SUMMARY_LIMIT);
    assert!(
        summary.contains("Details are collapsed to fit GitHub's limit"),
        "{}",
        &summary[..600]
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn shards_of_one_gate_are_one_section_with_the_worst_status() {
    let failing = gate("coverage", "61.0% of 5,000 lines covered", 700, |b| {
        b.metric("lines_total", 5_000)
            .metric("lines_covered", 3_050)
            .check(signoff_core::report::Check::new(
                "lines",
                signoff_core::report::Op::Ge,
                80.0,
                61.0,
            ));
    });
    let s = Scenario::new()
        .policy("required: [coverage]\n")
        .gate("coverage-linux/coverage.gate.json", &coverage_pass())
        .gate("coverage-windows/coverage.gate.json", &failing);
    let run = s.run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let md = s.report_md();
    assert_eq!(md.matches("### ❌ Coverage").count(), 1, "{md}");
    assert!(md.contains("| `coverage-linux` | ✅ pass |"), "{md}");
    assert!(md.contains("| `coverage-windows` | ❌ fail |"), "{md}");
    assert!(md.contains("| `lines` (coverage-windows) | 61 |"), "{md}");
    let json = s.signoff_json();
    assert_eq!(json["gates"][0]["status"], "fail");
    assert_eq!(json["gates"][0]["reports"].as_array().unwrap().len(), 2);
}
