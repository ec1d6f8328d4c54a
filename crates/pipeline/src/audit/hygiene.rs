//! Hygiene: the same run of five or more steps repeated across three or more workflows
//! (a composite action or reusable workflow would keep them in one place), placeholder
//! steps that only echo, triggers left commented out, and files that cannot be read as
//! the workflows, actions or pipelines they are.

use std::collections::{BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use regex_lite::Regex;
use signoff_core::report::{Finding, Severity};

use super::{Audit, Cx, Rule, at};
use crate::knowledge::{Acts, commands};
use crate::model::{Flavor, Pos, Step, Workflow};

pub(crate) struct Hygiene;

/// Steps in a repeated run, and workflows it must appear in.
const RUN: usize = 5;
const WORKFLOWS: usize = 3;

impl Audit for Hygiene {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::DuplicatedSteps,
            Rule::PlaceholderStep,
            Rule::CommentedOutTrigger,
            Rule::InvalidWorkflow,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for invalid in &cx.repo.invalid {
            out.push(
                at(Rule::InvalidWorkflow, &invalid.path, invalid.problem.pos, &[&invalid.problem.message])
                    .message(format!("{}: {}", kind_of(&invalid.path), invalid.problem.message))
                    .help(format!("{}; GitHub (or GitLab) does not run a file it cannot read, so the checks in it silently stop", invalid.problem.help))
                    .build(),
            );
        }
        duplicates(cx, out);
        for step in cx.steps() {
            if step
                .workflow
                .is_some_and(|(_, w)| w.flavor == Flavor::GitLab)
            {
                continue;
            }
            placeholder(step.path, step.step, &step.identity(), &step.place(), out);
        }
        for workflow in &cx.repo.workflows {
            if let Some(text) = cx.repo.sources.get(&workflow.path) {
                commented_triggers(workflow, text, out);
            }
        }
    }
}

fn kind_of(path: &str) -> &'static str {
    if path.ends_with("action.yml") || path.ends_with("action.yaml") {
        "this action cannot be read"
    } else if path.contains(".gitlab-ci") {
        "this pipeline cannot be read"
    } else {
        "this workflow cannot be read"
    }
}

/// A step as far as repetition goes: the action (without its ref) and inputs, or the script.
fn step_key(step: &Step) -> u64 {
    let mut hasher = DefaultHasher::new();
    if let Some(uses) = &step.uses {
        uses.text.split('@').next().hash(&mut hasher);
        for (key, value) in &step.with {
            key.text.hash(&mut hasher);
            value.as_str().hash(&mut hasher);
        }
    }
    if let Some(script) = step.script() {
        script
            .split_whitespace()
            .for_each(|word| word.hash(&mut hasher));
    }
    hasher.finish()
}

fn duplicates(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    type Seen = HashMap<u64, (BTreeSet<usize>, (usize, usize, usize))>;
    let mut seen: Seen = HashMap::new();
    let mut windows: Vec<(usize, usize, Vec<u64>)> = Vec::new();
    for (wi, workflow) in cx
        .repo
        .workflows
        .iter()
        .enumerate()
        .filter(|(_, w)| w.flavor == Flavor::GitHub)
    {
        for (ji, job) in workflow.jobs.iter().enumerate() {
            let keys: Vec<u64> = job.steps.iter().map(step_key).collect();
            let hashes: Vec<u64> = keys
                .windows(RUN)
                .map(|w| {
                    let mut h = DefaultHasher::new();
                    w.hash(&mut h);
                    h.finish()
                })
                .collect();
            for (start, hash) in hashes.iter().enumerate() {
                let entry = seen
                    .entry(*hash)
                    .or_insert_with(|| (BTreeSet::new(), (wi, ji, start)));
                entry.0.insert(wi);
            }
            windows.push((wi, ji, hashes));
        }
    }
    for (wi, ji, hashes) in windows {
        let qualifies = |start: usize| {
            seen.get(&hashes[start])
                .filter(|(set, first)| set.len() >= WORKFLOWS && *first == (wi, ji, start))
        };
        let mut start = 0;
        while start < hashes.len() {
            let Some((set, _)) = qualifies(start) else {
                start += 1;
                continue;
            };
            let mut end = start;
            while end + 1 < hashes.len() && qualifies(end + 1).is_some() {
                end += 1;
            }
            let workflow = &cx.repo.workflows[wi];
            let job = &workflow.jobs[ji];
            let others: Vec<String> = set
                .iter()
                .filter(|&&w| w != wi)
                .take(5)
                .map(|&w| format!("`{}`", cx.repo.workflows[w].path))
                .collect();
            out.push(
                at(Rule::DuplicatedSteps, &workflow.path, job.steps[start].pos, &[&job.id.text, &hashes[start].to_string()])
                    .message(format!(
                        "steps {}–{} of job `{}` are repeated in {} other workflows ({})",
                        start + 1,
                        end + RUN,
                        job.id.text,
                        set.len() - 1,
                        others.join(", ")
                    ))
                    .help("keep them in one place: a composite action (`.github/actions/<name>/action.yml` with `runs: {using: composite, steps: […]}`) used as `uses: ./.github/actions/<name>`, or a reusable workflow (`on: workflow_call`)")
                    .build(),
            );
            start = end + RUN;
        }
    }
}

static NOOP_LINE: LazyLock<Regex> = LazyLock::new(|| {
    crate::knowledge::pattern(
        r#"^(?:echo|printf|write-host|write-output)\b[^><|`;&]*$|^(?:true|:|exit\s+0|sleep\s+\d+)$"#,
    )
});

static TODO: LazyLock<Regex> = LazyLock::new(|| {
    crate::knowledge::pattern(
        r"(?i)\b(?:todo|fixme|tbd|placeholder|not (?:yet )?implemented|coming soon|to be implemented|would (?:deploy|run|scan)|simulat\w*|dummy|stub)\b",
    )
});

fn placeholder(path: &str, step: &Step, identity: &str, place: &str, out: &mut Vec<Finding>) {
    let Some(run) = &step.run else { return };
    let Some(script) = run.as_str() else { return };
    let lines: Vec<&str> = script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if lines.is_empty()
        || lines.iter().any(|l| {
            l.contains("$(")
                || l.starts_with("echo \"::")
                || l.starts_with("echo '::")
                || l.starts_with("echo ::")
        })
    {
        return;
    }
    let first_words = [
        "echo",
        "printf",
        "write-host",
        "write-output",
        "true",
        ":",
        "exit",
        "sleep",
    ];
    let plausible = lines.iter().all(|line| {
        let word = line
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        first_words.contains(&word.as_str())
    });
    if !plausible || !lines.iter().all(|line| NOOP_LINE.is_match(line)) {
        return;
    }
    let claims = commands::by_name(&step.label()) | commands::by_name(&script.to_ascii_lowercase());
    let claimed = Acts(
        claims.0
            & (Acts::QUALITY.0
                | Acts::SECURITY.0
                | Acts::NAMED_DEPLOY.0
                | Acts::HEALTH.0
                | Acts::ROLLBACK.0
                | Acts::SBOM.0),
    );
    let todo = TODO.is_match(script) || step.name.as_ref().is_some_and(|n| TODO.is_match(&n.text));
    if claimed.is_empty() && !todo {
        return;
    }
    let severity = if claimed.is_empty() {
        Severity::Low
    } else {
        Severity::Medium
    };
    let shown: String = lines.join("; ").chars().take(100).collect();
    out.push(
        at(Rule::PlaceholderStep, path, run.pos, &[identity])
            .severity(severity)
            .message(format!("{place} only runs `{shown}`: a placeholder{}", if claimed.is_empty() { String::new() } else { ", though its name says it does the work".to_owned() }))
            .help("run the real command (the test, scan or deploy the step names), or delete the step so the pipeline does not claim a check it does not make")
            .build(),
    );
}

static COMMENTED: LazyLock<Regex> = LazyLock::new(|| {
    crate::knowledge::pattern(
        r"^\s*#+\s*-?\s*(push|pull_request|pull_request_target|schedule|workflow_dispatch|workflow_call|workflow_run|release|merge_group|create|delete|deployment|deployment_status|issues|issue_comment|discussion|page_build|registry_package|repository_dispatch|status|watch|check_run|check_suite|label|milestone|fork|gollum|project|public|cron)\s*:",
    )
});

fn commented_triggers(workflow: &Workflow, text: &str, out: &mut Vec<Finding>) {
    let start = workflow.on.pos.line;
    if workflow.flavor != Flavor::GitHub || start == 0 {
        return;
    }
    let end = workflow
        .top_lines
        .iter()
        .copied()
        .filter(|&l| l > start)
        .min()
        .unwrap_or(u32::MAX);
    for (index, line) in text.lines().enumerate() {
        let number = index as u32 + 1;
        if number <= start || number >= end {
            continue;
        }
        if !line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(event) = COMMENTED.captures(line).and_then(|c| c.get(1)) {
            let event = event.as_str();
            let active: Vec<&str> = workflow.on.events.iter().map(|e| e.name.as_str()).collect();
            if event != "cron" && active.contains(&event) {
                continue;
            }
            let column = line.find('#').map_or(1, |i| i as u32 + 1);
            let now = if active.is_empty() {
                "nothing".to_owned()
            } else {
                active.join(", ")
            };
            out.push(
                at(Rule::CommentedOutTrigger, &workflow.path, Pos { line: number, column }, &[event])
                    .message(format!("the `{event}` trigger is commented out, so the workflow runs only on {now}"))
                    .help("restore the trigger, or delete the workflow (or disable it in the Actions tab) if it is retired, so readers do not mistake it for a live check")
                    .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noop_lines() {
        for line in [
            "echo \"Deploying to production...\"",
            "echo TODO",
            "true",
            "sleep 5",
            "printf 'done\\n'",
        ] {
            assert!(NOOP_LINE.is_match(line), "{line}");
        }
        for line in [
            "echo x >> $GITHUB_OUTPUT",
            "echo $X | base64 -d",
            "make test",
        ] {
            assert!(!NOOP_LINE.is_match(line), "{line}");
        }
    }

    #[test]
    fn commented_trigger_lines() {
        assert!(COMMENTED.is_match("  # push:"));
        assert!(COMMENTED.is_match("#  pull_request:"));
        assert!(COMMENTED.is_match("#    - cron: '0 0 * * *'"));
        assert!(!COMMENTED.is_match("  # pushes to main only"));
    }
}
