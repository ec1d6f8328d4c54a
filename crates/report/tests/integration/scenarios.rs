//! The sign-offs users meet, snapshotted: all pass, approved with conditions, rejected,
//! missing required gate, expired waiver, corrupt artifact, SARIF-only gate, 100,000
//! findings, hostile strings.

use signoff_core::report::{Check, Finding, Op, Severity};

use crate::*;

#[test]
fn all_pass() {
    let s = Scenario::new()
        .policy(ALL_REQUIRED)
        .gate("secret-scan/secret-scan.gate.json", &secret_scan_pass())
        .gate("sbom/sbom.gate.json", &sbom_pass())
        .gate("coverage/coverage.gate.json", &coverage_pass())
        .gate("health-check/health-check.gate.json", &health_pass());
    let run = s.run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(
        run.stdout.starts_with("signoff: APPROVED (score 100/100)"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(s.report_md());
}

#[test]
fn approved_with_conditions() {
    let mut waived = Finding::new(TestRule::Unpinned)
        .at("requirements-dev.txt", 4)
        .message("`pytest>=7` is not pinned to one version")
        .build();
    let policy = "required: [secret-scan, sbom]\nwaivers:\n  - gate: sbom\n    rule: unpinned-requirement\n    path: \"requirements-dev.txt\"\n    reason: dev-only tools float on purpose\n    expires: 2099-12-31\n";
    waived.waived = true;
    let sbom = gate(
        "sbom",
        "312 dependencies; 1 unpinned requirement waived",
        95,
        |b| {
            b.metric("components", 330)
                .metric("dependencies", 312)
                .check(Check::new("unpinned", Op::Le, 0.0, 0.0))
                .finding(waived);
        },
    );
    let secrets = gate(
        "secret-scan",
        "no secrets in the 1 commit of a shallow clone",
        210,
        |b| {
            b.metric("commits_scanned", 1)
            .check(Check::new("max-findings", Op::Le, 0.0, 0.0))
            .warn("shallow clone: only 1 commit was scanned; set `fetch-depth: 0` on actions/checkout to scan the history");
        },
    );
    let s = Scenario::new()
        .policy(policy)
        .gate("secret-scan.gate.json", &secrets)
        .gate("sbom.gate.json", &sbom);
    let run = s.run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(
        run.stdout.starts_with("signoff: APPROVED WITH CONDITIONS"),
        "{}",
        run.stdout
    );
    let json = s.signoff_json();
    assert_eq!(json["waivers"]["in_force"][0]["findings"], 1);
    insta::assert_snapshot!(s.report_md());
}

#[test]
fn rejected() {
    let secrets = gate(
        "secret-scan",
        "2 secrets found in 1,204 commits",
        3_100,
        |b| {
            b.check(Check::new("max-findings", Op::Le, 0.0, 2.0))
                .finding(secret(
                    TestRule::GithubPat,
                    "src/config/github.rs",
                    12,
                    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
                ))
                .finding(secret(
                    TestRule::AwsKey,
                    "deploy/terraform.tfvars",
                    3,
                    "AKIAZ3MSJV4WWNKWW5FR",
                ));
        },
    );
    let coverage = gate(
        "coverage",
        "72.4% of 10,412 lines covered; 50.0% of changed lines",
        640,
        |b| {
            b.metric("lines_total", 10_412)
                .metric("lines_covered", 7_538)
                .check(Check::new("lines", Op::Ge, 80.0, 72.4))
                .check(Check::new("patch", Op::Ge, 90.0, 50.0));
        },
    );
    let sbom = gate("sbom", "the lockfiles could not be read", 12, |b| {
        b.error("cannot parse package-lock.json:3:7: expected `,` or `}`");
    });
    let s = Scenario::new()
        .policy("required: [secret-scan, sbom, coverage]\n")
        .gate("secret-scan.gate.json", &secrets)
        .gate("coverage.gate.json", &coverage)
        .gate("sbom.gate.json", &sbom);
    let run = s.run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    assert!(
        run.stdout.starts_with("signoff: REJECTED"),
        "{}",
        run.stdout
    );
    let md = s.report_md();
    assert!(
        !md.contains("16C7e42F292c6912E7710c838347Ae178B4a") && !md.contains("Z3MSJV4WWNKWW5FR")
    );
    insta::assert_snapshot!(md);
}

#[test]
fn missing_required_gate() {
    let s = Scenario::new()
        .policy(ALL_REQUIRED)
        .gate("secret-scan.gate.json", &secret_scan_pass())
        .gate("sbom.gate.json", &sbom_pass());
    let run = s.run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let json = s.signoff_json();
    assert_eq!(
        json["missing"],
        serde_json::json!(["coverage", "health-check"])
    );
    assert_eq!(json["score"], 50);
    insta::assert_snapshot!(s.report_md());
}

#[test]
fn expired_waiver() {
    let policy = "required: [sbom]\nwaivers:\n  - gate: sbom\n    rule: unpinned-requirement\n    reason: we will pin after the freeze\n    expires: 2025-06-30\n";
    let sbom = gate(
        "sbom",
        "312 dependencies; 2 unpinned requirements",
        95,
        |b| {
            b.metric("components", 330)
                .metric("dependencies", 312)
                .check(Check::new("unpinned", Op::Le, 0.0, 2.0))
                .finding(
                    Finding::new(TestRule::Unpinned)
                        .at("requirements.txt", 3)
                        .message("`flask>=2` is not pinned")
                        .build(),
                )
                .finding(
                    Finding::new(TestRule::Unpinned)
                        .at("requirements.txt", 7)
                        .message("`requests` is not pinned")
                        .build(),
                );
        },
    );
    let s = Scenario::new().policy(policy).gate("sbom.gate.json", &sbom);
    let run = s.run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let json = s.signoff_json();
    assert_eq!(json["waivers"]["expired"][0]["findings"], 2);
    assert_eq!(json["waivers"]["expired"][0]["expires"], "2025-06-30");
    insta::assert_snapshot!(s.report_md());
}

#[test]
fn corrupt_artifact() {
    let good = secret_scan_pass();
    let text = good.to_json();
    let s = Scenario::new()
        .policy("required: [secret-scan]\n")
        .gate("job-a/secret-scan.gate.json", &good)
        .raw("job-b/secret-scan.gate.json", text.as_bytes())
        .raw(
            "job-c/coverage.gate.json",
            &text.as_bytes()[..text.len() / 2],
        )
        .raw(
            "job-d/sbom.gate.json",
            text.replace("signoff/gate/v1", "signoff/gate/v9")
                .as_bytes(),
        )
        .raw("job-e/health-check.gate.json", b"\x00\xff\xfe binary");
    let run = s.run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let json = s.signoff_json();
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert_eq!(
        problems.iter().filter(|p| p["duplicate"] == true).count(),
        1
    );
    insta::assert_snapshot!(s.report_md());
}

#[test]
fn sarif_only_gate() {
    let fixture =
        signoff_testkit::workspace_root().join("crates/report/tests/fixtures/zizmor.sarif");
    let s = Scenario::new().policy("required: [zizmor]\nexternal:\n  zizmor: {fail_on: high}\n");
    let run = s
        .command()
        .arg("--sarif")
        .arg(format!("zizmor={}", fixture.display()))
        .run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let json = s.signoff_json();
    assert_eq!(json["gates"][0]["gate"], "zizmor");
    assert_eq!(json["gates"][0]["external"], true);
    let copy = s.out().join("gates/zizmor.gate.json");
    signoff_testkit::assert_valid_gate_report(&copy);
    // The duration of a gate made from SARIF is the time signoff took to read it: the one
    // figure that varies between runs.
    insta::assert_snapshot!(without_durations(&s.report_md()));
}

/// `report` with every `N ms` replaced by `<N> ms`.
fn without_durations(report: &str) -> String {
    let mut out = String::with_capacity(report.len());
    let mut rest = report;
    while let Some(at) = rest.find(" ms") {
        let digits = rest[..at]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .count();
        out.push_str(&rest[..at - digits]);
        out.push_str(if digits > 0 { "<N>" } else { "" });
        out.push_str(" ms");
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

#[test]
fn hundred_thousand_findings() {
    let mut s = Scenario::new().policy("required: [secret-scan, sbom, coverage, health-check]\n");
    for (gate_id, rule, severity) in [
        ("secret-scan", TestRule::GithubPat, Severity::Critical),
        ("sbom", TestRule::Unpinned, Severity::Medium),
        ("coverage", TestRule::Lines, Severity::High),
        ("health-check", TestRule::Slow, Severity::Low),
    ] {
        let report = gate(gate_id, "25,000 findings", 1_000, |b| {
            b.check(Check::new("max-findings", Op::Le, 0.0, 25_000.0));
            b.findings((0..25_000u64).map(|i| {
                Finding::new(rule)
                    .severity(severity)
                    .at(
                        format!("src/module_{:03}/file_{i:05}.rs", i % 100),
                        i % 400 + 1,
                    )
                    .identity(i.to_string())
                    .build()
            }));
        });
        s = s.gate(&format!("{gate_id}.gate.json"), &report);
    }
    let run = s.run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let md = s.report_md();
    assert!(
        md.contains("24,490 more findings are not listed here"),
        "{}",
        &md[..2000]
    );
    // Rows of the finding tables are collapsed in the snapshot; the rest is kept.
    let mut collapsed = Vec::new();
    let mut rows = 0;
    for line in md.lines() {
        if line.starts_with("| ") && line.contains("src/module_") {
            rows += 1;
            continue;
        }
        if rows > 0 {
            collapsed.push(format!("[{rows} finding rows]"));
            rows = 0;
        }
        collapsed.push(line.to_owned());
    }
    insta::assert_snapshot!(collapsed.join("\n"));
}

#[test]
fn hostile_strings() {
    let hostile = "<script>alert(1)</script> [x](javascript:alert(1)) @org/team | `tick` \n<!-- hidden --> ![img](https://evil/x.png) $x$ #12";
    let secrets = gate("secret-scan", hostile, 10, |b| {
        b.check(Check::new(hostile, Op::Le, 0.0, 1.0))
            .warn(hostile)
            .finding(
                Finding::new(TestRule::GithubPat)
                    .at(format!("src/{hostile}.rs"), 3)
                    .message(hostile)
                    .help(hostile)
                    // A preview the message does not already show, so it is rendered too.
                    .detail("preview", format!("ghp_{hostile}"))
                    .build(),
            );
    });
    let fixture = signoff_testkit::workspace_root()
        .join("crates/report/tests/fixtures/zizmor-hostile-path.sarif");
    let s = Scenario::new()
        .policy("required: [secret-scan]\nexternal:\n  zizmor: {}\n")
        .gate(
            "<img src=x onerror=alert(1)>/secret-scan.gate.json",
            &secrets,
        );
    let run = s
        .command()
        .arg("--sarif")
        .arg(format!("zizmor={}", fixture.display()))
        .run();
    assert_eq!(run.code, 1, "{}", run.all_output());
    let md = s.report_md();
    // Outside code spans (where text is literal), nothing hostile is left as markup.
    let prose = without_code_spans(&md);
    for bad in [
        "<script",
        "](javascript",
        "<!--",
        "![img]",
        "<img",
        "@org/team",
        "#12",
    ] {
        assert!(
            !contains_unescaped(&prose, bad),
            "report.md contains `{bad}` unescaped outside code:\n{prose}"
        );
    }
    // Every row of every table keeps its column count: no cell was split by a `|`.
    let mut columns = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let cells = unescaped_pipes(line);
        match columns {
            None => columns = Some(cells),
            Some(expected) => assert_eq!(cells, expected, "table row broken: {line}"),
        }
    }
    let html = std::fs::read_to_string(s.out().join("report.html")).unwrap();
    let body = html
        .split("<main>")
        .nth(1)
        .and_then(|rest| rest.split("</main>").next())
        .unwrap();
    for bad in [
        "<script",
        "href=\"javascript",
        "<!--",
        "<img",
        "<svg onload",
    ] {
        assert!(!body.contains(bad), "report.html contains `{bad}`");
    }
    // The page's own filter script, after the content, is its only script.
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    // Console output stays on one line per item.
    assert!(!run.stdout.contains("\n<!--"), "{}", run.stdout);
    insta::assert_snapshot!(md);
}

/// Whether `needle` occurs without a backslash escaping its first character.
fn contains_unescaped(haystack: &str, needle: &str) -> bool {
    haystack
        .match_indices(needle)
        .any(|(index, _)| !haystack[..index].ends_with('\\'))
}

/// The text with every code span removed (backtick runs of equal length delimit them).
fn without_code_spans(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            out.push(chars[i]);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if chars[i] == '`' {
            let mut run = 0;
            while i + run < chars.len() && chars[i + run] == '`' {
                run += 1;
            }
            let fence: String = "`".repeat(run);
            let rest: String = chars[i + run..].iter().collect();
            if let Some(end) = rest.find(&fence) {
                out.push_str("[code]");
                i += run + rest[..end].chars().count() + run;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn unescaped_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count
}
