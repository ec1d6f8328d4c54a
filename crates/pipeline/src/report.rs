//! From what was loaded to the gate report: run every audit (on all cores), drop disabled
//! rules, apply the baseline and the policy's waivers, decide the status from the open
//! findings at or above `fail_on`, and write SARIF beside the report.

use std::path::Path;

use serde_json::json;
use signoff_core::finding::Rule as _;
use signoff_core::policy::PipelinePolicy;
use signoff_core::report::{Check, Finding, GateReport, Op, Severity};
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
    let parallel = cx.steps().len() >= 200;
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
    findings.sort_by(|a, b| {
        location(a)
            .cmp(&location(b))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);

    let baseline_path = args
        .baseline
        .clone()
        .or_else(|| policy.baseline.as_ref().map(|p| root.join(p)));
    let explicit = baseline_path.is_some();
    let baseline_path = baseline_path.unwrap_or_else(|| root.join(DEFAULT_BASELINE));
    const REGENERATE: &str = "signoff-pipeline --write-baseline --baseline FILE";
    if args.write_baseline {
        let text = signoff_core::baseline::render(&findings, BASELINE_SCHEMA);
        match signoff_core::fs::write_atomic(&baseline_path, text.as_bytes()) {
            Ok(()) => report.detail("baseline_written", baseline_path.display().to_string()),
            Err(error) => report.error(format!("error: cannot write the baseline {}: {error}\n  = help: check that the directory is writable", baseline_path.display())),
        };
        for finding in &mut findings {
            finding.waived = true;
            finding.details.insert("baseline".into(), true.into());
        }
    } else if explicit || baseline_path.is_file() {
        match signoff_core::baseline::Baseline::load(&baseline_path, BASELINE_SCHEMA, REGENERATE) {
            Ok(known) => {
                let n = known.apply(&mut findings);
                report.metric("baseline_known", n as u64);
                report.detail("baseline", baseline_path.display().to_string());
            }
            Err(error) => {
                report.error(error.to_string());
                return report
                    .finish("the baseline file is invalid, so the findings were not judged");
            }
        }
    }
    let waived = ctx
        .policy
        .apply_waivers("pipeline", &mut findings, signoff_core::policy::today());
    report.metric("waived", waived as u64);
    judge(args, policy, &mut report, &findings);
    write_sarif(args, ctx, &mut report, &findings);
    let summary = summary(&repo, &graph, &findings);
    report.detail("deploys", deploys(&repo, &graph));
    report.findings(findings);
    report.finish(summary)
}

fn location(finding: &Finding) -> (String, u64, u64) {
    let l = finding.location.clone().unwrap_or_default();
    (l.path, l.line.unwrap_or(0), l.column.unwrap_or(0))
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

fn judge(args: &Args, policy: &PipelinePolicy, report: &mut ReportBuilder, findings: &[Finding]) {
    let fail_on: Severity = args
        .fail_on
        .map(Into::into)
        .or(policy.fail_on)
        .unwrap_or(Severity::High);
    let open: Vec<&Finding> = findings.iter().filter(|f| !f.waived).collect();
    let failing = open.iter().filter(|f| f.severity >= fail_on).count();
    report
        .metric("findings", findings.len() as u64)
        .metric("findings_open", open.len() as u64);
    report.check(
        Check::new(format!("open-findings-{fail_on}-or-worse"), Op::Le, 0.0, failing as f64)
            .message(format!("open findings of severity {fail_on} or worse (waive or baseline a finding to accept it)")),
    );
    let warning = open
        .iter()
        .filter(|f| f.severity < fail_on && f.severity >= Severity::Medium)
        .count();
    if warning > 0 {
        report.warn(format!(
            "{} below the `{fail_on}` threshold",
            plural(
                warning as u64,
                "open medium-or-worse finding is",
                "open medium-or-worse findings are"
            )
        ));
    }
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
    let out = &ctx.out;
    let written = std::fs::create_dir_all(out)
        .and_then(|_| signoff_core::fs::write_atomic(&out.join(SARIF_FILE), text.as_bytes()));
    if let Err(error) =
        written.and_then(|_| report.artifact(out, SARIF_FILE, "application/sarif+json"))
    {
        report.error(format!("error: cannot write {}: {error}\n  = help: check that --out names a writable directory", out.join(SARIF_FILE).display()));
    }
    if let Some(extra) = &args.sarif
        && let Err(error) = signoff_core::fs::write_atomic(extra, text.as_bytes())
    {
        report.error(format!(
            "error: cannot write the SARIF log to {}: {error}\n  = help: check the --sarif path",
            extra.display()
        ));
    }
}

fn summary(repo: &Repo, graph: &Graph<'_>, findings: &[Finding]) -> String {
    let open: Vec<&Finding> = findings.iter().filter(|f| !f.waived).collect();
    let serious = open.iter().filter(|f| f.severity >= Severity::High).count();
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
    match (open.len(), serious) {
        (0, _) if findings.is_empty() => format!("no findings in {scope}"),
        (0, _) => format!(
            "{} in {scope}, all waived or baselined",
            plural(findings.len() as u64, "finding", "findings")
        ),
        (n, 0) => format!(
            "{} in {scope}",
            plural(n as u64, "open finding", "open findings")
        ),
        (n, s) => format!(
            "{} ({s} high or critical) in {scope}",
            plural(n as u64, "open finding", "open findings")
        ),
    }
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
