//! What the gate reads, as typed values with positions: workflows (GitHub's, and GitLab
//! pipelines mapped onto the same shape), their jobs and steps, and composite actions.
//! Built from the positioned YAML tree by [`workflow`], [`action`] and [`gitlab`].

pub(crate) mod action;
pub(crate) mod expr;
pub(crate) mod gitlab;
pub(crate) mod uses;
pub(crate) mod workflow;

pub(crate) use signoff_core::yaml::tree::{Node, Pos, Value};

/// A scalar with its position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Str {
    pub text: String,
    pub pos: Pos,
}

impl Str {
    pub(crate) fn of(node: &Node) -> Option<Str> {
        node.as_str().map(|text| Str {
            text: text.to_owned(),
            pos: node.pos,
        })
    }
}

/// What started the file: a GitHub workflow, a composite action, or a GitLab pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    GitHub,
    GitLab,
}

/// A workflow, or a GitLab pipeline read as one.
#[derive(Debug, Clone)]
pub(crate) struct Workflow {
    /// Repository-relative path, `/`-separated.
    pub path: String,
    pub flavor: Flavor,
    pub name: Option<String>,
    pub on: Triggers,
    pub permissions: Option<Permissions>,
    pub concurrency: Option<Concurrency>,
    pub jobs: Vec<Job>,
    /// Lines of the top-level keys, for finding where the `on:` block ends.
    pub top_lines: Vec<u32>,
}

impl Workflow {
    /// The file a job of this workflow is written in.
    pub(crate) fn file_of<'a>(&'a self, job: &'a Job) -> &'a str {
        job.file.as_deref().unwrap_or(&self.path)
    }
}

/// The `on:` block.
#[derive(Debug, Clone, Default)]
pub(crate) struct Triggers {
    /// Where the `on` key is (line 0 when absent).
    pub pos: Pos,
    pub events: Vec<Trigger>,
}

#[derive(Debug, Clone)]
pub(crate) struct Trigger {
    pub name: String,
    pub pos: Pos,
    pub config: Option<Node>,
}

impl Triggers {
    pub(crate) fn has(&self, name: &str) -> bool {
        self.events.iter().any(|e| e.name == name)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Trigger> {
        self.events.iter().find(|e| e.name == name)
    }

    /// Whether every trigger is one of `names`.
    pub(crate) fn only(&self, names: &[&str]) -> bool {
        !self.events.is_empty() && self.events.iter().all(|e| names.contains(&e.name.as_str()))
    }

    /// The declared type of input `name` of `workflow_dispatch` or `workflow_call`
    /// (`string` when declared without one, or when any trigger declares it a string);
    /// `None` when no trigger declares it.
    pub(crate) fn input_type(&self, name: &str) -> Option<String> {
        let types: Vec<String> = ["workflow_dispatch", "workflow_call"]
            .iter()
            .filter_map(|event| {
                let inputs = self.get(event)?.config.as_ref()?.get("inputs")?;
                let (_, input) = inputs
                    .entries()
                    .find(|(k, _)| k.text.eq_ignore_ascii_case(name))?;
                Some(
                    input
                        .get("type")
                        .and_then(Node::as_str)
                        .unwrap_or("string")
                        .to_ascii_lowercase(),
                )
            })
            .collect();
        if types.iter().any(|t| t == "string") {
            return Some("string".to_owned());
        }
        types.into_iter().next()
    }
}

/// A `permissions:` block.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Permissions {
    ReadAll(Pos),
    WriteAll(Pos),
    /// Named scopes (`{}` has none), each with its level.
    Scopes(Pos, Vec<(Str, Str)>),
}

impl Permissions {
    pub(crate) fn pos(&self) -> Pos {
        match self {
            Permissions::ReadAll(pos)
            | Permissions::WriteAll(pos)
            | Permissions::Scopes(pos, _) => *pos,
        }
    }

    /// The scopes granted `write`.
    pub(crate) fn writes(&self) -> Vec<&Str> {
        match self {
            Permissions::Scopes(_, scopes) => scopes
                .iter()
                .filter(|(_, level)| level.text.eq_ignore_ascii_case("write"))
                .map(|(scope, _)| scope)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A `concurrency:` block.
#[derive(Debug, Clone)]
pub(crate) struct Concurrency {
    /// `cancel-in-progress` as written (`true`, or an expression).
    pub cancel_in_progress: Option<String>,
}

/// A job: steps it runs, or a reusable workflow it calls.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub id: Str,
    pub name: Option<Str>,
    pub needs: Vec<Str>,
    pub cond: Option<Str>,
    pub permissions: Option<Permissions>,
    pub environment: Option<Str>,
    pub container: Option<Str>,
    pub services: Vec<Str>,
    pub timeout: Option<Pos>,
    pub continue_on_error: Option<Str>,
    pub concurrency: Option<Concurrency>,
    pub matrix: Option<Node>,
    pub steps: Vec<Step>,
    /// A reusable workflow called instead of steps.
    pub uses: Option<Str>,
    pub with: Vec<(Str, Node)>,
    /// GitLab `when: manual`.
    pub manual: bool,
    /// The file the job is written in, when not the workflow's own (a GitLab `include:`).
    pub file: Option<String>,
}

impl Job {
    /// The job's id and name, lower-cased, for matching words.
    pub(crate) fn label(&self) -> String {
        let mut label = self.id.text.to_ascii_lowercase();
        if let Some(name) = &self.name {
            label.push(' ');
            label.push_str(&name.text.to_ascii_lowercase());
        }
        label
    }
}

/// A step: an action it uses or a script it runs.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub pos: Pos,
    pub name: Option<Str>,
    pub id: Option<Str>,
    pub uses: Option<Str>,
    pub run: Option<Node>,
    pub with: Vec<(Str, Node)>,
    pub env: Vec<(Str, Node)>,
    pub cond: Option<Str>,
    pub continue_on_error: Option<Str>,
}

impl Step {
    /// The text of a `with:` input.
    pub(crate) fn input(&self, name: &str) -> Option<&Node> {
        self.with
            .iter()
            .find(|(k, _)| k.text == name)
            .map(|(_, v)| v)
    }

    /// The step's name and id, lower-cased.
    pub(crate) fn label(&self) -> String {
        let mut label = String::new();
        for part in [&self.name, &self.id].into_iter().flatten() {
            label.push_str(&part.text.to_ascii_lowercase());
            label.push(' ');
        }
        label
    }

    /// The script, when the step runs one.
    pub(crate) fn script(&self) -> Option<&str> {
        self.run.as_ref().and_then(Node::as_str)
    }
}

/// An `action.yml`: a composite action's steps, or a Docker/JavaScript action.
#[derive(Debug, Clone)]
pub(crate) struct Action {
    /// Path of the `action.yml` file.
    pub path: String,
    /// The directory `uses: ./dir` names.
    pub dir: String,
    pub using: String,
    pub steps: Vec<Step>,
    /// `runs.image` of a Docker action.
    pub image: Option<Str>,
    /// An input defaults to the workflow's token, so the action may write with it.
    pub takes_token: bool,
}

/// A structural problem in a file: where and what.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub pos: Pos,
    pub message: String,
    pub help: String,
}
