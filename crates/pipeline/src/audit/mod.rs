//! The audit registry: every rule the gate applies, and one audit per rule family, each in
//! its own file. An audit reads the loaded repository and its job graph ([`Cx`]) and
//! pushes findings built from its rules; the gate runs them all and applies the policy.

mod coverage;
mod hygiene;
mod injection;
mod permissions;
mod quality;
mod release;
mod release_artifacts;
mod supply_chain;
mod triggers;
mod update_bot;

use signoff_core::report::Finding;

use crate::graph::{Graph, JobFacts};
use crate::knowledge::Acts;
use crate::load::Repo;
use crate::model::{Action, Job, Node, Pos, Step, Workflow};
use signoff_core::yaml::tree::Style;

signoff_core::rules! {
    /// Every rule of the pipeline gate.
    pub enum Rule {
        UnpinnedUses = ("unpinned-uses", Severity::High, "An action or reusable workflow is not pinned to a full commit SHA"),
        UnpinnedImages = ("unpinned-images", Severity::Medium, "A container or service image is pinned by a mutable tag or none"),
        CurlPipeShell = ("curl-pipe-shell", Severity::High, "A script pipes a download straight into a shell or interpreter"),
        ExcessivePermissions = ("excessive-permissions", Severity::Medium, "The GITHUB_TOKEN gets the default, read-all or write-all permissions, or write scopes for the whole workflow"),
        UnusedWritePermission = ("unused-write-permission", Severity::Medium, "A job is granted a write scope that none of its steps uses"),
        TemplateInjection = ("template-injection", Severity::High, "An expression an attacker can control is expanded into a script"),
        DangerousTriggers = ("dangerous-triggers", Severity::High, "The workflow runs on pull_request_target, workflow_run or issue_comment, with secrets and a write token"),
        UntrustedCheckout = ("untrusted-checkout", Severity::Critical, "A privileged workflow checks out the pull request's code"),
        NonBlockingCheck = ("non-blocking-check", Severity::Medium, "A lint, test or security step cannot fail the run"),
        MissingTimeout = ("missing-timeout", Severity::Low, "A job has no timeout-minutes"),
        MissingConcurrency = ("missing-concurrency", Severity::Low, "A pull-request workflow does not cancel superseded runs"),
        MissingSecretScan = ("missing-secret-scan", Severity::Medium, "No workflow scans for committed secrets"),
        MissingSast = ("missing-sast", Severity::Medium, "No workflow runs static application security testing"),
        MissingDependencyScan = ("missing-dependency-scan", Severity::Medium, "No workflow scans dependencies for known vulnerabilities"),
        MissingSbom = ("missing-sbom", Severity::Low, "No workflow produces an SBOM"),
        UnscheduledScans = ("unscheduled-scans", Severity::Low, "No security scan runs on a schedule"),
        MissingUpdateBot = ("missing-update-bot", Severity::Medium, "Neither Dependabot nor Renovate keeps dependencies up to date"),
        UpdateBotGap = ("update-bot-gap", Severity::Medium, "Dependabot does not cover an ecosystem the repository uses"),
        DeployNotGated = ("deploy-not-gated", Severity::High, "A production deploy does not wait for the tests and security scans"),
        DeployGateBypass = ("deploy-gate-bypass", Severity::High, "An input or condition lets a production deploy run when its tests did not pass"),
        DeployUnprotected = ("deploy-unprotected", Severity::High, "A production deploy runs without an environment or a manual dispatch"),
        NoStaging = ("no-staging-before-production", Severity::Medium, "Nothing is deployed to staging before production"),
        NoPostDeployCheck = ("no-post-deploy-check", Severity::Medium, "No health check or smoke test follows a production deploy"),
        NoRollback = ("no-rollback", Severity::Medium, "No rollback runs when a production deploy fails"),
        MutableImageTag = ("mutable-image-tag", Severity::High, "An image is pushed only under mutable tags such as latest"),
        UnpinnedSecretVersion = ("unpinned-secret-version", Severity::Medium, "A deploy reads the latest version of a secret instead of a pinned one"),
        DuplicatedSteps = ("duplicated-steps", Severity::Low, "The same run of steps is repeated across workflows"),
        PlaceholderStep = ("placeholder-step", Severity::Medium, "A step only echoes: it claims work it does not do"),
        CommentedOutTrigger = ("commented-out-trigger", Severity::Low, "A trigger of the workflow is commented out"),
        InvalidWorkflow = ("invalid-workflow", Severity::High, "A workflow, action or pipeline file cannot be read as one"),
    }
}

/// What an audit sees.
pub(crate) struct Cx<'a> {
    pub repo: &'a Repo,
    pub graph: &'a Graph<'a>,
    steps: Vec<StepRef<'a>>,
}

/// One audit: a family of related rules.
pub(crate) trait Audit: Sync {
    /// The rules it reports.
    fn rules(&self) -> &'static [Rule];
    /// Pushes its findings.
    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>);
}

/// Every audit, in report order.
pub(crate) static AUDITS: &[&dyn Audit] = &[
    &supply_chain::SupplyChain,
    &permissions::Permissions,
    &injection::Injection,
    &triggers::Triggers,
    &quality::Quality,
    &coverage::Coverage,
    &update_bot::UpdateBot,
    &release::ReleasePath,
    &release_artifacts::ReleaseArtifacts,
    &hygiene::Hygiene,
];

/// A finding of `rule` at `pos` of `path`; `identity` keeps its fingerprint stable when
/// lines move.
pub(crate) fn at(
    rule: Rule,
    path: &str,
    pos: Pos,
    identity: &[&str],
) -> signoff_core::finding::FindingBuilder {
    let mut builder = Finding::new(rule).at(path, u64::from(pos.line));
    if pos.column > 0 {
        builder = builder.column(u64::from(pos.column));
    }
    for part in identity {
        builder = builder.identity(*part);
    }
    builder
}

/// A step wherever it is: in a workflow's job, or in a composite action.
pub(crate) struct StepRef<'a> {
    pub path: &'a str,
    pub workflow: Option<(usize, &'a Workflow)>,
    pub job: Option<(usize, &'a Job)>,
    pub action: Option<&'a Action>,
    pub index: usize,
    pub step: &'a Step,
    pub acts: Acts,
}

impl StepRef<'_> {
    /// `job build, step 3` or `action steps, step 2`, to identify the step in fingerprints.
    pub(crate) fn identity(&self) -> String {
        match self.job {
            Some((_, job)) => format!("{}#{}", job.id.text, self.index),
            None => format!("action#{}", self.index),
        }
    }

    /// Where the step is, for messages.
    pub(crate) fn place(&self) -> String {
        let name = self
            .step
            .name
            .as_ref()
            .map(|n| format!(" (`{}`)", n.text))
            .unwrap_or_default();
        match self.job {
            Some((_, job)) => format!("step {}{name} of job `{}`", self.index + 1, job.id.text),
            None => format!("step {}{name} of the action", self.index + 1),
        }
    }
}

impl<'a> Cx<'a> {
    /// Where `needle`, found at byte `offset` of the scalar `node` of file `path`, is in the
    /// file. A `|` block maps offsets to lines exactly; folded and multi-line plain or
    /// quoted scalars do not, so the needle is found in the file's text instead.
    pub(crate) fn locate(&self, path: &str, node: &Node, offset: usize, needle: &str) -> Pos {
        let (Some(text), Some(source)) = (node.as_str(), self.repo.sources.get(path)) else {
            return node.pos_of(offset);
        };
        if node.style() == Some(Style::Literal) || needle.is_empty() {
            return node.pos_of(offset);
        }
        let nth = text
            .get(..offset)
            .map_or(0, |before| before.matches(needle).count());
        let start = byte_of(source, node.pos);
        source[start..]
            .match_indices(needle)
            .nth(nth)
            .map_or(node.pos, |(at, _)| pos_at(source, start + at))
    }

    /// What audits see of `repo` and its `graph`; every step is gathered once here.
    pub(crate) fn new(repo: &'a Repo, graph: &'a Graph<'a>) -> Self {
        let steps = gather(repo, graph);
        Cx { repo, graph, steps }
    }

    /// Every step of every workflow job and every composite action, with what it does.
    pub(crate) fn steps(&self) -> &[StepRef<'a>] {
        &self.steps
    }

    /// Every job with its workflow and facts.
    pub(crate) fn jobs(&self) -> impl Iterator<Item = (usize, &Workflow, usize, &Job, &JobFacts)> {
        self.repo
            .workflows
            .iter()
            .enumerate()
            .flat_map(move |(wi, w)| {
                w.jobs
                    .iter()
                    .enumerate()
                    .map(move |(ji, j)| (wi, w, ji, j, self.graph.facts(wi, ji)))
            })
    }
}

/// Every step of every workflow job and every composite action, with what it does.
fn gather<'a>(repo: &'a Repo, graph: &'a Graph<'a>) -> Vec<StepRef<'a>> {
    let mut out = Vec::new();
    for (wi, workflow) in repo.workflows.iter().enumerate() {
        for (ji, job) in workflow.jobs.iter().enumerate() {
            let facts = graph.facts(wi, ji);

            for (index, step) in job.steps.iter().enumerate() {
                out.push(StepRef {
                    path: workflow.file_of(job),
                    workflow: Some((wi, workflow)),
                    job: Some((ji, job)),
                    action: None,
                    index,
                    step,
                    acts: facts.steps.get(index).copied().unwrap_or_default(),
                });
            }
        }
    }
    for (ai, action) in repo.actions.iter().enumerate() {
        for (index, step) in action.steps.iter().enumerate() {
            let acts = graph.action_steps[ai]
                .get(index)
                .copied()
                .unwrap_or_default();
            out.push(StepRef {
                path: &action.path,
                workflow: None,
                job: None,
                action: Some(action),
                index,
                step,
                acts,
            });
        }
    }
    out
}

/// The byte offset of a 1-based line and column (in characters) in `source`.
fn byte_of(source: &str, pos: Pos) -> usize {
    let mut offset = 0;
    for (index, line) in source.split_inclusive('\n').enumerate() {
        if index + 1 == pos.line as usize {
            let column = pos.column.saturating_sub(1) as usize;
            return offset
                + line
                    .char_indices()
                    .nth(column)
                    .map_or(line.len(), |(i, _)| i);
        }
        offset += line.len();
    }
    source.len()
}

/// The 1-based line and column of byte `offset` in `source`.
fn pos_at(source: &str, offset: usize) -> Pos {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos {
        line,
        column: before[start..].chars().count() as u32 + 1,
    }
}

#[cfg(test)]
mod tests {
    use signoff_core::finding::Rule as _;

    use super::*;

    #[test]
    fn every_rule_belongs_to_exactly_one_audit() {
        for rule in Rule::ALL {
            let owners = AUDITS
                .iter()
                .filter(|audit| audit.rules().contains(rule))
                .count();
            assert_eq!(owners, 1, "{}", rule.id());
        }
    }

    #[test]
    fn rule_list() {
        let list: Vec<String> = Rule::ALL
            .iter()
            .map(|r| {
                format!(
                    "{:<30} {:<8} {}",
                    r.id(),
                    r.default_severity().as_str(),
                    r.description()
                )
            })
            .collect();
        insta::assert_snapshot!(list.join("\n"));
    }
}
