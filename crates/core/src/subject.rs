//! Working out what a gate checks: repository, commit and ref, from the Actions context
//! or, on a developer's machine, from git itself.

use std::path::Path;
use std::process::Command;

use crate::github;
use crate::report::Subject;

/// The subject for a gate run on `root`.
pub fn detect(root: &Path, github: Option<&github::Context>) -> Subject {
    let root_text = root.to_string_lossy().into_owned();
    if let Some(context) = github {
        return Subject {
            repository: context.repository.clone(),
            commit: context.head_sha().map(str::to_owned),
            git_ref: context.git_ref.clone(),
            root: root_text,
        };
    }
    // Outside a git work tree there is nothing to ask git about; inside one, the files
    // answer without starting a process, and git is asked only when they do not.
    let Some(dot_git) = find_dot_git(root) else {
        return Subject {
            root: root_text,
            ..Subject::default()
        };
    };
    if let Some(subject) = from_files(&dot_git, &root_text) {
        return subject;
    }
    Subject {
        repository: git(root, &["remote", "get-url", "origin"]).and_then(|url| repository_of(&url)),
        commit: git(root, &["rev-parse", "--verify", "-q", "HEAD"]),
        git_ref: git(root, &["symbolic-ref", "-q", "HEAD"]),
        root: root_text,
    }
}

/// The `.git` (directory, or file of a linked worktree) of the work tree holding `root`.
fn find_dot_git(root: &Path) -> Option<std::path::PathBuf> {
    if std::env::var_os("GIT_DIR").is_some() {
        return Some(root.join(".git"));
    }
    let start = std::fs::canonicalize(root).ok()?;
    start
        .ancestors()
        .map(|dir| dir.join(".git"))
        .find(|candidate| candidate.exists())
}

/// The subject read from `.git` itself: `HEAD`, the ref it names (loose or packed) and
/// `remote.origin.url`. `None` when anything is unusual (reftable, a ref git would have to
/// resolve), so git itself answers.
fn from_files(dot_git: &Path, root: &str) -> Option<Subject> {
    let git_dir = if dot_git.is_file() {
        let text = std::fs::read_to_string(dot_git).ok()?;
        let linked = Path::new(text.strip_prefix("gitdir:")?.trim()).to_path_buf();
        if linked.is_absolute() {
            linked
        } else {
            dot_git.parent()?.join(linked)
        }
    } else {
        dot_git.to_path_buf()
    };
    let common = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(text) => git_dir.join(text.trim()),
        Err(_) => git_dir.clone(),
    };
    let config = std::fs::read_to_string(common.join("config")).unwrap_or_default();
    if config.contains("refstorage") || config.contains("refStorage") {
        return None;
    }
    let head = std::fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    let (git_ref, commit) = match head.strip_prefix("ref:") {
        Some(name) => {
            let name = name.trim().to_owned();
            let commit = resolve(&git_dir, &common, &name);
            // An unborn branch has no commit; any other ref we cannot read goes to git.
            if commit.is_none() && has_commits(&common) {
                return None;
            }
            (Some(name), commit)
        }
        None if is_sha(head) => (None, Some(head.to_owned())),
        None => return None,
    };
    Some(Subject {
        repository: origin_url(&config).and_then(|url| repository_of(&url)),
        commit,
        git_ref,
        root: root.to_owned(),
    })
}

fn is_sha(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn has_commits(common: &Path) -> bool {
    common.join("packed-refs").is_file()
        || std::fs::read_dir(common.join("refs/heads")).is_ok_and(|mut d| d.next().is_some())
}

/// The commit a ref names, from its loose file or `packed-refs`.
fn resolve(git_dir: &Path, common: &Path, name: &str) -> Option<String> {
    for dir in [git_dir, common] {
        if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
            let text = text.trim();
            return is_sha(text).then(|| text.to_owned());
        }
    }
    let packed = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    packed.lines().find_map(|line| {
        let (sha, refname) = line.split_once(' ')?;
        (refname.trim() == name && is_sha(sha)).then(|| sha.to_owned())
    })
}

/// `url` of `[remote "origin"]` in a git config.
fn origin_url(config: &str) -> Option<String> {
    let mut in_origin = false;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_origin = line.replace(' ', "") == "[remote\"origin\"]";
        } else if in_origin
            && let Some((key, value)) = line.split_once('=')
            && key.trim().eq_ignore_ascii_case("url")
        {
            return Some(value.trim().to_owned());
        }
    }
    None
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// `owner/name` from a remote URL (`https://host/owner/name.git`, `git@host:owner/name`).
pub fn repository_of(url: &str) -> Option<String> {
    let url = url.trim().trim_end_matches('/');
    let url = url.strip_suffix(".git").unwrap_or(url);
    let path = if let Some((_, rest)) = url.split_once("://") {
        rest.split_once('/')?.1
    } else {
        url.split_once(':')?.1
    };
    let mut parts = path.rsplit('/');
    let name = parts.next().filter(|s| !s.is_empty())?;
    let owner = parts.next().filter(|s| !s.is_empty())?;
    Some(format!("{owner}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_from_remote_urls() {
        assert_eq!(
            repository_of("https://github.com/acme/app.git").as_deref(),
            Some("acme/app")
        );
        assert_eq!(
            repository_of("git@github.com:acme/app.git").as_deref(),
            Some("acme/app")
        );
        assert_eq!(
            repository_of("ssh://git@host:22/acme/app").as_deref(),
            Some("acme/app")
        );
        assert_eq!(
            repository_of("https://github.com/acme/app/").as_deref(),
            Some("acme/app")
        );
        assert_eq!(repository_of("/srv/repo"), None);
    }

    #[test]
    fn files_give_what_git_would() {
        let mut repo = signoff_testkit::GitRepo::new();
        repo.write("a.txt", "a");
        let commit = repo.commit("first");
        repo.git(&["remote", "add", "origin", "git@github.com:acme/app.git"]);
        let read = detect(repo.path(), None);
        assert_eq!(read.commit.as_deref(), Some(commit.as_str()));
        assert_eq!(read.git_ref.as_deref(), Some("refs/heads/main"));
        assert_eq!(read.repository.as_deref(), Some("acme/app"));
        repo.git(&["pack-refs", "--all"]);
        repo.git(&["checkout", "-q", "--detach"]);
        let detached = detect(&repo.path().join("."), None);
        assert_eq!(
            (detached.commit.as_deref(), detached.git_ref),
            (Some(commit.as_str()), None)
        );
        let worktree = tempfile::tempdir().unwrap();
        let linked = worktree.path().join("wt");
        repo.git(&[
            "worktree",
            "add",
            "-q",
            "-b",
            "other",
            linked.to_str().unwrap(),
            "main",
        ]);
        let in_worktree = detect(&linked, None);
        assert_eq!(in_worktree.git_ref.as_deref(), Some("refs/heads/other"));
        assert_eq!(in_worktree.commit.as_deref(), Some(commit.as_str()));
    }

    #[test]
    fn outside_git_nothing_is_guessed() {
        let dir = tempfile::tempdir().unwrap();
        let subject = detect(dir.path(), None);
        assert_eq!(subject.commit, None);
        assert_eq!(subject.repository, None);
    }
}
