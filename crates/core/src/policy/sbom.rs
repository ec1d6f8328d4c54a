//! The `sbom` section of `signoff.yml`.

use serde::Deserialize;

/// Settings of the SBOM gate.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SbomPolicy {}
