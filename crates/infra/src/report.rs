//! From what was loaded to the gate report: run every audit, drop disabled rules, leave
//! credential values to the secret scan, apply the baseline and the policy's waivers,
//! decide the status from the open findings at or above `fail_on`, and write SARIF beside
//! the report.

use std::path::Path;

use signoff_core::audit::Baselining;
use signoff_core::finding::Rule as _;
use signoff_core::policy::InfraPolicy;
use signoff_core::report::{Finding, GateReport, Severity};
use signoff_core::text::plural;
use signoff_core::{Context, ReportBuilder};

use crate::audit::{AUDITS, Cx, Rule};
use crate::load::Repo;
use crate::{Args, BASELINE_SCHEMA, DEFAULT_BASELINE, SARIF_FILE};

pub(crate) fn build(
    args: &Args,
    ctx: &Context,
    mut report: ReportBuilder,
    root: &Path,
    repo: Repo,
    policy: &InfraPolicy,
) -> GateReport {
    metrics(&mut report, &repo);
    if repo.is_empty() {
        report.skip();
        if !repo.helm_templates.is_empty() {
            report.detail("helm_templates_not_judged", repo.helm_templates.clone());
            return report.finish(format!(
                "only {} found, which are not plain YAML, so nothing was judged: render them (`helm template …`) and check the output",
                plural(repo.helm_templates.len() as u64, "Helm template", "Helm templates")
            ));
        }
        return report.finish("no Dockerfile, compose file, Kubernetes manifest, Terraform or .env file found outside vendored code and test fixtures (node_modules, vendor, third_party, fixtures, testdata), so there was nothing to judge");
    }
    for (path, why) in &repo.unreadable {
        report.error(format!(
            "error: cannot read {path}: {why}\n  = help: check that the file is readable by this user, or exclude it with `exclude:` in the `infra` section of signoff.yml"
        ));
    }
    if !repo.helm_templates.is_empty() {
        report.detail("helm_templates_not_judged", repo.helm_templates.clone());
    }
    let cx = Cx { repo: &repo };
    let mut findings: Vec<Finding> = Vec::new();
    for audit in AUDITS.iter().filter(|audit| {
        audit
            .rules()
            .iter()
            .any(|rule| !policy.disabled_rules.iter().any(|id| id == rule.id()))
    }) {
        audit.run(&cx, &mut findings);
    }
    let unknown: Vec<String> = policy
        .disabled_rules
        .iter()
        .filter(|id| Rule::from_id(id).is_none())
        .map(|id| format!("`{id}`"))
        .collect();
    if !unknown.is_empty() {
        report.warn(format!("`disabled_rules` names {} that the infra gate does not have; see the rule list in the README", unknown.join(", ")));
    }
    findings.retain(|f| !policy.disabled_rules.contains(&f.rule));
    let deferred = crate::defer::defer(&repo, &mut findings);
    report.metric("deferred_to_secret_scan", deferred as u64);
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
        "infra",
        Baselining {
            flag: args.baseline.clone(),
            policy: policy.baseline.as_deref(),
            root,
            default: DEFAULT_BASELINE,
            write: args.write_baseline,
            schema: BASELINE_SCHEMA,
            regenerate: "signoff-infra --write-baseline --baseline FILE",
        },
        fail_on,
    );
    if !settled {
        return report.finish("the baseline file is invalid, so the findings were not judged");
    }
    let log = signoff_core::sarif::Log {
        tool: "signoff-infra",
        version: env!("CARGO_PKG_VERSION"),
        properties: &["pin", "missing", "user", "command"],
    };
    let text = log.render(&findings, |id| {
        Rule::from_id(id).map(|rule| signoff_core::sarif::RuleMeta {
            description: rule.description(),
            help: rule.description(),
            severity: rule.default_severity(),
        })
    });
    signoff_core::audit::write_sarif(
        &mut report,
        &ctx.out,
        SARIF_FILE,
        args.sarif.as_deref(),
        &text,
    );
    let summary = summary(&repo, &findings, deferred);
    report.findings(findings);
    report.finish(summary)
}

fn metrics(report: &mut ReportBuilder, repo: &Repo) {
    report
        .metric("files", repo.files() as u64)
        .metric("dockerfiles", repo.dockerfiles.len() as u64)
        .metric("compose_files", repo.compose.len() as u64)
        .metric("manifests", repo.manifests.len() as u64)
        .metric("terraform_files", repo.terraform.len() as u64)
        .metric("env_files", repo.env_files.len() as u64)
        .metric("invalid_files", repo.invalid.len() as u64)
        .metric(
            "helm_templates_not_judged",
            repo.helm_templates.len() as u64,
        )
        .metric("files_read", repo.files_read)
        .metric("bytes_read", repo.bytes_read);
}

fn summary(repo: &Repo, findings: &[Finding], deferred: usize) -> String {
    let mut parts = Vec::new();
    for (n, one, many) in [
        (repo.dockerfiles.len(), "Dockerfile", "Dockerfiles"),
        (repo.compose.len(), "compose file", "compose files"),
        (repo.manifests.len(), "manifest", "manifests"),
        (repo.terraform.len(), "Terraform file", "Terraform files"),
        (repo.env_files.len(), ".env file", ".env files"),
    ] {
        if n > 0 {
            parts.push(plural(n as u64, one, many));
        }
    }
    let scope = if parts.is_empty() {
        "the files read".to_owned()
    } else {
        parts.join(", ")
    };
    let mut text = signoff_core::audit::summary(findings, &scope);
    if deferred > 0 {
        text.push_str(&format!(
            "; {} left to the secret scan",
            plural(deferred as u64, "credential", "credentials")
        ));
    }
    if !repo.helm_templates.is_empty() {
        text.push_str(&format!(
            "; {} not judged (not plain YAML)",
            plural(
                repo.helm_templates.len() as u64,
                "Helm template",
                "Helm templates"
            )
        ));
    }
    text
}
