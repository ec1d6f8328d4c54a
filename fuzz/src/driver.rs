//! Runs one target over its seed corpus and mutated inputs, each under `catch_unwind`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::mutate::Mutator;
use crate::targets::Target;

/// How long a run goes on.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Stop making mutated inputs after this long (the seeds always all run).
    pub time: Option<Duration>,
    /// Stop after this many mutated inputs.
    pub mutations: Option<u64>,
    /// An input taking longer than this is a crash (a hang, or near one).
    pub per_input: Duration,
}

/// An input on which a target failed.
#[derive(Debug, Clone)]
pub struct Crash {
    pub input: Vec<u8>,
    /// The panic message, or why the input counts as a crash.
    pub message: String,
}

impl Crash {
    /// Writes the input to `dir/<target>-<hash>` and returns the path.
    pub fn write(&self, dir: &Path, target: &str) -> std::io::Result<PathBuf> {
        write_input(dir, target, &self.input)
    }
}

/// Writes `input` to `dir/<prefix>-<hash>` (a short hash of the input) and returns the path.
pub fn write_input(dir: &Path, prefix: &str, input: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!(
        "{prefix}-{}",
        hex::encode(&Sha256::digest(input)[..8])
    ));
    std::fs::write(&path, input)?;
    Ok(path)
}

/// What a run of one target did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Inputs run, seeds included.
    pub inputs: u64,
    /// Seeds in the corpus.
    pub corpus: usize,
    /// The first failing input, when there was one (the run stops there).
    pub crash: Option<Crash>,
}

/// Runs `target` over its seeds, then mutated inputs made with `seed`, until `budget` is
/// spent or an input fails.
pub fn run(target: &Target, seed: u64, budget: Budget) -> Outcome {
    let corpus = target.corpus();
    let mut outcome = Outcome {
        inputs: 0,
        corpus: corpus.len(),
        crash: None,
    };
    let started = Instant::now();
    let quiet = QuietPanics::install();
    for input in &corpus {
        outcome.inputs += 1;
        if let Some(crash) = one(target, input, budget.per_input) {
            outcome.crash = Some(crash);
            drop(quiet);
            return outcome;
        }
    }
    // Each target gets its own stream, so adding a target changes no other's inputs.
    let mut mutator = Mutator::new(seed ^ fnv(target.name.as_bytes()));
    let mut made = 0u64;
    while budget.mutations.is_none_or(|most| made < most)
        && budget.time.is_none_or(|most| started.elapsed() < most)
    {
        let input = mutator.next(&corpus);
        made += 1;
        outcome.inputs += 1;
        if let Some(crash) = one(target, &input, budget.per_input) {
            outcome.crash = Some(crash);
            break;
        }
    }
    drop(quiet);
    outcome
}

/// Runs `target` on one input: a crash when it panics or takes longer than `limit`.
pub fn one(target: &Target, input: &[u8], limit: Duration) -> Option<Crash> {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| (target.run)(input)));
    let took = started.elapsed();
    match result {
        Err(payload) => Some(Crash {
            input: input.to_vec(),
            message: panic_message(payload.as_ref()),
        }),
        Ok(()) if took > limit => Some(Crash {
            input: input.to_vec(),
            message: format!("took {took:?}, over the {limit:?} budget for one input"),
        }),
        Ok(()) => None,
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        format!("panic: {text}")
    } else if let Some(text) = payload.downcast_ref::<String>() {
        format!("panic: {text}")
    } else {
        "panic with a non-text payload".to_owned()
    }
}

/// FNV-1a, to derive a target's mutation stream from its name.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Silences the default panic message while targets run (a crash is reported by the
/// driver, with its input); the previous hook comes back on drop.
struct QuietPanics;

impl QuietPanics {
    fn install() -> Self {
        std::panic::set_hook(Box::new(|_| {}));
        QuietPanics
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        let _ = std::panic::take_hook();
    }
}
