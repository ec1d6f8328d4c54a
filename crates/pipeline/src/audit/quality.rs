//! Blocking quality and security: a lint, format, type-check, test, audit or scanner step
//! that cannot fail the run (`continue-on-error`, `|| true`, `exit-code: 0`,
//! `--exit-zero`, `--audit-level=critical`, GitLab's `allow_failure`); jobs without a
//! timeout; pull-request workflows that do not cancel superseded runs.

use std::sync::LazyLock;

use regex_lite::Regex;
use signoff_core::report::{Finding, Severity};

use super::{Audit, Cx, Rule, StepRef, at};
use crate::knowledge::{Acts, commands};
use crate::model::uses::Uses;
use crate::model::{Flavor, Str};

pub(crate) struct Quality;

impl Audit for Quality {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::NonBlockingCheck,
            Rule::MissingTimeout,
            Rule::MissingConcurrency,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for step in cx.steps() {
            step_checks(cx, step, out);
        }
        for (_, workflow, _, job, facts) in cx.jobs() {
            if let Some(flag) = &job.continue_on_error {
                let checks = facts.acts.0 & (Acts::QUALITY.0 | Acts::SECURITY.0);
                if checks != 0 {
                    let key = if workflow.flavor == Flavor::GitLab {
                        "allow_failure"
                    } else {
                        "continue-on-error"
                    };
                    non_blocking(
                        workflow.file_of(job),
                        flag,
                        Acts(checks),
                        &format!("job `{}`", job.id.text),
                        &job.id.text,
                        key,
                        out,
                    );
                }
            }
            if workflow.flavor == Flavor::GitHub && job.uses.is_none() && job.timeout.is_none() {
                out.push(
                    at(Rule::MissingTimeout, &workflow.path, job.id.pos, &[&job.id.text])
                        .message(format!("job `{}` has no `timeout-minutes`, so a hung step holds a runner for GitHub's 6-hour limit", job.id.text))
                        .help("add `timeout-minutes:` a little above the job's usual duration, e.g. `timeout-minutes: 30`")
                        .build(),
                );
            }
        }
        for workflow in &cx.repo.workflows {
            concurrency(workflow, out);
        }
    }
}

fn step_checks(cx: &Cx<'_>, step: &StepRef<'_>, out: &mut Vec<Finding>) {
    let checks = Acts(step.acts.0 & (Acts::QUALITY.0 | Acts::SECURITY.0));
    if checks.is_empty() {
        return;
    }
    if let Some(flag) = &step.step.continue_on_error {
        non_blocking(
            step.path,
            flag,
            checks,
            &step.place(),
            &step.identity(),
            "continue-on-error",
            out,
        );
    }
    if let Some(run) = &step.step.run
        && let Some(script) = run.as_str()
    {
        let mut offset = 0;
        for line in script.split_inclusive('\n') {
            // The cheap test first: only a line that swallows a failure is read for its tool.
            let maybe = [
                "||",
                "exit-zero",
                "audit-level",
                "exit-code",
                "no-fail",
                "fail-under",
                "soft-fail",
                "true",
            ]
            .iter()
            .any(|w| line.contains(w));
            let found = maybe.then(|| SWALLOW.find(line)).flatten();
            let line_acts = match found {
                Some(_) => {
                    Acts(commands::classify(line).0.0 & (Acts::QUALITY.0 | Acts::SECURITY.0))
                }
                None => Acts::NONE,
            };
            if !line_acts.is_empty()
                && let Some(found) = found
            {
                let what = found.as_str().trim();
                push(
                    step.path,
                    cx.locate(step.path, run, offset + found.start(), found.as_str()),
                    line_acts,
                    &step.place(),
                    &[&step.identity(), what],
                    format!("`{what}`"),
                    out,
                );
            }
            offset += line.len();
        }
    }
    let slug = step
        .step
        .uses
        .as_ref()
        .and_then(|u| Uses::parse(&u.text))
        .map(|u| u.slug())
        .unwrap_or_default();
    for (action, input, values) in SOFT_INPUTS {
        if slug.starts_with(action)
            && let Some(node) = step.step.input(input)
        {
            let value = node
                .as_str()
                .unwrap_or_default()
                .trim_matches(['\'', '"'])
                .to_ascii_lowercase();
            if values.contains(&value.as_str()) {
                push(
                    step.path,
                    node.pos,
                    checks,
                    &step.place(),
                    &[&step.identity(), input],
                    format!("`{input}: {value}`"),
                    out,
                );
            }
        }
    }
}

/// Inputs of scanner actions that make them report without failing.
const SOFT_INPUTS: &[(&str, &str, &[&str])] = &[
    ("aquasecurity/trivy-action", "exit-code", &["0"]),
    ("anchore/scan-action", "fail-build", &["false"]),
    ("bridgecrewio/checkov-action", "soft_fail", &["true"]),
    (
        "checkmarx/kics-github-action",
        "ignore_on_exit",
        &["all", "results"],
    ),
    ("snyk/actions", "continue-on-error", &["true"]),
];

/// Ways a command's failure is swallowed or its threshold set so high it never fails.
static SWALLOW: LazyLock<Regex> = LazyLock::new(|| {
    crate::knowledge::pattern(
        r"\|\|\s*(?:true\b|:|exit\s+0\b|echo\b)|--exit-zero\b|--audit-level[= ](?:critical|none)\b|--exit-code[= ]0\b|--no-fail\b|--fail-under[= ]0\b|--soft-fail\b|\s;\s*true\s*$",
    )
});

fn non_blocking(
    path: &str,
    flag: &Str,
    checks: Acts,
    place: &str,
    identity: &str,
    key: &str,
    out: &mut Vec<Finding>,
) {
    let value = flag.text.trim().to_ascii_lowercase();
    if value == "false" {
        return;
    }
    let mut severity = severity_of(checks);
    if value.contains("${{") {
        severity = Severity::Low;
    }
    let wording = format!("`{key}: {}`", flag.text.trim());
    push(
        path,
        flag.pos,
        checks,
        place,
        &[identity, key],
        wording,
        out,
    );
    if let Some(last) = out.last_mut() {
        last.severity = severity;
    }
}

fn severity_of(checks: Acts) -> Severity {
    if checks.has(Acts::TEST) {
        Severity::High
    } else {
        Severity::Medium
    }
}

fn push(
    path: &str,
    pos: crate::model::Pos,
    checks: Acts,
    place: &str,
    identity: &[&str],
    how: String,
    out: &mut Vec<Finding>,
) {
    let what = checks.names().join(", ");
    out.push(
        at(Rule::NonBlockingCheck, path, pos, identity)
            .severity(severity_of(checks))
            .message(format!("{how} lets {place} ({what}) pass when it finds problems"))
            .help("let the check fail the run: remove `continue-on-error`/`allow_failure` and `|| true`, and set scanners to fail (`exit-code: 1`, no `--exit-zero`); to ease in, fail only above a severity, e.g. `severity: CRITICAL,HIGH` with `exit-code: 1`")
            .detail("checks", what)
            .build(),
    );
}

fn concurrency(workflow: &crate::model::Workflow, out: &mut Vec<Finding>) {
    let Some(trigger) = workflow
        .on
        .get("pull_request")
        .or_else(|| workflow.on.get("pull_request_target"))
    else {
        return;
    };
    if workflow.flavor != Flavor::GitHub {
        return;
    }
    let cancels = |c: &crate::model::Concurrency| {
        c.cancel_in_progress
            .as_deref()
            .is_some_and(|v| v.trim() != "false")
    };
    if workflow.concurrency.as_ref().is_some_and(cancels) {
        return;
    }
    if !workflow.jobs.is_empty()
        && workflow
            .jobs
            .iter()
            .all(|j| j.concurrency.as_ref().is_some_and(cancels))
    {
        return;
    }
    let what = if workflow.concurrency.is_some() {
        "has `concurrency:` without `cancel-in-progress`"
    } else {
        "has no `concurrency:` group"
    };
    out.push(
        at(Rule::MissingConcurrency, &workflow.path, trigger.pos, &["concurrency"])
            .message(format!("the pull-request workflow {what}, so every push to a pull request queues another full run beside the outdated one"))
            .help("add at the top of the workflow:\n  concurrency:\n    group: ${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}\n    cancel-in-progress: ${{ github.event_name == 'pull_request' }}")
            .build(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swallowed_failures() {
        for line in [
            "npm run lint || true",
            "ruff check . || :",
            "flake8 --exit-zero",
            "npm audit --audit-level=critical",
            "trivy fs --exit-code 0 .",
            "pytest || echo failed",
        ] {
            assert!(SWALLOW.is_match(line), "{line}");
        }
        for line in [
            "npm run lint",
            "pytest -x || (cat log && exit 1)",
            "npm audit --audit-level=high",
        ] {
            assert!(!SWALLOW.is_match(line), "{line}");
        }
    }
}
