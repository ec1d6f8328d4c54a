//! `signoff-fuzz`: runs the fuzz targets on the stable toolchain.
//!
//! `signoff-fuzz [--target NAME|all] [--seconds N] [--seed S] [--timeout SECONDS]`
//! runs each target for N seconds (its seeds first, then mutated inputs) and prints, per
//! target, the inputs run, the corpus size, and any crash. A crashing input is written to
//! `fuzz/crashes/<target>-<hash>` and the exit code is 1.
//!
//! `--export-seeds DIR` writes each target's seeds to `DIR/<target>/<hash>` (the corpus
//! that `scripts/fuzz.sh --libfuzzer` starts from) and `--replay FILE...` runs the target
//! on saved inputs, such as a crash libFuzzer wrote.

use std::process::ExitCode;
use std::time::Duration;

use signoff_fuzz::{Budget, all, run};

const USAGE: &str = "usage: signoff-fuzz [--target NAME|all] [--seconds N] [--seed S] \
[--timeout SECONDS] [--list] [--export-seeds DIR] [--replay FILE...]";

fn main() -> ExitCode {
    let mut target = "all".to_owned();
    let mut seconds = 10.0f64;
    let mut seed = 0u64;
    let mut timeout = 10.0f64;
    let mut export: Option<std::path::PathBuf> = None;
    let mut replay: Vec<std::path::PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let parsed: Result<(), String> = match arg.as_str() {
            "--target" => value("--target").map(|v| target = v),
            "--seconds" => value("--seconds").and_then(|v| {
                v.parse()
                    .map(|v| seconds = v)
                    .map_err(|e| format!("--seconds {v}: {e}"))
            }),
            "--seed" => value("--seed").and_then(|v| {
                v.parse()
                    .map(|v| seed = v)
                    .map_err(|e| format!("--seed {v}: {e}"))
            }),
            "--timeout" => value("--timeout").and_then(|v| {
                v.parse()
                    .map(|v| timeout = v)
                    .map_err(|e| format!("--timeout {v}: {e}"))
            }),
            "--export-seeds" => value("--export-seeds").map(|v| export = Some(v.into())),
            "--replay" => {
                replay.extend(args.by_ref().map(Into::into));
                if replay.is_empty() {
                    Err("--replay needs at least one file".to_owned())
                } else {
                    Ok(())
                }
            }
            "--list" => {
                for t in all() {
                    println!("{}", t.name);
                }
                return ExitCode::SUCCESS;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other}")),
        };
        if let Err(message) = parsed {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    if !(seconds.is_finite() && seconds >= 0.0 && timeout.is_finite() && timeout > 0.0) {
        eprintln!("error: --seconds and --timeout take a positive number\n{USAGE}");
        return ExitCode::from(2);
    }
    let targets: Vec<_> = all()
        .into_iter()
        .filter(|t| target == "all" || t.name == target)
        .collect();
    if targets.is_empty() {
        eprintln!("error: no target named {target} (see --list)");
        return ExitCode::from(2);
    }
    if let Some(dir) = export {
        return export_seeds(&targets, &dir);
    }
    if !replay.is_empty() {
        return replay_inputs(&targets, &replay, Duration::from_secs_f64(timeout));
    }
    let budget = Budget {
        time: Some(Duration::from_secs_f64(seconds)),
        mutations: None,
        per_input: Duration::from_secs_f64(timeout),
    };
    let crashes_dir = signoff_fuzz::workspace_root().join("fuzz/crashes");
    let mut crashed = false;
    for t in &targets {
        let outcome = run(t, seed, budget);
        match &outcome.crash {
            None => println!(
                "{:<28} {:>9} inputs  corpus {:>3}  ok",
                t.name, outcome.inputs, outcome.corpus
            ),
            Some(crash) => {
                crashed = true;
                let saved = match crash.write(&crashes_dir, &t.name) {
                    Ok(path) => path.display().to_string(),
                    Err(e) => format!("(not saved: {e})"),
                };
                println!(
                    "{:<28} {:>9} inputs  corpus {:>3}  CRASH {}\n    {}\n    input: {saved}",
                    t.name,
                    outcome.inputs,
                    outcome.corpus,
                    crash.message.lines().next().unwrap_or(""),
                    crash.message
                );
            }
        }
    }
    if crashed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes each target's seeds to `dir/<target>/<hash>`.
fn export_seeds(targets: &[signoff_fuzz::Target], dir: &std::path::Path) -> ExitCode {
    for t in targets {
        let corpus = t.corpus();
        for input in &corpus {
            if let Err(e) = signoff_fuzz::driver::write_input(&dir.join(&t.name), "seed", input) {
                eprintln!(
                    "error: cannot write to {}: {e}",
                    dir.join(&t.name).display()
                );
                return ExitCode::from(2);
            }
        }
        println!("{:<28} {:>4} seeds", t.name, corpus.len());
    }
    ExitCode::SUCCESS
}

/// Runs the one chosen target on each saved input.
fn replay_inputs(
    targets: &[signoff_fuzz::Target],
    files: &[std::path::PathBuf],
    limit: Duration,
) -> ExitCode {
    let [target] = targets else {
        eprintln!("error: --replay needs one --target\n{USAGE}");
        return ExitCode::from(2);
    };
    let mut crashed = false;
    for file in files {
        let input = match std::fs::read(file) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                return ExitCode::from(2);
            }
        };
        match signoff_fuzz::driver::one(target, &input, limit) {
            None => println!("{}: ok", file.display()),
            Some(crash) => {
                crashed = true;
                println!("{}: CRASH {}", file.display(), crash.message);
            }
        }
    }
    if crashed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
