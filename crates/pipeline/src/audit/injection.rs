//! Template injection: `${{ … }}` expanded into a script (`run:`, or the `script:` of
//! actions/github-script) when the value can come from an attacker: most of
//! `github.event.*` (titles, bodies, branch names, commit messages), `github.head_ref`,
//! string inputs, and matrix values computed at run time. Values that cannot carry code
//! (numbers, ids, SHAs, booleans, results) are left alone, as are secrets.

use signoff_core::report::{Finding, Severity};

use super::{Audit, Cx, Rule, StepRef, at};
use crate::model::expr::{Context, Expr, fenced};
use crate::model::uses::Uses;
use crate::model::{Flavor, Node};

pub(crate) struct Injection;

impl Audit for Injection {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::TemplateInjection]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for step in cx.steps() {
            if step
                .workflow
                .is_some_and(|(_, w)| w.flavor == Flavor::GitLab)
            {
                continue;
            }
            if let Some(run) = &step.step.run {
                scan(cx, step, run, "this script", out);
            }
            let sink = step
                .step
                .uses
                .as_ref()
                .and_then(|u| Uses::parse(&u.text))
                .and_then(|u| sink_input(&u.slug()));
            if let Some(script) = sink.and_then(|input| step.step.input(input)) {
                scan(cx, step, script, "this script", out);
            }
        }
    }
}

/// Actions that run an input as code.
fn sink_input(slug: &str) -> Option<&'static str> {
    match slug {
        "actions/github-script"
        | "amadevus/pwsh-script"
        | "jannekem/run-python-script-action"
        | "appleboy/ssh-action" => Some("script"),
        "azure/cli" | "azure/powershell" => Some("inlineScript"),
        "cardinalby/js-eval-action" => Some("expression"),
        "addnab/docker-run-action" => Some("run"),
        _ => None,
    }
}

fn scan(cx: &Cx<'_>, step: &StepRef<'_>, node: &Node, what: &str, out: &mut Vec<Finding>) {
    let Some(text) = node.as_str() else { return };
    for fence in fenced(text) {
        let Some(expr) = Expr::parse(fence.inner) else {
            continue;
        };
        for context in expr.dataflow() {
            let Some((severity, why)) = risk(step, context) else {
                continue;
            };
            let offset = fence.start + 3 + context.offset;
            out.push(
                at(Rule::TemplateInjection, step.path, cx.locate(step.path, node, offset, &context.raw), &[&step.identity(), &context.raw, &text[..offset].matches(context.raw.as_str()).count().to_string()])
                    .severity(severity)
                    .message(format!("`{}` {why} and is expanded into {what} ({})", context.raw, step.place()))
                    .help(format!(
                        "pass it through an environment variable and quote it, so the shell never parses it as code:\n  env:\n    VALUE: ${{{{ {} }}}}\n  run: echo \"$VALUE\"",
                        context.raw
                    ))
                    .detail("context", context.pattern())
                    .build(),
            );
        }
    }
}

/// How dangerous a context is in a script, or `None` when it cannot carry code.
fn risk(step: &StepRef<'_>, context: &Context) -> Option<(Severity, &'static str)> {
    if context.called {
        return None;
    }
    let parts: Vec<&str> = context.parts.iter().map(String::as_str).collect();
    match parts.as_slice() {
        ["secrets", ..] | ["needs", _, "result"] | ["steps", _, "outcome" | "conclusion"] => None,
        ["github", "event", "inputs", name] => dispatch_input_risk(step, name),
        ["github", "event", rest @ ..] => {
            (!rest.is_empty() && !fixed_event_field(rest)).then_some((
                Severity::High,
                "comes from the triggering event, which an outsider can write",
            ))
        }
        ["github", field, ..] => (!FIXED_GITHUB.contains(field))
            .then_some((Severity::High, "can be chosen by whoever triggers the run")),
        ["inputs", name] => input_risk(step, name),
        ["matrix", ..] => matrix_risk(step),
        _ => None,
    }
}

/// `github.*` values that are fixed by GitHub, not by whoever triggers the run.
const FIXED_GITHUB: &[&str] = &[
    "action_path",
    "job",
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "repositoryurl",
    "run_attempt",
    "run_id",
    "run_number",
    "server_url",
    "sha",
    "token",
    "triggering_actor",
    "workspace",
    "event_name",
];

/// Event fields that hold numbers, ids, commit SHAs or booleans, which cannot carry code.
fn fixed_event_field(path: &[&str]) -> bool {
    let Some(last) = path.last() else {
        return false;
    };
    if *last == "*" || *last == "node_id" {
        return false;
    }
    matches!(
        *last,
        "number"
            | "id"
            | "after"
            | "before"
            | "sha"
            | "draft"
            | "merged"
            | "locked"
            | "fork"
            | "private"
            | "archived"
            | "disabled"
            | "created"
            | "deleted"
            | "forced"
            | "size"
            | "additions"
            | "deletions"
            | "changed_files"
            | "commits"
            | "comments"
            | "review_comments"
            | "prerelease"
            | "conclusion"
            | "status"
            | "state"
            | "author_association"
            | "type"
            | "delete_branch_on_merge"
            | "web_commit_signoff_required"
            | "run_attempt"
            | "run_number"
            | "maintainer_can_modify"
            | "rebaseable"
            | "mergeable"
            | "site_admin"
            | "is_template"
            | "has_issues"
            | "has_wiki"
            | "has_pages"
            | "has_projects"
            | "has_downloads"
            | "has_discussions"
            | "allow_forking"
            | "forks"
            | "watchers"
            | "open_issues"
    ) || last.ends_with("_id")
        || last.ends_with("_sha")
        || last.ends_with("_count")
        || last.ends_with("_at")
}

fn input_risk(step: &StepRef<'_>, name: &str) -> Option<(Severity, &'static str)> {
    if step.action.is_some() {
        return Some((
            Severity::High,
            "is an input of the action, which its caller can fill with anything",
        ));
    }
    let (_, workflow) = step.workflow?;
    match workflow.on.input_type(name).as_deref() {
        Some("string") => Some((Severity::High, "is a free-text input of the workflow")),
        _ => None,
    }
}

/// `github.event.inputs.<name>`: what the workflow declares it to be, like `inputs.<name>`
/// (a choice, boolean or number cannot carry code); undeclared, it is whatever the caller
/// sent.
fn dispatch_input_risk(step: &StepRef<'_>, name: &str) -> Option<(Severity, &'static str)> {
    let declared = step
        .workflow
        .and_then(|(_, workflow)| workflow.on.input_type(name));
    match declared.as_deref() {
        Some("string") => Some((Severity::High, "is a free-text input of the workflow")),
        Some(_) => None,
        None => Some((
            Severity::High,
            "comes from the triggering event, which whoever triggers the run can write",
        )),
    }
}

fn matrix_risk(step: &StepRef<'_>) -> Option<(Severity, &'static str)> {
    let (_, job) = step.job?;
    let matrix = job.matrix.as_ref()?;
    (!is_static(matrix)).then_some((Severity::Medium, "comes from a matrix computed at run time"))
}

/// Whether a matrix holds only literal values (no `${{ }}` anywhere).
fn is_static(node: &Node) -> bool {
    match &node.value {
        crate::model::Value::Scalar { text, .. } => !text.contains("${{"),
        crate::model::Value::Sequence(items) => items.iter().all(is_static),
        crate::model::Value::Mapping(entries) => entries.iter().all(|e| is_static(&e.value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_fields_that_cannot_carry_code() {
        assert!(fixed_event_field(&["pull_request", "number"]));
        assert!(fixed_event_field(&["pull_request", "head", "sha"]));
        assert!(fixed_event_field(&["workflow_run", "head_sha"]));
        assert!(!fixed_event_field(&["pull_request", "title"]));
        assert!(!fixed_event_field(&["pull_request", "head", "ref"]));
        assert!(!fixed_event_field(&["issue", "node_id"]));
    }
}
