//! Findings from matches: one per vulnerability of a package, with its advisory id and
//! aliases, the version and the fixed versions, the severity and its source, and the
//! path in the SBOM that brought the package in.

use std::collections::HashMap;

use serde_json::json;
use signoff_core::report::Finding;

use crate::matcher::Match;
use crate::rules::Rule;
use crate::sbom::{Component, Origin, Sbom};

/// Where findings point: the component's first lockfile, else the SBOM.
fn place(component: &Component, sbom: &Sbom) -> String {
    component
        .lockfiles
        .first()
        .cloned()
        .unwrap_or_else(|| sbom.source.clone())
}

fn describe_origin(origin: Option<&Origin>) -> (String, serde_json::Value) {
    match origin {
        Some(Origin::Direct) => (
            "a direct dependency".into(),
            json!({"direct": true, "via": []}),
        ),
        Some(Origin::Via(chain)) => (
            format!("brought in via {}", chain.join(" > ")),
            json!({"direct": false, "via": chain}),
        ),
        Some(Origin::Unreached) => (
            "not reached from the root in the SBOM's dependency graph".into(),
            json!({"direct": null, "via": []}),
        ),
        None => (
            "the SBOM has no dependency graph".into(),
            json!({"direct": null, "via": []}),
        ),
    }
}

/// The finding for one match.
pub(crate) fn finding(
    m: &Match<'_>,
    sbom: &Sbom,
    paths: Option<&HashMap<String, Origin>>,
) -> Finding {
    let component = &sbom.components[m.component];
    let (name, version) = component.name_and_version();
    let record = m.records[0];
    let rule = if m.records.iter().any(|r| r.is_malicious()) {
        Rule::MaliciousPackage
    } else {
        Rule::VulnerableDependency
    };
    let (origin_text, origin) = describe_origin(paths.and_then(|p| p.get(&component.bom_ref)));
    let summary = m
        .records
        .iter()
        .find_map(|r| r.summary.as_deref().filter(|s| !s.trim().is_empty()))
        .map(|s| {
            signoff_core::text::one_line(s)
                .chars()
                .take(200)
                .collect::<String>()
        });
    let upgrade = m.fixed.last();
    let also = if m.aliases.is_empty() {
        String::new()
    } else {
        format!(" ({})", m.aliases.join(", "))
    };
    let mut message = format!(
        "{name} {version} has {}{also}, {} ({})",
        m.primary,
        m.rated.severity,
        m.rated.source.describe()
    );
    if let Some(summary) = &summary {
        message.push_str(&format!(": {summary}"));
    }
    message.push_str(&match upgrade {
        Some(fix) => format!("; upgrade to {fix}"),
        None => "; no fixed version".into(),
    });
    let help = match (rule, upgrade) {
        (Rule::MaliciousPackage, _) => format!(
            "remove {name} now and rotate any credential the machines that installed it held; it is {origin_text}"
        ),
        (_, Some(fix)) => format!(
            "upgrade {name} to {fix} or later ({origin_text}); if it does not affect you, waive it:\n  waivers:\n    - {{gate: vulnerabilities, advisory: {}, package: {name}, reason: \"…\", expires: YYYY-MM-DD}}",
            m.primary
        ),
        (_, None) => format!(
            "no fixed version is published: replace or remove {name} ({origin_text}), or record why it does not affect you in a VEX document or a waiver with an expiry"
        ),
    };
    let mut builder = Finding::new(rule)
        .severity(m.rated.severity)
        .message(message)
        .in_file(place(component, sbom))
        .identity(m.ecosystem.osv_name())
        .identity(name)
        .identity(&m.primary)
        .help(help)
        .detail("id", m.primary.clone())
        .detail("aliases", m.aliases.clone())
        .detail("ecosystem", m.ecosystem.osv_name())
        .detail("package", name)
        .detail("version", version)
        .detail("fixed", m.fixed.clone())
        .detail("severity_source", m.rated.source.describe())
        .detail("origin", origin)
        .detail(
            "url",
            format!("https://osv.dev/vulnerability/{}", record.id),
        );
    if let Some(purl) = &component.purl {
        builder = builder.detail("purl", purl.clone());
    }
    if let Some(fix) = upgrade {
        builder = builder.detail("upgrade_to", fix.clone());
    }
    if let Some(summary) = summary {
        builder = builder.detail("summary", summary);
    }
    if let crate::severity::Source::Cvss { vector, score, .. } = &m.rated.source {
        builder = builder.detail("cvss", json!({"vector": vector, "score": score}));
    }
    builder.build()
}

/// The finding for a component whose advisories could not be evaluated.
pub(crate) fn not_comparable(component: &Component, sbom: &Sbom, ids: &[String]) -> Finding {
    let package = component.package.as_ref();
    let (name, version) = component.name_and_version();
    let ecosystem = package
        .and_then(|p| p.ecosystem)
        .map_or("?", |e| e.osv_name());
    Finding::new(Rule::VersionNotComparable)
        .message(format!(
            "{name} {version} is named by {} but the version cannot be ordered in {ecosystem}, so {} not matched: {}",
            signoff_core::text::plural(ids.len() as u64, "advisory", "advisories"),
            if ids.len() == 1 { "it was" } else { "they were" },
            ids.join(", ")
        ))
        .in_file(place(component, sbom))
        .identity(ecosystem)
        .identity(name)
        .identity(version)
        .help(format!("pin {name} to a released version in the lockfile, or check these advisories by hand"))
        .detail("package", name)
        .detail("version", version)
        .detail("advisories", ids.to_vec())
        .build()
}
