//! From what was loaded to the gate report: run every audit (on all cores), drop disabled
//! rules, apply the baseline and the policy's waivers, decide the status from the open
//! findings at or above `fail_on`, and write SARIF beside the report.

use std::path::Path;

use serde_json::json;
use signoff_core::finding::Rule as _;
use signoff_core::policy::PipelinePolicy;
use signoff_core::report::{Finding, GateReport, Severity};
use signoff_core::text::plural;
use signoff_core::{Context, ReportBuilder};

use crate::audit::{AUDITS, Cx, Rule};
use crate::graph::Graph;
use crate::load::Repo;
use crate::{Args, BASELINE_SCHEMA, DEFAULT_BASELINE, SARIF_FILE};

/// Default names of production environments are built in; the policy may add globs.
pub(crate) fn build(
    args: &Args,
    ctx: &Context,
    mut report: ReportBuilder,
    root: &Path,
    repo: Repo,
    policy: &PipelinePolicy,
) -> GateReport {
    let graph = Graph::new(&repo, &policy.production);
    metrics(&mut report, &repo, &graph);
    if repo.workflows.is_empty() && repo.actions.is_empty() && repo.invalid.is_empty() {
        report.skip();
        return report.finish("no CI configuration found (.github/workflows/*.yml, action.yml, .gitlab-ci.yml), so there was nothing to judge");
    }
    if !repo.external_includes.is_empty() {
        report.warn(format!(
            "the GitLab pipeline includes {} from outside the repository ({}); their jobs were not read, so they are not judged",
            plural(repo.external_includes.len() as u64, "file", "files"),
            repo.external_includes.join(", ")
        ));
    }
    let cx = Cx::new(&repo, &graph);
    let audits: Vec<_> = AUDITS
        .iter()
        .filter(|audit| {
            audit
                .rules()
                .iter()
                .any(|rule| !policy.disabled_rules.iter().any(|id| id == rule.id()))
        })
        .collect();
    // The walk started the threads; from a few dozen steps on, the audits pay for them.
    let parallel = cx.steps().len() >= 40;
    let mut findings: Vec<Finding> = crate::load::map(audits, parallel, |audit| {
        let mut out = Vec::new();
        audit.run(&cx, &mut out);
        out
    })
    .into_iter()
    .flatten()
    .collect();
    let unknown: Vec<&String> = policy
        .disabled_rules
        .iter()
        .filter(|id| Rule::from_id(id).is_none())
        .collect();
    if !unknown.is_empty() {
        let ids: Vec<String> = unknown.iter().map(|id| format!("`{id}`")).collect();
        report.warn(format!("`disabled_rules` names {} that the pipeline gate does not have; see `signoff-pipeline --help` or the rule list in the report", ids.join(", ")));
    }
    findings.retain(|f| !policy.disabled_rules.contains(&f.rule));
    signoff_core::audit::sort(&mut findings);

    let fail_on: Severity = args
        .fail_on
        .map(Into::into)
        .or(policy.fail_on)
        .unwrap_or(Severity::High);
    let settled = signoff_core::audit::settle(
        &mut report,
        &mut findings,
        ctx,
        "pipeline",
        signoff_core::audit::Baselining {
            flag: args.baseline.clone(),
            policy: policy.baseline.as_deref(),
            root,
            default: DEFAULT_BASELINE,
            write: args.write_baseline,
            schema: BASELINE_SCHEMA,
            regenerate: "signoff-pipeline --write-baseline --baseline FILE",
        },
        fail_on,
    );
    if !settled {
        return report.finish("the baseline file is invalid, so the findings were not judged");
    }
    write_sarif(args, ctx, &mut report, &findings);
    let summary = summary(&repo, &graph, &findings);
    report.detail("deploys", deploys(&repo, &graph));
    report.findings(findings);
    report.finish(summary)
}

fn metrics(report: &mut ReportBuilder, repo: &Repo, graph: &Graph<'_>) {
    let jobs: usize = repo.workflows.iter().map(|w| w.jobs.len()).sum();
    let steps: usize = repo
        .workflows
        .iter()
        .flat_map(|w| &w.jobs)
        .map(|j| j.steps.len())
        .sum();
    let deploys = graph
        .jobs
        .iter()
        .flatten()
        .filter(|f| f.deploy.is_some())
        .count();
    let production = graph
        .jobs
        .iter()
        .flatten()
        .filter(|f| {
            f.deploy
                .as_ref()
                .is_some_and(|d| d.stage == crate::graph::Stage::Production && !d.pages)
        })
        .count();
    report
        .metric("workflows", repo.workflows.len() as u64)
        .metric("actions", repo.actions.len() as u64)
        .metric("jobs", jobs as u64)
        .metric("steps", steps as u64)
        .metric("deploy_jobs", deploys as u64)
        .metric("production_deploys", production as u64)
        .metric("files_read", repo.files_read)
        .metric("bytes_read", repo.bytes_read);
}

fn write_sarif(args: &Args, ctx: &Context, report: &mut ReportBuilder, findings: &[Finding]) {
    let log = signoff_core::sarif::Log {
        tool: "signoff-pipeline",
        version: env!("CARGO_PKG_VERSION"),
        properties: &["job", "context", "checks", "ecosystem", "uses"],
    };
    let text = log.render(findings, |id| {
        Rule::from_id(id).map(|rule| signoff_core::sarif::RuleMeta {
            description: rule.description(),
            help: rule.description(),
            severity: rule.default_severity(),
        })
    });
    signoff_core::audit::write_sarif(report, &ctx.out, SARIF_FILE, args.sarif.as_deref(), &text);
}

fn summary(repo: &Repo, graph: &Graph<'_>, findings: &[Finding]) -> String {
    let production = graph
        .jobs
        .iter()
        .flatten()
        .filter(|f| {
            f.deploy
                .as_ref()
                .is_some_and(|d| d.stage == crate::graph::Stage::Production && !d.pages)
        })
        .count();
    let scope = format!(
        "{} and {}, {}",
        plural(repo.workflows.len() as u64, "workflow", "workflows"),
        plural(repo.actions.len() as u64, "action", "actions"),
        plural(production as u64, "production deploy", "production deploys")
    );
    signoff_core::audit::summary(findings, &scope)
}

/// The deploy jobs found, for the report's release-path part.
fn deploys(repo: &Repo, graph: &Graph<'_>) -> serde_json::Value {
    let mut out = Vec::new();
    for (wi, workflow) in repo.workflows.iter().enumerate() {
        for (ji, job) in workflow.jobs.iter().enumerate() {
            if let Some(deploy) = &graph.jobs[wi][ji].deploy {
                out.push(json!({
                    "workflow": workflow.path,
                    "job": job.id.text,
                    "line": job.id.pos.line,
                    "stage": deploy.stage.as_str(),
                    "why": deploy.why,
                    "site": deploy.pages,
                }));
            }
        }
    }
    serde_json::Value::Array(out)
}
