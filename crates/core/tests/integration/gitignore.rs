//! `signoff_core::gitignore` against git itself: the same `.gitignore` and the same tree,
//! and for every path the answer of `git check-ignore`.

use std::io::Write;
use std::process::{Command, Stdio};

use signoff_core::gitignore::{Gitignore, Matched};

/// Rules from real `.gitignore` files (GitHub's templates for Node, Python, Rust, Go and
/// Terraform, and monorepos' own), with the corner cases gitignore(5) describes.
const RULES: &str = r"# dependencies
node_modules
/.pnp
.pnp.js
# testing
/coverage
# production
/build
dist/
*.log
npm-debug.log*
.env*
!.env.example
__pycache__/
*.py[cod]
*$py.class
*.egg-info/
.venv
target/
**/*.rs.bk
*.tfstate
*.tfstate.*
.terraform/
!.terraform.lock.hcl
crash.*.log
docs/_build/
/packages/*/lib
apps/**/out
generated/**
!generated/keep.txt
[Tt]humbs.db
*.sw[!p]
cache?
\#hash
\!bang
a\ 
weird  
!/build/keep
logs/**/*.tmp
";

const PATHS: &[(&str, bool)] = &[
    ("node_modules", true),
    ("web/node_modules", true),
    (".pnp", false),
    ("sub/.pnp", false),
    (".pnp.js", false),
    ("coverage", true),
    ("src/coverage", true),
    ("build", true),
    ("build/keep", false),
    ("web/build", true),
    ("dist", true),
    ("web/dist", true),
    ("dist.txt", false),
    ("web/error.log", false),
    ("npm-debug.log.1", false),
    (".env", false),
    (".env.local", false),
    (".env.example", false),
    ("api/.env.example", false),
    ("api/__pycache__", true),
    ("m.pyc", false),
    ("m.pyd", false),
    ("m.pyx", false),
    ("m$py.class", false),
    ("pkg.egg-info", true),
    ("other.egg-info", false),
    (".venv", true),
    ("target", true),
    ("src/target", false),
    ("src/a.rs.bk", false),
    ("terraform.tfstate", false),
    ("terraform.tfstate.backup", false),
    (".terraform", true),
    (".terraform.lock.hcl", false),
    ("crash.1.log", false),
    ("docs/_build", true),
    ("x/docs/_build", true),
    ("packages/ui/lib", true),
    ("packages/ui/src", true),
    ("packages/ui/x/lib", true),
    ("apps/web/out", true),
    ("apps/out", true),
    ("apps/a/b/c/out", true),
    ("generated", true),
    ("generated/x.txt", false),
    ("generated/keep.txt", false),
    ("Thumbs.db", false),
    ("thumbs.db", false),
    ("x.swo", false),
    ("x.swp", false),
    ("cache1", false),
    ("cache", false),
    ("#hash", false),
    ("!bang", false),
    ("a ", false),
    ("weird", false),
    ("logs/a.tmp", false),
    ("logs/x/y/a.tmp", false),
    ("logs/a.txt", false),
    ("src", true),
    ("src/main.rs", false),
    ("package.json", false),
];

/// What the walk decides: a path is ignored when a directory above it is, or when the
/// last rule that matches it ignores it.
fn ignored(rules: &Gitignore, path: &str, is_dir: bool) -> bool {
    let mut prefix = String::new();
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(part);
        let dir = i + 1 < parts.len() || is_dir;
        if rules.matched(&prefix, dir) == Matched::Ignore {
            return true;
        }
    }
    false
}

#[test]
fn agrees_with_git_check_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(git(&["init", "-q"]).status.success(), "git init failed");
    std::fs::write(root.join(".gitignore"), RULES).unwrap();
    let mut asked = Vec::new();
    for (path, is_dir) in PATHS {
        let full = root.join(path);
        if *is_dir {
            std::fs::create_dir_all(&full).unwrap();
            // Asked without a trailing `/`: git finds it is a directory on disk, as it does
            // when it walks (`dir/` would also match `dir/**`, which a walk never asks).
            asked.push((*path).to_owned());
        } else {
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(&full, "x").unwrap();
            asked.push((*path).to_owned());
        }
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["check-ignore", "--no-index", "--stdin", "-z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for path in &asked {
        stdin.write_all(path.as_bytes()).unwrap();
        stdin.write_all(b"\0").unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let by_git: std::collections::HashSet<String> = String::from_utf8(output.stdout)
        .unwrap()
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(|p| p.trim_end_matches('/').to_owned())
        .collect();
    let rules = Gitignore::parse(RULES.as_bytes());
    let mut disagreements = Vec::new();
    for (path, is_dir) in PATHS {
        let ours = ignored(&rules, path, *is_dir);
        let theirs = by_git.contains(*path);
        if ours != theirs {
            disagreements.push(format!(
                "{path} (dir: {is_dir}): signoff {ours}, git {theirs}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    // The test asks about both answers: a list git ignores nothing of would prove little.
    assert!(
        by_git.len() > 20 && by_git.len() < PATHS.len() - 15,
        "{by_git:?}"
    );
}
