//! The SBOM as an SPDX 2.3 JSON document (`--format spdx-json`), from the same merged
//! components as the CycloneDX one, for BSI TR-03183 and `cosign attest --type spdxjson`.
//!
//! - One package per component, plus the repository itself (`SPDXRef-Repository`, which
//!   the document `DESCRIBES`). Each carries its purl as a `PACKAGE-MANAGER` external
//!   reference, its hashes as `checksums`, its version, and its download location (the
//!   tarball URL or `git+URL@rev` when the lockfile names one, else `NOASSERTION`).
//! - `licenseDeclared` is the recorded licence when it is an SPDX expression of listed ids,
//!   else `NOASSERTION`; nothing is concluded (`licenseConcluded: NOASSERTION`).
//! - Edges are `DEPENDS_ON`; a development-only component is `DEV_DEPENDENCY_OF` what asks
//!   for it, SPDX 2.3's relationship for it (the CycloneDX document says `excluded`).
//!
//! The integration tests validate every document against the official SPDX 2.3 JSON
//! schema (`tests/schemas/spdx-2.3.schema.json`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::bom::Meta;
use crate::graph::{Component, Merged};
use crate::model::{Alg, Origin};

/// The SPDXID of the repository's own package.
const ROOT_ID: &str = "SPDXRef-Repository";

/// The SPDX 2.3 checksum algorithm name.
fn algorithm(alg: Alg) -> &'static str {
    match alg {
        Alg::Md5 => "MD5",
        Alg::Sha1 => "SHA1",
        Alg::Sha256 => "SHA256",
        Alg::Sha384 => "SHA384",
        Alg::Sha512 => "SHA512",
    }
}

/// An SPDXID (`[A-Za-z0-9.-]+` after `SPDXRef-`) unique by its index.
fn spdx_id(index: usize, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    format!("SPDXRef-Package-{index}-{clean}")
}

/// The licence as an SPDX expression of listed ids, when it is one.
fn declared(component: &Component) -> String {
    let licenses = &component.package.licenses;
    let expression = match licenses.as_slice() {
        [] => return "NOASSERTION".to_owned(),
        [one] => one.clone(),
        // Several licences (composer's list, npm's legacy `licenses`): any of them.
        many => many
            .iter()
            .map(|l| format!("({l})"))
            .collect::<Vec<_>>()
            .join(" OR "),
    };
    match spdx::Expression::parse(&expression) {
        Ok(parsed) if parsed.requirements().all(|r| r.req.license.id().is_some()) => {
            parsed.to_string()
        }
        _ => "NOASSERTION".to_owned(),
    }
}

fn download_location(component: &Component) -> String {
    match &component.package.origin {
        Origin::Url(url) => url.clone(),
        Origin::Git { url, rev } => match rev {
            Some(rev) => format!("git+{url}@{rev}"),
            None => format!("git+{url}"),
        },
        Origin::Registry | Origin::Path(_) => "NOASSERTION".to_owned(),
    }
}

fn package(id: &str, component: &Component) -> Value {
    let package = &component.package;
    let mut value = json!({
        "SPDXID": id,
        "name": package.full_name(),
        "downloadLocation": download_location(component),
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": declared(component),
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": if component.first_party { "APPLICATION" } else { "LIBRARY" },
        "externalRefs": [{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": component.purl,
        }],
    });
    if !package.version.is_empty() {
        value["versionInfo"] = json!(package.version);
    }
    if !package.hashes.is_empty() {
        value["checksums"] = package
            .hashes
            .iter()
            .map(|d| json!({"algorithm": algorithm(d.alg), "checksumValue": d.hex}))
            .collect();
    }
    if component.unlocked {
        value["comment"] =
            json!("declared in a manifest no lockfile pins: transitive dependencies unknown");
    }
    value
}

/// Builds the SPDX 2.3 document.
pub fn build(all: &Merged, meta: &Meta, serial: &str) -> Value {
    let ids: BTreeMap<&str, String> = all
        .components
        .values()
        .enumerate()
        .map(|(index, c)| (c.purl.as_str(), spdx_id(index + 1, &c.package.name)))
        .collect();
    let mut root = json!({
        "SPDXID": ROOT_ID,
        "name": meta.name,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "copyrightText": "NOASSERTION",
        "primaryPackagePurpose": "APPLICATION",
    });
    if let Some(version) = &meta.version {
        root["versionInfo"] = json!(version);
    }
    let mut packages = vec![root];
    packages.extend(
        all.components
            .values()
            .map(|c| package(&ids[c.purl.as_str()], c)),
    );

    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": ROOT_ID,
    })];
    let edge = |from: &str, to: &str, dev: bool| {
        if dev {
            json!({"spdxElementId": to, "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": from})
        } else {
            json!({"spdxElementId": from, "relationshipType": "DEPENDS_ON", "relatedSpdxElement": to})
        }
    };
    let dev_of = |purl: &str| all.components.get(purl).is_some_and(|c| c.dev);
    for purl in &all.root_deps {
        if let Some(to) = ids.get(purl.as_str()) {
            relationships.push(edge(ROOT_ID, to, dev_of(purl)));
        }
    }
    for component in all.components.values() {
        let from = &ids[component.purl.as_str()];
        for dep in &component.deps {
            if let Some(to) = ids.get(dep.as_str()) {
                // A dev-only package's own dependencies are plain edges of that package.
                let dev = dev_of(dep) && !component.dev;
                relationships.push(edge(from, to, dev));
            }
        }
    }
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": format!("{} SBOM", meta.name),
        "documentNamespace": format!(
            "https://spdx.org/spdxdocs/{}-{}",
            meta.name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '.', "-"),
            serial.trim_start_matches("urn:uuid:")
        ),
        "creationInfo": {
            "created": meta.timestamp,
            "creators": [format!("Tool: {}-{}", meta.tool_name, meta.tool_version)],
        },
        "packages": packages,
        "relationships": relationships,
    })
}

/// Serializes the document.
pub fn write(document: &Value) -> Result<Vec<u8>, String> {
    let mut out = serde_json::to_vec_pretty(document)
        .map_err(|error| format!("cannot write the SPDX document: {error}"))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_to_the_spdx_alphabet() {
        assert_eq!(spdx_id(3, "@babel/core"), "SPDXRef-Package-3--babel-core");
        assert_eq!(spdx_id(1, "a.b-c"), "SPDXRef-Package-1-a.b-c");
    }
}
