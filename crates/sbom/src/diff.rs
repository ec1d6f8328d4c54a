//! `signoff-sbom diff OLD NEW`: the components a change adds, removes and changes. Each
//! side is a CycloneDX JSON file, or a directory that is described first. Components are
//! matched by purl without version; first-party components are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use signoff_core::report::GateReport;
use signoff_core::text::{plural, thousands};
use signoff_core::{CommonArgs, ReportBuilder};

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

pub fn run(args: &DiffArgs) -> GateReport {
    let root = args.new.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = if args.new.is_dir() {
        args.new.clone()
    } else {
        root
    };
    let (_ctx, mut report) = match signoff_core::Context::start::<crate::Args>(&args.common, &root)
    {
        Ok(v) => v,
        Err(report) => return *report,
    };
    let (old, new) = match (inventory(&args.old), inventory(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(error), _) | (_, Err(error)) => {
            report.error(error);
            return report.finish("an SBOM to compare could not be read, so nothing was compared");
        }
    };
    let changes = compare(&old, &new);
    record(&mut report, &changes);
    report.finish(sentence(&changes))
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

/// The third-party inventory of a CycloneDX JSON file or a directory.
fn inventory(path: &Path) -> Result<Inventory, String> {
    let mut out = Inventory::new();
    if path.is_dir() {
        let described = crate::describe(path, &globset::GlobSet::empty());
        for component in described.merged.third_party() {
            let (package, version) = split_purl(&component.purl);
            out.entry(package).or_default().insert(version);
        }
        return Ok(out);
    }
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
