//! Integration tests of signoff-core: the gate-report contract against its JSON schema.

#![allow(clippy::unwrap_used)]

mod gitignore;
mod schema;
