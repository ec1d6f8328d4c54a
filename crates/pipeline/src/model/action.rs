//! An `action.yml`: what it runs (`composite` steps, a Docker image, or JavaScript), found
//! by the directory a `uses: ./dir` names.

use super::workflow::{problem, step};
use super::{Action, Node, Problem, Str};

/// Whether an expression or text hands over the workflow's token.
pub(crate) fn mentions_token(text: &str) -> bool {
    text.contains("github.token") || text.contains("secrets.GITHUB_TOKEN")
}

/// Reads an action; `dir` is the directory holding `action.yml`.
pub(crate) fn read(path: &str, dir: &str, doc: &Node) -> (Action, Vec<Problem>) {
    let mut problems = Vec::new();
    let runs = doc.get("runs");
    if runs.is_none() {
        problems.push(problem(doc.pos, "the action has no `runs:`".into(), "add `runs:` with `using: composite` and `steps:`, or the Docker or JavaScript entry point"));
    }
    let using = runs
        .and_then(|r| r.get("using"))
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let steps = match runs.and_then(|r| r.get("steps")) {
        Some(list) if list.is_sequence() => list.items().iter().map(step).collect(),
        Some(list) => {
            problems.push(problem(
                list.pos,
                format!("`runs.steps` is {}, not a list", list.kind_name()),
                "write each step as a `- ` item under `steps:`",
            ));
            Vec::new()
        }
        None => Vec::new(),
    };
    let action = Action {
        path: path.to_owned(),
        dir: dir.to_owned(),
        using,
        steps,
        image: runs.and_then(|r| r.get("image")).and_then(Str::of),
        takes_token: doc.get("inputs").is_some_and(|inputs| {
            inputs.entries().any(|(_, input)| {
                input
                    .get("default")
                    .and_then(Node::as_str)
                    .is_some_and(mentions_token)
            })
        }),
    };
    (action, problems)
}
