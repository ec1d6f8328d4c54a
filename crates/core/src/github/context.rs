//! The event context of a workflow run: which event, which commits, where the run is.
//!
//! Read from the runner's environment (`GITHUB_*`) and the event payload file
//! (`GITHUB_EVENT_PATH`). For `pull_request` (and `pull_request_target`, `merge_group`) the
//! base and head commits come from the payload, since `GITHUB_SHA` is a merge commit.

use serde_json::Value;

/// A pull request's commits and refs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PullRequest {
    pub number: Option<u64>,
    pub base_sha: Option<String>,
    pub head_sha: Option<String>,
    pub base_ref: Option<String>,
    pub head_ref: Option<String>,
}

/// The context of the current workflow run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    /// `push`, `pull_request`, `workflow_dispatch`, …
    pub event_name: String,
    /// `owner/name`.
    pub repository: Option<String>,
    /// `GITHUB_SHA`.
    pub sha: Option<String>,
    /// `GITHUB_REF`.
    pub git_ref: Option<String>,
    /// `https://github.com` or a GitHub Enterprise host.
    pub server_url: String,
    /// `https://api.github.com` or the Enterprise API.
    pub api_url: String,
    pub run_id: Option<String>,
    pub run_attempt: Option<String>,
    pub actor: Option<String>,
    pub workflow: Option<String>,
    pub job: Option<String>,
    /// Set for pull request and merge queue events.
    pub pull_request: Option<PullRequest>,
    /// `before` of a push event: the commit the branch pointed to before the push.
    pub push_before: Option<String>,
}

impl Context {
    /// The context of this process when it runs in Actions; `None` otherwise.
    pub fn from_env() -> Option<Self> {
        if !super::in_actions() {
            return None;
        }
        let lookup = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let payload = lookup("GITHUB_EVENT_PATH")
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        Some(Self::from_parts(lookup, &payload))
    }

    /// A context from an environment lookup and the event payload's JSON text (which may
    /// be empty or broken; then only the environment counts).
    pub fn from_parts(lookup: impl Fn(&str) -> Option<String>, payload: &str) -> Self {
        let event: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
        let event_name = lookup("GITHUB_EVENT_NAME").unwrap_or_default();
        let text = |value: &Value, pointer: &str| {
            value
                .pointer(pointer)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let pull_request = match event_name.as_str() {
            "pull_request" | "pull_request_target" | "pull_request_review" => Some(PullRequest {
                number: event
                    .pointer("/pull_request/number")
                    .and_then(Value::as_u64),
                base_sha: text(&event, "/pull_request/base/sha"),
                head_sha: text(&event, "/pull_request/head/sha"),
                base_ref: text(&event, "/pull_request/base/ref")
                    .or_else(|| lookup("GITHUB_BASE_REF")),
                head_ref: text(&event, "/pull_request/head/ref")
                    .or_else(|| lookup("GITHUB_HEAD_REF")),
            }),
            // A workflow run that follows a pull request's run names it only when the pull
            // request comes from this repository (GitHub leaves `pull_requests` empty for
            // forks; the report action then looks the number up by the head commit).
            "workflow_run" => {
                event
                    .pointer("/workflow_run/pull_requests/0")
                    .map(|pr| PullRequest {
                        number: pr.pointer("/number").and_then(Value::as_u64),
                        base_sha: text(pr, "/base/sha"),
                        head_sha: text(&event, "/workflow_run/head_sha")
                            .or_else(|| text(pr, "/head/sha")),
                        base_ref: text(pr, "/base/ref"),
                        head_ref: text(pr, "/head/ref"),
                    })
            }
            "merge_group" => Some(PullRequest {
                number: None,
                base_sha: text(&event, "/merge_group/base_sha"),
                head_sha: text(&event, "/merge_group/head_sha"),
                base_ref: text(&event, "/merge_group/base_ref"),
                head_ref: text(&event, "/merge_group/head_ref"),
            }),
            _ => None,
        };
        // A push that creates a branch has an all-zero `before`.
        let push_before = (event_name == "push")
            .then(|| text(&event, "/before"))
            .flatten()
            .filter(|sha| sha.bytes().any(|b| b != b'0'));
        Self {
            event_name,
            repository: lookup("GITHUB_REPOSITORY"),
            sha: lookup("GITHUB_SHA"),
            git_ref: lookup("GITHUB_REF"),
            server_url: lookup("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into()),
            api_url: lookup("GITHUB_API_URL").unwrap_or_else(|| "https://api.github.com".into()),
            run_id: lookup("GITHUB_RUN_ID"),
            run_attempt: lookup("GITHUB_RUN_ATTEMPT"),
            actor: lookup("GITHUB_TRIGGERING_ACTOR").or_else(|| lookup("GITHUB_ACTOR")),
            workflow: lookup("GITHUB_WORKFLOW"),
            job: lookup("GITHUB_JOB"),
            pull_request,
            push_before,
        }
    }

    /// The commit a human means: the pull request's head, else `GITHUB_SHA`.
    pub fn head_sha(&self) -> Option<&str> {
        self.pull_request
            .as_ref()
            .and_then(|pr| pr.head_sha.as_deref())
            .or(self.sha.as_deref())
    }

    /// The commit to compare against: a pull request's base, or a push's `before`.
    pub fn base_sha(&self) -> Option<&str> {
        self.pull_request
            .as_ref()
            .and_then(|pr| pr.base_sha.as_deref())
            .or(self.push_before.as_deref())
    }

    /// `https://github.com/owner/name/actions/runs/ID[/attempts/N]`.
    pub fn run_url(&self) -> Option<String> {
        let repository = self.repository.as_deref()?;
        let run_id = self.run_id.as_deref()?;
        let mut url = format!("{}/{repository}/actions/runs/{run_id}", self.server_url);
        if let Some(attempt) = self.run_attempt.as_deref().filter(|a| *a != "1") {
            url.push_str(&format!("/attempts/{attempt}"));
        }
        Some(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn pull_request_takes_commits_from_the_payload() {
        let payload = r#"{"pull_request":{"number":7,"base":{"sha":"b4s3","ref":"main"},
            "head":{"sha":"h34d","ref":"feature"}}}"#;
        let context = Context::from_parts(
            env(&[
                ("GITHUB_EVENT_NAME", "pull_request"),
                ("GITHUB_SHA", "m3rg3"),
                ("GITHUB_REPOSITORY", "acme/app"),
                ("GITHUB_RUN_ID", "42"),
                ("GITHUB_RUN_ATTEMPT", "2"),
                ("GITHUB_ACTOR", "octocat"),
            ]),
            payload,
        );
        let pr = context.pull_request.clone().unwrap();
        assert_eq!(pr.number, Some(7));
        assert_eq!(context.base_sha(), Some("b4s3"));
        assert_eq!(context.head_sha(), Some("h34d"));
        assert_eq!(pr.base_ref.as_deref(), Some("main"));
        assert_eq!(
            context.run_url().as_deref(),
            Some("https://github.com/acme/app/actions/runs/42/attempts/2")
        );
        assert_eq!(context.actor.as_deref(), Some("octocat"));
    }

    #[test]
    fn workflow_run_names_a_same_repository_pull_request_and_not_a_fork() {
        let same = r#"{"workflow_run":{"id":9,"head_sha":"h34d","pull_requests":[
            {"number":12,"base":{"sha":"b4s3","ref":"main"},"head":{"sha":"h34d","ref":"topic"}}]}}"#;
        let context = Context::from_parts(env(&[("GITHUB_EVENT_NAME", "workflow_run")]), same);
        let pr = context.pull_request.clone().unwrap();
        assert_eq!(pr.number, Some(12));
        assert_eq!(pr.base_ref.as_deref(), Some("main"));
        assert_eq!(context.head_sha(), Some("h34d"));
        let fork = r#"{"workflow_run":{"id":9,"head_sha":"f0rk","pull_requests":[]}}"#;
        let context = Context::from_parts(env(&[("GITHUB_EVENT_NAME", "workflow_run")]), fork);
        assert!(context.pull_request.is_none());
    }

    #[test]
    fn push_uses_before_unless_the_branch_is_new() {
        let context = Context::from_parts(
            env(&[("GITHUB_EVENT_NAME", "push"), ("GITHUB_SHA", "a1")]),
            r#"{"before":"0000000000000000000000000000000000000000"}"#,
        );
        assert_eq!(context.base_sha(), None);
        assert_eq!(context.head_sha(), Some("a1"));
        let context = Context::from_parts(
            env(&[("GITHUB_EVENT_NAME", "push")]),
            r#"{"before":"beef"}"#,
        );
        assert_eq!(context.base_sha(), Some("beef"));
    }

    #[test]
    fn broken_payload_falls_back_to_environment() {
        let context = Context::from_parts(
            env(&[
                ("GITHUB_EVENT_NAME", "pull_request"),
                ("GITHUB_BASE_REF", "main"),
            ]),
            "{not json",
        );
        let pr = context.pull_request.unwrap();
        assert_eq!(pr.base_ref.as_deref(), Some("main"));
        assert_eq!(pr.base_sha, None);
        assert_eq!(context.server_url, "https://github.com");
    }
}
