//! The decision, its timing and the report for ordinary servers: healthy, healthy after a
//! while, flapping, wrong body, 500s; and bad input refused before any request.

use std::time::Duration;

use crate::server::{Reply, Server};
use crate::{gate, gate_in};

#[test]
fn healthy_server_passes_on_the_first_attempt() {
    let server = Server::start(|_, _, _| {
        Reply::json(r#"{"status":"healthy","checks":[{"ok":true},{"ok":true}]}"#)
    });
    let url = server.url("/healthz");
    let gate = gate(&[
        "--url",
        &url,
        "--expect",
        r#"$.status == "healthy""#,
        "--expect",
        "$.checks[*].ok == true",
        "--expect",
        r#"header "content-type" contains "json""#,
    ]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert_eq!(gate.status(), "pass");
    assert!(
        gate.run
            .stdout
            .starts_with("health-check: pass: 1 check healthy in"),
        "{}",
        gate.run.stdout
    );
    let check = gate.check(0);
    assert_eq!(check["outcome"], "healthy");
    assert_eq!(check["attempts"], 1);
    assert_eq!(check["timeline"][0]["status"], 200);
    assert_eq!(check["timeline"][0]["http"], "HTTP/1.1");
    assert!(check["time_to_healthy_ms"].as_u64().unwrap() < 2000);
    assert_eq!(gate.report["checks"][0]["ok"], true);
    assert_eq!(gate.report["metrics"]["checks_healthy"], 1);
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);
}

#[test]
fn server_healthy_after_a_second_is_seen_within_a_period() {
    let server = Server::start(|_, _, since| {
        if since < Duration::from_millis(1200) {
            Reply::status(503, "starting")
        } else {
            Reply::ok("ok")
        }
    });
    let url = server.url("/");
    let gate = gate(&["--url", &url, "--period", "300ms", "--deadline", "20s"]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    let check = gate.check(0);
    let healthy_at = check["time_to_healthy_ms"].as_u64().unwrap();
    assert!(healthy_at >= 1000, "{check}");
    // Within one period of becoming healthy, plus generous slack for a loaded machine.
    assert!(healthy_at < 1200 + 300 + 3000, "{check}");
    let timeline = check["timeline"].as_array().unwrap();
    assert!(timeline.len() >= 2, "{check}");
    assert_eq!(timeline[0]["status"], 503);
    assert_eq!(timeline.last().unwrap()["status"], 200);
    assert!(
        timeline[0]["error"].as_str().unwrap().contains("got 503"),
        "{check}"
    );
}

#[test]
fn flapping_server_never_reaches_the_success_threshold() {
    let server = Server::start(|_, hit, _| {
        if hit % 2 == 0 {
            Reply::ok("ok")
        } else {
            Reply::status(500, "oops")
        }
    });
    let url = server.url("/");
    let gate = gate(&[
        "--url",
        &url,
        "--period",
        "100ms",
        "--success-threshold",
        "3",
        "--deadline",
        "1500ms",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    assert_eq!(gate.status(), "fail");
    let check = gate.check(0);
    assert_eq!(check["outcome"], "deadline-reached");
    let statuses: Vec<u64> = check["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["status"].as_u64())
        .collect();
    assert!(
        statuses.contains(&200) && statuses.contains(&500),
        "{check}"
    );
    assert_eq!(gate.report["checks"][0]["threshold"], 3.0);
    assert!(gate.report["checks"][0]["actual"].as_f64().unwrap() < 3.0);
    assert_eq!(gate.report["findings"][0]["rule"], "unhealthy");
    let decided = gate.decided_ms();
    assert!((1400..3000).contains(&decided), "{decided}");
    assert!(gate.elapsed < Duration::from_secs(10));
}

#[test]
fn wrong_body_quotes_the_assertion_and_an_excerpt() {
    let server = Server::start(|_, _, _| {
        Reply::json(r#"{"status":"starting","password":"hunter2hunter2"}"#)
    });
    let url = server.url("/health");
    let gate = gate(&[
        "--url",
        &url,
        "--expect",
        "status == 200",
        "--expect",
        r#"$.status == "healthy""#,
        "--period",
        "100ms",
        "--deadline",
        "1s",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let failure = &gate.check(0)["failure"];
    assert_eq!(failure["expect"], r#"$.status == "healthy""#);
    assert_eq!(
        failure["message"],
        r#"expected `$.status` == "healthy", got "starting""#
    );
    let excerpt = failure["body_excerpt"].as_str().unwrap();
    assert!(excerpt.contains(r#""status":"starting""#), "{excerpt}");
    assert!(
        !gate.everything().contains("hunter2hunter2"),
        "secret-looking field leaked"
    );
    assert!(
        gate.summary()
            .contains("not healthy before the 1.0s deadline"),
        "{}",
        gate.summary()
    );
    // A wrong body is retried until the deadline, not given up on early: the decision
    // comes within one period of the 1 s deadline, and not much after it.
    let check = gate.check(0);
    assert_eq!(check["outcome"], "deadline-reached");
    assert!(check["attempts"].as_u64().unwrap() >= 3, "{check}");
    let decided = gate.decided_ms();
    assert!((900..2500).contains(&decided), "{decided}");
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);
}

#[test]
fn server_errors_fail_with_the_status_in_the_timeline() {
    let server = Server::start(|_, _, _| Reply::status(500, "Internal error: db down"));
    let url = server.url("/");
    let gate = gate(&[
        "--url",
        &url,
        "--failure-threshold",
        "3",
        "--period",
        "100ms",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let check = gate.check(0);
    assert_eq!(check["outcome"], "failure-threshold");
    assert_eq!(check["attempts"], 3);
    assert_eq!(check["failure"]["expect"], "status in 200-399");
    assert_eq!(check["failure"]["message"], "got 500");
    assert!(
        check["failure"]["body_excerpt"]
            .as_str()
            .unwrap()
            .contains("db down")
    );
    // Three attempts with backoff capped at the period: well under the 120 s default deadline.
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);
}

#[test]
fn status_set_and_redirects() {
    let server = Server::start(|request, _, _| match request.path.as_str() {
        "/old" => Reply::Redirect("/new".into()),
        "/new" => Reply::status(204, ""),
        _ => Reply::status(404, "no"),
    });
    let url = server.url("/old");
    let gate_follow = gate(&["--url", &url, "--status", "204"]);
    assert_eq!(gate_follow.run.code, 0, "{}", gate_follow.run.all_output());
    let gate_judge = gate(&["--url", &url, "--max-redirects", "0", "--status", "3xx"]);
    assert_eq!(gate_judge.run.code, 0, "{}", gate_judge.run.all_output());
    assert_eq!(gate_judge.check(0)["timeline"][0]["status"], 302);
}

#[test]
fn invalid_input_is_an_error_before_any_request() {
    let server = Server::start(|_, _, _| Reply::ok("ok"));
    let url = server.url("/");
    for (args, expected) in [
        (
            vec!["--url", "ftp://example.com/x"],
            "is not an http(s) URL",
        ),
        (
            vec!["--url", "http://user:pa55word@[::1"],
            "is not a valid URL",
        ),
        (
            vec!["--url", &url, "--expect", "$.status = \"ok\""],
            "unknown predicate `=`",
        ),
        (
            vec!["--url", &url, "--expect", "$..[?(@.x)] exists"],
            "invalid JSON path",
        ),
        (
            vec!["--url", &url, "--expect", "body matches \"(unclosed\""],
            "invalid regular expression",
        ),
        (
            vec!["--url", &url, "--expect", "status contains 200"],
            "status and latency take",
        ),
        // Non-ASCII text before the mistake: the column counts characters, not bytes.
        (
            vec!["--url", &url, "--expect", "$.ü% == 1"],
            "invalid assertion `$.ü% == 1` given with --expect: invalid JSON path `$.ü%`: expected `.name`, `[index]` or `['name']` (at character 4)",
        ),
        (
            vec!["--url", &url, "--expect", "body contains ünquoted"],
            "`ünquoted` is not a value (at character 15)",
        ),
        (
            vec![
                "--url",
                &url,
                "--header",
                "Authorization: Bearer ${SIGNOFF_TEST_UNSET_VAR}",
            ],
            "`SIGNOFF_TEST_UNSET_VAR`, which is not set",
        ),
        (
            vec!["--expect", "status == 200"],
            "--expect was given without --url",
        ),
        (vec![], "no health check is configured"),
    ] {
        let gate = gate(&args);
        assert_eq!(gate.run.code, 2, "{args:?}: {}", gate.run.all_output());
        assert_eq!(gate.status(), "error");
        let errors = gate.report["details"]["errors"].to_string();
        assert!(errors.contains(expected), "{args:?}: {errors}");
        assert!(errors.contains("help"), "{args:?}: {errors}");
        assert!(
            !gate.everything().contains("pa55word"),
            "{}",
            gate.everything()
        );
    }
    assert_eq!(server.hits.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// A server that answers with what `echo` makes of the request's `Authorization` value,
/// and a failing run against it with the header read from `SIGNOFF_TEST_TOKEN`.
fn echo_token(secret: &str, expect: &str, echo: fn(&str) -> String) -> crate::Gate {
    let server = Server::start(move |request, _, _| {
        let auth = request
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        Reply::json(&echo(auth))
    });
    let url = server.url("/");
    let gate = gate_in(
        tempfile::tempdir().unwrap(),
        &[
            "--url",
            &url,
            "--header",
            "Authorization: Bearer ${SIGNOFF_TEST_TOKEN}",
            "--expect",
            expect,
            "--deadline",
            "500ms",
            "--period",
            "100ms",
        ],
        &[("SIGNOFF_TEST_TOKEN", secret), ("SIGNOFF_LOG", "trace")],
    );
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    gate
}

#[test]
fn header_values_from_the_environment_never_appear_anywhere() {
    // An echo endpoint: the worst case, the secret comes back in the body.
    let secret = "tok_9f8e7d6c5b4a3928170605";
    let gate = echo_token(secret, r#"$.status == "up""#, |auth| {
        format!(r#"{{"status":"down","seen":"{auth}"}}"#)
    });
    let everything = gate.everything();
    assert!(
        !everything.contains(secret),
        "the header value leaked: {everything}"
    );
    assert!(everything.contains("[redacted]"), "{everything}");
    assert_eq!(gate.check(0)["headers"][0], "authorization");
    gate.assert_nowhere(secret);
}

#[test]
fn a_token_from_the_environment_echoed_alone_is_masked() {
    // The server answers with the bare token, without the `Bearer ` of the header value,
    // under a field name that does not look secret.
    let secret = "tok5e1f0c9a8b7d6e5f4a3b";
    let gate = echo_token(secret, r#"$.whoami == "nobody""#, |auth| {
        let token = auth.strip_prefix("Bearer ").unwrap_or_default();
        format!(r#"{{"status":"down","whoami":"{token}"}}"#)
    });
    let failure = &gate.check(0)["failure"];
    assert_eq!(
        failure["message"],
        r#"expected `$.whoami` == "nobody", got "[redacted]""#
    );
    assert_eq!(
        failure["body_excerpt"],
        r#"{"status":"down","whoami":"[redacted]"}"#
    );
    gate.assert_nowhere(secret);
}

#[test]
fn checks_from_signoff_yml_run_concurrently() {
    let server = Server::start(|request, _, _| match request.path.as_str() {
        "/down" => Reply::status(503, "down"),
        _ => Reply::Slow(Duration::from_millis(600), "{\"status\":\"ok\"}"),
    });
    let dir = tempfile::tempdir().unwrap();
    let mut yml = String::from(
        "required: [health-check]\ngates:\n  health-check:\n    deadline: 20s\n    period: 200ms\n    checks:\n",
    );
    for index in 0..8 {
        yml.push_str(&format!(
            "      - {{name: svc-{index}, url: \"{}\", expect: ['$.status == \"ok\"']}}\n",
            server.url(&format!("/s{index}"))
        ));
    }
    crate::write(dir.path(), "signoff.yml", &yml);
    let gate = gate_in(dir, &[], &[]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert_eq!(gate.report["metrics"]["checks"], 8);
    assert_eq!(gate.report["details"]["source"], "signoff.yml");
    assert_eq!(gate.check(7)["name"], "svc-7");
    // Eight 600 ms responses one after another would take 4.8 s.
    assert!(gate.decided_ms() < 3000, "{}", gate.report["metrics"]);
}

#[test]
fn report_of_a_failing_check() {
    let server = Server::start(|_, _, _| {
        Reply::status(503, "{\"status\":\"down\",\"token\":\"abc123secret\"}")
    });
    let dir = tempfile::tempdir().unwrap();
    let config = crate::write(
        dir.path(),
        "health.yml",
        &format!(
            "checks:\n  - name: api\n    url: {}\n    failure-threshold: 2\n    period: 100ms\n    expect: ['$.status == \"healthy\"']\n",
            server.url("/healthz")
        ),
    );
    let gate = gate_in(dir, &["--config", config.to_str().unwrap()], &[]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    insta::assert_json_snapshot!(gate.report, {
        ".started_at" => "[time]",
        ".duration_ms" => "[ms]",
        ".tool.version" => "[version]",
        ".metrics.decided_ms" => "[ms]",
        ".details.source" => "[config]",
        ".details.checks[].url" => "[url]",
        ".details.checks[].decided_ms" => "[ms]",
        ".details.checks[].timeline[].at_ms" => "[ms]",
        ".details.checks[].timeline[].latency_ms" => "[ms]",
        ".details.checks[].failure.at_ms" => "[ms]",
        ".findings[].location.path" => "[url]",
        ".findings[].fingerprint" => "[fingerprint]",
    });
}
