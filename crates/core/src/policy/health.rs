//! The `health-check` section of `signoff.yml`.

use serde::Deserialize;

/// Settings of the health-check gate.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthPolicy {}
