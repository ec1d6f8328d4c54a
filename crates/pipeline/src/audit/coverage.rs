//! Security coverage of the pipeline as a whole: is there a secret scan, a SAST scan, a
//! dependency (or image) vulnerability scan and an SBOM step anywhere, and does any
//! security scan also run on a schedule, so new advisories are found between changes.

use signoff_core::report::Finding;

use super::{Audit, Cx, Rule, at};
use crate::knowledge::Acts;
use crate::model::{Flavor, Pos};

pub(crate) struct Coverage;

impl Audit for Coverage {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::MissingSecretScan,
            Rule::MissingSast,
            Rule::MissingDependencyScan,
            Rule::MissingSbom,
            Rule::UnscheduledScans,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let Some(place) = place(cx) else { return };
        let all = cx
            .jobs()
            .fold(Acts::NONE, |acc, (_, _, _, _, facts)| acc | facts.acts);
        let missing: [(Rule, Acts, &str, &str); 4] = [
            (
                Rule::MissingSecretScan,
                Acts::SECRET_SCAN,
                "a secret scan",
                "a secret scan on every push and pull request, over the full history: e.g. `uses: gitleaks/gitleaks-action@<sha> # v2` after `actions/checkout` with `fetch-depth: 0`, or signoff's `secret-scan` action",
            ),
            (
                Rule::MissingSast,
                Acts::SAST,
                "static application security testing (SAST)",
                "a SAST job: e.g. `github/codeql-action/init` and `github/codeql-action/analyze` (pinned by SHA) with your languages, or `semgrep scan --error`",
            ),
            (
                Rule::MissingDependencyScan,
                Acts(Acts::DEP_SCAN.0 | Acts::IMAGE_SCAN.0),
                "a dependency vulnerability scan",
                "a dependency scan that fails on known vulnerabilities: e.g. `actions/dependency-review-action` on pull requests, `osv-scanner scan -r .`, `npm audit --audit-level=high`, `pip-audit`, `cargo audit`",
            ),
            (
                Rule::MissingSbom,
                Acts::SBOM,
                "an SBOM",
                "a step that writes an SBOM of each release: e.g. `anchore/sbom-action`, `syft . -o cyclonedx-json`, or signoff's `sbom` action",
            ),
        ];
        for (rule, acts, what, help) in missing {
            if !all.has(acts) {
                out.push(
                    at(rule, &place, Pos::default(), &["repository"])
                        .message(format!("no workflow runs {what}"))
                        .help(format!("add {help}"))
                        .build(),
                );
            }
        }
        scheduled(cx, out);
    }
}

/// Where repository-wide findings point: the workflows directory, or the GitLab pipeline.
fn place(cx: &Cx<'_>) -> Option<String> {
    let first = cx.repo.workflows.first()?;
    Some(match first.flavor {
        Flavor::GitHub => ".github/workflows".to_owned(),
        Flavor::GitLab => first.path.clone(),
    })
}

fn scheduled(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let mut scanning = Vec::new();
    for (wi, workflow) in cx.repo.workflows.iter().enumerate() {
        if workflow.flavor != Flavor::GitHub {
            continue;
        }
        let scans = cx.graph.jobs[wi]
            .iter()
            .any(|facts| facts.acts.has(Acts::SECURITY));
        if scans {
            if workflow.on.has("schedule") {
                return;
            }
            scanning.push(workflow);
        }
    }
    let Some(first) = scanning.first() else {
        return;
    };
    let names: Vec<String> = scanning
        .iter()
        .take(5)
        .map(|w| format!("`{}`", w.path))
        .collect();
    out.push(
        at(Rule::UnscheduledScans, &first.path, first.on.pos, &["schedule"])
            .message(format!("security scans run only on changes ({}), so an advisory published for an unchanged dependency is not found until the next change", names.join(", ")))
            .help("also run the scan workflow on a schedule:\n  on:\n    schedule:\n      - cron: '17 4 * * 1'")
            .build(),
    );
}
