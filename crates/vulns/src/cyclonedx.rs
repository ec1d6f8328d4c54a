//! The CycloneDX 1.6 `vulnerabilities` document written beside the report: each finding
//! as a vulnerability with its source, aliases, ratings (with the vector and method),
//! recommendation, the component it affects, and the VEX or waiver analysis.

use serde_json::{Value, json};
use signoff_core::report::Finding;

use crate::sbom::Sbom;

/// The file name in the output directory.
pub const FILE: &str = "vulnerabilities.cdx.json";
pub(crate) const MEDIA_TYPE: &str = "application/vnd.cyclonedx+json";

fn method(source: &str) -> Option<&'static str> {
    [
        ("CVSS 4.0", "CVSSv4"),
        ("CVSS 3.1", "CVSSv31"),
        ("CVSS 3.0", "CVSSv3"),
        ("CVSS 2.0", "CVSSv2"),
    ]
    .iter()
    .find(|(prefix, _)| source.starts_with(prefix))
    .map(|(_, m)| *m)
}

/// A urn:uuid from a digest (stable for the same findings, unique enough per run).
fn serial(findings: &[Finding], timestamp: &str) -> String {
    let mut text = timestamp.to_owned();
    for f in findings {
        text.push_str(&f.fingerprint);
    }
    let hex = signoff_core::fs::sha256_hex(text.as_bytes());
    format!(
        "urn:uuid:{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The document for these findings of `sbom`.
pub(crate) fn document(findings: &[Finding], sbom: &Sbom, timestamp: &str) -> String {
    let mut components: Vec<Value> = Vec::new();
    let mut vulnerabilities: Vec<Value> = Vec::new();
    for finding in findings.iter().filter(|f| f.details.contains_key("id")) {
        let text = |key: &str| {
            finding
                .details
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        let purl = text("purl");
        let bom_ref = sbom
            .components
            .iter()
            .find(|c| c.purl.as_deref() == Some(purl) && !purl.is_empty())
            .map_or_else(
                || format!("{}@{}", text("package"), text("version")),
                |c| c.bom_ref.clone(),
            );
        if !components.iter().any(|c| c["bom-ref"] == bom_ref.as_str()) {
            let mut component = json!({"type": "library", "bom-ref": bom_ref, "name": text("package"), "version": text("version")});
            if !purl.is_empty() {
                component["purl"] = json!(purl);
            }
            components.push(component);
        }
        let id = text("id");
        let mut rating = json!({"severity": finding.severity.as_str(), "source": {"name": "OSV"}});
        if let (Some(cvss), Some(method)) =
            (finding.details.get("cvss"), method(text("severity_source")))
        {
            rating["score"] = cvss["score"].clone();
            rating["vector"] = cvss["vector"].clone();
            rating["method"] = json!(method);
        } else {
            rating["method"] = json!("other");
        }
        let references: Vec<Value> = finding
            .details
            .get("aliases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|alias| json!({"id": alias, "source": {"name": "OSV", "url": format!("https://osv.dev/vulnerability/{alias}")}}))
            .collect();
        let mut vulnerability = json!({
            "bom-ref": format!("vulnerability-{}", finding.fingerprint),
            "id": id,
            "source": {"name": "OSV", "url": format!("https://osv.dev/vulnerability/{id}")},
            "ratings": [rating],
            "affects": [{"ref": bom_ref, "versions": [{"version": text("version"), "status": "affected"}]}],
        });
        if !references.is_empty() {
            vulnerability["references"] = json!(references);
        }
        if let Some(summary) = finding.details.get("summary") {
            vulnerability["description"] = summary.clone();
        }
        vulnerability["recommendation"] =
            json!(
                match finding.details.get("upgrade_to").and_then(Value::as_str) {
                    Some(fix) => format!("upgrade to {fix}"),
                    None => "no fixed version".to_owned(),
                }
            );
        if let Some(vex) = finding.details.get("vex") {
            let mut analysis = json!({"state": "not_affected"});
            if let Some(j) = vex
                .get("justification")
                .and_then(Value::as_str)
                .filter(|j| CDX_JUSTIFICATIONS.contains(j))
            {
                analysis["justification"] = json!(j);
            }
            if let Some(detail) = vex.get("detail").and_then(Value::as_str) {
                analysis["detail"] = json!(detail);
            }
            vulnerability["analysis"] = analysis;
        } else if let Some(waiver) = finding.details.get("waiver") {
            vulnerability["analysis"] = json!({"detail": format!(
                "waived in signoff.yml until {}: {}",
                waiver["expires"].as_str().unwrap_or_default(),
                waiver["reason"].as_str().unwrap_or_default()
            )});
        }
        vulnerabilities.push(vulnerability);
    }
    let doc = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial(findings, timestamp),
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": {"components": [{"type": "application", "group": "signoff", "name": "signoff-vulns", "version": env!("CARGO_PKG_VERSION")}]},
        },
        "components": components,
        "vulnerabilities": vulnerabilities,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// CycloneDX's `impactAnalysisJustification` values (OpenVEX ones differ and are kept in
/// `detail` only).
const CDX_JUSTIFICATIONS: &[&str] = &[
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];
