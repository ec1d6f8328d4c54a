//! Privileged triggers: `pull_request_target` and `workflow_run` run with the base
//! repository's secrets and a write token while reacting to outsiders' pull requests;
//! checking out the pull request's head in such a workflow runs the outsider's code with
//! those privileges.

use std::sync::LazyLock;

use regex_lite::Regex;
use signoff_core::report::Finding;

use super::{Audit, Cx, Rule, at};
use crate::model::uses::Uses;
use crate::model::{Flavor, Workflow};

pub(crate) struct Triggers;

const PRIVILEGED: &[&str] = &["pull_request_target", "workflow_run", "issue_comment"];

impl Audit for Triggers {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::DangerousTriggers, Rule::UntrustedCheckout]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for workflow in &cx.repo.workflows {
            if workflow.flavor != Flavor::GitHub {
                continue;
            }
            for event in ["pull_request_target", "workflow_run", "issue_comment"] {
                let Some(trigger) = workflow.on.get(event) else {
                    continue;
                };
                if !(event == "pull_request_target" && labeler_only(workflow)) {
                    out.push(
                        at(Rule::DangerousTriggers, &workflow.path, trigger.pos, &[event])
                            .message(format!("the workflow runs on `{event}`: with the base repository's secrets and a write token, in reaction to code or events an outsider controls"))
                            .help(if event == "issue_comment" {
                                "anyone can comment: check `github.event.comment.author_association` before acting, never check out or run the pull request's code here, and treat the comment body as untrusted input"
                            } else if event == "workflow_run" {
                                "prefer `on: pull_request` and `needs:`; if this workflow must react to another, never check out or execute its artifacts or head commit, and treat every event field as untrusted"
                            } else {
                                "use `on: pull_request` (no secrets for forks), or keep this workflow free of the pull request's code: no checkout of its head, no build, no scripts from it"
                            })
                            .build(),
                    );
                }
            }
            if PRIVILEGED.iter().any(|e| workflow.on.has(e)) {
                checkouts(cx, workflow, out);
            }
        }
    }
}

/// zizmor's exception: a workflow whose only step is actions/labeler.
fn labeler_only(workflow: &Workflow) -> bool {
    matches!(workflow.jobs.as_slice(), [job] if job.steps.len() == 1
        && job.steps[0].uses.as_ref().and_then(|u| Uses::parse(&u.text)).is_some_and(|u| u.slug() == "actions/labeler"))
}

static HEAD_REF: LazyLock<Regex> = LazyLock::new(|| {
    crate::knowledge::pattern(
        r"github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(?:sha|branch)|refs/pull/|github\.event\.issue\.pull_request|steps\.\w+\.outputs\.(?:head_)?(?:sha|ref)",
    )
});

static FETCH_PR: LazyLock<Regex> = LazyLock::new(|| {
    crate::knowledge::pattern(
        r"\bgh\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull/|\bgit\s+checkout\b[^\n]*\bFETCH_HEAD\b",
    )
});

fn checkouts(cx: &Cx<'_>, workflow: &Workflow, out: &mut Vec<Finding>) {
    for job in &workflow.jobs {
        for (index, step) in job.steps.iter().enumerate() {
            let is_checkout = step
                .uses
                .as_ref()
                .and_then(|u| Uses::parse(&u.text))
                .is_some_and(|u| u.slug() == "actions/checkout");
            let reference = step
                .input("ref")
                .filter(|_| is_checkout)
                .and_then(|r| r.as_str().map(|t| (t, r.pos)));
            let hit = match reference {
                Some((text, pos)) if HEAD_REF.is_match(text) => {
                    Some((pos, format!("checks out `{text}`")))
                }
                _ => step.run.as_ref().and_then(|run| {
                    let script = run.as_str()?;
                    let found = FETCH_PR.find(script)?;
                    Some((
                        cx.locate(&workflow.path, run, found.start(), found.as_str()),
                        format!("runs `{}`", found.as_str()),
                    ))
                }),
            };
            if let Some((pos, what)) = hit {
                out.push(
                    at(Rule::UntrustedCheckout, &workflow.path, pos, &[&job.id.text, &index.to_string()])
                        .message(format!("job `{}` {what}: the pull request's code, in a workflow that holds secrets and a write token", job.id.text))
                        .help("run the pull request's code only under `on: pull_request`; if this workflow must see it, check it out without executing anything from it, with `persist-credentials: false`, and in a job with `permissions: {}` and no secrets")
                        .build(),
                );
            }
        }
    }
}
