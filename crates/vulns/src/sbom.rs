//! The SBOM the gate checks: a CycloneDX 1.4–1.6 JSON document (the one signoff-sbom
//! writes, or any other), or, without one, the repository described by the sbom crate's
//! library. Components are flattened (nested ones included) and the dependency graph is
//! kept so each finding can say which direct dependency brought the package in.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

use serde::Deserialize;

use crate::ecosystem::{PurlPackage, parse_purl};

/// Largest SBOM read.
const MAX_BYTES: u64 = 1024 * 1024 * 1024;

/// One component of the SBOM.
#[derive(Debug, Clone)]
pub(crate) struct Component {
    pub bom_ref: String,
    pub name: String,
    pub version: Option<String>,
    pub purl: Option<String>,
    pub package: Option<PurlPackage>,
    /// `scope: optional` (signoff-sbom's dev-only dependencies) or `excluded`.
    pub dev: bool,
    /// Lockfiles that list it (`signoff:lockfile` properties).
    pub lockfiles: Vec<String>,
    /// The repository's own package (`signoff:first-party`): never matched, and its
    /// dependencies are direct ones.
    pub first_party: bool,
}

impl Component {
    /// The package's name (as OSV spells it, when the purl gives one) and version.
    pub(crate) fn name_and_version(&self) -> (&str, &str) {
        let package = self.package.as_ref();
        let name = package.map_or(self.name.as_str(), |p| p.name.as_str());
        let version = package
            .and_then(|p| p.version.as_deref())
            .or(self.version.as_deref())
            .unwrap_or_default();
        (name, version)
    }
}

/// The SBOM, ready for matching.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sbom {
    pub components: Vec<Component>,
    /// Where it came from, as shown in findings when a component names no lockfile.
    pub source: String,
    pub spec_version: String,
    /// bom-ref of the described software (`metadata.component`).
    pub root: Option<String>,
    /// bom-ref → the bom-refs it depends on.
    pub edges: HashMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBom {
    #[serde(default)]
    bom_format: Option<String>,
    #[serde(default)]
    spec_version: Option<String>,
    #[serde(default)]
    metadata: Option<RawMetadata>,
    #[serde(default)]
    components: Vec<RawComponent>,
    #[serde(default)]
    dependencies: Vec<RawDependency>,
}

#[derive(Deserialize)]
struct RawMetadata {
    #[serde(default)]
    component: Option<RawComponent>,
}

#[derive(Deserialize)]
struct RawComponent {
    #[serde(default, rename = "bom-ref")]
    bom_ref: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    properties: Vec<RawProperty>,
    #[serde(default)]
    components: Vec<RawComponent>,
}

#[derive(Deserialize)]
struct RawProperty {
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
struct RawDependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(default, rename = "dependsOn")]
    depends_on: Vec<String>,
}

/// Reads a CycloneDX JSON SBOM; the error says what, where and how to fix it.
pub(crate) fn read(path: &Path) -> Result<Sbom, String> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|e| {
        format!("error: cannot read the SBOM {shown}: {e}\n  = help: give a CycloneDX JSON file with --sbom, or leave --sbom out to describe the repository")
    })?;
    if metadata.is_dir() {
        return Err(format!(
            "error: the SBOM {shown} is a directory\n  = help: name the CycloneDX JSON file itself, like signoff-out/sbom.cdx.json"
        ));
    }
    if metadata.len() > MAX_BYTES {
        return Err(format!(
            "error: the SBOM {shown} is larger than 1 GiB\n  = help: check that --sbom names an SBOM"
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("error: cannot read the SBOM {shown}: {e}"))?;
    parse(&bytes, &shown)
}

/// Parses CycloneDX JSON text read from `shown`.
pub(crate) fn parse(bytes: &[u8], shown: &str) -> Result<Sbom, String> {
    if bytes.trim_ascii_start().starts_with(b"<") {
        return Err(format!(
            "error: {shown} is XML; this gate reads CycloneDX JSON\n  = help: write the SBOM as JSON (`signoff-sbom --format json`, `syft -o cyclonedx-json`, `cdxgen`)"
        ));
    }
    let raw: RawBom = serde_json::from_slice(bytes).map_err(|e| {
        format!("error: {shown}:{}:{}: not a CycloneDX JSON document: {e}\n  = help: give a CycloneDX 1.4–1.6 JSON SBOM", e.line(), e.column())
    })?;
    if raw.bom_format.as_deref() != Some("CycloneDX") {
        return Err(format!(
            "error: {shown} has no `\"bomFormat\": \"CycloneDX\"`\n  = help: this gate reads CycloneDX 1.4–1.6 JSON SBOMs; convert SPDX with a converter first"
        ));
    }
    let spec = raw.spec_version.clone().unwrap_or_default();
    if !matches!(spec.as_str(), "1.4" | "1.5" | "1.6") {
        return Err(format!(
            "error: {shown} is CycloneDX {spec:?}; this gate reads 1.4, 1.5 and 1.6\n  = help: write the SBOM as CycloneDX 1.4 or later"
        ));
    }
    let mut sbom = Sbom {
        source: shown.to_owned(),
        spec_version: spec,
        root: raw
            .metadata
            .and_then(|m| m.component)
            .and_then(|c| c.bom_ref),
        ..Sbom::default()
    };
    let mut stack: Vec<RawComponent> = raw.components;
    let mut seen_refs: HashSet<String> = HashSet::new();
    while let Some(raw) = stack.pop() {
        stack.extend(raw.components);
        let purl = raw.purl.filter(|p| !p.trim().is_empty());
        let package = purl.as_deref().and_then(parse_purl);
        let bom_ref = raw
            .bom_ref
            .or_else(|| purl.clone())
            .unwrap_or_else(|| format!("{}@{}", raw.name, raw.version.clone().unwrap_or_default()));
        if !seen_refs.insert(bom_ref.clone()) {
            continue;
        }
        let name = match &raw.group {
            Some(group) if !group.is_empty() => format!("{group}/{}", raw.name),
            _ => raw.name,
        };
        let first_party = raw
            .properties
            .iter()
            .any(|p| p.name == "signoff:first-party" && p.value.as_deref() == Some("true"));
        let lockfiles = raw
            .properties
            .into_iter()
            .filter(|p| p.name == "signoff:lockfile")
            .filter_map(|p| p.value)
            .collect();
        sbom.components.push(Component {
            bom_ref,
            name,
            version: raw.version.filter(|v| !v.is_empty()),
            purl,
            package,
            dev: matches!(raw.scope.as_deref(), Some("optional" | "excluded")),
            lockfiles,
            first_party,
        });
    }
    // Keep the document's order: the stack reversed it.
    sbom.components.reverse();
    for dependency in raw.dependencies {
        sbom.edges
            .entry(dependency.reference)
            .or_default()
            .extend(dependency.depends_on);
    }
    Ok(sbom)
}

/// How a component came in: `None` when the SBOM has no dependency graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A direct dependency of the described software.
    Direct,
    /// Via these components (names with versions), from the direct one down to the parent.
    Via(Vec<String>),
    /// The graph does not reach it.
    Unreached,
}

impl Sbom {
    /// The shortest path from the root to every component (breadth-first), by bom-ref.
    pub(crate) fn paths(&self) -> Option<HashMap<String, Origin>> {
        if self.edges.is_empty() {
            return None;
        }
        let label: HashMap<&str, String> = self
            .components
            .iter()
            .map(|c| {
                let version = c
                    .version
                    .as_deref()
                    .map(|v| format!("@{v}"))
                    .unwrap_or_default();
                (c.bom_ref.as_str(), format!("{}{version}", c.name))
            })
            .collect();
        let mut roots: Vec<&str> = match &self.root {
            Some(root) if self.edges.contains_key(root) => vec![root.as_str()],
            _ => {
                let targets: HashSet<&str> =
                    self.edges.values().flatten().map(String::as_str).collect();
                self.edges
                    .keys()
                    .map(String::as_str)
                    .filter(|k| !targets.contains(k))
                    .collect()
            }
        };
        // The repository's own packages (workspace members) count as the root.
        roots.extend(
            self.components
                .iter()
                .filter(|c| c.first_party)
                .map(|c| c.bom_ref.as_str()),
        );
        let mut parent: HashMap<&str, Option<&str>> = HashMap::new();
        let mut queue: VecDeque<&str> = VecDeque::new();
        for root in &roots {
            for child in self.edges.get(*root).into_iter().flatten() {
                if !parent.contains_key(child.as_str()) {
                    parent.insert(child, None);
                    queue.push_back(child);
                }
            }
        }
        while let Some(node) = queue.pop_front() {
            for child in self.edges.get(node).into_iter().flatten() {
                if !parent.contains_key(child.as_str()) && !roots.contains(&child.as_str()) {
                    parent.insert(child, Some(node));
                    queue.push_back(child);
                }
            }
        }
        let mut out = HashMap::new();
        for component in &self.components {
            let key = component.bom_ref.as_str();
            let path = match parent.get(key) {
                None => Origin::Unreached,
                Some(None) => Origin::Direct,
                Some(Some(_)) => {
                    let mut chain = Vec::new();
                    let mut at = parent.get(key).copied().flatten();
                    while let Some(node) = at {
                        chain.push(label.get(node).cloned().unwrap_or_else(|| node.to_owned()));
                        at = parent.get(node).copied().flatten();
                        if chain.len() > 64 {
                            break;
                        }
                    }
                    chain.reverse();
                    Origin::Via(chain)
                }
            };
            out.insert(component.bom_ref.clone(), path);
        }
        Some(out)
    }
}

/// Describes the repository at `root` with the sbom crate and reads the result.
pub(crate) fn from_repository(root: &Path) -> Result<(Sbom, Vec<String>), String> {
    let excludes = globset::GlobSet::empty();
    let described = signoff_sbom::describe(root, &excludes);
    if described.found.lockfiles.is_empty() && described.found.manifests.is_empty() {
        return Ok((
            Sbom {
                source: root.display().to_string(),
                ..Sbom::default()
            },
            Vec::new(),
        ));
    }
    let meta = signoff_sbom::bom::Meta {
        name: "repository".into(),
        version: None,
        timestamp: "1970-01-01T00:00:00Z".into(),
        tool_name: "signoff-vulns".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
    };
    let document = signoff_sbom::bom::build(&described.merged, &meta);
    let bytes = signoff_sbom::bom::write(document, signoff_sbom::bom::Format::Json)?;
    let mut sbom = parse(&bytes, &root.display().to_string())?;
    sbom.source = "the repository's lockfiles".into();
    let failures = described
        .failures
        .iter()
        .map(|(path, _, error)| match error.line {
            Some(line) => format!("{path}:{line}: {}", error.message),
            None => format!("{path}: {}", error.message),
        })
        .collect();
    Ok((sbom, failures))
}
