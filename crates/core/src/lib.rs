//! signoff-core: the gate-report contract (`signoff/gate/v1`), the policy file, and the
//! GitHub Actions runner plumbing every signoff gate and the report share.
//!
//! - [`report`]: the wire types, [`status`]: status and exit codes.
//! - [`finding`]: rules and the finding builder; [`fingerprint`], [`redact`].
//! - [`policy`]: `signoff.yml`, read through [`yaml`] with errors from [`diag`].
//! - [`github`]: context, annotations, outputs, job summary.
//! - [`gate`]: common flags, run context, report builder and the gate `main`.
//! - [`diff`]: the lines a unified diff adds.
//! - [`sarif`] and [`baseline`]: SARIF 2.1.0 from findings; known findings that stop failing.
//! - [`registry`]: the gates signoff ships, in one list.

pub mod audit;
pub mod badge;
pub mod baseline;
pub mod console;
pub mod diag;
pub mod diff;
pub mod finding;
pub mod fingerprint;
pub mod fs;
pub mod gate;
pub mod github;
pub mod gitignore;
pub mod markdown;
pub mod policy;
pub mod progress;
pub mod redact;
pub mod registry;
pub mod report;
pub mod sarif;
pub mod status;
pub mod subject;
pub mod text;
pub mod yaml;

pub use gate::{CommonArgs, Context, GateArgs, ReportBuilder};
pub use report::{Check, Finding, GateReport, Op, Severity, Status, Subject, Tool};
