//! The assertion language: parsing with positions, and evaluation against responses.

use std::cell::OnceCell;
use std::time::Duration;

use super::*;

fn check(expr: &str, status: u16, body: &str, headers: &[(&str, &str)]) -> Result<(), String> {
    let expect = Expect::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e:?}"));
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in headers {
        map.append(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    let json = OnceCell::new();
    expect.evaluate(&Response {
        status,
        latency: Duration::from_millis(120),
        headers: &map,
        body: body.as_bytes(),
        truncated: false,
        json: &json,
    })
}

const DOC: &str = r#"{"status":"healthy","uptime":42.5,"checks":[{"ok":true,"name":"db"},{"ok":true}],
                      "version":"2.4.1","tags":["a","b"],"empty":null}"#;

#[test]
fn json_paths_compare_and_match() {
    for expr in [
        r#"$.status == "healthy""#,
        r#"jsonpath "$.status" == "healthy""#,
        "$.checks[*].ok == true",
        "$.uptime >= 30",
        "$.uptime < 43",
        "$.uptime != 0",
        r#"$.version matches "^2\\.4""#,
        r#"$.version starts-with "2.""#,
        r#"$.tags contains "b""#,
        "$.checks[0].name exists",
        "$.missing not exists",
        "$.empty == null",
        r#"$.status not contains "down""#,
    ] {
        assert_eq!(check(expr, 200, DOC, &[]), Ok(()), "{expr}");
    }
}

#[test]
fn failures_say_what_was_expected_and_what_came() {
    let fail = |expr: &str| check(expr, 200, DOC, &[]).unwrap_err();
    assert_eq!(
        fail(r#"$.status == "down""#),
        r#"expected `$.status` == "down", got "healthy""#
    );
    assert_eq!(
        fail("$.uptime > 100"),
        "expected `$.uptime` > 100, got 42.5"
    );
    // Only the first entry has a name: the path selects one value, and it holds.
    assert_eq!(check(r#"$.checks[*].name == "db""#, 200, DOC, &[]), Ok(()));
    assert_eq!(fail("$.nothing == 1"), "`$.nothing` selects nothing");
    assert_eq!(
        fail("$.status not exists"),
        r#"`$.status` exists: "healthy""#
    );
    assert!(
        check("$.x == 1", 200, "<html>", &[])
            .unwrap_err()
            .starts_with("the body is not JSON")
    );
}

#[test]
fn every_selected_value_must_hold() {
    let doc = r#"{"checks":[{"ok":true},{"ok":false}]}"#;
    let error = check("$.checks[*].ok == true", 200, doc, &[]).unwrap_err();
    assert_eq!(
        error,
        "expected `$.checks[*].ok` == true (every selected value must), got false"
    );
}

#[test]
fn status_body_headers_and_latency() {
    assert_eq!(check("status == 200", 200, "", &[]), Ok(()));
    assert_eq!(check("status < 400", 302, "", &[]), Ok(()));
    assert!(check("status == 200", 503, "", &[]).is_err());
    assert_eq!(check(r#"body contains "OK""#, 200, "all OK", &[]), Ok(()));
    assert_eq!(check(r#"body == "pong""#, 200, "pong", &[]), Ok(()));
    assert_eq!(check(r#"body matches "^all""#, 200, "all OK", &[]), Ok(()));
    assert_eq!(
        check(r#"body not contains "error""#, 200, "fine", &[]),
        Ok(())
    );
    let json = [("Content-Type", "application/json; charset=utf-8")];
    assert_eq!(
        check(r#"header "content-type" contains "json""#, 200, "", &json),
        Ok(())
    );
    assert_eq!(check("header Content-Type exists", 200, "", &json), Ok(()));
    assert_eq!(check("header etag not exists", 200, "", &json), Ok(()));
    assert_eq!(
        check("header etag exists", 200, "", &json).unwrap_err(),
        "header `etag` does not exist"
    );
    assert_eq!(check("latency < 300ms", 200, "", &[]), Ok(()));
    assert_eq!(check("duration < 1s", 200, "", &[]), Ok(()));
    assert_eq!(
        check("latency < 100", 200, "", &[]).unwrap_err(),
        "expected latency < 100ms, got 120ms"
    );
}

#[test]
fn parse_errors_point_at_the_mistake() {
    let error = |expr: &str| Expect::parse(expr).unwrap_err();
    let e = error("$.status = \"ok\"");
    assert_eq!((e.column, e.message.as_str()), (9, "unknown predicate `=`"));
    let e = error("$.status == healthy");
    assert_eq!(e.message, "`healthy` is not a value");
    assert!(e.help.contains("\"healthy\""), "{}", e.help);
    assert_eq!(error("stauts == 200").message, "unknown subject `stauts`");
    assert_eq!(error("").message, "the assertion is empty");
    assert_eq!(error("  €€€ == 1").message, "unknown subject `€€€`");
    assert_eq!(error("$.a").message, "the assertion has no predicate");
    assert!(
        error("$.a[?(@.b)] exists")
            .message
            .starts_with("invalid JSON path")
    );
    assert!(
        error(r#"body matches "(""#)
            .message
            .starts_with("invalid regular expression")
    );
    assert!(error(r#"$.a > "x""#).message.contains("compares numbers"));
    assert!(
        error("status contains 2")
            .message
            .contains("status and latency")
    );
    assert!(error("body > 3").message.contains("text"));
    assert!(error("latency < soon").message.contains("not a duration"));
    assert!(error("$.a exists 3").message.contains("takes no value"));
    assert!(
        error(r#"header "bad name" exists"#)
            .message
            .contains("not a header name")
    );
    // A regex that would compile into a huge automaton is refused, not built.
    assert!(
        error(r#"body matches "(\\w{100}){100}""#)
            .message
            .starts_with("invalid regular expression")
    );
}

#[test]
fn hostile_bodies_are_failures_not_crashes() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let error = check("$.a exists", 200, &deep, &[]).unwrap_err();
    assert!(error.starts_with("the body is not JSON"), "{error}");
    let error = check("$.a exists", 200, "\u{0}\u{1}binary", &[]).unwrap_err();
    assert!(error.starts_with("the body is not JSON"), "{error}");
    assert_eq!(check(r#"body contains "x""#, 200, "\u{fffd}x", &[]), Ok(()));
}

#[test]
fn mistakes_after_non_ascii_text_point_at_the_right_character() {
    // (expression, byte offset, 1-based character shown to the user)
    for (expr, column, character) in [
        ("$.ü% == 1", 4, 4),
        ("$.éé[x] == 1", 7, 6),
        ("  $.ü.é% exists", 9, 8),
        ("jsonpath \"$.ü%\" == 1", 14, 14),
        ("jsonpath $.ü% == 1", 13, 13),
        // With an escape the decoded path no longer lines up: the quote is named.
        ("jsonpath \"$.\\u00fc%\" == 1", 9, 10),
        ("$.ü ≈ 1", 5, 5),
        ("body contains ünquoted", 14, 15),
        ("€€€", 0, 1),
    ] {
        let error = Expect::parse(expr).unwrap_err();
        assert_eq!(error.column, column, "{expr}: {error:?}");
        assert!(expr.is_char_boundary(error.column), "{expr}: {error:?}");
        assert_eq!(error.character(expr), character, "{expr}: {error:?}");
    }
}

#[test]
fn no_expression_panics_whatever_its_characters() {
    let pieces = [
        "$", ".", "..", "ü", "€", "😀", "[", "]", "'", "\"", "\\", "*", "-1", "0", " ", "==", "<",
        "!", "not", "exists", "contains", "matches", "body", "header", "jsonpath", "status",
        "latency", "%", "\u{301}",
    ];
    let mut count = 0;
    for a in pieces {
        for b in pieces {
            for c in pieces {
                for d in ["", " == 1", " exists", " \"ü\"", "€"] {
                    let expr = format!("{a}{b}{c}{d}");
                    if let Err(error) = Expect::parse(&expr) {
                        assert!(expr.is_char_boundary(error.column), "{expr}: {error:?}");
                        assert!(error.character(&expr) <= expr.chars().count() + 1);
                    }
                    count += 1;
                }
            }
        }
    }
    assert!(count > 100_000);
}
