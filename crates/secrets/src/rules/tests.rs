//! The default ruleset's own tests: every rule fires on an example generated from its
//! `example` template (fresh random characters each time, valid checksums) and stays quiet
//! on the same example made a placeholder, on a wrong checksum, and on the documentation
//! placeholders every provider's docs use. `near_misses` generates, for every rule, the
//! negatives that exercise its own regex: a body one character short, its token prefix
//! glued to a word, `${VAR}`, `<your-token>` and `…EXAMPLE` in place of the random part,
//! and broken structures for the JWT and key validators; the rules a negative does not
//! apply to are listed with the reason.

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
    rule_ids_at(rules, "example.txt", text)
}

/// The rules that fire on `text` in a file at `path` (rules with a `path` only there).
fn rule_ids_at(rules: &Ruleset, path: &str, text: &str) -> Vec<&'static str> {
    let outcome = scanner(rules).scan(text.as_bytes());
    outcome
        .hits
        .iter()
        .map(|hit| rules.detector(hit.rule))
        .filter(|d| {
            d.path
                .as_ref()
                .is_none_or(|re| re.is_match(path.as_bytes()))
        })
        .map(|d| d.id)
        .collect()
}

/// Where a rule's example is planted: a file its `path` accepts, if it has one.
fn home(detector: &Detector) -> &'static str {
    match &detector.path {
        None => "example.txt",
        Some(path) => ["config/db_password.txt", "home/.pgpass"]
            .into_iter()
            .find(|p| path.is_match(p.as_bytes()))
            .unwrap_or("example.txt"),
    }
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
        // prefix (`SG.`, `SK`): keep them few. The context rules are code.
        assert!(
            detector.regex.is_some() || detector.native.is_some(),
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
            let ids = rule_ids_at(&rules, home(detector), &format!("{example}\n"));
            // A password rule reports a weak (low-entropy) password as a hard-coded one.
            let weak_ok =
                detector.judge == Some(Judge::Password) && ids.contains(&"hardcoded-password");
            if !ids.contains(&detector.id) && !weak_ok {
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

/// Generated near misses and placeholders for every rule, from its `example` template.
mod near_misses {
    use super::*;

    /// `{class:N}`, `{crc}`, `{uuid}` and `{jwt}` in a template, as byte ranges.
    fn specs(template: &str) -> Vec<(usize, usize)> {
        let spec = Regex::new(r"\{(?:[a-zA-Z0-9]+:\d+|crc|uuid|jwt)\}").unwrap();
        spec.find_iter(template.as_bytes())
            .map(|m| (m.start(), m.end()))
            .collect()
    }

    /// The template with `{uuid}` spelled out as classes, so its parts can be edited.
    fn normalized(template: &str) -> String {
        template.replace("{uuid}", "{h:8}-{h:4}-4{h:3}-a{h:3}-{h:12}")
    }

    /// The last `{class:N}` spec: its range and N.
    fn last_class(template: &str, min: usize) -> Option<(usize, usize, usize)> {
        specs(template).into_iter().rev().find_map(|(start, end)| {
            let inner = &template[start + 1..end - 1];
            let count: usize = inner.split_once(':')?.1.parse().ok()?;
            (count >= min).then_some((start, end, count))
        })
    }

    fn with_count(template: &str, (start, end, _): (usize, usize, usize), count: usize) -> String {
        let class = template[start + 1..end - 1]
            .split(':')
            .next()
            .unwrap_or_default();
        format!(
            "{}{{{class}:{count}}}{}",
            &template[..start],
            &template[end..]
        )
    }

    /// The body one character too short (the last random part of the template).
    fn short_body(template: &str) -> Option<String> {
        let template = normalized(template);
        let spec = last_class(&template, 2)?;
        Some(with_count(&template, spec, spec.2 - 1))
    }

    /// A token prefix (`ghp_`, `AKIA`, `xoxb-`) glued to a word character before it.
    fn glued_prefix(template: &str) -> Option<String> {
        let first = specs(template).first()?.0;
        let prefix = &template[..first];
        let token = !prefix.is_empty()
            && prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
            && prefix.bytes().any(|b| b.is_ascii_alphabetic());
        token.then(|| format!("x{template}"))
    }

    /// The random part (first spec to last) replaced by `placeholder`.
    fn placeholder(template: &str, placeholder: &str) -> Option<String> {
        let specs = specs(template);
        let (start, end) = (specs.first()?.0, specs.last()?.1);
        Some(format!(
            "{}{placeholder}{}",
            &template[..start],
            &template[end..]
        ))
    }

    /// The random part ending in `EXAMPLE`, as documentation writes keys
    /// (`AKIAIOSFODNN7EXAMPLE`).
    fn example_suffixed(template: &str, rng: &mut Rng) -> String {
        let template = normalized(template);
        match last_class(&template, 8) {
            Some(spec) => {
                let shorter = with_count(&template, spec, spec.2 - 7);
                // Right after the shortened spec, which starts where the old one did.
                let at = shorter[spec.0..].find('}').map_or(0, |i| spec.0 + i + 1);
                expand(
                    &format!("{}EXAMPLE{}", &shorter[..at], &shorter[at..]),
                    rng,
                    None,
                )
            }
            None => {
                let mut text = expand(&template, rng, None);
                let keep = text.len().saturating_sub(7);
                text.truncate(keep);
                text + "EXAMPLE"
            }
        }
    }

    /// Rules whose body has a variable length in the provider's format (a range such as
    /// `{36,76}`, keys and URLs of any length, generic assignments), so one character less
    /// is still their format: for them the short-body negative is expected to fire, and
    /// the test checks that each one's regex does have a variable-length part. Every other
    /// rule must not fire.
    const SHORT_BODY_STILL_MATCHES: &[&str] = &[
        "aws-session-token",
        "aws-bedrock-api-key",
        "gcp-oauth-access-token",
        "azure-ad-client-secret",
        "azure-sas-token",
        "azure-service-bus-connection-string",
        "azure-app-configuration-connection-string",
        "planetscale-token",
        "yandex-cloud-key",
        "hashicorp-vault-token",
        "terraform-cloud-token",
        "doppler-token",
        "onepassword-service-account-token",
        "github-refresh-token",
        "docker-config-auth",
        "jfrog-identity-token",
        "tailscale-key",
        "npmrc-auth-token",
        "pypi-token",
        "pub-dev-token",
        "coinbase-api-secret",
        "adyen-api-key",
        "lemon-squeezy-api-key",
        "slack-legacy-token",
        "slack-webhook-url",
        "discord-webhook-url",
        "dropbox-token",
        "intercom-token",
        "mapbox-secret-token",
        "facebook-access-token",
        "twitter-bearer-token",
        "twitter-api-secret",
        "grafana-api-key",
        "openai-api-key",
        "pinecone-api-key",
        "database-url-password",
        "jdbc-password",
        "connection-string-password",
        "snowflake-password",
        "upstash-redis-token",
        "elastic-api-key",
        "redis-password",
        "private-key-rsa",
        "private-key-ec",
        "private-key-dsa",
        "private-key-openssh",
        "private-key-pkcs8",
        "private-key-encrypted",
        "private-key-pgp",
        "private-key-putty",
        "private-key-ssh2",
        "private-key-generic",
        "jwt",
        "url-credentials",
        "authorization-bearer",
        "authorization-basic",
        "netrc-password",
        "firefox-saved-login",
        "framework-secret-key",
        "clerk-secret-key",
        "salesforce-access-token",
        "kubernetes-secret-data",
        "generic-secret",
        "hardcoded-password",
        "generic-prose-secret",
    ];

    /// Example-suffixed values that a generic rule still reports, as (rule whose template
    /// it is, rule that fires). The generic assignment rule judges at most the first 128
    /// characters of a value, so an `EXAMPLE` at the end of a longer one is out of its
    /// sight. Kept visible here for the generic-precision work rather than skipped.
    const EXAMPLE_TAIL_BEYOND_GENERIC_REACH: &[(&str, &str)] = &[
        ("aws-session-token", "generic-api-key"),
        ("lemon-squeezy-api-key", "generic-api-key"),
    ];

    fn fires(rules: &Ruleset, text: &str, id: &str) -> bool {
        rule_ids(rules, &format!("{text}\n")).contains(&id)
    }

    #[test]
    fn generated_negatives_are_the_near_misses_they_claim() {
        let mut rng = Rng::new(1);
        assert_eq!(short_body("ghp_{a:30}{crc}").unwrap(), "ghp_{a:29}{crc}");
        assert_eq!(
            short_body("amzn.mws.{uuid}").unwrap(),
            "amzn.mws.{h:8}-{h:4}-4{h:3}-a{h:3}-{h:11}"
        );
        assert_eq!(short_body("{jwt}"), None);
        assert_eq!(glued_prefix("AKIA{b32:16}").unwrap(), "xAKIA{b32:16}");
        assert_eq!(glued_prefix("HEROKU_API_KEY={uuid}"), None);
        assert_eq!(glued_prefix("{h:32}-us14"), None);
        assert_eq!(
            placeholder("xoxb-{d:12}-{d:13}-{a:24}", "${VAR}").unwrap(),
            "xoxb-${VAR}"
        );
        assert_eq!(
            placeholder("AWS_SECRET_ACCESS_KEY = \"{b64:40}\"", "<your-token>").unwrap(),
            "AWS_SECRET_ACCESS_KEY = \"<your-token>\""
        );
        let akia = example_suffixed("AKIA{b32:16}", &mut rng);
        assert!(
            akia.starts_with("AKIA") && akia.ends_with("EXAMPLE"),
            "{akia}"
        );
        assert_eq!(akia.len(), 20);
    }

    #[test]
    fn a_body_one_character_short_does_not_fire() {
        let rules = Ruleset::default_rules().unwrap();
        let mut rng = Rng::new(21);
        let mut still: Vec<&str> = Vec::new();
        for detector in &rules.detectors {
            let template = detector.example.as_deref().unwrap_or_default();
            let Some(short) = short_body(template) else {
                still.push(detector.id);
                continue;
            };
            let text = expand(&short, &mut rng, None);
            if fires(&rules, &text, detector.id) {
                still.push(detector.id);
            }
        }
        assert_eq!(
            still, SHORT_BODY_STILL_MATCHES,
            "rules that fire on a short body"
        );
        let variable = Regex::new(r"\{\d+,\d*\}|\]\+|\)\+|\]\*").unwrap();
        for id in SHORT_BODY_STILL_MATCHES {
            let detector = rules.detectors.iter().find(|d| d.id == *id).unwrap();
            // The context rules judge values of any length by their name.
            let Some(regex) = detector.regex.as_ref() else {
                continue;
            };
            let source = regex.as_str();
            assert!(
                variable.is_match(source.as_bytes()),
                "{id} is listed as variable-length but its regex is not: {source}"
            );
        }
    }

    #[test]
    fn a_prefix_glued_to_a_word_does_not_fire() {
        let rules = Ruleset::default_rules().unwrap();
        let mut rng = Rng::new(22);
        let mut checked = 0;
        let mut still: Vec<&str> = Vec::new();
        for detector in &rules.detectors {
            let template = detector.example.as_deref().unwrap_or_default();
            let Some(glued) = glued_prefix(template) else {
                continue;
            };
            checked += 1;
            let text = expand(&glued, &mut rng, None);
            if fires(&rules, &text, detector.id) {
                still.push(detector.id);
            }
        }
        assert!(still.is_empty(), "rules that fire after a word: {still:?}");
        assert!(checked >= 100, "{checked} rules with a token prefix");
    }

    #[test]
    fn variables_placeholders_and_example_values_never_fire() {
        let rules = Ruleset::default_rules().unwrap();
        let mut rng = Rng::new(23);
        let mut failures = Vec::new();
        for detector in &rules.detectors {
            let template = detector.example.as_deref().unwrap_or_default();
            let mut texts: Vec<String> = ["${VAR}", "<your-token>"]
                .iter()
                .filter_map(|p| placeholder(template, p))
                .map(|t| expand(&t, &mut rng, None))
                .collect();
            texts.push(example_suffixed(template, &mut rng));
            for text in texts {
                let ids: Vec<&str> = rule_ids(&rules, &format!("{text}\n"))
                    .into_iter()
                    .filter(|id| {
                        !(text.ends_with("EXAMPLE")
                            && EXAMPLE_TAIL_BEYOND_GENERIC_REACH.contains(&(detector.id, *id)))
                    })
                    .collect();
                if !ids.is_empty() {
                    failures.push(format!("{}: {text:?} fired {ids:?}", detector.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn broken_structures_do_not_fire() {
        // The checks behind the structural validators: a JWT whose header is not JSON, and
        // key bodies that do not decode to a DER sequence (or an OpenSSH container).
        use base64::Engine as _;
        let rules = Ruleset::default_rules().unwrap();
        let mut rng = Rng::new(24);
        let mut checked = 0;
        for detector in &rules.detectors {
            let template = detector.example.as_deref().unwrap_or_default();
            let text = expand(template, &mut rng, None);
            let broken = match detector.validator {
                Some(Validator::Jwt) => {
                    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .encode("{\"alg\": not json");
                    let rest = text.split_once('.').unwrap().1;
                    format!("{header}.{rest}")
                }
                Some(Validator::PemKey) => {
                    // The same armour around a well-formed base64 body that is no DER
                    // sequence (nor an OpenSSH container).
                    let (Some(first), Some(last)) = (text.lines().next(), text.lines().last())
                    else {
                        continue;
                    };
                    let bytes: Vec<u8> = b"not a key at all"
                        .iter()
                        .copied()
                        .chain((0..150u32).map(|i| (i * 37 % 251) as u8))
                        .collect();
                    let body = base64::engine::general_purpose::STANDARD.encode(bytes);
                    let lines: Vec<&str> = body
                        .as_bytes()
                        .chunks(64)
                        .map(|c| std::str::from_utf8(c).unwrap())
                        .collect();
                    format!("{first}\n{}\n{last}", lines.join("\n"))
                }
                _ => continue,
            };
            assert!(
                fires(&rules, &text, detector.id),
                "{}: {text:?}",
                detector.id
            );
            let ids = rule_ids(&rules, &format!("{broken}\n"));
            assert!(
                !ids.iter().any(|id| rules
                    .detectors
                    .iter()
                    .any(|d| d.id == *id && d.validator == detector.validator)),
                "{}: broken {broken:?} fired {ids:?}",
                detector.id
            );
            checked += 1;
        }
        assert!(checked >= 7, "structural negatives: {checked}");
    }
}
