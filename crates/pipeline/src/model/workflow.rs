//! A GitHub workflow from its positioned YAML tree: triggers in every form (`on: push`,
//! `on: [push, pull_request]`, `on: {push: {branches: [main]}}`), permissions, jobs and
//! steps. Shapes GitHub would reject are collected as [`Problem`]s.

use super::{
    Concurrency, Flavor, Job, Node, Permissions, Pos, Problem, Step, Str, Trigger, Triggers, Value,
    Workflow,
};

/// Reads a workflow; the problems say what GitHub would reject.
pub(crate) fn read(path: &str, doc: &Node) -> (Workflow, Vec<Problem>) {
    let mut problems = Vec::new();
    if !doc.is_mapping() {
        problems.push(problem(
            doc.pos,
            format!("the workflow is {}, not a mapping", doc.kind_name()),
            "a workflow is a mapping with `on:` and `jobs:`",
        ));
    }
    let on = triggers(doc, &mut problems);
    let jobs = match doc.get("jobs") {
        Some(node) if node.is_mapping() => node
            .entries()
            .map(|(key, value)| {
                job(
                    Str {
                        text: key.text.clone(),
                        pos: key.pos,
                    },
                    value,
                    &mut problems,
                )
            })
            .collect(),
        Some(node) => {
            problems.push(problem(
                node.pos,
                format!("`jobs` is {}, not a mapping", node.kind_name()),
                "write `jobs:` as a mapping of job ids to jobs",
            ));
            Vec::new()
        }
        None => {
            problems.push(problem(
                doc.pos,
                "the workflow has no `jobs:`".into(),
                "add `jobs:` with at least one job",
            ));
            Vec::new()
        }
    };
    let workflow = Workflow {
        path: path.to_owned(),
        flavor: Flavor::GitHub,
        name: doc.get("name").and_then(Node::as_str).map(str::to_owned),
        on,
        permissions: doc.get("permissions").map(permissions),
        concurrency: doc.get("concurrency").map(concurrency),
        jobs,
        top_lines: doc.entries().map(|(key, _)| key.pos.line).collect(),
    };
    (workflow, problems)
}

pub(crate) fn problem(pos: Pos, message: String, help: &str) -> Problem {
    Problem {
        pos,
        message,
        help: help.to_owned(),
    }
}

fn triggers(doc: &Node, problems: &mut Vec<Problem>) -> Triggers {
    // YAML 1.1 readers turn a bare `on` into `true`; GitHub reads it as `on`.
    let Some(entry) = doc.entry("on").or_else(|| doc.entry("true")) else {
        if doc.is_mapping() {
            problems.push(problem(
                doc.pos,
                "the workflow has no `on:` trigger".into(),
                "add `on:` with the events that run the workflow, like `on: [push, pull_request]`",
            ));
        }
        return Triggers::default();
    };
    let node = &entry.value;
    let events = match &node.value {
        Value::Scalar { .. } => node
            .as_str()
            .map(|name| {
                vec![Trigger {
                    name: name.to_owned(),
                    pos: node.pos,
                    config: None,
                }]
            })
            .unwrap_or_default(),
        Value::Sequence(items) => items
            .iter()
            .filter_map(|item| {
                item.as_str().map(|name| Trigger {
                    name: name.to_owned(),
                    pos: item.pos,
                    config: None,
                })
            })
            .collect(),
        Value::Mapping(entries) => entries
            .iter()
            .map(|e| Trigger {
                name: e.key.text.clone(),
                pos: e.key.pos,
                config: Some(e.value.clone()),
            })
            .collect(),
    };
    Triggers {
        pos: entry.key.pos,
        events,
    }
}

pub(crate) fn permissions(node: &Node) -> Permissions {
    match node.as_str() {
        Some(text) if text.eq_ignore_ascii_case("write-all") => Permissions::WriteAll(node.pos),
        Some(_) => Permissions::ReadAll(node.pos),
        None => Permissions::Scopes(
            node.pos,
            node.entries()
                .filter_map(|(key, value)| {
                    Some((
                        Str {
                            text: key.text.clone(),
                            pos: key.pos,
                        },
                        Str::of(value)?,
                    ))
                })
                .collect(),
        ),
    }
}

fn concurrency(node: &Node) -> Concurrency {
    Concurrency {
        cancel_in_progress: node
            .get("cancel-in-progress")
            .and_then(Node::as_str)
            .map(str::to_owned),
    }
}

fn job(id: Str, node: &Node, problems: &mut Vec<Problem>) -> Job {
    if !node.is_mapping() {
        problems.push(problem(
            node.pos,
            format!("job `{}` is {}, not a mapping", id.text, node.kind_name()),
            "a job is a mapping with `runs-on:` and `steps:`, or `uses:` a reusable workflow",
        ));
    }
    let uses = node.get("uses").and_then(Str::of);
    let steps = match node.get("steps") {
        Some(list) if list.is_sequence() => list.items().iter().map(step).collect(),
        Some(list) => {
            problems.push(problem(
                list.pos,
                format!(
                    "`steps` of job `{}` is {}, not a list",
                    id.text,
                    list.kind_name()
                ),
                "write each step as a `- ` item under `steps:`",
            ));
            Vec::new()
        }
        None => Vec::new(),
    };
    if node.is_mapping() && uses.is_none() && node.get("runs-on").is_none() {
        problems.push(problem(
            id.pos,
            format!("job `{}` has neither `runs-on:` nor `uses:`", id.text),
            "add `runs-on: ubuntu-latest` (or the runner it needs), or `uses:` a reusable workflow",
        ));
    }
    let container = node
        .get("container")
        .and_then(|c| Str::of(c).or_else(|| c.get("image").and_then(Str::of)));
    let services = node
        .get("services")
        .map(|s| {
            s.entries()
                .filter_map(|(_, svc)| Str::of(svc).or_else(|| svc.get("image").and_then(Str::of)))
                .collect()
        })
        .unwrap_or_default();
    Job {
        name: node.get("name").and_then(Str::of),
        needs: strings(node.get("needs")),
        cond: node.get("if").and_then(Str::of),
        permissions: node.get("permissions").map(permissions),
        environment: node
            .get("environment")
            .and_then(|e| Str::of(e).or_else(|| e.get("name").and_then(Str::of))),
        container,
        services,
        timeout: node.entry("timeout-minutes").map(|e| e.key.pos),
        continue_on_error: node.entry("continue-on-error").and_then(flag),
        concurrency: node.get("concurrency").map(concurrency),
        matrix: node.get("strategy").and_then(|s| s.get("matrix")).cloned(),
        steps,
        uses,
        with: pairs(node.get("with")),
        manual: false,
        file: None,
        id,
    }
}

/// `continue-on-error: <value>` as written, positioned at its key.
fn flag(entry: &signoff_core::yaml::tree::Entry) -> Option<Str> {
    entry.value.as_str().map(|text| Str {
        text: text.to_owned(),
        pos: entry.key.pos,
    })
}

/// A scalar or a list of scalars.
pub(crate) fn strings(node: Option<&Node>) -> Vec<Str> {
    match node {
        Some(node) if node.is_sequence() => node.items().iter().filter_map(Str::of).collect(),
        Some(node) => Str::of(node).into_iter().collect(),
        None => Vec::new(),
    }
}

pub(crate) fn pairs(node: Option<&Node>) -> Vec<(Str, Node)> {
    node.map(|node| {
        node.entries()
            .map(|(key, value)| {
                (
                    Str {
                        text: key.text.clone(),
                        pos: key.pos,
                    },
                    value.clone(),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

pub(crate) fn step(node: &Node) -> Step {
    Step {
        pos: node.pos,
        name: node.get("name").and_then(Str::of),
        id: node.get("id").and_then(Str::of),
        uses: node.get("uses").and_then(Str::of),
        run: node
            .get("run")
            .filter(|run| run.as_str().is_some())
            .cloned(),
        with: pairs(node.get("with")),
        env: pairs(node.get("env")),
        cond: node.get("if").and_then(Str::of),
        continue_on_error: node.entry("continue-on-error").and_then(flag),
    }
}
