//! Integration tests of signoff-core: the gate-report contract against its JSON schema.

mod schema;
