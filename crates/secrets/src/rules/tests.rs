//! The default ruleset's own tests: every rule fires on an example generated from its
//! `example` template (fresh random characters each time, valid checksums) and stays quiet
//! on the same example made a placeholder, on a wrong checksum, and on the documentation
//! placeholders every provider's docs use.

use super::*;
use crate::engine::Scanner;
use example::{Rng, expand};

fn scanner(rules: &Ruleset) -> Scanner<'_> {
    Scanner {
        rules,
        decode_depth: 0,
    }
}

fn rule_ids(rules: &Ruleset, text: &str) -> Vec<&'static str> {
    let outcome = scanner(rules).scan(text.as_bytes());
    outcome
        .hits
        .iter()
        .map(|hit| rules.detector(hit.rule).id)
        .collect()
}

#[test]
fn default_rules_compile_and_cover_150_kinds() {
    let rules = Ruleset::default_rules().unwrap();
    assert!(
        rules.detectors.len() >= 150,
        "{} rules",
        rules.detectors.len()
    );
    for detector in &rules.detectors {
        assert!(
            detector.example.is_some(),
            "rule {} has no example",
            detector.id
        );
        // Rules without keywords run their regex over whole files, relying on its literal
        // prefix (`SG.`, `SK`): keep them few.
        assert!(
            detector.regex.is_some(),
            "rule {} has no regex",
            detector.id
        );
    }
    assert!(
        rules.always.len() <= 24,
        "{} rules without keywords",
        rules.always.len()
    );
}

#[test]
fn rule_ids_and_descriptions_are_stable() {
    let rules = Ruleset::default_rules().unwrap();
    let listing: String = rules
        .detectors
        .iter()
        .map(|d| format!("{} ({}): {}\n", d.id, d.severity, d.description))
        .collect();
    insta::assert_snapshot!(listing);
}

#[test]
fn every_rule_fires_on_its_example() {
    let rules = Ruleset::default_rules().unwrap();
    let mut failures = Vec::new();
    for seed in 1..=3u64 {
        let mut rng = Rng::new(seed);
        for detector in &rules.detectors {
            let example = expand(
                detector.example.as_deref().unwrap_or_default(),
                &mut rng,
                None,
            );
            let ids = rule_ids(&rules, &format!("{example}\n"));
            if !ids.contains(&detector.id) {
                failures.push(format!(
                    "{} (seed {seed}) missed {example:?}; got {ids:?}",
                    detector.id
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_rule_fires_on_its_placeholder() {
    let rules = Ruleset::default_rules().unwrap();
    let mut failures = Vec::new();
    for fill in [b'x', b'X', b'0'] {
        let mut rng = Rng::new(7);
        for detector in &rules.detectors {
            let example = expand(
                detector.example.as_deref().unwrap_or_default(),
                &mut rng,
                Some(fill),
            );
            let ids = rule_ids(&rules, &format!("{example}\n"));
            if !ids.is_empty() {
                failures.push(format!(
                    "{}: placeholder {example:?} fired {ids:?}",
                    detector.id
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn wrong_checksums_do_not_fire() {
    let rules = Ruleset::default_rules().unwrap();
    let mut rng = Rng::new(11);
    let mut checked = 0;
    for detector in rules
        .detectors
        .iter()
        .filter(|d| d.validator == Some(Validator::Crc32Base62))
    {
        let example = expand(
            detector.example.as_deref().unwrap_or_default(),
            &mut rng,
            None,
        );
        let mut bytes = example.into_bytes();
        let last = bytes.len() - 1;
        bytes[last] = if bytes[last] == b'a' { b'b' } else { b'a' };
        let text = String::from_utf8(bytes).unwrap();
        let ids = rule_ids(&rules, &format!("{text}\n"));
        assert!(!ids.contains(&detector.id), "{}: {text}", detector.id);
        checked += 1;
    }
    assert!(checked >= 5, "checksummed rules: {checked}");
}

#[test]
fn documentation_placeholders_do_not_fire() {
    let rules = Ruleset::default_rules().unwrap();
    for line in [
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "stripe_key = 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx'",
        "SLACK_TOKEN=xoxb-000000000000-0000000000000-XXXXXXXXXXXXXXXXXXXXXXXX",
        "GOOGLE_API_KEY=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "api_key = \"your-api-key-here\"",
        "NPM_TOKEN=npm_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "token: ${GITHUB_TOKEN}",
        "password = \"<your-token>\"",
        "api_key: {{ secrets.NPM_TOKEN }}",
        "db_password = $(DB_PASSWORD)",
        "password: %DB_PASSWORD%",
        "secret = \"REPLACE_WITH_YOUR_KEY\"",
        "password = \"changeme\"",
        "api_key = \"test-api-key\"",
        "token = \"fake_token_for_tests\"",
        "password = os.environ[\"DB_PASSWORD\"]",
        "password = process.env.DB_PASSWORD",
        "const chunkHash = 'a8Fk2LmQ9zXc4VbN';",
        "request_id = \"9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f\"",
        "sha256 = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"",
        "integrity: sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
    ] {
        let ids = rule_ids(&rules, &format!("{line}\n"));
        assert!(ids.is_empty(), "{line:?} fired {ids:?}");
    }
}

#[test]
fn inline_allow_comments_suppress() {
    let rules = Ruleset::default_rules().unwrap();
    let mut rng = Rng::new(3);
    let token = expand("ghp_{a:30}{crc}", &mut rng, None);
    for comment in ["# signoff:allow", "// gitleaks:allow"] {
        let outcome = scanner(&rules).scan(format!("token = \"{token}\" {comment}\n").as_bytes());
        assert!(outcome.hits.is_empty());
        assert!(outcome.inline_allowed >= 1);
    }
}

#[test]
fn gitleaks_config_extends_and_disables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".gitleaks.toml");
    std::fs::write(
        &path,
        r#"
[extend]
useDefault = true
disabledRules = ["jwt"]

[[rules]]
id = "acme-internal-token"
description = "ACME internal token"
regex = '''acme_[a-z0-9]{24}'''
keywords = ["acme_"]
[[rules.allowlists]]
stopwords = ["sandbox"]

[allowlist]
paths = ['''(^|/)fixtures/''']
"#,
    )
    .unwrap();
    let rules = Ruleset::load(&Sources {
        config: Some(&path),
        disabled: &[],
    })
    .unwrap();
    assert!(rules.detectors.iter().any(|d| d.id == "github-pat"));
    assert!(!rules.detectors.iter().any(|d| d.id == "jwt"));
    assert_eq!(
        rule_ids(&rules, "t = acme_q8zt2lmx0vr4pk7wj3nb5c1d\n"),
        ["acme-internal-token"]
    );
    assert!(rule_ids(&rules, "t = acme_sandboxq8zt2lmx0vr4pk7w\n").is_empty());
    assert!(rules.global[0].allows_path("tests/fixtures/a.txt"));
}

#[test]
fn bad_gitleaks_configs_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    for (text, expected) in [
        (
            "[[rules]]\nid = 'x'\nregex = '(unclosed'\n",
            "rule `x`: `regex` does not compile",
        ),
        ("[[rules]\nid = 'x'\n", ".gitleaks.toml:1"),
        ("[[rules]]\nid = 'x'\n", "has neither `regex` nor `path`"),
        (
            "[[rules]]\nid = 'x'\nregex = 'a'\nsecretGroup = 2\n",
            "secretGroup = 2",
        ),
        (
            "[[rules]]\nid = 'x'\nregex = 'a'\n[[rules]]\nid = 'x'\nregex = 'b'\n",
            "defined twice",
        ),
    ] {
        let path = dir.path().join(".gitleaks.toml");
        std::fs::write(&path, text).unwrap();
        let error = Ruleset::load(&Sources {
            config: Some(&path),
            disabled: &[],
        })
        .unwrap_err();
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
}

#[test]
fn config_rules_see_the_whole_file_like_gitleaks() {
    // A custom rule whose keyword sits on another line than its match still fires, and
    // signoff's placeholder judgement does not touch it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rules.toml");
    std::fs::write(
        &path,
        "[[rules]]\nid = 'deploy-code'\nregex = 'code-[0-9]{6}'\nkeywords = ['deploy']\n",
    )
    .unwrap();
    let rules = Ruleset::load(&Sources {
        config: Some(&path),
        disabled: &[],
    })
    .unwrap();
    assert!(!rules.detector(0).builtin);
    assert_eq!(
        rule_ids(&rules, "# deploy notes\n\nuse code-000000 here\n"),
        ["deploy-code"]
    );
    assert!(rule_ids(&rules, "use code-123456 here\n").is_empty());
}
