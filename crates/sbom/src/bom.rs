//! Turns the merged components into a CycloneDX BOM and writes it.
//!
//! The BOM is built and validated with the cyclonedx-bom crate's model. Its newest
//! release (0.8) emits spec 1.3 to 1.5, not 1.6; every field this gate fills has the same
//! form in 1.5 and 1.6 (1.6 only adds fields), so the document is written through the
//! crate's 1.5 writer and declared as 1.6: `specVersion` in JSON, the namespace in XML.
//! The integration tests validate every JSON output against the official 1.6 schema
//! (`tests/schemas/`), and so does the benchmark.

use std::collections::BTreeSet;

use cyclonedx_bom::external_models::normalized_string::NormalizedString;
use cyclonedx_bom::external_models::spdx::SpdxExpression;
use cyclonedx_bom::external_models::uri::{Purl, Uri};
use cyclonedx_bom::models::bom::{Bom, SpecVersion, UrnUuid};
use cyclonedx_bom::models::component::{Classification, Component, Components, Scope};
use cyclonedx_bom::models::dependency::{Dependencies, Dependency};
use cyclonedx_bom::models::external_reference::{
    ExternalReference, ExternalReferenceType, ExternalReferences,
};
use cyclonedx_bom::models::hash::{Hash, HashAlgorithm, HashValue, Hashes};
use cyclonedx_bom::models::license::{License, LicenseChoice, Licenses};
use cyclonedx_bom::models::metadata::Metadata;
use cyclonedx_bom::models::property::{Properties, Property};
use cyclonedx_bom::models::tool::Tools;
use cyclonedx_bom::validation::Validate;

use crate::graph::{Component as Merged, Merged as All};
use crate::model::{Alg, Digest, Ecosystem, Origin};

/// The spec version written.
pub const SPEC_VERSION: &str = "1.6";

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CycloneDX 1.6 JSON
    Json,
    /// CycloneDX 1.6 XML
    Xml,
    /// SPDX 2.3 JSON
    SpdxJson,
}

impl Format {
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/vnd.cyclonedx+json",
            Format::Xml => "application/vnd.cyclonedx+xml",
            Format::SpdxJson => "application/spdx+json",
        }
    }

    /// The default file name in the output directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "sbom.cdx.json",
            Format::Xml => "sbom.cdx.xml",
            Format::SpdxJson => "sbom.spdx.json",
        }
    }
}

/// Facts about the run that go into `metadata`.
pub struct Meta {
    /// The repository (`owner/name`, or the directory name).
    pub name: String,
    /// The commit, when known.
    pub version: Option<String>,
    /// RFC 3339, seconds.
    pub timestamp: String,
    pub tool_name: String,
    pub tool_version: String,
}

/// The bom-ref of the repository itself.
pub const ROOT_REF: &str = "signoff:repository";

/// Builds the BOM.
pub fn build(all: &All, meta: &Meta) -> Bom {
    let mut root = Component::new(
        Classification::Application,
        &meta.name,
        meta.version.as_deref().unwrap_or(""),
        Some(ROOT_REF.to_owned()),
    );
    if meta.version.is_none() {
        root.version = None;
    }
    let mut tool = Component::new(
        Classification::Application,
        &meta.tool_name,
        &meta.tool_version,
        None,
    );
    tool.group = Some(NormalizedString::new("signoff"));
    let mut metadata = Metadata::new().unwrap_or_default();
    metadata.timestamp = meta.timestamp.clone().try_into().ok();
    metadata.tools = Some(Tools::Object {
        services: None,
        components: Some(Components(vec![tool])),
    });
    metadata.component = Some(root);

    let components: Vec<Component> = all.components.values().map(component).collect();
    let mut dependencies = vec![Dependency {
        dependency_ref: ROOT_REF.to_owned(),
        dependencies: all.root_deps.iter().cloned().collect(),
    }];
    dependencies.extend(all.components.values().map(|c| Dependency {
        dependency_ref: c.purl.clone(),
        dependencies: c.deps.iter().cloned().collect(),
    }));

    Bom {
        version: 1,
        serial_number: Some(UrnUuid::generate()),
        metadata: Some(metadata),
        components: Some(Components(components)),
        dependencies: Some(Dependencies(dependencies)),
        spec_version: SpecVersion::V1_5,
        ..Bom::default()
    }
}

fn component(merged: &Merged) -> Component {
    let package = &merged.package;
    let mut component = Component::new(
        Classification::Library,
        &package.name,
        &package.version,
        Some(merged.purl.clone()),
    );
    if package.version.is_empty() {
        component.version = None;
    }
    component.group = package.namespace.as_deref().map(NormalizedString::new);
    // Parsing only stores the text (its error type is `()`); `validate` checks it.
    component.purl = merged.purl.parse::<Purl>().ok();
    // CycloneDX 1.6: `excluded` documents a component used for tests or other
    // non-runtime purposes and not reachable at runtime, which is what development-only
    // means here; `optional` is for runtime code that may be absent (README: "Dev-only").
    component.scope = Some(if merged.dev {
        Scope::Excluded
    } else {
        Scope::Required
    });
    if !package.hashes.is_empty() {
        component.hashes = Some(Hashes(package.hashes.iter().map(hash).collect()));
    }
    if let Some(first) = package.licenses.first() {
        // CycloneDX allows one expression, or several named licences.
        let choices = match license(first) {
            expression @ LicenseChoice::Expression(_) => vec![expression],
            named => std::iter::once(named)
                .chain(
                    package.licenses[1..]
                        .iter()
                        .map(|l| LicenseChoice::License(License::named_license(l))),
                )
                .collect(),
        };
        component.licenses = Some(Licenses(choices));
    }
    let references = references(merged);
    if !references.is_empty() {
        component.external_references = Some(ExternalReferences(references));
    }
    let mut properties = Vec::new();
    if merged.first_party {
        properties.push(Property::new("signoff:first-party", "true"));
    } else {
        properties.push(Property::new(
            "signoff:dependency",
            if merged.direct {
                "direct"
            } else {
                "transitive"
            },
        ));
    }
    for file in &merged.files {
        properties.push(Property::new("signoff:lockfile", file));
    }
    if merged.unlocked && !merged.first_party {
        // Declared in a manifest no lockfile pins: transitive dependencies are unknown.
        properties.push(Property::new("signoff:unlocked-manifest", "true"));
    }
    component.properties = Some(Properties(properties));
    component
}

fn hash(digest: &Digest) -> Hash {
    Hash {
        alg: match digest.alg {
            Alg::Md5 => HashAlgorithm::MD5,
            Alg::Sha1 => HashAlgorithm::SHA1,
            Alg::Sha256 => HashAlgorithm::SHA_256,
            Alg::Sha384 => HashAlgorithm::SHA_384,
            Alg::Sha512 => HashAlgorithm::SHA_512,
        },
        content: HashValue(digest.hex.clone()),
    }
}

/// An SPDX expression when the text is one, otherwise a named licence.
fn license(text: &str) -> LicenseChoice {
    match SpdxExpression::try_from(text.to_owned()) {
        Ok(expression) => LicenseChoice::Expression(expression),
        Err(_) => LicenseChoice::License(License::named_license(text)),
    }
}

fn references(merged: &Merged) -> Vec<ExternalReference> {
    let package = &merged.package;
    let mut out = Vec::new();
    match &package.origin {
        Origin::Git { url, .. } => out.push(ExternalReference::new(
            ExternalReferenceType::Vcs,
            Uri::new(url),
        )),
        Origin::Url(url) => out.push(ExternalReference::new(
            ExternalReferenceType::Distribution,
            Uri::new(url),
        )),
        Origin::Registry | Origin::Path(_) => {}
    }
    let mut seen = BTreeSet::new();
    for (location, digest) in &package.distributions {
        if !seen.insert((location, digest)) {
            continue;
        }
        let url = if location.is_empty() {
            registry_page(package.ecosystem, &package.name, &package.version)
        } else {
            location.clone()
        };
        let mut reference =
            ExternalReference::new(ExternalReferenceType::Distribution, Uri::new(&url));
        reference.hashes = Some(Hashes(vec![hash(digest)]));
        out.push(reference);
    }
    out
}

/// The registry page listing a package's files, for hashes the lockfile gives without a
/// file name (pip `--hash`, Pipfile.lock).
fn registry_page(ecosystem: Ecosystem, name: &str, version: &str) -> String {
    match ecosystem {
        Ecosystem::Pypi => format!("https://pypi.org/project/{name}/{version}/#files"),
        _ => String::new(),
    }
}

/// Problems the crate's validation finds, one line each (empty when valid).
pub fn validate(bom: &Bom) -> Vec<String> {
    let result = bom.validate_version(SpecVersion::V1_5);
    if result.passed() {
        return Vec::new();
    }
    result
        .errors()
        .map(|(field, errors)| format!("{field}: {errors:?}"))
        .collect()
}

/// Serializes the BOM as CycloneDX 1.6.
pub fn write(bom: Bom, format: Format) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(1 << 20);
    match format {
        Format::Json => {
            bom.output_as_json_v1_5(&mut out)
                .map_err(|error| format!("cannot write the BOM as JSON: {error}"))?;
            relabel(
                &mut out,
                b"\"specVersion\": \"1.5\"",
                b"\"specVersion\": \"1.6\"",
            )?;
            out.push(b'\n');
        }
        Format::SpdxJson => {
            return Err("an SPDX document is written by spdx_json::write".to_owned());
        }
        Format::Xml => {
            bom.output_as_xml_v1_5(&mut out)
                .map_err(|error| format!("cannot write the BOM as XML: {error}"))?;
            relabel(
                &mut out,
                b"http://cyclonedx.org/schema/bom/1.5",
                b"http://cyclonedx.org/schema/bom/1.6",
            )?;
            out.push(b'\n');
        }
    }
    Ok(out)
}

/// Replaces the first occurrence of `from` (in the document's head) with `to`.
fn relabel(out: &mut Vec<u8>, from: &[u8], to: &[u8]) -> Result<(), String> {
    let head = &out[..out.len().min(512)];
    let at = head
        .windows(from.len())
        .position(|window| window == from)
        .ok_or("the CycloneDX writer did not declare spec 1.5 where expected")?;
    out.splice(at..at + from.len(), to.iter().copied());
    Ok(())
}
