//! The sticky pull-request comment: one comment per pull request (and key), found by a
//! hidden marker, created the first time and updated afterwards, through octocrab. The
//! body stays within GitHub's 65,536-character limit. Errors say what GitHub answered and
//! what to change; the report files are written whatever happens here.

use std::time::Duration;

use octocrab::Octocrab;
use serde::Deserialize;
use signoff_core::github::Context;

/// GitHub refuses comment bodies over 65,536 characters.
pub const MAX_BODY_CHARS: usize = 65_536;
/// Pages of comments read while looking for the sticky one (100 comments a page).
const MAX_PAGES: usize = 50;

/// Where to comment.
#[derive(Debug, Clone)]
pub struct Target {
    pub api_url: String,
    pub token: String,
    pub owner: String,
    pub repo: String,
    pub number: u64,
}

/// Why the comment was not posted.
#[derive(Debug, thiserror::Error)]
pub enum CommentError {
    #[error("--comment works inside GitHub Actions only")]
    NotInActions,
    #[error(
        "the `{0}` event has no pull request to comment on; run the report on `pull_request` events, or name one with --pull-request"
    )]
    NotAPullRequest(String),
    #[error("no token: set `GITHUB_TOKEN: ${{{{ github.token }}}}` in the step's `env:`")]
    NoToken,
    #[error("GITHUB_REPOSITORY is not `owner/name`")]
    NoRepository,
    #[error("GitHub answered {status} {action}: {message}{hint}")]
    Api {
        status: u16,
        action: &'static str,
        message: String,
        hint: &'static str,
    },
    #[error("cannot reach the GitHub API at {url} {action}: {message}")]
    Transport {
        url: String,
        action: &'static str,
        message: String,
    },
}

#[derive(Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    user: Option<Author>,
}

#[derive(Debug, Deserialize)]
struct Author {
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

impl Comment {
    /// A sticky comment opens with the marker; a reply that quotes it does not.
    fn is_sticky(&self, marker: &str) -> bool {
        self.body
            .as_deref()
            .is_some_and(|b| b.trim_start().starts_with(marker))
    }

    fn by_bot(&self) -> bool {
        self.user
            .as_ref()
            .and_then(|u| u.kind.as_deref())
            .is_some_and(|k| k == "Bot")
    }
}

/// What the upsert did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Posted {
    Created(u64),
    Updated(u64),
}

/// The hidden marker that identifies the sticky comment for `key`.
pub fn marker(key: &str) -> String {
    let key: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(64)
        .collect();
    format!("<!-- signoff:sticky-comment:{key} -->")
}

/// The comment body: marker, then `markdown` cut to fit the limit with a note.
pub fn body(key: &str, markdown: &str) -> String {
    let marker = marker(key);
    let note = "\n\n> [!NOTE]\n> This comment was cut to fit GitHub's 65,536-character limit; the full report is in the `signoff` artifact.\n";
    let budget = MAX_BODY_CHARS - marker.chars().count() - 1;
    if markdown.chars().count() <= budget {
        return format!("{marker}\n{markdown}");
    }
    let keep = budget - note.chars().count();
    let mut text: String = markdown.chars().take(keep).collect();
    if let Some(index) = text.rfind('\n') {
        text.truncate(index);
    }
    format!("{marker}\n{text}{note}")
}

/// Posts `markdown` as the sticky comment of the current pull request.
pub fn post(
    github: Option<&Context>,
    pull_request: Option<u64>,
    key: &str,
    markdown: &str,
) -> Result<Posted, CommentError> {
    let context = github.ok_or(CommentError::NotInActions)?;
    let number = pull_request
        .or_else(|| context.pull_request.as_ref().and_then(|pr| pr.number))
        .ok_or_else(|| CommentError::NotAPullRequest(context.event_name.clone()))?;
    let token = std::env::var("GITHUB_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .ok_or(CommentError::NoToken)?;
    let (owner, repo) = context
        .repository
        .as_deref()
        .and_then(|r| r.split_once('/'))
        .ok_or(CommentError::NoRepository)?;
    let target = Target {
        api_url: context.api_url.clone(),
        token,
        owner: owner.to_owned(),
        repo: repo.to_owned(),
        number,
    };
    upsert(&target, key, markdown)
}

/// Creates or updates the sticky comment on `target`.
pub fn upsert(target: &Target, key: &str, markdown: &str) -> Result<Posted, CommentError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CommentError::Transport {
            url: target.api_url.clone(),
            action: "(runtime)",
            message: e.to_string(),
        })?;
    runtime.block_on(upsert_async(target, key, markdown))
}

async fn upsert_async(target: &Target, key: &str, markdown: &str) -> Result<Posted, CommentError> {
    let transport = |action: &'static str| {
        let url = target.api_url.clone();
        move |e: octocrab::Error| map_error(e, &url, action)
    };
    let client = Octocrab::builder()
        .base_uri(target.api_url.as_str())
        .map_err(transport("(base URL)"))?
        .personal_token(target.token.clone())
        .set_connect_timeout(Some(Duration::from_secs(10)))
        .set_read_timeout(Some(Duration::from_secs(30)))
        .build()
        .map_err(transport("(client)"))?;
    let marker = marker(key);
    let body = body(key, markdown);
    let base = format!("/repos/{}/{}/issues", target.owner, target.repo);
    let mut existing = None;
    let mut next = Some(format!(
        "{}{base}/{}/comments?per_page=100",
        target.api_url.trim_end_matches('/'),
        target.number
    ));
    let mut pages = 0;
    while let Some(url) = next.take() {
        pages += 1;
        let response = client
            ._get(url.as_str())
            .await
            .map_err(transport("listing comments"))?;
        let response = octocrab::map_github_error(response)
            .await
            .map_err(transport("listing comments"))?;
        next = next_link(response.headers().get("link").and_then(|v| v.to_str().ok()));
        let text = client
            .body_to_string(response)
            .await
            .map_err(transport("listing comments"))?;
        let comments: Vec<Comment> =
            serde_json::from_str(&text).map_err(|e| CommentError::Transport {
                url: url.clone(),
                action: "listing comments",
                message: format!("unexpected answer: {e}"),
            })?;
        // A bot's sticky comment (the workflow token's) wins over one a person wrote with
        // the marker; a person's counts only when no bot's exists (a personal token).
        for comment in comments.iter().filter(|c| c.is_sticky(&marker)) {
            if comment.by_bot() {
                existing = Some((comment.id, true));
                break;
            }
            if existing.is_none() {
                existing = Some((comment.id, false));
            }
        }
        if existing.is_some_and(|(_, bot)| bot) {
            break;
        }
        if pages >= MAX_PAGES {
            break;
        }
    }
    let payload = serde_json::json!({ "body": body });
    match existing.map(|(id, _)| id) {
        Some(id) => {
            let updated: Comment = client
                .patch(format!("{base}/comments/{id}"), Some(&payload))
                .await
                .map_err(transport("updating the comment"))?;
            Ok(Posted::Updated(updated.id))
        }
        None => {
            let created: Comment = client
                .post(format!("{base}/{}/comments", target.number), Some(&payload))
                .await
                .map_err(transport("creating the comment"))?;
            Ok(Posted::Created(created.id))
        }
    }
}

/// The `rel="next"` URL of a `Link` header.
fn next_link(header: Option<&str>) -> Option<String> {
    header?.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == "rel=\"next\"")
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
    })
}

fn map_error(error: octocrab::Error, url: &str, action: &'static str) -> CommentError {
    match error {
        octocrab::Error::GitHub { source, .. } => {
            let status = source.status_code.as_u16();
            let hint = match status {
                401 => "; the token is invalid or expired",
                403 => {
                    "; give the workflow `permissions: pull-requests: write` (forks get a read-only token)"
                }
                404 => "; check the repository and pull request, and that the token can see them",
                422 => "; GitHub refused the comment body",
                _ => "",
            };
            CommentError::Api {
                status,
                action,
                message: source.message,
                hint,
            }
        }
        other => CommentError::Transport {
            url: url.to_owned(),
            action,
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_is_hidden_and_key_is_sanitized() {
        assert_eq!(marker("signoff"), "<!-- signoff:sticky-comment:signoff -->");
        assert_eq!(marker("a --> <b>"), "<!-- signoff:sticky-comment:a--b -->");
    }

    #[test]
    fn body_fits_the_limit() {
        let long = "| row |\n".repeat(20_000);
        let text = body("k", &long);
        assert!(text.chars().count() <= MAX_BODY_CHARS);
        assert!(text.starts_with(&marker("k")));
        assert!(text.contains("65,536-character limit"));
        assert_eq!(body("k", "short"), format!("{}\nshort", marker("k")));
    }

    #[test]
    fn next_link_is_found() {
        let header = r#"<https://api/x?page=2>; rel="next", <https://api/x?page=5>; rel="last""#;
        assert_eq!(
            next_link(Some(header)).as_deref(),
            Some("https://api/x?page=2")
        );
        assert_eq!(
            next_link(Some(r#"<https://api/x?page=1>; rel="prev""#)),
            None
        );
        assert_eq!(next_link(None), None);
    }
}
