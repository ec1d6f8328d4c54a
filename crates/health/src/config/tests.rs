//! Plan building: precedence of settings, environment expansion, and URL redaction.

use clap::Parser;

use super::*;

fn args(extra: &[&str]) -> Args {
    let mut argv = vec!["signoff-health"];
    argv.extend(extra);
    Args::try_parse_from(argv).unwrap()
}

fn policy(yaml: &str) -> HealthPolicy {
    signoff_core::yaml::from_str(yaml, "signoff.yml").unwrap()
}

#[test]
fn a_check_setting_beats_the_command_line_which_beats_the_file() {
    let file = policy(
        "period: 5s\ntimeout: 3s\nchecks:\n  - {url: 'http://a.test/', period: 1s}\n  - {url: 'http://b.test/'}\n",
    );
    let plan = plan(&args(&["--period", "2s"]), &file, Path::new("")).unwrap();
    assert_eq!(plan.checks[0].probe.period, Duration::from_secs(1));
    assert_eq!(plan.checks[1].probe.period, Duration::from_secs(2));
    assert_eq!(plan.checks[1].probe.timeout, Duration::from_secs(3));
    assert_eq!(plan.deadline, defaults::DEADLINE);
    assert_eq!(plan.source, "signoff.yml");
}

#[test]
fn url_flags_replace_the_policy_checks() {
    let file = policy("deadline: 7s\nchecks:\n  - {url: 'http://a.test/'}\n");
    let plan = plan(&args(&["--url", "http://c.test/x"]), &file, Path::new("")).unwrap();
    assert_eq!(plan.checks.len(), 1);
    assert_eq!(plan.checks[0].name, "http://c.test/x");
    assert_eq!(plan.deadline, Duration::from_secs(7));
    assert_eq!(plan.source, "--url");
}

#[test]
fn credentials_in_urls_are_not_shown() {
    let plan = plan(
        &args(&["--url", "https://deploy:s3cret@api.test/health"]),
        &HealthPolicy::default(),
        Path::new(""),
    )
    .unwrap();
    assert_eq!(plan.checks[0].shown_url, "https://***@api.test/health");
    assert_eq!(plan.checks[0].name, "https://***@api.test/health");
    assert_eq!(redact_userinfo_text("http://u:p@[::1"), "http://***@[::1");
}

#[test]
fn environment_variables_expand_in_header_values() {
    // SAFETY of the test: a variable name only this test uses.
    let name = "SIGNOFF_CONFIG_TEST_VAR";
    let text = |value: &str| expand_env(value).map(|e| e.text);
    assert_eq!(text("plain"), Ok("plain".into()));
    assert_eq!(text(&format!("Bearer ${{{name}}}")), Err(name.into()));
    assert_eq!(text("${}"), Err(String::new()));
    assert_eq!(text("a ${unterminated"), Ok("a ${unterminated".into()));
    assert_eq!(text("ü ${ü"), Ok("ü ${ü".into()));
    let path = std::env::var("PATH").unwrap();
    let expanded = expand_env("x ${PATH} y €").unwrap();
    assert_eq!(expanded.text, format!("x {path} y €"));
    assert_eq!(expanded.values, [path]);
}

#[test]
fn variable_values_in_headers_are_secrets_of_their_own() {
    // HOME and PATH are set in any test environment; their values stand in for tokens.
    let (home, path) = (
        std::env::var("HOME").unwrap(),
        std::env::var("PATH").unwrap(),
    );
    let plan = plan(
        &args(&[
            "--url",
            "http://a.test/",
            "--header",
            "Authorization: Bearer ${PATH}",
            "--header",
            "X-Home: ${HOME}",
        ]),
        &HealthPolicy::default(),
        Path::new(""),
    )
    .unwrap();
    let secrets = &plan.checks[0].secrets;
    assert!(secrets.contains(&format!("Bearer {path}")), "{secrets:?}");
    assert!(secrets.contains(&path), "{secrets:?}");
    assert_eq!(secrets.contains(&home), home.chars().count() >= 4);
}

#[test]
fn assertion_mistakes_after_non_ascii_text_are_problems_not_panics() {
    let error = plan(
        &args(&[
            "--url",
            "http://a.test/",
            "--expect",
            "$.ü% == 1",
            "--expect",
            "jsonpath \"$.é%\" == 1",
        ]),
        &HealthPolicy::default(),
        Path::new(""),
    )
    .unwrap_err();
    let text = error.0.join("\n");
    assert!(
        text.contains(
            "invalid assertion `$.ü% == 1` given with --expect: invalid JSON path `$.ü%`"
        ) && text.contains("(at character 4)"),
        "{text}"
    );
    assert!(text.contains("(at character 14)"), "{text}");
}

#[test]
fn every_problem_is_collected() {
    let error = plan(
        &args(&[
            "--url",
            "nope",
            "--url",
            "http://a.test/",
            "--expect",
            "status ==",
            "--header",
            "no-colon",
        ]),
        &HealthPolicy::default(),
        Path::new(""),
    )
    .unwrap_err();
    let text = error.0.join("\n");
    assert!(
        text.contains("`nope` given with --url is not a valid URL"),
        "{text}"
    );
    assert!(
        text.contains("a value is missing after the predicate"),
        "{text}"
    );
    assert!(text.contains("is not written `Name: value`"), "{text}");
    assert!(
        !text.contains("no-colon"),
        "a malformed header may hold a secret: {text}"
    );
}

#[test]
fn duplicate_names_and_zero_thresholds_are_refused() {
    let file = policy(
        "checks:\n  - {name: api, url: 'http://a.test/'}\n  - {name: api, url: 'http://b.test/', success-threshold: 0}\n",
    );
    let text = plan(&args(&[]), &file, Path::new(""))
        .unwrap_err()
        .0
        .join("\n");
    assert!(
        text.contains("two checks are named `api`") || text.contains("success-threshold"),
        "{text}"
    );
    assert!(text.contains("signoff.yml:3:"), "{text}");
}
