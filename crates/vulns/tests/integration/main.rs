//! Integration tests: the real `signoff-vulns` binary against OSV exports zipped at test
//! time from real records (tests/fixtures/osv/README.md says where each comes from).
//! Every gate report is validated against `schemas/gate.v1.json`, every vulnerabilities
//! document against CycloneDX 1.6 and every SARIF log against SARIF 2.1.0.
#![allow(clippy::unwrap_used)]

mod common;
mod gate;
mod real_records;
mod update;
