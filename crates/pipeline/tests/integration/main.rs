//! Integration tests of `signoff-pipeline`: the real binary on real workflows from public
//! repositories (`real`), on minimal cases of each rule (`rules`, `release`), on hostile
//! YAML (`hostile`), and its command line and outputs (`cli`). Every report is validated
//! against `schemas/gate.v1.json`.

#![allow(clippy::unwrap_used)]

mod cli;
mod common;
mod hostile;
mod real;
mod release;
mod rules;
