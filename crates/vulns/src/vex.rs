//! VEX documents: a CycloneDX VEX (`vulnerabilities[].analysis.state`) or an OpenVEX
//! document (`statements[].status`) saying a vulnerability does not affect a product.
//! A `not_affected` (or CycloneDX `false_positive`) statement on a finding's advisory (any
//! id or alias) and package (purl, with or without version, or bom-ref) waives it, and
//! its justification is shown.

use std::path::Path;

use serde::Deserialize;

/// One statement that a vulnerability does not affect some products.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    /// Ids naming the vulnerability (its id and aliases), upper case.
    pub ids: Vec<String>,
    /// Products: purls or bom-refs. Empty means every product.
    pub products: Vec<String>,
    pub justification: Option<String>,
    pub detail: Option<String>,
    /// The document it came from, as given.
    pub document: String,
}

#[derive(Deserialize)]
struct OpenVex {
    #[serde(default)]
    statements: Vec<OpenStatement>,
}

#[derive(Deserialize)]
struct OpenStatement {
    vulnerability: OpenVulnerability,
    #[serde(default)]
    products: Vec<OpenProduct>,
    status: String,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OpenVulnerability {
    Name(String),
    Object {
        #[serde(default)]
        name: Option<String>,
        #[serde(default, rename = "@id")]
        id: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OpenProduct {
    Id(String),
    Object {
        #[serde(default, rename = "@id")]
        id: Option<String>,
        #[serde(default)]
        identifiers: Option<serde_json::Map<String, serde_json::Value>>,
        #[serde(default)]
        subcomponents: Vec<OpenProduct>,
    },
}

#[derive(Deserialize)]
struct CdxVex {
    #[serde(default)]
    vulnerabilities: Vec<CdxVulnerability>,
}

#[derive(Deserialize)]
struct CdxVulnerability {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    references: Vec<CdxReference>,
    #[serde(default)]
    analysis: Option<CdxAnalysis>,
    #[serde(default)]
    affects: Vec<CdxAffects>,
}

#[derive(Deserialize)]
struct CdxReference {
    #[serde(default)]
    id: Option<String>,
}

#[derive(Deserialize)]
struct CdxAnalysis {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    detail: Option<String>,
}

#[derive(Deserialize)]
struct CdxAffects {
    #[serde(rename = "ref")]
    reference: String,
}

/// Reads the `not_affected` statements of a VEX document.
pub(crate) fn read(path: &Path) -> Result<Vec<Statement>, String> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        format!("error: cannot read the VEX document {shown}: {e}\n  = help: check the --vex path or the `vex:` list in signoff.yml")
    })?;
    parse(&bytes, &shown)
}

/// Reads the `not_affected` statements of VEX document text read from `shown`.
pub(crate) fn parse(bytes: &[u8], shown: &str) -> Result<Vec<Statement>, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        format!("error: {shown}:{}:{}: not JSON: {e}\n  = help: give an OpenVEX or CycloneDX VEX JSON document", e.line(), e.column())
    })?;
    let bad = |e: serde_json::Error| {
        format!(
            "error: {shown}: not a VEX document this gate reads: {e}\n  = help: give an OpenVEX (`statements`) or CycloneDX (`vulnerabilities` with `analysis`) JSON document"
        )
    };
    if value.get("statements").is_some() {
        let doc: OpenVex = serde_json::from_value(value).map_err(bad)?;
        Ok(doc
            .statements
            .into_iter()
            .filter(|s| s.status == "not_affected")
            .map(|s| open_statement(s, shown))
            .collect())
    } else if value.get("bomFormat").and_then(|v| v.as_str()) == Some("CycloneDX") {
        let doc: CdxVex = serde_json::from_value(value).map_err(bad)?;
        Ok(doc
            .vulnerabilities
            .into_iter()
            .filter(|v| {
                matches!(
                    v.analysis.as_ref().and_then(|a| a.state.as_deref()),
                    Some("not_affected" | "false_positive")
                )
            })
            .map(|v| cdx_statement(v, shown))
            .collect())
    } else {
        Err(format!(
            "error: {shown} is neither OpenVEX (`statements`) nor CycloneDX (`bomFormat`)\n  = help: give an OpenVEX or CycloneDX VEX JSON document"
        ))
    }
}

fn open_statement(statement: OpenStatement, document: &str) -> Statement {
    let mut ids = Vec::new();
    match statement.vulnerability {
        OpenVulnerability::Name(name) => ids.push(name),
        OpenVulnerability::Object { name, id, aliases } => {
            ids.extend(name);
            ids.extend(id);
            ids.extend(aliases);
        }
    }
    let mut products = Vec::new();
    let mut stack = statement.products;
    while let Some(product) = stack.pop() {
        match product {
            OpenProduct::Id(id) => products.push(id),
            OpenProduct::Object {
                id,
                identifiers,
                subcomponents,
            } => {
                products.extend(id);
                if let Some(purl) = identifiers
                    .as_ref()
                    .and_then(|i| i.get("purl"))
                    .and_then(|v| v.as_str())
                {
                    products.push(purl.to_owned());
                }
                stack.extend(subcomponents);
            }
        }
    }
    Statement {
        ids: ids
            .iter()
            .map(|id| id.trim().to_ascii_uppercase())
            .collect(),
        products,
        justification: statement.justification,
        detail: statement.impact_statement,
        document: document.to_owned(),
    }
}

fn cdx_statement(vulnerability: CdxVulnerability, document: &str) -> Statement {
    let analysis = vulnerability.analysis;
    let ids = vulnerability
        .id
        .into_iter()
        .chain(vulnerability.references.into_iter().filter_map(|r| r.id))
        .map(|id| id.trim().to_ascii_uppercase())
        .collect();
    Statement {
        ids,
        products: vulnerability
            .affects
            .into_iter()
            .map(|a| a.reference)
            .collect(),
        justification: analysis.as_ref().and_then(|a| a.justification.clone()),
        detail: analysis.and_then(|a| a.detail),
        document: document.to_owned(),
    }
}

/// `pkg:type/name@version` without qualifiers and subpath, lower-cased type.
fn purl_base(purl: &str) -> String {
    let purl = purl.split(['?', '#']).next().unwrap_or(purl);
    purl.replace("/@", "/%40")
}

impl Statement {
    /// Whether the statement covers a finding with these ids, on a component with this
    /// purl and bom-ref.
    pub(crate) fn covers(&self, ids: &[&str], purl: Option<&str>, bom_ref: &str) -> bool {
        let id_ok = ids
            .iter()
            .any(|id| self.ids.iter().any(|own| own.eq_ignore_ascii_case(id)));
        if !id_ok {
            return false;
        }
        if self.products.is_empty() {
            return true;
        }
        self.products.iter().any(|product| {
            if product == bom_ref {
                return true;
            }
            let Some(purl) = purl else { return false };
            let (theirs, ours) = (purl_base(product), purl_base(purl));
            if theirs.eq_ignore_ascii_case(&ours) {
                return true;
            }
            // A product without a version covers every version.
            let versionless = |p: &str| {
                p.rfind('@')
                    .filter(|&at| at > p.rfind('/').unwrap_or(0))
                    .is_none()
            };
            versionless(&theirs)
                && ours
                    .rsplit_once('@')
                    .is_some_and(|(base, _)| base.eq_ignore_ascii_case(&theirs))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(json: serde_json::Value) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().expect("temp");
        std::fs::write(file.path(), json.to_string()).expect("write");
        file
    }

    #[test]
    fn openvex_not_affected_statements() {
        let file = write(serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "statements": [
                {"vulnerability": {"name": "CVE-2021-23337"}, "products": [{"@id": "pkg:npm/lodash"}],
                 "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
                 "impact_statement": "template() never sees user input"},
                {"vulnerability": "CVE-2020-8203", "products": ["pkg:npm/lodash@4.17.15"], "status": "affected"}
            ]
        }));
        let statements = read(file.path()).expect("read");
        assert_eq!(statements.len(), 1);
        let s = &statements[0];
        assert!(s.covers(
            &["GHSA-35jh-r3h4-6jhm", "CVE-2021-23337"],
            Some("pkg:npm/lodash@4.17.15"),
            "r"
        ));
        assert!(!s.covers(&["CVE-2021-23337"], Some("pkg:npm/lodash-es@4.17.15"), "r"));
        assert!(!s.covers(&["CVE-2020-8203"], Some("pkg:npm/lodash@4.17.15"), "r"));
    }

    #[test]
    fn cyclonedx_vex_by_bom_ref_and_alias() {
        let file = write(serde_json::json!({
            "bomFormat": "CycloneDX", "specVersion": "1.6",
            "vulnerabilities": [{
                "id": "GHSA-xvch-5gv4-984h", "references": [{"id": "CVE-2021-44906"}],
                "analysis": {"state": "not_affected", "justification": "code_not_reachable"},
                "affects": [{"ref": "pkg:npm/minimist@1.2.5"}]
            }, {
                "id": "CVE-1", "analysis": {"state": "exploitable"}, "affects": [{"ref": "x"}]
            }]
        }));
        let statements = read(file.path()).expect("read");
        assert_eq!(statements.len(), 1);
        assert!(statements[0].covers(
            &["CVE-2021-44906"],
            Some("pkg:npm/minimist@1.2.5"),
            "pkg:npm/minimist@1.2.5"
        ));
        assert_eq!(
            statements[0].justification.as_deref(),
            Some("code_not_reachable")
        );
    }

    #[test]
    fn other_documents_are_errors_that_say_how_to_fix() {
        let file = write(serde_json::json!({"hello": 1}));
        let error = read(file.path()).unwrap_err();
        assert!(error.contains("neither OpenVEX"), "{error}");
        assert!(
            read(Path::new("/nonexistent/vex.json"))
                .unwrap_err()
                .contains("cannot read")
        );
    }
}
