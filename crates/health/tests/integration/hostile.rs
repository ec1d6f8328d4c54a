//! Hostile servers: no response, a trickling body, a 1 GB body, a redirect loop. Each is
//! handled within the deadline, with bounded memory, and reported plainly.

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::gate;
use crate::server::{Reply, Server};

#[test]
fn server_that_never_answers_is_cut_at_the_deadline() {
    let server = Server::start(|_, _, _| Reply::Hang);
    let url = server.url("/");
    // The attempt timeout (30 s) is longer than the deadline (1 s): the deadline wins.
    let gate = gate(&["--url", &url, "--timeout", "30s", "--deadline", "1s"]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let check = gate.check(0);
    assert_eq!(check["outcome"], "deadline-reached");
    let message = check["failure"]["message"].as_str().unwrap();
    assert!(message.starts_with("no response within"), "{message}");
    assert!(
        message.ends_with("(cut short by the deadline)"),
        "{message}"
    );
    let decided = gate.decided_ms();
    assert!((900..3000).contains(&decided), "{decided}");
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);
}

#[test]
fn trickling_body_times_out_the_attempt() {
    let server = Server::start(|_, _, _| Reply::Trickle(Duration::from_millis(50)));
    let url = server.url("/");
    let gate = gate(&[
        "--url",
        &url,
        "--timeout",
        "400ms",
        "--deadline",
        "1s",
        "--period",
        "100ms",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    assert_eq!(gate.status(), "fail");
    let check = gate.check(0);
    assert_eq!(check["outcome"], "deadline-reached");
    let timeline = check["timeline"].as_array().unwrap();
    let first = timeline[0]["error"].as_str().unwrap();
    assert!(
        first.starts_with("status 200, but the body did not complete within 400ms ("),
        "{first}"
    );
    // Each attempt is cut at its 400 ms timeout (the last one maybe sooner, by the
    // deadline), never left to trickle on.
    for attempt in timeline {
        assert_eq!(attempt["ok"], false, "{attempt}");
        let latency = attempt["latency_ms"].as_f64().unwrap();
        assert!(latency < 400.0 + 300.0, "{attempt}");
    }
    let latency = timeline[0]["latency_ms"].as_f64().unwrap();
    assert!(latency >= 400.0, "{check}");
    assert!(timeline.len() >= 2, "{check}");
    // The deadline is kept: the decision comes at the 1 s deadline, plus a margin.
    let decided = gate.decided_ms();
    assert!((900..2000).contains(&decided), "{decided}");
    assert!(
        gate.summary()
            .contains("not healthy before the 1.0s deadline"),
        "{}",
        gate.summary()
    );
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);
}

#[test]
fn one_gigabyte_body_is_cut_at_max_body() {
    let server = Server::start(|_, _, _| Reply::Endless(1 << 30));
    let url = server.url("/");
    let gate = gate(&[
        "--url",
        &url,
        "--expect",
        r#"body starts-with "aaaa""#,
        "--max-body",
        "65536",
    ]);
    assert_eq!(gate.run.code, 0, "{}", gate.run.all_output());
    let attempt = &gate.check(0)["timeline"][0];
    assert_eq!(attempt["truncated"], true, "{attempt}");
    // The client stopped reading: the server could push only what the socket buffers hold.
    let sent = server.sent.load(Ordering::Relaxed);
    assert!(sent < 256 << 20, "{sent} bytes were sent");
    assert!(gate.elapsed < Duration::from_secs(20), "{:?}", gate.elapsed);

    let json = crate::gate(&[
        "--url",
        &url,
        "--expect",
        "$.status exists",
        "--failure-threshold",
        "1",
    ]);
    assert_eq!(json.run.code, 1);
    let message = json.check(0)["failure"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("cut at 1048576 bytes; raise `max-body`"),
        "{message}"
    );
}

#[test]
fn redirect_loop_is_reported() {
    let server = Server::start(|request, _, _| match request.path.as_str() {
        "/a" => Reply::Redirect("/b".into()),
        _ => Reply::Redirect("/a".into()),
    });
    let url = server.url("/a");
    let gate = gate(&[
        "--url",
        &url,
        "--failure-threshold",
        "1",
        "--deadline",
        "30s",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let check = gate.check(0);
    assert_eq!(check["outcome"], "failure-threshold");
    assert_eq!(check["attempts"], 1);
    let message = check["failure"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("redirect loop"), "{message}");
    // The loop is seen on the first visit back, not followed until a timeout: the
    // decision comes in a fraction of the 30 s deadline (and of the 5 s attempt timeout).
    let decided = gate.decided_ms();
    assert!(decided < 3000, "{decided}");
    assert!(check["timeline"][0]["latency_ms"].as_f64().unwrap() < 3000.0);
    assert!(gate.elapsed < Duration::from_secs(10), "{:?}", gate.elapsed);
    let gate = gate_endless_redirects();
    assert!(gate.contains("more than 3 redirects"), "{gate}");
}

fn gate_endless_redirects() -> String {
    let server = Server::start(|request, _, _| {
        let n: u32 = request.path.trim_start_matches('/').parse().unwrap_or(0);
        Reply::Redirect(format!("/{}", n + 1))
    });
    let url = server.url("/0");
    let gate = gate(&[
        "--url",
        &url,
        "--failure-threshold",
        "1",
        "--max-redirects",
        "3",
    ]);
    assert_eq!(gate.run.code, 1);
    gate.check(0)["failure"]["message"].to_string()
}

#[test]
fn refused_connections_give_up_at_the_failure_threshold() {
    // Bind, learn the port, close: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let gate = gate(&[
        "--url",
        &url,
        "--failure-threshold",
        "2",
        "--period",
        "100ms",
    ]);
    assert_eq!(gate.run.code, 1, "{}", gate.run.all_output());
    let check = gate.check(0);
    assert_eq!(check["outcome"], "failure-threshold");
    let message = check["failure"]["message"].as_str().unwrap();
    assert!(message.starts_with("connect"), "{message}");
    assert!(!message.contains("for url"), "{message}");
}
