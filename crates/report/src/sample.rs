//! A sign-off with one of everything (shards, checks, warnings, errors, findings open and
//! waived, a missing gate, an unreadable report, waivers in force and expired), so a
//! template is rendered once before any gate runs: a misspelled field in a strict template
//! is reported up front, not after a long scan.

use std::path::PathBuf;

use signoff_core::ReportBuilder;
use signoff_core::policy::Policy;
use signoff_core::report::{Check, Finding, Location, Op, Severity, Subject, Tool};

use crate::load::{Found, LoadProblem, Loaded};
use crate::view::{self, Context, FileDigest, View};

const POLICY: &str = "required: [secret-scan, coverage, health-check]
waivers:
  - {gate: secret-scan, rule: sample, reason: sample, expires: 2999-12-31}
  - {gate: secret-scan, fingerprint: f1, reason: sample, expires: 2000-01-01}
";

/// The sample view, full or compact.
pub fn view(compact: bool) -> View {
    let policy =
        Policy::from_str(POLICY, "sample.yml").unwrap_or_else(|_| Policy::default_policy());
    let subject = Subject {
        repository: Some("owner/name".into()),
        commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
        git_ref: Some("refs/heads/main".into()),
        root: ".".into(),
    };
    let shard = |n: usize| {
        let mut builder =
            ReportBuilder::new("secret-scan", Tool::new("sample", "0"), subject.clone());
        builder
            .metric("findings", 12)
            .check(Check::new("unwaived-findings", Op::Le, 0.0, 12.0).message("sample"))
            .warn("a sample warning\n  = help: a sample help")
            .error("error: a sample error\n  = help: a sample help");
        for i in 0..12 {
            builder.finding(Finding {
                rule: "sample".into(),
                severity: if i % 2 == 0 {
                    Severity::High
                } else {
                    Severity::Low
                },
                message: format!("sample finding {i}"),
                location: Some(Location {
                    path: "src/a.rs".into(),
                    line: Some(i + 1),
                    end_line: Some(i + 2),
                    ..Default::default()
                }),
                fingerprint: format!("f{n}-{i}"),
                waived: i == 0,
                help: Some("sample help".into()),
                details: Default::default(),
            });
        }
        Loaded {
            path: PathBuf::from(format!("shard-{n}/secret-scan.gate.json")),
            display: format!("shard-{n}/secret-scan.gate.json"),
            sha256: "0".repeat(64),
            report: builder.finish("sample summary"),
            external: false,
            merged: false,
        }
    };
    let mut diff = ReportBuilder::new("sbom-diff", Tool::new("sample", "0"), subject.clone());
    diff.metric("added", 1)
        .metric("removed", 1)
        .metric("changed", 1)
        .detail("added", vec!["pkg:npm/a@1"])
        .detail("removed", vec!["pkg:npm/b@1"])
        .detail(
            "changed",
            vec![serde_json::json!({"package": "pkg:npm/c", "from": "1", "to": "2"})],
        );
    let mut skipped = ReportBuilder::new("coverage", Tool::new("sample", "0"), subject.clone());
    skipped.skip();
    let found = Found {
        reports: vec![
            shard(1),
            shard(2),
            Loaded {
                path: PathBuf::from("sbom-diff.gate.json"),
                display: "sbom-diff.gate.json".into(),
                sha256: "1".repeat(64),
                report: diff.finish("this change adds 1 dependency"),
                external: false,
                merged: false,
            },
            Loaded {
                path: PathBuf::from("coverage.gate.json"),
                display: "coverage.gate.json".into(),
                sha256: "2".repeat(64),
                report: skipped.finish("no coverage report"),
                external: false,
                merged: false,
            },
        ],
        problems: vec![LoadProblem {
            display: "broken.gate.json".into(),
            message: "not valid JSON".into(),
            duplicate: false,
        }],
        notes: Vec::new(),
    };
    let today = signoff_core::policy::today();
    let decision = crate::decide::decide(found, &policy, today);
    let context = Context {
        repository: subject.repository.clone(),
        commit: subject.commit.clone(),
        git_ref: subject.git_ref.clone(),
        server_url: "https://github.com".into(),
        run_url: Some("https://github.com/owner/name/actions/runs/1".into()),
        actor: Some("sample".into()),
        event: Some("push".into()),
        workflow: Some("sample".into()),
        generated_at: "2000-01-01T00:00:00Z".into(),
        policy_source: "sample.yml".into(),
        artifact_name: "signoff-report".into(),
    };
    let integrity = vec![FileDigest {
        path: "gates/secret-scan.gate.json".into(),
        sha256: "0".repeat(64),
    }];
    let review = crate::review::build(&decision);
    let mut view = view::build(&decision, review, &context, integrity, compact);
    // A trend with one of everything, so the template's trend part is checked too.
    let baseline = crate::trend::Baseline {
        score: 50,
        verdict: "REJECTED".into(),
        commit: Some("fedcba9876543210".into()),
        areas: Some(vec![
            ("secrets".into(), Some(40)),
            ("operability".into(), Some(90)),
        ]),
        risks: Some(vec![
            ("secret-scan".into(), Some("sample".into()), 3),
            ("secret-scan".into(), Some("gone".into()), 1),
        ]),
    };
    let mut trend = crate::trend::compare(&baseline, view.score, &view.review);
    trend.new.push(crate::trend::RiskTrend {
        gate: "pipeline".into(),
        rule: Some("sample-new".into()),
        before: 0,
        after: 1,
    });
    // The full sample has a trend and the compact one none, so both shapes are checked.
    view.trend = (!compact).then_some(trend);
    view
}
