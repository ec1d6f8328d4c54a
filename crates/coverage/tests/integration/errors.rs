//! Bad and hostile input: a clear error naming the file and what is wrong, exit 2, and
//! never a passing report.

use signoff_testkit::GitRepo;

use crate::{fixture, run_in};

fn expect_error(dir: &std::path::Path, name: &str, bytes: &[u8], needle: &str) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let (run, json) = run_in(dir, &["--report", path.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{name}: {}", run.all_output());
    assert_eq!(json["status"], "error", "{name}");
    assert!(
        json["metrics"].as_object().unwrap().is_empty(),
        "{name}: no partial numbers"
    );
    let errors = json["details"]["errors"][0].as_str().unwrap();
    assert!(errors.contains(needle), "{name}: {errors}");
    assert!(errors.contains(name), "{name} names the file: {errors}");
    assert!(errors.contains("= help:"), "{name}: {errors}");
    assert!(run.stderr.contains(needle), "{name}: {}", run.stderr);
}

#[test]
fn bad_reports_are_errors_that_say_what_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    expect_error(d, "empty.info", b"", "the file is empty");
    expect_error(
        d,
        "zero.info",
        b"TN:\nSF:a.c\nend_of_record\n",
        "no instrumented line",
    );
    expect_error(
        d,
        "binary.info",
        b"\x7fELF\x02\x01\x00\x00garbage",
        "binary data",
    );
    expect_error(
        d,
        "package.json",
        b"{\"name\": \"x\", \"version\": \"1\"}",
        "no known coverage format",
    );
    expect_error(
        d,
        "overflow.info",
        b"SF:a.c\nDA:1,99999999999999999999999\nend_of_record\n",
        "overflow.info:2: the count",
    );
    let xml = std::fs::read_to_string(fixture("py/coverage.xml")).unwrap();
    expect_error(
        d,
        "cut.xml",
        &xml.as_bytes()[..xml.len() / 2],
        "ends before the Cobertura XML document is complete",
    );
    expect_error(
        d,
        "bad.xml",
        xml.replacen("<line number=", "<line numbr=", 1).as_bytes(),
        "has no `number` attribute",
    );
}

#[test]
fn a_missing_report_and_no_report_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (run, json) = run_in(dir.path(), &["--report", "nope.info"]);
    assert_eq!(run.code, 2);
    assert!(
        json["details"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("cannot read nope.info")
    );
    // No report at all is a usage error: `--report` is required (issue #13).
    let (run, _) = run_in(dir.path(), &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("required arguments were not provided")
            && run.stderr.contains("--report <FILE>"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_report_whose_files_all_map_nowhere_is_an_error() {
    let mut repo = GitRepo::new();
    repo.write("other.rs", "fn main() {}\n");
    repo.commit("unrelated");
    let report = fixture("js/lcov.info");
    let (run, json) = run_in(repo.path(), &["--report", report.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.all_output());
    let error = json["details"]["errors"][0].as_str().unwrap();
    assert!(
        error.contains("none of its 1 file maps to a file of the repository"),
        "{error}"
    );
    assert!(error.contains("--path-map"), "{error}");
}

#[test]
fn markup_in_file_names_stays_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weird.info");
    std::fs::write(
        &path,
        "SF:src/<img src=x onerror=alert(1)>|`**x**`.c\nDA:1,1\nDA:2,0\nend_of_record\nSF:caf\u{e9} \u{1f600}.c\nDA:1,1\nend_of_record\n",
    )
    .unwrap();
    let (run, json) = run_in(dir.path(), &["--report", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(
        json["details"]["files"]["worst_first"][0]["path"],
        "src/<img src=x onerror=alert(1)>|`**x**`.c"
    );
}

#[test]
fn invalid_utf8_and_huge_line_numbers_do_not_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bytes.info");
    std::fs::write(
        &path,
        b"SF:a\xff\xfe.c\nDA:4294967295,1\nDA:1,0\nend_of_record\n",
    )
    .unwrap();
    let (run, json) = run_in(dir.path(), &["--report", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(json["metrics"]["lines_total"], 2);
    std::fs::write(&path, b"SF:a.c\nDA:4294967296,1\nend_of_record\n").unwrap();
    let (run, _) = run_in(dir.path(), &["--report", path.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("out of range"), "{}", run.stderr);
}

#[test]
fn deeply_nested_json_is_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "{{\"a.js\": {{\"statementMap\": {{}}, \"extra\": {}{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    expect_error(
        dir.path(),
        "deep.json",
        deep.as_bytes(),
        "holds no coverage data",
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_or_a_directory_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let looped = dir.path().join("loop.info");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let (run, json) = run_in(dir.path(), &["--report", looped.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        json["details"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("cannot read")
    );
    let (run, json) = run_in(dir.path(), &["--report", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        json["details"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("it is a directory")
    );
}

#[test]
fn a_cut_diff_is_an_error_and_no_pass() {
    let dir = tempfile::tempdir().unwrap();
    let diff = dir.path().join("cut.diff");
    std::fs::write(
        &diff,
        "--- a/calc.js\n+++ b/calc.js\n@@ -1,5 +1,6 @@\n x\n+y\n",
    )
    .unwrap();
    let report = crate::fixture("js/lcov.info");
    let (run, json) = run_in(
        dir.path(),
        &[
            "--report",
            report.to_str().unwrap(),
            "--diff",
            diff.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.all_output());
    assert!(
        json["details"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("cut short")
    );
}

#[test]
fn an_unknown_base_revision_says_how_to_fetch_it() {
    let mut repo = GitRepo::new();
    repo.write("calc.js", include_str!("../fixtures/src/js/calc.js"));
    repo.commit("js");
    let report = fixture("js/lcov.info");
    let (run, json) = run_in(
        repo.path(),
        &[
            "--report",
            report.to_str().unwrap(),
            "--base",
            "origin/nope",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.all_output());
    let error = json["details"]["errors"][0].as_str().unwrap();
    assert!(
        error.contains("cannot find revision `origin/nope`") && error.contains("git fetch"),
        "{error}"
    );
}

#[test]
fn jacoco_xml_is_streamed_and_its_errors_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(fixture("jacoco/jacoco.xml")).unwrap();
    expect_error(
        dir.path(),
        "cut.jacoco.xml",
        &xml.as_bytes()[..xml.len() * 2 / 3],
        "ends before the JaCoCo XML document is complete",
    );
    // One element a line (JaCoCo writes one long line), then a bad count on one of them.
    let pretty = xml.replace("><", ">\n<");
    let bad_line = pretty
        .lines()
        .position(|l| l.starts_with("<line nr=\"20\""))
        .unwrap()
        + 1;
    let bad = pretty.replacen("<line nr=\"20\" mi=\"2\"", "<line nr=\"20\" mi=\"-2\"", 1);
    assert_ne!(bad, pretty);
    expect_error(
        dir.path(),
        "bad.jacoco.xml",
        bad.as_bytes(),
        &format!("bad.jacoco.xml:{bad_line}:"),
    );
}

#[test]
fn a_json_report_past_the_size_limit_is_an_error_naming_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    // An llvm-cov export whose first 64 KiB look right, made 1 GiB + 1 byte long as a
    // sparse file (no disk space used, nothing read past the check).
    let mut head = b"{\"data\": [{\"files\": [{\"filename\": \"a.c\", \"segments\": [".to_vec();
    head.resize(64 * 1024, b' ');
    std::fs::write(&path, &head).unwrap();
    let size = (1u64 << 30) + 1;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(size)
        .unwrap();
    let (run, json) = run_in(dir.path(), &["--report", path.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.all_output());
    let error = json["details"]["errors"][0].as_str().unwrap();
    assert!(
        error.contains(&format!(
            "huge.json is {size} bytes, more than the 1073741824 bytes (1 GiB)"
        )) && error.contains("llvm-cov-export-json")
            && error.contains("llvm-cov export -format=lcov"),
        "{error}"
    );
}

#[test]
fn of_several_bad_reports_the_first_given_is_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture("js/lcov.info");
    std::fs::write(
        dir.path().join("first.info"),
        "SF:a.c\nDA:x,1\nend_of_record\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("second.xml"), "<coverage><packages>").unwrap();
    for _ in 0..3 {
        let (run, json) = run_in(
            dir.path(),
            &[
                "--report",
                good.to_str().unwrap(),
                "--report",
                "first.info",
                "--report",
                "second.xml",
            ],
        );
        assert_eq!(run.code, 2, "{}", run.all_output());
        let errors = json["details"]["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].as_str().unwrap().contains("first.info:2:"),
            "{errors:?}"
        );
    }
}
