//! The gate's rules.

signoff_core::rules! {
    /// What the vulnerabilities gate reports.
    pub enum Rule {
        /// A package in the SBOM is affected by a known vulnerability.
        VulnerableDependency = ("vulnerable-dependency", Severity::High, "A dependency has a known vulnerability"),
        /// A package in the SBOM is a known malicious package (an OpenSSF `MAL-` report).
        MaliciousPackage = ("malicious-package", Severity::Critical, "A dependency is a known malicious package"),
        /// Advisories name the package, but its version (or their ranges) cannot be ordered.
        VersionNotComparable = ("version-not-comparable", Severity::Low, "Advisories name this package but the version cannot be ordered, so they were not matched"),
    }
}

#[cfg(test)]
mod tests {
    use signoff_core::finding::Rule as _;

    use super::*;

    #[test]
    fn rule_list() {
        let list: Vec<String> = Rule::ALL
            .iter()
            .map(|r| format!("{} [{}] {}", r.id(), r.default_severity(), r.description()))
            .collect();
        insta::assert_snapshot!(list.join("\n"));
    }
}
