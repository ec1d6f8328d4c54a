//! The repository seen as one pipeline: what each job does (its steps, the local composite
//! actions they use and the local reusable workflows it calls, followed to a bounded
//! depth), what each job waits for (`needs:`, transitively, and `workflow_run` upstreams),
//! and which jobs deploy, to which stage.

use std::collections::{HashMap, HashSet};

use crate::knowledge::{self, Acts, Scopes};
use crate::load::Repo;
use crate::model::uses::Uses;
use crate::model::{Action, Flavor, Job, Step, Workflow};

/// How deep local actions and reusable workflows are followed.
const DEPTH: usize = 4;

/// What one job does.
#[derive(Debug, Clone, Default)]
pub(crate) struct JobFacts {
    pub acts: Acts,
    pub scopes: Scopes,
    /// What each step does (local actions followed).
    pub steps: Vec<Acts>,
    pub deploy: Option<Deploy>,
    /// Indices (in its workflow) of the jobs it waits for, transitively.
    pub upstream: Vec<usize>,
}

/// A job that deploys.
#[derive(Debug, Clone)]
pub(crate) struct Deploy {
    pub stage: Stage,
    /// What the stage was read from, for messages.
    pub why: String,
    /// A static or documentation site.
    pub pages: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Production,
    Staging,
    Preview,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Production => "production",
            Stage::Staging => "staging",
            Stage::Preview => "preview",
        }
    }
}

/// The analysed repository.
pub(crate) struct Graph<'r> {
    pub repo: &'r Repo,
    /// Per workflow, per job.
    pub jobs: Vec<Vec<JobFacts>>,
    actions: HashMap<String, &'r Action>,
    workflows: HashMap<String, usize>,
    /// Local reusable workflows by path, with the jobs that call them.
    pub callers: HashMap<String, Vec<(usize, usize)>>,
    /// What each step of each action does (local actions followed).
    pub action_steps: Vec<Vec<Acts>>,
    production: Vec<globset::GlobMatcher>,
    /// What each step does by itself (its script or action), by the step's address. Every
    /// step of the repository is classified once, up front and on all cores: a reusable
    /// workflow or composite action is followed from every caller, and classifying its
    /// steps again for each was a third of a monorepo's run.
    leaf: HashMap<usize, (Acts, Scopes)>,
}

impl<'r> Graph<'r> {
    pub(crate) fn new(repo: &'r Repo, production: &[String]) -> Self {
        let actions = repo.actions.iter().map(|a| (a.dir.clone(), a)).collect();
        let workflows = repo
            .workflows
            .iter()
            .enumerate()
            .map(|(i, w)| (w.path.clone(), i))
            .collect();
        let production = production
            .iter()
            .filter_map(|p| {
                globset::GlobBuilder::new(p)
                    .case_insensitive(true)
                    .build()
                    .ok()
            })
            .map(|g| g.compile_matcher())
            .collect();
        let mut graph = Graph {
            repo,
            jobs: Vec::new(),
            actions,
            workflows,
            callers: HashMap::new(),
            action_steps: Vec::new(),
            production,
            leaf: classify_steps(repo),
        };
        graph.jobs = repo
            .workflows
            .iter()
            .map(|w| w.jobs.iter().map(|j| graph.job_facts(j)).collect())
            .collect();
        graph.action_steps = repo
            .actions
            .iter()
            .map(|a| {
                a.steps
                    .iter()
                    .map(|s| graph.step_effect(s, 0, &mut HashSet::new()).0)
                    .collect()
            })
            .collect();
        for (wi, workflow) in repo.workflows.iter().enumerate() {
            for (ji, job) in workflow.jobs.iter().enumerate() {
                graph.jobs[wi][ji].upstream = upstream(workflow, ji);
                graph.jobs[wi][ji].deploy = graph.deploy(workflow, job, &graph.jobs[wi][ji]);
                if let Some(Uses::Local(path)) =
                    job.uses.as_ref().and_then(|u| Uses::parse(&u.text))
                {
                    graph.callers.entry(local(path)).or_default().push((wi, ji));
                }
            }
        }
        graph
    }

    fn job_facts(&self, job: &Job) -> JobFacts {
        let mut facts = JobFacts::default();
        let mut seen = HashSet::new();
        for step in &job.steps {
            let (acts, scopes) = self.step_effect(step, 0, &mut seen);
            facts.steps.push(acts);
            facts.acts |= acts;
            facts.scopes = facts.scopes.union(scopes);
        }
        if let Some(uses) = &job.uses {
            let (acts, scopes) = self.call_effect(&uses.text, 0, &mut seen);
            facts.acts |= acts;
            facts.scopes = facts.scopes.union(scopes);
        }
        facts.acts |= knowledge::commands::by_name(&job.label());
        facts
    }

    /// What a step does, following a local composite action.
    pub(crate) fn step_effect(
        &self,
        step: &Step,
        depth: usize,
        seen: &mut HashSet<String>,
    ) -> (Acts, Scopes) {
        let (mut acts, mut scopes) = self
            .leaf
            .get(&(std::ptr::from_ref(step) as usize))
            .copied()
            .unwrap_or_else(|| knowledge::step(step));
        if let Some(Uses::Local(path)) = step.uses.as_ref().and_then(|u| Uses::parse(&u.text)) {
            let dir = local(path);
            // The directory's name says what the action is for (`post-deploy-smoke-test`),
            // not that the step deploys.
            let base = dir
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .replace(['-', '_'], " ");
            acts |= Acts(knowledge::commands::by_name(&base).0 & !Acts::NAMED_DEPLOY.0);
            match self.actions.get(&dir) {
                Some(action) if depth < DEPTH && seen.insert(dir.clone()) => {
                    if action.using != "composite" {
                        scopes = scopes.union(Scopes::UNKNOWN);
                    } else if action.takes_token {
                        scopes.unknown = true;
                    }
                    for inner in &action.steps {
                        let (a, s) = self.step_effect(inner, depth + 1, seen);
                        acts |= a;
                        scopes = scopes.union(s);
                    }
                    seen.remove(&dir);
                }
                _ => scopes = scopes.union(Scopes::UNKNOWN),
            }
        }
        (acts, scopes)
    }

    /// What a called reusable workflow does: a local one is followed, a remote one is
    /// known only by its file name.
    fn call_effect(&self, uses: &str, depth: usize, seen: &mut HashSet<String>) -> (Acts, Scopes) {
        match Uses::parse(uses) {
            Some(Uses::Local(path)) => {
                let path = local(path);
                let mut acts = Acts::NONE;
                let mut scopes = Scopes::NONE;
                match self.workflows.get(&path) {
                    Some(&index) if depth < DEPTH && seen.insert(path.clone()) => {
                        for job in &self.repo.workflows[index].jobs {
                            for step in &job.steps {
                                let (a, s) = self.step_effect(step, depth + 1, seen);
                                acts |= a;
                                scopes = scopes.union(s);
                            }
                            if let Some(inner) = &job.uses {
                                let (a, s) = self.call_effect(&inner.text, depth + 1, seen);
                                acts |= a;
                                scopes = scopes.union(s);
                            }
                        }
                        seen.remove(&path);
                    }
                    _ => scopes = scopes.union(Scopes::UNKNOWN),
                }
                (acts, scopes)
            }
            Some(Uses::Repo {
                path: Some(path), ..
            }) => {
                let name = path
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .replace(['-', '_', '.'], " ");
                (knowledge::commands::by_name(&name), Scopes::UNKNOWN)
            }
            _ => (Acts::NONE, Scopes::UNKNOWN),
        }
    }

    /// Whether a job deploys, and to which stage.
    fn deploy(&self, workflow: &Workflow, job: &Job, facts: &JobFacts) -> Option<Deploy> {
        let env = job
            .environment
            .as_ref()
            .map(|e| e.text.to_ascii_lowercase());
        let env_is_registry = env.as_deref().is_some_and(|e| REGISTRY_ENV.contains(&e));
        // Names are weak evidence: a job or step called "deploy" deploys when it runs
        // under an environment, calls a (deploy) workflow or uploads a site.
        let named = knowledge::commands::by_name(&job.label()).has(Acts::NAMED_DEPLOY);
        let named_here = named || facts.acts.has(Acts::NAMED_DEPLOY);
        let deploys = facts.acts.has(Acts::DEPLOY)
            || (env.is_some()
                && !env_is_registry
                && (named_here || facts.acts.has(Acts::UPLOAD) || job.uses.is_some()))
            || (named && (job.uses.is_some() || facts.acts.has(Acts::UPLOAD)));
        if !deploys || (env_is_registry && !facts.acts.has(Acts::DEPLOY)) {
            return None;
        }
        // A rollback job redeploys an old release; a marker job only records a deploy.
        let workflow_name = workflow
            .name
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let rollback = knowledge::commands::by_name(&format!("{} {workflow_name}", job.label()))
            .has(Acts::ROLLBACK);
        let marker_only =
            facts.acts.has(Acts::MARKER) && !facts.acts.has(Acts(Acts::DEPLOY.0 | Acts::UPLOAD.0));
        if rollback || marker_only {
            return None;
        }
        let pages = facts.acts.has(Acts::PAGES) || env.as_deref() == Some("github-pages");
        let mut sources: Vec<(String, String)> = Vec::new();
        if let Some(env) = &env {
            sources.push((env.clone(), format!("environment `{env}`")));
        }
        sources.push((job.label(), format!("job `{}`", job.id.text)));
        for (key, value) in &job.with {
            if let Some(text) = value.as_str() {
                sources.push((
                    text.to_ascii_lowercase(),
                    format!("input `{}: {text}`", key.text),
                ));
            }
        }
        let commands: String = job
            .steps
            .iter()
            .filter_map(Step::script)
            .collect::<Vec<_>>()
            .join("\n")
            .to_ascii_lowercase();
        sources.push((commands, "the deploy command".into()));
        let file = workflow
            .name
            .clone()
            .unwrap_or_default()
            .to_ascii_lowercase()
            + " "
            + &workflow.path.to_ascii_lowercase();
        sources.push((file, format!("workflow `{}`", workflow.path)));
        for (text, why) in sources {
            if let Some(stage) = self.stage_of(&text) {
                return Some(Deploy { stage, why, pages });
            }
        }
        let preview = workflow.flavor == Flavor::GitHub
            && workflow
                .on
                .only(&["pull_request", "pull_request_target", "merge_group"]);
        let stage = if preview {
            Stage::Preview
        } else {
            Stage::Production
        };
        let why = if preview {
            "it runs only for pull requests"
        } else {
            "no stage is named, so it is read as production"
        };
        Some(Deploy {
            stage,
            why: why.into(),
            pages,
        })
    }

    fn stage_of(&self, text: &str) -> Option<Stage> {
        if self.production.iter().any(|g| {
            text.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '_')
                .any(|w| g.is_match(w))
        }) {
            return Some(Stage::Production);
        }
        if has_word(text, PRODUCTION) && !has_any(text, NOT_PRODUCTION) {
            return Some(Stage::Production);
        }
        if has_word(text, STAGING) {
            return Some(Stage::Staging);
        }
        if has_word(text, PREVIEW) {
            return Some(Stage::Preview);
        }
        None
    }

    /// What runs before and after the deploy inside job `ji` of workflow `wi`: its steps
    /// around the first one that deploys, or, when it calls a local reusable workflow, the
    /// jobs of that workflow around its first deploy job.
    pub(crate) fn around_deploy(&self, wi: usize, ji: usize, depth: usize) -> (Acts, Acts) {
        let job = &self.repo.workflows[wi].jobs[ji];
        let facts = &self.jobs[wi][ji];
        if let Some(uses) = &job.uses {
            let callee = match Uses::parse(&uses.text) {
                Some(Uses::Local(path)) => self.workflows.get(&local(path)).copied(),
                _ => None,
            };
            let Some(ci) = callee.filter(|_| depth < DEPTH) else {
                return (Acts::NONE, Acts::NONE);
            };
            let jobs = &self.jobs[ci];
            let Some(d) = (0..jobs.len())
                .find(|&j| jobs[j].acts.has(Acts::DEPLOY) || jobs[j].deploy.is_some())
            else {
                return (Acts::NONE, Acts::NONE);
            };
            let (inner_before, inner_after) = self.around_deploy(ci, d, depth + 1);
            let before = jobs[d]
                .upstream
                .iter()
                .fold(inner_before, |acc, &j| acc | jobs[j].acts);
            let after = jobs
                .iter()
                .filter(|f| f.upstream.contains(&d))
                .fold(inner_after, |acc, f| acc | f.acts);
            return (before, after);
        }
        let deploys = Acts(Acts::DEPLOY.0 | Acts::NAMED_DEPLOY.0 | Acts::UPLOAD.0);
        match facts.steps.iter().position(|s| s.has(deploys)) {
            Some(i) => {
                let before = facts.steps[..i].iter().fold(Acts::NONE, |acc, s| acc | *s);
                let during = Acts(facts.steps[i].0 & Acts::HEALTH.0);
                let after = facts.steps[i + 1..].iter().fold(during, |acc, s| acc | *s);
                (before, after)
            }
            None => (Acts::NONE, Acts(facts.acts.0 & Acts::HEALTH.0)),
        }
    }

    /// The facts of a job.
    pub(crate) fn facts(&self, workflow: usize, job: usize) -> &JobFacts {
        &self.jobs[workflow][job]
    }

    /// Whether a workflow is only ever called by others (`on: workflow_call` alone) and
    /// some workflow here calls it: its jobs are judged where they are called.
    pub(crate) fn is_called(&self, workflow: usize) -> bool {
        let w = &self.repo.workflows[workflow];
        w.on.only(&["workflow_call"]) && self.callers.contains_key(&w.path)
    }
}

/// `./.github/workflows/x.yml` → `.github/workflows/x.yml`; `./actions/y/` → `actions/y`.
pub(crate) fn local(path: &str) -> String {
    path.trim_start_matches("./")
        .trim_end_matches('/')
        .to_owned()
}

/// Indices of the jobs `index` waits for, transitively, in `needs:` order.
fn upstream(workflow: &Workflow, index: usize) -> Vec<usize> {
    let ids: HashMap<&str, usize> = workflow
        .jobs
        .iter()
        .enumerate()
        .map(|(i, j)| (j.id.text.as_str(), i))
        .collect();
    let mut out: Vec<usize> = Vec::new();
    let mut stack: Vec<usize> = vec![index];
    while let Some(at) = stack.pop() {
        for need in &workflow.jobs[at].needs {
            if let Some(&j) = ids.get(need.text.as_str())
                && j != index
                && !out.contains(&j)
            {
                out.push(j);
                stack.push(j);
            }
        }
    }
    out
}

/// From this many steps on, they are classified on all cores.
const PARALLEL_STEPS: usize = 8;

/// What each step of the repository's workflows and actions does by itself, by its address.
fn classify_steps(repo: &Repo) -> HashMap<usize, (Acts, Scopes)> {
    let steps: Vec<&Step> = repo
        .workflows
        .iter()
        .flat_map(|w| &w.jobs)
        .flat_map(|j| &j.steps)
        .chain(repo.actions.iter().flat_map(|a| &a.steps))
        .collect();
    let parallel = steps.len() >= PARALLEL_STEPS;
    // Each script is scanned for words once: the scan tells which patterns' DFAs to
    // build, and then which patterns to run.
    let found = crate::load::map(steps, parallel, |step| {
        (step, step.script().map(knowledge::commands::words))
    });
    let scripts: Vec<(&str, &knowledge::commands::Words)> = found
        .iter()
        .filter_map(|(step, words)| Some((step.script()?, words.as_ref()?)))
        .collect();
    knowledge::commands::prepare(&scripts, parallel);
    crate::load::map(found, parallel, |(step, words)| {
        let effect = knowledge::step_with(step, words.as_ref());
        (std::ptr::from_ref(step) as usize, effect)
    })
    .into_iter()
    .collect()
}

/// Words that name production, as whole words: not inside a longer run of lower-case
/// letters (`prod-eu` and `deploy_prod` name it; `product` does not).
const PRODUCTION: &[&str] = &["prod", "production", "prd", "live"];
/// Text that names something that is not production (`pre-prod`, `nonprod`, `prod-like`).
const NOT_PRODUCTION: &[&str] = &[
    "preprod",
    "pre-prod",
    "pre_prod",
    "pre prod",
    "nonprod",
    "non-prod",
    "non_prod",
    "non prod",
    "notprod",
    "not-prod",
    "not_prod",
    "not prod",
    "prodlike",
    "prod-like",
    "prod_like",
    "prod like",
    "--no-prod",
];
const STAGING: &[&str] = &[
    "stag",
    "staging",
    "stage",
    "preprod",
    "pre-prod",
    "uat",
    "qa",
    "test",
    "testing",
    "dev",
    "develop",
    "development",
    "sandbox",
    "demo",
    "int",
    "integration",
    "nonprod",
    "non-prod",
    "canary",
    "beta",
    "acceptance",
];
const PREVIEW: &[&str] = &["preview", "review", "pr", "pull-request", "ephemeral"];
/// Environments that hold publishing credentials rather than a running service.
const REGISTRY_ENV: &[&str] = &[
    "pypi",
    "testpypi",
    "test-pypi",
    "npm",
    "npmjs",
    "crates",
    "crates-io",
    "crates.io",
    "release",
    "releases",
    "publish",
    "publishing",
    "rubygems",
    "maven",
    "sonatype",
    "nuget",
    "docker-hub",
    "dockerhub",
    "homebrew",
    "winget",
    "snapcraft",
    "marketplace",
    "vscode-marketplace",
    "open-vsx",
    "chrome-web-store",
    "copilot",
    "code-signing",
    "signing",
    "github-release",
];

/// Whether one of `words` occurs in `text` with no lower-case ASCII letter just before or
/// after it. A scan per word with `memchr`'s substring search: stage words are looked for
/// in a deploy job's whole script, where a regex engine without a DFA spent most of the
/// graph's time.
fn has_word(text: &str, words: &[&str]) -> bool {
    let bytes = text.as_bytes();
    let free = |at: Option<&u8>| !at.is_some_and(u8::is_ascii_lowercase);
    words.iter().any(|word| {
        memchr::memmem::find_iter(bytes, word.as_bytes()).any(|start| {
            let end = start + word.len();
            free(start.checked_sub(1).and_then(|i| bytes.get(i))) && free(bytes.get(end))
        })
    })
}

/// Whether one of `needles` occurs anywhere in `text`.
fn has_any(text: &str, needles: &[&str]) -> bool {
    needles
        .iter()
        .any(|needle| memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word lists answer exactly as the regexes they replaced, on stage names, job
    /// names and scripts of every kind of boundary.
    #[test]
    fn word_lists_agree_with_the_regexes_they_replaced() {
        let bounded = |alternatives: &str| {
            crate::knowledge::pattern(&format!("(?:^|[^a-z])(?:{alternatives})(?:[^a-z]|$)"))
        };
        let production = bounded("prod|production|prd|live");
        let not_production =
            crate::knowledge::pattern(r"(?:pre|non|not)[-_ ]?prod|prod[-_ ]?like|--no-prod");
        let staging = bounded(
            "stag|staging|stage|preprod|pre-prod|uat|qa|test|testing|dev|develop|development|sandbox|demo|int|integration|nonprod|non-prod|canary|beta|acceptance",
        );
        let preview = bounded("preview|review|pr|pull-request|ephemeral");
        let registry = crate::knowledge::pattern(
            r"^(?:pypi|testpypi|test-pypi|npm|npmjs|crates|crates-io|crates\.io|release|releases|publish|publishing|rubygems|maven|sonatype|nuget|docker-?hub|dockerhub|homebrew|winget|snapcraft|marketplace|vscode-marketplace|open-vsx|chrome-web-store|copilot|code-signing|signing|github-release)$",
        );
        let extra = [
            "cratesxio",
            "product",
            "deliver",
            "Prod",
            "PROD",
            "é",
            "",
            "-",
            "_",
            " ",
            "0",
        ];
        let words: Vec<&str> = [PRODUCTION, NOT_PRODUCTION, STAGING, PREVIEW, REGISTRY_ENV]
            .concat()
            .into_iter()
            .chain(extra)
            .collect();
        let mut texts: Vec<String> = Vec::new();
        for a in &words {
            for b in &words {
                for sep in ["", "-", "_", " ", "/", "x", "\n", "é"] {
                    texts.push(format!("{a}{sep}{b}"));
                }
            }
        }
        texts.push("kubectl --context prod-eu apply -f k8s/\nhelm upgrade api ./chart".into());
        texts.push("deploy to staging.example.com after integration tests".into());
        for text in &texts {
            let t = text.as_str();
            assert_eq!(has_word(t, PRODUCTION), production.is_match(t), "{t:?}");
            assert_eq!(
                has_any(t, NOT_PRODUCTION),
                not_production.is_match(t),
                "{t:?}"
            );
            assert_eq!(has_word(t, STAGING), staging.is_match(t), "{t:?}");
            assert_eq!(has_word(t, PREVIEW), preview.is_match(t), "{t:?}");
            assert_eq!(REGISTRY_ENV.contains(&t), registry.is_match(t), "{t:?}");
        }
    }
}
