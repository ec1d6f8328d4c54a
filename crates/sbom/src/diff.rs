//! `signoff-sbom diff OLD NEW`: the components a change adds, removes and changes. Each
//! side is a CycloneDX JSON file, or a directory that is described first. Components are
//! matched by purl without version; first-party components are left out.
//!
//! The comparison is its own gate, `sbom-diff`, written as `sbom-diff.gate.json`, so it
//! never replaces the scan's `sbom.gate.json` in the same output directory. When a side is
//! a directory, a lockfile that cannot be parsed there is a `lockfile-unparsable` finding
//! and fails the gate, and the packages only that lockfile holds are left out of both
//! sides: a broken lockfile must not read as "removes 40 dependencies".

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use signoff_core::report::{Check, GateReport, Op};
use signoff_core::text::{plural, thousands};
use signoff_core::{CommonArgs, GateArgs, ReportBuilder, Tool};

use crate::Described;

/// Arguments of `diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The SBOM (or directory) before the change
    pub old: PathBuf,

    /// The SBOM (or directory) after the change
    pub new: PathBuf,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// The `sbom-diff` gate: `diff`'s arguments under their own gate id, so its report (and
/// a crash report) is `sbom-diff.gate.json`.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "signoff-sbom diff")]
pub struct DiffGate {
    #[command(flatten)]
    pub args: DiffArgs,
}

impl GateArgs for DiffGate {
    const GATE: &'static str = "sbom-diff";
    fn tool() -> Tool {
        signoff_core::tool!()
    }
    fn common(&self) -> &CommonArgs {
        &self.args.common
    }
}

/// Package identity (purl without version) → versions.
type Inventory = BTreeMap<String, BTreeSet<String>>;

/// What changed between two inventories.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// purls added.
    pub added: Vec<String>,
    /// purls removed.
    pub removed: Vec<String>,
    /// (package, old versions, new versions).
    pub changed: Vec<(String, Vec<String>, Vec<String>)>,
}

/// Runs the comparison as the `sbom-diff` gate; a crash still gives an `sbom-diff` report.
pub fn run(args: DiffArgs) -> GateReport {
    signoff_core::gate::run_catching(DiffGate { args }, |gate| compare_sides(&gate.args))
}

fn compare_sides(args: &DiffArgs) -> GateReport {
    let root = if args.new.is_dir() {
        args.new.clone()
    } else {
        args.new.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let (_ctx, mut report) = match signoff_core::Context::start::<DiffGate>(&args.common, &root) {
        Ok(v) => v,
        Err(report) => return *report,
    };
    let (old, new) = match (Side::load(&args.old), Side::load(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(error), _) | (_, Err(error)) => {
            report.error(error);
            return report.finish("an SBOM to compare could not be read, so nothing was compared");
        }
    };
    // Lockfiles that failed on either side: what only they hold is not compared.
    let mut findings = Vec::new();
    let mut broken = BTreeSet::new();
    for (side, path) in [(&old, &args.old), (&new, &args.new)] {
        for (rel, kind, error) in side.failures() {
            let shown = path.join(rel).display().to_string();
            findings.push(crate::checks::unparsable(&shown, *kind, error));
            broken.insert(rel.clone());
        }
    }
    let changes = compare(&old.inventory(&broken), &new.inventory(&broken));
    record(&mut report, &changes);
    report.check(
        Check::new("unparsable-lockfiles", Op::Le, 0.0, findings.len() as f64)
            .message("lockfiles that could not be read, so their packages were not compared"),
    );
    let mut summary = sentence(&changes);
    if !broken.is_empty() {
        summary.push_str(&format!(
            "; {} could not be read and {} left out of the comparison",
            plural(broken.len() as u64, "lockfile", "lockfiles"),
            if broken.len() == 1 { "is" } else { "are" }
        ));
    }
    report.findings(findings);
    report.finish(summary)
}

/// One side of the comparison.
enum Side {
    /// A directory, described from its lockfiles.
    Directory(Box<Described>),
    /// A CycloneDX document's third-party inventory.
    Document(Inventory),
}

impl Side {
    fn load(path: &Path) -> Result<Side, String> {
        if path.is_dir() {
            let described = crate::describe(path, &globset::GlobSet::empty());
            return Ok(Side::Directory(Box::new(described)));
        }
        document_inventory(path).map(Side::Document)
    }

    fn failures(&self) -> &[(String, crate::parse::Kind, crate::parse::ParseError)] {
        match self {
            Side::Directory(described) => &described.failures,
            Side::Document(_) => &[],
        }
    }

    /// The third-party inventory, without the packages that only lockfiles in `broken`
    /// (repository-relative paths) mention.
    fn inventory(&self, broken: &BTreeSet<String>) -> Inventory {
        let described = match self {
            Side::Document(inventory) => return inventory.clone(),
            Side::Directory(described) => described,
        };
        let mut out = Inventory::new();
        for component in described.merged.third_party() {
            if component.files.iter().all(|file| broken.contains(file)) {
                continue;
            }
            let (package, version) = split_purl(&component.purl);
            out.entry(package).or_default().insert(version);
        }
        out
    }
}

fn record(report: &mut ReportBuilder, changes: &Changes) {
    report
        .metric("added", changes.added.len() as u64)
        .metric("removed", changes.removed.len() as u64)
        .metric("changed", changes.changed.len() as u64)
        .detail("added", changes.added.clone())
        .detail("removed", changes.removed.clone())
        .detail(
            "changed",
            changes
                .changed
                .iter()
                .map(|(package, from, to)| serde_json::json!({"package": package, "from": from, "to": to}))
                .collect::<Vec<_>>(),
        );
}

/// "this change adds 3 dependencies, removes 1 and changes 2".
pub fn sentence(changes: &Changes) -> String {
    let mut parts = Vec::new();
    if !changes.added.is_empty() {
        parts.push(format!(
            "adds {}",
            plural(changes.added.len() as u64, "dependency", "dependencies")
        ));
    }
    if !changes.removed.is_empty() {
        parts.push(format!(
            "removes {}",
            thousands(changes.removed.len() as u64)
        ));
    }
    if !changes.changed.is_empty() {
        parts.push(format!(
            "changes {}",
            thousands(changes.changed.len() as u64)
        ));
    }
    match parts.len() {
        0 => "this change does not change the dependencies".to_owned(),
        1 => format!("this change {}", parts[0]),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("this change {} and {last}", parts.join(", "))
        }
    }
}

/// Compares two inventories.
pub fn compare(old: &Inventory, new: &Inventory) -> Changes {
    let mut changes = Changes::default();
    for (package, versions) in new {
        match old.get(package) {
            None => changes
                .added
                .extend(versions.iter().map(|v| with_version(package, v))),
            Some(before) if before != versions => changes.changed.push((
                package.clone(),
                before.iter().cloned().collect(),
                versions.iter().cloned().collect(),
            )),
            Some(_) => {}
        }
    }
    for (package, versions) in old {
        if !new.contains_key(package) {
            changes
                .removed
                .extend(versions.iter().map(|v| with_version(package, v)));
        }
    }
    changes
}

fn with_version(package: &str, version: &str) -> String {
    if version.is_empty() {
        package.to_owned()
    } else {
        format!("{package}@{version}")
    }
}

/// Splits a purl into (identity without version, version); qualifiers are dropped.
fn split_purl(purl: &str) -> (String, String) {
    let purl = purl.split(['?', '#']).next().unwrap_or(purl);
    match purl.rfind('@') {
        Some(at) if at > purl.rfind('/').unwrap_or(0) => {
            (purl[..at].to_owned(), purl[at + 1..].to_owned())
        }
        _ => (purl.to_owned(), String::new()),
    }
}

/// The third-party inventory of a CycloneDX JSON file.
fn document_inventory(path: &Path) -> Result<Inventory, String> {
    let mut out = Inventory::new();
    let shown = path.display();
    let text = crate::parse::read_text(path).map_err(|error| {
        format!(
            "error: cannot read {shown}: {}\n  = help: give a CycloneDX JSON file (sbom.cdx.json) or a directory",
            error.message
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
        format!(
            "error: {shown}:{}:{}: not JSON: {error}\n  = help: give a CycloneDX JSON file; for XML, describe the directories instead",
            error.line(),
            error.column()
        )
    })?;
    if value.get("bomFormat").and_then(|f| f.as_str()) != Some("CycloneDX") {
        return Err(format!(
            "error: {shown} is not a CycloneDX document (no `\"bomFormat\": \"CycloneDX\"`)\n  = help: give the sbom.cdx.json a signoff-sbom run wrote"
        ));
    }
    let mut stack: Vec<&serde_json::Value> = value
        .get("components")
        .and_then(|c| c.as_array())
        .map(|c| c.iter().collect())
        .unwrap_or_default();
    while let Some(component) = stack.pop() {
        if let Some(children) = component.get("components").and_then(|c| c.as_array()) {
            stack.extend(children);
        }
        let first_party = component
            .get("properties")
            .and_then(|p| p.as_array())
            .is_some_and(|props| {
                props
                    .iter()
                    .any(|p| p.get("name").and_then(|n| n.as_str()) == Some("signoff:first-party"))
            });
        if first_party {
            continue;
        }
        if let Some(purl) = component.get("purl").and_then(|p| p.as_str()) {
            let (package, version) = split_purl(purl);
            out.entry(package).or_default().insert(version);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(items: &[&str]) -> Inventory {
        let mut out = Inventory::new();
        for purl in items {
            let (package, version) = split_purl(purl);
            out.entry(package).or_default().insert(version);
        }
        out
    }

    #[test]
    fn added_removed_and_changed_are_told_apart() {
        let old = inventory(&["pkg:npm/a@1.0.0", "pkg:npm/b@1.0.0", "pkg:npm/c@1.0.0"]);
        let new = inventory(&[
            "pkg:npm/a@1.0.0",
            "pkg:npm/b@2.0.0",
            "pkg:npm/d@1.0.0",
            "pkg:npm/e@1.0.0",
        ]);
        let changes = compare(&old, &new);
        assert_eq!(changes.added, ["pkg:npm/d@1.0.0", "pkg:npm/e@1.0.0"]);
        assert_eq!(changes.removed, ["pkg:npm/c@1.0.0"]);
        assert_eq!(changes.changed.len(), 1);
        assert_eq!(
            sentence(&changes),
            "this change adds 2 dependencies, removes 1 and changes 1"
        );
        assert_eq!(
            sentence(&Changes::default()),
            "this change does not change the dependencies"
        );
    }

    #[test]
    fn purls_split_at_the_version_not_the_scope() {
        assert_eq!(
            split_purl("pkg:npm/%40babel/core@7.0.0?x=y"),
            ("pkg:npm/%40babel/core".into(), "7.0.0".into())
        );
        assert_eq!(
            split_purl("pkg:pypi/requests"),
            ("pkg:pypi/requests".into(), String::new())
        );
    }
}
