//! The review areas a sign-off is read by, and which gate and rule speaks to which. A
//! gate not listed here (a new one, or SARIF from another scanner) drops in: its findings
//! go to the area their `details.area` names, else to the area of the gate, else to build
//! and test quality.

use serde::Serialize;
use signoff_core::report::{Finding, GateReport};

/// A review area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    Secrets,
    SupplyChain,
    BuildQuality,
    ReleasePath,
    Runtime,
    Dependencies,
    Operability,
}

impl Area {
    pub const ALL: [Area; 7] = [
        Area::Secrets,
        Area::SupplyChain,
        Area::BuildQuality,
        Area::ReleasePath,
        Area::Runtime,
        Area::Dependencies,
        Area::Operability,
    ];

    /// The id used in `details.area` and in signoff.json.
    pub fn id(self) -> &'static str {
        match self {
            Area::Secrets => "secrets",
            Area::SupplyChain => "supply-chain",
            Area::BuildQuality => "build-and-test-quality",
            Area::ReleasePath => "release-path",
            Area::Runtime => "runtime-configuration",
            Area::Dependencies => "dependencies",
            Area::Operability => "operability",
        }
    }

    pub fn from_id(id: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.id() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            Area::Secrets => "Secrets",
            Area::SupplyChain => "Supply chain",
            Area::BuildQuality => "Build and test quality",
            Area::ReleasePath => "Release path",
            Area::Runtime => "Runtime configuration",
            Area::Dependencies => "Dependencies",
            Area::Operability => "Operability",
        }
    }

    /// The question a reviewer asks of the area.
    pub fn question(self) -> &'static str {
        match self {
            Area::Secrets => "Are credentials kept out of the code, its history and its config?",
            Area::SupplyChain => {
                "Is what runs in CI pinned, least-privilege and safe from untrusted input?"
            }
            Area::BuildQuality => "Do tests, linters and scanners run, cover the code and block?",
            Area::ReleasePath => {
                "Does production wait for checks, go through staging, get verified and roll back?"
            }
            Area::Runtime => {
                "Are containers, manifests and infrastructure hardened and reproducible?"
            }
            Area::Dependencies => {
                "Are dependencies locked, inventoried, kept current and free of known vulnerabilities?"
            }
            Area::Operability => {
                "Is the deployed service checked for health, and can it be run safely?"
            }
        }
    }

    /// How to get the area assessed, when nothing assessed it.
    pub fn how_to_assess(self) -> &'static str {
        match self {
            Area::Secrets => "run the secret scan (`signoff secret-scan`)",
            Area::SupplyChain => "let the pipeline gate read the workflows in `.github/workflows`",
            Area::BuildQuality => {
                "upload a coverage report (`--coverage FILE`) and let the pipeline gate read the workflows"
            }
            Area::ReleasePath => {
                "the pipeline gate found no production deploy in the workflows to judge"
            }
            Area::Runtime => {
                "no Dockerfile, compose file, Kubernetes manifest or Terraform was found for the infra gate"
            }
            Area::Dependencies => {
                "commit lockfiles for the SBOM, and run `signoff vulnerabilities update` once for the advisory database"
            }
            Area::Operability => {
                "add `checks:` under `health-check` in signoff.yml, and run the gate after the deploy"
            }
        }
    }
}

/// The area a gate's own checks, warnings and errors belong to.
pub fn of_gate(gate: &str) -> Area {
    match gate {
        "secret-scan" => Area::Secrets,
        "sbom" | "sbom-diff" | "vulnerabilities" => Area::Dependencies,
        "coverage" => Area::BuildQuality,
        "health-check" => Area::Operability,
        "infra" => Area::Runtime,
        "pipeline" => Area::SupplyChain,
        _ => Area::BuildQuality,
    }
}

/// The area of one finding: the one its gate names in `details.area`, else the one its
/// rule speaks to, else the gate's.
pub fn of_finding(gate: &str, finding: &Finding) -> Area {
    if let Some(area) = finding
        .details
        .get("area")
        .and_then(|v| v.as_str())
        .and_then(Area::from_id)
    {
        return area;
    }
    let rule = finding.rule.as_str();
    match gate {
        "pipeline" => match rule {
            "non-blocking-check"
            | "missing-timeout"
            | "missing-concurrency"
            | "missing-sast"
            | "unscheduled-scans"
            | "duplicated-steps"
            | "placeholder-step"
            | "commented-out-trigger"
            | "invalid-workflow" => Area::BuildQuality,
            "missing-secret-scan" => Area::Secrets,
            "missing-dependency-scan" | "missing-update-bot" | "update-bot-gap" => {
                Area::Dependencies
            }
            "deploy-not-gated"
            | "deploy-gate-bypass"
            | "deploy-unprotected"
            | "no-staging-before-production"
            | "no-post-deploy-check"
            | "no-rollback"
            | "mutable-image-tag"
            | "unpinned-secret-version" => Area::ReleasePath,
            _ => Area::SupplyChain,
        },
        "infra" => match rule {
            "docker-unpinned-base"
            | "docker-curl-pipe-shell"
            | "docker-add-url"
            | "compose-unpinned-image"
            | "k8s-unpinned-image"
            | "tf-unpinned-module"
            | "tf-no-version-constraints" => Area::SupplyChain,
            "docker-secret-in-build"
            | "compose-default-credential"
            | "k8s-plain-secret"
            | "tf-secret-variable"
            | "tf-provider-credentials"
            | "env-file-committed"
            | "env-not-ignored"
            | "env-example-missing" => Area::Secrets,
            "docker-no-healthcheck"
            | "compose-missing-healthcheck"
            | "k8s-no-probes"
            | "k8s-no-pdb"
            | "compose-no-resource-limits"
            | "k8s-no-resources" => Area::Operability,
            _ => Area::Runtime,
        },
        _ => of_gate(gate),
    }
}

/// The areas a gate that ran (not skipped) assesses: where its silence means "looked, found
/// nothing". The pipeline gate judges the release path only when it found a production
/// deploy: its release rules are about what production waits for, so a repository that only
/// deploys previews has a release path nobody looked at.
pub fn assessed_by(gate: &str, report: &GateReport) -> Vec<Area> {
    match gate {
        "pipeline" => {
            let mut areas = vec![Area::SupplyChain, Area::BuildQuality];
            let deploys = report
                .metrics
                .get("production_deploys")
                .and_then(serde_json::Number::as_u64)
                .unwrap_or(0);
            if deploys > 0 {
                areas.push(Area::ReleasePath);
            }
            areas
        }
        _ => vec![of_gate(gate)],
    }
}
