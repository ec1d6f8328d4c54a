//! signoff-vulns: the vulnerabilities gate. The SBOM's packages (a CycloneDX 1.4–1.6 JSON
//! file, or the repository described by the sbom crate) are matched, offline, against the
//! OSV per-ecosystem exports with the OSV schema's semantics and each ecosystem's version
//! order; findings carry the advisory and its aliases, the fix, the severity with its
//! source and the path that brought the package in.
//!
//! Stages: [`sbom`] reads the SBOM; [`db`] finds the exports and reads only the records
//! naming the SBOM's packages (through a name index); [`matcher`] evaluates [`osv`] ranges
//! with [`version`] orders and groups aliases; [`severity`] rates with [`cvss`]; [`vex`]
//! and the policy's waivers accept; [`findings`], [`cyclonedx`] and [`sarif`] write it out.
//! `update` ([`update`]) is the only step that uses the network.

pub(crate) mod cvss;
pub mod cyclonedx;
pub(crate) mod db;
pub use db::downloaded as database_downloaded;
pub mod ecosystem;
pub(crate) mod findings;
pub(crate) mod matcher;
pub(crate) mod osv;
pub mod rules;
pub mod sarif;
pub(crate) mod sbom;
mod scan;
pub(crate) mod severity;
pub mod update;
pub(crate) mod version;
pub(crate) mod vex;

use std::path::PathBuf;
use std::process::ExitCode;

use signoff_core::report::{GateReport, Severity};
use signoff_core::{CommonArgs, GateArgs, ReportBuilder, Tool};

/// Checks the packages of an SBOM against the OSV database, offline.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "signoff-vulns", version, about, long_about = None)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Repository to check; its SBOM is built from its lockfiles unless --sbom is given
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// CycloneDX 1.4–1.6 JSON SBOM to check (signoff-sbom's sbom.cdx.json, syft, cdxgen…)
    #[arg(long, value_name = "FILE")]
    pub sbom: Option<PathBuf>,

    /// OSV database directory [default: $SIGNOFF_VULN_DB, else the user cache]
    #[arg(long, value_name = "DIR")]
    pub db: Option<PathBuf>,

    /// OpenVEX or CycloneDX VEX document whose `not_affected` statements waive (repeatable)
    #[arg(long = "vex", value_name = "FILE")]
    pub vex: Vec<PathBuf>,

    /// Lowest severity of an open finding that fails the gate [default: high]
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,

    /// Severity of advisories with no CVSS vector and no label [default: high]
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub unknown_severity: Option<Severity>,

    /// Days after which the database is stale [default: 7]
    #[arg(long, value_name = "DAYS")]
    pub max_db_age_days: Option<u64>,

    /// Leave development-only dependencies out
    #[arg(long)]
    pub exclude_dev: bool,

    /// Also write the SARIF log here (it is always written as vulnerabilities.sarif in --out)
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Download the OSV exports the SBOM needs (conditional requests, atomic writes);
    /// the only step that uses the network
    Update(update::UpdateArgs),
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Ok(match text.to_ascii_lowercase().as_str() {
        "critical" => Severity::Critical,
        "high" => Severity::High,
        "medium" | "moderate" => Severity::Medium,
        "low" => Severity::Low,
        "info" => Severity::Info,
        _ => {
            return Err(format!(
                "`{text}` is not a severity; use critical, high, medium, low or info"
            ));
        }
    })
}

impl GateArgs for Args {
    const GATE: &'static str = "vulnerabilities";
    fn tool() -> Tool {
        signoff_core::tool!()
    }
    fn common(&self) -> &CommonArgs {
        &self.common
    }
}

/// Runs the gate. (`update` is not a gate run: [`main`] dispatches it before this.)
pub fn run(args: Args) -> GateReport {
    match args.command {
        Some(Command::Update(_)) => {
            let mut builder = ReportBuilder::new(Args::GATE, Args::tool(), Default::default());
            builder.error("error: `update` downloads the database and writes no gate report\n  = help: run `signoff-vulns update` on its own, then the gate");
            builder.finish("`update` is not a gate run")
        }
        None => scan::run(&args),
    }
}

/// The binary's and `signoff vulnerabilities`' entry point with parsed arguments:
/// `update` downloads, anything else runs the gate and writes its report.
pub fn dispatch(args: Args) -> ExitCode {
    match &args.command {
        Some(Command::Update(update)) => update::main(update),
        None => signoff_core::gate::execute(args, run),
    }
}

/// The binary's `main`.
pub fn main() -> ExitCode {
    use clap::Parser as _;
    signoff_core::gate::init_logging();
    dispatch(Args::parse())
}

/// Entry points for the fuzz targets in `fuzz/`; not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    use crate::ecosystem::Ecosystem;
    use crate::version::Scheme;

    /// Versions each parsed OSV record is evaluated against.
    const VERSIONS: &[&str] = &["0", "1.0.0", "1.2.3-rc.1", "2.0", "v1.0.0", "10.0.0.post1"];

    /// Parses an OSV record and evaluates it for a few versions in every ecosystem;
    /// `false` when the bytes are not a record.
    pub fn osv_record(bytes: &[u8]) -> bool {
        let Ok(record) = serde_json::from_slice::<crate::osv::Record>(bytes) else {
            return false;
        };
        let _ = record.ids().count();
        let _ = record.is_malicious();
        for affected in &record.affected {
            for &ecosystem in Ecosystem::ALL {
                for version in VERSIONS {
                    let _ = affected.evaluate(ecosystem, version);
                }
            }
        }
        true
    }

    /// Parses a CycloneDX JSON SBOM as the gate reads it.
    pub fn sbom(bytes: &[u8]) -> bool {
        crate::sbom::parse(bytes, "sbom.json").is_ok()
    }

    /// Parses a VEX document (OpenVEX or CycloneDX).
    pub fn vex(bytes: &[u8]) -> bool {
        crate::vex::parse(bytes, "vex.json").is_ok()
    }

    /// Parses each line of `text` (up to three) as a version of every ecosystem's scheme
    /// and of semver, and checks that comparing is an order: each version equals itself,
    /// `a < b` exactly when `b > a`, and `a <= b <= c` gives `a <= c`. Two orders the gate
    /// follows are not transitive themselves, so they are not held to the last: Maven's
    /// ComparableVersion (`1-rc-1 < 1 < 1.pl-1 < 1-rc-1` in Maven 3.8.7) and OSV's PHP
    /// `version_compare` for versions with a `#`, a part that ranks with every number
    /// (`1.0.pl.1 < 1.301.0.pl.1 < 1.#.01.0.pl.1 < 1.0.pl.1`).
    pub fn version(text: &str) {
        use std::cmp::Ordering::{Equal, Greater};
        let lines: Vec<&str> = text.lines().take(3).collect();
        let schemes = Ecosystem::ALL
            .iter()
            .map(|&e| Scheme::Ecosystem(e))
            .chain([Scheme::Semver]);
        for scheme in schemes {
            let versions: Vec<_> = lines.iter().filter_map(|l| scheme.parse(l)).collect();
            for a in &versions {
                if let Some(order) = a.compare(a) {
                    assert_eq!(order, Equal, "{a:?} in {scheme:?}");
                }
                for b in &versions {
                    if let (Some(ab), Some(ba)) = (a.compare(b), b.compare(a)) {
                        assert_eq!(ab, ba.reverse(), "{a:?} and {b:?} in {scheme:?}");
                    }
                    let ordered = match scheme {
                        Scheme::Ecosystem(Ecosystem::Maven) => false,
                        Scheme::Ecosystem(Ecosystem::Packagist) => {
                            !lines.iter().any(|l| l.contains('#'))
                        }
                        _ => true,
                    };
                    for c in versions.iter().filter(|_| ordered) {
                        if a.compare(b).is_some_and(|o| o != Greater)
                            && b.compare(c).is_some_and(|o| o != Greater)
                            && let Some(ac) = a.compare(c)
                        {
                            assert_ne!(ac, Greater, "{a:?} <= {b:?} <= {c:?} in {scheme:?}");
                        }
                    }
                }
            }
        }
    }
}
