//! Integration tests of `signoff-infra`: the real binary on minimal cases of each rule
//! family (`rules`), on hostile input (`hostile`), and its command line, policy, waivers,
//! baselines and outputs (`cli`). Every report is validated against
//! `schemas/gate.v1.json`.

#![allow(clippy::unwrap_used)]

mod cli;
mod common;
mod hostile;
mod rules;
