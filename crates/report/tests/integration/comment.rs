//! The sticky pull-request comment against a local server that answers like the GitHub
//! REST API: pagination, create, update, 403 and 404. On API errors the report is still
//! written and the error says what to do.

use std::sync::{Arc, Mutex};

use serde_json::json;
use signoff_testkit::http::{FakeHttp, Request, Response};

use crate::*;

const MARKER: &str = "<!-- signoff:sticky-comment:signoff -->";

/// A fake GitHub holding the comments of pull request 7 of acme/shop.
fn github(
    comments: Vec<serde_json::Value>,
    fail: Option<u16>,
) -> (FakeHttp, Arc<Mutex<Vec<serde_json::Value>>>) {
    let store = Arc::new(Mutex::new(comments));
    let state = Arc::clone(&store);
    let server = FakeHttp::start(move |request: &Request| {
        if let Some(status) = fail {
            let message = if status == 403 {
                "Resource not accessible by integration"
            } else {
                "Not Found"
            };
            return Response::json(
                status,
                json!({"message": message, "documentation_url": "https://docs.github.com/rest"}),
            );
        }
        if request.header("authorization") != Some("Bearer test-token") {
            return Response::json(401, json!({"message": "Bad credentials"}));
        }
        let mut comments = state.lock().unwrap();
        let path = request.target.split('?').next().unwrap_or_default();
        match (request.method.as_str(), path) {
            ("GET", "/repos/acme/shop/issues/7/comments") => {
                let page: usize = request
                    .target
                    .split(['?', '&'])
                    .find_map(|p| p.strip_prefix("page="))
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1);
                // Two comments a page, whatever per_page says, to exercise pagination.
                let items: Vec<_> = comments
                    .iter()
                    .skip((page - 1) * 2)
                    .take(2)
                    .cloned()
                    .collect();
                let mut response = Response::json(200, json!(items));
                if page * 2 < comments.len() {
                    let host = request.header("host").unwrap_or_default();
                    response = response.header(
                        "Link",
                        &format!("<http://{host}/repos/acme/shop/issues/7/comments?per_page=100&page={}>; rel=\"next\"", page + 1),
                    );
                }
                response
            }
            ("POST", "/repos/acme/shop/issues/7/comments") => {
                let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
                let comment = json!({
                    "id": 1000 + comments.len(),
                    "body": body["body"],
                    "user": {"login": "github-actions[bot]", "type": "Bot"},
                });
                comments.push(comment.clone());
                Response::json(201, comment)
            }
            ("PATCH", p) if p.starts_with("/repos/acme/shop/issues/comments/") => {
                let id: u64 = p.rsplit('/').next().unwrap().parse().unwrap();
                let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
                match comments.iter_mut().find(|c| c["id"] == id) {
                    Some(comment) => {
                        comment["body"] = body["body"].clone();
                        Response::json(200, comment.clone())
                    }
                    None => Response::json(404, json!({"message": "Not Found"})),
                }
            }
            _ => Response::json(404, json!({"message": "Not Found"})),
        }
    });
    (server, store)
}

fn run_in_pull_request(s: &Scenario, api: &str) -> signoff_testkit::Run {
    let event = s.dir.path().join("event.json");
    std::fs::write(
        &event,
        json!({"pull_request": {"number": 7, "base": {"sha": "b"}, "head": {"sha": COMMIT}}})
            .to_string(),
    )
    .unwrap();
    s.command()
        .arg("--comment")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REPOSITORY", "acme/shop")
        .env("GITHUB_API_URL", api)
        .env("GITHUB_TOKEN", "test-token")
        .env("GITHUB_STEP_SUMMARY", s.dir.path().join("summary.md"))
        .run()
}

fn approved() -> Scenario {
    Scenario::new()
        .policy("required: [secret-scan]\n")
        .gate("secret-scan.gate.json", &secret_scan_pass())
}

#[test]
fn creates_the_comment_once_then_updates_it() {
    let others = vec![
        json!({"id": 1, "body": "LGTM"}),
        json!({"id": 2, "body": "please rebase"}),
        json!({"id": 3, "body": "a bot said hi"}),
    ];
    let (server, store) = github(others, None);
    let s = approved();
    let run = run_in_pull_request(&s, &server.url);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(!run.stderr.contains("not posted"), "{}", run.stderr);
    {
        let comments = store.lock().unwrap();
        assert_eq!(comments.len(), 4);
        let body = comments[3]["body"].as_str().unwrap();
        assert!(
            body.starts_with(MARKER) && body.contains("Sign-off: APPROVED"),
            "{body}"
        );
        // Short: the verdict, the areas, a pointer to the report; not the report itself.
        assert!(body.contains("**Areas:** Secrets **A**"), "{body}");
        assert!(!body.contains("## Gate details"), "{body}");
        assert!(body.len() < 2_000, "{} bytes: {body}", body.len());
    }
    // The second run finds the marker on the second page and edits in place.
    let run = run_in_pull_request(&s, &server.url);
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert_eq!(store.lock().unwrap().len(), 4);
    let methods: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    assert!(
        methods
            .iter()
            .any(|m| m.starts_with("PATCH /repos/acme/shop/issues/comments/1003")),
        "{methods:#?}"
    );
    assert!(methods.iter().any(|m| m.contains("page=2")), "{methods:#?}");
    let token_leaked = server
        .requests()
        .iter()
        .any(|r| r.body_text().contains("test-token"));
    assert!(!token_leaked);
}

#[test]
fn only_the_bots_sticky_comment_is_edited_not_a_person_quoting_or_copying_the_marker() {
    let person = |id: u64, body: String| json!({"id": id, "body": body, "user": {"login": "mallory", "type": "User"}});
    let comments = vec![
        person(1, format!("> {MARKER}\n> Sign-off: REJECTED\n\nwhy?")),
        person(2, format!("{MARKER}\nSign-off: APPROVED (trust me)")),
        json!({"id": 3, "body": "LGTM"}),
        json!({"id": 4, "body": format!("{MARKER}\nold report"),
               "user": {"login": "github-actions[bot]", "type": "Bot"}}),
    ];
    let (server, store) = github(comments, None);
    let s = approved();
    let run = run_in_pull_request(&s, &server.url);
    assert_eq!(run.code, 0, "{}", run.all_output());
    let comments = store.lock().unwrap();
    assert_eq!(comments.len(), 4, "nothing new was created");
    let bots = comments[3]["body"].as_str().unwrap();
    assert!(
        bots.contains("Sign-off: APPROVED") && !bots.contains("old report"),
        "{bots}"
    );
    assert!(
        comments[1]["body"]
            .as_str()
            .unwrap()
            .ends_with("(trust me)")
    );
    assert!(comments[0]["body"].as_str().unwrap().ends_with("why?"));
}

#[test]
fn forbidden_and_not_found_are_clear_and_the_report_is_still_written() {
    for (status, hint) in [(403, "pull-requests: write"), (404, "check the repository")] {
        let (server, _) = github(Vec::new(), Some(status));
        let s = approved();
        let run = run_in_pull_request(&s, &server.url);
        assert_eq!(run.code, 0, "{status}: {}", run.all_output());
        assert!(
            run.stderr.contains(&format!("GitHub answered {status}")),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains(hint), "{}", run.stderr);
        assert!(s.out().join("report.md").is_file());
        assert!(s.out().join("signoff.intoto.json").is_file());
    }
}

#[test]
fn outside_a_pull_request_the_comment_is_skipped_with_a_reason() {
    let s = approved();
    let run = s.command().arg("--comment").run();
    assert_eq!(run.code, 0, "{}", run.all_output());
    assert!(
        run.stderr.contains("inside GitHub Actions only"),
        "{}",
        run.stderr
    );
}
