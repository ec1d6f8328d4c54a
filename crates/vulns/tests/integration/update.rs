//! `update` against a local server: a download, a conditional request answered 304, and
//! a broken download that leaves the previous database in place.

use std::sync::{Arc, Mutex};

use signoff_testkit::http::{FakeHttp, Response};

use crate::common::{gate, zip_bytes};

fn export() -> Vec<u8> {
    let record = std::fs::read(crate::common::fixture(
        "osv/seed-fault/GHSA-xvch-5gv4-984h.json",
    ))
    .unwrap();
    zip_bytes(&[("GHSA-xvch-5gv4-984h.json".into(), record)])
}

#[test]
fn downloads_then_asks_conditionally_and_keeps_the_old_copy_on_a_bad_download() {
    let body = Arc::new(Mutex::new(export()));
    let served = Arc::clone(&body);
    let server = FakeHttp::start(move |request| {
        if request.target != "/npm/all.zip" {
            return Response::bytes(404, Vec::new());
        }
        if request.header("if-none-match") == Some("\"v1\"")
            && served.lock().unwrap().starts_with(b"PK")
        {
            return Response::bytes(304, Vec::new());
        }
        Response::bytes(200, served.lock().unwrap().clone()).header("ETag", "\"v1\"")
    });
    let db = tempfile::tempdir().unwrap();
    let update = || {
        gate()
            .args(["update", "--ecosystem", "npm", "--timeout", "20"])
            .arg("--db")
            .arg(db.path())
            .args(["--mirror", &server.url])
            .run()
    };
    let first = update();
    assert_eq!(first.code, 0, "{}", first.all_output());
    assert!(first.stdout.contains("npm: downloaded"), "{}", first.stdout);
    assert!(first.stdout.contains("1 records"), "{}", first.stdout);
    let zip = db.path().join("npm/all.zip");
    assert_eq!(std::fs::read(&zip).unwrap(), export());
    assert!(db.path().join("npm/all.zip.index").is_file());
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(db.path().join("npm/all.zip.meta.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(meta["etag"], "\"v1\"");

    let second = update();
    assert_eq!(second.code, 0, "{}", second.all_output());
    assert!(second.stdout.contains("unchanged"), "{}", second.stdout);
    let requests = server.requests();
    assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));

    *body.lock().unwrap() = b"<html>captive portal</html>".to_vec();
    let third = update();
    assert_eq!(third.code, 2);
    assert!(
        third.stderr.contains("did not send a valid zip"),
        "{}",
        third.stderr
    );
    assert_eq!(
        std::fs::read(&zip).unwrap(),
        export(),
        "the previous export is kept"
    );
    let leftovers: Vec<_> = std::fs::read_dir(db.path().join("npm"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn unknown_ecosystems_and_unreachable_mirrors_are_errors() {
    let db = tempfile::tempdir().unwrap();
    let run = gate()
        .args(["update", "--ecosystem", "cocoapods"])
        .arg("--db")
        .arg(db.path())
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("use one of npm, PyPI"),
        "{}",
        run.stderr
    );
    let run = gate()
        .args([
            "update",
            "--ecosystem",
            "npm",
            "--timeout",
            "5",
            "--mirror",
            "http://127.0.0.1:9",
        ])
        .arg("--db")
        .arg(db.path())
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot download http://127.0.0.1:9/npm/all.zip"),
        "{}",
        run.stderr
    );
}
