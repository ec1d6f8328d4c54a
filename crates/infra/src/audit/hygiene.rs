//! Repository hygiene around deployment: committed `.env` files, a `.gitignore` that does
//! not keep them out, and files of the gate's kinds it could not read as such
//! (`invalid-file`, so that a broken manifest never passes unseen).

use signoff_core::report::Finding;

use super::{Audit, Cx, Rule, at};
use crate::model::Pos;

pub(crate) struct Hygiene;

impl Audit for Hygiene {
    fn rules(&self) -> &'static [Rule] {
        &[
            Rule::EnvFileCommitted,
            Rule::EnvNotIgnored,
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
        if !cx.repo.env_ignored {
            out.push(
                at(Rule::EnvNotIgnored, ".gitignore", Pos::default(), &["env"])
                    .message("`.gitignore` does not exclude `.env` files, so the next `git add .` commits one")
                    .help("add to .gitignore:\n  .env\n  .env.*\n  !.env.example")
                    .build(),
            );
        }
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
                .build(),
            );
        }
    }
}
