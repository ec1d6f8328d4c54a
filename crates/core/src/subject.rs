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
    Subject {
        repository: git(root, &["remote", "get-url", "origin"]).and_then(|url| repository_of(&url)),
        commit: git(root, &["rev-parse", "--verify", "-q", "HEAD"]),
        git_ref: git(root, &["symbolic-ref", "-q", "HEAD"]),
        root: root_text,
    }
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
    fn outside_git_nothing_is_guessed() {
        let dir = tempfile::tempdir().unwrap();
        let subject = detect(dir.path(), None);
        assert_eq!(subject.commit, None);
        assert_eq!(subject.repository, None);
    }
}
