//! The gates signoff ships, in one list: id, the name people read, and the one number
//! that says how the gate stands. The policy (which ids are known), the report (titles,
//! key metrics) and `signoff check` read it from here, so a new gate is registered by
//! adding one entry (plus its policy section in `policy::Gates` and its run in
//! `signoff check`).

/// The one number the report's gate table shows for a gate, read from its metrics (summed
/// over shards). When the metrics are absent the table shows the open findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMetric {
    /// `3 open findings`.
    OpenFindings,
    /// `1,996 dependencies`: a metric with its unit.
    Count {
        metric: &'static str,
        one: &'static str,
        many: &'static str,
    },
    /// `2 of 3 checks healthy`.
    Ratio {
        part: &'static str,
        whole: &'static str,
        label: &'static str,
    },
    /// `83.4% of lines`: `<word>_covered` over `<word>_total`, the first word whose
    /// metrics are present.
    Percent { words: &'static [&'static str] },
    /// `2 known vulnerabilities in 310 components`: a count within another, each as
    /// (metric, one, many).
    CountIn {
        count: (&'static str, &'static str, &'static str),
        within: (&'static str, &'static str, &'static str),
    },
    /// `+3 −1 ~2`: added, removed, changed.
    Changes {
        added: &'static str,
        removed: &'static str,
        changed: &'static str,
    },
}

/// A gate signoff ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GateInfo {
    /// Kebab-case id, as in `<id>.gate.json` and `signoff.yml`.
    pub id: &'static str,
    /// What people call it: `Secret scan`.
    pub title: &'static str,
    pub key_metric: KeyMetric,
}

/// Every built-in gate, in the order the report shows them.
pub const GATES: &[GateInfo] = &[
    GateInfo {
        id: "secret-scan",
        title: "Secret scan",
        key_metric: KeyMetric::OpenFindings,
    },
    GateInfo {
        id: "sbom",
        title: "SBOM",
        // The summary counts third-party dependencies; the key metric says the same.
        key_metric: KeyMetric::Count {
            metric: "dependencies",
            one: "dependency",
            many: "dependencies",
        },
    },
    GateInfo {
        id: "coverage",
        title: "Coverage",
        // Go profiles count statements, not lines.
        key_metric: KeyMetric::Percent {
            words: &["lines", "statements"],
        },
    },
    GateInfo {
        id: "health-check",
        title: "Health check",
        key_metric: KeyMetric::Ratio {
            part: "checks_healthy",
            whole: "checks_total",
            label: "checks healthy",
        },
    },
    GateInfo {
        id: "sbom-diff",
        title: "Dependency changes",
        key_metric: KeyMetric::Changes {
            added: "added",
            removed: "removed",
            changed: "changed",
        },
    },
    GateInfo {
        id: "vulnerabilities",
        title: "Vulnerabilities",
        key_metric: KeyMetric::CountIn {
            count: (
                "vulnerabilities",
                "known vulnerability",
                "known vulnerabilities",
            ),
            within: ("components_checked", "component", "components"),
        },
    },
    GateInfo {
        id: "pipeline",
        title: "Pipeline and release path",
        key_metric: KeyMetric::CountIn {
            count: (
                "production_deploys",
                "production deploy",
                "production deploys",
            ),
            within: ("workflows", "workflow", "workflows"),
        },
    },
    GateInfo {
        id: "infra",
        title: "Infrastructure as code",
        key_metric: KeyMetric::CountIn {
            count: ("findings_open", "open finding", "open findings"),
            within: ("files", "file", "files"),
        },
    },
];

/// The built-in gate with this id.
pub fn get(id: &str) -> Option<&'static GateInfo> {
    GATES.iter().find(|gate| gate.id == id)
}

/// Whether `id` is a built-in gate.
pub fn is_builtin(id: &str) -> bool {
    get(id).is_some()
}

/// The ids of every built-in gate.
pub fn ids() -> impl Iterator<Item = &'static str> {
    GATES.iter().map(|gate| gate.id)
}

/// What people call a gate: the registered title, or the id of a gate made from SARIF.
pub fn title(id: &str) -> String {
    get(id).map_or_else(|| id.to_owned(), |gate| gate.title.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for gate in GATES {
            assert!(crate::report::is_gate_id(gate.id), "{}", gate.id);
            assert!(seen.insert(gate.id), "{} twice", gate.id);
        }
        assert_eq!(title("codeql"), "codeql");
        assert_eq!(title("sbom"), "SBOM");
    }
}
