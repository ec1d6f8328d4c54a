//! Integration tests: the real `signoff-secrets` binary on trees and git histories made at
//! test time. Every gate report is validated against `schemas/gate.v1.json` and every SARIF
//! log against the SARIF 2.1.0 schema, and no planted secret may appear in anything the
//! gate writes or prints.
#![allow(clippy::unwrap_used)]

mod classes;
mod common;
mod config;
mod history;
mod hostile;
mod range;
mod scopes;
mod tree;
