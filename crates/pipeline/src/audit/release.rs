//! The release path, which no peer checks: for every production deploy (found by its
//! `environment:`, its name or the deploy commands of common platforms), does it wait for
//! the tests and security scans (`needs:`, transitively), can an input or `if:` let it run
//! without them, does it run under an environment or a manual dispatch, does a staging
//! deploy come first, does a health check or smoke test follow, and does a rollback run
//! when it fails?

use signoff_core::report::{Finding, Severity};

use super::{Audit, Cx, Rule, at};
use crate::graph::Stage;
use crate::knowledge::Acts;
use crate::model::expr::{Expr, fenced};
use crate::model::{Flavor, Job, Str, Workflow};

pub(crate) struct ReleasePath;

impl Audit for ReleasePath {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::DeployNotGated,
            Rule::DeployGateBypass,
            Rule::DeployUnprotected,
            Rule::NoStaging,
            Rule::NoPostDeployCheck,
            Rule::NoRollback,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        let security_exists = cx.jobs().any(|(.., facts)| facts.acts.has(Acts::SECURITY));
        let staging_anywhere = cx.jobs().any(|(.., facts)| {
            facts
                .deploy
                .as_ref()
                .is_some_and(|d| d.stage == Stage::Staging)
        });
        let manual_rollback = cx.repo.workflows.iter().enumerate().any(|(wi, w)| {
            w.on.has("workflow_dispatch")
                && cx.graph.jobs[wi]
                    .iter()
                    .any(|f| f.acts.has(Acts::ROLLBACK) && !f.acts.has(Acts::DEPLOY))
        });
        for (wi, workflow) in cx.repo.workflows.iter().enumerate() {
            if cx.graph.is_called(wi) {
                continue;
            }
            for (ji, job) in workflow.jobs.iter().enumerate() {
                let facts = cx.graph.facts(wi, ji);
                let Some(deploy) = &facts.deploy else {
                    continue;
                };
                if deploy.pages || deploy.stage == Stage::Preview {
                    continue;
                }
                let d = Deployed {
                    cx,
                    wi,
                    workflow,
                    ji,
                    job,
                    why: &deploy.why,
                    stage: deploy.stage,
                };
                // Staging deploys are judged only for tests an input can skip.
                d.bypass(out);
                if deploy.stage != Stage::Production {
                    continue;
                }
                d.gated(security_exists, out);
                let protected = d.protected(out);
                d.staging(staging_anywhere, protected, out);
                d.checked_after(out);
                d.rollback(manual_rollback, out);
            }
        }
    }
}

/// One production deploy being judged.
struct Deployed<'a> {
    cx: &'a Cx<'a>,
    wi: usize,
    workflow: &'a Workflow,
    ji: usize,
    job: &'a Job,
    why: &'a str,
    stage: Stage,
}

impl Deployed<'_> {
    fn finding(
        &self,
        rule: Rule,
        pos: crate::model::Pos,
        what: String,
    ) -> signoff_core::finding::FindingBuilder {
        at(
            rule,
            self.workflow.file_of(self.job),
            pos,
            &[&self.job.id.text],
        )
        .message(format!(
            "{} deploy `{}` ({}) {what}",
            self.stage.as_str(),
            self.job.id.text,
            self.why
        ))
        .detail("job", self.job.id.text.clone())
    }

    fn facts(&self) -> &crate::graph::JobFacts {
        self.cx.graph.facts(self.wi, self.ji)
    }

    /// What runs before the deploy: the jobs it needs (transitively), the steps of its own
    /// job before the first deploy step, and upstream workflows it waits for.
    fn before(&self) -> Acts {
        let facts = self.facts();
        let (inside, _) = self.cx.graph.around_deploy(self.wi, self.ji, 0);
        let acts = facts
            .upstream
            .iter()
            .fold(inside, |acc, &j| acc | self.cx.graph.facts(self.wi, j).acts);
        acts | self.upstream_workflows()
    }

    /// What the workflows a `workflow_run` trigger waits for do, when the deploy only runs
    /// after they succeeded.
    fn upstream_workflows(&self) -> Acts {
        let Some(trigger) = self.workflow.on.get("workflow_run") else {
            return Acts::NONE;
        };
        let checks_success = self.workflow.jobs.iter().any(|j| {
            j.cond
                .as_ref()
                .is_some_and(|c| c.text.contains("conclusion") && c.text.contains("success"))
        });
        if !checks_success {
            return Acts::NONE;
        }
        let names: Vec<String> = crate::model::workflow::strings(
            trigger.config.as_ref().and_then(|c| c.get("workflows")),
        )
        .into_iter()
        .map(|s| s.text)
        .collect();
        let mut acts = Acts::NONE;
        for (wi, other) in self.cx.repo.workflows.iter().enumerate() {
            let file = other.path.rsplit('/').next().unwrap_or_default();
            if names
                .iter()
                .any(|n| other.name.as_deref() == Some(n.as_str()) || n == file)
            {
                acts |= self.cx.graph.jobs[wi]
                    .iter()
                    .fold(Acts::NONE, |acc, f| acc | f.acts);
            }
        }
        acts
    }

    fn gated(&self, security_exists: bool, out: &mut Vec<Finding>) {
        let before = self.before();
        let mut missing = Vec::new();
        if !before.has(Acts::TEST) {
            missing.push("the tests");
        }
        if security_exists && !before.has(Acts::SECURITY) {
            missing.push("the security scans");
        }
        if missing.is_empty() {
            return;
        }
        let reached: Vec<String> = self
            .facts()
            .upstream
            .iter()
            .map(|&j| format!("`{}`", self.workflow.jobs[j].id.text))
            .collect();
        let waits = if reached.is_empty() {
            "it needs no other job".to_owned()
        } else {
            format!("its `needs:` reach only {}", reached.join(", "))
        };
        let severity = if missing.contains(&"the tests") {
            Severity::High
        } else {
            Severity::Medium
        };
        out.push(
            self.finding(Rule::DeployNotGated, self.job.id.pos, format!("does not wait for {}: {waits}", missing.join(" or ")))
                .severity(severity)
                .help(format!("make the deploy need the jobs that test and scan this commit, e.g.\n  {}:\n    needs: [test, security-scan]", self.job.id.text))
                .build(),
        );
    }

    fn bypass_severity(&self) -> Severity {
        if self.stage == Stage::Production {
            Severity::High
        } else {
            Severity::Medium
        }
    }

    fn bypass(&self, out: &mut Vec<Finding>) {
        let graph = self.cx.graph;
        let facts = self.facts();
        let mut chain: Vec<usize> = vec![self.ji];
        chain.extend(facts.upstream.iter().copied());
        let runs_anyway = chain
            .iter()
            .find_map(|&j| runs_regardless(self.workflow.jobs[j].cond.as_ref()).map(|c| (j, c)));
        let mut skippable: Vec<(&Str, String)> = Vec::new();
        for &j in &chain {
            let job_facts = graph.facts(self.wi, j);
            if !job_facts.acts.has(Acts::TEST) {
                continue;
            }
            let job = &self.workflow.jobs[j];
            if let Some(cond) = job.cond.as_ref().filter(|c| by_input(c)) {
                skippable.push((cond, format!("job `{}`", job.id.text)));
            }
            for (i, step) in job.steps.iter().enumerate() {
                let tests = job_facts.steps.get(i).is_some_and(|a| a.has(Acts::TEST));
                if let Some(cond) = step.cond.as_ref().filter(|c| tests && by_input(c)) {
                    skippable.push((cond, format!("step {} of job `{}`", i + 1, job.id.text)));
                }
            }
        }
        if let Some((j, cond)) = runs_anyway {
            let whose = &self.workflow.jobs[j].id.text;
            out.push(
                self.finding(Rule::DeployGateBypass, cond.pos, format!("runs even when the jobs it needs fail or are skipped: `{whose}` has `if: {}`", cond.text.trim()))
                    .severity(self.bypass_severity())
                    .identity(cond.text.clone())
                    .help("require success of what the deploy needs, e.g. `if: ${{ !cancelled() && needs.test.result == 'success' }}`, or drop `always()` so a failed or skipped test stops the deploy")
                    .build(),
            );
        }
        for (cond, whose) in skippable {
            // A skipped test job stops its dependents unless something runs them anyway.
            if whose.starts_with("job") && runs_anyway.is_none() {
                continue;
            }
            out.push(
                self.finding(Rule::DeployGateBypass, cond.pos, format!("can ship untested: {whose} is skipped by `if: {}`", cond.text.trim()))
                    .severity(self.bypass_severity())
                    .identity(cond.text.clone())
                    .help("remove the skip input, or keep it only for non-production deploys (`if: inputs.environment != 'production'`)")
                    .build(),
            );
        }
    }

    /// Whether the deploy is protected; reports when it is not.
    fn protected(&self, out: &mut Vec<Finding>) -> bool {
        let manual = self.job.manual
            || (self.workflow.flavor == Flavor::GitHub
                && self.workflow.on.only(&["workflow_dispatch"]));
        let env = self.job.environment.is_some() || self.called_environment();
        if manual || env {
            return true;
        }
        let deliberate =
            self.workflow.on.only(&["release", "workflow_dispatch"]) || self.tag_triggered();
        let (severity, how) = if deliberate {
            (
                Severity::Medium,
                "runs when a release or tag is created, with no `environment:` to require approval",
            )
        } else {
            (
                Severity::High,
                "runs automatically, with no `environment:` (protection rules, required reviewers) and no manual dispatch",
            )
        };
        let help = if self.workflow.flavor == Flavor::GitLab {
            "mark the job `environment: production` (a protected environment) and `when: manual`"
                .to_owned()
        } else {
            format!(
                "run it under a protected environment:\n  {}:\n    environment: production\nand require reviewers for `production` in the repository settings",
                self.job.id.text
            )
        };
        out.push(
            self.finding(Rule::DeployUnprotected, self.job.id.pos, how.into())
                .severity(severity)
                .help(help)
                .build(),
        );
        false
    }

    fn tag_triggered(&self) -> bool {
        self.workflow
            .on
            .get("push")
            .and_then(|t| t.config.as_ref())
            .is_some_and(|c| c.get("tags").is_some() && c.get("branches").is_none())
    }

    /// Whether a called local workflow runs its jobs under an environment, or a remote one
    /// is given one as an input.
    fn called_environment(&self) -> bool {
        let Some(uses) = &self.job.uses else {
            return false;
        };
        if self
            .job
            .with
            .iter()
            .any(|(k, _)| k.text.to_ascii_lowercase().contains("environment"))
        {
            return true;
        }
        let path = crate::graph::local(&uses.text);
        self.cx
            .repo
            .workflows
            .iter()
            .filter(|w| w.path == path)
            .any(|w| w.jobs.iter().any(|j| j.environment.is_some()))
    }

    fn staging(&self, staging_anywhere: bool, protected: bool, out: &mut Vec<Finding>) {
        let graph = self.cx.graph;
        let upstream_staging = self.facts().upstream.iter().any(|&j| {
            graph
                .facts(self.wi, j)
                .deploy
                .as_ref()
                .is_some_and(|d| d.stage == Stage::Staging)
        });
        if upstream_staging
            || (staging_anywhere && protected)
            || self.upstream_workflows().has(Acts::DEPLOY)
        {
            return;
        }
        let what = if staging_anywhere {
            "is not preceded by the staging deploy: it neither needs it nor waits for an approval after it"
        } else {
            "ships straight to production: nothing deploys to a staging environment first"
        };
        out.push(
            self.finding(Rule::NoStaging, self.job.id.pos, what.into())
                .help(format!("deploy the same build to staging first and promote it, e.g.\n  deploy-staging:\n    environment: staging\n  {}:\n    needs: [deploy-staging]\n    environment: production", self.job.id.text))
                .build(),
        );
    }

    fn checked_after(&self, out: &mut Vec<Finding>) {
        let graph = self.cx.graph;
        let (_, inside) = graph.around_deploy(self.wi, self.ji, 0);
        let after_in_job = inside.has(Acts(Acts::HEALTH.0 | Acts::TEST.0));
        let downstream = graph.jobs[self.wi].iter().any(|f| {
            f.upstream.contains(&self.ji) && f.acts.has(Acts(Acts::HEALTH.0 | Acts::TEST.0))
        });
        if after_in_job || downstream {
            return;
        }
        out.push(
            self.finding(Rule::NoPostDeployCheck, self.job.id.pos, "is not followed by a health check or smoke test".into())
                .help("check the deployed service before calling it done, e.g. a step after the deploy:\n  - run: curl --fail --retry 10 --retry-connrefused --retry-delay 6 \"$SERVICE_URL/health\"\nor signoff's `health-check` action with `expect:` assertions and a `rollback` command")
                .build(),
        );
    }

    fn rollback(&self, manual_rollback: bool, out: &mut Vec<Finding>) {
        let graph = self.cx.graph;
        let facts = self.facts();
        let downstream = graph.jobs[self.wi]
            .iter()
            .any(|f| f.upstream.contains(&self.ji) && f.acts.has(Acts::ROLLBACK));
        if facts.acts.has(Acts::ROLLBACK) || downstream {
            return;
        }
        let (severity, what) = if manual_rollback {
            (
                Severity::Low,
                "has no automatic rollback; only a manual rollback workflow exists",
            )
        } else {
            (
                Severity::Medium,
                "has no rollback: nothing restores the previous release when the deploy or its checks fail",
            )
        };
        out.push(
            self.finding(Rule::NoRollback, self.job.id.pos, what.into())
                .severity(severity)
                .help("roll back automatically on failure, e.g. `helm upgrade --atomic`, or a step\n  - if: failure()\n    run: kubectl rollout undo deployment/app\n(Cloud Run: `gcloud run services update-traffic --to-revisions=PREVIOUS=100`)")
                .build(),
        );
    }
}

/// The `if:` that lets a job run whatever happened to the jobs it needs (`always()`,
/// `!cancelled()`), unless it also requires their success without accepting `skipped`.
fn runs_regardless(cond: Option<&Str>) -> Option<&Str> {
    let cond = cond?;
    let text = cond.text.trim();
    let inner = fenced(text).first().map_or(text, |f| f.inner);
    let expr = Expr::parse(inner)?;
    let calls = expr.calls();
    let anyway = calls.contains(&"always")
        || (calls.contains(&"cancelled") && inner.contains('!'))
        || calls.contains(&"failure");
    let requires_success =
        inner.contains("'success'") && !inner.contains("'skipped'") && !inner.contains("'failure'");
    (anyway && !requires_success).then_some(cond)
}

/// Whether an `if:` depends on an input or a dispatch field (`inputs.skip_tests`).
fn by_input(cond: &Str) -> bool {
    let text = cond.text.to_ascii_lowercase();
    text.contains("inputs.") || text.contains("github.event.inputs")
}
