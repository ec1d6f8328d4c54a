//! Checks files, probe settings (initial delay, method and body, latency limits), latency
//! SLOs and the rollback hook.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::server::{Reply, Server};
use crate::{gate, gate_in, write};

#[test]
fn latency_slo_holds_and_breaks() {
    let fast = Server::start(|_, _, _| Reply::ok("ok"));
    let url = fast.url("/");
    let gate = gate(&["--url", &url, "--slo-samples", "15", "--p95", "2s"]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    let latency = &gate.check(0)["latency"];
    assert_eq!(latency["samples"], 15);
    assert_eq!(latency["failures"], 0);
    assert!(latency["p95_ms"].as_f64().unwrap() < 2000.0);
    let names: Vec<&str> = gate.report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with(": latency p95 ms")),
        "{names:?}"
    );

    let slow = Server::start(|_, _, _| Reply::Slow(Duration::from_millis(120), "ok"));
    let url = slow.url("/");
    let gate = crate::gate(&["--url", &url, "--slo-samples", "5", "--p50", "50ms"]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    assert_eq!(gate.report["findings"][0]["rule"], "latency-slo");
    assert!(
        gate.summary().contains("latency SLO missed"),
        "{}",
        gate.summary()
    );
    assert!(gate.check(0)["latency"]["p50_ms"].as_f64().unwrap() >= 100.0);
}

#[test]
fn checks_file_with_headers_methods_and_assertions() {
    let server = Server::start(|request, _, _| {
        let api_key = request
            .headers
            .iter()
            .any(|(k, v)| k == "x-api-key" && v == "k-123456");
        match (request.method.as_str(), request.path.as_str(), api_key) {
            ("HEAD", "/ping", _) => Reply::ok(""),
            ("GET", "/api", true) => Reply::Respond {
                status: 200,
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("x-version".into(), "2.4.1".into()),
                ],
                body: br#"{"status":"healthy","uptime":42,"deps":[{"ok":true},{"ok":true}]}"#
                    .to_vec(),
            },
            _ => Reply::status(401, "no key"),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"# checks for the deploy job
deadline: 10s
period: 200ms
checks:
  - name: ping
    url: {ping}
    method: HEAD
  - name: api
    url: {api}
    headers: {{X-Api-Key: "${{SIGNOFF_TEST_KEY}}"}}
    status: [200]
    max-latency: 5s
    expect:
      - '$.status == "healthy"'
      - '$.uptime >= 30'
      - '$.deps[*].ok == true'
      - 'header "x-version" matches "^2\\."'
      - 'body not contains "error"'
      - 'latency < 5s'
"#,
        ping = server.url("/ping"),
        api = server.url("/api"),
    );
    let path = write(dir.path(), "health.yml", &config);
    let gate = gate_in(
        dir,
        &["--config", path.to_str().unwrap()],
        &[("SIGNOFF_TEST_KEY", "k-123456")],
    );
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert_eq!(gate.report["metrics"]["checks_healthy"], 2);
    assert_eq!(gate.check(1)["expect"].as_array().unwrap().len(), 6);
    assert!(!gate.everything().contains("k-123456"));
}

#[test]
fn checks_file_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "health.yml",
        "checks:\n  - url: http://127.0.0.1:1/\n    expect:\n      - '$.status == healthy'\n  - name: no-url\n  - url: http://127.0.0.1:1/\n    perod: 2s\n",
    );
    let gate = gate_in(dir, &["--config", path.to_str().unwrap()], &[]);
    assert_eq!(gate.run.code, 2, "{}", gate.run.all_output());
    let errors = gate.report["details"]["errors"].to_string();
    assert!(errors.contains("health.yml:7:5"), "{errors}");
    assert!(errors.contains("did you mean `period`"), "{errors}");

    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "health.yml",
        "checks:\n  - url: http://127.0.0.1:1/\n    expect:\n      - '$.status == healthy'\n  - name: no-url\n",
    );
    let gate = gate_in(dir, &["--config", path.to_str().unwrap()], &[]);
    assert_eq!(gate.run.code, 2);
    let errors = gate.report["details"]["errors"][0]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        errors.contains("`healthy` is not a value") && errors.contains("health.yml:4:"),
        "{errors}"
    );
    assert!(
        errors.contains("this check has no `url` in") && errors.contains("health.yml:5:"),
        "{errors}"
    );
    assert!(
        errors.contains("\"healthy\""),
        "the help shows the quoted form: {errors}"
    );
}

#[test]
fn rollback_runs_with_what_failed_and_is_reported() {
    let server = Server::start(|_, _, _| Reply::status(503, "down"));
    let url = server.url("/");
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("rolled-back.txt");
    let command = format!(
        "echo \"$SIGNOFF_HEALTH_FAILED|$SIGNOFF_HEALTH_REASON\" > '{}'; exit 0",
        marker.display()
    );
    let gate = gate_in(
        dir,
        &[
            "--url",
            &url,
            "--failure-threshold",
            "1",
            "--rollback",
            &command,
        ],
        &[],
    );
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let written = std::fs::read_to_string(&marker).unwrap();
    assert!(written.starts_with(&format!("{url}|")), "{written}");
    assert!(written.contains("got 503"), "{written}");
    let rollback = &gate.report["details"]["rollback"];
    assert_eq!(rollback["exit_code"], 0);
    assert_eq!(rollback["timed_out"], false);
    assert!(
        gate.summary().ends_with("; rolled back"),
        "{}",
        gate.summary()
    );

    let gate = crate::gate(&[
        "--url",
        &url,
        "--failure-threshold",
        "1",
        "--rollback",
        "exit 3",
    ]);
    assert_eq!(gate.run.code, 1);
    assert_eq!(gate.report["details"]["rollback"]["exit_code"], 3);
    let rules: Vec<&str> = gate.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["unhealthy", "rollback-failed"]);

    let gate = crate::gate(&[
        "--url",
        &url,
        "--failure-threshold",
        "1",
        "--rollback",
        "sleep 30",
        "--rollback-timeout",
        "300ms",
    ]);
    assert_eq!(gate.report["details"]["rollback"]["timed_out"], true);
    assert!(gate.elapsed < Duration::from_secs(20));
}

#[test]
fn rollback_does_not_run_when_healthy() {
    let server = Server::start(|_, _, _| Reply::ok("ok"));
    let url = server.url("/");
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("rolled-back.txt");
    let command = format!("touch '{}'", marker.display());
    let gate = gate_in(dir, &["--url", &url, "--rollback", &command], &[]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert!(!marker.exists());
    assert!(gate.report["details"].get("rollback").is_none());
}

#[test]
fn initial_delay_holds_back_the_first_attempt() {
    let first_hit: Arc<Mutex<Option<Instant>>> = Arc::default();
    let seen = Arc::clone(&first_hit);
    let server = Server::start(move |_, _, _| {
        seen.lock().unwrap().get_or_insert_with(Instant::now);
        Reply::ok("ok")
    });
    let url = server.url("/");
    let launched = Instant::now();
    let gate = gate(&[
        "--url",
        &url,
        "--initial-delay",
        "800ms",
        "--deadline",
        "20s",
    ]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    // Seen by the server, not only by the report: no request came before the delay.
    let first = first_hit.lock().unwrap().expect("the server was never hit");
    let waited = first.duration_since(launched);
    assert!(waited >= Duration::from_millis(800), "{waited:?}");
    let check = gate.check(0);
    assert_eq!(check["probe"]["initial_delay_ms"], 800);
    assert_eq!(check["attempts"], 1);
    let at = check["timeline"][0]["at_ms"].as_u64().unwrap();
    assert!((800..3000).contains(&at), "{check}");
    let healthy_at = check["time_to_healthy_ms"].as_u64().unwrap();
    assert!((800..3000).contains(&healthy_at), "{check}");

    // A delay past the deadline: no request at all, and no waiting for the delay.
    let gate = crate::gate(&["--url", &url, "--initial-delay", "30s", "--deadline", "1s"]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    assert_eq!(gate.check(0)["attempts"], 0);
    assert!(
        gate.summary().contains("no attempt could be made"),
        "{}",
        gate.summary()
    );
    assert_eq!(server.hits.load(Ordering::SeqCst), 1);
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);
}

#[test]
fn post_sends_the_request_body() {
    let server = Server::start(|request, _, _| {
        let json = request
            .headers
            .iter()
            .any(|(k, v)| k == "content-type" && v == "application/json");
        if request.method == "POST" && json && request.body == r#"{"probe":"ü"}"#.as_bytes() {
            Reply::json(r#"{"status":"healthy"}"#)
        } else {
            let body = String::from_utf8_lossy(&request.body).into_owned();
            Reply::status(400, &format!("got {} {body:?}", request.method))
        }
    });
    let url = server.url("/probe");
    let run = |data: &str| {
        gate(&[
            "--url",
            &url,
            "--method",
            "post",
            "--header",
            "Content-Type: application/json",
            "--data",
            data,
            "--expect",
            r#"$.status == "healthy""#,
            "--failure-threshold",
            "1",
        ])
    };
    let gate = run(r#"{"probe":"ü"}"#);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert_eq!(gate.check(0)["method"], "POST");
    assert_eq!(gate.check(0)["timeline"][0]["status"], 200);

    // The server really reads the body: another body is refused.
    let gate = run(r#"{"probe":"x"}"#);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let failure = &gate.check(0)["failure"];
    assert_eq!(failure["message"], "got 400");
    assert!(
        failure["body_excerpt"]
            .as_str()
            .unwrap()
            .contains(r#"got POST "{\"probe\":\"x\"}""#),
        "{failure}"
    );
    assert_eq!(server.hits.load(Ordering::SeqCst), 2);
}

#[test]
fn slow_responses_fail_latency_limits() {
    let slow = Server::start(|_, _, _| Reply::Slow(Duration::from_millis(300), "ok"));
    let url = slow.url("/");
    let gate = gate(&[
        "--url",
        &url,
        "--expect",
        "latency < 50ms",
        "--failure-threshold",
        "2",
        "--period",
        "100ms",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let check = gate.check(0);
    assert_eq!(check["outcome"], "failure-threshold");
    assert_eq!(check["failure"]["expect"], "latency < 50ms");
    let message = check["failure"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("expected latency < 50ms, got "),
        "{message}"
    );
    let latency = check["timeline"][0]["latency_ms"].as_f64().unwrap();
    assert!(latency >= 300.0, "{check}");

    // `max-latency` (--max-latency, `max-latency:`) says the same before any assertion.
    let gate = crate::gate(&[
        "--url",
        &url,
        "--max-latency",
        "50ms",
        "--failure-threshold",
        "1",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let failure = &gate.check(0)["failure"];
    assert_eq!(failure["expect"], "latency <= 50ms");
    assert!(
        failure["message"].as_str().unwrap().starts_with("took "),
        "{failure}"
    );
    assert_eq!(gate.report["findings"][0]["rule"], "unhealthy");
}

#[test]
fn one_slow_sample_breaks_the_p99_but_not_the_p50() {
    // Hit 0 is the probe; hits 1 to 10 are the samples, and one of them is slow.
    let server = Server::start(|_, hit, _| {
        if hit == 5 {
            Reply::Slow(Duration::from_millis(400), "ok")
        } else {
            Reply::ok("ok")
        }
    });
    let url = server.url("/");
    let gate = gate(&[
        "--url",
        &url,
        "--slo-samples",
        "10",
        "--p50",
        "200ms",
        "--p99",
        "300ms",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    assert_eq!(gate.status(), "fail");
    let checks = gate.report["checks"].as_array().unwrap();
    let named = |suffix: &str| {
        checks
            .iter()
            .find(|c| c["name"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no check ending in {suffix}: {checks:?}"))
    };
    let p99 = named(": latency p99 ms");
    assert_eq!(p99["ok"], false, "{p99}");
    assert_eq!(p99["threshold"], 300.0);
    assert!(p99["actual"].as_f64().unwrap() >= 400.0, "{p99}");
    assert_eq!(named(": latency p50 ms")["ok"], true);
    let latency = &gate.check(0)["latency"];
    assert_eq!(latency["samples"], 10);
    assert!(latency["p99_ms"].as_f64().unwrap() >= 400.0, "{latency}");
    let finding = &gate.report["findings"][0];
    assert_eq!(finding["rule"], "latency-slo");
    assert!(
        finding["message"].as_str().unwrap().contains("latency p99"),
        "{finding}"
    );
}

#[test]
fn rollback_gets_the_failed_urls_and_the_summary_and_its_duration_is_reported() {
    let server = Server::start(|request, _, _| match request.path.as_str() {
        "/up" => Reply::ok("ok"),
        _ => Reply::status(503, "down"),
    });
    let up = server.url("/up");
    // Credentials in the URL must not reach the command.
    let down = format!("http://deploy:pw-4f3e2d1c@{}/down", server.addr);
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("rollback-env.txt");
    let command = format!(
        "sleep 0.3; printf '%s\\n%s\\n' \"$SIGNOFF_HEALTH_FAILED_URLS\" \"$SIGNOFF_HEALTH_SUMMARY\" > '{}'",
        marker.display()
    );
    let gate = gate_in(
        dir,
        &[
            "--url",
            &up,
            "--url",
            &down,
            "--failure-threshold",
            "1",
            "--rollback",
            &command,
        ],
        &[],
    );
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let written = std::fs::read_to_string(&marker).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(
        lines[0],
        format!("http://***@{}/down", server.addr),
        "only the failed check, without credentials"
    );
    // The summary as it stood when the command ran; the report adds the rollback to it.
    let summary = gate.summary();
    assert!(lines[1].starts_with("1 of 2 not healthy ("), "{written}");
    assert_eq!(format!("{}; rolled back", lines[1]), summary);
    let rollback = &gate.report["details"]["rollback"];
    assert_eq!(rollback["exit_code"], 0);
    let duration = rollback["duration_ms"].as_u64().unwrap();
    assert!((300..10_000).contains(&duration), "{rollback}");
    assert!(gate.report["duration_ms"].as_u64().unwrap() >= duration);
    gate.assert_nowhere("pw-4f3e2d1c");
}
