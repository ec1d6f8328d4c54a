//! Permissions of the `GITHUB_TOKEN`: no `permissions:` at all (the repository default,
//! often read-write on everything), `read-all`/`write-all`, write scopes granted to a
//! whole workflow, and write scopes (or `id-token: write`) a job is given but none of its
//! steps uses.
//!
//! Like zizmor, a workflow-level finding is left out when the job-level ones say it all:
//! a single job, every job with its own `permissions:`, or a workflow only ever called by
//! others (its callers' permissions apply).

use signoff_core::report::{Finding, Severity};

use super::{Audit, Cx, Rule, at};
use crate::knowledge::{Acts, SCOPES};
use crate::model::{Flavor, Permissions as Perms, Pos, Workflow};

pub(crate) struct Permissions;

const HELP: &str = "set `permissions: {}` at the top of the workflow and grant each job only what it uses, e.g.\n  permissions:\n    contents: read";

impl Audit for Permissions {
    fn rules(&self) -> &'static [Rule] {
        &[Rule::ExcessivePermissions, Rule::UnusedWritePermission]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for (wi, workflow) in cx.repo.workflows.iter().enumerate() {
            if workflow.flavor != Flavor::GitHub {
                continue;
            }
            workflow_level(workflow, out);
            let reusable_only = workflow.on.has("workflow_call") && workflow.on.events.len() == 1;
            for (ji, job) in workflow.jobs.iter().enumerate() {
                // Jobs of a workflow only ever called take their callers' token.
                if reusable_only && job.uses.is_none() {
                    continue;
                }
                match &job.permissions {
                    None if workflow.permissions.is_none() => out.push(
                        at(Rule::ExcessivePermissions, &workflow.path, job.id.pos, &[&job.id.text, "default"])
                            .message(format!("job `{}` gets the default token permissions: neither it nor the workflow sets `permissions:`", job.id.text))
                            .help(HELP)
                            .build(),
                    ),
                    Some(perms @ (Perms::ReadAll(_) | Perms::WriteAll(_))) => out.push(base(workflow, perms, &format!("job `{}`", job.id.text), &job.id.text)),
                    _ => {}
                }
                unused(workflow, job, cx.graph.facts(wi, ji), out);
            }
        }
    }
}

fn workflow_level(workflow: &Workflow, out: &mut Vec<Finding>) {
    let all_jobs_set = workflow.jobs.iter().all(|j| j.permissions.is_some());
    let reusable_only = workflow.on.has("workflow_call") && workflow.on.events.len() == 1;
    if workflow.jobs.len() == 1 || all_jobs_set || reusable_only {
        return;
    }
    match &workflow.permissions {
        None => out.push(
            at(Rule::ExcessivePermissions, &workflow.path, Pos { line: workflow.top_lines.first().copied().unwrap_or(1), column: 1 }, &["workflow", "default"])
                .message("the workflow sets no `permissions:`, so jobs without their own get the repository's default token (often read-write on everything)")
                .help(HELP)
                .build(),
        ),
        Some(perms @ (Perms::ReadAll(_) | Perms::WriteAll(_))) => out.push(base(workflow, perms, "the workflow", "workflow")),
        Some(Perms::Scopes(_, scopes)) => {
            for (scope, level) in scopes.iter().filter(|(_, l)| l.text.eq_ignore_ascii_case("write")) {
                out.push(
                    at(Rule::ExcessivePermissions, &workflow.path, scope.pos, &["workflow", &scope.text])
                        .severity(scope_severity(&scope.text))
                        .message(format!("`{}: {}` is granted to every job of the workflow", scope.text, level.text))
                        .help(format!("move `{}: write` to the job that needs it and keep `permissions: {{}}` (or `contents: read`) at the top", scope.text))
                        .build(),
                );
            }
        }
    }
}

fn base(workflow: &Workflow, perms: &Perms, whose: &str, identity: &str) -> Finding {
    let (severity, what) = match perms {
        Perms::WriteAll(_) => (Severity::High, "`write-all`: write access to every scope"),
        _ => (
            Severity::Medium,
            "`read-all`: read access to every scope, private ones included",
        ),
    };
    at(
        Rule::ExcessivePermissions,
        &workflow.path,
        perms.pos(),
        &[identity, "base"],
    )
    .severity(severity)
    .message(format!("{whose} grants the token {what}"))
    .help("list only the scopes used, e.g. `permissions: {contents: read}`")
    .build()
}

/// How much a write scope can do, as zizmor weighs it.
fn scope_severity(scope: &str) -> Severity {
    match scope {
        "actions" | "attestations" | "contents" | "deployments" | "id-token" | "issues"
        | "packages" | "pages" | "pull-requests" => Severity::High,
        "models" | "statuses" => Severity::Low,
        _ => Severity::Medium,
    }
}

fn unused(
    workflow: &Workflow,
    job: &crate::model::Job,
    facts: &crate::graph::JobFacts,
    out: &mut Vec<Finding>,
) {
    let Some(perms) = &job.permissions else {
        return;
    };
    for scope in perms.writes() {
        let name = scope.text.to_ascii_lowercase();
        let unknown = if name == "id-token" {
            facts.scopes.oidc_unknown
        } else {
            facts.scopes.unknown
        };
        if unknown || !SCOPES.contains(&name.as_str()) || facts.scopes.has(&name) {
            continue;
        }
        let what = if name == "id-token" && !facts.acts.has(Acts::OIDC) {
            "no step requests an OIDC token (cloud login by role, trusted publishing, signing, attestations)".to_owned()
        } else {
            format!("none of its steps writes {}", scope_use(&name))
        };
        out.push(
            at(Rule::UnusedWritePermission, &workflow.path, scope.pos, &[&job.id.text, &name])
                .message(format!("job `{}` is granted `{name}: write`, but {what}", job.id.text))
                .help(format!("remove `{name}: write` (or lower it to `{name}: read`); if a step does need it, say which in a waiver"))
                .build(),
        );
    }
}

fn scope_use(scope: &str) -> &'static str {
    match scope {
        "contents" => "to the repository (push, tag, release)",
        "pull-requests" => "to pull requests (comment, label, merge)",
        "issues" => "to issues",
        "packages" => "to GitHub Packages (ghcr.io)",
        "pages" => "a GitHub Pages deployment",
        "security-events" => "code-scanning results (SARIF upload)",
        "statuses" => "commit statuses",
        "checks" => "check runs",
        "deployments" => "deployments",
        "actions" => "to workflow runs or caches",
        "attestations" => "attestations",
        _ => "with this scope",
    }
}
