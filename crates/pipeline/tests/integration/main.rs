//! Integration tests of `signoff-pipeline`: the real binary on real and planted workflows.

fn main() {}
