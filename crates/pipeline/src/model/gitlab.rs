//! A GitLab pipeline (`.gitlab-ci.yml`) read as a workflow: each job's `before_script`,
//! `script` and `after_script` lines become steps, `image`/`services` its images,
//! `allow_failure` its `continue-on-error`, `when: manual` a manual gate, and a job without
//! `needs:` waits for every job of the earlier stages, as GitLab runs it. `extends:` is
//! resolved from hidden jobs; included GitLab templates become steps named after them, so
//! `Security/SAST.gitlab-ci.yml` counts as a SAST scan.

use super::workflow::{pairs, problem, strings};
use super::{Flavor, Job, Node, Pos, Problem, Step, Str, Triggers, Value, Workflow};

/// Top-level keys that configure the pipeline rather than name a job.
const RESERVED: &[&str] = &[
    "stages",
    "variables",
    "default",
    "include",
    "workflow",
    "image",
    "services",
    "before_script",
    "after_script",
    "cache",
    "types",
];

const DEFAULT_STAGES: &[&str] = &[".pre", "build", "test", "deploy", ".post"];

/// Reads a pipeline document (local `include:` files are merged by the loader first).
pub(crate) fn read(
    path: &str,
    doc: &Node,
    origins: &std::collections::HashMap<String, String>,
) -> (Workflow, Vec<Problem>) {
    let mut problems = Vec::new();
    if !doc.is_mapping() {
        problems.push(problem(
            doc.pos,
            format!("the pipeline is {}, not a mapping", doc.kind_name()),
            "a .gitlab-ci.yml is a mapping of job names to jobs",
        ));
    }
    let stages: Vec<String> = match doc.get("stages") {
        Some(node) => strings(Some(node)).into_iter().map(|s| s.text).collect(),
        None => DEFAULT_STAGES.iter().map(|s| s.to_string()).collect(),
    };
    let default = doc.get("default");
    let mut jobs: Vec<(usize, Job)> = Vec::new();
    for (key, node) in doc.entries() {
        if RESERVED.contains(&key.text.as_str()) || key.text.starts_with('.') || !node.is_mapping()
        {
            continue;
        }
        let node = extended(node, doc);
        let stage = node.get("stage").and_then(Node::as_str).unwrap_or("test");
        let rank = stages
            .iter()
            .position(|s| s == stage)
            .unwrap_or(usize::MAX / 2);
        let mut job = job(
            Str {
                text: key.text.clone(),
                pos: key.pos,
            },
            &node,
            doc,
            default,
        );
        job.file = origins.get(&key.text).cloned();
        jobs.push((rank, job));
    }
    // A job without `needs:` waits for every job of the stages before its own.
    let ranks: Vec<(usize, String)> = jobs
        .iter()
        .map(|(rank, job)| (*rank, job.id.text.clone()))
        .collect();
    for (rank, job) in &mut jobs {
        if job.needs.is_empty() {
            job.needs = ranks
                .iter()
                .filter(|(other, _)| other < rank)
                .map(|(_, id)| Str {
                    text: id.clone(),
                    pos: job.id.pos,
                })
                .collect();
        }
    }
    let mut jobs: Vec<Job> = jobs.into_iter().map(|(_, job)| job).collect();
    jobs.extend(templates(doc));
    let workflow = Workflow {
        path: path.to_owned(),
        flavor: Flavor::GitLab,
        name: None,
        on: Triggers::default(),
        permissions: None,
        concurrency: None,
        jobs,
        top_lines: doc.entries().map(|(key, _)| key.pos.line).collect(),
    };
    (workflow, problems)
}

/// The job with the keys of the hidden jobs it `extends:` filled in (two levels deep).
fn extended(node: &Node, doc: &Node) -> Node {
    let mut merged = node.clone();
    for _ in 0..2 {
        let parents = strings(merged.get("extends"));
        if parents.is_empty() {
            break;
        }
        let Value::Mapping(entries) = &mut merged.value else {
            break;
        };
        entries.retain(|e| e.key.text != "extends");
        for parent in parents {
            if let Some(Value::Mapping(inherited)) = doc.get(&parent.text).map(|p| &p.value) {
                for entry in inherited {
                    if !entries.iter().any(|e| e.key.text == entry.key.text) {
                        entries.push(entry.clone());
                    }
                }
            }
        }
    }
    merged
}

fn job(id: Str, node: &Node, doc: &Node, default: Option<&Node>) -> Job {
    let inherited = |key: &str| {
        node.get(key)
            .or_else(|| default.and_then(|d| d.get(key)))
            .or_else(|| doc.get(key))
    };
    let mut steps = Vec::new();
    for key in ["before_script", "script", "after_script"] {
        if let Some(script) = inherited(key) {
            lines(script, &mut steps);
        }
    }
    if let Some(trigger) = node.get("trigger") {
        steps.push(Step {
            pos: trigger.pos,
            name: Some(Str {
                text: "trigger".into(),
                pos: trigger.pos,
            }),
            id: None,
            uses: None,
            run: None,
            with: Vec::new(),
            env: Vec::new(),
            cond: None,
            continue_on_error: None,
        });
    }
    let image = |node: &Node| Str::of(node).or_else(|| node.get("name").and_then(Str::of));
    let environment = node.get("environment").and_then(|e| {
        let action = e.get("action").and_then(Node::as_str).unwrap_or("start");
        (action == "start")
            .then(|| Str::of(e).or_else(|| e.get("name").and_then(Str::of)))
            .flatten()
    });
    let allow = node.entry("allow_failure").and_then(|e| {
        let text = if e.value.is_mapping() {
            "true"
        } else {
            e.value.as_str()?
        };
        Some(Str {
            text: text.to_owned(),
            pos: e.key.pos,
        })
    });
    Job {
        name: None,
        needs: needs(node.get("needs")),
        cond: None,
        permissions: None,
        environment,
        container: inherited("image").and_then(image),
        services: inherited("services")
            .map(|s| s.items().iter().filter_map(image).collect())
            .unwrap_or_default(),
        timeout: node.entry("timeout").map(|e| e.key.pos),
        continue_on_error: allow,
        concurrency: None,
        matrix: node.get("parallel").and_then(|p| p.get("matrix")).cloned(),
        steps,
        uses: None,
        with: pairs(node.get("variables")),
        manual: node.get("when").and_then(Node::as_str) == Some("manual")
            || node.get("rules").is_some_and(|rules| {
                rules
                    .items()
                    .iter()
                    .any(|r| r.get("when").and_then(Node::as_str) == Some("manual"))
            }),
        file: None,
        id,
    }
}

/// One step per script line (nested lists from anchors are flattened).
fn lines(node: &Node, steps: &mut Vec<Step>) {
    match &node.value {
        Value::Sequence(items) => items.iter().for_each(|item| lines(item, steps)),
        Value::Scalar { .. } if node.as_str().is_some() => steps.push(Step {
            pos: node.pos,
            name: None,
            id: None,
            uses: None,
            run: Some(node.clone()),
            with: Vec::new(),
            env: Vec::new(),
            cond: None,
            continue_on_error: None,
        }),
        _ => {}
    }
}

fn needs(node: Option<&Node>) -> Vec<Str> {
    node.map(|n| {
        n.items()
            .iter()
            .filter_map(|item| Str::of(item).or_else(|| item.get("job").and_then(Str::of)))
            .collect()
    })
    .unwrap_or_default()
}

/// GitLab's own templates (`include: - template: Security/SAST.gitlab-ci.yml`) as jobs with
/// one step that `uses:` the template, so the knowledge of what they do applies.
fn templates(doc: &Node) -> Vec<Job> {
    include_items(doc)
        .into_iter()
        .filter_map(|item| item.get("template").and_then(Str::of))
        .map(|template| {
            let uses = Str {
                text: format!("gitlab-template/{}", template.text.to_ascii_lowercase()),
                pos: template.pos,
            };
            let step = Step {
                pos: template.pos,
                name: None,
                id: None,
                uses: Some(uses),
                run: None,
                with: Vec::new(),
                env: Vec::new(),
                cond: None,
                continue_on_error: None,
            };
            Job {
                id: Str {
                    text: template.text.clone(),
                    pos: template.pos,
                },
                name: None,
                needs: Vec::new(),
                cond: None,
                permissions: None,
                environment: None,
                container: None,
                services: Vec::new(),
                timeout: Some(template.pos),
                continue_on_error: None,
                concurrency: None,
                matrix: None,
                steps: vec![step],
                uses: None,
                with: Vec::new(),
                manual: false,
                file: None,
            }
        })
        .collect()
}

/// The local files a pipeline includes (`include: local: /ci/x.yml`, or a bare path), with
/// where each is named.
pub(crate) fn local_includes(doc: &Node) -> Vec<(String, Pos)> {
    include_items(doc)
        .into_iter()
        .filter_map(|item| {
            let local = if item.as_str().is_some() {
                Some(item).filter(|item| item.as_str().is_some_and(|s| !s.contains("://")))
            } else {
                item.get("local")
            };
            local.and_then(|node| Some((node.as_str()?, node.pos)))
        })
        .map(|(path, pos)| (path.trim_start_matches('/').to_owned(), pos))
        .collect()
}

/// The includes the gate cannot read offline (`remote:`, `project:`, `component:` or a URL),
/// as `kind value`, in order.
pub(crate) fn external_includes(doc: &Node) -> Vec<String> {
    include_items(doc)
        .into_iter()
        .filter_map(|item| match item.as_str() {
            Some(text) => text.contains("://").then(|| format!("remote {text}")),
            None => ["remote", "project", "component"].iter().find_map(|key| {
                let value = item.get(key)?.as_str()?;
                let file = item.get("file").and_then(Node::as_str);
                Some(match file {
                    Some(file) => format!("{key} {value} ({file})"),
                    None => format!("{key} {value}"),
                })
            }),
        })
        .collect()
}

/// The entries of `include:`, one or a list.
fn include_items(doc: &Node) -> Vec<&Node> {
    match doc.get("include") {
        Some(include) if include.is_sequence() => include.items().iter().collect(),
        Some(include) => vec![include],
        None => Vec::new(),
    }
}
