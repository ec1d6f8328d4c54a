//! Checks files, latency SLOs and the rollback hook.

use std::time::Duration;

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
        gate.report["summary"]
            .as_str()
            .unwrap()
            .contains("latency SLO missed"),
        "{}",
        gate.report["summary"]
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
        gate.report["summary"]
            .as_str()
            .unwrap()
            .ends_with("; rolled back")
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
