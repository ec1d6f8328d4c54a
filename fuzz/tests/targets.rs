//! Every target over its seed corpus plus a few hundred mutated inputs, with a fixed
//! seed: the short pass that CI runs on every change.

use std::time::{Duration, Instant};

use signoff_fuzz::{Budget, all, run};

/// Mutated inputs per target.
const MUTATIONS: u64 = 200;

#[test]
fn every_target_survives_its_seeds_and_mutations() {
    let started = Instant::now();
    let budget = Budget {
        time: None,
        mutations: Some(MUTATIONS),
        // Generous: debug builds on a shared CI machine.
        per_input: Duration::from_secs(10),
    };
    let mut failures = Vec::new();
    for target in all() {
        let outcome = run(&target, 19, budget);
        assert!(outcome.corpus > 0, "{} has no seeds", target.name);
        if let Some(crash) = outcome.crash {
            failures.push(format!(
                "{}: {} (input {:?})",
                target.name,
                crash.message,
                String::from_utf8_lossy(&crash.input[..crash.input.len().min(400)])
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "fuzz targets failed:\n{}",
        failures.join("\n")
    );
    eprintln!("fuzz pass took {:?}", started.elapsed());
}

#[test]
fn target_names_are_unique() {
    let mut names: Vec<String> = all().into_iter().map(|t| t.name).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count);
}
