//! Repository hygiene around deployment: committed `.env` files, a `.gitignore` that does
//! not keep them out, and files of the gate's kinds it could not read as such
//! (`invalid-file`, so that a broken manifest never passes unseen).

use signoff_core::report::Finding;
use signoff_core::yaml::tree::Value;

use super::{Audit, Cx, Rule, at};
use crate::load::EnvIgnored;
use crate::model::Pos;

pub(crate) struct Hygiene;

impl Audit for Hygiene {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::EnvFileCommitted,
            Rule::EnvNotIgnored,
            Rule::EnvExampleMissing,
            Rule::InvalidFile,
        ]
    }

    fn run(&self, cx: &Cx<'_>, out: &mut Vec<Finding>) {
        for path in &cx.repo.env_files {
            out.push(
                at(Rule::EnvFileCommitted, path, Pos::default(), &[path])
                    .message(format!("`{path}` is in the repository: environment files hold the deployment's credentials and settings"))
                    .help(format!("remove it from git (`git rm --cached {path}`), add `.env*` and `!.env.example` to .gitignore, commit a `.env.example` with placeholders, and rotate every credential it held"))
                    .build(),
            );
        }
        let open = match cx.repo.env_ignored {
            EnvIgnored::All => None,
            EnvIgnored::Plain => Some(
                "`.gitignore` excludes `.env` but not its variants (`.env.production`, `.env.local`), so the next `git add .` can commit one",
            ),
            EnvIgnored::None => Some(
                "`.gitignore` does not exclude `.env` files, so the next `git add .` commits one",
            ),
        };
        if let Some(message) = open {
            out.push(
                at(Rule::EnvNotIgnored, ".gitignore", Pos::default(), &["env"])
                    .message(message)
                    .help("add to .gitignore:\n  .env\n  .env.*\n  !.env.example")
                    .build(),
            );
        }
        env_example(cx, out);
        for invalid in &cx.repo.invalid {
            out.push(
                at(
                    Rule::InvalidFile,
                    &invalid.path,
                    invalid.pos,
                    &[&invalid.message],
                )
                .message(format!(
                    "`{}` cannot be judged: {}",
                    invalid.path, invalid.message
                ))
                .help(invalid.help.clone())
                .severity(if invalid.tolerated {
                    signoff_core::report::Severity::Medium
                } else {
                    signoff_core::report::Severity::High
                })
                .build(),
            );
        }
    }
}

/// A compose file that reads variables (`${VAR}`, `env_file:`) with no `.env.example` (or
/// `.sample`, `.template`) beside it or at the root: whoever deploys it must guess them.
fn env_example(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    for file in &cx.repo.compose {
        let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
        let documented = cx.repo.env_examples.iter().any(|example| {
            let example_dir = example.rsplit_once('/').map_or("", |(d, _)| d);
            example_dir.is_empty() || example_dir == dir
        });
        if documented {
            continue;
        }
        let Some(pos) = file.docs.iter().find_map(reads_environment) else {
            continue;
        };
        let variables = file
            .docs
            .iter()
            .flat_map(variables)
            .collect::<std::collections::BTreeSet<_>>();
        let shown: Vec<String> = variables.iter().take(8).cloned().collect();
        out.push(
            at(Rule::EnvExampleMissing, &file.path, pos, &["env-example"])
                .message(format!(
                    "`{}` reads environment variables ({}) but no `.env.example` says which ones a deploy must set",
                    file.path,
                    if shown.is_empty() { "`env_file:`".to_owned() } else { shown.join(", ") }
                ))
                .help(format!(
                    "commit `{}` with every variable and a placeholder (`DB_PASSWORD=`), and keep it in sync",
                    if dir.is_empty() { ".env.example".to_owned() } else { format!("{dir}/.env.example") }
                ))
                .build(),
        );
    }
}

/// Where a compose document first reads the environment: an `env_file` key or a `${VAR}`.
fn reads_environment(node: &crate::model::Node) -> Option<Pos> {
    match &node.value {
        Value::Scalar { text, .. } => text.contains("${").then_some(node.pos),
        Value::Sequence(items) => items.iter().find_map(reads_environment),
        Value::Mapping(entries) => entries.iter().find_map(|entry| {
            if entry.key.text == "env_file" {
                Some(entry.key.pos)
            } else {
                reads_environment(&entry.value)
            }
        }),
    }
}

/// The names of the `${VAR}` a document reads.
fn variables(node: &crate::model::Node) -> Vec<String> {
    match &node.value {
        Value::Scalar { text, .. } => text
            .split("${")
            .skip(1)
            .filter_map(|rest| {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                (!name.is_empty()).then_some(name)
            })
            .collect(),
        Value::Sequence(items) => items.iter().flat_map(variables).collect(),
        Value::Mapping(entries) => entries.iter().flat_map(|e| variables(&e.value)).collect(),
    }
}
