//! TLS with a CA made in the test, HTTP/2 negotiated by ALPN, an expired certificate, and
//! the opt-in insecure mode.

use std::sync::Arc;
use std::time::Duration;

use crate::server::{Reply, Server, TestPki};
use crate::{gate, write};

fn today() -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

fn next_year() -> i32 {
    today().year() as i32 + 1
}

#[test]
fn trusted_ca_passes_over_http2_and_reports_the_expiry() {
    let pki = TestPki::new();
    let server = Server::start_hyper_tls(pki.server((2020, 1, 1), (next_year() + 1, 1, 1)));
    let dir = tempfile::tempdir().unwrap();
    let ca = write(dir.path(), "ca.pem", &pki.ca_pem);
    let url = server.https_url("/health");
    let ca = ca.to_str().unwrap();

    let gate = gate(&[
        "--url",
        &url,
        "--ca",
        ca,
        "--expect",
        r#"$.version == "HTTP/2.0""#,
        "--deadline",
        "30s",
    ]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert_eq!(gate.status(), "pass");
    let check = gate.check(0);
    assert_eq!(check["timeline"][0]["http"], "HTTP/2");
    // Healthy on the first attempt, handshake included: a fraction of the deadline.
    assert_eq!(check["attempts"], 1);
    let healthy_at = check["time_to_healthy_ms"].as_u64().unwrap();
    assert!(healthy_at < 3000, "{check}");
    assert!(gate.decided_ms() < 3000);
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);
    let certificate = &check["certificate"];
    assert!(
        certificate["days_left"].as_i64().unwrap() > 300,
        "{certificate}"
    );
    assert!(
        certificate["not_after"]
            .as_str()
            .unwrap()
            .ends_with("-01-01")
    );

    let gate = crate::gate(&[
        "--url",
        &url,
        "--ca",
        ca,
        "--http",
        "1.1",
        "--expect",
        r#"$.version == "HTTP/1.1""#,
    ]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
}

#[test]
fn unknown_ca_fails_with_a_certificate_error() {
    let pki = TestPki::new();
    let server = Server::start_tls(
        Arc::new(pki.server((2020, 1, 1), (next_year(), 12, 31))),
        |_, _, _| Reply::ok("ok"),
    );
    let url = server.https_url("/");
    let gate = gate(&["--url", &url, "--failure-threshold", "1"]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let message = gate.check(0)["failure"]["message"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(message.contains("certificate"), "{message}");
}

#[test]
fn expired_certificate_fails_and_insecure_mode_warns() {
    let pki = TestPki::new();
    let server = Server::start_tls(
        Arc::new(pki.server((2020, 1, 1), (2021, 1, 1))),
        |_, _, _| Reply::ok("ok"),
    );
    let dir = tempfile::tempdir().unwrap();
    let ca = write(dir.path(), "ca.pem", &pki.ca_pem);
    let url = server.https_url("/");
    let ca = ca.to_str().unwrap();

    let gate = gate(&[
        "--url",
        &url,
        "--ca",
        ca,
        "--failure-threshold",
        "1",
        "--deadline",
        "30s",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let check = gate.check(0);
    assert_eq!(check["outcome"], "failure-threshold");
    let message = check["failure"]["message"].as_str().unwrap().to_lowercase();
    assert!(message.contains("expired"), "{message}");
    // A refused certificate is a quick, definite failure, not a wait for the deadline.
    assert_eq!(check["attempts"], 1);
    let decided = gate.decided_ms();
    assert!(decided < 3000, "{decided}");
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);

    let gate = crate::gate(&["--url", &url, "--insecure", "--deadline", "30s"]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert_eq!(gate.status(), "warn");
    assert!(gate.check(0)["time_to_healthy_ms"].as_u64().unwrap() < 3000);
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);
    let rules: Vec<&str> = gate.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"insecure-tls") && rules.contains(&"certificate-expiry"),
        "{rules:?}"
    );
    assert!(gate.run.stdout.contains("warning: "), "{}", gate.run.stdout);
    assert!(gate.check(0)["certificate"]["days_left"].as_i64().unwrap() < 0);
}

#[test]
fn certificate_expiring_soon_warns() {
    let pki = TestPki::new();
    let soon = today().checked_add(jiff::Span::new().days(5)).unwrap();
    let server = Server::start_tls(
        Arc::new(pki.server(
            (2020, 1, 1),
            (soon.year() as i32, soon.month() as u8, soon.day() as u8),
        )),
        |_, _, _| Reply::ok("ok"),
    );
    let dir = tempfile::tempdir().unwrap();
    let ca = write(dir.path(), "ca.pem", &pki.ca_pem);
    let url = server.https_url("/");
    let gate = gate(&[
        "--url",
        &url,
        "--ca",
        ca.to_str().unwrap(),
        "--cert-expiry-days",
        "30",
    ]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert_eq!(gate.status(), "warn");
    let finding = &gate.report["findings"][0];
    assert_eq!(finding["rule"], "certificate-expiry");
    assert_eq!(finding["severity"], "high");
    assert!(
        finding["message"].as_str().unwrap().contains("expires on"),
        "{finding}"
    );
}

#[test]
fn bad_ca_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let ca = write(dir.path(), "ca.pem", "not a certificate");
    let gate = gate(&[
        "--url",
        "https://localhost:1/",
        "--ca",
        ca.to_str().unwrap(),
    ]);
    assert_eq!(gate.run.code, 2, "{}", gate.run.all_output());
    assert!(
        gate.report["details"]["errors"]
            .to_string()
            .contains("no certificate"),
        "{}",
        gate.report["details"]
    );
}

#[test]
fn http2_only_and_a_waived_unhealthy_check() {
    let pki = TestPki::new();
    let server = Server::start_hyper_tls(pki.server((2020, 1, 1), (next_year() + 1, 1, 1)));
    let dir = tempfile::tempdir().unwrap();
    let ca = write(dir.path(), "ca.pem", &pki.ca_pem);
    let url = server.https_url("/");
    let gate = gate(&["--url", &url, "--ca", ca.to_str().unwrap(), "--http", "2"]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert_eq!(gate.check(0)["timeline"][0]["http"], "HTTP/2");

    // A waiver on the `unhealthy` rule turns the failure into a warning that says so.
    let down = Server::start(|_, _, _| Reply::status(503, "down"));
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "signoff.yml",
        "waivers:\n  - {gate: health-check, rule: unhealthy, reason: staging is down for maintenance, expires: 2099-12-31}\n",
    );
    let gate = crate::gate_in(
        dir,
        &["--url", &down.url("/"), "--failure-threshold", "1"],
        &[],
    );
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    assert_eq!(gate.status(), "warn");
    assert_eq!(gate.report["findings"][0]["waived"], true);
    assert!(
        gate.report["details"]["warnings"][0]
            .as_str()
            .unwrap()
            .contains("a waiver accepts it")
    );
}
